/*
 * exec.c - the interpreter loop over internal code (see internal.h).
 *
 * One function runs every wasm-to-wasm call without C recursion: a call
 * pushes a struct rframe and continues in the callee; a return pops it.
 * Dispatch is threaded: with GCC/Clang each handler ends in
 * `goto *labels[*pc & 0xffff]` (labels-as-values); other compilers get a
 * switch.  S(0) is the slot packed in the opcode word, S(i) the slot in
 * word i (internal.h).
 * Registers of the loop: pc, fp (the frame's slots), mem/memsize (memory
 * 0, reloaded after calls and memory.grow), fuel.
 *
 * Numerics follow the spec exactly: integer division traps, shifts and
 * rotates take the count modulo the width, float min/max/nearest/copysign
 * handle -0 and NaN as required, truncations trap or saturate.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "internal.h"

#if defined(__GNUC__) && !defined(RUNNER_SWITCH_DISPATCH)
#define THREADED 1
#endif

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- numeric helpers ---- */

static inline float f32_from_bits(uint32_t b)
{
	float f;
	memcpy(&f, &b, 4);
	return f;
}

static inline uint32_t f32_bits(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return b;
}

static inline double f64_from_bits(uint64_t b)
{
	double f;
	memcpy(&f, &b, 8);
	return f;
}

static inline uint64_t f64_bits(double f)
{
	uint64_t b;
	memcpy(&b, &f, 8);
	return b;
}

static inline float f32_min(float a, float b)
{
	if (isnan(a) || isnan(b))
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? a : b;
	return a < b ? a : b;
}

static inline float f32_max(float a, float b)
{
	if (isnan(a) || isnan(b))
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? b : a;
	return a > b ? a : b;
}

static inline double f64_min(double a, double b)
{
	if (isnan(a) || isnan(b))
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? a : b;
	return a < b ? a : b;
}

static inline double f64_max(double a, double b)
{
	if (isnan(a) || isnan(b))
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? b : a;
	return a > b ? a : b;
}

/* rounding functions must quiet a signalling NaN */
static inline float fq32(float a, float r)
{
	return isnan(a) ? a + a : r;
}

static inline double fq64(double a, double r)
{
	return isnan(a) ? a + a : r;
}

static inline uint32_t rotl32(uint32_t a, uint32_t b)
{
	b &= 31;
	return (a << b) | (a >> ((32 - b) & 31));
}

static inline uint32_t rotr32(uint32_t a, uint32_t b)
{
	b &= 31;
	return (a >> b) | (a << ((32 - b) & 31));
}

static inline uint64_t rotl64(uint64_t a, uint64_t b)
{
	b &= 63;
	return (a << b) | (a >> ((64 - b) & 63));
}

static inline uint64_t rotr64(uint64_t a, uint64_t b)
{
	b &= 63;
	return (a >> b) | (a << ((64 - b) & 63));
}

/* Saturating float -> int conversions (NaN -> 0). */
static inline int32_t sat_i32(double a)
{
	if (isnan(a))
		return 0;
	if (a <= -2147483648.0)
		return INT32_MIN;
	if (a >= 2147483647.0)
		return INT32_MAX;
	return (int32_t)a;
}

static inline uint32_t sat_u32(double a)
{
	if (isnan(a) || a <= 0)
		return 0;
	if (a >= 4294967295.0)
		return UINT32_MAX;
	return (uint32_t)a;
}

static inline int64_t sat_i64(double a)
{
	if (isnan(a))
		return 0;
	if (a <= -9223372036854775808.0)
		return INT64_MIN;
	if (a >= 9223372036854775808.0)
		return INT64_MAX;
	return (int64_t)a;
}

static inline uint64_t sat_u64(double a)
{
	if (isnan(a) || a <= 0)
		return 0;
	if (a >= 18446744073709551616.0)
		return UINT64_MAX;
	return (uint64_t)a;
}

#include "simd.h"

/* ---- bulk operations ----
 * memory.fill/copy/init and the table bulk ops run in slices with the
 * interrupt flag checked between them: one memory.fill of 4 GiB takes
 * seconds, and --timeout must not wait for it.  Each returns 0, or -1
 * when interrupted part way (the caller traps: the instance is done). */

#define BULK_SLICE (16u << 20)

/* Fuel a bulk operation costs for `bytes` moved: one unit per 64 bytes,
 * about what a guest loop of 8-byte stores would be charged. */
#define BULK_FUEL(bytes) ((int64_t)((bytes) >> 6))

/* memmove, front to back when dst <= src and back to front otherwise, so
 * that overlapping ranges come out as one memmove would leave them. */
static int bulk_move(void *dst, const void *src, uint64_t n, const volatile sig_atomic_t *intr)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	uint64_t done, c;

	for (done = 0; done < n; done += c) {
		c = n - done < BULK_SLICE ? n - done : BULK_SLICE;
		if ((uintptr_t)d <= (uintptr_t)s)
			memmove(d + done, s + done, c);
		else
			memmove(d + n - done - c, s + n - done - c, c);
		if (UNLIKELY(*intr) && done + c < n)
			return -1;
	}
	return 0;
}

/* Fill n elements of `size` bytes: bytes with `byte` (size 1) or
 * references with `ref` (size sizeof(void *)). */
static int bulk_fill(void *dst, int byte, void *ref, size_t size, uint64_t n,
		     const volatile sig_atomic_t *intr)
{
	uint64_t done, k, c, slice = BULK_SLICE / size;

	for (done = 0; done < n; done += c) {
		c = n - done < slice ? n - done : slice;
		if (size == 1)
			memset((uint8_t *)dst + done, byte, c);
		else
			for (k = 0; k < c; k++)
				((void **)dst)[done + k] = ref;
		if (UNLIKELY(*intr) && done + c < n)
			return -1;
	}
	return 0;
}

/* ---- the loop ---- */

static const volatile sig_atomic_t no_interrupt = 0;

#ifdef RUNNER_PROFILE
/* A developer's aid (make CFLAGS=-DRUNNER_PROFILE, threaded dispatch
 * only): counts each pair of consecutive internal instructions and writes
 * "previous next count" lines, in hex, to $RUNNER_PROFILE at exit: the
 * candidates for fusion. */
static unsigned long long rprof_pairs[IOP_COUNT][IOP_COUNT];
static unsigned rprof_prev;

static inline void rprof_count(unsigned op)
{
	rprof_pairs[rprof_prev][op]++;
	rprof_prev = op;
}

static void __attribute__((destructor)) rprof_dump(void)
{
	const char *path = getenv("RUNNER_PROFILE");
	FILE *f;

	if (!path || !(f = fopen(path, "w")))
		return;
	for (unsigned a = 0; a < IOP_COUNT; a++)
		for (unsigned b = 0; b < IOP_COUNT; b++)
			if (rprof_pairs[a][b])
				fprintf(f, "%x %x %llu\n", a, b, rprof_pairs[a][b]);
	fclose(f);
}
#endif

#ifdef THREADED
#define CASE(x) L_##x:
#ifdef RUNNER_PROFILE
#define NEXT() do { rprof_count(riop_op(*pc)); goto *labels[riop_op(*pc)]; } while (0)
#else
#define NEXT() goto *labels[riop_op(*pc)]
#endif
#define DISPATCH()
#else
#define CASE(x) case x:
#define NEXT() goto dispatch
#define DISPATCH() dispatch: switch (riop_op(*pc))
#endif

/* operand i of the instruction at pc: 0 is the slot packed in the opcode word */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint32_t packed_slot(const uint32_t *p)
{
	uint16_t v;

	memcpy(&v, (const char *)p + 2, 2); /* one 16-bit load */
	return v;
}
#else
#define packed_slot(p) riop_slot(*(p))
#endif
#define SLOT(i) ((i) ? pc[i] : packed_slot(pc))
#define S(i) fp[SLOT(i)]
#define TRAP(k, msg)                                                              \
	do {                                                                      \
		trap_kind = (k);                                                  \
		trap_msg = (msg);                                                 \
		goto trapped;                                                     \
	} while (0)

/* binary ops with a register and an immediate form */
#define B32(op, iop, expr)                                                        \
	CASE(op) { uint32_t a = S(1).u32, b = S(2).u32; S(0).u32 = (expr); pc += 3; NEXT(); } \
	CASE(iop) { uint32_t a = S(1).u32, b = pc[2]; S(0).u32 = (expr); pc += 3; NEXT(); }
#define B64(op, iop, expr)                                                        \
	CASE(op) { uint64_t a = S(1).u64, b = S(2).u64; S(0).u64 = (expr); pc += 3; NEXT(); } \
	CASE(iop) { uint64_t a = S(1).u64, b = pc[2] | (uint64_t)pc[3] << 32; S(0).u64 = (expr); pc += 4; NEXT(); }
#define C64(op, iop, expr)                                                        \
	CASE(op) { uint64_t a = S(1).u64, b = S(2).u64; S(0).u32 = (expr); pc += 3; NEXT(); } \
	CASE(iop) { uint64_t a = S(1).u64, b = pc[2] | (uint64_t)pc[3] << 32; S(0).u32 = (expr); pc += 4; NEXT(); }
#define BF32(op, expr)                                                            \
	CASE(op) { float a = S(1).f32, b = S(2).f32; S(0).f32 = (expr); pc += 3; NEXT(); }
#define BF64(op, expr)                                                            \
	CASE(op) { double a = S(1).f64, b = S(2).f64; S(0).f64 = (expr); pc += 3; NEXT(); }
#define CF32(op, expr)                                                            \
	CASE(op) { float a = S(1).f32, b = S(2).f32; S(0).u32 = (expr); pc += 3; NEXT(); }
#define CF64(op, expr)                                                            \
	CASE(op) { double a = S(1).f64, b = S(2).f64; S(0).u32 = (expr); pc += 3; NEXT(); }
#define UN(op, dfield, sfield, T, expr)                                          \
	CASE(op) { T a = S(1).sfield; S(0).dfield = (expr); pc += 2; NEXT(); }
/* fused compare-and-branch: register / immediate (JUMP: exec_ops.inc) */
#define BR32(op, iop, cmp)                                                        \
	CASE(op) { uint32_t a = S(0).u32, b = S(1).u32; if (cmp) JUMP(pc[2]); else pc += 3; NEXT(); } \
	CASE(iop) { uint32_t a = S(0).u32, b = pc[1]; if (cmp) JUMP(pc[2]); else pc += 3; NEXT(); }
#define BR64(op, iop, cmp)                                                        \
	CASE(op) { uint64_t a = S(0).u64, b = S(1).u64; if (cmp) JUMP(pc[2]); else pc += 3; NEXT(); } \
	CASE(iop) { uint64_t a = S(0).u64, b = pc[1] | (uint64_t)pc[2] << 32; if (cmp) JUMP(pc[3]); else pc += 4; NEXT(); }
/* f64 t = x P y, then t B z or z B t: t is stored (a local may be
 * reading it) but used from a register; z is read after the store (it may
 * be t).  Two statements: no compiler may contract them into a fused
 * multiply-add (also -ffp-contract=off). */
#define FF64(op, sop, P, B)                                                       \
	CASE(op) { double t = S(1).f64 P S(2).f64; fp[pc[3]].f64 = t; S(0).f64 = t B fp[pc[4]].f64; pc += 5; NEXT(); } \
	CASE(sop) { double t = S(1).f64 P S(2).f64; fp[pc[3]].f64 = t; S(0).f64 = fp[pc[4]].f64 B t; pc += 5; NEXT(); }
/* i32.add, then a compare-and-branch: register/immediate add operand x
 * register/immediate compare operand */
#define ADDBR32(op, iop, aop, aiop, cmp)                                         \
	CASE(op) { S(0).u32 = S(1).u32 + S(2).u32; { uint32_t a = S(3).u32, b = S(4).u32; if (cmp) JUMP(pc[5]); else pc += 6; } NEXT(); } \
	CASE(iop) { S(0).u32 = S(1).u32 + S(2).u32; { uint32_t a = S(3).u32, b = pc[4]; if (cmp) JUMP(pc[5]); else pc += 6; } NEXT(); } \
	CASE(aop) { S(0).u32 = S(1).u32 + pc[2]; { uint32_t a = S(3).u32, b = S(4).u32; if (cmp) JUMP(pc[5]); else pc += 6; } NEXT(); } \
	CASE(aiop) { S(0).u32 = S(1).u32 + pc[2]; { uint32_t a = S(3).u32, b = pc[4]; if (cmp) JUMP(pc[5]); else pc += 6; } NEXT(); }
#define BRF(op, nop, T, f, cmp)                                                   \
	CASE(op) { T a = S(0).f, b = S(1).f; if (cmp) JUMP(pc[2]); else pc += 3; NEXT(); } \
	CASE(nop) { T a = S(0).f, b = S(1).f; if (!(cmp)) JUMP(pc[2]); else pc += 3; NEXT(); }
#define MEMCHECK(ea, n)                                                           \
	if (UNLIKELY((ea) + (n) > memsize))                                       \
		TRAP(RUNNER_TRAP_MEMORY_OOB, "out of bounds memory access")
#define LOAD(op, T, n, dfield, conv)                                              \
	CASE(op) {                                                                \
		uint64_t ea = (uint64_t)S(1).u32 + pc[2];                         \
		T v;                                                              \
		MEMCHECK(ea, n);                                                  \
		memcpy(&v, mem + ea, n);                                          \
		S(0).dfield = conv(v);                                            \
		pc += 3;                                                          \
		NEXT();                                                           \
	}
#define STORE(op, T, n, sfield)                                                   \
	CASE(op) {                                                                \
		uint64_t ea = (uint64_t)S(0).u32 + pc[2];                         \
		T v = (T)S(1).sfield;                                             \
		MEMCHECK(ea, n);                                                  \
		memcpy(mem + ea, &v, n);                                          \
		pc += 3;                                                          \
		NEXT();                                                           \
	}
#define ID(x) (x)

#define RELOAD_INSTANCE()                                                         \
	do {                                                                      \
		memobj = inst->mem;                                               \
		mem = memobj ? memobj->base : NULL;                               \
		memsize = memobj ? memobj->size : 0;                              \
		globals = inst->globals;                                          \
		tables = inst->tables;                                            \
	} while (0)

static void fill_trap(struct runner_trap *trap, enum runner_trap_kind kind, const char *msg,
		      struct runner_func *cur, struct rexec *ex, uint32_t entry_depth)
{
	uint32_t d;

	if (!trap)
		return;
	memset(trap, 0, sizeof(*trap));
	trap->kind = kind;
	snprintf(trap->message, sizeof(trap->message), "%s", msg);
	trap->func = cur ? cur->index : 0;
	if (cur) {
		trap->frames[0].func = cur->index;
		trap->frames[0].name = cur->inst ? runner_module_func_name(cur->inst->mod, cur->index) : NULL;
		trap->nframes = 1;
	}
	for (d = ex->depth; d > entry_depth && trap->nframes < RUNNER_BACKTRACE_MAX; d--) {
		struct runner_func *f = ex->frames[d - 1].fn;
		if (!f)
			continue;
		trap->frames[trap->nframes].func = f->index;
		trap->frames[trap->nframes].name =
			f->inst ? runner_module_func_name(f->inst->mod, f->index) : NULL;
		trap->nframes++;
	}
}

static int run(struct runner_instance *inst, struct rexec *ex, struct runner_func *entry,
	       slot_t *fp, struct runner_trap *trap, const void *const **labels_out);

int rexec_supports(uint32_t op)
{
	static const void *const *labels;

	if (!labels)
		run(NULL, NULL, NULL, NULL, NULL, &labels);
	return op < IOP_COUNT && labels[op] != NULL;
}

int rexec_call(struct runner_instance *inst, struct rexec *ex, struct runner_func *f,
	       slot_t *fp, struct runner_trap *trap)
{
	return run(inst, ex, f, fp, trap, NULL);
}

static int run(struct runner_instance *inst, struct rexec *ex, struct runner_func *entry,
	       slot_t *fp, struct runner_trap *trap, const void *const **labels_out)
{
#ifdef THREADED
#define LBL(x) [x] = &&L_##x,
	static const void *const labels[IOP_COUNT] = {
#include "exec_labels.h"
	};
#undef LBL
#else
#define LBL(x) [x] = (void *)1,
	static const void *const labels[IOP_COUNT] = {
#include "exec_labels.h"
	};
#undef LBL
#endif
	const uint32_t *pc;
	struct runner_instance *entry_inst = inst;
	struct runner_func *cur = NULL, *fn;
	struct rmemory *memobj;
	uint8_t *mem;
	uint64_t memsize;
	struct rglobal **globals;
	struct rtable **tables;
	const volatile sig_atomic_t *intr;
	int64_t fuel;
	uint32_t entry_depth;
	slot_t *newfp;
	const struct rcode *code;
	struct rexn *exn;
	int tail_host = 0;
	enum runner_trap_kind trap_kind = RUNNER_TRAP_NONE;
	const char *trap_msg = "";
	struct runner_caller caller;
	int rc = 0;

	if (labels_out) {
		*labels_out = labels;
		return 0;
	}
	RELOAD_INSTANCE();
	intr = inst->cfg.interrupt ? inst->cfg.interrupt : &no_interrupt;
	fuel = inst->fuel;
	entry_depth = ex->depth;
	fn = entry;
	newfp = fp;
	pc = NULL;
	goto do_call;

	DISPATCH()
	{
#include "exec_ops.inc"
#include "exec_simd.inc"
#ifndef THREADED
	default:
		TRAP(RUNNER_TRAP_UNREACHABLE, "internal error: bad instruction");
#endif
	}

/* the callee's code, compiled on its first call; only resources can fail
 * here: the body was validated */
#define COMPILE_LAZILY()                                                                        \
	do {                                                                                    \
		if (UNLIKELY(!__atomic_load_n(&code->ops, __ATOMIC_ACQUIRE)) &&                 \
		    rcompile_func(fn->inst->mod, fn->index - fn->inst->mod->wasm->nfunc_imports) < 0) { \
			snprintf(caller.message, sizeof(caller.message), "cannot compile function %u: %s", \
				 fn->index, wp_error_last());                                   \
			cur = fn;                                                               \
			TRAP(RUNNER_TRAP_HOST, caller.message);                                 \
		}                                                                               \
	} while (0)

do_tail_call:
	/* return_call*: the arguments move down to fp and the callee takes
	 * this frame (no frame is pushed, the depth stays) */
	{
		uint32_t k, n = 0;
		for (k = 0; k < fn->type->nparams; k++)
			n += rslots_of(fn->type->params[k]);
		memmove(fp, newfp, n * sizeof(*fp));
		newfp = fp;
	}
	if (!fn->code) {
		tail_host = 1;
		goto do_host_call;
	}
	code = fn->code;
	COMPILE_LAZILY();
	if (UNLIKELY(newfp + code->frame_slots > ex->slots_end))
		TRAP(RUNNER_TRAP_STACK_EXHAUSTED, "call stack exhausted");
	goto enter;

do_call:
	if (fn->code) {
		code = fn->code;
		COMPILE_LAZILY();
		if (UNLIKELY(ex->depth >= ex->max_depth ||
			     newfp + code->frame_slots > ex->slots_end))
			TRAP(RUNNER_TRAP_STACK_EXHAUSTED, "call stack exhausted");
		ex->frames[ex->depth].pc = pc;
		ex->frames[ex->depth].fp = fp;
		ex->frames[ex->depth].fn = cur;
		ex->depth++;
enter:
		{
			slot_t *l = newfp + code->param_slots;
			uint32_t k, n = code->local_slots;
			for (k = 0; k < n; k++)
				l[k].u64 = 0;
		}
		fp = newfp;
		cur = fn;
		pc = code->ops;
		if (fn->inst != inst) {
			inst = fn->inst;
			RELOAD_INSTANCE();
		}
		if (UNLIKELY((fuel -= code->entry_cost) < 0)) {
			fuel = 0;
			TRAP(RUNNER_TRAP_OUT_OF_FUEL, "all fuel consumed");
		}
		if (UNLIKELY(*intr))
			TRAP(RUNNER_TRAP_INTERRUPTED, "interrupted");
		NEXT();
	}
	/* a host function */
do_host_call:
	{
		int hr;
		slot_t *save_top = ex->top;
		memset(&caller, 0, sizeof(caller));
		caller.inst = inst;
		caller.ex = ex;
		ex->top = newfp + 2 * (fn->type->nparams + fn->type->nresults) + 2;
		entry_inst->fuel = fuel;
		hr = rhost_call(inst, ex, fn, newfp, &caller);
		ex->top = save_top;
		RELOAD_INSTANCE();
		if (hr == RUNNER_EEXIT) {
			fill_trap(trap, RUNNER_TRAP_EXIT, "exit", cur, ex, entry_depth);
			if (trap)
				trap->exit_code = caller.exit_code;
			rc = RUNNER_EEXIT;
			goto out;
		}
		if (hr < 0) {
			if (caller.kind == RUNNER_TRAP_NONE) {
				caller.kind = RUNNER_TRAP_HOST;
				snprintf(caller.message, sizeof(caller.message), "%s", wp_error_last());
			}
			fill_trap(trap, caller.kind, caller.message, fn, ex, entry_depth);
			if (trap && cur && cur != fn && trap->nframes < RUNNER_BACKTRACE_MAX) {
				memmove(&trap->frames[1], &trap->frames[0],
					sizeof(trap->frames[0]) * (trap->nframes));
				trap->frames[0].func = fn->index;
				trap->frames[0].name = NULL;
			}
			rc = RUNNER_ETRAP;
			goto out;
		}
		if (!pc)
			goto out; /* the entry itself was a host function */
		if (UNLIKELY(tail_host)) {
			/* its results are at fp: this function returns them */
			tail_host = 0;
			goto do_return;
		}
		NEXT();
	}

do_throw:
	/* to the innermost handler of this invocation, or a trap */
	if (!rexn_unwind(ex, entry_depth, exn, &pc, &fp, &cur))
		TRAP(RUNNER_TRAP_EXCEPTION, "uncaught wasm exception");
	if (cur->inst != inst) {
		inst = cur->inst;
		RELOAD_INSTANCE();
	} else if (memobj) {
		memsize = memobj->size;
	}
	NEXT();

trapped:
	fill_trap(trap, trap_kind, trap_msg, cur, ex, entry_depth);
	rc = RUNNER_ETRAP;
out:
	ex->depth = entry_depth;
	entry_inst->fuel = fuel;
	return rc;
}
