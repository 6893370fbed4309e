/* tmpfile over a temporary directory the runtime grants: $TMPDIR, else
 * /tmp (wasmpack run --dir /tmp, or a runtime's preopen).  The file is
 * created with a random name, O_EXCL, and unlinked at once, as POSIX's
 * tmpfile is gone when closed.  With no such directory, NULL and ENOSYS. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "compat.h"

COMPAT_MARK("tmpfile")

static FILE *open_in(const char *dir)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[8];
	char path[1024];
	int tries, fd, i, n;

	for (tries = 0; tries < 32; tries++) {
		if (getentropy(r, sizeof(r)) != 0)
			return NULL;
		n = snprintf(path, sizeof(path), "%s/.tmpfile-", dir);
		if (n < 0 || (size_t)n + 2 * sizeof(r) >= sizeof(path))
			return NULL;
		for (i = 0; i < (int)sizeof(r); i++) {
			path[n++] = hex[r[i] >> 4];
			path[n++] = hex[r[i] & 15];
		}
		path[n] = '\0';
		fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd >= 0) {
			FILE *f;
			unlink(path);
			if (!(f = fdopen(fd, "w+")))
				close(fd);
			return f;
		}
		if (errno != EEXIST)
			return NULL;
	}
	return NULL;
}

FILE *tmpfile(void)
{
	const char *env = getenv("TMPDIR");
	FILE *f = NULL;

	compat_used();
	if (env && *env)
		f = open_in(env);
	if (!f)
		f = open_in("/tmp");
	if (!f)
		errno = ENOSYS;
	return f;
}
