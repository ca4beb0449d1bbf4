/*
 * fta_internal.h - the fault-tree model shared by the reader, the checks and
 * the analysis.  Not part of the public API (see fta.h).
 */
#ifndef PH_FTA_INTERNAL_H
#define PH_FTA_INTERNAL_H

#ifndef PH_USES_FTA
#error "fta/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "fta.h"

/* Kinds of definitions and formula arguments.  The first four are
 * definitions (held in m->ev[kind]); parameters have their own name space,
 * as in SCRAM. */
typedef enum ph_fta_kind {
	PH_FTA_GATE = 0,
	PH_FTA_BASIC = 1,
	PH_FTA_HOUSE = 2,
	PH_FTA_PARAM = 3,
	PH_FTA_FORMULA = 4, /* a nested formula */
	PH_FTA_CONST = 5,   /* <constant value=...>: index is 0 or 1 */
} ph_fta_kind;

#define PH_FTA_NDEFS 4

/* Probability expressions (fta_expr.c evaluates them). */
typedef enum ph_fta_xop {
	PH_FTA_X_CONST,   /* value */
	PH_FTA_X_PARAM,   /* index: parameter */
	PH_FTA_X_MISSION, /* <system-mission-time/> */
	PH_FTA_X_NEG,
	PH_FTA_X_ADD,
	PH_FTA_X_SUB,
	PH_FTA_X_MUL,
	PH_FTA_X_DIV,
	PH_FTA_X_EXPONENTIAL, /* lambda, t: 1 - exp(-lambda t) */
	PH_FTA_X_GLM,         /* gamma, lambda, mu, t */
	PH_FTA_X_WEIBULL,     /* alpha, beta, t0, t */
	PH_FTA_X_PERIODIC,    /* lambda, tau, theta, t: as good as new after each test */
	PH_FTA_X_NORMAL,      /* deviates evaluate to their mean */
	PH_FTA_X_LOGNORMAL,
	PH_FTA_X_UNIFORM,
	PH_FTA_X_GAMMA, /* k, theta: mean k theta */
	PH_FTA_X_BETA,  /* alpha, beta: mean alpha / (alpha + beta) */
} ph_fta_xop;

typedef struct ph_fta_expr {
	ph_fta_xop op;
	double value;
	uint32_t index;
	size_t first, nargs; /* arguments are m->xargs.v[first .. first + nargs) */
	int file;
	long line;
} ph_fta_expr;

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
	size_t expr;    /* basic event, parameter: expression index, if has_expr */
	int has_expr;
	double prob; /* basic: probability, if has_prob */
	int has_prob;
	int value;     /* house: constant value */
	int ccf;       /* basic: 1 + group index for a CCF group's member or CCF event, else 0 */
	int ccf_level; /* CCF event: members failing together; 0 for a member */
	size_t ccf_formula; /* member: its OR over the CCF events holding it */
	uint64_t ccf_mask;  /* CCF event: the members it holds (bit = member index) */
	void *node;         /* xmlNodePtr of the definition, during loading only */
	char *base;         /* base path for references inside, during loading only */
} ph_fta_event;

/* Common-cause failure group models (SCRAM's ccf_group.cc). */
typedef enum ph_fta_ccf_model {
	PH_FTA_CCF_BETA,
	PH_FTA_CCF_MGL,
	PH_FTA_CCF_ALPHA,
	PH_FTA_CCF_PHI,
} ph_fta_ccf_model;

#define PH_FTA_CCF_MAX_EVENTS 4096 /* CCF events per group: members choose levels */
#define PH_FTA_CCF_MAX_MEMBERS 64  /* members per group */
#define PH_FTA_CCF_MAX_LEVEL 32    /* factor levels */

/* A define-CCF-group: its members are basic events it defines; expanded,
 * each member stands for the OR of the CCF events that hold it. */
typedef struct ph_fta_ccf {
	ph_fta_event def; /* name, path, base, role, location, node */
	ph_fta_ccf_model model;
	uint32_t *members; /* basic events, in definition order */
	size_t nmembers;
	size_t distribution; /* expression: each member's total probability Q */
	int has_distribution;
	size_t factor[32]; /* expression per level, index level - 1 */
	int factor_line[32];
	size_t max_level;     /* highest level with a factor */
	uint32_t first_event; /* its CCF events: ev[PH_FTA_BASIC] from here ... */
	size_t nevents;       /* ... this many */
} ph_fta_ccf;

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
	PH_FTA_VEC(ph_fta_event) ev[PH_FTA_NDEFS]; /* by kind */
	PH_FTA_VEC(ph_fta_formula) formulas;
	PH_FTA_VEC(ph_fta_ref) args;
	PH_FTA_VEC(ph_fta_expr) exprs;
	PH_FTA_VEC(size_t) xargs;
	PH_FTA_VEC(uint32_t) tops; /* gate indices */
	PH_FTA_VEC(ph_fta_ccf) ccfs;
	ph_fta_map by_id;       /* public name -> event */
	ph_fta_map by_path;     /* full path -> event */
	ph_fta_map param_by_id; /* the same for parameters */
	ph_fta_map param_by_path;
	double mission_time; /* hours, for <system-mission-time/> */
	char *err;           /* error buffer while loading */
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
 * event kind; PH_FTA_PARAM looks among parameters.  Returns 1 and fills *out when found, else 0. */
int ph_fta_model_resolve(const ph_fta_model *m, const char *ref, const char *base, int want,
                         ph_fta_ref *out);

/* Registers a definition (name, role, tree, location); returns 0 or a
 * ph_fta_err after writing the message (duplicate, bad name, ENOMEM). */
int ph_fta_model_define(ph_fta_model *m, ph_fta_kind kind, const char *name, const char *base,
                        int is_public, int tree, int file, long line, void *node, uint32_t *index);

/* After all formulas are read: rejects cycles and computes the top events. */
int ph_fta_model_check(ph_fta_model *m);

/* Evaluates every basic event's expression at m->mission_time into its
 * probability; returns 0 or a ph_fta_err after writing the message (value
 * outside [0, 1], division by zero, parameter cycle, ENOMEM). */
int ph_fta_model_evaluate(ph_fta_model *m);

/* After every expression is read: checks the CCF groups and adds their CCF
 * events and each member's OR formula (fta_ccf.c). */
int ph_fta_model_expand_ccf(ph_fta_model *m);

/* Evaluates the CCF groups' distributions and factors into their CCF events'
 * probabilities (fta_ccf.c); eval evaluates one expression. */
int ph_fta_model_evaluate_ccf(ph_fta_model *m, void *ctx,
                              int (*eval)(void *ctx, size_t x, const char *owner, double *out));

/* Monte Carlo over the model's deviates (fta_expr.c).  A sampler draws, per
 * trial, every deviate once (a parameter's once for all its users, as SCRAM
 * resets and samples its expressions) and evaluates the basic events asked
 * for, clamped to [0, 1] as SCRAM does.  Pseudo-random numbers: xoshiro256**
 * seeded by splitmix64 from seed, so a seed repeats its draws. */
typedef struct ph_fta_sampler ph_fta_sampler;
ph_fta_sampler *ph_fta_sampler_new(const ph_fta_model *m, uint64_t seed);
void ph_fta_sampler_free(ph_fta_sampler *s);
/* One trial: out[i] the probability of basic event basic[i].  Returns 0, or
 * a ph_fta_err with *owner the definition whose value failed. */
int ph_fta_sampler_draw(ph_fta_sampler *s, const uint32_t *basic, size_t n, double *out,
                        const char **owner);

/* The probability of the CCF events of each level (q[k - 1]) of group gi,
 * from its distribution and factors as eval gives them (fta_ccf.c); check:
 * refuse values outside [0, 1] (point values; samples are clamped later). */
int ph_fta_ccf_levels(ph_fta_model *m, size_t gi, void *ctx,
                      int (*eval)(void *ctx, size_t x, const char *owner, double *out), int check,
                      double *q);

/* Looks a gate up by public name or full path; returns 1 and its index. */
int ph_fta_model_find_gate(const ph_fta_model *m, const char *name, uint32_t *index);

ph_fta_model *ph_fta_model_new(void);

#endif
