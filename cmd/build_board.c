/*
 * build_board.c - the live board of `wasmpack build ./...` and the state
 * channel of its children (see build_board.h).
 *
 * The board is redrawn by moving the cursor up over the lines drawn last
 * time and clearing to the end of the screen, so every line must fit the
 * terminal's width (a wrapped line would break the count): lines are cut
 * to the width.  A board taller than the terminal shows the projects that
 * are building, pushing or failed and one line counting the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/text.h"
#include "build_board.h"
#include "progress.h"

struct row {
	enum board_state state;
	double since; /* when the state began, seconds */
	char digest[20]; /* "sha256:" and 12 hex digits */
};

static struct {
	int on;
	size_t n, drawn; /* rows; lines on the screen now */
	char *const *paths;
	char *const *builders;
	struct row *rows;
	double last;
	int dirty;
	size_t width; /* of the path column */
} bd;

static int state_fd = -1;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int build_board_live(void)
{
	return cmd_progress_live();
}

int build_board_open(size_t n, char *const *paths, char *const *builders)
{
	size_t i;

	memset(&bd, 0, sizeof(bd));
	if (!build_board_live() || n == 0 || !(bd.rows = calloc(n, sizeof(*bd.rows))))
		return 0;
	bd.on = 1;
	bd.n = n;
	bd.paths = paths;
	bd.builders = builders;
	bd.dirty = 1;
	for (i = 0; i < n; i++) {
		bd.rows[i].since = now_s();
		if (strlen(paths[i]) > bd.width)
			bd.width = strlen(paths[i]);
	}
	if (bd.width > 48)
		bd.width = 48;
	return 0;
}

void build_board_set(size_t i, enum board_state s, const char *digest)
{
	if (!bd.on || i >= bd.n)
		return;
	bd.rows[i].state = s;
	bd.rows[i].since = now_s();
	bd.rows[i].digest[0] = 0;
	if (digest)
		snprintf(bd.rows[i].digest, sizeof(bd.rows[i].digest), "%s", digest);
	bd.dirty = 1;
}

static void term_size(size_t *cols, size_t *lines)
{
	struct winsize ws;

	*cols = 80;
	*lines = 24;
	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
		*cols = ws.ws_col;
		*lines = ws.ws_row;
	}
}

/* A line of the board, cut to `cols - 1` columns so it never wraps. */
static void put_line(char *line, size_t cols)
{
	if (cols > 1 && strlen(line) > cols - 1)
		line[cols - 1] = 0;
	fprintf(stderr, "%s\n", line);
}

/* One row, cut to `cols - 1` columns (paths are the user's: escaped). */
static void draw_row(size_t i, size_t cols, double t)
{
	const struct row *r = &bd.rows[i];
	const char *b = bd.builders[i] ? bd.builders[i] : "?";
	char state[96], line[512], *path = wp_text_escape(bd.paths[i], 0);

	switch (r->state) {
	case BOARD_QUEUED:
		snprintf(state, sizeof(state), "queued");
		break;
	case BOARD_BUILDING:
		snprintf(state, sizeof(state), "building (%s) %.0fs", b, t - r->since);
		break;
	case BOARD_PUSHING:
		snprintf(state, sizeof(state), "pushing %.0fs", t - r->since);
		break;
	case BOARD_DONE:
		snprintf(state, sizeof(state), "done %s", r->digest[0] ? r->digest : "");
		break;
	default:
		snprintf(state, sizeof(state), "failed");
		break;
	}
	snprintf(line, sizeof(line), "  %-*s  %s", (int)bd.width, path ? path : "?", state);
	free(path);
	put_line(line, cols);
}

static void redraw(void)
{
	size_t cols, lines, i, count[BOARD_FAILED + 1] = { 0 }, shown = 0;
	double t = now_s();
	int all;

	term_size(&cols, &lines);
	if (bd.drawn)
		fprintf(stderr, "\033[%zuA", bd.drawn);
	fputs("\r\033[J", stderr);
	all = bd.n + 1 < lines;
	for (i = 0; i < bd.n; i++) {
		count[bd.rows[i].state]++;
		if (all || ((bd.rows[i].state == BOARD_BUILDING || bd.rows[i].state == BOARD_PUSHING ||
			     bd.rows[i].state == BOARD_FAILED) && shown + 2 < lines)) {
			draw_row(i, cols, t);
			shown++;
		}
	}
	if (!all) {
		char line[160];
		snprintf(line, sizeof(line), "  %zu done, %zu failed, %zu queued, %zu building, %zu pushing",
			 count[BOARD_DONE], count[BOARD_FAILED], count[BOARD_QUEUED], count[BOARD_BUILDING],
			 count[BOARD_PUSHING]);
		put_line(line, cols);
		shown++;
	}
	fflush(stderr);
	bd.drawn = shown;
	bd.last = t;
	bd.dirty = 0;
}

void build_board_draw(void)
{
	/* a state change at once (a few per project), else once a second
	 * for the elapsed times */
	if (bd.on && (bd.dirty || now_s() - bd.last >= 1.0))
		redraw();
}

void build_board_print(const char *text, size_t len)
{
	if (!bd.on) {
		fwrite(text, 1, len, stderr);
		return;
	}
	if (bd.drawn)
		fprintf(stderr, "\033[%zuA", bd.drawn);
	fputs("\r\033[J", stderr);
	fwrite(text, 1, len, stderr);
	bd.drawn = 0;
	redraw();
}

void build_board_close(void)
{
	if (bd.on)
		redraw();
	free(bd.rows);
	memset(&bd, 0, sizeof(bd));
}

void build_state_open(void)
{
	const char *e = getenv("WASMPACK_STATE_FD");
	struct stat st;
	char *end;
	long fd;

	if (!e)
		return;
	errno = 0;
	fd = strtol(e, &end, 10);
	/* only a pipe the parent made: never write into another descriptor */
	if (!errno && !*end && fd > 2 && fd < 1024 && fstat((int)fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    (fcntl((int)fd, F_GETFL) & O_ACCMODE) == O_WRONLY) {
		state_fd = (int)fd;
		fcntl(state_fd, F_SETFD, FD_CLOEXEC); /* not for the compilers */
	}
	unsetenv("WASMPACK_STATE_FD");
}

void build_state_report(const char *word)
{
	if (state_fd >= 0)
		dprintf(state_fd, "%s\n", word);
}
