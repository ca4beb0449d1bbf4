suite "gc"

-- A finalizer that never returns: Lua runs finalizers with hooks off, so the
-- watchdog could not stop it once the collector called it.  The sandbox
-- refuses __gc, so the test errors at this line and the run goes on.
test("a looping finalizer is refused", function()
  setmetatable({}, { __gc = function() while true do end end })
  collectgarbage = nil
end)

test("the next test runs normally", function(b)
  expect.eq(b.pump:status().mode, 0, "mode")
end)
