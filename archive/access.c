/*
 * access.c: who may do what.  A user's role gives a set of actions and a
 * scope; the user adds a unit, a clearance and optionally a category
 * limit; approved borrow grants add single dossiers or documents for a
 * while.  arc_scope_cond turns all of that into one SQL condition on a
 * document (alias d, its customer c); the search filters with it and
 * arc_may asks it about one document, so the two cannot disagree.
 * Exports arc_action_name, arc_clearance_level, arc_user_local,
 * arc_user_load, arc_may and the internal arc_scope_cond,
 * arc_customer_scope_cond (the same for a dossier), arc_audit_scope_cond
 * (the audit entries a reader may read), arc_act_bits, arc_object_name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const action_names[ARC_NACTIONS] = {
	[ARC_SEARCH] = "search",
	[ARC_VIEW] = "view",
	[ARC_DOWNLOAD] = "download",
	[ARC_EXPORT] = "export",
	[ARC_EDIT] = "edit",
	[ARC_DELETE_REQUEST] = "delete_request",
	[ARC_APPROVE] = "approve",
	[ARC_PURGE] = "purge",
	[ARC_AUDIT_READ] = "audit_read",
	[ARC_INGEST] = "ingest",
	[ARC_REVIEW] = "review",
	[ARC_ADMIN] = "admin",
	[ARC_REPORT] = "report",
	[ARC_DISPOSE] = "dispose",
};

static const char *const levels[] = {"public", "internal", "confidential",
				     "secret"};

const char *
arc_action_name(enum arc_action act)
{
	return (unsigned)act < ARC_NACTIONS ? action_names[act] : "?";
}

const char *
arc_clearance_level_name(int level)
{
	return levels[level < 0 ? 0 : level > 3 ? 3 : level];
}

int
arc_clearance_level(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < 4; i++)
		if (strcmp(name, levels[i]) == 0)
			return i;
	return -1;
}

unsigned
arc_act_bits(const char *list, char *bad, size_t badlen)
{
	unsigned bits = 0;
	const char *p = list;

	while (p != NULL && *p != '\0') {
		size_t n = strcspn(p, ",");
		int i, found = 0;

		for (i = 0; i < ARC_NACTIONS; i++)
			if (strlen(action_names[i]) == n &&
			    strncmp(p, action_names[i], n) == 0) {
				bits |= 1u << i;
				found = 1;
			}
		if (!found && n > 0) {
			if (bad != NULL)
				snprintf(bad, badlen, "%.*s", (int)n, p);
			return 0;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return bits;
}

void
arc_user_local(struct arc_user *u)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "local-admin");
	snprintf(u->role, sizeof(u->role), "local administrator");
	snprintf(u->scope, sizeof(u->scope), "all");
	u->clearance = 3;
	u->actions = (1u << ARC_NACTIONS) - 1;
	u->unsearchable = 1;
	u->local = 1;
}

enum dos_err
arc_user_load(struct arc *a, const char *name, struct arc_user *u)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int row;

	memset(u, 0, sizeof(*u));
	if ((err = arc_stmt(a, "SELECT u.name, u.role, coalesce(u.unit, "
			       "''), coalesce(u.categories, ''), "
			       "u.clearance, r.actions, r.scope, "
			       "r.unsearchable, u.disabled FROM user u "
			       "JOIN role r ON r.name = u.role WHERE "
			       "u.name = ?",
			    &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, name);
	if ((err = arc_stmt_step(a, st, &row)) == DOS_OK && row) {
		snprintf(u->name, sizeof(u->name), "%s", arc_col_text(st, 0));
		snprintf(u->role, sizeof(u->role), "%s", arc_col_text(st, 1));
		snprintf(u->unit, sizeof(u->unit), "%s", arc_col_text(st, 2));
		snprintf(u->categories, sizeof(u->categories), "%s",
			 arc_col_text(st, 3));
		u->clearance = arc_clearance_level(arc_col_text(st, 4));
		if (u->clearance < 0)
			u->clearance = 0;
		u->actions = arc_act_bits(arc_col_text(st, 5), NULL, 0);
		snprintf(u->scope, sizeof(u->scope), "%s", arc_col_text(st, 6));
		u->unsearchable = sqlite3_column_int(st, 7);
		err = sqlite3_column_int(st, 8) ? DOS_PERM : DOS_OK;
	} else if (err == DOS_OK)
		err = DOS_NOTFOUND;
	arc_stmt_done(a, st);
	if (err != DOS_OK)
		memset(u, 0, sizeof(*u));
	return err;
}

/* What a borrow grant gives: finding, reading and taking away. */
static int
borrowable(enum arc_action act)
{
	return act == ARC_SEARCH || act == ARC_VIEW || act == ARC_DOWNLOAD;
}

/* "col IN (the grant_col of u's grants that count: approved and not yet
 * over)". */
static void
granted(struct arc_sql *q, const struct arc_user *u, const char *col,
	const char *grant_col)
{
	arc_sql_add(q, col);
	arc_sql_add(q, " IN (SELECT ");
	arc_sql_add(q, grant_col);
	arc_sql_add(q, " FROM access_grant WHERE user_name = ");
	arc_sql_text(q, u->name, 0);
	arc_sql_add(q, " AND status = 'approved' AND until > ");
	arc_sql_text(q, q->now, 0);
	arc_sql_add(q, ")");
}

/*
 * "EXISTS (a grant of d's customer to u that counts and covers d)": a
 * whole-customer grant lends what its approver could see, the categories
 * and clearance kept on it (NULL: no limit).
 */
static void
granted_in_dossier(struct arc_sql *q, const struct arc_user *u)
{
	arc_sql_add(q, "EXISTS (SELECT 1 FROM access_grant g WHERE "
		       "g.user_name = ");
	arc_sql_text(q, u->name, 0);
	arc_sql_add(q, " AND g.status = 'approved' AND g.until > ");
	arc_sql_text(q, q->now, 0);
	arc_sql_add(q, " AND g.customer_id = d.customer_id AND (g.categories "
		       "IS NULL OR instr(',' || g.categories || ',', ',' || "
		       "coalesce(d.category, '') || ',') > 0) AND "
		       "(g.clearance IS NULL OR g.clearance >= (CASE "
		       "d.confidentiality WHEN 'public' THEN 0 WHEN 'internal' "
		       "THEN 1 WHEN 'confidential' THEN 2 ELSE 3 END)))");
}

/* The role's reach over document d (customer c). */
static void
reach_cond(struct arc_sql *q, const struct arc_user *u)
{
	if (strcmp(u->scope, "own") == 0) {
		arc_sql_add(q, "c.manager = ");
		arc_sql_text(q, u->name, 0);
	} else if (strcmp(u->scope, "unit") == 0 ||
		   strcmp(u->scope, "all") == 0) {
		if (u->unit[0] != '\0') {
			arc_sql_add(q, "c.unit = ");
			arc_sql_text(q, u->unit, 0);
		} else
			arc_sql_add(q, "1");
	} else if (strcmp(u->scope, "batches") == 0) {
		arc_sql_add(q, "d.batch_id IN (SELECT id FROM batch WHERE"
			       " user = ");
		arc_sql_text(q, u->name, 0);
		arc_sql_add(q, ")");
	} else
		arc_sql_add(q, "0");
}

void
arc_scope_cond(struct arc_sql *q, const struct arc_user *u,
	       enum arc_action act)
{
	if (u == NULL || u->local)
		return;
	arc_sql_add(q, " AND ((");
	reach_cond(q, u);
	if (u->categories[0] != '\0') {
		arc_sql_add(q, " AND instr(',' || ");
		arc_sql_text(q, u->categories, 0);
		arc_sql_add(q, " || ',', ',' || coalesce(d.category, '') ||"
			       " ',') > 0");
	}
	arc_sql_add(q, ")");
	if (borrowable(act)) {
		arc_sql_add(q, " OR ");
		granted(q, u, "d.id", "document_id");
		arc_sql_add(q, " OR ");
		granted_in_dossier(q, u);
	}
	arc_sql_add(q, ") AND (CASE d.confidentiality WHEN 'public' THEN 0"
		       " WHEN 'internal' THEN 1 WHEN 'confidential' THEN 2"
		       " ELSE 3 END) <= ");
	arc_sql_int(q, u->clearance);
	if (act == ARC_SEARCH && !u->unsearchable)
		arc_sql_add(q, " AND d.searchable = 1");
}

void
arc_customer_scope_cond(struct arc_sql *q, const struct arc_user *u,
			enum arc_action act)
{
	if (u == NULL || u->local)
		return;
	/* A dossier: the role's reach over the customer, or a grant of it;
	 * its documents are filtered one by one. */
	arc_sql_add(q, " AND (");
	if (strcmp(u->scope, "batches") == 0) {
		arc_sql_add(q, "EXISTS (SELECT 1 FROM document d WHERE"
			       " d.customer_id = c.id AND ");
		reach_cond(q, u);
		arc_sql_add(q, ")");
	} else
		reach_cond(q, u);
	if (borrowable(act)) {
		arc_sql_add(q, " OR ");
		granted(q, u, "c.id", "customer_id");
	}
	arc_sql_add(q, ")");
}

/* Runs q (a SELECT of one row or none): 1 if a row, 0 if none, -1. */
static int
exists(struct arc_sql *q)
{
	sqlite3_stmt *st = NULL;
	int row = 0;
	enum dos_err err;

	if (q->err != DOS_OK || arc_stmt(q->a, q->sql.data, &st) != DOS_OK)
		return -1;
	arc_sql_bind(q, st);
	err = arc_stmt_step(q->a, st, &row);
	arc_stmt_done(q->a, st);
	return err != DOS_OK ? -1 : row;
}

/* Why a document or customer is out of reach, in words. */
static void
explain(const struct arc_user *u, enum arc_action act, enum arc_object kind,
	char *why, size_t n)
{
	const char *what = kind == ARC_OBJ_CUSTOMER ? "this customer's dossier"
						    : "this document";

	if (strcmp(u->scope, "own") == 0)
		snprintf(why, n, "%s may %s only the dossiers of customers "
				 "they manage, or what a manager has lent "
				 "them; %s is not among them (it may also be "
				 "above their clearance)",
			 u->name, arc_action_name(act), what);
	else if (strcmp(u->scope, "batches") == 0)
		snprintf(why, n, "%s may %s only documents from their own "
				 "batches; %s is not one",
			 u->name, arc_action_name(act), what);
	else
		snprintf(why, n, "%s is outside what %s may %s (unit %s, "
				 "clearance %s%s%s)",
			 what, u->name, arc_action_name(act),
			 u->unit[0] ? u->unit : "any",
			 levels[u->clearance & 3],
			 u->categories[0] ? ", categories " : "",
			 u->categories);
}

void
arc_object_name(enum arc_object kind, int64_t id, char *s, size_t n)
{
	if (kind == ARC_OBJ_NONE)
		snprintf(s, n, "-");
	else
		snprintf(s, n, "%s %lld",
			 kind == ARC_OBJ_DOC ? "document" : "customer",
			 (long long)id);
}

static enum dos_err
deny(struct arc *a, const struct arc_user *u, enum arc_action act,
     enum arc_object kind, int64_t id, const char *why)
{
	char obj[48], detail[600];

	arc_object_name(kind, id, obj, sizeof(obj));
	snprintf(detail, sizeof(detail), "%s: %s", arc_action_name(act), why);
	arc_audit(a, u->name, "deny", obj, detail);
	return DOS_PERM;
}

enum dos_err
arc_may(struct arc *a, const struct arc_user *u, enum arc_action act,
	enum arc_object kind, int64_t id, char *why, size_t whylen)
{
	struct arc_sql q;
	char scratch[1];
	int r;

	if (why == NULL || whylen == 0)
		why = scratch, whylen = sizeof(scratch);
	why[0] = '\0';
	if (u == NULL || (unsigned)act >= ARC_NACTIONS)
		return DOS_INVAL;
	if (!u->local && !(u->actions & (1u << act))) {
		snprintf(why, whylen, "the %s role may not %s", u->role,
			 arc_action_name(act));
		return deny(a, u, act, kind, id, why);
	}
	if (kind == ARC_OBJ_NONE)
		return DOS_OK;
	arc_sql_init(&q, a, why, whylen);
	if (kind == ARC_OBJ_DOC) {
		arc_sql_add(&q, "SELECT 1 FROM document d LEFT JOIN customer c"
				" ON c.id = d.customer_id WHERE d.id = ");
		arc_sql_int(&q, id);
	} else {
		arc_sql_add(&q, "SELECT 1 FROM customer c WHERE c.id = ");
		arc_sql_int(&q, id);
	}
	if ((r = exists(&q)) == 0) {
		arc_sql_free(&q);
		snprintf(why, whylen, "no such %s",
			 kind == ARC_OBJ_DOC ? "document" : "customer");
		return DOS_NOTFOUND;
	}
	if (r < 0 || u->local) {
		arc_sql_free(&q);
		return r < 0 ? DOS_DB : DOS_OK;
	}
	if (kind == ARC_OBJ_DOC)
		arc_scope_cond(&q, u, act);
	else {
		arc_customer_scope_cond(&q, u, act);
	}
	r = exists(&q);
	arc_sql_free(&q);
	if (r < 0)
		return DOS_DB;
	if (r == 1)
		return DOS_OK;
	explain(u, act, kind, why, whylen);
	return deny(a, u, act, kind, id, why);
}

/* " OR (cond ... unit = u's unit)", cond ending in "unit = " and one
 * parenthesis to close after the unit. */
static void
or_unit(struct arc_sql *q, const struct arc_user *u, const char *cond)
{
	arc_sql_add(q, " OR (");
	arc_sql_add(q, cond);
	arc_sql_text(q, u->unit, 0);
	arc_sql_add(q, "))");
}

void
arc_audit_scope_cond(struct arc_sql *q, const struct arc_user *u)
{
	/* A reader of no unit (and the local administrator) reads it all. */
	if (u == NULL || u->local || u->unit[0] == '\0')
		return;
	/*
	 * An entry belongs to a unit when it is about one of the unit's
	 * documents, customers (by id or number), users or their batches,
	 * or when one of the unit's users made it (what they searched,
	 * read, tried).  Entries about the archive as a whole (categories,
	 * roles, checklists, backups, users of no unit) belong to no unit.
	 * Each test looks the entry's object up by key, so reading the
	 * newest page of a long log reads no more than that page.
	 */
	arc_sql_add(q, " AND (0");
	or_unit(q, u, "x.actor IN (SELECT name FROM user WHERE unit = ");
	or_unit(q, u, "x.object IN (SELECT name FROM user WHERE unit = ");
	or_unit(q, u, "x.object GLOB 'document [0-9]*' AND EXISTS (SELECT 1 "
		      "FROM document d JOIN customer c ON c.id = "
		      "d.customer_id WHERE d.id = CAST(substr(x.object, 10) "
		      "AS INTEGER) AND c.unit = ");
	or_unit(q, u, "x.object GLOB 'customer [0-9]*' AND EXISTS (SELECT 1 "
		      "FROM customer c WHERE c.id = CAST(substr(x.object, 10) "
		      "AS INTEGER) AND c.unit = ");
	or_unit(q, u, "EXISTS (SELECT 1 FROM customer c WHERE (c.number = "
		      "x.object OR (x.object GLOB 'customer *' AND c.number = "
		      "substr(x.object, 10))) AND c.unit = ");
	or_unit(q, u, "x.object GLOB 'batch [0-9]*' AND EXISTS (SELECT 1 FROM "
		      "batch b JOIN user s ON s.name = b.user WHERE b.id = "
		      "CAST(substr(x.object, 7) AS INTEGER) AND s.unit = ");
	arc_sql_add(q, ")");
}
