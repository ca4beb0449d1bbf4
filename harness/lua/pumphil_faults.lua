-- pumphil_faults.lua - fault injection for the test language.
--
-- The catalogue (fixtures/faults.json) says which faults exist, their
-- parameters (unit, range, default), hazards and expected responses with
-- limits.  This module holds only how each fault is driven (its "driver"),
-- and checks every driver against the catalogue: a driver may touch only the
-- actuators its catalogue entry names under "mechanism".
--
-- pumphil.lua installs b:inject, b:schedule, b:campaign and b:faults on the
-- bench and calls begin/finish around every test.  Scripts use
--   local faults = require "pumphil.faults"
-- for the catalogue and for measurements against its limits.
--
-- Timing: an injection may start at a later bench time and end after a
-- duration.  The scheduler sits between the test language and the C
-- primitives (run_until, next_event, call): time never passes a scheduled
-- action without the action firing at its exact bench time, whichever way
-- the script lets time pass.  Rig-side schedules (valve cycle, supply ramp,
-- RF fades) are exact on any bench; host-scheduled start/stop times are exact
-- on the virtual bench and as exact as the host clock on a real one.

local F = {}

local ph, U, fail, measure, number_problem, Bench -- from pumphil.lua (install)

------------------------------------------------------------------ errors
-- A misuse by the script: an error naming the script line, never a clamp.
local context -- "schedule entry 2: " while b:schedule injects its entries

local function usage(msg)
  error(ph.caller_line() .. ": " .. (context or "") .. msg, 0)
end

-- v, a number as number_problem's o asks (what: "fault 'leak'"), or nil
-- when optional and absent.
local function number(v, what, key, o, optional)
  if v == nil and optional then return nil end
  local bad = number_problem(v, key, o)
  if bad then usage(what .. ": " .. bad) end
  return v
end

local function known_keys(t, known, what)
  for k in pairs(t) do
    if not known[k] then usage(string.format("%s: unknown option '%s'", what, tostring(k))) end
  end
end

local function need_bench(b, what)
  if getmetatable(b) ~= Bench then
    usage(string.format("%s: the first argument must be the test's bench b, got %s", what, type(b)))
  end
end

local function fmtnum(x)
  if math.type(x) == "integer" or x == math.floor(x) and math.abs(x) < 1e15 then
    return string.format("%d", math.floor(x))
  end
  return string.format("%.6g", x)
end

------------------------------------------------------------------ units
local DIMENSIONLESS = { permille = true, ppm = true, count = true, ["%"] = true, degC = true }

-- Base units per catalogue unit: 1 for dimensionless, U[u], or U[a] / U[b].
local function factor(unit)
  if DIMENSIONLESS[unit] then return 1 end
  if type(U[unit]) == "number" then return U[unit] end
  local a, b = tostring(unit):match("^(%w+)/(%w+)$")
  if a and type(U[a]) == "number" and type(U[b]) == "number" then return U[a] / U[b] end
  return nil
end

------------------------------------------------------------------ drivers
-- on(io, p, t) applies the fault (p: parameters in base units, t: timing
-- options); off(io, p) removes it.  check(p) rejects combinations of valid
-- parameters that make no sense (an error naming the script line).
local function set_off(param, value)
  return function(io) io.fx(param, value) end
end

-- A percentage as a permille stroke gain (fx *_GAIN_PM, *_DRIFT_PM).
local function pm_of(pct) return math.floor(pct * 10 + 0.5) end

local function refill_procedure(io, p)
  local r = io.bench.pump.last_refill
  if not r then
    error("the reservoir faults repeat the test's refill: call pump:refill first", 0)
  end
  local function fill()
    io.fx("RESERVOIR_NL", p.volume - p.shortfall)
    io.refill { volume = p.volume, drug = r.drug, conc = r.conc, low_residual = p.residual }
  end
  -- The rig's fill and the pump's refill are two commands; on a board that
  -- runs in real time a stroke can fall between them and the two volumes
  -- disagree by it.  Redo both until no stroke did (on sim none can); when
  -- strokes come faster than the link answers, hold the pump for the fill.
  for _ = 1, 3 do
    local s0 = io.read().motor_strokes
    fill()
    if io.read().motor_strokes == s0 then return end
  end
  io.hold(fill)
end

local function shortfall_check(p)
  if p.shortfall > p.volume then return "shortfall is larger than the volume" end
end

local drivers = {
  occlusion_total = { on = function(io) io.fx("PINCH_PM", 1000) end, off = set_off("PINCH_PM", 0) },
  occlusion_partial = { on = function(io, p) io.fx("PINCH_PM", p.closure) end, off = set_off("PINCH_PM", 0) },
  occlusion_intermittent = {
    on = function(io, p)
      io.fx("PINCH_DUTY_PM", p.duty)
      io.fx("PINCH_PERIOD_S", p.period / U.s)
      io.fx("PINCH_PM", p.closure)
    end,
    off = function(io)
      io.fx("PINCH_PM", 0)
      io.fx("PINCH_PERIOD_S", 0)
      io.fx("PINCH_DUTY_PM", 1000)
    end,
    check = function(p)
      if p.period % U.s ~= 0 then return "period must be whole seconds" end
    end,
  },
  kink_tip = { on = function(io, p) io.fx("KINK_PM", p.closure) end, off = set_off("KINK_PM", 0) },
  leak = { on = function(io, p) io.fx("LEAK_PM", p.share) end, off = set_off("LEAK_PM", 0) },
  disconnection = { on = function(io) io.fx("LEAK_PM", 1000) end, off = set_off("LEAK_PM", 0) },
  reservoir_low = { on = refill_procedure, check = shortfall_check },
  reservoir_empty = {
    on = function(io, p) p.residual = 0; refill_procedure(io, p) end,
    check = shortfall_check,
  },
  motor_stall = {
    on = function(io) io.hook("MOTOR_STALL", 1) end,
    off = function(io) io.hook("MOTOR_STALL", 0) end,
  },
  motor_jam = { on = function(io) io.fx("MOTOR_JAM", 1) end, off = set_off("MOTOR_JAM", 0) },
  motor_stall_intermittent = { on = function(io) io.fx("MOTOR_JAM", 1) end, off = set_off("MOTOR_JAM", 0) },
  battery_sag = {
    on = function(io, p, t)
      io.saved.mv = io.read().supply_mv
      if t.ramp and t.ramp > 0 then
        io.fx("SUPPLY_RAMP_S", t.ramp / U.s)
        io.fx("SUPPLY_RAMP_MV", p.to)
      else
        io.fx("SUPPLY_MV", p.to)
      end
    end,
    off = function(io) io.fx("SUPPLY_MV", io.saved.mv) end,
  },
  brownout = {
    on = function(io, p)
      io.saved.mv = io.read().supply_mv
      io.fx("SUPPLY_MV", p.level)
    end,
    off = function(io) io.fx("SUPPLY_MV", io.saved.mv) end,
  },
  brownout_nvm = { on = function(io, p) io.reset("brownout", p.nth_write) end },
  watchdog_reset = { on = function(io) io.reset("watchdog") end },
  watchdog_hang = { on = function(io) io.hook("WATCHDOG_HANG", 0) end },
  clock_drift = {
    on = function(io, p) io.hook("CLOCK_DRIFT_PPM", p.ppm) end,
    off = function(io) io.hook("CLOCK_DRIFT_PPM", 0) end,
  },
  pressure_stuck = {
    on = function(io, p) io.hook("PRESSURE_STUCK", p.value) end,
    off = function(io) io.hook("PRESSURE_STUCK", -1) end,
  },
  pressure_drift = {
    on = function(io, p) io.hook("PRESSURE_DRIFT", p.rate * U.h) end,
    off = function(io) io.hook("PRESSURE_DRIFT", 0) end,
  },
  telemetry_outage = { on = function(io) io.fx("RF_LOSS_PM", 1000) end, off = set_off("RF_LOSS_PM", 0) },
  telemetry_burst_loss = {
    on = function(io, p)
      io.fx("RF_FADE_MS", p.fade / U.ms)
      io.fx("RF_FADE_PER_H", p.per_hour)
    end,
    off = function(io)
      io.fx("RF_FADE_PER_H", 0)
      io.fx("RF_FADE_MS", 0)
    end,
  },
  telemetry_corruption = { on = function(io, p) io.fx("RF_CORRUPT_PM", p.share) end, off = set_off("RF_CORRUPT_PM", 0) },
  telemetry_uplink_loss = {
    on = function(io, p) io.fx("RF_UPLINK_LOSS_PM", p.share) end,
    off = set_off("RF_UPLINK_LOSS_PM", 0),
  },
  link_loss = {
    on = function(io, p) io.linkfault("pump", p.to_board / 1000, p.from_board / 1000) end,
    off = function(io) io.linkfault("pump", 0, 0) end,
  },
  relay_corruption = {
    on = function(io, p)
      local mask = 1 << math.floor(p.bit)
      io.link("rx_commit", function(f) f.crc = f.crc ~ mask; return f end)
    end,
    off = function(io) io.link("rx_commit", nil) end,
  },
  fever = {
    on = function(io, p)
      io.saved.mc = io.read().temp_mc
      io.fx("TEMP_MC", p.temp * 1000)
    end,
    off = function(io) io.fx("TEMP_MC", io.saved.mc) end,
  },
  -- Over-infusion (fixture_wear.c): % parameters become stroke gains in permille.
  overinfusion = {
    on = function(io, p) io.fx("STROKE_GAIN_PM", pm_of(p.excess)) end,
    off = set_off("STROKE_GAIN_PM", 0),
  },
  stroke_drift = {
    on = function(io, p) io.fx("STROKE_DRIFT_PM", pm_of(p.drift)) end,
    off = function(io)
      io.fx("STROKE_DRIFT_PM", 0)
      io.fx("STROKE_GAIN_PM", 0)
    end,
  },
  -- The stall is the fault's duration; the over-delivery follows its end.
  overinfusion_after_stall = {
    on = function(io, p)
      io.fx("STALL_GAIN_PM", pm_of(p.excess))
      io.fx("MOTOR_JAM", 1)
    end,
    off = function(io) io.fx("MOTOR_JAM", 0) end,
  },
  overinfusion_after_dry = {
    on = function(io, p) io.fx("DRY_GAIN_PM", pm_of(p.excess)) end,
    off = function(io)
      io.fx("DRY_GAIN_PM", 0)
      io.fx("STROKE_GAIN_PM", 0)
    end,
  },
  reservoir_overfill = {
    on = function(io, p)
      local nominal = (io.bench.profile.fixture or {}).reservoir_nl or 20 * U.mL
      io.fx("OVERFILL_GAIN_PM", pm_of(p.excess))
      io.fx("RESERVOIR_NL", nominal + p.overfill)
    end,
    off = set_off("OVERFILL_GAIN_PM", 0),
  },
  pocket_fill = {
    on = function(io, p) io.fx("POCKET_PM", p.share) end,
    off = set_off("POCKET_PM", 0),
  },
}

------------------------------------------------------------------ catalogue
local cat, by_name

------------------------------------------------------------------ catalogue checks
-- The catalogue is input from outside: every entry is checked before the
-- first test (pumphil.lua's check_fixtures) and again when a script reads
-- it, and a bad one is one line naming the file and the entry.

local TOP_KEYS = { description = true, levels = true, faults = true }
local ENTRY_KEYS = { name = true, title = true, level = true, mechanism = true, params = true,
                     timing = true, hazards = true, req = true, conditions = true, response = true,
                     limits = true, classes = true }
-- Device classes whose expected response may differ (entry.classes).
local CLASSES = { reference = true, peristaltic = true, ["valve-metered"] = true }
local PARAM_KEYS = { unit = true, min = true, max = true, default = true, text = true }
local LIMIT_KEYS = { unit = true, min = true, max = true, nominal = true, tol = true, text = true }
local LIMIT_REF_KEYS = { profile = true, unit = true, scale = true }
local RESPONSE_KEYS = { summary = true, alarm = true, priority = true, delivery = true, latched = true,
                        also = true }
local ALSO_KEYS = { alarm = true, priority = true, delivery = true }
local LEVELS = { fixture = true, link = true, board = true }
local DELIVERY = { stops = true, continues = true, min_rate = true, eos_rate = true, not_sensed = true }
local RESET_KINDS = { watchdog = true, brownout = true, power = true, factory = true }
-- What a driver's io may touch, by mechanism kind (io_for).
local MECHANISM = {
  fx = function(x) return ph.codes.FX[x] ~= nil end,
  hook = function(x) return ph.codes.HOOK[x] ~= nil end,
  reset = function(x) return RESET_KINDS[x] end,
  pump = function(x) return x == "refill" or x == "stop" end,
  link = function(x) return ph.has_message(x) end,
  linkfault = function(x) return x == "pump" or x == "fixture" end,
}

local function reject(fmt, ...) error({ catalogue = string.format(fmt, ...) }, 0) end

local function is_list(t)
  if type(t) ~= "table" then return false end
  local n = 0
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 then return false end
    n = n + 1
  end
  return n == #t
end

local function string_list(v, where, key, nonempty)
  if not is_list(v) or (nonempty and #v == 0) then
    reject("%s: %s must be a %slist of strings", where, key, nonempty and "non-empty " or "")
  end
  for i, x in ipairs(v) do
    if type(x) ~= "string" or x == "" then reject("%s: %s[%d] must be a non-empty string", where, key, i) end
  end
end

local function object(v, where, key)
  if type(v) ~= "table" or (next(v) ~= nil and is_list(v)) then
    reject("%s: %s must be an object", where, key)
  end
end

local function keys_of(t, known, where, what)
  for k in pairs(t) do
    if not known[k] then reject("%s: unknown key '%s'%s", where, tostring(k), what and (" in " .. what) or "") end
  end
end

local function finite_number(v, where, key)
  local bad = number_problem(v, key)
  if bad then reject("%s: %s", where, bad) end
end

-- The number a profile path names ("pump.occlusion_pa") in profile, or nil.
local function profile_number(profile, path)
  local v = profile
  for part in path:gmatch("[^.]+") do
    if type(v) ~= "table" and type(v) ~= "userdata" then return nil end
    v = v[part]
  end
  return type(v) == "number" and v or nil
end

local function check_limit(l, where, key, profile)
  object(l, where, "limit '" .. key .. "'")
  local lw = string.format("%s: limit '%s'", where, key)
  keys_of(l, LIMIT_KEYS, lw)
  if type(l.unit) ~= "string" or not factor(l.unit) then reject("%s: unknown unit %s", lw, tostring(l.unit)) end
  if l.min == nil and l.max == nil and l.tol == nil then reject("%s has no min, max or tol", lw) end
  if l.nominal ~= nil and l.tol == nil then reject("%s: nominal needs a tol", lw) end
  if l.tol ~= nil then
    finite_number(l.tol, lw, "tol")
    if l.tol < 0 then reject("%s: tol must be >= 0", lw) end
  end
  local values = {}
  for _, k in ipairs({ "min", "max", "nominal" }) do
    local v = l[k]
    if type(v) == "table" then
      keys_of(v, LIMIT_REF_KEYS, lw, k)
      if type(v.profile) ~= "string" then reject("%s: %s.profile must be a profile key such as 'pump.occlusion_pa'", lw, k) end
      if type(v.unit) ~= "string" or not factor(v.unit) then reject("%s: %s has unknown unit %s", lw, k, tostring(v.unit)) end
      if v.scale ~= nil then finite_number(v.scale, lw, k .. ".scale") end
      local x = profile and profile_number(profile, v.profile)
      if profile and not x then
        reject("%s: %s: the bench profile has no number at '%s'", lw, k, v.profile)
      end
      values[k] = x and x * factor(v.unit) / factor(l.unit) * (v.scale or 1)
    elseif v ~= nil then
      finite_number(v, lw, k)
      values[k] = v
    end
  end
  if values.min and values.max and values.min > values.max then
    reject("%s: min %s is above max %s", lw, fmtnum(values.min), fmtnum(values.max))
  end
end

local function check_response(r, where)
  object(r, where, "response")
  keys_of(r, RESPONSE_KEYS, where, "response")
  local list = { r }
  if r.also ~= nil then
    if not is_list(r.also) then reject("%s: response.also must be a list", where) end
    for i, a in ipairs(r.also) do
      object(a, where, string.format("response.also[%d]", i))
      keys_of(a, ALSO_KEYS, where, "response.also")
      list[#list + 1] = a
    end
  end
  for _, a in ipairs(list) do
    if a.alarm ~= nil and (type(a.alarm) ~= "string" or ph.codes.ALARM[a.alarm] == nil) then
      reject("%s: response alarm '%s' is not an ALARM code", where, tostring(a.alarm))
    end
    if a.priority ~= nil and (type(a.priority) ~= "string" or ph.codes.PRIO[a.priority] == nil) then
      reject("%s: response priority '%s' is not a PRIO code", where, tostring(a.priority))
    end
    if not DELIVERY[a.delivery] then
      reject("%s: response delivery '%s' is not one of continues, eos_rate, min_rate, not_sensed, stops",
             where, tostring(a.delivery))
    end
  end
  if r.latched ~= nil and type(r.latched) ~= "boolean" then reject("%s: response.latched must be a boolean", where) end
  if r.summary ~= nil and type(r.summary) ~= "string" then reject("%s: response.summary must be a string", where) end
end

local function check_entry(f, i, path, levels, profile)
  if type(f) ~= "table" then reject("%s: faults[%d] must be an object", path, i) end
  if type(f.name) ~= "string" or f.name == "" then reject("%s: faults[%d]: name must be a non-empty string", path, i) end
  local where = string.format("%s: fault '%s'", path, f.name)
  keys_of(f, ENTRY_KEYS, where)
  if not drivers[f.name] then reject("%s has no driver in pumphil_faults.lua", where) end
  if not LEVELS[f.level] or not levels[f.level] then
    reject("%s: level '%s' is not one of board, fixture, link", where, tostring(f.level))
  end
  if type(f.title) ~= "string" then reject("%s: title must be a string", where) end
  if f.conditions ~= nil and type(f.conditions) ~= "string" then reject("%s: conditions must be a string", where) end
  object(f.mechanism or {}, where, "mechanism")
  for kind, list in pairs(f.mechanism or {}) do
    if not MECHANISM[kind] then reject("%s: unknown mechanism kind '%s'", where, tostring(kind)) end
    string_list(list, where, "mechanism " .. kind, true)
    for _, x in ipairs(list) do
      if not MECHANISM[kind](x) then reject("%s: mechanism %s '%s' is unknown", where, kind, x) end
    end
  end
  object(f.params or {}, where, "params")
  for k, p in pairs(f.params or {}) do
    local pw = string.format("%s: parameter '%s'", where, tostring(k))
    object(p, where, "parameter '" .. tostring(k) .. "'")
    keys_of(p, PARAM_KEYS, pw)
    if type(p.unit) ~= "string" or not factor(p.unit) then reject("%s has unknown unit %s", pw, tostring(p.unit)) end
    finite_number(p.min, pw, "min")
    finite_number(p.max, pw, "max")
    finite_number(p.default, pw, "default")
    if not (p.min <= p.default and p.default <= p.max) then
      reject("%s: default %s outside its range %s..%s", pw, fmtnum(p.default), fmtnum(p.min), fmtnum(p.max))
    end
  end
  local timing = f.timing or {}
  object(timing, where, "timing")
  keys_of(timing, { duration = true, ramp = true }, where, "timing")
  if timing.duration ~= nil and timing.duration ~= true and timing.duration ~= "required" then
    reject("%s: timing.duration must be true or \"required\"", where)
  end
  if timing.ramp ~= nil and timing.ramp ~= true then reject("%s: timing.ramp must be true", where) end
  string_list(f.hazards, where, "hazards", true)
  for _, h in ipairs(f.hazards) do
    if not h:match("^HAZ%-[A-Z]+$") then reject("%s: hazard '%s' is not a hazard id (HAZ-...)", where, h) end
  end
  if f.req ~= nil then string_list(f.req, where, "req") end
  check_response(f.response, where)
  if f.classes ~= nil then
    object(f.classes, where, "classes")
    for k, r in pairs(f.classes) do
      if not CLASSES[k] then reject("%s: classes: unknown class '%s'", where, tostring(k)) end
      check_response(r, where .. " (class " .. k .. ")")
    end
  end
  object(f.limits or {}, where, "limits")
  for k, l in pairs(f.limits or {}) do check_limit(l, where, tostring(k), profile) end
end

-- Why the catalogue c (read from path) is unusable, or nil.  profile (the
-- bench profile as a table) lets the limits' profile keys be checked.
function F.check_catalogue(c, path, profile)
  local ok, e = pcall(function()
    if type(c) ~= "table" or is_list(c) then reject("%s: the catalogue is a JSON object", path) end
    keys_of(c, TOP_KEYS, path)
    object(c.levels, path, "key 'levels'")
    if not is_list(c.faults) or #c.faults == 0 then reject("%s: key 'faults': must be a non-empty list", path) end
    local seen = {}
    for i = 1, #c.faults do
      local f = c.faults[i]
      check_entry(f, i, path, c.levels, profile)
      if seen[f.name] then
        reject("%s: fault '%s' is listed twice (faults[%d] and faults[%d])", path, f.name, seen[f.name], i)
      end
      seen[f.name] = i
    end
    local missing = {}
    for name in pairs(drivers) do
      if not seen[name] then missing[#missing + 1] = name end
    end
    table.sort(missing)
    if #missing > 0 then
      reject("%s: pumphil_faults.lua drives '%s', which the catalogue does not list", path, missing[1])
    end
  end)
  if ok then return nil end
  if type(e) == "table" and e.catalogue then return e.catalogue end
  error(e, 0)
end

-- The catalogue as a table (read once per script).
function F.catalogue()
  if cat then return cat end
  local path = ph.fixture_path("faults")
  local c = ph.fixture_data("faults")
  local bad = F.check_catalogue(c, path, nil)
  if bad then usage(bad) end
  local names = {}
  for _, f in ipairs(c.faults) do names[f.name] = f end
  cat, by_name = c, names
  return c
end

local function names_list()
  local out = {}
  for _, f in ipairs(F.catalogue().faults) do out[#out + 1] = f.name end
  return table.concat(out, ", ")
end

-- One catalogue entry; an unknown name is an error naming the script line.
function F.spec(name)
  F.catalogue()
  local f = by_name[name]
  if not f then
    usage(string.format("unknown fault '%s' (the catalogue, %s, has: %s)", tostring(name),
                        ph.fixture_path("faults"), names_list()))
  end
  return f
end

------------------------------------------------------------------ parameters
local function sorted_keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out)
  return out
end

-- Parameters in base units, defaults filled in; out of range is an error.
local function resolve_params(spec, params)
  local defs = spec.params or {}
  if params ~= nil and type(params) ~= "table" then
    usage(string.format("fault '%s': parameters must be a table", spec.name))
  end
  for k, v in pairs(params or {}) do
    local d = defs[k]
    if not d then
      local known = sorted_keys(defs)
      usage(string.format("fault '%s' has no parameter '%s' (%s)", spec.name, tostring(k),
                          #known > 0 and "it has: " .. table.concat(known, ", ") or "it takes none"))
    end
    number(v, string.format("fault '%s'", spec.name), string.format("parameter '%s'", k))
    local x = v / factor(d.unit)
    if x < d.min or x > d.max then
      usage(string.format("fault '%s': %s = %s %s is outside its range %s..%s %s", spec.name, k,
                          fmtnum(x), d.unit, fmtnum(d.min), fmtnum(d.max), d.unit))
    end
  end
  local p = {}
  for k, d in pairs(defs) do
    p[k] = params and params[k] or d.default * factor(d.unit)
  end
  local bad = drivers[spec.name].check and drivers[spec.name].check(p)
  if bad then usage(string.format("fault '%s': %s", spec.name, bad)) end
  return p
end

-- The same parameters in the catalogue's units, for the trace.
local function display_params(spec, p)
  local out = {}
  for k, d in pairs(spec.params or {}) do out[k] = p[k] / factor(d.unit) end
  return out
end

------------------------------------------------------------------ limits
local function profile_value(path)
  local v = ph.profile()
  for part in path:gmatch("[^.]+") do
    if type(v) ~= "table" and type(v) ~= "userdata" then v = nil; break end
    v = v[part]
  end
  if type(v) ~= "number" then usage("the bench profile has no number at '" .. path .. "'") end
  return v
end

-- A limit value in the limit's unit: a number, or {profile=, unit=, scale=}.
local function limit_value(v, unit)
  if type(v) ~= "table" then return v end
  return profile_value(v.profile) * factor(v.unit) / factor(unit) * (v.scale or 1)
end

-- The measure() spec of one catalogue limit, resolved against the profile.
-- nominal (base units) completes a tol-only limit whose centre depends on
-- the test's own parameters.
function F.limit(name, key, nominal)
  number(nominal, "faults.limit", "nominal", nil, true)
  local spec = F.spec(name)
  local l = spec.limits and spec.limits[key]
  if not l then usage(string.format("fault '%s' has no limit '%s'", name, tostring(key))) end
  local f = factor(l.unit)
  local m = { unit = l.unit, min = limit_value(l.min, l.unit), max = limit_value(l.max, l.unit) }
  if l.tol then
    local c = l.nominal and limit_value(l.nominal, l.unit) or (nominal and nominal / f)
    if not c then usage(string.format("limit '%s' of fault '%s' needs the nominal value", key, name)) end
    m.nominal, m.tol = c, l.tol
  end
  return m
end

-- Record a measurement against the catalogue's limit: value in base units.
-- Returns the value in the limit's unit.
local TIME_UNITS = { us = true, ms = true, s = true, min = true, h = true, d = true }

function F.measure(name, key, value, nominal, resolution)
  number(value, "faults.measure", "value")
  number(nominal, "faults.measure", "nominal", nil, true)
  number(resolution, "faults.measure", "resolution", { min = 0 }, true)
  local m = F.limit(name, key, nominal)
  local v = value / factor(m.unit)
  -- A time the host measures is no finer than the link's round trip: over
  -- USB, and above all on a board whose clock runs faster than real time.
  -- An interval between two host stamps (a command sent, an answer arrived)
  -- is off by up to a round trip at each end: two round trips in all.
  local res = TIME_UNITS[m.unit] and 2 * ph.stats().rtt_max_ns or 0
  res = res + (resolution or 0)
  if res > 0 then m.resolution = res / factor(m.unit) end
  measure(name .. " " .. key, v, m)
  return v
end

------------------------------------------------------------------ per-test state
local S = { actions = {}, handles = {}, filters = {}, firing = false }

local function json(v)
  local t = type(v)
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    return math.type(v) == "integer" and tostring(v) or string.format("%.17g", v)
  elseif t == "string" then
    return (string.format("%q", v):gsub("\\\n", "\\n"))
  elseif t == "boolean" then
    return tostring(v)
  elseif t == "table" then
    local parts = {}
    for _, k in ipairs(sorted_keys(v)) do parts[#parts + 1] = json(tostring(k)) .. ":" .. json(v[k]) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return "null"
end

local function record(ev, h, extra)
  local o = { ev = ev, fault = h.name, id = h.id }
  if ev == "fault_on" then o.params = display_params(h.spec, h.params) end
  for k, v in pairs(extra or {}) do o[k] = v end
  ph.record(json(o))
end

-- The actuators an injection holds, for conflict checks.
local function resources(spec)
  local out = {}
  for kind, list in pairs(spec.mechanism or {}) do
    for _, what in ipairs(list) do out[#out + 1] = kind .. " " .. what end
  end
  return out
end

local function io_for(h)
  local b, allowed = S.bench, h.spec.mechanism or {}
  local function check(kind, what)
    for _, x in ipairs(allowed[kind] or {}) do if x == what then return end end
    error(string.format("fault '%s' touches %s %s, which its catalogue entry does not name",
                        h.name, kind, tostring(what)), 0)
  end
  return {
    bench = b, saved = h.saved,
    fx = function(param, v) check("fx", param); b.fixture:set(param, math.floor(v + 0.5)) end,
    hook = function(name, arg)
      check("hook", name)
      local o = b.pump:hook(name, math.floor(arg + 0.5))
      if not o.ok then fail(string.format("fault '%s': hook %s refused: %s", h.name, name, o.reason)) end
    end,
    reset = function(kind, nth) check("reset", kind); b.fixture:reset(kind, nth) end,
    refill = function(r)
      check("pump", "refill")
      local was_open = b.pump.open
      b.pump:refill(r)
      if not was_open then b.pump:close_session() end -- the programmer leaves again
    end,
    link = function(msg, fn) check("link", msg); S.filters[msg] = fn end,
    linkfault = function(channel, to_board, from_board)
      check("linkfault", channel)
      b:link_fault { channel = channel, dir = "to_board", drop = to_board }
      b:link_fault { channel = channel, dir = "from_board", drop = from_board }
    end,
    -- fn() with the pump's delivery stopped, restarted after if it ran.
    hold = function(fn)
      check("pump", "stop")
      local was_open, running = b.pump.open, b.pump:status().running == 1
      b.pump:stop()
      fn()
      if running then b.pump:start() end
      if not was_open then b.pump:close_session() end
    end,
    read = function() return b.fixture:read() end,
  }
end

------------------------------------------------------------------ scheduler
local raw = {}

local function add_action(t, fn, h)
  local a = { t = t, fn = fn, h = h, seq = #S.actions + 1 + (S.nseq or 0) }
  S.nseq = (S.nseq or 0) + 1
  S.actions[#S.actions + 1] = a
  table.sort(S.actions, function(x, y) if x.t ~= y.t then return x.t < y.t end return x.seq < y.seq end)
  return a
end

local function cancel_actions(h)
  for i = #S.actions, 1, -1 do
    if S.actions[i].h == h then table.remove(S.actions, i) end
  end
end

-- Fire every action due at or before t (the clock is at t).
local function fire_due(t)
  if S.firing then return end
  S.firing = true
  local ok, err = pcall(function()
    while S.actions[1] and S.actions[1].t <= t do
      local a = table.remove(S.actions, 1)
      a.fn()
    end
  end)
  S.firing = false
  if not ok then error(err, 0) end
end

local function wrap_primitives()
  raw.run_until, raw.next_event, raw.call = ph.run_until, ph.next_event, ph.call
  -- Run to the next action's time and fire it; false when the clock could
  -- not get there (the C side raises on a bench limit or a lost board, so
  -- this only guards against looping), with the link's message and code
  -- when the link failed: the wrappers return nil, message, code then.
  local function reach(t)
    if ph.now() < t then
      local r, err, code = raw.run_until(t)
      if r == nil and err ~= nil then return false, err, code end
    end
    if ph.now() < t then return false end
    fire_due(ph.now())
    return true
  end
  ph.run_until = function(t)
    fire_due(ph.now())
    while not S.firing and S.actions[1] and S.actions[1].t <= t do
      local ok, err, code = reach(S.actions[1].t)
      if err ~= nil then return nil, err, code end
      if not ok then break end
    end
    return raw.run_until(t)
  end
  ph.next_event = function(deadline)
    fire_due(ph.now())
    while not S.firing and S.actions[1] and S.actions[1].t < deadline do
      local ev, err, code = raw.next_event(S.actions[1].t)
      if ev or err ~= nil then return ev, err, code end
      local ok
      ok, err, code = reach(S.actions[1].t)
      if err ~= nil then return nil, err, code end
      if not ok then break end
    end
    return raw.next_event(deadline)
  end
  ph.call = function(channel, name, fields)
    fire_due(ph.now())
    local filter = channel == "pump" and S.filters[name]
    if filter then
      local copy = {}
      for k, v in pairs(fields or {}) do copy[k] = v end
      fields = filter(copy)
    end
    return raw.call(channel, name, fields)
  end
end

------------------------------------------------------------------ handles
local Handle = {}
Handle.__index = Handle

local function switch_on(h)
  h.state, h.t_on = "on", ph.now()
  record("fault_on", h)
  drivers[h.name].on(io_for(h), h.params, h.timing)
  if not drivers[h.name].off then
    h.state, h.t_off = "done", ph.now()
    record("fault_off", h, { instant = true })
  end
end

local function switch_off(h, why)
  if h.state ~= "on" then return end
  h.state, h.t_off = "off", ph.now()
  drivers[h.name].off(io_for(h), h.params)
  record("fault_off", h, { by = why })
end

-- Remove the fault now (or cancel it if it has not started).  Idempotent.
function Handle:clear()
  cancel_actions(self)
  if self.state == "pending" then
    self.state = "cancelled"
  else
    switch_off(self, "clear")
  end
  return self
end

function Handle:active() return self.state == "on" end

local TIMING_KEYS = { at = true, duration = true, ramp = true }

local function check_timing(spec, t)
  if t ~= nil and type(t) ~= "table" then usage("inject: timing must be a table { at =, duration =, ramp = }") end
  t = t or {}
  for k in pairs(t) do
    if not TIMING_KEYS[k] then usage(string.format("inject: unknown timing option '%s'", tostring(k))) end
  end
  local allowed = spec.timing or {}
  local now = ph.now()
  local out = { at = t.at or now, duration = t.duration, ramp = t.ramp }
  local what = string.format("fault '%s'", spec.name)
  if type(out.at) ~= "number" then
    usage(string.format("fault '%s': at must be a bench time (ns), got %s", spec.name, tostring(t.at)))
  end
  number(out.at, what, "at")
  number(out.duration, what, "duration", nil, true)
  number(out.ramp, what, "ramp", nil, true)
  if out.at < now then
    usage(string.format("fault '%s': at = %s is in the past (the bench is at %s)", spec.name,
                        U.fmt_time(out.at), U.fmt_time(now)))
  end
  out.at = math.floor(out.at + 0.5)
  if out.duration ~= nil then
    if not allowed.duration then usage(string.format("fault '%s' is instantaneous: it takes no duration", spec.name)) end
    if type(out.duration) ~= "number" or out.duration <= 0 then
      usage(string.format("fault '%s': duration must be > 0 ns", spec.name))
    end
    out.duration = math.floor(out.duration + 0.5)
  elseif allowed.duration == "required" then
    usage(string.format("fault '%s' needs a duration", spec.name))
  end
  if out.ramp ~= nil then
    if not allowed.ramp then usage(string.format("fault '%s' cannot ramp", spec.name)) end
    if type(out.ramp) ~= "number" or out.ramp < 0 or out.ramp % U.s ~= 0 then
      usage(string.format("fault '%s': ramp must be whole seconds >= 0", spec.name))
    end
  end
  return out
end

local function span(h)
  local e = h.timing.duration and h.timing.at + h.timing.duration or math.huge
  if not drivers[h.name].off then e = h.timing.at end
  return h.timing.at, e
end

local function check_conflicts(h)
  local a0, a1 = span(h)
  for _, o in ipairs(S.handles) do
    if o.state == "pending" or o.state == "on" then
      local b0, b1 = span(o)
      if a0 <= b1 and b0 <= a1 then
        for _, r in ipairs(resources(h.spec)) do
          for _, q in ipairs(resources(o.spec)) do
            if r == q then
              usage(string.format("fault '%s' at %s would drive %s while fault '%s' (from %s) does",
                                  h.name, U.fmt_time(a0), r, o.name, U.fmt_time(b0)))
            end
          end
        end
      end
    end
  end
end

local function inject(b, name, params, timing)
  if b ~= S.bench then usage("inject: the bench of another test") end
  local spec = F.spec(name)
  local h = setmetatable({ name = name, spec = spec, params = resolve_params(spec, params),
                           timing = check_timing(spec, timing), state = "pending", saved = {},
                           id = #S.handles + 1 }, Handle)
  h.at, h.duration = h.timing.at, h.timing.duration
  check_conflicts(h)
  S.handles[#S.handles + 1] = h
  add_action(h.at, function() switch_on(h) end, h)
  if h.duration and drivers[name].off then
    add_action(h.at + h.duration, function() switch_off(h, "duration") end, h)
  end
  fire_due(ph.now())
  return h
end

------------------------------------------------------------------ campaigns
local function finite_pos(x) return type(x) == "number" and x > 0 and x < math.huge end

-- splitmix64 over Lua's wrapping integers: a stream of its own, so a
-- campaign does not shift math.random and vice versa.
local function rng(seed)
  local s = seed
  return function()
    s = s + 0x9e3779b97f4a7c15
    local z = s
    z = (z ~ (z >> 30)) * 0xbf58476d1ce4e5b9
    z = (z ~ (z >> 27)) * 0x94d049bb133111eb
    return z ~ (z >> 31)
  end
end

local function uniform(r) return ((r() >> 11) + 0.5) / 9007199254740992.0 end

local function pick_params(spec, r, mode)
  if mode ~= "random" then return nil end
  local p = {}
  for _, k in ipairs(sorted_keys(spec.params or {})) do
    local d = spec.params[k]
    local x = d.min + (d.max - d.min) * uniform(r)
    if math.type(d.min) == "integer" and math.type(d.max) == "integer" then x = math.floor(x + 0.5) end
    p[k] = x * factor(d.unit)
  end
  return p
end

local function campaign_plan(def)
  local r = rng(def.seed and math.tointeger(def.seed) or (ph.seed() ~ 0x63616d7061696e))
  local list = def.faults
  local now = ph.now()
  local from, to = def.from or now, def.to
  local dmin, dmax = def.duration, def.duration
  if type(def.duration) == "table" then dmin, dmax = def.duration[1], def.duration[2] end
  local gap = def.gap or 0
  local plan, busy = {}, 0
  for i = 1, def.n do
    local item = list[1 + math.floor(uniform(r) * #list)]
    local name = type(item) == "table" and item.name or item
    local spec = F.spec(name)
    local d
    if spec.timing and spec.timing.duration and drivers[name].off then
      d = math.floor(dmin + (dmax - dmin) * uniform(r) + 0.5)
    end
    local params = type(item) == "table" and item.params or pick_params(spec, r, def.params)
    plan[i] = { name = name, params = params, duration = d }
    busy = busy + (d or 0) + gap
  end
  local free = to - from - busy
  if free < 0 then
    usage(string.format("campaign: %d faults with their durations and gaps need %s, the window is %s",
                        def.n, U.fmt_time(busy), U.fmt_time(to - from)))
  end
  local offsets = {}
  for i = 1, def.n do offsets[i] = math.floor(free * uniform(r)) end
  table.sort(offsets)
  local used = 0
  for i, p in ipairs(plan) do
    p.at = from + offsets[i] + used
    used = used + (p.duration or 0) + gap
  end
  return plan
end

local CAMPAIGN_KEYS = { faults = true, n = true, to = true, from = true, duration = true, gap = true,
                        seed = true, params = true }
local MAX_CAMPAIGN = 10000 -- injections in one campaign

local function check_campaign(def)
  if type(def) ~= "table" or type(def.faults) ~= "table" or #def.faults == 0 then
    usage("campaign{ faults = { names... }, n = count, to = end time, duration = d, ... }")
  end
  known_keys(def, CAMPAIGN_KEYS, "campaign")
  if math.type(def.n) ~= "integer" or def.n < 1 or def.n > MAX_CAMPAIGN then
    usage(string.format("campaign: n must be an integer 1 to %d", MAX_CAMPAIGN))
  end
  if def.to == nil then usage("campaign: to (end of the window, bench ns) is required") end
  number(def.to, "campaign", "to", { unit = "ns" })
  number(def.from, "campaign", "from", { unit = "ns" }, true)
  if def.duration == nil then usage("campaign: duration = d or { min, max } is required") end
  local d = def.duration
  local pair = type(d) == "table" and #d == 2
  if not (pair and finite_pos(d[1]) and finite_pos(d[2]) and d[1] <= d[2]) and not finite_pos(d) then
    usage("campaign: duration must be a number of ns > 0 or { min, max } with 0 < min <= max")
  end
  number(def.gap, "campaign", "gap", { unit = "ns", min = 0 }, true)
  number(def.seed, "campaign", "seed", { integer = true }, true)
  if def.params ~= nil and def.params ~= "default" and def.params ~= "random" then
    usage("campaign: params is \"default\" or \"random\"")
  end
  for i, item in ipairs(def.faults) do
    if type(item) == "table" and type(item.name) ~= "string" then
      usage(string.format("campaign: faults[%d] must be a name or { name =, params = }", i))
    end
  end
end

-- The injections a campaign would make (name, params, at, duration), without
-- making them: the same definition and seed give the same plan.
function F.plan(def)
  check_campaign(def)
  return campaign_plan(def)
end

local function campaign(b, def)
  check_campaign(def)
  local handles = {}
  for i, p in ipairs(campaign_plan(def)) do
    handles[i] = inject(b, p.name, p.params, { at = p.at, duration = p.duration })
  end
  return handles
end

------------------------------------------------------------------ set-up
-- A pump delivering a continuous prescription, the baseline a fault is
-- injected into: the drug library, a refill of o.volume (the rig's reservoir
-- receives the same), the prescription committed at o.rate (default 1 mL/day
-- of drug o.drug at o.conc, default morphine 1 mg/mL, with o.patient_bolus),
-- the balance tared, delivery started, the session closed as a programmer
-- does when it leaves (an idle open session would time out into LINK_LOSS),
-- and the set-up's own events (the boot's reservoir alarms) drained, so waits
-- see only what follows.  Returns the commit outcome (with .crc).
local RUNNING_KEYS = { rate = true, volume = true, conc = true, drug = true, low_residual = true,
                       patient_bolus = true }

function F.running(b, o)
  need_bench(b, "faults.running")
  if o ~= nil and type(o) ~= "table" then usage("faults.running: options must be a table, got " .. type(o)) end
  o = o or {}
  known_keys(o, RUNNING_KEYS, "faults.running")
  local conc, volume, drug = o.conc or U.mg / U.mL, o.volume or 20 * U.mL, o.drug or 1
  b.pump:load_druglib()
  b.fixture:set("RESERVOIR_NL", volume)
  b.pump:refill { volume = volume, drug = drug, conc = conc, low_residual = o.low_residual }
  local c = b.pump:program { mode = "continuous", rate = o.rate or U.mL / U.day, drug = drug,
                             conc = conc, patient_bolus = o.patient_bolus }
  b.fixture:tare()
  b.pump:start()
  b.pump:close_session()
  b:run_for(0)
  return c
end

-- The largest change in the balance reading (nL) between two readings when
-- nothing flows: the noise of two readings at six sigma, one resolution step
-- and the evaporation over `over` (default 1 h), from the bench profile.  A
-- check that "delivery stopped" allows this much, and no more: it is still
-- less than one pump stroke (250 nL) on the reference bench.
function F.still_band(b, over)
  need_bench(b, "faults.still_band")
  number(over, "faults.still_band", "over", { unit = "ns", min = 0 }, true)
  local fx = b.profile.fixture or {}
  local density = fx.density_ug_ul or 1000
  local ug = 6 * math.sqrt(2) * (fx.balance_noise_ug or 0) + (fx.balance_resolution_ug or 0)
             + (fx.evaporation_ug_h or 0) * (over or U.h) / U.h
  return ug * 1000 / density
end

------------------------------------------------------------------ installation
-- Called by pumphil.lua once per Lua state.
function F.install(env)
  ph, U, fail, measure, number_problem = env.ph, env.U, env.fail, env.measure, env.number_problem
  Bench = env.Bench
  wrap_primitives()
  env.colon_guard(Handle, "fault", "f")
  -- b:inject(name, params, { at =, duration =, ramp = }) -> handle
  function Bench:inject(name, params, timing) return inject(self, name, params, timing) end
  -- b:schedule{ { name, params, at =, duration =, ramp = }, ... } -> handles
  function Bench:schedule(list)
    if type(list) ~= "table" then usage("schedule{ { name, params, at = t, duration = d }, ... }") end
    local out = {}
    for i, e in ipairs(list) do
      context = string.format("schedule entry %d: ", i)
      if type(e) ~= "table" then
        local msg = string.format("must be a table { name, params, at =, duration = }, got %s", type(e))
        context = nil
        usage(string.format("schedule entry %d: %s", i, msg))
      end
      local ok, h = pcall(inject, self, e[1] or e.name, e[2] or e.params,
                          { at = e.at, duration = e.duration, ramp = e.ramp })
      context = nil
      if not ok then error(h, 0) end
      out[i] = h
    end
    return out
  end
  -- b:campaign{ faults =, n =, to =, duration =, from =, gap =, seed =, params = } -> handles
  function Bench:campaign(def) return campaign(self, def) end
  -- Every injection of this test, oldest first.
  function Bench:faults()
    local out = {}
    for i, h in ipairs(S.handles) do out[i] = h end
    return out
  end
  return F
end

-- A test starts: fresh scheduler state for its bench.
function F.begin(b)
  S = { bench = b, actions = {}, handles = {}, filters = {}, firing = false }
end

-- A test ends (after its teardowns): remove every fault still on, so a real
-- rig is left clean, and close their spans in the trace.
function F.finish()
  S.actions = {}
  for i = #S.handles, 1, -1 do
    local h = S.handles[i]
    if h.state == "on" then
      h.state, h.t_off = "off", ph.now()
      pcall(drivers[h.name].off, io_for(h), h.params)
      record("fault_off", h, { by = "test end" })
    end
  end
  S.filters = {}
end

return F
