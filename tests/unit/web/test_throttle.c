/* test_throttle.c: the sign-in back-off: free failures, doubling waits
 * up to the cap, names and addresses apart, forgetting, a full table. */
#include "harness.h"

#include "../../../web/throttle.h"

/* Milliseconds: the clock the table runs on. */
#define T0 ((int64_t)1700000000 * 1000)
#define S(x) ((int64_t)(x) * 1000)

static int
reset(void **state)
{
	(void)state;
	thr_reset();
	return 0;
}

static void
name_backs_off_after_free_failures(void **state)
{
	enum thr_who who;
	unsigned i;

	(void)state;
	for (i = 1; i < THR_NAME_FREE; i++)
		assert_int_equal(thr_fail("ann", "10.0.0.1", T0), 0);
	assert_int_equal(thr_wait("ann", "10.0.0.1", T0, &who), 0);
	assert_int_equal(who, THR_NONE);
	/* The fifth failure: 1 s, then 2 s, 4 s ... */
	assert_int_equal(thr_fail("ann", "10.0.0.1", T0), 1);
	assert_int_equal(thr_wait("ann", "10.0.0.9", T0, &who), 1);
	assert_int_equal(who, THR_NAME);
	assert_int_equal(thr_wait("ann", "10.0.0.1", T0 + S(1), &who), 0);
	assert_int_equal(thr_fail("ann", "10.0.0.1", T0 + S(1)), 2);
	assert_int_equal(thr_fail("ann", "10.0.0.1", T0 + S(3)), 4);
	assert_int_equal(thr_wait("ann", NULL, T0 + S(4), &who), 3);
	/* Another name from the same address is not held up. */
	assert_int_equal(thr_wait("bob", "10.0.0.1", T0 + S(4), &who), 0);
}

static void
wait_is_capped(void **state)
{
	enum thr_who who;
	unsigned i, w = 0;
	int64_t t = T0;

	(void)state;
	for (i = 0; i < 40; i++) {
		w = thr_fail("ann", NULL, t);
		t += S(w);
	}
	assert_int_equal(w, THR_MAX_WAIT);
	assert_int_equal(thr_wait("ann", NULL, t - 1, &who), 1);
	assert_int_equal(thr_wait("ann", NULL, t - S(1) - 1, &who), 2);
	assert_int_equal(thr_wait("ann", NULL, t, &who), 0);
}

static void
success_forgets_the_name_not_the_address(void **state)
{
	enum thr_who who;
	unsigned i;

	(void)state;
	for (i = 0; i < THR_NAME_FREE + 2; i++)
		thr_fail("ann", "10.0.0.1", T0);
	thr_success("ann");
	assert_int_equal(thr_wait("ann", "10.0.0.1", T0, &who), 0);
	/* The address still counts: a few more and it waits too. */
	for (i = 0; i < THR_ADDR_FREE - THR_NAME_FREE - 2 - 1; i++)
		assert_int_equal(thr_fail(NULL, "10.0.0.1", T0), 0);
	assert_int_equal(thr_fail(NULL, "10.0.0.1", T0), 1);
	assert_int_equal(thr_wait("mia", "10.0.0.1", T0, &who), 1);
	assert_int_equal(who, THR_ADDR);
	assert_int_equal(thr_wait("mia", "10.0.0.2", T0, &who), 0);
}

static void
failures_are_forgotten_when_idle(void **state)
{
	enum thr_who who;
	unsigned i;
	int64_t t;

	(void)state;
	for (i = 0; i < THR_NAME_FREE - 1; i++)
		thr_fail("ann", NULL, T0);
	/* Much later, one more failure starts from one again. */
	t = T0 + S(THR_FORGET + 1);
	assert_int_equal(thr_fail("ann", NULL, t), 0);
	assert_int_equal(thr_wait("ann", NULL, t, &who), 0);
}

static void
long_names_share_a_key(void **state)
{
	char a[200], b[200];
	enum thr_who who;
	unsigned i;

	(void)state;
	/* 63 ASCII bytes then a 2-byte character straddling byte 64. */
	memset(a, 'x', 63);
	memcpy(a + 63, "\xc3\xa9tail-a", 9);
	memcpy(b, a, 63);
	memcpy(b + 63, "\xc3\xa9tail-b", 9);
	for (i = 0; i < THR_NAME_FREE; i++)
		thr_fail(a, NULL, T0);
	assert_int_equal(thr_wait(b, NULL, T0, &who), 1);
}

static void
a_full_table_gives_way_to_the_oldest(void **state)
{
	char name[32];
	enum thr_who who;
	unsigned i;

	(void)state;
	for (i = 0; i < THR_NAME_FREE; i++)
		thr_fail("target", NULL, T0 + S(100));
	for (i = 0; i < THR_SLOTS; i++) {
		snprintf(name, sizeof(name), "n%u", i);
		thr_fail(name, NULL, T0 + S(50));
	}
	/* The table held THR_SLOTS names: the older ones gave way, the
	 * newer failing name (and its back-off) stays. */
	assert_int_equal(thr_wait("target", NULL, T0 + S(100), &who), 1);
	assert_int_equal(thr_wait("n0", NULL, T0 + S(100), &who), 0);
}

/* Refusals are counted per name, address and reason, and taken as one
 * summary each; past the table they are counted as lost, not dropped. */
static void
refusals_are_counted_not_itemised(void **state)
{
	static struct thr_refusal r[THR_REFUSALS];
	char name[32];
	unsigned lost, i;
	int n;

	(void)state;
	for (i = 0; i < 1000; i++)
		thr_refused("ann", "10.0.0.1", THR_NAME, 1 + i % 4, 100 + i);
	thr_refused("ann", "10.0.0.2", THR_NAME, 8, 2000);
	thr_refused("ann", "10.0.0.1", THR_ADDR, 2, 2001);
	n = thr_refusals_take(r, THR_REFUSALS, &lost);
	assert_int_equal(n, 3);
	assert_int_equal(lost, 0);
	assert_string_equal(r[0].name, "ann");
	assert_string_equal(r[0].addr, "10.0.0.1");
	assert_int_equal(r[0].why, THR_NAME);
	assert_int_equal(r[0].n, 1000);
	assert_int_equal(r[0].wait, 4);
	assert_int_equal(r[0].first, 100);
	assert_int_equal(r[0].last, 1099);
	assert_int_equal(r[2].why, THR_ADDR);
	/* Taken is gone. */
	assert_int_equal(thr_refusals_take(r, THR_REFUSALS, &lost), 0);
	/* Many names: the table's worth, the rest counted as lost; taken
	 * in parts. */
	for (i = 0; i < THR_REFUSALS + 10; i++) {
		snprintf(name, sizeof(name), "n%u", i);
		thr_refused(name, "10.0.0.3", THR_ADDR, 1, 5);
	}
	assert_int_equal(thr_refusals_take(r, 100, &lost), 100);
	assert_int_equal(lost, 10);
	assert_int_equal(thr_refusals_take(r, THR_REFUSALS, &lost),
			 THR_REFUSALS - 100);
	assert_int_equal(lost, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(name_backs_off_after_free_failures,
				       reset),
		cmocka_unit_test_setup(wait_is_capped, reset),
		cmocka_unit_test_setup(success_forgets_the_name_not_the_address,
				       reset),
		cmocka_unit_test_setup(failures_are_forgotten_when_idle, reset),
		cmocka_unit_test_setup(long_names_share_a_key,
				       reset),
		cmocka_unit_test_setup(a_full_table_gives_way_to_the_oldest,
				       reset),
		cmocka_unit_test_setup(refusals_are_counted_not_itemised,
				       reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
