/*
 * quality.c: the quality gate: how much of a page's text-like ink OCR
 * turned into words, and where it did not.
 *
 * Text-like ink: connected components (on the binary page OCR read, at
 * about 150 dpi) from 1.2 to 16 mm tall, at most 30 mm wide, that are not
 * rules (eight times longer than thick), not barcode bars (tall and thin),
 * do not touch the page's edge and lie outside the barcodes read.  A
 * component is read when its centre falls in the box of a word with a
 * letter or digit that OCR gave at least ING_QUALITY_MIN_CONF.  Unread
 * components close to each other are joined into regions (a brick about
 * two letters wide); a region of at least three components, or of one
 * large letter, is reported.  The read share is read components over all.
 *
 * Exports ing_quality_check, ing_quality_clear.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MIN_H_MM 1.2
#define MAX_H_MM 16.0
#define MAX_W_MM 30.0
#define BIG_H_MM 4.0

/* Whether a word's text holds a letter or digit (not only punctuation). */
static int
has_alnum(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80 || (*s >= '0' && *s <= '9') ||
		    ((*s | 32) >= 'a' && (*s | 32) <= 'z'))
			return 1;
	return 0;
}

void
ing_quality_clear(struct ing_quality *q)
{
	boxaDestroy(&q->unread);
}

enum dos_err
ing_quality_check(PIX *bin, int dpi, const struct arc_word *words,
		  size_t nwords, BOXA *exclude, struct ing_quality *q)
{
	PIX *work = NULL, *readm = NULL, *excl = NULL, *un = NULL,
	    *grown = NULL;
	BOXA *comps = NULL, *regions = NULL;
	NUMA *count = NULL, *big = NULL;
	double s, mm;
	l_int32 n, i, x, y, bw, bh, w, h;
	size_t k;
	enum dos_err err = DOS_NOMEM;

	memset(q, 0, sizeof(*q));
	q->read_share = 1.0;
	if (pixGetDepth(bin) != 1)
		return DOS_INVAL;
	/* About 150 dpi: components are found four times faster. */
	if (dpi >= 250) {
		work = pixReduceRankBinary2(bin, 1, NULL);
		s = 0.5;
	} else {
		work = pixClone(bin);
		s = 1.0;
	}
	if (work == NULL)
		goto out;
	w = pixGetWidth(work);
	h = pixGetHeight(work);
	mm = dpi * s / 25.4;
	if ((readm = pixCreate(w, h, 1)) == NULL ||
	    (excl = pixCreate(w, h, 1)) == NULL ||
	    (un = pixCreate(w, h, 1)) == NULL)
		goto out;
	for (k = 0; k < nwords; k++) {
		const struct arc_word *wd = &words[k];
		int m = (int)(wd->h * s * 0.15) + 1;

		if (wd->conf < ING_QUALITY_MIN_CONF || !has_alnum(wd->text))
			continue;
		pixRasterop(readm, (int)(wd->x * s) - m, (int)(wd->y * s) - m,
			    (int)(wd->w * s) + 2 * m, (int)(wd->h * s) + 2 * m,
			    PIX_SET, NULL, 0, 0);
	}
	for (i = 0; exclude != NULL && i < boxaGetCount(exclude); i++) {
		boxaGetBoxGeometry(exclude, i, &x, &y, &bw, &bh);
		pixRasterop(excl, (int)(x * s), (int)(y * s), (int)(bw * s) + 1,
			    (int)(bh * s) + 1, PIX_SET, NULL, 0, 0);
	}
	if ((comps = pixConnCompBB(work, 8)) == NULL)
		goto out;
	n = boxaGetCount(comps);
	for (i = 0; i < n; i++) {
		l_uint32 v = 0;
		int cx, cy;

		boxaGetBoxGeometry(comps, i, &x, &y, &bw, &bh);
		if (bh < MIN_H_MM * mm || bh > MAX_H_MM * mm ||
		    bw > MAX_W_MM * mm || bw > 8 * bh ||
		    (bh > 6 * mm && bw * 6 < bh) || x <= 1 || y <= 1 ||
		    x + bw >= w - 1 || y + bh >= h - 1)
			continue;
		cx = x + bw / 2;
		cy = y + bh / 2;
		pixGetPixel(excl, cx, cy, &v);
		if (v)
			continue;
		q->ntext++;
		pixGetPixel(readm, cx, cy, &v);
		if (v) {
			q->nread++;
			continue;
		}
		q->nunread_big += bh >= BIG_H_MM * mm;
		pixRasterop(un, x, y, bw, bh, PIX_SET, NULL, 0, 0);
	}
	if (q->ntext > 0)
		q->read_share = (double)q->nread / q->ntext;
	if (q->nread == q->ntext) {
		q->unread = boxaCreate(0);
		err = q->unread != NULL ? DOS_OK : DOS_NOMEM;
		goto out;
	}
	/* Unread letters two letters apart join into one region. */
	if ((grown = pixDilateBrick(NULL, un, (int)(4 * mm) | 1,
				    (int)(1.5 * mm) | 1)) == NULL ||
	    (regions = pixConnCompBB(grown, 8)) == NULL ||
	    (q->unread = boxaCreate(0)) == NULL)
		goto out;
	count = numaMakeConstant(0, boxaGetCount(regions));
	big = numaMakeConstant(0, boxaGetCount(regions));
	if (count == NULL || big == NULL)
		goto out;
	{
		BOXA *uc = pixConnCompBB(un, 8);
		l_int32 j, nr = boxaGetCount(regions);

		for (i = 0; uc != NULL && i < boxaGetCount(uc); i++) {
			boxaGetBoxGeometry(uc, i, &x, &y, &bw, &bh);
			for (j = 0; j < nr; j++) {
				l_int32 rx, ry, rw, rh;

				boxaGetBoxGeometry(regions, j, &rx, &ry, &rw,
						   &rh);
				if (x + bw / 2 >= rx && x + bw / 2 < rx + rw &&
				    y + bh / 2 >= ry && y + bh / 2 < ry + rh) {
					numaShiftValue(count, j, 1);
					if (bh >= BIG_H_MM * mm)
						numaShiftValue(big, j, 1);
					break;
				}
			}
		}
		boxaDestroy(&uc);
	}
	for (i = 0; i < boxaGetCount(regions); i++) {
		l_int32 c = 0, b = 0;
		l_int32 gx = (int)(2 * mm), gy = (int)(0.75 * mm);

		numaGetIValue(count, i, &c);
		numaGetIValue(big, i, &b);
		if (c < 3 && b < 1)
			continue;
		/* Undo the dilation's growth and the reduction. */
		boxaGetBoxGeometry(regions, i, &x, &y, &bw, &bh);
		x += gx;
		y += gy;
		bw -= 2 * gx;
		bh -= 2 * gy;
		if (bw < 1 || bh < 1)
			continue;
		boxaAddBox(q->unread,
			   boxCreate((int)(x / s), (int)(y / s), (int)(bw / s),
				     (int)(bh / s)),
			   L_INSERT);
	}
	err = DOS_OK;
out:
	if (err != DOS_OK)
		boxaDestroy(&q->unread);
	pixDestroy(&work);
	pixDestroy(&readm);
	pixDestroy(&excl);
	pixDestroy(&un);
	pixDestroy(&grown);
	boxaDestroy(&comps);
	boxaDestroy(&regions);
	numaDestroy(&count);
	numaDestroy(&big);
	return err;
}
