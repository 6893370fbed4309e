/*
 * common_fs.c - wp_fs_read_file reads a file whole and NUL-terminated,
 * whether its size is known up front (a regular file: read in place) or
 * not (procfs reports 0: read through its bounce chunk), appends to what
 * the buffer holds, and refuses a file over the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/fs.h"

static char path[] = "/tmp/wasmpack-unit-fs.XXXXXX";

static int setup(void **state)
{
	uint8_t data[200000];
	size_t i;
	int fd = mkstemp(path);

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	if (fd < 0 || write(fd, data, sizeof(data)) != (ssize_t)sizeof(data))
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void test_regular(void **state)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	size_t i;

	(void)state;
	assert_int_equal(wp_buf_append(&b, "xy", 2), 0);
	assert_int_equal(wp_fs_read_file(path, 1 << 20, &b), 0);
	assert_int_equal(b.len, 2 + 200000);
	assert_memory_equal(b.data, "xy", 2);
	for (i = 0; i < 200000; i++)
		if (b.data[2 + i] != (uint8_t)(i * 7 + i / 251))
			fail_msg("byte %zu differs", i);
	assert_int_equal(b.data[b.len], 0);
	wp_buf_release(&b);
}

static void test_unknown_size(void **state)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);

	(void)state;
	assert_int_equal(wp_fs_read_file("/proc/self/status", 1 << 20, &b), 0);
	assert_true(b.len > 100);
	assert_non_null(strstr((char *)b.data, "Name:"));
	assert_int_equal(strlen((char *)b.data), b.len);
	wp_buf_release(&b);
}

static void test_too_big(void **state)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct wp_buf c = WP_BUF_INIT(1000);

	(void)state;
	assert_true(wp_fs_read_file(path, 199999, &b) < 0);
	assert_int_equal(wp_error_last_code(), WP_ETOOBIG);
	assert_true(wp_fs_read_file("/proc/self/status", 10, &b) < 0);
	assert_int_equal(wp_error_last_code(), WP_ETOOBIG);
	/* the buffer's own cap holds too */
	assert_true(wp_fs_read_file(path, 1 << 20, &c) < 0);
	assert_true(c.len <= 1000);
	wp_buf_release(&b);
	wp_buf_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regular),
		cmocka_unit_test(test_unknown_size),
		cmocka_unit_test(test_too_big),
	};
	return cmocka_run_group_tests_name("common_fs", tests, setup, teardown);
}
