/* wordfreq: counts the letters of its arguments, an autotools project
 * with no generated configure (as jq's repository). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int *count = malloc(26 * sizeof(int)), i, n = 0;
	const char *p;

	if (!count)
		return 2;
	for (i = 0; i < 26; i++)
		count[i] = 0;
	for (i = 1; i < argc; i++)
		for (p = argv[i]; *p; p++)
			if (isalpha((unsigned char)*p))
				count[tolower((unsigned char)*p) - 'a']++, n++;
	for (i = 0; i < 26; i++)
		if (count[i])
			printf("%c: %d\n", 'a' + i, count[i]);
	printf("letters: %d\n", n);
	free(count);
	return 0;
}
