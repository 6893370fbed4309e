/* wasm-cflags: -mllvm -wasm-enable-sjlj */
/* wasm-no-opt: binaryen 108's wasm-opt cannot read the exception-handling instructions */
/* wasm-extra-sources: wasm_rt/sjlj.c */
/* exception-heavy: error recovery with setjmp/longjmp, as C parsers and
 * interpreters do it.  An evaluator recurses through a small expression
 * tree; one evaluation in three hits an error deep inside and longjmps
 * back to the loop, which also keeps a nested setjmp for retries.  In
 * wasm every longjmp is a throw of the C longjmp tag caught by the
 * function that called setjmp (the legacy try/catch form clang 16
 * emits), so the run is dominated by throwing and unwinding. */
#include "rt.h"

#ifdef __wasm__
/* no libc: the runtime the lowering calls is wasm_rt/sjlj.c */
typedef unsigned long jmp_buf[8];
int setjmp(jmp_buf) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf, int);
#else
#include <setjmp.h>
#endif

static jmp_buf *on_error;

__attribute__((noinline)) static long long eval(unsigned node, int depth, unsigned seed)
{
	unsigned v = seed * 2654435761u + node;

	if (depth == 0) {
		if (v % 3 == 0)
			longjmp(*on_error, (int)(v % 97) + 1);
		return v % 1000;
	}
	return eval(2 * node, depth - 1, seed) + (long long)(eval(2 * node + 1, depth - 1, seed) ^ depth);
}

__attribute__((noinline)) static long long attempt(unsigned seed, int depth)
{
	jmp_buf here, *saved = on_error;
	long long r;
	int err;

	if ((err = setjmp(here)) != 0) {
		on_error = saved;
		return -err;
	}
	on_error = &here;
	r = eval(1, depth, seed);
	on_error = saved;
	return r;
}

EXPORT long long run(void)
{
	long long sum = 0;
	unsigned i;

	for (i = 0; i < 300000; i++)
		sum += attempt(i, (int)(i % 6) + 1);
	return sum;
}

MAIN(run)
