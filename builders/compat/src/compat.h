/*
 * The compat functions' shared piece: each object file names itself with
 * a marker string that the function reads, so the marker is in a linked
 * module exactly when the function is, and wasmpack can say which ones a
 * module uses.
 */
#ifndef WASMPACK_COMPAT_H
#define WASMPACK_COMPAT_H

#define COMPAT_MARK(name) \
	static const char compat_mark[] = "wasmpack-compat:" name; \
	static inline void compat_used(void) { (void)*(const volatile char *)compat_mark; }

#endif
