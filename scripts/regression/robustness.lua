-- Robustness: watchdog and brown-out resets resume the last committed
-- prescription with the persisted state; a brown-out during any NVM write of
-- a commit or a refill leaves the last acknowledged state; a hung firmware is
-- reset within 90 s with no catch-up bolus; bolus ids and the lockout
-- survive a reset.
--
-- No long tests: each takes under 5 min of bench time.
local setup = require "pumphil.setup"
local class = require "pumphil.class"
-- Skip, with the reason, a test of a feature this device class lacks.
local function need(b, feature)
  local why = class.lacks(b, feature)
  if why then skip(why) end
end

suite { name = "Robustness", tags = { "robustness" } }

local RATE = 240000 -- nL/h: a stroke every 3.75 s (5.76 mg/day of morphine 1 mg/mL)
local BUCKET = 10 * min -- the firmware persists delivery counters every 10 min (fw_limits.c)

local function ready(b)
  return setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = RATE * nL / h,
    patient_bolus = { dose = 10 * uL, duration = 1 * min, lockout = 1 * h, max_per_day = 6 } } })
end

test("after a reset the pump resumes the last committed prescription", {
  req = { "REQ-ROB-001", "REQ-ROB-004", "REQ-ALM-006", "REQ-ALM-008" },
  hazard = { "HAZ-STATE", "HAZ-UNDER", "HAZ-OVER" },
  cases = { { label = "watchdog", kind = "watchdog", cause = 1 },
            { label = "brown-out", kind = "brownout", cause = 2 } },
}, function(b, case)
  need(b, "resume_after_reset")
  local pump, stroke = b.pump, b.profile.pump.stroke_nl
  local c = ready(b)
  b:run_for(1 * min)
  pump:bolus { kind = "patient" }
  b:run_for(1 * min + 17 * s) -- strokes since the last save are not persisted yet
  local before = pump:status()
  b.fixture:reset(case.kind)
  local boot = b:wait_event({ name = "BOOT" }, { within = 5 * s })
  expect.eq(boot.arg, case.cause, "BOOT reset cause")
  local wd = b:wait_alarm("WATCHDOG", { within = 5 * s })
  expect.eq(wd.priority, "MEDIUM", "watchdog alarm priority")
  local st, fx = pump:status(), b.fixture:read()
  expect.eq(st.rx_crc, c.crc, "prescription CRC after the reset")
  expect.eq(st.mode_name, "CONTINUOUS", "mode after the reset")
  expect.eq(st.running, 1, "running after the reset")
  expect.eq(st.rate_nl_h, RATE, "rate after the reset")
  expect.eq(st.resets, before.resets + 1, "reset counter")
  -- The computed reservoir may lose the strokes since the last periodic save.
  measure("computed minus true reservoir after the reset", (st.reservoir_nl - fx.reservoir_nl) / uL,
          { unit = "uL", min = -stroke / uL, max = (RATE * BUCKET / h + stroke) / uL })
  expect.refused(pump:try_bolus { kind = "patient" }, "LOCKOUT", "patient bolus within the lockout, after the reset")
  local n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, RATE / 60 / stroke, 1, "strokes in 1 min after the reset")
  expect.truthy(pump:status().alarm_set.WATCHDOG, "watchdog alarm latched")
  expect.ok(pump:ack_alarm("WATCHDOG"), "watchdog alarm acknowledgement")
  expect.falsy(pump:status().alarm_set.WATCHDOG, "watchdog alarm after acknowledgement")
end)

-- A commit's save is three NVM writes (body, header, CRC of the new copy);
-- the fourth write is the next save.  Power is cut during write N.
test("brown-out during a commit: the last acknowledged prescription", {
  req = { "REQ-ROB-002", "REQ-TEL-001" }, hazard = { "HAZ-STATE", "HAZ-RX" },
  cases = { { label = "write 1 (body)", n = 1 }, { label = "write 2 (header)", n = 2 },
            { label = "write 3 (CRC)", n = 3 }, { label = "write 4 (the next save)", n = 4 } },
}, function(b, case)
  local pump, stroke = b.pump, b.profile.pump.stroke_nl
  local old = ready(b)
  local new_rate = 2 * RATE
  local staged = pump:try_program { mode = "continuous", conc = 1 * mg / mL, rate = new_rate * nL / h, commit = false }
  b.fixture:reset("brownout", case.n)
  local r, err = setup.try_call(b, "rx_commit", { crc = staged.crc })
  local acked = r ~= nil and r.type == "ack" and r.result == 0
  if case.n <= 3 then
    expect.falsy(acked, "commit acknowledged although power failed during its save")
    b:log("commit: " .. tostring(err))
  else
    expect.truthy(acked, "commit acknowledged before the power cut")
    setup.try_call(b, "alarm_ack", { alarm = 1 }) -- any command that saves: power fails in it
  end
  b:wait_event({ name = "BOOT" }, { within = 5 * s })
  local rec = b:wait_event({ name = "NVM_RECOVER" }, { within = 1 * s })
  expect.truthy(rec, "therapy state recovered from the intact copy")
  local want_crc, want_rate = old.crc, RATE
  if acked then want_crc, want_rate = staged.crc, new_rate end
  -- A class with a safe state runs the recovered prescription at the minimum rate.
  if class.has(b, "safe_state") then want_rate = b.profile.pump.min_rate_nl_h end
  local st = pump:status()
  expect.eq(st.rx_crc, want_crc, "prescription after the brown-out (the last acknowledged)")
  expect.eq(st.rate_nl_h, want_rate, "rate after the brown-out")
  expect.eq(st.running, 1, "running after the brown-out")
  expect.falsy(st.alarm_set.NVM_FAULT, "NVM fault after the recovery")
  local n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, want_rate / 60 / stroke, 1, "strokes in 1 min after the brown-out")
end)

test("brown-out during a refill: the old or the new volume, never a mix", {
  req = { "REQ-ROB-002", "REQ-RES-001" }, hazard = { "HAZ-STATE", "HAZ-EMPTY" },
  cases = { { label = "write 1 (body)", n = 1 }, { label = "write 3 (CRC)", n = 3 } },
}, function(b, case)
  local pump = b.pump
  ready(b)
  b:run_for(1 * min)
  local before = pump:status().reservoir_nl
  pump:session() -- the set-up session has timed out meanwhile
  b.fixture:reset("brownout", case.n)
  local r = setup.try_call(b, "refill", { volume_nl = 12 * mL, drug_id = 1, conc_ng_ml = 1000000, low_residual_nl = 0 })
  expect.falsy(r and r.type == "ack" and r.result == 0, "refill acknowledged although power failed during its save")
  b:wait_event({ name = "BOOT" }, { within = 5 * s })
  -- The old computed volume, give or take the strokes since the last save.
  local v = pump:status().reservoir_nl
  expect.le(v, before + RATE * BUCKET / h, "reservoir after the cut refill (the old volume, nL)")
  expect.ge(v, before - 2 * b.profile.pump.stroke_nl, "reservoir after the cut refill (the old volume, nL)")
  -- The clinician repeats the refill.
  b.fixture:set("RESERVOIR_NL", 12 * mL)
  pump:refill { volume = 12 * mL, drug = 1, conc = 1 * mg / mL }
  expect.eq(pump:status().reservoir_nl, 12 * mL, "reservoir after the repeated refill")
end)

test("a hung firmware is reset within 90 s, with no catch-up bolus", {
  req = { "REQ-ROB-003", "REQ-DEL-005", "REQ-ROB-001" }, hazard = { "HAZ-UNDER", "HAZ-OVER", "HAZ-STATE" },
}, function(b)
  need(b, "resume_after_reset")
  local pump, stroke = b.pump, b.profile.pump.stroke_nl
  local rate = 1000000 -- a stroke every 0.9 s: a catch-up would show at once
  local c = setup.ready(b, { conc = 0.5 * mg / mL, rx = { mode = "continuous", rate = rate * nL / h } })
  b:run_for(1 * min)
  local n_hang = setup.strokes(b)
  local hang = expect.ok(pump:hook("WATCHDOG_HANG", 1), "hang hook")
  b:mark("fault_on", { fault = "watchdog_hang" })
  local boot = b:wait_event({ name = "BOOT" }, { within = 2 * min })
  -- Board stamps, not host arrival: over USB the host sees the BOOT a
  -- transfer later than it happened.
  measure("hang to watchdog reset (board time)", (boot.board_us - hang.reply.board_us) / 1e6,
          { unit = "s", max = 90 })
  expect.eq(boot.arg, 1, "BOOT reset cause (watchdog)")
  expect.eq(setup.strokes(b) - n_hang, 0, "strokes while the firmware hung")
  local n0, t0 = setup.strokes(b), b:now()
  b:run_for(10 * s)
  local due = rate * (b:now() - t0) / h / stroke
  expect.le(setup.strokes(b) - n0, due + 2, "strokes in the 10 s after the reset (no more than due + 2)")
  expect.ge(setup.strokes(b) - n0, due - 1, "strokes in the 10 s after the reset (delivery resumed)")
  local st = pump:status()
  expect.eq(st.rx_crc, c.crc, "prescription after the watchdog reset")
  expect.truthy(st.alarm_set.WATCHDOG, "watchdog alarm after the reset")
end)

test("bolus ids and the lockout survive a reset: no second dose", {
  req = { "REQ-ROB-004", "REQ-TEL-003" }, hazard = { "HAZ-OVER", "HAZ-STATE" },
}, function(b)
  need(b, "resume_after_reset")
  local pump, stroke = b.pump, b.profile.pump.stroke_nl
  ready(b)
  local req = { kind = "clinician", id = 5151, amount = 20 * uL, duration = 3 * min }
  local first = pump:bolus(req)
  b:run_for(1 * min)
  b.fixture:reset("watchdog")
  b:wait_event({ name = "BOOT" }, { within = 5 * s })
  local ends = setup.since(b, 0, { name = "BOLUS_END" })
  b:log(string.format("bolus interrupted by the reset after %d BOLUS_END event(s)", #ends))
  local again = pump:try_bolus(req)
  expect.eq(again.reason, first.reason, "bolus id 5151 repeated after the reset: result")
  expect.eq(again.volume, first.volume, "bolus id 5151 repeated after the reset: volume")
  local n0, t0 = setup.strokes(b), b:now()
  b:run_for(3 * min)
  local basal = RATE * (b:now() - t0) / h / stroke
  expect.near(setup.strokes(b) - n0, basal, 1, "strokes after the repeat (basal only: no second dose)")
  expect.eq(#setup.since(b, 0, { name = "BOLUS_START" }), 1, "BOLUS_START events")
end)
