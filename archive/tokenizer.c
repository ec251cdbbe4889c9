/*
 * tokenizer.c: the "dossier" FTS5 tokenizer for OCR text that mixes Latin
 * script with Chinese, Japanese kana and Korean Hangul.
 *
 * The input is split into maximal CJK runs and the text between them.
 * Text between runs goes to the built-in unicode61 tokenizer (created with
 * "remove_diacritics 2": case folded, diacritics removed, letters and
 * digits are token characters), its offsets shifted to the whole input.
 * A CJK run becomes overlapping bigrams, one position each ("中国银行":
 * 中国 国银 银行), with the byte offsets of the two characters, so that
 * a phrase query, which the same tokenizer splits the same way, matches
 * consecutive bigrams and highlight() marks the right bytes.  A run of one
 * character is a token of its own; a query for a single character only
 * finds such runs unless written as a prefix (银* finds 银行), and the
 * last character of a longer run is not found by itself.  Query and
 * document text are tokenized alike.  OCR often puts blanks or line
 * breaks between CJK characters ("中 国 银 行"); a run goes on across
 * white space that has Han or kana on both sides, the bigram's offsets
 * spanning it (not Hangul: Korean separates words with spaces).
 *
 * CJK: ideographs (U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF,
 * U+20000-2FA1F, U+30000-323AF), the letter-like marks 々 〆 〇
 * (U+3005-3007), Hiragana (U+3040-309F), Katakana (U+30A0-30FF but for
 * the punctuation ゠ and ・) and Hangul syllables (U+AC00-D7AF).  The rest
 * of U+3000-303F (ideographic space, 、。「」 ...) separates and is never
 * a token.  Full-width forms (U+FF00-FFEF) go to unicode61, which drops
 * their punctuation and keeps full-width letters and digits.  A byte that
 * is not part of valid UTF-8 counts as a one-byte separator, so unicode61
 * only reads valid UTF-8 (its lenient decoder would make the letter ĸ of a
 * cut-off "\xe4\xb8" and glue it to the word before: "loanĸ").
 *
 * Known limit, of SQLite 3.40's highlight() and snippet() rather than of
 * the offsets: two matches at adjacent positions whose bytes overlap
 * ("国银 OR 银行" in 中国银行) come out as 中[国银]行[银行]; the built-in
 * trigram tokenizer does the same.  Later SQLite releases merge them.
 *
 * Exports arc_fts5_api, and arc_fts_tokenizer_register, which registers
 * the tokenizer on a connection, for "CREATE VIRTUAL TABLE ... USING fts5(...,
 * tokenize='dossier')", and arc_tokenizer_open/run/close, the same
 * tokenizer called directly (to find a search's words on a page).
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* The xToken callback FTS5 passes to xTokenize. */
typedef int (*token_fn)(void *ctx, int tflags, const char *tok, int ntok,
			int start, int end);

/* What utf8_next() gives for a byte that is not valid UTF-8. */
#define BAD_CP 0x110000

/* How a character takes part in the split. */
enum cls {
	CLS_OTHER, /* handed to unicode61 */
	CLS_CJK,   /* part of a CJK run */
	CLS_SEP,   /* CJK punctuation, bad byte: ends a run, never a token */
};

struct range {
	uint32_t lo, hi;
	enum cls cls;
};

/* Sorted, disjoint; code points outside every range are CLS_OTHER. */
static const struct range ranges[] = {
	{0x3000, 0x3004, CLS_SEP},   /* ideographic space, 、 。 */
	{0x3005, 0x3007, CLS_CJK},   /* 々 〆 〇 */
	{0x3008, 0x303f, CLS_SEP},   /* brackets, marks */
	{0x3040, 0x309f, CLS_CJK},   /* Hiragana */
	{0x30a0, 0x30a0, CLS_SEP},   /* ゠ */
	{0x30a1, 0x30fa, CLS_CJK},   /* Katakana */
	{0x30fb, 0x30fb, CLS_SEP},   /* ・ */
	{0x30fc, 0x30ff, CLS_CJK},   /* ー and iteration marks */
	{0x3400, 0x4dbf, CLS_CJK},   /* Extension A */
	{0x4e00, 0x9fff, CLS_CJK},   /* Unified Ideographs */
	{0xac00, 0xd7af, CLS_CJK},   /* Hangul syllables */
	{0xf900, 0xfaff, CLS_CJK},   /* Compatibility Ideographs */
	{0x20000, 0x2fa1f, CLS_CJK}, /* Extensions B-F, supplement */
	{0x30000, 0x323af, CLS_CJK}, /* Extensions G, H */
};

/* One tokenizer instance: the unicode61 instance it delegates to. */
struct tok {
	fts5_tokenizer u61;  /* unicode61's methods */
	Fts5Tokenizer *inner; /* unicode61 instance */
};

/* State of one xTokenize call. */
struct split {
	const struct tok *t;
	void *ctx;       /* FTS5's context for xtoken */
	token_fn xtoken;
	const char *text;
	int flags;       /* FTS5_TOKENIZE_* */
	int base;        /* offset of the text unicode61 is reading */
	int run;         /* characters in the CJK run, capped at 2 */
	int prev, prevend; /* bytes of the run's last character */
};

/*
 * Decodes the UTF-8 character at s (n > 0 bytes left) into *pcp and
 * returns its length.  A malformed, overlong, surrogate or truncated
 * sequence gives BAD_CP of length 1, so every byte is read exactly once.
 */
static int
utf8_next(const unsigned char *s, int n, uint32_t *pcp)
{
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	uint32_t cp;
	int len, i;

	*pcp = BAD_CP;
	if (s[0] < 0x80) {
		*pcp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 1;
	if (len > n)
		return 1;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 1;
	*pcp = cp;
	return len;
}

static enum cls
char_class(uint32_t cp)
{
	size_t i;

	if (cp < ranges[0].lo)
		return CLS_OTHER;
	if (cp == BAD_CP)
		return CLS_SEP;
	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (cp < ranges[i].lo)
			break;
		if (cp <= ranges[i].hi)
			return ranges[i].cls;
	}
	return CLS_OTHER;
}

/* Han and kana go on across blanks; Korean separates words by them. */
static int
joins(uint32_t cp)
{
	return char_class(cp) == CLS_CJK && !(cp >= 0xAC00 && cp <= 0xD7AF);
}

static int
is_blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
}

/* unicode61's callback: passes its token on with whole-input offsets. */
static int
shift_token(void *ctx, int tflags, const char *tok, int ntok, int start,
	    int end)
{
	struct split *s = ctx;

	return s->xtoken(s->ctx, tflags, tok, ntok, s->base + start,
			 s->base + end);
}

/* Hands text[from, to) to unicode61. */
static int
other_flush(struct split *s, int from, int to)
{
	s->base = from;
	return s->t->u61.xTokenize(s->t->inner, s, s->flags, s->text + from,
				   to - from, shift_token);
}

/* Emits text[start, end) as one token. */
static int
emit(struct split *s, int start, int end)
{
	return s->xtoken(s->ctx, 0, s->text + start, end - start, start, end);
}

/* Adds the CJK character text[start, end) to the run: emits the bigram
 * it ends, if any. */
static int
cjk_add(struct split *s, int start, int end)
{
	int rc = SQLITE_OK;

	if (s->run > 0 && s->prevend == start)
		rc = emit(s, s->prev, end);
	else if (s->run > 0) {
		/* Blanks between: the token is the two characters alone. */
		char buf[8];
		int a = s->prevend - s->prev, b = end - start;

		memcpy(buf, s->text + s->prev, (size_t)a);
		memcpy(buf + a, s->text + start, (size_t)b);
		rc = s->xtoken(s->ctx, 0, buf, a + b, s->prev, end);
	}
	if (s->run < 2)
		s->run++;
	s->prev = start;
	s->prevend = end;
	return rc;
}

/* Ends the CJK run, if any; a run of one character is a token. */
static int
cjk_end(struct split *s)
{
	int rc = SQLITE_OK;

	if (s->run == 1)
		rc = emit(s, s->prev, s->prevend);
	s->run = 0;
	return rc;
}

static int
tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text,
	     int n, token_fn xtoken)
{
	struct split s;
	const unsigned char *u = (const unsigned char *)text;
	int i, len, seg = -1, rc = SQLITE_OK;
	uint32_t cp;
	enum cls cls;

	memset(&s, 0, sizeof(s));
	s.t = (const struct tok *)p;
	s.ctx = ctx;
	s.xtoken = xtoken;
	s.text = text;
	s.flags = flags;
	for (i = 0; i < n && rc == SQLITE_OK; i += len) {
		/* Fast path: outside a CJK run, ASCII is text for
		 * unicode61; skip it a byte at a time without decoding
		 * (most OCR text is ASCII). */
		if (s.run == 0 && u[i] < 0x80) {
			if (seg < 0)
				seg = i;
			for (len = 1; i + len < n && u[i + len] < 0x80; len++)
				;
			continue;
		}
		len = utf8_next(u + i, n - i, &cp);
		cls = char_class(cp);
		/* OCR puts blanks between CJK characters: a run goes on
		 * across white space when CJK follows. */
		if (cls == CLS_OTHER && s.run > 0 && is_blank(cp)) {
			int j = i + len;
			uint32_t last, next;

			while (j < n && is_blank(u[j]))
				j++;
			utf8_next(u + s.prev, n - s.prev, &last);
			if (j < n) {
				utf8_next(u + j, n - j, &next);
				if (joins(last) && joins(next)) {
					len = j - i;
					continue;
				}
			}
		}
		if (cls == CLS_OTHER) {
			rc = cjk_end(&s);
			if (seg < 0)
				seg = i;
			continue;
		}
		if (seg >= 0)
			rc = other_flush(&s, seg, i);
		seg = -1;
		if (rc != SQLITE_OK)
			break;
		if (cls == CLS_CJK)
			rc = cjk_add(&s, i, i + len);
		else
			rc = cjk_end(&s);
	}
	if (rc == SQLITE_OK)
		rc = cjk_end(&s);
	if (rc == SQLITE_OK && seg >= 0)
		rc = other_flush(&s, seg, n);
	return rc;
}

/* Takes no arguments: tokenize='dossier'.  ctx is the fts5_api. */
static int
tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **pout)
{
	static const char *args[] = {"remove_diacritics", "2"};
	fts5_api *api = ctx;
	struct tok *t;
	void *u61ctx = NULL;
	int rc;

	(void)argv;
	*pout = NULL;
	if (argc != 0)
		return SQLITE_ERROR;
	if ((t = sqlite3_malloc(sizeof(*t))) == NULL)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof(*t));
	rc = api->xFindTokenizer(api, "unicode61", &u61ctx, &t->u61);
	if (rc == SQLITE_OK)
		rc = t->u61.xCreate(u61ctx, args, 2, &t->inner);
	if (rc != SQLITE_OK) {
		sqlite3_free(t);
		return rc;
	}
	*pout = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void
tok_delete(Fts5Tokenizer *p)
{
	struct tok *t = (struct tok *)p;

	if (t == NULL)
		return;
	t->u61.xDelete(t->inner);
	sqlite3_free(t);
}

fts5_api *
arc_fts5_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK) {
		dos_errx("%s: %s", __func__, sqlite3_errmsg(db));
		return NULL;
	}
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW || api == NULL || api->iVersion < 2) {
		dos_errx("%s: no FTS5 API: %s", __func__, sqlite3_errstr(rc));
		return NULL;
	}
	return api;
}

enum dos_err
arc_fts_tokenizer_register(sqlite3 *db)
{
	fts5_tokenizer tokenizer = {tok_create, tok_delete, tok_tokenize};
	fts5_api *api;
	int rc;

	if ((api = arc_fts5_api(db)) == NULL)
		return DOS_DB;
	rc = api->xCreateTokenizer(api, "dossier", api, &tokenizer, NULL);
	if (rc != SQLITE_OK) {
		dos_errx("%s: %s", __func__, sqlite3_errstr(rc));
		return DOS_DB;
	}
	return DOS_OK;
}

enum dos_err
arc_tokenizer_open(sqlite3 *db, struct arc_tokenizer **pt)
{
	fts5_api *api;
	Fts5Tokenizer *t = NULL;

	*pt = NULL;
	if ((api = arc_fts5_api(db)) == NULL ||
	    tok_create(api, NULL, 0, &t) != SQLITE_OK)
		return DOS_DB;
	*pt = (struct arc_tokenizer *)t;
	return DOS_OK;
}

enum dos_err
arc_tokenizer_run(struct arc_tokenizer *t, const char *text, int len,
		  int query, token_fn cb, void *ctx)
{
	return tok_tokenize((Fts5Tokenizer *)t, ctx,
			    query ? FTS5_TOKENIZE_QUERY
				  : FTS5_TOKENIZE_DOCUMENT,
			    text, len, cb) == SQLITE_OK
		       ? DOS_OK
		       : DOS_DB;
}

void
arc_tokenizer_close(struct arc_tokenizer *t)
{
	tok_delete((Fts5Tokenizer *)t);
}
