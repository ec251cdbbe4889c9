/*
 * ingest.c: ingests one scan file: limits, duplicate detection by SHA-256,
 * per-page processing, filing (account and category), and one atomic
 * commit to the archive.  Exports ing_options_default, ing_new, ing_free,
 * ing_file.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

#define DEFAULT_ACCOUNT_REGEX "ACC-[0-9]{4}-[0-9]{6}"

struct ing {
	struct ing_options opt;
	struct ing_worker *worker;
	regex_t account_re;
	int have_re;
};

void
ing_options_default(struct ing_options *o)
{
	memset(o, 0, sizeof(*o));
	o->langs = "eng";
	o->user = "local-admin";
	o->account_regex = DEFAULT_ACCOUNT_REGEX;
	o->max_file_bytes = 512ull << 20;
	o->max_page_pixels = 100000000ull;
	o->review_confidence = 60.0;
	o->deskew = 1;
}

void
ing_free(struct ing *ing)
{
	if (ing == NULL)
		return;
	ing_worker_free(ing->worker);
	if (ing->have_re)
		regfree(&ing->account_re);
	free(ing);
}

enum dos_err
ing_new(const struct ing_options *o, struct ing **ping)
{
	struct ing *ing;
	enum dos_err err;

	*ping = NULL;
	if ((ing = calloc(1, sizeof(*ing))) == NULL)
		return DOS_NOMEM;
	ing->opt = *o;
	if (regcomp(&ing->account_re, o->account_regex, REG_EXTENDED) != 0) {
		dos_errx("invalid account pattern '%s'", o->account_regex);
		free(ing);
		return DOS_INVAL;
	}
	ing->have_re = 1;
	/* Leptonica would print its own messages for every hostile input. */
	setMsgSeverity(L_SEVERITY_NONE);
	if ((err = ing_worker_new(o, &ing->worker)) != DOS_OK) {
		ing_free(ing);
		return err;
	}
	*ping = ing;
	return DOS_OK;
}

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

static char *
msgdup(const char *s)
{
	return strdup(s);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

enum dos_err
ing_file(struct ing *ing, struct arc *a, int64_t batch_id, const char *path,
	 json_t **presult, char **pmsg)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char sha[DOS_SHA256_HEX], msg[512], account[128];
	struct ing_source src;
	struct ing_page *pages = NULL;
	struct arc_page_in *pin = NULL;
	struct arc_barcode **bcs = NULL;
	struct arc_doc_in doc;
	struct arc_source_in sin;
	json_t *dups = NULL;
	PIX *pix = NULL;
	int i, found = 0, review = 0, src_open = 0;
	size_t k;
	enum dos_err err;

	*presult = NULL;
	*pmsg = NULL;
	msg[0] = '\0';
	err = dos_file_read(path, ing->opt.max_file_bytes, &data, &len);
	if (err != DOS_OK) {
		if (err == DOS_LIMIT)
			snprintf(msg, sizeof(msg),
				 "file is larger than the %llu MiB limit",
				 (unsigned long long)(ing->opt.max_file_bytes >>
						      20));
		else if (err == DOS_NOTFOUND)
			snprintf(msg, sizeof(msg), "no such file");
		else if (err == DOS_INVAL)
			snprintf(msg, sizeof(msg), "not a regular file");
		else
			snprintf(msg, sizeof(msg), "cannot read file: %s",
				 dos_strerror(err));
		goto out;
	}
	if ((err = dos_sha256_hex(data, len, sha)) != DOS_OK)
		goto out;
	if ((err = arc_source_find(a, sha, &found, &dups)) != DOS_OK) {
		snprintf(msg, sizeof(msg), "archive lookup failed");
		goto out;
	}
	if (found) {
		*presult = json_array();
		for (k = 0; k < json_array_size(dups); k++)
			json_array_append_new(
				*presult,
				json_pack("{s:O,s:b}", "id",
					  json_array_get(dups, k), "duplicate",
					  1));
		goto out;
	}
	if ((err = ing_source_open(&src, data, len, ing->opt.max_page_pixels,
				   msg, sizeof(msg))) != DOS_OK)
		goto out;
	src_open = 1;
	if ((pages = calloc((size_t)src.npages, sizeof(*pages))) == NULL ||
	    (pin = calloc((size_t)src.npages, sizeof(*pin))) == NULL ||
	    (bcs = calloc((size_t)src.npages, sizeof(*bcs))) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	for (i = 0; i < src.npages; i++) {
		if ((err = ing_source_page(&src, i, &pix, msg, sizeof(msg))) !=
		    DOS_OK)
			goto out;
		pages[i].source_index = i;
		err = ing_worker_page(ing->worker, pix, &pages[i]);
		pixDestroy(&pix);
		if (err != DOS_OK) {
			snprintf(msg, sizeof(msg), "page %d: processing failed: %s",
				 i + 1, dos_strerror(err));
			goto out;
		}
		if (!pages[i].blank &&
		    pages[i].ocr_confidence < ing->opt.review_confidence)
			review = 1;
	}

	/* Blobs first (fsynced), then one catalogue transaction. */
	if ((err = arc_blob_put(a, data, len, sha)) != DOS_OK) {
		snprintf(msg, sizeof(msg), "cannot store original: %s",
			 dos_strerror(err));
		goto out;
	}
	for (i = 0; i < src.npages; i++) {
		struct ing_page *p = &pages[i];
		struct arc_page_in *q = &pin[i];
		char *psha = malloc(DOS_SHA256_HEX), *tsha = malloc(DOS_SHA256_HEX);

		if (psha == NULL || tsha == NULL) {
			free(psha);
			free(tsha);
			err = DOS_NOMEM;
			goto out;
		}
		q->processed = psha;
		q->thumb = tsha;
		if ((err = arc_blob_put(a, p->processed, p->processed_len,
					psha)) != DOS_OK ||
		    (err = arc_blob_put(a, p->thumb, p->thumb_len, tsha)) !=
			    DOS_OK) {
			snprintf(msg, sizeof(msg), "cannot store page %d: %s",
				 i + 1, dos_strerror(err));
			goto out;
		}
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
			if ((bcs[i] = calloc(p->nbarcodes, sizeof(**bcs))) ==
			    NULL) {
				err = DOS_NOMEM;
				goto out;
			}
			for (k = 0; k < p->nbarcodes; k++) {
				bcs[i][k].type = p->barcodes[k].type;
				bcs[i][k].value = p->barcodes[k].value;
			}
		}
		q->barcodes = bcs[i];
		q->nbarcodes = p->nbarcodes;
	}
	memset(&doc, 0, sizeof(doc));
	if (ing->opt.account != NULL)
		doc.account = ing->opt.account;
	else if (detect_account(ing, pages, src.npages, account,
				sizeof(account)))
		doc.account = account;
	doc.category = ing->opt.category;
	doc.title = base_name(path);
	doc.status = review ? "review" : "archived";
	doc.pages = pin;
	doc.npages = (size_t)src.npages;
	memset(&sin, 0, sizeof(sin));
	sin.name = base_name(path);
	sin.sha256 = sha;
	sin.size = len;
	sin.format = src.format;
	sin.npages = src.npages;
	sin.batch_id = batch_id;
	sin.docs = &doc;
	sin.ndocs = 1;
	if ((err = arc_source_commit(a, &sin)) != DOS_OK) {
		snprintf(msg, sizeof(msg), "cannot file the document: %s",
			 dos_strerror(err));
		goto out;
	}
	snprintf(msg, sizeof(msg), "document %lld", (long long)doc.id);
	arc_audit(a, ing->opt.user, "ingest", msg, sin.name);
	msg[0] = '\0';
	*presult = json_pack("[{s:I,s:i,s:o,s:o,s:s}]", "id",
			     (json_int_t)doc.id, "pages", src.npages, "account",
			     doc.account ? json_string(doc.account) : json_null(),
			     "category",
			     doc.category ? json_string(doc.category)
					  : json_null(),
			     "status", doc.status);
out:
	if (err != DOS_OK && msg[0] == '\0')
		snprintf(msg, sizeof(msg), "%s", dos_strerror(err));
	if (err != DOS_OK)
		*pmsg = msgdup(msg);
	for (i = 0; pages != NULL && i < src.npages; i++) {
		ing_page_clear(&pages[i]);
		if (pin != NULL) {
			free((char *)pin[i].processed);
			free((char *)pin[i].thumb);
		}
		if (bcs != NULL)
			free(bcs[i]);
	}
	free(pages);
	free(pin);
	free(bcs);
	json_decref(dups);
	if (src_open)
		ing_source_close(&src);
	pixDestroy(&pix);
	free(data);
	return err;
}
