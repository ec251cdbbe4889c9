/*
 * saved.c: searches a user keeps under a name, for their landing screen
 * (which counts what each finds now).  Each user sees and changes only
 * their own; a query is kept as text and parsed when it is run.
 * Exports arc_saved_list, arc_saved_add, arc_saved_remove.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* A user keeps at most this many. */
#define SAVED_MAX 50

enum dos_err
arc_saved_list(struct arc *a, const struct arc_user *who, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *list;
	enum dos_err err;

	*pout = NULL;
	if ((list = json_array()) == NULL)
		return DOS_NOMEM;
	if ((err = arc_prepare(a, "SELECT id, name, query, created FROM "
				  "saved_search WHERE user_name = ? ORDER BY "
				  "name COLLATE NOCASE, id", &st)) != DOS_OK) {
		json_decref(list);
		return err;
	}
	arc_bind_text(st, 1, who->name);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
			list, json_pack("{s:I,s:s,s:s,s:s}", "id",
					(json_int_t)sqlite3_column_int64(st, 0),
					"name", arc_col_text(st, 1), "query",
					arc_col_text(st, 2), "created",
					arc_col_text(st, 3)));
	sqlite3_finalize(st);
	*pout = list;
	return DOS_OK;
}

enum dos_err
arc_saved_add(struct arc *a, const struct arc_user *who, const char *name,
	      const char *query, int64_t *pid, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int n = 0;
	enum dos_err err;

	msg[0] = '\0';
	*pid = 0;
	if (who->local)
		return arc_say(msg, msglen, DOS_INVAL, "the local "
			       "administrator keeps no searches%s", "");
	if (name == NULL || *name == '\0' || strlen(name) > 80 ||
	    !dos_utf8_valid(name))
		return arc_say(msg, msglen, DOS_INVAL, "a saved search needs "
			       "a name of 1 to 80 characters%s", "");
	if (query == NULL || *query == '\0' || strlen(query) > 2048 ||
	    !dos_utf8_valid(query))
		return arc_say(msg, msglen, DOS_INVAL, "a saved search needs "
			       "a query of 1 to 2048 characters%s", "");
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT count(*) FROM saved_search WHERE "
				  "user_name = ?", &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, who->name);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (n >= SAVED_MAX) {
		err = arc_say(msg, msglen, DOS_CONFLICT, "you keep %d saved "
			      "searches already; remove one first",
			      SAVED_MAX);
		goto fail;
	}
	dos_now_iso(now);
	if ((err = arc_prepare(a, "INSERT INTO saved_search(user_name, name, "
				  "query, created) VALUES (?, ?, ?, ?)",
			       &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, who->name);
	arc_bind_text(st, 2, name);
	arc_bind_text(st, 3, query);
	arc_bind_text(st, 4, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = sqlite3_extended_errcode(a->db) ==
				      SQLITE_CONSTRAINT_UNIQUE
			      ? arc_say(msg, msglen, DOS_CONFLICT,
					"you have a saved search named '%s' "
					"already", name)
			      : arc_db_err(a);
		goto fail;
	}
	*pid = sqlite3_last_insert_rowid(a->db);
	sqlite3_finalize(st);
	st = NULL;
	if ((err = arc_audit(a, who->name, "saved-search.add", name,
			     query)) != DOS_OK)
		goto fail;
	snprintf(msg, msglen, "saved the search '%s'", name);
	return arc_tx_commit(a);
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_saved_remove(struct arc *a, const struct arc_user *who, int64_t id,
		 char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char name[96] = "";
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	/* Another user's search is answered as if there were none. */
	if ((err = arc_prepare(a, "SELECT name FROM saved_search WHERE id = ? "
				  "AND user_name = ?", &st)) != DOS_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	arc_bind_text(st, 2, who->name);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err = arc_say(msg, msglen, DOS_NOTFOUND,
			      "you have no saved search with that number%s",
			      "");
		goto fail;
	}
	snprintf(name, sizeof(name), "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	if ((err = arc_prepare(a, "DELETE FROM saved_search WHERE id = ?",
			       &st)) != DOS_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if ((err = arc_step_once(a, st, "delete saved search")) != DOS_OK) {
		st = NULL;
		goto fail;
	}
	st = NULL;
	if ((err = arc_audit(a, who->name, "saved-search.remove", name,
			     "")) != DOS_OK)
		goto fail;
	snprintf(msg, msglen, "removed the saved search '%s'", name);
	return arc_tx_commit(a);
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}
