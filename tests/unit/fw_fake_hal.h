/*
 * fw_fake_hal.h - a fake board for the firmware's unit tests.
 *
 * The tests drive the firmware only through real frames: they encode
 * requests with pp_msg_encode, push the bytes through fw_rx, run fw_run on a
 * virtual clock that jumps from deadline to deadline (as the bench does),
 * and decode what the firmware sent with link_send.  The fake stands in for
 * the hardware: a clock, a motor whose encoder follows the strokes (or not),
 * pressure and supply readings, NVM in RAM with brown-out injection, and a
 * watchdog that resets the firmware when it is not kicked in time.
 *
 * Everything is static inline so each test file takes what it uses.
 */
#ifndef FW_FAKE_HAL_H
#define FW_FAKE_HAL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fw.h"
#include "pp.h"

#define FAKE_MSGS 1024
#define S_US 1000000ull
#define MIN_US (60ull * S_US)
#define H_US (3600ull * S_US)
#define DAY_US (24ull * H_US)

typedef struct fake_rx {
	pp_msg m;
	uint16_t seq;
	uint64_t board_us;
} fake_rx;

typedef struct fake {
	fw_hal hal;
	fw_config cfg;
	fw_pump pump;
	uint64_t now;
	uint32_t strokes;     /* strokes the motor line received */
	uint64_t stroke_t[8]; /* times of the last 8 strokes */
	int motor_jammed;     /* encoder stops counting */
	uint32_t feedback;
	int32_t pressure;
	uint16_t supply;
	uint8_t nvm[FW_NVM_SIZE];
	uint32_t nvm_writes;
	int brownout_in; /* > 0: cut power during that many-th next write */
	int nvm_fail;    /* writes and reads fail */
	jmp_buf *reset_jmp;
	uint64_t last_kick;
	uint32_t resets;
	uint16_t seq;
	int auto_ack;            /* answer every event with event_ack */
	fake_rx msgs[FAKE_MSGS]; /* ring of decoded frames from the pump */
	uint32_t nmsgs;          /* total received */
	uint32_t bad_frames;
	pp_msg last; /* the last reply fake_req returned */
	pp_deframer df;
} fake;

static inline uint64_t fake_now(void *c)
{
	return ((fake *)c)->now;
}
static inline void fake_stroke(void *c)
{
	fake *f = c;
	f->stroke_t[f->strokes % 8] = f->now;
	f->strokes++;
	if (!f->motor_jammed)
		f->feedback++;
}
static inline uint32_t fake_feedback(void *c)
{
	return ((fake *)c)->feedback;
}
static inline int32_t fake_pressure(void *c)
{
	return ((fake *)c)->pressure;
}
static inline uint16_t fake_supply(void *c)
{
	return ((fake *)c)->supply;
}
static inline int fake_nvm_read(void *c, uint32_t a, void *buf, uint32_t n)
{
	fake *f = c;
	if (f->nvm_fail || a + n > FW_NVM_SIZE)
		return -1;
	memcpy(buf, f->nvm + a, n);
	return 0;
}
static inline int fake_nvm_write(void *c, uint32_t a, const void *buf, uint32_t n)
{
	fake *f = c;
	if (f->nvm_fail || a + n > FW_NVM_SIZE)
		return -1;
	f->nvm_writes++;
	if (f->brownout_in > 0 && --f->brownout_in == 0) {
		assert_non_null(f->reset_jmp);
		/* Power fails half way through: part written, part garbage. */
		memcpy(f->nvm + a, buf, n / 2);
		memset(f->nvm + a + n / 2, 0xa5, n - n / 2);
		longjmp(*f->reset_jmp, 1);
	}
	memcpy(f->nvm + a, buf, n);
	return 0;
}
static inline void fake_kick(void *c)
{
	((fake *)c)->last_kick = ((fake *)c)->now;
}

static inline void fake_link_send(void *c, const uint8_t *wire, uint32_t n);

/* fw_init with cause; a brown-out during its own NVM save boots again. */
static inline void fake_boot(fake *f, uint8_t cause)
{
	jmp_buf env;
	volatile uint8_t c = cause;

	f->reset_jmp = &env;
	if (setjmp(env)) {
		f->resets++;
		f->brownout_in = 0;
		c = 2;
	}
	fw_init(&f->pump, &f->hal, &f->cfg, c);
	f->reset_jmp = NULL;
}

/* A fake board at time 0 with default config, NVM blank, supply healthy. */
static inline void fake_init(fake *f)
{
	memset(f, 0, sizeof *f);
	f->hal.ctx = f;
	f->hal.now_us = fake_now;
	f->hal.motor_stroke = fake_stroke;
	f->hal.motor_feedback = fake_feedback;
	f->hal.pressure_pa = fake_pressure;
	f->hal.supply_mv = fake_supply;
	f->hal.nvm_read = fake_nvm_read;
	f->hal.nvm_write = fake_nvm_write;
	f->hal.link_send = fake_link_send;
	f->hal.watchdog_kick = fake_kick;
	f->supply = 3300;
	f->now = 1000;
	memset(f->nvm, 0xff, sizeof f->nvm);
	pp_deframer_init(&f->df);
	fw_config_default(&f->cfg);
	fake_boot(f, 0);
}

static inline void fake_link_send(void *c, const uint8_t *wire, uint32_t n)
{
	fake *f = c;
	const uint8_t *in = wire;
	size_t left = n, len;

	while ((len = pp_deframer_push(&f->df, &in, &left)) > 0) {
		pp_frame fr;
		fake_rx *r = &f->msgs[f->nmsgs % FAKE_MSGS];
		if (pp_frame_decode(f->df.buf, len, &fr) != PP_OK ||
		    pp_msg_unpack(&fr, &r->m) != PP_OK) {
			f->bad_frames++;
			continue;
		}
		r->seq = fr.seq;
		r->board_us = fr.board_us;
		f->nmsgs++;
		if (f->auto_ack && r->m.type == pp_type_event) {
			uint8_t out[PP_MAX_WIRE];
			pp_msg a;
			int k;
			memset(&a, 0, sizeof a);
			a.type = pp_type_event_ack;
			a.u.event_ack.evseq = r->m.u.event.evseq;
			k = pp_msg_encode(&a, PP_CH_PUMP, 0xfff0, 0, out, sizeof out);
			fw_rx(&f->pump, out, (uint32_t)k);
		}
	}
}

/* One fw_run at the current time, with a brown-out turning into a reset. */
static inline void fake_run(fake *f)
{
	jmp_buf env;

	/* Only valid during this call: the fake's nvm_write jumps here to cut
	 * power mid-write (the firmware holds no resources to unwind). */
	// cppcheck-suppress autoVariables
	f->reset_jmp = &env;
	if (setjmp(env)) {
		f->resets++;
		f->brownout_in = 0;
		fake_boot(f, 2);
		return;
	}
	fw_run(&f->pump);
	f->reset_jmp = NULL;
	/* The watchdog: not kicked for FW_WATCHDOG_US resets the board. */
	if (f->now - f->last_kick >= FW_WATCHDOG_US) {
		f->resets++;
		fake_boot(f, 1);
	}
}

/* Advance the clock to t, running the firmware at every deadline on the way. */
static inline void fake_run_until(fake *f, uint64_t t)
{
	for (;;) {
		uint64_t d = fw_next_deadline_us(&f->pump);
		uint64_t wd = f->last_kick + FW_WATCHDOG_US;
		if (wd < d)
			d = wd; /* the watchdog fires even when the firmware sleeps */
		if (d > t)
			break;
		if (d > f->now)
			f->now = d;
		fake_run(f);
	}
	f->now = t;
	fake_run(f);
}

static inline void fake_advance(fake *f, uint64_t dt)
{
	fake_run_until(f, f->now + dt);
}

/* Put raw bytes on the link and let the firmware process them. */
static inline void fake_bytes(fake *f, const uint8_t *b, size_t n)
{
	fw_rx(&f->pump, b, (uint32_t)n);
	fake_run(f);
}

/* Encode m with seq and send it. */
static inline void fake_send_seq(fake *f, const pp_msg *m, uint16_t seq)
{
	uint8_t wire[PP_MAX_WIRE];
	int n = pp_msg_encode(m, PP_CH_PUMP, seq, 0, wire, sizeof wire);
	assert_true(n > 0);
	fake_bytes(f, wire, (size_t)n);
}

/* The newest frame from the pump answering seq (any type but event), or NULL. */
static inline const pp_msg *fake_reply(fake *f, uint16_t seq, uint32_t since)
{
	for (uint32_t i = f->nmsgs; i > since && f->nmsgs - i < FAKE_MSGS; i--) {
		fake_rx *r = &f->msgs[(i - 1) % FAKE_MSGS];
		if (r->m.type != pp_type_event && r->seq == seq)
			return &r->m;
	}
	return NULL;
}

/* Send m with a fresh seq and return the reply (fails the test if none). */
static inline const pp_msg *fake_req(fake *f, const pp_msg *m)
{
	uint32_t since = f->nmsgs;
	uint16_t seq = ++f->seq;
	const pp_msg *r;

	fake_send_seq(f, m, seq);
	r = fake_reply(f, seq, since);
	assert_non_null(r);
	f->last = *r;
	return &f->last;
}

static inline pp_msg fake_msg(uint8_t type)
{
	pp_msg m;
	memset(&m, 0, sizeof m);
	m.type = type;
	return m;
}

/* Send a request expecting an ack; returns ack.result. */
static inline int fake_ack(fake *f, const pp_msg *m)
{
	const pp_msg *r = fake_req(f, m);
	assert_int_equal(r->type, pp_type_ack);
	assert_int_equal(r->u.ack.req_type, m->type);
	return r->u.ack.result;
}

static inline int32_t fake_last_detail(fake *f)
{
	assert_int_equal(f->last.type, pp_type_ack);
	return f->last.u.ack.detail;
}

static inline pp_status fake_status(fake *f)
{
	pp_msg m = fake_msg(pp_type_interrogate);
	const pp_msg *r = fake_req(f, &m);
	assert_int_equal(r->type, pp_type_status);
	return r->u.status;
}

static inline void fake_open(fake *f)
{
	pp_msg m = fake_msg(pp_type_session_open);
	m.u.session_open.programmer_id = 7;
	m.u.session_open.timeout_s = 400u * 86400u; /* tests advance days */
	assert_int_equal(fake_ack(f, &m), PP_REFUSE_OK);
}

static inline int fake_druglib(fake *f, uint16_t id, uint32_t max_conc, uint32_t soft,
                               uint32_t hard)
{
	pp_msg m = fake_msg(pp_type_druglib_set);
	m.u.druglib_set.drug_id = id;
	m.u.druglib_set.max_conc_ng_ml = max_conc;
	m.u.druglib_set.soft_ug_day = soft;
	m.u.druglib_set.hard_ug_day = hard;
	return fake_ack(f, &m);
}

static inline int fake_refill(fake *f, uint32_t nl, uint32_t low)
{
	pp_msg m = fake_msg(pp_type_refill);
	m.u.refill.volume_nl = nl;
	m.u.refill.drug_id = 1;
	m.u.refill.conc_ng_ml = 500000;
	m.u.refill.low_residual_nl = low;
	return fake_ack(f, &m);
}

/* A prescription to stage: rx_begin fields plus steps. */
typedef struct fake_presc {
	pp_rx_begin b;
	pp_rx_step steps[FW_MAX_STEPS];
} fake_presc;

static inline fake_presc fake_continuous(uint32_t rate)
{
	fake_presc x;
	memset(&x, 0, sizeof x);
	x.b.mode = PP_MODE_CONTINUOUS;
	x.b.drug_id = 1;
	x.b.conc_ng_ml = 500000; /* 500 ug/mL (baclofen 500 mcg/mL) */
	x.b.rate_nl_h = rate;
	return x;
}

/* The CRC a host computes: rx_begin payload then each rx_step payload. */
static inline uint32_t fake_presc_crc(const fake_presc *x)
{
	pp_frame fr;
	pp_msg m = fake_msg(pp_type_rx_begin);
	uint32_t crc;

	m.u.rx_begin = x->b;
	memset(&fr, 0, sizeof fr);
	pp_msg_pack(&m, &fr);
	crc = pp_crc32(0, fr.payload, fr.len);
	for (int i = 0; i < x->b.nsteps; i++) {
		m = fake_msg(pp_type_rx_step);
		m.u.rx_step = x->steps[i];
		memset(&fr, 0, sizeof fr);
		pp_msg_pack(&m, &fr);
		crc = pp_crc32(crc, fr.payload, fr.len);
	}
	return crc;
}

/* Stage x (begin + steps); returns the first non-OK result or OK. */
static inline int fake_stage(fake *f, const fake_presc *x)
{
	pp_msg m = fake_msg(pp_type_rx_begin);
	int r;

	m.u.rx_begin = x->b;
	if ((r = fake_ack(f, &m)) != PP_REFUSE_OK)
		return r;
	for (int i = 0; i < x->b.nsteps; i++) {
		m = fake_msg(pp_type_rx_step);
		m.u.rx_step = x->steps[i];
		if ((r = fake_ack(f, &m)) != PP_REFUSE_OK)
			return r;
	}
	return PP_REFUSE_OK;
}

static inline int fake_commit(fake *f, uint32_t crc)
{
	pp_msg m = fake_msg(pp_type_rx_commit);
	m.u.rx_commit.crc = crc;
	return fake_ack(f, &m);
}

/* Stage, verify and commit x; returns the commit's result. */
static inline int fake_program(fake *f, const fake_presc *x)
{
	pp_msg m = fake_msg(pp_type_rx_verify);
	const pp_msg *r;
	int res = fake_stage(f, x);

	if (res != PP_REFUSE_OK)
		return res;
	r = fake_req(f, &m);
	assert_int_equal(r->type, pp_type_rx_crc);
	assert_int_equal(r->u.rx_crc.complete, 1);
	assert_int_equal(r->u.rx_crc.crc, fake_presc_crc(x));
	return fake_commit(f, r->u.rx_crc.crc);
}

static inline int fake_simple(fake *f, uint8_t type)
{
	pp_msg m = fake_msg(type);
	return fake_ack(f, &m);
}

/* Open, load drug 1 (generous limits), refill 20 mL, program x, start. */
static inline void fake_ready(fake *f, const fake_presc *x)
{
	fake_open(f);
	assert_int_equal(fake_druglib(f, 1, 1000000, 2000000, 4000000), PP_REFUSE_OK);
	assert_int_equal(fake_refill(f, 20000000, 0), PP_REFUSE_OK);
	assert_int_equal(fake_program(f, x), PP_REFUSE_OK);
	assert_int_equal(fake_simple(f, pp_type_start), PP_REFUSE_OK);
}

static inline pp_bolus_result fake_bolus(fake *f, uint32_t req_id, uint8_t kind, uint32_t nl,
                                         uint32_t dur_s, uint32_t trim_mm)
{
	pp_msg m = fake_msg(pp_type_bolus);
	const pp_msg *r;

	m.u.bolus.req_id = req_id;
	m.u.bolus.kind = kind;
	m.u.bolus.amount_nl = nl;
	m.u.bolus.duration_s = dur_s;
	m.u.bolus.catheter_mm = trim_mm;
	r = fake_req(f, &m);
	assert_int_equal(r->type, pp_type_bolus_result);
	return r->u.bolus_result;
}

/* Count event frames with code (and alarm, when alarm != 0) received since. */
static inline int fake_events(const fake *f, uint32_t since, uint16_t code, uint8_t alarm)
{
	int n = 0;
	for (uint32_t i = since; i < f->nmsgs; i++) {
		const pp_msg *m = &f->msgs[i % FAKE_MSGS].m;
		if (m->type == pp_type_event && m->u.event.code == code &&
		    (alarm == 0 || m->u.event.alarm == alarm))
			n++;
	}
	return n;
}

/* Every distinct evseq counted once (resends are not new events). */
static inline int fake_events_unique(const fake *f, uint32_t since, uint16_t code, uint8_t alarm)
{
	int n = 0;
	uint32_t last = 0;
	for (uint32_t i = since; i < f->nmsgs; i++) {
		const pp_msg *m = &f->msgs[i % FAKE_MSGS].m;
		if (m->type == pp_type_event && m->u.event.code == code &&
		    (alarm == 0 || m->u.event.alarm == alarm) && m->u.event.evseq > last) {
			last = m->u.event.evseq;
			n++;
		}
	}
	return n;
}

/* Board time of the first event with code/alarm received since, or 0. */
static inline uint64_t fake_event_time(const fake *f, uint32_t since, uint16_t code, uint8_t alarm)
{
	for (uint32_t i = since; i < f->nmsgs; i++) {
		const fake_rx *r = &f->msgs[i % FAKE_MSGS];
		if (r->m.type == pp_type_event && r->m.u.event.code == code &&
		    (alarm == 0 || r->m.u.event.alarm == alarm))
			return r->board_us;
	}
	return 0;
}

#define ALARM_BIT(a) (1u << (a))

#endif
