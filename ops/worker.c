/*
 * worker.c: the worker.  N threads, each with its own archive connection
 * and reader (its own OCR engine), claim rows of the queue one at a time
 * and do them: read a page, file a file, turn a page, write an export,
 * scan, render a page image for the viewer.  A keeper thread renews the
 * leases of the rows being worked, says the worker is alive, and sends
 * back to the queue the claims of workers that are gone.  When told to
 * stop, nothing more is taken; what is held is finished within a grace
 * period or given back.  A failure of the archive itself (full disk,
 * read-only, locked) gives the row back: a batch run here stops; a
 * worker serving the queue waits and tries again.
 * Exports ops_work, ops_worker_name.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dossier/export.h"
#include "dossier/ops.h"

#define MAX_THREADS 64
#define KEEP_EVERY 5.0      /* seconds between lease renewals */
#define RECLAIM_EVERY 2.0   /* seconds between looks for dead claims */
#define IDLE_SLEEP_MS 200   /* an idle thread looks again */
#define ARCHIVE_BACKOFF 15  /* seconds a worker waits after a full disk */

/* A row being worked by one thread. */
struct slot {
	int64_t id;         /* 0: none */
	enum arc_job_kind kind;
	char *progress;     /* JSON, or NULL (under mu) */
	int dirty;          /* progress changed since the last renewal */
	volatile sig_atomic_t lost; /* the claim is gone (cancelled), or
				     * the worker stops: a scan stops */
};

struct ops_work {
	const struct ops_work_opts *o;
	char name[300];
	pthread_mutex_t mu; /* slots, res, callbacks, stopping */
	struct slot slots[MAX_THREADS];
	struct ops_work_result *res;
	atomic_int stopping;  /* take nothing more */
	atomic_int drained;
	atomic_int running;   /* threads still in their loop */
	double last_reclaim;  /* under mu */
};

void
ops_worker_name(char *out, size_t n)
{
	char host[256];

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, n, "%s:%ld", host, (long)getpid());
}

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
told_to_stop(struct ops_work *w)
{
	return atomic_load(&w->stopping) ||
	       (w->o->stop != NULL && atomic_load(w->o->stop));
}

/* ---- the rows ---- */

/* A row's progress (JSON text) for the keeper to record. */
static void
set_progress(struct ops_work *w, struct slot *s, const char *text)
{
	char *copy = text != NULL ? strdup(text) : NULL;

	pthread_mutex_lock(&w->mu);
	free(s->progress);
	s->progress = copy;
	s->dirty = copy != NULL;
	pthread_mutex_unlock(&w->mu);
}

/* Export progress into the thread's slot, for the keeper to record. */
struct xctx {
	struct ops_work *w;
	struct slot *s;
};

static void
on_export_progress(void *arg, const struct exp_progress *p)
{
	struct xctx *x = arg;

	char text[128];

	snprintf(text, sizeof(text),
		 "{\"done\":%zu,\"total\":%zu,\"bytes\":%llu}", p->done,
		 p->total, (unsigned long long)p->bytes);
	set_progress(x->w, x->s, text);
}

/* Reads a string list of spec into a NULL-ended array (caller frees). */
static char **
strings(const json_t *list, size_t *pn)
{
	char **out = calloc(json_array_size(list) + 1, sizeof(*out));
	size_t k;
	json_t *v;

	*pn = 0;
	if (out == NULL)
		return NULL;
	json_array_foreach(list, k, v)
		if (json_is_string(v))
			out[(*pn)++] = (char *)json_string_value(v);
	return out;
}

/* An export row: the file is written into a folder of the spool. */
static enum dos_err
do_export(struct ops_work *w, struct arc *a, struct slot *s,
	  const struct arc_job *j, char **presult, char *msg, size_t msglen)
{
	static const char *const ext[] = {"zip", "csv", "csv"};
	struct arc_user who;
	struct exp_opts eo;
	struct exp_result er;
	struct xctx x = {w, s};
	json_t *spec = NULL, *res = NULL, *v;
	char dir[4096], path[4400], name[96];
	char **customers = NULL;
	int64_t *docs = NULL;
	const char *kind;
	size_t nc = 0, nd = 0, k, entries = 0;
	struct stat sb;
	int kx;
	enum dos_err err;

	*presult = NULL;
	dir[0] = '\0';
	memset(&eo, 0, sizeof(eo));
	memset(&er, 0, sizeof(er));
	if ((spec = json_loads(j->spec, 0, NULL)) == NULL) {
		snprintf(msg, msglen, "the export's record is damaged");
		return DOS_CORRUPT;
	}
	kind = json_string_value(json_object_get(spec, "kind"));
	kx = kind == NULL || strcmp(kind, "bundle") == 0 ? 0
	     : strcmp(kind, "csv") == 0		      ? 1
						      : 2;
	if ((err = arc_user_load(a, j->owner, &who)) != DOS_OK) {
		snprintf(msg, msglen, "%s cannot export now: %s", j->owner,
			 dos_strerror(err));
		goto out;
	}
	customers = strings(json_object_get(spec, "customers"), &nc);
	if (json_array_size(json_object_get(spec, "documents")) > 0 &&
	    (docs = calloc(json_array_size(json_object_get(spec, "documents")),
			   sizeof(*docs))) != NULL)
		json_array_foreach(json_object_get(spec, "documents"), k, v)
			docs[nd++] = json_integer_value(v);
	eo.query = json_string_value(json_object_get(spec, "query"));
	eo.customers = (const char *const *)customers;
	eo.ncustomers = nc;
	eo.docs = docs;
	eo.ndocs = nd;
	eo.reason = json_string_value(json_object_get(spec, "reason"));
	eo.originals = json_is_true(json_object_get(spec, "originals"));
	eo.progress = on_export_progress;
	eo.arg = &x;
	if ((err = arc_spool_dir(a, dir, sizeof(dir))) != DOS_OK) {
		dir[0] = '\0';
		snprintf(msg, msglen, "no room for the export: %s",
			 dos_strerror(err));
		goto out;
	}
	snprintf(name, sizeof(name), "dossier-%s-%lld.%s",
		 kx == 2 ? "audit-log" : "export", (long long)j->id, ext[kx]);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	msg[0] = '\0';
	if (kx == 0)
		err = exp_bundle(a, &who, &eo, path, &er, msg, msglen);
	else if (kx == 1)
		err = exp_csv(a, &who, &eo, path, &er, msg, msglen);
	else
		err = exp_audit_log(
			a, &who, json_string_value(json_object_get(spec, "from")),
			json_string_value(json_object_get(spec, "to")), EXP_CSV,
			path, &entries, msg, msglen);
	if (err != DOS_OK)
		goto out;
	if (stat(path, &sb) == 0)
		er.bytes = (uint64_t)sb.st_size;
	res = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:s,s:s}", "file", path,
			"name", name, "bytes", (json_int_t)er.bytes,
			"documents", (json_int_t)er.documents, "pages",
			(json_int_t)er.pages, "entries", (json_int_t)entries,
			"manifest_sha256", er.manifest_sha, "message", msg);
	if (res == NULL || (*presult = json_dumps(res, JSON_COMPACT)) == NULL)
		err = DOS_NOMEM;
out:
	if (err != DOS_OK && dir[0] != '\0') {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		unlink(path);
		rmdir(dir);
	}
	json_decref(res);
	json_decref(spec);
	free(customers);
	free(docs);
	return err;
}

/* ---- scans ---- */

static const char *const stop_names[] = {
	[ING_SCAN_DONE] = "done",
	[ING_SCAN_EMPTY] = "empty",
	[ING_SCAN_JAMMED] = "jammed",
	[ING_SCAN_COVER_OPEN] = "cover-open",
	[ING_SCAN_LOST] = "lost",
	[ING_SCAN_BUSY] = "busy",
	[ING_SCAN_CANCELLED] = "cancelled",
	[ING_SCAN_LIMIT] = "limit",
	[ING_SCAN_FAILED] = "failed",
};

/* A scan's state as the scan station follows it. */
struct sctx {
	struct ops_work *w;
	struct slot *s;
	json_t *state; /* {"batch", "device", "message", "pages_scanned",
			* "pages_done", "files"} */
};

static void
scan_publish(struct sctx *x)
{
	char *text = json_dumps(x->state, JSON_COMPACT);

	set_progress(x->w, x->s, text);
	free(text);
}

static void
scan_progress(void *arg, const struct ing_progress *p)
{
	struct sctx *x = arg;

	json_object_set_new(x->state, "pages_scanned",
			    json_integer(p->pages_queued));
	json_object_set_new(x->state, "pages_done",
			    json_integer(p->pages_done));
	json_object_set_new(x->state, "elapsed", json_real(p->elapsed));
	scan_publish(x);
}

/* Each part of the stack filed: its documents, as an upload's files. */
static void
scan_file(void *arg, const char *name, enum dos_err err, json_t *docs,
	  const char *msg)
{
	struct sctx *x = arg;
	json_t *f, *d, *list = json_array(), *files;
	size_t k;

	f = json_pack("{s:s}", "name", name);
	if (f == NULL || list == NULL) {
		json_decref(f);
		json_decref(list);
		return;
	}
	if (err != DOS_OK)
		json_object_set_new(f, "error",
				    json_string(msg ? msg : "failed"));
	json_array_foreach(docs, k, d)
		json_array_append_new(
			list, json_pack("{s:O?,s:O?,s:O?,s:b}", "id",
					json_object_get(d, "id"), "pages",
					json_object_get(d, "pages"), "status",
					json_object_get(d, "status"),
					"duplicate", 0));
	json_object_set_new(f, "documents", list);
	files = json_object_get(x->state, "files");
	json_array_append_new(files, f);
	json_object_set_new(x->state, "files_done",
			    json_integer((json_int_t)json_array_size(files)));
	json_object_set_new(
		x->state, "files_total",
		json_integer((json_int_t)json_array_size(files) + 1));
	scan_publish(x);
}

static const char *
jstr_or(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL && *v != '\0' ? v : NULL;
}

/*
 * A scan row: the scanner attached to this machine opened, the batch
 * begun (or a stopped one taken up) and named in the row's progress at
 * once (the request that asked waits for that), then run to its end; a
 * cancel of the batch or a stop of the worker stops the scanner, the
 * pages scanned being filed.  Its result: {"ok", "err", "message",
 * "stop", "pages", "documents"}.
 */
static enum dos_err
do_scan(struct ops_work *w, struct arc *a, struct slot *s,
	const struct arc_job *j, char **presult, char *msg, size_t msglen)
{
	struct ing_scan_options so;
	struct ing_scan_result res;
	struct ing_options o = w->o->ingest;
	struct ing_scan *sc = NULL;
	struct arc_user who;
	struct sctx x = {w, s, NULL};
	json_t *spec, *v, *out = NULL;
	char what[700];
	int64_t resume = 0;
	enum dos_err err;

	*presult = NULL;
	memset(&so, 0, sizeof(so));
	memset(&res, 0, sizeof(res));
	if ((spec = json_loads(j->spec, 0, NULL)) == NULL) {
		snprintf(msg, msglen, "the scan's record is damaged");
		return DOS_CORRUPT;
	}
	ing_options_from_spec(spec, &o);
	so.device = jstr_or(spec, "device");
	so.source = jstr_or(spec, "source");
	so.mode = jstr_or(spec, "mode");
	so.duplex = json_is_boolean(v = json_object_get(spec, "duplex"))
			    ? json_is_true(v)
			    : -1;
	so.dpi = (int)json_integer_value(json_object_get(spec, "dpi"));
	so.cancel = &s->lost;
	resume = json_integer_value(json_object_get(spec, "resume"));
	o.jobs = 1;
	o.account = jstr_or(spec, "account");
	o.category = jstr_or(spec, "category");
	o.doc_type = jstr_or(spec, "type");
	if (resume > 0)
		o.langs = NULL; /* kept with the batch */
	if ((err = arc_user_load(a, j->owner, &who)) != DOS_OK) {
		snprintf(msg, msglen, "%s cannot scan now: %s", j->owner,
			 dos_strerror(err));
		goto out;
	}
	o.user = who.name;
	if ((err = ing_scan_open(&o, &so, a, &who, resume, &sc, msg,
				 msglen)) != DOS_OK)
		goto out;
	/* Begun: the request waiting for it is answered with the batch. */
	x.state = json_pack("{s:I,s:s,s:s,s:i,s:i,s:[],s:i,s:i,s:s}", "batch",
			    (json_int_t)ing_scan_batch(sc), "device",
			    ing_scan_describe(sc), "message", "",
			    "pages_scanned", 0, "pages_done", 0, "files",
			    "files_done", 0, "files_total", 1, "stop", "");
	if (x.state == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	snprintf(what, sizeof(what), "scanning from %s",
		 ing_scan_describe(sc));
	json_object_set_new(x.state, "message", json_string(what));
	arc_job_set_batch(a, j->id, w->name, ing_scan_batch(sc));
	{
		char *text = json_dumps(x.state, JSON_COMPACT);

		arc_job_renew(a, j->id, w->name, text);
		free(text);
	}
	err = ing_scan_run(sc, a, scan_file, scan_progress, &x, &res);
	if (res.stop == ING_SCAN_DONE)
		snprintf(what, sizeof(what), "batch %lld: %s; %d document(s)",
			 (long long)res.batch, res.what, res.documents);
	else
		snprintf(what, sizeof(what), "%s; %d page%s %s kept in batch "
			 "%lld; %s%sresume the batch or close it", res.what,
			 res.pages, res.pages == 1 ? "" : "s",
			 res.pages == 1 ? "is" : "are", (long long)res.batch,
			 res.hint, res.hint[0] ? ", then " : "");
	json_object_set_new(x.state, "message", json_string(what));
	json_object_set_new(x.state, "stop",
			    json_string(stop_names[res.stop]));
	json_object_set_new(x.state, "pages", json_integer(res.pages));
	json_object_set_new(x.state, "documents",
			    json_integer(res.documents));
	json_object_set_new(x.state, "ok", json_true());
	json_object_set_new(x.state, "err", json_integer(0));
	*presult = json_dumps(x.state, JSON_COMPACT);
	if (err != DOS_OK)
		dos_errx("scan batch %lld: %s", (long long)res.batch,
			 dos_strerror(err));
	err = DOS_OK;
out:
	ing_scan_free(sc, a);
	if (err != DOS_OK && *presult == NULL) {
		/* Refused (no such scanner, in use...): said in words. */
		out = json_pack("{s:b,s:i,s:s}", "ok", 0, "err", (int)err,
				"message", msg[0] ? msg : dos_strerror(err));
		*presult = out != NULL ? json_dumps(out, JSON_COMPACT) : NULL;
		json_decref(out);
		err = DOS_OK;
	}
	json_decref(x.state);
	json_decref(spec);
	return err;
}

/* Records how a row ended in the result's counts (under mu). */
static void
count(struct ops_work *w, enum arc_job_kind kind, enum dos_err err)
{
	struct ops_work_result *r = w->res;

	if (err != DOS_OK)
		r->failed++;
	else if (kind == ARC_JOB_PAGE)
		r->pages++;
	else if (kind == ARC_JOB_FILE)
		r->files++;
	else if (kind == ARC_JOB_TURN)
		r->turns++;
	else if (kind == ARC_JOB_EXPORT)
		r->exports++;
	else if (kind == ARC_JOB_VIEW)
		r->views++;
	else
		r->scans++;
}

/*
 * The archive itself failed (its disk is full...): the row goes back.
 * A batch run here stops; a worker serving the queue waits a while.
 */
static void
archive_failed(struct ops_work *w, struct arc *a, const struct arc_job *j,
	       enum dos_err err, const char *msg)
{
	arc_job_release(a, j->id, w->name);
	if (w->o->batch > 0) {
		pthread_mutex_lock(&w->mu);
		if (w->res->stopped == DOS_OK) {
			w->res->stopped = err;
			snprintf(w->res->why, sizeof(w->res->why), "%s",
				 msg[0] ? msg : dos_strerror(err));
		}
		pthread_mutex_unlock(&w->mu);
		atomic_store(&w->stopping, 1);
		return;
	}
	dos_warnx("worker: %s; row %lld given back, trying again in %d s",
		  msg[0] ? msg : dos_strerror(err), (long long)j->id,
		  ARCHIVE_BACKOFF);
	sleep_ms(ARCHIVE_BACKOFF * 1000);
}

/* A turn's or a view's answer as its row's result: whether it was done,
 * and why not, in words (JSON text, caller frees; NULL without memory). */
static char *
answer(enum dos_err err, const char *msg)
{
	json_t *res = json_pack("{s:b,s:i,s:s}", "ok", err == DOS_OK, "err",
				(int)err, "message",
				msg[0] ? msg : dos_strerror(err));
	char *text = res != NULL ? json_dumps(res, JSON_COMPACT) : NULL;

	json_decref(res);
	return text;
}

static void
work_row(struct ops_work *w, struct arc *a, struct ing_reader *r,
	 struct slot *s, const struct arc_job *j)
{
	struct ing_filed filed;
	char msg[700] = "", *result = NULL;
	int retry = 1;
	enum dos_err err = DOS_OK;

	switch (j->kind) {
	case ARC_JOB_PAGE:
		err = ing_reader_page(r, a, j, &result, &retry, msg,
				      sizeof(msg));
		if (ing_err_stops_batch(err)) {
			archive_failed(w, a, j, err, msg);
			break;
		}
		if (err == DOS_OK) {
			if (arc_job_done(a, j->id, w->name, result) ==
			    DOS_CONFLICT)
				dos_debugx("page row %lld: read again "
					   "elsewhere; this reading dropped",
					   (long long)j->id);
		} else
			arc_job_fail(a, j->id, w->name, msg, retry);
		if (w->o->on_page != NULL) {
			pthread_mutex_lock(&w->mu);
			w->o->on_page(w->o->arg, j, err, msg);
			pthread_mutex_unlock(&w->mu);
		}
		break;
	case ARC_JOB_FILE:
		err = ing_reader_file(r, a, j, w->name, &filed);
		if (ing_err_stops_batch(err)) {
			archive_failed(w, a, j, err, filed.msg);
			break;
		}
		if (err == DOS_OK && w->o->on_file != NULL) {
			pthread_mutex_lock(&w->mu);
			w->o->on_file(w->o->arg, j, &filed);
			pthread_mutex_unlock(&w->mu);
		}
		if (err != DOS_OK && err != DOS_CONFLICT)
			arc_job_fail(a, j->id, w->name, dos_strerror(err), 1);
		json_decref(filed.docs);
		break;
	case ARC_JOB_TURN: {
		err = ing_reader_turn(r, a, j, msg, sizeof(msg));
		if (ing_err_stops_batch(err)) {
			archive_failed(w, a, j, err, msg);
			break;
		}
		/* Refused or done, the turn's answer is its result. */
		result = answer(err, msg);
		arc_job_done(a, j->id, w->name, result);
		break;
	}
	case ARC_JOB_EXPORT:
		err = do_export(w, a, s, j, &result, msg, sizeof(msg));
		if (ing_err_stops_batch(err) && err != DOS_RDONLY) {
			archive_failed(w, a, j, err, msg);
			break;
		}
		if (err == DOS_OK)
			arc_job_done(a, j->id, w->name, result);
		else
			arc_job_fail(a, j->id, w->name,
				     msg[0] ? msg : dos_strerror(err), 0);
		break;
	case ARC_JOB_VIEW: {
		/* A page image for the viewer, kept for the server. */
		err = ing_view_make(a, j, msg, sizeof(msg));
		if (err == DOS_DB || err == DOS_BUSY) {
			archive_failed(w, a, j, err, msg);
			break;
		}
		result = answer(err, msg);
		arc_job_done(a, j->id, w->name, result);
		break;
	}
	case ARC_JOB_SCAN:
		err = do_scan(w, a, s, j, &result, msg, sizeof(msg));
		if (err == DOS_OK)
			arc_job_done(a, j->id, w->name, result);
		else
			arc_job_fail(a, j->id, w->name,
				     msg[0] ? msg : dos_strerror(err), 0);
		break;
	default:
		snprintf(msg, sizeof(msg), "this worker cannot do %s rows",
			 arc_job_kind_name(j->kind));
		arc_job_release(a, j->id, w->name);
		err = DOS_INVAL;
		break;
	}
	pthread_mutex_lock(&w->mu);
	count(w, j->kind, err);
	pthread_mutex_unlock(&w->mu);
	free(result);
}

/* ---- threads ---- */

struct targ {
	struct ops_work *w;
	int index;
};

/* Whether the queue holds nothing this worker could still take. */
static int
drained(struct ops_work *w, struct arc *a)
{
	int n = 1;

	if (!w->o->drain || (w->o->more != NULL && atomic_load(w->o->more)))
		return 0;
	return arc_queue_pending(a, w->o->kinds, w->o->batch, &n) == DOS_OK &&
	       n == 0;
}

/* Sends back claims of workers gone, now and then (any thread). */
static void
maybe_reclaim(struct ops_work *w, struct arc *a)
{
	double t = dos_mono();
	int n, due;

	pthread_mutex_lock(&w->mu);
	due = t - w->last_reclaim >= RECLAIM_EVERY;
	if (due)
		w->last_reclaim = t;
	pthread_mutex_unlock(&w->mu);
	if (due)
		arc_queue_reclaim(a, &n);
}

static void *
thread_main(void *arg)
{
	struct ops_work *w = ((struct targ *)arg)->w;
	struct slot *s = &w->slots[((struct targ *)arg)->index];
	struct arc *a = NULL;
	struct ing_reader *r = NULL;
	struct ing_stats st;
	struct arc_job j;
	enum dos_err err;

	free(arg);
	if ((err = arc_open(w->o->archive, 0, &a)) != DOS_OK ||
	    (err = ing_reader_new(&w->o->ingest, &r)) != DOS_OK) {
		dos_errx("worker: cannot start a thread: %s",
			 dos_strerror(err));
		pthread_mutex_lock(&w->mu);
		if (w->res->stopped == DOS_OK) {
			w->res->stopped = err;
			snprintf(w->res->why, sizeof(w->res->why),
				 "a worker thread cannot start: %s",
				 dos_strerror(err));
		}
		pthread_mutex_unlock(&w->mu);
		atomic_store(&w->stopping, 1);
		goto out;
	}
	while (!told_to_stop(w)) {
		err = arc_job_claim(a, w->name, w->o->kinds, w->o->batch, &j);
		if (err == DOS_NOTFOUND) {
			if (drained(w, a)) {
				atomic_store(&w->drained, 1);
				break;
			}
			if (atomic_load(&w->drained))
				break;
			maybe_reclaim(w, a);
			sleep_ms(IDLE_SLEEP_MS);
			continue;
		}
		if (err != DOS_OK) {
			/* The catalogue is busy or failing: later. */
			sleep_ms(1000);
			continue;
		}
		pthread_mutex_lock(&w->mu);
		s->id = j.id;
		s->kind = j.kind;
		s->dirty = 0;
		s->lost = told_to_stop(w);
		pthread_mutex_unlock(&w->mu);
		work_row(w, a, r, s, &j);
		pthread_mutex_lock(&w->mu);
		s->id = 0;
		free(s->progress);
		s->progress = NULL;
		s->dirty = 0;
		pthread_mutex_unlock(&w->mu);
		arc_job_clear(&j);
	}
out:
	if (r != NULL) {
		ing_reader_stats(r, &st);
		pthread_mutex_lock(&w->mu);
		w->res->stats.pages += st.pages;
		w->res->stats.decode += st.decode;
		w->res->stats.prepare += st.prepare;
		w->res->stats.orient += st.orient;
		w->res->stats.deskew += st.deskew;
		w->res->stats.ocr += st.ocr;
		w->res->stats.barcode += st.barcode;
		w->res->stats.encode += st.encode;
		w->res->stats.commit += st.commit;
		pthread_mutex_unlock(&w->mu);
	}
	ing_reader_free(r);
	arc_close(a);
	atomic_fetch_sub(&w->running, 1);
	return NULL;
}

/*
 * The keeper: renews the leases of the rows being worked (with their
 * progress), says the worker is alive, and returns once the threads
 * have; after a stop it gives back what is still held past the grace.
 */
static void
keep(struct ops_work *w, int threads)
{
	struct arc *a = NULL;
	struct {
		int64_t id;
		char *progress;
	} held[MAX_THREADS];
	double next = 0, stop_at = 0;
	int i, n;

	if (arc_open(w->o->archive, 0, &a) != DOS_OK)
		a = NULL;
	if (a != NULL)
		arc_worker_beat(a, w->name, threads);
	while (atomic_load(&w->running) > 0) {
		if (stop_at == 0 && told_to_stop(w)) {
			atomic_store(&w->stopping, 1);
			/* A scan stops its scanner (its pages are filed). */
			pthread_mutex_lock(&w->mu);
			for (i = 0; i < threads; i++)
				w->slots[i].lost = 1;
			pthread_mutex_unlock(&w->mu);
			stop_at = dos_mono() +
				  (w->o->grace > 0 ? w->o->grace : 20);
		}
		if (stop_at > 0 && dos_mono() >= stop_at)
			break;
		if (a != NULL && dos_mono() >= next) {
			pthread_mutex_lock(&w->mu);
			for (i = 0, n = 0; i < threads; i++)
				if (w->slots[i].id != 0) {
					held[n].id = w->slots[i].id;
					held[n].progress =
						w->slots[i].dirty &&
							w->slots[i].progress
							? strdup(w->slots[i]
									 .progress)
							: NULL;
					w->slots[i].dirty = 0;
					n++;
				}
			pthread_mutex_unlock(&w->mu);
			for (i = 0; i < n; i++)
				if (arc_job_renew(a, held[i].id, w->name,
						  held[i].progress) ==
				    DOS_CONFLICT) {
					int k;

					pthread_mutex_lock(&w->mu);
					for (k = 0; k < threads; k++)
						if (w->slots[k].id ==
						    held[i].id)
							w->slots[k].lost = 1;
					pthread_mutex_unlock(&w->mu);
				}
			for (i = 0; i < n; i++)
				free(held[i].progress);
			arc_worker_beat(a, w->name, threads);
			next = dos_mono() + KEEP_EVERY;
		}
		sleep_ms(100);
	}
	/* Past the grace: what is still held goes back to the queue. */
	if (a != NULL && atomic_load(&w->running) > 0) {
		pthread_mutex_lock(&w->mu);
		for (i = 0, n = 0; i < threads; i++)
			if (w->slots[i].id != 0)
				held[n++].id = w->slots[i].id;
		pthread_mutex_unlock(&w->mu);
		for (i = 0; i < n; i++) {
			arc_job_release(a, held[i].id, w->name);
			dos_infox("worker: row %lld given back (stopping)",
				  (long long)held[i].id);
		}
	}
	if (a != NULL)
		arc_worker_gone(a, w->name);
	arc_close(a);
}

enum dos_err
ops_work(const struct ops_work_opts *o, struct ops_work_result *res)
{
	struct ops_work *w;
	pthread_t tids[MAX_THREADS];
	int n = o->threads < 1 ? 1 : o->threads > MAX_THREADS ? MAX_THREADS
							     : o->threads;
	int i, started = 0, left;
	struct targ *ta;
	enum dos_err err = DOS_OK;

	memset(res, 0, sizeof(*res));
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return DOS_NOMEM;
	w->o = o;
	w->res = res;
	ops_worker_name(w->name, sizeof(w->name));
	pthread_mutex_init(&w->mu, NULL);
	atomic_store(&w->running, n);
	for (i = 0; i < n; i++) {
		if ((ta = malloc(sizeof(*ta))) == NULL ||
		    pthread_create(&tids[i], NULL, thread_main,
				   (ta->w = w, ta->index = i, ta)) != 0) {
			free(ta);
			atomic_fetch_sub(&w->running, n - i);
			atomic_store(&w->stopping, 1);
			err = DOS_NOMEM;
			break;
		}
		started++;
	}
	keep(w, n);
	left = atomic_load(&w->running);
	if (left == 0) {
		for (i = 0; i < started; i++)
			pthread_join(tids[i], NULL);
		pthread_mutex_destroy(&w->mu);
		free(w);
	} else {
		/* Threads still inside a row past the grace: their rows went
		 * back; they end with the process (w stays theirs). */
		for (i = 0; i < started; i++)
			pthread_detach(tids[i]);
		dos_infox("worker: %d thread(s) still busy at the stop; their "
			  "rows were given back", left);
	}
	if (err == DOS_OK && res->stopped != DOS_OK)
		err = res->stopped;
	return err;
}
