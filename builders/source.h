/*
 * source.h - facts about the source directory that end up in the image:
 * the origin repository URL, the HEAD commit and its time (via libgit2),
 * and the image creation time (SOURCE_DATE_EPOCH, else the commit time,
 * else the epoch), so the same source gives the same image digest.
 */
#ifndef BUILDERS_SOURCE_H
#define BUILDERS_SOURCE_H

#include <time.h>

struct source_facts {
	int in_git;         /* DIR is inside a git work tree */
	char *revision;     /* HEAD commit (40 hex), NULL if unborn */
	char *source_url;   /* origin as an https URL, NULL if none/local */
	time_t commit_time; /* of HEAD, valid when revision != NULL */
};

/*
 * Initialise libgit2 once for the whole process (later calls do nothing).
 * Debian's libgit2 parses the system CA bundle at every initialisation
 * (~10 ms), so it is initialised once and left to process exit rather than
 * set up and torn down around each use.  Returns < 0 if libgit2 is absent.
 */
int source_git_init(void);
/*
 * 0 when neither DIR nor any parent holds a `.git` (and GIT_DIR is unset):
 * then no repository can be found and libgit2 need not be loaded (its
 * initialisation parses the system's CA bundle, ~10 ms).  1 otherwise.
 */
int source_maybe_git(const char *dir);

/* Read the facts of `dir`.  Not being in a git repository is not an error. */
int source_facts_read(const char *dir, struct source_facts *out);
void source_facts_release(struct source_facts *f);

/*
 * The creation time for an image: SOURCE_DATE_EPOCH when set (a malformed
 * value is WP_EUSAGE), else the HEAD commit time, else 0.
 */
int source_created_time(const struct source_facts *f, time_t *out);

/*
 * The https URL a remote URL corresponds to, for the
 * org.opencontainers.image.source annotation: scp-like and ssh:// URLs
 * become https://host/path, credentials and a trailing ".git" are dropped.
 * NULL for local paths and file:// URLs.  Malloc'ed.
 */
char *source_url_to_https(const char *remote);

#endif
