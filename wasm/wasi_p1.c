/*
 * wasi_p1.c - the functions WASI preview1 defines (wasi_snapshot_preview1,
 * and wasi_unstable before it), as facts: what every preview1 runtime
 * (wasmtime, WasmEdge, WAMR, node, wasmpack run) provides.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"

static const char *const preview1[] = {
	"args_get", "args_sizes_get", "clock_res_get", "clock_time_get", "environ_get",
	"environ_sizes_get", "fd_advise", "fd_allocate", "fd_close", "fd_datasync",
	"fd_fdstat_get", "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get",
	"fd_filestat_set_size", "fd_filestat_set_times", "fd_pread", "fd_prestat_dir_name",
	"fd_prestat_get", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
	"fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get",
	"path_filestat_set_times", "path_link", "path_open", "path_readlink",
	"path_remove_directory", "path_rename", "path_symlink", "path_unlink_file",
	"poll_oneoff", "proc_exit", "proc_raise", "random_get", "sched_yield", "sock_accept",
	"sock_recv", "sock_send", "sock_shutdown",
};

static int by_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

const char *wasm_wasi_p1_name(size_t i)
{
	return i < sizeof(preview1) / sizeof(preview1[0]) ? preview1[i] : NULL;
}

int wasm_wasi_p1_provides(const char *module, const char *name)
{
	if (strcmp(module, "wasi_snapshot_preview1") != 0 && strcmp(module, "wasi_unstable") != 0)
		return 0;
	return bsearch(name, preview1, sizeof(preview1) / sizeof(preview1[0]), sizeof(preview1[0]), by_name) != NULL;
}
