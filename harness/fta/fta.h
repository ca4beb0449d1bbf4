/*
 * fta.h - fault trees in the Open-PSA Model Exchange Format (MEF): reading,
 * minimal cut sets and top-event probability.
 *
 * A model is read from one or more MEF files into one name space
 * (ph_fta_model_load).  Each top event of the model is then analysed
 * (ph_fta_analyse) into a result that owns copies of every name it holds,
 * so it stays valid after the model is freed.  Nothing here keeps global
 * state: two threads may use two models at once.
 *
 * Errors are one enum, 0 for success and negative for failures; the
 * functions that can fail on bad input also fill a caller-provided buffer
 * with one line "file:line: error: <element> '<name>': <what>".
 */
#ifndef PH_FTA_H
#define PH_FTA_H

#ifndef PH_USES_FTA
#error "fta/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>

typedef enum ph_fta_err {
	PH_FTA_OK = 0,
	PH_FTA_ENOMEM = -1,       /* out of memory */
	PH_FTA_EIO = -2,          /* a file could not be read */
	PH_FTA_EXML = -3,         /* malformed XML or not an MEF document */
	PH_FTA_EUNDEFINED = -4,   /* reference to an undefined event */
	PH_FTA_EDUPLICATE = -5,   /* a name defined twice, or a duplicate argument */
	PH_FTA_ECYCLE = -6,       /* a gate depends on itself */
	PH_FTA_EEMPTY = -7,       /* a gate without formula or a formula without arguments */
	PH_FTA_EUNSUPPORTED = -8, /* valid MEF this reader does not handle */
	PH_FTA_EINVALID = -9,     /* a bad attribute, value or argument count */
	PH_FTA_ETOP = -10,        /* no top event, or the one asked for is unknown */
	PH_FTA_ELIMIT = -11,      /* a size limit (BDD nodes, cut sets) was reached */
	PH_FTA_EARG = -12,        /* misuse of the API (NULL where not allowed ...) */
} ph_fta_err;

/* Returns a static English description of a ph_fta_err; never NULL. */
const char *ph_fta_strerror(int err);

typedef struct ph_fta_model ph_fta_model;

/*
 * Reads the MEF files paths[0..n-1] into one model (their definitions are
 * merged; a name defined in two files is a duplicate).  Blocks on file I/O;
 * never touches the network (XML_PARSE_NONET, no external entities).
 * On success stores a new model the caller frees with ph_fta_model_free and
 * returns PH_FTA_OK.  On failure stores NULL, writes one error line into
 * err (if errlen > 0; truncated to fit) and returns a negative ph_fta_err.
 */
int ph_fta_model_load(const char *const *paths, size_t n, ph_fta_model **out, char *err,
                      size_t errlen);

/*
 * As ph_fta_model_load for one document held in memory (buf, len bytes, not
 * NUL-terminated necessarily); name is used in error messages only.
 * The buffer is not kept.  Used by the fuzzer and the tests.
 */
int ph_fta_model_load_memory(const char *buf, size_t len, const char *name, ph_fta_model **out,
                             char *err, size_t errlen);

/* Frees a model and everything it owns.  NULL is allowed. */
void ph_fta_model_free(ph_fta_model *m);

/*
 * The top events: per fault tree (in input order), the gates of that tree
 * that no other gate of the same tree uses, in definition order (SCRAM's
 * rule).  Returns their number; ph_fta_model_top returns the i-th name,
 * owned by the model, or NULL when i is out of range.
 */
size_t ph_fta_model_top_count(const ph_fta_model *m);
const char *ph_fta_model_top(const ph_fta_model *m, size_t i);

#define PH_FTA_DEFAULT_MISSION_TIME 8760.0 /* hours, SCRAM's default */

/*
 * Sets the mission time (hours, > 0) that <system-mission-time/> stands for
 * and re-evaluates every basic event's probability expression.  Returns 0,
 * or on a probability outside [0, 1] (or another evaluation error) writes
 * one line into err and returns a negative ph_fta_err; the model then keeps
 * the failed evaluation and must not be analysed (free it).
 */
int ph_fta_model_set_mission_time(ph_fta_model *m, double hours, char *err, size_t errlen);

/*
 * Sets a house event's value (a bench condition: true or false) for later
 * analyses.  name is a public name or a full path.  Returns 0, or
 * PH_FTA_EUNDEFINED when no house event has that name (PH_FTA_EARG on NULL).
 */
int ph_fta_model_set_house_event(ph_fta_model *m, const char *name, int value);

/* Where the gate, basic or house event called name (public name or full
 * path) is defined: returns 1 with *file (owned by the model) and *line,
 * else 0. */
int ph_fta_model_where(const ph_fta_model *m, const char *name, const char **file, long *line);

/* The gates whose formula uses the gate or basic event called name
 * directly (nested formulas included): up to max of their names (public
 * name or full path, owned by the model) into out; returns how many there
 * are (also beyond max). */
size_t ph_fta_model_users(const ph_fta_model *m, const char *name, const char **out, size_t max);

/* Counts of what the model defines, for reports. */
size_t ph_fta_model_gate_count(const ph_fta_model *m);
size_t ph_fta_model_basic_count(const ph_fta_model *m);
size_t ph_fta_model_house_count(const ph_fta_model *m);
size_t ph_fta_model_param_count(const ph_fta_model *m);

typedef struct ph_fta_options {
	int limit_order;           /* keep cut sets of at most this many events; <= 0: no limit */
	size_t max_nodes;          /* BDD/ZBDD node cap each; 0: PH_FTA_DEFAULT_MAX_NODES */
	size_t max_products;       /* cut-set cap; 0: PH_FTA_DEFAULT_MAX_PRODUCTS */
	int importance;            /* non-zero: importance factors into the result */
	int no_ccf;                /* non-zero: CCF group members stay independent basic events
	                              with the group's distribution (SCRAM without --ccf); zero
	                              (the default): each member is the OR of its CCF events */
	size_t uncertainty_trials; /* > 0: Monte Carlo over the deviates, this many trials */
	unsigned long long seed;   /* of the trials' pseudo-random numbers */
} ph_fta_options;

#define PH_FTA_MAX_TRIALS ((size_t)10000000)

#define PH_FTA_DEFAULT_LIMIT_ORDER 20 /* SCRAM's default */
#define PH_FTA_DEFAULT_MAX_NODES ((size_t)1 << 25)
#define PH_FTA_DEFAULT_MAX_PRODUCTS ((size_t)1 << 25) /* 33,554,432 */

/* Fills o with the defaults (order limit 20 like SCRAM, default caps). */
void ph_fta_options_init(ph_fta_options *o);

typedef struct ph_fta_product {
	size_t order;        /* number of basic events */
	const char **events; /* order names, sorted with strcmp, owned by the result */
	double probability;  /* product of the events' probabilities (0 if unknown) */
} ph_fta_product;

/*
 * Importance factors of one basic event, SCRAM's definitions, with P the
 * top event's exact probability, p the event's and MIF computed on the BDD:
 * MIF (Birnbaum) = P(top | event) - P(top | not event); CIF (criticality) =
 * p MIF / P; RAW = 1 + (1 - p) MIF / P; DIF (Fussell-Vesely, diagnosis) =
 * p RAW; RRW = P / (P - p MIF), 0 when that divisor vanishes (the event is
 * in every way the top can happen).  With P = 0 all but MIF are 0.
 */
typedef struct ph_fta_importance {
	const char *event; /* owned by the result */
	size_t occurrence; /* minimal cut sets (within the order limit) holding it */
	double probability;
	double mif, cif, dif, raw, rrw;
} ph_fta_importance;

/*
 * Uncertainty (SCRAM's uncertainty analysis): per trial every deviate
 * (normal, lognormal, uniform, gamma, beta) is drawn once, each basic
 * event's probability evaluated and clamped to [0, 1], and the top event's
 * exact probability computed on the BDD.  sigma is the sample standard
 * deviation; the 95 % confidence interval of the mean is
 * mean -+ 1.96 sigma / sqrt(trials); error_factor is SCRAM's exp(1.96 sigma);
 * quantiles by rank of the sorted trials.
 */
typedef struct ph_fta_uncertainty {
	size_t trials; /* 0: not asked for, or no probability */
	unsigned long long seed;
	double mean, sigma, ci_low, ci_high, error_factor;
	double q05, median, q95;
} ph_fta_uncertainty;

typedef struct ph_fta_result {
	const char *top;   /* the top event analysed, owned by the result */
	size_t n_products; /* minimal cut sets, sorted by order then names */
	ph_fta_product *products;
	int limit_order;     /* the limit used; 0: none */
	int has_probability; /* 0 when some basic event has no probability */
	const char *missing; /* then: the first such basic event, else NULL */
	double probability;  /* exact, from the BDD (Shannon expansion) */
	double rare_event;   /* sum of cut-set probabilities, at most 1 (as SCRAM) */
	double mcub;         /* min-cut upper bound 1 - prod(1 - p(cut set)) */
	size_t n_vars;       /* basic events under the top event ... */
	const char **events; /* ... their names, sorted, owned by the result */
	size_t bdd_nodes;    /* nodes the BDD manager created */
	size_t zbdd_nodes;   /* nodes the ZBDD manager created */
	/* With options.importance and a known probability: one entry per basic
	 * event found in some cut set (as SCRAM lists them), sorted by name;
	 * else 0 and NULL. */
	size_t n_importance;
	ph_fta_importance *importance;
	ph_fta_uncertainty uncertainty; /* with options.uncertainty_trials */
} ph_fta_result;

/*
 * Analyses one top event of m: builds the BDD of the top gate (variables in
 * depth-first order of the tree), its exact probability, and the minimal cut
 * sets as a ZBDD (for non-coherent trees: the minimal sets of failed basic
 * events that make the top event true with every other basic event working,
 * which is what SCRAM reports without --prime-implicants).
 * top may be NULL when the model has exactly one top event; otherwise it is
 * a gate's name (or full path for a private gate).  opt may be NULL for the
 * defaults.  CPU-bound, does not block on I/O.
 * On success stores a new result the caller frees with ph_fta_result_free
 * and returns PH_FTA_OK.  On failure stores NULL, writes one line into err
 * and returns a negative ph_fta_err (ETOP, ELIMIT, ENOMEM, EARG).
 */
int ph_fta_analyse(const ph_fta_model *m, const char *top, const ph_fta_options *opt,
                   ph_fta_result **out, char *err, size_t errlen);

/* Frees a result and the names it owns.  NULL is allowed. */
void ph_fta_result_free(ph_fta_result *r);

#endif
