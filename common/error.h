/*
 * error.h - the project's error convention.
 *
 * Functions below cmd/ never print and never exit.  They return 0 on
 * success or a negative WP_E* code, and leave a human-readable message in
 * a thread-local slot that cmd/ prints as one line ("wasmpack: <msg>").
 * Callers branch on the few named codes; everything else is WP_ERROR.
 */
#ifndef WP_ERROR_H
#define WP_ERROR_H

#include <stdarg.h>

enum wp_error_code {
	WP_OK = 0,
	WP_ERROR = -1,     /* generic failure */
	WP_ENOTFOUND = -2, /* a file, tag, blob or manifest does not exist */
	WP_EEXISTS = -3,   /* something is already there */
	WP_EAUTH = -4,     /* authentication or authorization failed */
	WP_EINVALID = -5,  /* the input is malformed (wasm, JSON, reference ...) */
	WP_EUSAGE = -6,    /* the user asked for something that makes no sense */
	WP_ENOMEM = -7,    /* allocation failed or a size cap was hit */
	WP_EIO = -8,       /* an operating-system or network I/O error */
	WP_ETOOBIG = -9,   /* input over a hard size limit */
};

/* Record a message and return `code`, so callers can write
 * `return wp_error_set(WP_EINVALID, "bad thing: %s", what);`. */
int wp_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int wp_error_vset(int code, const char *fmt, va_list ap);

/* Prefix the current message: "ctx: <old message>".  Returns `code`. */
int wp_error_wrap(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record errno's text after the message: "<msg>: <strerror(errno)>". */
int wp_error_errno(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The last message of this thread, never NULL ("" when none). */
const char *wp_error_last(void);
int wp_error_last_code(void);
void wp_error_clear(void);

#endif
