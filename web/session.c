/*
 * session.c: the web server's sessions, in memory (a restart signs
 * everyone out), under one mutex.  Tokens come from libsodium's random
 * generator and are compared in constant time.  One user holds at most
 * SESS_PER_USER sessions (a new one ends their least recently used), so
 * signing in again and again cannot fill the table for everyone.
 * Exports sess_create, sess_lookup, sess_end.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "session.h"

#define MAX_SESSIONS 1024

struct sess {
	char token[SESS_TOKEN_LEN + 1];
	char csrf[SESS_TOKEN_LEN + 1];
	char user[65];
	time_t last;
};

static struct sess table[MAX_SESSIONS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void
random_hex(char *out)
{
	unsigned char raw[SESS_TOKEN_LEN / 2];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, SESS_TOKEN_LEN + 1, raw, sizeof(raw));
}

static int
live(const struct sess *s, time_t now)
{
	return s->token[0] != '\0' && now - s->last <= SESS_IDLE;
}

int
sess_create(const char *user, char *token, char *csrf)
{
	time_t now = time(NULL);
	int i, mine = 0, oldest = -1, rc = -1;

	pthread_mutex_lock(&lock);
	for (i = 0; i < MAX_SESSIONS; i++)
		if (live(&table[i], now) && strcmp(table[i].user, user) == 0) {
			mine++;
			if (oldest < 0 || table[i].last < table[oldest].last)
				oldest = i;
		}
	if (mine >= SESS_PER_USER)
		sodium_memzero(&table[oldest], sizeof(table[oldest]));
	for (i = 0; i < MAX_SESSIONS; i++) {
		if (live(&table[i], now))
			continue;
		random_hex(table[i].token);
		random_hex(table[i].csrf);
		snprintf(table[i].user, sizeof(table[i].user), "%s", user);
		table[i].last = now;
		memcpy(token, table[i].token, SESS_TOKEN_LEN + 1);
		memcpy(csrf, table[i].csrf, SESS_TOKEN_LEN + 1);
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

static struct sess *
find(const char *token)
{
	int i;

	if (token == NULL || strlen(token) != SESS_TOKEN_LEN)
		return NULL;
	for (i = 0; i < MAX_SESSIONS; i++)
		if (table[i].token[0] != '\0' &&
		    sodium_memcmp(table[i].token, token, SESS_TOKEN_LEN) == 0)
			return &table[i];
	return NULL;
}

int
sess_lookup(const char *token, char *user, size_t userlen, char *csrf)
{
	time_t now = time(NULL);
	struct sess *s;
	int rc = -1;

	pthread_mutex_lock(&lock);
	if ((s = find(token)) != NULL) {
		if (live(s, now)) {
			s->last = now;
			snprintf(user, userlen, "%s", s->user);
			memcpy(csrf, s->csrf, SESS_TOKEN_LEN + 1);
			rc = 0;
		} else
			sodium_memzero(s, sizeof(*s));
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

void
sess_end(const char *token)
{
	struct sess *s;

	pthread_mutex_lock(&lock);
	if ((s = find(token)) != NULL)
		sodium_memzero(s, sizeof(*s));
	pthread_mutex_unlock(&lock);
}
