suite { name = "runner params", tags = { "fast" } }

-- A parametrised test: each case is reported on its own.
test("rate holds", {
  cases = {
    { label = "0.1 mL/day", rate = 0.1 * mL / day },
    { label = "1 mL/day", rate = 1 * mL / day },
    { label = "5 mL/day", rate = 5 * mL / day },
  },
}, function(b, case)
  b.pump:load_druglib()
  b.pump:refill { volume = 20 * mL, drug = 4, conc = 0.1 * mg / mL }
  b.pump:program { mode = "continuous", rate = case.rate, drug = 4, conc = 0.1 * mg / mL }
  b.pump:start()
  b:run_for(2 * h)
  local s = b.pump:status()
  expect.near(s.rate_nl_h, case.rate * h, 1, "rate set-point (nL/h)")
end)
