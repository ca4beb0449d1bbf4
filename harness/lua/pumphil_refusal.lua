-- pumphil_refusal.lua - what a refusal means, in the script's words.
--
-- The board answers a refused request with a reason (REFUSE codes), the field
-- or quantity it is about (FIELD codes) and a detail, usually the limit that
-- was hit (PROTOCOL.md).  text() turns that, with the request that was
-- refused, into one line naming the field as a script writes it:
--   "steps[2] start 25:00 is not a time of day (00:00-23:59)"
-- Steps are numbered from 1 as in pump:program's steps list.

local R = {}

local function hhmm(min) return string.format("%02d:%02d", min // 60, min % 60) end

local function vol(nl)
  if nl >= 1000000 then return string.format("%.6g mL", nl / 1e6) end
  if nl >= 1000 then return string.format("%.6g uL", nl / 1e3) end
  return string.format("%d nL", nl)
end

local function conc(ng_ml)
  if ng_ml >= 1000000 then return string.format("%.6g mg/mL", ng_ml / 1e6) end
  if ng_ml >= 1000 then return string.format("%.6g ug/mL", ng_ml / 1e3) end
  return string.format("%d ng/mL", ng_ml)
end

local function rate(nl_h) return string.format("%.6g mL/day", nl_h * 24 / 1e6) end

local function step(f) return string.format("steps[%d]", (f.index or 0) + 1) end

-- By FIELD name: function(reason, detail, request fields, alarm name) -> text.
local TEXT = {
  RX_MODE = function(_, d, f) return string.format("mode %d is not a mode (0-%d)", f.mode or -1, d) end,
  RX_NSTEPS = function(_, d, f)
    return string.format("steps: %d given; flexible mode takes 1 to %d steps, the others none",
                         f.nsteps or 0, d)
  end,
  RX_RATE = function(_, d, f)
    return string.format("rate %s is above the pump's maximum %s", rate(f.rate_nl_h or 0), rate(d))
  end,
  PB_MAX_PER_DAY = function(reason, d, f)
    if reason == "MAX_PER_DAY" then
      return string.format("patient_bolus.max_per_day: the %d patient boluses of a rolling 24 h are used", d)
    end
    return string.format("patient_bolus.max_per_day %d is above %d", f.pb_max_per_day or 0, d)
  end,
  PB_DOSE = function(_, d, f)
    return string.format("patient_bolus.dose %s is above the largest bolus %s", vol(f.pb_dose_nl or 0), vol(d))
  end,
  PB_DURATION = function(_, d, f)
    return string.format("patient_bolus.duration %d s must be 1 to %d s", f.pb_duration_s or 0, d)
  end,
  PB_LOCKOUT = function(_, d) return string.format("patient_bolus.lockout: %d s of the lockout are left", d) end,
  DRUG = function(_, d) return string.format("drug %d is not in the drug library", d) end,
  CONC = function(reason, d)
    if reason == "CONC_LIMIT" then return "conc is above the drug library's maximum " .. conc(d) end
    return "conc is zero: a prescription that delivers needs the drug's concentration"
  end,
  DAILY_DOSE = function(reason, d)
    return string.format("the prescription's largest daily dose is above the drug's %s limit of %d ug/day",
                         reason == "SOFT_LIMIT" and "soft" or "hard", d)
  end,
  STEP_INDEX = function(_, d, f)
    return string.format("%s is beyond the %d steps announced", step(f), d)
  end,
  STEP_START = function(_, d, f)
    return string.format("%s start %s is not a time of day (00:00-%s)", step(f), hhmm(f.start_min or 0), hhmm(d))
  end,
  STEP_RATE = function(_, d, f)
    return string.format("%s rate %s is above the pump's maximum %s", step(f), rate(f.rate_nl_h or 0), rate(d))
  end,
  STEP_ORDER = function(_, d)
    return string.format("steps[%d] does not start after steps[%d]: steps go in ascending start time", d + 1, d)
  end,
  COMMIT_CRC = function(_, _, f)
    return string.format("commit CRC %08x differs from the staged prescription's", f.crc or 0)
  end,
  BOLUS_KIND = function(reason, _, f)
    if reason == "PB_DISABLED" then
      return "kind patient: the prescription allows no patient bolus (patient_bolus.dose or max_per_day is 0)"
    end
    return string.format("kind %d is not a bolus kind (1-4)", f.kind or 0)
  end,
  BOLUS_AMOUNT = function(reason, d, f)
    local a = vol(f.amount_nl or 0)
    if reason == "DOSE_CAP" then
      return string.format("amount %s would pass the rolling 24 h dose cap of %s", a, vol(d))
    elseif reason == "RESERVOIR" then
      return string.format("amount %s is more than the reservoir holds above its dead volume (%s)", a, vol(d))
    end
    return string.format("amount %s must be 1 nL to %s", a, vol(d))
  end,
  BOLUS_DURATION = function(_, d, f)
    return string.format("duration %d s must be 1 to %d s", f.duration_s or 0, d)
  end,
  BOLUS_CATHETER = function(_, d, f)
    return string.format("catheter_trimmed %d mm is longer than the catheter (%d mm)", f.catheter_mm or 0, d)
  end,
  ALARM = function(reason, d, f, alarm)
    if reason == "BAD_PARAM" then return string.format("alarm %d is not an alarm code", f.alarm or 0) end
    if d == 1 then return string.format("alarm %s: acknowledged, but its cause is still present", alarm) end
    return string.format("alarm %s is not active", alarm)
  end,
  CLOCK = function(_, d, f)
    return string.format("epoch_ms %d is beyond the pump's clock range (%d s)", f.epoch_ms or 0, d)
  end,
  DRUGLIB_DRUG = function() return "drug library entry: id is zero" end,
  DRUGLIB_CONC = function() return "drug library entry: max_conc is zero" end,
  DRUGLIB_HARD = function() return "drug library entry: hard limit is zero" end,
  DRUGLIB_SOFT = function(_, d, f)
    return string.format("drug library entry: soft limit %d ug/day is above the hard limit %d ug/day",
                         f.soft_ug_day or 0, d)
  end,
  DRUGLIB_FULL = function(_, d) return string.format("drug library is full (%d entries)", d) end,
  HOOK = function(_, d) return string.format("hook %d is not a hook code", d) end,
  REFILL_VOLUME = function(_, d, f)
    return string.format("volume %s is above the reservoir's capacity %s", vol(f.volume_nl or 0), vol(d))
  end,
  SESSION = function() return "no telemetry session is open" end,
  PRESCRIPTION = function(_, _, _, _, name)
    if name == "start" then return "no prescription is committed" end
    return "no complete prescription is staged"
  end,
}

-- Reasons that say it all, for FIELD NONE.
local PLAIN = {
  ALARM_STOP = "an active alarm has stopped delivery",
  NOT_RUNNING = "delivery is stopped",
  BOLUS_ACTIVE = "another bolus is being delivered",
  BUSY = "the pump is busy, retry later",
}

-- One line for a refused request: name, its fields, the reply (ack or
-- bolus_result), the code tables.  Returns text, field name.
function R.text(name, fields, reply, codes)
  local reason = codes.REFUSE[reply.result] or tostring(reply.result)
  local field = codes.FIELD[reply.field or 0] or tostring(reply.field)
  local f = fields or {}
  local fn = TEXT[field]
  if fn then
    local alarm = codes.ALARM[f.alarm or 0] or tostring(f.alarm)
    return fn(reason, reply.detail or 0, f, alarm, name), field ~= "NONE" and field or nil
  end
  if PLAIN[reason] then return PLAIN[reason], nil end
  return string.format("%s: field %s, detail %d", name, field, reply.detail or 0), field
end

return R
