/*
 * size.c - sizes as users write them (see size.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"

int wp_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	switch (*end) {
	case 'K': case 'k': mul = 1024; break;
	case 'M': case 'm': mul = 1024 * 1024; break;
	case 'G': case 'g': mul = 1024 * 1024 * 1024; break;
	default: break;
	}
	if (mul != 1) {
		end++;
		if (!strcmp(end, "iB") || !strcmp(end, "B"))
			end += strlen(end);
	}
	if (*end || v == 0 || v > UINT64_MAX / mul)
		return -1;
	*out = (uint64_t)v * mul;
	return 0;
}
