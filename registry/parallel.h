/*
 * parallel.h - independent requests of one session at the same time.
 *
 * A phase of a push whose requests do not depend on each other (the
 * uploads of several small blobs, the PUTs of several manifests) costs
 * one round trip instead of one per request when each request has its
 * own connection.  Each job runs on a worker: a copy of the session's
 * client (same base URL, credentials, cached tokens) with its own libcurl
 * handle, kept in the session so its connection is reused by the next
 * phase.  Jobs run in threads; errors come back to the caller's error
 * slot (the first failing job's line).
 */
#ifndef REGISTRY_PARALLEL_H
#define REGISTRY_PARALLEL_H

#include <stddef.h>

#include "client.h"

typedef int (*reg_job_fn)(struct reg_client *c, void *ctx);

/* Run fn(worker, ctx[i]) for every i < n, at most REG_PARALLEL_MAX at a
 * time; 0 when all succeeded, else the error of the first that failed (in
 * job order).  With n == 1 the job runs on `c` itself. */
int reg_parallel(struct reg_client *c, size_t n, reg_job_fn fn, void *const *ctx);

#endif
