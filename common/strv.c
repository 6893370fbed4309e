/*
 * strv.c - a growable list of owned strings (see strv.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strv.h"

int wp_strv_add(struct wp_strv *l, const char *s)
{
	char *dup = strdup(s);
	char **v;

	if (!dup || !(v = realloc(l->v, (l->n + 2) * sizeof(*v)))) {
		free(dup);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	l->v = v;
	v[l->n++] = dup;
	v[l->n] = NULL;
	return 0;
}

int wp_strv_addf(struct wp_strv *l, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	r = wp_strv_add(l, s);
	free(s);
	return r;
}

int wp_strv_add_all(struct wp_strv *l, char *const *v, size_t n)
{
	size_t i;
	int err;

	for (i = 0; i < n; i++)
		if ((err = wp_strv_add(l, v[i])) < 0)
			return err;
	return 0;
}

int wp_strv_add_words(struct wp_strv *l, const char *s)
{
	int err = 0;

	while (*s && err == 0) {
		size_t n = strcspn(s, " ");
		if (n) {
			char *w = strndup(s, n);
			err = w ? wp_strv_add(l, w) : wp_error_set(WP_ENOMEM, "out of memory");
			free(w);
		}
		s += n;
		while (*s == ' ')
			s++;
	}
	return err;
}

int wp_strv_setenv(struct wp_strv *l, const char *pair)
{
	size_t klen = strcspn(pair, "="), i;

	for (i = 0; i < l->n; i++) {
		if (!strncmp(l->v[i], pair, klen) && l->v[i][klen] == '=') {
			char *dup = strdup(pair);

			if (!dup)
				return wp_error_set(WP_ENOMEM, "out of memory");
			free(l->v[i]);
			l->v[i] = dup;
			return 0;
		}
	}
	return wp_strv_add(l, pair);
}

void wp_strv_release(struct wp_strv *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
