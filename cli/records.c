/*
 * records.c: the dossier commands for customers and for what happens to a
 * document after filing: customer add/link/show, edit (with a reason),
 * delete request/approve/withdraw, hold place/release, purge.
 * Who acts is cli_user (main.c: --as NAME with that user's password on
 * standard input, else the local administrator); the archive checks what
 * they may do.  Approving a deletion always needs --as.
 * Exports cmd_customer, cmd_edit, cmd_delete, cmd_hold, cmd_purge.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int
parse_id(const char *s, int64_t *pid)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v <= 0)
		return -1;
	*pid = v;
	return 0;
}

/* Prints msg and maps err to an exit status. */
static int
report(enum dos_err err, const char *msg)
{
	if (err == DOS_OK) {
		if (msg[0] != '\0')
			printf("%s\n", msg);
		return 0;
	}
	fprintf(stderr, "dossier: %s\n", msg[0] != '\0' ? msg : dos_strerror(err));
	return 1;
}

int
cmd_customer(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"name", required_argument, NULL, 'n'},
		{"type", required_argument, NULL, 't'},
		{"unit", required_argument, NULL, 'u'},
		{"manager", required_argument, NULL, 'm'},
		{"address", required_argument, NULL, 'd'},
		{"phone", required_argument, NULL, 'p'},
		{"legal-rep", required_argument, NULL, 'l'},
		{"credit-rating", required_argument, NULL, 'r'},
		{"notes", required_argument, NULL, 'N'},
		{"account", required_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	struct arc_customer_in c;
	const char *accounts[32];
	struct arc *a = NULL;
	json_t *j = NULL, *v;
	const char *sub, *key;
	char msg[256] = "";
	int ch, json = 0, rc = 2;
	size_t k;
	enum dos_err err;

	memset(&c, 0, sizeof(c));
	c.accounts = accounts;
	if (argc < 2)
		goto usage;
	sub = argv[1];
	if (strcmp(sub, "close") == 0 || strcmp(sub, "reopen") == 0 ||
	    strcmp(sub, "close-account") == 0)
		return cli_customer_close(dir, argc, argv);
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'n': c.name = optarg; break;
		case 't': c.type = optarg; break;
		case 'u': c.unit = optarg; break;
		case 'm': c.manager = optarg; break;
		case 'd': c.address = optarg; break;
		case 'p': c.phone = optarg; break;
		case 'l': c.legal_rep = optarg; break;
		case 'r': c.credit_rating = optarg; break;
		case 'N': c.notes = optarg; break;
		case 'J': json = 1; break;
		case 'a':
			if (c.naccounts == sizeof(accounts) / sizeof(accounts[0]))
				goto usage;
			accounts[c.naccounts++] = optarg;
			break;
		default: goto usage;
		}
	}
	rc = 1;
	if (strcmp(sub, "add") == 0 && optind == argc - 1) {
		c.number = argv[optind];
		if (cli_open_archive(dir, &a) != DOS_OK)
			goto out;
		err = arc_customer_add(a, &cli_user, &c, msg, sizeof(msg));
		if (err == DOS_OK)
			snprintf(msg, sizeof(msg), "customer %s added with %zu "
				 "account(s)", c.number, c.naccounts);
		rc = report(err, msg);
	} else if (strcmp(sub, "link") == 0 && optind == argc - 2) {
		if (cli_open_archive(dir, &a) != DOS_OK)
			goto out;
		err = arc_account_link(a, &cli_user, argv[optind],
				       argv[optind + 1], msg, sizeof(msg));
		if (err == DOS_OK)
			snprintf(msg, sizeof(msg), "account %s linked to "
				 "customer %s", argv[optind + 1], argv[optind]);
		rc = report(err, msg);
	} else if (strcmp(sub, "show") == 0 && optind == argc - 1) {
		if (cli_open_archive(dir, &a) != DOS_OK)
			goto out;
		if ((err = arc_customer_get(a, &cli_user, argv[optind], &j, msg,
					    sizeof(msg))) != DOS_OK) {
			fprintf(stderr, "dossier: customer %s: %s\n",
				argv[optind],
				err == DOS_NOTFOUND
					? "no customer has that number or "
					  "account"
				: msg[0] ? msg
					 : dos_strerror(err));
			goto out;
		}
		if (json)
			cli_print_json(j);
		else {
			printf("customer %s: %s (%s)\naccounts:",
			       json_string_value(json_object_get(j, "number")),
			       json_string_value(json_object_get(j, "name")),
			       json_string_value(json_object_get(j, "type")));
			json_array_foreach(json_object_get(j, "accounts"), k, v)
				printf(" %s", json_string_value(v));
			printf("\n");
			json_object_foreach(json_object_get(j, "categories"),
					    key, v)
				printf("  %-10s %lld document(s), %lld "
				       "page(s)\n", key,
				       (long long)json_integer_value(
					       json_object_get(v, "documents")),
				       (long long)json_integer_value(
					       json_object_get(v, "pages")));
		}
		rc = 0;
	} else
		goto usage;
out:
	json_decref(j);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr,
		"usage: dossier customer add NUMBER --name NAME --type TYPE "
		"[--account ACC]...\n"
		"         [--unit U] [--manager USER] [--address A] [--phone P] "
		"[--legal-rep R]\n"
		"         [--credit-rating R] [--notes N]\n"
		"       dossier customer link NUMBER ACCOUNT\n"
		"       dossier customer show NUMBER|ACCOUNT [--json]\n"
		"       dossier customer close NUMBER|ACCOUNT --reason WHY "
		"[--date YYYY-MM-DD]\n"
		"       dossier customer reopen NUMBER|ACCOUNT --reason WHY\n"
		"       dossier customer close-account ACCOUNT "
		"[--date YYYY-MM-DD]\n");
	rc = 2;
	goto out;
}

/* Reads a corrected page text from a file ("-": standard input). */
static char *
read_text(const char *path)
{
	struct dbuf b;
	char buf[8192];
	size_t n;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");

	if (f == NULL) {
		fprintf(stderr, "dossier: edit: cannot read %s: %s\n", path,
			strerror(errno));
		return NULL;
	}
	dbuf_init(&b, 1u << 20);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (dbuf_add(&b, buf, n) != DOS_OK) {
			fprintf(stderr, "dossier: edit: %s is longer than the "
					"1 MiB a page's text may hold\n", path);
			break;
		}
	if (f != stdin)
		fclose(f);
	if (n > 0 || memchr(b.data ? b.data : "", '\0', b.len) != NULL) {
		if (n == 0)
			fprintf(stderr, "dossier: edit: %s holds a NUL byte; "
					"page text is plain UTF-8\n", path);
		dbuf_free(&b);
		return NULL;
	}
	return dbuf_take(&b, NULL); /* NUL-terminated */
}

int
cmd_edit(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"reason", required_argument, NULL, 'r'},
		{"page", required_argument, NULL, 'p'},
		{"text-file", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	json_t *changes = json_object();
	const char *reason = NULL, *textfile = NULL;
	char msg[512] = "", *eq, *text = NULL;
	int64_t id, page = 0;
	int ch, i, rc = 2;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'r')
			reason = optarg;
		else if (ch == 'p') {
			if (parse_id(optarg, &page) != 0 || page > 100000)
				goto usage;
		} else if (ch == 't')
			textfile = optarg;
		else
			goto usage;
	}
	if (changes == NULL || optind >= argc ||
	    parse_id(argv[optind], &id) != 0)
		goto usage;
	if ((page > 0) != (textfile != NULL))
		goto usage;
	if (page > 0) {
		/* A correction of a page's OCR text. */
		if (optind != argc - 1)
			goto usage;
		if (cli_as != NULL && strcmp(textfile, "-") == 0) {
			fprintf(stderr, "dossier: edit: with --as the password "
					"comes on standard input; give the "
					"text in a file\n");
			goto usage;
		}
		rc = 1;
		if ((text = read_text(textfile)) == NULL ||
		    cli_open_archive(dir, &a) != DOS_OK)
			goto out;
		rc = report(arc_page_text_edit(a, &cli_user, id,
					       (int)page, text, reason, msg,
					       sizeof(msg)),
			    msg);
		goto out;
	}
	if (optind > argc - 2)
		goto usage;
	/* FIELD=VALUE, or FIELD= to clear it. */
	for (i = optind + 1; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL || eq == argv[i])
			goto usage;
		*eq = '\0';
		json_object_set_new(changes, argv[i],
				    eq[1] != '\0' ? json_string(eq + 1)
						  : json_null());
	}
	rc = 1;
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	rc = report(arc_doc_edit(a, &cli_user, id, changes, reason,
				 msg, sizeof(msg)),
		    msg);
out:
	free(text);
	json_decref(changes);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier edit ID --reason WHY [--as USER] "
			"FIELD=VALUE...\n"
			"       dossier edit ID --reason WHY [--as USER] "
			"--page N --text-file FILE|-\n"
			"  fields: title date account category doc_type "
			"signatory keywords\n"
			"          confidentiality location\n");
	rc = 2;
	goto out;
}

int
cmd_delete(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"reason", required_argument, NULL, 'r'},
		{"hold-days", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	const char *reason = NULL, *sub;
	char msg[512] = "", *end;
	int64_t id;
	long days = cli_config_hold_days(cli_cfg);
	int ch, rc = 2;
	enum dos_err err;

	if (argc < 2)
		goto usage;
	sub = argv[1];
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'r')
			reason = optarg;
		else if (ch == 'H') {
			days = strtol(optarg, &end, 10);
			if (*end != '\0')
				goto usage;
		} else
			goto usage;
	}
	if (optind != argc - 1 || parse_id(argv[optind], &id) != 0)
		goto usage;
	if (strcmp(sub, "approve") == 0 && cli_as == NULL) {
		fprintf(stderr, "dossier: approving a deletion needs --as USER "
				"(a manager or administrator other than the "
				"requester)\n");
		return 2;
	}
	rc = 1;
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if (strcmp(sub, "request") == 0)
		err = arc_delete_request(a, &cli_user, id, reason,
					 msg, sizeof(msg));
	else if (strcmp(sub, "approve") == 0)
		err = arc_delete_approve(a, &cli_user, id, (int)days, msg,
					 sizeof(msg));
	else if (strcmp(sub, "withdraw") == 0)
		err = arc_delete_withdraw(a, &cli_user, id, msg,
					  sizeof(msg));
	else {
		rc = 2;
		goto usage;
	}
	rc = report(err, msg);
out:
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier delete request ID --reason WHY "
			"[--as USER]\n"
			"       dossier delete approve ID --as USER "
			"[--hold-days N]   (password on stdin)\n"
			"       dossier delete withdraw ID [--as USER]\n");
	rc = 2;
	goto out;
}

int
cmd_hold(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"reason", required_argument, NULL, 'r'},
		{"customer", required_argument, NULL, 'c'},
		{"document", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	const char *reason = NULL, *customer = NULL, *sub;
	char msg[512] = "";
	int64_t doc = 0, hold = 0;
	int ch, rc = 2;
	enum dos_err err;

	if (argc < 2)
		goto usage;
	sub = argv[1];
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'r': reason = optarg; break;
		case 'c': customer = optarg; break;
		case 'd':
			if (parse_id(optarg, &doc) != 0)
				goto usage;
			break;
		default: goto usage;
		}
	}
	if (strcmp(sub, "place") == 0) {
		if (optind != argc || (customer == NULL) == (doc == 0))
			goto usage;
	} else if (strcmp(sub, "release") == 0) {
		if (optind != argc - 1 || parse_id(argv[optind], &hold) != 0)
			goto usage;
	} else
		goto usage;
	rc = 1;
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if (strcmp(sub, "place") == 0)
		err = arc_hold_place(a, &cli_user, customer, doc,
				     reason, msg, sizeof(msg));
	else
		err = arc_hold_release(a, &cli_user, hold, msg,
				       sizeof(msg));
	rc = report(err, msg);
out:
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier hold place (--customer NUMBER|ACCOUNT "
			"| --document ID) --reason WHY [--as USER]\n"
			"       dossier hold release HOLD-ID [--as USER]\n");
	rc = 2;
	goto out;
}

int
cmd_purge(const char *dir, int argc, char **argv)
{
	struct arc *a = NULL;
	json_t *rep = NULL, *v;
	size_t k;
	int rc = 1;
	enum dos_err err;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: dossier purge\n");
		return 2;
	}
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if ((err = arc_purge(a, &cli_user, &rep)) != DOS_OK) {
		fprintf(stderr, "dossier: purge failed, nothing removed: %s\n",
			dos_strerror(err));
		goto out;
	}
	printf("purged %zu document(s), %lld blob file(s) removed, %lld "
	       "original(s) destroyed; %zu held back by a legal hold\n",
	       json_array_size(json_object_get(rep, "purged")),
	       (long long)json_integer_value(
		       json_object_get(rep, "blobs_removed")),
	       (long long)json_integer_value(
		       json_object_get(rep, "originals_destroyed")),
	       json_array_size(json_object_get(rep, "held")));
	json_array_foreach(json_object_get(rep, "certificates"), k, v)
		printf("disposal %lld: certificate %lld written (%lld "
		       "document(s) destroyed); dossier retention certificate "
		       "%lld -o FILE\n",
		       (long long)json_integer_value(
			       json_object_get(v, "disposal")),
		       (long long)json_integer_value(
			       json_object_get(v, "certificate")),
		       (long long)json_integer_value(
			       json_object_get(v, "documents")),
		       (long long)json_integer_value(
			       json_object_get(v, "certificate")));
	rc = 0;
out:
	json_decref(rep);
	arc_close(a);
	return rc;
}
