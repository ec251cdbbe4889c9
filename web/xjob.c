/*
 * xjob.c: exports started from the browser.  A job is a detached thread
 * with its own archive connection writing one file (a signed bundle, a
 * metadata CSV or the audit log of a period) into a private folder of
 * the archive's tmp/; its owner polls its progress and downloads it.  At
 * most XJOB_MAX_RUNNING run at once; a finished file is removed after
 * XJOB_KEEP_SECONDS (earlier when MAX_JOBS are kept and a new one
 * starts), or when the server stops.
 * Exports xjob_start, xjob_list, xjob_get, xjob_open, xjob_exists,
 * xjob_shutdown.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dossier/export.h"
#include "xjob.h"

#define MAX_JOBS 64
#define MAX_LIST 10000 /* customers or documents named in one export */

enum kind { K_BUNDLE, K_CSV, K_AUDIT };

struct xjob {
	int64_t id;
	enum kind kind;
	struct arc_user who;
	char dir[4096];  /* the archive */
	char spool[4096];
	char path[4200];
	char name[96];   /* the file name offered for download */
	char *query, *reason, *from, *to;
	char **customers;
	size_t ncustomers;
	int64_t *docs;
	size_t ndocs;
	int originals;
	/* under lock: */
	char state[12]; /* running, done, failed */
	size_t done, total;
	uint64_t bytes;
	struct exp_result res;
	size_t entries;
	char msg[512];
	time_t created, finished;
	uint64_t order; /* in which order jobs finished (seconds tie) */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle = PTHREAD_COND_INITIALIZER;
static struct xjob *jobs[MAX_JOBS];
static int64_t last_id;
static uint64_t nfinished;
static int running;

static void
job_free(struct xjob *j)
{
	size_t i;

	if (j == NULL)
		return;
	if (j->path[0] != '\0')
		unlink(j->path);
	if (j->spool[0] != '\0')
		rmdir(j->spool);
	for (i = 0; i < j->ncustomers; i++)
		free(j->customers[i]);
	free(j->customers);
	free(j->docs);
	free(j->query);
	free(j->reason);
	free(j->from);
	free(j->to);
	free(j);
}

static void
on_progress(void *arg, const struct exp_progress *p)
{
	struct xjob *j = arg;

	pthread_mutex_lock(&lock);
	j->done = p->done;
	j->total = p->total;
	j->bytes = p->bytes;
	pthread_mutex_unlock(&lock);
}

static void *
run(void *arg)
{
	struct xjob *j = arg;
	struct arc *a = NULL;
	struct exp_opts o;
	struct exp_result res;
	char msg[512] = "";
	size_t n = 0;
	enum dos_err err;

	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	o.query = j->query;
	o.customers = (const char *const *)j->customers;
	o.ncustomers = j->ncustomers;
	o.docs = j->docs;
	o.ndocs = j->ndocs;
	o.reason = j->reason;
	o.originals = j->originals;
	o.progress = on_progress;
	o.arg = j;
	if ((err = arc_open(j->dir, 0, &a)) != DOS_OK)
		snprintf(msg, sizeof(msg), "the archive cannot be opened");
	else if (j->kind == K_BUNDLE)
		err = exp_bundle(a, &j->who, &o, j->path, &res, msg,
				 sizeof(msg));
	else if (j->kind == K_CSV)
		err = exp_csv(a, &j->who, &o, j->path, &res, msg, sizeof(msg));
	else
		err = exp_audit_log(a, &j->who, j->from, j->to, EXP_CSV,
				    j->path, &n, msg, sizeof(msg));
	arc_close(a);
	pthread_mutex_lock(&lock);
	j->res = res;
	j->entries = n;
	j->finished = time(NULL);
	j->order = ++nfinished;
	if (err == DOS_OK) {
		struct stat sb;

		snprintf(j->state, sizeof(j->state), "done");
		if (stat(j->path, &sb) == 0)
			j->bytes = (uint64_t)sb.st_size;
		snprintf(j->msg, sizeof(j->msg), "%s", msg);
	} else {
		snprintf(j->state, sizeof(j->state), "failed");
		snprintf(j->msg, sizeof(j->msg), "%s",
			 msg[0] != '\0' ? msg : dos_strerror(err));
	}
	running--;
	pthread_cond_broadcast(&idle);
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* Drops finished jobs kept long enough (under lock). */
static void
prune(void)
{
	time_t now = time(NULL);
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (jobs[i] != NULL && jobs[i]->finished != 0 &&
		    now - jobs[i]->finished > XJOB_KEEP_SECONDS) {
			job_free(jobs[i]);
			jobs[i] = NULL;
		}
}

/*
 * Frees a slot for a new job (under lock): when every slot is taken
 * (MAX_JOBS exports within XJOB_KEEP_SECONDS), the oldest finished job
 * goes early.  At most XJOB_MAX_RUNNING run, so there always is one: a
 * new export is never refused for old ones (it was, for a day, with "0
 * exports are running").
 */
static void
make_room(void)
{
	int i, oldest = -1;

	prune();
	for (i = 0; i < MAX_JOBS; i++) {
		if (jobs[i] == NULL)
			return;
		if (jobs[i]->finished != 0 &&
		    (oldest < 0 || jobs[i]->order < jobs[oldest]->order))
			oldest = i;
	}
	if (oldest >= 0) {
		job_free(jobs[oldest]);
		jobs[oldest] = NULL;
	}
}

static char *
dup_or_null(const json_t *req, const char *key)
{
	const char *s = json_string_value(json_object_get(req, key));

	return s != NULL && *s != '\0' ? strdup(s) : NULL;
}

/* The customers and documents listed in req; 0 with msg if malformed. */
static int
read_lists(struct xjob *j, const json_t *req, char *msg, size_t msglen)
{
	const json_t *c = json_object_get(req, "customers"),
		     *d = json_object_get(req, "documents"), *v;
	size_t i;

	if ((c != NULL && !json_is_array(c)) ||
	    (d != NULL && !json_is_array(d)) ||
	    json_array_size(c) > MAX_LIST || json_array_size(d) > MAX_LIST) {
		snprintf(msg, msglen, "customers and documents are lists of "
				      "at most %d each", MAX_LIST);
		return 0;
	}
	if (json_array_size(c) > 0 &&
	    (j->customers = calloc(json_array_size(c), sizeof(char *))) ==
		    NULL)
		return 0;
	json_array_foreach(c, i, v) {
		if (!json_is_string(v) ||
		    (j->customers[j->ncustomers] =
			     strdup(json_string_value(v))) == NULL) {
			snprintf(msg, msglen, "customers are numbers or "
					      "accounts, as text");
			return 0;
		}
		j->ncustomers++;
	}
	if (json_array_size(d) > 0 &&
	    (j->docs = calloc(json_array_size(d), sizeof(int64_t))) == NULL)
		return 0;
	json_array_foreach(d, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			snprintf(msg, msglen, "documents are document numbers");
			return 0;
		}
		j->docs[j->ndocs++] = json_integer_value(v);
	}
	return 1;
}

unsigned
xjob_start(struct arc *a, const char *dir, const struct arc_user *who,
	   const json_t *req, json_t **pout, char *msg, size_t msglen)
{
	static const char *const ext[] = {"zip", "csv", "csv"};
	const char *kind = json_string_value(json_object_get(req, "kind"));
	struct xjob *j;
	int k;
	pthread_attr_t at;
	pthread_t t;
	int slot = -1, i;
	unsigned status = 400;

	*pout = NULL;
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		snprintf(msg, msglen, "out of memory");
		return 500;
	}
	k = kind == NULL || strcmp(kind, "bundle") == 0 ? K_BUNDLE
	    : strcmp(kind, "csv") == 0			? K_CSV
	    : strcmp(kind, "audit") == 0		? K_AUDIT
							: -1;
	if (k < 0) {
		snprintf(msg, msglen, "kind is bundle, csv or audit");
		goto fail;
	}
	j->kind = (enum kind)k;
	j->who = *who;
	j->originals = json_is_true(json_object_get(req, "originals"));
	j->query = dup_or_null(req, "query");
	j->reason = dup_or_null(req, "reason");
	j->from = dup_or_null(req, "from");
	j->to = dup_or_null(req, "to");
	if (!read_lists(j, req, msg, msglen))
		goto fail;
	if (j->kind != K_AUDIT &&
	    (j->reason == NULL || strlen(j->reason) < 3)) {
		snprintf(msg, msglen, "say why you export (the reason is "
				      "kept in the audit log with the query)");
		goto fail;
	}
	if (dos_snprintf(j->dir, sizeof(j->dir), "%s", dir) != DOS_OK)
		goto fail;
	pthread_mutex_lock(&lock);
	make_room();
	for (i = 0; i < MAX_JOBS && slot < 0; i++)
		if (jobs[i] == NULL)
			slot = i;
	if (running >= XJOB_MAX_RUNNING || slot < 0) {
		/* The count as it was: read after unlocking, it said 0. */
		i = running;
		pthread_mutex_unlock(&lock);
		snprintf(msg, msglen, "%d exports are running; try again when "
				      "one has finished", i);
		status = 503;
		goto fail;
	}
	j->id = ++last_id;
	pthread_mutex_unlock(&lock);
	if (arc_spool_dir(a, j->spool, sizeof(j->spool)) != DOS_OK) {
		j->spool[0] = '\0';
		snprintf(msg, msglen, "no room for the export; see the server "
				      "log");
		status = 500;
		goto fail;
	}
	snprintf(j->name, sizeof(j->name), "dossier-%s-%lld.%s",
		 j->kind == K_AUDIT ? "audit-log" : "export",
		 (long long)j->id, ext[j->kind]);
	snprintf(j->path, sizeof(j->path), "%s/%s", j->spool, j->name);
	snprintf(j->state, sizeof(j->state), "running");
	j->created = time(NULL);
	pthread_mutex_lock(&lock);
	if (jobs[slot] != NULL) { /* taken meanwhile: find another */
		for (slot = 0; slot < MAX_JOBS && jobs[slot] != NULL; slot++)
			;
		if (slot == MAX_JOBS) {
			pthread_mutex_unlock(&lock);
			j->path[0] = '\0';
			snprintf(msg, msglen, "too many exports are kept; try "
					      "again later");
			status = 503;
			goto fail;
		}
	}
	jobs[slot] = j;
	running++;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, run, j) != 0) {
		jobs[slot] = NULL;
		running--;
		pthread_mutex_unlock(&lock);
		pthread_attr_destroy(&at);
		j->path[0] = '\0';
		snprintf(msg, msglen, "the export cannot be started");
		status = 500;
		goto fail;
	}
	pthread_attr_destroy(&at);
	*pout = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)j->id, "state",
			  "running", "name", j->name);
	pthread_mutex_unlock(&lock);
	return 202;
fail:
	job_free(j);
	return status;
}

/* A job as JSON (under lock). */
static json_t *
job_json(const struct xjob *j)
{
	static const char *const kinds[] = {"bundle", "csv", "audit"};
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:s}", "id",
			      (json_int_t)j->id, "kind", kinds[j->kind],
			      "state", j->state, "name", j->name, "done",
			      (json_int_t)j->done, "total",
			      (json_int_t)j->total, "bytes",
			      (json_int_t)j->bytes, "message", j->msg);
	char ts[32];

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "query", json_string(j->query ? j->query : ""));
	json_object_set_new(o, "reason",
			    json_string(j->reason ? j->reason : ""));
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime(&j->created));
	json_object_set_new(o, "created", json_string(ts));
	if (strcmp(j->state, "done") == 0) {
		json_object_set_new(o, "documents",
				    json_integer((json_int_t)j->res.documents));
		json_object_set_new(o, "pages",
				    json_integer((json_int_t)j->res.pages));
		json_object_set_new(o, "entries",
				    json_integer((json_int_t)j->entries));
		json_object_set_new(o, "manifest_sha256",
				    json_string(j->res.manifest_sha));
	}
	return o;
}

json_t *
xjob_list(const char *user)
{
	json_t *arr = json_array();
	int64_t best;
	int i, k, used[MAX_JOBS] = {0};

	pthread_mutex_lock(&lock);
	prune();
	/* Newest first: highest id among the unused. */
	for (;;) {
		best = 0;
		k = -1;
		for (i = 0; i < MAX_JOBS; i++)
			if (jobs[i] != NULL && !used[i] &&
			    strcmp(jobs[i]->who.name, user) == 0 &&
			    jobs[i]->id > best) {
				best = jobs[i]->id;
				k = i;
			}
		if (k < 0)
			break;
		used[k] = 1;
		json_array_append_new(arr, job_json(jobs[k]));
	}
	pthread_mutex_unlock(&lock);
	return arr;
}

/* user's job id (under lock), or NULL. */
static struct xjob *
find(int64_t id, const char *user)
{
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (jobs[i] != NULL && jobs[i]->id == id &&
		    strcmp(jobs[i]->who.name, user) == 0)
			return jobs[i];
	return NULL;
}

json_t *
xjob_get(int64_t id, const char *user)
{
	struct xjob *j;
	json_t *o = NULL;

	pthread_mutex_lock(&lock);
	if ((j = find(id, user)) != NULL)
		o = job_json(j);
	pthread_mutex_unlock(&lock);
	return o;
}

enum dos_err
xjob_open(int64_t id, const char *user, int *pfd, uint64_t *psize,
	  char *name, size_t namelen)
{
	struct xjob *j;
	struct stat sb;
	enum dos_err err = DOS_OK;

	*pfd = -1;
	pthread_mutex_lock(&lock);
	if ((j = find(id, user)) == NULL)
		err = DOS_NOTFOUND;
	else if (strcmp(j->state, "done") != 0)
		err = DOS_CONFLICT;
	else if ((*pfd = open(j->path, O_RDONLY | O_CLOEXEC)) < 0 ||
		 fstat(*pfd, &sb) != 0)
		err = DOS_IO;
	else {
		*psize = (uint64_t)sb.st_size;
		snprintf(name, namelen, "%s", j->name);
	}
	pthread_mutex_unlock(&lock);
	if (err != DOS_OK && *pfd >= 0) {
		close(*pfd);
		*pfd = -1;
	}
	return err;
}

int
xjob_exists(int64_t id)
{
	int i, found = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; i < MAX_JOBS && !found; i++)
		found = jobs[i] != NULL && jobs[i]->id == id;
	pthread_mutex_unlock(&lock);
	return found;
}

void
xjob_shutdown(void)
{
	struct timespec until;
	int i;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 30;
	pthread_mutex_lock(&lock);
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
