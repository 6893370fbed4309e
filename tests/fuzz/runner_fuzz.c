/*
 * runner_fuzz.c - libFuzzer target over the whole engine: decode,
 * validate, compile (every function, not only the ones called), instantiate (every function import satisfied by a
 * host function that returns zeros) and call every exported function
 * with zero arguments, under bounded fuel, memory and call depth.
 * Anything but a clean error or trap is a bug.  Build: make fuzz.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../runner/runner.h"

static int zero_host(runner_caller *c, void *env, const runner_val *args, runner_val *results)
{
	(void)c, (void)env, (void)args, (void)results;
	return 0;
}

static void sig_of(const struct wasm_functype *t, char *buf, size_t size)
{
	size_t n = 0;
	uint32_t i;

	for (i = 0; i < t->nparams && n + 4 < size; i++)
		buf[n++] = "iIfFVre"[t->params[i] == WASM_I32 ? 0 : t->params[i] == WASM_I64 ? 1 :
				       t->params[i] == WASM_F32 ? 2 : t->params[i] == WASM_F64 ? 3 :
				       t->params[i] == WASM_V128 ? 4 : t->params[i] == WASM_FUNCREF ? 5 : 6];
	buf[n++] = '-';
	buf[n++] = '>';
	for (i = 0; i < t->nresults && n + 1 < size; i++)
		buf[n++] = "iIfFVre"[t->results[i] == WASM_I32 ? 0 : t->results[i] == WASM_I64 ? 1 :
				       t->results[i] == WASM_F32 ? 2 : t->results[i] == WASM_F64 ? 3 :
				       t->results[i] == WASM_V128 ? 4 : t->results[i] == WASM_FUNCREF ? 5 : 6];
	buf[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct wasm_module *w;
	struct runner_config cfg;
	struct runner_trap trap;
	runner_module *m = NULL;
	runner_linker *l = NULL;
	runner_instance *inst = NULL;
	uint32_t i;

	if (runner_module_load(data, size, &m) < 0)
		return 0;
	if (runner_module_compile_all(m) < 0)
		abort(); /* a validated module always compiles */
	w = runner_module_wasm(m);
	runner_linker_new(&l);
	for (i = 0; i < w->nimports; i++) {
		char sig[2100];
		if (w->imports[i].kind != WASM_EXTERN_FUNC)
			continue;
		sig_of(&w->types[w->imports[i].desc.func_type], sig, sizeof(sig));
		runner_linker_define_func(l, w->imports[i].module, w->imports[i].name, sig, zero_host, NULL);
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.fuel = 20000;
	cfg.max_memory_bytes = 16u << 20;
	cfg.max_call_depth = 300;
	cfg.max_stack_bytes = 1u << 20;
	cfg.max_table_elements = 100000;
	if (runner_instantiate(l, m, &cfg, &inst, &trap) == 0) {
		for (i = 0; i < w->nexports; i++) {
			runner_func *f;
			const struct wasm_functype *t;
			runner_val args[64], res[64];
			uint32_t k;
			if (w->exports[i].kind != WASM_EXTERN_FUNC)
				continue;
			f = runner_instance_func(inst, w->exports[i].name);
			if (!f)
				continue;
			t = runner_func_type(f);
			if (t->nparams > 64 || t->nresults > 64)
				continue;
			for (k = 0; k < t->nparams; k++) {
				memset(&args[k], 0, sizeof(args[k]));
				args[k].type = t->params[k];
			}
			runner_instance_set_fuel(inst, 20000);
			runner_func_call(f, args, t->nparams, res, t->nresults, &trap);
		}
	}
	runner_instance_free(inst);
	runner_linker_free(l);
	runner_module_free(m);
	return 0;
}
