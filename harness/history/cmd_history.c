/*
 * cmd_history.c - `pumphil history`: import records, list runs, a test's
 * verdict history, a measurement's series (CSV), counts.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cli.h"
#include "history/history_priv.h"
#include "results/record.h"

static const char usage_line[] =
        "usage: pumphil history [--db URL] import RUN_DIR... | runs | verdicts TEST |\n"
        "       series MEASUREMENT [--test TEST] | stats   [--fw V] [--build G] [--bench B]\n"
        "       [--profile P] [--since DATE] [--until DATE] [--run ID]";

static void usage(FILE *out)
{
	fprintf(out, "%s\n\n", usage_line);
	fputs("The results history (docs/history.md).\n\n"
	      "  import RUN_DIR...   store runs from RUN_DIR/record.json (a run already\n"
	      "                      stored is left alone: importing twice is a no-op)\n"
	      "  runs                the stored runs, CSV\n"
	      "  verdicts TEST       a test's verdict in every run, CSV ('suite / name' or name)\n"
	      "  series MEASUREMENT  a measurement's values in every run, CSV\n"
	      "  stats               rows per table and the schema version\n\n"
	      "  --db URL            sqlite:PATH, postgresql://..., or a libpq conninfo\n"
	      "                      (default $PUMPHIL_HISTORY, else "
	      "sqlite:reports/history.sqlite)\n"
	      "  --test TEST         series: only this test's measurement\n"
	      "  --fw V              firmware version the board reported\n"
	      "  --build G           harness build (run.git; on sim it carries the firmware)\n"
	      "  --bench B           host/board, or a host\n"
	      "  --profile P         bench profile path or name\n"
	      "  --since/--until D   ISO date or time, inclusive\n"
	      "  --run ID            one run\n\n"
	      "Exit status: 0 done, 1 the store could not be read or written, 2 bad usage or\n"
	      "a bad record.\n",
	      out);
}

static int bad(const char *fmt, const char *arg)
{
	return ph_usage_error("history", usage_line, fmt, arg);
}

static int import_dirs(ph_history *h, char **dirs, int n)
{
	char path[4096], err[1024], key[512];
	struct stat st;
	int status = 0;

	for (int i = 0; i < n; i++) {
		if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
			snprintf(path, sizeof path, "%s/record.json", dirs[i]);
		else
			snprintf(path, sizeof path, "%s", dirs[i]);
		json_t *rec = ph_record_load(path, err, sizeof err);
		if (!rec) {
			fprintf(stderr, "pumphil history: %s\n", err);
			status = 2;
			continue;
		}
		ph_history_run_key(json_object_get(rec, "run"), key, sizeof key);
		int rc = ph_history_store(h, rec, dirs[i], err, sizeof err);
		const char *id =
		        json_string_value(json_object_get(json_object_get(rec, "run"), "id"));
		if (rc == 1)
			printf("imported %s (run %s)\n", dirs[i], id ? id : "?");
		else if (rc == 0)
			printf("%s: run %s is already in the history, not imported again\n",
			       dirs[i], id ? id : "?");
		else {
			fprintf(stderr, "pumphil history: %s: %s\n", dirs[i], err);
			if (!status)
				status = 1;
		}
		json_decref(rec);
	}
	return status;
}

/* Run sql (with the filter's conditions where "%s" is) and print the rows as
 * CSV under header. */
static int print_csv(ph_history *h, const char *header, const char *sql_fmt,
                     const ph_history_filter *f, const char **lead, int nlead)
{
	char where[2048] = "", sql[8192], buf[1024], err[1024];
	const char *p[24];
	int np = nlead;
	ph_db_rows r;

	for (int i = 0; i < nlead; i++)
		p[i] = lead[i];
	if (ph_history_filter_sql(f, where, sizeof where, p, &np, buf, sizeof buf) < 0)
		return bad("%s", "filters too long");
	snprintf(sql, sizeof sql, sql_fmt, where);
	if (ph_db_exec(ph_history_db(h), sql, np, p, &r, err, sizeof err) < 0) {
		fprintf(stderr, "pumphil history: %s\n", err);
		return 1;
	}
	printf("%s\n", header);
	for (size_t i = 0; i < r.nrows; i++) {
		for (size_t j = 0; j < r.ncols; j++) {
			if (j)
				putchar(',');
			ph_history_csv_field(stdout, ph_db_cell(&r, i, j));
		}
		putchar('\n');
	}
	ph_db_rows_free(&r);
	return 0;
}

static int stats(ph_history *h)
{
	static const char *const q[][2] = {
		{ "schema_version", "SELECT MAX(version) FROM ph_schema" },
		{ "runs", "SELECT COUNT(*) FROM runs" },
		{ "tests", "SELECT COUNT(*) FROM tests" },
		{ "measurements", "SELECT COUNT(*) FROM measurements" },
	};
	char err[1024];
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		ph_db_rows r;
		if (ph_db_exec(ph_history_db(h), q[i][1], 0, NULL, &r, err, sizeof err) < 0) {
			fprintf(stderr, "pumphil history: %s\n", err);
			return 1;
		}
		printf("%s %s\n", q[i][0], ph_db_cell(&r, 0, 0) ? ph_db_cell(&r, 0, 0) : "0");
		ph_db_rows_free(&r);
	}
	return 0;
}

int ph_cmd_history(int argc, char **argv)
{
	enum { O_DB = 256, O_TEST, O_FW, O_BUILD, O_BENCH, O_PROFILE, O_SINCE, O_UNTIL, O_RUN };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "test", required_argument, NULL, O_TEST },
		{ "fw", required_argument, NULL, O_FW },
		{ "build", required_argument, NULL, O_BUILD },
		{ "bench", required_argument, NULL, O_BENCH },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "run", required_argument, NULL, O_RUN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = ph_history_default_url(), *test = NULL;
	ph_history_filter f = { 0 };
	char err[1024];
	int c, status;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case O_DB: url = optarg; break;
		case O_TEST: test = optarg; break;
		case O_FW: f.fw = optarg; break;
		case O_BUILD: f.build = optarg; break;
		case O_BENCH: f.bench = optarg; break;
		case O_PROFILE: f.profile = optarg; break;
		case O_SINCE: f.since = optarg; break;
		case O_UNTIL: f.until = optarg; break;
		case O_RUN: f.run = optarg; break;
		case 'h': usage(stdout); return 0;
		case ':': return bad("option '%s' needs a value", argv[optind - 1]);
		default: return bad("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return bad("%s", "no command given");
	const char *cmd = argv[optind++];
	int nargs = argc - optind;
	char **args = argv + optind;
	int want = !strcmp(cmd, "import")                               ? -1
	           : !strcmp(cmd, "verdicts") || !strcmp(cmd, "series") ? 1
	           : !strcmp(cmd, "runs") || !strcmp(cmd, "stats")      ? 0
	                                                                : -2;
	if (want == -2)
		return bad("unknown command '%s'", cmd);
	if ((want == -1 && nargs < 1) || (want >= 0 && nargs != want))
		return bad("wrong number of arguments to '%s'", cmd);
	if (ph_history_url_off(url))
		return bad("%s", "no history database (PUMPHIL_HISTORY is off): give --db URL");
	ph_history *h = ph_history_open(url, err, sizeof err);
	if (!h) {
		fprintf(stderr, "pumphil history: %s\n", err);
		return 1;
	}
	if (!strcmp(cmd, "import"))
		status = import_dirs(h, args, nargs);
	else if (!strcmp(cmd, "stats"))
		status = stats(h);
	else if (!strcmp(cmd, "runs"))
		status =
		        print_csv(h,
		                  "run_id,started,bench,profile,seed,build,fw_version,tests,passed,"
		                  "failed,errors,skipped",
		                  "SELECT r.run_id, r.started, r.bench, r.profile, r.seed, r.git,"
		                  " r.fw_version, r.tests, r.passed, r.failed, r.errors, r.skipped"
		                  " FROM runs r WHERE EXISTS (SELECT 1 FROM tests t WHERE"
		                  " t.run_key = r.run_key%s) ORDER BY r.started,"
		                  " r.run_key",
		                  &f, NULL, 0);
	else if (!strcmp(cmd, "verdicts")) {
		const char *lead[2] = { args[0], args[0] };
		status = print_csv(h,
		                   "run_id,started,bench,profile,build,fw_version,test,repeat,seed,"
		                   "verdict,message",
		                   "SELECT r.run_id, r.started, r.bench, r.profile, r.git,"
		                   " t.fw_version, t.test_key, t.rep, t.seed, t.verdict, t.message"
		                   " FROM tests t JOIN runs r ON r.run_key = t.run_key"
		                   " WHERE (t.test_key = ? OR t.name = ?)%s"
		                   " ORDER BY r.started, r.run_key, t.idx",
		                   &f, lead, 2);
	} else {
		const char *lead[3] = { args[0], test, test };
		status = print_csv(
		        h,
		        "run_id,started,bench,profile,build,fw_version,test,repeat,value,unit,min,"
		        "max,"
		        "verdict",
		        test ? "SELECT r.run_id, r.started, r.bench, r.profile, r.git, "
		               "t.fw_version,"
		               " t.test_key, t.rep, m.value, m.unit, m.limit_min, m.limit_max,"
		               " m.verdict FROM measurements m JOIN tests t ON t.run_key = "
		               "m.run_key"
		               " AND t.idx = m.idx JOIN runs r ON r.run_key = m.run_key"
		               " WHERE m.name = ? AND (t.test_key = ? OR t.name = ?)%s"
		               " ORDER BY r.started, r.run_key, t.idx, m.m"
		             : "SELECT r.run_id, r.started, r.bench, r.profile, r.git, "
		               "t.fw_version,"
		               " t.test_key, t.rep, m.value, m.unit, m.limit_min, m.limit_max,"
		               " m.verdict FROM measurements m JOIN tests t ON t.run_key = "
		               "m.run_key"
		               " AND t.idx = m.idx JOIN runs r ON r.run_key = m.run_key"
		               " WHERE m.name = ?%s ORDER BY r.started, r.run_key, t.idx, m.m",
		        &f, lead, test ? 3 : 1);
	}
	ph_history_close(h);
	return status;
}
