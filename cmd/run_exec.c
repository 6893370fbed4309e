/*
 * run_exec.c - the running part of `wasmpack run`: the guest's argv and
 * environment, the WASI host, the engine with its limits, the timeout
 * timer, and how the way a guest ends becomes our exit status (as the
 * wasmtime CLI does it).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/strv.h"
#include "../common/text.h"
#include "../runner/component.h"
#include "../runner/runner.h"
#include "../runner/wasi.h"
#include "cmd.h"
#include "run.h"

extern char **environ;

#define EXIT_TRAP 134 /* 128 + SIGABRT, what wasmtime exits with on a trap */

static volatile sig_atomic_t run_interrupt;
/* The running guest's host, for on_fatal_signal. */
static const wasi_ctx *volatile run_wasi;

static void on_alarm(int sig)
{
	(void)sig;
	run_interrupt = 1;
}

/* SIGTERM, SIGINT, SIGHUP end us as they would have, with the stdio flags
 * the shell shares put back first (the handler was reset on entry: the
 * raised signal is delivered with the default action once we return). */
static void on_fatal_signal(int sig)
{
	wasi_ctx_restore_stdio(run_wasi);
	raise(sig);
}

static void catch_fatal_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL); /* an ignored one (nohup) stays ignored */
}

/* A growable vector of owned strings. */
/* The image's Env, then the host's (--inherit-env), then each --env. */
static int build_env(const struct run_args *a, const struct run_target *t, struct wp_strv *env)
{
	char **e;
	size_t i;
	int err;

	for (i = 0; i < t->nenv; i++)
		if (strchr(t->env[i], '=') && (err = wp_strv_setenv(env, t->env[i])) < 0)
			return err;
	for (e = environ; a->inherit_env && e && *e; e++)
		if (strchr(*e, '=') && (err = wp_strv_setenv(env, *e)) < 0)
			return err;
	for (i = 0; i < a->nenvs; i++) {
		const char *val;
		char *pair;
		if (strchr(a->envs[i], '=')) {
			err = wp_strv_setenv(env, a->envs[i]);
		} else if ((val = getenv(a->envs[i]))) {
			if (asprintf(&pair, "%s=%s", a->envs[i], val) < 0)
				return wp_error_set(WP_ENOMEM, "out of memory");
			err = wp_strv_setenv(env, pair);
			free(pair);
		} else {
			continue; /* --env NAME with NAME unset on the host: nothing to pass */
		}
		if (err < 0)
			return err;
	}
	return 0;
}

/* argv[0], the rest of the image's Entrypoint, then the ARGS given, else
 * the image's Cmd. */
static int build_argv(const struct run_args *a, const struct run_target *t, struct wp_strv *argv)
{
	size_t i;
	int err;

	if ((err = wp_strv_add(argv, t->argv0 ? t->argv0 : "main.wasm")) < 0)
		return err;
	for (i = 0; i < t->nentry; i++)
		if ((err = wp_strv_add(argv, t->entry[i])) < 0)
			return err;
	if (a->have_args) {
		for (i = 0; i < a->nargs; i++)
			if ((err = wp_strv_add(argv, a->args[i])) < 0)
				return err;
	} else {
		for (i = 0; i < t->ncmd; i++)
			if ((err = wp_strv_add(argv, t->cmd[i])) < 0)
				return err;
	}
	return 0;
}

/* --tcplisten HOST:PORT: a listening socket handed to the guest. */
static int open_listener(const char *spec, int *out)
{
	struct addrinfo hints, *res = NULL;
	char host[256];
	const char *colon = strrchr(spec, ':');
	size_t hlen = colon ? (size_t)(colon - spec) : 0;
	int fd = -1, one = 1, rc;

	if (!colon || hlen == 0 || hlen >= sizeof(host) || !colon[1])
		return wp_error_set(WP_EUSAGE, "--tcplisten needs HOST:PORT, not '%s'", spec);
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	if (host[0] == '[' && host[hlen - 1] == ']') { /* [::1]:8080 */
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &res)) != 0)
		return wp_error_set(WP_EUSAGE, "--tcplisten %s: %s", spec, gai_strerror(rc));
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 128) < 0) {
		rc = wp_error_errno(WP_EIO, "--tcplisten %s", spec);
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return rc;
	}
	freeaddrinfo(res);
	*out = fd;
	return 0;
}

/* The module's own text (a trap message, function names) on stderr,
 * escaped so it cannot act on the terminal. */
static void print_escaped(const char *before, const char *text, const char *after, int lines)
{
	char *safe = wp_text_escape(text, lines);

	fprintf(stderr, "%s%s%s", before, safe ? safe : "(out of memory)", after);
	free(safe);
}

/* Print a trap the way wasmtime does: the reason, then the wasm frames. */
static void print_trap(const struct run_args *a, const struct runner_trap *tr)
{
	char bt[4096];

	if (tr->kind == RUNNER_TRAP_OUT_OF_FUEL)
		fprintf(stderr, "Error: all fuel consumed (--fuel %" PRIu64 ")\n", a->fuel);
	else if (tr->kind == RUNNER_TRAP_MEMORY_LIMIT)
		fprintf(stderr, "Error: memory limit exceeded (--max-memory %" PRIu64 " bytes)\n",
			a->max_memory);
	else if (tr->kind == RUNNER_TRAP_TABLE_LIMIT)
		fprintf(stderr, "Error: table limit exceeded (--max-table-elements %" PRIu32 ")\n",
			a->max_table);
	else if (run_interrupt && a->timeout > 0 &&
		 (tr->kind == RUNNER_TRAP_INTERRUPTED || !strcmp(tr->message, "interrupted")))
		fprintf(stderr, "Error: interrupted: --timeout %s expired\n", a->timeout_text);
	else
		print_escaped("Error: ", tr->message[0] ? tr->message : "wasm trap", "\n", 0);
	if (tr->nframes > 0) {
		/* the frames name functions from the module's name section */
		runner_trap_format_backtrace(tr, bt, sizeof(bt));
		print_escaped("", bt, "", 1);
	}
}

/* How the run ended, as an exit status. */
static int status_of(const struct run_args *a, const struct run_target *t, int rc,
		     const struct runner_trap *tr)
{
	if (rc == 0)
		return EXIT_OK;
	if (rc == RUNNER_EEXIT) {
		if (tr->exit_code >= 0 && tr->exit_code < 126)
			return tr->exit_code;
		/* 126 and up mean "could not run" to shells; wasmtime refuses them */
		fprintf(stderr, "Error: exit with invalid exit status %u outside of [0..126)\n",
			(unsigned)tr->exit_code);
		return EXIT_FAIL;
	}
	if (rc == RUNNER_ETRAP) {
		print_trap(a, tr);
		return EXIT_TRAP;
	}
	wp_error_wrap(rc, "%s", t->origin);
	return cmd_report();
}

static void arm_timer(double seconds)
{
	struct sigaction sa;
	struct itimerval it;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a blocked host call must see EINTR */
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - floor(seconds)) * 1e6);
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1;
	/* keep ringing: a host call that starts blocking after the first
	 * signal is still woken up */
	it.it_interval.tv_usec = 10000;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_timer(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}

/* --invoke on a component: 'name(arg, ...)' in WAVE text, or NAME with
 * ARGS one WAVE value each; the result printed in WAVE on stdout.  0 when
 * called, 1 after a usage error (reported, *status set), else the
 * engine's RUNNER_E* / WP_E*. */
static int invoke_component(const struct run_args *a, runner_cinstance *ci, struct runner_trap *tr,
			    int *status)
{
	const struct wc_type *ft = NULL;
	struct cval *args = NULL, result;
	char name[256], why[300];
	uint32_t i;
	int err;

	memset(&result, 0, sizeof(result));
	if (strchr(a->invoke, '(')) {
		if (run_wave_parse_call(a->invoke, NULL, name, sizeof(name), &args, why, sizeof(why)) < 0)
			goto usage;
	} else {
		snprintf(name, sizeof(name), "%s", a->invoke);
	}
	if (!(ft = runner_component_export_type(ci, name))) {
		snprintf(why, sizeof(why), "the component exports no function \"%s\"", name);
		goto usage;
	}
	if (strchr(a->invoke, '(')) {
		if (run_wave_parse_call(a->invoke, ft, name, sizeof(name), &args, why, sizeof(why)) < 0)
			goto usage;
	} else {
		if (a->nargs != ft->nfields) {
			snprintf(why, sizeof(why), "%s takes %u argument%s, %zu given", name, ft->nfields,
				 ft->nfields == 1 ? "" : "s", a->nargs);
			goto usage;
		}
		args = calloc(ft->nfields + 1, sizeof(*args));
		for (i = 0; args && i < ft->nfields; i++)
			if (run_wave_parse_value(a->args[i], ft->fields[i].vt, &args[i], why, sizeof(why)) < 0)
				goto usage;
	}
	err = runner_component_invoke(ci, name, args, &result, tr);
	if (err == 0 && ft->has_a) {
		run_wave_print(stdout, ft->a, &result);
		fputc('\n', stdout);
	}
	if (err == 0)
		*status = EXIT_OK;
	goto done;
usage:
	wp_error_set(WP_EUSAGE, "--invoke %s: %s", a->invoke, why);
	*status = cmd_report();
	err = 1;
done:
	for (i = 0; args && ft && i < ft->nfields; i++)
		cval_release(&args[i]);
	free(args);
	cval_release(&result);
	return err;
}

/* A WASI 0.2 command component: the same argv, environment, stdio,
 * limits, timeout and exit-status rules as a preview1 module; run's
 * result<_, _> is exit status 0 or 1. */
static int run_component(const struct run_args *a, struct run_target *t)
{
	struct wp_strv argv = { 0 }, env = { 0 };
	struct wasi2_config wc;
	struct runner_config rc;
	struct runner_trap tr;
	struct wasm_module *m = NULL;
	wasi2_host *h = NULL;
	runner_cinstance *ci = NULL;
	int *socks = NULL, status = EXIT_FAIL, err, ok = 0;
	size_t i, nsocks = 0;

	memset(&tr, 0, sizeof(tr));
	if ((err = wasm_module_decode(t->wasm.data, t->wasm.len, WASM_DECODE_FACTS, &m)) < 0) {
		wp_error_wrap(err, "%s", t->origin);
		return cmd_report();
	}
	if (a->nlisten && !(socks = calloc(a->nlisten, sizeof(int))))
		goto fail;
	for (i = 0; i < a->nlisten; i++, nsocks++)
		if (open_listener(a->listen[i], &socks[i]) < 0)
			goto fail;
	if (build_argv(a, t, &argv) < 0 || build_env(a, t, &env) < 0)
		goto fail;
	memset(&wc, 0, sizeof(wc));
	wc.dirs = a->dirs;
	wc.ndirs = a->ndirs;
	wc.argv = (const char *const *)argv.v;
	wc.argc = argv.n;
	wc.env = (const char *const *)env.v;
	wc.nenv = env.n;
	for (i = 0; i < 3; i++)
		wc.stdio[i] = a->stdio_closed[i] ? -1 : (int)i;
	wc.interrupt = &run_interrupt;
	wc.listeners = socks;
	wc.nlisteners = nsocks;
	if (wasi2_host_new(&wc, &h) < 0)
		goto fail;
	nsocks = 0; /* the host owns them from here on */
	memset(&rc, 0, sizeof(rc));
	rc.max_memory_bytes = a->max_memory;
	rc.fuel = a->fuel;
	rc.max_table_elements = a->max_table;
	rc.interrupt = &run_interrupt;
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	if (a->timeout > 0)
		arm_timer(a->timeout);
	err = runner_component_instantiate(m->component, h, &rc, &ci, &tr);
	if (err == 0 && a->invoke) {
		err = invoke_component(a, ci, &tr, &status);
		disarm_timer();
		if (err == 1 || err == 0)
			goto done; /* reported or printed */
		status = status_of(a, t, err, &tr);
		goto done;
	}
	if (err == 0)
		err = runner_component_run(ci, &ok, &tr);
	disarm_timer();
	if (err == 0 && !ok)
		status = EXIT_FAIL; /* run returned err: exit status 1, as wasmtime */
	else
		status = status_of(a, t, err, &tr);
	goto done;
fail:
	status = cmd_report();
done:
	runner_cinstance_free(ci);
	wasi2_host_free(h);
	while (nsocks > 0)
		close(socks[--nsocks]);
	free(socks);
	wasm_module_free(m);
	wp_strv_release(&argv);
	wp_strv_release(&env);
	return status;
}

int run_exec(const struct run_args *a, struct run_target *t)
{
	struct wp_strv argv = { 0 }, env = { 0 };
	struct wasi_config wc;
	struct runner_config rc;
	struct runner_trap tr;
	runner_module *m = NULL;
	runner_linker *l = NULL;
	runner_instance *inst = NULL;
	wasi_ctx *w = NULL;
	int *socks = NULL, status = EXIT_FAIL, err;
	size_t i, nsocks = 0;

	memset(&tr, 0, sizeof(tr));
	if (t->wasm.len >= 8 && t->wasm.data[6] == 1 && t->wasm.data[7] == 0)
		return run_component(a, t); /* layer 1: a component */
	if ((err = runner_module_load(t->wasm.data, t->wasm.len, &m)) < 0) {
		wp_error_wrap(err, "%s", t->origin);
		status = cmd_report();
		goto done;
	}
	wp_buf_release(&t->wasm); /* the module keeps what it needs */
	if (a->nlisten && !(socks = calloc(a->nlisten, sizeof(int)))) {
		status = cmd_report();
		goto done;
	}
	for (i = 0; i < a->nlisten; i++, nsocks++)
		if (open_listener(a->listen[i], &socks[i]) < 0)
			goto fail;
	if (build_argv(a, t, &argv) < 0 || build_env(a, t, &env) < 0)
		goto fail;
	memset(&wc, 0, sizeof(wc));
	wc.argv = (const char *const *)argv.v;
	wc.argc = argv.n;
	wc.env = (const char *const *)env.v;
	wc.nenv = env.n;
	wc.dirs = a->dirs;
	wc.ndirs = a->ndirs;
	wc.sockets = socks;
	wc.nsockets = nsocks;
	for (i = 0; i < 3; i++)
		wc.stdio[i] = a->stdio_closed[i] ? -1 : (int)i;
	wc.interrupt = &run_interrupt;
	nsocks = 0; /* the host owns them from here on */
	if (wasi_ctx_new(&wc, &w) < 0 || runner_linker_new(&l) < 0 || wasi_ctx_link(w, l) < 0)
		goto fail;
	run_wasi = w;
	catch_fatal_signals();
	memset(&rc, 0, sizeof(rc));
	rc.max_memory_bytes = a->max_memory;
	rc.fuel = a->fuel;
	rc.max_table_elements = a->max_table;
	rc.interrupt = &run_interrupt;
	signal(SIGPIPE, SIG_IGN); /* a closed stdout is EPIPE for the guest, as in wasmtime */
	fflush(stdout);
	if (a->timeout > 0)
		arm_timer(a->timeout);
	/* links every import first: a missing one fails here, before anything runs */
	err = runner_instantiate(l, m, &rc, &inst, &tr);
	if (err == 0) {
		if (a->invoke) {
			err = run_invoke(a, inst, &tr, &status);
			if (err == 1) { /* a usage problem, already reported */
				disarm_timer();
				goto done;
			}
		} else if (runner_instance_func(inst, "_start")) {
			err = runner_call(inst, "_start", NULL, 0, NULL, 0, &tr);
		} else {
			disarm_timer();
			wp_error_set(WP_EUSAGE, "%s has no _start export (a reactor? use --invoke EXPORT)",
				     t->origin);
			status = cmd_report();
			goto done;
		}
	}
	disarm_timer();
	if (err != 0 || !a->invoke)
		status = status_of(a, t, err, &tr);
	goto done;
fail:
	status = cmd_report();
done:
	for (i = 0; i < nsocks; i++)
		close(socks[i]);
	runner_instance_free(inst);
	runner_linker_free(l);
	run_wasi = NULL;
	wasi_ctx_free(w);
	runner_module_free(m);
	wp_strv_release(&argv);
	wp_strv_release(&env);
	free(socks);
	return status;
}
