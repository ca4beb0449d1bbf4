suite "evidence"

test("a quick test with a trace", function(b)
  b:run_for(10 * min)
  expect.eq(b.pump:status().mode, 0, "mode")
end)
