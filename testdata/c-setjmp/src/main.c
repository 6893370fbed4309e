/* Uses setjmp, which wasi-libc does not have. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;

int main(void)
{
	if (setjmp(env) == 0)
		longjmp(env, 1);
	puts("back");
	return 0;
}
