/*
 * xjob.h: exports started from the browser, private to web/.  Each runs
 * in a background thread with its own archive connection, so it goes on
 * when the browser closes; its owner polls its progress and downloads
 * the finished file, which is removed a day after it is finished (or
 * when the server stops).
 */
#ifndef WEB_XJOB_H
#define WEB_XJOB_H

#include <stdint.h>

#include <jansson.h>

#include "dossier/archive.h"

#define XJOB_MAX_RUNNING 4 /* exports running at once */
#define XJOB_KEEP_SECONDS (24 * 3600)

/*
 * Starts an export for who over the archive at dir (a, open on it, gives
 * the folder for the file): req is
 * {"kind": "bundle"|"csv"|"audit", "query", "customers": [..],
 * "documents": [..], "reason", "originals": bool, "from", "to"}.
 * Returns the HTTP status (202 with *pout {"id", ...}; else msg says
 * why).
 */
unsigned xjob_start(struct arc *a, const char *dir,
		    const struct arc_user *who,
		    const json_t *req, json_t **pout, char *msg,
		    size_t msglen);
/* who's exports, newest first (caller frees). */
json_t *xjob_list(const char *user);
/* One of user's exports, or NULL when there is none with that id. */
json_t *xjob_get(int64_t id, const char *user);
/*
 * Opens user's finished export id for download: *pfd (caller closes),
 * its size and a file name.  DOS_NOTFOUND when unknown or not user's,
 * DOS_CONFLICT when not finished.
 */
enum dos_err xjob_open(int64_t id, const char *user, int *pfd,
		       uint64_t *psize, char *name, size_t namelen);
/* Whether an export with this id exists, whoever owns it. */
int xjob_exists(int64_t id);
/* Waits for running exports and removes every export file. */
void xjob_shutdown(void);

#endif
