/*
 * db_pg.c - the PostgreSQL driver (libpq, the official client): one server
 * for a team with several benches and CI jobs writing at once.  Statements
 * are sent with PQexecParams, parameters as text ($1.. numbered here from
 * the drivers' common `?`), so nothing is ever spliced into SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "history/db.h"

static const char *pg_match(const char *url)
{
	if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
		return url;
	if (!strncmp(url, "pg:", 3))
		return url + 3;
	/* A conninfo of key=value words. */
	if (strchr(url, '=') && strncmp(url, "sqlite:", 7))
		return url;
	return NULL;
}

/* The first line of a libpq message, without its newline. */
static void one_line(char *err, size_t errlen, const char *prefix, const char *msg)
{
	snprintf(err, errlen, "%s%s", prefix, msg ? msg : "unknown error");
	err[strcspn(err, "\n")] = 0;
}

static void quiet_notice(void *arg, const char *message)
{
}

static void *pg_open(const char *conninfo, char *err, size_t errlen)
{
	/* A server that does not answer must not hold a run for long. */
	const char *keys[] = { "dbname", "connect_timeout", "application_name", NULL };
	const char *vals[] = { conninfo, "10", "pumphil", NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		one_line(err, errlen, "postgresql: ", c ? PQerrorMessage(c) : "out of memory");
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet_notice, NULL);
	return c;
}

static void pg_close(void *h)
{
	PQfinish(h);
}

/* sql with each `?` outside quotes numbered $1, $2, ...; malloc'd. */
static char *number_params(const char *sql)
{
	size_t n = strlen(sql), q = 0;
	for (const char *p = sql; *p; p++)
		q += *p == '?';
	char *out = malloc(n + q * 6 + 1), *o = out;
	int k = 0, quoted = 0;
	if (!out)
		return NULL;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (*p == '?' && !quoted)
			o += sprintf(o, "$%d", ++k);
		else
			*o++ = *p;
	}
	*o = 0;
	return out;
}

static int pg_exec(void *h, const char *sql, int nparams, const char *const *params,
                   ph_db_rows *out, char *err, size_t errlen)
{
	PGconn *c = h;
	char *numbered = nparams ? number_params(sql) : NULL;
	PGresult *r;
	int rc = PH_DB_OK;

	if (out)
		memset(out, 0, sizeof *out);
	if (nparams && !numbered) {
		snprintf(err, errlen, "out of memory");
		return PH_DB_ERR;
	}
	/* Without parameters a script of several statements may run at once
	 * (migrations); PQexecParams takes exactly one. */
	r = nparams ? PQexecParams(c, numbered, nparams, NULL, params, NULL, NULL, 0)
	            : PQexec(c, sql);
	free(numbered);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK) {
		/* no rows */
	} else if (st == PGRES_TUPLES_OK) {
		if (out) {
			size_t nr = (size_t)PQntuples(r), nc = (size_t)PQnfields(r);
			out->cell = calloc(nr * nc + 1, sizeof *out->cell);
			if (!out->cell) {
				snprintf(err, errlen, "out of memory");
				rc = PH_DB_ERR;
				goto done;
			}
			out->nrows = nr;
			out->ncols = nc;
			for (size_t i = 0; i < nr; i++)
				for (size_t j = 0; j < nc; j++)
					if (!PQgetisnull(r, (int)i, (int)j) &&
					    !(out->cell[i * nc + j] =
					              strdup(PQgetvalue(r, (int)i, (int)j)))) {
						snprintf(err, errlen, "out of memory");
						rc = PH_DB_ERR;
						goto done;
					}
		}
	} else {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		rc = state && !strcmp(state, "23505") ? PH_DB_DUPLICATE : PH_DB_ERR;
		one_line(err, errlen, "postgresql: ", PQerrorMessage(c));
	}
done:
	if (rc != PH_DB_OK && out)
		ph_db_rows_free(out);
	PQclear(r);
	return rc;
}

const ph_db_driver ph_db_postgresql = {
	.name = "postgresql",
	.match = pg_match,
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.begin_sql = "BEGIN",
	.migration_lock_sql = "SELECT pg_advisory_xact_lock(7249117)",
};
