---@meta pumphil.faults
-- lua-language-server annotations for `local faults = require "pumphil.faults"`
-- (docs/scripting.md, Faults).  Types only, never run: the module itself is
-- harness/lua/pumphil_faults.lua, compiled into pumphil.

---@class pumphil.faults
local faults = {}

---@class pumphil.MeasureLimit
---@field unit string
---@field min? number
---@field max? number
---@field nominal? number
---@field tol? number

---@class pumphil.RunningOpts
---@field rate? number nL/ns (default 1 * mL / day)
---@field volume? number reservoir volume, nL (default 20 * mL)
---@field conc? number ng/nL (default 1 * mg / mL)
---@field drug? integer drug id (default 1, morphine)
---@field low_residual? number nL
---@field patient_bolus? pumphil.PatientBolus

---The whole catalogue (fixtures/faults.json) as a table.
---@return table
function faults.catalogue() end

---One catalogue entry (params, response.alarm, limits...).
---@param name string fault name, e.g. "occlusion_total"
---@return table
function faults.spec(name) end

---The measure limits of one catalogue limit, resolved against the bench profile.
---@param name string fault name
---@param key string limit name, e.g. "latency"
---@param nominal? number centre of a limit given only as a tolerance, in the limit's unit
---@return pumphil.MeasureLimit
function faults.limit(name, key, nominal) end

---measure a value in base units against the catalogue's limit ("<fault> <key>").
---@param name string fault name
---@param key string limit name
---@param value number in base units (ns, nL, Pa...)
---@param nominal? number base units
---@param resolution? number base units: the test's own granularity
---@return number value in the limit's unit
function faults.measure(name, key, value, nominal, resolution) end

---The injections a b:campaign with the same definition would make, without making them.
---@param def pumphil.CampaignDef
---@return table[]
function faults.plan(def) end

---The usual baseline for a fault: drug library, refill, a continuous
---prescription committed and started, balance tared, session closed.
---@param b pumphil.Bench
---@param opts? pumphil.RunningOpts
---@return pumphil.Outcome commit outcome (with crc)
function faults.running(b, opts) end

---The most the balance reading may change (nL) over `over` when nothing flows.
---@param b pumphil.Bench
---@param over? number ns (default 1 h)
---@return number nL
function faults.still_band(b, over) end

return faults
