-- The motor: a stalled driver (board hook) and a jammed mechanism (rig).
-- Both must raise MOTOR_STALL, stop delivery, and stay latched until an
-- acknowledgement retries the motor.
local faults = require "pumphil.faults"

suite { name = "Faults: motor", tags = { "faults", "motor" }, req = { "REQ-ALM-003" },
        hazard = { "HAZ-UNDER", "HAZ-ALARM" } }

local RATE = 1 * mL / day

local function weighed(b) return b.fixture:delivered_nl() end

local function stall(b, name)
  faults.running(b, { rate = RATE })
  b:run_for(30 * min)
  local f = b:inject(name)
  local ev = b:wait_alarm("MOTOR_STALL", { within = 10 * min })
  faults.measure(name, "latency", ev.t - f.t_on)
  expect.eq(ev.priority, "HIGH", "MOTOR_STALL priority")
  expect.eq(b.pump:status().rate_nl_h, 0, "delivery rate while MOTOR_STALL stands")
  local w0 = weighed(b)
  b:run_for(1 * h)
  expect.le(weighed(b) - w0, faults.still_band(b), "balance gain (nL) while stalled")
  -- The acknowledgement retries a motor that is still stalled: alarm again.
  expect.ok(b.pump:ack_alarm("MOTOR_STALL"), "acknowledge: retry the motor")
  b:wait_alarm("MOTOR_STALL", { within = 10 * min })
  -- Repaired, acknowledged: delivery resumes.
  f:clear()
  expect.ok(b.pump:ack_alarm("MOTOR_STALL"), "acknowledge after the repair")
  local w1 = weighed(b)
  b:run_for(1 * h)
  expect.near(weighed(b) - w1, RATE * h, 2 * 250, "delivery (nL/h) after the repair")
end

test("motor stall: MOTOR_STALL, delivery stops, latched until a retry succeeds", { tags = { "long" } },
     function(b) stall(b, "motor_stall") end)

test("motor jam at the rig: the same response", { tags = { "long" } },
     function(b) stall(b, "motor_jam") end)

-- A stall that frees itself: the expected response is the device class's
-- (fixtures/faults.json, classes).  The reference pump keeps the alarm until
-- an acknowledgement retries the motor; a class that probes its motor clears
-- it at the first probe after the jam frees, logs STALL_RECOVER and resumes.
test("intermittent stall that frees itself: the class's response", { tags = { "long" },
     req = { "REQ-ALM-011" } }, function(b)
  local class = require "pumphil.class"
  faults.running(b, { rate = RATE })
  b:run_for(30 * min)
  local f = b:inject("motor_stall_intermittent", nil, { duration = 20 * min })
  local ev = b:wait_alarm("MOTOR_STALL", { within = 10 * min })
  faults.measure("motor_stall_intermittent", "latency", ev.t - f.t_on)
  b:run_until(f.at + f.duration)
  if class.has(b, "stall_recovery") then
    local off = b:wait_event({ name = "ALARM_OFF", alarm = "MOTOR_STALL" },
                             { within = 2 * b.profile.pump.stall_retry_us * us })
    faults.measure("motor_stall_intermittent", "recovery", off.t - f.t_off)
    local rec = b:wait_event({ name = "STALL_RECOVER" }, { within = 1 * s })
    expect.near(rec.arg * s, off.t - ev.t, 2 * s, "STALL_RECOVER carries the stall's duration")
    expect.eq(#b:events({ name = "ALARM_ACK" }), 0, "no acknowledgement was needed")
  else
    b:run_for(30 * min)
    expect.truthy(b.pump:status().alarm_set.MOTOR_STALL, "MOTOR_STALL still latched after the jam freed")
    expect.eq(b.pump:status().rate_nl_h, 0, "delivery rate until acknowledged")
    expect.eq(#b:events({ name = "STALL_RECOVER" }), 0, "STALL_RECOVER events on a class without recovery")
    expect.ok(b.pump:ack_alarm("MOTOR_STALL"), "acknowledge: retry the motor")
    b.pump:close_session()
  end
  local w0 = weighed(b)
  b:run_for(1 * h)
  expect.near(weighed(b) - w0, RATE * h, 2 * 250, "delivery (nL/h) after the stall")
end)
