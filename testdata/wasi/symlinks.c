/* symlinks.c - symbolic links inside the preopened directory (fd 3):
 * creating, reading and following them, stats and times on the link and on
 * its target, dangling links and loops, trailing slashes; and the
 * filestat error cases.  node's WASI is documented to fail the symlink,
 * readlink and filestat cases (it follows links it should not, and
 * deadlocks after path_filestat_set_times refuses bad flags), so these are
 * checked against wasmpack's expected output only. */
#include <stdint.h>

#include "wt.h"

static void stat_type(const char *label, __wasi_lookupflags_t fl, const char *path)
{
	__wasi_filestat_t st;
	int e = __wasi_path_filestat_get(WT_DIR, fl, path, &st);

	if (e)
		wt_show(label, e);
	else
		printf("%s: type %d\n", label, st.filetype);
}

int main(void)
{
	__wasi_filestat_t st, st2;
	__wasi_fd_t fd;
	__wasi_size_t n;
	char buf[64];
	__wasi_ciovec_t v = { (const uint8_t *)"0123456789", 10 };

	(void)__wasi_path_create_directory(WT_DIR, "sub");
	(void)wt_open(WT_DIR, "sub/f", __WASI_OFLAGS_CREAT, &fd);
	(void)__wasi_fd_write(fd, &v, 1, &n);
	(void)__wasi_fd_close(fd);

	wt_show("path_symlink(sub/f <- soft)", __wasi_path_symlink("sub/f", WT_DIR, "soft"));
	wt_show("path_symlink(sub <- dirlink)", __wasi_path_symlink("sub", WT_DIR, "dirlink"));
	wt_show("path_symlink(dangling)", __wasi_path_symlink("nowhere", WT_DIR, "dangling"));
	wt_show("path_symlink(onto existing)", __wasi_path_symlink("x", WT_DIR, "soft"));
	wt_show("path_symlink(new name with a slash)", __wasi_path_symlink("x", WT_DIR, "fresh/"));
	stat_type("path_filestat_get(soft)", 0, "soft");
	stat_type("path_filestat_get(soft, follow)", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "soft");
	stat_type("path_filestat_get(dirlink/f)", 0, "dirlink/f");
	stat_type("path_filestat_get(dirlink/)", 0, "dirlink/");
	stat_type("path_filestat_get(dangling, follow)", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangling");
	memset(buf, 0, sizeof(buf));
	wt_show("path_readlink(soft)", __wasi_path_readlink(WT_DIR, "soft", (uint8_t *)buf, sizeof(buf), &n));
	printf("readlink: %.*s (%u)\n", (int)n, buf, (unsigned)n);
	memset(buf, 0, sizeof(buf));
	wt_show("path_readlink(soft, short buffer)", __wasi_path_readlink(WT_DIR, "soft", (uint8_t *)buf, 3, &n));
	printf("readlink: %s (%u)\n", buf, (unsigned)n);
	wt_show("path_readlink(a file)", __wasi_path_readlink(WT_DIR, "sub/f", (uint8_t *)buf, sizeof(buf), &n));
	wt_show("path_open(soft, nofollow)", __wasi_path_open(WT_DIR, 0, "soft", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
	wt_show("path_open(soft, follow)",
		__wasi_path_open(WT_DIR, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "soft", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
	memset(buf, 0, sizeof(buf));
	{
		__wasi_iovec_t in = { (uint8_t *)buf, sizeof(buf) - 1 };
		(void)__wasi_fd_read(fd, &in, 1, &n);
	}
	printf("read through the symlink: %s\n", buf);
	(void)__wasi_fd_close(fd);
	wt_show("path_open(dirlink, DIRECTORY, follow)",
		__wasi_path_open(WT_DIR, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dirlink", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
	(void)__wasi_fd_close(fd);
	wt_show("path_open(dirlink, DIRECTORY, nofollow)",
		__wasi_path_open(WT_DIR, 0, "dirlink", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
	wt_show("path_open(dangling, follow)", wt_open(WT_DIR, "dangling", 0, &fd));
	wt_show("path_open(dangling, follow, create)", wt_open(WT_DIR, "dangling", __WASI_OFLAGS_CREAT, &fd));
	(void)__wasi_fd_close(fd);
	stat_type("created through the dangling link", 0, "nowhere");
	wt_show("path_symlink(loop)", __wasi_path_symlink("loop", WT_DIR, "loop"));
	wt_show("path_open(loop, follow)", wt_open(WT_DIR, "loop", 0, &fd));
	wt_show("path_open(loop/x)", wt_open(WT_DIR, "loop/x", 0, &fd));

	/* times on the link itself, then on its target */
	wt_show("path_filestat_set_times(soft, nofollow)",
		__wasi_path_filestat_set_times(WT_DIR, 0, "soft", 0, 3000000000000000ull, __WASI_FSTFLAGS_MTIM));
	wt_show("path_filestat_set_times(soft, follow)",
		__wasi_path_filestat_set_times(WT_DIR, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "soft", 0,
					       4000000000000000ull, __WASI_FSTFLAGS_MTIM));
	(void)__wasi_path_filestat_get(WT_DIR, 0, "soft", &st);
	(void)__wasi_path_filestat_get(WT_DIR, 0, "sub/f", &st2);
	printf("mtim: link %llu target %llu\n", (unsigned long long)st.mtim, (unsigned long long)st2.mtim);
	wt_show("path_filestat_set_times(ATIM|ATIM_NOW)",
		__wasi_path_filestat_set_times(WT_DIR, 0, "sub/f", 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
	wt_show("path_filestat_set_times(unknown flag)",
		__wasi_path_filestat_set_times(WT_DIR, 0, "sub/f", 0, 0, 0x10));

	/* links to links, trailing slashes */
	wt_show("path_link(soft -> hardsoft)", __wasi_path_link(WT_DIR, 0, "soft", WT_DIR, "hardsoft"));
	stat_type("path_filestat_get(hardsoft)", 0, "hardsoft");
	wt_show("path_link(soft, follow -> hardf)",
		__wasi_path_link(WT_DIR, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "soft", WT_DIR, "hardf"));
	stat_type("path_filestat_get(hardf)", 0, "hardf");
	wt_show("path_unlink_file(soft/)", __wasi_path_unlink_file(WT_DIR, "soft/"));
	wt_show("path_remove_directory(dirlink)", __wasi_path_remove_directory(WT_DIR, "dirlink"));
	wt_show("path_remove_directory(dirlink/)", __wasi_path_remove_directory(WT_DIR, "dirlink/"));
	wt_show("path_rename(dirlink -> moved)", __wasi_path_rename(WT_DIR, "dirlink", WT_DIR, "moved"));
	stat_type("path_filestat_get(moved/f)", 0, "moved/f");
	wt_show("path_unlink_file(moved)", __wasi_path_unlink_file(WT_DIR, "moved"));
	stat_type("the directory stays", 0, "sub");
	return 0;
}
