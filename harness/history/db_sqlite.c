/*
 * db_sqlite.c - the SQLite driver: the default store, a file, nothing to set
 * up.  Several writers (benches on one host, parallel CI jobs) share it
 * through WAL and a busy timeout; a write transaction takes the writer's
 * lock at BEGIN IMMEDIATE, so two writers queue instead of deadlocking.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/fs.h"
#include "history/db.h"

#define BUSY_TIMEOUT_MS 60000

static const char *sq_match(const char *url)
{
	size_t n = strlen(url);
	if (!strncmp(url, "sqlite://", 9))
		return url + 9;
	if (!strncmp(url, "sqlite:", 7))
		return url + 7;
	if ((n > 7 && !strcmp(url + n - 7, ".sqlite")) || (n > 3 && !strcmp(url + n - 3, ".db")))
		return strchr(url, '=') ? NULL : url;
	return NULL;
}

/* The folder of path, created (reports/ may not exist yet). */
static void make_parent(const char *path)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = 0;
	ph_mkdirs(dir);
}

static void *sq_open(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	if (!*path) {
		snprintf(err, errlen, "sqlite: no file name");
		return NULL;
	}
	make_parent(path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	/* WAL: readers do not block the writer; NORMAL sync is durable at
	 * checkpoints and safe against corruption.  Foreign keys on. */
	if (sqlite3_exec(db,
	                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
	                 "PRAGMA foreign_keys=ON;",
	                 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		goto fail;
	}
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

static void sq_close(void *h)
{
	sqlite3_close(h);
}

static int collect(sqlite3_stmt *st, ph_db_rows *out, size_t *cap)
{
	size_t nc = (size_t)sqlite3_column_count(st);
	out->ncols = nc;
	if ((out->nrows + 1) * nc > *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		while (ncap < (out->nrows + 1) * nc)
			ncap *= 2;
		char **c = realloc(out->cell, ncap * sizeof *c);
		if (!c)
			return -1;
		out->cell = c;
		*cap = ncap;
	}
	for (size_t j = 0; j < nc; j++) {
		const unsigned char *v = sqlite3_column_text(st, (int)j);
		char *s = v ? strdup((const char *)v) : NULL;
		if (v && !s)
			return -1;
		out->cell[out->nrows * nc + j] = s;
	}
	out->nrows++;
	return 0;
}

static int sq_exec(void *h, const char *sql, int nparams, const char *const *params,
                   ph_db_rows *out, char *err, size_t errlen)
{
	sqlite3 *db = h;
	sqlite3_stmt *st = NULL;
	const char *tail = sql;
	size_t cap = 0;
	int rc = PH_DB_OK, used = 0;

	if (out)
		memset(out, 0, sizeof *out);
	/* A script of several statements without parameters (migrations). */
	while (tail && *tail) {
		if (sqlite3_prepare_v2(db, tail, -1, &st, &tail) != SQLITE_OK)
			goto sqlerr;
		if (!st)
			break;
		int n = sqlite3_bind_parameter_count(st);
		for (int i = 0; i < n; i++) {
			const char *v = used + i < nparams ? params[used + i] : NULL;
			int b = v ? sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT)
			          : sqlite3_bind_null(st, i + 1);
			if (b != SQLITE_OK)
				goto sqlerr;
		}
		used += n;
		int s;
		while ((s = sqlite3_step(st)) == SQLITE_ROW)
			if (out && collect(st, out, &cap) < 0) {
				snprintf(err, errlen, "out of memory");
				rc = PH_DB_ERR;
				goto done;
			}
		if (s != SQLITE_DONE)
			goto sqlerr;
		sqlite3_finalize(st);
		st = NULL;
	}
	return PH_DB_OK;
sqlerr:
	rc = sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE ||
	                     sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY
	             ? PH_DB_DUPLICATE
	             : PH_DB_ERR;
	snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
done:
	sqlite3_finalize(st);
	if (out)
		ph_db_rows_free(out);
	return rc;
}

const ph_db_driver ph_db_sqlite = {
	.name = "sqlite",
	.match = sq_match,
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.begin_sql = "BEGIN IMMEDIATE",
	.migration_lock_sql = NULL,
};
