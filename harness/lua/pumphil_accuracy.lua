-- pumphil_accuracy.lua - delivery accuracy from balance readings: the
-- IEC 60601-2-24 trumpet curve, time-scaled for implant flow rates.
-- Scripts load it with `local accuracy = require "pumphil.accuracy"`.
--
-- IEC 60601-2-24:2012 (201.12.1.102-104) weighs the delivered fluid every
-- S = 0.5 min, discards the first hour (start-up), and over the second hour
-- computes
--   Q_i   = 100 * (v_i - r*S) / (r*S)         % deviation of sample i
--   Ep(j) = mean of Q_j .. Q_(j+P/S-1)         every window of P minutes
--   Ep max / Ep min over j, for P = 2, 5, 11, 19, 31 min
--   A     = 100 * (V - r*T) / (r*T)            mean error over the period T
-- where v_i is the volume weighed in sample i and r the programmed rate.
--
-- Time scaling for implants (the only change to the method): an implant at
-- 0.048 mL/day makes one 0.25 uL stroke every 7.5 min, so a 0.5-min sample
-- holds 0 or 1 stroke and the curve would measure stroke quantisation, not
-- the pump.  The sample period is therefore
--   S = max(0.5 min, STROKES_PER_SAMPLE stroke intervals at the rate),
-- and every time of the protocol (start-up, analysis period, windows) is
-- multiplied by k = S / 0.5 min.  Each window keeps IEC's number of samples
-- (P/0.5 min = 4, 10, 22, 38, 62), each sample holds a whole number of
-- strokes (averaging over whole dose cycles, as the MeDD II insulin-pump
-- work recommends), and at rates where S = 0.5 min (k = 1) this is IEC's
-- protocol unchanged.
--
-- Units as in the test language: volume nL, time ns, rate nL/ns, mass ug.

local A = {}

local S_IEC = 30 * 1000000000            -- IEC sample period, ns
A.IEC_SAMPLE_NS = S_IEC
A.IEC_WINDOWS_MIN = { 2, 5, 11, 19, 31 }  -- observation windows P, min
A.IEC_STARTUP_SAMPLES = 120               -- first hour at 0.5 min
A.IEC_ANALYSIS_SAMPLES = 120              -- second hour at 0.5 min
A.STROKES_PER_SAMPLE = 10

-- The scaled protocol for a rate (nL/h) and stroke volume (nL):
-- { sample_ns, k, stroke_ns, windows = { {p_min=, samples=} ... },
--   startup, analysis } (counts in samples).
local function positive(v, key)
  if type(v) ~= "number" or not (v > 0 and v < math.huge) then
    error(string.format("accuracy.protocol: %s must be a number > 0, got %s", key,
                        type(v) == "number" and tostring(v) or type(v)), 3)
  end
end

function A.protocol(rate_nl_h, stroke_nl, strokes_per_sample)
  positive(rate_nl_h, "rate_nl_h")
  positive(stroke_nl, "stroke_nl")
  if strokes_per_sample ~= nil then positive(strokes_per_sample, "strokes_per_sample") end
  local per = strokes_per_sample or A.STROKES_PER_SAMPLE
  local stroke_ns = stroke_nl / rate_nl_h * 3600e9
  local sample_ns = math.max(S_IEC, math.floor(per * stroke_ns + 0.5))
  local p = { sample_ns = sample_ns, k = sample_ns / S_IEC, stroke_ns = stroke_ns,
              strokes_per_sample = sample_ns / stroke_ns,
              startup = A.IEC_STARTUP_SAMPLES, analysis = A.IEC_ANALYSIS_SAMPLES,
              windows = {} }
  for _, m in ipairs(A.IEC_WINDOWS_MIN) do
    p.windows[#p.windows + 1] = { p_min = m, samples = m * 60 * 1000000000 // S_IEC }
  end
  return p
end

-- Number of samples in a window of `minutes` IEC minutes (scaled by k).
function A.window_samples(minutes)
  return math.floor(minutes * 60 * 1000000000 / S_IEC + 0.5)
end

-- Weigh every sample_ns, n times, starting now: returns the readings
-- { { t = ns, ug = balance } ... } with readings[0] the start.
function A.weigh(b, sample_ns, n)
  local t0 = b:now()
  local r = { [0] = { t = t0, ug = b.fixture:read().balance_ug } }
  for i = 1, n do
    b:run_until(t0 + i * sample_ns)
    r[i] = { t = b:now(), ug = b.fixture:read().balance_ug }
  end
  return r
end

-- Per-sample % deviations Q_i for i = first..last from the readings.
-- density in ug/uL (1000 for water), rate in nL/ns.
function A.deviations(readings, rate, density, first, last)
  local q = {}
  for i = first, last do
    local dt = readings[i].t - readings[i - 1].t
    local v = (readings[i].ug - readings[i - 1].ug) * 1000 / density
    local want = rate * dt
    q[#q + 1] = 100 * (v - want) / want
  end
  return q
end

-- Max and min of the mean of q over every window of p consecutive samples.
function A.window_extremes(q, p)
  if p > #q then return nil end
  local sum = 0
  for i = 1, p do sum = sum + q[i] end
  local hi, lo = sum / p, sum / p
  for j = 2, #q - p + 1 do
    sum = sum + q[j + p - 1] - q[j - 1]
    local e = sum / p
    if e > hi then hi = e end
    if e < lo then lo = e end
  end
  return hi, lo
end

-- The trumpet curve over the analysis period of a scaled protocol.
-- Returns { A = mean error %, windows = { {p_min, samples, max, min} ... },
--           q = per-sample deviations, volume_nl, expected_nl }.
function A.trumpet(readings, rate, density, proto)
  local first = proto.startup + 1
  local last = proto.startup + proto.analysis
  local q = A.deviations(readings, rate, density, first, last)
  local v = (readings[last].ug - readings[first - 1].ug) * 1000 / density
  local want = rate * (readings[last].t - readings[first - 1].t)
  local out = { A = 100 * (v - want) / want, windows = {}, q = q,
                volume_nl = v, expected_nl = want }
  for _, w in ipairs(proto.windows) do
    local hi, lo = A.window_extremes(q, w.samples)
    out.windows[#out.windows + 1] = { p_min = w.p_min, samples = w.samples, max = hi, min = lo }
  end
  return out
end

return A
