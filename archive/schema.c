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
	/*
	 * 3 -> 4: customer dossiers: customers with many accounts, the
	 * category classes with their catalogue numbers, archive numbers
	 * (catalogue / volume / item), document metadata.
	 */
	"CREATE TABLE customer("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  unit TEXT,"
	"  manager TEXT,"
	"  address TEXT,"
	"  phone TEXT,"
	"  legal_rep TEXT,"
	"  credit_rating TEXT,"
	"  notes TEXT,"
	"  created TEXT NOT NULL"
	");"
	"CREATE INDEX customer_unit ON customer(unit);"
	"CREATE INDEX customer_manager ON customer(manager);"
	"CREATE TABLE account("
	"  number TEXT PRIMARY KEY,"
	"  customer_id INTEGER NOT NULL REFERENCES customer(id),"
	"  added TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX account_customer ON account(customer_id);"
	"CREATE TABLE category("
	"  code TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  catalogue INTEGER NOT NULL UNIQUE"
	") WITHOUT ROWID;"
	"INSERT INTO category VALUES"
	"  ('BASIC', 'Basic information', 1),"
	"  ('CONTRACT', 'Contracts and agreements', 2),"
	"  ('CREDIT', 'Credit and repayment', 3),"
	"  ('COMPLAINT', 'Complaints and discounts', 4),"
	"  ('MARKET', 'Market and competitor information', 5),"
	"  ('PROMOTION', 'Promotion and commission records', 6),"
	"  ('DAILY', 'Daily file', 7);"
	"CREATE TABLE category_alias("
	"  alias TEXT PRIMARY KEY COLLATE NOCASE,"
	"  code TEXT NOT NULL REFERENCES category(code)"
	") WITHOUT ROWID;"
	"INSERT INTO category_alias VALUES"
	"  ('KYC', 'BASIC'), ('ID', 'BASIC'), ('REGISTRATION', 'BASIC'),"
	"  ('AGREEMENT', 'CONTRACT'), ('LOAN', 'CREDIT'),"
	"  ('REPAYMENT', 'CREDIT'), ('DISCOUNT', 'COMPLAINT'),"
	"  ('COMMISSION', 'PROMOTION'), ('CORRESPONDENCE', 'DAILY'),"
	"  ('LETTER', 'DAILY'), ('VISIT', 'DAILY'), ('INVOICE', 'DAILY');"
	"CREATE TABLE setting("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;"
	"INSERT INTO setting VALUES ('archive_number_format', '%C-%V-%05I'),"
	"  ('customer_types', 'individual,corporate');"
	"CREATE TABLE item_counter("
	"  category TEXT NOT NULL,"
	"  volume TEXT NOT NULL,"
	"  next_item INTEGER NOT NULL,"
	"  PRIMARY KEY(category, volume)"
	") WITHOUT ROWID;"
	"ALTER TABLE document ADD COLUMN customer_id INTEGER "
	"  REFERENCES customer(id);"
	"ALTER TABLE document ADD COLUMN catalogue INTEGER;"
	"ALTER TABLE document ADD COLUMN volume TEXT;"
	"ALTER TABLE document ADD COLUMN item INTEGER;"
	"ALTER TABLE document ADD COLUMN archive_no TEXT;"
	"ALTER TABLE document ADD COLUMN doc_type TEXT;"
	"ALTER TABLE document ADD COLUMN signatory TEXT;"
	"ALTER TABLE document ADD COLUMN keywords TEXT;"
	"ALTER TABLE document ADD COLUMN confidentiality TEXT NOT NULL "
	"  DEFAULT 'internal';"
	"ALTER TABLE document ADD COLUMN searchable INTEGER NOT NULL "
	"  DEFAULT 1;"
	"ALTER TABLE document ADD COLUMN location TEXT;"
	"CREATE UNIQUE INDEX document_archive_no ON document(archive_no);"
	"CREATE INDEX document_customer ON document(customer_id);"
	"CREATE INDEX document_category ON document(category);"
	/* every change to a document's metadata, with who, when and why */
	"CREATE TABLE document_version("
	"  document_id INTEGER NOT NULL REFERENCES document(id),"
	"  version INTEGER NOT NULL,"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  before TEXT NOT NULL,"
	"  after TEXT NOT NULL,"
	"  PRIMARY KEY(document_id, version)"
	") WITHOUT ROWID;"
	"CREATE TABLE deletion("
	"  id INTEGER PRIMARY KEY,"
	"  document_id INTEGER NOT NULL REFERENCES document(id),"
	"  reason TEXT NOT NULL,"
	"  requested_by TEXT NOT NULL,"
	"  requested_at TEXT NOT NULL,"
	"  approved_by TEXT,"
	"  approved_at TEXT,"
	"  hold_until TEXT,"
	"  status TEXT NOT NULL,"
	"  closed_by TEXT,"
	"  closed_at TEXT"
	");"
	"CREATE INDEX deletion_document ON deletion(document_id);"
	"CREATE TABLE legal_hold("
	"  id INTEGER PRIMARY KEY,"
	"  customer_id INTEGER REFERENCES customer(id),"
	"  document_id INTEGER REFERENCES document(id),"
	"  reason TEXT NOT NULL,"
	"  placed_by TEXT NOT NULL,"
	"  placed_at TEXT NOT NULL,"
	"  released_by TEXT,"
	"  released_at TEXT,"
	"  CHECK ((customer_id IS NULL) <> (document_id IS NULL))"
	");"
	"CREATE TABLE tombstone("
	"  document_id INTEGER PRIMARY KEY REFERENCES document(id),"
	"  archive_no TEXT,"
	"  purged_by TEXT NOT NULL,"
	"  purged_at TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  hashes TEXT NOT NULL"
	");",
	/*
	 * 4 -> 5: completeness checklists per customer type, OCR text
	 * corrections as page versions, the process running a batch.
	 */
	"CREATE TABLE checklist_item("
	"  id INTEGER PRIMARY KEY,"
	"  customer_type TEXT,"	/* NULL: every type */
	"  label TEXT NOT NULL,"
	"  category TEXT NOT NULL REFERENCES category(code),"
	"  doc_type TEXT,"		/* NULL: any document of the category */
	"  min_count INTEGER NOT NULL DEFAULT 1,"
	"  months INTEGER,"		/* one dated in each of the last N months */
	"  applies_if TEXT REFERENCES category(code)" /* only when held */
	");"
	"INSERT INTO checklist_item(customer_type, label, category, doc_type,"
	"  min_count, months, applies_if) VALUES"
	"  ('individual', 'Account opening form', 'BASIC',"
	"   'application_form', 1, NULL, NULL),"
	"  ('individual', 'ID copy', 'BASIC', 'id_copy', 1, NULL, NULL),"
	"  ('corporate', 'Registration form', 'BASIC', 'registration_form',"
	"   1, NULL, NULL),"
	"  ('corporate', 'Business licence', 'BASIC', 'business_licence',"
	"   1, NULL, NULL),"
	"  ('corporate', 'ID copy of the legal representative', 'BASIC',"
	"   'id_copy', 1, NULL, NULL),"
	"  ('corporate', 'Authorised signatories', 'BASIC', 'signatories',"
	"   1, NULL, NULL),"
	"  (NULL, 'Loan application form', 'CREDIT', 'loan_application',"
	"   1, NULL, 'CREDIT'),"
	"  (NULL, 'Credit report', 'CREDIT', 'credit_report', 1, NULL,"
	"   'CREDIT'),"
	"  (NULL, 'Appraisal', 'CREDIT', 'appraisal', 1, NULL, 'CREDIT'),"
	"  (NULL, 'Account statements, last six months', 'CREDIT',"
	"   'statement', 1, 6, 'CREDIT'),"
	"  (NULL, 'Loan approval form', 'CREDIT', 'approval', 1, NULL,"
	"   'CREDIT'),"
	"  (NULL, 'Loan contract', 'CONTRACT', 'loan_contract', 1, NULL,"
	"   'CREDIT');"
	"CREATE INDEX document_doc_type ON document(doc_type);"
	/* earlier texts of a page; page.text is the current one */
	"CREATE TABLE page_text_version("
	"  page_id INTEGER NOT NULL REFERENCES page(id),"
	"  version INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  replaced_at TEXT NOT NULL,"
	"  replaced_by TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  PRIMARY KEY(page_id, version)"
	") WITHOUT ROWID;"
	"ALTER TABLE page ADD COLUMN text_version INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE batch ADD COLUMN pid INTEGER;"
	"ALTER TABLE batch ADD COLUMN host TEXT;"
	"CREATE INDEX batch_status ON batch(status);"
	"CREATE INDEX document_added ON document(added);",
	/*
	 * 5 -> 6: one full-text row per document (OCR text of every page,
	 * title, keywords, signatory) with a tokenizer that also cuts
	 * Chinese, Japanese and Korean into bigrams; the OCR languages.
	 */
	"DROP TABLE page_fts;"
	"ALTER TABLE document ADD COLUMN lang TEXT;"
	"CREATE VIEW doc_fts_src AS SELECT d.id AS id,"
	"  (SELECT group_concat(text, char(10)) FROM (SELECT text FROM page"
	"   WHERE document_id = d.id ORDER BY seq)) AS text,"
	"  d.title AS title, d.keywords AS keywords, d.signatory AS signatory"
	"  FROM document d;"
	"CREATE VIRTUAL TABLE doc_fts USING fts5(text, title, keywords,"
	"  signatory, content='doc_fts_src', content_rowid='id',"
	"  tokenize='dossier');"
	"INSERT INTO doc_fts(doc_fts) VALUES ('rebuild');"
	"CREATE VIRTUAL TABLE doc_fts_vocab USING fts5vocab(doc_fts, 'row');"
	"CREATE INDEX document_doc_date ON document(doc_date);"
	"CREATE INDEX document_batch ON document(batch_id);"
	"CREATE INDEX customer_name ON customer(name);",
	/*
	 * 6 -> 7: an auditor's "category in a period" reads one index range.
	 */
	"CREATE INDEX document_category_date ON document(category, doc_date);"
	"ANALYZE document;",
	/*
	 * 7 -> 8: roles as data (built-in ones seeded, more can be added),
	 * a user's category limit, borrow requests and their grants.
	 */
	"CREATE TABLE role("
	"  name TEXT PRIMARY KEY,"
	"  actions TEXT NOT NULL,"
	"  scope TEXT NOT NULL CHECK (scope IN ('own', 'unit', 'all',"
	"    'batches', 'none')),"
	"  unsearchable INTEGER NOT NULL DEFAULT 0,"
	"  clearance INTEGER NOT NULL DEFAULT 1,"
	"  builtin INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;"
	"INSERT INTO role VALUES"
	"  ('clerk', 'search,view,ingest,review,edit', 'batches', 0, 1, 1),"
	"  ('staff', 'search,view,download,edit,delete_request', 'own', 0, 1,"
	"   1),"
	"  ('manager', 'search,view,download,edit,delete_request,approve',"
	"   'unit', 1, 2, 1),"
	"  ('auditor', 'search,view,download,export,audit_read', 'all', 1, 3,"
	"   1),"
	"  ('admin', 'admin,purge', 'none', 0, 0, 1);"
	"ALTER TABLE user ADD COLUMN categories TEXT;"
	"UPDATE user SET clearance = CASE role WHEN 'manager' THEN"
	"  'confidential' WHEN 'auditor' THEN 'secret' WHEN 'admin' THEN"
	"  'public' ELSE 'internal' END WHERE clearance IS NULL;"
	"CREATE TABLE access_grant("
	"  id INTEGER PRIMARY KEY,"
	"  user_name TEXT NOT NULL,"
	"  customer_id INTEGER REFERENCES customer(id),"
	"  document_id INTEGER REFERENCES document(id),"
	"  reason TEXT NOT NULL,"
	"  days INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('requested', 'approved',"
	"    'refused', 'expired')),"
	"  requested TEXT NOT NULL,"
	"  decided_by TEXT,"
	"  decided TEXT,"
	"  until TEXT,"
	"  note TEXT,"
	"  CHECK ((customer_id IS NULL) <> (document_id IS NULL))"
	");"
	"CREATE INDEX access_grant_user ON access_grant(user_name, status);"
	"CREATE INDEX access_grant_status ON access_grant(status, until);",
	/* 8 -> 9: statistics and completeness reports are an action. */
	"UPDATE role SET actions = actions || ',report' WHERE builtin = 1 AND"
	"  name IN ('manager', 'auditor');",
	/*
	 * 9 -> 10: a page turned (or otherwise re-processed) after ingest
	 * keeps what it replaced: image, thumbnail, text, word boxes and the
	 * document PDF of the time, with who, when and why.
	 */
	"CREATE TABLE page_image_version("
	"  page_id INTEGER NOT NULL REFERENCES page(id),"
	"  document_id INTEGER NOT NULL REFERENCES document(id),"
	"  replaced_at TEXT NOT NULL,"
	"  replaced_by TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  processed_sha256 TEXT NOT NULL REFERENCES blob(sha256),"
	"  thumb_sha256 TEXT NOT NULL REFERENCES blob(sha256),"
	"  pdf_sha256 TEXT REFERENCES blob(sha256),"
	"  width INTEGER NOT NULL,"
	"  height INTEGER NOT NULL,"
	"  rotation INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  words TEXT NOT NULL"
	");"
	"CREATE INDEX page_image_version_doc ON page_image_version("
	"  document_id);",
	/*
	 * 10 -> 11: a batch scanned from a scanner keeps its settings (JSON),
	 * so a scan stopped by a jam or a lost device can be resumed.
	 */
	"ALTER TABLE batch ADD COLUMN scan TEXT;",
	/*
	 * 11 -> 12: records management.  Retention rules per category (and
	 * document type), as the configuration file declares them; the
	 * end of a customer relationship and an account's closing; disposal
	 * lists proposed by a records manager and approved by a second
	 * person, with their signed certificates; an original destroyed
	 * keeps its blob row (what it was) but not its bytes.  The learned
	 * classifier's counts (features are 64-bit hashes of words and word
	 * pairs), what each document taught it, and its suggestions.
	 */
	"CREATE TABLE retention_rule("
	"  category TEXT NOT NULL,"
	"  doc_type TEXT NOT NULL DEFAULT '',"	/* '': every type */
	"  amount INTEGER NOT NULL CHECK (amount > 0),"
	"  unit TEXT NOT NULL CHECK (unit IN ('y', 'm', 'd')),"
	"  trigger TEXT NOT NULL CHECK (trigger IN ('document_date',"
	"    'relationship_end', 'account_closed')),"
	"  set_at TEXT NOT NULL,"
	"  PRIMARY KEY(category, doc_type)"
	") WITHOUT ROWID;"
	"ALTER TABLE customer ADD COLUMN closed TEXT;"
	"ALTER TABLE customer ADD COLUMN closed_reason TEXT;"
	"ALTER TABLE account ADD COLUMN closed TEXT;"
	"ALTER TABLE blob ADD COLUMN destroyed TEXT;"
	"INSERT INTO role VALUES ('records',"
	"  'search,view,report,dispose', 'all', 1, 3, 1);"
	"CREATE TABLE disposal("
	"  id INTEGER PRIMARY KEY,"
	"  status TEXT NOT NULL CHECK (status IN ('proposed', 'approved',"
	"    'refused', 'withdrawn', 'done')),"
	"  as_of TEXT NOT NULL,"
	"  note TEXT NOT NULL,"
	"  proposed_by TEXT NOT NULL,"
	"  proposed_at TEXT NOT NULL,"
	"  decided_by TEXT,"
	"  decided_at TEXT,"
	"  decision_note TEXT,"
	"  hold_until TEXT"
	");"
	"CREATE TABLE disposal_item("
	"  disposal_id INTEGER NOT NULL REFERENCES disposal(id),"
	"  document_id INTEGER NOT NULL REFERENCES document(id),"
	"  rule TEXT NOT NULL,"
	"  trigger_date TEXT NOT NULL,"
	"  due TEXT NOT NULL,"
	"  deletion_id INTEGER REFERENCES deletion(id),"
	"  outcome TEXT,"		/* destroyed, kept, or NULL: pending */
	"  note TEXT,"
	"  record TEXT,"		/* what the certificate says of it */
	"  certificate_id INTEGER REFERENCES disposal_certificate(id),"
	"  PRIMARY KEY(disposal_id, document_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX disposal_item_document ON disposal_item(document_id);"
	"CREATE TABLE disposal_certificate("
	"  id INTEGER PRIMARY KEY,"
	"  disposal_id INTEGER NOT NULL REFERENCES disposal(id),"
	"  created TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL REFERENCES blob(sha256),"
	"  documents INTEGER NOT NULL"
	");"
	"CREATE TABLE clf_count("
	"  kind INTEGER NOT NULL,"
	"  feature INTEGER NOT NULL,"
	"  label TEXT NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY(kind, feature, label)"
	") WITHOUT ROWID;"
	"CREATE TABLE clf_label("
	"  kind INTEGER NOT NULL,"
	"  label TEXT NOT NULL,"
	"  docs INTEGER NOT NULL,"
	"  tokens INTEGER NOT NULL,"
	"  PRIMARY KEY(kind, label)"
	") WITHOUT ROWID;"
	"CREATE TABLE clf_vocab("
	"  feature INTEGER PRIMARY KEY,"
	"  n INTEGER NOT NULL"
	");"
	"ALTER TABLE document ADD COLUMN clf_learned TEXT;"
	"ALTER TABLE document ADD COLUMN suggestion TEXT;"
	"ALTER TABLE document ADD COLUMN filed_by TEXT;",
	/*
	 * 12 -> 13: a whole-customer borrow grant lends no more than its
	 * approver may see: the approver's category limit (NULL: every
	 * category) and clearance (0..3) are kept on the grant.  Grants
	 * approved before take their approver's as they are now.
	 */
	"ALTER TABLE access_grant ADD COLUMN categories TEXT;"
	"ALTER TABLE access_grant ADD COLUMN clearance INTEGER;"
	"UPDATE access_grant SET categories = (SELECT nullif(u.categories, "
	"  '') FROM user u WHERE u.name = access_grant.decided_by),"
	"  clearance = coalesce((SELECT CASE u.clearance WHEN 'public' THEN 0"
	"  WHEN 'internal' THEN 1 WHEN 'confidential' THEN 2 WHEN 'secret'"
	"  THEN 3 END FROM user u WHERE u.name = access_grant.decided_by), 3)"
	"  WHERE status = 'approved' AND customer_id IS NOT NULL;",
	/*
	 * 13 -> 14: the work queue (queue.c).  Every unit of heavy work is a
	 * row: a page to read, a file to file once its pages are read, a
	 * page turn, an export, a scan.  A claim holds a lease its worker
	 * renews; a page's result waits here (its images as blobs) until
	 * its file is filed.  Workers say they are alive.
	 */
	"CREATE TABLE job("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('page', 'file', 'turn',"
	"    'export', 'scan', 'view')),"
	"  state TEXT NOT NULL CHECK (state IN ('waiting', 'queued',"
	"    'claimed', 'done', 'failed', 'cancelled')),"
	"  owner TEXT NOT NULL,"
	"  batch_id INTEGER REFERENCES batch(id),"
	"  parent INTEGER REFERENCES job(id),"
	"  seq INTEGER NOT NULL DEFAULT 0,"
	"  priority INTEGER NOT NULL DEFAULT 0,"
	"  pinned INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  worker TEXT,"
	"  lease REAL,"
	"  path TEXT,"
	"  spooled INTEGER NOT NULL DEFAULT 0,"
	"  bytes INTEGER NOT NULL DEFAULT 0,"
	"  pages INTEGER NOT NULL DEFAULT 0,"
	"  spec TEXT NOT NULL,"
	"  progress TEXT,"
	"  result TEXT,"
	"  error TEXT,"
	"  created REAL NOT NULL,"
	"  started REAL,"
	"  finished REAL"
	");"
	"CREATE INDEX job_claim ON job(state, priority, id);"
	"CREATE INDEX job_batch ON job(batch_id, kind, state);"
	"CREATE INDEX job_parent ON job(parent, state);"
	"CREATE INDEX job_owner ON job(owner, kind, state);"
	"CREATE TABLE worker("
	"  name TEXT PRIMARY KEY,"
	"  host TEXT NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  threads INTEGER NOT NULL,"
	"  started REAL NOT NULL,"
	"  seen REAL NOT NULL"
	") WITHOUT ROWID;",
	/*
	 * 14 -> 15: the quality gate: the share of a page's text-like ink
	 * that OCR read, and where it read none (JSON [[x, y, w, h], ...]
	 * on the processed page); NULL for pages read before.
	 */
	"ALTER TABLE page ADD COLUMN read_share REAL;"
	"ALTER TABLE page ADD COLUMN unread TEXT;",
	/*
	 * 15 -> 16: searches a user keeps (their landing screen counts
	 * them); where a document's date was read (its page and the words
	 * printed), shown beside the date until someone changes it.
	 */
	"CREATE TABLE saved_search("
	"  id INTEGER PRIMARY KEY,"
	"  user_name TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  query TEXT NOT NULL,"
	"  created TEXT NOT NULL,"
	"  UNIQUE(user_name, name)"
	");"
	"ALTER TABLE document ADD COLUMN date_note TEXT;",
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
	/* Statements prepared against the old schema are not kept. */
	arc_stmt_flush(a);
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
