/*
 * dynlib.h - load a shared library on first use.
 *
 * libcurl, libgit2 and libarchive together pull in some 45 shared objects
 * (LDAP, Kerberos, SASL, ssh2, mbedtls, libxml2, ICU ...) whose mapping and
 * relocation cost ~15 ms at every start: more than `wasmpack run
 * hello.wasm` may take in all.  Only registry traffic needs libcurl, only
 * builds from a git checkout need libgit2, only tar layers and archives
 * need libarchive.  So registry/curl_lib.c, builders/git_lib.c and
 * oci/archive_lib.c define the functions wasmpack calls, under the
 * libraries' own names, as forwarders: the first call opens the library
 * with dlopen() and resolves the symbol.  Call sites stay plain library
 * calls; the compiler checks every forwarder against the library's header.
 */
#ifndef WP_DYNLIB_H
#define WP_DYNLIB_H

#include <stddef.h>

struct wp_dynlib {
	const char *soname; /* "libcurl.so.4" */
	void *handle;
	int state;          /* 0 not tried, 1 loaded, -1 failed */
	char *why;          /* dlerror() of the failed load */
};

/* Open the library once (thread-safe).  On failure the error slot names it;
 * later calls fail the same way without retrying. */
int wp_dynlib_load(struct wp_dynlib *lib);

/* Resolve `name` into the function pointer at `fnptr` (of any function
 * pointer type), loading the library first. */
int wp_dynlib_resolve(struct wp_dynlib *lib, const char *name, void *fnptr);

/* Define `ret name params` forwarding `args` to the library's function of
 * the same name; when the library cannot be loaded it returns `fail`. */
#define WP_DYNLIB_FORWARD(lib, ret, fail, name, params, args)                  \
	ret name params                                                        \
	{                                                                      \
		static ret(*fp) params;                                        \
		if (!fp && wp_dynlib_resolve(&(lib), #name, (void *)&fp) < 0) \
			return fail;                                           \
		return fp args;                                                \
	}

/* The same for functions returning nothing (they do nothing then). */
#define WP_DYNLIB_FORWARD_VOID(lib, name, params, args)                        \
	void name params                                                       \
	{                                                                      \
		static void(*fp) params;                                       \
		if (!fp && wp_dynlib_resolve(&(lib), #name, (void *)&fp) < 0) \
			return;                                                \
		fp args;                                                       \
	}

#endif
