suite "smoke"

test("status answers", function(b)
  local s = b.pump:status()
  expect.eq(s.mode, 0, "mode after power-on")
  expect.eq(s.running, 0, "running after power-on")
end)
