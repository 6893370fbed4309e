/* The stack protector's runtime (-fstack-protector*, which projects add
 * whenever the compiler accepts it): the guard, set from WASI's random
 * source before main, and the failure, which ends the program as glibc
 * does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "compat.h"

COMPAT_MARK("stack_chk")

uintptr_t __stack_chk_guard = 0x5f3759df;

__attribute__((constructor)) static void guard_init(void)
{
	uintptr_t g;

	if (getentropy(&g, sizeof(g)) == 0 && g)
		__stack_chk_guard = g;
}

_Noreturn void __stack_chk_fail(void);

_Noreturn void __stack_chk_fail(void)
{
	compat_used();
	fputs("*** stack smashing detected ***: terminated\n", stderr);
	abort();
}
