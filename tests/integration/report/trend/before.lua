-- The report's trend (docs/reports.md): a steady reading with noise that
-- hangs on the seed, and a reading the last run's twin (after.lua) plants
-- a shift in.  The tests' identities ("trend / ...") are the same in both.
suite "trend"

test("steady", function(b)
  measure("steady reading", 10 + (math.random() - 0.5) * 0.2, { unit = "V", min = 9, max = 11 })
end)

test("planted shift", function(b)
  measure("shifting reading", 5 + (math.random() - 0.5) * 0.1, { unit = "ms" })
end)
