/*
 * bench.c - the virtual bench: firmware HAL on top of the fixture model, the
 * virtual clock, resets (watchdog, brown-out during an NVM write or from a
 * supply below the brown-out level, power cycle), board clock drift, and the
 * fixture channel's frame handling.
 */
#include "bench.h"
#include "bench_monitor.h"

#include <stdlib.h>
#include <string.h>

#ifndef FW_WATCHDOG_US
#define FW_WATCHDOG_US 90000000u /* 90 s, GIP 3.5.2 */
#endif

/* Iterations at one instant before the bench calls the firmware stuck. */
#define BENCH_MAX_SPIN 100000

struct bench {
	bench_config cfg;
	fw_pump pump;
	fw_hal hal;
	fixture fx;
	int64_t now_ns;
	bench_tx_fn tx;
	void *ud;
	uint8_t nvm[FW_NVM_SIZE];
	uint32_t brownout_in_writes; /* cut power during this write (1 = next), 0 off */
	int dead;                    /* power lost inside fw_run: reset when it returns */
	int held;                    /* supply below the brown-out level: held in reset */
	uint32_t feedback;           /* motor encoder count since the last reset */
	int64_t last_kick_ns;
	int32_t drift_ppm;
	int64_t clk_base_ns; /* board clock = clk_base_us + drifted (now - clk_base_ns) */
	uint64_t clk_base_us;
	pp_deframer fx_in;
	pp_deframer pump_peek;
	uint32_t spins;
	bench_monitor mon; /* continuous monitors (bench_monitor.h) */
};

void bench_config_default(bench_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	fw_config_default(&cfg->fw);
	fixture_config_default(&cfg->fx);
	cfg->seed = 1;
}

/* ---- board clock ---- */

static uint64_t board_us_at(const bench *b, int64_t t_ns)
{
	int64_t dt = t_ns - b->clk_base_ns;
	if (b->drift_ppm == 0)
		return b->clk_base_us + (uint64_t)(dt / 1000);
	return b->clk_base_us + (uint64_t)((double)dt / 1000.0 * (1e6 + b->drift_ppm) / 1e6);
}

static int64_t ns_at_board_us(const bench *b, uint64_t us)
{
	if (us == UINT64_MAX)
		return INT64_MAX;
	if (us <= b->clk_base_us)
		return b->clk_base_ns;
	uint64_t dus = us - b->clk_base_us;
	if (dus > (uint64_t)(INT64_MAX / 2000))
		return INT64_MAX;
	if (b->drift_ppm == 0)
		return b->clk_base_ns + (int64_t)dus * 1000;
	int64_t t = b->clk_base_ns + (int64_t)((double)dus * 1e9 / (1e6 + b->drift_ppm));
	while (board_us_at(b, t) < us)
		t++;
	return t;
}

static void rebase_clock(bench *b)
{
	b->clk_base_us = board_us_at(b, b->now_ns);
	b->clk_base_ns = b->now_ns;
}

/* ---- HAL ---- */

static uint64_t hal_now_us(void *ctx)
{
	bench *b = ctx;
	return board_us_at(b, b->now_ns);
}

static void hal_motor_stroke(void *ctx)
{
	bench *b = ctx;
	if (b->dead)
		return;
	if (fixture_stroke(&b->fx, b->now_ns, b->cfg.fw.stroke_nl))
		b->feedback++;
}

static uint32_t hal_motor_feedback(void *ctx)
{
	return ((bench *)ctx)->feedback;
}

static int32_t hal_pressure_pa(void *ctx)
{
	bench *b = ctx;
	return fixture_pressure_pa(&b->fx, b->now_ns);
}

static uint16_t hal_supply_mv(void *ctx)
{
	return fixture_supply_mv(&((bench *)ctx)->fx);
}

static int hal_nvm_read(void *ctx, uint32_t addr, void *buf, uint32_t n)
{
	bench *b = ctx;
	if (addr > sizeof b->nvm || n > sizeof b->nvm - addr)
		return -1;
	memcpy(buf, b->nvm + addr, n);
	return 0;
}

static int hal_nvm_write(void *ctx, uint32_t addr, const void *buf, uint32_t n)
{
	bench *b = ctx;
	if (b->dead)
		return -1;
	if (addr > sizeof b->nvm || n > sizeof b->nvm - addr)
		return -1;
	if (b->brownout_in_writes > 0 && --b->brownout_in_writes == 0) {
		/* Power fails half-way through this write. */
		memcpy(b->nvm + addr, buf, n / 2);
		b->dead = 1;
		return -1;
	}
	memcpy(b->nvm + addr, buf, n);
	return 0;
}

static void hal_link_send(void *ctx, const uint8_t *wire, uint32_t n)
{
	bench *b = ctx;
	uint8_t copy[PP_MAX_WIRE];

	if (b->dead || n > sizeof copy)
		return;
	memcpy(copy, wire, n);
	if (fixture_rf_pass(&b->fx, b->now_ns, 1, copy, n))
		return; /* lost on the air */
	b->tx(b->ud, PP_CH_PUMP, copy, n, b->now_ns);
}

static void hal_watchdog_kick(void *ctx)
{
	bench *b = ctx;
	if (!b->dead)
		b->last_kick_ns = b->now_ns;
}

/* ---- lifecycle ---- */

static void power_on(bench *b, uint8_t cause)
{
	b->dead = 0;
	b->feedback = 0;
	b->last_kick_ns = b->now_ns;
	b->spins = 0;
	fw_init(&b->pump, &b->hal, &b->cfg.fw, cause);
}

bench *bench_new(const bench_config *cfg, bench_tx_fn tx, void *ud)
{
	bench *b = calloc(1, sizeof *b);

	if (!b)
		return NULL;
	b->cfg = *cfg;
	b->tx = tx;
	b->ud = ud;
	b->hal = (fw_hal){
		.ctx = b,
		.now_us = hal_now_us,
		.motor_stroke = hal_motor_stroke,
		.motor_feedback = hal_motor_feedback,
		.pressure_pa = hal_pressure_pa,
		.supply_mv = hal_supply_mv,
		.nvm_read = hal_nvm_read,
		.nvm_write = hal_nvm_write,
		.link_send = hal_link_send,
		.watchdog_kick = hal_watchdog_kick,
	};
	memset(b->nvm, 0xff, sizeof b->nvm); /* erased flash */
	fixture_init(&b->fx, &cfg->fx, cfg->seed);
	pp_deframer_init(&b->fx_in);
	pp_deframer_init(&b->pump_peek);
	bench_mon_init(&b->mon);
	power_on(b, 0);
	return b;
}

void bench_free(bench *b)
{
	free(b);
}

/* ---- running ---- */

static int64_t watchdog_due(const bench *b)
{
	return b->last_kick_ns + (int64_t)FW_WATCHDOG_US * 1000;
}

/* The bench's own next event: firmware, watchdog, supply edge. */
static int64_t own_next_ns(const bench *b)
{
	int64_t bo = fixture_brownout_edge_ns(&b->fx, b->now_ns);
	int64_t fw = ns_at_board_us(b, fw_next_deadline_us(&b->pump));
	int64_t wd = watchdog_due(b);

	if (b->held)
		return bo;
	fw = fw < wd ? fw : wd;
	return fw < bo ? fw : bo;
}

int64_t bench_next_event_ns(const bench *b)
{
	int64_t own = own_next_ns(b), mon = bench_mon_next_ns(&b->mon);
	return mon < own ? mon : own;
}

/* ---- monitors ---- */

static void mon_emit(void *ud, int sig, int32_t value, int64_t t_ns)
{
	bench *b = ud;
	uint8_t wire[PP_MAX_WIRE];
	pp_msg m = { .type = pp_type_fx_sample };
	/* Pump state carries the pump's clock, rig signals the rig's. */
	uint64_t us = sig >= PP_MON_PUMP_MODE ? board_us_at(b, t_ns) : (uint64_t)(t_ns / 1000);
	int n;

	m.u.fx_sample.signal = (uint8_t)sig;
	m.u.fx_sample.value = value;
	n = pp_msg_encode(&m, PP_CH_FIXTURE, 0, us, wire, sizeof wire);
	if (n > 0)
		b->tx(b->ud, PP_CH_FIXTURE, wire, (size_t)n, t_ns);
}

/* State may have changed now: every monitored signal is looked at (rig:
 * the rig's inputs may have changed too). */
static void mon_poll(bench *b, int rig)
{
	bench_mon_poll(&b->mon, &b->fx, &b->pump, b->now_ns, own_next_ns(b), rig, mon_emit, b);
}

/* The supply rail against the brown-out level: hold the board in reset
 * while it is below, power it on (reset cause brown-out) when it returns. */
static void check_supply(bench *b)
{
	int low = fixture_brownout(&b->fx, b->now_ns);

	if (low && !b->held) {
		b->held = 1;
	} else if (!low && b->held) {
		b->held = 0;
		power_on(b, 2);
	}
}

/* Run the firmware once at the current instant, then apply a pending reset. */
static void step(bench *b)
{
	check_supply(b);
	if (b->held)
		return;
	if (b->now_ns >= watchdog_due(b)) {
		power_on(b, 1);
		return;
	}
	fw_run(&b->pump);
	if (b->dead)
		power_on(b, 2);
}

void bench_advance(bench *b, int64_t t_ns)
{
	for (;;) {
		int64_t own = own_next_ns(b), mon = bench_mon_next_ns(&b->mon);
		int64_t next = mon < own ? mon : own;
		if (next > t_ns)
			break;
		if (mon < own) {
			/* Only time passed: the monitors look, the bench does not
			 * move (the fixture is advanced on a copy). */
			b->now_ns = next > b->now_ns ? next : b->now_ns;
			bench_mon_tick(&b->mon, &b->fx, &b->pump, b->now_ns, own, mon_emit, b);
			continue;
		}
		if (next > b->now_ns) {
			b->now_ns = next;
			b->spins = 0;
		} else if (++b->spins > BENCH_MAX_SPIN) {
			/* A firmware that keeps asking to run "now" must not hang the
			 * bench: move on by a microsecond. */
			b->now_ns += 1000;
			b->spins = 0;
		}
		fixture_advance(&b->fx, b->now_ns);
		step(b);
		mon_poll(b, 0);
	}
	if (t_ns > b->now_ns)
		b->now_ns = t_ns;
	fixture_advance(&b->fx, b->now_ns);
	rebase_clock(b);
}

int64_t bench_now_ns(const bench *b)
{
	return b->now_ns;
}

const fw_pump *bench_pump(const bench *b)
{
	return &b->pump;
}

const fixture *bench_fixture(const bench *b)
{
	return &b->fx;
}

/* ---- channels ---- */

static void fixture_send(bench *b, const pp_msg *m, uint16_t seq)
{
	uint8_t wire[PP_MAX_WIRE];
	int n = pp_msg_encode(m, PP_CH_FIXTURE, seq, (uint64_t)(b->now_ns / 1000), wire,
	                      sizeof wire);
	if (n > 0)
		b->tx(b->ud, PP_CH_FIXTURE, wire, (size_t)n, b->now_ns);
}

static void fixture_nak(bench *b, int code, const pp_frame *f)
{
	pp_msg m = { .type = pp_type_nak };
	m.u.nak.code = (uint8_t)code;
	m.u.nak.req_type = f->type;
	m.u.nak.req_seq = f->seq;
	fixture_send(b, &m, f->seq);
}

static int nak_for(int err)
{
	switch (err) {
	case PP_ERR_CRC: return PP_NAK_BAD_CRC;
	case PP_ERR_VERSION: return PP_NAK_BAD_VERSION;
	case PP_ERR_LENGTH: return PP_NAK_BAD_LENGTH;
	case PP_ERR_TYPE:
	case PP_ERR_CHANNEL: return PP_NAK_UNKNOWN_TYPE;
	case PP_ERR_TOO_LONG: return PP_NAK_TOO_LONG;
	default: return PP_NAK_BAD_FRAME;
	}
}

static void reset_dut(bench *b, int kind, uint32_t at_write)
{
	if (kind == 0)
		power_on(b, 1);
	else if (kind == 1 && at_write == 0)
		power_on(b, 2);
	else if (kind == 1)
		b->brownout_in_writes = at_write;
	else if (kind == 2)
		power_on(b, 0);
	else {
		/* Factory state: the rig's programmer erases the board's flash. */
		memset(b->nvm, 0xff, sizeof b->nvm);
		power_on(b, 0);
	}
}

static void fixture_frame(bench *b, const uint8_t *cobs, size_t n)
{
	pp_frame f;
	pp_msg req, reply;
	int kind, err = pp_frame_decode(cobs, n, &f);
	uint32_t at_write = 0;

	if (err == PP_OK && f.channel != PP_CH_FIXTURE)
		err = PP_ERR_CHANNEL;
	if (err == PP_OK)
		err = pp_msg_unpack(&f, &req);
	if (err != PP_OK) {
		fixture_nak(b, nak_for(err), &f);
		return;
	}
	if (req.type == pp_type_fx_monitor) {
		memset(&reply, 0, sizeof reply);
		reply.type = pp_type_ack;
		reply.u.ack.req_type = pp_type_fx_monitor;
		reply.u.ack.result =
		        (uint8_t)bench_mon_subscribe(&b->mon, &req.u.fx_monitor, b->now_ns);
		fixture_send(b, &reply, f.seq);
		mon_poll(b, 1);
		return;
	}
	err = fixture_handle(&b->fx, b->now_ns, &req, &reply, &kind, &at_write);
	if (err) {
		fixture_nak(b, err, &f);
		return;
	}
	fixture_send(b, &reply, f.seq);
	if (kind >= 0 && !b->held)
		reset_dut(b, kind, at_write);
	check_supply(b);
	mon_poll(b, 1);
}

/* The clock-drift test hook acts on the board's oscillator, which the bench
 * models: watch the pump channel for it (the firmware acknowledges it). */
static void peek_pump(bench *b, const uint8_t *wire, size_t n)
{
	size_t len;
	while ((len = pp_deframer_push(&b->pump_peek, &wire, &n)) > 0) {
		pp_frame f;
		pp_msg m;
		if (pp_frame_decode(b->pump_peek.buf, len, &f) == PP_OK && f.type == pp_type_hook &&
		    pp_msg_unpack(&f, &m) == PP_OK && m.u.hook.hook == PP_HOOK_CLOCK_DRIFT_PPM &&
		    m.u.hook.arg > -100000 && m.u.hook.arg < 100000) {
			rebase_clock(b);
			b->drift_ppm = m.u.hook.arg;
		}
	}
}

void bench_rx(bench *b, uint8_t channel, const uint8_t *wire, size_t n)
{
	uint8_t copy[4 * PP_MAX_WIRE];

	fixture_advance(&b->fx, b->now_ns);
	if (channel == PP_CH_FIXTURE) {
		size_t len;
		for (;;) {
			uint32_t overruns = b->fx_in.overruns;
			len = pp_deframer_push(&b->fx_in, &wire, &n);
			if (b->fx_in.overruns != overruns) {
				/* An overlong frame was dropped whole: say so. */
				pp_frame none = { 0 };
				fixture_nak(b, PP_NAK_TOO_LONG, &none);
			}
			if (len == 0)
				break;
			fixture_frame(b, b->fx_in.buf, len);
		}
		return;
	}
	if (channel != PP_CH_PUMP || n > sizeof copy)
		return;
	if (b->held)
		return; /* the board is off */
	memcpy(copy, wire, n);
	if (fixture_rf_pass(&b->fx, b->now_ns, 0, copy, (uint32_t)n))
		return;
	peek_pump(b, copy, n);
	fw_rx(&b->pump, copy, (uint32_t)n);
	step(b);
	mon_poll(b, 0);
}
