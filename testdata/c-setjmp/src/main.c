/* Error recovery with setjmp/longjmp, as interpreters (Lua) and parsers
 * do it: wasi-libc has no setjmp.h; wasmpack builds it with the
 * WebAssembly exception-handling instructions (--exceptions). */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf on_error;
static int depth_reached;

static int parse(int depth, int fail_at)
{
	depth_reached = depth;
	if (depth == fail_at)
		longjmp(on_error, 100 + depth);
	return depth < 50 ? parse(depth + 1, fail_at) + 1 : 0;
}

static int protected_parse(int fail_at)
{
	jmp_buf saved;
	int r, code;

	/* nested protection: the outer handler survives the inner one */
	for (r = 0; r < (int)(sizeof(saved) / sizeof(saved[0])); r++)
		saved[r] = on_error[r];
	if ((code = setjmp(on_error)) == 0)
		r = parse(0, fail_at);
	else
		r = -code;
	for (code = 0; code < (int)(sizeof(saved) / sizeof(saved[0])); code++)
		on_error[code] = saved[code];
	return r;
}

int main(void)
{
	jmp_buf zero;
	volatile int pass = 0;
	int r, at[] = { -1, 7, 42 };
	unsigned i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		r = protected_parse(at[i]);
		printf("error at %d: %d (depth %d)\n", at[i], r, depth_reached);
	}
	if (setjmp(zero) < 3) {
		pass++;
		if (pass < 3)
			longjmp(zero, 0); /* setjmp then returns 1 */
	}
	printf("re-entered %d times\n", pass);
	return 0;
}
