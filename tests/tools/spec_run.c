/*
 * spec_run.c - run the commands of a wast2json script against the engine.
 *
 *   spec_run [-v] [--strict] [--spectest spectest.wasm] script.json
 *
 * Runs module, register, action and every assert_* command of the JSON
 * that wabt's wast2json writes (modules beside it as x.N.wasm), with the
 * spec harness's "spectest" module (print functions here; its globals,
 * table and memory come from the --spectest module).  Prints failures and
 * a last line "<file>: N passed, N failed, N skipped"; exits 1 on failure.
 * Text modules (module_type "text") are skipped: there is no text parser.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/fs.h"
#include "../../runner/runner.h"

#define MAX_VALS 64
#define MAX_INSTANCES 1024

struct named {
	char *name;
	runner_instance *inst;
};

static struct {
	const char *dir;
	runner_linker *linker;
	runner_instance *current;
	runner_module *modules[MAX_INSTANCES];
	runner_instance *instances[MAX_INSTANCES];
	int ninst, nmod;
	struct named names[MAX_INSTANCES];
	int nnames;
	int passed, failed, skipped, verbose;
	int strict; /* --strict: errors and traps must contain the expected text */
	const char *file;
} H;

static int host_print(runner_caller *c, void *env, const runner_val *args, runner_val *results)
{
	(void)c, (void)env, (void)args, (void)results;
	return 0;
}

static void failf(int line, const char *fmt, ...)
{
	va_list ap;

	H.failed++;
	fprintf(stdout, "FAIL %s:%d: ", H.file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static int load_file(const char *name, runner_module **out)
{
	struct wp_buf b = WP_BUF_INIT(1u << 30);
	char path[4096];
	int err;

	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", H.dir, name);
	if ((err = wp_fs_read_file(path, 1u << 30, &b)) < 0)
		return err;
	err = runner_module_load(b.data ? b.data : (const uint8_t *)"", b.len, out);
	wp_buf_release(&b);
	return err;
}

static runner_instance *find_instance(json_t *modname)
{
	int i;

	if (!modname || !json_is_string(modname))
		return H.current;
	for (i = H.nnames; i-- > 0;)
		if (!strcmp(H.names[i].name, json_string_value(modname)))
			return H.names[i].inst;
	return NULL;
}

static uint8_t type_code(const char *t)
{
	if (!strcmp(t, "i32")) return RUNNER_I32;
	if (!strcmp(t, "i64")) return RUNNER_I64;
	if (!strcmp(t, "f32")) return RUNNER_F32;
	if (!strcmp(t, "f64")) return RUNNER_F64;
	if (!strcmp(t, "v128")) return RUNNER_V128;
	if (!strcmp(t, "funcref")) return RUNNER_FUNCREF;
	if (!strcmp(t, "externref")) return RUNNER_EXTERNREF;
	return 0;
}

static int lane_bits(const char *lt)
{
	if (!strcmp(lt, "i8")) return 8;
	if (!strcmp(lt, "i16")) return 16;
	if (!strcmp(lt, "i32") || !strcmp(lt, "f32")) return 32;
	return 64;
}

/* A JSON value -> runner_val (arguments; NaN patterns not allowed here). */
static int parse_val(json_t *j, runner_val *v)
{
	const char *t = json_string_value(json_object_get(j, "type"));
	json_t *val = json_object_get(j, "value");

	memset(v, 0, sizeof(*v));
	if (!t || !(v->type = type_code(t)))
		return -1;
	if (v->type == RUNNER_V128) {
		const char *lt = json_string_value(json_object_get(j, "lane_type"));
		int bits = lane_bits(lt), n = 128 / bits, i;
		for (i = 0; i < n; i++) {
			const char *s = json_string_value(json_array_get(val, (size_t)i));
			uint64_t x = s ? strtoull(s, NULL, 10) : 0;
			memcpy(v->of.v128 + i * (bits / 8), &x, (size_t)bits / 8);
		}
		return 0;
	}
	if (v->type == RUNNER_FUNCREF || v->type == RUNNER_EXTERNREF) {
		const char *s = json_string_value(val);
		if (!s || !strcmp(s, "null"))
			v->of.ext = 0;
		else
			v->of.ext = (uintptr_t)strtoull(s, NULL, 10) + 1;
		return 0;
	}
	{
		const char *s = json_string_value(val);
		uint64_t x = s ? strtoull(s, NULL, 10) : 0;
		if (v->type == RUNNER_I32 || v->type == RUNNER_F32)
			v->of.i32 = (int32_t)(uint32_t)x;
		else
			v->of.i64 = (int64_t)x;
	}
	return 0;
}

static int nan_ok(uint64_t bits, int is64, const char *pat)
{
	uint64_t exp = is64 ? 0x7ff0000000000000ull : 0x7f800000ull;
	uint64_t quiet = is64 ? 0x0008000000000000ull : 0x00400000ull;
	uint64_t mant = is64 ? 0x000fffffffffffffull : 0x007fffffull;

	if ((bits & exp) != exp || !(bits & mant))
		return 0;
	if (!strcmp(pat, "nan:canonical"))
		return (bits & mant) == quiet;
	return (bits & quiet) != 0;
}

/* Does result r match the expectation j? */
static int match(json_t *j, const runner_val *r)
{
	const char *t = json_string_value(json_object_get(j, "type"));
	json_t *val = json_object_get(j, "value");
	runner_val e;

	if (!t || type_code(t) != r->type)
		return 0;
	if (r->type == RUNNER_V128) {
		const char *lt = json_string_value(json_object_get(j, "lane_type"));
		int bits = lane_bits(lt), n = 128 / bits, i;
		for (i = 0; i < n; i++) {
			const char *s = json_string_value(json_array_get(val, (size_t)i));
			uint64_t got = 0, want;
			memcpy(&got, r->of.v128 + i * (bits / 8), (size_t)bits / 8);
			if (s && !strncmp(s, "nan:", 4)) {
				if (!nan_ok(got, bits == 64, s))
					return 0;
				continue;
			}
			want = s ? strtoull(s, NULL, 10) : 0;
			if (bits < 64)
				want &= (1ull << bits) - 1;
			if (got != want)
				return 0;
		}
		return 1;
	}
	if ((r->type == RUNNER_F32 || r->type == RUNNER_F64) && json_is_string(val) &&
	    !strncmp(json_string_value(val), "nan:", 4))
		return nan_ok(r->type == RUNNER_F32 ? (uint32_t)r->of.i32 : (uint64_t)r->of.i64,
			      r->type == RUNNER_F64, json_string_value(val));
	if (r->type == RUNNER_FUNCREF) {
		const char *s = json_string_value(val);
		if (s && !strcmp(s, "null"))
			return r->of.func == NULL;
		return r->of.func != NULL;
	}
	if (parse_val(j, &e) < 0)
		return 0;
	if (r->type == RUNNER_EXTERNREF)
		return e.of.ext == r->of.ext;
	if (r->type == RUNNER_I32 || r->type == RUNNER_F32)
		return (uint32_t)e.of.i32 == (uint32_t)r->of.i32;
	return e.of.i64 == r->of.i64;
}

/* Run an action; fills results. Returns the runner status. */
static int do_action(json_t *a, runner_val *res, size_t *nres, struct runner_trap *trap)
{
	const char *type = json_string_value(json_object_get(a, "type"));
	const char *field = json_string_value(json_object_get(a, "field"));
	runner_instance *inst = find_instance(json_object_get(a, "module"));
	runner_val args[MAX_VALS];
	json_t *jargs = json_object_get(a, "args");
	runner_func *f;
	size_t i, n = json_array_size(jargs);

	memset(trap, 0, sizeof(*trap));
	if (!inst || !field)
		return wp_error_set(WP_ENOTFOUND, "no such module");
	if (!strcmp(type, "get")) {
		*nres = 1;
		return runner_instance_global(inst, field, &res[0]);
	}
	f = runner_instance_func_n(inst, field,
				   json_string_length(json_object_get(a, "field")));
	if (!f)
		return wp_error_set(WP_ENOTFOUND, "no export %s", field);
	if (n > MAX_VALS)
		return wp_error_set(WP_ERROR, "too many args");
	for (i = 0; i < n; i++)
		if (parse_val(json_array_get(jargs, i), &args[i]) < 0)
			return wp_error_set(WP_ERROR, "bad arg");
	*nres = runner_func_type(f)->nresults;
	return runner_func_call(f, args, n, res, *nres, trap);
}

static int instantiate(const char *file, runner_instance **out, struct runner_trap *trap, int *stage)
{
	runner_module *m = NULL;
	int err;

	*out = NULL;
	*stage = 0;
	if ((err = load_file(file, &m)) < 0)
		return err;
	H.modules[H.nmod++ % MAX_INSTANCES] = m;
	*stage = 1;
	err = runner_instantiate(H.linker, m, NULL, out, trap);
	if (*out)
		H.instances[H.ninst++ % MAX_INSTANCES] = *out;
	return err;
}

static void cmd_module(json_t *c, int line)
{
	struct runner_trap trap;
	runner_instance *inst;
	json_t *name = json_object_get(c, "name");
	int stage, err;

	if (json_object_get(c, "definition")) {
		/* (module definition ...): valid, not instantiated */
		runner_module *m = NULL;
		if ((err = load_file(json_string_value(json_object_get(c, "filename")), &m)) < 0) {
			failf(line, "module definition: %s", wp_error_last());
			return;
		}
		runner_module_free(m);
		H.passed++;
		return;
	}
	err = instantiate(json_string_value(json_object_get(c, "filename")), &inst, &trap, &stage);
	if (err < 0) {
		failf(line, "module: %s", err == RUNNER_ETRAP ? trap.message : wp_error_last());
		H.current = NULL;
		return;
	}
	H.passed++;
	H.current = inst;
	if (name && H.nnames < MAX_INSTANCES) {
		H.names[H.nnames].name = strdup(json_string_value(name));
		H.names[H.nnames++].inst = inst;
	}
}

static void cmd_assert_return(json_t *c, int line)
{
	struct runner_trap trap;
	runner_val res[MAX_VALS];
	json_t *exp = json_object_get(c, "expected"), *alts = json_object_get(c, "either"), *wrap = NULL;
	size_t n = 0, i;
	int err = do_action(json_object_get(c, "action"), res, &n, &trap);

	/* newer wast2json writes a one-result (either ...) at the command's
	 * level: the same as one expected value with alternatives */
	if (!exp && alts) {
		wrap = json_pack("[{s:O}]", "either", alts);
		exp = wrap;
	}

	if (err < 0) {
		failf(line, "assert_return: %s", err == RUNNER_ETRAP ? trap.message : wp_error_last());
		goto done;
	}
	if (n != json_array_size(exp)) {
		failf(line, "assert_return: %zu results, expected %zu", n, json_array_size(exp));
		goto done;
	}
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(exp, i);
		json_t *either = json_object_get(e, "either");
		int ok = 0;
		if (either) {
			size_t k;
			for (k = 0; k < json_array_size(either); k++)
				ok |= match(json_array_get(either, k), &res[i]);
		} else {
			ok = match(e, &res[i]);
		}
		if (!ok) {
			char *s = json_dumps(e, JSON_COMPACT);
			failf(line, "assert_return: result %zu: got 0x%" PRIx64 ", expected %s", i,
			      (uint64_t)res[i].of.i64, s);
			free(s);
			goto done;
		}
	}
	H.passed++;
done:
	json_decref(wrap);
}

static void cmd_assert_trap(json_t *c, int line, const char *what)
{
	struct runner_trap trap;
	runner_val res[MAX_VALS];
	size_t n = 0;
	int err = do_action(json_object_get(c, "action"), res, &n, &trap);

	if (!strcmp(what, "assert_exception")) {
		/* an exception that leaves the export is a trap of its own kind */
		if (err == RUNNER_ETRAP && trap.kind == RUNNER_TRAP_EXCEPTION)
			H.passed++;
		else
			failf(line, "assert_exception: %s", err == RUNNER_ETRAP ? trap.message :
			      err ? wp_error_last() : "returned");
		return;
	}
	if (err != RUNNER_ETRAP) {
		failf(line, "%s: no trap (%s), expected \"%s\"", what, err ? wp_error_last() : "returned",
		      json_string_value(json_object_get(c, "text")));
		return;
	}
	if (H.strict && !strstr(trap.message, json_string_value(json_object_get(c, "text")))) {
		failf(line, "%s: trapped \"%s\", expected \"%s\"", what, trap.message,
		      json_string_value(json_object_get(c, "text")));
		return;
	}
	if (H.verbose && !strstr(trap.message, json_string_value(json_object_get(c, "text"))))
		printf("note %s:%d: trap \"%s\", spec says \"%s\"\n", H.file, line, trap.message,
		       json_string_value(json_object_get(c, "text")));
	H.passed++;
}

static void cmd_assert_module(json_t *c, int line, const char *type)
{
	const char *mt = json_string_value(json_object_get(c, "module_type"));
	struct runner_trap trap;
	runner_instance *inst;
	int stage, err;

	if (mt && !strcmp(mt, "text")) {
		H.skipped++;
		return;
	}
	err = instantiate(json_string_value(json_object_get(c, "filename")), &inst, &trap, &stage);
	if (!strcmp(type, "assert_invalid") || !strcmp(type, "assert_malformed")) {
		if (stage == 0 && err < 0 && H.strict &&
		    !strstr(wp_error_last(), json_string_value(json_object_get(c, "text"))))
			failf(line, "%s: refused with \"%s\", expected \"%s\"", type, wp_error_last(),
			      json_string_value(json_object_get(c, "text")));
		else if (stage == 0 && err < 0)
			H.passed++;
		else
			failf(line, "%s: module accepted, expected \"%s\"", type,
			      json_string_value(json_object_get(c, "text")));
		return;
	}
	if (!strcmp(type, "assert_unlinkable")) {
		if (stage == 1 && err < 0 && err != RUNNER_ETRAP)
			H.passed++;
		else
			failf(line, "%s: %s, expected \"%s\"", type,
			      stage == 0 ? wp_error_last() : err == RUNNER_ETRAP ? "trapped" : "linked",
			      json_string_value(json_object_get(c, "text")));
		return;
	}
	/* assert_uninstantiable */
	if (stage == 1 && err == RUNNER_ETRAP)
		H.passed++;
	else
		failf(line, "%s: %s, expected \"%s\"", type, err < 0 ? wp_error_last() : "instantiated",
		      json_string_value(json_object_get(c, "text")));
}

static void run_command(json_t *c)
{
	const char *type = json_string_value(json_object_get(c, "type"));
	int line = (int)json_integer_value(json_object_get(c, "line"));

	if (!type)
		return;
	if (!strcmp(type, "module")) {
		cmd_module(c, line);
	} else if (!strcmp(type, "register")) {
		runner_instance *inst = find_instance(json_object_get(c, "name"));
		if (!inst) {
			failf(line, "register: no module");
			return;
		}
		runner_linker_define_instance(H.linker, json_string_value(json_object_get(c, "as")), inst);
		H.passed++;
	} else if (!strcmp(type, "action")) {
		struct runner_trap trap;
		runner_val res[MAX_VALS];
		size_t n;
		int err = do_action(json_object_get(c, "action"), res, &n, &trap);
		if (err < 0)
			failf(line, "action: %s", err == RUNNER_ETRAP ? trap.message : wp_error_last());
		else
			H.passed++;
	} else if (!strcmp(type, "assert_return")) {
		cmd_assert_return(c, line);
	} else if (!strcmp(type, "assert_trap") || !strcmp(type, "assert_exhaustion") ||
		   !strcmp(type, "assert_exception")) {
		cmd_assert_trap(c, line, type);
	} else if (!strncmp(type, "assert_", 7)) {
		cmd_assert_module(c, line, type);
	} else {
		H.skipped++;
	}
}

static int setup_spectest(const char *spectest)
{
	static const char *prints[][2] = {
		{ "print", "->" }, { "print_i32", "i->" }, { "print_i64", "I->" },
		{ "print_f32", "f->" }, { "print_f64", "F->" }, { "print_i32_f32", "if->" },
		{ "print_f64_f64", "FF->" },
	};
	runner_module *m;
	runner_instance *inst;
	struct runner_trap trap;
	size_t i;
	int stage;

	if (runner_linker_new(&H.linker) < 0)
		return -1;
	for (i = 0; i < sizeof(prints) / sizeof(prints[0]); i++)
		runner_linker_define_func(H.linker, "spectest", prints[i][0], prints[i][1], host_print, NULL);
	if (!spectest)
		return 0;
	{
		const char *save = H.dir;
		H.dir = ".";
		if (instantiate(spectest, &inst, &trap, &stage) < 0) {
			fprintf(stderr, "spectest: %s\n", wp_error_last());
			return -1;
		}
		H.dir = save;
	}
	(void)m;
	return runner_linker_define_instance(H.linker, "spectest", inst);
}

int main(int argc, char **argv)
{
	const char *spectest = NULL, *path = NULL;
	json_error_t jerr;
	json_t *root, *cmds;
	char *dir, *slash;
	size_t i;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-v"))
			H.verbose = 1;
		else if (!strcmp(argv[a], "--strict"))
			H.strict = 1;
		else if (!strcmp(argv[a], "--spectest") && a + 1 < argc)
			spectest = argv[++a];
		else
			path = argv[a];
	}
	if (!path) {
		fprintf(stderr, "usage: spec_run [-v] [--strict] [--spectest spectest.wasm] script.json\n");
		return 2;
	}
	root = json_load_file(path, JSON_ALLOW_NUL, &jerr);
	if (!root) {
		fprintf(stderr, "spec_run: %s: %s\n", path, jerr.text);
		return 2;
	}
	dir = strdup(path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	H.dir = dir;
	H.file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (setup_spectest(spectest) < 0)
		return 2;
	cmds = json_object_get(root, "commands");
	for (i = 0; i < json_array_size(cmds); i++)
		run_command(json_array_get(cmds, i));
	printf("%s: %d passed, %d failed, %d skipped\n", H.file, H.passed, H.failed, H.skipped);
	for (a = 0; a < H.ninst && a < MAX_INSTANCES; a++)
		runner_instance_free(H.instances[a]);
	for (a = 0; a < H.nmod && a < MAX_INSTANCES; a++)
		runner_module_free(H.modules[a]);
	for (a = 0; a < H.nnames; a++)
		free(H.names[a].name);
	runner_linker_free(H.linker);
	json_decref(root);
	free(dir);
	return H.failed ? 1 : 0;
}
