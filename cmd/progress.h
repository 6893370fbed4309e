/*
 * progress.h - what the user sees of a registry transfer, on stderr: on a
 * terminal one live bar per blob (bytes, rate) redrawn at most ten times
 * a second; elsewhere (CI logs) one plain line when a blob starts and one
 * when it ends, never carriage returns.  Registry warnings and retry
 * notes go through here too, so they do not tear a live bar.
 *
 * WASMPACK_PROGRESS=tty|plain|none overrides the terminal detection.
 */
#ifndef CMD_PROGRESS_H
#define CMD_PROGRESS_H

#include "../registry/registry.h"

/* Events for registry_opts.ev; `verb` is "push" or "pull". */
const struct registry_events *cmd_progress_events(void);

/* 1 when progress is drawn live (a terminal, or WASMPACK_PROGRESS=tty). */
int cmd_progress_live(void);

#endif
