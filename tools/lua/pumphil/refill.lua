---@meta pumphil.refill
-- lua-language-server annotations for `local refill = require "pumphil.refill"`
-- (docs/scripting.md, Over-infusion and the refill visit).  Types only, never
-- run: the module itself is harness/lua/pumphil_refill.lua.

---@class pumphil.refill
local refill = {}

---@class pumphil.VisitOpts
---@field volume number injected volume, nL
---@field drug? integer default the last refill's
---@field conc? number ng/nL, default the last refill's
---@field low_residual? number nL
---@field discrepancy_pct? number default the profile's accuracy_pct
---@field fill_tol_pct? number default 2

---@class pumphil.Visit
---@field expected number residual the pump expects, nL
---@field aspirated number nL
---@field discrepancy number aspirated - expected, nL
---@field delivered number what the pump believes it delivered since the last fill, nL
---@field residual_limit number nL
---@field residual_ok boolean
---@field injected number nL
---@field filled number what the reservoir holds after the injection, nL
---@field fill_limit number nL
---@field fill_ok boolean
---@field t number bench time of the visit

---One refill visit: expected against aspirated residual, injection through the septum, fill check.
---@param b pumphil.Bench
---@param opts pumphil.VisitOpts
---@return pumphil.Visit
function refill.visit(b, opts) end

return refill
