-- The Lua API itself, function by function, against the reference firmware.
suite { name = "api", tags = { "api" } }

local function ready(b, rate, conc)
  conc = conc or (10 * mg / mL)
  b.pump:load_druglib()
  b.pump:refill { volume = 20 * mL, drug = 1, conc = conc }
  b.pump:program { mode = "continuous", rate = rate or (1 * mL / day), drug = 1, conc = conc,
                   patient_bolus = { dose = 50 * uL, duration = 5 * min, lockout = 2 * h, max_per_day = 4 } }
  b.pump:start()
end

test("checks", function(b)
  expect.ne(1, 2, "ne")
  expect.lt(1, 2, "lt"); expect.le(2, 2, "le"); expect.gt(3, 2, "gt"); expect.ge(3, 3, "ge")
  expect.falsy(false, "falsy"); expect.truthy(1, "truthy"); expect(true, "call form")
  expect.near(1.0, 1.05, 0.1, "near")
  local ok = pcall(expect.eq, 1, 2, "deliberate")
  expect.falsy(ok, "a failing check raises")
end)

test("sessions, status and the clock", function(b)
  b.pump:session(30 * s)
  local s0 = b.pump:status()
  expect.eq(s0.session, 1, "session open")
  b.pump:close_session()
  expect.eq(b.pump:status().session, 0, "session closed")
  b.pump:set_clock(1767225600000) -- 2026-01-01T00:00:00Z
  expect.eq(b:now() >= 0, true, "bench clock")
  b:run_until(b:now() + 10 * s)
  expect.ge(b:now(), 10 * s, "run_until")
end)

test("programming outcomes", function(b)
  b.pump:load_druglib()
  local r = b.pump:try_program { mode = "continuous", rate = 3 * mL / day, drug = 1, conc = 10 * mg / mL }
  expect.refused(r, "HARD_LIMIT", "30 mg/day of morphine")
  r = b.pump:try_program { mode = "continuous", rate = 1 * mL / day, drug = 1, conc = 10 * mg / mL, commit = false }
  expect.ok(r, "staged and verified")
  expect.truthy(r.staged, "not committed")
  expect.eq(b.pump:status().mode, 0, "nothing committed yet")
  b.pump:druglib { id = 9, max_conc = 1 * mg / mL, soft = 1 * mg, hard = 2 * mg }
  expect.refused(b.pump:try_program { mode = "continuous", rate = 1 * mL / day, drug = 9, conc = 2 * mg / mL },
                 "CONC_LIMIT", "above the new entry's maximum concentration")
end)

test("start, stop and refill outcomes", function(b)
  expect.refused(b.pump:try_start(), nil, "start with nothing committed")
  ready(b)
  b.pump:stop()
  expect.eq(b.pump:status().running, 0, "stopped")
  expect.ok(b.pump:try_start(), "start again")
  expect.ok(b.pump:try_stop(), "stop again")
  expect.ok(b.pump:try_refill { volume = 18 * mL, drug = 1, conc = 10 * mg / mL }, "refill")
  expect.near(b.pump:status().reservoir_nl, 18 * mL, 1, "computed reservoir after refill")
end)

test("boluses and the event log", function(b)
  ready(b)
  local r = b.pump:bolus { kind = "patient", id = 77 }
  expect.eq(r.volume, 50 * uL, "patient bolus volume")
  local again = b.pump:try_bolus { kind = "patient", id = 77 }
  expect.ok(again, "a repeated id returns the first answer")
  expect.refused(b.pump:try_bolus { kind = "patient", id = 78 }, "BOLUS_ACTIVE", "second bolus while the first runs")
  local done = b:wait_event({ name = "BOLUS_END" }, { within = 10 * min })
  expect.le(done.latency, 6 * min, "bolus ends after its duration")
  expect.refused(b.pump:try_bolus { kind = "patient", id = 79 }, "LOCKOUT", "inside the lockout")
  local log = b.pump:log()
  local seen = {}
  for _, e in ipairs(log) do seen[e.name] = true end
  expect.truthy(seen.BOLUS_START and seen.BOLUS_END and seen.RX_COMMIT, "log holds the bolus and the commit")
  expect.ge(#b:events { name = "BOLUS_START" }, 1, "events seen by the test")
end)

test("alarms, hooks and acknowledgement", function(b)
  ready(b, 5 * mL / day, 1 * mg / mL)
  b.pump:alarm_test()
  b:wait_event({ name = "ALARM_TEST" }, { within = 1 * min })
  b.fixture:pinch(1000)
  b:mark("fault_on", { fault = "occlusion" })
  local ev = b:wait_alarm("OCCLUSION", { within = 2 * h })
  expect.eq(ev.priority, "HIGH", "occlusion priority")
  b.fixture:pinch(0)
  b:run_for(5 * min)
  local a = b.pump:ack_alarm("OCCLUSION")
  expect.ok(a, "acknowledge once the line is clear")
  expect.ok(b.pump:hook("MOTOR_STALL", 1), "stall hook")
  b:wait_alarm("MOTOR_STALL", { within = 2 * h })
  b:log("stall seen")
end)

test("fixture controls", function(b)
  ready(b)
  b.fixture:supply(2600)
  b:run_for(1 * min)
  expect.eq(b.fixture:read().supply_mv, 2600, "supply set")
  b.fixture:rf_loss(0)
  local s = b.fixture:read()
  expect.eq(s.rf_loss_pm, 0, "rf loss")
  local v = b:wait_until(function() return b.pump:status().alarm_set.BATTERY_EOS end,
                         { within = 10 * min, what = "end-of-service alarm" })
  expect.truthy(v, "EOS seen")
  local ok = pcall(b.fixture.set, b.fixture, "PINCH_PM", 2000)
  expect.falsy(ok, "out-of-range fixture value is an error, not a clamp")
end)

test("resets and raw calls", function(b)
  ready(b)
  b:run_for(1 * h)
  b.fixture:reset("watchdog")
  b:wait_event({ name = "BOOT" }, { within = 1 * min })
  local st = b.pump:status()
  expect.eq(st.running, 1, "therapy resumed after the reset")
  local r, err = b.pump:call("interrogate", {})
  expect.truthy(r and r.type == "status", "raw call: " .. tostring(err))
end)

test("fixture data and globals", function(b)
  local lib = fixture_data("druglib")
  expect.ge(#lib.drugs, 3, "drug library entries")
  expect.eq(units.fmt_time(90 * min), "1.500 h", "time formatting")
  local ok = pcall(fail, "deliberate")
  expect.falsy(ok, "fail raises")
end)

test("link timing and answers that arrive early", function(b)
  ready(b)
  local lt = b:link_timing()
  expect.eq(lt.reply_timeout, 250 * ms, "reply timeout on sim")
  expect.eq(lt.retries, 3, "retries")
  expect.eq(lt.rtt_max, 0, "a command takes no bench time on sim")
  local t = b:now()
  b.pump:bolus { kind = "clinician", amount = 10 * uL, duration = 1 * min }
  b:run_for(1 * s) -- BOLUS_START arrives while the script is busy elsewhere
  expect.eq(b:wait_event({ name = "BOLUS_START" }, { within = 1 * s, optional = true }), nil,
            "an event that came before the wait does not match it")
  local ev = b:wait_event({ name = "BOLUS_START" }, { within = 1 * s, since = t })
  expect.ge(ev.t, t, "the event from history, at or after since")
  expect.le(ev.latency, 0, "it arrived before the wait began")
end)

test("link faults on the harness side", function(b)
  ready(b)
  -- Lose half of the pump channel's frames both ways. A command can still
  -- run out of link retries, so the script re-sends the bolus with the same
  -- id, as a careful host would: however many copies reach the board, one
  -- bolus is delivered. Written to hold for any seed, not just the default.
  b:link_fault { channel = "pump", drop = 0.5 }
  local r, tries = nil, 0
  repeat
    tries = tries + 1
    local ok, v = pcall(b.pump.bolus, b.pump,
                        { kind = "clinician", amount = 20 * uL, duration = 2 * min, id = 4242 })
    if ok then r = v end
  until r or tries == 30
  expect.truthy(r, "bolus accepted over a lossy link within 30 sends")
  expect.eq(r.volume, 20 * uL, "bolus accepted over a lossy link")
  for _ = 1, 20 do pcall(b.pump.status, b.pump) end
  local st = b:link_stats("pump", "to_board")
  expect.gt(st.dropped, 0, "the layer dropped frames to the board")
  expect.eq(st.dropped + st.delivered, st.frames, "every frame dropped or delivered")
  b:link_clear()
  b:wait_event({ name = "BOLUS_END" }, { within = 10 * min, include_past = true })
  local starts = b:events { name = "BOLUS_START" }
  expect.eq(#starts, 1, "one bolus started, however often the request was resent")
  local bad = pcall(b.link_fault, b, { drop = 2 })
  expect.falsy(bad, "a probability above 1 is an error")
  bad = pcall(b.link_fault, b, { lose = 0.1 })
  expect.falsy(bad, "an unknown link fault is an error")
end)
