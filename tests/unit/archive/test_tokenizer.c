/*
 * test_tokenizer.c: the "dossier" FTS5 tokenizer: CJK bigrams, phrase and
 * prefix queries, mixed Latin and CJK text, highlight offsets, Japanese
 * and Korean, CJK punctuation, invalid UTF-8, a long run, and the
 * tokenizer called directly (offsets, query flags, xToken's return code);
 * Latin text cuts exactly as unicode61 (remove_diacritics 2) cuts it,
 * tokens and byte offsets, on random ASCII and mixed input.
 */
#include "harness.h"

#include <sqlite3.h>

#include "dossier/common.h"

/* Private to archive/ (archive/internal.h). */
enum dos_err arc_fts_tokenizer_register(sqlite3 *db);
fts5_api *arc_fts5_api(sqlite3 *db);

#define OUTMAX 4096

/* A connection with table t (fts5, tokenize='dossier') and its
 * per-instance vocabulary v. */
static int
setup(void **state)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(arc_fts_tokenizer_register(db), DOS_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE VIRTUAL TABLE t USING fts5(x,"
				      " tokenize='dossier');"
				      "CREATE VIRTUAL TABLE v USING"
				      " fts5vocab(t, 'instance');",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	assert_int_equal(sqlite3_close(*state), SQLITE_OK);
	return 0;
}

/* Inserts n bytes of text (n < 0: up to the NUL) as row id. */
static void
add(sqlite3 *db, int64_t id, const char *text, int n)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO t(rowid, x)"
					    " VALUES (?1, ?2)",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, text, n, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* Appends s to out (OUTMAX bytes), space-separated. */
static void
append(char *out, const char *s)
{
	size_t len = strlen(out);
	int n;

	n = snprintf(out + len, OUTMAX - len, "%s%s", len > 0 ? " " : "", s);
	assert_true(n >= 0 && (size_t)n < OUTMAX - len);
}

/* The row ids matching q, ascending, as "1 3"; "" for none. */
static const char *
ids(sqlite3 *db, const char *q)
{
	static char out[OUTMAX];
	sqlite3_stmt *st = NULL;
	char id[32];
	int rc;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT rowid FROM t WHERE t MATCH"
					    " ?1 ORDER BY rowid",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(id, sizeof(id), "%lld",
			 (long long)sqlite3_column_int64(st, 0));
		append(out, id);
	}
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	return out;
}

/* Row id's indexed tokens in position order, as "中国@0 国银@1". */
static const char *
terms(sqlite3 *db, int64_t id)
{
	static char out[OUTMAX];
	sqlite3_stmt *st = NULL;
	char term[256];
	int rc;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT term, offset FROM v"
					    " WHERE doc = ?1 ORDER BY offset",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(term, sizeof(term), "%s@%d",
			 (const char *)sqlite3_column_text(st, 0),
			 sqlite3_column_int(st, 1));
		append(out, term);
	}
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	return out;
}

/* highlight(t, 0, '[', ']') of row id for query q. */
static const char *
hl(sqlite3 *db, int64_t id, const char *q)
{
	static char out[OUTMAX];
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT highlight(t, 0, '[', ']')"
					    " FROM t WHERE t MATCH ?1"
					    " AND rowid = ?2",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, sizeof(out), "%s",
		 (const char *)sqlite3_column_text(st, 0));
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	return out;
}

/* Collects tokens as "text:start-end"; returns stop after `left` more
 * tokens (left < 0: never). */
struct collect {
	char out[OUTMAX];
	int left;
	int stop;
};

static int
collect_token(void *ctx, int tflags, const char *tok, int ntok, int start,
	      int end)
{
	struct collect *c = ctx;
	char s[256];

	assert_int_equal(tflags, 0);
	snprintf(s, sizeof(s), "%.*s:%d-%d", ntok, tok, start, end);
	append(c->out, s);
	if (c->left > 0 && --c->left == 0)
		return c->stop;
	return SQLITE_OK;
}

/* Runs the "dossier" tokenizer of db directly on n bytes of text;
 * returns xTokenize's result. */
static int
tokenize(sqlite3 *db, int flags, const char *text, int n,
	 struct collect *c)
{
	fts5_api *api = NULL;
	fts5_tokenizer tk;
	Fts5Tokenizer *inst = NULL;
	sqlite3_stmt *st = NULL;
	void *ud = NULL;
	int rc;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st,
					    NULL),
			 SQLITE_OK);
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	sqlite3_finalize(st);
	assert_non_null(api);
	assert_int_equal(api->xFindTokenizer(api, "dossier", &ud, &tk),
			 SQLITE_OK);
	assert_int_equal(tk.xCreate(ud, NULL, 0, &inst), SQLITE_OK);
	c->out[0] = '\0';
	rc = tk.xTokenize(inst, c, flags, text, n, collect_token);
	tk.xDelete(inst);
	return rc;
}

static void
cjk_run_is_overlapping_bigrams(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "中国银行", -1);
	assert_string_equal(terms(db, 1), "中国@0 国银@1 银行@2");
}

static void
cjk_words_and_phrases_match(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "中国银行贷款合同", -1);
	add(db, 2, "银行", -1);
	assert_string_equal(ids(db, "\"银行\""), "1 2");
	assert_string_equal(ids(db, "银行"), "1 2");
	assert_string_equal(ids(db, "\"贷款\""), "1");
	assert_string_equal(ids(db, "\"合同\""), "1");
	assert_string_equal(ids(db, "\"银行贷款\""), "1");
	assert_string_equal(ids(db, "\"行贷款合\""), "1");
	assert_string_equal(ids(db, "\"中国银行贷款合同\""), "1");
}

static void
cjk_non_substrings_do_not_match(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "中国银行贷款合同", -1);
	assert_string_equal(ids(db, "\"银合\""), "");
	assert_string_equal(ids(db, "\"贷款银行\""), "");
	assert_string_equal(ids(db, "\"合同中国\""), "");
	assert_string_equal(ids(db, "\"中国 贷款\""), "");
	assert_string_equal(ids(db, "\"日本\""), "");
}

/* OCR puts blanks and line breaks between CJK characters. */
static void
blanks_between_cjk_do_not_end_a_run(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "中 国 银 行\n贷  款 loan 合同", -1);
	assert_string_equal(terms(db, 1),
			    "中国@0 国银@1 银行@2 行贷@3 贷款@4 loan@5 合同@6");
	assert_string_equal(ids(db, "\"银行贷款\""), "1");
	assert_string_equal(ids(db, "\"银 行\""), "1");
	assert_string_equal(ids(db, "\"款合\""), "");
}

/* Known limit of bigrams: one character alone finds only one-character
 * runs; as a prefix it finds the bigrams it starts. */
static void
single_char_query_needs_prefix(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "中国银行", -1);
	assert_string_equal(ids(db, "\"国\""), "");
	assert_string_equal(ids(db, "国*"), "1");
	assert_string_equal(ids(db, "行*"), "");
}

static void
single_char_run_is_a_token(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "a 银 b", -1);
	add(db, 2, "中国银行", -1);
	assert_string_equal(terms(db, 1), "a@0 银@1 b@2");
	assert_string_equal(ids(db, "\"银\""), "1");
	assert_string_equal(ids(db, "\"a 银 b\""), "1");
}

static void
prefix_query_finds_bigrams(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "a 银 b", -1);
	add(db, 2, "中国银行", -1);
	add(db, 3, "中国人民", -1);
	assert_string_equal(ids(db, "银*"), "1 2");
	assert_string_equal(ids(db, "\"银\"*"), "1 2");
	assert_string_equal(ids(db, "\"中国银\"*"), "2");
	assert_string_equal(ids(db, "中国*"), "2 3");
	assert_string_equal(ids(db, "贷*"), "");
}

static void
mixed_text_tokens(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "Loan 合同 ACC-2024-000101 repayment Café", -1);
	add(db, 2, "Loan合同ACC", -1);
	/* ệ has two diacritics: only remove_diacritics 2 strips both. */
	add(db, 3, "Ngân hàng Việt Nam", -1);
	assert_string_equal(terms(db, 1), "loan@0 合同@1 acc@2 2024@3 "
					  "000101@4 repayment@5 cafe@6");
	assert_string_equal(terms(db, 2), "loan@0 合同@1 acc@2");
	assert_string_equal(terms(db, 3), "ngan@0 hang@1 viet@2 nam@3");
}

static void
mixed_text_matches(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "Loan 合同 ACC-2024-000101 repayment Café", -1);
	assert_string_equal(ids(db, "loan"), "1");
	assert_string_equal(ids(db, "LOAN"), "1");
	assert_string_equal(ids(db, "cafe"), "1");
	assert_string_equal(ids(db, "Café"), "1");
	assert_string_equal(ids(db, "\"合同\""), "1");
	assert_string_equal(ids(db, "acc"), "1");
	assert_string_equal(ids(db, "2024"), "1");
	assert_string_equal(ids(db, "\"ACC-2024-000101\""), "1");
	assert_string_equal(ids(db, "\"loan 合同 acc\""), "1");
	assert_string_equal(ids(db, "\"合同 loan\""), "");
	assert_string_equal(ids(db, "bank"), "");
	assert_string_equal(ids(db, "caf"), "");
}

static void
highlight_marks_cjk_bytes(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "中国银行", -1);
	assert_string_equal(hl(db, 1, "\"银行\""), "中国[银行]");
	assert_string_equal(hl(db, 1, "\"中国\""), "[中国]银行");
	assert_string_equal(hl(db, 1, "\"国银行\""), "中[国银行]");
	assert_string_equal(hl(db, 1, "\"中国银行\""), "[中国银行]");
	assert_string_equal(hl(db, 1, "中国 AND 银行"), "[中国][银行]");
	assert_string_equal(hl(db, 1, "国*"), "中[国银]行");
}

static void
highlight_marks_mixed_bytes(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "Loan 合同 Café, 银 x", -1);
	assert_string_equal(hl(db, 1, "cafe"), "Loan 合同 [Café], 银 x");
	assert_string_equal(hl(db, 1, "\"合同\""), "Loan [合同] Café, 银 x");
	assert_string_equal(hl(db, 1, "loan"), "[Loan] 合同 Café, 银 x");
	assert_string_equal(hl(db, 1, "\"银\" x"), "Loan 合同 Café, [银] [x]");
	assert_string_equal(hl(db, 1, "\"合同 cafe\""),
			    "Loan [合同 Café], 银 x");
}

static void
japanese_is_searchable(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "東京の銀行", -1);
	add(db, 2, "カタカナ・テスト", -1);
	assert_string_equal(terms(db, 1), "東京@0 京の@1 の銀@2 銀行@3");
	assert_string_equal(ids(db, "\"東京\""), "1");
	assert_string_equal(ids(db, "\"の銀\""), "1");
	assert_string_equal(ids(db, "\"銀行\""), "1");
	assert_string_equal(ids(db, "\"京都\""), "");
	/* ・ (U+30FB) separates like punctuation. */
	assert_string_equal(terms(db, 2),
			    "カタ@0 タカ@1 カナ@2 テス@3 スト@4");
	assert_string_equal(ids(db, "\"カナ\""), "2");
	assert_string_equal(ids(db, "\"ナテ\""), "");
}

static void
korean_is_searchable(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "한국은행 대출", -1);
	assert_string_equal(terms(db, 1), "한국@0 국은@1 은행@2 대출@3");
	assert_string_equal(ids(db, "\"은행\""), "1");
	assert_string_equal(ids(db, "\"국은\""), "1");
	assert_string_equal(ids(db, "\"한국은행 대출\""), "1");
	assert_string_equal(ids(db, "\"행대\""), "");
}

static void
cjk_punctuation_separates(void **state)
{
	sqlite3 *db = *state;

	/* 、。「」 U+3000 (U+3000-303F); ，（）：！ ￥ (U+FF00-FFEF) */
	add(db, 1, "中国，银行。合同", -1);
	add(db, 2, "「贷款」（合同）：金额！￥100", -1);
	add(db, 3, "中国\xe3\x80\x80银行、二〇二四年", -1);
	assert_string_equal(terms(db, 1), "中国@0 银行@1 合同@2");
	assert_string_equal(terms(db, 2), "贷款@0 合同@1 金额@2 100@3");
	assert_string_equal(terms(db, 3),
			    "中国@0 银行@1 二〇@2 〇二@3 二四@4 四年@5");
	assert_string_equal(ids(db, "\"国银\""), "");
	assert_string_equal(ids(db, "\"行合\""), "");
	/* A blank inside a phrase joins (OCR blanks): 中国银行 is asked. */
	assert_string_equal(ids(db, "\"中国 银行\""), "");
	assert_string_equal(ids(db, "\"中国，银行\""), "1 3");
	assert_string_equal(ids(db, "\"〇二\""), "3");
}

static void
fullwidth_letters_left_to_unicode61(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "ＡＣＣ－２０２４", -1);
	assert_string_equal(terms(db, 1), "ａｃｃ@0 ２０２４@1");
	assert_string_equal(ids(db, "ＡＣＣ"), "1");
}

static void
invalid_utf8_is_skipped(void **state)
{
	sqlite3 *db = *state;
	static const char bad[] = "\xff\xfe中国\xc3";
	static const char worse[] = "\xe4\xb8 \xc0\xaf\xed\xa0\x80中\xff国"
				    "\x80\xbf银行\xf0\x9f\xe4\xb8";

	add(db, 1, bad, (int)sizeof(bad) - 1);
	add(db, 2, worse, (int)sizeof(worse) - 1);
	assert_string_equal(terms(db, 1), "中国@0");
	assert_string_equal(ids(db, "\"中国\""), "1");
	assert_string_equal(hl(db, 1, "\"中国\""), "\xff\xfe[中国]\xc3");
	assert_string_equal(terms(db, 2), "中@0 国@1 银行@2");
	assert_string_equal(hl(db, 2, "\"银行\""),
			    "\xe4\xb8 \xc0\xaf\xed\xa0\x80中\xff国"
			    "\x80\xbf[银行]\xf0\x9f\xe4\xb8");
}

/* A cut-off sequence does not glue to the word before it. */
static void
truncated_utf8_ends_a_word(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "loan\xe4\xb8", -1);
	add(db, 2, "Caf\xe9 cr\xe8me", -1);
	assert_string_equal(terms(db, 1), "loan@0");
	assert_string_equal(ids(db, "loan"), "1");
	assert_string_equal(terms(db, 2), "caf@0 cr@1 me@2");
}

static void
empty_and_null_text_have_no_tokens(void **state)
{
	sqlite3 *db = *state;

	add(db, 1, "", 0);
	add(db, 2, "。、 ，！", -1);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO t(rowid, x)"
				      " VALUES (3, NULL)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_string_equal(terms(db, 1), "");
	assert_string_equal(terms(db, 2), "");
	assert_string_equal(terms(db, 3), "");
}

/* 10,000 ideographs U+4E00.. in one run: 9,999 distinct bigrams. */
static void
long_run_indexes_every_bigram(void **state)
{
	sqlite3 *db = *state;
	enum { N = 10000 };
	char *text, *phrase, q[16];
	sqlite3_stmt *st = NULL;
	unsigned cp;
	int i;

	text = malloc(N * 3 + 1);
	assert_non_null(text);
	for (i = 0; i < N; i++) {
		cp = 0x4e00 + i;
		text[i * 3] = (char)(0xe0 | cp >> 12);
		text[i * 3 + 1] = (char)(0x80 | (cp >> 6 & 0x3f));
		text[i * 3 + 2] = (char)(0x80 | (cp & 0x3f));
	}
	text[N * 3] = '\0';
	add(db, 1, text, N * 3);
	snprintf(q, sizeof(q), "\"%s\"", text + (N - 2) * 3);
	assert_string_equal(ids(db, q), "1");
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT count(*), max(offset)"
					    " FROM v WHERE doc = 1",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), N - 1);
	assert_int_equal(sqlite3_column_int(st, 1), N - 2);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT substr(highlight(t, 0,"
					    " '[', ']'), -5) FROM t"
					    " WHERE t MATCH ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	/* U+750D [U+750E U+750F]: the run's last three characters. */
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
			    "\xe7\x94\x8d[\xe7\x94\x8e\xe7\x94\x8f]");
	sqlite3_finalize(st);
	/* The whole run as a phrase query of 9,999 bigrams. */
	phrase = malloc(N * 3 + 3);
	assert_non_null(phrase);
	snprintf(phrase, N * 3 + 3, "\"%s\"", text);
	assert_string_equal(ids(db, phrase), "1");
	free(phrase);
	free(text);
}

static void
direct_offsets_cover_the_input(void **state)
{
	struct collect c = {.left = -1};
	const char *s = "Loan合同 Café 银 x中国银";

	assert_int_equal(tokenize(*state, FTS5_TOKENIZE_DOCUMENT, s,
				  (int)strlen(s), &c),
			 SQLITE_OK);
	assert_string_equal(c.out, "loan:0-4 合同:4-10 cafe:11-16 银:17-20 "
				   "x:21-22 中国:22-28 国银:25-31");
}

static void
direct_query_flags_keep_single_char(void **state)
{
	struct collect c = {.left = -1};

	assert_int_equal(tokenize(*state,
				  FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX,
				  "银", 3, &c),
			 SQLITE_OK);
	assert_string_equal(c.out, "银:0-3");
	assert_int_equal(tokenize(*state, FTS5_TOKENIZE_QUERY, "中国银行", 12,
				  &c),
			 SQLITE_OK);
	assert_string_equal(c.out, "中国:0-6 国银:3-9 银行:6-12");
	assert_int_equal(tokenize(*state, FTS5_TOKENIZE_QUERY, "", 0, &c),
			 SQLITE_OK);
	assert_string_equal(c.out, "");
}

static void
direct_stops_on_xtoken_error(void **state)
{
	struct collect c = {.left = 2, .stop = SQLITE_ABORT};
	const char *s = "中国银行 loan more";

	assert_int_equal(tokenize(*state, FTS5_TOKENIZE_DOCUMENT, s,
				  (int)strlen(s), &c),
			 SQLITE_ABORT);
	assert_string_equal(c.out, "中国:0-6 国银:3-9");
	c.left = 2;
	c.stop = SQLITE_NOMEM;
	s = "loan 银 more words";
	assert_int_equal(tokenize(*state, FTS5_TOKENIZE_DOCUMENT, s,
				  (int)strlen(s), &c),
			 SQLITE_NOMEM);
	assert_string_equal(c.out, "loan:0-4 银:5-8");
	c.left = 1;
	c.stop = SQLITE_DONE;
	s = "中 loan more";
	assert_int_equal(tokenize(*state, FTS5_TOKENIZE_DOCUMENT, s,
				  (int)strlen(s), &c),
			 SQLITE_DONE);
	assert_string_equal(c.out, "中:0-3");
	c.left = 1;
	c.stop = SQLITE_ERROR;
	s = "more loan 中国";
	assert_int_equal(tokenize(*state, FTS5_TOKENIZE_DOCUMENT, s,
				  (int)strlen(s), &c),
			 SQLITE_ERROR);
	assert_string_equal(c.out, "more:0-4");
}

static void
arguments_are_refused(void **state)
{
	sqlite3 *db = *state;

	assert_int_not_equal(sqlite3_exec(db,
					  "CREATE VIRTUAL TABLE u USING"
					  " fts5(x, tokenize='dossier x')",
					  NULL, NULL, NULL),
			     SQLITE_OK);
}

/* Tokens as "text@start-end ..." (FTS5's xToken). */
static int
list_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
	char one[300];

	(void)flags;
	snprintf(one, sizeof(one), "%.*s@%d-%d", n, tok, start, end);
	append(ctx, one);
	return SQLITE_OK;
}

/* The dossier tokenizer and unicode61 cut Latin text the same way. */
static void
latin_cut_as_unicode61(void **state)
{
	static const char *const fixed[] = {
		"Hello, World! ACC-2024-000123 x_y a.b.c 3.14 don't",
		"  leading and trailing  ", "", "!!!", "MiXeD CaSe 99z",
		"caf\xc3\xa9 na\xc3\xafve R\xc3\xa9sum\xc3\xa9 ok",
		"tab\tnew\nline\rcarriage\x01\x7f end",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa long",
	};
	static const char *u61args[] = {"remove_diacritics", "2"};
	fts5_api *api = arc_fts5_api(*state);
	fts5_tokenizer u61, dos;
	Fts5Tokenizer *tu = NULL, *td = NULL;
	void *cu = NULL, *cd = NULL;
	static char got[OUTMAX], want[OUTMAX];
	char text[200];
	unsigned long long r = 88172645463325252ull;
	size_t k;
	int i, j, n;

	assert_non_null(api);
	assert_int_equal(api->xFindTokenizer(api, "unicode61", &cu, &u61),
			 SQLITE_OK);
	assert_int_equal(u61.xCreate(cu, u61args, 2, &tu), SQLITE_OK);
	assert_int_equal(api->xFindTokenizer(api, "dossier", &cd, &dos),
			 SQLITE_OK);
	assert_int_equal(dos.xCreate(cd, NULL, 0, &td), SQLITE_OK);
	for (i = 0; i < 2000 + (int)(sizeof(fixed) / sizeof(fixed[0])); i++) {
		if (i < (int)(sizeof(fixed) / sizeof(fixed[0]))) {
			snprintf(text, sizeof(text), "%s", fixed[i]);
			n = (int)strlen(text);
		} else {
			/* Random ASCII, weighted toward letters, digits and
			 * blanks; every 10th with a byte of Latin-1 in
			 * UTF-8. */
			n = (int)(r % 120);
			for (j = 0; j < n; j++) {
				r ^= r << 13, r ^= r >> 7, r ^= r << 17;
				k = r % 100;
				text[j] = k < 50   ? (char)('a' + r / 100 % 26)
					  : k < 60 ? (char)('A' + r / 100 % 26)
					  : k < 70 ? (char)('0' + r / 100 % 10)
					  : k < 85 ? ' '
						   : (char)(1 + r / 100 % 127);
			}
			if (i % 10 == 0 && n > 3) {
				text[n / 2] = (char)0xc3;
				text[n / 2 + 1] = (char)0xa9;
			}
			text[n] = '\0';
		}
		got[0] = want[0] = '\0';
		assert_int_equal(u61.xTokenize(tu, want, FTS5_TOKENIZE_DOCUMENT,
					       text, n, list_token),
				 SQLITE_OK);
		assert_int_equal(dos.xTokenize(td, got, FTS5_TOKENIZE_DOCUMENT,
					       text, n, list_token),
				 SQLITE_OK);
		if (strcmp(got, want) != 0) {
			print_message("text '%s'\n dossier:   %s\n unicode61: "
				      "%s\n", text, got, want);
			fail();
		}
	}
	u61.xDelete(tu);
	dos.xDelete(td);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(cjk_run_is_overlapping_bigrams),
		T(cjk_words_and_phrases_match),
		T(blanks_between_cjk_do_not_end_a_run),
		T(cjk_non_substrings_do_not_match),
		T(single_char_query_needs_prefix),
		T(single_char_run_is_a_token),
		T(prefix_query_finds_bigrams),
		T(mixed_text_tokens),
		T(mixed_text_matches),
		T(highlight_marks_cjk_bytes),
		T(highlight_marks_mixed_bytes),
		T(japanese_is_searchable),
		T(korean_is_searchable),
		T(cjk_punctuation_separates),
		T(fullwidth_letters_left_to_unicode61),
		T(invalid_utf8_is_skipped),
		T(truncated_utf8_ends_a_word),
		T(empty_and_null_text_have_no_tokens),
		T(long_run_indexes_every_bigram),
		T(direct_offsets_cover_the_input),
		T(direct_query_flags_keep_single_char),
		T(direct_stops_on_xtoken_error),
		T(arguments_are_refused),
		T(latin_cut_as_unicode61),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
