suite "checks"

test("a failing check", function(b)
  local s = b.pump:status()
  -- A fresh pump is stopped (mode 0); claim it is flexible (2) with mode 1.
  expect.eq(s.mode + 1, 2 - 0, "pump mode")
end)

test("a passing check", function(b)
  expect.eq(b.pump:status().mode, 0, "pump mode")
end)
