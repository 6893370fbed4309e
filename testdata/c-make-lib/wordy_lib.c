#include <ctype.h>
#include <string.h>

#include "wordy.h"

size_t wordy_join(char *out, size_t n, char **words, int count)
{
	size_t len = 0;
	int i;

	for (i = 0; i < count; i++) {
		const char *w = words[i];
		size_t k;
		if (i && len + strlen(WORDY_SEPARATOR) < n) {
			memcpy(out + len, WORDY_SEPARATOR, strlen(WORDY_SEPARATOR));
			len += strlen(WORDY_SEPARATOR);
		}
		for (k = 0; w[k] && len + 1 < n; k++)
			out[len++] = (char)(k ? w[k] : toupper((unsigned char)w[k]));
	}
	if (n)
		out[len < n ? len : n - 1] = '\0';
	return len;
}
