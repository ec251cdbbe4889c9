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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
