/*
 * workers.h: the worker processes the server runs beside itself,
 * private to web/.
 */
#ifndef WEB_WORKERS_H
#define WEB_WORKERS_H

/*
 * Starts n worker processes running argv (execv; argv must outlive
 * them), restarted with a back-off when one ends; 0 when started.
 */
int workers_start(int n, char *const *argv);
/* How many of them run now (started, perhaps not yet in the queue's
 * list of workers). */
int workers_running(void);
/* SIGTERM to each, a wait for them to finish or give back, then kill. */
void workers_stop(void);

#endif
