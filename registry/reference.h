/*
 * reference.h - image references, parsed and normalised as docker does.
 *
 *   [host[:port]/]path[:tag][@sha256:<hex>]
 *
 * The first path part is a host only if it holds '.' or ':' or is
 * "localhost"; without a host the registry is docker.io, whose one-part
 * names gain "library/" and whose API lives at registry-1.docker.io.
 * Invalid names, tags and digests are refused before any network traffic.
 */
#ifndef REGISTRY_REFERENCE_H
#define REGISTRY_REFERENCE_H

struct registry_ref {
	char *registry;   /* "ghcr.io", "localhost:5000", "docker.io" */
	char *host;       /* where the API is: "registry-1.docker.io" for docker.io */
	char *repository; /* "owner/app", "library/alpine" */
	char *tag;        /* NULL when absent */
	char *digest;     /* NULL when absent */
	int named_registry; /* 1 when the reference names its registry; 0 when docker.io was implied */
};

int registry_ref_parse(const char *s, struct registry_ref **out);
void registry_ref_free(struct registry_ref *r);

/* "registry/repository" (malloc'ed). */
char *registry_ref_name(const struct registry_ref *r);
/* "registry/repository:tag" or "...@digest" (malloc'ed): the canonical form. */
char *registry_ref_string(const struct registry_ref *r);

/* 1 if s is a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}). */
int registry_tag_valid(const char *s);

/* 1 if `s` should be read as a bare tag (no '/', ':' or '@'), 0 if it is a
 * reference. */
int registry_ref_is_bare_tag(const char *s);

#endif
