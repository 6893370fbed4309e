#include <stdio.h>

#include "tally.h"

int main(int argc, char **argv)
{
	int i, total = 0;

	for (i = 1; i < argc; i++)
		total += tally_words(argv[i]);
	printf("tally %s: %d words in %d arguments\n", "0.3.1", total, argc - 1);
	return 0;
}
