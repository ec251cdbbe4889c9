/*
 * sheet.c: exports for spreadsheets and auditors' tools: the metadata of
 * the selected documents as one CSV (no files), and the audit log of a
 * period as CSV or JSON lines with each entry's chain hashes.
 * Exports exp_csv, exp_audit_log and the internal exp_csv_header,
 * exp_csv_row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "dossier/search.h"
#include "internal.h"

/* The columns of a document row (manifest.csv and exp_csv). */
static const char *const cols[] = {
	"archive_no", "customer", "customer_name", "account", "category",
	"type",       "title",    "date",          "pages",   "status",
	"document_id", "pdf_sha256",
};

enum dos_err
exp_csv_header(struct dbuf *b)
{
	enum dos_err err = DOS_OK;
	size_t i;

	for (i = 0; err == DOS_OK && i < sizeof(cols) / sizeof(cols[0]); i++)
		err = exp_csv_field(b, cols[i], i == 0);
	return err == DOS_OK ? dbuf_adds(b, "\r\n") : err;
}

/* A metadata value as text ("" for null). */
static const char *
text(const json_t *m, const char *key, char *buf, size_t n)
{
	const json_t *v = json_object_get(m, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return "";
}

enum dos_err
exp_csv_row(struct dbuf *b, const json_t *meta)
{
	char num[32];
	const char *v;
	enum dos_err err = DOS_OK;
	size_t i;

	for (i = 0; err == DOS_OK && i < sizeof(cols) / sizeof(cols[0]); i++) {
		if (strcmp(cols[i], "document_id") == 0)
			v = text(meta, "id", num, sizeof(num));
		else if (strcmp(cols[i], "pdf_sha256") == 0)
			v = json_string_value(json_object_get(
				json_object_get(meta, "pdf"), "sha256"));
		else
			v = text(meta, cols[i], num, sizeof(num));
		err = exp_csv_field(b, v, i == 0);
	}
	return err == DOS_OK ? dbuf_adds(b, "\r\n") : err;
}

enum dos_err
exp_csv(struct arc *a, const struct arc_user *u, const struct exp_opts *o,
	const char *path, struct exp_result *res, char *msg, size_t msglen)
{
	struct arc_export *e = NULL;
	struct arc_export_sel sel = {0};
	struct srch_query *q = NULL;
	struct exp_out out = {0};
	struct dbuf b;
	struct stat sb;
	crypto_hash_sha256_state h;
	unsigned char dig[crypto_hash_sha256_BYTES];
	json_t *meta = NULL;
	int64_t *ids = NULL;
	char *what = NULL, *pmsg = NULL;
	size_t n = 0, i;
	enum dos_err err;

	memset(res, 0, sizeof(*res));
	msg[0] = '\0';
	dbuf_init(&b, 1u << 20);
	if (o->query != NULL && o->query[0] != '\0' &&
	    (err = srch_parse(o->query, &q, &pmsg)) != DOS_OK) {
		snprintf(msg, msglen, "%s", pmsg != NULL ? pmsg : "bad query");
		free(pmsg);
		return err;
	}
	if ((what = exp_describe(o, "metadata CSV")) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = arc_export_begin(a, u, what, o->reason, &e, msg, msglen)) !=
	    DOS_OK)
		goto out;
	sel.root = q != NULL ? srch_query_root(q) : NULL;
	sel.customers = o->customers;
	sel.ncustomers = o->ncustomers;
	sel.docs = o->docs;
	sel.ndocs = o->ndocs;
	if ((err = arc_export_list(e, &sel, &ids, &n, msg, msglen)) != DOS_OK ||
	    (err = exp_out_begin(&out, path, 1, msg, msglen)) != DOS_OK)
		goto out;
	crypto_hash_sha256_init(&h);
	err = exp_csv_header(&b);
	for (i = 0; err == DOS_OK && i <= n; i++) {
		/* Written a row at a time: a large export stays small. */
		if (fwrite(b.data, 1, b.len, out.f) != b.len) {
			err = DOS_IO;
			snprintf(msg, msglen, "cannot write %s", out.tmp);
			break;
		}
		crypto_hash_sha256_update(&h, (unsigned char *)b.data, b.len);
		dbuf_reset(&b);
		if (i == n)
			break;
		if ((err = arc_export_doc(e, ids[i], &meta, msg, msglen)) ==
		    DOS_OK) {
			res->pages += (size_t)json_integer_value(
				json_object_get(meta, "pages"));
			err = exp_csv_row(&b, meta);
		}
		json_decref(meta);
		meta = NULL;
	}
	if (err != DOS_OK)
		goto out;
	crypto_hash_sha256_final(&h, dig);
	dos_hex(dig, sizeof(dig), res->manifest_sha);
	res->documents = n;
	res->files = 1;
	/* Audited before it appears: no export leaves unrecorded. */
	err = arc_export_end(e, 1, n, res->manifest_sha);
	e = NULL;
	if (err != DOS_OK ||
	    (err = exp_out_commit(&out, msg, msglen)) != DOS_OK)
		goto out;
	if (stat(path, &sb) == 0)
		res->bytes = (uint64_t)sb.st_size;
out:
	if (e != NULL)
		arc_export_end(e, 0, 0, NULL);
	exp_out_abort(&out);
	dbuf_free(&b);
	free(ids);
	free(what);
	srch_query_free(q);
	return err;
}

struct audit_ctx {
	FILE *f;
	enum exp_format fmt;
	struct dbuf b;
};

static enum dos_err
audit_line(void *arg, const json_t *entry)
{
	static const char *const keys[] = {"id", "ts", "actor", "action",
					   "object", "detail", "prev", "hash"};
	struct audit_ctx *c = arg;
	char num[32], *s;
	enum dos_err err = DOS_OK;
	size_t i;

	dbuf_reset(&c->b);
	if (c->fmt == EXP_JSONL) {
		s = json_dumps(entry, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (s == NULL)
			return DOS_NOMEM;
		err = dbuf_addf(&c->b, "%s\n", s);
		free(s);
	} else {
		for (i = 0; err == DOS_OK && i < 8; i++)
			err = exp_csv_field(&c->b,
					    text(entry, keys[i], num,
						 sizeof(num)),
					    i == 0);
		if (err == DOS_OK)
			err = dbuf_adds(&c->b, "\r\n");
	}
	if (err == DOS_OK && fwrite(c->b.data, 1, c->b.len, c->f) != c->b.len)
		err = DOS_IO;
	return err;
}

enum dos_err
exp_audit_log(struct arc *a, const struct arc_user *u, const char *from,
	      const char *to, enum exp_format fmt, const char *path,
	      size_t *pn, char *msg, size_t msglen)
{
	struct exp_out out = {0};
	struct audit_ctx c;
	enum dos_err err;

	*pn = 0;
	msg[0] = '\0';
	c.fmt = fmt;
	dbuf_init(&c.b, 4u << 20);
	if ((err = exp_out_begin(&out, path, 1, msg, msglen)) != DOS_OK)
		goto out;
	c.f = out.f;
	if (fmt == EXP_CSV &&
	    fputs("id,ts,actor,action,object,detail,prev,hash\r\n", c.f) < 0) {
		err = DOS_IO;
		goto out;
	}
	if ((err = arc_audit_export(a, u, from, to, audit_line, &c, pn, msg,
				    msglen)) != DOS_OK)
		goto out;
	err = exp_out_commit(&out, msg, msglen);
out:
	if (err == DOS_IO && msg[0] == '\0')
		snprintf(msg, msglen, "cannot write %s", path);
	exp_out_abort(&out);
	dbuf_free(&c.b);
	return err;
}
