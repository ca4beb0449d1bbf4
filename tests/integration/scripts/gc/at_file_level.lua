suite "gc at file level"

local keep = setmetatable({}, { __gc = function() while true do end end })

test("never runs", function() expect.truthy(keep, "kept") end)
