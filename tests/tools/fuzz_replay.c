/*
 * fuzz_replay.c - run inputs through the fuzz target's logic (decode,
 * validate, instantiate, call every export under limits) without
 * libFuzzer: the regression runner for inputs the fuzzer once crashed on.
 *
 *   fuzz_replay FILE...     each FILE holds one input, base64 encoded
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/runner_fuzz.c"

static int b64(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

int main(int argc, char **argv)
{
	int a;

	for (a = 1; a < argc; a++) {
		FILE *f = fopen(argv[a], "r");
		uint8_t *out;
		size_t n = 0, cap = 1 << 16;
		unsigned acc = 0, bits = 0;
		int c;

		if (!f) {
			perror(argv[a]);
			return 2;
		}
		out = malloc(cap);
		while ((c = fgetc(f)) != EOF) {
			int v = b64(c);
			if (v < 0)
				continue;
			acc = acc << 6 | (unsigned)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				if (n == cap)
					out = realloc(out, cap *= 2);
				out[n++] = (uint8_t)(acc >> bits);
			}
		}
		fclose(f);
		LLVMFuzzerTestOneInput(out, n);
		free(out);
		printf("ok - fuzz regression %s\n", strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a]);
	}
	return 0;
}
