/*
 * backup.c: a consistent copy of a live archive.  The catalogue is copied
 * with SQLite's online backup API inside one read transaction (in WAL mode
 * that is one snapshot and blocks no writer); the blob list is then read
 * from the copy, not the live catalogue, and every blob it names is copied
 * with its SHA-256 checked on the way, and the export signing key if there
 * is one.  Every file goes to dest/tmp, is
 * fsynced and renamed; dest/catalogue.db is renamed into place last, so a
 * folder that holds it is a complete archive.  Exports arc_backup.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

#define BACKUP_STEP_PAGES 256 /* catalogue pages per backup step */
#define BACKUP_BUSY_TRIES 600 /* BUSY/LOCKED retries, 50 ms apart */

struct bk {
	struct arc *src;
	struct arc dst; /* dir, blobdir, tmpdir only: for arc_blob_path */
	char dir[PATH_MAX], blobdir[PATH_MAX], tmpdir[PATH_MAX];
	unsigned char touched[256]; /* blobs/<aa> folders written to */
	int created;                /* dest itself was created */
	int made;                   /* blobs/ and tmp/ created in dest */
	uint64_t nblobs, nbytes;
	arc_backup_fn progress;
	void *arg;
	char *msg;
	size_t msglen;
};

static enum dos_err
say(struct bk *b, enum dos_err err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Puts the reason for a failure into the caller's message; returns err. */
static enum dos_err
say(struct bk *b, enum dos_err err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->msg, b->msglen, fmt, ap);
	va_end(ap);
	return err;
}

/* True when path is root or lies below it (both resolved). */
static int
path_within(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (n == 1 && root[0] == '/')
		return 1;
	return strncmp(path, root, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

/* Whether a folder holds anything; -1 when it cannot be read. */
static int
dir_has_entries(const char *path)
{
	DIR *d;
	struct dirent *e;
	int found = 0;

	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			found = 1;
			break;
		}
	closedir(d);
	return found;
}

/*
 * Resolves dest, refuses one inside the source archive or one that holds
 * anything, creates it if absent (its parent must exist) with blobs/ and
 * tmp/ inside.
 */
static enum dos_err
dest_prepare(struct bk *b, const char *dest)
{
	char src[PATH_MAX], parent[PATH_MAX], cat[PATH_MAX];
	const char *base;
	char *slash;
	struct stat st;
	size_t n;
	int exists, r;

	if (dest[0] == '\0')
		return say(b, DOS_INVAL, "no destination folder given");
	if (realpath(b->src->dir, src) == NULL)
		return say(b, DOS_IO, "cannot resolve the archive folder %s: %s",
			   b->src->dir, strerror(errno));
	exists = stat(dest, &st) == 0;
	if (!exists && errno != ENOENT)
		return say(b, DOS_IO, "%s: %s", dest, strerror(errno));
	if (exists) {
		if (!S_ISDIR(st.st_mode))
			return say(b, DOS_INVAL, "%s exists and is not a folder",
				   dest);
		if (realpath(dest, b->dir) == NULL)
			return say(b, DOS_IO, "%s: %s", dest, strerror(errno));
	} else {
		/* Resolve the parent, which must exist, then add the name. */
		if (dos_snprintf(parent, sizeof(parent), "%s", dest) != DOS_OK)
			return say(b, DOS_LIMIT, "%s: path too long", dest);
		n = strlen(parent);
		while (n > 1 && parent[n - 1] == '/')
			parent[--n] = '\0';
		if ((slash = strrchr(parent, '/')) == NULL) {
			base = parent;
			r = realpath(".", b->dir) != NULL;
		} else {
			*slash = '\0';
			base = slash + 1;
			r = realpath(slash == parent ? "/" : parent, b->dir) !=
			    NULL;
		}
		if (!r)
			return say(b, DOS_NOTFOUND, "cannot create %s: its parent "
				   "folder is missing", dest);
		n = strlen(b->dir);
		if (dos_snprintf(b->dir + n, sizeof(b->dir) - n, "%s%s",
				 n > 1 ? "/" : "", base) != DOS_OK)
			return say(b, DOS_LIMIT, "%s: path too long", dest);
	}
	if (path_within(b->dir, src))
		return say(b, DOS_INVAL, "refusing to back up into %s: it is "
			   "inside the archive %s", dest, src);
	if (dos_snprintf(b->blobdir, sizeof(b->blobdir), "%s/blobs",
			 b->dir) != DOS_OK ||
	    dos_snprintf(b->tmpdir, sizeof(b->tmpdir), "%s/tmp", b->dir) !=
		    DOS_OK ||
	    dos_snprintf(cat, sizeof(cat), "%s/catalogue.db", b->dir) != DOS_OK)
		return say(b, DOS_LIMIT, "%s: path too long", dest);
	if (exists) {
		if (stat(cat, &st) == 0)
			return say(b, DOS_CONFLICT, "refusing to back up into "
				   "%s: it already holds an archive", dest);
		if ((r = dir_has_entries(b->dir)) != 0)
			return say(b, r < 0 ? DOS_IO : DOS_CONFLICT,
				   "refusing to back up into %s: %s", dest,
				   r < 0 ? strerror(errno)
					 : "the folder is not empty");
	} else if (mkdir(b->dir, 0750) != 0)
		return say(b, DOS_IO, "cannot create %s: %s", dest,
			   strerror(errno));
	else
		b->created = 1;
	b->made = 1;
	if (mkdir(b->blobdir, 0750) != 0 || mkdir(b->tmpdir, 0750) != 0)
		return say(b, DOS_IO, "cannot create folders in %s: %s", dest,
			   strerror(errno));
	b->dst.dir = b->dir;
	b->dst.blobdir = b->blobdir;
	b->dst.tmpdir = b->tmpdir;
	return DOS_OK;
}

/* First column of the first row of sql on db, as text, into out. */
static enum dos_err
db_text(sqlite3 *db, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *t;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return DOS_DB;
	rc = sqlite3_step(st);
	t = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	snprintf(out, n, "%s", t != NULL ? (const char *)t : "");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? DOS_OK : DOS_DB;
}

/*
 * Copies the live catalogue into a new database at path (left open in
 * *pdb) from one snapshot, in steps, retrying while the source is busy.
 */
static enum dos_err
copy_catalogue(struct bk *b, const char *path, sqlite3 **pdb)
{
	struct arc *a = b->src;
	sqlite3 *db = NULL;
	sqlite3_backup *sb = NULL;
	char res[64];
	int rc, tries = 0;
	enum dos_err err = DOS_OK;

	*pdb = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
					       SQLITE_OPEN_CREATE |
					       SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		err = say(b, DOS_DB, "cannot create %s: %s", path,
			  db != NULL ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	/*
	 * Hold one read transaction on the source for the whole copy: each
	 * step then reads the same snapshot (no restart when an ingest
	 * commits meanwhile), and in WAL mode writers are not held up.
	 */
	if (arc_exec(a, "BEGIN") != DOS_OK ||
	    db_text(a->db, "SELECT count(*) FROM sqlite_schema", res,
		    sizeof(res)) != DOS_OK) {
		err = say(b, DOS_DB, "cannot read the catalogue: %s",
			  arc_errmsg(a));
		goto out;
	}
	if ((sb = sqlite3_backup_init(db, "main", a->db, "main")) == NULL) {
		err = say(b, DOS_DB, "cannot start the catalogue copy: %s",
			  sqlite3_errmsg(db));
		goto out;
	}
	for (;;) {
		rc = sqlite3_backup_step(sb, BACKUP_STEP_PAGES);
		if (rc == SQLITE_DONE)
			break;
		if (rc == SQLITE_OK)
			continue;
		if (((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) &&
		    ++tries < BACKUP_BUSY_TRIES) {
			sqlite3_sleep(50);
			continue;
		}
		err = say(b, DOS_DB, "catalogue copy failed: %s",
			  sqlite3_errstr(rc));
		goto out;
	}
	rc = sqlite3_backup_finish(sb);
	sb = NULL;
	if (rc != SQLITE_OK) {
		err = say(b, DOS_DB, "catalogue copy failed: %s",
			  sqlite3_errmsg(db));
		goto out;
	}
	arc_tx_rollback(a); /* end the read transaction */
	/*
	 * The copy carries the source's WAL flag; make it one self-contained
	 * file (arc_open turns WAL back on), then check it.
	 */
	if (db_text(db, "PRAGMA journal_mode=DELETE", res, sizeof(res)) !=
		    DOS_OK ||
	    strcmp(res, "delete") != 0) {
		err = say(b, DOS_DB, "cannot finish the catalogue copy: %s",
			  sqlite3_errmsg(db));
		goto out;
	}
	if (db_text(db, "PRAGMA quick_check", res, sizeof(res)) != DOS_OK ||
	    strcmp(res, "ok") != 0) {
		err = say(b, DOS_CORRUPT, "the catalogue copy fails SQLite's "
			  "check: %s", res[0] ? res : sqlite3_errmsg(db));
		goto out;
	}
	*pdb = db;
	db = NULL;
out:
	if (sb != NULL)
		sqlite3_backup_finish(sb);
	arc_tx_rollback(a);
	if (db != NULL)
		sqlite3_close(db);
	return err;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c - 'a' + 10;
}

/*
 * Copies one blob to dest through a temporary file, hashing as it goes:
 * a blob whose bytes do not match its digest or size is not copied.
 */
static enum dos_err
copy_blob(struct bk *b, const char *sha, uint64_t size)
{
	crypto_hash_sha256_state hs;
	unsigned char buf[65536], h[crypto_hash_sha256_BYTES], rnd[8];
	char from[PATH_MAX], to[PATH_MAX], tmp[PATH_MAX], dir[PATH_MAX];
	char got[DOS_SHA256_HEX], rndhex[17];
	uint64_t n = 0;
	ssize_t r;
	int in = -1, out = -1, idx;
	enum dos_err err = DOS_OK;

	tmp[0] = '\0';
	if (arc_blob_path(b->src, sha, from, sizeof(from)) != DOS_OK ||
	    arc_blob_path(&b->dst, sha, to, sizeof(to)) != DOS_OK)
		return say(b, DOS_CORRUPT, "the catalogue names a malformed "
			   "blob digest '%.64s'", sha);
	idx = hexval(sha[0]) * 16 + hexval(sha[1]);
	if (!b->touched[idx]) {
		if (dos_snprintf(dir, sizeof(dir), "%s/%.2s", b->blobdir, sha) !=
			    DOS_OK ||
		    (mkdir(dir, 0750) != 0 && errno != EEXIST))
			return say(b, DOS_IO, "cannot create %s: %s", dir,
				   strerror(errno));
		b->touched[idx] = 1;
	}
	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0) {
		err = errno == ENOENT
			      ? say(b, DOS_CORRUPT, "blob %s is missing from "
				    "the archive", sha)
			      : say(b, DOS_IO, "blob %s: %s", sha,
				    strerror(errno));
		goto out;
	}
	randombytes_buf(rnd, sizeof(rnd));
	dos_hex(rnd, sizeof(rnd), rndhex);
	if (dos_snprintf(tmp, sizeof(tmp), "%s/%s.%s", b->tmpdir, sha,
			 rndhex) != DOS_OK) {
		tmp[0] = '\0';
		err = say(b, DOS_LIMIT, "%s: path too long", b->tmpdir);
		goto out;
	}
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) <
	    0) {
		err = say(b, DOS_IO, "cannot create %s: %s", tmp,
			  strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	crypto_hash_sha256_init(&hs);
	while ((r = read(in, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = say(b, DOS_IO, "cannot read blob %s: %s", sha,
				  strerror(errno));
			goto out;
		}
		crypto_hash_sha256_update(&hs, buf, (size_t)r);
		if (arc_write_all(out, buf, (size_t)r) != DOS_OK) {
			err = say(b, DOS_IO, "cannot write %s: %s", tmp,
				  strerror(errno));
			goto out;
		}
		n += (uint64_t)r;
	}
	crypto_hash_sha256_final(&hs, h);
	dos_hex(h, sizeof(h), got);
	if (strcmp(got, sha) != 0 || n != size) {
		err = say(b, DOS_CORRUPT, "blob %s is corrupt in the archive "
			  "(%s); not copied", sha,
			  strcmp(got, sha) != 0 ? "SHA-256 mismatch"
						: "size differs");
		goto out;
	}
	if (fsync(out) != 0 || close(out) != 0) {
		out = -1;
		err = say(b, DOS_IO, "cannot write %s: %s", tmp,
			  strerror(errno));
		goto out;
	}
	out = -1;
	if (rename(tmp, to) != 0) {
		err = say(b, DOS_IO, "cannot rename to %s: %s", to,
			  strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	b->nblobs++;
	b->nbytes += n;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (tmp[0] != '\0')
		unlink(tmp);
	return err;
}

/* Copies every blob the catalogue copy db refers to, then syncs folders. */
static enum dos_err
copy_blobs(struct bk *b, sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	char path[PATH_MAX], cnt[32];
	uint64_t total, done = 0;
	int rc, i;
	enum dos_err err = DOS_OK;

	/* Destroyed originals keep their rows, not their bytes. */
	if (db_text(db, "SELECT count(*) FROM blob WHERE destroyed IS NULL",
		    cnt, sizeof(cnt)) != DOS_OK ||
	    sqlite3_prepare_v2(db, "SELECT sha256, size FROM blob WHERE "
				   "destroyed IS NULL ORDER BY sha256", -1,
			       &st, NULL) != SQLITE_OK)
		return say(b, DOS_DB, "cannot read the blob list of the "
			   "catalogue copy: %s", sqlite3_errmsg(db));
	total = strtoull(cnt, NULL, 10);
	if (b->progress != NULL)
		b->progress(b->arg, 0, total);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = copy_blob(b, arc_col_text(st, 0),
				     (uint64_t)sqlite3_column_int64(st, 1))) !=
		    DOS_OK)
			goto out;
		if (b->progress != NULL)
			b->progress(b->arg, ++done, total);
	}
	if (rc != SQLITE_DONE) {
		err = say(b, DOS_DB, "cannot read the blob list of the "
			  "catalogue copy: %s", sqlite3_errmsg(db));
		goto out;
	}
	for (i = 0; i < 256; i++) {
		if (!b->touched[i])
			continue;
		if (dos_snprintf(path, sizeof(path), "%s/%02x", b->blobdir, i) !=
			    DOS_OK ||
		    arc_fsync_path(path, 1) != DOS_OK) {
			err = say(b, DOS_IO, "cannot sync %s: %s", path,
				  strerror(errno));
			goto out;
		}
	}
	if (arc_fsync_path(b->blobdir, 1) != DOS_OK)
		err = say(b, DOS_IO, "cannot sync %s: %s", b->blobdir,
			  strerror(errno));
out:
	sqlite3_finalize(st);
	return err;
}

static void
unlink_db(const char *path)
{
	static const char *const sfx[] = {"", "-journal", "-wal", "-shm"};
	char p[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (dos_snprintf(p, sizeof(p), "%s%s", path, sfx[i]) == DOS_OK)
			unlink(p);
}

enum dos_err
arc_backup(struct arc *a, const char *dest, arc_backup_fn progress,
	   void *arg, char *msg, size_t msglen)
{
	struct bk *b = NULL;
	sqlite3 *db = NULL;
	char dbtmp[PATH_MAX], dbpath[PATH_MAX], detail[128], rndhex[17];
	unsigned char rnd[8];
	struct stat st;
	enum dos_err err;

	dbtmp[0] = dbpath[0] = '\0';
	if (msglen > 0)
		msg[0] = '\0';
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return DOS_NOMEM;
	b->src = a;
	b->progress = progress;
	b->arg = arg;
	b->msg = msg;
	b->msglen = msglen;
	if ((err = dest_prepare(b, dest)) != DOS_OK)
		goto out;
	randombytes_buf(rnd, sizeof(rnd));
	dos_hex(rnd, sizeof(rnd), rndhex);
	if (dos_snprintf(dbtmp, sizeof(dbtmp), "%s/catalogue.db.%s",
			 b->tmpdir, rndhex) != DOS_OK ||
	    dos_snprintf(dbpath, sizeof(dbpath), "%s/catalogue.db", b->dir) !=
		    DOS_OK) {
		dbtmp[0] = '\0';
		err = say(b, DOS_LIMIT, "%s: path too long", dest);
		goto out;
	}
	if ((err = copy_catalogue(b, dbtmp, &db)) != DOS_OK ||
	    (err = copy_blobs(b, db)) != DOS_OK)
		goto out;
	/* The signing key, so exports made before still check against
	 * the restored archive's key. */
	if ((err = arc_key_copy(a, b->dir, b->tmpdir)) != DOS_OK) {
		err = say(b, err, "cannot copy the signing key: %s",
			  dos_strerror(err));
		goto out;
	}
	if (sqlite3_close(db) != SQLITE_OK) {
		err = say(b, DOS_DB, "cannot close the catalogue copy: %s",
			  sqlite3_errmsg(db));
		goto out;
	}
	db = NULL;
	if (stat(dbtmp, &st) != 0 || arc_fsync_path(dbtmp, 0) != DOS_OK) {
		err = say(b, DOS_IO, "cannot sync %s: %s", dbtmp,
			  strerror(errno));
		goto out;
	}
	/* Last: the catalogue makes the folder an archive. */
	if (rename(dbtmp, dbpath) != 0) {
		err = say(b, DOS_IO, "cannot rename to %s: %s", dbpath,
			  strerror(errno));
		goto out;
	}
	dbtmp[0] = '\0';
	if (arc_fsync_path(b->tmpdir, 1) != DOS_OK ||
	    arc_fsync_path(b->dir, 1) != DOS_OK) {
		err = say(b, DOS_IO, "cannot sync %s: %s", b->dir,
			  strerror(errno));
		goto out;
	}
	if (b->created) {
		/* dest's own entry in its parent folder. */
		char parent[PATH_MAX], *slash;

		snprintf(parent, sizeof(parent), "%s", b->dir);
		if ((slash = strrchr(parent, '/')) != NULL) {
			slash[slash == parent ? 1 : 0] = '\0';
			if (arc_fsync_path(parent, 1) != DOS_OK) {
				err = say(b, DOS_IO, "cannot sync %s: %s",
					  parent, strerror(errno));
				goto out;
			}
		}
	}
	snprintf(detail, sizeof(detail), "%llu blob(s), %llu bytes; "
		 "catalogue %llu bytes", (unsigned long long)b->nblobs,
		 (unsigned long long)b->nbytes,
		 (unsigned long long)st.st_size);
	if ((err = arc_audit(a, "local-admin", "backup", b->dir, detail)) !=
	    DOS_OK) {
		say(b, err, "backup written to %s, but the audit entry could "
		    "not be recorded: %s", b->dir, arc_errmsg(a));
		goto out;
	}
	say(b, DOS_OK, "%llu blob(s) (%.1f MB) and the catalogue (%.1f MB) "
	    "copied to %s", (unsigned long long)b->nblobs,
	    (double)b->nbytes / 1e6, (double)st.st_size / 1e6, b->dir);
out:
	if (db != NULL)
		sqlite3_close(db);
	if (dbtmp[0] != '\0')
		unlink_db(dbtmp);
	if (err != DOS_OK && b->made && msglen > 0 && stat(dbpath, &st) != 0) {
		size_t n = strlen(msg);

		snprintf(msg + n, msglen - n, " (%s holds an incomplete copy; "
			 "remove it before trying again)", dest);
	}
	free(b);
	return err;
}
