---@meta pumphil.class
-- lua-language-server annotations for `local class = require "pumphil.class"`
-- (docs/scripting.md, Device classes).  Types only, never run: the module
-- itself is harness/lua/pumphil_class.lua.

---@class pumphil.class
local class = {}

---The device class of the bench's profile ("reference" when it names none).
---@param b pumphil.Bench
---@return string
function class.name(b) end

---True when the profile's pump has the feature.
---@param b pumphil.Bench
---@param feature "occlusion_alarm"|"resume_after_reset"|"safe_state"|"stall_recovery"
---@return boolean
function class.has(b, feature) end

---Why a test of the feature cannot run on this class (for skip), or nil.
---@param b pumphil.Bench
---@param feature "occlusion_alarm"|"resume_after_reset"|"safe_state"|"stall_recovery"
---@return string|nil
function class.lacks(b, feature) end

return class
