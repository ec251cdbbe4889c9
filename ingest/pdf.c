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

/* Reads the integer after key at p (direct objects only); -1 if none. */
static long long
dict_int(const unsigned char *p, const unsigned char *end, const char *key)
{
	size_t kl = strlen(key);
	long long v = 0;
	int digits = 0;

	/* Look within the rest of this dictionary (up to ">>"). */
	for (; p + kl < end; p++) {
		if (p[0] == '>' && p[1] == '>')
			return -1;
		if (memcmp(p, key, kl) != 0 || isalnum(p[kl]))
			continue;
		p += kl;
		while (p < end && isspace(*p))
			p++;
		while (p < end && isdigit(*p) && digits < 12) {
			v = v * 10 + (*p - '0');
			p++;
			digits++;
		}
		/* "/Width 12 0 R" is indirect: unknown here. */
		while (p < end && isspace(*p))
			p++;
		if (digits == 0 || (p < end && isdigit(*p)))
			return -1;
		return v;
	}
	return -1;
}

/* Finds the largest image declared in the file's image dictionaries. */
static void
largest_image(const unsigned char *d, size_t n, long long *pw, long long *ph)
{
	static const char key[] = "/Subtype";
	const unsigned char *p = d, *end = d + n, *dict;
	long long w, h;

	*pw = *ph = 0;
	while ((p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1)) !=
	       NULL) {
		p += sizeof(key) - 1;
		while (p < end && isspace(*p))
			p++;
		if ((size_t)(end - p) < 6 || memcmp(p, "/Image", 6) != 0)
			continue;
		/* Scan back to the start of this dictionary. */
		dict = p;
		while (dict > d && !(dict[-1] == '<' && dict > d + 1 &&
				     dict[-2] == '<'))
			dict--;
		w = dict_int(dict, end, "/Width");
		h = dict_int(dict, end, "/Height");
		if (w > 0 && h > 0 && (double)w * (double)h >
					      (double)*pw * (double)*ph) {
			*pw = w;
			*ph = h;
		}
	}
}

enum dos_err
ing_pdf_open(struct ing_source *src, char *msg, size_t msglen)
{
	GBytes *bytes;
	GError *gerr = NULL;
	PopplerDocument *doc;
	long long iw, ih;

	largest_image(src->data, src->len, &iw, &ih);
	if ((double)iw * (double)ih > (double)src->max_pixels) {
		snprintf(msg, msglen,
			 "PDF holds a %lldx%lld image (%.0f megapixels), over "
			 "the limit of %.0f megapixels: refused before "
			 "decoding",
			 iw, ih, (double)iw * ih / 1e6, src->max_pixels / 1e6);
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
	px = (wpt * dpi / 72.0) * (hpt * dpi / 72.0);
	if (px > (double)src->max_pixels) {
		/* Downscale an oversized page, but not below a readable dpi. */
		dpi = floor(dpi * sqrt((double)src->max_pixels / px));
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
