/*
 * auth.h - registry authentication: WWW-Authenticate challenges, where
 * credentials come from, and bearer tokens (fetched, cached per scope set
 * and renewed before they expire).
 */
#ifndef REGISTRY_AUTH_H
#define REGISTRY_AUTH_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "http.h"

/* One challenge of a WWW-Authenticate header. */
struct reg_challenge {
	char scheme[16]; /* "basic" | "bearer" (lowercased) | other */
	char *realm;
	char *service;
	char *scope; /* may hold several scopes separated by spaces */
	char *error; /* "insufficient_scope", "invalid_token" ... */
};

/* Parse the first challenge of a header value (auth-params with quoted or
 * bare values, escapes in quotes).  WP_EINVALID on a malformed value. */
int reg_challenge_parse(const char *header, struct reg_challenge *out);
void reg_challenge_release(struct reg_challenge *c);

/* Credentials for one registry. */
struct reg_cred {
	char *username;
	char *password;
	char *identity_token; /* OAuth2 refresh token (docker "identitytoken") */
	char *registry_token; /* a bearer token used as is ("registrytoken") */
	char *source;         /* where they came from, for messages; no secret */
};

void reg_cred_release(struct reg_cred *c);

/* WP_EINVALID naming the field and its source when a credential holds a
 * control character (CR/LF would become extra request headers). */
int reg_cred_check(const struct reg_cred *c);
/* 1 if `s` (may be NULL) holds a character below 0x20 or DEL. */
int reg_has_control(const char *s);

/*
 * Look up credentials for `registry` ("ghcr.io", "localhost:5000",
 * "docker.io") and `repository`, in order: WASMPACK_REGISTRY_USERNAME and
 * _PASSWORD (only for the registry WASMPACK_REGISTRY names or, when it is
 * unset, for a `push_target`); the docker config (credHelpers[host],
 * credsStore, auths); the containers auth files; GITHUB_TOKEN for
 * ghcr.io; else anonymous (all fields NULL, returns 0).
 */
int reg_cred_find(const char *registry, const char *repository, int push_target,
		  struct reg_cred *out);

/* The key docker uses for a registry in config.json
 * ("https://index.docker.io/v1/" for docker.io, else the host[:port]). */
const char *reg_cred_docker_key(const char *registry);

/* 1 if a config.json auths/credHelpers key names `server` (a docker key):
 * equal, or equal after removing a scheme and any path (docker's legacy
 * matching). */
int reg_cred_key_match(const char *key, const char *server);

/* From a parsed docker config (or containers auth.json), the credentials
 * for `server` in its auths (no helpers run).  1 found, 0 not, < 0 error.
 * With `repository` set, repository-specific keys (containers auth.json:
 * "host/ns/repo", then "host/ns") win over the host. */
int reg_cred_from_auths(json_t *config, const char *server, const char *repository,
			struct reg_cred *out);

/* Run `docker-credential-<helper> get` for `server`: 1 found, 0 "not
 * found", < 0 error naming the helper. */
int reg_cred_helper_get(const char *helper, const char *server, struct reg_cred *out);
/* `store` / `erase` through a helper. */
int reg_cred_helper_store(const char *helper, const char *server, const char *user,
			  const char *secret);
int reg_cred_helper_erase(const char *helper, const char *server);

/* Load a JSON config file (size-capped); *out is NULL when the file does
 * not exist, and the error names the file and line when it is invalid. */
int reg_cred_load_config(const char *path, json_t **out);

/* The docker config path ($DOCKER_CONFIG/config.json or
 * ~/.docker/config.json), malloc'ed. */
char *reg_cred_docker_config_path(void);

enum reg_auth_scheme { REG_AUTH_NONE, REG_AUTH_BASIC, REG_AUTH_BEARER };

struct reg_token {
	char *scopes; /* the scope set, space-joined: the cache key */
	char *token;
	time_t renew_at;
};

/* The auth state of one client. */
struct reg_auth {
	enum reg_auth_scheme scheme;
	char *realm;
	char *service;
	struct reg_cred cred;
	struct reg_token *tokens;
	size_t ntokens;
};

void reg_auth_release(struct reg_auth *a);
/* A deep copy (credentials, challenge, cached tokens) for a worker
 * client of the same session. */
int reg_auth_copy(const struct reg_auth *from, struct reg_auth *to);
/* Adopt a challenge as the scheme of this registry. */
int reg_auth_set_challenge(struct reg_auth *a, const struct reg_challenge *c);
/* The Authorization header value for a request needing `scopes`
 * (malloc'ed, NULL when anonymous and no token is needed).  Fetches a
 * token when none is cached or it is about to expire. */
int reg_auth_header(struct reg_auth *a, struct reg_http *h, char *const *scopes, size_t nscopes,
		    char **out);
/* Forget a cached token (it was refused). */
void reg_auth_forget(struct reg_auth *a, char *const *scopes, size_t nscopes);

#endif
