/* POSIX calls that WASI preview1 lacks and wasi-libc emulates (signal,
 * clock, times, getpid, mmap): a real CLI calls them for cosmetic reasons. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static void on_int(int sig)
{
	(void)sig;
}

int main(void)
{
	struct tms t;
	char *p;

	printf("signal: %s\n", signal(SIGINT, on_int) == SIG_ERR ? "failed" : "installed");
	printf("clock: %s\n", clock() == (clock_t)-1 ? "failed" : "ok");
	printf("times: %s\n", times(&t) == (clock_t)-1 ? "failed" : "ok");
	printf("getpid: %s\n", getpid() > 0 ? "positive" : "not positive");
	p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		puts("mmap: failed");
		return 1;
	}
	strcpy(p, "mapped");
	printf("mmap: %s\n", p);
	munmap(p, 65536);
	return 0;
}
