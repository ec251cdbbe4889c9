/*
 * web.c: the real dossier server for the HTTP harnesses, run in the
 * harness's process so the fuzzer sees its coverage and ASan its memory.
 * web_serve (web/server.c, unchanged) runs in a thread on a free loopback
 * port over a fresh archive in a scratch folder; each request travels
 * over a real TCP connection, through libmicrohttpd, the dispatcher, the
 * sign-in and CSRF checks to the handler, as from a browser.  At exit
 * the thread gets SIGTERM, as `dossier serve` does from systemd, and the
 * server stops cleanly (so LeakSanitizer sees what it left behind).
 *
 * OCR is kept out: TESSDATA_PREFIX points at an empty folder before the
 * server starts, so an uploaded batch or a page turn fails at once when
 * it loads Tesseract instead of spending seconds per input.
 * Exports fz_web_start, fz_web_cookie, fz_web_csrf, fz_web_send,
 * fz_resp_free, fz_check_api.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <jansson.h>
#include <leptonica/allheaders.h>
#include <zip.h>

#include "dossier/archive.h"
#include "dossier/web.h"
#include "fuzz.h"
#include "web.h"

#define FZ_PASSWORD "fuzz-pass-1"
#define FZ_ANSWER_MAX (8u << 20)
#define FZ_WAIT_SECS 20 /* an answer slower than this is a hang */

static void fz_web_send_one(const char *req, size_t len,
			    struct fz_resp *out);

static unsigned short port;
static char archive[300], listen_at[32];
static char cookie[160], csrf[128];
static pthread_t server;
static atomic_int server_done;
static int started;

static void *
server_main(void *arg)
{
	struct web_options o;

	(void)arg;
	memset(&o, 0, sizeof(o));
	o.archive_dir = archive;
	o.listen = listen_at;
	o.threads = 2;
	if (web_serve(&o) != DOS_OK)
		fprintf(stderr, "fuzz: web_serve failed\n");
	atomic_store(&server_done, 1);
	return NULL;
}

/* A loopback port free right now. */
static unsigned short
free_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	FZ_SETUP(s >= 0, "socket");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	FZ_SETUP(bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
			 getsockname(s, (struct sockaddr *)&sa, &sl) == 0,
		 "bind a loopback port");
	close(s);
	return ntohs(sa.sin_port);
}

/* The archive the server starts on: users, a customer, two documents. */
static void
make_archive(void)
{
	struct arc_user admin, fz;
	struct arc_user_in u;
	struct arc_customer_in c;
	struct arc_page_in pg;
	struct arc_doc_in d[2];
	struct arc_source_in s;
	const char *accs[1] = {"ACC-2024-000001"};
	char msg[512], o[DOS_SHA256_HEX], p[DOS_SHA256_HEX], t[DOS_SHA256_HEX];
	struct arc *a = NULL;
	l_uint8 *g4 = NULL, *png = NULL;
	size_t g4len = 0, pnglen = 0;
	PIX *pix;
	int64_t batch;

	FZ_SETUP(arc_open(archive, ARC_CREATE, &a) == DOS_OK, "arc_open");
	arc_user_local(&admin);
	FZ_SETUP(arc_role_add(a, &admin, "fuzz",
			      "search,view,download,export,edit,"
			      "delete_request,approve,purge,audit_read,"
			      "ingest,review,admin,report",
			      "all", 1, 3, msg, sizeof(msg)) == DOS_OK,
		 msg);
	memset(&u, 0, sizeof(u));
	u.name = "fuzz";
	u.role = "fuzz";
	u.password = FZ_PASSWORD;
	FZ_SETUP(arc_user_add(a, &admin, &u, msg, sizeof(msg)) == DOS_OK, msg);
	u.name = "clerk";
	u.role = "clerk";
	FZ_SETUP(arc_user_add(a, &admin, &u, msg, sizeof(msg)) == DOS_OK, msg);
	FZ_SETUP(arc_user_load(a, "fuzz", &fz) == DOS_OK, "arc_user_load");

	memset(&c, 0, sizeof(c));
	c.number = "C-1";
	c.name = "Fuzz Customer";
	c.type = "individual";
	c.accounts = accs;
	c.naccounts = 1;
	FZ_SETUP(arc_customer_add(a, &fz, &c, msg, sizeof(msg)) == DOS_OK, msg);

	/* Two one-page documents, one archived and one waiting for review,
	 * with real page images (a page turn decodes the stored one). */
	FZ_SETUP(arc_batch_begin(a, "fuzz", &batch) == DOS_OK, "batch");
	pix = pixCreate(64, 48, 1);
	FZ_SETUP(pix != NULL &&
			 pixWriteMemTiff(&g4, &g4len, pix, IFF_TIFF_G4) == 0 &&
			 pixWriteMemPng(&png, &pnglen, pix, 0) == 0,
		 "page images");
	pixDestroy(&pix);
	FZ_SETUP(arc_blob_put(a, "original", 8, o) == DOS_OK &&
			 arc_blob_put(a, g4, g4len, p) == DOS_OK &&
			 arc_blob_put(a, png, pnglen, t) == DOS_OK,
		 "arc_blob_put");
	free(g4);
	free(png);
	memset(&pg, 0, sizeof(pg));
	pg.processed = p;
	pg.thumb = t;
	pg.width = pg.height = 100;
	pg.dpi = 300;
	pg.ocr_confidence = 90;
	pg.text = "loan agreement for ACC-2024-000001";
	memset(d, 0, sizeof(d));
	d[0].account = accs[0];
	d[0].category = "CREDIT";
	d[0].title = "loan agreement";
	d[0].date = "2024-03-01";
	d[0].status = "archived";
	d[0].pages = &pg;
	d[0].npages = 1;
	d[1] = d[0];
	d[1].category = "BASIC";
	d[1].title = "id copy";
	d[1].status = "review";
	d[1].review_reason = "low OCR confidence";
	memset(&s, 0, sizeof(s));
	s.name = "scan.tif";
	s.sha256 = o;
	s.size = 8;
	s.format = "tiff";
	s.npages = 2;
	s.batch_id = batch;
	s.actor = "fuzz";
	s.docs = d;
	s.ndocs = 2;
	FZ_SETUP(arc_source_commit(a, &s) == DOS_OK, "arc_source_commit");
	FZ_SETUP(arc_batch_end(a, batch, 1, 2, 2, 0) == DOS_OK,
		 "arc_batch_end");
	arc_close(a);
}

/*
 * Has libzip draw a random number once, so OpenSSL (under libzip)
 * registers its exit cleanup now, before web_stop: exit handlers run
 * last registered first, so the server and its export threads stop
 * before OpenSSL frees the locks they use.  Otherwise an export still
 * running when the process exits crashes in RAND_bytes.
 */
static void
openssl_first(const char *dir)
{
	char path[320];
	zip_source_t *src;
	zip_t *z;
	int e;

	snprintf(path, sizeof(path), "%s/first.zip", dir);
	if ((z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e)) == NULL)
		return;
	if ((src = zip_source_buffer(z, "x", 1, 0)) != NULL &&
	    zip_file_add(z, "x", src, 0) < 0)
		zip_source_free(src);
	if (zip_close(z) != 0)
		zip_discard(z);
	unlink(path);
}

static void
web_stop(void)
{
	int i;

	if (!started)
		return;
	/* Until the server loop sees it (it may be between sleeps). */
	for (i = 0; i < 300 && !atomic_load(&server_done); i++) {
		pthread_kill(server, SIGTERM);
		usleep(100000);
	}
	if (atomic_load(&server_done))
		pthread_join(server, NULL);
	started = 0;
}

/*
 * A new connection to the server.  Each comes from its own loopback
 * address (127.1.X.Y): the server closes first, so its side of every
 * connection waits a minute in TIME_WAIT; at a thousand requests a
 * second from one address the client's ports would come round into
 * those.  A precaution: the connections seen closed without an answer
 * were recv() interrupted by libFuzzer's SIGALRM, now retried.
 */
static int
connect_server(void)
{
	static unsigned n;
	struct sockaddr_in sa;
	struct timeval tv = {FZ_WAIT_SECS, 0};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	FZ_SETUP(s >= 0, "socket");
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	n = n % 65000 + 1;
	sa.sin_addr.s_addr = htonl(0x7f010000u | n);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(s);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (errno == EINTR) {
			/* Interrupted (libFuzzer's timer): it goes on in the
			 * background; wait until it is writable. */
			struct pollfd pfd = {s, POLLOUT, 0};
			int soerr = 0;
			socklen_t sl = sizeof(soerr);

			while (poll(&pfd, 1, FZ_WAIT_SECS * 1000) < 0 &&
			       errno == EINTR)
				;
			if (getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr, &sl) ==
				    0 &&
			    soerr == 0)
				break;
		}
		close(s);
		return -1;
	}
	return s;
}

void
fz_resp_free(struct fz_resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* Finds header name (with its colon, lowercase) in the answer's head. */
static const char *
header(const char *head, size_t n, const char *name)
{
	size_t nl = strlen(name), i;

	for (i = 0; i + nl < n; i++)
		if ((i == 0 || head[i - 1] == '\n') &&
		    strncasecmp(head + i, name, nl) == 0)
			return head + i + nl;
	return NULL;
}

/* Open descriptors of this process (the server's are among them). */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return 0;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

void
fz_web_send(const char *req, size_t len, struct fz_resp *out)
{
	static unsigned long sent;
	static int fds0;
	int fds;

	/* A descriptor lost per request ends with a server that cannot
	 * accept connections: say so before it comes to that. */
	if (sent++ % 100 == 0) {
		fds = count_fds();
		if (fds0 == 0)
			fds0 = fds;
		if (fds > fds0 + 64)
			fprintf(stderr, "fuzz: %d descriptors open after %lu "
					"requests, %d after the first\n", fds,
				sent, fds0);
		FZ_CHECK(fds <= fds0 + 64);
	}
	fz_web_send_one(req, len, out);
}

static void
fz_web_send_one(const char *req, size_t len, struct fz_resp *out)
{
	char *buf = NULL, *nb;
	size_t got = 0, cap = 0, off = 0;
	const char *h, *end;
	ssize_t n;
	int s;

	double t0 = dos_mono();
	int send_errno = 0, recv_errno = 0;

	memset(out, 0, sizeof(*out));
	if ((s = connect_server()) < 0) {
		fprintf(stderr, "fuzz: the server does not accept "
				"connections: %s\n", strerror(errno));
		FZ_CHECK(!"server is gone");
	}
	while (off < len) {
		n = send(s, req + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue; /* libFuzzer's timer (SIGALRM) */
		if (n <= 0) {
			send_errno = n < 0 ? errno : 0;
			break; /* it may answer early, e.g. 413 */
		}
		off += (size_t)n;
	}
	for (;;) {
		if (got + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 16384;
			FZ_CHECK(cap <= FZ_ANSWER_MAX);
			nb = realloc(buf, cap);
			FZ_SETUP(nb != NULL, "realloc");
			buf = nb;
		}
		n = recv(s, buf + got, cap - got - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			recv_errno = n < 0 ? errno : 0;
			break;
		}
		got += (size_t)n;
	}
	close(s);
	/* What happened, for an answer that did not come. */
	snprintf(out->why, sizeof(out->why),
		 "sent %zu of %zu bytes (%s), received %zu (%s) in %.3f s",
		 off, len, send_errno ? strerror(send_errno) : "ok", got,
		 recv_errno ? strerror(recv_errno) : "closed",
		 dos_mono() - t0);
	if (buf == NULL)
		return;
	buf[got] = '\0';
	if (got >= 12 && strncmp(buf, "HTTP/1.", 7) == 0)
		out->status = atoi(buf + 9);
	if ((end = strstr(buf, "\r\n\r\n")) == NULL) {
		free(buf);
		return;
	}
	out->head_len = (size_t)(end - buf) + 4;
	if ((h = header(buf, out->head_len, "content-type:")) != NULL) {
		while (*h == ' ')
			h++;
		snprintf(out->type, sizeof(out->type), "%.*s",
			 (int)strcspn(h, "\r\n"), h);
	}
	if ((h = header(buf, out->head_len, "set-cookie:")) != NULL &&
	    cookie[0] == '\0') {
		while (*h == ' ')
			h++;
		snprintf(cookie, sizeof(cookie), "%.*s",
			 (int)strcspn(h, ";\r\n"), h);
	}
	out->body_len = got - out->head_len;
	out->body = malloc(out->body_len + 1);
	FZ_SETUP(out->body != NULL, "malloc");
	memcpy(out->body, buf + out->head_len, out->body_len);
	out->body[out->body_len] = '\0';
	free(buf);
}

void
fz_check_api(const struct fz_resp *r, const int *allowed)
{
	json_error_t je;
	json_t *j;
	int i, ok = 0;

	for (i = 0; allowed[i] != 0; i++)
		ok |= allowed[i] == r->status;
	if (r->status == 0)
		fprintf(stderr, "fuzz: no answer: %s\n", r->why);
	if (!ok || getenv("FUZZ_TRACE") != NULL)
		fprintf(stderr, "fuzz: answer %d: %.*s\n", r->status,
			(int)(r->body_len < 400 ? r->body_len : 400),
			r->body != NULL ? r->body : "");
	FZ_CHECK(r->status != 0);
	FZ_CHECK(ok);
	FZ_CHECK(strncmp(r->type, "application/json", 16) == 0);
	j = json_loadb(r->body, r->body_len, 0, &je);
	if (j == NULL)
		fprintf(stderr, "fuzz: answer is not JSON (%s): %.*s\n",
			je.text, (int)(r->body_len < 400 ? r->body_len : 400),
			r->body);
	FZ_CHECK(j != NULL);
	if (r->status >= 400)
		FZ_CHECK(json_string_length(json_object_get(j, "error")) > 0);
	/* What a person reads after an action. */
	if (json_object_get(j, "message") != NULL)
		FZ_CHECK(json_string_length(json_object_get(j, "message")) > 0);
	json_decref(j);
}

static void
sign_in(void)
{
	static const char body[] = "{\"name\":\"fuzz\",\"password\":\""
				   FZ_PASSWORD "\"}";
	char req[512];
	struct fz_resp r;
	json_t *j;
	int n;

	n = snprintf(req, sizeof(req),
		     "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		     "Content-Type: application/json\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		     sizeof(body) - 1, body);
	FZ_SETUP(n > 0 && (size_t)n < sizeof(req), "login request");
	fz_web_send(req, (size_t)n, &r);
	FZ_SETUP(r.status == 200 && cookie[0] != '\0', "sign in");
	j = json_loadb(r.body, r.body_len, 0, NULL);
	FZ_SETUP(json_string_value(json_object_get(j, "csrf")) != NULL,
		 "CSRF token");
	snprintf(csrf, sizeof(csrf), "%s",
		 json_string_value(json_object_get(j, "csrf")));
	json_decref(j);
	fz_resp_free(&r);
}

void
fz_web_start(void)
{
	char nodata[320];
	const char *dir;
	int i, s = -1;

	if (started)
		return;
	dos_log_set_level(getenv("FUZZ_VERBOSE") != NULL ? DOS_LOG_INFO
							 : DOS_LOG_WARN);
	FZ_SETUP(dos_crypto_init() == DOS_OK, "libsodium");
	dir = fz_scratch_dir();
	snprintf(archive, sizeof(archive), "%s/archive", dir);
	snprintf(nodata, sizeof(nodata), "%s/no-tessdata", dir);
	FZ_SETUP(mkdir(nodata, 0700) == 0, "mkdir");
	/* Before any thread runs: setenv is not thread-safe. */
	setenv("TESSDATA_PREFIX", nodata, 1);
	make_archive();
	openssl_first(dir);
	port = free_port();
	snprintf(listen_at, sizeof(listen_at), "127.0.0.1:%u", port);
	FZ_SETUP(pthread_create(&server, NULL, server_main, NULL) == 0,
		 "pthread_create");
	started = 1;
	atexit(web_stop);
	for (i = 0; i < 200 && !atomic_load(&server_done); i++) {
		if ((s = connect_server()) >= 0)
			break;
		usleep(50000);
	}
	FZ_SETUP(s >= 0, "the server did not start");
	close(s);
	sign_in();
}

const char *
fz_web_cookie(void)
{
	return cookie;
}

const char *
fz_web_csrf(void)
{
	return csrf;
}
