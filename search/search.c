/*
 * search.c: runs a parsed query in the archive for a user (the archive
 * keeps to what the user may read): picks the sort order, caps paging,
 * and writes the search with its query to the audit log.  Exports
 * srch_run, srch_count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier/search.h"

static const struct {
	const char *name;
	enum arc_sort sort;
} sorts[] = {
	{"relevance", ARC_SORT_RELEVANCE}, {"date", ARC_SORT_DATE},
	{"added", ARC_SORT_ADDED},	   {"account", ARC_SORT_ACCOUNT},
	{"number", ARC_SORT_NUMBER},
};

enum dos_err
srch_run(struct arc *a, const struct arc_user *u, const char *s,
	 const struct srch_opts *o, json_t **pout, char **pmsg)
{
	struct srch_query *q = NULL;
	struct arc_query aq;
	char msg[256] = "";
	size_t i;
	enum dos_err err;

	*pout = NULL;
	*pmsg = NULL;
	memset(&aq, 0, sizeof(aq));
	if (o->sort != NULL && *o->sort != '\0') {
		for (i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++)
			if (strcmp(o->sort, sorts[i].name) == 0)
				break;
		if (i == sizeof(sorts) / sizeof(sorts[0])) {
			*pmsg = strdup("sort must be relevance, date, added, "
				       "account or number");
			return DOS_INVAL;
		}
		aq.sort = sorts[i].sort;
	}
	if ((err = srch_parse(s, &q, pmsg)) != DOS_OK)
		return err;
	aq.root = srch_query_root(q);
	aq.user = u;
	aq.facets = o->facets;
	aq.limit = o->limit <= 0		? 20
		   : o->limit > SRCH_MAX_LIMIT ? SRCH_MAX_LIMIT
					       : o->limit;
	aq.offset = o->offset < 0 ? 0 : o->offset > 100000 ? 100000
							    : o->offset;
	err = arc_search(a, &aq, pout, msg, sizeof(msg));
	if (err == DOS_INVAL || err == DOS_PERM)
		*pmsg = strdup(msg[0] != '\0' ? msg
					      : "the query could not be run");
	if (err == DOS_OK && o->audit != NULL && o->audited != NULL)
		err = arc_auditq_post(o->audit, u->name, "search", "", s,
				      o->audited, o->audited_arg);
	else if (err == DOS_OK && o->audit != NULL)
		err = arc_auditq_add(o->audit, u->name, "search", "", s);
	else if (err == DOS_OK)
		err = arc_audit(a, u->name, "search", "", s);
	if (err != DOS_OK && *pout != NULL) {
		/* A search that cannot be recorded is not answered. */
		json_decref(*pout);
		*pout = NULL;
	}
	srch_query_free(q);
	return err;
}

enum dos_err
srch_count(struct arc *a, const struct arc_user *u, const char *s,
	   long long *ptotal, int *pexact, char **pmsg)
{
	struct srch_query *q = NULL;
	struct arc_query aq;
	json_t *res = NULL;
	char msg[256] = "";
	enum dos_err err;

	*ptotal = 0;
	*pexact = 1;
	*pmsg = NULL;
	if ((err = srch_parse(s, &q, pmsg)) != DOS_OK)
		return err;
	memset(&aq, 0, sizeof(aq));
	aq.root = srch_query_root(q);
	aq.user = u;
	aq.limit = 1;
	err = arc_search(a, &aq, &res, msg, sizeof(msg));
	if (err == DOS_OK) {
		*ptotal = json_integer_value(json_object_get(res, "total"));
		*pexact = !json_is_false(json_object_get(res, "total_exact"));
	} else if (err == DOS_INVAL || err == DOS_PERM)
		*pmsg = strdup(msg[0] != '\0' ? msg
					      : "the query could not be run");
	json_decref(res);
	srch_query_free(q);
	return err;
}
