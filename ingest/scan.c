/*
 * scan.c: scanning straight from a scanner as a batch.  Each run of the
 * scanner feeds its pages, as they arrive, into the same pipeline as
 * `ingest`, and files them as one source (a multi-page TIFF original,
 * "scan-BATCH-PART.tif") cut into documents by cover and separator
 * sheets.  When the scanner stops (a jam, an empty feeder, a lost device)
 * the pages scanned are filed and the batch is left "stopped" with its
 * settings; resuming it runs the scanner again into the same batch, the
 * document left open by a cover sheet going on.  Past the size limit of
 * one original, a run goes on into a new part.
 * Test hook: DOSSIER_SCAN_FAULT="N:NAME=VALUE[;...]" sets backend option
 * NAME to VALUE once N pages of a run are scanned (with SANE's test
 * backend, read-return-value=SANE_STATUS_JAMMED jams it mid-batch).
 * Exports ing_scan_open, ing_scan_batch, ing_scan_describe, ing_scan_run,
 * ing_scan_free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* More than any feeder holds: a backend that never runs out stops. */
#define MAX_RUN_PAGES 2000

struct ing_scan {
	struct ing_options opt; /* account ... lang borrowed from settings */
	char user[65];
	json_t *settings;       /* kept with the batch (arc_batch_scan_save) */
	struct ing_dev *dev;
	struct ing_dev_setup ds;
	volatile sig_atomic_t *cancel;
	int64_t batch;
	int resumed; /* taken up again (else begun by ing_scan_open) */
	int ran;
	char describe[256];
};

/* One run: the callbacks wrapped, and the part being scanned. */
struct run {
	struct ing_scan *s;
	ing_file_fn on_file;
	ing_progress_fn on_progress;
	void *arg;
	int pages_before_part; /* pages of this run in earlier parts */
	int read_before_part;  /* of those, through the pipeline */
	int documents;
	int failed_pages;
	char failed[400];
	struct ing_stack *stack;
	struct ing_tiff *tiff;
	int part_pages;
};

static void
run_file(void *arg, const char *path, enum dos_err err, json_t *docs,
	 const char *msg)
{
	struct run *r = arg;

	if (err == DOS_OK)
		r->documents += (int)json_array_size(docs);
	else {
		r->failed_pages += r->part_pages;
		snprintf(r->failed, sizeof(r->failed), "%s",
			 msg != NULL ? msg : dos_strerror(err));
	}
	if (r->on_file != NULL)
		r->on_file(r->arg, path, err, docs, msg);
}

static void
run_progress(void *arg, const struct ing_progress *p)
{
	struct run *r = arg;
	struct ing_progress q = *p;

	q.pages_queued += r->pages_before_part;
	q.pages_done += r->read_before_part;
	if (r->on_progress != NULL)
		r->on_progress(r->arg, &q);
}

/* A settings string, or NULL. */
static const char *
sget(const struct ing_scan *s, const char *key)
{
	return json_string_value(json_object_get(s->settings, key));
}

static int
iget(const struct ing_scan *s, const char *key)
{
	return (int)json_integer_value(json_object_get(s->settings, key));
}

/* Sets a settings string (NULL: null); -1 when v is not UTF-8 text. */
static int
sput(struct ing_scan *s, const char *key, const char *v)
{
	json_t *j = v != NULL ? json_string(v) : json_null();

	return j != NULL && json_object_set_new(s->settings, key, j) == 0
		       ? 0
		       : -1;
}

/* Takes the options given into the settings; msg says what is wrong. */
static enum dos_err
merge(struct ing_scan *s, const struct ing_options *o,
      const struct ing_scan_options *so, int fresh, char *msg, size_t msglen)
{
	json_t *set;
	int i;

	if (so->source != NULL) {
		if (strcasecmp(so->source, "adf") != 0 &&
		    strcasecmp(so->source, "flatbed") != 0) {
			snprintf(msg, msglen, "the source is ADF or flatbed, "
					      "not '%s'", so->source);
			return DOS_INVAL;
		}
		sput(s, "source", strcasecmp(so->source, "adf") == 0
					  ? "adf"
					  : "flatbed");
	}
	if (so->duplex >= 0)
		json_object_set_new(s->settings, "duplex",
				    json_boolean(so->duplex > 0));
	if (so->dpi != 0) {
		if (so->dpi < ING_SCAN_MIN_DPI || so->dpi > ING_SCAN_MAX_DPI) {
			snprintf(msg, msglen, "the resolution is %d to %d dpi, "
					      "not %d", ING_SCAN_MIN_DPI,
				 ING_SCAN_MAX_DPI, so->dpi);
			return DOS_INVAL;
		}
		json_object_set_new(s->settings, "dpi",
				    json_integer(so->dpi));
	}
	if (so->mode != NULL) {
		if (strcmp(so->mode, "gray") != 0 &&
		    strcmp(so->mode, "lineart") != 0) {
			snprintf(msg, msglen, "the mode is gray or lineart, "
					      "not '%s'", so->mode);
			return DOS_INVAL;
		}
		sput(s, "mode", so->mode);
	}
	if (so->nset > 0) {
		if ((set = json_array()) == NULL)
			return DOS_NOMEM;
		for (i = 0; i < so->nset; i++)
			if (json_array_append_new(set,
						  json_string(so->set[i])) !=
			    0) {
				json_decref(set);
				snprintf(msg, msglen, "a scanner option is "
						      "UTF-8 text");
				return DOS_INVAL;
			}
		json_object_set_new(s->settings, "set", set);
	}
	if (((o->account != NULL || fresh) &&
	     sput(s, "account", o->account) != 0) ||
	    ((o->category != NULL || fresh) &&
	     sput(s, "category", o->category) != 0) ||
	    ((o->doc_type != NULL || fresh) &&
	     sput(s, "type", o->doc_type) != 0) ||
	    ((o->langs != NULL || fresh) &&
	     sput(s, "lang", o->langs != NULL ? o->langs : "eng") != 0) ||
	    (so->device != NULL && sput(s, "device", so->device) != 0)) {
		snprintf(msg, msglen, "the device, account, category, type "
				      "and languages are UTF-8 text");
		return DOS_INVAL;
	}
	if (json_integer_value(json_object_get(s->settings, "dpi")) == 0)
		json_object_set_new(s->settings, "dpi",
				    json_integer(ING_SCAN_DPI));
	if (sget(s, "mode") == NULL)
		sput(s, "mode", "gray");
	return DOS_OK;
}

static enum dos_err
save(struct ing_scan *s, struct arc *a)
{
	char *text = json_dumps(s->settings, JSON_COMPACT | JSON_SORT_KEYS);
	enum dos_err err;

	if (text == NULL)
		return DOS_NOMEM;
	err = arc_batch_scan_save(a, s->batch, text);
	free(text);
	return err;
}

enum dos_err
ing_scan_open(const struct ing_options *o, const struct ing_scan_options *so,
	      struct arc *a, const struct arc_user *who, int64_t resume,
	      struct ing_scan **ps, char *msg, size_t msglen)
{
	struct ing_scan *s;
	json_error_t je;
	char *text = NULL;
	enum dos_err err;

	*ps = NULL;
	msg[0] = '\0';
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return DOS_NOMEM;
	s->opt = *o;
	s->cancel = so->cancel;
	snprintf(s->user, sizeof(s->user), "%s", who->name);
	s->opt.user = s->user;
	if (resume > 0) {
		if ((err = arc_batch_scan_resume(a, who, resume, &text, msg,
						 msglen)) != DOS_OK)
			goto fail;
		s->batch = resume;
		s->resumed = 1;
		s->settings = json_loads(text, 0, &je);
		free(text);
		if (!json_is_object(s->settings)) {
			snprintf(msg, msglen, "the settings kept with batch "
					      "%lld are damaged",
				 (long long)resume);
			err = DOS_CORRUPT;
			goto fail;
		}
	} else {
		if ((err = arc_may(a, who, ARC_INGEST, ARC_OBJ_NONE, 0, msg,
				   msglen)) != DOS_OK)
			goto fail;
		if ((s->settings = json_object()) == NULL) {
			err = DOS_NOMEM;
			goto fail;
		}
	}
	if ((err = merge(s, o, so, resume <= 0, msg, msglen)) != DOS_OK)
		goto fail;
	s->opt.account = sget(s, "account");
	s->opt.category = sget(s, "category");
	s->opt.doc_type = sget(s, "type");
	s->opt.langs = sget(s, "lang") != NULL ? sget(s, "lang") : "eng";
	s->ds.device = sget(s, "device");
	s->ds.source = sget(s, "source");
	s->ds.duplex = json_is_true(json_object_get(s->settings, "duplex"));
	s->ds.dpi = iget(s, "dpi");
	s->ds.mode = sget(s, "mode");
	s->ds.set = json_object_get(s->settings, "set");
	if ((err = ing_dev_open(&s->ds, &s->dev, msg, msglen)) != DOS_OK)
		goto fail;
	/* The device found, so a resumed batch opens the same one. */
	sput(s, "device", ing_dev_name(s->dev));
	s->ds.device = sget(s, "device");
	snprintf(s->describe, sizeof(s->describe), "%s, %s%s, %d dpi, %s",
		 ing_dev_name(s->dev), ing_dev_source(s->dev),
		 s->ds.duplex ? " (both sides)" : "", ing_dev_dpi(s->dev),
		 s->ds.mode);
	if (resume > 0) {
		char obj[48];

		snprintf(obj, sizeof(obj), "batch %lld", (long long)resume);
		if ((err = arc_audit(a, s->user, "batch-resume", obj,
				     s->describe)) != DOS_OK)
			goto fail;
	} else if ((err = arc_batch_begin(a, s->user, &s->batch)) != DOS_OK) {
		snprintf(msg, msglen, "the batch cannot be started: %s",
			 dos_strerror(err));
		goto fail;
	}
	if ((err = save(s, a)) != DOS_OK) {
		snprintf(msg, msglen, "the batch's settings cannot be kept: %s",
			 dos_strerror(err));
		goto fail;
	}
	*ps = s;
	return DOS_OK;
fail:
	if (msg[0] == '\0')
		snprintf(msg, msglen, "%s", dos_strerror(err));
	if (resume > 0 && s->batch > 0) {
		size_t k = strlen(msg);

		snprintf(msg + k, msglen - k, "; batch %lld stays stopped",
			 (long long)resume);
	}
	ing_scan_free(s, a);
	return err;
}

int64_t
ing_scan_batch(const struct ing_scan *s)
{
	return s->batch;
}

const char *
ing_scan_describe(const struct ing_scan *s)
{
	return s->describe;
}

void
ing_scan_free(struct ing_scan *s, struct arc *a)
{
	if (s == NULL)
		return;
	/* Taken up but never run: back to stopped; begun: nothing in it. */
	if (!s->ran && s->batch > 0 && a != NULL)
		arc_batch_scan_finish(a, s->batch,
				      s->resumed ? "stopped" : "done");
	ing_dev_close(s->dev);
	json_decref(s->settings);
	free(s);
}

/* ---- a run ---- */

static enum dos_err
part_begin(struct run *r, struct ing *ing, struct arc *a)
{
	struct ing_scan *s = r->s;
	char name[64];
	enum dos_err err;

	snprintf(name, sizeof(name), "scan-%lld-%d.tif", (long long)s->batch,
		 iget(s, "parts") + 1);
	r->part_pages = 0;
	if ((err = ing_tiff_new(s->opt.max_file_bytes, &r->tiff)) != DOS_OK)
		return err;
	if ((err = ing_stack_begin(ing, a, s->batch, name, run_file,
				   run_progress, r, &r->stack)) != DOS_OK) {
		ing_tiff_free(r->tiff);
		r->tiff = NULL;
		return err;
	}
	ing_stack_lead(r->stack, sget(s, "open_account"),
		       sget(s, "open_category"), iget(s, "open_pages"));
	return DOS_OK;
}

/* Files the part scanned so far; the open document is remembered. */
static void
part_end(struct run *r)
{
	struct ing_scan *s = r->s;
	struct ing_cover cover;
	unsigned char *data = NULL;
	size_t len = 0;
	enum dos_err err = DOS_OK;

	if (r->stack == NULL)
		return;
	if (r->part_pages > 0)
		err = ing_tiff_finish(r->tiff, &data, &len);
	else
		ing_tiff_free(r->tiff);
	r->tiff = NULL;
	memset(&cover, 0, sizeof(cover));
	ing_stack_end(r->stack, data, len, err,
		      err != DOS_OK ? "the scanned pages cannot be kept as "
				      "a TIFF"
				    : NULL,
		      &cover);
	r->stack = NULL;
	if (r->part_pages == 0)
		return;
	r->pages_before_part += r->part_pages;
	r->read_before_part += r->part_pages;
	json_object_set_new(s->settings, "parts",
			    json_integer(iget(s, "parts") + 1));
	sput(s, "open_account",
	     cover.tail_account[0] != '\0' ? cover.tail_account : NULL);
	sput(s, "open_category",
	     cover.tail_category[0] != '\0' ? cover.tail_category : NULL);
	json_object_set_new(s->settings, "open_pages",
			    json_integer(cover.tail_pages));
}

/* How a stop reads to a clerk, and what to do about it. */
static void
describe_stop(struct ing_scan *s, enum ing_scan_stop stop, int pages,
	      const char *why, struct ing_scan_result *res)
{
	const char *dev = ing_dev_name(s->dev);
	char after[48];

	if (pages > 0)
		snprintf(after, sizeof(after), "after page %d", pages);
	else
		snprintf(after, sizeof(after), "before the first page");
	res->hint[0] = '\0';
	switch (stop) {
	case ING_SCAN_DONE:
		snprintf(res->what, sizeof(res->what),
			 "scanned %d page(s) from %s", res->pages_run, dev);
		break;
	case ING_SCAN_EMPTY:
		snprintf(res->what, sizeof(res->what),
			 "the document feeder of %s is empty", dev);
		snprintf(res->hint, sizeof(res->hint), "load the pages");
		break;
	case ING_SCAN_JAMMED:
		snprintf(res->what, sizeof(res->what),
			 "the scanner reports a paper jam %s", after);
		snprintf(res->hint, sizeof(res->hint), "clear the jam");
		break;
	case ING_SCAN_COVER_OPEN:
		snprintf(res->what, sizeof(res->what),
			 "the scanner's cover is open (%s)", after);
		snprintf(res->hint, sizeof(res->hint), "close the cover");
		break;
	case ING_SCAN_LOST:
		snprintf(res->what, sizeof(res->what),
			 "lost the connection to scanner %s %s (%.200s)", dev,
			 after, why[0] ? why : "no answer");
		snprintf(res->hint, sizeof(res->hint),
			 "check that it is switched on and connected");
		break;
	case ING_SCAN_BUSY:
		snprintf(res->what, sizeof(res->what),
			 "scanner %s is busy or not ready %s (%.200s)", dev,
			 after, why);
		snprintf(res->hint, sizeof(res->hint),
			 "wait until it is ready");
		break;
	case ING_SCAN_CANCELLED:
		snprintf(res->what, sizeof(res->what),
			 "the scan was cancelled %s", after);
		break;
	case ING_SCAN_LIMIT:
		snprintf(res->what, sizeof(res->what), "%s: %.300s", after,
			 why);
		snprintf(res->hint, sizeof(res->hint),
			 "choose a lower resolution");
		break;
	default:
		snprintf(res->what, sizeof(res->what),
			 "the scan stopped %s: %.300s", after,
			 why[0] ? why : "the scanner failed");
		break;
	}
}

/*
 * The test hook: DOSSIER_SCAN_FAULT="N:NAME=VALUE[;N:NAME=VALUE]..."
 * sets backend option NAME once N pages of a run are scanned; SANE keeps
 * a device's options while it stays loaded, so each is put back after
 * the run.
 */
#define MAX_FAULTS 4

struct fault {
	int at;           /* pages scanned when it applies */
	char set[200];    /* NAME=VALUE */
	char undo[200];   /* NAME=what it was, or "" */
};

static int
faults_parse(struct fault *fs)
{
	const char *e = getenv("DOSSIER_SCAN_FAULT"), *p;
	char *end;
	size_t k;
	long n;
	int nf = 0;

	for (p = e; p != NULL && *p != '\0' && nf < MAX_FAULTS; p += k) {
		n = strtol(p, &end, 10);
		if (end == p || *end != ':' || n < 0 || n > 100000)
			break;
		k = strcspn(end + 1, ";");
		if (k >= sizeof(fs[nf].set))
			break;
		fs[nf].at = (int)n;
		memcpy(fs[nf].set, end + 1, k);
		fs[nf].set[k] = '\0';
		fs[nf].undo[0] = '\0';
		nf++;
		k += (size_t)(end + 1 - p);
		if (p[k] == ';')
			k++;
	}
	return nf;
}

static void
faults_apply(struct ing_dev *dev, struct fault *fs, int nf, int pages)
{
	char name[64], was[128], msg[256];
	size_t k;
	int i;

	for (i = 0; i < nf; i++) {
		if (fs[i].at != pages)
			continue;
		k = strcspn(fs[i].set, "=");
		if (k < sizeof(name)) {
			memcpy(name, fs[i].set, k);
			name[k] = '\0';
			if (ing_dev_option_get(dev, name, was, sizeof(was)) ==
			    DOS_OK)
				snprintf(fs[i].undo, sizeof(fs[i].undo),
					 "%s=%s", name, was);
		}
		if (ing_dev_option(dev, fs[i].set, msg, sizeof(msg)) != DOS_OK)
			dos_warnx("DOSSIER_SCAN_FAULT: %s", msg);
	}
}

static void
faults_undo(struct ing_dev *dev, struct fault *fs, int nf)
{
	char msg[256];

	while (nf-- > 0)
		if (fs[nf].undo[0] != '\0')
			ing_dev_option(dev, fs[nf].undo, msg, sizeof(msg));
}

enum dos_err
ing_scan_run(struct ing_scan *s, struct arc *a, ing_file_fn on_file,
	     ing_progress_fn on_progress, void *arg,
	     struct ing_scan_result *res)
{
	struct run r;
	struct ing *ing = NULL;
	struct ing_frame fr;
	struct ing_tiff_meta meta;
	struct fault faults[MAX_FAULTS];
	char why[512], desc[400];
	int pages_before = iget(s, "pages"), nfaults, rc = 0;
	size_t last = 0;
	PIX *pix;
	enum ing_scan_stop stop = ING_SCAN_DONE;
	enum dos_err err, aerr;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	memset(&fr, 0, sizeof(fr));
	why[0] = '\0';
	res->batch = s->batch;
	s->ran = 1;
	r.s = s;
	r.on_file = on_file;
	r.on_progress = on_progress;
	r.arg = arg;
	nfaults = faults_parse(faults);
	meta.make = ing_dev_vendor(s->dev);
	meta.model = ing_dev_model(s->dev);
	meta.description = desc;
	if ((err = ing_new(&s->opt, &ing)) != DOS_OK) {
		stop = ING_SCAN_FAILED;
		snprintf(why, sizeof(why), "the OCR engine cannot start: %s",
			 dos_strerror(err));
		goto done;
	}
	if ((err = part_begin(&r, ing, a)) != DOS_OK) {
		stop = ING_SCAN_FAILED;
		snprintf(why, sizeof(why), "%s", dos_strerror(err));
		goto done;
	}
	for (;;) {
		faults_apply(s->dev, faults, nfaults, res->pages_run);
		if (res->pages_run >= MAX_RUN_PAGES) {
			stop = ING_SCAN_FAILED;
			snprintf(why, sizeof(why), "a run stops after %d pages "
						   "(is the feeder endless?)",
				 MAX_RUN_PAGES);
			break;
		}
		/* No room for a page like the last: on into a new part. */
		if (r.part_pages > 0 &&
		    ing_tiff_size(r.tiff) + last > s->opt.max_file_bytes) {
			part_end(&r);
			if ((err = part_begin(&r, ing, a)) != DOS_OK) {
				stop = ING_SCAN_FAILED;
				snprintf(why, sizeof(why), "%s",
					 dos_strerror(err));
				break;
			}
		}
		rc = ing_dev_page(s->dev, s->opt.max_page_pixels, s->cancel,
				  &fr, why, sizeof(why));
		if (rc != 0) {
			stop = rc == ING_SCAN_EMPTY && res->pages_run > 0
				       ? ING_SCAN_DONE
				       : (enum ing_scan_stop)rc;
			break;
		}
		snprintf(desc, sizeof(desc), "dossier batch %lld page %d, "
					     "scanned on %s",
			 (long long)s->batch, pages_before + res->pages_run + 1,
			 s->describe);
		last = (size_t)fr.lines * fr.bpl;
		err = ing_tiff_page(r.tiff, &fr, ing_dev_dpi(s->dev), &meta);
		pix = err == DOS_OK ? ing_frame_pix(&fr, ing_dev_dpi(s->dev))
				    : NULL;
		ing_frame_clear(&fr);
		if (pix == NULL) {
			/* The sheet went through but cannot be kept. */
			if (err == DOS_OK)
				err = DOS_NOMEM;
			stop = err == DOS_LIMIT ? ING_SCAN_LIMIT
						: ING_SCAN_FAILED;
			snprintf(why, sizeof(why), "page %d cannot be kept "
						   "(%s); scan it again",
				 pages_before + res->pages_run + 1,
				 err == DOS_LIMIT ? "over the size limit of "
						    "one scan"
						  : dos_strerror(err));
			break;
		}
		if ((err = ing_stack_page(r.stack, pix)) != DOS_OK) {
			stop = ING_SCAN_FAILED;
			snprintf(why, sizeof(why), "%s", dos_strerror(err));
			break;
		}
		r.part_pages++;
		res->pages_run++;
		if (ing_dev_flatbed(s->dev))
			break; /* one page per run */
	}
	ing_dev_end(s->dev);
	faults_undo(s->dev, faults, nfaults);
done:
	part_end(&r);
	ing_free(ing);
	res->stop = stop;
	res->documents = r.documents;
	res->pages = pages_before + res->pages_run - r.failed_pages;
	if (r.failed_pages > 0 && stop == ING_SCAN_DONE) {
		res->stop = stop = ING_SCAN_FAILED;
		snprintf(why, sizeof(why), "%d page(s) could not be filed: %s",
			 r.failed_pages, r.failed);
	}
	json_object_set_new(s->settings, "pages", json_integer(res->pages));
	if (stop == ING_SCAN_DONE) {
		/* The stack is over: nothing goes on. */
		sput(s, "open_account", NULL);
		sput(s, "open_category", NULL);
		json_object_set_new(s->settings, "open_pages",
				    json_integer(0));
	}
	describe_stop(s, stop, res->pages, why, res);
	aerr = save(s, a);
	if ((err = arc_batch_scan_finish(a, s->batch, stop == ING_SCAN_DONE
							  ? "done"
							  : "stopped")) !=
	    DOS_OK)
		aerr = err;
	return aerr;
}
