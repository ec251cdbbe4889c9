/*
 * verify.c: checks an export bundle without the archive: the signature
 * over manifest.json with a key the verifier trusts (the archive's, or
 * one pinned from a file) and that the bundle carries that key, or else
 * with the key in the bundle; each listed file's size and SHA-256, that every
 * listed file is there and nothing else is.  A bundle may be hostile:
 * entry counts and sizes are checked before anything is read, files are
 * hashed as they stream, and reads stop at the size the manifest gives.
 * Exports exp_verify.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zip.h>

#include "internal.h"

#define SMALL_MAX 4096 /* manifest.sig, public_key.txt */

/* Records a fault in words. */
static void fault(json_t *faults, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void
fault(json_t *faults, const char *fmt, ...)
{
	char s[1200], *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	/* Names come from a possibly hostile file: only printable ASCII
	 * (a bundle's own names are) reaches a terminal, and the text is
	 * always valid UTF-8, so no fault is ever lost. */
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	if (json_array_append_new(faults, json_string(s)) != 0)
		json_array_append_new(faults, json_string("unreadable fault"));
}

/* Reads a whole entry of at most max bytes (NUL-terminated); 0 with a
 * fault when it is missing, too large or unreadable. */
static int
read_small(zip_t *za, const char *name, size_t max, char **pdata,
	   size_t *plen, json_t *faults)
{
	zip_stat_t st;
	zip_file_t *zf = NULL;
	zip_int64_t idx, r;
	char *buf = NULL;
	size_t got = 0;

	*pdata = NULL;
	*plen = 0;
	if ((idx = zip_name_locate(za, name, 0)) < 0) {
		fault(faults, "missing file: %s", name);
		return 0;
	}
	if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) != 0 ||
	    !(st.valid & ZIP_STAT_SIZE) || st.size > max) {
		fault(faults, "%s: too large to be what an export writes",
		      name);
		return 0;
	}
	if ((buf = malloc((size_t)st.size + 1)) == NULL ||
	    (zf = zip_fopen_index(za, (zip_uint64_t)idx, 0)) == NULL) {
		fault(faults, "%s: cannot be read from the ZIP", name);
		free(buf);
		return 0;
	}
	while (got < st.size &&
	       (r = zip_fread(zf, buf + got, st.size - got)) > 0)
		got += (size_t)r;
	if (got != st.size) {
		fault(faults, "%s: cannot be read from the ZIP (%s)", name,
		      zip_file_strerror(zf));
		zip_fclose(zf);
		free(buf);
		return 0;
	}
	zip_fclose(zf);
	buf[got] = '\0';
	*pdata = buf;
	*plen = got;
	return 1;
}

/*
 * Checks the manifest's signature: with the trusted key when there is one
 * (and that the bundle carries it), else with the bundle's own key.
 */
static void
check_signature(zip_t *za, const char *man, size_t manlen,
		const unsigned char *trusted_pk, const char *trusted_name,
		json_t *faults)
{
	unsigned char pk[ARC_KEY_PUBLIC_BYTES], sig[ARC_SIGNATURE_BYTES];
	char *pem = NULL, *s = NULL;
	size_t pemlen, slen, n = 0;
	int have_pk = 0, have_pem, have_sig;

	have_pem = read_small(za, "public_key.txt", SMALL_MAX, &pem, &pemlen,
			      faults);
	have_sig = read_small(za, "manifest.sig", SMALL_MAX, &s, &slen,
			      faults);
	if (have_pem && !(have_pk = exp_key_from_pem(pem, pemlen, pk)))
		fault(faults, "public_key.txt: not an Ed25519 public key");
	if (have_pk && trusted_pk != NULL &&
	    sodium_memcmp(trusted_pk, pk, ARC_KEY_PUBLIC_BYTES) != 0)
		fault(faults, "public_key.txt: the bundle is signed with a "
			      "key that is not %s", trusted_name);
	if (!have_sig)
		goto out;
	if (sodium_base642bin(sig, sizeof(sig), s, slen, " \r\n", &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != sizeof(sig)) {
		fault(faults, "manifest.sig: not an Ed25519 signature");
		goto out;
	}
	if (trusted_pk != NULL) {
		if (crypto_sign_verify_detached(sig, (const unsigned char *)man,
						manlen, trusted_pk) != 0)
			fault(faults, "manifest signature does not verify with "
				      "%s: manifest.json was changed or "
				      "signed with another key", trusted_name);
	} else if (have_pk &&
		   crypto_sign_verify_detached(sig, (const unsigned char *)man,
					       manlen, pk) != 0)
		fault(faults, "manifest signature does not verify: "
			      "manifest.json was changed or signed with "
			      "another key");
out:
	free(pem);
	free(s);
}

/* Hashes one listed entry, reading at most its listed size + 1. */
static void
check_file(zip_t *za, zip_int64_t idx, const char *path, const char *sha,
	   uint64_t size, json_t *faults)
{
	crypto_hash_sha256_state h;
	unsigned char buf[65536], dig[crypto_hash_sha256_BYTES];
	char hex[DOS_SHA256_HEX];
	zip_stat_t st;
	zip_file_t *zf;
	zip_int64_t r;
	uint64_t got = 0;

	if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) != 0 ||
	    !(st.valid & ZIP_STAT_SIZE)) {
		fault(faults, "%s: cannot be read from the ZIP", path);
		return;
	}
	if (st.size != size) {
		fault(faults, "%s: size differs from the manifest (%llu "
			      "bytes, the manifest says %llu)",
		      path, (unsigned long long)st.size,
		      (unsigned long long)size);
		return;
	}
	if ((zf = zip_fopen_index(za, (zip_uint64_t)idx, 0)) == NULL) {
		fault(faults, "%s: cannot be read from the ZIP (%s)", path,
		      zip_strerror(za));
		return;
	}
	crypto_hash_sha256_init(&h);
	while (got <= size &&
	       (r = zip_fread(zf, buf, sizeof(buf))) > 0) {
		crypto_hash_sha256_update(&h, buf, (size_t)r);
		got += (uint64_t)r;
	}
	if (r < 0) {
		fault(faults, "%s: damaged in the ZIP (%s)", path,
		      zip_file_strerror(zf));
		zip_fclose(zf);
		return;
	}
	zip_fclose(zf);
	crypto_hash_sha256_final(&h, dig);
	dos_hex(dig, sizeof(dig), hex);
	if (got != size)
		fault(faults, "%s: size differs from the manifest", path);
	else if (strcmp(hex, sha) != 0)
		fault(faults, "%s: SHA-256 differs from the manifest", path);
}

static int
is_hex64(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Every listed file, then every entry nobody listed. */
static void
check_files(zip_t *za, zip_uint64_t nent, const json_t *files,
	    json_t *faults, size_t *pfiles)
{
	unsigned char *seen = calloc(nent + 1, 1);
	const json_t *f;
	const char *path, *name;
	zip_int64_t idx;
	zip_uint64_t i;
	size_t k;

	if (seen == NULL) {
		fault(faults, "out of memory");
		return;
	}
	json_array_foreach(files, k, f) {
		json_t *sz = json_object_get(f, "size");

		path = json_string_value(json_object_get(f, "path"));
		if (path == NULL || !json_is_integer(sz) ||
		    json_integer_value(sz) < 0 ||
		    !is_hex64(json_string_value(json_object_get(f,
								"sha256")))) {
			fault(faults, "manifest.json: file entry %zu is "
				      "malformed", k + 1);
			continue;
		}
		if ((idx = zip_name_locate(za, path, 0)) < 0) {
			fault(faults, "missing file: %s", path);
			continue;
		}
		if (seen[idx]) {
			fault(faults, "manifest.json lists %s twice", path);
			continue;
		}
		seen[idx] = 1;
		(*pfiles)++;
		check_file(za, idx, path,
			   json_string_value(json_object_get(f, "sha256")),
			   (uint64_t)json_integer_value(sz), faults);
	}
	for (i = 0; i < nent; i++) {
		size_t n;

		if (seen[i] || (name = zip_get_name(za, i, 0)) == NULL)
			continue;
		n = strlen(name);
		if (strcmp(name, "manifest.json") == 0 ||
		    strcmp(name, "manifest.sig") == 0) {
			if ((zip_int64_t)i == zip_name_locate(za, name, 0)) {
				(*pfiles)++;
				continue;
			}
		}
		/* A folder entry some zip tools add holds no file. */
		if (n > 0 && name[n - 1] == '/') {
			zip_stat_t st;

			if (zip_stat_index(za, i, 0, &st) == 0 &&
			    (st.valid & ZIP_STAT_SIZE) && st.size == 0)
				continue;
		}
		fault(faults, "extra file not in the manifest: %s", name);
	}
	free(seen);
}

/* Why libzip could not open the file, in words. */
static const char *
open_error(int ze)
{
	switch (ze) {
	case ZIP_ER_NOENT: return "no such file";
	case ZIP_ER_NOZIP: return "not a ZIP file, so not an export bundle";
	case ZIP_ER_INCONS:
		return "a damaged or inconsistent ZIP file, not an intact "
		       "export bundle";
	case ZIP_ER_OPEN:
	case ZIP_ER_READ: return "cannot be read";
	case ZIP_ER_MEMORY: return "out of memory";
	default: return "not a readable ZIP file";
	}
}

enum dos_err
exp_verify(const char *path, const unsigned char *trusted_pk,
	   const char *trusted_name, json_t **preport)
{
	zip_t *za = NULL;
	json_t *faults = json_array(), *man = NULL, *rep;
	json_error_t jerr;
	char *text = NULL;
	size_t len = 0, ndocs = 0, nfiles = 0;
	zip_int64_t nent;
	int ze = 0;
	enum dos_err err = DOS_OK;

	*preport = NULL;
	if (faults == NULL)
		return DOS_NOMEM;
	if ((za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &ze)) == NULL) {
		fault(faults, "%s: %s", path, open_error(ze));
		err = DOS_FORMAT;
		goto out;
	}
	if ((nent = zip_get_num_entries(za, 0)) < 0 ||
	    nent > EXP_MAX_ENTRIES) {
		fault(faults, "%s: too many entries (%lld) for an export "
			      "bundle", path, (long long)nent);
		err = DOS_LIMIT;
		goto out;
	}
	if (!read_small(za, "manifest.json", EXP_MAX_MANIFEST, &text, &len,
			faults)) {
		err = DOS_CORRUPT;
		goto out;
	}
	check_signature(za, text, len, trusted_pk,
			trusted_name != NULL ? trusted_name : "the trusted key",
			faults);
	if ((man = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) ==
		    NULL ||
	    !json_is_array(json_object_get(man, "files"))) {
		fault(faults, "manifest.json: not a bundle manifest (%s)",
		      man == NULL ? jerr.text : "no file list");
		err = DOS_CORRUPT;
		goto out;
	}
	ndocs = json_array_size(json_object_get(man, "documents"));
	check_files(za, (zip_uint64_t)nent, json_object_get(man, "files"),
		    faults, &nfiles);
out:
	if (err == DOS_OK && json_array_size(faults) > 0)
		err = DOS_CORRUPT;
	rep = json_pack("{s:I,s:I,s:O}", "documents", (json_int_t)ndocs,
			"files", (json_int_t)nfiles, "faults", faults);
	if (za != NULL)
		zip_discard(za);
	json_decref(man);
	json_decref(faults);
	free(text);
	if (rep == NULL)
		return DOS_NOMEM;
	*preport = rep;
	return err;
}
