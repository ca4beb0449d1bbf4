#!/bin/sh
# with-pg.sh CMD... - run CMD with a throwaway PostgreSQL server for the
# results-history tests: pg_virtualenv (postgresql-common) creates a
# temporary cluster on loopback, exports PGHOST/PGPORT/PGUSER/PGPASSWORD and
# drops it afterwards; PUMPHIL_TEST_PG is the conninfo the history tests
# read.  Without pg_virtualenv (or with PUMPHIL_TEST_PG already set) CMD runs
# as it is.
if [ -n "${PUMPHIL_TEST_PG:-}" ] || ! command -v pg_virtualenv >/dev/null 2>&1; then
	exec "$@"
fi
exec pg_virtualenv sh -c 'PUMPHIL_TEST_PG="host=$PGHOST port=$PGPORT user=$PGUSER password=$PGPASSWORD dbname=$PGDATABASE"
export PUMPHIL_TEST_PG
exec "$@"' with-pg "$@"
