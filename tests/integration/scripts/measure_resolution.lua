-- measure() with a resolution: the verdict widens the limits by it, no more.
suite "measure"

test("within its resolution", function(b)
  measure("latency", 1.4, { unit = "s", max = 1, resolution = 0.5 })
  measure("offset", -0.3, { unit = "s", nominal = 0, tol = 0.1, resolution = 0.25 })
  local ok = pcall(measure, "bad", 1, { resolution = -1 })
  expect.falsy(ok, "a negative resolution is an error")
end)

test("beyond its resolution", function(b)
  measure("latency", 1.6, { unit = "s", max = 1, resolution = 0.5 })
end)
