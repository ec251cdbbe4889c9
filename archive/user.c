/*
 * user.c: users with Argon2id password hashes (libsodium) and roles kept
 * as data (the built-in ones are seeded by the schema; an administrator
 * can add more).
 * A name that does not exist is checked against a decoy hash, so the
 * answer takes as long as for a real one.
 * Exports arc_role_valid, arc_role_list, arc_role_add, arc_user_add,
 * arc_user_update, arc_user_disable, arc_user_list, arc_user_check.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

int
arc_role_valid(struct arc *a, const char *role)
{
	sqlite3_stmt *st = NULL;
	int ok;

	if (role == NULL ||
	    arc_prepare(a, "SELECT 1 FROM role WHERE name = ?", &st) != DOS_OK)
		return 0;
	arc_bind_text(st, 1, role);
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ok;
}

enum dos_err
arc_role_list(struct arc *a, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	enum dos_err err;
	int rc;

	*pout = NULL;
	if ((err = arc_prepare(a, "SELECT name, actions, scope, unsearchable, "
				  "clearance, builtin FROM role ORDER BY "
				  "builtin DESC, name",
			       &st)) != DOS_OK)
		return err;
	if ((arr = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *acts = json_array();
		const char *p = arc_col_text(st, 1);

		while (acts != NULL && *p != '\0') {
			size_t n = strcspn(p, ",");

			json_array_append_new(acts, json_stringn(p, n));
			p += n + (p[n] == ',');
		}
		json_array_append_new(
			arr, json_pack("{s:s,s:o,s:s,s:b,s:s,s:b}", "name",
				       arc_col_text(st, 0), "actions",
				       acts ? acts : json_array(), "scope",
				       arc_col_text(st, 2), "unsearchable",
				       sqlite3_column_int(st, 3), "clearance",
				       arc_clearance_level_name(
					       sqlite3_column_int(st, 4)),
				       "builtin", sqlite3_column_int(st, 5)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return DOS_DB;
	}
	*pout = arr;
	return DOS_OK;
}

static int
name_valid(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0, i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("._-@", s[i]) == NULL)
			return 0;
	return 1;
}

enum dos_err
arc_role_add(struct arc *a, const struct arc_user *who, const char *name,
	     const char *actions, const char *scope, int unsearchable,
	     int clearance, char *msg, size_t msglen)
{
	static const char *const scopes[] = {"own", "unit", "all", "batches",
					     "none"};
	char bad[64] = "";
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc, scope_ok = 0;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg, msglen)))
		return err;
	if (!name_valid(name))
		return arc_say(msg, msglen, DOS_INVAL, "a role name uses letters, "
			   "digits and ._-@ (64 at most)%s", "");
	for (i = 0; scope != NULL && i < sizeof(scopes) / sizeof(*scopes); i++)
		scope_ok |= strcmp(scope, scopes[i]) == 0;
	if (!scope_ok)
		return arc_say(msg, msglen, DOS_INVAL, "unknown scope '%s' (scopes: "
			   "own, unit, all, batches, none)",
			   scope ? scope : "");
	if (actions == NULL || arc_act_bits(actions, bad, sizeof(bad)) == 0)
		return arc_say(msg, msglen, DOS_INVAL, "unknown action '%s' "
			   "(actions: search, view, download, export, edit, "
			   "delete_request, approve, purge, audit_read, "
			   "ingest, review, admin, report, dispose)", bad);
	if (clearance < 0 || clearance > 3)
		return arc_say(msg, msglen, DOS_INVAL, "a clearance is public, "
			   "internal, confidential or secret%s", "");
	if ((err = arc_prepare(a, "INSERT INTO role(name, actions, scope, "
				  "unsearchable, clearance) VALUES "
				  "(?, ?, ?, ?, ?)", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, name);
	arc_bind_text(st, 2, actions);
	arc_bind_text(st, 3, scope);
	sqlite3_bind_int(st, 4, unsearchable != 0);
	sqlite3_bind_int(st, 5, clearance);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return arc_say(msg, msglen, DOS_CONFLICT, "role '%s' exists", name);
	if (rc != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		return DOS_DB;
	}
	snprintf(msg, msglen, "role %s added", name);
	return arc_audit(a, who->name, "role.add", name, actions);
}

/* Each code of a comma list names a category. */
static int
categories_valid(struct arc *a, const char *list, char *bad, size_t badlen)
{
	const char *p = list;

	while (*p != '\0') {
		char code[64];
		size_t n = strcspn(p, ",");
		sqlite3_stmt *st = NULL;
		int ok;

		snprintf(code, sizeof(code), "%.*s", (int)(n < 63 ? n : 63), p);
		if (arc_prepare(a, "SELECT 1 FROM category WHERE code = ?",
				&st) != DOS_OK)
			return 0;
		arc_bind_text(st, 1, code);
		ok = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!ok) {
			snprintf(bad, badlen, "%s", code);
			return 0;
		}
		p += n + (p[n] == ',');
	}
	return 1;
}

enum dos_err
arc_user_add(struct arc *a, const struct arc_user *who,
	     const struct arc_user_in *in, char *msg, size_t msglen)
{
	char hash[crypto_pwhash_STRBYTES], now[32], bad[64] = "";
	const char *clear = in->clearance;
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int rc;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg, msglen)))
		return err;
	if (!name_valid(in->name))
		return arc_say(msg, msglen, DOS_INVAL, "a user name uses letters, "
			   "digits and ._-@ (64 at most)%s", "");
	if (!arc_role_valid(a, in->role))
		return arc_say(msg, msglen, DOS_INVAL, "unknown role '%s' (see "
			   "dossier role list)", in->role ? in->role : "");
	if (clear != NULL && arc_clearance_level(clear) < 0)
		return arc_say(msg, msglen, DOS_INVAL, "unknown clearance '%s' "
			   "(public, internal, confidential, secret)", clear);
	if (in->categories != NULL &&
	    !categories_valid(a, in->categories, bad, sizeof(bad)))
		return arc_say(msg, msglen, DOS_INVAL, "unknown category '%s'",
			   bad);
	if (in->password == NULL || strlen(in->password) < 8)
		return arc_say(msg, msglen, DOS_INVAL, "a password needs 8 "
			   "characters or more%s", "");
	if (crypto_pwhash_str(hash, in->password, strlen(in->password),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return DOS_NOMEM;
	dos_now_iso(now);
	if ((err = arc_prepare(a, "INSERT INTO user(name, role, unit, "
				  "clearance, categories, pwhash, created) "
				  "VALUES (?1, ?2, ?3, coalesce(?4, (SELECT "
				  "CASE clearance WHEN 0 THEN 'public' WHEN 1 "
				  "THEN 'internal' WHEN 2 THEN 'confidential' "
				  "ELSE 'secret' END FROM role WHERE name = "
				  "?2)), ?5, ?6, ?7)",
			       &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, in->name);
	arc_bind_text(st, 2, in->role);
	arc_bind_text(st, 3, in->unit);
	arc_bind_text(st, 4, clear);
	arc_bind_text(st, 5, in->categories);
	arc_bind_text(st, 6, hash);
	arc_bind_text(st, 7, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	sodium_memzero(hash, sizeof(hash));
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return arc_say(msg, msglen, DOS_CONFLICT, "user '%s' already exists",
			   in->name);
	if (rc != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		return DOS_DB;
	}
	snprintf(msg, msglen, "user %s added with role %s", in->name,
		 in->role);
	return arc_audit(a, who->name, "user.add", in->name, in->role);
}

/* Appends "what: old -> new; " to detail when they differ. */
static void
note_change(char *detail, size_t n, const char *what, const char *old,
	    const char *now)
{
	size_t len = strlen(detail);

	if (strcmp(old, now) == 0 || len >= n)
		return;
	snprintf(detail + len, n - len, "%s%s: %s -> %s", len ? "; " : "",
		 what, old[0] ? old : "(none)", now[0] ? now : "(none)");
}

enum dos_err
arc_user_update(struct arc *a, const struct arc_user *who, const char *name,
		const struct arc_user_change *c, char *msg, size_t msglen)
{
	char role[33], unit[65], clear[16], cats[256], bad[64] = "";
	char detail[1024] = "";
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int rc;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg, msglen)))
		return err;
	if (c->role != NULL && !arc_role_valid(a, c->role))
		return arc_say(msg, msglen, DOS_INVAL, "unknown role '%s' (see "
			   "dossier role list)", c->role);
	if (c->clearance != NULL && arc_clearance_level(c->clearance) < 0)
		return arc_say(msg, msglen, DOS_INVAL, "unknown clearance '%s' "
			   "(public, internal, confidential, secret)",
			   c->clearance);
	if (c->unit != NULL && strlen(c->unit) >= sizeof(unit))
		return arc_say(msg, msglen, DOS_INVAL, "a unit name has %zu "
			   "characters at most", sizeof(unit) - 1);
	if (c->categories != NULL &&
	    (strlen(c->categories) >= sizeof(cats) ||
	     !categories_valid(a, c->categories, bad, sizeof(bad))))
		return arc_say(msg, msglen, DOS_INVAL, "unknown category '%s'",
			   bad[0] ? bad : c->categories);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT role, coalesce(unit, ''), "
				  "coalesce(clearance, ''), "
				  "coalesce(categories, '') FROM user WHERE "
				  "name = ?", &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = arc_say(msg, msglen, DOS_NOTFOUND, "no user '%s'",
			      name != NULL ? name : "");
		goto fail;
	}
	if (rc != SQLITE_ROW) {
		err = DOS_DB;
		goto fail;
	}
	snprintf(role, sizeof(role), "%s", arc_col_text(st, 0));
	snprintf(unit, sizeof(unit), "%s", arc_col_text(st, 1));
	snprintf(clear, sizeof(clear), "%s", arc_col_text(st, 2));
	snprintf(cats, sizeof(cats), "%s", arc_col_text(st, 3));
	sqlite3_finalize(st);
	st = NULL;
	if (c->role != NULL && strcmp(c->role, role) != 0 &&
	    strcmp(name, who->name) == 0) {
		err = arc_say(msg, msglen, DOS_CONFLICT, "you cannot change "
			      "your own role; ask another administrator%s",
			      "");
		goto fail;
	}
	if (c->role != NULL)
		note_change(detail, sizeof(detail), "role", role, c->role);
	if (c->unit != NULL)
		note_change(detail, sizeof(detail), "unit", unit, c->unit);
	if (c->clearance != NULL)
		note_change(detail, sizeof(detail), "clearance", clear,
			    c->clearance);
	if (c->categories != NULL)
		note_change(detail, sizeof(detail), "categories", cats,
			    c->categories);
	if (detail[0] == '\0') {
		arc_tx_rollback(a);
		snprintf(msg, msglen, "nothing to change for %s", name);
		return DOS_OK;
	}
	if ((err = arc_prepare(a, "UPDATE user SET role = coalesce(?1, role), "
				  "unit = CASE WHEN ?2 IS NULL THEN unit WHEN "
				  "?2 = '' THEN NULL ELSE ?2 END, clearance = "
				  "coalesce(?3, clearance), categories = CASE "
				  "WHEN ?4 IS NULL THEN categories WHEN ?4 = "
				  "'' THEN NULL ELSE ?4 END WHERE name = ?5",
			       &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, c->role);
	arc_bind_text(st, 2, c->unit);
	arc_bind_text(st, 3, c->clearance);
	arc_bind_text(st, 4, c->categories);
	arc_bind_text(st, 5, name);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		err = DOS_DB;
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((err = arc_audit(a, who->name, "user.update", name, detail)) !=
		    DOS_OK ||
	    (err = arc_tx_commit(a)) != DOS_OK)
		goto fail;
	snprintf(msg, msglen, "user %s changed: %s", name, detail);
	return DOS_OK;
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}

/* A hash of a random password, checked for names that do not exist. */
static char decoy[crypto_pwhash_STRBYTES];
static pthread_once_t decoy_once = PTHREAD_ONCE_INIT;

static void
decoy_make(void)
{
	unsigned char pw[16];

	randombytes_buf(pw, sizeof(pw));
	if (crypto_pwhash_str(decoy, (const char *)pw, sizeof(pw),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		decoy[0] = '\0';
}

static enum dos_err
decoy_init(void)
{
	pthread_once(&decoy_once, decoy_make);
	return decoy[0] != '\0' ? DOS_OK : DOS_NOMEM;
}

enum dos_err
arc_user_check(struct arc *a, const char *name, const char *password)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int good = 0;

	if ((err = arc_prepare(a, "SELECT pwhash FROM user WHERE name = ? "
				  "AND disabled = 0", &st)))
		return err;
	arc_bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW)
		good = crypto_pwhash_str_verify(arc_col_text(st, 0), password,
						strlen(password)) == 0;
	else if ((err = decoy_init()) == DOS_OK &&
		 /* As long as for a real user: the time of the answer
		  * does not tell which names exist (or are disabled). */
		 crypto_pwhash_str_verify(decoy, password,
					  strlen(password)) == 0)
		good = 0; /* the decoy's password is random: never */
	sqlite3_finalize(st);
	return good ? DOS_OK : err != DOS_OK ? err : DOS_PERM;
}

enum dos_err
arc_user_disable(struct arc *a, const struct arc_user *who, const char *name,
		 int disabled, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int rc;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg, msglen)))
		return err;
	if (disabled && name != NULL && strcmp(name, who->name) == 0)
		return arc_say(msg, msglen, DOS_CONFLICT, "you cannot disable "
			   "your own account; ask another administrator%s",
			   "");
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "UPDATE user SET disabled = ? WHERE name = ?",
			       &st)) != DOS_OK)
		return arc_tx_fail(a, err, msg, msglen);
	sqlite3_bind_int(st, 1, disabled != 0);
	arc_bind_text(st, 2, name);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return arc_tx_fail(a, DOS_DB, msg, msglen);
	if (sqlite3_changes(a->db) != 1) {
		arc_tx_rollback(a);
		return arc_say(msg, msglen, DOS_NOTFOUND, "no user '%s'", name);
	}
	if ((err = arc_audit(a, who->name,
			     disabled ? "user.disable" : "user.enable", name,
			     "")) != DOS_OK ||
	    (err = arc_tx_commit(a)) != DOS_OK)
		return arc_tx_fail(a, err, msg, msglen);
	snprintf(msg, msglen, "user %s %s", name,
		 disabled ? "disabled: signing in and --as are refused"
			  : "enabled");
	return DOS_OK;
}

enum dos_err
arc_user_list(struct arc *a, const struct arc_user *who, json_t **pout,
	      char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	enum dos_err err;
	int rc;

	*pout = NULL;
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg, msglen)))
		return err;
	if ((err = arc_prepare(a, "SELECT name, role, unit, clearance, "
				  "categories, created, disabled FROM user "
				  "ORDER BY name",
			       &st)) != DOS_OK)
		return err;
	if ((arr = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
			arr, json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:b}", "name",
				       arc_col_text(st, 0), "role",
				       arc_col_text(st, 1), "unit",
				       arc_col_json_text(st, 2), "clearance",
				       arc_col_json_text(st, 3), "categories",
				       arc_col_json_text(st, 4), "created",
				       arc_col_text(st, 5), "disabled",
				       sqlite3_column_int(st, 6)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return DOS_DB;
	}
	*pout = arr;
	return DOS_OK;
}
