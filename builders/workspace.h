/*
 * workspace.h - build systems whose root names its member projects: a
 * Cargo workspace (a Cargo.toml with a [workspace] table) and an npm
 * workspace (a package.json with "workspaces").  `wasmpack build ./...`
 * builds each member that produces a module as its own project, as ko
 * builds each main package and `cargo build --workspace` each binary,
 * and never the root and its members twice.
 */
#ifndef BUILDERS_WORKSPACE_H
#define BUILDERS_WORKSPACE_H

#include "../common/strv.h"

enum workspace_kind { WORKSPACE_NONE, WORKSPACE_CARGO, WORKSPACE_NPM };

/* When dir is a workspace root, its members that build, as paths
 * relative to dir ("" is dir itself, for a Cargo root that is also a
 * package with a binary), in *members, and the kind; WORKSPACE_NONE when
 * dir is no workspace root (or cargo is not installed to say which
 * members there are: the root is then built as one project, and that
 * build says what is missing).
 *   Cargo: the workspace members (`cargo metadata --no-deps`) with a
 *          binary target; library crates are dependencies of those.
 *   npm:   the directories the "workspaces" patterns match that hold a
 *          package.json ("!pattern" excludes), each then detected.
 * Members outside dir are left out.  Returns the kind or a negative
 * error (a workspace cargo cannot read, e.g. a broken Cargo.toml). */
int workspace_members(const char *dir, struct wp_strv *members);

/* The root of the Cargo workspace dir belongs to, as cargo finds it (the
 * nearest ancestor whose Cargo.toml has a [workspace] table), in *root
 * (malloc'ed, absolute); 0 when dir is in none or is the root itself.
 * A member's build reads the whole workspace (its path dependencies,
 * the root's Cargo.toml and Cargo.lock), so its cache key must too. */
int workspace_cargo_root(const char *dir, char **root);

/* The root of the npm workspace dir is a member of (the nearest ancestor
 * whose package.json has "workspaces" matching dir), where npm installs
 * the members' dependencies (hoisted): in *root (malloc'ed, absolute),
 * and in *up the way there from dir ("../.."); 0 when dir is in none. */
int workspace_npm_root(const char *dir, char **root, char **up);

#endif
