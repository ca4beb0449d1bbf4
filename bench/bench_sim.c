/*
 * bench_sim.c - virtual-bench speed: 24 virtual hours of continuous delivery
 * through the whole harness path (sim transport, link, codec both ways,
 * firmware, fixture), with a balance reading every 30 virtual seconds as an
 * accuracy test would take.  Prints the median wall time of 11 runs.
 */
#include <stdio.h>
#include <string.h>

#include "bench_common.h"
#include "link/link.h"
#include "link/transport_sim.h"

static int call(ph_link *l, uint8_t ch, pp_msg *m)
{
	pp_msg reply;
	int r = ph_link_call(l, ch, m, &reply, NULL);
	if (r != PH_LINK_OK || (reply.type == pp_type_ack && reply.u.ack.result != 0)) {
		fprintf(stderr, "bench_sim: %s failed (%d)\n", pp_msg_desc_find(m->type)->name, r);
		return -1;
	}
	*m = reply;
	return 0;
}

static int one_day(double *wall, uint64_t *frames)
{
	bench_config cfg;
	bench_config_default(&cfg);
	ph_transport *t = ph_sim_open(&cfg);
	ph_link *l = ph_link_new(t);
	pp_msg m;
	int rc = -1;
	double t0 = bench_now_s();

	memset(&m, 0, sizeof m);
	m.type = pp_type_session_open;
	if (call(l, PP_CH_PUMP, &m))
		goto out;
	m = (pp_msg){ .type = pp_type_druglib_set };
	m.u.druglib_set = (pp_druglib_set){
		.drug_id = 1, .max_conc_ng_ml = 20000000, .soft_ug_day = 15000, .hard_ug_day = 20000
	};
	if (call(l, PP_CH_PUMP, &m))
		goto out;
	m = (pp_msg){ .type = pp_type_refill };
	m.u.refill = (pp_refill){ .volume_nl = 20000000, .drug_id = 1, .conc_ng_ml = 10000000 };
	if (call(l, PP_CH_PUMP, &m))
		goto out;
	m = (pp_msg){ .type = pp_type_rx_begin };
	m.u.rx_begin = (pp_rx_begin){
		.mode = 1, .drug_id = 1, .conc_ng_ml = 10000000, .rate_nl_h = 20833
	};
	pp_frame f = { 0 };
	pp_msg_pack(&m, &f);
	uint32_t crc = pp_crc32(0, f.payload, f.len);
	if (call(l, PP_CH_PUMP, &m))
		goto out;
	m = (pp_msg){ .type = pp_type_rx_commit };
	m.u.rx_commit.crc = crc;
	if (call(l, PP_CH_PUMP, &m))
		goto out;
	m = (pp_msg){ .type = pp_type_start };
	if (call(l, PP_CH_PUMP, &m))
		goto out;
	for (int64_t at = 30LL * 1000000000; at <= 86400LL * 1000000000; at += 30LL * 1000000000) {
		ph_link_run_until(l, at);
		m = (pp_msg){ .type = pp_type_fx_read };
		if (call(l, PP_CH_FIXTURE, &m))
			goto out;
	}
	*wall = bench_now_s() - t0;
	*frames = ph_link_stats_get(l)->tx + ph_link_stats_get(l)->rx;
	rc = 0;
out:
	ph_link_free(l);
	ph_transport_close(t);
	return rc;
}

int main(void)
{
	double v[11];
	uint64_t frames = 0;
	for (int i = 0; i < 11; i++)
		if (one_day(&v[i], &frames) < 0)
			return 1;
	double med = bench_median(v, 11);
	printf("| virtual bench: 24 h continuous delivery, %llu frames | median %.1f ms | %.0fx "
	       "real time | target < 500 ms |\n",
	       (unsigned long long)frames, med * 1e3, 86400.0 / med);
	return 0;
}
