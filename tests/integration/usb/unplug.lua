-- unplug.lua - driven by usb_unplug.sh: the board is unplugged while the
-- first test runs and replugged a moment later.
suite "usb unplug"

test("board pulled mid-test", function(b)
  b.pump:status()
  b:run_for(6 * s) -- the plug is pulled during this wait
  b.pump:status()
  expect.fail("the board should have gone away during this test")
end)

test("next test after the replug", function(b)
  local s = b.pump:status()
  expect.eq(s.mode, 0, "a factory-fresh pump")
  b.fixture:read()
end)
