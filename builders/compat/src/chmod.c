/* WASI has no permission bits: chmod succeeds, with no effect, when the
 * file exists, and fails as stat(2) does when it does not. */
#include <sys/stat.h>

#include "compat.h"

COMPAT_MARK("chmod")

int chmod(const char *path, mode_t mode)
{
	struct stat st;

	(void)mode;
	compat_used();
	return stat(path, &st);
}
