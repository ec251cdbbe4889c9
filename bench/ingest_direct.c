/*
 * ingest_direct.c: the in-process pipeline as `dossier ingest` ran it
 * before the work queue (ing_batch: the calling thread decodes, -j
 * worker threads read, files filed in order), for bench/ingest.sh to
 * measure the queue against on the same pages in the same run.
 * Usage: ingest_direct ARCHIVE JOBS FILE...  Prints {"pages", "seconds",
 * "pages_per_min"} on standard output.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dossier/ingest.h"

struct count {
	int pages, failed;
};

static void
on_file(void *arg, const char *path, enum dos_err err, json_t *docs,
	const char *msg)
{
	struct count *c = arg;
	size_t k;
	json_t *d;

	if (err != DOS_OK) {
		c->failed++;
		fprintf(stderr, "%s: %s\n", path, msg ? msg : "failed");
		return;
	}
	json_array_foreach(docs, k, d)
		c->pages += (int)json_integer_value(json_object_get(d, "pages"));
}

int
main(int argc, char **argv)
{
	struct ing_options o;
	struct ing *ing = NULL;
	struct arc *a = NULL;
	struct count c = {0, 0};
	int64_t batch = 0;
	double t0;
	int rc = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: ingest_direct ARCHIVE JOBS FILE...\n");
		return 2;
	}
	if (dos_crypto_init() != DOS_OK ||
	    arc_open(argv[1], 0, &a) != DOS_OK)
		return 1;
	ing_options_default(&o);
	o.jobs = atoi(argv[2]);
	if (ing_new(&o, &ing) != DOS_OK)
		goto out;
	t0 = dos_mono();
	if (arc_batch_begin(a, o.user, &batch) != DOS_OK ||
	    arc_batch_plan(a, batch, argv + 3, argc - 3) != DOS_OK ||
	    ing_batch(ing, a, batch, argv + 3, argc - 3, on_file, NULL, &c) !=
		    DOS_OK)
		goto out;
	arc_batch_finish(a, batch, 0);
	printf("{\"pages\":%d,\"seconds\":%.3f,\"pages_per_min\":%.2f}\n",
	       c.pages, dos_mono() - t0,
	       c.pages * 60.0 / (dos_mono() - t0));
	rc = c.failed ? 1 : 0;
out:
	ing_free(ing);
	arc_close(a);
	return rc;
}
