---@meta
-- lua-language-server annotations for pumphil test scripts: the globals a
-- script sees and the bench objects a test receives.  Types only, never run.
-- Point the language server at tools/lua/ (the repository's .luarc.json does);
-- docs/scripting.md is the reference and tests/integration/lua_annotations.py
-- keeps this file and its `### \`name\`` headings in step.
--
-- Quantities are numbers in base units: volume nL, drug mass ng, bench time ns,
-- pressure Pa, voltage mV, length mm, balance mass ug.  Write 2 * h, read x / mL.

------------------------------------------------------------------ units

---@type number 1 nL (base unit of volume)
nL = 1
---@type number 1 uL in nL
uL = 1000
---@type number 1 mL in nL
mL = 1000000
---@type number 1 ng (base unit of drug mass)
ng = 1
---@type number 1 ug in ng
ug = 1000
---@type number 1 mg in ng
mg = 1000000
---@type number 1 ns (base unit of bench time)
ns = 1
---@type number 1 us in ns
us = 1000
---@type number 1 ms in ns
ms = 1000000
---@type number 1 s in ns
s = 1000000000
---@type number 1 min in ns
min = 60000000000
---@type number 1 h in ns
h = 3600000000000
---@type number 1 day in ns
day = 86400000000000
---@type number 1 Pa (base unit of pressure)
Pa = 1
---@type number 1 kPa in Pa
kPa = 1000
---@type number 1 psi in Pa
psi = 6894.757
---@type number 1 mV (base unit of voltage)
mV = 1
---@type number 1 V in mV
V = 1000
---@type number 1 mm (base unit of length)
mm = 1
---@type number 1 cm in mm
cm = 10

---Every unit name (nL ... cm) as a number in its base unit, and a formatter.
---@class pumphil.units
---@field nL number
---@field uL number
---@field mL number
---@field ng number
---@field ug number
---@field mg number
---@field ns number
---@field us number
---@field ms number
---@field s number
---@field min number
---@field h number
---@field day number
---@field Pa number
---@field kPa number
---@field psi number
---@field mV number
---@field V number
---@field mm number
---@field cm number
units = {}

---A duration for messages: "1.500 h", "2.000 min".
---@param ns number duration in ns
---@return string
function units.fmt_time(ns) end

------------------------------------------------------------------ structure

---@class pumphil.SuiteDef
---@field name string suite name (reports group tests by it)
---@field tags? string[]|string tags inherited by the suite's tests
---@field req? string[]|string requirement ids (fixtures/requirements.json)
---@field hazard? string[]|string hazard ids (fixtures/hazards.json)
---@field setup? fun(b: pumphil.Bench) before the suite's first test
---@field teardown? fun(b: pumphil.Bench) after its last test, also after a failure
---@field before_each? fun(b: pumphil.Bench) before every test
---@field after_each? fun(b: pumphil.Bench) after every test, also after a failure

---Start a suite: tests defined after it belong to it and inherit its tags,
---requirement and hazard ids.
---@param def pumphil.SuiteDef|string the definition, or just the name
function suite(def) end

---@class pumphil.TestOpts
---@field tags? string[]|string
---@field req? string[]|string requirement ids
---@field hazard? string[]|string hazard ids
---@field setup? fun(b: pumphil.Bench) before the body
---@field teardown? fun(b: pumphil.Bench) after the body, also after a failure
---@field timeout? number bench-time limit, ns (e.g. 3 * day)
---@field wall_timeout? number wall-time limit, ns
---@field xfail? {id: string, reason: string} a known issue: a failure is xfail, a pass xpass
---@field cases? table[] run once per case, reported as `name [label]`; the case is the body's 2nd argument

---Define a test: `test(name, [opts,] function(b, case) ... end)`.
---@param name string
---@param opts pumphil.TestOpts|fun(b: pumphil.Bench, case?: table) options, or the body
---@param fn? fun(b: pumphil.Bench, case?: table) the body, on a fresh bench
function test(name, opts, fn) end

------------------------------------------------------------------ checks

---Checks: each raises a failure naming the script line, the expected and the
---actual value; the test stops there (its teardown still runs).
---`expect(value, what)` is `expect.truthy(value, what)`.
---@class pumphil.expect
---@overload fun(value: any, what?: string)
expect = {}

---Equality.
---@param actual any
---@param expected any
---@param what? string what is checked, for the message
function expect.eq(actual, expected, what) end

---Inequality.
---@param actual any
---@param unexpected any
---@param what? string
function expect.ne(actual, unexpected, what) end

---|actual - expected| <= tolerance (all in the same unit).
---@param actual number
---@param expected number
---@param tolerance number
---@param what? string
function expect.near(actual, expected, tolerance, what) end

---actual < bound.
---@param actual number
---@param bound number
---@param what? string
function expect.lt(actual, bound, what) end

---actual <= bound.
---@param actual number
---@param bound number
---@param what? string
function expect.le(actual, bound, what) end

---actual > bound.
---@param actual number
---@param bound number
---@param what? string
function expect.gt(actual, bound, what) end

---actual >= bound.
---@param actual number
---@param bound number
---@param what? string
function expect.ge(actual, bound, what) end

---value is neither nil nor false.
---@param value any
---@param what? string
function expect.truthy(value, what) end

---value is nil or false.
---@param value any
---@param what? string
function expect.falsy(value, what) end

---A command outcome (from a `try_` command) was accepted.
---@param outcome pumphil.Outcome
---@param what? string
function expect.ok(outcome, what) end

---A command outcome was refused with that reason (REFUSE codes, PROTOCOL.md).
---@param outcome pumphil.Outcome
---@param reason string e.g. "HARD_LIMIT"
---@param what? string
function expect.refused(outcome, reason, what) end

---Fail unconditionally.
---@param message string
function expect.fail(message) end

------------------------------------------------------------------ measurements

---@class pumphil.MeasureSpec
---@field unit? string the value's unit, for the record (e.g. "uL")
---@field min? number lower limit, in the value's unit
---@field max? number upper limit, in the value's unit
---@field nominal? number centre of a tolerance band
---@field tol? number absolute tolerance around nominal
---@field tol_pct? number tolerance around nominal in percent
---@field resolution? number how finely the bench measured it (value's unit): widens the limits

---Record a measurement with its unit, limits and verdict; outside its limits
---it fails the test when the test ends (the test goes on meanwhile).
---@param name string
---@param value number in the spec's unit
---@param spec? pumphil.MeasureSpec
---@return number value
function measure(name, value, spec) end

------------------------------------------------------------------ other globals

---The protocol's code tables (PROTOCOL.md), both ways: codes.REFUSE.BAD_PARAM
---is 1 and codes.REFUSE[1] is "BAD_PARAM"; REFUSE, FIELD, NAK, ALARM, PRIO, EV,
---FX, MODE, BOLUS, HOOK...  A copy: changing it changes nothing else.
---@type table<string, table<string|integer, integer|string>>
codes = {}

---A JSON file from fixtures/ as a table.
---@param name string file name without .json, e.g. "druglib"
---@return table
function fixture_data(name) end

---The same as expect.fail.
---@param message string
function fail(message) end

---End the test now with verdict skip (it cannot run on this board or build).
---@param reason string
function skip(reason) end

---Plain data under a new key of the test's entry in record.json.
---@param key string a key the entry does not have yet
---@param value table
function annotate(key, value) end

------------------------------------------------------------------ the bench

---A board event (and what `b:wait_event` returns).
---@class pumphil.Event
---@field t number bench time it arrived, ns since the test started
---@field board_us number board time stamp, us
---@field name string event name (EV codes), e.g. "ALARM_ON", "BOLUS_END"
---@field alarm? string alarm name for alarm events, e.g. "OCCLUSION"
---@field priority? string "LOW"|"MEDIUM"|"HIGH"
---@field arg number event argument
---@field evseq number the board's event sequence number
---@field latency? number ns from the start of the wait (negative when matched with `since`)

---@class pumphil.WaitOpts
---@field within? number how long to wait, ns
---@field optional? boolean return nil instead of failing when nothing matches
---@field include_past? boolean also match events stamped before the test's first exchange
---@field since? number also match events that arrived at or after this bench time, ns

---@class pumphil.WaitUntilOpts
---@field within? number how long to poll, ns (default 1 h)
---@field every? number polling period, ns (default 1 s)
---@field what? string what is awaited, for the failure message
---@field optional? boolean return nil instead of failing

---@class pumphil.Burst
---@field p number probability good -> bad per frame
---@field r number probability bad -> good per frame
---@field loss_good? number loss probability in the good state
---@field loss_bad? number loss probability in the bad state

---@class pumphil.LinkFault
---@field channel? "pump"|"fixture"|"all"
---@field dir? "both"|"to_board"|"from_board"
---@field drop? number probability per frame (0..1)
---@field corrupt? number probability per frame
---@field duplicate? number probability per frame
---@field reorder? number probability per frame
---@field delay? number ns
---@field jitter? number ns
---@field burst? pumphil.Burst Gilbert-Elliott loss

---@class pumphil.LinkStats
---@field frames integer
---@field delivered integer
---@field dropped integer
---@field burst_dropped integer
---@field corrupted integer
---@field duplicated integer
---@field reordered integer
---@field delayed integer

---@class pumphil.LinkTiming
---@field reply_timeout number how long the link waits for a reply before resending, bench ns
---@field retries integer how often it resends
---@field rtt_max number longest round trip of the test so far, bench ns (0 on sim)

---@class pumphil.InjectTiming
---@field at? number bench time to switch the fault on, ns (default now)
---@field duration? number how long it stays on, ns (default until cleared)
---@field ramp? number supply ramp, ns, where the catalogue allows one

---A fault injection (b:inject, b:schedule, b:campaign).
---@class pumphil.Fault
---@field name string catalogue name
---@field params table parameters in base units
---@field at number scheduled start, bench ns
---@field duration? number ns, nil = until cleared
---@field t_on? number bench time it switched on, ns
---@field t_off? number bench time it switched off, ns
---@field state "pending"|"on"|"off"|"cancelled"
local Fault = {}

---Remove the fault now, or cancel it if it has not started.
function Fault:clear() end

---True while the fault is on.
---@return boolean
function Fault:active() end

---@class pumphil.CampaignDef
---@field faults (string|{name: string, params?: table})[] the faults to draw from, uniformly
---@field n integer how many injections
---@field to number end of the campaign window, bench ns
---@field from? number start of the window, bench ns
---@field duration {[1]: number, [2]: number} shortest and longest duration, ns
---@field gap? number least time between injections, ns
---@field seed? integer default: drawn from the test's seed
---@field params? "default"|"random" catalogue defaults or random in-range values

---The bench a test receives: the board, its rig and the bench clock.
---@class pumphil.Bench
---@field pump pumphil.Pump the pump on the pump channel
---@field fixture pumphil.Fixture the rig: balance, pinch valve, supply, RF, reset
---@field profile table the bench profile (fixtures/profiles/*.json), read-only
local Bench = {}

---Bench time in ns since the test started.
---@return number ns
function Bench:now() end

---Let the bench run for a while; board events are collected.
---@param duration number ns
function Bench:run_for(duration) end

---Run to bench time t.
---@param t number ns since the test started
function Bench:run_until(t) end

---Wait for a board event matching filter; fails with the events seen when
---none matches in time (returns nil with optional = true).
---@param filter table|fun(ev: pumphil.Event): boolean fields to match, e.g. { name = "BOLUS_END" }, or a predicate
---@param opts? pumphil.WaitOpts
---@return pumphil.Event
function Bench:wait_event(filter, opts) end

---wait_event for that alarm being raised.
---@param name string alarm name, e.g. "OCCLUSION"
---@param opts? pumphil.WaitOpts
---@return pumphil.Event
function Bench:wait_alarm(name, opts) end

---Poll a condition on the bench clock; returns its first truthy value.
---@generic T
---@param pred fun(): T
---@param opts? pumphil.WaitUntilOpts
---@return T value
---@return number t bench time, ns
function Bench:wait_until(pred, opts) end

---The events seen so far in this test (all when no filter).
---@param filter? table|fun(ev: pumphil.Event): boolean
---@return pumphil.Event[]
function Bench:events(filter) end

---A line in the test's log.
---@param message string
function Bench:log(message) end

---A harness event in the trace: "fault_on"/"fault_off" with { fault = name } draw a fault span.
---@param kind string
---@param fields? table
function Bench:mark(kind, fields) end

---Link faults on the harness side of the link, seeded from the test's seed.
---@param spec pumphil.LinkFault
function Bench:link_fault(spec) end

---The link transparent again (delayed frames still arrive when due).
function Bench:link_clear() end

---What the link-fault layer did on one path.
---@param channel "pump"|"fixture"
---@param dir "to_board"|"from_board"
---@return pumphil.LinkStats
function Bench:link_stats(channel, dir) end

---The link's reply timeout, retries and longest round trip so far.
---@return pumphil.LinkTiming
function Bench:link_timing() end

---Inject a fault from the catalogue (fixtures/faults.json), now or at opts.at.
---@param name string catalogue name, e.g. "occlusion_total"
---@param params? table parameters in base units, e.g. { closure = 900 } (permille)
---@param timing? pumphil.InjectTiming
---@return pumphil.Fault
function Bench:inject(name, params, timing) end

---Several injections at once: entries { name, params, at = t, duration = d }.
---@param entries table[]
---@return pumphil.Fault[]
function Bench:schedule(entries) end

---A seeded random campaign of injections.
---@param def pumphil.CampaignDef
---@return pumphil.Fault[] handles in time order
function Bench:campaign(def) end

---Every injection of the test so far, oldest first.
---@return pumphil.Fault[]
function Bench:faults() end

------------------------------------------------------------------ the pump

---A command's outcome; `try_` commands return it instead of failing.
---@class pumphil.Outcome
---@field ok boolean accepted
---@field reason string "OK" or the REFUSE code name, e.g. "HARD_LIMIT"
---@field detail? integer reason-specific detail, e.g. the limit that was hit
---@field reply table the decoded reply
---@field volume? number bolus: volume the pump will deliver, nL (whole strokes)
---@field id? integer bolus: request id
---@field crc? integer program: CRC of the committed prescription

---@class pumphil.Status
---@field fw_version integer major<<16 | minor<<8 | patch
---@field serial integer
---@field mode integer committed mode: 0 stopped, 1 continuous, 2 flexible
---@field mode_name string
---@field running integer 1 from start until stop (a stopping alarm halts the motor but leaves it 1)
---@field rate_nl_h integer delivery rate set-point, nL/h (bolus excluded)
---@field reservoir_nl integer reservoir volume computed by the pump, nL
---@field alarms integer bit mask of active alarms
---@field alarm_set table<string, boolean> names of the active alarms as keys
---@field delivered_nl integer volume delivered since power-on of the therapy state, nL
---@field rx_crc integer CRC of the committed prescription
---@field battery_mv integer battery rail as the pump measures it, mV
---@field next_refill_s integer projected seconds to the low-reservoir alarm
---@field bolus_active integer bolus kind being delivered, 0 none
---@field session integer 1 while a telemetry session is open
---@field resets integer resets since first boot

---@class pumphil.LogEntry
---@field t_us integer board time, us
---@field name string event name (EV codes)
---@field code integer
---@field arg integer

---@class pumphil.DrugLib
---@field id integer drug id
---@field max_conc number ng/nL (e.g. 20 * mg / mL)
---@field soft number daily soft limit, ng (e.g. 15 * mg)
---@field hard number daily hard limit, ng

---@class pumphil.Refill
---@field volume number nL
---@field drug integer drug id
---@field conc number ng/nL (e.g. 10 * mg / mL)
---@field low_residual? number nL

---@class pumphil.Step
---@field start string time of day "HH:MM"
---@field rate number nL/ns (e.g. 0.5 * mL / day)

---@class pumphil.PatientBolus
---@field dose number nL
---@field duration number ns
---@field lockout number ns, counted from the start of the last patient bolus
---@field max_per_day integer

---@class pumphil.Program
---@field mode "continuous"|"flexible"|"stopped"
---@field drug? integer drug id
---@field conc? number ng/nL
---@field rate? number nL/ns (e.g. 0.5 * mL / day)
---@field steps? pumphil.Step[] flexible mode: 1-10 ascending steps
---@field patient_bolus? pumphil.PatientBolus
---@field commit? boolean false: stage and verify only
---@field override_soft? boolean confirm a daily dose above the soft limit (never the hard one)

---@class pumphil.Bolus
---@field kind "clinician"|"patient"|"priming"|"bridge"
---@field amount? number nL
---@field duration? number ns
---@field catheter_trimmed? number priming: trimmed catheter length, mm
---@field id? integer request id (idempotent; fresh when omitted)

---The pump: therapy commands open a telemetry session on demand.
---@class pumphil.Pump
local Pump = {}

---Open a telemetry session.
---@param timeout? number ns; 0 or nil = the pump's default
---@return pumphil.Outcome
function Pump:session(timeout) end

---Close the telemetry session.
function Pump:close_session() end

---Interrogate the pump.
---@return pumphil.Status
function Pump:status() end

---Load every entry of fixtures/<name>.json into the pump's drug library.
---@param name? string default "druglib"
function Pump:load_druglib(name) end

---One drug library entry.
---@param entry pumphil.DrugLib
---@return pumphil.Outcome
function Pump:druglib(entry) end

---Refill the reservoir; a refusal fails the test.
---@param r pumphil.Refill
---@return pumphil.Outcome
function Pump:refill(r) end

---Refill the reservoir; returns the outcome.
---@param r pumphil.Refill
---@return pumphil.Outcome
function Pump:try_refill(r) end

---Stage, verify and commit a prescription; a refusal fails the test.
---@param p pumphil.Program
---@return pumphil.Outcome outcome with crc
function Pump:program(p) end

---Stage, verify and commit a prescription; returns the outcome.
---@param p pumphil.Program
---@return pumphil.Outcome
function Pump:try_program(p) end

---Start delivery; a refusal fails the test.
---@return pumphil.Outcome
function Pump:start() end

---Stop delivery; a refusal fails the test.
---@return pumphil.Outcome
function Pump:stop() end

---Start delivery; returns the outcome.
---@return pumphil.Outcome
function Pump:try_start() end

---Stop delivery; returns the outcome.
---@return pumphil.Outcome
function Pump:try_stop() end

---Request a bolus; a refusal fails the test.
---@param req pumphil.Bolus
---@return pumphil.Outcome outcome with volume (nL) and id
function Pump:bolus(req) end

---Request a bolus; returns the outcome.
---@param req pumphil.Bolus
---@return pumphil.Outcome
function Pump:try_bolus(req) end

---Acknowledge an alarm.
---@param name string alarm name, e.g. "OCCLUSION"
---@return pumphil.Outcome
function Pump:ack_alarm(name) end

---Run the pump's alarm test.
---@return pumphil.Outcome
function Pump:alarm_test() end

---Set the pump's wall clock (flexible steps follow it).
---@param epoch_ms integer ms since 1970, UTC
---@return pumphil.Outcome
function Pump:set_clock(epoch_ms) end

---A board-side test hook (HOOK codes).
---@param name string e.g. "MOTOR_STALL", "PRESSURE_STUCK"
---@param arg? integer hook argument (PRESSURE_STUCK: Pa)
---@return pumphil.Outcome
function Pump:hook(name, arg) end

---The pump's event log, oldest first.
---@return pumphil.LogEntry[]
function Pump:log() end

---Any pump-channel message by name.
---@param message string message name (PROTOCOL.md), e.g. "interrogate"
---@param fields? table
---@return table|nil reply
---@return string? nak "NAK <code>" when the board refused the frame
---@return table? nak_reply
function Pump:call(message, fields) end

------------------------------------------------------------------ the fixture

---@class pumphil.FixtureReading
---@field balance number balance mass, ug
---@field balance_ug number
---@field pressure_pa number line pressure, Pa
---@field supply_mv number supply rail, mV
---@field temp_mc number temperature, milli-degC
---@field reservoir_nl number true reservoir volume, nL
---@field motor_strokes integer strokes counted by the rig
---@field pinch_pm integer pinch closure in force, permille
---@field rf_loss_pm integer RF attenuation, permille

---The rig around the pump.
---@class pumphil.Fixture
local Fixture = {}

---Every instrument at once.
---@return pumphil.FixtureReading
function Fixture:read() end

---The balance reading converted to volume.
---@return number nL
function Fixture:delivered_nl() end

---Zero the balance.
function Fixture:tare() end

---Set one parameter (FX codes); a value out of range fails the test, never clamps.
---@param param string e.g. "PINCH_PM", "SUPPLY_MV", "RESERVOIR_NL"
---@param value number in the parameter's unit
---@return pumphil.Outcome
function Fixture:set(param, value) end

---Close the pinch valve (0 open .. 1000 closed).
---@param permille integer
---@return pumphil.Outcome
function Fixture:pinch(permille) end

---Set the supply rail.
---@param mv number mV
---@return pumphil.Outcome
function Fixture:supply(mv) end

---Attenuate the RF link (0 .. 1000).
---@param permille integer
---@return pumphil.Outcome
function Fixture:rf_loss(permille) end

---Reset the board; a brown-out with nth_write cuts power during its Nth next NVM write.
---@param kind? "watchdog"|"brownout"|"power"|"factory" default "power"
---@param nth_write? integer
function Fixture:reset(kind, nth_write) end
