-- Delivery accuracy: mean error and trumpet curve from balance readings
-- (IEC 60601-2-24 method, time-scaled for implant rates: see
-- harness/lua/pumphil_accuracy.lua and docs/regression.md), at four rates
-- across the pump's labelled range, plus the rate range itself.
--
-- Long (tag `long`, skipped on a real-time USB run with --skip-tag long):
-- every "trumpet curve" case (2 h to 12.5 d of bench time).  The rest take
-- at most 5 min of bench time.
local accuracy = require "pumphil.accuracy"
local setup = require "pumphil.setup"

suite { name = "Delivery accuracy", tags = { "accuracy" } }

-- The rates: the profile's minimum and maximum and two in between, each with
-- a concentration that keeps the daily dose under the drug's soft limit
-- (morphine, drug 1: soft 15 mg/day).
local function rates(profile)
  local p = profile.pump or {}
  local lo, hi = p.min_rate_nl_h or 2000, p.max_rate_nl_h or 1000000
  return {
    { label = "minimum " .. lo .. " nL/h", rate_nl_h = lo, conc = 10 * mg / mL },
    { label = "0.5 mL/day", rate_nl_h = 20833, conc = 10 * mg / mL },
    { label = "4 mL/day", rate_nl_h = 166667, conc = 2 * mg / mL },
    { label = "maximum " .. hi .. " nL/h", rate_nl_h = hi, conc = 0.5 * mg / mL },
  }
end

local function fmt_dur(ns)
  if ns >= day then return string.format("%.2f d", ns / day) end
  if ns >= h then return string.format("%.2f h", ns / h) end
  return string.format("%.1f min", ns / min)
end

test("trumpet curve", {
  tags = { "long" }, req = { "REQ-DEL-002", "REQ-DEL-003", "REQ-MODE-001" },
  hazard = { "HAZ-OVER", "HAZ-UNDER" },
  cases = { { index = 1, label = "minimum rate" }, { index = 2, label = "0.5 mL/day" },
            { index = 3, label = "4 mL/day" }, { index = 4, label = "maximum rate" } },
}, function(b, case)
  local r = rates(b.profile)[case.index]
  local stroke = b.profile.pump and b.profile.pump.stroke_nl or 250
  local density = b.profile.fixture and b.profile.fixture.density_ug_ul or 1000
  local tol = b.profile.accuracy_pct
  local proto = accuracy.protocol(r.rate_nl_h, stroke)
  b:log(string.format("%s: S = %s (%.1f strokes), k = %.1f, start-up and analysis %s each",
    r.label, fmt_dur(proto.sample_ns), proto.strokes_per_sample, proto.k,
    fmt_dur(proto.sample_ns * proto.analysis)))

  setup.ready(b, { conc = r.conc, rx = { mode = "continuous", rate = r.rate_nl_h * nL / h } })
  local st = b.pump:status()
  expect.eq(st.rate_nl_h, r.rate_nl_h, "status rate set-point")
  expect.eq(st.mode_name, "CONTINUOUS", "status mode")

  local readings = accuracy.weigh(b, proto.sample_ns, proto.startup + proto.analysis)
  local tr = accuracy.trumpet(readings, r.rate_nl_h * nL / h, density, proto)

  measure("time scale k (S = max(0.5 min, 10 strokes) / 0.5 min)", proto.k, { unit = "x", min = 1 })
  measure("mean error A over the scaled 2nd hour", tr.A, { unit = "%", min = -tol, max = tol })
  for _, w in ipairs(tr.windows) do
    local name = string.format("Ep(P = %d min x k = %s)", w.p_min, fmt_dur(w.samples * proto.sample_ns))
    measure(name .. " max", w.max, { unit = "%", min = -tol, max = tol })
    measure(name .. " min", w.min, { unit = "%", min = -tol, max = tol })
  end
  -- GIP 1.2.2 / 1.2.3: no 15-min window (scaled by k) beyond 110% or below 90%.
  local p15 = accuracy.window_samples(15)
  local hi, lo = accuracy.window_extremes(tr.q, p15)
  measure(string.format("max mean deviation over 15 min x k = %s", fmt_dur(p15 * proto.sample_ns)),
          hi, { unit = "%", max = 10 })
  measure(string.format("min mean deviation over 15 min x k = %s", fmt_dur(p15 * proto.sample_ns)),
          lo, { unit = "%", min = -10 })
end)

test("delivered volume at the maximum rate over 3 min", {
  req = { "REQ-DEL-001", "REQ-MODE-001" }, hazard = { "HAZ-OVER", "HAZ-UNDER" },
}, function(b)
  local r = rates(b.profile)[4]
  setup.ready(b, { conc = r.conc, rx = { mode = "continuous", rate = r.rate_nl_h * nL / h } })
  -- The first minute fills the line's compliance; weigh the next 3.
  b:run_for(1 * min)
  local w0 = b.fixture:delivered_nl()
  b:run_for(3 * min)
  local v = b.fixture:delivered_nl() - w0
  measure("volume weighed in 3 min at the maximum rate", v / uL,
          { unit = "uL", nominal = r.rate_nl_h / 20 / uL, tol_pct = b.profile.accuracy_pct })
end)

test("basal rate range: the maximum is accepted, above it refused, not clamped", {
  req = { "REQ-DEL-004", "REQ-LIB-006" }, hazard = { "HAZ-OVER", "HAZ-RX" },
}, function(b)
  local p = b.profile.pump
  local c = setup.ready(b, { conc = 0.5 * mg / mL,
                             rx = { mode = "continuous", rate = p.max_rate_nl_h * nL / h } })
  expect.eq(b.pump:status().rate_nl_h, p.max_rate_nl_h, "maximum rate set-point")
  local o = b.pump:try_program { mode = "continuous", conc = 0.5 * mg / mL,
                                rate = (p.max_rate_nl_h + 1) * nL / h }
  expect.refused(o, "BAD_PARAM", "rate one nL/h above the maximum")
  expect.eq(o.detail, p.max_rate_nl_h, "refusal detail: the maximum rate")
  local st = b.pump:status()
  expect.eq(st.rx_crc, c.crc, "committed prescription after the refusal")
  expect.eq(st.rate_nl_h, p.max_rate_nl_h, "rate after the refusal (not clamped, not changed)")
  -- The minimum rate is programmable (its delivery: the long trumpet test).
  local lo = setup.ready(b, { conc = 10 * mg / mL,
                              rx = { mode = "continuous", rate = p.min_rate_nl_h * nL / h } })
  expect.eq(b.pump:status().rate_nl_h, p.min_rate_nl_h, "minimum rate set-point")
  expect.ne(lo.crc, c.crc, "the minimum-rate prescription replaced the maximum one")
  local s0 = setup.strokes(b)
  b:run_for(4 * min)
  expect.le(setup.strokes(b) - s0, 1, "strokes in 4 min at the minimum rate (one per 7.5 min)")
end)
