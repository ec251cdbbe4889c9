/*
 * queue.c: the commands of the work queue.  `dossier ingest` runs its
 * batch through the queue in its own process (the files queued one by
 * one where they are, read by its -j worker threads, the results
 * reported in the order the files were given); `ingest --queue` copies
 * the files into the archive's spool, queues them and returns at once;
 * `dossier worker` does what the queue holds until stopped (or, with
 * --drain, until nothing is left); `dossier jobs` shows the queue;
 * `dossier batch cancel` drops what a batch has not done.
 * Exports cli_ingest_run, cmd_ingest_queue, cmd_worker, cmd_jobs,
 * cmd_batch_cancel.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dossier/ops.h"

#include "cli.h"

/* ---- dossier ingest, run through the queue here ---- */

/* One file of the batch, reported in the order given. */
struct item {
	int64_t row;    /* its file row, 0 until queued */
	int done;       /* its outcome is known */
	enum dos_err err;
	json_t *docs;
	char msg[512];
};

struct irun {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct item *items;
	int n, next;        /* next: the first not yet reported */
	int pages_done, pages_queued;
	atomic_int more;    /* files still being queued */
	int worker_done;
	struct ops_work_opts wo;
	struct ops_work_result wr;
	enum dos_err werr;
};

static void
run_on_page(void *arg, const struct arc_job *j, enum dos_err err,
	    const char *msg)
{
	struct irun *r = arg;

	(void)j;
	(void)msg;
	pthread_mutex_lock(&r->mu);
	if (err == DOS_OK)
		r->pages_done++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static void
run_on_file(void *arg, const struct arc_job *j, const struct ing_filed *res)
{
	struct irun *r = arg;
	int i;

	pthread_mutex_lock(&r->mu);
	for (i = 0; i < r->n; i++)
		if (r->items[i].row == j->id && !r->items[i].done) {
			struct item *it = &r->items[i];

			it->done = 1;
			if (strcmp(res->outcome, "failed") == 0) {
				it->err = DOS_FORMAT;
				snprintf(it->msg, sizeof(it->msg), "%s",
					 res->msg);
			} else
				/* A copy of its own: the worker thread lets
				 * go of res->docs meanwhile. */
				it->docs = json_deep_copy(res->docs);
			break;
		}
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static void *
run_worker(void *arg)
{
	struct irun *r = arg;
	enum dos_err err = ops_work(&r->wo, &r->wr);

	pthread_mutex_lock(&r->mu);
	r->werr = err;
	r->worker_done = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Reports the files whose turn has come (called without r->mu). */
static void
report_ready(struct irun *r, char *const *paths, ing_file_fn on_file,
	     ing_progress_fn on_progress, void *arg, double t0, int total)
{
	struct ing_progress p;
	struct item it;

	for (;;) {
		pthread_mutex_lock(&r->mu);
		if (r->next >= r->n || !r->items[r->next].done) {
			memset(&p, 0, sizeof(p));
			p.files_total = total;
			p.files_done = r->next;
			p.pages_done = r->pages_done;
			p.pages_queued = r->pages_queued;
			pthread_mutex_unlock(&r->mu);
			break;
		}
		it = r->items[r->next];
		r->items[r->next].docs = NULL;
		pthread_mutex_unlock(&r->mu);
		on_file(arg, paths[r->next], it.err,
			it.err == DOS_OK ? it.docs : NULL,
			it.err == DOS_OK ? NULL : it.msg);
		json_decref(it.docs);
		pthread_mutex_lock(&r->mu);
		r->next++;
		pthread_mutex_unlock(&r->mu);
	}
	if (on_progress != NULL) {
		p.elapsed = dos_mono() - t0;
		on_progress(arg, &p);
	}
}

/* The rows a resumed batch has already: item rows by entry. */
static enum dos_err
resume_rows(struct arc *a, int64_t batch, char *const *paths, int n,
	    struct irun *r)
{
	json_t *rows = NULL, *v;
	size_t k;
	int i;
	enum dos_err err;

	if ((err = arc_queue_entries(a, batch, &rows)) != DOS_OK)
		return err;
	json_array_foreach(rows, k, v) {
		const char *entry = json_string_value(json_object_get(v,
								      "entry"));

		for (i = 0; entry != NULL && i < n; i++) {
			char clean[4096];

			dos_utf8_clean(paths[i], clean, sizeof(clean));
			if (r->items[i].row == 0 &&
			    strcmp(clean, entry) == 0) {
				r->items[i].row = json_integer_value(
					json_object_get(v, "id"));
				break;
			}
		}
	}
	json_decref(rows);
	return DOS_OK;
}

enum dos_err
cli_ingest_run(struct arc *a, const char *dir, const struct ing_options *o,
	       const struct ing_manifest *man, int64_t batch,
	       char *const *paths, int npaths, ing_file_fn on_file,
	       ing_progress_fn on_progress, void *arg,
	       struct ing_stats *pstats)
{
	struct arc_queue_limits lim;
	struct irun r;
	struct ing_filed filed;
	struct timespec until;
	pthread_t tid;
	char msg[512];
	double t0 = dos_mono(), last = 0;
	int64_t row;
	int i, done, pages, running = 0;
	enum dos_err err = DOS_OK, stop = DOS_OK;

	memset(&r, 0, sizeof(r));
	memset(pstats, 0, sizeof(*pstats));
	cli_config_limits(cli_cfg, &lim);
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	r.n = npaths;
	atomic_store(&r.more, 1);
	if ((r.items = calloc((size_t)npaths + 1, sizeof(*r.items))) == NULL)
		return DOS_NOMEM;
	if ((err = resume_rows(a, batch, paths, npaths, &r)) != DOS_OK)
		goto out;
	r.wo.archive = dir;
	r.wo.threads = o->jobs;
	r.wo.kinds = ARC_JOB_BIT(ARC_JOB_PAGE) | ARC_JOB_BIT(ARC_JOB_FILE);
	r.wo.batch = batch;
	r.wo.drain = 1;
	r.wo.more = &r.more;
	r.wo.ingest = *o;
	r.wo.on_page = run_on_page;
	r.wo.on_file = run_on_file;
	r.wo.arg = &r;
	if (pthread_create(&tid, NULL, run_worker, &r) != 0) {
		err = DOS_NOMEM;
		goto out;
	}
	running = 1;
	/* Queued one by one while the workers read those before. */
	for (i = 0; i < npaths && stop == DOS_OK; i++) {
		if (r.items[i].row != 0)
			continue; /* a resumed batch's, queued before */
		err = ops_queue_one(a, o, man, &lim, batch, paths[i], &row,
				    &done, &filed, &pages, msg, sizeof(msg));
		pthread_mutex_lock(&r.mu);
		if (err != DOS_OK) {
			/* The archive's error stops the batch here. */
			if (ing_err_stops_batch(err))
				stop = err;
			else
				arc_batch_file(a, batch, paths[i], NULL,
					       "failed", 0, 0, msg);
			r.items[i].done = 1;
			r.items[i].err = err;
			snprintf(r.items[i].msg, sizeof(r.items[i].msg), "%s",
				 msg);
		} else if (done) {
			r.items[i].done = 1;
			r.items[i].err = strcmp(filed.outcome, "failed") == 0
						 ? DOS_FORMAT
						 : DOS_OK;
			r.items[i].docs = filed.docs;
			filed.docs = NULL;
			snprintf(r.items[i].msg, sizeof(r.items[i].msg), "%s",
				 filed.msg);
		} else {
			r.items[i].row = row;
			r.pages_queued += pages;
		}
		pthread_mutex_unlock(&r.mu);
		json_decref(filed.docs);
		if (dos_mono() - last > 0.5) {
			report_ready(&r, paths, on_file, on_progress, arg, t0,
				     npaths);
			last = dos_mono();
		}
	}
	if (stop != DOS_OK) {
		/* The files after it are not started (they stay pending). */
		pthread_mutex_lock(&r.mu);
		r.n = i;
		pthread_mutex_unlock(&r.mu);
	}
	atomic_store(&r.more, 0);
	/* Until every file queued is filed, or the workers stopped. */
	for (;;) {
		report_ready(&r, paths, on_file, on_progress, arg, t0, npaths);
		pthread_mutex_lock(&r.mu);
		if (r.next >= r.n || r.worker_done) {
			pthread_mutex_unlock(&r.mu);
			break;
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 500000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&r.cv, &r.mu, &until);
		pthread_mutex_unlock(&r.mu);
	}
	pthread_join(tid, NULL);
	running = 0;
	report_ready(&r, paths, on_file, on_progress, arg, t0, npaths);
	*pstats = r.wr.stats;
	if (stop == DOS_OK && r.werr != DOS_OK) {
		stop = r.werr;
		/* The files whose rows did not end: said, left pending. */
		for (i = r.next; i < r.n; i++)
			if (!r.items[i].done) {
				r.items[i].done = 1;
				r.items[i].err = stop;
				snprintf(r.items[i].msg, sizeof(r.items[i].msg),
					 "%s", r.wr.why);
			}
		report_ready(&r, paths, on_file, on_progress, arg, t0,
			     npaths);
	}
	err = stop;
out:
	if (running) {
		atomic_store(&r.more, 0);
		pthread_join(tid, NULL);
	}
	for (i = 0; i < npaths; i++)
		json_decref(r.items[i].docs);
	free(r.items);
	pthread_mutex_destroy(&r.mu);
	pthread_cond_destroy(&r.cv);
	return err;
}

/* ---- dossier ingest --queue ---- */

int
cmd_ingest_queue(struct arc *a, const struct ing_options *o,
		 const struct ing_manifest *man, char *const *paths, int n,
		 int json)
{
	struct arc_queue_limits lim;
	struct ops_queued q;
	char **spooled = NULL, msg[700];
	json_t *out;
	enum dos_err err;

	cli_config_limits(cli_cfg, &lim);
	if ((err = ops_spool_copy(a, paths, n, &spooled, msg, sizeof(msg))) !=
	    DOS_OK) {
		fprintf(stderr, "dossier: %s\n", msg);
		return 1;
	}
	if ((err = ops_queue_batch(a, o, man, &lim, spooled, paths, NULL, n,
				   &q, msg, sizeof(msg))) != DOS_OK) {
		fprintf(stderr, "dossier: nothing was queued: %s\n", msg);
		ops_spool_free(a, spooled, n, 1);
		return 1;
	}
	ops_spool_free(a, spooled, n, 0);
	if (json) {
		out = json_pack("{s:I,s:i,s:i,s:i}", "batch",
				(json_int_t)q.batch, "files", q.files,
				"queued", q.queued, "pages", q.pages);
		cli_print_json(out);
		json_decref(out);
	} else
		printf("batch %lld queued: %d file(s), %d page(s) to read%s\n",
		       (long long)q.batch, q.files, q.pages,
		       q.queued < q.files ? " (the others were not queued: "
					    "see dossier batch)"
					  : "");
	return 0;
}

/* ---- dossier worker ---- */

static atomic_int worker_stop; /* lock-free: a handler may set it */

static void
on_term(int sig)
{
	(void)sig;
	atomic_store(&worker_stop, 1);
}

int
cmd_worker(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"jobs", required_argument, NULL, 'j'},
		{"drain", no_argument, NULL, 'd'},
		{"scans", no_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	struct ops_work_opts wo;
	struct ops_work_result wr;
	struct sigaction sa;
	struct arc *a = NULL;
	char name[300];
	long jobs = 1;
	int c, scans = 0;
	enum dos_err err;

	memset(&wo, 0, sizeof(wo));
	while ((c = getopt_long(argc, argv, "j:", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (!cli_number(optarg, 1, 64, &jobs))
				goto usage;
			break;
		case 'd': wo.drain = 1; break;
		case 's': scans = 1; break;
		default: goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	/* The archive must be there (and its catalogue migrated). */
	if (cli_open_archive(dir, &a) != DOS_OK)
		return 1;
	if (arc_readonly(a)) {
		fprintf(stderr, "dossier: the archive at %s is read-only; a "
				"worker has nothing to do\n", dir);
		arc_close(a);
		return 1;
	}
	arc_close(a);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	cli_ingest_defaults(&wo.ingest);
	wo.archive = dir;
	wo.threads = (int)jobs;
	wo.kinds = ARC_JOB_ALL & ~ARC_JOB_BIT(ARC_JOB_SCAN);
	if (scans)
		wo.kinds |= ARC_JOB_BIT(ARC_JOB_SCAN);
	wo.stop = &worker_stop;
	ops_worker_name(name, sizeof(name));
	dos_infox("worker %s: %d thread(s) on %s%s", name, wo.threads, dir,
		  wo.drain ? " until the queue is empty" : "");
	err = ops_work(&wo, &wr);
	dos_infox("worker %s: %d page(s), %d file(s), %d turn(s), %d "
		  "export(s), %d scan(s), %d view(s), %d failed%s", name,
		  wr.pages, wr.files, wr.turns, wr.exports, wr.scans,
		  wr.views, wr.failed,
		  atomic_load(&worker_stop) ? "; stopped" : "");
	fflush(NULL);
	/* Threads still busy past the grace gave their rows back. */
	_exit(err == DOS_OK ? 0 : 1);
usage:
	fprintf(stderr, "usage: dossier worker [-A DIR] [-j N] [--drain] "
			"[--scans]\n");
	return 2;
}

/* ---- dossier jobs ---- */

int
cmd_jobs(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	json_t *q = NULL, *v;
	size_t k;
	int c, json = 0, rc = 1;
	enum dos_err err;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'J')
			json = 1;
		else
			goto usage;
	}
	if (optind != argc)
		goto usage;
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if ((err = arc_may(a, &cli_user, ARC_INGEST, ARC_OBJ_NONE, 0, NULL,
			   0)) != DOS_OK ||
	    (err = arc_queue_status(a, &q)) != DOS_OK) {
		fprintf(stderr, "dossier: jobs: %s\n", dos_strerror(err));
		goto out;
	}
	rc = 0;
	if (json) {
		cli_print_json(q);
		goto out;
	}
	printf("workers:\n");
	json_array_foreach(json_object_get(q, "workers"), k, v)
		printf("  %-28s %d thread(s), seen %.0fs ago%s\n",
		       json_string_value(json_object_get(v, "name")),
		       (int)json_integer_value(json_object_get(v, "threads")),
		       json_number_value(json_object_get(v,
							 "seen_seconds_ago")),
		       json_is_true(json_object_get(v, "alive"))
			       ? ""
			       : " (gone: its claims go back)");
	if (json_array_size(json_object_get(q, "workers")) == 0)
		printf("  none\n");
	printf("claims:\n");
	json_array_foreach(json_object_get(q, "claims"), k, v)
		printf("  row %lld: %s of batch %lld for %s, by %s, attempt %d, "
		       "lease %.0fs left\n",
		       (long long)json_integer_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "kind")),
		       (long long)json_integer_value(json_object_get(v,
								     "batch")),
		       json_string_value(json_object_get(v, "owner")),
		       json_string_value(json_object_get(v, "worker")),
		       (int)json_integer_value(json_object_get(v, "attempts")),
		       json_number_value(json_object_get(v, "lease_left")));
	if (json_array_size(json_object_get(q, "claims")) == 0)
		printf("  none\n");
	printf("batches with work left:\n");
	json_array_foreach(json_object_get(q, "batches"), k, v)
		printf("  batch %lld (%s): %d page(s) queued, %d being read, "
		       "%d done, %d failed\n",
		       (long long)json_integer_value(json_object_get(v,
								     "batch")),
		       json_string_value(json_object_get(v, "owner")),
		       (int)json_integer_value(json_object_get(v, "queued")),
		       (int)json_integer_value(json_object_get(v, "reading")),
		       (int)json_integer_value(json_object_get(v, "done")),
		       (int)json_integer_value(json_object_get(v, "failed")));
	if (json_array_size(json_object_get(q, "batches")) == 0)
		printf("  none\n");
	printf("users:\n");
	json_array_foreach(json_object_get(q, "users"), k, v)
		printf("  %-20s %d page(s) queued, %lld MB spooled, %d other "
		       "job(s)\n",
		       json_string_value(json_object_get(v, "owner")),
		       (int)json_integer_value(json_object_get(v,
							       "pages_queued")),
		       (long long)(json_integer_value(json_object_get(
					   v, "spooled_bytes")) >>
				   20),
		       (int)json_integer_value(json_object_get(v,
							       "other_jobs")));
	if (json_array_size(json_object_get(q, "users")) == 0)
		printf("  none\n");
out:
	json_decref(q);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier jobs [-A DIR] [--json]\n");
	rc = 2;
	goto out;
}

/* ---- dossier batch cancel ---- */

int
cmd_batch_cancel(const char *dir, int argc, char **argv)
{
	struct arc *a = NULL;
	char msg[300] = "";
	long id;
	int rc = 1;
	enum dos_err err;

	if (argc != 2 || !cli_number(argv[1], 1, LONG_MAX, &id)) {
		fprintf(stderr, "usage: dossier batch cancel ID\n");
		return 2;
	}
	if (cli_open_archive(dir, &a) != DOS_OK)
		return 1;
	if ((err = arc_batch_cancel(a, &cli_user, id, msg, sizeof(msg))) !=
	    DOS_OK)
		fprintf(stderr, "dossier: %s\n",
			msg[0] ? msg : dos_strerror(err));
	else {
		printf("%s\n", msg);
		rc = 0;
	}
	arc_close(a);
	return rc;
}
