suite { name = "runner random", tags = { "fast" } }

-- Values that depend on the seed: balance noise and math.random.
for i = 1, 6 do
  test("noisy balance " .. i, function(b)
    b.fixture:set("BALANCE_NOISE_UG", 500)
    b:run_for(10 * s)
    local r = b.fixture:read().balance
    measure("balance with noise", r, { unit = "ug", min = -5000, max = 5000 })
    measure("a random draw", math.random(1, 1000000), { min = 1, max = 1000000 })
  end)
end
