suite "known issues"

test("a known issue that still fails", { xfail = { id = "BUG-12", reason = "mode reads 0 after stop" } },
     function(b)
       expect.eq(b.pump:status().mode, 7, "pump mode")
     end)

test("a known issue that now passes", { xfail = { id = "BUG-13", reason = "fixed in 0.2?" } },
     function(b)
       expect.eq(b.pump:status().mode, 0, "pump mode")
     end)

test("an ordinary pass", function(b)
  expect.eq(b.pump:status().mode, 0, "pump mode")
end)
