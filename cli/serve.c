/*
 * serve.c: dossier serve as a service: the settings come from the
 * configuration file with the command line's options over them; -n
 * checks them (the file, the listen address, the TLS pair, the archive,
 * the OCR languages) and exits; SIGHUP re-reads the file and applies
 * what a running server can take (ingest settings for new batches, the
 * default deletion hold, declared units and categories, the log level),
 * logging what changed and what needs a restart (listen address,
 * threads, TLS, archive).  A file that is not right on SIGHUP changes
 * nothing.  Exports cli_serve.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier/web.h"

#include "cli.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_THREADS 2

/* What the server runs with, taken from the file and the command line. */
struct eff {
	const char *archive, *listen, *tls_cert, *tls_key;
	int threads;
	enum dos_log_level level;
	struct web_settings ws;
};

struct serve {
	const struct cli_serve_args *sa;
	enum dos_log_level base_level; /* without file: $DOSSIER_DEBUG */
	struct eff cur;  /* strings borrowed from cli_cfg and sa */
	/* The server's own copies of what cannot change while it runs. */
	char *archive, *listen, *tls_cert, *tls_key;
	int threads;
};

static const char *
or_default(const char *s, const char *def)
{
	return s != NULL ? s : def;
}

/* The settings from configuration c (may be NULL) and the command line. */
static void
effective(const struct serve *sv, const struct cli_config *c, struct eff *e)
{
	const struct cli_serve_args *sa = sv->sa;

	memset(e, 0, sizeof(*e));
	e->archive = cli_archive_given
			     ? sa->archive
			     : or_default(cli_config_get(c, CFG_ARCHIVE),
					  "./archive");
	e->listen = or_default(sa->listen,
			       or_default(cli_config_get(c, CFG_LISTEN),
					  DEFAULT_LISTEN));
	e->threads = sa->threads > 0 ? sa->threads
		     : c != NULL && c->line[CFG_THREADS]
			     ? (int)c->num[CFG_THREADS]
			     : DEFAULT_THREADS;
	/* TLS options on the command line replace the file's pair. */
	if (sa->tls_cert != NULL || sa->tls_key != NULL) {
		e->tls_cert = sa->tls_cert;
		e->tls_key = sa->tls_key;
	} else {
		e->tls_cert = cli_config_get(c, CFG_TLS_CERT);
		e->tls_key = cli_config_get(c, CFG_TLS_KEY);
	}
	e->level = sa->verbose ? DOS_LOG_DEBUG
		   : c != NULL && c->level >= 0 ? (enum dos_log_level)c->level
						: sv->base_level;
	web_settings_default(&e->ws);
	cli_config_ingest(c, &e->ws.ingest);
	e->ws.hold_days = cli_config_hold_days(c);
	e->ws.units = cli_config_get(c, CFG_UNITS);
}

/* Whether the OCR engine starts with o (its languages are installed). */
static int
ocr_starts(const struct ing_options *o)
{
	struct ing_options t = *o;
	struct ing *ing = NULL;

	t.jobs = 1;
	if (ing_new(&t, &ing) != DOS_OK) {
		dos_log(DOS_LOG_ERR, "config", "the OCR engine does not start "
			"with languages '%s' (is each language's traineddata "
			"installed?)", o->langs);
		return 0;
	}
	ing_free(ing);
	return 1;
}

/* Brings the archive's categories and retention schedule in line with
 * c's; 0 on success. */
static int
sync_categories(const char *dir, const struct cli_config *c)
{
	struct arc *a = NULL;
	int bad;

	if (c == NULL)
		return 0;
	if (arc_open(dir, 0, &a) != DOS_OK) {
		dos_log(DOS_LOG_ERR, "config", "cannot open archive %s to "
			"declare its categories", dir);
		return 1;
	}
	bad = cli_config_sync(c, a);
	bad += cli_config_sync_retention(c, a);
	arc_close(a);
	return bad;
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Says that a setting the server cannot take while running changed. */
static void
needs_restart(const char *what, const char *now, const char *was)
{
	dos_log(DOS_LOG_WARN, "config", "%s changed to '%s': needs a restart "
		"(the server goes on with '%s')", what, or_default(now, ""),
		or_default(was, ""));
}

/* web_serve's SIGHUP: re-reads the file and applies what it can. */
static void
on_reload(void *arg)
{
	struct serve *sv = arg;
	struct cli_config *nc = NULL;
	struct dbuf errs, changed;
	struct eff ne;
	const char *p, *e;
	char threads[2][16];
	size_t k;
	enum dos_err err;

	dbuf_init(&errs, 64u << 10);
	dbuf_init(&changed, 16u << 10);
	err = cli_config_load(cli_cfg_path, &nc, &errs);
	if (err == DOS_NOTFOUND && cli_cfg == NULL) {
		dos_log(DOS_LOG_INFO, "config", "no configuration file at %s; "
			"nothing to reload", cli_cfg_path);
		goto out;
	}
	if (err != DOS_OK) {
		for (p = errs.data; p != NULL && *p != '\0'; p = e + 1) {
			if ((e = strchr(p, '\n')) == NULL)
				break;
			dos_log(DOS_LOG_ERR, "config", "%.*s", (int)(e - p), p);
		}
		dos_log(DOS_LOG_ERR, "config", "%s not reloaded: the settings "
			"in force stay", cli_cfg_path);
		goto out;
	}
	effective(sv, nc, &ne);
	if (!same(ne.ws.ingest.langs, sv->cur.ws.ingest.langs) &&
	    !ocr_starts(&ne.ws.ingest)) {
		dos_log(DOS_LOG_ERR, "config", "%s not reloaded: the settings "
			"in force stay", cli_cfg_path);
		goto out;
	}
	if (!same(ne.listen, sv->listen))
		needs_restart("listen", ne.listen, sv->listen);
	snprintf(threads[0], sizeof(threads[0]), "%d", ne.threads);
	snprintf(threads[1], sizeof(threads[1]), "%d", sv->threads);
	if (ne.threads != sv->threads)
		needs_restart("threads", threads[0], threads[1]);
	if (!same(ne.tls_cert, sv->tls_cert))
		needs_restart("tls_cert", ne.tls_cert, sv->tls_cert);
	if (!same(ne.tls_key, sv->tls_key))
		needs_restart("tls_key", ne.tls_key, sv->tls_key);
	if (!same(ne.archive, sv->archive))
		needs_restart("archive", ne.archive, sv->archive);
	for (k = 0; k < CFG__MAX; k++) {
		const char *was = cli_config_get(cli_cfg, (enum cfg_key)k);
		const char *now = cli_config_get(nc, (enum cfg_key)k);

		if (!cli_config_reloadable((enum cfg_key)k) || same(was, now))
			continue;
		dbuf_addf(&changed, "%s%s %s -> %s", changed.len ? ", " : "",
			  cli_config_key((enum cfg_key)k),
			  or_default(was, "(default)"),
			  or_default(now, "(default)"));
		if (k == CFG_LOG_LEVEL && sv->sa->verbose)
			dbuf_adds(&changed, " (--verbose goes on)");
	}
	if (web_settings_set(&ne.ws) != DOS_OK) {
		dos_log(DOS_LOG_ERR, "config", "%s not reloaded: out of "
			"memory", cli_cfg_path);
		goto out;
	}
	dos_log_set_level(ne.level);
	sync_categories(sv->archive, nc);
	dos_log(DOS_LOG_INFO, "config", "reloaded %s: %s", cli_cfg_path,
		changed.len > 0 ? changed.data
				: "no setting a reload applies changed");
	/* The server keeps its own copies of listen, TLS and archive. */
	sv->cur = ne;
	cli_config_free(cli_cfg);
	cli_cfg = nc;
	nc = NULL;
out:
	cli_config_free(nc);
	dbuf_free(&errs);
	dbuf_free(&changed);
}

static char *
dup_or_null(const char *s, int *pbad)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*pbad = 1;
	return d;
}

int
cli_serve(const struct cli_serve_args *sa)
{
	struct serve sv;
	struct web_options o;
	int rc = 1, bad = 0;

	memset(&sv, 0, sizeof(sv));
	sv.sa = sa;
	sv.base_level = dos_log_get_level();
	effective(&sv, cli_cfg, &sv.cur);
	sv.archive = dup_or_null(sv.cur.archive, &bad);
	sv.listen = dup_or_null(sv.cur.listen, &bad);
	sv.tls_cert = dup_or_null(sv.cur.tls_cert, &bad);
	sv.tls_key = dup_or_null(sv.cur.tls_key, &bad);
	sv.threads = sv.cur.threads;
	if (bad) {
		fprintf(stderr, "dossier: out of memory\n");
		goto out;
	}
	memset(&o, 0, sizeof(o));
	o.archive_dir = sv.archive;
	o.listen = sv.listen;
	o.threads = sv.cur.threads;
	o.tls_cert = sv.tls_cert;
	o.tls_key = sv.tls_key;
	o.timeout = sa->timeout;
	o.per_ip = sa->per_ip;
	o.reload = on_reload;
	o.reload_arg = &sv;
	if (sa->check) {
		if (web_check(&o) != DOS_OK)
			bad = 1;
		if (!ocr_starts(&sv.cur.ws.ingest))
			bad = 1;
		if (bad) {
			fprintf(stderr, "dossier: configuration not OK\n");
			goto out;
		}
		if (cli_cfg == NULL)
			fprintf(stderr, "dossier: no configuration file at %s; "
					"checked the defaults and the command "
					"line\n", cli_cfg_path);
		printf("configuration OK\n");
		rc = 0;
		goto out;
	}
	dos_log_set_level(sv.cur.level);
	if (cli_cfg != NULL)
		dos_log(DOS_LOG_INFO, "config", "read %s", cli_cfg_path);
	else
		dos_log(DOS_LOG_INFO, "config", "no configuration file at %s; "
			"defaults and the command line", cli_cfg_path);
	if (!ocr_starts(&sv.cur.ws.ingest) ||
	    web_settings_set(&sv.cur.ws) != DOS_OK)
		goto out;
	sync_categories(sv.archive, cli_cfg);
	rc = web_serve(&o) == DOS_OK ? 0 : 1;
out:
	free(sv.archive);
	free(sv.listen);
	free(sv.tls_cert);
	free(sv.tls_key);
	return rc;
}
