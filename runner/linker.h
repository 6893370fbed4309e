/*
 * linker.h - internal interface between the linker and instantiation.
 */
#ifndef RUNNER_LINKER_H
#define RUNNER_LINKER_H

#include "internal.h"

/* What an import resolved to. */
struct rextern {
	int kind; /* enum wasm_extern_kind */
	struct runner_func *func;
	struct rtable *table;
	struct rmemory *memory;
	struct rglobal *global;
	struct rtag *tag;
};

/* 0, WP_ENOTFOUND (no such name) or WP_EINVALID (a different kind). */
int rlinker_resolve(runner_linker *l, const char *module, const char *name, int kind,
		    struct rextern *out);
/* Make module.name resolve to `x` (an extern of another instance: what a
 * component's core instances of inline exports hand to instantiations). */
int rlinker_define_extern(runner_linker *l, const char *module, const char *name,
			  const struct rextern *x);
/* The export `name` of an instance. 0 or WP_ENOTFOUND. */
int rinst_export(struct runner_instance *inst, const char *name, struct rextern *out);

void rvals_from_slots(const slot_t *fp, const uint8_t *types, uint32_t n, runner_val *out);
void rvals_to_slots(const runner_val *v, const uint8_t *types, uint32_t n, slot_t *fp);

#endif
