/*
 * client.c - a session with one repository (see client.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/error.h"
#include "client.h"

int reg_host_is_loopback(const char *hostport)
{
	char host[256];
	size_t n;

	if (hostport[0] == '[') {
		n = strcspn(hostport + 1, "]");
		snprintf(host, sizeof(host), "%.*s", (int)n, hostport + 1);
	} else {
		n = strcspn(hostport, ":");
		snprintf(host, sizeof(host), "%.*s", (int)n, hostport);
	}
	if (!strcasecmp(host, "localhost") || !strcmp(host, "::1"))
		return 1;
	if (strncmp(host, "127.", 4) != 0)
		return 0;
	for (const char *p = host + 4; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return 0;
	return 1;
}

void reg_client_free(struct reg_client *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nworkers; i++)
		reg_client_free(c->workers[i]);
	reg_http_free(c->http);
	reg_auth_release(&c->auth);
	for (i = 0; i < c->nscopes; i++)
		free(c->scopes[i]);
	free(c->scopes);
	free(c->registry);
	free(c->host);
	free(c->repository);
	free(c->base);
	free(c);
}

/* Scopes are "type:name:actions"; one with the same type:name as a known
 * one widens it ("repository:a:pull" + "repository:a:push,pull" is
 * "repository:a:pull,push"), so registries that spell actions in another
 * order do not make us ask for the same thing twice. */
int reg_client_add_scope(struct reg_client *c, const char *scope)
{
	const char *colon = strrchr(scope, ':');
	size_t prefix = colon ? (size_t)(colon - scope) + 1 : 0, i;
	char **s;

	for (i = 0; i < c->nscopes; i++) {
		struct wp_buf merged = WP_BUF_INIT(4096);
		char *acts, *save = NULL, *tok;
		if (!strcmp(c->scopes[i], scope))
			return 0;
		if (!prefix || strncmp(c->scopes[i], scope, prefix) != 0 || strlen(c->scopes[i]) < prefix)
			continue;
		if (!(acts = strdup(scope + prefix)) || wp_buf_puts(&merged, c->scopes[i]) < 0) {
			free(acts);
			wp_buf_release(&merged);
			return wp_error_set(WP_ENOMEM, "out of memory");
		}
		for (tok = strtok_r(acts, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			const char *have = c->scopes[i] + prefix;
			size_t n = strlen(tok);
			int found = 0;
			for (const char *p = have; *p; p += strcspn(p, ","), p += *p == ',')
				found |= strcspn(p, ",") == n && !strncmp(p, tok, n);
			if (!found && wp_buf_printf(&merged, ",%s", tok) < 0) {
				free(acts);
				wp_buf_release(&merged);
				return wp_error_set(WP_ENOMEM, "out of memory");
			}
		}
		free(acts);
		free(c->scopes[i]);
		c->scopes[i] = (char *)wp_buf_detach(&merged, NULL);
		return 0;
	}
	s = realloc(c->scopes, (c->nscopes + 1) * sizeof(*s));
	if (!s)
		return wp_error_set(WP_ENOMEM, "out of memory");
	c->scopes = s;
	if (!(s[c->nscopes] = strdup(scope)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	c->nscopes++;
	return 0;
}

int reg_client_open(const struct registry_ref *ref, const char *op,
		    const struct registry_opts *opts, struct reg_client **out)
{
	struct reg_client *c;
	struct reg_http_opts ho = { opts->insecure, opts->ca_file, opts->ev, NULL };
	char label[600], scope[600];
	int err = 0;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return wp_error_set(WP_ENOMEM, "out of memory");
	c->opts = opts;
	c->registry = strdup(ref->registry);
	c->host = strdup(ref->host);
	c->repository = strdup(ref->repository ? ref->repository : "");
	if (!c->registry || !c->host || !c->repository) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if (!strcmp(op, "login"))
		snprintf(label, sizeof(label), "login %s", ref->registry);
	else
		snprintf(label, sizeof(label), "%s %s/%s", op, ref->registry, ref->repository);
	ho.label = label;
	if ((err = reg_http_new(&ho, &c->http)) < 0)
		goto done;
	if (!strcmp(op, "push")) {
		snprintf(scope, sizeof(scope), "repository:%s:push,pull", ref->repository);
		err = reg_client_add_scope(c, scope);
	} else if (!strcmp(op, "pull")) {
		snprintf(scope, sizeof(scope), "repository:%s:pull", ref->repository);
		err = reg_client_add_scope(c, scope);
	}
	if (err < 0)
		goto done;
	if ((err = reg_cred_find(ref->registry, ref->repository, !strcmp(op, "push"), &c->auth.cred)) < 0 ||
	    (err = reg_cred_check(&c->auth.cred)) < 0)
		err = wp_error_wrap(err, "%s: credentials", label);
done:
	if (err < 0) {
		reg_client_free(c);
		return err;
	}
	*out = c;
	return 0;
}

char *reg_client_url(const struct reg_client *c, const char *suffix)
{
	char *s = NULL;

	if (asprintf(&s, "%s/v2/%s/%s", c->base, c->repository, suffix) < 0)
		return NULL;
	return s;
}

/* The first challenge we can answer among the WWW-Authenticate headers. */
static int take_challenge(struct reg_client *c, const struct reg_response *r, struct reg_challenge *ch)
{
	size_t i;

	memset(ch, 0, sizeof(*ch));
	for (i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].name, "WWW-Authenticate") != 0)
			continue;
		if (reg_challenge_parse(r->headers[i].value, ch) < 0)
			continue;
		if (!strcmp(ch->scheme, "bearer") || !strcmp(ch->scheme, "basic"))
			return 1;
		reg_challenge_release(ch);
	}
	(void)c;
	return 0;
}

static int ping_at(struct reg_client *c, const char *scheme, struct reg_response *r)
{
	char *url = NULL;
	int err;

	free(c->base);
	if (asprintf(&c->base, "%s://%s", scheme, c->host) < 0 || asprintf(&url, "%s/v2/", c->base) < 0) {
		free(url);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	{
		struct reg_request rq = { .method = "GET", .url = url };
		err = reg_http_do(c->http, &rq, r);
	}
	free(url);
	return err;
}

/*
 * What a ping of a host learnt (the scheme that answered and its
 * challenge), kept for the process: a build that pushes an image and its
 * attachments opens two sessions with one registry, and the second need
 * not ask again (on a loopback registry without TLS that is two requests:
 * the https attempt and the http one).  Only a 200 or 401 answer is kept;
 * it is used only by clients whose options ask for it (reuse_ping).
 */
static struct ping_memo {
	char *host;
	int insecure;
	char *base;
	struct reg_challenge ch; /* scheme "" when the registry did not challenge */
} memo;
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

static void memo_store(const struct reg_client *c, const struct reg_challenge *ch)
{
	pthread_mutex_lock(&memo_lock);
	free(memo.host);
	free(memo.base);
	reg_challenge_release(&memo.ch);
	memset(&memo, 0, sizeof(memo));
	memo.host = strdup(c->host);
	memo.base = strdup(c->base);
	memo.insecure = c->opts->insecure;
	snprintf(memo.ch.scheme, sizeof(memo.ch.scheme), "%s", ch->scheme);
	memo.ch.realm = ch->realm ? strdup(ch->realm) : NULL;
	memo.ch.service = ch->service ? strdup(ch->service) : NULL;
	pthread_mutex_unlock(&memo_lock);
}

/* 1 when the memo answered for c's host (base and challenge set). */
static int memo_take(struct reg_client *c)
{
	int hit = 0, err = 0;
	char *base = NULL;

	pthread_mutex_lock(&memo_lock);
	if (memo.host && memo.base && !strcmp(memo.host, c->host) && memo.insecure == c->opts->insecure) {
		hit = 1;
		base = strdup(memo.base);
		if (memo.ch.scheme[0])
			err = reg_auth_set_challenge(&c->auth, &memo.ch);
	}
	pthread_mutex_unlock(&memo_lock);
	if (!hit)
		return 0;
	if (!base || err < 0) {
		free(base);
		wp_error_clear();
		return 0;
	}
	free(c->base);
	c->base = base;
	return 1;
}

int reg_client_ping(struct reg_client *c, int verify_creds)
{
	struct reg_response r;
	struct reg_challenge ch;
	int err, may_http = c->opts->insecure || reg_host_is_loopback(c->host);

	memset(&r, 0, sizeof(r));
	memset(&ch, 0, sizeof(ch));
	if (!verify_creds && c->opts->reuse_ping && memo_take(c))
		return 0;
	err = ping_at(c, "https", &r);
	if (err < 0 && may_http && (reg_http_last_not_tls(c->http) || c->opts->insecure)) {
		reg_http_message(c->http, 1, "%s does not speak TLS; using plain http", c->host);
		err = ping_at(c, "http", &r);
	}
	if (err < 0)
		goto done;
	if (r.status == 401) {
		if (!take_challenge(c, &r, &ch)) {
			err = wp_error_set(WP_EAUTH, "%s: 401 without a Basic or Bearer challenge",
					   reg_http_label(c->http));
			goto done;
		}
		if ((err = reg_auth_set_challenge(&c->auth, &ch)) < 0) {
			err = wp_error_wrap(err, "%s", reg_http_label(c->http));
			goto done;
		}
	} else if (r.status != 200) {
		err = reg_http_error(c->http, &r, "GET /v2/ (is this an OCI registry?)");
		goto done;
	}
	memo_store(c, &ch);
	if (verify_creds) {
		char *hdr = NULL;
		if (c->auth.scheme == REG_AUTH_BEARER) {
			/* a token without scope proves the credentials */
			err = reg_auth_header(&c->auth, c->http, NULL, 0, &hdr);
		} else if (c->auth.scheme == REG_AUTH_BASIC) {
			struct reg_request rq = { .method = "GET" };
			char *url = NULL;
			if ((err = reg_auth_header(&c->auth, c->http, NULL, 0, &hdr)) < 0 ||
			    asprintf(&url, "%s/v2/", c->base) < 0) {
				free(hdr);
				err = err < 0 ? err : wp_error_set(WP_ENOMEM, "out of memory");
				goto done;
			}
			rq.url = url;
			rq.auth = hdr;
			err = reg_http_do(c->http, &rq, &r);
			free(url);
			if (err == 0 && r.status != 200)
				err = reg_http_error(c->http, &r, NULL);
		}
		if (hdr)
			explicit_bzero(hdr, strlen(hdr));
		free(hdr);
	}
done:
	reg_challenge_release(&ch);
	reg_response_release(&r);
	return err;
}

/* Widen the session's scopes with those a 401 insufficient_scope named. */
static int add_scopes_from(struct reg_client *c, const char *scope)
{
	char *copy = strdup(scope), *save = NULL, *tok;
	int err = 0;

	if (!copy)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (tok = strtok_r(copy, " ", &save); tok && err == 0; tok = strtok_r(NULL, " ", &save))
		err = reg_client_add_scope(c, tok);
	free(copy);
	return err;
}

int reg_client_do(struct reg_client *c, struct reg_request *rq, struct reg_response *resp)
{
	char *hdr = NULL;
	int err, again;

	for (again = 0;; again++) {
		if ((err = reg_auth_header(&c->auth, c->http, c->scopes, c->nscopes, &hdr)) < 0)
			return err;
		/* the registry's Authorization goes to its own origin only: an
		 * upload Location, a Link page may name any host */
		rq->auth = reg_url_same_origin(rq->url, c->base) ? hdr : NULL;
		err = reg_http_do(c->http, rq, resp);
		rq->auth = NULL;
		if (hdr)
			explicit_bzero(hdr, strlen(hdr));
		free(hdr);
		hdr = NULL;
		if (err < 0 || resp->status != 401 || again)
			return err;
		/* A 401 from another origin (a redirect's CDN or object store)
		 * is that host's business: its challenge must not become the
		 * registry's realm, or the registry's credentials would go to
		 * whatever realm it names.  The caller reports the 401. */
		if (!resp->url || !reg_url_same_origin(resp->url, c->base))
			return 0;
		/* 401: an expired token, a registry that did not challenge
		 * /v2/, or a scope too narrow.  Re-ask once. */
		{
			struct reg_challenge ch;
			int had_creds_sent = c->auth.scheme == REG_AUTH_BASIC && c->auth.cred.username;
			if (!take_challenge(c, resp, &ch))
				return 0;
			if ((err = reg_auth_set_challenge(&c->auth, &ch)) == 0 && ch.error &&
			    !strcmp(ch.error, "insufficient_scope") && ch.scope)
				err = add_scopes_from(c, ch.scope);
			reg_challenge_release(&ch);
			if (err < 0)
				return err;
			if (c->auth.scheme == REG_AUTH_BASIC && (had_creds_sent || !c->auth.cred.username))
				return 0; /* nothing new to try */
			reg_auth_forget(&c->auth, c->scopes, c->nscopes);
		}
	}
}
