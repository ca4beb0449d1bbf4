/*
 * view.h - the trace viewer's entry points for other parts of pumphil.
 *
 * `pumphil view` (view_cli.c) is the command; reports call
 * ph_view_render_png() to put the same drawing in a report.
 */
#ifndef PH_VIEW_H
#define PH_VIEW_H

#ifndef PH_USES_VIEW
#error "view/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

enum ph_view_err {
	PH_VIEW_OK = 0,
	PH_VIEW_ERR_ARG = -1,   /* bad size or time range */
	PH_VIEW_ERR_TRACE = -2, /* trace unreadable, not pcapng or corrupt */
	PH_VIEW_ERR_SDL = -3,   /* SDL, SDL_ttf (font) or SDL_image failed */
	PH_VIEW_ERR_IO = -4,    /* the PNG could not be written */
};
const char *ph_view_strerror(int err);

#define PH_VIEW_MIN_W 320
#define PH_VIEW_MIN_H 240
#define PH_VIEW_MAX_SIDE 16384

/* Render the trace at path `trace` to a w x h PNG at `png`, headless (a
 * software renderer on a memory surface: no display needed), showing
 * [from_ns, to_ns] of host time.  from_ns < 0 starts at the first record,
 * to_ns < 0 ends at the last.  A torn last block is tolerated.  Blocks
 * while reading the trace and writing the PNG (about 0.1 s for a day).
 * Returns PH_VIEW_OK or a negative ph_view_err with a one-line message in
 * err ("trace.pcapng: offset 96: ...").  Thread-compatible: uses no global
 * state of its own (SDL_ttf is initialised and released per call). */
int ph_view_render_png(const char *trace, const char *png, int w, int h, int64_t from_ns,
                       int64_t to_ns, char *err, size_t errlen);

/* The `pumphil view` command: returns the exit status (0 success, 1 a test or
 * check failed, 2 bad usage or bad input). */
int ph_cmd_view(int argc, char **argv);

#endif
