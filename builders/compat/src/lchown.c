/* lchown: as chown, for the link itself. */
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"

COMPAT_MARK("lchown")

int lchown(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;

	(void)uid;
	(void)gid;
	compat_used();
	return lstat(path, &st);
}
