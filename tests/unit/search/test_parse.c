/*
 * test_parse.c: the query language's parser: the tree each query gives,
 * and the message each malformed query gets.
 */
#include "harness.h"

#include "dossier/search.h"

static void
expect_tree(const char *q, const char *want)
{
	struct srch_query *sq = NULL;
	char *msg = NULL, *got;

	if (srch_parse(q, &sq, &msg) != DOS_OK)
		fail_msg("'%s' refused: %s", q, msg);
	assert_null(msg);
	got = srch_describe(sq);
	if (strcmp(got, want) != 0)
		fail_msg("'%s'\n  gives %s\n   want %s", q, got, want);
	free(got);
	srch_query_free(sq);
}

static void
expect_error(const char *q, const char *want)
{
	struct srch_query *sq = NULL;
	char *msg = NULL;

	assert_int_equal(srch_parse(q, &sq, &msg), DOS_INVAL);
	assert_null(sq);
	assert_non_null(msg);
	if (strcmp(msg, want) != 0)
		fail_msg("'%s'\n  says %s\n  want %s", q, msg, want);
	free(msg);
}

static void
words_phrases_prefixes(void **state)
{
	(void)state;
	expect_tree("loan", "(words text \"loan\")");
	expect_tree("loan contract", "(and (words text \"loan\") (words text "
				     "\"contract\"))");
	expect_tree("\"repayment plan\" cred*",
		    "(and (words text \"repayment plan\" phrase) (words text "
		    "\"cred\" prefix))");
	expect_tree("\"loan agree\"*", "(words text \"loan agree\" phrase "
				       "prefix)");
	expect_tree("~repaymnet", "(words text \"repaymnet\" fuzzy)");
	expect_tree("", "(all)");
	expect_tree("-- ; *", "(all)");
	expect_tree("合同 银行", "(and (words text \"合同\") (words text "
				 "\"银行\"))");
}

static void
operators_and_grouping(void **state)
{
	(void)state;
	expect_tree("a OR b c", "(or (words text \"a\") (and (words text "
				"\"b\") (words text \"c\")))");
	expect_tree("(a OR b) c", "(and (or (words text \"a\") (words text "
				  "\"b\")) (words text \"c\"))");
	expect_tree("a -b", "(and (words text \"a\") (not (words text "
			    "\"b\")))");
	expect_tree("a AND NOT b", "(and (words text \"a\") (not (words text "
				   "\"b\")))");
	/* Lower-case operators are words; so is FTS5 syntax. */
	expect_tree("a or b", "(and (and (words text \"a\") (words text "
			      "\"or\")) (words text \"b\"))");
	expect_tree("NEAR(x y)", "(and (words text \"NEAR\") (and (words "
				 "text \"x\") (words text \"y\")))");
	expect_tree("e-mail", "(words text \"e-mail\")");
	expect_tree("a -(b c)", "(and (words text \"a\") (not (and (words "
				"text \"b\") (words text \"c\"))))");
	expect_tree("a -\"b c\"", "(and (words text \"a\") (not (words text "
				  "\"b c\" phrase)))");
}

static void
fields(void **state)
{
	(void)state;
	expect_tree("account:ACC-2024-000101 loan",
		    "(and (field account \"ACC-2024-000101\") (words text "
		    "\"loan\"))");
	expect_tree("customer:\"Wei Li\"", "(field customer \"Wei Li\" "
					  "phrase)");
	expect_tree("title:\"loan agreement\"",
		    "(words title \"loan agreement\" phrase)");
	expect_tree("Category:CREDIT", "(field category \"CREDIT\")");
	expect_tree("number:3-2024*", "(field number \"3-2024\" prefix)");
	expect_tree("status:on_hold", "(field status \"on hold\")");
	expect_tree("batch:12", "(field batch \"12\")");
	expect_tree("10:30", "(words text \"10:30\")");
}

static void
dates(void **state)
{
	(void)state;
	expect_tree("date:2024", "(range date 2024-01-01 2025-01-01)");
	expect_tree("date:2024-02", "(range date 2024-02-01 2024-03-01)");
	expect_tree("date:2024-12", "(range date 2024-12-01 2025-01-01)");
	expect_tree("date:2024-02-29", "(range date 2024-02-29 2024-03-01)");
	expect_tree("date:2023-12-31", "(range date 2023-12-31 2024-01-01)");
	expect_tree("date:2024-01-01..2024-06-30",
		    "(range date 2024-01-01 2024-07-01)");
	expect_tree("date:2024..", "(range date 2024-01-01 ..)");
	expect_tree("date:..2024-06", "(range date .. 2024-07-01)");
	expect_tree("added:>=2024-03-01", "(range added 2024-03-01 ..)");
	expect_tree("added:>2024-03-01", "(range added 2024-03-02 ..)");
	expect_tree("added:<2024-03-01", "(range added .. 2024-03-01)");
	expect_tree("added:<=2024-03", "(range added .. 2024-04-01)");
}

static void
malformed_queries_say_where(void **state)
{
	(void)state;
	expect_error("loan \"repay", "the quote is not closed (at character "
				    "6)");
	expect_error("colour:red",
		     "unknown field 'colour:'; known: title keywords signatory "
		     "account customer category type number unit manager "
		     "status batch barcode lang date added (at character 1)");
	expect_error("x account:", "account: needs a value (at character 3)");
	expect_error("(a OR b", "the parenthesis opened here is not closed (at "
				"character 1)");
	expect_error("a OR b)", "')' has no matching '(' (at character 7)");
	expect_error("OR a", "OR needs something to search for before it (at "
			     "character 1)");
	expect_error("a OR", "OR needs something to search for on both sides "
			     "(at character 3)");
	expect_error("a AND", "AND needs something to search for on both "
			      "sides (at character 3)");
	expect_error("a NOT", "NOT (or -) needs something to exclude after "
			      "it (at character 3)");
	expect_error("()", "the parentheses are empty (at character 1)");
	expect_error("date:2024-13", "date:2024-13 is not a date; write 2024, "
				     "2024-03, 2024-03-31, "
				     "2024-01-01..2024-06-30 or >=2024-03-01 "
				     "(at character 1)");
	expect_error("date:2023-02-29", "date:2023-02-29 is not a date; write "
					"2024, 2024-03, 2024-03-31, "
					"2024-01-01..2024-06-30 or "
					">=2024-03-01 (at character 1)");
	expect_error("date:2024-06..2024-01", "date:2024-06..2024-01 ends "
					      "before it starts (at "
					      "character 1)");
	expect_error("status:lost", "status:lost is not a status; use "
				    "archived, review, on_hold, "
				    "deletion_requested or purged (at "
				    "character 1)");
	expect_error("batch:x", "batch:x is not a batch number (at character "
				"1)");
	expect_error("~\"a b\"", "'~' (fuzzy) takes one plain word (at "
				 "character 1)");
	expect_error("~account:x", "'~' (fuzzy) works on words, not on "
				   "account: (at character 1)");
	expect_error("title:*", "title: needs a word to look for (at "
				"character 1)");
	expect_error("date:\xff", "the query is not valid UTF-8 text (at "
				  "character 6)");
}

static void
limits(void **state)
{
	char *q = malloc(SRCH_MAX_QUERY + 2);
	char deep[200] = "", many[400] = "";
	int i;

	(void)state;
	memset(q, 'a', SRCH_MAX_QUERY + 1);
	q[SRCH_MAX_QUERY + 1] = '\0';
	expect_error(q, "the query is too long (at most 2048 characters)");
	free(q);
	memset(deep, '(', 40);
	deep[40] = 'x';
	expect_error(deep, "the query nests deeper than 32 (at character "
			   "33)");
	for (i = 0; i < 65; i++)
		memcpy(many + 2 * i, "w ", 2);
	expect_error(many, "the query has more than 64 terms (at character "
			   "129)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words_phrases_prefixes),
		cmocka_unit_test(operators_and_grouping),
		cmocka_unit_test(fields),
		cmocka_unit_test(dates),
		cmocka_unit_test(malformed_queries_say_where),
		cmocka_unit_test(limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
