/* float: Mandelbrot set escape counts plus an n-body style update. */
#include "rt.h"

EXPORT long long run(void)
{
	long long total = 0;
	int x, y, it, step;
	double px[16], py[16], vx[16], vy[16], e = 0;

	for (y = 0; y < 1200; y++)
		for (x = 0; x < 1200; x++) {
			double cr = x / 600.0 - 1.5, ci = y / 600.0 - 1.0, zr = 0, zi = 0;
			for (it = 0; it < 100 && zr * zr + zi * zi < 4.0; it++) {
				double t = zr * zr - zi * zi + cr;
				zi = 2 * zr * zi + ci;
				zr = t;
			}
			total += it;
		}
	for (x = 0; x < 16; x++) {
		px[x] = x * 1.5;
		py[x] = (x * 7 % 16) * 0.75;
		vx[x] = vy[x] = 0;
	}
	for (step = 0; step < 20000; step++)
		for (x = 0; x < 16; x++) {
			double ax = 0, ay = 0;
			for (y = 0; y < 16; y++) {
				double dx = px[y] - px[x], dy = py[y] - py[x];
				double d2 = dx * dx + dy * dy + 0.01;
				ax += dx / d2;
				ay += dy / d2;
			}
			vx[x] += ax * 1e-4;
			vy[x] += ay * 1e-4;
			px[x] += vx[x] * 1e-3;
			py[x] += vy[x] * 1e-3;
		}
	for (x = 0; x < 16; x++)
		e += px[x] * 3 + py[x] * 5;
	return total + (long long)(e * 1000);
}
MAIN(run)
