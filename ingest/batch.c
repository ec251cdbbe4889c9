/*
 * batch.c: the ingest pipeline.  The calling thread reads each file (size
 * limit, SHA-256, duplicate check), decodes its pages (pixel limit before
 * decoding) into a bounded queue, and files finished files in order;
 * worker threads, each with its own Tesseract handle, run the per-page
 * pipeline.  Exports ing_options_default, ing_new, ing_free, ing_batch,
 * ing_file.
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

		err = ing_worker_page(w, job.pix,
				      strcmp(job.file->src.format, "pdf") == 0,
				      &job.file->pages[job.index]);
		pixDestroy(&job.pix);

		pthread_mutex_lock(&ing->mu);
		if (err != DOS_OK && job.file->err == DOS_OK) {
			job.file->err = err;
			snprintf(job.file->msg, sizeof(job.file->msg),
				 "page %d: processing failed: %s",
				 job.index + 1, dos_strerror(err));
		}
		job.file->remaining--;
		ing->pages_done++;
		{
			const struct ing_page *pg = &job.file->pages[job.index];

			ing->stats.pages++;
			ing->stats.orient += pg->t_orient;
			ing->stats.deskew += pg->t_deskew;
			ing->stats.ocr += pg->t_ocr;
			ing->stats.barcode += pg->t_barcode;
			ing->stats.encode += pg->t_encode;
		}
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

struct run {
	struct ing *ing;
	struct arc *a;
	int64_t batch_id;
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

/* Files every finished file at the head of the line, in order. */
static void
finish_ready(struct run *r, int wait_all)
{
	struct ing_file *f;
	json_t *docs;
	char shown[4096];
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
		}
		if (err != DOS_OK && f->msg[0] == '\0')
			snprintf(f->msg, sizeof(f->msg), "%s",
				 dos_strerror(err));
		/* The batch record lists every file with its outcome, its
		 * path as text (JSON shows it; a name may not be UTF-8). */
		dos_utf8_clean(f->path, shown, sizeof(shown));
		if (r->batch_id > 0)
			arc_batch_file(r->a, r->batch_id, shown,
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
	for (i = 0; i < npaths; i++) {
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
	return DOS_OK;
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
