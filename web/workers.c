/*
 * workers.c: the worker processes `dossier serve` runs beside itself.
 * A supervisor thread starts each (fork and exec of the worker command;
 * the child gets SIGTERM should the server die), restarts one that
 * ended with a back-off (1 s, doubling to a minute; back to 1 s after a
 * minute of running), and at the stop sends SIGTERM, waits for them to
 * finish or give back their rows, and kills what is left.  Workers run
 * at the lowest CPU priority (nice 19): requests are answered first.
 * Exports workers_start, workers_running, workers_stop.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dossier/common.h"
#include "workers.h"

#define MAX_WORKERS 64
#define BACKOFF_MAX 60.0
#define STOP_WAIT 40.0 /* seconds for a worker to finish at the stop */
#define WORKER_NICE 19 /* the workers' CPU yields to the HTTP threads */

struct child {
	pid_t pid;
	double started, next_start, backoff;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct child kids[MAX_WORKERS];
static int nkids, stopping, running;
static char *const *argv_w;
static pthread_t tid;

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int
workers_running(void)
{
	int i, n = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nkids; i++)
		if (kids[i].pid > 0)
			n++;
	pthread_mutex_unlock(&lock);
	return n;
}

/* Starts worker i (under lock). */
static void
spawn(int i)
{
	sigset_t none;
	pid_t parent = getpid(), pid;

	pid = fork();
	if (pid == 0) {
		/* The server's signal mask is not the worker's. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		/* Reading pages yields to answering requests. */
		if (nice(WORKER_NICE) == -1 && errno != 0)
			errno = 0;
		execv(argv_w[0], argv_w);
		_exit(127);
	}
	if (pid < 0) {
		dos_errx("cannot start a worker: %s", strerror(errno));
		kids[i].next_start = dos_mono() + kids[i].backoff;
		return;
	}
	kids[i].pid = pid;
	kids[i].started = dos_mono();
	dos_infox("worker %d started (pid %ld)", i + 1, (long)pid);
}

static void *
supervise(void *unused)
{
	int i, status, stop;
	pid_t pid;
	double now;

	(void)unused;
	for (;;) {
		pthread_mutex_lock(&lock);
		stop = stopping;
		now = dos_mono();
		for (i = 0; i < nkids; i++) {
			if (kids[i].pid > 0) {
				pid = waitpid(kids[i].pid, &status, WNOHANG);
				if (pid != kids[i].pid)
					continue;
				kids[i].pid = 0;
				if (stop)
					continue;
				/* A minute of work resets the back-off. */
				if (now - kids[i].started > BACKOFF_MAX)
					kids[i].backoff = 1;
				if (WIFSIGNALED(status))
					dos_warnx("worker %d (pid %ld) died of "
						  "signal %d; restarting in "
						  "%.0f s", i + 1, (long)pid,
						  WTERMSIG(status),
						  kids[i].backoff);
				else
					dos_warnx("worker %d (pid %ld) ended "
						  "with status %d; restarting "
						  "in %.0f s", i + 1, (long)pid,
						  WEXITSTATUS(status),
						  kids[i].backoff);
				kids[i].next_start = now + kids[i].backoff;
				kids[i].backoff *= 2;
				if (kids[i].backoff > BACKOFF_MAX)
					kids[i].backoff = BACKOFF_MAX;
			} else if (!stop && now >= kids[i].next_start)
				spawn(i);
		}
		pthread_mutex_unlock(&lock);
		if (stop)
			break;
		sleep_ms(200);
	}
	return NULL;
}

int
workers_start(int n, char *const *argv)
{
	int i;

	if (n <= 0 || argv == NULL || argv[0] == NULL)
		return 0;
	argv_w = argv;
	pthread_mutex_lock(&lock);
	nkids = n > MAX_WORKERS ? MAX_WORKERS : n;
	stopping = 0;
	for (i = 0; i < nkids; i++) {
		kids[i].pid = 0;
		kids[i].backoff = 1;
		kids[i].next_start = 0;
		spawn(i);
	}
	pthread_mutex_unlock(&lock);
	if (pthread_create(&tid, NULL, supervise, NULL) != 0)
		return -1;
	running = 1;
	return 0;
}

void
workers_stop(void)
{
	double until;
	int i, left, status;

	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_mutex_unlock(&lock);
	pthread_join(tid, NULL);
	running = 0;
	for (i = 0; i < nkids; i++)
		if (kids[i].pid > 0)
			kill(kids[i].pid, SIGTERM);
	/* They finish what they hold, or give it back. */
	until = dos_mono() + STOP_WAIT;
	do {
		left = 0;
		for (i = 0; i < nkids; i++) {
			if (kids[i].pid <= 0)
				continue;
			if (waitpid(kids[i].pid, &status, WNOHANG) ==
			    kids[i].pid)
				kids[i].pid = 0;
			else
				left++;
		}
		if (left > 0)
			sleep_ms(100);
	} while (left > 0 && dos_mono() < until);
	for (i = 0; i < nkids; i++)
		if (kids[i].pid > 0) {
			dos_warnx("worker pid %ld did not stop; killed",
				  (long)kids[i].pid);
			kill(kids[i].pid, SIGKILL);
			waitpid(kids[i].pid, &status, 0);
			kids[i].pid = 0;
		}
	if (nkids > 0)
		dos_infox("workers stopped");
}
