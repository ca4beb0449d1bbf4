/*
 * fuzz_profile.c - bench profile parsing (JSON from fixtures/ or a user path).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "link/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz_profile_XXXXXX";
	int fd = mkstemp(path);
	bench_config cfg;
	char err[512];
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		json_t *j = ph_profile_load(path, "fixtures", &cfg, err, sizeof err);
		json_decref(j);
	}
	close(fd);
	unlink(path);
	return 0;
}
