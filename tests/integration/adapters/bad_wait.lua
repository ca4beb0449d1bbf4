-- An adapter that waits on its line for a reply that never comes, with a
-- deadline a day away: the watchdog, not the deadline, ends it.
local A = { name = "bad_wait" }
function A.open(h) A.h = h; line.open() end
function A.call(name, fields)
  while true do
    line.recv(A.h.now() + 24 * 3600 * s)
  end
end
function A.next_event(deadline) return nil end
return A
