/*
 * lua_bench.c - C primitives for the Lua test language (see lua_bench.h).
 *
 * Misuse (a wrong field name, an out-of-range value) raises a Lua error;
 * expected hardware outcomes (no reply, a NAK, the board gone) return
 * nil, message, code like Lua's io library.
 */
#include "lua/lua_bench.h"
#include "lua/lua_adapter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "base/clock.h"
#include "base/json_err.h"
#include "link/linkfault.h"
#include "lua/lua_json.h"
#include "lua/lua_sandbox.h"
#include "results/record.h"

static const char CTX_KEY = 'C';

void ph_lua_set_ctx(lua_State *L, ph_ctx *ctx)
{
	lua_pushlightuserdata(L, ctx);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &CTX_KEY);
}

static ph_ctx *ctx_get(lua_State *L)
{
	ph_ctx *c;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &CTX_KEY);
	c = lua_touserdata(L, -1);
	lua_pop(L, 1);
	if (!c || !c->link)
		luaL_error(L, "no bench: bench functions work only inside a test");
	return c;
}

ph_ctx *ph_lua_ctx_get(lua_State *L)
{
	return ctx_get(L);
}

/* ---- messages <-> tables ---- */

static const pp_msg_desc *check_msg(lua_State *L, int arg)
{
	const char *name = luaL_checkstring(L, arg);
	const pp_msg_desc *d = pp_msg_desc_by_name(name);
	if (!d)
		luaL_argerror(L, arg, lua_pushfstring(L, "unknown message '%s'", name));
	return d;
}

static const pp_field_desc *find_field(const pp_msg_desc *d, const char *name)
{
	for (const pp_field_desc *f = d->fields; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static void set_field(lua_State *L, const pp_msg_desc *d, const pp_field_desc *f, uint8_t *body,
                      int vidx)
{
	int isnum = 0;
	/* A number only: never a string that happens to read as one. */
	lua_Integer v = lua_type(L, vidx) == LUA_TNUMBER ? lua_tointegerx(L, vidx, &isnum) : 0;
	if (!isnum)
		luaL_error(L, "%s.%s: expected an integer, got %s", d->name, f->name,
		           lua_type(L, vidx) == LUA_TNUMBER ? "a fraction"
		                                            : luaL_typename(L, vidx));
	switch (f->type) {
	case PP_T_U8:
	case PP_T_U16:
	case PP_T_U32: {
		lua_Integer max = f->type == PP_T_U8    ? 0xff
		                  : f->type == PP_T_U16 ? 0xffff
		                                        : 0xffffffffLL;
		if (v < 0 || v > max)
			luaL_error(L, "%s.%s: %I out of range 0..%I", d->name, f->name, v, max);
		if (f->type == PP_T_U8) {
			uint8_t x = (uint8_t)v;
			memcpy(body + f->offset, &x, 1);
		} else if (f->type == PP_T_U16) {
			uint16_t x = (uint16_t)v;
			memcpy(body + f->offset, &x, 2);
		} else {
			uint32_t x = (uint32_t)v;
			memcpy(body + f->offset, &x, 4);
		}
		break;
	}
	case PP_T_I32: {
		if (v < INT32_MIN || v > INT32_MAX)
			luaL_error(L, "%s.%s: %I out of range", d->name, f->name, v);
		int32_t x = (int32_t)v;
		memcpy(body + f->offset, &x, 4);
		break;
	}
	case PP_T_U64:
		if (v < 0)
			luaL_error(L, "%s.%s: %I out of range", d->name, f->name, v);
		/* fall through */
	default: {
		int64_t x = (int64_t)v;
		memcpy(body + f->offset, &x, 8);
		break;
	}
	}
}

/* Build a message from the table at idx (absent table = all zero). */
static void table_to_msg(lua_State *L, const pp_msg_desc *d, int idx, pp_msg *m)
{
	memset(m, 0, sizeof *m);
	m->type = d->type;
	if (lua_isnoneornil(L, idx))
		return;
	luaL_checktype(L, idx, LUA_TTABLE);
	idx = lua_absindex(L, idx);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		const pp_field_desc *f = k ? find_field(d, k) : NULL;
		if (!f)
			luaL_error(L, "message '%s' has no field '%s'", d->name, k ? k : "?");
		set_field(L, d, f, (uint8_t *)&m->u, -1);
		lua_pop(L, 1);
	}
}

static void push_msg(lua_State *L, const pp_msg *m)
{
	const pp_msg_desc *d = pp_msg_desc_find(m->type);
	const uint8_t *body = (const uint8_t *)&m->u;

	lua_newtable(L);
	if (!d)
		return;
	lua_pushstring(L, d->name);
	lua_setfield(L, -2, "type");
	for (const pp_field_desc *f = d->fields; f->name; f++) {
		lua_Integer v;
		switch (f->type) {
		case PP_T_U8: {
			uint8_t x;
			memcpy(&x, body + f->offset, 1);
			v = x;
			break;
		}
		case PP_T_U16: {
			uint16_t x;
			memcpy(&x, body + f->offset, 2);
			v = x;
			break;
		}
		case PP_T_U32: {
			uint32_t x;
			memcpy(&x, body + f->offset, 4);
			v = x;
			break;
		}
		case PP_T_I32: {
			int32_t x;
			memcpy(&x, body + f->offset, 4);
			v = x;
			break;
		}
		default: {
			int64_t x;
			memcpy(&x, body + f->offset, 8);
			v = x;
			break;
		}
		}
		lua_pushinteger(L, v);
		lua_setfield(L, -2, f->name);
	}
}

static uint8_t check_channel(lua_State *L, int arg)
{
	const char *ch = luaL_checkstring(L, arg);
	if (!strcmp(ch, "pump"))
		return PP_CH_PUMP;
	if (!strcmp(ch, "fixture"))
		return PP_CH_FIXTURE;
	return (uint8_t)luaL_argerror(L, arg, "channel must be 'pump' or 'fixture'");
}

/* A link error's side effect on the test: the board gone is noted (and
 * ends the test at the next check_limit()). */
static void note_disconnect(ph_ctx *c, int err)
{
	if (err == PH_LINK_NO_DEVICE && !c->disconnected) {
		c->disconnected = 1;
		c->disconnected_at = ph_link_now(c->link);
	}
}

/* nil, message, code (and the nak table for NAKs). */
static int push_fail(lua_State *L, int err, const pp_msg *reply)
{
	lua_pushnil(L);
	if (err == PH_LINK_NAK) {
		const char *name = pp_code_name("NAK", reply->u.nak.code);
		lua_pushfstring(L, "NAK %s", name ? name : "?");
		lua_pushstring(L, "nak");
		push_msg(L, reply);
		return 4;
	}
	lua_pushstring(L, ph_link_strerror(err));
	lua_pushstring(L, err == PH_LINK_TIMEOUT       ? "timeout"
	                  : err == PH_LINK_NO_DEVICE   ? "no_device"
	                  : err == PH_LINK_INTERRUPTED ? "interrupted"
	                                               : "io");
	return 3;
}

static void progress(ph_ctx *c)
{
	int64_t now;
	if (!c->progress)
		return;
	now = ph_monotonic_ns();
	if (now - c->progress_wall < 100000000)
		return;
	c->progress_wall = now;
	c->progress(c->progress_ud, ph_link_now(c->link));
}

static void check_limit(lua_State *L, ph_ctx *c)
{
	progress(c);
	if (c->clock)
		c->clock(c->record_ud, ph_link_now(c->link));
	if (c->bench_limit_ns && ph_link_now(c->link) >= c->bench_limit_ns)
		ph_sandbox_abort(ph_sandbox_of(L), "bench-time limit of the test reached");
	if (c->disconnected)
		luaL_error(L, "board disconnected at t=%f s",
		           (double)(c->disconnected_at - c->t0) / 1e9);
}

/* nil, "board disconnected at t=...", "no_device": a board that is gone is
 * an outcome of the call (the test language decides whether it raises). */
static int push_gone(lua_State *L, const ph_ctx *c)
{
	lua_pushnil(L);
	lua_pushfstring(L, "board disconnected at t=%f s",
	                (double)(c->disconnected_at - c->t0) / 1e9);
	lua_pushstring(L, "no_device");
	return 3;
}

/* call(channel, name, fields) -> reply, or nil, msg, code[, nak] */
static int l_call(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	uint8_t ch = check_channel(L, 1);
	const pp_msg_desc *d = check_msg(L, 2);
	pp_msg req, reply;
	ph_call_info info;
	int r;

	table_to_msg(L, d, 3, &req);
	if (c->disconnected)
		return push_gone(L, c);
	check_limit(L, c);
	r = ph_link_call(c->link, ch, &req, &reply, &info);
	if (r != PH_LINK_OK) {
		note_disconnect(c, r);
		if (c->disconnected)
			return push_gone(L, c);
		return push_fail(L, r, &reply);
	}
	push_msg(L, &reply);
	lua_pushinteger(L, info.t_reply - c->t0);
	lua_setfield(L, -2, "t");
	lua_pushinteger(L, info.t_sent - c->t0);
	lua_setfield(L, -2, "t_sent");
	lua_pushinteger(L, (lua_Integer)info.board_us);
	lua_setfield(L, -2, "board_us");
	lua_pushinteger(L, info.attempts);
	lua_setfield(L, -2, "attempts");
	return 1;
}

/* send(channel, name, fields[, flags]) -> seq */
static int l_send(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	uint8_t ch = check_channel(L, 1);
	const pp_msg_desc *d = check_msg(L, 2);
	pp_msg m;
	int r;

	table_to_msg(L, d, 3, &m);
	r = ph_link_send(c->link, ch, &m, (uint8_t)luaL_optinteger(L, 4, 0));
	if (r < 0) {
		note_disconnect(c, r);
		return push_fail(L, r, &m);
	}
	lua_pushinteger(L, r);
	return 1;
}

/* send_raw(channel, bytes) -> true */
static int l_send_raw(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	uint8_t ch = check_channel(L, 1);
	size_t n;
	const char *s = luaL_checklstring(L, 2, &n);
	int r = ph_link_send_raw(c->link, ch, (const uint8_t *)s, n);
	if (r < 0) {
		pp_msg none = { 0 };
		note_disconnect(c, r);
		return push_fail(L, r, &none);
	}
	lua_pushboolean(L, 1);
	return 1;
}

/* unsolicited() -> reply table (with seq) or nil */
static int l_unsolicited(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	pp_msg m;
	pp_frame f;
	if (!ph_link_pop_unsolicited(c->link, &m, &f))
		return 0;
	push_msg(L, &m);
	lua_pushinteger(L, f.seq);
	lua_setfield(L, -2, "seq");
	return 1;
}

/* encode(channel, name, fields, seq) -> wire bytes (for crafting bad frames) */
static int l_encode(lua_State *L)
{
	uint8_t ch = check_channel(L, 1);
	const pp_msg_desc *d = check_msg(L, 2);
	uint8_t wire[PP_MAX_WIRE];
	pp_msg m;
	int n;

	table_to_msg(L, d, 3, &m);
	n = pp_msg_encode(&m, ch, (uint16_t)luaL_optinteger(L, 4, 0), 0, wire, sizeof wire);
	if (n < 0)
		return luaL_error(L, "encode: %s", pp_strerror(n));
	lua_pushlstring(L, (const char *)wire, (size_t)n);
	return 1;
}

static int l_now(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	lua_pushinteger(L, ph_link_now(c->link) - c->t0);
	return 1;
}

/* run_until(t): process the board's traffic until the bench clock is t.
 * -> the bench time reached, or nil, msg, code when the link failed. */
static int l_run_until(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	lua_Integer t = luaL_checkinteger(L, 1) + c->t0;
	int r;

	/* Never past the test's bench-time limit: check_limit aborts there. */
	if (c->bench_limit_ns && t > c->bench_limit_ns)
		t = c->bench_limit_ns;
	r = ph_link_run_until(c->link, t);
	if (r < 0) {
		pp_msg none = { 0 };
		note_disconnect(c, r);
		check_limit(L, c); /* raises when the board is gone */
		return push_fail(L, r, &none);
	}
	check_limit(L, c);
	lua_pushinteger(L, ph_link_now(c->link) - c->t0);
	return 1;
}

static void push_event(lua_State *L, const ph_event *e, int64_t t0)
{
	const char *s;
	lua_newtable(L);
	lua_pushinteger(L, e->t_ns - t0);
	lua_setfield(L, -2, "t");
	lua_pushinteger(L, (lua_Integer)e->board_us);
	lua_setfield(L, -2, "board_us");
	lua_pushinteger(L, e->ev.evseq);
	lua_setfield(L, -2, "evseq");
	lua_pushinteger(L, e->ev.code);
	lua_setfield(L, -2, "code");
	s = pp_code_name("EV", e->ev.code);
	lua_pushstring(L, s ? s : "?");
	lua_setfield(L, -2, "name");
	lua_pushinteger(L, e->ev.alarm);
	lua_setfield(L, -2, "alarm_code");
	s = e->ev.alarm ? pp_code_name("ALARM", e->ev.alarm) : NULL;
	if (s) {
		lua_pushstring(L, s);
		lua_setfield(L, -2, "alarm");
	}
	s = pp_code_name("PRIO", e->ev.priority);
	lua_pushstring(L, s ? s : "?");
	lua_setfield(L, -2, "priority");
	lua_pushinteger(L, e->ev.arg);
	lua_setfield(L, -2, "arg");
}

/* next_event(deadline) -> event table, nothing on timeout, or nil, msg, code
 * when the link failed */
static int l_next_event(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	lua_Integer deadline = luaL_checkinteger(L, 1) + c->t0;
	ph_event e;
	int r, limited = 0;

	if (c->bench_limit_ns && deadline > c->bench_limit_ns) {
		deadline = c->bench_limit_ns;
		limited = 1;
	}
	r = ph_link_next_event(c->link, deadline, &e);
	if (r == 1) {
		push_event(L, &e, c->t0);
		return 1;
	}
	if (r < 0) {
		pp_msg none = { 0 };
		note_disconnect(c, r);
		check_limit(L, c); /* raises when the board is gone */
		return push_fail(L, r, &none);
	}
	if (limited)
		check_limit(L, c);
	return 0;
}

/* record(event): a harness event into the trace.  event is a table (encoded
 * here as a JSON object, strings made valid UTF-8) or JSON text. */
static int l_record(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	const char *json;

	if (lua_type(L, 1) == LUA_TTABLE) {
		/* The JSON lives in a box while the text is made in a Lua buffer:
		 * both steps may raise (the memory cap), and neither may leak. */
		const size_t flags = JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY;
		ph_json_box *box = ph_json_box_new(L);
		luaL_Buffer B;
		box->j = ph_record_from_lua(L, 1);
		size_t n = json_dumpb(box->j, NULL, 0, flags);
		if (n == 0)
			return luaL_error(L, "record: cannot encode the event");
		char *p = luaL_buffinitsize(L, &B, n);
		json_dumpb(box->j, p, n, flags);
		luaL_pushresultsize(&B, n);
		json_decref(box->j);
		box->j = NULL;
		json = lua_tostring(L, -1);
	} else {
		json = luaL_checkstring(L, 1);
	}
	if (c->record)
		c->record(c->record_ud, ph_link_now(c->link), json);
	return 0;
}

static int l_stats(lua_State *L)
{
	const ph_link_stats *s = ph_link_stats_get(ctx_get(L)->link);
	lua_newtable(L);
#define F(x) lua_pushinteger(L, s->x), lua_setfield(L, -2, #x)
	F(tx);
	F(rx);
	F(bad_rx);
	F(naks);
	F(retries);
	F(timeouts);
	F(stale);
	F(dup_events);
	F(dropped_events);
	F(rtt_max_ns);
#undef F
	return 1;
}

/* ph.link_timing() -> reply_timeout_ns, retries */
static int l_link_timing(lua_State *L)
{
	int64_t timeout;
	int retries;

	ph_link_get_timing(ctx_get(L)->link, &timeout, &retries);
	lua_pushinteger(L, timeout);
	lua_pushinteger(L, retries);
	return 2;
}

static int l_seed(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)ctx_get(L)->seed);
	return 1;
}

static const char PROFILE_KEY = 'P';

static int l_readonly(lua_State *L)
{
	return luaL_error(L, "bench.profile is read-only (change fixtures/profiles instead)");
}

static int l_ro_pairs(lua_State *L)
{
	lua_getglobal(L, "next");
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, "__index");
	lua_remove(L, -2);
	lua_pushnil(L);
	return 3;
}

static int l_ro_len(lua_State *L)
{
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, "__index");
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
	return 1;
}

/* Replace the table at the top with a read-only proxy, recursively. */
static void freeze(lua_State *L)
{
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		if (lua_istable(L, -1)) {
			freeze(L);
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -4);
		} else {
			lua_pop(L, 1);
		}
	}
	lua_newtable(L); /* proxy */
	lua_newtable(L); /* its metatable */
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_readonly);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, l_ro_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushcfunction(L, l_ro_len);
	lua_setfield(L, -2, "__len");
	lua_setmetatable(L, -2);
	lua_remove(L, -2);
}

/* profile() -> the bench profile as a read-only table, built once per
 * state and profile (every test of a run shares it). */
static int l_profile(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	if (!c->profile)
		return 0;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &PROFILE_KEY);
	if (lua_istable(L, -1)) {
		lua_rawgetp(L, -1, c->profile);
		if (!lua_isnil(L, -1))
			return 1;
		lua_pop(L, 1);
	} else {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &PROFILE_KEY);
	}
	ph_lua_push_json(L, c->profile);
	freeze(L);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, -3, c->profile);
	return 1;
}

static int valid_data_name(const char *s)
{
	if (!*s || strstr(s, ".."))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-' || *s == '/'))
			return 0;
	return 1;
}

/* fixture_data(name) -> table from fixtures/<name>.json */
static int l_fixture_data(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &CTX_KEY);
	ph_ctx *c = lua_touserdata(L, -1);
	lua_pop(L, 1);
	const char *name = luaL_checkstring(L, 1);
	char path[1024];
	json_error_t err;
	ph_json_box *b;

	if (!valid_data_name(name))
		return luaL_argerror(L, 1, "fixture names are [a-z0-9_/-]+");
	snprintf(path, sizeof path, "%s/%s.json",
	         c && c->fixtures_dir ? c->fixtures_dir : "fixtures", name);
	/* The box first, the JSON into it, then the push: a push that raises
	 * (the memory cap) leaves the JSON to the box's __close. */
	b = ph_json_box_new(L);
	lua_toclose(L, -1);
	b->j = json_load_file(path, 0, &err);
	if (!b->j) {
		char msg[sizeof path + JSON_ERROR_TEXT_LENGTH + 32];
		ph_json_errmsg(msg, sizeof msg, path, &err);
		return luaL_error(L, "%s", msg);
	}
	ph_lua_push_json(L, b->j);
	lua_closeslot(L, -2);
	return 1;
}

/* caller_line() -> "file:line" of the innermost script (not built-in) frame */
static int l_caller_line(lua_State *L)
{
	lua_Debug ar;
	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
			continue;
		if (ar.source[0] == '=' && !strncmp(ar.source, "=[pumphil]", 10))
			continue;
		lua_pushfstring(L, "%s:%d", ph_sandbox_source(&ar), ar.currentline);
		return 1;
	}
	lua_pushliteral(L, "?");
	return 1;
}

/* payload(name, fields) -> the message's encoded payload bytes */
static int l_payload(lua_State *L)
{
	const pp_msg_desc *d = check_msg(L, 1);
	pp_msg m;
	pp_frame f;

	table_to_msg(L, d, 2, &m);
	memset(&f, 0, sizeof f);
	if (pp_msg_pack(&m, &f) != PP_OK)
		return luaL_error(L, "cannot encode %s", d->name);
	lua_pushlstring(L, (const char *)f.payload, f.len);
	return 1;
}

/* has_message(name) -> whether the protocol has a message of that name */
static int l_has_message(lua_State *L)
{
	lua_pushboolean(L, pp_msg_desc_by_name(luaL_checkstring(L, 1)) != NULL);
	return 1;
}

/* fixture_path(name) -> the file fixture_data(name) reads, for messages */
static int l_fixture_path(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &CTX_KEY);
	ph_ctx *c = lua_touserdata(L, -1);
	lua_pop(L, 1);
	lua_pushfstring(L, "%s/%s.json", c && c->fixtures_dir ? c->fixtures_dir : "fixtures",
	                luaL_checkstring(L, 1));
	return 1;
}

static int l_crc32(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	lua_pushinteger(L, pp_crc32(0, s, n));
	return 1;
}

/* ---- link faults (harness side, any board) ---- */

static int lf_channel(lua_State *L, int arg)
{
	const char *ch = luaL_optstring(L, arg, "all");
	if (!strcmp(ch, "all"))
		return PH_LF_ALL;
	return check_channel(L, arg);
}

static int lf_dir(lua_State *L, int arg)
{
	static const char *const names[] = { "to_board", "from_board", "both", NULL };
	int d = luaL_checkoption(L, arg, "both", names);
	return d == 2 ? PH_LF_ALL : d;
}

static double lf_prob(lua_State *L, int t, const char *k)
{
	double v;
	lua_getfield(L, t, k);
	v = luaL_optnumber(L, -1, 0);
	lua_pop(L, 1);
	if (!(v >= 0 && v <= 1)) /* NaN too */
		luaL_error(L, "link fault '%s' = %f: a probability is 0..1", k, v);
	return v;
}

static int64_t lf_time(lua_State *L, int t, const char *k)
{
	lua_Integer v;
	lua_getfield(L, t, k);
	v = luaL_optinteger(L, -1, 0);
	lua_pop(L, 1);
	if (v < 0)
		luaL_error(L, "link fault '%s': a duration is >= 0 ns", k);
	return v;
}

/* linkfault(channel, dir, { drop, corrupt, duplicate, reorder, delay, jitter,
 * ge_p, ge_r, ge_loss_good, ge_loss_bad }) */
static int l_linkfault(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	int ch = lf_channel(L, 1), dir = lf_dir(L, 2);
	static const char *const known[] = { "drop",         "corrupt",     "duplicate", "reorder",
		                             "delay",        "jitter",      "ge_p",      "ge_r",
		                             "ge_loss_good", "ge_loss_bad", NULL };
	ph_linkfault_cfg cfg;

	luaL_checktype(L, 3, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, 3)) {
		int ok = 0;
		for (int i = 0; known[i] && lua_type(L, -2) == LUA_TSTRING; i++)
			ok |= !strcmp(known[i], lua_tostring(L, -2));
		if (!ok)
			return luaL_error(L, "unknown link fault '%s'",
			                  luaL_tolstring(L, -2, NULL));
		lua_pop(L, 1);
	}
	cfg = (ph_linkfault_cfg){
		.drop = lf_prob(L, 3, "drop"),
		.corrupt = lf_prob(L, 3, "corrupt"),
		.duplicate = lf_prob(L, 3, "duplicate"),
		.reorder = lf_prob(L, 3, "reorder"),
		.delay_ns = lf_time(L, 3, "delay"),
		.jitter_ns = lf_time(L, 3, "jitter"),
		.ge_p = lf_prob(L, 3, "ge_p"),
		.ge_r = lf_prob(L, 3, "ge_r"),
		.ge_loss_good = lf_prob(L, 3, "ge_loss_good"),
		.ge_loss_bad = lf_prob(L, 3, "ge_loss_bad"),
	};
	if (ph_linkfault_set(c->transport, ch, dir, &cfg) != PH_T_OK)
		return luaL_error(L, "this board has no link-fault layer");
	return 0;
}

static int l_linkfault_clear(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	if (ph_linkfault_clear(c->transport) != PH_T_OK)
		return luaL_error(L, "this board has no link-fault layer");
	return 0;
}

/* linkfault_stats(channel, dir) -> counters of one path */
static int l_linkfault_stats(lua_State *L)
{
	ph_ctx *c = ctx_get(L);
	int ch = check_channel(L, 1);
	static const char *const names[] = { "to_board", "from_board", NULL };
	int dir = luaL_checkoption(L, 2, NULL, names);
	ph_linkfault_counters k;
	if (ph_linkfault_stats(c->transport, ch, dir, &k) != PH_T_OK)
		return luaL_error(L, "this board has no link-fault layer");
	lua_newtable(L);
#define F(x) lua_pushinteger(L, (lua_Integer)k.x), lua_setfield(L, -2, #x)
	F(frames);
	F(delivered);
	F(dropped);
	F(burst_dropped);
	F(corrupted);
	F(duplicated);
	F(reordered);
	F(delayed);
	F(overflow);
	F(bad_state);
#undef F
	return 1;
}

static int l_wall_ns(lua_State *L)
{
	lua_pushinteger(L, ph_monotonic_ns());
	return 1;
}

void ph_lua_push_json(lua_State *L, const json_t *j)
{
	size_t i;
	const char *k;
	json_t *v;

	luaL_checkstack(L, 4, "json too deep");
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		lua_newtable(L);
		json_object_foreach((json_t *)j, k, v)
		{
			ph_lua_push_json(L, v);
			lua_setfield(L, -2, k);
		}
		break;
	case JSON_ARRAY:
		lua_newtable(L);
		json_array_foreach(j, i, v)
		{
			ph_lua_push_json(L, v);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case JSON_STRING: lua_pushlstring(L, json_string_value(j), json_string_length(j)); break;
	case JSON_INTEGER: lua_pushinteger(L, json_integer_value(j)); break;
	case JSON_REAL: lua_pushnumber(L, json_real_value(j)); break;
	case JSON_TRUE: lua_pushboolean(L, 1); break;
	case JSON_FALSE: lua_pushboolean(L, 0); break;
	default: lua_pushnil(L); break;
	}
}

/* Code tables: codes.ALARM.OCCLUSION = 1 and codes.ALARM[1] = "OCCLUSION". */
static void push_codes(lua_State *L)
{
	lua_newtable(L);
	for (const pp_code_desc *c = pp_code_descs; c->table; c++) {
		if (lua_getfield(L, -1, c->table) != LUA_TTABLE) {
			lua_pop(L, 1);
			lua_newtable(L);
			lua_pushvalue(L, -1);
			lua_setfield(L, -3, c->table);
		}
		lua_pushinteger(L, c->value);
		lua_setfield(L, -2, c->name);
		lua_pushstring(L, c->name);
		lua_rawseti(L, -2, c->value);
		lua_pop(L, 1);
	}
}

void ph_lua_push_primitives(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "call", l_call },
		{ "send", l_send },
		{ "send_raw", l_send_raw },
		{ "unsolicited", l_unsolicited },
		{ "encode", l_encode },
		{ "now", l_now },
		{ "run_until", l_run_until },
		{ "next_event", l_next_event },
		{ "record", l_record },
		{ "stats", l_stats },
		{ "link_timing", l_link_timing },
		{ "seed", l_seed },
		{ "profile", l_profile },
		{ "fixture_data", l_fixture_data },
		{ "wall_ns", l_wall_ns },
		{ "linkfault", l_linkfault },
		{ "linkfault_clear", l_linkfault_clear },
		{ "linkfault_stats", l_linkfault_stats },
		{ "caller_line", l_caller_line },
		{ "payload", l_payload },
		{ "crc32", l_crc32 },
		{ "has_message", l_has_message },
		{ "fixture_path", l_fixture_path },
		{ NULL, NULL },
	};
	luaL_newlib(L, fns);
	push_codes(L);
	lua_setfield(L, -2, "codes");
	ph_lua_adapter_register(L);
}
