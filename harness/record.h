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
 * are made valid UTF-8 (invalid bytes become U+FFFD).  Never NULL. */
json_t *ph_record_from_lua(lua_State *L, int idx);

/* A JSON string from arbitrary bytes, made valid UTF-8. */
json_t *ph_json_string_lossy(const char *s, size_t n);

/* Copy s (n bytes) into out as valid UTF-8 (invalid sequences become U+FFFD,
 * NUL bytes are dropped).  Returns the length written; out gets at most
 * cap - 1 bytes and a terminator. */
size_t ph_utf8_sanitize(const char *s, size_t n, char *out, size_t cap);

#endif
