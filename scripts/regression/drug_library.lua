-- Drug library: unknown drug, concentration limit, soft and hard daily-dose
-- limits (basal, flexible steps weighted by duration, patient boluses),
-- refusal codes with the limit in the detail, and nothing clamped silently:
-- after every refusal the old prescription is still committed and running.
--
-- No long tests: each takes under 5 min of bench time.
local setup = require "pumphil.setup"

suite { name = "Drug library", tags = { "druglib" } }

local MORPHINE = 1 -- fixtures/druglib.json: max 20 mg/mL, soft 15, hard 20 mg/day
local BASE_RATE = 240000 -- nL/h: 5.76 mg/day at 1 mg/mL, a stroke every 3.75 s

local function lib(b) return b.pump.drugs.morphine end

-- Each case: a prescription (morphine unless said) and the refusal it must
-- get, with the expected detail computed from the library entry.
local cases = {
  { label = "unknown drug", refusal = "UNKNOWN_DRUG",
    rx = function() return { drug = 99, conc = 1 * mg / mL, rate = 10 * uL / h } end,
    detail = function() return 99 end },
  { label = "concentration above the maximum", refusal = "CONC_LIMIT",
    rx = function(d) return { conc = (d.max_conc_mg_ml + 0.001) * mg / mL, rate = 1 * uL / h } end,
    detail = function(d) return math.floor(d.max_conc_mg_ml * 1e6 + 0.5) end },
  -- 10 mg/mL: soft 15 mg/day = 1.5 mL/day = 62500 nL/h exactly.
  { label = "basal 1 nL/h above the soft limit", refusal = "SOFT_LIMIT",
    rx = function(d) return { conc = 10 * mg / mL, rate = (d.soft_mg_day / 10 * 1e6 / 24 + 1) * nL / h } end,
    detail = function(d) return math.floor(d.soft_mg_day * 1000 + 0.5) end },
  -- 1.92 mL basal + 8 x 10 uL boluses = 2.0 mL = 20 mg: exactly the hard
  -- limit is above the soft one (SOFT_LIMIT); 1 nL more per bolus is HARD_LIMIT.
  { label = "exactly the hard limit (above soft)", refusal = "SOFT_LIMIT",
    rx = function() return { conc = 10 * mg / mL, rate = 80000 * nL / h,
      patient_bolus = { dose = 10000, duration = 1 * min, lockout = 1 * h, max_per_day = 8 } } end,
    detail = function(d) return math.floor(d.soft_mg_day * 1000 + 0.5) end },
  { label = "patient boluses 8 nL over the hard limit", refusal = "HARD_LIMIT",
    rx = function() return { conc = 10 * mg / mL, rate = 80000 * nL / h,
      patient_bolus = { dose = 10001, duration = 1 * min, lockout = 1 * h, max_per_day = 8 } } end,
    detail = function(d) return math.floor(d.hard_mg_day * 1000 + 0.5) end },
  { label = "basal under the soft limit, boluses over the hard", refusal = "HARD_LIMIT",
    rx = function() return { conc = 10 * mg / mL, rate = 40000 * nL / h,
      patient_bolus = { dose = 100 * uL, duration = 1 * min, lockout = 1 * h, max_per_day = 12 } } end,
    detail = function(d) return math.floor(d.hard_mg_day * 1000 + 0.5) end },
  -- Steps weighted by duration: 12 h at 100 uL/h + 12 h at 25.001 uL/h is
  -- just over 1.5 mL/day.
  { label = "flexible steps just over the soft limit", refusal = "SOFT_LIMIT",
    rx = function() return { mode = "flexible", conc = 10 * mg / mL,
      steps = { { "00:00", 100000 * nL / h }, { "12:00", 25001 * nL / h } } } end,
    detail = function(d) return math.floor(d.soft_mg_day * 1000 + 0.5) end },
}

test("refused prescription, old one still in force", {
  req = { "REQ-LIB-001", "REQ-LIB-002", "REQ-LIB-003", "REQ-LIB-004", "REQ-LIB-006" },
  hazard = { "HAZ-OVER", "HAZ-RX" }, cases = cases,
}, function(b, case)
  local pump = b.pump
  local stroke = b.profile.pump.stroke_nl
  local old = setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = BASE_RATE * nL / h } })
  local rx = case.rx(lib(b))
  rx.mode = rx.mode or "continuous"
  rx.drug = rx.drug or MORPHINE
  local o = pump:try_program(rx)
  expect.refused(o, case.refusal, case.label)
  expect.eq(o.detail, case.detail(lib(b)), case.label .. ": refusal detail (the limit)")
  local st = pump:status()
  expect.eq(st.rx_crc, old.crc, "committed prescription CRC after the refusal")
  expect.eq(st.mode_name, "CONTINUOUS", "mode after the refusal")
  expect.eq(st.rate_nl_h, BASE_RATE, "rate after the refusal (nothing clamped)")
  expect.eq(st.running, 1, "still running after the refusal")
  local n0 = setup.strokes(b)
  b:run_for(2 * min)
  expect.near(setup.strokes(b) - n0, BASE_RATE / 30 / stroke, 1, "strokes in 2 min: the old rate")
  local commits = setup.since(b, 0, { name = "RX_COMMIT" })
  expect.eq(#commits, 1, "RX_COMMIT events (only the first prescription)")
end)

test("prescriptions exactly at the soft limit are accepted", {
  req = { "REQ-LIB-003", "REQ-LIB-004" }, hazard = { "HAZ-OVER", "HAZ-UNDER" },
  cases = {
    { label = "continuous 62500 nL/h", rx = { mode = "continuous", rate = 62500 * nL / h } },
    { label = "flexible, steps weighted by duration", rx = { mode = "flexible",
      steps = { { "00:00", 100000 * nL / h }, { "12:00", 25000 * nL / h } } } },
  },
}, function(b, case)
  -- 1.5 mL/day of 10 mg/mL morphine = 15 mg/day, the soft limit.  A check
  -- on the highest flexible step alone (2.4 mL/day) would refuse the second.
  local c = setup.ready(b, { conc = 10 * mg / mL, rx = case.rx })
  expect.eq(lib(b).soft_mg_day, 15, "premise: morphine soft limit 15 mg/day")
  local st = b.pump:status()
  expect.eq(st.rx_crc, c.crc, "committed prescription")
  expect.eq(st.running, 1, "running")
end)

test("the clinician overrides the soft limit, never the hard one", {
  req = { "REQ-LIB-004", "REQ-LIB-005" }, hazard = { "HAZ-UNDER", "HAZ-OVER" },
}, function(b)
  setup.ready(b, { conc = 1 * mg / mL, rx = { mode = "continuous", rate = BASE_RATE * nL / h } })
  local d = lib(b)
  -- 10 mg/mL: 1 nL/h above the soft limit, and 1 nL/h above the hard one.
  local soft_rate = (d.soft_mg_day / 10 * 1e6 / 24 + 1) * nL / h
  local hard_rate = (d.hard_mg_day / 10 * 1e6 / 24 + 1) * nL / h
  local rx = { mode = "continuous", drug = MORPHINE, conc = 10 * mg / mL, rate = hard_rate, override_soft = true }
  expect.refused(b.pump:try_program(rx), "HARD_LIMIT", "override above the hard limit")
  rx.rate = soft_rate
  local o = b.pump:try_program(rx)
  expect.ok(o, "override above the soft limit")
  expect.eq(b.pump:status().rx_crc, o.crc, "the overridden prescription is committed")
  local ev = b:wait_event({ name = "SOFT_OVERRIDE" }, { within = 1 * min })
  expect.eq(ev.arg, math.floor(d.soft_mg_day * 1000 + 0.5), "override event names the soft limit (ug/day)")
  local logged = false
  for _, e in ipairs(b.pump:log()) do logged = logged or e.name == "SOFT_OVERRIDE" end
  expect.truthy(logged, "the override is in the pump's event log")
end)

test("invalid drug library entries are refused", {
  req = { "REQ-LIB-007" }, hazard = { "HAZ-RX" },
  cases = {
    { label = "no hard limit", e = { drug_id = 7, max_conc_ng_ml = 1000000, soft_ug_day = 0, hard_ug_day = 0 } },
    { label = "soft above hard",
      e = { drug_id = 7, max_conc_ng_ml = 1000000, soft_ug_day = 2001, hard_ug_day = 2000 } },
    { label = "zero maximum concentration",
      e = { drug_id = 7, max_conc_ng_ml = 0, soft_ug_day = 1000, hard_ug_day = 2000 } },
    { label = "drug id 0", e = { drug_id = 0, max_conc_ng_ml = 1000000, soft_ug_day = 1000, hard_ug_day = 2000 } },
  },
}, function(b, case)
  local r = b.pump:command("druglib_set", case.e)
  expect.eq(r.result, 1, case.label .. ": druglib_set result (1 = BAD_PARAM)")
  if case.e.drug_id ~= 0 then
    local o = b.pump:try_program { mode = "continuous", drug = 7, conc = 0.1 * mg / mL, rate = 1 * uL / h }
    expect.refused(o, "UNKNOWN_DRUG", "prescription for the refused entry's drug")
  end
end)
