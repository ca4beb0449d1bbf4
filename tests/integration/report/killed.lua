-- A run that is killed half-way: the first test finishes, the second runs
-- for a long wall time (a busy Lua loop after some bench activity) until the
-- test kills the process with SIGKILL (tests/integration/report/killed.sh).
suite { name = "killed run", req = { "REQ-DEL-001" }, hazard = { "HAZ-UNDER" } }

test("finishes before the kill", function(b)
  b.pump:load_druglib()
  b.pump:refill { volume = 20 * mL, drug = 1, conc = 10 * mg / mL }
  b:run_for(1 * h)
  measure("reservoir after refill", b.pump:status().reservoir_nl / mL, { unit = "mL", min = 19, max = 20 })
end)

test("still running when killed", function(b)
  b.pump:load_druglib()
  b.pump:refill { volume = 20 * mL, drug = 1, conc = 10 * mg / mL }
  b.pump:program { mode = "continuous", rate = 0.5 * mL / day, drug = 1, conc = 10 * mg / mL }
  b.pump:start()
  b:run_for(2 * h)
  print("spinning until the run is killed")
  local n = 0
  while true do n = n + 1 end
end)
