/*
 * exception.c - thrown exceptions and the unwinder (exception handling,
 * both the standard and the legacy form; see compile_eh.c for the handler
 * tables the compiler leaves in each function's code).
 *
 * Zero cost until something throws: calls push no handler records and
 * try blocks emit no code; all the work happens here, when an exception
 * is thrown.  The search starts at the throwing instruction, finds the
 * innermost scope holding it and tries its clauses, then the enclosing
 * scopes (or a delegate's target), then each caller at its call
 * instruction, down to the frame that entered this invocation of the
 * interpreter.  It never goes further: a host function that called into
 * wasm sees an uncaught exception as a trap ("uncaught wasm exception"),
 * so an exception never unwinds through host (WASI) code, and host
 * functions cannot throw.
 *
 * An exception is a heap object (struct rexn: tag + payload); exnref and
 * the slot a legacy catch keeps for rethrow point to it.  They belong to
 * the execution stack and are freed with it.  A program that throws in a
 * loop would pile them up, so every so often a collector frees the ones
 * nothing refers to: it scans the live part of the wasm stack for their
 * addresses (conservatively: a stale slot may keep one alive a little
 * longer, never the reverse).  References can also leave the stack (an
 * exnref global or table, a payload, a host call): a module whose types
 * let them is flagged at load (runner_module.exn_escapes) and, once one
 * is instantiated, the collector is off for the process.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define GC_FIRST 1024 /* live exceptions before the first collection */

static int gc_disabled;

void rexn_disable_gc(void)
{
	__atomic_store_n(&gc_disabled, 1, __ATOMIC_RELAXED);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* Free the exceptions no slot of [ex->slots, live_end) refers to. */
static void collect(struct rexec *ex, const slot_t *live_end)
{
	struct rexn **all, *e, **link;
	const slot_t *s;
	uint32_t n = 0, live = 0;

	all = malloc(sizeof(*all) * (ex->nexns + 1));
	if (!all)
		return; /* keep everything: correct, only bigger */
	for (e = ex->exns; e; e = e->next) {
		e->mark = e->pinned;
		all[n++] = e;
	}
	qsort(all, n, sizeof(*all), cmp_ptr);
	for (s = ex->slots; s < live_end; s++) {
		struct rexn **hit;
		void *key = s->ref;
		if (!key)
			continue;
		hit = bsearch(&key, all, n, sizeof(*all), cmp_ptr);
		if (hit)
			(*hit)->mark = 1;
	}
	free(all);
	for (link = &ex->exns; (e = *link);) {
		if (e->mark) {
			live++;
			link = &e->next;
			continue;
		}
		*link = e->next;
		free(e);
	}
	ex->nexns = live;
	ex->gc_at = live * 2 > GC_FIRST ? live * 2 : GC_FIRST;
}

struct rexn *rexn_new(struct rexec *ex, struct rtag *tag, const slot_t *payload,
		      const slot_t *live_end)
{
	struct rexn *e;

	if (ex->nexns >= ex->gc_at && ex->gc_at && !__atomic_load_n(&gc_disabled, __ATOMIC_RELAXED))
		collect(ex, live_end);
	if (!ex->gc_at)
		ex->gc_at = GC_FIRST;
	e = malloc(sizeof(*e) + sizeof(slot_t) * tag->nslots);
	if (!e)
		return NULL;
	e->tag = tag;
	e->pinned = e->mark = 0;
	if (tag->nslots)
		memcpy(e->payload, payload, sizeof(slot_t) * tag->nslots);
	e->next = ex->exns;
	ex->exns = e;
	ex->nexns++;
	return e;
}

void rexn_free_all(struct rexec *ex)
{
	struct rexn *e, *next;

	for (e = ex->exns; e; e = next) {
		next = e->next;
		free(e);
	}
	ex->exns = NULL;
	ex->nexns = 0;
}

/* The innermost scope of `code` holding word offset `off`, or -1. */
static int32_t scope_at(const struct rcode *code, uint32_t off)
{
	uint32_t i;

	for (i = code->nscopes; i-- > 0;)
		if (code->scopes[i].start <= off && off < code->scopes[i].end)
			return (int32_t)i;
	return -1;
}

/* The clause of f's handlers that catches exn thrown at `off`, or NULL. */
static const struct rclause *find_clause(const struct runner_func *f, uint32_t off,
					 const struct rexn *exn)
{
	const struct rcode *code = f->code;
	int32_t s, k;

	for (s = scope_at(code, off); s >= 0; s = code->scopes[s].parent)
		for (k = code->scopes[s].first; k >= 0; k = code->clauses[k].next) {
			const struct rclause *cl = &code->clauses[k];
			if (cl->tag == RCLAUSE_ALL || f->inst->tags[cl->tag] == exn->tag)
				return cl;
		}
	return NULL;
}

int rexn_unwind(struct rexec *ex, uint32_t entry_depth, struct rexn *exn, const uint32_t **pc,
		slot_t **fp, struct runner_func **cur)
{
	struct runner_func *f = *cur;
	slot_t *ffp = *fp;
	uint32_t d = ex->depth, off = (uint32_t)(*pc - f->code->ops);

	for (;;) {
		const struct rclause *cl = f->code->nscopes ? find_clause(f, off, exn) : NULL;
		if (cl) {
			if (cl->payload_slot != RCLAUSE_NONE && exn->tag->nslots)
				memcpy(ffp + cl->payload_slot, exn->payload, sizeof(slot_t) * exn->tag->nslots);
			if (cl->exn_slot != RCLAUSE_NONE)
				ffp[cl->exn_slot].ref = exn;
			ex->depth = d;
			*pc = f->code->ops + cl->target;
			*fp = ffp;
			*cur = f;
			return 1;
		}
		if (d - 1 <= entry_depth)
			return 0;
		d--;
		f = ex->frames[d].fn;
		ffp = ex->frames[d].fp;
		/* the saved pc is past the call: its last word is inside it */
		off = (uint32_t)(ex->frames[d].pc - f->code->ops) - 1;
	}
}
