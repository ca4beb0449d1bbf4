/*
 * test_fta_mcs.c - minimal cut sets and probabilities against brute force.
 *
 * Random fault trees (seeded, so every run is the same) over a few basic
 * events, with every connective the reader takes, nested formulas, house
 * events and constants, are written as MEF text, read and analysed; the
 * answer is compared with a truth-table evaluation of the same tree:
 * cut sets are the minimal sets P of events with f(exactly P failed) true,
 * the exact probability the sum over all assignments.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fta/fta.h"

#define NV 7   /* basic events e0..e6 */
#define NG 6   /* gates g0..g5, g0 the top; g_i uses only g_j with j > i */
#define MAXA 5 /* arguments per formula */

enum { A_EVENT, A_GATE, A_HOUSE, A_CONST, A_FORMULA };
enum { F_AND, F_OR, F_ATLEAST, F_NOT, F_XOR, F_NAND, F_NOR, F_NULL, F_IFF, F_IMPLY, F_CARD, F_N };
static const char *const op_names[F_N] = { "and", "or",   "atleast", "not",   "xor",     "nand",
	                                   "nor", "null", "iff",     "imply", "cardinal" };

typedef struct arg {
	int kind, index; /* A_FORMULA: index into the tree's formulas */
} arg;

typedef struct formula {
	int op, min, max, n;
	arg a[MAXA];
} formula;

typedef struct tree {
	formula f[64];
	int nf;
	int gate_formula[NG];
	double p[NV];
	int house[2]; /* h0 true, h1 false */
} tree;

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static int arity(int op, int *lo, int *hi)
{
	static const int range[F_N][2] = { { 2, MAXA }, { 2, MAXA }, { 3, MAXA }, { 1, 1 },
		                           { 2, 2 },    { 2, MAXA }, { 2, MAXA }, { 1, 1 },
		                           { 2, 2 },    { 2, 2 },    { 1, MAXA } };
	*lo = range[op][0];
	*hi = range[op][1];
	return *lo + (int)rnd((uint32_t)(*hi - *lo + 1));
}

static int has_arg(const formula *f, arg x)
{
	for (int i = 0; i < f->n; i++)
		if (f->a[i].kind == x.kind && f->a[i].index == x.index && x.kind != A_FORMULA &&
		    x.kind != A_CONST)
			return 1;
	return 0;
}

static int gen_formula(tree *t, int gate, int depth);

static arg gen_arg(tree *t, int gate, int depth)
{
	uint32_t r = rnd(100);
	if (r < 55)
		return (arg){ A_EVENT, (int)rnd(NV) };
	if (r < 80 && gate + 1 < NG)
		return (arg){ A_GATE, gate + 1 + (int)rnd((uint32_t)(NG - gate - 1)) };
	if (r < 86)
		return (arg){ A_HOUSE, (int)rnd(2) };
	if (r < 89)
		return (arg){ A_CONST, (int)rnd(2) };
	if (depth < 2)
		return (arg){ A_FORMULA, gen_formula(t, gate, depth + 1) };
	return (arg){ A_EVENT, (int)rnd(NV) };
}

static int gen_formula(tree *t, int gate, int depth)
{
	int id = t->nf++;
	formula f = { .op = (int)rnd(F_N) };
	int lo, hi, n = arity(f.op, &lo, &hi);
	while (f.n < n) {
		arg x = gen_arg(t, gate, depth);
		if (!has_arg(&f, x))
			f.a[f.n++] = x;
	}
	if (f.op == F_ATLEAST)
		f.min = 2 + (int)rnd((uint32_t)(f.n - 2));
	if (f.op == F_CARD) {
		f.min = (int)rnd((uint32_t)f.n + 1);
		f.max = f.min + (int)rnd((uint32_t)(f.n - f.min + 1));
	}
	t->f[id] = f;
	return id;
}

static void gen_tree(tree *t)
{
	memset(t, 0, sizeof *t);
	for (int g = NG - 1; g >= 0; g--)
		t->gate_formula[g] = gen_formula(t, g, 0);
	for (int v = 0; v < NV; v++)
		t->p[v] = (1 + (int)rnd(99)) / 100.0;
	t->house[0] = 1;
}

/* --- writing MEF ------------------------------------------------------------- */

static void put(char **s, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[256];
	int k = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	*s = realloc(*s, *len + (size_t)k + 1);
	memcpy(*s + *len, buf, (size_t)k + 1);
	*len += (size_t)k;
}

static void write_formula(const tree *t, int id, char **s, size_t *len)
{
	const formula *f = &t->f[id];
	put(s, len, "<%s", op_names[f->op]);
	if (f->op == F_ATLEAST || f->op == F_CARD)
		put(s, len, " min=\"%d\"", f->min);
	if (f->op == F_CARD)
		put(s, len, " max=\"%d\"", f->max);
	put(s, len, ">");
	for (int i = 0; i < f->n; i++) {
		arg x = f->a[i];
		if (x.kind == A_EVENT)
			put(s, len, "<%s name=\"e%d\"/>", x.index % 2 ? "event" : "basic-event",
			    x.index);
		else if (x.kind == A_GATE)
			put(s, len, "<gate name=\"g%d\"/>", x.index);
		else if (x.kind == A_HOUSE)
			put(s, len, "<house-event name=\"h%d\"/>", x.index);
		else if (x.kind == A_CONST)
			put(s, len, "<constant value=\"%s\"/>", x.index ? "true" : "false");
		else
			write_formula(t, x.index, s, len);
	}
	put(s, len, "</%s>\n", op_names[f->op]);
}

static char *write_tree(const tree *t)
{
	char *s = NULL;
	size_t len = 0;
	put(&s, &len, "<?xml version=\"1.0\"?>\n<opsa-mef>\n<define-fault-tree name=\"R\">\n");
	for (int g = 0; g < NG; g++) {
		put(&s, &len, "<define-gate name=\"g%d\">\n", g);
		write_formula(t, t->gate_formula[g], &s, &len);
		put(&s, &len, "</define-gate>\n");
	}
	put(&s, &len, "</define-fault-tree>\n<model-data>\n");
	for (int v = 0; v < NV; v++)
		put(&s, &len,
		    "<define-basic-event name=\"e%d\"><float "
		    "value=\"%.2f\"/></define-basic-event>\n",
		    v, t->p[v]);
	put(&s, &len,
	    "<define-house-event name=\"h0\"><constant value=\"true\"/></define-house-event>\n");
	put(&s, &len, "<define-house-event name=\"h1\"/>\n</model-data>\n</opsa-mef>\n");
	return s;
}

/* --- truth table --------------------------------------------------------------- */

static int eval_formula(const tree *t, int id, unsigned mask);

static int eval_arg(const tree *t, arg x, unsigned mask)
{
	switch (x.kind) {
	case A_EVENT: return (mask >> x.index) & 1;
	case A_GATE: return eval_formula(t, t->gate_formula[x.index], mask);
	case A_HOUSE: return t->house[x.index];
	case A_CONST: return x.index;
	default: return eval_formula(t, x.index, mask);
	}
}

static int eval_formula(const tree *t, int id, unsigned mask)
{
	const formula *f = &t->f[id];
	int v[MAXA], ones = 0;
	for (int i = 0; i < f->n; i++)
		ones += v[i] = eval_arg(t, f->a[i], mask);
	switch (f->op) {
	case F_AND: return ones == f->n;
	case F_OR: return ones > 0;
	case F_ATLEAST: return ones >= f->min;
	case F_NOT: return !v[0];
	case F_XOR: return v[0] != v[1];
	case F_NAND: return ones < f->n;
	case F_NOR: return ones == 0;
	case F_NULL: return v[0];
	case F_IFF: return v[0] == v[1];
	case F_IMPLY: return !v[0] || v[1];
	default: return ones >= f->min && ones <= f->max;
	}
}

typedef struct expected {
	unsigned sets[1 << NV];
	int n;
	double p;
	double mif[NV]; /* Birnbaum: P(f | e_v) - P(f | not e_v) */
} expected;

static void brute_force(const tree *t, int limit, expected *e)
{
	int truth[1 << NV];
	e->n = 0;
	e->p = 0;
	for (unsigned m = 0; m < (1u << NV); m++) {
		truth[m] = eval_formula(t, t->gate_formula[0], m);
		double q = 1;
		for (int v = 0; v < NV; v++)
			q *= (m >> v) & 1 ? t->p[v] : 1 - t->p[v];
		e->p += truth[m] * q;
	}
	for (int v = 0; v < NV; v++) {
		e->mif[v] = 0;
		for (unsigned m = 0; m < (1u << NV); m++) {
			if ((m >> v) & 1)
				continue;
			double q = 1; /* probability of the other events' states */
			for (int w = 0; w < NV; w++)
				if (w != v)
					q *= (m >> w) & 1 ? t->p[w] : 1 - t->p[w];
			e->mif[v] += q * (truth[m | 1u << v] - truth[m]);
		}
	}
	for (unsigned m = 0; m < (1u << NV); m++) {
		if (!truth[m] || (limit > 0 && __builtin_popcount(m) > limit))
			continue;
		int minimal = 1;
		for (unsigned s = (m - 1) & m; minimal && s != m; s = (s - 1) & m) {
			if (truth[s])
				minimal = 0;
			if (s == 0)
				break;
		}
		if (minimal)
			e->sets[e->n++] = m;
	}
}

static unsigned product_mask(const ph_fta_product *p)
{
	unsigned m = 0;
	for (size_t i = 0; i < p->order; i++) {
		assert_int_equal(p->events[i][0], 'e');
		m |= 1u << atoi(p->events[i] + 1);
	}
	return m;
}

/* Importance: exactly the events found in cut sets, with their occurrence,
 * the brute-force Birnbaum factor and SCRAM's factors derived from it. */
static void check_importance(const tree *t, const ph_fta_result *r, const expected *e)
{
	size_t occ[NV] = { 0 }, listed = 0;
	for (size_t i = 0; i < r->n_products; i++) {
		unsigned mask = product_mask(&r->products[i]);
		for (int v = 0; v < NV; v++)
			occ[v] += (mask >> v) & 1;
	}
	for (int v = 0; v < NV; v++)
		listed += occ[v] > 0;
	assert_int_equal(r->n_importance, listed);
	for (size_t i = 0; i < r->n_importance; i++) {
		const ph_fta_importance *f = &r->importance[i];
		int v = atoi(f->event + 1);
		double p = t->p[v], mif = e->mif[v];
		assert_int_equal(f->occurrence, occ[v]);
		assert_float_equal(f->probability, p, 1e-15);
		if (fabs(f->mif - mif) > 1e-12)
			fail_msg("%s: MIF %.17g vs %.17g", f->event, f->mif, mif);
		if (e->p == 0)
			continue;
		assert_float_equal(f->cif, p * mif / e->p, 1e-9);
		assert_float_equal(f->raw, 1 + (1 - p) * mif / e->p, 1e-9);
		assert_float_equal(f->dif, p * (1 + (1 - p) * mif / e->p), 1e-9);
		if (fabs(e->p - p * mif) > 1e-9)
			assert_float_equal(f->rrw, e->p / (e->p - p * mif), 1e-6 * fabs(f->rrw));
	}
	if (r->n_importance > 1)
		assert_true(strcmp(r->importance[0].event, r->importance[1].event) < 0);
}

static void check_tree(const tree *t, int limit)
{
	char *xml = write_tree(t), err[512];
	ph_fta_model *m = NULL;
	ph_fta_result *r = NULL;
	int rc = ph_fta_model_load_memory(xml, strlen(xml), "random.xml", &m, err, sizeof err);
	if (rc)
		fail_msg("%s\n%s", err, xml);
	ph_fta_options o;
	ph_fta_options_init(&o);
	o.limit_order = limit;
	o.importance = 1;
	assert_int_equal(ph_fta_analyse(m, "g0", &o, &r, err, sizeof err), 0);
	expected e;
	brute_force(t, limit, &e);
	if ((int)r->n_products != e.n || fabs(r->probability - e.p) > 1e-12)
		fail_msg("%zu sets vs %d expected, p %.17g vs %.17g\n%s", r->n_products, e.n,
		         r->probability, e.p, xml);
	double rare = 0, none = 1;
	for (size_t i = 0; i < r->n_products; i++) {
		unsigned mask = product_mask(&r->products[i]);
		int found = 0;
		for (int k = 0; k < e.n; k++)
			found |= e.sets[k] == mask;
		if (!found)
			fail_msg("cut set %#x is not minimal\n%s", mask, xml);
		double q = 1;
		for (int v = 0; v < NV; v++)
			q *= (mask >> v) & 1 ? t->p[v] : 1;
		assert_float_equal(r->products[i].probability, q, 1e-15);
		rare += q;
		none *= 1 - q;
		if (i > 0)
			assert_true(r->products[i - 1].order <= r->products[i].order);
	}
	assert_float_equal(r->rare_event, rare > 1 ? 1 : rare, 1e-12);
	assert_float_equal(r->mcub, 1 - none, 1e-12);
	check_importance(t, r, &e);
	ph_fta_result_free(r);
	ph_fta_model_free(m);
	free(xml);
}

static void test_random_trees(void **state)
{
	(void)state;
	rng_state = 0x9E3779B97F4A7C15ull;
	tree t;
	for (int i = 0; i < 400; i++) {
		gen_tree(&t);
		check_tree(&t, 0);
		check_tree(&t, 1 + i % 3);
	}
}

/* --- fixed cases ------------------------------------------------------------------ */

static ph_fta_result *analyse(const char *xml, const char *top, const ph_fta_options *o)
{
	char err[512];
	ph_fta_model *m = NULL;
	ph_fta_result *r = NULL;
	if (ph_fta_model_load_memory(xml, strlen(xml), "t.xml", &m, err, sizeof err))
		fail_msg("%s", err);
	if (ph_fta_analyse(m, top, o, &r, err, sizeof err))
		fail_msg("%s", err);
	ph_fta_model_free(m); /* the result must not need the model */
	return r;
}

#define DOC(gates, data)                                                                           \
	"<?xml version=\"1.0\"?><opsa-mef><define-fault-tree name=\"T\">" gates                    \
	"</define-fault-tree><model-data>" data "</model-data></opsa-mef>"
#define BE(n, p) "<define-basic-event name=\"" n "\"><float value=\"" p "\"/></define-basic-event>"

/* SCRAM's reading of a non-coherent tree: a + not(a).b gives {a}, {b}. */
/* Monte Carlo: top = a OR b, a ~ U(0, 0.2), b = gamma(2, 0.05) * 0 + 0.1
 * (a deviate that is constant), so P = 0.1 + 0.9 a: mean 0.19, sigma
 * 0.9 * 0.2 / sqrt(12).  Same seed, same draws; another seed, others. */
static void test_uncertainty(void **state)
{
	(void)state;
	const char *xml = "<opsa-mef><define-fault-tree name=\"t\"><define-gate name=\"top\"><or>"
	                  "<basic-event name=\"a\"/><basic-event name=\"b\"/></or></define-gate>"
	                  "<define-basic-event name=\"a\"><uniform-deviate><float value=\"0\"/>"
	                  "<float value=\"0.2\"/></uniform-deviate></define-basic-event>"
	                  "<define-basic-event name=\"b\"><add><float value=\"0.1\"/><mul><float "
	                  "value=\"0\"/><gamma-deviate><float value=\"2\"/><float value=\"0.05\"/>"
	                  "</gamma-deviate></mul></add></define-basic-event>"
	                  "</define-fault-tree></opsa-mef>";
	ph_fta_options o;
	ph_fta_options_init(&o);
	o.uncertainty_trials = 20000;
	o.seed = 42;
	ph_fta_result *r1 = analyse(xml, NULL, &o), *r2 = analyse(xml, NULL, &o);
	o.seed = 43;
	ph_fta_result *r3 = analyse(xml, NULL, &o);
	const ph_fta_uncertainty *u = &r1->uncertainty;
	double sigma = 0.9 * 0.2 / sqrt(12);
	assert_int_equal(u->trials, 20000);
	assert_float_equal(r1->probability, 0.19, 1e-12);
	if (fabs(u->mean - 0.19) > 3 * sigma / sqrt(20000))
		fail_msg("mean %g, expected 0.19 +- %g", u->mean, 3 * sigma / sqrt(20000));
	assert_float_equal(u->sigma, sigma, 0.03 * sigma);
	assert_true(u->q05 < u->median && u->median < u->q95);
	assert_float_equal(u->median, 0.19, 0.01);
	assert_float_equal(u->q05, 0.1 + 0.9 * 0.01, 0.005);
	assert_true(fabs(u->ci_high - u->ci_low - 2 * 1.96 * u->sigma / sqrt(20000)) < 1e-12);
	assert_true(u->mean == r2->uncertainty.mean && u->sigma == r2->uncertainty.sigma);
	assert_true(u->mean != r3->uncertainty.mean);
	ph_fta_result_free(r1);
	ph_fta_result_free(r2);
	ph_fta_result_free(r3);
}

/* The default cut-set cap must not refuse what SCRAM lists with its
 * defaults: CEA9601 at order 5 has 1,615,876 (issue 20).  Here (a1 or ...
 * or a1100) and (b1 or ... or b1100): 1,210,000 cut sets of order 2. */
static void test_default_cap_lists_millions(void **state)
{
	(void)state;
	size_t cap = 1 << 20, len = 0;
	char *xml = malloc(cap);
	assert_non_null(xml);
	len += (size_t)snprintf(xml + len, cap - len,
	                        "<opsa-mef><define-fault-tree name=\"t\"><define-gate "
	                        "name=\"top\"><and>");
	for (int side = 0; side < 2; side++) {
		len += (size_t)snprintf(xml + len, cap - len, "<or>");
		for (int i = 0; i < 1100; i++)
			len += (size_t)snprintf(xml + len, cap - len,
			                        "<basic-event name=\"%c%d\"/>", "ab"[side], i);
		len += (size_t)snprintf(xml + len, cap - len, "</or>");
	}
	len += (size_t)snprintf(xml + len, cap - len, "</and></define-gate>");
	for (int side = 0; side < 2; side++)
		for (int i = 0; i < 1100; i++)
			len += (size_t)snprintf(xml + len, cap - len,
			                        "<define-basic-event name=\"%c%d\"><float "
			                        "value=\"0.001\"/></define-basic-event>",
			                        "ab"[side], i);
	len += (size_t)snprintf(xml + len, cap - len, "</define-fault-tree></opsa-mef>");
	assert_true(len < cap);
	ph_fta_options o;
	ph_fta_options_init(&o);
	ph_fta_result *r = analyse(xml, NULL, &o);
	assert_int_equal(r->n_products, 1210000);
	assert_int_equal(r->products[r->n_products - 1].order, 2);
	ph_fta_result_free(r);
	free(xml);
}

static void test_non_coherent_drops_complements(void **state)
{
	(void)state;
	ph_fta_result *r = analyse(DOC("<define-gate name=\"top\"><or><event name=\"a\"/><gate "
	                               "name=\"g\"/></or></define-gate>"
	                               "<define-gate name=\"g\"><and><not><event "
	                               "name=\"a\"/></not><event name=\"b\"/></and></define-gate>",
	                               BE("a", "0.1") BE("b", "0.2")),
	                           NULL, NULL);
	assert_string_equal(r->top, "top");
	assert_int_equal(r->n_products, 2);
	assert_string_equal(r->products[0].events[0], "a");
	assert_string_equal(r->products[1].events[0], "b");
	assert_float_equal(r->probability, 0.28, 1e-15);
	assert_int_equal(r->limit_order, PH_FTA_DEFAULT_LIMIT_ORDER);
	ph_fta_result_free(r);
}

static void test_constant_tops(void **state)
{
	(void)state;
	ph_fta_result *r = analyse(DOC("<define-gate name=\"top\"><or><house-event "
	                               "name=\"on\"/><event name=\"a\"/></or></define-gate>",
	                               BE("a", "0.1") "<define-house-event name=\"on\"><constant "
	                                              "value=\"true\"/></define-house-event>"),
	                           NULL, NULL);
	assert_int_equal(r->n_products, 1); /* the empty set: always failed */
	assert_int_equal(r->products[0].order, 0);
	assert_float_equal(r->probability, 1.0, 0);
	ph_fta_result_free(r);
	r = analyse(DOC("<define-gate name=\"top\"><and><house-event name=\"off\"/><event "
	                "name=\"a\"/></and></define-gate>",
	                BE("a", "0.1") "<define-house-event name=\"off\"/>"),
	            NULL, NULL);
	assert_int_equal(r->n_products, 0);
	assert_float_equal(r->probability, 0.0, 0);
	assert_float_equal(r->rare_event, 0.0, 0);
	ph_fta_result_free(r);
}

static void test_missing_probability(void **state)
{
	(void)state;
	ph_fta_result *r = analyse(DOC("<define-gate name=\"top\"><and><event name=\"a\"/><event "
	                               "name=\"b\"/></and></define-gate>",
	                               BE("a", "0.1") "<define-basic-event name=\"b\"/>"),
	                           NULL, NULL);
	assert_int_equal(r->n_products, 1);
	assert_int_equal(r->has_probability, 0);
	assert_string_equal(r->missing, "b");
	ph_fta_result_free(r);
}

/* Sorted by order, then names; names inside a set sorted too. */
static void test_sorting_and_limit(void **state)
{
	(void)state;
	const char *xml = DOC("<define-gate name=\"top\"><or><event name=\"z\"/><gate "
	                      "name=\"g\"/><gate name=\"h\"/></or></define-gate>"
	                      "<define-gate name=\"g\"><and><event name=\"y\"/><event "
	                      "name=\"b\"/></and></define-gate>"
	                      "<define-gate name=\"h\"><and><event name=\"c\"/><event "
	                      "name=\"d\"/><event name=\"a\"/></and></define-gate>",
	                      BE("a", "0.5") BE("b", "0.5") BE("c", "0.5") BE("d", "0.5")
	                              BE("y", "0.5") BE("z", "0.5"));
	ph_fta_result *r = analyse(xml, NULL, NULL);
	assert_int_equal(r->n_products, 3);
	assert_string_equal(r->products[0].events[0], "z");
	assert_string_equal(r->products[1].events[0], "b");
	assert_string_equal(r->products[1].events[1], "y");
	assert_string_equal(r->products[2].events[0], "a");
	assert_string_equal(r->products[2].events[2], "d");
	assert_int_equal(r->n_vars, 6);
	ph_fta_result_free(r);
	ph_fta_options o;
	ph_fta_options_init(&o);
	o.limit_order = 2;
	r = analyse(xml, NULL, &o);
	assert_int_equal(r->n_products, 2);
	assert_int_equal(r->limit_order, 2);
	/* The exact probability does not depend on the limit. */
	assert_float_equal(r->probability, 1 - 0.5 * 0.75 * 0.875, 1e-15);
	assert_float_equal(r->rare_event, 0.75, 1e-15);
	ph_fta_result_free(r);
}

/* What the validation campaign needs: every event under the top (to
 * inject alone) and house events it can set from bench conditions. */
static void test_events_and_house_events(void **state)
{
	(void)state;
	const char *xml =
	        DOC("<define-gate name=\"top\"><or><gate name=\"g\"/><event "
	            "name=\"c\"/></or></define-gate>"
	            "<define-gate name=\"g\"><and><event name=\"b\"/><event name=\"a\"/>"
	            "<not><house-event name=\"maintenance\"/></not></and></define-gate>",
	            BE("a", "0.1") BE("b", "0.2") BE("c", "0.3")
	                    BE("unused", "0.4") "<define-house-event name=\"maintenance\"/>");
	char err[256];
	ph_fta_model *m = NULL;
	ph_fta_result *r = NULL;
	assert_int_equal(ph_fta_model_load_memory(xml, strlen(xml), "t.xml", &m, err, sizeof err),
	                 0);
	assert_int_equal(ph_fta_analyse(m, NULL, NULL, &r, err, sizeof err), 0);
	assert_int_equal(r->n_vars, 3);
	assert_string_equal(r->events[0], "a");
	assert_string_equal(r->events[1], "b");
	assert_string_equal(r->events[2], "c");
	assert_int_equal(r->n_products, 2);
	ph_fta_result_free(r);
	/* In maintenance the a.b path is cut off. */
	assert_int_equal(ph_fta_model_set_house_event(m, "maintenance", 1), 0);
	assert_int_equal(ph_fta_analyse(m, NULL, NULL, &r, err, sizeof err), 0);
	assert_int_equal(r->n_products, 1);
	assert_string_equal(r->products[0].events[0], "c");
	assert_float_equal(r->probability, 0.3, 1e-15);
	ph_fta_result_free(r);
	assert_int_equal(ph_fta_model_set_house_event(m, "maintenance", 0), 0);
	assert_int_equal(ph_fta_model_set_house_event(m, "a", 1), PH_FTA_EUNDEFINED);
	assert_int_equal(ph_fta_model_set_house_event(m, "nope", 1), PH_FTA_EUNDEFINED);
	ph_fta_model_free(m);
}

static void test_top_selection_and_limits(void **state)
{
	(void)state;
	const char *xml = DOC("<define-gate name=\"t1\"><or><event name=\"a\"/><event "
	                      "name=\"b\"/></or></define-gate>"
	                      "<define-gate name=\"t2\"><and><event name=\"a\"/><event "
	                      "name=\"b\"/></and></define-gate>",
	                      BE("a", "0.1") BE("b", "0.2"));
	char err[256];
	ph_fta_model *m = NULL;
	ph_fta_result *r = NULL;
	assert_int_equal(ph_fta_model_load_memory(xml, strlen(xml), "t.xml", &m, err, sizeof err),
	                 0);
	assert_int_equal(ph_fta_analyse(m, NULL, NULL, &r, err, sizeof err), PH_FTA_ETOP);
	assert_null(r);
	assert_string_equal(err, "error: the model has 2 top events (t1, t2): choose one");
	assert_int_equal(ph_fta_analyse(m, "t3", NULL, &r, err, sizeof err), PH_FTA_ETOP);
	assert_string_equal(err, "error: gate 't3': no such gate in the model");
	assert_int_equal(ph_fta_analyse(m, "a", NULL, &r, err, sizeof err), PH_FTA_ETOP);
	ph_fta_options o;
	ph_fta_options_init(&o);
	o.max_products = 1;
	assert_int_equal(ph_fta_analyse(m, "t1", &o, &r, err, sizeof err), PH_FTA_ELIMIT);
	assert_non_null(strstr(err, "2 minimal cut sets exceed the cap of 1"));
	assert_int_equal(ph_fta_analyse(m, "t2", &o, &r, err, sizeof err), 0);
	ph_fta_result_free(r);
	o.max_nodes = 3; /* two terminals and one node */
	assert_int_equal(ph_fta_analyse(m, "t1", &o, &r, err, sizeof err), PH_FTA_ELIMIT);
	assert_non_null(strstr(err, "gate 't1': the BDD exceeds 3 nodes"));
	assert_null(r);
	assert_int_equal(ph_fta_analyse(m, "t1", NULL, NULL, err, sizeof err), PH_FTA_EARG);
	assert_int_equal(ph_fta_analyse(NULL, "t1", NULL, &r, err, sizeof err), PH_FTA_EARG);
	ph_fta_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_trees),
		cmocka_unit_test(test_non_coherent_drops_complements),
		cmocka_unit_test(test_constant_tops),
		cmocka_unit_test(test_missing_probability),
		cmocka_unit_test(test_sorting_and_limit),
		cmocka_unit_test(test_events_and_house_events),
		cmocka_unit_test(test_top_selection_and_limits),
		cmocka_unit_test(test_uncertainty),
		cmocka_unit_test(test_default_cap_lists_millions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
