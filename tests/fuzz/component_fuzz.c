/*
 * component_fuzz.c - libFuzzer target for the component decoder and the
 * canonical ABI (make fuzz-component).
 *
 * Each input is decoded as a binary (a component when it carries the
 * component preamble; the harness adds the preamble to inputs without
 * one, so mutations need not keep it).  A component that decodes has its
 * world printed, and then every value type of every function type it
 * defines is loaded from and lifted out of a 64 KiB linear memory filled
 * with the input bytes, at pointers and with core values taken from the
 * input: hostile lengths, pointers, string contents (UTF-8 validation;
 * UTF-16 and latin1+utf16 decoding with tagged lengths, odd pointers and
 * unpaired surrogates: each input is tried in all three encodings),
 * variant cases and nesting.  Properties: no crash and no sanitizer
 * report (libFuzzer's own), every failure a clean error.
 *
 * Run: build/fuzz/component_fuzz -max_total_time=600 [CORPUS_DIR]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runner/cabi.h"
#include "../../wasm/component.h"
#include "../../wasm/module.h"

#define MEM_SIZE 65536

static uint32_t take32(const uint8_t **p, size_t *n)
{
	uint32_t v = 0;

	if (*n >= 4) {
		memcpy(&v, *p, 4);
		*p += 4;
		*n -= 4;
	}
	return v;
}

static void exercise_type(struct cabi_ctx *cx, struct wc_valtype vt, const uint8_t *d, size_t n)
{
	runner_val vals[CABI_MAX_FLAT];
	uint8_t flat[CABI_MAX_FLAT];
	struct cval v;
	uint32_t nf = 0, i = 0, k;

	(void)cabi_size(vt);
	(void)cabi_align(vt);
	cabi_flatten(vt, flat, &nf);
	if (nf > CABI_MAX_FLAT)
		nf = CABI_MAX_FLAT;
	/* load from memory at a fuzzed pointer (often near the end) */
	cx->message[0] = '\0';
	if (cabi_load(cx, vt, take32(&d, &n) % (MEM_SIZE + 64), &v) == 0) {
		char buf[256];
		wasm_component_format_valtype(vt, buf, sizeof(buf));
	}
	cval_release(&v);
	/* lift from fuzzed core values */
	for (k = 0; k < nf; k++) {
		memset(&vals[k], 0, sizeof(vals[k]));
		vals[k].type = flat[k];
		if (flat[k] == WASM_I64 || flat[k] == WASM_F64)
			vals[k].of.i64 = (int64_t)((uint64_t)take32(&d, &n) << 32 | take32(&d, &n));
		else
			vals[k].of.i32 = (int32_t)take32(&d, &n);
	}
	cabi_lift_flat(cx, vt, vals, nf, &i, &v);
	cval_release(&v);
}

static void exercise_abi(const struct wasm_component *c, const uint8_t *data, size_t size,
			 uint8_t encoding)
{
	struct rmemory mem;
	struct cabi_ctx cx;
	uint32_t t, k;

	memset(&mem, 0, sizeof(mem));
	if (!(mem.base = calloc(1, MEM_SIZE)))
		return;
	mem.size = MEM_SIZE;
	for (k = 0; k < MEM_SIZE; k++)
		mem.base[k] = size ? data[k % size] : 0;
	memset(&cx, 0, sizeof(cx));
	cx.mem = &mem;
	cx.encoding = encoding;
	for (t = 0; t < c->nspace[WC_TYPE] && t < 64; t++) {
		const struct wc_type *ft = c->space[WC_TYPE][t].type;
		struct wc_valtype vt = {0, ft};
		if (!ft)
			continue;
		if (ft->kind == WC_T_FUNC) {
			for (k = 0; k < ft->nfields; k++)
				exercise_type(&cx, ft->fields[k].vt, data + (k % (size + 1)), size - (k % (size + 1)));
			if (ft->has_a)
				exercise_type(&cx, ft->a, data, size);
		} else if (ft->kind <= WC_T_MAP) {
			exercise_type(&cx, vt, data, size);
		}
	}
	free(mem.base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t pre[8] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
	struct wasm_module *m = NULL;
	uint8_t *buf;
	size_t n = size;

	if (size > (1u << 20))
		return 0;
	if (!(buf = malloc(size + 8)))
		return 0;
	if (size >= 4 && !memcmp(data, pre, 4)) {
		memcpy(buf, data, size);
	} else {
		memcpy(buf, pre, 8);
		memcpy(buf + 8, data, size);
		n = size + 8;
	}
	if (wasm_module_decode(buf, n, WASM_DECODE_FACTS, &m) == 0 && m->component) {
		FILE *f = fopen("/dev/null", "w");
		if (f) {
			wasm_component_print_world(m->component, f);
			fclose(f);
		}
		exercise_abi(m->component, data, size, WC_UTF8);
		exercise_abi(m->component, data, size, WC_UTF16);
		exercise_abi(m->component, data, size, WC_LATIN1_UTF16);
	}
	wasm_module_free(m);
	free(buf);
	return 0;
}
