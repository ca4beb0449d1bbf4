-- Therapy modes: continuous, flexible time-of-day steps across midnight,
-- stop/start, clinician bolus then back to the prior mode, priming bolus
-- sized from the catheter, bridge bolus after a drug change, bolus
-- parameter limits.
--
-- Long (tag `long`): "flexible steps over two days" (2 d) and "bridge bolus
-- after a drug change" (~7 h).  The rest take under 5 min of bench time.
local setup = require "pumphil.setup"

suite { name = "Therapy modes", tags = { "modes" } }

local MORPHINE, HYDROMORPHONE = 1, 2

-- Strokes the pump owes for rate (nL/h) over d (ns), from the profile's stroke.
local function strokes_for(b, rate_nl_h, d)
  return rate_nl_h * d / h / b.profile.pump.stroke_nl
end

test("continuous mode delivers its rate and reports it", {
  req = { "REQ-MODE-001" }, hazard = { "HAZ-OVER", "HAZ-UNDER" },
}, function(b)
  local rate = 166667 -- nL/h, 4 mL/day
  setup.ready(b, { conc = 2 * mg / mL, rx = { mode = "continuous", rate = rate * nL / h } })
  local st = b.pump:status()
  expect.eq(st.mode_name, "CONTINUOUS", "mode")
  expect.eq(st.running, 1, "running")
  expect.eq(st.rate_nl_h, rate, "rate set-point")
  local n0 = setup.strokes(b)
  b:run_for(3 * min)
  expect.near(setup.strokes(b) - n0, strokes_for(b, rate, 3 * min), 1, "strokes in 3 min")
  measure("volume weighed in 3 min", b.fixture:delivered_nl() / uL,
          { unit = "uL", nominal = rate / 20 / uL, tol_pct = b.profile.accuracy_pct })
end)

-- Steps 00:01 C, 06:00 A, 23:59 B with the clock set to 23:58:30: A (the
-- previous step of the day) until 23:59, then B across midnight until 00:01
-- (before the day's first step the previous day's last one holds), then C.
test("flexible steps across midnight", {
  req = { "REQ-MODE-002" }, hazard = { "HAZ-OVER", "HAZ-UNDER", "HAZ-RX" },
}, function(b)
  local A, B, C = 20000, 240000, 120000 -- nL/h
  local clock = setup.EPOCH_2026 - 90000 -- 2025-12-31 23:58:30
  setup.ready(b, { conc = 1 * mg / mL, clock = clock, rx = { mode = "flexible",
    steps = { { "00:01", C * nL / h }, { "06:00", A * nL / h }, { "23:59", B * nL / h } } } })
  local st = b.pump:status()
  expect.eq(st.mode_name, "FLEXIBLE", "mode")
  expect.eq(st.rate_nl_h, A, "rate at 23:58:30 (the 06:00 step)")

  local t_b = setup.wall_at(b, 0, "23:59")
  local ev = b:wait_event({ name = "RATE_CHANGE", arg = B }, { within = 1 * min })
  expect.near(ev.t, t_b, 1 * s, "time of the change to the 23:59 step")
  b:run_until(setup.wall_at(b, 1, "00:00"))
  expect.eq(b.pump:status().rate_nl_h, B, "rate at 00:00 (23:59 step runs past midnight)")
  local n0 = setup.strokes(b)
  local t_c = setup.wall_at(b, 1, "00:01")
  ev = b:wait_event({ name = "RATE_CHANGE", arg = C }, { within = 2 * min })
  expect.near(ev.t, t_c, 1 * s, "time of the change to the 00:01 step")
  expect.near(setup.strokes(b) - n0, strokes_for(b, B, 1 * min), 1, "strokes 00:00-00:01 at rate B")
  n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.eq(b.pump:status().rate_nl_h, C, "rate at 00:02")
  expect.near(setup.strokes(b) - n0, strokes_for(b, C, 1 * min), 1, "strokes 00:01-00:02 at rate C")
end)

test("flexible steps over two days", {
  tags = { "long" }, req = { "REQ-MODE-002" }, hazard = { "HAZ-OVER", "HAZ-UNDER" },
}, function(b)
  local day_r, night_r = 25000, 10000 -- nL/h: 07:00-22:00 and 22:00-07:00
  setup.ready(b, { conc = 1 * mg / mL, clock = setup.EPOCH_2026 + 12 * 3600000, rx = {
    mode = "flexible", steps = { { "07:00", day_r * nL / h }, { "22:00", night_r * nL / h } } } })
  local want_day = (day_r * 15 + night_r * 9) -- nL per 24 h
  for d = 1, 2 do
    local t0 = setup.wall_at(b, d - 1, "12:00")
    b:run_until(t0)
    local n0, w0 = setup.strokes(b), b.fixture:delivered_nl()
    b:run_until(setup.wall_at(b, d, "12:00"))
    local changes = setup.since(b, t0 + 1 * s, { name = "RATE_CHANGE" })
    expect.eq(#changes, 2, string.format("rate changes on day %d", d))
    expect.near(changes[1].t, setup.wall_at(b, d - 1, "22:00"), 1 * s, "night step start")
    expect.near(changes[2].t, setup.wall_at(b, d, "07:00"), 1 * s, "day step start")
    expect.near((setup.strokes(b) - n0) * b.profile.pump.stroke_nl, want_day, b.profile.pump.stroke_nl,
                string.format("pump volume on day %d (nL)", d))
    measure(string.format("volume weighed on day %d", d), (b.fixture:delivered_nl() - w0) / uL,
            { unit = "uL", nominal = want_day / uL, tol_pct = b.profile.accuracy_pct })
  end
end)

test("stop halts basal and bolus, start resumes the committed prescription", {
  req = { "REQ-MODE-003" }, hazard = { "HAZ-OVER", "HAZ-RX" },
}, function(b)
  local pump = b.pump
  expect.refused(pump:try_start(), "NO_STAGED", "start with no committed prescription")
  local rate = 240000
  local c = setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = rate * nL / h } })
  local bo = pump:bolus { kind = "clinician", amount = 20 * uL, duration = 3 * min }
  b:run_for(1 * min)
  pump:stop()
  local ev = b:wait_event({ name = "BOLUS_END" }, { within = 1 * s })
  expect.lt(ev.arg, bo.volume, "volume of the bolus cut short by stop")
  expect.gt(ev.arg, 0, "volume of the bolus cut short by stop")
  local st = pump:status()
  expect.eq(st.running, 0, "running after stop")
  expect.eq(st.rate_nl_h, 0, "rate after stop")
  expect.eq(st.bolus_active, 0, "bolus after stop")
  local n0 = setup.strokes(b)
  b:run_for(2 * min)
  expect.eq(setup.strokes(b) - n0, 0, "strokes while stopped")
  pump:start()
  st = pump:status()
  expect.eq(st.rx_crc, c.crc, "prescription after start")
  expect.eq(st.rate_nl_h, rate, "rate after start")
  n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, strokes_for(b, rate, 1 * min), 1, "strokes in 1 min after start")
end)

test("clinician bolus, then back to the prior mode", {
  req = { "REQ-MODE-004", "REQ-BOL-007" }, hazard = { "HAZ-OVER", "HAZ-UNDER" },
  cases = { { label = "continuous", mode = "continuous" }, { label = "flexible", mode = "flexible" } },
}, function(b, case)
  local pump = b.pump
  local rate = 120000
  local rx = case.mode == "continuous" and { mode = "continuous", rate = rate * nL / h }
    or { mode = "flexible", steps = { { "00:00", rate * nL / h }, { "12:00", 2 * rate * nL / h } } }
  local c = setup.ready(b, { conc = 1 * mg / mL, clock = setup.EPOCH_2026 + 3600000, rx = rx })
  local amount, dur = 50 * uL, 2 * min
  local w0, n0, t0 = b.fixture:delivered_nl(), setup.strokes(b), b:now()
  local r = pump:bolus { kind = "clinician", amount = amount, duration = dur }
  expect.eq(r.volume, amount, "accepted bolus volume")
  local ev_start = b:wait_event({ name = "BOLUS_START" }, { within = 1 * s })
  expect.eq(ev_start.arg, 1, "BOLUS_START kind (clinician)")
  local st = pump:status()
  expect.eq(st.bolus_active, 1, "bolus_active during the bolus")
  expect.eq(st.rate_nl_h, rate, "basal set-point during the bolus")
  local en = b:wait_event({ name = "BOLUS_END" }, { within = dur + 1 * min })
  expect.eq(en.arg, amount, "BOLUS_END volume")
  measure("bolus duration error (board stamps)", (en.board_us - ev_start.board_us) / 1e6 - dur / s,
          { unit = "s", min = -10, max = 10 })
  st = pump:status()
  expect.eq(st.bolus_active, 0, "bolus_active after the bolus")
  expect.eq(st.mode_name, case.mode:upper(), "mode after the bolus")
  expect.eq(st.rate_nl_h, rate, "rate after the bolus")
  expect.eq(st.rx_crc, c.crc, "prescription after the bolus")
  local basal = strokes_for(b, rate, b:now() - t0)
  expect.near(setup.strokes(b) - n0 - basal, amount / b.profile.pump.stroke_nl, 1,
              "bolus strokes (total minus basal)")
  b:run_for(1 * min) -- the line drains
  measure("bolus volume weighed (minus basal)",
          (b.fixture:delivered_nl() - w0 - rate * (b:now() - t0) / h) / uL,
          { unit = "uL", nominal = amount / uL, tol_pct = b.profile.accuracy_pct })
  n0 = setup.strokes(b)
  b:run_for(1 * min)
  expect.near(setup.strokes(b) - n0, strokes_for(b, rate, 1 * min), 1, "strokes in 1 min after the bolus")
end)

-- 0.0026 mL/cm = 260 nL/mm over the implanted 1100 mm minus the trimmed part.
test("priming bolus volume from the catheter length", {
  req = { "REQ-MODE-005" }, hazard = { "HAZ-OVER", "HAZ-UNDER" },
  cases = { { label = "untrimmed", trimmed = 0 }, { label = "100 mm trimmed", trimmed = 100 },
            { label = "237 mm trimmed", trimmed = 237 } },
}, function(b, case)
  local stroke = b.profile.pump.stroke_nl
  local want = 0.0026 * mL / cm * (110 * cm - case.trimmed * mm)
  local want_strokes = math.floor(want / stroke + 0.5)
  setup.ready(b, { drug = HYDROMORPHONE, conc = 10 * mg / mL, start = false,
                   rx = { mode = "continuous", rate = 10 * uL / h } })
  local n0 = setup.strokes(b)
  local r = b.pump:bolus { kind = "priming", catheter_trimmed = case.trimmed * mm, duration = 3 * min }
  expect.eq(r.volume, want_strokes * stroke, "priming volume (whole strokes)")
  local en = b:wait_event({ name = "BOLUS_END" }, { within = 4 * min })
  expect.eq(en.arg, want_strokes * stroke, "BOLUS_END volume")
  expect.eq(setup.strokes(b) - n0, want_strokes, "priming strokes")
  b:run_for(1 * min)
  measure("priming volume weighed", b.fixture:delivered_nl() / uL,
          { unit = "uL", nominal = want / uL, tol_pct = b.profile.accuracy_pct })
end)

test("priming is refused beyond the catheter and not counted in the 24 h dose", {
  req = { "REQ-MODE-005", "REQ-BOL-006" }, hazard = { "HAZ-OVER" },
}, function(b)
  -- Hydromorphone 10 mg/mL, hard limit 6 mg/day: the 24 h cap is 0.6 mL.
  setup.ready(b, { drug = HYDROMORPHONE, conc = 10 * mg / mL, start = false,
                   rx = { mode = "continuous", rate = 10 * uL / h } })
  local lib = b.pump.drugs.hydromorphone
  local cap = lib.hard_mg_day / 10 * mL
  expect.refused(b.pump:try_bolus { kind = "priming", catheter_trimmed = 1101 * mm, duration = 10 * min },
                 "BAD_PARAM", "priming with 1101 mm trimmed of a 1100 mm catheter")
  local p = b.pump:bolus { kind = "priming", catheter_trimmed = 0, duration = 3 * min }
  b:wait_event({ name = "BOLUS_END" }, { within = 4 * min })
  -- If priming counted, this bolus would overrun the cap.
  local amount = cap - 10 * uL
  expect.gt(p.volume + amount, cap, "priming + bolus exceed the cap (test premise)")
  b.pump:start()
  local r = b.pump:try_bolus { kind = "clinician", amount = amount, duration = 1 * min }
  expect.ok(r, "clinician bolus after priming (priming not in the 24 h dose)")
end)

-- Drug change: old drug out, new drug refilled and programmed, then a bridge
-- bolus pushes the catheter's old drug out at the old basal rate.
test("bridge bolus after a drug change", {
  tags = { "long" }, req = { "REQ-MODE-006" }, hazard = { "HAZ-OVER", "HAZ-UNDER" },
}, function(b)
  local pump = b.pump
  local stroke = b.profile.pump.stroke_nl
  local old_rate, new_rate = 40000, 15000 -- nL/h
  setup.ready(b, { drug = MORPHINE, conc = 2 * mg / mL, rx = { mode = "continuous", rate = old_rate * nL / h } })
  b:run_for(1 * h)
  pump:stop()
  -- Empty and refill with the new drug, program it.
  b.fixture:set("RESERVOIR_NL", 20 * mL)
  -- Hydromorphone 10 mg/mL: 3.6 mg/day basal, 24 h cap 0.6 mL.
  pump:refill { volume = 20 * mL, drug = HYDROMORPHONE, conc = 10 * mg / mL }
  local c = pump:program { mode = "continuous", drug = HYDROMORPHONE, conc = 10 * mg / mL, rate = new_rate * nL / h }
  pump:start()
  b:run_for(0)
  local catheter = 0.0026 * mL / cm * 100 * cm -- 100 cm implanted
  local dur = math.floor(catheter / old_rate * h / s + 0.5) * s -- at the old rate
  local n0, t0, w0 = setup.strokes(b), b:now(), b.fixture:delivered_nl()
  local r = pump:bolus { kind = "bridge", amount = catheter, duration = dur }
  expect.eq(r.volume, math.floor(catheter / stroke + 0.5) * stroke, "bridge volume")
  local ev_start = b:wait_event({ name = "BOLUS_START" }, { within = 1 * s })
  expect.eq(ev_start.arg, 4, "BOLUS_START kind (bridge)")
  local en = b:wait_event({ name = "BOLUS_END" }, { within = dur + 1 * min })
  expect.eq(en.arg, r.volume, "BOLUS_END volume")
  measure("bridge duration error (board stamps)", (en.board_us - ev_start.board_us) / 1e6 - dur / s,
          { unit = "s", min = -10, max = 10 })
  local basal = strokes_for(b, new_rate, b:now() - t0)
  expect.near(setup.strokes(b) - n0 - basal, r.volume / stroke, 1, "bridge strokes (total minus new basal)")
  b:run_for(1 * min)
  measure("bridge volume weighed (minus basal)",
          (b.fixture:delivered_nl() - w0 - new_rate * (b:now() - t0) / h) / uL,
          { unit = "uL", nominal = catheter / uL, tol_pct = b.profile.accuracy_pct })
  local st = pump:status()
  expect.eq(st.rx_crc, c.crc, "new prescription in force after the bridge")
  expect.eq(st.rate_nl_h, new_rate, "new basal after the bridge")
  -- The bridge counts in the 24 h dose: one stroke more than what is left
  -- under the cap (everything delivered today, bridge included) is refused;
  -- were the bridge not counted, that bolus would fit.
  local cap = math.floor(pump.drugs.hydromorphone.hard_mg_day / 10 * mL + 0.5)
  local left = cap - st.delivered_nl
  expect.gt(left, 0, "premise: the 24 h cap is not reached yet (nL left)")
  expect.refused(pump:try_bolus { kind = "clinician", amount = left + stroke, duration = 10 * min },
                 "DOSE_CAP", "clinician bolus one stroke over the cap left after the bridge")
end)

test("bolus parameters out of range are refused and deliver nothing", {
  req = { "REQ-MODE-007" }, hazard = { "HAZ-OVER" },
}, function(b)
  local pump = b.pump
  setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = 0 } })
  local max_bolus = (b.profile.pump.max_bolus_nl or 2 * mL) -- fw_config default [U]
  local n0 = setup.strokes(b)
  expect.refused(pump:try_bolus { kind = "clinician", amount = 0, duration = 1 * min },
                 "BAD_PARAM", "clinician bolus of 0 nL")
  expect.refused(pump:try_bolus { kind = "clinician", amount = max_bolus + 1 * uL, duration = 1 * h },
                 "BAD_PARAM", "clinician bolus above the maximum bolus")
  expect.refused(pump:try_bolus { kind = "clinician", amount = 10 * uL, duration = 0 },
                 "BAD_PARAM", "clinician bolus of duration 0")
  expect.refused(pump:try_bolus { kind = "bridge", amount = 10 * uL, duration = 24 * h + 1 * s },
                 "BAD_PARAM", "bridge bolus longer than 24 h")
  local r = pump:call("bolus", { req_id = 0x7000, kind = 9, amount_nl = 10000, duration_s = 60, catheter_mm = 0 })
  expect.eq(r.result, 1, "bolus of unknown kind 9: BAD_PARAM (1)")
  b:run_for(2 * min)
  expect.eq(setup.strokes(b) - n0, 0, "strokes after the refused boluses")
  expect.eq(#setup.since(b, 0, { name = "BOLUS_START" }), 0, "BOLUS_START events")
end)
