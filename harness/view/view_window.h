/*
 * view_window.h - the interactive SDL2 viewer window.
 */
#ifndef PH_VIEW_WINDOW_H
#define PH_VIEW_WINDOW_H

#ifndef PH_USES_VIEW
#error "view/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

/* Open path, show it in a w x h window over [from_ns, to_ns] (negative:
 * the trace's extent; with neither given the view follows the trace as it
 * grows) and run until the user quits.  Blocks for the life of the window;
 * re-reads the file for new complete blocks every frame.  Returns
 * PH_VIEW_OK, or a ph_view_err with err filled (PH_VIEW_ERR_SDL when there
 * is no display). */
int ph_view_window_run(const char *path, int w, int h, int64_t from_ns, int64_t to_ns, char *err,
                       size_t errlen);

#endif
