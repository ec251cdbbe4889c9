/*
 * key.c: the archive's Ed25519 signing key (libsodium), which signs the
 * manifests of export bundles.  It is made on first use and kept in
 * <archive>/signing.key (the 64-byte secret key, mode 0600, written to a
 * temporary file, fsynced and linked into place so two processes making
 * it at once end up with the same key).  The secret key never leaves
 * this file (a backup copies it with arc_key_copy).
 * Exports arc_key_public, arc_sign and the internal arc_key_copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

#define KEY_FILE "signing.key"

/* Reads the key file; DOS_NOTFOUND when there is none. */
static enum dos_err
key_read(struct arc *a, unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char path[4096];
	struct stat sb;
	ssize_t r;
	size_t got = 0;
	int fd;
	enum dos_err err;

	if ((err = dos_snprintf(path, sizeof(path), "%s/%s", a->dir,
				KEY_FILE)) != DOS_OK)
		return err;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT ? DOS_NOTFOUND : DOS_IO;
	if (fstat(fd, &sb) != 0 ||
	    sb.st_size != crypto_sign_SECRETKEYBYTES) {
		close(fd);
		dos_errx("%s: %s is not a signing key", __func__, path);
		return DOS_CORRUPT;
	}
	while (got < crypto_sign_SECRETKEYBYTES &&
	       (r = read(fd, sk + got, crypto_sign_SECRETKEYBYTES - got)) > 0)
		got += (size_t)r;
	close(fd);
	if (got != crypto_sign_SECRETKEYBYTES)
		return DOS_IO;
	/* The secret key holds its public half: they must agree. */
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	if (sodium_memcmp(pk, sk + 32, sizeof(pk)) != 0) {
		sodium_memzero(sk, crypto_sign_SECRETKEYBYTES);
		dos_errx("%s: %s is damaged", __func__, path);
		return DOS_CORRUPT;
	}
	return DOS_OK;
}

/* Writes sk as dir's key file (temp file in tmpdir, fsync, link) unless
 * one is there already: the first key made stays the key. */
static enum dos_err
key_write(const char *dir, const char *tmpdir,
	  const unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	unsigned char rnd[8];
	char path[4096], tmp[4096], rndhex[17];
	int fd = -1;
	enum dos_err err;

	randombytes_buf(rnd, sizeof(rnd));
	dos_hex(rnd, sizeof(rnd), rndhex);
	if ((err = dos_snprintf(path, sizeof(path), "%s/%s", dir,
				KEY_FILE)) != DOS_OK ||
	    (err = dos_snprintf(tmp, sizeof(tmp), "%s/key.%s", tmpdir,
				rndhex)) != DOS_OK)
		return err;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0) {
		dos_errx("%s: create %s: %s", __func__, tmp, strerror(errno));
		return DOS_IO;
	}
	if ((err = arc_write_all(fd, sk, crypto_sign_SECRETKEYBYTES)) !=
		    DOS_OK ||
	    fsync(fd) != 0) {
		dos_errx("%s: write %s: %s", __func__, tmp, strerror(errno));
		err = DOS_IO;
		goto out;
	}
	if (link(tmp, path) != 0 && errno != EEXIST) {
		dos_errx("%s: link %s: %s", __func__, path, strerror(errno));
		err = DOS_IO;
		goto out;
	}
	err = arc_fsync_path(dir, 1);
out:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return err;
}

/* Makes a new key file unless another process made one first. */
static enum dos_err
key_create(struct arc *a)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	enum dos_err err;

	if (a->flags & ARC_READONLY)
		return DOS_NOTFOUND;
	crypto_sign_keypair(pk, sk);
	err = key_write(a->dir, a->tmpdir, sk);
	sodium_memzero(sk, sizeof(sk));
	return err;
}

enum dos_err
arc_key_copy(struct arc *a, const char *dir, const char *tmpdir)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	enum dos_err err = key_read(a, sk);

	if (err == DOS_NOTFOUND)
		return DOS_OK; /* no export yet: nothing to keep */
	if (err == DOS_OK)
		err = key_write(dir, tmpdir, sk);
	sodium_memzero(sk, sizeof(sk));
	return err;
}

/* The secret key, made first if the archive has none. */
static enum dos_err
key_load(struct arc *a, unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	enum dos_err err = key_read(a, sk);

	if (err == DOS_NOTFOUND && (err = key_create(a)) == DOS_OK)
		err = key_read(a, sk);
	return err;
}

enum dos_err
arc_key_public(struct arc *a, unsigned char pk[ARC_KEY_PUBLIC_BYTES])
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	enum dos_err err;

	if ((err = key_load(a, sk)) == DOS_OK)
		memcpy(pk, sk + 32, ARC_KEY_PUBLIC_BYTES);
	sodium_memzero(sk, sizeof(sk));
	return err;
}

enum dos_err
arc_sign(struct arc *a, const void *msg, size_t len,
	 unsigned char sig[ARC_SIGNATURE_BYTES])
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	enum dos_err err;

	if ((err = key_load(a, sk)) == DOS_OK &&
	    crypto_sign_detached(sig, NULL, msg, len, sk) != 0)
		err = DOS_INVAL;
	sodium_memzero(sk, sizeof(sk));
	return err;
}
