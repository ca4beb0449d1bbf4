/*
 * record.h - the JSON test record: UTF-8 hygiene, checking and loading the
 * record file.  The schema is in docs/record.md.
 */
#ifndef PH_RECORD_H
#define PH_RECORD_H

#ifndef PH_USES_RESULTS
#error "results/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>

#include <jansson.h>

/* A JSON string from arbitrary bytes, made valid UTF-8. */
json_t *ph_json_string_lossy(const char *s, size_t n);

/* Copy s (n bytes) into out as valid UTF-8 (invalid sequences become U+FFFD,
 * NUL bytes are dropped).  Returns the length written; out gets at most
 * cap - 1 bytes and a terminator. */
size_t ph_utf8_sanitize(const char *s, size_t n, char *out, size_t cap);

/* The record's schema id; readers accept any "pumphil-record/1" record and
 * ignore fields they do not know (docs/record.md). */
#define PH_RECORD_SCHEMA "pumphil-record/1"

/* Check that record has the shape docs/record.md describes (schema id, a
 * run object, tests with a name and a known verdict, fields of the right
 * types).  name prefixes the message.  Returns 0, or -1 with one line in
 * err: "record.json: tests[3]: verdict 'maybe' is not pass, fail, error or
 * skip". */
int ph_record_check(json_t *record, const char *name, char *err, size_t errlen);

/* Read and check the record file at path.  Returns a new reference, or NULL
 * with one line naming the file (and line:column for bad JSON) in err. */
json_t *ph_record_load(const char *path, char *err, size_t errlen);

#endif
