/*
 * query.c: libFuzzer harness for the search query parser (search/parse.c).
 *
 * Each input is one query.  srch_parse must either succeed with a
 * well-formed condition tree or fail with DOS_INVAL and a message that
 * says where the query is wrong.  Checked on success: the tree's shape
 * (kinds, children, values, YYYY-MM-DD bounds with lo < hi, depth and
 * leaf limits), srch_describe, and that "-" q parses as "NOT " q does.
 * Checked on failure: no query, and a message that names the character
 * (or says the query is too long) and is UTF-8 when the query is.  Any
 * broken promise calls abort(), so the fuzzer reports logic bugs as well
 * as crashes; everything is freed, so LeakSanitizer reports the parser's
 * leaks.
 *
 * Built by fuzz/run.sh (clang, libFuzzer) and, with fuzz/replay_main.c,
 * by fuzz/replay.sh (gcc, no libFuzzer) to replay kept inputs.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier/search.h"

/* A bit above SRCH_MAX_QUERY, so the too-long path is exercised too. */
#define FUZZ_MAX_INPUT 4096

/*
 * How deep the tree may be.  The parser bounds nesting (NOT and
 * parentheses) by SRCH_MAX_DEPTH and leaves by SRCH_MAX_TERMS, and builds
 * AND and OR chains left-deep, so 40 plain words make a tree 40 deep: the
 * bound is the two together.  -DFUZZ_MAX_TREE_DEPTH=34 checks the
 * stricter SRCH_MAX_DEPTH + 2 instead.
 */
#ifndef FUZZ_MAX_TREE_DEPTH
#define FUZZ_MAX_TREE_DEPTH (SRCH_MAX_DEPTH + SRCH_MAX_TERMS)
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Says which promise was broken, then aborts (libFuzzer's crash path). */
#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz-query: %s:%d: invariant "	\
				"failed: %s\n", __FILE__, __LINE__,	\
				#cond);					\
			abort();					\
		}							\
	} while (0)

struct walk {
	int leaves;
	int depth; /* deepest node, the root at 1 */
};

/* YYYY-MM-DD: ten characters, digits and two dashes in their places. */
static int
is_day(const char *s)
{
	int i;

	if (strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return 0;
		} else if (!isdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

/*
 * Strict UTF-8 (no overlong forms, surrogates or code points past
 * U+10FFFF), as jansson checks it before a string goes into JSON.
 */
static int
is_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int c;
	int n, i;

	while (*s != '\0') {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if (*s >= 0xc2 && *s <= 0xdf)
			n = 1, c = *s & 0x1f;
		else if (*s >= 0xe0 && *s <= 0xef)
			n = 2, c = *s & 0x0f;
		else if (*s >= 0xf0 && *s <= 0xf4)
			n = 3, c = *s & 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i] & 0x3f);
		}
		if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) ||
		    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return 0;
		s += n + 1;
	}
	return 1;
}

static void
check_leaf(const struct arc_node *n)
{
	CHECK(n->left == NULL && n->right == NULL);
	switch (n->kind) {
	case ARC_N_WORDS:
		CHECK(n->value != NULL);
		CHECK(n->lo == NULL && n->hi == NULL);
		CHECK(n->field >= ARC_F_TEXT && n->field <= ARC_F_SIGNATORY);
		/* '~' takes one plain word. */
		CHECK(!n->fuzzy || (!n->phrase && !n->prefix));
		break;
	case ARC_N_FIELD:
		CHECK(n->value != NULL);
		CHECK(n->lo == NULL && n->hi == NULL);
		CHECK(n->field > ARC_F_SIGNATORY && n->field <= ARC_F_LANG);
		break;
	case ARC_N_RANGE:
		CHECK(n->value == NULL);
		CHECK(n->lo != NULL || n->hi != NULL);
		CHECK(n->lo == NULL || is_day(n->lo));
		CHECK(n->hi == NULL || is_day(n->hi));
		CHECK(n->lo == NULL || n->hi == NULL ||
		      strcmp(n->lo, n->hi) < 0);
		CHECK(n->field == ARC_F_DATE || n->field == ARC_F_ADDED);
		break;
	default:
		CHECK(!"not a leaf kind");
	}
}

/*
 * Checks the subtree at n, found at depth (root 1) under nots NOT nodes.
 * Each NOT is one level of the parser's nesting, and so is the leaf.
 */
static void
check_node(const struct arc_node *n, int depth, int nots, struct walk *w)
{
	CHECK(n != NULL);
	CHECK(n->kind >= ARC_N_AND && n->kind <= ARC_N_RANGE);
	CHECK(depth <= FUZZ_MAX_TREE_DEPTH);
	CHECK(nots < SRCH_MAX_DEPTH);
	if (depth > w->depth)
		w->depth = depth;
	switch (n->kind) {
	case ARC_N_AND:
	case ARC_N_OR:
		CHECK(n->left != NULL && n->right != NULL);
		CHECK(n->value == NULL && n->lo == NULL && n->hi == NULL);
		check_node(n->left, depth + 1, nots, w);
		check_node(n->right, depth + 1, nots, w);
		break;
	case ARC_N_NOT:
		CHECK(n->left != NULL && n->right == NULL);
		CHECK(n->value == NULL && n->lo == NULL && n->hi == NULL);
		check_node(n->left, depth + 1, nots + 1, w);
		break;
	default:
		check_leaf(n);
		w->leaves++;
		CHECK(w->leaves <= SRCH_MAX_TERMS);
		break;
	}
}

static void
check_ok(const struct srch_query *q, const char *msg)
{
	const struct arc_node *root;
	struct walk w = {0, 0};
	char *d;

	CHECK(q != NULL);
	CHECK(msg == NULL);
	d = srch_describe(q);
	CHECK(d != NULL);
	CHECK(d[0] == '(');
	root = srch_query_root(q);
	if (root == NULL) {
		CHECK(strcmp(d, "(all)") == 0);
	} else {
		check_node(root, 1, 0, &w);
		CHECK(w.leaves >= 1);
	}
	free(d);
}

/* The tree of q in srch_describe's words, or NULL if q does not parse. */
static char *
describe_or_null(const char *q)
{
	struct srch_query *sq = NULL;
	char *msg = NULL, *d = NULL;

	if (srch_parse(q, &sq, &msg) == DOS_OK)
		d = srch_describe(sq);
	srch_query_free(sq);
	free(msg);
	return d;
}

/*
 * '-' is NOT (parse.c's grammar: unary = ("NOT" | "-") unary), so when
 * "NOT " s parses, "-" s must parse to the same tree.  Only for an s whose
 * first character makes the '-' an operator: not a space (a lone dash is
 * punctuation) and not another '-' ("--x" is a word).
 */
static void
check_minus(const char *s, size_t len)
{
	char *with_not, *with_minus, *dn, *dm;

	if (s[0] == '\0' || isspace((unsigned char)s[0]) || s[0] == '-')
		return;
	with_not = malloc(len + 5);
	with_minus = malloc(len + 2);
	if (with_not == NULL || with_minus == NULL)
		goto out;
	memcpy(with_not, "NOT ", 4);
	memcpy(with_not + 4, s, len + 1);
	with_minus[0] = '-';
	memcpy(with_minus + 1, s, len + 1);
	dn = describe_or_null(with_not);
	if (dn != NULL) {
		dm = describe_or_null(with_minus);
		if (dm == NULL || strcmp(dn, dm) != 0)
			fprintf(stderr, "fuzz-query: '%s' gives %s\n"
				"fuzz-query: '%s' gives %s\n", with_not, dn,
				with_minus, dm != NULL ? dm : "an error");
		CHECK(dm != NULL && strcmp(dn, dm) == 0);
		free(dm);
		free(dn);
	}
out:
	free(with_not);
	free(with_minus);
}

/*
 * The message reaches people through JSON (jansson refuses a string that
 * is not UTF-8), so a UTF-8 query must get a UTF-8 message.
 */
static void
check_inval(const char *s, const struct srch_query *q, const char *msg)
{
	CHECK(q == NULL);
	CHECK(msg != NULL);
	CHECK(msg[0] != '\0');
	CHECK(strstr(msg, "(at character ") != NULL ||
	      strstr(msg, "too long") != NULL);
	CHECK(!is_utf8(s) || is_utf8(msg));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srch_query *q = NULL;
	char *s, *msg = NULL;
	enum dos_err err;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	/* An exact-size copy, so ASan sees any read past the NUL. */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	err = srch_parse(s, &q, &msg);
	switch (err) {
	case DOS_OK:
		check_ok(q, msg);
		check_minus(s, strlen(s));
		break;
	case DOS_INVAL:
		check_inval(s, q, msg);
		break;
	case DOS_NOMEM:
		/* Only under a malloc limit; nothing to check. */
		CHECK(q == NULL);
		break;
	default:
		CHECK(!"srch_parse returned an unexpected error");
	}
	srch_query_free(q);
	free(msg);
	free(s);
	return 0;
}
