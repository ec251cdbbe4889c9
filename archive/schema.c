/*
 * schema.c: the catalogue schema, versioned by PRAGMA user_version, with
 * forward migrations each run in one transaction.  Exports arc_schema_migrate.
 */
#include <stdio.h>

#include "internal.h"

/* migrations[i] brings the schema from version i to version i + 1. */
static const char *const migrations[] = {
	/* 0 -> 1: the first slice */
	"CREATE TABLE blob("
	"  sha256 TEXT PRIMARY KEY,"
	"  size INTEGER NOT NULL,"
	"  created TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE batch("
	"  id INTEGER PRIMARY KEY,"
	"  user TEXT NOT NULL,"
	"  started TEXT NOT NULL,"
	"  finished TEXT,"
	"  files INTEGER NOT NULL DEFAULT 0,"
	"  pages INTEGER NOT NULL DEFAULT 0,"
	"  documents INTEGER NOT NULL DEFAULT 0,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL DEFAULT 'running'"
	");"
	"CREATE TABLE source("
	"  id INTEGER PRIMARY KEY,"
	"  sha256 TEXT NOT NULL UNIQUE REFERENCES blob(sha256),"
	"  name TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  format TEXT NOT NULL,"
	"  pages INTEGER NOT NULL,"
	"  batch_id INTEGER REFERENCES batch(id),"
	"  added TEXT NOT NULL"
	");"
	"CREATE TABLE document("
	"  id INTEGER PRIMARY KEY,"
	"  account TEXT,"
	"  category TEXT,"
	"  title TEXT,"
	"  added TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  source_id INTEGER NOT NULL REFERENCES source(id),"
	"  batch_id INTEGER REFERENCES batch(id),"
	"  npages INTEGER NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 1"
	");"
	"CREATE INDEX document_account ON document(account);"
	"CREATE INDEX document_source ON document(source_id);"
	"CREATE TABLE page("
	"  id INTEGER PRIMARY KEY,"
	"  document_id INTEGER NOT NULL REFERENCES document(id),"
	"  seq INTEGER NOT NULL,"
	"  source_index INTEGER NOT NULL,"
	"  processed_sha256 TEXT NOT NULL REFERENCES blob(sha256),"
	"  thumb_sha256 TEXT NOT NULL REFERENCES blob(sha256),"
	"  width INTEGER NOT NULL,"
	"  height INTEGER NOT NULL,"
	"  dpi INTEGER NOT NULL,"
	"  rotation INTEGER NOT NULL,"
	"  skew_deg REAL NOT NULL,"
	"  ocr_confidence REAL NOT NULL,"
	"  blank INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  words TEXT NOT NULL,"
	"  UNIQUE(document_id, seq)"
	");"
	"CREATE TABLE barcode("
	"  page_id INTEGER NOT NULL REFERENCES page(id),"
	"  type TEXT NOT NULL,"
	"  value TEXT NOT NULL"
	");"
	"CREATE INDEX barcode_page ON barcode(page_id);"
	"CREATE INDEX barcode_value ON barcode(value);"
	"CREATE VIRTUAL TABLE page_fts USING fts5("
	"  text, content='page', content_rowid='id',"
	"  tokenize='unicode61 remove_diacritics 2');"
	"CREATE TABLE user("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL,"
	"  unit TEXT,"
	"  clearance TEXT,"
	"  pwhash TEXT NOT NULL,"
	"  created TEXT NOT NULL,"
	"  disabled INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE audit("
	"  id INTEGER PRIMARY KEY,"
	"  ts TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  prev TEXT NOT NULL,"
	"  hash TEXT NOT NULL"
	");",
	/* 1 -> 2: splitting a stack into documents */
	"ALTER TABLE document ADD COLUMN serial INTEGER;"
	"ALTER TABLE document ADD COLUMN review_reason TEXT;"
	"CREATE INDEX document_serial ON document(serial);"
	"CREATE INDEX document_status ON document(status);"
	"CREATE TABLE skipped_page("
	"  source_id INTEGER NOT NULL REFERENCES source(id),"
	"  source_index INTEGER NOT NULL,"
	"  role TEXT NOT NULL,"
	"  processed_sha256 TEXT NOT NULL REFERENCES blob(sha256),"
	"  thumb_sha256 TEXT NOT NULL REFERENCES blob(sha256),"
	"  barcode TEXT,"
	"  PRIMARY KEY(source_id, source_index)"
	");",
	/* 2 -> 3: searchable PDFs, every file of a batch with its outcome */
	"ALTER TABLE document ADD COLUMN pdf_sha256 TEXT "
	"  REFERENCES blob(sha256);"
	"ALTER TABLE document ADD COLUMN doc_date TEXT;"
	"CREATE TABLE batch_file("
	"  batch_id INTEGER NOT NULL REFERENCES batch(id),"
	"  name TEXT NOT NULL,"
	"  sha256 TEXT,"
	"  outcome TEXT NOT NULL,"
	"  pages INTEGER NOT NULL DEFAULT 0,"
	"  documents INTEGER NOT NULL DEFAULT 0,"
	"  error TEXT,"
	"  at TEXT NOT NULL"
	");"
	"CREATE INDEX batch_file_batch ON batch_file(batch_id);",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

static enum dos_err
get_version(struct arc *a, int *pv)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "PRAGMA user_version", &st)) != DOS_OK)
		return err;
	*pv = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return DOS_OK;
}

enum dos_err
arc_schema_migrate(struct arc *a)
{
	char sql[64];
	int v, i;
	enum dos_err err;

	if ((err = get_version(a, &v)) != DOS_OK)
		return err;
	if (v > NMIGRATIONS) {
		dos_errx("%s: catalogue schema version %d is newer than this "
			 "program (%d); upgrade dossier", __func__, v,
			 NMIGRATIONS);
		return DOS_CONFLICT;
	}
	if (v == NMIGRATIONS)
		return DOS_OK;
	if (a->flags & ARC_READONLY) {
		dos_errx("%s: catalogue needs migration but is opened read-only",
			 __func__);
		return DOS_PERM;
	}
	for (i = v; i < NMIGRATIONS; i++) {
		if ((err = arc_tx_begin(a)) != DOS_OK)
			return err;
		if ((err = arc_exec(a, migrations[i])) != DOS_OK)
			goto fail;
		if ((err = dos_snprintf(sql, sizeof(sql),
					"PRAGMA user_version = %d", i + 1)) !=
			DOS_OK)
			goto fail;
		if ((err = arc_exec(a, sql)) != DOS_OK)
			goto fail;
		if ((err = arc_tx_commit(a)) != DOS_OK)
			return err;
		dos_debugx("%s: catalogue migrated to version %d", __func__,
			   i + 1);
	}
	return DOS_OK;
fail:
	arc_tx_rollback(a);
	return err;
}
