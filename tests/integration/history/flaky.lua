-- The results history's acceptance scripts: a test that fails one time in
-- five (its outcome hangs on its seed), and a steady measurement with noise
-- that compare must not name.
suite "history"

test("one in five", function(b)
  expect.truthy(math.random() >= 0.2, "a draw below 0.2 (one time in five)")
end)

test("a steady reading with noise", function(b)
  measure("steady reading", 10 + (math.random() - 0.5) * 0.2, { unit = "V", min = 9, max = 11 })
end)
