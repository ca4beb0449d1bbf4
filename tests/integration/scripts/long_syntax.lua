suite "long syntax"
test("t", function(b)
  local = 1
end)
