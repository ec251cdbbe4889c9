/*
 * reports.c: what the records room asks of the archive as a whole: which
 * dossiers are incomplete (dossier missing, against the checklists that
 * dossier checklist keeps) and how much was filed (dossier stats).
 * Exports cmd_missing, cmd_checklist, cmd_stats.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static long long
num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* One missing item in words. */
static void
print_gap(const json_t *g)
{
	const json_t *months = json_object_get(g, "months"), *m;
	const char *type = str(g, "doc_type");
	size_t k;

	printf("  - %s (%s%s%s): ", str(g, "label"), str(g, "category"),
	       *type ? " " : "", type);
	if (json_array_size(months) > 0) {
		printf("nothing dated");
		json_array_foreach(months, k, m)
			printf("%s %s", k > 0 ? "," : "", json_string_value(m));
	} else if (num(g, "have") == 0)
		printf("none filed");
	else
		printf("%lld of %lld filed", num(g, "have"), num(g, "need"));
	if (num(g, "in_review") > 0)
		printf(" (%lld waiting in the review queue)",
		       num(g, "in_review"));
	printf("\n");
}

int
cmd_missing(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, NULL, 'J'},
		{"as-of", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	json_t *r = NULL, *c, *g;
	const char *key = NULL, *as_of = NULL;
	size_t i, k;
	int ch, json = 0, rc = 1;
	enum dos_err err;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'J')
			json = 1;
		else if (ch == 'd')
			as_of = optarg;
		else
			goto usage;
	}
	if (optind < argc - 1)
		goto usage;
	if (optind == argc - 1)
		key = argv[optind];
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if ((err = arc_missing(a, &cli_user, key, as_of, &r)) != DOS_OK) {
		if (err == DOS_NOTFOUND)
			fprintf(stderr, "dossier: missing: no customer has the "
					"number or account %s\n", key);
		else if (err == DOS_INVAL)
			fprintf(stderr, "dossier: missing: --as-of wants a date "
					"YYYY-MM-DD\n");
		else
			fprintf(stderr, "dossier: missing: %s\n",
				dos_strerror(err));
		goto out;
	}
	rc = 0;
	if (json) {
		cli_print_json(r);
		goto out;
	}
	json_array_foreach(json_object_get(r, "customers"), i, c) {
		const json_t *gaps = json_object_get(c, "missing");

		printf("customer %s %s (%s%s%s): ", str(c, "number"),
		       str(c, "name"), str(c, "type"),
		       *str(c, "unit") ? ", unit " : "", str(c, "unit"));
		if (json_array_size(gaps) == 0)
			printf("complete (%lld item(s) required)\n",
			       num(c, "required"));
		else
			printf("%zu of %lld required item(s) missing\n",
			       json_array_size(gaps), num(c, "required"));
		json_array_foreach(gaps, k, g)
			print_gap(g);
	}
	printf("%lld customer(s) checked on %s: %lld complete, %lld "
	       "incomplete\n",
	       num(r, "checked"), str(r, "as_of"), num(r, "complete"),
	       num(r, "checked") - num(r, "complete"));
out:
	json_decref(r);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier missing [-A DIR] [--json] "
			"[--as-of YYYY-MM-DD] [CUSTOMER|ACCOUNT]\n"
			"  without a customer: every incomplete dossier\n");
	rc = 2;
	goto out;
}

int
cmd_checklist(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"customer-type", required_argument, NULL, 't'},
		{"category", required_argument, NULL, 'c'},
		{"type", required_argument, NULL, 'd'},
		{"count", required_argument, NULL, 'n'},
		{"months", required_argument, NULL, 'm'},
		{"if-category", required_argument, NULL, 'i'},
		{"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	struct arc_checklist_in c;
	struct arc *a = NULL;
	json_t *list = NULL, *it;
	const char *sub;
	char msg[256] = "";
	int64_t id;
	long v;
	size_t k;
	int ch, json = 0, rc = 2;
	enum dos_err err;

	memset(&c, 0, sizeof(c));
	c.min_count = 1;
	if (argc < 2)
		goto usage;
	sub = argv[1];
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 't': c.customer_type = optarg; break;
		case 'c': c.category = optarg; break;
		case 'd': c.doc_type = optarg; break;
		case 'i': c.applies_if = optarg; break;
		case 'J': json = 1; break;
		case 'n':
			if (!cli_number(optarg, 0, 1000, &v))
				goto usage;
			c.min_count = (int)v;
			break;
		case 'm':
			if (!cli_number(optarg, 0, 1000, &v))
				goto usage;
			c.months = (int)v;
			break;
		default: goto usage;
		}
	}
	rc = 1;
	if (strcmp(sub, "list") == 0 && optind == argc) {
		if (cli_open_archive(dir, &a) != DOS_OK ||
		    arc_checklist_list(a, &list) != DOS_OK)
			goto out;
		if (json)
			cli_print_json(list);
		else
			json_array_foreach(list, k, it) {
				printf("%3lld  %-11s %-9s %-18s %s",
				       num(it, "id"),
				       *str(it, "customer_type")
					       ? str(it, "customer_type")
					       : "(all)",
				       str(it, "category"),
				       *str(it, "doc_type")
					       ? str(it, "doc_type")
					       : "(any)",
				       str(it, "label"));
				if (num(it, "months") > 0)
					printf(", each of the last %lld "
					       "months", num(it, "months"));
				else if (num(it, "min_count") > 1)
					printf(", at least %lld",
					       num(it, "min_count"));
				if (*str(it, "applies_if"))
					printf(" [when the dossier holds %s]",
					       str(it, "applies_if"));
				printf("\n");
			}
		rc = 0;
	} else if (strcmp(sub, "add") == 0 && optind == argc - 1) {
		c.label = argv[optind];
		if (cli_open_archive(dir, &a) != DOS_OK)
			goto out;
		err = arc_checklist_add(a, &cli_user, &c, &id, msg,
					sizeof(msg));
		if (err == DOS_OK)
			printf("checklist item %lld added\n", (long long)id);
		else
			fprintf(stderr, "dossier: checklist: %s\n", msg);
		rc = err == DOS_OK ? 0 : 1;
	} else if (strcmp(sub, "remove") == 0 && optind == argc - 1) {
		if (!cli_number(argv[optind], 1, LONG_MAX, &v))
			goto usage;
		id = v;
		if (cli_open_archive(dir, &a) != DOS_OK)
			goto out;
		err = arc_checklist_remove(a, &cli_user, id, msg,
					   sizeof(msg));
		if (err == DOS_OK)
			printf("checklist item %lld removed\n", (long long)id);
		else
			fprintf(stderr, "dossier: checklist: %s\n", msg);
		rc = err == DOS_OK ? 0 : 1;
	} else
		goto usage;
out:
	json_decref(list);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr,
		"usage: dossier checklist list [--json]\n"
		"       dossier checklist add LABEL --category CAT [--type "
		"DOCTYPE]\n"
		"         [--customer-type T] [--count N] [--months N] "
		"[--if-category CAT]\n"
		"       dossier checklist remove ID\n");
	rc = 2;
	goto out;
}

/* One table of the statistics. */
static void
print_rows(const json_t *r, const char *key, const char *title)
{
	const json_t *row;
	size_t k;

	printf("%s\n", title);
	json_array_foreach(json_object_get(r, key), k, row) {
		if (*str(row, "clerk"))
			printf("  %-12s %-16s", str(row, "key"),
			       str(row, "clerk"));
		else
			printf("  %-29s", str(row, "key"));
		printf(" %8lld documents %9lld pages\n", num(row, "documents"),
		       num(row, "pages"));
	}
}

int
cmd_stats(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	json_t *r = NULL, *t;
	const char *from = NULL, *to = NULL;
	int ch, json = 0, rc = 1;
	enum dos_err err;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'f')
			from = optarg;
		else if (ch == 't')
			to = optarg;
		else if (ch == 'J')
			json = 1;
		else
			goto usage;
	}
	if (optind != argc)
		goto usage;
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if ((err = arc_stats(a, &cli_user, from, to, &r)) != DOS_OK) {
		fprintf(stderr, "dossier: stats: %s\n",
			err == DOS_INVAL ? "--from and --to want dates "
					   "YYYY-MM-DD"
					 : dos_strerror(err));
		goto out;
	}
	rc = 0;
	if (json) {
		cli_print_json(r);
		goto out;
	}
	t = json_object_get(r, "totals");
	printf("%lld documents, %lld pages, %lld customers, filed on %lld "
	       "day(s): %.0f pages per scanning day\n"
	       "review queue: %lld document(s)%s%s\n",
	       num(t, "documents"), num(t, "pages"), num(t, "customers"),
	       num(t, "scanning_days"),
	       json_real_value(json_object_get(t, "pages_per_scanning_day")),
	       num(t, "review_backlog"),
	       *str(t, "oldest_in_review") ? ", oldest since " : "",
	       str(t, "oldest_in_review"));
	print_rows(r, "by_category", "by category:");
	print_rows(r, "by_unit", "by unit:");
	print_rows(r, "by_clerk", "by clerk:");
	print_rows(r, "by_month", "by month filed:");
	print_rows(r, "per_clerk_day", "per day and clerk:");
out:
	json_decref(r);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier stats [-A DIR] [--from YYYY-MM-DD] "
			"[--to YYYY-MM-DD] [--json]\n");
	rc = 2;
	goto out;
}
