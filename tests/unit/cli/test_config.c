/*
 * test_config.c: the configuration file reader (cli/config.c): every key
 * read and applied to the ingest options; each kind of fault reported
 * with the file, the line and what is expected; categories declared in
 * the file brought into a real archive without removing or renumbering.
 */
#include "harness.h"

#include "cli.h"

static char *dir;

static int
setup(void **state)
{
	(void)state;
	dir = test_tmpdir();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	test_rmtree(dir);
	free(dir);
	return 0;
}

/* Writes text to DIR/name; returns the path (static buffer). */
static const char *
put(const char *name, const char *text, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	return path;
}

/*
 * Loads text as d.conf; returns the faults with the folder cut off each
 * line ("d.conf:3: ..."), "" when none; *pc gets the configuration.
 */
static char *
load(const char *text, struct cli_config **pc)
{
	struct dbuf errs, out;
	const char *path = put("d.conf", text, strlen(text));
	size_t cut = strlen(dir) + 1, i;
	enum dos_err err;

	dbuf_init(&errs, 1 << 16);
	dbuf_init(&out, 1 << 16);
	err = cli_config_load(path, pc, &errs);
	assert_int_equal(err == DOS_OK, errs.len == 0);
	for (i = 0; i < errs.len; i++) {
		if ((i == 0 || errs.data[i - 1] == '\n') &&
		    strncmp(errs.data + i, dir, cut - 1) == 0)
			i += cut;
		dbuf_add(&out, errs.data + i, 1);
	}
	dbuf_free(&errs);
	dbuf_adds(&out, "");
	return dbuf_take(&out, NULL);
}

static void
reads_every_key(void **state)
{
	struct cli_config *c = NULL;
	struct ing_options o;
	char *e;

	(void)state;
	e = load("\xef\xbb\xbf# a comment after a byte order mark\r\n"
		 "  # an indented one\n"
		 "[server]\n"
		 "listen = [::1]:8443\n"
		 "threads\t=\t4\n"
		 "tls_cert = /etc/dossier/c.pem\n"
		 "tls_key = /etc/dossier/k.pem\r\n"
		 "archive = /var/lib/dossier\n"
		 "log_level = debug\n"
		 "[ingest]\n"
		 "languages = eng+chi_sim\n"
		 "account_pattern = KTO-[0-9]{8}\n"
		 "label_pattern = ^LBL([0-9]+)$\n"
		 "cover_prefix = COVER#\n"
		 "separator = SEP\n"
		 "review_confidence = 72.5\n"
		 "max_megapixels = 50\n"
		 "max_file_mb = 20\n"
		 "[records]\n"
		 "hold_days = 0\n"
		 "units = Retail , Corporate Banking\n"
		 "[category LEGAL]\n"
		 "name = Legal matters\n"
		 "aliases = COURT, lawsuit\n",
		 &c);
	assert_string_equal(e, "");
	free(e);
	assert_non_null(c);
	assert_string_equal(cli_config_get(c, CFG_LISTEN), "[::1]:8443");
	assert_int_equal(c->num[CFG_THREADS], 4);
	assert_string_equal(cli_config_get(c, CFG_TLS_KEY),
			    "/etc/dossier/k.pem");
	assert_int_equal(c->level, DOS_LOG_DEBUG);
	assert_int_equal(cli_config_hold_days(c), 0);
	assert_string_equal(cli_config_get(c, CFG_UNITS),
			    "Retail , Corporate Banking");
	assert_int_equal(c->ncats, 1);
	assert_string_equal(c->cats[0].code, "LEGAL");
	assert_string_equal(c->cats[0].name, "Legal matters");
	assert_int_equal(c->cats[0].line, 22);
	ing_options_default(&o);
	cli_config_ingest(c, &o);
	assert_string_equal(o.langs, "eng+chi_sim");
	assert_string_equal(o.account_regex, "KTO-[0-9]{8}");
	assert_string_equal(o.label_regex, "^LBL([0-9]+)$");
	assert_string_equal(o.cover_prefix, "COVER#");
	assert_string_equal(o.separator, "SEP");
	assert_true(o.review_confidence == 72.5);
	assert_int_equal(o.max_page_pixels, 50000000u);
	assert_int_equal(o.max_file_bytes, 20u << 20);
	cli_config_free(c);
}

static void
keys_need_no_section_and_defaults_stay(void **state)
{
	struct cli_config *c = NULL;
	struct ing_options o, d;
	char *e;

	(void)state;
	e = load("review_confidence = 90\nlisten = 127.0.0.1:0\n", &c);
	assert_string_equal(e, "");
	free(e);
	ing_options_default(&o);
	ing_options_default(&d);
	cli_config_ingest(c, &o);
	assert_true(o.review_confidence == 90.0);
	assert_string_equal(o.langs, d.langs);
	assert_string_equal(o.account_regex, d.account_regex);
	assert_int_equal(o.max_file_bytes, d.max_file_bytes);
	assert_null(cli_config_get(c, CFG_ARCHIVE));
	assert_int_equal(cli_config_hold_days(c), 30);
	assert_int_equal(cli_config_hold_days(NULL), 30);
	cli_config_free(c);
}

/* One faulty file, one expected report. */
static void
expect(const char *text, const char *want)
{
	struct cli_config *c = (struct cli_config *)1;
	char *e = load(text, &c);

	assert_null(c);
	assert_string_equal(e, want);
	free(e);
}

static void
unknown_keys_and_sections(void **state)
{
	(void)state;
	expect("[server]\nlisten = 127.0.0.1:1\nlisten_port = 80\n",
	       "d.conf:3: unknown key 'listen_port' in [server]\n");
	expect("colour = blue\n", "d.conf:1: unknown key 'colour'\n");
	expect("[ingest]\nhold_days = 3\n",
	       "d.conf:2: unknown key 'hold_days' in [ingest] (it belongs in "
	       "[records])\n");
	expect("[servers]\nlisten = x\n[server]\nthreads = 2\n",
	       "d.conf:1: unknown section [servers] (expected [server], "
	       "[ingest], [records] or [category CODE])\n");
	expect("[server\n",
	       "d.conf:1: expected ']' at the end of the section header\n");
	expect("\n\njust words\n",
	       "d.conf:3: expected 'key = value', a [section] or a # "
	       "comment\n");
	expect("Listen = 127.0.0.1:1\n",
	       "d.conf:1: expected 'key = value' with a key of lower-case "
	       "letters and _, got 'Listen'\n");
	expect("threads = 2\n[server]\nthreads = 3\n",
	       "d.conf:3: threads is set twice (first on line 1)\n");
	expect("archive =\n",
	       "d.conf:1: archive has no value (leave the line out for the "
	       "default)\n");
}

static void
bad_values_say_what_is_expected(void **state)
{
	(void)state;
	expect("threads = 0\n", "d.conf:1: threads: expected a whole number "
				"from 1 to 64, got '0'\n");
	expect("threads = 4 # four\n",
	       "d.conf:1: threads: expected a whole number from 1 to 64, got "
	       "'4 # four'\n");
	expect("listen = localhost:8080\n",
	       "d.conf:1: listen: expected HOST:PORT with a numeric address, "
	       "e.g. 127.0.0.1:8080 or [::1]:8080, got 'localhost:8080'\n");
	expect("listen = 127.0.0.1:99999\n",
	       "d.conf:1: listen: expected HOST:PORT with a numeric address, "
	       "e.g. 127.0.0.1:8080 or [::1]:8080, got '127.0.0.1:99999'\n");
	expect("review_confidence = 101\n",
	       "d.conf:1: review_confidence: expected a number from 0 to 100, "
	       "got '101'\n");
	expect("review_confidence = -1\n",
	       "d.conf:1: review_confidence: expected a number from 0 to 100, "
	       "got '-1'\n");
	expect("review_confidence = 1e2\n",
	       "d.conf:1: review_confidence: expected a number from 0 to 100, "
	       "got '1e2'\n");
	expect("hold_days = 3651\n", "d.conf:1: hold_days: expected a whole "
				     "number from 0 to 3650, got '3651'\n");
	expect("max_file_mb = 0x10\n", "d.conf:1: max_file_mb: expected a "
				       "whole number from 1 to 1048576, got "
				       "'0x10'\n");
	expect("archive = var/lib/dossier\n",
	       "d.conf:1: archive: expected an absolute path (starting with "
	       "/), got 'var/lib/dossier'\n");
	expect("log_level = verbose\n",
	       "d.conf:1: log_level: expected error, warning, info or debug, "
	       "got 'verbose'\n");
	expect("languages = eng,deu\n",
	       "d.conf:1: languages: expected Tesseract language names joined "
	       "by +, e.g. eng or eng+deu, got 'eng,deu'\n");
	expect("languages = eng+\n",
	       "d.conf:1: languages: expected Tesseract language names joined "
	       "by +, e.g. eng or eng+deu, got 'eng+'\n");
	expect("account_pattern = ACC-[0-9\n",
	       "d.conf:1: account_pattern: expected a POSIX extended regular "
	       "expression, got 'ACC-[0-9' (Unmatched [, [^, [:, [., or "
	       "[=)\n");
	expect("label_pattern = ^ASN[0-9]+$\n",
	       "d.conf:1: label_pattern: expected a pattern whose first "
	       "(group) is the serial number, e.g. ^ASN ?([0-9]{1,12})$, got "
	       "'^ASN[0-9]+$'\n");
	expect("separator = PATCH T\n",
	       "d.conf:1: separator: expected barcode text of 1 to 32 "
	       "characters without blanks, got 'PATCH T'\n");
	expect("units = Retail,,Corporate\n",
	       "d.conf:1: units: expected names of 1 to 64 characters "
	       "separated by commas, got 'Retail,,Corporate'\n");
	expect("tls_cert = /c.pem\n",
	       "d.conf:1: tls_cert without tls_key: TLS needs both\n");
	expect("listen = 127.0.0.1:1\x01\n",
	       "d.conf:1: control character in the line\n");
	expect("units = Retail\tBanking\n",
	       "d.conf:1: a tab inside the value of 'units'\n");
}

static void
category_sections(void **state)
{
	(void)state;
	expect("[category Legal]\nname = x\n",
	       "d.conf:1: [category Legal]: expected a category code of 2 to "
	       "16 capital letters, digits or _, e.g. LEGAL\n");
	expect("[category LEGAL]\naliases = COURT\n",
	       "d.conf:1: [category LEGAL] has no name (name = ...)\n");
	expect("[category LEGAL]\nname = a\n[category LEGAL]\nname = b\n",
	       "d.conf:3: [category LEGAL] is declared twice (first on line "
	       "1)\n");
	expect("[category LEGAL]\nname =\n",
	       "d.conf:2: name has no value\nd.conf:1: [category LEGAL] has "
	       "no name (name = ...)\n");
	expect("[category LEGAL]\nname = a\nname = b\n",
	       "d.conf:3: name is set twice in [category LEGAL] (first on "
	       "line 2)\n");
	expect("[category LEGAL]\nname = a\nlisten = 127.0.0.1:1\n",
	       "d.conf:3: unknown key 'listen' in [category LEGAL] (expected "
	       "name, aliases, retain or retain_types)\n");
	expect("[category LEGAL]\nname = a\nretain = 10 years\n",
	       "d.conf:3: retain: expected N(y|m|d) after TRIGGER, TRIGGER "
	       "one of document_date, relationship_end, account_closed (e.g. "
	       "10y after relationship_end), got '10 years'\n");
	expect("[category LEGAL]\nname = a\nretain = 0y after "
	       "document_date\n",
	       "d.conf:3: retain: a period of 1 to 200 years, got '0y after "
	       "document_date'\n");
	expect("[category LEGAL]\nname = a\nretain_types = deed: 5y after "
	       "account_closed, deed: 6y after account_closed\n",
	       "d.conf:3: retain_types: deed is given twice\n");
	expect("[ingest]\nclassify_threshold = 102\n",
	       "d.conf:2: classify_threshold: expected a number from 0 to "
	       "101, got '102'\n");
	expect("[category LEGAL]\nname = a\naliases = in court\n",
	       "d.conf:3: aliases: expected words of 1 to 32 characters "
	       "without blanks or : \" ( ), separated by commas, got 'in "
	       "court'\n");
}

static void
file_limits(void **state)
{
	struct cli_config *c = NULL;
	struct dbuf errs;
	char *big, *e;
	const char *path;

	(void)state;
	dbuf_init(&errs, 4096);
	assert_int_equal(cli_config_load("/nonexistent/d.conf", &c, &errs),
			 DOS_NOTFOUND);
	assert_string_equal(errs.data, "/nonexistent/d.conf: no such file\n");
	dbuf_reset(&errs);
	assert_int_equal(cli_config_load(dir, &c, &errs), DOS_IO);
	dbuf_free(&errs);

	big = malloc(5000);
	assert_non_null(big);
	memset(big, '#', 4999);
	big[4999] = '\0';
	e = load(big, &c);
	assert_string_equal(e, "d.conf:1: line longer than 4095 bytes\n");
	free(e);
	free(big);

	path = put("nul.conf", "threads = 2\n\0\n", 14);
	dbuf_init(&errs, 4096);
	assert_int_equal(cli_config_load(path, &c, &errs), DOS_INVAL);
	assert_non_null(strstr(errs.data, "nul.conf:1: not a text file (it "
					  "holds a NUL byte)\n"));
	dbuf_free(&errs);
}

static void
too_many_faults_stop(void **state)
{
	struct cli_config *c = NULL;
	struct dbuf text;
	char *e, *last;
	int i, lines = 0;

	(void)state;
	dbuf_init(&text, 1 << 16);
	for (i = 0; i < 50; i++)
		dbuf_addf(&text, "bogus%c = 1\n", 'a' + i % 26);
	e = load(text.data, &c);
	assert_null(c);
	for (last = e; *last != '\0'; last++)
		lines += *last == '\n';
	assert_int_equal(lines, 21);
	assert_non_null(strstr(e, "d.conf: too many errors; the rest of the "
				  "file was not checked\n"));
	free(e);
	dbuf_free(&text);
}

/* The file's categories reach a real archive; nothing is renumbered. */
static void
categories_sync_into_archive(void **state)
{
	struct cli_config *c = NULL;
	struct arc_user who;
	struct arc *a = NULL;
	char adir[512], *e;
	json_t *list = NULL, *cat;
	size_t i;
	int legal = 0, credit = 0;

	(void)state;
	snprintf(adir, sizeof(adir), "%s/archive", dir);
	assert_int_equal(arc_open(adir, ARC_CREATE, &a), DOS_OK);
	e = load("[category LEGAL]\nname = Legal matters\naliases = COURT, "
		 "lawsuit\n[category CREDIT]\nname = Credit files\naliases = "
		 "LOAN, MORTGAGE\n",
		 &c);
	assert_string_equal(e, "");
	free(e);
	assert_int_equal(cli_config_sync(c, a), 0);
	/* Twice: nothing more to do, nothing fails. */
	assert_int_equal(cli_config_sync(c, a), 0);
	arc_user_local(&who);
	assert_int_equal(arc_category_list(a, &who, &list), DOS_OK);
	json_array_foreach(list, i, cat) {
		const char *code =
			json_string_value(json_object_get(cat, "code"));
		char *al = json_dumps(json_object_get(cat, "aliases"), 0);

		if (strcmp(code, "LEGAL") == 0) {
			legal = (int)json_integer_value(
				json_object_get(cat, "catalogue"));
			assert_string_equal(al, "[\"COURT\", \"LAWSUIT\"]");
		}
		if (strcmp(code, "CREDIT") == 0) {
			credit = (int)json_integer_value(
				json_object_get(cat, "catalogue"));
			assert_string_equal(json_string_value(json_object_get(
						    cat, "name")),
					    "Credit files");
			assert_string_equal(al, "[\"LOAN\", \"MORTGAGE\", "
						"\"REPAYMENT\"]");
		}
		free(al);
	}
	assert_int_equal(legal, 8);
	assert_int_equal(credit, 3);
	json_decref(list);
	cli_config_free(c);
	/* An alias that is another category's code is refused, logged. */
	e = load("[category LEGAL]\nname = Legal matters\naliases = "
		 "CREDIT\n",
		 &c);
	free(e);
	assert_int_equal(cli_config_sync(c, a), 1);
	cli_config_free(c);
	arc_close(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_every_key),
		cmocka_unit_test(keys_need_no_section_and_defaults_stay),
		cmocka_unit_test(unknown_keys_and_sections),
		cmocka_unit_test(bad_values_say_what_is_expected),
		cmocka_unit_test(category_sections),
		cmocka_unit_test(file_limits),
		cmocka_unit_test(too_many_faults_stop),
		cmocka_unit_test(categories_sync_into_archive),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
