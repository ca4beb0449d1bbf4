/*
 * board_cli.c - `pumphil board`: serve the virtual bench as a USB device
 * (--usb) or on a pseudo-terminal (--pty), or check that a board answers (--ping).
 *
 * --usb runs until SIGINT/SIGTERM or "quit" on stdin.  SIGUSR1 or
 * "unplug" pulls the plug, SIGUSR2 or "replug" plugs it back.  Signal
 * handlers only set flags; the main loop waits in ppoll() with the signals
 * unblocked only there, so no flag is missed and no other thread sees them.
 */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "link/profile.h"
#include "serial/virtual_serial.h"
#include "usb/transport_usb.h"
#include "usb/usb_preload.h"
#include "usb/virtual_usb.h"
#include "usb/vusb.h"

static const char usage_line[] =
        "usage: pumphil board --usb [--serial S] [--seed N] [--profile P] [--fixtures DIR]\n"
        "       pumphil board --pty [--seed N] [--profile P] [--fixtures DIR]\n"
        "       pumphil board --ping [SELECTOR] [--count N]\n"
        "       pumphil board --monitor [SELECTOR] [--for SECONDS]";

static void usage(FILE *out)
{
	fprintf(out, "%s\n\n", usage_line);
	fputs("--usb: run the virtual bench (reference firmware + fixture) in real time behind\n"
	      "a USB device emulated with umockdev, until SIGINT/SIGTERM.  Prints the\n"
	      "environment a client needs, as shell lines:\n"
	      "    export UMOCKDEV_DIR=...   export LD_PRELOAD=...\n"
	      "then, in another shell with that environment: pumphil run --board usb ...\n\n"
	      "  --serial S     USB serial string (default VB + the profile's serial, 6 digits)\n"
	      "  --seed N       bench seed (default 1)\n"
	      "  --profile P    bench profile (default: built-in reference values)\n"
	      "  --fixtures DIR fixtures folder for --profile (default fixtures)\n"
	      "Control: SIGUSR1 or 'unplug' on stdin pulls the plug; SIGUSR2 or 'replug'\n"
	      "plugs it back (new device number); 'status' prints counters; 'quit' ends.\n\n"
	      "--pty: run the virtual bench on a pseudo-terminal, speaking pumphil's protocol\n"
	      "framed for a serial line; prints the pty's path (one line), then serves until\n"
	      "SIGINT/SIGTERM or 'quit' on stdin; 'hangup' closes the pty (its clients see the\n"
	      "port vanish).  Client, in another shell: pumphil run --board serial:PATH ...\n\n"
	      "--ping [SELECTOR]: open the usb board (\"\", SERIAL, VID:PID or BUS-PORT),\n"
	      "send interrogate N times (default 10), print the board and round-trip times.\n\n"
	      "--monitor [SELECTOR]: open the usb board and print every frame it sends\n"
	      "(unsolicited events included) for SECONDS (default 10), or until SIGINT.\n"
	      "Exit status: 0 success, 1 no board or no answer, 2 bad usage.\n",
	      out);
}

typedef struct board_opts {
	int usb, pty, ping, monitor, count, seconds;
	const char *serial, *profile, *fixtures, *selector;
	unsigned long long seed;
} board_opts;

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "pumphil board: %s '%s'\n%s\n", what, arg ? arg : "", usage_line);
	return 2;
}

/* 0 parsed, 1 --help shown, 2 bad usage. */
static int parse(int argc, char **argv, board_opts *o)
{
	enum {
		O_USB = 256,
		O_PING,
		O_MONITOR,
		O_FOR,
		O_SERIAL,
		O_SEED,
		O_PROFILE,
		O_FIXTURES,
		O_COUNT,
		O_PTY
	};
	static const struct option lo[] = {
		{ "usb", no_argument, NULL, O_USB },
		{ "ping", no_argument, NULL, O_PING },
		{ "serial", required_argument, NULL, O_SERIAL },
		{ "seed", required_argument, NULL, O_SEED },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "fixtures", required_argument, NULL, O_FIXTURES },
		{ "count", required_argument, NULL, O_COUNT },
		{ "help", no_argument, NULL, 'h' },
		{ "monitor", no_argument, NULL, O_MONITOR },
		{ "for", required_argument, NULL, O_FOR },
		{ "pty", no_argument, NULL, O_PTY },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	*o = (board_opts){ .count = 10, .seconds = 10, .fixtures = "fixtures", .seed = 1 };
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_USB: o->usb = 1; break;
		case O_PTY: o->pty = 1; break;
		case O_PING: o->ping = 1; break;
		case O_MONITOR: o->monitor = 1; break;
		case O_FOR:
			o->seconds = (int)strtol(optarg, &end, 10);
			if (end == optarg || *end || o->seconds < 1 || o->seconds > 86400 * 365)
				return bad("bad --for", optarg);
			break;
		case O_SERIAL: o->serial = optarg; break;
		case O_PROFILE: o->profile = optarg; break;
		case O_FIXTURES: o->fixtures = optarg; break;
		case O_SEED:
			errno = 0;
			o->seed = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end)
				return bad("bad --seed", optarg);
			break;
		case O_COUNT:
			o->count = (int)strtol(optarg, &end, 10);
			if (end == optarg || *end || o->count < 1 || o->count > 1000000)
				return bad("bad --count", optarg);
			break;
		case 'h': usage(stdout); return 1;
		default: return bad("bad option", argv[optind - 1]);
		}
	}
	if (o->usb + o->pty + o->ping + o->monitor != 1)
		return bad("give exactly one of --usb, --pty, --ping or --monitor", NULL);
	if (!o->usb && !o->pty && optind < argc)
		o->selector = argv[optind++];
	if (optind < argc)
		return bad("unexpected argument", argv[optind]);
	if (o->serial && (!*o->serial || strlen(o->serial) > PH_USB_SERIAL_MAX))
		return bad("bad --serial (1-32 characters)", o->serial);
	return 0;
}

/* ---- --usb ---- */

static volatile sig_atomic_t sig_quit, sig_unplug, sig_replug;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		sig_unplug = 1;
	else if (sig == SIGUSR2)
		sig_replug = 1;
	else
		sig_quit = 1;
}

/* Block our signals in this thread (and every thread created after), install
 * the flag-setting handlers; *waitmask is the mask to wait with. */
static void signals_setup(sigset_t *waitmask)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGUSR1, SIGUSR2 };
	struct sigaction sa;
	sigset_t block;

	sigemptyset(&block);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&block, sigs[i]);
	pthread_sigmask(SIG_BLOCK, &block, waitmask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigdelset(waitmask, sigs[i]);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed stdout must not kill the board */
}

static int load_config(const board_opts *o, bench_config *cfg)
{
	char err[512];
	json_t *j;

	bench_config_default(cfg);
	if (o->profile) {
		j = ph_profile_load(o->profile, o->fixtures, cfg, err, sizeof err);
		if (!j) {
			ph_log_error("pumphil board: %s", err);
			return 2;
		}
		json_decref(j);
	}
	cfg->seed = o->seed;
	return 0;
}

static void print_env(ph_vusb *v)
{
	char pre[1024];

	printf("export UMOCKDEV_DIR=%s\n", ph_vusb_root(v));
	printf("export LD_PRELOAD='%s'\n", ph_usb_preload_value(pre, sizeof pre));
	fflush(stdout);
}

static void print_status(ph_vusb *v, const char *what)
{
	ph_vusb_stats st;
	unsigned bus, dev;

	ph_vusb_get_stats(v, &st);
	ph_vusb_address(v, &bus, &dev);
	fprintf(stderr,
	        "pumphil board: %s: %s %s bus %03u device %03u; %llu URBs, %llu bytes out, "
	        "%llu bytes in, %llu dropped\n",
	        what, ph_vusb_serial(v), ph_vusb_plugged(v) ? "plugged as" : "unplugged, last", bus,
	        dev, (unsigned long long)st.urbs_submitted, (unsigned long long)st.bytes_out,
	        (unsigned long long)st.bytes_in, (unsigned long long)st.in_overflow);
}

static void do_replug(ph_vusb *v)
{
	char err[256];

	if (ph_vusb_plug(v, err, sizeof err))
		ph_log_error("pumphil board: %s", err);
	else
		print_status(v, "replugged");
}

/* One stdin line; returns 1 to quit.  *eof is set when stdin ends (the
 * board keeps running: it may have been started with </dev/null). */
static int stdin_command(ph_vusb *v, int *eof)
{
	char line[128];

	if (!fgets(line, sizeof line, stdin)) {
		*eof = 1;
		return 0;
	}
	line[strcspn(line, "\r\n")] = 0;
	if (!strcmp(line, "quit"))
		return 1;
	if (!strcmp(line, "unplug")) {
		ph_vusb_unplug(v);
		print_status(v, "unplugged");
	} else if (!strcmp(line, "replug")) {
		do_replug(v);
	} else if (!strcmp(line, "status")) {
		print_status(v, "status");
	} else if (line[0]) {
		fprintf(stderr,
		        "pumphil board: unknown command '%s' (unplug, replug, status, quit)\n",
		        line);
	}
	return 0;
}

static void serve(ph_vusb *v, const sigset_t *waitmask)
{
	int eof = 0;

	setvbuf(stdin, NULL, _IOLBF, 0);
	while (!sig_quit) {
		struct pollfd pfd = { .fd = eof ? -1 : STDIN_FILENO, .events = POLLIN };
		struct timespec ts = { 1, 0 };
		int r = ppoll(&pfd, 1, &ts, waitmask);

		if (sig_unplug) {
			sig_unplug = 0;
			ph_vusb_unplug(v);
			print_status(v, "unplugged");
		}
		if (sig_replug) {
			sig_replug = 0;
			do_replug(v);
		}
		if (r > 0 && (pfd.revents & (POLLIN | POLLHUP)) && stdin_command(v, &eof))
			break;
		if (r > 0 && (pfd.revents & POLLNVAL))
			eof = 1;
	}
}

static int run_usb(const board_opts *o)
{
	ph_vusb_config vc = { .board = &ph_vusb_bench_ops };
	bench_config cfg;
	sigset_t waitmask;
	char err[512];
	ph_vusb *v;
	int r;

	if (ph_usb_ensure_preload(0, NULL))
		return 1;
	r = load_config(o, &cfg);
	if (r)
		return r;
	signals_setup(&waitmask); /* before any thread exists */
	vc.board_arg = &cfg;
	if (o->serial)
		snprintf(vc.serial, sizeof vc.serial, "%s", o->serial);
	else
		ph_virtual_usb_serial(&cfg, vc.serial, sizeof vc.serial);
	v = ph_vusb_new(&vc, err, sizeof err);
	if (!v || ph_vusb_plug(v, err, sizeof err)) {
		ph_log_error("pumphil board: %s", err);
		ph_vusb_free(v);
		return 1;
	}
	print_env(v);
	print_status(v, "ready");
	serve(v, &waitmask);
	print_status(v, "stopping");
	ph_vusb_free(v);
	return 0;
}

/* ---- --pty ---- */

static int run_pty(const board_opts *o)
{
	bench_config cfg;
	sigset_t waitmask;
	int r = load_config(o, &cfg);

	if (r)
		return r;
	signals_setup(&waitmask); /* before the board thread exists */
	return ph_vserial_serve(&cfg, 1, &sig_quit, &waitmask);
}

/* ---- --ping ---- */

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One interrogate -> status exchange; returns the round trip in ns or -1. */
static int64_t ping_once(ph_transport *t, uint16_t seq)
{
	uint8_t wire[PP_MAX_WIRE];
	pp_msg m = { .type = pp_type_interrogate };
	int64_t t0 = mono_ns(), end = t0 + 2000000000LL;
	pp_frame f;
	ph_rx rx;
	int n = pp_msg_encode(&m, PP_CH_PUMP, seq, 0, wire, sizeof wire);

	if (n <= 0 || ph_send(t, PP_CH_PUMP, wire, (size_t)n) != PH_T_OK)
		return -1;
	while (ph_recv(t, end, &rx) == PH_T_OK)
		if (pp_frame_decode(rx.wire, rx.n - 1u, &f) == PP_OK && f.type == pp_type_status &&
		    f.seq == seq)
			return mono_ns() - t0;
	return -1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int run_ping(const board_opts *o)
{
	char err[512], desc[256];
	ph_transport *t = ph_usb_open(o->selector, err, sizeof err);
	int64_t *rtt;
	int ok = 0;

	if (!t) {
		ph_log_error("pumphil board: %s", err);
		return 1;
	}
	rtt = calloc((size_t)o->count, sizeof *rtt);
	t->ops->describe(t, desc, sizeof desc);
	printf("%s\n", desc);
	for (int i = 0; rtt && i < o->count; i++) {
		int64_t r = ping_once(t, (uint16_t)(i + 1));
		if (r < 0)
			break;
		rtt[ok++] = r;
	}
	if (ok) {
		qsort(rtt, (size_t)ok, sizeof *rtt, cmp_i64);
		printf("%d/%d interrogate -> status, round trip p50 %.0f us, max %.0f us\n", ok,
		       o->count, (double)rtt[ok / 2] / 1e3, (double)rtt[ok - 1] / 1e3);
	} else {
		printf("no answer\n");
	}
	free(rtt);
	ph_transport_close(t);
	return ok == o->count ? 0 : 1;
}

/* ---- --monitor ---- */

static void print_frame(const ph_rx *rx, int64_t t0)
{
	pp_frame f;
	const pp_msg_desc *d;
	int r = pp_frame_decode(rx->wire, rx->n - 1u, &f);

	if (r != PP_OK) {
		printf("+%.3f s %s: undecodable frame (%s), %u bytes\n",
		       (double)(rx->t_ns - t0) / 1e9, rx->channel ? "fixture" : "pump",
		       pp_strerror(r), (unsigned)rx->n);
		return;
	}
	d = pp_msg_desc_find(f.type);
	printf("+%.3f s %s: %s seq %u board %.3f s\n", (double)(rx->t_ns - t0) / 1e9,
	       rx->channel ? "fixture" : "pump", d ? d->name : "?", (unsigned)f.seq,
	       (double)f.board_us / 1e6);
}

static int run_monitor(const board_opts *o)
{
	char err[512], desc[256];
	ph_transport *t = ph_usb_open(o->selector, err, sizeof err);
	int64_t t0, end;
	sigset_t waitmask;
	ph_rx rx;
	int r = PH_T_OK;

	if (!t) {
		ph_log_error("pumphil board: %s", err);
		return 1;
	}
	signals_setup(&waitmask);
	pthread_sigmask(SIG_SETMASK, &waitmask, NULL); /* no ppoll here: let them in */
	t->ops->describe(t, desc, sizeof desc);
	printf("%s\n", desc);
	fflush(stdout);
	t0 = ph_now(t);
	end = t0 + (int64_t)o->seconds * 1000000000LL;
	while (!sig_quit && ph_now(t) < end) {
		int64_t step = ph_now(t) + 200000000LL; /* re-check the quit flag */
		r = ph_recv(t, step < end ? step : end, &rx);
		if (r == PH_T_OK) {
			print_frame(&rx, t0);
			fflush(stdout);
		} else if (r != PH_T_TIMEOUT) {
			printf("board gone (%s)\n", r == PH_T_NO_DEVICE ? "no device" : "error");
			break;
		}
	}
	ph_transport_close(t);
	return r == PH_T_OK || r == PH_T_TIMEOUT ? 0 : 1;
}

int ph_cmd_board(int argc, char **argv)
{
	board_opts o;
	int r = parse(argc, argv, &o);

	if (r)
		return r == 1 ? 0 : r;
	if (o.usb)
		return run_usb(&o);
	if (o.pty)
		return run_pty(&o);
	return o.ping ? run_ping(&o) : run_monitor(&o);
}
