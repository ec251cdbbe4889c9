/*
 * test_export.c: the export side of the archive (signing key, listing
 * without a hit limit, reason and permission checks, the audit log of a
 * period) and exp_bundle / exp_verify on small archives and on hostile
 * files.
 */
#include "archive/fixture.h"

#include <sys/stat.h>

#include <sodium.h>
#include <zip.h>

#include "dossier/export.h"

struct env {
	char *dir;
	struct arc *a;
	struct arc_user local;
	int64_t batch;
};

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	assert_int_equal(dos_crypto_init(), DOS_OK);
	e->dir = test_tmpdir();
	assert_int_equal(arc_open(e->dir, ARC_CREATE, &e->a), DOS_OK);
	assert_int_equal(arc_batch_begin(e->a, "clerk", &e->batch), DOS_OK);
	arc_user_local(&e->local);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	arc_close(e->a);
	test_rmtree(e->dir);
	free(e->dir);
	free(e);
	return 0;
}

static void
key_is_made_once_and_signs(void **state)
{
	struct env *e = *state;
	unsigned char pk[ARC_KEY_PUBLIC_BYTES], pk2[ARC_KEY_PUBLIC_BYTES];
	unsigned char sig[ARC_SIGNATURE_BYTES];
	char path[512];
	struct stat sb;
	struct arc *ro = NULL;

	assert_int_equal(arc_key_public(e->a, pk), DOS_OK);
	assert_int_equal(arc_key_public(e->a, pk2), DOS_OK);
	assert_memory_equal(pk, pk2, sizeof(pk));
	assert_int_equal(arc_sign(e->a, "abc", 3, sig), DOS_OK);
	assert_int_equal(crypto_sign_verify_detached(
				 sig, (const unsigned char *)"abc", 3, pk),
			 0);
	assert_int_not_equal(crypto_sign_verify_detached(
				     sig, (const unsigned char *)"abd", 3, pk),
			     0);
	snprintf(path, sizeof(path), "%s/signing.key", e->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* A damaged key file is refused, not used. */
	assert_int_equal(truncate(path, 10), 0);
	assert_int_equal(arc_key_public(e->a, pk2), DOS_CORRUPT);
	assert_int_equal(unlink(path), 0);
	/* A read-only archive makes no key. */
	assert_int_equal(arc_open(e->dir, ARC_READONLY, &ro), DOS_OK);
	assert_int_equal(arc_key_public(ro, pk2), DOS_NOTFOUND);
	arc_close(ro);
}

static void
export_needs_reason_and_permission(void **state)
{
	struct env *e = *state;
	struct arc_export *x = NULL;
	struct arc_user staff;
	char msg[256];

	assert_int_equal(arc_export_begin(e->a, &e->local, "q", "", &x, msg,
					  sizeof(msg)),
			 DOS_INVAL);
	assert_string_equal(msg, "an export needs a reason (it is recorded "
				 "in the audit log with the query)");
	assert_int_equal(arc_export_begin(e->a, &e->local, "q", " \t", &x,
					  msg, sizeof(msg)),
			 DOS_INVAL);
	assert_null(x);
	memset(&staff, 0, sizeof(staff));
	snprintf(staff.name, sizeof(staff.name), "ann");
	snprintf(staff.role, sizeof(staff.role), "staff");
	snprintf(staff.scope, sizeof(staff.scope), "own");
	staff.actions = (1u << ARC_SEARCH) | (1u << ARC_VIEW) |
			(1u << ARC_DOWNLOAD);
	assert_int_equal(arc_export_begin(e->a, &staff, "q", "audit", &x, msg,
					  sizeof(msg)),
			 DOS_PERM);
	assert_string_equal(msg, "the staff role may not export");
}

static void
list_has_no_hit_limit_and_is_in_number_order(void **state)
{
	struct env *e = *state;
	struct fx_doc fd = {.account = "ACC-1", .category = "CREDIT"};
	struct fx_doc rv = {.account = "ACC-1", .category = "CREDIT",
			    .status = "review"};
	struct arc_export_sel sel = {0};
	struct arc_export *x = NULL;
	json_t *m = NULL;
	int64_t *ids = NULL;
	char msg[256];
	size_t n = 0, i;
	int k;

	for (k = 0; k < 150; k++)
		fx_commit(e->a, e->batch, "clerk", k, &fd);
	fx_commit(e->a, e->batch, "clerk", 999, &rv);
	assert_int_equal(arc_export_begin(e->a, &e->local, "all", "test", &x,
					  msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_export_list(x, &sel, &ids, &n, msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(n, 150); /* the one in review is left out */
	for (i = 1; i < n; i++)
		assert_true(ids[i] > ids[i - 1]);
	assert_int_equal(arc_export_doc(x, ids[0], &m, msg, sizeof(msg)),
			 DOS_OK);
	assert_string_equal(json_string_value(json_object_get(m, "category")),
			    "CREDIT");
	json_decref(m);
	free(ids);
	assert_int_equal(arc_export_end(x, 1, n, "00"), DOS_OK);
}

static void
bundle_verifies_and_is_audited_once(void **state)
{
	struct env *e = *state;
	struct fx_doc fd = {.account = "ACC-1", .category = "CREDIT"};
	struct exp_opts o = {.query = "category:CREDIT", .reason = "unit"};
	struct exp_result res;
	struct arc_audit_filter f = {.action = "export", .limit = 10};
	json_t *rep = NULL, *entries = NULL;
	unsigned char pk[ARC_KEY_PUBLIC_BYTES], other[ARC_KEY_PUBLIC_BYTES];
	char path[512], msg[256];
	int k;

	for (k = 0; k < 3; k++)
		fx_commit(e->a, e->batch, "clerk", k, &fd);
	snprintf(path, sizeof(path), "%s/out.zip", e->dir);
	assert_int_equal(exp_bundle(e->a, &e->local, &o, path, &res, msg,
				    sizeof(msg)),
			 DOS_OK);
	assert_int_equal(res.documents, 3);
	assert_int_equal(res.files, 7 + 3); /* no PDFs in the fixture */
	assert_int_equal(arc_key_public(e->a, pk), DOS_OK);
	assert_int_equal(exp_verify(path, pk, "this archive's key", &rep),
			 DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(rep, "files")),
			 10);
	json_decref(rep);
	memset(other, 7, sizeof(other));
	assert_int_equal(exp_verify(path, other, "this archive's key", &rep),
			 DOS_CORRUPT);
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(rep,
								 "faults"),
						 0)),
		"public_key.txt: the bundle is signed with a key that is not "
		"this archive's key");
	/* The signature is checked with the trusted key, not the bundle's. */
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(rep,
								 "faults"),
						 1)),
		"manifest signature does not verify with this archive's key: "
		"manifest.json was changed or signed with another key");
	json_decref(rep);
	assert_int_equal(arc_audit_list(e->a, &e->local, &f, &entries, msg,
					 sizeof(msg)),
			 DOS_OK);
	assert_int_equal(json_array_size(entries), 1);
	json_decref(entries);
	/* A bad query fails before anything is written. */
	o.query = "date:2024-13";
	snprintf(path, sizeof(path), "%s/bad.zip", e->dir);
	assert_int_not_equal(exp_bundle(e->a, &e->local, &o, path, &res, msg,
					sizeof(msg)),
			     DOS_OK);
	assert_int_equal(access(path, F_OK), -1);
}

/* Writes a ZIP holding the given entries (name, text pairs). */
static void
write_zip(const char *path, const char *const *entries, int n)
{
	zip_t *za;
	int ze, i;

	assert_non_null(za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze));
	for (i = 0; i < n; i += 2) {
		zip_source_t *s = zip_source_buffer(za, entries[i + 1],
						    strlen(entries[i + 1]), 0);
		assert_true(zip_file_add(za, entries[i], s, 0) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
}

static const char *
first_fault(const char *path, enum dos_err want)
{
	static char s[512];
	json_t *rep = NULL;

	assert_int_equal(exp_verify(path, NULL, NULL, &rep), want);
	snprintf(s, sizeof(s), "%s",
		 json_string_value(json_array_get(
			 json_object_get(rep, "faults"), 0)));
	json_decref(rep);
	return s;
}

static void
verify_refuses_hostile_files(void **state)
{
	struct env *e = *state;
	const char *const nomanifest[] = {"a.txt", "x"};
	const char *const notjson[] = {"manifest.json", "{not json",
				       "manifest.sig", "AAAA",
				       "public_key.txt", "nope"};
	char path[512], want[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/none.zip", e->dir);
	snprintf(want, sizeof(want), "%s: no such file", path);
	assert_string_equal(first_fault(path, DOS_FORMAT), want);
	snprintf(path, sizeof(path), "%s/empty.zip", e->dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	assert_true(strstr(first_fault(path, DOS_FORMAT), "ZIP") != NULL);
	snprintf(path, sizeof(path), "%s/junk.zip", e->dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("PK\003\004 this is not really a zip file at all", f);
	fclose(f);
	assert_true(strstr(first_fault(path, DOS_FORMAT), "ZIP") != NULL);
	snprintf(path, sizeof(path), "%s/nomanifest.zip", e->dir);
	write_zip(path, nomanifest, 2);
	assert_string_equal(first_fault(path, DOS_CORRUPT),
			    "missing file: manifest.json");
	snprintf(path, sizeof(path), "%s/notjson.zip", e->dir);
	write_zip(path, notjson, 6);
	assert_string_equal(first_fault(path, DOS_CORRUPT),
			    "public_key.txt: not an Ed25519 public key");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(key_is_made_once_and_signs,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			export_needs_reason_and_permission, setup, teardown),
		cmocka_unit_test_setup_teardown(
			list_has_no_hit_limit_and_is_in_number_order, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			bundle_verifies_and_is_audited_once, setup, teardown),
		cmocka_unit_test_setup_teardown(verify_refuses_hostile_files,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
