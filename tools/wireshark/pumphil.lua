-- pumphil.lua - Wireshark/tshark dissector for pumphil traces.
--
-- A trace written by `pumphil run` (pcapng) has three interfaces: the pump
-- and fixture channels (link type USER0: the COBS-encoded frames exactly as
-- they crossed, 0x00 delimiter included) and harness events (USER1: one
-- JSON object per packet).  This file decodes both:
--
--   protocol pumphil      COBS, header, CRC-32, and every message's fields
--                         (pumphil.<message>.<field>) with value names
--   protocol pumphil_ev   harness events: "ev" and the JSON text
--
-- Use:   wireshark -X lua_script:tools/wireshark/pumphil.lua trace.pcapng
--        tshark -X lua_script:tools/wireshark/pumphil.lua -r trace.pcapng \
--               -T fields -e pumphil.msg -e pumphil.seq
-- or copy it to ~/.local/lib/wireshark/plugins/.
--
-- The tables between the GENERATED markers come from the codec's .def files
-- (tools/wireshark/gen_dissector.c); everything else is written by hand.
-- Works with the Lua 5.2 of Wireshark 3.x/4.0 and the 5.4 of 4.2+ (bit
-- operations through Wireshark's `bit` library).

-- BEGIN GENERATED: gen_dissector
-- Generated from proto/pp_messages.def and proto/pp_codes.def by
-- tools/wireshark/gen_dissector.c; regenerate with
--   build/tests/gen_dissector --write tools/wireshark/pumphil.lua
-- A test (trace_dissector_in_sync) fails when this section is stale.

local PP_VERSION = 1
local PP_HEADER_SIZE = 16
local PP_CRC_SIZE = 4

local codes = {
	NAK = {
		[1] = "BAD_FRAME",
		[2] = "BAD_CRC",
		[3] = "BAD_VERSION",
		[4] = "BAD_LENGTH",
		[5] = "UNKNOWN_TYPE",
		[6] = "BAD_SEQ",
		[7] = "TOO_LONG",
		[8] = "NO_SESSION",
	},
	REFUSE = {
		[0] = "OK",
		[1] = "BAD_PARAM",
		[2] = "NO_STAGED",
		[3] = "CRC_MISMATCH",
		[4] = "UNKNOWN_DRUG",
		[5] = "CONC_LIMIT",
		[6] = "SOFT_LIMIT",
		[7] = "HARD_LIMIT",
		[8] = "LOCKOUT",
		[9] = "MAX_PER_DAY",
		[10] = "DOSE_CAP",
		[11] = "ALARM_STOP",
		[12] = "NOT_RUNNING",
		[13] = "BOLUS_ACTIVE",
		[14] = "PB_DISABLED",
		[15] = "RESERVOIR",
		[16] = "BUSY",
		[17] = "NOT_ACTIVE",
	},
	FIELD = {
		[0] = "NONE",
		[1] = "RX_MODE",
		[2] = "RX_NSTEPS",
		[3] = "RX_RATE",
		[4] = "PB_MAX_PER_DAY",
		[5] = "PB_DOSE",
		[6] = "PB_DURATION",
		[7] = "PB_LOCKOUT",
		[8] = "DRUG",
		[9] = "CONC",
		[10] = "DAILY_DOSE",
		[11] = "STEP_INDEX",
		[12] = "STEP_START",
		[13] = "STEP_RATE",
		[14] = "STEP_ORDER",
		[15] = "COMMIT_CRC",
		[16] = "BOLUS_KIND",
		[17] = "BOLUS_AMOUNT",
		[18] = "BOLUS_DURATION",
		[19] = "BOLUS_CATHETER",
		[20] = "ALARM",
		[21] = "CLOCK",
		[22] = "DRUGLIB_DRUG",
		[23] = "DRUGLIB_CONC",
		[24] = "DRUGLIB_HARD",
		[25] = "DRUGLIB_SOFT",
		[26] = "DRUGLIB_FULL",
		[27] = "HOOK",
		[28] = "REFILL_VOLUME",
		[29] = "SESSION",
		[30] = "PRESCRIPTION",
	},
	ALARM = {
		[1] = "OCCLUSION",
		[2] = "LOW_RESERVOIR",
		[3] = "EMPTY_RESERVOIR",
		[4] = "MOTOR_STALL",
		[5] = "BATTERY_ERI",
		[6] = "BATTERY_EOS",
		[7] = "LINK_LOSS",
		[8] = "WATCHDOG",
		[9] = "MAX_DOSE",
		[10] = "NVM_FAULT",
		[11] = "SAFE_STATE",
	},
	PRIO = {
		[0] = "NONE",
		[1] = "LOW",
		[2] = "MEDIUM",
		[3] = "HIGH",
	},
	EV = {
		[1] = "BOOT",
		[2] = "ALARM_ON",
		[3] = "ALARM_OFF",
		[4] = "RX_COMMIT",
		[5] = "START",
		[6] = "STOP",
		[7] = "BOLUS_START",
		[8] = "BOLUS_END",
		[9] = "REFILL",
		[10] = "SESSION_OPEN",
		[11] = "SESSION_CLOSE",
		[12] = "ALARM_TEST",
		[13] = "ALARM_ACK",
		[14] = "RATE_CHANGE",
		[15] = "NVM_RECOVER",
		[16] = "SOFT_OVERRIDE",
		[17] = "STALL_RECOVER",
	},
	FX = {
		[1] = "PINCH_PM",
		[2] = "SUPPLY_MV",
		[3] = "RF_LOSS_PM",
		[4] = "RESERVOIR_NL",
		[5] = "TEMP_MC",
		[6] = "LEAK_PM",
		[7] = "KINK_PM",
		[8] = "BALANCE_NOISE_UG",
		[9] = "EVAPORATION_UG_H",
		[10] = "MOTOR_JAM",
		[11] = "RF_CORRUPT_PM",
		[12] = "PINCH_PERIOD_S",
		[13] = "PINCH_DUTY_PM",
		[14] = "SUPPLY_RAMP_S",
		[15] = "SUPPLY_RAMP_MV",
		[16] = "RF_UPLINK_LOSS_PM",
		[17] = "RF_FADE_PER_H",
		[18] = "RF_FADE_MS",
		[19] = "STROKE_GAIN_PM",
		[20] = "STROKE_DRIFT_PM",
		[21] = "STALL_GAIN_PM",
		[22] = "DRY_GAIN_PM",
		[23] = "OVERFILL_GAIN_PM",
		[24] = "REFILL_NL",
		[25] = "POCKET_PM",
	},
	HOOK = {
		[1] = "PRESSURE_STUCK",
		[2] = "PRESSURE_DRIFT",
		[3] = "MOTOR_STALL",
		[4] = "WATCHDOG_HANG",
		[5] = "CLOCK_DRIFT_PPM",
	},
	MODE = {
		[0] = "STOPPED",
		[1] = "CONTINUOUS",
		[2] = "FLEXIBLE",
	},
	BOLUS = {
		[1] = "CLINICIAN",
		[2] = "PATIENT",
		[3] = "PRIMING",
		[4] = "BRIDGE",
	},
	MON = {
		[0] = "BALANCE_UG",
		[1] = "PRESSURE_PA",
		[2] = "RESERVOIR_TRUE_NL",
		[3] = "SUPPLY_MV",
		[4] = "TEMP_MC",
		[5] = "MOTOR_STROKES",
		[6] = "RF_LOSS_PM",
		[7] = "PINCH_PM",
		[8] = "PUMP_MODE",
		[9] = "PUMP_RUNNING",
		[10] = "PUMP_RATE_NL_H",
		[11] = "PUMP_RESERVOIR_NL",
		[12] = "PUMP_ALARMS",
		[13] = "PUMP_BOLUS",
	},
}

local messages = {
	[0x01] = {
		name = "interrogate",
		channel = "pump",
		len = 0,
		doc = "Read the pump's status.  Reply: status.",
		fields = {
		},
	},
	[0x02] = {
		name = "session_open",
		channel = "pump",
		len = 8,
		doc = "Open a telemetry session.  Reply: ack.  Resets the board's expected sequence number.",
		fields = {
			{ name = "programmer_id", type = "u32", unit = "", doc = "Identifier of the programmer (host) opening the session" },
			{ name = "timeout_s", type = "u32", unit = "s", doc = "Idle time after which the board closes the session; 0 = board default" },
		},
	},
	[0x03] = {
		name = "session_close",
		channel = "pump",
		len = 0,
		doc = "Close the telemetry session.  Reply: ack.",
		fields = {
		},
	},
	[0x04] = {
		name = "rx_begin",
		channel = "pump",
		len = 25,
		doc = "Start staging a prescription (discards any staged one).  Reply: ack.",
		fields = {
			{ name = "mode", type = "u8", unit = "", codes = "MODE", doc = "0 stopped, 1 continuous, 2 flexible" },
			{ name = "drug_id", type = "u16", unit = "", doc = "Drug library entry the prescription is for" },
			{ name = "conc_ng_ml", type = "u32", unit = "ng/mL", doc = "Drug concentration in the reservoir" },
			{ name = "rate_nl_h", type = "u32", unit = "nL/h", doc = "Basal rate for continuous mode (ignored for flexible)" },
			{ name = "nsteps", type = "u8", unit = "", doc = "Number of rx_step messages that follow (flexible mode, 1-10)" },
			{ name = "pb_dose_nl", type = "u32", unit = "nL", doc = "Patient bolus dose; 0 disables patient boluses" },
			{ name = "pb_duration_s", type = "u32", unit = "s", doc = "Patient bolus delivery duration" },
			{ name = "pb_lockout_s", type = "u32", unit = "s", doc = "Minimum time from the start of one patient bolus to the next" },
			{ name = "pb_max_per_day", type = "u8", unit = "", doc = "Maximum patient boluses in any rolling 24 h" },
		},
	},
	[0x05] = {
		name = "rx_step",
		channel = "pump",
		len = 7,
		doc = "One time-of-day step of a flexible prescription being staged.  Reply: ack.",
		fields = {
			{ name = "index", type = "u8", unit = "", doc = "Step number, 0-based, in ascending start time" },
			{ name = "start_min", type = "u16", unit = "min", doc = "Minute of the day (0-1439) at which this step's rate starts" },
			{ name = "rate_nl_h", type = "u32", unit = "nL/h", doc = "Rate during this step" },
		},
	},
	[0x06] = {
		name = "rx_verify",
		channel = "pump",
		len = 0,
		doc = "Ask for the CRC of the staged prescription.  Reply: rx_crc.",
		fields = {
		},
	},
	[0x07] = {
		name = "rx_commit",
		channel = "pump",
		len = 5,
		doc = "Commit the staged prescription if its CRC matches.  Reply: ack (result = refusal reason).",
		fields = {
			{ name = "crc", type = "u32", unit = "", doc = "CRC the host computed and verified with rx_verify" },
			{ name = "override_soft", type = "u8", unit = "", doc = "1 = the clinician confirmed a daily dose above the soft limit (never the hard one)" },
		},
	},
	[0x08] = {
		name = "start",
		channel = "pump",
		len = 0,
		doc = "Start delivery of the committed prescription.  Reply: ack.",
		fields = {
		},
	},
	[0x09] = {
		name = "stop",
		channel = "pump",
		len = 0,
		doc = "Stop delivery.  Reply: ack.",
		fields = {
		},
	},
	[0x0a] = {
		name = "bolus",
		channel = "pump",
		len = 17,
		doc = "Request a bolus; idempotent by req_id.  Reply: bolus_result.",
		fields = {
			{ name = "req_id", type = "u32", unit = "", doc = "Request id; a repeated id returns the first result and never doses twice" },
			{ name = "kind", type = "u8", unit = "", codes = "BOLUS", doc = "1 clinician, 2 patient, 3 priming, 4 bridge" },
			{ name = "amount_nl", type = "u32", unit = "nL", doc = "Volume for clinician and bridge boluses (patient: from the prescription)" },
			{ name = "duration_s", type = "u32", unit = "s", doc = "Delivery duration for clinician and bridge boluses" },
			{ name = "catheter_mm", type = "u32", unit = "mm", doc = "Priming: length trimmed from the catheter (implanted = 1100 mm - trimmed)" },
		},
	},
	[0x0b] = {
		name = "refill",
		channel = "pump",
		len = 14,
		doc = "Record a refill: the reservoir now holds volume_nl of the drug.  Reply: ack.",
		fields = {
			{ name = "volume_nl", type = "u32", unit = "nL", doc = "Volume the clinician put in the reservoir" },
			{ name = "drug_id", type = "u16", unit = "", doc = "Drug now in the reservoir" },
			{ name = "conc_ng_ml", type = "u32", unit = "ng/mL", doc = "Its concentration" },
			{ name = "low_residual_nl", type = "u32", unit = "nL", doc = "Low-reservoir alarm threshold; 0 = board default (2 mL)" },
		},
	},
	[0x0c] = {
		name = "log_read",
		channel = "pump",
		len = 4,
		doc = "Read one event-log entry.  Reply: log_entry.",
		fields = {
			{ name = "index", type = "u32", unit = "", doc = "Entry number, 0 = oldest still held" },
		},
	},
	[0x0d] = {
		name = "alarm_ack",
		channel = "pump",
		len = 1,
		doc = "Acknowledge (and, when its cause is gone, clear) an alarm.  Reply: ack.",
		fields = {
			{ name = "alarm", type = "u8", unit = "", codes = "ALARM", doc = "Alarm code, see PROTOCOL.md" },
		},
	},
	[0x0e] = {
		name = "alarm_test",
		channel = "pump",
		len = 0,
		doc = "Sound every alarm tone once and report an alarm_test event.  Reply: ack.",
		fields = {
		},
	},
	[0x0f] = {
		name = "druglib_set",
		channel = "pump",
		len = 14,
		doc = "Load or replace one drug library entry.  Reply: ack.",
		fields = {
			{ name = "drug_id", type = "u16", unit = "", doc = "Drug id" },
			{ name = "max_conc_ng_ml", type = "u32", unit = "ng/mL", doc = "Highest concentration allowed" },
			{ name = "soft_ug_day", type = "u32", unit = "ug/day", doc = "Soft daily dose limit (needs override flag)" },
			{ name = "hard_ug_day", type = "u32", unit = "ug/day", doc = "Hard daily dose limit (never exceeded)" },
		},
	},
	[0x10] = {
		name = "event_ack",
		channel = "pump",
		len = 4,
		doc = "Acknowledge receipt of an event so the board stops resending it.  Reply: none.",
		fields = {
			{ name = "evseq", type = "u32", unit = "", doc = "Event sequence number being acknowledged" },
		},
	},
	[0x11] = {
		name = "clock_set",
		channel = "pump",
		len = 8,
		doc = "Set the pump's wall clock.  Reply: ack.",
		fields = {
			{ name = "epoch_ms", type = "u64", unit = "ms", doc = "Milliseconds since 1970-01-01 UTC at the moment of receipt" },
		},
	},
	[0x12] = {
		name = "hook",
		channel = "pump",
		len = 5,
		doc = "Board-side test hook (test builds only).  Reply: ack.",
		fields = {
			{ name = "hook", type = "u8", unit = "", codes = "HOOK", doc = "Hook code, see PROTOCOL.md" },
			{ name = "arg", type = "i32", unit = "", doc = "Hook argument" },
		},
	},
	[0x40] = {
		name = "fx_read",
		channel = "fixture",
		len = 0,
		doc = "Read every fixture instrument at once.  Reply: fx_state.",
		fields = {
		},
	},
	[0x41] = {
		name = "fx_set",
		channel = "fixture",
		len = 5,
		doc = "Set one fixture actuator or model parameter.  Reply: ack.",
		fields = {
			{ name = "param", type = "u8", unit = "", codes = "FX", doc = "Parameter code, see PROTOCOL.md" },
			{ name = "value", type = "i32", unit = "", doc = "New value in the parameter's unit" },
		},
	},
	[0x42] = {
		name = "fx_reset",
		channel = "fixture",
		len = 5,
		doc = "Drive the DUT's reset or supply: 0 watchdog, 1 brown-out, 2 power cycle, 3 factory state (erase the therapy state, then power cycle).  Reply: ack.",
		fields = {
			{ name = "kind", type = "u8", unit = "", doc = "Reset kind" },
			{ name = "at_write", type = "u32", unit = "", doc = "Brown-out only: cut power during the Nth next NVM write (0 = now)" },
		},
	},
	[0x43] = {
		name = "fx_tare",
		channel = "fixture",
		len = 0,
		doc = "Tare the balance.  Reply: ack.",
		fields = {
		},
	},
	[0x80] = {
		name = "ack",
		channel = "any",
		len = 7,
		doc = "Generic reply.",
		fields = {
			{ name = "req_type", type = "u8", unit = "", codes = "TYPE", doc = "Type of the request answered" },
			{ name = "result", type = "u8", unit = "", codes = "REFUSE", doc = "0 ok, else a refusal reason (see PROTOCOL.md)" },
			{ name = "detail", type = "i32", unit = "", doc = "Reason-specific detail, e.g. the limit that was hit" },
			{ name = "field", type = "u8", unit = "", doc = "The field or quantity refused (FIELD codes), 0 when none" },
		},
	},
	[0x81] = {
		name = "status",
		channel = "pump",
		len = 46,
		doc = "Pump status.",
		fields = {
			{ name = "fw_version", type = "u32", unit = "", doc = "Firmware version, major<<16 | minor<<8 | patch" },
			{ name = "serial", type = "u32", unit = "", doc = "Board serial number" },
			{ name = "mode", type = "u8", unit = "", codes = "MODE", doc = "Committed mode: 0 stopped, 1 continuous, 2 flexible" },
			{ name = "running", type = "u8", unit = "", doc = "1 while delivery is enabled" },
			{ name = "rate_nl_h", type = "u32", unit = "nL/h", doc = "Current delivery rate set-point (bolus excluded)" },
			{ name = "reservoir_nl", type = "u32", unit = "nL", doc = "Reservoir volume computed by the pump" },
			{ name = "alarms", type = "u32", unit = "", codes = "ALARM_MASK", doc = "Bit mask of active alarms, bit n = alarm code n" },
			{ name = "delivered_nl", type = "u64", unit = "nL", doc = "Volume delivered since power-on of the therapy state" },
			{ name = "rx_crc", type = "u32", unit = "", doc = "CRC of the committed prescription" },
			{ name = "battery_mv", type = "u16", unit = "mV", doc = "Battery rail as the pump measures it" },
			{ name = "next_refill_s", type = "u32", unit = "s", doc = "Projected time to the low-reservoir alarm, all boluses used" },
			{ name = "bolus_active", type = "u8", unit = "", codes = "BOLUS", doc = "Bolus kind being delivered, 0 none" },
			{ name = "session", type = "u8", unit = "", doc = "1 while a telemetry session is open" },
			{ name = "resets", type = "u32", unit = "", doc = "Number of resets since first boot" },
		},
	},
	[0x82] = {
		name = "rx_crc",
		channel = "pump",
		len = 5,
		doc = "CRC of the staged prescription.",
		fields = {
			{ name = "complete", type = "u8", unit = "", doc = "1 when every announced step has been staged" },
			{ name = "crc", type = "u32", unit = "", doc = "CRC-32 of the staged prescription" },
		},
	},
	[0x83] = {
		name = "bolus_result",
		channel = "pump",
		len = 14,
		doc = "Outcome of a bolus request.",
		fields = {
			{ name = "req_id", type = "u32", unit = "", doc = "Request id answered" },
			{ name = "result", type = "u8", unit = "", codes = "REFUSE", doc = "0 accepted, else a refusal reason" },
			{ name = "volume_nl", type = "u32", unit = "nL", doc = "Volume that will be delivered" },
			{ name = "detail", type = "i32", unit = "", doc = "Reason-specific detail, e.g. the limit that was hit" },
			{ name = "field", type = "u8", unit = "", doc = "The field or quantity refused (FIELD codes), 0 when none" },
		},
	},
	[0x84] = {
		name = "log_entry",
		channel = "pump",
		len = 22,
		doc = "One event-log entry.",
		fields = {
			{ name = "index", type = "u32", unit = "", doc = "Entry number answered" },
			{ name = "count", type = "u32", unit = "", doc = "Entries held in the log" },
			{ name = "t_us", type = "u64", unit = "us", doc = "Board time of the event" },
			{ name = "code", type = "u16", unit = "", codes = "EV", doc = "Event code" },
			{ name = "arg", type = "i32", unit = "", doc = "Event argument" },
		},
	},
	[0x85] = {
		name = "event",
		channel = "pump",
		len = 12,
		doc = "Unsolicited board event (alarm raised/cleared, bolus, reset...); resent until event_ack.",
		fields = {
			{ name = "evseq", type = "u32", unit = "", doc = "Event sequence number" },
			{ name = "code", type = "u16", unit = "", codes = "EV", doc = "Event code" },
			{ name = "alarm", type = "u8", unit = "", codes = "ALARM", doc = "Alarm code for alarm events, else 0" },
			{ name = "priority", type = "u8", unit = "", codes = "PRIO", doc = "0 none, 1 low, 2 medium, 3 high" },
			{ name = "arg", type = "i32", unit = "", doc = "Event argument" },
		},
	},
	[0xc0] = {
		name = "fx_state",
		channel = "fixture",
		len = 30,
		doc = "Every fixture instrument, sampled at the same instant.",
		fields = {
			{ name = "balance_ug", type = "i64", unit = "ug", doc = "Balance reading (resolution, noise and evaporation included)" },
			{ name = "pressure_pa", type = "i32", unit = "Pa", doc = "Catheter line pressure above body pressure" },
			{ name = "supply_mv", type = "u16", unit = "mV", doc = "Supply rail" },
			{ name = "temp_mc", type = "i32", unit = "mdegC", doc = "Bath (body) temperature" },
			{ name = "reservoir_nl", type = "u32", unit = "nL", doc = "True reservoir volume" },
			{ name = "motor_strokes", type = "u32", unit = "", doc = "Strokes counted on the motor line" },
			{ name = "pinch_pm", type = "u16", unit = "permille", doc = "Pinch valve closure, 1000 = fully occluded" },
			{ name = "rf_loss_pm", type = "u16", unit = "permille", doc = "Frame loss the RF attenuator causes" },
		},
	},
	[0xff] = {
		name = "nak",
		channel = "any",
		len = 4,
		doc = "Negative acknowledgement of a frame that could not be processed.",
		fields = {
			{ name = "code", type = "u8", unit = "", codes = "NAK", doc = "NAK code, see PROTOCOL.md" },
			{ name = "req_type", type = "u8", unit = "", codes = "TYPE", doc = "Type byte of the offending frame, if known" },
			{ name = "req_seq", type = "u16", unit = "", doc = "Sequence number of the offending frame, if known" },
		},
	},
	[0x4d] = {
		name = "fx_monitor",
		channel = "fixture",
		len = 13,
		doc = "Subscribe to one monitored signal (or change its rule): from now on the board sends fx_sample frames for it on its own schedule, without being asked.  Reply: ack.  A signal of 255 with period_ms 0 unsubscribes every signal.",
		fields = {
			{ name = "signal", type = "u8", unit = "", doc = "Monitored signal code (MON table, see PROTOCOL.md)" },
			{ name = "period_ms", type = "u32", unit = "ms", doc = "Sampling period of a board that cannot know when the signal changes; 0 = unsubscribe this signal.  The virtual bench samples at the exact change points instead" },
			{ name = "deadband", type = "u32", unit = "", doc = "Send a sample when the value moved by more than this since the last one sent (signal's unit; 0 = every change)" },
			{ name = "heartbeat_s", type = "u32", unit = "s", doc = "Send a sample at least this often even when nothing moved" },
		},
	},
	[0xcd] = {
		name = "fx_sample",
		channel = "fixture",
		len = 5,
		doc = "Unsolicited monitor sample (seq 0): one signal's value at the instant in the frame's board stamp (rig clock for rig signals, the pump's clock for pump state).  Never acknowledged.",
		fields = {
			{ name = "signal", type = "u8", unit = "", doc = "Monitored signal code (MON table)" },
			{ name = "value", type = "i32", unit = "", doc = "Value in the signal's unit" },
		},
	},
}
-- END GENERATED: gen_dissector

local bit = bit or bit32

------------------------------------------------------------------ protocol

local p = Proto("pumphil", "pumphil pump HIL protocol")

local channel_names = { [0] = "pump", [1] = "fixture" }
local type_names = {}
for id, m in pairs(messages) do type_names[id] = m.name end
local bool_ok = { [0] = "bad", [1] = "good" }

local hf = {
	frame_len = ProtoField.uint16("pumphil.wire_len", "Wire length (COBS)", base.DEC),
	version = ProtoField.uint8("pumphil.version", "Version", base.DEC),
	channel = ProtoField.uint8("pumphil.channel", "Channel", base.DEC, channel_names),
	type = ProtoField.uint8("pumphil.type", "Type", base.HEX, type_names),
	msg = ProtoField.string("pumphil.msg", "Message"),
	flags = ProtoField.uint8("pumphil.flags", "Flags", base.HEX),
	retry = ProtoField.bool("pumphil.flags.retry", "Retry", 8, nil, 0x01),
	seq = ProtoField.uint16("pumphil.seq", "Sequence", base.DEC),
	len = ProtoField.uint16("pumphil.len", "Payload length", base.DEC),
	board_us = ProtoField.uint64("pumphil.board_us", "Board time (us)", base.DEC),
	payload = ProtoField.bytes("pumphil.payload", "Payload"),
	crc = ProtoField.uint32("pumphil.crc", "CRC-32", base.HEX),
	crc_status = ProtoField.uint8("pumphil.crc.status", "CRC status", base.DEC, bool_ok),
	alarm_bit = ProtoField.string("pumphil.status.alarm", "Active alarm"),
}

local ef = {
	cobs = ProtoExpert.new("pumphil.cobs.bad", "Invalid COBS framing", expert.group.MALFORMED,
		expert.severity.ERROR),
	short = ProtoExpert.new("pumphil.short", "Frame shorter than header and CRC",
		expert.group.MALFORMED, expert.severity.ERROR),
	crc = ProtoExpert.new("pumphil.crc.bad", "CRC-32 mismatch", expert.group.CHECKSUM,
		expert.severity.ERROR),
	len = ProtoExpert.new("pumphil.len.bad", "Payload length disagrees with the frame or message",
		expert.group.MALFORMED, expert.severity.ERROR),
	type = ProtoExpert.new("pumphil.type.unknown", "Unknown message type",
		expert.group.UNDECODED, expert.severity.WARN),
	version = ProtoExpert.new("pumphil.version.bad", "Unsupported protocol version",
		expert.group.PROTOCOL, expert.severity.WARN),
	retry = ProtoExpert.new("pumphil.retry", "Host retransmission", expert.group.SEQUENCE,
		expert.severity.NOTE),
}

-- Message fields: pumphil.<message>.<field>, typed from the .def tables.
local makers = {
	u8 = ProtoField.uint8, u16 = ProtoField.uint16, u32 = ProtoField.uint32,
	u64 = ProtoField.uint64, i32 = ProtoField.int32, i64 = ProtoField.int64,
}
local sizes = { u8 = 1, u16 = 2, u32 = 4, u64 = 8, i32 = 4, i64 = 8 }

for _, m in pairs(messages) do
	for _, f in ipairs(m.fields) do
		local label = f.name
		if f.unit ~= "" then label = label .. " (" .. f.unit .. ")" end
		local strings
		if f.codes == "TYPE" then
			strings = type_names
		elseif f.codes and f.codes ~= "ALARM_MASK" then
			strings = codes[f.codes]
		end
		local b = (f.codes == "ALARM_MASK" or f.codes == "TYPE") and base.HEX or base.DEC
		f.hf = makers[f.type]("pumphil." .. m.name .. "." .. f.name, label, b, strings, nil, f.doc)
		hf[m.name .. "." .. f.name] = f.hf
	end
end

local fields_list = {}
for _, v in pairs(hf) do fields_list[#fields_list + 1] = v end
p.fields = fields_list
p.experts = { ef.cobs, ef.short, ef.crc, ef.len, ef.type, ef.version, ef.retry }

------------------------------------------------------------------ COBS, CRC

local crc_table = {}
for i = 0, 255 do
	local c = i
	for _ = 1, 8 do
		if bit.band(c, 1) == 1 then
			c = bit.bxor(0xEDB88320, bit.rshift(c, 1))
		else
			c = bit.rshift(c, 1)
		end
	end
	crc_table[i] = c
end

local function unsigned(x)
	if x < 0 then x = x + 4294967296 end
	return x
end

-- CRC-32 (ISO-HDLC) of n bytes of a ByteArray from offset off.
local function crc32(ba, off, n)
	local c = 0xFFFFFFFF
	for i = off, off + n - 1 do
		c = bit.bxor(crc_table[bit.band(bit.bxor(c, ba:get_index(i)), 0xFF)], bit.rshift(c, 8))
	end
	return unsigned(bit.bxor(c, 0xFFFFFFFF))
end

-- Decode COBS bytes [from, to) of ba.  Returns a ByteArray or nil.
local function cobs_decode(ba, from, to)
	local out = {}
	local i, code, left = from, 0xFF, 0
	while i < to do
		local b = ba:get_index(i)
		i = i + 1
		if b == 0 then return nil end
		if left > 0 then
			out[#out + 1] = b
			left = left - 1
		else
			if code ~= 0xFF then out[#out + 1] = 0 end
			code = b
			left = b - 1
		end
	end
	if left > 0 then return nil end
	local r = ByteArray.new()
	r:set_size(#out)
	for k = 1, #out do r:set_index(k - 1, out[k]) end
	return r
end

------------------------------------------------------------------ fields

local function alarm_names(mask)
	local names = {}
	for bitno = 0, 31 do
		if bit.band(mask, bit.lshift(1, bitno)) ~= 0 then
			names[#names + 1] = codes.ALARM[bitno] or ("bit " .. bitno)
		end
	end
	return names
end

-- Add the typed fields of message m from tvb at off; returns a summary.
local function add_fields(tree, m, tvb, off)
	local summary = {}
	for _, f in ipairs(m.fields) do
		local n = sizes[f.type]
		local range = tvb(off, n)
		local item = tree:add_le(f.hf, range)
		local v
		if f.type == "u64" then v = range:le_uint64()
		elseif f.type == "i64" then v = range:le_int64()
		elseif f.type == "i32" then v = range:le_int()
		else v = range:le_uint() end
		if f.codes == "ALARM_MASK" then
			for _, name in ipairs(alarm_names(v)) do item:add(hf.alarm_bit, range, name) end
		end
		if #summary < 4 then
			local shown = tostring(v)
			local strings = f.codes == "TYPE" and type_names or (f.codes and codes[f.codes])
			if strings and type(v) == "number" and strings[v] then shown = strings[v] end
			summary[#summary + 1] = f.name .. "=" .. shown
		end
		off = off + n
	end
	return table.concat(summary, " ")
end

-- One decoded frame (header + payload + CRC) in raw.
local function dissect_frame(raw, pinfo, tree, wire_range)
	local tvb = raw:tvb("pumphil frame")
	local sub = tree:add(p, wire_range)
	sub:add(hf.frame_len, wire_range, wire_range:len())
	if raw:len() < PP_HEADER_SIZE + PP_CRC_SIZE then
		sub:add_proto_expert_info(ef.short)
		return "short frame"
	end
	local version, ty, flags = tvb(0, 1):uint(), tvb(2, 1):uint(), tvb(3, 1):uint()
	local plen = tvb(6, 2):le_uint()
	local vi = sub:add(hf.version, tvb(0, 1))
	if version ~= PP_VERSION then vi:add_proto_expert_info(ef.version) end
	sub:add(hf.channel, tvb(1, 1))
	sub:add(hf.type, tvb(2, 1))
	local m = messages[ty]
	sub:add(hf.msg, tvb(2, 1), m and m.name or string.format("unknown 0x%02x", ty))
	local fi = sub:add(hf.flags, tvb(3, 1))
	fi:add(hf.retry, tvb(3, 1))
	if bit.band(flags, 1) ~= 0 then fi:add_proto_expert_info(ef.retry) end
	sub:add_le(hf.seq, tvb(4, 2))
	local li = sub:add_le(hf.len, tvb(6, 2))
	sub:add_le(hf.board_us, tvb(8, 8))
	if PP_HEADER_SIZE + plen + PP_CRC_SIZE ~= raw:len() then
		li:add_proto_expert_info(ef.len)
		return (m and m.name or "?") .. " bad length"
	end
	local want = tvb(PP_HEADER_SIZE + plen, 4):le_uint()
	local ci = sub:add_le(hf.crc, tvb(PP_HEADER_SIZE + plen, 4))
	local good = crc32(raw, 0, PP_HEADER_SIZE + plen) == want
	sub:add(hf.crc_status, tvb(PP_HEADER_SIZE + plen, 4), good and 1 or 0)
	if not good then ci:add_proto_expert_info(ef.crc) end
	local info = (m and m.name or string.format("type 0x%02x", ty)) ..
		" seq=" .. tvb(4, 2):le_uint()
	if not m then
		sub:add_proto_expert_info(ef.type)
	elseif plen < m.len then
		li:add_proto_expert_info(ef.len)
	elseif plen > 0 then
		local body = sub:add(hf.payload, tvb(PP_HEADER_SIZE, plen))
		body:set_text(m.name .. ": " .. m.doc)
		local s = add_fields(body, m, tvb, PP_HEADER_SIZE)
		if s ~= "" then info = info .. " " .. s end
	end
	if not good then info = info .. " [BAD CRC]" end
	return info
end

function p.dissector(buf, pinfo, tree)
	pinfo.cols.protocol = "pumphil"
	local ba = buf:bytes()
	local infos, start = {}, 0
	for i = 0, ba:len() do
		if i == ba:len() or ba:get_index(i) == 0 then
			if i > start then
				local range = buf(start, i - start + (i < ba:len() and 1 or 0))
				local raw = cobs_decode(ba, start, i)
				if raw then
					infos[#infos + 1] = dissect_frame(raw, pinfo, tree, range)
				else
					local sub = tree:add(p, range)
					sub:add_proto_expert_info(ef.cobs)
					infos[#infos + 1] = "invalid COBS"
				end
			end
			start = i + 1
		end
	end
	local dir = pinfo.p2p_dir == 1 and "board>host " or (pinfo.p2p_dir == 0 and "host>board " or "")
	pinfo.cols.info = dir .. table.concat(infos, "; ")
	return buf:len()
end

------------------------------------------------------------------ events

local pe = Proto("pumphil_ev", "pumphil harness event")
local ev_hf = {
	ev = ProtoField.string("pumphil_ev.ev", "Event"),
	json = ProtoField.string("pumphil_ev.json", "JSON"),
}
pe.fields = { ev_hf.ev, ev_hf.json }
local json_dissector = Dissector.get("json")

function pe.dissector(buf, pinfo, tree)
	pinfo.cols.protocol = "pumphil event"
	local text = buf():string()
	local sub = tree:add(pe, buf())
	local ev = text:match('"ev"%s*:%s*"([^"]*)"') or "?"
	sub:add(ev_hf.ev, buf(), ev)
	sub:add(ev_hf.json, buf(), text)
	pinfo.cols.info = ev .. " " .. text
	if json_dissector then json_dissector:call(buf, pinfo, tree) end
	return buf:len()
end

local encap = DissectorTable.get("wtap_encap")
encap:add(wtap.USER0, p)
encap:add(wtap.USER1, pe)
