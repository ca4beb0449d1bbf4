-- pumphil.lua - the test language: suites, tests, checks, measurements,
-- units, and the pump and fixture as objects.  Compiled into the binary and
-- set up by the runner (harness/runner.c); scripts never load it themselves.
--
-- Units: every quantity is an integer or number in a base unit -- volume in
-- nL, time in ns (the bench clock), drug mass in ng, balance mass in ug,
-- pressure in Pa, voltage in mV.  Multiply by the unit names to write them:
-- 0.5 * mL / day is a rate in nL per ns; 2 * h is a duration in ns.

local M = {}

local ph -- the C primitives (lua_bench.c)
local faults -- fault injection (pumphil_faults.lua): b:inject, b:schedule, b:campaign

------------------------------------------------------------------ units
local U = {}
U.nL, U.uL, U.mL = 1, 1000, 1000000
U.ng, U.ug, U.mg = 1, 1000, 1000000
U.ns, U.us, U.ms, U.s = 1, 1000, 1000000, 1000000000
U.min = 60 * U.s
U.h = 60 * U.min
U.day = 24 * U.h
U.Pa, U.kPa = 1, 1000
U.psi = 6894.757
U.mV, U.V = 1, 1000
U.cm, U.mm = 10, 1

-- Human-readable duration for messages.
local function fmt_time(ns)
  if ns == nil then return "?" end
  local a = math.abs(ns)
  if a >= U.day then return string.format("%.3f d", ns / U.day) end
  if a >= U.h then return string.format("%.3f h", ns / U.h) end
  if a >= U.min then return string.format("%.3f min", ns / U.min) end
  if a >= U.s then return string.format("%.3f s", ns / U.s) end
  return string.format("%.3f ms", ns / U.ms)
end

local function round(x) return math.floor(x + 0.5) end

-- A misuse of the API by the script: an error naming the script's line (the
-- innermost frame that is not the harness's own Lua), whatever depth of the
-- harness it is found at.  Never a clamp.
local function argerr(fmt, ...)
  local msg = select("#", ...) > 0 and string.format(fmt, ...) or fmt
  error(ph.caller_line() .. ": " .. msg, 0)
end

U.fmt_time = function(ns)
  if type(ns) ~= "number" then argerr("units.fmt_time: ns must be a number, got %s", type(ns)) end
  return fmt_time(ns)
end

-- A number that is neither NaN nor infinite.
local function finite(x)
  return type(x) == "number" and x == x and x ~= math.huge and x ~= -math.huge
end

local function fmtnum(x)
  if math.type(x) == "integer" then return tostring(x) end
  return string.format("%.6g", x)
end

-- Why v is not the number o asks for, or nil.  o: integer (a whole
-- number), unit (words only), min (>=), gt (>), max and maxtext.
--   "duration must be a number of ns >= 0, got string", "rate is NaN",
--   "drug must be a whole number >= 1, got 1.5", "n must be >= 1, got 0"
local function number_problem(v, key, o)
  o = o or {}
  if type(v) ~= "number" then
    return string.format("%s must be a %s%s%s, got %s", key, o.integer and "whole number" or "number",
                         o.unit and (" of " .. o.unit) or "",
                         o.min and (" >= " .. fmtnum(o.min)) or o.gt and (" > " .. fmtnum(o.gt)) or "",
                         type(v))
  end
  if v ~= v then return key .. " is NaN" end
  if v == math.huge or v == -math.huge then return key .. " is infinite" end
  if o.integer and math.floor(v) ~= v then
    return string.format("%s must be a whole number%s%s, got %s", key, o.unit and (" of " .. o.unit) or "",
                         o.min and (" >= " .. fmtnum(o.min)) or "", fmtnum(v))
  end
  if o.min and v < o.min then return string.format("%s must be >= %s, got %s", key, fmtnum(o.min), fmtnum(v)) end
  if o.gt and v <= o.gt then return string.format("%s must be > %s, got %s", key, fmtnum(o.gt), fmtnum(v)) end
  if o.max and v > o.max then
    return string.format("%s must be at most %s, got %s", key, o.maxtext or fmtnum(o.max), fmtnum(v))
  end
  -- Values no one means: a unit left out.
  if o.unit == "ns" and v > 0 and v < 1000 then
    return string.format("%s %s ns is below 1 us: durations are in ns, write the unit (5 * s, 2 * h)",
                         key, fmtnum(v))
  end
  if o.unit == "nL" and v > 0 and v < 1 then
    return string.format("%s %s nL is below 1 nL: volumes are in nL, write the unit (20 * mL, 50 * uL)",
                         key, fmtnum(v))
  end
end

-- v, checked: a number as o asks (number_problem), or nil when optional.
local function need_number(v, what, key, o, optional)
  if v == nil and optional then return nil end
  local bad = number_problem(v, key, o)
  if bad then argerr("%s: %s", what, bad) end
  return v
end

-- A table argument (shape: how it looks, for the message).
local function need_table(v, what, shape)
  if type(v) ~= "table" then argerr("%s: expects a table %s, got %s", what, shape, type(v)) end
  return v
end

-- Every key of t is one of known ("unknown field 'vol'", "unknown option 'x'").
local function known_keys(t, known, what, noun)
  for k in pairs(t) do
    if not known[k] then argerr("%s: unknown %s '%s'", what, noun or "option", tostring(k)) end
  end
end

local function names_of(set, lower)
  local out = {}
  for k in pairs(set) do
    if type(k) == "string" then out[#out + 1] = lower and k:lower() or k end
  end
  table.sort(out)
  return table.concat(out, ", ")
end

-- The longest duration a script may ask for: 10000 days in ns, so bench
-- arithmetic (now + d) stays within the 64-bit integers the board clock uses.
local MAX_NS = 10000 * U.day
local function duration(v, what, key, optional)
  return need_number(v, what, key, { unit = "ns", min = 0, max = MAX_NS, maxtext = "10000 days" }, optional)
end

------------------------------------------------------------------ registry of tests
local R = { tests = {}, suites = {}, file = nil, suite = nil, results = {} }

local current -- the running test's result table (nil between tests)

-- tags, req, hazard: a string or a list of strings.
local function string_list(v, what, key)
  if v == nil then return {} end
  if type(v) == "string" then return { v } end
  if type(v) ~= "table" then
    argerr("%s: %s must be a string or a list of strings, got %s", what, key, type(v))
  end
  local out = {}
  for i, x in ipairs(v) do
    if type(x) ~= "string" then argerr("%s: %s[%d] must be a string, got %s", what, key, i, type(x)) end
    out[i] = x
  end
  for k in pairs(v) do
    if math.type(k) ~= "integer" or k < 1 or k > #out then
      argerr("%s: %s must be a list of strings, not a table with key '%s'", what, key, tostring(k))
    end
  end
  return out
end

local function merge_lists(a, b)
  local out, seen = {}, {}
  for _, l in ipairs({ a, b }) do
    for _, v in ipairs(l) do
      if not seen[v] then seen[v] = true; out[#out + 1] = v end
    end
  end
  return out
end

local function check_fn(v, what, key)
  if v ~= nil and type(v) ~= "function" then
    argerr("%s: %s must be a function, got %s", what, key, type(v))
  end
  return v
end

local function check_limit(v, what, key)
  if v == nil then return nil end
  if type(v) ~= "number" or not (v > 0 and v <= MAX_NS) then
    argerr("%s: %s must be a duration in ns > 0 and at most 10000 days, got %s", what, key,
           type(v) == "number" and tostring(v) or type(v))
  end
  return round(v)
end

local SUITE_KEYS = { name = true, tags = true, req = true, hazard = true, setup = true,
                     teardown = true, before_each = true, after_each = true }

-- suite{ name=, tags=, req=, hazard=, setup=, teardown=, before_each=, after_each= }
local function suite(def)
  if current then argerr("suite() inside a running test: define suites at the top level of the script") end
  if type(def) == "string" then def = { name = def } end
  if type(def) ~= "table" or type(def.name) ~= "string" then
    argerr("suite{ name = ... } expects a table with a name")
  end
  local what = string.format("suite '%s'", def.name)
  known_keys(def, SUITE_KEYS, what)
  local s = { name = def.name, tags = string_list(def.tags, what, "tags"),
              req = string_list(def.req, what, "req"), hazard = string_list(def.hazard, what, "hazard"),
              setup = check_fn(def.setup, what, "setup"), teardown = check_fn(def.teardown, what, "teardown"),
              before_each = check_fn(def.before_each, what, "before_each"),
              after_each = check_fn(def.after_each, what, "after_each"),
              file = R.file, pending = 0, ran_setup = false }
  R.suites[#R.suites + 1] = s
  R.suite = s
  return s
end

local TEST_KEYS = { tags = true, req = true, hazard = true, setup = true, teardown = true,
                    timeout = true, wall_timeout = true, cases = true, xfail = true }

-- xfail = { id = "BUG-12", reason = "..." }: a known issue.  The test still
-- runs; a failure is then "xfail" and a pass "xpass" (harness/results/verdict.h).
local function check_xfail(v, what)
  if v == nil then return nil end
  if type(v) ~= "table" then
    argerr("%s: xfail must be a table { id = ..., reason = ... }, got %s", what, type(v))
  end
  for k in pairs(v) do
    if k ~= "id" and k ~= "reason" then argerr("%s: xfail: unknown key '%s'", what, tostring(k)) end
  end
  if type(v.id) ~= "string" or v.id == "" then
    argerr("%s: xfail.id must name the known issue (a non-empty string)", what)
  end
  if type(v.reason) ~= "string" or v.reason == "" then
    argerr("%s: xfail.reason must say why it fails (a non-empty string)", what)
  end
  return { id = v.id, reason = v.reason }
end

-- test(name, [opts,] fn)
-- A test joins its suite; a name already there is an error (the record,
-- the history and --rerun-failed know a test by suite and name).
local function add_test(s, t)
  s.names = s.names or {}
  local first = s.names[t.name]
  if first then
    argerr("test '%s': suite '%s' already has a test of that name (line %d); names identify tests "
           .. "in reports, the history and --rerun-failed", t.name, s.name, first)
  end
  s.names[t.name] = t.line
  R.tests[#R.tests + 1] = t
  s.pending = s.pending + 1
end

local function test(name, opts, fn)
  if current then argerr("test() inside a running test: define tests at the top level of the script") end
  if type(opts) == "function" then fn, opts = opts, {} end
  if type(name) ~= "string" then
    argerr("test(name, [opts,] function(bench) ... end): name must be a string, got %s", type(name))
  end
  if name == "" then argerr("test name must not be empty") end
  local what = string.format("test '%s'", name)
  if opts ~= nil and type(opts) ~= "table" then
    argerr("%s: options must be a table, got %s", what, type(opts))
  end
  if type(fn) ~= "function" then argerr("test(name, [opts,] function(bench) ... end)") end
  opts = opts or {}
  known_keys(opts, TEST_KEYS, what)
  local s = R.suite
  if not s or s.file ~= R.file then s = suite{ name = R.file:match("([^/]+)%.lua$") or R.file } end
  local line = tonumber(ph.caller_line():match(":(%d+)$")) or 0
  local base = {
    file = R.file, line = line, suite = s, name = name,
    tags = merge_lists(s.tags, string_list(opts.tags, what, "tags")),
    req = merge_lists(s.req, string_list(opts.req, what, "req")),
    hazard = merge_lists(s.hazard, string_list(opts.hazard, what, "hazard")),
    timeout = check_limit(opts.timeout, what, "timeout"),
    wall_timeout = check_limit(opts.wall_timeout, what, "wall_timeout"),
    setup = check_fn(opts.setup, what, "setup"), teardown = check_fn(opts.teardown, what, "teardown"),
    xfail = check_xfail(opts.xfail, what),
    fn = fn,
  }
  local cases = opts.cases
  if cases ~= nil then
    if type(cases) ~= "table" or #cases == 0 then
      argerr("%s: cases must be a non-empty list of tables", what)
    end
    for i, c in ipairs(cases) do
      if type(c) ~= "table" then argerr("%s: cases[%d] must be a table, got %s", what, i, type(c)) end
      local label = rawget(c, "label")
      if label == nil then label = rawget(c, "name") end
      if label ~= nil and type(label) ~= "string" and type(label) ~= "number" then
        argerr("%s: cases[%d].label must be a string or a number, got %s", what, i, type(label))
      end
    end
    for i, c in ipairs(cases) do
      local t = {}
      for k, v in pairs(base) do t[k] = v end
      t.case = c
      local label = rawget(c, "label")
      if label == nil then label = rawget(c, "name") end
      t.name = string.format("%s [%s]", name, tostring(label or i))
      add_test(s, t)
    end
  else
    add_test(s, base)
  end
end

------------------------------------------------------------------ failures
local Failure = {}
Failure.__index = Failure
Failure.__tostring = function(f) return (f.where and (f.where .. ": ") or "") .. f.msg end
Failure.__metatable = "pumphil failure" -- a script cannot make a table look like one

-- Every failure fail() raised, with what it said when it was raised: the
-- runner believes only these (M.failure_info), never a table a script
-- raised or a failure it edited.
local genuine = setmetatable({}, { __mode = "k" })


-- A failure raises; the trace gets a check_failed event first, so a report
-- rebuilt from the trace knows when and where the test failed.
local function fail(msg, kind, at)
  local where = at or ph.caller_line()
  if current then ph.record { ev = "check_failed", message = msg, where = where } end
  local f = setmetatable({ kind = kind or "fail", msg = msg, where = where }, Failure)
  genuine[f] = { kind = f.kind, msg = msg, where = where }
  error(f, 0)
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) == "table" then
    local parts = {}
    for k, x in pairs(v) do
      parts[#parts + 1] = tostring(k) .. "=" .. tostring(x)
      if #parts > 12 then parts[#parts + 1] = "..."; break end
    end
    table.sort(parts)
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return tostring(v)
end

local function counted() if current then current.checks = current.checks + 1 end end

local expect = {}
function expect.eq(actual, expected, what)
  counted()
  if actual ~= expected then
    fail(string.format("%s: expected %s, got %s", what or "value", show(expected), show(actual)))
  end
  return actual
end
function expect.ne(actual, unexpected, what)
  counted()
  if actual == unexpected then
    fail(string.format("%s: expected anything but %s", what or "value", show(unexpected)))
  end
  return actual
end
function expect.near(actual, expected, tol, what)
  counted()
  need_number(expected, "expect.near", "expected")
  need_number(tol, "expect.near", "tolerance", { min = 0 })
  if type(actual) ~= "number" or not (math.abs(actual - expected) <= tol) then
    fail(string.format("%s: expected %s +/- %s, got %s", what or "value", show(expected),
                       show(tol), show(actual)))
  end
  return actual
end
local function cmp(op, sym, name)
  return function(actual, bound, what)
    counted()
    if type(bound) ~= "number" then argerr("%s: bound must be a number, got %s", name, type(bound)) end
    if bound ~= bound then argerr("%s: bound is NaN", name) end
    if type(actual) ~= "number" or not op(actual, bound) then
      fail(string.format("%s: expected %s %s, got %s", what or "value", sym, show(bound), show(actual)))
    end
    return actual
  end
end
expect.lt = cmp(function(a, b) return a < b end, "<", "expect.lt")
expect.le = cmp(function(a, b) return a <= b end, "<=", "expect.le")
expect.gt = cmp(function(a, b) return a > b end, ">", "expect.gt")
expect.ge = cmp(function(a, b) return a >= b end, ">=", "expect.ge")
function expect.truthy(v, what)
  counted()
  if not v then fail(string.format("%s: expected true, got %s", what or "condition", show(v))) end
  return v
end
function expect.falsy(v, what)
  counted()
  if v then fail(string.format("%s: expected false, got %s", what or "condition", show(v))) end
  return v
end
-- A command result refused with the given reason (see PROTOCOL.md REFUSE codes).
function expect.refused(r, reason, what)
  counted()
  if reason ~= nil then
    if type(reason) ~= "string" then
      argerr("expect.refused: reason must be a refusal name (a string), got %s", type(reason))
    end
    if reason ~= "VERIFY" and (reason == "OK" or ph.codes.REFUSE[reason] == nil) then
      local names = {}
      for k in pairs(ph.codes.REFUSE) do if type(k) == "string" and k ~= "OK" then names[k] = true end end
      names.VERIFY = true
      argerr("expect.refused: unknown refusal reason '%s' (one of: %s)", reason, names_of(names))
    end
  end
  if type(r) ~= "table" or r.ok then
    fail(string.format("%s: expected refusal %s, got acceptance", what or "request", reason))
  end
  if reason and r.reason ~= reason then
    fail(string.format("%s: expected refusal %s, got %s", what or "request", reason, tostring(r.reason)))
  end
  return r
end
function expect.ok(r, what)
  counted()
  if type(r) ~= "table" or not r.ok then
    fail(string.format("%s: expected acceptance, got %s", what or "request",
                       type(r) == "table" and tostring(r.reason) or show(r)))
  end
  return r
end
function expect.fail(msg) counted(); fail(tostring(msg)) end
setmetatable(expect, { __call = function(_, v, what) return expect.truthy(v, what) end })

------------------------------------------------------------------ measurements

-- Why x is not a finite number ("is NaN", "is infinite", "must be a
-- number, got string"), or nil when it is one.
local function not_finite(x)
  if type(x) ~= "number" then return "must be a number, got " .. type(x) end
  if x ~= x then return "is NaN" end
  if x == math.huge or x == -math.huge then return "is infinite" end
end

local MEASURE_KEYS = { unit = true, min = true, max = true, nominal = true, tol = true,
                       tol_pct = true, resolution = true }

-- measure(name, value, { unit=, min=, max=, nominal=, tol=, tol_pct=, resolution= })
-- Records a named value with limits; a value outside them fails the test
-- at its end (the test goes on, like an OpenHTF measurement).  A limit or
-- value that is not a finite number is an error naming the script line.
local function measure(name, value, spec)
  if type(name) ~= "string" then
    argerr("measure(name, value, spec): name must be a string, got %s", type(name))
  end
  if spec ~= nil and type(spec) ~= "table" then
    argerr("measure '%s': spec must be a table { unit =, min =, max = ... }, got %s", name, type(spec))
  end
  spec = spec or {}
  for k in pairs(spec) do
    if not MEASURE_KEYS[k] then argerr("measure '%s': unknown option '%s'", name, tostring(k)) end
  end
  for _, k in ipairs({ "nominal", "tol", "tol_pct", "min", "max", "resolution" }) do
    local bad = spec[k] ~= nil and not_finite(spec[k])
    if bad then argerr("measure '%s': %s %s", name, k, bad) end
  end
  if spec.unit ~= nil and type(spec.unit) ~= "string" then
    argerr("measure '%s': unit must be a string, got %s", name, type(spec.unit))
  end
  if (spec.tol or spec.tol_pct) and spec.nominal == nil then
    argerr("measure '%s': tol and tol_pct need a nominal", name)
  end
  if spec.tol and spec.tol_pct then argerr("measure '%s': give tol or tol_pct, not both", name) end
  if spec.nominal ~= nil and (spec.min ~= nil or spec.max ~= nil) then
    argerr("measure '%s': give min/max or nominal with a tolerance, not both", name)
  end
  for _, k in ipairs({ "tol", "tol_pct", "resolution" }) do
    if spec[k] and spec[k] < 0 then argerr("measure '%s': %s must be >= 0", name, k) end
  end
  local lo, hi = spec.min, spec.max
  if lo and hi and lo > hi then
    argerr("measure '%s': min %s is above max %s", name, tostring(lo), tostring(hi))
  end
  if spec.nominal then
    local tol = spec.tol or (spec.tol_pct and math.abs(spec.nominal) * spec.tol_pct / 100) or 0
    lo, hi = spec.nominal - tol, spec.nominal + tol
  end
  local bad = not_finite(value)
  if bad then argerr("measure '%s': value %s", name, bad) end
  -- resolution: how finely the bench can measure this value; the verdict
  -- gives it the benefit of that doubt, and the record says so.
  local res = spec.resolution
  local slack = res or 0
  local ok = true
  if lo and value < lo - slack then ok = false end
  if hi and value > hi + slack then ok = false end
  local m = { name = name, value = value, unit = spec.unit or "", min = lo, max = hi,
              nominal = spec.nominal, resolution = res ~= 0 and res or nil,
              verdict = ok and "pass" or "fail",
              where = ph.caller_line(), t = current and current.bench and ph.now() or nil }
  if current then
    current.measurements[#current.measurements + 1] = m
    if not ok and not current.measure_fail then
      current.measure_fail = string.format("measurement '%s' = %s %s outside [%s, %s]%s", name,
        tostring(value), m.unit, tostring(lo or "-inf"), tostring(hi or "inf"),
        m.resolution and string.format(" by more than its resolution %s", tostring(m.resolution)) or "")
      current.measure_where = m.where
    end
    ph.record { ev = "measurement", name = name, value = value,
                unit = m.unit, min = lo, max = hi, nominal = spec.nominal, resolution = m.resolution,
                verdict = m.verdict, where = m.where }
  end
  return value
end

------------------------------------------------------------------ the bench objects
local Bench, Pump, Fixture = {}, {}, {}
Bench.__index, Pump.__index, Fixture.__index = Bench, Pump, Fixture

local function log(msg)
  if current then
    local line = string.format("[%s] %s", fmt_time(ph.now()), tostring(msg))
    current.log[#current.log + 1] = line
    ph.record { ev = "log", text = line }
  end
end

local function code_name(tbl, v) return ph.codes[tbl][v] or tostring(v) end

-- A code of table tbl by its name (noun: what it is for the script, "alarm");
-- numbers_ok: a whole number is sent as it is (a test of how the board
-- takes codes it does not know).
local function code_arg(tbl, name, what, noun, numbers_ok)
  local codes = ph.codes[tbl]
  if numbers_ok and math.type(name) == "integer" then return name end
  if type(name) ~= "string" then
    argerr("%s: %s must be a name (a string), got %s", what, noun, type(name))
  end
  local v = codes[name]
  if v == nil then argerr("%s: unknown %s '%s' (one of: %s)", what, noun, name, names_of(codes)) end
  return v
end

-- A lower-case name of a code table ("continuous" for MODE CONTINUOUS).
local function lower_code_arg(tbl, name, what, noun)
  if type(name) ~= "string" then argerr("%s: %s must be a string, got %s", what, noun, type(name)) end
  local v = ph.codes[tbl][name:upper()]
  if v == nil or name ~= name:lower() then
    argerr("%s: unknown %s '%s' (one of: %s)", what, noun, name, names_of(ph.codes[tbl], true))
  end
  return v
end

------------------------------------------------------------------ outcomes
-- One error contract (docs/scripting.md "Outcomes and errors"): what the
-- device did with a request is an outcome, a value with a text form --
--   kind      "accepted", "refused", "verify" (the staged prescription's CRC
--             disagrees), "nak" (the frame was rejected), "no_reply" (no
--             answer after every retry) or "board_gone" (the board vanished)
--   ok        true only when accepted
--   reason    REFUSE or NAK code name, "VERIFY", "NO_REPLY", "BOARD_GONE"
--   field     FIELD code name of a refusal (nil when the reason says it all)
--   detail    the refusal's detail (usually the limit), message  one line
--   reply     the board's reply (ack, bolus_result, nak), t  its bench time
-- try_* forms and pump:call return outcomes; the plain forms raise: a
-- refusal, NAK or no reply fails the test, a board that is gone is an error
-- of the bench.
local Outcome = {}
Outcome.__index = Outcome
Outcome.__name = "pumphil.outcome"
Outcome.__tostring = function(o)
  if o.ok then return "accepted" end
  if o.kind == "refused" then return "refused " .. o.reason .. (o.message and (": " .. o.message) or "") end
  return o.message or o.reason
end
Outcome.__concat = function(a, b) return tostring(a) .. tostring(b) end

local function new_outcome(o) return setmetatable(o, Outcome) end
M.is_outcome = function(v) return getmetatable(v) == Outcome end

local refusal = require("pumphil.refusal")

-- A failed call as an outcome: err and code as ph.call gives them.
local function link_outcome(channel, name, err, code, nak)
  if code == "interrupted" then fail(string.format("%s %s: %s", channel, name, err), "error") end
  if code == "nak" and nak then
    local reason = "NAK " .. code_name("NAK", nak.code)
    return new_outcome { ok = false, kind = "nak", reason = reason, reply = nak,
                         message = string.format("%s to %s %s", reason, channel, name) }
  end
  if code == "no_device" then
    return new_outcome { ok = false, kind = "board_gone", reason = "BOARD_GONE",
                         message = string.format("board gone during %s %s: %s", channel, name, err) }
  end
  return new_outcome { ok = false, kind = "no_reply", reason = code == "timeout" and "NO_REPLY" or "IO",
                       message = string.format("%s to %s %s", err, channel, name) }
end

-- Call a message: the reply, or nil and the outcome of a link failure.  A
-- refused ack or bolus_result gets reason, field and message (a refusal
-- named in the script's words, pumphil_refusal.lua).
local first_board_us -- board time of the test's first reply: when the host was there

local function try_call(channel, name, fields)
  local r, err, code, nak = ph.call(channel, name, fields)
  if not r then return nil, link_outcome(channel, name, err, code, nak) end
  if r.board_us and not first_board_us then first_board_us = r.board_us end
  if (r.type == "ack" or r.type == "bolus_result") and r.result ~= 0 then
    r.reason = code_name("REFUSE", r.result)
    r.message, r.field_name = refusal.text(name, fields, r, ph.codes)
  end
  return r
end

-- Raise the outcome o of a plain form: a test failure, or a bench error when
-- the board is gone.
local function raise(o, what)
  local sep = o.kind == "refused" and " " or ": "
  fail(what and (what .. sep .. tostring(o)) or tostring(o), o.kind == "board_gone" and "error" or "fail")
end

-- The plain form: the reply, or the test fails (NAK, no reply) or errs
-- (board gone).
local function call(channel, name, fields)
  local r, o = try_call(channel, name, fields)
  if not r then raise(o) end
  return r
end

-- An ack / bolus_result as an outcome.
local function outcome(r)
  local res = r.result
  return new_outcome { ok = res == 0, kind = res == 0 and "accepted" or "refused",
                       reason = code_name("REFUSE", res), field = r.field_name, detail = r.detail,
                       message = r.message, reply = r, volume = r.volume_nl, t = r.t }
end

function Pump:call(name, fields)
  if type(name) ~= "string" then argerr("pump:call: message must be a name (a string), got %s", type(name)) end
  if not ph.has_message(name) then argerr("pump:call: unknown message '%s'", name) end
  if fields ~= nil and type(fields) ~= "table" then
    argerr("pump:call: fields must be a table, got %s", type(fields))
  end
  return try_call("pump", name, fields)
end

-- session_open as this programmer: the reply, or nil and the outcome.
local function try_session_open(timeout_s)
  return try_call("pump", "session_open", { programmer_id = 0x50480001, timeout_s = timeout_s })
end

function Pump:session(timeout)
  duration(timeout, "pump:session", "timeout", true)
  local r, o = try_session_open(timeout and round(timeout / U.s) or 0)
  if not r then raise(o) end
  self.open = true
  return outcome(r)
end

function Pump:close_session()
  call("pump", "session_close", {})
  self.open = false
end

-- A therapy command: opens the session on demand, retries once if the
-- board closed it meanwhile.  The reply, or nil and the outcome of a link
-- failure.
function Pump:try_command(name, fields)
  for attempt = 1, 2 do
    if not self.open then
      local r, o = try_session_open(0)
      if not r then return nil, o end
      self.open = true
    end
    local r, o = try_call("pump", name, fields)
    if r or attempt == 2 or o.kind ~= "nak" or o.reply.code ~= ph.codes.NAK.NO_SESSION then return r, o end
    self.open = false -- the board closed it meanwhile: reopen once
  end
end

-- The outcome of a therapy command, whatever the device did.
local function command_outcome(self, name, fields)
  local r, o = self:try_command(name, fields)
  if not r then return o end
  return outcome(r)
end

function Pump:command(name, fields)
  local r, o = self:try_command(name, fields)
  if not r then raise(o) end
  return r
end

function Pump:status()
  local s = call("pump", "interrogate", {})
  local alarms = {}
  for code, nm in pairs(ph.codes.ALARM) do
    if type(code) == "number" and (s.alarms >> code) & 1 == 1 then alarms[nm] = true end
  end
  s.alarm_set = alarms
  s.mode_name = code_name("MODE", s.mode)
  return s
end

-- A drug library id: a whole number from 1.
local function drug_id(v, what)
  return need_number(v, what, "drug", { integer = true, min = 1 }, true) or 1
end

local function rate_nl_h(rate, what, key)
  need_number(rate, what, key, { unit = "nL/ns", min = 0 })
  return round(rate * U.h)
end

-- A step's start: "hh:mm", or a time of day in ns.
local function tod_minute(v, what)
  if type(v) == "string" then
    local hh, mm = v:match("^(%d%d?):(%d%d)$")
    if not hh or tonumber(hh) > 23 or tonumber(mm) > 59 then
      argerr("%s: start must be a time of day '06:30', 00:00 to 23:59, got '%s'", what, v)
    end
    return tonumber(hh) * 60 + tonumber(mm)
  end
  need_number(v, what, "start", { unit = "ns", min = 0, max = U.day - U.min, maxtext = "23:59" })
  return round(v / U.min)
end

local PROGRAM_KEYS = { mode = true, drug = true, conc = true, rate = true, steps = true,
                       patient_bolus = true, commit = true, override_soft = true }
local PB_KEYS = { dose = true, duration = true, lockout = true, max_per_day = true }

local function optional_boolean(v, what, key)
  if v ~= nil and type(v) ~= "boolean" then argerr("%s: %s must be a boolean, got %s", what, key, type(v)) end
  return v
end

-- Stage, verify and commit a prescription.  Returns an outcome.
local function try_program(self, p, what)
  need_table(p, what, "{ mode =, drug =, conc =, rate =, steps =, patient_bolus = }")
  known_keys(p, PROGRAM_KEYS, what, "field")
  local mode = p.mode == nil and ph.codes.MODE.CONTINUOUS or lower_code_arg("MODE", p.mode, what, "mode")
  local pb = p.patient_bolus or {}
  if type(pb) ~= "table" then argerr("%s: patient_bolus must be a table, got %s", what, type(pb)) end
  known_keys(pb, PB_KEYS, what, "patient_bolus field")
  need_number(pb.dose, what, "patient_bolus.dose", { unit = "nL", min = 0 }, true)
  duration(pb.duration, what, "patient_bolus.duration", true)
  duration(pb.lockout, what, "patient_bolus.lockout", true)
  need_number(pb.max_per_day, what, "patient_bolus.max_per_day", { integer = true, min = 0 }, true)
  local steps = p.steps or {}
  if type(steps) ~= "table" then argerr("%s: steps must be a list of steps, got %s", what, type(steps)) end
  for i, st in ipairs(steps) do
    if type(st) ~= "table" then
      argerr("%s: steps[%d] must be a table { start =, rate = }, got %s", what, i, type(st))
    end
  end
  need_number(p.conc, what, "conc", { unit = "ng/nL", min = 0 }, true)
  optional_boolean(p.commit, what, "commit")
  optional_boolean(p.override_soft, what, "override_soft")
  local begin = {
    mode = mode, drug_id = drug_id(p.drug, what),
    conc_ng_ml = round((p.conc or 0) * U.mL),
    rate_nl_h = mode == ph.codes.MODE.CONTINUOUS and rate_nl_h(p.rate or 0, what, "rate") or 0,
    nsteps = #steps,
    pb_dose_nl = round(pb.dose or 0), pb_duration_s = round((pb.duration or 0) / U.s),
    pb_lockout_s = round((pb.lockout or 0) / U.s), pb_max_per_day = pb.max_per_day or 0,
  }
  local fields = {}
  for i, st in ipairs(steps) do
    local where = string.format("%s: steps[%d]", what, i)
    fields[i] = { index = i - 1, start_min = tod_minute(st.start or st[1], where),
                  rate_nl_h = rate_nl_h(st.rate or st[2], where, "rate") }
  end
  local payloads = { ph.payload("rx_begin", begin) }
  local o = command_outcome(self, "rx_begin", begin)
  if not o.ok then return o end
  for _, f in ipairs(fields) do
    payloads[#payloads + 1] = ph.payload("rx_step", f)
    o = command_outcome(self, "rx_step", f)
    if not o.ok then return o end
  end
  local v, lo = self:try_command("rx_verify", {})
  if not v then return lo end
  local crc = ph.crc32(table.concat(payloads))
  if v.complete ~= 1 or v.crc ~= crc then
    return new_outcome { ok = false, kind = "verify", reason = "VERIFY", detail = v.crc, reply = v,
                         message = string.format("staged CRC %08x (complete=%d), expected %08x", v.crc,
                                                 v.complete, crc) }
  end
  if p.commit == false then return new_outcome { ok = true, kind = "accepted", crc = crc, staged = true } end
  local c = command_outcome(self, "rx_commit", { crc = crc, override_soft = p.override_soft and 1 or 0 })
  c.crc = crc
  return c
end

-- A plain form: the outcome when accepted; otherwise the test fails (a
-- bench error when the board is gone).
local function must(o, what)
  if not o.ok then raise(o, what) end
  return o
end

function Pump:try_program(p) return try_program(self, p, "pump:try_program") end
function Pump:program(p) return must(try_program(self, p, "pump:program"), "prescription") end

function Pump:try_start() return command_outcome(self, "start", {}) end
function Pump:start() return must(self:try_start(), "start") end
function Pump:try_stop() return command_outcome(self, "stop", {}) end
function Pump:stop() return must(self:try_stop(), "stop") end

local REFILL_KEYS = { volume = true, drug = true, conc = true, low_residual = true }

-- refill{ volume=, drug=, conc=, low_residual= }
local function try_refill(self, r, what)
  need_table(r, what, "{ volume =, drug =, conc =, low_residual = }")
  known_keys(r, REFILL_KEYS, what, "field")
  need_number(r.volume, what, "volume", { unit = "nL", min = 0 })
  need_number(r.conc, what, "conc", { unit = "ng/nL", min = 0 }, true)
  need_number(r.low_residual, what, "low_residual", { unit = "nL", min = 0 }, true)
  local drug = drug_id(r.drug, what)
  self.last_refill = r -- the reservoir faults repeat the refill procedure
  return command_outcome(self, "refill", {
    volume_nl = round(r.volume), drug_id = drug, conc_ng_ml = round((r.conc or 0) * U.mL),
    low_residual_nl = round(r.low_residual or 0) })
end
function Pump:try_refill(r) return try_refill(self, r, "pump:try_refill") end
function Pump:refill(r) return must(try_refill(self, r, "pump:refill"), "refill") end

local bolus_ids = 0
local BOLUS_KEYS = { kind = true, amount = true, duration = true, catheter_trimmed = true, id = true }

-- bolus{ kind=, amount=, duration=, catheter_trimmed=, id= }
local function try_bolus(self, b, what)
  need_table(b, what, "{ kind =, amount =, duration =, catheter_trimmed =, id = }")
  known_keys(b, BOLUS_KEYS, what, "field")
  local kind = lower_code_arg("BOLUS", b.kind or "clinician", what, "kind")
  need_number(b.amount, what, "amount", { unit = "nL", min = 0 }, true)
  duration(b.duration, what, "duration", true)
  need_number(b.catheter_trimmed, what, "catheter_trimmed", { unit = "mm", min = 0 }, true)
  need_number(b.id, what, "id", { integer = true, min = 0 }, true)
  if not b.id then bolus_ids = bolus_ids + 1 end
  local f = { req_id = b.id or (0x10000 + bolus_ids), kind = kind,
              amount_nl = round(b.amount or 0), duration_s = round((b.duration or 0) / U.s),
              catheter_mm = round((b.catheter_trimmed or 0) / U.mm) }
  local o = command_outcome(self, "bolus", f)
  o.id = f.req_id
  return o
end
function Pump:try_bolus(b) return try_bolus(self, b, "pump:try_bolus") end
function Pump:bolus(b) return must(try_bolus(self, b, "pump:bolus"), "bolus") end

local DRUGLIB_KEYS = { id = true, max_conc = true, soft = true, hard = true }

-- druglib{ id=, max_conc=, soft=, hard= } with soft/hard in ng per day
function Pump:druglib(d)
  local what = "pump:druglib"
  need_table(d, what, "{ id =, max_conc =, soft =, hard = }")
  known_keys(d, DRUGLIB_KEYS, what, "field")
  need_number(d.id, what, "id", { integer = true, min = 1 })
  need_number(d.max_conc, what, "max_conc", { unit = "ng/nL", min = 0 })
  need_number(d.soft, what, "soft", { unit = "ng", min = 0 })
  need_number(d.hard, what, "hard", { unit = "ng", min = 0 })
  return must(command_outcome(self, "druglib_set", {
    drug_id = d.id, max_conc_ng_ml = round(d.max_conc * U.mL),
    soft_ug_day = round(d.soft / U.ug), hard_ug_day = round(d.hard / U.ug) }), "drug library")
end

-- The entries of a drug library file, checked (M.check_druglib).
local check_druglib

-- Load every entry of a drug library fixture (default fixtures/druglib.json);
-- returns the library as a table keyed by drug name.
function Pump:load_druglib(name)
  if name ~= nil and type(name) ~= "string" then
    argerr("pump:load_druglib: name must be a string, got %s", type(name))
  end
  local lib = ph.fixture_data(name or "druglib")
  local bad = check_druglib(lib, ph.fixture_path(name or "druglib"))
  if bad then argerr("pump:load_druglib: %s", bad) end
  local by_name = {}
  for _, d in ipairs(lib.drugs) do
    self:druglib { id = d.id, max_conc = d.max_conc_mg_ml * U.mg / U.mL,
                   soft = d.soft_mg_day * U.mg, hard = d.hard_mg_day * U.mg }
    by_name[d.name] = d
  end
  self.drugs = by_name
  return by_name
end

function Pump:ack_alarm(name)
  return command_outcome(self, "alarm_ack", { alarm = code_arg("ALARM", name, "pump:ack_alarm", "alarm", true) })
end
function Pump:alarm_test() return must(command_outcome(self, "alarm_test", {}), "alarm test") end
function Pump:set_clock(epoch_ms)
  need_number(epoch_ms, "pump:set_clock", "epoch_ms", { unit = "ms", min = 0 })
  return must(command_outcome(self, "clock_set", { epoch_ms = round(epoch_ms) }), "clock")
end
function Pump:hook(name, arg)
  local code = code_arg("HOOK", name, "pump:hook", "hook", true)
  need_number(arg, "pump:hook", "arg", nil, true)
  local r, o = try_call("pump", "hook", { hook = code, arg = round(arg or 0) })
  return r and outcome(r) or o
end

-- The whole event log, oldest first.
function Pump:log()
  local first = call("pump", "log_read", { index = 0 })
  local out = {}
  for i = 0, first.count - 1 do
    local e = i == 0 and first or call("pump", "log_read", { index = i })
    out[#out + 1] = { t_us = e.t_us, code = e.code, name = code_name("EV", e.code), arg = e.arg }
  end
  return out
end

-- Fixture --------------------------------------------------------------
function Fixture:read()
  local s = call("fixture", "fx_read", {})
  s.balance = s.balance_ug
  return s
end
local function fx_set(param, value, what, key)
  local code = code_arg("FX", param, what, "parameter", true)
  need_number(value, what, key)
  local o = outcome(call("fixture", "fx_set", { param = code, value = round(value) }))
  if not o.ok then fail(string.format("fixture %s = %s refused: %s", param, tostring(value), o.reason)) end
  return o
end
function Fixture:set(param, value) return fx_set(param, value, "fixture:set", "value") end
function Fixture:pinch(permille) return fx_set("PINCH_PM", permille, "fixture:pinch", "permille") end
function Fixture:supply(mv) return fx_set("SUPPLY_MV", mv, "fixture:supply", "mV") end
function Fixture:rf_loss(permille) return fx_set("RF_LOSS_PM", permille, "fixture:rf_loss", "permille") end
function Fixture:tare() return call("fixture", "fx_tare", {}) end
function Fixture:reset(kind, at_write)
  local k = ({ watchdog = 0, brownout = 1, power = 2, factory = 3 })[kind or "power"]
  if not k then
    argerr("fixture:reset: kind must be 'watchdog', 'brownout', 'power' or 'factory', got %s",
           type(kind) == "string" and ("'" .. kind .. "'") or type(kind))
  end
  need_number(at_write, "fixture:reset", "nth_write", { integer = true, min = 0 }, true)
  return call("fixture", "fx_reset", { kind = k, at_write = at_write or 0 })
end
-- Delivered volume (nL) as the balance measures it, from its mass (ug).
function Fixture:delivered_nl()
  return self:read().balance_ug * 1000 / (self.density_ug_ul or 1000)
end

-- Bench ------------------------------------------------------------------
function Bench:now() return ph.now() end

local function keep(self, ev)
  self.history[#self.history + 1] = ev
  if ev.name == "ALARM_ON" then log(string.format("alarm %s (%s)", ev.alarm or "?", ev.priority)) end
end

-- A wait the link could not finish (the primitive gave nil, message, code)
-- fails the test with what happened, as a failed call does.
local function waited(what, r, err, code)
  if r == nil and err ~= nil then fail(string.format("%s: %s (%s)", what, err, tostring(code))) end
  return r
end

-- Advance the bench clock to t, collecting the board's events.
local function run_until(self, t)
  t = round(t)
  while true do
    local ev = waited("run_until", ph.next_event(t))
    if not ev then break end
    keep(self, ev)
  end
  waited("run_until", ph.run_until(t))
  -- Frames due at t itself (run_for(0) right after a command) are read by
  -- run_until, not next_event: collect their events too.
  while true do
    local ev = waited("run_until", ph.next_event(t))
    if not ev then break end
    keep(self, ev)
  end
  return ph.now()
end

function Bench:run_until(t) return run_until(self, duration(t, "b:run_until", "t")) end

function Bench:run_for(d)
  duration(d, "b:run_for", "duration")
  return run_until(self, ph.now() + round(d))
end

local function matches(ev, filter)
  if type(filter) == "function" then return filter(ev) end
  for k, v in pairs(filter) do
    if ev[k] ~= v then return false end
  end
  return true
end

local function check_filter(filter, what, optional)
  if filter == nil and optional then return end
  if type(filter) ~= "table" and type(filter) ~= "function" then
    argerr("%s: filter must be a table of event fields or a function, got %s", what, type(filter))
  end
end

local function describe(filter)
  if type(filter) == "function" then return "a matching event" end
  return show(filter)
end

local WAIT_KEYS = { within = true, optional = true, include_past = true, since = true }

local function check_opts(opts, known, what)
  if opts == nil then return {} end
  if type(opts) ~= "table" then argerr("%s: options must be a table, got %s", what, type(opts)) end
  known_keys(opts, known, what, "option")
  return opts
end

-- Wait for an event matching filter within opts.within (ns).  Returns the
-- event; fails with what was seen instead.  With opts.since, an event that
-- already arrived at or after bench time since matches too: on a real-time
-- board the answer can arrive while the script is still busy causing it.
local function wait_event(self, filter, opts, what)
  check_filter(filter, what)
  opts = check_opts(opts, WAIT_KEYS, what)
  local within = duration(opts.within, what, "within", true) or (1 * U.h)
  duration(opts.since, what, "since", true)
  local t0 = ph.now()
  local deadline = t0 + round(within)
  -- Every copy of an event carries the board time it happened.  One from
  -- before the test's first exchange (the board's boot, before the host
  -- opened it: the first copy went nowhere and the resend comes late) is
  -- history, never the event a test waits for.
  local first = first_board_us or 0
  local function wanted(ev)
    if not opts.include_past and ev.board_us < first then return false end
    if not matches(ev, filter) then return false end
    ev.latency = ev.t - t0
    return true
  end
  local seen = {}
  if opts.since then
    for _, ev in ipairs(self.history) do
      if ev.t >= opts.since and wanted(ev) then return ev end
    end
  end
  while true do
    local ev = waited("wait_event", ph.next_event(deadline))
    if not ev then break end
    keep(self, ev)
    if wanted(ev) then return ev end
    seen[#seen + 1] = ev.name .. (ev.alarm and ("/" .. ev.alarm) or "")
  end
  waited("wait_event", ph.run_until(deadline))
  if opts.optional then return nil end
  fail(string.format("no %s within %s; saw: %s", describe(filter), fmt_time(within),
                     #seen > 0 and table.concat(seen, ", ") or "nothing"))
end

function Bench:wait_event(filter, opts) return wait_event(self, filter, opts, "b:wait_event") end

function Bench:wait_alarm(name, opts)
  if type(name) ~= "string" then
    argerr("b:wait_alarm: alarm must be a name (a string), got %s", type(name))
  end
  code_arg("ALARM", name, "b:wait_alarm", "alarm")
  return wait_event(self, { name = "ALARM_ON", alarm = name }, opts, "b:wait_alarm")
end

local WAIT_UNTIL_KEYS = { within = true, every = true, what = true, optional = true }

-- Poll pred() every opts.every (default 1 s) until it returns a truthy
-- value or opts.within passes.
function Bench:wait_until(pred, opts)
  local what = "b:wait_until"
  if type(pred) ~= "function" then argerr("%s: condition must be a function, got %s", what, type(pred)) end
  opts = check_opts(opts, WAIT_UNTIL_KEYS, what)
  local within = duration(opts.within, what, "within", true) or U.h
  local every = need_number(opts.every, what, "every", { unit = "ns", gt = 0 }, true) or U.s
  local deadline = ph.now() + round(within)
  while true do
    local v = pred()
    if v then return v, ph.now() end
    if ph.now() >= deadline then break end
    run_until(self, math.min(deadline, ph.now() + math.max(1, round(every))))
  end
  if opts.optional then return nil end
  fail(string.format("%s not reached within %s", opts.what or "condition", fmt_time(within)))
end

-- Events seen so far matching filter (all when nil).
function Bench:events(filter)
  check_filter(filter, "b:events", true)
  local out = {}
  for _, ev in ipairs(self.history) do
    if not filter or matches(ev, filter) then out[#out + 1] = ev end
  end
  return out
end

local CHANNELS = { pump = true, fixture = true, all = true }
local DIRS = { both = true, to_board = true, from_board = true }
local LINK_PROBS = { "drop", "corrupt", "duplicate", "reorder" }
local LINK_KEYS = { drop = true, corrupt = true, duplicate = true, reorder = true, delay = true,
                    jitter = true, burst = true, channel = true, dir = true }
local BURST_KEYS = { p = true, r = true, loss_good = true, loss_bad = true }

local function choice(v, set, what, key, text)
  if not set[v] then
    argerr("%s: %s must be %s, got %s", what, key, text,
           type(v) == "string" and ("'" .. v .. "'") or type(v))
  end
  return v
end

local function probability(v, what, key)
  if v == nil then return nil end
  need_number(v, what, key)
  if v < 0 or v > 1 then argerr("%s: %s = %s must be a probability, 0 to 1", what, key, fmtnum(v)) end
  return v
end

-- Link faults on the harness side of the link (any board): frames lost,
-- corrupted, duplicated, reordered, delayed, or lost in Gilbert-Elliott
-- bursts.  spec: { channel = "pump"|"fixture"|"all", dir = "both"|"to_board"|
-- "from_board", drop =, corrupt =, duplicate =, reorder = (probabilities),
-- delay =, jitter = (ns), burst = { p =, r =, loss_good =, loss_bad = } }.
function Bench:link_fault(spec)
  local what = "b:link_fault"
  if type(spec) ~= "table" then argerr("%s: spec must be a table, got %s", what, type(spec)) end
  known_keys(spec, LINK_KEYS, what, "option")
  local channel = choice(spec.channel or "all", CHANNELS, what, "channel", "'pump', 'fixture' or 'all'")
  local dir = choice(spec.dir or "both", DIRS, what, "dir", "'both', 'to_board' or 'from_board'")
  local cfg = {}
  for _, k in ipairs(LINK_PROBS) do cfg[k] = probability(spec[k], what, k) end
  for _, k in ipairs({ "delay", "jitter" }) do
    cfg[k] = need_number(spec[k], what, k, { integer = true, unit = "ns", min = 0, max = MAX_NS,
                                             maxtext = "10000 days" }, true)
  end
  if spec.burst ~= nil then
    local b = spec.burst
    if type(b) ~= "table" then
      argerr("%s: burst must be a table { p =, r =, loss_good =, loss_bad = }, got %s", what, type(b))
    end
    known_keys(b, BURST_KEYS, what, "burst option")
    if b.p == nil or b.r == nil then argerr("%s: burst needs p and r", what) end
    cfg.ge_p, cfg.ge_r = probability(b.p, what, "burst.p"), probability(b.r, what, "burst.r")
    cfg.ge_loss_good = probability(b.loss_good, what, "burst.loss_good") or 0
    cfg.ge_loss_bad = probability(b.loss_bad, what, "burst.loss_bad") or 1
  end
  ph.linkfault(channel, dir, cfg)
  self:mark("fault_on", { fault = "link", channel = channel, dir = dir })
end

function Bench:link_clear()
  ph.linkfault_clear()
  self:mark("fault_off", { fault = "link" })
end

-- What the link-fault layer did on one path: frames, dropped, corrupted...
function Bench:link_stats(channel, dir)
  choice(channel, { pump = true, fixture = true }, "b:link_stats", "channel", "'pump' or 'fixture'")
  choice(dir, { to_board = true, from_board = true }, "b:link_stats", "dir", "'to_board' or 'from_board'")
  return ph.linkfault_stats(channel, dir)
end

-- How this test's link times out and how slow it has been: the reply
-- timeout and retries of every command, and the longest round trip so far
-- (bench ns; 0 on sim, where a command takes no bench time).
function Bench:link_timing()
  local timeout, retries = ph.link_timing()
  return { reply_timeout = timeout, retries = retries, rtt_max = ph.stats().rtt_max_ns }
end

function Bench:log(msg) log(msg) end

-- Record a harness event (fault on/off...) in the trace.
function Bench:mark(kind, fields)
  if type(kind) ~= "string" then argerr("b:mark: kind must be a string, got %s", type(kind)) end
  if fields ~= nil and type(fields) ~= "table" then
    argerr("b:mark: fields must be a table, got %s", type(fields))
  end
  local ev = { ev = kind }
  for k, v in pairs(fields or {}) do
    if type(k) == "string" and k ~= "ev" then
      ev[k] = (type(v) == "number" or type(v) == "boolean" or type(v) == "table") and v or tostring(v)
    end
  end
  ph.record(ev)
end

-- Every method of cls checks it was called with a colon: b.run_for(5 * s)
-- would otherwise fail deep inside the harness.
local function colon_guard(cls, label, example)
  for name, fn in pairs(cls) do
    if type(fn) == "function" then
      cls[name] = function(self, ...)
        if getmetatable(self) ~= cls then
          argerr("%s:%s: call it with a colon, %s:%s(...)", label, name, example, name)
        end
        return fn(self, ...)
      end
    end
  end
end

local function new_bench()
  local profile = ph.profile() or {}
  local b = setmetatable({ history = {}, profile = profile }, Bench)
  b.pump = setmetatable({ bench = b, open = false }, Pump)
  b.fixture = setmetatable({ bench = b, density_ug_ul = profile.fixture and profile.fixture.density_ug_ul }, Fixture)
  return b
end

------------------------------------------------------------------ drug libraries
local DRUGLIB_FILE_KEYS = { description = true, drugs = true }
local DRUG_KEYS = { id = true, name = true, max_conc_mg_ml = true, soft_mg_day = true,
                    hard_mg_day = true, source = true }
-- The largest figures the druglib_set message carries (ng/mL, ug/day in 32 bits).
local MAX_CONC_MG_ML, MAX_MG_DAY = 4294, 4294967

-- Why a drug library (fixture_data) is unusable, as one line naming the
-- file (path) and the entry, or nil when it is sound: its keys, an entry's
-- id (whole, 1..65535, unique), name (unique), and figures (numbers above
-- 0, the soft daily limit not above the hard one).
check_druglib = function(lib, path)
  if type(lib) ~= "table" then return path .. ": a drug library is a JSON object" end
  for k in pairs(lib) do
    if not DRUGLIB_FILE_KEYS[k] then return string.format("%s: unknown key '%s'", path, tostring(k)) end
  end
  if type(lib.drugs) ~= "table" or #lib.drugs == 0 then
    return path .. ": key 'drugs': must be a non-empty list of drugs"
  end
  local ids, names = {}, {}
  for i = 1, #lib.drugs do
    local d = lib.drugs[i]
    local where = string.format("%s: drugs[%d]", path, i)
    if type(d) ~= "table" then return where .. ": must be an object" end
    if type(d.name) == "string" then where = where .. string.format(" ('%s')", d.name) end
    for k in pairs(d) do
      if not DRUG_KEYS[k] then return string.format("%s: unknown key '%s'", where, tostring(k)) end
    end
    local bad = number_problem(d.id, "id", { integer = true, min = 1, max = 65535 })
      or (type(d.name) ~= "string" or d.name == "") and "name must be a non-empty string"
      or number_problem(d.max_conc_mg_ml, "max_conc_mg_ml", { gt = 0, max = MAX_CONC_MG_ML })
      or number_problem(d.soft_mg_day, "soft_mg_day", { gt = 0, max = MAX_MG_DAY })
      or number_problem(d.hard_mg_day, "hard_mg_day", { gt = 0, max = MAX_MG_DAY })
      or d.source ~= nil and type(d.source) ~= "string" and "source must be a string"
    if bad then return where .. ": " .. bad end
    if d.soft_mg_day > d.hard_mg_day then
      return string.format("%s: soft_mg_day %s is above hard_mg_day %s", where, fmtnum(d.soft_mg_day),
                           fmtnum(d.hard_mg_day))
    end
    if ids[d.id] then return string.format("%s: id %d is also drugs[%d]'s", where, d.id, ids[d.id]) end
    if names[d.name] then return string.format("%s: name '%s' is also drugs[%d]'s", where, d.name, names[d.name]) end
    ids[d.id], names[d.name] = i, i
  end
  for k in pairs(lib.drugs) do
    if math.type(k) ~= "integer" or k < 1 or k > #lib.drugs then
      return path .. ": key 'drugs': must be a list"
    end
  end
end
M.check_druglib = check_druglib

------------------------------------------------------------------ runner side
-- The most values annotate() may add to one test's record entry, and how
-- many the running test may still add.
local ANNOTATE_MAX_VALUES = 100000
local annotate_left = { ANNOTATE_MAX_VALUES }

-- A copy of v made of plain data only (tables without metatables, strings,
-- numbers, booleans), read without running any metamethod of v; left[1]
-- counts down the values it may still hold.  Anything else, more than 32
-- levels or too many values is an error naming the script line.
local function plain(v, what, left, depth)
  local t = type(v)
  if t == "string" or t == "boolean" then return v end
  if t == "number" then
    if not finite(v) then argerr("%s: %s is not a finite number", what, tostring(v)) end
    return v
  end
  if t ~= "table" then argerr("%s: a %s cannot go into the record", what, t) end
  if depth >= 32 then argerr("%s: nested more than 32 levels deep", what) end
  local out = {}
  for k, x in next, v do
    left[1] = left[1] - 1
    if left[1] < 0 then argerr("%s: more than %d values in the record", what, ANNOTATE_MAX_VALUES) end
    local kt = type(k)
    if kt ~= "string" and not (kt == "number" and finite(k)) then
      argerr("%s: a key must be a string or a number, not a %s", what, kt)
    end
    out[k] = plain(x, what, left, depth + 1)
  end
  return out
end

-- The protocol's code tables, both ways, as a copy a script may change.
local function copy_codes()
  local out = {}
  for tbl, t in pairs(ph.codes) do
    local c = {}
    for k, v in pairs(t) do c[k] = v end
    out[tbl] = c
  end
  return out
end

-- Environment for a script file: the test language over the sandbox's
-- globals; writes stay in the file's own table.
function M.env_for(file)
  R.file = file
  R.suite = nil
  local env = {
    suite = suite, test = test, expect = expect, measure = measure, units = U,
    print = function(...)
      local parts = {}
      for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
      log(table.concat(parts, "\t"))
    end,
    fixture_data = function(name) return ph.fixture_data(name) end,
    codes = copy_codes(),
    -- fail(msg[, where]): where ("file:line") names the place at fault when
    -- it is not the caller's line (e.g. a map entry a generated test checks).
    fail = function(msg, where) fail(msg, nil, type(where) == "string" and where or nil) end,
    -- skip(reason): end the test now with verdict "skip" (it could not run here).
    skip = function(reason)
      if not current then argerr("skip() outside a test") end
      current.skip_reason = tostring(reason)
      error("skipped: " .. tostring(reason), 0)
    end,
    -- annotate(key, table): extra plain data in the test's record entry.
    annotate = function(key, value)
      if not current then argerr("annotate() outside a test") end
      if type(key) ~= "string" or current[key] ~= nil then
        argerr("annotate: key must be a new string, not %s", type(key) == "string" and key or type(key))
      end
      current[key] = plain(value, "annotate '" .. key .. "'", annotate_left, 0)
    end,
  }
  for k, v in pairs(U) do env[k] = v end
  return setmetatable(env, { __index = _G })
end

-- Tests defined so far: a list of plain descriptions.
function M.list()
  local out = {}
  for i, t in ipairs(R.tests) do
    out[i] = { id = i, file = t.file, line = t.line, suite = t.suite.name, name = t.name,
               tags = t.tags, req = t.req, hazard = t.hazard, timeout = t.timeout,
               wall_timeout = t.wall_timeout, xfail = t.xfail }
  end
  return out
end

local adapter -- the pump's Lua adapter for this test (pumphil_adapter.lua), or nil
local adapter_state -- "wanted" until the test first speaks to the pump, or the load error

local function skip_test(reason)
  current.skip_reason = tostring(reason)
  error("skipped: " .. tostring(reason), 0)
end

function M.begin(id)
  local t = R.tests[id]
  first_board_us = nil
  adapter, adapter_state = nil, nil
  annotate_left = { ANNOTATE_MAX_VALUES }
  current = { id = id, verdict = "pass", checks = 0, measurements = {}, log = {}, bench = true }
  R.results[id] = current
  t.bench = new_bench()
  if ph.adapter_file() then adapter_state = "wanted" end
  faults.begin(t.bench)
  math.randomseed(ph.seed())
  ph.record { ev = "test_start", name = t.name, suite = t.suite.name, file = t.file,
              line = t.line, tags = t.tags, req = t.req, hazard = t.hazard }
end

-- One phase of a test: "suite_setup", "setup", "body", "teardown",
-- "after_each", "faults_off", "suite_teardown" (the runner runs each of the
-- last four whatever happened before).  Raises on failure; the runner
-- classifies it.  No phase catches an error to raise it again: the message
-- handler must see where it was raised.
function M.phase(id, which)
  local t = R.tests[id]
  local s, b = t.suite, t.bench
  if which == "suite_setup" then
    if s.setup and not s.ran_setup then s.ran_setup = true; s.setup(b) end
  elseif which == "setup" then
    if s.before_each then s.before_each(b) end
    if t.setup then t.setup(b) end
  elseif which == "body" then
    t.fn(b, t.case)
  elseif which == "teardown" then
    if t.teardown then t.teardown(b) end
  elseif which == "after_each" then
    if s.after_each then s.after_each(b) end
  elseif which == "faults_off" then
    faults.finish() -- whatever the teardowns did: leave the rig without faults
  elseif which == "suite_teardown" then
    s.pending = s.pending - 1
    if s.pending == 0 and s.teardown and s.ran_setup then s.teardown(b) end
  end
end

-- Before the first test of a run: the fault catalogue and the drug
-- library (read by C with duplicate keys rejected, and given here as
-- tables), the catalogue's profile keys checked against the bench profile.
-- Returns the first problem as one line naming the file and the entry, or
-- nothing.
function M.check_fixtures(catalogue, catalogue_path, druglib, druglib_path, profile)
  return faults.check_catalogue(catalogue, catalogue_path, profile) or check_druglib(druglib, druglib_path)
end

-- kind, message, place of a failure raised by fail(); nothing for any other value.
function M.failure_info(e)
  local f = genuine[e]
  if f then return f.kind, tostring(f.msg), f.where end
end

-- Close a test: its result table (verdict set by the runner first).
function M.finish(id, verdict, message, where)
  local r = R.results[id]
  if verdict == "pass" and r.measure_fail then
    verdict, message, where = "fail", r.measure_fail, r.measure_where
  end
  if r.skip_reason then
    verdict, message, where = "skip", r.skip_reason, nil
    r.skip_reason = nil
  end
  r.verdict, r.message, r.where = verdict, message, where
  r.bench = nil
  ph.record { ev = "test_end", name = R.tests[id].name, verdict = verdict, message = message,
              where = where, checks = r.checks }
  R.tests[id].bench = nil
  current = nil
  adapter, adapter_state = nil, nil
  return r
end

-- Test IDs whose suite still has a pending suite teardown but was not run
-- (filtered out): nothing to do, teardown only runs after setup ran.

function M.init(primitives)
  ph = primitives
  M.units = U
  -- The adapter loads when the test first speaks to the pump, inside the
  -- test's phases: its errors are the test's, with its file:line.
  local function current_adapter()
    if adapter_state == "wanted" then
      adapter_state = "loading"
      local ok, a = pcall(require("pumphil.adapter").open, ph, skip_test, U)
      if not ok then adapter_state = { err = a }; error(a, 0) end
      adapter, adapter_state = a, "open"
    elseif type(adapter_state) == "table" then
      error(adapter_state.err, 0)
    end
    return adapter
  end
  require("pumphil.adapter").route(ph, current_adapter, skip_test)
  faults = require("pumphil.faults").install { ph = ph, U = U, fail = fail, measure = measure,
                                               Bench = Bench, number_problem = number_problem,
                                               colon_guard = colon_guard }
  colon_guard(Bench, "b", "b")
  colon_guard(Pump, "pump", "b.pump")
  colon_guard(Fixture, "fixture", "b.fixture")
  return M
end

return M
