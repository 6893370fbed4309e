/*
 * run.c - `wasmpack run TARGET`: run a WASI command (or call a reactor's
 * export) with the same capability sandbox wasmtime gives it, from a .wasm
 * file or from an image in a layout, an archive or a registry.
 *
 * What the guest sees: its arguments (argv[0] = the module's name), the
 * environment it is given and nothing else, stdio, and the --dir
 * preopens.  What the user sees, as wasmtime shows it: the guest's own
 * output; its proc_exit code as our exit status; on a trap, "Error:
 * <reason>" and a wasm backtrace on stderr and status 134.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/size.h"
#include "../runner/runner.h"
#include "../runner/wasi.h"
#include "../common/fs.h"
#include "attach.h"
#include "cmd.h"
#include "progress.h"
#include "run.h"

const char cmd_run_usage[] =
	"usage: wasmpack run TARGET [options] [-- ARGS...]\n"
	"\n"
	"Run a WASI (preview1) module in wasmpack's engine and sandbox.\n"
	"TARGET: FILE.wasm | oci:DIR[:TAG] | oci-archive:FILE[:TAG] | HOST/REPO[:TAG] (pulled,\n"
	"verified; name the registry: docker.io/NAME for Docker Hub).  A missing FILE is an\n"
	"error, never a pull.\n"
	"For images, the config's Cmd gives the default ARGS and its Env the default\n"
	"environment; the module is read from the image in memory.\n"
	"\n"
	"  --dir HOST[::GUEST]   preopen directory HOST, seen by the guest as GUEST\n"
	"                        (default: HOST); repeatable.  Nothing else is visible.\n"
	"  --env NAME=VAL        set a variable; --env NAME passes the host's value.\n"
	"                        The environment is otherwise empty.\n"
	"  --inherit-env         pass the whole host environment\n"
	"  --max-memory BYTES    limit each linear memory (K, M, G suffixes)\n"
	"  --max-table-elements N\n"
	"                        limit each table (default 10000000 elements)\n"
	"  --fuel N              trap after about N instructions (bulk memory and\n"
	"                        table operations: one per 64 bytes)\n"
	"  --timeout SECONDS     trap after this much wall-clock time (e.g. 2, 0.5, 300ms)\n"
	"  --invoke EXPORT       call EXPORT (after _initialize) with ARGS as its\n"
	"                        parameters and print its results, instead of _start;\n"
	"                        for a component: 'name(arg, ...)' in WAVE text\n"
	"  --tcplisten ADDR:PORT preopen a listening TCP socket for the guest\n"
	"  --insecure, --ca-file FILE, --platform OS/ARCH   for REF, as in pull\n"
	"  --verify-key FILE    run the image only if a signature by this public key\n"
	"                       covers it and nothing attached is wrong ('wasmpack verify')\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: the guest's proc_exit code (0 when _start returns); 134 when it\n"
	"traps or hits a limit (\"Error: <reason>\" and a backtrace on stderr); 1 when\n"
	"it cannot be loaded or linked (nothing runs then), or exits with 126 or more.\n";

enum {
	OPT_DIR = 256, OPT_ENV, OPT_INHERIT_ENV, OPT_MAX_MEMORY, OPT_MAX_TABLE, OPT_FUEL, OPT_TIMEOUT, OPT_INVOKE,
	OPT_TCPLISTEN, OPT_INSECURE, OPT_CA_FILE, OPT_PLATFORM, OPT_VERIFY_KEY,
};

static const struct option run_options[] = {
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "inherit-env", no_argument, NULL, OPT_INHERIT_ENV },
	{ "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
	{ "max-table-elements", required_argument, NULL, OPT_MAX_TABLE },
	{ "fuel", required_argument, NULL, OPT_FUEL },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "invoke", required_argument, NULL, OPT_INVOKE },
	{ "tcplisten", required_argument, NULL, OPT_TCPLISTEN },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "verify-key", required_argument, NULL, OPT_VERIFY_KEY },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};


static int push_ptr(void *vec, size_t *n, void *item, size_t size)
{
	char **v = vec;
	char *grown = realloc(*v, (*n + 1) * size);

	if (!grown)
		return -1;
	memcpy(grown + *n * size, item, size);
	*v = grown;
	(*n)++;
	return 0;
}

/* --tcplisten HOST:PORT ([::1]:PORT for IPv6): 0 when PORT is 1-65535.
 * getaddrinfo takes "99999" and binds port 34463, so we check first. */
static int check_listen(const char *spec)
{
	const char *colon = strrchr(spec, ':');
	char *end;
	unsigned long port;

	if (!colon || colon == spec || colon[1] < '0' || colon[1] > '9')
		return -1;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	return errno || *end || port < 1 || port > 65535 ? -1 : 0;
}


/* "2", "0.5", "2s", "300ms" -> seconds */
static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v > 0) || v > 1e9)
		return -1;
	if (!strcmp(end, "ms"))
		v /= 1000;
	else if (*end && strcmp(end, "s"))
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct run_args *a)
{
	uint64_t n;
	int c, i;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", run_options, NULL)) != -1) {
		struct wasi_preopen d;
		char *sep;
		switch (c) {
		case 'h':
			cmd_print_usage("run");
			return 1; /* done, successfully */
		case OPT_DIR:
			d.host = optarg;
			d.guest = optarg;
			if ((sep = strstr(optarg, "::"))) {
				*sep = '\0';
				d.guest = sep + 2;
			}
			if (!*d.host || !*d.guest)
				return cmd_usage_error("run", "--dir needs HOST[::GUEST]");
			if (push_ptr(&a->dirs, &a->ndirs, &d, sizeof(d)) < 0)
				return cmd_usage_error("run", "out of memory");
			break;
		case OPT_ENV:
			if (!optarg[0] || optarg[0] == '=')
				return cmd_usage_error("run", "--env needs NAME=VALUE or NAME");
			if (push_ptr(&a->envs, &a->nenvs, &optarg, sizeof(optarg)) < 0)
				return cmd_usage_error("run", "out of memory");
			break;
		case OPT_INHERIT_ENV:
			a->inherit_env = 1;
			break;
		case OPT_MAX_MEMORY:
			if (wp_parse_size(optarg, &a->max_memory) < 0)
				return cmd_usage_error("run", "--max-memory needs a size in bytes (K, M, G suffixes), not '%s'", optarg);
			break;
		case OPT_MAX_TABLE:
			if (wp_parse_size(optarg, &n) < 0 || n > UINT32_MAX)
				return cmd_usage_error("run", "--max-table-elements needs a number from 1 to %" PRIu32 ", not '%s'",
						       UINT32_MAX, optarg);
			a->max_table = (uint32_t)n;
			break;
		case OPT_FUEL:
			if (wp_parse_size(optarg, &a->fuel) < 0)
				return cmd_usage_error("run", "--fuel needs a positive number, not '%s'", optarg);
			break;
		case OPT_TIMEOUT:
			if (parse_seconds(optarg, &a->timeout) < 0)
				return cmd_usage_error("run", "--timeout needs seconds (2, 0.5, 300ms), not '%s'", optarg);
			a->timeout_text = optarg;
			break;
		case OPT_INVOKE:
			a->invoke = optarg;
			break;
		case OPT_TCPLISTEN:
			if (check_listen(optarg) < 0)
				return cmd_usage_error("run", "--tcplisten needs HOST:PORT with PORT 1-65535, not '%s'",
						       optarg);
			if (push_ptr(&a->listen, &a->nlisten, &optarg, sizeof(optarg)) < 0)
				return cmd_usage_error("run", "out of memory");
			break;
		case OPT_INSECURE:
			a->ro.insecure = 1;
			break;
		case OPT_CA_FILE:
			a->ro.ca_file = optarg;
			break;
		case OPT_PLATFORM:
			if (!strchr(optarg, '/'))
				return cmd_usage_error("run", "--platform '%s' is not OS/ARCH", optarg);
			a->ro.platform = optarg;
			break;
		case OPT_VERIFY_KEY:
			a->verify_key = optarg;
			break;
		default:
			return cmd_usage_error("run", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cmd_usage_error("run", "missing TARGET");
	a->target = argv[optind];
	/* everything after TARGET (and after "--") belongs to the guest */
	for (i = optind + 1; i < argc; i++) {
		a->have_args = 1;
		if (push_ptr(&a->args, &a->nargs, &argv[i], sizeof(argv[i])) < 0)
			return cmd_usage_error("run", "out of memory");
	}
	if (!a->have_args && optind > 1 && !strcmp(argv[optind - 1], "--"))
		a->have_args = 1; /* "run app.wasm --" : empty ARGS, not the image's Cmd */
	return 0;
}

/* --verify-key: the image's signatures, before anything is loaded.
 * Returns 0 to go on, else the exit status. */
static int verify_first(struct run_args *a)
{
	struct attest_report rep;

	if (!strncmp(a->target, "oci-archive:", 12) || !strncmp(a->target, "docker-archive:", 15) ||
	    (strncmp(a->target, "oci:", 4) != 0 && wp_fs_exists(a->target)))
		return cmd_usage_error("run", "--verify-key needs an image in a registry or an oci: layout, not '%s'",
				       a->target);
	if (attach_verify(a->target, &a->ro, a->verify_key, &rep, a->verified) < 0)
		return cmd_report();
	attest_report_release(&rep);
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a;
	struct run_target t;
	int status;

	memset(&a, 0, sizeof(a));
	memset(&t, 0, sizeof(t));
	a.max_table = RUN_MAX_TABLE_DEFAULT;
	/* before we open anything that could take their numbers */
	for (status = 0; status < 3; status++)
		a.stdio_closed[status] = fcntl(status, F_GETFD) < 0;
	if ((status = parse_args(argc, argv, &a)) != 0) {
		status = status == 1 ? EXIT_OK : status;
		goto done;
	}
	if (a.verify_key && (status = verify_first(&a)) != 0)
		goto done;
	a.ro.ev = cmd_progress_events();
	if (run_target_load(a.target, &a.ro, &t) < 0) {
		status = cmd_report();
		goto done;
	}
	/* what runs is what was verified (a tag may move in between) */
	if (a.verify_key && (!t.origin || !strstr(t.origin, a.verified))) {
		wp_error_set(WP_EINVALID, "%s: the image changed after it was verified (%s, now %s)", a.target,
			     a.verified, t.origin ? t.origin : "?");
		status = cmd_report();
		goto done;
	}
	status = run_exec(&a, &t);
done:
	run_target_release(&t);
	free(a.dirs);
	free(a.envs);
	free(a.args);
	free(a.listen);
	return status;
}
