/*
 * test_classify.c: the learned classifier through the library: it stays
 * silent until it has learned enough; it learns from documents people
 * filed (arc_clf_sync) and takes back what a document taught when its
 * labels change; Chinese text cut into bigrams (even with OCR's blanks
 * between characters) is told apart; a customer the person may not see
 * is never suggested, not even named; what the model filed itself does
 * not teach it.
 */
#include "fixture.h"

#include <sqlite3.h>

struct fx {
	char *dir;
	struct arc *a;
	struct arc_user local, clerk;
	int64_t batch, other;
	int n;
};

static const char *const letters[] = {
	"Dear customer, thank you for your letter about the overdraft. "
	"We have reviewed your account and our branch will contact you.",
	"Dear Mr Evans, we confirm the change of your address. Please keep "
	"this letter for your records. Yours sincerely, customer service.",
	"Dear Ms Chen, your new debit card will be sent separately. If you "
	"have questions please contact your branch. Yours sincerely.",
};
static const char *const loans[] = {
	"Loan agreement between the lender and the borrower. The borrower "
	"shall repay the principal in monthly instalments with interest.",
	"Credit facility agreement. Interest accrues at the agreed annual "
	"rate. Events of default and remedies of the lender. Signed.",
	"Personal loan contract. Early repayment permitted with notice. "
	"Security and guarantees for the obligations of the borrower.",
};

static int64_t
doc(struct fx *f, int64_t batch, const char *actor, const char *account,
    const char *cat, const char *type, const char *text)
{
	struct fx_doc d = {account, cat, type, NULL, NULL, text};

	return fx_commit(f->a, batch, actor, ++f->n, &d);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct arc_user_in in;
	char msg[256];
	int i;

	assert_int_equal(dos_crypto_init(), DOS_OK);
	f->dir = test_tmpdir();
	assert_int_equal(arc_open(f->dir, ARC_CREATE, &f->a), DOS_OK);
	arc_user_local(&f->local);
	memset(&in, 0, sizeof(in));
	in.name = "cle";
	in.role = "clerk";
	in.password = "password-123";
	assert_int_equal(arc_user_add(f->a, &f->local, &in, msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_user_load(f->a, "cle", &f->clerk), DOS_OK);
	assert_int_equal(arc_batch_begin(f->a, "cle", &f->batch), DOS_OK);
	assert_int_equal(arc_batch_begin(f->a, "ann", &f->other), DOS_OK);
	/* Customer C-A's papers were scanned by the clerk; C-B's by ann. */
	fx_customer(f->a, &f->local, "C-A", "individual", "ACC-1", NULL, NULL);
	fx_customer(f->a, &f->local, "C-B", "individual", "ACC-2", NULL, NULL);
	for (i = 0; i < 6; i++) {
		doc(f, f->batch, "cle", "ACC-1", "DAILY", "letter",
		    letters[i % 3]);
		doc(f, f->other, "ann", "ACC-2", "CONTRACT", "loan_contract",
		    loans[i % 3]);
	}
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

static const char *
value(json_t *s, const char *kind)
{
	return json_string_value(json_object_get(json_object_get(s, kind),
						 "value"));
}

static void
silent_until_learned(void **state)
{
	struct fx *f = *state;
	json_t *s = NULL;
	int n = 0;

	/* Nothing learned yet: no suggestion at all. */
	assert_int_equal(arc_clf_suggest(f->a, &f->local, loans[0], &s),
			 DOS_OK);
	assert_null(s);
	assert_int_equal(arc_clf_sync(f->a, 1000, &n), DOS_OK);
	assert_int_equal(n, 12);
	assert_int_equal(arc_clf_sync(f->a, 1000, &n), DOS_OK);
	assert_int_equal(n, 0); /* nothing changed since */
	assert_int_equal(arc_clf_suggest(f->a, &f->local,
					 "The borrower shall repay the loan "
					 "with interest to the lender.",
					 &s),
			 DOS_OK);
	assert_non_null(s);
	assert_string_equal(value(s, "category"), "CONTRACT");
	assert_string_equal(value(s, "doc_type"), "loan_contract");
	assert_string_equal(value(s, "customer"), "C-B");
	assert_true(json_number_value(json_object_get(
			    json_object_get(s, "doc_type"), "confidence")) >
		    50.0);
	json_decref(s);
}

static void
customer_out_of_scope_never_named(void **state)
{
	struct fx *f = *state;
	json_t *s = NULL;

	assert_int_equal(arc_clf_sync(f->a, 1000, NULL), DOS_OK);
	/* The clerk may see C-A (their batch), not C-B. */
	assert_int_equal(arc_clf_suggest(f->a, &f->clerk,
					 "The borrower shall repay the loan "
					 "with interest to the lender.",
					 &s),
			 DOS_OK);
	assert_non_null(s);
	assert_string_equal(value(s, "doc_type"), "loan_contract");
	assert_true(json_is_null(json_object_get(s, "customer")));
	json_decref(s);
	assert_int_equal(arc_clf_suggest(f->a, &f->clerk,
					 "Dear customer, thank you for your "
					 "letter. Yours sincerely.",
					 &s),
			 DOS_OK);
	assert_string_equal(value(s, "customer"), "C-A");
	json_decref(s);
}

static void
relearns_when_labels_change(void **state)
{
	struct fx *f = *state;
	json_t *ch, *s = NULL;
	char msg[256];
	int64_t ids[12];
	int i, n = 0;

	assert_int_equal(arc_clf_sync(f->a, 1000, NULL), DOS_OK);
	/* Four more loan papers, filed as letters by mistake, then put
	 * right: the model follows. */
	for (i = 0; i < 12; i++)
		ids[i] = doc(f, f->batch, "cle", "ACC-1", "DAILY", "letter",
			     "Mortgage deed for the property, registered "
			     "charge and conveyance.");
	assert_int_equal(arc_clf_sync(f->a, 1000, &n), DOS_OK);
	assert_int_equal(n, 12);
	assert_int_equal(arc_clf_suggest(f->a, &f->local,
					 "Mortgage deed, registered charge.",
					 &s),
			 DOS_OK);
	assert_string_equal(value(s, "doc_type"), "letter");
	json_decref(s);
	for (i = 0; i < 12; i++) {
		if (i % 3 == 0)
			continue;
		ch = json_pack("{s:s,s:s}", "category", "CONTRACT",
			       "doc_type", "mortgage_deed");
		assert_int_equal(arc_doc_edit(f->a, &f->local, ids[i], ch,
					      "wrong type", msg, sizeof(msg)),
				 DOS_OK);
		json_decref(ch);
	}
	/* Each changed document takes back what it taught, then teaches
	 * its new labels. */
	assert_int_equal(arc_clf_sync(f->a, 1000, &n), DOS_OK);
	assert_int_equal(n, 8);
	assert_int_equal(arc_clf_suggest(f->a, &f->local,
					 "Mortgage deed, registered charge.",
					 &s),
			 DOS_OK);
	assert_string_equal(value(s, "doc_type"), "mortgage_deed");
	json_decref(s);
}

static void
chinese_bigrams(void **state)
{
	struct fx *f = *state;
	json_t *s = NULL;
	int i;

	for (i = 0; i < 6; i++) {
		doc(f, f->batch, "cle", NULL, "CREDIT", "loan_application",
		    i % 2 ? "贷款申请书 申请贷款金额及用途 月收入及工作单位"
			  : "个人信贷申请 本人授权银行查询个人征信报告");
		doc(f, f->batch, "cle", NULL, "COMPLAINT", "complaint",
		    i % 2 ? "客户投诉 本人对所受服务提出投诉 要求退还费用"
			  : "投诉信 网点工作人员态度恶劣 请于十四日内书面答复");
	}
	assert_int_equal(arc_clf_sync(f->a, 1000, NULL), DOS_OK);
	/* OCR's blanks between the characters do not matter. */
	assert_int_equal(arc_clf_suggest(f->a, &f->local,
					 "投 诉 信 要 求 退 还 费 用", &s),
			 DOS_OK);
	assert_string_equal(value(s, "doc_type"), "complaint");
	json_decref(s);
	assert_int_equal(arc_clf_suggest(f->a, &f->local,
					 "贷 款 申 请 月 收 入", &s),
			 DOS_OK);
	assert_string_equal(value(s, "doc_type"), "loan_application");
	json_decref(s);
}

static void
model_filed_documents_do_not_teach(void **state)
{
	struct fx *f = *state;
	sqlite3 *db;
	char path[4096];
	int64_t id;
	int n = 0;

	assert_int_equal(arc_clf_sync(f->a, 1000, NULL), DOS_OK);
	id = doc(f, f->batch, "cle", "ACC-1", "DAILY", "letter",
		 "Dear customer, yours sincerely.");
	snprintf(path, sizeof(path), "%s/catalogue.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE document SET filed_by = "
					  "'model', clf_learned = NULL WHERE "
					  "id = (SELECT max(id) FROM document)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(arc_clf_sync(f->a, 1000, &n), DOS_OK);
	assert_int_equal(n, 0);
	(void)id;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(silent_until_learned, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			customer_out_of_scope_never_named, setup, teardown),
		cmocka_unit_test_setup_teardown(relearns_when_labels_change,
						setup, teardown),
		cmocka_unit_test_setup_teardown(chinese_bigrams, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			model_filed_documents_do_not_teach, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
