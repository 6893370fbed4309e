/* fchmod: no effect on an open descriptor; EBADF for a bad one. */
#include <sys/stat.h>

#include "compat.h"

COMPAT_MARK("fchmod")

int fchmod(int fd, mode_t mode)
{
	struct stat st;

	(void)mode;
	compat_used();
	return fstat(fd, &st);
}
