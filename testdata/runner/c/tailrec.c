/* A threaded interpreter in the style wasm3 uses: every handler ends by
 * tail-calling the next one, so the interpreter's C stack stays flat only
 * if the compiler emits real tail calls (clang -mtail-call: return_call
 * and return_call_indirect).  It runs a loop of 4 instructions 2,000,000
 * times: 8,000,000 handler calls, far deeper than any call stack. */
#include <stdio.h>

struct vm;
typedef long long (*handler)(struct vm *v, int pc, long long acc);

struct vm {
	const handler *code;
	long long left;
};

#define NEXT(v, pc, acc) __attribute__((musttail)) return (v)->code[pc]((v), (pc), (acc))

static long long op_add(struct vm *v, int pc, long long acc)
{
	NEXT(v, pc + 1, acc + 7);
}

static long long op_mix(struct vm *v, int pc, long long acc)
{
	NEXT(v, pc + 1, (acc * 31) % 1000003);
}

static long long op_xor(struct vm *v, int pc, long long acc)
{
	NEXT(v, pc + 1, acc ^ (v->left & 255));
}

static long long op_loop(struct vm *v, int pc, long long acc)
{
	(void)pc;
	if (--v->left == 0)
		return acc;
	NEXT(v, 0, acc);
}

int main(void)
{
	static const handler prog[] = { op_add, op_mix, op_xor, op_loop };
	struct vm v = { prog, 2000000 };
	long long acc = prog[0](&v, 0, 1);

	printf("handlers run: %lld\nresult: %lld\n", 4LL * 2000000, acc);
	return 0;
}
