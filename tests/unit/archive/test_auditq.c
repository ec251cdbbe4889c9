/*
 * test_auditq.c: the group-committing audit writer: entries added by
 * several threads at once are all committed, once each, and the hash
 * chain over them verifies; posted entries (a server that does not wait)
 * are each told once, after their entry is on disk, mixed with waiting
 * callers, and stopping the writer drains them.
 */
#include "harness.h"

#include <pthread.h>

#include "dossier/archive.h"

#define THREADS 4
#define EACH 250

struct worker {
	struct arc_auditq *q;
	int id, failed;
};

static void *
add_many(void *arg)
{
	struct worker *w = arg;
	char actor[16], detail[32];
	int i;

	snprintf(actor, sizeof(actor), "user%d", w->id);
	for (i = 0; i < EACH; i++) {
		snprintf(detail, sizeof(detail), "query %d", i);
		if (arc_auditq_add(w->q, actor, "search", "", detail) !=
		    DOS_OK)
			w->failed++;
	}
	return NULL;
}

static void
concurrent_entries_all_committed_and_chained(void **state)
{
	char *dir = test_tmpdir();
	struct arc *a;
	struct arc_auditq *q;
	struct worker w[THREADS];
	pthread_t t[THREADS];
	json_t *rep, *p;
	size_t k;
	int i, audit_problems = 0;

	(void)state;
	assert_int_equal(dos_crypto_init(), DOS_OK);
	assert_int_equal(arc_open(dir, ARC_CREATE, &a), DOS_OK);
	arc_close(a);
	assert_int_equal(arc_auditq_start(dir, &q), DOS_OK);
	for (i = 0; i < THREADS; i++) {
		w[i].q = q;
		w[i].id = i;
		w[i].failed = 0;
		assert_int_equal(pthread_create(&t[i], NULL, add_many, &w[i]),
				 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failed, 0);
	}
	arc_auditq_stop(q);
	assert_int_equal(arc_open(dir, 0, &a), DOS_OK);
	assert_int_equal(arc_verify(a, &rep), DOS_OK);
	json_array_foreach(json_object_get(rep, "problems"), k, p)
		if (strstr(json_string_value(json_object_get(p, "kind")),
			   "audit") != NULL)
			audit_problems++;
	assert_int_equal(audit_problems, 0);
	assert_true(json_integer_value(json_object_get(rep, "audit_entries")) >=
		    THREADS * EACH);
	json_decref(rep);
	arc_close(a);
	test_rmtree(dir);
	free(dir);
}

struct told {
	pthread_mutex_t lock;
	int ok, failed;
};

static void
on_told(void *arg, enum dos_err err)
{
	struct told *t = arg;

	pthread_mutex_lock(&t->lock);
	if (err == DOS_OK)
		t->ok++;
	else
		t->failed++;
	pthread_mutex_unlock(&t->lock);
}

static void
posted_entries_told_once_after_commit(void **state)
{
	char *dir = test_tmpdir();
	struct arc *a;
	struct arc_auditq *q;
	struct worker w = {NULL, 9, 0};
	struct told told = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
	pthread_t t;
	json_t *list;
	struct arc_user admin;
	char detail[32], msg[128];
	int i;

	(void)state;
	assert_int_equal(dos_crypto_init(), DOS_OK);
	assert_int_equal(arc_open(dir, ARC_CREATE, &a), DOS_OK);
	arc_close(a);
	assert_int_equal(arc_auditq_start(dir, &q), DOS_OK);
	w.q = q;
	/* Waiting callers and posted entries in the same groups. */
	assert_int_equal(pthread_create(&t, NULL, add_many, &w), 0);
	for (i = 0; i < 500; i++) {
		snprintf(detail, sizeof(detail), "posted %d", i);
		assert_int_equal(arc_auditq_post(q, "poster", "search", "",
						 detail, on_told, &told),
				 DOS_OK);
	}
	pthread_join(t, NULL);
	assert_int_equal(w.failed, 0);
	arc_auditq_stop(q); /* drains: every posted entry is told */
	assert_int_equal(told.ok, 500);
	assert_int_equal(told.failed, 0);
	assert_int_equal(arc_open(dir, 0, &a), DOS_OK);
	arc_user_local(&admin);
	{
		struct arc_audit_filter f;

		memset(&f, 0, sizeof(f));
		f.actor = "poster";
		f.limit = 1000;
		assert_int_equal(arc_audit_list(a, &admin, &f, &list, msg,
						sizeof(msg)),
				 DOS_OK);
	}
	assert_int_equal(json_array_size(list), 500);
	json_decref(list);
	arc_close(a);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(concurrent_entries_all_committed_and_chained),
		cmocka_unit_test(posted_entries_told_once_after_commit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
