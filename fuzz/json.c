/*
 * json.c: libFuzzer harness for the JSON API's request bodies (web/
 * server.c: body_json and every POST handler behind it, down to the
 * archive calls they make).
 *
 * Why over HTTP: the handlers are the server's own static functions,
 * reached through libmicrohttpd, the body buffer with its limit
 * (MAX_BODY), the routing table, the session and CSRF checks.  Calling
 * them any other way would fuzz a copy.  So the real server runs in this
 * process (fuzz/web.c) and each input is one request over loopback.
 *
 * Input: the first line is the path, the rest the body, sent as
 *   POST <path> HTTP/1.1 ... Content-Type: application/json
 * with the session cookie and CSRF token of the signed-in user "fuzz"
 * (every action, scope all).  The path is fuzzed too (seeds name every
 * POST route with ids that exist), within what a request line may carry:
 * printable ASCII without spaces, at most 512 bytes; %XX reaches other
 * bytes.  Two paths are left out, decoded: /api/login (a wrong password
 * sleeps up to 4 s by design) and /api/logout (ends the one session).
 * The server keeps its state between inputs, as a real one does.
 *
 * Checked: every answer is JSON, with an "error" string when it is a
 * refusal, and a status a client error can cause (2xx, 400, 403, 404,
 * 405, 409, 413, 415, 429, and 503 "4 exports are running" while exports
 * started by earlier inputs run); any other 5xx or a 401 (the session
 * lost) is a failure, and so is a connection closed without an answer,
 * an answer slower than 20 s, or the server going away.  So is a success
 * whose "message" is empty (what a person reads after an action).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "web.h"

#define FUZZ_MAX_PATH 512
#define FUZZ_MAX_BODY (72u << 10) /* past the server's 64 KiB */

static const int allowed[] = {200, 201, 202, 400, 403, 404, 405,
			      409, 413, 415, 429, 0};

static int
hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* The path as the server sees it (%XX decoded), for the two left out. */
static int
left_out(const uint8_t *p, size_t n)
{
	char d[FUZZ_MAX_PATH + 1];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n && isxdigit(p[i + 1]) &&
		    isxdigit(p[i + 2])) {
			d[k++] = (char)(hexval(p[i + 1]) * 16 +
					hexval(p[i + 2]));
			i += 2;
		} else
			d[k++] = (char)p[i];
	}
	d[k] = '\0';
	return strcasestr(d, "/api/log") != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl, *body;
	size_t plen, blen, i, hlen;
	struct fz_resp r;
	char *req;
	int n;

	nl = memchr(data, '\n', size);
	if (nl == NULL)
		return 0;
	plen = (size_t)(nl - data);
	body = nl + 1;
	blen = size - plen - 1;
	if (plen == 0 || plen > FUZZ_MAX_PATH || blen > FUZZ_MAX_BODY ||
	    data[0] != '/')
		return 0;
	for (i = 0; i < plen; i++)
		if (data[i] <= ' ' || data[i] >= 0x7f)
			return 0;
	if (left_out(data, plen))
		return 0;
	fz_web_start();

	hlen = plen + 1024;
	req = malloc(hlen + blen);
	FZ_SETUP(req != NULL, "malloc");
	n = snprintf(req, hlen,
		     "POST %.*s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		     "Cookie: %s\r\nX-CSRF-Token: %s\r\n"
		     "Content-Type: application/json\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		     (int)plen, (const char *)data, fz_web_cookie(),
		     fz_web_csrf(), blen);
	FZ_SETUP(n > 0 && (size_t)n < hlen, "request head");
	memcpy(req + n, body, blen);
	fz_web_send(req, (size_t)n + blen, &r);
	free(req);
	if (r.status == 401)
		fprintf(stderr, "fuzz: the session was lost: %s\n", r.body);
	/* Exports started by earlier inputs may still run: the one 503 a
	 * client can meet, saying how many (never 0: that was a bug). */
	if (r.status == 503 && r.body != NULL &&
	    strncmp(r.body, "{\"error\":\"4 exports are running", 31) == 0)
		r.status = 429;
	fz_check_api(&r, allowed);
	fz_resp_free(&r);
	return 0;
}
