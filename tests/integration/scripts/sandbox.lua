suite "sandbox"

test("os.execute is refused", function()
  os.execute("true")
end)

test("io.open is refused", function()
  io.open("/etc/passwd")
end)

test("require ffi is refused", function()
  require "ffi"
end)

test("an endless loop is stopped", function()
  while true do end
end)

test("pcall cannot swallow the watchdog", function()
  while true do pcall(function() while true do end end) end
end)

test("unbounded allocation hits the memory cap", function()
  local t = {}
  while true do t[#t + 1] = string.rep("x", 1024) .. #t end
end)

test("the next test runs normally", function(b)
  local s = b.pump:status()
  expect.eq(s.mode, 0, "mode")
end)
