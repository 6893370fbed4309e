/*
 * inputs.h - the files a build reads: what the cache key digests and what
 * a Makefile build copies into its private build tree.
 *
 * In a git work tree: the tracked files plus the untracked ones that are
 * not ignored (libgit2's status, limited to the project directory).
 * Elsewhere: every file under the directory.  Either way, never .git,
 * node_modules/, the project's target/, directories that are build output
 * (a cargo CACHEDIR.TAG, a CMakeCache.txt, an OCI layout), nor the paths
 * the caller excludes (the outputs of this very build).
 */
#ifndef BUILDERS_INPUTS_H
#define BUILDERS_INPUTS_H

#include <stddef.h>

#include "../oci/digest.h"

#define INPUTS_MAX_FILES 100000

struct inputs {
	char **rel; /* sorted paths relative to the project directory */
	size_t n;
	int from_git;
};

int inputs_list(const char *dir, const char *const *exclude, size_t nexclude, struct inputs *out);
void inputs_release(struct inputs *in);

/* Feed "path mode sha256(contents)" of every input to h. */
int inputs_digest(const char *dir, const struct inputs *in, struct oci_hasher *h);

/* Copy the inputs into `dest` (created), keeping modes and symlinks. */
int inputs_copy(const char *dir, const struct inputs *in, const char *dest);

#endif
