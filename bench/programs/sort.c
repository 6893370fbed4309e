/* sorting: quicksort and heapsort of pseudo-random integers. */
#include "rt.h"

#define N 300000
static int32_t a[N], b[N];

static void quicksort(int32_t *v, int lo, int hi)
{
	while (lo < hi) {
		int32_t p = v[(lo + hi) / 2];
		int i = lo, j = hi;
		while (i <= j) {
			while (v[i] < p)
				i++;
			while (v[j] > p)
				j--;
			if (i <= j) {
				int32_t t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		}
		if (j - lo < hi - i) {
			quicksort(v, lo, j);
			lo = i;
		} else {
			quicksort(v, i, hi);
			hi = j;
		}
	}
}

static void sift(int32_t *v, int root, int n)
{
	for (;;) {
		int c = 2 * root + 1;
		if (c >= n)
			return;
		if (c + 1 < n && v[c + 1] > v[c])
			c++;
		if (v[root] >= v[c])
			return;
		int32_t t = v[root];
		v[root] = v[c];
		v[c] = t;
		root = c;
	}
}

EXPORT long long run(void)
{
	uint32_t s = 42;
	long long sum = 0;
	int i, rep;

	for (rep = 0; rep < 4; rep++) {
		for (i = 0; i < N; i++)
			a[i] = b[i] = (int32_t)(rng_next(&s) % 1000000);
		quicksort(a, 0, N - 1);
		for (i = N / 2 - 1; i >= 0; i--)
			sift(b, i, N);
		for (i = N - 1; i > 0; i--) {
			int32_t t = b[0];
			b[0] = b[i];
			b[i] = t;
			sift(b, 0, i);
		}
		for (i = 0; i < N; i += 97)
			sum += (long long)a[i] * (i + 1) + b[i];
	}
	return sum;
}
MAIN(run)
