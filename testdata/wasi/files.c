/* files.c - the fd_* calls on a regular file in the preopened directory
 * (fd 3): open, write, seek, tell, read, pread, pwrite, stat, sizes,
 * times, advise, sync, fdstat flags and rights, renumber, close,
 * and the prestat of the preopen itself. */
#include <stdint.h>
#include <stdlib.h>

#include "wt.h"

static __wasi_ciovec_t civ(const char *s)
{
	__wasi_ciovec_t v = { (const uint8_t *)s, strlen(s) };
	return v;
}

int main(void)
{
	__wasi_prestat_t pre;
	__wasi_fdstat_t fst;
	__wasi_filestat_t st;
	__wasi_fd_t fd, fd2;
	__wasi_size_t n;
	__wasi_filesize_t pos;
	char name[64], buf[64];
	__wasi_ciovec_t two[2] = { civ("hello, "), civ("world\n") };
	__wasi_iovec_t in[2];

	wt_show("fd_prestat_get", __wasi_fd_prestat_get(WT_DIR, &pre));
	printf("preopen name length: %u\n", (unsigned)pre.u.dir.pr_name_len);
	memset(name, 0, sizeof(name));
	wt_show("fd_prestat_dir_name", __wasi_fd_prestat_dir_name(WT_DIR, (uint8_t *)name, pre.u.dir.pr_name_len));
	printf("preopen name: %s\n", name);
	wt_show("fd_fdstat_get(dir)", __wasi_fd_fdstat_get(WT_DIR, &fst));
	printf("dir filetype: %d\n", fst.fs_filetype);

	wt_show("path_open(create)", wt_open(WT_DIR, "data.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, &fd));
	wt_show("fd_write(2 iovecs)", __wasi_fd_write(fd, two, 2, &n));
	printf("written: %u\n", (unsigned)n);
	wt_show("fd_tell", __wasi_fd_tell(fd, &pos));
	printf("position: %llu\n", (unsigned long long)pos);
	wt_show("fd_seek(SET 7)", __wasi_fd_seek(fd, 7, __WASI_WHENCE_SET, &pos));
	printf("position: %llu\n", (unsigned long long)pos);
	memset(buf, 0, sizeof(buf));
	in[0].buf = (uint8_t *)buf, in[0].buf_len = 3;
	in[1].buf = (uint8_t *)buf + 3, in[1].buf_len = 10;
	wt_show("fd_read(2 iovecs)", __wasi_fd_read(fd, in, 2, &n));
	printf("read %u: %s", (unsigned)n, buf);
	wt_show("fd_seek(CUR -6)", __wasi_fd_seek(fd, -6, __WASI_WHENCE_CUR, &pos));
	printf("position: %llu\n", (unsigned long long)pos);
	wt_show("fd_seek(END 0)", __wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &pos));
	printf("position: %llu\n", (unsigned long long)pos);
	wt_show("fd_seek(before start)", __wasi_fd_seek(fd, -100, __WASI_WHENCE_SET, &pos));
	wt_show("fd_pwrite(at 0)", __wasi_fd_pwrite(fd, two + 1, 1, 0, &n));
	memset(buf, 0, sizeof(buf));
	in[0].buf_len = sizeof(buf) - 1;
	wt_show("fd_pread(at 0)", __wasi_fd_pread(fd, in, 1, 0, &n));
	printf("pread %u: %s", (unsigned)n, buf);
	(void)__wasi_fd_tell(fd, &pos);
	printf("pread/pwrite keep the position: %s\n", pos == 13 ? "yes" : "no");

	wt_show("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
	printf("filetype: %d size: %llu nlink: %llu\n", st.filetype, (unsigned long long)st.size,
	       (unsigned long long)st.nlink);
	wt_show("fd_filestat_set_size(100)", __wasi_fd_filestat_set_size(fd, 100));
	(void)__wasi_fd_filestat_get(fd, &st);
	printf("size: %llu\n", (unsigned long long)st.size);
	wt_show("fd_filestat_set_size(5)", __wasi_fd_filestat_set_size(fd, 5));
	(void)__wasi_fd_filestat_get(fd, &st);
	printf("size: %llu\n", (unsigned long long)st.size);
	wt_show("fd_filestat_set_times", __wasi_fd_filestat_set_times(fd, 1000000000ull * 1000000, 1000000000ull * 2000000,
				      __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
	(void)__wasi_fd_filestat_get(fd, &st);
	printf("atim: %llu mtim: %llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
	wt_show("fd_filestat_set_times(MTIM|MTIM_NOW)",
		__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
	wt_show("fd_filestat_set_times(MTIM_NOW)", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
	(void)__wasi_fd_filestat_get(fd, &st);
	printf("mtim is now-ish: %s\n", st.mtim > 1577836800ull * 1000000000ull ? "yes" : "no");
	/* fd_allocate is ENOTSUP here and real in node: run_hostile.sh checks it */
	wt_show("fd_filestat_set_size(64)", __wasi_fd_filestat_set_size(fd, 64));
	(void)__wasi_fd_filestat_get(fd, &st);
	printf("size after growing: %llu\n", (unsigned long long)st.size);
	wt_show("fd_advise(SEQUENTIAL)", __wasi_fd_advise(fd, 0, 64, __WASI_ADVICE_SEQUENTIAL));
	wt_show("fd_advise(bad advice)", __wasi_fd_advise(fd, 0, 64, 77));
	wt_show("fd_datasync", __wasi_fd_datasync(fd));
	wt_show("fd_sync", __wasi_fd_sync(fd));

	/* fdstat: flags and rights */
	wt_show("fd_fdstat_get(file)", __wasi_fd_fdstat_get(fd, &fst));
	printf("file filetype: %d\n", fst.fs_filetype); /* flags: rights.c */
	wt_show("fd_fdstat_set_flags(APPEND)", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
	(void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
	(void)__wasi_fd_write(fd, two, 1, &n);
	(void)__wasi_fd_filestat_get(fd, &st);
	printf("append wrote at the end: %s\n", st.size == 64 + 7 ? "yes" : "no");
	(void)__wasi_fd_fdstat_get(fd, &fst);
	wt_show("fd_fdstat_set_flags(0)", __wasi_fd_fdstat_set_flags(fd, 0));
	wt_show("fd_fdstat_set_rights(drop read)",
		__wasi_fd_fdstat_set_rights(fd, fst.fs_rights_base & ~__WASI_RIGHTS_FD_READ, 0));
	in[0].buf_len = 4;
	wt_show("fd_read without the right", __wasi_fd_read(fd, in, 1, &n));
	wt_show("fd_fdstat_set_rights(regain read)",
		__wasi_fd_fdstat_set_rights(fd, fst.fs_rights_base, 0));

	/* renumber and close */
	wt_show("path_open(second)", wt_open(WT_DIR, "data.txt", 0, &fd2));
	wt_show("fd_renumber", __wasi_fd_renumber(fd, fd2));
	wt_show("fd_close(renumbered away)", __wasi_fd_close(fd));
	(void)__wasi_fd_filestat_get(fd2, &st);
	printf("the target holds the first file: %s\n", st.size == 71 ? "yes" : "no");
	wt_show("fd_close", __wasi_fd_close(fd2));
	wt_show("fd_close(again)", __wasi_fd_close(fd2));
	wt_show("fd_write(closed)", __wasi_fd_write(fd2, two, 1, &n));
	wt_show("fd_renumber(bad)", __wasi_fd_renumber(77, 1));
	wt_show("path_unlink_file", __wasi_path_unlink_file(WT_DIR, "data.txt"));
	return 0;
}
