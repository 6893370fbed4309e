/* sock.c - the socket calls on a listening socket handed to the guest
 * (wasmpack run --tcplisten): accept one connection, read a line, answer
 * it, shut down; and the errors on descriptors that are not sockets. */
#include <stdint.h>

#include "wt.h"

int32_t r_sock_accept(int32_t, int32_t, int32_t) WT_IMPORT("sock_accept");

int main(void)
{
	__wasi_fd_t fd, lst = 0, conn;
	__wasi_fdstat_t st;
	char data[64], reply[96];
	__wasi_iovec_t in = { (uint8_t *)data, sizeof(data) - 1 };
	__wasi_ciovec_t out;
	__wasi_size_t n;
	__wasi_roflags_t rf;

	for (fd = 3; fd < 16; fd++)
		if (__wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM) {
			lst = fd;
			break;
		}
	printf("listening socket found: %s\n", lst ? "yes" : "no");
	wt_show("sock_shutdown(stdout)", __wasi_sock_shutdown(1, __WASI_SDFLAGS_WR));
	wt_show("sock_shutdown(99)", __wasi_sock_shutdown(99, __WASI_SDFLAGS_WR));
	wt_show("sock_recv(stdin)", __wasi_sock_recv(0, &in, 1, 0, &n, &rf));
	wt_show("sock_send(stdout)", __wasi_sock_send(1, (const __wasi_ciovec_t *)&in, 1, 0, &n));
	wt_show("sock_accept(stdin)", r_sock_accept(0, 0, (int32_t)&conn));
	wt_show("sock_accept(bad flags)", r_sock_accept(lst, 0x10, (int32_t)&conn));
	fflush(stdout);
	wt_show("sock_accept", __wasi_sock_accept(lst, 0, &conn));
	wt_show("fd_fdstat_get(connection)", __wasi_fd_fdstat_get(conn, &st));
	printf("connection filetype: %d\n", st.fs_filetype);
	wt_show("sock_accept(on the connection)", __wasi_sock_accept(conn, 0, &fd));
	memset(data, 0, sizeof(data));
	wt_show("sock_recv(PEEK)", __wasi_sock_recv(conn, &in, 1, __WASI_RIFLAGS_RECV_PEEK, &n, &rf));
	wt_show("sock_recv", __wasi_sock_recv(conn, &in, 1, 0, &n, &rf));
	data[n] = '\0';
	printf("received %u bytes: %s", (unsigned)n, data);
	snprintf(reply, sizeof(reply), "echo: %s", data);
	out.buf = (const uint8_t *)reply;
	out.buf_len = strlen(reply);
	wt_show("sock_send(flags)", __wasi_sock_send(conn, &out, 1, 1, &n));
	wt_show("sock_send", __wasi_sock_send(conn, &out, 1, 0, &n));
	printf("sent %u bytes\n", (unsigned)n);
	wt_show("sock_shutdown(bad how)", __wasi_sock_shutdown(conn, 0));
	wt_show("sock_shutdown(WR)", __wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR));
	wt_show("sock_recv(until the peer closes)", __wasi_sock_recv(conn, &in, 1, __WASI_RIFLAGS_RECV_WAITALL, &n, &rf));
	printf("then %u bytes\n", (unsigned)n);
	wt_show("fd_close(connection)", __wasi_fd_close(conn));
	return 0;
}
