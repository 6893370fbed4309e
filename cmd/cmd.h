/*
 * cmd.h - the command-line layer.  Only cmd/ prints or exits: commands
 * return the process exit status (0 ok, 1 failure, 2 usage error).
 */
#ifndef CMD_CMD_H
#define CMD_CMD_H

#include <stdio.h>

#include <jansson.h>

#define WASMPACK_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage; /* full usage text, shared by -h and usage errors */
};

const struct command *cmd_find(const char *name);
extern const struct command cmd_table[];

int cmd_build(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_detect(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_generate_key(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_attestations(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_completion(int argc, char **argv);

extern const char cmd_build_usage[];
extern const char cmd_inspect_usage[];
extern const char cmd_push_usage[];
extern const char cmd_pull_usage[];
extern const char cmd_login_usage[];
extern const char cmd_logout_usage[];
extern const char cmd_detect_usage[];
extern const char cmd_run_usage[];
extern const char cmd_generate_key_usage[];
extern const char cmd_sign_usage[];
extern const char cmd_verify_usage[];
extern const char cmd_attestations_usage[];
extern const char cmd_sbom_usage[];
extern const char cmd_check_usage[];
extern const char cmd_completion_usage[];

/* Print "wasmpack: <last error>" and return the exit status for it
 * (2 for usage errors, else 1). */
int cmd_report(void);

/* Print "wasmpack <cmd>: <message> (see 'wasmpack <cmd> -h')" and return 2. */
int cmd_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print the usage of a command on stdout and return 0. */
int cmd_print_usage(const char *cmd);

/* Print JSON (indented, sorted keys) on stdout. */
int cmd_print_json(const json_t *j);

/* Notes and warnings for the user: stderr, never stdout. */
void cmd_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
