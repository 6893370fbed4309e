/* WASI has no users: the user and group ids are 0, as emscripten's are. */
#include <unistd.h>

#include "compat.h"

COMPAT_MARK("getuid")

uid_t getuid(void)
{
	compat_used();
	return 0;
}

uid_t geteuid(void)
{
	compat_used();
	return 0;
}

gid_t getgid(void)
{
	compat_used();
	return 0;
}

gid_t getegid(void)
{
	compat_used();
	return 0;
}
