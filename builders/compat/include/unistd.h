/*
 * wasmpack compat: the <unistd.h> calls WASI preview1 has no system call
 * for (owners and user ids).  Defined by libwasmpack-compat.a; see
 * docs/builders.md for what each returns.  --strict-wasi turns this off.
 */
#include_next <unistd.h>

#ifndef WASMPACK_COMPAT_UNISTD_H
#define WASMPACK_COMPAT_UNISTD_H
#ifdef __cplusplus
extern "C" {
#endif

int chown(const char *, uid_t, gid_t);
int fchown(int, uid_t, gid_t);
int lchown(const char *, uid_t, gid_t);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);

#ifdef __cplusplus
}
#endif
#endif
