/* Floating point: arithmetic, conversions both ways, sqrt, rounding,
 * float/double mixing; the results must match the native build bit for
 * bit (printed with %.17g). */
#include "io.h"

static double poly(double x) { return ((3.5 * x - 2.25) * x + 0.125) * x - 7.0; }

EXPORT void run(void)
{
	double s = 0, x;
	float f = 1.0f;
	long long li = 0;
	int i;

	for (i = 1; i <= 1000; i++) {
		x = i / 7.0;
		s += poly(x) / (x + 1.0);
		f = f * 1.0001f + (float)i / 3.0f;
		li += (long long)(x * 1000.0);
	}
	print_f64(s);
	print_f64((double)f);
	print_i64(li);
	print_f64(__builtin_sqrt(2.0));
	print_f64(__builtin_floor(-2.5) + __builtin_ceil(-2.5) + __builtin_trunc(2.7));
	print_f64(__builtin_fmin(-0.0, 0.0));
	print_f64(__builtin_copysign(3.0, -0.0));
	print_i64((long long)(float)16777217);
	print_i64((long long)(unsigned)(4294967295.0));
	print_f64((double)(unsigned long long)18446744073709551615ull);
	print_f64((double)(float)0.1);
	print_i64((int)(-3.99));
	say("numeric done\n");
}
MAIN
