/*
 * multipart.c: libFuzzer harness for the scan station's upload (POST
 * /api/batches): libmicrohttpd's multipart/form-data post processor as
 * web/upload.c drives it, the spool files it writes, the per-file, per-
 * batch and file-count limits checked before each write, and the start
 * of the ingest job.
 *
 * Why over HTTP: MHD_create_post_processor needs a real connection (it
 * reads the Content-Type and boundary from it) and upload_start checks
 * the session, CSRF token and announced size before any byte of the body
 * is read; a fake connection would skip what matters.  So the real
 * server runs in this process (fuzz/web.c) and each input is one upload
 * over loopback.  The ingest job an accepted upload starts fails at once
 * on purpose (no OCR data, see fuzz/web.c): the spooled files are then
 * removed as after any batch.
 *
 * Input: the first line is the Content-Type header's value (printable
 * ASCII, at most 256 bytes, so the boundary and its quoting are fuzzed),
 * the rest the body, sent with the right Content-Length by the signed-in
 * user "fuzz".
 *
 * Checked: the answer is JSON with a status an upload can earn (202 with
 * a batch number and at least one file, 400, 413, 415), never a 5xx; a
 * closed connection without an answer, an answer slower than 20 s or the
 * server going away are failures.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "web.h"

#define FUZZ_MAX_TYPE 256
#define FUZZ_MAX_BODY (1u << 20)

static const int allowed[] = {202, 400, 413, 415, 0};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl, *body;
	size_t tlen, blen, i, hlen;
	struct fz_resp r;
	json_t *j;
	char *req;
	int n;

	nl = memchr(data, '\n', size);
	if (nl == NULL)
		return 0;
	tlen = (size_t)(nl - data);
	body = nl + 1;
	blen = size - tlen - 1;
	if (tlen > FUZZ_MAX_TYPE || blen > FUZZ_MAX_BODY)
		return 0;
	for (i = 0; i < tlen; i++)
		if (data[i] < ' ' || data[i] >= 0x7f)
			return 0;
	fz_web_start();

	hlen = tlen + 1024;
	req = malloc(hlen + blen);
	FZ_SETUP(req != NULL, "malloc");
	n = snprintf(req, hlen,
		     "POST /api/batches HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		     "Cookie: %s\r\nX-CSRF-Token: %s\r\n"
		     "Content-Type: %.*s\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		     fz_web_cookie(), fz_web_csrf(), (int)tlen,
		     (const char *)data, blen);
	FZ_SETUP(n > 0 && (size_t)n < hlen, "request head");
	memcpy(req + n, body, blen);
	fz_web_send(req, (size_t)n + blen, &r);
	free(req);
	fz_check_api(&r, allowed);
	if (r.status == 202) {
		j = json_loadb(r.body, r.body_len, 0, NULL);
		FZ_CHECK(json_integer_value(json_object_get(j, "batch")) > 0);
		FZ_CHECK(json_integer_value(json_object_get(j, "files")) >= 1);
		json_decref(j);
	}
	fz_resp_free(&r);
	return 0;
}
