/*
 * http.c - the one libcurl wrapper (see http.h).
 *
 * Why redirects are followed here and not by libcurl: a blob GET may be
 * redirected to a CDN host with a signed URL, and the registry's
 * Authorization header must not go there (moby#33707); a redirect from
 * https to http is a downgrade an attacker on the path could force, so it
 * is refused.  Why every body has a cap: a hostile or broken registry
 * must not make us allocate without bound.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "http.h"

#define MAX_REDIRECTS 10

struct reg_http {
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
	struct reg_retry_policy retry;
	int insecure;
	char *ca_file;    /* --ca-file, or NULL */
	int have_capath;  /* libcurl has a default CA directory */
	const struct registry_events *ev;
	char *label;
	int last_not_tls;
	int debug;
	long connect_timeout;
	long idle_timeout;
	char *warned[8];  /* registry warnings already shown */
	size_t nwarned;
};

/* State of one transfer, for the callbacks. */
struct xfer {
	struct reg_http *h;
	const struct reg_request *rq;
	struct reg_response *resp;
	int over_cap;
	int upload;
};

/* curl_global_init() is not thread-safe: once per process, whichever
 * thread (the attachments' workers run in their own) comes first. */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready;

static void curl_init_once(void)
{
	curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void reg_response_release(struct reg_response *r)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	r->headers = NULL;
	r->nheaders = 0;
	wp_buf_release(&r->body);
	free(r->url);
	r->url = NULL;
	r->status = 0;
}

const char *reg_response_header(const struct reg_response *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, name))
			return r->headers[i].value;
	return NULL;
}

static void headers_clear(struct reg_response *r)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	r->nheaders = 0;
}

static size_t header_cb(char *line, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct reg_response *r = x->resp;
	size_t len = size * n, nl, vl;
	const char *colon, *v;
	struct reg_header *hs;

	if (len >= 5 && !strncmp(line, "HTTP/", 5)) {
		headers_clear(r); /* a new response (after 100 Continue) */
		return len;
	}
	colon = memchr(line, ':', len);
	if (!colon || r->nheaders >= 256)
		return len;
	nl = (size_t)(colon - line);
	v = colon + 1;
	while (v < line + len && (*v == ' ' || *v == '\t'))
		v++;
	vl = (size_t)(line + len - v);
	while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
		vl--;
	hs = realloc(r->headers, (r->nheaders + 1) * sizeof(*hs));
	if (!hs)
		return 0;
	r->headers = hs;
	hs[r->nheaders].name = strndup(line, nl);
	hs[r->nheaders].value = strndup(v, vl);
	if (!hs[r->nheaders].name || !hs[r->nheaders].value) {
		free(hs[r->nheaders].name);
		free(hs[r->nheaders].value);
		return 0;
	}
	r->nheaders++;
	return len;
}

static size_t write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (wp_buf_append(&x->resp->body, data, size * n) < 0) {
		x->over_cap = 1;
		return 0;
	}
	return size * n;
}

static int xferinfo_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct xfer *x = arg;
	const struct registry_events *ev = x->h->ev;
	uint64_t now = (uint64_t)(x->upload ? ulnow : dlnow);

	(void)dltotal;
	(void)ultotal;
	if (ev && ev->progress && x->rq->digest)
		ev->progress(ev->ctx, x->rq->digest, x->rq->progress_base + now, x->rq->progress_total);
	return 0;
}

int reg_http_new(const struct reg_http_opts *o, struct reg_http **out)
{
	struct reg_http *h;
	int err = 0;

	*out = NULL;
	pthread_once(&curl_once, curl_init_once);
	if (!curl_ready)
		return wp_error_set(WP_ERROR, "cannot initialise libcurl");
	h = calloc(1, sizeof(*h));
	if (!h)
		return wp_error_set(WP_ENOMEM, "out of memory");
	reg_retry_policy_init(&h->retry);
	h->insecure = o->insecure;
	h->ev = o->ev;
	h->debug = getenv("WASMPACK_DEBUG") && *getenv("WASMPACK_DEBUG");
	{
		const char *t = getenv("WASMPACK_HTTP_TIMEOUT");
		h->idle_timeout = t && atol(t) > 0 ? atol(t) : 60;
		h->connect_timeout = h->idle_timeout < 30 ? h->idle_timeout : 30;
	}
	if (!(h->label = strdup(o->label ? o->label : "registry")) || !(h->curl = curl_easy_init())) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	{
		char *capath = NULL;
		curl_easy_getinfo(h->curl, CURLINFO_CAPATH, &capath);
		h->have_capath = capath && *capath;
	}
	if (o->ca_file) {
		struct wp_buf probe = WP_BUF_INIT(32u << 20);
		err = wp_fs_read_file(o->ca_file, 32u << 20, &probe);
		wp_buf_release(&probe);
		if (err < 0) {
			err = wp_error_wrap(WP_EUSAGE, "--ca-file");
			goto done;
		}
		if (!(h->ca_file = strdup(o->ca_file))) {
			err = wp_error_set(WP_ENOMEM, "out of memory");
			goto done;
		}
	}
done:
	if (err < 0) {
		reg_http_free(h);
		return err;
	}
	*out = h;
	return 0;
}

void reg_http_free(struct reg_http *h)
{
	if (!h)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	for (size_t i = 0; i < h->nwarned; i++)
		free(h->warned[i]);
	free(h->ca_file);
	free(h->label);
	free(h);
}

const char *reg_http_label(const struct reg_http *h)
{
	return h->label;
}

int reg_http_last_not_tls(const struct reg_http *h)
{
	return h->last_not_tls;
}

void reg_http_message(const struct reg_http *h, int debug, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!h->ev || !h->ev->message || (debug && !h->debug))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	h->ev->message(h->ev->ctx, debug, msg);
}

static int method_has_body(const char *m)
{
	return !strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH");
}

/* Values are not bounded here (registry tokens run to tens of KiB):
 * reg_http_do() bounds the Authorization value. */
static struct curl_slist *add_header(struct curl_slist *l, int *ok, const char *name,
				     const char *value)
{
	struct curl_slist *n = NULL;
	char *line = NULL;

	if (!*ok)
		return l;
	if (asprintf(&line, "%s:%s%s", name, value ? " " : "", value ? value : "") >= 0)
		n = curl_slist_append(l, line);
	if (line)
		explicit_bzero(line, strlen(line));
	free(line);
	if (!n) {
		*ok = 0;
		return l;
	}
	return n;
}

/* One transfer to one URL.  Returns the CURLcode; fills resp. */
static CURLcode perform(struct reg_http *h, const struct reg_request *rq, const char *url,
			const char *auth, struct reg_response *resp, int *over_cap)
{
	struct xfer x = { h, rq, resp, 0, method_has_body(rq->method) };
	struct curl_slist *hdrs = NULL;
	CURL *c = h->curl;
	CURLcode rc;
	int ok = 1;

	curl_easy_reset(c);
	h->errbuf[0] = '\0';
	wp_buf_init(&resp->body, rq->max_body ? rq->max_body : REG_BODY_MAX);
	hdrs = add_header(hdrs, &ok, "Expect", NULL); /* no 100-continue round trip */
	if (auth)
		hdrs = add_header(hdrs, &ok, "Authorization", auth);
	if (rq->accept)
		hdrs = add_header(hdrs, &ok, "Accept", rq->accept);
	if (x.upload)
		hdrs = add_header(hdrs, &ok, "Content-Type", rq->content_type);
	if (rq->content_range)
		hdrs = add_header(hdrs, &ok, "Content-Range", rq->content_range);
	if (rq->if_match)
		hdrs = add_header(hdrs, &ok, "If-Match", rq->if_match);
	if (!ok) {
		curl_slist_free_all(hdrs);
		return CURLE_OUT_OF_MEMORY;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "wasmpack/0.1.0");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, h->connect_timeout);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, h->idle_timeout);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	if (h->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	/* The system CAs through the hashed directory, looked up lazily:
	 * parsing the whole bundle file costs OpenSSL 3 ~70 ms a process.
	 * --ca-file is added to them (CAINFO and CAPATH both apply). */
	if (h->have_capath || h->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	if (rq->digest && h->ev && h->ev->progress) {
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
	}
	if (!strcmp(rq->method, "HEAD")) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (x.upload) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? (const char *)rq->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
		if (strcmp(rq->method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	*over_cap = x.over_cap;
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	return rc;
}

static int code_retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

void reg_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

double reg_jitter(void)
{
	static int seeded;

	if (!seeded) {
		srandom((unsigned)time(NULL) ^ ((unsigned)getpid() << 16));
		seeded = 1;
	}
	return (double)random() / (double)0x7fffffff;
}

/* The URL without its query: signed URLs carry secrets there. */
static void url_for_log(const char *url, char *out, size_t size)
{
	snprintf(out, size, "%.*s", (int)strcspn(url, "?#"), url);
}

static int transport_error(struct reg_http *h, CURLcode rc, const char *url, int over_cap,
			   const struct reg_request *rq)
{
	char *host = reg_url_host(url);
	int err;

	if (over_cap)
		err = wp_error_set(WP_ETOOBIG, "%s: the response to %s %s is larger than %zu bytes",
				   h->label, rq->method, host ? host : "?",
				   rq->max_body ? rq->max_body : (size_t)REG_BODY_MAX);
	else
		err = wp_error_set(WP_EIO, "%s: %s: %s", h->label, host ? host : "?",
				   h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
	free(host);
	return err;
}

/* `Warning: 299 - "text"` headers (deprecations, quota notices) go to
 * the user, each text once per session rather than once per request. */
static void show_warnings(struct reg_http *h, const struct reg_response *resp)
{
	size_t i, j;

	for (i = 0; i < resp->nheaders; i++) {
		const char *w = resp->headers[i].value;
		int seen = 0;

		if (strcasecmp(resp->headers[i].name, "Warning") != 0 || strncmp(w, "299 ", 4) != 0)
			continue;
		w += 4;
		if (!strncmp(w, "- ", 2))
			w += 2;
		for (j = 0; j < h->nwarned; j++)
			seen |= !strcmp(h->warned[j], w);
		if (seen)
			continue;
		if (h->nwarned < sizeof(h->warned) / sizeof(h->warned[0]))
			h->warned[h->nwarned++] = strdup(w);
		reg_http_message(h, 0, "%s: registry warning: %s", h->label, w);
	}
}

int reg_http_do(struct reg_http *h, const struct reg_request *rq, struct reg_response *resp)
{
	char *url = NULL, logurl[512];
	const char *auth;
	int attempt, redirects, over_cap = 0, err = 0;
	CURLcode rc;

	if (rq->auth && strlen(rq->auth) > REG_AUTH_MAX)
		return wp_error_set(WP_EINVALID, "%s: the Authorization value is %zu bytes, more than the %u allowed",
				    h->label, strlen(rq->auth), REG_AUTH_MAX);
	for (attempt = 1;; attempt++) {
		long wait_ms, retry_after = -1;
		int last = rq->no_retry || attempt >= h->retry.attempts;

		free(url);
		if (!(url = strdup(rq->url)))
			return wp_error_set(WP_ENOMEM, "out of memory");
		auth = rq->auth;
		for (redirects = 0;; redirects++) {
			const char *loc;
			char *next;

			reg_response_release(resp);
			h->last_not_tls = 0;
			rc = perform(h, rq, url, auth, resp, &over_cap);
			url_for_log(url, logurl, sizeof(logurl));
			if (rc != CURLE_OK) {
				h->last_not_tls = rc == CURLE_SSL_CONNECT_ERROR;
				reg_http_message(h, 1, "%s %s: %s", rq->method, logurl,
						 h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
				break;
			}
			reg_http_message(h, 1, "%s %s -> %ld", rq->method, logurl, resp->status);
			loc = reg_response_header(resp, "Location");
			if (!rq->follow || !loc ||
			    (resp->status != 301 && resp->status != 302 && resp->status != 303 &&
			     resp->status != 307 && resp->status != 308))
				break;
			if (redirects >= MAX_REDIRECTS) {
				err = wp_error_set(WP_ERROR, "%s: too many redirects", h->label);
				goto done;
			}
			if (!(next = reg_url_resolve(url, loc))) {
				err = wp_error_set(WP_ERROR, "%s: malformed redirect Location", h->label);
				goto done;
			}
			if (reg_url_is_https(url) && !reg_url_is_https(next)) {
				char *host = reg_url_host(next);
				err = wp_error_set(WP_ERROR, "%s: refusing a redirect from https to plain http (%s)",
						   h->label, host ? host : "?");
				free(host);
				free(next);
				goto done;
			}
			if (!reg_url_same_origin(url, next))
				auth = NULL; /* never hand the registry's credentials to another host */
			free(url);
			url = next;
		}
		if (rc == CURLE_OK && !reg_status_retryable(resp->status))
			break;
		if (rc != CURLE_OK && (!code_retryable(rc) || over_cap || last)) {
			err = transport_error(h, rc, url, over_cap, rq);
			goto done;
		}
		if (rc == CURLE_OK && last)
			break; /* the caller reports the status */
		if (rc == CURLE_OK)
			retry_after = reg_parse_retry_after(reg_response_header(resp, "Retry-After"), time(NULL));
		wait_ms = reg_backoff_delay_ms(&h->retry, attempt, reg_jitter(), retry_after);
		if (rc == CURLE_OK)
			reg_http_message(h, 0, "%s: %s %s got %ld, retrying in %.1f s (try %d of %d)",
					 h->label, rq->method, logurl, resp->status, (double)wait_ms / 1000,
					 attempt + 1, h->retry.attempts);
		else
			reg_http_message(h, 0, "%s: %s %s failed (%s), retrying in %.1f s (try %d of %d)",
					 h->label, rq->method, logurl,
					 h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc),
					 (double)wait_ms / 1000, attempt + 1, h->retry.attempts);
		reg_sleep_ms(wait_ms);
	}
	show_warnings(h, resp);
	resp->url = url;
	url = NULL;
done:
	free(url);
	return err;
}

/* Printable text of at most `max` characters from an untrusted body. */
static void clean_text(const char *in, size_t len, char *out, size_t max)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 1 < max; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		if (c < 32 || c == 127)
			continue;
		if (c == ' ' && (o == 0 || out[o - 1] == ' '))
			continue;
		out[o++] = (char)c;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

int reg_http_error(const struct reg_http *h, const struct reg_response *r, const char *what)
{
	char code[64] = "", msg[300] = "", where[300] = "";
	const char *hint = "";
	json_t *j = NULL, *e;
	int ret;

	if (r->body.len)
		j = json_loadb((const char *)r->body.data, r->body.len, 0, NULL);
	e = json_array_get(json_object_get(j, "errors"), 0);
	if (json_is_object(e)) {
		const char *c = json_string_value(json_object_get(e, "code"));
		const char *m = json_string_value(json_object_get(e, "message"));
		if (c)
			clean_text(c, strlen(c), code, sizeof(code));
		if (m)
			clean_text(m, strlen(m), msg, sizeof(msg));
	} else if (json_is_object(j)) {
		/* token servers: {"details": "..."} or {"error": "...", "error_description": ...} */
		const char *m = json_string_value(json_object_get(j, "details"));
		if (!m)
			m = json_string_value(json_object_get(j, "error_description"));
		if (!m)
			m = json_string_value(json_object_get(j, "error"));
		if (!m)
			m = json_string_value(json_object_get(j, "message"));
		if (m)
			clean_text(m, strlen(m), msg, sizeof(msg));
	} else if (r->body.len && r->body.len < 4096) {
		clean_text((const char *)r->body.data, r->body.len, msg, 200);
	}
	json_decref(j);
	if (r->status == 401) {
		if (!code[0])
			snprintf(code, sizeof(code), "UNAUTHORIZED");
		if (!msg[0])
			snprintf(msg, sizeof(msg), "authentication required");
		hint = " (check WASMPACK_REGISTRY_USERNAME or run wasmpack login)";
		ret = WP_EAUTH;
	} else if (r->status == 403) {
		if (!code[0])
			snprintf(code, sizeof(code), "DENIED");
		if (!msg[0])
			snprintf(msg, sizeof(msg), "access denied");
		hint = " (the credentials may lack permission for this repository)";
		ret = WP_EAUTH;
	} else {
		ret = r->status == 404 ? WP_ENOTFOUND : WP_ERROR;
	}
	/* an auth failure is about the repository, not the object asked for */
	if (what && ret != WP_EAUTH)
		snprintf(where, sizeof(where), "%s: ", what);
	if (code[0])
		return wp_error_set(ret, "%s: %s%ld %s: %s%s", h->label, where, r->status, code,
				    msg[0] ? msg : "(no message)", hint);
	return wp_error_set(ret, "%s: %s%ld %s%s%s", h->label, where, r->status,
			    msg[0] ? msg : "unexpected response", "", hint);
}
