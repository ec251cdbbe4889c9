/*
 * test_access.c: who may do what, through the library.  A permission
 * matrix (every role against documents in and out of their scope, for
 * every action), search totals and facets that never count what a user
 * may not read, borrowing (request, approval, use, expiry), the two-person
 * rule, the searchable flag, and audited denials.
 */
#include "fixture.h"

#include <sqlite3.h>

#include "dossier/archive.h"

struct fx {
	char *dir;
	struct arc *a;
	struct arc_user local;
	int64_t batch, own, south, secret, hidden, loose;
	int n;
};

/* Commits a one-page CREDIT document under account (may be NULL). */
static int64_t
doc(struct fx *f, const char *account, const char *text)
{
	struct fx_doc d = {account, "CREDIT", NULL, NULL, NULL, text};

	return fx_commit(f->a, f->batch, "cle", ++f->n, &d);
}

static void
customer(struct fx *f, const char *number, const char *account,
	 const char *unit, const char *manager)
{
	fx_customer(f->a, &f->local, number, "individual", account, unit,
		    manager);
}

static void
user(struct fx *f, const char *name, const char *role, const char *unit)
{
	struct arc_user_in in;
	char msg[256];

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.role = role;
	in.unit = unit;
	in.password = "password-123";
	assert_int_equal(arc_user_add(f->a, &f->local, &in, msg, sizeof(msg)),
			 DOS_OK);
}

static void
edit(struct fx *f, int64_t id, const char *key, const char *value)
{
	json_t *ch = json_pack("{s:s}", key, value);
	char msg[256];

	assert_int_equal(arc_doc_edit(f->a, &f->local, id, ch, "classify",
				      msg, sizeof(msg)),
			 DOS_OK);
	json_decref(ch);
}

/*
 * Customers N-1 (unit north, managed by ann) and S-1 (unit south); the
 * clerk cle ran the batch.  Documents: own (N-1), south (S-1), secret and
 * hidden (N-1, secret / not searchable), loose (no customer).
 */
static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_int_equal(dos_crypto_init(), DOS_OK);
	f->dir = test_tmpdir();
	assert_int_equal(arc_open(f->dir, ARC_CREATE, &f->a), DOS_OK);
	arc_user_local(&f->local);
	assert_int_equal(arc_batch_begin(f->a, "cle", &f->batch), DOS_OK);
	customer(f, "N-1", "ACC-N1", "north", "ann");
	customer(f, "S-1", "ACC-S1", "south", "zed");
	user(f, "ann", "staff", "north");
	user(f, "bob", "staff", "north");
	user(f, "mia", "manager", "north");
	user(f, "sam", "manager", "south");
	user(f, "aud", "auditor", NULL);
	user(f, "cle", "clerk", "north");
	user(f, "adm", "admin", NULL);
	f->own = doc(f, "ACC-N1", "loan agreement one");
	f->south = doc(f, "ACC-S1", "loan agreement two");
	f->secret = doc(f, "ACC-N1", "loan agreement three");
	f->hidden = doc(f, "ACC-N1", "loan agreement four");
	f->loose = doc(f, NULL, "loan agreement five");
	edit(f, f->secret, "confidentiality", "secret");
	edit(f, f->hidden, "searchable", "no");
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

static struct arc_user
load(struct fx *f, const char *name)
{
	struct arc_user u;

	assert_int_equal(arc_user_load(f->a, name, &u), DOS_OK);
	return u;
}

static int
may(struct fx *f, const char *name, enum arc_action act, int64_t id)
{
	struct arc_user u = load(f, name);
	char why[512];
	enum dos_err err = arc_may(f->a, &u, act, id ? ARC_OBJ_DOC
						     : ARC_OBJ_NONE,
				   id, why, sizeof(why));

	assert_true(err == DOS_OK || err == DOS_PERM);
	if (err == DOS_PERM)
		assert_true(why[0] != '\0');
	return err == DOS_OK;
}

/*
 * The matrix: for each user and action, the expected answer on the
 * documents own, south, secret, hidden, loose (1 allow, 0 deny), or for
 * actions on no document (search, purge, read audit) one answer.
 */
static void
permission_matrix(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *user;
		enum arc_action act;
		int want[5];
	} m[] = {
		/* staff ann manages N-1: its documents up to internal */
		{"ann", ARC_VIEW, {1, 0, 0, 1, 0}},
		{"ann", ARC_DOWNLOAD, {1, 0, 0, 1, 0}},
		{"ann", ARC_EDIT, {1, 0, 0, 1, 0}},
		{"ann", ARC_DELETE_REQUEST, {1, 0, 0, 1, 0}},
		{"ann", ARC_EXPORT, {0, 0, 0, 0, 0}},
		{"ann", ARC_APPROVE, {0, 0, 0, 0, 0}},
		/* staff bob manages nobody */
		{"bob", ARC_VIEW, {0, 0, 0, 0, 0}},
		/* manager mia: unit north up to confidential */
		{"mia", ARC_VIEW, {1, 0, 0, 1, 0}},
		{"mia", ARC_APPROVE, {1, 0, 0, 1, 0}},
		{"mia", ARC_EDIT, {1, 0, 0, 1, 0}},
		{"mia", ARC_EXPORT, {0, 0, 0, 0, 0}},
		/* manager sam: unit south */
		{"sam", ARC_VIEW, {0, 1, 0, 0, 0}},
		{"sam", ARC_APPROVE, {0, 1, 0, 0, 0}},
		/* auditor: everything, read-only */
		{"aud", ARC_VIEW, {1, 1, 1, 1, 1}},
		{"aud", ARC_DOWNLOAD, {1, 1, 1, 1, 1}},
		{"aud", ARC_EXPORT, {1, 1, 1, 1, 1}},
		{"aud", ARC_EDIT, {0, 0, 0, 0, 0}},
		{"aud", ARC_DELETE_REQUEST, {0, 0, 0, 0, 0}},
		{"aud", ARC_APPROVE, {0, 0, 0, 0, 0}},
		/* clerk: the documents of their own batch, up to internal */
		{"cle", ARC_VIEW, {1, 1, 0, 1, 1}},
		{"cle", ARC_EDIT, {1, 1, 0, 1, 1}},
		{"cle", ARC_DOWNLOAD, {0, 0, 0, 0, 0}},
		{"cle", ARC_DELETE_REQUEST, {0, 0, 0, 0, 0}},
		/* admin: no document content */
		{"adm", ARC_VIEW, {0, 0, 0, 0, 0}},
		{"adm", ARC_EDIT, {0, 0, 0, 0, 0}},
	};
	static const struct {
		const char *user;
		enum arc_action act;
		int want;
	} g[] = {
		{"ann", ARC_SEARCH, 1},	   {"ann", ARC_PURGE, 0},
		{"ann", ARC_AUDIT_READ, 0}, {"mia", ARC_AUDIT_READ, 0},
		{"mia", ARC_PURGE, 0},	   {"aud", ARC_AUDIT_READ, 1},
		{"aud", ARC_PURGE, 0},	   {"adm", ARC_PURGE, 1},
		{"adm", ARC_SEARCH, 0},	   {"adm", ARC_AUDIT_READ, 0},
		{"cle", ARC_SEARCH, 1},	   {"cle", ARC_INGEST, 1},
		{"ann", ARC_INGEST, 0},	   {"adm", ARC_ADMIN, 1},
		{"mia", ARC_ADMIN, 0},	   {"mia", ARC_REPORT, 1},
		{"aud", ARC_REPORT, 1},	   {"ann", ARC_REPORT, 0},
		{"cle", ARC_REVIEW, 1},	   {"ann", ARC_REVIEW, 0},
	};
	int64_t ids[5];
	size_t i, k;

	ids[0] = f->own;
	ids[1] = f->south;
	ids[2] = f->secret;
	ids[3] = f->hidden;
	ids[4] = f->loose;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		for (k = 0; k < 5; k++)
			if (may(f, m[i].user, m[i].act, ids[k]) !=
			    m[i].want[k]) {
				print_message("%s %s document %zu: want %d\n",
					      m[i].user,
					      arc_action_name(m[i].act), k,
					      m[i].want[k]);
				fail();
			}
	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		if (may(f, g[i].user, g[i].act, 0) != g[i].want) {
			print_message("%s %s: want %d\n", g[i].user,
				      arc_action_name(g[i].act), g[i].want);
			fail();
		}
}

/* Total and CREDIT facet of a search for "loan" as user. */
static long long
found(struct fx *f, const struct arc_user *u, long long *pfacet)
{
	struct arc_node w = {ARC_N_WORDS, ARC_F_TEXT, NULL, NULL, "loan",
			     NULL, NULL, 0, 0, 0};
	struct arc_query q = {&w, u, ARC_SORT_RELEVANCE, 20, 0, 1};
	json_t *r, *h;
	char msg[256];
	long long total;
	size_t i;

	assert_int_equal(arc_search(f->a, &q, &r, msg, sizeof(msg)), DOS_OK);
	total = (long long)json_integer_value(json_object_get(r, "total"));
	*pfacet = (long long)json_integer_value(json_object_get(
		json_object_get(json_object_get(r, "facets"), "category"),
		"CREDIT"));
	assert_int_equal(json_array_size(json_object_get(r, "hits")),
			 (size_t)total);
	/* Every hit is one the user may view. */
	json_array_foreach(json_object_get(r, "hits"), i, h) {
		char why[256];

		assert_int_equal(arc_may(f->a, u, ARC_VIEW, ARC_OBJ_DOC,
					 (int64_t)json_integer_value(
						 json_object_get(h, "id")),
					 why, sizeof(why)),
				 DOS_OK);
	}
	json_decref(r);
	return total;
}

static void
search_counts_only_what_may_be_read(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *user;
		long long total;
	} want[] = {
		{"ann", 1}, /* own; hidden is not searchable for staff */
		{"bob", 0}, {"mia", 2}, /* own, hidden (managers find it) */
		{"sam", 1}, {"aud", 5}, {"cle", 3}, /* not secret, hidden */
	};
	struct arc_user u;
	long long facet;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		u = load(f, want[i].user);
		assert_int_equal(found(f, &u, &facet), want[i].total);
		assert_int_equal(facet, want[i].total);
	}
	assert_int_equal(found(f, &f->local, &facet), 5);
	/* An admin may not search at all, and that is recorded. */
	{
		struct arc_node w = {ARC_N_WORDS, ARC_F_TEXT, NULL, NULL,
				     "loan", NULL, NULL, 0, 0, 0};
		struct arc_query q = {&w, NULL, ARC_SORT_RELEVANCE, 20, 0, 0};
		json_t *r = NULL;
		char msg[256];

		u = load(f, "adm");
		q.user = &u;
		assert_int_equal(arc_search(f->a, &q, &r, msg, sizeof(msg)),
				 DOS_PERM);
		assert_null(r);
		assert_string_equal(msg, "the admin role may not search");
	}
}

static int
audited(struct fx *f, const char *actor, const char *action)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char path[4096];
	int n;

	snprintf(path, sizeof(path), "%s/catalogue.db", f->dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
					 NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT count(*) FROM audit WHERE "
					    "actor = ? AND action = ?",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void
denials_are_audited_and_views_too(void **state)
{
	struct fx *f = *state;
	struct arc_user u = load(f, "bob");
	json_t *d = NULL;
	char msg[512];

	assert_int_equal(arc_doc_get(f->a, &u, f->own, &d, msg, sizeof(msg)),
			 DOS_PERM);
	assert_null(d);
	assert_non_null(strstr(msg, "only the dossiers of customers they "
				    "manage"));
	assert_int_equal(audited(f, "bob", "deny"), 1);
	u = load(f, "ann");
	assert_int_equal(arc_doc_get(f->a, &u, f->own, &d, msg, sizeof(msg)),
			 DOS_OK);
	json_decref(d);
	assert_int_equal(audited(f, "ann", "view"), 1);
	/* Unknown documents are not found, not refused. */
	assert_int_equal(arc_doc_get(f->a, &u, 9999, &d, msg, sizeof(msg)),
			 DOS_NOTFOUND);
}

static void
borrowing_request_approve_use_expire(void **state)
{
	struct fx *f = *state;
	struct arc_user bob = load(f, "bob"), mia = load(f, "mia");
	struct arc_user sam = load(f, "sam");
	int64_t cust, gid, gid2;
	long long facet;
	char msg[512];
	json_t *list;
	int n;

	assert_int_equal(arc_customer_id(f->a, "N-1", &cust), DOS_OK);
	assert_false(may(f, "bob", ARC_VIEW, f->own));
	assert_int_equal(arc_grant_request(f->a, &bob, ARC_OBJ_CUSTOMER, cust,
					   "", 5, &gid, msg, sizeof(msg)),
			 DOS_INVAL);
	assert_int_equal(arc_grant_request(f->a, &bob, ARC_OBJ_CUSTOMER, cust,
					   "complaint 7 follow-up", 5, &gid,
					   msg, sizeof(msg)),
			 DOS_OK);
	/* Still nothing until a manager decides. */
	assert_false(may(f, "bob", ARC_VIEW, f->own));
	/* The requester cannot approve; a manager of another unit neither. */
	assert_int_equal(arc_grant_decide(f->a, &bob, gid, 1, NULL, msg,
					  sizeof(msg)),
			 DOS_PERM);
	assert_int_equal(arc_grant_decide(f->a, &sam, gid, 1, NULL, msg,
					  sizeof(msg)),
			 DOS_PERM);
	assert_int_equal(arc_grant_decide(f->a, &mia, gid, 1, "ok", msg,
					  sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_grant_decide(f->a, &mia, gid, 1, "ok", msg,
					  sizeof(msg)),
			 DOS_CONFLICT);
	/* Borrowed: view and download, and search finds it; no edit, and
	 * the secret document stays out of reach. */
	assert_true(may(f, "bob", ARC_VIEW, f->own));
	assert_true(may(f, "bob", ARC_DOWNLOAD, f->own));
	assert_false(may(f, "bob", ARC_EDIT, f->own));
	assert_false(may(f, "bob", ARC_VIEW, f->secret));
	assert_false(may(f, "bob", ARC_VIEW, f->south));
	assert_int_equal(found(f, &bob, &facet), 1);
	/* A refused request gives nothing. */
	assert_int_equal(arc_grant_request(f->a, &bob, ARC_OBJ_DOC, f->south,
					   "audit sample", 1, &gid2, msg,
					   sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_grant_decide(f->a, &sam, gid2, 0, "no", msg,
					  sizeof(msg)),
			 DOS_OK);
	assert_false(may(f, "bob", ARC_VIEW, f->south));
	assert_int_equal(arc_grant_list(f->a, &bob, &list), DOS_OK);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
	/* Time passes: the grant ends by itself, and the expiry is
	 * recorded. */
	{
		sqlite3 *db;
		char path[4096];

		snprintf(path, sizeof(path), "%s/catalogue.db", f->dir);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db,
					      "UPDATE access_grant SET until ="
					      " '2000-01-01T00:00:00Z' WHERE"
					      " status = 'approved'",
					      NULL, NULL, NULL),
				 SQLITE_OK);
		sqlite3_close(db);
	}
	assert_false(may(f, "bob", ARC_VIEW, f->own));
	assert_int_equal(found(f, &bob, &facet), 0);
	assert_int_equal(arc_grant_expire(f->a, &n), DOS_OK);
	assert_int_equal(n, 1);
	assert_int_equal(audited(f, "dossier", "grant.expire"), 1);
	assert_int_equal(audited(f, "bob", "grant.request"), 2);
	assert_int_equal(audited(f, "mia", "grant.approve"), 1);
	assert_int_equal(audited(f, "sam", "grant.refuse"), 1);
}

static void
deletion_needs_a_second_person(void **state)
{
	struct fx *f = *state;
	struct arc_user mia = load(f, "mia"), ann = load(f, "ann");
	struct arc_user sam = load(f, "sam");
	char msg[512];

	assert_int_equal(arc_delete_request(f->a, &mia, f->own, "duplicate",
					    msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_delete_approve(f->a, &mia, f->own, 0, msg,
					    sizeof(msg)),
			 DOS_PERM);
	assert_non_null(strstr(msg, "second person"));
	/* Staff may not approve; a manager of another unit may not
	 * either. */
	assert_int_equal(arc_delete_approve(f->a, &ann, f->own, 0, msg,
					    sizeof(msg)),
			 DOS_PERM);
	assert_int_equal(arc_delete_approve(f->a, &sam, f->own, 0, msg,
					    sizeof(msg)),
			 DOS_PERM);
	{
		struct arc_user mia2;
		struct arc_user_in in;

		memset(&in, 0, sizeof(in));
		in.name = "mia2";
		in.role = "manager";
		in.unit = "north";
		in.password = "password-123";
		assert_int_equal(arc_user_add(f->a, &f->local, &in, msg,
					      sizeof(msg)),
				 DOS_OK);
		mia2 = load(f, "mia2");
		assert_int_equal(arc_delete_approve(f->a, &mia2, f->own, 0,
						    msg, sizeof(msg)),
				 DOS_OK);
	}
}

static void
searchable_flag_hides_from_search_not_from_view(void **state)
{
	struct fx *f = *state;
	struct arc_user ann = load(f, "ann"), mia = load(f, "mia");
	long long facet;

	/* ann may open the hidden document, but search never shows it. */
	assert_true(may(f, "ann", ARC_VIEW, f->hidden));
	assert_int_equal(found(f, &ann, &facet), 1);
	assert_int_equal(found(f, &mia, &facet), 2);
	edit(f, f->hidden, "searchable", "yes");
	assert_int_equal(found(f, &ann, &facet), 2);
}

static void
roles_can_be_added(void **state)
{
	struct fx *f = *state;
	struct arc_user adm = load(f, "adm"), mia = load(f, "mia");
	struct arc_user_in in;
	char msg[512];

	assert_int_equal(arc_role_add(f->a, &mia, "reviewer", "view",
				      "unit", 0, 1, msg, sizeof(msg)),
			 DOS_PERM);
	assert_int_equal(arc_role_add(f->a, &adm, "reviewer", "view,fly",
				      "unit", 0, 1, msg, sizeof(msg)),
			 DOS_INVAL);
	assert_string_equal(msg, "unknown action 'fly' (actions: search, "
				 "view, download, export, edit, "
				 "delete_request, approve, purge, audit_read, "
				 "ingest, review, admin, report, dispose)");
	assert_int_equal(arc_role_add(f->a, &adm, "reviewer", "search,view",
				      "unit", 0, 1, msg, sizeof(msg)),
			 DOS_OK);
	memset(&in, 0, sizeof(in));
	in.name = "rev";
	in.role = "reviewer";
	in.unit = "south";
	in.password = "password-123";
	assert_int_equal(arc_user_add(f->a, &adm, &in, msg, sizeof(msg)),
			 DOS_OK);
	assert_true(may(f, "rev", ARC_VIEW, f->south));
	assert_false(may(f, "rev", ARC_VIEW, f->own));
	assert_false(may(f, "rev", ARC_DOWNLOAD, f->south));
	/* Only an administrator adds users. */
	in.name = "eve";
	assert_int_equal(arc_user_add(f->a, &mia, &in, msg, sizeof(msg)),
			 DOS_PERM);
}

/* Adds name with a category limit and clearance (either may be NULL). */
static void
user_limited(struct fx *f, const char *name, const char *role,
	     const char *unit, const char *categories, const char *clearance)
{
	struct arc_user_in in;
	char msg[256];

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.role = role;
	in.unit = unit;
	in.categories = categories;
	in.clearance = clearance;
	in.password = "password-123";
	assert_int_equal(arc_user_add(f->a, &f->local, &in, msg, sizeof(msg)),
			 DOS_OK);
}

/*
 * A whole-customer grant lends what its approver may see: a manager
 * limited to CREDIT, cleared to confidential, lends N-1's CREDIT papers
 * up to confidential, not its CONTRACT file nor its secret paper, even to
 * a borrower cleared to secret; the approval says so.
 */
static void
dossier_grant_lends_what_its_approver_sees(void **state)
{
	struct fx *f = *state;
	struct fx_doc cd = {"ACC-N1", "CONTRACT", NULL, NULL, NULL,
			    "contract text"};
	struct arc_user sol, cre;
	int64_t cust, gid, contract;
	char msg[512];
	json_t *list;

	contract = fx_commit(f->a, f->batch, "cle", ++f->n, &cd);
	user_limited(f, "cre", "manager", "north", "CREDIT", "confidential");
	user_limited(f, "sol", "staff", "south", NULL, "secret");
	sol = load(f, "sol");
	cre = load(f, "cre");
	assert_int_equal(arc_customer_id(f->a, "N-1", &cust), DOS_OK);
	assert_int_equal(arc_grant_request(f->a, &sol, ARC_OBJ_CUSTOMER, cust,
					   "complaint 9", 3, &gid, msg,
					   sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_grant_decide(f->a, &cre, gid, 1, NULL, msg,
					  sizeof(msg)),
			 DOS_OK);
	assert_non_null(strstr(msg, "sol may read customer N-1's documents "
				    "of category CREDIT, up to confidential, "
				    "until "));
	assert_true(may(f, "sol", ARC_VIEW, f->own));
	assert_false(may(f, "sol", ARC_VIEW, contract));
	assert_false(may(f, "sol", ARC_VIEW, f->secret));
	assert_false(may(f, "sol", ARC_DOWNLOAD, contract));
	assert_int_equal(arc_grant_list(f->a, &sol, &list), DOS_OK);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(list, 0), "covers")),
			    "documents of category CREDIT, up to confidential");
	json_decref(list);
}

/*
 * Who sees a document (its confidentiality, its searchable flag, the
 * customer it belongs to) is changed only by a manager of its unit.
 */
static void
reach_changes_need_a_manager_of_the_unit(void **state)
{
	struct fx *f = *state;
	struct arc_user cle = load(f, "cle"), ann = load(f, "ann");
	struct arc_user mia = load(f, "mia"), sam = load(f, "sam");
	json_t *ch;
	char msg[512];

#define TRY(u, id, k, v, want)                                              \
	do {                                                                \
		ch = json_pack("{s:s}", k, v);                              \
		assert_int_equal(arc_doc_edit(f->a, &u, id, ch, "reclassify",  \
					      msg, sizeof(msg)),             \
				 want);                                     \
		json_decref(ch);                                            \
	} while (0)
	TRY(cle, f->own, "confidentiality", "public", DOS_PERM);
	assert_string_equal(msg, "only a manager of the document's unit may "
				 "change its confidentiality; cle is a clerk");
	TRY(cle, f->own, "searchable", "no", DOS_PERM);
	TRY(cle, f->own, "account", "ACC-S1", DOS_PERM);
	assert_string_equal(msg, "only a manager of the document's unit may "
				 "move it to another customer; cle is a clerk");
	TRY(ann, f->own, "confidentiality", "confidential", DOS_PERM);
	assert_string_equal(msg, "only a manager of the document's unit may "
				 "change its confidentiality; ann is a member "
				 "of staff");
	TRY(sam, f->own, "confidentiality", "public", DOS_PERM);
	assert_int_equal(audited(f, "cle", "deny"), 3);
	/* The same value again is no change; other fields are the clerk's;
	 * a document of no customer yet is filed by her. */
	ch = json_pack("{s:s,s:s}", "confidentiality", "internal", "title",
		       "Loan agreement");
	assert_int_equal(arc_doc_edit(f->a, &cle, f->own, ch, "retitle", msg,
				      sizeof(msg)),
			 DOS_OK);
	json_decref(ch);
	TRY(cle, f->loose, "account", "ACC-S1", DOS_OK);
	TRY(mia, f->own, "confidentiality", "confidential", DOS_OK);
	TRY(mia, f->own, "searchable", "no", DOS_OK);
	TRY(mia, f->own, "account", "ACC-S1", DOS_OK);
#undef TRY
}

/* Counts the entries fn is given (arc_audit_export's callback). */
static enum dos_err
count_entry(void *arg, const json_t *entry)
{
	const char *actor = json_string_value(json_object_get(entry,
							      "actor"));
	const char *obj = json_string_value(json_object_get(entry, "object"));
	int *n = arg;

	if (strcmp(actor, "sam") == 0 && strstr(obj, "document") == obj)
		n[0]++;
	if (strcmp(actor, "ann") == 0)
		n[1]++;
	return DOS_OK;
}

/*
 * An auditor limited to a unit reads the entries about the unit's
 * documents, customers and users, and those its users made; not the
 * other unit's.
 */
static void
unit_auditor_reads_the_units_log(void **state)
{
	struct fx *f = *state;
	struct arc_user sam = load(f, "sam"), ann = load(f, "ann");
	struct arc_user aud = load(f, "aud"), aun;
	struct arc_audit_filter flt;
	json_t *d = NULL, *list, *e;
	char msg[512];
	size_t k, n;
	int south = 0, north = 0, seen[2] = {0, 0};

	user(f, "aun", "auditor", "north");
	aun = load(f, "aun");
	assert_int_equal(arc_doc_get(f->a, &sam, f->south, &d, msg,
				     sizeof(msg)),
			 DOS_OK);
	json_decref(d);
	assert_int_equal(arc_doc_get(f->a, &ann, f->own, &d, msg,
				     sizeof(msg)),
			 DOS_OK);
	json_decref(d);
	memset(&flt, 0, sizeof(flt));
	flt.limit = 1000;
	assert_int_equal(arc_audit_list(f->a, &aun, &flt, &list, msg,
					sizeof(msg)),
			 DOS_OK);
	json_array_foreach(list, k, e) {
		const char *actor = json_string_value(json_object_get(e,
								    "actor"));
		const char *obj = json_string_value(json_object_get(e,
								  "object"));

		if (strcmp(actor, "sam") == 0 || strcmp(obj, "S-1") == 0)
			south++;
		if (strcmp(actor, "ann") == 0 || strcmp(obj, "N-1") == 0)
			north++;
	}
	json_decref(list);
	assert_int_equal(south, 0);
	assert_int_equal(north, 2); /* N-1 added, ann's view */
	assert_int_equal(arc_audit_export(f->a, &aun, NULL, NULL, count_entry,
					  seen, &n, msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(seen[0], 0);
	assert_int_equal(seen[1], 1);
	/* An auditor of no unit reads it all. */
	memset(seen, 0, sizeof(seen));
	assert_int_equal(arc_audit_export(f->a, &aud, NULL, NULL, count_entry,
					  seen, &n, msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(seen[0], 1);
}

/* Whoever may not touch a document is told so before its state. */
static void
page_turn_checks_scope_before_state(void **state)
{
	struct fx *f = *state;
	struct arc_user ann = load(f, "ann"), mia = load(f, "mia");
	struct arc_user sam = load(f, "sam");
	char msg[512], lang[16];
	uint64_t isz, psz;
	int img, pdf;

	assert_int_equal(arc_delete_request(f->a, &ann, f->own, "twice",
					    msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_delete_approve(f->a, &mia, f->own, 30, msg,
					    sizeof(msg)),
			 DOS_OK);
	assert_int_equal(arc_page_redo_open(f->a, &sam, f->own, 1, &img, &isz,
					    &pdf, &psz, lang, sizeof(lang),
					    msg, sizeof(msg)),
			 DOS_PERM);
	assert_null(strstr(msg, "hold"));
	assert_int_equal(arc_page_redo_open(f->a, &mia, f->own, 1, &img, &isz,
					    &pdf, &psz, lang, sizeof(lang),
					    msg, sizeof(msg)),
			 DOS_CONFLICT);
	assert_string_equal(msg, "document 1 is on hold; its pages cannot "
				 "change");
}

/* The labels of what customer key lacks, for who, joined by '|'. */
static void
missing_labels(struct fx *f, const struct arc_user *who, const char *key,
	       char *out, size_t n)
{
	json_t *r = NULL, *gaps, *g;
	size_t k, len = 0;

	assert_int_equal(arc_missing(f->a, who, key, NULL, &r), DOS_OK);
	gaps = json_object_get(json_array_get(json_object_get(r, "customers"),
					      0),
			       "missing");
	out[0] = '\0';
	json_array_foreach(gaps, k, g) {
		snprintf(out + len, n - len, "%s%s", k ? "|" : "",
			 json_string_value(json_object_get(g, "label")));
		len = strlen(out);
	}
	json_decref(r);
}

/*
 * Counts are of what the reader may see: what a dossier lacks (a secret
 * credit report neither counts as held nor makes the loan papers apply
 * below secret), and the units' customers and documents.
 */
static void
counts_are_of_what_the_reader_sees(void **state)
{
	struct fx *f = *state;
	struct fx_doc cd = {"ACC-N2", "CREDIT", "credit_report", NULL, NULL,
			    "credit report"};
	struct arc_user mia = load(f, "mia"), adm = load(f, "adm");
	char got[512];
	json_t *units;
	int64_t report;

	customer(f, "N-2", "ACC-N2", "north", NULL);
	report = fx_commit(f->a, f->batch, "cle", ++f->n, &cd);
	edit(f, report, "confidentiality", "secret");
	missing_labels(f, &mia, "N-2", got, sizeof(got));
	assert_string_equal(got, "Account opening form|ID copy");
	missing_labels(f, &f->local, "N-2", got, sizeof(got));
	assert_non_null(strstr(got, "Loan contract"));
	assert_null(strstr(got, "Credit report"));
	/* mia: north's customers, and of their documents own and hidden
	 * (the secret one is above her clearance); nothing of south's. */
	assert_int_equal(arc_unit_list(f->a, &mia, &units), DOS_OK);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(units, 0), "customers")),
			 2);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(units, 0), "documents")),
			 2);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(units, 1), "customers")),
			 0);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(units, 1), "documents")),
			 0);
	json_decref(units);
	/* The administrator reaches no dossier: no counts of them. */
	assert_int_equal(arc_unit_list(f->a, &adm, &units), DOS_OK);
	assert_true(json_is_null(json_object_get(json_array_get(units, 0),
						 "documents")));
	json_decref(units);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(permission_matrix),
		T(search_counts_only_what_may_be_read),
		T(denials_are_audited_and_views_too),
		T(borrowing_request_approve_use_expire),
		T(deletion_needs_a_second_person),
		T(searchable_flag_hides_from_search_not_from_view),
		T(roles_can_be_added),
		T(dossier_grant_lends_what_its_approver_sees),
		T(reach_changes_need_a_manager_of_the_unit),
		T(unit_auditor_reads_the_units_log),
		T(page_turn_checks_scope_before_state),
		T(counts_are_of_what_the_reader_sees),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
