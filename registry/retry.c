/*
 * retry.c - when to try a request again and how long to wait first.
 *
 * The schedule is that of the careful clients (regclient, oras): an
 * exponential backoff from 0.5 s doubling to a 30 s cap, 5 tries in all,
 * with jitter so that many clients failing together do not come back
 * together, and a registry's Retry-After honoured (up to the cap, so a
 * hostile header cannot park us for hours).  Pure functions, unit-tested;
 * the sleeping is done by http.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../common/base64.h"
#include "http.h"

static long env_long(const char *name, long dflt, long min, long max)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return dflt;
	n = strtol(v, &end, 10);
	if (*end || n < min || n > max)
		return dflt;
	return n;
}

void reg_retry_policy_init(struct reg_retry_policy *p)
{
	p->attempts = (int)env_long("WASMPACK_RETRIES", 5, 1, 100);
	p->base_ms = env_long("WASMPACK_RETRY_BASE_MS", 500, 0, 600000);
	p->max_ms = env_long("WASMPACK_RETRY_MAX_MS", 30000, 0, 3600000);
}

long reg_backoff_delay_ms(const struct reg_retry_policy *p, int attempt, double rnd,
			  long retry_after_ms)
{
	double d = (double)p->base_ms;
	int i;

	if (rnd < 0)
		rnd = 0;
	if (rnd > 1)
		rnd = 1;
	for (i = 1; i < attempt && d < (double)p->max_ms; i++)
		d *= 2;
	if (d > (double)p->max_ms)
		d = (double)p->max_ms;
	d *= 0.5 + rnd / 2;
	if (retry_after_ms >= 0 && (double)retry_after_ms > d)
		d = (double)retry_after_ms;
	if (d > (double)p->max_ms)
		d = (double)p->max_ms;
	return (long)d;
}

int reg_status_retryable(long status)
{
	return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
	       status == 504;
}

long reg_parse_retry_after(const char *v, time_t now)
{
	struct tm tm;
	const char *end;
	char *e;
	long n;

	if (!v)
		return -1;
	while (*v == ' ')
		v++;
	if (*v >= '0' && *v <= '9') {
		n = strtol(v, &e, 10);
		while (*e == ' ')
			e++;
		if (*e || n < 0 || n > 86400 * 7)
			return -1;
		return n * 1000;
	}
	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
	memset(&tm, 0, sizeof(tm));
	end = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end || *end)
		return -1;
	n = (long)(timegm(&tm) - now);
	return n < 0 ? 0 : n * 1000;
}

char *reg_base64_encode(const void *data, size_t len)
{
	return wp_base64_encode(data, len);
}

uint8_t *reg_base64_decode(const char *s, size_t *len)
{
	return wp_base64_decode(s, len);
}
