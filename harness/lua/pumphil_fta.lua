-- pumphil_fta.lua - fault-tree validation scenarios (`pumphil fta validate`).
-- Scripts load it with `local fta = require("pumphil.fta").bind(_ENV)`; the validate
-- command generates one such script per campaign (docs/fta.md).
--
-- fta.scenario(def) defines one test: a fresh bench running the reference
-- prescription, the mapped faults injected after the settling time, the
-- bench run and weighed every minute, then the hazard oracles of the top
-- event evaluated on the balance and the board's events.  A scenario whose
-- events cannot all be injected on this build is skipped.  The expectation
-- comes from the tree: a cut set must reach the hazard, a single event that
-- is not a cut set must not; anything else is a contradiction (the test
-- fails, naming it).
--
-- Units as in the test language: volume nL, time ns, rate nL/ns.

local F = {}

-- The test language, bound by F.bind(_ENV) from the script.
local test, skip, annotate, measure, fail, units
local uL, mL, mg, min, day

local NS_S = 1000000000
local MIN = 60 * NS_S
local STEP = MIN -- balance sampling period

------------------------------------------------------------------ actions
-- Stimuli a fault needs besides an injection; each returns nothing and may
-- add to st.boluses (what the host asked for) or change st.rate.

local actions = {}

-- The same bolus request frame arrives twice: the first answer is lost on
-- the uplink and the programmer retries at once, and a delayed copy of the
-- frame arrives after the bolus.  One dose is what the host asked for.
function actions.bolus_retry(b, st)
  local req = { kind = "clinician", amount = 50 * uL, duration = 10 * min, id = 4242 }
  b.pump:session()
  local up = b:inject("telemetry_uplink_loss")
  pcall(b.pump.try_bolus, b.pump, req)
  up:clear()
  b.pump:try_bolus(req)
  st.boluses[#st.boluses + 1] = { t = b:now(), volume = req.amount, duration = req.duration }
  b:run_for(20 * min)
  b.pump:try_bolus(req)
  b.pump:close_session()
end

-- A programming session damaged between stage and commit (the relay
-- corrupts the commit above the frame check): the pump must refuse it and
-- keep the old prescription whole.  The host expects the new rate only if
-- the pump said it accepted the commit.
function actions.program_corrupted(b, st)
  local f = b:inject("relay_corruption", { bit = 3 })
  local r = b.pump:try_program { mode = "continuous", rate = 2 * st.rate, drug = 1,
                                 conc = 1 * mg / mL }
  f:clear()
  b.pump:close_session()
  if r.ok then st.rate_changes[#st.rate_changes + 1] = { t = b:now(), rate = 2 * st.rate } end
end

F.actions = actions

------------------------------------------------------------------ expectation
-- What the host expects delivered from t0 to t (nL): the rate in force plus
-- each bolus spread over its duration.
local function expected(st, t)
  local v, t_prev, rate = 0, st.t0, st.rate
  for _, c in ipairs(st.rate_changes) do
    if c.t >= t then break end
    v = v + rate * (c.t - t_prev)
    t_prev, rate = c.t, c.rate
  end
  v = v + rate * (t - t_prev)
  for _, bo in ipairs(st.boluses) do
    if t > bo.t then v = v + bo.volume * math.min(1, (t - bo.t) / bo.duration) end
  end
  return v
end

local function first_alarm(b, t0)
  for _, ev in ipairs(b:events()) do
    if ev.name == "ALARM_ON" and ev.t >= t0 then return ev end
  end
end

-- No alarm from the injection until `t + limit`.
local function silent_until(st, t)
  return not st.alarm or st.alarm.t > t + st.o.limit
end

------------------------------------------------------------------ oracles
local oracles = {}

-- Over some window, delivered beyond what the host expects plus the
-- labelled accuracy and the tolerance.
function oracles.over_infusion(st)
  local k = st.o.window // STEP
  local acc = st.acc
  for j = k + 1, #st.samples do
    local a, z = st.samples[j - k], st.samples[j]
    local want = z.e - a.e
    if z.d - a.d > want * (1 + acc) + st.o.tolerance then
      return true, string.format("%.1f uL delivered in %s where %.1f uL were expected",
                                 (z.d - a.d) / 1000, units.fmt_time(st.o.window), want / 1000), z.t
    end
  end
  return false
end

-- Delivery below the expectation by more than the accuracy and no alarm
-- within the time limit of that moment.
function oracles.under_infusion_undetected(st)
  for _, s in ipairs(st.samples) do
    if s.e - s.d > math.max(st.acc * s.e, st.o.tolerance) then
      if silent_until(st, s.t) then
        return true, string.format("%.1f uL short of %.1f uL and no alarm within %s",
                                   (s.e - s.d) / 1000, s.e / 1000, units.fmt_time(st.o.limit)), s.t
      end
      return false
    end
  end
  return false
end

-- Delivery (almost) stopped over the stop window and no alarm in time.
function oracles.therapy_lost_without_alarm(st)
  local k = st.o.stop_window // STEP
  for j = k + 1, #st.samples do
    local a, z = st.samples[j - k], st.samples[j]
    if z.d - a.d < 0.1 * (z.e - a.e) then
      if silent_until(st, z.t) then
        return true, string.format("%.2f uL delivered in %s and no alarm within %s",
                                   (z.d - a.d) / 1000, units.fmt_time(st.o.stop_window),
                                   units.fmt_time(st.o.limit)), z.t
      end
      return false
    end
  end
  return false
end

-- More boluses started than the host asked for.
function oracles.double_bolus(st, b)
  local n = #b:events(function(e) return e.name == "BOLUS_START" and e.t >= st.t0 end)
  if n > #st.boluses then
    return true, string.format("%d boluses started for %d requested", n, #st.boluses), st.t_end
  end
  return false
end

F.oracles = oracles

------------------------------------------------------------------ the scenario
local function inject_all(b, def, t0)
  for _, j in ipairs(def.injections or {}) do
    b:inject(j.fault, j.params or {}, { at = t0 + (j.at or 0), duration = j.duration,
                                         ramp = j.ramp })
  end
end

-- Weighs every STEP from the injection (st.t0, balance st.d0) to t_end;
-- samples the actions' time already passed are taken at its end.
local function run_weighed(b, st, t_end)
  st.samples = { { t = st.t0, d = 0, e = 0 } }
  local t = st.t0
  while t + STEP <= t_end do
    t = t + STEP
    if t > b:now() then b:run_until(t) end
    st.samples[#st.samples + 1] = { t = t, d = b.fixture:delivered_nl() - st.d0,
                                    e = expected(st, t) }
  end
  st.t_end = t
end

-- The first alarm from the injection within the hazard's detection window
-- (def.detect_within_min, else the oracle's limit_min): a later alarm, or
-- one before the injection, is not a detection of this scenario's faults.
local function detection(b, st)
  local ev = first_alarm(b, st.t0)
  if ev and ev.t <= st.t0 + st.detect_within then return ev end
end

-- The figures behind any verdict: delivered against expected over the run,
-- and the worst window of window_min (largest excess, largest shortfall).
local function figures(st, res)
  local last = st.samples[#st.samples]
  local k = st.o.window // STEP
  local over, under = 0, 0
  for j = math.min(k, #st.samples - 1) + 1, #st.samples do
    local a, z = st.samples[math.max(1, j - k)], st.samples[j]
    local diff = (z.d - a.d) - (z.e - a.e)
    over, under = math.max(over, diff), math.min(under, diff)
  end
  local s = string.format("delivered %.1f uL for %.1f uL expected in %s; worst %s window "
                          .. "%+.1f uL / %+.1f uL (accuracy %.3g %%, tolerance %.1f uL)",
                          last.d / 1000, last.e / 1000, units.fmt_time(last.t - st.t0),
                          units.fmt_time(st.o.window), over / 1000, under / 1000,
                          st.acc * 100, st.o.tolerance / 1000)
  if res.alarm then
    s = s .. string.format("; alarm %s after %.0f s", tostring(res.alarm), res.latency / NS_S)
  elseif st.first_alarm then
    s = s .. string.format("; first alarm %s after %.0f s, outside the %s detection window",
                           tostring(st.first_alarm.alarm), (st.first_alarm.t - st.t0) / NS_S,
                           units.fmt_time(st.detect_within))
  else
    s = s .. "; no alarm"
  end
  return s, { delivered_ul = last.d / 1000, expected_ul = last.e / 1000,
              worst_excess_ul = over / 1000, worst_shortfall_ul = -under / 1000 }
end

local function evaluate(b, def, st)
  local res = { hazard = false }
  st.first_alarm = first_alarm(b, st.t0)
  st.alarm = st.first_alarm
  for _, name in ipairs(def.oracles) do
    local hit, why, t = oracles[name](st, b)
    if hit and not res.hazard then
      res.hazard, res.oracle, res.why, res.t = true, name, why, t - st.t0
    end
  end
  local det = detection(b, st)
  res.detected = det ~= nil
  if det then res.alarm, res.latency = det.alarm, det.t - st.t0 end
  res.figures, res.values = figures(st, res)
  return res
end

local function set_text(def)
  local s = "{" .. table.concat(def.events, ", ") .. "}"
  if def.present and #def.present > 0 then
    s = s .. " with {" .. table.concat(def.present, ", ") .. "} present (planted bug)"
  end
  return s
end

local function verdict(def, res)
  if def.expect_hazard and not res.hazard then
    return string.format("contradiction: %s %s of %s injected and no hazard",
                         def.kind, set_text(def), def.top)
  elseif not def.expect_hazard and res.hazard then
    return string.format("contradiction: %s reached by %s alone, which is not a cut set (%s)",
                         def.top, set_text(def), res.why)
  end
end

local function annotation(def, res)
  local v = res.values or {}
  return { top = def.top, kind = def.kind, events = def.events, plant = def.plant,
           present = def.present, expect_hazard = def.expect_hazard, hazard = res.hazard,
           oracle = res.oracle, why = res.why, detected = res.detected, alarm = res.alarm,
           latency_s = res.latency and res.latency / NS_S, skipped = res.skipped,
           contradiction = res.contradiction, figures = res.figures,
           delivered_ul = v.delivered_ul, expected_ul = v.expected_ul,
           worst_excess_ul = v.worst_excess_ul, worst_shortfall_ul = v.worst_shortfall_ul,
           detect_within_min = def.detect_within_min or def.oracle.limit_min,
           where = def.where, trace = def.trace, probability = def.probability,
           contribution = def.contribution, order = #def.events }
end

local function body(def, b)
  if def.skip then
    annotate("fta", annotation(def, { skipped = def.skip }))
    skip(def.skip)
  end
  local o = def.oracle
  local rate = def.rate_ml_day * mL / day
  local faults = require "pumphil.faults"
  faults.running(b, { rate = rate, volume = def.reservoir_ml * mL })
  b:run_for(def.settle_min * MIN)
  local st = { t0 = b:now(), rate = rate, boluses = {}, rate_changes = {},
               acc = b.profile.accuracy_pct / 100,
               detect_within = (def.detect_within_min or o.limit_min) * MIN,
               o = { window = o.window_min * MIN, limit = o.limit_min * MIN,
                     stop_window = o.stop_window_min * MIN, tolerance = o.tolerance_ul * uL } }
  st.d0 = b.fixture:delivered_nl()
  inject_all(b, def, st.t0)
  for _, a in ipairs(def.actions or {}) do actions[a](b, st) end
  run_weighed(b, st, st.t0 + def.run_h * 60 * MIN)
  local res = evaluate(b, def, st)
  res.contradiction = verdict(def, res)
  annotate("fta", annotation(def, res))
  measure("hazard", res.hazard and 1 or 0)
  measure("detected", res.detected and 1 or 0)
  if res.latency then measure("detection latency", res.latency / NS_S, { unit = "s" }) end
  b:log((res.hazard and ("hazard: " .. res.why) or "no hazard") .. "; " .. res.figures)
  if res.contradiction then
    -- Located at the map entry of the scenario's first event; the message
    -- carries the figures and the trace to the tree's gates and the map.
    fail(string.format("%s; %s; %s", res.contradiction, res.figures, def.trace or ""),
         def.where)
  end
end

-- def: { top, kind = "cut set"|"single", events = {...}, expect_hazard,
--        present = {...} (events this build's planted bug produces),
--        where = "MAP:LINE", trace = "tree: ...; map: ...", hazard = {ids},
--        req = {ids}, detect_within_min, probability, contribution (a cut
--        set's probability and its share of the top's cut sets' sum),
--        oracles = {...}, injections = { { fault, params, at, duration, ramp } },
--        actions = {...}, skip = reason|nil, plant, rate_ml_day, reservoir_ml,
--        settle_min, run_h, oracle = { window_min, limit_min, stop_window_min,
--        tolerance_ul } }
function F.scenario(def)
  for _, name in ipairs(def.oracles) do
    if not oracles[name] then error("unknown hazard oracle '" .. tostring(name) .. "'", 2) end
  end
  for _, a in ipairs(def.actions or {}) do
    if not actions[a] then error("unknown scenario action '" .. tostring(a) .. "'", 2) end
  end
  local name = string.format("%s: %s {%s}", def.top, def.kind, table.concat(def.events, ", "))
  local opts = { tags = { "fta", "long" } }
  if def.hazard and #def.hazard > 0 then opts.hazard = def.hazard end
  if def.req and #def.req > 0 then opts.req = def.req end
  test(name, opts, function(b) body(def, b) end)
end

-- Binds the module to a script's environment (its test language); returns F.
function F.bind(env)
  test, skip, annotate, measure, fail = env.test, env.skip, env.annotate, env.measure, env.fail
  units, uL, mL, mg, min, day = env.units, env.uL, env.mL, env.mg, env.min, env.day
  return F
end

return F
