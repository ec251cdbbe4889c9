/*
 * throttle.c: sign-in back-off per user name and per client address, in
 * two fixed tables under one mutex.  An entry counts failures and holds
 * the time until which its name or address must wait; entries idle for
 * THR_FORGET seconds are free again, and when a table is full the entry
 * whose last failure is oldest gives way.
 * Refused sign-ins are counted per name, address and reason in a third
 * table, taken by the server for the audit log's summaries.
 * Exports thr_now, thr_wait, thr_fail, thr_success, thr_reset,
 * thr_refused, thr_refusals_take.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "throttle.h"

struct thr_entry {
	char key[THR_KEY_MAX + 1]; /* "" when free */
	unsigned fails;
	int64_t last;  /* the latest failure, ms */
	int64_t until; /* no password checked before this, ms */
};

static struct thr_entry names[THR_SLOTS], addrs[THR_SLOTS];
static struct thr_refusal refusals[THR_REFUSALS];
static int nrefusals;
static unsigned lost;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* s cut to THR_KEY_MAX bytes, on a UTF-8 character boundary. */
static void
make_key(const char *s, char *key)
{
	size_t n = strlen(s);

	if (n > THR_KEY_MAX) {
		n = THR_KEY_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(key, s, n);
	key[n] = '\0';
}

int64_t
thr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
expired(const struct thr_entry *e, int64_t now)
{
	return now >= e->until && now - e->last > THR_FORGET * 1000LL;
}

/* The live entry for s, or NULL. */
static struct thr_entry *
find(struct thr_entry *tab, const char *s, int64_t now)
{
	char key[THR_KEY_MAX + 1];
	int i;

	make_key(s, key);
	for (i = 0; i < THR_SLOTS; i++)
		if (tab[i].key[0] != '\0' && strcmp(tab[i].key, key) == 0) {
			if (!expired(&tab[i], now))
				return &tab[i];
			memset(&tab[i], 0, sizeof(tab[i]));
			return NULL;
		}
	return NULL;
}

/* A fresh entry for s: a free or expired slot, else the one whose last
 * failure is oldest. */
static struct thr_entry *
add(struct thr_entry *tab, const char *s, int64_t now)
{
	struct thr_entry *e = &tab[0];
	int i;

	for (i = 0; i < THR_SLOTS; i++) {
		if (tab[i].key[0] == '\0' || expired(&tab[i], now)) {
			e = &tab[i];
			break;
		}
		if (tab[i].last < e->last)
			e = &tab[i];
	}
	memset(e, 0, sizeof(*e));
	make_key(s, e->key);
	return e;
}

static unsigned
left(const struct thr_entry *e, int64_t now)
{
	return e != NULL && e->until > now
		       ? (unsigned)((e->until - now + 999) / 1000)
		       : 0;
}

unsigned
thr_wait(const char *name, const char *addr, int64_t now, enum thr_who *pwho)
{
	unsigned wn, wa;

	pthread_mutex_lock(&lock);
	wn = name != NULL && name[0] != '\0' ? left(find(names, name, now), now)
					     : 0;
	wa = addr != NULL ? left(find(addrs, addr, now), now) : 0;
	pthread_mutex_unlock(&lock);
	*pwho = wa > wn ? THR_ADDR : wn > 0 ? THR_NAME : THR_NONE;
	return wa > wn ? wa : wn;
}

/* One more failure on e; the back-off it starts. */
static unsigned
count(struct thr_entry *e, unsigned free_fails, int64_t now)
{
	unsigned over, wait;

	e->fails++;
	e->last = now;
	if (e->fails < free_fails)
		return 0;
	over = e->fails - free_fails;
	wait = over >= 10 ? THR_MAX_WAIT : 1u << over;
	if (wait > THR_MAX_WAIT)
		wait = THR_MAX_WAIT;
	e->until = now + (int64_t)wait * 1000;
	return wait;
}

unsigned
thr_fail(const char *name, const char *addr, int64_t now)
{
	struct thr_entry *e;
	unsigned wn = 0, wa = 0;

	pthread_mutex_lock(&lock);
	if (name != NULL && name[0] != '\0') {
		if ((e = find(names, name, now)) == NULL)
			e = add(names, name, now);
		wn = count(e, THR_NAME_FREE, now);
	}
	if (addr != NULL) {
		if ((e = find(addrs, addr, now)) == NULL)
			e = add(addrs, addr, now);
		wa = count(e, THR_ADDR_FREE, now);
	}
	pthread_mutex_unlock(&lock);
	return wa > wn ? wa : wn;
}

void
thr_success(const char *name)
{
	char key[THR_KEY_MAX + 1];
	int i;

	if (name == NULL)
		return;
	make_key(name, key);
	pthread_mutex_lock(&lock);
	for (i = 0; i < THR_SLOTS; i++)
		if (strcmp(names[i].key, key) == 0)
			memset(&names[i], 0, sizeof(names[i]));
	pthread_mutex_unlock(&lock);
}

void
thr_reset(void)
{
	pthread_mutex_lock(&lock);
	memset(names, 0, sizeof(names));
	memset(addrs, 0, sizeof(addrs));
	nrefusals = 0;
	lost = 0;
	pthread_mutex_unlock(&lock);
}

void
thr_refused(const char *name, const char *addr, enum thr_who why,
	    unsigned wait, int64_t now)
{
	char nk[THR_KEY_MAX + 1], ak[THR_KEY_MAX + 1];
	struct thr_refusal *r = NULL;
	int i;

	make_key(name != NULL ? name : "", nk);
	make_key(addr != NULL ? addr : "", ak);
	pthread_mutex_lock(&lock);
	for (i = 0; i < nrefusals; i++)
		if (refusals[i].why == why && strcmp(refusals[i].name, nk) == 0 &&
		    strcmp(refusals[i].addr, ak) == 0) {
			r = &refusals[i];
			break;
		}
	if (r == NULL && nrefusals < THR_REFUSALS) {
		r = &refusals[nrefusals++];
		memset(r, 0, sizeof(*r));
		memcpy(r->name, nk, sizeof(nk));
		memcpy(r->addr, ak, sizeof(ak));
		r->why = why;
		r->first = now;
	}
	if (r == NULL)
		lost++;
	else {
		r->n++;
		r->last = now;
		if (wait > r->wait)
			r->wait = wait;
	}
	pthread_mutex_unlock(&lock);
}

int
thr_refusals_take(struct thr_refusal *out, int max, unsigned *plost)
{
	int n;

	pthread_mutex_lock(&lock);
	n = nrefusals < max ? nrefusals : max;
	memcpy(out, refusals, sizeof(*out) * (size_t)n);
	memmove(refusals, refusals + n,
		sizeof(*refusals) * (size_t)(nrefusals - n));
	nrefusals -= n;
	*plost = lost;
	lost = 0;
	pthread_mutex_unlock(&lock);
	return n;
}
