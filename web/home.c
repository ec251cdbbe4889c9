/*
 * home.c: what the landing screens list besides what other routes give:
 * a user's saved searches with what each finds now, open deletions,
 * legal holds and a summary of the audit log.  Thin: the archive (and
 * search/, for the counts) does the work and the checks.
 * Exports web_h_saved_list, web_h_saved_add, web_h_saved_remove,
 * web_h_deletions, web_h_holds, web_h_audit_summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier/search.h"
#include "http.h"

/* GET /api/saved-searches: [{"id","name","query","created","total",
 * "total_exact"} or with "error" for a query that no longer runs]. */
void
web_h_saved_list(struct web_req *q, struct web_resp *r)
{
	json_t *list = NULL, *s;
	struct dbuf queries;
	long long total;
	size_t i;
	char *msg = NULL;
	int exact;
	enum dos_err err;

	if ((err = arc_saved_list(q->arc, &q->user, &list)) != DOS_OK) {
		web_err(r, err, NULL);
		return;
	}
	dbuf_init(&queries, 1u << 20);
	json_array_foreach(list, i, s) {
		const char *qs = json_string_value(json_object_get(s, "query"));

		err = srch_count(q->arc, &q->user, qs, &total, &exact, &msg);
		if (err == DOS_OK) {
			json_object_set_new(s, "total",
					    json_integer((json_int_t)total));
			json_object_set_new(s, "total_exact",
					    json_boolean(exact));
		} else
			json_object_set_new(s, "error",
					    json_string(msg != NULL
							? msg
							: dos_strerror(err)));
		free(msg);
		msg = NULL;
		dbuf_addf(&queries, "%s%s", i > 0 ? " | " : "", qs);
	}
	/* The counting is a search of each query: audited once. */
	if (json_array_size(list) > 0 &&
	    (err = arc_audit(q->arc, q->user.name, "search.count", "",
			     queries.data != NULL ? queries.data : "")) !=
		    DOS_OK) {
		web_err(r, err, NULL);
		json_decref(list);
		dbuf_free(&queries);
		return;
	}
	dbuf_free(&queries);
	web_result(r, DOS_OK, list, NULL);
}

/* POST /api/saved-searches {"name", "query"}: the query must run. */
void
web_h_saved_add(struct web_req *q, struct web_resp *r)
{
	struct srch_query *sq = NULL;
	char msg[512] = "", *pmsg = NULL;
	const char *name, *query;
	json_t *j, *res;
	int64_t id;
	enum dos_err err;

	if ((j = web_body(q, r)) == NULL)
		return;
	name = web_jstr(j, "name");
	query = web_jstr(j, "query");
	if (query != NULL && srch_parse(query, &sq, &pmsg) != DOS_OK) {
		snprintf(msg, sizeof(msg), "the query cannot be run: %s",
			 pmsg != NULL ? pmsg : "malformed");
		web_error(r, 400, msg);
		free(pmsg);
		json_decref(j);
		return;
	}
	srch_query_free(sq);
	err = arc_saved_add(q->arc, &q->user, name, query, &id, msg,
			    sizeof(msg));
	if (err == DOS_OK) {
		res = json_pack("{s:I,s:s}", "id", (json_int_t)id, "message",
				msg);
		web_json(r, 201, res);
		json_decref(res);
	} else
		web_err(r, err, msg);
	json_decref(j);
}

/* POST /api/saved-searches/ID/remove */
void
web_h_saved_remove(struct web_req *q, struct web_resp *r)
{
	char msg[256] = "";
	int64_t id;

	if (!web_parse_id(q->param, &id)) {
		web_error(r, 404, "you have no saved search with that number");
		return;
	}
	web_outcome(r, arc_saved_remove(q->arc, &q->user, id, msg,
					sizeof(msg)),
		    msg);
}

/* GET /api/deletions: open deletions one asked for or may decide. */
void
web_h_deletions(struct web_req *q, struct web_resp *r)
{
	json_t *list = NULL;
	enum dos_err err = arc_deletion_list(q->arc, &q->user, &list);

	web_result(r, err, list, NULL);
}

/* GET /api/holds: legal holds in force (administrators). */
void
web_h_holds(struct web_req *q, struct web_resp *r)
{
	json_t *list = NULL;
	char msg[512] = "";
	enum dos_err err = arc_hold_list(q->arc, &q->user, &list, msg,
					 sizeof(msg));

	web_result(r, err, list, msg);
}

/* GET /api/audit/summary?days=N (default 7) */
void
web_h_audit_summary(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	char msg[512] = "";
	int days;
	enum dos_err err;

	if (!web_int_arg(q, "days", 7, 1, 366, &days)) {
		web_error(r, 400, "days must be 1-366");
		return;
	}
	err = arc_audit_summary(q->arc, &q->user, days, &j, msg, sizeof(msg));
	web_result(r, err, j, msg);
}
