/*
 * reference.c - docker-compatible reference parsing (see reference.h).
 * Grammar from distribution's reference package: lowercase path
 * components joined by '.', '_', '__' or runs of '-'; tags of word
 * characters, '.' and '-' up to 128; names up to 255 characters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../oci/digest.h"
#include "../oci/layout.h"
#include "reference.h"

#define NAME_MAX_LEN 255

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

int registry_tag_valid(const char *s)
{
	return oci_tag_valid(s); /* one tag grammar for layouts and registries */
}

/* One path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static int component_valid(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return 0;
	while (i < n) {
		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return 0;
		}
		if (i >= n || !is_lower_alnum(s[i]))
			return 0;
	}
	return 1;
}

/* host[:port]: dot-separated labels of [A-Za-z0-9-] (not starting or
 * ending with '-'), or a bracketed IPv6 address; optional numeric port. */
static int domain_valid(const char *s, size_t n)
{
	const char *colon = NULL;
	size_t hostlen, i, start = 0;

	if (n == 0)
		return 0;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close)
			return 0;
		for (i = 1; s + i < close; i++)
			if (!(is_alnum(s[i]) || s[i] == ':' || s[i] == '.'))
				return 0;
		hostlen = (size_t)(close - s) + 1;
		if (hostlen < n && s[hostlen] != ':')
			return 0;
		if (hostlen < n)
			colon = s + hostlen;
	} else {
		colon = memchr(s, ':', n);
		hostlen = colon ? (size_t)(colon - s) : n;
		if (hostlen == 0)
			return 0;
		for (i = 0; i <= hostlen; i++) {
			if (i == hostlen || s[i] == '.') {
				if (i == start || s[start] == '-' || s[i - 1] == '-')
					return 0;
				start = i + 1;
			} else if (!(is_alnum(s[i]) || s[i] == '-')) {
				return 0;
			}
		}
	}
	if (colon) {
		size_t plen = n - (size_t)(colon - s) - 1;
		if (plen == 0 || plen > 5)
			return 0;
		for (i = 0; i < plen; i++)
			if (colon[1 + i] < '0' || colon[1 + i] > '9')
				return 0;
	}
	return 1;
}

void registry_ref_free(struct registry_ref *r)
{
	if (!r)
		return;
	free(r->registry);
	free(r->host);
	free(r->repository);
	free(r->tag);
	free(r->digest);
	free(r);
}

int registry_ref_is_bare_tag(const char *s)
{
	return !strpbrk(s, "/:@");
}

int registry_ref_parse(const char *s, struct registry_ref **out)
{
	struct registry_ref *r;
	const char *at, *name_end, *slash, *tagc, *path;
	char *repo = NULL;
	size_t n;
	int err = 0;

	*out = NULL;
	if (!*s)
		return wp_error_set(WP_EUSAGE, "invalid reference '': empty");
	r = calloc(1, sizeof(*r));
	if (!r)
		return wp_error_set(WP_ENOMEM, "out of memory");

	at = strchr(s, '@');
	name_end = at ? at : s + strlen(s);
	if (at) {
		r->digest = strdup(at + 1);
		if (!oci_digest_valid(r->digest)) {
			err = wp_error_set(WP_EUSAGE, "invalid reference '%s': bad digest '%s' (expected sha256:<64 hex>)",
					   s, at + 1);
			goto done;
		}
	}
	/* the tag follows the last ':' after the last '/' */
	slash = NULL;
	for (const char *p = s; p < name_end; p++)
		if (*p == '/')
			slash = p;
	tagc = NULL;
	for (const char *p = slash ? slash : s; p < name_end; p++)
		if (*p == ':')
			tagc = p;
	if (tagc) {
		r->tag = strndup(tagc + 1, (size_t)(name_end - tagc - 1));
		if (!registry_tag_valid(r->tag)) {
			err = wp_error_set(WP_EUSAGE, "invalid reference '%s': bad tag '%s'", s, r->tag);
			goto done;
		}
		name_end = tagc;
	}
	n = (size_t)(name_end - s);
	/* the first part is a host if it has '.' or ':' or is localhost */
	slash = memchr(s, '/', n);
	if (slash && (memchr(s, '.', (size_t)(slash - s)) || memchr(s, ':', (size_t)(slash - s)) ||
		      ((size_t)(slash - s) == 9 && !strncmp(s, "localhost", 9)))) {
		if (!domain_valid(s, (size_t)(slash - s))) {
			err = wp_error_set(WP_EUSAGE, "invalid reference '%s': bad registry host '%.*s'", s,
					   (int)(slash - s), s);
			goto done;
		}
		r->registry = strndup(s, (size_t)(slash - s));
		r->named_registry = 1;
		path = slash + 1;
	} else {
		r->registry = strdup("docker.io");
		path = s;
	}
	n = (size_t)(name_end - path);
	if (n == 0) {
		err = wp_error_set(WP_EUSAGE, "invalid reference '%s': empty repository name", s);
		goto done;
	}
	for (const char *c = path; c < path + n;) {
		const char *e = memchr(c, '/', (size_t)(path + n - c));
		size_t len = e ? (size_t)(e - c) : (size_t)(path + n - c);
		if (!component_valid(c, len)) {
			err = wp_error_set(WP_EUSAGE,
					   "invalid reference '%s': repository name must be lowercase letters, digits and separators (bad part '%.*s')",
					   s, (int)len, c);
			goto done;
		}
		c += len + (e ? 1 : 0);
		if (e && c == path + n) {
			err = wp_error_set(WP_EUSAGE, "invalid reference '%s': trailing '/'", s);
			goto done;
		}
	}
	if (!strcmp(r->registry, "index.docker.io")) {
		free(r->registry);
		r->registry = strdup("docker.io");
	}
	if (!strcmp(r->registry, "docker.io") && !memchr(path, '/', n)) {
		if (asprintf(&repo, "library/%.*s", (int)n, path) < 0)
			repo = NULL;
	} else {
		repo = strndup(path, n);
	}
	r->repository = repo;
	r->host = strdup(strcmp(r->registry, "docker.io") ? r->registry : "registry-1.docker.io");
	if (!r->registry || !r->repository || !r->host) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if (strlen(r->registry) + 1 + strlen(r->repository) > NAME_MAX_LEN) {
		err = wp_error_set(WP_EUSAGE, "invalid reference '%s': name longer than %d characters", s,
				   NAME_MAX_LEN);
		goto done;
	}
done:
	if (err < 0) {
		registry_ref_free(r);
		return err;
	}
	*out = r;
	return 0;
}

char *registry_ref_name(const struct registry_ref *r)
{
	char *s = NULL;

	if (asprintf(&s, "%s/%s", r->registry, r->repository) < 0)
		return NULL;
	return s;
}

char *registry_ref_string(const struct registry_ref *r)
{
	char *s = NULL;

	if (asprintf(&s, "%s/%s%s%s%s%s", r->registry, r->repository, r->tag ? ":" : "",
		     r->tag ? r->tag : "", r->digest ? "@" : "", r->digest ? r->digest : "") < 0)
		return NULL;
	return s;
}
