/*
 * test_fta_dd.c - the decision diagrams under the analysis: BDDs stay
 * canonical (equal functions are the same node), probabilities are exact,
 * the ZBDD cut sets are minimal, and node caps fail cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fta/fta.h"
#include "fta/fta_dd.h"

static void test_bdd_canonical(void **state)
{
	(void)state;
	ph_fta_bdd *b = ph_fta_bdd_new(3, 1000);
	assert_non_null(b);
	uint32_t x = ph_fta_bdd_var(b, 0), y = ph_fta_bdd_var(b, 1), z = ph_fta_bdd_var(b, 2);
	/* x.y + x.z == x.(y + z) */
	uint32_t lhs = ph_fta_bdd_or(b, ph_fta_bdd_and(b, x, y), ph_fta_bdd_and(b, x, z));
	uint32_t rhs = ph_fta_bdd_and(b, x, ph_fta_bdd_or(b, y, z));
	assert_int_equal(lhs, rhs);
	/* De Morgan, double negation, excluded middle, xor with itself. */
	assert_int_equal(ph_fta_bdd_not(b, ph_fta_bdd_and(b, x, y)),
	                 ph_fta_bdd_or(b, ph_fta_bdd_not(b, x), ph_fta_bdd_not(b, y)));
	assert_int_equal(ph_fta_bdd_not(b, ph_fta_bdd_not(b, lhs)), lhs);
	assert_int_equal(ph_fta_bdd_or(b, x, ph_fta_bdd_not(b, x)), PH_FTA_DD_ONE);
	assert_int_equal(ph_fta_bdd_and(b, x, ph_fta_bdd_not(b, x)), PH_FTA_DD_ZERO);
	assert_int_equal(ph_fta_bdd_xor(b, lhs, rhs), PH_FTA_DD_ZERO);
	assert_int_equal(ph_fta_bdd_xor(b, x, PH_FTA_DD_ONE), ph_fta_bdd_not(b, x));
	const ph_fta_dd_node *n = ph_fta_bdd_node(b, lhs);
	assert_int_equal(n->var, 0);
	assert_int_equal(n->lo, PH_FTA_DD_ZERO);
	assert_int_equal(ph_fta_bdd_error(b), 0);
	ph_fta_bdd_free(b);
}

static void test_bdd_probability(void **state)
{
	(void)state;
	ph_fta_bdd *b = ph_fta_bdd_new(3, 1000);
	uint32_t x = ph_fta_bdd_var(b, 0), y = ph_fta_bdd_var(b, 1), z = ph_fta_bdd_var(b, 2);
	const double p[] = { 0.1, 0.2, 0.3 };
	/* P(x + y.z) = 0.1 + 0.9 * 0.06; P(x xor y) = 0.1*0.8 + 0.9*0.2 */
	uint32_t f = ph_fta_bdd_or(b, x, ph_fta_bdd_and(b, y, z));
	assert_float_equal(ph_fta_bdd_probability(b, f, p), 0.1 + 0.9 * 0.06, 1e-15);
	assert_float_equal(ph_fta_bdd_probability(b, ph_fta_bdd_xor(b, x, y), p), 0.26, 1e-15);
	assert_float_equal(ph_fta_bdd_probability(b, PH_FTA_DD_ONE, p), 1.0, 0);
	ph_fta_bdd_free(b);
}

typedef struct sets {
	uint32_t v[8][4];
	size_t n[8];
	size_t count;
} sets;

static int grab(void *ctx, const uint32_t *vars, size_t n)
{
	sets *s = ctx;
	for (size_t i = 0; i < n; i++)
		s->v[s->count][i] = vars[i];
	s->n[s->count++] = n;
	return 0;
}

static void test_zbdd_minimal_sets(void **state)
{
	(void)state;
	ph_fta_bdd *b = ph_fta_bdd_new(3, 1000);
	ph_fta_zbdd *z = ph_fta_zbdd_new(3, 1000);
	uint32_t x = ph_fta_bdd_var(b, 0), y = ph_fta_bdd_var(b, 1), w = ph_fta_bdd_var(b, 2);
	/* (x + y).(x + w) = x + y.w: cut sets {x}, {y, w} */
	uint32_t f = ph_fta_bdd_and(b, ph_fta_bdd_or(b, x, y), ph_fta_bdd_or(b, x, w));
	uint32_t s = ph_fta_zbdd_mcs(z, b, f, -1);
	assert_int_equal(ph_fta_zbdd_count(z, s), 2);
	sets got = { 0 };
	assert_int_equal(ph_fta_zbdd_foreach(z, s, grab, &got), 0);
	assert_int_equal(got.count, 2);
	assert_int_equal(got.n[0], 1);
	assert_int_equal(got.v[0][0], 0);
	assert_int_equal(got.n[1], 2);
	assert_int_equal(got.v[1][0], 1);
	assert_int_equal(got.v[1][1], 2);
	/* Order limit 1 keeps {x} only; limit 0 keeps nothing. */
	assert_int_equal(ph_fta_zbdd_count(z, ph_fta_zbdd_mcs(z, b, f, 1)), 1);
	assert_int_equal(ph_fta_zbdd_mcs(z, b, f, 0), PH_FTA_DD_ZERO);
	/* not(x).y: complements dropped, {y} */
	uint32_t g = ph_fta_bdd_and(b, ph_fta_bdd_not(b, x), y);
	s = ph_fta_zbdd_mcs(z, b, g, -1);
	got.count = 0;
	ph_fta_zbdd_foreach(z, s, grab, &got);
	assert_int_equal(got.count, 1);
	assert_int_equal(got.n[0], 1);
	assert_int_equal(got.v[0][0], 1);
	/* not(x): true with nothing failed, the empty set. */
	assert_int_equal(ph_fta_zbdd_mcs(z, b, ph_fta_bdd_not(b, x), -1), PH_FTA_DD_ONE);
	ph_fta_zbdd_free(z);
	ph_fta_bdd_free(b);
}

static void test_node_cap(void **state)
{
	(void)state;
	ph_fta_bdd *b = ph_fta_bdd_new(8, 6);
	uint32_t f = PH_FTA_DD_ZERO;
	for (uint32_t v = 0; v < 8 && f != PH_FTA_DD_FAIL; v++)
		f = ph_fta_bdd_or(b, f, ph_fta_bdd_var(b, v));
	assert_int_equal(f, PH_FTA_DD_FAIL);
	assert_int_equal(ph_fta_bdd_error(b), PH_FTA_ELIMIT);
	assert_true(ph_fta_bdd_size(b) <= 6);
	/* Failure propagates through every operation. */
	assert_int_equal(ph_fta_bdd_not(b, PH_FTA_DD_FAIL), PH_FTA_DD_FAIL);
	assert_int_equal(ph_fta_bdd_and(b, PH_FTA_DD_ONE, PH_FTA_DD_FAIL), PH_FTA_DD_FAIL);
	ph_fta_bdd_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bdd_canonical),
		cmocka_unit_test(test_bdd_probability),
		cmocka_unit_test(test_zbdd_minimal_sets),
		cmocka_unit_test(test_node_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
