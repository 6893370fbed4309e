/*
 * wasi_path.c - path resolution strictly beneath a directory: what
 * resolves, what is refused (.., absolute paths, symlinks leading out,
 * loops), trailing slashes, the path checks, the operations' POSIX rules,
 * and that no descriptor leaks whatever the outcome.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "../../common/fs.h"
#include "../../runner/wasi_impl.h"

static char *top;
static int box = -1;

static void mk(const char *rel, int dir)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (dir)
		assert_int_equal(mkdir(p, 0755), 0);
	else
		assert_int_equal(close(open(p, O_CREAT | O_WRONLY, 0644)), 0);
}

static void ln(const char *target, const char *rel)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	char p[4096];

	(void)state;
	assert_int_equal(wp_fs_mkdtemp("wasi-path", &top), 0);
	mk("box", 1);
	mk("box/a", 1);
	mk("box/a/b", 1);
	mk("box/a/b/file", 0);
	mk("outside", 0);
	ln("/etc", "box/abs");
	ln("a/b", "box/rel");
	ln("../outside", "box/up");
	ln("..", "box/updir");
	ln("loop", "box/loop");
	ln("chain2", "box/chain1");
	ln("a", "box/chain2");
	ln("a/../../outside", "box/sneaky");
	snprintf(p, sizeof(p), "%s/box", top);
	box = open(p, O_RDONLY | O_DIRECTORY);
	assert_true(box >= 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(box);
	wp_fs_remove_tree(top);
	free(top);
	return 0;
}

/* Resolve and return the errno; on success check the name. */
static uint16_t res(const char *path, int follow, const char *name)
{
	struct wasi_path p;
	uint16_t err = wasi_path_resolve(box, path, follow, &p);

	if (!err && name)
		assert_string_equal(p.name, name);
	wasi_path_release(&p);
	return err;
}

static void test_inside(void **state)
{
	struct wasi_path p;
	struct stat a, b;
	char want[4096];

	(void)state;
	assert_int_equal(wasi_path_resolve(box, "a/b/file", 0, &p), 0);
	assert_string_equal(p.name, "file");
	assert_true(p.owned);
	assert_int_equal(fstatat(p.dirfd, p.name, &a, AT_SYMLINK_NOFOLLOW), 0);
	snprintf(want, sizeof(want), "%s/box/a/b/file", top);
	assert_int_equal(stat(want, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino); /* the very file */
	wasi_path_release(&p);
	assert_int_equal(res("a/../a/./b//file", 0, "file"), 0);
	assert_int_equal(res("rel/file", 0, "file"), 0);      /* relative symlink inside */
	assert_int_equal(res("chain1/b/file", 0, "file"), 0); /* a chain of them */
	assert_int_equal(res("a", 0, "a"), 0);
	assert_int_equal(res(".", 0, "."), 0);
	assert_int_equal(res("a/..", 0, "."), 0);
	assert_int_equal(wasi_path_resolve(box, "file-to-create", 0, &p), 0);
	assert_false(p.owned); /* the start directory itself: not ours to close */
	assert_int_equal(p.dirfd, box);
	wasi_path_release(&p);
}

static void test_refused(void **state)
{
	(void)state;
	assert_int_equal(res("..", 0, NULL), WASI_ENOTCAPABLE);
	assert_int_equal(res("../outside", 0, NULL), WASI_ENOTCAPABLE);
	assert_int_equal(res("a/../..", 0, NULL), WASI_ENOTCAPABLE);
	assert_int_equal(res("a/b/../../../box/a", 0, NULL), WASI_ENOTCAPABLE);
	assert_int_equal(res("/etc/passwd", 0, NULL), WASI_ENOTCAPABLE);
	assert_int_equal(res("abs/passwd", 0, NULL), WASI_ENOTCAPABLE);
	assert_int_equal(res("abs", 1, NULL), WASI_ENOTCAPABLE);
	assert_int_equal(res("up", 1, NULL), WASI_ENOTCAPABLE);
	assert_int_equal(res("updir/outside", 0, NULL), WASI_ENOTCAPABLE);
	assert_int_equal(res("sneaky", 1, NULL), WASI_ENOTCAPABLE);
	/* without following, the link itself is the answer (it stays inside) */
	assert_int_equal(res("up", 0, "up"), 0);
	assert_int_equal(res("abs", 0, "abs"), 0);
}

static void test_errors(void **state)
{
	char longname[300], longpath[WASI_PATH_MAX + 10];

	(void)state;
	assert_int_equal(res("loop", 1, NULL), WASI_ELOOP);
	assert_int_equal(res("loop/x", 0, NULL), WASI_ELOOP);
	assert_int_equal(res("a/b/file/x", 0, NULL), WASI_ENOTDIR);
	assert_int_equal(res("nothere/x", 0, NULL), WASI_ENOENT);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(res(longname, 0, NULL), WASI_ENAMETOOLONG);
	memset(longpath, 'a', sizeof(longpath) - 1);
	for (size_t i = 100; i < sizeof(longpath) - 1; i += 100)
		longpath[i] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(res(longpath, 0, NULL), WASI_ENAMETOOLONG);
}

static void test_trailing(void **state)
{
	struct wasi_path p;

	(void)state;
	assert_int_equal(wasi_path_resolve(box, "a//", 0, &p), 0);
	assert_string_equal(p.name, "a");
	assert_true(p.trailing);
	wasi_path_release(&p);
	assert_int_equal(wasi_path_resolve(box, "a/b/file", 0, &p), 0);
	assert_false(p.trailing);
	wasi_path_release(&p);
	/* following "rel/" lands on the directory it names */
	assert_int_equal(wasi_path_resolve(box, "rel/", 1, &p), 0);
	assert_string_equal(p.name, "b");
	assert_true(p.trailing);
	wasi_path_release(&p);
}

static void test_check(void **state)
{
	(void)state;
	assert_int_equal(wasi_path_check("ok/ü", strlen("ok/ü")), 0);
	assert_int_equal(wasi_path_check("", 0), WASI_ENOENT);
	assert_int_equal(wasi_path_check("a\0b", 3), WASI_EINVAL);
	assert_int_equal(wasi_path_check("\xff", 1), WASI_EILSEQ);
	assert_int_equal(wasi_path_check("\xc0\xaf", 2), WASI_EILSEQ);     /* overlong '/' */
	assert_int_equal(wasi_path_check("\xed\xa0\x80", 3), WASI_EILSEQ); /* a surrogate */
	assert_int_equal(wasi_path_check("\xe2\x82", 2), WASI_EILSEQ);     /* cut short */
	assert_int_equal(wasi_path_check("\xf4\x90\x80\x80", 4), WASI_EILSEQ); /* > U+10FFFF */
}

static uint16_t op(const char *path, int follow, uint16_t (*fn)(const struct wasi_path *))
{
	struct wasi_path p;
	uint16_t err = wasi_path_resolve(box, path, follow, &p);

	if (!err)
		err = fn(&p);
	wasi_path_release(&p);
	return err;
}

static void test_operations(void **state)
{
	struct wasi_path a, b;
	struct wasi_filestat st;

	(void)state;
	assert_int_equal(op("d", 0, wasi_path_mkdir), 0);
	assert_int_equal(op("d", 0, wasi_path_mkdir), WASI_EEXIST);
	assert_int_equal(op("d/", 0, wasi_path_unlink), WASI_EISDIR);
	assert_int_equal(op("d", 0, wasi_path_unlink), WASI_EISDIR);
	assert_int_equal(op("a/b/file/", 0, wasi_path_unlink), WASI_ENOTDIR);
	assert_int_equal(op("a/b/file", 0, wasi_path_rmdir), WASI_ENOTDIR);
	assert_int_equal(op("a", 0, wasi_path_rmdir), WASI_ENOTEMPTY);
	/* symlink: a new name with a slash is ENOENT when free, EEXIST when taken */
	assert_int_equal(wasi_path_resolve(box, "new/", 0, &a), 0);
	assert_int_equal(wasi_path_symlink("x", &a), WASI_ENOENT);
	wasi_path_release(&a);
	assert_int_equal(wasi_path_resolve(box, "d/", 0, &a), 0);
	assert_int_equal(wasi_path_symlink("x", &a), WASI_EEXIST);
	wasi_path_release(&a);
	/* rename a directory with trailing slashes on both sides */
	assert_int_equal(wasi_path_resolve(box, "d/", 0, &a), 0);
	assert_int_equal(wasi_path_resolve(box, "e/", 0, &b), 0);
	assert_int_equal(wasi_path_rename(&a, &b), 0);
	wasi_path_release(&a);
	wasi_path_release(&b);
	/* a file with a trailing slash cannot be renamed or linked */
	assert_int_equal(wasi_path_resolve(box, "a/b/file/", 0, &a), 0);
	assert_int_equal(wasi_path_resolve(box, "f2", 0, &b), 0);
	assert_int_equal(wasi_path_rename(&a, &b), WASI_ENOTDIR);
	assert_int_equal(wasi_path_link(&a, &b), WASI_ENOTDIR);
	wasi_path_release(&a);
	wasi_path_release(&b);
	/* stat never follows the last component by itself */
	assert_int_equal(wasi_path_resolve(box, "up", 0, &a), 0);
	assert_int_equal(wasi_path_stat(&a, &st), 0);
	assert_int_equal(st.filetype, WASI_FILETYPE_SYMBOLIC_LINK);
	wasi_path_release(&a);
	assert_int_equal(op("e", 0, wasi_path_rmdir), 0);
}

static void test_no_leaks(void **state)
{
	static const char *const paths[] = { "a/b/file", "rel/file", "chain1/b", "..", "a/../..",
					     "abs/passwd", "loop/x", "a/b/file/x", "sneaky", "up" };
	int before = unit_open_fds(), i, k;

	(void)state;
	for (k = 0; k < 50; k++)
		for (i = 0; i < (int)(sizeof(paths) / sizeof(paths[0])); i++) {
			res(paths[i], 1, NULL);
			res(paths[i], 0, NULL);
		}
	assert_int_equal(unit_open_fds(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inside),     cmocka_unit_test(test_refused),
		cmocka_unit_test(test_errors),     cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_check),      cmocka_unit_test(test_operations),
		cmocka_unit_test(test_no_leaks),
	};
	return cmocka_run_group_tests_name("wasi_path", tests, setup, teardown);
}
