/*
 * strv.h - a growable list of owned strings.
 *
 * The list is always NULL-terminated (v[n] == NULL once anything was
 * added), so it can be handed to execve() as an argv or envp, or to the
 * runner as a guest's arguments and environment.
 */
#ifndef WP_STRV_H
#define WP_STRV_H

#include <stddef.h>

struct wp_strv {
	char **v; /* NULL until the first add */
	size_t n;
};

int wp_strv_add(struct wp_strv *l, const char *s);
int wp_strv_addf(struct wp_strv *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int wp_strv_add_all(struct wp_strv *l, char *const *v, size_t n);
/* Add the space-separated words of s (no quoting: for strings we built). */
int wp_strv_add_words(struct wp_strv *l, const char *s);
/* Add NAME=VALUE, replacing an earlier entry for NAME (later sources win). */
int wp_strv_setenv(struct wp_strv *l, const char *pair);
void wp_strv_release(struct wp_strv *l);

#endif
