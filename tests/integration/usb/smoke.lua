-- smoke.lua - the same script on `--board sim` and `--board virtual-usb`:
-- both channels answer and bench time moves.  Short in bench time, since
-- virtual-usb runs in real time.
suite "usb smoke"

test("pump status after power-on", function(b)
  local s = b.pump:status()
  expect.eq(s.mode, 0, "mode after power-on")
  expect.eq(s.running, 0, "running after power-on")
end)

test("fixture reads and time passes", function(b)
  local f = b.fixture:read()
  expect.gt(f.supply_mv, 0, "supply rail present")
  local t0 = b:now()
  b:run_for(300 * ms)
  expect.ge(b:now() - t0, 300 * ms, "bench time advanced")
  expect.eq(b.pump:status().running, 0, "still stopped")
end)
