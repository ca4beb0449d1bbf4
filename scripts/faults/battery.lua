-- The battery rail sagging through elective replacement to end of service.
local faults = require "pumphil.faults"

suite { name = "Faults: battery", tags = { "faults", "battery" }, req = { "REQ-ALM-004" },
        hazard = { "HAZ-UNDER", "HAZ-ALARM" } }

local function weighed(b) return b.fixture:delivered_nl() end

test("battery sag over 10 h: ERI then EOS, each within its limit, then the EOS rate",
     { tags = { "long" } },
     function(b)
       local rate = 2 * mL / day
       faults.running(b, { rate = rate })
       b:run_for(10 * min)
       local from, to, ramp = b.fixture:read().supply_mv, 2600 * mV, 10 * h
       local f = b:inject("battery_sag", { to = to }, { ramp = ramp })
       -- The ramp is the stimulus: when it crosses each level is known.  The
       -- rail is read in whole mV (rounded), so a reading first falls below a
       -- level when the rail passes level - 0.5 mV.
       local function crossing(level) return f.t_on + ramp * (from - (level - 0.5)) / (from - to) end
       local pump = b.profile.pump
       local eri = b:wait_alarm("BATTERY_ERI", { within = ramp })
       faults.measure("battery_sag", "eri_delay", eri.t - crossing(pump.eri_mv))
       expect.eq(eri.priority, "LOW", "BATTERY_ERI priority")
       expect.eq(b.pump:status().rate_nl_h, math.floor(rate * h + 0.5), "rate unchanged at ERI")
       local eos = b:wait_alarm("BATTERY_EOS", { within = ramp })
       faults.measure("battery_sag", "eos_delay", eos.t - crossing(pump.eos_mv))
       expect.eq(eos.priority, "HIGH", "BATTERY_EOS priority")
       expect.eq(b.pump:status().rate_nl_h, pump.eos_rate_nl_h, "rate set-point after EOS")
       b:run_for(1 * min)
       local w0 = weighed(b)
       b:run_for(2 * h)
       faults.measure("battery_sag", "rate_after_eos", weighed(b) - w0)
       -- A new battery: both alarms clear by themselves.
       f:clear()
       b:wait_event({ name = "ALARM_OFF", alarm = "BATTERY_EOS" }, { within = 1 * min })
     end)
