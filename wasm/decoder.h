/*
 * decoder.h - what module.c (the section walk) and sections.c (the section
 * readers) share.  Internal to wasm/.
 */
#ifndef WASM_DECODER_H
#define WASM_DECODER_H

#include "module.h"
#include "reader.h"

struct wasm_decoder {
	struct wasm_reader r;
	struct wasm_module *m;
	enum wasm_decode_mode mode;
	int nfunc_decl; /* function section count seen (-1 = none) */
};

/* reftype.c: the module's table of reference types, and its release
 * (with type_canon) */
int wasm_reftypes_new(struct wasm_module *m);
void wasm_reftypes_free(struct wasm_module *m);

/* Decode the contents of known section `id`; d->r spans exactly them. */
int wasm_decode_section(struct wasm_decoder *d, uint8_t id);

#endif
