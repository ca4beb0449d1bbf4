suite "long path"
test("a failing check names the whole path", function(b)
  expect.eq(1, 2, "deliberate")
end)
test("a runtime error names the whole path", function(b)
  local t = nil
  return t.x
end)
test("an argument error names the whole path", function(b)
  b:run_for("x")
end)
