/*
 * export.h: auditor exports.  A bundle is one ZIP file holding, per
 * document, its searchable PDF, optionally its original scan, and its
 * metadata, with a manifest (CSV and JSON, the SHA-256 and size of every
 * file) signed with the archive's Ed25519 key, the documents' audit
 * entries and a README saying how to check it.  exp_verify checks a
 * bundle without the archive.  Also: a metadata-only CSV for
 * spreadsheets, and the audit log of a period.
 *
 * Every output is written to a temporary file beside it, fsynced and
 * renamed into place: a failed export leaves nothing behind.
 */
#ifndef DOSSIER_EXPORT_H
#define DOSSIER_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dossier/archive.h"

/* Limits exp_verify applies before reading a bundle. */
#define EXP_MAX_ENTRIES 3000000
#define EXP_MAX_MANIFEST (256u << 20)

/* How far an export is: documents written of total, bytes so far. */
struct exp_progress {
	size_t done, total;
	uint64_t bytes, total_bytes;
};
typedef void (*exp_progress_fn)(void *arg, const struct exp_progress *p);

/* What to export, why, and how. */
struct exp_opts {
	const char *query;             /* search language; NULL or "" for
					* every document (with lists: theirs) */
	const char *const *customers;  /* customer numbers or accounts */
	size_t ncustomers;
	const int64_t *docs;           /* document ids */
	size_t ndocs;
	const char *reason;            /* required: audited with the query */
	int originals;                 /* also each original scan */
	exp_progress_fn progress;      /* may be NULL */
	void *arg;
};

/* What an export wrote. */
struct exp_result {
	size_t documents, pages, files;
	uint64_t bytes;                    /* of the output file */
	char manifest_sha[DOS_SHA256_HEX]; /* of manifest.json (bundle) or
					    * of the CSV file */
};

/*
 * Writes the bundle of the documents u may export that match o to path.
 * On failure msg says why in words: DOS_INVAL (a bad query, no reason),
 * DOS_PERM (u may not export), DOS_NOTFOUND (an unknown listed customer
 * or document), DOS_CORRUPT (a stored file does not match its digest).
 */
enum dos_err exp_bundle(struct arc *a, const struct arc_user *u,
			const struct exp_opts *o, const char *path,
			struct exp_result *res, char *msg, size_t msglen);

/* The same selection as metadata only, one CSV row a document (audited
 * as an export, with the CSV's SHA-256). */
enum dos_err exp_csv(struct arc *a, const struct arc_user *u,
		     const struct exp_opts *o, const char *path,
		     struct exp_result *res, char *msg, size_t msglen);

/* Output formats of exp_audit_log. */
enum exp_format { EXP_CSV, EXP_JSONL };
/*
 * The audit log from from to to (YYYY-MM-DD inclusive, NULL: open) as
 * CSV or JSON lines with each entry's chain hashes; *pn entries.
 */
enum dos_err exp_audit_log(struct arc *a, const struct arc_user *u,
			   const char *from, const char *to,
			   enum exp_format fmt, const char *path, size_t *pn,
			   char *msg, size_t msglen);

/*
 * Checks a bundle: the manifest's signature, every listed file's size and
 * SHA-256, that none is missing and nothing else is there.  With a
 * trusted key (trusted_pk, named in faults as trusted_name, e.g. "this
 * archive's key"), the signature is checked with that key and the key in
 * the bundle must be it: a bundle changed and re-signed by someone else,
 * with public_key.txt replaced, is consistent in itself, and only a key
 * the verifier holds from elsewhere tells it apart.  Without one
 * (trusted_pk NULL) the signature is checked with the bundle's own key.
 * *preport (caller frees): {"documents": N, "files": M, "faults":
 * ["documents/2-2024-0001/document.pdf: SHA-256 differs from the
 * manifest", ...]}.  DOS_OK when there is no fault, DOS_CORRUPT when
 * there are faults, DOS_FORMAT when path is no readable ZIP (the fault
 * says so), DOS_NOMEM.
 */
enum dos_err exp_verify(const char *path, const unsigned char *trusted_pk,
			const char *trusted_name, json_t **preport);

/*
 * Disposal certificates (certificate.c): whether path looks like one (a
 * JSON file, where a bundle is a ZIP), and its check: the Ed25519
 * signature by the key it names (and, if trusted_pk is not NULL, that
 * it is that key), and that its list holds together.  *preport (caller
 * frees): {"kind": "disposal certificate", "certificate", "disposal",
 * "documents", "originals_destroyed", "signature_valid",
 * "trusted_key_matched", "approved_by", "purged_by", "faults": [...]}.
 * DOS_OK, DOS_CORRUPT with faults, DOS_FORMAT when it is no certificate.
 */
int exp_cert_is(const char *path);
enum dos_err exp_cert_verify(const char *path,
			     const unsigned char *trusted_pk,
			     json_t **preport);

/* A public key as the PEM text of public_key.txt (openssl reads it);
 * out needs EXP_PEM_MAX bytes. */
#define EXP_PEM_MAX 160
void exp_key_pem(const unsigned char pk[ARC_KEY_PUBLIC_BYTES],
		 char out[EXP_PEM_MAX]);
/* Parses that PEM text back into pk; 0 when it is not one. */
int exp_key_from_pem(const char *pem, size_t len,
		     unsigned char pk[ARC_KEY_PUBLIC_BYTES]);

#endif
