/*
 * prep.c: a decoded page made ready to read: gray, square pixels at a
 * resolution Tesseract and zbar read well, and a photographed page cropped
 * to the sheet with its perspective undone.
 *
 * Resolution: a fax is 204 x 98 or 204 x 196 dpi (pixels twice as tall as
 * wide, or square at 204); a scan may be 150 or 200 dpi.  Tesseract's
 * models are trained on text with an x-height of about 20-30 pixels (300
 * dpi for 10-point type), and zbar needs two pixels a module: such pages
 * are resampled (linear interpolation on gray, so edges stay smooth) to
 * square pixels at ING_READ_DPI (never past READ_MAX_MP megapixels).  A
 * page without a resolution, or with one its size belies (a camera's 72
 * dpi on a page 34 inches wide), is taken as A4-wide.  A 1-bit page at
 * 250 dpi or more is left as it is (the fast path for clean office scans).
 *
 * Photos: a page photographed on a desk is a bright quadrilateral on a
 * darker surround.  On a copy reduced to about 600 pixels, the brightest
 * connected region after closing (text holes filled) is taken as the
 * sheet when it fills between a fifth and nine tenths of the picture,
 * leaves the picture's border on three sides or more, and is clearly
 * brighter than what surrounds it.  Its four corners are the region's
 * extreme points along the two diagonals; the sheet is mapped back to a
 * rectangle with the edge lengths' proportions (a projective transform,
 * bilinear sampling), at ING_READ_DPI for a sheet of A4 width.  Uneven
 * light is left to the background normalisation in binarize.c.
 *
 * Exports ing_prep.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PHOTO_WORK 600        /* longer side of the copy searched, px */
#define PHOTO_MIN_AREA 0.20   /* sheet area / picture area */
#define PHOTO_MAX_AREA 0.90
#define PHOTO_MIN_CONTRAST 40 /* sheet brighter than the surround by */
#define A4_WIDTH_IN 8.27
#define MAX_PAGE_IN 24.0      /* a declared resolution making a page
				 wider or taller is not believed */
#define READ_MAX_MP 60.0  /* resampling stops at this size */

/* 8 bpp gray of any page (colour by luminance, colormaps removed). */
static PIX *
to_gray(PIX *pix)
{
	PIX *g, *n;

	if (pixGetDepth(pix) == 8 && pixGetColormap(pix) == NULL)
		return pixClone(pix);
	if (pixGetDepth(pix) == 32)
		return pixConvertRGBToLuminance(pix);
	if ((n = pixRemoveColormap(pix, REMOVE_CMAP_TO_GRAYSCALE)) == NULL)
		return NULL;
	g = pixConvertTo8(n, 0);
	pixDestroy(&n);
	return g;
}

/* Median gray of the pixels of gray under (or not under) mask. */
static int
masked_median(PIX *gray, PIX *mask, int inside)
{
	PIX *m = inside ? pixClone(mask) : pixInvert(NULL, mask);
	l_float32 v = 0;

	if (m == NULL)
		return -1;
	if (pixGetRankValueMasked(gray, m, 0, 0, 1, 0.5f, &v, NULL) != 0)
		v = -1;
	pixDestroy(&m);
	return (int)v;
}

/*
 * The sheet in a photo: its corners (top-left, top-right, bottom-left,
 * bottom-right) in gray's coordinates, or 0 when gray is no photo of a
 * page on a darker surface.
 */
static int
find_sheet(PIX *gray, double qx[4], double qy[4])
{
	PIX *small = NULL, *bin = NULL, *closed = NULL, *big = NULL;
	BOXA *boxa = NULL;
	PIXA *pixa = NULL;
	l_int32 w, h, bw, bh, bx, by, i, n, best = -1, x, y, th = 0;
	double area, bestarea = 0, s;
	int sides = 0, found = 0, in, outside;
	double dmin[2] = { 1e18, 1e18 }, dmax[2] = { -1e18, -1e18 };

	w = pixGetWidth(gray);
	h = pixGetHeight(gray);
	s = (double)PHOTO_WORK / (w > h ? w : h);
	if (s > 1)
		s = 1;
	if ((small = pixScaleAreaMap(gray, (l_float32)s, (l_float32)s)) == NULL)
		goto out;
	if (pixSplitDistributionFgBg(small, 0.1f, 4, &th, NULL, NULL, 0) != 0)
		goto out;
	/* Bright = sheet: threshold at Otsu's split, sheet pixels set. */
	if ((bin = pixThresholdToBinary(small, th)) == NULL)
		goto out;
	pixInvert(bin, bin);
	if ((closed = pixCloseSafeBrick(NULL, bin, 9, 9)) == NULL ||
	    (boxa = pixConnComp(closed, &pixa, 8)) == NULL)
		goto out;
	n = boxaGetCount(boxa);
	for (i = 0; i < n; i++) {
		boxaGetBoxGeometry(boxa, i, NULL, NULL, &bw, &bh);
		if ((double)bw * bh > bestarea) {
			bestarea = (double)bw * bh;
			best = i;
		}
	}
	if (best < 0)
		goto out;
	boxaGetBoxGeometry(boxa, best, &bx, &by, &bw, &bh);
	w = pixGetWidth(small);
	h = pixGetHeight(small);
	area = (double)bw * bh / ((double)w * h);
	if (area < PHOTO_MIN_AREA || area > PHOTO_MAX_AREA)
		goto out;
	sides = (bx > 2) + (by > 2) + (bx + bw < w - 2) + (by + bh < h - 2);
	if (sides < 3)
		goto out;
	/* The component as a mask the size of small. */
	if ((big = pixCreate(w, h, 1)) == NULL)
		goto out;
	{
		PIX *c = pixaGetPix(pixa, best, L_CLONE);

		pixRasterop(big, bx, by, bw, bh, PIX_SRC, c, 0, 0);
		pixDestroy(&c);
	}
	in = masked_median(small, big, 1);
	outside = masked_median(small, big, 0);
	if (in < 0 || outside < 0 || in - outside < PHOTO_MIN_CONTRAST)
		goto out;
	/* Extreme points along the diagonals x + y and x - y. */
	for (y = by; y < by + bh; y++) {
		for (x = bx; x < bx + bw; x++) {
			l_uint32 v;
			double d0 = x + y, d1 = x - y;

			pixGetPixel(big, x, y, &v);
			if (!v)
				continue;
			if (d0 < dmin[0])
				dmin[0] = d0, qx[0] = x, qy[0] = y;
			if (d0 > dmax[0])
				dmax[0] = d0, qx[3] = x, qy[3] = y;
			if (d1 > dmax[1])
				dmax[1] = d1, qx[1] = x, qy[1] = y;
			if (d1 < dmin[1])
				dmin[1] = d1, qx[2] = x, qy[2] = y;
		}
	}
	for (i = 0; i < 4; i++) {
		/* Pixel centres back to the full picture. */
		qx[i] = (qx[i] + 0.5) / s - 0.5;
		qy[i] = (qy[i] + 0.5) / s - 0.5;
	}
	found = 1;
out:
	pixDestroy(&small);
	pixDestroy(&bin);
	pixDestroy(&closed);
	pixDestroy(&big);
	boxaDestroy(&boxa);
	pixaDestroy(&pixa);
	return found;
}

/* Bilinear sample of 8 bpp data at (x, y); white outside. */
static int
sample(const l_uint32 *data, int wpl, int w, int h, double x, double y)
{
	int x0 = (int)floor(x), y0 = (int)floor(y);
	double fx = x - x0, fy = y - y0, v;
	const l_uint32 *r0, *r1;

	if (x0 < 0 || y0 < 0 || x0 + 1 >= w || y0 + 1 >= h)
		return 255;
	r0 = data + (size_t)y0 * wpl;
	r1 = r0 + wpl;
	v = (GET_DATA_BYTE(r0, x0) * (1 - fx) +
	     GET_DATA_BYTE(r0, x0 + 1) * fx) * (1 - fy) +
	    (GET_DATA_BYTE(r1, x0) * (1 - fx) +
	     GET_DATA_BYTE(r1, x0 + 1) * fx) * fy;
	return (int)(v + 0.5);
}

/* The sheet with corners q in gray as an upright rectangle; *pdpi set. */
static PIX *
unwarp(PIX *gray, const double qx[4], const double qy[4], int *pdpi)
{
	PTA *src = NULL, *dst = NULL;
	l_float32 *vc = NULL;
	PIX *out = NULL;
	double top = hypot(qx[1] - qx[0], qy[1] - qy[0]);
	double bot = hypot(qx[3] - qx[2], qy[3] - qy[2]);
	double lft = hypot(qx[2] - qx[0], qy[2] - qy[0]);
	double rgt = hypot(qx[3] - qx[1], qy[3] - qy[1]);
	double ow = (top + bot) / 2, oh = (lft + rgt) / 2, k;
	int W, H, x, y, wpls, wpld, sw, sh;
	l_uint32 *ds, *dd;

	/* As if the sheet were A4-wide: at least ING_READ_DPI. */
	k = ING_READ_DPI * A4_WIDTH_IN / ow;
	if (k < 1)
		k = 1;
	W = (int)lround(ow * k);
	H = (int)lround(oh * k);
	if (H > 3 * W)
		H = 3 * W; /* a strip, not a sheet: no more than that */
	*pdpi = (int)lround(W / A4_WIDTH_IN);
	if ((src = ptaCreate(4)) == NULL || (dst = ptaCreate(4)) == NULL)
		goto out;
	ptaAddPt(dst, 0, 0);
	ptaAddPt(dst, (l_float32)(W - 1), 0);
	ptaAddPt(dst, 0, (l_float32)(H - 1));
	ptaAddPt(dst, (l_float32)(W - 1), (l_float32)(H - 1));
	for (x = 0; x < 4; x++)
		ptaAddPt(src, (l_float32)qx[x], (l_float32)qy[x]);
	/* Coefficients taking output (dst) points to picture (src) points. */
	if (getProjectiveXformCoeffs(dst, src, &vc) != 0 ||
	    (out = pixCreate(W, H, 8)) == NULL)
		goto out;
	ds = pixGetData(gray);
	wpls = pixGetWpl(gray);
	sw = pixGetWidth(gray);
	sh = pixGetHeight(gray);
	dd = pixGetData(out);
	wpld = pixGetWpl(out);
	for (y = 0; y < H; y++) {
		l_uint32 *row = dd + (size_t)y * wpld;

		for (x = 0; x < W; x++) {
			double den = vc[6] * x + vc[7] * y + 1.0;
			double sx = (vc[0] * x + vc[1] * y + vc[2]) / den;
			double sy = (vc[3] * x + vc[4] * y + vc[5]) / den;

			SET_DATA_BYTE(row, x, sample(ds, wpls, sw, sh, sx, sy));
		}
	}
out:
	LEPT_FREE(vc);
	ptaDestroy(&src);
	ptaDestroy(&dst);
	return out;
}

enum dos_err
ing_prep(PIX *pix, struct ing_prep *pp)
{
	l_int32 xres = 0, yres = 0;
	double qx[4], qy[4];
	PIX *gray = NULL, *r;
	int d = pixGetDepth(pix), i;
	double sx, sy, area;

	memset(pp, 0, sizeof(*pp));
	pixGetResolution(pix, &xres, &yres);
	if (xres <= 0)
		xres = yres;
	if (yres <= 0)
		yres = xres;
	pp->src_xdpi = xres;
	pp->src_ydpi = yres;
	/* Clean office scan: 1 bit, square, 250 dpi or more. */
	if (d == 1 && xres == yres && xres >= ING_MIN_READ_DPI) {
		pp->bin = pixClone(pix);
		pp->dpi = xres;
		return pp->bin != NULL ? DOS_OK : DOS_NOMEM;
	}
	if ((gray = to_gray(pix)) == NULL)
		return DOS_NOMEM;
	/*
	 * A photo: colour or gray with no resolution, or the 72 dpi cameras
	 * write, showing a sheet on a darker surface.
	 */
	if (d >= 8 && xres <= 96 && pixGetWidth(gray) >= 200 &&
	    pixGetHeight(gray) >= 200 && find_sheet(gray, qx, qy)) {
		r = unwarp(gray, qx, qy, &pp->dpi);
		pixDestroy(&gray);
		if (r == NULL)
			return DOS_NOMEM;
		pp->gray = r;
		pp->photo = 1;
		for (i = 0; i < 4; i++) {
			pp->corners[i][0] = (int)lround(qx[i]);
			pp->corners[i][1] = (int)lround(qy[i]);
		}
		pixSetResolution(pp->gray, pp->dpi, pp->dpi);
		return DOS_OK;
	}
	if (xres <= 0 || yres <= 0 ||
	    (double)pixGetWidth(gray) / xres > MAX_PAGE_IN ||
	    (double)pixGetHeight(gray) / yres > MAX_PAGE_IN) {
		/*
		 * No resolution, or one the page's size belies (a camera's
		 * 72 dpi on a 300-dpi page): as if the page were A4 wide.
		 */
		int s = pixGetWidth(gray) < pixGetHeight(gray)
				? pixGetWidth(gray)
				: pixGetHeight(gray);

		xres = yres = (int)(s / A4_WIDTH_IN + 0.5);
		if (xres < 1)
			xres = yres = 1;
	}
	sx = sy = 1.0;
	if (xres != yres || xres < ING_MIN_READ_DPI) {
		/* Square pixels, and at least ING_READ_DPI both ways. */
		int target = xres > yres ? xres : yres;

		if (target < ING_MIN_READ_DPI)
			target = ING_READ_DPI;
		sx = (double)target / xres;
		sy = (double)target / yres;
		/* Never past READ_MAX_MP megapixels (a big image said to
		 * be at a low resolution). */
		area = (double)pixGetWidth(gray) * sx * pixGetHeight(gray) * sy;
		if (area > READ_MAX_MP * 1e6) {
			double k = sqrt(READ_MAX_MP * 1e6 / area);

			sx *= k;
			sy *= k;
			target = (int)(target * k);
		}
		pp->resampled = 1;
		r = pixScale(gray, (l_float32)sx, (l_float32)sy);
		pixDestroy(&gray);
		if (r == NULL)
			return DOS_NOMEM;
		gray = r;
		xres = yres = target;
	}
	pixSetResolution(gray, xres, yres);
	pp->gray = gray;
	pp->dpi = xres;
	pp->scale_x = sx;
	pp->scale_y = sy;
	return DOS_OK;
}

void
ing_prep_clear(struct ing_prep *pp)
{
	pixDestroy(&pp->gray);
	pixDestroy(&pp->bin);
}
