/*
 * runtimes.c - the runtime capability tables of `wasmpack check` and the
 * check itself (runtimes.h).
 *
 * Each table describes one release, named in `describes`, from the source
 * named in `source` (docs/runtimes.md says how to refresh them).  wasmpack's
 * entry has no table: its preview1 functions are the bindings
 * wasi_ctx_link() defines and its WASI 0.2 interfaces are the ones
 * wasi2_lookup() implements, asked function by function.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../wasm/component.h"
#include "../wasm/module.h"
#include "runtimes.h"
#include "wasi.h"
#include "wasi2.h"

enum p1_level {
	P1_NONE,   /* no preview1 host */
	P1_NOSOCK, /* preview1 without sock_* (no socket is ever handed in) */
	P1_ALL,    /* every preview1 function, sockets through preopened listeners */
	P1_HOST,   /* wasmpack: what wasi_ctx_link() defines */
};

struct runtime {
	const char *name;
	const char *alias;
	const char *describes;
	const char *source;
	int p1;                     /* enum p1_level */
	int unstable;               /* also the older wasi_unstable names */
	const char *no_p1;          /* why preview1 imports fail (P1_NONE) */
	const char *no_sock;        /* why sock_* fail (P1_NOSOCK) */
	const char *no_components;  /* why a component is not run, or NULL */
	const char *const *ifaces;  /* "ns:pkg/iface@version", NULL-terminated */
	int host2;                  /* wasmpack: the WASI 0.2 host itself */
	const char *const *triggers; /* a component must export one of these */
	const char *trigger_why;
	const char *p1_export;      /* a preview1 module must export this */
	const char *p1_export_why;
};

/* WASI 0.2 interfaces by package; V is the version string. */
#define WASI_CLI(V)                                                                          \
	"wasi:cli/environment@" V, "wasi:cli/exit@" V, "wasi:cli/stdin@" V, "wasi:cli/stdout@" V, \
	"wasi:cli/stderr@" V, "wasi:cli/terminal-input@" V, "wasi:cli/terminal-output@" V,       \
	"wasi:cli/terminal-stdin@" V, "wasi:cli/terminal-stdout@" V, "wasi:cli/terminal-stderr@" V
#define WASI_BASE(V)                                                                            \
	WASI_CLI(V), "wasi:io/error@" V, "wasi:io/poll@" V, "wasi:io/streams@" V,                  \
	"wasi:clocks/monotonic-clock@" V, "wasi:clocks/wall-clock@" V,                             \
	"wasi:filesystem/types@" V, "wasi:filesystem/preopens@" V, "wasi:random/random@" V,        \
	"wasi:random/insecure@" V, "wasi:random/insecure-seed@" V
#define WASI_TCP(V)                                                                            \
	"wasi:sockets/network@" V, "wasi:sockets/instance-network@" V, "wasi:sockets/tcp@" V,      \
	"wasi:sockets/tcp-create-socket@" V, "wasi:sockets/ip-name-lookup@" V
#define WASI_UDP(V) "wasi:sockets/udp@" V, "wasi:sockets/udp-create-socket@" V
#define WASI_HTTP(V) "wasi:http/types@" V, "wasi:http/outgoing-handler@" V

/* wasmtime 29.0: its WIT is WASI 0.2.3 (wasmtime PR #9807, "Update to WASI
 * 0.2.3 WIT files", first released in 29.0; jco PR #545 "Wasmtime 29 with
 * WASI 0.2.3"); `wasmtime run` links all of it (-S inherit-network for
 * sockets, -S http for outgoing HTTP), `wasmtime serve` calls
 * wasi:http/incoming-handler.  Preview1: crates/wasi's preview1 and
 * preview0 (wasi_unstable) modules, sockets through `-S tcplisten`. */
static const char *const wasmtime_ifaces[] = {
	WASI_BASE("0.2.3"), WASI_TCP("0.2.3"), WASI_UDP("0.2.3"), WASI_HTTP("0.2.3"), NULL,
};

/* Spin 3.0 (wasmtime 25 underneath, whose WIT is WASI 0.2.1: wasmtime PR
 * #9063; Spin's v3.0 branch runs wasmtime 25.0.3): the WASI command
 * imports, outbound TCP and name lookup (allowed_outbound_hosts), outbound
 * HTTP, the fermyon:spin 2.0 host interfaces and the unversioned ones of
 * the Spin 1 SDKs, and the draft wasi:keyvalue and wasi:config Spin 3.0
 * added.  Triggers: HTTP (wasi:http/incoming-handler, or the Spin 1 SDK's
 * fermyon:spin/inbound-http) and Redis; a preview1 module runs with
 * `executor = { type = "wagi" }`, which calls its _start. */
static const char *const spin_ifaces[] = {
	WASI_BASE("0.2.1"), WASI_TCP("0.2.1"), WASI_HTTP("0.2.1"),
	"fermyon:spin/key-value@2.0.0", "fermyon:spin/llm@2.0.0", "fermyon:spin/redis@2.0.0",
	"fermyon:spin/mqtt@2.0.0", "fermyon:spin/rdbms-types@2.0.0", "fermyon:spin/postgres@2.0.0",
	"fermyon:spin/mysql@2.0.0", "fermyon:spin/sqlite@2.0.0", "fermyon:spin/variables@2.0.0",
	"fermyon:spin/config", "fermyon:spin/http", "fermyon:spin/http-types",
	"fermyon:spin/key-value", "fermyon:spin/llm", "fermyon:spin/mysql", "fermyon:spin/postgres",
	"fermyon:spin/rdbms-types", "fermyon:spin/redis", "fermyon:spin/redis-types",
	"fermyon:spin/sqlite", "wasi:keyvalue/store@0.2.0-draft2",
	"wasi:keyvalue/atomics@0.2.0-draft2", "wasi:keyvalue/batch@0.2.0-draft2",
	"wasi:config/store@0.2.0-draft-2024-09-27", NULL,
};
static const char *const spin_triggers[] = {
	"wasi:http/incoming-handler@0.2.1", "fermyon:spin/inbound-http", "fermyon:spin/inbound-redis",
	NULL,
};

static const struct runtime runtimes[] = {
	{
		.name = "wasmtime",
		.describes = "wasmtime 29.0: WASI 0.2.3, preview1 and wasi_unstable",
		.source = "wasmtime v29.0.0: crates/wasi, crates/wasi-http (WIT updated to 0.2.3 by PR #9807)",
		.p1 = P1_ALL,
		.unstable = 1,
		.ifaces = wasmtime_ifaces,
	},
	{
		.name = "wasmpack",
		.describes = "wasmpack run, this build's own WASI hosts",
		.source = "runner/wasi_bind*.c and runner/wasi2_*.c, asked at run time",
		.p1 = P1_HOST,
		.unstable = 1,
		.host2 = 1,
	},
	{
		.name = "spin",
		.describes = "Spin 3.0: WASI 0.2.1, fermyon:spin 2.0, WAGI for preview1",
		.source = "spinframework/spin v3.0: wit/, crates/world, crates/factor-* (wasmtime 25.0.3)",
		.p1 = P1_NOSOCK,
		.no_sock = "Spin hands a WAGI module no socket",
		.ifaces = spin_ifaces,
		.triggers = spin_triggers,
		.trigger_why = "Spin's HTTP trigger calls wasi:http/incoming-handler; also accepted: "
			       "fermyon:spin/inbound-http, fermyon:spin/inbound-redis",
		.p1_export = "_start",
		.p1_export_why = "Spin's WAGI executor runs a preview1 module's _start",
	},
	{
		.name = "runwasi",
		.alias = "docker",
		.describes = "runwasi 0.4 containerd-shim-wasmtime-v1 and -wasmedge-v1, Docker's wasm shims: "
			     "preview1 modules without sockets",
		.source = "containerd/runwasi v0.4: crates/containerd-shim-wasmtime, -wasmedge",
		.p1 = P1_NOSOCK,
		.no_sock = "the shims preopen no socket for sock_accept; WasmEdge's own socket API is not WASI",
		.no_components = "wasmpack assumes preview1 modules for runwasi; newer wasmtime shims run "
				 "components: check those with --runtime wasmtime",
	},
	{
		.name = "node",
		.describes = "Node.js 22 node:wasi: preview1 and wasi_unstable, no sockets",
		.source = "Node.js 22 doc/api/wasi.md (uvwasi)",
		.p1 = P1_NOSOCK,
		.unstable = 1,
		.no_sock = "node:wasi's sock_* fail with ENOTSUP",
		.no_components = "node:wasi runs preview1 modules only; a component needs jco transpile",
	},
	{
		.name = "browser",
		.describes = "a browser's WebAssembly JS API: no WASI host",
		.source = "WebAssembly JS API; WASI needs a JavaScript shim",
		.p1 = P1_NONE,
		.no_p1 = "a browser has no WASI host: bundle a JavaScript shim",
		.no_components = "browsers run core modules only; a component needs jco transpile",
	},
};

#define NRUNTIMES (sizeof(runtimes) / sizeof(runtimes[0]))

const struct runtime *runtime_find(const char *name)
{
	size_t i;

	for (i = 0; i < NRUNTIMES; i++)
		if (!strcmp(runtimes[i].name, name) || (runtimes[i].alias && !strcmp(runtimes[i].alias, name)))
			return &runtimes[i];
	return NULL;
}

const char *runtime_names(void)
{
	return "wasmtime, wasmpack, spin, runwasi (docker), node, browser";
}

const char *runtime_name(const struct runtime *rt) { return rt->name; }
const char *runtime_describes(const struct runtime *rt) { return rt->describes; }
const char *runtime_source(const struct runtime *rt) { return rt->source; }

/* ---- versions ------------------------------------------------------- */

/* "X.Y.Z[-pre]" -> v[3], *pre; 0, or -1 when it is not semver. */
static int parse_version(const char *s, unsigned long v[3], int *pre)
{
	int k;
	char *end;

	for (k = 0; k < 3; k++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v[k] = strtoul(s, &end, 10);
		s = end;
		if (k < 2 && *s++ != '.')
			return -1;
	}
	if (*s && *s != '-' && *s != '+')
		return -1;
	*pre = *s == '-';
	return 0;
}

int runtime_version_ok(const char *want, const char *have)
{
	unsigned long w[3], h[3];
	int wp, hp;

	if (!want || !have)
		return !want && !have;
	if (!strcmp(want, have))
		return 1;
	if (parse_version(want, w, &wp) < 0 || parse_version(have, h, &hp) < 0 || wp || hp)
		return 0;
	if (w[0] != h[0] || (w[0] == 0 && (w[1] != h[1] || w[1] == 0)))
		return 0;
	if (w[1] != h[1])
		return w[1] < h[1];
	return w[2] <= h[2];
}

/* Split "ns:pkg/iface@ver" into the name before '@' (in buf) and the
 * version (NULL when none).  0, or -1 when it is not an interface name. */
static int split_iface(const char *full, char *buf, size_t size, const char **ver)
{
	const char *at = strchr(full, '@'), *colon = strchr(full, ':');
	size_t n = at ? (size_t)(at - full) : strlen(full);

	if (!colon || !memchr(full, '/', n) || colon > full + n || n >= size)
		return -1;
	memcpy(buf, full, n);
	buf[n] = '\0';
	*ver = at ? at + 1 : NULL;
	return 0;
}

/* ---- the report ----------------------------------------------------- */

static int add(struct runtime_report *r, const char *name, int provided, int kind,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int add(struct runtime_report *r, const char *name, int provided, int kind,
	       const char *fmt, ...)
{
	struct runtime_item *it, *grown;
	va_list ap;

	if (!(grown = realloc(r->items, (r->nitems + 1) * sizeof(*grown))))
		return WP_ENOMEM;
	r->items = grown;
	it = &r->items[r->nitems];
	memset(it, 0, sizeof(*it));
	it->provided = provided;
	it->kind = kind;
	if (!(it->name = strdup(name)))
		return WP_ENOMEM;
	r->nitems++;
	if (!provided) {
		r->missing++;
		va_start(ap, fmt);
		if (vasprintf(&it->reason, fmt, ap) < 0)
			it->reason = NULL;
		va_end(ap);
		if (!it->reason)
			return WP_ENOMEM;
	}
	return 0;
}

void runtime_report_free(struct runtime_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nitems; i++) {
		free(r->items[i].name);
		free(r->items[i].reason);
	}
	free(r->items);
	free(r);
}

/* ---- core modules --------------------------------------------------- */

static int check_core_import(struct runtime_report *r, const struct runtime *rt,
			     const struct wasm_import *im)
{
	char *name = NULL;
	int err, ok = 0;
	const char *why = "";

	if (asprintf(&name, "%s.%s", im->module, im->name) < 0)
		return WP_ENOMEM;
	if (!wasi_is_module(im->module))
		why = "not a WASI import: only a host or a module linked in that defines it provides it";
	else if (im->kind != WASM_EXTERN_FUNC)
		why = "WASI defines functions only";
	else if (rt->p1 == P1_NONE)
		why = rt->no_p1;
	else if (!strcmp(im->module, "wasi_unstable") && !rt->unstable)
		why = "it provides wasi_snapshot_preview1, not the older wasi_unstable";
	else if (rt->p1 == P1_HOST ? !wasi_host_provides(im->module, im->name)
				   : !wasm_wasi_p1_provides(im->module, im->name))
		why = "not a function of WASI preview1";
	else if (rt->p1 == P1_NOSOCK && !strncmp(im->name, "sock_", 5))
		why = rt->no_sock;
	else
		ok = 1;
	err = add(r, name, ok, 0, "%s", why);
	free(name);
	return err;
}

static int check_module(struct runtime_report *r, const struct runtime *rt, const struct wasm_module *m)
{
	uint32_t i;
	int err;

	for (i = 0; i < m->nimports; i++)
		if ((err = check_core_import(r, rt, &m->imports[i])) < 0)
			return err;
	r->nimports = r->nitems;
	if (rt->p1_export && m->wasi == WASM_WASI_PREVIEW1 &&
	    !wasm_module_find_export(m, rt->p1_export, WASM_EXTERN_FUNC))
		return add(r, rt->p1_export, 0, RUNTIME_EXPORT, "%s", rt->p1_export_why);
	return 0;
}

/* ---- components ----------------------------------------------------- */

/* The entry of `rt`'s table for interface `base`, or NULL. */
static const char *table_entry(const struct runtime *rt, const char *base, const char **ver)
{
	char b[256];
	size_t i;

	for (i = 0; rt->ifaces && rt->ifaces[i]; i++)
		if (split_iface(rt->ifaces[i], b, sizeof(b), ver) == 0 && !strcmp(b, base))
			return rt->ifaces[i];
	return NULL;
}

/* wasmpack: what component_inst.c links.  It binds an imported interface
 * by name, its version removed, and lowers each imported function to
 * wasi2_lookup()'s implementation: provided when every function has one
 * (an interface of types only, as wasi:cli/terminal-input, needs none),
 * and a wasi: interface is on the 0.2 track the host implements. */
static int check_host2(struct runtime_report *r, const struct wc_extern *e, const char *base,
		       const char *ver)
{
	unsigned long v[3];
	char missing[512] = "";
	size_t i, used = 0;
	int pre = 0, known = 0;

	if (!strncmp(base, "wasi:", 5) &&
	    (!ver || parse_version(ver, v, &pre) < 0 || pre || v[0] != 0 || v[1] != 2))
		return add(r, e->name, 0, 0, "its WASI host implements WASI 0.2.x");
	for (i = 0; e->type && e->type->kind == WC_T_INSTANCE && i < e->type->ndecls; i++) {
		const struct wc_extern *d = &e->type->decls[i];
		if (d->is_import || d->sort != WC_FUNC || wasi2_lookup(base, d->name))
			continue;
		if (used < sizeof(missing))
			used += (size_t)snprintf(missing + used, sizeof(missing) - used, "%s%s",
						 used ? ", " : "", d->name);
	}
	for (i = 0; wasi2_interface(i); i++)
		known |= !strcmp(wasi2_interface(i), base);
	if (used && !known)
		return add(r, e->name, 0, 0, "the WASI 0.2 host of `wasmpack run` has no %s", base);
	if (used)
		return add(r, e->name, 0, 0, "no host function for %s", missing);
	return add(r, e->name, 1, 0, "%s", "");
}

int runtime_provides_interface(const struct runtime *rt, const char *name)
{
	const char *ver, *have;
	char base[256];
	unsigned long v[3];
	size_t i;
	int pre = 0;

	if (split_iface(name, base, sizeof(base), &ver) < 0 || rt->no_components)
		return 0;
	if (rt->host2) {
		for (i = 0; wasi2_interface(i); i++)
			if (!strcmp(wasi2_interface(i), base))
				return ver && parse_version(ver, v, &pre) == 0 && !pre && v[0] == 0 && v[1] == 2;
		return 0;
	}
	return table_entry(rt, base, &have) && runtime_version_ok(ver, have);
}

static int check_comp_import(struct runtime_report *r, const struct runtime *rt, const struct wc_extern *e)
{
	const char *ver, *have_ver, *entry;
	char base[256];

	if (split_iface(e->name, base, sizeof(base), &ver) < 0)
		return add(r, e->name, 0, 0, "a plain-named import: no runtime provides it; compose the "
					    "component with one that exports it");
	if (rt->no_components)
		return add(r, e->name, 0, 0, "%s", rt->no_components);
	if (rt->host2)
		return check_host2(r, e, base, ver);
	if (!(entry = table_entry(rt, base, &have_ver)))
		return add(r, e->name, 0, 0, "%s is not among the interfaces it provides", base);
	if (!runtime_version_ok(ver, have_ver))
		return add(r, e->name, 0, 0, "it provides %s", entry);
	return add(r, e->name, 1, 0, "%s", "");
}

/* Spin: the component exports one of the trigger interfaces. */
static int check_triggers(struct runtime_report *r, const struct runtime *rt, const struct wasm_module *m)
{
	char want[256], got[256];
	const char *wv, *gv;
	size_t t;
	uint32_t i;

	for (t = 0; rt->triggers[t]; t++) {
		if (split_iface(rt->triggers[t], want, sizeof(want), &wv) < 0)
			continue;
		for (i = 0; i < m->ncomp_exports; i++)
			if (split_iface(m->comp_exports[i], got, sizeof(got), &gv) == 0 && !strcmp(got, want) &&
			    runtime_version_ok(gv, wv))
				return 0;
	}
	return add(r, rt->triggers[0], 0, RUNTIME_EXPORT, "%s", rt->trigger_why);
}

static int check_component(struct runtime_report *r, const struct runtime *rt, const struct wasm_module *m)
{
	const struct wasm_component *c = m->component;
	uint32_t i;
	int err;

	for (i = 0; c && i < c->nimports; i++)
		if ((err = check_comp_import(r, rt, &c->imports[i])) < 0)
			return err;
	r->nimports = r->nitems;
	if (rt->no_components)
		return add(r, "component", 0, RUNTIME_FORMAT, "%s", rt->no_components);
	if (rt->triggers)
		return check_triggers(r, rt, m);
	return 0;
}

int runtime_check(const struct wasm_module *m, const struct runtime *rt, struct runtime_report **out)
{
	struct runtime_report *r = calloc(1, sizeof(*r));
	int err;

	*out = NULL;
	if (!r)
		return wp_error_set(WP_ENOMEM, "out of memory");
	r->rt = rt;
	err = m->kind == WASM_KIND_COMPONENT ? check_component(r, rt, m) : check_module(r, rt, m);
	if (err < 0) {
		runtime_report_free(r);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	*out = r;
	return 0;
}
