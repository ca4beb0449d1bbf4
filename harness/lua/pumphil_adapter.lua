-- pumphil_adapter.lua - the pump behind a Lua adapter (docs/adapters.md).
--
-- With `pumphil run --adapter FILE`, every pump message a test sends and
-- every pump event it waits for go through FILE instead of pumphil's own
-- protocol: this module loads FILE for each test (its environment is a
-- script's plus line, framing and crc), checks what it returns, and puts
-- it behind the two primitives the test language is built on, call("pump",
-- ...) and next_event(deadline).  Everything else (the fixture, the clock,
-- the faults on the rig) stays where it was.
--
-- A misbehaving adapter is a test error naming its file and line: a Lua
-- error raised in it carries its place; a wrong return shape names the
-- function that returned it; a hang is stopped by the test's watchdog
-- (line.recv honours it too).
local M = {}

local function where(ph, fn) return ph.fn_where(fn) end

local function shape_error(ph, A, fn, msg)
  error(string.format("adapter %s: %s (%s)", A.name or "?", msg, where(ph, fn)), 0)
end

-- What a message the adapter lacks does to the test: skip it, naming why.
local function lacking(A, name)
  local why = A.lacks and A.lacks[name]
  if why then
    return string.format("adapter %s cannot %s: %s", A.name, name, tostring(why))
  end
end

-- A reply the adapter gave, checked and completed: type, t, t_sent, board_us.
local function reply(ph, A, name, t_sent, r, err, code, nak)
  if r == nil then
    if type(err) ~= "string" or (code ~= "nak" and code ~= "timeout" and code ~= "io") then
      shape_error(ph, A, A.call, string.format(
        "call('%s') returned nil without a message and a code (nak, timeout or io)", name))
    end
    if code == "nak" and (type(nak) ~= "table" or math.type(nak.code) ~= "integer") then
      shape_error(ph, A, A.call, string.format("call('%s'): a NAK needs { code = integer }", name))
    end
    return nil, err, code, nak
  end
  if type(r) ~= "table" then
    shape_error(ph, A, A.call, string.format("call('%s') returned a %s, expected a reply table",
                                             name, type(r)))
  end
  if type(r.type) ~= "string" then
    shape_error(ph, A, A.call, string.format("call('%s'): the reply has no type name", name))
  end
  r.t = r.t or ph.now()
  r.t_sent = r.t_sent or t_sent
  r.board_us = r.board_us or 0
  r.attempts = r.attempts or 1
  return r
end

-- An event the adapter gave, checked and completed with codes and names.
local function event(ph, A, ev)
  if ev == nil then return nil end
  if type(ev) ~= "table" or type(ev.name) ~= "string" then
    shape_error(ph, A, A.next_event, "next_event returned " ..
                (type(ev) == "table" and "a table without a name" or "a " .. type(ev)))
  end
  local codes = ph.codes
  ev.code = ev.code or codes.EV[ev.name]
  if ev.code == nil then shape_error(ph, A, A.next_event, "unknown event '" .. ev.name .. "'") end
  if type(ev.alarm) == "string" then ev.alarm_code = ev.alarm_code or codes.ALARM[ev.alarm] end
  ev.alarm_code = ev.alarm_code or 0
  if ev.alarm == nil and ev.alarm_code ~= 0 then ev.alarm = codes.ALARM[ev.alarm_code] end
  if type(ev.priority) ~= "string" then ev.priority = codes.PRIO[ev.priority or 0] or "?" end
  ev.t = ev.t or ph.now()
  ev.board_us = ev.board_us or 0
  ev.evseq = ev.evseq or 0
  ev.arg = ev.arg or 0
  return ev
end

-- Load the adapter for this test.  skip(reason) ends the test as skipped.
-- Returns { name, call(name, fields), next_event(deadline), lacks(name) }.
function M.open(ph, skip, units)
  local chunk = ph.adapter_load(units)
  local A = chunk()
  local file = ph.adapter_file()
  if type(A) ~= "table" or type(A.call) ~= "function" or type(A.next_event) ~= "function" then
    error(string.format("%s: an adapter returns a table with call and next_event functions, " ..
                        "got %s", file, type(A)), 0)
  end
  if A.name == nil then A.name = file:match("([^/]+)%.lua$") or file end
  if A.lacks ~= nil and type(A.lacks) ~= "table" then
    error(string.format("%s: lacks must be a table { message = reason }", file), 0)
  end
  if A.open then A.open { now = ph.now, codes = ph.codes } end
  local self = { name = A.name }
  function self.lacks(name) return lacking(A, name) end
  function self.call(name, fields)
    local why = lacking(A, name)
    if why then skip(why) end
    local t_sent = ph.now()
    return reply(ph, A, name, t_sent, A.call(name, fields or {}))
  end
  function self.next_event(deadline)
    return event(ph, A, A.next_event(deadline))
  end
  return self
end

-- Put the adapter (a function returning the current one, or nil) behind
-- the primitives: pump calls and events go to it; raw pumphil frames on
-- the pump channel cannot, and skip the test.
function M.route(ph, current, skip)
  local raw_call, raw_next = ph.call, ph.next_event
  ph.call = function(channel, name, fields)
    local a = channel == "pump" and current()
    if a then return a.call(name, fields) end
    return raw_call(channel, name, fields)
  end
  ph.next_event = function(deadline)
    local a = current()
    if a then return a.next_event(deadline) end
    return raw_next(deadline)
  end
  for _, prim in ipairs { "send", "send_raw", "encode" } do
    local raw = ph[prim]
    ph[prim] = function(channel, ...)
      local a = channel == "pump" and current()
      if a and channel == "pump" then
        skip(string.format("adapter %s cannot carry raw pumphil frames (%s)", a.name, prim))
      end
      return raw(channel, ...)
    end
  end
  -- Link faults act on pumphil's frames: the pump's line is the adapter's.
  local raw_lf = ph.linkfault
  ph.linkfault = function(channel, ...)
    local a = (channel == "pump" or channel == "all") and current()
    if a then
      skip(string.format("adapter %s: link faults act on pumphil's frames, not on its line", a.name))
    end
    return raw_lf(channel, ...)
  end
  local raw_uns = ph.unsolicited
  ph.unsolicited = function(...)
    local a = current()
    if a then skip(string.format("adapter %s has no pumphil frames to read", a.name)) end
    return raw_uns(...)
  end
end

return M
