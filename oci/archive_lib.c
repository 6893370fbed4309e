/*
 * archive_lib.c - libarchive, loaded on first use (see common/dynlib.h).
 *
 * libarchive links libxml2, ICU, nettle and five compressors that a tar
 * layer never needs; loading it only when a layer or an archive is read or
 * written keeps `wasmpack run FILE.wasm` and `inspect FILE.wasm` from
 * paying for them.  When it cannot be loaded the constructors return NULL
 * and the rest fail with ARCHIVE_FATAL.
 */
#include <archive.h>
#include <archive_entry.h>

#include "../common/dynlib.h"

#ifndef WP_ARCHIVE_SONAME
#define WP_ARCHIVE_SONAME "libarchive.so.13"
#endif

static struct wp_dynlib la = { WP_ARCHIVE_SONAME, NULL, 0, NULL };

#define FWD(ret, fail, name, params, args) WP_DYNLIB_FORWARD(la, ret, fail, name, params, args)
#define FWD_VOID(name, params, args) WP_DYNLIB_FORWARD_VOID(la, name, params, args)
#define A struct archive *a
#define E struct archive_entry *e

FWD(const char *, "libarchive 3 (not loaded)", archive_version_string, (void), ())
FWD(const char *, "libarchive could not be loaded", archive_error_string, (A), (a))
FWD(struct archive *, NULL, archive_read_new, (void), ())
FWD(int, ARCHIVE_FATAL, archive_read_free, (A), (a))
FWD(int, ARCHIVE_FATAL, archive_read_support_filter_none, (A), (a))
FWD(int, ARCHIVE_FATAL, archive_read_support_filter_gzip, (A), (a))
FWD(int, ARCHIVE_FATAL, archive_read_support_format_tar, (A), (a))
FWD(int, ARCHIVE_FATAL, archive_read_support_format_raw, (A), (a))
FWD(int, ARCHIVE_FATAL, archive_read_append_filter, (A, int code), (a, code))
FWD(la_int64_t, -1, archive_filter_bytes, (A, int n), (a, n))
FWD(int, ARCHIVE_FATAL, archive_read_open_memory, (A, const void *buf, size_t n), (a, buf, n))
FWD(int, ARCHIVE_FATAL, archive_read_open_filename, (A, const char *f, size_t block), (a, f, block))
FWD(int, ARCHIVE_FATAL, archive_read_next_header, (A, struct archive_entry **e), (a, e))
FWD(la_ssize_t, ARCHIVE_FATAL, archive_read_data, (A, void *buf, size_t n), (a, buf, n))
FWD(struct archive *, NULL, archive_write_new, (void), ())
FWD(int, ARCHIVE_FATAL, archive_write_free, (A), (a))
FWD(int, ARCHIVE_FATAL, archive_write_set_format_ustar, (A), (a))
FWD(int, ARCHIVE_FATAL, archive_write_set_bytes_in_last_block, (A, int n), (a, n))
FWD(int, ARCHIVE_FATAL, archive_write_open_fd, (A, int fd), (a, fd))
FWD(int, ARCHIVE_FATAL, archive_write_open,
    (A, void *ctx, archive_open_callback *o, archive_write_callback *w, archive_close_callback *c),
    (a, ctx, o, w, c))
FWD(int, ARCHIVE_FATAL, archive_write_header, (A, E), (a, e))
FWD(la_ssize_t, ARCHIVE_FATAL, archive_write_data, (A, const void *buf, size_t n), (a, buf, n))
FWD(int, ARCHIVE_FATAL, archive_write_close, (A), (a))
FWD(struct archive_entry *, NULL, archive_entry_new, (void), ())
FWD_VOID(archive_entry_free, (E), (e))
FWD(const char *, NULL, archive_entry_pathname, (E), (e))
FWD(const char *, NULL, archive_entry_hardlink, (E), (e))
FWD(la_int64_t, -1, archive_entry_size, (E), (e))
FWD(__LA_MODE_T, 0, archive_entry_filetype, (E), (e))
FWD_VOID(archive_entry_set_pathname, (E, const char *p), (e, p))
FWD_VOID(archive_entry_set_filetype, (E, unsigned int t), (e, t))
FWD_VOID(archive_entry_set_perm, (E, __LA_MODE_T m), (e, m))
FWD_VOID(archive_entry_set_uid, (E, la_int64_t id), (e, id))
FWD_VOID(archive_entry_set_gid, (E, la_int64_t id), (e, id))
FWD_VOID(archive_entry_set_size, (E, la_int64_t n), (e, n))
FWD_VOID(archive_entry_set_mtime, (E, time_t t, long ns), (e, t, ns))
