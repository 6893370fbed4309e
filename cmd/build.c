/*
 * build.c - `wasmpack build`: source (or a prebuilt .wasm) -> image ->
 * outputs.  The pipeline is builder -> module facts -> packager ->
 * publishers; this file only gathers options, runs the stages in order
 * and reports the result (one reference line on stdout, or --json).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../builders/builder.h"
#include "../builders/source.h"
#include "../common/error.h"
#include "../common/fs.h"
#include "../common/size.h"
#include "../common/strv.h"
#include "../oci/image.h"
#include "../oci/publish.h"
#include "../registry/reference.h"
#include "../registry/registry.h"
#include "../wasm/module.h"
#include "build_attest.h"
#include "build_board.h"
#include "build_cache.h"
#include "build_many.h"
#include "build_source.h"
#include "check.h"
#include "cmd.h"
#include "progress.h"

const char cmd_build_usage[] =
	"usage: wasmpack build [DIR] [options]\n"
	"       wasmpack build DIR/... | DIR DIR... [-j N] [options]\n"
	"\n"
	"Build the project in DIR (default .) into an OCI image holding its\n"
	"WebAssembly module, and write it to the outputs.  Prints the image\n"
	"reference by digest on stdout.\n"
	"\n"
	"With DIR/... (every project under DIR) or several DIRs, the projects are\n"
	"built concurrently (-j N at once, default the number of cores) and each\n"
	"line on stdout is the project path, a tab and its reference (--json: an\n"
	"array).  -o takes oci:DIR (a layout per project under DIR), -t bare tags;\n"
	"one failing project makes the exit status 1 after the others finish.\n"
	"Each member of a Cargo or npm workspace is a project of its own.  On a\n"
	"terminal, stderr shows every project's state, redrawn in place.\n"
	"\n"
	"  --wasm FILE          package this prebuilt module (no detection, no compile)\n"
	"  -t, --tag REF        image name, repeatable: full reference (host/repo:tag)\n"
	"                       or a bare tag\n"
	"  -o, --output DEST    oci:DIR[:TAG] | oci-archive:FILE[:TAG] | docker-archive:FILE\n"
	"                       (repeatable; default oci:wasmpack-out unless --push)\n"
	"  --push               push to every -t (bare tags and no -t use\n"
	"                       $WASMPACK_REPO/<name>:TAG, default tag latest)\n"
	"  --insecure           with --push: allow plain http and unverified TLS\n"
	"  --ca-file FILE       with --push: an extra CA bundle (PEM) for TLS\n"
	"  --format FMT         image (default) | wasm | krustlet\n"
	"  --platform OS/ARCH   platform of the image format (default wasi/wasm;\n"
	"                       OS: wasi, wasip1, wasip2; ARCH: wasm, wasm32)\n"
	"  --label K=V          image label and manifest annotation, repeatable\n"
	"  --annotation K=V     manifest annotation, repeatable\n"
	"  --env K=V            default environment of the image, repeatable\n"
	"  --arg ARG            default argument (image Cmd), repeatable\n"
	"  --json               print a JSON summary instead of the reference line\n"
	"  --check-runtime NAME  after compiling, check that the runtime NAME provides\n"
	"                       every import (as 'wasmpack check' does); when not,\n"
	"                       exit 1 with one line per missing import, nothing written\n"
	"  -j, --jobs N         with DIR/... or several DIRs: N builds at once\n"
	"                       (default: the number of cores)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Attached to the image in oci: layouts and pushed repositories (see\n"
	"docs/attestations.md; 'wasmpack verify', 'sbom', 'attestations' read them):\n"
	"  --sbom FMT           spdx (default) | cyclonedx | none: the SBOM's format\n"
	"                       (SPDX 2.3 JSON, CycloneDX 1.6 JSON, or no SBOM)\n"
	"  --no-provenance      no SLSA provenance v1 statement (made by default)\n"
	"  --sign --key FILE    sign the image with the ECDSA P-256 key FILE (PKCS#8\n"
	"                       PEM, 'wasmpack generate-key'): a cosign signature and a\n"
	"                       sigstore bundle\n"
	"\n"
	"Building from source (see 'wasmpack detect'):\n"
	"  --builder NAME       c, cpp, emscripten, rust, assemblyscript, go, tinygo,\n"
	"                       prebuilt (default: detected)\n"
	"  --release, --debug   build profile (default --release)\n"
	"  --keep-debug         keep DWARF and the name section (stripped by default)\n"
	"  --optimize           run wasm-opt -O2 on the module (binaryen)\n"
	"  --bin NAME           the binary to build when the project has several (Rust)\n"
	"  --target NAME        the CMake or make target to build (C, C++)\n"
	"  --no-cache           neither use nor fill the build cache\n"
	"  --cache-repo REPO    a second build cache in a registry repository\n"
	"                       (default $WASMPACK_CACHE_REPO): a result found there\n"
	"                       is pulled, verified and used instead of compiling;\n"
	"                       a new result is pushed there (see docs/ci.md)\n"
	"  --cache-repo-readonly  use --cache-repo, never push to it\n"
	"  --stack-size BYTES   C/C++ stack size (K, M suffixes; default 1M)\n"
	"  --allow-import M.N   package a module importing M.N (or M.*) although no\n"
	"                       WASI runtime provides it; repeatable\n"
	"  --exceptions MODE    auto (default) | wasm | none: setjmp/longjmp and C++\n"
	"                       exceptions through the WebAssembly exception-handling\n"
	"                       instructions when the sources use setjmp.h (or catch,\n"
	"                       for emscripten's C++), always, or never\n"
	"  --strict-wasi        no WASI emulation libraries (signal, clocks, getpid,\n"
	"                       mman) and no compat library (chmod, chown, umask,\n"
	"                       getuid, tmpfile): code needing them fails to build\n"
	"  --dry-run            print the commands the build would run, build nothing\n"
	"\n"
	"wasmpack.json in DIR may set builder, wasm, bin, target, buildArgs, name, args,\n"
	"env and labels; the command line wins.  The build cache lives in\n"
	"$XDG_CACHE_HOME/wasmpack (WASMPACK_CACHE_MAX bounds its size).\n"
	"\n"
	"Timestamps come from SOURCE_DATE_EPOCH, else the commit time of HEAD,\n"
	"else 1970-01-01: the same inputs give the same digest.\n";

struct build_opts {
	const char *dir;
	const char *wasm;
	int format;
	char *os, *arch;
	int platform_given;
	int json;
	int push, insecure;
	const char *ca_file;
	const char *cache_repo;
	int cache_repo_readonly;
	struct wp_strv tags, outputs, env, args;
	struct oci_kvlist labels, annotations;
	struct build_source src;
	struct build_attest att;
	int sign;
	const char *check_runtime;
};

static void build_opts_release(struct build_opts *o)
{
	wp_strv_release(&o->tags);
	wp_strv_release(&o->outputs);
	wp_strv_release(&o->env);
	wp_strv_release(&o->args);
	oci_kvlist_release(&o->labels);
	oci_kvlist_release(&o->annotations);
	free(o->os);
	free(o->arch);
	builder_config_release(&o->src.config);
	build_attest_release(&o->att);
	wp_strv_release(&o->src.allow_imports);
}

static int parse_platform(struct build_opts *o, const char *s)
{
	static const char *oses[] = { "wasi", "wasip1", "wasip2" };
	static const char *arches[] = { "wasm", "wasm32" };
	const char *slash = strchr(s, '/');
	int os_ok = 0, arch_ok = 0;
	size_t i;

	if (slash) {
		for (i = 0; i < 3; i++)
			os_ok |= strlen(oses[i]) == (size_t)(slash - s) && !strncmp(s, oses[i], (size_t)(slash - s));
		for (i = 0; i < 2; i++)
			arch_ok |= !strcmp(slash + 1, arches[i]);
	}
	if (!os_ok || !arch_ok)
		return wp_error_set(WP_EUSAGE,
				    "unknown --platform '%s' (expected OS/ARCH with OS wasi, wasip1 or wasip2 and ARCH wasm or wasm32)",
				    s);
	free(o->os);
	free(o->arch);
	o->os = strndup(s, (size_t)(slash - s));
	o->arch = strdup(slash + 1);
	o->platform_given = 1;
	return 0;
}

enum { OPT_WASM = 256, OPT_FORMAT, OPT_PLATFORM, OPT_LABEL, OPT_ANNOTATION, OPT_ENV, OPT_ARG,
       OPT_JSON, OPT_PUSH, OPT_INSECURE, OPT_CA_FILE, OPT_BUILDER, OPT_RELEASE, OPT_DEBUG,
       OPT_KEEP_DEBUG, OPT_OPTIMIZE, OPT_BIN, OPT_NO_CACHE, OPT_DRY_RUN,
       OPT_STRICT_WASI, OPT_STACK_SIZE, OPT_TARGET, OPT_ALLOW_IMPORT, OPT_EXCEPTIONS, OPT_SBOM,
       OPT_NO_PROVENANCE, OPT_SIGN, OPT_KEY, OPT_CACHE_REPO, OPT_CACHE_REPO_RO, OPT_CHECK_RUNTIME };

const struct option build_options[] = {
	{ "wasm", required_argument, NULL, OPT_WASM },
	{ "tag", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "annotation", required_argument, NULL, OPT_ANNOTATION },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "arg", required_argument, NULL, OPT_ARG },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "push", no_argument, NULL, OPT_PUSH },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "builder", required_argument, NULL, OPT_BUILDER },
	{ "release", no_argument, NULL, OPT_RELEASE },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "keep-debug", no_argument, NULL, OPT_KEEP_DEBUG },
	{ "optimize", no_argument, NULL, OPT_OPTIMIZE },
	{ "bin", required_argument, NULL, OPT_BIN },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "cache-repo", required_argument, NULL, OPT_CACHE_REPO },
	{ "cache-repo-readonly", no_argument, NULL, OPT_CACHE_REPO_RO },
	{ "strict-wasi", no_argument, NULL, OPT_STRICT_WASI },
	{ "exceptions", required_argument, NULL, OPT_EXCEPTIONS },
	{ "stack-size", required_argument, NULL, OPT_STACK_SIZE },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "allow-import", required_argument, NULL, OPT_ALLOW_IMPORT },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "sbom", required_argument, NULL, OPT_SBOM },
	{ "no-provenance", no_argument, NULL, OPT_NO_PROVENANCE },
	{ "sign", no_argument, NULL, OPT_SIGN },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "check-runtime", required_argument, NULL, OPT_CHECK_RUNTIME },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns 0, or an exit status (> 0) to stop with, or -1 for help shown. */
static int parse_args(int argc, char **argv, struct build_opts *o)
{
	int c, err = 0;

	o->format = OCI_FORMAT_IMAGE;
	o->att.sbom = ATTEST_SBOM_SPDX;
	o->att.provenance = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:o:h", build_options, NULL)) != -1) {
		switch (c) {
		case OPT_WASM:
			o->wasm = optarg;
			break;
		case 't':
			err = wp_strv_add(&o->tags, optarg);
			break;
		case 'o':
			err = wp_strv_add(&o->outputs, optarg);
			break;
		case OPT_FORMAT:
			o->format = oci_format_parse(optarg);
			if (o->format < 0)
				return cmd_usage_error("build", "unknown --format '%s' (expected image, wasm or krustlet)",
						       optarg);
			break;
		case OPT_PLATFORM:
			err = parse_platform(o, optarg);
			break;
		case OPT_LABEL:
			err = oci_kvlist_set_pair(&o->labels, optarg, "--label");
			break;
		case OPT_ANNOTATION:
			err = oci_kvlist_set_pair(&o->annotations, optarg, "--annotation");
			break;
		case OPT_ENV:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return cmd_usage_error("build", "--env '%s' is not NAME=VALUE", optarg);
			err = wp_strv_add(&o->env, optarg);
			break;
		case OPT_ARG:
			err = wp_strv_add(&o->args, optarg);
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_PUSH:
			o->push = 1;
			break;
		case OPT_INSECURE:
			o->insecure = 1;
			break;
		case OPT_CA_FILE:
			o->ca_file = optarg;
			break;
		case OPT_BUILDER:
			if (!builder_known(optarg))
				return cmd_usage_error("build", "unknown --builder '%s' (expected one of %s)", optarg,
						       BUILDER_ORDER);
			o->src.builder = optarg;
			break;
		case OPT_RELEASE:
			o->src.debug = 0;
			break;
		case OPT_DEBUG:
			o->src.debug = 1;
			break;
		case OPT_KEEP_DEBUG:
			o->src.keep_debug = 1;
			break;
		case OPT_OPTIMIZE:
			o->src.optimize = 1;
			break;
		case OPT_BIN:
			o->src.bin = optarg;
			break;
		case OPT_ALLOW_IMPORT:
			if (!strchr(optarg, '.') || optarg[0] == '.')
				return cmd_usage_error("build", "--allow-import needs MODULE.NAME or MODULE.*, not '%s'", optarg);
			err = wp_strv_add(&o->src.allow_imports, optarg);
			break;
		case OPT_TARGET:
			o->src.target = optarg;
			break;
		case OPT_STRICT_WASI:
			o->src.strict_wasi = 1;
			break;
		case OPT_EXCEPTIONS:
			if (!strcmp(optarg, "auto"))
				o->src.exceptions = BUILDER_EXCEPTIONS_AUTO;
			else if (!strcmp(optarg, "wasm"))
				o->src.exceptions = BUILDER_EXCEPTIONS_WASM;
			else if (!strcmp(optarg, "none"))
				o->src.exceptions = BUILDER_EXCEPTIONS_NONE;
			else
				return cmd_usage_error("build", "--exceptions needs auto, wasm or none, not '%s'", optarg);
			break;
		case OPT_STACK_SIZE:
			/* a multiple of 16 (the stack pointer's alignment), at most 1 GiB */
			if (wp_parse_size(optarg, &o->src.stack_size) < 0 || o->src.stack_size % 16 ||
			    o->src.stack_size > (1u << 30))
				return cmd_usage_error("build", "--stack-size needs a size in bytes, a multiple of 16 up to 1G (K, M suffixes), not '%s'",
						       optarg);
			break;
		case OPT_NO_CACHE:
			o->src.no_cache = 1;
			break;
		case OPT_DRY_RUN:
			o->src.dry_run = 1;
			break;
		case OPT_SBOM:
			if ((o->att.sbom = attest_sbom_format_parse(optarg)) < 0)
				return cmd_usage_error("build", "unknown --sbom '%s' (expected spdx, cyclonedx or none)", optarg);
			break;
		case OPT_NO_PROVENANCE:
			o->att.provenance = 0;
			break;
		case OPT_SIGN:
			o->sign = 1;
			break;
		case OPT_KEY:
			o->att.key_file = optarg;
			break;
		case OPT_CACHE_REPO:
			o->cache_repo = optarg;
			break;
		case OPT_CACHE_REPO_RO:
			o->cache_repo_readonly = 1;
			break;
		case OPT_CHECK_RUNTIME:
			if (check_runtime_known("build", optarg) != 0)
				return EXIT_USAGE;
			o->check_runtime = optarg;
			break;
		case 'h':
			cmd_print_usage("build");
			return -1;
		case ':':
			return cmd_usage_error("build", "option %s needs a value", argv[optind - 1]);
		default:
			return cmd_usage_error("build", "unknown option '%s'", argv[optind - 1]);
		}
		if (err < 0) {
			if (err == WP_EUSAGE)
				return cmd_usage_error("build", "%s", wp_error_last());
			return cmd_report();
		}
	}
	if (optind < argc)
		o->dir = argv[optind++];
	if (optind < argc)
		return cmd_usage_error("build", "unexpected argument '%s'", argv[optind]);
	if (!o->dir)
		o->dir = ".";
	if (o->sign != (o->att.key_file != NULL))
		return cmd_usage_error("build", o->sign ? "--sign needs --key FILE (keyless signing is not available: see docs/attestations.md)"
						       : "--key needs --sign");
	if (o->wasm && build_source_conflict(&o->src))
		return cmd_usage_error("build", "%s builds from source and cannot be used with --wasm",
				       build_source_conflict(&o->src));
	return 0;
}

/* Resolve each -t value into the tag a layout keeps and the repo:tag a
 * docker archive keeps.  Bad references are refused here, before any
 * work is done. */
static int resolve_names(const struct wp_strv *tags, const char *name, struct publish_name **out)
{
	struct publish_name *items = calloc(tags->n + 1, sizeof(*items));
	size_t i;
	int err = 0;

	if (!items)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < tags->n && err == 0; i++) {
		const char *t = tags->v[i];
		struct registry_ref *r = NULL;

		if (registry_ref_is_bare_tag(t)) {
			if (!registry_tag_valid(t)) {
				err = wp_error_set(WP_EUSAGE, "invalid tag '%s' in -t (letters, digits, '_', '.', '-'; at most 128)", t);
				break;
			}
			items[i].tag = strdup(t);
			if (asprintf(&items[i].repo_tag, "%s:%s", name, t) < 0)
				items[i].repo_tag = NULL;
		} else {
			if ((err = registry_ref_parse(t, &r)) < 0) {
				wp_error_wrap(WP_EUSAGE, "-t");
				break;
			}
			if (!r->tag && r->digest) {
				err = wp_error_set(WP_EUSAGE, "-t %s: a digest cannot name a new image", t);
				registry_ref_free(r);
				break;
			}
			items[i].tag = strdup(r->tag ? r->tag : "latest");
			{
				int docker = !strcmp(r->registry, "docker.io");
				const char *repo = r->repository;
				if (docker && !strncmp(repo, "library/", 8))
					repo += 8;
				if (asprintf(&items[i].repo_tag, "%s%s%s:%s", docker ? "" : r->registry,
					     docker ? "" : "/", repo, items[i].tag) < 0)
					items[i].repo_tag = NULL;
			}
			registry_ref_free(r);
		}
		if (!items[i].tag || !items[i].repo_tag)
			err = wp_error_set(WP_ENOMEM, "out of memory");
	}
	if (err < 0) {
		for (i = 0; i < tags->n; i++) {
			free(items[i].tag);
			free(items[i].repo_tag);
		}
		free(items);
		return err;
	}
	*out = items;
	return 0;
}

/* With --push, the references to push to: each -t, a bare tag meaning
 * $WASMPACK_REPO/<name>:TAG; no -t meaning $WASMPACK_REPO/<name>:latest
 * (ko's KO_DOCKER_REPO).  Checked here, before anything is sent. */
static int push_refs(const struct wp_strv *tags, const char *name, struct wp_strv *out)
{
	const char *repo = getenv("WASMPACK_REPO");
	size_t i, n = tags->n ? tags->n : 1;
	int err = 0;

	for (i = 0; i < n && err == 0; i++) {
		const char *t = tags->n ? tags->v[i] : "latest";
		char *full = NULL;

		if (tags->n && !registry_ref_is_bare_tag(t)) {
			err = wp_strv_add(out, t);
			continue;
		}
		if (!repo || !*repo)
			return wp_error_set(WP_EUSAGE, tags->n ? "--push with the bare tag '%s' needs WASMPACK_REPO (or a full -t host/repo:%s)"
							       : "--push needs -t REF or WASMPACK_REPO%s%s",
					    tags->n ? t : "", tags->n ? t : "");
		while (strlen(repo) > 1 && repo[strlen(repo) - 1] == '/')
			repo = strndupa(repo, strlen(repo) - 1);
		if (asprintf(&full, "%s/%s:%s", repo, name, t) < 0)
			return wp_error_set(WP_ENOMEM, "out of memory");
		err = wp_strv_add(out, full);
		free(full);
	}
	return err;
}

/* Default annotations, then labels, then annotations: the user wins. */
static int make_annotations(const struct build_opts *o, const struct source_facts *src,
			    const struct builder_result *br, time_t created, struct oci_kvlist *ann)
{
	char when[32];
	size_t i;
	int err = 0;

	oci_time_format(created, when, sizeof(when));
	if ((err = oci_kvlist_set(ann, OCI_ANN_CREATED, when)) < 0 ||
	    (err = oci_kvlist_set(ann, OCI_ANN_TITLE, br->name)) < 0)
		return err;
	if (br->version && (err = oci_kvlist_set(ann, OCI_ANN_VERSION, br->version)) < 0)
		return err;
	if (src->source_url && (err = oci_kvlist_set(ann, OCI_ANN_SOURCE, src->source_url)) < 0)
		return err;
	if (src->revision && (err = oci_kvlist_set(ann, OCI_ANN_REVISION, src->revision)) < 0)
		return err;
	for (i = 0; i < o->labels.n; i++)
		if ((err = oci_kvlist_set(ann, o->labels.items[i].key, o->labels.items[i].value)) < 0)
			return err;
	for (i = 0; i < o->annotations.n; i++)
		if ((err = oci_kvlist_set(ann, o->annotations.items[i].key,
					  o->annotations.items[i].value)) < 0)
			return err;
	return 0;
}

/* Read and decode the module; a non-module is refused here, before any
 * output is touched. */
static int load_module(const char *path, struct wp_buf *bytes, struct wasm_module **mod)
{
	int err;

	if ((err = wp_fs_read_file(path, OCI_WASM_MAX, bytes)) < 0)
		return err;
	if ((err = wasm_module_decode(bytes->data, bytes->len, WASM_DECODE_FACTS, mod)) < 0) {
		char why[512];
		snprintf(why, sizeof(why), "%s", wp_error_last());
		return wp_error_set(WP_EINVALID, "not a WebAssembly module: %s (%s)", path, why);
	}
	return 0;
}

static json_t *summary_json(const struct oci_image *img, const struct wasm_module *mod,
			    const struct wp_buf *wasm, const char *wasm_digest,
			    const struct build_opts *o, const struct builder_result *br, json_t *refs)
{
	json_t *outputs = json_array();
	size_t i;

	for (i = 0; i < o->outputs.n; i++)
		json_array_append_new(outputs, json_string(o->outputs.v[i]));
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:O, s:s, s:o, s:b, s:s, s:s?, s:{s:s, s:I, s:s, s:s}}",
			 "digest", img->manifest.digest,
			 "mediaType", img->manifest.media_type,
			 "config", "digest", img->config.digest, "mediaType", img->config.media_type,
			 "format", oci_format_name(img->format),
			 "references", refs,
			 "output", o->outputs.n ? o->outputs.v[0] : "",
			 "outputs", outputs,
			 "pushed", o->push,
			 "name", br->name,
			 "builder", br->builder,
			 "wasm", "digest", wasm_digest, "size", (json_int_t)wasm->len,
			 "kind", wasm_kind_name(mod->kind), "wasi", wasm_wasi_name(mod->wasi));
}

/* The module from the project's builder; for a dry run, the plan is the
 * result.  Returns 0 to go on, or the exit status to stop with (> 0),
 * or -1 after a dry run was printed with status 0. */
static int build_from_source(struct build_opts *o, struct builder_result *br)
{
	char **excl = build_source_excludes(o->outputs.v, o->outputs.n);
	struct builder_opts bo = {
		.dir = o->dir,
		.builder = o->src.builder,
		.debug = o->src.debug,
		.keep_debug = o->src.keep_debug,
		.optimize = o->src.optimize,
		.strict_wasi = o->src.strict_wasi,
		.exceptions = o->src.exceptions,
		.stack_size = o->src.stack_size,
		.no_cache = o->src.no_cache,
		.dry_run = o->src.dry_run,
		.bin = o->src.bin,
		.target = o->src.target,
		.allow_imports = (const char *const *)o->src.allow_imports.v,
		.nallow_imports = o->src.allow_imports.n,
		.config = &o->src.config,
		.exclude = (const char *const *)excl,
		.nexclude = excl ? o->outputs.n : 0,
		.output = build_source_output,
	};
	int status = 0;

	if (builder_build(&bo, br) < 0)
		status = cmd_report();
	else if (o->src.dry_run)
		status = build_source_print_plan(br, o->json) == EXIT_OK ? -1 : EXIT_FAIL;
	else if (br->cache_hit)
		cmd_note("wasmpack: %s: unchanged since the last build, compile skipped (build cache)", br->name);
	else if (br->toolchain)
		cmd_note("wasmpack: built %s with the %s builder (%s): %zu bytes", br->name, br->builder,
			 br->toolchain, br->size_final);
	build_source_free_excludes(excl, o->outputs.n);
	return status;
}

int cmd_build(int argc, char **argv)
{
	struct build_opts o;
	struct builder_result br;
	struct source_facts src;
	struct wp_buf wasm = WP_BUF_INIT(OCI_WASM_MAX);
	struct wasm_module *mod = NULL;
	struct oci_image *img = NULL;
	struct oci_kvlist ann = { NULL, 0 };
	struct publish_name *names = NULL;
	struct publisher **pubs = NULL;
	struct wp_strv pushrefs = { NULL, 0 };
	struct registry_opts ro = { 0 };
	size_t npubs = 0;
	json_t *refs = json_array();
	char wasm_digest[OCI_DIGEST_SIZE], *first_ref = NULL;
	time_t created;
	size_t i;
	int status = EXIT_FAIL, r;

	if (build_many_wanted(argc, argv)) {
		json_decref(refs);
		return cmd_build_many(argc, argv);
	}
	build_state_open(); /* a child of build ./... reports its state */
	memset(&o, 0, sizeof(o));
	memset(&br, 0, sizeof(br));
	memset(&src, 0, sizeof(src));
	if ((r = parse_args(argc, argv, &o)) != 0) {
		status = r < 0 ? EXIT_OK : r;
		goto done;
	}
	if (o.platform_given && o.format != OCI_FORMAT_IMAGE)
		cmd_note("wasmpack: note: --platform applies to --format image only; the %s format records os %s",
			 oci_format_name(o.format), "wasip1 or wasip2 from the module");
	if (!wp_fs_exists(o.dir)) {
		wp_error_set(WP_ENOTFOUND, "%s: no such directory", o.dir);
		goto report;
	}
	if (!wp_fs_is_dir(o.dir)) {
		wp_error_set(WP_EINVALID, "%s: not a directory (to package a module use --wasm %s)", o.dir, o.dir);
		goto report;
	}
	if (o.outputs.n == 0 && !o.push && wp_strv_add(&o.outputs, "oci:wasmpack-out") < 0)
		goto report;
	if (build_attest_prepare(&o.att) < 0)
		goto report;

	/* 1. the module: prebuilt, or from a builder */
	if (o.wasm) {
		char *base = wp_path_basename(o.wasm);
		br.wasm_path = strdup(o.wasm);
		br.name = builder_sanitize_name(base ? base : "app");
		br.builder = strdup("prebuilt");
		free(base);
		if (!br.wasm_path || !br.name || !br.builder) {
			wp_error_set(WP_ENOMEM, "out of memory");
			goto report;
		}
	} else {
		struct registry_opts cro = { .insecure = o.insecure, .ca_file = o.ca_file };
		if (builder_config_load(o.dir, &o.src.config) < 0)
			goto report;
		if (!o.src.no_cache && !o.src.dry_run &&
		    build_cache_open(o.cache_repo, o.cache_repo_readonly, &cro) < 0) {
			if (wp_error_last_code() == WP_EUSAGE)
				status = cmd_usage_error("build", "%s", wp_error_last());
			else
				status = cmd_report();
			goto done;
		}
		if ((r = build_from_source(&o, &br)) != 0) {
			status = r < 0 ? EXIT_OK : r;
			goto done;
		}
		if (build_source_defaults(&o.src.config, &o.args, &o.env, &o.labels) < 0)
			goto report;
	}
	/* the module's own digest is printed only by --json */
	if (load_module(br.wasm_path, &wasm, &mod) < 0 ||
	    (o.json && oci_digest(wasm.data, wasm.len, wasm_digest) < 0))
		goto report;

	/* the runtime it is meant for provides what it imports */
	if (o.check_runtime && (status = check_build_module(mod, o.check_runtime, br.name)) != EXIT_OK)
		goto done;
	status = EXIT_FAIL;

	/* a platform that contradicts the module: wasip2 is for components,
	 * wasip1 for core modules (plain "wasi" is Docker's, for either) */
	if (o.format == OCI_FORMAT_IMAGE && o.os &&
	    !strcmp(o.os, mod->kind == WASM_KIND_COMPONENT ? "wasip1" : "wasip2")) {
		wp_error_set(WP_EUSAGE, "--platform %s/%s: %s is a %s; use %s/%s or wasi/%s", o.os,
			     o.arch ? o.arch : "wasm", br.name, wasm_kind_name(mod->kind),
			     mod->kind == WASM_KIND_COMPONENT ? "wasip2" : "wasip1", o.arch ? o.arch : "wasm",
			     o.arch ? o.arch : "wasm");
		goto report;
	}

	/* 2. names and outputs are checked before anything is written */
	if (resolve_names(&o.tags, br.name, &names) < 0)
		goto report;
	pubs = calloc(o.outputs.n + 1, sizeof(*pubs));
	if (!pubs) {
		wp_error_set(WP_ENOMEM, "out of memory");
		goto report;
	}
	for (i = 0; i < o.outputs.n; i++, npubs++) {
		struct publish_names pn = { names, o.tags.n, br.name };
		if (oci_publisher_open(o.outputs.v[i], &pn, &pubs[i]) < 0)
			goto report;
	}
	if (o.push) {
		/* the registry last: local outputs fail fast, before any upload */
		ro.insecure = o.insecure;
		ro.ca_file = o.ca_file;
		ro.ev = cmd_progress_events();
		ro.reuse_ping = 1; /* the attachments' sessions ask once */
		if (push_refs(&o.tags, br.name, &pushrefs) < 0 ||
		    registry_publisher_open(pushrefs.v, pushrefs.n, &ro, &pubs[npubs]) < 0)
			goto report;
		npubs++;
	}

	/* 3. source facts and the image */
	if (source_facts_read(o.dir, &src) < 0 || source_created_time(&src, &created) < 0 ||
	    make_annotations(&o, &src, &br, created, &ann) < 0)
		goto report;
	{
		struct oci_build_opts bo = {
			.format = o.format,
			.name = br.name,
			.os = o.os,
			.arch = o.arch,
			.created = created,
			.labels = &o.labels,
			.annotations = &ann,
			.env = o.env.v,
			.nenv = o.env.n,
			.args = o.args.v,
			.nargs = o.args.n,
		};
		if (oci_image_build(&bo, mod, wasm.data, wasm.len, &img) < 0)
			goto report;
	}
	/* the attachments are made before anything is written */
	if (build_attest_make(&o.att, img, &br, &src, wasm.data, wasm.len, created, o.src.debug,
			      &pushrefs) < 0)
		goto report;

	/* 4. publish (the registry attachments are prepared meanwhile) */
	if (o.push)
		build_state_report("pushing");
	if (build_attest_start(&o.att, img, &pushrefs, &ro, created) < 0)
		goto report;
	for (i = 0; i < npubs; i++) {
		char *ref = NULL;
		if (pubs[i]->publish(pubs[i], img, &ref, refs) < 0) {
			if (i < o.outputs.n)
				wp_error_wrap(wp_error_last_code(), "%s", o.outputs.v[i]);
			goto report;
		}
		/* stdout names the pushed image when there is one */
		if (!first_ref || (o.push && i == npubs - 1)) {
			free(first_ref);
			first_ref = ref;
		} else {
			free(ref);
		}
	}

	if (build_attest_publish(&o.att, img, &o.outputs, created) < 0)
		goto report;

	if (o.json) {
		json_t *s = summary_json(img, mod, &wasm, wasm_digest, &o, &br, refs);
		if (s && !o.wasm)
			build_source_json(s, &br);
		status = s ? cmd_print_json(s) : EXIT_FAIL;
		json_decref(s);
	} else {
		printf("%s\n", first_ref);
		status = EXIT_OK;
	}
	goto done;
report:
	status = cmd_report();
done:
	build_cache_close();
	if (pubs)
		for (i = 0; i < npubs; i++)
			publisher_free(pubs[i]);
	wp_strv_release(&pushrefs);
	free(pubs);
	if (names)
		for (i = 0; i < o.tags.n; i++) {
			free(names[i].tag);
			free(names[i].repo_tag);
		}
	free(names);
	free(first_ref);
	json_decref(refs);
	oci_image_free(img);
	oci_kvlist_release(&ann);
	wasm_module_free(mod);
	wp_buf_release(&wasm);
	source_facts_release(&src);
	builder_result_release(&br);
	build_opts_release(&o);
	return status;
}
