-- two_tests.lua - the first test speaks to the pump (through whatever
-- adapter the run names), the second only to the fixture: it must still run
-- and pass after the adapter misbehaved in the first.
suite "adapter"

test("the pump through the adapter", function(b)
  b.pump:status()
end)

test("the next test runs", function(b)
  expect.gt(b.fixture:read().supply_mv, 0, "supply rail present")
end)
