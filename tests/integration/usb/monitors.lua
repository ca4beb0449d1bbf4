-- Monitors over USB (issue 13): a few minutes of delivery that reads
-- nothing; usb_monitors.sh checks the trace's CSV for the stream.
local faults = require "pumphil.faults"

suite { name = "USB: monitors" }

test("delivery recorded without a single read", function(b)
  faults.running(b, { rate = 0.3 * mL / h })
  b:run_for(2 * min)
end)
