/* fib N: the first N Fibonacci numbers separated by $FIB_SEP (default
 * " "); exits 3 when N is missing or not positive. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	const char *sep = getenv("FIB_SEP");
	unsigned long long a = 0, b = 1, t;
	long n, i;

	if (argc < 2 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "fib: need a positive count\n");
		return 3;
	}
	for (i = 0; i < n; i++) {
		printf("%s%llu", i ? (sep ? sep : " ") : "", a);
		t = a + b;
		a = b;
		b = t;
	}
	printf("\n");
	return 0;
}
