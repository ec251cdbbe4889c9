/*
 * pdf.c: PDF scans through poppler-glib (GPL-2.0+): each page rendered at
 * 300 dpi (lower, down to 150 dpi, for oversized pages) into an 8-bpp page.
 * Before anything is decoded, every image dictionary's /Width and /Height
 * in the file and every page's size are checked against the pixel limit, so
 * a decompression bomb (a 35000x35000 image in 11 KB) is refused unread.
 * Exports ing_pdf_open, ing_pdf_close, ing_pdf_page.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <poppler.h>

#include "internal.h"

#define SCAN_BACK (16u << 10)    /* from "/Subtype /Image" to its "<<" */
#define SCAN_DICT (64u << 10)    /* an image dictionary's length */
#define SCAN_MAX_IMAGES 100000   /* image dictionaries checked in a file */
#define SCAN_MAX_NUMS (1u << 20) /* "N G obj NUMBER" objects indexed */

/* What the image dictionaries of a file declare. */
struct scan {
	const unsigned char *d, *end;
	double w, h;    /* the largest image (by pixels) */
	int unknown;    /* an image whose size cannot be read here */
	int nimages;
	struct numobj *nums; /* "N G obj NUMBER endobj", sorted; lazily */
	size_t nnums;
	int indexed;
};

struct numobj {
	long long num;
	long long gen;
	double v;
};

enum tok_type { T_END, T_NAME, T_NUM, T_WORD, T_DOPEN, T_DCLOSE, T_OTHER };

struct tok {
	enum tok_type type;
	char text[64]; /* a name (escapes resolved, no '/') or a word */
	double num;
	int integer;
};

static int
is_space(int c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' ||
	       c == ' ';
}

static int
is_delim(int c)
{
	return is_space(c) || strchr("()<>[]{}/%", c) != NULL;
}

static int
hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/*
 * Reads one PDF token at p; returns where the next one starts.  Names
 * have their #xx escapes resolved ("/Im#61ge" is /Image); strings and
 * comments are skipped whole.
 */
static const unsigned char *
next_tok(const unsigned char *p, const unsigned char *end, struct tok *t)
{
	size_t k = 0;
	int depth;

	t->type = T_END;
	t->text[0] = '\0';
	for (;;) {
		while (p < end && is_space(*p))
			p++;
		if (p < end && *p == '%') {
			while (p < end && *p != '\n' && *p != '\r')
				p++;
			continue;
		}
		break;
	}
	if (p >= end)
		return end;
	if (*p == '/') {
		for (p++; p < end && !is_delim(*p); p++) {
			int c = *p;

			if (c == '#' && end - p > 2 && isxdigit(p[1]) &&
			    isxdigit(p[2])) {
				c = hexval(p[1]) * 16 + hexval(p[2]);
				p += 2;
			}
			if (k + 1 < sizeof(t->text))
				t->text[k++] = (char)c;
		}
		t->text[k] = '\0';
		t->type = T_NAME;
		return p;
	}
	if (*p == '<' && end - p > 1 && p[1] == '<') {
		t->type = T_DOPEN;
		return p + 2;
	}
	if (*p == '>' && end - p > 1 && p[1] == '>') {
		t->type = T_DCLOSE;
		return p + 2;
	}
	t->type = T_OTHER;
	if (*p == '<') {
		while (p < end && *p != '>')
			p++;
		return p < end ? p + 1 : end;
	}
	if (*p == '(') {
		for (depth = 0; p < end; p++) {
			if (*p == '\\')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0)
				return p + 1;
		}
		return end;
	}
	if (is_delim(*p))
		return p + 1;
	for (; p < end && !is_delim(*p); p++)
		if (k + 1 < sizeof(t->text))
			t->text[k++] = (char)*p;
	t->text[k] = '\0';
	if (strspn(t->text, "+-.0123456789") == k && k < sizeof(t->text) - 1 &&
	    strpbrk(t->text, "0123456789") != NULL) {
		t->type = T_NUM;
		t->num = strtod(t->text, NULL);
		t->integer = strchr(t->text, '.') == NULL;
	} else
		t->type = T_WORD;
	return p;
}

static int
numobj_cmp(const void *a, const void *b)
{
	const struct numobj *x = a, *y = b;

	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	if (x->gen != y->gen)
		return x->gen < y->gen ? -1 : 1;
	return x->v < y->v ? -1 : x->v > y->v;
}

/* Indexes every "N G obj NUMBER" in the file (once). */
static void
index_numbers(struct scan *sc)
{
	const unsigned char *p = sc->d, *q;
	struct tok t[3];
	size_t cap = 0;
	struct numobj *nn;

	sc->indexed = 1;
	while ((p = memmem(p, (size_t)(sc->end - p), "obj", 3)) != NULL) {
		q = p;
		p += 3;
		if (q == sc->d || !is_space(q[-1]) ||
		    (p < sc->end && !is_delim(*p)))
			continue;
		/* Back over "N G " (digits and spaces only). */
		while (q > sc->d && is_space(q[-1]))
			q--;
		while (q > sc->d && isdigit(q[-1]))
			q--;
		while (q > sc->d && is_space(q[-1]))
			q--;
		while (q > sc->d && isdigit(q[-1]))
			q--;
		next_tok(next_tok(next_tok(q, p, &t[0]), p, &t[1]), p, &t[2]);
		if (t[0].type != T_NUM || !t[0].integer || t[1].type != T_NUM ||
		    !t[1].integer || strcmp(t[2].text, "obj") != 0)
			continue;
		next_tok(p, sc->end, &t[2]);
		if (t[2].type != T_NUM)
			continue;
		if (sc->nnums == SCAN_MAX_NUMS) {
			sc->unknown = 1;
			break;
		}
		if (sc->nnums == cap) {
			cap = cap ? cap * 2 : 256;
			nn = realloc(sc->nums, cap * sizeof(*nn));
			if (nn == NULL) {
				sc->unknown = 1;
				break;
			}
			sc->nums = nn;
		}
		sc->nums[sc->nnums].num = (long long)t[0].num;
		sc->nums[sc->nnums].gen = (long long)t[1].num;
		sc->nums[sc->nnums].v = t[2].num;
		sc->nnums++;
	}
	if (sc->nums != NULL)
		qsort(sc->nums, sc->nnums, sizeof(*sc->nums), numobj_cmp);
}

/*
 * The number object num gen holds: the largest of its definitions (a
 * file updated in place may define it twice); -1 when it is not a plain
 * number in this file (e.g. inside a compressed object stream).
 */
static double
lookup_number(struct scan *sc, double num, double gen)
{
	size_t lo = 0, hi, mid;
	double v = -1;

	if (!sc->indexed)
		index_numbers(sc);
	hi = sc->nnums;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sc->nums[mid].num < (long long)num ||
		    (sc->nums[mid].num == (long long)num &&
		     sc->nums[mid].gen < (long long)gen))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < sc->nnums && sc->nums[lo].num == (long long)num &&
	       sc->nums[lo].gen == (long long)gen;
	     lo++)
		v = sc->nums[lo].v; /* sorted: the last is the largest */
	return v;
}

/*
 * Reads the image dictionary at dict ("<<"), which must hold pos (its
 * /Subtype): its top-level /Width and /Height, direct or by reference.
 */
static void
image_dict(struct scan *sc, const unsigned char *dict,
	   const unsigned char *pos)
{
	const unsigned char *p = dict, *lim;
	const unsigned char *end = sc->end;
	struct tok t, a, b;
	double dim[2] = {-1, -1}, v;
	int depth = 0, which;

	lim = (size_t)(end - dict) > SCAN_DICT ? dict + SCAN_DICT : end;
	for (;;) {
		p = next_tok(p, lim, &t);
		if (t.type == T_END) {
			sc->unknown = 1; /* no end in sight */
			return;
		}
		if (t.type == T_DOPEN)
			depth++;
		else if (t.type == T_DCLOSE && --depth == 0)
			break;
		if (depth != 1 || t.type != T_NAME)
			continue;
		which = strcmp(t.text, "Width") == 0    ? 0
			: strcmp(t.text, "Height") == 0 ? 1
							: -1;
		if (which < 0)
			continue;
		p = next_tok(p, lim, &t);
		if (t.type != T_NUM)
			continue; /* e.g. a name value; not a size */
		v = t.num;
		/* "N G R": the size is object N's. */
		next_tok(next_tok(p, lim, &a), lim, &b);
		if (a.type == T_NUM && b.type == T_WORD &&
		    strcmp(b.text, "R") == 0) {
			v = lookup_number(sc, t.num, a.num);
			if (v < 0) {
				sc->unknown = 1;
				return;
			}
		}
		if (v > dim[which])
			dim[which] = v;
	}
	if (p <= pos || dim[0] <= 0 || dim[1] <= 0) {
		/* Not the dictionary holding this /Subtype, or no size: what
		 * poppler would make of it cannot be told here. */
		sc->unknown = 1;
		return;
	}
	if (dim[0] * dim[1] > sc->w * sc->h) {
		sc->w = dim[0];
		sc->h = dim[1];
	}
}

/*
 * Finds the largest image declared in the file's image dictionaries
 * ("/Subtype /Image", however the names are escaped), reading each
 * dictionary's /Width and /Height, following references to numbers.
 */
static void
declared_images(struct scan *sc)
{
	const unsigned char *p = sc->d, *name, *q, *stop;
	struct tok t;
	int depth;

	while ((p = memchr(p, '/', (size_t)(sc->end - p))) != NULL) {
		name = p;
		p = next_tok(p, sc->end, &t);
		if (strcmp(t.text, "Subtype") != 0)
			continue;
		q = next_tok(p, sc->end, &t);
		if (t.type != T_NAME || strcmp(t.text, "Image") != 0)
			continue;
		if (++sc->nimages > SCAN_MAX_IMAGES) {
			sc->unknown = 1;
			return;
		}
		/* Back to the "<<" that opens this dictionary. */
		stop = (size_t)(name - sc->d) > SCAN_BACK ? name - SCAN_BACK
							  : sc->d;
		for (q = name, depth = 0; q - 1 > stop; q--) {
			if (q[-1] == '>' && q[-2] == '>') {
				depth++;
				q--;
			} else if (q[-1] == '<' && q[-2] == '<') {
				if (depth-- == 0)
					break;
				q--;
			}
		}
		if (q - 1 <= stop) {
			sc->unknown = 1;
			continue;
		}
		image_dict(sc, q - 2, name);
	}
}

enum dos_err
ing_pdf_open(struct ing_source *src, char *msg, size_t msglen)
{
	GBytes *bytes;
	GError *gerr = NULL;
	PopplerDocument *doc;
	struct scan sc;

	memset(&sc, 0, sizeof(sc));
	sc.d = src->data;
	sc.end = src->data + src->len;
	declared_images(&sc);
	free(sc.nums);
	if (sc.unknown) {
		snprintf(msg, msglen,
			 "PDF holds an image whose size cannot be checked "
			 "before decoding (given indirectly, or in a damaged "
			 "dictionary): refused");
		return DOS_LIMIT;
	}
	if (sc.w * sc.h > (double)src->max_pixels) {
		snprintf(msg, msglen,
			 "PDF holds a %.0fx%.0f image (%.0f megapixels), over "
			 "the limit of %.0f megapixels: refused before "
			 "decoding",
			 sc.w, sc.h, sc.w * sc.h / 1e6, src->max_pixels / 1e6);
		return DOS_LIMIT;
	}
	bytes = g_bytes_new_static(src->data, src->len);
	doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	g_bytes_unref(bytes);
	if (doc == NULL) {
		snprintf(msg, msglen, "PDF is damaged or truncated (%s)",
			 gerr != NULL ? gerr->message : "unreadable");
		if (gerr != NULL)
			g_error_free(gerr);
		return DOS_FORMAT;
	}
	src->npages = poppler_document_get_n_pages(doc);
	if (src->npages < 1) {
		g_object_unref(doc);
		snprintf(msg, msglen, "PDF has no pages");
		return DOS_FORMAT;
	}
	src->pdf = doc;
	return DOS_OK;
}

void
ing_pdf_close(struct ing_source *src)
{
	if (src->pdf != NULL)
		g_object_unref(src->pdf);
	src->pdf = NULL;
}

/* Copies a cairo RGB24 surface into an 8-bpp gray Pix. */
static PIX *
surface_to_gray(cairo_surface_t *s)
{
	int w = cairo_image_surface_get_width(s);
	int h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	const unsigned char *data = cairo_image_surface_get_data(s);
	PIX *pix = pixCreate(w, h, 8);
	l_uint32 *line;
	const uint32_t *px;
	uint32_t v;
	int x, y;

	if (pix == NULL)
		return NULL;
	for (y = 0; y < h; y++) {
		px = (const uint32_t *)(const void *)(data + (size_t)y * stride);
		line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
		for (x = 0; x < w; x++) {
			v = px[x];
			SET_DATA_BYTE(line, x,
				      (((v >> 16) & 0xff) * 77 +
				       ((v >> 8) & 0xff) * 151 +
				       (v & 0xff) * 28) >> 8);
		}
	}
	return pix;
}

enum dos_err
ing_pdf_page(const struct ing_source *src, int n, PIX **ppix, char *msg,
	     size_t msglen)
{
	PopplerPage *page = NULL;
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	double wpt = 0, hpt = 0, dpi = ING_PDF_DPI, px;
	int w, h;
	enum dos_err err = DOS_OK;

	*ppix = NULL;
	if ((page = poppler_document_get_page(src->pdf, n)) == NULL) {
		snprintf(msg, msglen, "page %d: cannot be read", n + 1);
		return DOS_FORMAT;
	}
	poppler_page_get_size(page, &wpt, &hpt);
	if (!(wpt > 0 && hpt > 0 && wpt < 1e6 && hpt < 1e6)) {
		snprintf(msg, msglen, "page %d: invalid page size", n + 1);
		err = DOS_FORMAT;
		goto out;
	}
	/* In whole pixels, as rendered: a page just under the limit in
	 * points can be just over it once rounded up. */
	px = ceil(wpt * dpi / 72.0) * ceil(hpt * dpi / 72.0);
	if (px > (double)src->max_pixels) {
		/* Downscale an oversized page, but not below a readable dpi. */
		dpi = floor(dpi * sqrt((double)src->max_pixels / px));
		while (dpi >= ING_PDF_MIN_DPI &&
		       ceil(wpt * dpi / 72.0) * ceil(hpt * dpi / 72.0) >
			       (double)src->max_pixels)
			dpi--;
		if (dpi < ING_PDF_MIN_DPI) {
			snprintf(msg, msglen,
				 "page %d is %.0fx%.0f inches: even at %d dpi "
				 "it is over the limit of %.0f megapixels",
				 n + 1, wpt / 72, hpt / 72, ING_PDF_MIN_DPI,
				 src->max_pixels / 1e6);
			err = DOS_LIMIT;
			goto out;
		}
	}
	w = (int)ceil(wpt * dpi / 72.0);
	h = (int)ceil(hpt * dpi / 72.0);
	surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		err = DOS_NOMEM;
		goto out;
	}
	cr = cairo_create(surf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, dpi / 72.0, dpi / 72.0);
	poppler_page_render_for_printing(page, cr);
	cairo_surface_flush(surf);
	if ((*ppix = surface_to_gray(surf)) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	pixSetResolution(*ppix, (l_int32)dpi, (l_int32)dpi);
out:
	if (cr != NULL)
		cairo_destroy(cr);
	if (surf != NULL)
		cairo_surface_destroy(surf);
	if (page != NULL)
		g_object_unref(page);
	return err;
}
