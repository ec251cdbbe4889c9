/*
 * util.c: what the exports share: output files written to a temporary
 * name, fsynced and renamed into place; CSV fields; the public key as
 * PEM; an export's selection in words.
 * Exports exp_key_pem, exp_key_from_pem and the internal exp_out_begin,
 * exp_out_commit, exp_out_abort, exp_csv_field, exp_describe.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

/* DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410). */
static const unsigned char spki[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
				       0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
#define PEM_BEGIN "-----BEGIN PUBLIC KEY-----\n"
#define PEM_END "-----END PUBLIC KEY-----\n"

void
exp_key_pem(const unsigned char pk[ARC_KEY_PUBLIC_BYTES], char out[EXP_PEM_MAX])
{
	unsigned char der[sizeof(spki) + ARC_KEY_PUBLIC_BYTES];
	char b64[80];

	memcpy(der, spki, sizeof(spki));
	memcpy(der + sizeof(spki), pk, ARC_KEY_PUBLIC_BYTES);
	sodium_bin2base64(b64, sizeof(b64), der, sizeof(der),
			  sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, EXP_PEM_MAX, "%s%s\n%s", PEM_BEGIN, b64, PEM_END);
}

int
exp_key_from_pem(const char *pem, size_t len,
		 unsigned char pk[ARC_KEY_PUBLIC_BYTES])
{
	unsigned char der[sizeof(spki) + ARC_KEY_PUBLIC_BYTES + 4];
	const char *b, *e;
	size_t n = 0, blen = strlen(PEM_BEGIN);

	if (len < blen || memcmp(pem, PEM_BEGIN, blen) != 0)
		return 0;
	b = pem + blen;
	e = memchr(b, '-', len - blen);
	if (e == NULL || (size_t)(pem + len - e) < strlen(PEM_END) - 1 ||
	    strncmp(e, PEM_END, strlen(PEM_END) - 1) != 0)
		return 0;
	if (sodium_base642bin(der, sizeof(der), b, (size_t)(e - b), "\r\n",
			      &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != sizeof(spki) + ARC_KEY_PUBLIC_BYTES ||
	    memcmp(der, spki, sizeof(spki)) != 0)
		return 0;
	memcpy(pk, der + sizeof(spki), ARC_KEY_PUBLIC_BYTES);
	return 1;
}

enum dos_err
exp_out_begin(struct exp_out *o, const char *path, int open_file, char *msg,
	      size_t msglen)
{
	unsigned char rnd[6];
	char hex[13], copy[4096], copy2[4096];
	int fd;

	memset(o, 0, sizeof(*o));
	if (path == NULL || path[0] == '\0' ||
	    dos_snprintf(o->path, sizeof(o->path), "%s", path) != DOS_OK ||
	    dos_snprintf(copy, sizeof(copy), "%s", path) != DOS_OK ||
	    dos_snprintf(copy2, sizeof(copy2), "%s", path) != DOS_OK) {
		snprintf(msg, msglen, "no usable output file name");
		return DOS_INVAL;
	}
	randombytes_buf(rnd, sizeof(rnd));
	dos_hex(rnd, sizeof(rnd), hex);
	/* Beside the output, so the rename stays on one file system. */
	if (dos_snprintf(o->tmp, sizeof(o->tmp), "%s/.%s.%s.part",
			 dirname(copy), basename(copy2), hex) != DOS_OK) {
		snprintf(msg, msglen, "output file name too long");
		return DOS_INVAL;
	}
	if (!open_file)
		return DOS_OK;
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0 || (o->f = fdopen(fd, "w")) == NULL) {
		snprintf(msg, msglen, "cannot write %s: %s", o->tmp,
			 strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		o->tmp[0] = '\0';
		return DOS_IO;
	}
	return DOS_OK;
}

enum dos_err
exp_out_commit(struct exp_out *o, char *msg, size_t msglen)
{
	char copy[4096];
	int fd, bad = 0;

	if (o->f != NULL) {
		bad = fflush(o->f) != 0 || fsync(fileno(o->f)) != 0;
		bad |= fclose(o->f) != 0;
		o->f = NULL;
	} else {
		/* Written by someone else (libzip): fsync it here. */
		if ((fd = open(o->tmp, O_RDONLY | O_CLOEXEC)) < 0)
			bad = 1;
		else {
			bad = fsync(fd) != 0;
			close(fd);
		}
	}
	if (bad || rename(o->tmp, o->path) != 0) {
		snprintf(msg, msglen, "cannot write %s: %s", o->path,
			 strerror(errno));
		exp_out_abort(o);
		return DOS_IO;
	}
	o->tmp[0] = '\0';
	snprintf(copy, sizeof(copy), "%s", o->path);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >=
	    0) {
		fsync(fd);
		close(fd);
	}
	return DOS_OK;
}

void
exp_out_abort(struct exp_out *o)
{
	if (o->f != NULL) {
		fclose(o->f);
		o->f = NULL;
	}
	if (o->tmp[0] != '\0') {
		unlink(o->tmp);
		o->tmp[0] = '\0';
	}
}

enum dos_err
exp_csv_field(struct dbuf *b, const char *s, int first)
{
	enum dos_err err = DOS_OK;
	int quote;

	if (s == NULL)
		s = "";
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (!first)
		err = dbuf_adds(b, ",");
	if (err == DOS_OK && quote)
		err = dbuf_adds(b, "\"");
	/* A spreadsheet takes a value starting with one of these for a
	 * formula (a tab or carriage return first is skipped by some, so
	 * "\t=cmd" is one too); a leading apostrophe makes it text. */
	if (err == DOS_OK && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
		err = dbuf_adds(b, "'");
	for (; err == DOS_OK && *s != '\0'; s++)
		err = *s == '"' ? dbuf_adds(b, "\"\"") : dbuf_add(b, s, 1);
	if (err == DOS_OK && quote)
		err = dbuf_adds(b, "\"");
	return err;
}

char *
exp_describe(const struct exp_opts *o, const char *kind)
{
	struct dbuf b;
	size_t i;
	enum dos_err err;

	dbuf_init(&b, 16 * 1024);
	err = dbuf_addf(&b, "%s; query: %s", kind,
			o->query != NULL && o->query[0] != '\0' ? o->query
								: "(all)");
	for (i = 0; err == DOS_OK && i < o->ncustomers; i++)
		err = dbuf_addf(&b, "%s%s", i == 0 ? "; customers: " : ", ",
				o->customers[i]);
	for (i = 0; err == DOS_OK && i < o->ndocs; i++)
		err = dbuf_addf(&b, "%s%lld", i == 0 ? "; documents: " : ", ",
				(long long)o->docs[i]);
	/* Past the cap the description stops where it got to. */
	return dbuf_take(&b, NULL);
}
