/*
 * build_board.h - what the user sees of `wasmpack build ./...` while the
 * projects build, and the channel the per-project children report on.
 *
 * On a terminal (progress.h's detection, WASMPACK_PROGRESS=tty|plain|none)
 * a board on stderr lists every project with its state - queued,
 * building (builder), pushing, done with its digest, failed - redrawn in
 * place at most a few times a second; the children's logs scroll above
 * it.  Elsewhere (CI logs) nothing is drawn: build_many.c keeps its plain
 * lines.
 *
 * A child `wasmpack build DIR` started by build ./... gets the write end
 * of a pipe in WASMPACK_STATE_FD and writes one word a line on it
 * ("pushing") when its state changes; the pipe's end of file tells the
 * parent the child is gone.
 */
#ifndef CMD_BUILD_BOARD_H
#define CMD_BUILD_BOARD_H

#include <stddef.h>

enum board_state { BOARD_QUEUED, BOARD_BUILDING, BOARD_PUSHING, BOARD_DONE, BOARD_FAILED };

/* 1 when the board is drawn (stderr is a terminal, or WASMPACK_PROGRESS=tty). */
int build_board_live(void);

/* Start a board of n rows; `paths` and `builders` are borrowed until
 * build_board_close() (a builder may be NULL: not detected). */
int build_board_open(size_t n, char *const *paths, char *const *builders);

/* Row i's new state; `digest` (done only, may be NULL) is copied. */
void build_board_set(size_t i, enum board_state s, const char *digest);

/* Redraw when something changed or the elapsed times need it. */
void build_board_draw(void);

/* Print text above the board (a child's log), then redraw it. */
void build_board_print(const char *text, size_t len);

/* Draw the final state and leave it on the screen. */
void build_board_close(void);

/* In a child: take WASMPACK_STATE_FD (kept from the compilers it runs). */
void build_state_open(void);

/* In a child: report a state word ("pushing"); nothing without a channel. */
void build_state_report(const char *word);

#endif
