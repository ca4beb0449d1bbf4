suite "teardown"

local torn_down = false

test("failing body", {
  teardown = function(b) torn_down = true end,
}, function(b)
  expect.fail("body failed on purpose")
end)

test("teardown saw the failure", function(b)
  expect.truthy(torn_down, "teardown of the failing test ran")
end)

test("failing teardown", {
  teardown = function(b) error("broken teardown") end,
}, function(b)
  expect.eq(1, 1, "body passes")
end)

test("after a failing teardown", function(b)
  expect.eq(b.pump:status().mode, 0, "fresh bench")
end)
