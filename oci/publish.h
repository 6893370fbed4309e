/*
 * publish.h - where a built image goes (ko's pkg/publish): a publisher is a
 * small struct of function pointers.  oci/ provides the local backends
 * (OCI layout directory, oci-archive, docker-archive); registry/ adds the
 * registry backend behind the same interface.
 */
#ifndef OCI_PUBLISH_H
#define OCI_PUBLISH_H

#include <stddef.h>

#include <jansson.h>

#include "image.h"

struct publisher {
	/* Publish `img`.  *ref receives the reference by digest
	 * ("oci:DIR@sha256:..."), malloc'ed; every reference the image is now
	 * reachable by is appended (as strings) to `refs`. */
	int (*publish)(struct publisher *p, const struct oci_image *img, char **ref, json_t *refs);
	void (*free)(struct publisher *p);
	char *dest; /* as the user wrote it, for messages */
};

/* The names the user gave the image (from -t, resolved by cmd/): for each,
 * the tag a layout records and the "repo:tag" a docker archive records. */
struct publish_name {
	char *tag;      /* "1.2" */
	char *repo_tag; /* "ghcr.io/owner/app:1.2", "app:1.2" */
};

struct publish_names {
	const struct publish_name *items;
	size_t n;
	const char *name; /* module name, for the defaults "latest" / "<name>:latest" */
};

/* A publisher for "oci:DIR[:TAG]", "oci-archive:FILE[:TAG]" or
 * "docker-archive:FILE".  Tags in a layout: the destination's TAG, else
 * the tag of each name, else "latest". */
int oci_publisher_open(const char *dest, const struct publish_names *names,
		       struct publisher **out);
void publisher_free(struct publisher *p);

#endif
