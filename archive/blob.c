/*
 * blob.c: the content-addressed blob store: blobs/<aa>/<sha256>.  Writes go
 * to a temporary file that is fsynced and renamed into place, and the folder
 * is fsynced, before any catalogue row refers to the blob.  A write that
 * would eat into the space kept free (arc_space_check), or finds the disk
 * full, fails with DOS_NOSPACE and leaves no file behind.
 * Exports arc_blob_put, arc_blob_open, and the internal arc_blob_path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

static int
valid_sha(const char *sha)
{
	size_t i;

	if (sha == NULL || strlen(sha) != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') ||
		      (sha[i] >= 'a' && sha[i] <= 'f')))
			return 0;
	return 1;
}

enum dos_err
arc_blob_path(const struct arc *a, const char *sha, char *out, size_t n)
{
	if (!valid_sha(sha))
		return DOS_INVAL;
	return dos_snprintf(out, n, "%s/%.2s/%s", a->blobdir, sha, sha);
}

enum dos_err
arc_fsync_path(const char *path, int dir)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
	if (fd < 0)
		return DOS_IO;
	r = fsync(fd);
	close(fd);
	return r == 0 ? DOS_OK : DOS_IO;
}

enum dos_err
arc_write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return DOS_IO;
		p += w;
		n -= (size_t)w;
	}
	return DOS_OK;
}

/* DOS_NOSPACE for errors saying the disk is full, else DOS_IO. */
static enum dos_err
io_err(int e)
{
	return e == ENOSPC || e == EDQUOT ? DOS_NOSPACE
	       : e == EROFS		  ? DOS_RDONLY
					  : DOS_IO;
}

enum dos_err
arc_blob_put(struct arc *a, const void *p, size_t n, char sha[DOS_SHA256_HEX])
{
	char path[4096], dir[4096], tmp[4096];
	unsigned char rnd[8];
	char rndhex[17];
	struct stat st;
	int fd = -1;
	enum dos_err err;

	if ((err = dos_sha256_hex(p, n, sha)) != DOS_OK)
		return err;
	if ((err = arc_blob_path(a, sha, path, sizeof(path))) != DOS_OK)
		return err;
	if (stat(path, &st) == 0 && (uint64_t)st.st_size == n)
		return DOS_OK; /* content-addressed: already stored */
	/* The blob, and a block or two of folder and inode. */
	if ((err = arc_space_check(a, (uint64_t)n + 8192)) != DOS_OK)
		return err;
	if ((err = dos_snprintf(dir, sizeof(dir), "%s/%.2s", a->blobdir,
				sha)) != DOS_OK)
		return err;
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		err = io_err(errno);
		dos_errx("%s: mkdir %s: %s", __func__, dir, strerror(errno));
		return err;
	}
	randombytes_buf(rnd, sizeof(rnd));
	dos_hex(rnd, sizeof(rnd), rndhex);
	if ((err = dos_snprintf(tmp, sizeof(tmp), "%s/%s.%s", a->tmpdir, sha,
				rndhex)) != DOS_OK)
		return err;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) <
	    0) {
		err = io_err(errno);
		dos_errx("%s: create %s: %s", __func__, tmp, strerror(errno));
		return err;
	}
	if ((err = arc_write_all(fd, p, n)) != DOS_OK || fsync(fd) != 0) {
		err = io_err(errno);
		dos_errx("%s: write %s: %s", __func__, tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		err = io_err(errno);
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		err = io_err(errno);
		dos_errx("%s: rename to %s: %s", __func__, path,
			 strerror(errno));
		goto fail;
	}
	if ((err = arc_fsync_path(dir, 1)) != DOS_OK)
		return err;
	return DOS_OK;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return err;
}

enum dos_err
arc_blob_open(struct arc *a, const char *sha, int *pfd, uint64_t *psize)
{
	char path[4096];
	struct stat st;
	int fd;
	enum dos_err err;

	*pfd = -1;
	if ((err = arc_blob_path(a, sha, path, sizeof(path))) != DOS_OK)
		return err;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? DOS_NOTFOUND : DOS_IO;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return DOS_IO;
	}
	*pfd = fd;
	*psize = (uint64_t)st.st_size;
	return DOS_OK;
}
