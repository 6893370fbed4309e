#include <stdio.h>

#include "wordy.h"

int main(int argc, char **argv)
{
	char buf[256];
	size_t n = wordy_join(buf, sizeof(buf), argv + 1, argc - 1);

	printf("%s (%zu)\n", buf, n);
	return argc > 1 ? 0 : 1;
}
