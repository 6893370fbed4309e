/* Calls a function the host is meant to provide (an embedder's API), not
 * one WASI defines: no WASI runtime can run the module. */
#include <stdio.h>

__attribute__((import_module("env"), import_name("host_log"))) void host_log(int level);

int main(void)
{
	host_log(1);
	puts("logged");
	return 0;
}
