/*
 * upload.h: batches uploaded from the scan station, private to web/.
 * Files arrive as multipart/form-data and are written to a spool folder
 * as they stream in, under limits checked before each write; then the
 * batch is queued for the workers (its progress comes from the queue).
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

/* Starts receiving an upload for user on conn into a spool folder of
 * archive a (the calling thread's connection, used while the body
 * streams in), the user's spooled bytes kept under lim.  NULL with msg
 * and an HTTP status when it cannot (e.g. not multipart, 400; a
 * read-only archive, 503). */
struct upload *upload_begin(struct MHD_Connection *conn, struct arc *a,
			    const char *user,
			    const struct arc_queue_limits *lim,
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
 * Ends the upload: its files queued as one batch of user's with opt's
 * settings under lim (nothing decoded here; the workers read it).  Past
 * a limit: DOS_LIMIT with msg in words, nothing kept.  The queue owns
 * the spooled files from then on.
 */
enum dos_err upload_finish(struct upload *up, struct arc *a,
			   const char *user, const struct ing_options *opt,
			   const struct arc_queue_limits *lim,
			   int64_t *pbatch, int *pfiles, int *ppages,
			   char *msg, size_t msglen);
/* Frees an upload not finished (its spooled files are removed). */
void upload_free(struct upload *up);

/* A file name from a browser or the archive kept to its last path
 * component and the characters [A-Za-z0-9._-] ("" if none are left). */
void upload_plain_name(const char *name, char *out, size_t n);

#endif
