/*
 * component.h - the top level of a WebAssembly component binary: its
 * sections are walked and bounded, its import and export names recorded
 * (what the CNCF wasm config's `component` field and WASI detection need).
 */
#ifndef WASM_COMPONENT_H
#define WASM_COMPONENT_H

#include "module.h"
#include "reader.h"

/* `r` is positioned after the 8-byte header. */
int wasm_component_decode(struct wasm_reader *r, struct wasm_module *m);

#endif
