-- Telemetry loss: an outage (therapy continues, the loss is logged, every
-- alarm of the outage reaches the host afterwards), outages during a bolus
-- and in the middle of a prescription transfer, burst loss and corruption
-- while programming (never half-applied), a lost acknowledgement (a retried
-- bolus delivers once), and corruption above the frame check.
local faults = require "pumphil.faults"

suite { name = "Faults: telemetry", tags = { "faults", "telemetry" }, hazard = { "HAZ-LINK" } }

local RATE = 1 * mL / day
local CONC = 1 * mg / mL
local STROKE = 250 * nL

local function weighed(b) return b.fixture:delivered_nl() end

-- A rate as the pump states it: whole nL/h.
local function per_h(rate) return math.floor(rate * h + 0.5) end

local function seen_since(b, t0, name, alarm)
  for _, ev in ipairs(b:events()) do
    if ev.t >= t0 and ev.name == name and (not alarm or ev.alarm == alarm) then return ev end
  end
end

test("outage: therapy continues, LINK_LOSS, and every alarm of the outage reaches the host after it",
     { tags = { "long" }, req = { "REQ-ALM-005", "REQ-TEL-004", "REQ-TEL-005" },
       hazard = { "HAZ-UNDER", "HAZ-ALARM" } },
     function(b)
       faults.running(b, { rate = RATE })
       b:run_for(10 * min)
       b.pump:session() -- a programmer is connected when the link goes
       local last = b.pump:status()
       local w0 = weighed(b)
       local out = b:inject("telemetry_outage", nil, { duration = 30 * min })
       local t0 = out.t_on
       -- The battery crosses ERI in the middle of the outage.
       b:inject("battery_sag", { to = 2850 * mV }, { at = t0 + 15 * min, duration = 2 * h })
       b:run_until(t0 + out.duration)
       local back = out.t_off -- the link returns when the attenuator is told to let it
       local expected = RATE * (back - t0)
       faults.measure("telemetry_outage", "delivery_error", (weighed(b) - w0 - expected) / expected * 100)
       expect.eq(#b:events(function(e) return e.t > t0 and e.t < back end), 0, "events through the outage")
       local ll, eri
       b:wait_until(function()
         ll = seen_since(b, back, "ALARM_ON", "LINK_LOSS")
         eri = seen_since(b, back, "ALARM_ON", "BATTERY_ERI")
         return ll and eri
       end, { within = 2 * min, every = 1 * s, what = "LINK_LOSS and BATTERY_ERI after the outage" })
       faults.measure("telemetry_outage", "events_after_return", math.max(ll.t, eri.t) - back)
       expect.eq(ll.priority, "LOW", "LINK_LOSS priority")
       -- A resent event frame carries the time it was resent: when each thing
       -- happened is in the pump's log.
       local logged = {}
       for _, e in ipairs(b.pump:log()) do
         if e.t_us >= last.board_us then
           local key = e.name == "ALARM_ON" and e.arg or e.name
           logged[key] = logged[key] or e
         end
       end
       local closed, ll_at, eri_at = logged.SESSION_CLOSE, logged[ll.alarm_code], logged[eri.alarm_code]
       expect.truthy(closed and closed.arg == 1, "SESSION_CLOSE (timeout) in the pump's log")
       expect.truthy(ll_at and eri_at, "LINK_LOSS and BATTERY_ERI in the pump's log")
       faults.measure("telemetry_outage", "link_loss_latency", (ll_at.t_us - last.board_us) * us)
       expect.gt(eri_at.t_us * us, last.board_us * us + 15 * min - 1 * s, "BATTERY_ERI raised inside the outage")
       expect.lt(eri_at.t_us * us, last.board_us * us + 30 * min, "BATTERY_ERI raised inside the outage")
     end)

test("outage during a bolus: the bolus completes and its end reaches the host afterwards",
     { tags = { "long" }, req = { "REQ-ALM-005" }, hazard = { "HAZ-UNDER", "HAZ-OVER" } },
     function(b)
       faults.running(b, { rate = RATE })
       b:run_for(10 * min)
       local w0, t0 = weighed(b), b:now()
       local bolus = b.pump:bolus { kind = "clinician", amount = 100 * uL, duration = 20 * min }
       local out = b:inject("telemetry_outage", nil, { at = t0 + 2 * min, duration = 30 * min })
       b:run_until(out.at + out.duration)
       -- The bolus ended during the outage: its event arrives late, as a resend.
       local fin = b:wait_event({ name = "BOLUS_END" }, { within = 1 * min, include_past = true,
                                                          since = out.at })
       expect.eq(fin.arg, bolus.volume, "volume in BOLUS_END")
       local started, ended
       for _, e in ipairs(b.pump:log()) do
         if e.name == "BOLUS_START" then started = e elseif e.name == "BOLUS_END" then ended = e end
       end
       expect.near((ended.t_us - started.t_us) * us, 20 * min, 1 * s, "bolus duration in the pump's log")
       b:run_for(10 * min)
       expect.near(weighed(b) - w0, bolus.volume + RATE * (b:now() - t0), 3 * STROKE,
                   "delivered (nL): the bolus and the basal")
     end)

-- The raw messages of a prescription transfer (what pump:program sends).
local function begin_fields(mode, rate, nsteps)
  return { mode = mode, drug_id = 1, conc_ng_ml = CONC * mL, rate_nl_h = per_h(rate), nsteps = nsteps }
end

test("outage in the middle of a prescription transfer: never half-applied",
     { tags = { "long" }, req = { "REQ-TEL-001", "REQ-TEL-002" }, hazard = { "HAZ-RX" } },
     function(b)
       local a = faults.running(b, { rate = RATE })
       b:run_for(10 * min)
       b.pump:session()
       expect.eq(b.pump:call("rx_begin", begin_fields(2, 0, 3)).result, 0, "rx_begin")
       expect.eq(b.pump:call("rx_step", { index = 0, start_min = 0, rate_nl_h = per_h(2 * RATE) }).result, 0, "step 0")
       local out = b:inject("telemetry_outage")
       local w0, t0 = weighed(b), b:now()
       local r, o = b.pump:call("rx_step", { index = 1, start_min = 480, rate_nl_h = per_h(RATE) })
       expect.falsy(r, "a step sent into the outage was answered")
       expect.eq(o.kind, "no_reply", "the outcome of a step sent into the outage")
       b:run_for(1 * h)
       out:clear()
       local s = b.pump:status()
       expect.eq(s.rx_crc, a.crc, "prescription in force after the interrupted transfer")
       expect.eq(s.mode, 1, "mode in force")
       expect.eq(s.rate_nl_h, per_h(RATE), "rate in force")
       expect.near(weighed(b) - w0, RATE * (b:now() - t0), 3 * STROKE, "delivered (nL) at the old rate")
       -- A host resuming blindly cannot commit what was never complete.
       local full = b.pump:program { mode = "flexible", drug = 1, conc = CONC, commit = false,
                                     steps = { { "00:00", 2 * RATE }, { "08:00", RATE }, { "16:00", RATE / 2 } } }
       b.pump:call("rx_begin", begin_fields(2, 0, 3))
       b.pump:call("rx_step", { index = 0, start_min = 0, rate_nl_h = per_h(2 * RATE) })
       local c = b.pump:call("rx_commit", { crc = full.crc })
       expect.ne(c.result, 0, "result of the commit of an incomplete transfer")
       expect.eq(b.pump:status().rx_crc, a.crc, "prescription in force after the refused commit")
     end)

-- Interrogate through a lossy link: retry until it answers.
local function status_through(b)
  for _ = 1, 200 do
    local ok, st = pcall(b.pump.status, b.pump)
    if ok then return st end
    b:run_for(5 * s)
  end
  fail("the pump never answered an interrogation")
end

-- Program A and B alternately through a faulty link; after each attempt the
-- prescription in force must be all of A or all of B.
local function alternate(b, n)
  local rx = {
    { mode = "continuous", rate = RATE, drug = 1, conc = CONC },
    { mode = "continuous", rate = 2 * RATE, drug = 1, conc = CONC },
  }
  local crc = { b.pump:program { mode = "continuous", rate = RATE, drug = 1, conc = CONC, commit = false }.crc,
                b.pump:program { mode = "continuous", rate = 2 * RATE, drug = 1, conc = CONC, commit = false }.crc }
  local mixed, done, failed = 0, 0, 0
  return function()
    for i = 1, n do
      b:run_for(math.random(1, 300) * s)
      local want = 1 + i % 2
      local r = b.pump:try_program(rx[want]) -- no reply is an outcome, not an error
      if r.ok then done = done + 1 else failed = failed + 1 end
      local st = status_through(b)
      local whole = false
      for k = 1, 2 do
        if st.rx_crc == crc[k] and st.mode == 1 and st.rate_nl_h == per_h(rx[k].rate) then
          whole = true
        end
      end
      if not whole then mixed = mixed + 1 end
      if r.ok then expect.eq(st.rx_crc, crc[want], "prescription in force after an acknowledged commit") end
    end
    return mixed, done, failed
  end
end

test("burst loss while programming: every prescription in force whole, or not at all",
     { tags = { "long" }, req = { "REQ-TEL-001", "REQ-TEL-006" }, hazard = { "HAZ-RX" } },
     function(b)
       faults.running(b, { rate = RATE })
       local run = alternate(b, 40)
       -- A fade must outlast a command's every retry to cut a transfer: 2 s
       -- on sim, longer where replies take longer (a board whose clock runs
       -- faster than real time).  Fades cover about a third of the time.
       local lt = b:link_timing()
       local fade = math.max(2 * s, (lt.retries + 1) * lt.reply_timeout + 1 * s)
       local per_hour = math.max(1, math.min(600, math.floor(h / (3 * fade))))
       b:inject("telemetry_burst_loss", { per_hour = per_hour, fade = fade }, { duration = 12 * h })
       local mixed, done, failed = run()
       -- Where fades are long and few (a fast board clock), 40 transfers may
       -- all miss them: go on, 40 at a time, until one was cut (at most 200).
       for _ = 1, 4 do
         if failed > 0 then break end
         mixed, done, failed = run()
       end
       faults.measure("telemetry_burst_loss", "half_applied", mixed)
       expect.gt(done, 0, "transfers completed through the fades")
       expect.gt(failed, 0, "transfers the fades cut (the fault bit)")
     end)

test("corruption while programming: no corrupted command takes effect",
     { tags = { "long" }, req = { "REQ-TEL-001", "REQ-TEL-006" }, hazard = { "HAZ-RX" } },
     function(b)
       faults.running(b, { rate = RATE })
       local run = alternate(b, 40)
       b:inject("telemetry_corruption", { share = 300 }, { duration = 4 * h })
       local mixed, done, failed = run()
       faults.measure("telemetry_corruption", "corrupted_effects", mixed)
       expect.gt(done, 0, "transfers completed despite the bit errors")
       expect.gt(failed, 0, "transfers the bit errors made fail visibly")
     end)

test("lost acknowledgement: a retried bolus request delivers once",
     { tags = { "long" }, req = { "REQ-TEL-003" }, hazard = { "HAZ-OVER" } },
     function(b)
       faults.running(b, { rate = RATE })
       b:run_for(10 * min)
       b.pump:session()
       local w0, t0 = weighed(b), b:now()
       local bolus = { kind = "clinician", amount = 50 * uL, duration = 10 * min, id = 4242 }
       local up = b:inject("telemetry_uplink_loss")
       local lost = b.pump:try_bolus(bolus)
       expect.eq(lost.kind, "no_reply", "what the host heard through a lost uplink")
       up:clear()
       -- The programmer retries the same request (same id), during the bolus
       -- and again after it: the first answer both times, one dose.
       local again = b.pump:try_bolus(bolus)
       expect.ok(again, "retried bolus request answered with the first answer")
       expect.eq(again.volume, 50 * uL, "volume in the repeated answer")
       b:run_for(20 * min)
       expect.ok(b.pump:try_bolus(bolus), "bolus request repeated after the bolus")
       b:run_for(30 * min)
       local gain = weighed(b) - w0 - RATE * (b:now() - t0)
       faults.measure("telemetry_uplink_loss", "bolus_volume", gain, 50 * uL)
       expect.eq(#b:events(function(e) return e.name == "BOLUS_START" and e.t >= t0 end), 1,
                 "boluses started")
     end)

test("relay corruption: a commit damaged above the frame check is refused, the old prescription stays whole",
     { tags = { "long" }, req = { "REQ-TEL-001" }, hazard = { "HAZ-RX" } },
     function(b)
       local a = faults.running(b, { rate = RATE })
       b:run_for(10 * min)
       local f = b:inject("relay_corruption", { bit = 3 })
       local r = b.pump:try_program { mode = "continuous", rate = 2 * RATE, drug = 1, conc = CONC }
       expect.refused(r, "CRC_MISMATCH", "commit whose CRC the relay damaged")
       f:clear()
       b.pump:close_session()
       local s = b.pump:status()
       expect.eq(s.rx_crc, a.crc, "prescription CRC after the refused commit")
       expect.eq(s.mode, 1, "mode after the refused commit")
       expect.eq(s.rate_nl_h, per_h(RATE), "rate set-point after the refused commit")
       local w0 = weighed(b)
       b:run_for(4 * h)
       faults.measure("relay_corruption", "rate_change", weighed(b) - w0 - RATE * 4 * h, 0)
     end)

test("frames lost on the host's link: every command acts once, a re-sent bolus delivers once",
     { tags = { "long" }, req = { "REQ-TEL-003", "REQ-TEL-006" }, hazard = { "HAZ-COMMS", "HAZ-OVER" } },
     function(b)
       faults.running(b, { rate = RATE })
       b:run_for(10 * min)
       local since_us = b.pump:status().board_us
       local w0, t0 = weighed(b), b:now()
       local f = b:inject("link_loss", { to_board = 300, from_board = 500 }, { duration = 30 * min })
       -- The link resends each frame three times; past that the host re-sends
       -- the bolus itself, under the same id, until it hears an answer.
       local bolus = { kind = "clinician", amount = 50 * uL, duration = 10 * min, id = 4343 }
       local answer, sends = nil, 0
       repeat
         sends = sends + 1
         local r = b.pump:try_bolus(bolus)
         if r.kind ~= "no_reply" then answer = r end
       until answer or sends == 30
       expect.truthy(answer, "an answer to the bolus within 30 sends")
       expect.ok(answer, "the bolus accepted through the lossy link")
       expect.gt(b:link_stats("pump", "from_board").dropped + b:link_stats("pump", "to_board").dropped, 0,
                 "frames the layer lost")
       b:run_until(f.t_on + f.duration)
       b:run_for(1 * h)
       local gain = weighed(b) - w0 - RATE * (b:now() - t0)
       faults.measure("link_loss", "bolus_volume", gain, 50 * uL)
       local starts = 0
       for _, e in ipairs(b.pump:log()) do
         if e.name == "BOLUS_START" and e.t_us >= since_us then starts = starts + 1 end
       end
       faults.measure("link_loss", "bolus_starts", starts)
       expect.truthy(b:wait_event({ name = "BOLUS_END" }, { within = 1 * min, include_past = true, since = t0 }),
                     "the bolus's end reached the host through the lossy link")
     end)
