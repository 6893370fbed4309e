/* c-make: sum and maximum of the numbers given as arguments, labelled
 * with $STATS_LABEL; exits 1 without numbers. */
#include <stdio.h>
#include <stdlib.h>

#include "stats.h"

int main(int argc, char **argv)
{
	const char *label = getenv("STATS_LABEL");

	if (argc < 2) {
		fprintf(stderr, "stats: no numbers\n");
		return 1;
	}
	printf("%s: n=%d sum=%ld max=%ld\n", label ? label : "stats", argc - 1, stats_sum(argc - 1, argv + 1),
	       stats_max(argc - 1, argv + 1));
	return 0;
}
