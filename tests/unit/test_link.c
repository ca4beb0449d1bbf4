/* test_link.c - the harness side of the link against a scripted fake board:
 * damaged, truncated, oversized, stale and duplicated frames from the board
 * are counted and dropped, retries recover, NAKs surface, nothing wedges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "link/link.h"

enum damage { GOOD, BAD_CRC, TRUNCATED, OVERSIZED, STALE_FIRST, SILENT, NAK, EVENT_TWICE };

typedef struct fake {
	ph_transport base;
	int64_t now;
	enum damage plan[8]; /* per request, in order */
	int nreq;
	ph_rx q[16];
	int qn;
	int acks; /* event_ack frames seen */
} fake;

static void push(fake *f, const uint8_t *w, size_t n)
{
	ph_rx *rx = &f->q[f->qn++];
	rx->channel = PP_CH_PUMP;
	rx->n = (uint16_t)n;
	rx->t_ns = f->now;
	memcpy(rx->wire, w, n);
}

static void reply(fake *f, uint16_t seq, const pp_msg *m)
{
	uint8_t w[PP_MAX_WIRE];
	int n = pp_msg_encode(m, PP_CH_PUMP, seq, 1234, w, sizeof w);
	assert_true(n > 0);
	push(f, w, (size_t)n);
}

static int f_send(ph_transport *t, uint8_t ch, const uint8_t *wire, size_t n)
{
	fake *f = (fake *)t;
	pp_frame fr;
	pp_msg status = { .type = pp_type_status };
	uint8_t w[PP_MAX_WIRE * 2];

	assert_int_equal(ch, PP_CH_PUMP);
	assert_int_equal(wire[n - 1], 0);
	assert_int_equal(pp_frame_decode(wire, n - 1, &fr), PP_OK);
	if (fr.type == pp_type_event_ack) {
		f->acks++;
		return PH_T_OK;
	}
	status.u.status.serial = 42;
	enum damage d = f->plan[f->nreq++ % 8];
	int k;
	switch (d) {
	case GOOD: reply(f, fr.seq, &status); break;
	case BAD_CRC:
		k = pp_msg_encode(&status, PP_CH_PUMP, fr.seq, 0, w, sizeof w);
		w[3] ^= 0x40;
		push(f, w, (size_t)k);
		break;
	case TRUNCATED:
		k = pp_msg_encode(&status, PP_CH_PUMP, fr.seq, 0, w, sizeof w);
		w[k - 6] = 0; /* delimiter early: the frame is cut short */
		push(f, w, (size_t)k - 5);
		break;
	case OVERSIZED:
		memset(w, 0x33, sizeof w - 1);
		w[sizeof w - 1] = 0;
		push(f, w, PP_MAX_WIRE); /* no delimiter in the first piece */
		push(f, w + PP_MAX_WIRE, sizeof w - PP_MAX_WIRE);
		break;
	case STALE_FIRST:
		reply(f, (uint16_t)(fr.seq - 1), &status);
		reply(f, fr.seq, &status);
		break;
	case SILENT: break;
	case NAK: {
		pp_msg nak = { .type = pp_type_nak };
		nak.u.nak.code = PP_NAK_NO_SESSION;
		reply(f, fr.seq, &nak);
		break;
	}
	case EVENT_TWICE: {
		pp_msg ev = { .type = pp_type_event };
		ev.u.event.evseq = 9;
		ev.u.event.code = PP_EV_ALARM_ON;
		ev.u.event.alarm = PP_ALARM_OCCLUSION;
		reply(f, 0, &ev);
		reply(f, 0, &ev);
		reply(f, fr.seq, &status);
		break;
	}
	}
	return PH_T_OK;
}

static int f_recv(ph_transport *t, int64_t deadline, ph_rx *rx)
{
	fake *f = (fake *)t;
	if (f->qn == 0) {
		if (f->now < deadline)
			f->now = deadline;
		return PH_T_TIMEOUT;
	}
	*rx = f->q[0];
	memmove(f->q, f->q + 1, (size_t)(--f->qn) * sizeof f->q[0]);
	return PH_T_OK;
}

static int64_t f_now(ph_transport *t)
{
	return ((fake *)t)->now;
}

static const ph_transport_ops fake_ops = { "fake", f_send, f_recv, f_now, NULL, NULL, NULL };

static int call_status(ph_link *l, pp_msg *out, ph_call_info *info)
{
	pp_msg req = { .type = pp_type_interrogate };
	return ph_link_call(l, PP_CH_PUMP, &req, out, info);
}

static void run_plan(enum damage first, int expect_ok, int expect_attempts, ph_link_stats *st)
{
	fake f = { .base.ops = &fake_ops };
	pp_msg out;
	ph_call_info info;
	for (int i = 0; i < 8; i++)
		f.plan[i] = GOOD;
	f.plan[0] = first;
	ph_link *l = ph_link_new(&f.base);
	int r = call_status(l, &out, &info);
	assert_int_equal(r, expect_ok ? PH_LINK_OK : PH_LINK_NAK);
	if (expect_ok) {
		assert_int_equal(out.type, pp_type_status);
		assert_int_equal(out.u.status.serial, 42);
	}
	assert_int_equal(info.attempts, expect_attempts);
	/* The link still works afterwards. */
	assert_int_equal(call_status(l, &out, NULL), PH_LINK_OK);
	*st = *ph_link_stats_get(l);
	ph_link_free(l);
}

static void test_bad_crc_is_counted_and_retried(void **state)
{
	ph_link_stats st;
	(void)state;
	run_plan(BAD_CRC, 1, 2, &st);
	assert_int_equal(st.bad_rx, 1);
	assert_int_equal(st.retries, 1);
}

static void test_truncated_frame_is_dropped(void **state)
{
	ph_link_stats st;
	(void)state;
	run_plan(TRUNCATED, 1, 2, &st);
	assert_true(st.bad_rx >= 1);
}

static void test_oversized_frame_is_dropped(void **state)
{
	ph_link_stats st;
	(void)state;
	run_plan(OVERSIZED, 1, 2, &st);
	assert_int_equal(st.retries, 1);
}

static void test_stale_reply_is_ignored(void **state)
{
	ph_link_stats st;
	(void)state;
	run_plan(STALE_FIRST, 1, 1, &st);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.retries, 0);
}

static void test_nak_surfaces(void **state)
{
	ph_link_stats st;
	(void)state;
	run_plan(NAK, 0, 1, &st);
	assert_int_equal(st.naks, 1);
}

static void test_silent_board_times_out_with_bounded_retries(void **state)
{
	fake f = { .base.ops = &fake_ops };
	pp_msg out;
	ph_call_info info;
	(void)state;
	for (int i = 0; i < 8; i++)
		f.plan[i] = SILENT;
	ph_link *l = ph_link_new(&f.base);
	ph_link_set_timing(l, 100 * 1000000LL, 2);
	assert_int_equal(call_status(l, &out, &info), PH_LINK_TIMEOUT);
	assert_int_equal(info.attempts, 3);
	assert_true(f.now == 300 * 1000000LL); /* three deadlines, no more */
	assert_int_equal(ph_link_stats_get(l)->timeouts, 1);
	ph_link_free(l);
}

static void test_duplicated_event_seen_once_and_acked(void **state)
{
	fake f = { .base.ops = &fake_ops };
	pp_msg out;
	ph_event ev;
	(void)state;
	f.plan[0] = EVENT_TWICE;
	ph_link *l = ph_link_new(&f.base);
	assert_int_equal(call_status(l, &out, NULL), PH_LINK_OK);
	assert_int_equal(f.acks, 2); /* every copy is acknowledged */
	assert_int_equal(ph_link_next_event(l, f.now, &ev), 1);
	assert_int_equal(ev.ev.alarm, PP_ALARM_OCCLUSION);
	assert_int_equal(ph_link_next_event(l, f.now + 1000, &ev), 0);
	assert_int_equal(ph_link_stats_get(l)->dup_events, 1);
	ph_link_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_crc_is_counted_and_retried),
		cmocka_unit_test(test_truncated_frame_is_dropped),
		cmocka_unit_test(test_oversized_frame_is_dropped),
		cmocka_unit_test(test_stale_reply_is_ignored),
		cmocka_unit_test(test_nak_surfaces),
		cmocka_unit_test(test_silent_board_times_out_with_bounded_retries),
		cmocka_unit_test(test_duplicated_event_seen_once_and_acked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
