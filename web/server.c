/*
 * server.c: the HTTP server on libmicrohttpd: one routing table (method,
 * path, handler), one dispatcher that alone answers 404/405 and queues
 * exactly one response, JSON errors, security headers, a request log (at
 * debug level), one archive connection per server thread, and signals:
 * SIGHUP reloads, SIGINT and SIGTERM stop.
 * Exports web_serve, web_check, web_parse_listen.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "dossier/archive.h"
#include "dossier/ingest.h"
#include "dossier/search.h"
#include "dossier/web.h"
#include "assets.h"
#include "http.h"
#include "notify.h"
#include "jobwait.h"
#include "session.h"
#include "settings.h"
#include "throttle.h"
#include "upload.h"
#include "workers.h"

#define MAX_BODY (64u << 10)
#define SPOOL_MAX_AGE (7L * 24 * 3600) /* abandoned upload folders */
#define EXPORT_KEEP_SECONDS (24.0 * 3600) /* a finished export's life */
#define EXPORT_USER_ACTIVE 2   /* one user's exports waiting or running */
#define EXPORT_USER_KEEP 100   /* one user's finished exports kept */
#define EXPORT_MAX_LIST 10000  /* customers or documents in one export */
#define TURN_USER_ACTIVE 8     /* one user's page turns waiting */
#define TURN_WAIT 120.0        /* seconds a turn's request waits */
#define SCAN_WAIT 60.0         /* seconds a scan's request waits to begin */
#define VIEW_USER_ACTIVE 16    /* one user's page images being made */
#define VIEW_PRIORITY 20       /* ahead of turns (10) and pages (0) */
#define VIEW_WAIT TURN_WAIT    /* seconds a view's request waits */

/* What a connection carries between libmicrohttpd's calls. */
struct conn_ctx {
	struct dbuf body;
	struct upload *up;      /* POST /api/batches being received */
	char user[65];          /* who uploads */
	char who[65];           /* who is signed in, for the request log */
	double t0;              /* when the request arrived */
	unsigned early_status;  /* a request refused before its body */
	char early_msg[256];
	int answered;           /* a response is queued */
	/* A search answered once its audit entry is on disk: the connection
	 * is suspended meanwhile, its answer held here. */
	struct MHD_Connection *conn;
	struct web_resp held;
	int holding;
	enum dos_err audit_err; /* set by the audit writer, then resumed */
	int held_view;          /* the held answer is a page image */
	int counted;            /* held once: in nsuspended until done */
	int started;            /* the handler has seen the request */
	const char *bad_url;    /* why the raw address is refused, or NULL */
	unsigned bad_status;    /* ... and with which status */
	/* A request answered once a row of the queue got far enough (a
	 * page turn read again, a scan begun): set by the waiter before
	 * it resumes the connection, read after. */
	int64_t wait_job;
	json_t *wait_row;       /* the row as last seen, or NULL */
	int wait_timed_out;
	void (*wait_answer)(struct conn_ctx *cc, struct web_resp *r);
	char view_key[96];      /* a page image a worker makes for it */
};

/*
 * Held requests (searches and page views waiting for their audit entry,
 * turns and scans waiting for their row of the queue): counted from
 * when they are suspended until libmicrohttpd has sent their answer
 * (on_completed), so that the server, stopping, lets every one of them
 * be answered before the daemon goes.  draining: the server stops; no
 * request is held any more, a new one is answered 503.
 */
static atomic_int nsuspended;
static atomic_int draining;

static struct arc *thread_arc(void);
static void on_job_waited(void *arg, int64_t id, const json_t *job,
			  int timed_out);
static int hold_for_job(struct web_req *q, int64_t id,
			enum jobwait_until until, double seconds,
			void (*answer)(struct conn_ctx *cc,
				       struct web_resp *r));
static int workers_there(struct web_req *q);
static void row_outcome(struct web_resp *r, const json_t *row,
			const char *pending);
static enum MHD_Result send_resp(struct MHD_Connection *conn,
				 struct conn_ctx *cc, struct web_resp *rp,
				 const char *method, const char *url);

/* Who may call a route: anyone, or a signed-in user whose role has the
 * action (ARC_NACTIONS: any signed-in user).  The object itself is
 * checked by the archive. */
enum { OPEN = -1 };

struct route {
	const char *method;
	const char *pattern; /* '*' matches one path segment */
	web_handler handler;
	int need;            /* OPEN, ARC_NACTIONS or an enum arc_action */
};

static const char *archive_dir;
static int tls_on; /* served over HTTPS: cookies are Secure */
static struct arc_auditq *auditq; /* searches' audit entries, grouped */
static pthread_key_t arc_key;

/* Maps the project's errors to HTTP statuses. */
static const unsigned err_status[DOS_ERR__MAX] = {
	[DOS_OK] = 200,	      [DOS_NOMEM] = 500,    [DOS_IO] = 500,
	[DOS_INVAL] = 400,    [DOS_NOTFOUND] = 404, [DOS_PERM] = 403,
	[DOS_CONFLICT] = 409, [DOS_CORRUPT] = 500,  [DOS_LIMIT] = 413,
	[DOS_FORMAT] = 415,   [DOS_DB] = 500,	    [DOS_NOSPACE] = 507,
	[DOS_BUSY] = 503,     [DOS_RDONLY] = 503,
};

/*
 * Appends JSON text s with '<', '>' and '&' written as \u escapes: they
 * occur only inside strings, so the text means the same, and no markup
 * from the archive appears raw even if a browser sniffed the answer.
 */
static enum dos_err
add_json_text(struct dbuf *b, const char *s)
{
	enum dos_err err = DOS_OK;
	size_t n;

	while (err == DOS_OK && *s != '\0') {
		n = strcspn(s, "<>&");
		if (n > 0)
			err = dbuf_add(b, s, n);
		s += n;
		if (err == DOS_OK && *s != '\0') {
			err = dbuf_adds(b, *s == '<'   ? "\\u003c"
					   : *s == '>' ? "\\u003e"
						       : "\\u0026");
			s++;
		}
	}
	return err;
}

static void
resp_json(struct web_resp *r, unsigned status, json_t *j)
{
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII)
			    : NULL;

	r->status = status;
	r->type = "application/json";
	dbuf_reset(&r->body);
	if (s == NULL || add_json_text(&r->body, s) != DOS_OK) {
		r->status = 500;
		dbuf_reset(&r->body);
		dbuf_adds(&r->body, "{\"error\":\"out of memory\"}");
	}
	free(s);
}

/*
 * A message as a JSON string.  Messages may quote what the request said
 * (a path segment, decoded from %XX, need not be UTF-8): such bytes are
 * shown as '?', where jansson would refuse the whole answer.
 */
static json_t *
msg_string(const char *msg)
{
	size_t n = strlen(msg) + 1;
	char *clean;
	json_t *j;

	if (dos_utf8_valid(msg) || (clean = malloc(n)) == NULL)
		return json_string(msg);
	dos_utf8_clean(msg, clean, n);
	j = json_string(clean);
	free(clean);
	return j;
}

static void
resp_error(struct web_resp *r, unsigned status, const char *msg)
{
	json_t *j = json_pack("{s:o}", "error", msg_string(msg));

	resp_json(r, status, j);
	json_decref(j);
}

static void
resp_err(struct web_resp *r, enum dos_err err, const char *msg)
{
	unsigned st = (unsigned)err < DOS_ERR__MAX ? err_status[err] : 500;

	resp_error(r, st ? st : 500,
		   msg != NULL ? msg
			       : (st == 500 ? "internal error; see the server "
					      "log"
					    : dos_strerror(err)));
}

static const char *
arg(struct web_req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

static int
int_arg(struct web_req *q, const char *name, int def, int lo, int hi,
	int *pout)
{
	const char *s = arg(q, name);
	char *end;
	long v;

	*pout = def;
	if (s == NULL || *s == '\0')
		return 1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return 0;
	*pout = (int)v;
	return 1;
}

/* GET /api/search?q=&limit=&offset=&sort=&facets=1 */
/* The audit writer: a held search's entry is on disk (or failed). */
static void
on_audited(void *arg, enum dos_err err)
{
	struct conn_ctx *cc = arg;

	cc->audit_err = err;
	MHD_resume_connection(cc->conn);
}

static void
h_search(struct web_req *q, struct web_resp *r)
{
	const char *query = arg(q, "q");
	struct srch_opts o;
	json_t *res = NULL;
	char *msg = NULL;
	enum dos_err err;

	memset(&o, 0, sizeof(o));
	if (query == NULL)
		query = "";
	if (!int_arg(q, "limit", 20, 1, SRCH_MAX_LIMIT, &o.limit) ||
	    !int_arg(q, "offset", 0, 0, 100000, &o.offset) ||
	    !int_arg(q, "facets", 0, 0, 1, &o.facets)) {
		resp_error(r, 400, "limit must be 1-100, offset 0-100000 and "
				   "facets 0 or 1");
		return;
	}
	o.sort = arg(q, "sort");
	o.audit = auditq;
	/*
	 * No worker thread waits for the audit log: the connection is
	 * suspended (before the entry is posted, so the writer's resume
	 * finds it suspended) and answered when the entry is on disk.
	 */
	atomic_fetch_add(&nsuspended, 1);
	if (auditq != NULL && !atomic_load(&draining)) {
		MHD_suspend_connection(q->conn);
		q->cc->conn = q->conn;
		q->cc->audit_err = DOS_OK;
		q->cc->counted = 1;
		q->held = 1;
		o.audited = on_audited;
		o.audited_arg = q->cc;
	} else
		atomic_fetch_sub(&nsuspended, 1);
	err = srch_run(q->arc, &q->user, query, &o, &res, &msg);
	if (err == DOS_OK)
		resp_json(r, 200, res);
	else
		resp_err(r, err, msg);
	if (q->held && err != DOS_OK)
		/* Nothing was posted: no writer will resume it. */
		MHD_resume_connection(q->conn);
	json_decref(res);
	free(msg);
}

static int
parse_id(const char *s, int64_t *pid)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return 0;
	*pid = v;
	return 1;
}

/* The request body as a JSON object, or a 400. */
static json_t *
body_json(struct web_req *q, struct web_resp *r)
{
	json_error_t je;
	json_t *j = q->body_len > 0
			    ? json_loadb(q->body, q->body_len, 0, &je)
			    : NULL;

	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		resp_error(r, 400, "the request body must be a JSON object");
		return NULL;
	}
	return j;
}

/* The path's id and the JSON body of a POST about one object, or NULL
 * after answering 404 or 400. */
static json_t *
id_and_body(struct web_req *q, struct web_resp *r, const char *what,
	    int64_t *pid)
{
	char m[64];

	if (!parse_id(q->param, pid)) {
		snprintf(m, sizeof(m), "no such %s", what);
		resp_error(r, 404, m);
		return NULL;
	}
	return body_json(q, r);
}

/* s, or NULL when it is NULL or empty. */
static const char *
nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

static const char *
jstr(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

/*
 * An integer of the body as an int; bad (a value the archive refuses)
 * when it is one but does not fit: a plain cast made 4294967386 degrees
 * a quarter turn.
 */
static int
jint(const json_t *v, int bad)
{
	json_int_t i = json_integer_value(v);

	return i < INT_MIN || i > INT_MAX ? bad : (int)i;
}

/* Answers with the archive's outcome: {"message"} or the error. */
static void
resp_outcome(struct web_resp *r, enum dos_err err, const char *msg)
{
	if (err == DOS_OK) {
		json_t *j = json_pack("{s:o}", "message", msg_string(msg));

		resp_json(r, 200, j);
		json_decref(j);
	} else
		resp_err(r, err, msg[0] != '\0' ? msg : NULL);
}

/* The helpers above, for the handlers in web/'s other files (http.h). */
void
web_json(struct web_resp *r, unsigned status, json_t *j)
{
	resp_json(r, status, j);
}

void
web_error(struct web_resp *r, unsigned status, const char *msg)
{
	resp_error(r, status, msg);
}

void
web_err(struct web_resp *r, enum dos_err err, const char *msg)
{
	resp_err(r, err, msg != NULL && msg[0] != '\0' ? msg : NULL);
}

void
web_outcome(struct web_resp *r, enum dos_err err, const char *msg)
{
	resp_outcome(r, err, msg);
}

const char *
web_arg(struct web_req *q, const char *name)
{
	return arg(q, name);
}

int
web_int_arg(struct web_req *q, const char *name, int def, int lo, int hi,
	    int *pout)
{
	return int_arg(q, name, def, lo, hi, pout);
}

int
web_parse_id(const char *s, int64_t *pid)
{
	return parse_id(s, pid);
}

json_t *
web_body(struct web_req *q, struct web_resp *r)
{
	return body_json(q, r);
}

const char *
web_jstr(json_t *j, const char *key)
{
	return jstr(j, key);
}

/* GET /api/documents/ID */
static void
h_document(struct web_req *q, struct web_resp *r)
{
	json_t *doc = NULL;
	char msg[512] = "";
	int64_t id;
	enum dos_err err;

	if (!parse_id(q->param, &id)) {
		resp_error(r, 404, "no such document");
		return;
	}
	err = arc_doc_get(q->arc, &q->user, id, &doc, msg, sizeof(msg));
	if (err == DOS_OK)
		resp_json(r, 200, doc);
	else
		resp_err(r, err, msg[0] ? msg : NULL);
	json_decref(doc);
}


/* POST /api/documents/ID/edit {"changes": {...}, "reason": "..."} */
static void
h_document_edit(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	int64_t id;
	json_t *j;

	if ((j = id_and_body(q, r, "document", &id)) == NULL)
		return;
	resp_outcome(r,
		     arc_doc_edit(q->arc, &q->user, id,
				  json_object_get(j, "changes"),
				  jstr(j, "reason"), msg, sizeof(msg)),
		     msg);
	json_decref(j);
}

/* POST /api/documents/ID/delete {"reason": "..."} */
static void
h_document_delete(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	int64_t id;
	json_t *j;

	if ((j = id_and_body(q, r, "document", &id)) == NULL)
		return;
	resp_outcome(r,
		     arc_delete_request(q->arc, &q->user, id, jstr(j, "reason"),
					msg, sizeof(msg)),
		     msg);
	json_decref(j);
}

/* POST /api/documents/ID/approve-delete {"hold_days": N}: without
 * hold_days, the configuration's (hold_days, 30 by default). */
static void
h_document_approve(struct web_req *q, struct web_resp *r)
{
	const struct wset *set;
	char msg[512] = "";
	int64_t id;
	json_t *j, *h;
	json_int_t days;

	if ((j = id_and_body(q, r, "document", &id)) == NULL)
		return;
	if ((h = json_object_get(j, "hold_days")) == NULL) {
		set = wset_get();
		days = set->hold_days;
		wset_put(set);
	} else if (!json_is_integer(h)) {
		json_decref(j);
		resp_error(r, 400, "hold_days must be a whole number of days "
				   "from 0 to 3650");
		return;
	} else
		days = json_integer_value(h);
	resp_outcome(r,
		     arc_delete_approve(q->arc, &q->user, id,
					days < 0 || days > 3650 ? -1 : (int)days,
					msg, sizeof(msg)),
		     msg);
	json_decref(j);
}

/* POST /api/purge */
static void
h_purge(struct web_req *q, struct web_resp *r)
{
	json_t *rep = NULL;
	enum dos_err err = arc_purge(q->arc, &q->user, &rep);

	if (err == DOS_OK)
		resp_json(r, 200, rep);
	else
		resp_err(r, err, err == DOS_PERM ? "your role may not purge"
						 : NULL);
	json_decref(rep);
}

/* GET /api/customers/NUMBER-OR-ACCOUNT */
static void
h_customer(struct web_req *q, struct web_resp *r)
{
	json_t *c = NULL;
	char msg[512] = "";
	enum dos_err err = arc_customer_get(q->arc, &q->user, q->param, &c,
					    msg, sizeof(msg));

	if (err == DOS_OK)
		resp_json(r, 200, c);
	else
		resp_err(r, err, msg[0] ? msg : NULL);
	json_decref(c);
}

/* Whether s is NULL or a day written YYYY-MM-DD. */
static int
day_or_null(const char *s)
{
	int i;

	if (s == NULL)
		return 1;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-'
				     : s[i] < '0' || s[i] > '9')
			return 0;
	return s[10] == '\0';
}

/* GET /api/audit?limit=&before=&actor=&action=&document=&from=&to= */
static void
h_audit(struct web_req *q, struct web_resp *r)
{
	struct arc_audit_filter f;
	json_t *list = NULL;
	char msg[512] = "", obj[48];
	int before, doc;
	enum dos_err err;

	memset(&f, 0, sizeof(f));
	if (!int_arg(q, "limit", 100, 1, 1000, &f.limit) ||
	    !int_arg(q, "before", 0, 0, 2147483647, &before) ||
	    !int_arg(q, "document", 0, 0, 2147483647, &doc)) {
		resp_error(r, 400, "limit must be 1-1000, before and document "
				   "entry or document numbers");
		return;
	}
	f.before = before;
	f.actor = nonempty(arg(q, "actor"));
	f.action = nonempty(arg(q, "action"));
	f.from = nonempty(arg(q, "from"));
	f.to = nonempty(arg(q, "to"));
	if (!day_or_null(f.from) || !day_or_null(f.to)) {
		resp_error(r, 400, "from and to are days: YYYY-MM-DD");
		return;
	}
	if (doc > 0) {
		snprintf(obj, sizeof(obj), "document %d", doc);
		f.object = obj;
	}
	err = arc_audit_list(q->arc, &q->user, &f, &list, msg, sizeof(msg));
	if (err == DOS_OK)
		resp_json(r, 200, list);
	else
		resp_err(r, err, msg[0] ? msg : NULL);
	json_decref(list);
}

/* Answers with a JSON result from the archive, or its error. */
static void
resp_result(struct web_resp *r, enum dos_err err, json_t *j, const char *msg)
{
	if (err == DOS_OK)
		resp_json(r, 200, j);
	else
		resp_err(r, err, msg != NULL && msg[0] ? msg : NULL);
	json_decref(j);
}

void
web_result(struct web_resp *r, enum dos_err err, json_t *j, const char *msg)
{
	resp_result(r, err, j, msg);
}

/* GET /api/documents/ID/hits?q=QUERY: the query's word boxes on the
 * document's pages. */
static void
h_document_hits(struct web_req *q, struct web_resp *r)
{
	struct srch_query *sq = NULL;
	json_t *j = NULL;
	char msg[512] = "", *pmsg = NULL;
	const char *query = arg(q, "q");
	int64_t id;
	enum dos_err err;

	if (!parse_id(q->param, &id)) {
		resp_error(r, 404, "no such document");
		return;
	}
	if ((err = srch_parse(query != NULL ? query : "", &sq, &pmsg)) !=
	    DOS_OK) {
		resp_err(r, err, pmsg);
		free(pmsg);
		return;
	}
	err = arc_doc_hits(q->arc, &q->user, id, srch_query_root(sq),
			   query != NULL ? query : "", &j, msg, sizeof(msg));
	srch_query_free(sq);
	resp_result(r, err, j, msg);
}

/* GET /api/documents/ID/history */
static void
h_document_history(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	char msg[512] = "";
	int64_t id;

	if (!parse_id(q->param, &id)) {
		resp_error(r, 404, "no such document");
		return;
	}
	enum dos_err err = arc_doc_history(q->arc, &q->user, id, &j, msg, sizeof(msg));

	resp_result(r, err, j, msg);
}

/* Streams a blob the archive opened as the response. */
static void
resp_fd(struct web_resp *r, int fd, uint64_t size, const char *type)
{
	r->status = 200;
	r->type = type;
	r->fd = fd;
	r->fd_size = size;
}

/* GET /api/documents/ID/pages/N/thumb: the stored PNG thumbnail (made
 * by the worker that read the page). */
static void
page_thumb(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	int64_t id, seq;
	int fd;
	uint64_t size;
	enum dos_err err;

	if (!parse_id(q->param, &id) || !parse_id(q->param2, &seq) ||
	    seq > 100000) {
		resp_error(r, 404, "no such page");
		return;
	}
	err = arc_page_open(q->arc, &q->user, id, (int)seq, ARC_PAGE_THUMB,
			    &fd, &size, msg, sizeof(msg));
	if (err != DOS_OK) {
		resp_err(r, err, msg[0] ? msg : NULL);
		return;
	}
	resp_fd(r, fd, size, "image/png");
	r->cache = "private, max-age=3600";
}

/* The answer of a view whose audit entry could not be written. */
static void
view_unaudited(struct web_resp *r, enum dos_err err)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->cache = NULL;
	dbuf_reset(&r->body);
	/* A busy or full archive is said as such (503, 507). */
	resp_error(r, (unsigned)err < DOS_ERR__MAX && err_status[err] > 500
			      ? err_status[err]
			      : 500,
		   "the page view could not be recorded in the audit log, "
		   "so the page is not shown; see the server log");
}

/* A view row not (yet) done: 202 with the row, and when to ask again. */
static void
view_pending(struct web_resp *r, const json_t *row, int64_t job)
{
	json_t *own = NULL;

	if (row == NULL)
		row = own = json_pack("{s:I,s:s}", "id", (json_int_t)job,
				      "state", "queued");
	row_outcome(r, row, "the page image is being made by a worker; "
			    "ask again in a moment");
	if (r->status == 202)
		r->retry_after = 2;
	json_decref(own);
}

/*
 * A held view's answer, once its row ended (or its time ran out): the
 * rendering the worker kept, sent as a file; else the row's outcome.
 */
static void
view_answer(struct conn_ctx *cc, struct web_resp *r)
{
	const json_t *row = cc->wait_row;
	const char *state = json_string_value(json_object_get(row, "state"));
	uint64_t size;
	int fd, cached;

	if (cc->audit_err != DOS_OK) {
		view_unaudited(r, cc->audit_err);
		return;
	}
	if (state == NULL || strcmp(state, "done") != 0 ||
	    !json_is_true(json_object_get(json_object_get(row, "result"),
					  "ok"))) {
		view_pending(r, row, cc->wait_job);
		return;
	}
	if (arc_view_open(thread_arc(), cc->view_key, 0, &fd, &size,
			  &cached) != DOS_OK) {
		/* Made, and swept or purged since: rare; asked again, it is
		 * made again. */
		resp_error(r, 503, "the page image was made but is gone "
				   "again; ask again");
		r->retry_after = 1;
		return;
	}
	resp_fd(r, fd, size, "image/png");
	r->cache = "private, max-age=3600";
}

/* The audit writer: a held view's entry is on disk; it now waits for its
 * row (the waiter resumes it), or is answered at once. */
static void
on_view_audited(void *arg, enum dos_err err)
{
	struct conn_ctx *cc = arg;

	cc->audit_err = err;
	if (err == DOS_OK && jobwait_add(cc->wait_job, JOBWAIT_END, VIEW_WAIT,
					 on_job_waited, cc) == 0)
		return;
	MHD_resume_connection(cc->conn);
}

/*
 * A read-only archive has no queue (nor a worker that could keep a
 * rendering): its pages are rendered here, the one exception to "the
 * server decodes nothing"; nothing is written.
 */
static void
view_read_only(struct web_req *q, struct web_resp *r, int64_t id, int seq,
	       int width)
{
	struct arc_page_view v;
	char msg[512] = "";
	unsigned char *png = NULL;
	size_t len = 0;
	enum dos_err err;

	err = arc_page_view(q->arc, &q->user, id, seq, width, NULL, NULL,
			    NULL, &v, msg, sizeof(msg));
	if (err != DOS_OK) {
		resp_err(r, err, msg[0] ? msg : NULL);
		return;
	}
	if (v.cached) {
		resp_fd(r, v.fd, v.size, "image/png");
		r->cache = "private, max-age=3600";
		return;
	}
	err = ing_view_png(v.fd, v.size, width, &png, &len);
	close(v.fd);
	if (err != DOS_OK) {
		resp_err(r, err, "the page image cannot be shown");
		return;
	}
	r->status = 200;
	r->type = "image/png";
	r->cache = "private, max-age=3600";
	dbuf_reset(&r->body);
	if (dbuf_add(&r->body, png, len) != DOS_OK)
		resp_error(r, 500, "out of memory");
	free(png);
}

/*
 * A page image not kept at this width: a view row of the queue, made by
 * a worker (ahead of pages and turns).  The view is audited (through the
 * group writer), then the request waits for its row, and is answered
 * with the kept rendering, or 202 with the row after VIEW_WAIT seconds,
 * or at once when no worker is there to take it.  Called only once who
 * may see the page was checked: nobody makes work on a page they may
 * not see.
 */
static void
view_queued(struct web_req *q, struct web_resp *r, int64_t id, int seq,
	    int width, const char *key)
{
	struct arc_page_view v;
	char msg[512] = "", *text = NULL;
	int64_t job = 0;
	json_t *spec;
	enum dos_err err;

	spec = json_pack("{s:I,s:i,s:i,s:s}", "document", (json_int_t)id,
			 "seq", seq, "width", width, "key", key);
	if (spec == NULL || (text = json_dumps(spec, JSON_COMPACT)) == NULL) {
		resp_error(r, 500, "out of memory");
		goto out;
	}
	err = arc_job_add(q->arc, ARC_JOB_VIEW, q->user.name, 0,
			  VIEW_PRIORITY, text, VIEW_USER_ACTIVE, 0, &job, msg,
			  sizeof(msg));
	if (err != DOS_OK) {
		if (err == DOS_LIMIT)
			r->retry_after = 2;
		resp_error(r, err == DOS_LIMIT ? 429 : err_status[err],
			   msg[0] ? msg : "the page image cannot be queued");
		goto out;
	}
	if (!workers_there(q)) {
		/* Nothing shown, nothing audited: queued for a worker. */
		view_pending(r, NULL, job);
		goto out;
	}
	snprintf(q->cc->view_key, sizeof(q->cc->view_key), "%s", key);
	if (auditq == NULL || atomic_load(&draining)) {
		/* Audited here, then held for the row (or 202 now). */
		err = arc_page_view(q->arc, &q->user, id, seq, width, NULL,
				    NULL, NULL, &v, msg, sizeof(msg));
		if (err != DOS_OK) {
			resp_err(r, err, msg[0] ? msg : NULL);
			goto out;
		}
		close(v.fd);
		if (hold_for_job(q, job, JOBWAIT_END, VIEW_WAIT,
				 view_answer) != 0)
			view_pending(r, NULL, job);
		goto out;
	}
	/* Suspended before the entry is posted, so that the writer's
	 * resume (or the waiter's, after it) finds it suspended. */
	atomic_fetch_add(&nsuspended, 1);
	MHD_suspend_connection(q->conn);
	q->cc->conn = q->conn;
	q->cc->audit_err = DOS_OK;
	q->cc->held_view = 1;
	q->cc->counted = 1;
	q->cc->wait_job = job;
	q->cc->wait_answer = view_answer;
	err = arc_page_view(q->arc, &q->user, id, seq, width, auditq,
			    on_view_audited, q->cc, &v, msg, sizeof(msg));
	if (v.fd >= 0)
		close(v.fd);
	if (v.posted) {
		q->held = 1;
		goto out;
	}
	/* Nothing was posted: no writer will resume it. */
	MHD_resume_connection(q->conn);
	q->cc->wait_job = 0;
	q->cc->wait_answer = NULL;
	if (err != DOS_OK)
		resp_err(r, err, msg[0] ? msg : NULL);
	else
		view_pending(r, NULL, job);
out:
	free(text);
	json_decref(spec);
}

/*
 * GET /api/documents/ID/pages/N/image?w=WIDTH: the page at screen size,
 * as PNG.  A rendering kept in the archive (arc_page_view) is sent as a
 * file; the view's audit entry goes to the group writer, and the
 * connection waits, suspended, until it is on disk.  A page not kept at
 * this width is made by a worker first (view_queued): no server thread
 * decodes an image.
 */
static void
h_page_image(struct web_req *q, struct web_resp *r)
{
	struct arc_page_view v;
	char msg[512] = "";
	int64_t id, seq;
	int width, hold;
	enum dos_err err;

	if (!parse_id(q->param, &id) || !parse_id(q->param2, &seq) ||
	    seq > 100000) {
		resp_error(r, 404, "no such page");
		return;
	}
	if (!int_arg(q, "w", 1200, ING_VIEW_MIN_WIDTH, ING_VIEW_MAX_WIDTH,
		     &width)) {
		resp_error(r, 400, "w must be 200-2400 pixels");
		return;
	}
	/* Who may see it, and whether it is kept, before anything. */
	err = arc_page_view_check(q->arc, &q->user, id, (int)seq, width, &v,
				  msg, sizeof(msg));
	if (err != DOS_OK) {
		resp_err(r, err, msg[0] ? msg : NULL);
		return;
	}
	if (v.fd >= 0)
		close(v.fd);
	if (arc_readonly(q->arc)) {
		view_read_only(q, r, id, (int)seq, width);
		return;
	}
	if (!v.cached) {
		view_queued(q, r, id, (int)seq, width, v.key);
		return;
	}
	/* Suspended before the entry is posted, so that the writer's
	 * resume finds it suspended (as h_search). */
	atomic_fetch_add(&nsuspended, 1);
	hold = auditq != NULL && !atomic_load(&draining);
	if (hold) {
		MHD_suspend_connection(q->conn);
		q->cc->conn = q->conn;
		q->cc->audit_err = DOS_OK;
		q->cc->held_view = 1;
		q->cc->counted = 1;
	} else
		atomic_fetch_sub(&nsuspended, 1);
	err = arc_page_view(q->arc, &q->user, id, (int)seq, width,
			    hold ? auditq : NULL, on_audited, q->cc, &v, msg,
			    sizeof(msg));
	if (hold && !v.posted)
		/* Nothing was posted: no writer will resume it. */
		MHD_resume_connection(q->conn);
	else if (hold)
		q->held = 1;
	if (err != DOS_OK) {
		resp_err(r, err, msg[0] ? msg : NULL);
		return;
	}
	if (!v.cached) {
		/* Swept between the two looks: not rendered here. */
		close(v.fd);
		resp_error(r, 503, "the page image is being made again; "
				   "ask again");
		r->retry_after = 1;
		return;
	}
	resp_fd(r, v.fd, v.size, "image/png");
	r->cache = "private, max-age=3600";
}

static void
h_page_thumb(struct web_req *q, struct web_resp *r)
{
	page_thumb(q, r);
}

/* GET /api/documents/ID/original: the untouched scan file. */
static void
h_document_original(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "", name[256] = "", safe[256];
	int64_t id;
	int fd;
	uint64_t size;
	enum dos_err err;

	if (!parse_id(q->param, &id)) {
		resp_error(r, 404, "no such document");
		return;
	}
	err = arc_doc_original(q->arc, &q->user, id, &fd, &size, name,
			       sizeof(name), msg, sizeof(msg));
	if (err != DOS_OK) {
		resp_err(r, err, msg[0] ? msg : NULL);
		return;
	}
	/* The stored name goes into a header: keep only plain characters. */
	upload_plain_name(name, safe, sizeof(safe));
	snprintf(r->disposition, sizeof(r->disposition),
		 "attachment; filename=\"%s\"", safe[0] ? safe : "original");
	resp_fd(r, fd, size, "application/octet-stream");
}

/*
 * POST /api/exports {"kind": "bundle"|"csv", "query", "customers",
 * "documents", "reason", "originals"} and POST /api/audit/export
 * {"from", "to"}: queued for a worker; 202 {"id", "state", "name"}.  One
 * user has at most EXPORT_USER_ACTIVE waiting or running, and keeps at
 * most EXPORT_USER_KEEP finished ones (each a day): caps checked and
 * raised in one transaction, so nobody's export makes room for another's.
 */
static void
start_export(struct web_req *q, struct web_resp *r, const char *kind)
{
	static const char *const ext[] = {"zip", "csv", "csv"};
	const json_t *c, *d, *v;
	char msg[512] = "", *text = NULL, name[96];
	json_t *j, *spec = NULL, *res;
	const char *k, *reason;
	int64_t id = 0;
	size_t i;
	int kx;
	enum dos_err err;

	if ((j = body_json(q, r)) == NULL)
		return;
	if (kind == NULL && json_is_string(json_object_get(j, "kind")) &&
	    strcmp(jstr(j, "kind"), "audit") == 0) {
		resp_error(r, 400, "kind is bundle or csv");
		goto out;
	}
	k = kind != NULL ? kind : json_string_value(json_object_get(j, "kind"));
	kx = k == NULL || strcmp(k, "bundle") == 0 ? 0
	     : strcmp(k, "csv") == 0		  ? 1
	     : strcmp(k, "audit") == 0		  ? 2
						  : -1;
	if (kx < 0) {
		resp_error(r, 400, "kind is bundle, csv or audit");
		goto out;
	}
	c = json_object_get(j, "customers");
	d = json_object_get(j, "documents");
	if ((c != NULL && !json_is_array(c)) ||
	    (d != NULL && !json_is_array(d)) ||
	    json_array_size(c) > EXPORT_MAX_LIST ||
	    json_array_size(d) > EXPORT_MAX_LIST) {
		snprintf(msg, sizeof(msg), "customers and documents are lists "
			 "of at most %d each", EXPORT_MAX_LIST);
		resp_error(r, 400, msg);
		goto out;
	}
	json_array_foreach(c, i, v)
		if (!json_is_string(v)) {
			resp_error(r, 400, "customers are numbers or accounts, "
					   "as text");
			goto out;
		}
	json_array_foreach(d, i, v)
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			resp_error(r, 400, "documents are document numbers");
			goto out;
		}
	reason = json_string_value(json_object_get(j, "reason"));
	if (kx != 2 && (reason == NULL || strlen(reason) < 3)) {
		resp_error(r, 400, "say why you export (the reason is kept in "
				   "the audit log with the query)");
		goto out;
	}
	spec = json_pack("{s:s,s:O?,s:O?,s:O?,s:O?,s:b,s:O?,s:O?}", "kind",
			 kx == 0 ? "bundle" : kx == 1 ? "csv" : "audit",
			 "query", json_object_get(j, "query"), "customers", c,
			 "documents", d, "reason", json_object_get(j, "reason"),
			 "originals",
			 json_is_true(json_object_get(j, "originals")), "from",
			 json_object_get(j, "from"), "to",
			 json_object_get(j, "to"));
	if (spec == NULL || (text = json_dumps(spec, JSON_COMPACT)) == NULL) {
		resp_error(r, 400, "the export's fields are not text");
		goto out;
	}
	err = arc_job_add(q->arc, ARC_JOB_EXPORT, q->user.name, 0, 0, text,
			  EXPORT_USER_ACTIVE, EXPORT_USER_KEEP, &id, msg,
			  sizeof(msg));
	if (err == DOS_LIMIT) {
		r->retry_after = 5;
		resp_error(r, 429, msg);
		goto out;
	}
	if (err != DOS_OK) {
		resp_err(r, err, "the export cannot be started; see the server "
				 "log");
		goto out;
	}
	snprintf(name, sizeof(name), "dossier-%s-%lld.%s",
		 kx == 2 ? "audit-log" : "export", (long long)id, ext[kx]);
	res = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "state",
			"running", "name", name);
	resp_json(r, 202, res);
	json_decref(res);
out:
	free(text);
	json_decref(spec);
	json_decref(j);
}

static void
h_export_start(struct web_req *q, struct web_resp *r)
{
	start_export(q, r, NULL);
}

static void
h_audit_export(struct web_req *q, struct web_resp *r)
{
	start_export(q, r, "audit");
}

/* An export's row as the browser knows it. */
static json_t *
export_json(const json_t *row)
{
	const json_t *spec = json_object_get(row, "spec"),
		     *res = json_object_get(row, "result"),
		     *prog = json_object_get(row, "progress");
	const char *state = json_string_value(json_object_get(row, "state"));
	const char *kind = "bundle";
	json_t *o;
	char ts[32], name[96];
	time_t t = (time_t)json_number_value(json_object_get(row, "created"));
	int64_t id = json_integer_value(json_object_get(row, "id"));

	if (json_is_string(json_object_get(res, "name")))
		snprintf(name, sizeof(name), "%s",
			 json_string_value(json_object_get(res, "name")));
	else
		snprintf(name, sizeof(name), "dossier-export-%lld",
			 (long long)id);
	if (strstr(name, "audit-log") != NULL)
		kind = "audit";
	else if (strstr(name, ".csv") != NULL)
		kind = "csv";
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:s}", "id",
		      (json_int_t)id, "kind", kind, "state",
		      strcmp(state, "done") == 0     ? "done"
		      : strcmp(state, "queued") == 0 ||
				strcmp(state, "claimed") == 0
			      ? "running"
			      : "failed",
		      "name", name, "done",
		      json_integer_value(json_object_get(prog, "done")),
		      "total",
		      json_integer_value(json_object_get(prog, "total")),
		      "bytes",
		      json_integer_value(json_object_get(res, "bytes"))
			      ?: json_integer_value(
				      json_object_get(prog, "bytes")),
		      "message",
		      json_string_value(json_object_get(row, "error"))
			      ?: json_string_value(
				      json_object_get(res, "message"))
			      ?: "",
		      "created", ts);
	if (o != NULL) {
		json_object_set_new(
			o, "query",
			json_string(json_string_value(json_object_get(
					    spec, "query")) ?: ""));
		json_object_set_new(
			o, "reason",
			json_string(json_string_value(json_object_get(
					    spec, "reason")) ?: ""));
	}
	if (o != NULL && strcmp(state, "done") == 0) {
		json_object_set(o, "documents",
				json_object_get(res, "documents"));
		json_object_set(o, "pages", json_object_get(res, "pages"));
		json_object_set(o, "entries", json_object_get(res, "entries"));
		json_object_set(o, "manifest_sha256",
				json_object_get(res, "manifest_sha256"));
	}
	return o;
}

/*
 * Another user's export or upload asked for by number is answered as if
 * there were none (a number tells nothing about whose it is); the try
 * goes to the audit log.  Records (documents, customers) are different:
 * their numbers are no secret and a 403 says why and that a borrow
 * request may help.
 */
static void
audit_foreign(struct web_req *q, const char *what, int64_t id)
{
	char obj[48];

	snprintf(obj, sizeof(obj), "%s %lld", what, (long long)id);
	arc_audit(q->arc, q->user.name, "deny", obj,
		  "another user's (answered as not found)");
}

/* The row of one of q's user's exports, with its spec; NULL when there
 * is none (another user's is answered the same, and audited). */
static json_t *
own_export(struct web_req *q, int64_t id)
{
	json_t *row = NULL;

	if (arc_job_get(q->arc, id, &row) != DOS_OK)
		return NULL;
	if (strcmp(json_string_value(json_object_get(row, "kind")), "export") !=
		    0 ||
	    strcmp(json_string_value(json_object_get(row, "owner")),
		   q->user.name) != 0) {
		if (strcmp(json_string_value(json_object_get(row, "kind")),
			   "export") == 0)
			audit_foreign(q, "export", id);
		json_decref(row);
		return NULL;
	}
	return row;
}

/* GET /api/exports: the user's exports, newest first. */
static void
h_exports(struct web_req *q, struct web_resp *r)
{
	json_t *rows = NULL, *arr = json_array(), *row, *o;
	size_t k;
	enum dos_err err;

	if (arr == NULL ||
	    (err = arc_job_list(q->arc, q->user.name, ARC_JOB_EXPORT, 200,
				&rows)) != DOS_OK) {
		json_decref(arr);
		resp_err(r, arr == NULL ? DOS_NOMEM : err, NULL);
		return;
	}
	json_array_foreach(rows, k, row) {
		if ((o = export_json(row)) != NULL)
			json_array_append_new(arr, o);
	}
	json_decref(rows);
	resp_result(r, DOS_OK, arr, NULL);
}
/* GET /api/exports/ID: how far it is. */
static void
h_export(struct web_req *q, struct web_resp *r)
{
	int64_t id;
	json_t *row, *j;

	if (!parse_id(q->param, &id) || (row = own_export(q, id)) == NULL) {
		resp_error(r, 404, "you have no export with that number");
		return;
	}
	j = export_json(row);
	json_decref(row);
	resp_result(r, j != NULL ? DOS_OK : DOS_NOMEM, j, NULL);
}

/* GET /api/exports/ID/download: the finished file (audited). */
static void
h_export_download(struct web_req *q, struct web_resp *r)
{
	char name[96], obj[48];
	int64_t id;
	uint64_t size;
	int fd = -1;
	json_t *row;
	enum dos_err err;

	if (!parse_id(q->param, &id) || (row = own_export(q, id)) == NULL) {
		resp_error(r, 404, "you have no export with that number "
				   "(finished exports are kept a day)");
		return;
	}
	json_decref(row);
	err = arc_job_file_open(q->arc, id, q->user.name, &fd, &size, name,
				sizeof(name));
	if (err == DOS_NOTFOUND || err == DOS_CONFLICT) {
		resp_error(r, err == DOS_NOTFOUND ? 404 : 409,
			   err == DOS_NOTFOUND
				   ? "you have no export with that number "
				     "(finished exports are kept a day)"
				   : "the export is not finished");
		return;
	}
	snprintf(obj, sizeof(obj), "export %lld", (long long)id);
	if (err != DOS_OK ||
	    (err = arc_audit(q->arc, q->user.name, "export.download", obj,
			     name)) != DOS_OK) {
		if (fd >= 0)
			close(fd);
		resp_err(r, err, "the export cannot be downloaded; see the "
				 "server log");
		return;
	}
	snprintf(r->disposition, sizeof(r->disposition),
		 "attachment; filename=\"%s\"", name);
	resp_fd(r, fd, size,
		strstr(name, ".zip") != NULL ? "application/zip"
					     : "text/csv; charset=utf-8");
}

/* GET /api/customers/KEY/missing: what the dossier lacks. */
static void
h_customer_missing(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	enum dos_err err = arc_missing(q->arc, &q->user, q->param,
				       nonempty(arg(q, "as_of")), &j);

	resp_result(r, err, j,
		    err == DOS_INVAL	    ? "as_of is YYYY-MM-DD"
		    : err == DOS_NOTFOUND ? "no customer has that number or "
					    "account"
		    : err == DOS_PERM	    ? "this dossier is outside what you "
					      "may read"
					    : NULL);
}

/* GET /api/stats?from=&to= */
static void
h_stats(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	enum dos_err err = arc_stats(q->arc, &q->user, nonempty(arg(q, "from")),
				     nonempty(arg(q, "to")), &j);

	resp_result(r, err, j, err == DOS_INVAL ? "dates are YYYY-MM-DD" : NULL);
}

/* GET /api/missing: every incomplete dossier. */
static void
h_missing(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	enum dos_err err = arc_missing(q->arc, &q->user, NULL,
				       nonempty(arg(q, "as_of")), &j);

	resp_result(r, err, j, err == DOS_INVAL ? "as_of is YYYY-MM-DD" : NULL);
}

/* GET /api/review: the review queue. */
static void
h_review(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;

	enum dos_err err = arc_review_list(q->arc, &q->user, &j);

	resp_result(r, err, j, NULL);
}

/* POST /api/review/ID/accept {"changes": {...}, "note": "..."} and
 * /api/review/ID/return {"note": "why"} */
static void
review_decide(struct web_req *q, struct web_resp *r,
	      enum arc_review_action act)
{
	char msg[512] = "";
	int64_t id;
	json_t *j;

	if ((j = id_and_body(q, r, "document", &id)) == NULL)
		return;
	resp_outcome(r,
		     arc_review_decide(q->arc, &q->user, id, act,
				       json_object_get(j, "changes"),
				       jstr(j, "note"), msg, sizeof(msg)),
		     msg);
	json_decref(j);
}

/* The waiter: a held request's row got far enough (or its time ran
 * out); its answer is made when the connection is resumed. */
static void
on_job_waited(void *arg, int64_t id, const json_t *job, int timed_out)
{
	struct conn_ctx *cc = arg;

	(void)id;
	cc->wait_row = job != NULL ? json_deep_copy(job) : NULL;
	cc->wait_timed_out = timed_out;
	MHD_resume_connection(cc->conn);
}

/*
 * Holds q's answer until row id gets to until (or seconds pass), when
 * answer makes it; 0 when held, -1 when the server is stopping (answer
 * now).
 */
static int
hold_for_job(struct web_req *q, int64_t id, enum jobwait_until until,
	     double seconds,
	     void (*answer)(struct conn_ctx *cc, struct web_resp *r))
{
	atomic_fetch_add(&nsuspended, 1);
	if (atomic_load(&draining)) {
		atomic_fetch_sub(&nsuspended, 1);
		return -1;
	}
	/* Suspended first, so that the waiter's resume finds it so. */
	MHD_suspend_connection(q->conn);
	q->cc->conn = q->conn;
	q->cc->wait_job = id;
	q->cc->wait_answer = answer;
	q->cc->counted = 1;
	if (jobwait_add(id, until, seconds, on_job_waited, q->cc) != 0) {
		MHD_resume_connection(q->conn);
		q->cc->wait_job = 0;
		q->cc->wait_answer = NULL;
		return -1;
	}
	q->held = 1;
	return 0;
}

/* Whether a worker is alive to take what is queued now. */
static int
workers_there(struct web_req *q)
{
	int n = 0;

	/* The server's own, also when just started and not yet listed. */
	if (workers_running() > 0)
		return 1;
	return arc_workers_alive(q->arc, &n) == DOS_OK && n > 0;
}

/* A row's answer saved as the row's result {"ok", "err", "message"}. */
static void
row_outcome(struct web_resp *r, const json_t *row, const char *pending)
{
	const char *state = json_string_value(json_object_get(row, "state"));
	const json_t *res = json_object_get(row, "result");
	json_int_t e = json_integer_value(json_object_get(res, "err"));
	json_t *j;

	if (state != NULL && strcmp(state, "done") == 0 &&
	    json_is_true(json_object_get(res, "ok"))) {
		j = json_pack("{s:O?}", "message",
			      json_object_get(res, "message"));
		resp_json(r, 200, j);
		json_decref(j);
	} else if (state != NULL && strcmp(state, "done") == 0)
		resp_error(r,
			   e > 0 && e < DOS_ERR__MAX && err_status[e] != 0
				   ? err_status[e]
				   : 500,
			   json_string_value(json_object_get(res, "message"))
				   ?: "it was not done");
	else if (state != NULL && strcmp(state, "failed") == 0)
		resp_error(r, 500, json_string_value(json_object_get(
					   row, "error"))
					   ?: "it failed; see the server log");
	else if (state != NULL && strcmp(state, "cancelled") == 0)
		resp_error(r, 409, "it was cancelled");
	else {
		j = json_pack("{s:O,s:s?,s:s}", "job",
			      json_object_get(row, "id"), "state", state,
			      "message", pending);
		resp_json(r, 202, j);
		json_decref(j);
	}
}

static void
turn_answer(struct conn_ctx *cc, struct web_resp *r)
{
	json_t *row = cc->wait_row;

	if (row == NULL)
		row = json_pack("{s:I,s:s}", "id", (json_int_t)cc->wait_job,
				"state", "queued");
	row_outcome(r, row,
		    "the page waits to be turned and read again; it is "
		    "replaced once a worker has read it");
	if (row != cc->wait_row)
		json_decref(row);
}

/*
 * POST /api/documents/ID/pages/SEQ/turn {"degrees": 90|180|270,
 * "reason": "..."}: the page turned clockwise and read again by a
 * worker (a row of the queue, ahead of pages); the request is answered
 * when it is done (no server thread waits), or with 202 and the row
 * after TURN_WAIT seconds.
 */
static void
h_page_turn(struct web_req *q, struct web_resp *r)
{
	const struct wset *set;
	char msg[512] = "", lang[64], *text = NULL;
	int64_t id, seq, job = 0;
	json_t *j, *deg, *spec = NULL, *row;
	const char *reason;
	int imgfd = -1, pdffd = -1, d;
	uint64_t isz, psz;
	enum dos_err err;

	if (!parse_id(q->param, &id) || !parse_id(q->param2, &seq) ||
	    seq > 100000) {
		resp_error(r, 404, "no such page");
		return;
	}
	if ((j = body_json(q, r)) == NULL)
		return;
	deg = json_object_get(j, "degrees");
	reason = jstr(j, "reason");
	if (!json_is_integer(deg)) {
		resp_error(r, 400, "say how far to turn the page: degrees "
				   "90, 180 or 270 (clockwise)");
		goto out;
	}
	d = jint(deg, 0);
	if (d != 90 && d != 180 && d != 270) {
		snprintf(msg, sizeof(msg), "a page turns by 90, 180 or 270 "
			 "degrees (clockwise), not %d", d);
		resp_error(r, 400, msg);
		goto out;
	}
	if (reason == NULL || strlen(reason) < 3) {
		resp_error(r, 400, "turning a page needs a reason");
		goto out;
	}
	/* Who may, and whether the page is there, before it is queued. */
	err = arc_page_redo_open(q->arc, &q->user, id, (int)seq, &imgfd, &isz,
				 &pdffd, &psz, lang, sizeof(lang), msg,
				 sizeof(msg));
	if (imgfd >= 0)
		close(imgfd);
	if (pdffd >= 0)
		close(pdffd);
	if (err != DOS_OK) {
		resp_err(r, err, msg[0] ? msg : NULL);
		goto out;
	}
	set = wset_get();
	spec = json_pack("{s:I,s:I,s:i,s:s,s:{s:s}}", "document",
			 (json_int_t)id, "seq", (json_int_t)seq, "degrees", d,
			 "reason", reason, "opt", "langs", set->ingest.langs);
	wset_put(set);
	if (spec == NULL || (text = json_dumps(spec, JSON_COMPACT)) == NULL) {
		resp_error(r, 400, "the reason is not text");
		goto out;
	}
	err = arc_job_add(q->arc, ARC_JOB_TURN, q->user.name, 0, 10, text,
			  TURN_USER_ACTIVE, 0, &job, msg, sizeof(msg));
	if (err != DOS_OK) {
		if (err == DOS_LIMIT)
			r->retry_after = 5;
		resp_error(r, err == DOS_LIMIT ? 429 : err_status[err],
			   msg[0] ? msg : "the turn cannot be queued");
		goto out;
	}
	/* Held for its answer while a worker is there to read it. */
	if (!workers_there(q) ||
	    hold_for_job(q, job, JOBWAIT_END, TURN_WAIT, turn_answer) != 0) {
		row = json_pack("{s:I,s:s}", "id", (json_int_t)job, "state",
				"queued");
		row_outcome(r, row, "the page waits to be turned and read "
				    "again");
		json_decref(row);
	}
out:
	free(text);
	json_decref(spec);
	json_decref(j);
}

static void
h_review_accept(struct web_req *q, struct web_resp *r)
{
	review_decide(q, r, ARC_REVIEW_ACCEPT);
}

static void
h_review_return(struct web_req *q, struct web_resp *r)
{
	review_decide(q, r, ARC_REVIEW_RETURN);
}

/* GET /api/batches, /api/batches/ID */
static void
h_batches(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;

	enum dos_err err = arc_batch_list(q->arc, &q->user, 50, &j);

	resp_result(r, err, j, NULL);
}

/* GET /api/coversheet?account=&category=: a cover sheet PDF to print. */
static void
h_coversheet(struct web_req *q, struct web_resp *r)
{
	const struct wset *set;
	char dir[4096], path[4200], msg[256] = "";
	struct stat sb;
	int fd;
	enum dos_err err;

	if (arc_spool_dir(q->arc, dir, sizeof(dir)) != DOS_OK) {
		resp_error(r, 500, "the cover sheet cannot be made; see the "
				   "server log");
		return;
	}
	snprintf(path, sizeof(path), "%s/cover.pdf", dir);
	set = wset_get();
	/* A sheet that would file nothing it says is not printed. */
	err = ing_coversheet_check(q->arc, set->ingest.account_regex,
				   nonempty(arg(q, "account")),
				   nonempty(arg(q, "category")), msg,
				   sizeof(msg));
	if (err == DOS_OK)
		err = ing_coversheet_pdf(set->ingest.cover_prefix,
					 nonempty(arg(q, "account")),
					 nonempty(arg(q, "category")), path,
					 msg, sizeof(msg));
	wset_put(set);
	fd = err == DOS_OK ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	/* The open file outlives its name. */
	unlink(path);
	rmdir(dir);
	if (err != DOS_OK || fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		resp_err(r, err != DOS_OK ? err : DOS_IO,
			 msg[0] ? msg : NULL);
		return;
	}
	resp_fd(r, fd, (uint64_t)sb.st_size, "application/pdf");
}

/* GET /api/batches/ID/progress: a batch's progress from the queue (an
 * upload, an ingest, a scan): pages done, queued and failed, pages per
 * minute, time left, each file's documents. */
static void
h_batch_progress(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	int64_t id;
	enum dos_err err = DOS_NOTFOUND;

	if (!parse_id(q->param, &id) ||
	    (err = arc_batch_progress(q->arc, &q->user, id, &j)) != DOS_OK) {
		if (err == DOS_NOTFOUND)
			resp_error(r, 404, "no batch of yours in the queue has "
					   "this number (the batch itself may "
					   "be listed under /api/batches)");
		else
			resp_err(r, err, NULL);
		return;
	}
	resp_json(r, 200, j);
	json_decref(j);
}

/* POST /api/batches/ID/cancel: its work not done is dropped; what was
 * filed stays. */
static void
h_batch_cancel(struct web_req *q, struct web_resp *r)
{
	char msg[300] = "";
	json_t *j;
	int64_t id;
	enum dos_err err;

	if (!parse_id(q->param, &id)) {
		resp_error(r, 404, "no such batch");
		return;
	}
	if ((err = arc_batch_cancel(q->arc, &q->user, id, msg, sizeof(msg))) !=
	    DOS_OK) {
		resp_err(r, err, msg[0] ? msg : NULL);
		return;
	}
	j = json_pack("{s:s}", "message", msg);
	resp_result(r, j != NULL ? DOS_OK : DOS_NOMEM, j, NULL);
}

/* GET /api/scanners: the scanners attached to the server. */
static void
h_scanners(struct web_req *q, struct web_resp *r)
{
	json_t *list = NULL, *j;
	char msg[256] = "";
	int busy = 0;
	enum dos_err err;

	if ((err = ing_scan_list(&list, &busy, msg, sizeof(msg))) != DOS_OK) {
		dos_errx("scanners: %s", msg);
		resp_error(r, 503, "the scanners cannot be listed; see the "
				   "server log");
		return;
	}
	/* A scan waiting for, or run by, a worker. */
	if (!busy) {
		int n = 0;

		busy = arc_queue_pending(q->arc, ARC_JOB_BIT(ARC_JOB_SCAN), 0,
					 &n) == DOS_OK &&
		       n > 0;
	}
	j = json_pack("{s:o,s:b}", "scanners", list, "busy", busy);
	resp_result(r, j != NULL ? DOS_OK : DOS_NOMEM, j, NULL);
}

static void
scan_answer(struct conn_ctx *cc, struct web_resp *r)
{
	const json_t *row = cc->wait_row,
		     *prog = json_object_get(row, "progress");
	json_t *j;

	if (row != NULL &&
	    json_integer_value(json_object_get(prog, "batch")) > 0) {
		j = json_pack("{s:O,s:O?,s:O?}", "batch",
			      json_object_get(prog, "batch"), "device",
			      json_object_get(prog, "device"), "message",
			      json_object_get(prog, "message"));
		resp_json(r, 202, j);
		json_decref(j);
		return;
	}
	if (row != NULL && !cc->wait_timed_out) {
		row_outcome(r, row, "");
		return;
	}
	/* No worker took it: it is not left to start by surprise later. */
	{
		struct arc *a = thread_arc();

		if (a != NULL)
			arc_job_cancel(a, cc->wait_job);
	}
	resp_error(r, 503, "no worker took the scan within a minute (is the "
			   "server run with --workers 0, and no worker with "
			   "--scans on this machine?); nothing was scanned");
}

/*
 * POST /api/scans {"device", "source": "adf"|"flatbed", "duplex", "dpi",
 * "mode": "gray"|"lineart", "account", "category", "type"}, or
 * {"resume": BATCH}: a scan row for a worker on this machine, which
 * opens the scanner and runs it; answered once it began (202 {"batch",
 * "device", "message"}) or could not (in words).
 */
static void
h_scan_start(struct web_req *q, struct web_resp *r)
{
	static const char *const keys[] = {"device", "source", "mode",
					   "account", "category", "type"};
	const struct wset *set;
	char msg[512] = "", *text = NULL;
	json_t *j, *v, *spec = NULL, *row;
	int64_t job = 0;
	size_t i;
	enum dos_err err;

	if ((j = body_json(q, r)) == NULL)
		return;
	for (i = 0; i < 6; i++)
		if ((v = json_object_get(j, keys[i])) != NULL &&
		    !json_is_null(v) && !json_is_string(v)) {
			snprintf(msg, sizeof(msg), "%s is a string", keys[i]);
			resp_error(r, 400, msg);
			goto out;
		}
	if ((v = json_object_get(j, "duplex")) != NULL && !json_is_null(v) &&
	    !json_is_boolean(v)) {
		resp_error(r, 400, "duplex is true or false");
		goto out;
	}
	if ((v = json_object_get(j, "dpi")) != NULL && !json_is_null(v) &&
	    (!json_is_integer(v) || json_integer_value(v) < ING_SCAN_MIN_DPI ||
	     json_integer_value(v) > ING_SCAN_MAX_DPI)) {
		snprintf(msg, sizeof(msg), "dpi is a whole number from %d to "
			 "%d", ING_SCAN_MIN_DPI, ING_SCAN_MAX_DPI);
		resp_error(r, 400, msg);
		goto out;
	}
	if ((v = json_object_get(j, "resume")) != NULL && !json_is_null(v) &&
	    (!json_is_integer(v) || json_integer_value(v) <= 0)) {
		resp_error(r, 400, "resume is a batch number");
		goto out;
	}
	set = wset_get();
	spec = json_pack("{s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,"
			 "s:{s:s}}",
			 "device", json_object_get(j, "device"), "source",
			 json_object_get(j, "source"), "mode",
			 json_object_get(j, "mode"), "account",
			 json_object_get(j, "account"), "category",
			 json_object_get(j, "category"), "type",
			 json_object_get(j, "type"), "duplex",
			 json_object_get(j, "duplex"), "dpi",
			 json_object_get(j, "dpi"), "resume",
			 json_object_get(j, "resume"), "opt", "langs",
			 set->ingest.langs);
	wset_put(set);
	if (spec == NULL || (text = json_dumps(spec, JSON_COMPACT)) == NULL) {
		resp_error(r, 400, "the scan's settings are not text");
		goto out;
	}
	err = arc_job_add(q->arc, ARC_JOB_SCAN, q->user.name, 0, 5, text, 1,
			  0, &job, msg, sizeof(msg));
	if (err != DOS_OK) {
		resp_error(r, err == DOS_LIMIT ? 409 : err_status[err],
			   err == DOS_LIMIT ? "a scan of yours is waiting or "
					      "running; one at a time"
					    : "the scan cannot be started");
		goto out;
	}
	if (!workers_there(q)) {
		arc_job_cancel(q->arc, job);
		resp_error(r, 503, "no worker is running to scan (the server "
				   "runs with --workers 0, and no 'dossier "
				   "worker --scans' on this machine); nothing "
				   "was scanned");
	} else if (hold_for_job(q, job, JOBWAIT_BATCH, SCAN_WAIT,
				scan_answer) != 0) {
		arc_job_cancel(q->arc, job);
		resp_error(r, 503, "the server is stopping; nothing was "
				   "scanned");
	}
	(void)row;
out:
	free(text);
	json_decref(spec);
	json_decref(j);
}

/* GET /api/scans/ID: how far a scan is (as /api/batches/ID/progress). */
static void
h_scan(struct web_req *q, struct web_resp *r)
{
	h_batch_progress(q, r);
}

/* POST /api/batches/ID/close: ends a stopped scan without resuming it. */
static void
h_batch_close(struct web_req *q, struct web_resp *r)
{
	char msg[256] = "", done[64];
	json_t *j;
	int64_t id;
	enum dos_err err;

	if (!parse_id(q->param, &id)) {
		resp_error(r, 404, "no such batch");
		return;
	}
	if ((err = arc_batch_close(q->arc, &q->user, id, msg, sizeof(msg))) !=
	    DOS_OK) {
		resp_err(r, err, msg[0] ? msg : NULL);
		return;
	}
	snprintf(done, sizeof(done), "batch %lld closed", (long long)id);
	j = json_pack("{s:s}", "message", done);
	resp_result(r, j != NULL ? DOS_OK : DOS_NOMEM, j, NULL);
}

static void
h_batch(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	int64_t id;

	if (!parse_id(q->param, &id)) {
		resp_error(r, 404, "no such batch");
		return;
	}
	enum dos_err err = arc_batch_get(q->arc, &q->user, id, &j);

	resp_result(r, err, j, err == DOS_NOTFOUND ? "no such batch" : NULL);
}

/* GET /api/users, /api/roles, /api/checklist */
static void
h_users(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	char msg[512] = "";

	enum dos_err err = arc_user_list(q->arc, &q->user, &j, msg, sizeof(msg));

	resp_result(r, err, j, msg);
}

/* POST /api/users {"name","role","unit","clearance","categories",
 * "password"} */
static void
h_user_add(struct web_req *q, struct web_resp *r)
{
	struct arc_user_in in;
	char msg[512] = "";
	json_t *j;

	if ((j = body_json(q, r)) == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.name = jstr(j, "name");
	in.role = jstr(j, "role");
	in.unit = nonempty(jstr(j, "unit"));
	in.clearance = nonempty(jstr(j, "clearance"));
	in.categories = nonempty(jstr(j, "categories"));
	in.password = jstr(j, "password");
	resp_outcome(r, arc_user_add(q->arc, &q->user, &in, msg, sizeof(msg)),
		     msg);
	json_decref(j);
}

static void
h_roles(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;

	enum dos_err err = arc_role_list(q->arc, &j);

	resp_result(r, err, j, NULL);
}

static void
h_checklist(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;

	enum dos_err err = arc_checklist_list(q->arc, &j);

	resp_result(r, err, j, NULL);
}

/* POST /api/checklist {"customer_type","label","category","doc_type",
 * "min_count","months","applies_if"}: 201 {"id","message"}. */
static void
h_checklist_add(struct web_req *q, struct web_resp *r)
{
	struct arc_checklist_in in;
	char msg[512] = "";
	json_t *j, *res, *n;
	int64_t id = 0;
	enum dos_err err;

	if ((j = body_json(q, r)) == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.customer_type = nonempty(jstr(j, "customer_type"));
	in.label = jstr(j, "label");
	in.category = nonempty(jstr(j, "category"));
	in.doc_type = nonempty(jstr(j, "doc_type"));
	in.applies_if = nonempty(jstr(j, "applies_if"));
	n = json_object_get(j, "min_count");
	in.min_count = n == NULL ? 1 : json_is_integer(n)
					       ? jint(n, 0)
					       : 0;
	n = json_object_get(j, "months");
	in.months = n == NULL || json_is_null(n) ? 0
		    : json_is_integer(n)	       ? jint(n, -1)
						       : -1;
	err = arc_checklist_add(q->arc, &q->user, &in, &id, msg, sizeof(msg));
	if (err == DOS_OK) {
		res = json_pack("{s:I,s:s}", "id", (json_int_t)id, "message",
				"checklist item added");
		resp_json(r, 201, res);
		json_decref(res);
	} else
		resp_err(r, err, msg[0] ? msg : NULL);
	json_decref(j);
}

/* POST /api/checklist/ID/remove */
static void
h_checklist_remove(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	int64_t id;
	enum dos_err err;

	if (!parse_id(q->param, &id)) {
		resp_error(r, 404, "no such checklist item");
		return;
	}
	err = arc_checklist_remove(q->arc, &q->user, id, msg, sizeof(msg));
	resp_outcome(r, err, err == DOS_OK ? "checklist item removed" : msg);
}

/* GET /api/categories */
static void
h_categories(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	enum dos_err err = arc_category_list(q->arc, &q->user, &j);

	resp_result(r, err, j, NULL);
}

/* POST /api/categories {"code","name"}: 201 {"code","catalogue",
 * "message"}. */
static void
h_category_add(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	json_t *j, *res;
	int cat = 0;
	enum dos_err err;

	if ((j = body_json(q, r)) == NULL)
		return;
	err = arc_category_add(q->arc, &q->user, jstr(j, "code"),
			       jstr(j, "name"), &cat, msg, sizeof(msg));
	if (err == DOS_OK) {
		res = json_pack("{s:s,s:i,s:s}", "code", jstr(j, "code"),
				"catalogue", cat, "message", msg);
		resp_json(r, 201, res);
		json_decref(res);
	} else
		resp_err(r, err, msg[0] ? msg : NULL);
	json_decref(j);
}

/* POST /api/categories/CODE/rename {"name"} */
static void
h_category_rename(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	json_t *j;

	if ((j = body_json(q, r)) == NULL)
		return;
	resp_outcome(r,
		     arc_category_rename(q->arc, &q->user, q->param,
					 jstr(j, "name"), msg, sizeof(msg)),
		     msg);
	json_decref(j);
}

/* POST /api/categories/CODE/aliases {"alias"} */
static void
h_category_alias_add(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	json_t *j;

	if ((j = body_json(q, r)) == NULL)
		return;
	resp_outcome(r,
		     arc_category_alias_add(q->arc, &q->user, q->param,
					    jstr(j, "alias"), msg, sizeof(msg)),
		     msg);
	json_decref(j);
}

/* POST /api/categories/CODE/aliases/ALIAS/remove */
static void
h_category_alias_remove(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";

	resp_outcome(r,
		     arc_category_alias_remove(q->arc, &q->user, q->param,
					       q->param2, msg, sizeof(msg)),
		     msg);
}

/*
 * Adds the units the configuration declares that no customer or user
 * names yet (with zero counts) to list, which is sorted by unit.
 */
static void
add_declared_units(json_t *list)
{
	const struct wset *set = wset_get();
	size_t i, k;
	int c;

	for (i = 0; i < set->nunits; i++) {
		for (k = 0; k < json_array_size(list); k++) {
			c = strcmp(json_string_value(json_object_get(
					   json_array_get(list, k), "unit")),
				   set->units[i]);
			if (c >= 0)
				break;
		}
		if (k < json_array_size(list) &&
		    strcmp(json_string_value(json_object_get(
				   json_array_get(list, k), "unit")),
			   set->units[i]) == 0)
			continue;
		json_array_insert_new(
			list, k,
			json_pack("{s:s,s:i,s:i,s:i}", "unit", set->units[i],
				  "customers", 0, "users", 0, "documents", 0));
	}
	wset_put(set);
}

/* GET /api/units: the units named on customers and users, and those the
 * configuration declares. */
static void
h_units(struct web_req *q, struct web_resp *r)
{
	json_t *j = NULL;
	enum dos_err err = arc_unit_list(q->arc, &q->user, &j);

	if (err == DOS_OK)
		add_declared_units(j);
	resp_result(r, err, j,
		    err == DOS_PERM ? "your role may not see the units" : NULL);
}

/* POST /api/users/NAME/update {"role","unit","clearance","categories"}:
 * a field left out stays; an empty unit means none, empty categories
 * all. */
static void
h_user_update(struct web_req *q, struct web_resp *r)
{
	struct arc_user_change c;
	char msg[512] = "";
	json_t *j;

	if ((j = body_json(q, r)) == NULL)
		return;
	memset(&c, 0, sizeof(c));
	c.role = nonempty(jstr(j, "role"));
	c.unit = jstr(j, "unit");
	c.clearance = nonempty(jstr(j, "clearance"));
	c.categories = jstr(j, "categories");
	resp_outcome(r,
		     arc_user_update(q->arc, &q->user, q->param, &c, msg,
				     sizeof(msg)),
		     msg);
	json_decref(j);
}

/* POST /api/users/NAME/disable and /enable */
static void
user_disable(struct web_req *q, struct web_resp *r, int disabled)
{
	char msg[512] = "";

	resp_outcome(r,
		     arc_user_disable(q->arc, &q->user, q->param, disabled,
				      msg, sizeof(msg)),
		     msg);
}

static void
h_user_disable(struct web_req *q, struct web_resp *r)
{
	user_disable(q, r, 1);
}

static void
h_user_enable(struct web_req *q, struct web_resp *r)
{
	user_disable(q, r, 0);
}

/* GET /api/grants: my requests, and those waiting for my decision. */
static void
h_grants(struct web_req *q, struct web_resp *r)
{
	json_t *list = NULL;
	enum dos_err err = arc_grant_list(q->arc, &q->user, &list);

	if (err == DOS_OK)
		resp_json(r, 200, list);
	else
		resp_err(r, err, NULL);
	json_decref(list);
}

/* POST /api/grants {"customer": "NUMBER"} or {"document": ID}, with
 * "reason" and "days". */
static void
h_grant_request(struct web_req *q, struct web_resp *r)
{
	char msg[512] = "";
	json_t *j, *res;
	int64_t gid = 0, id = 0;
	enum arc_object kind = ARC_OBJ_DOC;
	enum dos_err err;

	if ((j = body_json(q, r)) == NULL)
		return;
	if (jstr(j, "customer") != NULL) {
		/* Found by number, without reading the dossier itself. */
		kind = ARC_OBJ_CUSTOMER;
		err = arc_customer_id(q->arc, jstr(j, "customer"), &id);
	} else {
		id = json_integer_value(json_object_get(j, "document"));
		err = id > 0 ? DOS_OK : DOS_INVAL;
		if (err != DOS_OK)
			snprintf(msg, sizeof(msg), "name a \"customer\" or a "
						   "\"document\"");
	}
	if (err == DOS_NOTFOUND)
		snprintf(msg, sizeof(msg), "no such customer");
	if (err == DOS_OK)
		err = arc_grant_request(
			q->arc, &q->user, kind, id, jstr(j, "reason"),
			jint(json_object_get(j, "days"), -1),
			&gid, msg, sizeof(msg));
	if (err == DOS_OK) {
		res = json_pack("{s:I,s:s}", "id", (json_int_t)gid, "message",
				msg);
		resp_json(r, 201, res);
		json_decref(res);
	} else
		resp_err(r, err, msg[0] ? msg : NULL);
	json_decref(j);
}

static void
grant_decide(struct web_req *q, struct web_resp *r, int approve)
{
	char msg[512] = "";
	int64_t id;
	json_t *j;

	if ((j = id_and_body(q, r, "request", &id)) == NULL)
		return;
	resp_outcome(r,
		     arc_grant_decide(q->arc, &q->user, id, approve,
				      jstr(j, "note"), msg, sizeof(msg)),
		     msg);
	json_decref(j);
}

/* POST /api/grants/ID/approve and /refuse {"note": "..."} */
static void
h_grant_approve(struct web_req *q, struct web_resp *r)
{
	grant_decide(q, r, 1);
}

static void
h_grant_refuse(struct web_req *q, struct web_resp *r)
{
	grant_decide(q, r, 0);
}

/* Who a user is, for the page: name, role, unit, clearance and the
 * actions the role allows (the page shows only what may be used). */
static json_t *
user_json(const struct arc_user *u)
{
	json_t *acts = json_array();
	int i;

	for (i = 0; acts != NULL && i < ARC_NACTIONS; i++)
		if (u->local || (u->actions & (1u << i)))
			json_array_append_new(
				acts, json_string(arc_action_name(
					      (enum arc_action)i)));
	return json_pack("{s:s,s:s,s:s,s:s,s:o}", "user", u->name, "role",
			 u->role, "unit", u->unit, "clearance",
			 arc_clearance_level_name(u->clearance), "actions",
			 acts != NULL ? acts : json_array());
}

/* The client's address as text ("?" if unknown). */
static void
client_addr(struct MHD_Connection *conn, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
	const void *raw = NULL;

	if (sa != NULL && sa->sa_family == AF_INET)
		raw = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa != NULL && sa->sa_family == AF_INET6)
		raw = &((const struct sockaddr_in6 *)(const void *)sa)
			       ->sin6_addr;
	if (raw == NULL ||
	    inet_ntop(sa->sa_family, raw, out, (socklen_t)n) == NULL)
		snprintf(out, n, "?");
}

/* A name as the audit log keeps it: "-" when missing, else at most
 * THR_KEY_MAX bytes, cut between UTF-8 characters. */
static void
audit_name(const char *name, char *out)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n == 0) {
		snprintf(out, THR_KEY_MAX + 1, "-");
		return;
	}
	if (n > THR_KEY_MAX) {
		n = THR_KEY_MAX;
		while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, name, n);
	out[n] = '\0';
}

/*
 * POST /api/login {"name", "password"}: a session cookie and the CSRF
 * token the page sends back in X-CSRF-Token.  Only as JSON (a form on
 * another site cannot send that without the browser asking first).  A
 * name or address in its back-off (throttle.h) is answered 429 with
 * Retry-After and its password is not checked; failures and refusals go
 * to the audit log with the address.  A session the browser brought
 * along ends: the new one never takes a token it was handed.
 */
static void
h_login(struct web_req *q, struct web_resp *r)
{
	char token[SESS_TOKEN_LEN + 1], csrf[SESS_TOKEN_LEN + 1];
	char addr[INET6_ADDRSTRLEN], who[THR_KEY_MAX + 1], detail[200];
	char msg[160];
	struct arc_user u;
	const char *name, *pw, *ct, *old;
	json_t *j, *res;
	enum thr_who which;
	unsigned wait;
	int64_t now = thr_now();

	ct = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND,
					 "Content-Type");
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0) {
		resp_error(r, 415, "send the sign-in as JSON (Content-Type: "
				   "application/json)");
		return;
	}
	if ((j = body_json(q, r)) == NULL)
		return;
	name = jstr(j, "name");
	pw = jstr(j, "password");
	client_addr(q->conn, addr, sizeof(addr));
	audit_name(name, who);
	if ((wait = thr_wait(name, addr, now, &which)) > 0) {
		/* Counted; the audit log gets one summary a minute. */
		thr_refused(who, addr, which, wait, (int64_t)time(NULL));
		snprintf(msg, sizeof(msg), "too many failed sign-ins %s; try "
			 "again in %u second%s", which == THR_ADDR
			 ? "from your address" : "for this user name", wait,
			 wait == 1 ? "" : "s");
		r->retry_after = wait;
		resp_error(r, 429, msg);
		json_decref(j);
		return;
	}
	if (name == NULL || pw == NULL ||
	    arc_user_check(q->arc, name, pw) != DOS_OK ||
	    arc_user_load(q->arc, name, &u) != DOS_OK) {
		wait = thr_fail(name, addr, now);
		snprintf(detail, sizeof(detail), "wrong name or password, from "
			 "%s", addr);
		if (wait > 0)
			snprintf(detail + strlen(detail),
				 sizeof(detail) - strlen(detail),
				 "; next try in %u s", wait);
		arc_audit(q->arc, who, "login.fail", "-", detail);
		resp_error(r, 401, "wrong name or password");
		json_decref(j);
		return;
	}
	json_decref(j);
	thr_success(u.name);
	old = MHD_lookup_connection_value(q->conn, MHD_COOKIE_KIND,
					  "dossier_session");
	if (old != NULL)
		sess_end(old);
	if (sess_create(u.name, token, csrf) != 0) {
		resp_error(r, 503, "too many people are signed in; try again "
				   "later");
		return;
	}
	snprintf(detail, sizeof(detail), "from %s", addr);
	arc_audit(q->arc, u.name, "login", "-", detail);
	snprintf(r->cookie, sizeof(r->cookie),
		 "dossier_session=%s; Path=/; HttpOnly; SameSite=Strict%s",
		 token, tls_on ? "; Secure" : "");
	res = user_json(&u);
	json_object_set_new(res, "csrf", json_string(csrf));
	resp_json(r, 200, res);
	json_decref(res);
}

/* POST /api/logout */
static void
h_logout(struct web_req *q, struct web_resp *r)
{
	sess_end(MHD_lookup_connection_value(q->conn, MHD_COOKIE_KIND,
					     "dossier_session"));
	arc_audit(q->arc, q->user.name, "logout", "-", "");
	snprintf(r->cookie, sizeof(r->cookie),
		 "dossier_session=; Path=/; HttpOnly; SameSite=Strict; "
		 "Max-Age=0%s", tls_on ? "; Secure" : "");
	resp_outcome(r, DOS_OK, "signed out");
}

/* GET /api/me */
static void
h_me(struct web_req *q, struct web_resp *r)
{
	json_t *j = user_json(&q->user);

	resp_json(r, 200, j);
	json_decref(j);
}

/* GET /api/health */
static void
h_health(struct web_req *q, struct web_resp *r)
{
	json_t *j = json_pack("{s:s}", "status", "ok");

	(void)q;
	resp_json(r, 200, j);
	json_decref(j);
}

static const struct route routes[] = {
	{"POST", "/api/login", h_login, OPEN},
	{"GET", "/api/health", h_health, OPEN},
	{"POST", "/api/logout", h_logout, ARC_NACTIONS},
	{"GET", "/api/me", h_me, ARC_NACTIONS},
	{"GET", "/api/search", h_search, ARC_SEARCH},
	{"GET", "/api/documents/*", h_document, ARC_VIEW},
	{"GET", "/api/documents/*/pdf", web_h_document_pdf, ARC_DOWNLOAD},
	{"POST", "/api/documents/*/copy", web_h_document_copy, ARC_VIEW},
	{"POST", "/api/documents/*/edit", h_document_edit, ARC_EDIT},
	{"POST", "/api/documents/*/delete", h_document_delete,
	 ARC_DELETE_REQUEST},
	{"POST", "/api/documents/*/approve-delete", h_document_approve,
	 ARC_APPROVE},
	{"GET", "/api/documents/*/history", h_document_history, ARC_VIEW},
	{"GET", "/api/documents/*/hits", h_document_hits, ARC_VIEW},
	{"GET", "/api/documents/*/original", h_document_original,
	 ARC_DOWNLOAD},
	{"GET", "/api/documents/*/pages/*/image", h_page_image, ARC_VIEW},
	{"GET", "/api/documents/*/pages/*/thumb", h_page_thumb, ARC_VIEW},
	{"POST", "/api/documents/*/pages/*/turn", h_page_turn, ARC_EDIT},
	{"GET", "/api/customers/*", h_customer, ARC_VIEW},
	{"GET", "/api/customers/*/missing", h_customer_missing, ARC_VIEW},
	{"GET", "/api/missing", h_missing, ARC_REPORT},
	{"GET", "/api/stats", h_stats, ARC_REPORT},
	{"GET", "/api/review", h_review, ARC_REVIEW},
	{"POST", "/api/review/*/accept", h_review_accept, ARC_REVIEW},
	{"POST", "/api/review/*/return", h_review_return, ARC_REVIEW},
	{"GET", "/api/batches", h_batches, ARC_INGEST},
	{"GET", "/api/batches/*", h_batch, ARC_INGEST},
	{"GET", "/api/batches/*/progress", h_batch_progress, ARC_INGEST},
	{"POST", "/api/batches/*/close", h_batch_close, ARC_INGEST},
	{"POST", "/api/batches/*/cancel", h_batch_cancel, ARC_INGEST},
	{"GET", "/api/scanners", h_scanners, ARC_INGEST},
	{"POST", "/api/scans", h_scan_start, ARC_INGEST},
	{"GET", "/api/scans/*", h_scan, ARC_INGEST},
	{"GET", "/api/coversheet", h_coversheet, ARC_INGEST},
	/* POST /api/batches (upload) is received by upload_start/_end. */
	{"GET", "/api/users", h_users, ARC_ADMIN},
	{"POST", "/api/users", h_user_add, ARC_ADMIN},
	{"POST", "/api/users/*/update", h_user_update, ARC_ADMIN},
	{"POST", "/api/users/*/disable", h_user_disable, ARC_ADMIN},
	{"POST", "/api/users/*/enable", h_user_enable, ARC_ADMIN},
	{"GET", "/api/roles", h_roles, ARC_NACTIONS},
	{"GET", "/api/checklist", h_checklist, ARC_NACTIONS},
	{"POST", "/api/checklist", h_checklist_add, ARC_ADMIN},
	{"POST", "/api/checklist/*/remove", h_checklist_remove, ARC_ADMIN},
	{"GET", "/api/categories", h_categories, ARC_NACTIONS},
	{"POST", "/api/categories", h_category_add, ARC_ADMIN},
	{"POST", "/api/categories/*/rename", h_category_rename, ARC_ADMIN},
	{"POST", "/api/categories/*/aliases", h_category_alias_add, ARC_ADMIN},
	{"POST", "/api/categories/*/aliases/*/remove",
	 h_category_alias_remove, ARC_ADMIN},
	/* admins and reporters: the archive checks */
	{"GET", "/api/units", h_units, ARC_NACTIONS},
	{"POST", "/api/purge", h_purge, ARC_PURGE},
	{"GET", "/api/audit", h_audit, ARC_AUDIT_READ},
	{"POST", "/api/audit/export", h_audit_export, ARC_AUDIT_READ},
	{"POST", "/api/exports", h_export_start, ARC_EXPORT},
	{"GET", "/api/exports", h_exports, ARC_NACTIONS},
	{"GET", "/api/exports/*", h_export, ARC_NACTIONS},
	{"GET", "/api/exports/*/download", h_export_download, ARC_NACTIONS},
	{"GET", "/api/grants", h_grants, ARC_NACTIONS},
	{"POST", "/api/grants", h_grant_request, ARC_NACTIONS},
	{"POST", "/api/grants/*/approve", h_grant_approve, ARC_APPROVE},
	{"POST", "/api/grants/*/refuse", h_grant_refuse, ARC_APPROVE},
	/* web/home.c: what the landing screens list */
	{"GET", "/api/saved-searches", web_h_saved_list, ARC_SEARCH},
	{"POST", "/api/saved-searches", web_h_saved_add, ARC_SEARCH},
	{"POST", "/api/saved-searches/*/remove", web_h_saved_remove,
	 ARC_SEARCH},
	{"GET", "/api/deletions", web_h_deletions, ARC_NACTIONS},
	{"GET", "/api/holds", web_h_holds, ARC_ADMIN},
	{"GET", "/api/audit/summary", web_h_audit_summary, ARC_AUDIT_READ},
	/* web/customers.c */
	{"GET", "/api/customers", web_h_customers, ARC_VIEW},
	{"POST", "/api/customers", web_h_customer_add, ARC_EDIT},
	{"POST", "/api/customers/*/accounts", web_h_account_link, ARC_EDIT},
	/* web/records.c: retention, disposal, closings */
	{"GET", "/api/retention/rules", web_h_retention_rules, ARC_NACTIONS},
	{"GET", "/api/retention/due", web_h_retention_due, ARC_REPORT},
	{"GET", "/api/disposals", web_h_disposals, ARC_NACTIONS},
	{"POST", "/api/disposals", web_h_disposal_propose, ARC_DISPOSE},
	{"GET", "/api/disposals/*", web_h_disposal, ARC_NACTIONS},
	{"POST", "/api/disposals/*/approve", web_h_disposal_approve,
	 ARC_APPROVE},
	{"POST", "/api/disposals/*/refuse", web_h_disposal_refuse,
	 ARC_APPROVE},
	{"POST", "/api/disposals/*/withdraw", web_h_disposal_withdraw,
	 ARC_DISPOSE},
	{"GET", "/api/certificates/*", web_h_certificate, ARC_NACTIONS},
	{"POST", "/api/customers/*/close", web_h_customer_close, ARC_EDIT},
	{"POST", "/api/customers/*/reopen", web_h_customer_reopen, ARC_EDIT},
	{"POST", "/api/accounts/*/close", web_h_account_close, ARC_EDIT},
};

/* Matches url against pattern; each '*' matches one non-empty segment
 * (no '/'); the first two are captured into p1 and p2. */
static int
match(const char *pattern, const char *url, char *p1, char *p2, size_t plen)
{
	char *caps[2] = {p1, p2};
	int ncap = 0;

	p1[0] = p2[0] = '\0';
	while (*pattern != '\0') {
		if (*pattern == '*') {
			size_t seg = strcspn(url, "/");

			if (seg == 0 || seg >= plen || ncap == 2)
				return 0;
			snprintf(caps[ncap++], plen, "%.*s", (int)seg, url);
			url += seg;
			pattern++;
			continue;
		}
		if (*pattern++ != *url++)
			return 0;
	}
	return *url == '\0';
}

/* The assets' ETags: their SHA-256, computed once. */
static char (*etags)[DOS_SHA256_HEX];
static pthread_once_t etags_once = PTHREAD_ONCE_INIT;

static void
etags_init(void)
{
	unsigned i;

	if ((etags = calloc(web_nassets, sizeof(*etags))) == NULL)
		return;
	for (i = 0; i < web_nassets; i++)
		dos_sha256_hex(web_assets[i].data, web_assets[i].len, etags[i]);
}

static const char *
asset_etag(const struct web_asset *as)
{
	pthread_once(&etags_once, etags_init);
	return etags != NULL ? etags[as - web_assets] : "0";
}

static const struct web_asset *
find_asset(const char *url)
{
	unsigned i;

	if (strcmp(url, "/") == 0)
		url = "/index.html";
	for (i = 0; i < web_nassets; i++)
		if (strcmp(web_assets[i].path, url) == 0)
			return &web_assets[i];
	return NULL;
}

static struct arc *
thread_arc(void)
{
	struct arc *a = pthread_getspecific(arc_key);

	if (a == NULL && arc_open(archive_dir, 0, &a) == DOS_OK) {
		/* Views, thumbnails, hits... are audited in groups. */
		arc_auditq_use(a, auditq);
		pthread_setspecific(arc_key, a);
	}
	return a;
}

static void
arc_key_free(void *p)
{
	arc_close(p);
}

/*
 * Who is signed in (the session cookie), whether a state-changing request
 * carries the session's CSRF token, and whether the user's role has the
 * route's action.  Answers 401 or 403 itself; refusals are audited.
 */
static int
signed_in(struct web_req *q, struct web_resp *r, int need)
{
	const char *tok = MHD_lookup_connection_value(q->conn, MHD_COOKIE_KIND,
						      "dossier_session");
	const char *sent = MHD_lookup_connection_value(
		q->conn, MHD_HEADER_KIND, "X-CSRF-Token");
	char name[65], csrf[SESS_TOKEN_LEN + 1], why[512];
	enum dos_err err;

	if (tok == NULL || sess_lookup(tok, name, sizeof(name), csrf) != 0) {
		resp_error(r, 401, "please sign in");
		return 0;
	}
	if ((err = arc_user_load(q->arc, name, &q->user)) != DOS_OK) {
		sess_end(tok);
		resp_error(r, 401, err == DOS_PERM ? "this account is disabled"
						   : "please sign in");
		return 0;
	}
	if (strcmp(q->method, "GET") != 0 && strcmp(q->method, "HEAD") != 0 &&
	    (sent == NULL || strlen(sent) != SESS_TOKEN_LEN ||
	     sodium_memcmp(sent, csrf, SESS_TOKEN_LEN) != 0)) {
		arc_audit(q->arc, name, "deny", q->url,
			  "missing or wrong CSRF token");
		resp_error(r, 403, "the request lacks this session's CSRF "
				   "token; reload the page");
		return 0;
	}
	if (need != ARC_NACTIONS &&
	    arc_may(q->arc, &q->user, (enum arc_action)need, ARC_OBJ_NONE, 0,
		    why, sizeof(why)) != DOS_OK) {
		resp_error(r, 403, why);
		return 0;
	}
	return 1;
}

static void
dispatch(struct web_req *q, struct web_resp *r)
{
	char param[256], param2[256];
	const struct web_asset *as;
	size_t i;
	int path_known = 0;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!match(routes[i].pattern, q->url, param, param2,
			   sizeof(param)))
			continue;
		path_known = 1;
		if (strcmp(routes[i].method, q->method) != 0)
			continue;
		q->param = param;
		q->param2 = param2[0] != '\0' ? param2 : NULL;
		if ((q->arc = thread_arc()) == NULL) {
			resp_error(r, 503, "the archive cannot be opened; see "
					   "the server log");
			return;
		}
		if (routes[i].need != OPEN && !signed_in(q, r, routes[i].need))
			return;
		routes[i].handler(q, r);
		return;
	}
	if (!path_known && (as = find_asset(q->url)) != NULL) {
		if (strcmp(q->method, "GET") != 0 &&
		    strcmp(q->method, "HEAD") != 0) {
			resp_error(r, 405, "method not allowed");
			return;
		}
		/* Revalidated each time (no-cache), answered 304 when the
		 * browser holds this build's copy. */
		r->cache = "no-cache";
		snprintf(r->etag, sizeof(r->etag), "\"%s\"",
			 asset_etag(as));
		{
			const char *inm = MHD_lookup_connection_value(
				q->conn, MHD_HEADER_KIND, "If-None-Match");

			if (inm != NULL && strcmp(inm, r->etag) == 0) {
				r->status = 304;
				return;
			}
		}
		r->status = 200;
		r->type = as->type;
		r->static_data = as->data;
		r->static_len = as->len;
		return;
	}
	if (path_known)
		resp_error(r, 405, "method not allowed");
	else
		resp_error(r, 404, "not found");
}

/*
 * The first call of POST /api/batches: who uploads (session, CSRF, the
 * ingest action) and the announced size are checked before any byte of
 * the body is read; a refusal is answered once the body is drained.
 */
static void
upload_start(struct conn_ctx *cc, struct MHD_Connection *conn,
	     const char *method, const char *url)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     "Content-Length");
	struct web_req q;
	struct web_resp r;
	const struct wset *set;
	char msg[256] = "";

	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	q.conn = conn;
	q.method = method;
	q.url = url;
	dbuf_init(&r.body, 4096);
	if ((q.arc = thread_arc()) == NULL) {
		cc->early_status = 503;
		snprintf(cc->early_msg, sizeof(cc->early_msg),
			 "the archive cannot be opened; see the server log");
	} else if (!signed_in(&q, &r, ARC_INGEST)) {
		json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);

		cc->early_status = r.status;
		snprintf(cc->early_msg, sizeof(cc->early_msg), "%s",
			 json_string_value(json_object_get(j, "error")));
		json_decref(j);
	} else if (cl != NULL &&
		   strtoull(cl, NULL, 10) > UPLOAD_MAX_TOTAL + (1u << 20)) {
		cc->early_status = 413;
		snprintf(cc->early_msg, sizeof(cc->early_msg),
			 "the batch is larger than 1 GB; upload it in parts");
	} else {
		set = wset_get();
		cc->up = upload_begin(conn, q.arc, q.user.name, &set->limits,
				      &cc->early_status, msg, sizeof(msg));
		wset_put(set);
		if (cc->up == NULL)
			snprintf(cc->early_msg, sizeof(cc->early_msg), "%s",
				 msg);
		else
			snprintf(cc->user, sizeof(cc->user), "%s",
				 q.user.name);
	}
	dbuf_free(&r.body);
}

/* The last call of POST /api/batches: the batch starts, or the refusal. */
static void
upload_end(struct conn_ctx *cc, struct web_resp *r)
{
	const struct wset *set;
	char msg[512] = "";
	const char *why;
	unsigned status;
	int64_t batch;
	int files, pages;
	json_t *j;
	enum dos_err err;

	if (cc->early_status != 0) {
		resp_error(r, cc->early_status, cc->early_msg);
		return;
	}
	if ((why = upload_error(cc->up, &status)) != NULL) {
		resp_error(r, status, why);
		return;
	}
	set = wset_get();
	err = upload_finish(cc->up, thread_arc(), cc->user, &set->ingest,
			    &set->limits, &batch, &files, &pages, msg,
			    sizeof(msg));
	wset_put(set);
	if (err != DOS_OK) {
		/* Past a limit: 413 in words, nothing kept. */
		resp_err(r, err, msg);
		return;
	}
	j = json_pack("{s:I,s:i,s:i,s:s}", "batch", (json_int_t)batch,
		      "files", files, "pages", pages, "message", msg);
	resp_json(r, 202, j);
	json_decref(j);
}

static struct conn_ctx *
conn_ctx_new(void)
{
	struct conn_ctx *cc = calloc(1, sizeof(*cc));

	if (cc != NULL) {
		dbuf_init(&cc->body, MAX_BODY);
		cc->t0 = dos_mono();
	}
	return cc;
}

/*
 * libmicrohttpd's first look at a request: the address as sent, before
 * it is decoded.  A %00 would end the decoded address early and a %2F in
 * the path would become a '/' between segments, so the server and a
 * proxy in front of it would read different paths: both are refused.
 * What it returns becomes the request's context: NULL, or one of these
 * marks, never memory of its own, for a connection that closes before
 * on_request sees it is not handed to on_completed (slow clients timed
 * out in their headers leaked a context each).
 */
struct uri_mark {
	const char *why;
	unsigned status;
};
static const struct uri_mark mark_nul = {
	"the address holds a NUL byte (%00)", 400};
static const struct uri_mark mark_slash = {
	"not found (a path never holds an encoded '/')", 404};

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	size_t i, path = strcspn(uri, "?");

	(void)cls;
	(void)conn;
	if (strstr(uri, "%00") != NULL)
		return (void *)&mark_nul;
	for (i = 0; i + 2 < path; i++)
		if (uri[i] == '%' && uri[i + 1] == '2' &&
		    (uri[i + 2] == 'F' || uri[i + 2] == 'f'))
			return (void *)&mark_slash; /* as if no segments */
	return NULL;
}

static int
is_mark(const void *p)
{
	return p == &mark_nul || p == &mark_slash;
}

/* Refuses, before its body is read, a request whose raw address was
 * refused or whose announced body is over MAX_BODY (uploads have their
 * own limits). */
static void
early_checks(struct conn_ctx *cc, struct MHD_Connection *conn,
	     const char *method, const char *url)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     "Content-Length");

	if (atomic_load(&draining)) {
		/* Stopping: a request that came in on a connection kept
		 * open is not taken any more. */
		cc->early_status = 503;
		snprintf(cc->early_msg, sizeof(cc->early_msg),
			 "the server is stopping; try again in a minute");
	} else if (cc->bad_url != NULL) {
		cc->early_status = cc->bad_status;
		snprintf(cc->early_msg, sizeof(cc->early_msg), "%s",
			 cc->bad_url);
	} else if (strcmp(method, "POST") == 0 &&
		   strcmp(url, "/api/batches") == 0)
		upload_start(cc, conn, method, url);
	else if (cl != NULL && strtoull(cl, NULL, 10) > MAX_BODY) {
		cc->early_status = 413;
		snprintf(cc->early_msg, sizeof(cc->early_msg),
			 "the request body is too large (at most %u KB)",
			 MAX_BODY >> 10);
	}
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
	   const char *method, const char *version, const char *upload_data,
	   size_t *upload_size, void **ctx)
{
	struct conn_ctx *cc = is_mark(*ctx) ? NULL : *ctx;
	struct web_req q;
	struct web_resp r;

	(void)cls;
	(void)version;
	if (cc == NULL) {
		const struct uri_mark *m = *ctx;

		if ((cc = conn_ctx_new()) == NULL)
			return MHD_NO;
		if (m != NULL) {
			cc->bad_url = m->why;
			cc->bad_status = m->status;
		}
		*ctx = cc;
		cc->started = 1;
		early_checks(cc, conn, method, url);
		/* A request refused before its body is answered at once:
		 * its bytes are never read. */
		if (cc->early_status == 0)
			return MHD_YES;
	} else if (cc->holding) {
		/* Resumed: the held answer's audit entry is on disk, or its
		 * row of the queue got far enough. */
		r = cc->held;
		cc->holding = 0;
		if (cc->wait_answer != NULL) {
			dbuf_reset(&r.body);
			cc->wait_answer(cc, &r);
			cc->wait_answer = NULL;
			json_decref(cc->wait_row);
			cc->wait_row = NULL;
		} else if (cc->audit_err != DOS_OK) {
			/* Not the page image either: the view is not on
			 * record. */
			if (r.fd >= 0)
				close(r.fd);
			r.fd = -1;
			r.cache = NULL;
			dbuf_reset(&r.body);
			/* A busy or full archive is said as such (503, 507). */
			resp_error(&r, (unsigned)cc->audit_err < DOS_ERR__MAX &&
					       err_status[cc->audit_err] > 500
					       ? err_status[cc->audit_err]
					       : 500,
				   cc->held_view
					   ? "the page view could not be "
					     "recorded in the audit log, so "
					     "the page is not shown; see the "
					     "server log"
					   : "the search could not be recorded "
					     "in the audit log, so it is not "
					     "answered; see the server log");
		}
		return send_resp(conn, cc, &r, method, url);
	} else if (cc->answered) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size > 0 && (cc->up != NULL || cc->early_status != 0)) {
		/* Streamed to the spool folder, or dropped when refused
		 * (answered at its end, or once past UPLOAD_DRAIN_MAX). */
		int broke = cc->up != NULL &&
			    upload_feed(cc->up, upload_data, *upload_size) != 0;

		*upload_size = 0;
		if (!broke)
			return MHD_YES;
	} else if (*upload_size > 0) {
		/* Kept up to MAX_BODY.  A longer body came without its
		 * length (that is refused before its body is read): MHD
		 * cannot answer in the middle of a body, so the connection
		 * is closed at once and the rest never read. */
		if (dbuf_add(&cc->body, upload_data, *upload_size) != DOS_OK) {
			dos_infox("access %s %s 413 (a body past %u KB "
				  "without Content-Length: connection "
				  "closed)", method, url, MAX_BODY >> 10);
			return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&q, 0, sizeof(q));
	q.conn = conn;
	q.cc = cc;
	q.method = method;
	q.url = url;
	memset(&r, 0, sizeof(r));
	r.fd = -1;
	dbuf_init(&r.body, 64u << 20);
	if (cc->up != NULL || cc->early_status != 0)
		upload_end(cc, &r);
	else {
		q.body_len = cc->body.len;
		q.body = cc->body.len > 0 ? cc->body.data : "";
		dispatch(&q, &r);
	}
	snprintf(cc->who, sizeof(cc->who), "%s",
		 cc->up != NULL ? cc->user : q.user.name);
	if (q.held) {
		cc->held = r;
		cc->holding = 1;
		return MHD_YES;
	}
	return send_resp(conn, cc, &r, method, url);
}

/* Queues r, the connection's one answer, and logs it. */
static enum MHD_Result
send_resp(struct MHD_Connection *conn, struct conn_ctx *cc,
	  struct web_resp *rp, const char *method, const char *url)
{
	struct web_resp r = *rp;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r.static_data != NULL)
		resp = MHD_create_response_from_buffer(
			r.static_len, (void *)r.static_data,
			MHD_RESPMEM_PERSISTENT);
	else if (r.fd >= 0)
		resp = MHD_create_response_from_fd(r.fd_size, r.fd);
	else {
		size_t len;
		char *body = dbuf_take(&r.body, &len);

		resp = MHD_create_response_from_buffer(len, body,
						       MHD_RESPMEM_MUST_FREE);
		if (resp == NULL)
			free(body);
	}
	if (resp == NULL) {
		dbuf_free(&r.body);
		return MHD_NO;
	}
	if (r.type != NULL)
		MHD_add_response_header(resp, "Content-Type", r.type);
	MHD_add_response_header(resp, "Cache-Control",
				r.cache != NULL ? r.cache : "no-store");
	if (r.cookie[0] != '\0')
		MHD_add_response_header(resp, "Set-Cookie", r.cookie);
	if (r.etag[0] != '\0')
		MHD_add_response_header(resp, "ETag", r.etag);
	if (r.disposition[0] != '\0')
		MHD_add_response_header(resp, "Content-Disposition",
					r.disposition);
	if (r.retry_after > 0) {
		char ra[16];

		snprintf(ra, sizeof(ra), "%u", r.retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	if (tls_on)
		MHD_add_response_header(resp, "Strict-Transport-Security",
					"max-age=31536000");
	if (atomic_load(&draining))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
					"close");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; "
				"object-src 'none'; frame-ancestors 'none'; "
				"base-uri 'none'; form-action 'self'");
	ret = MHD_queue_response(conn, r.status, resp);
	cc->answered = 1;
	MHD_destroy_response(resp);
	dbuf_free(&r.body);
	/* The path only: a query string may hold search terms. */
	if (dos_log_get_level() >= DOS_LOG_DEBUG)
		dos_log(DOS_LOG_DEBUG, "http", "%s %.200s status=%u ms=%.0f "
			"user=%s", method, url, r.status,
			(dos_mono() - cc->t0) * 1e3,
			cc->who[0] != '\0' ? cc->who : "-");
	return ret;
}

enum dos_err
web_parse_listen(const char *s, char *host, size_t hostlen,
		 unsigned short *pport)
{
	const char *colon;
	char *end;
	long port;
	size_t n;

	if (s == NULL)
		return DOS_INVAL;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return DOS_INVAL;
		n = (size_t)(rb - s - 1);
		colon = rb + 1;
		s++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return DOS_INVAL;
		n = (size_t)(colon - s);
	}
	if (n == 0 || n >= hostlen)
		return DOS_INVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || port < 0 || port > 65535 ||
	    end == colon + 1)
		return DOS_INVAL;
	*pport = (unsigned short)port;
	return DOS_OK;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **ctx,
	     enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *cc = is_mark(*ctx) ? NULL : *ctx;

	(void)cls;
	(void)conn;
	(void)toe;
	*ctx = NULL;
	if (cc != NULL) {
		/* A held request is done with: sent, or its client gone. */
		if (cc->counted)
			atomic_fetch_sub(&nsuspended, 1);
		upload_free(cc->up);
		if (cc->holding) {
			dbuf_free(&cc->held.body);
			if (cc->held.fd >= 0)
				close(cc->held.fd);
		}
		json_decref(cc->wait_row);
		dbuf_free(&cc->body);
		free(cc);
		*ctx = NULL;
	}
}

/*
 * Reads a PEM file (at most 1 MB) into a NUL-terminated string the caller
 * frees; NULL after saying why.
 */
static char *
read_pem(const char *what, const char *path)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		dos_errx("cannot read the TLS %s %s: %s", what, path,
			 strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > 1024 * 1024 || st.st_size == 0) {
		dos_errx("the TLS %s %s is not a PEM file of at most 1 MB",
			 what, path);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto out;
	while (got < (size_t)st.st_size &&
	       (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	if (strstr(buf, "-----BEGIN ") == NULL) {
		dos_errx("the TLS %s %s is not in PEM format (no "
			 "\"-----BEGIN\" line)", what, path);
		free(buf);
		buf = NULL;
	}
out:
	close(fd);
	return buf;
}

/* libmicrohttpd's own messages, as one log line each. */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	dos_log(DOS_LOG_WARN, "http", "%s", msg);
}

/* Where and how to listen, settled before anything starts. */
struct plan {
	struct sockaddr_storage ss;
	unsigned flags; /* MHD_USE_IPv6, MHD_USE_TLS */
	char host[128];
	unsigned short port;
	char *cert, *key; /* PEM texts, or NULL without TLS */
};

static void
plan_clear(struct plan *p)
{
	if (p->key != NULL)
		sodium_memzero(p->key, strlen(p->key));
	free(p->key);
	free(p->cert);
	p->key = p->cert = NULL;
}

/* Parses the address, applies the TLS policy and reads the PEM files. */
static enum dos_err
plan_make(const struct web_options *o, struct plan *p)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&p->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&p->ss;
	int loopback;

	memset(p, 0, sizeof(*p));
	if (web_parse_listen(o->listen, p->host, sizeof(p->host), &p->port) !=
	    DOS_OK) {
		dos_errx("invalid listen address '%s' (expected HOST:PORT, "
			 "e.g. 127.0.0.1:8080)", o->listen ? o->listen : "");
		return DOS_INVAL;
	}
	if (inet_pton(AF_INET, p->host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(p->port);
		loopback = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	} else if (inet_pton(AF_INET6, p->host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(p->port);
		loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
		p->flags = MHD_USE_IPv6;
	} else {
		dos_errx("listen address '%s' is not a numeric IP address",
			 p->host);
		return DOS_INVAL;
	}
	if ((o->tls_cert != NULL) != (o->tls_key != NULL)) {
		dos_errx("TLS needs both --tls-cert and --tls-key");
		return DOS_INVAL;
	}
	if (o->tls_cert == NULL && !loopback) {
		/* Passwords and records never cross a network in clear. */
		dos_errx("refusing to serve plain HTTP on %s: give "
			 "--tls-cert and --tls-key to serve the network over "
			 "HTTPS (or listen on 127.0.0.1 behind a TLS proxy)",
			 p->host);
		return DOS_PERM;
	}
	if (o->tls_cert != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			dos_errx("this libmicrohttpd was built without TLS");
			return DOS_INVAL;
		}
		if ((p->cert = read_pem("certificate", o->tls_cert)) == NULL ||
		    (p->key = read_pem("key", o->tls_key)) == NULL) {
			plan_clear(p);
			return DOS_INVAL;
		}
		p->flags |= MHD_USE_TLS;
	}
	return DOS_OK;
}

enum dos_err
web_check(const struct web_options *o)
{
	struct MHD_Daemon *d;
	struct plan p;
	struct arc *probe = NULL;
	enum dos_err err, aerr;

	if ((err = plan_make(o, &p)) == DOS_OK && p.cert != NULL) {
		/* GnuTLS loads the pair as the server would, on no socket. */
		d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET | MHD_USE_TLS |
					     MHD_USE_ERROR_LOG,
				     0, NULL, NULL, on_request, NULL,
				     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				     MHD_OPTION_HTTPS_MEM_CERT, p.cert,
				     MHD_OPTION_HTTPS_MEM_KEY, p.key,
				     MHD_OPTION_END);
		if (d == NULL) {
			dos_errx("the TLS certificate %s and key %s do not "
				 "load as a pair", o->tls_cert, o->tls_key);
			err = DOS_INVAL;
		}
		MHD_stop_daemon(d);
	}
	plan_clear(&p);
	if ((aerr = arc_open(o->archive_dir, 0, &probe)) != DOS_OK) {
		/* arc_open said why when there is no archive */
		if (aerr != DOS_NOTFOUND)
			dos_errx("cannot open archive %s: %s", o->archive_dir,
				 dos_strerror(aerr));
		if (err == DOS_OK)
			err = aerr;
	}
	arc_close(probe);
	return err;
}

/*
 * Waits up to seconds for SIGHUP, SIGINT or SIGTERM (blocked in every
 * thread of the server); returns the signal, or 0 when the time is up.
 */
static int
wait_signal(const sigset_t *set, long seconds)
{
	struct timespec ts = {seconds > 0 ? seconds : 0, 0};
	int sig;

	do
		sig = sigtimedwait(set, NULL, &ts);
	while (sig < 0 && errno == EINTR);
	return sig < 0 ? 0 : sig;
}

/* A wall-clock time as the audit log writes times. */
static void
iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
refusals_written(void *arg, enum dos_err err)
{
	(void)arg;
	if (err != DOS_OK)
		dos_errx("refused sign-ins: the audit log's summary was not "
			 "written: %s", dos_strerror(err));
}

/*
 * The refused sign-ins counted since the last time (throttle.h), one
 * audit entry per name, address and reason, through the group-committing
 * writer: a flood of refusals costs one entry each, not one fsync each.
 */
static void
audit_refusals(void)
{
	static struct thr_refusal r[64];
	char detail[400], t1[32], t2[32];
	unsigned lost = 0, more = 0;
	int n, i;

	if (auditq == NULL)
		return;
	do {
		n = thr_refusals_take(r, 64, &more);
		lost += more;
		for (i = 0; i < n; i++) {
			iso_time(r[i].first, t1);
			iso_time(r[i].last, t2);
			snprintf(detail, sizeof(detail),
				 "from %s: %u sign-in%s refused from %s to %s: "
				 "too many failed sign-ins for this %s (a "
				 "back-off of up to %u s)",
				 r[i].addr, r[i].n, r[i].n == 1 ? "" : "s", t1,
				 t2, r[i].why == THR_ADDR ? "address" : "name",
				 r[i].wait);
			arc_auditq_post(auditq, r[i].name, "login.throttled",
					"-", detail, refusals_written, NULL);
		}
	} while (n == 64);
	if (lost > 0) {
		snprintf(detail, sizeof(detail),
			 "%u more sign-ins refused, of names and addresses "
			 "past the %d counted a minute", lost, THR_REFUSALS);
		arc_auditq_post(auditq, "-", "login.throttled", "-", detail,
				refusals_written, NULL);
	}
}

/* The work between requests, once a minute: the summary of refused
 * sign-ins; record borrow grants that have run out (access ends at the
 * grant's time regardless; this writes the audit entry), and hourly sweep
 * uploads abandoned for a week (kept that long so a clerk can still
 * recover the files). */
static void
each_minute(const char *dir, long minute)
{
	struct arc *h = NULL;
	int n = 0;

	audit_refusals();
	if (arc_open(dir, 0, &h) == DOS_OK && arc_grant_expire(h, &n) ==
						      DOS_OK && n > 0)
		dos_infox("%d borrow grant(s) expired", n);
	if (h != NULL && minute % 60 == 0)
		arc_spool_sweep(h, SPOOL_MAX_AGE);
	/* Exports finished a day ago go, their files too. */
	if (h != NULL && arc_job_expire(h, EXPORT_KEEP_SECONDS, &n) ==
				 DOS_OK &&
	    n > 0)
		dos_infox("%d export(s) finished a day ago removed", n);
	if (h != NULL && minute % 10 == 0 &&
	    (n = (int)arc_view_cache_sweep(h, 0)) > 0)
		dos_infox("%d kept page image(s) removed to keep the cache "
			  "under its size", n);
	arc_close(h);
}

enum dos_err
web_serve(const struct web_options *o)
{
	struct MHD_Daemon *d = NULL;
	struct arc *probe = NULL;
	struct plan p;
	long minute;
	double next;
	sigset_t set, old;
	char ready[64];
	int sig = 0, masked = 0, started = 0;
	MHD_socket lsock;
	enum dos_err err;

	if ((err = plan_make(o, &p)) != DOS_OK)
		return err;
	tls_on = p.cert != NULL;
	/* Every thread the server starts inherits this mask: the signals
	 * are taken here alone, by wait_signal. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	masked = 1;
	signal(SIGPIPE, SIG_IGN);
	if ((err = arc_open(o->archive_dir, 0, &probe)) != DOS_OK)
		goto out;
	arc_close(probe);
	archive_dir = o->archive_dir;
	if ((err = arc_auditq_start(o->archive_dir, &auditq)) != DOS_OK)
		goto out;
	if (pthread_key_create(&arc_key, arc_key_free) != 0) {
		err = DOS_NOMEM;
		goto out;
	}
	started = 1;
	d = MHD_start_daemon(
		p.flags | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME,
		p.port, NULL, NULL, on_request, NULL,
		/* first, for libmicrohttpd to use it for every message */
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&p.ss,
		MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)(o->threads > 0 ? o->threads : 2),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_MAX_CONNECTIONS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)(o->per_ip > 0 ? o->per_ip : WEB_PER_IP),
		MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)(o->timeout > 0 ? o->timeout : WEB_TIMEOUT),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MAX_BODY,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
		p.cert != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
		p.cert, MHD_OPTION_HTTPS_MEM_KEY, p.key, MHD_OPTION_END);
	plan_clear(&p);
	if (d == NULL) {
		dos_errx("cannot listen on %s: %s (is the port in use%s?)",
			 o->listen, strerror(errno),
			 tls_on ? ", or the certificate and key not a "
				  "matching pair" : "");
		err = DOS_IO;
		goto out;
	}
	{
		const union MHD_DaemonInfo *di =
			MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);

		if (di != NULL && di->port != 0)
			p.port = di->port;
	}
	/* The start-of-day chores (old uploads swept...) before it says it
	 * serves. */
	each_minute(o->archive_dir, 0);
	dos_infox("serving %s on %s://%s%s%s:%u/", o->archive_dir,
		  tls_on ? "https" : "http",
		  (p.flags & MHD_USE_IPv6) ? "[" : "", p.host,
		  (p.flags & MHD_USE_IPv6) ? "]" : "", p.port);
	if (jobwait_start(o->archive_dir) != 0) {
		dos_errx("cannot start the waiter for queued work");
		err = DOS_NOMEM;
		goto stop;
	}
	/* The heavy work is theirs: no server thread decodes a page. */
	if (o->workers > 0) {
		if (workers_start(o->workers, o->worker_argv) != 0)
			dos_errx("cannot supervise the workers");
		else
			dos_infox("%d worker process(es) read what is queued",
				  o->workers);
	} else
		dos_infox("no worker processes (--workers 0): queued work "
			  "waits for 'dossier worker' on this archive");
	snprintf(ready, sizeof(ready), "READY=1\nMAINPID=%ld", (long)getpid());
	notify_systemd(ready);
	next = dos_mono() + 60;
	for (minute = 1;;) {
		if (dos_mono() >= next) {
			each_minute(o->archive_dir, minute++);
			next = dos_mono() + 60;
		}
		sig = wait_signal(&set, (long)(next - dos_mono() + 0.999));
		if (sig == SIGHUP) {
			notify_systemd("RELOADING=1");
			dos_infox("SIGHUP: reloading the configuration");
			if (o->reload != NULL)
				o->reload(o->reload_arg);
			else
				dos_infox("no configuration to reload");
			notify_systemd("READY=1");
		} else if (sig != 0)
			break;
	}
	notify_systemd("STOPPING=1");
	dos_infox("stopping (%s)", sig == SIGINT ? "SIGINT" : "SIGTERM");
	err = DOS_OK;
stop:
	/*
	 * No new requests; held ones answered: turns and scans waiting for
	 * a worker say where they are, and the audit writer commits the
	 * held searches' entries and answers them.  Only then may the
	 * daemon stop, and after it the workers (they finish what they
	 * hold, or give it back to the queue).
	 */
	atomic_store(&draining, 1);
	lsock = MHD_quiesce_daemon(d);
	{
		double until = dos_mono() + 30;
		int held = atomic_load(&nsuspended);

		/* The waiter answers every request held for a row now. */
		jobwait_stop();

		while (atomic_load(&nsuspended) > 0 && dos_mono() < until)
			usleep(10000);
		if (atomic_load(&nsuspended) > 0)
			dos_warnx("%d held request(s) not answered at the stop",
				  atomic_load(&nsuspended));
		else if (held > 0)
			dos_infox("stopping: %d held request(s) answered",
				  held);
	}
	MHD_stop_daemon(d);
	audit_refusals(); /* the last minute's, before the writer stops */
	/* The daemon let go of its listening socket at the quiesce. */
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	workers_stop();
out:
	plan_clear(&p);
	arc_auditq_stop(auditq);
	auditq = NULL;
	if (started)
		pthread_key_delete(arc_key);
	wset_shutdown();
	if (masked)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}
