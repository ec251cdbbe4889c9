/*
 * enqueue.c: files into the queue.  Files given to `ingest --queue` are
 * first copied into the archive's spool (each fsynced, then its folder),
 * so they are the archive's until filed; uploads arrive there already.
 * Each file is probed (size limit, SHA-256, an earlier copy, its page
 * count; nothing decoded) and the batch queued in one transaction under
 * the limits, which refuse it whole, in words, storing nothing.
 * Exports ops_spool_copy, ops_spool_free, ops_queue_batch, ops_queue_one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dossier/ops.h"

/* Copies src into dst (new), fsynced; DOS_NOSPACE for a full disk. */
static enum dos_err
copy_file(const char *src, const char *dst)
{
	char buf[1 << 16];
	ssize_t n, w;
	size_t off;
	int in, out, e = 0;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? DOS_NOTFOUND : DOS_IO;
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			0600)) < 0) {
		e = errno;
		close(in);
		return e == ENOSPC || e == EDQUOT ? DOS_NOSPACE : DOS_IO;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = errno ? errno : EIO;
			break;
		}
		for (off = 0; off < (size_t)n; off += (size_t)w)
			if ((w = write(out, buf + off, (size_t)n - off)) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				e = errno;
				break;
			}
		if (e != 0)
			break;
	}
	if (e == 0 && fsync(out) != 0)
		e = errno;
	if (close(out) != 0 && e == 0)
		e = errno;
	close(in);
	if (e != 0) {
		unlink(dst);
		return e == ENOSPC || e == EDQUOT ? DOS_NOSPACE : DOS_IO;
	}
	return DOS_OK;
}

enum dos_err
ops_spool_copy(struct arc *a, char *const *paths, int n, char ***pspooled,
	       char *msg, size_t msglen)
{
	char dir[4096], path[4400], clean[128];
	const char *base;
	char **out;
	int i, fd;
	size_t k, m;
	enum dos_err err;

	*pspooled = NULL;
	msg[0] = '\0';
	if ((out = calloc((size_t)n + 1, sizeof(*out))) == NULL)
		return DOS_NOMEM;
	if ((err = arc_spool_dir(a, dir, sizeof(dir))) != DOS_OK) {
		free(out);
		snprintf(msg, msglen, "the files cannot be spooled: %s",
			 dos_strerror(err));
		return err;
	}
	for (i = 0; i < n; i++) {
		/* Numbered, so names are unique and never start with '.'. */
		base = strrchr(paths[i], '/');
		base = base != NULL ? base + 1 : paths[i];
		for (k = m = 0; base[k] != '\0' && m + 1 < sizeof(clean); k++)
			if ((base[k] >= 'a' && base[k] <= 'z') ||
			    (base[k] >= 'A' && base[k] <= 'Z') ||
			    (base[k] >= '0' && base[k] <= '9') ||
			    strchr("._-", base[k]) != NULL)
				clean[m++] = base[k];
		clean[m] = '\0';
		snprintf(path, sizeof(path), "%s/%04d-%s", dir, i + 1,
			 m > 0 ? clean : "scan");
		if ((err = arc_space_check(a, 0)) != DOS_OK ||
		    (err = copy_file(paths[i], path)) != DOS_OK ||
		    (out[i] = strdup(path)) == NULL) {
			if (err == DOS_OK)
				err = DOS_NOMEM;
			snprintf(msg, msglen, "%s: cannot be copied into the "
				 "archive's spool: %s", paths[i],
				 err == DOS_NOTFOUND ? "no such file"
						     : dos_strerror(err));
			unlink(path);
			ops_spool_free(a, out, i, 1);
			rmdir(dir);
			return err;
		}
	}
	/* The names too reach the disk before the queue refers to them. */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (fsync(fd) != 0)
			err = DOS_IO;
		close(fd);
	}
	if (err != DOS_OK) {
		snprintf(msg, msglen, "the spool folder cannot be synced");
		ops_spool_free(a, out, n, 1);
		rmdir(dir);
		return err;
	}
	*pspooled = out;
	return DOS_OK;
}

void
ops_spool_free(struct arc *a, char **spooled, int n, int remove)
{
	int i;

	if (spooled == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (remove && spooled[i] != NULL)
			arc_spool_release(a, spooled[i]);
		free(spooled[i]);
	}
	free(spooled);
}

/* The documents of an earlier copy, as ing_file gives a duplicate's. */
static json_t *
dup_docs(const json_t *dups)
{
	json_t *docs = json_array(), *v;
	size_t k;

	json_array_foreach(dups, k, v)
		json_array_append_new(docs, json_pack("{s:O,s:b}", "id", v,
						      "duplicate", 1));
	return docs;
}

/* One probed file as the queue takes it (strings owned by the caller's
 * arrays: spec, result, error). */
static enum dos_err
prepare(struct arc *a, const struct ing_options *o,
	const struct ing_manifest *m, const char *path, const char *entry,
	const char *name, int spooled, struct arc_queue_file *f,
	char **pspec, char **presult, char **perror, int *pstop)
{
	struct ing_probe p;
	char msg[512];
	json_t *res;
	enum dos_err err;

	*pstop = 0;
	memset(f, 0, sizeof(*f));
	f->entry = entry;
	f->name = name;
	f->path = path;
	f->spooled = spooled;
	err = ing_probe_file(a, path, o->max_file_bytes, o->max_page_pixels,
			     &p, msg, sizeof(msg));
	if (ing_err_stops_batch(err)) {
		*pstop = 1;
		ing_probe_clear(&p);
		*perror = strdup(msg[0] ? msg : dos_strerror(err));
		return err;
	}
	if (err == DOS_OK && p.dups == NULL &&
	    (err = arc_space_check(a, p.size)) != DOS_OK) {
		/* No room even for the original: said before any page. */
		*pstop = ing_err_stops_batch(err);
		snprintf(msg, sizeof(msg), "cannot store the original: %s",
			 dos_strerror(err));
		if (*pstop) {
			ing_probe_clear(&p);
			*perror = strdup(msg);
			return err;
		}
	}
	if (p.format == NULL)
		p.format = "unknown";
	*pspec = ing_file_spec(o, m != NULL ? ing_manifest_find(m, entry)
					    : NULL,
			       entry, name, &p, spooled);
	f->sha256 = NULL;
	f->size = p.size;
	f->format = p.format;
	f->npages = p.npages;
	f->spec = *pspec;
	if (err != DOS_OK) {
		*perror = strdup(msg[0] ? msg : dos_strerror(err));
		f->outcome = "failed";
		f->error = *perror;
	} else if (p.dups != NULL) {
		res = json_pack("{s:b,s:o}", "duplicate", 1, "documents",
				dup_docs(p.dups));
		*presult = res != NULL ? json_dumps(res, JSON_COMPACT) : NULL;
		json_decref(res);
		f->outcome = "duplicate";
		f->result = *presult;
	}
	ing_probe_clear(&p);
	return *pspec != NULL ? DOS_OK : DOS_NOMEM;
}

enum dos_err
ops_queue_batch(struct arc *a, const struct ing_options *o,
		const struct ing_manifest *m,
		const struct arc_queue_limits *lim, char *const *spooled,
		char *const *entries, char *const *names, int n,
		struct ops_queued *out, char *msg, size_t msglen)
{
	struct arc_queue_file *files = NULL;
	char **specs = NULL, **results = NULL, **errors = NULL;
	char (*shas)[DOS_SHA256_HEX] = NULL;
	json_t *spec;
	int i, stop = 0;
	enum dos_err err = DOS_OK;

	memset(out, 0, sizeof(*out));
	msg[0] = '\0';
	if ((files = calloc((size_t)n + 1, sizeof(*files))) == NULL ||
	    (specs = calloc((size_t)n + 1, sizeof(*specs))) == NULL ||
	    (results = calloc((size_t)n + 1, sizeof(*results))) == NULL ||
	    (errors = calloc((size_t)n + 1, sizeof(*errors))) == NULL ||
	    (shas = calloc((size_t)n + 1, sizeof(*shas))) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *name = names != NULL && names[i] != NULL
					   ? names[i]
					   : strrchr(spooled[i], '/') != NULL
					   ? strrchr(spooled[i], '/') + 1
					   : spooled[i];

		err = prepare(a, o, m, spooled[i], entries[i], name, 1,
			      &files[i], &specs[i], &results[i], &errors[i],
			      &stop);
		if (err != DOS_OK) {
			snprintf(msg, msglen, "%s: %s", name,
				 errors[i] ? errors[i] : dos_strerror(err));
			goto out;
		}
		/* The digest, for the batch's record. */
		if ((spec = json_loads(specs[i], 0, NULL)) != NULL) {
			snprintf(shas[i], DOS_SHA256_HEX, "%s",
				 json_string_value(
					 json_object_get(spec, "sha256"))
					 ?: "");
			json_decref(spec);
			files[i].sha256 = shas[i][0] ? shas[i] : NULL;
		}
		if (files[i].outcome == NULL) {
			out->queued++;
			out->pages += files[i].npages;
		}
	}
	if ((err = arc_queue_batch(a, o->user, lim, files, n, &out->batch,
				   msg, msglen)) == DOS_OK) {
		out->files = n;
		/* A file decided at once needs its spooled copy no more. */
		for (i = 0; i < n; i++)
			if (files[i].outcome != NULL)
				arc_spool_release(a, spooled[i]);
	}
out:
	for (i = 0; specs != NULL && i < n; i++) {
		free(specs[i]);
		free(results[i]);
		free(errors[i]);
	}
	free(specs);
	free(results);
	free(errors);
	free(shas);
	free(files);
	if (err != DOS_OK && msg[0] == '\0')
		snprintf(msg, msglen, "%s", dos_strerror(err));
	return err;
}

enum dos_err
ops_queue_one(struct arc *a, const struct ing_options *o,
	      const struct ing_manifest *m,
	      const struct arc_queue_limits *lim, int64_t batch,
	      const char *path, int64_t *prow, int *pdone,
	      struct ing_filed *pfiled, int *ppages, char *msg, size_t msglen)
{
	struct arc_queue_file f;
	char *spec = NULL, *result = NULL, *error = NULL;
	char sha[DOS_SHA256_HEX] = "", abs[4096];
	json_t *j;
	int stop = 0;
	enum dos_err err;

	*pdone = 0;
	*ppages = 0;
	*prow = 0;
	memset(pfiled, 0, sizeof(*pfiled));
	msg[0] = '\0';
	/* Read where it is, from wherever the reader runs. */
	if (path[0] != '/' && getcwd(abs, sizeof(abs)) != NULL &&
	    strlen(abs) + strlen(path) + 2 < sizeof(abs)) {
		size_t l = strlen(abs);

		abs[l] = '/';
		memcpy(abs + l + 1, path, strlen(path) + 1);
	} else
		snprintf(abs, sizeof(abs), "%s", path);
	err = prepare(a, o, m, abs, path, path, 0, &f, &spec, &result, &error,
		      &stop);
	if (err != DOS_OK) {
		snprintf(msg, msglen, "%s",
			 error != NULL ? error : dos_strerror(err));
		goto out;
	}
	if ((j = json_loads(spec, 0, NULL)) != NULL) {
		snprintf(sha, sizeof(sha), "%s",
			 json_string_value(json_object_get(j, "sha256")) ?: "");
		json_decref(j);
	}
	f.sha256 = sha[0] ? sha : NULL;
	if ((err = arc_queue_file_add(a, o->user, batch, lim, &f, msg,
				      msglen)) != DOS_OK)
		goto out;
	*prow = f.id;
	if (f.outcome != NULL) {
		*pdone = 1;
		pfiled->outcome = f.outcome;
		if (f.error != NULL)
			snprintf(pfiled->msg, sizeof(pfiled->msg), "%s",
				 f.error);
		if (result != NULL && (j = json_loads(result, 0, NULL)) != NULL) {
			pfiled->docs = json_incref(json_object_get(j,
								   "documents"));
			json_decref(j);
		}
	} else
		*ppages = f.npages;
out:
	free(spec);
	free(result);
	free(error);
	return err;
}
