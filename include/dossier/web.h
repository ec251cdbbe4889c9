/*
 * web.h: the HTTP server: JSON API and browser UI on libmicrohttpd.
 */
#ifndef DOSSIER_WEB_H
#define DOSSIER_WEB_H

#include "dossier/common.h"

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
};

#define WEB_TIMEOUT 30
#define WEB_MAX_CONNECTIONS 512
/* An office behind one NAT address, or a TLS proxy on loopback, shows
 * up as one address: it may hold a quarter of the connections (about
 * 20 browsers at 6 each); one slow client cannot take them all. */
#define WEB_PER_IP 128

/*
 * Serves until SIGINT or SIGTERM; returns DOS_OK after a clean stop.
 * Without TLS (tls_cert and tls_key) it listens only on a loopback
 * address: passwords and records never cross a network in the clear.
 */
enum dos_err web_serve(const struct web_options *o);

/* Parses "HOST:PORT" (IPv4 or [IPv6]); exposed for tests. */
enum dos_err web_parse_listen(const char *s, char *host, size_t hostlen,
			      unsigned short *pport);

#endif
