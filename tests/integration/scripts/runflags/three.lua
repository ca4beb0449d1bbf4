suite "flags"

test("first passes", function(b)
  print("first says hello")
  measure("answer", 42, { unit = "1", nominal = 42, tol = 1 })
end)

test("second fails", function(b)
  print("second is about to fail")
  expect.eq(b.pump:status().mode, 7, "pump mode")
end)

test("third passes", function(b)
  expect.eq(b.pump:status().mode, 0, "pump mode")
end)
