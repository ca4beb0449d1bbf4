/*
 * board.c - the board drivers (see board.h) and the lookup by name.
 */
#include "adapters/board.h"

#include <stdio.h>
#include <string.h>

#include "link/transport_sim.h"
#include "serial/serial_port.h"
#include "serial/transport_serial.h"
#include "serial/virtual_serial.h"
#include "serial/vserial_lock.h"
#include "usb/transport_usb.h"
#include "usb/usb_select.h"
#include "usb/virtual_usb.h"

/* ---- sim: the virtual bench in process, on the virtual clock ---- */

static int sim_check(const char *arg, char *err, size_t errlen)
{
	if (!*arg || !strcmp(arg, "ascii"))
		return 0;
	snprintf(err, errlen, "sim: unknown protocol '%s' (sim[:ascii])", arg);
	return -1;
}

static ph_transport *sim_open(const char *arg, const ph_board_params *p, char *err, size_t errlen)
{
	if (*arg)
		return ph_vlock_open(p->cfg, err, errlen);
	ph_transport *t = ph_sim_open(p->cfg);
	if (!t)
		snprintf(err, errlen, "cannot create the virtual bench: out of memory");
	return t;
}

static const char *sim_adapter_line(ph_transport *t)
{
	return ph_vlock_pump_path(t);
}

static const ph_board_driver sim_driver = {
	.name = "sim",
	.syntax = "sim[:ascii]",
	.description = "the virtual bench in process, on a virtual clock (default); :ascii puts "
	               "the pump's ASCII command set on a pty for a Lua adapter, in lock-step",
	.check = sim_check,
	.open = sim_open,
	.adapter_line = sim_adapter_line,
};

/* ---- virtual-usb: the virtual bench behind a umockdev USB device ---- */

static ph_transport *vusb_open(const char *arg, const ph_board_params *p, char *err, size_t errlen)
{
	return ph_virtual_usb_open(p->cfg, p->time_scale, err, errlen);
}

static const ph_board_driver virtual_usb_driver = {
	.name = "virtual-usb",
	.syntax = "virtual-usb",
	.description = "the virtual bench behind a umockdev USB device, through libusb",
	.flags = PH_BOARD_REALTIME | PH_BOARD_PRELOAD | PH_BOARD_TIME_SCALE,
	.open = vusb_open,
};

/* ---- usb: a real (or separately served) board ---- */

static int usb_check(const char *arg, char *err, size_t errlen)
{
	ph_usb_selector sel;
	return ph_usb_selector_parse(arg, &sel, err, errlen);
}

static ph_transport *usb_open(const char *arg, const ph_board_params *p, char *err, size_t errlen)
{
	return ph_usb_open(arg, err, errlen);
}

static int usb_wait_back(const char *arg, int64_t timeout_ns)
{
	return ph_usb_wait_present(arg, timeout_ns) == PH_T_OK ? 0 : -1;
}

static const ph_board_driver usb_driver = {
	.name = "usb",
	.syntax = "usb[:SERIAL|VID:PID|BUS-PORT]",
	.description = "a pumphil board over USB (libusb)",
	.flags = PH_BOARD_REALTIME | PH_BOARD_PHYSICAL,
	.check = usb_check,
	.open = usb_open,
	.wait_back = usb_wait_back,
};

/* ---- serial: pumphil's protocol on a serial line ---- */

static int serial_check(const char *arg, char *err, size_t errlen)
{
	char path[PH_SERIAL_PATH_MAX];
	unsigned baud;
	return ph_serial_parse(arg, path, sizeof path, &baud, err, errlen);
}

static ph_transport *serial_open(const char *arg, const ph_board_params *p, char *err,
                                 size_t errlen)
{
	return ph_serial_transport_open(arg, 1, 0, err, errlen);
}

static int serial_wait_back(const char *arg, int64_t timeout_ns)
{
	char path[PH_SERIAL_PATH_MAX], err[200];
	unsigned baud;

	if (ph_serial_parse(arg, path, sizeof path, &baud, err, sizeof err))
		return -1;
	return ph_serial_wait_present(path, timeout_ns) == PH_T_OK ? 0 : -1;
}

static const ph_board_driver serial_driver = {
	.name = "serial",
	.syntax = "serial:PORT[@BAUD]",
	.description = "a pumphil board on a serial line (UART, CDC-ACM, pty; termios)",
	.flags = PH_BOARD_REALTIME | PH_BOARD_PHYSICAL,
	.check = serial_check,
	.open = serial_open,
	.wait_back = serial_wait_back,
};

/* ---- virtual-serial: the virtual bench on a pseudo-terminal ---- */

static int vserial_check(const char *arg, char *err, size_t errlen)
{
	if (!*arg || !strcmp(arg, "ascii"))
		return 0;
	snprintf(err, errlen, "virtual-serial: unknown protocol '%s' (virtual-serial[:ascii])",
	         arg);
	return -1;
}

static ph_transport *vserial_open(const char *arg, const ph_board_params *p, char *err,
                                  size_t errlen)
{
	return ph_virtual_serial_open(p->cfg, p->time_scale,
	                              *arg ? PH_VSERIAL_ASCII : PH_VSERIAL_PUMPHIL, err, errlen);
}

static const char *vserial_adapter_line(ph_transport *t)
{
	return ph_virtual_serial_pump_line(t);
}

static const ph_board_driver virtual_serial_driver = {
	.name = "virtual-serial",
	.syntax = "virtual-serial[:ascii]",
	.description = "the virtual bench on a pseudo-terminal, through the serial transport; "
	               ":ascii puts the pump's ASCII command set on a pty of its own",
	.flags = PH_BOARD_REALTIME | PH_BOARD_TIME_SCALE,
	.check = vserial_check,
	.open = vserial_open,
	.adapter_line = vserial_adapter_line,
};

const ph_board_driver *const ph_board_drivers[] = {
	&sim_driver, &usb_driver, &virtual_usb_driver, &serial_driver, &virtual_serial_driver, NULL,
};

const ph_board_driver *ph_board_find(const char *board, const char **arg)
{
	const char *colon = strchr(board, ':');
	size_t n = colon ? (size_t)(colon - board) : strlen(board);

	for (const ph_board_driver *const *d = ph_board_drivers; *d; d++)
		if (strlen((*d)->name) == n && !strncmp(board, (*d)->name, n)) {
			*arg = colon ? colon + 1 : "";
			return *d;
		}
	return NULL;
}

const ph_board_driver *ph_board_check(const char *board, char *err, size_t errlen)
{
	const char *arg = "";
	const ph_board_driver *d = ph_board_find(board, &arg);

	if (!d) {
		size_t used = (size_t)snprintf(err, errlen, "unknown board '%s' (expected", board);
		for (const ph_board_driver *const *k = ph_board_drivers; *k && used < errlen; k++)
			used += (size_t)snprintf(err + used, errlen - used, "%s %s",
			                         k == ph_board_drivers ? "" : (k[1] ? "," : " or"),
			                         (*k)->syntax);
		if (used < errlen)
			snprintf(err + used, errlen - used, ")");
		return NULL;
	}
	if (d->check)
		return d->check(arg, err, errlen) < 0 ? NULL : d;
	if (*arg || strchr(board, ':')) {
		snprintf(err, errlen, "board '%s' takes no argument (%s)", board, d->syntax);
		return NULL;
	}
	return d;
}

unsigned ph_board_flags_of(const char *board)
{
	const char *arg = "";
	const ph_board_driver *d = ph_board_find(board, &arg);
	return d ? d->flags : 0;
}

ph_transport *ph_board_open(const char *board, const ph_board_params *p, char *err, size_t errlen)
{
	const char *arg = "";
	const ph_board_driver *d = ph_board_check(board, err, errlen);
	if (!d)
		return NULL;
	ph_board_find(board, &arg);
	return d->open(arg, p, err, errlen);
}

int ph_board_wait_back(const char *board, int64_t timeout_ns)
{
	const char *arg = "";
	const ph_board_driver *d = ph_board_find(board, &arg);
	if (!d || !d->wait_back)
		return 0;
	return d->wait_back(arg, timeout_ns);
}

const char *ph_board_adapter_line(const char *board, ph_transport *t)
{
	const char *arg = "";
	const ph_board_driver *d = ph_board_find(board, &arg);
	return d && d->adapter_line ? d->adapter_line(t) : NULL;
}
