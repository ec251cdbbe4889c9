/* test_title.c: titles made when nobody gives one, where a date was
 * read, words put back on their printed lines, and figures read too
 * unsurely to file without a person. */
#include "harness.h"

#include <regex.h>

#include "dossier/ingest.h"
/* Private to ingest/ (ingest/internal.h): ing_unsure_figures and the
 * page it reads. */
#include "../../../ingest/internal.h"

static void
title(const char *text, const char *type, const char *date, const char *want)
{
	char got[200];

	ing_title_make(text, type, date, got, sizeof(got));
	assert_string_equal(got, want);
}

static void
titles(void **state)
{
	(void)state;
	/* A type wins, with the date. */
	title("ACCOUNT OPENING FORM", "loan_contract", "2023-11-14",
	      "Loan contract, 2023-11-14");
	title(NULL, "statement", NULL, "Statement");
	title(NULL, "id_copy", "2024-02-08", "ID copy, 2024-02-08");
	/* A subject line wins over a line in capitals. */
	title("Crescent Bank\nDate: 2023-06-09\nSubject: Changes to our "
	      "terms\nDear Mr Petrov,", NULL, "2023-06-09",
	      "Changes to our terms, 2023-06-09");
	title("Albion Mutual Bank\n50 Castle Hill | 0800 555 0140\n"
	      "\xe2\x80\x9c" "ACCOUNT OPENING FORM |\nPersonal customers.",
	      NULL, NULL, "Account opening form");
	title("Kingsgate Bank\nINVOICE\nInvoice number: INV-2018-759455",
	      NULL, "2018-07-06", "Invoice, 2018-07-06");
	/* Chinese: the title line, OCR's blanks dropped; not the bank. */
	title("\xe5\x8d\x8e\xe4\xbf\xa1\xe5\x95\x86\xe4\xb8\x9a\xe9\x93\xb6"
	      "\xe8\xa1\x8c\n\xe4\xb8\xaa \xe4\xba\xba \xe8\xb4\xb7 \xe6\xac"
	      "\xbe \xe5\x90\x88 \xe5\x90\x8c\n", NULL, "2020-11-26",
	      "\xe4\xb8\xaa\xe4\xba\xba\xe8\xb4\xb7\xe6\xac\xbe\xe5\x90\x88"
	      "\xe5\x90\x8c, 2020-11-26");
	/* Lines with digits or lower case are no heading. */
	title("ACC-2024-000101\nDear customer,\nREF 2023 11", NULL,
	      "2023-11-14", "Document dated 2023-11-14");
	title("nothing to go by", NULL, NULL, "Scanned document");
	/* Never the file's name, never a spool number. */
	title("", NULL, NULL, "Scanned document");
}

static void
short_buffer(void **state)
{
	char got[12];

	(void)state;
	/* Cut where a character begins, never inside one. */
	ing_title_make("Subject: \xe4\xb8\xaa\xe4\xba\xba\xe8\xb4\xb7\xe6\xac"
		       "\xbe", NULL, NULL, got, sizeof(got));
	assert_string_equal(got, "\xe4\xb8\xaa\xe4\xba\xba\xe8\xb4\xb7");
}

static void
date_note(void **state)
{
	const char *t = "Westmere Bank\nInvoice date: 14 November 2023\n";
	char date[11], note[160];
	size_t off, len;

	(void)state;
	assert_int_equal(ing_date_span(t, date, &off, &len), 1);
	assert_string_equal(date, "2023-11-14");
	assert_int_equal(len, strlen("14 November 2023"));
	ing_date_note(t, off, len, 2, note, sizeof(note));
	assert_string_equal(note,
			    "read on page 2: \"Invoice date: 14 November 2023\"");
}

static void
no_date_in_a_code(void **state)
{
	char date[11];

	(void)state;
	assert_int_equal(ing_date_find("Agreement number: LA-2023-11-14-389",
				       date), 0);
	assert_int_equal(ing_date_find("ref 2023/11/14/A7", date), 0);
	assert_int_equal(ing_date_find("Date of issue: 2019-01-02\n"
				       "Date: 14 Nov 2023", date), 1);
	assert_string_equal(date, "2023-11-14");
	assert_int_equal(ing_date_find("made on 2023-11-14.", date), 1);
	assert_string_equal(date, "2023-11-14");
}

/* A form read as two columns: labels first, then values. */
static void
form_columns(void **state)
{
	const struct arc_word w[] = {
		{"Date", 100, 200, 60, 30, 95}, {"of", 170, 200, 25, 30, 95},
		{"birth:", 200, 200, 70, 30, 95},
		{"Opening", 100, 400, 90, 30, 95},
		{"date:", 200, 402, 60, 30, 95},
		{"1967-10-02", 600, 203, 130, 30, 90},
		{"2025-10-01", 600, 398, 130, 30, 90},
	};
	char date[11], *lines;

	(void)state;
	/* Read in OCR's order the birth date comes first, unlabelled. */
	assert_int_equal(ing_date_find("Date of birth:\nOpening date:\n"
				       "1967-10-02\n2025-10-01\n", date), 1);
	assert_string_equal(date, "1967-10-02");
	lines = ing_words_lines(w, sizeof(w) / sizeof(w[0]));
	assert_non_null(lines);
	assert_string_equal(lines, "Date of birth: 1967-10-02\n"
				   "Opening date: 2025-10-01\n");
	assert_int_equal(ing_date_find(lines, date), 1);
	assert_string_equal(date, "2025-10-01");
	free(lines);
	assert_null(ing_words_lines(w, 0));
}

static void
unsure_figures(void **state)
{
	struct arc_word w1[] = {
		{"Subtotal", 10, 10, 80, 20, 91},
		{"2,001.50", 100, 10, 80, 20, 49},
		{"Westmere", 10, 40, 80, 20, 30}, /* no figure */
		{"7", 10, 70, 10, 20, 20},        /* one digit */
		{"1949-06-27", 10, 90, 90, 20, 30}, /* a date: marked only */
		{"0800", 10, 110, 40, 20, 30},      /* a phone number */
		{"INV-2023-882686", 10, 130, 90, 20, 3}, /* a reference */
	};
	struct arc_word w2[] = {
		{"ACC-2024-000101", 10, 10, 150, 20, 40},
		{"2,001.50", 100, 40, 80, 20, 88},
	};
	struct ing_barcode bc = {"CODE-128", "ACC-2024-000101"};
	struct ing_page pages[2];
	int one[] = {0}, both[] = {0, 1};
	char why[240];
	regex_t re;

	(void)state;
	assert_int_equal(regcomp(&re, "ACC-[0-9]{4}-[0-9]{6}", REG_EXTENDED),
			 0);
	memset(pages, 0, sizeof(pages));
	pages[0].words = w1;
	pages[0].nwords = sizeof(w1) / sizeof(w1[0]);
	pages[1].words = w2;
	pages[1].nwords = 2;
	assert_int_equal(ing_unsure_figures(pages, one, 1, &re, why,
					    sizeof(why)), 1);
	assert_string_equal(why, "figures read with low confidence: 2,001.50 "
				 "(49%, page 1)");
	/* Read surely on another page, and the account in a barcode. */
	pages[1].barcodes = &bc;
	pages[1].nbarcodes = 1;
	assert_int_equal(ing_unsure_figures(pages, both, 2, &re, why,
					    sizeof(why)), 0);
	assert_string_equal(why, "");
	/* Without the barcode the account is unsure. */
	pages[1].nbarcodes = 0;
	assert_int_equal(ing_unsure_figures(pages, both, 2, &re, why,
					    sizeof(why)), 1);
	assert_string_equal(why, "figures read with low confidence: "
				 "ACC-2024-000101 (40%, page 2)");
	/* Amounts as OCR reads them, with stray marks around. */
	{
		struct arc_word w3[] = {
			{"d5201.00", 0, 0, 9, 9, 0}, {"303,90", 0, 0, 9, 9, 30},
			{"979.50\xc2\xb0", 0, 0, 9, 9, 40},
			{"30,6", 0, 0, 9, 9, 0}, /* one decimal: no amount */
		};
		struct ing_page p3;

		memset(&p3, 0, sizeof(p3));
		p3.words = w3;
		p3.nwords = 4;
		assert_int_equal(ing_unsure_figures(&p3, one, 1, &re, why,
						    sizeof(why)), 1);
		assert_string_equal(why, "figures read with low confidence: "
					 "d5201.00 (0%, page 1), 303,90 (30%, "
					 "page 1), 979.50\xc2\xb0 (40%, page 1)");
	}
	/* A blank page counts for nothing. */
	pages[0].blank = 1;
	assert_int_equal(ing_unsure_figures(pages, one, 1, &re, why,
					    sizeof(why)), 0);
	regfree(&re);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(titles),
		cmocka_unit_test(short_buffer),
		cmocka_unit_test(date_note),
		cmocka_unit_test(no_date_in_a_code),
		cmocka_unit_test(form_columns),
		cmocka_unit_test(unsure_figures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
