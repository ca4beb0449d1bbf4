/*
 * test_usb_select.c - pure parts of the USB code, no device: selector
 * parsing and matching, the descriptors and strings of the board's USB
 * shape, and the umockdev record of one plug.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "usb/usb_select.h"
#include "usb/usb_shape.h"
#include "usb/vusb.h"

static void test_parse_forms(void **state)
{
	ph_usb_selector s;
	char err[128];

	(void)state;
	assert_int_equal(ph_usb_selector_parse("", &s, err, sizeof err), 0);
	assert_int_equal(s.kind, PH_USB_SEL_ANY);
	assert_int_equal(ph_usb_selector_parse(NULL, &s, err, sizeof err), 0);
	assert_int_equal(s.kind, PH_USB_SEL_ANY);

	assert_int_equal(ph_usb_selector_parse("1209:0001", &s, err, sizeof err), 0);
	assert_int_equal(s.kind, PH_USB_SEL_VIDPID);
	assert_int_equal(s.vid, 0x1209);
	assert_int_equal(s.pid, 0x0001);
	assert_int_equal(ph_usb_selector_parse("abCD:1", &s, err, sizeof err), 0);
	assert_int_equal(s.vid, 0xabcd);
	assert_int_equal(s.pid, 1);

	assert_int_equal(ph_usb_selector_parse("3-2.4.1", &s, err, sizeof err), 0);
	assert_int_equal(s.kind, PH_USB_SEL_PATH);
	assert_int_equal(s.bus, 3);
	assert_int_equal(s.nports, 3);
	assert_int_equal(s.ports[0], 2);
	assert_int_equal(s.ports[2], 1);

	assert_int_equal(ph_usb_selector_parse("VB000001", &s, err, sizeof err), 0);
	assert_int_equal(s.kind, PH_USB_SEL_SERIAL);
	assert_string_equal(s.serial, "VB000001");
	/* serial= forces a serial that looks like a path */
	assert_int_equal(ph_usb_selector_parse("serial=1-2", &s, err, sizeof err), 0);
	assert_int_equal(s.kind, PH_USB_SEL_SERIAL);
	assert_string_equal(s.serial, "1-2");
}

static void test_parse_errors(void **state)
{
	static const char *bad[] = { "12345:1", "1209:",  ":1",   "12g9:0001", "0-1",
		                     "1-0",     "1-2..3", "1-2.", "256-1",     "1-1.1.1.1.1.1.1.1",
		                     "serial=" };
	ph_usb_selector s;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = 0;
		if (ph_usb_selector_parse(bad[i], &s, err, sizeof err) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(err[0] != 0);
	}
}

static void test_match(void **state)
{
	ph_usb_devinfo d = { .vid = 0x1209,
		             .pid = 1,
		             .serial = "VB000001",
		             .product = "pumphil virtual bench",
		             .bus = 1,
		             .ports = { 1 },
		             .nports = 1 };
	ph_usb_devinfo other = { .vid = 0x046d,
		                 .pid = 0xc52b,
		                 .product = "Receiver",
		                 .bus = 1,
		                 .ports = { 2 },
		                 .nports = 1 };
	ph_usb_devinfo foreign = { .vid = 0x1209, .pid = 0x2222, .product = "someone's gadget" };
	ph_usb_selector s;
	char err[64];

	(void)state;
	ph_usb_selector_parse("", &s, err, sizeof err);
	assert_true(ph_usb_selector_needs_strings(&s));
	assert_true(ph_usb_selector_match(&s, &d, 1));
	assert_false(ph_usb_selector_match(&s, &other, 0));  /* rejected before opening */
	assert_true(ph_usb_selector_match(&s, &foreign, 0)); /* must open to know */
	assert_false(ph_usb_selector_match(&s, &foreign, 1));

	ph_usb_selector_parse("VB000001", &s, err, sizeof err);
	assert_true(ph_usb_selector_match(&s, &d, 1));
	d.serial[7] = '2';
	assert_false(ph_usb_selector_match(&s, &d, 1));

	ph_usb_selector_parse("1209:0001", &s, err, sizeof err);
	assert_false(ph_usb_selector_needs_strings(&s));
	assert_true(ph_usb_selector_match(&s, &d, 0));
	assert_false(ph_usb_selector_match(&s, &foreign, 0));

	ph_usb_selector_parse("1-1", &s, err, sizeof err);
	assert_true(ph_usb_selector_match(&s, &d, 0));
	assert_false(ph_usb_selector_match(&s, &other, 0));
	ph_usb_selector_parse("1-1.1", &s, err, sizeof err);
	assert_false(ph_usb_selector_match(&s, &d, 0));
}

static void test_path_str_and_test_pid(void **state)
{
	const uint8_t ports[] = { 2, 4, 1 };
	char buf[32];

	(void)state;
	assert_string_equal(ph_usb_path_str(3, ports, 3, buf, sizeof buf), "3-2.4.1");
	assert_string_equal(ph_usb_path_str(1, ports, 1, buf, sizeof buf), "1-2");
	assert_true(ph_usb_is_test_pid(0x1209, 0x0001));
	assert_true(ph_usb_is_test_pid(0x1209, 0x0010));
	assert_false(ph_usb_is_test_pid(0x1209, 0x0011));
	assert_false(ph_usb_is_test_pid(0x1209, 0x0000));
	assert_false(ph_usb_is_test_pid(0x1d6b, 0x0001));
}

static void test_descriptors(void **state)
{
	uint8_t d[PH_USB_DESC_SIZE];
	const uint8_t *p, *end;
	int n = ph_usb_build_descriptors(0x0001, d, sizeof d), eps = 0, ifs = 0;

	(void)state;
	assert_int_equal(n, PH_USB_DESC_SIZE);
	assert_int_equal(ph_usb_build_descriptors(1, d, sizeof d - 1), -1);
	/* device */
	assert_int_equal(d[0], 18);
	assert_int_equal(d[1], 1);
	assert_int_equal(d[8] | d[9] << 8, 0x1209);
	assert_int_equal(d[10] | d[11] << 8, 0x0001);
	assert_int_equal(d[14], PH_USB_STR_MANUFACTURER);
	assert_int_equal(d[16], PH_USB_STR_SERIAL);
	/* configuration: total length covers the rest, two interfaces */
	p = d + 18;
	assert_int_equal(p[1], 2);
	assert_int_equal(p[2] | p[3] << 8, n - 18);
	assert_int_equal(p[4], 2);
	for (end = d + n; p < end; p += p[0]) {
		assert_true(p[0] >= 2 && p + p[0] <= end); /* descriptors chain exactly */
		if (p[1] == 4) {
			ifs++;
			assert_int_equal(p[5], 0xff); /* vendor class */
		} else if (p[1] == 5) {
			eps++;
			if (p[2] == PH_USB_EP_EVENT_IN) {
				assert_int_equal(p[3], 3); /* interrupt */
				assert_int_equal(p[6], 1); /* bInterval 1 ms */
			} else {
				assert_int_equal(p[3], 2); /* bulk */
			}
		}
	}
	assert_ptr_equal(p, end);
	assert_int_equal(ifs, 2);
	assert_int_equal(eps, 5);
}

static void test_strings(void **state)
{
	uint8_t s[64];

	(void)state;
	assert_int_equal(ph_usb_build_string(0, "p", "s", s, sizeof s), 4);
	assert_int_equal(s[2] | s[3] << 8, 0x0409);
	assert_int_equal(ph_usb_build_string(PH_USB_STR_SERIAL, "p", "VB1", s, sizeof s), 8);
	assert_int_equal(s[0], 8);
	assert_int_equal(s[1], 3);
	assert_memory_equal(s + 2, "V\0B\0001\0", 6);
	assert_int_equal(ph_usb_build_string(PH_USB_STR_MANUFACTURER, "p", "s", s, sizeof s),
	                 2 + 2 * (int)strlen(PH_USB_MANUFACTURER));
	assert_int_equal(ph_usb_build_string(9, "p", "s", s, sizeof s), -1);
	assert_int_equal(ph_usb_build_string(PH_USB_STR_PRODUCT, "long product", "s", s, 10), -1);
	assert_int_equal(ph_usb_in_index(PH_USB_EP_FIXTURE_IN), 2);
	assert_int_equal(ph_usb_in_index(0x84), -1);
	assert_int_equal(ph_usb_ep_channel(PH_USB_EP_EVENT_IN), 0);
	assert_int_equal(ph_usb_ep_channel(PH_USB_EP_FIXTURE_OUT), 1);
	assert_int_equal(ph_usb_out_ep(1), PH_USB_EP_FIXTURE_OUT);
	assert_int_equal(ph_usb_out_ep(2), 0);
}

static void test_record(void **state)
{
	char rec[2048];
	int n = ph_vusb_record(rec, sizeof rec, "1-1", 1, 3, 1, "pumphil virtual bench", "VB7");

	(void)state;
	assert_true(n > 0);
	assert_non_null(strstr(rec, "P: /devices/1-1\n"));
	assert_non_null(strstr(rec, "E: DEVNAME=/dev/bus/usb/001/003\n"));
	assert_non_null(strstr(rec, "A: busnum=1\\n\n"));
	assert_non_null(strstr(rec, "A: devnum=3\\n\n"));
	assert_non_null(strstr(rec, "A: dev=189:2\\n\n")); /* else remove leaves the node */
	assert_non_null(strstr(rec, "A: idVendor=1209\\n\n"));
	assert_non_null(strstr(rec, "A: serial=VB7\\n\n"));
	assert_non_null(strstr(rec, "H: descriptors=12010002"));
	assert_int_equal(ph_vusb_record(rec, 100, "1-1", 1, 3, 1, "p", "s"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms), cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_match),       cmocka_unit_test(test_path_str_and_test_pid),
		cmocka_unit_test(test_descriptors), cmocka_unit_test(test_strings),
		cmocka_unit_test(test_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
