/*
 * record.h - the JSON test record: conversion from Lua results, UTF-8
 * hygiene, and writing the record file.  The schema is in docs/record.md.
 */
#ifndef PH_RECORD_H
#define PH_RECORD_H

#include <stddef.h>

#include <jansson.h>
#include <lua.h>

/* The Lua value at idx as JSON (tables with keys 1..n become arrays, other
 * tables objects; functions and userdata become their type name).  Strings
 * are made valid UTF-8 (invalid bytes become U+FFFD).  Never NULL.  May
 * raise (the memory cap, a key's __tostring): call it where a Lua error is
 * caught; nothing leaks when it raises. */
json_t *ph_record_from_lua(lua_State *L, int idx);

/* A json_t owned by a Lua userdata ("pumphil.json_box"), as lauxlib's box
 * owns a luaL_Buffer's memory: C that holds JSON across a call that can
 * raise (a push under the memory cap) keeps it in a box, whose __gc and
 * __close free it (once; both may run).  ph_json_box_new() pushes an empty
 * box: create it first, then acquire the JSON into b->j. */
typedef struct ph_json_box {
	json_t *j;
} ph_json_box;
ph_json_box *ph_json_box_new(lua_State *L);

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

/* Rebuild a record from the traces at paths[0..n-1] (a run killed before it
 * wrote record.json): the run from their run_start events, one test per
 * test_start with what its events say; a test that started but never ended
 * gets verdict "error", message "interrupted: the run stopped during this
 * test" and "interrupted": true.  Trace paths in the record are made
 * relative to base_dir when they lie under it.  Returns a new record, or NULL
 * with err filled when a trace cannot be read or none holds a test.  A torn
 * tail is fine (that is the point). */
json_t *ph_record_from_traces(const char *const *paths, int n, const char *base_dir, char *err,
                              size_t errlen);

#endif
