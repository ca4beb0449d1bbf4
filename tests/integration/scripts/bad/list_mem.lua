-- Listing the tests hits the memory cap: a tag whose key needs more than the
-- cap as text.  The file fails to load with that message, like a syntax error.
local huge_key = setmetatable({}, { __tostring = function() return string.rep("x", 1 << 30) end })

test("a tag too big to list", { tags = { { [huge_key] = true } } }, function() end)
