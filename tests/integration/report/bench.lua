-- A small suite for the report tests: a parametrised test (one testcase per
-- case), an injected fault with its alarm, and a deliberate failure after a
-- fault so the report has spans, events around a failure and a zoomed plot.
suite { name = "report bench", req = { "REQ-DEL-001" }, hazard = { "HAZ-OVER", "HAZ-UNDER" } }

local function deliver(b, rate)
  b.pump:load_druglib()
  b.pump:refill { volume = 20 * mL, drug = 1, conc = 1 * mg / mL }
  b.pump:program { mode = "continuous", rate = rate, drug = 1, conc = 1 * mg / mL }
  b.fixture:tare()
  b.pump:start()
end

test("delivers its programmed rate", { cases = { { label = "0.5 mL/day", rate = 0.5 }, { label = "0.25 mL/day", rate = 0.25 } } },
  function(b, case)
    deliver(b, case.rate * mL / day)
    b:run_for(6 * h)
    measure("delivered in 6 h", b.fixture:delivered_nl() / uL,
            { unit = "uL", nominal = case.rate * 1000 / 4, tol_pct = b.profile.accuracy_pct })
  end)

test("occlusion raises its alarm", { req = { "REQ-ALM-001" }, hazard = { "HAZ-ALARM" } }, function(b)
  deliver(b, 0.5 * mL / day)
  b:run_for(1 * h)
  b:mark("fault_on", { fault = "occlusion" })
  b.fixture:pinch(1000)
  local ev = b:wait_alarm("OCCLUSION", { within = 24 * h })
  b:mark("fault_off", { fault = "occlusion" })
  b.fixture:pinch(0)
  measure("occlusion alarm latency", ev.latency / h, { unit = "h", max = 24 })
end)

test("occlusion goes unnoticed (deliberately failing)", { req = { "REQ-ALM-001" } }, function(b)
  deliver(b, 0.5 * mL / day)
  b:run_for(1 * h)
  b:mark("fault_on", { fault = "occlusion" })
  b.fixture:pinch(1000)
  local ev = b:wait_alarm("OCCLUSION", { within = 24 * h, optional = true })
  expect.falsy(ev, "an occlusion alarm (this test claims there is none)")
end)
