/*
 * dynlib.c - on-demand loading of shared libraries (see dynlib.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "dynlib.h"
#include "error.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int wp_dynlib_load(struct wp_dynlib *lib)
{
	int err = 0;

	pthread_mutex_lock(&lock);
	if (lib->state == 0) {
		lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
		lib->state = lib->handle ? 1 : -1;
		if (!lib->handle) {
			const char *why = dlerror();
			lib->why = strdup(why ? why : "unknown error");
		}
	}
	if (lib->state < 0)
		err = wp_error_set(WP_ERROR, "cannot load %s: %s", lib->soname,
				   lib->why ? lib->why : "out of memory");
	pthread_mutex_unlock(&lock);
	return err;
}

int wp_dynlib_resolve(struct wp_dynlib *lib, const char *name, void *fnptr)
{
	void *sym;
	int err;

	if ((err = wp_dynlib_load(lib)) < 0)
		return err;
	sym = dlsym(lib->handle, name);
	if (!sym)
		return wp_error_set(WP_ERROR, "%s lacks %s", lib->soname, name);
	/* POSIX guarantees a data pointer from dlsym converts to a function
	 * pointer; copy the bytes rather than cast through incompatible types */
	memcpy(fnptr, &sym, sizeof(sym));
	return 0;
}
