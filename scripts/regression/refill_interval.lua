-- A full refill interval: about 90 virtual days of flexible dosing (a day
-- and a night step) with the patient using both allowed boluses every day,
-- ending in the low-reservoir alarm on the day the pump projected at the
-- refill.
--
-- Long (tag `long`): the only test here, ~93 days of bench time.
local setup = require "pumphil.setup"

suite { name = "Refill interval", tags = { "reservoir", "long" } }

local HYDROMORPHONE = 2

test("90 days of flexible dosing end in the low alarm on the projected day", {
  req = { "REQ-RES-006", "REQ-RES-005", "REQ-RES-003", "REQ-MODE-002", "REQ-BOL-001", "REQ-BOL-003" },
  hazard = { "HAZ-EMPTY", "HAZ-UNDER", "HAZ-OVER" },
}, function(b)
  local pump = b.pump
  local volume, low = 20 * mL, b.profile.pump.low_residual_nl
  local dose = 10 * uL
  -- 07:00-22:00 at 8 uL/h, 22:00-07:00 at 6 uL/h, two 10 uL boluses a day:
  -- 194 uL/day of hydromorphone 10 mg/mL (1.94 mg/day, under the 4 mg soft limit).
  setup.ready(b, { drug = HYDROMORPHONE, conc = 10 * mg / mL, volume = volume, clock = setup.EPOCH_2026,
    rx = { mode = "flexible", steps = { { "07:00", 8 * uL / h }, { "22:00", 6 * uL / h } },
           patient_bolus = { dose = dose, duration = 10 * min, lockout = 4 * h, max_per_day = 2 } } })
  local t_start = b:now()
  local proj_s = pump:status().next_refill_s
  local t_proj = b.wall.t + proj_s * s
  b:log(string.format("projected low alarm after %.2f days", proj_s / 86400))
  expect.gt(proj_s, 80 * 86400, "projected interval (s): about 90 days")
  pump:close_session()

  local alarm, d, boluses = nil, 0, 0
  while not alarm and d < 120 do
    for _, at in ipairs({ "08:00", "20:00" }) do
      alarm = b:wait_alarm("LOW_RESERVOIR", { within = setup.wall_at(b, d, at) - b:now(), optional = true })
      if alarm then break end
      local r = pump:try_bolus { kind = "patient" }
      expect.ok(r, string.format("patient bolus on day %d at %s", d, at))
      boluses = boluses + 1
      pump:close_session() -- the patient controller hangs up
    end
    if not alarm then
      alarm = b:wait_alarm("LOW_RESERVOIR", { within = setup.wall_at(b, d + 1, "00:00") - b:now(), optional = true })
    end
    d = d + 1
  end
  expect.truthy(alarm, "low-reservoir alarm within 120 days")
  local day_of = function(t) return (t - b.wall.t) // day end
  b:log(string.format("low alarm on day %d, projected day %d, %d boluses", day_of(alarm.t), day_of(t_proj), boluses))
  expect.eq(day_of(alarm.t), day_of(t_proj), "day of the low alarm (0 = refill day)")
  measure("low alarm time minus projection", (alarm.t - t_proj) / h, { unit = "h", min = -24, max = 24 })

  local st, fx = pump:status(), b.fixture:read()
  expect.le(st.reservoir_nl, low, "computed reservoir at the alarm")
  expect.near(st.reservoir_nl, fx.reservoir_nl, 2 * b.profile.pump.stroke_nl,
              "computed vs true reservoir at the alarm (nL)")
  measure("volume weighed over the interval", b.fixture:delivered_nl() / mL,
          { unit = "mL", nominal = (volume - st.reservoir_nl) / mL, tol_pct = b.profile.accuracy_pct })
  local others = {}
  for _, e in ipairs(b:events({ name = "ALARM_ON" })) do
    if e.t > t_start and e.alarm ~= "LOW_RESERVOIR" then others[#others + 1] = e.alarm end
  end
  expect.eq(#others, 0, "other alarms during the interval: " .. table.concat(others, ", "))
end)
