/*
 * auth.c - challenges and bearer tokens (see auth.h).
 *
 * The token dance of the distribution spec: the registry answers 401 with
 * `Bearer realm=...,service=...,scope=...`; we ask the realm for a token
 * covering every scope the operation needs (the push scope first: some
 * registries read only the first), with HTTP Basic credentials when we
 * have them, or by OAuth2 POST with a refresh token when the credentials
 * are an identity token (falling back to GET when the POST gets 404).
 * Tokens are cached per scope set and renewed shortly before expires_in
 * runs out.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/error.h"
#include "auth.h"

#define TOKEN_DEFAULT_TTL 60
/* A longer expires_in is read as this: renewing once a day costs nothing,
 * and `now + expires_in` cannot overflow. */
#define TOKEN_MAX_TTL (24 * 3600)

void reg_challenge_release(struct reg_challenge *c)
{
	free(c->realm);
	free(c->service);
	free(c->scope);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

static int is_token_char(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

int reg_challenge_parse(const char *s, struct reg_challenge *out)
{
	const char *p = s;
	size_t n;

	memset(out, 0, sizeof(*out));
	while (*p == ' ' || *p == '\t')
		p++;
	for (n = 0; is_token_char(p[n]); n++)
		;
	if (n == 0 || n >= sizeof(out->scheme))
		return wp_error_set(WP_EINVALID, "malformed WWW-Authenticate header");
	for (size_t i = 0; i < n; i++)
		out->scheme[i] = (char)tolower((unsigned char)p[i]);
	p += n;
	for (;;) {
		char key[32], val[2048];
		size_t kl = 0, vl = 0;
		const char *save;
		char **slot = NULL;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		save = p;
		while (is_token_char(*p) && kl + 1 < sizeof(key))
			key[kl++] = (char)tolower((unsigned char)*p++);
		key[kl] = '\0';
		while (*p == ' ')
			p++;
		if (kl == 0) {
			reg_challenge_release(out);
			return wp_error_set(WP_EINVALID, "malformed WWW-Authenticate header");
		}
		if (*p != '=') {
			/* a token without '=' starts the next challenge: stop */
			if (kl && p != save)
				break;
			reg_challenge_release(out);
			return wp_error_set(WP_EINVALID, "malformed WWW-Authenticate header");
		}
		p++;
		while (*p == ' ')
			p++;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (vl + 1 < sizeof(val))
					val[vl++] = *p;
			}
			if (*p != '"') {
				reg_challenge_release(out);
				return wp_error_set(WP_EINVALID, "malformed WWW-Authenticate header (open quote)");
			}
			p++;
		} else {
			while (*p && *p != ',' && *p != ' ' && vl + 1 < sizeof(val))
				val[vl++] = *p++;
		}
		val[vl] = '\0';
		if (!strcmp(key, "realm"))
			slot = &out->realm;
		else if (!strcmp(key, "service"))
			slot = &out->service;
		else if (!strcmp(key, "scope"))
			slot = &out->scope;
		else if (!strcmp(key, "error"))
			slot = &out->error;
		if (slot) {
			free(*slot);
			if (!(*slot = strdup(val))) {
				reg_challenge_release(out);
				return wp_error_set(WP_ENOMEM, "out of memory");
			}
		}
	}
	return 0;
}

void reg_auth_release(struct reg_auth *a)
{
	size_t i;

	free(a->realm);
	free(a->service);
	reg_cred_release(&a->cred);
	for (i = 0; i < a->ntokens; i++) {
		free(a->tokens[i].scopes);
		if (a->tokens[i].token)
			explicit_bzero(a->tokens[i].token, strlen(a->tokens[i].token));
		free(a->tokens[i].token);
	}
	free(a->tokens);
	memset(a, 0, sizeof(*a));
}

static int dup_opt(const char *from, char **to)
{
	return !from || (*to = strdup(from)) ? 0 : -1;
}

int reg_auth_copy(const struct reg_auth *from, struct reg_auth *to)
{
	const struct reg_cred *c = &from->cred;
	size_t i;
	int bad;

	memset(to, 0, sizeof(*to));
	to->scheme = from->scheme;
	bad = dup_opt(from->realm, &to->realm) | dup_opt(from->service, &to->service) |
	      dup_opt(c->username, &to->cred.username) | dup_opt(c->password, &to->cred.password) |
	      dup_opt(c->identity_token, &to->cred.identity_token) |
	      dup_opt(c->registry_token, &to->cred.registry_token) | dup_opt(c->source, &to->cred.source);
	if (!bad && from->ntokens && !(to->tokens = calloc(from->ntokens, sizeof(*to->tokens))))
		bad = 1;
	for (i = 0; !bad && i < from->ntokens; i++, to->ntokens++) {
		to->tokens[i].renew_at = from->tokens[i].renew_at;
		bad = dup_opt(from->tokens[i].scopes, &to->tokens[i].scopes) |
		      dup_opt(from->tokens[i].token, &to->tokens[i].token);
	}
	if (bad) {
		reg_auth_release(to);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	return 0;
}

int reg_auth_set_challenge(struct reg_auth *a, const struct reg_challenge *c)
{
	if (!strcmp(c->scheme, "basic")) {
		a->scheme = REG_AUTH_BASIC;
		return 0;
	}
	if (strcmp(c->scheme, "bearer") != 0)
		return wp_error_set(WP_EAUTH, "unsupported authentication scheme '%s'", c->scheme);
	if (!c->realm || !*c->realm)
		return wp_error_set(WP_EAUTH, "Bearer challenge without a realm");
	if (!a->realm || strcmp(a->realm, c->realm) != 0 ||
	    (c->service && (!a->service || strcmp(a->service, c->service) != 0))) {
		free(a->realm);
		free(a->service);
		a->realm = strdup(c->realm);
		a->service = c->service ? strdup(c->service) : NULL;
		if (!a->realm || (c->service && !a->service))
			return wp_error_set(WP_ENOMEM, "out of memory");
	}
	a->scheme = REG_AUTH_BEARER;
	return 0;
}

static char *join_scopes(char *const *scopes, size_t n)
{
	struct wp_buf b = WP_BUF_INIT(64 * 1024);
	size_t i;

	for (i = 0; i < n; i++)
		if (wp_buf_printf(&b, "%s%s", i ? " " : "", scopes[i]) < 0) {
			wp_buf_release(&b);
			return NULL;
		}
	return (char *)wp_buf_detach(&b, NULL);
}

static struct reg_token *find_token(struct reg_auth *a, const char *key)
{
	size_t i;

	for (i = 0; i < a->ntokens; i++)
		if (!strcmp(a->tokens[i].scopes, key))
			return &a->tokens[i];
	return NULL;
}

void reg_auth_forget(struct reg_auth *a, char *const *scopes, size_t nscopes)
{
	char *key = join_scopes(scopes, nscopes);
	struct reg_token *t = key ? find_token(a, key) : NULL;

	if (t)
		t->renew_at = 0;
	free(key);
}

static char *basic_value(const char *user, const char *pass)
{
	char *plain = NULL, *b64, *out = NULL;

	if (asprintf(&plain, "%s:%s", user, pass ? pass : "") < 0)
		return NULL;
	b64 = reg_base64_encode(plain, strlen(plain));
	explicit_bzero(plain, strlen(plain));
	free(plain);
	if (b64 && asprintf(&out, "Basic %s", b64) < 0)
		out = NULL;
	if (b64)
		explicit_bzero(b64, strlen(b64));
	free(b64);
	return out;
}

/* Append "&name=<escaped value>" (or '?' first) to a growing URL/form. */
static int add_param(struct wp_buf *b, const char *name, const char *value)
{
	char *e = reg_url_escape(value);
	int err;

	if (!e)
		return wp_error_set(WP_ENOMEM, "out of memory");
	err = wp_buf_printf(b, "%s%s=%s", b->len ? "&" : "", name, e);
	free(e);
	return err;
}

/* The token from a 200 response of the token server. */
static int parse_token(struct reg_http *h, const struct reg_response *r, char **token, long *ttl)
{
	json_t *j = json_loadb((const char *)r->body.data, r->body.len, 0, NULL);
	const char *t = json_string_value(json_object_get(j, "token"));
	json_int_t e;

	if (!t || !*t)
		t = json_string_value(json_object_get(j, "access_token"));
	if (!t || !*t) {
		json_decref(j);
		return wp_error_set(WP_EAUTH, "%s: the token server's answer holds no token", reg_http_label(h));
	}
	if (reg_has_control(t)) {
		json_decref(j);
		return wp_error_set(WP_EAUTH, "%s: the token server's token holds a control character",
				    reg_http_label(h));
	}
	e = json_integer_value(json_object_get(j, "expires_in"));
	*ttl = e <= 0 ? TOKEN_DEFAULT_TTL : e > TOKEN_MAX_TTL ? TOKEN_MAX_TTL : (long)e;
	*token = strdup(t);
	json_decref(j);
	return *token ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

static int fetch_token(struct reg_auth *a, struct reg_http *h, char *const *scopes, size_t n,
		       char **token, long *ttl)
{
	struct wp_buf q = WP_BUF_INIT(64 * 1024);
	struct reg_response r;
	char *url = NULL, *basic = NULL;
	size_t i;
	int err = 0, oauth = a->cred.identity_token != NULL;

	memset(&r, 0, sizeof(r));
	if (oauth) {
		char *joined = join_scopes(scopes, n);
		struct reg_request rq = { .method = "POST", .url = a->realm,
					  .content_type = "application/x-www-form-urlencoded" };
		if (!joined ||
		    (err = add_param(&q, "grant_type", "refresh_token")) < 0 ||
		    (a->service && (err = add_param(&q, "service", a->service)) < 0) ||
		    (err = add_param(&q, "client_id", "wasmpack")) < 0 ||
		    (n && (err = add_param(&q, "scope", joined)) < 0) ||
		    (err = add_param(&q, "refresh_token", a->cred.identity_token)) < 0) {
			free(joined);
			err = err < 0 ? err : wp_error_set(WP_ENOMEM, "out of memory");
			goto done;
		}
		free(joined);
		rq.body = q.data;
		rq.body_len = q.len;
		if ((err = reg_http_do(h, &rq, &r)) < 0)
			goto done;
		if (r.status == 200) {
			err = parse_token(h, &r, token, ttl);
			goto done;
		}
		if (r.status != 404 && r.status != 405) {
			err = reg_http_error(h, &r, NULL);
			goto done;
		}
		explicit_bzero(q.data, q.len);
		wp_buf_reset(&q);
	}
	/* GET realm?service=..&scope=..&scope=.. (keeping the realm's own query) */
	if (a->service && (err = add_param(&q, "service", a->service)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if ((err = add_param(&q, "scope", scopes[i])) < 0)
			goto done;
	url = q.len ? reg_url_add_query(a->realm, wp_buf_cstr(&q)) : strdup(a->realm);
	if (a->cred.username)
		basic = basic_value(a->cred.username, a->cred.password);
	else if (a->cred.identity_token)
		basic = basic_value("<token>", a->cred.identity_token);
	if (!url || ((a->cred.username || a->cred.identity_token) && !basic)) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	{
		struct reg_request rq = { .method = "GET", .url = url, .auth = basic };
		if ((err = reg_http_do(h, &rq, &r)) < 0)
			goto done;
	}
	if (r.status != 200) {
		err = reg_http_error(h, &r, NULL);
		goto done;
	}
	err = parse_token(h, &r, token, ttl);
done:
	if (q.data)
		explicit_bzero(q.data, q.len);
	if (basic)
		explicit_bzero(basic, strlen(basic));
	free(basic);
	free(url);
	wp_buf_release(&q);
	reg_response_release(&r);
	return err;
}

int reg_auth_header(struct reg_auth *a, struct reg_http *h, char *const *scopes, size_t nscopes,
		    char **out)
{
	struct reg_token *t;
	char *key = NULL, *token = NULL;
	time_t now = time(NULL);
	long ttl = 0;
	int err = 0;

	*out = NULL;
	if (a->cred.registry_token) {
		if (asprintf(out, "Bearer %s", a->cred.registry_token) < 0)
			return wp_error_set(WP_ENOMEM, "out of memory");
		return 0;
	}
	if (a->scheme == REG_AUTH_NONE)
		return 0;
	if (a->scheme == REG_AUTH_BASIC) {
		if (!a->cred.username)
			return 0;
		return (*out = basic_value(a->cred.username, a->cred.password)) ? 0
										: wp_error_set(WP_ENOMEM, "out of memory");
	}
	if (!(key = join_scopes(scopes, nscopes)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	t = find_token(a, key);
	if (!t || now >= t->renew_at) {
		if ((err = fetch_token(a, h, scopes, nscopes, &token, &ttl)) < 0)
			goto done;
		if (!t) {
			struct reg_token *ts = realloc(a->tokens, (a->ntokens + 1) * sizeof(*ts));
			if (!ts) {
				err = wp_error_set(WP_ENOMEM, "out of memory");
				goto done;
			}
			a->tokens = ts;
			t = &ts[a->ntokens++];
			t->scopes = key;
			t->token = NULL;
			key = NULL;
		}
		if (t->token)
			explicit_bzero(t->token, strlen(t->token));
		free(t->token);
		t->token = token;
		token = NULL;
		/* renew 10 % (at least 5 s) before the server's expiry */
		t->renew_at = now + ttl - (ttl / 10 > 5 ? ttl / 10 : (ttl > 5 ? 5 : 0));
	}
	if (asprintf(out, "Bearer %s", t->token) < 0) {
		*out = NULL;
		err = wp_error_set(WP_ENOMEM, "out of memory");
	}
done:
	free(key);
	free(token);
	return err;
}
