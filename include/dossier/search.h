/*
 * search.h: the query language used by the CLI, the API and the web UI.
 * Parses a user's query into a structured archive query and runs it.
 */
#ifndef DOSSIER_SEARCH_H
#define DOSSIER_SEARCH_H

#include <jansson.h>

#include "dossier/archive.h"

struct srch_query;

/*
 * Parses q.  On DOS_INVAL, *pmsg (caller frees) says what is wrong and
 * where, in words a person understands.
 */
enum dos_err srch_parse(const char *q, struct srch_query **pq, char **pmsg);
void srch_query_free(struct srch_query *q);
/* The FTS5 expression built from the free words (borrowed; may be NULL). */
const char *srch_query_match(const struct srch_query *q);

/*
 * Parses and runs q for actor (audited), returning
 * {"total":N,"hits":[...]}.  DOS_INVAL with *pmsg for a malformed query.
 */
enum dos_err srch_run(struct arc *a, const char *actor, const char *q,
		      int limit, int offset, json_t **pout, char **pmsg);

#define SRCH_MAX_QUERY 2048
#define SRCH_MAX_LIMIT 100

#endif
