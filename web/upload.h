/*
 * upload.h: batches uploaded from the scan station, private to web/.
 * Files arrive as multipart/form-data and are written to a spool folder
 * as they stream in, under limits checked before each write; then one
 * background job per batch ingests them and reports its progress.
 */
#ifndef WEB_UPLOAD_H
#define WEB_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "dossier/archive.h"

#define UPLOAD_MAX_FILE (200ull << 20)  /* one scan file */
#define UPLOAD_MAX_TOTAL (1ull << 30)   /* one batch */
#define UPLOAD_MAX_FILES 1000
#define UPLOAD_DRAIN_MAX (2ull << 30) /* a refused body, read to here */

struct upload;

/* Starts receiving an upload on conn into a spool folder of archive a
 * (the calling thread's connection, used while the body streams in).
 * NULL with msg and an HTTP status when it cannot (e.g. not multipart,
 * 400; a read-only archive, 503). */
struct upload *upload_begin(struct MHD_Connection *conn, struct arc *a,
			    unsigned *pstatus, char *msg, size_t msglen);
/*
 * Feeds body bytes.  Once the upload broke a limit or a write failed,
 * later bytes are dropped (upload_error says why) and the body is read
 * on to its end, so that the client reads the answer; 0 meanwhile, -1
 * once the body passes UPLOAD_DRAIN_MAX: answer now, the rest unread.
 */
int upload_feed(struct upload *up, const char *data, size_t n);
/* Why the upload failed (and its HTTP status), or NULL. */
const char *upload_error(const struct upload *up, unsigned *pstatus);
/*
 * Ends the upload: starts the batch for user (audited as an ingest by the
 * archive) in a background job over the archive at dir; *pbatch is its
 * number.  The job owns the spooled files from then on.
 */
enum dos_err upload_finish(struct upload *up, const char *dir,
			   const char *user, int64_t *pbatch, int *pfiles,
			   char *msg, size_t msglen);
/* Frees an upload not finished (its spooled files are removed). */
void upload_free(struct upload *up);

/* A file name from a browser or the archive kept to its last path
 * component and the characters [A-Za-z0-9._-] ("" if none are left). */
void upload_plain_name(const char *name, char *out, size_t n);

/* A job's progress for its user ({"batch", "state": "running"|"done"|
 * "failed", "files_total", "files_done", "pages_done", "elapsed",
 * "files": [{"name", "error"?, "documents": [{"id", "pages",
 * "status"}]}]}), or NULL when no such job of this user is known. */
json_t *upload_progress(int64_t batch, const char *user);
/* Whether an upload job of this batch is known, whoever owns it. */
int upload_exists(int64_t batch);

#endif
