// A C++ program that reports errors with exceptions: throws across
// frames, catches by base class, rethrows, and cleans up with RAII.
// wasi-libc's libc++abi has no exception support, so wasmpack.json picks
// emscripten, which builds it with -fwasm-exceptions.
#include <cstdio>
#include <stdexcept>
#include <string>

static int live;

struct Guard {
	Guard() { live++; }
	~Guard() { live--; }
};

static int parse(const std::string &s, int depth)
{
	Guard g;
	if (depth == 20)
		throw std::invalid_argument("bad input: " + s);
	return parse(s, depth + 1) + 1;
}

static int checked(const std::string &s)
{
	try {
		return parse(s, 0);
	} catch (const std::invalid_argument &) {
		std::printf("live guards at rethrow: %d\n", live);
		throw;
	}
}

int main(int argc, char **argv)
{
	const char *arg = argc > 1 ? argv[1] : "x";
	try {
		checked(arg);
	} catch (const std::exception &e) {
		std::printf("caught: %s\nlive guards after unwinding: %d\n", e.what(), live);
		return 2;
	}
	return 0;
}
