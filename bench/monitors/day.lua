-- One virtual day of continuous delivery at 1 mL/day that looks at nothing:
-- what the trace holds is what the board's monitors sent (make bench).
local faults = require "pumphil.faults"

suite { name = "bench: monitors" }

test("a day of continuous delivery at 1 mL/day", function(b)
  faults.running(b, { rate = 1 * mL / day })
  b:run_for(1 * day)
end)
