/*
 * viewcache.c: page images at the widths the viewer asks for, kept.  The
 * archive stores each processed page as TIFF G4 at scan resolution; a
 * browser shows PNG at screen size, which a worker renders (about
 * 35 ms a page).  A rendering is kept in cache/<aa>/<sha>.w<width>.png,
 * named after the processed page's digest, so a page turned or replaced
 * gets new names and a kept rendering never shows an old page.  Written as
 * the blob store writes (a temporary file in tmp/, fsynced, renamed, the
 * folder fsynced); never while the disk is at the space kept free.  A
 * rendering is found only after the access check and the audit of the
 * view, exactly as the page itself (arc_page_view): the cache changes how
 * fast a page is shown, not to whom.  Purging a page's blob removes its
 * renderings (arc_view_cache_drop); arc_view_cache_sweep keeps the folder
 * under a size, the least recently shown going first.
 * The server renders nothing: a page not kept at a width is a view row of
 * the queue, rendered by a worker (ingest/render.c) and put here.
 * Exports arc_page_view, arc_page_view_check, arc_view_open,
 * arc_page_view_put, arc_view_cache_sweep and the internal
 * arc_view_cache_drop.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

/* cache/<aa>/<sha>.w<width>.png for a key "<sha>.w<width>". */
static enum dos_err
cache_path(const struct arc *a, const char *key, char *out, size_t n,
	   char *dir, size_t dirlen)
{
	if (strlen(key) < 66 || strchr(key, '/') != NULL)
		return DOS_INVAL;
	if (dir != NULL && dos_snprintf(dir, dirlen, "%s/cache/%.2s", a->dir,
					key) != DOS_OK)
		return DOS_LIMIT;
	return dos_snprintf(out, n, "%s/cache/%.2s/%s.png", a->dir, key, key);
}

/* Who may view, the page, its rendering kept (v->fd, cached) or not. */
static enum dos_err
lookup(struct arc *a, const struct arc_user *who, int64_t doc, int seq,
       int width, struct arc_page_view *v, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char sha[DOS_SHA256_HEX], path[4096];
	struct stat sb;
	int fd, row;
	enum dos_err err;

	memset(v, 0, sizeof(*v));
	v->fd = -1;
	if ((err = arc_may(a, who, ARC_VIEW, ARC_OBJ_DOC, doc, msg, msglen)) !=
	    DOS_OK)
		return err;
	if ((err = arc_stmt(a, "SELECT processed_sha256 FROM page WHERE "
			       "document_id = ?1 AND seq = ?2", &st)) !=
	    DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_int(st, 2, seq);
	if ((err = arc_stmt_step(a, st, &row)) == DOS_OK && row &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		snprintf(sha, sizeof(sha), "%s", arc_col_text(st, 0));
	else if (err == DOS_OK) {
		err = DOS_NOTFOUND;
		snprintf(msg, msglen, "document %lld has no page %d",
			 (long long)doc, seq);
	}
	arc_stmt_done(a, st);
	if (err != DOS_OK)
		return err;
	snprintf(v->key, sizeof(v->key), "%s.w%d", sha, width);
	if (cache_path(a, v->key, path, sizeof(path), NULL, 0) == DOS_OK &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (fstat(fd, &sb) == 0 && sb.st_size > 0) {
			/* Shown again: the sweep goes by this time. */
			if (time(NULL) - sb.st_mtime > 3600)
				futimens(fd, NULL);
			v->fd = fd;
			v->size = (uint64_t)sb.st_size;
			v->cached = 1;
		} else
			close(fd);
	}
	return DOS_OK;
}

enum dos_err
arc_page_view_check(struct arc *a, const struct arc_user *who, int64_t doc,
		    int seq, int width, struct arc_page_view *v, char *msg,
		    size_t msglen)
{
	return lookup(a, who, doc, seq, width, v, msg, msglen);
}

enum dos_err
arc_view_open(struct arc *a, const char *key, int source, int *pfd,
	      uint64_t *psize, int *pcached)
{
	char path[4096], sha[DOS_SHA256_HEX];
	struct stat sb;
	size_t i;
	int fd;

	*pfd = -1;
	*psize = 0;
	*pcached = 0;
	/* <64 hex digits>.w<width>, nothing else. */
	for (i = 0; i < 64; i++)
		if (!((key[i] >= '0' && key[i] <= '9') ||
		      (key[i] >= 'a' && key[i] <= 'f')))
			return DOS_INVAL;
	if (key[64] != '.' || key[65] != 'w' || key[66] == '\0' ||
	    strspn(key + 66, "0123456789") != strlen(key + 66) ||
	    strlen(key) > 72)
		return DOS_INVAL;
	if (cache_path(a, key, path, sizeof(path), NULL, 0) == DOS_OK &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (fstat(fd, &sb) == 0 && sb.st_size > 0) {
			*pfd = fd;
			*psize = (uint64_t)sb.st_size;
			*pcached = 1;
			return DOS_OK;
		}
		close(fd);
	}
	if (!source)
		return DOS_NOTFOUND;
	memcpy(sha, key, 64);
	sha[64] = '\0';
	return arc_blob_open(a, sha, pfd, psize);
}

enum dos_err
arc_page_view(struct arc *a, const struct arc_user *who, int64_t doc,
	      int seq, int width, struct arc_auditq *q, arc_auditq_fn cb,
	      void *cb_arg, struct arc_page_view *v, char *msg,
	      size_t msglen)
{
	char obj[48], detail[32], sha[DOS_SHA256_HEX];
	enum dos_err err;

	/* The rendering kept, else the page to render; opened before the
	 * view is audited, so that nothing fails once it is. */
	if ((err = lookup(a, who, doc, seq, width, v, msg, msglen)) != DOS_OK)
		return err;
	memcpy(sha, v->key, 64);
	sha[64] = '\0';
	if (v->fd < 0 && (err = arc_blob_open(a, sha, &v->fd, &v->size)) !=
			     DOS_OK)
		return err;
	/* A page image is a read of the document (as arc_page_open). */
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	snprintf(detail, sizeof(detail), "page %d image", seq);
	if (q != NULL && !(a->flags & ARC_READONLY)) {
		err = arc_auditq_post(q, who->name, "view", obj, detail, cb,
				      cb_arg);
		v->posted = err == DOS_OK;
	} else
		err = arc_audit(a, who->name, "view", obj, detail);
	if (err != DOS_OK) {
		close(v->fd);
		v->fd = -1;
	}
	return err;
}

enum dos_err
arc_page_view_put(struct arc *a, const char *key, const void *png,
		  size_t len)
{
	char path[4096], dir[4096], top[4096], tmp[4096], rndhex[17];
	unsigned char rnd[8];
	int fd = -1;
	enum dos_err err;

	if (a->flags & ARC_READONLY)
		return DOS_RDONLY;
	if ((err = cache_path(a, key, path, sizeof(path), dir,
			      sizeof(dir))) != DOS_OK ||
	    (err = dos_snprintf(top, sizeof(top), "%s/cache", a->dir)) !=
		    DOS_OK)
		return err;
	/* Never into the space kept for the catalogue and the audit log. */
	if ((err = arc_space_check(a, (uint64_t)len + 8192)) != DOS_OK)
		return err;
	if ((mkdir(top, 0750) != 0 && errno != EEXIST) ||
	    (mkdir(dir, 0750) != 0 && errno != EEXIST))
		return DOS_IO;
	randombytes_buf(rnd, sizeof(rnd));
	dos_hex(rnd, sizeof(rnd), rndhex);
	if ((err = dos_snprintf(tmp, sizeof(tmp), "%s/view-%s.%s", a->tmpdir,
				rndhex, "png")) != DOS_OK)
		return err;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) <
	    0)
		return errno == ENOSPC ? DOS_NOSPACE : DOS_IO;
	if ((err = arc_write_all(fd, png, len)) != DOS_OK || fsync(fd) != 0) {
		err = err != DOS_OK ? err : DOS_IO;
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		err = DOS_IO;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		err = DOS_IO;
		goto fail;
	}
	return arc_fsync_path(dir, 1);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return err;
}

void
arc_view_cache_drop(struct arc *a, const char *sha)
{
	char dir[4096], path[4096];
	DIR *d;
	struct dirent *e;

	if (strlen(sha) != 64 ||
	    dos_snprintf(dir, sizeof(dir), "%s/cache/%.2s", a->dir, sha) !=
		    DOS_OK ||
	    (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, sha, 64) == 0 && e->d_name[64] == '.' &&
		    dos_snprintf(path, sizeof(path), "%s/%s", dir,
				 e->d_name) == DOS_OK)
			unlink(path);
	closedir(d);
}

struct kept {
	char name[96]; /* <aa>/<file> */
	time_t mtime;
	off_t size;
};

static int
older_first(const void *x, const void *y)
{
	const struct kept *p = x, *q = y;

	return p->mtime < q->mtime ? -1 : p->mtime > q->mtime;
}

long
arc_view_cache_sweep(struct arc *a, uint64_t max_bytes)
{
	char top[4096], dir[4096], path[4096];
	struct kept *v = NULL, *nv;
	size_t n = 0, cap = 0, i;
	uint64_t total = 0;
	DIR *t, *d;
	struct dirent *e, *f;
	struct stat sb;
	long removed = 0;

	if (max_bytes == 0) {
		/* DOSSIER_VIEW_CACHE_MB, else 2 GiB. */
		const char *env = getenv("DOSSIER_VIEW_CACHE_MB");
		char *end;
		unsigned long long mb = env != NULL ? strtoull(env, &end, 10)
						    : 0;

		max_bytes = env != NULL && *env != '\0' && *end == '\0'
				    ? (uint64_t)mb << 20
				    : (uint64_t)2048 << 20;
	}
	if (dos_snprintf(top, sizeof(top), "%s/cache", a->dir) != DOS_OK ||
	    (t = opendir(top)) == NULL)
		return 0;
	while ((e = readdir(t)) != NULL) {
		if (strlen(e->d_name) != 2 ||
		    dos_snprintf(dir, sizeof(dir), "%s/%s", top, e->d_name) !=
			    DOS_OK ||
		    (d = opendir(dir)) == NULL)
			continue;
		while ((f = readdir(d)) != NULL) {
			if (f->d_name[0] == '.' || strlen(f->d_name) > 90 ||
			    dos_snprintf(path, sizeof(path), "%s/%s", dir,
					 f->d_name) != DOS_OK ||
			    stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				if ((nv = realloc(v, cap * sizeof(*v))) ==
				    NULL) {
					closedir(d);
					goto out;
				}
				v = nv;
			}
			if (dos_snprintf(v[n].name, sizeof(v[n].name),
					 "%s/%s", e->d_name, f->d_name) !=
			    DOS_OK)
				continue;
			v[n].mtime = sb.st_mtime;
			v[n].size = sb.st_size;
			total += (uint64_t)sb.st_size;
			n++;
		}
		closedir(d);
	}
	if (total <= max_bytes)
		goto out;
	qsort(v, n, sizeof(*v), older_first);
	for (i = 0; i < n && total > max_bytes; i++)
		if (dos_snprintf(path, sizeof(path), "%s/%s", top,
				 v[i].name) == DOS_OK &&
		    unlink(path) == 0) {
			total -= (uint64_t)v[i].size;
			removed++;
		}
out:
	closedir(t);
	free(v);
	return removed;
}
