/*
 * http.h: what the request handlers outside server.c share with it,
 * private to web/: a request and its response as the dispatcher hands
 * them over, and the helpers that read one and fill the other.  The
 * routing table stays in server.c; a handler answers by filling the
 * response (the dispatcher queues exactly one).
 */
#ifndef WEB_HTTP_H
#define WEB_HTTP_H

#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "dossier/archive.h"
#include "dossier/common.h"

struct web_resp {
	unsigned status;
	const char *type;
	struct dbuf body;
	const unsigned char *static_data; /* instead of body, not freed */
	size_t static_len;
	int fd; /* instead of body: stream this file */
	uint64_t fd_size;
	const char *cache; /* Cache-Control value, or NULL for no-store */
	char cookie[160];  /* a Set-Cookie value, or "" */
	char disposition[320]; /* a Content-Disposition value, or "" */
	char etag[72];         /* an ETag value, or "" */
	unsigned retry_after;  /* seconds for Retry-After, or 0 */
};

struct conn_ctx;

struct web_req {
	struct MHD_Connection *conn;
	struct conn_ctx *cc;  /* what the connection carries */
	int held;             /* the answer waits for the audit log */
	const char *method;
	const char *url;
	const char *param;  /* the path segment matched by the first '*' */
	const char *param2; /* ... by the second '*', or NULL */
	struct arc *arc;
	struct arc_user user; /* who is signed in (routes needing it) */
	const char *body;     /* the request body, NUL-terminated */
	size_t body_len;
};

/* Answers j (borrowed) as JSON with status. */
void web_json(struct web_resp *r, unsigned status, json_t *j);
/* Answers {"error": msg} with status. */
void web_error(struct web_resp *r, unsigned status, const char *msg);
/* Answers err's HTTP status with msg (NULL: the error's own words). */
void web_err(struct web_resp *r, enum dos_err err, const char *msg);
/* Answers j (stolen) on DOS_OK, else err with msg (NULL or "": the
 * error's own words). */
void web_result(struct web_resp *r, enum dos_err err, json_t *j,
		const char *msg);
/* Answers {"message": msg} on DOS_OK, else err with msg. */
void web_outcome(struct web_resp *r, enum dos_err err, const char *msg);
/* A query-string argument, or NULL. */
const char *web_arg(struct web_req *q, const char *name);
/* An integer argument in lo..hi (def when absent); 0 when malformed. */
int web_int_arg(struct web_req *q, const char *name, int def, int lo,
		int hi, int *pout);
/* A path id: a positive decimal number; 0 when it is not one. */
int web_parse_id(const char *s, int64_t *pid);
/* The body as a JSON object (caller frees), or NULL after a 400. */
json_t *web_body(struct web_req *q, struct web_resp *r);
/* A string member of j, or NULL. */
const char *web_jstr(json_t *j, const char *key);

/* Handlers in their own files, routed by server.c's table. */
typedef void (*web_handler)(struct web_req *, struct web_resp *);
/* home.c: landing screens and saved searches */
void web_h_saved_list(struct web_req *q, struct web_resp *r);
void web_h_saved_add(struct web_req *q, struct web_resp *r);
void web_h_saved_remove(struct web_req *q, struct web_resp *r);
void web_h_deletions(struct web_req *q, struct web_resp *r);
void web_h_holds(struct web_req *q, struct web_resp *r);
void web_h_audit_summary(struct web_req *q, struct web_resp *r);
/* customers.c: customers and their accounts */
void web_h_customers(struct web_req *q, struct web_resp *r);
void web_h_customer_add(struct web_req *q, struct web_resp *r);
void web_h_account_link(struct web_req *q, struct web_resp *r);
/* records.c: retention, disposal lists and certificates, closings,
 * document PDFs and stamped copies */
void web_h_document_pdf(struct web_req *q, struct web_resp *r);
void web_h_document_copy(struct web_req *q, struct web_resp *r);
void web_h_retention_rules(struct web_req *q, struct web_resp *r);
void web_h_retention_due(struct web_req *q, struct web_resp *r);
void web_h_disposals(struct web_req *q, struct web_resp *r);
void web_h_disposal(struct web_req *q, struct web_resp *r);
void web_h_disposal_propose(struct web_req *q, struct web_resp *r);
void web_h_disposal_approve(struct web_req *q, struct web_resp *r);
void web_h_disposal_refuse(struct web_req *q, struct web_resp *r);
void web_h_disposal_withdraw(struct web_req *q, struct web_resp *r);
void web_h_certificate(struct web_req *q, struct web_resp *r);
void web_h_customer_close(struct web_req *q, struct web_resp *r);
void web_h_customer_reopen(struct web_req *q, struct web_resp *r);
void web_h_account_close(struct web_req *q, struct web_resp *r);

#endif
