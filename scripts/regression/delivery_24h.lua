-- The walking skeleton's end-to-end slice: continuous delivery for a
-- virtual day, judged by the balance as on a gravimetric bench.
--
-- Long (tag `long`): its one test runs 24 h of bench time.
suite { name = "Delivery accuracy", req = { "REQ-DEL-001" }, hazard = { "HAZ-OVER", "HAZ-UNDER" } }

test("continuous 0.5 mL/day for 24 h", { tags = { "accuracy", "smoke", "long" } }, function(b)
  local pump, fx = b.pump, b.fixture
  pump:load_druglib()
  pump:refill { volume = 20 * mL, drug = 1, conc = 10 * mg / mL }
  pump:program { mode = "continuous", rate = 0.5 * mL / day, drug = 1, conc = 10 * mg / mL }
  fx:tare()
  pump:start()
  b:run_for(24 * h)
  local delivered = fx:delivered_nl()
  local tol = b.profile.accuracy_pct
  measure("delivered volume in 24 h", delivered / uL,
          { unit = "uL", nominal = 500, tol_pct = tol })
  local s = pump:status()
  expect.eq(s.running, 1, "pump running")
end)
