/*
 * fs.h - small file-system helpers shared by every module: whole-file
 * reads with a size cap, atomic writes (temporary name + rename), mkdir -p,
 * recursive removal for cleaning up what a failed operation created, and
 * advisory directory locks.
 */
#ifndef WP_FS_H
#define WP_FS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

/* Read a regular file into `out` (appended), refusing more than `max` bytes.
 * A directory, a missing file or an unreadable one is an error naming it. */
int wp_fs_read_file(const char *path, size_t max, struct wp_buf *out);

/* The same, for files a hostile party may have placed (blobs of a layout):
 * only a regular file; a symlink is not followed and a FIFO, socket or
 * device is refused without blocking (WP_EINVALID naming the path). */
int wp_fs_read_regular(const char *path, size_t max, struct wp_buf *out);

/* Write `len` bytes to `path` through a temporary file in the same
 * directory and rename(2), so readers see the old or the new file, never a
 * partial one.  `mode` is applied to the new file. */
int wp_fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* Remove from `dir` the temporary files of wp_fs_write_atomic left by a
 * writer that no longer runs (killed, or stopped by a file-size limit):
 * names "*.tmp-<pid>-XXXXXX" whose pid is not alive.  Best effort; call it
 * holding the lock that serialises writers of `dir`. */
void wp_fs_remove_stale_tmp(const char *dir);

/* Create a directory and its parents (like mkdir -p).  `created`, if not
 * NULL, receives a malloc'ed path of the topmost directory this call
 * created (NULL if all existed), so a failed operation can remove it. */
int wp_fs_mkdirs(const char *path, mode_t mode, char **created);

/* Remove a file or a directory tree; missing is not an error. */
int wp_fs_remove_tree(const char *path);

/* 1 if path exists (any type), 0 if not. */
int wp_fs_exists(const char *path);
int wp_fs_is_dir(const char *path);

/* Take an exclusive advisory lock on a directory (flock on its fd); blocks
 * until it is free.  Returns the fd (>= 0) to pass to wp_fs_unlock. */
int wp_fs_lock_dir(const char *path);
void wp_fs_unlock(int fd);

/* Join two path parts with one '/'; malloc'ed. */
char *wp_path_join(const char *a, const char *b);

/* 1 if a relative path has a ".." component (climbs out of where it is
 * resolved), else 0. */
int wp_path_climbs(const char *path);

/* The last component of a path, without a trailing slash; malloc'ed. */
char *wp_path_basename(const char *path);

/* Create a fresh private temporary directory under $TMPDIR (or /tmp);
 * malloc'ed path. */
int wp_fs_mkdtemp(const char *prefix, char **out);

#endif
