/*
 * fta_reader.c - reads Open-PSA MEF files into a ph_fta_model with libxml2.
 *
 * Two passes over the parsed documents, like SCRAM: the first registers
 * every definition (so files and definitions may come in any order), the
 * second reads gate formulas, basic-event probabilities and house-event
 * values and resolves references.  Then the model checks cycles and finds
 * its top events.  Every error names file:line of the offending element.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fta_internal.h"

#define PH_FTA_MAX_FILE ((size_t)1 << 30)

typedef struct reader {
	ph_fta_model *m;
	xmlDocPtr *docs;
	size_t ndocs;
} reader;

static int is(const xmlNode *n, const char *name)
{
	return !xmlStrcmp(n->name, BAD_CAST name);
}

static const xmlNode *next_element(const xmlNode *n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

#define FOR_ELEMENTS(c, parent)                                                                    \
	for (const xmlNode *c = next_element((parent)->children); c; c = next_element(c->next))

/* Returns a malloc'd copy of an attribute, or NULL when absent (or ENOMEM). */
static char *attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	if (!v)
		return NULL;
	char *s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

static long line_of(const xmlNode *n)
{
	return xmlGetLineNo(n);
}

static int fail_at(reader *r, int file, const xmlNode *n, int code, const char *name,
                   const char *what)
{
	return ph_fta_fail(r->m, code, file, line_of(n), (const char *)n->name, name, "%s", what);
}

/* Metadata elements that may appear in definitions and are ignored. */
static int is_meta(const xmlNode *n)
{
	return is(n, "label") || is(n, "attributes");
}

static const char *unsupported_reason(const xmlNode *n)
{
	static const char *const table[][2] = {
		{ "define-event-tree", "event trees are not supported" },
		{ "define-initiating-event", "event trees are not supported" },
		{ "define-sequence", "event trees are not supported" },
		{ "define-rule", "event-tree rules are not supported" },
		{ "define-substitution", "substitutions are not supported" },
		{ "define-alignment", "alignments are not supported" },
		{ "define-extern-function", "external functions are not supported" },
		{ "define-extern-library", "external libraries are not supported" },
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (is(n, table[i][0]))
			return table[i][1];
	return "unknown or unsupported element here";
}

static int unsupported(reader *r, int file, const xmlNode *n)
{
	char *name = attr(n, "name");
	int rc = fail_at(r, file, n, PH_FTA_EUNSUPPORTED, name, unsupported_reason(n));
	free(name);
	return rc;
}

/* --- parsing -------------------------------------------------------------- */

static int read_all(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	int rc = b ? 0 : -ENOMEM;
	while (!rc) {
		if (n == cap) {
			char *nb = cap < PH_FTA_MAX_FILE ? realloc(b, cap * 2) : NULL;
			if (!nb) {
				rc = cap < PH_FTA_MAX_FILE ? -ENOMEM : -EFBIG;
				break;
			}
			b = nb;
			cap *= 2;
		}
		size_t k = fread(b + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			rc = ferror(f) ? -EIO : 1;
	}
	fclose(f);
	if (rc < 0) {
		free(b);
		return rc;
	}
	*buf = b;
	*len = n;
	return 0;
}

static int xml_fail(reader *r, int file, xmlParserCtxtPtr ctxt)
{
	const xmlError *e = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
	char msg[256] = "cannot parse";
	long line = 0;
	if (e && e->message) {
		snprintf(msg, sizeof msg, "%s", e->message);
		for (size_t k = strlen(msg); k && (msg[k - 1] == '\n' || msg[k - 1] == ' '); k--)
			msg[k - 1] = 0;
		line = e->line;
	}
	return ph_fta_fail(r->m, PH_FTA_EXML, file, line, NULL, NULL, "malformed XML: %s", msg);
}

/* The line of the "<!DOCTYPE" before the parser's position (the parser
 * calls internalSubset once it has read the name and external id, which may
 * span lines). */
static long doctype_line(xmlParserCtxtPtr ctxt)
{
	const xmlParserInputPtr in = ctxt->input;
	const char *base = (const char *)in->base, *p = (const char *)in->cur;
	long line = in->line;

	for (; p > base; p--) {
		if (p[-1] == '\n')
			line--;
		if (p - base >= 9 && !memcmp(p - 9, "<!DOCTYPE", 9))
			break;
	}
	if (p == base)
		line = in->line;
	return line > 0 ? line : 1;
}

/* SAX internalSubset: a document type declaration.  Note its line and stop
 * before the parser reads its declarations (entities included). */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	long *line = ctxt->_private;

	(void)name;
	(void)external_id;
	(void)system_id;
	if (line && !*line)
		*line = doctype_line(ctxt);
	xmlStopParser(ctxt);
}

static int parse_buffer(reader *r, int file, const char *buf, size_t len, xmlDocPtr *out)
{
	if (len > (size_t)0x7fffffff)
		return ph_fta_fail(r->m, PH_FTA_EIO, file, 0, NULL, NULL, "file too large");
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return ph_fta_fail(r->m, PH_FTA_ENOMEM, file, 0, NULL, NULL, "out of memory");
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
	long doctype = 0;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->_private = &doctype;
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)len, r->m->files.v[file], NULL, opts);
	int rc = 0;
	if (doctype || (doc && doc->intSubset))
		rc = ph_fta_fail(r->m, PH_FTA_EUNSUPPORTED, file, doctype ? doctype : 1, NULL, NULL,
		                 "document type declarations are not supported");
	else if (!doc)
		rc = xml_fail(r, file, ctxt);
	xmlFreeParserCtxt(ctxt);
	if (rc) {
		xmlFreeDoc(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

static int add_file(reader *r, const char *name)
{
	ph_fta_model *m = r->m;
	char *copy = strdup(name);
	if (!copy || PH_FTA_VEC_RESERVE(m->files)) {
		free(copy);
		return ph_fta_fail(m, PH_FTA_ENOMEM, -1, 0, NULL, NULL, "out of memory");
	}
	m->files.v[m->files.n++] = copy;
	return 0;
}

/* --- pass 1: definitions ---------------------------------------------------- */

static int role_of(reader *r, int file, const xmlNode *n, const char *name, int inherited,
                   int *is_public)
{
	char *role = attr(n, "role");
	int rc = 0;
	*is_public = inherited;
	if (role && !strcmp(role, "public"))
		*is_public = 1;
	else if (role && !strcmp(role, "private"))
		*is_public = 0;
	else if (role)
		rc = fail_at(r, file, n, PH_FTA_EINVALID, name,
		             "role must be \"public\" or \"private\"");
	free(role);
	return rc;
}

static int define_event(reader *r, int file, const xmlNode *n, ph_fta_kind kind, const char *base,
                        int inherited, int tree)
{
	char *name = attr(n, "name");
	int is_public = 1, rc;
	uint32_t index;
	if (!name)
		return fail_at(r, file, n, PH_FTA_EINVALID, "", "missing name attribute");
	rc = role_of(r, file, n, name, inherited, &is_public);
	if (!rc)
		rc = ph_fta_model_define(r->m, kind, name, base, is_public, tree, file, line_of(n),
		                         (void *)n, &index);
	free(name);
	return rc;
}

static int register_container(reader *r, int file, const xmlNode *parent, const char *base,
                              int is_public, int tree);

static const char *const ccf_models[] = { "beta-factor", "MGL", "alpha-factor", "phi-factor" };

static int ccf_members(reader *r, int file, const xmlNode *n, ph_fta_ccf *g)
{
	const xmlNode *members = NULL;
	FOR_ELEMENTS(c, n)
	if (is(c, "members"))
		members = members ? NULL : c;
	if (!members)
		return fail_at(r, file, n, PH_FTA_EINVALID, g->def.name,
		               "needs exactly one <members> list");
	FOR_ELEMENTS(c, members)
	{
		char *name = is(c, "basic-event") ? attr(c, "name") : NULL;
		int rc = 0;
		uint32_t index;
		if (!name)
			rc = fail_at(r, file, c, PH_FTA_EINVALID, g->def.name,
			             "members are <basic-event name=...> elements");
		else if (g->nmembers == PH_FTA_CCF_MAX_MEMBERS)
			rc = fail_at(r, file, c, PH_FTA_EUNSUPPORTED, g->def.name,
			             "more than 64 members");
		else
			rc = ph_fta_model_define(r->m, PH_FTA_BASIC, name, g->def.base,
			                         g->def.is_public, g->def.tree, file, line_of(c),
			                         (void *)c, &index);
		free(name);
		if (rc)
			return rc;
		r->m->ev[PH_FTA_BASIC].v[index].ccf = (int)r->m->ccfs.n + 1;
		g->members[g->nmembers++] = index;
	}
	if (g->nmembers < 2)
		return fail_at(r, file, members, PH_FTA_EINVALID, g->def.name,
		               "a CCF group needs at least 2 members");
	return 0;
}

/* A define-CCF-group: its members are basic events it defines (pass 1);
 * distribution and factors are read in pass 2 (read_ccf). */
static int register_ccf(reader *r, int file, const xmlNode *n, const char *base, int inherited,
                        int tree)
{
	ph_fta_model *m = r->m;
	ph_fta_ccf g = {
		.def = { .file = file, .line = line_of(n), .node = (void *)n, .tree = tree }
	};
	char *model = attr(n, "model");
	int rc = 0;
	g.def.name = attr(n, "name");
	if (!g.def.name)
		rc = fail_at(r, file, n, PH_FTA_EINVALID, "", "missing name attribute");
	if (!rc)
		rc = role_of(r, file, n, g.def.name, inherited, &g.def.is_public);
	if (!rc && (!*g.def.name || strchr(g.def.name, '.')))
		rc = fail_at(r, file, n, PH_FTA_EINVALID, g.def.name, "invalid name");
	size_t k = 0;
	while (!rc && k < 4 && (!model || strcmp(model, ccf_models[k])))
		k++;
	if (!rc && k == 4)
		rc = fail_at(r, file, n, PH_FTA_EINVALID, g.def.name,
		             "model must be beta-factor, MGL, alpha-factor or phi-factor");
	g.model = (ph_fta_ccf_model)k;
	if (!rc) {
		g.def.base = base ? strdup(base) : NULL;
		g.def.path = malloc((base ? strlen(base) + 1 : 0) + strlen(g.def.name) + 1);
		g.members = malloc(PH_FTA_CCF_MAX_MEMBERS * sizeof *g.members);
		if (!g.def.path || !g.members || (base && !g.def.base) ||
		    PH_FTA_VEC_RESERVE(m->ccfs))
			rc = fail_at(r, file, n, PH_FTA_ENOMEM, g.def.name, "out of memory");
		else
			sprintf(g.def.path, "%s%s%s", base ? base : "", base ? "." : "",
			        g.def.name);
	}
	for (size_t i = 0; !rc && i < m->ccfs.n; i++)
		if (!strcmp(m->ccfs.v[i].def.path, g.def.path))
			rc = ph_fta_fail(m, PH_FTA_EDUPLICATE, file, g.def.line, "define-CCF-group",
			                 g.def.name,
			                 "duplicate CCF group (first defined at %s:%ld)",
			                 m->files.v[m->ccfs.v[i].def.file], m->ccfs.v[i].def.line);
	free(model);
	if (!rc)
		rc = ccf_members(r, file, n, &g);
	if (!rc) {
		g.def.is_public = g.def.is_public || !base || !*base;
		m->ccfs.v[m->ccfs.n++] = g;
		return 0;
	}
	free(g.def.name);
	free(g.def.path);
	free(g.def.base);
	free(g.members);
	return rc;
}

static int register_component(reader *r, int file, const xmlNode *n, const char *base,
                              int inherited, int tree)
{
	char *name = attr(n, "name");
	int is_public = 1, rc;
	if (!name)
		return fail_at(r, file, n, PH_FTA_EINVALID, "", "missing name attribute");
	rc = role_of(r, file, n, name, inherited, &is_public);
	if (!rc && (strchr(name, '.') || !*name))
		rc = fail_at(r, file, n, PH_FTA_EINVALID, name, "invalid name");
	char *path = NULL;
	if (!rc) {
		path = malloc(strlen(base) + strlen(name) + 2);
		if (!path)
			rc = fail_at(r, file, n, PH_FTA_ENOMEM, name, "out of memory");
		else
			sprintf(path, "%s.%s", base, name);
	}
	if (!rc)
		rc = register_container(r, file, n, path, is_public, tree);
	free(path);
	free(name);
	return rc;
}

/* Children of a fault tree or component (tree >= 0) or of model-data. */
static int register_container(reader *r, int file, const xmlNode *parent, const char *base,
                              int is_public, int tree)
{
	int rc = 0;
	FOR_ELEMENTS(c, parent)
	{
		if (is(c, "define-basic-event"))
			rc = define_event(r, file, c, PH_FTA_BASIC, base, is_public, tree);
		else if (is(c, "define-house-event"))
			rc = define_event(r, file, c, PH_FTA_HOUSE, base, is_public, tree);
		else if (is(c, "define-parameter"))
			rc = define_event(r, file, c, PH_FTA_PARAM, base, is_public, tree);
		else if (tree >= 0 && is(c, "define-gate"))
			rc = define_event(r, file, c, PH_FTA_GATE, base, is_public, tree);
		else if (tree >= 0 && is(c, "define-component"))
			rc = register_component(r, file, c, base, is_public, tree);
		else if (tree >= 0 && is(c, "define-CCF-group"))
			rc = register_ccf(r, file, c, base, is_public, tree);
		else if (!is_meta(c))
			rc = unsupported(r, file, c);
		if (rc)
			return rc;
	}
	return 0;
}

static int register_tree(reader *r, int file, const xmlNode *n)
{
	ph_fta_model *m = r->m;
	char *name = attr(n, "name");
	if (!name)
		return fail_at(r, file, n, PH_FTA_EINVALID, "", "missing name attribute");
	int rc = 0;
	if (!*name || strchr(name, '.'))
		rc = fail_at(r, file, n, PH_FTA_EINVALID, name, "invalid name");
	for (size_t i = 0; !rc && i < m->trees.n; i++)
		if (!strcmp(m->trees.v[i], name))
			rc = fail_at(r, file, n, PH_FTA_EDUPLICATE, name,
			             "duplicate fault tree name");
	if (!rc && PH_FTA_VEC_RESERVE(m->trees))
		rc = fail_at(r, file, n, PH_FTA_ENOMEM, name, "out of memory");
	if (rc) {
		free(name);
		return rc;
	}
	m->trees.v[m->trees.n++] = name;
	return register_container(r, file, n, name, 1, (int)m->trees.n - 1);
}

static int register_doc(reader *r, int file, xmlDocPtr doc)
{
	const xmlNode *root = xmlDocGetRootElement(doc);
	int rc = 0;
	if (!root)
		return ph_fta_fail(r->m, PH_FTA_EXML, file, 0, NULL, NULL, "empty document");
	if (!is(root, "opsa-mef")) {
		char *name = attr(root, "name");
		rc = fail_at(r, file, root, PH_FTA_EXML, name,
		             "not an Open-PSA MEF document (expected <opsa-mef>)");
		free(name);
		return rc;
	}
	FOR_ELEMENTS(c, root)
	{
		if (is(c, "define-fault-tree"))
			rc = register_tree(r, file, c);
		else if (is(c, "model-data"))
			rc = register_container(r, file, c, NULL, 1, -1);
		else if (is(c, "define-CCF-group"))
			rc = register_ccf(r, file, c, NULL, 1, -1);
		else if (!is_meta(c))
			rc = unsupported(r, file, c);
		if (rc)
			return rc;
	}
	return 0;
}

/* --- pass 2: bodies --------------------------------------------------------- */

static int parse_number(const char *s, double *out)
{
	char *end;
	if (!s || !*s)
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (*end || errno || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int parse_bool(const char *s, int *out)
{
	if (s && !strcmp(s, "true"))
		*out = 1;
	else if (s && !strcmp(s, "false"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* --- probability expressions ------------------------------------------------ */

typedef struct xform {
	const char *name;
	ph_fta_xop op;
	size_t min_args, max_args; /* max 0: unbounded */
} xform;

static const xform xforms[] = {
	{ "neg", PH_FTA_X_NEG, 1, 1 },
	{ "add", PH_FTA_X_ADD, 2, 0 },
	{ "sub", PH_FTA_X_SUB, 2, 0 },
	{ "mul", PH_FTA_X_MUL, 2, 0 },
	{ "div", PH_FTA_X_DIV, 2, 0 },
	{ "exponential", PH_FTA_X_EXPONENTIAL, 2, 2 },
	{ "GLM", PH_FTA_X_GLM, 4, 4 },
	{ "Weibull", PH_FTA_X_WEIBULL, 4, 4 },
	{ "periodic-test", PH_FTA_X_PERIODIC, 4, 4 },
	{ "normal-deviate", PH_FTA_X_NORMAL, 2, 2 },
	{ "lognormal-deviate", PH_FTA_X_LOGNORMAL, 2, 3 },
	{ "uniform-deviate", PH_FTA_X_UNIFORM, 2, 2 },
	{ "gamma-deviate", PH_FTA_X_GAMMA, 2, 2 },
	{ "beta-deviate", PH_FTA_X_BETA, 2, 2 },
};

static int add_expr(reader *r, const ph_fta_event *owner, const xmlNode *n, ph_fta_expr x,
                    const size_t *args, size_t *out)
{
	ph_fta_model *m = r->m;
	if (PH_FTA_VEC_RESERVE(m->exprs))
		return fail_at(r, owner->file, n, PH_FTA_ENOMEM, owner->name, "out of memory");
	while (m->xargs.cap - m->xargs.n < x.nargs)
		if (ph_fta_vec_grow((void **)&m->xargs.v, &m->xargs.cap, m->xargs.cap,
		                    sizeof *m->xargs.v))
			return fail_at(r, owner->file, n, PH_FTA_ENOMEM, owner->name,
			               "out of memory");
	x.first = m->xargs.n;
	x.file = owner->file;
	x.line = line_of(n);
	if (x.nargs)
		memcpy(m->xargs.v + m->xargs.n, args, x.nargs * sizeof *args);
	m->xargs.n += x.nargs;
	m->exprs.v[m->exprs.n] = x;
	*out = m->exprs.n++;
	return 0;
}

static int read_expr(reader *r, const ph_fta_event *owner, const xmlNode *n, size_t *out);

static int read_leaf(reader *r, const ph_fta_event *owner, const xmlNode *n, size_t *out)
{
	ph_fta_expr x = { .op = PH_FTA_X_CONST };
	if (next_element(n->children))
		return fail_at(r, owner->file, n, PH_FTA_EINVALID, owner->name,
		               "takes no arguments");
	if (is(n, "system-mission-time")) {
		x.op = PH_FTA_X_MISSION;
	} else if (is(n, "parameter")) {
		char *name = attr(n, "name");
		ph_fta_ref ref;
		int found =
		        name && ph_fta_model_resolve(r->m, name, owner->base, PH_FTA_PARAM, &ref);
		int rc =
		        found ? 0
		              : ph_fta_fail(r->m, name ? PH_FTA_EUNDEFINED : PH_FTA_EINVALID,
		                            owner->file, line_of(n), "parameter", name ? name : "",
		                            "%s (used by '%s')",
		                            name ? "undefined parameter" : "missing name attribute",
		                            owner->name);
		free(name);
		if (rc)
			return rc;
		x.op = PH_FTA_X_PARAM;
		x.index = ref.index;
	} else {
		char *v = attr(n, "value");
		int b = 0, bad = is(n, "bool") ? parse_bool(v, &b) : parse_number(v, &x.value);
		if (is(n, "bool"))
			x.value = b;
		free(v);
		if (bad)
			return fail_at(r, owner->file, n, PH_FTA_EINVALID, owner->name,
			               "value attribute is not a number");
	}
	return add_expr(r, owner, n, x, NULL, out);
}

static int read_xform(reader *r, const ph_fta_event *owner, const xmlNode *n, const xform *k,
                      size_t *out)
{
	PH_FTA_VEC(size_t) args = { 0 };
	int rc = 0;
	FOR_ELEMENTS(a, n)
	{
		if (PH_FTA_VEC_RESERVE(args)) {
			rc = fail_at(r, owner->file, a, PH_FTA_ENOMEM, owner->name,
			             "out of memory");
			break;
		}
		if ((rc = read_expr(r, owner, a, &args.v[args.n])))
			break;
		args.n++;
	}
	if (!rc && (args.n < k->min_args || (k->max_args && args.n > k->max_args)))
		rc = ph_fta_fail(r->m, PH_FTA_EINVALID, owner->file, line_of(n), k->name,
		                 owner->name, "needs %zu%s arguments, has %zu", k->min_args,
		                 k->max_args == k->min_args ? "" : " or more", args.n);
	if (!rc) {
		ph_fta_expr x = { .op = k->op, .nargs = args.n };
		rc = add_expr(r, owner, n, x, args.v, out);
	}
	free(args.v);
	return rc;
}

static int read_expr(reader *r, const ph_fta_event *owner, const xmlNode *n, size_t *out)
{
	if (is(n, "float") || is(n, "int") || is(n, "bool") || is(n, "parameter") ||
	    is(n, "system-mission-time"))
		return read_leaf(r, owner, n, out);
	for (size_t i = 0; i < sizeof xforms / sizeof xforms[0]; i++)
		if (is(n, xforms[i].name))
			return read_xform(r, owner, n, &xforms[i], out);
	return ph_fta_fail(r->m, PH_FTA_EUNSUPPORTED, owner->file, line_of(n),
	                   (const char *)n->name, owner->name, "unsupported expression");
}

/* The one expression of a basic event or parameter (label and attributes
 * aside); *found 0 when there is none. */
static int read_body_expr(reader *r, ph_fta_event *e, const char *what)
{
	const xmlNode *n = e->node, *body = NULL;
	FOR_ELEMENTS(c, n)
	{
		if (is_meta(c))
			continue;
		if (body)
			return fail_at(r, e->file, c, PH_FTA_EINVALID, e->name, what);
		body = c;
	}
	if (!body)
		return 0;
	int rc = read_expr(r, e, body, &e->expr);
	e->has_expr = !rc;
	return rc;
}

static int read_probability(reader *r, ph_fta_event *e)
{
	/* Without an expression: cut sets only, the probability is unknown. */
	return read_body_expr(r, e, "more than one expression in a basic event");
}

static int read_parameter(reader *r, ph_fta_event *p)
{
	int rc = read_body_expr(r, p, "more than one expression in a parameter");
	if (!rc && !p->has_expr)
		rc = ph_fta_fail(r->m, PH_FTA_EEMPTY, p->file, p->line, "define-parameter", p->name,
		                 "parameter without expression");
	return rc;
}

static int read_house(reader *r, ph_fta_event *e)
{
	const xmlNode *n = e->node;
	FOR_ELEMENTS(c, n)
	{
		if (is_meta(c))
			continue;
		if (!is(c, "constant"))
			return ph_fta_fail(r->m, PH_FTA_EUNSUPPORTED, e->file, line_of(c),
			                   "define-house-event", e->name,
			                   "unsupported value <%s> (only <constant>)",
			                   (const char *)c->name);
		char *v = attr(c, "value");
		int bad = parse_bool(v, &e->value);
		free(v);
		if (bad)
			return fail_at(r, e->file, c, PH_FTA_EINVALID, e->name,
			               "value must be \"true\" or \"false\"");
	}
	return 0;
}

/* One expression as the only child of a CCF group's <distribution> or
 * <factor>. */
static int read_single_expr(reader *r, ph_fta_ccf *g, const xmlNode *n, size_t *out)
{
	const xmlNode *body = NULL;
	FOR_ELEMENTS(c, n)
	{
		if (body)
			return fail_at(r, g->def.file, c, PH_FTA_EINVALID, g->def.name,
			               "holds exactly one expression");
		body = c;
	}
	if (!body)
		return fail_at(r, g->def.file, n, PH_FTA_EEMPTY, g->def.name,
		               "holds exactly one expression");
	return read_expr(r, &g->def, body, out);
}

static size_t ccf_min_level(const ph_fta_ccf *g)
{
	return g->model == PH_FTA_CCF_BETA ? g->nmembers : g->model == PH_FTA_CCF_MGL ? 2 : 1;
}

/* <factor [level="k"]>: the level defaults to the previous one + 1, or the
 * model's lowest (SCRAM's rule). */
static int read_factor(reader *r, ph_fta_ccf *g, const xmlNode *n, size_t *prev)
{
	char *v = attr(n, "level"), *end = NULL;
	long level = v ? strtol(v, &end, 10) : (long)(*prev ? *prev + 1 : ccf_min_level(g));
	int bad = v && (!*v || *end);
	free(v);
	char what[160];
	if (bad || level < 1)
		return fail_at(r, g->def.file, n, PH_FTA_EINVALID, g->def.name,
		               "level must be a positive integer");
	if ((size_t)level < ccf_min_level(g) || (size_t)level > g->nmembers) {
		snprintf(what, sizeof what,
		         "level %ld is outside %zu..%zu (%s group of %zu members)", level,
		         ccf_min_level(g), g->nmembers, ccf_models[g->model], g->nmembers);
		return fail_at(r, g->def.file, n, PH_FTA_EINVALID, g->def.name, what);
	}
	if (level > PH_FTA_CCF_MAX_LEVEL)
		return fail_at(r, g->def.file, n, PH_FTA_EUNSUPPORTED, g->def.name,
		               "factor levels above 32 are not supported");
	if (g->factor_line[level - 1]) {
		snprintf(what, sizeof what, "factor of level %ld defined twice (first at line %d)",
		         level, g->factor_line[level - 1]);
		return fail_at(r, g->def.file, n, PH_FTA_EDUPLICATE, g->def.name, what);
	}
	int rc = read_single_expr(r, g, n, &g->factor[level - 1]);
	if (rc)
		return rc;
	g->factor_line[level - 1] = (int)line_of(n) > 0 ? (int)line_of(n) : 1;
	if ((size_t)level > g->max_level)
		g->max_level = (size_t)level;
	*prev = (size_t)level;
	return 0;
}

static int read_factors(reader *r, ph_fta_ccf *g, const xmlNode *n, size_t *prev)
{
	FOR_ELEMENTS(f, n)
	{
		int rc = is(f, "factor") ? read_factor(r, g, f, prev)
		                         : fail_at(r, g->def.file, f, PH_FTA_EINVALID, g->def.name,
		                                   "expected <factor>");
		if (rc)
			return rc;
	}
	return 0;
}

static int read_ccf(reader *r, ph_fta_ccf *g)
{
	const xmlNode *n = g->def.node;
	size_t prev = 0;
	int rc = 0;
	FOR_ELEMENTS(c, n)
	{
		if (is_meta(c) || is(c, "members"))
			continue;
		if (is(c, "distribution") && g->has_distribution)
			rc = fail_at(r, g->def.file, c, PH_FTA_EDUPLICATE, g->def.name,
			             "a second distribution");
		else if (is(c, "distribution"))
			g->has_distribution = !(rc = read_single_expr(r, g, c, &g->distribution));
		else if ((is(c, "factor") || is(c, "factors")) && prev) /* the MEF schema */
			rc = fail_at(r, g->def.file, c, PH_FTA_EINVALID, g->def.name,
			             "one <factor>, or several inside one <factors>");
		else if (is(c, "factor"))
			rc = read_factor(r, g, c, &prev);
		else if (is(c, "factors"))
			rc = read_factors(r, g, c, &prev);
		else
			rc = fail_at(r, g->def.file, c, PH_FTA_EUNSUPPORTED, g->def.name,
			             "unsupported element in a CCF group");
		if (rc)
			return rc;
	}
	if (!g->has_distribution)
		return fail_at(r, g->def.file, n, PH_FTA_EEMPTY, g->def.name, "no <distribution>");
	if (!g->max_level)
		return fail_at(r, g->def.file, n, PH_FTA_EEMPTY, g->def.name, "no <factor>");
	for (size_t k = ccf_min_level(g); k <= g->max_level; k++)
		if (!g->factor_line[k - 1]) {
			char what[96];
			snprintf(what, sizeof what, "no factor for level %zu", k);
			return fail_at(r, g->def.file, n, PH_FTA_EINVALID, g->def.name, what);
		}
	/* Unexpanded (SCRAM without --ccf), a member's probability is Q. */
	for (size_t i = 0; i < g->nmembers; i++) {
		ph_fta_event *e = &r->m->ev[PH_FTA_BASIC].v[g->members[i]];
		e->expr = g->distribution;
		e->has_expr = 1;
	}
	return 0;
}

typedef struct connective {
	const char *name;
	ph_fta_op op;
	size_t min_args, max_args; /* max 0: unbounded */
} connective;

static const connective connectives[] = {
	{ "and", PH_FTA_AND, 2, 0 },           { "or", PH_FTA_OR, 2, 0 },
	{ "atleast", PH_FTA_ATLEAST, 3, 0 },   { "not", PH_FTA_NOT, 1, 1 },
	{ "xor", PH_FTA_XOR, 2, 2 },           { "nand", PH_FTA_NAND, 2, 0 },
	{ "nor", PH_FTA_NOR, 2, 0 },           { "null", PH_FTA_NULL, 1, 1 },
	{ "iff", PH_FTA_IFF, 2, 2 },           { "imply", PH_FTA_IMPLY, 2, 2 },
	{ "cardinal", PH_FTA_CARDINAL, 1, 0 },
};

static const connective *find_connective(const xmlNode *n)
{
	for (size_t i = 0; i < sizeof connectives / sizeof connectives[0]; i++)
		if (is(n, connectives[i].name))
			return &connectives[i];
	return NULL;
}

static int ref_kind(const xmlNode *n)
{
	if (is(n, "gate"))
		return PH_FTA_GATE;
	if (is(n, "basic-event"))
		return PH_FTA_BASIC;
	if (is(n, "house-event"))
		return PH_FTA_HOUSE;
	if (is(n, "event"))
		return -1;
	return -2;
}

typedef struct ctx {
	reader *r;
	ph_fta_event *owner; /* the gate being read */
} ctx;

static int event_type(ctx *c, const xmlNode *n, const char *name, int *want)
{
	char *type = attr(n, "type");
	int rc = 0;
	if (type) {
		if (!strcmp(type, "gate"))
			*want = PH_FTA_GATE;
		else if (!strcmp(type, "basic-event"))
			*want = PH_FTA_BASIC;
		else if (!strcmp(type, "house-event"))
			*want = PH_FTA_HOUSE;
		else
			rc = fail_at(c->r, c->owner->file, n, PH_FTA_EINVALID, name,
			             "type must be gate, basic-event or house-event");
	}
	free(type);
	return rc;
}

static int read_reference(ctx *c, const xmlNode *n, int want, ph_fta_ref *out)
{
	ph_fta_model *m = c->r->m;
	char *name = attr(n, "name");
	int rc = 0;
	if (!name)
		return fail_at(c->r, c->owner->file, n, PH_FTA_EINVALID, "",
		               "missing name attribute");
	if (want < 0)
		rc = event_type(c, n, name, &want);
	if (!rc && !ph_fta_model_resolve(m, name, c->owner->base, want, out)) {
		const char *what = want < 0 ? "event" : ph_fta_kind_element(want);
		rc = ph_fta_fail(m, PH_FTA_EUNDEFINED, c->owner->file, line_of(n),
		                 (const char *)n->name, name, "undefined %s (used by gate '%s')",
		                 what, c->owner->name);
	}
	free(name);
	return rc;
}

static int read_constant(ctx *c, const xmlNode *n, ph_fta_ref *out)
{
	char *v = attr(n, "value");
	int value = 0, bad = parse_bool(v, &value);
	free(v);
	if (bad)
		return fail_at(c->r, c->owner->file, n, PH_FTA_EINVALID, c->owner->name,
		               "value must be \"true\" or \"false\"");
	out->kind = PH_FTA_CONST;
	out->index = (uint32_t)value;
	return 0;
}

static int read_formula(ctx *c, const xmlNode *n, ph_fta_ref *out);

typedef PH_FTA_VEC(ph_fta_ref) ref_vec;

static int read_args(ctx *c, const xmlNode *n, ref_vec *args)
{
	FOR_ELEMENTS(a, n)
	{
		if (PH_FTA_VEC_RESERVE(*args))
			return fail_at(c->r, c->owner->file, a, PH_FTA_ENOMEM, c->owner->name,
			               "out of memory");
		int rc = read_formula(c, a, &args->v[args->n]);
		if (rc)
			return rc;
		args->n++;
	}
	return 0;
}

static int check_duplicates(ctx *c, const xmlNode *n, const ref_vec *args)
{
	ph_fta_model *m = c->r->m;
	for (size_t i = 0; i < args->n; i++) {
		ph_fta_ref a = args->v[i];
		if (a.kind > PH_FTA_HOUSE)
			continue;
		for (size_t j = i + 1; j < args->n; j++)
			if (args->v[j].kind == a.kind && args->v[j].index == a.index)
				return ph_fta_fail(m, PH_FTA_EDUPLICATE, c->owner->file, line_of(n),
				                   (const char *)n->name, c->owner->name,
				                   "duplicate argument '%s'",
				                   m->ev[a.kind].v[a.index].name);
	}
	return 0;
}

static int read_vote(ctx *c, const xmlNode *n, const char *attr_name, int *out)
{
	char *v = attr(n, attr_name);
	char *end = NULL;
	long x = v ? strtol(v, &end, 10) : -1;
	int bad = !v || !*v || *end || x < 0 || x > 1000000;
	free(v);
	if (bad)
		return ph_fta_fail(c->r->m, PH_FTA_EINVALID, c->owner->file, line_of(n),
		                   (const char *)n->name, c->owner->name,
		                   "attribute %s must be a non-negative integer", attr_name);
	*out = (int)x;
	return 0;
}

static int check_votes(ctx *c, const xmlNode *n, ph_fta_formula *f)
{
	int rc = read_vote(c, n, "min", &f->vote);
	if (rc)
		return rc;
	if (f->op == PH_FTA_ATLEAST) {
		if (f->vote < 2 || (size_t)f->vote >= f->nargs)
			return ph_fta_fail(c->r->m, PH_FTA_EINVALID, c->owner->file, line_of(n),
			                   "atleast", c->owner->name,
			                   "min must be at least 2 and below the %zu arguments",
			                   f->nargs);
		return 0;
	}
	if ((rc = read_vote(c, n, "max", &f->vote_max)))
		return rc;
	if (f->vote > f->vote_max || (size_t)f->vote_max > f->nargs)
		return ph_fta_fail(c->r->m, PH_FTA_EINVALID, c->owner->file, line_of(n), "cardinal",
		                   c->owner->name, "needs min <= max <= %zu arguments", f->nargs);
	return 0;
}

static int check_arity(ctx *c, const xmlNode *n, const connective *k, size_t nargs)
{
	if (nargs == 0)
		return ph_fta_fail(c->r->m, PH_FTA_EEMPTY, c->owner->file, line_of(n), k->name,
		                   c->owner->name, "empty formula (no arguments)");
	if (nargs < k->min_args || (k->max_args && nargs > k->max_args)) {
		char need[64];
		if (k->min_args == k->max_args)
			snprintf(need, sizeof need, "exactly %zu", k->min_args);
		else
			snprintf(need, sizeof need, "%zu or more", k->min_args);
		return ph_fta_fail(c->r->m, PH_FTA_EINVALID, c->owner->file, line_of(n), k->name,
		                   c->owner->name, "needs %s arguments, has %zu", need, nargs);
	}
	return 0;
}

static int add_formula(ph_fta_model *m, const ph_fta_formula *f, const ref_vec *args,
                       ph_fta_ref *out)
{
	if (PH_FTA_VEC_RESERVE(m->formulas))
		return PH_FTA_ENOMEM;
	while (m->args.cap - m->args.n < args->n)
		if (ph_fta_vec_grow((void **)&m->args.v, &m->args.cap, m->args.cap,
		                    sizeof *m->args.v))
			return PH_FTA_ENOMEM;
	ph_fta_formula *nf = &m->formulas.v[m->formulas.n];
	*nf = *f;
	nf->first = m->args.n;
	nf->nargs = args->n;
	memcpy(m->args.v + m->args.n, args->v, args->n * sizeof *args->v);
	m->args.n += args->n;
	out->kind = PH_FTA_FORMULA;
	out->index = (uint32_t)m->formulas.n++;
	return 0;
}

static int read_connective(ctx *c, const xmlNode *n, const connective *k, ph_fta_ref *out)
{
	ref_vec args = { 0 };
	ph_fta_formula f = { .op = k->op };
	int rc = read_args(c, n, &args);
	if (!rc)
		rc = check_arity(c, n, k, args.n);
	f.nargs = args.n;
	if (!rc && (k->op == PH_FTA_ATLEAST || k->op == PH_FTA_CARDINAL))
		rc = check_votes(c, n, &f);
	if (!rc)
		rc = check_duplicates(c, n, &args);
	if (!rc && add_formula(c->r->m, &f, &args, out))
		rc = fail_at(c->r, c->owner->file, n, PH_FTA_ENOMEM, c->owner->name,
		             "out of memory");
	free(args.v);
	return rc;
}

static int read_formula(ctx *c, const xmlNode *n, ph_fta_ref *out)
{
	int want = ref_kind(n);
	if (want > -2)
		return read_reference(c, n, want, out);
	if (is(n, "constant"))
		return read_constant(c, n, out);
	const connective *k = find_connective(n);
	if (!k)
		return fail_at(c->r, c->owner->file, n, PH_FTA_EUNSUPPORTED, c->owner->name,
		               "unsupported formula element");
	return read_connective(c, n, k, out);
}

static int read_gate(reader *r, ph_fta_event *g)
{
	ctx c = { r, g };
	const xmlNode *n = g->node, *body = NULL;
	FOR_ELEMENTS(ch, n)
	{
		if (is_meta(ch))
			continue;
		if (body)
			return fail_at(r, g->file, ch, PH_FTA_EINVALID, g->name,
			               "a gate holds exactly one formula");
		body = ch;
	}
	if (!body)
		return ph_fta_fail(r->m, PH_FTA_EEMPTY, g->file, g->line, "define-gate", g->name,
		                   "empty gate (no formula)");
	ph_fta_ref root;
	int rc = read_formula(&c, body, &root);
	if (rc)
		return rc;
	if (root.kind != PH_FTA_FORMULA) {
		/* A bare event or constant: a pass-through gate. */
		ph_fta_formula f = { .op = PH_FTA_NULL };
		ref_vec one = { &root, 1, 1 };
		if (add_formula(r->m, &f, &one, &root))
			return ph_fta_fail(r->m, PH_FTA_ENOMEM, g->file, g->line, "define-gate",
			                   g->name, "out of memory");
	}
	g->formula = root.index;
	return 0;
}

static int read_bodies(reader *r)
{
	ph_fta_model *m = r->m;
	int rc = 0;
	for (size_t i = 0; !rc && i < m->ev[PH_FTA_GATE].n; i++)
		rc = read_gate(r, &m->ev[PH_FTA_GATE].v[i]);
	for (size_t i = 0; !rc && i < m->ev[PH_FTA_BASIC].n; i++)
		rc = read_probability(r, &m->ev[PH_FTA_BASIC].v[i]);
	for (size_t i = 0; !rc && i < m->ev[PH_FTA_HOUSE].n; i++)
		rc = read_house(r, &m->ev[PH_FTA_HOUSE].v[i]);
	for (size_t i = 0; !rc && i < m->ev[PH_FTA_PARAM].n; i++)
		rc = read_parameter(r, &m->ev[PH_FTA_PARAM].v[i]);
	for (size_t i = 0; !rc && i < m->ccfs.n; i++)
		rc = read_ccf(r, &m->ccfs.v[i]);
	if (!rc)
		rc = ph_fta_model_expand_ccf(m);
	return rc;
}

/* --- entry points ----------------------------------------------------------- */

static int finish(reader *r)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < r->ndocs; i++)
		rc = register_doc(r, (int)i, r->docs[i]);
	if (!rc)
		rc = read_bodies(r);
	if (!rc)
		rc = ph_fta_model_check(r->m);
	if (!rc)
		rc = ph_fta_model_evaluate(r->m);
	for (int k = 0; k < PH_FTA_NDEFS; k++)
		for (size_t i = 0; i < r->m->ev[k].n; i++)
			r->m->ev[k].v[i].node = NULL;
	for (size_t i = 0; i < r->m->ccfs.n; i++)
		r->m->ccfs.v[i].def.node = NULL;
	return rc;
}

static int start(reader *r, size_t ndocs, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	if (err && errlen)
		err[0] = 0;
	r->m = ph_fta_model_new();
	r->docs = calloc(ndocs ? ndocs : 1, sizeof *r->docs);
	if (!r->m || !r->docs) {
		if (err && errlen)
			snprintf(err, errlen, "error: out of memory");
		return PH_FTA_ENOMEM;
	}
	r->m->err = err;
	r->m->errlen = err ? errlen : 0;
	return 0;
}

static int stop(reader *r, int rc, ph_fta_model **out)
{
	for (size_t i = 0; i < r->ndocs; i++)
		xmlFreeDoc(r->docs[i]);
	free(r->docs);
	if (r->m) {
		r->m->err = NULL;
		r->m->errlen = 0;
	}
	if (rc) {
		ph_fta_model_free(r->m);
		r->m = NULL;
	}
	*out = r->m;
	return rc;
}

int ph_fta_model_load(const char *const *paths, size_t n, ph_fta_model **out, char *err,
                      size_t errlen)
{
	reader r;
	if (!out || (!paths && n))
		return PH_FTA_EARG;
	int rc = start(&r, n, err, errlen);
	if (!rc && n == 0)
		rc = ph_fta_fail(r.m, PH_FTA_EARG, -1, 0, NULL, NULL, "no input files");
	for (size_t i = 0; !rc && i < n; i++) {
		char *buf = NULL;
		size_t len = 0;
		rc = add_file(&r, paths[i]);
		int e = rc ? 0 : read_all(paths[i], &buf, &len);
		if (e)
			rc = ph_fta_fail(r.m, PH_FTA_EIO, -1, 0, NULL, NULL, "%s: %s", paths[i],
			                 strerror(-e));
		if (!rc)
			rc = parse_buffer(&r, (int)i, buf, len, &r.docs[i]);
		if (!rc)
			r.ndocs++;
		free(buf);
	}
	if (!rc)
		rc = finish(&r);
	return stop(&r, rc, out);
}

int ph_fta_model_load_memory(const char *buf, size_t len, const char *name, ph_fta_model **out,
                             char *err, size_t errlen)
{
	reader r;
	if (!out || (!buf && len))
		return PH_FTA_EARG;
	int rc = start(&r, 1, err, errlen);
	if (!rc)
		rc = add_file(&r, name ? name : "<memory>");
	if (!rc)
		rc = parse_buffer(&r, 0, buf ? buf : "", len, &r.docs[0]);
	if (!rc) {
		r.ndocs = 1;
		rc = finish(&r);
	}
	return stop(&r, rc, out);
}
