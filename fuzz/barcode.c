/*
 * barcode.c: libFuzzer harness for what the ingest makes of the barcodes
 * and text it read on a file's pages (ingest/file.c): separator sheets
 * (PATCHT), cover sheets ("DOS:ACCOUNT:CATEGORY"), ASN labels ("ASN
 * 000123", the label pattern), account numbers found by the account
 * pattern in barcodes and text, a batch manifest row (ingest/manifest.c),
 * and the filing of the resulting documents in a real archive.
 *
 * OCR and zbar are not run: the input describes what they would have
 * returned, one record per line:
 *   P            a new page (the first page is implicit)
 *   B<value>     a barcode on the current page, as zbar returns it
 *   T<text>      a line of the current page's OCR text
 *   K            the current page looks blank
 *   M<csv line>  a line of a batch manifest (loaded when any is given)
 *   F<path>      the file's path (default "batch/scan.tif")
 * The pages then go through ing_file_commit, the function ing_batch calls
 * for each processed file: cutting into documents, choosing account and
 * category, and one archive transaction.  The archive (in a scratch
 * folder, on tmpfs when there is one) is made anew every
 * FUZZ_ARCHIVE_RUNS inputs so it does not grow without bound.  The
 * ingest engine is made once with ing_new (defaults; one worker, which
 * loads Tesseract's English data once, and no searchable PDF).
 *
 * Barcode values and text are made UTF-8 first, as page.c keeps them
 * (zbar may return other bytes; Tesseract does not); the path and the
 * manifest are taken as they come.
 *
 * Checked: filing succeeds (nothing in a scan's barcodes, text, name or
 * manifest is a reason to refuse it); the answer lists every document
 * as an object with a page count of at least 1, each can be shown
 * (arc_doc_get, what the API and `dossier show` use), and the pages filed
 * add up to the pages that are not separator, cover or blank sheets (the
 * roles computed here independently of file.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ingest/internal.h"

#define FUZZ_MAX_INPUT (64u << 10)
#define FUZZ_MAX_PAGES 16
#define FUZZ_MAX_CODES 8 /* barcodes on one page */
#define FUZZ_ARCHIVE_RUNS 2000

static struct ing *ing;
static struct arc *arc;
static int64_t batch;
static unsigned long runs;
static char archive_dir[300];

static void
archive_fresh(void)
{
	if (arc != NULL) {
		arc_close(arc);
		arc = NULL;
		fz_rmtree(archive_dir);
	}
	FZ_SETUP(arc_open(archive_dir, ARC_CREATE, &arc) == DOS_OK,
		 "arc_open");
	FZ_SETUP(arc_batch_begin(arc, "fuzz", &batch) == DOS_OK,
		 "arc_batch_begin");
}

static void
fuzz_stop(void)
{
	ing_free(ing);
	ing = NULL;
	arc_close(arc);
	arc = NULL;
}

static void
fuzz_start(void)
{
	struct ing_options o;

	dos_log_set_level(DOS_LOG_WARN);
	FZ_SETUP(dos_crypto_init() == DOS_OK, "libsodium");
	snprintf(archive_dir, sizeof(archive_dir), "%s/archive",
		 fz_scratch_dir());
	archive_fresh();
	ing_options_default(&o);
	o.jobs = 1;
	o.orient = 0;
	o.pdf = 0;
	o.user = "fuzz";
	FZ_SETUP(ing_new(&o, &ing) == DOS_OK, "ing_new (is tesseract-ocr-eng "
					      "installed?)");
	atexit(fuzz_stop);
}

/* A filed document can be shown (as the API and `dossier show` do). */
static void
check_view(json_int_t id)
{
	struct arc_user who;
	char msg[512] = "";
	json_t *j = NULL;
	enum dos_err err;

	arc_user_local(&who);
	err = arc_doc_get(arc, &who, (int64_t)id, &j, msg, sizeof(msg));
	if (err != DOS_OK)
		fprintf(stderr, "fuzz: document %lld cannot be shown: %s %s\n",
			(long long)id, dos_strerror(err), msg);
	FZ_CHECK(err == DOS_OK && json_is_object(j));
	json_decref(j);
}

/* What split_pages should make of a page, worked out independently. */
static int
is_content(const struct ing_page *p)
{
	const char *v, *colon;
	size_t k;

	for (k = 0; k < p->nbarcodes; k++) {
		v = p->barcodes[k].value;
		if (strcmp(v, "PATCHT") == 0)
			return 0;
		if (strncmp(v, "DOS:", 4) != 0)
			continue;
		v += 4;
		colon = strrchr(v, ':');
		if (colon != NULL && colon != v && colon[1] != '\0' &&
		    (size_t)(colon - v) < 128 && strlen(colon + 1) < 64)
			return 0; /* a cover sheet (values are UTF-8 here) */
	}
	return !p->blank;
}

static char *
dup_bytes(const uint8_t *s, size_t n)
{
	char *d = malloc(n + 1);

	FZ_SETUP(d != NULL, "malloc");
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* As page.c keeps what zbar read: text, other bytes as '?'. */
static char *
dup_text(const uint8_t *s, size_t n)
{
	char *raw = dup_bytes(s, n), *d = malloc(n + 1);

	FZ_SETUP(d != NULL, "malloc");
	dos_utf8_clean(raw, d, n + 1);
	free(raw);
	return d;
}

/* Appends n bytes and a newline to the malloc'd string *ps. */
static void
append_line(char **ps, size_t *plen, const uint8_t *s, size_t n)
{
	char *d = realloc(*ps, *plen + n + 2);

	FZ_SETUP(d != NULL, "realloc");
	memcpy(d + *plen, s, n);
	*plen += n;
	d[(*plen)++] = '\n';
	d[*plen] = '\0';
	*ps = d;
}

static void
page_init(struct ing_page *p, int index)
{
	memset(p, 0, sizeof(*p));
	p->source_index = index;
	p->width = p->height = 100;
	p->dpi = 300;
	p->ocr_confidence = 90;
	/* ing_page_clear frees these, as after a real page. */
	p->processed = (unsigned char *)dup_bytes((const uint8_t *)"G4", 2);
	p->processed_len = 2;
	p->thumb = (unsigned char *)dup_bytes((const uint8_t *)"PNG", 3);
	p->thumb_len = 3;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ing_page pages[FUZZ_MAX_PAGES];
	struct ing_manifest *man = NULL;
	struct ing_file f;
	char *text[FUZZ_MAX_PAGES] = {NULL}, *csv = NULL, *path = NULL;
	char mpath[64], mmsg[512];
	size_t tlen[FUZZ_MAX_PAGES] = {0}, csvlen = 0, i, k, n, want, got;
	const uint8_t *line, *end = data + size, *nl;
	json_t *docs = NULL, *d;
	enum dos_err err;
	int np = 1, mfd, pg;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (ing == NULL)
		fuzz_start();
	if (++runs % FUZZ_ARCHIVE_RUNS == 0)
		archive_fresh();
	page_init(&pages[0], 0);
	for (line = data; line < end; line = nl + 1) {
		struct ing_page *p = &pages[np - 1];

		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		n = (size_t)(nl - line);
		if (n == 0)
			continue;
		switch (line[0]) {
		case 'P':
			if (np < FUZZ_MAX_PAGES) {
				page_init(&pages[np], np);
				np++;
			}
			break;
		case 'B':
			if (p->nbarcodes == FUZZ_MAX_CODES)
				break;
			if (p->barcodes == NULL) {
				p->barcodes = calloc(FUZZ_MAX_CODES,
						     sizeof(*p->barcodes));
				FZ_SETUP(p->barcodes != NULL, "calloc");
			}
			p->barcodes[p->nbarcodes].type =
				dup_bytes((const uint8_t *)"CODE-128", 8);
			p->barcodes[p->nbarcodes].value =
				dup_text(line + 1, n - 1);
			p->nbarcodes++;
			break;
		case 'T':
			append_line(&text[np - 1], &tlen[np - 1], line + 1,
				    n - 1);
			break;
		case 'K':
			p->blank = 1;
			break;
		case 'M':
			append_line(&csv, &csvlen, line + 1, n - 1);
			break;
		case 'F':
			free(path);
			path = dup_bytes(line + 1, n - 1);
			break;
		default:
			break;
		}
		if (nl == end)
			break;
	}
	/* Tesseract's text is UTF-8. */
	for (pg = 0; pg < np; pg++) {
		pages[pg].text = text[pg] != NULL
					 ? dup_text((const uint8_t *)text[pg],
						    tlen[pg])
					 : dup_bytes(data, 0);
		free(text[pg]);
	}

	if (csv != NULL) {
		mfd = fz_memfd_path((const uint8_t *)csv, csvlen, mpath,
				    sizeof(mpath));
		mmsg[0] = '\0';
		if (ing_manifest_load(mpath, &man, mmsg, sizeof(mmsg)) ==
		    DOS_OK)
			ing_set_manifest(ing, man);
		else
			FZ_CHECK(man == NULL && mmsg[0] != '\0');
		close(mfd);
	}

	memset(&f, 0, sizeof(f));
	f.path = path != NULL ? path : "batch/scan.tif";
	/* Distinct bytes per run: the archive keeps each original once. */
	f.len = size + sizeof(runs);
	f.data = malloc(f.len);
	FZ_SETUP(f.data != NULL, "malloc");
	memcpy(f.data, data, size);
	memcpy(f.data + size, &runs, sizeof(runs));
	FZ_SETUP(dos_sha256_hex(f.data, f.len, f.sha) == DOS_OK, "sha256");
	f.src.format = "tiff";
	f.pages = pages;
	f.npages = np;

	err = ing_file_commit(ing, arc, batch, &f, &docs);
	if (err != DOS_OK) {
		/* Nothing here is a reason to refuse a scan. */
		fprintf(stderr, "fuzz: filing failed: %s: %s\n",
			dos_strerror(err), f.msg);
		FZ_CHECK(err == DOS_OK);
	} else {
		want = 0;
		for (pg = 0; pg < np; pg++)
			want += (size_t)is_content(&pages[pg]);
		FZ_CHECK(json_is_array(docs));
		got = 0;
		json_array_foreach(docs, k, d) {
			json_int_t npg = json_integer_value(
				json_object_get(d, "pages"));

			FZ_CHECK(json_is_object(d));
			FZ_CHECK(npg >= 1);
			got += (size_t)npg;
			check_view(json_integer_value(
				json_object_get(d, "id")));
		}
		if (got != want)
			fprintf(stderr, "fuzz: %zu pages filed, %zu expected\n",
				got, want);
		FZ_CHECK(got == want);
	}
	json_decref(docs);
	ing_set_manifest(ing, NULL);
	ing_manifest_free(man);
	for (i = 0; i < (size_t)np; i++)
		ing_page_clear(&pages[i]);
	free(f.data);
	free(path);
	free(csv);
	return 0;
}
