/*
 * wasmpack compat: setjmp/longjmp through the WebAssembly exception-
 * handling instructions.  wasi-libc has no <setjmp.h>: a build with
 * --exceptions wasm (or auto, when the sources include this header)
 * compiles with clang's -mllvm -wasm-enable-sjlj, which turns setjmp and
 * longjmp calls into calls of the runtime in sjlj.c and exception
 * handling, and puts this directory on the header search.
 */
#ifndef WASMPACK_COMPAT_SETJMP_H
#define WASMPACK_COMPAT_SETJMP_H
#ifdef __cplusplus
extern "C" {
#endif

/* the lowering keeps an id in the first word; the rest is room for
 * programs that copy or embed a jmp_buf */
typedef unsigned long jmp_buf[8];
typedef unsigned long sigjmp_buf[8];

int setjmp(jmp_buf) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf, int);
#define _setjmp(env) setjmp(env)
#define _longjmp(env, val) longjmp(env, val)
#define sigsetjmp(env, save) setjmp(env)
#define siglongjmp(env, val) longjmp(env, val)

#ifdef __cplusplus
}
#endif
#endif
