/*
 * upload.c: batches uploaded from the scan station.  libmicrohttpd's post
 * processor cuts the multipart body into files; each is written to the
 * spool folder as it streams in, refused past UPLOAD_MAX_FILE, the batch
 * past UPLOAD_MAX_TOTAL or UPLOAD_MAX_FILES, and the user's spooled
 * bytes past the queue's limits, before the bytes are written.  Writes
 * stop short of the space the archive keeps free (arc_space_check).
 * Fields "account" and "category" before the files file the batch's
 * documents where no cover sheet or printed account says otherwise;
 * "file_account" and "file_category" just before a file say it for that
 * file alone (the batch's manifest, which wins over the batch's).  A
 * finished upload is fsynced and queued as one batch (ops_queue_batch:
 * its pages counted, nothing decoded; past the page limits it is refused
 * in words and nothing is kept); the workers read it, and its progress
 * comes from the queue.  The queue owns the spooled files from then on.
 * Exports upload_begin, upload_feed, upload_error, upload_finish,
 * upload_free, upload_plain_name.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dossier/ops.h"
#include "upload.h"

struct upload {
	struct MHD_PostProcessor *pp;
	struct arc *a;         /* the receiving thread's connection */
	char dir[4096];
	char **paths;
	char **names;          /* as the browser named them */
	int npaths;
	int fd;                /* the file being received, or -1 */
	uint64_t file_bytes, total;
	uint64_t received;     /* body bytes, multipart framing included */
	uint64_t room_user;    /* spool bytes left to the user ... */
	uint64_t room_all;     /* ... and to everyone */
	unsigned status;       /* 0, or the HTTP status of a failure */
	char error[256];
	/* Fields before the files: where the batch's documents are filed
	 * when no cover sheet or printed account says otherwise. */
	char account[65], category[33];
	/* The next file's own, and each file's (parallel to paths). */
	char next_account[65], next_category[33];
	char (*faccount)[65], (*fcategory)[33];
	int per_file;          /* some file has its own */
};

static void
fail(struct upload *up, unsigned status, const char *msg)
{
	if (up->status == 0) {
		up->status = status;
		snprintf(up->error, sizeof(up->error), "%s", msg);
	}
	if (up->fd >= 0) {
		close(up->fd);
		up->fd = -1;
	}
}

void
upload_plain_name(const char *name, char *out, size_t n)
{
	const char *base = strrchr(name, '/');
	size_t i, k = 0;

	base = base != NULL ? base + 1 : name;
	if (strrchr(base, '\\') != NULL)
		base = strrchr(base, '\\') + 1;
	for (i = 0; base[i] != '\0' && k + 1 < n; i++)
		if (isalnum((unsigned char)base[i]) ||
		    strchr("._-", base[i]) != NULL)
			out[k++] = base[i];
	if (n > 0)
		out[k] = '\0';
}

/* Keeps the file about to be received's own account and category (its
 * slot npaths), and clears them for the next. */
static int
per_file_add(struct upload *up)
{
	size_t n = (size_t)up->npaths + 1;
	char (*fa)[65], (*fc)[33];

	if ((fa = realloc(up->faccount, n * sizeof(*fa))) == NULL)
		return 0;
	up->faccount = fa;
	if ((fc = realloc(up->fcategory, n * sizeof(*fc))) == NULL)
		return 0;
	up->fcategory = fc;
	memcpy(fa[n - 1], up->next_account, sizeof(fa[0]));
	memcpy(fc[n - 1], up->next_category, sizeof(fc[0]));
	if (up->next_account[0] != '\0' || up->next_category[0] != '\0')
		up->per_file = 1;
	up->next_account[0] = up->next_category[0] = '\0';
	return 1;
}

/* Writes the files' own accounts and categories as the batch's manifest
 * (dir/manifest.csv; temp file, fsync, rename).  0 on failure. */
static int
manifest_write(const struct upload *up)
{
	char path[4200], tmp[4200];
	FILE *f;
	int i, ok;

	snprintf(path, sizeof(path), "%s/manifest.csv", up->dir);
	snprintf(tmp, sizeof(tmp), "%s/.manifest.csv.tmp", up->dir);
	if ((f = fopen(tmp, "wx")) == NULL)
		return 0;
	fputs("file,account,category\n", f);
	/* No value holds a quote or a line break (on_part): quoted as is. */
	for (i = 0; i < up->npaths; i++)
		fprintf(f, "\"%s\",\"%s\",\"%s\"\n", up->paths[i],
			up->faccount[i], up->fcategory[i]);
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return 0;
	}
	return 1;
}

static enum MHD_Result
on_part(void *cls, enum MHD_ValueKind kind, const char *key,
	const char *filename, const char *content_type,
	const char *transfer_encoding, const char *data, uint64_t off,
	size_t size)
{
	struct upload *up = cls;
	char name[256], path[4400];
	const char *base;
	char **np;

	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	if (up->status != 0)
		return MHD_YES; /* drain; the failure is answered at the end */
	/* The batch's account and category, short plain fields. */
	if (filename == NULL && key != NULL &&
	    (strcmp(key, "account") == 0 || strcmp(key, "category") == 0)) {
		char *f = key[0] == 'a' ? up->account : up->category;
		size_t cap = key[0] == 'a' ? sizeof(up->account)
					   : sizeof(up->category);

		if (off + size >= cap) {
			fail(up, 400, "account and category are at most 64 "
				      "and 32 characters");
			return MHD_YES;
		}
		memcpy(f + off, data, size);
		f[off + size] = '\0';
		return MHD_YES;
	}
	/* The next file's own account and category. */
	if (filename == NULL && key != NULL &&
	    (strcmp(key, "file_account") == 0 ||
	     strcmp(key, "file_category") == 0)) {
		int isacc = key[5] == 'a';
		char *f = isacc ? up->next_account : up->next_category;
		size_t cap = isacc ? sizeof(up->next_account)
				   : sizeof(up->next_category);

		if (off + size >= cap) {
			fail(up, 400, "account and category are at most 64 "
				      "and 32 characters");
			return MHD_YES;
		}
		if (memchr(data, '\n', size) != NULL ||
		    memchr(data, '\r', size) != NULL ||
		    memchr(data, '"', size) != NULL) {
			fail(up, 400, "an account or category holds a line "
				      "break or a quote");
			return MHD_YES;
		}
		memcpy(f + off, data, size);
		f[off + size] = '\0';
		return MHD_YES;
	}
	/* A part without a readable name (name=*files") has key NULL. */
	if (filename == NULL || key == NULL || strcmp(key, "files") != 0)
		return MHD_YES; /* other fields carry nothing we use */
	if (off == 0) {
		if (up->fd >= 0)
			close(up->fd);
		up->fd = -1;
		if (up->npaths == UPLOAD_MAX_FILES) {
			fail(up, 413, "too many files in one batch (at most "
				      "1000)");
			return MHD_YES;
		}
		if (arc_spool_file(up->dir, up->npaths + 1, filename, path,
				   sizeof(path)) != DOS_OK) {
			fail(up, 400, "a file name is too long");
			return MHD_YES;
		}
		if ((np = realloc(up->names, (size_t)(up->npaths + 1) *
						     sizeof(*np))) == NULL) {
			fail(up, 500, "out of memory");
			return MHD_YES;
		}
		up->names = np;
		if ((np = realloc(up->paths, (size_t)(up->npaths + 1) *
						     sizeof(*np))) == NULL) {
			fail(up, 500, "out of memory");
			return MHD_YES;
		}
		up->paths = np;
		/* Named as uploaded (its folder left out), never by the
		 * spool path. */
		base = strrchr(filename, '/') != NULL ? strrchr(filename, '/') + 1
						      : filename;
		if (strrchr(base, '\\') != NULL)
			base = strrchr(base, '\\') + 1;
		dos_utf8_clean(base, name, sizeof(name));
		up->paths[up->npaths] = strdup(path);
		up->names[up->npaths] = strdup(name[0] ? name : "scan");
		if (up->paths[up->npaths] == NULL ||
		    up->names[up->npaths] == NULL || !per_file_add(up)) {
			free(up->paths[up->npaths]);
			free(up->names[up->npaths]);
			fail(up, 500, "out of memory");
			return MHD_YES;
		}
		up->npaths++;
		up->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			      0600);
		up->file_bytes = 0;
		if (up->fd < 0) {
			fail(up, 500, "the upload cannot be stored; see the "
				      "server log");
			dos_errx("upload: %s: %s", path, strerror(errno));
			return MHD_YES;
		}
	}
	if (up->fd < 0 || size == 0)
		return MHD_YES;
	/* Limits before the bytes are written. */
	if (up->file_bytes + size > UPLOAD_MAX_FILE) {
		fail(up, 413, "a file is larger than 200 MB; split the scan");
		return MHD_YES;
	}
	if (up->total + size > UPLOAD_MAX_TOTAL) {
		fail(up, 413, "the batch is larger than 1 GB; upload it in "
			      "parts");
		return MHD_YES;
	}
	if (up->total + size > up->room_user) {
		fail(up, 413, "your files waiting to be read would pass the "
			      "limit one user may have in the spool; upload "
			      "the rest when these are read");
		return MHD_YES;
	}
	if (up->total + size > up->room_all) {
		fail(up, 413, "the files waiting to be read would pass the "
			      "archive's spool limit; try again later");
		return MHD_YES;
	}
	if (arc_space_check(up->a, size) != DOS_OK) {
		fail(up, 507, "the archive's disk is full; nothing of this "
			      "upload was kept");
		return MHD_YES;
	}
	while (size > 0) {
		ssize_t w = write(up->fd, data, size);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;

			dos_errx("upload: write: %s", strerror(e));
			fail(up, e == ENOSPC || e == EDQUOT ? 507 : 500,
			     e == ENOSPC || e == EDQUOT
				     ? "the archive's disk is full; nothing of "
				       "this upload was kept"
				     : "the upload cannot be stored; see the "
				       "server log");
			return MHD_YES;
		}
		data += w;
		size -= (size_t)w;
		up->file_bytes += (uint64_t)w;
		up->total += (uint64_t)w;
	}
	return MHD_YES;
}

static void
remove_spool(const char *dir, char **paths, char **names, int n)
{
	int i;

	char m[4200];

	for (i = 0; i < n; i++) {
		if (paths != NULL) {
			unlink(paths[i]);
			free(paths[i]);
		}
		if (names != NULL)
			free(names[i]);
	}
	free(paths);
	free(names);
	if (dir[0] != '\0') {
		snprintf(m, sizeof(m), "%s/manifest.csv", dir);
		unlink(m);
		rmdir(dir);
	}
}

struct upload *
upload_begin(struct MHD_Connection *conn, struct arc *a, const char *user,
	     const struct arc_queue_limits *lim, unsigned *pstatus,
	     char *msg, size_t msglen)
{
	struct upload *up;
	uint64_t spooled_user = 0, spooled_all = 0;
	enum dos_err err;

	if (arc_readonly(a)) {
		*pstatus = 503;
		snprintf(msg, msglen, "the archive is read-only; nothing can "
				      "be uploaded into it");
		return NULL;
	}
	if ((up = calloc(1, sizeof(*up))) == NULL) {
		*pstatus = 500;
		snprintf(msg, msglen, "out of memory");
		return NULL;
	}
	up->fd = -1;
	up->a = a;
	/* What the spool may still take (checked again when queued). */
	if (arc_queue_spooled(a, user, &spooled_user, &spooled_all) !=
	    DOS_OK) {
		*pstatus = 503;
		snprintf(msg, msglen, "the archive is busy; try again");
		free(up);
		return NULL;
	}
	up->room_user = lim->user_bytes == 0 ? UINT64_MAX
			: spooled_user >= lim->user_bytes
				? 0
				: lim->user_bytes - spooled_user;
	up->room_all = lim->total_bytes == 0 ? UINT64_MAX
		       : spooled_all >= lim->total_bytes
			       ? 0
			       : lim->total_bytes - spooled_all;
	if ((up->pp = MHD_create_post_processor(conn, 64 * 1024, on_part,
						up)) == NULL) {
		*pstatus = 400;
		snprintf(msg, msglen, "send the files as multipart/form-data "
				      "in a field named \"files\"");
		free(up);
		return NULL;
	}
	if ((err = arc_spool_dir(a, up->dir, sizeof(up->dir))) != DOS_OK) {
		*pstatus = err == DOS_NOSPACE ? 507 : 500;
		snprintf(msg, msglen, "%s", err == DOS_NOSPACE
			 ? "the archive's disk is full; nothing of this "
			   "upload was kept"
			 : "the upload cannot be stored; see the server log");
		MHD_destroy_post_processor(up->pp);
		free(up);
		return NULL;
	}
	return up;
}

int
upload_feed(struct upload *up, const char *data, size_t n)
{
	up->received += n;
	if (up->status == 0 &&
	    MHD_post_process(up->pp, data, n) != MHD_YES)
		fail(up, 400, "the upload is not valid multipart/form-data");
	/*
	 * A refused body is read to its end (and dropped), so that the
	 * client, still sending, reads the answer; but no further than
	 * UPLOAD_DRAIN_MAX.
	 */
	return up->status != 0 && up->received > UPLOAD_DRAIN_MAX ? -1 : 0;
}

const char *
upload_error(const struct upload *up, unsigned *pstatus)
{
	*pstatus = up->status;
	return up->status != 0 ? up->error : NULL;
}

void
upload_free(struct upload *up)
{
	if (up == NULL)
		return;
	if (up->fd >= 0)
		close(up->fd);
	if (up->pp != NULL)
		MHD_destroy_post_processor(up->pp);
	remove_spool(up->dir, up->paths, up->names, up->npaths);
	free(up->faccount);
	free(up->fcategory);
	free(up);
}

enum dos_err
upload_finish(struct upload *up, struct arc *a, const char *user,
	      const struct ing_options *opt,
	      const struct arc_queue_limits *lim, int64_t *pbatch,
	      int *pfiles, int *ppages, char *msg, size_t msglen)
{
	struct ing_options o = *opt;
	struct ing_manifest *man = NULL;
	struct ops_queued q;
	int fd, i;
	enum dos_err err;

	*pbatch = 0;
	*pfiles = *ppages = 0;
	if (up->fd >= 0) {
		if (fsync(up->fd) != 0 || close(up->fd) != 0) {
			up->fd = -1;
			snprintf(msg, msglen, "the upload cannot be stored");
			return DOS_IO;
		}
		up->fd = -1;
	}
	if (up->npaths == 0) {
		snprintf(msg, msglen, "the upload holds no files (field "
				      "\"files\")");
		return DOS_INVAL;
	}
	/* A category nobody knows is refused before a page is read. */
	if (up->category[0] != '\0' &&
	    arc_category_check(a, up->category, msg, msglen) != DOS_OK)
		return DOS_INVAL;
	for (i = 0; up->per_file && i < up->npaths; i++) {
		const char *b = up->names[i];
		char why[400];

		/* Which file (as uploaded), why. */
		if (!dos_utf8_valid(up->faccount[i]) ||
		    !dos_utf8_valid(up->fcategory[i])) {
			snprintf(msg, msglen, "%s: its account or category "
				 "is not UTF-8 text", b);
			return DOS_INVAL;
		}
		if (up->fcategory[i][0] == '\0' ||
		    arc_category_check(a, up->fcategory[i], why,
				       sizeof(why)) == DOS_OK)
			continue;
		snprintf(msg, msglen, "%s: %s", b, why);
		return DOS_INVAL;
	}
	if (up->per_file && !manifest_write(up)) {
		snprintf(msg, msglen, "the upload cannot be stored; see the "
				      "server log");
		dos_errx("upload: %s/manifest.csv: %s", up->dir,
			 strerror(errno));
		return DOS_IO;
	}
	if (up->per_file) {
		/* Read back as the queue takes it: refused now, whole. */
		char mpath[4200], why[256];

		snprintf(mpath, sizeof(mpath), "%s/manifest.csv", up->dir);
		if (ing_manifest_load(mpath, &man, why, sizeof(why)) !=
		    DOS_OK) {
			dos_errx("upload: %s: %s", mpath, why);
			snprintf(msg, msglen, "the files' own accounts and "
				 "categories cannot be read back; see the "
				 "server log");
			return DOS_INVAL;
		}
	}
	/* The names too are on disk before the queue refers to them. */
	if ((fd = open(up->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fsync(fd) != 0) {
		if (fd >= 0)
			close(fd);
		ing_manifest_free(man);
		snprintf(msg, msglen, "the upload cannot be stored");
		return DOS_IO;
	}
	close(fd);
	o.user = user;
	o.account = up->account[0] != '\0' ? up->account : NULL;
	o.category = up->category[0] != '\0' ? up->category : NULL;
	o.doc_type = NULL;
	/* Counted (nothing decoded) and queued, or refused whole; each
	 * file's own account and category go into its row. */
	err = ops_queue_batch(a, &o, man, lim, up->paths, up->paths,
			      up->names, up->npaths, &q, msg, msglen);
	ing_manifest_free(man);
	if (up->per_file) {
		char mpath[4200];

		snprintf(mpath, sizeof(mpath), "%s/manifest.csv", up->dir);
		unlink(mpath);
	}
	if (err != DOS_OK)
		return err;
	/* The queue owns the files now. */
	remove_spool("", NULL, up->names, up->npaths);
	for (fd = 0; fd < up->npaths; fd++)
		free(up->paths[fd]);
	free(up->paths);
	up->paths = up->names = NULL;
	up->npaths = 0;
	up->dir[0] = '\0';
	*pbatch = q.batch;
	*pfiles = q.files;
	*ppages = q.pages;
	snprintf(msg, msglen, "batch %lld: %d file(s) received, %d page(s) "
		 "queued to be read", (long long)q.batch, q.files, q.pages);
	return DOS_OK;
}
