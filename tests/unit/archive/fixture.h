/*
 * fixture.h: what the archive unit tests share: committing a one-page
 * document without OCR (distinct original bytes per call), adding a
 * customer.
 */
#ifndef TESTS_ARCHIVE_FIXTURE_H
#define TESTS_ARCHIVE_FIXTURE_H

#include "harness.h"

#include "dossier/archive.h"

/* The document's fields; NULL ones are left empty. */
struct fx_doc {
	const char *account, *category, *type, *date, *status, *text;
};

/* Commits d as batch's n-th source by actor; returns the document id. */
static inline int64_t
fx_commit(struct arc *a, int64_t batch, const char *actor, int n,
	  const struct fx_doc *fd)
{
	char orig[64], name[32], o[DOS_SHA256_HEX], p[DOS_SHA256_HEX],
		t[DOS_SHA256_HEX];
	struct arc_page_in pg;
	struct arc_doc_in d;
	struct arc_source_in s;

	snprintf(orig, sizeof(orig), "original %d", n);
	snprintf(name, sizeof(name), "scan-%d.tif", n);
	assert_int_equal(arc_blob_put(a, orig, strlen(orig), o), DOS_OK);
	assert_int_equal(arc_blob_put(a, "processed", 9, p), DOS_OK);
	assert_int_equal(arc_blob_put(a, "thumb", 5, t), DOS_OK);
	memset(&pg, 0, sizeof(pg));
	pg.processed = p;
	pg.thumb = t;
	pg.width = pg.height = 100;
	pg.dpi = 300;
	pg.ocr_confidence = 90;
	pg.text = fd->text != NULL ? fd->text : "page text";
	memset(&d, 0, sizeof(d));
	d.account = fd->account;
	d.category = fd->category;
	d.doc_type = fd->type;
	d.date = fd->date;
	d.status = fd->status != NULL ? fd->status : "archived";
	d.pages = &pg;
	d.npages = 1;
	memset(&s, 0, sizeof(s));
	s.name = name;
	s.sha256 = o;
	s.size = strlen(orig);
	s.format = "tiff";
	s.npages = 1;
	s.batch_id = batch;
	s.actor = actor;
	s.docs = &d;
	s.ndocs = 1;
	assert_int_equal(arc_source_commit(a, &s), DOS_OK);
	return d.id;
}

/* Adds customer number (named after it) of type with one account, in
 * unit, managed by manager (each may be NULL), as who. */
static inline void
fx_customer(struct arc *a, const struct arc_user *who, const char *number,
	    const char *type, const char *account, const char *unit,
	    const char *manager)
{
	struct arc_customer_in c;
	const char *accs[1] = {account};
	char msg[256];

	memset(&c, 0, sizeof(c));
	c.number = number;
	c.name = number;
	c.type = type;
	c.unit = unit;
	c.manager = manager;
	c.accounts = accs;
	c.naccounts = 1;
	assert_int_equal(arc_customer_add(a, who, &c, msg, sizeof(msg)),
			 DOS_OK);
}

#endif
