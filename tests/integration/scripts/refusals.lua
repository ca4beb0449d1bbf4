-- Every refusal the reference firmware can give, provoked, and its message
-- checked for the field it names (PROTOCOL.md FIELD codes); then the one
-- error contract: device outcomes are values from try_* and pump:call,
-- errors from the plain forms.
suite { name = "refusals", tags = { "api" } }

local seen_reason, seen_field = {}, {}

-- r: an outcome or a raw reply.  Checks the reason and that the message
-- holds `says` (plain text), and notes what was covered.
local function refused(r, reason, says, what)
  expect.truthy(r, what .. ": a reply")
  expect.eq(r.reason, reason, what .. ": reason")
  local msg = r.message or ""
  expect.truthy(msg:find(says, 1, true), string.format("%s: message '%s' says '%s'", what, msg, says))
  seen_reason[reason] = true
  local f = r.field_name or r.field
  if f then seen_field[f] = true end
end

local function call(b, name, fields) return b.pump:call(name, fields) end

local MORPHINE = 10 * mg / mL

test("prescription refusals name the field", function(b)
  b.pump:load_druglib()
  b.pump:session()
  refused(b.pump:try_start(), "NO_STAGED", "no prescription is committed", "start before any program")
  refused(call(b, "rx_begin", { mode = 3 }), "BAD_PARAM", "mode 3 is not a mode", "mode")
  refused(call(b, "rx_step", { index = 0, start_min = 0, rate_nl_h = 1 }), "NO_STAGED",
          "no complete prescription is staged", "a step after a refused begin")
  refused(call(b, "rx_begin", { mode = 2, nsteps = 0 }), "BAD_PARAM", "steps: 0 given", "nsteps")
  refused(call(b, "rx_begin", { mode = 1, rate_nl_h = 2000000 }), "BAD_PARAM",
          "rate 48 mL/day is above the pump's maximum 24 mL/day", "rate")
  refused(call(b, "rx_begin", { mode = 1, pb_max_per_day = 30 }), "BAD_PARAM",
          "patient_bolus.max_per_day 30 is above 24", "max per day")
  refused(call(b, "rx_begin", { mode = 1, pb_dose_nl = 3000000, pb_duration_s = 60 }), "BAD_PARAM",
          "patient_bolus.dose 3 mL is above the largest bolus 2 mL", "pb dose")
  refused(call(b, "rx_begin", { mode = 1, pb_dose_nl = 1000, pb_duration_s = 0 }), "BAD_PARAM",
          "patient_bolus.duration 0 s must be 1 to 86400 s", "pb duration")
  expect.eq(call(b, "rx_begin", { mode = 2, nsteps = 2, drug_id = 1 }).result, 0, "flexible, 2 steps")
  refused(call(b, "rx_step", { index = 5, start_min = 0, rate_nl_h = 1 }), "BAD_PARAM",
          "steps[6] is beyond the 2 steps announced", "step index")
  refused(call(b, "rx_step", { index = 1, start_min = 1500, rate_nl_h = 1 }), "BAD_PARAM",
          "steps[2] start 25:00 is not a time of day (00:00-23:59)", "step start")
  refused(call(b, "rx_step", { index = 0, start_min = 0, rate_nl_h = 5000000 }), "BAD_PARAM",
          "steps[1] rate 120 mL/day is above the pump's maximum 24 mL/day", "step rate")
  expect.eq(call(b, "rx_step", { index = 0, start_min = 0, rate_nl_h = 1000 }).result, 0, "step 1")
  expect.eq(call(b, "rx_step", { index = 1, start_min = 60, rate_nl_h = 1000 }).result, 0, "step 2")
  refused(call(b, "rx_commit", { crc = 1 }), "CRC_MISMATCH", "commit CRC 00000001 differs", "commit crc")

  local flex = { mode = "flexible", drug = 1, conc = MORPHINE,
                 steps = { { start = "10:00", rate = 1 * mL / day }, { start = "05:00", rate = 1 * mL / day } } }
  refused(b.pump:try_program(flex), "BAD_PARAM", "steps[2] does not start after steps[1]", "step order")
  refused(b.pump:try_program { rate = 1 * mL / day, drug = 9, conc = MORPHINE }, "UNKNOWN_DRUG",
          "drug 9 is not in the drug library", "drug")
  refused(b.pump:try_program { rate = 1 * mL / day, drug = 1, conc = 0 }, "BAD_PARAM", "conc is zero", "conc 0")
  refused(b.pump:try_program { rate = 1 * mL / day, drug = 1, conc = 30 * mg / mL }, "CONC_LIMIT",
          "conc is above the drug library's maximum 20 mg/mL", "conc limit")
  refused(b.pump:try_program { rate = 3 * mL / day, drug = 1, conc = MORPHINE }, "HARD_LIMIT",
          "above the drug's hard limit of 20000 ug/day", "hard limit")
  refused(b.pump:try_program { rate = 1.6 * mL / day, drug = 1, conc = MORPHINE }, "SOFT_LIMIT",
          "above the drug's soft limit of 15000 ug/day", "soft limit")
  local ok, err = pcall(b.pump.program, b.pump, flex)
  expect.falsy(ok, "the plain form raises")
  expect.truthy(tostring(err):find("prescription refused BAD_PARAM: steps[2] does not start after steps[1]", 1, true),
                "the failure names the field: " .. tostring(err))
end)

test("bolus refusals name the field", function(b)
  b.pump:load_druglib()
  b.pump:refill { volume = 20 * mL, drug = 1, conc = MORPHINE }
  b.pump:program { rate = 1 * mL / day, drug = 1, conc = MORPHINE }
  b.pump:start()
  refused(b.pump:try_bolus { kind = "patient" }, "PB_DISABLED",
          "kind patient: the prescription allows no patient bolus", "patient bolus disabled")
  refused(call(b, "bolus", { req_id = 0x7001, kind = 9, amount_nl = 1000, duration_s = 60 }), "BAD_PARAM",
          "kind 9 is not a bolus kind", "kind")
  refused(b.pump:try_bolus { amount = 0, duration = 1 * min }, "BAD_PARAM", "amount 0 nL must be 1 nL to 2 mL",
          "amount")
  refused(b.pump:try_bolus { amount = 10 * uL, duration = 0 }, "BAD_PARAM", "duration 0 s must be 1 to 86400 s",
          "duration")
  refused(b.pump:try_bolus { kind = "priming", catheter_trimmed = 5000 * mm, duration = 1 * min }, "BAD_PARAM",
          "catheter_trimmed 5000 mm is longer than the catheter (1100 mm)", "catheter")
  b.pump:program { rate = 1 * mL / day, drug = 1, conc = MORPHINE,
                   patient_bolus = { dose = 10 * uL, duration = 1 * min, lockout = 1 * h, max_per_day = 1 } }
  b.pump:bolus { kind = "patient" }
  refused(b.pump:try_bolus { kind = "patient" }, "BOLUS_ACTIVE", "another bolus is being delivered", "bolus active")
  b:run_for(2 * min)
  refused(b.pump:try_bolus { kind = "patient" }, "LOCKOUT", "patient_bolus.lockout: 3480 s of the lockout are left",
          "lockout")
  b:run_for(1 * h)
  refused(b.pump:try_bolus { kind = "patient" }, "MAX_PER_DAY",
          "patient_bolus.max_per_day: the 1 patient boluses of a rolling 24 h are used", "max per day")
  b.pump:stop()
  refused(b.pump:try_bolus { kind = "patient" }, "NOT_RUNNING", "delivery is stopped", "not running")
  b.pump:start()
  b.pump:hook("MOTOR_STALL", 1)
  b:wait_alarm("MOTOR_STALL", { within = 1 * h })
  refused(b.pump:try_bolus { amount = 10 * uL, duration = 1 * min }, "ALARM_STOP",
          "an active alarm has stopped delivery", "alarm stop")
end)

test("dose cap, reservoir and alarm refusals name the quantity", function(b)
  b.pump:load_druglib()
  local zic = 0.1 * mg / mL
  b.pump:refill { volume = 20 * mL, drug = 3, conc = zic }
  b.pump:program { rate = 0.1 * mL / day, drug = 3, conc = zic }
  b.pump:start()
  refused(b.pump:try_bolus { amount = 0.5 * mL, duration = 10 * min }, "DOSE_CAP",
          "amount 500 uL would pass the rolling 24 h dose cap of 220 uL", "dose cap")
  b.pump:refill { volume = 1 * mL, drug = 1, conc = MORPHINE }
  b.pump:program { rate = 1 * mL / day, drug = 1, conc = MORPHINE }
  refused(b.pump:try_bolus { amount = 0.6 * mL, duration = 10 * min }, "RESERVOIR",
          "amount 600 uL is more than the reservoir holds above its dead volume (500 uL)", "reservoir")
  b:wait_alarm("LOW_RESERVOIR", { within = 1 * min })
  refused(b.pump:ack_alarm("LOW_RESERVOIR"), "NOT_ACTIVE",
          "alarm LOW_RESERVOIR: acknowledged, but its cause is still present", "cause present")
  refused(b.pump:ack_alarm("OCCLUSION"), "NOT_ACTIVE", "alarm OCCLUSION is not active", "not active")
  refused(b.pump:ack_alarm(99), "BAD_PARAM", "alarm 99 is not an alarm code", "alarm code")
  refused(b.pump:try_refill { volume = 30 * mL, drug = 1, conc = MORPHINE }, "BAD_PARAM",
          "volume 30 mL is above the reservoir's capacity 20 mL", "refill volume")
end)

test("library, clock, hook and session refusals name the field", function(b)
  b.pump:session()
  refused(call(b, "druglib_set", { drug_id = 0, max_conc_ng_ml = 1, hard_ug_day = 1 }), "BAD_PARAM",
          "drug library entry: id is zero", "druglib id")
  refused(call(b, "druglib_set", { drug_id = 1, max_conc_ng_ml = 0, hard_ug_day = 1 }), "BAD_PARAM",
          "drug library entry: max_conc is zero", "druglib conc")
  refused(call(b, "druglib_set", { drug_id = 1, max_conc_ng_ml = 1, hard_ug_day = 0 }), "BAD_PARAM",
          "drug library entry: hard limit is zero", "druglib hard")
  refused(call(b, "druglib_set", { drug_id = 1, max_conc_ng_ml = 1, soft_ug_day = 9, hard_ug_day = 5 }), "BAD_PARAM",
          "drug library entry: soft limit 9 ug/day is above the hard limit 5 ug/day", "druglib soft")
  local r
  for id = 100, 140 do
    r = call(b, "druglib_set", { drug_id = id, max_conc_ng_ml = 1, hard_ug_day = 1 })
    if r.result ~= 0 then break end
  end
  refused(r, "BAD_PARAM", "drug library is full (16 entries)", "druglib full")
  refused(call(b, "clock_set", { epoch_ms = 1 << 60 }), "BAD_PARAM", "epoch_ms 1152921504606846976 is beyond",
          "clock")
  refused(b.pump:hook(200, 0), "BAD_PARAM", "hook 200 is not a hook code", "hook")
  b.pump:close_session()
  refused(call(b, "session_close", {}), "NOT_ACTIVE", "no telemetry session is open", "session")
end)

-- Runs last (tests run in file order): every reason the firmware gives and
-- every field code was provoked above.  BUSY is in the protocol for boards
-- with slow operations; the reference firmware never answers it.
test("every refusal reason and field was provoked", function()
  for code, name in pairs(codes.REFUSE) do
    if type(code) == "number" and name ~= "OK" and name ~= "BUSY" then
      expect.truthy(seen_reason[name], "reason " .. name .. " provoked")
    end
  end
  for code, name in pairs(codes.FIELD) do
    if type(code) == "number" and name ~= "NONE" then
      expect.truthy(seen_field[name], "field " .. name .. " provoked")
    end
  end
end)

test("device outcomes are values, errors come from the plain forms", function(b)
  b.pump:load_druglib()
  b.pump:refill { volume = 20 * mL, drug = 1, conc = MORPHINE }
  b.pump:program { rate = 1 * mL / day, drug = 1, conc = MORPHINE }
  b.pump:close_session()
  local r, o = b.pump:call("start", {})
  expect.falsy(r, "no reply table for a NAK")
  expect.eq(o.kind, "nak", "a NAK is an outcome")
  expect.eq(o.reason, "NAK NO_SESSION", "its reason")
  expect.truthy(tostring(o):find("NAK NO_SESSION to pump start", 1, true), "text form: " .. tostring(o))
  expect.truthy(("x " .. o):find("NAK", 1, true), "an outcome concatenates as its text")
  b.fixture:rf_loss(1000)
  local t = b.pump:try_start()
  expect.eq(t.ok, false, "no reply is not ok")
  expect.eq(t.kind, "no_reply", "no reply is an outcome of try_start")
  expect.eq(t.reason, "NO_REPLY", "its reason")
  local ok, err = pcall(b.pump.start, b.pump)
  expect.falsy(ok, "the plain form raises")
  expect.truthy(tostring(err):find("start: no reply from the board to pump", 1, true), "says what: " .. tostring(err))
  b.fixture:rf_loss(0)
  local s = b.pump:try_start()
  expect.eq(s.kind, "accepted", "accepted once the link is back")
  expect.eq(tostring(s), "accepted", "text form of an acceptance")
end)
