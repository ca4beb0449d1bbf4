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
