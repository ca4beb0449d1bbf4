-- Low and empty reservoir, and a refill under-filled by X mL: the pump
-- computes its reservoir from what it delivered, so only the balance can show
-- an under-fill; the suite must catch it.
local faults = require "pumphil.faults"

suite { name = "Faults: reservoir", tags = { "faults", "reservoir" }, hazard = { "HAZ-EMPTY" } }

local RATE = 10 * mL / day -- a stroke every 2.16 s: the reservoir runs down in hours

local function weighed(b) return b.fixture:delivered_nl() end

test("low reservoir: the alarm at the programmed residual, the true volume lower by the under-fill",
     { tags = { "long" }, req = { "REQ-RES-003" },
       cases = { { label = "correct refill", shortfall = 0 },
                 { label = "under-filled by 0.3 mL", shortfall = 0.3 * mL } } },
     function(b, case)
       faults.running(b, { rate = RATE })
       local residual = 2 * mL
       b:inject("reservoir_low", { volume = 3 * mL, shortfall = case.shortfall, residual = residual })
       local ev = b:wait_alarm("LOW_RESERVOIR", { within = 4 * h })
       expect.eq(ev.priority, "MEDIUM", "LOW_RESERVOIR priority")
       local s, rig = b.pump:status(), b.fixture:read()
       -- Read after the alarm: by the board's stamps, how much the pump may
       -- have delivered since (nothing on sim; strokes where replies are slow).
       local function since_alarm(r) return math.max(0, r.board_us - ev.board_us) * us * RATE end
       faults.measure("reservoir_low", "computed_at_alarm", s.reservoir_nl, residual, since_alarm(s))
       faults.measure("reservoir_low", "true_at_alarm", rig.reservoir_nl, residual - case.shortfall,
                      since_alarm(rig))
       expect.eq(s.rate_nl_h, math.floor(RATE * h + 0.5), "basal rate kept after LOW_RESERVOIR")
     end)

test("empty reservoir: the alarm at the dead volume stops delivery with drug left",
     { tags = { "long" }, req = { "REQ-RES-004" } },
     function(b)
       faults.running(b, { rate = RATE })
       b:inject("reservoir_empty", { volume = 1 * mL })
       local ev = b:wait_alarm("EMPTY_RESERVOIR", { within = 3 * h })
       expect.eq(ev.priority, "HIGH", "EMPTY_RESERVOIR priority")
       faults.measure("reservoir_empty", "computed_at_alarm", b.pump:status().reservoir_nl)
       b:run_for(1 * min) -- the last stroke drains
       local w0 = weighed(b)
       b:run_for(1 * h)
       expect.le(weighed(b) - w0, faults.still_band(b), "balance gain (nL) in the hour after EMPTY_RESERVOIR")
       faults.measure("reservoir_empty", "left_in_reservoir", b.fixture:read().reservoir_nl)
     end)

-- The time the balance last rose by more than a stroke in a 5 min window,
-- polled while waiting for the pump's EMPTY alarm.
local function watch_until_empty(b, within)
  local last_rise, prev = b:now(), weighed(b)
  local done = b:now() + within
  while b:now() < done do
    local ev = b:wait_alarm("EMPTY_RESERVOIR", { within = 5 * min, optional = true })
    if ev then return last_rise, ev end
    local w = weighed(b)
    if w - prev > 250 then last_rise = b:now() end
    prev = w
  end
  fail("no EMPTY_RESERVOIR within " .. units.fmt_time(within))
end

test("a refill under-filled by 1 mL is caught: the balance goes flat before the computed empty",
     { tags = { "long" }, req = { "REQ-RES-002", "REQ-RES-004" }, hazard = { "HAZ-UNDER" } },
     function(b)
       faults.running(b, { rate = RATE })
       b:inject("reservoir_empty", { volume = 2 * mL, shortfall = 1 * mL })
       local flat, ev = watch_until_empty(b, 6 * h)
       faults.measure("reservoir_empty", "dry_before_computed_empty", ev.t - flat)
       -- Undetected by the pump: it ran, alarm-free but for the low
       -- reservoir, while nothing reached the balance.
       local stopping = b:events(function(e)
         return e.name == "ALARM_ON" and e.t < ev.t and e.t >= flat and e.alarm ~= "LOW_RESERVOIR"
       end)
       expect.eq(#stopping, 0, "alarms while the reservoir ran dry")
       expect.eq(b.fixture:read().reservoir_nl, 0, "true reservoir at the computed empty")
     end)
