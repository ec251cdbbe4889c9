/*
 * main.c: the dossier command: init, ingest, search, show, verify, serve.
 * Every command takes -A DIR (default $DOSSIER_ARCHIVE, else the
 * configuration file's archive, else ./archive) and reads the
 * configuration file (-c FILE, else /etc/dossier/dossier.conf if it
 * exists).  Only this file may exit on error.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "dossier/archive.h"
#include "dossier/ingest.h"
#include "dossier/search.h"
#include "dossier/web.h"

#include "cli.h"

struct cmd {
	const char *name;
	int (*run)(const char *archive, int argc, char **argv);
	const char *usage; /* one line for the list of commands */
	const char *help;  /* what `dossier help NAME` and `NAME --help`
			    * print: synopsis, then what it does */
};

/*
 * Reads the configuration file: path, else the default one if it exists.
 * Prints every fault and returns -1 when the file is not right.
 */
static int
load_config(const char *path)
{
	struct dbuf errs;
	enum dos_err err;

	cli_cfg_path = path != NULL ? path : CLI_CONFIG_DEFAULT;
	if (path == NULL && access(CLI_CONFIG_DEFAULT, F_OK) != 0)
		return 0;
	dbuf_init(&errs, 64u << 10);
	err = cli_config_load(cli_cfg_path, &cli_cfg, &errs);
	if (err != DOS_OK && dos_log_journal()) {
		/* Under systemd: each fault an entry of priority "error". */
		char *p, *e;

		for (p = errs.data; p != NULL && (e = strchr(p, '\n')) != NULL;
		     p = e + 1)
			dos_log(DOS_LOG_ERR, "config", "%.*s", (int)(e - p), p);
	} else if (err != DOS_OK)
		fprintf(stderr, "%s", errs.data != NULL ? errs.data : "");
	dbuf_free(&errs);
	return err == DOS_OK ? 0 : -1;
}

/* The archive folder: -A, else $DOSSIER_ARCHIVE, else the file's. */
static const char *
archive_dir(const char *given)
{
	const char *e = getenv("DOSSIER_ARCHIVE");

	cli_archive_given = given != NULL || (e != NULL && *e != '\0');
	if (given != NULL)
		return given;
	if (e != NULL && *e != '\0')
		return e;
	if (cli_config_get(cli_cfg, CFG_ARCHIVE) != NULL)
		return cli_config_get(cli_cfg, CFG_ARCHIVE);
	return "./archive";
}

const char *cli_as;
struct arc_user cli_user;

/* Reads one line (a password) from standard input into pw. */
static int
read_password(const char *who, char *pw, size_t n)
{
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password for %s: ", who);
	if (fgets(pw, (int)n, stdin) == NULL) {
		fprintf(stderr, "dossier: no password given on standard "
				"input\n");
		return -1;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	return 0;
}

/* Signs in cli_as with the password on standard input. */
static enum dos_err
sign_in(struct arc *a)
{
	char pw[256];
	enum dos_err err;

	if (read_password(cli_as, pw, sizeof(pw)) != 0)
		return DOS_PERM;
	err = arc_user_check(a, cli_as, pw);
	sodium_memzero(pw, sizeof(pw));
	if (err == DOS_OK)
		err = arc_user_load(a, cli_as, &cli_user);
	if (err != DOS_OK) {
		arc_audit(a, cli_as, "login.fail", "cli", "");
		fprintf(stderr, "dossier: wrong user name or password\n");
		return DOS_PERM;
	}
	arc_audit(a, cli_as, "login", "cli", "");
	return DOS_OK;
}

/* Opens the archive for a command, saying in words why it cannot, and
 * settles who acts (cli_user). */
enum dos_err
cli_open_archive(const char *dir, struct arc **pa)
{
	enum dos_err err = arc_open(dir, 0, pa);

	if (err != DOS_OK) {
		fprintf(stderr, "dossier: cannot open archive %s: %s\n", dir,
			dos_strerror(err));
		return err;
	}
	if (cli_as == NULL) {
		arc_user_local(&cli_user);
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "dossier: acting as the local "
					"administrator (no --as USER)\n");
		return DOS_OK;
	}
	if ((err = sign_in(*pa)) != DOS_OK) {
		arc_close(*pa);
		*pa = NULL;
	}
	return err;
}

void
cli_print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENSURE_ASCII);

	if (s != NULL) {
		puts(s);
		free(s);
	}
}

static int
cmd_init(const char *dir, int argc, char **argv)
{
	struct arc *a;
	enum dos_err err;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: dossier init [-A DIR]\n");
		return 2;
	}
	if ((err = arc_open(dir, ARC_CREATE, &a)) != DOS_OK) {
		fprintf(stderr, "dossier: cannot create archive at %s: %s\n",
			dir, dos_strerror(err));
		return 1;
	}
	arc_audit(a, "local-admin", "init", dir, "");
	arc_close(a);
	printf("archive ready at %s\n", dir);
	return 0;
}

struct ingest_ctx {
	int json, show, failed, pages;
	int filed, dups; /* documents filed; files archived before */
	json_t *docs, *errs;
};

/* Progress on a terminal: files, pages, pages/min, ETA. */
static void
on_progress(void *arg, const struct ing_progress *p)
{
	struct ingest_ctx *c = arg;
	double rate = p->elapsed > 0 ? p->pages_done * 60.0 / p->elapsed : 0;
	double eta;

	if (!c->show)
		return;
	fprintf(stderr, "\r\033[K%d/%d files, %d pages done, %.0f pages/min",
		p->files_done, p->files_total, p->pages_done, rate);
	if (p->files_done > 0 && rate > 0 && p->files_done < p->files_total) {
		/* Pages per file so far times files left, at the current rate. */
		eta = ((double)p->pages_queued / (p->files_done + 1)) *
		      (p->files_total - p->files_done) / rate * 60.0;
		fprintf(stderr, ", about %.0fs left", eta);
	}
	fflush(stderr);
}

static void
on_file(void *arg, const char *path, enum dos_err err, json_t *docs,
	const char *msg)
{
	struct ingest_ctx *c = arg;
	json_t *d;
	size_t k;

	if (c->show)
		fprintf(stderr, "\r\033[K");
	if (err != DOS_OK) {
		c->failed++;
		json_array_append_new(c->errs, json_pack("{s:s,s:s}", "path", path,
							 "error",
							 msg ? msg : "failed"));
		if (!c->json)
			fprintf(stderr, "%s: %s\n", path, msg ? msg : "failed");
		return;
	}
	if (json_array_size(docs) == 0 && !c->json)
		printf("%s: no document pages (only blank, separator or cover "
		       "sheets); kept on record\n", path);
	json_array_foreach(docs, k, d) {
		int dup = json_is_true(json_object_get(d, "duplicate"));

		json_object_set_new(d, "path", json_string(path));
		/* A file archived before files nothing new: not counted. */
		if (!dup) {
			c->pages += (int)json_integer_value(
				json_object_get(d, "pages"));
			c->filed++;
		} else if (k == 0)
			c->dups++;
		json_array_append(c->docs, d);
		if (c->json)
			continue;
		if (json_is_true(json_object_get(d, "duplicate")))
			printf("%s: already archived as document %lld\n", path,
			       (long long)json_integer_value(
				       json_object_get(d, "id")));
		else
			printf("%s: filed as document %lld, %lld page(s) from "
			       "page %lld, account %s, category %s, %s%s%s\n",
			       path,
			       (long long)json_integer_value(
				       json_object_get(d, "id")),
			       (long long)json_integer_value(
				       json_object_get(d, "pages")),
			       (long long)json_integer_value(
				       json_object_get(d, "first_page")),
			       json_string_value(json_object_get(d, "account"))
				       ?: "(none)",
			       json_string_value(json_object_get(d, "category"))
				       ?: "(none)",
			       json_string_value(json_object_get(d, "status")),
			       json_string_value(
				       json_object_get(d, "review_reason"))
				       ? ": "
				       : "",
			       json_string_value(
				       json_object_get(d, "review_reason"))
				       ?: "");
	}
	fflush(stdout);
}

/*
 * A manifest row that names no file of the batch is most likely a typing
 * mistake: refuse the batch before any page is read, naming the row.
 */
static int
manifest_check(const struct ing_manifest *m, char *const *paths, int n)
{
	const struct ing_manifest_row *rows;
	size_t nrows = ing_manifest_rows(m, &rows), i;
	int k, bad = 0;

	for (i = 0; i < nrows; i++) {
		for (k = 0; k < n; k++)
			if (ing_manifest_find(m, paths[k]) == &rows[i])
				break;
		if (k == n) {
			fprintf(stderr, "dossier: manifest line %ld names "
					"'%s', which is not in this batch\n",
				rows[i].line, rows[i].file);
			bad = 1;
		}
	}
	return bad;
}

/*
 * Why a path given cannot be ingested (not there, a folder, unreadable),
 * or NULL when it can.  Such a path is reported and left out of the
 * batch: a mistyped name leaves no record.
 */
static const char *
path_problem(const char *path, char *buf, size_t n)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return errno == ENOENT ? "no such file"
				       : (snprintf(buf, n, "%s", strerror(errno)),
					  buf);
	if (S_ISDIR(sb.st_mode))
		return "is a folder (give the files in it, or use 'dossier "
		       "watch')";
	if (access(path, R_OK) != 0)
		return snprintf(buf, n, "%s", strerror(errno)), buf;
	return NULL;
}

/*
 * The files an interrupted batch has still to ingest, checked to be there
 * (names as given, so relative ones are found from the folder the batch
 * was started in); -1 after saying why.
 */
static int
resume_files(struct arc *a, int64_t id)
{
	json_t *b = NULL, *f;
	const char *name;
	size_t k;
	int missing = 0;
	enum dos_err err;

	if ((err = arc_batch_pending(a, &cli_user, id, &b)) != DOS_OK) {
		fprintf(stderr, "dossier: batch %lld: %s\n", (long long)id,
			err == DOS_NOTFOUND ? "no such batch"
					    : dos_strerror(err));
		return -1;
	}
	json_array_foreach(b, k, f) {
		name = json_string_value(f);
		if (access(name, R_OK) != 0 && missing++ == 0)
			fprintf(stderr, "dossier: batch %lld: %s: %s\n",
				(long long)id, name, strerror(errno));
	}
	if (missing > 0)
		fprintf(stderr, "dossier: batch %lld: %d of the files it has "
				"still to ingest cannot be read from here; "
				"resume it from the folder it was started in\n",
			(long long)id, missing);
	json_decref(b);
	return missing > 0 ? -1 : 0;
}

static int
cmd_ingest(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		CLI_INGEST_LONGOPTS,
		{"json", no_argument, NULL, 'J'},
		{"stats", no_argument, NULL, 'S'},
		{"manifest", required_argument, NULL, 'm'},
		{"resume", required_argument, NULL, 'R'},
		{"queue", no_argument, NULL, 'Q'},
		{NULL, 0, NULL, 0},
	};
	struct ing_manifest *man = NULL;
	const char *manifest = NULL;
	char msg[512];
	struct ing_options o;
	struct ing_stats st;
	struct arc *a = NULL;
	struct ingest_ctx ctx;
	json_t *out, *pending = NULL, *v, *missing = json_array();
	char **paths, **owned = NULL;
	int c, rc = 1, stats = 0, npaths, stopped = 0, queue = 0;
	long resume = 0;
	size_t k;
	int64_t batch = 0;
	double t0 = dos_mono();
	enum dos_err err;

	memset(&ctx, 0, sizeof(ctx));
	ctx.docs = json_array();
	ctx.errs = json_array();
	cli_ingest_defaults(&o);
	while ((c = getopt_long(argc, argv, CLI_INGEST_SHORT, lo, NULL)) !=
	       -1) {
		switch (c) {
		case 'J': ctx.json = 1; break;
		case 'S': stats = 1; break;
		case 'm': manifest = optarg; break;
		case 'Q': queue = 1; break;
		case 'R':
			if (!cli_number(optarg, 1, LONG_MAX, &resume))
				goto usage;
			break;
		default:
			if (cli_ingest_option(&o, c, optarg) != CLI_OPT_OK)
				goto usage;
		}
	}
	/* Files, or --resume BATCH: the files that batch did not finish. */
	if ((optind >= argc) == (resume == 0) || (queue && resume > 0))
		goto usage;
	paths = argv + optind;
	npaths = argc - optind;
	ctx.show = !ctx.json && isatty(STDERR_FILENO);
	if (manifest != NULL &&
	    ing_manifest_load(manifest, &man, msg, sizeof(msg)) != DOS_OK) {
		fprintf(stderr, "dossier: %s\n", msg);
		goto out;
	}
	if (man != NULL && resume == 0 &&
	    manifest_check(man, paths, npaths) != 0)
		goto out;
	/* A path that is not there is a typing mistake: reported, and no
	 * part of the batch (nor a batch, when no path is left). */
	if (resume == 0) {
		char why[256];
		const char *p;
		int kept = 0;

		if ((paths = owned = calloc((size_t)npaths + 1,
					    sizeof(*paths))) == NULL)
			goto out;
		for (k = 0; k < (size_t)npaths; k++) {
			if ((p = path_problem(argv[optind + k], why,
					      sizeof(why))) == NULL) {
				paths[kept++] = argv[optind + k];
				continue;
			}
			ctx.failed++;
			json_array_append_new(missing,
					      json_pack("{s:s,s:s}", "path",
							argv[optind + k],
							"error", p));
			if (!ctx.json)
				fprintf(stderr, "%s: %s\n", argv[optind + k],
					p);
		}
		npaths = kept;
		if (npaths == 0) {
			if (ctx.json) {
				out = json_pack("{s:n,s:[],s:O}", "batch",
						"documents", "errors",
						missing);
				cli_print_json(out);
				json_decref(out);
			} else
				fprintf(stderr, "dossier: nothing to ingest; "
						"no batch was started\n");
			goto out;
		}
	}
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if (arc_readonly(a)) {
		fprintf(stderr, "dossier: the archive at %s is read-only; "
				"nothing can be ingested into it\n", dir);
		goto out;
	}
	/* The batch is the signed-in user's (a clerk sees their own). */
	o.user = cli_user.name;
	if ((err = arc_may(a, &cli_user, ARC_INGEST, ARC_OBJ_NONE, 0, msg,
			   sizeof(msg))) != DOS_OK) {
		fprintf(stderr, "dossier: %s\n", msg);
		goto out;
	}
	if (queue) {
		/* Into the archive's spool and the queue; workers read it. */
		rc = cmd_ingest_queue(a, &o, man, paths, npaths, ctx.json);
		goto out;
	}
	if (resume > 0 && resume_files(a, resume) != 0)
		goto out;
	if (resume > 0) {
		batch = resume;
		if ((err = arc_batch_resume(a, o.user, batch, &pending, msg,
					    sizeof(msg))) != DOS_OK) {
			fprintf(stderr, "dossier: %s\n", msg);
			goto out;
		}
		npaths = (int)json_array_size(pending);
		if ((paths = owned = calloc((size_t)npaths + 1,
					    sizeof(*paths))) == NULL)
			goto out;
		json_array_foreach(pending, k, v)
			paths[k] = (char *)json_string_value(v);
	} else if ((err = arc_batch_begin(a, o.user, &batch)) != DOS_OK ||
		   (err = arc_batch_plan(a, batch, paths, npaths)) !=
			   DOS_OK) {
		fprintf(stderr, "dossier: the batch cannot be started: %s\n",
			dos_strerror(err));
		if (batch > 0)
			arc_batch_finish(a, batch, 1);
		goto out;
	}
	err = cli_ingest_run(a, dir, &o, man, batch, paths, npaths, on_file,
			     on_progress, &ctx, &st);
	if (ctx.show)
		fprintf(stderr, "\r\033[K");
	if (stats) {
		double el = dos_mono() - t0;

		fprintf(stderr,
			"{\"stats\":{\"pages\":%d,\"seconds\":%.3f,"
			"\"pages_per_min\":%.2f,\"stage_ms_per_page\":{"
			"\"decode\":%.1f,\"prepare\":%.1f,\"orient\":%.1f,"
			"\"deskew\":%.1f,"
			"\"ocr\":%.1f,\"barcode\":%.1f,\"encode\":%.1f,"
			"\"commit\":%.1f}}}\n",
			st.pages, el, el > 0 ? st.pages * 60.0 / el : 0.0,
			st.pages ? st.decode * 1e3 / st.pages : 0.0,
			st.pages ? st.prepare * 1e3 / st.pages : 0.0,
			st.pages ? st.orient * 1e3 / st.pages : 0.0,
			st.pages ? st.deskew * 1e3 / st.pages : 0.0,
			st.pages ? st.ocr * 1e3 / st.pages : 0.0,
			st.pages ? st.barcode * 1e3 / st.pages : 0.0,
			st.pages ? st.encode * 1e3 / st.pages : 0.0,
			st.pages ? st.commit * 1e3 / st.pages : 0.0);
	}
	/* Stopped (by the archive: a full disk...): interrupted, resumable. */
	stopped = err != DOS_OK;
	if (resume > 0 || stopped)
		arc_batch_finish(a, batch, stopped);
	else
		arc_batch_end(a, batch, npaths, ctx.pages, ctx.filed,
			      ctx.failed);
	if (stopped) {
		fprintf(stderr, "dossier: batch %lld stopped: %s; once that is "
				"put right, 'dossier ingest --resume %lld' "
				"ingests the files it did not\n",
			(long long)batch, dos_strerror(err), (long long)batch);
		goto out;
	}
	/* The paths left out, after the files' own outcomes. */
	json_array_extend(ctx.errs, missing);
	/* A resumed upload's files were the archive's to keep until now. */
	for (k = 0; resume > 0 && k < (size_t)npaths; k++)
		arc_spool_release(a, paths[k]);
	if (ctx.json) {
		out = json_pack("{s:I,s:O,s:O}", "batch", (json_int_t)batch,
				"documents", ctx.docs, "errors", ctx.errs);
		cli_print_json(out);
		json_decref(out);
	} else {
		double el = dos_mono() - t0;

		printf("batch %lld%s: %d file(s), %d document(s), %d page(s), "
		       "%d failed", (long long)batch,
		       resume > 0 ? " resumed" : "",
		       npaths + (int)json_array_size(missing), ctx.filed,
		       ctx.pages, ctx.failed);
		if (ctx.dups > 0)
			printf(", %d archived before", ctx.dups);
		printf(", %.1fs (%.1f pages/min)\n", el,
		       el > 0 ? ctx.pages * 60.0 / el : 0.0);
	}
	rc = ctx.failed ? 1 : 0;
out:
	free(owned);
	json_decref(missing);
	json_decref(pending);
	json_decref(ctx.docs);
	json_decref(ctx.errs);
	ing_manifest_free(man);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier ingest [-A DIR] [-j N] [--account ACC] "
			"[--category CAT] [--type TYPE]\n"
			"       [--manifest CSV] [--lang LANGS] [--json] "
			"[--max-megapixels N] "
			"[--max-file-mb N]\n"
			"       [--no-deskew] [--no-orient] [--no-pdf] [--stats] "
			"PATH...\n"
			"       dossier ingest [OPTIONS] --resume BATCH  (the "
			"files an interrupted batch did not finish)\n"
			"       dossier ingest [OPTIONS] --queue [--json] "
			"PATH...  (queued for workers; returns at once)\n");
	rc = 2;
	goto out;
}

/*
 * Prints s on one line: line breaks, tabs and runs of blanks become one
 * blank, other control characters '?', so a row of a table stays a row.
 */
static void
print_flat(const char *s)
{
	int blank = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			blank = 1;
			continue;
		}
		if (blank)
			putchar(' ');
		blank = 0;
		putchar(c < 0x20 || c == 0x7f ? '?' : c);
	}
}

static int
cmd_search(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, NULL, 'J'},
		{"limit", required_argument, NULL, 'n'},
		{"offset", required_argument, NULL, 'o'},
		{"sort", required_argument, NULL, 's'},
		{"facets", no_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	struct srch_opts o;
	struct arc *a = NULL;
	struct dbuf q;
	json_t *res = NULL, *h, *p, *f, *v;
	const char *key, *fk;
	char *msg = NULL;
	long n;
	int c, i, json = 0, rc = 1;
	size_t k, j;
	enum dos_err err;

	memset(&o, 0, sizeof(o));
	o.limit = 20;
	dbuf_init(&q, SRCH_MAX_QUERY + 1);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'J': json = 1; break;
		case 'n':
			if (!cli_number(optarg, 1, SRCH_MAX_LIMIT, &n))
				goto usage;
			o.limit = (int)n;
			break;
		case 'o':
			if (!cli_number(optarg, 0, 100000, &n))
				goto usage;
			o.offset = (int)n;
			break;
		case 's': o.sort = optarg; break;
		case 'f': o.facets = 1; break;
		default: goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	for (i = optind; i < argc; i++)
		if ((i > optind && dbuf_adds(&q, " ") != DOS_OK) ||
		    dbuf_adds(&q, argv[i]) != DOS_OK) {
			fprintf(stderr, "dossier: query is too long\n");
			goto out;
		}
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	err = srch_run(a, &cli_user, q.data, &o, &res, &msg);
	if (err != DOS_OK) {
		fprintf(stderr, "dossier: %s\n", msg ? msg : dos_strerror(err));
		rc = err == DOS_INVAL ? 2 : 1;
		goto out;
	}
	if (json)
		cli_print_json(res);
	else {
		printf("%lld document(s)\n",
		       (long long)json_integer_value(json_object_get(res, "total")));
		json_array_foreach(json_object_get(res, "hits"), k, h) {
			printf("%6lld  %-14s %-18s %-10s %s",
			       (long long)json_integer_value(
				       json_object_get(h, "id")),
			       json_string_value(json_object_get(h, "archive_no"))
				       ?: "-",
			       json_string_value(json_object_get(h, "account"))
				       ?: "-",
			       json_string_value(json_object_get(h, "date"))
				       ?: "-",
			       "");
			print_flat(json_string_value(json_object_get(h, "title"))
					   ?: "");
			json_array_foreach(json_object_get(h, "pages"), j, p)
				printf("%s%lld", j == 0 ? "  pages " : ",",
				       (long long)json_integer_value(
					       json_object_get(p, "seq")));
			printf("\n");
			if (*json_string_value(json_object_get(h, "snippet"))) {
				/* One line each: OCR text has line breaks. */
				fputs("        ", stdout);
				print_flat(json_string_value(
					json_object_get(h, "snippet")));
				putchar('\n');
			}
		}
		json_object_foreach(json_object_get(res, "facets"), fk, f) {
			printf("%s:", fk);
			json_object_foreach(f, key, v)
				printf(" %s %lld", key,
				       (long long)json_integer_value(v));
			printf("\n");
		}
	}
	rc = 0;
out:
	json_decref(res);
	free(msg);
	dbuf_free(&q);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier search [-A DIR] [--json] [--limit N] "
			"[--offset N] [--facets]\n"
			"       [--sort relevance|date|added|account|number] "
			"QUERY\n");
	rc = 2;
	goto out;
}

static int
cmd_show(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	json_t *doc = NULL, *p;
	char *end, msg[512] = "";
	long long id;
	int c, json = 0, rc = 1;
	size_t k;
	enum dos_err err;

	if (argc > 1 && strcmp(argv[1], "close") == 0)
		return cmd_batch_close(dir, argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "cancel") == 0)
		return cmd_batch_cancel(dir, argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'J')
			json = 1;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	id = strtoll(argv[optind], &end, 10);
	if (*end != '\0' || id <= 0)
		goto usage;
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if ((err = arc_doc_get(a, &cli_user, id, &doc, msg, sizeof(msg))) !=
	    DOS_OK) {
		fprintf(stderr, "dossier: document %lld: %s\n", id,
			msg[0] ? msg : dos_strerror(err));
		goto out;
	}
	/* Corrected pages carry their earlier texts. */
	json_array_foreach(json_object_get(doc, "pages"), k, p) {
		json_t *hist;

		if (json_integer_value(json_object_get(p, "text_version")) >
			    1 &&
		    arc_page_text_versions(a, id, (int)k + 1, &hist) == DOS_OK)
			json_object_set_new(p, "text_history", hist);
	}
	if (json)
		cli_print_json(doc);
	else {
		printf("document %lld: %s, account %s, %lld page(s), %s\n", id,
		       json_string_value(json_object_get(doc, "title")) ?: "",
		       json_string_value(json_object_get(doc, "account")) ?: "-",
		       (long long)json_integer_value(
			       json_object_get(doc, "npages")),
		       json_string_value(json_object_get(doc, "status")));
		json_array_foreach(json_object_get(doc, "pages"), k, p)
			printf("--- page %zu (skew %.2f deg, OCR confidence "
			       "%.0f)\n%s",
			       k + 1,
			       json_real_value(json_object_get(p, "skew_deg")),
			       json_real_value(
				       json_object_get(p, "ocr_confidence")),
			       json_string_value(json_object_get(p, "text")));
		json_array_foreach(json_object_get(doc, "pages"), k, p) {
			json_t *h;
			size_t v;

			json_array_foreach(json_object_get(p, "text_history"),
					   v, h)
				if (json_is_string(json_object_get(h,
								   "reason")))
					printf("page %zu text version %lld "
					       "replaced %s by %s: %s\n",
					       k + 1,
					       (long long)json_integer_value(
						       json_object_get(
							       h, "version")),
					       json_string_value(json_object_get(
						       h, "replaced_at")),
					       json_string_value(json_object_get(
						       h, "replaced_by")),
					       json_string_value(json_object_get(
						       h, "reason")));
		}
	}
	rc = 0;
out:
	json_decref(doc);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier show [-A DIR] [--json] ID\n");
	rc = 2;
	goto out;
}

static int
cmd_verify(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"anchor", required_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	json_t *rep = NULL, *p;
	const char *anchor = NULL;
	char msg[256];
	size_t k;
	int c, rc = 1, json = 0;
	enum dos_err err, aerr = DOS_OK;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'a')
			anchor = optarg;
		else if (c == 'J')
			json = 1;
		else
			goto usage;
	}
	if (optind != argc)
		goto usage;
	if (cli_open_archive(dir, &a) != DOS_OK)
		return 1;
	err = arc_verify(a, &rep);
	if (rep == NULL) {
		fprintf(stderr, "dossier: verify failed: %s\n",
			dos_strerror(err));
		goto out;
	}
	if (anchor != NULL) {
		aerr = arc_audit_anchor_check(a, anchor, msg, sizeof(msg));
		if (aerr == DOS_INVAL) {
			fprintf(stderr, "dossier: verify: %s\n", msg);
			rc = 2;
			goto out;
		}
		if (aerr != DOS_OK) {
			json_array_append_new(
				json_object_get(rep, "problems"),
				json_pack("{s:s,s:s,s:s}", "kind", "audit",
					  "object", anchor, "problem", msg));
			json_object_set_new(rep, "ok", json_false());
		} else
			json_array_append_new(json_object_get(rep, "notes"),
					      json_string(msg));
	}
	if (json) {
		cli_print_json(rep);
		rc = err == DOS_OK && aerr == DOS_OK ? 0 : 1;
		goto out;
	}
	json_array_foreach(json_object_get(rep, "problems"), k, p)
		printf("%s %s: %s\n",
		       json_string_value(json_object_get(p, "kind")),
		       json_string_value(json_object_get(p, "object")),
		       json_string_value(json_object_get(p, "problem")));
	json_array_foreach(json_object_get(rep, "notes"), k, p)
		printf("note: %s\n", json_string_value(p));
	printf("audit head: %s (keep it outside the archive; 'verify "
	       "--anchor' with it later shows whether the log was cut "
	       "short)\n",
	       json_string_value(json_object_get(rep, "audit_head")));
	printf("%s: %lld audit entries, %lld blobs checked, %zu problem(s)\n",
	       err == DOS_OK && aerr == DOS_OK ? "ok" : "FAILED",
	       (long long)json_integer_value(
		       json_object_get(rep, "audit_entries")),
	       (long long)json_integer_value(json_object_get(rep, "blobs")),
	       json_array_size(json_object_get(rep, "problems")));
	rc = err == DOS_OK && aerr == DOS_OK ? 0 : 1;
out:
	json_decref(rep);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier verify [-A DIR] [--anchor ID:HASH] "
			"[--json]\n");
	return 2;
}

/* Backup progress on a terminal: blobs copied of the total. */
static void
on_backup_progress(void *arg, uint64_t done, uint64_t total)
{
	double *last = arg, now = dos_mono();

	if (done < total && now - *last < 0.2)
		return;
	*last = now;
	fprintf(stderr, "\r\033[Kbackup: %llu/%llu blobs copied",
		(unsigned long long)done, (unsigned long long)total);
	fflush(stderr);
}

/* dossier backup DEST: a consistent copy while others keep working. */
static int
cmd_backup(const char *dir, int argc, char **argv)
{
	struct arc *a = NULL;
	char msg[1024];
	double last = 0;
	int show = isatty(STDERR_FILENO), rc = 1;
	enum dos_err err;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: dossier backup [-A DIR] DEST\n");
		return 2;
	}
	if (cli_open_archive(dir, &a) != DOS_OK)
		return 1;
	err = arc_backup(a, argv[1], show ? on_backup_progress : NULL, &last,
			 msg, sizeof(msg));
	if (show)
		fprintf(stderr, "\r\033[K");
	if (err != DOS_OK)
		fprintf(stderr, "dossier: backup failed: %s\n",
			msg[0] != '\0' ? msg : dos_strerror(err));
	else {
		printf("backup done: %s\n", msg);
		rc = 0;
	}
	arc_close(a);
	return rc;
}

/* dossier serve: the configuration file, then these options over it
 * (cli/serve.c); -n checks and exits. */
static int
cmd_serve(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"listen", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'},
		{"tls-cert", required_argument, NULL, 'c'},
		{"tls-key", required_argument, NULL, 'k'},
		{"check", no_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{"timeout", required_argument, NULL, 'T'},
		{"max-per-ip", required_argument, NULL, 'P'},
		{"workers", required_argument, NULL, 'W'},
		{NULL, 0, NULL, 0},
	};
	struct cli_serve_args sa;
	long n;
	int c;

	memset(&sa, 0, sizeof(sa));
	sa.archive = dir;
	sa.workers = -1;
	while ((c = getopt_long(argc, argv, "nv", lo, NULL)) != -1) {
		switch (c) {
		case 'l': sa.listen = optarg; break;
		case 't':
			if (!cli_number(optarg, 1, 64, &n))
				goto usage;
			sa.threads = (int)n;
			break;
		case 'c': sa.tls_cert = optarg; break;
		case 'k': sa.tls_key = optarg; break;
		case 'n': sa.check = 1; break;
		case 'v': sa.verbose = 1; break;
		case 'T':
			if (!cli_number(optarg, 1, 3600, &n))
				goto usage;
			sa.timeout = (int)n;
			break;
		case 'P':
			if (!cli_number(optarg, 1, WEB_MAX_CONNECTIONS, &n))
				goto usage;
			sa.per_ip = (int)n;
			break;
		case 'W':
			if (!cli_number(optarg, 0, 64, &n))
				goto usage;
			sa.workers = (int)n;
			break;
		default: goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	return cli_serve(&sa);
usage:
	fprintf(stderr, "usage: dossier [-c FILE] serve [-A DIR] [-n] "
			"[--verbose] [--listen HOST:PORT]\n"
			"       [--threads 1-64] [--tls-cert PEM --tls-key "
			"PEM] [--timeout 1-3600]\n"
			"       [--max-per-ip 1-512] [--workers 0-64]\n");
	return 2;
}

/* dossier user add NAME --role ROLE [--unit U]: password on stdin. */
/*
 * dossier user add NAME --role ROLE [--unit U] [--clearance C]
 *        [--categories A,B]  (password on standard input, after the
 *        --as password if any)
 */
static int
cmd_user(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"role", required_argument, NULL, 'r'},
		{"unit", required_argument, NULL, 'u'},
		{"clearance", required_argument, NULL, 'c'},
		{"categories", required_argument, NULL, 'k'},
		{NULL, 0, NULL, 0},
	};
	struct arc_user_in in;
	char pw[256], msg[512] = "";
	struct arc *a = NULL;
	int c, rc = 1;
	enum dos_err err;

	memset(&in, 0, sizeof(in));
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r': in.role = optarg; break;
		case 'u': in.unit = optarg; break;
		case 'c': in.clearance = optarg; break;
		case 'k': in.categories = optarg; break;
		default: goto usage;
		}
	}
	if (optind + 2 == argc && (strcmp(argv[optind], "disable") == 0 ||
				   strcmp(argv[optind], "enable") == 0)) {
		if (cli_open_archive(dir, &a) != DOS_OK)
			goto out;
		err = arc_user_disable(a, &cli_user, argv[optind + 1],
				       strcmp(argv[optind], "disable") == 0,
				       msg, sizeof(msg));
		fprintf(err == DOS_OK ? stdout : stderr, "%s%s\n",
			err == DOS_OK ? "" : "dossier: ",
			msg[0] ? msg : dos_strerror(err));
		rc = err == DOS_OK ? 0 : 1;
		goto out;
	}
	if (optind + 2 != argc || strcmp(argv[optind], "add") != 0 ||
	    in.role == NULL)
		goto usage;
	in.name = argv[optind + 1];
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if (read_password(in.name, pw, sizeof(pw)) != 0) {
		rc = 2;
		goto out;
	}
	in.password = pw;
	err = arc_user_add(a, &cli_user, &in, msg, sizeof(msg));
	if (err != DOS_OK)
		fprintf(stderr, "dossier: cannot add user: %s\n",
			msg[0] ? msg : dos_strerror(err));
	else {
		printf("%s\n", msg);
		rc = 0;
	}
out:
	sodium_memzero(pw, sizeof(pw));
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier user add NAME --role ROLE [--unit U] "
			"[--clearance public|internal|confidential|secret] "
			"[--categories CODE,CODE] (password on standard "
			"input)\n"
			"       dossier user disable|enable NAME\n");
	return 2;
}

/* dossier role list [--json] | role add NAME --actions A,B --scope S
 * [--unsearchable] [--clearance C] */
static int
cmd_role(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"actions", required_argument, NULL, 'a'},
		{"scope", required_argument, NULL, 's'},
		{"unsearchable", no_argument, NULL, 'U'},
		{"clearance", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	const char *actions = NULL, *scope = NULL, *clear = "internal";
	char msg[512] = "";
	struct arc *a = NULL;
	json_t *list = NULL, *r, *v;
	size_t i, k;
	int c, unsearchable = 0, json = 0, rc = 1;
	enum dos_err err;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'a': actions = optarg; break;
		case 's': scope = optarg; break;
		case 'U': unsearchable = 1; break;
		case 'c': clear = optarg; break;
		case 'j': json = 1; break;
		default: goto usage;
		}
	}
	if (optind < argc && strcmp(argv[optind], "list") == 0 &&
	    optind + 1 == argc) {
		if (cli_open_archive(dir, &a) != DOS_OK)
			goto out;
		if ((err = arc_role_list(a, &list)) != DOS_OK) {
			fprintf(stderr, "dossier: %s\n", dos_strerror(err));
			goto out;
		}
		if (json)
			cli_print_json(list);
		else
			json_array_foreach(list, i, r) {
				printf("%-10s scope %-8s clearance %-12s%s\n  ",
				       json_string_value(
					       json_object_get(r, "name")),
				       json_string_value(
					       json_object_get(r, "scope")),
				       json_string_value(
					       json_object_get(r, "clearance")),
				       json_is_true(json_object_get(
					       r, "unsearchable"))
					       ? " finds unsearchable"
					       : "");
				json_array_foreach(json_object_get(r, "actions"),
						   k, v)
					printf(" %s", json_string_value(v));
				printf("\n");
			}
		rc = 0;
		goto out;
	}
	if (optind + 2 != argc || strcmp(argv[optind], "add") != 0)
		goto usage;
	if (arc_clearance_level(clear) < 0) {
		fprintf(stderr, "dossier: unknown clearance '%s'\n", clear);
		return 2;
	}
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	err = arc_role_add(a, &cli_user, argv[optind + 1], actions, scope,
			   unsearchable, arc_clearance_level(clear), msg,
			   sizeof(msg));
	fprintf(err == DOS_OK ? stdout : stderr, "%s%s\n",
		err == DOS_OK ? "" : "dossier: ",
		msg[0] ? msg : dos_strerror(err));
	rc = err == DOS_OK ? 0 : 1;
out:
	json_decref(list);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier role list [--json]\n"
			"       dossier role add NAME --actions A,B --scope "
			"own|unit|all|batches|none [--unsearchable] "
			"[--clearance C]\n");
	return 2;
}

/*
 * dossier borrow request (--customer NUMBER | --document ID) --reason WHY
 *        [--days N]
 * dossier borrow approve|refuse REQUEST-ID [--note TEXT]
 * dossier borrow list [--json]
 */
static int
cmd_borrow(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"customer", required_argument, NULL, 'c'},
		{"document", required_argument, NULL, 'd'},
		{"reason", required_argument, NULL, 'r'},
		{"days", required_argument, NULL, 'n'},
		{"note", required_argument, NULL, 'N'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	const char *customer = NULL, *reason = NULL, *note = NULL, *sub;
	char msg[512] = "";
	struct arc *a = NULL;
	json_t *list = NULL, *g;
	long doc = 0, days = 7, gid = 0;
	int64_t id = 0, newid = 0;
	size_t i;
	int c, json = 0, rc = 1;
	enum dos_err err;

	if (argc < 2)
		goto usage;
	sub = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'c': customer = optarg; break;
		case 'd':
			if (!cli_number(optarg, 1, INT64_MAX, &doc))
				goto usage;
			break;
		case 'r': reason = optarg; break;
		case 'n':
			if (!cli_number(optarg, 1, 90, &days))
				goto usage;
			break;
		case 'N': note = optarg; break;
		case 'j': json = 1; break;
		default: goto usage;
		}
	}
	if (strcmp(sub, "request") == 0) {
		if (optind != argc || (customer == NULL) == (doc == 0))
			goto usage;
	} else if (strcmp(sub, "approve") == 0 || strcmp(sub, "refuse") == 0) {
		if (optind != argc - 1 ||
		    !cli_number(argv[optind], 1, INT64_MAX, &gid))
			goto usage;
	} else if (strcmp(sub, "list") != 0 || optind != argc)
		goto usage;
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if (strcmp(sub, "list") == 0) {
		if ((err = arc_grant_list(a, &cli_user, &list)) != DOS_OK) {
			fprintf(stderr, "dossier: %s\n", dos_strerror(err));
			goto out;
		}
		if (json)
			cli_print_json(list);
		else
			json_array_foreach(list, i, g) {
				const char *cov = json_string_value(
					json_object_get(g, "covers"));

				printf("%-5lld %-10s %-12s %-9s %s%s%s%s\n",
				       (long long)json_integer_value(
					       json_object_get(g, "id")),
				       json_string_value(
					       json_object_get(g, "user")),
				       json_string_value(
					       json_object_get(g, "status")),
				       json_is_string(json_object_get(
					       g, "customer"))
					       ? json_string_value(json_object_get(
							 g, "customer"))
					       : "document",
				       json_string_value(
					       json_object_get(g, "reason")),
				       cov != NULL ? " (covers " : "",
				       cov != NULL ? cov : "",
				       cov != NULL ? ")" : "");
			}
		rc = 0;
		goto out;
	}
	if (strcmp(sub, "request") == 0) {
		err = DOS_OK;
		if (customer != NULL &&
		    (err = arc_customer_id(a, customer, &id)) == DOS_NOTFOUND)
			snprintf(msg, sizeof(msg), "no customer has number or "
						   "account %s", customer);
		if (customer == NULL)
			id = doc;
		if (err == DOS_OK)
			err = arc_grant_request(a, &cli_user,
						customer != NULL
							? ARC_OBJ_CUSTOMER
							: ARC_OBJ_DOC,
						id, reason, (int)days, &newid,
						msg, sizeof(msg));
	} else
		err = arc_grant_decide(a, &cli_user, gid,
				       strcmp(sub, "approve") == 0, note, msg,
				       sizeof(msg));
	fprintf(err == DOS_OK ? stdout : stderr, "%s%s\n",
		err == DOS_OK ? "" : "dossier: ",
		msg[0] ? msg : dos_strerror(err));
	rc = err == DOS_OK ? 0 : 1;
out:
	json_decref(list);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier borrow request (--customer NUMBER | "
			"--document ID) --reason WHY [--days 1-90]\n"
			"       dossier borrow approve|refuse REQUEST-ID "
			"[--note TEXT]\n"
			"       dossier borrow list [--json]\n");
	return 2;
}

/* dossier review [--json]: the review queue. */
static int
cmd_review(const char *dir, int argc, char **argv)
{
	struct arc *a = NULL;
	json_t *list = NULL, *d;
	size_t k;
	int json = argc == 2 && strcmp(argv[1], "--json") == 0, rc = 1;
	char msg[512] = "", *end;
	const char *note = NULL;
	long long id = 0;
	enum dos_err err;

	/* review accept|return ID [--note TEXT]: what the scan station's
	 * buttons do (accepting files the document and numbers it). */
	if (argc >= 3 && (strcmp(argv[1], "accept") == 0 ||
			  strcmp(argv[1], "return") == 0)) {
		id = strtoll(argv[2], &end, 10);
		if (*end != '\0' || id <= 0)
			goto usage;
		if (argc == 5 && strcmp(argv[3], "--note") == 0)
			note = argv[4];
		else if (argc != 3)
			goto usage;
	} else if (argc > 2 || (argc == 2 && !json))
		goto usage;
	if (cli_open_archive(dir, &a) != DOS_OK)
		return 1;
	if (id > 0) {
		err = arc_review_decide(a, &cli_user, id,
					argv[1][0] == 'a' ? ARC_REVIEW_ACCEPT
							  : ARC_REVIEW_RETURN,
					NULL, note, msg, sizeof(msg));
		if (err != DOS_OK) {
			fprintf(stderr, "dossier: %s\n",
				msg[0] ? msg : dos_strerror(err));
			goto out;
		}
		printf("%s\n", msg);
		rc = 0;
		goto out;
	}
	if ((err = arc_review_list(a, &cli_user, &list)) != DOS_OK) {
		fprintf(stderr, "dossier: %s\n", dos_strerror(err));
		goto out;
	}
	if (json)
		cli_print_json(list);
	else {
		printf("%zu document(s) waiting for review\n",
		       json_array_size(list));
		json_array_foreach(list, k, d)
			printf("%6lld  %-24s %-16s %s\n",
			       (long long)json_integer_value(
				       json_object_get(d, "id")),
			       json_string_value(json_object_get(d, "title")),
			       json_string_value(json_object_get(d, "account"))
				       ?: "-",
			       json_string_value(json_object_get(d, "reason")));
	}
	rc = 0;
out:
	json_decref(list);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier review [-A DIR] [--json]\n"
			"       dossier review accept|return ID [--note TEXT]\n");
	return 2;
}

/* dossier coversheet --account ACC --category CAT -o FILE.pdf */
static int
cmd_coversheet(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"account", required_argument, NULL, 'a'},
		{"category", required_argument, NULL, 'c'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	struct ing_options o;
	struct arc *a = NULL;
	const char *acc = NULL, *cat = NULL, *outp = NULL;
	char msg[512] = "";
	int c;

	cli_ingest_defaults(&o);
	while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		switch (c) {
		case 'a': acc = optarg; break;
		case 'c': cat = optarg; break;
		case 'o': outp = optarg; break;
		default: goto usage;
		}
	}
	if (acc == NULL || cat == NULL || outp == NULL || optind != argc)
		goto usage;
	/* The category is checked against the archive when there is one. */
	if (arc_open(dir, ARC_READONLY, &a) != DOS_OK) {
		a = NULL;
		fprintf(stderr, "dossier: no archive at %s: the category is "
				"not checked\n", dir);
	}
	if (ing_coversheet_check(a, o.account_regex, acc, cat, msg,
				 sizeof(msg)) != DOS_OK ||
	    ing_coversheet_pdf(o.cover_prefix, acc, cat, outp, msg,
			       sizeof(msg)) != DOS_OK) {
		fprintf(stderr, "dossier: %s\n", msg);
		arc_close(a);
		return 1;
	}
	arc_close(a);
	printf("cover sheet for %s / %s written to %s\n", acc, cat, outp);
	return 0;
usage:
	fprintf(stderr, "usage: dossier coversheet --account ACC --category "
			"CAT -o FILE.pdf\n");
	return 2;
}

/* Lists recent batches, or shows one with every file and its outcome. */
static int
cmd_batch(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	json_t *out = NULL, *b, *f;
	char *end;
	long long id = 0;
	int c, json = 0, rc = 1;
	size_t k;
	enum dos_err err;

	if (argc > 1 && strcmp(argv[1], "close") == 0)
		return cmd_batch_close(dir, argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "cancel") == 0)
		return cmd_batch_cancel(dir, argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'J')
			json = 1;
		else
			goto usage;
	}
	if (optind < argc - 1)
		goto usage;
	if (optind == argc - 1) {
		id = strtoll(argv[optind], &end, 10);
		if (*end != '\0' || id <= 0)
			goto usage;
	}
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	err = id > 0 ? arc_batch_get(a, &cli_user, id, &out)
		     : arc_batch_list(a, &cli_user, 50, &out);
	if (err != DOS_OK) {
		fprintf(stderr, "dossier: batch %lld: %s\n", id,
			dos_strerror(err));
		goto out;
	}
	if (json)
		cli_print_json(out);
	else if (id == 0) {
		json_array_foreach(out, k, b)
			printf("batch %lld  %s  %s  %lld file(s), %lld page(s), "
			       "%lld document(s), %lld failed  %s\n",
			       (long long)json_integer_value(
				       json_object_get(b, "id")),
			       json_string_value(json_object_get(b, "started")),
			       json_string_value(json_object_get(b, "user")),
			       (long long)json_integer_value(
				       json_object_get(b, "files")),
			       (long long)json_integer_value(
				       json_object_get(b, "pages")),
			       (long long)json_integer_value(
				       json_object_get(b, "documents")),
			       (long long)json_integer_value(
				       json_object_get(b, "failures")),
			       json_string_value(json_object_get(b, "status")));
	} else {
		printf("batch %lld by %s, started %s, finished %s\n", id,
		       json_string_value(json_object_get(out, "user")),
		       json_string_value(json_object_get(out, "started")),
		       json_string_value(json_object_get(out, "finished"))
			       ?: "(not finished)");
		json_array_foreach(json_object_get(out, "entries"), k, f)
			printf("  %-9s %s: %lld page(s), %lld document(s)%s%s\n",
			       json_string_value(json_object_get(f, "outcome")),
			       json_string_value(json_object_get(f, "name")),
			       (long long)json_integer_value(
				       json_object_get(f, "pages")),
			       (long long)json_integer_value(
				       json_object_get(f, "documents")),
			       json_string_value(json_object_get(f, "error"))
				       ? ": "
				       : "",
			       json_string_value(json_object_get(f, "error"))
				       ?: "");
	}
	rc = 0;
out:
	json_decref(out);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier batch [-A DIR] [--json] [ID]\n"
			"       dossier batch close ID\n"
			"       dossier batch cancel ID\n");
	rc = 2;
	goto out;
}

static const struct cmd cmds[] = {
	{"init", cmd_init, "create an empty archive",
	 "usage: dossier [-A DIR] init\n"
	 "Creates an empty archive in DIR (catalogue, blob store, audit log).\n"},
	{"ingest", cmd_ingest, "ingest scans (TIFF, PNG, JPEG, PDF)",
	 "usage: dossier ingest [-j N] [--account ACC] [--category CAT]\n"
	 "         [--type TYPE] [--manifest CSV] [--lang LANGS] [--json]\n"
	 "         [--stats] [--max-megapixels N] [--max-file-mb N]\n"
	 "         [--no-deskew] [--no-orient] [--no-pdf] PATH...\n"
	 "       dossier ingest [OPTIONS] --resume BATCH\n"
	 "       dossier ingest [OPTIONS] --queue [--json] PATH...\n"
	 "Ingests scans (TIFF, PNG, JPEG, PDF) as one batch: each page is\n"
	 "turned upright, deskewed, read by OCR and its barcodes read; cover\n"
	 "and separator sheets cut the stack into documents.  A document's\n"
	 "date is read from its pages when the manifest gives none; its title\n"
	 "is made from its type and date, or its heading.  Unsure documents go\n"
	 "to the review queue.  --resume ingests what an interrupted batch\n"
	 "did not.  --queue copies the files into the archive's spool, counts\n"
	 "their pages and returns at once; workers read them.\n"},
	{"search", cmd_search, "search the archive",
	 "usage: dossier search [--json] [--limit N] [--offset N] [--sort KEY]\n"
	 "         [--facets] [--] QUERY\n"
	 "Searches the archive: words, \"phrases\", prefix*, ~fuzzy, OR, -word,\n"
	 "parentheses and fields (account: customer: category: type: title:\n"
	 "keywords: signatory: number: unit: manager: status: batch: barcode:\n"
	 "lang: date: added:).  KEY: relevance, date, added, account, number.\n"},
	{"show", cmd_show, "show a document",
	 "usage: dossier show [--json] ID\n"
	 "Shows a document: its details, pages, text and barcodes.\n"},
	{"verify", cmd_verify, "check the audit chain and every blob",
	 "usage: dossier verify [--anchor ID:HASH] [--json]\n"
	 "Checks the audit chain, every blob and every reference, and prints\n"
	 "the audit head to keep outside the archive.\n"},
	{"backup", cmd_backup, "copy the archive, consistently: backup DEST",
	 "usage: dossier backup DEST\n"
	 "Copies the archive to DEST (absent or empty) while it is in use.\n"},
	{"serve", cmd_serve, "serve the web UI and API",
	 "usage: dossier serve [-n] [--verbose] [--listen HOST:PORT]\n"
	 "         [--threads N] [--tls-cert PEM --tls-key PEM] [--timeout S]\n"
	 "         [--max-per-ip N]\n"
	 "Serves the web UI and JSON API (default 127.0.0.1:8080; beyond\n"
	 "loopback only with TLS).  -n checks the configuration and exits.\n"},
	{"user", cmd_user, "add a user: user add NAME --role ROLE",
	 "usage: dossier user add NAME --role ROLE [--unit U]\n"
	 "         [--clearance public|internal|confidential|secret]\n"
	 "         [--categories CODE,CODE]      (password on standard input)\n"
	 "       dossier user disable|enable NAME\n"
	 "Adds, disables or enables a user.\n"},
	{"role", cmd_role, "list roles, or add one with its actions and scope",
	 "usage: dossier role list [--json]\n"
	 "       dossier role add NAME --actions A,B\n"
	 "         --scope own|unit|all|batches|none [--unsearchable]\n"
	 "         [--clearance C]\n"
	 "Lists the roles, or adds one with its actions and scope.\n"},
	{"borrow", cmd_borrow, "request, approve or list access outside scope",
	 "usage: dossier borrow request (--customer NUMBER | --document ID)\n"
	 "         --reason WHY [--days 1-90]\n"
	 "       dossier borrow approve|refuse REQUEST-ID [--note TEXT]\n"
	 "       dossier borrow list [--json]\n"
	 "Asks for access outside one's scope, decides on such a request (a\n"
	 "manager whose scope holds it), or lists requests.\n"},
	{"review", cmd_review, "list, accept or return documents waiting for review",
	 "usage: dossier review [--json]\n"
	 "       dossier review accept|return ID [--note TEXT]\n"
	 "Lists the documents waiting for review, with the reasons; accepts\n"
	 "one (it is filed and numbered) or returns it to be scanned again\n"
	 "(a note saying why is required).\n"},
	{"coversheet", cmd_coversheet, "print a cover sheet PDF for a document",
	 "usage: dossier coversheet --account ACC --category CAT -o FILE.pdf\n"
	 "Prints a cover sheet: its barcode files the pages behind it under\n"
	 "the account and category.  The account must match the account\n"
	 "pattern and, when the archive is there, the category must be one\n"
	 "it knows.\n"},
	{"watch", cmd_watch, "ingest what is dropped into a folder: watch DIR",
	 "usage: dossier watch DIR [-j N] [--account ACC] [--category CAT]\n"
	 "         [--type TYPE] [--lang LANGS] [--max-megapixels N]\n"
	 "         [--max-file-mb N] [--no-deskew] [--no-orient] [--no-pdf]\n"
	 "         [--once]\n"
	 "Hot folder: ingests what is dropped into DIR, then moves it to\n"
	 "DIR/done/, or to DIR/failed/ beside NAME.reason.txt.\n"},
	{"scan", cmd_scan, "scan from a scanner (SANE) into a batch; --list",
	 "usage: dossier scan [--device NAME] [--source ADF|flatbed]\n"
	 "         [--duplex] [--dpi N] [--mode gray|lineart]\n"
	 "         [--set NAME=VALUE]... [--account ACC] [--category CAT]\n"
	 "         [--json]\n"
	 "       dossier scan --list [--json]\n"
	 "       dossier scan --resume B [OPTIONS]\n"
	 "Scans from a SANE scanner into a new batch, lists the scanners, or\n"
	 "goes on with a stopped scan (exit status 3 when the scanner stopped\n"
	 "it; the pages scanned are kept).\n"},
	{"pdf", cmd_pdf, "write a document's searchable PDF: pdf ID -o FILE",
	 "usage: dossier pdf ID -o FILE|-\n"
	 "       dossier pdf ID --copy --reason WHY [--print] -o FILE|-\n"
	 "Writes a document's searchable PDF (PDF/A-2b) to FILE (- for\n"
	 "standard output), or a stamped copy saying who made it, when and\n"
	 "why.\n"},
	{"batch", cmd_batch, "list batches, show one, cancel one, or close a "
			     "stopped scan",
	 "usage: dossier batch [--json] [ID]\n"
	 "       dossier batch close ID\n"
	 "       dossier batch cancel ID\n"
	 "Lists the latest batches, shows one with each file's outcome,\n"
	 "cancels what a batch has not done yet, or closes a stopped scan\n"
	 "without resuming it.\n"},
	{"worker", cmd_worker, "do the work queued in the archive: -j N, "
			       "--drain",
	 "usage: dossier worker [-j N] [--drain] [--scans]\n"
	 "Takes rows of the archive's work queue (pages to read, files to\n"
	 "file, page turns, page images for the viewer, exports; scans with\n"
	 "--scans) and does them with N\n"
	 "threads, renewing each claim's lease.  --drain stops once nothing\n"
	 "is left to do.  Several workers, on several machines sharing the\n"
	 "archive, may run at once.\n"},
	{"jobs", cmd_jobs, "the work queue: workers, claims, pages queued",
	 "usage: dossier jobs [--json]\n"
	 "Lists the workers alive, the rows they hold and their leases, and\n"
	 "the pages queued per batch and per user.\n"},
	{"customer", cmd_customer, "add, link accounts to, or show a customer",
	 "usage: dossier customer add NUMBER --name NAME --type TYPE\n"
	 "         [--account ACC]... [--unit U] [--manager USER]\n"
	 "         [--address A] [--phone P] [--legal-rep R]\n"
	 "         [--credit-rating R] [--notes N]\n"
	 "       dossier customer link NUMBER ACCOUNT\n"
	 "       dossier customer show NUMBER|ACCOUNT [--json]\n"
	 "       dossier customer close|reopen NUMBER|ACCOUNT --reason WHY\n"
	 "         [--date YYYY-MM-DD]\n"
	 "       dossier customer close-account ACCOUNT [--date YYYY-MM-DD]\n"
	 "Adds a customer with its accounts, links another account to one,\n"
	 "shows one, or records the end of the relationship or an account's\n"
	 "closing (retention counts from them).\n"},
	{"edit", cmd_edit, "change a document's metadata, with a reason",
	 "usage: dossier edit ID --reason WHY FIELD=VALUE...\n"
	 "       dossier edit ID --reason WHY --page N --text-file FILE|-\n"
	 "Changes a document's metadata (title, date, account, category,\n"
	 "doc_type, signatory, keywords, confidentiality, location,\n"
	 "searchable) or corrects a page's OCR text; the old values are kept\n"
	 "as a version with who, when and why.\n"},
	{"delete", cmd_delete, "request, approve or withdraw a deletion",
	 "usage: dossier delete request ID --reason WHY\n"
	 "       dossier delete approve ID --as USER [--hold-days N]\n"
	 "       dossier delete withdraw ID\n"
	 "Deletion: requested by one person, approved by another (a manager\n"
	 "of the document's unit), then held before it may be purged.\n"},
	{"hold", cmd_hold, "place or release a legal hold",
	 "usage: dossier hold place (--customer NUMBER|ACCOUNT |\n"
	 "         --document ID) --reason WHY\n"
	 "       dossier hold release HOLD-ID\n"
	 "Places or releases a legal hold; held documents are never purged.\n"},
	{"purge", cmd_purge, "purge deletions whose hold period is over",
	 "usage: dossier purge\n"
	 "Purges the documents whose approved deletion has waited out its\n"
	 "hold and that no legal hold keeps, leaving tombstones.\n"},
	{"retention", cmd_retention, "retention schedule, what is due, "
				     "disposal lists and certificates",
	 "usage: dossier retention rules|due|list [--as-of D] [--json]\n"
	 "       dossier retention propose --note WHY [--as-of D]\n"
	 "         [--customer N]... [--category C]... [--document ID]...\n"
	 "       dossier retention show ID [--json]\n"
	 "       dossier retention approve ID --as USER [--hold-days N]\n"
	 "         [--note WHY]\n"
	 "       dossier retention refuse ID --as USER --note WHY\n"
	 "       dossier retention withdraw ID\n"
	 "       dossier retention certificate ID -o FILE\n"
	 "The retention schedule, the documents due for disposal, disposal\n"
	 "lists (proposed by a records manager, approved by a manager) and\n"
	 "their signed certificates.\n"},
	{"missing", cmd_missing, "list what customers' dossiers lack",
	 "usage: dossier missing [--as-of DATE] [--json] [CUSTOMER|ACCOUNT]\n"
	 "Lists what customers' dossiers lack, by the checklists.\n"},
	{"checklist", cmd_checklist, "list, add or remove checklist items",
	 "usage: dossier checklist list [--json]\n"
	 "       dossier checklist add LABEL --category CAT [--type DOCTYPE]\n"
	 "         [--customer-type T] [--count N] [--months N]\n"
	 "         [--if-category CAT]\n"
	 "       dossier checklist remove ID\n"
	 "Lists, adds or removes completeness checklist items.\n"},
	{"stats", cmd_stats, "documents and pages by category, unit, clerk, day",
	 "usage: dossier stats [--from DATE] [--to DATE] [--json]\n"
	 "Documents and pages by category, unit, clerk, month and day.\n"},
	{"export", cmd_export, "signed bundle for auditors: export QUERY -o F",
	 "usage: dossier export --reason WHY [--originals] [--csv]\n"
	 "         [--customer NUM]... [--document ID]... [QUERY] -o FILE\n"
	 "Writes a signed export bundle (ZIP) of what the user may export, or\n"
	 "its metadata as CSV.\n"},
	{"export-audit", cmd_export_audit, "the audit log of a period: -o F",
	 "usage: dossier export-audit [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
	 "         [--format jsonl|csv] -o FILE\n"
	 "Writes the audit log of a period, with its chain hashes.\n"},
	{"verify-export", cmd_verify_export, "check an export bundle: FILE",
	 "usage: dossier verify-export [--json] FILE\n"
	 "Checks an export bundle: signature, digests, sizes, missing and\n"
	 "extra files.\n"},
	{"key", cmd_key, "print the archive's public signing key",
	 "usage: dossier key [--hex]\n"
	 "Prints the archive's public signing key (PEM).\n"},
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: dossier [-c FILE] [-A DIR] [--as USER] COMMAND "
		   "[ARGS]\n"
		   "  -c FILE    configuration file (default "
		   CLI_CONFIG_DEFAULT ", if it exists)\n"
		   "  -A DIR     archive folder (default $DOSSIER_ARCHIVE, "
		   "else the file's\n"
		   "             archive, else ./archive)\n"
		   "  --as USER  act as USER, with their permissions (password "
		   "on standard\n"
		   "             input); without it, the local administrator "
		   "acts\ncommands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-13s %s\n", cmds[i].name, cmds[i].usage);
}

/* dossier help [COMMAND], dossier COMMAND --help: on standard output. */
static int
help(const char *name)
{
	size_t i;

	if (name == NULL) {
		usage(stdout);
		printf("'dossier help COMMAND' or 'dossier COMMAND --help' "
		       "describes one.\n");
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(name, cmds[i].name) == 0) {
			fputs(cmds[i].help, stdout);
			printf("Every command also takes -A DIR, -c FILE and "
			       "--as USER (see 'dossier help').\n");
			return 0;
		}
	fprintf(stderr, "dossier: no command '%s'; 'dossier help' lists "
			"them\n", name);
	return 2;
}

int
main(int argc, char **argv)
{
	const char *dir = NULL, *cfg = NULL;
	size_t i;
	int k = 1;

	/*
	 * Tesseract's OpenMP threads made pages 5-6x slower on two cores.
	 * libgomp reads OMP_THREAD_LIMIT when it loads, so set it and re-exec.
	 * LD_BIND_NOW too: SANE backends built on sanei_thread cancel their
	 * reader thread asynchronously, and one cancelled while the dynamic
	 * loader resolved a symbol for it left the loader's lock taken (a
	 * scan then hung at exit).  Binding every symbol at load time costs
	 * nothing measurable here.
	 */
	if (getenv("OMP_THREAD_LIMIT") == NULL ||
	    getenv("LD_BIND_NOW") == NULL) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		setenv("OMP_THREAD_LIMIT", "1", 0);
		setenv("LD_BIND_NOW", "1", 0);
		/* By its own name: run as /proc/self/exe, ps and pgrep would
		 * show the service as "exe". */
		if (n > 0) {
			self[n] = '\0';
			execv(self, argv);
		}
		execv("/proc/self/exe", argv);
		/* If re-exec fails, go on: slower, not wrong. */
	}
	if (getenv("DOSSIER_DEBUG") != NULL)
		dos_log_set_level(DOS_LOG_DEBUG);
	if (dos_crypto_init() != DOS_OK)
		return 1;
	/* Global options before the command: -A DIR. */
	while (k < argc && argv[k][0] == '-') {
		if (strcmp(argv[k], "-A") == 0 && k + 1 < argc) {
			dir = argv[k + 1];
			k += 2;
		} else if (strcmp(argv[k], "--as") == 0 && k + 1 < argc) {
			cli_as = argv[k + 1];
			k += 2;
		} else if ((strcmp(argv[k], "-c") == 0 ||
			    strcmp(argv[k], "--config") == 0) &&
			   k + 1 < argc) {
			cfg = argv[k + 1];
			k += 2;
		} else if (strcmp(argv[k], "-h") == 0 ||
			   strcmp(argv[k], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (k >= argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[k], "help") == 0)
		return help(k + 1 < argc ? argv[k + 1] : NULL);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[k], cmds[i].name) != 0)
			continue;
		/* COMMAND --help (or -h) anywhere before a "--". */
		for (int j = k + 1; j < argc && strcmp(argv[j], "--") != 0;
		     j++)
			if (strcmp(argv[j], "--help") == 0 ||
			    strcmp(argv[j], "-h") == 0)
				return help(cmds[i].name);
		/* Also accept -A after the command name. */
		{
			int j, n = 0;
			char **av = calloc((size_t)(argc - k) + 1, sizeof(*av));
			int rc;

			if (av == NULL)
				return 1;
			for (j = k; j < argc; j++) {
				if (strcmp(argv[j], "-A") == 0 && j + 1 < argc &&
				    j > k) {
					dir = argv[++j];
					continue;
				}
				if (strcmp(argv[j], "--as") == 0 &&
				    j + 1 < argc && j > k) {
					cli_as = argv[++j];
					continue;
				}
				if (strcmp(argv[j], "--config") == 0 &&
				    j + 1 < argc && j > k) {
					cfg = argv[++j];
					continue;
				}
				av[n++] = argv[j];
			}
			if (load_config(cfg) != 0) {
				free(av);
				return 1;
			}
			optind = 1;
			rc = cmds[i].run(archive_dir(dir), n, av);
			free(av);
			cli_config_free(cli_cfg);
			cli_cfg = NULL;
			/*
			 * A SANE backend's reader thread cancelled while it
			 * held the loader's lock (sanei_thread cancels
			 * asynchronously) makes exit() wait for ever in
			 * the loader's clean-up: a scan, its archive
			 * closed and its output written, leaves at once.
			 */
			if (cmds[i].run == cmd_scan) {
				fflush(NULL);
				_exit(rc);
			}
			return rc;
		}
	}
	fprintf(stderr, "dossier: unknown command '%s'\n", argv[k]);
	usage(stderr);
	return 2;
}
