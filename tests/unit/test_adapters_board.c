/* test_adapters_board.c - the board driver table: a --board value finds its
 * driver and ARG by name, an unknown name lists every driver, a driver that
 * takes no ARG refuses one, flags (not names) say what a board is, and every
 * driver in the list is complete. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "adapters/board.h"

static void finds_driver_and_arg(void **state)
{
	const char *arg = "unset";
	const ph_board_driver *d = ph_board_find("usb:1209:0001", &arg);
	assert_non_null(d);
	assert_string_equal(d->name, "usb");
	assert_string_equal(arg, "1209:0001");
	d = ph_board_find("sim", &arg);
	assert_non_null(d);
	assert_string_equal(d->name, "sim");
	assert_string_equal(arg, "");
	assert_null(ph_board_find("simulator", &arg));
	assert_null(ph_board_find("us", &arg));
}

static void unknown_board_lists_drivers(void **state)
{
	char err[256];
	assert_null(ph_board_check("floppy", err, sizeof err));
	for (const ph_board_driver *const *d = ph_board_drivers; *d; d++)
		assert_non_null(strstr(err, (*d)->syntax));
	assert_non_null(strstr(err, "'floppy'"));
}

static void arguments_checked_by_driver(void **state)
{
	char err[256];
	assert_null(ph_board_check("sim:3", err, sizeof err));
	assert_non_null(strstr(err, "unknown protocol '3'"));
	assert_non_null(ph_board_check("sim:ascii", err, sizeof err));
	assert_null(ph_board_check("virtual-usb:3", err, sizeof err));
	assert_non_null(strstr(err, "takes no argument"));
	assert_non_null(ph_board_check("serial:/dev/ttyACM0@9600", err, sizeof err));
	assert_null(ph_board_check("serial", err, sizeof err));
	assert_null(ph_board_check("serial:/dev/ttyACM0@7", err, sizeof err));
	assert_non_null(ph_board_check("virtual-serial:ascii", err, sizeof err));
	assert_null(ph_board_check("virtual-serial:morse", err, sizeof err));
	assert_null(ph_board_check("usb:zz:zz", err, sizeof err));
	assert_non_null(ph_board_check("usb:1209:0001", err, sizeof err));
	assert_non_null(ph_board_check("usb", err, sizeof err));
	assert_non_null(ph_board_check("virtual-usb", err, sizeof err));
}

static void flags_describe_boards(void **state)
{
	assert_int_equal(ph_board_flags_of("sim"), 0);
	assert_true(ph_board_flags_of("usb:x") & PH_BOARD_PHYSICAL);
	assert_true(ph_board_flags_of("usb") & PH_BOARD_REALTIME);
	assert_true(ph_board_flags_of("virtual-usb") & PH_BOARD_PRELOAD);
	assert_true(ph_board_flags_of("virtual-usb") & PH_BOARD_TIME_SCALE);
	assert_false(ph_board_flags_of("virtual-usb") & PH_BOARD_PHYSICAL);
	assert_int_equal(ph_board_flags_of("floppy"), 0);
}

static void drivers_are_complete(void **state)
{
	int n = 0;
	for (const ph_board_driver *const *d = ph_board_drivers; *d; d++, n++) {
		assert_non_null((*d)->name);
		assert_non_null((*d)->syntax);
		assert_non_null((*d)->description);
		assert_non_null((*d)->open);
		for (const ph_board_driver *const *e = d + 1; *e; e++)
			assert_string_not_equal((*d)->name, (*e)->name);
	}
	assert_true(n >= 3);
}

static void sim_opens_and_unknown_does_not(void **state)
{
	bench_config cfg;
	char err[256];
	bench_config_default(&cfg);
	ph_board_params p = { .cfg = &cfg, .time_scale = 1 };
	ph_transport *t = ph_board_open("sim", &p, err, sizeof err);
	assert_non_null(t);
	ph_transport_close(t);
	assert_null(ph_board_open("floppy", &p, err, sizeof err));
	assert_non_null(strstr(err, "unknown board"));
}

/* sim:ascii names the pty of its pump line for an adapter; sim has none. */
static void adapter_line_of_boards(void **state)
{
	bench_config cfg;
	char err[256];
	bench_config_default(&cfg);
	ph_board_params p = { .cfg = &cfg, .time_scale = 1 };
	ph_transport *t = ph_board_open("sim", &p, err, sizeof err);
	assert_null(ph_board_adapter_line("sim", t));
	ph_transport_close(t);
	t = ph_board_open("sim:ascii", &p, err, sizeof err);
	assert_non_null(t);
	const char *path = ph_board_adapter_line("sim:ascii", t);
	assert_non_null(path);
	assert_non_null(strstr(path, "/dev/pts/"));
	ph_transport_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_driver_and_arg),
		cmocka_unit_test(unknown_board_lists_drivers),
		cmocka_unit_test(arguments_checked_by_driver),
		cmocka_unit_test(flags_describe_boards),
		cmocka_unit_test(drivers_are_complete),
		cmocka_unit_test(sim_opens_and_unknown_does_not),
		cmocka_unit_test(adapter_line_of_boards),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
