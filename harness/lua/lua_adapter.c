/*
 * lua_adapter.c - the primitives a Lua adapter gets (see lua_adapter.h and
 * docs/adapters.md).
 */
#include "lua/lua_adapter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <lauxlib.h>

#include "base/clock.h"
#include "lua/lua_sandbox.h"
#include "pp.h"
#include "serial/serial_port.h"
#include "serial/vserial_lock.h"

#define LINE_SEND_NS 1000000000LL /* a send that does not drain in 1 s fails */
#define LINE_POLL_NS 20000000LL   /* a receive looks at the bench clock at 50 Hz */
#define LINE_MAX_READ 4096
#define LINE_LOCK_STEP_NS 60000000000LL

/* ---- the line ---- */

/* The raw bytes into the trace: hex, and the text when it is printable. */
static void record_bytes(ph_ctx *c, const char *ev, const uint8_t *b, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	char *hex = c->record ? malloc(n * 2 + 1) : NULL;
	json_t *j;
	char *text;

	if (!hex)
		return;
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = hexd[b[i] >> 4];
		hex[2 * i + 1] = hexd[b[i] & 15];
	}
	hex[2 * n] = 0;
	j = json_pack("{s:s,s:s}", "ev", ev, "hex", hex);
	free(hex);
	int printable = 1;
	for (size_t i = 0; i < n; i++)
		printable &= (b[i] >= 0x20 && b[i] < 0x7f) || b[i] == '\n' || b[i] == '\r';
	if (printable)
		json_object_set_new(j, "text", json_stringn((const char *)b, n));
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (text)
		c->record(c->record_ud, ph_link_now(c->link), text);
	free(text);
	json_decref(j);
}

/* The adapter's line: a serial port, or the pty of a lock-step board in
 * this process (sim:ascii), which also moves the bench clock. */
typedef struct adapter_line {
	ph_serial_port *port;
	ph_vlock *lock;
} adapter_line;

static adapter_line *line_of(lua_State *L, ph_ctx *c)
{
	if (!c->adapter_port)
		luaL_error(L, "line: not open (call line.open() first)");
	return c->adapter_port;
}

/* The line is gone: the board disconnected, as for the built-in adapter. */
static int line_gone(lua_State *L, ph_ctx *c, int r)
{
	if (r == PH_T_NO_DEVICE && !c->disconnected) {
		c->disconnected = 1;
		c->disconnected_at = ph_link_now(c->link);
	}
	if (r == PH_T_NO_DEVICE)
		return luaL_error(L, "board disconnected at t=%f s (the pump's line vanished)",
		                  (double)(c->disconnected_at - c->t0) / 1e9);
	return luaL_error(L, "line: %s", ph_transport_strerror(r));
}

/* line.open([baud]): open the pump's line the board names. */
static int l_line_open(lua_State *L)
{
	ph_ctx *c = ph_lua_ctx_get(L);
	lua_Integer baud = luaL_optinteger(L, 1, 115200);
	char err[300];

	if (!c->adapter_line)
		return luaL_error(L, "line.open: this board has no line for an adapter "
		                     "(use --board virtual-serial:ascii or serial:PORT)");
	if (c->adapter_port)
		return 0;
	adapter_line *l = calloc(1, sizeof *l);
	if (!l)
		return luaL_error(L, "line.open: out of memory");
	l->lock = ph_vlock_find(c->adapter_line);
	if (!l->lock)
		l->port = ph_serial_open(c->adapter_line, (unsigned)baud, err, sizeof err);
	if (!l->lock && !l->port) {
		free(l);
		return luaL_error(L, "line.open: %s", err);
	}
	c->adapter_port = l;
	return 0;
}

/* line.send(bytes) */
static int l_line_send(lua_State *L)
{
	ph_ctx *c = ph_lua_ctx_get(L);
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	adapter_line *l = line_of(L, c);
	int r;

	record_bytes(c, "adapter_tx", (const uint8_t *)s, n);
	r = l->lock ? ph_vlock_line_write(l->lock, (const uint8_t *)s, n)
	            : ph_serial_write(l->port, (const uint8_t *)s, n,
	                              ph_monotonic_ns() + LINE_SEND_NS);
	if (r != PH_T_OK)
		return line_gone(L, c, r);
	return 0;
}

/* line.recv(deadline) -> bytes that arrived (at least one), or nil when the
 * bench clock reached deadline (test time, ns) first.  Bounded by the
 * test's wall-time watchdog. */
static int l_line_recv(lua_State *L)
{
	ph_ctx *c = ph_lua_ctx_get(L);
	int64_t deadline = luaL_checkinteger(L, 1) + c->t0;
	adapter_line *l = line_of(L, c);
	ph_sandbox *sb = ph_sandbox_of(L);
	uint8_t buf[LINE_MAX_READ];

	if (c->bench_limit_ns && deadline > c->bench_limit_ns)
		deadline = c->bench_limit_ns;
	for (;;) {
		/* Lock-step: a bench minute at a time, so the watchdog is looked at. */
		int64_t now = ph_link_now(c->link);
		int64_t part =
		        deadline - now > LINE_LOCK_STEP_NS ? now + LINE_LOCK_STEP_NS : deadline;
		int r = l->lock ? ph_vlock_line_read(l->lock, buf, sizeof buf, part)
		                : ph_serial_read(l->port, buf, sizeof buf,
		                                 ph_monotonic_ns() + LINE_POLL_NS);
		if (r > 0) {
			record_bytes(c, "adapter_rx", buf, (size_t)r);
			lua_pushlstring(L, (const char *)buf, (size_t)r);
			return 1;
		}
		if (r != PH_T_TIMEOUT)
			return line_gone(L, c, r);
		if (ph_link_now(c->link) >= deadline)
			return 0;
		if (sb && sb->wall_deadline_ns && ph_monotonic_ns() >= sb->wall_deadline_ns) {
			ph_sandbox_abort(sb, NULL); /* the message the watchdog was armed with */
			return luaL_error(L, "%s", sb->abort_msg);
		}
	}
}

static int l_line_close(lua_State *L)
{
	ph_lua_adapter_close(ph_lua_ctx_get(L));
	return 0;
}

void ph_lua_adapter_close(ph_ctx *c)
{
	adapter_line *l = c->adapter_port;
	if (l)
		ph_serial_close(l->port);
	free(l);
	c->adapter_port = NULL;
}

/* ---- framings ---- */

static int l_cobs_encode(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	size_t cap = n + n / 254 + 2;
	luaL_Buffer b;
	uint8_t *out = (uint8_t *)luaL_buffinitsize(L, &b, cap);
	int k = pp_cobs_encode((const uint8_t *)s, n, out, cap);
	if (k < 0)
		return luaL_error(L, "cobs_encode: cannot encode %d bytes", (int)n);
	luaL_pushresultsize(&b, (size_t)k);
	return 1;
}

static int l_cobs_decode(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	luaL_Buffer b;
	uint8_t *out = (uint8_t *)luaL_buffinitsize(L, &b, n + 1);
	int k = pp_cobs_decode((const uint8_t *)s, n, out, n + 1);
	if (k < 0) {
		luaL_pushresultsize(&b, 0);
		lua_pushnil(L);
		lua_pushstring(L, "not COBS");
		return 2;
	}
	luaL_pushresultsize(&b, (size_t)k);
	return 1;
}

enum { SLIP_END = 0xc0, SLIP_ESC = 0xdb, SLIP_ESC_END = 0xdc, SLIP_ESC_ESC = 0xdd };

/* slip_encode(payload) -> END-terminated frame (RFC 1055) */
static int l_slip_encode(lua_State *L)
{
	size_t n;
	const uint8_t *s = (const uint8_t *)luaL_checklstring(L, 1, &n);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == SLIP_END || s[i] == SLIP_ESC) {
			luaL_addchar(&b, (char)SLIP_ESC);
			luaL_addchar(&b, (char)(s[i] == SLIP_END ? SLIP_ESC_END : SLIP_ESC_ESC));
		} else {
			luaL_addchar(&b, (char)s[i]);
		}
	}
	luaL_addchar(&b, (char)SLIP_END);
	luaL_pushresult(&b);
	return 1;
}

/* slip_decode(frame without END) -> payload, or nil, why */
static int l_slip_decode(lua_State *L)
{
	size_t n;
	const uint8_t *s = (const uint8_t *)luaL_checklstring(L, 1, &n);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != SLIP_ESC) {
			luaL_addchar(&b, (char)s[i]);
			continue;
		}
		if (i + 1 == n || (s[i + 1] != SLIP_ESC_END && s[i + 1] != SLIP_ESC_ESC)) {
			luaL_pushresult(&b);
			lua_pushnil(L);
			lua_pushstring(L, "bad SLIP escape");
			return 2;
		}
		luaL_addchar(&b, (char)(s[++i] == SLIP_ESC_END ? SLIP_END : SLIP_ESC));
	}
	luaL_pushresult(&b);
	return 1;
}

/* split(buffer, delimiter) -> list of complete pieces, the rest.  For lines
 * (split(buf, "\n")), SLIP (split(buf, "\192")) or COBS (split(buf, "\0")). */
static int l_split(lua_State *L)
{
	size_t n, dn;
	const char *s = luaL_checklstring(L, 1, &n);
	const char *d = luaL_optlstring(L, 2, "\n", &dn);
	size_t start = 0;
	int k = 0;

	if (dn != 1)
		return luaL_argerror(L, 2, "the delimiter is one byte");
	lua_newtable(L);
	for (size_t i = 0; i < n; i++)
		if (s[i] == d[0]) {
			size_t end = i;
			if (d[0] == '\n' && end > start && s[end - 1] == '\r')
				end--;
			lua_pushlstring(L, s + start, end - start);
			lua_rawseti(L, -2, ++k);
			start = i + 1;
		}
	lua_pushlstring(L, s + start, n - start);
	return 2;
}

static int size_arg(lua_State *L, int arg)
{
	lua_Integer w = luaL_optinteger(L, arg, 2);
	if (w != 1 && w != 2 && w != 4)
		luaL_argerror(L, arg, "length field is 1, 2 or 4 bytes");
	return (int)w;
}

/* lenprefix_encode(payload[, width = 2[, "be"|"le"]]) */
static int l_lenprefix_encode(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	int w = size_arg(L, 2);
	int le = !strcmp(luaL_optstring(L, 3, "be"), "le");
	char hdr[4];

	if (w < 4 && n >> (8 * w))
		return luaL_error(L, "lenprefix_encode: %d bytes do not fit a %d-byte length",
		                  (int)n, w);
	for (int i = 0; i < w; i++)
		hdr[le ? i : w - 1 - i] = (char)((n >> (8 * i)) & 0xff);
	lua_pushlstring(L, hdr, (size_t)w);
	lua_pushlstring(L, s, n);
	lua_concat(L, 2);
	return 1;
}

/* lenprefix_decode(buffer[, width[, endian]]) -> payload, rest; or nil,
 * buffer when incomplete */
static int l_lenprefix_decode(lua_State *L)
{
	size_t n, len = 0;
	const uint8_t *s = (const uint8_t *)luaL_checklstring(L, 1, &n);
	int w = size_arg(L, 2);
	int le = !strcmp(luaL_optstring(L, 3, "be"), "le");

	if (n < (size_t)w) {
		lua_pushnil(L);
		lua_pushvalue(L, 1);
		return 2;
	}
	for (int i = 0; i < w; i++)
		len |= (size_t)s[le ? i : w - 1 - i] << (8 * i);
	if (n - (size_t)w < len) {
		lua_pushnil(L);
		lua_pushvalue(L, 1);
		return 2;
	}
	lua_pushlstring(L, (const char *)s + w, len);
	lua_pushlstring(L, (const char *)s + w + len, n - (size_t)w - len);
	return 2;
}

/* ---- CRCs ---- */

static int l_crc32(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	lua_pushinteger(L, pp_crc32(0, s, n));
	return 1;
}

/* crc16(bytes[, variant]): "ccitt-false" (default: poly 0x1021, init
 * 0xffff), "xmodem" (init 0), "kermit" (reflected, init 0), "x25"
 * (reflected, init 0xffff, xorout 0xffff). */
static int l_crc16(lua_State *L)
{
	static const char *const names[] = { "ccitt-false", "xmodem", "kermit", "x25", NULL };
	size_t n;
	const uint8_t *s = (const uint8_t *)luaL_checklstring(L, 1, &n);
	int v = luaL_checkoption(L, 2, "ccitt-false", names);
	uint16_t crc = v == 0 || v == 3 ? 0xffff : 0;

	for (size_t i = 0; i < n; i++) {
		if (v <= 1) {
			crc ^= (uint16_t)(s[i] << 8);
			for (int k = 0; k < 8; k++)
				crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
		} else {
			crc ^= s[i];
			for (int k = 0; k < 8; k++)
				crc = (uint16_t)(crc & 1 ? (crc >> 1) ^ 0x8408 : crc >> 1);
		}
	}
	lua_pushinteger(L, v == 3 ? crc ^ 0xffff : crc);
	return 1;
}

/* ---- loading ---- */

static int l_adapter_file(lua_State *L)
{
	ph_ctx *c = ph_lua_ctx_get(L);
	if (!c->adapter_file)
		return 0;
	lua_pushstring(L, c->adapter_file);
	return 1;
}

/* adapter_load([extra]) -> the adapter file's chunk (not run), in an
 * environment of its own over the globals, with line, framing, crc and the
 * entries of the table extra (the units); or raises with the file's syntax
 * error. */
static int l_adapter_load(lua_State *L)
{
	static const luaL_Reg line[] = {
		{ "open", l_line_open },   { "send", l_line_send }, { "recv", l_line_recv },
		{ "close", l_line_close }, { NULL, NULL },
	};
	static const luaL_Reg framing[] = {
		{ "cobs_encode", l_cobs_encode },
		{ "cobs_decode", l_cobs_decode },
		{ "slip_encode", l_slip_encode },
		{ "slip_decode", l_slip_decode },
		{ "split", l_split },
		{ "lenprefix_encode", l_lenprefix_encode },
		{ "lenprefix_decode", l_lenprefix_decode },
		{ NULL, NULL },
	};
	static const luaL_Reg crc[] = { { "crc16", l_crc16 },
		                        { "crc32", l_crc32 },
		                        { NULL, NULL } };
	ph_ctx *c = ph_lua_ctx_get(L);
	ph_sandbox *sb = ph_sandbox_of(L);
	char chunkname[1100];

	if (!c->adapter_file)
		return luaL_error(L, "no adapter");
	snprintf(chunkname, sizeof chunkname, "@%s", c->adapter_file);
	if (ph_sandbox_loadfile(sb, c->adapter_file, chunkname) != LUA_OK)
		return lua_error(L);
	int chunk = lua_gettop(L);
	lua_newtable(L); /* the environment */
	if (lua_istable(L, 1)) {
		lua_pushnil(L);
		while (lua_next(L, 1)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -4);
		}
	}
	luaL_newlib(L, line);
	lua_setfield(L, -2, "line");
	luaL_newlib(L, framing);
	lua_setfield(L, -2, "framing");
	luaL_newlib(L, crc);
	lua_setfield(L, -2, "crc");
	lua_newtable(L); /* its metatable: the globals behind it */
	lua_pushglobaltable(L);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	if (!lua_setupvalue(L, chunk, 1)) /* _ENV */
		lua_pop(L, 1);
	lua_settop(L, chunk);
	return 1;
}

/* fn_where(f) -> "file:line" where the Lua function f is defined */
static int l_fn_where(lua_State *L)
{
	lua_Debug ar;
	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_pushvalue(L, 1);
	if (!lua_getinfo(L, ">S", &ar) || ar.linedefined <= 0) {
		lua_pushliteral(L, "?");
		return 1;
	}
	lua_pushfstring(L, "%s:%d", ar.short_src, ar.linedefined);
	return 1;
}

void ph_lua_adapter_register(lua_State *L)
{
	lua_pushcfunction(L, l_fn_where);
	lua_setfield(L, -2, "fn_where");
	lua_pushcfunction(L, l_adapter_file);
	lua_setfield(L, -2, "adapter_file");
	lua_pushcfunction(L, l_adapter_load);
	lua_setfield(L, -2, "adapter_load");
}
