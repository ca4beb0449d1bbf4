-- pumphil_setup.lua - set-up recipes the regression suites share, so each
-- test states only what it is about.  Scripts load it with
-- `local setup = require "pumphil.setup"`.  Units as in the test language
-- (nL, ns, ng per nL for concentrations).

local S = {}

local mL = 1000000
S.EPOCH_2026 = 1767225600000 -- 2026-01-01T00:00:00Z, ms: a fixed wall clock
S.DAY_MS = 86400000

-- A pump ready to deliver: drug library loaded, reservoir refilled (the rig's
-- true reservoir set to the same volume, as a clinician fills it), optional
-- wall clock, prescription committed, balance tared, delivery started, and
-- every event of the set-up drained so waits see only what follows.
--   o.drug (library id, default 1), o.conc (ng/nL), o.volume (nL, 20 mL),
--   o.low_residual (nL), o.clock (epoch ms), o.rx (prescription fields
--   other than drug/conc), o.start (default true)
-- Returns the commit outcome (with .crc).  With o.clock, b.wall = { t = bench
-- time the clock was set, epoch = o.clock } for S.wall_at.
function S.ready(b, o)
  local pump, fx = b.pump, b.fixture
  local volume = o.volume or 20 * mL
  pump:load_druglib()
  fx:set("RESERVOIR_NL", volume)
  pump:refill { volume = volume, drug = o.drug or 1, conc = o.conc, low_residual = o.low_residual }
  if o.clock then
    pump:set_clock(o.clock)
    b.wall = { t = b:now(), epoch = o.clock }
  end
  local rx = {}
  for k, v in pairs(o.rx or {}) do rx[k] = v end
  rx.drug = rx.drug or o.drug or 1
  rx.conc = rx.conc or o.conc
  local c = pump:program(rx)
  fx:tare()
  if o.start ~= false then pump:start() end
  b:run_for(0)
  return c
end

-- Strokes counted on the motor line by the rig.
function S.strokes(b) return b.fixture:read().motor_strokes end

-- Events seen since bench time t0 (inclusive) that match filter.
function S.since(b, t0, filter)
  local out = {}
  for _, ev in ipairs(b:events(filter)) do
    if ev.t >= t0 then out[#out + 1] = ev end
  end
  return out
end

-- Time (bench ns) at which the pump's wall clock, set by S.ready (b.wall),
-- reads the given "hh:mm" on day `day` (0 = the day it was set).
function S.wall_at(b, day, hhmm)
  local t_set, epoch_ms = b.wall.t, b.wall.epoch
  local hh, mm = hhmm:match("^(%d%d?):(%d%d)$")
  local midnight = epoch_ms - epoch_ms % S.DAY_MS
  local target = midnight + day * S.DAY_MS + (tonumber(hh) * 60 + tonumber(mm)) * 60000
  return t_set + (target - epoch_ms) * 1000000
end

-- Send a raw pump request that may be lost (RF loss, reset): returns the
-- reply, or nil and the harness's failure message, instead of failing.
function S.try_call(b, name, fields)
  local ok, r, err = pcall(b.pump.call, b.pump, name, fields)
  if not ok then return nil, tostring(r) end
  return r, err
end

return S
