/*
 * error.c - thread-local error slot (see error.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

#define WP_ERROR_MAX 1024

static _Thread_local char slot[WP_ERROR_MAX];
static _Thread_local int slot_code;

int wp_error_vset(int code, const char *fmt, va_list ap)
{
	vsnprintf(slot, sizeof(slot), fmt, ap);
	slot_code = code;
	return code;
}

int wp_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	wp_error_vset(code, fmt, ap);
	va_end(ap);
	return code;
}

int wp_error_wrap(int code, const char *fmt, ...)
{
	char prefix[WP_ERROR_MAX], old[WP_ERROR_MAX];
	va_list ap;

	memcpy(old, slot, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (old[0])
		snprintf(slot, sizeof(slot), "%s: %s", prefix, old);
	else
		snprintf(slot, sizeof(slot), "%s", prefix);
	slot_code = code;
	return code;
}

int wp_error_errno(int code, const char *fmt, ...)
{
	int saved = errno;
	char msg[WP_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(slot, sizeof(slot), "%s: %s", msg, strerror(saved));
	slot_code = code;
	errno = saved;
	return code;
}

const char *wp_error_last(void)
{
	return slot;
}

int wp_error_last_code(void)
{
	return slot_code;
}

void wp_error_clear(void)
{
	slot[0] = '\0';
	slot_code = 0;
}
