/*
 * binarize.c: the gray page Tesseract reads, chosen per page from what it
 * measures, so that shaded, faint and carbon-copy pages keep their text.
 *
 * Signals, from tiles of about a third of an inch on a half-size copy:
 * each tile's background (its 95th percentile gray) and its darkest ink
 * (2nd percentile).  The page's shading is the spread of tile backgrounds
 * (95th minus 5th percentile over tiles, after a 3 x 3 median that drops
 * tiles filled by a large letter); its contrast is the median, over tiles
 * holding ink, of background minus ink.
 *
 * A page with little shading, strong contrast and light paper is given to
 * Tesseract as it is (its global Otsu threshold does well there, and
 * nothing a clean page reads changes).  Any other page is normalised: each
 * pixel divided by the smoothed tile background (Leptonica's inverse
 * background map), which flattens shading and uneven light to white, then
 * stretched so that the median ink level becomes black.  Tesseract's own
 * threshold then separates text from paper everywhere on the page.
 *
 * Exports ing_binarize.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define BG_RANK 0.95
#define INK_RANK 0.02
#define SHADE_MAX 28      /* plain: tile backgrounds within this spread */
#define CONTRAST_MIN 120  /* plain: ink this much darker than paper */
#define PAPER_MIN 170     /* plain: paper at least this light */
#define INK_TILE_MIN 40   /* a tile holds ink: darkest this far below bg */
#define NORM_BG 220       /* background after normalisation */

/* Gray level at rank r of a 256-bin histogram of n pixels. */
static int
rank_of(const unsigned *hist, unsigned n, double r)
{
	unsigned want = (unsigned)(r * n), acc = 0;
	int v;

	for (v = 0; v < 256; v++) {
		acc += hist[v];
		if (acc > want)
			return v;
	}
	return 255;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

enum dos_err
ing_binarize(PIX *gray, int dpi, struct ing_binarized *pb)
{
	PIX *half = NULL, *map = NULL, *mapm = NULL, *inv = NULL,
	    *flat = NULL, *out = NULL;
	int *bg = NULL, *ink = NULL, *sorted = NULL, *con = NULL;
	int tw, tx, ty, nx, ny, w, h, x, y, i, ncon = 0, t;
	unsigned hist[256];
	double spread, contrast, paper, inklev;
	enum dos_err err = DOS_NOMEM;

	memset(pb, 0, sizeof(*pb));
	if (pixGetWidth(gray) < 64 || pixGetHeight(gray) < 64) {
		/* Too small to measure: read as it is. */
		pb->method = "plain";
		pb->ocr = pixClone(gray);
		return pb->ocr != NULL ? DOS_OK : DOS_NOMEM;
	}
	if ((half = pixScaleAreaMap2(gray)) == NULL)
		goto out;
	w = pixGetWidth(half);
	h = pixGetHeight(half);
	tw = dpi / 6; /* a third of an inch at half size */
	if (tw < 16)
		tw = 16;
	nx = (w + tw - 1) / tw;
	ny = (h + tw - 1) / tw;
	if (nx < 5 || ny < 5) {
		/* Too few tiles to tell shading from text: as it is. */
		pb->method = "plain";
		pb->ocr = pixClone(gray);
		err = pb->ocr != NULL ? DOS_OK : DOS_NOMEM;
		goto out;
	}
	bg = calloc((size_t)nx * ny, sizeof(*bg));
	ink = calloc((size_t)nx * ny, sizeof(*ink));
	sorted = calloc((size_t)nx * ny, sizeof(*sorted));
	con = calloc((size_t)nx * ny, sizeof(*con));
	if (bg == NULL || ink == NULL || sorted == NULL || con == NULL ||
	    (map = pixCreate(nx, ny, 8)) == NULL)
		goto out;
	for (ty = 0; ty < ny; ty++) {
		for (tx = 0; tx < nx; tx++) {
			unsigned n = 0;

			memset(hist, 0, sizeof(hist));
			for (y = ty * tw; y < (ty + 1) * tw && y < h; y++) {
				const l_uint32 *row =
					pixGetData(half) +
					(size_t)y * pixGetWpl(half);

				for (x = tx * tw; x < (tx + 1) * tw && x < w;
				     x++) {
					hist[GET_DATA_BYTE(row, x)]++;
					n++;
				}
			}
			i = ty * nx + tx;
			bg[i] = rank_of(hist, n, BG_RANK);
			ink[i] = rank_of(hist, n, INK_RANK);
			pixSetPixel(map, tx, ty, (l_uint32)bg[i]);
		}
	}
	/* A tile filled by a big letter is no background: 3 x 3 median. */
	if ((mapm = pixMedianFilter(map, 1, 1)) == NULL)
		goto out;
	for (i = 0; i < nx * ny; i++) {
		l_uint32 v;

		pixGetPixel(mapm, i % nx, i / nx, &v);
		sorted[i] = (int)v;
		if ((int)v - ink[i] >= INK_TILE_MIN)
			con[ncon++] = (int)v - ink[i];
	}
	qsort(sorted, (size_t)nx * ny, sizeof(*sorted), cmp_int);
	spread = sorted[(nx * ny) * 95 / 100] - sorted[(nx * ny) * 5 / 100];
	paper = sorted[(nx * ny) / 2];
	contrast = 255;
	if (ncon > 0) {
		qsort(con, (size_t)ncon, sizeof(*con), cmp_int);
		contrast = con[ncon / 2];
	}
	pb->shade = spread;
	pb->contrast = contrast;
	pb->paper = paper;
	if (spread <= SHADE_MAX && contrast >= CONTRAST_MIN &&
	    paper >= PAPER_MIN) {
		pb->method = "plain";
		pb->ocr = pixClone(gray);
		err = pb->ocr != NULL ? DOS_OK : DOS_NOMEM;
		goto out;
	}
	/* Flatten: every pixel over its smoothed tile background. */
	if ((inv = pixGetInvBackgroundMap(mapm, NORM_BG, 1, 1)) == NULL ||
	    (flat = pixApplyInvBackgroundGrayMap(gray, inv, 2 * tw, 2 * tw)) ==
		    NULL)
		goto out;
	/* Stretch: the median ink becomes black, the paper white. */
	inklev = NORM_BG - contrast * NORM_BG / (paper > 0 ? paper : 1);
	if (inklev < 0)
		inklev = 0;
	t = (int)inklev;
	if (t > NORM_BG - 30)
		t = NORM_BG - 30;
	if ((out = pixGammaTRC(NULL, flat, 1.0f, t, NORM_BG - 8)) == NULL)
		goto out;
	pb->method = "normalized";
	pb->ocr = out;
	out = NULL;
	err = DOS_OK;
out:
	pixDestroy(&half);
	pixDestroy(&map);
	pixDestroy(&mapm);
	pixDestroy(&inv);
	pixDestroy(&flat);
	pixDestroy(&out);
	free(bg);
	free(ink);
	free(sorted);
	free(con);
	return err;
}
