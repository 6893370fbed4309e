/* fault.c - guest pointers and lengths outside linear memory: every call
 * must answer EFAULT and leave the guest running (never a host fault), and
 * a pointer one byte short of the end must be refused as well as a wild
 * one. */
#include <stdint.h>

#include "wt.h"

#define P1 WT_IMPORT
int32_t r_args_get(int32_t, int32_t) P1("args_get");
int32_t r_args_sizes_get(int32_t, int32_t) P1("args_sizes_get");
int32_t r_environ_get(int32_t, int32_t) P1("environ_get");
int32_t r_environ_sizes_get(int32_t, int32_t) P1("environ_sizes_get");
int32_t r_clock_res_get(int32_t, int32_t) P1("clock_res_get");
int32_t r_clock_time_get(int32_t, int64_t, int32_t) P1("clock_time_get");
int32_t r_random_get(int32_t, int32_t) P1("random_get");
int32_t r_fd_write(int32_t, int32_t, int32_t, int32_t) P1("fd_write");
int32_t r_fd_read(int32_t, int32_t, int32_t, int32_t) P1("fd_read");
int32_t r_fd_pwrite(int32_t, int32_t, int32_t, int64_t, int32_t) P1("fd_pwrite");
int32_t r_fd_pread(int32_t, int32_t, int32_t, int64_t, int32_t) P1("fd_pread");
int32_t r_fd_fdstat_get(int32_t, int32_t) P1("fd_fdstat_get");
int32_t r_fd_filestat_get(int32_t, int32_t) P1("fd_filestat_get");
int32_t r_fd_prestat_get(int32_t, int32_t) P1("fd_prestat_get");
int32_t r_fd_prestat_dir_name(int32_t, int32_t, int32_t) P1("fd_prestat_dir_name");
int32_t r_fd_readdir(int32_t, int32_t, int32_t, int64_t, int32_t) P1("fd_readdir");
int32_t r_fd_seek(int32_t, int64_t, int32_t, int32_t) P1("fd_seek");
int32_t r_fd_tell(int32_t, int32_t) P1("fd_tell");
int32_t r_path_create_directory(int32_t, int32_t, int32_t) P1("path_create_directory");
int32_t r_path_filestat_get(int32_t, int32_t, int32_t, int32_t, int32_t) P1("path_filestat_get");
int32_t r_path_readlink(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t) P1("path_readlink");
int32_t r_path_symlink(int32_t, int32_t, int32_t, int32_t, int32_t) P1("path_symlink");
int32_t r_path_rename(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t) P1("path_rename");
int32_t r_poll_oneoff(int32_t, int32_t, int32_t, int32_t) P1("poll_oneoff");
int32_t r_sock_recv(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t) P1("sock_recv");

static char path[] = "f.txt";
static uint8_t buf[256];
static uint32_t iov[2];

int main(void)
{
	int32_t end = (int32_t)(__builtin_wasm_memory_size(0) * 65536);
	int32_t last = end - 1, wild = (int32_t)0xfffffff0, ok = (int32_t)buf, okp = (int32_t)path;
	__wasi_fd_t fd, f = 0;

	/* a file every right applies to, so only the pointers can be wrong */
	wt_show("path_open(data.bin)", wt_open(WT_DIR, "data.bin", __WASI_OFLAGS_CREAT, &f));

	wt_show("args_sizes_get(last byte)", r_args_sizes_get(last, ok));
	wt_show("args_get(wild)", r_args_get(wild, ok));
	wt_show("args_get(buffer at the end)", r_args_get(ok, last));
	wt_show("environ_sizes_get(wild)", r_environ_sizes_get(ok, wild));
	wt_show("environ_get(wild)", r_environ_get(wild, wild));
	wt_show("clock_res_get(last byte)", r_clock_res_get(0, last));
	wt_show("clock_time_get(wild)", r_clock_time_get(1, 1, wild));
	wt_show("random_get(past the end)", r_random_get(ok, end));
	wt_show("random_get(wild)", r_random_get(wild, 32));
	wt_show("random_get(0 bytes at the end)", r_random_get(end, 0));

	iov[0] = (uint32_t)ok;
	iov[1] = 4;
	wt_show("fd_write(iovecs wild)", r_fd_write(1, wild, 1, ok));
	wt_show("fd_write(iovec count huge)", r_fd_write(1, (int32_t)iov, 0x20000000, ok));
	wt_show("fd_write(result wild)", r_fd_write(1, (int32_t)iov, 1, wild));
	iov[0] = (uint32_t)last;
	wt_show("fd_write(buffer past the end)", r_fd_write(f, (int32_t)iov, 1, ok));
	wt_show("fd_read(buffer past the end)", r_fd_read(f, (int32_t)iov, 1, ok));
	wt_show("fd_pwrite(buffer past the end)", r_fd_pwrite(f, (int32_t)iov, 1, 0, ok));
	wt_show("fd_pread(buffer past the end)", r_fd_pread(f, (int32_t)iov, 1, 0, ok));
	iov[0] = (uint32_t)ok;
	iov[1] = 0;
	wt_show("fd_write(0 iovecs at the end)", r_fd_write(1, end, 0, ok));
	wt_show("fd_fdstat_get(wild)", r_fd_fdstat_get(1, wild));
	wt_show("fd_filestat_get(last byte)", r_fd_filestat_get(WT_DIR, last));
	wt_show("fd_prestat_get(wild)", r_fd_prestat_get(WT_DIR, wild));
	wt_show("fd_prestat_dir_name(wild)", r_fd_prestat_dir_name(WT_DIR, wild, 8));
	wt_show("fd_readdir(buffer past the end)", r_fd_readdir(WT_DIR, last, 64, 0, ok));
	wt_show("fd_readdir(result wild)", r_fd_readdir(WT_DIR, ok, 64, 0, wild));
	wt_show("fd_seek(result wild)", r_fd_seek(WT_DIR, 0, 0, wild));
	wt_show("fd_tell(result at the end)", r_fd_tell(f, end));
	wt_show("path_create_directory(path wild)", r_path_create_directory(WT_DIR, wild, 5));
	wt_show("path_create_directory(path past the end)", r_path_create_directory(WT_DIR, last, 5));
	wt_show("path_open(path wild)", raw_path_open(WT_DIR, 0, wild, 5, 0, 0, 0, 0, ok));
	wt_show("path_open(result wild)", raw_path_open(WT_DIR, 0, okp, 5, __WASI_OFLAGS_CREAT, 0, 0, 0, wild));
	wt_show("path_filestat_get(result wild)", r_path_filestat_get(WT_DIR, 0, okp, 5, wild));
	wt_show("path_readlink(buffer wild)", r_path_readlink(WT_DIR, okp, 5, wild, 16, ok));
	wt_show("path_symlink(target wild)", r_path_symlink(wild, 4, WT_DIR, okp, 5));
	wt_show("path_rename(new path wild)", r_path_rename(WT_DIR, okp, 5, WT_DIR, wild, 3));
	wt_show("poll_oneoff(in wild)", r_poll_oneoff(wild, ok, 1, ok));
	wt_show("poll_oneoff(out past the end)", r_poll_oneoff(ok, last, 1, ok));
	wt_show("poll_oneoff(count huge)", r_poll_oneoff(ok, ok, 0x10000000, ok));
	wt_show("sock_recv(result wild)", r_sock_recv(0, (int32_t)iov, 1, 0, wild, ok));
	wt_show("the file was not created", __wasi_path_open(WT_DIR, 0, "f.txt", 0, 0, 0, 0, &fd));
	(void)__wasi_fd_close(f);
	wt_show("path_unlink_file(data.bin)", __wasi_path_unlink_file(WT_DIR, "data.bin"));
	printf("still running\n");
	return 0;
}
