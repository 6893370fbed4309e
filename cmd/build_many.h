/*
 * build_many.h - `wasmpack build ./...` and `wasmpack build DIR DIR...`:
 * find every project under the directories, build them concurrently (one
 * `wasmpack build DIR` process each, at most -j at once), print one line
 * per image in path order.
 */
#ifndef CMD_BUILD_MANY_H
#define CMD_BUILD_MANY_H

#include <getopt.h>

/* build.c's option table, shared so both parse the same command line. */
extern const struct option build_options[];

/* 1 when the command line names several directories, a DIR/... pattern
 * or -j: the build of many projects. */
int build_many_wanted(int argc, char **argv);

int cmd_build_many(int argc, char **argv);

#endif
