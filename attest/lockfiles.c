/*
 * lockfiles.c - the dependencies a build used, as its lock files record
 * them: Cargo.lock (name, version, registry checksum), package-lock.json
 * v2/v3 ("packages": name, version, integrity) and go.sum (module,
 * version; its h1: hashes are directory hashes, not file checksums, so no
 * checksum is claimed for Go modules).  Only what the file says is listed;
 * nothing is resolved or fetched.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/base64.h"
#include "../common/error.h"
#include "../common/fs.h"
#include "attest.h"

#define LOCK_MAX (64u << 20)

static int dep_add(struct attest_deps *d, const char *name, const char *version,
		   const char *purl, const char *alg, const char *checksum, const char *source)
{
	struct attest_dep *n = realloc(d->items, (d->n + 1) * sizeof(*n)), *e;

	if (!n)
		return wp_error_set(WP_ENOMEM, "out of memory");
	d->items = n;
	e = &n[d->n];
	memset(e, 0, sizeof(*e));
	e->name = strdup(name);
	e->version = strdup(version ? version : "");
	e->purl = purl ? strdup(purl) : NULL;
	e->alg = alg && checksum ? strdup(alg) : NULL;
	e->checksum = alg && checksum ? strdup(checksum) : NULL;
	e->source = strdup(source);
	d->n++;
	if (!e->name || !e->version || !e->source || (purl && !e->purl))
		return wp_error_set(WP_ENOMEM, "out of memory");
	return 0;
}

/* The quoted value of a `key = "value"` line, or NULL. */
static char *toml_string(const char *line, const char *key)
{
	size_t k = strlen(key);
	const char *p = line, *q;

	if (strncmp(p, key, k) != 0)
		return NULL;
	p += k;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != '=')
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != '"' || !(q = strchr(p, '"')))
		return NULL;
	return strndup(p, (size_t)(q - p));
}

static int is_hex(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* One [[package]] of Cargo.lock; workspace members (no source) are the
 * project itself, not dependencies. */
static int cargo_flush(struct attest_deps *d, char **name, char **version, char **source,
		       char **checksum)
{
	char *purl = NULL;
	int err = 0;

	if (*name && *version && *source) {
		if (asprintf(&purl, "pkg:cargo/%s@%s", *name, *version) < 0)
			return wp_error_set(WP_ENOMEM, "out of memory");
		err = dep_add(d, *name, *version, purl, "SHA256",
			      *checksum && is_hex(*checksum, 64) ? *checksum : NULL, "Cargo.lock");
		free(purl);
	}
	free(*name);
	free(*version);
	free(*source);
	free(*checksum);
	*name = *version = *source = *checksum = NULL;
	return err;
}

static int read_cargo(const char *text, struct attest_deps *d)
{
	char *name = NULL, *version = NULL, *source = NULL, *checksum = NULL, *v;
	const char *line = text;
	int err = 0;

	while (line && *line && err == 0) {
		const char *end = strchr(line, '\n');
		char *l = end ? strndup(line, (size_t)(end - line)) : strdup(line);

		if (!l)
			return wp_error_set(WP_ENOMEM, "out of memory");
		if (!strcmp(l, "[[package]]") || l[0] == '[') {
			err = cargo_flush(d, &name, &version, &source, &checksum);
		} else if ((v = toml_string(l, "name"))) {
			free(name);
			name = v;
		} else if ((v = toml_string(l, "version"))) {
			free(version);
			version = v;
		} else if ((v = toml_string(l, "source"))) {
			free(source);
			source = v;
		} else if ((v = toml_string(l, "checksum"))) {
			free(checksum);
			checksum = v;
		}
		free(l);
		line = end ? end + 1 : NULL;
	}
	if (err == 0)
		err = cargo_flush(d, &name, &version, &source, &checksum);
	else
		cargo_flush(d, &name, &version, &source, &checksum);
	return err;
}

/* "sha512-<base64>" -> ("SHA512", hex). */
static int integrity_hex(const char *integrity, const char **alg, char **hex)
{
	static const struct { const char *prefix, *alg; size_t n; } algs[] = {
		{ "sha512-", "SHA512", 64 }, { "sha256-", "SHA256", 32 }, { "sha1-", "SHA1", 20 },
	};
	size_t i, k, len;
	uint8_t *raw;

	*hex = NULL;
	for (i = 0; integrity && i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strncmp(integrity, algs[i].prefix, strlen(algs[i].prefix)) != 0)
			continue;
		raw = wp_base64_decode(integrity + strlen(algs[i].prefix), &len);
		if (raw && len == algs[i].n && (*hex = malloc(len * 2 + 1))) {
			for (k = 0; k < len; k++)
				sprintf(*hex + 2 * k, "%02x", raw[k]);
			*alg = algs[i].alg;
		}
		free(raw);
		return 0;
	}
	return 0;
}

static int read_npm(const char *path, const char *text, struct attest_deps *d)
{
	json_error_t je;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je), *pkgs, *p;
	const char *key;
	int err = 0;

	if (!root)
		return wp_error_set(WP_EINVALID, "%s: not JSON (line %d: %s)", path, je.line, je.text);
	pkgs = json_object_get(root, "packages");
	if (!json_is_object(pkgs)) {
		json_decref(root);
		return wp_error_set(WP_EINVALID, "%s: no \"packages\" object (lockfileVersion 2 or 3 is read; run npm install with npm >= 7)",
				    path);
	}
	json_object_foreach(pkgs, key, p) {
		const char *name = NULL, *mark = "node_modules/", *at;
		const char *version = json_string_value(json_object_get(p, "version"));
		const char *alg = NULL;
		char *purl = NULL, *hex = NULL;

		/* "" is the project; "node_modules/a/node_modules/@s/b" is @s/b */
		for (at = strstr(key, mark); at; at = strstr(at + 1, mark))
			name = at + strlen(mark);
		if (!name || !*name || !version || json_is_true(json_object_get(p, "link")))
			continue;
		integrity_hex(json_string_value(json_object_get(p, "integrity")), &alg, &hex);
		if (asprintf(&purl, "pkg:npm/%s%s@%s", name[0] == '@' ? "%40" : "",
			     name[0] == '@' ? name + 1 : name, version) < 0) {
			free(hex);
			err = wp_error_set(WP_ENOMEM, "out of memory");
			break;
		}
		err = dep_add(d, name, version, purl, alg, hex, "package-lock.json");
		if (err == 0)
			d->items[d->n - 1].dev = json_is_true(json_object_get(p, "dev"));
		free(purl);
		free(hex);
		if (err < 0)
			break;
	}
	json_decref(root);
	return err;
}

static int read_gosum(const char *path, const char *text, struct attest_deps *d)
{
	const char *line = text;
	int err = 0, n = 0;

	while (line && *line && err == 0) {
		const char *end = strchr(line, '\n');
		char mod[512], ver[256], hash[256], *purl = NULL;

		n++;
		if (sscanf(line, "%511s %255s %255s", mod, ver, hash) != 3 || strncmp(hash, "h1:", 3))
			return wp_error_set(WP_EINVALID, "%s:%d: not \"module version h1:hash\"", path, n);
		if (!strstr(ver, "/go.mod")) {
			if (asprintf(&purl, "pkg:golang/%s@%s", mod, ver) < 0)
				return wp_error_set(WP_ENOMEM, "out of memory");
			err = dep_add(d, mod, ver, purl, NULL, NULL, "go.sum");
			free(purl);
		}
		line = end ? end + 1 : NULL;
	}
	return err;
}

static int dep_cmp(const void *a, const void *b)
{
	const struct attest_dep *x = a, *y = b;
	int c = strcmp(x->purl ? x->purl : "", y->purl ? y->purl : "");
	return c ? c : strcmp(x->name, y->name);
}

static void dep_release(struct attest_dep *e)
{
	free(e->name);
	free(e->version);
	free(e->purl);
	free(e->alg);
	free(e->checksum);
	free(e->source);
}

void attest_deps_release(struct attest_deps *d)
{
	size_t i;

	for (i = 0; d && i < d->n; i++)
		dep_release(&d->items[i]);
	if (d) {
		free(d->items);
		d->items = NULL;
		d->n = 0;
	}
}

int attest_deps_read(const char *dir, struct attest_deps *out)
{
	static const char *files[] = { "Cargo.lock", "package-lock.json", "go.sum" };
	size_t i, k;
	int err = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < 3 && err == 0; i++) {
		struct wp_buf b = WP_BUF_INIT(LOCK_MAX);
		char *path = wp_path_join(dir, files[i]);

		if (!path)
			return wp_error_set(WP_ENOMEM, "out of memory");
		err = wp_fs_read_regular(path, LOCK_MAX, &b);
		if (err == WP_ENOTFOUND) {
			err = 0;
			wp_error_clear();
		} else if (err == 0) {
			const char *t = wp_buf_cstr(&b);
			err = i == 0 ? read_cargo(t, out) : i == 1 ? read_npm(path, t, out)
							       : read_gosum(path, t, out);
		}
		free(path);
		wp_buf_release(&b);
	}
	if (err < 0) {
		attest_deps_release(out);
		return err;
	}
	if (out->n)
		qsort(out->items, out->n, sizeof(*out->items), dep_cmp);
	for (i = k = 0; i < out->n; i++) {
		if (k && !dep_cmp(&out->items[k - 1], &out->items[i])) {
			dep_release(&out->items[i]);
			continue;
		}
		out->items[k++] = out->items[i];
	}
	out->n = k;
	return 0;
}
