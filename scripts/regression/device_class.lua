-- Device-class behaviour that only some classes have (docs/classes.md).
-- Each test skips, with the reason, on a class without the feature, so the
-- suite runs on every profile: `pumphil run --profile peristaltic scripts/`.
local setup = require "pumphil.setup"
local class = require "pumphil.class"

suite { name = "Device class", tags = { "class" }, req = { "REQ-ALM-011" },
        hazard = { "HAZ-STATE", "HAZ-OVER" } }

local RATE = 240000 -- nL/h: a stroke every 3.75 s

local function need(b, feature)
  local why = class.lacks(b, feature)
  if why then skip(why) end
end

-- After a reset or a low-battery reset (brown-out), SynchroMed II labelling
-- describes the rate reset to a very low level with a critical alarm.
test("safe state after a reset: the minimum rate and SAFE_STATE until acknowledged", {
  cases = { { label = "watchdog", kind = "watchdog" }, { label = "low-battery reset", kind = "brownout" } },
}, function(b, case)
  need(b, "safe_state")
  local p = b.profile.pump
  local c = setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = RATE * nL / h } })
  b:run_for(2 * min)
  b.fixture:reset(case.kind)
  local ev = b:wait_alarm("SAFE_STATE", { within = 5 * s })
  expect.eq(ev.priority, "HIGH", "SAFE_STATE priority (critical)")
  local st = b.pump:status()
  expect.eq(st.rx_crc, c.crc, "the prescription is kept")
  expect.eq(st.rate_nl_h, p.min_rate_nl_h, "rate in the safe state")
  local n0 = setup.strokes(b)
  b:run_for(1 * h)
  expect.near(setup.strokes(b) - n0, p.min_rate_nl_h / p.stroke_nl, 1, "strokes in 1 h of safe state")
  expect.ok(b.pump:ack_alarm("SAFE_STATE"), "a clinician acknowledges the safe state")
  expect.eq(b.pump:status().rate_nl_h, RATE, "the prescription's rate after the acknowledgement")
end)

test("a pump stopped by command stays stopped after a reset: no safe-state alarm", {}, function(b)
  need(b, "safe_state")
  setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = RATE * nL / h }, start = false })
  b.fixture:reset("watchdog")
  b:wait_event({ name = "BOOT" }, { within = 5 * s })
  b:run_for(10 * s)
  expect.falsy(b.pump:status().alarm_set.SAFE_STATE, "SAFE_STATE on a stopped pump")
end)

test("no occlusion alarm on a class without one: the pump keeps stroking into a closed line", {
  hazard = { "HAZ-OCCL" },
}, function(b)
  if class.has(b, "occlusion_alarm") then
    skip("the " .. class.name(b) .. " class has an occlusion alarm (scripts/faults/occlusion.lua)")
  end
  setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = RATE * nL / h } })
  b.fixture:pinch(1000)
  local n0 = setup.strokes(b)
  b:run_for(10 * min)
  expect.eq(#b:events({ name = "ALARM_ON", alarm = "OCCLUSION" }), 0, "OCCLUSION alarms")
  expect.near(setup.strokes(b) - n0, RATE / 6 / b.profile.pump.stroke_nl, 1, "strokes in 10 min into the closed line")
end)
