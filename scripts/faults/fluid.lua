-- The fluid path past the pump: a leak, a disconnection, the body's
-- temperature.  The pump senses none of them; the balance must show what
-- each does, and the pump must not raise a nuisance alarm.
local faults = require "pumphil.faults"

suite { name = "Faults: fluid path", tags = { "faults", "fluid" }, hazard = { "HAZ-UNDER" } }

local RATE = 1 * mL / day
local OBSERVE = 6 * h

local function weighed(b) return b.fixture:delivered_nl() end

local function alarms_since(b, t0)
  return #b:events(function(ev) return ev.t >= t0 and ev.name == "ALARM_ON" end)
end

-- Inject a fault for OBSERVE after a settling half hour; the balance gain
-- over it and the programmed volume.
-- during(), when given, runs half way through, while the fault is on.
local function observe(b, name, params, during)
  faults.running(b, { rate = RATE })
  b:run_for(30 * min)
  local f = b:inject(name, params, { duration = OBSERVE })
  -- Weigh once the fault is on: where commands take time a stroke can fall
  -- between a reading and the fault, and count against it.
  local w0, t0 = weighed(b), b:now()
  if during then
    b:run_until(f.t_on + OBSERVE / 2)
    during()
  end
  b:run_until(f.t_on + OBSERVE)
  local got, t1 = weighed(b), b:now()
  expect.eq(alarms_since(b, f.t_on), 0, name .. ": alarms raised")
  expect.eq(b.pump:status().running, 1, name .. ": pump running")
  return got - w0, RATE * (t1 - t0)
end

test("leak: the balance shows the lost share, the pump cannot",
     { tags = { "long" }, cases = { { label = "10%", share = 100 }, { label = "50%", share = 500 } } },
     function(b, case)
       local got, programmed = observe(b, "leak", { share = case.share })
       faults.measure("leak", "delivered_share", got / programmed * 100, 100 - case.share / 10)
     end)

test("disconnection: nothing reaches the balance, the line pressure stays low",
     { tags = { "long" } },
     function(b)
       local pressure
       local got = observe(b, "disconnection", nil, function() pressure = b.fixture:read().pressure_pa end)
       faults.measure("disconnection", "delivered", got)
       expect.lt(pressure, 1000, "line pressure (Pa) with the catheter disconnected")
     end)

test("body temperature: delivery within accuracy from 30 to 42 degC",
     { tags = { "long" }, hazard = { "HAZ-OVER" },
       cases = { { label = "30 degC", temp = 30 }, { label = "42 degC", temp = 42 } } },
     function(b, case)
       local got, programmed = observe(b, "fever", { temp = case.temp })
       faults.measure("fever", "delivery_error", (got - programmed) / programmed * 100)
     end)
