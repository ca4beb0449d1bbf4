-- Patient bolus (PTM/PTC): dose and duration, lockout, maximum per rolling
-- 24 h, refusal reasons, no bolus during a stopping alarm, and the rolling
-- 24 h dose cap.
--
-- Long (tag `long`): "a slot frees 24 h after the oldest bolus" (24 h).
-- The rest take under 5 min of bench time.
local setup = require "pumphil.setup"
local class = require "pumphil.class"
-- Skip, with the reason, a test of a feature this device class lacks.
local function need(b, feature)
  local why = class.lacks(b, feature)
  if why then skip(why) end
end

suite { name = "Patient bolus", tags = { "bolus" } }

local HYDROMORPHONE = 2
local BASAL = 120000 -- nL/h: a stroke every 7.5 s

-- Morphine 1 mg/mL, 2.88 mL/day basal, patient bolus per pb (defaults: 10 uL
-- over 1 min, 3 min lockout, 3 a day).
local function ready(b, pb, extra)
  local o = { conc = 1 * mg / mL, rx = { mode = "continuous", rate = BASAL * nL / h,
    patient_bolus = { dose = pb and pb.dose or 10 * uL, duration = pb and pb.duration or 1 * min,
                      lockout = pb and pb.lockout or 3 * min,
                      max_per_day = pb and pb.max_per_day or 3 } } }
  for k, v in pairs(extra or {}) do o[k] = v end
  return setup.ready(b, o)
end

local function basal_strokes(b, d) return BASAL * d / h / b.profile.pump.stroke_nl end

test("patient bolus delivers its dose over its duration", {
  req = { "REQ-BOL-001", "REQ-BOL-007" }, hazard = { "HAZ-OVER", "HAZ-UNDER" },
  cases = { { label = "10 uL", dose = 10000 }, { label = "10.1 uL (rounds down)", dose = 10100 },
            { label = "10.2 uL (rounds up)", dose = 10200 } },
}, function(b, case)
  local stroke = b.profile.pump.stroke_nl
  local dur = 2 * min
  ready(b, { dose = case.dose, duration = dur, lockout = 10 * min })
  local want = math.floor(case.dose / stroke + 0.5) * stroke
  local n0, w0, t0 = setup.strokes(b), b.fixture:delivered_nl(), b:now()
  local r = b.pump:bolus { kind = "patient" }
  expect.eq(r.volume, want, "accepted volume (dose in whole strokes)")
  local ev_start = b:wait_event({ name = "BOLUS_START" }, { within = 1 * s })
  expect.eq(ev_start.arg, 2, "BOLUS_START kind (patient)")
  local en = b:wait_event({ name = "BOLUS_END" }, { within = dur + 1 * min })
  expect.eq(en.arg, want, "BOLUS_END volume")
  measure("patient bolus duration error (board stamps)", (en.board_us - ev_start.board_us) / 1e6 - dur / s,
          { unit = "s", min = -10, max = 10 })
  expect.near(setup.strokes(b) - n0 - basal_strokes(b, b:now() - t0), want / stroke, 1,
              "bolus strokes (total minus basal)")
  b:run_for(1 * min)
  measure("patient bolus volume weighed (minus basal)",
          (b.fixture:delivered_nl() - w0 - BASAL * (b:now() - t0) / h) / uL,
          { unit = "uL", nominal = want / uL, tol_pct = b.profile.accuracy_pct })
end)

test("lockout: refused 1 s before it ends, accepted when it ends", {
  req = { "REQ-BOL-002" }, hazard = { "HAZ-OVER" },
}, function(b)
  local lockout = 3 * min
  ready(b, { lockout = lockout })
  local first = b.pump:bolus { kind = "patient" }
  b:run_until(first.t + lockout - 1 * s)
  local n0 = setup.strokes(b)
  expect.refused(b.pump:try_bolus { kind = "patient" }, "LOCKOUT", "patient bolus 1 s before the lockout ends")
  b:run_until(first.t + lockout)
  expect.le(setup.strokes(b) - n0, 1, "strokes in the 1 s after the refused request (basal only)")
  expect.ok(b.pump:try_bolus { kind = "patient" }, "patient bolus when the lockout ends")
  b:run_for(0)
  expect.eq(#setup.since(b, 0, { name = "BOLUS_START" }), 2, "boluses started")
end)

test("maximum boluses per 24 h: the next one is refused", {
  req = { "REQ-BOL-003" }, hazard = { "HAZ-OVER" },
}, function(b)
  local lockout = 1 * min
  ready(b, { lockout = lockout, duration = 30 * s, max_per_day = 3 })
  for i = 1, 3 do
    expect.ok(b.pump:try_bolus { kind = "patient" }, "patient bolus " .. i .. " of 3")
    b:run_for(lockout)
  end
  local n0 = setup.strokes(b)
  local r = expect.refused(b.pump:try_bolus { kind = "patient" }, "MAX_PER_DAY", "patient bolus 4 of 3")
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, basal_strokes(b, 1 * min), 1, "strokes after the refusal (basal only)")
  expect.eq(r.volume, 0, "volume of the refused bolus")
end)

test("maximum per 24 h: a slot frees 24 h after the oldest bolus", {
  tags = { "long" }, req = { "REQ-BOL-003" }, hazard = { "HAZ-OVER" },
}, function(b)
  ready(b, { lockout = 1 * h, duration = 1 * min, max_per_day = 2 })
  local first = b.pump:bolus { kind = "patient" }
  b:run_for(6 * h)
  b.pump:bolus { kind = "patient" }
  b:run_until(first.t + 24 * h - 1 * s)
  expect.refused(b.pump:try_bolus { kind = "patient" }, "MAX_PER_DAY", "1 s before the oldest bolus leaves the 24 h")
  b:run_until(first.t + 24 * h)
  expect.ok(b.pump:try_bolus { kind = "patient" }, "24 h after the oldest bolus")
  expect.refused(b.pump:try_bolus { kind = "patient" }, "BOLUS_ACTIVE", "right after it (bolus still running)")
  b:run_for(1 * h)
  expect.refused(b.pump:try_bolus { kind = "patient" }, "MAX_PER_DAY", "the third within the second bolus's 24 h")
end)

test("refusal reasons, each delivering nothing", {
  req = { "REQ-BOL-004" }, hazard = { "HAZ-OVER", "HAZ-EMPTY" },
  cases = { { label = "PB_DISABLED" }, { label = "NOT_RUNNING" }, { label = "BOLUS_ACTIVE" },
            { label = "RESERVOIR" } },
}, function(b, case)
  local pump = b.pump
  local why = case.label
  if why == "PB_DISABLED" then
    ready(b, { dose = 0, max_per_day = 0 })
  elseif why == "NOT_RUNNING" then
    ready(b, nil, { start = false })
  elseif why == "BOLUS_ACTIVE" then
    ready(b)
    pump:bolus { kind = "clinician", amount = 5 * uL, duration = 4 * min }
    b:run_for(30 * s)
  else
    -- 5 uL above the dead volume: less than the 10 uL dose.
    local dead = b.profile.pump.dead_volume_nl
    ready(b, nil, { volume = dead + 5 * uL })
  end
  local starts = #setup.since(b, 0, { name = "BOLUS_START" })
  local n0, t0 = setup.strokes(b), b:now()
  local r = expect.refused(pump:try_bolus { kind = "patient" }, why, "patient bolus")
  expect.eq(r.volume, 0, "volume of the refused bolus")
  b:run_for(1 * min)
  expect.eq(#setup.since(b, 0, { name = "BOLUS_START" }), starts, "BOLUS_START events after the refusal")
  if why ~= "BOLUS_ACTIVE" then
    local st = pump:status()
    local basal = st.running == 1 and basal_strokes(b, b:now() - t0) or 0
    expect.near(setup.strokes(b) - n0, basal, 1, "strokes after the refusal (basal only)")
    expect.eq(st.bolus_active, 0, "bolus_active after the refusal")
  end
end)

test("no bolus during a stopping alarm", {
  req = { "REQ-BOL-005" }, hazard = { "HAZ-OVER", "HAZ-OCCL" },
  cases = { { label = "occlusion", alarm = "OCCLUSION", need = "occlusion_alarm" },
            { label = "motor stall", alarm = "MOTOR_STALL" },
            { label = "empty reservoir", alarm = "EMPTY_RESERVOIR" } },
}, function(b, case)
  if case.need then need(b, case.need) end
  local pump, fx = b.pump, b.fixture
  local dead = b.profile.pump.dead_volume_nl
  -- 240 uL/h: a stroke every 3.75 s, so the closed line reaches the
  -- occlusion threshold in under a minute.
  setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = 240 * uL / h,
    patient_bolus = { dose = 10 * uL, duration = 2 * min, lockout = 10 * min, max_per_day = 3 } },
    volume = case.alarm == "EMPTY_RESERVOIR" and dead + 3 * b.profile.pump.stroke_nl or nil })
  if case.alarm == "OCCLUSION" then fx:pinch(1000)
  elseif case.alarm == "MOTOR_STALL" then expect.ok(pump:hook("MOTOR_STALL", 1), "motor stall hook") end
  b:wait_alarm(case.alarm, { within = 3 * min })
  b:run_for(1 * s)
  local n0 = setup.strokes(b)
  expect.refused(pump:try_bolus { kind = "patient" }, "ALARM_STOP", "patient bolus")
  expect.refused(pump:try_bolus { kind = "clinician", amount = 5 * uL, duration = 1 * min },
                 "ALARM_STOP", "clinician bolus")
  expect.refused(pump:try_bolus { kind = "bridge", amount = 5 * uL, duration = 1 * min },
                 "ALARM_STOP", "bridge bolus")
  b:run_for(1 * min)
  expect.eq(setup.strokes(b) - n0, 0, "strokes during the stopping alarm")
end)

-- Hydromorphone 4 mg/mL, hard limit 6 mg/day: the rolling 24 h cap is
-- 1.5 mL; the basal (40 uL/h, 3.84 mg/day) is under the soft limit.
local CAPPED_BASAL = 40000
local function capped(b)
  setup.ready(b, { drug = HYDROMORPHONE, conc = 4 * mg / mL,
                   rx = { mode = "continuous", rate = CAPPED_BASAL * nL / h } })
  return math.floor(b.pump.drugs.hydromorphone.hard_mg_day / 4 * mL + 0.5)
end

test("24 h dose cap: a bolus beyond it is refused", {
  req = { "REQ-BOL-006" }, hazard = { "HAZ-OVER" },
}, function(b)
  local cap = capped(b)
  b:run_for(2 * min)
  local n0 = setup.strokes(b)
  local window = b.pump:status().delivered_nl
  expect.refused(b.pump:try_bolus { kind = "clinician", amount = cap - window + 1 * uL, duration = 10 * min },
                 "DOSE_CAP", "clinician bolus 1 uL over the cap")
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, CAPPED_BASAL / 60 / b.profile.pump.stroke_nl, 1,
              "strokes in 1 min after the refusal (basal only)")
end)

test("24 h dose cap reached: max-dose alarm and the minimum rate", {
  req = { "REQ-BOL-006", "REQ-ALM-008" }, hazard = { "HAZ-OVER" },
}, function(b)
  local cap = capped(b)
  local stroke, min_rate = b.profile.pump.stroke_nl, b.profile.pump.min_rate_nl_h
  -- Fill the cap at once (a 1-s bolus), so no basal stroke lands meanwhile.
  local window = b.pump:status().delivered_nl
  b.pump:bolus { kind = "clinician", amount = cap - window, duration = 1 * s }
  local ev = b:wait_alarm("MAX_DOSE", { within = 1 * min })
  expect.eq(ev.priority, "MEDIUM", "max-dose alarm priority")
  local st = b.pump:status()
  expect.truthy(st.alarm_set.MAX_DOSE, "MAX_DOSE in status.alarms")
  expect.eq(st.rate_nl_h, min_rate, "basal set-point under the max-dose alarm (minimum rate)")
  local n0 = setup.strokes(b)
  b:run_for(3 * min)
  expect.near(setup.strokes(b) - n0, min_rate / 20 / stroke, 1, "strokes in 3 min at the minimum rate")
end)

test("24 h dose cap reached during a clinician bolus halts it", {
  req = { "REQ-BOL-006" }, hazard = { "HAZ-OVER" },
}, function(b)
  local cap = capped(b)
  local stroke = b.profile.pump.stroke_nl
  -- Most of the cap at once (a 1-s bolus), then a 20 uL bolus over 3 min
  -- that fits the cap when requested: the basal meanwhile (8 strokes) brings
  -- the 24 h total to the cap before it ends.  (Bench note: a bolus faster
  -- than ~20 mL/h looks like an occlusion to the rig's line model.)
  b.pump:bolus { kind = "clinician", amount = cap - b.pump:status().delivered_nl - 20 * uL, duration = 1 * s }
  b:wait_event({ name = "BOLUS_END" }, { within = 1 * min })
  local window = b.pump:status().delivered_nl
  local amount = cap - window
  b.pump:bolus { kind = "clinician", amount = amount, duration = 3 * min }
  b:wait_alarm("MAX_DOSE", { within = 4 * min })
  local en = b:wait_event({ name = "BOLUS_END" }, { within = 4 * min })
  expect.lt(en.arg, amount, "volume of the clinician bolus in progress when the cap was reached (halted)")
  b:run_for(1 * min)
  expect.le(b.pump:status().delivered_nl, cap + stroke, "24 h delivery when the cap was reached (nL)")
end)
