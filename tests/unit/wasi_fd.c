/*
 * wasi_fd.c - the descriptor table: stdio borrowed (never closed on the
 * host), preopens after it, rights checked and only ever narrowed, the
 * lowest free number reused, renumber and close, and every host
 * descriptor closed when the context goes.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"

#include "../../common/error.h"
#include "../../common/fs.h"
#include "../../runner/wasi_impl.h"

static struct wasi_ctx *ctx(const char *dir, int *pipefd)
{
	struct wasi_preopen po = { dir, "/sandbox" };
	const char *argv[] = { "prog" };
	struct wasi_config cfg;
	struct wasi_ctx *w = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.argv = argv;
	cfg.argc = 1;
	cfg.dirs = &po;
	cfg.ndirs = 1;
	cfg.stdio[0] = pipefd[0];
	cfg.stdio[1] = pipefd[1];
	cfg.stdio[2] = -1;
	assert_int_equal(wasi_ctx_new(&cfg, &w), 0);
	return w;
}

static void test_layout_and_rights(void **state)
{
	char *dir;
	int p[2], before = unit_open_fds();
	struct wasi_ctx *w;
	struct wasi_fd *e;
	uint32_t fd;

	(void)state;
	assert_int_equal(wp_fs_mkdtemp("wasi-fd", &dir), 0);
	assert_int_equal(pipe(p), 0);
	w = ctx(dir, p);
	/* 0, 1 stdio; 2 closed on the host, so closed here; 3 the preopen */
	assert_int_equal(wasi_fd_get(w, 0, WASI_RIGHT_FD_READ, &e), 0);
	assert_true(e->borrowed);
	assert_int_equal(wasi_fd_get(w, 2, 0, &e), WASI_EBADF);
	assert_int_equal(wasi_fd_get(w, 3, WASI_RIGHT_PATH_OPEN, &e), 0);
	assert_string_equal(e->preopen, "/sandbox");
	assert_int_equal(e->type, WASI_FILETYPE_DIRECTORY);
	assert_int_equal(e->inheriting, WASI_RIGHTS_ALL);
	/* a directory holds no data rights, a pipe no seek */
	assert_int_equal(wasi_fd_get(w, 3, WASI_RIGHT_FD_READ, &e), WASI_ENOTCAPABLE);
	assert_int_equal(wasi_fd_get(w, 3, WASI_RIGHT_FD_WRITE, &e), WASI_ENOTCAPABLE);
	assert_int_equal(wasi_fd_get(w, 0, WASI_RIGHT_FD_SEEK, &e), WASI_ENOTCAPABLE);
	assert_int_equal(wasi_fd_get(w, 4, 0, &e), WASI_EBADF);
	assert_int_equal(wasi_fd_get(w, UINT32_MAX, 0, &e), WASI_EBADF);

	/* rights only shrink */
	assert_int_equal(wasi_fd_set_rights(w, 3, WASI_RIGHT_PATH_OPEN | WASI_RIGHT_FD_READ, 0),
			 WASI_ENOTCAPABLE);
	assert_int_equal(wasi_fd_set_rights(w, 3, WASI_RIGHT_PATH_OPEN, WASI_RIGHT_FD_READ), 0);
	assert_int_equal(wasi_fd_get(w, 3, WASI_RIGHT_PATH_CREATE_FILE, &e), WASI_ENOTCAPABLE);
	assert_int_equal(wasi_fd_set_rights(w, 3, WASI_RIGHT_PATH_OPEN, WASI_RIGHT_FD_WRITE),
			 WASI_ENOTCAPABLE);

	/* closing borrowed stdio leaves the host's descriptor open */
	assert_int_equal(wasi_fd_close(w, 1), 0);
	assert_true(fcntl(p[1], F_GETFD) >= 0);
	assert_int_equal(wasi_fd_close(w, 1), WASI_EBADF);
	/* the lowest free number is used again */
	assert_int_equal(wasi_fd_add(w, dup(p[0]), WASI_FILETYPE_UNKNOWN, 0, 0, 0, &fd), 0);
	assert_int_equal(fd, 1);
	assert_int_equal(wasi_fd_add(w, dup(p[0]), WASI_FILETYPE_UNKNOWN, 0, 0, 0, &fd), 0);
	assert_int_equal(fd, 2);
	assert_int_equal(wasi_fd_add(w, dup(p[0]), WASI_FILETYPE_UNKNOWN, 0, 0, 0, &fd), 0);
	assert_int_equal(fd, 4);

	/* renumber: both ends must be open; the target's old host fd is closed */
	assert_int_equal(wasi_fd_renumber(w, 4, 9), WASI_EBADF);
	assert_int_equal(wasi_fd_renumber(w, 9, 4), WASI_EBADF);
	assert_int_equal(wasi_fd_renumber(w, 4, 4), 0);
	assert_int_equal(wasi_fd_renumber(w, 4, 3), 0);
	assert_int_equal(wasi_fd_get(w, 4, 0, &e), WASI_EBADF);
	assert_int_equal(wasi_fd_get(w, 3, 0, &e), 0);
	assert_null(e->preopen); /* fd 3 is no longer the preopen */

	wasi_ctx_free(w);
	assert_true(fcntl(p[0], F_GETFD) >= 0); /* stdio stays the host's */
	close(p[0]);
	close(p[1]);
	assert_int_equal(unit_open_fds(), before); /* every descriptor we opened is closed */
	wp_fs_remove_tree(dir);
	free(dir);
}

static void test_type_rights(void **state)
{
	uint64_t b, i;

	(void)state;
	wasi_fd_type_rights(WASI_FILETYPE_REGULAR_FILE, 0, &b, &i);
	assert_true(b & WASI_RIGHT_FD_SEEK);
	assert_false(b & WASI_RIGHT_PATH_OPEN);
	assert_int_equal(i, 0);
	wasi_fd_type_rights(WASI_FILETYPE_CHARACTER_DEVICE, 1, &b, &i);
	assert_false(b & (WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL)); /* what isatty() looks for */
	assert_true(b & WASI_RIGHT_FD_WRITE);
	wasi_fd_type_rights(WASI_FILETYPE_CHARACTER_DEVICE, 0, &b, &i);
	assert_true(b & WASI_RIGHT_FD_SEEK); /* /dev/null is no terminal */
	wasi_fd_type_rights(WASI_FILETYPE_SOCKET_STREAM, 0, &b, &i);
	assert_true(b & WASI_RIGHT_SOCK_SHUTDOWN);
	wasi_fd_type_rights(WASI_FILETYPE_DIRECTORY, 0, &b, &i);
	assert_false(b & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_DATASYNC));
	assert_true(b & WASI_RIGHT_PATH_FILESTAT_SET_SIZE);
}

static void test_bad_preopen(void **state)
{
	struct wasi_preopen po = { "/nonexistent/wasmpack", "x" };
	struct wasi_config cfg;
	struct wasi_ctx *w = (struct wasi_ctx *)1;
	int sv[2], before;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	before = unit_open_fds();
	memset(&cfg, 0, sizeof(cfg));
	cfg.dirs = &po;
	cfg.ndirs = 1;
	cfg.sockets = sv;
	cfg.nsockets = 1;
	cfg.stdio[0] = cfg.stdio[1] = cfg.stdio[2] = -1;
	assert_int_equal(wasi_ctx_new(&cfg, &w), WP_ENOTFOUND);
	assert_null(w);
	assert_non_null(strstr(wp_error_last(), "/nonexistent/wasmpack"));
	/* the socket handed over is closed even though the set-up failed */
	assert_int_equal(unit_open_fds(), before - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_and_rights),
		cmocka_unit_test(test_type_rights),
		cmocka_unit_test(test_bad_preopen),
	};
	return cmocka_run_group_tests_name("wasi_fd", tests, NULL, NULL);
}
