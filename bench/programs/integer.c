/* integer: a sieve of Eratosthenes plus an integer hash mix. */
#include "rt.h"

#define N 2000000
static unsigned char composite[N];

EXPORT long long run(void)
{
	long long sum = 0;
	uint32_t h = 2166136261u;
	int rep, i, j;

	for (rep = 0; rep < 40; rep++) {
		for (i = 0; i < N; i++)
			composite[i] = 0;
		for (i = 2; (long long)i * i < N; i++)
			if (!composite[i])
				for (j = i * i; j < N; j += i)
					composite[j] = 1;
		for (i = 2; i < N; i++)
			if (!composite[i]) {
				sum += i;
				h = (h ^ (uint32_t)i) * 16777619u;
			}
	}
	return sum ^ h;
}
MAIN(run)
