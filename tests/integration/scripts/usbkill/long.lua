suite "board killed"

test("a long wait the board dies in", function(b)
  b.pump:status()
  b:run_for(30 * s)
  b.pump:status()
end)

test("the next test", function(b)
  b.pump:status()
end)
