/*
 * test_fw_property.c - seeded random sequences against the firmware.
 *
 * Each seed programs prescriptions (continuous and flexible, with patient
 * boluses), requests boluses (repeating old request ids on purpose, and
 * timing patient boluses at the lockout edge), refills, injects faults
 * (pressure, motor jam, supply), resets the board (power-on, watchdog and
 * brown-out in the middle of an NVM write), and sends commits with wrong
 * CRCs, over simulated days on the fake HAL.  After every step it checks:
 *
 *  P1 strokes in any 24 h <= the largest basal rate that could have been in
 *     force over that window, plus the accepted boluses, plus 3 strokes;
 *  P2 a patient bolus is accepted only outside the lockout and within the
 *     maximum per 24 h; no bolus is accepted while a stopping alarm stands;
 *     a repeated request id gets the first answer;
 *  P3 the computed reservoir never falls below the dead volume minus one
 *     stroke (and never wraps below zero);
 *  P4 status.rx_crc is the last acknowledged commit (or one whose ack was
 *     lost to a reset) and status.rate_nl_h matches that prescription.
 *
 * Defaults (CI): PUMPHIL_PROPERTY_SEEDS=300, PUMPHIL_PROPERTY_DAYS=1,
 * PUMPHIL_PROPERTY_SEED0=1.  The long run: SEEDS=10000 DAYS=7.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fw_fake_hal.h"

#define MINUTES_KEPT (1440u + 120u)
#define MAX_RX 64
#define EPOCH0_MS 1700006400000ull

typedef struct prop {
	fake f;
	uint64_t rng;
	uint32_t seed;
	/* Per minute (ring): strokes seen, basal rate allowance (nL/h), bolus nL. */
	uint32_t strokes[MINUTES_KEPT];
	uint64_t basal_allow[MINUTES_KEPT];
	uint64_t bolus_allow[MINUTES_KEPT];
	uint64_t minute; /* current minute index (absolute) */
	/* Prescriptions this run committed or tried to. */
	fake_presc rx[MAX_RX];
	uint32_t crc[MAX_RX];
	int nrx;
	int known;   /* index of the acknowledged committed rx, -1 none */
	int pending; /* commit sent, ack lost to a reset, -1 none */
	int64_t wall_offset_ms;
	/* The last FW_BOLUS_IDS bolus ids answered (what the pump remembers). */
	uint32_t ids[FW_BOLUS_IDS];
	pp_bolus_result answers[FW_BOLUS_IDS];
	int nids;
	uint64_t pb_times[64];
	int npb;
	uint64_t checks;
} prop;

static prop P;
static int trace;

#define TRACE(...)                                                                                 \
	do {                                                                                       \
		if (trace) {                                                                       \
			printf("%llu: ", (unsigned long long)P.f.now);                             \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

static uint32_t rnd(prop *p, uint32_t n)
{
	p->rng ^= p->rng << 13;
	p->rng ^= p->rng >> 7;
	p->rng ^= p->rng << 17;
	return n ? (uint32_t)((p->rng >> 11) % n) : 0;
}

static void prop_stroke(void *c)
{
	fake_stroke(c);
	P.strokes[P.minute % MINUTES_KEPT]++;
}

static const pp_msg *try_req(prop *p, const pp_msg *m)
{
	fake *f = &p->f;
	uint32_t since = f->nmsgs, resets = f->resets;
	uint16_t seq = ++f->seq;
	const pp_msg *r;

	fake_send_seq(f, m, seq);
	if (f->resets != resets)
		return NULL; /* reset while processing: the answer is lost */
	r = fake_reply(f, seq, since);
	assert_non_null(r);
	f->last = *r;
	return &f->last;
}

static int max_rate(const fake_presc *x)
{
	uint32_t r = x->b.mode == PP_MODE_CONTINUOUS ? x->b.rate_nl_h : 0;
	if (x->b.mode == PP_MODE_FLEXIBLE)
		for (int i = 0; i < x->b.nsteps; i++)
			if (x->steps[i].rate_nl_h > r)
				r = x->steps[i].rate_nl_h;
	return (int)r;
}

static uint64_t allowed_rate(const prop *p)
{
	uint64_t r = 0;
	if (p->known >= 0)
		r = (uint64_t)max_rate(&p->rx[p->known]);
	if (p->pending >= 0 && (uint64_t)max_rate(&p->rx[p->pending]) > r)
		r = (uint64_t)max_rate(&p->rx[p->pending]);
	return r;
}

/* Advance the clock, keeping the per-minute allowance up to date. */
static void prop_advance(prop *p, uint64_t dt)
{
	fake *f = &p->f;
	uint64_t end = f->now + dt;

	while (f->now < end) {
		uint64_t next_min = (f->now / MIN_US + 1) * MIN_US;
		uint64_t t = next_min < end ? next_min : end;
		uint64_t r = allowed_rate(p);
		uint64_t *a = &p->basal_allow[p->minute % MINUTES_KEPT];
		if (r > *a)
			*a = r;
		fake_run_until(f, t - 1 > f->now ? t - 1 : f->now);
		if (t == next_min) {
			f->now = t;
			p->minute = t / MIN_US;
			p->strokes[p->minute % MINUTES_KEPT] = 0;
			p->basal_allow[p->minute % MINUTES_KEPT] = r;
			p->bolus_allow[p->minute % MINUTES_KEPT] = 0;
			fake_run(f);
		} else {
			f->now = t;
			fake_run(f);
		}
	}
}

static uint32_t rate_at(const prop *p, const fake_presc *x)
{
	int64_t w = (int64_t)(p->f.now / 1000u) + p->wall_offset_ms;
	uint32_t minute = (uint32_t)((uint64_t)w / 60000u % 1440u);
	int k;

	if (x->b.mode == PP_MODE_CONTINUOUS)
		return x->b.rate_nl_h;
	if (x->b.mode != PP_MODE_FLEXIBLE)
		return 0;
	k = x->b.nsteps - 1;
	for (int i = 0; i < x->b.nsteps; i++)
		if (x->steps[i].start_min <= minute)
			k = i;
	return x->steps[k].rate_nl_h;
}

static int stopping(uint32_t alarms)
{
	return (alarms & (ALARM_BIT(PP_ALARM_OCCLUSION) | ALARM_BIT(PP_ALARM_EMPTY_RESERVOIR) |
	                  ALARM_BIT(PP_ALARM_MOTOR_STALL) | ALARM_BIT(PP_ALARM_NVM_FAULT))) != 0;
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			print_error("seed %u t=%llu us: ", p->seed, (unsigned long long)p->f.now); \
			print_error(__VA_ARGS__);                                                  \
			print_error("\n");                                                         \
			fail();                                                                    \
		}                                                                                  \
	} while (0)

static pp_status check(prop *p)
{
	pp_msg m = fake_msg(pp_type_interrogate);
	const pp_msg *r = try_req(p, &m);
	pp_status s;
	uint64_t strokes = 0, basal = 0, bolus = 0;
	const fake_presc *x = NULL;

	assert_non_null(r);
	s = r->u.status;
	p->checks++;
	/* P4: a whole prescription, and the rate it asks for. */
	if (p->pending >= 0 && s.rx_crc == p->crc[p->pending]) {
		p->known = p->pending;
		p->pending = -1;
	}
	if (p->known >= 0)
		CHECK(s.rx_crc == p->crc[p->known] ||
		              (p->pending >= 0 && s.rx_crc == p->crc[p->pending]),
		      "rx_crc %08x is neither committed %08x nor pending", s.rx_crc,
		      p->crc[p->known]);
	else
		CHECK(s.rx_crc == 0 || (p->pending >= 0 && s.rx_crc == p->crc[p->pending]),
		      "rx_crc %08x without a commit", s.rx_crc);
	if (p->known >= 0 && s.rx_crc == p->crc[p->known])
		x = &p->rx[p->known];
	if (x) {
		uint32_t want = s.running && !stopping(s.alarms) ? rate_at(p, x) : 0;
		if ((s.alarms & ALARM_BIT(PP_ALARM_MAX_DOSE)) && want > p->f.cfg.min_rate_nl_h)
			want = p->f.cfg.min_rate_nl_h;
		if ((s.alarms & ALARM_BIT(PP_ALARM_BATTERY_EOS)) && want > p->f.cfg.eos_rate_nl_h)
			want = p->f.cfg.eos_rate_nl_h;
		if (trace && s.rate_nl_h != want) {
			int64_t w = (int64_t)(p->f.now / 1000u) + p->wall_offset_ms;
			printf("minute %u alarms %x running %u\n",
			       (unsigned)((uint64_t)w / 60000u % 1440u), s.alarms, s.running);
			for (int i = 0; i < x->b.nsteps; i++)
				printf("  step %d at %u rate %u\n", i,
				       (unsigned)x->steps[i].start_min, x->steps[i].rate_nl_h);
		}
		CHECK(s.rate_nl_h == want, "rate %u, prescription says %u", s.rate_nl_h, want);
		CHECK(s.mode == x->b.mode, "mode %u vs %u", s.mode, x->b.mode);
	}
	/* P3: the computed reservoir. */
	CHECK(s.reservoir_nl <= p->f.cfg.reservoir_nl, "reservoir %u wrapped", s.reservoir_nl);
	/* P1: any 24 h window ending now. */
	for (uint32_t i = 0; i < 1440u && i <= p->minute; i++) {
		strokes += p->strokes[(p->minute - i) % MINUTES_KEPT];
		basal += p->basal_allow[(p->minute - i) % MINUTES_KEPT];
	}
	for (uint32_t i = 0; i < MINUTES_KEPT && i <= p->minute; i++)
		bolus += p->bolus_allow[(p->minute - i) % MINUTES_KEPT];
	CHECK(strokes * p->f.cfg.stroke_nl <= basal / 60u + bolus + 3u * p->f.cfg.stroke_nl,
	      "24 h delivered %llu nL > basal %llu + bolus %llu",
	      (unsigned long long)(strokes * p->f.cfg.stroke_nl), (unsigned long long)(basal / 60u),
	      (unsigned long long)bolus);
	return s;
}

static void open_session(prop *p)
{
	pp_msg m = fake_msg(pp_type_session_open);

	m.u.session_open.timeout_s = 3600;
	try_req(p, &m);
}

static fake_presc random_rx(prop *p)
{
	fake_presc x = fake_continuous(1000 + rnd(p, 100000));

	if (rnd(p, 3) == 0) {
		uint32_t t = 0;
		x.b.mode = PP_MODE_FLEXIBLE;
		x.b.rate_nl_h = 0;
		x.b.nsteps = (uint8_t)(1 + rnd(p, FW_MAX_STEPS));
		for (int i = 0; i < x.b.nsteps; i++) {
			t += 1 + rnd(p, 1440u / x.b.nsteps - 1);
			x.steps[i] =
			        (pp_rx_step){ 0, (uint8_t)i, (uint16_t)(t - 1), rnd(p, 100000) };
		}
	}
	if (rnd(p, 2)) {
		x.b.pb_dose_nl = 250 * (1 + rnd(p, 400));
		x.b.pb_duration_s = 1 + rnd(p, 3600);
		x.b.pb_lockout_s = rnd(p, 4) * 1800 + rnd(p, 60);
		x.b.pb_max_per_day = (uint8_t)(1 + rnd(p, 12));
	}
	return x;
}

static int add_rx(prop *p, const fake_presc *x)
{
	int i = p->nrx < MAX_RX ? p->nrx++ : MAX_RX - 1;
	if (i == p->known || i == p->pending) {
		/* The table is full: reuse a slot nobody refers to. */
		for (i = 0; i == p->known || i == p->pending; i++)
			;
	}
	p->rx[i] = *x;
	p->crc[i] = fake_presc_crc(x);
	return i;
}

static void act_program(prop *p)
{
	fake_presc x = random_rx(p);
	pp_msg m = fake_msg(pp_type_rx_begin);
	const pp_msg *r;
	int i, how = (int)rnd(p, 6);

	m.u.rx_begin = x.b;
	if (!(r = try_req(p, &m)) || r->u.ack.result != PP_REFUSE_OK)
		return;
	for (int k = 0; k < x.b.nsteps; k++) {
		m = fake_msg(pp_type_rx_step);
		m.u.rx_step = x.steps[k];
		if (!(r = try_req(p, &m)) || r->u.ack.result != PP_REFUSE_OK)
			return;
	}
	TRACE("program mode %u rate %u nsteps %u how %d", x.b.mode, x.b.rate_nl_h, x.b.nsteps, how);
	if (how == 0)
		return; /* the commit is lost */
	i = add_rx(p, &x);
	m = fake_msg(pp_type_rx_commit);
	m.u.rx_commit.crc = p->crc[i] ^ (how == 1 ? 0x10u : 0u); /* 1: wrong CRC */
	if (how == 2)
		p->f.brownout_in = 1 + (int)rnd(p, 3);
	p->pending = how == 1 ? -1 : i;
	r = try_req(p, &m);
	if (!r) {
		open_session(p);
		return; /* reset during the commit: pending decides at the next status */
	}
	if (how == 1)
		CHECK(r->u.ack.result == PP_REFUSE_CRC_MISMATCH, "wrong CRC accepted (%u)",
		      r->u.ack.result);
	TRACE("commit result %u", r->u.ack.result);
	if (r->u.ack.result == PP_REFUSE_OK)
		p->known = i;
	p->pending = -1;
}

static pp_bolus_result *find_answer(prop *p, uint32_t id)
{
	for (int i = 0; i < p->nids && i < (int)FW_BOLUS_IDS; i++)
		if (p->ids[i] == id)
			return &p->answers[i];
	return NULL;
}

static void act_bolus(prop *p, pp_status before)
{
	pp_msg m = fake_msg(pp_type_bolus);
	pp_bolus_result *first;
	const pp_msg *r;
	const fake_presc *x = p->known >= 0 ? &p->rx[p->known] : NULL;
	uint32_t kept = p->nids < (int)FW_BOLUS_IDS ? (uint32_t)p->nids : FW_BOLUS_IDS;
	uint32_t id = kept && rnd(p, 4) == 0 ? p->ids[rnd(p, kept)] : 1000 + p->rng % 100000000u;

	m.u.bolus.req_id = id;
	m.u.bolus.kind = (uint8_t)(1 + rnd(p, 4));
	if (rnd(p, 2))
		m.u.bolus.kind = PP_BOLUS_PATIENT;
	m.u.bolus.amount_nl = 250 * (1 + rnd(p, 400));
	m.u.bolus.duration_s = 1 + rnd(p, 3600);
	m.u.bolus.catheter_mm = rnd(p, 1000);
	first = find_answer(p, id);
	r = try_req(p, &m);
	if (!r) {
		open_session(p);
		return;
	}
	if (first) {
		CHECK(memcmp(first, &r->u.bolus_result, sizeof *first) == 0,
		      "repeated req_id %u answered differently", id);
		return;
	}
	p->ids[p->nids % FW_BOLUS_IDS] = id;
	p->answers[p->nids++ % FW_BOLUS_IDS] = r->u.bolus_result;
	if (r->u.bolus_result.result != PP_REFUSE_OK)
		return;
	CHECK(!stopping(before.alarms), "bolus accepted during a stopping alarm %x", before.alarms);
	p->bolus_allow[p->minute % MINUTES_KEPT] += r->u.bolus_result.volume_nl;
	if (m.u.bolus.kind == PP_BOLUS_PATIENT && x && p->pending < 0) {
		uint64_t lock = (uint64_t)x->b.pb_lockout_s * S_US;
		int in_day = 0;
		if (p->npb)
			CHECK(p->f.now - p->pb_times[(p->npb - 1) % 64] >= lock,
			      "patient bolus %llu us after the last, lockout %llu",
			      (unsigned long long)(p->f.now - p->pb_times[(p->npb - 1) % 64]),
			      (unsigned long long)lock);
		for (int i = 0; i < p->npb && i < 64; i++)
			if (p->f.now - p->pb_times[(p->npb - 1 - i) % 64] < DAY_US)
				in_day++;
		CHECK(in_day < x->b.pb_max_per_day, "patient bolus %d in 24 h, max %u", in_day + 1,
		      x->b.pb_max_per_day);
	}
	if (m.u.bolus.kind == PP_BOLUS_PATIENT)
		p->pb_times[p->npb++ % 64] = p->f.now;
}

static void act_fault(prop *p)
{
	fake *f = &p->f;

	TRACE("fault");
	switch (rnd(p, 6)) {
	case 0: f->pressure = rnd(p, 2) ? 150000 : 0; break;
	case 1: f->motor_jammed = !f->motor_jammed && rnd(p, 3) == 0; break;
	case 2: f->supply = (uint16_t)(rnd(p, 4) ? 3300 : 2300 + rnd(p, 700)); break;
	case 3:
		fake_boot(f, (uint8_t)rnd(p, 2));
		open_session(p);
		break;
	case 4: f->brownout_in = 1 + (int)rnd(p, 3); break;
	default: {
		pp_msg m = fake_msg(pp_type_alarm_ack);
		m.u.alarm_ack.alarm = (uint8_t)(1 + rnd(p, PP_ALARM_NVM_FAULT));
		if (!try_req(p, &m))
			open_session(p);
		break;
	}
	}
}

static void act_other(prop *p)
{
	pp_msg m;

	switch (rnd(p, 4)) {
	case 0:
		m = fake_msg(pp_type_refill);
		m.u.refill.volume_nl = 1000000 + rnd(p, 19000000);
		m.u.refill.drug_id = 1;
		m.u.refill.conc_ng_ml = 500000;
		m.u.refill.low_residual_nl = rnd(p, 4000000);
		break;
	case 1: m = fake_msg(rnd(p, 2) ? pp_type_start : pp_type_stop); break;
	case 2:
		m = fake_msg(pp_type_druglib_set);
		m.u.druglib_set.drug_id = 1;
		m.u.druglib_set.max_conc_ng_ml = 1000000;
		m.u.druglib_set.hard_ug_day = 200 + rnd(p, 2000);
		m.u.druglib_set.soft_ug_day = m.u.druglib_set.hard_ug_day;
		break;
	default:
		m = fake_msg(pp_type_clock_set);
		m.u.clock_set.epoch_ms = EPOCH0_MS + rnd(p, 86400000);
		break;
	}
	TRACE("other %u", m.type);
	if (!try_req(p, &m)) {
		open_session(p);
		return;
	}
	/* The clock moved only if the pump said so (a reset may have eaten it). */
	if (m.type == pp_type_clock_set)
		p->wall_offset_ms = (int64_t)m.u.clock_set.epoch_ms - (int64_t)(p->f.now / 1000u);
}

static uint64_t random_dt(prop *p, const pp_status *s)
{
	const fake_presc *x = p->known >= 0 ? &p->rx[p->known] : NULL;

	/* Aim a patient bolus at the lockout edge now and then. */
	if (x && p->npb && rnd(p, 4) == 0) {
		uint64_t edge = p->pb_times[(p->npb - 1) % 64] + (uint64_t)x->b.pb_lockout_s * S_US;
		uint64_t t = edge - (rnd(p, 2) ? S_US / 2 : 0);
		if (t > p->f.now)
			return t - p->f.now;
	}
	(void)s;
	switch (rnd(p, 3)) {
	case 0: return rnd(p, 3) * S_US;
	case 1: return (1 + rnd(p, 60)) * MIN_US;
	default: return (1 + rnd(p, 6)) * H_US;
	}
}

static void run_seed(prop *p, uint32_t seed, uint32_t days)
{
	fake *f = &p->f;
	uint64_t end;

	memset(p, 0, sizeof *p);
	p->seed = seed;
	p->rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)seed * 0x2545f4914f6cdd1dull);
	p->known = p->pending = -1;
	fake_init(f);
	f->auto_ack = 1;
	f->hal.motor_stroke = prop_stroke;
	p->minute = f->now / MIN_US;
	open_session(p);
	{
		pp_msg m = fake_msg(pp_type_druglib_set);
		m.u.druglib_set.drug_id = 1;
		m.u.druglib_set.max_conc_ng_ml = 1000000;
		m.u.druglib_set.soft_ug_day = 2000;
		m.u.druglib_set.hard_ug_day = 2000;
		try_req(p, &m);
		m = fake_msg(pp_type_refill);
		m.u.refill.volume_nl = 20000000;
		try_req(p, &m);
	}
	act_program(p);
	end = f->now + days * DAY_US;
	while (f->now < end) {
		pp_status s = check(p);
		prop_advance(p, random_dt(p, &s));
		s = check(p);
		if (!s.session)
			open_session(p);
		switch (rnd(p, 10)) {
		case 0:
		case 1: act_program(p); break;
		case 2:
		case 3:
		case 4:
		case 5: act_bolus(p, s); break;
		case 6:
		case 7: act_fault(p); break;
		default: act_other(p); break;
		}
	}
	check(p);
}

static uint32_t env_u32(const char *name, uint32_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? (uint32_t)strtoul(v, NULL, 10) : dflt;
}

static void property(void **state)
{
	uint32_t seeds = env_u32("PUMPHIL_PROPERTY_SEEDS", 300);
	uint32_t days = env_u32("PUMPHIL_PROPERTY_DAYS", 1);
	uint32_t seed0 = env_u32("PUMPHIL_PROPERTY_SEED0", 1);
	uint64_t checks = 0;

	trace = (int)env_u32("PUMPHIL_PROPERTY_TRACE", 0);
	(void)state;
	for (uint32_t s = seed0; s < seed0 + seeds; s++) {
		run_seed(&P, s, days);
		checks += P.checks;
	}
	printf("property: %u seeds x %u days, %llu checks\n", seeds, days,
	       (unsigned long long)checks);
	assert_true(checks > seeds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
