-- unplug.lua - driven by usb_unplug.sh: the board is unplugged while the
-- first test runs and replugged a moment later.
suite "usb unplug"

test("board pulled mid-test", function(b)
  b.pump:status()
  -- The plug is pulled during these waits: pump:call returns the board's
  -- going as an outcome; the plain form after it ends the test as an error.
  local r, o
  for _ = 1, 120 do
    pcall(b.run_for, b, 100 * ms) -- a wait raises once the board is gone
    r, o = b.pump:call("interrogate", {})
    if not r then break end
  end
  expect.eq(o and o.kind, "board_gone", "a board that is gone is an outcome of pump:call")
  expect.truthy(tostring(o):find("board disconnected at t=", 1, true), "it says when: " .. tostring(o))
  b.pump:status()
  expect.fail("the plain form should have raised: the board is gone")
end)

test("next test after the replug", function(b)
  local s = b.pump:status()
  expect.eq(s.mode, 0, "a factory-fresh pump")
  b.fixture:read()
end)
