/*
 * fta_internal.h - the fault-tree model shared by the reader, the checks and
 * the analysis.  Not part of the public API (see fta.h).
 */
#ifndef PH_FTA_INTERNAL_H
#define PH_FTA_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "fta.h"

/* Kinds of formula arguments; the first three are also event kinds. */
typedef enum ph_fta_kind {
	PH_FTA_GATE = 0,
	PH_FTA_BASIC = 1,
	PH_FTA_HOUSE = 2,
	PH_FTA_FORMULA = 3, /* a nested formula */
	PH_FTA_CONST = 4,   /* <constant value=...>: index is 0 or 1 */
} ph_fta_kind;

typedef enum ph_fta_op {
	PH_FTA_AND,
	PH_FTA_OR,
	PH_FTA_ATLEAST,
	PH_FTA_NOT,
	PH_FTA_XOR,
	PH_FTA_NAND,
	PH_FTA_NOR,
	PH_FTA_NULL,
	PH_FTA_IFF,
	PH_FTA_IMPLY,
	PH_FTA_CARDINAL,
} ph_fta_op;

typedef struct ph_fta_ref {
	uint32_t kind; /* ph_fta_kind */
	uint32_t index;
} ph_fta_ref;

typedef struct ph_fta_formula {
	ph_fta_op op;
	int vote;     /* atleast/cardinal: min */
	int vote_max; /* cardinal: max */
	size_t first; /* arguments are m->args[first .. first + nargs) */
	size_t nargs;
} ph_fta_formula;

/* One defined event (gate, basic event or house event). */
typedef struct ph_fta_event {
	char *name; /* as written in the definition */
	char *path; /* base path + "." + name, or name at model level */
	int is_public;
	int tree; /* index into m->trees, -1 in model-data */
	int file; /* index into m->files */
	long line;
	size_t formula; /* gate: root formula index */
	double prob;    /* basic: probability, if has_prob */
	int has_prob;
	int value;  /* house: constant value */
	void *node; /* xmlNodePtr of the definition, during loading only */
	char *base; /* base path for references inside, during loading only */
} ph_fta_event;

/* String -> (kind, index) hash map with borrowed keys. */
typedef struct ph_fta_map_slot {
	const char *key;
	ph_fta_ref ref;
} ph_fta_map_slot;

typedef struct ph_fta_map {
	ph_fta_map_slot *slots;
	size_t cap; /* power of two, or 0 */
	size_t used;
} ph_fta_map;

/* Growable array of T: data, count and capacity. */
#define PH_FTA_VEC(T)                                                                              \
	struct {                                                                                   \
		T *v;                                                                              \
		size_t n, cap;                                                                     \
	}

struct ph_fta_model {
	PH_FTA_VEC(char *) files;
	PH_FTA_VEC(char *) trees;
	PH_FTA_VEC(ph_fta_event) ev[3]; /* by kind: gates, basic events, house events */
	PH_FTA_VEC(ph_fta_formula) formulas;
	PH_FTA_VEC(ph_fta_ref) args;
	PH_FTA_VEC(uint32_t) tops; /* gate indices */
	ph_fta_map by_id;          /* public name -> event */
	ph_fta_map by_path;        /* full path -> event */
	char *err;                 /* error buffer while loading */
	size_t errlen;
};

/* Grows a PH_FTA_VEC so one more element fits; returns 0 or PH_FTA_ENOMEM. */
int ph_fta_vec_grow(void **v, size_t *cap, size_t n, size_t elem);
#define PH_FTA_VEC_RESERVE(vec)                                                                    \
	ph_fta_vec_grow((void **)&(vec).v, &(vec).cap, (vec).n, sizeof *(vec).v)

/* Map: lookup returns 1 and fills *ref if found, else 0.  Insert returns 0,
 * PH_FTA_EDUPLICATE (key present; *ref gets the existing entry) or ENOMEM. */
int ph_fta_map_get(const ph_fta_map *map, const char *key, ph_fta_ref *ref);
int ph_fta_map_put(ph_fta_map *map, const char *key, ph_fta_ref ref, ph_fta_ref *old);
void ph_fta_map_free(ph_fta_map *map);

/* Writes "file:line: error: <element> '<name>': <fmt...>" into m->err and
 * returns code.  file < 0 leaves out the location. */
int ph_fta_fail(ph_fta_model *m, int code, int file, long line, const char *element,
                const char *name, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Element names of the kinds, as MEF spells them ("gate", "basic-event" ...). */
const char *ph_fta_kind_element(ph_fta_kind k);
/* ... and of their definitions ("define-gate" ...). */
const char *ph_fta_def_element(ph_fta_kind k);

/* Name resolution following SCRAM: first base.ref in the local scope, then a
 * public name, then (for dotted refs) a full path.  want < 0 accepts any
 * event kind.  Returns 1 and fills *out when found, else 0. */
int ph_fta_model_resolve(const ph_fta_model *m, const char *ref, const char *base, int want,
                         ph_fta_ref *out);

/* Registers a definition (name, role, tree, location); returns 0 or a
 * ph_fta_err after writing the message (duplicate, bad name, ENOMEM). */
int ph_fta_model_define(ph_fta_model *m, ph_fta_kind kind, const char *name, const char *base,
                        int is_public, int tree, int file, long line, void *node, uint32_t *index);

/* After all formulas are read: rejects cycles and computes the top events. */
int ph_fta_model_check(ph_fta_model *m);

/* Looks a gate up by public name or full path; returns 1 and its index. */
int ph_fta_model_find_gate(const ph_fta_model *m, const char *name, uint32_t *index);

ph_fta_model *ph_fta_model_new(void);

#endif
