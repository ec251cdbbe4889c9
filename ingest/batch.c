/*
 * batch.c: the ingest pipeline.  The calling thread reads each file (size
 * limit, SHA-256, duplicate check), decodes its pages (pixel limit before
 * decoding) into a bounded queue, and files finished files in order;
 * worker threads, each with its own Tesseract handle, run the per-page
 * pipeline.  A failure of the archive itself (full disk, read-only,
 * locked) stops the batch; the files it did not finish stay pending in the
 * batch's record.  Exports ing_options_default, ing_new, ing_free,
 * ing_batch, ing_err_stops_batch, ing_file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define DEFAULT_ACCOUNT_REGEX "ACC-[0-9]{4}-[0-9]{6}"

void
ing_options_default(struct ing_options *o)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->langs = "eng";
	o->user = "local-admin";
	o->account_regex = DEFAULT_ACCOUNT_REGEX;
	o->max_file_bytes = 512ull << 20;
	o->max_page_pixels = 100000000ull;
	o->review_confidence = 60.0;
	o->deskew = 1;
	o->pdf = 1;
	o->classify_threshold = 90.0;
	o->orient = 1;
	o->separator = "PATCHT";
	o->cover_prefix = "DOS:";
	o->label_regex = "^ASN ?([0-9]{1,12})$";
	o->jobs = n > 0 ? (int)(n < 64 ? n : 64) : 1;
}

static void *
worker_main(void *arg)
{
	struct ing *ing = ((void **)arg)[0];
	struct ing_worker *w = ((void **)arg)[1];
	struct ing_job job;
	struct ing_page pg;
	enum dos_err err;

	free(arg);
	for (;;) {
		pthread_mutex_lock(&ing->mu);
		while (ing->qlen == 0 && !ing->stop)
			pthread_cond_wait(&ing->cv_job, &ing->mu);
		if (ing->qlen == 0 && ing->stop) {
			pthread_mutex_unlock(&ing->mu);
			return NULL;
		}
		job = ing->queue[ing->qhead];
		ing->qhead = (ing->qhead + 1) % ing->qcap;
		ing->qlen--;
		pthread_cond_broadcast(&ing->cv_done); /* room in the queue */
		pthread_mutex_unlock(&ing->mu);

		/*
		 * Into a page of our own: a stack of scanned pages grows its
		 * array (under mu) while workers read earlier pages.
		 */
		memset(&pg, 0, sizeof(pg));
		pg.source_index = job.index;
		err = ing_worker_page(w, job.pix,
				      strcmp(job.file->src.format, "pdf") == 0,
				      &pg);
		pixDestroy(&job.pix);

		pthread_mutex_lock(&ing->mu);
		job.file->pages[job.index] = pg;
		if (err != DOS_OK && job.file->err == DOS_OK) {
			job.file->err = err;
			snprintf(job.file->msg, sizeof(job.file->msg),
				 "page %d: processing failed: %s",
				 job.index + 1, dos_strerror(err));
		}
		job.file->remaining--;
		ing->pages_done++;
		ing->stats.pages++;
		ing->stats.orient += pg.t_orient;
		ing->stats.deskew += pg.t_deskew;
		ing->stats.ocr += pg.t_ocr;
		ing->stats.barcode += pg.t_barcode;
		ing->stats.encode += pg.t_encode;
		pthread_cond_broadcast(&ing->cv_done);
		pthread_mutex_unlock(&ing->mu);
	}
}

void
ing_free(struct ing *ing)
{
	int i;

	if (ing == NULL)
		return;
	if (ing->nthreads > 0) {
		pthread_mutex_lock(&ing->mu);
		ing->stop = 1;
		pthread_cond_broadcast(&ing->cv_job);
		pthread_mutex_unlock(&ing->mu);
		for (i = 0; i < ing->nthreads; i++)
			pthread_join(ing->threads[i], NULL);
	}
	for (i = 0; i < ing->nworkers; i++)
		ing_worker_free(ing->workers[i]);
	free(ing->workers);
	free(ing->threads);
	free(ing->queue);
	if (ing->have_re)
		regfree(&ing->account_re);
	if (ing->have_label_re)
		regfree(&ing->label_re);
	pthread_mutex_destroy(&ing->mu);
	pthread_cond_destroy(&ing->cv_job);
	pthread_cond_destroy(&ing->cv_done);
	free(ing);
}

enum dos_err
ing_new(const struct ing_options *o, struct ing **ping)
{
	struct ing *ing;
	void **arg;
	int i, n = o->jobs < 1 ? 1 : o->jobs > 64 ? 64 : o->jobs;
	enum dos_err err = DOS_OK;

	*ping = NULL;
	if ((ing = calloc(1, sizeof(*ing))) == NULL)
		return DOS_NOMEM;
	ing->opt = *o;
	pthread_mutex_init(&ing->mu, NULL);
	pthread_cond_init(&ing->cv_job, NULL);
	pthread_cond_init(&ing->cv_done, NULL);
	if (regcomp(&ing->account_re, o->account_regex, REG_EXTENDED) != 0) {
		dos_errx("invalid account pattern '%s'", o->account_regex);
		err = DOS_INVAL;
		goto fail;
	}
	ing->have_re = 1;
	if (regcomp(&ing->label_re, o->label_regex, REG_EXTENDED) != 0) {
		dos_errx("invalid label pattern '%s'", o->label_regex);
		err = DOS_INVAL;
		goto fail;
	}
	ing->have_label_re = 1;
	/* Leptonica would print its own messages for every hostile input. */
	setMsgSeverity(L_SEVERITY_NONE);
	ing->qcap = 2 * n;
	if ((ing->queue = calloc((size_t)ing->qcap, sizeof(*ing->queue))) ==
		    NULL ||
	    (ing->workers = calloc((size_t)n, sizeof(*ing->workers))) == NULL ||
	    (ing->threads = calloc((size_t)n, sizeof(*ing->threads))) == NULL) {
		err = DOS_NOMEM;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if ((err = ing_worker_new(o, &ing->workers[i])) != DOS_OK)
			goto fail;
		ing->nworkers++;
	}
	for (i = 0; i < n; i++) {
		if ((arg = malloc(2 * sizeof(*arg))) == NULL) {
			err = DOS_NOMEM;
			goto fail;
		}
		arg[0] = ing;
		arg[1] = ing->workers[i];
		if (pthread_create(&ing->threads[i], NULL, worker_main, arg) !=
		    0) {
			free(arg);
			err = DOS_NOMEM;
			goto fail;
		}
		ing->nthreads++;
	}
	*ping = ing;
	return DOS_OK;
fail:
	ing_free(ing);
	return err;
}

static void
file_free(struct ing_file *f)
{
	int i;

	if (f == NULL)
		return;
	for (i = 0; f->pages != NULL && i < f->npages; i++)
		ing_page_clear(&f->pages[i]);
	free(f->pages);
	if (f->src_open)
		ing_source_close(&f->src);
	json_decref(f->dups);
	free(f->data);
	free(f);
}

/* Reads, hashes, checks for duplicates and opens one file. */
static void
file_start(struct ing *ing, struct arc *a, struct ing_file *f)
{
	int found = 0;
	enum dos_err err;

	err = dos_file_read(f->path, ing->opt.max_file_bytes, &f->data,
			    &f->len);
	if (err != DOS_OK) {
		f->err = err;
		if (err == DOS_LIMIT)
			snprintf(f->msg, sizeof(f->msg),
				 "file is larger than the %llu MiB limit",
				 (unsigned long long)(ing->opt.max_file_bytes >>
						      20));
		else if (err == DOS_NOTFOUND)
			snprintf(f->msg, sizeof(f->msg), "no such file");
		else if (err == DOS_INVAL)
			snprintf(f->msg, sizeof(f->msg), "not a regular file");
		else
			snprintf(f->msg, sizeof(f->msg), "cannot read file: %s",
				 dos_strerror(err));
		return;
	}
	if ((f->err = dos_sha256_hex(f->data, f->len, f->sha)) != DOS_OK)
		return;
	if ((f->err = arc_source_find(a, f->sha, &found, &f->dups)) != DOS_OK) {
		snprintf(f->msg, sizeof(f->msg), "archive lookup failed");
		return;
	}
	if (found)
		return;
	json_decref(f->dups);
	f->dups = NULL;
	/* No room even for the original: said before any page is read. */
	if ((f->err = arc_space_check(a, f->len)) != DOS_OK) {
		snprintf(f->msg, sizeof(f->msg), "cannot store the original: "
			 "%s", dos_strerror(f->err));
		return;
	}
	f->err = ing_source_open(&f->src, f->data, f->len,
				 ing->opt.max_page_pixels, f->msg,
				 sizeof(f->msg));
	if (f->err != DOS_OK)
		return;
	f->src_open = 1;
	f->npages = f->src.npages;
	if ((f->pages = calloc((size_t)f->npages, sizeof(*f->pages))) == NULL)
		f->err = DOS_NOMEM;
}

int
ing_err_stops_batch(enum dos_err err)
{
	return err == DOS_NOSPACE || err == DOS_RDONLY || err == DOS_BUSY;
}

struct run {
	struct ing *ing;
	struct arc *a;
	int64_t batch_id;
	enum dos_err stop; /* what stopped the batch, or DOS_OK */
	ing_file_fn on_file;
	ing_progress_fn on_progress;
	void *arg;
	struct ing_file *head, *tail; /* files in flight, in order */
	struct ing_progress prog;
	double t0;
};

static void
report(struct run *r)
{
	if (r->on_progress == NULL)
		return;
	pthread_mutex_lock(&r->ing->mu);
	r->prog.pages_done = r->ing->pages_done;
	pthread_mutex_unlock(&r->ing->mu);
	r->prog.elapsed = dos_mono() - r->t0;
	r->on_progress(r->arg, &r->prog);
}

/*
 * The same file was filed by another process between the check and the
 * commit: a duplicate, with the documents that process filed.
 */
static enum dos_err
filed_meanwhile(struct run *r, struct ing_file *f, json_t **pdocs)
{
	json_t *dups = NULL;
	size_t k;
	int found = 0;

	if (arc_source_find(r->a, f->sha, &found, &dups) != DOS_OK ||
	    !found) {
		json_decref(dups);
		return DOS_CONFLICT;
	}
	f->dups = dups;
	f->msg[0] = '\0';
	json_decref(*pdocs);
	if ((*pdocs = json_array()) == NULL)
		return DOS_NOMEM;
	for (k = 0; k < json_array_size(dups); k++)
		json_array_append_new(*pdocs,
				      json_pack("{s:O,s:b}", "id",
						json_array_get(dups, k),
						"duplicate", 1));
	return DOS_OK;
}

/* Files every finished file at the head of the line, in order. */
static void
finish_ready(struct run *r, int wait_all)
{
	struct ing_file *f;
	json_t *docs;
	int ready;
	enum dos_err err;

	while ((f = r->head) != NULL) {
		pthread_mutex_lock(&r->ing->mu);
		while (wait_all && !(f->decode_done && f->remaining == 0))
			pthread_cond_wait(&r->ing->cv_done, &r->ing->mu);
		ready = f->decode_done && f->remaining == 0;
		pthread_mutex_unlock(&r->ing->mu);
		if (!ready)
			return;
		r->head = f->next;
		if (r->head == NULL)
			r->tail = NULL;
		docs = NULL;
		/*
		 * The same file may have been filed since it was read: earlier
		 * in this batch, or by another process.
		 */
		if (f->err == DOS_OK && f->dups == NULL) {
			int found = 0;

			if (arc_source_find(r->a, f->sha, &found, &f->dups) ==
				    DOS_OK &&
			    !found) {
				json_decref(f->dups);
				f->dups = NULL;
			}
		}
		if (f->dups != NULL) {
			size_t k;

			docs = json_array();
			for (k = 0; k < json_array_size(f->dups); k++)
				json_array_append_new(
					docs, json_pack("{s:O,s:b}", "id",
							json_array_get(f->dups, k),
							"duplicate", 1));
			err = DOS_OK;
		} else if ((err = f->err) == DOS_OK) {
			double t = dos_mono();

			err = ing_file_commit(r->ing, r->a, r->batch_id, f,
					      &docs);
			pthread_mutex_lock(&r->ing->mu);
			r->ing->stats.commit += dos_mono() - t;
			pthread_mutex_unlock(&r->ing->mu);
			if (err == DOS_CONFLICT)
				err = filed_meanwhile(r, f, &docs);
		}
		if (err != DOS_OK && f->msg[0] == '\0')
			snprintf(f->msg, sizeof(f->msg), "%s",
				 dos_strerror(err));
		if (ing_err_stops_batch(err) && r->stop == DOS_OK)
			r->stop = err;
		/*
		 * The batch record lists every file with its outcome (an
		 * ingested file's is recorded with its documents); one the
		 * archive failed stays pending, for a resumed batch.
		 */
		if (r->batch_id > 0 && !ing_err_stops_batch(err) &&
		    !(err == DOS_OK && f->dups == NULL))
			arc_batch_file(r->a, r->batch_id, f->path,
				       f->sha[0] != '\0' ? f->sha : NULL,
				       err != DOS_OK	  ? "failed"
				       : f->dups != NULL ? "duplicate"
							 : "ingested",
				       err == DOS_OK ? f->npages : 0,
				       err == DOS_OK && f->dups == NULL
					       ? (int)json_array_size(docs)
					       : 0,
				       err == DOS_OK ? NULL : f->msg);
		r->on_file(r->arg, f->path, err, err == DOS_OK ? docs : NULL,
			   err == DOS_OK ? NULL : f->msg);
		json_decref(docs);
		file_free(f);
		r->prog.files_done++;
		report(r);
	}
}

/* Hands one decoded page to the workers, filing finished files meanwhile. */
static void
enqueue(struct run *r, struct ing_file *f, int index, PIX *pix)
{
	struct ing *ing = r->ing;

	for (;;) {
		pthread_mutex_lock(&ing->mu);
		if (ing->qlen < ing->qcap)
			break;
		pthread_cond_wait(&ing->cv_done, &ing->mu);
		pthread_mutex_unlock(&ing->mu);
		finish_ready(r, 0);
	}
	ing->queue[(ing->qhead + ing->qlen) % ing->qcap] =
		(struct ing_job){f, index, pix};
	ing->qlen++;
	f->remaining++;
	pthread_cond_signal(&ing->cv_job);
	pthread_mutex_unlock(&ing->mu);
	r->prog.pages_queued++;
}

enum dos_err
ing_batch(struct ing *ing, struct arc *a, int64_t batch_id,
	  char *const *paths, int npaths, ing_file_fn on_file,
	  ing_progress_fn on_progress, void *arg)
{
	struct run r;
	struct ing_file *f;
	PIX *pix;
	int i, p;
	enum dos_err err;

	memset(&r, 0, sizeof(r));
	r.ing = ing;
	r.a = a;
	r.batch_id = batch_id;
	r.on_file = on_file;
	r.on_progress = on_progress;
	r.arg = arg;
	r.prog.files_total = npaths;
	r.t0 = dos_mono();
	pthread_mutex_lock(&ing->mu);
	ing->pages_done = 0;
	pthread_mutex_unlock(&ing->mu);
	for (i = 0; i < npaths && r.stop == DOS_OK; i++) {
		if ((f = calloc(1, sizeof(*f))) == NULL) {
			finish_ready(&r, 1);
			return DOS_NOMEM;
		}
		f->path = paths[i];
		if (r.tail != NULL)
			r.tail->next = f;
		else
			r.head = f;
		r.tail = f;
		file_start(ing, a, f);
		if (ing_err_stops_batch(f->err))
			r.stop = f->err; /* no further file is started */
		for (p = 0; f->err == DOS_OK && f->dups == NULL &&
			    p < f->npages;
		     p++) {
			double t = dos_mono();

			f->pages[p].source_index = p;
			err = ing_source_page(&f->src, p, &pix, f->msg,
					      sizeof(f->msg));
			pthread_mutex_lock(&ing->mu);
			ing->stats.decode += dos_mono() - t;
			pthread_mutex_unlock(&ing->mu);
			if (err != DOS_OK) {
				pthread_mutex_lock(&ing->mu);
				f->err = err;
				pthread_mutex_unlock(&ing->mu);
				break;
			}
			enqueue(&r, f, p, pix);
			report(&r);
		}
		pthread_mutex_lock(&ing->mu);
		f->decode_done = 1;
		pthread_mutex_unlock(&ing->mu);
		finish_ready(&r, 0);
	}
	finish_ready(&r, 1);
	return r.stop;
}

void
ing_stats_get(struct ing *ing, struct ing_stats *out)
{
	pthread_mutex_lock(&ing->mu);
	*out = ing->stats;
	pthread_mutex_unlock(&ing->mu);
}

struct one {
	json_t *docs;
	char *msg;
	enum dos_err err;
};

static void
one_file(void *arg, const char *path, enum dos_err err, json_t *docs,
	 const char *msg)
{
	struct one *o = arg;

	(void)path;
	o->err = err;
	if (docs != NULL)
		o->docs = json_incref(docs);
	if (msg != NULL)
		o->msg = strdup(msg);
}

enum dos_err
ing_file(struct ing *ing, struct arc *a, int64_t batch_id, const char *path,
	 json_t **presult, char **pmsg)
{
	struct one o = {NULL, NULL, DOS_OK};
	char *paths[1] = {(char *)path};
	enum dos_err err;

	err = ing_batch(ing, a, batch_id, paths, 1, one_file, NULL, &o);
	*presult = o.docs;
	*pmsg = o.msg;
	return err != DOS_OK ? err : o.err;
}

/* ---- a stack of pages arriving one at a time (a scanner, scan.c) ---- */

struct ing_stack {
	struct run r;
	struct ing_file *f;
	int cap;        /* pages the array has room for */
	char name[128]; /* the source's name */
	struct ing_cover cover;
};

enum dos_err
ing_stack_begin(struct ing *ing, struct arc *a, int64_t batch_id,
		const char *name, ing_file_fn on_file,
		ing_progress_fn on_progress, void *arg, struct ing_stack **ps)
{
	struct ing_stack *s;

	*ps = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return DOS_NOMEM;
	if ((s->f = calloc(1, sizeof(*s->f))) == NULL) {
		free(s);
		return DOS_NOMEM;
	}
	if (dos_snprintf(s->name, sizeof(s->name), "%s", name) != DOS_OK) {
		free(s->f);
		free(s);
		return DOS_INVAL;
	}
	s->f->path = s->name;
	s->f->src.format = "tiff";
	s->f->cover = &s->cover;
	s->r.ing = ing;
	s->r.a = a;
	s->r.batch_id = batch_id;
	s->r.on_file = on_file;
	s->r.on_progress = on_progress;
	s->r.arg = arg;
	s->r.prog.files_total = 1;
	s->r.t0 = dos_mono();
	s->r.head = s->r.tail = s->f;
	pthread_mutex_lock(&ing->mu);
	ing->pages_done = 0;
	pthread_mutex_unlock(&ing->mu);
	*ps = s;
	return DOS_OK;
}

enum dos_err
ing_stack_page(struct ing_stack *s, PIX *pix)
{
	struct ing *ing = s->r.ing;
	struct ing_file *f = s->f;
	struct ing_page *np;
	int idx, cap;

	pthread_mutex_lock(&ing->mu);
	if (f->npages == s->cap) {
		cap = s->cap ? s->cap * 2 : 16;
		/* Workers copy their pages in under mu: safe to move. */
		np = cap < (1 << 20) ? realloc(f->pages, (size_t)cap *
							 sizeof(*np))
				     : NULL;
		if (np == NULL) {
			pthread_mutex_unlock(&ing->mu);
			pixDestroy(&pix);
			return DOS_NOMEM;
		}
		memset(np + s->cap, 0, (size_t)(cap - s->cap) * sizeof(*np));
		f->pages = np;
		s->cap = cap;
	}
	idx = f->npages++;
	f->pages[idx].source_index = idx;
	pthread_mutex_unlock(&ing->mu);
	enqueue(&s->r, f, idx, pix);
	report(&s->r);
	return DOS_OK;
}

void
ing_stack_lead(struct ing_stack *s, const char *account, const char *category,
	       int pages)
{
	s->cover.lead_pages = pages;
	snprintf(s->cover.lead_account, sizeof(s->cover.lead_account), "%s",
		 account != NULL ? account : "");
	snprintf(s->cover.lead_category, sizeof(s->cover.lead_category), "%s",
		 category != NULL ? category : "");
}

enum dos_err
ing_stack_end(struct ing_stack *s, unsigned char *data, size_t len,
	      enum dos_err err, const char *msg, struct ing_cover *pcover)
{
	struct ing *ing = s->r.ing;
	struct ing_file *f = s->f;
	enum dos_err rc = DOS_OK;

	f->data = data;
	f->len = len;
	if (data != NULL && err == DOS_OK)
		err = rc = dos_sha256_hex(data, len, f->sha);
	pthread_mutex_lock(&ing->mu);
	if (f->err == DOS_OK && err != DOS_OK) {
		f->err = err;
		snprintf(f->msg, sizeof(f->msg), "%s",
			 msg != NULL ? msg : dos_strerror(err));
	}
	f->decode_done = 1;
	pthread_mutex_unlock(&ing->mu);
	if (f->npages == 0) {
		/* Nothing was scanned: nothing to file or record. */
		s->r.head = s->r.tail = NULL;
		file_free(f);
	} else
		finish_ready(&s->r, 1); /* files it, then frees it */
	if (pcover != NULL)
		*pcover = s->cover;
	free(s);
	return rc;
}
