/* A program that needs ~200 KiB of stack, as real parsers and formatters
 * do (rapidjson's pretty printer overflowed a 64 KiB stack). */
#include <stdio.h>
#include <string.h>

static unsigned long depth_sum(int depth)
{
	volatile char frame[4096];
	unsigned long s;

	memset((char *)frame, depth & 0x7f, sizeof(frame));
	if (depth == 0)
		return frame[17];
	s = depth_sum(depth - 1);
	return s + frame[depth % sizeof(frame)];
}

int main(void)
{
	/* 50 frames of 4 KiB: 200 KiB */
	printf("sum: %lu\n", depth_sum(50));
	return 0;
}
