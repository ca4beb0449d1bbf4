-- Misuse of the fault API: each is an error naming this file's line.
-- tests/integration/faults.cmake matches the messages and line numbers.
suite { name = "fault misuse" }
test("unknown fault", function(b)
  b:inject("occlusion_totl")
end)
test("parameter out of range", function(b)
  b:inject("occlusion_partial", { closure = 1200 })
end)
test("unknown parameter", function(b)
  b:inject("leak", { shar = 100 })
end)
test("duration on an instantaneous fault", function(b)
  b:inject("watchdog_reset", nil, { duration = 1 * min })
end)
test("two faults on one actuator", function(b)
  b:inject("occlusion_total", nil, { duration = 2 * h })
  b:inject("occlusion_partial", { closure = 900 }, { at = 1 * h })
end)
test("start in the past", function(b)
  b:run_for(1 * h)
  b:inject("leak", nil, { at = 10 * min })
end)
test("out of range in a schedule", function(b)
  b:schedule {
    { "leak", { share = 500 }, at = 1 * h, duration = 1 * h },
    { "clock_drift", { ppm = 20000 }, at = 3 * h },
  }
end)
test("campaign window too small", function(b)
  b:campaign { faults = { "occlusion_total" }, n = 4, to = 2 * h, duration = 1 * h }
end)
test("a limit the catalogue does not have", function(b)
  local faults = require "pumphil.faults"
  faults.measure("occlusion_total", "lattency", 5 * min)
end)
test("valid injections still work after the errors", function(b)
  local f = b:inject("occlusion_partial", { closure = 500 }, { duration = 1 * h })
  expect.truthy(f:active(), "injected")
  b:run_for(2 * h)
  expect.falsy(f:active(), "ended after its duration")
end)
