-- before.lua's twin for the last run: the same steady reading, and the
-- shifting reading 30 % up (docs/reports.md).
suite "trend"

test("steady", function(b)
  measure("steady reading", 10 + (math.random() - 0.5) * 0.2, { unit = "V", min = 9, max = 11 })
end)

test("planted shift", function(b)
  measure("shifting reading", 6.5 + (math.random() - 0.5) * 0.1, { unit = "ms" })
end)
