/* c-plain: plain C sources, no build file.  Greets each argument with
 * $GREETING (default "hello"); the exit status is the number of names. */
#include <stdio.h>
#include <stdlib.h>

#include "greet.h"

int main(int argc, char **argv)
{
	const char *greeting = getenv("GREETING");
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: c-plain NAME...\n");
		return 64;
	}
	for (i = 1; i < argc; i++)
		greet(greeting ? greeting : "hello", argv[i]);
	return argc - 1;
}
