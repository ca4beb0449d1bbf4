/*
 * bench_usb.c - round-trip latency over the virtual USB board: interrogate
 * -> status, 2000 times, through the unchanged libusb transport, the
 * umockdev usbfs emulation and the real bench running in real time.
 * Prints one row of the `make bench` table.  Re-executes itself under
 * libumockdev-preload.so.0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_common.h"
#include "link/transport.h"
#include "usb/usb_preload.h"
#include "usb/virtual_usb.h"

#define ROUND_TRIPS 2000
#define WARMUP 50

/* One exchange; seconds, or -1 on failure. */
static double round_trip(ph_transport *t, uint16_t seq)
{
	pp_msg m = { .type = pp_type_interrogate };
	uint8_t wire[PP_MAX_WIRE];
	double t0 = bench_now_s();
	int64_t end = ph_now(t) + 2000000000LL;
	int n = pp_msg_encode(&m, PP_CH_PUMP, seq, 0, wire, sizeof wire);
	pp_frame f;
	ph_rx rx;

	if (n <= 0 || ph_send(t, PP_CH_PUMP, wire, (size_t)n) != PH_T_OK)
		return -1;
	while (ph_recv(t, end, &rx) == PH_T_OK)
		if (pp_frame_decode(rx.wire, rx.n - 1u, &f) == PP_OK && f.type == pp_type_status &&
		    f.seq == seq)
			return bench_now_s() - t0;
	return -1;
}

int main(int argc, char **argv)
{
	static double rtt[ROUND_TRIPS];
	bench_config cfg;
	char err[256];
	ph_transport *t;

	if (ph_usb_ensure_preload(argc, argv))
		return 1;
	bench_config_default(&cfg);
	t = ph_virtual_usb_open(&cfg, 1, err, sizeof err);
	if (!t) {
		fprintf(stderr, "bench_usb: %s\n", err);
		return 1;
	}
	for (int i = 0; i < WARMUP + ROUND_TRIPS; i++) {
		double r = round_trip(t, (uint16_t)(i + 1));
		if (r < 0) {
			fprintf(stderr, "bench_usb: round trip %d failed\n", i);
			ph_transport_close(t);
			return 1;
		}
		if (i >= WARMUP)
			rtt[i - WARMUP] = r;
	}
	ph_transport_close(t);
	bench_median(rtt, ROUND_TRIPS); /* sorts */
	printf("| usb round trip (virtual) | p50 %.0f us | p99 %.0f us | %d x interrogate -> "
	       "status "
	       "through libusb + umockdev, bench in real time |\n",
	       bench_pct(rtt, ROUND_TRIPS, 50) * 1e6, bench_pct(rtt, ROUND_TRIPS, 99) * 1e6,
	       ROUND_TRIPS);
	return 0;
}
