/*
 * util.c: the generator's random numbers (xorshift64*, the only mutable
 * global state), capped string buffers, checked formatting and UTF-8 helpers.
 */
#include "gs.h"

/* ------------------------------------------------------------------ */
/* Random numbers: xorshift64*, the only mutable global state.         */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* Mixes a seed with splitmix64 so that nearby seeds give unrelated streams. */
uint64_t seed_mix(uint64_t a, uint64_t b)
{
	uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(uint64_t seed)
{
	rng_state = seed_mix(seed, 0);
	if (rng_state == 0)
		rng_state = 1;
}

uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n); n > 0. */
size_t rng_below(size_t n)
{
	return (size_t)((rng_next() >> 11) % n);
}

/* Uniform in [lo, hi], inclusive. */
int rng_int(int lo, int hi)
{
	return lo + (int)rng_below((size_t)(hi - lo + 1));
}

/* Uniform in [0, 1). */
double rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* ------------------------------------------------------------------ */
/* Growable string buffer with a hard maximum. Errors are sticky.      */


void sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
	size_t need;
	char *np;

	if (b->err)
		return;
	need = b->len + n + 1;
	if (need > SBUF_MAX) {
		b->err = 1;
		return;
	}
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < need)
			cap *= 2;
		if (cap > SBUF_MAX)
			cap = SBUF_MAX;
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->err = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void sbuf_add(struct sbuf *b, const char *s)
{
	sbuf_addn(b, s, strlen(s));
}

void sbuf_free(struct sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}

/* Contents as a C string; "" when empty. Borrowed. */
const char *sbuf_str(const struct sbuf *b)
{
	return b->p ? b->p : "";
}

/* snprintf that reports truncation as failure (-1). */
int PRINTF_LIKE(3, 4) fmt_str(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= n)
		return -1;
	return 0;
}


/* Byte length of the UTF-8 sequence at s (1 for stray bytes, never past NUL). */
size_t utf8_len(const char *s)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = 1, i;

	if (c >= 0xf0)
		n = 4;
	else if (c >= 0xe0)
		n = 3;
	else if (c >= 0xc0)
		n = 2;
	for (i = 1; i < n; i++)
		if (s[i] == '\0')
			return i;
	return n;
}

static const char *const cjk_punct[] = {
	"，", "。", "、", "；", "：", "！", "？", "（", "）", "《", "》", "“", "”"
};

int is_cjk_punct(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NELEM(cjk_punct); i++)
		if (strlen(cjk_punct[i]) == n && memcmp(s, cjk_punct[i], n) == 0)
			return 1;
	return 0;
}

const char *const lang_names[LANG__MAX] = { "eng", "chi_sim" };

const char *const bc_zbar[BC__MAX] = {
	"", "CODE-128", "CODE-39", "QR-Code", "I2/5", "EAN-13", "UPC-A"
};

const char *const bc_names[BC__MAX] = {
	"none", "code128", "code39", "qr", "i25", "ean13", "upca"
};

/*
 * How each format is written: file name extension, Leptonica file format
 * (IFF_LPDF stands for a PDF holding one JPEG image per page), and the depth
 * of the written pixels: 1 (threshold G4_THRESHOLD), 8 (gray) or 32 (colour,
 * see colorize()).
 */
const struct fmt_spec fmt_specs[FMT__MAX] = {
	[FMT_G4] = { "tif", IFF_TIFF_G4, 1 },
	[FMT_GRAY] = { "tif", IFF_TIFF_LZW, 8 },
	[FMT_PNG] = { "png", IFF_PNG, 8 },
	[FMT_JPEG] = { "jpg", IFF_JFIF_JPEG, 8 },
	[FMT_1BIT_LZW] = { "tif", IFF_TIFF_LZW, 1 },
	[FMT_TIFF_JPEG] = { "tif", IFF_TIFF_JPEG, 8 },
	[FMT_RGB] = { "tif", IFF_TIFF_LZW, 32 },
	[FMT_TIFF_JPEG_RGB] = { "tif", IFF_TIFF_JPEG, 32 },
	[FMT_PDF] = { "pdf", IFF_LPDF, 8 },
};

const char *const fmt_names[FMT__MAX] = {
	"tiff-g4", "tiff-gray", "png", "jpeg", "tiff-1bit-lzw", "tiff-jpeg", "tiff-rgb",
	"tiff-jpeg-rgb", "pdf"
};

const char *const kind_names[KIND__MAX] = {
	"letter", "account-form", "contract", "invoice", "coversheet", "separator",
	"id-copy"
};

const char *const dstyle_names[DS__MAX] = {
	"iso", "dmy", "us", "long", "mixed"
};

/* ------------------------------------------------------------------ */
/* Ground truth helpers                                                 */

static int trim_char(int c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* Appends w to arr unless empty after trimming punctuation, or already there. */
static int add_word(json_t *arr, char *w)
{
	size_t i, n;

	while (trim_char(*w, "([{\"'"))
		w++;
	n = strlen(w);
	while (n > 0 && trim_char(w[n - 1], ".,;:!?)]}\"'"))
		w[--n] = '\0';
	if (n == 0)
		return 0;
	for (i = 0; i < json_array_size(arr); i++)
		if (strcmp(json_string_value(json_array_get(arr, i)), w) == 0)
			return 0;
	return json_array_append_new(arr, json_string(w));
}

/*
 * Distinct words of text in order of first use. Words are split at blanks and
 * CJK punctuation, with leading and trailing ASCII punctuation trimmed. Chinese
 * has no blanks, so its "words" are the phrases between punctuation marks.
 * Pass the flow text, where wrapped paragraph lines are joined again.
 */
json_t *words_json(const char *text)
{
	json_t *arr = json_array();
	char tok[256];
	size_t tn = 0;
	const char *p = text;

	if (arr == NULL)
		return NULL;
	for (;;) {
		size_t clen = *p ? utf8_len(p) : 0;
		int sep = *p == '\0' || isspace((unsigned char)*p) ||
			  ((unsigned char)*p >= 0x80 && is_cjk_punct(p, clen));

		if (sep) {
			if (tn > 0) {
				tok[tn] = '\0';
				if (add_word(arr, tok)) {
					json_decref(arr);
					return NULL;
				}
				tn = 0;
			}
			if (*p == '\0')
				break;
		} else if (tn + clen < sizeof tok) {
			memcpy(tok + tn, p, clen);
			tn += clen;
		}
		p += clen;
	}
	return arr;
}

json_t *str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

/* Sets key to v (stolen); -1 if v is NULL or on error. */
int jset(json_t *o, const char *key, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new(o, key, v) ? -1 : 0;
}

