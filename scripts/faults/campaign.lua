-- Seeded random campaigns: which faults, when, for how long, drawn from the
-- test's seed.  Each injection must meet its catalogue response in time, and
-- the pump must recover from each before the next.
local faults = require "pumphil.faults"
local class = require "pumphil.class"

suite { name = "Faults: campaigns", tags = { "faults", "campaign" }, hazard = { "HAZ-ALARM" } }

-- From the catalogue: the faults whose response is an alarm with a latency
-- limit (the rest need their own set-up or observation).
local ALARMING = {}
for _, f in ipairs(faults.catalogue().faults) do
  if f.response.alarm and f.limits.latency then ALARMING[#ALARMING + 1] = f.name end
end

-- The expected response of a fault on bench b's device class.
local function response(b, spec)
  return (spec.classes or {})[class.name(b)] or spec.response
end

-- The alarming faults whose alarm this class raises.
local function alarming(b)
  local out = {}
  for _, name in ipairs(ALARMING) do
    if response(b, faults.spec(name)).alarm then out[#out + 1] = name end
  end
  return out
end

local function plan_of(list)
  local out = {}
  for i, p in ipairs(list) do out[i] = string.format("%s@%d+%s", p.name, p.at, tostring(p.duration)) end
  return table.concat(out, " ")
end

test("a campaign's plan is a function of its seed", { tags = { "campaign" } }, function(b)
  expect.ge(#ALARMING, 5, "alarming faults with a latency limit in the catalogue")
  local t0 = b:now() -- one window for every plan: on a real-time bench the clock moves between calls
  local def = { faults = ALARMING, n = 6, seed = 7, from = t0, to = t0 + 3 * day,
                duration = { 20 * min, 1 * h }, gap = 3 * h }
  local p1, p2 = faults.plan(def), faults.plan(def)
  expect.eq(plan_of(p1), plan_of(p2), "plans from the same seed")
  def.seed = 8
  expect.ne(plan_of(faults.plan(def)), plan_of(p1), "plan from another seed")
  for i = 2, #p1 do
    expect.ge(p1[i].at, p1[i - 1].at + p1[i - 1].duration + 3 * h, "gap before injection " .. i)
  end
  expect.le(p1[#p1].at + p1[#p1].duration, 3 * day, "last injection ends inside the window")
  -- Random parameters stay inside each fault's catalogue range (these three are
  -- dimensionless, so base and catalogue units agree).
  local wide = faults.plan { faults = { "occlusion_partial", "leak", "clock_drift" }, n = 20, to = 10 * day,
                             duration = 1 * h, params = "random" }
  for _, p in ipairs(wide) do
    for k, v in pairs(p.params) do
      local d = faults.spec(p.name).params[k]
      expect.truthy(v >= d.min and v <= d.max, string.format("%s.%s = %s in %s..%s", p.name, k, v, d.min, d.max))
    end
  end
end)

test("random campaign of alarming faults: each alarm within its limit, recovery after each",
     { tags = { "long" }, req = { "REQ-ALM-001", "REQ-ALM-003" } },
     function(b)
       faults.running(b, { rate = 1 * mL / day })
       local plan = b:campaign { faults = alarming(b), n = 5, from = b:now() + 1 * h, to = b:now() + 2 * day,
                                 duration = { 30 * min, 1 * h }, gap = 4 * h }
       expect.eq(#b:faults(), 5, "injections planned")
       for _, f in ipairs(plan) do
         b:run_until(f.at)
         local spec = faults.spec(f.name)
         local ev = b:wait_alarm(spec.response.alarm, { within = f.duration })
         faults.measure(f.name, "latency", ev.t - f.t_on)
         b:run_until(f.at + f.duration + 10 * min)
         expect.falsy(f:active(), f.name .. " still on after its duration")
         if response(b, spec).latched == false then
           -- This class clears the alarm by itself once the fault has gone.
           local alarm = spec.response.alarm
           expect.falsy(b.pump:status().alarm_set[alarm], alarm .. " cleared by itself after " .. f.name)
         else
           expect.ok(b.pump:ack_alarm(spec.response.alarm),
                     "acknowledge " .. spec.response.alarm .. " after " .. f.name)
         end
         b.pump:close_session()
         local w0 = b.fixture:delivered_nl()
         b:run_for(1 * h)
         expect.gt(b.fixture:delivered_nl() - w0, 0.8 * mL / day * h,
                   "delivery (nL/h) after recovering from " .. f.name)
       end
     end)
