/*
 * title.c: what ingest says about a document beyond its pages: a title
 * when nobody gave one (its type and date, or the heading printed on its
 * first page; never the file's name, which for an upload carries the
 * spool's sequence number), a note saying where its date was read, and
 * whether figures or account numbers on it were read too unsurely to be
 * filed without a person looking.
 * Exports ing_title_make, ing_date_note and, to ingest/,
 * ing_unsure_figures.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Lines of the first page searched for a heading. */
#define HEADING_LINES 25
#define HEADING_MAX 120 /* bytes of a heading kept */

/* Copies at most n - 1 bytes of s[0..len) into out, never cutting a
 * UTF-8 sequence, and NUL-terminates it. */
static void
copy_utf8(char *out, size_t n, const char *s, size_t len)
{
	if (n == 0)
		return;
	if (len > n - 1) {
		len = n - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	memmove(out, s, len);
	out[len] = '\0';
}

/* Drops a last character cut short (snprintf cuts bytes, not
 * characters). */
static void
whole_chars(char *s)
{
	size_t n = strlen(s), k = n, want;
	unsigned char c;

	while (k > 0 && n - k < 4 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
		k--;
	if (k == 0)
		return;
	c = (unsigned char)s[k - 1];
	if (c < 0x80)
		return;
	want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (n - (k - 1) < want)
		s[k - 1] = '\0';
}

/* Trims blanks at both ends of s[0..*plen); returns the new start. */
static const char *
trim(const char *s, size_t *plen)
{
	size_t n = *plen;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	*plen = n;
	return s;
}

/* Strips what OCR puts around a heading: punctuation, rules ("|"),
 * quotation marks (“ ” ‘ ’ « »). */
static const char *
tidy(const char *s, size_t *plen)
{
	static const char *const quotes[] = {
		"\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x98",
		"\xe2\x80\x99", "\xc2\xab", "\xc2\xbb",
	};
	size_t n = *plen, i, k;
	int again = 1;

	while (again && n > 0) {
		again = 0;
		s = trim(s, &n);
		if (n > 0 && ispunct((unsigned char)s[0]))
			s++, n--, again = 1;
		else if (n > 0 && ispunct((unsigned char)s[n - 1]) &&
			 s[n - 1] != ')')
			n--, again = 1;
		for (i = 0; !again && i < sizeof(quotes) / sizeof(quotes[0]);
		     i++) {
			k = strlen(quotes[i]);
			if (n >= k && memcmp(s, quotes[i], k) == 0)
				s += k, n -= k, again = 1;
			else if (n >= k && memcmp(s + n - k, quotes[i], k) == 0)
				n -= k, again = 1;
		}
	}
	*plen = n;
	return s;
}

/* "Subject: ...", "Re: ...", "主题：...", "事由：...": the rest. */
static int
subject_line(const char *s, size_t n, char *out, size_t outlen)
{
	static const char *const labels[] = {
		"subject:", "subject -", "re:", "concerning:",
		"\xe4\xb8\xbb\xe9\xa2\x98\xef\xbc\x9a", /* 主题： */
		"\xe4\xb8\xbb\xe9\xa2\x98:", /* 主题: */
		"\xe4\xba\x8b\xe7\x94\xb1\xef\xbc\x9a", /* 事由： */
	};
	size_t i, k;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		k = strlen(labels[i]);
		if (n > k && strncasecmp(s, labels[i], k) == 0) {
			const char *v = s + k;
			size_t vn = n - k;

			v = tidy(v, &vn);
			if (vn < 3)
				return 0;
			copy_utf8(out, outlen, v, vn);
			return 1;
		}
	}
	return 0;
}

/* A line in capitals ("ACCOUNT OPENING FORM"), given in sentence case. */
static int
caps_line(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i, letters = 0, other = 0, words = 0;
	int inword = 0;

	s = tidy(s, &n);
	if (n > 80)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isdigit(c) || islower(c))
			return 0;
		if (isupper(c))
			letters++;
		else if (!isspace(c))
			other++;
		if (!isspace(c) && !inword)
			words++;
		inword = !isspace(c);
	}
	if (letters < 5 || words > 8 || letters * 10 < (letters + other) * 7)
		return 0;
	copy_utf8(out, outlen, s, n);
	for (i = 1; out[i] != '\0'; i++)
		if (isupper((unsigned char)out[i]))
			out[i] = (char)tolower((unsigned char)out[i]);
	return 1;
}

/* A Chinese title line: 3 to 20 CJK characters (OCR's blanks between
 * them dropped) ending in a word that names a document. */
static int
cjk_line(const char *s, size_t n, char *out, size_t outlen)
{
	static const char *const ends[] = {
		"\xe5\x90\x88\xe5\x90\x8c", /* 合同 */
		"\xe5\x8d\x8f\xe8\xae\xae", /* 协议 */
		"\xe8\xa1\xa8",             /* 表 */
		"\xe4\xb9\xa6",             /* 书 */
		"\xe5\x87\xbd",             /* 函 */
		"\xe5\x8d\x95",             /* 单 */
		"\xe9\x80\x9a\xe7\x9f\xa5", /* 通知 */
		"\xe8\xaf\x81\xe6\x98\x8e", /* 证明 */
		"\xe6\x8a\xa5\xe5\x91\x8a", /* 报告 */
		"\xe5\x8f\x91\xe7\xa5\xa8", /* 发票 */
		"\xe5\xa3\xb0\xe6\x98\x8e", /* 声明 */
	};
	char buf[HEADING_MAX + 4];
	size_t i, k = 0, chars = 0, e;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t')
			continue;
		/* U+4E00..U+9FFF: E4 B8 80 .. E9 BF BF */
		if (c < 0xe4 || c > 0xe9 || i + 2 >= n ||
		    ((unsigned char)s[i + 1] & 0xc0) != 0x80 ||
		    ((unsigned char)s[i + 2] & 0xc0) != 0x80 ||
		    k + 3 >= sizeof(buf))
			return 0;
		memcpy(buf + k, s + i, 3);
		k += 3;
		i += 2;
		chars++;
	}
	if (chars < 3 || chars > 20)
		return 0;
	buf[k] = '\0';
	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		e = strlen(ends[i]);
		if (k >= e && memcmp(buf + k - e, ends[i], e) == 0) {
			copy_utf8(out, outlen, buf, k);
			return 1;
		}
	}
	return 0;
}

/* The first heading of a page's text: a subject line wins, then a line
 * in capitals or a Chinese title line, whichever comes first. */
static int
heading(const char *text, char *out, size_t outlen)
{
	const char *p, *s;
	size_t n;
	int pass, line;

	for (pass = 0; pass < 2; pass++) {
		for (p = text, line = 0; p != NULL && *p != '\0' &&
					 line < HEADING_LINES; line++) {
			n = strcspn(p, "\n");
			s = trim(p, &n);
			if (n > 0 &&
			    (pass == 0 ? subject_line(s, n, out, outlen)
				       : caps_line(s, n, out, outlen) ||
						 cjk_line(s, n, out, outlen)))
				return 1;
			p += strcspn(p, "\n");
			if (*p == '\n')
				p++;
		}
	}
	return 0;
}

void
ing_title_make(const char *text, const char *doc_type, const char *date,
	       char *out, size_t n)
{
	char head[HEADING_MAX + 1];
	size_t i;

	if (n == 0)
		return;
	if (doc_type != NULL && *doc_type != '\0') {
		/* loan_contract: "Loan contract"; id_copy: "ID copy". */
		snprintf(head, sizeof(head), "%s", doc_type);
		for (i = 0; head[i] != '\0'; i++)
			if (head[i] == '_')
				head[i] = ' ';
		if (strncmp(head, "id ", 3) == 0 || strcmp(head, "id") == 0)
			head[1] = 'D';
		head[0] = (char)toupper((unsigned char)head[0]);
	} else if (text == NULL || !heading(text, head, sizeof(head)))
		head[0] = '\0';
	if (head[0] != '\0' && date != NULL)
		snprintf(out, n, "%s, %s", head, date);
	else if (head[0] != '\0')
		snprintf(out, n, "%s", head);
	else if (date != NULL)
		snprintf(out, n, "Document dated %s", date);
	else
		snprintf(out, n, "Scanned document");
	/* snprintf may have cut a heading mid-character. */
	whole_chars(out);
}

void
ing_date_note(const char *text, size_t off, size_t len, int page, char *out,
	      size_t n)
{
	const char *ls = text + off, *le = text + off + len, *s;
	char quote[96];
	size_t k;

	while (ls > text && ls[-1] != '\n' && text + off - ls < 40)
		ls--;
	while (*le != '\0' && *le != '\n' && le - (text + off + len) < 20)
		le++;
	/* Never start or end inside a UTF-8 sequence. */
	while (ls < text + off && ((unsigned char)*ls & 0xc0) == 0x80)
		ls++;
	while (le > text + off + len && ((unsigned char)*le & 0xc0) == 0x80)
		le--;
	k = (size_t)(le - ls);
	s = trim(ls, &k);
	copy_utf8(quote, sizeof(quote), s, k);
	snprintf(out, n, "read on page %d: \"%s\"", page, quote);
	whole_chars(out);
}

/*
 * Whether w is an amount (2,561.50, 303,90, 1.107,00: digits, maybe
 * grouped, and two decimals; OCR's stray marks around it ignored) or an
 * account number (the account pattern).  Dates, phone and reference
 * numbers read unsurely are marked in the viewer but file as they are.
 */
static int
figure(const char *w, const regex_t *account_re)
{
	const char *b = w, *e = w + strlen(w), *p;
	size_t digits = 0;

	if (account_re != NULL && regexec(account_re, w, 0, NULL, 0) == 0)
		return 1;
	while (b < e && !isdigit((unsigned char)*b))
		b++;
	while (e > b && !isdigit((unsigned char)e[-1]))
		e--;
	/* ...[.,]DD at the end, digits and separators before. */
	if (e - b < 4 || (e[-3] != '.' && e[-3] != ',') ||
	    !isdigit((unsigned char)e[-2]))
		return 0;
	for (p = b; p < e; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p != ',' && *p != '.' && *p != '\'' && *p != ' ')
			return 0;
	}
	return digits >= 3;
}

/* w's digits, in order, into out. */
static void
digits_of(const char *w, char *out, size_t n)
{
	size_t k = 0;

	for (; *w != '\0' && k + 1 < n; w++)
		if (isdigit((unsigned char)*w))
			out[k++] = *w;
	out[k] = '\0';
}

/* Whether the digits of w stand in a barcode read on page p. */
static int
in_barcode(const struct ing_page *p, const char *w)
{
	char dw[64], db[128];
	size_t i;

	digits_of(w, dw, sizeof(dw));
	for (i = 0; i < p->nbarcodes; i++) {
		digits_of(p->barcodes[i].value, db, sizeof(db));
		if (dw[0] != '\0' && strstr(db, dw) != NULL)
			return 1;
	}
	return 0;
}

/* Whether the document holds w read surely somewhere. */
static int
read_surely(const struct ing_page *pages, const int *idx, int n,
	    const char *w)
{
	size_t j;
	int k;

	for (k = 0; k < n; k++) {
		const struct ing_page *p = &pages[idx[k]];

		for (j = 0; j < p->nwords; j++)
			if (p->words[j].conf >= ARC_WORD_UNSURE &&
			    strcmp(p->words[j].text, w) == 0)
				return 1;
	}
	return 0;
}

int
ing_unsure_figures(const struct ing_page *pages, const int *idx, int n,
		   const regex_t *account_re, char *why, size_t whylen)
{
	char item[128], w[64];
	size_t j, used = 0;
	int k, found = 0;

	why[0] = '\0';
	for (k = 0; k < n; k++) {
		const struct ing_page *p = &pages[idx[k]];

		if (p->blank)
			continue;
		for (j = 0; j < p->nwords; j++) {
			const struct arc_word *aw = &p->words[j];

			if (aw->conf >= ARC_WORD_UNSURE ||
			    !figure(aw->text, account_re) ||
			    in_barcode(p, aw->text) ||
			    read_surely(pages, idx, n, aw->text))
				continue;
			copy_utf8(w, sizeof(w), aw->text, strlen(aw->text));
			snprintf(item, sizeof(item), "%s%s (%d%%, page %d)",
				 found == 0 ? "figures read with low "
					      "confidence: "
					    : ", ",
				 w, (int)(aw->conf + 0.5f), k + 1);
			found++;
			if (found <= 3 && used + strlen(item) < whylen) {
				memcpy(why + used, item, strlen(item) + 1);
				used += strlen(item);
			}
		}
	}
	if (found > 3 && used + 16 < whylen)
		snprintf(why + used, whylen - used, " and %d more",
			 found - 3);
	return found > 0;
}
