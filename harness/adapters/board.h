/*
 * board.h - the boards a --board string can name, as a declared table of
 * drivers (libsigrok's sr_dev_driver): each driver has a name, a
 * description, what it is (flags), and its functions; the harness finds a
 * driver by name and never switches on names itself.  A new board (or, with
 * the adapters to come, a new protocol) is one more driver in board.c's
 * list.
 *
 * A --board value is NAME or NAME:ARG ("sim", "usb:0001", "virtual-usb").
 */
#ifndef PH_BOARD_H
#define PH_BOARD_H

#ifndef PH_USES_ADAPTERS
#error "adapters/ is not a declared dependency of this part (harness/CMakeLists.txt)"
/* The pump's line for a Lua adapter on the board t was opened from, NULL
 * when the board has none. */
const char *ph_board_adapter_line(const char *board, ph_transport *t);

#endif

#include <stddef.h>
#include <stdint.h>

#include "bench.h"
#include "link/transport.h"

/* What a board is.  Flags, not names, decide how the runner treats it. */
enum ph_board_flags {
	/* Its clock is wall time: waits take real time, one test at a time
	 * (there is one board), a day-long wall-time limit per test. */
	PH_BOARD_REALTIME = 1u << 0,
	/* A real board: the fixture resets it to factory state before each
	 * test, and after a disconnection the runner waits for it to return. */
	PH_BOARD_PHYSICAL = 1u << 1,
	/* Needs umockdev's preload library in this process (virtual USB). */
	PH_BOARD_PRELOAD = 1u << 2,
	/* Its clock can run K times real time (--time-scale). */
	PH_BOARD_TIME_SCALE = 1u << 3,
};

/* What a driver's open gets besides its ARG. */
typedef struct ph_board_params {
	const bench_config *cfg; /* the virtual bench's configuration and seed */
	unsigned time_scale;     /* board seconds per real second (1) */
} ph_board_params;

typedef struct ph_board_driver {
	const char *name;        /* "sim" */
	const char *syntax;      /* "usb[:SERIAL|VID:PID|BUS-PORT]", for messages and --help */
	const char *description; /* one line */
	unsigned flags;          /* enum ph_board_flags */
	/* Check ARG (may be "" when none was given).  NULL: any ARG is an
	 * error.  Returns 0, or -1 with one line in err. */
	int (*check)(const char *arg, char *err, size_t errlen);
	/* Open the board for one test.  Blocks for enumeration at most (about
	 * a second).  Returns a transport (the caller closes it) or NULL with
	 * one line in err. */
	ph_transport *(*open)(const char *arg, const ph_board_params *p, char *err, size_t errlen);
	/* After the board went away: wait until it is back, at most timeout_ns.
	 * NULL: nothing to wait for.  Returns 0 when back, -1 if not. */
	int (*wait_back)(const char *arg, int64_t timeout_ns);
	/* The path of the pump's own line for a Lua adapter (--adapter) on a
	 * board opened as t, or NULL (NULL function: none). */
	const char *(*adapter_line)(ph_transport *t);
} ph_board_driver;

/* Every driver, NULL-terminated, in the order --help lists them. */
extern const ph_board_driver *const ph_board_drivers[];

/* The driver a --board value names, and its ARG ("" when none) in *arg.
 * Returns NULL when no driver has that name. */
const ph_board_driver *ph_board_find(const char *board, const char **arg);

/* Validate a --board value: a known driver and an ARG it accepts.  Returns
 * the driver, or NULL with one line in err naming the drivers. */
const ph_board_driver *ph_board_check(const char *board, char *err, size_t errlen);

/* The driver's flags for a --board value (0 when unknown). */
unsigned ph_board_flags_of(const char *board);

/* Open the board a --board value names for one test.  Returns NULL with a
 * message in err (unknown board, or the driver's own). */
ph_transport *ph_board_open(const char *board, const ph_board_params *p, char *err, size_t errlen);

/* After a board went away: wait until it is back (drivers that can), at
 * most timeout_ns.  Returns 0 when it is (or nothing to wait for), -1 if
 * not. */
int ph_board_wait_back(const char *board, int64_t timeout_ns);

/* The pump's line for a Lua adapter on the board t was opened from, NULL
 * when the board has none. */
const char *ph_board_adapter_line(const char *board, ph_transport *t);

#endif
