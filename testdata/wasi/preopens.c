/* preopens.c - what a guest can find: the preopened descriptors, in
 * order, with their names; and whether stdio is open. */
#include "wt.h"

int main(void)
{
	__wasi_prestat_t pre;
	__wasi_fdstat_t st;
	char name[256];
	__wasi_fd_t fd;

	for (fd = 0; fd < 3; fd++)
		printf("fd %u: %s\n", (unsigned)fd, __wasi_fd_fdstat_get(fd, &st) ? "closed" : "open");
	for (fd = 3; __wasi_fd_prestat_get(fd, &pre) == 0; fd++) {
		memset(name, 0, sizeof(name));
		if (pre.u.dir.pr_name_len < sizeof(name))
			(void)__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, pre.u.dir.pr_name_len);
		printf("preopen %u: %s\n", (unsigned)fd, name);
	}
	printf("preopens: %u\n", (unsigned)(fd - 3));
	return 0;
}
