-- methods.lua - every method of the pump interface (docs/adapters.md), with
-- values checked, run on sim (the built-in adapter) and on sim:ascii with
-- the Lua ASCII adapter: the same script, the same verdicts.
suite "pump interface"

test("every method, through whatever adapter the run names", function(b)
  local pump, fx = b.pump, b.fixture
  expect.ok(pump:session(10 * min), "session")
  expect.eq(pump:status().running, 0, "status: stopped after power-on")
  pump:load_druglib()
  pump:set_clock(1767225600000)
  fx:set("RESERVOIR_NL", 20 * mL)
  expect.ok(pump:refill { volume = 20 * mL, drug = 1, conc = 1 * mg / mL }, "refill")
  -- a refusal is a value
  local bad = pump:try_program { drug = 99, rate = 10 * uL / h }
  expect.falsy(bad.ok, "program with an unknown drug refused")
  expect.eq(bad.reason, "UNKNOWN_DRUG", "refusal reason")
  local c = pump:program { mode = "flexible", drug = 1, conc = 1 * mg / mL,
                           steps = { { start = "00:00", rate = 10 * uL / h },
                                     { start = "12:00", rate = 20 * uL / h } } }
  expect.truthy(c.crc, "program: committed CRC")
  pump:start()
  b:run_for(1 * min)
  expect.eq(pump:status().running, 1, "status: running")
  local bolus = pump:bolus { kind = "clinician", amount = 5 * uL, duration = 1 * min }
  expect.truthy(bolus.ok, "bolus accepted")
  b:wait_event({ name = "BOLUS_END" }, { within = 10 * min })
  expect.ok(pump:alarm_test(), "alarm test")
  b:wait_event({ name = "ALARM_TEST" }, { within = 10 * s, since = 0 })
  local ack = pump:ack_alarm("OCCLUSION") -- none raised: a value either way
  expect.truthy(ack.reason, "ack_alarm gives an outcome")
  fx:pinch(1000) -- an occluded line: the occlusion alarm, as an event
  local ev = b:wait_alarm("OCCLUSION", { within = 2 * h })
  expect.eq(ev.priority, "HIGH", "occlusion alarm priority")
  fx:pinch(0)
  pump:stop()
  expect.eq(pump:status().running, 0, "status: stopped")
  local names = {}
  for _, e in ipairs(pump:log()) do names[e.name] = true end
  expect.truthy(names.ALARM_TEST, "event log holds the alarm test")
  expect.gt(#b:events { name = "ALARM_ON" }, 0, "events: the alarm seen")
  expect.eq(pump:call("interrogate", {}).type, "status", "pump:call by message name")
end)
