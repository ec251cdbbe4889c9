/* test_parse.c: the query parser turns user text into a safe FTS5 match. */
#include "harness.h"

#include "dossier/search.h"

static void
expect_match(const char *q, const char *want)
{
	struct srch_query *sq = NULL;
	char *msg = NULL;

	assert_int_equal(srch_parse(q, &sq, &msg), DOS_OK);
	assert_null(msg);
	if (want == NULL)
		assert_null(srch_query_match(sq));
	else
		assert_string_equal(srch_query_match(sq), want);
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
	assert_string_equal(msg, want);
	free(msg);
}

static void
words_are_quoted_and_anded(void **state)
{
	(void)state;
	expect_match("loan contract", "\"loan\" AND \"contract\"");
	expect_match("  spaced   out ", "\"spaced\" AND \"out\"");
}

static void
phrase_and_prefix(void **state)
{
	(void)state;
	expect_match("\"repayment plan\" cred*",
		     "\"repayment plan\" AND \"cred\"*");
}

static void
fts_syntax_in_input_stays_literal(void **state)
{
	(void)state;
	expect_match("a OR b", "\"a\" AND \"OR\" AND \"b\"");
	expect_match("NEAR(x y)", "\"NEAR(x\" AND \"y)\"");
	expect_match("x\"\"", "\"x\"");
}

static void
punctuation_only_is_ignored(void **state)
{
	(void)state;
	expect_match("-- ; *", NULL);
	expect_match("", NULL);
}

static void
fields_are_not_text(void **state)
{
	(void)state;
	expect_match("account:ACC-2024-000101", NULL);
	expect_match("category:CONTRACT loan", "\"loan\"");
}

static void
malformed_queries_say_where(void **state)
{
	(void)state;
	expect_error("loan \"repay", "unclosed quote starting at character 6");
	expect_error("colour:red",
		     "unknown field 'colour:' at character 1 (known: account:, "
		     "category:)");
	expect_error("x account:", "field 'account:' needs a value (at "
				   "character 3)");
	expect_error("account:A account:B",
		     "field 'account:' is given twice (at character 11)");
}

static void
overlong_query_is_refused(void **state)
{
	char *q = malloc(SRCH_MAX_QUERY + 2);

	(void)state;
	memset(q, 'a', SRCH_MAX_QUERY + 1);
	q[SRCH_MAX_QUERY + 1] = '\0';
	expect_error(q, "query is too long");
	free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words_are_quoted_and_anded),
		cmocka_unit_test(phrase_and_prefix),
		cmocka_unit_test(fts_syntax_in_input_stays_literal),
		cmocka_unit_test(punctuation_only_is_ignored),
		cmocka_unit_test(fields_are_not_text),
		cmocka_unit_test(malformed_queries_say_where),
		cmocka_unit_test(overlong_query_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
