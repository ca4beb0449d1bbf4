/*
 * report_catalog.c - the requirement and hazard catalogue in fixtures/
 * (requirements.json, hazards.json), checked strictly: a traceability
 * matrix built on a wrong catalogue is worse than none.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/json_err.h"
#include "report/report.h"

/* "PREFIX-" then [A-Z0-9-]+ ending in an alphanumeric. */
static int valid_id(const char *id, const char *prefix)
{
	size_t n = strlen(prefix);
	if (!id || strncmp(id, prefix, n) || !id[n])
		return 0;
	for (const char *p = id + n; *p; p++)
		if (!(isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
			return 0;
	return id[strlen(id) - 1] != '-';
}

/* Load path's array `key`; a missing file gives an empty array and a note. */
static json_t *load_list(const char *path, const char *key, const char *schema, json_t *notes,
                         char *err, size_t errlen)
{
	json_error_t jerr;
	struct stat st;
	json_t *doc, *list;

	if (stat(path, &st) < 0 && errno == ENOENT) {
		char note[1200];
		snprintf(note, sizeof note, "%s not found", path);
		json_array_append_new(notes, json_string(note));
		return json_array();
	}
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		ph_json_errmsg(err, errlen, path, &jerr);
		return NULL;
	}
	list = json_object_get(doc, key);
	const char *sch = json_string_value(json_object_get(doc, "schema"));
	if (!sch || strcmp(sch, schema)) {
		snprintf(err, errlen, "%s: \"schema\" must be \"%s\"", path, schema);
		list = NULL;
	} else if (!json_is_array(list)) {
		snprintf(err, errlen, "%s: no \"%s\" list", path, key);
		list = NULL;
	}
	json_incref(list);
	json_decref(doc);
	return list;
}

static int entry_err(char *err, size_t errlen, const char *path, const char *what, size_t i,
                     const char *id, const char *msg)
{
	snprintf(err, errlen, "%s: %s %zu%s%.40s%s: %s", path, what, i + 1, id ? " (" : "",
	         id ? id : "", id ? ")" : "", msg);
	return -1;
}

static int check_hazards(json_t *hz, const char *path, json_t *seen, char *err, size_t errlen)
{
	size_t i;
	json_t *h;
	json_array_foreach(hz, i, h)
	{
		const char *id = json_string_value(json_object_get(h, "id"));
		if (!json_is_object(h))
			return entry_err(err, errlen, path, "hazard", i, NULL, "not an object");
		if (!valid_id(id, "HAZ-"))
			return entry_err(err, errlen, path, "hazard", i, id,
			                 "id must look like HAZ-OVER");
		if (!json_is_string(json_object_get(h, "text")))
			return entry_err(err, errlen, path, "hazard", i, id, "no \"text\"");
		if (json_object_get(seen, id))
			return entry_err(err, errlen, path, "hazard", i, id, "duplicate id");
		json_object_set_new(seen, id, json_true());
	}
	return 0;
}

static int check_req_hazards(json_t *r, size_t i, const char *id, const char *path, json_t *hz_ids,
                             char *err, size_t errlen)
{
	json_t *list = json_object_get(r, "hazards"), *h;
	size_t k;
	char msg[96];

	if (!list)
		return 0;
	if (!json_is_array(list))
		return entry_err(err, errlen, path, "requirement", i, id,
		                 "\"hazards\" must be a list");
	json_array_foreach(list, k, h)
	{
		const char *hid = json_string_value(h);
		if (!hid || (json_object_size(hz_ids) && !json_object_get(hz_ids, hid))) {
			snprintf(msg, sizeof msg, "unknown hazard '%.40s'",
			         hid ? hid : "(not a string)");
			return entry_err(err, errlen, path, "requirement", i, id, msg);
		}
	}
	return 0;
}

static int check_requirements(json_t *reqs, const char *path, json_t *hz_ids, char *err,
                              size_t errlen)
{
	json_t *seen = json_object(), *r;
	size_t i;
	int rc = 0;

	json_array_foreach(reqs, i, r)
	{
		const char *id = json_string_value(json_object_get(r, "id"));
		json_t *testable = json_object_get(r, "testable");
		if (!json_is_object(r))
			rc = entry_err(err, errlen, path, "requirement", i, NULL, "not an object");
		else if (!valid_id(id, "REQ-"))
			rc = entry_err(err, errlen, path, "requirement", i, id,
			               "id must look like REQ-DEL-001");
		else if (json_object_get(seen, id))
			rc = entry_err(err, errlen, path, "requirement", i, id, "duplicate id");
		else if (!json_is_string(json_object_get(r, "text")) ||
		         !json_is_string(json_object_get(r, "source")))
			rc = entry_err(err, errlen, path, "requirement", i, id,
			               "needs \"text\" and \"source\"");
		else if (testable && !json_is_boolean(testable))
			rc = entry_err(err, errlen, path, "requirement", i, id,
			               "\"testable\" must be true or false");
		else if (json_is_false(testable) && !json_is_string(json_object_get(r, "reason")))
			rc = entry_err(err, errlen, path, "requirement", i, id,
			               "\"testable\": false needs a \"reason\"");
		else
			rc = check_req_hazards(r, i, id, path, hz_ids, err, errlen);
		if (rc < 0)
			break;
		json_object_set_new(seen, id, json_true());
	}
	json_decref(seen);
	return rc;
}

json_t *ph_report_catalog_load(const char *fixtures_dir, char *err, size_t errlen)
{
	char rpath[1024], hpath[1024];
	json_t *notes = json_array(), *hz = NULL, *reqs = NULL, *hz_ids = json_object(),
	       *cat = NULL;

	snprintf(rpath, sizeof rpath, "%s/requirements.json", fixtures_dir);
	snprintf(hpath, sizeof hpath, "%s/hazards.json", fixtures_dir);
	if (!(hz = load_list(hpath, "hazards", "pumphil-hazards/1", notes, err, errlen)) ||
	    check_hazards(hz, hpath, hz_ids, err, errlen) < 0)
		goto out;
	if (!(reqs = load_list(rpath, "requirements", "pumphil-requirements/1", notes, err,
	                       errlen)) ||
	    check_requirements(reqs, rpath, hz_ids, err, errlen) < 0)
		goto out;
	cat = json_pack("{s:O,s:O,s:[s,s]}", "requirements", reqs, "hazards", hz, "files", rpath,
	                hpath);
	if (cat && json_array_size(notes))
		json_object_set(cat, "missing", notes);
out:
	json_decref(notes);
	json_decref(hz);
	json_decref(reqs);
	json_decref(hz_ids);
	return cat;
}
