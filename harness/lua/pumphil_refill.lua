-- pumphil_refill.lua - the refill visit as a clinician does it, with the
-- rig playing the syringes.  Scripts load it with
-- `local refill = require "pumphil.refill"`.
--
-- At every refill the clinician (1) reads the residual the pump expects,
-- (2) aspirates the reservoir and reads the syringe, (3) compares the two
-- (a discrepancy is how over-infusion, a stall or an obstruction shows up in
-- the clinic), (4) injects the new drug and (5) tells the pump the volume.
-- On the rig, the aspirated volume is the rig's true reservoir, which is
-- then emptied (FX RESERVOIR_NL = 0), and the injection goes through the
-- septum (FX REFILL_NL), where a pocket fill can divert it.  The rig then
-- also checks what the clinician cannot: that the reservoir gained the
-- injected volume, so a pocket fill is caught on the visit where it happens.
--
-- Thresholds:
--   residual: |aspirated - expected| <= max(discrepancy_pct of the volume
--     the pump should have delivered since the last fill, floor), where
--     discrepancy_pct defaults to the profile's accuracy_pct (14.5 %) and
--     floor to 4 strokes;
--   fill: the reservoir gains the injected volume within fill_tol_pct
--     (default 2 %, a syringe's graduation) of it.
-- Units as in the test language: volume nL.

local R = {}

R.FILL_TOL_PCT = 2
R.FLOOR_STROKES = 4

local KEYS = { volume = true, drug = true, conc = true, low_residual = true, discrepancy_pct = true,
               fill_tol_pct = true }

local function bad(msg) error("refill.visit: " .. msg, 3) end

-- One refill visit on bench b: o.volume (nL) is required; o.drug, o.conc,
-- o.low_residual as pump:refill takes them (default: those of the last
-- refill); o.discrepancy_pct, o.fill_tol_pct.  Returns
--   { expected, aspirated, discrepancy (aspirated - expected), delivered
--     (what the pump thinks it delivered since the last fill), residual_limit,
--     residual_ok, injected, filled, fill_limit, fill_ok, t }.
-- The pump is told o.volume whatever the rig's reservoir received.
function R.visit(b, o)
  if type(o) ~= "table" then bad("options must be a table { volume = }") end
  for k in pairs(o) do
    if not KEYS[k] then bad(string.format("unknown option '%s'", tostring(k))) end
  end
  if type(o.volume) ~= "number" or not (o.volume > 0 and o.volume < math.huge) then
    bad("volume must be a number of nL > 0")
  end
  local last = b.pump.last_refill
  if not last then bad("the pump has not been refilled yet: call pump:refill first") end
  local profile = b.profile or {}
  local stroke = (profile.pump or {}).stroke_nl or 250
  local pct = o.discrepancy_pct or profile.accuracy_pct or 14.5
  local r = { t = b:now(), injected = o.volume }
  r.expected = b.pump:status().reservoir_nl
  r.aspirated = b.fixture:read().reservoir_nl
  b.fixture:set("RESERVOIR_NL", 0)
  r.discrepancy = r.aspirated - r.expected
  r.delivered = math.max(0, (last.volume or 0) - r.expected)
  r.residual_limit = math.max(pct / 100 * r.delivered, R.FLOOR_STROKES * stroke)
  r.residual_ok = math.abs(r.discrepancy) <= r.residual_limit
  b.fixture:set("REFILL_NL", o.volume)
  r.filled = b.fixture:read().reservoir_nl
  r.fill_limit = (o.fill_tol_pct or R.FILL_TOL_PCT) / 100 * o.volume
  r.fill_ok = math.abs(r.filled - o.volume) <= r.fill_limit
  b.pump:refill { volume = o.volume, drug = o.drug or last.drug, conc = o.conc or last.conc,
                  low_residual = o.low_residual }
  return r
end

return R
