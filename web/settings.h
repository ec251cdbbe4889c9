/*
 * settings.h: the server's reloadable settings (web/settings.c), private
 * to web/.  A handler takes a reference for as long as it uses them; a
 * reload swaps in new ones without touching those in use.
 */
#ifndef WEB_SETTINGS_H
#define WEB_SETTINGS_H

#include <stddef.h>

#include "dossier/ingest.h"

struct wset {
	struct ing_options ingest; /* strings owned by the wset */
	int hold_days;
	struct arc_queue_limits limits;
	char **units; /* declared units */
	size_t nunits;
	int refs;     /* guarded by the settings lock */
};

/* The current settings (never NULL), held until wset_put. */
const struct wset *wset_get(void);
void wset_put(const struct wset *s);
/* Frees the current settings, at the server's stop. */
void wset_shutdown(void);

#endif
