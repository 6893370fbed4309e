/*
 * rust.c - the `rust` builder: Cargo.toml -> cargo build --target
 * wasm32-wasip1 (or wasm32-wasi on toolchains that predate the rename).
 *
 * The target is the one rustc has a standard library installed for
 * (sysroot/lib/rustlib/<target>/lib: a std built for a target means rustc
 * knows its name, so `--print target-list`, half a second of a cold
 * runner's key computation, is not asked).  A
 * rustup toolchain without the target is common: then another installed
 * toolchain that has it (Debian's /usr/bin/rustc + /usr/bin/cargo) is
 * used, with a note saying how to add the target to the first one.
 * Project facts come from `cargo metadata` (JSON), never from parsing TOML.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"

#define METADATA_MAX (16 * 1024 * 1024)
#define DEBIAN_RUST "apt-get install rustc cargo libstd-rust-dev-wasm32"

static int rust_detect(struct bctx *c, char **reason)
{
	int pass = bctx_file_exists(c, "Cargo.toml");

	if (asprintf(reason, pass ? "Cargo.toml found" : "no Cargo.toml") < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	return pass;
}

/* What the fingerprint of a rustup proxy must add: its answers depend on
 * the selected toolchain and its installed targets. */
static void rustup_material(struct bctx *c, struct wp_buf *m)
{
	const char *home = getenv("RUSTUP_HOME"), *h = getenv("HOME"), *tc = getenv("RUSTUP_TOOLCHAIN");
	char p[PATH_MAX], *tdir;
	static const char *files[] = { "rust-toolchain", "rust-toolchain.toml" };
	size_t i;

	if (home && *home)
		snprintf(p, sizeof(p), "%s", home);
	else
		snprintf(p, sizeof(p), "%s/.rustup", h ? h : "");
	wp_buf_printf(m, "rustup dir=%s toolchain=%s;", c->dir, tc ? tc : "");
	tdir = wp_path_join(p, "settings.toml");
	if (tdir)
		tc_fingerprint(m, tdir);
	free(tdir);
	tdir = wp_path_join(p, "toolchains");
	if (tdir) {
		DIR *d = opendir(tdir);
		struct dirent *e;
		tc_fingerprint(m, tdir);
		/* `rustup target add` adds a directory under lib/rustlib */
		while (d && (e = readdir(d))) {
			char lib[PATH_MAX];
			if (e->d_name[0] == '.')
				continue;
			snprintf(lib, sizeof(lib), "%s/%s/lib/rustlib", tdir, e->d_name);
			tc_fingerprint(m, lib);
		}
		if (d)
			closedir(d);
		free(tdir);
	}
	for (i = 0; i < 2; i++)
		if (bctx_file_exists(c, files[i])) {
			char *f = wp_path_join(c->dir, files[i]);
			if (f)
				tc_fingerprint(m, f);
			free(f);
		}
	wp_error_clear();
}

struct rustc_facts {
	char *version; /* "1.63.0" */
	char *target;  /* NULL when no wasm32 std is installed */
};

static int probe_rustc(struct bctx *c, const char *rustc, struct wp_buf *m, struct rustc_facts *f)
{
	char *v_argv[] = { (char *)rustc, "-V", NULL };
	char *s_argv[] = { (char *)rustc, "--print", "sysroot", NULL };
	static const char *targets[] = { "wasm32-wasip1", "wasm32-wasi" };
	char *ver = NULL, *sysroot = NULL, real[PATH_MAX];
	size_t i;
	int err;

	memset(f, 0, sizeof(*f));
	tc_fingerprint(m, rustc);
	if (realpath(rustc, real) && strstr(real, "rustup"))
		rustup_material(c, m);
	if ((err = tc_probe(wp_buf_cstr(m), c->dir, v_argv, &ver)) < 0 ||
	    (err = tc_probe(wp_buf_cstr(m), c->dir, s_argv, &sysroot)) < 0)
		goto done;
	/* "rustc 1.63.0 (...)" */
	f->version = strndup(ver + (strncmp(ver, "rustc ", 6) ? 0 : 6), strcspn(ver + 6, " \n"));
	for (i = 0; i < 2 && !f->target; i++) {
		char lib[PATH_MAX];
		snprintf(lib, sizeof(lib), "%s/lib/rustlib/%s/lib", sysroot, targets[i]);
		if (wp_fs_is_dir(lib))
			f->target = strdup(targets[i]);
	}
done:
	free(ver);
	free(sysroot);
	return err;
}

static int rust_toolchain(struct bctx *c, struct toolchain *t)
{
	char *first = tc_which("rustc"), *cargo = NULL, *alt = NULL, real1[PATH_MAX], real2[PATH_MAX];
	struct rustc_facts f1, f2;
	struct wp_buf m = WP_BUF_INIT(WP_BUF_UNLIMITED);
	int err = 0, use_alt = 0;

	memset(&f1, 0, sizeof(f1));
	memset(&f2, 0, sizeof(f2));
	if (!first && !wp_fs_exists("/usr/bin/rustc")) {
		err = wp_error_set(WP_ENOTFOUND, "Rust is not installed (" DEBIAN_RUST
				   ", or rustup with: rustup target add wasm32-wasip1)");
		goto done;
	}
	if (first && (err = probe_rustc(c, first, &m, &f1)) < 0)
		goto done;
	if (!f1.target && wp_fs_exists("/usr/bin/rustc") && wp_fs_exists("/usr/bin/cargo") &&
	    (!first || !realpath(first, real1) || !realpath("/usr/bin/rustc", real2) || strcmp(real1, real2))) {
		alt = strdup("/usr/bin/rustc");
		wp_buf_reset(&m);
		if ((err = probe_rustc(c, alt, &m, &f2)) < 0)
			goto done;
		use_alt = f2.target != NULL;
	}
	if (!f1.target && !use_alt) {
		err = wp_error_set(WP_ENOTFOUND, "rustc %s has no wasm32 standard library: run `rustup target add wasm32-wasip1` (or " DEBIAN_RUST ")",
				   f1.version ? f1.version : "");
		goto done;
	}
	if (use_alt) {
		if (first && asprintf(&t->note, "rustc %s (%s) has no wasm32 standard library (add it with `rustup target add wasm32-wasip1`); using /usr/bin/rustc %s and /usr/bin/cargo",
				      f1.version, first, f2.version) < 0)
			t->note = NULL;
		t->tool = alt;
		alt = NULL;
		t->tool2 = strdup("/usr/bin/cargo");
	} else {
		cargo = tc_which("cargo");
		if (!cargo) {
			err = wp_error_set(WP_ENOTFOUND, "cargo is not installed (" DEBIAN_RUST ")");
			goto done;
		}
		t->tool = first;
		first = NULL;
		t->tool2 = cargo;
		cargo = NULL;
	}
	{
		struct rustc_facts *f = use_alt ? &f2 : &f1;
		t->target = strdup(f->target);
		if (asprintf(&t->display, "rustc %s (%s)", f->version, f->target) < 0)
			t->display = NULL;
		tc_fingerprint(&m, t->tool2);
		if (asprintf(&t->identity, "%s version=%s target=%s", wp_buf_cstr(&m), f->version, f->target) < 0)
			t->identity = NULL;
	}
	if (!t->tool || !t->tool2 || !t->target || !t->display || !t->identity)
		err = wp_error_set(WP_ENOMEM, "out of memory");
done:
	free(first);
	free(cargo);
	free(alt);
	free(f1.version);
	free(f1.target);
	free(f2.version);
	free(f2.target);
	wp_buf_release(&m);
	if (err < 0)
		toolchain_release(t);
	return err;
}

/* Vendored dependencies (cargo vendor) mean the build must not go online. */
static int offline(struct bctx *c)
{
	static const char *cfgs[] = { ".cargo/config.toml", ".cargo/config" };
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	size_t i;
	int r = 0;

	for (i = 0; i < 2 && !r; i++) {
		if (bctx_read(c, cfgs[i], &b) == 0)
			r = strstr(wp_buf_cstr(&b), "vendored-sources") || strstr(wp_buf_cstr(&b), "[source");
		wp_buf_reset(&b);
	}
	wp_error_clear();
	wp_buf_release(&b);
	return r || bctx_file_exists(c, "vendor");
}

static int rustc_env(struct bctx *c, struct wp_strv *env)
{
	return wp_strv_addf(env, "RUSTC=%s", c->tc.tool);
}

/* The binaries of the package, and its name and version. */
static int rust_facts(struct bctx *c)
{
	struct wp_buf out = WP_BUF_INIT(METADATA_MAX), list = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct wp_strv argv = { NULL, 0 }, env = { NULL, 0 }, bins = { NULL, 0 };
	char manifest[PATH_MAX];
	json_t *j = NULL, *pkgs, *pkg = NULL, *p, *tg;
	size_t i, k;
	int err;

	if (!c->tc.tool2 && (err = rust_toolchain(c, &c->tc)) < 0)
		return err;
	if (!c->tc.tool2)
		return wp_error_set(WP_ENOTFOUND, "cargo is not available");
	snprintf(manifest, sizeof(manifest), "%s/Cargo.toml", c->dir);
	if ((err = wp_strv_add(&argv, c->tc.tool2)) < 0 || (err = wp_strv_add(&argv, "metadata")) < 0 ||
	    (err = wp_strv_add(&argv, "--format-version")) < 0 || (err = wp_strv_add(&argv, "1")) < 0 ||
	    (err = wp_strv_add(&argv, "--no-deps")) < 0 || (offline(c) && (err = wp_strv_add(&argv, "--offline")) < 0) ||
	    (err = rustc_env(c, &env)) < 0)
		goto done;
	if ((err = spawn_capture(c->dir, env.v, argv.v, &out)) < 0)
		goto done;
	if (!(j = json_loadb((const char *)out.data, out.len, 0, NULL)) || !json_is_array(pkgs = json_object_get(j, "packages"))) {
		err = wp_error_set(WP_EINVALID, "cargo metadata gave no package list for %s", manifest);
		goto done;
	}
	json_array_foreach(pkgs, i, p) {
		const char *mp = json_string_value(json_object_get(p, "manifest_path"));
		if (mp && !strcmp(mp, manifest))
			pkg = p;
	}
	if (!pkg && json_array_size(pkgs) == 1)
		pkg = json_array_get(pkgs, 0);
	json_array_foreach(pkgs, i, p) {
		if (pkg && p != pkg)
			continue;
		json_array_foreach(json_object_get(p, "targets"), k, tg) {
			json_t *kinds = json_object_get(tg, "kind"), *kd;
			size_t x;
			json_array_foreach(kinds, x, kd)
				if (json_is_string(kd) && !strcmp(json_string_value(kd), "bin") &&
				    json_is_string(json_object_get(tg, "name")) &&
				    (err = wp_strv_add(&bins, json_string_value(json_object_get(tg, "name")))) < 0)
					goto done;
		}
	}
	if (pkg) {
		set_str(&c->name, json_string_value(json_object_get(pkg, "name")));
		set_str(&c->version, json_string_value(json_object_get(pkg, "version")));
	}
	set_str(&c->tdir, json_string_value(json_object_get(j, "target_directory")));
	for (i = 0; i < bins.n; i++)
		wp_buf_printf(&list, "%s%s", i ? ", " : "", bins.v[i]);
	if (bins.n == 0) {
		err = wp_error_set(WP_EINVALID, "%s defines no binary (a WASI command needs src/main.rs or a [[bin]])",
				   manifest);
	} else if (c->bin) {
		for (i = 0; i < bins.n && strcmp(bins.v[i], c->bin); i++)
			;
		if (i == bins.n)
			err = wp_error_set(WP_EUSAGE, "no binary '%s' in %s (it has: %s)", c->bin, manifest,
					   wp_buf_cstr(&list));
		else
			err = set_str(&c->tname, c->bin);
	} else if (bins.n > 1) {
		err = wp_error_set(WP_EUSAGE, "%s defines %zu binaries (%s): choose one with --bin NAME or \"bin\" in wasmpack.json",
				   manifest, bins.n, wp_buf_cstr(&list));
	} else {
		err = set_str(&c->tname, bins.v[0]);
	}
done:
	json_decref(j);
	wp_strv_release(&argv);
	wp_strv_release(&env);
	wp_strv_release(&bins);
	wp_buf_release(&out);
	wp_buf_release(&list);
	return err;
}

static int rust_build(struct bctx *c)
{
	struct wp_strv argv = { NULL, 0 }, env = { NULL, 0 };
	const char *cargo = c->tc.tool2 ? c->tc.tool2 : "cargo", *target = c->tc.target ? c->tc.target : "wasm32-wasip1";
	int err;

	if ((err = wp_strv_add(&argv, cargo)) < 0 || (err = wp_strv_add(&argv, "build")) < 0 ||
	    (!c->o->debug && (err = wp_strv_add(&argv, "--release")) < 0) || (err = wp_strv_add(&argv, "--target")) < 0 ||
	    (err = wp_strv_add(&argv, target)) < 0)
		goto done;
	if (c->tname && ((err = wp_strv_add(&argv, "--bin")) < 0 || (err = wp_strv_add(&argv, c->tname)) < 0))
		goto done;
	/* cargo runs as many rustc as there are cores unless told: under
	 * build ./... it takes more than its one from the jobserver (cargo and
	 * rustc read CARGO_MAKEFLAGS), or is held to its share */
	if ((err = bctx_jobserver_env(c, "CARGO_MAKEFLAGS", &env)) < 0 ||
	    (err == 0 && c->jobs_shared && (err = wp_strv_addf(&argv, "-j%d", c->jobs)) < 0))
		goto done;
	if ((offline(c) && (err = wp_strv_add(&argv, "--offline")) < 0) ||
	    (err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0)
		goto done;
	if (c->tc.tool && (err = rustc_env(c, &env)) < 0)
		goto done;
	if ((err = bctx_exec(c, c->dir, env.v, argv.v)) < 0 || c->o->dry_run)
		goto done;
	if (c->wasm) {
		err = artifact_find(c, c->dir, NULL, NULL, &c->artifact);
	} else if (asprintf(&c->artifact, "%s/%s/%s/%s.wasm", c->tdir ? c->tdir : "target", target,
			    c->o->debug ? "debug" : "release", c->tname) < 0) {
		c->artifact = NULL;
		err = wp_error_set(WP_ENOMEM, "out of memory");
	} else if (!wp_fs_exists(c->artifact)) {
		err = wp_error_set(WP_ENOTFOUND, "cargo finished but wrote no %s", c->artifact);
	}
done:
	wp_strv_release(&argv);
	wp_strv_release(&env);
	return err;
}

const struct builder_ops builder_rust = { "rust", rust_detect, rust_toolchain, rust_facts, rust_build };
