/*
 * credentials.c - where registry credentials come from, in the order
 * docker and the other clients users already have configured look:
 * our environment variables, the docker config (credHelpers, credsStore,
 * auths), the containers auth files of podman and skopeo, GITHUB_TOKEN
 * for ghcr.io, else anonymous.  Also stores and erases them for
 * `wasmpack login` / `logout` (credentials_store.c).
 *
 * Credential helpers speak docker's protocol: `docker-credential-<name>
 * get` reads the server URL on stdin and writes {"ServerURL", "Username",
 * "Secret"}; a Username of "<token>" means Secret is an identity token.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "auth.h"

#define CONFIG_MAX (4u << 20)
#define HELPER_OUT_MAX (64u * 1024)

extern char **environ;

static void free_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void reg_cred_release(struct reg_cred *c)
{
	free(c->username);
	free_secret(c->password);
	free_secret(c->identity_token);
	free_secret(c->registry_token);
	free(c->source);
	memset(c, 0, sizeof(*c));
}

const char *reg_cred_docker_key(const char *registry)
{
	if (!strcmp(registry, "docker.io"))
		return "https://index.docker.io/v1/";
	return registry;
}

/* docker's ConvertToHostname: drop "http(s)://" and anything from '/'. */
static void key_hostname(const char *key, char *out, size_t size)
{
	if (!strncasecmp(key, "https://", 8))
		key += 8;
	else if (!strncasecmp(key, "http://", 7))
		key += 7;
	snprintf(out, size, "%.*s", (int)strcspn(key, "/"), key);
}

int reg_cred_key_match(const char *key, const char *server)
{
	char host[512];

	if (!strcmp(key, server))
		return 1;
	key_hostname(key, host, sizeof(host));
	if (!strcmp(host, server))
		return 1;
	/* Docker Hub goes by several names in the wild */
	if (!strcmp(server, "https://index.docker.io/v1/"))
		return !strcmp(host, "index.docker.io") || !strcmp(host, "docker.io") ||
		       !strcmp(host, "registry-1.docker.io");
	return 0;
}

static char *dup_str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s && *s ? strdup(s) : NULL;
}

/* Fill `out` from one auths entry: 1 if it held credentials. */
static int cred_from_entry(json_t *e, struct reg_cred *out)
{
	const char *auth = json_string_value(json_object_get(e, "auth"));

	if (auth && *auth) {
		size_t len;
		uint8_t *plain = reg_base64_decode(auth, &len);
		char *colon;
		if (!plain)
			return wp_error_set(WP_EINVALID, "an \"auth\" entry is not valid base64");
		colon = memchr(plain, ':', len);
		if (!colon) {
			free_secret((char *)plain);
			return wp_error_set(WP_EINVALID, "an \"auth\" entry is not base64 of user:password");
		}
		out->username = strndup((char *)plain, (size_t)(colon - (char *)plain));
		out->password = strdup(colon + 1);
		free_secret((char *)plain);
	} else {
		out->username = dup_str(e, "username");
		out->password = dup_str(e, "password");
	}
	out->identity_token = dup_str(e, "identitytoken");
	out->registry_token = dup_str(e, "registrytoken");
	if (out->identity_token) {
		free(out->username);
		out->username = NULL;
		free_secret(out->password);
		out->password = NULL;
	}
	return out->username || out->identity_token || out->registry_token;
}

int reg_cred_from_auths(json_t *config, const char *server, const char *repository,
			struct reg_cred *out)
{
	json_t *auths = json_object_get(config, "auths"), *e;
	const char *key;
	char want[1024];

	if (!json_is_object(auths))
		return 0;
	/* containers auth.json: "host/ns/repo", then its parents */
	if (repository && *repository) {
		snprintf(want, sizeof(want), "%s/%s", strcmp(server, "https://index.docker.io/v1/") ? server : "docker.io",
			 repository);
		for (;;) {
			e = json_object_get(auths, want);
			if (json_is_object(e))
				return cred_from_entry(e, out);
			char *slash = strrchr(want, '/');
			if (!slash || !strchr(want, '/') || slash == strchr(want, '/'))
				break;
			*slash = '\0';
		}
	}
	e = json_object_get(auths, server);
	if (json_is_object(e))
		return cred_from_entry(e, out);
	json_object_foreach(auths, key, e)
		if (json_is_object(e) && reg_cred_key_match(key, server)) {
			int r = cred_from_entry(e, out);
			if (r != 0)
				return r;
		}
	return 0;
}

/* Run `docker-credential-<helper> <action>` with `input` on stdin;
 * stdout into `out`.  Returns the exit status (>= 0), or < 0. */
static int run_helper(const char *helper, const char *action, const char *input,
		      struct wp_buf *out)
{
	posix_spawn_file_actions_t fa;
	int in[2] = { -1, -1 }, o[2] = { -1, -1 }, status = 0, err = 0;
	char prog[300], *argv[3];
	pid_t pid = -1;
	size_t left;
	ssize_t n;
	char buf[4096];

	snprintf(prog, sizeof(prog), "docker-credential-%s", helper);
	if (strchr(helper, '/') || !*helper)
		return wp_error_set(WP_EINVALID, "invalid credential helper name '%s'", helper);
	argv[0] = prog;
	argv[1] = (char *)action;
	argv[2] = NULL;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(o, O_CLOEXEC) < 0) {
		err = wp_error_errno(WP_EIO, "pipe");
		goto done;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	/* stderr: the helper's diagnostics go to the user, secrets are on stdout */
	err = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		pid = -1;
		if (err == ENOENT)
			err = wp_error_set(WP_ENOTFOUND, "credential helper %s not found in PATH", prog);
		else
			err = wp_error_set(WP_EIO, "cannot run %s: %s", prog, strerror(err));
		goto done;
	}
	close(in[0]);
	close(o[1]);
	in[0] = o[1] = -1;
	{
		/* small inputs: the pipe buffer holds them, no deadlock */
		struct sigaction sa = { .sa_handler = SIG_IGN }, old;
		sigaction(SIGPIPE, &sa, &old);
		left = strlen(input);
		while (left) {
			n = write(in[1], input + strlen(input) - left, left);
			if (n <= 0)
				break;
			left -= (size_t)n;
		}
		sigaction(SIGPIPE, &old, NULL);
	}
	close(in[1]);
	in[1] = -1;
	while ((n = read(o[0], buf, sizeof(buf))) > 0)
		if (wp_buf_append(out, buf, (size_t)n) < 0) {
			err = wp_error_set(WP_ETOOBIG, "%s: output too large", prog);
			break;
		}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err < 0)
		goto done;
	err = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
done:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (o[i] >= 0)
			close(o[i]);
	}
	return err;
}

static void first_line(const struct wp_buf *b, char *out, size_t size)
{
	const char *s = wp_buf_cstr(b);

	snprintf(out, size, "%.*s", (int)strcspn(s, "\r\n"), s);
}

int reg_cred_helper_get(const char *helper, const char *server, struct reg_cred *out)
{
	struct wp_buf b = WP_BUF_INIT(HELPER_OUT_MAX);
	json_t *j = NULL;
	char line[200];
	int rc, err = 0;

	rc = run_helper(helper, "get", server, &b);
	if (rc < 0) {
		err = rc;
		goto done;
	}
	if (rc != 0) {
		if (strcasestr(wp_buf_cstr(&b), "credentials not found")) {
			err = 0;
			goto done;
		}
		first_line(&b, line, sizeof(line));
		err = wp_error_set(WP_EAUTH, "credential helper docker-credential-%s failed for %s (exit %d)%s%s",
				   helper, server, rc, line[0] ? ": " : "", line);
		goto done;
	}
	j = json_loadb((const char *)b.data, b.len, 0, NULL);
	if (!json_is_object(j) || !json_is_string(json_object_get(j, "Secret"))) {
		err = wp_error_set(WP_EAUTH, "credential helper docker-credential-%s gave no JSON credentials for %s",
				   helper, server);
		goto done;
	}
	{
		const char *user = json_string_value(json_object_get(j, "Username"));
		const char *secret = json_string_value(json_object_get(j, "Secret"));
		if (user && !strcmp(user, "<token>")) {
			out->identity_token = strdup(secret);
		} else {
			out->username = strdup(user ? user : "");
			out->password = strdup(secret);
		}
	}
	err = 1;
done:
	json_decref(j);
	if (b.data)
		explicit_bzero(b.data, b.len);
	wp_buf_release(&b);
	return err;
}

int reg_cred_helper_store(const char *helper, const char *server, const char *user,
			  const char *secret)
{
	struct wp_buf b = WP_BUF_INIT(HELPER_OUT_MAX);
	json_t *j = json_pack("{s:s, s:s, s:s}", "ServerURL", server, "Username", user, "Secret", secret);
	char *in = j ? json_dumps(j, JSON_COMPACT) : NULL, line[200];
	int rc;

	json_decref(j);
	if (!in)
		return wp_error_set(WP_ENOMEM, "out of memory");
	rc = run_helper(helper, "store", in, &b);
	free_secret(in);
	if (rc > 0) {
		first_line(&b, line, sizeof(line));
		rc = wp_error_set(WP_ERROR, "credential helper docker-credential-%s could not store credentials for %s%s%s",
				  helper, server, line[0] ? ": " : "", line);
	}
	wp_buf_release(&b);
	return rc < 0 ? rc : 0;
}

int reg_cred_helper_erase(const char *helper, const char *server)
{
	struct wp_buf b = WP_BUF_INIT(HELPER_OUT_MAX);
	int rc = run_helper(helper, "erase", server, &b);

	if (rc > 0)
		rc = strcasestr(wp_buf_cstr(&b), "not found")
			     ? wp_error_set(WP_ENOTFOUND, "not logged in to %s", server)
			     : wp_error_set(WP_ERROR, "credential helper docker-credential-%s could not erase %s",
					    helper, server);
	wp_buf_release(&b);
	return rc < 0 ? rc : 0;
}

char *reg_cred_docker_config_path(void)
{
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	char *out = NULL;

	if (dir && *dir)
		return wp_path_join(dir, "config.json");
	if (asprintf(&out, "%s/.docker/config.json", home && *home ? home : "/") < 0)
		return NULL;
	return out;
}

int reg_cred_load_config(const char *path, json_t **out)
{
	struct wp_buf b = WP_BUF_INIT(CONFIG_MAX);
	json_error_t je;
	int err;

	*out = NULL;
	if (!wp_fs_exists(path))
		return 0;
	if ((err = wp_fs_read_file(path, CONFIG_MAX, &b)) < 0)
		return err;
	*out = json_loadb((const char *)b.data, b.len, 0, &je);
	wp_buf_release(&b);
	if (!*out)
		return wp_error_set(WP_EINVALID, "%s: invalid JSON at line %d: %s", path, je.line, je.text);
	return 0;
}

static int set_source(struct reg_cred *c, const char *fmt, const char *a)
{
	free(c->source);
	if (asprintf(&c->source, fmt, a) < 0) {
		c->source = NULL;
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	return 0;
}

/* credHelpers[key], then credsStore, then auths, of one docker config. */
static int from_docker_config(const char *path, const char *server, struct reg_cred *out)
{
	json_t *cfg = NULL, *helpers, *v;
	const char *key, *helper = NULL;
	int r = 0;

	if ((r = reg_cred_load_config(path, &cfg)) < 0 || !cfg)
		return r;
	helpers = json_object_get(cfg, "credHelpers");
	if (json_is_object(helpers)) {
		helper = json_string_value(json_object_get(helpers, server));
		if (!helper)
			json_object_foreach(helpers, key, v)
				if (json_is_string(v) && reg_cred_key_match(key, server)) {
					helper = json_string_value(v);
					break;
				}
	}
	if (helper && (r = reg_cred_helper_get(helper, server, out)) != 0) {
		if (r > 0)
			r = set_source(out, "docker-credential-%s", helper) < 0 ? WP_ENOMEM : 1;
		goto done;
	}
	helper = json_string_value(json_object_get(cfg, "credsStore"));
	if (helper && *helper && (r = reg_cred_helper_get(helper, server, out)) != 0) {
		if (r > 0)
			r = set_source(out, "docker-credential-%s", helper) < 0 ? WP_ENOMEM : 1;
		goto done;
	}
	r = reg_cred_from_auths(cfg, server, NULL, out);
	if (r > 0)
		r = set_source(out, "%s", path) < 0 ? WP_ENOMEM : 1;
	else if (r < 0)
		r = wp_error_wrap(r, "%s", path);
done:
	json_decref(cfg);
	return r;
}

static int from_auth_file(const char *path, const char *server, const char *repository,
			  struct reg_cred *out)
{
	json_t *cfg = NULL;
	int r;

	if ((r = reg_cred_load_config(path, &cfg)) < 0 || !cfg)
		return r;
	r = reg_cred_from_auths(cfg, server, repository, out);
	json_decref(cfg);
	if (r > 0)
		r = set_source(out, "%s", path) < 0 ? WP_ENOMEM : 1;
	else if (r < 0)
		r = wp_error_wrap(r, "%s", path);
	return r;
}

/* 1 if `s` holds a control character (CR, LF, ESC ... DEL). */
int reg_has_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int reg_cred_check(const struct reg_cred *c)
{
	const char *what = reg_has_control(c->username)		? "username"
			   : reg_has_control(c->password)	? "password"
			   : reg_has_control(c->identity_token) ? "identity token"
			   : reg_has_control(c->registry_token) ? "registry token"
								: NULL;

	if (!what)
		return 0;
	return wp_error_set(WP_EINVALID, "the %s from %s holds a control character", what,
			    c->source ? c->source : "the configuration");
}

/* 1 if WASMPACK_REGISTRY names `registry`: "ghcr.io", "https://ghcr.io/",
 * "127.0.0.1:5000"; docker's own hosts all name docker.io. */
static int env_registry_is(const char *want, const char *registry)
{
	const char *p = strstr(want, "://") ? strstr(want, "://") + 3 : want;
	size_t n = strcspn(p, "/");

	if ((n == 15 && !strncasecmp(p, "index.docker.io", n)) ||
	    (n == 20 && !strncasecmp(p, "registry-1.docker.io", n)))
		p = "docker.io", n = 9;
	return n == strlen(registry) && !strncasecmp(p, registry, n);
}

int reg_cred_find(const char *registry, const char *repository, int push_target,
		  struct reg_cred *out)
{
	const char *user = getenv("WASMPACK_REGISTRY_USERNAME");
	const char *pass = getenv("WASMPACK_REGISTRY_PASSWORD");
	const char *bound = getenv("WASMPACK_REGISTRY");
	const char *server = reg_cred_docker_key(registry), *e;
	char *path = NULL;
	int r = 0;

	memset(out, 0, sizeof(*out));
	/* the variables belong to one registry: WASMPACK_REGISTRY, else the
	 * push target; never to whatever registry an image to run names */
	if (user && *user && pass &&
	    (bound && *bound ? env_registry_is(bound, registry) : push_target)) {
		out->username = strdup(user);
		out->password = strdup(pass);
		out->source = strdup("WASMPACK_REGISTRY_USERNAME/PASSWORD");
		return out->username && out->password && out->source ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
	}
	if (!(path = reg_cred_docker_config_path()))
		return wp_error_set(WP_ENOMEM, "out of memory");
	r = from_docker_config(path, server, out);
	free(path);
	path = NULL;
	if (r != 0)
		goto done;
	/* podman and skopeo's files */
	if ((e = getenv("REGISTRY_AUTH_FILE")) && *e && (r = from_auth_file(e, server, repository, out)) != 0)
		goto done;
	if ((e = getenv("XDG_RUNTIME_DIR")) && *e) {
		if (asprintf(&path, "%s/containers/auth.json", e) < 0)
			return wp_error_set(WP_ENOMEM, "out of memory");
		r = from_auth_file(path, server, repository, out);
		free(path);
		path = NULL;
		if (r != 0)
			goto done;
	}
	if ((e = getenv("XDG_CONFIG_HOME")) && *e)
		r = asprintf(&path, "%s/containers/auth.json", e);
	else
		r = asprintf(&path, "%s/.config/containers/auth.json", getenv("HOME") ? getenv("HOME") : "");
	if (r < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	r = from_auth_file(path, server, repository, out);
	free(path);
	if (r != 0)
		goto done;
	/* GitHub Actions: the workflow's token for GHCR, as ko does */
	if (!strcmp(registry, "ghcr.io") && (e = getenv("GITHUB_TOKEN")) && *e) {
		const char *actor = getenv("GITHUB_ACTOR");
		out->username = strdup(actor && *actor ? actor : "github-actions");
		out->password = strdup(e);
		out->source = strdup("GITHUB_TOKEN");
		r = out->username && out->password && out->source ? 1 : wp_error_set(WP_ENOMEM, "out of memory");
	}
done:
	if (r < 0) {
		reg_cred_release(out);
		return r;
	}
	return 0;
}
