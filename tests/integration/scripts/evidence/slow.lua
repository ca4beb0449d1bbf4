suite "evidence"

test("first, quick", function(b)
  expect.eq(b.pump:status().mode, 0, "mode")
end)

-- Runs until the run is interrupted (or its wall-time limit).
test("spins until interrupted", function(b)
  b.pump:status()
  while true do end
end)

test("never reached when interrupted", function(b)
  expect.eq(b.pump:status().mode, 0, "mode")
end)
