/*
 * test_archive.c: blobs, atomic commit of a source with its documents,
 * search, duplicates, and tamper detection by verify.
 */
#include "harness.h"

#include <sqlite3.h>

#include "dossier/archive.h"

struct fx {
	char *dir;
	struct arc *a;
	char orig[DOS_SHA256_HEX], proc[DOS_SHA256_HEX], thumb[DOS_SHA256_HEX];
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_int_equal(dos_crypto_init(), DOS_OK);
	f->dir = test_tmpdir();
	assert_int_equal(arc_open(f->dir, ARC_CREATE, &f->a), DOS_OK);
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

/* Commits one source "scan-1" with one document of one page. */
static int64_t
commit_sample(struct fx *f, const char *orig_bytes, const char *text)
{
	struct arc_word w = {"repayment", 10, 20, 90, 30, 91.0f};
	struct arc_barcode bc = {"CODE-128", "ACC-2024-000101"};
	struct arc_page_in p;
	struct arc_doc_in d;
	struct arc_source_in s;

	assert_int_equal(arc_blob_put(f->a, orig_bytes, strlen(orig_bytes),
				      f->orig), DOS_OK);
	assert_int_equal(arc_blob_put(f->a, "processed", 9, f->proc), DOS_OK);
	assert_int_equal(arc_blob_put(f->a, "thumb", 5, f->thumb), DOS_OK);
	memset(&p, 0, sizeof(p));
	p.processed = f->proc;
	p.thumb = f->thumb;
	p.width = 2480;
	p.height = 3508;
	p.dpi = 300;
	p.skew_deg = -2.5;
	p.ocr_confidence = 88;
	p.text = text;
	p.words = &w;
	p.nwords = 1;
	p.barcodes = &bc;
	p.nbarcodes = 1;
	memset(&d, 0, sizeof(d));
	d.account = "ACC-2024-000101";
	d.category = "CONTRACT";
	d.status = "archived";
	d.pages = &p;
	d.npages = 1;
	memset(&s, 0, sizeof(s));
	s.name = "scan-1.tif";
	s.sha256 = f->orig;
	s.size = strlen(orig_bytes);
	s.format = "tiff";
	s.npages = 1;
	s.docs = &d;
	s.ndocs = 1;
	assert_int_equal(arc_source_commit(f->a, &s), DOS_OK);
	assert_true(d.id > 0);
	return d.id;
}

static void
blob_is_content_addressed_and_idempotent(void **state)
{
	struct fx *f = *state;
	char s1[DOS_SHA256_HEX], s2[DOS_SHA256_HEX];
	int fd;
	uint64_t size;
	char buf[8];

	assert_int_equal(arc_blob_put(f->a, "abc", 3, s1), DOS_OK);
	assert_int_equal(arc_blob_put(f->a, "abc", 3, s2), DOS_OK);
	assert_string_equal(s1, s2);
	assert_string_equal(s1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a"
				"9cb410ff61f20015ad");
	assert_int_equal(arc_blob_open(f->a, s1, &fd, &size), DOS_OK);
	assert_int_equal(size, 3);
	assert_int_equal(read(fd, buf, sizeof(buf)), 3);
	close(fd);
	assert_int_equal(arc_blob_open(f->a, "../../etc/passwd", &fd, &size),
			 DOS_INVAL);
}

static void
committed_document_reads_back(void **state)
{
	struct fx *f = *state;
	json_t *doc = NULL, *page;
	struct arc_user admin;
	char msg[256];
	int64_t id = commit_sample(f, "original-1", "The repayment plan.");

	arc_user_local(&admin);
	assert_int_equal(arc_doc_get(f->a, &admin, id, &doc, msg, sizeof(msg)),
			 DOS_OK);
	assert_string_equal(json_string_value(json_object_get(doc, "account")),
			    "ACC-2024-000101");
	page = json_array_get(json_object_get(doc, "pages"), 0);
	assert_non_null(page);
	assert_string_equal(json_string_value(json_object_get(page, "text")),
			    "The repayment plan.");
	assert_true(json_real_value(json_object_get(page, "skew_deg")) == -2.5);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(page, "barcodes"), 0),
			"value")),
		"ACC-2024-000101");
	assert_int_equal(json_integer_value(json_array_get(
				 json_array_get(json_object_get(page, "words"), 0),
				 1)),
			 10);
	json_decref(doc);
	assert_int_equal(arc_doc_get(f->a, &admin, id + 100, &doc, msg,
				     sizeof(msg)),
			 DOS_NOTFOUND);
}

static void
search_finds_by_word_and_filters(void **state)
{
	struct fx *f = *state;
	struct arc_node word = {ARC_N_WORDS, ARC_F_TEXT, NULL, NULL,
				"repayment", NULL, NULL, 0, 0, 0};
	struct arc_node acc = {ARC_N_FIELD, ARC_F_ACCOUNT, NULL, NULL,
			       "ACC-1999-999999", NULL, NULL, 0, 0, 0};
	struct arc_node both = {ARC_N_AND, ARC_F_TEXT, &word, &acc,
				NULL, NULL, NULL, 0, 0, 0};
	struct arc_node cat = {ARC_N_FIELD, ARC_F_CATEGORY, NULL, NULL,
			       "NOSUCH", NULL, NULL, 0, 0, 0};
	struct arc_query q = {&word, NULL, ARC_SORT_RELEVANCE, 20, 0, 1};
	json_t *res = NULL, *hit;
	char msg[256], *pages;
	int64_t id = commit_sample(f, "original-2", "The repayment plan.");

	assert_int_equal(arc_search(f->a, &q, &res, msg, sizeof(msg)), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	hit = json_array_get(json_object_get(res, "hits"), 0);
	assert_int_equal(json_integer_value(json_object_get(hit, "id")), id);
	assert_string_equal(json_string_value(json_object_get(hit, "snippet")),
			    "The [repayment] plan.");
	/* The word's box on page 1, from the OCR words. */
	pages = json_dumps(json_object_get(hit, "pages"), JSON_COMPACT);
	assert_string_equal(pages, "[{\"seq\":1,\"boxes\":[[10,20,90,30]]}]");
	free(pages);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(res, "facets"),
						 "category"),
				 "CONTRACT")),
			 1);
	json_decref(res);
	q.root = &both;
	assert_int_equal(arc_search(f->a, &q, &res, msg, sizeof(msg)), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
	word.value = "nonexistentword";
	q.root = &word;
	assert_int_equal(arc_search(f->a, &q, &res, msg, sizeof(msg)), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
	q.root = &cat;
	assert_int_equal(arc_search(f->a, &q, &res, msg, sizeof(msg)),
			 DOS_INVAL);
	assert_null(res);
	assert_non_null(strstr(msg, "category:NOSUCH is not a category"));
}

static void
same_source_twice_is_a_conflict(void **state)
{
	struct fx *f = *state;
	json_t *docs = NULL;
	int found = 0;

	commit_sample(f, "original-3", "x");
	assert_int_equal(arc_source_find(f->a, f->orig, &found, &docs), DOS_OK);
	assert_int_equal(found, 1);
	assert_int_equal(json_array_size(docs), 1);
	json_decref(docs);
}

static void
commit_refuses_missing_blob(void **state)
{
	struct fx *f = *state;
	struct arc_page_in p;
	struct arc_doc_in d;
	struct arc_source_in s;
	json_t *res = NULL;
	struct arc_query q = {NULL, NULL, ARC_SORT_RELEVANCE, 20, 0, 0};
	char msg[256];
	char orig[DOS_SHA256_HEX];

	assert_int_equal(arc_blob_put(f->a, "o4", 2, orig), DOS_OK);
	memset(&p, 0, sizeof(p));
	p.processed = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	p.thumb = p.processed;
	p.text = "";
	memset(&d, 0, sizeof(d));
	d.pages = &p;
	d.npages = 1;
	memset(&s, 0, sizeof(s));
	s.name = "x";
	s.sha256 = orig;
	s.format = "png";
	s.npages = 1;
	s.docs = &d;
	s.ndocs = 1;
	assert_int_equal(arc_source_commit(f->a, &s), DOS_CORRUPT);
	/* nothing half-stored */
	assert_int_equal(arc_search(f->a, &q, &res, msg, sizeof(msg)), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
}

static void
verify_detects_changed_blob(void **state)
{
	struct fx *f = *state;
	json_t *rep = NULL;
	char path[4096];
	FILE *fp;

	commit_sample(f, "original-5", "text");
	assert_int_equal(arc_verify(f->a, &rep), DOS_OK);
	json_decref(rep);
	snprintf(path, sizeof(path), "%s/blobs/%.2s/%s", f->dir, f->proc,
		 f->proc);
	assert_non_null(fp = fopen(path, "r+"));
	fputc('X', fp);
	fclose(fp);
	assert_int_equal(arc_verify(f->a, &rep), DOS_CORRUPT);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(rep, "problems"), 0),
			"object")),
		f->proc);
	json_decref(rep);
}

static void
verify_detects_edited_audit_entry(void **state)
{
	struct fx *f = *state;
	json_t *rep = NULL;
	char path[4096];
	sqlite3 *db;

	assert_int_equal(arc_audit(f->a, "alice", "view", "document 1", ""),
			 DOS_OK);
	assert_int_equal(arc_audit(f->a, "bob", "search", "", "loan"), DOS_OK);
	assert_int_equal(arc_audit(f->a, "carol", "view", "document 2", ""),
			 DOS_OK);
	assert_int_equal(arc_verify(f->a, &rep), DOS_OK);
	json_decref(rep);
	snprintf(path, sizeof(path), "%s/catalogue.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE audit SET actor = 'mallory' "
					  "WHERE actor = 'bob'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(arc_verify(f->a, &rep), DOS_CORRUPT);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(rep, "problems"), 0),
			"object")),
		"audit:2");
	json_decref(rep);

	/* removing an entry breaks the chain at the next one */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM audit WHERE id = 2",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(arc_verify(f->a, &rep), DOS_CORRUPT);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(rep, "problems"), 0),
			"object")),
		"audit:3");
	json_decref(rep);
}

static void
reopen_keeps_schema_version(void **state)
{
	struct fx *f = *state;
	struct arc *b = NULL;

	assert_int_equal(arc_open(f->dir, 0, &b), DOS_OK);
	arc_close(b);
	assert_int_equal(arc_open("/nonexistent/archive", 0, &b), DOS_NOTFOUND);
	assert_null(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			blob_is_content_addressed_and_idempotent, setup,
			teardown),
		cmocka_unit_test_setup_teardown(committed_document_reads_back,
						setup, teardown),
		cmocka_unit_test_setup_teardown(search_finds_by_word_and_filters,
						setup, teardown),
		cmocka_unit_test_setup_teardown(same_source_twice_is_a_conflict,
						setup, teardown),
		cmocka_unit_test_setup_teardown(commit_refuses_missing_blob,
						setup, teardown),
		cmocka_unit_test_setup_teardown(verify_detects_changed_blob,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			verify_detects_edited_audit_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(reopen_keeps_schema_version,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
