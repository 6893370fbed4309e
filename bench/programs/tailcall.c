/* wasm-cflags: -mtail-call */
/* tail-call-heavy: a threaded bytecode interpreter whose handlers
 * tail-call the next one through a table (return_call_indirect in wasm
 * with -mtail-call; gcc -O2 makes them jumps), and a mutually recursive
 * pair of direct tail calls (return_call). */
#include "rt.h"

#if defined(__clang__)
#define TAIL __attribute__((musttail))
#else
#define TAIL
#endif

enum { OP_ADD, OP_MUL, OP_XOR, OP_DEC, OP_JNZ, OP_HALT };
typedef long long (*handler)(const unsigned char *pc, long long acc, long long n, int k);
static handler table[6];

#define NEXT_OP() TAIL return table[*pc](pc, acc, n, k)
__attribute__((noinline)) static long long op_add(const unsigned char *pc, long long acc, long long n, int k)
{
	acc += n + k;
	pc++;
	NEXT_OP();
}
__attribute__((noinline)) static long long op_mul(const unsigned char *pc, long long acc, long long n, int k)
{
	acc *= 3;
	pc++;
	NEXT_OP();
}
__attribute__((noinline)) static long long op_xor(const unsigned char *pc, long long acc, long long n, int k)
{
	acc ^= acc >> 7;
	pc++;
	NEXT_OP();
}
__attribute__((noinline)) static long long op_dec(const unsigned char *pc, long long acc, long long n, int k)
{
	n--;
	pc++;
	NEXT_OP();
}
__attribute__((noinline)) static long long op_jnz(const unsigned char *pc, long long acc, long long n, int k)
{
	pc = n ? pc - pc[1] : pc + 2;
	NEXT_OP();
}
__attribute__((noinline)) static long long op_halt(const unsigned char *pc, long long acc, long long n, int k)
{
	(void)pc;
	(void)n;
	return acc + k;
}

__attribute__((noinline)) static long long even(long long n, long long acc);
__attribute__((noinline)) static long long odd(long long n, long long acc)
{
	if (n == 0)
		return acc;
	TAIL return even(n - 1, acc * 7 + n);
}
__attribute__((noinline)) static long long even(long long n, long long acc)
{
	if (n == 0)
		return acc;
	TAIL return odd(n - 1, acc ^ (n << 3));
}

static const unsigned char program[] = { OP_ADD, OP_MUL, OP_XOR, OP_DEC, OP_JNZ, 4, OP_HALT };

EXPORT long long run(void)
{
	table[OP_ADD] = op_add;
	table[OP_MUL] = op_mul;
	table[OP_XOR] = op_xor;
	table[OP_DEC] = op_dec;
	table[OP_JNZ] = op_jnz;
	table[OP_HALT] = op_halt;
	return table[program[0]](program, 1, 12000000, 5) + even(60000000, 1);
}
MAIN(run)
