-- pumphil_class.lua - device classes: what the bench profile's pump has, so
-- a suite runs on every class and skips, with the reason (C.lacks), a test of a
-- feature the class does not have.  Scripts load it with
-- `local class = require "pumphil.class"`.
--
-- The class is the profile's "class" (reference when absent); its features
-- come from the profile's pump section, the same figures the firmware runs
-- with (fw_class.c), so a profile and its skips cannot disagree:
--   occlusion_alarm   pump.no_occlusion_alarm is 0
--   resume_after_reset pump.reset_safe_state is 0 (the full prescription
--                     resumes after a reset)
--   safe_state        pump.reset_safe_state is 1 (minimum rate and the
--                     SAFE_STATE alarm after a reset)
--   stall_recovery    pump.stall_retry_us > 0 (a stall can clear by itself)
-- See docs/classes.md.

local C = {}

local WHY = {
  occlusion_alarm = "has no pressure-based occlusion alarm (an obstruction shows at refill)",
  resume_after_reset = "does not resume the full prescription after a reset (safe state)",
  safe_state = "resumes the full prescription after a reset (no safe state)",
  stall_recovery = "keeps a motor stall latched until acknowledged (no spontaneous recovery)",
}

local function pump(b)
  return type(b) == "table" and type(b.profile) == "table" and b.profile.pump or {}
end

-- The class name of bench b's profile.
function C.name(b)
  return type(b) == "table" and type(b.profile) == "table" and b.profile.class or "reference"
end

-- True when bench b's pump has the feature (one of the names above).
function C.has(b, feature)
  local p = pump(b)
  if feature == "occlusion_alarm" then return (p.no_occlusion_alarm or 0) == 0 end
  if feature == "resume_after_reset" then return (p.reset_safe_state or 0) == 0 end
  if feature == "safe_state" then return (p.reset_safe_state or 0) == 1 end
  if feature == "stall_recovery" then return (p.stall_retry_us or 0) > 0 end
  error(string.format("class.has: unknown feature '%s'", tostring(feature)), 2)
end

-- Why bench b's pump cannot run a test of the feature ("the peristaltic
-- class has no ..."), or nil when it has it.  A test skips with it:
--   local why = class.lacks(b, "occlusion_alarm"); if why then skip(why) end
function C.lacks(b, feature)
  if C.has(b, feature) then return nil end
  return string.format("the %s class %s", C.name(b), WHY[feature])
end

return C
