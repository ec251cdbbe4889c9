/*
 * watch.c: `dossier watch DIR`, the hot folder.  Files dropped into DIR are
 * ingested one at a time (the pages of a file in parallel) and then moved
 * to DIR/done/ once committed to the archive or found to be archived
 * already, or to DIR/failed/ beside NAME.reason.txt saying why.
 *
 * A file is first claimed by renaming it into DIR/.processing/: a scanner
 * that drops another file of the same name meanwhile cannot have that
 * uncommitted file moved to done/, and a second watcher cannot take it
 * too (a lock on .processing/ keeps to one watcher per folder anyway).
 * Files an interrupted run left in .processing/ are put back into DIR at
 * start; one that was committed before the interruption is then found to
 * be a duplicate and goes to done/.  Nothing is deleted or overwritten.
 *
 * New files are taken when inotify reports them complete (closed after
 * writing, or moved in).  Files already in DIR at start are taken once
 * they have not changed for WATCH_SETTLE seconds, so that a file a scanner
 * is still writing is not read half-way.  SIGINT and SIGTERM arrive
 * through a signalfd and are looked at between files: the current file is
 * finished and filed, then the command returns 0.
 *
 * Exports cmd_watch.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dossier/archive.h"
#include "dossier/common.h"
#include "dossier/ingest.h"

#include "cli.h"

#define WATCH_STAGE ".processing" /* files being ingested, inside DIR */
#define WATCH_SETTLE 2            /* seconds a found file must rest */
#define WATCH_QUIET_MS 500        /* a burst of new files ends after */
#define WATCH_BURST_MS 5000       /* ... this much quiet, or this long */
#define WATCH_MAX_NAMES 10000     /* names queued at once; then rescan */
#define WATCH_MAX_SUFFIX 9999     /* NAME-1.EXT .. NAME-9999.EXT */
#define WATCH_REASON ".reason.txt"

/* A list of file names in DIR (each malloc'd). */
struct names {
	char **v;
	size_t n, cap;
};

struct watch {
	const char *dir; /* DIR as given */
	int dirfd, stagefd, donefd, failedfd;
	int ifd;   /* inotify on DIR, -1 with --once */
	int sfd;   /* signalfd for SIGINT and SIGTERM */
	int once;  /* --once: take what is there, then return */
	struct arc *a;
	struct ing *ing;
	const char *user;
	struct names pending; /* complete files to take */
	struct names waiting; /* found by a scan, perhaps still written to */
	int rescan;           /* scan DIR again (queue overflow, list full) */
	int stop;             /* a signal asked to stop */
	int64_t batch;        /* open batch, 0 when none */
	int bfiles, bpages, bdocs, bfailed; /* counts of the open batch */
	int ndone, nfailed;                 /* counts of this run */
};

/*
 * One line to standard error, time-stamped like the library's log and
 * written at once, so that the OCR threads' own lines cannot split it.
 */
static void wlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
wlog(const char *fmt, ...)
{
	va_list ap;
	char ts[32], line[2048];

	dos_now_iso(ts);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s watch: %s\n", ts, line);
}

/*
 * Copies s into out (size n, truncated) with control characters replaced
 * by '?': file names and messages are printed, never their raw bytes.
 */
static const char *
clean(const char *s, char *out, size_t n)
{
	size_t i;

	if (n == 0)
		return "";
	for (i = 0; s != NULL && s[i] != '\0' && i + 1 < n; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?'
								    : s[i];
	out[i] = '\0';
	return out;
}

/* ---- name lists ---- */

static ssize_t
names_find(const struct names *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return (ssize_t)i;
	return -1;
}

static void
names_remove(struct names *l, size_t i)
{
	free(l->v[i]);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
	l->n--;
}

/*
 * Adds name unless present.  A list that is full (or out of memory) asks
 * for a rescan of DIR later, which finds the name again.
 */
static enum dos_err
names_add(struct watch *w, struct names *l, const char *name)
{
	char **v;
	size_t cap;

	if (names_find(l, name) >= 0)
		return DOS_OK;
	if (l->n >= WATCH_MAX_NAMES)
		goto full;
	if (l->n == l->cap) {
		cap = l->cap ? 2 * l->cap : 64;
		if ((v = realloc(l->v, cap * sizeof(*v))) == NULL)
			goto full;
		l->v = v;
		l->cap = cap;
	}
	if ((l->v[l->n] = strdup(name)) == NULL)
		goto full;
	l->n++;
	return DOS_OK;
full:
	w->rescan = 1;
	return DOS_LIMIT;
}

static void
names_clear(struct names *l)
{
	while (l->n > 0)
		free(l->v[--l->n]);
}

static void
names_free(struct names *l)
{
	names_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

static int
names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file known to be complete: take it at the next burst. */
static enum dos_err
queue(struct watch *w, const char *name)
{
	ssize_t i;
	enum dos_err err;

	/* name may be the waiting list's own copy: add before removing. */
	if ((err = names_add(w, &w->pending, name)) != DOS_OK)
		return err;
	if ((i = names_find(&w->waiting, name)) >= 0)
		names_remove(&w->waiting, (size_t)i);
	return DOS_OK;
}

/* A file found by a scan: take it once it has rested. */
static enum dos_err
defer(struct watch *w, const char *name)
{
	if (names_find(&w->pending, name) >= 0)
		return DOS_OK;
	return names_add(w, &w->waiting, name);
}

/* ---- names and moves ---- */

/* Hidden and temporary names are a scanner's work in progress. */
static int
ignored(const char *name)
{
	static const char *const ext[] = {".part", ".tmp"};
	size_t i, n = strlen(name), e;

	if (name[0] == '.' || n == 0)
		return 1;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		e = strlen(ext[i]);
		if (n >= e && strcasecmp(name + n - e, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* A file changed in the last WATCH_SETTLE seconds may be being written. */
static int
fresh(const struct stat *st)
{
	struct timespec now;
	double age;

	clock_gettime(CLOCK_REALTIME, &now);
	age = (double)(now.tv_sec - st->st_mtim.tv_sec) +
	      (now.tv_nsec - st->st_mtim.tv_nsec) / 1e9;
	return age < WATCH_SETTLE && age > -WATCH_SETTLE;
}

/*
 * The n-th name to try for name in a folder: name itself, then STEM-n.EXT,
 * shortened (at a UTF-8 boundary) so that it plus reserve bytes fits in a
 * file name.  Returns 0, or -1 when no such name can be made.
 */
static int
candidate(char *out, size_t outlen, const char *name, int n, size_t reserve)
{
	const char *dot = strrchr(name, '.');
	size_t stem = dot != NULL && dot != name ? (size_t)(dot - name)
						 : strlen(name);
	const char *ext = name + stem;
	size_t max = NAME_MAX - reserve;
	char num[16] = "";

	if (n > 0)
		snprintf(num, sizeof(num), "-%d", n);
	if (strlen(ext) + strlen(num) >= max)
		return -1;
	if (stem + strlen(num) + strlen(ext) > max) {
		stem = max - strlen(num) - strlen(ext);
		while (stem > 0 && ((unsigned char)name[stem] & 0xc0) == 0x80)
			stem--;
	}
	if (stem == 0)
		return -1;
	return dos_snprintf(out, outlen, "%.*s%s%s", (int)stem, name, num,
			    ext) == DOS_OK ? 0 : -1;
}

/* Renames without ever replacing what is there (EEXIST instead). */
static int
move_noreplace(int fromfd, const char *from, int tofd, const char *to)
{
	if (renameat2(fromfd, from, tofd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: link() never replaces. */
	if (linkat(fromfd, from, tofd, to, 0) != 0)
		return -1;
	if (unlinkat(fromfd, from, 0) != 0) {
		int e = errno;

		/* Two names for one file; drop the new one, keep the old. */
		unlinkat(tofd, to, 0);
		errno = e;
		return -1;
	}
	return 0;
}

/*
 * Moves name from fromfd into tofd under the first free candidate name
 * (with companion, if given, free beside it too); the name used goes to
 * out (NAME_MAX + 1 bytes).  -1 with errno when it cannot be moved.
 */
static int
move_unique(int fromfd, const char *name, int tofd, const char *companion,
	    char *out, size_t outlen)
{
	char other[NAME_MAX + 1];
	struct stat st;
	size_t reserve = companion != NULL ? strlen(companion) : 0;
	int n;

	for (n = 0; n <= WATCH_MAX_SUFFIX; n++) {
		if (candidate(out, outlen, name, n, reserve) != 0) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (companion != NULL) {
			if (dos_snprintf(other, sizeof(other), "%s%s", out,
					 companion) != DOS_OK) {
				errno = ENAMETOOLONG;
				return -1;
			}
			if (fstatat(tofd, other, &st, AT_SYMLINK_NOFOLLOW) ==
			    0)
				continue;
		}
		if (move_noreplace(fromfd, name, tofd, out) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* Whether an ingest error is about the file rather than the machine. */
static int
file_fault(enum dos_err err)
{
	return err == DOS_FORMAT || err == DOS_LIMIT;
}

/*
 * Writes failed/<moved>.reason.txt: the name as dropped, the time and the
 * reason in words.  A failure to write it is logged; the file stays in
 * failed/ all the same.
 */
static void
write_reason(struct watch *w, const char *moved, const char *name,
	     enum dos_err err, const char *msg)
{
	char rname[NAME_MAX + 1], ts[32], buf[1024], shown[256];
	struct dbuf b;
	ssize_t k;
	size_t off = 0;
	int fd = -1, ok;

	dbuf_init(&b, 8192);
	dos_now_iso(ts);
	errno = ENOMEM;
	if (dos_snprintf(rname, sizeof(rname), "%s%s", moved, WATCH_REASON) !=
	    DOS_OK) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if (dbuf_addf(&b, "file: %s\n", clean(name, buf, sizeof(buf))) !=
		    DOS_OK ||
	    (strcmp(moved, name) != 0 &&
	     dbuf_addf(&b, "filed as: failed/%s\n",
		       clean(moved, buf, sizeof(buf))) != DOS_OK) ||
	    dbuf_addf(&b, "time: %s\n", ts) != DOS_OK ||
	    dbuf_addf(&b, "reason: %s\n", clean(msg, buf, sizeof(buf))) !=
		    DOS_OK ||
	    (!file_fault(err) &&
	     dbuf_adds(&b, "note: this looks like a problem of the archive or "
			   "of this machine, not necessarily of the file; "
			   "once it is solved, move the file back into the "
			   "folder to try again\n") != DOS_OK))
		goto fail;
	fd = openat(w->failedfd, rname,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	while (off < b.len) {
		if ((k = write(fd, b.data + off, b.len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)k;
	}
	ok = fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	fd = -1;
	if (!ok)
		goto fail;
	dbuf_free(&b);
	return;
fail:
	wlog("%s: cannot write failed/%s%s: %s",
	     clean(name, buf, sizeof(buf)), clean(moved, shown, sizeof(shown)),
	     WATCH_REASON, strerror(errno));
	if (fd >= 0)
		close(fd);
	dbuf_free(&b);
}

/* ---- batches ---- */

static enum dos_err
batch_open(struct watch *w)
{
	enum dos_err err;

	if (w->batch != 0)
		return DOS_OK;
	if ((err = arc_batch_begin(w->a, w->user, &w->batch)) != DOS_OK) {
		fprintf(stderr, "dossier: watch: cannot start a batch in the "
				"archive: %s\n", dos_strerror(err));
		w->batch = 0;
	}
	return err;
}

static void
batch_close(struct watch *w)
{
	if (w->batch == 0)
		return;
	if (arc_batch_end(w->a, w->batch, w->bfiles, w->bpages, w->bdocs,
			  w->bfailed) != DOS_OK)
		wlog("batch %lld: cannot record its counts",
		     (long long)w->batch);
	w->batch = 0;
	w->bfiles = w->bpages = w->bdocs = w->bfailed = 0;
}

/* ---- one file ---- */

/* Says in words what became of a committed file; counts its pages. */
static enum dos_err
describe(struct watch *w, json_t *docs, struct dbuf *b)
{
	json_t *d;
	size_t k, ndocs = 0, ndup = 0, nreview = 0;
	long long pages = 0;
	const char *reason = NULL, *status;
	enum dos_err err = DOS_OK;

	json_array_foreach(docs, k, d) {
		if (json_is_true(json_object_get(d, "duplicate"))) {
			ndup++;
			continue;
		}
		ndocs++;
		pages += json_integer_value(json_object_get(d, "pages"));
		status = json_string_value(json_object_get(d, "status"));
		if (status != NULL && strcmp(status, "review") == 0) {
			nreview++;
			if (reason == NULL)
				reason = json_string_value(
					json_object_get(d, "review_reason"));
		}
	}
	w->bpages += (int)pages;
	w->bdocs += (int)ndocs;
	if (json_array_size(docs) == 0)
		return dbuf_adds(b, "no document pages (only blank, separator "
				    "or cover sheets); kept on record");
	if (ndup > 0)
		err = dbuf_adds(b, ndup == 1 ? "already archived as document"
					     : "already archived as documents");
	else
		err = dbuf_addf(b, "%lld page%s, %zu document%s", pages,
				pages == 1 ? "" : "s", ndocs,
				ndocs == 1 ? "" : "s");
	json_array_foreach(docs, k, d)
		if (err == DOS_OK)
			err = dbuf_addf(b, "%s%lld",
					k == 0 ? (ndup > 0 ? " " : " (") : ", ",
					(long long)json_integer_value(
						json_object_get(d, "id")));
	if (err == DOS_OK && ndup == 0)
		err = dbuf_adds(b, ")");
	if (err == DOS_OK && nreview > 0)
		err = dbuf_addf(b, ", %zu for review (%s)", nreview,
				reason ?: "see dossier review");
	return err;
}

/* Puts a claimed file back into DIR after a fatal error. */
static void
put_back(struct watch *w, const char *name)
{
	char out[NAME_MAX + 1], shown[256];

	if (move_unique(w->stagefd, name, w->dirfd, NULL, out,
			sizeof(out)) != 0)
		wlog("%s: stays in %s/%s/ and is put back at the next start",
		     clean(name, shown, sizeof(shown)), w->dir, WATCH_STAGE);
}

/*
 * Claims name from DIR (a folder, or a name already gone, is left alone),
 * ingests it and moves it to done/ or failed/.  Returns 0, or -1 on an
 * error that must stop the watcher; the file is then put back into DIR.
 */
static int
take(struct watch *w, const char *name)
{
	char shown[256], smoved[256], smsg[1024], moved[NAME_MAX + 1];
	char path[PATH_MAX];
	struct stat st;
	struct dbuf what;
	json_t *docs = NULL;
	char *msg = NULL;
	const char *m;
	int rc = -1, given = 0;
	enum dos_err err;

	dbuf_init(&what, 4096);
	clean(name, shown, sizeof(shown));
	if (fstatat(w->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    S_ISDIR(st.st_mode)) {
		rc = 0;
		goto out;
	}
	if (move_noreplace(w->dirfd, name, w->stagefd, name) != 0) {
		if (errno != ENOENT)
			wlog("%s: cannot take it from the folder: %s; left "
			     "in place", shown, strerror(errno));
		rc = 0;
		goto out;
	}
	if (batch_open(w) != DOS_OK) {
		put_back(w, name);
		goto out;
	}
	w->bfiles++;
	if (fstatat(w->stagefd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISREG(st.st_mode)) {
		err = DOS_FORMAT;
		msg = strdup("not a regular file (a link, folder, pipe or "
			     "device); only scan files are ingested");
	} else if (dos_snprintf(path, sizeof(path), "%s/%s/%s", w->dir,
				WATCH_STAGE, name) != DOS_OK) {
		err = DOS_LIMIT;
		msg = strdup("the path of the file is too long");
	} else {
		err = ing_file(w->ing, w->a, w->batch, path, &docs, &msg);
		given = 1;
	}
	/* ingest records in the batch what it is given, but for a failure of
	 * the archive (full disk...), which a batch leaves pending */
	if (!given || ing_err_stops_batch(err))
		arc_batch_file(w->a, w->batch, name, NULL, "failed", 0, 0,
			       msg != NULL ? msg : dos_strerror(err));

	if (err == DOS_OK) {
		if (describe(w, docs, &what) != DOS_OK)
			dbuf_adds(&what, "...");
		if (move_unique(w->stagefd, name, w->donefd, NULL, moved,
				sizeof(moved)) != 0) {
			fprintf(stderr, "dossier: watch: %s is archived but "
					"cannot be moved to %s/done/: %s\n",
				shown, w->dir, strerror(errno));
			put_back(w, name);
			goto out;
		}
		w->ndone++;
		wlog("%s: %s -> done/%s", shown, what.data ? what.data : "",
		     strcmp(moved, name) != 0
			     ? clean(moved, smoved, sizeof(smoved))
			     : "");
	} else {
		m = msg != NULL ? msg : dos_strerror(err);
		clean(m, smsg, sizeof(smsg));
		w->bfailed++;
		if (move_unique(w->stagefd, name, w->failedfd, WATCH_REASON,
				moved, sizeof(moved)) != 0) {
			fprintf(stderr, "dossier: watch: %s failed (%s) but "
					"cannot be moved to %s/failed/: %s\n",
				shown, smsg, w->dir, strerror(errno));
			put_back(w, name);
			goto out;
		}
		w->nfailed++;
		write_reason(w, moved, name, err, m);
		wlog("%s: %s -> failed/%s", shown, smsg,
		     strcmp(moved, name) != 0
			     ? clean(moved, smoved, sizeof(smoved))
			     : "");
	}
	rc = 0;
out:
	dbuf_free(&what);
	json_decref(docs);
	free(msg);
	return rc;
}

/* ---- signals, scans, events ---- */

/* Whether SIGINT or SIGTERM came; looked at between files. */
static int
check_stop(struct watch *w)
{
	struct signalfd_siginfo si;
	struct pollfd p = {w->sfd, POLLIN, 0};

	if (w->stop)
		return 1;
	if (poll(&p, 1, 0) > 0 && read(w->sfd, &si, sizeof(si)) == sizeof(si)) {
		w->stop = 1;
		wlog("%s: stopping",
		     si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
	}
	return w->stop;
}

/* Lists DIR: rested files are queued, others wait. */
static int
scan(struct watch *w)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	w->rescan = 0;
	if ((fd = openat(w->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) <
		    0 ||
	    (d = fdopendir(fd)) == NULL) {
		fprintf(stderr, "dossier: watch: cannot list %s: %s\n", w->dir,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (ignored(de->d_name) ||
		    fstatat(w->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) !=
			    0 ||
		    S_ISDIR(st.st_mode))
			continue;
		if ((S_ISREG(st.st_mode) && fresh(&st)
			     ? defer(w, de->d_name)
			     : queue(w, de->d_name)) == DOS_LIMIT)
			break;
	}
	closedir(d);
	return 0;
}

/* Queues the waiting files that have rested; forgets vanished ones. */
static void
recheck(struct watch *w)
{
	struct stat st;
	size_t i = 0;

	while (i < w->waiting.n) {
		const char *name = w->waiting.v[i];

		if (fstatat(w->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    S_ISDIR(st.st_mode))
			names_remove(&w->waiting, i);
		else if (!S_ISREG(st.st_mode) || !fresh(&st))
			queue(w, name); /* removes it from waiting */
		else
			i++;
	}
}

/* Reads every queued inotify event; -1 when DIR itself went away. */
static int
read_events(struct watch *w)
{
	char buf[8192]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	char *p;

	for (;;) {
		if ((n = read(w->ifd, buf, sizeof(buf))) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			fprintf(stderr, "dossier: watch: reading events: %s\n",
				strerror(errno));
			return -1;
		}
		for (p = buf; p < buf + n;
		     p += sizeof(struct inotify_event) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW)
				w->rescan = 1;
			if (ev->mask & (IN_IGNORED | IN_DELETE_SELF |
					IN_MOVE_SELF | IN_UNMOUNT)) {
				fprintf(stderr, "dossier: watch: %s was moved "
						"or removed; stopping\n",
					w->dir);
				return -1;
			}
			if (ev->len == 0 || (ev->mask & IN_ISDIR) ||
			    !(ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) ||
			    ignored(ev->name))
				continue;
			queue(w, ev->name);
		}
	}
}

/*
 * Waits up to timeout ms (-1: for ever) for new files or a signal; after
 * the first new file, keeps collecting until WATCH_QUIET_MS pass without
 * one (at most WATCH_BURST_MS), so that a burst becomes one batch.
 */
static int
wait_events(struct watch *w, int timeout)
{
	struct pollfd p[2] = {{w->sfd, POLLIN, 0}, {w->ifd, POLLIN, 0}};
	nfds_t np = w->ifd >= 0 ? 2 : 1;
	double t0 = 0;
	int r, got = 0;

	for (;;) {
		if (got) {
			double left = WATCH_BURST_MS - (dos_mono() - t0) * 1e3;

			if (left <= 0)
				return 0;
			timeout = left < WATCH_QUIET_MS ? (int)left
							: WATCH_QUIET_MS;
		}
		if ((r = poll(p, np, timeout)) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "dossier: watch: poll: %s\n",
				strerror(errno));
			return -1;
		}
		if (r == 0)
			return 0;
		if (p[0].revents != 0 && check_stop(w))
			return 0;
		if (np == 2 && p[1].revents != 0) {
			if (read_events(w) != 0)
				return -1;
			if (!got)
				t0 = dos_mono();
			got = 1;
		}
	}
}

/* Takes every pending file, by name, in one batch. */
static int
burst(struct watch *w)
{
	size_t i;
	int rc = 0;

	qsort(w->pending.v, w->pending.n, sizeof(*w->pending.v), names_cmp);
	for (i = 0; i < w->pending.n && rc == 0; i++) {
		if (check_stop(w))
			break;
		rc = take(w, w->pending.v[i]);
	}
	names_clear(&w->pending);
	batch_close(w);
	return rc;
}

/* Puts back into DIR what an interrupted run left in .processing/. */
static int
recover(struct watch *w)
{
	char out[NAME_MAX + 1], shown[256];
	struct dirent *de;
	DIR *d;
	int fd;

	if ((fd = openat(w->stagefd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) <
		    0 ||
	    (d = fdopendir(fd)) == NULL) {
		fprintf(stderr, "dossier: watch: cannot list %s/%s: %s\n",
			w->dir, WATCH_STAGE, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		clean(de->d_name, shown, sizeof(shown));
		if (move_unique(w->stagefd, de->d_name, w->dirfd, NULL, out,
				sizeof(out)) != 0) {
			if (errno != ENOENT)
				wlog("%s: cannot put it back from %s/: %s",
				     shown, WATCH_STAGE, strerror(errno));
		} else
			wlog("%s: put back from an interrupted run", shown);
	}
	closedir(d);
	return 0;
}

/* ---- the command ---- */

/* Creates (if absent) and opens DIR/name, on the same file system. */
static int
subdir(struct watch *w, const char *name, mode_t mode, dev_t dev)
{
	struct stat st;
	int fd;

	if (mkdirat(w->dirfd, name, mode) != 0 && errno != EEXIST) {
		fprintf(stderr, "dossier: watch: cannot create %s/%s: %s\n",
			w->dir, name, strerror(errno));
		return -1;
	}
	if ((fd = openat(w->dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) <
	    0) {
		fprintf(stderr, "dossier: watch: %s/%s %s\n", w->dir, name,
			errno == ENOTDIR ? "exists and is not a folder"
					 : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || st.st_dev != dev) {
		fprintf(stderr, "dossier: watch: %s/%s must be on the same "
				"file system as %s (files are moved by "
				"renaming)\n", w->dir, name, w->dir);
		close(fd);
		return -1;
	}
	return fd;
}

static void
close_fd(int *pfd)
{
	if (*pfd >= 0)
		close(*pfd);
	*pfd = -1;
}

int
cmd_watch(const char *archive, int argc, char **argv)
{
	static const struct option lo[] = {
		CLI_INGEST_LONGOPTS,
		{"once", no_argument, NULL, '1'},
		{NULL, 0, NULL, 0},
	};
	struct watch w;
	struct ing_options o;
	struct stat st;
	sigset_t mask;
	int c, rc = 1;
	enum dos_err err;

	memset(&w, 0, sizeof(w));
	w.dirfd = w.stagefd = w.donefd = w.failedfd = w.ifd = w.sfd = -1;
	cli_ingest_defaults(&o);
	while ((c = getopt_long(argc, argv, CLI_INGEST_SHORT, lo, NULL)) !=
	       -1) {
		if (c == '1')
			w.once = 1;
		else if (cli_ingest_option(&o, c, optarg) != CLI_OPT_OK)
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	w.dir = argv[optind];
	w.user = o.user;

	/* The folder first, then the archive, then what DIR gets. */
	if ((w.dirfd = open(w.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "dossier: watch: %s %s\n", w.dir,
			errno == ENOENT	   ? "does not exist"
			: errno == ENOTDIR ? "is not a folder"
					   : strerror(errno));
		goto out;
	}
	if ((err = arc_open(archive, 0, &w.a)) != DOS_OK) {
		if (err == DOS_NOTFOUND)
			fprintf(stderr, "dossier: watch: no archive at %s; "
					"create it with 'dossier -A %s init'\n",
				archive, archive);
		else
			fprintf(stderr, "dossier: watch: cannot open archive "
					"%s: %s\n", archive, dos_strerror(err));
		goto out;
	}
	if (fstat(w.dirfd, &st) != 0 ||
	    (w.stagefd = subdir(&w, WATCH_STAGE, 0700, st.st_dev)) < 0 ||
	    (w.donefd = subdir(&w, "done", 0755, st.st_dev)) < 0 ||
	    (w.failedfd = subdir(&w, "failed", 0755, st.st_dev)) < 0)
		goto out;
	if (flock(w.stagefd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "dossier: watch: another 'dossier watch' is "
				"already taking files from %s\n", w.dir);
		goto out;
	}

	/*
	 * Signals are blocked before the OCR threads start (they inherit the
	 * mask) and read from a signalfd between files.  They stay blocked
	 * until the process ends: unblocking would deliver a second one.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &mask, NULL) != 0 ||
	    (w.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		fprintf(stderr, "dossier: watch: cannot catch signals: %s\n",
			strerror(errno));
		goto out;
	}
	if ((err = ing_new(&o, &w.ing)) != DOS_OK) {
		fprintf(stderr, "dossier: cannot start the OCR engine: %s\n",
			dos_strerror(err));
		goto out;
	}
	if (recover(&w) != 0)
		goto out;
	if (!w.once) {
		if ((w.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0 ||
		    inotify_add_watch(w.ifd, w.dir,
				      IN_CLOSE_WRITE | IN_MOVED_TO |
					      IN_DELETE_SELF | IN_MOVE_SELF |
					      IN_ONLYDIR) < 0) {
			fprintf(stderr, "dossier: watch: cannot watch %s: %s\n",
				w.dir, strerror(errno));
			goto out;
		}
		wlog("watching %s for new scans (archive %s); stop with "
		     "Ctrl-C or SIGTERM", w.dir, archive);
	} else
		wlog("taking the scans in %s (archive %s)", w.dir, archive);
	if (scan(&w) != 0)
		goto out;

	for (;;) {
		if (w.pending.n > 0) {
			if (burst(&w) != 0)
				goto out;
			continue;
		}
		if (w.stop)
			break;
		if (w.rescan && scan(&w) != 0)
			goto out;
		if (w.waiting.n > 0)
			recheck(&w);
		if (w.pending.n > 0)
			continue;
		if (w.once && w.waiting.n == 0 && !w.rescan)
			break;
		if (wait_events(&w, w.waiting.n > 0 || w.rescan ? 1000 : -1) !=
		    0)
			goto out;
	}
	wlog("stopped: %d file%s to done/, %d to failed/", w.ndone,
	     w.ndone == 1 ? "" : "s", w.nfailed);
	/* --once tells cron about failed files the way ingest does. */
	rc = w.once && w.nfailed > 0 ? 1 : 0;
out:
	batch_close(&w);
	names_free(&w.pending);
	names_free(&w.waiting);
	ing_free(w.ing);
	arc_close(w.a);
	close_fd(&w.ifd);
	close_fd(&w.sfd);
	close_fd(&w.stagefd); /* releases the lock */
	close_fd(&w.donefd);
	close_fd(&w.failedfd);
	close_fd(&w.dirfd);
	return rc;
usage:
	fprintf(stderr, "usage: dossier watch [-A ARCHIVE] DIR [-j N] "
			"[--account ACC] [--category CAT] [--type TYPE]\n"
			"       [--lang LANGS] [--max-megapixels N] "
			"[--max-file-mb N]\n"
			"       [--no-deskew] [--no-orient] [--no-pdf] [--once]\n");
	rc = 2;
	goto out;
}
