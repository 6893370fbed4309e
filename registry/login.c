/*
 * login.c - `wasmpack login` / `logout`: check credentials against the
 * registry, then keep them where docker (and so every other client)
 * looks: the credential helper the docker config names for the registry
 * (credHelpers, else credsStore), else config.json "auths" (mode 0600,
 * written atomically, other settings kept).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "client.h"

/* `s` is a host[:port] or a reference; the registry part of it. */
static int registry_of(const char *s, struct registry_ref **out)
{
	char *tmp = NULL;
	int err;

	if (!strncmp(s, "https://", 8))
		s += 8;
	else if (!strncmp(s, "http://", 7))
		s += 7;
	if (!strcmp(s, "https://index.docker.io/v1/") || !strcmp(s, "index.docker.io/v1/"))
		s = "docker.io";
	/* "host" alone: parse "host/x" so the host rule applies */
	if (!strchr(s, '/')) {
		if (asprintf(&tmp, "%s/x", s) < 0)
			return wp_error_set(WP_ENOMEM, "out of memory");
		if (!strchr(s, '.') && !strchr(s, ':') && strcmp(s, "localhost") != 0) {
			free(tmp);
			return wp_error_set(WP_EUSAGE, "invalid registry '%s' (expected a host such as ghcr.io or localhost:5000)", s);
		}
		s = tmp;
	}
	err = registry_ref_parse(s, out);
	free(tmp);
	return err;
}

static const char *helper_for(json_t *cfg, const char *server);

/* The docker config (an empty object when there is none yet), its path,
 * and the helper it names for `server`. */
static int open_config(const char *server, char **path, json_t **cfg, const char **helper)
{
	int err;

	*cfg = NULL;
	*helper = NULL;
	if (!(*path = reg_cred_docker_config_path()))
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((err = reg_cred_load_config(*path, cfg)) < 0)
		return err;
	if (!*cfg && !(*cfg = json_object()))
		return wp_error_set(WP_ENOMEM, "out of memory");
	if (!json_is_object(*cfg))
		return wp_error_set(WP_EINVALID, "%s: not a JSON object", *path);
	*helper = helper_for(*cfg, server);
	return 0;
}

/* Write the config.  A symlinked config.json (dotfiles managers) is
 * written through, as docker does: the temporary file goes next to the
 * link's target and replaces it, keeping the target's mode. */
static int save_config(const char *link, json_t *cfg)
{
	char *real = realpath(link, NULL), *dir, *slash, *text;
	const char *path = real ? real : link;
	struct stat st;
	mode_t mode = 0600;
	int err;

	if (!real && lstat(link, &st) == 0 && S_ISLNK(st.st_mode))
		return wp_error_set(WP_EINVALID, "%s: a symlink whose target cannot be resolved", link);
	if (real && stat(real, &st) == 0)
		mode = st.st_mode & 07777;
	dir = strdup(path);
	if (!dir) {
		free(real);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if ((err = wp_fs_mkdirs(dir, 0700, NULL)) < 0) {
			free(dir);
			free(real);
			return err;
		}
	}
	free(dir);
	text = json_dumps(cfg, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!text) {
		free(real);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	err = wp_fs_write_atomic(path, text, strlen(text), mode);
	explicit_bzero(text, strlen(text));
	free(text);
	free(real);
	return err;
}

/* The helper configured for `server`, or NULL (borrowed from cfg). */
static const char *helper_for(json_t *cfg, const char *server)
{
	json_t *h = json_object_get(cfg, "credHelpers"), *v;
	const char *key, *s;

	json_object_foreach(h, key, v)
		if (json_is_string(v) && reg_cred_key_match(key, server))
			return json_string_value(v);
	s = json_string_value(json_object_get(cfg, "credsStore"));
	return s && *s ? s : NULL;
}

int registry_login(const char *registry, const char *user, const char *password,
		   const struct registry_opts *opts)
{
	struct registry_ref *ref = NULL;
	struct reg_client *c = NULL;
	json_t *cfg = NULL, *auths;
	char *path = NULL, *plain = NULL, *b64 = NULL;
	const char *server, *helper;
	int err;

	if ((err = registry_of(registry, &ref)) < 0)
		return err;
	server = reg_cred_docker_key(ref->registry);
	if ((err = reg_client_open(ref, "login", opts, &c)) < 0)
		goto done;
	/* check these credentials, not whatever is configured */
	reg_cred_release(&c->auth.cred);
	if (!(c->auth.cred.username = strdup(user)) || !(c->auth.cred.password = strdup(password))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	c->auth.cred.source = strdup("the command line");
	if ((err = reg_cred_check(&c->auth.cred)) < 0 || (err = reg_client_ping(c, 1)) < 0)
		goto done;
	if ((err = open_config(server, &path, &cfg, &helper)) < 0)
		goto done;
	if (helper) {
		err = reg_cred_helper_store(helper, server, user, password);
		goto done;
	}
	if (asprintf(&plain, "%s:%s", user, password) < 0 ||
	    !(b64 = reg_base64_encode(plain, strlen(plain)))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	auths = json_object_get(cfg, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(cfg, "auths", auths);
	}
	json_object_set_new(auths, server, json_pack("{s:s}", "auth", b64));
	err = save_config(path, cfg);
done:
	if (plain)
		explicit_bzero(plain, strlen(plain));
	if (b64)
		explicit_bzero(b64, strlen(b64));
	free(plain);
	free(b64);
	free(path);
	json_decref(cfg);
	reg_client_free(c);
	registry_ref_free(ref);
	return err;
}

int registry_logout(const char *registry)
{
	struct registry_ref *ref = NULL;
	json_t *cfg = NULL, *auths, *v;
	const char *server, *helper, *key;
	char *path = NULL;
	void *tmp;
	int err, removed = 0;

	if ((err = registry_of(registry, &ref)) < 0)
		return err;
	server = reg_cred_docker_key(ref->registry);
	if ((err = open_config(server, &path, &cfg, &helper)) < 0)
		goto done;
	if (helper) {
		err = reg_cred_helper_erase(helper, server);
		if (err == 0)
			removed = 1;
		else if (err != WP_ENOTFOUND)
			goto done;
		err = 0;
	}
	auths = json_object_get(cfg, "auths");
	json_object_foreach_safe(auths, tmp, key, v)
		if (reg_cred_key_match(key, server)) {
			json_object_del(auths, key);
			removed = 1;
		}
	if (!removed) {
		err = wp_error_set(WP_ENOTFOUND, "not logged in to %s", ref->registry);
		goto done;
	}
	if (wp_fs_exists(path))
		err = save_config(path, cfg);
done:
	free(path);
	json_decref(cfg);
	registry_ref_free(ref);
	return err;
}
