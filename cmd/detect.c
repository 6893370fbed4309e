/*
 * detect.c - `wasmpack detect [DIR] [--json]`: every builder's verdict on
 * the directory, in detection order, with the toolchain it would use, so
 * a user who gets the wrong builder sees why.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../builders/builder.h"
#include "../builders/config.h"
#include "../common/error.h"
#include "../common/fs.h"
#include "cmd.h"

const char cmd_detect_usage[] =
	"usage: wasmpack detect [DIR] [--json] [--builder NAME] [--target NAME] [--no-targets]\n"
	"\n"
	"Show which builder `wasmpack build DIR` would run, why, and with which\n"
	"toolchain.  Every builder is listed in detection order (" BUILDER_ORDER ")\n"
	"with its verdict; the first that passes and has a toolchain wins.\n"
	"For a C/C++ project, the project is configured as the build would\n"
	"(CMake, Meson, make's database) to list its executables and the one\n"
	"the build would choose.  Exits 1 when no builder applies.\n"
	"\n"
	"  --builder NAME   show what forcing this builder would use\n"
	"  --target NAME    show the choice with this target\n"
	"  --no-targets     do not configure the project to list its targets\n"
	"  --json           print the verdicts as JSON\n"
	"  -h, --help       show this help\n";

static json_t *to_json(const struct builder_detection *d)
{
	json_t *list = json_array(), *j;
	int i;

	for (i = 0; i < BUILDER_COUNT; i++) {
		const struct builder_verdict *v = &d->v[i];
		json_array_append_new(list, json_pack("{s:s, s:b, s:s?, s:b, s:s?, s:s?, s:s?}", "name", v->name,
						      "pass", v->pass, "reason", v->reason, "toolchainFound",
						      v->have_toolchain, "toolchain", v->toolchain, "missing",
						      v->missing, "note", v->note));
	}
	j = json_pack("{s:s, s:o, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "dir", d->dir, "builders", list,
		      "selected", d->selected >= 0 ? d->v[d->selected].name : NULL, "toolchain",
		      d->selected >= 0 ? d->v[d->selected].toolchain : NULL, "name", d->name, "version", d->version,
		      "targets", d->targets && strcmp(d->targets, "-") ? d->targets : NULL, "target", d->target,
		      "targetReason", d->target_why, "targetsError", d->targets_error);
	return j;
}

static void print_text(const struct builder_detection *d)
{
	int i;

	for (i = 0; i < BUILDER_COUNT; i++) {
		const struct builder_verdict *v = &d->v[i];
		printf("%-15s %s  %s", v->name, v->pass ? "pass" : "fail", v->reason ? v->reason : "");
		if (v->pass && v->have_toolchain)
			printf("; toolchain: %s", v->toolchain ? v->toolchain : "none needed");
		else if (v->pass)
			printf("; no toolchain: %s", v->missing ? v->missing : "?");
		printf("\n");
		if (v->note)
			printf("%-15s       note: %s\n", "", v->note);
	}
	if (d->selected >= 0)
		printf("selected: %s (project %s%s%s)\n", d->v[d->selected].name, d->name ? d->name : "?",
		       d->version ? " " : "", d->version ? d->version : "");
	if (d->targets && strcmp(d->targets, "-"))
		printf("targets: %s\n", d->targets);
	if (d->target_why)
		printf("builds: %s%s(%s)\n", d->target ? d->target : "", d->target ? " " : "", d->target_why);
	if (d->targets_error)
		printf("targets: unknown: %s\n", d->targets_error);
}

int cmd_detect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "builder", required_argument, NULL, 'b' },
		{ "target", required_argument, NULL, 't' },
		{ "no-targets", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct builder_config cfg;
	struct builder_detection d;
	struct builder_opts bo;
	const char *dir = ".", *forced = NULL, *target = NULL;
	int c, json = 0, status = EXIT_FAIL, targets = 1;

	memset(&cfg, 0, sizeof(cfg));
	memset(&d, 0, sizeof(d));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'b':
			if (!builder_known(optarg))
				return cmd_usage_error("detect", "unknown --builder '%s' (expected one of %s)", optarg,
						       BUILDER_ORDER);
			forced = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'n':
			targets = 0;
			break;
		case 'h':
			return cmd_print_usage("detect");
		case ':':
			return cmd_usage_error("detect", "option %s needs a value", argv[optind - 1]);
		default:
			return cmd_usage_error("detect", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind < argc)
		return cmd_usage_error("detect", "unexpected argument '%s'", argv[optind]);
	if (!wp_fs_is_dir(dir)) {
		wp_error_set(WP_ENOTFOUND, "%s: no such directory", dir);
		return cmd_report();
	}
	if (builder_config_load(dir, &cfg) < 0)
		return cmd_report();
	memset(&bo, 0, sizeof(bo));
	bo.dir = dir;
	bo.builder = forced;
	bo.config = &cfg;
	bo.target = target;
	bo.list_targets = targets;
	if (builder_detect(&bo, &d) < 0) {
		status = cmd_report();
		goto done;
	}
	if (json) {
		json_t *j = to_json(&d);
		status = j ? cmd_print_json(j) : EXIT_FAIL;
		json_decref(j);
	} else {
		print_text(&d);
		status = EXIT_OK;
	}
	if (d.selected < 0) {
		fflush(stdout);
		fprintf(stderr, "wasmpack: nothing to build in %s: %s\n", dir, builder_nothing_message());
		status = EXIT_FAIL;
	}
done:
	builder_detection_release(&d);
	builder_config_release(&cfg);
	return status;
}
