/*
 * progress.c - progress display of registry transfers (see progress.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/text.h"
#include "progress.h"

enum mode { MODE_NONE, MODE_PLAIN, MODE_TTY };

static struct {
	int mode;
	int live;           /* a bar is on the current line */
	char digest[80];
	uint64_t size;
	double started;     /* this blob's start, seconds */
	double last_draw;
	enum registry_blob_state state;
} st;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void human(uint64_t n, char *out, size_t size)
{
	if (n >= 1000000000)
		snprintf(out, size, "%.1f GB", (double)n / 1e9);
	else if (n >= 1000000)
		snprintf(out, size, "%.1f MB", (double)n / 1e6);
	else if (n >= 1000)
		snprintf(out, size, "%.1f kB", (double)n / 1e3);
	else
		snprintf(out, size, "%llu B", (unsigned long long)n);
}

/* "sha256:0123456789ab" */
/* The first 19 characters of a digest a registry sent, escaped. */
static void short_digest(const char *d, char *out, size_t size)
{
	char head[20], *safe;

	snprintf(head, sizeof(head), "%s", d);
	safe = wp_text_escape(head, 0);
	snprintf(out, size, "%s", safe ? safe : "?");
	free(safe);
}

static void clear_live(void)
{
	if (st.live) {
		fputs("\r\033[K", stderr);
		st.live = 0;
	}
}

static void draw(uint64_t done, int final)
{
	char a[32], b[32], rate[32], d[96], bar[21];
	double el = now_s() - st.started;
	size_t i, fill = st.size ? (size_t)(20 * (done > st.size ? st.size : done) / st.size) : 20;

	for (i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = '\0';
	human(done, a, sizeof(a));
	human(st.size, b, sizeof(b));
	human(el > 0.001 ? (uint64_t)((double)done / el) : 0, rate, sizeof(rate));
	short_digest(st.digest, d, sizeof(d));
	fprintf(stderr, "\r\033[K%s %s [%s] %s / %s  %s/s%s",
		st.state == REGISTRY_BLOB_DOWNLOAD ? "pull" : "push", d, bar, a, b, rate,
		final ? "\n" : "");
	st.live = !final;
	st.last_draw = now_s();
}

static void blob_event(void *ctx, const char *digest, uint64_t size, enum registry_blob_state state,
		    int end, int failed)
{
	char d[96], sz[32], rate[32];
	double el;

	(void)ctx;
	if (st.mode == MODE_NONE)
		return;
	short_digest(digest, d, sizeof(d));
	human(size, sz, sizeof(sz));
	if (state == REGISTRY_BLOB_EXISTS || state == REGISTRY_BLOB_MOUNTED) {
		clear_live();
		fprintf(stderr, "%s %s (%s)\n", state == REGISTRY_BLOB_EXISTS ? "exists " : "mounted", d, sz);
		return;
	}
	if (!end) {
		snprintf(st.digest, sizeof(st.digest), "%s", digest);
		st.size = size;
		st.state = state;
		st.started = now_s();
		st.last_draw = 0;
		if (st.mode == MODE_TTY) {
			clear_live();
			draw(0, 0);
		} else {
			fprintf(stderr, "%s %s (%s)\n", state == REGISTRY_BLOB_DOWNLOAD ? "pulling" : "pushing", d, sz);
		}
		return;
	}
	el = now_s() - st.started;
	human(el > 0.001 ? (uint64_t)((double)size / el) : 0, rate, sizeof(rate));
	if (st.mode == MODE_TTY && !failed) {
		draw(size, 1);
		return;
	}
	clear_live();
	if (failed)
		fprintf(stderr, "failed  %s\n", d);
	else
		fprintf(stderr, "%s %s (%s in %.2f s, %s/s)\n",
			state == REGISTRY_BLOB_DOWNLOAD ? "pulled " : "pushed ", d, sz, el, rate);
}

static void progress_event(void *ctx, const char *digest, uint64_t done, uint64_t total)
{
	(void)ctx;
	(void)total;
	if (st.mode != MODE_TTY || strcmp(digest, st.digest) != 0)
		return;
	if (now_s() - st.last_draw < 0.1) /* at most ~10 redraws a second */
		return;
	draw(done, 0);
}

static void message_event(void *ctx, int debug, const char *msg)
{
	char *safe = wp_text_escape(msg, 0); /* registry warnings are the registry's text */

	(void)ctx;
	clear_live();
	fprintf(stderr, "wasmpack: %s%s\n", debug ? "debug: " : "", safe ? safe : "out of memory");
	free(safe);
}

/* WASMPACK_PROGRESS, else a terminal that is not "dumb" means live. */
static int detect_mode(void)
{
	const char *m = getenv("WASMPACK_PROGRESS"), *term = getenv("TERM");

	if (m && !strcmp(m, "none"))
		return MODE_NONE;
	if (m && !strcmp(m, "plain"))
		return MODE_PLAIN;
	if (m && !strcmp(m, "tty"))
		return MODE_TTY;
	return isatty(2) && !(term && !strcmp(term, "dumb")) ? MODE_TTY : MODE_PLAIN;
}

int cmd_progress_live(void)
{
	return detect_mode() == MODE_TTY;
}

/* The attachments of a build are uploaded by threads of their own while
 * the image is pushed: one event at a time on the terminal. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void on_blob(void *ctx, const char *digest, uint64_t size, enum registry_blob_state state,
		    int end, int failed)
{
	pthread_mutex_lock(&lock);
	blob_event(ctx, digest, size, state, end, failed);
	pthread_mutex_unlock(&lock);
}

static void on_progress(void *ctx, const char *digest, uint64_t done, uint64_t total)
{
	pthread_mutex_lock(&lock);
	progress_event(ctx, digest, done, total);
	pthread_mutex_unlock(&lock);
}

static void on_message(void *ctx, int debug, const char *msg)
{
	pthread_mutex_lock(&lock);
	message_event(ctx, debug, msg);
	pthread_mutex_unlock(&lock);
}

const struct registry_events *cmd_progress_events(void)
{
	static const struct registry_events ev = { on_blob, on_progress, on_message, NULL };

	st.mode = detect_mode();
	return &ev;
}
