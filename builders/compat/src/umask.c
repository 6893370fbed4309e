/* WASI creates files with no permission bits to mask: umask keeps the
 * value (initially 022) and returns the previous one, as POSIX says, and
 * nothing else changes. */
#include <sys/stat.h>

#include "compat.h"

COMPAT_MARK("umask")

static mode_t current = 022;

mode_t umask(mode_t mask)
{
	mode_t old = current;

	compat_used();
	current = mask & 0777;
	return old;
}
