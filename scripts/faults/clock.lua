-- Board clock drift: the pump has one time base, so everything it times --
-- basal delivery, the patient-bolus lockout -- scales with the drift, and
-- must not be off by anything more.
local faults = require "pumphil.faults"

suite { name = "Faults: board clock drift", tags = { "faults", "clock" }, hazard = { "HAZ-OVER", "HAZ-UNDER" } }

test("clock drift: 24 h delivery scales with the drift, to a few strokes",
     { tags = { "long" }, req = { "REQ-DEL-001" },
       cases = { { label = "+5000 ppm", ppm = 5000 }, { label = "-5000 ppm", ppm = -5000 } } },
     function(b, case)
       local rate = 1 * mL / day
       faults.running(b, { rate = rate })
       b:run_for(10 * min)
       local f = b:inject("clock_drift", { ppm = case.ppm }, { duration = 24 * h })
       local w0 = b.fixture:delivered_nl()
       b:run_until(f.t_on + 24 * h)
       local got = b.fixture:delivered_nl() - w0
       faults.measure("clock_drift", "volume_vs_drift", got - rate * 24 * h * (1 + case.ppm / 1e6), 0)
       expect.eq(#b:events(function(e) return e.name == "ALARM_ON" and e.t >= f.t_on end), 0, "alarms")
     end)

test("clock drift: the patient-bolus lockout holds in board time, to the second",
     { tags = { "long" }, req = { "REQ-BOL-002" },
       cases = { { label = "+500 ppm", ppm = 500 }, { label = "-500 ppm", ppm = -500 } } },
     function(b, case)
       local lockout = 2 * h
       faults.running(b, { rate = 1 * mL / day,
                           patient_bolus = { dose = 50 * uL, duration = 5 * min, lockout = lockout,
                                             max_per_day = 6 } })
       b:inject("clock_drift", { ppm = case.ppm })
       local first = b.pump:bolus { kind = "patient" }
       -- The lockout ends after `lockout` of board time, lockout / (1 + drift)
       -- of bench time.  Probe every 0.25 s around that instant.
       local expected = lockout / (1 + case.ppm / 1e6)
       local accepted, refused_t = nil, first.t
       for off = -1.9, 1.9, 0.25 do
         b:run_until(first.t + math.floor(expected + off * s))
         local r = b.pump:try_bolus { kind = "patient" }
         if r.ok then accepted = r; break end
         expect.refused(r, "LOCKOUT", string.format("patient bolus %.2f s from the drifted lockout end", off))
         refused_t = r.t
       end
       expect.truthy(accepted, "a patient bolus accepted within 2 s after the lockout")
       -- The end lies between the last refusal and the acceptance: 0.25 s
       -- apart on sim, a few round trips where each probe takes longer.
       faults.measure("clock_drift", "lockout_real", accepted.t - first.t, expected,
                      math.max(0, accepted.t - refused_t - 0.25 * s))
     end)
