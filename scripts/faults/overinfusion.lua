-- Over-infusion: the pump cannot see a stroke that moves too much, so the
-- balance must.  A rig-side stroke gain (and its field causes: drift per
-- refill, a stall of 48 h or more, a dry run, an over-filled reservoir) is
-- flagged by the balance watch (pumphil.overinfusion) when delivery is more
-- than accuracy_pct (14.5 %) above the programmed rate; the excess and the
-- time to detection are measured against the catalogue.
local faults = require "pumphil.faults"
local overinfusion = require "pumphil.overinfusion"
local refill = require "pumphil.refill"
local class = require "pumphil.class"

suite { name = "Faults: over-infusion", tags = { "faults", "overinfusion" }, req = { "REQ-DEL-006" },
        hazard = { "HAZ-OVER" } }

local RATE = 1 * mL / day

-- Watch from the onset, measure the time to the flag, then the excess over 2 h.
-- Bench time is kept short: the suite also runs on virtual-usb at 1000x.
local function flagged(b, name, excess, onset)
  local w = overinfusion.watch(b, { rate = RATE, within = 4 * h, onset = onset })
  expect.truthy(w.detected, name .. ": over-infusion flagged from the balance")
  if not w.detected then return end
  faults.measure(name, "detection", w.latency, nil, overinfusion.STEP)
  if excess then
    faults.measure(name, "excess", overinfusion.excess(b, RATE, 2 * h), excess)
  end
end

test("a 20 % over-infusion is flagged from the balance, with its excess and time to detection",
     { tags = { "long" } }, function(b)
  faults.running(b, { rate = RATE })
  -- The watch runs from the start; the fault begins 2 h later, once the
  -- trailing window holds only nominal delivery.
  local f = b:inject("overinfusion", { excess = 20 }, { at = b:now() + 2 * h })
  flagged(b, "overinfusion", 20, f.at)
  expect.eq(b.pump:status().alarms, 0, "no alarm: the pump cannot sense it")
  expect.eq(b.pump:status().alarms, 0, "still no alarm")
end)

test("nominal strokes and a 10 % excess (under the threshold) are not flagged",
     { tags = { "long" } }, function(b)
  faults.running(b, { rate = RATE })
  local w = overinfusion.watch(b, { rate = RATE, within = 6 * h })
  expect.falsy(w.detected, "nominal delivery flagged as over-infusion")
  -- A few points at most (stroke quantisation; host timing over a real-time link).
  expect.lt(w.excess_pct, 5, "largest excess seen at nominal (%)")
  b:inject("overinfusion", { excess = 10 })
  w = overinfusion.watch(b, { rate = RATE, within = 6 * h })
  expect.falsy(w.detected, "a 10 % excess flagged (threshold 14.5 %)")
  expect.gt(w.excess_pct, 8, "the 10 % excess is seen (%)")
end)

test("stroke drift per refill: flagged in the cycle where it passes the threshold, seen at the refill",
     { tags = { "long" }, req = { "REQ-RES-007" } }, function(b)
  faults.running(b, { rate = RATE })
  b:inject("stroke_drift", { drift = 8 })
  local flagged_cycle
  for cycle = 1, 3 do
    local v = refill.visit(b, { volume = 20 * mL })
    -- Each visit sees the previous cycle: 0, 8 then 16 % over.
    if cycle < 3 then
      expect.truthy(v.residual_ok, string.format("visit %d: residual within the threshold", cycle))
    else
      expect.falsy(v.residual_ok, "visit 3: the 16 % cycle shows as a residual discrepancy")
      expect.lt(v.discrepancy, 0, "visit 3: less left than expected")
      break
    end
    local t_end = b:now() + 12 * h
    local w = overinfusion.watch(b, { rate = RATE, within = 12 * h })
    if w.detected and not flagged_cycle then flagged_cycle = cycle end
    b:run_until(t_end)
  end
  faults.measure("stroke_drift", "flagged_cycle", flagged_cycle or 0)
end)

test("over-infusion after a 49 h motor stall: flagged once the pump restarts", { tags = { "long" } },
     function(b)
  faults.running(b, { rate = RATE })
  b:run_for(30 * min)
  local f = b:inject("overinfusion_after_stall", { excess = 20 }, { duration = 49 * h })
  b:wait_alarm("MOTOR_STALL", { within = 10 * min })
  b:run_until(f.at + f.duration)
  local restart = b:now()
  if class.has(b, "stall_recovery") then
    -- The pump finds the motor free at its next probe and restarts by itself.
    local ev = b:wait_event({ name = "STALL_RECOVER" }, { within = 2 * b.profile.pump.stall_retry_us * us })
    restart = ev.t
  else
    expect.ok(b.pump:ack_alarm("MOTOR_STALL"), "acknowledge the stall once the motor is free")
    b.pump:close_session()
  end
  flagged(b, "overinfusion_after_stall", 20, restart)
end)

test("over-infusion after running dry: the visit sees the dry reservoir, the watch the excess",
     { tags = { "long" }, req = { "REQ-RES-007" } }, function(b)
  faults.running(b, { rate = RATE })
  b.fixture:set("RESERVOIR_NL", 100 * uL) -- far less than the pump believes: dry in 2.4 h
  b:inject("overinfusion_after_dry", { excess = 20 })
  b:run_for(4 * h)
  local v = refill.visit(b, { volume = 20 * mL })
  expect.eq(v.aspirated, 0, "aspirated volume after the dry run (nL)")
  expect.falsy(v.residual_ok, "the dry reservoir shows as a residual discrepancy")
  b.pump:close_session()
  flagged(b, "overinfusion_after_dry", 20, b:now())
end)

test("over-filled reservoir: over-delivery flagged", { tags = { "long" } }, function(b)
  faults.running(b, { rate = RATE })
  local f = b:inject("reservoir_overfill", { overfill = 2 * mL, excess = 20 })
  flagged(b, "reservoir_overfill", nil, f.t_on)
end)
