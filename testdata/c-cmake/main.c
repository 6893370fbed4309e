/* calc A OP B: prints the result, prefixed with $CALC_PREFIX when set;
 * exits 2 on a bad expression. */
#include <stdio.h>
#include <stdlib.h>

#include "ops.h"

int main(int argc, char **argv)
{
	const char *prefix = getenv("CALC_PREFIX");
	long r;

	if (argc != 4 || ops_apply(argv[2][0], strtol(argv[1], NULL, 10), strtol(argv[3], NULL, 10), &r) < 0) {
		fprintf(stderr, "calc: usage: calc A +|-|x|/ B\n");
		return 2;
	}
	printf("%s%ld\n", prefix ? prefix : "", r);
	return 0;
}
