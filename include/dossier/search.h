/*
 * search.h: the compound query language used by the CLI, the API and the
 * web UI.  Parses a user's query into a condition tree (struct arc_node)
 * that the archive runs.
 *
 *   loan "repayment plan" cred*       words, a phrase, a prefix (AND)
 *   loan OR credit   -draft   NOT x   alternatives, exclusions
 *   (a OR b) c                        grouping
 *   ~repaymnet                        fuzzy: 1-2 wrong characters
 *   account:ACC-1 customer:"Wei Li" category:CREDIT type:statement
 *   title:loan signatory:li keywords:x number:2-2024 unit:north
 *   manager:ann status:review batch:12 barcode:X lang:chi_sim
 *   date:2024  date:2024-03  date:2024-01-01..2024-06-30
 *   date:>=2024-03-01  added:<2025-01-01  date:2024..
 */
#ifndef DOSSIER_SEARCH_H
#define DOSSIER_SEARCH_H

#include <jansson.h>

#include "dossier/archive.h"

#define SRCH_MAX_QUERY 2048
#define SRCH_MAX_LIMIT 100
#define SRCH_MAX_TERMS 64
#define SRCH_MAX_DEPTH 32

struct srch_query;

/*
 * Parses q.  On DOS_INVAL, *pmsg (caller frees) says what is wrong and
 * where ("... at character N"), in words a person understands.
 */
enum dos_err srch_parse(const char *q, struct srch_query **pq, char **pmsg);
void srch_query_free(struct srch_query *q);
/* The condition tree (borrowed; NULL for an empty query). */
const struct arc_node *srch_query_root(const struct srch_query *q);
/*
 * The tree in prefix notation for tests and logs, e.g.
 * (and (words "loan") (field account "ACC-1")); caller frees.
 */
char *srch_describe(const struct srch_query *q);

struct srch_opts {
	int limit, offset;
	const char *sort;  /* relevance (default), date, added, account,
			    * number; NULL: relevance */
	int facets;
	struct arc_auditq *audit; /* group-committing writer, or NULL */
	/*
	 * With audit: instead of waiting for the entry to be on disk,
	 * srch_run returns the answer at once and audited(arg, err) is
	 * called once it is (err != DOS_OK: not recorded, so it must not
	 * be sent).  Called only when srch_run returns DOS_OK.
	 */
	arc_auditq_fn audited;
	void *audited_arg;
};

/*
 * Parses and runs q for user u (audited with the query; hits, totals and
 * facets only from what u may search), returning the archive's result.
 * DOS_INVAL with *pmsg for a malformed query or sort, DOS_PERM with *pmsg
 * when u's role may not search.
 */
enum dos_err srch_run(struct arc *a, const struct arc_user *u, const char *q,
		      const struct srch_opts *o, json_t **pout, char **pmsg);

/*
 * How many documents q finds for u (what u may search), without the
 * hits; *pexact is 0 when the total is a lower bound.  Not audited: the
 * caller records the counting.  DOS_INVAL or DOS_PERM with *pmsg.
 */
enum dos_err srch_count(struct arc *a, const struct arc_user *u,
			const char *q, long long *ptotal, int *pexact,
			char **pmsg);

#endif
