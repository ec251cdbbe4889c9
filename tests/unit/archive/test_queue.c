/*
 * test_queue.c: the work queue (archive/queue.c).  Rows claimed by
 * threads with connections of their own are each claimed once; a file
 * waits until its last page is read, then is the next claimed; a result
 * is recorded only while its worker holds the claim (a page read twice
 * is recorded once); a claim whose worker's process is gone goes back,
 * and one claimed ARC_JOB_ATTEMPTS times is set aside with the reason,
 * its file failing in its batch's record; the limits refuse a batch
 * whole; a cancelled batch drops what it has not done; caps on one
 * user's jobs are checked and raised in one transaction.
 */
#include "harness.h"

#include <pthread.h>

#include "dossier/archive.h"

#define THREADS 4
#define FILES 6
#define PAGES 5

static struct arc *
fresh(char **pdir)
{
	struct arc *a = NULL;

	*pdir = test_tmpdir();
	assert_int_equal(dos_crypto_init(), DOS_OK);
	assert_int_equal(arc_open(*pdir, ARC_CREATE, &a), DOS_OK);
	return a;
}

/* Queues FILES files of PAGES pages as one batch run by the queue. */
static int64_t
queue_files(struct arc *a, const char *owner, int nfiles, int pages,
	    const struct arc_queue_limits *lim, enum dos_err *perr)
{
	struct arc_queue_file f[FILES];
	char names[FILES][32], shas[FILES][DOS_SHA256_HEX], msg[256];
	int64_t batch = 0;
	int i;

	memset(f, 0, sizeof(f));
	for (i = 0; i < nfiles; i++) {
		snprintf(names[i], sizeof(names[i]), "file-%d.tif", i);
		memset(shas[i], 'a' + i, 64);
		shas[i][64] = '\0';
		f[i].entry = f[i].name = f[i].path = names[i];
		f[i].sha256 = shas[i];
		f[i].format = "tiff";
		f[i].npages = pages;
		f[i].size = 1000;
		f[i].spooled = 1;
		f[i].spec = "{\"entry\":\"x\"}";
	}
	*perr = arc_queue_batch(a, owner, lim, f, nfiles, &batch, msg,
				sizeof(msg));
	return batch;
}

struct claimer {
	char *dir;
	char name[32];
	int64_t got[FILES * (PAGES + 1)];
	int n;
};

/* Claims and finishes page rows until none is left. */
static void *
claim_pages(void *arg)
{
	struct claimer *c = arg;
	struct arc *a = NULL;
	struct arc_job j;
	enum dos_err err;

	if (arc_open(c->dir, 0, &a) != DOS_OK)
		return NULL;
	for (;;) {
		err = arc_job_claim(a, c->name, ARC_JOB_BIT(ARC_JOB_PAGE), 0,
				    &j);
		if (err == DOS_NOTFOUND)
			break;
		if (err != DOS_OK)
			continue; /* busy: again */
		c->got[c->n++] = j.id;
		arc_job_done(a, j.id, c->name, "{}");
		arc_job_clear(&j);
	}
	arc_close(a);
	return NULL;
}

static void
each_row_claimed_once_by_concurrent_workers(void **state)
{
	char *dir;
	struct arc *a = fresh(&dir);
	struct claimer c[THREADS];
	pthread_t t[THREADS];
	int seen[FILES * (PAGES + 1) + 8];
	int i, k, total = 0, pending = -1;
	enum dos_err err;

	(void)state;
	queue_files(a, "ann", FILES, PAGES, NULL, &err);
	assert_int_equal(err, DOS_OK);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < THREADS; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].dir = dir;
		snprintf(c[i].name, sizeof(c[i].name), "test:%d", 1000 + i);
		assert_int_equal(pthread_create(&t[i], NULL, claim_pages,
						&c[i]),
				 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		for (k = 0; k < c[i].n; k++) {
			assert_true(c[i].got[k] > 0 &&
				    c[i].got[k] < (int64_t)(sizeof(seen) /
							    sizeof(seen[0])));
			seen[c[i].got[k]]++;
			total++;
		}
	}
	assert_int_equal(total, FILES * PAGES);
	for (i = 0; i < (int)(sizeof(seen) / sizeof(seen[0])); i++)
		assert_true(seen[i] <= 1);
	/* Every file's pages read: the files wait no more. */
	assert_int_equal(arc_queue_pending(a, ARC_JOB_BIT(ARC_JOB_FILE), 0,
					   &pending),
			 DOS_OK);
	assert_int_equal(pending, FILES);
	arc_close(a);
	test_rmtree(dir);
	free(dir);
}

static void
a_file_waits_for_its_pages_and_results_count_once(void **state)
{
	char *dir;
	struct arc *a = fresh(&dir);
	struct arc_job p1, p2, f;
	json_t *pages = NULL, *job = NULL;
	enum dos_err err;

	(void)state;
	queue_files(a, "ann", 1, 2, NULL, &err);
	assert_int_equal(err, DOS_OK);
	/* Not claimable while its pages are being read. */
	assert_int_equal(arc_job_claim(a, "w:1", ARC_JOB_BIT(ARC_JOB_FILE), 0,
				       &f),
			 DOS_NOTFOUND);
	assert_int_equal(arc_job_claim(a, "w:1", ARC_JOB_ALL, 0, &p1), DOS_OK);
	assert_int_equal(p1.kind, ARC_JOB_PAGE);
	assert_int_equal(p1.seq, 0);
	assert_int_equal(p1.file_pages, 2);
	assert_string_equal(p1.path, "file-0.tif");
	assert_int_equal(arc_job_claim(a, "w:2", ARC_JOB_ALL, 0, &p2), DOS_OK);
	assert_int_equal(p2.seq, 1);
	assert_int_equal(arc_job_done(a, p1.id, "w:1", "{\"n\":1}"), DOS_OK);
	/* Its lease given up by w:2 and taken by w:3: w:2's result is
	 * dropped, w:3's is the one recorded. */
	assert_int_equal(arc_job_release(a, p2.id, "w:2"), DOS_OK);
	arc_job_clear(&p2);
	assert_int_equal(arc_job_claim(a, "w:3", ARC_JOB_BIT(ARC_JOB_PAGE), 0,
				       &p2),
			 DOS_OK);
	assert_int_equal(arc_job_done(a, p2.id, "w:2", "{\"n\":2}"),
			 DOS_CONFLICT);
	assert_int_equal(arc_job_done(a, p2.id, "w:3", "{\"n\":3}"), DOS_OK);
	assert_int_equal(arc_job_done(a, p2.id, "w:3", "{\"n\":4}"),
			 DOS_CONFLICT);
	assert_int_equal(arc_file_pages(a, p1.parent, &pages), DOS_OK);
	assert_int_equal(json_array_size(pages), 2);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_array_get(pages, 1),
						 "result"),
				 "n")),
			 3);
	/* The file comes next, before anything else. */
	assert_int_equal(arc_job_claim(a, "w:1", ARC_JOB_ALL, 0, &f), DOS_OK);
	assert_int_equal(f.kind, ARC_JOB_FILE);
	assert_int_equal(arc_file_job_end(a, f.id, "w:1", "failed", NULL,
					  "page 2: unreadable"),
			 DOS_OK);
	/* The batch ended with its last row. */
	assert_int_equal(arc_job_get(a, f.id, &job), DOS_OK);
	assert_string_equal(json_string_value(json_object_get(job, "state")),
			    "failed");
	json_decref(job);
	assert_int_equal(arc_batch_progress(a, &(struct arc_user){.local = 1},
					    f.batch, &job),
			 DOS_OK);
	assert_string_equal(json_string_value(json_object_get(job, "state")),
			    "done");
	assert_int_equal(json_integer_value(json_object_get(job,
							    "pages_done")),
			 2);
	json_decref(job);
	json_decref(pages);
	arc_job_clear(&p1);
	arc_job_clear(&p2);
	arc_job_clear(&f);
	arc_close(a);
	test_rmtree(dir);
	free(dir);
}

static void
claims_of_dead_workers_go_back_then_set_aside(void **state)
{
	char *dir, host[256], dead[300];
	struct arc *a = fresh(&dir);
	struct arc_job j;
	json_t *job = NULL;
	int i, n = 0;
	enum dos_err err;

	(void)state;
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	/* A process id no process has (pid_max is below 2^22). */
	snprintf(dead, sizeof(dead), "%s:%d", host, 9999999);
	queue_files(a, "ann", 1, 1, NULL, &err);
	assert_int_equal(err, DOS_OK);
	for (i = 1; i <= ARC_JOB_ATTEMPTS; i++) {
		assert_int_equal(arc_job_claim(a, dead, ARC_JOB_ALL, 0, &j),
				 DOS_OK);
		assert_int_equal(j.attempts, i);
		assert_int_equal(arc_queue_reclaim(a, &n), DOS_OK);
		assert_int_equal(n, 1);
		arc_job_clear(&j);
	}
	/* Three times: set aside with the reason; its file fails. */
	assert_int_equal(arc_job_get(a, 2, &job), DOS_OK);
	assert_string_equal(json_string_value(json_object_get(job, "state")),
			    "failed");
	assert_non_null(strstr(json_string_value(json_object_get(job,
								 "error")),
			       "3 times"));
	json_decref(job);
	assert_int_equal(arc_job_claim(a, "w:1", ARC_JOB_ALL, 0, &j), DOS_OK);
	assert_int_equal(j.kind, ARC_JOB_FILE);
	arc_job_clear(&j);
	/* A live claim is left alone. */
	assert_int_equal(arc_queue_reclaim(a, &n), DOS_OK);
	assert_int_equal(n, 0);
	arc_close(a);
	test_rmtree(dir);
	free(dir);
}

static void
limits_refuse_the_whole_batch(void **state)
{
	char *dir;
	struct arc *a = fresh(&dir);
	struct arc_queue_limits lim = {3, 0, 0, 0};
	int64_t batch;
	int n = 0;
	enum dos_err err;

	(void)state;
	batch = queue_files(a, "ann", 2, 4, &lim, &err);
	assert_int_equal(err, DOS_LIMIT);
	assert_int_equal(batch, 0);
	assert_int_equal(arc_queue_pending(a, ARC_JOB_ALL, 0, &n), DOS_OK);
	assert_int_equal(n, 0);
	lim.file_pages = 0;
	lim.user_pages = 10;
	queue_files(a, "ann", 2, 4, &lim, &err);
	assert_int_equal(err, DOS_OK);
	queue_files(a, "ann", 1, 4, &lim, &err);
	assert_int_equal(err, DOS_LIMIT); /* 8 queued + 4 > 10 */
	queue_files(a, "bob", 1, 4, &lim, &err);
	assert_int_equal(err, DOS_OK); /* another user's own count */
	lim.user_pages = 0;
	lim.total_bytes = 4500; /* 3 files of 1000 spooled */
	queue_files(a, "cid", 2, 1, &lim, &err);
	assert_int_equal(err, DOS_LIMIT);
	arc_close(a);
	test_rmtree(dir);
	free(dir);
}

static void
cancel_drops_what_is_not_done(void **state)
{
	char *dir, msg[256];
	struct arc *a = fresh(&dir);
	struct arc_user who;
	struct arc_job j;
	int64_t batch;
	int n = -1;
	enum dos_err err;

	(void)state;
	arc_user_local(&who);
	batch = queue_files(a, "ann", 2, 2, NULL, &err);
	assert_int_equal(err, DOS_OK);
	assert_int_equal(arc_job_claim(a, "w:1", ARC_JOB_ALL, 0, &j), DOS_OK);
	assert_int_equal(arc_batch_cancel(a, &who, batch, msg, sizeof(msg)),
			 DOS_OK);
	/* The claim in progress is not recorded; nothing is left. */
	assert_int_equal(arc_job_done(a, j.id, "w:1", "{}"), DOS_CONFLICT);
	assert_int_equal(arc_job_renew(a, j.id, "w:1", NULL), DOS_CONFLICT);
	assert_int_equal(arc_queue_pending(a, ARC_JOB_ALL, 0, &n), DOS_OK);
	assert_int_equal(n, 0);
	assert_int_equal(arc_batch_cancel(a, &who, batch, msg, sizeof(msg)),
			 DOS_CONFLICT);
	arc_job_clear(&j);
	arc_close(a);
	test_rmtree(dir);
	free(dir);
}

struct adder {
	char *dir;
	int added;
};

/* Adds exports as one user from a connection of its own. */
static void *
add_exports(void *arg)
{
	struct adder *ad = arg;
	struct arc *a = NULL;
	char msg[256];
	int64_t id;
	int i;

	if (arc_open(ad->dir, 0, &a) != DOS_OK)
		return NULL;
	for (i = 0; i < 10; i++)
		if (arc_job_add(a, ARC_JOB_EXPORT, "aud", 0, 0, "{}", 3, 0, &id,
				msg, sizeof(msg)) == DOS_OK)
			ad->added++;
	arc_close(a);
	return NULL;
}

static void
a_users_cap_is_checked_and_raised_at_once(void **state)
{
	char *dir, msg[256];
	struct arc *a = fresh(&dir);
	struct adder ad[THREADS];
	pthread_t t[THREADS];
	int64_t id;
	int i, total = 0;

	(void)state;
	for (i = 0; i < THREADS; i++) {
		ad[i].dir = dir;
		ad[i].added = 0;
		assert_int_equal(pthread_create(&t[i], NULL, add_exports,
						&ad[i]),
				 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		total += ad[i].added;
	}
	assert_int_equal(total, 3);
	/* Another user is not held back by aud's. */
	assert_int_equal(arc_job_add(a, ARC_JOB_EXPORT, "eve", 0, 0, "{}", 3,
				     0, &id, msg, sizeof(msg)),
			 DOS_OK);
	arc_close(a);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_row_claimed_once_by_concurrent_workers),
		cmocka_unit_test(
			a_file_waits_for_its_pages_and_results_count_once),
		cmocka_unit_test(claims_of_dead_workers_go_back_then_set_aside),
		cmocka_unit_test(limits_refuse_the_whole_batch),
		cmocka_unit_test(cancel_drops_what_is_not_done),
		cmocka_unit_test(a_users_cap_is_checked_and_raised_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
