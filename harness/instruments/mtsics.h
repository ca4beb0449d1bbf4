/*
 * mtsics.h - Mettler Toledo MT-SICS, the balances' Standard Interface
 * Command Set, levels 0 and 1: the replies a host parses and an emulated
 * balance formats.  No I/O here: lines in, lines out.
 *
 * Source: Mettler Toledo, "MT-SICS Interface Commands, Reference Manual"
 * (document 11780711, Excellence and New Classic balances), section 2
 * "Command formats" (commands and responses are ASCII lines closed by CR
 * LF; upper-case command names; a weight response is
 * "<ID> <Status> <WeightValue> <Unit>" with the value right-aligned in
 * 10 characters; the general errors ES, ET, EL) and section 3, commands
 * @ (cancel/reset: answers like I4), I2 (balance data), I4 (serial
 * number), S (stable weight), SI (immediate weight), SIR (immediate
 * weight, repeated), T (tare), Z (zero).
 *
 * Status characters of a response: S stable weight, D dynamic (not
 * stable) weight, A command executed, I not executable now (busy, or no
 * stability within the timeout), + overload, - underload, L logical error
 * (command understood, parameter not allowed), B more lines follow.  An
 * overload, underload, busy or error reply never carries a number: a
 * caller gets the kind, never a value to mistake for a weight.
 */
#ifndef PH_MTSICS_H
#define PH_MTSICS_H

#if !defined(PH_USES_INSTRUMENTS)
#error "instruments/ is not a declared dependency of this part"
#endif

#include <stddef.h>
#include <stdint.h>

enum mts_kind {
	MTS_WEIGHT,      /* S/D: a weight, stable or dynamic (value_ug, stable) */
	MTS_DONE,        /* A: executed, no value (Z A) */
	MTS_TEXT,        /* A with quoted fields: I2, I4, @ (text) */
	MTS_MORE,        /* B: one line of several (text) */
	MTS_BUSY,        /* I: not executable now */
	MTS_OVERLOAD,    /* + */
	MTS_UNDERLOAD,   /* - */
	MTS_LOGICAL,     /* L: the command's parameter is not allowed */
	MTS_ERR_SYNTAX,  /* ES: the balance did not recognise the command */
	MTS_ERR_TRANSM,  /* ET: transmission error (parity, break) */
	MTS_ERR_LOGICAL, /* EL: the command cannot be executed */
};

typedef struct mts_reply {
	char id[8]; /* the response's ID: "S", "T", "Z", "I4", ... ("" for ES/ET/EL) */
	enum mts_kind kind;
	int stable;       /* MTS_WEIGHT: 1 for S, 0 for D */
	int64_t value_ug; /* MTS_WEIGHT: the weight in micrograms, rounded to nearest */
	int decimals;     /* MTS_WEIGHT: digits after the point as sent (the display resolution) */
	char unit[4];     /* MTS_WEIGHT: "g", "mg" or "kg" as sent */
	char text[96];    /* MTS_TEXT, MTS_MORE: the quoted fields, joined by one space */
} mts_reply;

/* Parse one response line (without or with its CR LF).  Returns 0, or -1
 * with a one-line reason in err ("weight value '1.2.3' is not a number").
 * Units other than g, mg and kg are refused: the gravimetric method wants
 * mass, and a balance left in lb or ct is a bench mistake to name. */
int mts_parse(const char *line, size_t n, mts_reply *out, char *err, size_t errn);

/* Short name of a kind for messages: "stable weight", "overload", ... */
const char *mts_kind_name(enum mts_kind k);

/* The emulator's side: a weight response "<id> <S|D> <value> <unit>\r\n"
 * with the value in micrograms shown in grams with `decimals` digits
 * (0-6), right-aligned in 10 characters as the manual shows it.  Returns
 * the length written (excluding the NUL), or 0 when buf is too small. */
size_t mts_format_weight(char *buf, size_t n, const char *id, int stable, int64_t value_ug,
                         int decimals);

/* "<id> <status>\r\n" for A, I, +, -, L; or "ES\r\n", "ET\r\n", "EL\r\n"
 * when id is NULL and status is 'S', 'T' or 'L'. */
size_t mts_format_status(char *buf, size_t n, const char *id, char status);

/* "<id> A \"<text>\"\r\n" (I2, I4, @). */
size_t mts_format_text(char *buf, size_t n, const char *id, const char *text);

#endif
