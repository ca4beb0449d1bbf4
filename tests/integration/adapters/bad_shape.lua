-- An adapter whose call returns a number instead of a reply table.
local A = { name = "bad_shape" }
function A.call(name, fields)
  return 42
end
function A.next_event(deadline) return nil end
return A
