/*
 * tiffout.c: the original of a scanned stack: a multi-page TIFF built in
 * memory (libtiff over a capped buffer), each page the scanner's samples
 * untouched and losslessly compressed (CCITT G4 for lineart, Deflate for
 * gray and colour), tagged with the scanner, resolution, time and where
 * it belongs.  Exports ing_tiff_new, ing_tiff_page, ing_tiff_size,
 * ing_tiff_finish, ing_tiff_free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tiffio.h>

#include "internal.h"

struct ing_tiff {
	TIFF *tif;
	unsigned char *data;
	size_t len, cap, pos, max;
	int failed; /* a write failed: past max (over) or out of memory */
	int over;
	int pages;
};

static tmsize_t
mt_read(thandle_t h, void *buf, tmsize_t n)
{
	struct ing_tiff *t = h;
	size_t k;

	if (n <= 0 || t->pos >= t->len)
		return 0;
	k = t->len - t->pos < (size_t)n ? t->len - t->pos : (size_t)n;
	memcpy(buf, t->data + t->pos, k);
	t->pos += k;
	return (tmsize_t)k;
}

static tmsize_t
mt_write(thandle_t h, void *buf, tmsize_t n)
{
	struct ing_tiff *t = h;
	unsigned char *nd;
	size_t end, ncap;

	if (n < 0 || (size_t)n > t->max || t->pos > t->max - (size_t)n) {
		t->failed = t->over = 1;
		return -1;
	}
	end = t->pos + (size_t)n;
	if (end > t->cap) {
		ncap = t->cap ? t->cap : (size_t)1 << 20;
		while (ncap < end)
			ncap = ncap > t->max / 2 ? t->max : ncap * 2;
		if ((nd = realloc(t->data, ncap)) == NULL) {
			t->failed = 1;
			return -1;
		}
		t->data = nd;
		t->cap = ncap;
	}
	if (t->pos > t->len) /* a seek past the end leaves a hole */
		memset(t->data + t->len, 0, t->pos - t->len);
	memcpy(t->data + t->pos, buf, (size_t)n);
	t->pos = end;
	if (end > t->len)
		t->len = end;
	return n;
}

static toff_t
mt_seek(thandle_t h, toff_t off, int whence)
{
	struct ing_tiff *t = h;
	uint64_t base = whence == SEEK_CUR   ? t->pos
			: whence == SEEK_END ? t->len
					     : 0;

	/* off is unsigned: a negative offset arrives wrapped around. */
	base += off;
	if (base > t->max) {
		t->failed = t->over = 1;
		return (toff_t)-1;
	}
	t->pos = (size_t)base;
	return (toff_t)t->pos;
}

static int
mt_close(thandle_t h)
{
	(void)h;
	return 0;
}

static toff_t
mt_size(thandle_t h)
{
	return (toff_t)((struct ing_tiff *)h)->len;
}

static int
mt_map(thandle_t h, void **base, toff_t *size)
{
	(void)h;
	(void)base;
	(void)size;
	return 0;
}

static void
mt_unmap(thandle_t h, void *base, toff_t size)
{
	(void)h;
	(void)base;
	(void)size;
}

enum dos_err
ing_tiff_new(size_t max, struct ing_tiff **pt)
{
	struct ing_tiff *t;

	*pt = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return DOS_NOMEM;
	t->max = max;
	t->tif = TIFFClientOpen("scan", "w", (thandle_t)t, mt_read, mt_write,
				mt_seek, mt_close, mt_size, mt_map, mt_unmap);
	if (t->tif == NULL) {
		free(t);
		return DOS_NOMEM;
	}
	*pt = t;
	return DOS_OK;
}

void
ing_tiff_free(struct ing_tiff *t)
{
	if (t == NULL)
		return;
	if (t->tif != NULL)
		TIFFCleanup(t->tif); /* without writing anything more */
	free(t->data);
	free(t);
}

size_t
ing_tiff_size(const struct ing_tiff *t)
{
	return t->len;
}

enum dos_err
ing_tiff_page(struct ing_tiff *t, const struct ing_frame *fr, int dpi,
	      const struct ing_tiff_meta *m)
{
	TIFF *tif = t->tif;
	unsigned char *row = NULL;
	char when[24];
	time_t now = time(NULL);
	struct tm tm;
	int y, ok;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y:%m:%d %H:%M:%S", &tm) == 0)
		snprintf(when, sizeof(when), "1970:01:01 00:00:00");
	ok = TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE) &&
	     TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)fr->width) &&
	     TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)fr->lines) &&
	     TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (uint16_t)fr->depth) &&
	     TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL,
			  (uint16_t)fr->channels) &&
	     TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) &&
	     TIFFSetField(tif, TIFFTAG_PHOTOMETRIC,
			  fr->channels == 3 ? PHOTOMETRIC_RGB
			  : fr->depth == 1  ? PHOTOMETRIC_MINISWHITE
					    : PHOTOMETRIC_MINISBLACK) &&
	     TIFFSetField(tif, TIFFTAG_COMPRESSION,
			  fr->depth == 1 ? COMPRESSION_CCITTFAX4
					 : COMPRESSION_ADOBE_DEFLATE) &&
	     (fr->depth == 1 ||
	      TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL)) &&
	     TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP,
			  TIFFDefaultStripSize(tif, 0)) &&
	     TIFFSetField(tif, TIFFTAG_XRESOLUTION, (float)dpi) &&
	     TIFFSetField(tif, TIFFTAG_YRESOLUTION, (float)dpi) &&
	     TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH) &&
	     TIFFSetField(tif, TIFFTAG_PAGENUMBER, (uint16_t)t->pages,
			  (uint16_t)0) &&
	     TIFFSetField(tif, TIFFTAG_SOFTWARE, "dossier") &&
	     TIFFSetField(tif, TIFFTAG_DATETIME, when) &&
	     (m->make == NULL || m->make[0] == '\0' ||
	      TIFFSetField(tif, TIFFTAG_MAKE, m->make)) &&
	     (m->model == NULL || m->model[0] == '\0' ||
	      TIFFSetField(tif, TIFFTAG_MODEL, m->model)) &&
	     (m->description == NULL ||
	      TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, m->description));
	/* libtiff's predictor works in place: a copy of each row. */
	if (ok && (row = malloc(fr->bpl)) == NULL)
		return DOS_NOMEM;
	for (y = 0; ok && y < fr->lines; y++) {
		memcpy(row, fr->raw + (size_t)y * fr->bpl, fr->bpl);
		ok = TIFFWriteScanline(tif, row, (uint32_t)y, 0) == 1;
	}
	free(row);
	if (ok)
		ok = TIFFWriteDirectory(tif);
	if (!ok || t->failed)
		return t->over ? DOS_LIMIT : DOS_NOMEM;
	t->pages++;
	return DOS_OK;
}

enum dos_err
ing_tiff_finish(struct ing_tiff *t, unsigned char **pdata, size_t *plen)
{
	enum dos_err err = DOS_OK;

	*pdata = NULL;
	*plen = 0;
	TIFFClose(t->tif); /* writes what is pending, then mt_close */
	t->tif = NULL;
	if (t->failed || t->pages == 0)
		err = t->over ? DOS_LIMIT : t->failed ? DOS_NOMEM : DOS_INVAL;
	else {
		*pdata = t->data;
		*plen = t->len;
		t->data = NULL;
	}
	ing_tiff_free(t);
	return err;
}
