-- The refill visit (pumphil.refill): expected against aspirated residual at
-- every refill, and the reservoir's gain against the injected volume, so a
-- pocket fill is caught on the visit where it happens.
local faults = require "pumphil.faults"
local refill = require "pumphil.refill"

suite { name = "Faults: refill visit", tags = { "faults", "refill" }, req = { "REQ-RES-007" },
        hazard = { "HAZ-OVER", "HAZ-UNDER", "HAZ-EMPTY" } }

local RATE = 1 * mL / day

test("a pocket fill is caught on the visit where it happens", { tags = { "long" } }, function(b)
  faults.running(b, { rate = RATE })
  b:run_for(6 * h)
  local v = refill.visit(b, { volume = 18 * mL })
  expect.truthy(v.residual_ok, "visit 1: residual as expected")
  expect.truthy(v.fill_ok, "visit 1: the reservoir gained the injection")
  b:run_for(6 * h)
  local f = b:inject("pocket_fill", { share = 1000 })
  v = refill.visit(b, { volume = 18 * mL })
  f:clear()
  expect.truthy(v.residual_ok, "visit 2: the residual before the pocket fill is as expected")
  expect.falsy(v.fill_ok, "visit 2: the pocket fill is caught on this visit")
  faults.measure("pocket_fill", "missing", v.injected - v.filled, 18 * mL)
  -- The pump believes 18 mL and strokes an empty reservoir: nothing arrives.
  local w0 = b.fixture:delivered_nl()
  b:run_for(6 * h)
  expect.le(b.fixture:delivered_nl() - w0, faults.still_band(b, 6 * h), "balance gain after the pocket fill (nL)")
  expect.gt(b.pump:status().reservoir_nl, 16 * mL, "the pump's computed reservoir (nL)")
  -- The next visit would have found it too late: the residual discrepancy.
  v = refill.visit(b, { volume = 18 * mL })
  expect.falsy(v.residual_ok, "visit 3: residual discrepancy after the pocket fill")
end)

test("a partial pocket fill (half the injection) is caught too; a normal visit is not flagged",
     { tags = { "long" } }, function(b)
  faults.running(b, { rate = RATE })
  b:run_for(6 * h)
  local v = refill.visit(b, { volume = 10 * mL })
  expect.truthy(v.residual_ok and v.fill_ok, "a normal visit passes both checks")
  -- On sim nothing moves between the readings; over a real-time link a
  -- stroke or two may fall between them.
  expect.le(math.abs(v.discrepancy), 2 * 250, "discrepancy of a normal visit (nL): within two strokes")
  b:inject("pocket_fill", { share = 500 })
  v = refill.visit(b, { volume = 10 * mL })
  expect.falsy(v.fill_ok, "half the injection missing: caught")
  -- Within two strokes: over a real-time link the pump may stroke between readings.
  expect.near(v.injected - v.filled, 5 * mL, 2 * 250, "volume missing from the reservoir (nL)")
end)
