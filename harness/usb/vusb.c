/*
 * vusb.c - the virtual board as a USB device: testbed lifecycle, plug and
 * unplug, and the clock thread that runs the board in real time (or a fixed
 * multiple of it).  The usbfs
 * ioctl answers live in vusb_ioctl.c.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pp.h"
#include "usb/vusb_priv.h"

#define VUSB_MAX_SLEEP_NS 200000000LL /* the clock thread wakes at least 5 Hz */
#define VUSB_MIN_SLEEP_NS 20000LL     /* and never spins on a stuck board (real ns) */
#define VUSB_LINGER_NS 2000000000LL   /* free() waits this long for clients to close */
#define SUN_PATH_MAX 108
/* "<root>/ioctl/dev/bus/usb/001/002" is umockdev's ioctl socket path. */
#define VUSB_SOCKET_SUFFIX (sizeof "/ioctl/dev/bus/usb/001/002")

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t vusb_board_now(const ph_vusb *v)
{
	return (mono_ns() - v->t0) * v->scale;
}

/* ---- the board's output ---- */

/* Pump `event` frames go on the interrupt endpoint, everything else on the
 * channel's bulk IN. */
static int route(uint8_t channel, const uint8_t *wire, size_t n)
{
	pp_frame f;

	if (channel == PP_CH_FIXTURE)
		return ph_usb_in_index(PH_USB_EP_FIXTURE_IN);
	if (n > 1 && pp_frame_decode(wire, n - 1, &f) == PP_OK && f.type == pp_type_event)
		return ph_usb_in_index(PH_USB_EP_EVENT_IN);
	return ph_usb_in_index(PH_USB_EP_PUMP_IN);
}

static void board_tx(void *ud, uint8_t channel, const uint8_t *wire, size_t n, int64_t t_ns)
{
	ph_vusb *v = ud;
	int idx;
	vusb_inq *q;

	(void)t_ns;
	if (channel >= PP_CH_COUNT || !v->plugged)
		return; /* nobody listens: the board's USB stack drops it */
	idx = route(channel, wire, n);
	q = &v->inq[idx];
	if (VUSB_INQ_SIZE - q->n < n) {
		v->st.in_overflow += n;
		return;
	}
	for (size_t i = 0; i < n; i++)
		q->buf[(q->head + q->n + i) % VUSB_INQ_SIZE] = wire[i];
	q->n += n;
	vusb_fill(v, idx);
}

/* ---- the clock thread ---- */

static void abs_time(int64_t t_ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(t_ns / 1000000000LL);
	ts->tv_nsec = (long)(t_ns % 1000000000LL);
}

static void *clock_main(void *arg)
{
	ph_vusb *v = arg;
	struct timespec ts;

	pthread_mutex_lock(&v->mu);
	while (!v->stop) {
		int64_t now = vusb_board_now(v);
		int64_t next, wake;

		v->ops->advance(v->board, now);
		next = v->ops->next_event_ns(v->board);
		/* From board time to real: round up, so the wake is never early. */
		if (next - now >= VUSB_MAX_SLEEP_NS * v->scale)
			wake = VUSB_MAX_SLEEP_NS;
		else
			wake = (next - now + v->scale - 1) / v->scale;
		if (wake < VUSB_MIN_SLEEP_NS)
			wake = VUSB_MIN_SLEEP_NS;
		abs_time(v->t0 + now / v->scale + wake, &ts);
		pthread_cond_timedwait(&v->cv, &v->mu, &ts);
	}
	pthread_mutex_unlock(&v->mu);
	return NULL;
}

/* ---- lifecycle ---- */

static int preloaded(void)
{
	void *h = dlopen("libumockdev-preload.so.0", RTLD_NOW | RTLD_NOLOAD);

	if (!h)
		return 0;
	dlclose(h);
	return 1;
}

/* umockdev's root lives in g_get_tmp_dir(); a long TMPDIR pushes the ioctl
 * socket path over sun_path and claiming then fails (pitfall 3). */
static UMockdevTestbed *testbed_short_root(void)
{
	const char *tmp = getenv("TMPDIR");
	char *saved = NULL;
	UMockdevTestbed *tb;

	if (tmp && strlen(tmp) + sizeof "/umockdev.XXXXXX" + VUSB_SOCKET_SUFFIX > SUN_PATH_MAX) {
		saved = strdup(tmp);
		setenv("TMPDIR", "/tmp", 1);
	}
	ph_vusb_sweep_stale(saved || !tmp || !*tmp ? "/tmp" : tmp); /* pitfall 4 */
	tb = umockdev_testbed_new();
	if (saved) {
		setenv("TMPDIR", saved, 1);
		free(saved);
	}
	return tb;
}

static void config_strings(ph_vusb *v, const ph_vusb_config *cfg)
{
	v->pid = cfg->pid ? cfg->pid : PH_USB_PID_VIRTUAL;
	snprintf(v->serial, sizeof v->serial, "%s", cfg->serial[0] ? cfg->serial : "VB000001");
	snprintf(v->product, sizeof v->product, "%s",
	         cfg->product ? cfg->product : PH_USB_PRODUCT_VIRTUAL);
}

static int sync_init(ph_vusb *v)
{
	pthread_condattr_t ca;

	if (pthread_mutex_init(&v->mu, NULL))
		return -1;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_cond_init(&v->cv, &ca)) {
		pthread_condattr_destroy(&ca);
		pthread_mutex_destroy(&v->mu);
		return -1;
	}
	pthread_condattr_destroy(&ca);
	return 0;
}

ph_vusb *ph_vusb_new(const ph_vusb_config *cfg, char *err, size_t errlen)
{
	ph_vusb *v;

	if (!cfg || !cfg->board) {
		set_err(err, errlen, "vusb: no board given");
		return NULL;
	}
	if (!preloaded()) {
		set_err(err, errlen,
		        "vusb: this process does not run under "
		        "libumockdev-preload.so.0 (see ph_usb_ensure_preload)");
		return NULL;
	}
	v = calloc(1, sizeof *v);
	if (!v) {
		set_err(err, errlen, "vusb: out of memory");
		return NULL;
	}
	for (int i = 0; i < VUSB_MAX_NODES; i++)
		v->nodes[i].fifo_fd = -1;
	config_strings(v, cfg);
	v->ops = cfg->board;
	v->devnum = 1;
	if (sync_init(v)) {
		set_err(err, errlen, "vusb: cannot create mutex");
		goto fail_free;
	}
	v->tb = testbed_short_root();
	if (!v->tb) {
		set_err(err, errlen, "vusb: umockdev testbed creation failed");
		goto fail_sync;
	}
	v->root = umockdev_testbed_get_root_dir(v->tb);
	ph_vusb_write_pid(v->root); /* best effort: only used to sweep after a kill */
	if (strlen(v->root) + VUSB_SOCKET_SUFFIX > SUN_PATH_MAX) {
		set_err(err, errlen, "vusb: testbed path %s too long for a socket; set TMPDIR=/tmp",
		        v->root);
		goto fail_tb;
	}
	v->handler = umockdev_ioctl_base_new();
	vusb_ioctl_connect(v);
	v->t0 = mono_ns();
	v->scale = cfg->time_scale ? (int64_t)cfg->time_scale : 1;
	v->board = v->ops->create(cfg->board_arg, board_tx, v);
	if (!v->board) {
		set_err(err, errlen, "vusb: board creation failed");
		goto fail_handler;
	}
	if (pthread_create(&v->thread, NULL, clock_main, v)) {
		set_err(err, errlen, "vusb: cannot start the clock thread");
		goto fail_board;
	}
	v->thread_on = 1;
	return v;

fail_board:
	v->ops->destroy(v->board);
fail_handler:
	g_object_unref(v->handler);
fail_tb:
	g_free(v->root);
	g_object_unref(v->tb);
fail_sync:
	pthread_cond_destroy(&v->cv);
	pthread_mutex_destroy(&v->mu);
fail_free:
	free(v);
	return NULL;
}

/* Release what a retired node held.  Outside the mutex: detaching may
 * wait for umockdev's worker thread, which may be waiting for the mutex. */
static void node_release(ph_vusb *v, const vusb_node *old)
{
	if (old->attached)
		umockdev_testbed_detach_ioctl(v->tb, old->devnode, NULL);
	if (old->fifo_fd >= 0)
		close(old->fifo_fd);
}

/* Take node n out of use (its URBs go with it); returns what it held for
 * node_release().  Mutex held, so the ioctl handler never sees it half
 * changed. */
static vusb_node node_retire(ph_vusb *v, vusb_node *n)
{
	vusb_node old = *n;

	vusb_drop_node(v, n);
	memset(n, 0, sizeof *n);
	n->fifo_fd = -1;
	return old;
}

/* After an unplug, give clients a moment to close their handles: the
 * preload library of a client aborts it when an ioctl finds our side of
 * the socket gone, which a real kernel would answer with ENODEV. */
static void linger(ph_vusb *v)
{
	struct timespec ts;
	int64_t end = mono_ns() + VUSB_LINGER_NS;

	pthread_mutex_lock(&v->mu);
	while (vusb_prune_clients(v) > 0 && mono_ns() < end) {
		int64_t poll = mono_ns() + 10000000LL; /* no reliable signal: poll */
		abs_time(poll < end ? poll : end, &ts);
		pthread_cond_timedwait(&v->cv, &v->mu, &ts);
	}
	pthread_mutex_unlock(&v->mu);
}

void ph_vusb_free(ph_vusb *v)
{
	if (!v)
		return;
	ph_vusb_unplug(v);
	linger(v);
	if (v->thread_on) {
		pthread_mutex_lock(&v->mu);
		v->stop = 1;
		pthread_cond_signal(&v->cv);
		pthread_mutex_unlock(&v->mu);
		pthread_join(v->thread, NULL);
	}
	/* After detaching, no handler call can start; the worker thread stops
	 * with the testbed. */
	for (int i = 0; i < VUSB_MAX_NODES; i++) {
		vusb_node old;

		pthread_mutex_lock(&v->mu);
		old = node_retire(v, &v->nodes[i]);
		pthread_mutex_unlock(&v->mu);
		node_release(v, &old);
	}
	pthread_mutex_lock(&v->mu);
	vusb_drop_all(v);
	vusb_drop_clients(v);
	pthread_mutex_unlock(&v->mu);
	v->ops->destroy(v->board);
	g_object_unref(v->handler);
	g_object_unref(v->tb); /* removes the testbed directory */
	g_free(v->root);
	pthread_cond_destroy(&v->cv);
	pthread_mutex_destroy(&v->mu);
	free(v);
}

/* ---- plug / unplug ---- */

static int make_dirs(const char *root, const char *rel)
{
	char path[512];
	int n = snprintf(path, sizeof path, "%s/%s", root, rel);

	if (n < 0 || (size_t)n >= sizeof path)
		return -1;
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

/* The /dev node as a FIFO of one pipe slot (see node_set_ready). */
static int node_open(ph_vusb *v, vusb_node *n, char *err, size_t errlen)
{
	char path[512];
	uint8_t b = 0;

	snprintf(n->devnode, sizeof n->devnode, "/dev/bus/usb/%03u/%03u", VUSB_BUS, v->devnum);
	snprintf(path, sizeof path, "%s%s", v->root, n->devnode);
	if (make_dirs(v->root, "dev/bus/usb/001") || (mkfifo(path, 0666) && errno != EEXIST)) {
		set_err(err, errlen, "vusb: cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	n->fifo_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (n->fifo_fd < 0 || fcntl(n->fifo_fd, F_SETPIPE_SZ, 4096) < 0 ||
	    write(n->fifo_fd, &b, 1) != 1) {
		set_err(err, errlen, "vusb: cannot set up FIFO %s: %s", path, strerror(errno));
		return -1;
	}
	n->blocked = 1;
	return 0;
}

static int node_attach(ph_vusb *v, vusb_node *n, char *err, size_t errlen)
{
	GError *ge = NULL;

	if (!umockdev_testbed_attach_ioctl(v->tb, n->devnode, v->handler, &ge)) {
		set_err(err, errlen, "vusb: attaching the ioctl handler failed: %s",
		        ge ? ge->message : "?");
		g_clear_error(&ge);
		return -1;
	}
	n->attached = 1;
	return 0;
}

static int add_device(ph_vusb *v, char *err, size_t errlen)
{
	char rec[2048];
	GError *ge = NULL;

	if (ph_vusb_record(rec, sizeof rec, VUSB_SYSNAME, VUSB_BUS, v->devnum, v->pid, v->product,
	                   v->serial) < 0) {
		set_err(err, errlen, "vusb: device record too long");
		return -1;
	}
	/* Under the preload, add_from_string sends the "add" uevent itself. */
	if (!umockdev_testbed_add_from_string(v->tb, rec, &ge)) {
		set_err(err, errlen, "vusb: adding the device failed: %s", ge ? ge->message : "?");
		g_clear_error(&ge);
		return -1;
	}
	return 0;
}

/* The new node is built aside, then swapped into the oldest slot (long
 * gone: VUSB_MAX_NODES plugs ago) under the mutex. */
int ph_vusb_plug(ph_vusb *v, char *err, size_t errlen)
{
	vusb_node nn = { .fifo_fd = -1 }, old;
	vusb_node *n;

	pthread_mutex_lock(&v->mu);
	if (v->plugged) {
		pthread_mutex_unlock(&v->mu);
		return 0;
	}
	v->devnum = v->devnum >= 127 ? 2 : v->devnum + 1;
	pthread_mutex_unlock(&v->mu);

	if (node_open(v, &nn, err, errlen) || node_attach(v, &nn, err, errlen)) {
		node_release(v, &nn);
		return -1;
	}
	pthread_mutex_lock(&v->mu);
	n = &v->nodes[v->st.plugs % VUSB_MAX_NODES];
	old = node_retire(v, n);
	*n = nn;
	v->cur = n;
	v->plugged = 1;
	memset(v->inq, 0, sizeof v->inq);
	v->st.plugs++;
	pthread_mutex_unlock(&v->mu);
	node_release(v, &old);
	if (add_device(v, err, errlen)) {
		pthread_mutex_lock(&v->mu);
		v->plugged = 0;
		v->cur = NULL;
		old = node_retire(v, n);
		pthread_mutex_unlock(&v->mu);
		node_release(v, &old);
		return -1;
	}
	return 0;
}

void ph_vusb_unplug(ph_vusb *v)
{
	char sys[64];

	pthread_mutex_lock(&v->mu);
	if (!v->plugged) {
		pthread_mutex_unlock(&v->mu);
		return;
	}
	v->plugged = 0; /* from here on: ENODEV */
	v->cur = NULL;
	v->claimed_by[0] = v->claimed_by[1] = NULL; /* the next plug is a new device */
	vusb_fail_pending(v, -ESHUTDOWN);
	memset(v->inq, 0, sizeof v->inq);
	v->st.unplugs++;
	pthread_mutex_unlock(&v->mu);

	snprintf(sys, sizeof sys, "/sys/devices/%s", VUSB_SYSNAME);
	umockdev_testbed_uevent(v->tb, sys, "remove");
	umockdev_testbed_remove_device(v->tb, sys);
}

int ph_vusb_plugged(ph_vusb *v)
{
	int p;

	pthread_mutex_lock(&v->mu);
	p = v->plugged;
	pthread_mutex_unlock(&v->mu);
	return p;
}

const char *ph_vusb_root(const ph_vusb *v)
{
	return v->root;
}

const char *ph_vusb_serial(const ph_vusb *v)
{
	return v->serial;
}

int64_t ph_vusb_epoch_ns(const ph_vusb *v)
{
	return v->t0;
}

void ph_vusb_address(ph_vusb *v, unsigned *bus, unsigned *devnum)
{
	pthread_mutex_lock(&v->mu);
	if (bus)
		*bus = VUSB_BUS;
	if (devnum)
		*devnum = v->devnum;
	pthread_mutex_unlock(&v->mu);
}

void ph_vusb_get_stats(ph_vusb *v, ph_vusb_stats *st)
{
	pthread_mutex_lock(&v->mu);
	*st = v->st;
	pthread_mutex_unlock(&v->mu);
}

void ph_vusb_set_faults(ph_vusb *v, const ph_vusb_faults *f)
{
	pthread_mutex_lock(&v->mu);
	v->faults = *f;
	if (f->in_status)
		vusb_fail_in(v, f->in_status); /* the waiting IN URBs fail too */
	pthread_mutex_unlock(&v->mu);
}
