/* dirs.c - the path_* calls and fd_readdir in the preopened directory
 * (fd 3): directories, hard links, renames, stats and times through paths,
 * removal, and the errors POSIX gives for the usual mistakes.  Symlinks
 * are in symlinks.c. */
#include <stdint.h>
#include <stdlib.h>

#include "wt.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* List a directory through fd_readdir with a small buffer (entries are
 * cut at its end and read again), sorted; "." and ".." included. */
static void list(__wasi_fd_t dir, const char *label)
{
	uint8_t buf[40];
	char *names[64];
	int n = 0, i, calls = 0;
	__wasi_dircookie_t cookie = 0;
	__wasi_size_t used;

	for (;;) {
		if (++calls > 64 || n >= 60) { /* a host whose cookies go round in circles */
			printf("%s: does not end\n", label);
			return;
		}
		size_t off = 0;
		int e = __wasi_fd_readdir(dir, buf, sizeof(buf), cookie, &used);
		if (e) {
			wt_show(label, e);
			return;
		}
		while (off + sizeof(__wasi_dirent_t) <= used) {
			__wasi_dirent_t d;
			memcpy(&d, buf + off, sizeof(d));
			if (off + sizeof(d) + d.d_namlen > used)
				break; /* cut: read it again from its cookie */
			names[n] = calloc(1, d.d_namlen + 3);
			memcpy(names[n], buf + off + sizeof(d), d.d_namlen);
			strcat(names[n], d.d_type == __WASI_FILETYPE_DIRECTORY ? "/" : d.d_type == __WASI_FILETYPE_SYMBOLIC_LINK ? "@" : "");
			n++;
			cookie = d.d_next;
			off += sizeof(d) + d.d_namlen;
		}
		if (used < sizeof(buf))
			break;
	}
	qsort(names, n, sizeof(char *), cmp);
	printf("%s:", label);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void stat_type(const char *label, __wasi_lookupflags_t fl, const char *path)
{
	__wasi_filestat_t st;
	int e = __wasi_path_filestat_get(WT_DIR, fl, path, &st);

	if (e)
		wt_show(label, e);
	else if (st.filetype == __WASI_FILETYPE_REGULAR_FILE)
		printf("%s: type %d size %llu\n", label, st.filetype, (unsigned long long)st.size);
	else /* a directory's size depends on the file system */
		printf("%s: type %d\n", label, st.filetype);
}

int main(void)
{
	__wasi_fd_t fd, sub;
	__wasi_fdstat_t fdst;
	__wasi_filestat_t st, st2;
	__wasi_size_t n;
	__wasi_ciovec_t v = { (const uint8_t *)"0123456789", 10 };

	wt_show("path_create_directory(sub)", __wasi_path_create_directory(WT_DIR, "sub"));
	wt_show("path_create_directory(sub) again", __wasi_path_create_directory(WT_DIR, "sub"));
	wt_show("path_create_directory(sub/deeper)", __wasi_path_create_directory(WT_DIR, "sub/deeper"));
	wt_show("path_open(sub/f, create)", wt_open(WT_DIR, "sub/f", __WASI_OFLAGS_CREAT, &fd));
	(void)__wasi_fd_write(fd, &v, 1, &n);
	(void)__wasi_fd_close(fd);
	wt_show("path_open(sub/f, create+excl)", wt_open(WT_DIR, "sub/f", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, &fd));
	wt_show("path_open(missing)", wt_open(WT_DIR, "missing", 0, &fd));
	wt_show("path_open(sub/f/x)", wt_open(WT_DIR, "sub/f/x", 0, &fd));
	wt_show("path_open(sub/f, DIRECTORY)", wt_open(WT_DIR, "sub/f", __WASI_OFLAGS_DIRECTORY, &fd));
	stat_type("path_filestat_get(sub)", 0, "sub");
	stat_type("path_filestat_get(sub/f)", 0, "sub/f");
	stat_type("path_filestat_get(sub/./deeper/../f)", 0, "sub/./deeper/../f");
	stat_type("path_filestat_get(nothing)", 0, "nothing");

	/* hard links */
	wt_show("path_link(sub/f -> hard)", __wasi_path_link(WT_DIR, 0, "sub/f", WT_DIR, "hard"));
	(void)__wasi_path_filestat_get(WT_DIR, 0, "hard", &st);
	(void)__wasi_path_filestat_get(WT_DIR, 0, "sub/f", &st2);
	printf("hard link: same inode %s, nlink %llu\n", st.ino == st2.ino ? "yes" : "no",
	       (unsigned long long)st.nlink);
	wt_show("path_link(onto existing)", __wasi_path_link(WT_DIR, 0, "sub/f", WT_DIR, "hard"));
	wt_show("path_link(a directory)", __wasi_path_link(WT_DIR, 0, "sub", WT_DIR, "dirlink"));

	/* times through a path */
	wt_show("path_filestat_set_times(sub/f)",
		__wasi_path_filestat_set_times(WT_DIR, 0, "sub/f", 3000000000000000ull, 4000000000000000ull,
					       __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
	(void)__wasi_path_filestat_get(WT_DIR, 0, "sub/f", &st2);
	printf("times: atim %llu mtim %llu\n", (unsigned long long)st2.atim, (unsigned long long)st2.mtim);

	/* readdir through a descriptor opened on the subdirectory */
	(void)__wasi_fd_fdstat_get(WT_DIR, &fdst);
	wt_show("path_open(sub, DIRECTORY)",
		__wasi_path_open(WT_DIR, 0, "sub", __WASI_OFLAGS_DIRECTORY,
				 __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_RENAME_SOURCE,
				 fdst.fs_rights_inheriting, 0, &sub));
	list(sub, "readdir(sub)");
	list(WT_DIR, "readdir(.)");
	wt_show("path_create_directory(through sub, no right)", __wasi_path_create_directory(sub, "nope"));

	/* renames */
	wt_show("path_rename(hard -> sub/moved)", __wasi_path_rename(WT_DIR, "hard", WT_DIR, "sub/moved"));
	wt_show("path_rename(missing)", __wasi_path_rename(WT_DIR, "missing", WT_DIR, "x"));
	wt_show("path_rename(dir onto file)", __wasi_path_rename(WT_DIR, "sub/deeper", WT_DIR, "sub/moved"));
	wt_show("path_rename(file onto dir)", __wasi_path_rename(WT_DIR, "sub/moved", WT_DIR, "sub/deeper"));
	wt_show("path_rename(through sub fd)", __wasi_path_rename(sub, "moved", WT_DIR, "back"));
	list(sub, "readdir(sub) after renames");

	/* removal */
	wt_show("path_remove_directory(non-empty)", __wasi_path_remove_directory(WT_DIR, "sub"));
	wt_show("path_remove_directory(a file)", __wasi_path_remove_directory(WT_DIR, "back"));
	wt_show("path_unlink_file(a directory)", __wasi_path_unlink_file(WT_DIR, "sub/deeper"));
	wt_show("path_unlink_file(missing)", __wasi_path_unlink_file(WT_DIR, "missing"));
	wt_show("path_unlink_file(back)", __wasi_path_unlink_file(WT_DIR, "back"));
	wt_show("path_unlink_file(sub/f)", __wasi_path_unlink_file(WT_DIR, "sub/f"));
	wt_show("path_remove_directory(sub/deeper)", __wasi_path_remove_directory(WT_DIR, "sub/deeper"));
	(void)__wasi_fd_close(sub);
	wt_show("path_remove_directory(sub)", __wasi_path_remove_directory(WT_DIR, "sub"));
	list(WT_DIR, "readdir(.) at the end");
	return 0;
}
