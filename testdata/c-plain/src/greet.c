#include <ctype.h>
#include <stdio.h>

#include "greet.h"

/* "hello, Ada!" with the first letter of the name capitalised. */
void greet(const char *greeting, const char *name)
{
	printf("%s, %c%s!\n", greeting, toupper((unsigned char)name[0]), name[0] ? name + 1 : "");
}
