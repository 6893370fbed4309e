/*
 * parallel.c - see parallel.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "parallel.h"

/* as long as the error slot's line (common/error.c) */
#define JOB_MSG_MAX 1024

/* A worker: the session's client copied, with a connection of its own. */
static int client_clone(const struct reg_client *c, struct reg_client **out)
{
	struct reg_client *w = calloc(1, sizeof(*w));
	struct reg_http_opts ho = { c->opts->insecure, c->opts->ca_file, c->opts->ev,
				    reg_http_label(c->http) };
	size_t i;
	int err = 0;

	*out = NULL;
	if (!w)
		return wp_error_set(WP_ENOMEM, "out of memory");
	w->opts = c->opts;
	w->fresh_blobs = c->fresh_blobs;
	w->no_monolithic = c->no_monolithic;
	if (!(w->registry = strdup(c->registry)) || !(w->host = strdup(c->host)) ||
	    !(w->repository = strdup(c->repository)) || !(w->base = strdup(c->base))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = reg_http_new(&ho, &w->http)) < 0 || (err = reg_auth_copy(&c->auth, &w->auth)) < 0)
		goto done;
	for (i = 0; i < c->nscopes && err == 0; i++)
		err = reg_client_add_scope(w, c->scopes[i]);
done:
	if (err < 0) {
		reg_client_free(w);
		return err;
	}
	*out = w;
	return 0;
}

struct job {
	struct reg_client *w;
	reg_job_fn fn;
	void *ctx;
	int err;
	char msg[JOB_MSG_MAX];
	pthread_t tid;
	int started;
};

static void *job_main(void *arg)
{
	struct job *j = arg;

	j->err = j->fn(j->w, j->ctx);
	if (j->err < 0)
		snprintf(j->msg, sizeof(j->msg), "%s", wp_error_last());
	return NULL;
}

/* The workers a phase of `n` jobs needs, made once per session. */
static int workers(struct reg_client *c, size_t n)
{
	char *hdr = NULL;
	int err;

	if (c->nworkers >= n)
		return 0;
	/* a token fetched once here is copied to every worker */
	if ((err = reg_auth_header(&c->auth, c->http, c->scopes, c->nscopes, &hdr)) < 0)
		return err;
	if (hdr)
		explicit_bzero(hdr, strlen(hdr));
	free(hdr);
	while (c->nworkers < n) {
		if ((err = client_clone(c, &c->workers[c->nworkers])) < 0)
			return err;
		c->nworkers++;
	}
	return 0;
}

int reg_parallel(struct reg_client *c, size_t n, reg_job_fn fn, void *const *ctx)
{
	struct job jobs[REG_PARALLEL_MAX];
	size_t at, i, k;
	int err = 0;

	if (n == 1)
		return fn(c, ctx[0]);
	for (at = 0; at < n && err == 0; at += k) {
		k = n - at < REG_PARALLEL_MAX ? n - at : REG_PARALLEL_MAX;
		if ((err = workers(c, k)) < 0)
			break;
		memset(jobs, 0, sizeof(jobs));
		for (i = 0; i < k; i++) {
			jobs[i] = (struct job){ .w = c->workers[i], .fn = fn, .ctx = ctx[at + i] };
			if (pthread_create(&jobs[i].tid, NULL, job_main, &jobs[i]) == 0)
				jobs[i].started = 1;
			else
				job_main(&jobs[i]); /* no thread to be had: run it here */
		}
		for (i = 0; i < k; i++)
			if (jobs[i].started)
				pthread_join(jobs[i].tid, NULL);
		for (i = 0; i < k; i++)
			if (jobs[i].err < 0) {
				err = wp_error_set(jobs[i].err, "%s", jobs[i].msg);
				break;
			}
	}
	return err;
}
