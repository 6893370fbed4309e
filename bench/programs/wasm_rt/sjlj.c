/*
 * The runtime clang 16's -mllvm -wasm-enable-sjlj lowering calls, for the
 * libc-less benchmark modules (builders/compat/sjlj/sjlj.c is the full
 * one wasmpack links into programs): malloc/free of the per-function
 * setjmp tables from a small pool, saveSetjmp/testSetjmp over (id,
 * label) pairs, and __wasm_longjmp throwing with the C longjmp tag.  Its
 * own translation unit: the lowering must see these as external.
 */
#include <stddef.h>

enum { POOL = 64, CELL = 64 };
static unsigned char pool[POOL][CELL];
static void *free_cells[POOL];
static unsigned nfree, used, tmp_ret, ids;
static struct { void *env; int val; } jump;

void *malloc(size_t n);
void free(void *p);
unsigned getTempRet0(void);
unsigned *saveSetjmp(unsigned *env, unsigned label, unsigned *table, unsigned size);
unsigned testSetjmp(unsigned id, const unsigned *table, unsigned size);
_Noreturn void __wasm_longjmp(void *env, int val);

void *malloc(size_t n)
{
	if (n > CELL)
		__builtin_trap();
	if (nfree)
		return free_cells[--nfree];
	if (used == POOL)
		__builtin_trap();
	return pool[used++];
}

void free(void *p)
{
	if (p)
		free_cells[nfree++] = p;
}

unsigned getTempRet0(void)
{
	return tmp_ret;
}

/* table: (id, label) pairs ended by id 0, room for `size` pairs */
unsigned *saveSetjmp(unsigned *env, unsigned label, unsigned *table, unsigned size)
{
	unsigned i = 0;

	*env = ++ids;
	while (i < size && table[2 * i])
		i++;
	if (i + 1 >= size)
		__builtin_trap(); /* one setjmp per function here: never full */
	table[2 * i] = ids;
	table[2 * i + 1] = label;
	table[2 * i + 2] = 0;
	tmp_ret = size;
	return table;
}

unsigned testSetjmp(unsigned id, const unsigned *table, unsigned size)
{
	for (unsigned i = 0; i < size && table[2 * i]; i++)
		if (table[2 * i] == id)
			return table[2 * i + 1];
	return 0;
}

_Noreturn void __wasm_longjmp(void *env, int val)
{
	jump.env = env;
	jump.val = val ? val : 1;
	__builtin_wasm_throw(1, &jump);
}
