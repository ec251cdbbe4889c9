/*
 * settings.c: the settings the server takes from the configuration and
 * may change on SIGHUP (ingest options for uploads, page turns and cover
 * sheets; the default hold of an approved deletion; declared units).
 * The current set is swapped under a lock; each user holds a reference,
 * so a batch still running keeps the settings it started with.
 * Exports web_settings_default, web_settings_set, wset_get, wset_put,
 * wset_shutdown.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dossier/web.h"
#include "settings.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct wset *cur;

void
web_settings_default(struct web_settings *s)
{
	memset(s, 0, sizeof(*s));
	ing_options_default(&s->ingest);
	s->hold_days = 30;
	s->limits.file_pages = 2000;
	s->limits.user_pages = 20000;
	s->limits.user_bytes = 4096ull << 20;
	s->limits.total_bytes = 16384ull << 20;
}

static void
wset_free(struct wset *w)
{
	size_t i;

	if (w == NULL)
		return;
	free((char *)w->ingest.langs);
	free((char *)w->ingest.account_regex);
	free((char *)w->ingest.separator);
	free((char *)w->ingest.cover_prefix);
	free((char *)w->ingest.label_regex);
	for (i = 0; i < w->nunits; i++)
		free(w->units[i]);
	free(w->units);
	free(w);
}

/* A copy of s, or NULL when it is NULL or memory runs out (*pbad). */
static const char *
dup_or(const char *s, int *pbad)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*pbad = 1;
	return d;
}

/* Splits a comma list into trimmed, non-empty names. */
static enum dos_err
split_units(struct wset *w, const char *list)
{
	const char *p = list, *e, *b;
	size_t n = 1, len;

	for (e = list; *e != '\0'; e++)
		n += *e == ',';
	if ((w->units = calloc(n, sizeof(*w->units))) == NULL)
		return DOS_NOMEM;
	while (*p != '\0') {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		for (b = p; b < e && (*b == ' ' || *b == '\t'); b++)
			;
		len = (size_t)(e - b);
		while (len > 0 && (b[len - 1] == ' ' || b[len - 1] == '\t'))
			len--;
		if (len > 0) {
			if ((w->units[w->nunits] = strndup(b, len)) == NULL)
				return DOS_NOMEM;
			w->nunits++;
		}
		p = *e == ',' ? e + 1 : e;
	}
	return DOS_OK;
}

static struct wset *
wset_new(const struct web_settings *s)
{
	struct wset *w = calloc(1, sizeof(*w));
	int bad = 0;

	if (w == NULL)
		return NULL;
	w->ingest = s->ingest;
	w->ingest.account = w->ingest.category = w->ingest.doc_type = NULL;
	w->ingest.user = NULL;
	w->ingest.langs = dup_or(s->ingest.langs, &bad);
	w->ingest.account_regex = dup_or(s->ingest.account_regex, &bad);
	w->ingest.separator = dup_or(s->ingest.separator, &bad);
	w->ingest.cover_prefix = dup_or(s->ingest.cover_prefix, &bad);
	w->ingest.label_regex = dup_or(s->ingest.label_regex, &bad);
	w->hold_days = s->hold_days;
	w->limits = s->limits;
	w->refs = 1; /* the reference of being current */
	if (bad || (s->units != NULL && split_units(w, s->units) != DOS_OK)) {
		wset_free(w);
		return NULL;
	}
	return w;
}

enum dos_err
web_settings_set(const struct web_settings *s)
{
	struct wset *w = wset_new(s), *old;

	if (w == NULL)
		return DOS_NOMEM;
	pthread_mutex_lock(&lock);
	old = cur;
	cur = w;
	pthread_mutex_unlock(&lock);
	wset_put(old);
	return DOS_OK;
}

/* The defaults without a copy: when memory ran out before any set. */
static struct wset fallback;
static pthread_once_t fallback_once = PTHREAD_ONCE_INIT;

static void
fallback_init(void)
{
	ing_options_default(&fallback.ingest);
	fallback.hold_days = 30;
}

const struct wset *
wset_get(void)
{
	struct web_settings d;
	struct wset *w;

	pthread_mutex_lock(&lock);
	if (cur == NULL) {
		web_settings_default(&d);
		cur = wset_new(&d);
	}
	if ((w = cur) != NULL)
		w->refs++;
	pthread_mutex_unlock(&lock);
	if (w == NULL) {
		pthread_once(&fallback_once, fallback_init);
		return &fallback;
	}
	return w;
}

void
wset_put(const struct wset *s)
{
	struct wset *w = (struct wset *)s;
	int gone;

	if (w == NULL || w == &fallback)
		return;
	pthread_mutex_lock(&lock);
	gone = --w->refs == 0;
	pthread_mutex_unlock(&lock);
	if (gone)
		wset_free(w);
}

void
wset_shutdown(void)
{
	struct wset *old;

	pthread_mutex_lock(&lock);
	old = cur;
	cur = NULL;
	pthread_mutex_unlock(&lock);
	wset_put(old);
}
