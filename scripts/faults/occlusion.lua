-- Catheter occlusion: total, partial, intermittent, and a kink near the tip.
-- Every limit comes from the fault catalogue (fixtures/faults.json).
local faults = require "pumphil.faults"
local class = require "pumphil.class"
-- Skip, with the reason, a test of a feature this device class lacks.
local function need(b, feature)
  local why = class.lacks(b, feature)
  if why then skip(why) end
end

suite { name = "Faults: occlusion", tags = { "faults", "occlusion" } }

local RATE = 1 * mL / day

-- Balance reading as a volume (nL).
local function weighed(b) return b.fixture:delivered_nl() end

-- Alarms raised since bench time t0 (the set-up raises and clears its own).
local function alarms_since(b, t0, name)
  return #b:events(function(ev) return ev.t >= t0 and ev.name == "ALARM_ON" and (not name or ev.alarm == name) end)
end

-- Onset to alarm, pressure at the alarm, delivery stopped while it stands,
-- and the bolus released when the occlusion clears: the four figures of an
-- occlusion (DESIGN section 6).
local function occlusion_depth(b, name)
  faults.running(b, { rate = RATE })
  b:run_for(30 * min)
  local f = b:inject(name)
  local ev = b:wait_alarm("OCCLUSION", { within = 1 * h })
  faults.measure(name, "latency", ev.t - f.t_on)
  local at_alarm = b.fixture:read()
  faults.measure(name, "pressure_at_alarm", at_alarm.pressure_pa)
  expect.eq(ev.priority, "HIGH", "OCCLUSION priority")
  local s = b.pump:status()
  expect.eq(s.rate_nl_h, 0, "delivery rate while OCCLUSION stands")
  local w0 = weighed(b)
  b:run_for(2 * h)
  if faults.spec(name).limits.delivered_after_alarm then
    faults.measure(name, "delivered_after_alarm", weighed(b) - w0)
  end
  expect.eq(b.fixture:read().motor_strokes, at_alarm.motor_strokes, "strokes after the alarm")
  -- Weigh before the valve opens: the held volume leaves within a second,
  -- sooner than a reply can come back from a board that answers slowly.
  local w1 = weighed(b)
  f:clear()
  b:run_for(10 * min)
  faults.measure(name, "released_volume", weighed(b) - w1)
  expect.truthy(b.pump:status().alarm_set.OCCLUSION, "OCCLUSION latched after the line cleared")
  expect.ok(b.pump:ack_alarm("OCCLUSION"), "acknowledge once the line is clear")
  local w2 = weighed(b)
  b:run_for(1 * h)
  expect.near(weighed(b) - w2, RATE * h, 2 * 250, "delivery resumed after the acknowledgement (nL/h)")
end

test("total occlusion: latency, pressure at alarm, delivery stopped, released volume",
     { tags = { "long" }, req = { "REQ-ALM-001", "REQ-ALM-002" }, hazard = { "HAZ-OCCL" } },
     function(b) need(b, "occlusion_alarm"); occlusion_depth(b, "occlusion_total") end)

test("kink near the catheter tip: later alarm, larger release, within limits",
     { tags = { "long" }, req = { "REQ-ALM-001", "REQ-ALM-002" }, hazard = { "HAZ-OCCL" } },
     function(b) need(b, "occlusion_alarm"); occlusion_depth(b, "kink_tip") end)

test("partial occlusion: no nuisance alarm, delivery within accuracy",
     { tags = { "long" }, hazard = { "HAZ-UNDER" },
       cases = { { label = "500 permille", closure = 500 }, { label = "900 permille", closure = 900 },
                 { label = "990 permille", closure = 990 } } },
     function(b, case)
       faults.running(b, { rate = RATE })
       b:run_for(30 * min)
       local w0 = weighed(b)
       local f = b:inject("occlusion_partial", { closure = case.closure }, { duration = 6 * h })
       b:run_for(6 * h)
       local expected = RATE * 6 * h
       faults.measure("occlusion_partial", "delivery_error", (weighed(b) - w0 - expected) / expected * 100)
       expect.eq(alarms_since(b, f.t_on), 0, "alarms raised by a partial occlusion")
     end)

test("intermittent occlusion: alarm in the first long closed phase, latched through the open ones",
     { tags = { "long" }, req = { "REQ-ALM-001", "REQ-ALM-006" }, hazard = { "HAZ-OCCL" } },
     function(b)
       need(b, "occlusion_alarm")
       faults.running(b, { rate = RATE })
       b:run_for(30 * min)
       local period = 20 * min
       local f = b:inject("occlusion_intermittent", { period = period, duty = 500 })
       local ev = b:wait_alarm("OCCLUSION", { within = period / 2 })
       faults.measure("occlusion_intermittent", "latency", ev.t - f.t_on)
       -- The valve opens at the half period and releases what the line
       -- held; from then on the latched alarm keeps the pump stopped.
       b:run_until(f.t_on + period / 2 + 1 * min)
       local w0 = weighed(b)
       b:run_until(f.t_on + 4 * period)
       faults.measure("occlusion_intermittent", "delivered_while_latched", weighed(b) - w0)
       expect.truthy(b.pump:status().alarm_set.OCCLUSION, "OCCLUSION still latched after open phases")
       -- Acknowledged in an open phase, the pump runs again and the next
       -- closed phase is detected again.
       b:run_until(f.t_on + 4 * period + period / 2 + 1 * min)
       expect.ok(b.pump:ack_alarm("OCCLUSION"), "acknowledge in an open phase")
       b:wait_alarm("OCCLUSION", { within = period })
       f:clear()
     end)

test("intermittent occlusion: closed phases too short to detect deliver the held volume",
     { tags = { "long" }, hazard = { "HAZ-UNDER" } },
     function(b)
       faults.running(b, { rate = RATE })
       b:run_for(30 * min)
       local w0 = weighed(b)
       local f = b:inject("occlusion_intermittent", { period = 4 * min, duty = 500 }, { duration = 6 * h })
       b:run_for(6 * h)
       local expected = RATE * 6 * h
       faults.measure("occlusion_intermittent", "delivery_error", (weighed(b) - w0 - expected) / expected * 100)
       expect.eq(alarms_since(b, f.t_on, "OCCLUSION"), 0, "OCCLUSION alarms")
     end)
