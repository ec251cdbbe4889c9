/*
 * store.c: opening and closing an archive, and the catalogue helpers the
 * rest of archive/ uses.  Exports arc_open, arc_close, arc_errmsg,
 * arc_spool_dir, arc_spool_file, arc_spool_name, arc_spool_release,
 * arc_spool_sweep and the internal arc_step_once,
 * arc_tx_*, arc_prepare, arc_exec,
 * arc_bind_text, arc_col_text, arc_say.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <dirent.h>
#include <ftw.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static atomic_int warned_readonly; /* said once per process */

static char *
path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	if (p != NULL && dos_snprintf(p, n, "%s/%s", a, b) != DOS_OK) {
		free(p);
		p = NULL;
	}
	return p;
}

/*
 * Whether this process may not write the archive at dir with catalogue
 * dbpath: a read-only file system, or a folder or catalogue it may not
 * change.
 */
static int
not_writable(const char *dir, const char *dbpath)
{
	return access(dbpath, W_OK) != 0 || access(dir, W_OK) != 0;
}

/*
 * The URI that opens catalogue dbpath as immutable: what a read-only
 * catalogue in WAL mode needs when its shared-memory file is absent and
 * cannot be created (a read-only mount); it then reads the catalogue as
 * of its last checkpoint.  NULL when out of memory.
 */
static char *
immutable_uri(const char *dbpath)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(dbpath), i, k = 0;
	char *u = malloc(3 * n + 32);

	if (u == NULL)
		return NULL;
	memcpy(u, "file:", 5);
	k = 5;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)dbpath[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("/._-", c) != NULL)
			u[k++] = (char)c;
		else {
			u[k++] = '%';
			u[k++] = hex[c >> 4];
			u[k++] = hex[c & 15];
		}
	}
	memcpy(u + k, "?immutable=1", sizeof("?immutable=1"));
	return u;
}

/* Whether catalogue dbpath has a shared-memory (WAL index) file. */
static int
has_shm(const char *dbpath)
{
	char p[4096];
	struct stat st;

	return dos_snprintf(p, sizeof(p), "%s-shm", dbpath) == DOS_OK &&
	       stat(p, &st) == 0;
}

static enum dos_err
mkdir_if_absent(const char *path)
{
	if (mkdir(path, 0750) == 0 || errno == EEXIST)
		return DOS_OK;
	dos_errx("%s: cannot create %s: %s", __func__, path, strerror(errno));
	return DOS_IO;
}

void
arc_close(struct arc *a)
{
	if (a == NULL)
		return;
	arc_stmt_cache_free(a);
	arc_tokenizer_close(a->tok);
	if (a->db != NULL)
		sqlite3_close_v2(a->db);
	free(a->dir);
	free(a->blobdir);
	free(a->tmpdir);
	free(a);
}

const char *
arc_errmsg(const struct arc *a)
{
	return a != NULL && a->db != NULL ? sqlite3_errmsg(a->db) : "no catalogue";
}

int
arc_readonly(const struct arc *a)
{
	return a != NULL && (a->flags & ARC_READONLY) != 0;
}

enum dos_err
arc_db_err(struct arc *a)
{
	int rc, sys;

	if (a == NULL || a->db == NULL)
		return DOS_DB;
	rc = sqlite3_extended_errcode(a->db);
	sys = sqlite3_system_errno(a->db);
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return DOS_NOSPACE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DOS_BUSY;
	case SQLITE_READONLY:
		return DOS_RDONLY;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		if (sys == ENOSPC || sys == EDQUOT)
			return DOS_NOSPACE;
		if (sys == EROFS)
			return DOS_RDONLY;
		break;
	}
	return DOS_DB;
}

/*
 * What the archive keeps free on its disk so that the catalogue and the
 * audit log (every search and view writes an entry) go on when scans
 * fill it: DOSSIER_RESERVE_MB, else 1% of the file system, at least
 * 1 MiB and at most 256 MiB.
 */
static uint64_t
reserve_bytes(const struct statvfs *sv)
{
	const char *e = getenv("DOSSIER_RESERVE_MB");
	uint64_t size = (uint64_t)sv->f_blocks * sv->f_frsize, r;
	char *end;
	unsigned long long mb;

	if (e != NULL && *e != '\0') {
		errno = 0;
		mb = strtoull(e, &end, 10);
		if (errno == 0 && *end == '\0' && mb <= (1ull << 40))
			return (uint64_t)mb << 20;
	}
	r = size / 100;
	if (r < (1ull << 20))
		r = 1ull << 20;
	if (r > (256ull << 20))
		r = 256ull << 20;
	return r;
}

enum dos_err
arc_space_check(struct arc *a, uint64_t n)
{
	struct statvfs sv;
	uint64_t avail, keep;

	if (statvfs(a->blobdir, &sv) != 0)
		return DOS_OK; /* the write itself will say */
	if (sv.f_flag & ST_RDONLY)
		return DOS_RDONLY;
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	keep = reserve_bytes(&sv);
	if (avail >= keep && avail - keep >= n)
		return DOS_OK;
	dos_errx("the disk of the archive at %s is full: %llu KiB free, "
		 "%llu KiB kept free for the catalogue and the audit log, "
		 "%llu KiB needed", a->dir, (unsigned long long)(avail >> 10),
		 (unsigned long long)(keep >> 10),
		 (unsigned long long)((n + 1023) >> 10));
	return DOS_NOSPACE;
}

/*
 * DOSSIER_SQL_PROFILE=1: each statement's SQL (values expanded) and the
 * time from its first step to its reset, on standard error, for finding
 * where a request's time goes; DOSSIER_SQL_PROFILE=plan adds each
 * statement's query plan.  FTS5's own statements are left out.  A tool
 * for one thread at a time: the start times are one process-wide ring.
 */
static struct {
	void *st;
	double t0;
} prof_ring[32];

static int
profile_cb(unsigned type, void *ctx, void *p, void *x)
{
	sqlite3 *db = ctx;
	sqlite3_stmt *eqp = NULL;
	const char *mode = getenv("DOSSIER_SQL_PROFILE"), *text;
	char *sql;
	struct dbuf b;
	double t = dos_mono(), ms = -1;
	int i;

	(void)x;
	text = sqlite3_sql(p);
	if (text == NULL || strstr(text, "'main'.") != NULL ||
	    strncmp(text, "EXPLAIN", 7) == 0)
		return 0;
	if (type == SQLITE_TRACE_STMT) {
		for (i = 0; i < 31 && prof_ring[i].st != NULL &&
			    prof_ring[i].st != p; i++)
			;
		prof_ring[i].st = p;
		prof_ring[i].t0 = t;
		return 0;
	}
	for (i = 0; i < 32; i++)
		if (prof_ring[i].st == p) {
			ms = 1e3 * (t - prof_ring[i].t0);
			prof_ring[i].st = NULL;
			break;
		}
	sql = sqlite3_expanded_sql(p);
	fprintf(stderr, "sql-profile %.3f ms: %s\n", ms,
		sql != NULL ? sql : "?");
	sqlite3_free(sql);
	if (mode == NULL || strcmp(mode, "plan") != 0)
		return 0;
	dbuf_init(&b, 1u << 20);
	if (dbuf_adds(&b, "EXPLAIN QUERY PLAN ") == DOS_OK &&
	    dbuf_adds(&b, text) == DOS_OK &&
	    sqlite3_prepare_v2(db, b.data, -1, &eqp, NULL) == SQLITE_OK)
		while (sqlite3_step(eqp) == SQLITE_ROW)
			fprintf(stderr, "sql-plan %d/%d %s\n",
				sqlite3_column_int(eqp, 0),
				sqlite3_column_int(eqp, 1),
				(const char *)sqlite3_column_text(eqp, 3));
	sqlite3_finalize(eqp);
	dbuf_free(&b);
	return 0;
}

/*
 * SQLite's memory statistics take a global mutex on every allocation,
 * which every server thread then queues on; nobody reads them.
 */
static void
sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

enum dos_err
arc_open(const char *dir, unsigned flags, struct arc **parc)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct arc *a = NULL;
	struct stat st;
	char *dbpath = NULL;
	int oflags;
	enum dos_err err = DOS_OK;

	*parc = NULL;
	pthread_once(&once, sqlite_setup);
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return DOS_NOMEM;
	a->flags = flags;
	a->dir = strdup(dir);
	a->blobdir = path_join(dir, "blobs");
	a->tmpdir = path_join(dir, "tmp");
	dbpath = path_join(dir, "catalogue.db");
	if (a->dir == NULL || a->blobdir == NULL || a->tmpdir == NULL ||
	    dbpath == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if (flags & ARC_CREATE) {
		if ((err = mkdir_if_absent(dir)) != DOS_OK ||
		    (err = mkdir_if_absent(a->blobdir)) != DOS_OK ||
		    (err = mkdir_if_absent(a->tmpdir)) != DOS_OK)
			goto out;
	} else if (stat(dbpath, &st) != 0) {
		dos_errx("no archive at %s (run 'dossier init' first)", dir);
		err = DOS_NOTFOUND;
		goto out;
	} else if (!(flags & ARC_READONLY) && not_writable(dir, dbpath)) {
		/* Searches and views are not audited then: say so, once. */
		if (!atomic_exchange(&warned_readonly, 1))
			dos_warnx("the archive at %s is read-only (%s): "
				  "reading only, nothing is recorded, not "
				  "even in the audit log", dir,
				  strerror(errno));
		a->flags = flags |= ARC_READONLY;
	}
	oflags = SQLITE_OPEN_NOMUTEX | ((flags & ARC_READONLY)
						? SQLITE_OPEN_READONLY
						: SQLITE_OPEN_READWRITE |
							  SQLITE_OPEN_CREATE);
	if ((flags & ARC_READONLY) && !has_shm(dbpath) &&
	    access(dir, W_OK) != 0) {
		char *uri = immutable_uri(dbpath);

		if (uri == NULL) {
			err = DOS_NOMEM;
			goto out;
		}
		free(dbpath);
		dbpath = uri;
		oflags |= SQLITE_OPEN_URI;
	}
	if (sqlite3_open_v2(dbpath, &a->db, oflags, NULL) != SQLITE_OK) {
		err = arc_db_err(a);
		dos_errx("%s: cannot open %s: %s", __func__, dbpath,
			 arc_errmsg(a));
		goto out;
	}
	sqlite3_busy_timeout(a->db, 10000);
	if (getenv("DOSSIER_SQL_PROFILE") != NULL)
		sqlite3_trace_v2(a->db, SQLITE_TRACE_STMT |
				 SQLITE_TRACE_PROFILE, profile_cb,
				 a->db);
	sqlite3_extended_result_codes(a->db, 1);
	if ((err = arc_fts_tokenizer_register(a->db)) != DOS_OK ||
	    (err = arc_fts_rank_register(a->db)) != DOS_OK ||
	    (err = arc_search_fn_register(a)) != DOS_OK ||
	    (err = arc_cand_register(a->db)) != DOS_OK)
		goto out;
	if (!(flags & ARC_READONLY) &&
	    (err = arc_exec(a, "PRAGMA journal_mode=WAL")) != DOS_OK)
		goto out;
	/*
	 * A page cache of 32 MiB (SQLite's default is 2 MiB): a search
	 * reads a few thousand pages of the catalogue (the documents its
	 * words are in, their lengths), which then stay for the next one;
	 * at a million pages this took a third off a search's time.  A
	 * connection that sees another's commit starts its cache afresh, so
	 * a server's, whose audit writer commits all the time, gains less.
	 */
	if ((err = arc_exec(a, "PRAGMA foreign_keys=ON;"
			       "PRAGMA synchronous=FULL;"
			       "PRAGMA cache_size=-32768;")) != DOS_OK)
		goto out;
	if ((err = arc_stmt_cache_new(a)) != DOS_OK ||
	    (err = arc_schema_migrate(a)) != DOS_OK)
		goto out;
	*parc = a;
	a = NULL;
out:
	free(dbpath);
	arc_close(a);
	return err;
}

enum dos_err
arc_prepare(struct arc *a, const char *sql, sqlite3_stmt **pst)
{
	if (sqlite3_prepare_v2(a->db, sql, -1, pst, NULL) != SQLITE_OK) {
		dos_errx("%s: %s", __func__, sqlite3_errmsg(a->db));
		*pst = NULL;
		return DOS_DB;
	}
	return DOS_OK;
}

enum dos_err
arc_exec(struct arc *a, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(a->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		dos_errx("%s: %s", __func__, msg ? msg : sqlite3_errmsg(a->db));
		sqlite3_free(msg);
		return arc_db_err(a);
	}
	return DOS_OK;
}

/* Runs a statement of no rows and no values through the statement
 * cache (transaction control on every request). */
static enum dos_err
run_kept(struct arc *a, const char *sql)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_stmt(a, sql, &st)) == DOS_OK)
		err = arc_stmt_run(a, st);
	arc_stmt_done(a, st);
	return err;
}

enum dos_err
arc_tx_begin(struct arc *a)
{
	return run_kept(a, "BEGIN IMMEDIATE");
}

enum dos_err
arc_tx_commit(struct arc *a)
{
	return run_kept(a, "COMMIT");
}

enum dos_err
arc_read_begin(struct arc *a)
{
	return run_kept(a, "BEGIN");
}

void
arc_tx_rollback(struct arc *a)
{
	if (!sqlite3_get_autocommit(a->db))
		sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
}

enum dos_err
arc_tx_fail(struct arc *a, enum dos_err err, char *msg, size_t msglen)
{
	arc_tx_rollback(a);
	if (msg[0] == '\0')
		snprintf(msg, msglen, "%s", dos_strerror(err));
	return err;
}

int
arc_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

const char *
arc_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? (const char *)t : "";
}

json_t *
arc_col_json_text(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return json_string(arc_col_text(st, i));
}

json_t *
arc_col_json_int(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(st, i));
}

/* Runs one statement on a document id. */
static enum dos_err
fts_step(struct arc *a, const char *sql, int64_t doc)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, sql, &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, doc);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("full-text index: %s", arc_errmsg(a));
		err = DOS_DB;
	}
	sqlite3_finalize(st);
	return err;
}

enum dos_err
arc_fts_unindex(struct arc *a, int64_t doc)
{
	return fts_step(a, "INSERT INTO doc_fts(doc_fts, rowid, text, title, "
			   "keywords, signatory) SELECT 'delete', id, text, "
			   "title, keywords, signatory FROM doc_fts_src "
			   "WHERE id = ?", doc);
}

enum dos_err
arc_fts_index(struct arc *a, int64_t doc)
{
	return fts_step(a, "INSERT INTO doc_fts(rowid, text, title, keywords, "
			   "signatory) SELECT id, text, title, keywords, "
			   "signatory FROM doc_fts_src WHERE id = ?", doc);
}

enum dos_err
arc_spool_dir(struct arc *a, char *path, size_t n)
{
	int e;

	if (dos_snprintf(path, n, "%s/upload-XXXXXX", a->tmpdir) != DOS_OK)
		return DOS_LIMIT;
	if (mkdtemp(path) == NULL) {
		e = errno;
		dos_errx("%s: %s: %s", __func__, path, strerror(e));
		return e == ENOSPC || e == EDQUOT ? DOS_NOSPACE
		       : e == EROFS		  ? DOS_RDONLY
						  : DOS_IO;
	}
	return DOS_OK;
}

/* The longest name part of a spooled file (NAME_MAX is 255). */
#define SPOOL_NAME_MAX 200

enum dos_err
arc_spool_file(const char *dir, int seq, const char *uploaded, char *path,
	       size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char name[SPOOL_NAME_MAX + 1];
	const char *base, *p;
	size_t k = 0, need;

	/* A folder a client put before the name is not kept. */
	base = uploaded != NULL ? uploaded : "";
	if ((p = strrchr(base, '/')) != NULL)
		base = p + 1;
	if ((p = strrchr(base, '\\')) != NULL)
		base = p + 1;
	for (p = base; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		int esc = c < 0x20 || c == 0x7f || c == '%';

		need = esc ? 3 : 1;
		/* Cut at a character, never inside one. */
		if (k + need > SPOOL_NAME_MAX ||
		    (c >= 0xc0 && k + 4 > SPOOL_NAME_MAX))
			break;
		if (esc) {
			name[k++] = '%';
			name[k++] = hex[c >> 4];
			name[k++] = hex[c & 15];
		} else
			name[k++] = (char)c;
	}
	name[k] = '\0';
	return dos_snprintf(path, n, "%s/%04d-%s", dir, seq,
			    k > 0 ? name : "scan");
}

/* The name part of a file of an upload folder ("NNNN-NAME"), or NULL. */
static const char *
spool_base(const struct arc *a, const char *path)
{
	size_t n = strlen(a->tmpdir);
	const char *rest, *slash;

	if (strncmp(path, a->tmpdir, n) != 0 ||
	    strncmp(path + n, "/upload-", 8) != 0)
		return NULL;
	rest = path + n + 1;
	if ((slash = strchr(rest, '/')) == NULL || slash[1] == '\0' ||
	    strchr(slash + 1, '/') != NULL || slash[1] == '.')
		return NULL;
	return slash + 1;
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
				      : -1;
}

int
arc_spool_name(const struct arc *a, const char *path, char *out, size_t n)
{
	const char *p = spool_base(a, path);
	size_t k = 0;

	if (p == NULL || n == 0)
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != '-')
		return 0;
	for (; *p != '\0' && k + 1 < n; p++) {
		if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			out[k++] = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		} else
			out[k++] = *p;
	}
	out[k] = '\0';
	return 1;
}

/* nftw callback: removes what it is given (depth first). */
static int
remove_entry(const char *path, const struct stat *sb, int type,
	     struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) != 0 ? -1 : 0;
	return unlink(path) != 0 ? -1 : 0;
}

int
arc_spool_sweep(struct arc *a, long max_age)
{
	DIR *d;
	struct dirent *e;
	struct stat sb;
	char path[4096];
	time_t now = time(NULL);
	int n = 0;

	if ((d = opendir(a->tmpdir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "upload-", 7) != 0 ||
		    dos_snprintf(path, sizeof(path), "%s/%s", a->tmpdir,
				 e->d_name) != DOS_OK ||
		    lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
		    now - sb.st_mtime < max_age)
			continue;
		if (nftw(path, remove_entry, 8, FTW_DEPTH | FTW_PHYS) == 0) {
			dos_infox("removed %s: an upload left unfinished "
				  "%ld days ago", path,
				  (long)((now - sb.st_mtime) / 86400));
			n++;
		} else
			dos_warnx("cannot remove %s: %s", path,
				  strerror(errno));
	}
	closedir(d);
	return n;
}

int
arc_spool_release(struct arc *a, const char *path)
{
	const char *base = spool_base(a, path);
	char dir[4096];

	if (base == NULL ||
	    dos_snprintf(dir, sizeof(dir), "%.*s", (int)(base - 1 - path),
			 path) != DOS_OK)
		return 0;
	if (unlink(path) != 0 && errno != ENOENT)
		return 0;
	rmdir(dir); /* the last of its files: the folder goes too */
	return 1;
}

enum dos_err
arc_step_once(struct arc *a, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return DOS_OK;
	dos_errx("%s: %s", what, arc_errmsg(a));
	return arc_db_err(a);
}

enum dos_err
arc_say(char *msg, size_t n, enum dos_err err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return err;
}
