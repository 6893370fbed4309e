/* Integer algorithms: sorting through function pointers, hashing,
 * 64-bit arithmetic, a switch (br_table), recursion, struct copies. */
#include "io.h"

struct pt { int x, y; long long w; };

static unsigned rng = 7;
static unsigned next(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

static int cmp_asc(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static int cmp_desc(const void *a, const void *b) { return *(const int *)b - *(const int *)a; }

static void isort(int *v, int n, int (*cmp)(const void *, const void *))
{
	for (int i = 1; i < n; i++) {
		int x = v[i], j = i - 1;
		while (j >= 0 && cmp(&v[j], &x) > 0) {
			v[j + 1] = v[j];
			j--;
		}
		v[j + 1] = x;
	}
}

static long long collatz(long long n)
{
	long long steps = 0;
	while (n != 1) {
		n = n & 1 ? 3 * n + 1 : n / 2;
		steps++;
	}
	return steps;
}

static int kind(int c)
{
	switch (c % 7) {
	case 0: return 10;
	case 1: return 3;
	case 2: return -4;
	case 3: return 99;
	case 4: return 1;
	case 5: return 0;
	default: return -1;
	}
}

static unsigned long long gcd(unsigned long long a, unsigned long long b)
{
	return b ? gcd(b, a % b) : a;
}

EXPORT void run(void)
{
	static int v[500];
	struct pt pts[20], copy[20];
	long long acc = 0;
	int i;

	for (i = 0; i < 500; i++)
		v[i] = (int)(next() % 10000) - 5000;
	isort(v, 500, cmp_asc);
	print_i64(v[0]);
	print_i64(v[499]);
	isort(v, 500, cmp_desc);
	print_i64(v[0]);
	for (i = 0; i < 500; i++)
		acc = acc * 31 + v[i];
	print_i64(acc);
	print_i64(collatz(837799));
	for (i = 0, acc = 0; i < 1000; i++)
		acc += kind(i * 13);
	print_i64(acc);
	print_i64((long long)gcd(1071ull * 1000003ull, 462ull * 1000003ull));
	for (i = 0; i < 20; i++) {
		pts[i].x = i;
		pts[i].y = -i * 3;
		pts[i].w = (long long)i << 40;
	}
	__builtin_memcpy(copy, pts, sizeof(pts));
	for (i = 0, acc = 0; i < 20; i++)
		acc += copy[i].x * copy[i].y + (copy[i].w >> 35);
	print_i64(acc);
	print_i64((long long)(0x123456789abcdefull * 0xfedcba987ull));
	print_i64((long long)(-7 / 2) + (long long)(-7 % 2) + (long long)(7u >> 1));
	say("algo done\n");
}
MAIN
