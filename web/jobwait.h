/*
 * jobwait.h: requests answered once a row of the queue has got far
 * enough (a page turn read again, a scan begun), private to web/.  The
 * request's connection is suspended meanwhile: no server thread waits.
 */
#ifndef WEB_JOBWAIT_H
#define WEB_JOBWAIT_H

#include <stdint.h>

#include <jansson.h>

/* What a held request waits for. */
enum jobwait_until {
	JOBWAIT_END,   /* the row ended (done, failed, cancelled) */
	JOBWAIT_BATCH, /* ... or says which batch it began ("batch") */
};

/*
 * Called once from the waiter's thread when job got there, or when
 * seconds passed (job NULL... then the last state seen), or at the
 * stop: job is the row as arc_job_get gives it (borrowed; NULL when it
 * could not be read).  The callee resumes its connection.
 */
typedef void (*jobwait_fn)(void *arg, int64_t id, const json_t *job,
			   int timed_out);

/* Starts the waiter, with its own connection to the archive at dir. */
int jobwait_start(const char *dir);
/* Holds arg until job id gets to until, or seconds pass; 0 when held. */
int jobwait_add(int64_t id, enum jobwait_until until, double seconds,
		jobwait_fn fn, void *arg);
/* Calls every held request's fn at once (timed out) and stops. */
void jobwait_stop(void);

#endif
