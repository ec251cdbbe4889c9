/*
 * queue.c: the ingest pipeline's work as rows of the archive's queue.
 * Before a file is queued it is probed: read under its size limit,
 * hashed, looked up for an earlier copy, its pages counted (a PDF's from
 * its page tree; nothing is decoded).  A reader (one per worker thread,
 * with its own OCR engine) then reads one page per row: decodes it (the
 * pixel limit first), runs the per-page pipeline (ing_worker_page) and
 * stores its images as blobs, its result (text, word boxes, barcodes,
 * digests) going to the row; once a file's pages are read, a reader
 * files it from those results exactly as ing_batch files a file, in one
 * transaction that also ends the file's row.  A page turn is a row too.
 * Exports ing_probe_file, ing_probe_clear, ing_file_spec,
 * ing_options_from_spec, ing_reader_new, ing_reader_free,
 * ing_reader_page, ing_reader_file, ing_reader_turn, ing_reader_stats.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define MAX_BLOB_READ (256u << 20) /* a page's PDF read back to file it */

/* ---- probing and specs ---- */

void
ing_probe_clear(struct ing_probe *p)
{
	if (p == NULL)
		return;
	json_decref(p->dups);
	memset(p, 0, sizeof(*p));
}

enum dos_err
ing_probe_file(struct arc *a, const char *path, uint64_t max_bytes,
	       uint64_t max_pixels, struct ing_probe *p, char *msg,
	       size_t msglen)
{
	struct ing_source src;
	unsigned char *data = NULL;
	size_t len = 0;
	int found = 0;
	enum dos_err err;

	memset(p, 0, sizeof(*p));
	msg[0] = '\0';
	err = dos_file_read(path, (size_t)max_bytes, &data, &len);
	if (err != DOS_OK) {
		if (err == DOS_LIMIT)
			snprintf(msg, msglen, "file is larger than the %llu "
				 "MiB limit",
				 (unsigned long long)(max_bytes >> 20));
		else if (err == DOS_NOTFOUND)
			snprintf(msg, msglen, "no such file");
		else if (err == DOS_INVAL)
			snprintf(msg, msglen, "not a regular file");
		else
			snprintf(msg, msglen, "cannot read file: %s",
				 dos_strerror(err));
		return err;
	}
	p->size = len;
	if ((err = dos_sha256_hex(data, len, p->sha256)) != DOS_OK)
		goto out;
	if ((err = arc_source_find(a, p->sha256, &found, &p->dups)) !=
	    DOS_OK) {
		snprintf(msg, msglen, "archive lookup failed");
		goto out;
	}
	if (!found) {
		json_decref(p->dups);
		p->dups = NULL;
	}
	/* The format and the page count, nothing decoded. */
	setMsgSeverity(L_SEVERITY_NONE);
	if ((err = ing_source_open(&src, data, len, max_pixels, msg,
				   msglen)) != DOS_OK)
		goto out;
	p->format = src.format;
	p->npages = src.npages;
	ing_source_close(&src);
out:
	free(data);
	return err;
}

char *
ing_file_spec(const struct ing_options *o, const struct ing_manifest_row *m,
	      const char *entry, const char *name, const struct ing_probe *p,
	      int spooled)
{
	json_t *spec, *opt;
	char *text, centry[4096], cname[1024];

	opt = json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:f,"
			"s:I,s:I,s:b,s:b,s:b,s:b}",
			"langs", o->langs, "account", o->account, "category",
			o->category, "type", o->doc_type, "user", o->user,
			"account_regex", o->account_regex, "label_regex",
			o->label_regex, "separator", o->separator,
			"cover_prefix", o->cover_prefix, "review_confidence",
			o->review_confidence, "max_page_pixels",
			(json_int_t)o->max_page_pixels, "max_file_bytes",
			(json_int_t)o->max_file_bytes, "deskew", o->deskew,
			"orient", o->orient, "pdf", o->pdf, "keep_blank",
			o->keep_blank);
	/* Names as text (a path need not be UTF-8): as the batch's record
	 * keeps them. */
	dos_utf8_clean(entry, centry, sizeof(centry));
	dos_utf8_clean(name, cname, sizeof(cname));
	spec = json_pack("{s:s,s:s,s:s,s:s,s:I,s:i,s:b,s:o}", "entry", centry,
			 "name", cname, "sha256", p->sha256, "format",
			 p->format, "size", (json_int_t)p->size, "npages",
			 p->npages, "spooled", spooled, "opt", opt);
	if (spec != NULL && m != NULL)
		json_object_set_new(
			spec, "manifest",
			json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?}", "account",
				  m->account, "category", m->category, "title",
				  m->title, "date", m->date, "type", m->type));
	text = spec != NULL ? json_dumps(spec, JSON_COMPACT) : NULL;
	json_decref(spec);
	return text;
}

static const char *
sget(const json_t *o, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : def;
}

void
ing_options_from_spec(const json_t *spec, struct ing_options *o)
{
	const json_t *opt = json_object_get(spec, "opt");
	json_t *v;

	if (opt == NULL)
		return;
	o->langs = sget(opt, "langs", o->langs);
	o->account = sget(opt, "account", NULL);
	o->category = sget(opt, "category", NULL);
	o->doc_type = sget(opt, "type", NULL);
	o->user = sget(opt, "user", o->user);
	o->account_regex = sget(opt, "account_regex", o->account_regex);
	o->label_regex = sget(opt, "label_regex", o->label_regex);
	o->separator = sget(opt, "separator", o->separator);
	o->cover_prefix = sget(opt, "cover_prefix", o->cover_prefix);
	if (json_is_number(v = json_object_get(opt, "review_confidence")))
		o->review_confidence = json_number_value(v);
	if (json_is_integer(v = json_object_get(opt, "max_page_pixels")))
		o->max_page_pixels = (uint64_t)json_integer_value(v);
	if (json_is_integer(v = json_object_get(opt, "max_file_bytes")))
		o->max_file_bytes = (uint64_t)json_integer_value(v);
	if (json_is_boolean(v = json_object_get(opt, "deskew")))
		o->deskew = json_is_true(v);
	if (json_is_boolean(v = json_object_get(opt, "orient")))
		o->orient = json_is_true(v);
	if (json_is_boolean(v = json_object_get(opt, "pdf")))
		o->pdf = json_is_true(v);
	if (json_is_boolean(v = json_object_get(opt, "keep_blank")))
		o->keep_blank = json_is_true(v);
}

/* ---- readers ---- */

struct ing_reader {
	struct ing_options base;
	struct ing_worker *w; /* the OCR engine, for wkey's settings */
	char wkey[256];
	/* The file read last: its pages usually come one after another. */
	char path[4096];
	char sha[DOS_SHA256_HEX];
	unsigned char *data;
	size_t len;
	struct ing_source src;
	int src_open;
	struct ing *ing; /* filing: patterns, for ikey's */
	char ikey[1024];
	struct ing_stats stats;
};

/*
 * Tesseract's parameters are globals its initialisation writes: engines
 * are made (and ended) one at a time in a process (ing_new made them
 * before its threads started; readers make theirs in their own threads).
 */
static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;

static void
source_drop(struct ing_reader *r)
{
	if (r->src_open)
		ing_source_close(&r->src);
	r->src_open = 0;
	free(r->data);
	r->data = NULL;
	r->len = 0;
	r->path[0] = r->sha[0] = '\0';
}

enum dos_err
ing_reader_new(const struct ing_options *defaults, struct ing_reader **pr)
{
	struct ing_reader *r;

	*pr = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return DOS_NOMEM;
	r->base = *defaults;
	setMsgSeverity(L_SEVERITY_NONE);
	*pr = r;
	return DOS_OK;
}

void
ing_reader_free(struct ing_reader *r)
{
	if (r == NULL)
		return;
	source_drop(r);
	pthread_mutex_lock(&engine_lock);
	ing_worker_free(r->w);
	pthread_mutex_unlock(&engine_lock);
	ing_free(r->ing);
	free(r);
}

void
ing_reader_stats(struct ing_reader *r, struct ing_stats *out)
{
	*out = r->stats;
}

/* The OCR engine for o's languages and steps, made when they change. */
static enum dos_err
engine(struct ing_reader *r, const struct ing_options *o)
{
	char key[256];
	enum dos_err err;

	snprintf(key, sizeof(key), "%s|%d|%d|%d", o->langs, o->deskew,
		 o->orient, o->pdf);
	if (r->w != NULL && strcmp(key, r->wkey) == 0)
		return DOS_OK;
	pthread_mutex_lock(&engine_lock);
	ing_worker_free(r->w);
	r->w = NULL;
	err = ing_worker_new(o, &r->w);
	pthread_mutex_unlock(&engine_lock);
	if (err != DOS_OK)
		return err;
	snprintf(r->wkey, sizeof(r->wkey), "%s", key);
	return DOS_OK;
}

/* The file of a page, read (and checked against its digest) once. */
static enum dos_err
source(struct ing_reader *r, const char *path, const char *sha,
       const struct ing_options *o, int *pretry, char *msg, size_t msglen)
{
	char got[DOS_SHA256_HEX];
	enum dos_err err;

	if (r->src_open && strcmp(r->path, path) == 0 &&
	    strcmp(r->sha, sha) == 0)
		return DOS_OK;
	source_drop(r);
	if ((err = dos_file_read(path, (size_t)o->max_file_bytes, &r->data,
				 &r->len)) != DOS_OK) {
		/* A file gone (or not readable) will not come back. */
		*pretry = err == DOS_NOMEM || err == DOS_IO;
		snprintf(msg, msglen, "cannot read %s: %s", path,
			 err == DOS_NOTFOUND ? "no such file"
					     : dos_strerror(err));
		return err;
	}
	if ((err = dos_sha256_hex(r->data, r->len, got)) != DOS_OK)
		return err;
	if (strcmp(got, sha) != 0) {
		*pretry = 0;
		source_drop(r);
		snprintf(msg, msglen, "the file changed after it was queued");
		return DOS_CONFLICT;
	}
	if ((err = ing_source_open(&r->src, r->data, r->len,
				   o->max_page_pixels, msg, msglen)) !=
	    DOS_OK) {
		*pretry = 0;
		free(r->data);
		r->data = NULL;
		return err;
	}
	r->src_open = 1;
	snprintf(r->path, sizeof(r->path), "%s", path);
	snprintf(r->sha, sizeof(r->sha), "%s", sha);
	return DOS_OK;
}

/* A read page as the row's result (JSON text, caller frees). */
static char *
page_result(const struct ing_page *p, const char *proc, const char *thumb,
	    const char *pdf)
{
	json_t *o, *words = json_array(), *bcs = json_array(),
	       *unread = json_array();
	char *text;
	size_t i;
	int k;

	for (i = 0; words != NULL && i < p->nwords; i++)
		json_array_append_new(
			words, json_pack("[s,i,i,i,i,f]", p->words[i].text,
					 p->words[i].x, p->words[i].y,
					 p->words[i].w, p->words[i].h,
					 (double)p->words[i].conf));
	for (i = 0; bcs != NULL && i < p->nbarcodes; i++)
		json_array_append_new(bcs, json_pack("[s,s]",
						     p->barcodes[i].type,
						     p->barcodes[i].value));
	/* The quality gate's findings go with the page to its filing. */
	for (k = 0; unread != NULL && k < p->nunread; k++)
		json_array_append_new(unread, json_pack("[i,i,i,i]",
							p->unread[k][0],
							p->unread[k][1],
							p->unread[k][2],
							p->unread[k][3]));
	o = json_pack("{s:i,s:i,s:i,s:i,s:b,s:b,s:f,s:f,s:f,s:s,s:o,s:o,"
		      "s:s,s:s,s:s?,s:[f,f,f,f,f,f,f],s:f,s:o,s:s,s:s?,s:b}",
		      "w", p->width, "h", p->height, "dpi", p->dpi, "rot",
		      p->rotation, "blank", p->blank, "ou",
		      p->orient_uncertain, "oconf", p->orient_conf, "skew",
		      p->skew_deg, "conf", p->ocr_confidence, "text",
		      p->text ? p->text : "", "words", words, "bc", bcs,
		      "p", proc, "t", thumb, "pdf", pdf, "times",
		      p->t_decode, p->t_orient, p->t_deskew, p->t_ocr,
		      p->t_barcode, p->t_encode, p->t_prep, "rs",
		      p->read_share, "un", unread, "langs", p->langs, "m",
		      p->method, "photo", p->photo);
	text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
}

enum dos_err
ing_reader_page(struct ing_reader *r, struct arc *a, const struct arc_job *j,
		char **presult, int *pretry, char *msg, size_t msglen)
{
	struct ing_options o = r->base;
	struct ing_page pg;
	json_t *spec = NULL;
	char shas[3][DOS_SHA256_HEX];
	const char *sha, *format;
	PIX *pix = NULL;
	double t;
	enum dos_err err;

	*presult = NULL;
	*pretry = 1;
	msg[0] = '\0';
	memset(&pg, 0, sizeof(pg));
	if (j->file_spec == NULL || j->path == NULL ||
	    (spec = json_loads(j->file_spec, 0, NULL)) == NULL) {
		*pretry = 0;
		snprintf(msg, msglen, "the page's file is not on record");
		return DOS_CORRUPT;
	}
	ing_options_from_spec(spec, &o);
	sha = sget(spec, "sha256", "");
	format = sget(spec, "format", "");
	t = dos_mono();
	if ((err = source(r, j->path, sha, &o, pretry, msg, msglen)) !=
	    DOS_OK)
		goto out;
	if ((err = ing_source_page(&r->src, j->seq, &pix, msg, msglen)) !=
	    DOS_OK) {
		/* An unreadable or oversized page stays so. */
		*pretry = err == DOS_NOMEM;
		goto out;
	}
	pg.t_decode = dos_mono() - t;
	if ((err = engine(r, &o)) != DOS_OK) {
		snprintf(msg, msglen, "the OCR engine does not start with "
			 "languages '%s'", o.langs);
		goto out;
	}
	pg.source_index = j->seq;
	if ((err = ing_worker_page(r->w, pix, strcmp(format, "pdf") == 0,
				   &pg)) != DOS_OK) {
		snprintf(msg, msglen, "page %d: processing failed: %s",
			 j->seq + 1, dos_strerror(err));
		goto out;
	}
	/* Its images wait as blobs (fsynced) until the file is filed. */
	t = dos_mono();
	if ((err = arc_blob_put(a, pg.processed, pg.processed_len,
				shas[0])) != DOS_OK ||
	    (err = arc_blob_put(a, pg.thumb, pg.thumb_len, shas[1])) !=
		    DOS_OK ||
	    (pg.pdf != NULL &&
	     (err = arc_blob_put(a, pg.pdf, pg.pdf_len, shas[2])) != DOS_OK)) {
		snprintf(msg, msglen, "cannot store page %d: %s", j->seq + 1,
			 dos_strerror(err));
		goto out;
	}
	pg.t_encode += dos_mono() - t;
	if ((*presult = page_result(&pg, shas[0], shas[1],
				    pg.pdf != NULL ? shas[2] : NULL)) ==
	    NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	r->stats.pages++;
	r->stats.decode += pg.t_decode;
	r->stats.prepare += pg.t_prep;
	r->stats.orient += pg.t_orient;
	r->stats.deskew += pg.t_deskew;
	r->stats.ocr += pg.t_ocr;
	r->stats.barcode += pg.t_barcode;
	r->stats.encode += pg.t_encode;
out:
	pixDestroy(&pix);
	ing_page_clear(&pg);
	json_decref(spec);
	if (err != DOS_OK && msg[0] == '\0')
		snprintf(msg, msglen, "page %d: %s", j->seq + 1,
			 dos_strerror(err));
	return err;
}

/* ---- filing ---- */

/* The filing context (patterns compiled) for o, kept while they stay. */
static enum dos_err
filing(struct ing_reader *r, const struct ing_options *o, struct ing **ping)
{
	struct ing *ing;
	char key[1024];

	snprintf(key, sizeof(key), "%s\n%s", o->account_regex,
		 o->label_regex);
	if (r->ing != NULL && strcmp(key, r->ikey) == 0) {
		r->ing->opt = *o;
		*ping = r->ing;
		return DOS_OK;
	}
	ing_free(r->ing);
	r->ing = NULL;
	if ((ing = calloc(1, sizeof(*ing))) == NULL)
		return DOS_NOMEM;
	ing->opt = *o;
	pthread_mutex_init(&ing->mu, NULL);
	pthread_cond_init(&ing->cv_job, NULL);
	pthread_cond_init(&ing->cv_done, NULL);
	if (regcomp(&ing->account_re, o->account_regex, REG_EXTENDED) == 0)
		ing->have_re = 1;
	if (regcomp(&ing->label_re, o->label_regex, REG_EXTENDED) == 0)
		ing->have_label_re = 1;
	if (!ing->have_re || !ing->have_label_re) {
		dos_errx("invalid account or label pattern");
		ing_free(ing);
		return DOS_INVAL;
	}
	r->ing = ing;
	snprintf(r->ikey, sizeof(r->ikey), "%s", key);
	*ping = ing;
	return DOS_OK;
}

/* Reads a blob back whole (a page's PDF, to join it into its document's). */
static enum dos_err
blob_read(struct arc *a, const char *sha, unsigned char **pdata,
	  size_t *plen)
{
	unsigned char *p;
	uint64_t size;
	size_t got = 0;
	ssize_t n;
	int fd;
	enum dos_err err;

	*pdata = NULL;
	if ((err = arc_blob_open(a, sha, &fd, &size)) != DOS_OK)
		return err;
	if (size == 0 || size > MAX_BLOB_READ ||
	    (p = malloc((size_t)size)) == NULL) {
		close(fd);
		return size == 0 || size > MAX_BLOB_READ ? DOS_LIMIT
							 : DOS_NOMEM;
	}
	while (got < size &&
	       ((n = read(fd, p + got, (size_t)size - got)) > 0 ||
		(n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	close(fd);
	if (got != size) {
		free(p);
		return DOS_IO;
	}
	*pdata = p;
	*plen = got;
	return DOS_OK;
}

/* A binarization's name as the pipeline keeps it (a static string). */
static const char *
method_name(const char *m)
{
	static const char *const names[] = {"binary", "plain", "normalized"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(m, names[i]) == 0)
			return names[i];
	return NULL;
}

/* A page's result back into the pipeline's shape. */
static enum dos_err
page_from(struct arc *a, const json_t *res, int index, int pdf,
	  struct ing_page *p)
{
	const json_t *words = json_object_get(res, "words"),
		     *bcs = json_object_get(res, "bc"), *w,
		     *times = json_object_get(res, "times"), *unread;
	size_t k;
	enum dos_err err;

	memset(p, 0, sizeof(*p));
	p->source_index = index;
	p->width = (int)json_integer_value(json_object_get(res, "w"));
	p->height = (int)json_integer_value(json_object_get(res, "h"));
	p->dpi = (int)json_integer_value(json_object_get(res, "dpi"));
	p->rotation = (int)json_integer_value(json_object_get(res, "rot"));
	p->blank = json_is_true(json_object_get(res, "blank"));
	p->orient_uncertain = json_is_true(json_object_get(res, "ou"));
	p->orient_conf = json_number_value(json_object_get(res, "oconf"));
	p->skew_deg = json_number_value(json_object_get(res, "skew"));
	p->ocr_confidence = json_number_value(json_object_get(res, "conf"));
	p->t_decode = json_number_value(json_array_get(times, 0));
	p->t_prep = json_number_value(json_array_get(times, 6));
	p->read_share = json_is_number(json_object_get(res, "rs"))
				? json_number_value(json_object_get(res, "rs"))
				: 1.0;
	snprintf(p->langs, sizeof(p->langs), "%s", sget(res, "langs", ""));
	p->method = method_name(sget(res, "m", ""));
	p->photo = json_is_true(json_object_get(res, "photo"));
	unread = json_object_get(res, "un");
	if (json_array_size(unread) > 0 &&
	    (p->unread = calloc(json_array_size(unread),
				sizeof(*p->unread))) == NULL)
		return DOS_NOMEM;
	json_array_foreach(unread, k, w) {
		int c;

		for (c = 0; c < 4; c++)
			p->unread[p->nunread][c] =
				(int)json_integer_value(json_array_get(w, c));
		p->nunread++;
	}
	if ((p->text = strdup(sget(res, "text", ""))) == NULL)
		return DOS_NOMEM;
	if (json_array_size(words) > 0 &&
	    (p->words = calloc(json_array_size(words), sizeof(*p->words))) ==
		    NULL)
		return DOS_NOMEM;
	json_array_foreach(words, k, w) {
		struct arc_word *aw = &p->words[p->nwords];

		if ((aw->text = strdup(json_string_value(json_array_get(w, 0))
					       ?: "")) == NULL)
			return DOS_NOMEM;
		p->nwords++;
		aw->x = (int)json_integer_value(json_array_get(w, 1));
		aw->y = (int)json_integer_value(json_array_get(w, 2));
		aw->w = (int)json_integer_value(json_array_get(w, 3));
		aw->h = (int)json_integer_value(json_array_get(w, 4));
		aw->conf = (float)json_number_value(json_array_get(w, 5));
	}
	if (json_array_size(bcs) > 0 &&
	    (p->barcodes = calloc(json_array_size(bcs),
				  sizeof(*p->barcodes))) == NULL)
		return DOS_NOMEM;
	json_array_foreach(bcs, k, w) {
		struct ing_barcode *b = &p->barcodes[p->nbarcodes];

		b->type = strdup(json_string_value(json_array_get(w, 0)) ?: "");
		b->value = strdup(json_string_value(json_array_get(w, 1)) ?: "");
		p->nbarcodes++;
		if (b->type == NULL || b->value == NULL)
			return DOS_NOMEM;
	}
	snprintf(p->stored[0], DOS_SHA256_HEX, "%s", sget(res, "p", ""));
	snprintf(p->stored[1], DOS_SHA256_HEX, "%s", sget(res, "t", ""));
	if (p->stored[0][0] == '\0' || p->stored[1][0] == '\0')
		return DOS_CORRUPT;
	if (pdf && json_is_string(json_object_get(res, "pdf")) &&
	    (err = blob_read(a, sget(res, "pdf", ""), &p->pdf,
			     &p->pdf_len)) != DOS_OK)
		return err;
	return DOS_OK;
}

/* The documents a duplicate's earlier copy was filed as. */
static json_t *
dup_docs(const json_t *dups)
{
	json_t *docs = json_array(), *v;
	size_t k;

	json_array_foreach(dups, k, v)
		json_array_append_new(docs, json_pack("{s:O,s:b}", "id", v,
						      "duplicate", 1));
	return docs;
}

/*
 * Removes the blobs a file's pages stored while they waited that no
 * catalogue row names: the pages' PDFs once filed; with all (a file not
 * filed), their images too.
 */
static void
forget_pages(struct arc *a, const json_t *pages, int all)
{
	static const char *const keys[] = {"pdf", "p", "t"};
	const json_t *pg, *res;
	const char *sha;
	size_t k, i;

	json_array_foreach(pages, k, pg) {
		res = json_object_get(pg, "result");
		for (i = 0; i < (all ? 3u : 1u); i++)
			if ((sha = sget(res, keys[i], NULL)) != NULL)
				arc_blob_forget(a, sha);
	}
}

/* Ends a file's row as a duplicate of what arc_source_find found. */
static enum dos_err
end_duplicate(struct arc *a, const struct arc_job *j, const char *worker,
	      json_t *dups, struct ing_filed *out)
{
	json_t *res;
	char *text = NULL;
	enum dos_err err;

	out->outcome = "duplicate";
	out->docs = dup_docs(dups);
	res = json_pack("{s:b,s:O}", "duplicate", 1, "documents", out->docs);
	if (res != NULL)
		text = json_dumps(res, JSON_COMPACT);
	json_decref(res);
	err = text != NULL ? arc_file_job_end(a, j->id, worker, "duplicate",
					      text, NULL)
			   : DOS_NOMEM;
	free(text);
	return err;
}

static enum dos_err
end_failed(struct arc *a, const struct arc_job *j, const char *worker,
	   struct ing_filed *out)
{
	out->outcome = "failed";
	return arc_file_job_end(a, j->id, worker, "failed", NULL, out->msg);
}

enum dos_err
ing_reader_file(struct ing_reader *r, struct arc *a, const struct arc_job *j,
		const char *worker, struct ing_filed *out)
{
	struct ing_options o = r->base;
	struct ing_manifest_row mrow;
	struct ing_file f;
	struct ing *ing = NULL;
	json_t *spec = NULL, *pages = NULL, *pg, *man, *dups = NULL;
	size_t k;
	int found = 0, i;
	double t;
	enum dos_err err;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	if ((spec = json_loads(j->spec, 0, NULL)) == NULL) {
		snprintf(out->msg, sizeof(out->msg), "its record is damaged");
		err = end_failed(a, j, worker, out);
		goto out;
	}
	ing_options_from_spec(spec, &o);
	f.path = sget(spec, "entry", j->path);
	f.src.format = sget(spec, "format", "tiff");
	snprintf(f.sha, sizeof(f.sha), "%s", sget(spec, "sha256", ""));
	if ((man = json_object_get(spec, "manifest")) != NULL) {
		memset(&mrow, 0, sizeof(mrow));
		mrow.account = (char *)json_string_value(
			json_object_get(man, "account"));
		mrow.category = (char *)json_string_value(
			json_object_get(man, "category"));
		mrow.title = (char *)json_string_value(
			json_object_get(man, "title"));
		mrow.date = (char *)json_string_value(
			json_object_get(man, "date"));
		mrow.type = (char *)json_string_value(
			json_object_get(man, "type"));
		f.man = &mrow;
	}
	if ((err = arc_file_pages(a, j->id, &pages)) != DOS_OK)
		goto out;
	/* A page that could not be read: the file is not filed. */
	json_array_foreach(pages, k, pg) {
		const char *state = sget(pg, "state", "");

		if (strcmp(state, "done") != 0) {
			snprintf(out->msg, sizeof(out->msg), "%s",
				 strcmp(state, "failed") == 0
					 ? sget(pg, "error", "a page failed")
					 : "a page was not read");
			err = end_failed(a, j, worker, out);
			goto out;
		}
	}
	/* Filed meanwhile (earlier in the batch, or by another process). */
	if ((err = arc_source_find(a, f.sha, &found, &dups)) != DOS_OK)
		goto out;
	if (found) {
		err = end_duplicate(a, j, worker, dups, out);
		goto out;
	}
	if ((err = dos_file_read(j->path, (size_t)o.max_file_bytes, &f.data,
				 &f.len)) != DOS_OK ||
	    (err = dos_sha256_hex(f.data, f.len, out->msg)) != DOS_OK ||
	    strcmp(out->msg, f.sha) != 0) {
		snprintf(out->msg, sizeof(out->msg), "%s",
			 err == DOS_OK ? "the file changed after it was queued"
				       : "the file cannot be read again to "
					 "store its original");
		err = ing_err_stops_batch(err) ? err
					       : end_failed(a, j, worker, out);
		goto out;
	}
	out->msg[0] = '\0';
	if ((err = arc_space_check(a, f.len)) != DOS_OK) {
		snprintf(out->msg, sizeof(out->msg), "cannot store the "
			 "original: %s", dos_strerror(err));
		goto out;
	}
	f.npages = (int)json_array_size(pages);
	if ((f.pages = calloc((size_t)f.npages + 1, sizeof(*f.pages))) ==
	    NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	for (i = 0; i < f.npages; i++)
		if ((err = page_from(a,
				     json_object_get(json_array_get(pages,
								    (size_t)i),
						     "result"),
				     i, o.pdf, &f.pages[i])) != DOS_OK) {
			snprintf(out->msg, sizeof(out->msg), "page %d: its "
				 "stored result cannot be read: %s", i + 1,
				 dos_strerror(err));
			if (!ing_err_stops_batch(err))
				err = end_failed(a, j, worker, out);
			goto out;
		}
	if ((err = filing(r, &o, &ing)) != DOS_OK)
		goto out;
	f.job = j->id;
	f.job_worker = worker;
	t = dos_mono();
	err = ing_file_commit(ing, a, j->batch, &f, &out->docs);
	r->stats.commit += dos_mono() - t;
	if (err == DOS_OK) {
		out->outcome = "ingested";
		if (json_is_true(json_object_get(spec, "spooled")))
			arc_spool_release(a, j->path);
		/* The pages' own PDFs are in their document's now. */
		forget_pages(a, pages, 0);
	} else if (err == DOS_CONFLICT) {
		/* Its bytes were filed since: by another reader of this row
		 * (its lease ran out meanwhile) or as another file. */
		snprintf(out->msg, sizeof(out->msg), "%s", f.msg);
		json_decref(dups);
		dups = NULL;
		if (arc_source_find(a, f.sha, &found, &dups) == DOS_OK &&
		    found)
			err = end_duplicate(a, j, worker, dups, out);
	} else if (!ing_err_stops_batch(err)) {
		snprintf(out->msg, sizeof(out->msg), "%s",
			 f.msg[0] ? f.msg : dos_strerror(err));
		err = end_failed(a, j, worker, out);
	} else
		snprintf(out->msg, sizeof(out->msg), "%s",
			 f.msg[0] ? f.msg : dos_strerror(err));
out:
	if (err == DOS_OK && out->outcome != NULL &&
	    strcmp(out->outcome, "ingested") != 0)
		forget_pages(a, pages, 1);
	for (i = 0; f.pages != NULL && i < f.npages; i++)
		ing_page_clear(&f.pages[i]);
	free(f.pages);
	free(f.data);
	json_decref(dups);
	json_decref(pages);
	json_decref(spec);
	if (err != DOS_OK) {
		json_decref(out->docs);
		out->docs = NULL;
	}
	return err;
}

/* ---- page turns ---- */

enum dos_err
ing_reader_turn(struct ing_reader *r, struct arc *a, const struct arc_job *j,
		char *msg, size_t msglen)
{
	struct ing_options o = r->base;
	struct arc_user who;
	json_t *spec;
	enum dos_err err;

	msg[0] = '\0';
	if ((spec = json_loads(j->spec, 0, NULL)) == NULL) {
		snprintf(msg, msglen, "the turn's record is damaged");
		return DOS_CORRUPT;
	}
	ing_options_from_spec(spec, &o);
	/* Who asked, as they are now (a user disabled meanwhile may not). */
	if ((err = arc_user_load(a, j->owner, &who)) != DOS_OK) {
		snprintf(msg, msglen, "%s cannot act now: %s", j->owner,
			 dos_strerror(err));
		goto out;
	}
	/* It makes an engine of its own: one at a time (engine_lock). */
	pthread_mutex_lock(&engine_lock);
	err = ing_page_turn(
		&o, a, &who,
		(int64_t)json_integer_value(json_object_get(spec, "document")),
		(int)json_integer_value(json_object_get(spec, "seq")),
		(int)json_integer_value(json_object_get(spec, "degrees")),
		sget(spec, "reason", ""), msg, msglen);
	pthread_mutex_unlock(&engine_lock);
out:
	json_decref(spec);
	return err;
}
