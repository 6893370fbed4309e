/*
 * jobserver.h - a GNU make jobserver shared by the builds of
 * `wasmpack build ./...`.
 *
 * A pipe holds one byte per core no running build is using.  Each build
 * has one core of its own (the one it was started on); a toolchain that
 * reads the pipe (make through MAKEFLAGS, cargo and rustc through
 * CARGO_MAKEFLAGS, the C builder's side-by-side compiles) runs one more job
 * per byte it takes and writes the byte back when that job ends.  The
 * parent adds a byte each time a build ends with none left to start, so
 * the builds still running take over the cores that fall idle: the static
 * share of `-jN / builds` left a core idle behind the last long build.
 * The pipe form (--jobserver-auth=R,W) is the one make 4.3 (bookworm)
 * writes and cargo's jobserver client reads.
 */
#ifndef WP_JOBSERVER_H
#define WP_JOBSERVER_H

struct wp_jobserver {
	int rfd, wfd; /* the shared ends; -1 when there is none */
	int own;      /* a client's own non-blocking read open of the pipe */
};

#define WP_JOBSERVER_NONE { -1, -1, -1 }
#define WP_JOBSERVER_ENV  "WASMPACK_JOBSERVER" /* "R,W": the pipe's fds */

/* A new pipe, both ends above stderr and close-on-exec (the parent hands
 * them to its children explicitly).  The shared ends stay blocking, as
 * make 4.2 expects (make 4.3 makes them non-blocking itself). */
int wp_jobserver_create(struct wp_jobserver *js);
/* Write n tokens. */
int wp_jobserver_put(const struct wp_jobserver *js, int n);
/* The pipe named by WASMPACK_JOBSERVER when its two fds (above stderr) are
 * the read and write ends of one pipe; else 0 with js left at none.  The
 * shared ends become close-on-exec: only the steps given --jobserver-auth
 * get them (spawn.c). */
int wp_jobserver_from_env(struct wp_jobserver *js);
/* Take a token without waiting: 1 when one was taken, 0 when none is free. */
int wp_jobserver_try_take(const struct wp_jobserver *js);
/* Give back a token taken with wp_jobserver_try_take. */
void wp_jobserver_give(const struct wp_jobserver *js);
void wp_jobserver_close(struct wp_jobserver *js);

#endif
