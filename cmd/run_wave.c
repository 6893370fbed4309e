/*
 * run_wave.c - component values as WAVE text (the WebAssembly Value
 * Encoding wasmtime and wasm-tools use on command lines): `--invoke
 * 'add(1, 2)'` parses its arguments with the exported function's
 * parameter types, and the result is printed the same way.
 *
 *   bool true/false; integers 42 -7; floats 1.5 nan inf -inf; char 'x';
 *   string "a\"b\n\u{1F600}"; list [1, 2]; tuple (1, "a");
 *   record {name: "x", size: 3}; variant case / case(payload); enum case;
 *   option some(x) / none; result ok / ok(x) / err / err(x); flags {a, b}.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/error.h"
#include "../runner/cabi.h"
#include "run.h"

struct wave {
	const char *p;
	char why[160];
};

static void ws(struct wave *w)
{
	while (*w->p == ' ' || *w->p == '\t' || *w->p == '\n')
		w->p++;
}

static int bad(struct wave *w, const char *what)
{
	snprintf(w->why, sizeof(w->why), "%s at \"%.20s\"", what, w->p);
	return -1;
}

static int eat(struct wave *w, char c)
{
	ws(w);
	if (*w->p != c)
		return 0;
	w->p++;
	return 1;
}

/* a label: [a-z0-9-]+ */
static size_t label(struct wave *w, const char **s)
{
	size_t n = 0;

	ws(w);
	*s = w->p;
	while ((w->p[n] >= 'a' && w->p[n] <= 'z') || (w->p[n] >= '0' && w->p[n] <= '9') ||
	       w->p[n] == '-' || (w->p[n] >= 'A' && w->p[n] <= 'Z'))
		n++;
	w->p += n;
	return n;
}

static int label_index(const struct wc_type *t, const char *s, size_t n, uint32_t *out)
{
	static const char *const opt[] = {"none", "some"}, *const res[] = {"ok", "err"};
	uint32_t i;

	for (i = 0; i < (t->kind == WC_T_OPTION || t->kind == WC_T_RESULT ? 2 : t->nfields); i++) {
		const char *l = t->kind == WC_T_OPTION ? opt[i] : t->kind == WC_T_RESULT ? res[i] : t->fields[i].name;
		if (strlen(l) == n && !strncmp(l, s, n)) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

static int utf8_put(struct wp_buf *b, unsigned long c)
{
	char u[4];
	size_t n;

	if (c < 0x80) { u[0] = (char)c; n = 1; }
	else if (c < 0x800) { u[0] = (char)(0xc0 | c >> 6); u[1] = (char)(0x80 | (c & 0x3f)); n = 2; }
	else if (c < 0x10000) { u[0] = (char)(0xe0 | c >> 12); u[1] = (char)(0x80 | ((c >> 6) & 0x3f)); u[2] = (char)(0x80 | (c & 0x3f)); n = 3; }
	else { u[0] = (char)(0xf0 | c >> 18); u[1] = (char)(0x80 | ((c >> 12) & 0x3f)); u[2] = (char)(0x80 | ((c >> 6) & 0x3f)); u[3] = (char)(0x80 | (c & 0x3f)); n = 4; }
	return wp_buf_append(b, u, n);
}

static int quoted(struct wave *w, char q, struct cval *out)
{
	struct wp_buf b = WP_BUF_INIT(1 << 20);
	int err = 0;

	if (!eat(w, q))
		return bad(w, q == '"' ? "expected a string" : "expected a char");
	while (*w->p && *w->p != q && err == 0) {
		if (*w->p != '\\') {
			err = wp_buf_append(&b, w->p++, 1);
			continue;
		}
		w->p++;
		switch (*w->p++) {
		case 'n': err = wp_buf_append(&b, "\n", 1); break;
		case 't': err = wp_buf_append(&b, "\t", 1); break;
		case 'r': err = wp_buf_append(&b, "\r", 1); break;
		case '\\': err = wp_buf_append(&b, "\\", 1); break;
		case '"': err = wp_buf_append(&b, "\"", 1); break;
		case '\'': err = wp_buf_append(&b, "'", 1); break;
		case 'u': {
			char *end;
			unsigned long c;
			if (*w->p++ != '{' || (c = strtoul(w->p, &end, 16), *end != '}') || c > 0x10ffff ||
			    (c >= 0xd800 && c < 0xe000)) {
				wp_buf_release(&b);
				return bad(w, "bad \\u{...} escape");
			}
			w->p = end + 1;
			err = utf8_put(&b, c);
			break;
		}
		default:
			wp_buf_release(&b);
			return bad(w, "bad escape");
		}
	}
	if (err < 0 || *w->p != q) {
		wp_buf_release(&b);
		return bad(w, "unterminated quote");
	}
	w->p++;
	err = cval_string(out, b.len ? (const char *)b.data : "", b.len);
	wp_buf_release(&b);
	return err < 0 ? bad(w, "out of memory") : 0;
}

static int number(struct wave *w, uint8_t prim, struct cval *out)
{
	static const struct { uint8_t p; long long lo; unsigned long long hi; } r[] = {
		{WC_S8, -128, 127}, {WC_U8, 0, 255}, {WC_S16, -32768, 32767}, {WC_U16, 0, 65535},
		{WC_S32, -2147483648LL, 2147483647}, {WC_U32, 0, 4294967295ULL},
		{WC_S64, INT64_MIN, INT64_MAX}, {WC_U64, 0, UINT64_MAX},
	};
	char *end;
	size_t i;

	ws(w);
	errno = 0;
	if (prim == WC_F32 || prim == WC_F64) {
		double d = !strncmp(w->p, "nan", 3) ? NAN : strtod(w->p, &end);
		float f = (float)d;
		if (!strncmp(w->p, "nan", 3))
			end = (char *)w->p + 3;
		if (end == w->p)
			return bad(w, "expected a number");
		w->p = end;
		memset(out, 0, sizeof(*out));
		if (prim == WC_F32)
			memcpy(&out->u, &f, 4);
		else
			memcpy(&out->u, &d, 8);
		return 0;
	}
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		if (r[i].p != prim)
			continue;
		if (*w->p == '-') {
			long long x = strtoll(w->p, &end, 10);
			if (end == w->p || errno || x < r[i].lo)
				return bad(w, "integer out of range");
			*out = cval_u((uint64_t)x);
		} else {
			unsigned long long x = strtoull(w->p, &end, 10);
			if (end == w->p || errno || x > r[i].hi)
				return bad(w, "integer out of range");
			*out = cval_u(x);
		}
		w->p = end;
		return 0;
	}
	return bad(w, "unsupported type");
}

static int parse(struct wave *w, struct wc_valtype t, struct cval *out, int depth);

/* a comma-separated list up to `close`, each element of type et(i) */
static int seq(struct wave *w, char close, const struct wc_type *t, struct cval *out, int depth)
{
	struct cval tmp[256];
	uint32_t n = 0, k;
	const char *s;
	size_t len;

	memset(out, 0, sizeof(*out));
	while (!eat(w, close)) {
		if (n && !eat(w, ','))
			return bad(w, "expected ','");
		if (eat(w, close))
			break;
		if (n == 256)
			return bad(w, "more than 256 elements");
		if (t->kind == WC_T_RECORD) {
			len = label(w, &s);
			if (n >= t->nfields || strlen(t->fields[n].name) != len || strncmp(s, t->fields[n].name, len) ||
			    !eat(w, ':'))
				return bad(w, "expected the next record field and ':'");
		}
		if (parse(w, t->kind == WC_T_LIST ? t->a : t->fields[n < t->nfields ? n : 0].vt, &tmp[n],
			  depth + 1) < 0) {
			for (k = 0; k < n; k++)
				cval_release(&tmp[k]);
			return -1;
		}
		n++;
	}
	if (t->kind != WC_T_LIST && n != t->nfields)
		return bad(w, "wrong number of fields");
	if (cval_list(out, n) < 0)
		return bad(w, "out of memory");
	if (n)
		memcpy(out->elems, tmp, n * sizeof(*tmp));
	return 0;
}

static int parse(struct wave *w, struct wc_valtype t, struct cval *out, int depth)
{
	struct wc_valtype pt = {0, NULL};
	uint8_t prim;
	const char *s;
	size_t n;
	uint32_t idx;
	int k = cabi_kind(t, &prim);

	memset(out, 0, sizeof(*out));
	if (depth > 32)
		return bad(w, "nested too deep");
	if (k == WC_T_PRIM) {
		if (prim == WC_STRING)
			return quoted(w, '"', out);
		if (prim == WC_CHAR) {
			struct cval c;
			if (quoted(w, '\'', &c) < 0)
				return -1;
			/* one character: decode it */
			{
				const unsigned char *u = (const unsigned char *)c.str;
				unsigned long v = u[0] < 0x80 ? u[0] : u[0] < 0xe0 ? (u[0] & 0x1f) << 6 | (u[1] & 0x3f) :
					u[0] < 0xf0 ? (u[0] & 0x0f) << 12 | (u[1] & 0x3f) << 6 | (u[2] & 0x3f) :
					(unsigned long)(u[0] & 0x07) << 18 | (u[1] & 0x3f) << 12 | (u[2] & 0x3f) << 6 | (u[3] & 0x3f);
				cval_release(&c);
				*out = cval_u(v);
			}
			return 0;
		}
		if (prim == WC_BOOL) {
			n = label(w, &s);
			if (n == 4 && !strncmp(s, "true", 4)) { *out = cval_u(1); return 0; }
			if (n == 5 && !strncmp(s, "false", 5)) { *out = cval_u(0); return 0; }
			return bad(w, "expected true or false");
		}
		return number(w, prim, out);
	}
	switch (k) {
	case WC_T_LIST:
		if (t.t->len)
			return bad(w, "fixed-length lists are not supported");
		if (!eat(w, '['))
			return bad(w, "expected '['");
		if (seq(w, ']', t.t, out, depth) < 0)
			return -1;
		{ /* list<u8>: the bytes representation */
			uint8_t p2;
			if (cabi_kind(t.t->a, &p2) == WC_T_PRIM && (p2 == WC_U8 || p2 == WC_S8)) {
				struct cval bytes;
				char tmpb[256];
				for (idx = 0; idx < out->n; idx++)
					tmpb[idx] = (char)out->elems[idx].u;
				if (cval_string(&bytes, tmpb, out->n) < 0)
					return bad(w, "out of memory");
				cval_release(out);
				*out = bytes;
			}
		}
		return 0;
	case WC_T_TUPLE:
		return eat(w, '(') ? seq(w, ')', t.t, out, depth) : bad(w, "expected '('");
	case WC_T_RECORD:
		return eat(w, '{') ? seq(w, '}', t.t, out, depth) : bad(w, "expected '{'");
	case WC_T_FLAGS:
		if (!eat(w, '{'))
			return bad(w, "expected '{'");
		*out = cval_u(0);
		while (!eat(w, '}')) {
			if (out->u && !eat(w, ','))
				return bad(w, "expected ','");
			n = label(w, &s);
			if (label_index(t.t, s, n, &idx) < 0)
				return bad(w, "unknown flag");
			out->u |= 1ull << idx;
		}
		return 0;
	case WC_T_OWN: case WC_T_BORROW:
		return bad(w, "handles cannot be given on the command line");
	}
	if (k != WC_T_VARIANT && k != WC_T_ENUM && k != WC_T_OPTION && k != WC_T_RESULT)
		return bad(w, "unsupported type");
	n = label(w, &s);
	if (label_index(t.t, s, n, &idx) < 0)
		return bad(w, "unknown case");
	pt = k == WC_T_OPTION ? t.t->a : k == WC_T_RESULT ? (idx ? t.t->b : t.t->a)
					   : k == WC_T_VARIANT ? t.t->fields[idx].vt : pt;
	if (eat(w, '(')) {
		int has = k == WC_T_OPTION ? idx == 1 : k == WC_T_RESULT ? (idx ? t.t->has_b : t.t->has_a)
				   : k == WC_T_VARIANT && t.t->fields[idx].has_type;
		if (!has || cval_case(out, idx, 1) < 0 || parse(w, pt, &out->elems[0], depth + 1) < 0 || !eat(w, ')'))
			return w->why[0] ? -1 : bad(w, "unexpected payload");
		return 0;
	}
	out->disc = idx;
	return 0;
}

int run_wave_parse_value(const char *text, struct wc_valtype t, struct cval *out, char *why,
			 size_t whysize)
{
	struct wave w = {text, ""};

	if (parse(&w, t, out, 0) < 0 || (ws(&w), *w.p && bad(&w, "trailing text"))) {
		snprintf(why, whysize, "%s", w.why);
		return -1;
	}
	return 0;
}

int run_wave_parse_call(const char *text, const struct wc_type *ft, char *name, size_t size,
			struct cval **args, char *why, size_t whysize)
{
	struct wave w = {text, ""};
	const char *open = strchr(text, '(');
	uint32_t i;

	if (!open || (size_t)(open - text) >= size) {
		snprintf(why, whysize, "expected NAME(ARGS...)");
		return -1;
	}
	memcpy(name, text, (size_t)(open - text));
	name[open - text] = '\0';
	if (!ft)
		return 1; /* the caller looks the name up, then calls again */
	*args = calloc(ft->nfields + 1, sizeof(**args));
	w.p = open + 1;
	for (i = 0; i < ft->nfields; i++) {
		if ((i && !eat(&w, ',')) || parse(&w, ft->fields[i].vt, &(*args)[i], 0) < 0) {
			if (!w.why[0])
				bad(&w, "expected ','");
			snprintf(why, whysize, "argument %u (%s): %s", i + 1, ft->fields[i].name, w.why);
			return -1;
		}
	}
	if (!eat(&w, ')') || (ws(&w), *w.p)) {
		snprintf(why, whysize, "%s takes %u argument%s", name, ft->nfields, ft->nfields == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

/* ---- printing ------------------------------------------------------- */

static void print_str(FILE *f, const char *s, size_t n, char q)
{
	size_t i;

	fputc(q, f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == (unsigned char)q || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u{%x}", c);
		else
			fputc(c, f);
	}
	fputc(q, f);
}

void run_wave_print(FILE *f, struct wc_valtype t, const struct cval *v)
{
	static const char *const opt[] = {"none", "some"}, *const res[] = {"ok", "err"};
	struct wc_valtype pt;
	uint8_t prim;
	uint32_t i;
	int k = cabi_kind(t, &prim), first = 1;

	if (k == WC_T_PRIM) {
		switch (prim) {
		case WC_BOOL: fputs(v->u ? "true" : "false", f); return;
		case WC_S8: fprintf(f, "%d", (int8_t)v->u); return;
		case WC_S16: fprintf(f, "%d", (int16_t)v->u); return;
		case WC_S32: fprintf(f, "%d", (int32_t)v->u); return;
		case WC_S64: fprintf(f, "%lld", (long long)v->u); return;
		case WC_F32: { float x; uint32_t b = (uint32_t)v->u; memcpy(&x, &b, 4);
			if (isnan(x)) fputs("nan", f); else if (isinf(x)) fputs(x < 0 ? "-inf" : "inf", f); else fprintf(f, "%.9g", x); return; }
		case WC_F64: { double x; memcpy(&x, &v->u, 8);
			if (isnan(x)) fputs("nan", f); else if (isinf(x)) fputs(x < 0 ? "-inf" : "inf", f); else fprintf(f, "%.17g", x); return; }
		case WC_CHAR: { struct wp_buf b = WP_BUF_INIT(8); utf8_put(&b, (unsigned long)v->u);
			print_str(f, (const char *)b.data, b.len, '\''); wp_buf_release(&b); return; }
		case WC_STRING: print_str(f, v->str ? v->str : "", (size_t)v->u, '"'); return;
		}
		fprintf(f, "%llu", (unsigned long long)v->u);
		return;
	}
	switch (k) {
	case WC_T_LIST: {
		uint8_t p2;
		fputc('[', f);
		if (cabi_kind(t.t->a, &p2) == WC_T_PRIM && (p2 == WC_U8 || p2 == WC_S8)) {
			for (i = 0; i < (uint32_t)v->u; i++)
				fprintf(f, "%s%d", i ? ", " : "", p2 == WC_U8 ? (unsigned char)v->str[i] : (signed char)v->str[i]);
		} else {
			for (i = 0; i < v->n; i++) {
				fputs(i ? ", " : "", f);
				run_wave_print(f, t.t->a, &v->elems[i]);
			}
		}
		fputc(']', f);
		return;
	}
	case WC_T_TUPLE: case WC_T_RECORD:
		fputc(k == WC_T_TUPLE ? '(' : '{', f);
		for (i = 0; i < v->n && i < t.t->nfields; i++) {
			fputs(i ? ", " : "", f);
			if (k == WC_T_RECORD)
				fprintf(f, "%s: ", t.t->fields[i].name);
			run_wave_print(f, t.t->fields[i].vt, &v->elems[i]);
		}
		fputc(k == WC_T_TUPLE ? ')' : '}', f);
		return;
	case WC_T_FLAGS:
		fputc('{', f);
		for (i = 0; i < t.t->nfields; i++)
			if (v->u >> i & 1) {
				fprintf(f, "%s%s", first ? "" : ", ", t.t->fields[i].name);
				first = 0;
			}
		fputc('}', f);
		return;
	case WC_T_OWN: case WC_T_BORROW:
		fprintf(f, "<handle %llu>", (unsigned long long)v->u);
		return;
	case WC_T_OPTION: case WC_T_RESULT: case WC_T_VARIANT: case WC_T_ENUM:
		fputs(k == WC_T_OPTION ? opt[v->disc & 1] : k == WC_T_RESULT ? res[v->disc & 1]
									: t.t->fields[v->disc].name, f);
		if (v->n) {
			pt = k == WC_T_OPTION ? t.t->a : k == WC_T_RESULT ? (v->disc ? t.t->b : t.t->a)
									  : t.t->fields[v->disc].vt;
			fputc('(', f);
			run_wave_print(f, pt, &v->elems[0]);
			fputc(')', f);
		}
		return;
	}
	fputs("?", f);
}
