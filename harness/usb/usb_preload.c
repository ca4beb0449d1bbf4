/*
 * usb_preload.c - re-execute under libumockdev-preload.so.0 (see
 * usb_preload.h).
 */
#define _GNU_SOURCE /* dladdr, RTLD_DEFAULT */
#include "usb/usb_preload.h"
#include "base/log.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PRELOAD_LIB "libumockdev-preload.so.0"
#define REEXEC_MARK "PUMPHIL_PRELOAD_REEXEC"
#define CMDLINE_MAX 65536
#define ARGS_MAX 512

#if defined(__SANITIZE_ADDRESS__)
#define PH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PH_ASAN 1
#endif
#endif

int ph_usb_preloaded(void)
{
	void *h = dlopen(PRELOAD_LIB, RTLD_NOW | RTLD_NOLOAD);

	if (!h)
		return 0;
	dlclose(h);
	return 1;
}

/* The libasan this binary runs with: the loaded object that defines
 * __asan_init, so it is always the runtime the binary was linked against
 * (no path guessed at build time). */
static const char *asan_path(void)
{
#ifdef PH_ASAN
	Dl_info info;
	void *sym = dlsym(RTLD_DEFAULT, "__asan_init");

	if (sym && dladdr(sym, &info) && info.dli_fname && strstr(info.dli_fname, "asan"))
		return info.dli_fname;
#endif
	return NULL;
}

const char *ph_usb_preload_value(char *buf, size_t n)
{
	const char *asan = asan_path();

	if (asan)
		snprintf(buf, n, "%s %s", asan, PRELOAD_LIB);
	else
		snprintf(buf, n, "%s", PRELOAD_LIB);
	return buf;
}

/* Our value first, then whatever the caller preloaded (libasan skipped:
 * it is already first when needed). */
static int build_env(char *out, size_t n)
{
	const char *old = getenv("LD_PRELOAD");
	size_t len;

	ph_usb_preload_value(out, n);
	len = strlen(out);
	if (!old || !*old)
		return 0;
	for (const char *p = old; *p;) {
		size_t w = strcspn(p, " :");
		if (w &&
		    !(memmem(p, w, "asan", 4) || memmem(p, w, PRELOAD_LIB, strlen(PRELOAD_LIB)))) {
			if (len + 1 + w + 1 > n)
				return -1;
			out[len++] = ' ';
			memcpy(out + len, p, w);
			out[len += w] = 0;
		}
		p += w;
		p += strspn(p, " :");
	}
	return 0;
}

/* argv from /proc/self/cmdline, split in place in the caller's buf. */
static char **read_cmdline(char *buf, size_t n, char **args, size_t nargs)
{
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t len, total = 0;
	size_t k = 0;

	if (fd < 0)
		return NULL;
	while ((len = read(fd, buf + total, n - 1 - (size_t)total)) > 0)
		total += len;
	close(fd);
	if (total <= 0 || (size_t)total >= n - 1)
		return NULL;
	buf[total] = 0;
	for (ssize_t i = 0; i < total && k + 1 < nargs; i += (ssize_t)strlen(buf + i) + 1)
		args[k++] = buf + i;
	args[k] = NULL;
	return args;
}

int ph_usb_ensure_preload(int argc, char **argv)
{
	char env[4096];
	char cmdline[CMDLINE_MAX];
	char *args[ARGS_MAX];

	(void)argc;
	if (ph_usb_preloaded()) {
		unsetenv(REEXEC_MARK);
		return 0;
	}
	if (getenv(REEXEC_MARK)) {
		ph_log_error("pumphil: %s did not load after re-exec (is umockdev installed?)",
		             PRELOAD_LIB);
		return -1;
	}
	if (!argv)
		argv = read_cmdline(cmdline, sizeof cmdline, args, ARGS_MAX);
	if (!argv || build_env(env, sizeof env)) {
		ph_log_error("pumphil: cannot prepare the re-exec under %s", PRELOAD_LIB);
		return -1;
	}
	setenv("LD_PRELOAD", env, 1);
	setenv(REEXEC_MARK, "1", 1);
	fflush(NULL);
	execv("/proc/self/exe", argv);
	ph_log_error("pumphil: re-exec under %s failed: %s", PRELOAD_LIB, strerror(errno));
	return -1;
}
