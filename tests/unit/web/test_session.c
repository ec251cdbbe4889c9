/* test_session.c: sessions: a token opens its own session only, ends at
 * sign-out, and one user cannot fill the table by signing in again and
 * again (their oldest session gives way). */
#include "harness.h"

#include "../../../web/session.h"

static void
token_opens_its_session_until_ended(void **state)
{
	char tok[SESS_TOKEN_LEN + 1], csrf[SESS_TOKEN_LEN + 1];
	char user[65], got[SESS_TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(sess_create("ann", tok, csrf), 0);
	assert_int_equal(strlen(tok), SESS_TOKEN_LEN);
	assert_string_not_equal(tok, csrf);
	assert_int_equal(sess_lookup(tok, user, sizeof(user), got), 0);
	assert_string_equal(user, "ann");
	assert_string_equal(got, csrf);
	/* A token of the right shape that was never handed out. */
	memset(got, 'f', SESS_TOKEN_LEN);
	got[SESS_TOKEN_LEN] = '\0';
	assert_int_equal(sess_lookup(got, user, sizeof(user), csrf), -1);
	sess_end(tok);
	assert_int_equal(sess_lookup(tok, user, sizeof(user), csrf), -1);
}

static void
one_user_holds_at_most_per_user_sessions(void **state)
{
	char tok[SESS_PER_USER + 1][SESS_TOKEN_LEN + 1];
	char other[SESS_TOKEN_LEN + 1], csrf[SESS_TOKEN_LEN + 1], user[65];
	int i, live = 0;

	(void)state;
	assert_int_equal(sess_create("mia", other, csrf), 0);
	for (i = 0; i <= SESS_PER_USER; i++)
		assert_int_equal(sess_create("bob", tok[i], csrf), 0);
	/* The first gave way to the last; mia's session is untouched. */
	assert_int_equal(sess_lookup(tok[0], user, sizeof(user), csrf), -1);
	for (i = 1; i <= SESS_PER_USER; i++)
		live += sess_lookup(tok[i], user, sizeof(user), csrf) == 0;
	assert_int_equal(live, SESS_PER_USER);
	assert_int_equal(sess_lookup(other, user, sizeof(user), csrf), 0);
	assert_string_equal(user, "mia");
	/* Many more do not fill the table for others. */
	for (i = 0; i < 3000; i++)
		assert_int_equal(sess_create("bob", tok[0], csrf), 0);
	assert_int_equal(sess_create("zoe", other, csrf), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(token_opens_its_session_until_ended),
		cmocka_unit_test(one_user_holds_at_most_per_user_sessions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
