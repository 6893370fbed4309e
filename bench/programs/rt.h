/*
 * rt.h - what every benchmark kernel includes: the entry point is
 * `long long run(void)` returning a checksum.  Built natively (a main()
 * prints the checksum) and as an import-free wasm32 module exporting run
 * (no libc: the few memory helpers clang may call are defined here).
 */
#ifndef BENCH_RT_H
#define BENCH_RT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __wasm__
#define EXPORT __attribute__((export_name("run")))
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}
void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}
#define MAIN(f)
#else
#include <stdio.h>
#define EXPORT
#define MAIN(f)                                                         \
	int main(void)                                                  \
	{                                                               \
		printf("%lld\n", (long long)f());                       \
		return 0;                                               \
	}
#endif

static inline uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

#endif
