/*
 * audit.c: the append-only, hash-chained audit log and the integrity check
 * of the whole archive.  Each entry's hash covers the previous entry's hash
 * and its own fields (length-prefixed), so an edited or removed entry breaks
 * the chain.  Exports arc_audit, arc_audit_list, arc_doc_history, arc_verify,
 * arc_audit_anchor_check.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

#define GENESIS                                                              \
	"0000000000000000000000000000000000000000000000000000000000000000"

static void
hash_field(crypto_hash_sha256_state *s, const char *f)
{
	char len[24];
	size_t n = strlen(f);

	snprintf(len, sizeof(len), "%zu:", n);
	crypto_hash_sha256_update(s, (const unsigned char *)len, strlen(len));
	crypto_hash_sha256_update(s, (const unsigned char *)f, n);
}

static void
entry_hash(const char *prev, const char *ts, const char *actor,
	   const char *action, const char *object, const char *detail,
	   char out[DOS_SHA256_HEX])
{
	crypto_hash_sha256_state s;
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&s);
	hash_field(&s, prev);
	hash_field(&s, ts);
	hash_field(&s, actor);
	hash_field(&s, action);
	hash_field(&s, object);
	hash_field(&s, detail);
	crypto_hash_sha256_final(&s, h);
	dos_hex(h, sizeof(h), out);
}

enum dos_err
arc_audit(struct arc *a, const char *actor, const char *action,
	  const char *object, const char *detail)
{
	sqlite3_stmt *last = NULL, *ins = NULL;
	char prev[DOS_SHA256_HEX], hash[DOS_SHA256_HEX], ts[32];
	int own_tx = sqlite3_get_autocommit(a->db), row;
	enum dos_err err;

	if (a->flags & ARC_READONLY)
		return DOS_OK; /* a read-only replica records nothing */
	if (own_tx && (err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_stmt(a, "SELECT hash FROM audit ORDER BY id DESC "
			       "LIMIT 1", &last)) ||
	    (err = arc_stmt(a, "INSERT INTO audit(ts, actor, action, "
			       "object, detail, prev, hash) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?)", &ins)))
		goto out;
	if ((err = arc_stmt_step(a, last, &row)) != DOS_OK)
		goto out;
	snprintf(prev, sizeof(prev), "%s", row ? arc_col_text(last, 0)
					       : GENESIS);
	arc_stmt_done(a, last);
	last = NULL;
	dos_now_iso(ts);
	if (object == NULL)
		object = "";
	if (detail == NULL)
		detail = "";
	entry_hash(prev, ts, actor, action, object, detail, hash);
	arc_bind_text(ins, 1, ts);
	arc_bind_text(ins, 2, actor);
	arc_bind_text(ins, 3, action);
	arc_bind_text(ins, 4, object);
	arc_bind_text(ins, 5, detail);
	arc_bind_text(ins, 6, prev);
	arc_bind_text(ins, 7, hash);
	if ((err = arc_stmt_run(a, ins)) != DOS_OK)
		goto out;
	if (own_tx)
		err = arc_tx_commit(a);
out:
	arc_stmt_done(a, last);
	arc_stmt_done(a, ins);
	if (err != DOS_OK && own_tx)
		arc_tx_rollback(a);
	return err;
}

static void
problem(json_t *list, const char *kind, const char *object, const char *what)
{
	json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "kind", kind,
					      "object", object, "problem",
					      what));
}

/*
 * A loop over rows that ended on something other than SQLITE_DONE read
 * only part of what it checks: a problem (never a silent success), with
 * SQLite's reason.
 */
static void
unread(struct arc *a, json_t *problems, const char *object, const char *what,
       int rc)
{
	char s[512];

	snprintf(s, sizeof(s), "%s could not be read to its end (%s)", what,
		 rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB
			 ? "the catalogue is damaged"
			 : sqlite3_errmsg(a->db));
	problem(problems, "catalogue", object, s);
}

/* SQLite's own check of the catalogue's pages and indexes. */
static enum dos_err
verify_catalogue(struct arc *a, json_t *problems)
{
	sqlite3_stmt *st = NULL;
	char s[600];
	enum dos_err err;
	int rc, n = 0;

	if ((err = arc_prepare(a, "PRAGMA quick_check", &st)) != DOS_OK) {
		problem(problems, "catalogue", "catalogue.db",
			"quick_check could not run");
		return DOS_OK;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *r = arc_col_text(st, 0);

		if (strcmp(r, "ok") == 0)
			continue;
		if (++n > 20)
			continue; /* the first ones say enough */
		snprintf(s, sizeof(s), "quick_check: %s", r);
		problem(problems, "catalogue", "catalogue.db", s);
	}
	if (rc != SQLITE_DONE) {
		snprintf(s, sizeof(s), "quick_check stopped: %s",
			 sqlite3_errmsg(a->db));
		problem(problems, "catalogue", "catalogue.db", s);
	}
	sqlite3_finalize(st);
	return DOS_OK;
}

static enum dos_err
verify_audit(struct arc *a, json_t *problems, json_int_t *pcount,
	     char *head, size_t headlen)
{
	sqlite3_stmt *st = NULL;
	char prev[DOS_SHA256_HEX], hash[DOS_SHA256_HEX], obj[32];
	enum dos_err err;
	int rc;

	head[0] = '\0';
	snprintf(prev, sizeof(prev), "%s", GENESIS);
	if ((err = arc_prepare(a, "SELECT id, ts, actor, action, object, "
				  "detail, prev, hash FROM audit ORDER BY id",
			       &st)) != DOS_OK)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(obj, sizeof(obj), "audit:%lld",
			 (long long)sqlite3_column_int64(st, 0));
		(*pcount)++;
		if (strcmp(arc_col_text(st, 6), prev) != 0)
			problem(problems, "audit", obj,
				"chain broken: an earlier entry was removed or "
				"altered");
		entry_hash(arc_col_text(st, 6), arc_col_text(st, 1),
			   arc_col_text(st, 2), arc_col_text(st, 3),
			   arc_col_text(st, 4), arc_col_text(st, 5), hash);
		if (strcmp(hash, arc_col_text(st, 7)) != 0)
			problem(problems, "audit", obj,
				"entry was altered (hash mismatch)");
		snprintf(prev, sizeof(prev), "%s", arc_col_text(st, 7));
		snprintf(head, headlen, "%lld:%s",
			 (long long)sqlite3_column_int64(st, 0), prev);
	}
	if (rc != SQLITE_DONE)
		unread(a, problems, "audit", "the audit log", rc);
	sqlite3_finalize(st);
	return DOS_OK;
}

enum dos_err
arc_audit_anchor_check(struct arc *a, const char *anchor, char *msg,
		       size_t msglen)
{
	sqlite3_stmt *st = NULL;
	long long id;
	char hash[DOS_SHA256_HEX + 1], tail;
	enum dos_err err;

	if (sscanf(anchor, "%lld:%64[0-9a-f]%c", &id, hash, &tail) != 2 ||
	    id <= 0 || strlen(hash) != DOS_SHA256_HEX - 1) {
		snprintf(msg, msglen, "an anchor is ID:HASH as 'dossier audit "
				      "head' prints it");
		return DOS_INVAL;
	}
	if ((err = arc_prepare(a, "SELECT hash, (SELECT max(id) FROM audit) "
				  "FROM audit WHERE id = ?", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(msg, msglen, "audit entry %lld of the anchor is "
			 "missing: the log was cut short (truncated) after it "
			 "was recorded", id);
		err = DOS_CORRUPT;
	} else if (strcmp(arc_col_text(st, 0), hash) != 0) {
		snprintf(msg, msglen, "audit entry %lld differs from the "
			 "anchor: the log was rewritten", id);
		err = DOS_CORRUPT;
	} else
		snprintf(msg, msglen, "anchor %lld matches; %lld entries "
			 "since", id,
			 (long long)sqlite3_column_int64(st, 1) - id);
	sqlite3_finalize(st);
	return err;
}

static enum dos_err
hash_fd(int fd, char out[DOS_SHA256_HEX])
{
	crypto_hash_sha256_state s;
	unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
	ssize_t r;

	crypto_hash_sha256_init(&s);
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		crypto_hash_sha256_update(&s, buf, (size_t)r);
	if (r < 0)
		return DOS_IO;
	crypto_hash_sha256_final(&s, h);
	dos_hex(h, sizeof(h), out);
	return DOS_OK;
}

static enum dos_err
verify_blobs(struct arc *a, json_t *problems, json_int_t *pcount,
	     json_int_t *pdestroyed_left)
{
	sqlite3_stmt *st = NULL;
	char hash[DOS_SHA256_HEX];
	const char *sha;
	uint64_t size;
	int fd, rc;
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT sha256, size, destroyed IS NOT "
				  "NULL FROM blob", &st)))
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sha = arc_col_text(st, 0);
		/* Destroyed on purpose (a purged original): its row says
		 * what it was; a file left by an interrupted purge is
		 * counted with the unreferenced ones. */
		if (sqlite3_column_int(st, 2)) {
			if (arc_blob_open(a, sha, &fd, &size) == DOS_OK) {
				close(fd);
				(*pdestroyed_left)++;
			}
			continue;
		}
		(*pcount)++;
		if (arc_blob_open(a, sha, &fd, &size) != DOS_OK) {
			problem(problems, "blob", sha, "missing");
			continue;
		}
		if (size != (uint64_t)sqlite3_column_int64(st, 1))
			problem(problems, "blob", sha, "size differs");
		if (hash_fd(fd, hash) != DOS_OK)
			problem(problems, "blob", sha, "unreadable");
		else if (strcmp(hash, sha) != 0)
			problem(problems, "blob", sha,
				"content altered (SHA-256 mismatch)");
		close(fd);
	}
	if (rc != SQLITE_DONE)
		unread(a, problems, "blob", "the list of blobs", rc);
	sqlite3_finalize(st);
	return DOS_OK;
}

/* Whether a file of the blob store holds the bytes its name promises. */
static int
file_matches(const char *path, const char *sha)
{
	char hash[DOS_SHA256_HEX];
	int fd, ok;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	ok = hash_fd(fd, hash) == DOS_OK && strcmp(hash, sha) == 0;
	close(fd);
	return ok;
}

/*
 * Files of the blob store that no catalogue row names.  A blob is stored
 * (fsynced, renamed) before the transaction that refers to it commits, so
 * an ingest that was killed or failed before committing leaves its blobs
 * behind (re-used when the same bytes come again); a purge unlinks files
 * after its transaction commits, so a crash in between leaves some too;
 * a write cut short leaves a file in tmp/.  These are explained in notes.  A file whose bytes do not match its name, or that is no blob at
 * all, is a problem.
 */
static enum dos_err
verify_unreferenced(struct arc *a, json_t *problems, json_t *notes,
		    json_int_t *porphans)
{
	sqlite3_stmt *st = NULL;
	DIR *top = NULL, *sub = NULL;
	struct dirent *e, *f;
	char dir[4096], path[4096], obj[4200];
	json_int_t temps = 0;
	enum dos_err err;
	int rc;

	if ((err = arc_prepare(a, "SELECT 1 FROM blob WHERE sha256 = ?",
			       &st)) != DOS_OK)
		return err;
	if ((top = opendir(a->blobdir)) == NULL) {
		problem(problems, "blob", "blobs/", "blob store unreadable");
		goto tmp;
	}
	while ((e = readdir(top)) != NULL) {
		if (e->d_name[0] == '.' &&
		    (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0))
			continue;
		snprintf(obj, sizeof(obj), "blobs/%s", e->d_name);
		if (strlen(e->d_name) != 2 ||
		    dos_snprintf(dir, sizeof(dir), "%s/%s", a->blobdir,
				 e->d_name) != DOS_OK ||
		    (sub = opendir(dir)) == NULL) {
			problem(problems, "blob", obj,
				"unexpected entry in the blob store");
			continue;
		}
		while ((f = readdir(sub)) != NULL) {
			if (f->d_name[0] == '.' &&
			    (f->d_name[1] == '\0' || strcmp(f->d_name, "..") == 0))
				continue;
			snprintf(obj, sizeof(obj), "blobs/%s/%s", e->d_name,
				 f->d_name);
			if (arc_blob_path(a, f->d_name, path, sizeof(path)) !=
				    DOS_OK ||
			    strncmp(f->d_name, e->d_name, 2) != 0) {
				problem(problems, "blob", obj,
					"unexpected file in the blob store");
				continue;
			}
			sqlite3_reset(st);
			arc_bind_text(st, 1, f->d_name);
			if ((rc = sqlite3_step(st)) == SQLITE_ROW)
				continue; /* checked by verify_blobs */
			if (rc != SQLITE_DONE) {
				unread(a, problems, f->d_name,
				       "the blob's catalogue row", rc);
				continue;
			}
			if (!file_matches(path, f->d_name))
				problem(problems, "blob", f->d_name,
					"unreferenced file whose content does "
					"not match its name");
			else
				(*porphans)++;
		}
		closedir(sub);
		sub = NULL;
	}
tmp:
	if ((sub = opendir(a->tmpdir)) != NULL) {
		while ((f = readdir(sub)) != NULL)
			if (!(f->d_name[0] == '.' &&
			      (f->d_name[1] == '\0' ||
			       strcmp(f->d_name, "..") == 0)))
				temps++;
		closedir(sub);
		sub = NULL;
	}
	if (*porphans > 0)
		json_array_append_new(
			notes,
			json_sprintf("%lld unreferenced blob file(s): stored "
				     "for an ingest that was interrupted or "
				     "failed before its catalogue transaction "
				     "committed, or left by an interrupted "
				     "purge; no document refers to them",
				     (long long)*porphans));
	if (temps > 0)
		json_array_append_new(
			notes, json_sprintf("%lld temporary file(s) in tmp/ "
					    "from interrupted or running "
					    "writes; harmless",
					    (long long)temps));
	if (top != NULL)
		closedir(top);
	sqlite3_finalize(st);
	return DOS_OK;
}

static enum dos_err
verify_refs(struct arc *a, json_t *problems)
{
	static const char *const checks[][2] = {
		{"SELECT 'page:' || id FROM page WHERE processed_sha256 NOT IN "
		 "(SELECT sha256 FROM blob WHERE destroyed IS NULL) OR "
		 "thumb_sha256 NOT IN (SELECT sha256 FROM blob WHERE "
		 "destroyed IS NULL)",
		 "page refers to a blob the catalogue does not hold"},
		{"SELECT 'document:' || id FROM document WHERE pdf_sha256 "
		 "NOT IN (SELECT sha256 FROM blob WHERE destroyed IS NULL)",
		 "document's searchable PDF refers to a missing blob"},
		{"SELECT 'source:' || s.id FROM source s WHERE EXISTS (SELECT 1 "
		 "FROM document d WHERE d.source_id = s.id AND d.status <> "
		 "'purged') AND s.sha256 IN (SELECT sha256 FROM blob WHERE "
		 "destroyed IS NOT NULL)",
		 "the original of a file with documents left was destroyed"},
		{"SELECT 'certificate:' || id FROM disposal_certificate WHERE "
		 "sha256 NOT IN (SELECT sha256 FROM blob WHERE destroyed IS "
		 "NULL)",
		 "disposal certificate refers to a missing blob"},
		{"SELECT 'source:' || id FROM source WHERE sha256 NOT IN "
		 "(SELECT sha256 FROM blob)",
		 "source file refers to a missing blob"},
		{"SELECT 'document:' || d.id FROM document d WHERE d.npages <> "
		 "(SELECT count(*) FROM page p WHERE p.document_id = d.id) "
		 "AND d.status <> 'purged'",
		 "document is incomplete: page count differs"},
		{"SELECT 'source:' || s.id FROM source s WHERE s.pages <> "
		 "(SELECT count(*) FROM page p JOIN document d ON "
		 "d.id = p.document_id WHERE d.source_id = s.id) + "
		 "(SELECT count(*) FROM skipped_page k WHERE k.source_id = s.id) "
		 "+ (SELECT coalesce(sum(npages), 0) FROM document d WHERE "
		 "d.source_id = s.id AND d.status = 'purged')",
		 "pages of this source file are unaccounted for"},
	};
	sqlite3_stmt *st = NULL;
	size_t i;
	enum dos_err err;
	int rc;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if ((err = arc_prepare(a, checks[i][0], &st)) != DOS_OK)
			return err;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			problem(problems, "reference", arc_col_text(st, 0),
				checks[i][1]);
		if (rc != SQLITE_DONE)
			unread(a, problems, "references",
			       "the check of references", rc);
		sqlite3_finalize(st);
	}
	return DOS_OK;
}

enum dos_err
arc_verify(struct arc *a, json_t **preport)
{
	json_t *problems = json_array(), *notes = json_array();
	json_int_t nentries = 0, nblobs = 0, norphans = 0, nleft = 0;
	char head[96];
	enum dos_err err;

	*preport = NULL;
	if (problems == NULL || notes == NULL) {
		json_decref(problems);
		json_decref(notes);
		return DOS_NOMEM;
	}
	if ((err = verify_catalogue(a, problems)) != DOS_OK ||
	    (err = verify_audit(a, problems, &nentries, head,
				sizeof(head))) != DOS_OK ||
	    (err = verify_blobs(a, problems, &nblobs, &nleft)) != DOS_OK ||
	    (err = verify_unreferenced(a, problems, notes, &norphans)) !=
		    DOS_OK ||
	    (err = verify_refs(a, problems)) != DOS_OK) {
		json_decref(problems);
		json_decref(notes);
		return err;
	}
	if (nleft > 0)
		json_array_append_new(
			notes, json_sprintf("%lld file(s) of purged originals "
					    "still on disk (a purge was "
					    "interrupted after it committed); "
					    "no document refers to them",
					    (long long)nleft));
	*preport = json_pack("{s:b,s:I,s:s,s:I,s:I,s:o,s:o}", "ok",
			     json_array_size(problems) == 0, "audit_entries",
			     nentries, "audit_head", head, "blobs", nblobs,
			     "unreferenced_blobs", norphans, "problems",
			     problems, "notes", notes);
	if (*preport == NULL)
		return DOS_NOMEM;
	return json_array_size(problems) == 0 ? DOS_OK : DOS_CORRUPT;
}

/* " AND x.col = value" when value is given. */
static void
equal(struct arc_sql *q, const char *col, const char *value)
{
	if (value == NULL)
		return;
	arc_sql_add(q, " AND x.");
	arc_sql_add(q, col);
	arc_sql_add(q, " = ");
	arc_sql_text(q, value, 0);
}

/* The entries matching f (at most f->limit, newest first) that who may
 * read (arc_audit_scope_cond; NULL: all), after the caller checked that
 * who may read the log. */
static enum dos_err
audit_rows(struct arc *a, const struct arc_user *who,
	   const struct arc_audit_filter *f, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	struct arc_sql q;
	char qmsg[64];
	json_t *arr;
	enum dos_err err;
	int rc;

	*pout = NULL;
	arc_sql_init(&q, a, qmsg, sizeof(qmsg));
	arc_sql_add(&q, "SELECT x.id, x.ts, x.actor, x.action, x.object, "
			"x.detail FROM audit x WHERE 1");
	if (f->before > 0) {
		arc_sql_add(&q, " AND x.id < ");
		arc_sql_int(&q, f->before);
	}
	equal(&q, "actor", f->actor);
	equal(&q, "action", f->action);
	equal(&q, "object", f->object);
	if (f->from != NULL) {
		arc_sql_add(&q, " AND x.ts >= ");
		arc_sql_text(&q, f->from, 0);
	}
	if (f->to != NULL) {
		arc_sql_add(&q, " AND substr(x.ts, 1, 10) <= ");
		arc_sql_text(&q, f->to, 0);
	}
	arc_audit_scope_cond(&q, who);
	arc_sql_add(&q, " ORDER BY x.id DESC LIMIT ");
	arc_sql_int(&q, f->limit < 1 ? 100 : f->limit > 1000 ? 1000
							  : f->limit);
	if ((err = q.err) == DOS_OK &&
	    (err = arc_prepare(a, q.sql.data, &st)) == DOS_OK)
		arc_sql_bind(&q, st);
	arc_sql_free(&q);
	if (err != DOS_OK)
		return err;
	if ((arr = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
			arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id",
				       (json_int_t)sqlite3_column_int64(st, 0),
				       "ts", arc_col_text(st, 1), "actor",
				       arc_col_text(st, 2), "action",
				       arc_col_text(st, 3), "object",
				       arc_col_text(st, 4), "detail",
				       arc_col_text(st, 5)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return DOS_DB;
	}
	*pout = arr;
	return DOS_OK;
}

enum dos_err
arc_audit_list(struct arc *a, const struct arc_user *who,
	       const struct arc_audit_filter *f, json_t **pout, char *msg,
	       size_t msglen)
{
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_may(a, who, ARC_AUDIT_READ, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	if ((err = arc_audit(a, who->name, "audit.read", "-", "")) != DOS_OK)
		return err;
	return audit_rows(a, who, f, pout);
}

enum dos_err
arc_doc_history(struct arc *a, const struct arc_user *who, int64_t doc,
		json_t **pout, char *msg, size_t msglen)
{
	struct arc_audit_filter f;
	char obj[48];
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_may(a, who, ARC_VIEW, ARC_OBJ_DOC, doc, msg, msglen)) !=
	    DOS_OK)
		return err;
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	/* Who did what to a document says much of it: a read. */
	if ((err = arc_audit_read(a, who->name, "view", obj, "history")) !=
	    DOS_OK)
		return err;
	memset(&f, 0, sizeof(f));
	f.object = obj;
	f.limit = 200;
	return audit_rows(a, NULL, &f, pout);
}
