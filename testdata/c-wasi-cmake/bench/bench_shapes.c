/* A benchmark using threads, as many do: it cannot build for WASI
 * preview1, and is not the program. */
#include <pthread.h>
#include <stdio.h>

#include "shapes.h"

static void *work(void *arg)
{
	(void)arg;
	return (void *)shapes_area("rect", 1000, 1000);
}

int main(void)
{
	pthread_t t;
	void *r;

	pthread_create(&t, NULL, work, NULL);
	pthread_join(t, &r);
	printf("%ld\n", (long)r);
	return 0;
}
