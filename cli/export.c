/*
 * export.c: the export commands: export (a signed bundle, or a metadata
 * CSV), export-audit (the audit log of a period), verify-export (checks a
 * bundle) and key (the archive's public key).
 * Exports cmd_export, cmd_export_audit, cmd_verify_export, cmd_key.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dossier/archive.h"
#include "dossier/export.h"

#include "cli.h"

/* At most this many --customer / --document options. */
#define MAX_LIST 10000

/* One progress line on a terminal, rewritten in place. */
struct progress {
	double last;
	int finished;
};

static void
on_progress(void *arg, const struct exp_progress *p)
{
	struct progress *pr = arg;
	double now = dos_mono();

	if (pr->finished || (p->done < p->total && now - pr->last < 0.2))
		return;
	pr->last = now;
	fprintf(stderr, "\rexporting: %zu of %zu documents, %.1f of %.1f MB",
		p->done, p->total, p->bytes / 1e6, p->total_bytes / 1e6);
	if (p->done == p->total) {
		fputc('\n', stderr);
		pr->finished = 1;
	}
}

int
cmd_export(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"reason", required_argument, NULL, 'r'},
		{"originals", no_argument, NULL, 'O'},
		{"csv", no_argument, NULL, 'C'},
		{"customer", required_argument, NULL, 'c'},
		{"document", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	struct exp_opts o = {0};
	struct exp_result res;
	struct arc *a = NULL;
	const char **custs = NULL;
	int64_t *docs = NULL;
	const char *outpath = NULL;
	char msg[1024];
	struct progress pr = {0};
	long id;
	int c, csv = 0, rc = 1;
	enum dos_err err;

	if ((custs = calloc(MAX_LIST, sizeof(*custs))) == NULL ||
	    (docs = calloc(MAX_LIST, sizeof(*docs))) == NULL)
		goto out;
	while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		switch (c) {
		case 'r': o.reason = optarg; break;
		case 'O': o.originals = 1; break;
		case 'C': csv = 1; break;
		case 'o': outpath = optarg; break;
		case 'c':
			if (o.ncustomers == MAX_LIST)
				goto usage;
			custs[o.ncustomers++] = optarg;
			break;
		case 'd':
			if (o.ndocs == MAX_LIST ||
			    !cli_number(optarg, 1, 0x7fffffffL, &id))
				goto usage;
			docs[o.ndocs++] = id;
			break;
		default: goto usage;
		}
	}
	if (optind < argc - 1 || outpath == NULL ||
	    (optind == argc && o.ncustomers == 0 && o.ndocs == 0))
		goto usage;
	if (optind == argc - 1)
		o.query = argv[optind];
	o.customers = custs;
	o.docs = docs;
	if (o.reason == NULL || o.reason[strspn(o.reason, " \t")] == '\0') {
		fprintf(stderr, "dossier: export: a reason is required "
				"(--reason TEXT); it is recorded in the audit "
				"log with the query\n");
		rc = 2;
		goto out;
	}
	if (csv && o.originals) {
		fprintf(stderr, "dossier: export: --csv holds metadata only; "
				"it cannot take --originals\n");
		rc = 2;
		goto out;
	}
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if (!csv && isatty(STDERR_FILENO)) {
		o.progress = on_progress;
		o.arg = &pr;
	}
	err = csv ? exp_csv(a, &cli_user, &o, outpath, &res, msg, sizeof(msg))
		  : exp_bundle(a, &cli_user, &o, outpath, &res, msg,
			       sizeof(msg));
	if (err != DOS_OK) {
		fprintf(stderr, "dossier: export: %s\n",
			msg[0] != '\0' ? msg : dos_strerror(err));
		goto out;
	}
	if (csv)
		printf("exported the metadata of %zu documents (%zu pages) to "
		       "%s; SHA-256 %s\n",
		       res.documents, res.pages, outpath, res.manifest_sha);
	else
		printf("exported %zu documents (%zu pages, %zu files, %.1f MB) "
		       "to %s; manifest SHA-256 %s\n",
		       res.documents, res.pages, res.files, res.bytes / 1e6,
		       outpath, res.manifest_sha);
	rc = 0;
out:
	free(custs);
	free(docs);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr,
		"usage: dossier export [-A DIR] [--as USER] --reason TEXT "
		"[--originals] [--csv]\n"
		"                      [--customer NUM]... [--document ID]... "
		"[QUERY] -o FILE\n");
	rc = 2;
	goto out;
}

int
cmd_export_audit(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"format", required_argument, NULL, 'F'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	const char *from = NULL, *to = NULL, *outpath = NULL;
	enum exp_format fmt = EXP_JSONL;
	char msg[512];
	size_t n = 0;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'o': outpath = optarg; break;
		case 'F':
			if (strcmp(optarg, "csv") == 0)
				fmt = EXP_CSV;
			else if (strcmp(optarg, "jsonl") == 0)
				fmt = EXP_JSONL;
			else
				goto usage;
			break;
		default: goto usage;
		}
	}
	if (optind != argc || outpath == NULL)
		goto usage;
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if (exp_audit_log(a, &cli_user, from, to, fmt, outpath, &n, msg,
			  sizeof(msg)) != DOS_OK) {
		fprintf(stderr, "dossier: export-audit: %s\n", msg);
		goto out;
	}
	printf("exported %zu audit entries to %s\n", n, outpath);
	rc = 0;
out:
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier export-audit [-A DIR] [--as USER] "
			"[--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
			"                            [--format jsonl|csv] -o "
			"FILE\n");
	rc = 2;
	goto out;
}

/*
 * The archive's public key: 1 when dir is an archive that has one, 0 when
 * dir holds no archive, -1 (said) when the archive cannot give it.
 */
static int
archive_key(const char *dir, unsigned char pk[ARC_KEY_PUBLIC_BYTES])
{
	struct arc *a = NULL;
	char path[4096];
	struct stat sb;
	enum dos_err err;

	if (dos_snprintf(path, sizeof(path), "%s/catalogue.db", dir) !=
		    DOS_OK ||
	    stat(path, &sb) != 0)
		return 0;
	if ((err = arc_open(dir, ARC_READONLY, &a)) == DOS_OK)
		err = arc_key_public(a, pk);
	arc_close(a);
	if (err != DOS_OK) {
		fprintf(stderr, "dossier: verify-export: the archive at %s "
				"has no key to check with: %s\n",
			dir, err == DOS_NOTFOUND ? "it never signed an export"
						 : dos_strerror(err));
		return -1;
	}
	return 1;
}

/* A public key from a file as 'dossier key' prints it; 0 when it is not
 * one (said). */
static int
file_key(const char *path, unsigned char pk[ARC_KEY_PUBLIC_BYTES])
{
	char buf[EXP_PEM_MAX * 2];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "dossier: verify-export: cannot read %s: %s\n",
			path, strerror(errno));
		return 0;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n == sizeof(buf) || !exp_key_from_pem(buf, n, pk)) {
		fprintf(stderr, "dossier: verify-export: %s is not an Ed25519 "
				"public key as 'dossier key' prints it\n",
			path);
		return 0;
	}
	return 1;
}

/* A disposal certificate rather than a bundle, checked against the
 * trusted key pk (named name) if any; the exit status. */
static int
verify_certificate(const char *path, const unsigned char *pk,
		   const char *name, int json)
{
	json_t *rep = NULL, *f;
	size_t k;
	enum dos_err err;
	int rc = 1;

	err = exp_cert_verify(path, pk, &rep);
	if (rep == NULL) {
		fprintf(stderr, "dossier: verify-export: %s\n",
			dos_strerror(err));
		return 1;
	}
	json_object_set_new(rep, "archive_key_checked",
			    json_boolean(pk != NULL));
	json_object_set_new(rep, "trusted_key",
			    pk != NULL ? json_string(name) : json_null());
	if (json)
		cli_print_json(rep);
	else if (err == DOS_OK)
		printf("disposal certificate %lld verifies: disposal list "
		       "%lld, %lld document(s) destroyed, %lld original(s) "
		       "destroyed; approved by %s, purged by %s%s%s\n",
		       (long long)json_integer_value(
			       json_object_get(rep, "certificate")),
		       (long long)json_integer_value(
			       json_object_get(rep, "disposal")),
		       (long long)json_integer_value(
			       json_object_get(rep, "documents")),
		       (long long)json_integer_value(
			       json_object_get(rep, "originals_destroyed")),
		       json_string_value(json_object_get(rep, "approved_by")),
		       json_string_value(json_object_get(rep, "purged_by")),
		       pk != NULL ? "; signed with " : "",
		       pk != NULL ? name
				  : "; signed by the key it names (give the "
				    "archive's key with --key FILE, or run "
				    "beside the archive, -A DIR, to check it "
				    "is the archive's)");
	else {
		json_array_foreach(json_object_get(rep, "faults"), k, f)
			fprintf(stderr, "%s\n", json_string_value(f));
		fprintf(stderr, "dossier: verify-export: the certificate does "
				"NOT verify (%zu fault%s)\n",
			json_array_size(json_object_get(rep, "faults")),
			json_array_size(json_object_get(rep, "faults")) == 1
				? ""
				: "s");
	}
	rc = err == DOS_OK ? 0 : 1;
	json_decref(rep);
	return rc;
}

int
cmd_verify_export(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, NULL, 'J'},
		{"key", required_argument, NULL, 'k'},
		{NULL, 0, NULL, 0},
	};
	unsigned char pk[ARC_KEY_PUBLIC_BYTES], apk[ARC_KEY_PUBLIC_BYTES];
	char name[4200];
	const char *keyfile = NULL;
	json_t *rep = NULL, *f;
	size_t k;
	int c, json = 0, rc = 1, have_key = 0, have_archive, given;
	enum dos_err err;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'J')
			json = 1;
		else if (c == 'k')
			keyfile = optarg;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	/*
	 * The key to trust: one pinned from a file, else the archive's.  An
	 * archive named (-A, $DOSSIER_ARCHIVE, the configuration file) that
	 * is not there is an error, never a check silently left out; only
	 * the ./archive fallback may be absent.
	 */
	given = cli_archive_given ||
		cli_config_get(cli_cfg, CFG_ARCHIVE) != NULL;
	if (keyfile != NULL) {
		if (!file_key(keyfile, pk))
			goto out;
		have_key = 1;
		snprintf(name, sizeof(name), "the trusted key in %s", keyfile);
	}
	if ((have_archive = archive_key(dir, apk)) < 0)
		goto out;
	if (have_archive == 0 && given) {
		fprintf(stderr, "dossier: verify-export: no archive at %s, so "
				"its key cannot be checked; give the archive's "
				"key with --key FILE (as 'dossier key' prints "
				"it)\n",
			dir);
		goto out;
	}
	if (have_archive && have_key && memcmp(pk, apk, sizeof(pk)) != 0 &&
	    given) {
		fprintf(stderr, "dossier: verify-export: the key in %s is not "
				"the key of the archive at %s\n",
			keyfile, dir);
		goto out;
	}
	if (have_archive && !have_key) {
		memcpy(pk, apk, sizeof(pk));
		have_key = 1;
		snprintf(name, sizeof(name), "this archive's key");
	}
	if (exp_cert_is(argv[optind])) {
		rc = verify_certificate(argv[optind], have_key ? pk : NULL,
					have_key ? name : NULL, json);
		goto out;
	}
	err = exp_verify(argv[optind], have_key ? pk : NULL, name, &rep);
	if (rep == NULL) {
		fprintf(stderr, "dossier: verify-export: %s\n",
			dos_strerror(err));
		goto out;
	}
	json_object_set_new(rep, "archive_key_checked",
			    json_boolean(have_key && keyfile == NULL));
	json_object_set_new(rep, "trusted_key",
			    have_key ? json_string(name) : json_null());
	if (!have_key)
		json_object_set_new(
			rep, "warning",
			json_string("checked only against the key the bundle "
				    "itself carries (public_key.txt), which "
				    "whoever changed the bundle could have "
				    "replaced; give the archive's key with "
				    "--key FILE"));
	if (json)
		cli_print_json(rep);
	else if (err == DOS_OK)
		printf("bundle verifies: %lld documents, %lld files%s%s\n",
		       (long long)json_integer_value(
			       json_object_get(rep, "documents")),
		       (long long)json_integer_value(
			       json_object_get(rep, "files")),
		       have_key ? "; signed with " : "", have_key ? name : "");
	else {
		json_array_foreach(json_object_get(rep, "faults"), k, f)
			fprintf(stderr, "%s\n", json_string_value(f));
		fprintf(stderr, "dossier: verify-export: the bundle does NOT "
				"verify (%zu fault%s)\n",
			json_array_size(json_object_get(rep, "faults")),
			json_array_size(json_object_get(rep, "faults")) == 1
				? ""
				: "s");
	}
	if (!have_key && !json)
		fprintf(stderr,
			"dossier: verify-export: warning: checked only against "
			"the key the bundle itself carries (public_key.txt); "
			"whoever changed the bundle could have replaced it.  "
			"Give the archive's key with --key FILE (as 'dossier "
			"key' prints it, obtained from the archive's keeper), "
			"or run beside the archive with -A DIR\n");
	rc = err == DOS_OK ? 0 : 1;
out:
	json_decref(rep);
	return rc;
usage:
	fprintf(stderr, "usage: dossier verify-export [-A DIR] [--key "
			"PUBKEY.pem] [--json] FILE\n");
	rc = 2;
	goto out;
}

int
cmd_key(const char *dir, int argc, char **argv)
{
	unsigned char pk[ARC_KEY_PUBLIC_BYTES];
	char pem[EXP_PEM_MAX], hex[2 * ARC_KEY_PUBLIC_BYTES + 1];
	struct arc *a = NULL;
	enum dos_err err;
	int hexout = argc == 2 && strcmp(argv[1], "--hex") == 0;

	if (argc > 1 && !hexout) {
		fprintf(stderr, "usage: dossier key [-A DIR] [--hex]\n");
		return 2;
	}
	if (cli_open_archive(dir, &a) != DOS_OK)
		return 1;
	if ((err = arc_key_public(a, pk)) != DOS_OK) {
		fprintf(stderr, "dossier: key: %s\n", dos_strerror(err));
		arc_close(a);
		return 1;
	}
	arc_close(a);
	if (hexout) {
		dos_hex(pk, sizeof(pk), hex);
		printf("%s\n", hex);
	} else {
		exp_key_pem(pk, pem);
		fputs(pem, stdout);
	}
	return 0;
}
