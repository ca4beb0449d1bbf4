/*
 * db.h - the results store's database drivers: a declared table (in the
 * manner of libsigrok's drivers) that a history URL is looked up in.
 *
 * A driver speaks SQL with `?` placeholders and text parameters (NULL is
 * SQL NULL); the SQLite driver binds them as they are (column affinity
 * converts), the PostgreSQL driver numbers them $1.. and lets the server
 * infer their types.  Results come back as rows of strings.  Only history/
 * uses this header.
 */
#ifndef PH_HISTORY_DB_H
#define PH_HISTORY_DB_H

#ifndef PH_USES_HISTORY
#error "history/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>

/* Rows of a query: nrows x ncols strings (NULL for SQL NULL), row-major.
 * Owned by the caller: ph_db_rows_free. */
typedef struct ph_db_rows {
	size_t nrows, ncols;
	char **cell;
} ph_db_rows;

void ph_db_rows_free(ph_db_rows *r);
/* Cell (i, j), or NULL. */
const char *ph_db_cell(const ph_db_rows *r, size_t i, size_t j);

typedef struct ph_db ph_db;

/* Errors of exec: the statement broke a unique key (a row already stored),
 * or anything else. */
enum { PH_DB_OK = 0, PH_DB_ERR = -1, PH_DB_DUPLICATE = -2 };

typedef struct ph_db_driver {
	const char *name; /* "sqlite", "postgresql" */
	/* Is url this driver's?  Returns the connection text to open (a file
	 * path, a libpq conninfo) or NULL. */
	const char *(*match)(const char *url);
	/* Open (connect).  Returns the handle or NULL with one line in err. */
	void *(*open)(const char *target, char *err, size_t errlen);
	void (*close)(void *h);
	/* Run one statement with nparams text parameters; when out is not NULL
	 * the result rows go there.  Returns PH_DB_OK, PH_DB_DUPLICATE or
	 * PH_DB_ERR with one line in err. */
	int (*exec)(void *h, const char *sql, int nparams, const char *const *params,
	            ph_db_rows *out, char *err, size_t errlen);
	/* Start a write transaction that holds the writer's lock from its first
	 * statement (SQLite: BEGIN IMMEDIATE). */
	const char *begin_sql;
	/* Inside a transaction: serialise schema migrations between concurrent
	 * writers (PostgreSQL: an advisory lock); NULL when begin_sql already
	 * does. */
	const char *migration_lock_sql;
} ph_db_driver;

extern const ph_db_driver ph_db_sqlite;
extern const ph_db_driver ph_db_postgresql;

struct ph_db {
	const ph_db_driver *drv;
	void *h;
	char *url;
};

/* Open the database a history URL names (docs/history.md): "sqlite:PATH",
 * a path ending in .sqlite or .db, "postgresql://...", "postgres://...", or
 * a libpq conninfo ("host=... dbname=...").  Returns NULL with one line in
 * err. */
ph_db *ph_db_open(const char *url, char *err, size_t errlen);
void ph_db_close(ph_db *db);

int ph_db_exec(ph_db *db, const char *sql, int nparams, const char *const *params, ph_db_rows *out,
               char *err, size_t errlen);
int ph_db_begin(ph_db *db, char *err, size_t errlen);
int ph_db_commit(ph_db *db, char *err, size_t errlen);
void ph_db_rollback(ph_db *db);

#endif
