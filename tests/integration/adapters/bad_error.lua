-- An adapter whose call raises a Lua error.
local A = { name = "bad_error" }
function A.call(name, fields)
  local t = nil
  return t.reply -- line 5: indexing nil
end
function A.next_event(deadline) return nil end
return A
