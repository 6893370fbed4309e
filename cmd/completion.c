/*
 * completion.c - `wasmpack completion bash|zsh`: a shell completion script
 * generated from the command table (cmd_table in main.c) and each
 * command's usage text, the very text `-h` prints.  Nothing is written by
 * hand per command, so a command or flag added to the table and its usage
 * is completed without touching this file, and the completions cannot
 * drift from the help.
 *
 * What the usage text gives (the conventions every usage follows):
 *   - the first line, "usage: wasmpack CMD ARG [ARG...] [--flag VALUE]":
 *     the positional arguments in order (an ARG... repeats) and flags;
 *   - option lines, "  -t, --tag REF   description": flags, the short
 *     form aliasing the long one, and the metavariable of a flag's value;
 *   - alternatives, "a | b | c" opening a flag's description or following
 *     "METAVAR: " / "METAVAR (": the words a value may be ("oci:" is a
 *     prefix completed without a space, then a path).
 * A metavariable without alternatives is completed by its kind (FILE,
 * DIR, COMMAND ... in meta_kinds below); --builder by the builders'
 * detection order.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../builders/builder.h"
#include "cmd.h"

const char cmd_completion_usage[] =
	"usage: wasmpack completion SHELL\n"
	"\n"
	"Print a completion script for SHELL, generated from wasmpack's command\n"
	"table and usage texts (commands, their flags, and the files, directories\n"
	"and words a value may be).\n"
	"SHELL: bash | zsh\n"
	"\n"
	"  -h, --help   show this help\n"
	"\n"
	"bash: . <(wasmpack completion bash), or save it as\n"
	"/usr/share/bash-completion/completions/wasmpack.  zsh: save it as _wasmpack\n"
	"in a directory of $fpath (Debian: /usr/share/zsh/vendor-completions).\n";

#define MAX_FLAGS 64
#define MAX_POS 4
#define WORD_LEN 48

/* What a value (a flag's or a positional argument's) completes to. */
struct value {
	int files, dirs, commands;
	char words[256]; /* space-separated; a word ending in ':' is a prefix */
};

struct flag {
	char name[WORD_LEN]; /* "-t", "--tag" */
	char meta[WORD_LEN]; /* "REF"; empty: the flag takes no value */
	char desc[96];       /* the first line of its description */
	int alias;           /* the index of the long form of a short flag, else -1 */
	struct value v;
};

struct spec {
	const struct command *c;
	struct flag f[MAX_FLAGS];
	int nf;
	char pos[MAX_POS][WORD_LEN];
	struct value pv[MAX_POS];
	int npos, repeat; /* repeat: the last positional repeats (ARG...) */
};

/* Metavariables that say what their value is, when no alternatives do. */
static const struct {
	const char *meta;
	int files, dirs, commands;
	const char *words;
} meta_kinds[] = {
	{ "FILE", 1, 0, 0, "" },
	{ "FILE.wasm", 1, 0, 0, "" },
	{ "PREFIX", 1, 0, 0, "" },
	{ "DIR", 0, 1, 0, "" },
	{ "HOST[::GUEST]", 0, 1, 0, "" },
	{ "DEST", 0, 0, 0, "oci: oci-archive:" },
	{ "SOURCE", 0, 0, 0, "oci: oci-archive:" },
	{ "TARGET", 1, 0, 0, "oci: oci-archive:" },
	{ "COMMAND", 0, 0, 1, "" },
};

static void add_word(struct value *v, const char *w, size_t n)
{
	size_t len = strlen(v->words);

	if (n == 0 || len + n + 2 > sizeof(v->words))
		return;
	if (len)
		v->words[len++] = ' ';
	memcpy(v->words + len, w, n);
	v->words[len + n] = '\0';
}

/* Parse "a (default) | oci:DIR[:TAG] | FILE.wasm" up to the end of the
 * line (or to `end`): the words, prefixes and path kinds it allows.
 * Returns 1 when the text was a list of alternatives. */
static int parse_alternatives(const char *s, int end, struct value *v)
{
	const char *eol = strchr(s, '\n'), *p = s;
	size_t n;

	if (!eol)
		eol = s + strlen(s);
	if (end && memchr(s, end, eol - s))
		eol = memchr(s, end, eol - s);
	if (!memchr(s, '|', eol - s))
		return 0;
	while (p < eol) {
		const char *bar = memchr(p, '|', eol - p), *stop = bar ? bar : eol;

		while (p < stop && *p == ' ')
			p++;
		if (islower((unsigned char)*p)) {
			n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");
			/* "oci:DIR" is the prefix oci:; "none: what it means" the word none */
			add_word(v, p, n + (p[n] == ':' && p[n + 1] && p[n + 1] != ' '));
		} else {
			v->files |= memmem(p, stop - p, "FILE", 4) != NULL;
			v->dirs |= memmem(p, stop - p, "DIR", 3) != NULL;
		}
		p = bar ? bar + 1 : eol;
	}
	return 1;
}

/* The value of METAVAR, from "METAVAR: alternatives" or "METAVAR (alternatives)"
 * in the usage text, else from meta_kinds. */
static void meta_value(const char *usage, const char *meta, struct value *v)
{
	size_t n = strlen(meta), i;
	const char *p;

	for (p = usage; (p = strstr(p, meta)) != NULL; p += n) {
		if (p > usage && (isalnum((unsigned char)p[-1]) || p[-1] == '-'))
			continue;
		if (!strncmp(p + n, ": ", 2) && parse_alternatives(p + n + 2, 0, v))
			return;
		if (!strncmp(p + n, " (", 2) && parse_alternatives(p + n + 2, ')', v))
			return;
	}
	for (i = 0; i < sizeof(meta_kinds) / sizeof(meta_kinds[0]); i++) {
		if (strcmp(meta, meta_kinds[i].meta))
			continue;
		v->files = meta_kinds[i].files;
		v->dirs = meta_kinds[i].dirs;
		v->commands = meta_kinds[i].commands;
		add_word(v, meta_kinds[i].words, strlen(meta_kinds[i].words));
	}
}

static struct flag *find_flag(struct spec *s, const char *name)
{
	int i;

	for (i = 0; i < s->nf; i++)
		if (!strcmp(s->f[i].name, name))
			return &s->f[i];
	return NULL;
}

/* One token of a usage line or an option line, its brackets, commas and
 * "..." taken off.  Returns 1 for a flag, 2 for a metavariable (it holds
 * an upper-case letter), 0 for anything else. */
static int token_kind(const char *tok, size_t n, char *out, int *comma, int *repeat)
{
	size_t open = 0, close = 0, i;

	while (n && *tok == '[')
		tok++, n--;
	for (i = 0; i < n; i++)
		open += tok[i] == '[', close += tok[i] == ']';
	*comma = n && tok[n - 1] == ',';
	n -= *comma;
	while (n && tok[n - 1] == ']' && close > open)
		n--, close--;
	*repeat = n > 3 && !memcmp(tok + n - 3, "...", 3);
	n -= *repeat ? 3 : 0;
	if (n == 0 || n >= WORD_LEN)
		return 0;
	memcpy(out, tok, n);
	out[n] = '\0';
	if (tok[0] == '-' && n > 1 && (isalpha((unsigned char)tok[1]) || (tok[1] == '-' && n > 2)))
		return 1;
	for (i = 0; i < n; i++)
		if (isupper((unsigned char)tok[i]))
			return tok[0] != '-' ? 2 : 0;
	return 0;
}

enum line_kind { OPTION_LINE, FIRST_USAGE_LINE, USAGE_LINE };

/* Read the tokens of one line.  A usage line lists flags and their
 * metavariables, the first one also the positional arguments; an option
 * line lists flags, each with at most one metavariable, up to the
 * description, which is kept. */
static void parse_line(struct spec *s, const char *line, const char *eol, enum line_kind lk)
{
	int positionals = lk == FIRST_USAGE_LINE;
	const char *p = line;
	int last = -1, prev_short_comma = -1, comma, repeat, kind, line_flags[8], nline = 0, i;
	char tok[WORD_LEN];

	while (p < eol) {
		const char *start;

		while (p < eol && *p == ' ')
			p++;
		start = p;
		while (p < eol && *p != ' ')
			p++;
		if (p == start)
			break;
		tok[0] = '\0';
		kind = token_kind(start, p - start, tok, &comma, &repeat);
		if (positionals && !strcmp(tok, "--"))
			break; /* the rest goes to someone else (run's guest) */
		if (kind == 1) {
			struct flag *f = find_flag(s, tok);

			if (!f && s->nf < MAX_FLAGS) {
				f = &s->f[s->nf++];
				snprintf(f->name, sizeof(f->name), "%s", tok);
				f->alias = -1;
			}
			if (!f)
				continue;
			if (prev_short_comma >= 0 && tok[1] == '-')
				s->f[prev_short_comma].alias = (int)(f - s->f);
			prev_short_comma = tok[1] != '-' && comma ? (int)(f - s->f) : -1;
			last = (int)(f - s->f);
			if (nline < (int)(sizeof(line_flags) / sizeof(line_flags[0])))
				line_flags[nline++] = last;
		} else if (kind == 2 && last >= 0) {
			snprintf(s->f[last].meta, sizeof(s->f[last].meta), "%s", tok);
			last = -1;
		} else if (kind == 2 && positionals && s->npos < MAX_POS) {
			snprintf(s->pos[s->npos++], WORD_LEN, "%s", tok);
			s->repeat = repeat;
		} else if (lk == OPTION_LINE && kind != 1) {
			/* "--release, --debug   build profile": the description of both */
			for (i = 0; i < nline; i++)
				if (!s->f[line_flags[i]].desc[0])
					snprintf(s->f[line_flags[i]].desc, sizeof(s->f[0].desc), "%.*s", (int)(eol - start),
						 start);
			break;
		} else {
			last = -1;
		}
	}
}

static void parse_spec(const struct command *c, struct spec *s)
{
	const char *line = c->usage, *eol, *after;
	int i, first = 1;

	s->c = c;
	for (; *line; line = *eol ? eol + 1 : eol, first = 0) {
		eol = strchr(line, '\n');
		if (!eol)
			eol = line + strlen(line);
		if (!strncmp(line, "usage: wasmpack ", 16) || !strncmp(line, "       wasmpack ", 16)) {
			after = line + 16 + strlen(c->name);
			if (after <= eol)
				parse_line(s, after, eol, first ? FIRST_USAGE_LINE : USAGE_LINE);
		} else if (!strncmp(line, "  -", 3)) {
			parse_line(s, line, eol, OPTION_LINE);
		}
	}
	for (i = 0; i < s->nf; i++) {
		struct flag *f = &s->f[i];

		if (f->alias >= 0 && !f->meta[0])
			memcpy(f->meta, s->f[f->alias].meta, sizeof(f->meta));
		if (!f->meta[0])
			continue;
		if (!strcmp(f->name, "--builder") || (f->alias >= 0 && !strcmp(s->f[f->alias].name, "--builder"))) {
			char order[] = BUILDER_ORDER, *w, *save = NULL;

			for (w = strtok_r(order, ", ", &save); w; w = strtok_r(NULL, ", ", &save))
				add_word(&f->v, w, strlen(w));
		} else if (!parse_alternatives(f->desc, 0, &f->v)) {
			meta_value(c->usage, f->meta, &f->v);
		}
	}
	/* a short flag's description is its long form's */
	for (i = 0; i < s->nf; i++)
		if (s->f[i].alias >= 0) {
			s->f[i].v = s->f[s->f[i].alias].v;
			if (!s->f[i].desc[0])
				memcpy(s->f[i].desc, s->f[s->f[i].alias].desc, sizeof(s->f[i].desc));
		}
	for (i = 0; i < s->npos; i++)
		meta_value(c->usage, s->pos[i], &s->pv[i]);
}

/* ---- bash ---- */

static int has_value(const struct value *v)
{
	return v->files || v->dirs || v->commands || v->words[0];
}

#define BASH_COMMANDS "_wasmpack_complete 0 0 \"%s\""
#define BASH_VALUE "_wasmpack_complete %d %d \"%s\""
#define ZSH_COMMANDS "(%s)"
#define ZSH_VALUE "{_wasmpack_value %d %d %s}"

/* A value in a shell's syntax: `of_commands` takes the command names,
 * `of_value` the files and dirs flags and the words, in which the
 * characters of `escape` get a backslash (zsh's _arguments splits its
 * specs at ':', and takes "\:" for a colon). */
static void put_value(FILE *out, const struct value *v, const char *commands, const char *of_commands,
		      const char *of_value, const char *escape)
{
	char words[2 * sizeof(v->words)], *w = words;
	const char *p;

	for (p = v->words; *p; *w++ = *p++)
		if (*escape && strchr(escape, *p))
			*w++ = '\\';
	*w = '\0';
	if (v->commands)
		fprintf(out, of_commands, commands);
	else if (has_value(v))
		fprintf(out, of_value, v->files, v->dirs, words);
}

/* The first lines of both scripts. */
static void put_banner(FILE *out, const char *shell)
{
	fprintf(out, "# %s completion for wasmpack, generated by `wasmpack completion %s`\n"
		     "# from the command table and usage texts of wasmpack %s: do not edit.\n",
		shell, shell, WASMPACK_VERSION);
}

static const char bash_head[] =
	"\n"
	"# _wasmpack_complete FILES DIRS WORDS: the candidates for $cur\n"
	"_wasmpack_complete() {\n"
	"\tlocal w\n"
	"\tCOMPREPLY=()\n"
	"\t[[ $3 ]] && mapfile -t COMPREPLY < <(compgen -W \"$3\" -- \"$cur\")\n"
	"\tif [[ $1 == 1 ]]; then\n"
	"\t\tmapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -f -- \"$cur\")\n"
	"\telif [[ $2 == 1 ]]; then\n"
	"\t\tmapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -d -- \"$cur\")\n"
	"\tfi\n"
	"\tfor w in \"${COMPREPLY[@]}\"; do\n"
	"\t\t# a prefix (oci:) is followed by its path, not a space\n"
	"\t\t[[ $w == *: ]] && compopt -o nospace 2>/dev/null\n"
	"\t\t[[ -d $w ]] && compopt -o filenames 2>/dev/null\n"
	"\tdone\n"
	"\treturn 0\n"
	"}\n"
	"\n"
	"_wasmpack() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev='' sep='' cmd='' flags='' vflags='' repeat=-1 want i w npos=0\n"
	"\t((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	"\tCOMPREPLY=()\n"
	"\t# ':' and '=' split words (COMP_WORDBREAKS): oci:PATH completes the\n"
	"\t# path, --flag=VALUE the value\n"
	"\tif [[ $cur == [:=] ]]; then\n"
	"\t\tsep=$cur cur=\n"
	"\telif [[ $prev == [:=] ]]; then\n"
	"\t\tsep=$prev\n"
	"\t\tprev=${COMP_WORDS[COMP_CWORD - 2]}\n"
	"\tfi\n"
	"\tif [[ $sep == : ]]; then\n"
	"\t\t_wasmpack_complete 1 0 \"\"\n"
	"\t\t[[ $cur ]] || COMPREPLY=(\"${COMPREPLY[@]/#/:}\")\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tif [[ $w != -* ]]; then cmd=$w; break; fi\n"
	"\tdone\n"
	"\tif [[ -z $cmd ]]; then\n"
	"\t\t_wasmpack_complete 0 0 \"%s -h --help --version\"\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tcase $cmd in\n";

/* After the per-command flags: count the positional arguments before the
 * cursor (skipping the values of flags), then complete what is wanted:
 * a flag's value (want: the flag), a flag, or positional number npos. */
static const char bash_middle[] =
	"\t*) return 0 ;;\n"
	"\tesac\n"
	"\tfor ((i++; i < COMP_CWORD - ${#sep}; i++)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tcase $w in\n"
	"\t\t--) return 0 ;;\n"
	"\t\t-* | = | :) ;;\n"
	"\t\t*)\n"
	"\t\t\tcase ${COMP_WORDS[i - 1]} in\n"
	"\t\t\t= | :) ;;\n"
	"\t\t\t*) [[ \" $vflags \" == *\" ${COMP_WORDS[i - 1]} \"* ]] || ((npos++)) ;;\n"
	"\t\t\tesac\n"
	"\t\t\t;;\n"
	"\t\tesac\n"
	"\tdone\n"
	"\tif [[ $sep == = || \" $vflags \" == *\" $prev \"* ]]; then\n"
	"\t\twant=$prev\n"
	"\telif [[ $cur == -* ]]; then\n"
	"\t\t_wasmpack_complete 0 0 \"$flags\"\n"
	"\t\treturn 0\n"
	"\telse\n"
	"\t\twant=$npos\n"
	"\t\t((repeat >= 0 && npos > repeat)) && want=$repeat\n"
	"\tfi\n"
	"\tcase \"$cmd $want\" in\n";

static const char bash_tail[] =
	"\tesac\n"
	"\treturn 0\n"
	"}\n"
	"complete -F _wasmpack -o bashdefault -o default wasmpack\n";

static void gen_bash(FILE *out, const struct spec *specs, int n, const char *commands)
{
	int i, j;

	put_banner(out, "bash");
	fprintf(out, bash_head, commands);
	for (i = 0; i < n; i++) {
		const struct spec *s = &specs[i];

		fprintf(out, "\t%s)\n\t\tflags=\"", s->c->name);
		for (j = 0; j < s->nf; j++)
			fprintf(out, "%s%s", j ? " " : "", s->f[j].name);
		fputs("\"\n\t\tvflags=\"", out);
		for (j = 0; j < s->nf; j++)
			if (s->f[j].meta[0])
				fprintf(out, " %s", s->f[j].name);
		fprintf(out, "\"\n\t\trepeat=%d\n\t\t;;\n", s->repeat && s->npos ? s->npos - 1 : -1);
	}
	fputs(bash_middle, out);
	for (i = 0; i < n; i++) {
		const struct spec *s = &specs[i];

		for (j = 0; j < s->nf; j++) {
			if (!s->f[j].meta[0] || !has_value(&s->f[j].v))
				continue;
			fprintf(out, "\t\"%s %s\") ", s->c->name, s->f[j].name);
			put_value(out, &s->f[j].v, commands, BASH_COMMANDS, BASH_VALUE, "");
			fputs(" ;;\n", out);
		}
		for (j = 0; j < s->npos; j++) {
			if (!has_value(&s->pv[j]))
				continue;
			fprintf(out, "\t\"%s %d\") ", s->c->name, j);
			put_value(out, &s->pv[j], commands, BASH_COMMANDS, BASH_VALUE, "");
			fputs(" ;;\n", out);
		}
	}
	fputs(bash_tail, out);
}

/* ---- zsh ---- */

/* Text for a single-quoted _arguments spec: quotes closed and reopened,
 * and `special` (':' in a message, "[]" in a description) escaped. */
static void zsh_put(FILE *out, const char *s, const char *special)
{
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else if (strchr(special, *s))
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
	}
}

static const char zsh_head[] =
	"\n"
	"# _wasmpack_value FILES DIRS WORD...: a word ending in ':' is a prefix\n"
	"# (oci:) followed by a path\n"
	"_wasmpack_value() {\n"
	"\tlocal files=$1 dirs=$2 w ret=1\n"
	"\tlocal -a pre plain\n"
	"\tshift 2\n"
	"\tfor w in \"$@\"; do\n"
	"\t\tif [[ $w == *: ]]; then pre+=(\"$w\"); else plain+=(\"$w\"); fi\n"
	"\tdone\n"
	"\tif (( $#pre )) && compset -P '[a-z-]##:'; then\n"
	"\t\t_files\n"
	"\t\treturn\n"
	"\tfi\n"
	"\t(( $#plain )) && compadd -a plain && ret=0\n"
	"\t(( $#pre )) && compadd -S '' -a pre && ret=0\n"
	"\tif (( files )); then _files && ret=0\n"
	"\telif (( dirs )); then _files -/ && ret=0; fi\n"
	"\treturn ret\n"
	"}\n"
	"\n"
	"_wasmpack() {\n"
	"\tlocal -a commands\n"
	"\tcommands=(\n";

static const char zsh_tail[] =
	"\tesac\n"
	"}\n"
	"\n"
	"if [[ $funcstack[1] == _wasmpack ]]; then\n"
	"\t_wasmpack \"$@\"\n"
	"else\n"
	"\tcompdef _wasmpack wasmpack\n"
	"fi\n";

static void gen_zsh(FILE *out, const struct spec *specs, int n, const char *commands)
{
	int i, j;

	fputs("#compdef wasmpack\n", out);
	put_banner(out, "zsh");
	fputs(zsh_head, out);
	for (i = 0; i < n; i++) {
		fprintf(out, "\t\t'%s:", specs[i].c->name);
		zsh_put(out, specs[i].c->summary, ":");
		fputs("'\n", out);
	}
	fputs("\t)\n"
	      "\tif (( CURRENT == 2 )); then\n"
	      "\t\t_describe -t commands 'wasmpack command' commands\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tlocal cmd=$words[2]\n"
	      "\tshift words\n"
	      "\t(( CURRENT-- ))\n"
	      "\tcase $cmd in\n",
	      out);
	for (i = 0; i < n; i++) {
		const struct spec *s = &specs[i];

		fprintf(out, "\t(%s)\n\t\t_arguments -S", s->c->name);
		for (j = 0; j < s->nf; j++) {
			const struct flag *f = &s->f[j];

			fprintf(out, " \\\n\t\t\t'*%s[", f->name);
			zsh_put(out, f->desc, "[]:");
			fputc(']', out);
			if (f->meta[0]) {
				fputc(':', out);
				zsh_put(out, f->meta, ":");
				fputc(':', out);
				put_value(out, &f->v, commands, ZSH_COMMANDS, ZSH_VALUE, ":");
			}
			fputc('\'', out);
		}
		for (j = 0; j < s->npos; j++) {
			int last = s->repeat && j == s->npos - 1;

			if (last)
				fputs(" \\\n\t\t\t'*:", out);
			else
				fprintf(out, " \\\n\t\t\t'%d:", j + 1);
			zsh_put(out, s->pos[j], ":");
			fputc(':', out);
			put_value(out, &s->pv[j], commands, ZSH_COMMANDS, ZSH_VALUE, ":");
			fputc('\'', out);
		}
		fputs("\n\t\t;;\n", out);
	}
	fputs(zsh_tail, out);
}

int cmd_completion(int argc, char **argv)
{
	struct spec *specs = NULL;
	char commands[1024] = "", *text = NULL;
	size_t len = 0;
	FILE *out = NULL;
	int n = 0, i, status = EXIT_FAIL;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return cmd_print_usage("completion");
	if (argc < 2)
		return cmd_usage_error("completion", "which shell? (bash or zsh)");
	if (strcmp(argv[1], "bash") && strcmp(argv[1], "zsh"))
		return cmd_usage_error("completion", "unknown shell '%s' (bash or zsh)", argv[1]);
	if (argc > 2)
		return cmd_usage_error("completion", "unexpected argument '%s'", argv[2]);
	while (cmd_table[n].name)
		n++;
	if (!(specs = calloc(n, sizeof(*specs))) || !(out = open_memstream(&text, &len)))
		goto done;
	for (i = 0; i < n; i++) {
		parse_spec(&cmd_table[i], &specs[i]);
		snprintf(commands + strlen(commands), sizeof(commands) - strlen(commands), "%s%s", i ? " " : "",
			 cmd_table[i].name);
	}
	if (!strcmp(argv[1], "bash"))
		gen_bash(out, specs, n, commands);
	else
		gen_zsh(out, specs, n, commands);
	if (fclose(out) != 0) {
		out = NULL;
		goto done;
	}
	out = NULL;
	/* the whole script or nothing */
	fwrite(text, 1, len, stdout);
	status = EXIT_OK;
done:
	if (out)
		fclose(out);
	if (status != EXIT_OK)
		fprintf(stderr, "wasmpack: out of memory\n");
	free(text);
	free(specs);
	return status;
}
