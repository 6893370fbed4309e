/* A guest that divides by zero three calls deep: the run must end with
 * "Error: integer divide by zero" and a backtrace naming the functions. */
#include "io.h"

static volatile int zero;

__attribute__((noinline)) int divide_it(int a) { return a / zero; }
__attribute__((noinline)) int middle_layer(int a) { return divide_it(a + 1) + 1; }

EXPORT void run(void)
{
	say("before\n");
	print_i64(middle_layer(41));
	say("not reached\n");
}
MAIN
