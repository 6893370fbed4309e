/* memory: CRC-32 (table driven) over a buffer, plus block copies. */
#include "rt.h"

#define LEN (1 << 20)
static uint8_t buf[LEN], buf2[LEN];
static uint32_t table[256];

EXPORT long long run(void)
{
	uint32_t s = 12345, crc = 0, k, rep;
	int i;

	for (k = 0; k < 256; k++) {
		uint32_t c = k;
		for (i = 0; i < 8; i++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[k] = c;
	}
	for (i = 0; i < LEN; i++)
		buf[i] = (uint8_t)rng_next(&s);
	for (rep = 0; rep < 80; rep++) {
		uint32_t c = ~0u;
		for (i = 0; i < LEN; i++)
			c = table[(c ^ buf[i]) & 0xff] ^ (c >> 8);
		crc ^= ~c;
		for (i = 0; i < LEN; i += 4) {
			uint32_t w;
			__builtin_memcpy(&w, buf + i, 4);
			w = (w << 3) | (w >> 29);
			__builtin_memcpy(buf2 + ((i + rep * 4) & (LEN - 1)), &w, 4);
		}
		for (i = 0; i < LEN; i++)
			buf[i] ^= buf2[i];
	}
	return crc;
}
MAIN(run)
