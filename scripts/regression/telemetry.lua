-- Telemetry session: atomic programming (mismatched and lost commits,
-- incomplete staging), idempotent boluses, session timeout, event log
-- readout, and exactly-once therapy commands over a lossy link.
--
-- No long tests: each takes under 5 min of bench time.
local setup = require "pumphil.setup"

suite { name = "Telemetry session", tags = { "telemetry" } }

local A_RATE, B_RATE = 240000, 60000 -- nL/h (morphine 1 mg/mL)

local function baseline(b)
  return setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = A_RATE * nL / h } })
end

-- The old prescription is the one committed, reported and delivered.
local function expect_old(b, old, what)
  local st = b.pump:status()
  expect.eq(st.rx_crc, old.crc, what .. ": committed prescription CRC")
  expect.eq(st.mode_name, "CONTINUOUS", what .. ": mode")
  expect.eq(st.rate_nl_h, A_RATE, what .. ": rate set-point")
  local n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, A_RATE / 60 / b.profile.pump.stroke_nl, 1, what .. ": strokes in 1 min")
end

local staged_cases = {
  { label = "continuous to continuous", rx = { mode = "continuous", conc = 1 * mg / mL, rate = B_RATE * nL / h } },
  { label = "continuous to flexible", rx = { mode = "flexible", conc = 1 * mg / mL,
    steps = { { "00:00", B_RATE * nL / h }, { "12:00", 2 * B_RATE * nL / h } } } },
}

test("a commit with a mismatched CRC leaves the old prescription", {
  req = { "REQ-TEL-001", "REQ-LIB-006" }, hazard = { "HAZ-RX" }, cases = staged_cases,
}, function(b, case)
  local old = baseline(b)
  local staged = b.pump:try_program(setmetatable({ commit = false }, { __index = case.rx }))
  expect.truthy(staged.staged, "prescription staged and verified")
  local r = b.pump:command("rx_commit", { crc = staged.crc ~ 1 })
  expect.eq(r.result, 3, "commit with a wrong CRC: result (3 = CRC_MISMATCH)")
  expect_old(b, old, "after the mismatched commit")
  expect.eq(#setup.since(b, 0, { name = "RX_COMMIT" }), 1, "RX_COMMIT events (the old prescription only)")
  local ok = b.pump:command("rx_commit", { crc = staged.crc })
  expect.eq(ok.result, 0, "commit with the right CRC: result")
  local st = b.pump:status()
  expect.eq(st.rx_crc, staged.crc, "committed prescription CRC after the right commit")
  expect.eq(st.rate_nl_h, B_RATE, "rate after the right commit")
end)

test("a commit lost on the air leaves the old prescription", {
  req = { "REQ-TEL-001" }, hazard = { "HAZ-RX", "HAZ-LINK" },
}, function(b)
  local old = baseline(b)
  local staged = b.pump:try_program { mode = "continuous", conc = 1 * mg / mL, rate = B_RATE * nL / h, commit = false }
  b.fixture:rf_loss(1000)
  b:mark("fault_on", { fault = "rf_loss", permille = 1000 })
  local r, err = setup.try_call(b, "rx_commit", { crc = staged.crc })
  b.fixture:rf_loss(0)
  b:mark("fault_off", { fault = "rf_loss" })
  expect.falsy(r, "reply to a commit sent into total RF loss")
  b:log("commit lost: " .. tostring(err))
  expect_old(b, old, "after the lost commit")
  -- The clinician commits again: the staged prescription applies whole.
  local c = b.pump:command("rx_commit", { crc = staged.crc })
  expect.eq(c.result, 0, "repeated commit: result")
  local st = b.pump:status()
  expect.eq(st.rx_crc, staged.crc, "prescription after the repeated commit")
  expect.eq(st.rate_nl_h, B_RATE, "rate after the repeated commit")
end)

test("incomplete or replaced staging cannot be committed", {
  req = { "REQ-TEL-002", "REQ-TEL-001" }, hazard = { "HAZ-RX" },
}, function(b)
  local pump = b.pump
  local old = baseline(b)
  -- Flexible with 3 steps announced, 2 sent.
  pump:command("rx_begin", { mode = 2, drug_id = 1, conc_ng_ml = 1000000, rate_nl_h = 0, nsteps = 3,
                             pb_dose_nl = 0, pb_duration_s = 0, pb_lockout_s = 0, pb_max_per_day = 0 })
  pump:command("rx_step", { index = 0, start_min = 0, rate_nl_h = B_RATE })
  pump:command("rx_step", { index = 1, start_min = 600, rate_nl_h = B_RATE })
  local v = pump:command("rx_verify", {})
  expect.eq(v.complete, 0, "rx_verify complete flag with a step missing")
  local r = pump:command("rx_commit", { crc = v.crc })
  expect.eq(r.result, 2, "commit of incomplete staging: result (2 = NO_STAGED)")
  -- A complete staging replaced by a new rx_begin is gone.
  local staged = pump:try_program { mode = "continuous", conc = 1 * mg / mL, rate = B_RATE * nL / h, commit = false }
  pump:command("rx_begin", { mode = 2, drug_id = 1, conc_ng_ml = 1000000, rate_nl_h = 0, nsteps = 2,
                             pb_dose_nl = 0, pb_duration_s = 0, pb_lockout_s = 0, pb_max_per_day = 0 })
  r = pump:command("rx_commit", { crc = staged.crc })
  expect.ne(r.result, 0, "commit of a staging discarded by a new rx_begin")
  expect_old(b, old, "after the refused commits")
end)

test("a repeated bolus request id doses once", {
  req = { "REQ-TEL-003" }, hazard = { "HAZ-OVER", "HAZ-LINK" },
  cases = { { label = "clinician", kind = "clinician" }, { label = "patient", kind = "patient" } },
}, function(b, case)
  local stroke = b.profile.pump.stroke_nl
  setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = A_RATE * nL / h,
    patient_bolus = { dose = 20 * uL, duration = 1 * min, lockout = 1 * h, max_per_day = 4 } } })
  local req = { kind = case.kind, id = 4242, amount = 20 * uL, duration = 1 * min }
  local n0, t0, w0 = setup.strokes(b), b:now(), b.fixture:delivered_nl()
  local first = b.pump:try_bolus(req)
  expect.ok(first, "first request")
  b:run_for(20 * s)
  local again = b.pump:try_bolus(req)
  expect.eq(again.reason, first.reason, "repeat during the bolus: result")
  expect.eq(again.volume, first.volume, "repeat during the bolus: volume")
  b:run_for(1 * min)
  local late = b.pump:try_bolus(req)
  expect.eq(late.reason, first.reason, "repeat after the bolus: result")
  expect.eq(late.volume, first.volume, "repeat after the bolus: volume")
  b:run_for(2 * min)
  expect.eq(#setup.since(b, t0, { name = "BOLUS_START" }), 1, "BOLUS_START events")
  local basal = A_RATE * (b:now() - t0) / h / stroke
  expect.near(setup.strokes(b) - n0 - basal, first.volume / stroke, 1, "bolus strokes (total minus basal)")
  measure("bolus volume weighed for three requests with one id (minus basal)",
          (b.fixture:delivered_nl() - w0 - A_RATE * (b:now() - t0) / h) / uL,
          { unit = "uL", nominal = first.volume / uL, tol_pct = b.profile.accuracy_pct })
end)

test("a repeated id gets its first answer, even a refusal", {
  req = { "REQ-TEL-003" }, hazard = { "HAZ-OVER" },
}, function(b)
  setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = A_RATE * nL / h,
    patient_bolus = { dose = 10 * uL, duration = 30 * s, lockout = 2 * min, max_per_day = 4 } } })
  b.pump:bolus { kind = "patient" }
  b:run_for(1 * min)
  local refused = expect.refused(b.pump:try_bolus { kind = "patient", id = 777 }, "LOCKOUT",
                                 "request 777 in the lockout")
  b:run_for(2 * min)
  local again = b.pump:try_bolus { kind = "patient", id = 777 }
  expect.eq(again.reason, refused.reason, "request 777 repeated after the lockout: its first answer")
  expect.ok(b.pump:try_bolus { kind = "patient", id = 778 }, "a new request after the lockout")
end)

test("an idle session times out and therapy commands are refused", {
  req = { "REQ-TEL-004" }, hazard = { "HAZ-LINK", "HAZ-RX" },
}, function(b)
  local c = baseline(b)
  local o = b.pump:session(60 * s)
  expect.eq(o.detail, 60, "session timeout the pump accepted (s)")
  local t_open = b:now()
  local ev = b:wait_event({ name = "SESSION_CLOSE" }, { within = 2 * min })
  expect.eq(ev.arg, 1, "SESSION_CLOSE cause (1 = timeout)")
  measure("session closed after", (ev.t - t_open) / s, { unit = "s", min = 60, max = 61 })
  local r, err = b.pump:call("stop", {})
  expect.falsy(r, "stop without a session answered")
  expect.eq(err.reason, "NAK NO_SESSION", "stop without a session")
  local st = b.pump:status()
  expect.eq(st.session, 0, "status.session after the timeout")
  expect.eq(st.running, 1, "still running (the refused stop did nothing)")
  expect.eq(st.rx_crc, c.crc, "prescription after the timeout")
  local d = b.pump:session()
  expect.eq(d.detail, b.profile.pump.session_timeout_s, "default session timeout (s)")
end)

test("event log readout: every therapy event, in order, with board time", {
  req = { "REQ-TEL-005" }, hazard = { "HAZ-ALARM" },
}, function(b)
  local pump = b.pump
  local c = baseline(b)
  pump:bolus { kind = "clinician", amount = 5 * uL, duration = 1 * min }
  b:run_for(2 * min)
  pump:stop()
  b:run_for(1 * s)
  local log = pump:log()
  local want = { "BOOT", "REFILL", "RX_COMMIT", "START", "BOLUS_START", "BOLUS_END", "STOP" }
  local seen, k, prev = {}, 1, -1
  for _, e in ipairs(log) do
    expect.ge(e.t_us, prev, "log entry times ascend")
    prev = e.t_us
    if e.name == want[k] then
      seen[want[k]] = e
      k = k + 1
    end
  end
  expect.eq(k - 1, #want, "therapy events found in order (" .. table.concat(want, ", ") .. ")")
  expect.eq(seen.BOOT.arg, 0, "BOOT cause (power-on)")
  expect.eq(seen.REFILL.arg, 20000, "REFILL volume (uL)")
  expect.eq(seen.RX_COMMIT.arg & 0xffffffff, c.crc, "RX_COMMIT carries the prescription CRC")
  expect.eq(seen.BOLUS_START.arg, 1, "BOLUS_START kind")
  expect.eq(seen.BOLUS_END.arg, 5000, "BOLUS_END volume (nL)")
  expect.eq(seen.STOP.arg, 0, "STOP cause (by command)")
  -- What the board logged is what it sent: same codes, same order by the
  -- board's own stamps (a real link may deliver a lost event's resend late).
  local sent, logged = {}, {}
  local received = b:events()
  table.sort(received, function(x, y)
    if x.board_us ~= y.board_us then return x.board_us < y.board_us end
    return x.evseq < y.evseq
  end)
  for _, e in ipairs(received) do sent[#sent + 1] = e.name end
  for _, e in ipairs(log) do logged[#logged + 1] = e.name end
  expect.eq(table.concat(logged, " "), table.concat(sent, " "), "event log vs events received")
  -- The ring keeps the newest entries.
  for _ = 1, 80 do pump:alarm_test() end
  log = pump:log()
  expect.eq(#log, 64, "log entries held after 80 more events (ring of 64)")
  expect.ne(log[1].name, "BOOT", "oldest entry after the ring wrapped")
  expect.eq(log[#log].name, "ALARM_TEST", "newest entry")
end)

test("therapy commands over a lossy link take effect exactly once", {
  req = { "REQ-TEL-006", "REQ-TEL-003" }, hazard = { "HAZ-LINK", "HAZ-OVER" },
}, function(b)
  local stroke = b.profile.pump.stroke_nl
  baseline(b)
  local n0, t0 = setup.strokes(b), b:now()
  b.fixture:rf_loss(300)
  b:mark("fault_on", { fault = "rf_loss", permille = 300 })
  local volume = 10 * stroke
  for i = 1, 5 do
    local got
    for _ = 1, 10 do -- the programmer retries the same request id until answered
      got = setup.try_call(b, "bolus", { req_id = 9000 + i, kind = 1, amount_nl = volume,
                                         duration_s = 1, catheter_mm = 0 })
      if got and got.type == "bolus_result" then break end
      if got and got.type == "nak" then setup.try_call(b, "session_open", { programmer_id = 1, timeout_s = 0 }) end
      got = nil
    end
    expect.truthy(got, "an answer to bolus " .. i .. " within 10 tries")
    expect.eq(got.result, 0, "bolus " .. i .. " result")
    b:run_for(10 * s)
  end
  b.fixture:rf_loss(0)
  b:mark("fault_off", { fault = "rf_loss" })
  b:run_for(1 * min)
  local starts = 0
  for _, e in ipairs(b.pump:log()) do if e.name == "BOLUS_START" then starts = starts + 1 end end
  expect.eq(starts, 5, "boluses started (log)")
  local basal = A_RATE * (b:now() - t0) / h / stroke
  expect.near(setup.strokes(b) - n0 - basal, 50, 1, "bolus strokes (total minus basal)")
end)
