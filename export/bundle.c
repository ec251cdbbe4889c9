/*
 * bundle.c: writes an export bundle, one ZIP file (libzip):
 *
 *   README.txt        what this is, who exported it, when, why, how to
 *                     check it
 *   manifest.json     the request, each document's metadata and every
 *                     other file with its SHA-256 and size (signed)
 *   manifest.sig      Ed25519 signature of manifest.json, base64
 *   public_key.txt    the archive's public key (PEM)
 *   manifest.csv      one row a document, for spreadsheets
 *   SHA256SUMS        every file's digest, for sha256sum -c
 *   audit.json        the export's request and the documents' audit
 *                     entries
 *   documents/<archive number>/metadata.json, document.pdf,
 *                     original.<format> (with originals)
 *
 * Each searchable PDF leaves as PDF/A-2b carrying the document's current
 * metadata (ing_pdf_pdfa: title, customer, archive number): it is read
 * from its blob and checked against its digest first, then written to a
 * private folder beside the output, whose digest the manifest lists.
 * Originals are named by their SHA-256 in the archive.  So the manifest
 * is made and signed before the ZIP is written; each file then streams
 * into it (a libzip source function reading the file in chunks, one
 * file open at a time) and is checked against its digest on the way: a
 * damaged blob fails the export.
 * Exports exp_bundle.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <zip.h>

#include "dossier/ingest.h"
#include "dossier/search.h"
#include "internal.h"

/* Memory for the texts made in memory (manifest, audit, metadata). */
#define TEXT_MAX (512u << 20)

struct doc {
	int64_t id;
	char dir[96]; /* documents/<archive number> */
	char *meta;   /* metadata.json */
	size_t metalen;
	int has_pdf;
	char pdf_sha[DOS_SHA256_HEX]; /* of the PDF/A in the bundle */
	uint64_t pdf_size;
	char *pdf_path;               /* where it waits, or NULL */
	char orig_sha[DOS_SHA256_HEX];
	uint64_t orig_size;
	char orig_ext[16];
};

struct bundle;

/* One stored file streamed into the ZIP. */
struct src {
	struct bundle *b;
	size_t doc; /* index into b->docs */
	enum arc_export_part part;
	const char *sha;
	uint64_t size;
	int fd;
	uint64_t got;
	crypto_hash_sha256_state h;
	zip_error_t err;
};

struct bundle {
	struct arc_export *e;
	const struct exp_opts *o;
	struct doc *docs;
	size_t n;
	struct src *srcs;
	size_t nsrc;
	struct exp_progress prog;
	time_t now;
	char *msg;
	size_t msglen;
	json_t *files; /* manifest "files" */
	struct dbuf sums; /* SHA256SUMS */
	char pdfdir[4200]; /* the PDF/A files until zipped, or "" */
};

/* An archive number as a folder name: letters, digits, . _ - only. */
static void
doc_dir(struct doc *d, const json_t *meta)
{
	const char *no = json_string_value(json_object_get(meta,
							   "archive_no"));
	char name[64];
	size_t i;

	if (no == NULL || no[0] == '\0' || no[0] == '.') {
		snprintf(d->dir, sizeof(d->dir), "documents/unnumbered-%lld",
			 (long long)d->id);
		return;
	}
	snprintf(name, sizeof(name), "%s", no);
	for (i = 0; name[i] != '\0'; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' &&
		    name[i] != '_' && name[i] != '.')
			name[i] = '_';
	snprintf(d->dir, sizeof(d->dir), "documents/%s", name);
}

/* The original's extension from its format ("tiff" -> "tiff"). */
static void
orig_ext(struct doc *d, const char *format)
{
	size_t i, j = 0;

	for (i = 0; format != NULL && format[i] != '\0' &&
		    j + 1 < sizeof(d->orig_ext);
	     i++)
		if (isalnum((unsigned char)format[i]))
			d->orig_ext[j++] = (char)tolower(
				(unsigned char)format[i]);
	d->orig_ext[j] = '\0';
	if (j == 0)
		snprintf(d->orig_ext, sizeof(d->orig_ext), "bin");
}

/* Lists a file in the manifest and SHA256SUMS. */
static enum dos_err
list_file(struct bundle *b, const char *path, const char *sha, uint64_t size)
{
	json_t *f = json_pack("{s:s,s:s,s:I}", "path", path, "sha256", sha,
			      "size", (json_int_t)size);

	if (f == NULL || json_array_append_new(b->files, f) != 0)
		return DOS_NOMEM;
	return dbuf_addf(&b->sums, "%s  %s\n", sha, path);
}

static enum dos_err
list_text(struct bundle *b, const char *path, const char *s, size_t n)
{
	char sha[DOS_SHA256_HEX];
	enum dos_err err;

	if ((err = dos_sha256_hex(s, n, sha)) != DOS_OK)
		return err;
	return list_file(b, path, sha, n);
}

/* ---- streaming a stored file into the ZIP ---- */

static zip_int64_t
src_fail(struct src *s, int ze, const char *what)
{
	struct bundle *b = s->b;

	if (b->msg[0] == '\0')
		snprintf(b->msg, b->msglen, "%s/%s: %s",
			 b->docs[s->doc].dir,
			 s->part == ARC_EXPORT_PDF ? "document.pdf"
						   : "original",
			 what);
	zip_error_set(&s->err, ze, ze == ZIP_ER_READ ? errno : 0);
	return -1;
}

static zip_int64_t
src_read(struct src *s, void *data, zip_uint64_t len)
{
	unsigned char dig[crypto_hash_sha256_BYTES];
	char hex[DOS_SHA256_HEX];
	ssize_t r;

	if (len > s->size - s->got + 1)
		len = s->size - s->got + 1;
	do
		r = read(s->fd, data, len);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return src_fail(s, ZIP_ER_READ, strerror(errno));
	if (r == 0) {
		if (s->got != s->size)
			return src_fail(s, ZIP_ER_INCONS,
					"the stored file is shorter than "
					"the catalogue says");
		return 0;
	}
	if ((uint64_t)r > s->size - s->got)
		return src_fail(s, ZIP_ER_INCONS,
				"the stored file is longer than the "
				"catalogue says");
	crypto_hash_sha256_update(&s->h, data, (size_t)r);
	s->got += (uint64_t)r;
	s->b->prog.bytes += (uint64_t)r;
	if (s->got == s->size) {
		crypto_hash_sha256_final(&s->h, dig);
		dos_hex(dig, sizeof(dig), hex);
		if (strcmp(hex, s->sha) != 0)
			return src_fail(s, ZIP_ER_INCONS,
					"the stored file does not match its "
					"SHA-256 (damaged in the archive; run "
					"dossier verify)");
	}
	return r;
}

static zip_int64_t
src_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct src *s = ud;
	struct bundle *b = s->b;
	zip_stat_t *st;
	uint64_t size;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		if (s->part == ARC_EXPORT_PDF &&
		    b->docs[s->doc].pdf_path != NULL) {
			struct stat sb;

			if ((s->fd = open(b->docs[s->doc].pdf_path,
					  O_RDONLY | O_CLOEXEC)) < 0 ||
			    fstat(s->fd, &sb) != 0)
				return src_fail(s, ZIP_ER_OPEN,
						"cannot be opened");
			size = (uint64_t)sb.st_size;
		} else if (arc_export_open(b->e, b->docs[s->doc].id, s->part,
					   &s->fd, &size, b->msg,
					   b->msglen) != DOS_OK)
			return src_fail(s, ZIP_ER_OPEN, "cannot be opened");
		if (size != s->size)
			return src_fail(s, ZIP_ER_INCONS,
					"the stored file's size differs "
					"from the catalogue");
		crypto_hash_sha256_init(&s->h);
		s->got = 0;
		return 0;
	case ZIP_SOURCE_READ: return src_read(s, data, len);
	case ZIP_SOURCE_CLOSE:
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		b->prog.done = s->doc + 1;
		if (b->o->progress != NULL)
			b->o->progress(b->o->arg, &b->prog);
		return 0;
	case ZIP_SOURCE_STAT:
		if ((st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len,
					      &s->err)) == NULL)
			return -1;
		zip_stat_init(st);
		st->size = s->size;
		st->mtime = b->now;
		st->valid |= ZIP_STAT_SIZE | ZIP_STAT_MTIME;
		return sizeof(*st);
	case ZIP_SOURCE_ERROR: return zip_error_to_data(&s->err, data, len);
	case ZIP_SOURCE_FREE:
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		return 0;
	case ZIP_SOURCE_SUPPORTS: return ZIP_SOURCE_SUPPORTS_READABLE;
	default: zip_error_set(&s->err, ZIP_ER_OPNOTSUPP, 0); return -1;
	}
}

/* ---- the ZIP ---- */

static enum dos_err
zip_fail(struct bundle *b, zip_t *za, const char *what)
{
	if (b->msg[0] == '\0')
		snprintf(b->msg, b->msglen, "cannot write the ZIP (%s): %s",
			 what, zip_strerror(za));
	return DOS_IO;
}

static enum dos_err
add_entry(struct bundle *b, zip_t *za, const char *name, zip_source_t *zs,
	  int store)
{
	zip_int64_t i;

	if (zs == NULL)
		return zip_fail(b, za, name);
	if ((i = zip_file_add(za, name, zs, ZIP_FL_ENC_UTF_8)) < 0) {
		zip_source_free(zs);
		return zip_fail(b, za, name);
	}
	if (zip_file_set_mtime(za, (zip_uint64_t)i, b->now, 0) != 0 ||
	    (store && zip_set_file_compression(za, (zip_uint64_t)i,
					       ZIP_CM_STORE, 0) != 0))
		return zip_fail(b, za, name);
	return DOS_OK;
}

static enum dos_err
add_text(struct bundle *b, zip_t *za, const char *name, const char *s,
	 size_t n)
{
	return add_entry(b, za, name, zip_source_buffer(za, s, n, 0), 0);
}

static enum dos_err
add_stored(struct bundle *b, zip_t *za, size_t doc, enum arc_export_part part)
{
	struct doc *d = &b->docs[doc];
	struct src *s = &b->srcs[b->nsrc++];
	char name[160];

	s->b = b;
	s->doc = doc;
	s->part = part;
	s->fd = -1;
	zip_error_init(&s->err);
	if (part == ARC_EXPORT_PDF) {
		s->sha = d->pdf_sha;
		s->size = d->pdf_size;
		snprintf(name, sizeof(name), "%s/document.pdf", d->dir);
	} else {
		s->sha = d->orig_sha;
		s->size = d->orig_size;
		snprintf(name, sizeof(name), "%s/original.%s", d->dir,
			 d->orig_ext);
	}
	return add_entry(b, za, name, zip_source_function(za, src_cb, s), 1);
}

/* The texts at the top of the bundle, in the order they are added. */
enum top { T_README, T_MANIFEST, T_SIG, T_KEY, T_CSV, T_SUMS, T_AUDIT,
	   T__MAX };
static const char *const top_names[T__MAX] = {
	"README.txt", "manifest.json", "manifest.sig", "public_key.txt",
	"manifest.csv", "SHA256SUMS", "audit.json",
};

static enum dos_err
write_zip(struct bundle *b, const char *tmp, char *const text[T__MAX],
	  const size_t len[T__MAX])
{
	zip_t *za;
	size_t i;
	int ze = 0;
	enum dos_err err = DOS_OK;

	if ((za = zip_open(tmp, ZIP_CREATE | ZIP_EXCL, &ze)) == NULL) {
		snprintf(b->msg, b->msglen, "cannot create %s (libzip error "
					    "%d)", tmp, ze);
		return DOS_IO;
	}
	for (i = 0; err == DOS_OK && i < T__MAX; i++)
		err = add_text(b, za, top_names[i], text[i], len[i]);
	for (i = 0; err == DOS_OK && i < b->n; i++) {
		char name[160];

		snprintf(name, sizeof(name), "%s/metadata.json",
			 b->docs[i].dir);
		err = add_text(b, za, name, b->docs[i].meta,
			       b->docs[i].metalen);
		if (err == DOS_OK && b->docs[i].has_pdf)
			err = add_stored(b, za, i, ARC_EXPORT_PDF);
		if (err == DOS_OK && b->o->originals)
			err = add_stored(b, za, i, ARC_EXPORT_ORIGINAL);
	}
	if (err != DOS_OK) {
		zip_discard(za);
		return err;
	}
	/* libzip reads every source now, in order, one at a time. */
	if (zip_close(za) != 0) {
		err = zip_fail(b, za, "close");
		zip_discard(za);
		if (strstr(b->msg, "SHA-256") != NULL ||
		    strstr(b->msg, "catalogue") != NULL)
			err = DOS_CORRUPT;
		else if (strstr(b->msg, "cannot be opened") != NULL)
			err = DOS_NOTFOUND;
	}
	return err;
}

/* ---- the texts ---- */

static char *
readme(const struct bundle *b, const struct arc_user *u, const char *when,
       const char *what, const char *pem, size_t pages)
{
	struct dbuf t;
	enum dos_err err;

	dbuf_init(&t, 1u << 20);
	err = dbuf_addf(
		&t,
		"DOSSIER EXPORT BUNDLE\r\n"
		"=====================\r\n\r\n"
		"This file is a copy of records of a document archive, made "
		"for an audit.\r\n"
		"It holds %zu document(s), %zu page(s), each as the searchable "
		"PDF made when\r\n"
		"it was scanned (page images with the recognised text)%s, "
		"with its\r\nmetadata.\r\n\r\n"
		"Exported by: %s (role %s)\r\n"
		"Exported at: %s (UTC)\r\n"
		"Selection:   %s\r\n"
		"Reason:      %s\r\n\r\n"
		"Only documents the exporting user was allowed to export are "
		"included.\r\nDocuments still in review and deleted documents "
		"are not, unless the query\r\nnamed a status.  The archive "
		"recorded this export in its audit log, with\r\nthe SHA-256 of "
		"manifest.json.\r\n\r\n"
		"CONTENTS\r\n"
		"  manifest.json   every document's metadata and every file "
		"with its SHA-256\r\n"
		"                  and size; signed\r\n"
		"  manifest.sig    Ed25519 signature of manifest.json "
		"(base64)\r\n"
		"  public_key.txt  the archive's public key (PEM)\r\n"
		"  manifest.csv    one row a document, for spreadsheets\r\n"
		"  SHA256SUMS      every listed file's SHA-256\r\n"
		"  audit.json      this export's request and the audit-log "
		"entries of the\r\n"
		"                  exported documents\r\n"
		"  documents/<archive number>/document.pdf, metadata.json%s\r\n"
		"\r\n"
		"HOW TO VERIFY\r\n"
		"First get the archive's public key from the archive's keeper, "
		"by a way\r\nother than this file (on the archive, 'dossier "
		"key > ARCHIVE-KEY.pem'\r\nprints it), and keep it.  The "
		"public_key.txt in this bundle proves\r\nnothing by itself: "
		"whoever changed the bundle could have replaced it\r\nand "
		"signed again.\r\n\r\n"
		"With dossier:\r\n"
		"  dossier verify-export --key ARCHIVE-KEY.pem THIS-FILE.zip\r\n"
		"checks the signature with that key, that the bundle carries "
		"that key,\r\nevery file's SHA-256 and size, and that no file "
		"is missing or added.\r\nBeside the archive, -A ARCHIVE "
		"checks against the archive's own key.\r\nWithout either, "
		"it can only check the bundle against the key it carries,\r\n"
		"and says so.\r\n\r\n"
		"By hand, with unzip, base64, openssl and sha256sum:\r\n"
		"  unzip -d bundle THIS-FILE.zip && cd bundle\r\n"
		"  cmp public_key.txt ARCHIVE-KEY.pem  # must be the same key\r\n"
		"  base64 -d manifest.sig > /tmp/manifest.sig.bin\r\n"
		"  openssl pkeyutl -verify -pubin -inkey ARCHIVE-KEY.pem "
		"-rawin \\\r\n"
		"      -in manifest.json -sigfile /tmp/manifest.sig.bin\r\n"
		"  sha256sum -c SHA256SUMS\r\n"
		"  grep -c '\"sha256\"' manifest.json   # files listed "
		"(each once)\r\n"
		"  find . -type f | wc -l              # the same number + 2 "
		"(manifest.json,\r\n"
		"                                      # manifest.sig)\r\n"
		"The digests in SHA256SUMS must equal those in manifest.json, "
		"which the\r\nsignature covers.  The key this bundle says it "
		"was signed with (compare\r\nit with the key you hold, never "
		"the other way round):\r\n"
		"\r\n%s",
		b->n, pages,
		b->o->originals ? " and the original scan file" : "",
		u->name, u->role, when,
		what,
		b->o->reason, b->o->originals ? ", original.*" : "", pem);
	if (err != DOS_OK) {
		dbuf_free(&t);
		return NULL;
	}
	return dbuf_take(&t, NULL);
}

/*
 * Two documents whose archive numbers make the same folder name would
 * share it: the later one is named by its id.  Documents come in archive
 * number order, so a clash is with one just before.
 */
static void
unique_dir(struct bundle *b, size_t i)
{
	size_t j;

	for (j = i; j-- > 0 && j + 16 >= i;)
		if (strcmp(b->docs[i].dir, b->docs[j].dir) == 0) {
			snprintf(b->docs[i].dir, sizeof(b->docs[i].dir),
				 "documents/id-%lld", (long long)b->docs[i].id);
			return;
		}
}

/* Reads a stored file whole, checking it against its digest. */
static enum dos_err
read_stored(struct bundle *b, struct doc *d, const char *sha,
	    unsigned char **pout, size_t *plen)
{
	unsigned char *p = NULL;
	char hex[DOS_SHA256_HEX];
	uint64_t size;
	size_t got = 0;
	ssize_t r;
	int fd = -1;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_export_open(b->e, d->id, ARC_EXPORT_PDF, &fd, &size,
				   b->msg, b->msglen)) != DOS_OK)
		return err;
	if (size == 0 || size > (1u << 30)) {
		err = DOS_LIMIT;
		goto out;
	}
	if ((p = malloc((size_t)size)) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	while (got < size && (r = read(fd, p + got, (size_t)size - got)) > 0)
		got += (size_t)r;
	if (got != size || dos_sha256_hex(p, got, hex) != DOS_OK ||
	    strcmp(hex, sha) != 0) {
		snprintf(b->msg, b->msglen, "%s/document.pdf: the stored file "
			 "does not match its SHA-256 (damaged in the archive; "
			 "run dossier verify)", d->dir);
		err = DOS_CORRUPT;
		goto out;
	}
	*pout = p;
	*plen = got;
	p = NULL;
out:
	free(p);
	if (fd >= 0)
		close(fd);
	return err;
}

/*
 * The document's PDF as PDF/A with its metadata, written to the bundle's
 * private folder; d's digest and size become the new file's, and meta's
 * "pdf" says both it and what the archive stores.
 */
static enum dos_err
pdfa_prepare(struct bundle *b, struct doc *d, json_t *meta)
{
	struct ing_pdf_meta m;
	unsigned char *in = NULL, *out = NULL;
	char path[4400], stored[DOS_SHA256_HEX];
	size_t inlen = 0, outlen = 0;
	int fd = -1;
	enum dos_err err;

	snprintf(stored, sizeof(stored), "%s", d->pdf_sha);
	if ((err = read_stored(b, d, stored, &in, &inlen)) != DOS_OK)
		goto out;
	memset(&m, 0, sizeof(m));
	m.doc_id = d->id;
	m.title = json_string_value(json_object_get(meta, "title"));
	m.archive_no = json_string_value(json_object_get(meta, "archive_no"));
	m.customer = json_string_value(json_object_get(meta, "customer"));
	m.customer_name = json_string_value(json_object_get(meta,
							    "customer_name"));
	m.created = json_string_value(json_object_get(meta, "added"));
	m.lang = json_string_value(json_object_get(meta, "lang"));
	if ((err = ing_pdf_pdfa(in, inlen, &m, &out, &outlen)) != DOS_OK) {
		snprintf(b->msg, b->msglen, "%s/document.pdf: cannot be made "
			 "PDF/A: %s", d->dir, dos_strerror(err));
		goto out;
	}
	if ((err = dos_snprintf(path, sizeof(path), "%s/%lld.pdf", b->pdfdir,
				(long long)d->id)) != DOS_OK)
		goto out;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		       0600)) < 0 ||
	    write(fd, out, outlen) != (ssize_t)outlen) {
		snprintf(b->msg, b->msglen, "cannot write %s: %s", path,
			 strerror(errno));
		err = DOS_IO;
		goto out;
	}
	if ((d->pdf_path = strdup(path)) == NULL ||
	    (err = dos_sha256_hex(out, outlen, d->pdf_sha)) != DOS_OK) {
		err = DOS_NOMEM;
		goto out;
	}
	d->pdf_size = outlen;
	json_object_set_new(meta, "pdf",
			    json_pack("{s:s,s:I,s:s,s:s}", "sha256", d->pdf_sha,
				      "size", (json_int_t)outlen, "format",
				      "PDF/A-2b", "archive_sha256", stored));
out:
	if (fd >= 0)
		close(fd);
	free(in);
	free(out);
	return err;
}

/* Collects each document's metadata, file list and CSV row. */
static enum dos_err
collect(struct bundle *b, const int64_t *ids, json_t *mdocs,
	struct dbuf *csv, size_t *ppages)
{
	json_t *meta = NULL, *pdf, *orig;
	enum dos_err err = DOS_OK;
	size_t i;

	for (i = 0; err == DOS_OK && i < b->n; i++) {
		struct doc *d = &b->docs[i];

		d->id = ids[i];
		if ((err = arc_export_doc(b->e, d->id, &meta, b->msg,
					  b->msglen)) != DOS_OK)
			break;
		doc_dir(d, meta);
		unique_dir(b, i);
		pdf = json_object_get(meta, "pdf");
		orig = json_object_get(meta, "original");
		if ((d->has_pdf = json_is_object(pdf))) {
			snprintf(d->pdf_sha, sizeof(d->pdf_sha), "%s",
				 json_string_value(
					 json_object_get(pdf, "sha256")));
			d->pdf_size = (uint64_t)json_integer_value(
				json_object_get(pdf, "size"));
			if ((err = pdfa_prepare(b, d, meta)) != DOS_OK)
				break;
		}
		snprintf(d->orig_sha, sizeof(d->orig_sha), "%s",
			 json_string_value(json_object_get(orig, "sha256")));
		d->orig_size = (uint64_t)json_integer_value(
			json_object_get(orig, "size"));
		orig_ext(d, json_string_value(json_object_get(orig,
							      "format")));
		*ppages += (size_t)json_integer_value(
			json_object_get(meta, "pages"));
		b->prog.total_bytes += (d->has_pdf ? d->pdf_size : 0) +
				       (b->o->originals ? d->orig_size : 0);
		if ((d->meta = json_dumps(meta, JSON_INDENT(2))) == NULL) {
			err = DOS_NOMEM;
			break;
		}
		d->metalen = strlen(d->meta);
		err = exp_csv_row(csv, meta);
		if (err == DOS_OK) {
			char name[160];

			json_object_set_new(meta, "folder",
					    json_string(d->dir));
			json_array_append(mdocs, meta);
			snprintf(name, sizeof(name), "%s/metadata.json",
				 d->dir);
			err = list_text(b, name, d->meta, d->metalen);
		}
		if (err == DOS_OK && d->has_pdf) {
			char name[160];

			snprintf(name, sizeof(name), "%s/document.pdf",
				 d->dir);
			err = list_file(b, name, d->pdf_sha, d->pdf_size);
		}
		if (err == DOS_OK && b->o->originals) {
			char name[160];

			snprintf(name, sizeof(name), "%s/original.%s", d->dir,
				 d->orig_ext);
			err = list_file(b, name, d->orig_sha, d->orig_size);
		}
		json_decref(meta);
		meta = NULL;
	}
	json_decref(meta);
	return err;
}

static int
cmp_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, c = *(const int64_t *)y;

	return a < c ? -1 : a > c;
}

enum dos_err
exp_bundle(struct arc *a, const struct arc_user *u, const struct exp_opts *o,
	   const char *path, struct exp_result *res, char *msg, size_t msglen)
{
	struct bundle b;
	struct arc_export_sel sel = {0};
	struct srch_query *q = NULL;
	struct exp_out out = {0};
	struct dbuf csv;
	struct stat sb;
	unsigned char pk[ARC_KEY_PUBLIC_BYTES], sig[ARC_SIGNATURE_BYTES];
	char when[32], pkhex[2 * ARC_KEY_PUBLIC_BYTES + 1], pem[EXP_PEM_MAX];
	char sigb64[128], sigtxt[132];
	char *text[T__MAX] = {0}, *what = NULL, *pmsg = NULL;
	size_t len[T__MAX] = {0}, pages = 0, i;
	int64_t *ids = NULL, *sorted = NULL;
	json_t *mdocs = NULL, *entries = NULL, *j = NULL;
	enum dos_err err;

	memset(&b, 0, sizeof(b));
	memset(res, 0, sizeof(*res));
	msg[0] = '\0';
	b.o = o;
	b.msg = msg;
	b.msglen = msglen;
	b.now = time(NULL);
	dbuf_init(&b.sums, TEXT_MAX);
	dbuf_init(&csv, TEXT_MAX);
	dos_now_iso(when);
	if (o->query != NULL && o->query[0] != '\0' &&
	    (err = srch_parse(o->query, &q, &pmsg)) != DOS_OK) {
		snprintf(msg, msglen, "%s", pmsg != NULL ? pmsg : "bad query");
		goto out;
	}
	if ((what = exp_describe(o, o->originals ? "bundle with originals"
						 : "bundle")) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = arc_export_begin(a, u, what, o->reason, &b.e, msg,
				    msglen)) != DOS_OK)
		goto out;
	sel.root = q != NULL ? srch_query_root(q) : NULL;
	sel.customers = o->customers;
	sel.ncustomers = o->ncustomers;
	sel.docs = o->docs;
	sel.ndocs = o->ndocs;
	if ((err = arc_export_list(b.e, &sel, &ids, &b.n, msg, msglen)) !=
	    DOS_OK)
		goto out;
	b.prog.total = b.n;
	if ((b.docs = calloc(b.n + 1, sizeof(*b.docs))) == NULL ||
	    (b.srcs = calloc(2 * b.n + 1, sizeof(*b.srcs))) == NULL ||
	    (sorted = malloc((b.n + 1) * sizeof(*sorted))) == NULL ||
	    (b.files = json_array()) == NULL ||
	    (mdocs = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = arc_key_public(a, pk)) != DOS_OK) {
		snprintf(msg, msglen, "the archive's signing key cannot be "
				      "read or made: %s", dos_strerror(err));
		goto out;
	}
	exp_key_pem(pk, pem);
	dos_hex(pk, sizeof(pk), pkhex);
	if (dos_snprintf(b.pdfdir, sizeof(b.pdfdir), "%s.pdfa.XXXXXX",
			 path) != DOS_OK ||
	    mkdtemp(b.pdfdir) == NULL) {
		snprintf(msg, msglen, "cannot make a folder beside %s: %s",
			 path, strerror(errno));
		b.pdfdir[0] = '\0';
		err = DOS_IO;
		goto out;
	}
	if ((err = exp_csv_header(&csv)) != DOS_OK ||
	    (err = collect(&b, ids, mdocs, &csv, &pages)) != DOS_OK)
		goto out;
	if (o->progress != NULL)
		o->progress(o->arg, &b.prog);
	/* An export of nothing is allowed: ids may then be NULL. */
	if (b.n > 0)
		memcpy(sorted, ids, b.n * sizeof(*ids));
	qsort(sorted, b.n, sizeof(*sorted), cmp_id);
	if ((err = arc_export_audit(b.e, sorted, b.n, &entries)) != DOS_OK)
		goto out;
	j = json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:s},s:O}", "request",
		      "actor", u->name, "role", u->role, "time", when,
		      "selection", what, "reason", o->reason, "documents",
		      (json_int_t)b.n, "originals", o->originals, "note",
		      "the archive records this export in its audit log "
		      "after writing the bundle, with the SHA-256 of "
		      "manifest.json",
		      "entries", entries);
	if (j == NULL || (text[T_AUDIT] = json_dumps(j, JSON_INDENT(1))) ==
			     NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	json_decref(j);
	j = NULL;
	json_decref(entries);
	entries = NULL;
	len[T_AUDIT] = strlen(text[T_AUDIT]);
	text[T_CSV] = dbuf_take(&csv, &len[T_CSV]);
	text[T_KEY] = strdup(pem);
	text[T_README] = readme(&b, u, when, what, pem, pages);
	if (text[T_CSV] == NULL || text[T_KEY] == NULL ||
	    text[T_README] == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	len[T_KEY] = strlen(text[T_KEY]);
	len[T_README] = strlen(text[T_README]);
	for (i = 0; i < T__MAX; i++)
		if ((i == T_README || i == T_KEY || i == T_CSV ||
		     i == T_AUDIT) &&
		    (err = list_text(&b, top_names[i], text[i], len[i])) !=
			    DOS_OK)
			goto out;
	text[T_SUMS] = dbuf_take(&b.sums, &len[T_SUMS]);
	if (text[T_SUMS] == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = list_text(&b, "SHA256SUMS", text[T_SUMS], len[T_SUMS])) !=
	    DOS_OK)
		goto out;
	j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:{s:I,s:I,s:I},"
		      "s:O,s:O}",
		      "format", "dossier export bundle 1", "created", when,
		      "exported_by", u->name, "role", u->role, "selection",
		      what, "reason", o->reason, "public_key_ed25519", pkhex,
		      "originals", o->originals, "totals", "documents",
		      (json_int_t)b.n, "pages", (json_int_t)pages, "files",
		      (json_int_t)json_array_size(b.files) + 2, "documents",
		      mdocs, "files", b.files);
	if (j == NULL || (text[T_MANIFEST] = json_dumps(j, JSON_INDENT(1))) ==
			     NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	len[T_MANIFEST] = strlen(text[T_MANIFEST]);
	if ((err = dos_sha256_hex(text[T_MANIFEST], len[T_MANIFEST],
				  res->manifest_sha)) != DOS_OK ||
	    (err = arc_sign(a, text[T_MANIFEST], len[T_MANIFEST], sig)) !=
		    DOS_OK)
		goto out;
	sodium_bin2base64(sigb64, sizeof(sigb64), sig, sizeof(sig),
			  sodium_base64_VARIANT_ORIGINAL);
	snprintf(sigtxt, sizeof(sigtxt), "%s\n", sigb64);
	text[T_SIG] = strdup(sigtxt);
	if (text[T_SIG] == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	len[T_SIG] = strlen(text[T_SIG]);
	if ((err = exp_out_begin(&out, path, 0, msg, msglen)) != DOS_OK ||
	    (err = write_zip(&b, out.tmp, text, len)) != DOS_OK)
		goto out;
	res->documents = b.n;
	res->pages = pages;
	res->files = json_array_size(b.files) + 2;
	/* Audited before the bundle appears under its name. */
	err = arc_export_end(b.e, 1, b.n, res->manifest_sha);
	b.e = NULL;
	if (err != DOS_OK ||
	    (err = exp_out_commit(&out, msg, msglen)) != DOS_OK)
		goto out;
	if (stat(path, &sb) == 0)
		res->bytes = (uint64_t)sb.st_size;
	b.prog.done = b.n;
	if (o->progress != NULL)
		o->progress(o->arg, &b.prog);
out:
	if (b.e != NULL)
		arc_export_end(b.e, 0, b.n, NULL);
	exp_out_abort(&out);
	for (i = 0; i < T__MAX; i++)
		free(text[i]);
	for (i = 0; b.docs != NULL && i < b.n; i++) {
		free(b.docs[i].meta);
		if (b.docs[i].pdf_path != NULL)
			unlink(b.docs[i].pdf_path);
		free(b.docs[i].pdf_path);
	}
	if (b.pdfdir[0] != '\0')
		rmdir(b.pdfdir);
	for (i = 0; i < b.nsrc; i++)
		zip_error_fini(&b.srcs[i].err);
	free(b.docs);
	free(b.srcs);
	free(ids);
	free(sorted);
	free(what);
	free(pmsg);
	json_decref(j);
	json_decref(entries);
	json_decref(mdocs);
	json_decref(b.files);
	dbuf_free(&b.sums);
	dbuf_free(&csv);
	srch_query_free(q);
	return err;
}
