-- pumphil_overinfusion.lua - over-infusion watch from the balance.
-- Scripts load it with `local overinfusion = require "pumphil.overinfusion"`.
--
-- SynchroMed II labelling defines over-infusion as delivery more than 14.5 %
-- above the programmed rate; the pump itself cannot see it (a stroke that
-- moves too much looks like any other stroke to the firmware), so only the
-- balance can.  The watch runs the bench in steps and, at every step,
-- compares the balance gain over a trailing window with what the programmed
-- rate should have delivered in that window:
--   excess = 100 * (delivered - rate * span) / (rate * span)
-- and flags the first step at which the excess is above the threshold
-- (default the profile's accuracy_pct, 14.5 % on the reference profile).
-- span is the window, or the time since the watch began while that is
-- shorter, but never less than MIN_STROKES stroke intervals: one stroke more
-- or less must not move the excess by more than 100 / MIN_STROKES points.
--
-- Units as in the test language: volume nL, time ns, rate nL/ns.

local O = {}

O.WINDOW = 3600 * 1000000000      -- trailing window, ns (1 h)
O.STEP = 300 * 1000000000         -- check every 5 min
O.MIN_STROKES = 40                -- shortest span: 2.5 points per stroke

local KEYS = { rate = true, within = true, window = true, step = true, threshold_pct = true,
               stroke_nl = true, onset = true }

local function bad(msg) error("overinfusion.watch: " .. msg, 3) end

local function positive(o, k, optional)
  local v = o[k]
  if v == nil and optional then return end
  if type(v) ~= "number" or not (v > 0 and v < math.huge) then
    bad(string.format("%s must be a number > 0, got %s", k, tostring(v)))
  end
end

-- Watch bench b for over-infusion: o.rate (programmed, nL/ns) and o.within
-- (how long to watch, ns) are required; o.window, o.step, o.threshold_pct,
-- o.stroke_nl (default the profile's), o.onset (bench time the fault began,
-- default now) are optional.  Returns
--   { detected = bool, t = bench time of the flag, latency = t - onset,
--     excess_pct = the excess over the span at the flag (or the largest
--     seen when nothing was flagged), checks = number of checks }.
function O.watch(b, o)
  if type(o) ~= "table" then bad("options must be a table { rate =, within = }") end
  for k in pairs(o) do
    if not KEYS[k] then bad(string.format("unknown option '%s'", tostring(k))) end
  end
  positive(o, "rate")
  positive(o, "within")
  positive(o, "window", true)
  positive(o, "step", true)
  positive(o, "threshold_pct", true)
  positive(o, "stroke_nl", true)
  local profile = b.profile or {}
  local pump = profile.pump or {}
  local threshold = o.threshold_pct or profile.accuracy_pct or 14.5
  local window, step = o.window or O.WINDOW, o.step or O.STEP
  local stroke = o.stroke_nl or pump.stroke_nl or 250
  local min_span = math.max(step, O.MIN_STROKES * stroke / o.rate)
  if min_span > window then bad("the window holds fewer than MIN_STROKES strokes at this rate") end
  local onset = o.onset or b:now()
  local samples = { { t = b:now(), v = b.fixture:delivered_nl() } }
  local first = 1
  local out = { detected = false, checks = 0, excess_pct = -math.huge }
  local t_end = b:now() + o.within
  while b:now() < t_end do
    b:run_for(math.min(step, t_end - b:now()))
    local now, v = b:now(), b.fixture:delivered_nl()
    samples[#samples + 1] = { t = now, v = v }
    while samples[first + 1] and now - samples[first + 1].t >= window do first = first + 1 end
    local s0 = samples[first]
    local span = now - s0.t
    if span >= min_span then
      local want = o.rate * span
      local excess = 100 * (v - s0.v - want) / want
      out.checks = out.checks + 1
      if excess > out.excess_pct then out.excess_pct = excess end
      if excess > threshold then
        out.detected, out.t, out.latency, out.excess_pct = true, now, now - onset, excess
        return out
      end
    end
  end
  return out
end

-- Delivery over the next `over` ns against rate (nL/ns), in % above the
-- programmed volume (negative: below).  Runs the bench for `over`.
function O.excess(b, rate, over)
  if type(rate) ~= "number" or not (rate > 0) then error("overinfusion.excess: rate must be > 0", 2) end
  if type(over) ~= "number" or not (over > 0) then error("overinfusion.excess: over must be > 0", 2) end
  local v0 = b.fixture:delivered_nl()
  b:run_for(over)
  local want = rate * over
  return 100 * (b.fixture:delivered_nl() - v0 - want) / want
end

return O
