/*
 * runner_api.c - the embedding API as the WASI host uses it: host
 * functions reading and writing guest memory through the bounds check,
 * exit requests (distinct from traps), host traps, exports (functions,
 * memory, globals), typed argument checks, refuelling, load errors.
 * The module is assembled at test time with wabt's wat2wasm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/fs.h"
#include "../../runner/runner.h"

static const char *wat =
	"(module\n"
	"  (import \"host\" \"add\" (func $add (param i32 i32) (result i32)))\n"
	"  (import \"host\" \"quit\" (func $quit (param i32)))\n"
	"  (import \"host\" \"upcase\" (func $upcase (param i32 i32) (result i32)))\n"
	"  (memory (export \"mem\") 1)\n"
	"  (data (i32.const 100) \"hello\")\n"
	"  (global (export \"g\") (mut i64) (i64.const 42))\n"
	"  (func (export \"inc\") (param i32) (result i32) (call $add (local.get 0) (i32.const 1)))\n"
	"  (func (export \"quit\") (global.set 0 (i64.const 7)) (call $quit (i32.const 3)) (global.set 0 (i64.const 8)))\n"
	"  (func (export \"up\") (param i32 i32) (result i32) (call $upcase (local.get 0) (local.get 1)))\n"
	"  (func (export \"loop\") (loop (br 0)))\n"
	"  (func (export \"f64\") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 2)))\n"
	")\n";

struct fixture {
	runner_module *m;
	runner_linker *l;
	runner_instance *inst;
	int calls;
};

static int h_add(runner_caller *c, void *env, const runner_val *a, runner_val *r)
{
	struct fixture *fx = env;
	(void)c;
	fx->calls++;
	r[0] = runner_val_i32(a[0].of.i32 + a[1].of.i32);
	return 0;
}

static int h_quit(runner_caller *c, void *env, const runner_val *a, runner_val *r)
{
	(void)env, (void)r;
	return runner_caller_exit(c, a[0].of.i32);
}

static int h_upcase(runner_caller *c, void *env, const runner_val *a, runner_val *r)
{
	uint8_t *p = runner_caller_mem_check(c, (uint32_t)a[0].of.i32, (uint32_t)a[1].of.i32);
	int32_t i;
	(void)env;
	if (!p)
		return runner_caller_trap(c, "upcase: bad pointer");
	for (i = 0; i < a[1].of.i32; i++)
		if (p[i] >= 'a' && p[i] <= 'z')
			p[i] = (uint8_t)(p[i] - 32);
	r[0] = runner_val_i32(a[1].of.i32);
	return 0;
}

static int setup(void **state)
{
	static struct fixture fx;
	char dir[] = "/tmp/runner-api.XXXXXX", cmd[512], path[256];
	struct wp_buf b = WP_BUF_INIT(1 << 20);
	struct runner_config cfg;
	struct runner_trap trap;
	FILE *f;

	memset(&fx, 0, sizeof(fx));
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/m.wat", dir);
	f = fopen(path, "w");
	fputs(wat, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "wat2wasm %s/m.wat -o %s/m.wasm", dir, dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/m.wasm", dir);
	if (wp_fs_read_file(path, 1 << 20, &b) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return -1;
	if (runner_module_load(b.data, b.len, &fx.m) < 0)
		return -1;
	wp_buf_release(&b); /* the module keeps its own copy */
	runner_linker_new(&fx.l);
	runner_linker_define_func(fx.l, "host", "add", "ii->i", h_add, &fx);
	runner_linker_define_func(fx.l, "host", "quit", "i->", h_quit, &fx);
	runner_linker_define_func(fx.l, "host", "upcase", "ii->i", h_upcase, &fx);
	memset(&cfg, 0, sizeof(cfg));
	cfg.fuel = 1000000;
	if (runner_instantiate(fx.l, fx.m, &cfg, &fx.inst, &trap) < 0)
		return -1;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	runner_instance_free(fx->inst);
	runner_linker_free(fx->l);
	runner_module_free(fx->m);
	return 0;
}

static void test_module_facts(void **state)
{
	struct fixture *fx = *state;
	const struct wasm_module *w = runner_module_wasm(fx->m);
	char sig[64];

	assert_int_equal(w->nimports, 3);
	assert_string_equal(w->imports[2].name, "upcase");
	wasm_functype_format(&w->types[w->imports[2].desc.func_type], sig, sizeof(sig));
	assert_string_equal(sig, "(i32, i32) -> (i32)");
	assert_non_null(wasm_module_find_export(w, "mem", WASM_EXTERN_MEMORY));
	assert_int_equal(runner_module_compile_all(fx->m), 0);
	assert_true(runner_module_code_size(fx->m) > 0);
}

static void test_host_call(void **state)
{
	struct fixture *fx = *state;
	runner_val arg = runner_val_i32(41), res;
	struct runner_trap trap;

	assert_int_equal(runner_call(fx->inst, "inc", &arg, 1, &res, 1, &trap), 0);
	assert_int_equal(res.type, RUNNER_I32);
	assert_int_equal(res.of.i32, 42);
	assert_int_equal(fx->calls, 1);
}

static void test_memory_through_host(void **state)
{
	struct fixture *fx = *state;
	runner_val args[2] = { runner_val_i32(100), runner_val_i32(5) }, res;
	struct runner_trap trap;
	uint8_t *base;
	uint64_t size;

	assert_int_equal(runner_call(fx->inst, "up", args, 2, &res, 1, &trap), 0);
	assert_int_equal(runner_instance_memory(fx->inst, "mem", &base, &size), 0);
	assert_int_equal(size, 65536);
	assert_memory_equal(base + 100, "HELLO", 5);
	/* a range past the end is refused by the bounds check: a host trap */
	args[0] = runner_val_i32(65534);
	args[1] = runner_val_i32(3);
	assert_int_equal(runner_call(fx->inst, "up", args, 2, &res, 1, &trap), RUNNER_ETRAP);
	assert_int_equal(trap.kind, RUNNER_TRAP_HOST);
	assert_string_equal(trap.message, "upcase: bad pointer");
	assert_true(trap.nframes >= 1);
}

static void test_exit_is_not_a_trap(void **state)
{
	struct fixture *fx = *state;
	struct runner_trap trap;
	runner_val g;

	assert_int_equal(runner_call(fx->inst, "quit", NULL, 0, NULL, 0, &trap), RUNNER_EEXIT);
	assert_int_equal(trap.kind, RUNNER_TRAP_EXIT);
	assert_int_equal(trap.exit_code, 3);
	/* the code after the exit request did not run */
	assert_int_equal(runner_instance_global(fx->inst, "g", &g), 0);
	assert_int_equal(g.type, RUNNER_I64);
	assert_int_equal(g.of.i64, 7);
}

static void test_fuel_and_refuel(void **state)
{
	struct fixture *fx = *state;
	struct runner_trap trap;
	runner_val arg = runner_val_i32(1), res;

	assert_int_equal(runner_call(fx->inst, "loop", NULL, 0, NULL, 0, &trap), RUNNER_ETRAP);
	assert_int_equal(trap.kind, RUNNER_TRAP_OUT_OF_FUEL);
	assert_string_equal(trap.message, "all fuel consumed");
	assert_int_equal(runner_instance_fuel(fx->inst), 0);
	assert_int_equal(runner_call(fx->inst, "inc", &arg, 1, &res, 1, &trap), RUNNER_ETRAP);
	runner_instance_set_fuel(fx->inst, 100);
	assert_int_equal(runner_call(fx->inst, "inc", &arg, 1, &res, 1, &trap), 0);
	assert_int_equal(res.of.i32, 2);
	assert_true(runner_instance_fuel(fx->inst) < 100);
	runner_instance_set_fuel(fx->inst, 1000000);
}

static void test_typed_calls(void **state)
{
	struct fixture *fx = *state;
	struct runner_trap trap;
	runner_val arg = runner_val_f64(1.25), res;

	assert_int_equal(runner_call(fx->inst, "f64", &arg, 1, &res, 1, &trap), 0);
	assert_true(runner_val_as_f64(&res) == 2.5);
	arg = runner_val_i32(1);
	assert_int_equal(runner_call(fx->inst, "f64", &arg, 1, &res, 1, &trap), WP_EINVALID);
	assert_int_equal(runner_call(fx->inst, "f64", NULL, 0, &res, 1, &trap), WP_EINVALID);
	assert_int_equal(runner_call(fx->inst, "nope", NULL, 0, NULL, 0, &trap), WP_ENOTFOUND);
	assert_null(runner_instance_func(fx->inst, "mem"));
}

/* A host may hand any function to a (ref $t) parameter: call_ref checks
 * the callee's type as call_indirect does.  The module (typed function
 * references; Debian's wabt cannot assemble it, wabt 1.0.41 did):
 *   (type $ii (func (param i32) (result i32)))
 *   (type $v (func (result i32)))
 *   (func (export "apply") (param (ref null $ii) i32) (result i32)
 *     (call_ref $ii (local.get 1) (local.get 0)))
 *   (func (export "inc") (type $ii) (i32.add (local.get 0) (i32.const 1)))
 *   (func (export "seven") (type $v) (i32.const 7)) */
static void test_call_ref_from_host(void **state)
{
	static const uint8_t bin[] = {
		0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x11, 0x03, 0x60, 0x01, 0x7f, 0x01, 0x7f,
		0x60, 0x00, 0x01, 0x7f, 0x60, 0x02, 0x63, 0x00, 0x7f, 0x01, 0x7f, 0x03, 0x04, 0x03, 0x02, 0x00,
		0x01, 0x07, 0x17, 0x03, 0x05, 0x61, 0x70, 0x70, 0x6c, 0x79, 0x00, 0x00, 0x03, 0x69, 0x6e, 0x63,
		0x00, 0x01, 0x05, 0x73, 0x65, 0x76, 0x65, 0x6e, 0x00, 0x02, 0x0a, 0x17, 0x03, 0x08, 0x00, 0x20,
		0x01, 0x20, 0x00, 0x14, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b, 0x04, 0x00,
		0x41, 0x07, 0x0b,
	};
	struct runner_config cfg;
	struct runner_trap trap;
	runner_module *m = NULL;
	runner_linker *l = NULL;
	runner_instance *inst = NULL;
	runner_val args[2], res;

	(void)state;
	assert_int_equal(runner_module_load(bin, sizeof(bin), &m), 0);
	runner_linker_new(&l);
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(runner_instantiate(l, m, &cfg, &inst, &trap), 0);
	memset(args, 0, sizeof(args));
	args[0].type = RUNNER_FUNCREF;
	args[0].of.func = runner_instance_func(inst, "inc");
	args[1] = runner_val_i32(41);
	assert_int_equal(runner_call(inst, "apply", args, 2, &res, 1, &trap), 0);
	assert_int_equal(res.of.i32, 42);
	/* a function of another type: a trap, not a call with the wrong frame */
	args[0].of.func = runner_instance_func(inst, "seven");
	assert_int_equal(runner_call(inst, "apply", args, 2, &res, 1, &trap), RUNNER_ETRAP);
	assert_string_equal(trap.message, "indirect call type mismatch");
	args[0].of.func = NULL;
	assert_int_equal(runner_call(inst, "apply", args, 2, &res, 1, &trap), RUNNER_ETRAP);
	assert_string_equal(trap.message, "null function reference");
	runner_instance_free(inst);
	runner_linker_free(l);
	runner_module_free(m);
}

static void test_load_errors(void **state)
{
	static const uint8_t bad_magic[] = { 0, 'a', 's', 'x', 1, 0, 0, 0 };
	static const uint8_t truncated[] = { 0, 'a', 's', 'm', 1, 0, 0, 0, 1, 9, 1 };
	runner_module *m = (runner_module *)1;

	(void)state;
	assert_int_equal(runner_module_load(bad_magic, sizeof(bad_magic), &m), WP_EINVALID);
	assert_null(m);
	assert_non_null(strstr(wp_error_last(), "magic"));
	assert_int_equal(runner_module_load(truncated, sizeof(truncated), &m), WP_EINVALID);
	assert_non_null(strstr(wp_error_last(), "offset"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_module_facts),
		cmocka_unit_test(test_host_call),
		cmocka_unit_test(test_memory_through_host),
		cmocka_unit_test(test_exit_is_not_a_trap),
		cmocka_unit_test(test_fuel_and_refuel),
		cmocka_unit_test(test_typed_calls),
		cmocka_unit_test(test_call_ref_from_host),
		cmocka_unit_test(test_load_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
