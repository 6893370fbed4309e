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
 * variant cases and nesting.  Every value that lifts is then lowered
 * again, through a real core module's realloc, into that module's
 * memory in each encoding (cabi_store at a pointer from cabi_alloc, and
 * cabi_lower_flat) and lifted back: with an honest realloc the round
 * trip must give the same value; with a hostile one (a fuzzed pointer,
 * one past the end, one misaligned, a trap) it must fail cleanly.
 * Properties: no crash and no sanitizer report (libFuzzer's own), every
 * failure a clean error, every honest round trip exact (abort()).
 *
 * Run: build/fuzz/component_fuzz -max_total_time=600 [CORPUS_DIR]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runner/cabi.h"
#include "../../runner/linker.h"
#include "../../wasm/component.h"
#include "../../wasm/module.h"

#define MEM_SIZE 65536

/* The realloc of the lowering side, as text:
 * (module
 *   (memory (export "mem") 4)
 *   ;; mem[0]: mode (0 a bump allocator; 1 a pointer taken from mem[8];
 *   ;; 2 past the end; 3 one byte off the aligned pointer; 4 trap);
 *   ;; mem[4]: the bump pointer
 *   (func (export "realloc") (param $op i32) (param $os i32) (param $al i32) (param $sz i32) (result i32)
 *     (local $p i32) (local $mode i32)
 *     (local.set $mode (i32.load8_u (i32.const 0)))
 *     (if (i32.eq (local.get $mode) (i32.const 1)) (then (return (i32.load (i32.const 8)))))
 *     (if (i32.eq (local.get $mode) (i32.const 2)) (then (return (i32.const -16))))
 *     (if (i32.eq (local.get $mode) (i32.const 4)) (then (unreachable)))
 *     (local.set $p (i32.and (i32.add (i32.load (i32.const 4)) (i32.sub (local.get $al) (i32.const 1)))
 *                            (i32.sub (i32.const 0) (local.get $al))))
 *     (if (i32.eq (local.get $mode) (i32.const 3)) (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
 *     (if (i64.gt_u (i64.add (i64.extend_i32_u (local.get $p)) (i64.extend_i32_u (local.get $sz))) (i64.const 262144))
 *       (then (return (i32.const -16))))
 *     (i32.store (i32.const 4) (i32.add (local.get $p) (local.get $sz)))
 *     (if (local.get $op) (then (memory.copy (local.get $p) (local.get $op)
 *       (select (local.get $os) (local.get $sz) (i32.lt_u (local.get $os) (local.get $sz))))))
 *     (local.get $p)))
 */
static const uint8_t realloc_wasm[] = {

  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x09, 0x01, 0x60,
  0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x05,
  0x03, 0x01, 0x00, 0x04, 0x07, 0x11, 0x02, 0x03, 0x6d, 0x65, 0x6d, 0x02,
  0x00, 0x07, 0x72, 0x65, 0x61, 0x6c, 0x6c, 0x6f, 0x63, 0x00, 0x00, 0x0a,
  0x87, 0x01, 0x01, 0x84, 0x01, 0x01, 0x02, 0x7f, 0x41, 0x00, 0x2d, 0x00,
  0x00, 0x21, 0x05, 0x20, 0x05, 0x41, 0x01, 0x46, 0x04, 0x40, 0x41, 0x08,
  0x28, 0x02, 0x00, 0x0f, 0x0b, 0x20, 0x05, 0x41, 0x02, 0x46, 0x04, 0x40,
  0x41, 0x70, 0x0f, 0x0b, 0x20, 0x05, 0x41, 0x04, 0x46, 0x04, 0x40, 0x00,
  0x0b, 0x41, 0x04, 0x28, 0x02, 0x00, 0x20, 0x02, 0x41, 0x01, 0x6b, 0x6a,
  0x41, 0x00, 0x20, 0x02, 0x6b, 0x71, 0x21, 0x04, 0x20, 0x05, 0x41, 0x03,
  0x46, 0x04, 0x40, 0x20, 0x04, 0x41, 0x01, 0x6a, 0x21, 0x04, 0x0b, 0x20,
  0x04, 0xad, 0x20, 0x03, 0xad, 0x7c, 0x42, 0x80, 0x80, 0x10, 0x56, 0x04,
  0x40, 0x41, 0x70, 0x0f, 0x0b, 0x41, 0x04, 0x20, 0x04, 0x20, 0x03, 0x6a,
  0x36, 0x02, 0x00, 0x20, 0x00, 0x04, 0x40, 0x20, 0x04, 0x20, 0x00, 0x20,
  0x01, 0x20, 0x03, 0x20, 0x01, 0x20, 0x03, 0x49, 0x1b, 0xfc, 0x0a, 0x00,
  0x00, 0x0b, 0x20, 0x04, 0x0b
};

static struct rmemory *lower_mem;
static struct runner_func *lower_realloc;

/* The core module whose realloc the lowering calls, instantiated once. */
static int lower_setup(void)
{
	static runner_module *mod;
	static runner_instance *inst;
	runner_linker *l = NULL;
	struct runner_config cfg;
	struct runner_trap trap;
	struct rextern x;

	if (lower_mem)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	if (runner_module_load(realloc_wasm, sizeof(realloc_wasm), &mod) < 0 || runner_linker_new(&l) < 0 ||
	    runner_instantiate(l, mod, &cfg, &inst, &trap) != 0)
		abort();
	runner_linker_free(l);
	if (rinst_export(inst, "mem", &x) < 0 || !x.memory)
		abort();
	lower_mem = x.memory;
	if (rinst_export(inst, "realloc", &x) < 0 || !x.func)
		abort();
	lower_realloc = x.func;
	return 0;
}

static int cval_equal(const struct cval *a, const struct cval *b)
{
	uint32_t i;

	if (a->u != b->u || a->disc != b->disc || a->n != b->n || !a->str != !b->str)
		return 0;
	if (a->str && memcmp(a->str, b->str, (size_t)a->u))
		return 0;
	for (i = 0; i < a->n; i++)
		if (!cval_equal(&a->elems[i], &b->elems[i]))
			return 0;
	return 1;
}

/* v lowered into the realloc module's memory (in memory and flat) in
 * `encoding`, with realloc in `mode`, and lifted back. */
static void round_trip(struct wc_valtype vt, const struct cval *v, uint8_t encoding, uint8_t mode,
		       uint32_t fuzzed_ptr)
{
	runner_val vals[CABI_MAX_FLAT];
	uint8_t flat[CABI_MAX_FLAT];
	struct cabi_ctx cx;
	struct cval back;
	uint32_t ptr, nf = 0, i = 0;

	memset(lower_mem->base, 0, 16);
	lower_mem->base[0] = mode;
	ptr = 1024;
	memcpy(lower_mem->base + 4, &ptr, 4);
	memcpy(lower_mem->base + 8, &fuzzed_ptr, 4);
	memset(&cx, 0, sizeof(cx));
	cx.mem = lower_mem;
	cx.realloc = lower_realloc;
	cx.encoding = encoding;
	memset(&back, 0, sizeof(back));
	if (cabi_alloc(&cx, cabi_align(vt), cabi_size(vt), &ptr) == 0 && cabi_store(&cx, vt, v, ptr) == 0 &&
	    cabi_load(&cx, vt, ptr, &back) == 0 && mode == 0 && !cval_equal(v, &back))
		abort(); /* stored and loaded back, not the same value */
	cval_release(&back);
	cabi_flatten(vt, flat, &nf);
	if (nf > CABI_MAX_FLAT)
		return;
	memset(vals, 0, sizeof(vals));
	cx.message[0] = '\0';
	if (cabi_lower_flat(&cx, vt, v, vals, nf, &i) == 0) {
		i = 0;
		if (cabi_lift_flat(&cx, vt, vals, nf, &i, &back) == 0 && mode == 0 && !cval_equal(v, &back))
			abort(); /* lowered flat and lifted back, not the same value */
		cval_release(&back);
	}
}

/* A value lifted from the fuzzed memory, lowered in every encoding:
 * honestly, then with the realloc mode the input picks. */
static void lower_all(struct wc_valtype vt, const struct cval *v, uint32_t pick)
{
	uint8_t e;

	for (e = WC_UTF8; e <= WC_LATIN1_UTF16; e++) {
		round_trip(vt, v, e, 0, 0);
		if (pick % 5)
			round_trip(vt, v, e, (uint8_t)(pick % 5), pick);
	}
}

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
		lower_all(vt, &v, take32(&d, &n));
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
	if (cabi_lift_flat(cx, vt, vals, nf, &i, &v) == 0)
		lower_all(vt, &v, take32(&d, &n));
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
	lower_setup();
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
