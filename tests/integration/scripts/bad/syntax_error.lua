suite "broken"

test("never runs", function(b)
  local x = = 1
end)
