-- Resets: the watchdog (forced, and catching a hung firmware), a brown-out
-- of the supply, and a brown-out in the middle of a non-volatile write.
local faults = require "pumphil.faults"
local class = require "pumphil.class"
-- Skip, with the reason, a test of a feature this device class lacks.
local function need(b, feature)
  local why = class.lacks(b, feature)
  if why then skip(why) end
end

suite { name = "Faults: resets", tags = { "faults", "resets" }, hazard = { "HAZ-STATE" } }

local function weighed(b) return b.fixture:delivered_nl() end

-- The BOOT event after a fault, its WATCHDOG alarm, and the therapy resumed.
local function rebooted(b, name, key, from, cause, commit)
  -- The BOOT may arrive while the script is still switching the fault:
  -- look from `from` on.
  local boot = b:wait_event({ name = "BOOT" }, { within = math.max(0, from - b:now()) + 2 * min,
                                                 since = from })
  faults.measure(name, key, boot.t - from)
  expect.eq(boot.arg, cause, name .. ": reset cause in BOOT")
  local wd = b:wait_alarm("WATCHDOG", { within = 1 * s })
  expect.eq(wd.priority, "MEDIUM", "WATCHDOG priority")
  local st = b.pump:status()
  expect.eq(st.running, 1, name .. ": therapy running after the reset")
  expect.eq(st.rx_crc, commit.crc, name .. ": prescription in force after the reset")
  return boot
end

test("watchdog reset: boots, raises WATCHDOG, resumes the prescription and its accuracy",
     { tags = { "long" }, req = { "REQ-ROB-001" } },
     function(b)
       need(b, "resume_after_reset")
       local rate = 1 * mL / day
       local c = faults.running(b, { rate = rate })
       b:run_for(30 * min)
       local w0 = weighed(b)
       local f = b:inject("watchdog_reset")
       rebooted(b, "watchdog_reset", "boot_delay", f.t_on, 1, c)
       b:run_until(f.t_on + 6 * h)
       local expected = rate * 6 * h
       faults.measure("watchdog_reset", "delivery_error", (weighed(b) - w0 - expected) / expected * 100)
     end)

test("hung firmware: the watchdog resets it within 90 s, no catch-up bolus",
     { tags = { "long" }, req = { "REQ-ROB-003", "REQ-DEL-005" }, hazard = { "HAZ-UNDER", "HAZ-OVER" } },
     function(b)
       local c = faults.running(b, { rate = 10 * mL / day })
       b:run_for(10 * min)
       local f = b:inject("watchdog_hang")
       local boot = rebooted(b, "watchdog_hang", "reset_latency", f.t_on, 1, c)
       b:run_until(boot.t)
       local s0 = b.fixture:read().motor_strokes
       b:run_until(boot.t + 1 * s)
       faults.measure("watchdog_hang", "catch_up", b.fixture:read().motor_strokes - s0)
     end)

test("brown-out: the board is off during the dip, boots when the supply returns",
     { tags = { "long" }, req = { "REQ-ROB-001" } },
     function(b)
       local c = faults.running(b, { rate = 10 * mL / day })
       b:run_for(10 * min)
       local f = b:inject("brownout", { level = 1500 * mV }, { duration = 5 * min })
       local s0 = b.fixture:read().motor_strokes
       -- Look in the middle of the dip: far from its end even where the
       -- host's answers take seconds of bench time.
       b:run_until(f.t_on + f.duration / 2)
       local mid = b.fixture:read()
       expect.eq(f.state, "on", "the supply still low when the rig was read")
       faults.measure("brownout", "strokes_during_dip", mid.motor_strokes - s0)
       expect.eq(#b:events(function(e) return e.t > f.t_on end), 0, "events from a board without power")
       rebooted(b, "brownout", "boot_delay", f.t_on + f.duration, 2, c)
     end)

test("brown-out during the commit's NVM writes: the last acknowledged prescription stays",
     { tags = { "long" }, req = { "REQ-ROB-002" }, hazard = { "HAZ-RX" },
       cases = { { label = "1st write", nth = 1 }, { label = "2nd write", nth = 2 },
                 { label = "3rd write", nth = 3 } } },
     function(b, case)
       local a = faults.running(b, { rate = 1 * mL / day })
       b:run_for(10 * min)
       local rx_b = { mode = "continuous", rate = 2 * mL / day, drug = 1, conc = 1 * mg / mL }
       local staged = b.pump:program { mode = rx_b.mode, rate = rx_b.rate, drug = 1, conc = rx_b.conc,
                                       commit = false }
       local f = b:inject("brownout_nvm", { nth_write = case.nth })
       -- The commit: power fails while the pump saves it, before it answers.
       local t_commit = b:now()
       local ok, reply = pcall(b.pump.call, b.pump, "rx_commit", { crc = staged.crc })
       expect.falsy(ok and reply and reply.result == 0, "commit acknowledged despite the brown-out")
       rebooted(b, "brownout_nvm", "boot_delay", math.max(f.t_on, t_commit), 2, a)
       -- Programmed again, the new prescription takes over.
       local c = b.pump:program(rx_b)
       expect.eq(b.pump:status().rx_crc, c.crc, "the prescription committed after the recovery")
     end)
