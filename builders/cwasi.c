/*
 * cwasi.c - what a C/C++ build for WASI needs beyond the compiler: the
 * flags (emulation libraries, the stack, a header search that sees only
 * wasi-libc), a CMake platform like wasi-sdk's, and the plain account of
 * a header WASI does not have.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "inputs.h"
#include "internal.h"

/* wasi-libc's emulations: POSIX calls WASI lacks, in static archives that
 * add code only when used (see wasi-libc's headers for what each does). */
static const char *const emulated[] = { "signal", "process-clocks", "getpid", "mman" };
#define NEMULATED (sizeof(emulated) / sizeof(emulated[0]))

uint64_t cwasi_stack_size(const struct bctx *c)
{
	return c->o->stack_size ? c->o->stack_size : BUILDER_STACK_SIZE;
}

int cwasi_cflags(const struct bctx *c, struct wp_buf *b)
{
	size_t i;

	if (c->o->strict_wasi)
		return 0;
	if (c->sjlj)
		wp_buf_puts(b, " -mllvm -wasm-enable-sjlj");
	for (i = 0; i < NEMULATED; i++) {
		const char *p;
		wp_buf_puts(b, " -D_WASI_EMULATED_");
		for (p = emulated[i]; *p; p++)
			wp_buf_printf(b, "%c", *p == '-' ? '_' : toupper((unsigned char)*p));
	}
	return b->data ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

int cwasi_ldflags(const struct bctx *c, int emscripten, struct wp_buf *b)
{
	size_t i;

	if (emscripten) /* emscripten 3.1.6 names it TOTAL_STACK */
		wp_buf_printf(b, " -sTOTAL_STACK=%llu", (unsigned long long)cwasi_stack_size(c));
	else
		wp_buf_printf(b, " -Wl,-z,stack-size=%llu", (unsigned long long)cwasi_stack_size(c));
	for (i = 0; !emscripten && !c->o->strict_wasi && i < NEMULATED; i++)
		wp_buf_printf(b, " -lwasi-emulated-%s", emulated[i]);
	if (!emscripten && c->compat_lib) /* wasm-ld finds archive members in any order */
		wp_buf_printf(b, " -L%s -lwasmpack-compat", c->compat_lib);
	return b->data ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

int cwasi_includes(const struct bctx *c, const char *compat, int cxx, struct wp_buf *b)
{
	const struct toolchain *t = &c->tc;

	/* Debian's clang goes on to /usr/local/include and /usr/include
	 * after wasi-libc's headers, so a header WASI lacks is found as
	 * glibc's and fails far from the cause: search only what is WASI's
	 * (and the compat library's declarations, which #include_next
	 * wasi-libc's) */
	if (t->clanginc) {
		/* -Qunused-arguments: CMake passes the C flags to links too */
		wp_buf_puts(b, " -nostdinc -Qunused-arguments");
		if (cxx && t->cxxinc)
			wp_buf_printf(b, " -isystem %s", t->cxxinc);
		if (compat)
			wp_buf_printf(b, " -isystem %s", compat);
		if (compat && c->sjlj && c->compat_lib)
			wp_buf_printf(b, " -isystem %s/sjlj/include", c->compat_lib);
		wp_buf_printf(b, " -isystem %s -isystem %s", t->clanginc, t->libcinc);
	} else if (cxx && t->cxxinc) {
		wp_buf_printf(b, " -isystem %s", t->cxxinc);
	}
	return b->data ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

/* CMake looks for Platform/<CMAKE_SYSTEM_NAME>.cmake on CMAKE_MODULE_PATH;
 * without one, WASI counts as a system with shared libraries and an
 * add_library(SHARED) is linked as a program.  This one says what
 * wasi-sdk's and emscripten's do. */
static const char platform_wasi[] =
	"# written by wasmpack: the WASI platform (as wasi-sdk's Platform/WASI.cmake)\n"
	"set(WASI 1)\n"
	"set(UNIX 1)\n"
	"set(CMAKE_EXECUTABLE_SUFFIX \".wasm\")\n"
	"set(CMAKE_STATIC_LIBRARY_PREFIX \"lib\")\n"
	"set(CMAKE_STATIC_LIBRARY_SUFFIX \".a\")\n"
	"set(CMAKE_SHARED_LIBRARY_PREFIX \"lib\")\n"
	"set(CMAKE_SHARED_LIBRARY_SUFFIX \".so\")\n"
	"set(CMAKE_FIND_LIBRARY_PREFIXES \"lib\")\n"
	"set(CMAKE_FIND_LIBRARY_SUFFIXES \".a\")\n"
	"# no shared libraries: add_library(SHARED) builds a static one, with CMake's warning\n"
	"set_property(GLOBAL PROPERTY TARGET_SUPPORTS_SHARED_LIBS FALSE)\n"
	"set(CMAKE_DL_LIBS \"\")\n";

int cwasi_cmake_platform(const char *work, char **module_dir)
{
	char *dir = wp_path_join(work, "cmake-modules"), *pdir = NULL, *file = NULL;
	int err;

	*module_dir = NULL;
	if (!dir || !(pdir = wp_path_join(dir, "Platform")) || !(file = wp_path_join(pdir, "WASI.cmake"))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = wp_fs_mkdirs(pdir, 0755, NULL)) < 0 ||
	    (err = wp_fs_write_atomic(file, platform_wasi, sizeof(platform_wasi) - 1, 0644)) < 0)
		goto done;
	*module_dir = dir;
	dir = NULL;
done:
	free(dir);
	free(pdir);
	free(file);
	return err;
}

/* "src/x.c:3:10: fatal error: 'setjmp.h' file not found" -> the header
 * and the file that included it. */
int cwasi_missing_header(const char *out, char **header, char **from)
{
	const char *p = out, *q, *line;

	*header = *from = NULL;
	while ((q = strstr(p, "' file not found"))) {
		const char *open = q;
		while (open > out && open[-1] != '\'' && open[-1] != '\n')
			open--;
		if (open > out && open[-1] == '\'' && open - 1 > out) {
			for (line = open - 1; line > out && line[-1] != '\n'; line--)
				;
			if (strstr(line, "error: ") && strstr(line, "error: ") < open) {
				*header = strndup(open, (size_t)(q - open));
				*from = strndup(line, strcspn(line, ":"));
				if (!*header || !*from) {
					free(*header);
					free(*from);
					*header = *from = NULL;
					return wp_error_set(WP_ENOMEM, "out of memory");
				}
				return 1;
			}
		}
		p = q + 1;
	}
	return 0;
}

/* Whether a C/C++ file (a C++ one with CXX) of the project mentions
 * NEEDLE ("setjmp.h"). */
int cwasi_sources_use(struct bctx *c, const char *needle, int cxx)
{
	static const char *const all[] = { ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".inl", NULL };
	const char *const *exts = cxx ? all + 2 : all;
	struct inputs in;
	size_t i, k;
	int found = 0, err;

	memset(&in, 0, sizeof(in));
	if ((err = inputs_list(c->dir, c->o->exclude, c->o->nexclude, &in)) < 0)
		return err;
	for (i = 0; i < in.n && !found; i++) {
		const char *dot = strrchr(in.rel[i], '.');
		struct wp_buf b = WP_BUF_INIT(16 * 1024 * 1024);
		for (k = 0; dot && exts[k] && strcmp(dot, exts[k]); k++)
			;
		if (!dot || !exts[k])
			continue;
		if (bctx_read(c, in.rel[i], &b) == 0 && b.len && memmem(b.data, b.len, needle, strlen(needle)))
			found = 1;
		wp_error_clear();
		wp_buf_release(&b);
	}
	inputs_release(&in);
	return found;
}

/* Functions real programs call that no WASI runtime can give them, and
 * why. */
static const struct {
	const char *name, *why;
} limits[] = {
	{ "fork", "no processes: fork, exec, wait" },
	{ "vfork", "no processes: fork, exec, wait" },
	{ "execv", "no processes: fork, exec, wait" },
	{ "execvp", "no processes: fork, exec, wait" },
	{ "execve", "no processes: fork, exec, wait" },
	{ "execl", "no processes: fork, exec, wait" },
	{ "execlp", "no processes: fork, exec, wait" },
	{ "waitpid", "no processes: fork, exec, wait" },
	{ "wait", "no processes: fork, exec, wait" },
	{ "system", "no processes: fork, exec, wait" },
	{ "popen", "no processes: fork, exec, wait" },
	{ "posix_spawn", "no processes: fork, exec, wait" },
	{ "kill", "no processes: fork, exec, wait" },
	{ "pipe", "no pipes between processes" },
	{ "dup", "no descriptor duplication in preview1" },
	{ "dup2", "no descriptor duplication in preview1" },
	{ "socket", "preview1 has no sockets API: only connections the runtime hands over (wasmpack run --tcplisten)" },
	{ "connect", "preview1 has no sockets API: only connections the runtime hands over (wasmpack run --tcplisten)" },
	{ "bind", "preview1 has no sockets API: only connections the runtime hands over (wasmpack run --tcplisten)" },
	{ "listen", "preview1 has no sockets API: only connections the runtime hands over (wasmpack run --tcplisten)" },
	{ "getaddrinfo", "preview1 has no name resolution" },
	{ "gethostbyname", "preview1 has no name resolution" },
	{ "pthread_create", "preview1 has no threads" },
	{ "dlopen", "no dynamic loading" },
	{ "dlsym", "no dynamic loading" },
	{ "getpwnam", "no users or groups" },
	{ "getpwuid", "no users or groups" },
	{ "getgrnam", "no users or groups" },
	{ "sigaction", "no signals (wasi-libc emulates signal() and raise() only)" },
	{ "tcgetattr", "no terminals" },
	{ "tcsetattr", "no terminals" },
};

const char *cwasi_limit(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (!strcmp(limits[i].name, name))
			return limits[i].why;
	return NULL;
}

/* "x.c:3:28: error: call to undeclared function 'fork'" (with the file)
 * or "wasm-ld: error: x.o: undefined symbol: fork" (without), for a
 * function cwasi_limit knows. */
int cwasi_missing_function(const char *out, char **name, char **from)
{
	static const char *const marks[] = { "error: call to undeclared function '", "undefined symbol: " };
	const char *p, *line, *e;
	size_t m;

	*name = *from = NULL;
	for (m = 0; m < 2; m++) {
		for (p = out; (p = strstr(p, marks[m])); p++) {
			const char *n = p + strlen(marks[m]);
			e = n + strcspn(n, m == 0 ? "'\n" : " \n");
			if (e == n || e - n > 64)
				continue;
			if (!(*name = strndup(n, (size_t)(e - n))))
				return wp_error_set(WP_ENOMEM, "out of memory");
			if (!cwasi_limit(*name)) {
				free(*name);
				*name = NULL;
				continue;
			}
			for (line = p; line > out && line[-1] != '\n'; line--)
				;
			if (m == 0 && !(*from = strndup(line, strcspn(line, ":")))) {
				free(*name);
				*name = NULL;
				return wp_error_set(WP_ENOMEM, "out of memory");
			}
			return 1;
		}
	}
	return 0;
}
