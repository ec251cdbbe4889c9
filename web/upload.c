/*
 * upload.c: batches uploaded from the scan station.  libmicrohttpd's post
 * processor cuts the multipart body into files; each is written to the
 * spool folder as it streams in, refused past UPLOAD_MAX_FILE, the batch
 * past UPLOAD_MAX_TOTAL or UPLOAD_MAX_FILES, before the bytes are written.
 * Writes stop short of the space the archive keeps free (arc_space_check).
 * Fields "account" and "category" before the files file the batch's
 * documents where no cover sheet or printed account says otherwise;
 * "file_account" and "file_category" just before a file say it for that
 * file alone (kept as the batch's manifest, manifest.csv in its spool
 * folder, which wins over the batch's).
 * A finished upload becomes a batch ingested by a detached job thread with
 * its own archive connection and OCR engine; its progress is kept in
 * memory for the scan station to poll.  Spooled files are removed once
 * ingested (the archive keeps the originals); the files of a batch the
 * archive stopped (full disk) or a server that died left stay, pending in
 * the batch's record, for `dossier ingest --resume`.
 * Exports upload_begin, upload_feed, upload_error, upload_finish,
 * upload_free, upload_progress, upload_exists, upload_plain_name.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dossier/ingest.h"
#include "settings.h"
#include "upload.h"

#define MAX_JOBS 64

struct upload {
	struct MHD_PostProcessor *pp;
	struct arc *a;         /* the receiving thread's connection */
	char dir[4096];
	char **paths;
	int npaths;
	int fd;                /* the file being received, or -1 */
	uint64_t file_bytes, total;
	uint64_t received;     /* body bytes, multipart framing included */
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

struct job {
	int64_t batch;
	char user[65];
	char archive[4096];
	char dir[4096];
	char **paths;
	int npaths;
	char account[65], category[33]; /* "" for none */
	int manifest;          /* dir/manifest.csv files some files */
	const char *state;
	struct ing_progress prog;
	json_t *files;         /* guarded by lock */
	int pages, docs, failed;
	struct arc *a;         /* the job's connection, while it runs */
	int seq;               /* order of making, for take_slot */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct job *jobs[MAX_JOBS];
static int njobs_made;

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
	char path[4400];
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
		if ((np = realloc(up->paths, (size_t)(up->npaths + 1) *
						     sizeof(*np))) == NULL ||
		    (np[up->npaths] = strdup(path)) == NULL) {
			if (np != NULL)
				up->paths = np;
			fail(up, 500, "out of memory");
			return MHD_YES;
		}
		up->paths = np;
		if (!per_file_add(up)) {
			free(np[up->npaths]);
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
remove_spool(const char *dir, char **paths, int n)
{
	int i;

	char m[4200];

	for (i = 0; i < n; i++) {
		unlink(paths[i]);
		free(paths[i]);
	}
	free(paths);
	if (dir[0] != '\0') {
		snprintf(m, sizeof(m), "%s/manifest.csv", dir);
		unlink(m);
		rmdir(dir);
	}
}

struct upload *
upload_begin(struct MHD_Connection *conn, struct arc *a, unsigned *pstatus,
	     char *msg, size_t msglen)
{
	struct upload *up;
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
	remove_spool(up->dir, up->paths, up->npaths);
	free(up->faccount);
	free(up->fcategory);
	free(up);
}

/* ---- jobs ---- */

static void
on_job_progress(void *arg, const struct ing_progress *p)
{
	struct job *j = arg;

	pthread_mutex_lock(&lock);
	j->prog = *p;
	pthread_mutex_unlock(&lock);
}

static void
on_job_file(void *arg, const char *path, enum dos_err err, json_t *docs,
	    const char *msg)
{
	struct job *j = arg;
	char name[256], raw[256];
	const char *base = strrchr(path, '/');
	json_t *f, *d, *list = json_array();
	size_t k;

	/* As uploaded, never the spool path. */
	if (!arc_spool_name(j->a, path, raw, sizeof(raw)))
		snprintf(raw, sizeof(raw), "%s", base != NULL ? base + 1 : path);
	dos_utf8_clean(raw, name, sizeof(name));
	/* Its outcome is on record: the spooled copy is not needed. */
	if (!ing_err_stops_batch(err))
		arc_spool_release(j->a, path);
	f = json_pack("{s:s}", "name", name);
	if (f == NULL || list == NULL) {
		json_decref(f);
		json_decref(list);
		return;
	}
	if (err != DOS_OK) {
		json_object_set_new(f, "error",
				    json_string(msg ? msg : "failed"));
		j->failed++;
	}
	json_array_foreach(docs, k, d) {
		json_array_append_new(
			list, json_pack("{s:O?,s:O?,s:O?,s:b}", "id",
					json_object_get(d, "id"), "pages",
					json_object_get(d, "pages"), "status",
					json_object_get(d, "status"),
					"duplicate",
					json_is_true(json_object_get(
						d, "duplicate"))));
		/* A file archived before files nothing new. */
		if (json_is_true(json_object_get(d, "duplicate")))
			continue;
		j->pages += (int)json_integer_value(json_object_get(d, "pages"));
		j->docs++;
	}
	json_object_set_new(f, "documents", list);
	pthread_mutex_lock(&lock);
	json_array_append_new(j->files, f);
	pthread_mutex_unlock(&lock);
}

static void *
job_run(void *arg)
{
	struct job *j = arg;
	const struct wset *set = wset_get();
	struct ing_options o;
	struct ing *ing = NULL;
	struct ing_manifest *man = NULL;
	struct arc *a = NULL;
	char mpath[4200], mmsg[256];
	const char *stage = "cannot open the archive";
	int i, stopped, started = 0;
	enum dos_err err;

	/* The settings of the moment the batch starts, to its end. */
	o = set->ingest;
	o.user = j->user;
	o.jobs = 1; /* the server's other threads keep answering */
	if (j->account[0] != '\0')
		o.account = j->account;
	if (j->category[0] != '\0')
		o.category = j->category;
	if ((err = arc_open(j->archive, 0, &a)) == DOS_OK) {
		stage = "cannot start the ingest (OCR engine)";
		if ((err = ing_new(&o, &ing)) == DOS_OK && j->manifest) {
			/* The files' own accounts and categories. */
			stage = "cannot read the files' own accounts";
			snprintf(mpath, sizeof(mpath), "%s/manifest.csv",
				 j->dir);
			if ((err = ing_manifest_load(mpath, &man, mmsg,
						     sizeof(mmsg))) !=
			    DOS_OK)
				dos_errx("upload: %s: %s", mpath, mmsg);
			else
				ing_set_manifest(ing, man);
		}
		if (err == DOS_OK) {
			started = 1;
			j->a = a;
			err = ing_batch(ing, a, j->batch, j->paths,
					j->npaths, on_job_file,
					on_job_progress, j);
			j->a = NULL;
		}
	}
	if (!started)
		j->failed = j->npaths; /* none was read */
	/* Stopped (full disk, or no OCR engine): interrupted, resumable. */
	stopped = err != DOS_OK;
	if (a != NULL && stopped)
		arc_batch_finish(a, j->batch, 1);
	else if (a != NULL)
		arc_batch_end(a, j->batch, j->npaths, j->pages, j->docs,
			      j->failed);
	ing_free(ing);
	ing_manifest_free(man);
	wset_put(set);
	arc_close(a);
	if (stopped) {
		/* Its pending files stay for `dossier ingest --resume`. */
		for (i = 0; i < j->npaths; i++)
			free(j->paths[i]);
		free(j->paths);
		/* In words: "batch 5: not found" was all it said when the
		 * OCR data was missing. */
		dos_errx("batch %lld stopped: %s%s%s; once that is put "
			 "right, 'dossier ingest --resume %lld' ingests the "
			 "files it did not", (long long)j->batch,
			 started ? "" : stage, started ? "" : ": ",
			 dos_strerror(err), (long long)j->batch);
	} else
		remove_spool(j->dir, j->paths, j->npaths);
	pthread_mutex_lock(&lock);
	j->paths = NULL;
	j->npaths = 0;
	j->state = err == DOS_OK ? "done" : "interrupted";
	pthread_mutex_unlock(&lock);
	return NULL;
}

/*
 * A slot for a new job (under lock): a free one, else the one of the
 * batch that finished first (its progress is forgotten); -1 when every
 * slot holds a running batch.
 */
static int
take_slot(void)
{
	int i, oldest = -1;

	for (i = 0; i < MAX_JOBS; i++) {
		if (jobs[i] == NULL)
			return i;
		if (strcmp(jobs[i]->state, "running") != 0 &&
		    (oldest < 0 || jobs[i]->seq < jobs[oldest]->seq))
			oldest = i;
	}
	if (oldest >= 0) {
		json_decref(jobs[oldest]->files);
		free(jobs[oldest]);
		jobs[oldest] = NULL;
	}
	return oldest;
}

enum dos_err
upload_finish(struct upload *up, const char *dir, const char *user,
	      int64_t *pbatch, int *pfiles, char *msg, size_t msglen)
{
	struct job *j;
	struct arc *a = NULL;
	pthread_t t;
	pthread_attr_t at;
	int64_t batch = 0;
	int i, slot, nfiles;
	enum dos_err err;

	*pbatch = 0;
	*pfiles = 0;
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
	    arc_category_check(up->a, up->category, msg, msglen) != DOS_OK)
		return DOS_INVAL;
	for (i = 0; up->per_file && i < up->npaths; i++) {
		const char *b = strrchr(up->paths[i], '/');
		char why[400];

		/* Which file (its name without the spool number), why. */
		b = b != NULL ? b + 1 : up->paths[i];
		if (!dos_utf8_valid(up->faccount[i]) ||
		    !dos_utf8_valid(up->fcategory[i])) {
			snprintf(msg, msglen, "%s: its account or category "
				 "is not UTF-8 text",
				 strlen(b) > 5 ? b + 5 : b);
			return DOS_INVAL;
		}
		if (up->fcategory[i][0] == '\0' ||
		    arc_category_check(up->a, up->fcategory[i], why,
				       sizeof(why)) == DOS_OK)
			continue;
		snprintf(msg, msglen, "%s: %s", strlen(b) > 5 ? b + 5 : b,
			 why);
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
		/* Read back as the job will: refused now, not mid-batch. */
		struct ing_manifest *m = NULL;
		char mpath[4200], why[256];

		snprintf(mpath, sizeof(mpath), "%s/manifest.csv", up->dir);
		if (ing_manifest_load(mpath, &m, why, sizeof(why)) !=
		    DOS_OK) {
			dos_errx("upload: %s: %s", mpath, why);
			snprintf(msg, msglen, "the files' own accounts and "
				 "categories cannot be read back; see the "
				 "server log");
			return DOS_INVAL;
		}
		ing_manifest_free(m);
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->files = json_array()) == NULL) {
		free(j);
		return DOS_NOMEM;
	}
	snprintf(j->user, sizeof(j->user), "%s", user);
	snprintf(j->archive, sizeof(j->archive), "%s", dir);
	snprintf(j->account, sizeof(j->account), "%s", up->account);
	snprintf(j->category, sizeof(j->category), "%s", up->category);
	j->manifest = up->per_file;
	j->state = "running";
	/* A slot first: a batch is begun only when it can be followed. */
	pthread_mutex_lock(&lock);
	if ((slot = take_slot()) >= 0) {
		j->seq = ++njobs_made;
		jobs[slot] = j;
	}
	pthread_mutex_unlock(&lock);
	if (slot < 0) {
		json_decref(j->files);
		free(j);
		snprintf(msg, msglen, "%d batches are being ingested; try "
				      "again when one has finished", MAX_JOBS);
		return DOS_CONFLICT;
	}
	/* Its files on record before any is read: a batch the server dies
	 * in can be resumed. */
	if ((err = arc_open(dir, 0, &a)) != DOS_OK ||
	    (err = arc_batch_begin(a, user, &batch)) != DOS_OK ||
	    (err = arc_batch_plan(a, batch, up->paths, up->npaths)) !=
		    DOS_OK) {
		if (batch > 0)
			arc_batch_finish(a, batch, 1);
		arc_close(a);
		pthread_mutex_lock(&lock);
		jobs[slot] = NULL;
		pthread_mutex_unlock(&lock);
		json_decref(j->files);
		free(j);
		snprintf(msg, msglen, "the batch cannot be started; see the "
				      "server log");
		return err;
	}
	arc_close(a);
	/* The job owns the files now.  What the answer says is kept here:
	 * a job that ends at once changes its own copy. */
	nfiles = up->npaths;
	pthread_mutex_lock(&lock);
	j->batch = batch;
	memcpy(j->dir, up->dir, sizeof(j->dir));
	j->paths = up->paths;
	j->npaths = up->npaths;
	j->prog.files_total = up->npaths;
	pthread_mutex_unlock(&lock);
	up->paths = NULL;
	up->npaths = 0;
	up->dir[0] = '\0';
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, job_run, j) != 0) {
		pthread_attr_destroy(&at);
		pthread_mutex_lock(&lock);
		remove_spool(j->dir, j->paths, j->npaths);
		j->paths = NULL;
		j->npaths = 0;
		j->state = "failed";
		pthread_mutex_unlock(&lock);
		snprintf(msg, msglen, "the batch cannot be started now");
		return DOS_NOMEM;
	}
	pthread_attr_destroy(&at);
	*pbatch = batch;
	*pfiles = nfiles;
	snprintf(msg, msglen, "batch %lld: %d file(s) received; ingesting",
		 (long long)batch, nfiles);
	return DOS_OK;
}

json_t *
upload_progress(int64_t batch, const char *user)
{
	json_t *res = NULL;
	int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < MAX_JOBS; i++) {
		struct job *j = jobs[i];

		if (j == NULL || j->batch != batch || strcmp(j->user, user) != 0)
			continue;
		/* A copy: the job goes on adding to its list. */
		res = json_pack("{s:I,s:s,s:i,s:i,s:i,s:f,s:o}", "batch",
				(json_int_t)j->batch, "state", j->state,
				"files_total", j->prog.files_total,
				"files_done", j->prog.files_done, "pages_done",
				j->prog.pages_done, "elapsed", j->prog.elapsed,
				"files", json_deep_copy(j->files));
		break;
	}
	pthread_mutex_unlock(&lock);
	return res;
}

int
upload_exists(int64_t batch)
{
	int i, found = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; i < MAX_JOBS && !found; i++)
		found = jobs[i] != NULL && jobs[i]->batch == batch;
	pthread_mutex_unlock(&lock);
	return found;
}
