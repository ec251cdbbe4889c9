/*
 * stmt.c: the statement discipline of archive/.  Each SQL text is
 * prepared once per connection and kept (as Fossil's db_static_prepare
 * keeps one per call site; here the key is the text, so a statement built
 * from fixed fragments, the search's, is kept too): arc_stmt hands it out,
 * arc_stmt_done gives it back reset with its bindings cleared, so no value
 * of one use reaches the next.  A text already handed out and not yet
 * given back (a nested use of the same statement) gets a statement of its
 * own, finalized when given back.  The cache holds ARC_STMT_SLOTS texts;
 * the least recently used one not in use makes room.
 *
 * Every step goes through arc_stmt_step (one row or the end) or
 * arc_stmt_run (to the end), which log a failure once, with the
 * statement, and map it to the project's error (arc_db_err: a full disk
 * DOS_NOSPACE, a lock held past the busy timeout DOS_BUSY, a read-only
 * catalogue DOS_RDONLY, else DOS_DB).
 *
 * The engine: the cache logic (slots, text keys, in-use marks) is the
 * engine's business only through the four calls in the "SQLite" section
 * below (prepare, reset, finalize, step); an engine beside SQLite
 * replaces that section and its handle type.
 *
 * arc_stmt_flush finalizes every statement: arc_close calls it, and so
 * does a schema change on the connection (an authorizer sees any CREATE,
 * DROP or ALTER being prepared; the next arc_stmt flushes), after which
 * statements prepared against the old schema are not kept.  A statement
 * in use while the cache is flushed is finalized when it is given back.
 *
 * Exports (to archive/) arc_stmt, arc_stmt_done, arc_stmt_step,
 * arc_stmt_run, arc_stmt_flush, arc_stmt_cache_free, arc_stmt_counts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct slot {
	char *sql;	      /* the text (owned), NULL when free */
	size_t len;
	uint64_t hash;
	sqlite3_stmt *st;
	unsigned long long used; /* when last handed out (LRU) */
	int busy;	      /* handed out, not yet given back */
	int stale;	      /* flushed while busy: finalize when back */
};

struct arc_stmts {
	struct slot slot[ARC_STMT_SLOTS];
	unsigned long long tick;
	long prepared, reused; /* for tests and profiles */
	int ddl;	       /* a schema change was prepared: flush */
};

/* ---- SQLite ---- */

static int
eng_prepare(struct arc *a, const char *sql, size_t len, int keep,
	    sqlite3_stmt **pst)
{
	return sqlite3_prepare_v3(a->db, sql, (int)len + 1,
				  keep ? SQLITE_PREPARE_PERSISTENT : 0, pst,
				  NULL) == SQLITE_OK
		       ? 0
		       : -1;
}

static void
eng_reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void
eng_finalize(sqlite3_stmt *st)
{
	sqlite3_finalize(st);
}

/* 1 a row, 0 the end, -1 a failure (the connection holds the error). */
static int
eng_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The authorizer: notes a schema change being prepared; allows all. */
static int
authorize(void *ctx, int code, const char *x, const char *y,
	  const char *db, const char *trigger)
{
	struct arc_stmts *c = ctx;

	(void)x;
	(void)y;
	(void)db;
	(void)trigger;
	switch (code) {
	case SQLITE_CREATE_INDEX: case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_INDEX: case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_TEMP_TRIGGER: case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_CREATE_TRIGGER: case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_VTABLE: case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TABLE: case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_DROP_TEMP_TABLE: case SQLITE_DROP_TEMP_TRIGGER:
	case SQLITE_DROP_TEMP_VIEW: case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_VIEW: case SQLITE_DROP_VTABLE:
	case SQLITE_ALTER_TABLE:
		c->ddl = 1;
		break;
	}
	return SQLITE_OK;
}

static enum dos_err
eng_watch_schema(struct arc *a)
{
	return sqlite3_set_authorizer(a->db, authorize, a->stmts) ==
			       SQLITE_OK
		       ? DOS_OK
		       : DOS_DB;
}

/* ---- the cache ---- */

static uint64_t
text_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

static void
slot_clear(struct slot *s)
{
	eng_finalize(s->st);
	free(s->sql);
	memset(s, 0, sizeof(*s));
}

/* A free slot, or the least recently used one not in use, emptied;
 * NULL when every slot is in use. */
static struct slot *
slot_take(struct arc_stmts *c)
{
	struct slot *best = NULL;
	size_t i;

	for (i = 0; i < ARC_STMT_SLOTS; i++) {
		struct slot *s = &c->slot[i];

		if (s->sql == NULL)
			return s;
		if (!s->busy && (best == NULL || s->used < best->used))
			best = s;
	}
	if (best != NULL)
		slot_clear(best);
	return best;
}

enum dos_err
arc_stmt(struct arc *a, const char *sql, sqlite3_stmt **pst)
{
	struct arc_stmts *c = a->stmts;
	struct slot *s, *same = NULL;
	size_t len = strlen(sql), i;
	uint64_t h = text_hash(sql, len);

	*pst = NULL;
	if (c != NULL && c->ddl) {
		c->ddl = 0;
		arc_stmt_flush(a);
	}
	for (i = 0; c != NULL && i < ARC_STMT_SLOTS; i++) {
		s = &c->slot[i];
		if (s->sql != NULL && s->hash == h && s->len == len &&
		    !s->stale && memcmp(s->sql, sql, len) == 0) {
			same = s;
			break;
		}
	}
	if (same != NULL && !same->busy) {
		same->busy = 1;
		same->used = ++c->tick;
		c->reused++;
		*pst = same->st;
		return DOS_OK;
	}
	/* Not kept, or in use further up: prepare it. */
	s = same == NULL && c != NULL ? slot_take(c) : NULL;
	if (eng_prepare(a, sql, len, s != NULL, pst) != 0) {
		dos_errx("cannot prepare %.60s...: %s", sql, arc_errmsg(a));
		*pst = NULL;
		return arc_db_err(a);
	}
	if (c != NULL)
		c->prepared++;
	if (s == NULL)
		return DOS_OK; /* finalized by arc_stmt_done */
	if ((s->sql = malloc(len + 1)) == NULL) {
		eng_finalize(*pst);
		*pst = NULL;
		return DOS_NOMEM;
	}
	memcpy(s->sql, sql, len + 1);
	s->len = len;
	s->hash = h;
	s->st = *pst;
	s->busy = 1;
	s->used = ++c->tick;
	return DOS_OK;
}

void
arc_stmt_done(struct arc *a, sqlite3_stmt *st)
{
	struct arc_stmts *c = a->stmts;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; c != NULL && i < ARC_STMT_SLOTS; i++) {
		struct slot *s = &c->slot[i];

		if (s->st != st || s->sql == NULL)
			continue;
		if (s->stale) {
			slot_clear(s);
			return;
		}
		eng_reset(st);
		s->busy = 0;
		return;
	}
	eng_finalize(st); /* one of its own */
}

enum dos_err
arc_stmt_step(struct arc *a, sqlite3_stmt *st, int *prow)
{
	int r = eng_step(st);

	*prow = r == 1;
	if (r >= 0)
		return DOS_OK;
	dos_errx("%.60s: %s", sqlite3_sql(st), arc_errmsg(a));
	return arc_db_err(a);
}

enum dos_err
arc_stmt_run(struct arc *a, sqlite3_stmt *st)
{
	enum dos_err err;
	int row;

	do
		err = arc_stmt_step(a, st, &row);
	while (err == DOS_OK && row);
	return err;
}

void
arc_stmt_flush(struct arc *a)
{
	struct arc_stmts *c = a->stmts;
	size_t i;

	for (i = 0; c != NULL && i < ARC_STMT_SLOTS; i++) {
		struct slot *s = &c->slot[i];

		if (s->sql == NULL)
			continue;
		if (s->busy)
			s->stale = 1;
		else
			slot_clear(s);
	}
}

enum dos_err
arc_stmt_cache_new(struct arc *a)
{
	if ((a->stmts = calloc(1, sizeof(*a->stmts))) == NULL)
		return DOS_NOMEM;
	return eng_watch_schema(a);
}

void
arc_stmt_cache_free(struct arc *a)
{
	size_t i;

	if (a->stmts == NULL)
		return;
	if (a->db != NULL)
		sqlite3_set_authorizer(a->db, NULL, NULL);
	/* Closing: even statements in use go (nobody may use them now). */
	for (i = 0; i < ARC_STMT_SLOTS; i++)
		if (a->stmts->slot[i].sql != NULL)
			slot_clear(&a->stmts->slot[i]);
	free(a->stmts);
	a->stmts = NULL;
}

void
arc_stmt_counts(const struct arc *a, long *pprepared, long *preused,
		int *pkept)
{
	size_t i;

	*pprepared = a->stmts != NULL ? a->stmts->prepared : 0;
	*preused = a->stmts != NULL ? a->stmts->reused : 0;
	*pkept = 0;
	for (i = 0; a->stmts != NULL && i < ARC_STMT_SLOTS; i++)
		if (a->stmts->slot[i].sql != NULL)
			(*pkept)++;
}
