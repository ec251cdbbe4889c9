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

/*
 * Refused sign-ins are counted, not written one by one: a flood of them
 * would be a flood of hash-chained, fsynced audit entries.  The server
 * writes one summary per name, address and reason for each interval
 * (a minute, and what is left when it stops).
 */
#define THR_REFUSALS 1024 /* (name, address, reason)s counted between takes */
struct thr_refusal {
	char name[THR_KEY_MAX + 1]; /* as the audit log names it */
	char addr[THR_KEY_MAX + 1];
	enum thr_who why;           /* the name's back-off or the address's */
	unsigned n;                 /* refused */
	unsigned wait;              /* the longest wait they were told, s */
	int64_t first, last;        /* wall clock, seconds */
};
/* Counts a refused sign-in of name (as the audit log names it) from
 * addr, told to wait wait seconds because of why; now in seconds of
 * the wall clock. */
void thr_refused(const char *name, const char *addr, enum thr_who why,
		 unsigned wait, int64_t now);
/*
 * Moves up to max of the refusals counted so far into out and forgets
 * them; returns how many.  *plost: refused sign-ins that found the table
 * full (counted, not itemised).  Take until it returns less than max.
 */
int thr_refusals_take(struct thr_refusal *out, int max, unsigned *plost);

#endif
