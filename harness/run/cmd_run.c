/*
 * cmd_run.c - `pumphil run`: command-line parsing for the runner.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapters/board.h"
#include "base/cli.h"
#include "base/log.h"
#include "history/history.h"
#include "run/runner.h"
#include "usb/usb_preload.h"

static const char usage_line[] = "usage: pumphil run [--board sim|usb[:SEL]|virtual-usb] [--seed "
                                 "N] [--report DIR] [options] PATH...";

static void usage(FILE *out)
{
	fprintf(out, "%s\n\n", usage_line);
	fputs("Run the Lua test scripts under PATH (files, or folders searched for *.lua).\n\n"
	      "  --board B          sim (virtual bench, default), usb[:SERIAL|VID:PID|BUS-PORT],\n"
	      "                     virtual-usb (the virtual bench behind a umockdev USB device),\n"
	      "                     serial:PORT[@BAUD], virtual-serial[:ascii] (a pty)\n"
	      "  --adapter FILE     speak to the pump through the Lua adapter FILE on the\n"
	      "                     board's pump line (docs/adapters.md)\n"
	      "  --seed N           run seed (default 1); each test's seed derives from it\n"
	      "  --report DIR       write reports to DIR (default reports/<run-id>, and\n"
	      "                     reports/latest points at it)\n"
	      "  --no-report        write no report files\n"
	      "  --no-monitors      record only the frames the script causes, not the\n"
	      "                     board's continuous monitors (profile \"monitors\")\n"
	      "  --history URL      store the run in this results history: sqlite:PATH,\n"
	      "                     postgresql://... or a libpq conninfo (default\n"
	      "                     $PUMPHIL_HISTORY, else sqlite:reports/history.sqlite;\n"
	      "                     an unreachable one only warns, see docs/history.md)\n"
	      "  --no-history       store nothing in the history\n"
	      "  --profile P        bench profile name in fixtures/profiles or a path (reference)\n"
	      "  --fixtures DIR     fixtures folder (default $PUMPHIL_FIXTURES, ./fixtures, or "
	      "the\n"
	      "                     source tree's fixtures/)\n"
	      "  --list             list the selected tests and exit\n"
	      "  --tag T            run only tests tagged T (repeatable: any of them)\n"
	      "  --skip-tag T       never run tests tagged T (repeatable)\n"
	      "  --filter TEXT      run only tests whose 'suite / name' contains TEXT\n"
	      "  --repeat N         run every selected test N times\n"
	      "  --shard K/N        run the K-th of N deterministic shards\n"
	      "  -j, --jobs N       simulated benches in parallel (default 1; 0 = all cores)\n"
	      "  --timeout DUR      bench-time limit per test (default 200d)\n"
	      "  --time-scale K     virtual-usb only: the virtual board's clock runs K times\n"
	      "                     real time (1..100000, default 1), so hour-long suites\n"
	      "                     cross the USB path in minutes\n"
	      "  --wall-timeout DUR wall-time limit per test (default 120s on sim, 24h on a\n"
	      "                     real-time board, where waits take real time)\n"
	      "  --mem-cap MIB      Lua memory cap per script state (default 256)\n"
	      "  --fail-fast        start no more tests after the first that fails or errors\n"
	      "  --retry N          run a test that failed or errored again, up to N times;\n"
	      "                     a pass then is reported as flaky, with every attempt\n"
	      "  --rerun-failed RUN_DIR\n"
	      "                     run only the tests that failed or errored in RUN_DIR's\n"
	      "                     record (RUN_DIR/record.json), from the given PATHs\n"
	      "  -q, --quiet        print only failed tests, errors and the summary\n"
	      "  -v, --verbose      also each test's log and measurements, and the harness's\n"
	      "                     notes (-vv: debug notes)\n"
	      "  -h, --help         this help\n\n"
	      "Durations: a number with a unit: ms, s, min, h, d.\n"
	      "Exit status: 0 all passed, 1 a test failed or errored, 2 bad usage or bad\n"
	      "input (nothing ran), 3 the tests ran but their record or reports could not be\n"
	      "written (never read it as a pass).\n",
	      out);
}

static int bad(const char *fmt, const char *arg)
{
	return ph_usage_error("run", usage_line, fmt, arg);
}

/* "90s", "2h", "1.5d", "250ms" -> ns; -1 when malformed. */
static int64_t parse_duration(const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	double mul;
	if (errno || end == s || v < 0)
		return -1;
	if (!strcmp(end, "ms"))
		mul = 1e6;
	else if (!strcmp(end, "s"))
		mul = 1e9;
	else if (!strcmp(end, "min"))
		mul = 60e9;
	else if (!strcmp(end, "h"))
		mul = 3600e9;
	else if (!strcmp(end, "d"))
		mul = 86400e9;
	else
		return -1;
	if (v * mul > 9e18)
		return -1;
	return (int64_t)(v * mul);
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static char *join_argv(int argc, char **argv)
{
	size_t n = 1;
	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	char *s = calloc(1, n + 8);
	if (!s)
		return NULL;
	strcpy(s, "pumphil");
	for (int i = 0; i < argc; i++) {
		strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int ph_cmd_run(int argc, char **argv)
{
	enum {
		O_BOARD = 256,
		O_SEED,
		O_REPORT,
		O_NOREPORT,
		O_PROFILE,
		O_FIXTURES,
		O_LIST,
		O_TAG,
		O_SKIPTAG,
		O_FILTER,
		O_REPEAT,
		O_SHARD,
		O_TIMEOUT,
		O_WALL,
		O_MEM,
		O_FAILFAST,
		O_RERUN,
		O_RETRY,
		O_SCALE,
		O_HISTORY,
		O_NOHISTORY,
		O_ADAPTER,
		O_NOMON
	};
	static const struct option longopts[] = {
		{ "board", required_argument, NULL, O_BOARD },
		{ "adapter", required_argument, NULL, O_ADAPTER },
		{ "seed", required_argument, NULL, O_SEED },
		{ "report", required_argument, NULL, O_REPORT },
		{ "no-report", no_argument, NULL, O_NOREPORT },
		{ "no-monitors", no_argument, NULL, O_NOMON },
		{ "history", required_argument, NULL, O_HISTORY },
		{ "no-history", no_argument, NULL, O_NOHISTORY },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "fixtures", required_argument, NULL, O_FIXTURES },
		{ "list", no_argument, NULL, O_LIST },
		{ "tag", required_argument, NULL, O_TAG },
		{ "skip-tag", required_argument, NULL, O_SKIPTAG },
		{ "filter", required_argument, NULL, O_FILTER },
		{ "repeat", required_argument, NULL, O_REPEAT },
		{ "shard", required_argument, NULL, O_SHARD },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "wall-timeout", required_argument, NULL, O_WALL },
		{ "time-scale", required_argument, NULL, O_SCALE },
		{ "mem-cap", required_argument, NULL, O_MEM },
		{ "fail-fast", no_argument, NULL, O_FAILFAST },
		{ "rerun-failed", required_argument, NULL, O_RERUN },
		{ "retry", required_argument, NULL, O_RETRY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ph_run_opts o;
	const char *tags[64], *skip[64];
	char *line;
	long v;
	int c, status, no_history = 0;

	ph_run_opts_default(&o);
	o.history = ph_history_default_url();
	o.tags = tags;
	o.skip_tags = skip;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":j:hqv", longopts, NULL)) != -1) {
		switch (c) {
		case O_BOARD: o.board = optarg; break;
		case O_ADAPTER: o.adapter = optarg; break;
		case O_SEED: {
			char *end;
			errno = 0;
			unsigned long long s = strtoull(optarg, &end, 0);
			if (errno || *end || end == optarg)
				return bad("--seed: '%s' is not a number", optarg);
			o.seed = s;
			break;
		}
		case O_REPORT: o.report_dir = optarg; break;
		case O_NOREPORT: o.no_report = 1; break;
		case O_NOMON: o.no_monitors = 1; break;
		case O_HISTORY: o.history = optarg; break;
		case O_NOHISTORY: no_history = 1; break;
		case O_PROFILE: o.profile = optarg; break;
		case O_FIXTURES: o.fixtures_dir = optarg; break;
		case O_LIST: o.list = 1; break;
		case O_TAG:
			if (o.ntags == 64)
				return bad("%s: too many --tag options", "--tag");
			tags[o.ntags++] = optarg;
			break;
		case O_SKIPTAG:
			if (o.nskip_tags == 64)
				return bad("%s: too many --skip-tag options", "--skip-tag");
			skip[o.nskip_tags++] = optarg;
			break;
		case O_FILTER: o.filter = optarg; break;
		case O_REPEAT:
			if (parse_int(optarg, 1, 100000, &v) < 0)
				return bad("--repeat: '%s' is not 1..100000", optarg);
			o.repeat = (int)v;
			break;
		case O_SHARD: {
			int k, n, used = 0;
			if (sscanf(optarg, "%d/%d%n", &k, &n, &used) != 2 || optarg[used] ||
			    n < 1 || k < 1 || k > n)
				return bad("--shard: '%s' is not K/N with 1 <= K <= N", optarg);
			o.shard_k = k;
			o.shard_n = n;
			break;
		}
		case 'j':
			if (parse_int(optarg, 0, 64, &v) < 0)
				return bad("--jobs: '%s' is not 0..64", optarg);
			o.jobs = v ? (int)v : (int)sysconf(_SC_NPROCESSORS_ONLN);
			break;
		case O_TIMEOUT:
			if ((o.bench_timeout_ns = parse_duration(optarg)) <= 0)
				return bad("--timeout: '%s' is not a duration like 2h or 30d",
				           optarg);
			break;
		case O_WALL:
			if ((o.wall_timeout_ns = parse_duration(optarg)) <= 0)
				return bad("--wall-timeout: '%s' is not a duration like 30s",
				           optarg);
			o.wall_timeout_set = 1;
			break;
		case O_SCALE:
			if (parse_int(optarg, 1, 100000, &v) < 0)
				return bad("--time-scale: '%s' is not 1..100000", optarg);
			o.time_scale = (unsigned)v;
			break;
		case O_FAILFAST: o.fail_fast = 1; break;
		case O_RERUN: o.rerun_failed = optarg; break;
		case O_RETRY:
			if (parse_int(optarg, 0, 100, &v) < 0)
				return bad("--retry: '%s' is not 0..100", optarg);
			o.retries = (int)v;
			break;
		case O_MEM:
			if (parse_int(optarg, 1, 65536, &v) < 0)
				return bad("--mem-cap: '%s' is not 1..65536 MiB", optarg);
			o.mem_cap = (size_t)v << 20;
			break;
		case 'q': o.verbosity = -1; break;
		case 'v': o.verbosity = o.verbosity < 0 ? 1 : o.verbosity + 1; break;
		case 'h': usage(stdout); return 0;
		case ':': return bad("option '%s' needs a value", argv[optind - 1]);
		default: return bad("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return bad("%s", "no PATH given");
	if (no_history || ph_history_url_off(o.history))
		o.history = NULL;
	if (o.adapter && access(o.adapter, R_OK))
		return bad("--adapter: cannot read '%s'", o.adapter);
	if (o.time_scale > 1 && !(ph_board_flags_of(o.board) & PH_BOARD_TIME_SCALE))
		return bad("--time-scale: only the virtual board's clock can run fast (--board "
		           "virtual-usb), not %s's",
		           o.board);
	/* The virtual USB board needs umockdev's preload library in this
	 * process: re-execute under it now, before any thread exists. */
	if ((ph_board_flags_of(o.board) & PH_BOARD_PRELOAD) && ph_usb_ensure_preload(0, NULL) < 0)
		return 2;
	o.paths = (const char **)(argv + optind);
	o.npaths = argc - optind;
	line = join_argv(argc, argv);
	o.argv_line = line;
	ph_log_set_level(o.verbosity < 0    ? PH_LOG_ERROR
	                 : o.verbosity == 0 ? PH_LOG_NOTE
	                 : o.verbosity == 1 ? PH_LOG_INFO
	                                    : PH_LOG_DEBUG);
	status = ph_run(&o);
	free(line);
	return status;
}
