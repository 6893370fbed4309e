/*
 * registry_retry.c - the retry schedule: which answers are retried,
 * exponential backoff from 0.5 s doubling to a 30 s cap with jitter, 5
 * tries, Retry-After honoured (capped), all configurable from the
 * environment.
 */
#include <stdlib.h>
#include <time.h>

#include "unit.h"

#include "../../registry/http.h"

static void test_defaults(void **state)
{
	struct reg_retry_policy p;

	(void)state;
	unsetenv("WASMPACK_RETRIES");
	unsetenv("WASMPACK_RETRY_BASE_MS");
	unsetenv("WASMPACK_RETRY_MAX_MS");
	reg_retry_policy_init(&p);
	assert_int_equal(p.attempts, 5);
	assert_int_equal(p.base_ms, 500);
	assert_int_equal(p.max_ms, 30000);
	setenv("WASMPACK_RETRIES", "2", 1);
	setenv("WASMPACK_RETRY_BASE_MS", "10", 1);
	setenv("WASMPACK_RETRY_MAX_MS", "nonsense", 1);
	reg_retry_policy_init(&p);
	assert_int_equal(p.attempts, 2);
	assert_int_equal(p.base_ms, 10);
	assert_int_equal(p.max_ms, 30000); /* a bad value keeps the default */
	setenv("WASMPACK_RETRIES", "0", 1);
	reg_retry_policy_init(&p);
	assert_int_equal(p.attempts, 5);
	unsetenv("WASMPACK_RETRIES");
	unsetenv("WASMPACK_RETRY_BASE_MS");
	unsetenv("WASMPACK_RETRY_MAX_MS");
}

static void test_schedule(void **state)
{
	struct reg_retry_policy p = { 5, 500, 30000 };

	(void)state;
	/* rnd = 1: the full delay; doubling from 0.5 s */
	assert_int_equal(reg_backoff_delay_ms(&p, 1, 1.0, -1), 500);
	assert_int_equal(reg_backoff_delay_ms(&p, 2, 1.0, -1), 1000);
	assert_int_equal(reg_backoff_delay_ms(&p, 3, 1.0, -1), 2000);
	assert_int_equal(reg_backoff_delay_ms(&p, 4, 1.0, -1), 4000);
	assert_int_equal(reg_backoff_delay_ms(&p, 7, 1.0, -1), 30000); /* capped */
	assert_int_equal(reg_backoff_delay_ms(&p, 40, 1.0, -1), 30000);
	/* jitter: between half and all of it */
	assert_int_equal(reg_backoff_delay_ms(&p, 3, 0.0, -1), 1000);
	assert_int_equal(reg_backoff_delay_ms(&p, 3, 0.5, -1), 1500);
	/* Retry-After raises the wait, never above the cap */
	assert_int_equal(reg_backoff_delay_ms(&p, 1, 1.0, 3000), 3000);
	assert_int_equal(reg_backoff_delay_ms(&p, 4, 1.0, 1000), 4000);
	assert_int_equal(reg_backoff_delay_ms(&p, 1, 1.0, 3600000), 30000);
}

static void test_retryable(void **state)
{
	static const long yes[] = { 408, 429, 500, 502, 503, 504 };
	static const long no[] = { 200, 201, 202, 400, 401, 403, 404, 405, 413, 416, 501 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(reg_status_retryable(yes[i]));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(reg_status_retryable(no[i]));
}

static void test_retry_after(void **state)
{
	time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */

	(void)state;
	assert_int_equal(reg_parse_retry_after("1", now), 1000);
	assert_int_equal(reg_parse_retry_after(" 120 ", now), 120000);
	assert_int_equal(reg_parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), 10000);
	assert_int_equal(reg_parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), 0);
	assert_int_equal(reg_parse_retry_after(NULL, now), -1);
	assert_int_equal(reg_parse_retry_after("soon", now), -1);
	assert_int_equal(reg_parse_retry_after("5x", now), -1);
	assert_int_equal(reg_parse_retry_after("-5", now), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_retryable),
		cmocka_unit_test(test_retry_after),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
