/*
 * wasm_run.c - load a module, call one export, print its results: the
 * test and benchmark driver of the engine's embedding API.
 *
 *   wasm_run [--fuel N] [--max-memory BYTES] [--max-depth N] [--timeout-ms MS]
 *            [--validate-threads N] [--stats] FILE.wasm [EXPORT [ARG...]]
 *
 * EXPORT defaults to "run"; ARGs are parsed by the parameter types
 * (integers, or floats for f32/f64).  Results print one per line (i32/i64
 * as signed decimal, floats with %.17g).  Host imports offered as "env":
 *   print_i32(i32), print_i64(i64), print_f64(f64) - print a line;
 *   print_str(ptr, len) - print guest bytes (bounds-checked; ptr an i64
 *                         when memory 0 has 64-bit addresses);
 *   exit(code) - terminate with that status (proc_exit's path).
 * A trap prints "Error: <reason>" and a wasm backtrace to stderr and exits
 * 134; an exit request exits with its code; a load or link error exits 1.
 * --stats prints load/instantiate/call times and the code size ratio (of
 * every function: the ones not called are compiled after the timing).
 */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/fs.h"
#include "../../runner/runner.h"
#include "../../wasm/validate.h"

static volatile sig_atomic_t interrupted;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int h_print_i32(runner_caller *c, void *env, const runner_val *a, runner_val *r)
{
	(void)c, (void)env, (void)r;
	printf("%" PRId32 "\n", a[0].of.i32);
	return 0;
}

static int h_print_i64(runner_caller *c, void *env, const runner_val *a, runner_val *r)
{
	(void)c, (void)env, (void)r;
	printf("%" PRId64 "\n", a[0].of.i64);
	return 0;
}

static int h_print_f64(runner_caller *c, void *env, const runner_val *a, runner_val *r)
{
	(void)c, (void)env, (void)r;
	printf("%.17g\n", runner_val_as_f64(&a[0]));
	return 0;
}

static int h_print_str(runner_caller *c, void *env, const runner_val *a, runner_val *r)
{
	uint32_t ptr = (uint32_t)a[0].of.i32, len = (uint32_t)a[1].of.i32;
	const char *s = runner_caller_mem_check(c, ptr, len);

	(void)env, (void)r;
	if (!s)
		return runner_caller_trap(c, "print_str: out of bounds (%u, %u)", ptr, len);
	fwrite(s, 1, len, stdout);
	return 0;
}

/* the same for a guest of 64-bit addresses (memory64: clang --target=wasm64) */
static int h_print_str64(runner_caller *c, void *env, const runner_val *a, runner_val *r)
{
	uint64_t ptr = (uint64_t)a[0].of.i64;
	uint32_t len = (uint32_t)a[1].of.i32;
	const char *s = runner_caller_mem_check(c, ptr, len);

	(void)env, (void)r;
	if (!s)
		return runner_caller_trap(c, "print_str: out of bounds (%" PRIu64 ", %u)", ptr, len);
	fwrite(s, 1, len, stdout);
	return 0;
}

static int h_exit(runner_caller *c, void *env, const runner_val *a, runner_val *r)
{
	(void)env, (void)r;
	return runner_caller_exit(c, a[0].of.i32);
}

static int memory0_is64(const struct wasm_module *w)
{
	uint32_t i;

	for (i = 0; i < w->nimports; i++)
		if (w->imports[i].kind == WASM_EXTERN_MEMORY)
			return w->imports[i].desc.memory.is64;
	return w->nmemories && w->memories[0].is64;
}

static void *watchdog(void *arg)
{
	usleep((useconds_t)(*(long *)arg) * 1000);
	interrupted = 1;
	return NULL;
}

static int parse_arg(const char *s, uint8_t t, runner_val *v)
{
	switch (t) {
	case RUNNER_I32: *v = runner_val_i32((int32_t)strtoll(s, NULL, 0)); return 0;
	case RUNNER_I64: *v = runner_val_i64((int64_t)strtoll(s, NULL, 0)); return 0;
	case RUNNER_F32: *v = runner_val_f32(strtof(s, NULL)); return 0;
	case RUNNER_F64: *v = runner_val_f64(strtod(s, NULL)); return 0;
	}
	return -1;
}

static void print_val(const runner_val *v)
{
	switch (v->type) {
	case RUNNER_I32: printf("%" PRId32 "\n", v->of.i32); break;
	case RUNNER_I64: printf("%" PRId64 "\n", v->of.i64); break;
	case RUNNER_F32: printf("%.9g\n", runner_val_as_f32(v)); break;
	case RUNNER_F64: printf("%.17g\n", runner_val_as_f64(v)); break;
	default: printf("<%s>\n", v->of.ext ? "ref" : "null"); break;
	}
}

int main(int argc, char **argv)
{
	struct runner_config cfg;
	struct wp_buf b = WP_BUF_INIT(1u << 30);
	struct runner_trap trap;
	runner_module *m = NULL;
	runner_linker *l = NULL;
	runner_instance *inst = NULL;
	runner_func *f;
	runner_val args[16], res[16];
	const struct wasm_functype *t;
	const char *file = NULL, *name = "run";
	long timeout_ms = 0;
	int a, stats = 0, nargs = 0, rc = 1, err, i;
	double t0, t1, t2, t3;
	pthread_t wd;

	memset(&cfg, 0, sizeof(cfg));
	for (a = 1; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
		if (!strcmp(argv[a], "--stats"))
			stats = 1;
		else if (a + 1 < argc && !strcmp(argv[a], "--fuel"))
			cfg.fuel = strtoull(argv[++a], NULL, 0);
		else if (a + 1 < argc && !strcmp(argv[a], "--max-memory"))
			cfg.max_memory_bytes = strtoull(argv[++a], NULL, 0);
		else if (a + 1 < argc && !strcmp(argv[a], "--max-depth"))
			cfg.max_call_depth = (uint32_t)strtoul(argv[++a], NULL, 0);
		else if (a + 1 < argc && !strcmp(argv[a], "--validate-threads"))
			wasm_validate_set_threads((unsigned)strtoul(argv[++a], NULL, 0));
		else if (a + 1 < argc && !strcmp(argv[a], "--timeout-ms"))
			timeout_ms = strtol(argv[++a], NULL, 0);
		else {
			fprintf(stderr, "wasm_run: unknown option %s\n", argv[a]);
			return 2;
		}
	}
	if (a >= argc) {
		fprintf(stderr, "usage: wasm_run [options] FILE.wasm [EXPORT [ARG...]]\n");
		return 2;
	}
	file = argv[a++];
	if (a < argc)
		name = argv[a++];
	if (wp_fs_read_file(file, 1u << 30, &b) < 0) {
		fprintf(stderr, "wasm_run: %s\n", wp_error_last());
		return 1;
	}
	t0 = now();
	if ((err = runner_module_load(b.data, b.len, &m)) < 0) {
		fprintf(stderr, "wasm_run: %s: %s\n", file, wp_error_last());
		goto done;
	}
	t1 = now();
	runner_linker_new(&l);
	runner_linker_define_func(l, "env", "print_i32", "i->", h_print_i32, NULL);
	runner_linker_define_func(l, "env", "print_i64", "I->", h_print_i64, NULL);
	runner_linker_define_func(l, "env", "print_f64", "F->", h_print_f64, NULL);
	if (memory0_is64(runner_module_wasm(m)))
		runner_linker_define_func(l, "env", "print_str", "Ii->", h_print_str64, NULL);
	else
		runner_linker_define_func(l, "env", "print_str", "ii->", h_print_str, NULL);
	runner_linker_define_func(l, "env", "exit", "i->", h_exit, NULL);
	if (timeout_ms) {
		cfg.interrupt = &interrupted;
		pthread_create(&wd, NULL, watchdog, &timeout_ms);
		pthread_detach(wd);
	}
	err = runner_instantiate(l, m, &cfg, &inst, &trap);
	t2 = now();
	if (err < 0 && err != RUNNER_ETRAP && err != RUNNER_EEXIT) {
		fprintf(stderr, "wasm_run: %s\n", wp_error_last());
		goto done;
	}
	if (err == 0) {
		f = runner_instance_func(inst, name);
		if (!f) {
			fprintf(stderr, "wasm_run: no exported function \"%s\"\n", name);
			goto done;
		}
		t = runner_func_type(f);
		for (i = 0; a < argc && i < 16 && (uint32_t)i < t->nparams; a++, i++)
			if (parse_arg(argv[a], t->params[i], &args[i]) < 0) {
				fprintf(stderr, "wasm_run: cannot pass argument %d\n", i);
				goto done;
			}
		nargs = i;
		if ((uint32_t)nargs != t->nparams || t->nresults > 16) {
			fprintf(stderr, "wasm_run: %s takes %u arguments\n", name, t->nparams);
			goto done;
		}
		err = runner_func_call(f, args, (size_t)nargs, res, t->nresults, &trap);
		if (err == 0)
			for (i = 0; (uint32_t)i < t->nresults; i++)
				print_val(&res[i]);
	}
	t3 = now();
	fflush(stdout);
	if (err == RUNNER_ETRAP) {
		char bt[4096];
		runner_trap_format_backtrace(&trap, bt, sizeof(bt));
		fprintf(stderr, "Error: %s\n%s", trap.message, bt);
		rc = 134;
		goto done;
	}
	if (err == RUNNER_EEXIT) {
		rc = trap.exit_code;
		goto done;
	}
	if (err < 0) {
		fprintf(stderr, "wasm_run: %s\n", wp_error_last());
		goto done;
	}
	if (stats && runner_module_compile_all(m) < 0) {
		fprintf(stderr, "wasm_run: %s\n", wp_error_last());
		goto done;
	}
	if (stats)
		fprintf(stderr, "load %.3f ms, instantiate %.3f ms, call %.3f ms, code %zu bytes (wasm %zu, ratio %.2f)\n",
			(t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, runner_module_code_size(m),
			runner_module_wasm_code_size(m),
			(double)runner_module_code_size(m) / (double)(runner_module_wasm_code_size(m) ? runner_module_wasm_code_size(m) : 1));
	rc = 0;
done:
	runner_instance_free(inst);
	runner_linker_free(l);
	runner_module_free(m);
	wp_buf_release(&b);
	return rc;
}
