/*
 * check.c - `wasmpack check TARGET --runtime NAME`: what a module or
 * component imports and whether the runtime it is meant for provides it
 * (runner/runtimes.c holds the tables), and the same check for `build
 * --check-runtime` before anything is written.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/text.h"
#include "../runner/runtimes.h"
#include "../wasm/module.h"
#include "check.h"
#include "cmd.h"
#include "progress.h"
#include "run.h"

const char cmd_check_usage[] =
	"usage: wasmpack check TARGET --runtime NAME [--json]\n"
	"\n"
	"List what a module or component imports and whether the runtime NAME\n"
	"provides it; exit 0 when everything is provided, 1 with one line per\n"
	"import that is not (\"wasi:sockets/tcp@0.2.3: not provided by node\").\n"
	"TARGET: FILE.wasm | oci:DIR[:TAG] | oci-archive:FILE[:TAG] | REF (as in run)\n"
	"\n"
	"  --runtime NAME   wasmtime, wasmpack, spin, runwasi (or docker), node, browser\n"
	"                   (what each provides, and from which release: docs/runtimes.md)\n"
	"  --json           the verdict of every import as JSON on stdout\n"
	"  --insecure, --ca-file FILE, --platform OS/ARCH   for REF, as in pull\n"
	"  -h, --help       show this help\n";

/* The line of one item: "NAME: provided by RT" or what is wrong.  Names
 * come from the binary: written with their control characters escaped. */
static void print_item(FILE *f, const char *prefix, const struct runtime_item *it, const char *rt)
{
	char *name = wp_text_escape(it->name, 0), *why = wp_text_escape(it->reason, 0);
	const char *n = name ? name : "?", *w = why ? why : "";

	if (it->provided)
		fprintf(f, "%s%s: provided by %s\n", prefix, n, rt);
	else if (it->kind == RUNTIME_EXPORT)
		fprintf(f, "%s%s: not exported, %s needs it (%s)\n", prefix, n, rt, w);
	else if (it->kind == RUNTIME_FORMAT)
		fprintf(f, "%s%s: not run by %s (%s)\n", prefix, n, rt, w);
	else
		fprintf(f, "%s%s: not provided by %s (%s)\n", prefix, n, rt, w);
	free(name);
	free(why);
}

static void print_summary(FILE *f, const char *prefix, const char *target, const struct runtime_report *r)
{
	char *safe = wp_text_escape(target, 0);
	const char *what = safe ? safe : "?";
	size_t i, imports_missing = 0;

	for (i = 0; i < r->nimports; i++)
		imports_missing += !r->items[i].provided;
	if (!r->missing) {
		fprintf(f, "%s%s: all %zu imports provided by %s [%s]\n", prefix, what, r->nimports,
			runtime_name(r->rt), runtime_describes(r->rt));
		free(safe);
		return;
	}
	fprintf(f, "%s%s: %zu of %zu imports not provided by %s", prefix, what, imports_missing,
		r->nimports, runtime_name(r->rt));
	if (r->missing > imports_missing)
		fprintf(f, ", %zu other requirement%s not met", r->missing - imports_missing,
			r->missing - imports_missing == 1 ? "" : "s");
	fprintf(f, " [%s]\n", runtime_describes(r->rt));
	free(safe);
}

int check_build_module(const struct wasm_module *m, const char *runtime, const char *what)
{
	const struct runtime *rt = runtime_find(runtime);
	struct runtime_report *r = NULL;
	size_t i;
	int status;

	if (runtime_check(m, rt, &r) < 0)
		return cmd_report();
	for (i = 0; i < r->nitems; i++)
		if (!r->items[i].provided)
			print_item(stderr, "wasmpack: ", &r->items[i], runtime_name(rt));
	if (r->missing)
		print_summary(stderr, "wasmpack: ", what, r);
	status = r->missing ? EXIT_FAIL : EXIT_OK;
	runtime_report_free(r);
	return status;
}

static json_t *report_json(const char *what, const struct wasm_module *m, const struct runtime_report *r)
{
	json_t *j, *imports = json_array(), *needs = json_array();
	size_t i;

	for (i = 0; i < r->nitems; i++) {
		const struct runtime_item *it = &r->items[i];
		json_t *o = json_pack("{s:s, s:b}", "name", it->name, "provided", it->provided);
		if (it->reason)
			json_object_set_new(o, "reason", json_string(it->reason));
		if (it->kind != RUNTIME_IMPORT)
			json_object_set_new(o, "requirement",
					    json_string(it->kind == RUNTIME_EXPORT ? "export" : "format"));
		json_array_append_new(i < r->nimports ? imports : needs, o);
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:o, s:o}", "target", what, "runtime",
		      runtime_name(r->rt), "describes", runtime_describes(r->rt), "source",
		      runtime_source(r->rt), "kind", wasm_kind_name(m->kind), "wasi",
		      wasm_wasi_name(m->wasi), "ok", r->missing == 0, "missing", (json_int_t)r->missing,
		      "imports", imports, "requirements", needs);
	return j;
}

struct check_args {
	const char *target, *runtime;
	int json;
	struct registry_opts ro;
};

static int parse_args(int argc, char **argv, struct check_args *a)
{
	enum { OPT_RUNTIME = 256, OPT_JSON, OPT_INSECURE, OPT_CA_FILE, OPT_PLATFORM };
	static const struct option opts[] = {
		{ "runtime", required_argument, NULL, OPT_RUNTIME },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "ca-file", required_argument, NULL, OPT_CA_FILE },
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_RUNTIME: a->runtime = optarg; break;
		case OPT_JSON: a->json = 1; break;
		case OPT_INSECURE: a->ro.insecure = 1; break;
		case OPT_CA_FILE: a->ro.ca_file = optarg; break;
		case OPT_PLATFORM:
			if (!strchr(optarg, '/'))
				return cmd_usage_error("check", "--platform '%s' is not OS/ARCH", optarg);
			a->ro.platform = optarg;
			break;
		case 'h': cmd_print_usage("check"); return -1;
		case ':': return cmd_usage_error("check", "option %s needs a value", argv[optind - 1]);
		default: return cmd_usage_error("check", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cmd_usage_error("check", "missing TARGET");
	a->target = argv[optind++];
	if (optind < argc)
		return cmd_usage_error("check", "unexpected argument '%s'", argv[optind]);
	if (!a->runtime)
		return cmd_usage_error("check", "missing --runtime NAME (one of %s)", runtime_names());
	return check_runtime_known("check", a->runtime);
}

int check_runtime_known(const char *cmd, const char *runtime)
{
	if (runtime_find(runtime))
		return 0;
	return cmd_usage_error(cmd, "unknown runtime '%s' (known: %s)", runtime, runtime_names());
}

int cmd_check(int argc, char **argv)
{
	struct check_args a;
	struct run_target t;
	struct wasm_module *m = NULL;
	struct runtime_report *r = NULL;
	size_t i;
	int status;

	memset(&a, 0, sizeof(a));
	memset(&t, 0, sizeof(t));
	if ((status = parse_args(argc, argv, &a)) != 0)
		return status < 0 ? EXIT_OK : status;
	a.ro.ev = cmd_progress_events();
	if (run_target_load(a.target, &a.ro, &t) < 0)
		goto report;
	if (wasm_module_decode(t.wasm.data, t.wasm.len, WASM_DECODE_FACTS, &m) < 0) {
		char why[512];
		snprintf(why, sizeof(why), "%s", wp_error_last());
		wp_error_set(WP_EINVALID, "not a WebAssembly module: %s (%s)", t.origin, why);
		goto report;
	}
	if (runtime_check(m, runtime_find(a.runtime), &r) < 0)
		goto report;
	if (a.json) {
		json_t *j = report_json(t.origin, m, r);
		if (!j || cmd_print_json(j) != EXIT_OK) {
			json_decref(j);
			wp_error_set(WP_ENOMEM, "out of memory");
			goto report;
		}
		json_decref(j);
	} else {
		for (i = 0; i < r->nitems; i++)
			print_item(stdout, "", &r->items[i], runtime_name(r->rt));
		print_summary(stdout, "", t.origin, r);
	}
	status = r->missing ? EXIT_FAIL : EXIT_OK;
	goto done;
report:
	status = cmd_report();
done:
	runtime_report_free(r);
	wasm_module_free(m);
	run_target_release(&t);
	return status;
}
