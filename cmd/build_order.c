/*
 * build_order.c - the order in which `wasmpack build ./...` starts its
 * builds (see build_order.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/fs.h"
#include "build_order.h"

/* How long a project's build is expected to take, roughly, by builder
 * (C++ with libc++ and Rust compile longest, a plain C program least; a C
 * project with a configure step costs more).  Only the order in which
 * builds start depends on it. */
static int weight(const char *dir, const char *builder)
{
	static const struct { const char *builder; int w; } table[] = {
		{ "cpp", 6 }, { "emscripten", 6 }, { "rust", 5 }, { "tinygo", 5 },
		{ "go", 3 }, { "assemblyscript", 3 }, { "c", 1 }, { "prebuilt", 0 },
	};
	static const char *const configure[] = { "CMakeLists.txt", "configure", "meson.build" };
	size_t i;
	int w = 2;

	for (i = 0; builder && i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(builder, table[i].builder))
			w = table[i].w;
	for (i = 0; builder && !strcmp(builder, "c") && i < 3; i++) {
		char *f = wp_path_join(dir, configure[i]);
		if (f && wp_fs_exists(f))
			w = 3;
		free(f);
	}
	return w;
}

/* An insertion sort by weight, stable: path order among equals. */
size_t *build_start_order(char *const *dirs, char *const *builders, size_t n)
{
	size_t *o = calloc(n ? n : 1, sizeof(*o)), i, j;
	int *w = calloc(n ? n : 1, sizeof(*w));

	if (!o || !w) {
		free(o);
		free(w);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		size_t k = i;
		w[i] = weight(dirs[i], builders[i]);
		for (j = i; j > 0 && w[o[j - 1]] < w[i]; j--)
			o[j] = o[j - 1];
		o[j] = k;
	}
	free(w);
	return o;
}

