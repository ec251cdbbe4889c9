/*
 * records.c: the HTTP side of records management, routed by server.c's
 * table: a document's PDF as it leaves the archive (PDF/A with its
 * current metadata) and stamped copies for print or download; the
 * retention schedule and what is due; disposal lists (propose, approve,
 * refuse, withdraw), their certificates; customer and account closings.
 * Each handler reads its parameters and calls one archive (or ingest)
 * function, which checks who may.
 * Exports the web_h_* handlers of records.c declared in http.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier/ingest.h"
#include "http.h"
#include "settings.h"

#define MAX_LIST 10000

/* Answers a PDF made in memory. */
static void
pdf_answer(struct web_resp *r, unsigned char *pdf, size_t len,
	   const char *name)
{
	dbuf_reset(&r->body);
	if (dbuf_add(&r->body, pdf, len) != DOS_OK) {
		web_error(r, 413, "this document's PDF is too large to be "
				  "made by the server; use dossier pdf");
		return;
	}
	r->status = 200;
	r->type = "application/pdf";
	if (name != NULL)
		snprintf(r->disposition, sizeof(r->disposition),
			 "attachment; filename=\"%s\"", name);
}

/* GET /api/documents/ID/pdf: PDF/A with the document's metadata. */
void
web_h_document_pdf(struct web_req *q, struct web_resp *r)
{
	unsigned char *pdf = NULL;
	char msg[512] = "";
	size_t len = 0;
	int64_t id;
	enum dos_err err;

	if (!web_parse_id(q->param, &id)) {
		web_error(r, 404, "no such document");
		return;
	}
	err = ing_doc_pdf(q->arc, &q->user, id, NULL, NULL, &pdf, &len, msg,
			  sizeof(msg));
	if (err != DOS_OK)
		web_err(r, err, msg);
	else
		pdf_answer(r, pdf, len, NULL);
	free(pdf);
}

/*
 * POST /api/documents/ID/copy {"reason", "purpose": "print"|"download"}:
 * the PDF stamped on every page with who, when and why (needs view).
 */
void
web_h_document_copy(struct web_req *q, struct web_resp *r)
{
	unsigned char *pdf = NULL;
	const char *purpose;
	char msg[512] = "", name[64];
	size_t len = 0;
	int64_t id;
	json_t *j;
	enum dos_err err;

	if (!web_parse_id(q->param, &id)) {
		web_error(r, 404, "no such document");
		return;
	}
	if ((j = web_body(q, r)) == NULL)
		return;
	purpose = web_jstr(j, "purpose");
	if (purpose == NULL)
		purpose = "download";
	if (strcmp(purpose, "print") != 0 && strcmp(purpose, "download") != 0) {
		web_error(r, 400, "purpose is print or download");
		json_decref(j);
		return;
	}
	err = ing_doc_pdf(q->arc, &q->user, id, purpose,
			  web_jstr(j, "reason") != NULL ? web_jstr(j, "reason")
							: "",
			  &pdf, &len, msg, sizeof(msg));
	snprintf(name, sizeof(name), "document-%lld-copy.pdf", (long long)id);
	if (err != DOS_OK)
		web_err(r, err, msg);
	else
		pdf_answer(r, pdf, len, strcmp(purpose, "print") == 0 ? NULL
								       : name);
	free(pdf);
	json_decref(j);
}

/* GET /api/retention/rules */
void
web_h_retention_rules(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	enum dos_err err;

	err = arc_retention_rules(q->arc, &j);
	web_result(r, err, j, NULL);
}

/* GET /api/retention/due?as_of=YYYY-MM-DD */
void
web_h_retention_due(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	char msg[512] = "";
	enum dos_err err;

	err = arc_retention_due(q->arc, &q->user, web_arg(q, "as_of"), &j,
				msg, sizeof(msg));
	web_result(r, err, j, msg);
}

/* GET /api/disposals */
void
web_h_disposals(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	char msg[512] = "";
	enum dos_err err;

	err = arc_disposal_list(q->arc, &q->user, &j, msg, sizeof(msg));
	web_result(r, err, j, msg);
}

/* GET /api/disposals/ID */
void
web_h_disposal(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	char msg[512] = "";
	int64_t id;

	enum dos_err err;

	if (!web_parse_id(q->param, &id)) {
		web_error(r, 404, "no such disposal list");
		return;
	}
	err = arc_disposal_get(q->arc, &q->user, id, &j, msg, sizeof(msg));
	web_result(r, err, j, msg);
}

/* A JSON array of strings (NULL: none) into list; 0 after a 400. */
static int
str_list(struct web_resp *r, json_t *a, const char *what,
	 const char **list, size_t max, size_t *pn)
{
	json_t *v;
	size_t i;

	*pn = 0;
	if (a == NULL || json_is_null(a))
		return 1;
	if (!json_is_array(a) || json_array_size(a) > max) {
		web_error(r, 400, what);
		return 0;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_string(v)) {
			web_error(r, 400, what);
			return 0;
		}
		list[(*pn)++] = json_string_value(v);
	}
	return 1;
}

/*
 * POST /api/disposals {"note", "as_of", "customers": [...],
 * "categories": [...], "documents": [ids]}: 201 {"id", "message"}.
 */
void
web_h_disposal_propose(struct web_req *q, struct web_resp *r)
{
	struct arc_disposal_sel sel = {0};
	const char **custs = NULL, **cats = NULL;
	int64_t *docs = NULL, id = 0;
	json_t *j, *a, *v, *res;
	char msg[512] = "";
	size_t i;
	enum dos_err err;

	if ((j = web_body(q, r)) == NULL)
		return;
	if ((custs = calloc(MAX_LIST, sizeof(*custs))) == NULL ||
	    (cats = calloc(64, sizeof(*cats))) == NULL ||
	    (docs = calloc(MAX_LIST, sizeof(*docs))) == NULL) {
		web_err(r, DOS_NOMEM, NULL);
		goto out;
	}
	if (!str_list(r, json_object_get(j, "customers"),
		      "customers is a list of customer numbers or accounts",
		      custs, MAX_LIST, &sel.ncustomers) ||
	    !str_list(r, json_object_get(j, "categories"),
		      "categories is a list of category codes", cats, 64,
		      &sel.ncategories))
		goto out;
	a = json_object_get(j, "documents");
	if (a != NULL && !json_is_null(a)) {
		if (!json_is_array(a) || json_array_size(a) > MAX_LIST) {
			web_error(r, 400, "documents is a list of document "
					  "numbers");
			goto out;
		}
		json_array_foreach(a, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) <= 0) {
				web_error(r, 400, "documents is a list of "
						  "document numbers");
				goto out;
			}
			docs[sel.ndocs++] = json_integer_value(v);
		}
	}
	sel.customers = custs;
	sel.categories = cats;
	sel.docs = docs;
	sel.as_of = web_jstr(j, "as_of");
	sel.note = web_jstr(j, "note");
	err = arc_disposal_propose(q->arc, &q->user, &sel, &id, msg,
				   sizeof(msg));
	if (err != DOS_OK) {
		web_err(r, err, msg);
		goto out;
	}
	res = json_pack("{s:I,s:s}", "id", (json_int_t)id, "message", msg);
	web_json(r, 201, res);
	json_decref(res);
out:
	free(custs);
	free(cats);
	free(docs);
	json_decref(j);
}

/* POST /api/disposals/ID/approve {"hold_days", "note"}: without
 * hold_days, the configuration's. */
void
web_h_disposal_approve(struct web_req *q, struct web_resp *r)
{
	const struct wset *set;
	char msg[600] = "";
	int64_t id;
	json_t *j, *h;
	json_int_t days;

	if (!web_parse_id(q->param, &id)) {
		web_error(r, 404, "no such disposal list");
		return;
	}
	if ((j = web_body(q, r)) == NULL)
		return;
	if ((h = json_object_get(j, "hold_days")) == NULL || json_is_null(h)) {
		set = wset_get();
		days = set->hold_days;
		wset_put(set);
	} else if (!json_is_integer(h)) {
		json_decref(j);
		web_error(r, 400, "hold_days must be a whole number of days "
				  "from 0 to 3650");
		return;
	} else
		days = json_integer_value(h);
	web_outcome(r,
		    arc_disposal_decide(q->arc, &q->user, id, 1,
					days < 0 || days > 3650 ? -1
								: (int)days,
					web_jstr(j, "note"), msg, sizeof(msg)),
		    msg);
	json_decref(j);
}

/* POST /api/disposals/ID/refuse {"note"} */
void
web_h_disposal_refuse(struct web_req *q, struct web_resp *r)
{
	char msg[600] = "";
	int64_t id;
	json_t *j;

	if (!web_parse_id(q->param, &id)) {
		web_error(r, 404, "no such disposal list");
		return;
	}
	if ((j = web_body(q, r)) == NULL)
		return;
	web_outcome(r,
		    arc_disposal_decide(q->arc, &q->user, id, 0, 0,
					web_jstr(j, "note"), msg, sizeof(msg)),
		    msg);
	json_decref(j);
}

/* POST /api/disposals/ID/withdraw */
void
web_h_disposal_withdraw(struct web_req *q, struct web_resp *r)
{
	char msg[600] = "";
	int64_t id;

	if (!web_parse_id(q->param, &id)) {
		web_error(r, 404, "no such disposal list");
		return;
	}
	web_outcome(r, arc_disposal_withdraw(q->arc, &q->user, id, msg,
					     sizeof(msg)),
		    msg);
}

/* GET /api/certificates/ID: the signed certificate (JSON file). */
void
web_h_certificate(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	int64_t id;
	uint64_t size;
	int fd;
	enum dos_err err;

	if (!web_parse_id(q->param, &id)) {
		web_error(r, 404, "no such certificate");
		return;
	}
	if ((err = arc_certificate_open(q->arc, &q->user, id, &fd, &size, msg,
					sizeof(msg))) != DOS_OK) {
		web_err(r, err, msg);
		return;
	}
	r->status = 200;
	r->type = "application/json";
	r->fd = fd;
	r->fd_size = size;
	snprintf(r->disposition, sizeof(r->disposition),
		 "attachment; filename=\"disposal-certificate-%lld.json\"",
		 (long long)id);
}

/* POST /api/customers/KEY/close {"date", "reason"} */
void
web_h_customer_close(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	json_t *j;

	if ((j = web_body(q, r)) == NULL)
		return;
	web_outcome(r,
		    arc_customer_close(q->arc, &q->user, q->param,
				       web_jstr(j, "date"),
				       web_jstr(j, "reason"), msg, sizeof(msg)),
		    msg);
	json_decref(j);
}

/* POST /api/customers/KEY/reopen {"reason"} */
void
web_h_customer_reopen(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	json_t *j;

	if ((j = web_body(q, r)) == NULL)
		return;
	web_outcome(r,
		    arc_customer_reopen(q->arc, &q->user, q->param,
					web_jstr(j, "reason"), msg,
					sizeof(msg)),
		    msg);
	json_decref(j);
}

/* POST /api/accounts/ACCOUNT/close {"date"} */
void
web_h_account_close(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	json_t *j;

	if ((j = web_body(q, r)) == NULL)
		return;
	web_outcome(r,
		    arc_account_close(q->arc, &q->user, q->param,
				      web_jstr(j, "date"), msg, sizeof(msg)),
		    msg);
	json_decref(j);
}
