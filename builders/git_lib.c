/*
 * git_lib.c - libgit2, loaded on first use (see common/dynlib.h).
 *
 * When libgit2 cannot be loaded its functions fail as libgit2 fails (a
 * negative code, NULL), so a directory is treated as not being a git
 * repository, and git_error_last() names the missing library.
 */
#include <git2.h>

#include "../common/dynlib.h"

#ifndef WP_GIT2_SONAME
#define WP_GIT2_SONAME "libgit2.so.1.5"
#endif

static struct wp_dynlib git2 = { WP_GIT2_SONAME, NULL, 0, NULL };

#define FWD(ret, fail, name, params, args) WP_DYNLIB_FORWARD(git2, ret, fail, name, params, args)
#define FWD_VOID(name, params, args) WP_DYNLIB_FORWARD_VOID(git2, name, params, args)

FWD(int, -1, git_libgit2_init, (void), ())
FWD(int, -1, git_libgit2_shutdown, (void), ())
FWD(int, -1, git_libgit2_version, (int *major, int *minor, int *rev), (major, minor, rev))
FWD(int, -1, git_repository_open_ext,
    (git_repository **out, const char *path, unsigned int flags, const char *ceiling),
    (out, path, flags, ceiling))
FWD(int, -1, git_repository_is_bare, (const git_repository *r), (r))
FWD(const char *, NULL, git_repository_workdir, (const git_repository *r), (r))
FWD_VOID(git_repository_free, (git_repository *r), (r))
FWD(int, -1, git_repository_head, (git_reference **out, git_repository *r), (out, r))
FWD(const git_oid *, NULL, git_reference_target, (const git_reference *ref), (ref))
FWD_VOID(git_reference_free, (git_reference *ref), (ref))
FWD(int, -1, git_commit_lookup, (git_commit **c, git_repository *r, const git_oid *id), (c, r, id))
FWD(const git_oid *, NULL, git_commit_id, (const git_commit *c), (c))
FWD(git_time_t, 0, git_commit_time, (const git_commit *c), (c))
FWD_VOID(git_commit_free, (git_commit *c), (c))
FWD(char *, NULL, git_oid_tostr, (char *out, size_t n, const git_oid *id), (out, n, id))
FWD(int, -1, git_repository_config_snapshot, (git_config **out, git_repository *r), (out, r))
FWD(int, -1, git_config_get_string, (const char **out, const git_config *cfg, const char *name), (out, cfg, name))
FWD_VOID(git_config_free, (git_config *cfg), (cfg))
FWD(int, -1, git_status_list_new,
    (git_status_list **out, git_repository *r, const git_status_options *opts), (out, r, opts))
FWD(size_t, 0, git_status_list_entrycount, (git_status_list *l), (l))
FWD(const git_status_entry *, NULL, git_status_byindex, (git_status_list *l, size_t i), (l, i))
FWD_VOID(git_status_list_free, (git_status_list *l), (l))
FWD(int, -1, git_ignore_path_is_ignored, (int *ignored, git_repository *r, const char *path),
    (ignored, r, path))

static git_error unavailable = { (char *)"libgit2 could not be loaded", 0 };
FWD(const git_error *, &unavailable, git_error_last, (void), ())
