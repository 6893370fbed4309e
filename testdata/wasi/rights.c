/* rights.c - the capability model: what rights descriptors get, that they
 * only ever shrink, that path_open cannot hand down more than its
 * directory may, and that every call checks its right first.  Also the
 * fdstat flags, the prestat errors, and proc_raise.  (node's WASI reports host open(2)
 * flags in fs_flags and EINVAL for fd_prestat_get on a non-preopen: these
 * are checked against wasmpack's expected output only.) */
#include <stdint.h>

#include "wt.h"

/* wasi-libc no longer declares it */
int32_t r_proc_raise(int32_t sig) WT_IMPORT("proc_raise");

static void show_rights(const char *label, __wasi_fd_t fd)
{
	__wasi_fdstat_t st;
	int e = __wasi_fd_fdstat_get(fd, &st);

	if (e)
		wt_show(label, e);
	else
		printf("%s: type %d flags %d base %#llx inheriting %#llx\n", label, st.fs_filetype,
		       st.fs_flags, (unsigned long long)st.fs_rights_base,
		       (unsigned long long)st.fs_rights_inheriting);
}

int main(void)
{
	__wasi_fd_t f, d, g;
	__wasi_size_t n;
	__wasi_prestat_t pre;
	char name[4];
	__wasi_ciovec_t v = { (const uint8_t *)"x", 1 };
	__wasi_filestat_t st;

	show_rights("preopen", WT_DIR);
	wt_show("fd_prestat_get(stdin)", __wasi_fd_prestat_get(0, &pre));
	wt_show("fd_prestat_get(99)", __wasi_fd_prestat_get(99, &pre));
	wt_show("fd_prestat_dir_name(short buffer)", __wasi_fd_prestat_dir_name(WT_DIR, (uint8_t *)name, 2));

	/* a file: its rights are what was asked, within what files can have */
	wt_show("path_open(read+write+seek)",
		__wasi_path_open(WT_DIR, 0, "f", __WASI_OFLAGS_CREAT,
				 __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
					 __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR,
				 0, __WASI_FDFLAGS_APPEND, &f));
	show_rights("file", f);
	wt_show("fd_tell without the right", __wasi_fd_tell(f, (__wasi_filesize_t *)&st.size));
	wt_show("fd_filestat_get without the right", __wasi_fd_filestat_get(f, &st));
	wt_show("fd_fdstat_set_flags without the right", __wasi_fd_fdstat_set_flags(f, 0));
	wt_show("path_open through a file", __wasi_path_open(f, 0, "x", 0, 0, 0, 0, &g));
	wt_show("fd_readdir on a file", __wasi_fd_readdir(f, (uint8_t *)name, sizeof(name), 0, &n));
	wt_show("fd_fdstat_set_rights(add a right)",
		__wasi_fd_fdstat_set_rights(f, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SYNC, 0));
	wt_show("fd_fdstat_set_rights(drop write)", __wasi_fd_fdstat_set_rights(f, __WASI_RIGHTS_FD_READ, 0));
	wt_show("fd_write after dropping it", __wasi_fd_write(f, &v, 1, &n));
	show_rights("file after", f);
	(void)__wasi_fd_close(f);

	/* a directory: data rights are not for directories */
	wt_show("path_open(dir, FD_READ)",
		__wasi_path_open(WT_DIR, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, 0, &d));
	show_rights("dir", d);
	(void)__wasi_fd_close(d);
	wt_show("path_open(dir, FD_WRITE)",
		__wasi_path_open(WT_DIR, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, 0, 0, &d));

	/* inheriting rights bound what descriptors opened through it get */
	wt_show("path_open(dir, narrow inheriting)",
		__wasi_path_open(WT_DIR, 0, ".", __WASI_OFLAGS_DIRECTORY,
				 __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_FILE, __WASI_RIGHTS_FD_READ, 0, &d));
	show_rights("narrow dir", d);
	wt_show("path_open(more than inheriting)",
		__wasi_path_open(d, 0, "f", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &g));
	wt_show("path_open(within inheriting)", __wasi_path_open(d, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &g));
	(void)__wasi_fd_close(g);
	wt_show("path_open(create, with PATH_CREATE_FILE)",
		__wasi_path_open(d, 0, "g", __WASI_OFLAGS_CREAT, 0, 0, 0, &g));
	(void)__wasi_fd_close(g);
	wt_show("path_open(truncate without PATH_FILESTAT_SET_SIZE)",
		__wasi_path_open(d, 0, "f", __WASI_OFLAGS_TRUNC, 0, 0, 0, &g));
	wt_show("path_unlink_file without the right", __wasi_path_unlink_file(d, "g"));
	wt_show("path_create_directory without the right", __wasi_path_create_directory(d, "x"));
	wt_show("fd_readdir without the right", __wasi_fd_readdir(d, (uint8_t *)name, sizeof(name), 0, &n));
	(void)__wasi_fd_close(d);

	/* flags */
	wt_show("path_open(SYNC|DSYNC)",
		__wasi_path_open(WT_DIR, 0, "f", 0, __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS, 0,
				 __WASI_FDFLAGS_SYNC | __WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_NONBLOCK, &f));
	show_rights("sync file", f);
	wt_show("fd_fdstat_set_flags(drop SYNC)", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_NONBLOCK));
	wt_show("fd_fdstat_set_flags(unknown bit)", __wasi_fd_fdstat_set_flags(f, 0x100));
	wt_show("fd_fdstat_set_flags(APPEND)",
		__wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_SYNC | __WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_APPEND));
	show_rights("sync file after", f);
	wt_show("path_open(bad oflags)", __wasi_path_open(WT_DIR, 0, "f", 0x10, 0, 0, 0, &g));
	wt_show("path_open(bad fdflags)", __wasi_path_open(WT_DIR, 0, "f", 0, 0, 0, 0x20, &g));
	wt_show("path_open(dir, CREAT)", wt_open(WT_DIR, ".", __WASI_OFLAGS_CREAT, &g));
	(void)__wasi_path_unlink_file(WT_DIR, "f");
	(void)__wasi_path_unlink_file(WT_DIR, "g");
	/* signals are no capability a guest gets (node's WASI would really
	 * raise it: another reason this file is not run under node) */
	wt_show("proc_raise(SIGTERM)", r_proc_raise(15)); /* WASI's signal 15: term */
	return 0;
}
