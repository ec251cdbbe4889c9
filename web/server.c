/*
 * server.c: the HTTP server on libmicrohttpd: one routing table (method,
 * path, handler), one dispatcher that alone answers 404/405 and queues
 * exactly one response, JSON errors, security headers, an access log, and
 * one archive connection per server thread.
 * Exports web_serve, web_parse_listen.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "dossier/archive.h"
#include "dossier/search.h"
#include "dossier/web.h"
#include "assets.h"

#define MAX_BODY (64u << 10)

struct web_resp {
	unsigned status;
	const char *type;
	struct dbuf body;
	const unsigned char *static_data; /* instead of body, not freed */
	size_t static_len;
	int fd; /* instead of body: stream this file */
	uint64_t fd_size;
	const char *cache; /* Cache-Control value, or NULL for no-store */
};

struct web_req {
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	const char *param; /* the path segment matched by '*' */
	struct arc *arc;
};

typedef void (*web_handler)(struct web_req *, struct web_resp *);

struct route {
	const char *method;
	const char *pattern; /* '*' matches one path segment */
	web_handler handler;
};

static const char *archive_dir;
static pthread_key_t arc_key;

/* Maps the project's errors to HTTP statuses. */
static const unsigned err_status[DOS_ERR__MAX] = {
	[DOS_OK] = 200,	      [DOS_NOMEM] = 500,    [DOS_IO] = 500,
	[DOS_INVAL] = 400,    [DOS_NOTFOUND] = 404, [DOS_PERM] = 403,
	[DOS_CONFLICT] = 409, [DOS_CORRUPT] = 500,  [DOS_LIMIT] = 413,
	[DOS_FORMAT] = 415,   [DOS_DB] = 500,
};

static void
resp_json(struct web_resp *r, unsigned status, json_t *j)
{
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII)
			    : NULL;

	r->status = status;
	r->type = "application/json";
	dbuf_reset(&r->body);
	if (s == NULL || dbuf_adds(&r->body, s) != DOS_OK) {
		r->status = 500;
		dbuf_reset(&r->body);
		dbuf_adds(&r->body, "{\"error\":\"out of memory\"}");
	}
	free(s);
}

static void
resp_error(struct web_resp *r, unsigned status, const char *msg)
{
	json_t *j = json_pack("{s:s}", "error", msg);

	resp_json(r, status, j);
	json_decref(j);
}

static void
resp_err(struct web_resp *r, enum dos_err err, const char *msg)
{
	unsigned st = (unsigned)err < DOS_ERR__MAX ? err_status[err] : 500;

	resp_error(r, st ? st : 500,
		   msg != NULL ? msg
			       : (st >= 500 ? "internal error; see the server "
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
	err = srch_run(q->arc, "web", query, &o, &res, &msg);
	if (err == DOS_OK)
		resp_json(r, 200, res);
	else
		resp_err(r, err, msg);
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

/* GET /api/documents/ID */
static void
h_document(struct web_req *q, struct web_resp *r)
{
	json_t *doc = NULL;
	int64_t id;
	enum dos_err err;

	if (!parse_id(q->param, &id)) {
		resp_error(r, 404, "no such document");
		return;
	}
	err = arc_doc_get(q->arc, id, &doc);
	if (err == DOS_OK) {
		resp_json(r, 200, doc);
		arc_audit(q->arc, "web", "view", q->param, "");
	} else
		resp_err(r, err, err == DOS_NOTFOUND ? "no such document" : NULL);
	json_decref(doc);
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
	{"GET", "/api/search", h_search},
	{"GET", "/api/documents/*", h_document},
	{"GET", "/api/health", h_health},
};

/* Matches url against pattern; captures the '*' segment into *pparam. */
static int
match(const char *pattern, const char *url, char *param, size_t plen)
{
	const char *star = strchr(pattern, '*');
	size_t pre;
	const char *rest;

	if (star == NULL)
		return strcmp(pattern, url) == 0;
	pre = (size_t)(star - pattern);
	if (strncmp(pattern, url, pre) != 0)
		return 0;
	rest = url + pre;
	if (*rest == '\0' || strchr(rest, '/') != NULL || strlen(rest) >= plen)
		return 0;
	snprintf(param, plen, "%s", rest);
	return 1;
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

	if (a == NULL && arc_open(archive_dir, 0, &a) == DOS_OK)
		pthread_setspecific(arc_key, a);
	return a;
}

static void
arc_key_free(void *p)
{
	arc_close(p);
}

static void
dispatch(struct web_req *q, struct web_resp *r)
{
	char param[256];
	const struct web_asset *as;
	size_t i;
	int path_known = 0;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!match(routes[i].pattern, q->url, param, sizeof(param)))
			continue;
		path_known = 1;
		if (strcmp(routes[i].method, q->method) != 0)
			continue;
		q->param = param;
		if ((q->arc = thread_arc()) == NULL) {
			resp_error(r, 503, "the archive cannot be opened; see "
					   "the server log");
			return;
		}
		routes[i].handler(q, r);
		return;
	}
	if (!path_known && (as = find_asset(q->url)) != NULL) {
		if (strcmp(q->method, "GET") != 0 &&
		    strcmp(q->method, "HEAD") != 0) {
			resp_error(r, 405, "method not allowed");
			return;
		}
		r->status = 200;
		r->type = as->type;
		r->static_data = as->data;
		r->static_len = as->len;
		r->cache = "no-cache";
		return;
	}
	if (path_known)
		resp_error(r, 405, "method not allowed");
	else
		resp_error(r, 404, "not found");
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
	   const char *method, const char *version, const char *upload_data,
	   size_t *upload_size, void **ctx)
{
	static int marker;
	struct web_req q;
	struct web_resp r;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	(void)upload_data;
	if (*ctx == NULL) {
		*ctx = &marker;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/* No route takes a body yet: drain and refuse below. */
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&q, 0, sizeof(q));
	q.conn = conn;
	q.method = method;
	q.url = url;
	memset(&r, 0, sizeof(r));
	r.fd = -1;
	dbuf_init(&r.body, 64u << 20);
	dispatch(&q, &r);
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
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; "
				"object-src 'none'; frame-ancestors 'none'");
	ret = MHD_queue_response(conn, r.status, resp);
	MHD_destroy_response(resp);
	dbuf_free(&r.body);
	dos_infox("access %s %s %u", method, url, r.status);
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

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

enum dos_err
web_serve(const struct web_options *o)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct MHD_Daemon *d;
	struct arc *probe = NULL;
	char host[128];
	unsigned short port;
	int loopback;
	unsigned flags;
	sigset_t set, old;
	struct sigaction sa;
	enum dos_err err;

	if (web_parse_listen(o->listen, host, sizeof(host), &port) != DOS_OK) {
		dos_errx("invalid listen address '%s' (expected HOST:PORT, "
			 "e.g. 127.0.0.1:8080)", o->listen);
		return DOS_INVAL;
	}
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		loopback = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
		flags = 0;
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
		flags = MHD_USE_IPv6;
	} else {
		dos_errx("listen address '%s' is not a numeric IP address", host);
		return DOS_INVAL;
	}
	if (!loopback) {
		/* No sign-in yet: never expose the archive beyond this host. */
		dos_errx("refusing to listen on %s: until sign-in is built, "
			 "dossier serves only on a loopback address", host);
		return DOS_PERM;
	}
	if ((err = arc_open(o->archive_dir, 0, &probe)) != DOS_OK)
		return err;
	arc_close(probe);
	archive_dir = o->archive_dir;
	if (pthread_key_create(&arc_key, arc_key_free) != 0)
		return DOS_NOMEM;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Server threads must not take the stop signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	d = MHD_start_daemon(
		flags | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			MHD_USE_ERROR_LOG,
		port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)(o->threads > 0 ? o->threads : 2),
		MHD_OPTION_CONNECTION_LIMIT, 512u,
		MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MAX_BODY,
		MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (d == NULL) {
		dos_errx("cannot listen on %s: %s (is the port in use?)",
			 o->listen, strerror(errno));
		pthread_key_delete(arc_key);
		return DOS_IO;
	}
	{
		const union MHD_DaemonInfo *di =
			MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);

		if (di != NULL && di->port != 0)
			port = di->port;
	}
	dos_infox("serving %s on http://%s%s%s:%u/", o->archive_dir,
		  flags ? "[" : "", host, flags ? "]" : "", port);
	while (!stop_flag)
		pause();
	dos_infox("stopping");
	MHD_stop_daemon(d);
	pthread_key_delete(arc_key);
	return DOS_OK;
}
