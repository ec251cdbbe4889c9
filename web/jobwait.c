/*
 * jobwait.c: the waiter for requests whose answer depends on a row of
 * the queue (a page turn, a scan starting).  One thread with its own
 * archive connection looks at the held rows every POLL_MS and calls
 * each request's function once its row got there, its time ran out, or
 * the server stops.  Exports jobwait_start, jobwait_add, jobwait_stop.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dossier/archive.h"
#include "jobwait.h"

#define POLL_MS 150

struct held {
	int64_t id;
	enum jobwait_until until;
	double deadline;
	jobwait_fn fn;
	void *arg;
	struct held *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct held *list;
static pthread_t tid;
static int running, stopping;
static char *archive;

static int
arrived(const json_t *job, enum jobwait_until until)
{
	const char *state = json_string_value(json_object_get(job, "state"));

	if (state == NULL)
		return 1;
	if (strcmp(state, "done") == 0 || strcmp(state, "failed") == 0 ||
	    strcmp(state, "cancelled") == 0)
		return 1;
	return until == JOBWAIT_BATCH &&
	       json_integer_value(json_object_get(
		       json_object_get(job, "progress"), "batch")) > 0;
}

static void *
waiter(void *unused)
{
	struct arc *a = NULL;
	struct held *h, **pp;
	struct timespec ts;
	json_t *job;
	int stop;

	(void)unused;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (list == NULL && !stopping)
			pthread_cond_wait(&wake, &lock);
		stop = stopping;
		pthread_mutex_unlock(&lock);
		if (a == NULL && !stop && arc_open(archive, 0, &a) != DOS_OK)
			a = NULL;
		/* Each held row looked at; those that got there taken out. */
		pthread_mutex_lock(&lock);
		for (pp = &list; (h = *pp) != NULL;) {
			int timed_out = stop || dos_mono() >= h->deadline;

			job = NULL;
			if (a != NULL && arc_job_get(a, h->id, &job) != DOS_OK)
				job = NULL;
			if (timed_out || job == NULL ||
			    arrived(job, h->until)) {
				*pp = h->next;
				pthread_mutex_unlock(&lock);
				h->fn(h->arg, h->id, job,
				      timed_out && (job == NULL ||
						    !arrived(job, h->until)));
				pthread_mutex_lock(&lock);
				free(h);
				json_decref(job);
				pp = &list; /* the list may have changed */
				continue;
			}
			json_decref(job);
			pp = &h->next;
		}
		stop = stopping && list == NULL;
		pthread_mutex_unlock(&lock);
		if (stop)
			break;
		ts.tv_sec = 0;
		ts.tv_nsec = POLL_MS * 1000000L;
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	arc_close(a);
	return NULL;
}

int
jobwait_start(const char *dir)
{
	if ((archive = strdup(dir)) == NULL)
		return -1;
	pthread_mutex_lock(&lock);
	stopping = 0;
	running = 1;
	pthread_mutex_unlock(&lock);
	if (pthread_create(&tid, NULL, waiter, NULL) != 0) {
		pthread_mutex_lock(&lock);
		running = 0;
		pthread_mutex_unlock(&lock);
		free(archive);
		archive = NULL;
		return -1;
	}
	return 0;
}

int
jobwait_add(int64_t id, enum jobwait_until until, double seconds,
	    jobwait_fn fn, void *arg)
{
	struct held *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -1;
	h->id = id;
	h->until = until;
	h->deadline = dos_mono() + seconds;
	h->fn = fn;
	h->arg = arg;
	pthread_mutex_lock(&lock);
	if (!running || stopping) {
		pthread_mutex_unlock(&lock);
		free(h);
		return -1;
	}
	h->next = list;
	list = h;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	return 0;
}

void
jobwait_stop(void)
{
	pthread_mutex_lock(&lock);
	if (!running) {
		pthread_mutex_unlock(&lock);
		return;
	}
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(tid, NULL);
	pthread_mutex_lock(&lock);
	running = 0;
	pthread_mutex_unlock(&lock);
	free(archive);
	archive = NULL;
}
