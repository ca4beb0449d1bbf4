/*
 * fta_order.c - the top event, and the variable order: basic events in the
 * order a depth-first walk from the top meets them (each formula's
 * arguments last to first), gates in postorder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fta_analysis_priv.h"

int ph_fta_pick_top(analysis *a, const char *top)
{
	const ph_fta_model *m = a->m;
	if (top) {
		if (!ph_fta_model_find_gate(m, top, &a->top))
			return ph_fta_afail(a, PH_FTA_ETOP, "gate '%s': no such gate in the model",
			                    top);
		return 0;
	}
	if (m->tops.n == 1) {
		a->top = m->tops.v[0];
		return 0;
	}
	if (m->tops.n == 0)
		return ph_fta_afail(a, PH_FTA_ETOP,
		                    "the model has no top event (no fault tree gate)");
	char list[256] = "";
	size_t k = 0;
	for (size_t i = 0; i < m->tops.n && k < sizeof list; i++) {
		int w = snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "",
		                 ph_fta_model_top(m, i));
		k += w > 0 ? (size_t)w : 0;
	}
	return ph_fta_afail(a, PH_FTA_ETOP, "the model has %zu top events (%s): choose one",
	                    m->tops.n, list);
}

/* --- variable order: depth-first from the top ------------------------------- */

typedef struct frame {
	size_t formula, pos;
	uint32_t gate; /* NONE for a nested formula */
} frame;

static void visit_arg(analysis *a, ph_fta_ref r, frame *stack, size_t *sp, unsigned char *seen)
{
	const ph_fta_model *m = a->m;
	if (r.kind == PH_FTA_BASIC && ph_fta_ccf_expanded(a, r.index))
		r = (ph_fta_ref){ PH_FTA_FORMULA,
			          (uint32_t)m->ev[PH_FTA_BASIC].v[r.index].ccf_formula };
	if (r.kind == PH_FTA_BASIC && a->var_of[r.index] == NONE) {
		a->basic_of[a->nvars] = r.index;
		a->var_of[r.index] = a->nvars++;
	} else if (r.kind == PH_FTA_GATE && !seen[r.index]) {
		seen[r.index] = 1;
		stack[(*sp)++] = (frame){ m->ev[PH_FTA_GATE].v[r.index].formula, 0, r.index };
	} else if (r.kind == PH_FTA_FORMULA) {
		stack[(*sp)++] = (frame){ r.index, 0, NONE };
	}
}

int ph_fta_order_variables(analysis *a)
{
	const ph_fta_model *m = a->m;
	size_t ng = m->ev[PH_FTA_GATE].n, nb = m->ev[PH_FTA_BASIC].n;
	frame *stack = malloc((ng + m->formulas.n + 1) * sizeof *stack);
	unsigned char *seen = calloc(ng ? ng : 1, 1);
	a->var_of = malloc((nb ? nb : 1) * sizeof *a->var_of);
	a->basic_of = malloc((nb ? nb : 1) * sizeof *a->basic_of);
	a->postorder = malloc((ng ? ng : 1) * sizeof *a->postorder);
	int rc = 0;
	if (!stack || !seen || !a->var_of || !a->basic_of || !a->postorder) {
		rc = ph_fta_afail(a, PH_FTA_ENOMEM, "out of memory");
		goto out_free;
	}
	for (size_t i = 0; i < nb; i++)
		a->var_of[i] = NONE;
	size_t sp = 0;
	seen[a->top] = 1;
	stack[sp++] = (frame){ ph_fta_gate(a, a->top)->formula, 0, a->top };
	while (sp) {
		frame *f = &stack[sp - 1];
		const ph_fta_formula *fo = &m->formulas.v[f->formula];
		if (f->pos == fo->nargs) {
			if (f->gate != NONE)
				a->postorder[a->ngates++] = f->gate;
			sp--;
			continue;
		}
		/* Arguments last to first: on CEA9601 the BDD then has 28 % fewer
		 * nodes (4.3 against 6.0 million made) and builds 22 % faster than
		 * first to last; the small models do not move. */
		visit_arg(a, m->args.v[fo->first + fo->nargs - 1 - f->pos++], stack, &sp, seen);
	}
out_free:
	free(seen);
	free(stack);
	return rc;
}
