-- An adapter that never returns from call.
local A = { name = "bad_hang" }
function A.call(name, fields)
  local n = 0
  while true do
    n = n + 1
  end
end
function A.next_event(deadline) return nil end
return A
