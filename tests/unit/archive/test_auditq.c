/*
 * test_auditq.c: the group-committing audit writer: entries added by
 * several threads at once are all committed, once each, and the hash
 * chain over them verifies.
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(concurrent_entries_all_committed_and_chained),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
