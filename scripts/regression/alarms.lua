-- Alarms: every alarm's priority, action (stop / minimum rate / end-of-
-- service rate / continue, checked on the motor line and status.rate_nl_h)
-- and latching with acknowledgement; occlusion physics (latency, pressure,
-- bolus on release, the 20 psi limit); motor-stall retry; stand-alone
-- therapy on link loss; the alarm test; acknowledgement refusals.
--
-- No long tests: each takes at most 5 min of bench time.  NVM_FAULT cannot be
-- raised on this bench (REQ-ALM-009, not testable: see the catalogue).
local setup = require "pumphil.setup"
local class = require "pumphil.class"
-- Skip, with the reason, a test of a feature this device class lacks.
local function need(b, feature)
  local why = class.lacks(b, feature)
  if why then skip(why) end
end

suite { name = "Alarms", tags = { "alarms" } }

local FAST = 1000000 -- nL/h, the profile's maximum: every detector reacts in seconds
local CONC = 0.5 * mg / mL -- morphine at FAST: 12 mg/day, under the soft limit

local function fast(b, extra)
  local o = { conc = CONC, rx = { mode = "continuous", rate = FAST * nL / h } }
  for k, v in pairs(extra or {}) do o[k] = v end
  return setup.ready(b, o)
end

-- The set-point an action leaves, and the strokes over 1 min it implies.
local function check_action(b, action, programmed, what)
  local p = b.profile.pump
  local want = ({ stop = 0, min = p.min_rate_nl_h, eos = p.eos_rate_nl_h })[action] or programmed
  expect.eq(b.pump:status().rate_nl_h, want, what .. ": rate set-point")
  local n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, want / 60 / p.stroke_nl, 1, what .. ": strokes in 1 min")
end

-- The alarm table under test (REQ-ALM-008 and each alarm's requirement):
-- how to raise it, remove its cause, and what it must do.
local table_cases = {
  { label = "OCCLUSION", priority = "HIGH", action = "stop", latched = true, need = "occlusion_alarm",
    raise = function(b) fast(b); b.fixture:pinch(1000) end,
    cure = function(b) b.fixture:pinch(0) end },
  { label = "LOW_RESERVOIR", priority = "MEDIUM", action = "continue", latched = false,
    raise = function(b) fast(b, { volume = b.profile.pump.low_residual_nl + 10 * uL }) end,
    cure = function(b)
      b.fixture:set("RESERVOIR_NL", 20 * mL)
      b.pump:refill { volume = 20 * mL, drug = 1, conc = CONC }
    end },
  { label = "EMPTY_RESERVOIR", priority = "HIGH", action = "stop", latched = false,
    raise = function(b) fast(b, { volume = b.profile.pump.dead_volume_nl + 10 * uL }) end,
    cure = function(b)
      b.fixture:set("RESERVOIR_NL", 20 * mL)
      b.pump:refill { volume = 20 * mL, drug = 1, conc = CONC }
    end },
  { label = "MOTOR_STALL", priority = "HIGH", action = "stop", latched = true,
    raise = function(b) fast(b); expect.ok(b.pump:hook("MOTOR_STALL", 1), "motor stall hook") end,
    cure = function(b) expect.ok(b.pump:hook("MOTOR_STALL", 0), "motor recovery hook") end },
  { label = "BATTERY_ERI", priority = "LOW", action = "continue", latched = false,
    raise = function(b) fast(b); b.fixture:supply(b.profile.pump.eri_mv - 50) end,
    cure = function(b) b.fixture:supply(b.profile.fixture.supply_mv) end },
  { label = "BATTERY_EOS", priority = "HIGH", action = "eos", latched = false,
    raise = function(b) fast(b); b.fixture:supply(b.profile.pump.eos_mv - 50) end,
    cure = function(b) b.fixture:supply(b.profile.fixture.supply_mv) end },
  { label = "LINK_LOSS", priority = "LOW", action = "continue", latched = false,
    raise = function(b) fast(b); b.pump:session(30 * s) end,
    cure = function(b) b.pump:session() end },
  { label = "WATCHDOG", priority = "MEDIUM", action = "continue", latched = true,
    need = "resume_after_reset",
    raise = function(b) fast(b); b.fixture:reset("watchdog") end,
    cure = function() end }, -- the reset is over at once; only the ack clears it
  -- A class with a safe state: the same reset drops to the minimum rate.
  { label = "SAFE_STATE", priority = "HIGH", action = "min", latched = true, need = "safe_state",
    raise = function(b) fast(b); b.fixture:reset("watchdog") end,
    cure = function(b) expect.ok(b.pump:ack_alarm("WATCHDOG"), "WATCHDOG acknowledgement") end },
  -- MAX_DOSE: hydromorphone 4 mg/mL (cap 1.5 mL/24 h) filled by a 1-s
  -- bolus; its cause goes only when the 24 h window rolls on (not here).
  { label = "MAX_DOSE", priority = "MEDIUM", action = "min", latched = false, rate = 40000,
    raise = function(b)
      setup.ready(b, { drug = 2, conc = 4 * mg / mL, rx = { mode = "continuous", rate = 40 * uL / h } })
      local cap = math.floor(b.pump.drugs.hydromorphone.hard_mg_day / 4 * mL + 0.5)
      b.pump:bolus { kind = "clinician", amount = cap, duration = 1 * s }
    end },
}

test("alarm table: priority, action, latching", {
  req = { "REQ-ALM-008", "REQ-ALM-006", "REQ-ALM-001", "REQ-ALM-003", "REQ-ALM-004", "REQ-ALM-005",
          "REQ-RES-003", "REQ-RES-004", "REQ-BOL-006", "REQ-ROB-001" },
  hazard = { "HAZ-ALARM", "HAZ-OVER", "HAZ-UNDER" }, cases = table_cases,
}, function(b, c)
  if c.need then need(b, c.need) end
  local name = c.label
  local programmed = c.rate or FAST
  c.raise(b)
  local ev = b:wait_alarm(name, { within = 5 * min })
  expect.eq(ev.priority, c.priority, name .. " priority")
  b:run_for(1 * s)
  expect.truthy(b.pump:status().alarm_set[name], name .. " in status.alarms")
  check_action(b, c.action, programmed, name .. " action")
  if not c.cure then return end
  local t_cure = b:now()
  c.cure(b)
  b:run_for(15 * s) -- sensors are sampled every 10 s
  local off = setup.since(b, t_cure, { name = "ALARM_OFF", alarm = name })
  if c.latched then
    expect.eq(#off, 0, name .. " (latched): ALARM_OFF events once its cause is gone")
    expect.truthy(b.pump:status().alarm_set[name], name .. " (latched) still in status.alarms")
    if c.action == "stop" then check_action(b, "stop", programmed, name .. " (latched, not acknowledged)") end
    expect.ok(b.pump:ack_alarm(name), name .. " acknowledgement")
    b:wait_event({ name = "ALARM_OFF", alarm = name }, { within = 1 * s })
  else
    expect.eq(#off, 1, name .. " (not latched): ALARM_OFF events once its cause is gone")
  end
  expect.falsy(b.pump:status().alarm_set[name], name .. " in status.alarms after it cleared")
  check_action(b, "continue", programmed, name .. " cleared")
end)

test("occlusion: latency, motor stopped, bolus released", {
  req = { "REQ-ALM-001", "REQ-ALM-002", "REQ-ALM-006" }, hazard = { "HAZ-OCCL", "HAZ-OVER", "HAZ-UNDER" },
}, function(b)
  need(b, "occlusion_alarm")
  local p = b.profile.pump
  local rate = 240000 -- nL/h: a stroke every 3.75 s
  local stroke_s = p.stroke_nl / rate * 3600
  setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = rate * nL / h } })
  b:run_for(30 * s)
  local t0 = b:now()
  b.fixture:pinch(1000)
  b:mark("fault_on", { fault = "pinch", permille = 1000 })
  local ev = b:wait_alarm("OCCLUSION", { within = 10 * min })
  local fx = b.fixture:read()
  -- Pressure must exceed the threshold for the persistence time: the strokes
  -- the closed line's compliance (from the profile) takes to get there, one
  -- more for the sampling, the persistence, and at most a sense period (10 s).
  local kpa_per_stroke = p.stroke_nl / b.profile.fixture.line_compliance_nl_kpa
  local n = math.ceil(p.occlusion_pa / 1000 / kpa_per_stroke) + 1
  measure("occlusion alarm latency", (ev.t - t0) / s,
          { unit = "s", max = n * stroke_s + p.occlusion_persist_us / 1e6 + 10 })
  measure("line pressure at the occlusion alarm", fx.pressure_pa / psi, { unit = "psi", min = p.occlusion_pa / psi })
  local stop = b:wait_event({ name = "STOP" }, { within = 1 * s })
  expect.eq(stop.arg, 1, "STOP event cause (alarm 1, occlusion)")
  local n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.eq(setup.strokes(b) - n0, 0, "strokes after the occlusion alarm")
  expect.refused(b.pump:ack_alarm("OCCLUSION"), "NOT_ACTIVE", "acknowledgement while still occluded")
  -- Release: what the line held reaches the vessel; the pump stays stopped.
  local w0 = b.fixture:delivered_nl()
  b.fixture:pinch(0)
  b:mark("fault_off", { fault = "pinch" })
  b:run_for(30 * s)
  measure("bolus released after the occlusion", (b.fixture:delivered_nl() - w0) / mL,
          { unit = "mL", min = 0, max = 0.5 })
  expect.eq(setup.strokes(b) - n0, 0, "strokes after the release, before acknowledgement")
  expect.ok(b.pump:ack_alarm("OCCLUSION"), "acknowledgement after the release")
  n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, rate / 60 / p.stroke_nl, 1, "strokes in 1 min after the acknowledgement")
end)

test("occlusion alarm for a line held at 20 psi", {
  req = { "REQ-ALM-001" }, hazard = { "HAZ-OCCL", "HAZ-ALARM" },
}, function(b)
  need(b, "occlusion_alarm")
  local p = b.profile.pump
  setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = 20 * uL / h } })
  -- The first whole pascal at or above 20 psi (GIP 1.10.7: limit < 20 psi).
  local pa = math.ceil(20 * psi)
  local t0 = b:now()
  expect.ok(b.pump:hook("PRESSURE_STUCK", pa), "pressure sensor held at 20 psi")
  local ev = b:wait_alarm("OCCLUSION", { within = p.occlusion_persist_us * us + 1 * min })
  measure("alarm latency at 20 psi", (ev.t - t0) / s, { unit = "s", max = p.occlusion_persist_us / 1e6 + 10 })
  expect.ok(b.pump:hook("PRESSURE_STUCK", -1), "pressure sensor released")
end)

test("motor stall: acknowledging retries the motor", {
  req = { "REQ-ALM-003", "REQ-ALM-006", "REQ-TEL-005" }, hazard = { "HAZ-UNDER", "HAZ-ALARM" },
  cases = { { label = "board hook", how = "hook" }, { label = "jammed motor (fixture)", how = "jam" } },
}, function(b, case)
  fast(b)
  local function stall(on)
    if case.how == "hook" then expect.ok(b.pump:hook("MOTOR_STALL", on and 1 or 0), "motor stall hook")
    else b.fixture:set("MOTOR_JAM", on and 1 or 0) end
  end
  stall(true)
  b:wait_alarm("MOTOR_STALL", { within = 1 * min })
  b:run_for(10 * s)
  expect.ok(b.pump:ack_alarm("MOTOR_STALL"), "acknowledgement (retry) while still stalled")
  local again = b:wait_alarm("MOTOR_STALL", { within = 1 * min })
  expect.truthy(again, "stall raised again after the retry")
  stall(false)
  b:run_for(10 * s)
  expect.truthy(b.pump:status().alarm_set.MOTOR_STALL, "stall alarm still active after the motor recovered")
  expect.ok(b.pump:ack_alarm("MOTOR_STALL"), "acknowledgement after recovery")
  local n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, FAST / 60 / b.profile.pump.stroke_nl, 2, "strokes in 1 min after recovery")
  -- The log holds stall, retry, stall again, acknowledgement, clearance.
  local seq = {}
  for _, e in ipairs(b.pump:log()) do
    if (e.name == "ALARM_ON" or e.name == "ALARM_OFF" or e.name == "ALARM_ACK") and e.arg == 4 then
      seq[#seq + 1] = e.name
    end
  end
  expect.eq(table.concat(seq, " "), "ALARM_ON ALARM_ACK ALARM_OFF ALARM_ON ALARM_ACK ALARM_OFF",
            "motor stall entries in the event log")
end)

test("link loss: therapy continues stand-alone with every alarm enabled", {
  req = { "REQ-ALM-005", "REQ-TEL-004" }, hazard = { "HAZ-LINK", "HAZ-ALARM" },
}, function(b)
  need(b, "occlusion_alarm")
  local c = fast(b)
  b.pump:session(30 * s)
  local ev = b:wait_alarm("LINK_LOSS", { within = 2 * min })
  expect.eq(ev.priority, "LOW", "link-loss priority")
  local st = b.pump:status() -- interrogation works without a session
  expect.eq(st.session, 0, "session after the timeout")
  expect.eq(st.rx_crc, c.crc, "prescription during link loss")
  check_action(b, "continue", FAST, "link loss")
  -- Alarms still reach the host without a session.
  b.fixture:pinch(1000)
  local occ = b:wait_alarm("OCCLUSION", { within = 3 * min })
  expect.eq(occ.priority, "HIGH", "occlusion raised during link loss")
  b.fixture:pinch(0)
  b.pump:session()
  b:wait_event({ name = "ALARM_OFF", alarm = "LINK_LOSS" }, { within = 1 * s })
end)

test("alarm test: reported, logged, changes nothing", {
  req = { "REQ-ALM-007" }, hazard = { "HAZ-ALARM" },
}, function(b)
  local c = fast(b, { volume = b.profile.pump.low_residual_nl - 1 * mL }) -- low alarm active
  b.pump:close_session()
  local before = b.pump:status()
  local r = b.pump:call("alarm_test", {}) -- needs no session
  expect.eq(r.result, 0, "alarm_test without a session: result")
  local ev = b:wait_event({ name = "ALARM_TEST" }, { within = 1 * s })
  expect.truthy(ev, "ALARM_TEST event")
  local after = b.pump:status()
  expect.eq(after.alarms, before.alarms, "alarms after the alarm test")
  expect.eq(after.rx_crc, c.crc, "prescription after the alarm test")
  expect.eq(after.rate_nl_h, FAST, "rate after the alarm test")
  local logged = 0
  for _, e in ipairs(b.pump:log()) do if e.name == "ALARM_TEST" then logged = logged + 1 end end
  expect.eq(logged, 1, "ALARM_TEST entries in the event log")
end)

test("acknowledging an inactive or unknown alarm is refused", {
  req = { "REQ-ALM-006" }, hazard = { "HAZ-ALARM" },
}, function(b)
  fast(b)
  expect.refused(b.pump:ack_alarm("OCCLUSION"), "NOT_ACTIVE", "acknowledging an inactive occlusion alarm")
  expect.refused(b.pump:ack_alarm(0), "BAD_PARAM", "acknowledging alarm code 0")
  expect.refused(b.pump:ack_alarm(31), "BAD_PARAM", "acknowledging alarm code 31")
  expect.eq(#setup.since(b, 0, { name = "ALARM_ACK" }), 0, "ALARM_ACK events")
end)
