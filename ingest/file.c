/*
 * file.c: files a processed scan: decides account and category, stores the
 * original, processed pages and thumbnails as blobs (fsynced), then commits
 * the source and its documents in one catalogue transaction.
 * Exports ing_file_commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Copies the first account-number match in s into out. */
static int
find_account(const regex_t *re, const char *s, char *out, size_t n)
{
	regmatch_t m;
	size_t len;

	if (s == NULL || regexec(re, s, 1, &m, 0) != 0)
		return 0;
	len = (size_t)(m.rm_eo - m.rm_so);
	if (len == 0 || len >= n)
		return 0;
	memcpy(out, s + m.rm_so, len);
	out[len] = '\0';
	return 1;
}

/* Barcodes first (deliberate labels), then the OCR text. */
static int
detect_account(const struct ing *ing, const struct ing_page *pages,
	       int npages, char *out, size_t n)
{
	int i;
	size_t k;

	for (i = 0; i < npages; i++)
		for (k = 0; k < pages[i].nbarcodes; k++)
			if (find_account(&ing->account_re,
					 pages[i].barcodes[k].value, out, n))
				return 1;
	for (i = 0; i < npages; i++)
		if (find_account(&ing->account_re, pages[i].text, out, n))
			return 1;
	return 0;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* Stores a page's blobs and fills the catalogue view of it. */
static enum dos_err
page_in(struct arc *a, const struct ing_page *p, struct arc_page_in *q,
	char (*shas)[DOS_SHA256_HEX], struct arc_barcode **pbcs)
{
	size_t k;
	enum dos_err err;

	if ((err = arc_blob_put(a, p->processed, p->processed_len, shas[0])) !=
		    DOS_OK ||
	    (err = arc_blob_put(a, p->thumb, p->thumb_len, shas[1])) != DOS_OK)
		return err;
	memset(q, 0, sizeof(*q));
	q->processed = shas[0];
	q->thumb = shas[1];
	q->source_index = p->source_index;
	q->width = p->width;
	q->height = p->height;
	q->dpi = p->dpi;
	q->rotation = p->rotation;
	q->skew_deg = p->skew_deg;
	q->ocr_confidence = p->ocr_confidence;
	q->blank = p->blank;
	q->text = p->text;
	q->words = p->words;
	q->nwords = p->nwords;
	if (p->nbarcodes > 0) {
		if ((*pbcs = calloc(p->nbarcodes, sizeof(**pbcs))) == NULL)
			return DOS_NOMEM;
		for (k = 0; k < p->nbarcodes; k++) {
			(*pbcs)[k].type = p->barcodes[k].type;
			(*pbcs)[k].value = p->barcodes[k].value;
		}
	}
	q->barcodes = *pbcs;
	q->nbarcodes = p->nbarcodes;
	return DOS_OK;
}

enum dos_err
ing_file_commit(struct ing *ing, struct arc *a, int64_t batch_id,
		struct ing_file *f, json_t **pdocs)
{
	struct arc_page_in *pin = NULL;
	struct arc_barcode **bcs = NULL;
	char (*shas)[DOS_SHA256_HEX] = NULL;
	char account[128], obj[64];
	struct arc_doc_in doc;
	struct arc_source_in sin;
	int i, review = 0;
	enum dos_err err;

	*pdocs = NULL;
	if ((pin = calloc((size_t)f->npages, sizeof(*pin))) == NULL ||
	    (bcs = calloc((size_t)f->npages, sizeof(*bcs))) == NULL ||
	    (shas = calloc((size_t)f->npages * 2, sizeof(*shas))) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	/* Blobs first (each fsynced), then one catalogue transaction. */
	if ((err = arc_blob_put(a, f->data, f->len, f->sha)) != DOS_OK) {
		snprintf(f->msg, sizeof(f->msg), "cannot store the original: %s",
			 dos_strerror(err));
		goto out;
	}
	for (i = 0; i < f->npages; i++) {
		if ((err = page_in(a, &f->pages[i], &pin[i], &shas[2 * i],
				   &bcs[i])) != DOS_OK) {
			snprintf(f->msg, sizeof(f->msg),
				 "cannot store page %d: %s", i + 1,
				 dos_strerror(err));
			goto out;
		}
		if ((!f->pages[i].blank &&
		     f->pages[i].ocr_confidence < ing->opt.review_confidence) ||
		    f->pages[i].orient_uncertain)
			review = 1;
	}
	memset(&doc, 0, sizeof(doc));
	if (ing->opt.account != NULL)
		doc.account = ing->opt.account;
	else if (detect_account(ing, f->pages, f->npages, account,
				sizeof(account)))
		doc.account = account;
	doc.category = ing->opt.category;
	doc.title = base_name(f->path);
	doc.status = review ? "review" : "archived";
	doc.pages = pin;
	doc.npages = (size_t)f->npages;
	memset(&sin, 0, sizeof(sin));
	sin.name = base_name(f->path);
	sin.sha256 = f->sha;
	sin.size = f->len;
	sin.format = f->src.format;
	sin.npages = f->npages;
	sin.batch_id = batch_id;
	sin.docs = &doc;
	sin.ndocs = 1;
	if ((err = arc_source_commit(a, &sin)) != DOS_OK) {
		snprintf(f->msg, sizeof(f->msg), "cannot file the document: %s",
			 dos_strerror(err));
		goto out;
	}
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc.id);
	arc_audit(a, ing->opt.user, "ingest", obj, sin.name);
	*pdocs = json_pack("[{s:I,s:i,s:o,s:o,s:s}]", "id", (json_int_t)doc.id,
			   "pages", f->npages, "account",
			   doc.account ? json_string(doc.account) : json_null(),
			   "category",
			   doc.category ? json_string(doc.category)
					: json_null(),
			   "status", doc.status);
	if (*pdocs == NULL)
		err = DOS_NOMEM;
out:
	for (i = 0; bcs != NULL && i < f->npages; i++)
		free(bcs[i]);
	free(bcs);
	free(pin);
	free(shas);
	return err;
}
