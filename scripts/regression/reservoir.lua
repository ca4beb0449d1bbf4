-- Refill and reservoir: the refill workflow, the computed volume against the
-- true one and the weighed delivery, low and empty alarms at the programmed
-- residuals, the projected time to the next refill.
--
-- No long tests here (each under 5 min of bench time); the full 90-day
-- refill interval is refill_interval.lua.
local setup = require "pumphil.setup"

suite { name = "Refill and reservoir", tags = { "reservoir" } }

local FAST = 1000000 -- nL/h (the profile's maximum, 24 mL/day): alarms come in minutes
local CONC = 0.5 * mg / mL -- morphine: 12 mg/day at FAST, under the soft limit

local function fast(b, extra)
  local o = { conc = CONC, rx = { mode = "continuous", rate = FAST * nL / h } }
  for k, v in pairs(extra or {}) do o[k] = v end
  return setup.ready(b, o)
end

test("refill workflow: volume, event, alarms cleared, capacity", {
  req = { "REQ-RES-001" }, hazard = { "HAZ-EMPTY", "HAZ-RX" },
}, function(b)
  local pump = b.pump
  local cap = b.profile.pump.reservoir_nl
  local st = pump:status()
  expect.truthy(st.alarm_set.EMPTY_RESERVOIR, "a never-filled pump shows the empty alarm")
  b:run_for(0)
  local t0 = b:now()
  b.fixture:set("RESERVOIR_NL", 15 * mL)
  pump:refill { volume = 15 * mL, drug = 1, conc = CONC, low_residual = 3 * mL }
  local ev = b:wait_event({ name = "REFILL" }, { within = 1 * s })
  expect.eq(ev.arg, 15000, "REFILL event volume (uL)")
  b:run_for(1 * s)
  local offs = setup.since(b, t0, { name = "ALARM_OFF" })
  local cleared = {}
  for _, e in ipairs(offs) do cleared[e.alarm or "?"] = true end
  expect.truthy(cleared.EMPTY_RESERVOIR, "empty alarm cleared by the refill")
  expect.truthy(cleared.LOW_RESERVOIR, "low alarm cleared by the refill")
  st = pump:status()
  expect.eq(st.reservoir_nl, 15 * mL, "computed reservoir after the refill")
  expect.eq(st.alarms, 0, "alarms after the refill")
  local r = pump:try_refill { volume = cap + 1, drug = 1, conc = CONC }
  expect.refused(r, "BAD_PARAM", "refill 1 nL above the reservoir capacity")
  expect.eq(r.detail, cap, "refusal detail: the capacity")
  expect.eq(pump:status().reservoir_nl, 15 * mL, "computed reservoir after the refused refill")
  local log = pump:log()
  local refills = 0
  for _, e in ipairs(log) do if e.name == "REFILL" then refills = refills + 1 end end
  expect.eq(refills, 1, "REFILL entries in the event log")
end)

test("computed reservoir against the true volume and the balance", {
  req = { "REQ-RES-002" }, hazard = { "HAZ-EMPTY", "HAZ-UNDER" },
}, function(b)
  local stroke = b.profile.pump.stroke_nl
  local vol = 10 * mL
  fast(b, { volume = vol })
  b:run_for(3 * min)
  local st, fx = b.pump:status(), b.fixture:read()
  local pumped = vol - st.reservoir_nl
  expect.eq(st.delivered_nl, pumped, "status.delivered_nl = refill - computed reservoir")
  expect.near(pumped, FAST / 20, 2 * stroke, "computed delivery in 3 min")
  expect.near(st.reservoir_nl, fx.reservoir_nl, stroke, "computed vs true reservoir (nL)")
  b:run_for(1 * min) -- the line drains into the vessel
  measure("weighed minus computed delivery", (b.fixture:delivered_nl() - (vol - b.pump:status().reservoir_nl)) / uL,
          { unit = "uL", min = -3 * stroke / uL, max = 3 * stroke / uL })
end)

test("low-reservoir alarm at the programmed residual, delivery continues", {
  req = { "REQ-RES-003", "REQ-ALM-008" }, hazard = { "HAZ-EMPTY", "HAZ-UNDER" },
  cases = { { label = "default residual", residual = 0 }, { label = "4 mL residual", residual = 4 * mL } },
}, function(b, case)
  local stroke = b.profile.pump.stroke_nl
  local low = case.residual > 0 and case.residual or b.profile.pump.low_residual_nl
  local above = 20 * uL
  fast(b, { volume = low + above, low_residual = case.residual })
  expect.falsy(b.pump:status().alarm_set.LOW_RESERVOIR, "no low alarm right after the refill")
  local t0 = b:now()
  local ev = b:wait_alarm("LOW_RESERVOIR", { within = 5 * min })
  expect.eq(ev.priority, "MEDIUM", "low-reservoir alarm priority")
  measure("time to the low alarm", (ev.t - t0) / s,
          { unit = "s", nominal = above / FAST * 3600, tol = stroke / FAST * 3600 })
  local st = b.pump:status()
  expect.le(st.reservoir_nl, low, "computed reservoir at the alarm (at or below the residual)")
  expect.gt(st.reservoir_nl, low - stroke, "computed reservoir at the alarm (within a stroke)")
  expect.eq(st.rate_nl_h, FAST, "rate under the low alarm (basal continues)")
  expect.eq(st.running, 1, "running under the low alarm")
  local n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, FAST / 60 / stroke, 1, "strokes in 1 min under the low alarm")
  b.fixture:set("RESERVOIR_NL", 20 * mL)
  b.pump:refill { volume = 20 * mL, drug = 1, conc = CONC, low_residual = case.residual }
  local off = b:wait_event({ name = "ALARM_OFF", alarm = "LOW_RESERVOIR" }, { within = 1 * s })
  expect.truthy(off, "low alarm cleared by the refill")
end)

test("empty-reservoir alarm at the dead volume stops delivery", {
  req = { "REQ-RES-004", "REQ-ALM-008" }, hazard = { "HAZ-EMPTY", "HAZ-UNDER" },
}, function(b)
  local stroke, dead = b.profile.pump.stroke_nl, b.profile.pump.dead_volume_nl
  fast(b, { volume = dead + 20 * uL })
  local ev = b:wait_alarm("EMPTY_RESERVOIR", { within = 5 * min })
  expect.eq(ev.priority, "HIGH", "empty alarm priority")
  b:run_for(1 * s)
  local st, fx = b.pump:status(), b.fixture:read()
  expect.eq(st.reservoir_nl, dead, "computed reservoir at the empty alarm (the dead volume)")
  expect.gt(fx.reservoir_nl, 0, "true reservoir at the empty alarm (drug left: above zero)")
  expect.eq(st.rate_nl_h, 0, "rate under the empty alarm")
  local n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.eq(setup.strokes(b) - n0, 0, "strokes under the empty alarm")
  b.fixture:set("RESERVOIR_NL", 20 * mL)
  b.pump:refill { volume = 20 * mL, drug = 1, conc = CONC }
  b:wait_event({ name = "ALARM_OFF", alarm = "EMPTY_RESERVOIR" }, { within = 1 * s })
  expect.eq(b.pump:status().rate_nl_h, FAST, "rate after the refill")
  n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, FAST / 60 / stroke, 1, "strokes in 1 min after the refill")
end)

-- Projection = (volume - residual) / (basal per day + dose x boluses per day).
local function projected_s(volume, low, basal_day_nl, pb_dose, pb_max)
  return (volume - low) * 86400 // (basal_day_nl + pb_dose * pb_max)
end

test("projected time to the next refill", {
  req = { "REQ-RES-005" }, hazard = { "HAZ-EMPTY" },
  cases = {
    { label = "continuous with patient boluses", rx = { mode = "continuous", rate = 150 * uL / h,
      patient_bolus = { dose = 25 * uL, duration = 5 * min, lockout = 3 * h, max_per_day = 6 } },
      basal_day = 150000 * 24, dose = 25000, max = 6 },
    { label = "flexible, no boluses", rx = { mode = "flexible",
      steps = { { "07:00", 120 * uL / h }, { "22:00", 40 * uL / h } } },
      basal_day = 120000 * 15 + 40000 * 9, dose = 0, max = 0 },
  },
}, function(b, case)
  local low = b.profile.pump.low_residual_nl
  setup.ready(b, { conc = 1 * mg / mL, volume = 18 * mL, clock = setup.EPOCH_2026, rx = case.rx })
  local st = b.pump:status()
  local want = projected_s(st.reservoir_nl, low, case.basal_day, case.dose, case.max)
  expect.near(st.next_refill_s, want, 1, "status.next_refill_s (s)")
  b:run_for(3 * min)
  st = b.pump:status()
  want = projected_s(st.reservoir_nl, low, case.basal_day, case.dose, case.max)
  expect.near(st.next_refill_s, want, 1, "status.next_refill_s after 3 min (s)")
end)

test("with no bolus used the low alarm comes no earlier than projected", {
  req = { "REQ-RES-005", "REQ-RES-003" }, hazard = { "HAZ-EMPTY" },
}, function(b)
  local low = b.profile.pump.low_residual_nl
  fast(b, { volume = low + 50 * uL, rx = { mode = "continuous", rate = FAST * nL / h,
    patient_bolus = { dose = 10 * uL, duration = 1 * min, lockout = 1 * h, max_per_day = 24 } } })
  local t0 = b:now()
  local proj = b.pump:status().next_refill_s
  expect.eq(proj, projected_s(low + 50 * uL, low, FAST * 24, 10 * uL, 24), "projection (s)")
  local ev = b:wait_alarm("LOW_RESERVOIR", { within = 4 * min })
  measure("low alarm time minus projection", (ev.t - t0) / s - proj, { unit = "s", min = 0 })
  expect.eq(b.pump:status().next_refill_s, 0, "projection once the residual is reached")
end)
