/* test_common.c: capped buffers, hashing, safe formatting. */
#include "harness.h"

#include "dossier/common.h"

static void
dbuf_refuses_past_max(void **state)
{
	struct dbuf b;

	(void)state;
	dbuf_init(&b, 8);
	assert_int_equal(dbuf_adds(&b, "12345678"), DOS_OK);
	assert_int_equal(dbuf_adds(&b, "9"), DOS_LIMIT);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	dbuf_free(&b);
}

static void
dbuf_addf_grows_past_small_buffer(void **state)
{
	struct dbuf b;
	char big[1000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	dbuf_init(&b, 4096);
	assert_int_equal(dbuf_addf(&b, "<%s>", big), DOS_OK);
	assert_int_equal(b.len, 1001);
	assert_int_equal(b.data[0], '<');
	assert_int_equal(b.data[1000], '>');
	dbuf_free(&b);
}

static void
sha256_known_vector(void **state)
{
	char hex[DOS_SHA256_HEX];

	(void)state;
	assert_int_equal(dos_crypto_init(), DOS_OK);
	assert_int_equal(dos_sha256_hex("abc", 3, hex), DOS_OK);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396"
				 "177a9cb410ff61f20015ad");
}

static void
snprintf_reports_truncation(void **state)
{
	char small[4];

	(void)state;
	assert_int_equal(dos_snprintf(small, sizeof(small), "%s", "abc"),
			 DOS_OK);
	assert_int_equal(dos_snprintf(small, sizeof(small), "%s", "abcd"),
			 DOS_LIMIT);
}

static void
file_read_enforces_limit_before_reading(void **state)
{
	unsigned char *d;
	size_t n;

	(void)state;
	assert_int_equal(dos_file_read("/etc/hostname", 0, &d, &n), DOS_LIMIT);
	assert_null(d);
	assert_int_equal(dos_file_read("/nonexistent/x", 100, &d, &n),
			 DOS_NOTFOUND);
	assert_int_equal(dos_file_read("/tmp", 100, &d, &n), DOS_INVAL);
}

static void
strerror_names_every_code(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < DOS_ERR__MAX; i++)
		assert_non_null(dos_strerror((enum dos_err)i));
	assert_string_equal(dos_strerror(DOS_LIMIT), "limit exceeded");
	assert_string_equal(dos_strerror((enum dos_err)999), "unknown error");
}

/* Strict UTF-8: what jansson accepts into JSON, nothing else. */
static void
utf8_valid_is_strict(void **state)
{
	(void)state;
	assert_true(dos_utf8_valid(NULL));
	assert_true(dos_utf8_valid(""));
	assert_true(dos_utf8_valid("M\xc3\xbcller \xe6\x96\x87"));
	assert_true(dos_utf8_valid("\xf0\x9f\x98\x80"));
	assert_false(dos_utf8_valid("M\xfcller"));         /* Latin-1 */
	assert_false(dos_utf8_valid("\xc0\xaf"));          /* overlong '/' */
	assert_false(dos_utf8_valid("\xed\xa0\x80"));      /* surrogate */
	assert_false(dos_utf8_valid("\xf4\x90\x80\x80"));  /* past U+10FFFF */
	assert_false(dos_utf8_valid("\xe6\x96"));          /* cut short */
}

/* Bytes that are not text become '?'; the result is cut at a whole
 * character and always fits. */
static void
utf8_clean_replaces_and_cuts(void **state)
{
	char out[16];

	(void)state;
	dos_utf8_clean("M\xfcller-\xe9t\xe9.png", out, sizeof(out));
	assert_string_equal(out, "M?ller-?t?.png");
	dos_utf8_clean("\xe6\x96\x87\xe6\x96\x87", out, 6);
	assert_string_equal(out, "\xe6\x96\x87");
	dos_utf8_clean("abc", out, 1);
	assert_string_equal(out, "");
	assert_true(dos_utf8_valid(out));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dbuf_refuses_past_max),
		cmocka_unit_test(dbuf_addf_grows_past_small_buffer),
		cmocka_unit_test(sha256_known_vector),
		cmocka_unit_test(snprintf_reports_truncation),
		cmocka_unit_test(file_read_enforces_limit_before_reading),
		cmocka_unit_test(strerror_names_every_code),
		cmocka_unit_test(utf8_valid_is_strict),
		cmocka_unit_test(utf8_clean_replaces_and_cuts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
