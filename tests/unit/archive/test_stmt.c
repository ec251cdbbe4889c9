/*
 * test_stmt.c: the statement cache of archive/ (archive/stmt.c): a text is
 * prepared once and reused; a statement given back has its bindings
 * cleared, so a value bound in one use never reaches the next; a nested
 * use of the same text gets a statement of its own; a schema change and
 * closing finalize every kept statement; the cache makes room for new
 * texts; the step helpers map engine failures to the project's errors.
 */
#include "harness.h"

#include "../../../archive/internal.h"

struct fx {
	char *dir;
	struct arc *a;
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

static const char *const sel = "SELECT ?1, ?2";

static void
prepared_once_and_reused(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *st, *first;
	long prep0, reuse0, prep, reuse;
	int kept, row, i;

	arc_stmt_counts(f->a, &prep0, &reuse0, &kept);
	assert_int_equal(arc_stmt(f->a, sel, &first), DOS_OK);
	arc_stmt_done(f->a, first);
	for (i = 0; i < 10; i++) {
		assert_int_equal(arc_stmt(f->a, sel, &st), DOS_OK);
		assert_ptr_equal(st, first);
		assert_int_equal(arc_stmt_step(f->a, st, &row), DOS_OK);
		assert_int_equal(row, 1);
		arc_stmt_done(f->a, st);
	}
	arc_stmt_counts(f->a, &prep, &reuse, &kept);
	assert_int_equal(prep - prep0, 1);
	assert_int_equal(reuse - reuse0, 10);
}

static void
bindings_cleared_between_uses(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *st;
	int row;

	assert_int_equal(arc_stmt(f->a, sel, &st), DOS_OK);
	sqlite3_bind_text(st, 1, "secret of the first use", -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, 42);
	assert_int_equal(arc_stmt_step(f->a, st, &row), DOS_OK);
	assert_int_equal(row, 1);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
			    "secret of the first use");
	/* Given back in the middle of its rows: reset all the same. */
	arc_stmt_done(f->a, st);
	assert_int_equal(arc_stmt(f->a, sel, &st), DOS_OK);
	sqlite3_bind_int(st, 2, 7);
	assert_int_equal(arc_stmt_step(f->a, st, &row), DOS_OK);
	assert_int_equal(row, 1);
	/* ?1 was not bound this time: NULL, not the last use's value. */
	assert_int_equal(sqlite3_column_type(st, 0), SQLITE_NULL);
	assert_int_equal(sqlite3_column_int(st, 1), 7);
	assert_int_equal(arc_stmt_step(f->a, st, &row), DOS_OK);
	assert_int_equal(row, 0);
	arc_stmt_done(f->a, st);
}

static void
nested_use_gets_its_own(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *outer, *inner, *again;
	long prep0, reuse0, prep, reuse;
	int kept, row;

	assert_int_equal(arc_stmt(f->a, sel, &outer), DOS_OK);
	sqlite3_bind_int(outer, 1, 1);
	assert_int_equal(arc_stmt_step(f->a, outer, &row), DOS_OK);
	arc_stmt_counts(f->a, &prep0, &reuse0, &kept);
	assert_int_equal(arc_stmt(f->a, sel, &inner), DOS_OK);
	assert_ptr_not_equal(inner, outer);
	sqlite3_bind_int(inner, 1, 2);
	assert_int_equal(arc_stmt_step(f->a, inner, &row), DOS_OK);
	assert_int_equal(sqlite3_column_int(inner, 0), 2);
	/* The outer use still sees its own row. */
	assert_int_equal(sqlite3_column_int(outer, 0), 1);
	arc_stmt_done(f->a, inner); /* finalized, not kept */
	arc_stmt_done(f->a, outer);
	arc_stmt_counts(f->a, &prep, &reuse, &kept);
	assert_int_equal(prep - prep0, 1);
	assert_int_equal(arc_stmt(f->a, sel, &again), DOS_OK);
	assert_ptr_equal(again, outer);
	arc_stmt_done(f->a, again);
	arc_stmt_done(f->a, NULL); /* NULL-safe */
}

/* Whether st is still a live statement of the connection. */
static int
live(struct arc *a, sqlite3_stmt *st)
{
	sqlite3_stmt *p = NULL;

	while ((p = sqlite3_next_stmt(a->db, p)) != NULL)
		if (p == st)
			return 1;
	return 0;
}

/* Whether a live statement of the connection has text sql (a freed
 * statement's memory may be reused by another: its pointer says little). */
static int
live_sql(struct arc *a, const char *sql)
{
	sqlite3_stmt *p = NULL;

	while ((p = sqlite3_next_stmt(a->db, p)) != NULL)
		if (strcmp(sqlite3_sql(p), sql) == 0)
			return 1;
	return 0;
}

static void
schema_change_finalizes_everything(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *st, *busy, *other;
	long prep0, reuse0, prep, reuse;
	int kept, row;

	assert_int_equal(arc_stmt(f->a, sel, &st), DOS_OK);
	arc_stmt_done(f->a, st);
	assert_int_equal(arc_stmt(f->a, "SELECT count(*) FROM document",
				  &busy), DOS_OK);
	arc_stmt_counts(f->a, &prep0, &reuse0, &kept);
	assert_true(kept >= 2);
	assert_true(live(f->a, st));
	/* A schema change: what was kept is finalized (at the next use of
	 * the cache); a statement in use goes once it is given back. */
	assert_int_equal(arc_exec(f->a, "CREATE TABLE t_extra(x)"), DOS_OK);
	assert_true(live_sql(f->a, sel));
	assert_int_equal(arc_stmt(f->a, "SELECT count(*) FROM t_extra",
				  &other), DOS_OK);
	assert_false(live_sql(f->a, sel));
	assert_true(live(f->a, busy));
	assert_int_equal(arc_stmt_step(f->a, busy, &row), DOS_OK);
	assert_int_equal(row, 1);
	arc_stmt_done(f->a, busy);
	assert_false(live_sql(f->a, "SELECT count(*) FROM document"));
	assert_int_equal(arc_stmt_run(f->a, other), DOS_OK);
	arc_stmt_done(f->a, other);
	arc_stmt_counts(f->a, &prep, &reuse, &kept);
	assert_int_equal(kept, 1);
	assert_int_equal(prep - prep0, 1);
	/* The same text prepared anew against the new schema. */
	assert_int_equal(arc_stmt(f->a, sel, &st), DOS_OK);
	arc_stmt_done(f->a, st);
	arc_stmt_counts(f->a, &prep, &reuse, &kept);
	assert_int_equal(prep - prep0, 2);
}

static void
close_finalizes_everything(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *st, *kept_st[5];
	int i, kept;
	long prep, reuse;
	char sql[64];

	for (i = 0; i < 5; i++) {
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		assert_int_equal(arc_stmt(f->a, sql, &kept_st[i]), DOS_OK);
		arc_stmt_done(f->a, kept_st[i]);
	}
	arc_stmt_counts(f->a, &prep, &reuse, &kept);
	assert_true(kept >= 5);
	/* What arc_close does first. */
	arc_stmt_cache_free(f->a);
	for (i = 0; i < 5; i++) {
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		assert_false(live_sql(f->a, sql));
	}
	/* A connection without its cache still runs statements, each one
	 * its own, finalized when given back. */
	assert_int_equal(arc_stmt(f->a, "SELECT 1", &st), DOS_OK);
	assert_true(live(f->a, st));
	arc_stmt_done(f->a, st);
	assert_false(live(f->a, st));
}

static void
full_cache_makes_room(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *st, *held;
	char sql[64];
	int i, kept;
	long prep, reuse;

	/* One held throughout is never the one evicted. */
	assert_int_equal(arc_stmt(f->a, "SELECT 'held'", &held), DOS_OK);
	for (i = 0; i < 3 * ARC_STMT_SLOTS; i++) {
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		assert_int_equal(arc_stmt(f->a, sql, &st), DOS_OK);
		arc_stmt_done(f->a, st);
	}
	arc_stmt_counts(f->a, &prep, &reuse, &kept);
	assert_int_equal(kept, ARC_STMT_SLOTS);
	assert_true(live(f->a, held));
	arc_stmt_done(f->a, held);
	/* The least recently used went first. */
	assert_false(live_sql(f->a, "SELECT 0"));
	assert_false(live_sql(f->a, "SELECT 3"));
	assert_true(live_sql(f->a, sql));
	assert_true(live_sql(f->a, "SELECT 'held'"));
}

static void
errors_are_mapped(void **state)
{
	struct fx *f = *state;
	struct arc *b = NULL;
	sqlite3_stmt *st;

	/* A statement that cannot be prepared. */
	assert_int_equal(arc_stmt(f->a, "SELECT FROM nowhere", &st), DOS_DB);
	assert_null(st);
	/* A constraint failure is the engine's DOS_DB. */
	assert_int_equal(arc_exec(f->a, "CREATE TABLE t_u(x UNIQUE)"), DOS_OK);
	assert_int_equal(arc_stmt(f->a, "INSERT INTO t_u VALUES (1)", &st),
			 DOS_OK);
	assert_int_equal(arc_stmt_run(f->a, st), DOS_OK);
	arc_stmt_done(f->a, st);
	assert_int_equal(arc_stmt(f->a, "INSERT INTO t_u VALUES (1)", &st),
			 DOS_OK);
	assert_int_equal(arc_stmt_run(f->a, st), DOS_DB);
	arc_stmt_done(f->a, st);
	/* A writer holding the lock past the busy timeout: DOS_BUSY. */
	assert_int_equal(arc_open(f->dir, 0, &b), DOS_OK);
	sqlite3_busy_timeout(b->db, 50);
	assert_int_equal(arc_exec(f->a, "BEGIN IMMEDIATE"), DOS_OK);
	assert_int_equal(arc_stmt(b, "INSERT INTO t_u VALUES (2)", &st),
			 DOS_OK);
	assert_int_equal(arc_stmt_run(b, st), DOS_BUSY);
	arc_stmt_done(b, st);
	assert_int_equal(arc_exec(f->a, "COMMIT"), DOS_OK);
	arc_close(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(prepared_once_and_reused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(bindings_cleared_between_uses,
						setup, teardown),
		cmocka_unit_test_setup_teardown(nested_use_gets_its_own, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			schema_change_finalizes_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(close_finalizes_everything,
						setup, teardown),
		cmocka_unit_test_setup_teardown(full_cache_makes_room, setup,
						teardown),
		cmocka_unit_test_setup_teardown(errors_are_mapped, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
