/*
 * wasmpack compat: the <sys/stat.h> calls WASI preview1 has no system call
 * for.  wasi-libc leaves them undeclared; wasmpack's compat library
 * (libwasmpack-compat.a, built for each build from these sources) defines
 * them with the results docs/builders.md lists.  --strict-wasi turns
 * this off.
 */
#include_next <sys/stat.h>

#ifndef WASMPACK_COMPAT_SYS_STAT_H
#define WASMPACK_COMPAT_SYS_STAT_H
#ifdef __cplusplus
extern "C" {
#endif

int chmod(const char *, mode_t);
int fchmod(int, mode_t);
mode_t umask(mode_t);

#ifdef __cplusplus
}
#endif
#endif
