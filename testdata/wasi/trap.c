/* trap.c - the ways a guest ends, picked by argv[1]: exit N, proc_exit N,
 * return N, unreachable, divzero, oob, stack, loop, sleep, read, grow.
 * Built at -O0: clang then keeps the "name" section (its -O2 runs
 * wasm-opt, which drops it) and does not fold the traps away. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "wt.h"

__attribute__((noinline)) static int divide(int a, int b)
{
	return a / b;
}

__attribute__((noinline)) static void crash_on_purpose(void)
{
	__builtin_trap();
}

__attribute__((noinline)) static void poke(uintptr_t addr)
{
	*(volatile int *)addr = 1;
}

__attribute__((noinline)) static int recurse(volatile int n)
{
	volatile char pad[64];
	pad[0] = (char)n;
	return recurse(n + 1) + pad[0];
}

__attribute__((noinline)) static void spin(void)
{
	volatile uint64_t i = 0;
	for (;;)
		i++;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	volatile int zero = 0;

	printf("mode %s\n", m);
	fflush(stdout);
	if (!strcmp(m, "exit"))
		exit(atoi(argv[2]));
	if (!strcmp(m, "proc_exit"))
		__wasi_proc_exit((__wasi_exitcode_t)strtoul(argv[2], NULL, 10));
	if (!strcmp(m, "return"))
		return atoi(argv[2]);
	if (!strcmp(m, "unreachable"))
		crash_on_purpose();
	if (!strcmp(m, "divzero"))
		return divide(1, zero);
	if (!strcmp(m, "oob"))
		poke(0xfffffff0u);
	if (!strcmp(m, "stack"))
		return recurse(0);
	if (!strcmp(m, "loop"))
		spin();
	if (!strcmp(m, "sleep")) {
		__wasi_subscription_t s;
		__wasi_event_t e;
		__wasi_size_t n;
		memset(&s, 0, sizeof(s));
		s.u.tag = __WASI_EVENTTYPE_CLOCK;
		s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
		s.u.u.clock.timeout = 60000000000ull;
		(void)__wasi_poll_oneoff(&s, &e, 1, &n);
	}
	if (!strcmp(m, "read")) {
		char c;
		(void)read(0, &c, 1);
	}
	if (!strcmp(m, "grow")) {
		size_t mb = 0;
		volatile char *p;
		while ((p = malloc(1 << 20)) != NULL) {
			p[0] = 1;
			mb++;
		}
		printf("malloc failed after %zu MiB\n", mb);
	}
	printf("returning 0\n");
	return 0;
}
