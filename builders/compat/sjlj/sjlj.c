/*
 * The runtime LLVM's WebAssembly setjmp/longjmp lowering calls (clang 16,
 * -mllvm -wasm-enable-sjlj), written for wasmpack from the lowering's
 * contract:
 *
 *  - a function calling setjmp keeps a table of (setjmp id, label) pairs,
 *    ended by id 0; saveSetjmp(env, label, table, size) gives env a new
 *    id, records it with the label of the call site and returns the
 *    table (grown with realloc when full), the new size via getTempRet0;
 *  - testSetjmp(id, table, size) is the label recorded for id in this
 *    function's table, 0 when the jump is for another function;
 *  - longjmp(env, val) becomes __wasm_longjmp(env, val), which throws
 *    {env, val} with the C longjmp tag; the function that called setjmp
 *    catches it, looks the id up and resumes there, or rethrows.
 *
 * Compiled with -mllvm -wasm-enable-sjlj, so this object defines the tag
 * (__c_longjmp) the throw below refers to.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../src/compat.h"

COMPAT_MARK("setjmp")

struct sjlj_entry {
	uint32_t id, label;
};

struct sjlj_args {
	void *env;
	int val;
};

static uint32_t temp_ret, last_id;
static struct sjlj_args thrown;

uint32_t getTempRet0(void);
void setTempRet0(uint32_t v);
struct sjlj_entry *saveSetjmp(uint32_t *env, uint32_t label, struct sjlj_entry *table, uint32_t size);
uint32_t testSetjmp(uint32_t id, const struct sjlj_entry *table, uint32_t size);
_Noreturn void __wasm_longjmp(void *env, int val);

uint32_t getTempRet0(void)
{
	return temp_ret;
}

void setTempRet0(uint32_t v)
{
	temp_ret = v;
}

struct sjlj_entry *saveSetjmp(uint32_t *env, uint32_t label, struct sjlj_entry *table, uint32_t size)
{
	uint32_t i;

	compat_used();
	*env = ++last_id;
	for (;;) {
		for (i = 0; i < size; i++) {
			if (table[i].id == 0) {
				table[i].id = last_id;
				table[i].label = label;
				table[i + 1].id = 0;
				temp_ret = size;
				return table;
			}
		}
		/* full: twice the room, plus the end marker */
		if (!(table = realloc(table, sizeof(*table) * (2 * (size_t)size + 1))))
			abort();
		size *= 2;
	}
}

uint32_t testSetjmp(uint32_t id, const struct sjlj_entry *table, uint32_t size)
{
	uint32_t i;

	for (i = 0; i < size && table[i].id; i++)
		if (table[i].id == id)
			return table[i].label;
	return 0;
}

_Noreturn void __wasm_longjmp(void *env, int val)
{
	/* longjmp(env, 0) returns 1 from setjmp, as C says */
	thrown.env = env;
	thrown.val = val ? val : 1;
	__builtin_wasm_throw(1, &thrown);
}
