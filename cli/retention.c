/*
 * retention.c: the records manager's commands.  dossier retention rules
 * (the schedule the configuration file declares), due (what has run
 * out, by customer and category), propose, list, show, approve, refuse,
 * withdraw (disposal lists) and certificate (a disposal certificate to a
 * file); dossier customer close, reopen and close-account (the triggers
 * of relationship_end and account_closed).  The archive checks who may;
 * these only read options and print.
 * Exports cmd_retention, cli_customer_close.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_LIST 10000

static int
report(enum dos_err err, const char *msg)
{
	if (err == DOS_OK) {
		if (msg[0] != '\0')
			printf("%s\n", msg);
		return 0;
	}
	fprintf(stderr, "dossier: %s\n",
		msg[0] != '\0' ? msg : dos_strerror(err));
	return 1;
}

/* Opens the archive and, when a configuration file was read, makes its
 * retention schedule the archive's first. */
static enum dos_err
open_synced(const char *dir, struct arc **pa)
{
	enum dos_err err;

	if ((err = cli_open_archive(dir, pa)) != DOS_OK)
		return err;
	if (cli_cfg != NULL && !arc_readonly(*pa)) {
		cli_config_sync(cli_cfg, *pa);
		cli_config_sync_retention(cli_cfg, *pa);
	}
	return DOS_OK;
}

static const char *
js(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static void
print_rules(json_t *rules)
{
	json_t *r;
	size_t i;

	if (json_array_size(rules) == 0) {
		printf("no retention rules (declare them in the configuration "
		       "file: retain = N(y|m|d) after TRIGGER in a [category "
		       "CODE] section)\n");
		return;
	}
	json_array_foreach(rules, i, r)
		printf("%-12s %-20s %s\n", js(r, "category"),
		       json_is_string(json_object_get(r, "doc_type"))
			       ? js(r, "doc_type")
			       : "(every type)",
		       js(r, "retain"));
}

/* Prints the due list grouped by customer and category. */
static void
print_due(json_t *due)
{
	json_t *docs = json_object_get(due, "documents"), *d, *k;
	char cust[160] = "\001", cat[40] = "\001", now[160];
	size_t i;

	printf("due for disposal by %s: %lld document(s)\n", js(due, "as_of"),
	       (long long)json_integer_value(json_object_get(due, "due")));
	json_array_foreach(docs, i, d) {
		snprintf(now, sizeof(now), "%s%s%s",
			 json_is_string(json_object_get(d, "customer"))
				 ? js(d, "customer")
				 : "(no customer)",
			 json_is_string(json_object_get(d, "customer_name"))
				 ? " "
				 : "",
			 js(d, "customer_name"));
		if (strcmp(now, cust) != 0) {
			printf("\ncustomer %s\n", now);
			snprintf(cust, sizeof(cust), "%s", now);
			cat[0] = '\001';
		}
		if (strcmp(js(d, "category"), cat) != 0) {
			printf("  %s\n", js(d, "category"));
			snprintf(cat, sizeof(cat), "%s", js(d, "category"));
		}
		printf("    %-6lld %-18s %-18s due %s (%s %s) rule %s\n",
		       (long long)json_integer_value(json_object_get(d, "id")),
		       json_is_string(json_object_get(d, "archive_no"))
			       ? js(d, "archive_no")
			       : "-",
		       json_is_string(json_object_get(d, "doc_type"))
			       ? js(d, "doc_type")
			       : "-",
		       js(d, "due"), js(d, "trigger"), js(d, "trigger_date"),
		       js(d, "rule"));
	}
	k = json_object_get(due, "kept_off");
	if (json_integer_value(json_object_get(k, "legal_hold")) +
		    json_integer_value(json_object_get(k, "deletion")) +
		    json_integer_value(json_object_get(k, "disposal")) >
	    0)
		printf("\nkept off the list: %lld under a legal hold, %lld "
		       "with an open deletion, %lld on a disposal list under "
		       "way\n",
		       (long long)json_integer_value(
			       json_object_get(k, "legal_hold")),
		       (long long)json_integer_value(
			       json_object_get(k, "deletion")),
		       (long long)json_integer_value(
			       json_object_get(k, "disposal")));
	if (json_integer_value(json_object_get(due, "rules")) == 0)
		printf("(the archive has no retention rules)\n");
}

static void
print_list(json_t *l)
{
	printf("disposal %lld: %s, due by %s, %lld document(s) (%lld "
	       "destroyed, %lld kept, %lld pending)\n  proposed by %s at %s: "
	       "%s\n",
	       (long long)json_integer_value(json_object_get(l, "id")),
	       js(l, "status"), js(l, "as_of"),
	       (long long)json_integer_value(json_object_get(l, "documents")),
	       (long long)json_integer_value(json_object_get(l, "destroyed")),
	       (long long)json_integer_value(json_object_get(l, "kept")),
	       (long long)json_integer_value(json_object_get(l, "pending")),
	       js(l, "proposed_by"), js(l, "proposed_at"), js(l, "note"));
	if (json_is_string(json_object_get(l, "decided_by")))
		printf("  decided by %s at %s%s%s%s%s\n", js(l, "decided_by"),
		       js(l, "decided_at"),
		       json_is_string(json_object_get(l, "hold_until"))
			       ? ", held until "
			       : "",
		       js(l, "hold_until"),
		       json_is_string(json_object_get(l, "decision_note"))
			       ? ": "
			       : "",
		       js(l, "decision_note"));
	if (json_array_size(json_object_get(l, "certificates")) > 0) {
		json_t *c;
		size_t i;

		printf("  certificates:");
		json_array_foreach(json_object_get(l, "certificates"), i, c)
			printf(" %lld", (long long)json_integer_value(c));
		printf("\n");
	}
}

/* Writes certificate id to path (temp file, fsync, rename). */
static int
write_certificate(struct arc *a, int64_t id, const char *path)
{
	char msg[512] = "", tmp[4200], buf[65536];
	uint64_t size;
	ssize_t r;
	int fd = -1, out = -1, rc = 1;

	if (arc_certificate_open(a, &cli_user, id, &fd, &size, msg,
				 sizeof(msg)) != DOS_OK) {
		fprintf(stderr, "dossier: %s\n", msg);
		return 1;
	}
	if (dos_snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path,
			 (long)getpid()) != DOS_OK ||
	    (out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			0644)) < 0) {
		fprintf(stderr, "dossier: cannot write %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)r) != r) {
			fprintf(stderr, "dossier: cannot write %s: %s\n", path,
				strerror(errno));
			goto out;
		}
	if (r < 0 || fsync(out) != 0 || close(out) != 0) {
		out = -1;
		fprintf(stderr, "dossier: cannot write %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	out = -1;
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "dossier: cannot write %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	printf("certificate %lld: %llu bytes written to %s\n", (long long)id,
	       (unsigned long long)size, path);
	rc = 0;
out:
	if (out >= 0)
		close(out);
	if (rc != 0)
		unlink(tmp);
	close(fd);
	return rc;
}

static int
usage(void)
{
	fprintf(stderr,
		"usage: dossier retention rules [--json]\n"
		"       dossier retention due [--as-of YYYY-MM-DD] [--json]\n"
		"       dossier retention propose --note WHY [--as-of D] "
		"[--customer N]... [--category C]...\n"
		"                                 [--document ID]...\n"
		"       dossier retention list [--json]\n"
		"       dossier retention show ID [--json]\n"
		"       dossier retention approve ID --as USER [--hold-days N] "
		"[--note WHY]\n"
		"       dossier retention refuse ID --as USER --note WHY\n"
		"       dossier retention withdraw ID\n"
		"       dossier retention certificate ID -o FILE\n");
	return 2;
}

int
cmd_retention(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, NULL, 'J'},
		{"as-of", required_argument, NULL, 'a'},
		{"note", required_argument, NULL, 'n'},
		{"customer", required_argument, NULL, 'c'},
		{"category", required_argument, NULL, 'C'},
		{"document", required_argument, NULL, 'd'},
		{"hold-days", required_argument, NULL, 'H'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	struct arc_disposal_sel sel = {0};
	struct arc *a = NULL;
	json_t *j = NULL, *v;
	const char **custs = NULL, **cats = NULL;
	const char *sub, *note = NULL, *outpath = NULL;
	int64_t *docs = NULL, pid = 0;
	char msg[1024] = "";
	long id = 0, hold = cli_config_hold_days(cli_cfg), n;
	int c, json = 0, rc = 2;
	size_t i;
	enum dos_err err;

	if (argc < 2)
		return usage();
	sub = argv[1];
	if ((custs = calloc(MAX_LIST, sizeof(*custs))) == NULL ||
	    (cats = calloc(64, sizeof(*cats))) == NULL ||
	    (docs = calloc(MAX_LIST, sizeof(*docs))) == NULL) {
		rc = 1;
		goto out;
	}
	sel.customers = custs;
	sel.categories = cats;
	sel.docs = docs;
	optind = 2;
	while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		switch (c) {
		case 'J': json = 1; break;
		case 'a': sel.as_of = optarg; break;
		case 'n': note = optarg; break;
		case 'o': outpath = optarg; break;
		case 'c':
			if (sel.ncustomers == MAX_LIST)
				goto bad;
			custs[sel.ncustomers++] = optarg;
			break;
		case 'C':
			if (sel.ncategories == 64)
				goto bad;
			cats[sel.ncategories++] = optarg;
			break;
		case 'd':
			if (sel.ndocs == MAX_LIST ||
			    !cli_number(optarg, 1, 0x7fffffffffffL, &n))
				goto bad;
			docs[sel.ndocs++] = n;
			break;
		case 'H':
			if (!cli_number(optarg, 0, 3650, &hold))
				goto bad;
			break;
		default: goto bad;
		}
	}
	sel.note = note;
	/* Subcommands taking a list id. */
	if (strcmp(sub, "show") == 0 || strcmp(sub, "approve") == 0 ||
	    strcmp(sub, "refuse") == 0 || strcmp(sub, "withdraw") == 0 ||
	    strcmp(sub, "certificate") == 0) {
		if (optind != argc - 1 ||
		    !cli_number(argv[optind], 1, 0x7fffffffffffL, &id))
			goto bad;
	} else if (optind != argc)
		goto bad;
	if ((strcmp(sub, "approve") == 0 || strcmp(sub, "refuse") == 0) &&
	    cli_as == NULL) {
		fprintf(stderr, "dossier: deciding on a disposal list needs "
				"--as "
				"USER (a second person, who may approve "
				"deletions of every document on it)\n");
		goto out;
	}
	if (strcmp(sub, "certificate") == 0 && outpath == NULL)
		goto bad;
	rc = 1;
	if (open_synced(dir, &a) != DOS_OK)
		goto out;
	if (strcmp(sub, "rules") == 0) {
		if ((err = arc_retention_rules(a, &j)) != DOS_OK) {
			rc = report(err, msg);
			goto out;
		}
		if (json)
			cli_print_json(j);
		else
			print_rules(j);
		rc = 0;
	} else if (strcmp(sub, "due") == 0) {
		if ((err = arc_retention_due(a, &cli_user, sel.as_of, &j, msg,
					     sizeof(msg))) != DOS_OK) {
			rc = report(err, msg);
			goto out;
		}
		if (json)
			cli_print_json(j);
		else
			print_due(j);
		rc = 0;
	} else if (strcmp(sub, "propose") == 0) {
		err = arc_disposal_propose(a, &cli_user, &sel, &pid, msg,
					   sizeof(msg));
		if (err == DOS_OK && json) {
			j = json_pack("{s:I,s:s}", "id", (json_int_t)pid,
				      "message", msg);
			cli_print_json(j);
			rc = 0;
		} else
			rc = report(err, msg);
	} else if (strcmp(sub, "list") == 0) {
		if ((err = arc_disposal_list(a, &cli_user, &j, msg,
					     sizeof(msg))) != DOS_OK) {
			rc = report(err, msg);
			goto out;
		}
		if (json)
			cli_print_json(j);
		else if (json_array_size(j) == 0)
			printf("no disposal lists\n");
		else
			json_array_foreach(j, i, v)
				print_list(v);
		rc = 0;
	} else if (strcmp(sub, "show") == 0) {
		if ((err = arc_disposal_get(a, &cli_user, id, &j, msg,
					    sizeof(msg))) != DOS_OK) {
			rc = report(err, msg);
			goto out;
		}
		if (json)
			cli_print_json(j);
		else {
			print_list(j);
			json_array_foreach(json_object_get(j, "items"), i, v)
				printf("    %-6lld %-18s %-12s %-10s due %s  "
				       "%s%s%s\n",
				       (long long)json_integer_value(
					       json_object_get(v, "id")),
				       json_is_string(json_object_get(
					       v, "archive_no"))
					       ? js(v, "archive_no")
					       : "-",
				       json_is_string(json_object_get(
					       v, "customer"))
					       ? js(v, "customer")
					       : "-",
				       js(v, "category"), js(v, "due"),
				       json_is_string(json_object_get(
					       v, "outcome"))
					       ? js(v, "outcome")
					       : "pending",
				       json_is_string(json_object_get(v,
								      "note"))
					       ? ": "
					       : "",
				       js(v, "note"));
		}
		rc = 0;
	} else if (strcmp(sub, "approve") == 0 || strcmp(sub, "refuse") == 0) {
		rc = report(arc_disposal_decide(a, &cli_user, id,
						strcmp(sub, "approve") == 0,
						(int)hold, note, msg,
						sizeof(msg)),
			    msg);
	} else if (strcmp(sub, "withdraw") == 0) {
		rc = report(arc_disposal_withdraw(a, &cli_user, id, msg,
						  sizeof(msg)),
			    msg);
	} else if (strcmp(sub, "certificate") == 0) {
		rc = write_certificate(a, id, outpath);
	} else
		goto bad;
out:
	json_decref(j);
	arc_close(a);
	free(custs);
	free(cats);
	free(docs);
	return rc;
bad:
	rc = usage();
	goto out;
}

int
cli_customer_close(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"date", required_argument, NULL, 'd'},
		{"reason", required_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	const char *date = NULL, *reason = NULL, *sub = argv[1];
	char msg[512] = "";
	int c, rc = 2;
	enum dos_err err;

	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'd')
			date = optarg;
		else if (c == 'r')
			reason = optarg;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	if (strcmp(sub, "reopen") == 0 && date != NULL)
		goto usage;
	if (strcmp(sub, "close-account") == 0 && reason != NULL)
		goto usage;
	rc = 1;
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if (strcmp(sub, "close") == 0)
		err = arc_customer_close(a, &cli_user, argv[optind], date,
					 reason, msg, sizeof(msg));
	else if (strcmp(sub, "reopen") == 0)
		err = arc_customer_reopen(a, &cli_user, argv[optind], reason,
					  msg, sizeof(msg));
	else
		err = arc_account_close(a, &cli_user, argv[optind], date, msg,
					sizeof(msg));
	rc = report(err, msg);
out:
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier customer close NUMBER|ACCOUNT "
			"--reason WHY [--date YYYY-MM-DD]\n"
			"       dossier customer reopen NUMBER|ACCOUNT "
			"--reason "
			"WHY\n"
			"       dossier customer close-account ACCOUNT [--date "
			"YYYY-MM-DD]\n");
	rc = 2;
	goto out;
}
