/*
 * session.h: signed-in sessions of the web server, private to web/.
 * A session is a random 256-bit token (the HttpOnly cookie) with its own
 * random CSRF token, ended by sign-out or after IDLE seconds unused.
 */
#ifndef WEB_SESSION_H
#define WEB_SESSION_H

#include <stddef.h>

#define SESS_TOKEN_LEN 64 /* hex characters */
#define SESS_IDLE (30 * 60)
#define SESS_PER_USER 16 /* browsers and tabs one user may keep signed in */

/* Starts a session for user, ending their least recently used one if
 * they hold SESS_PER_USER; token and csrf get SESS_TOKEN_LEN + 1 bytes.
 * 0 on success, -1 when the table is full. */
int sess_create(const char *user, char *token, char *csrf);
/* The session's user and CSRF token, refreshing its idle time; -1 if
 * the token is unknown or idle too long. */
int sess_lookup(const char *token, char *user, size_t userlen, char *csrf);
/* Ends a session (sign-out); unknown tokens are ignored. */
void sess_end(const char *token);

#endif
