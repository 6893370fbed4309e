#include <stdio.h>
#include <stdlib.h>

#include "shapes.h"

#ifndef PLATFORM_NAME
#define PLATFORM_NAME "unknown"
#endif

int main(int argc, char **argv)
{
	int i;

	printf("platform: %s\n", PLATFORM_NAME);
	for (i = 1; i + 2 < argc; i += 3)
		printf("%s %s %s: %ld\n", argv[i], argv[i + 1], argv[i + 2],
		       shapes_area(argv[i], atol(argv[i + 1]), atol(argv[i + 2])));
	return 0;
}
