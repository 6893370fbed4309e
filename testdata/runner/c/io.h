/*
 * io.h - the tiny host interface of the engine's C test programs: built
 * natively they print with stdio; built for wasm32 they import "env"
 * functions that tests/tools/wasm_run provides.  Entry point: run().
 */
#ifndef RUNNER_TEST_IO_H
#define RUNNER_TEST_IO_H

#ifdef __wasm__
#define IMPORT(name) __attribute__((import_module("env"), import_name(name)))
IMPORT("print_i64") void print_i64(long long v);
IMPORT("print_f64") void print_f64(double v);
IMPORT("print_str") void print_str(const char *s, int len);
#define EXPORT __attribute__((export_name("run")))
#define MAIN
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
void *memmove(void *d, const void *s, unsigned long n);
void *memset(void *d, int c, unsigned long n) { return __builtin_memset(d, c, n); }
void *memcpy(void *d, const void *s, unsigned long n) { return __builtin_memcpy(d, s, n); }
void *memmove(void *d, const void *s, unsigned long n) { return __builtin_memmove(d, s, n); }
#else
#include <stdio.h>
static void print_i64(long long v) { printf("%lld\n", v); }
static void print_f64(double v) { printf("%.17g\n", v); }
static void print_str(const char *s, int len) { fwrite(s, 1, (size_t)len, stdout); }
#define EXPORT
#define MAIN int main(void) { run(); return 0; }
#endif

static inline int str_len(const char *s)
{
	int n = 0;
	while (s[n])
		n++;
	return n;
}

static inline void say(const char *s)
{
	print_str(s, str_len(s));
}

#endif
