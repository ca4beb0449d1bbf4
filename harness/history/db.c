/*
 * db.c - the driver table and what every driver shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history/db.h"

static const ph_db_driver *const drivers[] = { &ph_db_postgresql, &ph_db_sqlite, NULL };

void ph_db_rows_free(ph_db_rows *r)
{
	if (!r || !r->cell)
		return;
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cell[i]);
	free(r->cell);
	r->cell = NULL;
	r->nrows = r->ncols = 0;
}

const char *ph_db_cell(const ph_db_rows *r, size_t i, size_t j)
{
	if (i >= r->nrows || j >= r->ncols)
		return NULL;
	return r->cell[i * r->ncols + j];
}

ph_db *ph_db_open(const char *url, char *err, size_t errlen)
{
	for (const ph_db_driver *const *d = drivers; *d; d++) {
		const char *target = (*d)->match(url);
		if (!target)
			continue;
		void *h = (*d)->open(target, err, errlen);
		if (!h)
			return NULL;
		ph_db *db = calloc(1, sizeof *db);
		if (db)
			db->url = strdup(url);
		if (!db || !db->url) {
			(*d)->close(h);
			free(db);
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		db->drv = *d;
		db->h = h;
		return db;
	}
	snprintf(err, errlen,
	         "'%s' is not a history database: give sqlite:PATH, postgresql://... or a "
	         "libpq conninfo",
	         url);
	return NULL;
}

void ph_db_close(ph_db *db)
{
	if (!db)
		return;
	db->drv->close(db->h);
	free(db->url);
	free(db);
}

int ph_db_exec(ph_db *db, const char *sql, int nparams, const char *const *params, ph_db_rows *out,
               char *err, size_t errlen)
{
	return db->drv->exec(db->h, sql, nparams, params, out, err, errlen);
}

int ph_db_begin(ph_db *db, char *err, size_t errlen)
{
	return ph_db_exec(db, db->drv->begin_sql, 0, NULL, NULL, err, errlen);
}

int ph_db_commit(ph_db *db, char *err, size_t errlen)
{
	return ph_db_exec(db, "COMMIT", 0, NULL, NULL, err, errlen);
}

void ph_db_rollback(ph_db *db)
{
	char err[256];
	ph_db_exec(db, "ROLLBACK", 0, NULL, NULL, err, sizeof err);
}
