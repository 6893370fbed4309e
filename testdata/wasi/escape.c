/* escape.c - attempts to reach outside the preopened directory (fd 3).
 * The test sets the box up on the host: a file inside.txt, a directory
 * sub, and symlinks passwd -> /etc/passwd, etc -> /etc, up ->
 * ../secret.txt, updir -> .., sneaky -> sub/../../secret.txt; and
 * secret.txt next to the box.  Every attempt must be refused (prints
 * "refused" for ENOTCAPABLE or EPERM) and nothing outside may change. */
#include <stdint.h>

#include "wt.h"

static void try_open(const char *label, __wasi_lookupflags_t fl, const char *path, __wasi_oflags_t of)
{
	__wasi_fd_t fd;
	int e = __wasi_path_open(WT_DIR, fl, path, of, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);

	if (e == 0) {
		printf("%s: OPENED\n", label);
		(void)__wasi_fd_close(fd);
	} else {
		wt_refused(label, e);
	}
}

static void try_stat(const char *label, __wasi_lookupflags_t fl, const char *path)
{
	__wasi_filestat_t st;

	wt_refused(label, __wasi_path_filestat_get(WT_DIR, fl, path, &st));
}

int main(void)
{
	const __wasi_lookupflags_t F = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
	char buf[64];
	__wasi_size_t n;

	try_open("open ../secret.txt", F, "../secret.txt", 0);
	try_open("open /etc/passwd", F, "/etc/passwd", 0);
	try_open("open sub/../../secret.txt", F, "sub/../../secret.txt", 0);
	try_open("open sub/../../../../../../etc/passwd", F, "sub/../../../../../../etc/passwd", 0);
	try_open("open .. as a directory", F, "..", __WASI_OFLAGS_DIRECTORY);
	try_open("open passwd (symlink to /etc/passwd)", F, "passwd", 0);
	try_open("open passwd without following", 0, "passwd", 0);
	try_open("open etc/passwd (through a symlink to /etc)", F, "etc/passwd", 0);
	try_open("open up (symlink to ../secret.txt)", F, "up", 0);
	try_open("open updir/secret.txt (symlink to ..)", F, "updir/secret.txt", 0);
	try_open("open sneaky (sub/../../secret.txt)", F, "sneaky", 0);
	try_open("create ../created.txt", F, "../created.txt", __WASI_OFLAGS_CREAT);
	try_open("create through updir", F, "updir/created.txt", __WASI_OFLAGS_CREAT);
	try_open("truncate through up", F, "up", __WASI_OFLAGS_TRUNC);
	try_stat("stat ../secret.txt", 0, "../secret.txt");
	try_stat("stat etc (follow)", F, "etc");
	try_stat("stat up (follow)", F, "up");
	wt_refused("set times on ../secret.txt",
		   __wasi_path_filestat_set_times(WT_DIR, 0, "../secret.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
	wt_refused("set times through up",
		   __wasi_path_filestat_set_times(WT_DIR, F, "up", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
	wt_refused("rename inside.txt to ../stolen.txt", __wasi_path_rename(WT_DIR, "inside.txt", WT_DIR, "../stolen.txt"));
	wt_refused("rename inside.txt to updir/stolen.txt", __wasi_path_rename(WT_DIR, "inside.txt", WT_DIR, "updir/stolen.txt"));
	wt_refused("rename ../secret.txt in", __wasi_path_rename(WT_DIR, "../secret.txt", WT_DIR, "mine.txt"));
	wt_refused("hard link inside.txt to ../hard.txt", __wasi_path_link(WT_DIR, 0, "inside.txt", WT_DIR, "../hard.txt"));
	wt_refused("hard link ../secret.txt in", __wasi_path_link(WT_DIR, 0, "../secret.txt", WT_DIR, "got.txt"));
	wt_refused("hard link through up (follow)", __wasi_path_link(WT_DIR, F, "up", WT_DIR, "got.txt"));
	wt_refused("hard link through passwd (follow)", __wasi_path_link(WT_DIR, F, "passwd", WT_DIR, "got.txt"));
	wt_refused("symlink to /etc/passwd", __wasi_path_symlink("/etc/passwd", WT_DIR, "mine"));
	wt_show("symlink to ../secret.txt (made, never followed out)", __wasi_path_symlink("../secret.txt", WT_DIR, "mine2"));
	try_open("open mine2", F, "mine2", 0);
	wt_refused("mkdir ../newdir", __wasi_path_create_directory(WT_DIR, "../newdir"));
	wt_refused("mkdir updir/newdir", __wasi_path_create_directory(WT_DIR, "updir/newdir"));
	wt_refused("unlink ../secret.txt", __wasi_path_unlink_file(WT_DIR, "../secret.txt"));
	wt_refused("rmdir ..", __wasi_path_remove_directory(WT_DIR, ".."));
	wt_refused("readlink ../x", __wasi_path_readlink(WT_DIR, "../x", (uint8_t *)buf, sizeof(buf), &n));
	memset(buf, 0, sizeof(buf));
	wt_show("readlink passwd (its text is data in the box)",
		__wasi_path_readlink(WT_DIR, "passwd", (uint8_t *)buf, sizeof(buf) - 1, &n));
	printf("passwd -> %s\n", buf);
	{
		static const char p[] = "inside.txt\0/../../x";
		__wasi_fd_t fd2;
		wt_show("a NUL inside the path",
			raw_path_open(WT_DIR, 0, (int32_t)p, sizeof(p) - 1, 0, __WASI_RIGHTS_FD_READ, 0, 0,
				      (int32_t)&fd2));
	}
	try_open("open sub/../inside.txt (stays inside)", F, "sub/../inside.txt", 0);
	{
		__wasi_fd_t sub, x;
		int e = __wasi_path_open(WT_DIR, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_PATH_OPEN,
					 __WASI_RIGHTS_FD_READ, 0, &sub);
		wt_show("open sub", e);
		wt_refused("from sub: ../inside.txt",
			   __wasi_path_open(sub, 0, "../inside.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &x));
	}
	return 0;
}
