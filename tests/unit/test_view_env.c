/* test_view_env.c - the min/max envelope pyramid against brute force. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "view/view_env.h"

static uint64_t rng_state = 12345;

static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static ph_view_minmax brute(const int32_t *v, size_t a, size_t b)
{
	ph_view_minmax m = { INT32_MAX, INT32_MIN };

	for (size_t i = a; i < b; i++) {
		m.min = v[i] < m.min ? v[i] : m.min;
		m.max = v[i] > m.max ? v[i] : m.max;
	}
	return m;
}

static void check_ranges(const ph_view_env *e, const int32_t *v, size_t n, int count)
{
	for (int i = 0; i < count; i++) {
		size_t a = rnd() % n, len = 1 + rnd() % (i % 3 == 0 ? n : 5000);
		size_t b = a + len > n ? n : a + len;
		ph_view_minmax got = ph_view_env_range(e, v, a, b), want = brute(v, a, b);
		assert_int_equal(got.min, want.min);
		assert_int_equal(got.max, want.max);
	}
}

/* A random walk with spikes, so every block has a different extreme. */
static int32_t *make_samples(size_t n)
{
	int32_t *v = malloc(n * sizeof *v), x = 0;

	for (size_t i = 0; i < n; i++) {
		x += (int32_t)(rnd() % 201) - 100;
		v[i] = rnd() % 997 == 0 ? x + (int32_t)(rnd() % 100000) - 50000 : x;
	}
	return v;
}

static void test_exact_ranges(void **state)
{
	size_t n = 1000003;
	int32_t *v = make_samples(n);
	ph_view_env e;
	(void)state;

	ph_view_env_init(&e);
	assert_int_equal(ph_view_env_extend(&e, v, n), 0);
	assert_int_equal(e.n[0], n / 16);
	assert_int_equal(e.n[1], n / 256);
	assert_int_equal(e.n[4], n / 1048576);
	check_ranges(&e, v, n, 3000);
	/* whole array and single samples */
	assert_int_equal(ph_view_env_range(&e, v, 0, n).min, brute(v, 0, n).min);
	assert_int_equal(ph_view_env_range(&e, v, 17, 18).max, v[17]);
	ph_view_env_free(&e);
	free(v);
}

/* Growing in uneven chunks (live view) gives the same pyramid. */
static void test_incremental(void **state)
{
	size_t n = 300000, done = 0;
	int32_t *v = make_samples(n);
	ph_view_env a, b;
	(void)state;

	ph_view_env_init(&a);
	ph_view_env_init(&b);
	assert_int_equal(ph_view_env_extend(&a, v, n), 0);
	while (done < n) {
		done += 1 + rnd() % 7000;
		if (done > n)
			done = n;
		assert_int_equal(ph_view_env_extend(&b, v, done), 0);
		check_ranges(&b, v, done, 20);
	}
	for (int k = 0; k < PH_VIEW_ENV_LEVELS; k++) {
		assert_int_equal(a.n[k], b.n[k]);
		assert_memory_equal(a.lv[k], b.lv[k], a.n[k] * sizeof(ph_view_minmax));
	}
	/* A sample changed in the middle: truncate and rebuild. */
	v[123456] = INT32_MIN;
	ph_view_env_truncate(&b, 123456);
	assert_true(b.samples == 123456);
	assert_int_equal(ph_view_env_extend(&b, v, n), 0);
	assert_int_equal(ph_view_env_range(&b, v, 0, n).min, INT32_MIN);
	check_ranges(&b, v, n, 500);
	ph_view_env_free(&a);
	ph_view_env_free(&b);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_ranges),
		cmocka_unit_test(test_incremental),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
