/*
 * test_dossier.c: what a customer's dossier lacks (checklists, conditional
 * and monthly items), statistics, OCR text corrections as versions, the
 * audit anchor against truncation, interrupted batches.
 */
#include "fixture.h"

#include <signal.h>
#include <time.h>
#include <sys/wait.h>

#include <sqlite3.h>

#include "dossier/archive.h"

struct fx {
	char *dir;
	struct arc *a;
	int n; /* documents committed, for distinct original bytes */
	int64_t batch;
};


/* A principal with every permission, named as the test's actor. */
static const struct arc_user *
as(const char *name)
{
	static struct arc_user u[4];
	static int next;
	struct arc_user *p = &u[next++ % 4];

	arc_user_local(p);
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_int_equal(dos_crypto_init(), DOS_OK);
	f->dir = test_tmpdir();
	assert_int_equal(arc_open(f->dir, ARC_CREATE, &f->a), DOS_OK);
	assert_int_equal(arc_batch_begin(f->a, "clerk1", &f->batch), DOS_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	arc_close(f->a);
	test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Commits a one-page document; returns its id. */
static int64_t
doc(struct fx *f, const char *account, const char *category,
    const char *type, const char *date, const char *status, const char *text)
{
	struct fx_doc d = {account, category, type, date, status, text};

	return fx_commit(f->a, f->batch, "clerk1", ++f->n, &d);
}

static void
customer(struct fx *f, const char *number, const char *type,
	 const char *account, const char *unit)
{
	fx_customer(f->a, as("admin"), number, type, account, unit, NULL);
}

/* The missing items of one customer as "label|have|in_review" lines. */
static char *
gaps(struct fx *f, const char *key, const char *as_of, int *prequired)
{
	json_t *r, *c, *g;
	size_t i;
	char *out = calloc(1, 4096);

	assert_int_equal(arc_missing(f->a, as("admin"), key, as_of, &r), DOS_OK);
	c = json_array_get(json_object_get(r, "customers"), 0);
	assert_non_null(c);
	*prequired = (int)json_integer_value(json_object_get(c, "required"));
	json_array_foreach(json_object_get(c, "missing"), i, g) {
		const json_t *m = json_object_get(g, "months"), *v;
		size_t k;

		snprintf(out + strlen(out), 4096 - strlen(out), "%s|%lld|%lld",
			 json_string_value(json_object_get(g, "label")),
			 (long long)json_integer_value(json_object_get(g, "have")),
			 (long long)json_integer_value(
				 json_object_get(g, "in_review")));
		json_array_foreach(m, k, v)
			snprintf(out + strlen(out), 4096 - strlen(out), "|%s",
				 json_string_value(v));
		snprintf(out + strlen(out), 4096 - strlen(out), "\n");
	}
	json_decref(r);
	return out;
}

static void
individual_dossier_lacks_what_is_not_filed(void **state)
{
	struct fx *f = *state;
	char *s;
	int req;

	customer(f, "C-1", "individual", "ACC-1", "north");
	doc(f, "ACC-1", "KYC", "ID_COPY", NULL, "archived", NULL);
	doc(f, "ACC-1", "BASIC", "application_form", NULL, "review", NULL);
	s = gaps(f, "ACC-1", NULL, &req);
	/* ID copy filed (type matched without regard to case); the form
	 * waits in review, so it still counts as missing. */
	assert_int_equal(req, 2);
	assert_string_equal(s, "Account opening form|0|1\n");
	free(s);
}

static void
loan_items_apply_only_with_a_credit_file(void **state)
{
	struct fx *f = *state;
	json_t *r;
	char *s;
	int req;

	customer(f, "C-2", "corporate", "ACC-2", "south");
	s = gaps(f, "C-2", "2026-07-15", &req);
	assert_int_equal(req, 4); /* the corporate basics only */
	free(s);
	doc(f, "ACC-2", "CREDIT", "statement", "2026-01-31", "archived", NULL);
	doc(f, "ACC-2", "CREDIT", "statement", "2026-02-28", "archived", NULL);
	doc(f, "ACC-2", "CREDIT", "statement", "2026-04-30", "archived", NULL);
	doc(f, "ACC-2", "CREDIT", "statement", "2026-06-30", "archived", NULL);
	doc(f, "ACC-2", "CREDIT", "statement", "2025-12-31", "archived", NULL);
	doc(f, "ACC-2", "CREDIT", "statement", "2026-07-01", "archived", NULL);
	doc(f, "ACC-2", "CREDIT", "appraisal", "2026-05-01", "archived", NULL);
	s = gaps(f, "C-2", "2026-07-15", &req);
	assert_int_equal(req, 10);
	/* Six whole months before July: March and May lack a statement
	 * (December is too early, July too recent). */
	assert_non_null(strstr(s, "Account statements, last six months|6|0|"
				  "2026-03|2026-05\n"));
	assert_null(strstr(s, "Appraisal"));
	assert_non_null(strstr(s, "Loan contract|0|0\n"));
	free(s);
	/* Without a key: every incomplete customer; bad dates refused. */
	assert_int_equal(arc_missing(f->a, as("admin"), NULL, NULL, &r), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(r, "checked")), 1);
	assert_int_equal(json_array_size(json_object_get(r, "customers")), 1);
	json_decref(r);
	assert_int_equal(arc_missing(f->a, as("admin"), NULL, "2026-13-01", &r), DOS_INVAL);
	assert_int_equal(arc_missing(f->a, as("admin"), "nobody", NULL, &r), DOS_NOTFOUND);
}

static void
checklist_items_are_configurable(void **state)
{
	struct fx *f = *state;
	struct arc_checklist_in c;
	char msg[256], *s;
	int64_t id;
	int req;

	memset(&c, 0, sizeof(c));
	c.customer_type = "individual";
	c.label = "Two visit reports";
	c.category = "VISIT"; /* alias of DAILY */
	c.doc_type = "visit_report";
	c.min_count = 2;
	assert_int_equal(arc_checklist_add(f->a, as("admin"), &c, &id, msg,
					   sizeof(msg)), DOS_OK);
	customer(f, "C-3", "individual", "ACC-3", NULL);
	doc(f, "ACC-3", "DAILY", "visit_report", NULL, "archived", NULL);
	s = gaps(f, "C-3", NULL, &req);
	assert_non_null(strstr(s, "Two visit reports|1|0\n"));
	free(s);
	assert_int_equal(arc_checklist_remove(f->a, as("admin"), id, msg,
					      sizeof(msg)), DOS_OK);
	assert_int_equal(arc_checklist_remove(f->a, as("admin"), id, msg,
					      sizeof(msg)), DOS_NOTFOUND);
	c.category = "NOSUCH";
	assert_int_equal(arc_checklist_add(f->a, as("admin"), &c, &id, msg,
					   sizeof(msg)), DOS_INVAL);
	assert_string_equal(msg, "unknown category 'NOSUCH'");
	c.category = "DAILY";
	c.customer_type = "alien";
	assert_int_equal(arc_checklist_add(f->a, as("admin"), &c, &id, msg,
					   sizeof(msg)), DOS_INVAL);
}

static long long
row(json_t *r, const char *group, const char *key, const char *what)
{
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(r, group), i, x)
		if (strcmp(json_string_value(json_object_get(x, "key")), key) ==
		    0)
			return (long long)json_integer_value(
				json_object_get(x, what));
	return -1;
}

static void
stats_count_by_category_unit_clerk_day(void **state)
{
	struct fx *f = *state;
	json_t *r;
	char today[16];
	time_t t = time(NULL);

	strftime(today, sizeof(today), "%Y-%m-%d", gmtime(&t));
	customer(f, "C-4", "individual", "ACC-4", "east");
	doc(f, "ACC-4", "BASIC", NULL, NULL, "archived", NULL);
	doc(f, "ACC-4", "CREDIT", NULL, NULL, "archived", NULL);
	doc(f, "ACC-9", "CREDIT", NULL, NULL, "review", NULL);
	assert_int_equal(arc_stats(f->a, as("admin"), NULL, NULL, &r), DOS_OK);
	assert_int_equal(row(r, "by_category", "CREDIT", "documents"), 2);
	assert_int_equal(row(r, "by_unit", "east", "pages"), 2);
	assert_int_equal(row(r, "by_unit", "(no customer)", "documents"), 1);
	assert_int_equal(row(r, "by_clerk", "clerk1", "pages"), 3);
	assert_int_equal(row(r, "per_day", today, "pages"), 3);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(r, "totals"),
				 "review_backlog")), 1);
	json_decref(r);
	assert_int_equal(arc_stats(f->a, as("admin"), "2000-01-01", "2000-12-31", &r),
			 DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(r, "totals"), "documents")), 0);
	json_decref(r);
	assert_int_equal(arc_stats(f->a, as("admin"), "yesterday", NULL, &r), DOS_INVAL);
}

static long long
hits(struct fx *f, const char *match)
{
	struct arc_node w = {ARC_N_WORDS, ARC_F_TEXT, NULL, NULL, (char *)match,
			     NULL, NULL, 0, 0, 0};
	struct arc_query q = {&w, NULL, ARC_SORT_RELEVANCE, 10, 0, 0};
	json_t *r;
	char msg[256];
	long long n;

	assert_int_equal(arc_search(f->a, &q, &r, msg, sizeof(msg)), DOS_OK);
	n = (long long)json_integer_value(json_object_get(r, "total"));
	json_decref(r);
	return n;
}

/* Total and facets of a scoped search for the word "scoped". */
static void
scoped(struct fx *f, const struct arc_user *sc, long long *ptotal,
       long long *pfacet)
{
	struct arc_node w = {ARC_N_WORDS, ARC_F_TEXT, NULL, NULL, "scoped",
			     NULL, NULL, 0, 0, 0};
	struct arc_query q = {&w, sc, ARC_SORT_RELEVANCE, 10, 0, 1};
	json_t *r;
	char msg[256];

	assert_int_equal(arc_search(f->a, &q, &r, msg, sizeof(msg)), DOS_OK);
	*ptotal = (long long)json_integer_value(json_object_get(r, "total"));
	*pfacet = (long long)json_integer_value(json_object_get(
		json_object_get(json_object_get(r, "facets"), "category"),
		"CREDIT"));
	assert_int_equal(json_array_size(json_object_get(r, "hits")),
			 (size_t)*ptotal);
	json_decref(r);
}

static void
scope_filters_hits_totals_and_facets(void **state)
{
	struct fx *f = *state;
	struct arc_user sc;
	json_t *ch = json_pack("{s:s}", "confidentiality", "secret");
	char msg[256];
	long long total, facet;
	int64_t secret;

	memset(&sc, 0, sizeof(sc));
	snprintf(sc.name, sizeof(sc.name), "ann");
	snprintf(sc.role, sizeof(sc.role), "auditor");
	snprintf(sc.unit, sizeof(sc.unit), "north");
	snprintf(sc.scope, sizeof(sc.scope), "all");
	sc.clearance = 1;
	sc.actions = 1u << ARC_SEARCH;
	customer(f, "C-8", "individual", "ACC-8", "north");
	customer(f, "C-9", "individual", "ACC-9", "south");
	doc(f, "ACC-8", "CREDIT", NULL, NULL, "archived", "scoped text");
	secret = doc(f, "ACC-8", "CREDIT", NULL, NULL, "archived",
		     "scoped text");
	doc(f, "ACC-9", "CREDIT", NULL, NULL, "archived", "scoped text");
	assert_int_equal(arc_doc_edit(f->a, as("admin"), secret, ch, "classify",
				      msg, sizeof(msg)), DOS_OK);
	scoped(f, NULL, &total, &facet);
	assert_int_equal(total, 3);
	assert_int_equal(facet, 3);
	/* Unit north, clearance internal: the south customer's document
	 * and the secret one are not counted anywhere. */
	scoped(f, &sc, &total, &facet);
	assert_int_equal(total, 1);
	assert_int_equal(facet, 1);
	sc.clearance = 3;
	scoped(f, &sc, &total, &facet);
	assert_int_equal(total, 2);
	json_decref(ch);
}

static void
ocr_correction_keeps_the_old_text(void **state)
{
	struct fx *f = *state;
	json_t *v, *d, *rep;
	char msg[256];
	int64_t id = doc(f, "ACC-5", "CREDIT", NULL, NULL, "archived",
			 "repaymnet schedule");

	assert_int_equal(arc_page_text_edit(f->a, as("clerk1"), id, 1,
					    "repayment schedule", "", msg,
					    sizeof(msg)), DOS_INVAL);
	assert_int_equal(arc_page_text_edit(f->a, as("clerk1"), id, 2, "x",
					    "typo", msg, sizeof(msg)),
			 DOS_NOTFOUND);
	assert_int_equal(arc_page_text_edit(f->a, as("clerk1"), id, 1,
					    "repayment schedule",
					    "OCR misread", msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(hits(f, "repayment"), 1);
	assert_int_equal(hits(f, "repaymnet"), 0);
	assert_int_equal(arc_page_text_versions(f->a, id, 1, &v), DOS_OK);
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(v, 0), "text")),
			    "repaymnet schedule");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(v, 0), "reason")),
			    "OCR misread");
	json_decref(v);
	assert_int_equal(arc_doc_get(f->a, as("admin"), id, &d, msg,
				     sizeof(msg)), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(d, "version")), 2);
	json_decref(d);
	assert_int_equal(arc_verify(f->a, &rep), DOS_OK);
	json_decref(rep);
}

static void
anchor_detects_a_cut_off_audit_tail(void **state)
{
	struct fx *f = *state;
	json_t *rep;
	char anchor[128], msg[256], path[512];
	sqlite3 *db;

	doc(f, "ACC-6", "BASIC", NULL, NULL, "archived", NULL);
	assert_int_equal(arc_verify(f->a, &rep), DOS_OK);
	snprintf(anchor, sizeof(anchor), "%s",
		 json_string_value(json_object_get(rep, "audit_head")));
	json_decref(rep);
	assert_int_equal(arc_audit_anchor_check(f->a, anchor, msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_audit_anchor_check(f->a, "12:zz", msg,
						sizeof(msg)), DOS_INVAL);
	/* Cut the newest entry: the chain alone still looks whole. */
	snprintf(path, sizeof(path), "%s/catalogue.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM audit WHERE id = "
					  "(SELECT max(id) FROM audit)",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(arc_verify(f->a, &rep), DOS_OK);
	json_decref(rep);
	assert_int_equal(arc_audit_anchor_check(f->a, anchor, msg, sizeof(msg)),
			 DOS_CORRUPT);
	assert_non_null(strstr(msg, "cut short"));
}

static void
batch_of_a_dead_process_is_interrupted(void **state)
{
	struct fx *f = *state;
	json_t *b;
	char path[512], sql[128];
	sqlite3 *db;
	pid_t child;
	int n;

	doc(f, "ACC-7", "BASIC", NULL, NULL, "archived", NULL);
	assert_int_equal(arc_batch_file(f->a, f->batch, "scan-1.tif", NULL,
					"ingested", 1, 1, NULL), DOS_OK);
	/* Its own process is alive: the batch stays running. */
	assert_int_equal(arc_batch_reap(f->a, &n), DOS_OK);
	assert_int_equal(n, 0);
	if ((child = fork()) == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	snprintf(path, sizeof(path), "%s/catalogue.db", f->dir);
	snprintf(sql, sizeof(sql), "UPDATE batch SET pid = %d", (int)child);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(arc_batch_reap(f->a, &n), DOS_OK);
	assert_int_equal(n, 1);
	assert_int_equal(arc_batch_get(f->a, as("admin"), f->batch, &b), DOS_OK);
	assert_string_equal(json_string_value(json_object_get(b, "status")),
			    "interrupted");
	assert_int_equal(json_integer_value(json_object_get(b, "documents")),
			 1);
	json_decref(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			individual_dossier_lacks_what_is_not_filed, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			loan_items_apply_only_with_a_credit_file, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			checklist_items_are_configurable, setup, teardown),
		cmocka_unit_test_setup_teardown(
			stats_count_by_category_unit_clerk_day, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			ocr_correction_keeps_the_old_text, setup, teardown),
		cmocka_unit_test_setup_teardown(
			scope_filters_hits_totals_and_facets, setup, teardown),
		cmocka_unit_test_setup_teardown(
			anchor_detects_a_cut_off_audit_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(
			batch_of_a_dead_process_is_interrupted, setup,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
