/* call-heavy: naive recursive Fibonacci and Ackermann. */
#include "rt.h"

__attribute__((noinline)) static int fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static int ack(int m, int n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ack(m - 1, 1);
	return ack(m - 1, ack(m, n - 1));
}

EXPORT long long run(void)
{
	return (long long)fib(37) * 1000 + ack(2, 300) + ack(3, 5);
}
MAIN(run)
