/* test_docdate.c: the document date found in OCR text. */
#include "harness.h"

#include "dossier/ingest.h"

static void
expect(const char *text, const char *want)
{
	char got[11];
	int r = ing_date_find(text, got);

	if (want == NULL) {
		if (r != 0)
			fail_msg("\"%s\": found %s, expected none", text, got);
		assert_string_equal(got, "");
		return;
	}
	if (r != 1)
		fail_msg("\"%s\": no date, expected %s", text, want);
	assert_string_equal(got, want);
}

static void
numeric_forms(void **state)
{
	(void)state;
	expect("Date: 2023-11-14", "2023-11-14");
	expect("issued 2023/11/14 at the branch", "2023-11-14");
	expect("2023.11.4", "2023-11-04");
	expect("Signed on 14/11/2023", "2023-11-14");
	expect("14.11.2023", "2023-11-14");
	expect("14-11-2023", "2023-11-14");
	expect("3/4/2024", "2024-04-03"); /* day first */
	expect("11/14/2023", "2023-11-14"); /* cannot be day first */
}

static void
written_forms(void **state)
{
	(void)state;
	expect("London, 14 November 2023", "2023-11-14");
	expect("14 Nov. 2023", "2023-11-14");
	expect("the 1st of March, 2024", "2024-03-01");
	expect("14-Nov-2023", "2023-11-14");
	expect("November 14, 2023", "2023-11-14");
	expect("Sept 9 2022", "2022-09-09");
	expect("DATE: march 2nd, 2021", "2021-03-02");
}

static void
chinese_forms(void **state)
{
	(void)state;
	expect("\xe6\x97\xa5\xe6\x9c\x9f\xef\xbc\x9a" "2023\xe5\xb9\xb4"
	       "11\xe6\x9c\x88" "14\xe6\x97\xa5",
	       "2023-11-14");
	/* OCR's blanks between CJK characters */
	expect("2023 \xe5\xb9\xb4 11 \xe6\x9c\x88 4 \xe6\x97\xa5",
	       "2023-11-04");
}

static void
labels_decide(void **state)
{
	(void)state;
	/* the labelled date wins over an earlier one */
	expect("Statement 2023-01-31\nDate: 2023-02-05", "2023-02-05");
	/* dates of birth and expiry are never the document's */
	expect("Date of birth: 1980-04-02", NULL);
	expect("Valid until 2030-01-01\nIssued 2020-01-01", "2020-01-01");
	expect("Due 2024-05-01", NULL);
	expect("\xe5\x87\xba\xe7\x94\x9f\xe6\x97\xa5\xe6\x9c\x9f 1990-01-01",
	       NULL);
}

static void
nothing_guessed(void **state)
{
	(void)state;
	expect(NULL, NULL);
	expect("", NULL);
	expect("Account ACC-2024-000123, amount 2,561.50", NULL);
	expect("2023-02-30", NULL);    /* no such day */
	expect("2023-13-01", NULL);    /* no such month */
	expect("31/04/2023", NULL);    /* April has 30 days */
	expect("1850-01-01", NULL);    /* out of range */
	expect("12023-11-14", NULL);   /* part of a longer number */
	expect("2023-11-145", NULL);
	expect("ID 44010619900307123X", NULL);
	expect("Mayday 14 2023", NULL); /* not a month */
	expect("2024-02-29", "2024-02-29");
	expect("2023-02-29", NULL);
	expect("Tel 14/11/20234", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numeric_forms),
		cmocka_unit_test(written_forms),
		cmocka_unit_test(chinese_forms),
		cmocka_unit_test(labels_decide),
		cmocka_unit_test(nothing_guessed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
