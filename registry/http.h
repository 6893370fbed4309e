/*
 * http.h - the one libcurl wrapper of the registry client.
 *
 * Every request goes through reg_http_do(): one easy handle per client
 * (so connections are reused), an error buffer on every transfer,
 * response bodies into capped buffers, redirects followed here (not by
 * libcurl) so the Authorization header never goes to another host and
 * https->http downgrades are refused, and retries with exponential
 * backoff and jitter on connection errors, timeouts and 408/429/5xx,
 * honouring Retry-After.  Status codes and the registry's JSON errors
 * map to one error line in one place: reg_http_error().
 */
#ifndef REGISTRY_HTTP_H
#define REGISTRY_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../common/buf.h"
#include "registry.h"

/* Cap on bodies we read as text or JSON (errors, tokens, manifests). */
#define REG_BODY_MAX (4u << 20)
/* Cap on an Authorization value: far above the tokens registries issue
 * (tens of KiB at most), far below what would hurt. */
#define REG_AUTH_MAX (256u << 10)

struct reg_retry_policy {
	int attempts;  /* total tries, >= 1 (WASMPACK_RETRIES, default 5) */
	long base_ms;  /* first delay (WASMPACK_RETRY_BASE_MS, default 500) */
	long max_ms;   /* cap on one delay (WASMPACK_RETRY_MAX_MS, default 30000) */
};

/* Defaults, overridden by the environment variables named above. */
void reg_retry_policy_init(struct reg_retry_policy *p);

/* The delay before try number `attempt` + 1, after `attempt` (>= 1) failed
 * tries: base * 2^(attempt-1), capped, scaled by a jitter factor
 * 0.5 + rnd/2 (rnd in [0,1]); a Retry-After of `retry_after_ms` (>= 0)
 * raises it to at least that, still capped by max_ms. */
long reg_backoff_delay_ms(const struct reg_retry_policy *p, int attempt, double rnd,
			  long retry_after_ms);

/* Sleep, resuming after signals. */
void reg_sleep_ms(long ms);
/* A random number in [0, 1] for the backoff's jitter. */
double reg_jitter(void);

/* 1 for statuses worth retrying: 408, 429, 500, 502, 503, 504. */
int reg_status_retryable(long status);

/* Retry-After as milliseconds: delta-seconds or an HTTP date relative to
 * `now`; -1 when absent or unreadable. */
long reg_parse_retry_after(const char *value, time_t now);

/* URLs. */
/* Resolve a Location against the URL of the request that returned it:
 * absolute, scheme-relative ("//host/p"), absolute path or relative path;
 * any query is kept.  Malloc'ed, NULL on a malformed input. */
char *reg_url_resolve(const char *base, const char *location);
/* Append "k=v" to a URL's query ('?' or '&'). Malloc'ed. */
char *reg_url_add_query(const char *url, const char *kv);
/* 1 if both URLs have the same scheme, host and port. */
int reg_url_same_origin(const char *a, const char *b);
/* 1 if the URL is https. */
int reg_url_is_https(const char *url);
/* The host[:port] of a URL, for messages (malloc'ed). */
char *reg_url_host(const char *url);
/* Percent-encode a query value (malloc'ed). */
char *reg_url_escape(const char *s);

struct reg_header {
	char *name;
	char *value;
};

struct reg_response {
	long status;
	struct reg_header *headers;
	size_t nheaders;
	struct wp_buf body;
	char *url; /* the URL that answered (after redirects), malloc'ed */
};

void reg_response_release(struct reg_response *r);
/* The first header of that name (case-insensitive), or NULL. Borrowed. */
const char *reg_response_header(const struct reg_response *r, const char *name);

struct reg_request {
	const char *method;      /* GET HEAD POST PUT PATCH */
	const char *url;
	const char *auth;        /* "Bearer ..."/"Basic ..." or NULL; never logged */
	const char *content_type;
	const char *accept;
	const char *content_range;
	const char *if_match;    /* If-Match: an ETag (compare-and-swap), or NULL */
	const uint8_t *body;     /* sent when method is POST/PUT/PATCH */
	size_t body_len;
	size_t max_body;         /* response cap; 0 = REG_BODY_MAX */
	int follow;              /* follow redirects (GET/HEAD) */
	int no_retry;            /* one try only: the caller restarts on failure */
	const char *digest;      /* blob being moved, for progress events */
	uint64_t progress_base;  /* bytes of this blob sent before this request */
	uint64_t progress_total;
};

struct reg_http;

struct reg_http_opts {
	int insecure;
	const char *ca_file;
	const struct registry_events *ev;
	const char *label; /* "push 127.0.0.1:5000/app", prefix of every error */
};

int reg_http_new(const struct reg_http_opts *o, struct reg_http **out);
void reg_http_free(struct reg_http *h);
/* The label errors start with. */
const char *reg_http_label(const struct reg_http *h);

/* Send the request, following redirects and retrying as described above.
 * A transport failure (after the retries) is an error (WP_EIO) naming the
 * host and libcurl's message; any HTTP status is a success of this call:
 * the caller judges it (with reg_http_error() when unexpected).  `resp`
 * is released and refilled. */
int reg_http_do(struct reg_http *h, const struct reg_request *rq, struct reg_response *resp);

/* Set the error line for an unexpected response and return its code:
 * "<label>: <status> <CODE>: <message>[ (hint)]".  `what` (may be NULL)
 * names the object ("blob sha256:...", "manifest v1"). */
int reg_http_error(const struct reg_http *h, const struct reg_response *r, const char *what);

/* Emit a message event (debug = 0 user-visible, 1 debug only). */
void reg_http_message(const struct reg_http *h, int debug, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 1 if the last transport error was a TLS handshake failure of a server
 * that does not speak TLS (for the loopback http fallback). */
int reg_http_last_not_tls(const struct reg_http *h);

/* Base64 (standard alphabet), malloc'ed; decode returns NULL on bad input. */
char *reg_base64_encode(const void *data, size_t len);
uint8_t *reg_base64_decode(const char *s, size_t *len);

#endif
