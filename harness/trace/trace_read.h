/*
 * trace_read.h - iterate the records of a pumphil pcapng trace.
 *
 * The reader walks blocks one at a time, validating every length.  It reads
 * what the recorder writes (trace.h) and any pcapng file in either byte
 * order: unknown block types are skipped, packets of any link type are
 * returned with their interface.  A torn last block (a file cut in the middle
 * of a block, as after kill -9 or while the recorder is still writing) is not
 * an error: iteration stops before it with a warning, and a later
 * ph_trace_reader_next() picks it up once it is complete (live view).
 * Anything else malformed is an error naming the file and the byte offset:
 * "trace.pcapng: offset 1234: block length 7 is not a multiple of 4"; a
 * time stamp outside +-PH_TRACE_T_LIMIT (trace.h) is
 * "trace.pcapng: block N at byte M: time stamp out of range" (blocks counted
 * from 1, the section header).
 */
#ifndef PH_TRACE_READ_H
#define PH_TRACE_READ_H

#ifndef PH_USES_TRACE
#error "trace/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

typedef struct ph_trace_reader ph_trace_reader;

/* One packet.  data points into the reader and is valid until the next call
 * on the same reader. */
typedef struct ph_trace_rec {
	uint32_t iface;    /* interface id: PH_IF_PUMP, PH_IF_FIXTURE, PH_IF_EVENTS */
	uint16_t linktype; /* of that interface */
	int dir;           /* PH_DIR_FROM_BOARD, PH_DIR_TO_BOARD, or -1 when not recorded */
	int64_t t_ns;      /* timestamp in ns (host time) */
	const uint8_t *data;
	size_t len;
	uint64_t offset; /* file offset of the block */
	uint64_t index;  /* packet number in the file, from 0 */
} ph_trace_rec;

/* Results of ph_trace_reader_next. */
enum ph_trace_next {
	PH_TRACE_ERROR = -1, /* corrupt: see ph_trace_reader_error(); sticky */
	PH_TRACE_END = 0,    /* no complete block left (end of file or torn tail) */
	PH_TRACE_RECORD = 1, /* *rec filled */
};

/* Open path and read its section header.  Returns NULL with a one-line
 * message in err ("path: offset 0: not a pcapng file ...") when it cannot be
 * opened, is not a regular file ("path: not a regular file": a FIFO, a
 * device, a directory; opened without blocking) or is not pcapng.  The reader owns the open file;
 * never blocks beyond file reads. */
ph_trace_reader *ph_trace_reader_open(const char *path, char *err, size_t errlen);

/* The same over a memory buffer (copied); name is used in messages. */
ph_trace_reader *ph_trace_reader_open_mem(const void *buf, size_t n, const char *name, char *err,
                                          size_t errlen);

/* Next packet.  Returns PH_TRACE_RECORD, PH_TRACE_END or PH_TRACE_ERROR.
 * After PH_TRACE_END a later call reads what was appended meanwhile. */
int ph_trace_reader_next(ph_trace_reader *r, ph_trace_rec *rec);

/* The error after PH_TRACE_ERROR, or NULL.  Owned by the reader. */
const char *ph_trace_reader_error(const ph_trace_reader *r);

/* A warning about a torn last block after PH_TRACE_END, or NULL. */
const char *ph_trace_reader_warning(const ph_trace_reader *r);

/* Offset just past the last complete block read. */
uint64_t ph_trace_reader_offset(const ph_trace_reader *r);

/* Close the file and free; NULL is fine. */
void ph_trace_reader_close(ph_trace_reader *r);

#endif
