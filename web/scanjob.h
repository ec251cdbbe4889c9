/*
 * scanjob.h: scans started from the scan station on a scanner attached
 * to the server, private to web/.  Each runs in a background thread with
 * its own archive connection (one scan at a time: SANE is one per
 * process); its user polls its progress in the shape of an uploaded
 * batch's, and resumes or closes it when the scanner stopped it.
 */
#ifndef WEB_SCANJOB_H
#define WEB_SCANJOB_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dossier/archive.h"

/*
 * Starts a scan for who over the archive at dir (a, open on it, starts
 * the batch): req is {"device", "source": "adf"|"flatbed", "duplex",
 * "dpi", "mode": "gray"|"lineart", "account", "category", "type"}, or
 * {"resume": BATCH} (with any of those to change).  Returns the HTTP
 * status: 202 with *pout {"batch", "device", "message"}; else msg says
 * why.
 */
unsigned scanjob_start(struct arc *a, const char *dir,
		       const struct arc_user *who, const json_t *req,
		       json_t **pout, char *msg, size_t msglen);
/*
 * A scan's progress for its user, as upload_progress's plus
 * {"kind": "scan", "device", "pages_scanned", "stop", "message"}, state
 * "running", "done" or "stopped"; NULL when no such scan of user's is
 * known.
 */
json_t *scanjob_progress(int64_t batch, const char *user);
/* Stops running scans (their pages are filed) and waits for them. */
void scanjob_shutdown(void);

#endif
