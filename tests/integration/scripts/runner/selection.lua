suite { name = "runner", tags = { "fast" } }

test("alpha", function(b) expect.eq(b:now(), 0, "bench starts at 0") end)
test("beta", function(b) b:run_for(1 * h); expect.eq(b:now(), 1 * h, "clock") end)
test("gamma", { tags = { "slow" } }, function(b) b:run_for(3 * day) end)
