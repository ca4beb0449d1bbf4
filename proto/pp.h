/*
 * pp.h - the pumphil wire protocol codec, shared by the harness and the board.
 *
 * Firmware-safe: no heap, no floating point, no libc beyond string.h; every
 * function works on caller-owned buffers and never blocks.  PROTOCOL.md is
 * the prose description; pp_messages.def and pp_codes.def are the tables.
 *
 * Layers:
 *   pp_cobs_*    byte stuffing so 0x00 can delimit frames on a byte stream
 *   pp_crc32     CRC-32 (ISO-HDLC, the zlib/Ethernet polynomial)
 *   pp_frame_*   header + payload + CRC  <->  one COBS-encoded frame on the wire
 *   pp_msg_*     typed message structs   <->  frame payload
 *   pp_deframer  splits a byte stream into frames at 0x00 delimiters
 */
#ifndef PP_H
#define PP_H

#include <stddef.h>
#include <stdint.h>

#define PP_VERSION 1
#define PP_HEADER_SIZE 16
#define PP_CRC_SIZE 4
#define PP_MAX_PAYLOAD 96
#define PP_MAX_RAW (PP_HEADER_SIZE + PP_MAX_PAYLOAD + PP_CRC_SIZE)
/* COBS adds one byte per 254 plus one; the wire frame also ends in 0x00. */
#define PP_MAX_WIRE (PP_MAX_RAW + PP_MAX_RAW / 254 + 2)

/* Channels: the pump's telemetry and the fixture's rig I/O. */
enum pp_channel { PP_CH_PUMP = 0, PP_CH_FIXTURE = 1, PP_CH_COUNT = 2 };
#define PP_CH_ANY 0xff

/* Codec errors: 0 is success, failures are negative. */
enum pp_err {
	PP_OK = 0,
	PP_ERR_COBS = -1,     /* invalid COBS encoding */
	PP_ERR_SHORT = -2,    /* shorter than header + CRC */
	PP_ERR_TOO_LONG = -3, /* longer than PP_MAX_WIRE / PP_MAX_RAW */
	PP_ERR_CRC = -4,      /* CRC mismatch */
	PP_ERR_VERSION = -5,  /* unsupported version */
	PP_ERR_LENGTH = -6,   /* header length disagrees with frame or message */
	PP_ERR_TYPE = -7,     /* unknown message type */
	PP_ERR_CHANNEL = -8,  /* message not valid on this channel */
	PP_ERR_SPACE = -9,    /* output buffer too small */
};
const char *pp_strerror(int err);

/* Header flags. */
#define PP_FLAG_RETRY 0x01 /* host retransmission of an earlier frame */

/* A decoded frame; payload is the message body, not yet typed. */
typedef struct pp_frame {
	uint8_t version;
	uint8_t channel;
	uint8_t type;
	uint8_t flags;
	uint16_t seq;
	uint16_t len;
	uint64_t board_us; /* board clock when sent; 0 from the host */
	uint8_t payload[PP_MAX_PAYLOAD];
} pp_frame;

/* ---- field and message descriptions, generated from the .def tables ---- */

enum pp_ftype { PP_T_U8, PP_T_U16, PP_T_U32, PP_T_U64, PP_T_I32, PP_T_I64 };
#define PP_CTYPE_U8 uint8_t
#define PP_CTYPE_U16 uint16_t
#define PP_CTYPE_U32 uint32_t
#define PP_CTYPE_U64 uint64_t
#define PP_CTYPE_I32 int32_t
#define PP_CTYPE_I64 int64_t

typedef struct pp_field_desc {
	const char *name;
	uint8_t type;    /* enum pp_ftype */
	uint16_t offset; /* offsetof in the message struct */
	const char *unit;
	const char *doc;
} pp_field_desc;

typedef struct pp_msg_desc {
	const char *name;
	uint8_t type;
	uint8_t channel;   /* PP_CH_PUMP, PP_CH_FIXTURE or PP_CH_ANY */
	uint16_t wire_len; /* encoded payload length */
	uint16_t struct_size;
	uint8_t nfields;
	const pp_field_desc *fields;
	const char *doc;
} pp_msg_desc;

/* One struct per message: pp_<name>, e.g. pp_bolus. */
#define PP_MSG(name, id, ch, doc)                                                                  \
	typedef struct pp_##name {                                                                 \
		uint8_t pp_unused_;
#define PP_F(name, t, field, unit, doc) PP_CTYPE_##t field;
#define PP_END(name)                                                                               \
	}                                                                                          \
	pp_##name;
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END

/* Message type ids: PP_MSG_<NAME> with the name upper-cased by hand below is
 * error-prone, so the ids are spelled pp_type_<name>. */
enum pp_type {
#define PP_MSG(name, id, ch, doc) pp_type_##name = id,
#define PP_F(name, t, field, unit, doc)
#define PP_END(name)
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END
};

/* Codes from pp_codes.def: PP_<TABLE>_<NAME>. */
enum pp_code {
#define PP_CODE(table, name, value, doc) PP_##table##_##name = value,
#include "pp_codes.def"
#undef PP_CODE
};

typedef struct pp_code_desc {
	const char *table;
	const char *name;
	int value;
	const char *doc;
} pp_code_desc;

/* A typed message: type selects the union member. */
typedef struct pp_msg {
	uint8_t type;
	union {
#define PP_MSG(name, id, ch, doc) pp_##name name;
#define PP_F(name, t, field, unit, doc)
#define PP_END(name)
#include "pp_messages.def"
#undef PP_MSG
#undef PP_F
#undef PP_END
	} u;
} pp_msg;

/* ---- COBS ---- */

/* Encode n bytes into out (cap bytes).  Returns the encoded length (no
 * delimiter), or PP_ERR_SPACE.  Never blocks. */
int pp_cobs_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);
/* Decode n COBS bytes (no delimiter) into out.  Returns the decoded length,
 * PP_ERR_COBS for a zero byte or an overrun code, or PP_ERR_SPACE. */
int pp_cobs_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

/* ---- CRC-32 (reflected 0xEDB88320, init and xorout 0xFFFFFFFF) ---- */

/* crc = pp_crc32(0, buf, n) starts; pass the previous result to continue. */
uint32_t pp_crc32(uint32_t crc, const void *buf, size_t n);

/* ---- frames ---- */

/* Encode f into out as COBS bytes followed by a 0x00 delimiter.  Returns the
 * number of bytes written or a negative pp_err. */
int pp_frame_encode(const pp_frame *f, uint8_t *out, size_t cap);
/* Decode one wire frame (COBS bytes, delimiter excluded) into f.  Checks
 * COBS, length, CRC and version.  Returns PP_OK or a negative pp_err; on
 * error the header fields that could be read are still filled in (seq and
 * type are 0 when unknown) so the caller can NAK precisely. */
int pp_frame_decode(const uint8_t *wire, size_t n, pp_frame *f);

/* ---- messages ---- */

const pp_msg_desc *pp_msg_desc_find(uint8_t type);
const pp_msg_desc *pp_msg_desc_by_name(const char *name);
/* All descriptors, terminated by a NULL name. */
extern const pp_msg_desc pp_msg_descs[];

/* Put m into f's payload and type; the header's seq, channel, flags and
 * board_us are left for the caller.  Returns PP_OK or PP_ERR_TYPE. */
int pp_msg_pack(const pp_msg *m, pp_frame *f);
/* Read f's payload as a typed message.  The payload may be longer than the
 * message (newer minor version), never shorter.  Returns PP_OK, PP_ERR_TYPE,
 * PP_ERR_CHANNEL or PP_ERR_LENGTH. */
int pp_msg_unpack(const pp_frame *f, pp_msg *m);

/* Convenience: pack m with the given header fields and encode to the wire. */
int pp_msg_encode(const pp_msg *m, uint8_t channel, uint16_t seq, uint64_t board_us, uint8_t *out,
                  size_t cap);

/* ---- codes ---- */

extern const pp_code_desc pp_code_descs[]; /* terminated by a NULL table */
/* Name of value in table ("ALARM", ...) or NULL. */
const char *pp_code_name(const char *table, int value);

/* ---- stream deframer ---- */

/* Splits bytes at 0x00 delimiters.  A frame longer than PP_MAX_WIRE is
 * dropped whole and counted in overruns. */
typedef struct pp_deframer {
	uint8_t buf[PP_MAX_WIRE];
	size_t n;
	uint8_t overflow;
	uint32_t overruns;
} pp_deframer;

void pp_deframer_init(pp_deframer *d);
/* Consume bytes from *in (advancing *in and *n) until one frame is complete.
 * Returns its length (COBS bytes in d->buf, delimiter excluded), 0 when more
 * input is needed.  Empty frames (two delimiters in a row) are skipped. */
size_t pp_deframer_push(pp_deframer *d, const uint8_t **in, size_t *n);

#endif
