suite "bad xfail"

test("xfail without a reason", { xfail = { id = "BUG-1" } }, function(b) end)
