/*
 * wasi_fuzz.c - libFuzzer target for the WASI host calls (make fuzz-wasi).
 *
 * A guest generated here imports every wasi_snapshot_preview1 and
 * wasi_unstable function from the binding tables and exports a trampoline
 * for each; libFuzzer's bytes fill part of its linear memory and then pick
 * calls and their arguments (small numbers, pointers to prepared paths,
 * iovecs and buffers near the end of memory, or raw values).  The guest's
 * only directory is a scratch preopen, refilled for each input; next to it
 * sit a canary file and a sibling directory.  Properties checked on every
 * input: no host crash or sanitizer report (the fuzzer's own), and nothing
 * outside the scratch directory changed (canary, sibling, /etc/passwd) -
 * any change aborts.
 *
 * Resource limits keep the host healthy, not the guest honest: file sizes
 * are capped by RLIMIT_FSIZE and the harness clamps the lengths it hands
 * fd_allocate/fd_filestat_set_size; a 200 ms timer sets the interrupt flag
 * so a long poll_oneoff traps instead of stalling the fuzzer.
 *
 * Run: build/fuzz/wasi_fuzz -max_total_time=600 [CORPUS_DIR]
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../common/fs.h"
#include "../../runner/runner.h"
#include "../../runner/wasi.h"
#include "../../runner/wasi_bind.h"

#define MAX_FUNCS 128
#define MEM_SIZE 65536
#define FILL_AT 8192 /* fuzz bytes land here; prepared data lives below */

struct fn {
	const char *module, *name, *sig;
	int nparams;
	char params[16];
	char path_at[16]; /* 1: a path pointer, its length follows */
};

/* Where the path_* calls take a (pointer, length) path, so the fuzzer can
 * hand them a prepared path with its true length in one choice. */
static const struct {
	const char *name;
	int at[2];
} path_params[] = {
	{ "path_create_directory", { 1, -1 } }, { "path_filestat_get", { 2, -1 } },
	{ "path_filestat_set_times", { 2, -1 } }, { "path_link", { 2, 5 } },
	{ "path_open", { 2, -1 } },		{ "path_readlink", { 1, -1 } },
	{ "path_remove_directory", { 1, -1 } }, { "path_rename", { 1, 4 } },
	{ "path_symlink", { 0, 3 } },		{ "path_unlink_file", { 1, -1 } },
};

static struct fn fns[MAX_FUNCS];
static int nfns;
static runner_module *mod;
static char *top, scratch[4096], canary[4096], sibling[4096];
static int devnull = -1;
static volatile sig_atomic_t interrupted;
static struct stat canary_st, passwd_st;

/* Pointers into the prepared region, for the fuzzer to pick. */
static const uint32_t interesting[] = {
	0, 16, 64, 128, 256, 512, 1024, 2048, 4096, 6000, 7000, MEM_SIZE - 8, MEM_SIZE - 1, MEM_SIZE,
	MEM_SIZE + 16, 0xfffffff0u,
};
static const char *const paths[] = { "a", "d/f", "d", ".", "..", "../canary", "ln", "out", "d/../a",
				     "/etc/passwd", "d/", "new", "e/x", "loop", "up/canary" };

static void put_uleb(struct wp_buf *b, uint32_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		if (v)
			c |= 0x80;
		wp_buf_append(b, &c, 1);
	} while (v);
}

static void put_str(struct wp_buf *b, const char *s)
{
	put_uleb(b, (uint32_t)strlen(s));
	wp_buf_append(b, s, strlen(s));
}

static void section(struct wp_buf *out, uint8_t id, struct wp_buf *body)
{
	wp_buf_append(out, &id, 1);
	put_uleb(out, (uint32_t)body->len);
	wp_buf_append(out, body->data, body->len);
	wp_buf_reset(body);
}

/* The guest: every WASI import, a trampoline export "c<i>" for each. */
static void build_module(struct wp_buf *out)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED), fb = WP_BUF_INIT(WP_BUF_UNLIMITED);
	const struct wasi_binding *const tables[] = { wasi_bind_misc, wasi_bind_fd, wasi_bind_path,
						      wasi_bind_poll };
	static const char *const mods[] = { "wasi_snapshot_preview1", "wasi_unstable" };
	int m, t, i, k;

	for (m = 0; m < 2; m++)
		for (t = 0; t < 4; t++)
			for (const struct wasi_binding *x = tables[t]; x->name; x++) {
				struct fn *f = &fns[nfns];
				if (m == 1 && (x->flags & WASI_B_P1_ONLY))
					continue;
				f->module = mods[m], f->name = x->name, f->sig = x->sig;
				for (k = 0; x->sig[k] != '-'; k++)
					f->params[f->nparams++] = x->sig[k];
				for (k = 0; k < (int)(sizeof(path_params) / sizeof(path_params[0])); k++)
					if (!strcmp(path_params[k].name, x->name)) {
						if (path_params[k].at[0] >= 0)
							f->path_at[path_params[k].at[0]] = 1;
						if (path_params[k].at[1] >= 0)
							f->path_at[path_params[k].at[1]] = 1;
					}
				nfns++;
			}
	wp_buf_append(out, "\0asm\1\0\0\0", 8);
	put_uleb(&b, (uint32_t)nfns); /* types: one per function */
	for (i = 0; i < nfns; i++) {
		const char *res = strstr(fns[i].sig, "->") + 2;
		wp_buf_append(&b, "\x60", 1);
		put_uleb(&b, (uint32_t)fns[i].nparams);
		for (k = 0; k < fns[i].nparams; k++)
			wp_buf_append(&b, fns[i].params[k] == 'i' ? "\x7f" : "\x7e", 1);
		put_uleb(&b, (uint32_t)strlen(res));
		for (k = 0; res[k]; k++)
			wp_buf_append(&b, "\x7f", 1);
	}
	section(out, 1, &b);
	put_uleb(&b, (uint32_t)nfns);
	for (i = 0; i < nfns; i++) {
		put_str(&b, fns[i].module);
		put_str(&b, fns[i].name);
		wp_buf_append(&b, "\0", 1);
		put_uleb(&b, (uint32_t)i);
	}
	section(out, 2, &b);
	put_uleb(&b, (uint32_t)nfns);
	for (i = 0; i < nfns; i++)
		put_uleb(&b, (uint32_t)i);
	section(out, 3, &b);
	wp_buf_append(&b, "\x01\x01\x01\x01", 4); /* one memory, 1 page, max 1 */
	section(out, 5, &b);
	put_uleb(&b, (uint32_t)nfns + 1);
	put_str(&b, "memory");
	wp_buf_append(&b, "\x02\x00", 2);
	for (i = 0; i < nfns; i++) {
		char name[16];
		snprintf(name, sizeof(name), "c%d", i);
		put_str(&b, name);
		wp_buf_append(&b, "\x00", 1);
		put_uleb(&b, (uint32_t)(nfns + i));
	}
	section(out, 7, &b);
	put_uleb(&b, (uint32_t)nfns);
	for (i = 0; i < nfns; i++) {
		wp_buf_reset(&fb);
		wp_buf_append(&fb, "\0", 1); /* no locals */
		for (k = 0; k < fns[i].nparams; k++) {
			wp_buf_append(&fb, "\x20", 1);
			put_uleb(&fb, (uint32_t)k);
		}
		wp_buf_append(&fb, "\x10", 1);
		put_uleb(&fb, (uint32_t)i);
		wp_buf_append(&fb, "\x0b", 1);
		put_uleb(&b, (uint32_t)fb.len);
		wp_buf_append(&b, fb.data, fb.len);
	}
	section(out, 10, &b);
	wp_buf_release(&b);
	wp_buf_release(&fb);
}

static void on_alarm(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[4200];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if ((fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644)) >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			abort();
		close(fd);
	}
}

/* The scratch preopen, the same at the start of every input. */
static void refill_scratch(void)
{
	char p[4200];

	wp_fs_remove_tree(scratch);
	if (mkdir(scratch, 0755) < 0)
		abort();
	write_file(scratch, "a", "alpha\n");
	snprintf(p, sizeof(p), "%s/d", scratch);
	mkdir(p, 0755);
	write_file(p, "f", "in d\n");
	snprintf(p, sizeof(p), "%s/e", scratch);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/ln", scratch);
	symlink("a", p);
	snprintf(p, sizeof(p), "%s/out", scratch);
	symlink("../canary", p);
	snprintf(p, sizeof(p), "%s/up", scratch);
	symlink("..", p);
	snprintf(p, sizeof(p), "%s/loop", scratch);
	symlink("loop", p);
}

static char *listing(const char *dir)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		wp_buf_printf(&b, "%s/", e->d_name);
	if (d)
		closedir(d);
	return (char *)wp_buf_detach(&b, NULL);
}

static char *top_listing, *sibling_listing;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct wp_buf wasm = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct rlimit rl = { 16 << 20, 16 << 20 };
	struct sigaction sa;

	(void)argc;
	(void)argv;
	if (wp_fs_mkdtemp("wasi-fuzz", &top) < 0)
		abort();
	snprintf(scratch, sizeof(scratch), "%s/scratch", top);
	snprintf(canary, sizeof(canary), "%s/canary", top);
	snprintf(sibling, sizeof(sibling), "%s/sibling", top);
	write_file(top, "canary", "do not touch\n");
	mkdir(sibling, 0755);
	write_file(sibling, "file", "neighbour\n");
	refill_scratch();
	if (stat(canary, &canary_st) < 0 || stat("/etc/passwd", &passwd_st) < 0)
		abort();
	top_listing = listing(top);
	sibling_listing = listing(sibling);
	devnull = open("/dev/null", O_RDWR);
	setrlimit(RLIMIT_FSIZE, &rl); /* writes past it fail with EFBIG */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	build_module(&wasm);
	if (runner_module_load(wasm.data, wasm.len, &mod) < 0) {
		fprintf(stderr, "wasi_fuzz: the generated guest does not load: %s\n", wp_error_last());
		abort();
	}
	wp_buf_release(&wasm);
	return 0;
}

/* Everything outside the scratch directory must be as it was. */
static void check_outside(void)
{
	struct stat st;
	char *l;

	if (stat(canary, &st) < 0 || st.st_ino != canary_st.st_ino || st.st_size != canary_st.st_size ||
	    st.st_mtim.tv_sec != canary_st.st_mtim.tv_sec || st.st_mtim.tv_nsec != canary_st.st_mtim.tv_nsec ||
	    st.st_nlink != 1 || st.st_mode != canary_st.st_mode) {
		fprintf(stderr, "wasi_fuzz: the canary outside the preopen changed\n");
		abort();
	}
	if (stat("/etc/passwd", &st) < 0 || st.st_mtim.tv_sec != passwd_st.st_mtim.tv_sec ||
	    st.st_size != passwd_st.st_size) {
		fprintf(stderr, "wasi_fuzz: /etc/passwd changed\n");
		abort();
	}
	l = listing(top);
	if (strcmp(l, top_listing)) {
		fprintf(stderr, "wasi_fuzz: the directory around the preopen changed: %s\n", l);
		abort();
	}
	free(l);
	l = listing(sibling);
	if (strcmp(l, sibling_listing)) {
		fprintf(stderr, "wasi_fuzz: the sibling directory changed: %s\n", l);
		abort();
	}
	free(l);
}

/* Lay out paths and iovecs the fuzzer can point at. */
static void prepare_memory(uint8_t *mem)
{
	uint32_t off = 16, i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		memcpy(mem + off, paths[i], strlen(paths[i]));
		off += 32;
	}
	/* iovecs at 1024: (2048, 16), (2064, 4000), (MEM_SIZE - 4, 100) */
	memcpy(mem + 1024, (uint32_t[]){ 2048, 16, 2064, 4000, MEM_SIZE - 4, 100 }, 24);
}

/* A value for one parameter, steered by one input byte. */
static uint64_t pick(const uint8_t **p, const uint8_t *end, char type)
{
	uint8_t sel;
	uint64_t v = 0;

	if (*p >= end)
		return 0;
	sel = *(*p)++;
	if (sel < 96)
		return sel % 12; /* small: fds, flags, lengths */
	if (sel < 160) {
		uint32_t i = sel - 96;
		if (i < sizeof(paths) / sizeof(paths[0]))
			return 16 + 32 * i; /* a prepared path */
		return interesting[i % (sizeof(interesting) / sizeof(interesting[0]))];
	}
	if (sel < 176)
		return sel < 168 ? strlen(paths[(sel - 160) % 8]) : 1024; /* a path length, the iovecs */
	for (size_t k = 0; k < (type == 'I' ? 8u : 4u) && *p < end; k++)
		v |= (uint64_t)*(*p)++ << (8 * k);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const argv[] = { "fuzz", "arg" };
	static const char *const env[] = { "A=1", "B=two" };
	struct wasi_preopen po = { scratch, "/s" };
	struct wasi_config cfg;
	struct runner_config rc;
	struct runner_trap trap;
	struct itimerval it;
	runner_linker *l = NULL;
	runner_instance *inst = NULL;
	wasi_ctx *w = NULL;
	const uint8_t *p = data, *end = data + size;
	uint8_t *mem;
	uint64_t memsize;
	size_t fill;
	int calls;

	refill_scratch();
	memset(&cfg, 0, sizeof(cfg));
	cfg.argv = argv, cfg.argc = 2, cfg.env = env, cfg.nenv = 2;
	cfg.dirs = &po, cfg.ndirs = 1;
	cfg.stdio[0] = cfg.stdio[1] = cfg.stdio[2] = devnull;
	cfg.interrupt = &interrupted;
	interrupted = 0;
	memset(&rc, 0, sizeof(rc));
	rc.interrupt = &interrupted;
	rc.fuel = 1000000;
	if (wasi_ctx_new(&cfg, &w) < 0 || runner_linker_new(&l) < 0 || wasi_ctx_link(w, l) < 0 ||
	    runner_instantiate(l, mod, &rc, &inst, &trap) != 0)
		abort();
	if (runner_instance_memory(inst, NULL, &mem, &memsize) < 0 || memsize != MEM_SIZE)
		abort();
	prepare_memory(mem);
	/* first byte: how much of the input is raw memory (at FILL_AT) */
	fill = size ? (size_t)(*p++) * 16 : 0;
	if (fill > (size_t)(end - p))
		fill = (size_t)(end - p);
	memcpy(mem + FILL_AT, p, fill);
	p += fill;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 200000;
	it.it_interval.tv_usec = 10000;
	setitimer(ITIMER_REAL, &it, NULL);
	for (calls = 0; calls < 64 && p < end && !interrupted; calls++) {
		const struct fn *f = &fns[*p++ % nfns];
		runner_val args[16], res[1];
		char name[16];
		int k, r;

		for (k = 0; k < f->nparams; k++) {
			uint64_t v;
			/* a path: most often a prepared one with its length */
			if (f->path_at[k] && p < end && *p < 224) {
				size_t i = *p++ % (sizeof(paths) / sizeof(paths[0]));
				args[k] = runner_val_i32((int32_t)(16 + 32 * i)); /* see prepare_memory() */
				args[++k] = runner_val_i32((int32_t)strlen(paths[i]));
				continue;
			}
			v = pick(&p, end, f->params[k]);
			/* keep the host's disk healthy: lengths for space reservations
			 * stay small (RLIMIT_FSIZE covers writes and truncation) */
			if ((!strcmp(f->name, "fd_allocate") && k > 0) ||
			    (!strcmp(f->name, "fd_filestat_set_size") && k == 1))
				v %= 1 << 20;
			args[k] = f->params[k] == 'i' ? runner_val_i32((int32_t)v) : runner_val_i64((int64_t)v);
		}
		snprintf(name, sizeof(name), "c%d", (int)(f - fns));
		r = runner_call(inst, name, args, (size_t)f->nparams, res,
				strstr(f->sig, "->")[2] ? 1 : 0, &trap);
		if (r == RUNNER_EEXIT || r == RUNNER_ETRAP)
			break; /* proc_exit, or interrupted: the guest is done */
		if (r != 0)
			abort(); /* the call itself must always be well-formed */
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	runner_instance_free(inst);
	runner_linker_free(l);
	wasi_ctx_free(w);
	check_outside();
	return 0;
}
