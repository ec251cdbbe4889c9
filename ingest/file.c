/*
 * file.c: files a processed scan: decides account and category, stores the
 * original, processed pages and thumbnails as blobs (fsynced), then commits
 * the source and its documents in one catalogue transaction.
 * Exports ing_file_commit, ing_page_in.
 */
#include <stdio.h>
#include <stdint.h>
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
	/* A pattern may match bytes that are no text: not an account. */
	return dos_utf8_valid(out);
}

enum dos_err
ing_page_in(struct arc *a, const struct ing_page *p, struct arc_page_in *q,
	char (*shas)[DOS_SHA256_HEX], struct arc_barcode **pbcs)
{
	size_t k;
	enum dos_err err;

	if (p->stored[0][0] != '\0') {
		/* Stored when the page was read (the queue). */
		memcpy(shas[0], p->stored[0], DOS_SHA256_HEX);
		memcpy(shas[1], p->stored[1], DOS_SHA256_HEX);
	} else if ((err = arc_blob_put(a, p->processed, p->processed_len,
				       shas[0])) != DOS_OK ||
		   (err = arc_blob_put(a, p->thumb, p->thumb_len, shas[1])) !=
			   DOS_OK)
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
	q->read_share = p->read_share;
	q->unread = (const int (*)[4])p->unread;
	q->nunread = (size_t)p->nunread;
	return DOS_OK;
}

/*
 * The languages a document was read with: as configured, or with
 * languages "auto" those of its pages joined (eng, chi_sim+eng ...).
 */
static const char *
doc_langs(struct ing *ing, const struct ing_file *f, const int *pages,
	  int n, char *buf, size_t len)
{
	size_t used = 0;
	int j;

	if (strcmp(ing->opt.langs, "auto") != 0)
		return ing->opt.langs;
	buf[0] = '\0';
	for (j = 0; j < n; j++) {
		const char *l = f->pages[pages[j]].langs, *p = l;

		/* Each language once, in the order first seen. */
		while (*p != '\0') {
			size_t k = strcspn(p, "+");
			char one[40];
			const char *hit;

			if (k > 0 && k < sizeof(one)) {
				memcpy(one, p, k);
				one[k] = '\0';
				hit = strstr(buf, one);
				if ((hit == NULL ||
				     (hit != buf && hit[-1] != '+') ||
				     (hit[k] != '\0' && hit[k] != '+')) &&
				    used + k + 2 < len) {
					used += (size_t)snprintf(
						buf + used, len - used, "%s%s",
						used ? "+" : "", one);
				}
			}
			p += k;
			if (*p == '+')
				p++;
		}
	}
	return buf[0] != '\0' ? buf : "eng";
}

/* What a page is in the stack. */
enum role { ROLE_CONTENT, ROLE_SEPARATOR, ROLE_COVER, ROLE_BLANK };

struct split_doc {
	int *pages; /* indices into the file's pages */
	int npages;
	char account[128];
	char category[64];
	int64_t serial;
	const char *review_reason;
};

struct split {
	struct split_doc *docs;
	int ndocs;
	struct arc_skipped_in *skipped;
	int nskipped;
	const char **skip_barcode;
};

/* Parses "PREFIX ACC:CAT" from a cover sheet barcode. */
static int
parse_cover(const char *prefix, const char *v, char *acc, size_t an, char *cat,
	    size_t cn)
{
	size_t pl = strlen(prefix);
	const char *colon;

	if (strncmp(v, prefix, pl) != 0)
		return -1; /* not a cover sheet */
	v += pl;
	colon = strrchr(v, ':');
	if (colon == NULL || colon == v || colon[1] == '\0' ||
	    (size_t)(colon - v) >= an || strlen(colon + 1) >= cn)
		return 0; /* a cover sheet we cannot read */
	memcpy(acc, v, (size_t)(colon - v));
	acc[colon - v] = '\0';
	snprintf(cat, cn, "%s", colon + 1);
	/* Our cover sheets print text; other bytes are a misread. */
	if (!dos_utf8_valid(acc) || !dos_utf8_valid(cat))
		return 0;
	return 1;
}

/* Reads a label's serial number; 0 when the value is not a label. */
static int64_t
parse_label(const regex_t *re, const char *v)
{
	regmatch_t m[2];

	if (regexec(re, v, 2, m, 0) != 0 || m[1].rm_so < 0)
		return 0;
	return strtoll(v + m[1].rm_so, NULL, 10);
}

static struct split_doc *
doc_new(struct split *sp, int npages)
{
	struct split_doc *d;

	d = realloc(sp->docs, (size_t)(sp->ndocs + 1) * sizeof(*d));
	if (d == NULL)
		return NULL;
	sp->docs = d;
	d = &sp->docs[sp->ndocs];
	memset(d, 0, sizeof(*d));
	if ((d->pages = calloc((size_t)npages, sizeof(int))) == NULL)
		return NULL;
	sp->ndocs++;
	return d;
}

/*
 * Cuts a file's pages into documents: a separator sheet ends a document
 * and is dropped; a cover sheet starts one under its account and category
 * and is dropped; a label starts one and gives its serial number; blank
 * pages are set aside.  Pages before any marker form a document of their
 * own.
 */
static enum dos_err
split_pages(const struct ing *ing, const struct ing_file *f, struct split *sp)
{
	struct split_doc *cur = NULL;
	char acc[128], cat[64];
	int i, cover;
	size_t k;
	enum role role;
	int64_t serial;
	const char *why, *decisive;

	memset(sp, 0, sizeof(*sp));
	if ((sp->skipped = calloc((size_t)f->npages, sizeof(*sp->skipped))) ==
	    NULL)
		return DOS_NOMEM;
	if (f->cover != NULL && f->cover->lead_account[0] != '\0') {
		/* A resumed scan: the stopped run's document goes on. */
		if ((cur = doc_new(sp, f->npages)) == NULL)
			return DOS_NOMEM;
		snprintf(cur->account, sizeof(cur->account), "%s",
			 f->cover->lead_account);
		snprintf(cur->category, sizeof(cur->category), "%s",
			 f->cover->lead_category);
		if (f->cover->lead_pages > 0)
			cur->review_reason = "continues a document cut by a "
					     "scanner stop";
	}
	for (i = 0; i < f->npages; i++) {
		const struct ing_page *p = &f->pages[i];

		role = ROLE_CONTENT;
		serial = 0;
		cover = -1;
		why = NULL;
		decisive = NULL;
		for (k = 0; k < p->nbarcodes; k++) {
			const char *v = p->barcodes[k].value;
			int c;

			if (strcmp(v, ing->opt.separator) == 0) {
				role = ROLE_SEPARATOR;
				decisive = v;
				break;
			}
			c = parse_cover(ing->opt.cover_prefix, v, acc,
					sizeof(acc), cat, sizeof(cat));
			if (c == 1) {
				role = ROLE_COVER;
				cover = 1;
				decisive = v;
			} else if (c == 0 && cover != 1) {
				why = "cover sheet barcode could not be read";
			} else if (serial == 0)
				serial = parse_label(&ing->label_re, v);
		}
		if (role == ROLE_CONTENT && p->blank && !ing->opt.keep_blank)
			role = ROLE_BLANK;
		if (role != ROLE_CONTENT) {
			static const char *const names[] = {
				[ROLE_SEPARATOR] = "separator",
				[ROLE_COVER] = "cover",
				[ROLE_BLANK] = "blank",
			};
			struct arc_skipped_in *sk = &sp->skipped[sp->nskipped++];

			sk->source_index = i;
			sk->role = names[role];
			sk->barcode = decisive;
			if (role == ROLE_BLANK)
				continue;
			cur = NULL; /* separator or cover ends the document */
			if (role == ROLE_COVER) {
				if ((cur = doc_new(sp, f->npages)) == NULL)
					return DOS_NOMEM;
				snprintf(cur->account, sizeof(cur->account),
					 "%s", acc);
				snprintf(cur->category, sizeof(cur->category),
					 "%s", cat);
			}
			continue;
		}
		/* A label starts a new document unless one just began. */
		if (serial > 0 && cur != NULL &&
		    (cur->npages > 0 || cur->serial > 0))
			cur = NULL;
		if (cur == NULL && (cur = doc_new(sp, f->npages)) == NULL)
			return DOS_NOMEM;
		if (serial > 0)
			cur->serial = serial;
		if (why != NULL)
			cur->review_reason = why;
		cur->pages[cur->npages++] = i;
	}
	if (f->cover != NULL) {
		/* The document still open, if a cover sheet filed it. */
		f->cover->tail_account[0] = f->cover->tail_category[0] = '\0';
		f->cover->tail_pages = 0;
		if (cur != NULL && cur->account[0] != '\0') {
			snprintf(f->cover->tail_account,
				 sizeof(f->cover->tail_account), "%s",
				 cur->account);
			snprintf(f->cover->tail_category,
				 sizeof(f->cover->tail_category), "%s",
				 cur->category);
			/* The lead document counts what it had before. */
			f->cover->tail_pages = cur->npages;
			if (cur == &sp->docs[0] &&
			    f->cover->lead_account[0] != '\0')
				f->cover->tail_pages += f->cover->lead_pages;
		}
	}
	/* A cover sheet with nothing after it files nothing. */
	for (i = 0, k = 0; i < sp->ndocs; i++) {
		if (sp->docs[i].npages > 0)
			sp->docs[k++] = sp->docs[i];
		else
			free(sp->docs[i].pages);
	}
	sp->ndocs = (int)k;
	return DOS_OK;
}

static void
split_free(struct split *sp)
{
	int i;

	for (i = 0; i < sp->ndocs; i++)
		free(sp->docs[i].pages);
	free(sp->docs);
	free(sp->skipped);
}

/*
 * Account for a document: cover sheet, the file's manifest row m (or
 * NULL), --account, barcode, text.
 */
static const char *
doc_account(const struct ing *ing, const struct ing_file *f,
	    const struct ing_manifest_row *m, struct split_doc *d, char *buf,
	    size_t n)
{
	int i;
	size_t k;

	if (d->account[0] != '\0')
		return d->account;
	if (m != NULL && m->account != NULL)
		return m->account;
	if (ing->opt.account != NULL)
		return ing->opt.account;
	for (i = 0; i < d->npages; i++)
		for (k = 0; k < f->pages[d->pages[i]].nbarcodes; k++)
			if (find_account(&ing->account_re,
					 f->pages[d->pages[i]].barcodes[k].value,
					 buf, n))
				return buf;
	for (i = 0; i < d->npages; i++)
		if (find_account(&ing->account_re, f->pages[d->pages[i]].text,
				 buf, n))
			return buf;
	return NULL;
}

/* What the classifier's suggestion for a document keeps alive. */
struct clf_bufs {
	char *sug;
	char reason[200], cust[80], type[80], cat[40];
};

/* A document with no category given: the classifier's suggestion. */
static enum dos_err
classify_doc(struct ing *ing, struct arc *a, const struct ing_file *f,
	     const struct split_doc *d, struct arc_doc_in *in,
	     struct clf_bufs *b)
{
	struct dbuf text;
	int j;
	enum dos_err err;

	dbuf_init(&text, 64u << 10);
	for (j = 0; j < d->npages && text.len < (60u << 10); j++) {
		dbuf_adds(&text, f->pages[d->pages[j]].text);
		dbuf_adds(&text, "\n");
	}
	err = ing_classify(ing, a, text.data != NULL ? text.data : "", in,
			   &b->sug, b->reason, sizeof(b->reason), b->cust,
			   sizeof(b->cust), b->type, sizeof(b->type), b->cat,
			   sizeof(b->cat));
	dbuf_free(&text);
	return err;
}

/* Joins a document's page PDFs and stores the result as a blob. */
static enum dos_err
doc_pdf(struct arc *a, const struct ing_file *f, const struct split_doc *d,
	char sha[DOS_SHA256_HEX])
{
	const struct ing_page **pages;
	unsigned char *pdf = NULL;
	size_t len = 0;
	int j;
	enum dos_err err;

	if ((pages = calloc((size_t)d->npages, sizeof(*pages))) == NULL)
		return DOS_NOMEM;
	for (j = 0; j < d->npages; j++)
		pages[j] = &f->pages[d->pages[j]];
	if ((err = ing_pdf_join(pages, d->npages, &pdf, &len)) == DOS_OK)
		err = arc_blob_put(a, pdf, len, sha);
	free(pdf);
	free(pages);
	return err;
}

enum dos_err
ing_file_commit(struct ing *ing, struct arc *a, int64_t batch_id,
		struct ing_file *f, json_t **pdocs)
{
	struct arc_page_in *pin = NULL, *dpin = NULL;
	struct arc_barcode **bcs = NULL;
	char (*shas)[DOS_SHA256_HEX] = NULL;
	char (*accbuf)[128] = NULL;
	char (*langbuf)[64] = NULL;
	char (*pdfsha)[DOS_SHA256_HEX] = NULL;
	char (*datebuf)[11] = NULL;
	/* per document: its title, where its date was read, why it waits */
	char (*titlebuf)[200] = NULL, (*notebuf)[160] = NULL;
	char (*whybuf)[240] = NULL;
	struct clf_bufs *clf = NULL;
	const struct ing_manifest_row *man;
	struct arc_doc_in *docs = NULL;
	struct arc_source_in sin;
	struct split sp;
	json_t *out = NULL;
	char name[256], up[256];
	int i, j, review, used = 0;
	enum dos_err err;

	*pdocs = NULL;
	/* The file's name as the archive shows it (titles, the source): an
	 * uploaded file's as it was uploaded. */
	dos_utf8_clean(arc_spool_name(a, f->path, up, sizeof(up))
			       ? up
			       : ing_base_name(f->path),
		       name, sizeof(name));
	man = f->man != NULL ? f->man
			     : ing_manifest_find(ing->manifest, f->path);
	memset(&sp, 0, sizeof(sp));
	if ((err = split_pages(ing, f, &sp)) != DOS_OK)
		goto out;
	if ((pin = calloc((size_t)f->npages, sizeof(*pin))) == NULL ||
	    (dpin = calloc((size_t)f->npages, sizeof(*dpin))) == NULL ||
	    (bcs = calloc((size_t)f->npages, sizeof(*bcs))) == NULL ||
	    (shas = calloc((size_t)f->npages * 2, sizeof(*shas))) == NULL ||
	    (docs = calloc((size_t)sp.ndocs + 1, sizeof(*docs))) == NULL ||
	    (accbuf = calloc((size_t)sp.ndocs + 1, sizeof(*accbuf))) == NULL ||
	    (langbuf = calloc((size_t)sp.ndocs + 1, sizeof(*langbuf))) == NULL ||
	    (pdfsha = calloc((size_t)sp.ndocs + 1, sizeof(*pdfsha))) == NULL ||
	    (datebuf = calloc((size_t)sp.ndocs + 1, sizeof(*datebuf))) ==
		    NULL ||
	    (titlebuf = calloc((size_t)sp.ndocs + 1, sizeof(*titlebuf))) ==
		    NULL ||
	    (notebuf = calloc((size_t)sp.ndocs + 1, sizeof(*notebuf))) ==
		    NULL ||
	    (whybuf = calloc((size_t)sp.ndocs + 1, sizeof(*whybuf))) ==
		    NULL ||
	    (clf = calloc((size_t)sp.ndocs + 1, sizeof(*clf))) == NULL) {
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
		if ((err = ing_page_in(a, &f->pages[i], &pin[i], &shas[2 * i],
				   &bcs[i])) != DOS_OK) {
			snprintf(f->msg, sizeof(f->msg),
				 "cannot store page %d: %s", i + 1,
				 dos_strerror(err));
			goto out;
		}
	}
	for (i = 0; i < sp.nskipped; i++) {
		sp.skipped[i].processed = shas[2 * sp.skipped[i].source_index];
		sp.skipped[i].thumb = shas[2 * sp.skipped[i].source_index + 1];
	}
	for (i = 0; i < sp.ndocs; i++) {
		struct split_doc *d = &sp.docs[i];
		struct arc_page_in *dp;

		/* Blank pages set aside leave gaps: copy the document's own. */
		dp = &dpin[used];
		for (j = 0; j < d->npages; j++)
			dp[j] = pin[d->pages[j]];
		used += d->npages;
		review = d->review_reason != NULL;
		for (j = 0; j < d->npages; j++) {
			const struct ing_page *p = &f->pages[d->pages[j]];

			if (!p->blank && p->nunread > 0 &&
			    (1.0 - p->read_share) * 100.0 >
				    ing->opt.review_unread) {
				review = 1;
				if (d->review_reason == NULL)
					d->review_reason =
						"part of the page was not read";
			}
			if (!p->blank &&
			    p->ocr_confidence < ing->opt.review_confidence) {
				review = 1;
				if (d->review_reason == NULL)
					d->review_reason = "low OCR confidence";
			}
			if (p->orient_uncertain) {
				review = 1;
				if (d->review_reason == NULL)
					d->review_reason =
						"page orientation uncertain";
			}
		}
		/* A figure or account read unsurely: a person checks it. */
		if (ing_unsure_figures(f->pages, d->pages, d->npages,
				       &ing->account_re,
				       whybuf[i], sizeof(whybuf[i]))) {
			review = 1;
			if (d->review_reason == NULL)
				d->review_reason = whybuf[i];
		}
		docs[i].account = doc_account(ing, f, man, d, accbuf[i],
					      sizeof(accbuf[i]));
		docs[i].category = d->category[0] != '\0' ? d->category
				   : man != NULL && man->category != NULL
					   ? man->category
					   : ing->opt.category;
		docs[i].date = man != NULL ? man->date : NULL;
		/* Else the date printed on its first page that prints one,
		 * with where it was read. */
		for (j = 0; docs[i].date == NULL && j < d->npages; j++) {
			const struct ing_page *p = &f->pages[d->pages[j]];
			/* The lines as printed: labels beside their dates. */
			char *lines = ing_words_lines(p->words, p->nwords);
			const char *t = lines != NULL ? lines : p->text;
			size_t off, len;

			if (ing_date_span(t, datebuf[i], &off, &len)) {
				docs[i].date = datebuf[i];
				ing_date_note(t, off, len, j + 1, notebuf[i],
					      sizeof(notebuf[i]));
				docs[i].date_note = notebuf[i];
			}
			free(lines);
		}
		docs[i].doc_type = man != NULL && man->type != NULL
					   ? man->type
					   : ing->opt.doc_type;
		docs[i].lang = doc_langs(ing, f, d->pages, d->npages,
					 langbuf[i], sizeof(langbuf[i]));
		docs[i].status = review ? "review" : "archived";
		docs[i].review_reason = d->review_reason;
		if (docs[i].category == NULL &&
		    (err = classify_doc(ing, a, f, d, &docs[i], &clf[i])) !=
			    DOS_OK) {
			snprintf(f->msg, sizeof(f->msg), "cannot classify "
				 "document %d: %s", i + 1, dos_strerror(err));
			goto out;
		}
		/* Else its type (given or suggested) and date, or the
		 * heading on its first page (never the file's name: an
		 * upload's has a spool number). */
		if (man != NULL && man->title != NULL)
			docs[i].title = man->title;
		else {
			ing_title_make(d->npages > 0
					       ? f->pages[d->pages[0]].text
					       : NULL,
				       docs[i].doc_type, docs[i].date,
				       titlebuf[i], sizeof(titlebuf[i]));
			docs[i].title = titlebuf[i];
		}
		docs[i].serial = d->serial;
		docs[i].pages = dp;
		docs[i].npages = (size_t)d->npages;
		if (ing->opt.pdf) {
			if ((err = doc_pdf(a, f, d, pdfsha[i])) != DOS_OK) {
				snprintf(f->msg, sizeof(f->msg),
					 "cannot make the searchable PDF of "
					 "document %d: %s", i + 1,
					 dos_strerror(err));
				goto out;
			}
			docs[i].pdf = pdfsha[i];
		}
	}
	memset(&sin, 0, sizeof(sin));
	sin.name = name;
	sin.sha256 = f->sha;
	sin.size = f->len;
	sin.format = f->src.format;
	sin.npages = f->npages;
	sin.batch_id = batch_id;
	sin.batch_entry = f->path;
	sin.actor = ing->opt.user;
	sin.docs = docs;
	sin.ndocs = (size_t)sp.ndocs;
	sin.skipped = sp.skipped;
	sin.nskipped = (size_t)sp.nskipped;
	sin.job = f->job;
	sin.job_worker = f->job_worker;
	if ((err = arc_source_commit(a, &sin)) != DOS_OK) {
		snprintf(f->msg, sizeof(f->msg), "cannot file the documents: %s",
			 dos_strerror(err));
		goto out;
	}
	if ((out = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	for (i = 0; i < sp.ndocs; i++) {
		json_array_append_new(
			out,
			json_pack("{s:I,s:i,s:i,s:o,s:o,s:s,s:o,s:o}", "id",
				  (json_int_t)docs[i].id, "pages",
				  (int)docs[i].npages, "first_page",
				  sp.docs[i].pages[0] + 1, "account",
				  docs[i].account ? json_string(docs[i].account)
						  : json_null(),
				  "category",
				  docs[i].category_code[0] != '\0'
					  ? json_string(docs[i].category_code)
				  : docs[i].category
					  ? json_string(docs[i].category)
					  : json_null(),
				  "status", docs[i].status, "serial",
				  docs[i].serial > 0
					  ? json_integer(docs[i].serial)
					  : json_null(),
				  "review_reason",
				  docs[i].review_reason
					  ? json_string(docs[i].review_reason)
					  : json_null()));
	}
	for (i = 0; i < sp.ndocs; i++)
		json_object_set_new(json_array_get(out, (size_t)i), "archive_no",
				    docs[i].archive_no[0] != '\0'
					    ? json_string(docs[i].archive_no)
					    : json_null());
	*pdocs = out;
	out = NULL;
out:
	json_decref(out);
	for (i = 0; bcs != NULL && i < f->npages; i++)
		free(bcs[i]);
	free(bcs);
	free(pin);
	free(dpin);
	free(shas);
	free(docs);
	free(accbuf);
	free(langbuf);
	free(pdfsha);
	free(datebuf);
	free(titlebuf);
	free(notebuf);
	free(whybuf);
	for (i = 0; clf != NULL && i < sp.ndocs; i++)
		free(clf[i].sug);
	free(clf);
	split_free(&sp);
	return err;
}
