/*
 * text.c - escaping untrusted text for the terminal (see text.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

char *wp_text_escape(const char *s, int keep_newlines)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), o = 0;
	char *out = malloc(n * 4 + 1); /* at most 4 bytes for each: "\xNN" */

	if (!out)
		return NULL;
	for (; *p; p++) {
		if ((*p == '\n' && keep_newlines) || *p == '\t') {
			out[o++] = (char)*p;
		} else if (*p < 0x20 || *p == 0x7f) {
			o += (size_t)sprintf(out + o, "\\x%02x", *p);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			o += (size_t)sprintf(out + o, "\\u%04x", p[1]);
			p++;
		} else {
			out[o++] = (char)*p;
		}
	}
	out[o] = '\0';
	return out;
}
