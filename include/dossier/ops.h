/*
 * ops.h: operations over the other modules: queueing files as a batch,
 * and the worker that does what the queue holds (pages to read, files
 * to file, page turns, exports, scans) with N threads, each with its
 * own OCR engine.  `dossier worker`, `dossier ingest` and the workers
 * `dossier serve` starts all run it.
 */
#ifndef DOSSIER_OPS_H
#define DOSSIER_OPS_H

#include <stdatomic.h>
#include <stdint.h>

#include "dossier/archive.h"
#include "dossier/ingest.h"

/* What queueing a batch did. */
struct ops_queued {
	int64_t batch;
	int files;  /* files given */
	int queued; /* of which queued to be read */
	int pages;  /* pages queued */
};

/*
 * Copies the n files into a folder of the archive's spool (each fsynced,
 * then the folder), so the caller may delete them; names[i] (or NULL:
 * the file name of paths[i]) is how each is shown.  *pdir gets the
 * folder.  DOS_NOSPACE ... with msg in words; nothing is left then.
 */
enum dos_err ops_spool_copy(struct arc *a, char *const *paths, int n,
			    char ***pspooled, char *msg, size_t msglen);
/* Frees what ops_spool_copy gave (removing the files with remove). */
void ops_spool_free(struct arc *a, char **spooled, int n, int remove);

/*
 * Probes the n spooled files (their pages counted, nothing decoded) and
 * queues them as one batch of owner's run by the queue (o's settings,
 * m's rows if m): a file that cannot be read, or was filed before, is
 * recorded so at once; past a limit of lim (pages in a file, pages or
 * spooled bytes of the user or in all) the whole batch is refused with
 * DOS_LIMIT and msg in words, and nothing is stored.  entries[i] is
 * the file's name in the batch's record, names[i] how it is shown.
 */
enum dos_err ops_queue_batch(struct arc *a, const struct ing_options *o,
			     const struct ing_manifest *m,
			     const struct arc_queue_limits *lim,
			     char *const *spooled, char *const *entries,
			     char *const *names, int n,
			     struct ops_queued *out, char *msg, size_t msglen);

/*
 * Probes one file (by its path, not copied) and queues it in batch, a
 * batch this process runs (arc_batch_begin): pinned rows.  A file that
 * cannot be read (or was filed before) ends at once: *pdone is set and
 * *pfiled says how (docs as ing_file's).  *prow: the file's row.  DOS_LIMIT with msg past lim;
 * the archive's own errors (ing_err_stops_batch) stop the batch.
 */
enum dos_err ops_queue_one(struct arc *a, const struct ing_options *o,
			   const struct ing_manifest *m,
			   const struct arc_queue_limits *lim, int64_t batch,
			   const char *path, int64_t *prow, int *pdone,
			   struct ing_filed *pfiled, int *ppages, char *msg,
			   size_t msglen);

/* ---- the worker (worker.c) ---- */

struct ops_work;

struct ops_work_opts {
	const char *archive;
	int threads;             /* 1..64, each with its own OCR engine */
	unsigned kinds;          /* ARC_JOB_BIT mask of what it takes */
	int64_t batch;           /* 0: any row not pinned; else only this
				  * batch's rows */
	int drain;               /* return once nothing is left it could
				  * take (and *more is 0) */
	atomic_int *more;        /* non-zero: rows may still come (NULL) */
	struct ing_options ingest; /* defaults for what a row leaves out */
	atomic_int *stop;        /* set (a signal handler may): take
				  * nothing more, finish or give back what
				  * is held, return */
	double grace;            /* seconds to finish after *stop (20) */
	/* Called from the worker threads, one call at a time: */
	void (*on_page)(void *arg, const struct arc_job *j, enum dos_err err,
			const char *msg);
	void (*on_file)(void *arg, const struct arc_job *j,
			const struct ing_filed *res);
	void *arg;
};

/* What a worker did. */
struct ops_work_result {
	int pages, files, turns, exports, scans, views, failed;
	enum dos_err stopped; /* batch mode: the archive's error that
			       * stopped it (full disk...), else DOS_OK */
	char why[256];        /* ... in words */
	struct ing_stats stats;
};

/*
 * Takes rows from the queue until drained or stopped (see o).  Several
 * workers, in this process or others, on this machine or others, share
 * one queue.  A claim is renewed while its row is worked; SIGTERM-like
 * stops give back what cannot finish within grace seconds.
 */
enum dos_err ops_work(const struct ops_work_opts *o,
		      struct ops_work_result *res);

/* The name this process's claims carry: "host:pid". */
void ops_worker_name(char *out, size_t n);

#endif
