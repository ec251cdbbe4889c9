/*
 * scan.c: dossier scan: scanning straight from a SANE scanner into a
 * batch (--list shows the scanners), with progress on a terminal; a
 * scanner that stops (jam, empty feeder, lost device, Ctrl-C) leaves the
 * batch stopped with its pages filed, to `scan --resume B` or
 * `batch close B`.  Exit status 0 done, 1 error, 2 usage, 3 stopped.
 * Exports cmd_scan, cmd_batch_close.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dossier/archive.h"
#include "dossier/ingest.h"

#include "cli.h"

#define MAX_SET 32
#define EXIT_STOPPED 3

static volatile sig_atomic_t cancelled;

static void
on_sigint(int sig)
{
	(void)sig;
	cancelled = 1;
}

struct scan_ctx {
	int json, show, failed;
	int64_t batch;
	json_t *docs, *errs;
};

static void
scan_progress(void *arg, const struct ing_progress *p)
{
	struct scan_ctx *c = arg;
	double rate = p->elapsed > 0 ? p->pages_done * 60.0 / p->elapsed : 0;

	if (!c->show)
		return;
	fprintf(stderr, "\r\033[Kbatch %lld: %d page(s) scanned, %d read, "
			"%.0f pages/min", (long long)c->batch, p->pages_queued,
		p->pages_done, rate);
	fflush(stderr);
}

static void
scan_file(void *arg, const char *name, enum dos_err err, json_t *docs,
	  const char *msg)
{
	struct scan_ctx *c = arg;
	json_t *d;
	size_t k;

	if (c->show)
		fprintf(stderr, "\r\033[K");
	if (err != DOS_OK) {
		c->failed++;
		json_array_append_new(c->errs,
				      json_pack("{s:s,s:s}", "name", name,
						"error", msg ? msg : "failed"));
		if (!c->json)
			fprintf(stderr, "%s: %s\n", name, msg ? msg : "failed");
		return;
	}
	if (json_array_size(docs) == 0 && !c->json)
		printf("%s: no document pages (only blank, separator or cover "
		       "sheets); kept on record\n", name);
	json_array_foreach(docs, k, d) {
		json_object_set_new(d, "name", json_string(name));
		json_array_append(c->docs, d);
		if (c->json)
			continue;
		printf("%s: filed as document %lld, %lld page(s) from page "
		       "%lld, account %s, category %s, %s%s%s\n", name,
		       (long long)json_integer_value(json_object_get(d, "id")),
		       (long long)json_integer_value(
			       json_object_get(d, "pages")),
		       (long long)json_integer_value(
			       json_object_get(d, "first_page")),
		       json_string_value(json_object_get(d, "account"))
			       ?: "(none)",
		       json_string_value(json_object_get(d, "category"))
			       ?: "(none)",
		       json_string_value(json_object_get(d, "status")),
		       json_string_value(json_object_get(d, "review_reason"))
			       ? ": "
			       : "",
		       json_string_value(json_object_get(d, "review_reason"))
			       ?: "");
	}
	fflush(stdout);
}

static int
scan_list(int json)
{
	json_t *list = NULL, *d;
	char msg[256];
	size_t k;
	int busy = 0;

	if (ing_scan_list(&list, &busy, msg, sizeof(msg)) != DOS_OK) {
		fprintf(stderr, "dossier: %s\n", msg);
		return 1;
	}
	if (json)
		cli_print_json(list);
	else if (json_array_size(list) == 0)
		printf("no scanner found\n");
	json_array_foreach(list, k, d) {
		if (json)
			break;
		printf("%-24s %s %s (%s)\n",
		       json_string_value(json_object_get(d, "name")),
		       json_string_value(json_object_get(d, "vendor")),
		       json_string_value(json_object_get(d, "model")),
		       json_string_value(json_object_get(d, "type")));
	}
	json_decref(list);
	return 0;
}

static const char *const stop_names[] = {
	[ING_SCAN_DONE] = "done",
	[ING_SCAN_EMPTY] = "empty",
	[ING_SCAN_JAMMED] = "jammed",
	[ING_SCAN_COVER_OPEN] = "cover-open",
	[ING_SCAN_LOST] = "lost",
	[ING_SCAN_BUSY] = "busy",
	[ING_SCAN_CANCELLED] = "cancelled",
	[ING_SCAN_LIMIT] = "limit",
	[ING_SCAN_FAILED] = "failed",
};

int
cmd_scan(const char *dir, int argc, char **argv)
{
	enum { O_LIST = 1000, O_DEVICE, O_SOURCE, O_DUPLEX, O_DPI, O_MODE,
	       O_SET, O_RESUME, O_JSON };
	static const struct option lo[] = {
		CLI_INGEST_LONGOPTS,
		{"list", no_argument, NULL, O_LIST},
		{"device", required_argument, NULL, O_DEVICE},
		{"source", required_argument, NULL, O_SOURCE},
		{"duplex", no_argument, NULL, O_DUPLEX},
		{"dpi", required_argument, NULL, O_DPI},
		{"mode", required_argument, NULL, O_MODE},
		{"set", required_argument, NULL, O_SET},
		{"resume", required_argument, NULL, O_RESUME},
		{"json", no_argument, NULL, O_JSON},
		{NULL, 0, NULL, 0},
	};
	struct ing_scan_options so;
	struct ing_scan_result res;
	struct ing_options o;
	struct ing_scan *s = NULL;
	struct arc *a = NULL;
	struct scan_ctx ctx;
	struct sigaction sa, old;
	char *set[MAX_SET], msg[512];
	long v;
	int c, list = 0, lang = 0, rc = 1, sigset = 0;
	int64_t resume = 0;
	double t0;
	enum dos_err err;

	memset(&so, 0, sizeof(so));
	memset(&ctx, 0, sizeof(ctx));
	so.duplex = -1;
	so.set = set;
	ing_options_default(&o);
	while ((c = getopt_long(argc, argv, CLI_INGEST_SHORT, lo, NULL)) !=
	       -1) {
		switch (c) {
		case O_LIST: list = 1; break;
		case O_DEVICE: so.device = optarg; break;
		case O_SOURCE: so.source = optarg; break;
		case O_DUPLEX: so.duplex = 1; break;
		case O_MODE: so.mode = optarg; break;
		case O_JSON: ctx.json = 1; break;
		case O_DPI:
			if (!cli_number(optarg, ING_SCAN_MIN_DPI,
					ING_SCAN_MAX_DPI, &v)) {
				fprintf(stderr, "dossier: --dpi is %d to %d\n",
					ING_SCAN_MIN_DPI, ING_SCAN_MAX_DPI);
				goto usage;
			}
			so.dpi = (int)v;
			break;
		case O_SET:
			if (so.nset == MAX_SET || strchr(optarg, '=') == NULL)
				goto usage;
			set[so.nset++] = optarg;
			break;
		case O_RESUME:
			if (!cli_number(optarg, 1, 0x7fffffffL, &v))
				goto usage;
			resume = v;
			break;
		default:
			if (c == 'l')
				lang = 1;
			if (cli_ingest_option(&o, c, optarg) != CLI_OPT_OK)
				goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if (list)
		return scan_list(ctx.json);
	/* A resumed batch keeps its languages unless told otherwise. */
	if (resume > 0 && !lang)
		o.langs = NULL;
	if ((ctx.docs = json_array()) == NULL ||
	    (ctx.errs = json_array()) == NULL)
		goto out;
	ctx.show = !ctx.json && isatty(STDERR_FILENO);
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	/* Ctrl-C stops after the page being read; the pages stay filed. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	/* A second Ctrl-C ends at once; reads go on meanwhile (a read the
	 * signal broke would look like a lost scanner). */
	sa.sa_flags = SA_RESETHAND | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigset = sigaction(SIGINT, &sa, &old) == 0;
	so.cancel = &cancelled;
	if ((err = ing_scan_open(&o, &so, a, &cli_user, resume, &s, msg,
				 sizeof(msg))) != DOS_OK) {
		fprintf(stderr, "dossier: %s\n", msg);
		goto out;
	}
	ctx.batch = ing_scan_batch(s);
	if (!ctx.json)
		fprintf(stderr, "batch %lld: %s %s\n", (long long)ctx.batch,
			resume > 0 ? "resumed, scanning from"
				   : "scanning from",
			ing_scan_describe(s));
	t0 = dos_mono();
	err = ing_scan_run(s, a, scan_file, scan_progress, &ctx, &res);
	if (ctx.show)
		fprintf(stderr, "\r\033[K");
	if (err != DOS_OK)
		fprintf(stderr, "dossier: the archive failed: %s\n",
			dos_strerror(err));
	if (ctx.json) {
		json_t *j = json_pack(
			"{s:I,s:s,s:i,s:i,s:s,s:O,s:O}", "batch",
			(json_int_t)res.batch, "stop", stop_names[res.stop],
			"pages_run", res.pages_run, "pages", res.pages,
			"message", res.what, "documents", ctx.docs, "errors",
			ctx.errs);

		cli_print_json(j);
		json_decref(j);
	}
	if (res.stop == ING_SCAN_DONE) {
		double el = dos_mono() - t0;

		if (!ctx.json)
			printf("batch %lld: %s; %d document(s), %d page(s) "
			       "in the batch, %.1fs (%.1f pages/min)\n",
			       (long long)res.batch, res.what, res.documents,
			       res.pages, el,
			       el > 0 ? res.pages_run * 60.0 / el : 0.0);
		rc = err != DOS_OK || ctx.failed ? 1 : 0;
		goto out;
	}
	fprintf(stderr, "dossier: %s; %d page%s %s kept in batch %lld; %s%s"
			"run `dossier scan --resume %lld` (or `dossier batch "
			"close %lld`)\n",
		res.what, res.pages, res.pages == 1 ? "" : "s",
		res.pages == 1 ? "is" : "are", (long long)res.batch, res.hint,
		res.hint[0] ? " and " : "", (long long)res.batch,
		(long long)res.batch);
	rc = EXIT_STOPPED;
out:
	if (sigset)
		sigaction(SIGINT, &old, NULL);
	ing_scan_free(s, a);
	json_decref(ctx.docs);
	json_decref(ctx.errs);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr,
		"usage: dossier scan --list [--json]\n"
		"       dossier scan [-A DIR] [--device NAME] [--source "
		"ADF|flatbed] [--duplex]\n"
		"            [--dpi N] [--mode gray|lineart] [--set "
		"NAME=VALUE]... [--json]\n"
		"            [--account ACC] [--category CAT] [--type TYPE] "
		"[--lang LANGS] [-j N]\n"
		"            [--max-megapixels N] [--max-file-mb N] "
		"[--no-deskew] [--no-orient] [--no-pdf]\n"
		"       dossier scan --resume BATCH [--device NAME] [other "
		"options to change]\n"
		"A scan the scanner stops (exit status 3) keeps its pages; "
		"resume it or close it\nwith `dossier batch close BATCH`.\n");
	rc = 2;
	goto out;
}

int
cmd_batch_close(const char *dir, int argc, char **argv)
{
	struct arc *a = NULL;
	json_t *b = NULL;
	char msg[256];
	long v;
	int rc = 1;

	if (argc != 2 || !cli_number(argv[1], 1, 0x7fffffffL, &v)) {
		fprintf(stderr, "usage: dossier batch close BATCH\n");
		return 2;
	}
	if (cli_open_archive(dir, &a) != DOS_OK)
		return 1;
	if (arc_batch_close(a, &cli_user, v, msg, sizeof(msg)) != DOS_OK) {
		fprintf(stderr, "dossier: %s\n", msg);
		goto out;
	}
	if (arc_batch_get(a, &cli_user, v, &b) == DOS_OK)
		printf("batch %ld closed: %lld page(s), %lld document(s)\n", v,
		       (long long)json_integer_value(json_object_get(b,
								     "pages")),
		       (long long)json_integer_value(
			       json_object_get(b, "documents")));
	rc = 0;
out:
	json_decref(b);
	arc_close(a);
	return rc;
}
