/* fchown: no effect on an open descriptor; EBADF for a bad one. */
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"

COMPAT_MARK("fchown")

int fchown(int fd, uid_t uid, gid_t gid)
{
	struct stat st;

	(void)uid;
	(void)gid;
	compat_used();
	return fstat(fd, &st);
}
