/*
 * gzip.c - parallel, reproducible gzip of a layer (pigz's technique).
 *
 * Compression is nearly all the time spent packaging a module.  The level
 * is 1, the default of go-containerregistry's layers (what ko pushes): on
 * the benchmark's code-like module zlib 1.2.13 deflates at level 1 in
 * about 0.6x the time of level 4 and 0.3x that of level 6, for a layer
 * about 12% (level 4) or 19% (level 6) larger; the build is quicker, and
 * at CI bandwidths the extra bytes cost less to push than that.  libarchive's
 * gzip filter is single-threaded, so the layer is compressed here with
 * zlib (the library libarchive itself uses) in fixed-size chunks on every
 * core:
 *   - each chunk is raw-deflated with the 32 KiB before it as dictionary,
 *     so matches across chunk boundaries are not lost;
 *   - every chunk but the last ends with a sync flush (an empty stored
 *     block, no final bit), so the concatenation is ONE deflate stream that
 *     any gunzip reads;
 *   - the CRC-32 of the chunks is combined with crc32_combine().
 * The chunk size and level are fixed, never derived from the machine, so the
 * bytes are the same on every machine with the same zlib.  The container is
 * RFC 1952's: a 10-byte header with no name and a zero mtime (as `gzip -n`),
 * and the CRC-32 and size trailer.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "../common/error.h"
#include "digest.h"
#include "layer.h"

#define LEVEL 1
#define CHUNK (128 * 1024)
#define DICT (32 * 1024)
#define MAX_THREADS 16

struct chunk {
	const uint8_t *in;
	size_t in_len;
	uint8_t *out;
	size_t out_len;
	uLong crc;
	int err;
};

/*
 * The input is either a caller's complete buffer, or (streaming) our own
 * buffer of fixed capacity being appended to by oci_gzip_write() while
 * the workers compress the chunks already complete.  A worker takes the
 * next chunk number and waits until the bytes after that chunk exist (so
 * it is not the last) or the input has ended.
 */
struct oci_gzip {
	pthread_mutex_t lock;
	pthread_cond_t more;
	uint8_t *buf;        /* owned, when streaming */
	const uint8_t *data;
	size_t cap;
	size_t avail;        /* bytes of input so far (under lock) */
	int done;            /* no more input (under lock) */
	struct chunk *chunks;
	size_t maxchunks;
	atomic_size_t next;
	pthread_t threads[MAX_THREADS];
	size_t started;
	struct oci_hasher hash; /* of the streamed input: its diff_id */
	int err;
};

/*
 * One z_stream per worker, reset between chunks, rather than ~270 KiB of
 * window and hash tables allocated and freed for every 128 KiB chunk.  A
 * reset stream compresses exactly as a fresh one: the bytes do not change.
 */
static int deflate_chunk(z_stream *z, const uint8_t *data, struct chunk *c, int last)
{
	uLong bound;
	int r;

	if (deflateReset(z) != Z_OK)
		return -1;
	if (c->in > data) {
		size_t dict = (size_t)(c->in - data) < DICT ? (size_t)(c->in - data) : DICT;
		if (deflateSetDictionary(z, c->in - dict, (uInt)dict) != Z_OK)
			return -1;
	}
	/* room for the worst case plus the sync marker */
	bound = deflateBound(z, (uLong)c->in_len) + 16;
	c->out = malloc(bound);
	if (!c->out)
		return -1;
	z->next_in = (Bytef *)c->in;
	z->avail_in = (uInt)c->in_len;
	z->next_out = c->out;
	z->avail_out = (uInt)bound;
	r = deflate(z, last ? Z_FINISH : Z_SYNC_FLUSH);
	if ((last && r != Z_STREAM_END) || (!last && r != Z_OK) || z->avail_in != 0)
		return -1;
	c->out_len = bound - z->avail_out;
	c->crc = crc32(0L, c->in, (uInt)c->in_len);
	return 0;
}

/* How many chunks `len` bytes make: an empty input is one empty chunk. */
static size_t nchunks(size_t len)
{
	return len ? (len + CHUNK - 1) / CHUNK : 1;
}

static void *worker(void *arg)
{
	struct oci_gzip *g = arg;
	z_stream z;
	size_t i;
	int ok;

	memset(&z, 0, sizeof(z));
	ok = deflateInit2(&z, LEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
	while ((i = atomic_fetch_add(&g->next, 1)) < g->maxchunks) {
		size_t start = i * CHUNK, avail;
		int done;
		pthread_mutex_lock(&g->lock);
		while (!g->done && g->avail <= start + CHUNK)
			pthread_cond_wait(&g->more, &g->lock);
		avail = g->avail;
		done = g->done;
		pthread_mutex_unlock(&g->lock);
		if (i >= nchunks(avail))
			break; /* the input ended before this chunk */
		g->chunks[i].in = g->data + start;
		g->chunks[i].in_len = avail - start < CHUNK ? avail - start : CHUNK;
		g->chunks[i].err = ok ? deflate_chunk(&z, g->data, &g->chunks[i],
						      done && avail <= start + CHUNK) : -1;
	}
	if (ok)
		deflateEnd(&z);
	return NULL;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Set up for `cap` bytes of input at `data` (`avail` of them there
 * already, all of them if `done`), with the helper threads started (the
 * caller's thread works too, in gzip_end). */
static int gzip_begin(const uint8_t *data, size_t cap, size_t avail, int done,
		      struct oci_gzip **out)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct oci_gzip *g = calloc(1, sizeof(*g));
	size_t i, nthreads;

	*out = NULL;
	if (!g)
		return wp_error_set(WP_ENOMEM, "out of memory");
	g->data = data;
	g->cap = cap;
	g->avail = avail;
	g->done = done;
	g->maxchunks = nchunks(cap);
	g->chunks = calloc(g->maxchunks, sizeof(*g->chunks));
	if (!g->chunks) {
		free(g);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->more, NULL);
	atomic_init(&g->next, 0);
	nthreads = cpus > 1 ? (size_t)cpus : 1;
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	if (nthreads > g->maxchunks)
		nthreads = g->maxchunks;
	for (i = 1; i < nthreads; i++)
		if (pthread_create(&g->threads[g->started], NULL, worker, g) == 0)
			g->started++;
	*out = g;
	return 0;
}

int oci_gzip_start(size_t cap, struct oci_gzip **out)
{
	uint8_t *buf = calloc(1, cap ? cap : 1); /* (fresh pages: no cost for the zeroes) */
	int err;

	*out = NULL;
	if (!buf)
		return wp_error_set(WP_ENOMEM, "out of memory (%zu bytes)", cap);
	if ((err = gzip_begin(buf, cap, 0, 0, out)) < 0) {
		free(buf);
		return err;
	}
	(*out)->buf = buf;
	if (oci_hasher_init(&(*out)->hash) < 0)
		(*out)->err = -1; /* finish reports it */
	return 0;
}

int oci_gzip_write(struct oci_gzip *g, const void *data, size_t len)
{
	size_t at;

	if (g->err)
		return -1;
	/* only this thread changes g->avail; workers read below it */
	at = g->avail;
	if (len > g->cap - at) {
		g->err = -1;
		return wp_error_set(WP_ETOOBIG, "layer larger than the %zu bytes expected", g->cap);
	}
	memcpy(g->buf + at, data, len);
	if (oci_hasher_update(&g->hash, data, len) < 0)
		g->err = -1;
	pthread_mutex_lock(&g->lock);
	g->avail = at + len;
	if (at / CHUNK != (at + len) / CHUNK) /* a chunk is complete */
		pthread_cond_broadcast(&g->more);
	pthread_mutex_unlock(&g->lock);
	return g->err;
}

/* End the input, compress with the helpers, write the gzip member to
 * `out`, release everything. */
static int gzip_end(struct oci_gzip *g, struct wp_buf *out)
{
	/* ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=unix */
	static const uint8_t header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	uLong crc = crc32(0L, Z_NULL, 0);
	uint8_t trailer[8];
	size_t i, n, total = 0, len;
	int err = g->err;

	pthread_mutex_lock(&g->lock);
	g->done = 1;
	len = g->avail;
	pthread_cond_broadcast(&g->more);
	pthread_mutex_unlock(&g->lock);
	worker(g);
	for (i = 0; i < g->started; i++)
		pthread_join(g->threads[i], NULL);
	n = nchunks(len);
	if (err < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if (g->chunks[i].err || !g->chunks[i].out) {
			err = wp_error_set(WP_ENOMEM, "cannot compress the layer (zlib failed)");
			goto done;
		}
		total += g->chunks[i].out_len;
	}
	if ((err = wp_buf_grow(out, sizeof(header) + total + sizeof(trailer))) < 0 ||
	    (err = wp_buf_append(out, header, sizeof(header))) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if ((err = wp_buf_append(out, g->chunks[i].out, g->chunks[i].out_len)) < 0)
			goto done;
		crc = crc32_combine(crc, g->chunks[i].crc, (z_off_t)g->chunks[i].in_len);
	}
	put_le32(trailer, (uint32_t)crc);
	put_le32(trailer + 4, (uint32_t)len); /* ISIZE: the size modulo 2^32 */
	err = wp_buf_append(out, trailer, sizeof(trailer));
done:
	for (i = 0; i < g->maxchunks; i++)
		free(g->chunks[i].out);
	free(g->chunks);
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->more);
	return err;
}

int oci_gzip_finish(struct oci_gzip *g, struct wp_buf *out, char *diff_id)
{
	int err, herr = 0;

	if (!g)
		return -1;
	if (diff_id && g->hash.ctx)
		herr = oci_hasher_final(&g->hash, diff_id);
	else
		oci_hasher_release(&g->hash);
	err = gzip_end(g, out);
	free(g->buf);
	free(g);
	return err < 0 ? err : herr;
}

int oci_layer_gzip(const uint8_t *data, size_t len, struct wp_buf *out)
{
	struct oci_gzip *g;
	int err;

	if ((err = gzip_begin(data, len, len, 1, &g)) < 0)
		return err;
	err = gzip_end(g, out);
	free(g);
	return err;
}
