-- The pressure sensor stuck or drifting (board hooks).  Upward errors must
-- fail safe (an OCCLUSION alarm); errors that stay below the limit must not
-- disturb therapy on an open line.
local faults = require "pumphil.faults"
local class = require "pumphil.class"
-- Skip, with the reason, a test of a feature this device class lacks.
local function need(b, feature)
  local why = class.lacks(b, feature)
  if why then skip(why) end
end

suite { name = "Faults: pressure sensor", tags = { "faults", "sensors" }, req = { "REQ-ALM-001" },
        hazard = { "HAZ-OCCL", "HAZ-ALARM" } }

local RATE = 1 * mL / day

local function weighed(b) return b.fixture:delivered_nl() end

-- No alarm and full delivery over 2 h on an open line with the fault on.
local function undisturbed(b, f)
  local w0 = weighed(b)
  b:run_for(2 * h)
  expect.eq(#b:events(function(e) return e.name == "ALARM_ON" and e.t >= f.t_on end), 0, "alarms raised")
  expect.near(weighed(b) - w0, RATE * 2 * h, 2 * 250, "delivered (nL) in 2 h")
end

test("pressure sensor stuck above the limit: OCCLUSION, fail-safe", { tags = { "long" } },
     function(b)
       need(b, "occlusion_alarm")
       faults.running(b, { rate = RATE })
       b:run_for(10 * min)
       local f = b:inject("pressure_stuck", { value = 300 * kPa })
       local ev = b:wait_alarm("OCCLUSION", { within = 2 * faults.limit("pressure_stuck", "latency").max * s })
       faults.measure("pressure_stuck", "latency", ev.t - f.t_on)
       f:clear()
       b:run_for(1 * min)
       expect.ok(b.pump:ack_alarm("OCCLUSION"), "acknowledge once the sensor reads true")
     end)

test("pressure sensor stuck below the limit: therapy undisturbed", { tags = { "long" } },
     function(b)
       faults.running(b, { rate = RATE })
       b:run_for(10 * min)
       undisturbed(b, b:inject("pressure_stuck", { value = 50 * kPa }))
     end)

test("pressure sensor drifting up: OCCLUSION once the reading passes the limit", { tags = { "long" } },
     function(b)
       need(b, "occlusion_alarm")
       faults.running(b, { rate = RATE })
       b:run_for(10 * min)
       local rate = 200 * kPa / h
       local f = b:inject("pressure_drift", { rate = rate })
       -- The drift is the stimulus: the reading passes the limit after limit / rate.
       local crossing = f.t_on + b.profile.pump.occlusion_pa / rate
       local ev = b:wait_alarm("OCCLUSION", { within = 2 * h })
       faults.measure("pressure_drift", "delay_after_crossing", ev.t - crossing)
     end)

test("pressure sensor drifting down: therapy undisturbed on an open line", { tags = { "long" } },
     function(b)
       faults.running(b, { rate = RATE })
       b:run_for(10 * min)
       undisturbed(b, b:inject("pressure_drift", { rate = -200 * kPa / h }))
     end)
