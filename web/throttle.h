/*
 * throttle.h: back-off after failed sign-ins, private to web/.
 * Failures are counted per user name and per client address in two
 * bounded tables.  Past a number of free failures each further failure
 * doubles the wait (1 s, 2 s, 4 s, ... up to THR_MAX_WAIT) during which
 * no password is checked for that name or address; nobody sleeps.  A
 * successful sign-in forgets the name's failures; an address's are
 * forgotten THR_FORGET seconds after its last one.  Times are in
 * milliseconds of a monotonic clock (thr_now).
 */
#ifndef WEB_THROTTLE_H
#define WEB_THROTTLE_H

#include <stdint.h>

#define THR_NAME_FREE 5    /* failures a name has before its back-off */
#define THR_ADDR_FREE 20   /* ... an address (many share one NAT) */
#define THR_MAX_WAIT 900   /* the longest back-off, seconds */
#define THR_FORGET 900     /* idle seconds after which failures are gone */
#define THR_SLOTS 4096     /* names and addresses tracked, each */
#define THR_KEY_MAX 64     /* bytes of a name or address kept */

enum thr_who { THR_NONE, THR_NAME, THR_ADDR };

/* Now, in milliseconds of the monotonic clock. */
int64_t thr_now(void);
/* Seconds (rounded up) name (may be NULL) or addr must still wait
 * before a password is checked, 0 if it may be now; *pwho says which. */
unsigned thr_wait(const char *name, const char *addr, int64_t now,
		  enum thr_who *pwho);
/* Counts a failed sign-in of name from addr; the back-off it starts
 * (seconds, 0 for none) for the name or the address, the longer. */
unsigned thr_fail(const char *name, const char *addr, int64_t now);
/* A successful sign-in: name's failures are forgotten. */
void thr_success(const char *name);
/* Forgets everything (tests). */
void thr_reset(void);

#endif
