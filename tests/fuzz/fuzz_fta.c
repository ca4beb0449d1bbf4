/*
 * fuzz_fta.c - libFuzzer target for the fault-tree reader and analysis.
 *
 * Any bytes are read as one MEF document from memory; when they form a
 * model, every top event (at most 8) is analysed with small caps, so a
 * hostile tree can neither crash the reader nor exhaust memory.  Errors are
 * expected; crashes, leaks and sanitizer reports are the findings.
 * Odd and even inputs (by their length) analyse with CCF groups expanded or
 * not, always with importance factors and 4 Monte Carlo trials.
 * Seeds: tests/fuzz/seeds/fuzz_fta (the pump, every feature, CCF groups of
 * the four models).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fta/fta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	ph_fta_model *m = NULL;
	if (ph_fta_model_load_memory((const char *)data, size, "fuzz.xml", &m, err, sizeof err)) {
		/* Every failure leaves one NUL-terminated line and no model. */
		if (m || !memchr(err, 0, sizeof err) || strchr(err, '\n'))
			__builtin_trap();
		return 0;
	}
	ph_fta_options o;
	ph_fta_options_init(&o);
	o.limit_order = 4;
	o.max_nodes = 1 << 16;
	o.max_products = 1 << 12;
	o.importance = 1;
	o.no_ccf = (int)(size & 1);
	o.uncertainty_trials = 4;
	o.seed = size;
	size_t tops = ph_fta_model_top_count(m);
	for (size_t i = 0; i < tops && i < 8; i++) {
		ph_fta_result *r = NULL;
		if (ph_fta_analyse(m, ph_fta_model_top(m, i), &o, &r, err, sizeof err) == 0) {
			/* Products are sorted by order and within the limit. */
			for (size_t k = 0; k < r->n_products; k++)
				if (r->products[k].order > 4 ||
				    (k && r->products[k - 1].order > r->products[k].order))
					__builtin_trap();
			if (r->has_probability &&
			    (r->probability < -1e-9 || r->probability > 1 + 1e-9))
				__builtin_trap();
			/* Importance: events of some cut set, sorted, MIF a difference
			 * of probabilities. */
			for (size_t k = 0; k < r->n_importance; k++)
				if (!r->importance[k].occurrence ||
				    r->importance[k].mif < -1 - 1e-9 ||
				    r->importance[k].mif > 1 + 1e-9 ||
				    (k && strcmp(r->importance[k - 1].event,
				                 r->importance[k].event) >= 0))
					__builtin_trap();
			const ph_fta_uncertainty *u = &r->uncertainty;
			if (u->trials && (!(u->mean >= -1e-9 && u->mean <= 1 + 1e-9) ||
			                  u->q05 > u->median || u->median > u->q95))
				__builtin_trap();
		}
		ph_fta_result_free(r);
	}
	ph_fta_model_free(m);
	return 0;
}
