/*
 * run_invoke.c - `wasmpack run --invoke EXPORT`: call one export of a
 * reactor (after its _initialize, when it has one) with the command line
 * ARGS converted to its parameter types, and print each result on its own
 * line on stdout, as wasmtime's --invoke does.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../runner/runner.h"
#include "cmd.h"
#include "run.h"

static int parse_val(const char *s, uint8_t type, runner_val *v)
{
	char *end;

	errno = 0;
	switch (type) {
	case RUNNER_I32: {
		long long x = strtoll(s, &end, 0);
		if (errno || *end || end == s || x < INT32_MIN || x > UINT32_MAX)
			return -1;
		*v = runner_val_i32((int32_t)(uint32_t)x);
		return 0;
	}
	case RUNNER_I64: {
		long long x;
		if (s[0] != '-') {
			unsigned long long u = strtoull(s, &end, 0);
			x = (long long)u;
		} else {
			x = strtoll(s, &end, 0);
		}
		if (errno || *end || end == s)
			return -1;
		*v = runner_val_i64((int64_t)x);
		return 0;
	}
	case RUNNER_F32:
	case RUNNER_F64: {
		double d = strtod(s, &end);
		if (*end || end == s)
			return -1;
		*v = type == RUNNER_F32 ? runner_val_f32((float)d) : runner_val_f64(d);
		return 0;
	}
	}
	return -1;
}

/* The shortest decimal that reads back as the same float. */
static void print_float(double d, int single)
{
	char buf[64];
	int p;

	if (isnan(d)) {
		puts("NaN");
		return;
	}
	if (isinf(d)) {
		puts(d < 0 ? "-inf" : "inf");
		return;
	}
	for (p = 1; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*g", p, d);
		if (single ? (strtof(buf, NULL) == (float)d) : (strtod(buf, NULL) == d))
			break;
	}
	puts(buf);
}

static void print_val(const runner_val *v)
{
	size_t i;

	switch (v->type) {
	case RUNNER_I32: printf("%d\n", v->of.i32); break;
	case RUNNER_I64: printf("%lld\n", (long long)v->of.i64); break;
	case RUNNER_F32: print_float(runner_val_as_f32(v), 1); break;
	case RUNNER_F64: print_float(runner_val_as_f64(v), 0); break;
	case RUNNER_V128:
		for (i = 16; i-- > 0;)
			printf("%02x", v->of.v128[i]);
		printf("\n");
		break;
	default: puts(v->of.ext ? "<ref>" : "null"); break;
	}
}

/*
 * 0: called (status = 0 and results printed); 1: a usage error, reported,
 * status set; else what the engine returned (trap, exit, error).
 */
int run_invoke(const struct run_args *a, runner_instance *inst, struct runner_trap *tr,
	       int *status)
{
	runner_func *f = runner_instance_func(inst, a->invoke);
	const struct wasm_functype *ft;
	runner_val *args = NULL, *res = NULL;
	uint32_t i;
	int err;

	if (!f) {
		wp_error_set(WP_EUSAGE, "no exported function named '%s'", a->invoke);
		*status = cmd_report();
		return 1;
	}
	ft = runner_func_type(f);
	if (ft->nparams != a->nargs) {
		wp_error_set(WP_EUSAGE, "%s takes %u argument%s, got %zu", a->invoke, ft->nparams,
			     ft->nparams == 1 ? "" : "s", a->nargs);
		*status = cmd_report();
		return 1;
	}
	args = calloc(ft->nparams + 1, sizeof(*args));
	res = calloc(ft->nresults + 1, sizeof(*res));
	if (!args || !res) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < ft->nparams; i++) {
		if (parse_val(a->args[i], ft->params[i], &args[i]) < 0) {
			wp_error_set(WP_EUSAGE, "argument %u of %s: '%s' is not a valid %s", i + 1,
				     a->invoke, a->args[i],
				     ft->params[i] == RUNNER_I32   ? "i32"
				     : ft->params[i] == RUNNER_I64 ? "i64"
				     : ft->params[i] == RUNNER_F32 ? "f32"
				     : ft->params[i] == RUNNER_F64 ? "f64"
								   : "value of an unsupported type");
			*status = cmd_report();
			err = 1;
			goto done;
		}
	}
	if (runner_instance_func(inst, "_initialize") &&
	    (err = runner_call(inst, "_initialize", NULL, 0, NULL, 0, tr)) != 0)
		goto done;
	if ((err = runner_func_call(f, args, ft->nparams, res, ft->nresults, tr)) != 0)
		goto done;
	for (i = 0; i < ft->nresults; i++)
		print_val(&res[i]);
	*status = EXIT_OK;
done:
	free(args);
	free(res);
	return err;
}
