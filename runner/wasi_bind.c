/*
 * wasi_bind.c - the WASI host's context, its link into an engine linker,
 * the shared helpers of the binding layer, and the bindings that touch no
 * descriptor: args, environ, clocks, random, proc_*, sched_yield.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/error.h"
#include "wasi_bind.h"

static const char *const wasi_modules[] = { "wasi_snapshot_preview1", "wasi_unstable" };

int wasi_is_module(const char *module)
{
	return !strcmp(module, wasi_modules[0]) || !strcmp(module, wasi_modules[1]);
}

/* ---- context ---- */

static int copy_strings(const char *const *src, size_t n, char ***out, size_t *bytes)
{
	size_t i;

	*bytes = 0;
	if (!(*out = calloc(n + 1, sizeof(char *))))
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (!((*out)[i] = strdup(src[i])))
			return wp_error_set(WP_ENOMEM, "out of memory");
		*bytes += strlen(src[i]) + 1;
	}
	if (*bytes > UINT32_MAX)
		return wp_error_set(WP_ETOOBIG, "arguments or environment too large for a guest");
	return 0;
}

static void free_strings(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int wasi_ctx_new(const struct wasi_config *cfg, wasi_ctx **out)
{
	struct wasi_ctx *w = calloc(1, sizeof(*w));
	int err;

	*out = NULL;
	if (!w) {
		size_t i;
		for (i = 0; i < cfg->nsockets; i++)
			close(cfg->sockets[i]);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	w->argc = cfg->argc;
	w->nenv = cfg->nenv;
	w->interrupt = cfg->interrupt;
	if ((err = wasi_fd_table_init(w, cfg)) < 0 ||
	    (err = copy_strings(cfg->argv, cfg->argc, &w->argv, &w->argv_bytes)) < 0 ||
	    (err = copy_strings(cfg->env, cfg->nenv, &w->env, &w->env_bytes)) < 0) {
		wasi_ctx_free(w);
		return err;
	}
	*out = w;
	return 0;
}

void wasi_ctx_restore_stdio(const wasi_ctx *w)
{
	int i;

	for (i = 0; w && i < 3; i++)
		if (w->stdio_host[i] >= 0 && w->stdio_fl[i] >= 0 &&
		    fcntl(w->stdio_host[i], F_GETFL) != w->stdio_fl[i])
			(void)fcntl(w->stdio_host[i], F_SETFL, w->stdio_fl[i]);
}

void wasi_ctx_free(wasi_ctx *w)
{
	if (!w)
		return;
	wasi_fd_table_release(w);
	/* O_NONBLOCK or O_APPEND changed would outlive us on a file the shell shares */
	wasi_ctx_restore_stdio(w);
	free_strings(w->argv);
	free_strings(w->env);
	free(w->envs);
	free(w);
}

/* Every import lands here: set up the call's memory view, run the binding,
 * hand its errno back as the i32 result. */
static int trampoline(runner_caller *c, void *env, const runner_val *args, runner_val *results)
{
	struct wasi_env *e = env;
	struct wasi_call k;
	int r;

	k.w = e->w;
	k.c = c;
	k.unstable = e->unstable;
	k.mem = runner_caller_memory(c, &k.size);
	r = e->op(&k, args);
	if (r < 0)
		return r;
	if (!e->noresult)
		results[0] = runner_val_i32(r);
	return 0;
}

static const struct wasi_binding *const binding_tables[] = { wasi_bind_misc, wasi_bind_fd,
							     wasi_bind_path, wasi_bind_poll };

/* What wasi_ctx_link() defines, asked without linking: the runtime table
 * of `wasmpack check` (runtimes.c) is this, so it cannot drift. */
int wasi_host_provides(const char *module, const char *name)
{
	const struct wasi_binding *b;
	size_t t;

	if (!wasi_is_module(module))
		return 0;
	for (t = 0; t < sizeof(binding_tables) / sizeof(binding_tables[0]); t++)
		for (b = binding_tables[t]; b->name; b++)
			if (!strcmp(b->name, name))
				return !(b->flags & WASI_B_P1_ONLY) || !strcmp(module, wasi_modules[0]);
	return 0;
}

const char *wasi_host_function(size_t i)
{
	const struct wasi_binding *b;
	size_t t;

	for (t = 0; t < sizeof(binding_tables) / sizeof(binding_tables[0]); t++)
		for (b = binding_tables[t]; b->name; b++)
			if (i-- == 0)
				return b->name;
	return NULL;
}

int wasi_ctx_link(wasi_ctx *w, runner_linker *l)
{
	const struct wasi_binding *const *tables = binding_tables;
	size_t n = 0, t, m, i = 0;
	const struct wasi_binding *b;
	int err;

	for (t = 0; t < sizeof(binding_tables) / sizeof(binding_tables[0]); t++)
		for (b = tables[t]; b->name; b++)
			n++;
	free(w->envs);
	if (!(w->envs = calloc(2 * n, sizeof(*w->envs))))
		return wp_error_set(WP_ENOMEM, "out of memory");
	w->nenvs = 2 * n;
	for (m = 0; m < 2; m++) {
		for (t = 0; t < sizeof(binding_tables) / sizeof(binding_tables[0]); t++) {
			for (b = tables[t]; b->name; b++) {
				struct wasi_env *e = &w->envs[i++];
				if (m == 1 && (b->flags & WASI_B_P1_ONLY))
					continue;
				e->w = w;
				e->op = b->op;
				e->unstable = m == 1;
				e->noresult = (b->flags & WASI_B_NORESULT) != 0;
				err = runner_linker_define_func(l, wasi_modules[m], b->name, b->sig,
								trampoline, e);
				if (err < 0)
					return err;
			}
		}
	}
	return 0;
}

/* ---- helpers shared by the binding files ---- */

uint16_t wasi_iovecs(const struct wasi_call *k, uint32_t iovs, uint32_t n, struct iovec *out,
		     int *count)
{
	const uint8_t *v = wasi_mem(k, iovs, (uint64_t)n * WASI_IOVEC_SIZE);
	uint32_t i;

	if (!v)
		return WASI_EFAULT;
	if (n > WASI_IOV_MAX)
		n = WASI_IOV_MAX;
	for (i = 0; i < n; i++) {
		uint32_t buf = wasi_get32(v + i * WASI_IOVEC_SIZE);
		uint32_t len = wasi_get32(v + i * WASI_IOVEC_SIZE + 4);
		void *p = wasi_mem(k, buf, len);
		if (!p)
			return WASI_EFAULT;
		out[i].iov_base = p;
		out[i].iov_len = len;
	}
	*count = (int)n;
	return 0;
}

uint16_t wasi_path_arg(const struct wasi_call *k, uint32_t ptr, uint32_t len, char *buf)
{
	const char *p = wasi_mem(k, ptr, len);
	uint16_t err;

	if (!p)
		return WASI_EFAULT;
	if ((err = wasi_path_check(p, len)) != 0)
		return err;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return 0;
}

uint16_t wasi_dir_get(const struct wasi_call *k, uint32_t fd, uint64_t rights,
		      struct wasi_fd **out)
{
	uint16_t err = wasi_fd_get(k->w, fd, 0, out);

	if (err)
		return err;
	if ((*out)->type != WASI_FILETYPE_DIRECTORY)
		return WASI_ENOTDIR;
	return wasi_fd_get(k->w, fd, rights, out);
}

int wasi_interrupted(const struct wasi_call *k)
{
	return k->w->interrupt && *k->w->interrupt;
}

int wasi_trap_interrupted(struct wasi_call *k)
{
	return runner_caller_trap(k->c, "interrupted");
}

void wasi_put_filestat(const struct wasi_call *k, uint8_t *p, const struct wasi_filestat *st)
{
	memset(p, 0, wasi_filestat_size(k));
	wasi_put64(p, st->dev);
	wasi_put64(p + 8, st->ino);
	wasi_put8(p + 16, st->filetype);
	if (k->unstable) {
		wasi_put32(p + 20, st->nlink > UINT32_MAX ? UINT32_MAX : (uint32_t)st->nlink);
		wasi_put64(p + 24, st->size);
		wasi_put64(p + 32, st->atim);
		wasi_put64(p + 40, st->mtim);
		wasi_put64(p + 48, st->ctim);
	} else {
		wasi_put64(p + 24, st->nlink);
		wasi_put64(p + 32, st->size);
		wasi_put64(p + 40, st->atim);
		wasi_put64(p + 48, st->mtim);
		wasi_put64(p + 56, st->ctim);
	}
}

/* ---- args, environ ---- */

/* The sizes of a string vector: count and bytes. */
static int vec_sizes(struct wasi_call *k, const runner_val *a, size_t n, size_t bytes)
{
	uint8_t *pn = wasi_mem(k, wasi_arg32(a, 0), 4), *pb = wasi_mem(k, wasi_arg32(a, 1), 4);

	if (!pn || !pb)
		return WASI_EFAULT;
	wasi_put32(pn, (uint32_t)n);
	wasi_put32(pb, (uint32_t)bytes);
	return 0;
}

/* Pointers at a[0], the NUL-terminated strings packed at a[1]. */
static int vec_get(struct wasi_call *k, const runner_val *a, char **v, size_t n, size_t bytes)
{
	uint32_t ptrs = wasi_arg32(a, 0), buf = wasi_arg32(a, 1);
	uint8_t *pp = wasi_mem(k, ptrs, (uint64_t)n * 4), *pb = wasi_mem(k, buf, bytes);
	size_t i, off = 0;

	if (!pp || !pb)
		return WASI_EFAULT;
	for (i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;
		wasi_put32(pp + i * 4, (uint32_t)(buf + off));
		memcpy(pb + off, v[i], len);
		off += len;
	}
	return 0;
}

static int b_args_sizes_get(struct wasi_call *k, const runner_val *a)
{
	return vec_sizes(k, a, k->w->argc, k->w->argv_bytes);
}

static int b_args_get(struct wasi_call *k, const runner_val *a)
{
	return vec_get(k, a, k->w->argv, k->w->argc, k->w->argv_bytes);
}

static int b_environ_sizes_get(struct wasi_call *k, const runner_val *a)
{
	return vec_sizes(k, a, k->w->nenv, k->w->env_bytes);
}

static int b_environ_get(struct wasi_call *k, const runner_val *a)
{
	return vec_get(k, a, k->w->env, k->w->nenv, k->w->env_bytes);
}

/* ---- clocks, random ---- */

static int b_clock_res_get(struct wasi_call *k, const runner_val *a)
{
	uint8_t *p = wasi_mem(k, wasi_arg32(a, 1), 8);
	uint64_t v;
	uint16_t err;

	if (!p)
		return WASI_EFAULT;
	if ((err = wasi_sys_clock_res(wasi_arg32(a, 0), &v)) != 0)
		return err;
	wasi_put64(p, v);
	return 0;
}

static int b_clock_time_get(struct wasi_call *k, const runner_val *a)
{
	uint8_t *p = wasi_mem(k, wasi_arg32(a, 2), 8);
	uint64_t v;
	uint16_t err;

	if (!p)
		return WASI_EFAULT;
	if ((err = wasi_sys_clock_time(wasi_arg32(a, 0), &v)) != 0)
		return err;
	wasi_put64(p, v);
	return 0;
}

static int b_random_get(struct wasi_call *k, const runner_val *a)
{
	uint32_t len = wasi_arg32(a, 1);
	void *p = wasi_mem(k, wasi_arg32(a, 0), len);

	if (!p)
		return WASI_EFAULT;
	return wasi_sys_random(p, len);
}

/* ---- proc, sched ---- */

static int b_proc_exit(struct wasi_call *k, const runner_val *a)
{
	return runner_caller_exit(k->c, (int)wasi_arg32(a, 0));
}

static int b_proc_raise(struct wasi_call *k, const runner_val *a)
{
	(void)k;
	(void)a;
	return WASI_ENOSYS; /* as wasmtime: signals are not part of the sandbox */
}

static int b_sched_yield(struct wasi_call *k, const runner_val *a)
{
	(void)k;
	(void)a;
	sched_yield();
	return 0;
}

const struct wasi_binding wasi_bind_misc[] = {
	{ "args_get", "ii->i", b_args_get, 0 },
	{ "args_sizes_get", "ii->i", b_args_sizes_get, 0 },
	{ "environ_get", "ii->i", b_environ_get, 0 },
	{ "environ_sizes_get", "ii->i", b_environ_sizes_get, 0 },
	{ "clock_res_get", "ii->i", b_clock_res_get, 0 },
	{ "clock_time_get", "iIi->i", b_clock_time_get, 0 },
	{ "random_get", "ii->i", b_random_get, 0 },
	{ "proc_exit", "i->", b_proc_exit, WASI_B_NORESULT },
	{ "proc_raise", "i->i", b_proc_raise, 0 },
	{ "sched_yield", "->i", b_sched_yield, 0 },
	{ NULL, NULL, NULL, 0 },
};
