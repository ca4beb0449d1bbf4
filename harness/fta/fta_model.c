/*
 * fta_model.c - the fault-tree model: name spaces, definitions, cycle check
 * and top events.  The XML reader (fta_reader.c) fills it.
 *
 * Names follow SCRAM's reading of the MEF: every event has a full path
 * (fault tree, components, name).  Public events are also known by their
 * bare name, model-wide; private ones only by their path, or by a short
 * name from inside their own component.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fta_internal.h"

const char *ph_fta_strerror(int err)
{
	switch (err) {
	case PH_FTA_OK: return "success";
	case PH_FTA_ENOMEM: return "out of memory";
	case PH_FTA_EIO: return "cannot read file";
	case PH_FTA_EXML: return "malformed XML";
	case PH_FTA_EUNDEFINED: return "undefined name";
	case PH_FTA_EDUPLICATE: return "duplicate definition";
	case PH_FTA_ECYCLE: return "cycle";
	case PH_FTA_EEMPTY: return "empty gate or formula";
	case PH_FTA_EUNSUPPORTED: return "unsupported construct";
	case PH_FTA_EINVALID: return "invalid value";
	case PH_FTA_ETOP: return "no such top event";
	case PH_FTA_ELIMIT: return "size limit reached";
	case PH_FTA_EARG: return "invalid argument";
	default: return "unknown error";
	}
}

const char *ph_fta_kind_element(ph_fta_kind k)
{
	static const char *const names[] = { "gate",      "basic-event", "house-event",
		                             "parameter", "formula",     "constant" };
	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "event";
}

const char *ph_fta_def_element(ph_fta_kind k)
{
	static const char *const names[] = { "define-gate", "define-basic-event",
		                             "define-house-event", "define-parameter" };
	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "define-event";
}

int ph_fta_vec_grow(void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 16;
	if (ncap > ((size_t)-1) / elem / 2)
		return PH_FTA_ENOMEM;
	void *p = realloc(*v, ncap * elem);
	if (!p)
		return PH_FTA_ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

/* --- string map ------------------------------------------------------------ */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

int ph_fta_map_get(const ph_fta_map *map, const char *key, ph_fta_ref *ref)
{
	if (!map->cap)
		return 0;
	for (size_t i = hash_str(key) & (map->cap - 1);; i = (i + 1) & (map->cap - 1)) {
		const ph_fta_map_slot *s = &map->slots[i];
		if (!s->key)
			return 0;
		if (!strcmp(s->key, key)) {
			*ref = s->ref;
			return 1;
		}
	}
}

static int map_rehash(ph_fta_map *map)
{
	size_t ncap = map->cap ? map->cap * 2 : 64;
	ph_fta_map_slot *ns = calloc(ncap, sizeof *ns);
	if (!ns)
		return PH_FTA_ENOMEM;
	for (size_t i = 0; i < map->cap; i++) {
		if (!map->slots[i].key)
			continue;
		size_t j = hash_str(map->slots[i].key) & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = map->slots[i];
	}
	free(map->slots);
	map->slots = ns;
	map->cap = ncap;
	return 0;
}

int ph_fta_map_put(ph_fta_map *map, const char *key, ph_fta_ref ref, ph_fta_ref *old)
{
	if (ph_fta_map_get(map, key, old))
		return PH_FTA_EDUPLICATE;
	if ((map->used + 1) * 2 > map->cap && map_rehash(map))
		return PH_FTA_ENOMEM;
	size_t i = hash_str(key) & (map->cap - 1);
	while (map->slots[i].key)
		i = (i + 1) & (map->cap - 1);
	map->slots[i].key = key;
	map->slots[i].ref = ref;
	map->used++;
	return 0;
}

void ph_fta_map_free(ph_fta_map *map)
{
	free(map->slots);
	map->slots = NULL;
	map->cap = map->used = 0;
}

/* --- errors ------------------------------------------------------------------ */

int ph_fta_fail(ph_fta_model *m, int code, int file, long line, const char *element,
                const char *name, const char *fmt, ...)
{
	if (!m->err || !m->errlen)
		return code;
	int k = 0;
	if (file >= 0 && (size_t)file < m->files.n)
		k = snprintf(m->err, m->errlen, "%s:%ld: error: ", m->files.v[file], line);
	else
		k = snprintf(m->err, m->errlen, "error: ");
	if (k >= 0 && (size_t)k < m->errlen && element)
		k += snprintf(m->err + k, m->errlen - k, "%s '%s': ", element, name ? name : "");
	if (k >= 0 && (size_t)k < m->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(m->err + k, m->errlen - k, fmt, ap);
		va_end(ap);
	}
	/* Keep the message on one line whatever the input held. */
	for (char *p = m->err; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return code;
}

/* --- model ------------------------------------------------------------------- */

ph_fta_model *ph_fta_model_new(void)
{
	ph_fta_model *m = calloc(1, sizeof(ph_fta_model));
	if (m)
		m->mission_time = PH_FTA_DEFAULT_MISSION_TIME;
	return m;
}

void ph_fta_model_free(ph_fta_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->files.n; i++)
		free(m->files.v[i]);
	for (size_t i = 0; i < m->trees.n; i++)
		free(m->trees.v[i]);
	for (int k = 0; k < PH_FTA_NDEFS; k++) {
		for (size_t i = 0; i < m->ev[k].n; i++) {
			free(m->ev[k].v[i].name);
			free(m->ev[k].v[i].path);
			free(m->ev[k].v[i].base);
		}
		free(m->ev[k].v);
	}
	for (size_t i = 0; i < m->ccfs.n; i++) {
		free(m->ccfs.v[i].def.name);
		free(m->ccfs.v[i].def.path);
		free(m->ccfs.v[i].def.base);
		free(m->ccfs.v[i].members);
	}
	free(m->ccfs.v);
	free(m->files.v);
	free(m->trees.v);
	free(m->formulas.v);
	free(m->args.v);
	free(m->exprs.v);
	free(m->xargs.v);
	free(m->tops.v);
	ph_fta_map_free(&m->by_id);
	ph_fta_map_free(&m->by_path);
	ph_fta_map_free(&m->param_by_id);
	ph_fta_map_free(&m->param_by_path);
	free(m);
}

static char *join_path(const char *base, const char *name)
{
	size_t lb = base ? strlen(base) : 0, ln = strlen(name);
	char *p = malloc(lb + ln + 2);
	if (!p)
		return NULL;
	if (lb) {
		memcpy(p, base, lb);
		p[lb++] = '.';
	}
	memcpy(p + lb, name, ln + 1);
	return p;
}

static const ph_fta_event *event_at(const ph_fta_model *m, ph_fta_ref r)
{
	return &m->ev[r.kind].v[r.index];
}

static int define_fail_duplicate(ph_fta_model *m, ph_fta_kind kind, const char *name, int file,
                                 long line, ph_fta_ref old)
{
	const ph_fta_event *o = event_at(m, old);
	return ph_fta_fail(m, PH_FTA_EDUPLICATE, file, line, ph_fta_def_element(kind), name,
	                   "duplicate definition (first defined by %s at %s:%ld)",
	                   ph_fta_def_element(old.kind), m->files.v[o->file], o->line);
}

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s == '.' || (unsigned char)*s <= ' ')
			return 0;
	return 1;
}

int ph_fta_model_define(ph_fta_model *m, ph_fta_kind kind, const char *name, const char *base,
                        int is_public, int tree, int file, long line, void *node, uint32_t *index)
{
	const char *el = ph_fta_def_element(kind);
	if (!valid_name(name))
		return ph_fta_fail(m, PH_FTA_EINVALID, file, line, el, name,
		                   "invalid name (empty, or holds '.' or blanks)");
	if (PH_FTA_VEC_RESERVE(m->ev[kind]))
		return ph_fta_fail(m, PH_FTA_ENOMEM, file, line, el, name, "out of memory");
	ph_fta_event *e = &m->ev[kind].v[m->ev[kind].n];
	memset(e, 0, sizeof *e);
	e->name = strdup(name);
	e->path = join_path(base, name);
	e->base = base ? strdup(base) : NULL;
	if (!e->name || !e->path || (base && !e->base)) {
		free(e->name);
		free(e->path);
		free(e->base);
		return ph_fta_fail(m, PH_FTA_ENOMEM, file, line, el, name, "out of memory");
	}
	e->is_public = is_public || !base || !*base;
	e->tree = tree;
	e->file = file;
	e->line = line;
	e->node = node;
	ph_fta_ref r = { kind, (uint32_t)m->ev[kind].n }, old;
	m->ev[kind].n++; /* owned by the model from here on */
	int param = kind == PH_FTA_PARAM;
	int rc = ph_fta_map_put(param ? &m->param_by_path : &m->by_path, e->path, r, &old);
	if (!rc && e->is_public)
		rc = ph_fta_map_put(param ? &m->param_by_id : &m->by_id, e->name, r, &old);
	if (rc == PH_FTA_EDUPLICATE)
		return define_fail_duplicate(m, kind, name, file, line, old);
	if (rc)
		return ph_fta_fail(m, rc, file, line, el, name, "out of memory");
	*index = r.index;
	return 0;
}

static int kind_ok(ph_fta_ref r, int want)
{
	return want < 0 || (int)r.kind == want;
}

int ph_fta_model_resolve(const ph_fta_model *m, const char *ref, const char *base, int want,
                         ph_fta_ref *out)
{
	ph_fta_ref r;
	const ph_fta_map *by_path = want == PH_FTA_PARAM ? &m->param_by_path : &m->by_path;
	const ph_fta_map *by_id = want == PH_FTA_PARAM ? &m->param_by_id : &m->by_id;
	if (base && *base) {
		char *local = join_path(base, ref);
		int found = local && ph_fta_map_get(by_path, local, &r) && kind_ok(r, want);
		free(local);
		if (found) {
			*out = r;
			return 1;
		}
	}
	const ph_fta_map *map = strchr(ref, '.') ? by_path : by_id;
	if (ph_fta_map_get(map, ref, &r) && kind_ok(r, want)) {
		*out = r;
		return 1;
	}
	return 0;
}

int ph_fta_model_find_gate(const ph_fta_model *m, const char *name, uint32_t *index)
{
	ph_fta_ref r;
	if ((ph_fta_map_get(&m->by_id, name, &r) || ph_fta_map_get(&m->by_path, name, &r)) &&
	    r.kind == PH_FTA_GATE) {
		*index = r.index;
		return 1;
	}
	return 0;
}

/* --- cycles ------------------------------------------------------------------ */

/* Calls fn(ctx, gate) for every gate a formula references, nested ones too. */
static void for_gate_args(const ph_fta_model *m, size_t f, void (*fn)(void *, uint32_t), void *ctx)
{
	const ph_fta_formula *fo = &m->formulas.v[f];
	for (size_t i = 0; i < fo->nargs; i++) {
		ph_fta_ref r = m->args.v[fo->first + i];
		if (r.kind == PH_FTA_GATE)
			fn(ctx, r.index);
		else if (r.kind == PH_FTA_FORMULA)
			for_gate_args(m, r.index, fn, ctx);
	}
}

typedef struct gate_list {
	uint32_t *v;
	size_t n, cap;
	int oom;
} gate_list;

static void collect_gate(void *ctx, uint32_t g)
{
	gate_list *l = ctx;
	if (l->oom || ph_fta_vec_grow((void **)&l->v, &l->cap, l->n, sizeof *l->v)) {
		l->oom = 1;
		return;
	}
	l->v[l->n++] = g;
}

/* The gates a gate uses directly, as a list the caller frees. */
static int gate_children(const ph_fta_model *m, uint32_t g, gate_list *out)
{
	out->n = 0;
	for_gate_args(m, m->ev[PH_FTA_GATE].v[g].formula, collect_gate, out);
	return out->oom ? PH_FTA_ENOMEM : 0;
}

static int cycle_fail(ph_fta_model *m, const uint32_t *stack, size_t depth, uint32_t back)
{
	const ph_fta_event *g = &m->ev[PH_FTA_GATE].v[back];
	char path[512];
	size_t k = 0, start = 0;
	while (stack[start] != back)
		start++;
	path[0] = 0;
	for (size_t i = start; i <= depth && k < sizeof path; i++) {
		uint32_t gi = i < depth ? stack[i] : back;
		int w = snprintf(path + k, sizeof path - k, "%s%s", i > start ? " -> " : "",
		                 m->ev[PH_FTA_GATE].v[gi].name);
		if (w < 0)
			break;
		k += (size_t)w;
	}
	return ph_fta_fail(m, PH_FTA_ECYCLE, g->file, g->line, "define-gate", g->name, "cycle %s",
	                   path);
}

/* Iterative depth-first search over gates; color 0 new, 1 on stack, 2 done. */
static int check_cycles(ph_fta_model *m)
{
	size_t n = m->ev[PH_FTA_GATE].n, cells = n ? n : 1;
	int rc = PH_FTA_ENOMEM;
	unsigned char *color = calloc(cells, 1);
	uint32_t *stack = malloc(cells * sizeof *stack);
	size_t *pos = malloc(cells * sizeof *pos);
	gate_list *kids = calloc(cells, sizeof *kids);
	if (!color || !stack || !pos || !kids)
		goto out_free;
	for (size_t root = 0; root < n; root++) {
		if (color[root])
			continue;
		size_t sp = 1;
		stack[0] = (uint32_t)root;
		pos[0] = 0;
		color[root] = 1;
		if ((rc = gate_children(m, (uint32_t)root, &kids[root])))
			goto out_free;
		while (sp) {
			uint32_t g = stack[sp - 1];
			if (pos[sp - 1] == kids[g].n) {
				color[g] = 2;
				sp--;
				continue;
			}
			uint32_t c = kids[g].v[pos[sp - 1]++];
			if (color[c] == 2)
				continue;
			if (color[c] == 1) {
				rc = cycle_fail(m, stack, sp, c);
				goto out_free;
			}
			color[c] = 1;
			stack[sp] = c;
			pos[sp++] = 0;
			if ((rc = gate_children(m, c, &kids[c])))
				goto out_free;
		}
	}
	rc = 0;
out_free:
	if (rc == PH_FTA_ENOMEM)
		ph_fta_fail(m, rc, -1, 0, NULL, NULL, "out of memory");
	for (size_t i = 0; kids && i < n; i++)
		free(kids[i].v);
	free(kids);
	free(pos);
	free(stack);
	free(color);
	return rc;
}

/* --- top events ------------------------------------------------------------ */

typedef struct mark_ctx {
	const ph_fta_model *m;
	unsigned char *used;
	int tree;
} mark_ctx;

static void mark_used(void *ctx, uint32_t g)
{
	mark_ctx *c = ctx;
	if (c->m->ev[PH_FTA_GATE].v[g].tree == c->tree)
		c->used[g] = 1;
}

static int find_tops(ph_fta_model *m)
{
	size_t n = m->ev[PH_FTA_GATE].n;
	unsigned char *used = calloc(n ? n : 1, 1);
	if (!used)
		return ph_fta_fail(m, PH_FTA_ENOMEM, -1, 0, NULL, NULL, "out of memory");
	for (size_t g = 0; g < n; g++) {
		mark_ctx c = { m, used, m->ev[PH_FTA_GATE].v[g].tree };
		for_gate_args(m, m->ev[PH_FTA_GATE].v[g].formula, mark_used, &c);
	}
	for (size_t g = 0; g < n; g++) {
		if (used[g])
			continue;
		if (PH_FTA_VEC_RESERVE(m->tops)) {
			free(used);
			return ph_fta_fail(m, PH_FTA_ENOMEM, -1, 0, NULL, NULL, "out of memory");
		}
		m->tops.v[m->tops.n++] = (uint32_t)g;
	}
	free(used);
	return 0;
}

int ph_fta_model_check(ph_fta_model *m)
{
	int rc = check_cycles(m);
	return rc ? rc : find_tops(m);
}

size_t ph_fta_model_top_count(const ph_fta_model *m)
{
	return m ? m->tops.n : 0;
}

const char *ph_fta_model_top(const ph_fta_model *m, size_t i)
{
	if (!m || i >= m->tops.n)
		return NULL;
	const ph_fta_event *g = &m->ev[PH_FTA_GATE].v[m->tops.v[i]];
	return g->is_public ? g->name : g->path;
}

size_t ph_fta_model_gate_count(const ph_fta_model *m)
{
	return m ? m->ev[PH_FTA_GATE].n : 0;
}

size_t ph_fta_model_basic_count(const ph_fta_model *m)
{
	return m ? m->ev[PH_FTA_BASIC].n : 0;
}

size_t ph_fta_model_house_count(const ph_fta_model *m)
{
	return m ? m->ev[PH_FTA_HOUSE].n : 0;
}

int ph_fta_model_set_house_event(ph_fta_model *m, const char *name, int value)
{
	ph_fta_ref r;
	if (!m || !name)
		return PH_FTA_EARG;
	if (!(ph_fta_map_get(&m->by_id, name, &r) || ph_fta_map_get(&m->by_path, name, &r)) ||
	    r.kind != PH_FTA_HOUSE)
		return PH_FTA_EUNDEFINED;
	m->ev[PH_FTA_HOUSE].v[r.index].value = !!value;
	return 0;
}

size_t ph_fta_model_param_count(const ph_fta_model *m)
{
	return m ? m->ev[PH_FTA_PARAM].n : 0;
}

int ph_fta_model_where(const ph_fta_model *m, const char *name, const char **file, long *line)
{
	ph_fta_ref r;
	if (!m || !name || !ph_fta_model_resolve(m, name, NULL, -1, &r) || r.kind > PH_FTA_HOUSE)
		return 0;
	const ph_fta_event *e = &m->ev[r.kind].v[r.index];
	*file = m->files.v[e->file];
	*line = e->line;
	return 1;
}

static int formula_uses(const ph_fta_model *m, size_t f, ph_fta_ref want, int depth)
{
	const ph_fta_formula *fo = &m->formulas.v[f];
	for (size_t i = 0; i < fo->nargs; i++) {
		ph_fta_ref a = m->args.v[fo->first + i];
		if (a.kind == want.kind && a.index == want.index)
			return 1;
		if (a.kind == PH_FTA_FORMULA && depth < 10000 &&
		    formula_uses(m, a.index, want, depth + 1))
			return 1;
	}
	return 0;
}

size_t ph_fta_model_users(const ph_fta_model *m, const char *name, const char **out, size_t max)
{
	ph_fta_ref r;
	size_t n = 0;
	if (!m || !name || !ph_fta_model_resolve(m, name, NULL, -1, &r) || r.kind > PH_FTA_BASIC)
		return 0;
	for (size_t g = 0; g < m->ev[PH_FTA_GATE].n; g++) {
		const ph_fta_event *e = &m->ev[PH_FTA_GATE].v[g];
		if (!formula_uses(m, e->formula, r, 0))
			continue;
		if (n < max)
			out[n] = e->is_public ? e->name : e->path;
		n++;
	}
	return n;
}
