/*
 * vusb_priv.h - state shared by vusb.c (lifecycle, plug, clock thread) and
 * vusb_ioctl.c (the usbfs ioctl emulation).  Private to harness/usb.
 */
#ifndef PH_VUSB_PRIV_H
#define PH_VUSB_PRIV_H

#ifndef PH_USES_USB
#error "usb/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <pthread.h>
#include <umockdev.h>

#include "usb/vusb.h"

#define VUSB_BUS 1u
#define VUSB_SYSNAME "1-1"
#define VUSB_INQ_SIZE 8192  /* bytes queued per IN endpoint */
#define VUSB_MAX_URBS 256   /* URBs pending + done, all clients */
#define VUSB_MAX_NODES 8    /* /dev nodes remembered (one per plug) */
#define VUSB_MAX_CLIENTS 32 /* open file descriptors on our nodes */

/* One /dev node: a FIFO holding one byte while nothing is reapable on it,
 * so libusb's poll(POLLOUT) sleeps instead of spinning (see vusb.c). */
typedef struct vusb_node {
	char devnode[40]; /* "/dev/bus/usb/001/002", "" when unused */
	int fifo_fd;
	int blocked;  /* the byte is in the FIFO */
	int attached; /* ioctl handler attached to devnode */
} vusb_node;

typedef struct vusb_urb {
	struct vusb_urb *next;
	UMockdevIoctlClient *client; /* ref */
	UMockdevIoctlData *data;     /* ref: local copy of struct usbdevfs_urb */
	UMockdevIoctlData *buf;      /* ref: local copy of its buffer, or NULL */
	vusb_node *node;
	unsigned long addr; /* client address of the urb */
	uint8_t ep;
} vusb_urb;

typedef struct vusb_list {
	vusb_urb *head, *tail;
} vusb_list;

typedef struct vusb_inq {
	uint8_t buf[VUSB_INQ_SIZE];
	size_t head, n;
} vusb_inq;

struct ph_vusb {
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	char *root;
	char product[64];
	char serial[PH_USB_SERIAL_MAX + 1];
	uint16_t pid;

	const ph_vusb_board_ops *ops;
	void *board;
	int64_t t0;    /* CLOCK_MONOTONIC ns at board creation */
	int64_t scale; /* board ns per real ns (1: real time) */

	pthread_mutex_t mu; /* everything below, and the board */
	pthread_cond_t cv;  /* wakes the clock thread */
	pthread_t thread;
	int thread_on, stop;

	int plugged;
	unsigned devnum;
	vusb_node nodes[VUSB_MAX_NODES];
	vusb_node *cur; /* node of the current plug */
	vusb_list pending[PH_USB_N_IN];
	vusb_list done;
	vusb_list limbo; /* discarded, never given back (faults.ignore_discard) */
	ph_vusb_faults faults;
	unsigned nurbs;
	UMockdevIoctlClient *clients[VUSB_MAX_CLIENTS]; /* refs; connected or not yet pruned */
	int nclients;
	UMockdevIoctlClient *claimed_by[2]; /* per interface, one of clients[] */
	vusb_inq inq[PH_USB_N_IN];
	ph_vusb_stats st;
};

/* vusb_ioctl.c */
void vusb_ioctl_connect(ph_vusb *v);
/* Fail every pending URB with status (e.g. -ESHUTDOWN), those in limbo
 * included.  Mutex held. */
void vusb_fail_pending(ph_vusb *v, int status);
/* Fail the URBs waiting on IN endpoints with status.  Mutex held. */
void vusb_fail_in(ph_vusb *v, int status);
/* Move queued IN bytes into pending URBs of IN endpoint idx.  Mutex held. */
void vusb_fill(ph_vusb *v, int idx);
/* Drop the URBs submitted on node n.  Mutex held. */
void vusb_drop_node(ph_vusb *v, const vusb_node *n);
/* Drop every URB (freeing refs).  Mutex held. */
void vusb_drop_all(ph_vusb *v);
/* Recompute every node's FIFO state.  Mutex held. */
void vusb_nodes_update(ph_vusb *v);
/* Forget clients that closed the node (or died): their URBs and claims go,
 * as the kernel's do with the file.  Returns the clients left.  Mutex held. */
int vusb_prune_clients(ph_vusb *v);
/* Drop every client reference (at free).  Mutex held. */
void vusb_drop_clients(ph_vusb *v);

/* vusb.c */
int64_t vusb_board_now(const ph_vusb *v);

#endif
