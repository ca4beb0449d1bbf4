/*
 * bench_codec.c - codec throughput: encode + decode of a mix of frames on
 * one core (COBS, CRC-32, header, typed fields).  Target: >= 5 M frames/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "pp.h"

int main(void)
{
	pp_msg msgs[4];
	uint8_t wire[PP_MAX_WIRE];
	double v[7];
	const int N = getenv("BENCH_CODEC_N") ? atoi(getenv("BENCH_CODEC_N")) : 2000000;
	volatile uint32_t sink = 0;

	memset(msgs, 0, sizeof msgs);
	msgs[0].type = pp_type_interrogate;
	msgs[1].type = pp_type_status;
	msgs[1].u.status = (pp_status){ .fw_version = 0x000100,
		                        .serial = 100001,
		                        .mode = 1,
		                        .running = 1,
		                        .rate_nl_h = 20833,
		                        .reservoir_nl = 19500000,
		                        .delivered_nl = 500000 };
	msgs[2].type = pp_type_fx_state;
	msgs[2].u.fx_state =
	        (pp_fx_state){ .balance_ug = 499690, .pressure_pa = 1200, .supply_mv = 3600 };
	msgs[3].type = pp_type_bolus;
	msgs[3].u.bolus =
	        (pp_bolus){ .req_id = 7, .kind = 1, .amount_nl = 100000, .duration_s = 600 };
	for (int r = 0; r < 7; r++) {
		double t0 = bench_now_s();
		for (int i = 0; i < N; i++) {
			const pp_msg *m = &msgs[i & 3];
			uint8_t ch = m->type == pp_type_fx_state ? PP_CH_FIXTURE : PP_CH_PUMP;
			int n = pp_msg_encode(m, ch, (uint16_t)i, (uint64_t)i, wire, sizeof wire);
			pp_frame f;
			pp_msg out;
			if (n < 0 || pp_frame_decode(wire, (size_t)n - 1, &f) ||
			    pp_msg_unpack(&f, &out))
				return 1;
			sink += out.type;
		}
		v[r] = bench_now_s() - t0;
	}
	double med = bench_median(v, 7);
	printf("| codec encode+decode (mixed frames, 1 core) | %.2f M frames/s | median of 7 x %d "
	       "| target >= 5 M/s |\n",
	       N / med / 1e6, N);
	return sink == 0xffffffffu;
}
