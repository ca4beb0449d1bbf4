/* test_trace_signals.c - signal extraction and CSV export over the
 * synthetic 24 h run (trace_synth) and hand-made records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pp.h"
#include "trace/trace.h"
#include "trace/trace_csv.h"
#include "trace/trace_read.h"
#include "trace/trace_signals.h"
#include "trace/trace_synth.h"

#define HOUR INT64_C(3600000000000)

typedef struct ctx {
	char path[64];
	ph_trace_signals s;
} ctx;

static int setup_synth(void **state)
{
	ctx *c = calloc(1, sizeof *c);
	char err[256];
	ph_trace_synth_opts o;
	ph_trace *t;
	ph_trace_reader *r;
	int fd;

	snprintf(c->path, sizeof c->path, "/tmp/test_trace_signals_XXXXXX");
	fd = mkstemp(c->path);
	assert_true(fd >= 0);
	close(fd);
	t = ph_trace_open(c->path, err, sizeof err);
	assert_non_null(t);
	ph_trace_synth_defaults(&o);
	assert_int_equal(ph_trace_synth(t, &o), 0);
	ph_trace_close(t);
	r = ph_trace_reader_open(c->path, err, sizeof err);
	assert_non_null(r);
	ph_trace_signals_init(&c->s);
	assert_int_equal(ph_trace_signals_load(&c->s, r, err, sizeof err), PH_TRACE_END);
	assert_null(ph_trace_reader_warning(r));
	ph_trace_reader_close(r);
	*state = c;
	return 0;
}

static int teardown_synth(void **state)
{
	ctx *c = *state;

	ph_trace_signals_free(&c->s);
	unlink(c->path);
	free(c);
	return 0;
}

/* Median of the series' values in [t0, t1). */
static int32_t median_in(const ph_trace_series *se, int64_t t0, int64_t t1)
{
	size_t a = ph_trace_series_lower(se, t0), b = ph_trace_series_lower(se, t1), n = b - a;
	int32_t *v = malloc(n * sizeof *v), m;

	assert_true(n > 0);
	memcpy(v, se->v + a, n * sizeof *v);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			int32_t x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	m = v[n / 2];
	free(v);
	return m;
}

static int32_t max_in(const ph_trace_series *se, int64_t t0, int64_t t1)
{
	int32_t m = INT32_MIN;

	for (size_t i = ph_trace_series_lower(se, t0); i < se->n && se->t_ns[i] < t1; i++)
		if (se->v[i] > m)
			m = se->v[i];
	return m;
}

static void test_series(void **state)
{
	ctx *c = *state;
	const ph_trace_signals *s = &c->s;

	/* fx_state every 30 s from t = 2 s: 2880 samples in a day. */
	assert_int_equal(s->sig[PH_SIG_BALANCE].n, 2880);
	assert_int_equal(s->sig[PH_SIG_PRESSURE].n, 2880);
	assert_int_equal(s->sig[PH_SIG_FLOW].n, 2879);
	assert_int_equal(s->sig[PH_SIG_DELIVERED].v[0], 0);
	/* 97 % of 20000 nL/h, measured through the balance. */
	assert_in_range(median_in(&s->sig[PH_SIG_FLOW], 1 * HOUR, 8 * HOUR), 18800, 20000);
	assert_in_range(max_in(&s->sig[PH_SIG_PRESSURE], 9 * HOUR, 10 * HOUR), 39000, 41000);
	assert_in_range(median_in(&s->sig[PH_SIG_PRESSURE], 1 * HOUR, 8 * HOUR), 1800, 2200);
	assert_int_equal(median_in(&s->sig[PH_SIG_SUPPLY], 17 * HOUR + HOUR / 4, 19 * HOUR), 2500);
	/* status every 5 min, except while the link is lost (30 min). */
	assert_int_equal(s->sig[PH_SIG_RATE].n, 288 - 6);
	assert_int_equal(s->sig[PH_SIG_RATE].v[0], 20000);
	assert_int_equal(s->sig[PH_SIG_RATE].v[s->sig[PH_SIG_RATE].n - 1], 40000);
	/* The pump believes it delivered 3 % more than it did. */
	assert_true(s->sig[PH_SIG_RESERVOIR].v[s->sig[PH_SIG_RESERVOIR].n - 1] <
	            s->sig[PH_SIG_RESERVOIR_TRUE].v[s->sig[PH_SIG_RESERVOIR_TRUE].n - 1]);
	assert_in_range(s->sig[PH_SIG_RESERVOIR_TRUE].v[0], 19990000, 20000000);
	/* Frames: every record on each channel is counted. */
	assert_int_equal(s->sig[PH_SIG_FRAMES_FIXTURE].v[s->sig[PH_SIG_FRAMES_FIXTURE].n - 1],
	                 s->sig[PH_SIG_FRAMES_FIXTURE].n);
	assert_true(s->sig[PH_SIG_FRAMES_FIXTURE].n >= 2 * 2880);
	assert_int_equal(s->bad_frames, 0);
	assert_int_equal(s->bad_events, 0);
	assert_string_equal(s->run_seed, "1");
	assert_string_equal(s->run_board, "sim");
	assert_true(s->t_first < 2000000000);
	assert_true(s->t_last > 23 * HOUR);
}

static const ph_trace_span *nth_span(const ph_trace_signals *s, int kind, int n)
{
	for (size_t i = 0; i < s->spans.n; i++)
		if (s->spans.v[i].kind == kind && n-- == 0)
			return &s->spans.v[i];
	return NULL;
}

static void test_spans_and_markers(void **state)
{
	ctx *c = *state;
	const ph_trace_signals *s = &c->s;
	const ph_trace_span *sp;

	sp = nth_span(s, PH_SPAN_ALARM, 0);
	assert_non_null(sp);
	assert_string_equal(sp->label, "OCCLUSION");
	assert_int_equal(sp->priority, PP_PRIO_HIGH);
	assert_int_equal(sp->t0, 9 * HOUR + HOUR / 4);
	assert_int_equal(sp->t1, 10 * HOUR + HOUR / 10);
	sp = nth_span(s, PH_SPAN_ALARM, 1);
	assert_string_equal(sp->label, "BATTERY_ERI");
	assert_int_equal(sp->priority, PP_PRIO_LOW);
	sp = nth_span(s, PH_SPAN_ALARM, 2);
	assert_string_equal(sp->label, "LINK_LOSS");
	assert_int_equal(sp->priority, PP_PRIO_MEDIUM);
	assert_null(nth_span(s, PH_SPAN_ALARM, 3));

	sp = nth_span(s, PH_SPAN_FAULT, 0);
	assert_string_equal(sp->label, "occlusion");
	assert_string_equal(sp->detail, "{\"pinch_pm\":1000}");
	assert_int_equal(sp->t0, 8 * HOUR + HOUR / 2);
	assert_int_equal(sp->t1, 10 * HOUR);
	assert_string_equal(nth_span(s, PH_SPAN_FAULT, 2)->label, "rf_loss");

	sp = nth_span(s, PH_SPAN_TEST, 1);
	assert_string_equal(sp->label, "occlusion");
	assert_string_equal(sp->detail, "fail");
	assert_int_equal(sp->t1, 11 * HOUR);
	assert_non_null(nth_span(s, PH_SPAN_TEST, 4));
	assert_null(nth_span(s, PH_SPAN_TEST, 5));

	assert_int_equal(s->markers.n, 4);
	assert_string_equal(s->markers.v[0].label, "mean_error");
	assert_string_equal(s->markers.v[0].detail, "-3 %");
	assert_int_equal(s->markers.v[0].verdict, PH_VERDICT_PASS);
	assert_string_equal(s->markers.v[2].detail, "242 uL");
	assert_int_equal(s->markers.v[2].verdict, PH_VERDICT_FAIL);
	assert_int_equal(s->markers.v[3].kind, PH_MARK_CHECK_FAILED);

	/* alarm_level steps: 0 -> 3 -> 0 -> 1 -> 0 -> 2 -> 0 */
	assert_int_equal(s->sig[PH_SIG_ALARM_LEVEL].n, 6);
	assert_int_equal(s->sig[PH_SIG_ALARM_LEVEL].v[0], 3);
	assert_int_equal(s->sig[PH_SIG_ALARM_LEVEL].v[1], 0);
	assert_int_equal(s->sig[PH_SIG_ALARM_LEVEL].v[2], 1);
	assert_int_equal(s->sig[PH_SIG_ALARM_LEVEL].v[4], 2);
}

static ph_trace_rec wire_rec(const uint8_t *w, size_t n, int64_t t)
{
	ph_trace_rec r;

	memset(&r, 0, sizeof r);
	r.iface = PH_IF_PUMP;
	r.linktype = 147;
	r.dir = PH_DIR_FROM_BOARD;
	r.t_ns = t;
	r.data = w;
	r.len = n;
	return r;
}

static void test_resent_events_and_garbage(void **state)
{
	ph_trace_signals s;
	pp_msg m;
	uint8_t w[PP_MAX_WIRE];
	int n;
	ph_trace_rec r;
	(void)state;

	ph_trace_signals_init(&s);
	memset(&m, 0, sizeof m);
	m.type = pp_type_event;
	m.u.event.evseq = 5;
	m.u.event.code = PP_EV_ALARM_ON;
	m.u.event.alarm = PP_ALARM_MOTOR_STALL;
	m.u.event.priority = PP_PRIO_HIGH;
	n = pp_msg_encode(&m, PP_CH_PUMP, 1, 10, w, sizeof w);
	r = wire_rec(w, (size_t)n, 100);
	assert_int_equal(ph_trace_signals_add(&s, &r), 0);
	r.t_ns = 200; /* resent until acknowledged */
	assert_int_equal(ph_trace_signals_add(&s, &r), 0);
	assert_int_equal(s.spans.n, 1);
	assert_int_equal(s.spans.v[0].t0, 100);
	assert_int_equal(s.spans.v[0].t1, -1);

	m.u.event.evseq = 6;
	m.u.event.code = PP_EV_ALARM_OFF;
	n = pp_msg_encode(&m, PP_CH_PUMP, 2, 20, w, sizeof w);
	r = wire_rec(w, (size_t)n, 300);
	assert_int_equal(ph_trace_signals_add(&s, &r), 0);
	assert_int_equal(s.spans.v[0].t1, 300);

	w[3] ^= 0x40; /* CRC no longer matches */
	assert_int_equal(ph_trace_signals_add(&s, &r), 0);
	assert_int_equal(s.bad_frames, 1);
	assert_int_equal(s.sig[PH_SIG_FRAMES_PUMP].n, 4);
	assert_int_equal(s.sig[PH_SIG_FRAMES_PUMP].v[3], 4);

	r.iface = PH_IF_EVENTS;
	r.linktype = 148;
	r.data = (const uint8_t *)"not json";
	r.len = 8;
	assert_int_equal(ph_trace_signals_add(&s, &r), 0);
	r.data = (const uint8_t *)"{\"ev\":\"something_new\"}";
	r.len = strlen((const char *)r.data);
	assert_int_equal(ph_trace_signals_add(&s, &r), 0);
	assert_int_equal(s.bad_events, 1);
	/* Fault parameters flattened into the event, as Bench:mark writes them. */
	r.data = (const uint8_t *)"{\"ev\":\"fault_on\",\"fault\":\"pinch\",\"pm\":800}";
	r.len = strlen((const char *)r.data);
	assert_int_equal(ph_trace_signals_add(&s, &r), 0);
	assert_string_equal(s.spans.v[s.spans.n - 1].label, "pinch");
	assert_string_equal(s.spans.v[s.spans.n - 1].detail, "{\"pm\":800}");
	ph_trace_signals_free(&s);
}

/* A fixture frame whose board clock jumped by more than fits in ns (a
 * flipped high bit, a hostile trace): the flow falls back to host time
 * instead of overflowing. */
static void test_board_clock_jump(void **state)
{
	ph_trace_signals s;
	pp_msg m;
	uint8_t w[PP_MAX_WIRE];
	int n;
	ph_trace_rec r;
	(void)state;

	ph_trace_signals_init(&s);
	memset(&m, 0, sizeof m);
	m.type = pp_type_fx_state;
	n = pp_msg_encode(&m, PP_CH_FIXTURE, 1, 1, w, sizeof w);
	r = wire_rec(w, (size_t)n, 0);
	r.iface = PH_IF_FIXTURE;
	assert_int_equal(ph_trace_signals_add(&s, &r), 0);
	m.u.fx_state.balance_ug = 1000;
	n = pp_msg_encode(&m, PP_CH_FIXTURE, 2, UINT64_C(1) + (UINT64_C(1) << 62), w, sizeof w);
	r = wire_rec(w, (size_t)n, INT64_C(3600000000000));
	r.iface = PH_IF_FIXTURE;
	assert_int_equal(ph_trace_signals_add(&s, &r), 0);
	assert_int_equal(s.sig[PH_SIG_FLOW].n, 1);
	assert_int_equal(s.sig[PH_SIG_FLOW].v[0], 1000); /* 1000 ug over 1 h of host time */
	ph_trace_signals_free(&s);
}

static void test_csv(void **state)
{
	ctx *c = *state;
	char *buf = NULL, bad[64];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int sigs[4], n;
	char *line2;

	n = ph_trace_csv_parse_list("rate_nl_h,alarm_level", sigs, 4, bad, sizeof bad);
	assert_int_equal(n, 2);
	assert_int_equal(ph_trace_csv_write(&c->s, sigs, (size_t)n, f), 0);
	fclose(f);
	assert_memory_equal(buf, "time_ns,rate_nl_h,alarm_level\n", 30);
	line2 = buf + 30;
	/* first status reply: 2.5 s poll + 5 ms */
	assert_memory_equal(line2, "2505000000,20000,\n", 18);
	assert_non_null(strstr(buf, "\n33300000000000,,3\n")); /* occlusion alarm at 9h15 */
	{
		size_t rows = 0;
		for (char *p = buf; *p; p++)
			rows += *p == '\n';
		assert_int_equal(rows,
		                 1 + c->s.sig[PH_SIG_RATE].n + c->s.sig[PH_SIG_ALARM_LEVEL].n);
	}
	free(buf);

	assert_int_equal(ph_trace_csv_parse_list("balance_ug,nope", sigs, 4, bad, sizeof bad), -1);
	assert_string_equal(bad, "nope");
	assert_int_equal(ph_trace_csv_parse_list("", sigs, 4, bad, sizeof bad), -1);
	assert_int_equal(ph_trace_signal_find("flow_nl_h"), PH_SIG_FLOW);
	assert_string_equal(ph_trace_signal_unit(PH_SIG_FLOW), "nL/h");
	assert_null(ph_trace_signal_name(PH_SIG_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_spans_and_markers),
		cmocka_unit_test(test_resent_events_and_garbage),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_board_clock_jump),
	};
	/* One synthetic trace for the group. */
	return cmocka_run_group_tests(tests, setup_synth, teardown_synth);
}
