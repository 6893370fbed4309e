/*
 * compat.h - the sources of wasmpack's compat library (builders/compat/),
 * carried in the binary: scripts/embed-files.sh writes the table at build
 * time.
 */
#ifndef BUILDERS_COMPAT_H
#define BUILDERS_COMPAT_H

struct compat_file {
	const char *path; /* relative to builders/compat/: "src/chmod.c" */
	const char *text;
};

/* Ends with { NULL, NULL }. */
extern const struct compat_file compat_files[];

#endif
