/*
 * test_daily.c: what the landing screens read: saved searches (each
 * user's own, named uniquely, at most 50), the customers one may see
 * found by number, name or account, open deletions by who asked and who
 * may approve, legal holds, the audit summary; a document's versions and
 * where its date was read; an unknown category names the known ones.
 */
#include "fixture.h"

#include "dossier/archive.h"

struct fx {
	char *dir;
	struct arc *a;
	int64_t batch;
	struct arc_user admin, ann, mia, bob, adm;
};

static void
add_user(struct arc *a, const struct arc_user *who, const char *name,
	 const char *role, const char *unit, struct arc_user *u)
{
	struct arc_user_in in;
	char msg[256];

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.role = role;
	in.unit = unit;
	in.password = "password-123";
	assert_int_equal(arc_user_add(a, who, &in, msg, sizeof(msg)), DOS_OK);
	assert_int_equal(arc_user_load(a, name, u), DOS_OK);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_int_equal(dos_crypto_init(), DOS_OK);
	f->dir = test_tmpdir();
	assert_int_equal(arc_open(f->dir, ARC_CREATE, &f->a), DOS_OK);
	arc_user_local(&f->admin);
	add_user(f->a, &f->admin, "ann", "staff", NULL, &f->ann);
	add_user(f->a, &f->admin, "bob", "staff", NULL, &f->bob);
	add_user(f->a, &f->admin, "mia", "manager", "north", &f->mia);
	add_user(f->a, &f->admin, "adm", "admin", NULL, &f->adm);
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

static void
saved_searches(void **state)
{
	struct fx *f = *state;
	char msg[256], name[16];
	json_t *list;
	int64_t id, id2;
	int i;

	assert_int_equal(arc_saved_add(f->a, &f->ann, "Loans", "category:CREDIT",
				       &id, msg, sizeof(msg)), DOS_OK);
	assert_string_equal(msg, "saved the search 'Loans'");
	assert_int_equal(arc_saved_add(f->a, &f->ann, "Loans", "loan", &id2,
				       msg, sizeof(msg)), DOS_CONFLICT);
	assert_string_equal(msg, "you have a saved search named 'Loans' "
				 "already");
	assert_int_equal(arc_saved_add(f->a, &f->ann, "", "x", &id2, msg,
				       sizeof(msg)), DOS_INVAL);
	assert_int_equal(arc_saved_add(f->a, &f->ann, "Empty", "", &id2, msg,
				       sizeof(msg)), DOS_INVAL);
	/* Bob has his own, named the same. */
	assert_int_equal(arc_saved_add(f->a, &f->bob, "Loans", "loan", &id2,
				       msg, sizeof(msg)), DOS_OK);
	assert_int_equal(arc_saved_list(f->a, &f->ann, &list), DOS_OK);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(list, 0), "query")),
			    "category:CREDIT");
	json_decref(list);
	/* Nobody removes another's: as if there were none. */
	assert_int_equal(arc_saved_remove(f->a, &f->ann, id2, msg,
					  sizeof(msg)), DOS_NOTFOUND);
	assert_string_equal(msg, "you have no saved search with that number");
	assert_int_equal(arc_saved_remove(f->a, &f->bob, id2, msg,
					  sizeof(msg)), DOS_OK);
	/* At most 50 each. */
	for (i = 1; i < 50; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		assert_int_equal(arc_saved_add(f->a, &f->ann, name, "x", &id2,
					       msg, sizeof(msg)), DOS_OK);
	}
	assert_int_equal(arc_saved_add(f->a, &f->ann, "one more", "x", &id2,
				       msg, sizeof(msg)), DOS_CONFLICT);
	assert_string_equal(msg, "you keep 50 saved searches already; "
				 "remove one first");
}

static int64_t
doc(struct fx *f, int n, const char *account, const char *date)
{
	struct fx_doc d = {account, "CREDIT", "statement", date, NULL, NULL};

	return fx_commit(f->a, f->batch, "clerk1", n, &d);
}

static void
customers(void **state)
{
	struct fx *f = *state;
	struct arc_customer_filter cf;
	char msg[256];
	json_t *res;

	fx_customer(f->a, &f->admin, "C-1", "individual", "ACC-2024-000001",
		    "north", "ann");
	fx_customer(f->a, &f->admin, "C-2", "corporate", "ACC-2024-000002",
		    "south", "bob");
	doc(f, 1, "ACC-2024-000001", NULL);
	doc(f, 2, "ACC-2024-000001", NULL);
	doc(f, 3, "ACC-2024-000002", NULL);
	memset(&cf, 0, sizeof(cf));
	/* Ann sees the customer she manages, with its documents. */
	assert_int_equal(arc_customer_list(f->a, &f->ann, &cf, &res, msg,
					   sizeof(msg)), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(res,
								"customers"),
						0),
				 "documents")),
			 2);
	json_decref(res);
	/* The local administrator sees both; by part of an account. */
	cf.filter = "000002";
	assert_int_equal(arc_customer_list(f->a, &f->admin, &cf, &res, msg,
					   sizeof(msg)), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(res,
								   "customers"),
						   0),
				    "number")),
			    "C-2");
	json_decref(res);
	/* LIKE wildcards are taken literally. */
	cf.filter = "%";
	assert_int_equal(arc_customer_list(f->a, &f->admin, &cf, &res, msg,
					   sizeof(msg)), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
	/* The manager of north: C-1 only; "mine": none. */
	cf.filter = NULL;
	assert_int_equal(arc_customer_list(f->a, &f->mia, &cf, &res, msg,
					   sizeof(msg)), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	json_decref(res);
	cf.mine = 1;
	assert_int_equal(arc_customer_list(f->a, &f->mia, &cf, &res, msg,
					   sizeof(msg)), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
	/* An administrator sees no customers: the role may not view. */
	assert_int_equal(arc_customer_list(f->a, &f->adm, &cf, &res, msg,
					   sizeof(msg)), DOS_PERM);
}

static void
deletions_and_holds(void **state)
{
	struct fx *f = *state;
	char msg[512];
	json_t *list;
	int64_t d1, d2;

	fx_customer(f->a, &f->admin, "C-1", "individual", "ACC-2024-000001",
		    "north", "ann");
	d1 = doc(f, 1, "ACC-2024-000001", NULL);
	d2 = doc(f, 2, "ACC-2024-000001", NULL);
	assert_int_equal(arc_delete_request(f->a, &f->ann, d1, "duplicate",
					    msg, sizeof(msg)), DOS_OK);
	/* Ann sees her request; Mia, manager of north, may approve it;
	 * Bob sees nothing. */
	assert_int_equal(arc_deletion_list(f->a, &f->ann, &list), DOS_OK);
	assert_int_equal(json_array_size(list), 1);
	assert_true(json_is_true(json_object_get(json_array_get(list, 0),
						 "mine")));
	json_decref(list);
	assert_int_equal(arc_deletion_list(f->a, &f->mia, &list), DOS_OK);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(list, 0), "status")),
			    "requested");
	json_decref(list);
	assert_int_equal(arc_deletion_list(f->a, &f->bob, &list), DOS_OK);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	/* Approved: on hold, and held by a legal hold on the customer. */
	assert_int_equal(arc_delete_approve(f->a, &f->mia, d1, 30, msg,
					    sizeof(msg)), DOS_OK);
	assert_int_equal(arc_hold_place(f->a, &f->admin, "C-1", 0,
					"litigation 2024-7", msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_deletion_list(f->a, &f->adm, &list), DOS_OK);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(list, 0), "status")),
			    "approved");
	assert_true(json_is_true(json_object_get(json_array_get(list, 0),
						 "held")));
	json_decref(list);
	assert_int_equal(arc_hold_list(f->a, &f->adm, &list, msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(list, 0), "customer")),
			    "C-1");
	json_decref(list);
	assert_int_equal(arc_hold_list(f->a, &f->ann, &list, msg, sizeof(msg)),
			 DOS_PERM);
	(void)d2;
}

static void
audit_summary(void **state)
{
	struct fx *f = *state;
	struct arc_user aud;
	char msg[256];
	json_t *s;

	add_user(f->a, &f->admin, "aud", "auditor", NULL, &aud);
	assert_int_equal(arc_audit(f->a, "x", "login.fail", "-", ""), DOS_OK);
	assert_int_equal(arc_audit(f->a, "x", "deny", "-", ""), DOS_OK);
	assert_int_equal(arc_audit_summary(f->a, &aud, 7, &s, msg,
					   sizeof(msg)), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(s, "refusals")), 2);
	/* 5 user.add, 2 above, and this reading. */
	assert_int_equal(json_integer_value(json_object_get(s, "entries")), 8);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(s, "by_action"), "user.add")),
			 5);
	json_decref(s);
	assert_int_equal(arc_audit_summary(f->a, &aud, 0, &s, msg,
					   sizeof(msg)), DOS_INVAL);
	assert_int_equal(arc_audit_summary(f->a, &f->ann, 7, &s, msg,
					   sizeof(msg)), DOS_PERM);
}

static void
versions_and_date_note(void **state)
{
	struct fx *f = *state;
	char msg[512];
	json_t *d, *ch, *v;
	int64_t id = doc(f, 1, NULL, "2023-11-14");

	ch = json_pack("{s:s,s:s}", "title", "Statement, November",
		       "category", "NOPE");
	assert_int_equal(arc_doc_edit(f->a, &f->admin, id, ch, "typo", msg,
				      sizeof(msg)), DOS_INVAL);
	assert_string_equal(msg, "unknown category 'NOPE'; the categories are "
				 "BASIC, CONTRACT, CREDIT, COMPLAINT, MARKET, "
				 "PROMOTION, DAILY (or one of their aliases)");
	json_decref(ch);
	ch = json_pack("{s:s,s:s}", "title", "Statement, November", "date",
		       "2023-11-15");
	assert_int_equal(arc_doc_edit(f->a, &f->admin, id, ch, "read again",
				      msg, sizeof(msg)), DOS_OK);
	json_decref(ch);
	assert_int_equal(arc_doc_get(f->a, &f->admin, id, &d, msg,
				     sizeof(msg)), DOS_OK);
	v = json_array_get(json_object_get(d, "versions"), 0);
	assert_int_equal(json_integer_value(json_object_get(v, "version")), 2);
	assert_string_equal(json_string_value(json_object_get(v, "reason")),
			    "read again");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(v, "before"), "doc_date")),
			    "2023-11-14");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(v, "after"), "doc_date")),
			    "2023-11-15");
	/* A date a person gave is not the one read from the page. */
	assert_true(json_is_null(json_object_get(d, "date_note")));
	assert_int_equal(json_integer_value(json_object_get(d,
							    "unsure_below")),
			 ARC_WORD_UNSURE);
	json_decref(d);
}

static void
category_check(void **state)
{
	struct fx *f = *state;
	char msg[512];

	assert_int_equal(arc_category_check(f->a, "CREDIT", msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_category_check(f->a, "loan", msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_category_check(f->a, "NOPE", msg, sizeof(msg)),
			 DOS_INVAL);
	assert_non_null(strstr(msg, "the categories are BASIC, CONTRACT"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(saved_searches, setup,
						teardown),
		cmocka_unit_test_setup_teardown(customers, setup, teardown),
		cmocka_unit_test_setup_teardown(deletions_and_holds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(audit_summary, setup,
						teardown),
		cmocka_unit_test_setup_teardown(versions_and_date_note, setup,
						teardown),
		cmocka_unit_test_setup_teardown(category_check, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
