#include <stdlib.h>

#include "stats.h"

long stats_sum(int n, char **v)
{
	long s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += strtol(v[i], NULL, 10);
	return s;
}

long stats_max(int n, char **v)
{
	long m = 0;
	int i;

	for (i = 0; i < n; i++) {
		long x = strtol(v[i], NULL, 10);
		if (i == 0 || x > m)
			m = x;
	}
	return m;
}
