/*
 * customer.c: customers and their account numbers.  A customer has one
 * dossier and any number of accounts; a document filed under any of them
 * belongs to that customer.  Linking an account files its earlier
 * documents under the customer too.
 * Exports arc_customer_add, arc_account_link, arc_customer_get,
 * arc_customer_id, arc_customer_list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum dos_err
arc_customer_type_valid(struct arc *a, const char *type, int *pok)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	*pok = 0;
	/* The setting is a comma-separated list. */
	if ((err = arc_prepare(a, "SELECT 1 FROM setting WHERE key = "
				  "'customer_types' AND ',' || value || ',' "
				  "LIKE '%,' || ? || ',%'", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, type);
	*pok = sqlite3_step(st) == SQLITE_ROW &&
	       strpbrk(type, ",%_") == NULL;
	sqlite3_finalize(st);
	return DOS_OK;
}

/* Links one account inside the caller's transaction. */
static enum dos_err
link_account(struct arc *a, int64_t cid, const char *account, const char *now)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int rc;

	if (account == NULL || *account == '\0' || strlen(account) > 64)
		return DOS_INVAL;
	if ((err = arc_prepare(a, "INSERT INTO account(number, customer_id, "
				  "added) VALUES (?, ?, ?)", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, account);
	sqlite3_bind_int64(st, 2, cid);
	arc_bind_text(st, 3, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sqlite3_extended_errcode(a->db) ==
				       SQLITE_CONSTRAINT_PRIMARYKEY
			       ? DOS_CONFLICT
			       : DOS_DB;
	if ((err = arc_prepare(a, "UPDATE document SET customer_id = ? "
				  "WHERE account = ? AND customer_id IS NULL",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, cid);
	arc_bind_text(st, 2, account);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? DOS_OK : DOS_DB;
}

enum dos_err
arc_customer_add(struct arc *a, const struct arc_user *who,
		 const struct arc_customer_in *c, char *msg, size_t msglen)
{
	const char *actor = who->name;
	sqlite3_stmt *st = NULL;
	char now[32];
	int64_t cid;
	size_t i;
	int ok;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_EDIT, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	if (c->number == NULL || *c->number == '\0' || strlen(c->number) > 64 ||
	    c->name == NULL || *c->name == '\0' || c->type == NULL) {
		snprintf(msg, msglen, "a customer needs a number (at most 64 "
				      "characters), a name and a type");
		return DOS_INVAL;
	}
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_customer_type_valid(a, c->type, &ok)) != DOS_OK)
		goto fail;
	if (!ok) {
		snprintf(msg, msglen, "unknown customer type '%s'", c->type);
		err = DOS_INVAL;
		goto fail;
	}
	if ((err = arc_prepare(a, "INSERT INTO customer(number, name, type, "
				  "unit, manager, address, phone, legal_rep, "
				  "credit_rating, notes, created) "
				  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, c->number);
	arc_bind_text(st, 2, c->name);
	arc_bind_text(st, 3, c->type);
	arc_bind_text(st, 4, c->unit);
	arc_bind_text(st, 5, c->manager);
	arc_bind_text(st, 6, c->address);
	arc_bind_text(st, 7, c->phone);
	arc_bind_text(st, 8, c->legal_rep);
	arc_bind_text(st, 9, c->credit_rating);
	arc_bind_text(st, 10, c->notes);
	arc_bind_text(st, 11, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(a->db) == SQLITE_CONSTRAINT_UNIQUE) {
			snprintf(msg, msglen, "customer %s already exists",
				 c->number);
			err = DOS_CONFLICT;
		} else
			err = DOS_DB;
		goto fail;
	}
	cid = sqlite3_last_insert_rowid(a->db);
	sqlite3_finalize(st);
	st = NULL;
	for (i = 0; i < c->naccounts; i++)
		if ((err = link_account(a, cid, c->accounts[i], now)) !=
		    DOS_OK) {
			snprintf(msg, msglen, "account %s: %s", c->accounts[i],
				 err == DOS_CONFLICT
					 ? "already belongs to a customer"
					 : "not a valid account number");
			goto fail;
		}
	if ((err = arc_audit(a, actor, "customer-add", c->number, c->name)) !=
	    DOS_OK)
		goto fail;
	return arc_tx_commit(a);
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_account_link(struct arc *a, const struct arc_user *who,
		 const char *customer,
		 const char *account, char *msg, size_t msglen)
{
	const char *actor = who->name;
	sqlite3_stmt *st = NULL;
	char now[32];
	int64_t cid;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_EDIT, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT id FROM customer WHERE number = ?",
			       &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, customer);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(msg, msglen, "no customer %s", customer);
		err = DOS_NOTFOUND;
		goto fail;
	}
	cid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (account == NULL || *account == '\0') {
		snprintf(msg, msglen, "name the account to link");
		err = DOS_INVAL;
		goto fail;
	}
	if ((err = link_account(a, cid, account, now)) != DOS_OK) {
		snprintf(msg, msglen, "account %s: %s", account,
			 err == DOS_CONFLICT ? "already belongs to a customer"
					     : "not a valid account number");
		goto fail;
	}
	if ((err = arc_audit(a, actor, "account-link", customer, account)) !=
	    DOS_OK)
		goto fail;
	return arc_tx_commit(a);
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_customer_get(struct arc *a, const struct arc_user *who, const char *key,
		 json_t **pout, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL, *ast = NULL, *dst = NULL;
	json_t *c = NULL, *accs = NULL, *bycat = NULL;
	struct arc_sql q;
	char obj[48];
	int64_t cid;
	enum dos_err err;

	*pout = NULL;
	msg[0] = '\0';
	arc_sql_init(&q, a, msg, msglen);
	/* A customer number or any of its account numbers. */
	if ((err = arc_prepare(a, "SELECT id, number, name, type, unit, "
				  "manager, address, phone, legal_rep, "
				  "credit_rating, notes, created FROM customer "
				  "WHERE number = ?1 OR id = (SELECT "
				  "customer_id FROM account WHERE number = ?1)",
			       &st)) != DOS_OK ||
	    (err = arc_prepare(a, "SELECT number FROM account WHERE "
				  "customer_id = ? ORDER BY number",
			       &ast)) != DOS_OK)
		goto out;
	arc_bind_text(st, 1, key);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(msg, msglen, "no customer or account %s", key);
		err = DOS_NOTFOUND;
		goto out;
	}
	cid = sqlite3_column_int64(st, 0);
	if ((err = arc_may(a, who, ARC_VIEW, ARC_OBJ_CUSTOMER, cid, msg,
			   msglen)) != DOS_OK)
		goto out;
	snprintf(obj, sizeof(obj), "customer %lld", (long long)cid);
	if ((err = arc_audit_read(a, who->name, "view", obj, "")) != DOS_OK)
		goto out;
	/* Only the documents who may view count. */
	arc_sql_add(&q, "SELECT coalesce(d.category, '(none)'), count(*),"
			" sum(d.npages) FROM document d LEFT JOIN customer c"
			" ON c.id = d.customer_id WHERE d.customer_id = ");
	arc_sql_int(&q, cid);
	arc_sql_add(&q, " AND d.status <> 'purged'");
	arc_scope_cond(&q, who, ARC_VIEW);
	arc_sql_add(&q, " GROUP BY 1 ORDER BY 1");
	if ((err = q.err) != DOS_OK ||
	    (err = arc_prepare(a, q.sql.data, &dst)) != DOS_OK)
		goto out;
	arc_sql_bind(&q, dst);
	c = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s}",
		      "id", (json_int_t)cid, "number", arc_col_text(st, 1),
		      "name", arc_col_text(st, 2), "type", arc_col_text(st, 3),
		      "unit", arc_col_json_text(st, 4), "manager",
		      arc_col_json_text(st, 5), "address",
		      arc_col_json_text(st, 6), "phone",
		      arc_col_json_text(st, 7), "legal_rep",
		      arc_col_json_text(st, 8), "credit_rating",
		      arc_col_json_text(st, 9), "notes",
		      arc_col_json_text(st, 10), "created",
		      arc_col_text(st, 11));
	if (c == NULL || (accs = json_array()) == NULL ||
	    (bycat = json_object()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	sqlite3_bind_int64(ast, 1, cid);
	while (sqlite3_step(ast) == SQLITE_ROW)
		json_array_append_new(accs, json_string(arc_col_text(ast, 0)));
	while (sqlite3_step(dst) == SQLITE_ROW)
		json_object_set_new(
			bycat, arc_col_text(dst, 0),
			json_pack("{s:i,s:i}", "documents",
				  sqlite3_column_int(dst, 1), "pages",
				  sqlite3_column_int(dst, 2)));
	json_object_set_new(c, "accounts", accs);
	json_object_set_new(c, "categories", bycat);
	accs = bycat = NULL;
	*pout = c;
	c = NULL;
out:
	json_decref(c);
	json_decref(accs);
	json_decref(bycat);
	sqlite3_finalize(st);
	sqlite3_finalize(ast);
	sqlite3_finalize(dst);
	arc_sql_free(&q);
	return err;
}

enum dos_err
arc_customer_id(struct arc *a, const char *key, int64_t *pid)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int rc;

	*pid = 0;
	if ((err = arc_prepare(a, "SELECT id FROM customer WHERE number = ?1 "
				  "OR id = (SELECT customer_id FROM account "
				  "WHERE number = ?1)",
			       &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, key);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*pid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? DOS_OK : rc == SQLITE_DONE ? DOS_NOTFOUND
							     : DOS_DB;
}

/* Appends " AND (...)" matching customers whose number, name or one of
 * whose accounts holds filter (case-insensitive, LIKE wildcards taken
 * literally). */
static void
customer_filter(struct arc_sql *q, const char *filter)
{
	static const char *const parts[] = {
		" AND (c.number LIKE ", " ESCAPE '\\' OR c.name LIKE ",
		" ESCAPE '\\' OR c.id IN (SELECT customer_id FROM account "
		"WHERE number LIKE ",
	};
	struct dbuf pat;
	const char *p;
	size_t i;

	dbuf_init(&pat, 1024);
	dbuf_adds(&pat, "%");
	for (p = filter; *p != '\0'; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			dbuf_adds(&pat, "\\");
		dbuf_add(&pat, p, 1);
	}
	if (dbuf_adds(&pat, "%") != DOS_OK) {
		q->err = DOS_LIMIT;
		dbuf_free(&pat);
		return;
	}
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		arc_sql_add(q, parts[i]);
		arc_sql_text(q, strdup(pat.data), 1);
	}
	arc_sql_add(q, " ESCAPE '\\'))");
	dbuf_free(&pat);
}

enum dos_err
arc_customer_list(struct arc *a, const struct arc_user *who,
		  const struct arc_customer_filter *f, json_t **pout,
		  char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	struct arc_sql q;
	json_t *list = NULL, *accs;
	enum dos_err err;
	int total = 0;

	*pout = NULL;
	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_VIEW, ARC_OBJ_NONE, 0, msg, msglen)) !=
	    DOS_OK)
		return err;
	arc_sql_init(&q, a, msg, msglen);
	arc_sql_add(&q, "SELECT c.id, c.number, c.name, c.type, c.unit, "
			"c.manager, (SELECT group_concat(number, ' ') FROM "
			"(SELECT number FROM account WHERE customer_id = c.id "
			"ORDER BY number)), (SELECT count(*) FROM document d "
			"WHERE d.customer_id = c.id AND d.status <> 'purged'");
	arc_scope_cond(&q, who, ARC_VIEW);
	arc_sql_add(&q, "), count(*) OVER () FROM customer c WHERE 1");
	arc_customer_scope_cond(&q, who, ARC_VIEW);
	if (f->mine) {
		arc_sql_add(&q, " AND c.manager = ");
		arc_sql_text(&q, who->name, 0);
	}
	if (f->filter != NULL && *f->filter != '\0')
		customer_filter(&q, f->filter);
	arc_sql_add(&q, " ORDER BY c.name COLLATE NOCASE, c.number LIMIT ");
	arc_sql_int(&q, f->limit > 0 && f->limit <= 500 ? f->limit : 50);
	arc_sql_add(&q, " OFFSET ");
	arc_sql_int(&q, f->offset > 0 ? f->offset : 0);
	if ((err = q.err) != DOS_OK ||
	    (err = arc_prepare(a, q.sql.data, &st)) != DOS_OK)
		goto out;
	arc_sql_bind(&q, st);
	if ((list = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *an = arc_col_text(st, 6), *p = an;

		if ((accs = json_array()) == NULL) {
			err = DOS_NOMEM;
			goto out;
		}
		while (*p != '\0') {
			size_t n = strcspn(p, " ");
			json_t *s = json_stringn(p, n);

			if (s != NULL)
				json_array_append_new(accs, s);
			p += n;
			p += *p == ' ';
		}
		json_array_append_new(
			list,
			json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:i}", "id",
				  (json_int_t)sqlite3_column_int64(st, 0),
				  "number", arc_col_text(st, 1), "name",
				  arc_col_text(st, 2), "type",
				  arc_col_text(st, 3), "unit",
				  arc_col_json_text(st, 4), "manager",
				  arc_col_json_text(st, 5), "accounts", accs,
				  "documents", sqlite3_column_int(st, 7)));
		total = sqlite3_column_int(st, 8);
	}
	*pout = json_pack("{s:i,s:o}", "total", total, "customers", list);
	list = NULL;
	err = *pout != NULL ? DOS_OK : DOS_NOMEM;
out:
	json_decref(list);
	sqlite3_finalize(st);
	arc_sql_free(&q);
	return err;
}
