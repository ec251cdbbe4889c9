/*
 * category.c: the category classes documents are filed under, their
 * aliases, and the units customers and users belong to.  A category's
 * code and catalogue number never change and a category is never
 * removed: archive numbers and filed documents refer to them.  Its name
 * can be changed and aliases added or removed; every change is audited.
 * Units are free text on customers and users; arc_unit_list counts them.
 * Exports arc_category_list, arc_category_add, arc_category_rename,
 * arc_category_alias_add, arc_category_alias_remove, arc_unit_list,
 * arc_category_check and, to archive/, arc_category_codes.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define NAME_MAX_LEN 100
#define ALIAS_MAX_LEN 32

/* Whether who may read the archive-wide counts: an admin or a report. */
static int
may_count(const struct arc_user *who)
{
	return who != NULL &&
	       (who->local || (who->actions & (1u << ARC_ADMIN)) ||
		(who->actions & (1u << ARC_REPORT)));
}

/* Whether who's role reaches any dossier: counts of documents and
 * customers are given only of what who may see, and a role that reaches
 * none (the administrator's) is given none. */
static int
reaches_dossiers(const struct arc_user *who)
{
	return who->local || strcmp(who->scope, "none") != 0;
}

/* Prepares the SQL q built; its values bound. */
static enum dos_err
prepare_sql(struct arc *a, struct arc_sql *q, sqlite3_stmt **pst)
{
	enum dos_err err;

	*pst = NULL;
	if ((err = q->err) == DOS_OK &&
	    (err = arc_prepare(a, q->sql.data, pst)) == DOS_OK)
		arc_sql_bind(q, *pst);
	return err;
}

enum dos_err
arc_category_list(struct arc *a, const struct arc_user *who, json_t **pout)
{
	sqlite3_stmt *st = NULL, *al = NULL;
	struct arc_sql q;
	char qmsg[64];
	json_t *list = NULL, *aliases;
	int counts = may_count(who) && reaches_dossiers(who), rc;
	enum dos_err err;

	*pout = NULL;
	/* The documents counted are those who may see. */
	arc_sql_init(&q, a, qmsg, sizeof(qmsg));
	arc_sql_add(&q, "SELECT g.code, g.name, g.catalogue, (SELECT count(*) "
			"FROM document d LEFT JOIN customer c ON c.id = "
			"d.customer_id WHERE d.category = g.code AND "
			"d.status <> 'purged'");
	arc_scope_cond(&q, who, ARC_VIEW);
	arc_sql_add(&q, ") FROM category g ORDER BY g.catalogue");
	err = prepare_sql(a, &q, &st);
	arc_sql_free(&q);
	if (err != DOS_OK ||
	    (err = arc_prepare(a, "SELECT alias FROM category_alias WHERE "
				  "code = ? ORDER BY alias", &al)) != DOS_OK)
		goto out;
	if ((list = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *c;

		if ((aliases = json_array()) == NULL) {
			err = DOS_NOMEM;
			goto out;
		}
		sqlite3_reset(al);
		arc_bind_text(al, 1, arc_col_text(st, 0));
		while ((rc = sqlite3_step(al)) == SQLITE_ROW)
			json_array_append_new(aliases,
					      json_string(arc_col_text(al, 0)));
		if (rc != SQLITE_DONE) {
			json_decref(aliases);
			err = DOS_DB;
			goto out;
		}
		c = json_pack("{s:s,s:s,s:i,s:o}", "code", arc_col_text(st, 0),
			      "name", arc_col_text(st, 1), "catalogue",
			      sqlite3_column_int(st, 2), "aliases", aliases);
		if (c == NULL) {
			err = DOS_NOMEM;
			goto out;
		}
		if (counts)
			json_object_set_new(
				c, "documents",
				json_integer(sqlite3_column_int64(st, 3)));
		json_array_append_new(list, c);
	}
	if (rc != SQLITE_DONE) {
		err = DOS_DB;
		goto out;
	}
	*pout = list;
	list = NULL;
out:
	json_decref(list);
	sqlite3_finalize(st);
	sqlite3_finalize(al);
	return err;
}

/* A code: 2..16 upper-case letters, digits or '_'. */
static int
code_valid(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0, i;

	if (n < 2 || n > 16)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '_')
			return 0;
	return 1;
}

/* A name: 1..NAME_MAX_LEN bytes, no control characters. */
static int
name_valid(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0, i;

	if (n == 0 || n > NAME_MAX_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * An alias: 1..ALIAS_MAX_LEN bytes without spaces, control characters or
 * the search language's , : " ( ); ASCII letters are stored upper-case.
 */
static int
alias_clean(const char *s, char *out, size_t n)
{
	size_t len = s != NULL ? strlen(s) : 0, i;

	if (len == 0 || len > ALIAS_MAX_LEN || len >= n)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= 0x20 || ch == 0x7f || strchr(",:\"()", ch) != NULL)
			return 0;
		out[i] = ch < 0x80 ? (char)toupper(ch) : (char)ch;
	}
	out[len] = '\0';
	return 1;
}

/* Whether a code exists (1), not (0) or the query failed (-1). */
static int
code_exists(struct arc *a, const char *code)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (arc_prepare(a, "SELECT 1 FROM category WHERE code = ?", &st) !=
	    DOS_OK)
		return -1;
	arc_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/*
 * What a name already means: "category X" when it is a code (any case),
 * "alias of X" when an alias; "" when free.  -1 when the query failed.
 */
static int
name_taken(struct arc *a, const char *s, char *what, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	what[0] = '\0';
	if (arc_prepare(a, "SELECT 'the code of category ' || code FROM "
			   "category WHERE code = upper(?1) UNION ALL "
			   "SELECT 'an alias of ' || code FROM "
			   "category_alias WHERE alias = ?1 LIMIT 1",
			&st) != DOS_OK)
		return -1;
	arc_bind_text(st, 1, s);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(what, n, "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

enum dos_err
arc_category_add(struct arc *a, const struct arc_user *who, const char *code,
		 const char *name, int *pcatalogue, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char taken[64], obj[48], detail[160];
	int cat = 0;
	enum dos_err err;

	msg[0] = '\0';
	*pcatalogue = 0;
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg, msglen)))
		return err;
	if (!code_valid(code))
		return arc_say(msg, msglen, DOS_INVAL,
			       "a category code is 2 to "
			       "16 capital letters, digits or _, e.g. "
			       "LEGAL%s", "");
	if (!name_valid(name))
		return arc_say(msg, msglen, DOS_INVAL,
			       "a category needs a name "
			       "(%d characters at most)", NAME_MAX_LEN);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if (name_taken(a, code, taken, sizeof(taken)) != 0) {
		err = DOS_DB;
		goto fail;
	}
	if (taken[0] != '\0') {
		err = arc_say(msg, msglen, DOS_CONFLICT, "'%s' is already %s",
			      code, taken);
		goto fail;
	}
	if ((err = arc_prepare(a, "INSERT INTO category(code, name, "
				  "catalogue) SELECT ?, ?, coalesce(max("
				  "catalogue), 0) + 1 FROM category "
				  "RETURNING catalogue", &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, code);
	arc_bind_text(st, 2, name);
	if (sqlite3_step(st) != SQLITE_ROW) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		err = DOS_DB;
		goto fail;
	}
	cat = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	snprintf(obj, sizeof(obj), "category %s", code);
	snprintf(detail, sizeof(detail), "catalogue %d: %s", cat, name);
	if ((err = arc_audit(a, who->name, "category.add", obj, detail)) !=
		    DOS_OK ||
	    (err = arc_tx_commit(a)) != DOS_OK)
		goto fail;
	*pcatalogue = cat;
	snprintf(msg, msglen, "category %s added with catalogue number %d",
		 code, cat);
	return DOS_OK;
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_category_rename(struct arc *a, const struct arc_user *who,
		    const char *code, const char *name, char *msg,
		    size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char old[NAME_MAX_LEN * 4 + 8] = "", obj[48], detail[512];
	enum dos_err err;
	int rc;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg, msglen)))
		return err;
	if (!name_valid(name))
		return arc_say(msg, msglen, DOS_INVAL,
			       "a category needs a name "
			       "(%d characters at most)", NAME_MAX_LEN);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT name FROM category WHERE code = ?",
			       &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(old, sizeof(old), "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SQLITE_DONE) {
		err = arc_say(msg, msglen, DOS_NOTFOUND, "no category '%s'",
			      code);
		goto fail;
	}
	if (rc != SQLITE_ROW) {
		err = DOS_DB;
		goto fail;
	}
	if ((err = arc_prepare(a, "UPDATE category SET name = ? WHERE "
				  "code = ?", &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, name);
	arc_bind_text(st, 2, code);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = DOS_DB;
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	snprintf(obj, sizeof(obj), "category %s", code);
	snprintf(detail, sizeof(detail), "%s -> %s", old, name);
	if ((err = arc_audit(a, who->name, "category.rename", obj, detail)) !=
		    DOS_OK ||
	    (err = arc_tx_commit(a)) != DOS_OK)
		goto fail;
	snprintf(msg, msglen, "category %s is now called '%s'", code, name);
	return DOS_OK;
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_category_alias_add(struct arc *a, const struct arc_user *who,
		       const char *code, const char *alias, char *msg,
		       size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char al[ALIAS_MAX_LEN + 1], taken[64], obj[48];
	enum dos_err err;
	int r;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg, msglen)))
		return err;
	if (!alias_clean(alias, al, sizeof(al)))
		return arc_say(msg, msglen, DOS_INVAL,
			       "an alias is one word of "
			       "1 to %d characters, without spaces or "
			       ", : \" ( )", ALIAS_MAX_LEN);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((r = code_exists(a, code)) < 0) {
		err = DOS_DB;
		goto fail;
	}
	if (r == 0) {
		err = arc_say(msg, msglen, DOS_NOTFOUND, "no category '%s'",
			      code);
		goto fail;
	}
	if (name_taken(a, al, taken, sizeof(taken)) != 0) {
		err = DOS_DB;
		goto fail;
	}
	if (taken[0] != '\0') {
		err = arc_say(msg, msglen, DOS_CONFLICT, "'%s' is already %s",
			      al, taken);
		goto fail;
	}
	if ((err = arc_prepare(a, "INSERT INTO category_alias(alias, code) "
				  "VALUES (?, ?)", &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, al);
	arc_bind_text(st, 2, code);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		err = DOS_DB;
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	snprintf(obj, sizeof(obj), "category %s", code);
	if ((err = arc_audit(a, who->name, "category.alias.add", obj, al)) !=
		    DOS_OK ||
	    (err = arc_tx_commit(a)) != DOS_OK)
		goto fail;
	snprintf(msg, msglen, "'%s' now also means category %s", al, code);
	return DOS_OK;
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_category_alias_remove(struct arc *a, const struct arc_user *who,
			  const char *code, const char *alias, char *msg,
			  size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char al[ALIAS_MAX_LEN + 1] = "", obj[48];
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg, msglen)))
		return err;
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "DELETE FROM category_alias WHERE alias = ? "
				  "AND code = ? RETURNING alias", &st)) !=
	    DOS_OK)
		goto fail;
	arc_bind_text(st, 1, alias);
	arc_bind_text(st, 2, code);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		snprintf(al, sizeof(al), "%s", arc_col_text(st, 0));
		break;
	case SQLITE_DONE:
		err = arc_say(msg, msglen, DOS_NOTFOUND, "category '%s' has no "
			      "alias '%s'", code, alias != NULL ? alias : "");
		goto fail;
	default:
		err = DOS_DB;
		goto fail;
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = DOS_DB;
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	snprintf(obj, sizeof(obj), "category %s", code);
	if ((err = arc_audit(a, who->name, "category.alias.remove", obj,
			     al)) != DOS_OK ||
	    (err = arc_tx_commit(a)) != DOS_OK)
		goto fail;
	snprintf(msg, msglen, "'%s' no longer means category %s", al, code);
	return DOS_OK;
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_unit_list(struct arc *a, const struct arc_user *who, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	struct arc_sql q;
	char qmsg[64];
	json_t *list;
	enum dos_err err;
	int rc, counts;

	*pout = NULL;
	if (!may_count(who))
		return arc_may(a, who, ARC_REPORT, ARC_OBJ_NONE, 0, NULL, 0);
	/* Customers and documents: only those who may see. */
	counts = reaches_dossiers(who);
	arc_sql_init(&q, a, qmsg, sizeof(qmsg));
	arc_sql_add(&q, "WITH u(unit) AS (SELECT unit FROM customer WHERE "
			"coalesce(unit, '') <> '' UNION SELECT unit FROM user "
			"WHERE coalesce(unit, '') <> '') SELECT u.unit, "
			"(SELECT count(*) FROM customer c WHERE c.unit = "
			"u.unit");
	arc_customer_scope_cond(&q, who, ARC_VIEW);
	arc_sql_add(&q, "), (SELECT count(*) FROM user s WHERE s.unit = "
			"u.unit), (SELECT count(*) FROM document d JOIN "
			"customer c ON c.id = d.customer_id WHERE c.unit = "
			"u.unit AND d.status <> 'purged'");
	arc_scope_cond(&q, who, ARC_VIEW);
	arc_sql_add(&q, ") FROM u ORDER BY u.unit");
	err = prepare_sql(a, &q, &st);
	arc_sql_free(&q);
	if (err != DOS_OK)
		return err;
	if ((list = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
			list,
			json_pack("{s:s,s:o,s:I,s:o}", "unit",
				  arc_col_text(st, 0), "customers",
				  counts ? json_integer(
						   sqlite3_column_int64(st, 1))
					 : json_null(),
				  "users",
				  (json_int_t)sqlite3_column_int64(st, 2),
				  "documents",
				  counts ? json_integer(
						   sqlite3_column_int64(st, 3))
					 : json_null()));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		return DOS_DB;
	}
	*pout = list;
	return DOS_OK;
}

void
arc_category_codes(struct arc *a, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;
	size_t used = 0;
	int k;

	if (n == 0)
		return;
	out[0] = '\0';
	if (arc_prepare(a, "SELECT code FROM category ORDER BY catalogue",
			&st) != DOS_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW && used < n) {
		k = snprintf(out + used, n - used, "%s%s", used ? ", " : "",
			     arc_col_text(st, 0));
		if (k < 0 || (size_t)k >= n - used) {
			out[used] = '\0';
			break;
		}
		used += (size_t)k;
	}
	sqlite3_finalize(st);
}

enum dos_err
arc_category_check(struct arc *a, const char *name, char *msg,
		   size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char known[400];
	int rc;
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT 1 FROM category WHERE code = ?1 "
				  "UNION ALL SELECT 1 FROM category_alias "
				  "WHERE alias = ?1", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return DOS_OK;
	if (rc != SQLITE_DONE)
		return arc_db_err(a);
	arc_category_codes(a, known, sizeof(known));
	return arc_say(msg, msglen, DOS_INVAL, "unknown category '%.40s'; the "
		       "categories are %s (or one of their aliases)", name,
		       known);
}
