/*
 * certificate.c: checks a disposal certificate (archive/disposal.c writes
 * them when a purge destroys the documents of an approved disposal
 * list) without the archive: the Ed25519 signature over the certificate
 * member, written again as it was signed (sorted keys, no blanks, ASCII
 * escapes), by the key the certificate names, and, when a trusted key
 * is given, that it is that key; then that the list holds together:
 * each document with its archive number, rule and original's SHA-256,
 * the counts matching, every destroyed original named.
 * Exports exp_cert_is, exp_cert_verify.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

#define CERT_MAX (256u << 20)
#define CERT_JSON_FLAGS (JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII)

int
exp_cert_is(const char *path)
{
	FILE *f = fopen(path, "rb");
	int c;

	if (f == NULL)
		return 0;
	do
		c = fgetc(f);
	while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
	fclose(f);
	return c == '{';
}

/* A member of the certificate (borrowed), or NULL. */
static json_t *
cert_member(json_t *root, const char *key)
{
	return json_object_get(json_object_get(root, "certificate"), key);
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static void
fault(json_t *faults, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
fault(json_t *faults, const char *fmt, ...)
{
	char s[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	json_array_append_new(faults, json_string(s));
}

/* A lowercase hex digest of n bytes. */
static int
is_hex(const char *s, size_t n)
{
	size_t i;

	if (s == NULL || strlen(s) != 2 * n)
		return 0;
	for (i = 0; i < 2 * n; i++)
		if (!isdigit((unsigned char)s[i]) &&
		    !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return 1;
}

/* That the list holds together; faults added. */
static void
check_contents(json_t *cert, json_t *faults, size_t *pdocs, size_t *porig)
{
	json_t *docs = json_object_get(cert, "documents"), *d, *o;
	json_t *gone = json_object_get(cert, "originals_destroyed");
	size_t i, j, ngone = 0;
	int named;

	*pdocs = json_array_size(docs);
	*porig = json_array_size(gone);
	if (strcmp(or_empty(json_string_value(json_object_get(cert, "type"))),
		   "dossier disposal certificate") != 0)
		fault(faults, "not a dossier disposal certificate (type)");
	if (!json_is_array(docs) || json_array_size(docs) == 0)
		fault(faults, "the certificate lists no documents");
	if ((json_int_t)*pdocs !=
	    json_integer_value(json_object_get(cert, "documents_destroyed")))
		fault(faults, "documents_destroyed says %lld, the list has %zu",
		      (long long)json_integer_value(json_object_get(
			      cert, "documents_destroyed")),
		      *pdocs);
	if ((json_int_t)*porig != json_integer_value(json_object_get(
					  cert, "originals_destroyed_count")))
		fault(faults, "originals_destroyed_count does not match the "
			      "list of originals");
	if (!json_is_string(json_object_get(json_object_get(cert, "purged"),
					    "by")) ||
	    !json_is_string(json_object_get(json_object_get(cert, "approved"),
					    "by")))
		fault(faults, "who approved and who purged must be named");
	json_array_foreach(docs, i, d) {
		o = json_object_get(d, "original");
		if (!is_hex(json_string_value(json_object_get(o, "sha256")),
			    32))
			fault(faults, "document %lld: no SHA-256 of its "
				      "original",
			      (long long)json_integer_value(
				      json_object_get(d, "document")));
		if (!json_is_string(json_object_get(d, "rule")) ||
		    !json_is_string(json_object_get(d, "due")))
			fault(faults, "document %lld: no rule or due date",
			      (long long)json_integer_value(
				      json_object_get(d, "document")));
		if (json_is_true(json_object_get(o, "destroyed")))
			ngone++;
	}
	/* Every original marked destroyed is named in the summary, and
	 * nothing else is. */
	json_array_foreach(gone, j, o) {
		named = 0;
		json_array_foreach(docs, i, d)
			if (json_equal(json_object_get(json_object_get(
						   d, "original"), "sha256"),
				       json_object_get(o, "sha256")) &&
			    json_is_true(json_object_get(
				    json_object_get(d, "original"),
				    "destroyed")))
				named = 1;
		if (!named)
			fault(faults, "original %s is listed as destroyed "
				      "but no document of the list says so",
			      or_empty(json_string_value(
				      json_object_get(o, "sha256"))));
	}
	if (ngone != *porig)
		fault(faults, "%zu documents say their original was "
			      "destroyed, the summary names %zu",
		      ngone, *porig);
}

enum dos_err
exp_cert_verify(const char *path, const unsigned char *trusted_pk,
		json_t **preport)
{
	unsigned char *data = NULL, pk[ARC_KEY_PUBLIC_BYTES];
	unsigned char sig[ARC_SIGNATURE_BYTES + 8];
	json_t *root = NULL, *cert, *faults = NULL;
	json_error_t jerr;
	const char *sigb64, *pkhex;
	char *canon = NULL;
	size_t len, siglen = 0, ndocs = 0, norig = 0;
	int sig_ok = 0, key_ok = 0;
	enum dos_err err;

	*preport = NULL;
	if ((faults = json_array()) == NULL)
		return DOS_NOMEM;
	if ((err = dos_file_read(path, CERT_MAX, &data, &len)) != DOS_OK) {
		fault(faults, "%s cannot be read: %s", path,
		      dos_strerror(err));
		err = DOS_FORMAT;
		goto done;
	}
	if ((root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES,
			       &jerr)) == NULL ||
	    !json_is_object(cert = json_object_get(root, "certificate"))) {
		fault(faults, "not a disposal certificate: %s",
		      root == NULL ? jerr.text : "no certificate member");
		err = DOS_FORMAT;
		goto done;
	}
	sigb64 = json_string_value(json_object_get(root, "signature"));
	pkhex = json_string_value(json_object_get(cert, "public_key"));
	if (sigb64 == NULL ||
	    sodium_base642bin(sig, sizeof(sig), sigb64, strlen(sigb64), NULL,
			      &siglen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    siglen != ARC_SIGNATURE_BYTES)
		fault(faults, "the signature is missing or malformed");
	else if (!is_hex(pkhex, ARC_KEY_PUBLIC_BYTES) ||
		 sodium_hex2bin(pk, sizeof(pk), pkhex, strlen(pkhex), NULL,
				NULL, NULL) != 0)
		fault(faults, "the certificate names no Ed25519 public key");
	else if ((canon = json_dumps(cert, CERT_JSON_FLAGS)) == NULL) {
		err = DOS_NOMEM;
		goto out;
	} else if (crypto_sign_verify_detached(sig,
					       (const unsigned char *)canon,
					       strlen(canon), pk) != 0)
		fault(faults, "the signature does not match the certificate "
			      "(it was changed after signing, or signed by "
			      "another key)");
	else
		sig_ok = 1;
	if (sig_ok && trusted_pk != NULL) {
		if (memcmp(pk, trusted_pk, sizeof(pk)) != 0)
			fault(faults, "signed by a key that is not the trusted "
				      "one (the archive's)");
		else
			key_ok = 1;
	}
	check_contents(cert, faults, &ndocs, &norig);
	err = json_array_size(faults) == 0 ? DOS_OK : DOS_CORRUPT;
done:
	*preport = json_pack(
		"{s:s,s:O?,s:O?,s:I,s:I,s:b,s:b,s:O?,s:O?,s:O}", "kind",
		"disposal certificate", "certificate",
		cert_member(root, "certificate"), "disposal",
		cert_member(root, "disposal"), "documents", (json_int_t)ndocs,
		"originals_destroyed", (json_int_t)norig, "signature_valid",
		sig_ok, "trusted_key_matched", key_ok, "approved_by",
		json_object_get(json_object_get(json_object_get(root,
								"certificate"),
						"approved"),
				"by"),
		"purged_by",
		json_object_get(json_object_get(json_object_get(root,
								"certificate"),
						"purged"),
				"by"),
		"faults", faults);
	if (*preport == NULL)
		err = DOS_NOMEM;
out:
	free(canon);
	free(data);
	json_decref(root);
	json_decref(faults);
	return err;
}
