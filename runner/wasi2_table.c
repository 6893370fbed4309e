/*
 * wasi2_table.c - the WASI 0.2 host's state (wasi2_impl.h): its
 * configuration, the preopened directories (opened when the host is made,
 * so a missing one is an error before anything runs), and the one table of
 * resource handles every interface shares.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/error.h"
#include "wasi2_impl.h"
#include "wasi_impl.h"

int wasi2_host_new(const struct wasi2_config *cfg, wasi2_host **out)
{
	wasi2_host *w = calloc(1, sizeof(*w));
	size_t i;

	if (!w || (cfg->ndirs && !(w->preopen_fds = calloc(cfg->ndirs, sizeof(int))))) {
		free(w);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	w->cfg = *cfg;
	for (i = 0; i < cfg->ndirs; i++) {
		int fd = open(cfg->dirs[i].host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			int err = wp_error_errno(WP_EIO, "--dir %s", cfg->dirs[i].host);
			while (i-- > 0)
				close(w->preopen_fds[i]);
			free(w->preopen_fds);
			free(w);
			return err;
		}
		w->preopen_fds[i] = fd;
	}
	if (cfg->nlisteners) { /* taken over only once nothing else can fail */
		if (!(w->listen_fds = calloc(cfg->nlisteners, sizeof(int)))) {
			for (i = 0; i < cfg->ndirs; i++)
				close(w->preopen_fds[i]);
			free(w->preopen_fds);
			free(w);
			return wp_error_set(WP_ENOMEM, "out of memory");
		}
		memcpy(w->listen_fds, cfg->listeners, cfg->nlisteners * sizeof(int));
	}
	*out = w;
	return 0;
}

void wasi2_host_free(wasi2_host *w)
{
	uint32_t i;

	if (!w)
		return;
	for (i = 0; i < w->n; i++)
		if (w->h[i].kind != H_FREE)
			wasi2_handle_close(&w->h[i]);
	for (i = 0; i < w->cfg.ndirs; i++)
		close(w->preopen_fds[i]);
	free(w->preopen_fds);
	for (i = 0; i < w->cfg.nlisteners; i++)
		if (w->listen_fds[i] >= 0)
			close(w->listen_fds[i]);
	free(w->listen_fds);
	free(w->h);
	free(w);
}

int wasi2_new_handle(wasi2_host *w, uint8_t kind, int fd, uint32_t *out)
{
	struct handle *n;
	uint32_t i;

	for (i = 0; i < w->n; i++)
		if (w->h[i].kind == H_FREE)
			break;
	if (i == w->n) {
		if (w->n >= 1u << 20)
			return -1;
		if (!(n = realloc(w->h, (w->n + 1) * sizeof(*n))))
			return -1;
		w->h = n;
		w->n++;
	}
	memset(&w->h[i], 0, sizeof(w->h[i]));
	w->h[i].kind = kind;
	w->h[i].fd = fd;
	w->h[i].off = -1;
	*out = i + 1;
	return 0;
}

int wasi2_new_owned(wasi2_host *w, uint8_t kind, int fd, uint32_t *out)
{
	if (wasi2_new_handle(w, kind, fd, out) < 0) {
		close(fd);
		return -1;
	}
	w->h[*out - 1].owned = 1;
	return 0;
}

struct handle *wasi2_get(wasi2_host *w, uint64_t h, uint8_t kind)
{
	if (h == 0 || h > w->n || w->h[h - 1].kind != kind)
		return NULL;
	return &w->h[h - 1];
}

void wasi2_handle_close(struct handle *h)
{
	if (h->owned && h->fd >= 0)
		close(h->fd);
	if (h->dir)
		wasi_sys_dir_free(h->dir);
	memset(h, 0, sizeof(*h));
}

/* The handle kind of each host resource type; the host makes no handles
 * of the others (terminals, UDP sockets, name lookups). */
static uint8_t kind_of(const char *resource)
{
	static const struct {
		const char *name;
		uint8_t kind;
	} kinds[] = {
		{"input-stream", H_IN}, {"output-stream", H_OUT}, {"pollable", H_POLL},
		{"error", H_ERROR}, {"descriptor", H_DESC}, {"directory-entry-stream", H_DIRSTREAM},
		{"network", H_NET}, {"tcp-socket", H_TCP},
	};
	size_t i;

	for (i = 0; resource && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, resource))
			return kinds[i].kind;
	return H_FREE;
}

int wasi2_drop(wasi2_host *w, const char *resource, uint32_t h)
{
	uint8_t kind = kind_of(resource);

	if (kind == H_FREE || !wasi2_get(w, h, kind))
		return -1;
	wasi2_handle_close(&w->h[h - 1]);
	return 0;
}
