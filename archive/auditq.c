/*
 * auditq.c: a group-committing audit writer for a server.  Every search
 * and view is audited before it is answered; written one by one, each is a
 * write transaction with its own fsync, and concurrent readers queue on
 * SQLite's write lock.  Here one writer thread, with its own connection,
 * takes every entry that arrived while it committed the last group and
 * writes them in one transaction; each caller waits until its entry is
 * committed, so nothing is answered before it is on disk.  A server that
 * answers without holding a thread per waiting request posts its entry
 * with a callback instead, called by the writer once the group is on disk.
 * Connections of the same server use it for their reads (arc_auditq_use,
 * arc_audit_read).
 * Exports arc_auditq_start, arc_auditq_add, arc_auditq_post,
 * arc_auditq_stop, arc_auditq_use and the internal arc_audit_read.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define GROUP_MAX 512

struct entry {
	const char *actor, *action, *object, *detail;
	enum dos_err err;
	int done;
	arc_auditq_fn cb;  /* posted: called once written, then freed */
	void *cb_arg;
	struct entry *next;
};

struct arc_auditq {
	struct arc *a;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work, committed;
	struct entry *head, **tail;
	int stop;
};

static void *
writer(void *arg)
{
	struct arc_auditq *q = arg;
	struct entry *group, *e, *next, *waiting, *posted;
	enum dos_err err;
	int n;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->head == NULL && !q->stop)
			pthread_cond_wait(&q->work, &q->lock);
		if (q->head == NULL && q->stop)
			break;
		/* Take what has arrived (at most GROUP_MAX). */
		group = q->head;
		for (e = group, n = 1; e->next != NULL && n < GROUP_MAX; n++)
			e = e->next;
		q->head = e->next;
		if (q->head == NULL)
			q->tail = &q->head;
		e->next = NULL;
		pthread_mutex_unlock(&q->lock);
		err = arc_tx_begin(q->a);
		for (e = group; err == DOS_OK && e != NULL; e = e->next)
			err = arc_audit(q->a, e->actor, e->action, e->object,
					e->detail);
		if (err == DOS_OK)
			err = arc_tx_commit(q->a);
		else
			arc_tx_rollback(q->a);
		/* Split: callers waiting (entries on their stacks) and
		 * posted entries (the writer's to tell and free). */
		waiting = posted = NULL;
		for (e = group; e != NULL; e = next) {
			next = e->next;
			if (e->cb != NULL) {
				e->next = posted;
				posted = e;
			} else {
				e->next = waiting;
				waiting = e;
			}
		}
		pthread_mutex_lock(&q->lock);
		for (e = waiting; e != NULL; e = next) {
			next = e->next; /* gone once its caller is told */
			e->err = err;
			e->done = 1;
		}
		pthread_cond_broadcast(&q->committed);
		pthread_mutex_unlock(&q->lock);
		for (e = posted; e != NULL; e = next) {
			next = e->next;
			e->cb(e->cb_arg, err);
			free(e);
		}
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

enum dos_err
arc_auditq_start(const char *dir, struct arc_auditq **pq)
{
	struct arc_auditq *q = calloc(1, sizeof(*q));
	enum dos_err err;

	*pq = NULL;
	if (q == NULL)
		return DOS_NOMEM;
	if ((err = arc_open(dir, 0, &q->a)) != DOS_OK) {
		free(q);
		return err;
	}
	q->tail = &q->head;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->committed, NULL);
	if (pthread_create(&q->thread, NULL, writer, q) != 0) {
		arc_close(q->a);
		free(q);
		return DOS_NOMEM;
	}
	*pq = q;
	return DOS_OK;
}

enum dos_err
arc_auditq_add(struct arc_auditq *q, const char *actor, const char *action,
	       const char *object, const char *detail)
{
	struct entry e = {actor, action, object, detail, DOS_OK, 0, NULL,
			  NULL, NULL};

	pthread_mutex_lock(&q->lock);
	if (q->stop) {
		/* The writer may be gone: nobody would write it. */
		pthread_mutex_unlock(&q->lock);
		return DOS_IO;
	}
	*q->tail = &e;
	q->tail = &e.next;
	pthread_cond_signal(&q->work);
	while (!e.done)
		pthread_cond_wait(&q->committed, &q->lock);
	pthread_mutex_unlock(&q->lock);
	return e.err;
}

void
arc_auditq_use(struct arc *a, struct arc_auditq *q)
{
	a->reads = q;
}

enum dos_err
arc_audit_read(struct arc *a, const char *actor, const char *action,
	       const char *object, const char *detail)
{
	/* In a transaction of its own, this connection would hold the lock
	 * the writer waits for. */
	if (a->reads != NULL && sqlite3_get_autocommit(a->db) &&
	    !(a->flags & ARC_READONLY) &&
	    arc_auditq_add(a->reads, actor, action, object != NULL ? object : "",
			   detail != NULL ? detail : "") == DOS_OK)
		return DOS_OK;
	return arc_audit(a, actor, action, object, detail);
}

enum dos_err
arc_auditq_post(struct arc_auditq *q, const char *actor, const char *action,
		const char *object, const char *detail, arc_auditq_fn cb,
		void *arg)
{
	size_t la = strlen(actor) + 1, lc = strlen(action) + 1,
	       lo = strlen(object) + 1, ld = strlen(detail) + 1;
	struct entry *e;
	char *p;

	/* One allocation: the entry, then its four strings. */
	if ((e = malloc(sizeof(*e) + la + lc + lo + ld)) == NULL)
		return DOS_NOMEM;
	p = (char *)(e + 1);
	e->actor = memcpy(p, actor, la);
	e->action = memcpy(p + la, action, lc);
	e->object = memcpy(p + la + lc, object, lo);
	e->detail = memcpy(p + la + lc + lo, detail, ld);
	e->err = DOS_OK;
	e->done = 0;
	e->cb = cb;
	e->cb_arg = arg;
	e->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->stop) {
		/* The writer may be gone: nobody would call cb. */
		pthread_mutex_unlock(&q->lock);
		free(e);
		return DOS_IO;
	}
	*q->tail = e;
	q->tail = &e->next;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->lock);
	return DOS_OK;
}

void
arc_auditq_stop(struct arc_auditq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = 1;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	arc_close(q->a);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->committed);
	pthread_mutex_destroy(&q->lock);
	free(q);
}
