/*
 * docdate.c: the date a document is dated, found in its OCR text.  Forms
 * read: 2023-11-14, 2023/11/14, 2023.11.14, 14/11/2023, 14.11.2023,
 * 14-11-2023 (day first; month first when the first number cannot be a
 * month, 11/14/2023), 14 November 2023, 14 Nov. 2023, 14th of November,
 * 2023, November 14, 2023, Nov 14 2023, and 2023年11月14日 (with the
 * blanks OCR puts between CJK characters).  Only real calendar dates
 * between 1900 and 2099 count.  A date after a label that names the
 * document's date ("Date:", "Dated", "日期") wins; a date after a label
 * that names another date (birth, expiry, date of issue, due, valid
 * until, 出生, 有效期) is never taken; otherwise the first date in the
 * text.  Nothing is guessed: a text without a date gives no date.
 * OCR reads a form's labels and values as separate columns, so a
 * "Date of birth:" ends up far from its date: ing_words_lines puts the
 * words back on the lines they are printed on, from their boxes.
 * Exports ing_date_find, ing_date_span, ing_words_lines.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier/ingest.h"

/* How a candidate is judged by the words before it on its line. */
enum label {
	LABEL_NONE,
	LABEL_DOC,   /* "Date:", "Dated", "日期": the document's own date */
	LABEL_OTHER, /* birth, expiry, due ...: another date */
};

static const char *const months[] = {
	"january", "february", "march",     "april",   "may",      "june",
	"july",    "august",   "september", "october", "november", "december",
};

/* Words that, before a date on its line, say it is another date. */
static const char *const other_words[] = {
	"birth", "born", "expir", "valid", "until", "due", "maturity",
	"deadline", "of issue", "\xe5\x87\xba\xe7\x94\x9f" /* 出生 */,
	"\xe6\x9c\x89\xe6\x95\x88" /* 有效 */,
	"\xe5\x88\xb0\xe6\x9c\x9f" /* 到期 */,
	"\xe6\x88\xaa\xe6\xad\xa2" /* 截止 */,
};

/* Words that, before a date on its line, say it is the document's date. */
static const char *const doc_words[] = {
	"date", "dated", "\xe6\x97\xa5\xe6\x9c\x9f" /* 日期 */,
	"\xe6\x97\xb6\xe9\x97\xb4" /* 时间 */,
};

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
valid(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};

	if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

/* Reads 1 to max digits at s; returns how many were read (0: none). */
static int
digits(const char *s, int max, int *pv)
{
	int n = 0, v = 0;

	while (n < max && isdigit((unsigned char)s[n]))
		v = v * 10 + (s[n++] - '0');
	if (n == 0 || isdigit((unsigned char)s[n]))
		return 0; /* none, or a longer number */
	*pv = v;
	return n;
}

/* Skips blanks (OCR puts them between CJK characters). */
static const char *
blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* A month name (full, or its first three letters with an optional dot). */
static int
month_name(const char *s, int *pm)
{
	size_t n = 0;
	int i;

	while (isalpha((unsigned char)s[n]))
		n++;
	if (n < 3)
		return 0;
	for (i = 0; i < 12; i++) {
		size_t full = strlen(months[i]);

		if ((n == full || (n == 3 && full >= 3) ||
		     (i == 8 && n == 4)) && /* "Sept" */
		    strncasecmp(s, months[i], n) == 0) {
			*pm = i + 1;
			return (int)n + (s[n] == '.');
		}
	}
	return 0;
}

/* A day with an optional ordinal suffix: 14, 14th, 1st, 2nd, 3rd. */
static int
day_num(const char *s, int *pd)
{
	int n;

	if (!isdigit((unsigned char)s[0]))
		return 0;
	n = isdigit((unsigned char)s[1]) ? 2 : 1;
	*pd = s[0] - '0';
	if (n == 2)
		*pd = *pd * 10 + (s[1] - '0');
	if (strncasecmp(s + n, "st", 2) == 0 ||
	    strncasecmp(s + n, "nd", 2) == 0 ||
	    strncasecmp(s + n, "rd", 2) == 0 ||
	    strncasecmp(s + n, "th", 2) == 0)
		n += 2;
	if (isalnum((unsigned char)s[n]))
		return 0;
	return n;
}

/* A four-digit year not followed by another digit. */
static int
year4(const char *s, int *py)
{
	return digits(s, 4, py) == 4 ? 4 : 0;
}

/*
 * A date starting at s; on success its parts and length.  s is at a
 * character that does not continue a word or number before it.
 */
static int
date_at(const char *s, int *py, int *pm, int *pd)
{
	const char *p;
	int a, b, c, n, m;
	char sep;

	/* 2023-11-14, 2023/11/14, 2023.11.14 */
	if ((n = year4(s, &a)) == 4 && (s[4] == '-' || s[4] == '/' ||
					s[4] == '.')) {
		sep = s[4];
		p = s + 5;
		if ((m = digits(p, 2, &b)) > 0 && p[m] == sep &&
		    digits(p + m + 1, 2, &c) > 0 && valid(a, b, c)) {
			*py = a, *pm = b, *pd = c;
			return (int)(p + m + 1 - s) +
			       digits(p + m + 1, 2, &c);
		}
	}
	/* 2023年11月14日, blanks allowed between the parts */
	if (n == 4) {
		p = blanks(s + 4);
		if (strncmp(p, "\xe5\xb9\xb4", 3) == 0) { /* 年 */
			p = blanks(p + 3);
			if ((m = digits(p, 2, &b)) > 0) {
				p = blanks(p + m);
				if (strncmp(p, "\xe6\x9c\x88", 3) == 0) { /* 月 */
					p = blanks(p + 3);
					if ((m = digits(p, 2, &c)) > 0) {
						p = blanks(p + m);
						if ((strncmp(p, "\xe6\x97\xa5", 3) ==
							     0 || /* 日 */
						     strncmp(p, "\xe5\x8f\xb7",
							     3) == 0) && /* 号 */
						    valid(a, b, c)) {
							*py = a, *pm = b,
							*pd = c;
							return (int)(p + 3 - s);
						}
					}
				}
			}
		}
	}
	/* 14/11/2023, 14.11.2023, 14-11-2023; 11/14/2023 when 14 > 12 */
	if ((m = digits(s, 2, &a)) > 0 &&
	    (s[m] == '/' || s[m] == '.' || s[m] == '-')) {
		sep = s[m];
		p = s + m + 1;
		if ((n = digits(p, 2, &b)) > 0 && p[n] == sep &&
		    year4(p + n + 1, &c) == 4) {
			if (valid(c, b, a)) {
				*py = c, *pm = b, *pd = a;
				return (int)(p + n + 5 - s);
			}
			if (valid(c, a, b)) {
				*py = c, *pm = a, *pd = b;
				return (int)(p + n + 5 - s);
			}
		}
	}
	/* 14 November 2023, 14th of Nov. 2023, 14-Nov-2023 */
	if ((m = day_num(s, &a)) > 0) {
		p = s + m;
		if (*p == ' ' || *p == '-')
			p++;
		if (strncasecmp(p, "of ", 3) == 0)
			p += 3;
		if ((n = month_name(p, &b)) > 0) {
			p += n;
			if (*p == ',')
				p++;
			if (*p == ' ' || *p == '-')
				p++;
			if (year4(p, &c) == 4 && valid(c, b, a)) {
				*py = c, *pm = b, *pd = a;
				return (int)(p + 4 - s);
			}
		}
	}
	/* November 14, 2023; Nov 14 2023; Nov. 14th, 2023 */
	if ((m = month_name(s, &b)) > 0) {
		p = s + m;
		if (*p == ' ')
			p++;
		if ((n = day_num(p, &a)) > 0) {
			p += n;
			if (*p == ',')
				p++;
			if (*p == ' ')
				p++;
			if (year4(p, &c) == 4 && valid(c, b, a)) {
				*py = c, *pm = b, *pd = a;
				return (int)(p + 4 - s);
			}
		}
	}
	return 0;
}

/* Whether the bytes [from, to) hold word w, case-insensitively. */
static int
holds(const char *from, const char *to, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = from; p + n <= to; p++)
		if (strncasecmp(p, w, n) == 0)
			return 1;
	return 0;
}

/*
 * What the words before a date on its line (up to 40 bytes back) say of
 * it.  Only the nearest label counts: "Date of birth" is another date.
 */
static enum label
label_before(const char *text, const char *at)
{
	const char *from = at;
	size_t i;

	while (from > text && from[-1] != '\n' && at - from < 40)
		from--;
	for (i = 0; i < sizeof(other_words) / sizeof(other_words[0]); i++)
		if (holds(from, at, other_words[i]))
			return LABEL_OTHER;
	for (i = 0; i < sizeof(doc_words) / sizeof(doc_words[0]); i++)
		if (holds(from, at, doc_words[i]))
			return LABEL_DOC;
	return LABEL_NONE;
}

int
ing_date_find(const char *text, char pdate[11])
{
	size_t off, len;

	return ing_date_span(text, pdate, &off, &len);
}

int
ing_date_span(const char *text, char pdate[11], size_t *poff, size_t *plen)
{
	const char *s;
	int y, m, d, n, found = 0;

	pdate[0] = '\0';
	*poff = *plen = 0;
	if (text == NULL)
		return 0;
	for (s = text; *s != '\0'; s++) {
		enum label l;

		/* A date starts where no word or number goes on. */
		if (s > text && isalnum((unsigned char)s[-1]))
			continue;
		if (!isalnum((unsigned char)*s))
			continue;
		if ((n = date_at(s, &y, &m, &d)) == 0)
			continue;
		/* Part of a longer code ("LA-2023-11-14-38999"): no date. */
		if ((s - text >= 2 && strchr("-/.", s[-1]) != NULL &&
		     isalnum((unsigned char)s[-2])) ||
		    (strchr("-/.", s[n]) != NULL && s[n] != '\0' &&
		     isalnum((unsigned char)s[n + 1]))) {
			s += n - 1;
			continue;
		}
		l = label_before(text, s);
		if (l != LABEL_OTHER && (!found || l == LABEL_DOC)) {
			snprintf(pdate, 11, "%04d-%02d-%02d", y, m, d);
			*poff = (size_t)(s - text);
			*plen = (size_t)n;
			if (l == LABEL_DOC)
				return 1;
			found = 1;
		}
		s += n - 1;
	}
	return found;
}

/* Word indices by vertical middle, then left to right (qsort_r). */
static int
by_middle(const void *pa, const void *pb, void *arg)
{
	const struct arc_word *w = arg;
	const struct arc_word *a = &w[*(const size_t *)pa];
	const struct arc_word *b = &w[*(const size_t *)pb];
	int ma = a->y + a->h / 2, mb = b->y + b->h / 2;

	return ma != mb ? (ma < mb ? -1 : 1) : (a->x < b->x ? -1 : a->x > b->x);
}

static int
by_x(const void *pa, const void *pb, void *arg)
{
	const struct arc_word *w = arg;
	const struct arc_word *a = &w[*(const size_t *)pa];
	const struct arc_word *b = &w[*(const size_t *)pb];

	return a->x < b->x ? -1 : a->x > b->x;
}

char *
ing_words_lines(const struct arc_word *w, size_t n)
{
	struct dbuf out;
	size_t *idx = NULL, i, k, start;
	int top, bottom, mid;

	if (n == 0 || (idx = calloc(n, sizeof(*idx))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		idx[i] = i;
	dbuf_init(&out, 4u << 20);
	qsort_r(idx, n, sizeof(*idx), by_middle, (void *)w);
	/*
	 * A line: the words whose middle lies within the band of the first
	 * word of the line (its top to its bottom), left to right.
	 */
	for (start = 0; start < n; start = i) {
		top = w[idx[start]].y;
		bottom = w[idx[start]].y + w[idx[start]].h;
		for (i = start + 1; i < n; i++) {
			mid = w[idx[i]].y + w[idx[i]].h / 2;
			if (mid < top || mid > bottom)
				break;
		}
		qsort_r(idx + start, i - start, sizeof(*idx), by_x, (void *)w);
		for (k = start; k < i; k++) {
			if (k > start)
				dbuf_adds(&out, " ");
			dbuf_adds(&out, w[idx[k]].text != NULL ? w[idx[k]].text
								: "");
		}
		dbuf_adds(&out, "\n");
	}
	free(idx);
	return dbuf_take(&out, NULL);
}
