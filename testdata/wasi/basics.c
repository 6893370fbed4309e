/* basics.c - args, environ, clocks, random, sched_yield, proc_exit: the
 * WASI calls that touch no descriptor.  argv[1], when given, is the exit
 * status to end with through proc_exit. */
#include <stdint.h>
#include <stdlib.h>

#include "wt.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	__wasi_size_t n, size;
	char *buf, **vec;
	__wasi_timestamp_t t, t2, res;
	uint8_t rnd[1024];
	int i, nonzero = 0;

	/* args: what libc got, and what the raw calls report */
	printf("argc: %d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv[%d]: %s\n", i, argv[i]);
	wt_show("args_sizes_get", __wasi_args_sizes_get(&n, &size));
	vec = calloc(n + 1, sizeof(char *));
	buf = malloc(size);
	wt_show("args_get", __wasi_args_get((uint8_t **)vec, (uint8_t *)buf));
	printf("args agree: %s\n", (int)n == argc && !strcmp(vec[n - 1], argv[argc - 1]) ? "yes" : "no");
	free(vec);
	free(buf);

	/* environ: exactly what the host was told, sorted for the comparison */
	wt_show("environ_sizes_get", __wasi_environ_sizes_get(&n, &size));
	vec = calloc(n + 1, sizeof(char *));
	buf = malloc(size ? size : 1);
	wt_show("environ_get", __wasi_environ_get((uint8_t **)vec, (uint8_t *)buf));
	qsort(vec, n, sizeof(char *), cmp);
	printf("environ count: %u\n", (unsigned)n);
	for (i = 0; i < (int)n; i++)
		printf("env: %s\n", vec[i]);
	printf("getenv(HOME): %s\n", getenv("HOME") ? getenv("HOME") : "(unset)");
	free(vec);
	free(buf);

	/* clocks */
	for (i = 0; i < 4; i++) {
		char label[64];
		snprintf(label, sizeof(label), "clock_res_get(%d)", i);
		wt_show(label, __wasi_clock_res_get((__wasi_clockid_t)i, &res));
		printf("clock %d resolution sane: %s\n", i, res > 0 && res <= 1000000000ull ? "yes" : "no");
		snprintf(label, sizeof(label), "clock_time_get(%d)", i);
		wt_show(label, __wasi_clock_time_get((__wasi_clockid_t)i, 1, &t));
	}
	wt_show("clock_res_get(bad id)", __wasi_clock_res_get(99, &res));
	wt_show("clock_time_get(bad id)", __wasi_clock_time_get(99, 1, &t));
	(void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t);
	printf("realtime after 2020: %s\n", t > 1577836800ull * 1000000000ull ? "yes" : "no");
	(void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
	(void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t2);
	printf("monotonic does not go back: %s\n", t2 >= t ? "yes" : "no");

	/* random */
	memset(rnd, 0, sizeof(rnd));
	wt_show("random_get(1024)", __wasi_random_get(rnd, sizeof(rnd)));
	for (i = 0; i < (int)sizeof(rnd); i++)
		nonzero += rnd[i] != 0;
	printf("random bytes vary: %s\n", nonzero > 900 ? "yes" : "no");
	wt_show("random_get(0)", __wasi_random_get(rnd, 0));

	wt_show("sched_yield", __wasi_sched_yield());
	fflush(stdout);
	if (argc > 1)
		__wasi_proc_exit((__wasi_exitcode_t)atoi(argv[1]));
	return 0;
}
