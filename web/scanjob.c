/*
 * scanjob.c: scans started from the scan station.  The request's handler
 * opens the scanner and starts (or takes up) the batch, so a scanner that
 * cannot be used is refused at once; a detached thread with its own
 * archive connection then runs it, keeping the documents filed and the
 * pages scanned for the scan station to poll.  Backend options by name
 * are not offered over HTTP.
 * Exports scanjob_start, scanjob_progress, scanjob_shutdown.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dossier/ingest.h"
#include "scanjob.h"

#define MAX_JOBS 64

struct sjob {
	int64_t batch;
	int64_t seq; /* the newest run of a batch answers for it */
	char user[65];
	char archive[4096];
	struct ing_scan *s;
	volatile sig_atomic_t cancel;
	/* under lock: */
	const char *state; /* running, done, stopped */
	const char *stop;
	struct ing_progress prog;
	json_t *files;
	char device[256];
	char message[700];
	int pages;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle = PTHREAD_COND_INITIALIZER;
static struct sjob *jobs[MAX_JOBS];
static int64_t last_seq;
static int running;

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

static void
job_free(struct sjob *j)
{
	if (j == NULL)
		return;
	json_decref(j->files);
	free(j);
}

static void
on_progress(void *arg, const struct ing_progress *p)
{
	struct sjob *j = arg;

	pthread_mutex_lock(&lock);
	j->prog = *p;
	pthread_mutex_unlock(&lock);
}

/* Each part of the stack filed: its documents, as an upload's files. */
static void
on_file(void *arg, const char *name, enum dos_err err, json_t *docs,
	const char *msg)
{
	struct sjob *j = arg;
	json_t *f, *d, *list = json_array();
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
	pthread_mutex_lock(&lock);
	json_array_append_new(j->files, f);
	pthread_mutex_unlock(&lock);
}

static void *
job_run(void *arg)
{
	struct sjob *j = arg;
	struct ing_scan_result res;
	struct arc *a = NULL;
	char msg[700];
	enum dos_err err;

	memset(&res, 0, sizeof(res));
	if ((err = arc_open(j->archive, 0, &a)) == DOS_OK)
		err = ing_scan_run(j->s, a, on_file, on_progress, j, &res);
	else {
		res.stop = ING_SCAN_FAILED;
		snprintf(res.what, sizeof(res.what), "the archive cannot be "
						     "opened; see the server "
						     "log");
	}
	ing_scan_free(j->s, a);
	arc_close(a);
	if (err != DOS_OK)
		dos_errx("scan batch %lld: %s", (long long)j->batch,
			 dos_strerror(err));
	if (res.stop == ING_SCAN_DONE)
		snprintf(msg, sizeof(msg), "batch %lld: %s; %d document(s)",
			 (long long)j->batch, res.what, res.documents);
	else
		snprintf(msg, sizeof(msg), "%s; %d page%s %s kept in batch "
					   "%lld; %s%sresume the batch or "
					   "close it",
			 res.what, res.pages, res.pages == 1 ? "" : "s",
			 res.pages == 1 ? "is" : "are", (long long)j->batch,
			 res.hint, res.hint[0] ? ", then " : "");
	pthread_mutex_lock(&lock);
	j->s = NULL;
	j->pages = res.pages;
	j->stop = stop_names[res.stop];
	j->state = res.stop == ING_SCAN_DONE ? "done" : "stopped";
	snprintf(j->message, sizeof(j->message), "%s", msg);
	running--;
	pthread_cond_broadcast(&idle);
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* A string field of the request, or NULL; -1 when not a string. */
static int
field(const json_t *req, const char *key, const char **pv)
{
	json_t *v = json_object_get(req, key);

	*pv = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	if (json_string_length(v) > 0)
		*pv = json_string_value(v);
	return 0;
}

/* A free slot for a new job: an empty one, else the oldest finished. */
static int
slot(void)
{
	int i, k = -1;

	for (i = 0; i < MAX_JOBS; i++) {
		if (jobs[i] == NULL)
			return i;
		if (strcmp(jobs[i]->state, "running") != 0 &&
		    (k < 0 || jobs[i]->seq < jobs[k]->seq))
			k = i;
	}
	if (k >= 0) {
		job_free(jobs[k]);
		jobs[k] = NULL;
	}
	return k;
}

unsigned
scanjob_start(struct arc *a, const char *dir, const struct arc_user *who,
	      const json_t *req, json_t **pout, char *msg, size_t msglen)
{
	static const char *const keys[] = {"device", "source", "mode",
					   "account", "category", "type"};
	const char *sv[6];
	struct ing_scan_options so;
	struct ing_options o;
	struct sjob *j;
	json_t *v;
	pthread_attr_t at;
	pthread_t t;
	json_int_t resume = 0;
	size_t i;
	int k;
	enum dos_err err;

	*pout = NULL;
	for (i = 0; i < 6; i++)
		if (field(req, keys[i], &sv[i]) != 0) {
			snprintf(msg, msglen, "%s is a string", keys[i]);
			return 400;
		}
	memset(&so, 0, sizeof(so));
	so.device = sv[0];
	so.source = sv[1];
	so.mode = sv[2];
	so.duplex = -1;
	if ((v = json_object_get(req, "duplex")) != NULL && !json_is_null(v)) {
		if (!json_is_boolean(v)) {
			snprintf(msg, msglen, "duplex is true or false");
			return 400;
		}
		so.duplex = json_is_true(v);
	}
	if ((v = json_object_get(req, "dpi")) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) ||
		    json_integer_value(v) < ING_SCAN_MIN_DPI ||
		    json_integer_value(v) > ING_SCAN_MAX_DPI) {
			snprintf(msg, msglen, "dpi is a whole number from %d "
					      "to %d", ING_SCAN_MIN_DPI,
				 ING_SCAN_MAX_DPI);
			return 400;
		}
		so.dpi = (int)json_integer_value(v);
	}
	if ((v = json_object_get(req, "resume")) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			snprintf(msg, msglen, "resume is a batch number");
			return 400;
		}
		resume = json_integer_value(v);
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->files = json_array()) == NULL) {
		free(j);
		snprintf(msg, msglen, "out of memory");
		return 500;
	}
	so.cancel = &j->cancel;
	ing_options_default(&o);
	o.jobs = 1; /* the server's other threads keep answering */
	o.account = sv[3];
	o.category = sv[4];
	o.doc_type = sv[5];
	if (resume > 0)
		o.langs = NULL; /* kept with the batch */
	err = ing_scan_open(&o, &so, a, who, (int64_t)resume, &j->s, msg,
			    msglen);
	if (err != DOS_OK) {
		job_free(j);
		return err == DOS_INVAL	     ? 400
		       : err == DOS_NOTFOUND ? 404
		       : err == DOS_PERM     ? 403
		       : err == DOS_CONFLICT ? 409
					     : 500;
	}
	j->batch = ing_scan_batch(j->s);
	snprintf(j->user, sizeof(j->user), "%s", who->name);
	snprintf(j->archive, sizeof(j->archive), "%s", dir);
	snprintf(j->device, sizeof(j->device), "%s", ing_scan_describe(j->s));
	j->state = "running";
	j->stop = "";
	snprintf(j->message, sizeof(j->message), "scanning from %s",
		 j->device);
	pthread_mutex_lock(&lock);
	if ((k = slot()) < 0) {
		pthread_mutex_unlock(&lock);
		ing_scan_free(j->s, a);
		job_free(j);
		snprintf(msg, msglen, "too many scans are running");
		return 503;
	}
	jobs[k] = j;
	j->seq = ++last_seq;
	running++;
	pthread_mutex_unlock(&lock);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, job_run, j) != 0) {
		pthread_attr_destroy(&at);
		pthread_mutex_lock(&lock);
		ing_scan_free(j->s, a); /* the batch stays stopped */
		j->s = NULL;
		j->state = "stopped";
		j->stop = "failed";
		running--;
		pthread_mutex_unlock(&lock);
		snprintf(msg, msglen, "the scan cannot be started now");
		return 503;
	}
	pthread_attr_destroy(&at);
	*pout = json_pack("{s:I,s:s,s:s}", "batch", (json_int_t)j->batch,
			  "device", j->device, "message", j->message);
	return 202;
}

json_t *
scanjob_progress(int64_t batch, const char *user)
{
	struct sjob *j = NULL;
	json_t *res = NULL;
	int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < MAX_JOBS; i++)
		if (jobs[i] != NULL && jobs[i]->batch == batch &&
		    strcmp(jobs[i]->user, user) == 0 &&
		    (j == NULL || jobs[i]->seq > j->seq))
			j = jobs[i];
	if (j != NULL)
		res = json_pack("{s:I,s:s,s:s,s:i,s:i,s:i,s:i,s:f,s:s,s:i,"
				"s:s,s:s,s:o}",
				"batch", (json_int_t)j->batch, "kind", "scan",
				"state", j->state, "files_total",
				(int)json_array_size(j->files) + 1,
				"files_done", (int)json_array_size(j->files),
				"pages_done", j->prog.pages_done,
				"pages_scanned", j->prog.pages_queued,
				"elapsed", j->prog.elapsed, "device",
				j->device, "pages", j->pages, "stop", j->stop,
				"message", j->message, "files",
				json_deep_copy(j->files));
	pthread_mutex_unlock(&lock);
	return res;
}

void
scanjob_shutdown(void)
{
	struct timespec until;
	int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < MAX_JOBS; i++)
		if (jobs[i] != NULL && strcmp(jobs[i]->state, "running") == 0)
			jobs[i]->cancel = 1;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	while (running > 0 &&
	       pthread_cond_timedwait(&idle, &lock, &until) != ETIMEDOUT)
		;
	for (i = 0; i < MAX_JOBS; i++)
		if (jobs[i] != NULL && strcmp(jobs[i]->state, "running") != 0) {
			job_free(jobs[i]);
			jobs[i] = NULL;
		}
	pthread_mutex_unlock(&lock);
}
