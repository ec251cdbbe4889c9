/*
 * read.c: recognises a scan's format and decodes its pages from memory,
 * checking each page's dimensions from its header before decoding it.
 * Exports ing_source_open, ing_source_page.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static int
is_tiff(l_int32 fmt)
{
	switch (fmt) {
	case IFF_TIFF:
	case IFF_TIFF_PACKBITS:
	case IFF_TIFF_RLE:
	case IFF_TIFF_G3:
	case IFF_TIFF_G4:
	case IFF_TIFF_LZW:
	case IFF_TIFF_ZIP:
	case IFF_TIFF_JPEG:
		return 1;
	default:
		return 0;
	}
}

void
ing_source_close(struct ing_source *src)
{
	ing_pdf_close(src);
}

enum dos_err
ing_source_open(struct ing_source *src, const unsigned char *data, size_t len,
		uint64_t max_pixels, char *msg, size_t msglen)
{
	l_int32 fmt = IFF_UNKNOWN, n = 0;
	FILE *fp;

	memset(src, 0, sizeof(*src));
	src->data = data;
	src->len = len;
	src->max_pixels = max_pixels;
	if (len < 8) {
		snprintf(msg, msglen, "file is empty or too short to be a scan");
		return DOS_FORMAT;
	}
	if (memcmp(data, "%PDF", 4) == 0) {
		src->format = "pdf";
		return ing_pdf_open(src, msg, msglen);
	}
	if (findFileFormatBuffer(data, &fmt) != 0)
		fmt = IFF_UNKNOWN;
	if (is_tiff(fmt)) {
		src->format = "tiff";
		if ((fp = fopenReadFromMemory(data, len)) == NULL) {
			snprintf(msg, msglen, "cannot read TIFF");
			return DOS_FORMAT;
		}
		if (tiffGetCount(fp, &n) != 0 || n < 1) {
			fclose(fp);
			snprintf(msg, msglen, "TIFF has no readable pages");
			return DOS_FORMAT;
		}
		fclose(fp);
		src->npages = n;
		return DOS_OK;
	}
	if (fmt == IFF_PNG) {
		src->format = "png";
	} else if (fmt == IFF_JFIF_JPEG) {
		src->format = "jpeg";
	} else {
		snprintf(msg, msglen, "not a TIFF, PNG, JPEG or PDF scan");
		return DOS_FORMAT;
	}
	src->npages = 1;
	return DOS_OK;
}

enum dos_err
ing_source_page(const struct ing_source *src, int n, PIX **ppix, char *msg,
		size_t msglen)
{
	l_int32 w = 0, h = 0, bps = 0, spp = 0, res, cmap, fmt;
	uint64_t max_pixels = src->max_pixels;
	PIX *pix = NULL;
	int ok;

	*ppix = NULL;
	if (strcmp(src->format, "pdf") == 0)
		return ing_pdf_page(src, n, ppix, msg, msglen);
	if (strcmp(src->format, "tiff") == 0)
		ok = readHeaderMemTiff(src->data, src->len, n, &w, &h, &bps,
				       &spp, &res, &cmap, &fmt) == 0;
	else
		ok = pixReadHeaderMem(src->data, src->len, &fmt, &w, &h, &bps,
				      &spp, &cmap) == 0;
	if (!ok || w <= 0 || h <= 0) {
		snprintf(msg, msglen, "page %d: unreadable image header", n + 1);
		return DOS_FORMAT;
	}
	if ((uint64_t)w * (uint64_t)h > max_pixels) {
		snprintf(msg, msglen,
			 "page %d is %dx%d pixels (%.0f megapixels), over the "
			 "limit of %.0f megapixels; rescan at a lower "
			 "resolution",
			 n + 1, w, h, (double)w * h / 1e6, max_pixels / 1e6);
		return DOS_LIMIT;
	}
	if (strcmp(src->format, "tiff") == 0)
		pix = pixReadMemTiff(src->data, src->len, n);
	else
		pix = pixReadMem(src->data, src->len);
	if (pix == NULL) {
		snprintf(msg, msglen, "page %d: image data is damaged or "
				      "truncated", n + 1);
		return DOS_FORMAT;
	}
	if (pixGetWidth(pix) != w || pixGetHeight(pix) != h) {
		pixDestroy(&pix);
		snprintf(msg, msglen, "page %d: image size differs from its "
				      "header", n + 1);
		return DOS_FORMAT;
	}
	*ppix = pix;
	return DOS_OK;
}
