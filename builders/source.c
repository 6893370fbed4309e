/*
 * source.c - source facts through libgit2 (see source.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "../common/error.h"
#include "source.h"

char *source_url_to_https(const char *remote)
{
	const char *host, *path, *p, *at;
	char *out = NULL;
	size_t hostlen, pathlen;

	if (!remote || !*remote)
		return NULL;
	if (!strncmp(remote, "file://", 7) || remote[0] == '/' || remote[0] == '.')
		return NULL;
	p = strstr(remote, "://");
	if (p) {
		/* scheme://[user[:pass]@]host[:port]/path */
		host = p + 3;
		path = strchr(host, '/');
		if (!path)
			return NULL;
		at = memchr(host, '@', (size_t)(path - host));
		if (at)
			host = at + 1;
		hostlen = (size_t)(path - host);
		/* drop the port of ssh/git URLs; keep it for http(s) */
		if (strncmp(remote, "http", 4) != 0) {
			const char *colon = memchr(host, ':', hostlen);
			if (colon)
				hostlen = (size_t)(colon - host);
		}
		path++;
	} else {
		/* scp-like: [user@]host:path */
		const char *colon = strchr(remote, ':'), *slash = strchr(remote, '/');
		if (!colon || (slash && slash < colon))
			return NULL;
		at = memchr(remote, '@', (size_t)(colon - remote));
		host = at ? at + 1 : remote;
		hostlen = (size_t)(colon - host);
		path = colon + 1;
		while (*path == '/')
			path++;
	}
	pathlen = strlen(path);
	while (pathlen && path[pathlen - 1] == '/')
		pathlen--;
	if (pathlen > 4 && !strncmp(path + pathlen - 4, ".git", 4))
		pathlen -= 4;
	if (hostlen == 0 || pathlen == 0)
		return NULL;
	if (asprintf(&out, "https://%.*s/%.*s", (int)hostlen, host, (int)pathlen, path) < 0)
		return NULL;
	return out;
}

static pthread_once_t git_once = PTHREAD_ONCE_INIT;
static int git_init_result;

static void git_init(void)
{
	git_init_result = git_libgit2_init();
}

int source_git_init(void)
{
	pthread_once(&git_once, git_init);
	return git_init_result < 0 ? -1 : 0;
}

int source_maybe_git(const char *dir)
{
	char *path = getenv("GIT_DIR") ? NULL : realpath(dir, NULL);
	char *slash;
	int found = 0;

	if (!path)
		return 1; /* GIT_DIR set, or dir unresolvable: let libgit2 decide */
	for (;;) {
		size_t len = strlen(path);
		char *probe = malloc(len + sizeof("/.git"));

		if (!probe) {
			found = 1;
			break;
		}
		memcpy(probe, path, len);
		memcpy(probe + len, "/.git", sizeof("/.git"));
		found = access(probe, F_OK) == 0;
		free(probe);
		if (found || !(slash = strrchr(path, '/')) || slash == path)
			break;
		*slash = '\0';
	}
	if (!found && strcmp(path, "/") != 0)
		found = access("/.git", F_OK) == 0;
	free(path);
	return found;
}

int source_facts_read(const char *dir, struct source_facts *f)
{
	git_repository *repo = NULL;
	git_reference *head = NULL;
	git_commit *commit = NULL;
	git_config *cfg = NULL;
	const char *url;
	char oid[GIT_OID_HEXSZ + 1];
	int err = 0;

	memset(f, 0, sizeof(*f));
	if (!source_maybe_git(dir) || source_git_init() < 0)
		goto done; /* no libgit2: no facts */
	if (git_repository_open_ext(&repo, dir, 0, NULL) != 0) {
		/* not a repository (or not readable as one): no facts */
		goto done;
	}
	if (git_repository_is_bare(repo))
		goto done;
	f->in_git = 1;
	if (git_repository_head(&head, repo) == 0 &&
	    git_commit_lookup(&commit, repo, git_reference_target(head)) == 0) {
		git_oid_tostr(oid, sizeof(oid), git_commit_id(commit));
		f->revision = strdup(oid);
		f->commit_time = (time_t)git_commit_time(commit);
		if (!f->revision)
			err = wp_error_set(WP_ENOMEM, "out of memory");
	}
	/*
	 * The origin URL straight from a config snapshot: git_remote_lookup()
	 * would also apply url.*.insteadOf, through a regex match that leaks
	 * its match data in Debian's libgit2 1.5 whenever it does not match.
	 */
	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string(&url, cfg, "remote.origin.url") == 0)
		f->source_url = source_url_to_https(url);
done:
	if (repo) { /* else nothing was opened, and libgit2 may not even be loaded */
		git_config_free(cfg);
		git_commit_free(commit);
		git_reference_free(head);
		git_repository_free(repo);
	}
	return err;
}

void source_facts_release(struct source_facts *f)
{
	free(f->revision);
	free(f->source_url);
	memset(f, 0, sizeof(*f));
}

int source_created_time(const struct source_facts *f, time_t *out)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	if (sde && *sde) {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(sde, &end, 10);
		if (errno || *end || v < 0 || v > 253402300799LL)
			return wp_error_set(WP_EUSAGE,
					    "SOURCE_DATE_EPOCH='%s' is not a number of seconds since 1970", sde);
		*out = (time_t)v;
		return 0;
	}
	*out = (f && f->revision) ? f->commit_time : 0;
	return 0;
}
