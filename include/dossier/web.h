/*
 * web.h: the HTTP server: JSON API and browser UI on libmicrohttpd.
 */
#ifndef DOSSIER_WEB_H
#define DOSSIER_WEB_H

#include "dossier/common.h"
#include "dossier/ingest.h"

struct web_options {
	const char *archive_dir;
	const char *listen; /* "127.0.0.1:8080" */
	int threads;        /* worker threads in libmicrohttpd's pool */
	const char *tls_cert; /* PEM certificate (chain) file, or NULL */
	const char *tls_key;  /* its PEM private key file, or NULL */
	int timeout;          /* idle seconds before a connection is
				 closed; 0: WEB_TIMEOUT */
	int per_ip;           /* connections one address may hold; 0:
				 WEB_PER_IP */
	/*
	 * Called on SIGHUP from the thread running web_serve, between
	 * requests' work (they go on meanwhile): re-reads the configuration
	 * and hands what changed to web_settings_set.  NULL: SIGHUP is
	 * logged and otherwise ignored.
	 */
	void (*reload)(void *arg);
	void *reload_arg;
	/*
	 * Worker processes the server starts, restarts (with a back-off)
	 * and stops after the HTTP side: workers of them, each running
	 * worker_argv (execv; NULL-terminated).  0: none (a separate tier).
	 */
	int workers;
	char *const *worker_argv;
};

#define WEB_TIMEOUT 30
#define WEB_MAX_CONNECTIONS 512
/* An office behind one NAT address, or a TLS proxy on loopback, shows
 * up as one address: it may hold a quarter of the connections (about
 * 20 browsers at 6 each); one slow client cannot take them all. */
#define WEB_PER_IP 128

/*
 * What the server takes from the configuration that may change while it
 * runs.  web_settings_set copies it (the strings too); a batch, page turn
 * or cover sheet uses the settings of the moment it starts.
 */
struct web_settings {
	struct ing_options ingest; /* languages, patterns, review threshold,
				    * limits (its user and jobs are ignored) */
	int hold_days; /* an approved deletion without "hold_days" waits
			* this many days before it may be purged */
	const char *units; /* comma-separated units declared by the
			    * configuration, listed even before a customer
			    * or user names them; NULL for none */
	struct arc_queue_limits limits; /* checked before work is queued */
};

/* Fills s with the defaults (ing_options_default, 30 days, no units). */
void web_settings_default(struct web_settings *s);
/* Replaces the server's settings; safe while it serves. */
enum dos_err web_settings_set(const struct web_settings *s);

/*
 * Serves until SIGINT or SIGTERM; returns DOS_OK after a clean stop.
 * Without TLS (tls_cert and tls_key) it listens only on a loopback
 * address: passwords and records never cross a network in the clear.
 * Under systemd (Type=notify) it tells the manager when it is ready,
 * reloading and stopping ($NOTIFY_SOCKET).
 */
enum dos_err web_serve(const struct web_options *o);

/*
 * Checks what web_serve would, without listening: the address, that
 * plain HTTP stays on loopback, that the TLS certificate and key load as
 * a pair, and that the archive opens.  Each fault is logged in words.
 */
enum dos_err web_check(const struct web_options *o);

/* Parses "HOST:PORT" (IPv4 or [IPv6]); exposed for tests. */
enum dos_err web_parse_listen(const char *s, char *host, size_t hostlen,
			      unsigned short *pport);

#endif
