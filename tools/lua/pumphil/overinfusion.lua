---@meta pumphil.overinfusion
-- lua-language-server annotations for `local overinfusion = require "pumphil.overinfusion"`
-- (docs/scripting.md, Over-infusion and the refill visit).  Types only, never
-- run: the module itself is harness/lua/pumphil_overinfusion.lua.

---@class pumphil.overinfusion
local overinfusion = {}

---@class pumphil.WatchOpts
---@field rate number programmed rate, nL/ns
---@field within number how long to watch, ns
---@field window? number trailing window, ns (default 1 h)
---@field step? number check period, ns (default 5 min)
---@field threshold_pct? number default the profile's accuracy_pct
---@field stroke_nl? number default the profile's
---@field onset? number bench time the fault began (default now)

---@class pumphil.WatchResult
---@field detected boolean
---@field t? number bench time of the flag
---@field latency? number t - onset, ns
---@field excess_pct number the excess at the flag, or the largest seen
---@field checks integer

---Watch the balance for delivery more than the threshold above the programmed rate.
---@param b pumphil.Bench
---@param opts pumphil.WatchOpts
---@return pumphil.WatchResult
function overinfusion.watch(b, opts) end

---Run the bench for `over` and return the delivery in % above `rate`.
---@param b pumphil.Bench
---@param rate number nL/ns
---@param over number ns
---@return number percent
function overinfusion.excess(b, rate, over) end

return overinfusion
