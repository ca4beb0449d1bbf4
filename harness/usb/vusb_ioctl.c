/*
 * vusb_ioctl.c - usbfs emulation of the virtual board: the answers a Linux
 * kernel would give libusb for SUBMITURB, REAPURBNDELAY, DISCARDURB and the
 * small configuration ioctls (table in shared notes usb-virtual-device.md).
 *
 * Runs on umockdev's worker thread.  Client memory is only reachable while
 * the client sits in an ioctl, so an IN URB's data goes into the local copy
 * of its buffer and reaches the client when the URB is reaped.
 *
 * Device faults (ph_vusb_set_faults): a swallowed DISCARDURB parks the URB
 * in `limbo`, where nothing but an unplug completes it; a failing IN
 * endpoint completes each IN URB at submission with the given status.
 */
#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pp.h"
#include "usb/vusb_priv.h"

#define URB(u) ((struct usbdevfs_urb *)(u)->data->data)

/* ---- lists ---- */

static void list_push(vusb_list *l, vusb_urb *u)
{
	u->next = NULL;
	if (l->tail)
		l->tail->next = u;
	else
		l->head = u;
	l->tail = u;
}

/* Remove and return the first URB for which match() holds, or NULL. */
static vusb_urb *list_take(vusb_list *l, int (*match)(const vusb_urb *, const void *),
                           const void *key)
{
	vusb_urb *prev = NULL;

	for (vusb_urb *u = l->head; u; prev = u, u = u->next) {
		if (!match(u, key))
			continue;
		if (prev)
			prev->next = u->next;
		else
			l->head = u->next;
		if (l->tail == u)
			l->tail = prev;
		u->next = NULL;
		return u;
	}
	return NULL;
}

static int match_client(const vusb_urb *u, const void *key)
{
	return u->client == key;
}

static int match_any(const vusb_urb *u, const void *key)
{
	(void)u;
	(void)key;
	return 1;
}

typedef struct discard_key {
	const void *client;
	unsigned long addr;
} discard_key;

static int match_discard(const vusb_urb *u, const void *key)
{
	const discard_key *k = key;
	return u->client == k->client && u->addr == k->addr;
}

static void urb_free(ph_vusb *v, vusb_urb *u)
{
	if (u->buf)
		g_object_unref(u->buf);
	g_object_unref(u->data);
	g_object_unref(u->client);
	free(u);
	v->nurbs--;
}

/* ---- FIFO readiness ---- */

/* libusb polls the node for POLLOUT.  The FIFO is sized to one page (one
 * pipe slot), so a single byte in it makes it "full": not writable, poll
 * sleeps.  Empty means writable: libusb wakes and reaps. */
static void node_set_ready(vusb_node *n, int ready)
{
	uint8_t b = 0;

	if (n->fifo_fd < 0)
		return;
	if (ready && n->blocked) {
		if (read(n->fifo_fd, &b, 1) == 1)
			n->blocked = 0;
	} else if (!ready && !n->blocked) {
		if (write(n->fifo_fd, &b, 1) == 1)
			n->blocked = 1;
	}
}

void vusb_nodes_update(ph_vusb *v)
{
	for (int i = 0; i < VUSB_MAX_NODES; i++) {
		vusb_node *n = &v->nodes[i];
		int ready = 0;

		if (!n->devnode[0])
			continue;
		for (vusb_urb *u = v->done.head; u && !ready; u = u->next)
			ready = u->node == n;
		node_set_ready(n, ready);
	}
}

static vusb_node *node_of(ph_vusb *v, UMockdevIoctlClient *c)
{
	const char *dn = umockdev_ioctl_client_get_devnode(c);

	for (int i = 0; dn && i < VUSB_MAX_NODES; i++)
		if (v->nodes[i].devnode[0] && !strcmp(v->nodes[i].devnode, dn))
			return &v->nodes[i];
	return NULL;
}

/* ---- completion ---- */

static void complete_urb(ph_vusb *v, vusb_urb *u, int status, int actual)
{
	URB(u)->status = status;
	URB(u)->actual_length = actual;
	list_push(&v->done, u);
}

static size_t inq_take(vusb_inq *q, uint8_t *out, size_t cap)
{
	size_t k = q->n < cap ? q->n : cap;

	for (size_t i = 0; i < k; i++)
		out[i] = q->buf[(q->head + i) % VUSB_INQ_SIZE];
	q->head = (q->head + k) % VUSB_INQ_SIZE;
	q->n -= k;
	return k;
}

void vusb_fill(ph_vusb *v, int idx)
{
	vusb_inq *q = &v->inq[idx];

	if (q->n && v->pending[idx].head)
		vusb_prune_clients(v); /* a dead client's IN URBs must not take data */
	while (q->n && v->pending[idx].head) {
		vusb_urb *u = list_take(&v->pending[idx], match_any, NULL);
		size_t cap = u->buf ? (size_t)URB(u)->buffer_length : 0;
		size_t k = u->buf ? inq_take(q, u->buf->data, cap) : 0;

		v->st.bytes_in += k;
		complete_urb(v, u, 0, (int)k);
	}
	vusb_nodes_update(v);
}

void vusb_fail_in(ph_vusb *v, int status)
{
	for (int i = 0; i < PH_USB_N_IN; i++) {
		vusb_urb *u;
		while ((u = list_take(&v->pending[i], match_any, NULL)))
			complete_urb(v, u, status, 0);
	}
	vusb_nodes_update(v);
}

void vusb_fail_pending(ph_vusb *v, int status)
{
	vusb_urb *u;

	while ((u = list_take(&v->limbo, match_any, NULL)))
		complete_urb(v, u, status, 0);
	vusb_fail_in(v, status);
}

static int match_node(const vusb_urb *u, const void *key)
{
	return u->node == key;
}

void vusb_drop_node(ph_vusb *v, const vusb_node *n)
{
	vusb_urb *u;

	for (int i = 0; i < PH_USB_N_IN; i++)
		while ((u = list_take(&v->pending[i], match_node, n)))
			urb_free(v, u);
	while ((u = list_take(&v->limbo, match_node, n)))
		urb_free(v, u);
	while ((u = list_take(&v->done, match_node, n)))
		urb_free(v, u);
}

void vusb_drop_all(ph_vusb *v)
{
	vusb_urb *u;

	for (int i = 0; i < PH_USB_N_IN; i++)
		while ((u = list_take(&v->pending[i], match_any, NULL)))
			urb_free(v, u);
	while ((u = list_take(&v->limbo, match_any, NULL)))
		urb_free(v, u);
	while ((u = list_take(&v->done, match_any, NULL)))
		urb_free(v, u);
}

/* ---- control transfers: GET_DESCRIPTOR is all a libusb client asks ---- */

static int control_answer(ph_vusb *v, const uint8_t *setup, uint8_t *data, size_t cap)
{
	uint8_t tmp[256];
	uint8_t type = setup[3], index = setup[2];
	size_t want = (size_t)setup[6] | (size_t)setup[7] << 8;
	int n;

	if (setup[0] != 0x80 || setup[1] != 0x06)
		return -EPIPE; /* stall: no other standard request is emulated */
	if (type == 1 || type == 2) {
		n = ph_usb_build_descriptors(v->pid, tmp, sizeof tmp);
		if (type == 1)
			n = 18;
		else
			memmove(tmp, tmp + 18, (size_t)(n -= 18));
	} else if (type == 3) {
		n = ph_usb_build_string(index, v->product, v->serial, tmp, sizeof tmp);
	} else {
		return -EPIPE;
	}
	if (n < 0)
		return -EPIPE;
	if ((size_t)n > want)
		n = (int)want;
	if ((size_t)n > cap)
		n = (int)cap;
	memcpy(data, tmp, (size_t)n);
	return n;
}

/* ---- ioctls ---- */

typedef struct vusb_res {
	long res;
	int err;
} vusb_res;

static vusb_res fail(int err)
{
	return (vusb_res){ -1, err };
}

static vusb_res submit_control(ph_vusb *v, vusb_urb *u)
{
	int buflen = URB(u)->buffer_length;
	int n;

	if (!u->buf || buflen < 8)
		return fail(EINVAL);
	n = control_answer(v, u->buf->data, u->buf->data + 8, (size_t)buflen - 8);
	complete_urb(v, u, n < 0 ? n : 0, n < 0 ? 0 : n);
	vusb_nodes_update(v);
	return (vusb_res){ 0, 0 };
}

static vusb_res submit_out(ph_vusb *v, vusb_urb *u, int channel)
{
	int len = URB(u)->buffer_length;

	if (len > 0 && u->buf) {
		v->ops->advance(v->board, vusb_board_now(v));
		v->ops->rx(v->board, (uint8_t)channel, u->buf->data, (size_t)len);
		v->st.bytes_out += (uint64_t)len;
	}
	complete_urb(v, u, 0, len);
	vusb_nodes_update(v);
	pthread_cond_broadcast(&v->cv); /* the board may have work now */
	return (vusb_res){ 0, 0 };
}

static vusb_res submit_urb(ph_vusb *v, UMockdevIoctlClient *c, UMockdevIoctlData *arg,
                           vusb_node *node)
{
	UMockdevIoctlData *d, *buf = NULL;
	struct usbdevfs_urb *urb;
	vusb_urb *u;
	int ch;

	if (v->nurbs >= VUSB_MAX_URBS)
		return fail(ENOMEM);
	d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
	if (!d)
		return fail(EFAULT);
	urb = (struct usbdevfs_urb *)d->data;
	if (urb->buffer_length > 0) {
		buf = umockdev_ioctl_data_resolve(d, offsetof(struct usbdevfs_urb, buffer),
		                                  (gsize)urb->buffer_length, NULL);
		if (!buf) {
			g_object_unref(d);
			return fail(EFAULT);
		}
	}
	u = calloc(1, sizeof *u);
	if (!u) {
		if (buf)
			g_object_unref(buf);
		g_object_unref(d);
		return fail(ENOMEM);
	}
	u->client = g_object_ref(c);
	u->data = d;
	u->buf = buf;
	u->node = node;
	u->addr = d->client_addr;
	u->ep = urb->endpoint;
	v->nurbs++;
	v->st.urbs_submitted++;

	if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
		vusb_res r = submit_control(v, u);
		if (r.res < 0)
			urb_free(v, u);
		return r;
	}
	ch = ph_usb_ep_channel(u->ep);
	if (ch < 0 ||
	    (urb->type != USBDEVFS_URB_TYPE_BULK && urb->type != USBDEVFS_URB_TYPE_INTERRUPT)) {
		urb_free(v, u);
		return fail(EINVAL);
	}
	if (!(u->ep & 0x80))
		return submit_out(v, u, ch);
	if (v->faults.in_status) { /* a failing IN endpoint: no wait, no data */
		complete_urb(v, u, v->faults.in_status, 0);
		vusb_nodes_update(v);
		return (vusb_res){ 0, 0 };
	}
	list_push(&v->pending[ph_usb_in_index(u->ep)], u);
	vusb_fill(v, ph_usb_in_index(u->ep));
	return (vusb_res){ 0, 0 };
}

static vusb_res reap_urb(ph_vusb *v, UMockdevIoctlClient *c, UMockdevIoctlData *arg, int gone)
{
	vusb_urb *u = list_take(&v->done, match_client, c);
	UMockdevIoctlData *ptr;

	if (!u)
		return fail(gone ? ENODEV : EAGAIN);
	ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), NULL);
	if (!ptr) {
		list_push(&v->done, u); /* keep it for a later reap */
		return fail(EFAULT);
	}
	umockdev_ioctl_data_set_ptr(ptr, 0, u->data);
	g_object_unref(ptr);
	v->st.urbs_reaped++;
	urb_free(v, u);
	vusb_nodes_update(v);
	return (vusb_res){ 0, 0 };
}

static vusb_res discard_urb(ph_vusb *v, UMockdevIoctlClient *c, UMockdevIoctlData *arg)
{
	discard_key k = { c, *(unsigned long *)arg->data };

	for (int i = 0; i < PH_USB_N_IN; i++) {
		vusb_urb *u = list_take(&v->pending[i], match_discard, &k);
		if (u && v->faults.ignore_discard) {
			list_push(&v->limbo, u); /* accepted, never completed */
			v->st.discards_ignored++;
			return (vusb_res){ 0, 0 };
		}
		if (u) {
			complete_urb(v, u, -ENOENT, 0);
			vusb_nodes_update(v);
			return (vusb_res){ 0, 0 };
		}
	}
	return fail(EINVAL);
}

static vusb_res capabilities(UMockdevIoctlData *arg)
{
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(uint32_t), NULL);
	uint32_t caps = USBDEVFS_CAP_BULK_SCATTER_GATHER | USBDEVFS_CAP_BULK_CONTINUATION |
	                USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_ZERO_PACKET |
	                USBDEVFS_CAP_REAP_AFTER_DISCONNECT;

	if (!d)
		return fail(EFAULT);
	memcpy(d->data, &caps, sizeof caps);
	g_object_unref(d);
	return (vusb_res){ 0, 0 };
}

/* CLAIMINTERFACE / DISCONNECT_CLAIM / RELEASEINTERFACE: the interface
 * number is the first unsigned int the argument points to.  A second
 * client claiming a claimed interface gets EBUSY, as from the kernel. */
static vusb_res claim(ph_vusb *v, UMockdevIoctlClient *c, UMockdevIoctlData *arg, int take)
{
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(unsigned), NULL);
	unsigned ifn;

	if (!d)
		return fail(EFAULT);
	memcpy(&ifn, d->data, sizeof ifn);
	g_object_unref(d);
	if (ifn > 1)
		return fail(EINVAL);
	if (take) {
		if (v->claimed_by[ifn] && v->claimed_by[ifn] != c)
			return fail(EBUSY);
		v->claimed_by[ifn] = c;
	} else {
		if (v->claimed_by[ifn] != c)
			return fail(EINVAL);
		v->claimed_by[ifn] = NULL;
	}
	return (vusb_res){ 0, 0 };
}

static vusb_res dispatch(ph_vusb *v, UMockdevIoctlClient *c, unsigned long req,
                         UMockdevIoctlData *arg)
{
	vusb_node *node = node_of(v, c);
	int gone = !v->plugged || node != v->cur;

	/* Reaping stays possible after a disconnect (REAP_AFTER_DISCONNECT). */
	if (req == USBDEVFS_REAPURBNDELAY || req == USBDEVFS_REAPURB)
		return reap_urb(v, c, arg, gone);
	if (gone)
		return fail(ENODEV);
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES: return capabilities(arg);
	case USBDEVFS_SUBMITURB: return submit_urb(v, c, arg, node);
	case USBDEVFS_DISCARDURB: return discard_urb(v, c, arg);
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_DISCONNECT_CLAIM: return claim(v, c, arg, 1);
	case USBDEVFS_RELEASEINTERFACE: return claim(v, c, arg, 0);
	case USBDEVFS_SETCONFIGURATION:
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP:
	case USBDEVFS_RESET: return (vusb_res){ 0, 0 };
	case USBDEVFS_GETDRIVER:
	case USBDEVFS_IOCTL: return fail(ENODATA); /* no kernel driver bound */
	default: return fail(ENOTTY);
	}
}

static gboolean on_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *c, gpointer ud)
{
	ph_vusb *v = ud;
	unsigned long req = umockdev_ioctl_client_get_request(c);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
	vusb_res r;

	(void)handler;
	pthread_mutex_lock(&v->mu);
	vusb_prune_clients(v); /* a dead client's IN URBs must not take data */
	r = dispatch(v, c, req, arg);
	pthread_mutex_unlock(&v->mu);
	umockdev_ioctl_client_complete(c, r.res, r.err);
	return TRUE; /* else umockdev falls back to recorded ioctls */
}

/* ---- clients ---- */

/* Everything a client holds goes with it. */
static void forget_client(ph_vusb *v, UMockdevIoctlClient *c)
{
	vusb_urb *u;

	for (int i = 0; i < PH_USB_N_IN; i++)
		while ((u = list_take(&v->pending[i], match_client, c)))
			urb_free(v, u);
	while ((u = list_take(&v->limbo, match_client, c)))
		urb_free(v, u);
	while ((u = list_take(&v->done, match_client, c)))
		urb_free(v, u);
	for (int i = 0; i < 2; i++)
		if (v->claimed_by[i] == c)
			v->claimed_by[i] = NULL;
}

/* umockdev 0.17 does not emit client-vanished; a closed client's
 * `connected` property does turn false, so clients are polled. */
int vusb_prune_clients(ph_vusb *v)
{
	int k = 0, pruned = 0;

	for (int i = 0; i < v->nclients; i++) {
		UMockdevIoctlClient *c = v->clients[i];
		if (umockdev_ioctl_client_get_connected(c)) {
			v->clients[k++] = c;
			continue;
		}
		forget_client(v, c);
		g_object_unref(c);
		pruned = 1;
	}
	v->nclients = k;
	if (pruned) {
		vusb_nodes_update(v);
		pthread_cond_broadcast(&v->cv);
	}
	return k;
}

static void on_connected(UMockdevIoctlBase *handler, UMockdevIoctlClient *c, gpointer ud)
{
	ph_vusb *v = ud;

	(void)handler;
	pthread_mutex_lock(&v->mu);
	if (vusb_prune_clients(v) < VUSB_MAX_CLIENTS)
		v->clients[v->nclients++] = g_object_ref(c);
	pthread_mutex_unlock(&v->mu);
}

/* Newer umockdev versions say it: prune at once. */
static void on_vanished(UMockdevIoctlBase *handler, UMockdevIoctlClient *c, gpointer ud)
{
	ph_vusb *v = ud;

	(void)handler;
	(void)c;
	pthread_mutex_lock(&v->mu);
	vusb_prune_clients(v);
	pthread_mutex_unlock(&v->mu);
}

void vusb_drop_clients(ph_vusb *v)
{
	for (int i = 0; i < v->nclients; i++) {
		forget_client(v, v->clients[i]);
		g_object_unref(v->clients[i]);
	}
	v->nclients = 0;
}

void vusb_ioctl_connect(ph_vusb *v)
{
	g_signal_connect(v->handler, "handle-ioctl", G_CALLBACK(on_ioctl), v);
	g_signal_connect(v->handler, "client-vanished", G_CALLBACK(on_vanished), v);
	g_signal_connect(v->handler, "client-connected", G_CALLBACK(on_connected), v);
}
