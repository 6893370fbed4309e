/*
 * curl_lib.c - libcurl, loaded on first use (see common/dynlib.h).
 *
 * When libcurl cannot be loaded its functions fail the way libcurl reports
 * failure (a NULL handle, CURLE_FAILED_INIT) and the error slot names the
 * library.  The two variadic functions pass their one argument on with the
 * type libcurl itself reads for that option.
 */
#define CURL_DISABLE_TYPECHECK 1
#include <stdarg.h>

#include <curl/curl.h>

#include "../common/dynlib.h"

#ifndef WP_CURL_SONAME
#define WP_CURL_SONAME "libcurl.so.4"
#endif

static struct wp_dynlib curl = { WP_CURL_SONAME, NULL, 0, NULL };

#define FWD(ret, fail, name, params, args) WP_DYNLIB_FORWARD(curl, ret, fail, name, params, args)
#define FWD_VOID(name, params, args) WP_DYNLIB_FORWARD_VOID(curl, name, params, args)

FWD(CURLcode, CURLE_FAILED_INIT, curl_global_init, (long flags), (flags))
FWD(CURL *, NULL, curl_easy_init, (void), ())
FWD(CURLcode, CURLE_FAILED_INIT, curl_easy_perform, (CURL *h), (h))
FWD_VOID(curl_easy_cleanup, (CURL *h), (h))
FWD_VOID(curl_easy_reset, (CURL *h), (h))
FWD(const char *, "libcurl is not available", curl_easy_strerror, (CURLcode code), (code))
FWD(struct curl_slist *, NULL, curl_slist_append, (struct curl_slist *l, const char *s), (l, s))
FWD_VOID(curl_slist_free_all, (struct curl_slist *l), (l))
FWD(curl_version_info_data *, NULL, curl_version_info, (CURLversion v), (v))

typedef void (*any_fn)(void);

CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	static CURLcode (*fp)(CURL *, CURLoption, ...);
	CURLcode r;
	va_list ap;

	if (!fp && wp_dynlib_resolve(&curl, "curl_easy_setopt", (void *)&fp) < 0)
		return CURLE_FAILED_INIT;
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		r = fp(h, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		r = fp(h, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		r = fp(h, opt, va_arg(ap, any_fn));
	else if (opt < CURLOPTTYPE_BLOB)
		r = fp(h, opt, va_arg(ap, curl_off_t));
	else
		r = fp(h, opt, va_arg(ap, void *));
	va_end(ap);
	return r;
}

/* Every CURLINFO takes a pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	static CURLcode (*fp)(CURL *, CURLINFO, ...);
	void *p;
	va_list ap;

	if (!fp && wp_dynlib_resolve(&curl, "curl_easy_getinfo", (void *)&fp) < 0)
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	p = va_arg(ap, void *);
	va_end(ap);
	return fp(h, info, p);
}
