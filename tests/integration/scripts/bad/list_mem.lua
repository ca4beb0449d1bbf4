-- A tag that is a table whose key needs more than the memory cap as text:
-- test() refuses it when the file loads (bad input, like a syntax error).
local huge_key = setmetatable({}, { __tostring = function() return string.rep("x", 1 << 30) end })

test("a tag too big to list", { tags = { { [huge_key] = true } } }, function() end)
