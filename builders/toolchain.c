/*
 * toolchain.c - finding toolchains without running them on every build.
 *
 * Discovery itself is cheap (PATH lookups and stat).  Asking a compiler
 * its version costs 20-300 ms (emcc is a Python program), more than the
 * whole no-op rebuild may take, so answers are cached in the build cache
 * under a fingerprint of the binaries (resolved path, size, mtime): a new
 * compiler changes the fingerprint and is asked again.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "../oci/digest.h"
#include "cache.h"
#include "internal.h"

#define PROBE_MAX (1024 * 1024)

void toolchain_release(struct toolchain *t)
{
	free(t->display);
	free(t->identity);
	free(t->note);
	free(t->cc);
	free(t->cxx);
	free(t->ar);
	free(t->ranlib);
	free(t->target);
	free(t->sysroot);
	free(t->cxxinc);
	free(t->clanginc);
	free(t->libcinc);
	free(t->tool);
	free(t->tool2);
	memset(t, 0, sizeof(*t));
}

int tc_is_exec(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

char *tc_which(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[PATH_MAX];

	if (strchr(name, '/'))
		return tc_is_exec(name) ? strdup(name) : NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p; p = *end ? end + 1 : end) {
		size_t len;
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len == 0 || len + strlen(name) + 2 > sizeof(buf))
			continue;
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, p, name);
		if (tc_is_exec(buf))
			return strdup(buf);
	}
	return NULL;
}

int tc_fingerprint(struct wp_buf *b, const char *path)
{
	char real[PATH_MAX];
	struct stat st;

	if (!realpath(path, real) || stat(real, &st) < 0)
		return wp_buf_printf(b, "%s:absent;", path);
	return wp_buf_printf(b, "%s:%lld:%lld.%09ld;", real, (long long)st.st_size,
			     (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

char *tc_first_line(const char *s)
{
	while (*s == '\n' || *s == '\r' || *s == ' ')
		s++;
	return strndup(s, strcspn(s, "\r\n"));
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

int tc_probe(const char *material, const char *cwd, char *const *argv, char **out)
{
	struct wp_buf key = WP_BUF_INIT(WP_BUF_UNLIMITED), ans = WP_BUF_INIT(PROBE_MAX);
	char digest[OCI_DIGEST_SIZE], *dir = NULL, *file = NULL;
	char *const *a;
	int err = 0;

	*out = NULL;
	wp_buf_printf(&key, "probe v1\n%s\n", material);
	for (a = argv; *a; a++)
		wp_buf_printf(&key, "%s\n", *a);
	if (!key.data || (err = oci_digest(key.data, key.len, digest)) < 0)
		goto done;
	/* a cache that cannot be created only costs time */
	if (cache_subdir("probes", &dir) == 0 && (file = wp_path_join(dir, oci_digest_hex(digest))) &&
	    wp_fs_read_file(file, PROBE_MAX, &ans) == 0) {
		*out = strdup(wp_buf_cstr(&ans));
		goto done;
	}
	wp_error_clear();
	wp_buf_reset(&ans);
	if ((err = spawn_capture(cwd, NULL, argv, &ans)) < 0)
		goto done;
	if (file)
		wp_fs_write_atomic(file, ans.data ? ans.data : (const uint8_t *)"", ans.len, 0644);
	*out = strdup(wp_buf_cstr(&ans));
done:
	if (err == 0 && !*out)
		err = wp_error_set(WP_ENOMEM, "out of memory");
	if (*out)
		trim(*out);
	free(dir);
	free(file);
	wp_buf_release(&key);
	wp_buf_release(&ans);
	return err;
}
