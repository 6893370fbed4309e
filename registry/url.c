/*
 * url.c - the little URL arithmetic a registry client needs: resolving a
 * Location header against the request URL, appending a query parameter,
 * and comparing origins (a redirect to another origin must not carry the
 * registry's Authorization header).  Pure functions, unit-tested.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

/* Split "scheme://authority..." : lengths of the scheme and the end of the
 * authority.  Returns 0 for a URL without "scheme://". */
static int split(const char *url, size_t *scheme_len, size_t *auth_end)
{
	const char *sep = strstr(url, "://");
	size_t i;

	if (!sep || sep == url)
		return 0;
	for (i = 0; url + i < sep; i++) {
		unsigned char c = (unsigned char)url[i];
		if (!isalpha(c) && !(i > 0 && (isdigit(c) || strchr("+-.", c))))
			return 0;
	}
	*scheme_len = (size_t)(sep - url);
	*auth_end = *scheme_len + 3 + strcspn(sep + 3, "/?#");
	return 1;
}

int reg_url_is_https(const char *url)
{
	return !strncasecmp(url, "https://", 8);
}

char *reg_url_host(const char *url)
{
	size_t sl, ae;
	const char *a;

	if (!split(url, &sl, &ae))
		return strdup(url);
	a = url + sl + 3;
	if (memchr(a, '@', (size_t)(url + ae - a))) /* never show userinfo */
		a = (const char *)memchr(a, '@', (size_t)(url + ae - a)) + 1;
	return strndup(a, (size_t)(url + ae - a));
}

/* host and port of an authority, the port defaulted from the scheme. */
static void origin_parts(const char *url, size_t sl, size_t ae, char *host, size_t hsize,
			 long *port)
{
	const char *a = url + sl + 3, *end = url + ae, *colon = NULL, *p;

	for (p = a; p < end; p++)
		if (*p == '@')
			a = p + 1;
	if (*a == '[') {
		const char *close = memchr(a, ']', (size_t)(end - a));
		if (close && close + 1 < end && close[1] == ':')
			colon = close + 1;
	} else {
		colon = memchr(a, ':', (size_t)(end - a));
	}
	snprintf(host, hsize, "%.*s", (int)((colon ? colon : end) - a), a);
	*port = colon ? strtol(colon + 1, NULL, 10) : (sl == 5 ? 443 : 80);
}

int reg_url_same_origin(const char *x, const char *y)
{
	size_t sx, ax, sy, ay;
	char hx[256], hy[256];
	long px, py;

	if (!split(x, &sx, &ax) || !split(y, &sy, &ay))
		return 0;
	if (sx != sy || strncasecmp(x, y, sx) != 0)
		return 0;
	origin_parts(x, sx, ax, hx, sizeof(hx), &px);
	origin_parts(y, sy, ay, hy, sizeof(hy), &py);
	return px == py && !strcasecmp(hx, hy);
}

char *reg_url_resolve(const char *base, const char *loc)
{
	size_t sl, ae, bsl, bae;
	char *out = NULL;

	if (!loc || !*loc || strpbrk(loc, " \r\n\t"))
		return NULL;
	if (split(loc, &sl, &ae))
		return strdup(loc);
	if (!split(base, &bsl, &bae))
		return NULL;
	if (loc[0] == '/' && loc[1] == '/') {
		if (asprintf(&out, "%.*s:%s", (int)bsl, base, loc) < 0)
			return NULL;
	} else if (loc[0] == '/') {
		if (asprintf(&out, "%.*s%s", (int)bae, base, loc) < 0)
			return NULL;
	} else {
		/* relative to the directory of the base path (query dropped) */
		size_t path_end = bae + strcspn(base + bae, "?#");
		size_t dir_end = path_end;
		while (dir_end > bae && base[dir_end - 1] != '/')
			dir_end--;
		if (dir_end == bae) {
			if (asprintf(&out, "%.*s/%s", (int)bae, base, loc) < 0)
				return NULL;
		} else if (asprintf(&out, "%.*s%s", (int)dir_end, base, loc) < 0) {
			return NULL;
		}
	}
	return out;
}

char *reg_url_add_query(const char *url, const char *kv)
{
	const char *q = strchr(url, '?');
	size_t n = strlen(url);
	char *out = NULL;
	int sep_needed = !q || (q[1] != '\0' && url[n - 1] != '&');

	if (asprintf(&out, "%s%s%s", url, !q ? "?" : (sep_needed ? "&" : ""), kv) < 0)
		return NULL;
	return out;
}

char *reg_url_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(strlen(s) * 3 + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~", c)) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}
