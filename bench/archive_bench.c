/*
 * archive_bench.c: how fast the archive files what ingest hands it, and
 * how large the catalogue grows.  Builds a fresh archive of N pages in
 * documents of 1-8 pages (one source file each), every page with about
 * 350 OCR words with boxes and confidences and a barcode, and reports:
 *  - commit rate: sources, documents and pages per second through
 *    arc_source_commit (the catalogue transaction, blobs already stored);
 *  - blob store rate: arc_blob_put of page-sized blobs (temp file, fsync,
 *    rename, fsync folder), the other half of filing a page;
 *  - catalogue size per 1,000 pages (after a checkpoint), and the share
 *    taken by the full-text index.
 * Usage: archive_bench [PAGES] [DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dossier/archive.h"

#define WORDS_PER_PAGE 350
#define VOCAB 3000

static unsigned long long rng = 88172645463325252ull;

static unsigned
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}

/* A word of the vocabulary: common words come up more often (Zipf-ish). */
static void
word(char *out, size_t n)
{
	static const char *const syl[] = {"re", "pay", "ment", "con", "tract",
					  "ac", "count", "loan", "date", "sig",
					  "na", "ture", "bank", "cus", "to",
					  "mer", "in", "ter", "est", "rate"};
	unsigned r = rnd() % VOCAB;
	size_t len = 0;

	if (r % 11 == 0) { /* numbers: amounts, account numbers, dates */
		snprintf(out, n, "%u", rnd() % 1000000);
		return;
	}
	r = r * r / VOCAB; /* small ranks are common words */
	do {
		len += (size_t)snprintf(out + len, n - len, "%s",
					syl[r % 20]);
		r /= 20;
	} while (r > 0 && len < n - 6);
}

static double
file_mb(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (double)st.st_size / 1e6 : 0;
}

static void
die(const char *what, enum dos_err err)
{
	fprintf(stderr, "archive_bench: %s: %s\n", what, dos_strerror(err));
	exit(1);
}

int
main(int argc, char **argv)
{
	int npages = argc > 1 ? atoi(argv[1]) : 10000;
	char tmpl[] = "/tmp/dossier-bench-XXXXXX";
	const char *dir = argc > 2 ? argv[2] : mkdtemp(tmpl);
	char db[512], bigblob[40000], orig[DOS_SHA256_HEX];
	static char text[WORDS_PER_PAGE * 24], wbuf[WORDS_PER_PAGE][24],
		procs[8][DOS_SHA256_HEX], thumbs[8][DOS_SHA256_HEX];
	struct arc_word words[WORDS_PER_PAGE];
	struct arc_barcode bc = {"CODE-128", "ACC-2024-000101"};
	struct arc_page_in pages[8];
	struct arc_doc_in d;
	struct arc_source_in s;
	struct arc *a;
	double t0, tcommit = 0, tblob = 0, ftsmb = 0;
	int done = 0, docs = 0, i, j, k, nblob = 0;
	int64_t batch;
	enum dos_err err;
	sqlite3 *h;
	sqlite3_stmt *st;

	if (npages < 100 || dir == NULL) {
		fprintf(stderr, "usage: archive_bench [PAGES >= 100] [DIR]\n");
		return 2;
	}
	if ((err = dos_crypto_init()) != DOS_OK)
		die("crypto", err);
	if ((err = arc_open(dir, ARC_CREATE, &a)) != DOS_OK)
		die(dir, err);
	if ((err = arc_batch_begin(a, "bench", &batch)) != DOS_OK)
		die("batch", err);
	for (i = 0; i < (int)sizeof(bigblob); i++)
		bigblob[i] = (char)rnd();
	while (done < npages) {
		int np = 1 + (int)(rnd() % 8);
		char name[64], obytes[64];

		if (np > npages - done)
			np = npages - done;
		memset(pages, 0, sizeof(pages));
		for (j = 0; j < np; j++) {
			size_t tl = 0;

			/* Page-sized blobs for the first 1,000 pages (blob
			 * store rate), small distinct ones after. */
			memcpy(bigblob, &done, sizeof(done));
			memcpy(bigblob + sizeof(done), &j, sizeof(j));
			t0 = dos_mono();
			if ((err = arc_blob_put(a, bigblob,
						done < 1000 ? sizeof(bigblob)
							    : 64,
						procs[j])) != DOS_OK ||
			    (err = arc_blob_put(a, bigblob + 1,
						done < 1000 ? 6000 : 48,
						thumbs[j])) != DOS_OK)
				die("blob", err);
			if (done < 1000) {
				tblob += dos_mono() - t0;
				nblob += 2;
			}
			for (k = 0; k < WORDS_PER_PAGE; k++) {
				word(wbuf[k], sizeof(wbuf[k]));
				words[k].text = wbuf[k];
				words[k].x = 100 + (k % 12) * 180;
				words[k].y = 150 + (k / 12) * 100;
				words[k].w = 20 * (int)strlen(wbuf[k]);
				words[k].h = 40;
				words[k].conf = 60 + (float)(rnd() % 40);
				tl += (size_t)snprintf(text + tl,
						       sizeof(text) - tl, "%s%s",
						       wbuf[k],
						       k % 12 == 11 ? "\n" : " ");
			}
			pages[j].source_index = j;
			pages[j].processed = procs[j];
			pages[j].thumb = thumbs[j];
			pages[j].width = 2480;
			pages[j].height = 3508;
			pages[j].dpi = 300;
			pages[j].ocr_confidence = 85;
			pages[j].text = strdup(text);
			pages[j].words = words;
			pages[j].nwords = WORDS_PER_PAGE;
			pages[j].barcodes = &bc;
			pages[j].nbarcodes = 1;
			done++;
		}
		snprintf(obytes, sizeof(obytes), "original %d", done);
		snprintf(name, sizeof(name), "scan-%06d.tif", done);
		if ((err = arc_blob_put(a, obytes, strlen(obytes), orig)) !=
		    DOS_OK)
			die("blob", err);
		memset(&d, 0, sizeof(d));
		d.account = "ACC-2024-000101";
		d.category = rnd() % 2 ? "CONTRACT" : "CREDIT";
		d.title = name;
		d.status = "archived";
		d.pages = pages;
		d.npages = (size_t)np;
		memset(&s, 0, sizeof(s));
		s.name = name;
		s.sha256 = orig;
		s.size = strlen(obytes);
		s.format = "tiff";
		s.npages = np;
		s.batch_id = batch;
		s.actor = "bench";
		s.docs = &d;
		s.ndocs = 1;
		t0 = dos_mono();
		if ((err = arc_source_commit(a, &s)) != DOS_OK)
			die("commit", err);
		tcommit += dos_mono() - t0;
		docs++;
		for (j = 0; j < np; j++)
			free((char *)pages[j].text);
		if (docs % 200 == 0 && isatty(STDERR_FILENO))
			fprintf(stderr, "\r%d/%d pages", done, npages);
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	arc_close(a);

	/* Sizes after a checkpoint, with the full-text index's share. */
	snprintf(db, sizeof(db), "%s/catalogue.db", dir);
	if (sqlite3_open(db, &h) == SQLITE_OK) {
		sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
			     NULL);
		if (sqlite3_prepare_v2(h, "SELECT sum(pgsize) FROM dbstat "
					  "WHERE name LIKE 'doc_fts%'", -1,
				       &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				ftsmb = sqlite3_column_double(st, 0) / 1e6;
			sqlite3_finalize(st);
		}
		sqlite3_close(h);
	}
	printf("archive bench: %d pages in %d documents (one source file "
	       "each), %d OCR words per page\n",
	       npages, docs, WORDS_PER_PAGE);
	printf("  commit (catalogue transaction): %.1f documents/s, %.0f "
	       "pages/s, %.2f ms per page\n",
	       docs / tcommit, npages / tcommit, 1000 * tcommit / npages);
	printf("  blob store (temp, fsync, rename, fsync folder): %.0f blobs/s "
	       "(%d page + thumbnail blobs of the first 1,000 pages)\n",
	       nblob / tblob, nblob);
	printf("  catalogue: %.1f MB for %d pages = %.1f MB per 1,000 pages "
	       "(full-text index %.1f MB per 1,000)\n",
	       file_mb(db), npages, file_mb(db) * 1000 / npages,
	       ftsmb * 1000 / npages);
	if (argc <= 2) {
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return 0;
}
