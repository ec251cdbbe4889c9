/*
 * web.h: the real dossier server for the HTTP harnesses (fuzz/multipart.c,
 * fuzz/json.c), in the harness's own process: see fuzz/web.c.
 */
#ifndef FUZZ_WEB_H
#define FUZZ_WEB_H

#include <stddef.h>

/* One answer: its status and body (NUL-terminated, freed by fz_resp_free). */
struct fz_resp {
	int status;         /* 0: no answer came (closed or timed out) */
	char type[64];      /* Content-Type, or "" */
	char *body;
	size_t body_len;
	size_t head_len;
	char why[160];      /* how the exchange went, for a missing answer */
};

/*
 * Starts the server once per process on a fresh archive (one user "fuzz"
 * with every action and scope all, a customer, two documents, a
 * category alias, a grant request) and signs in.  Exits the process when
 * anything fails.  Stopped (SIGTERM to its thread, as `dossier serve` is
 * stopped) at exit.
 */
void fz_web_start(void);
/* The signed-in session's cookie and CSRF token (borrowed). */
const char *fz_web_cookie(void);
const char *fz_web_csrf(void);
/* Sends a whole request on a new connection and reads the answer until
 * the server closes it (the request must say "Connection: close"). */
void fz_web_send(const char *req, size_t len, struct fz_resp *out);
void fz_resp_free(struct fz_resp *r);
/* Checks an answer of the JSON API: a JSON body, an "error" string when
 * the status is 400 or more, and a status in the list (ended by 0). */
void fz_check_api(const struct fz_resp *r, const int *allowed);

#endif
