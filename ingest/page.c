/*
 * page.c: the per-page pipeline run by one worker.
 *
 *   prepare    gray, square pixels at a readable resolution, a photo
 *              cropped to its sheet (prep.c); the gray image OCR reads,
 *              background-normalised where the page asks for it
 *              (binarize.c).  A clean 1-bit scan stays 1-bit throughout:
 *              turned into gray and deskewed by area mapping, as it once
 *              was, Tesseract ran Otsu on it (0.42 G instructions a
 *              page), its LSTM read and PNG-encoded gray line images
 *              (+0.6 G) and the rotation cost 0.64 G, where the tesseract
 *              command reads the 1-bit page (callgrind, one skewed A4 G4
 *              page: Recognize 11.52 G in dossier, 10.83 G in tesseract).
 *              Deskewed by shears instead, the page reads the same (CER
 *              8.68% on 16 bench pages either way).
 *   orient     Leptonica's text-orientation test, Tesseract OSD where that
 *              is unsure; with languages "auto", OSD's script picks them
 *   deskew     Leptonica's skew search on the binary page
 *   ocr        Tesseract (ocr.c), then the quality gate (quality.c): text-
 *              like ink that produced no words is read again region by
 *              region; what stays unread is recorded with the share read
 *   barcodes   zbar on the binary page (locations kept out of the gate)
 *   encode     TIFF G4 processed page (Tesseract's binarization), PNG
 *              thumbnail, one-page searchable PDF from Tesseract's PDF
 *              renderer fed from the same recognition (no page read twice)
 *
 * Exports ing_worker_new, ing_worker_free, ing_worker_page, ing_page_clear.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zbar.h>

#include "internal.h"

#define THUMB_WIDTH 240
#define SKEW_SWEEP_RANGE 12.0f /* degrees either side */
#define SKEW_MIN_CONF 2.0f
#define SKEW_MIN_ANGLE 0.05f
#define ORIENT_MIN_CONF 2.0f
#define BARCODE_RETRY_DPI 250
#define BARCODE_THRESHOLD 128
#define BARCODE_DENSITY 4       /* scan every 4th line */
#define BARCODE_RETRY_DENSITY 2
#define BLANK_MAX_INK 0.003 /* dark share of the page inside its margins */
#define ORIENT_THRESHOLD 160
#define LINE_MAX_MM 0.45 /* ruling lines are no thicker */
#define REREAD_MIN_UNREAD 0.02 /* share unread that is read again */
#define REREAD_MIN_BIG 3 /* or large letters unread (a word of a title) */
#define MIXED_MIN_UNREAD 10.0 /* percent unread read in the other script */

static void density(zbar_image_scanner_t *sc, int n);

struct ing_worker {
	struct ing_ocr *ocr;
	zbar_image_scanner_t *zbar;
	int deskew;
	int orient;
	int pdf;
	char pdfdir[64]; /* private scratch folder for the PDF renderer */
	char pdfbase[80];
};

void
ing_worker_free(struct ing_worker *w)
{
	if (w == NULL)
		return;
	ing_ocr_free(w->ocr);
	if (w->zbar != NULL)
		zbar_image_scanner_destroy(w->zbar);
	if (w->pdfdir[0] != '\0')
		rmdir(w->pdfdir);
	free(w);
}

enum dos_err
ing_worker_new(const struct ing_options *o, struct ing_worker **pw)
{
	static const zbar_symbol_type_t syms[] = {
		ZBAR_CODE128, ZBAR_CODE39, ZBAR_EAN13, ZBAR_EAN8,
		ZBAR_UPCA,    ZBAR_I25,    ZBAR_QRCODE,
	};
	struct ing_worker *w;
	size_t i;
	enum dos_err err;

	*pw = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return DOS_NOMEM;
	w->deskew = o->deskew;
	w->orient = o->orient;
	w->pdf = o->pdf;
	if (w->pdf) {
		/*
		 * Tesseract's renderer writes to a named file: a folder only
		 * this process can enter keeps page contents private.
		 */
		const char *tmp = getenv("TMPDIR");

		if (tmp == NULL || *tmp == '\0' ||
		    strlen(tmp) > sizeof(w->pdfdir) - 20)
			tmp = "/tmp";
		snprintf(w->pdfdir, sizeof(w->pdfdir), "%s/dossier-XXXXXX",
			 tmp);
		if (mkdtemp(w->pdfdir) == NULL) {
			dos_errx("%s: %s: %s", __func__, w->pdfdir,
				 strerror(errno));
			w->pdfdir[0] = '\0';
			ing_worker_free(w);
			return DOS_IO;
		}
		snprintf(w->pdfbase, sizeof(w->pdfbase), "%s/page", w->pdfdir);
	}
	if ((err = ing_ocr_new(o->langs, w->orient, &w->ocr)) != DOS_OK) {
		ing_worker_free(w);
		return err;
	}
	if ((w->zbar = zbar_image_scanner_create()) == NULL) {
		ing_worker_free(w);
		return DOS_NOMEM;
	}
	/* Only the symbologies we use: others invent codes from noise. */
	zbar_image_scanner_set_config(w->zbar, 0, ZBAR_CFG_ENABLE, 0);
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		zbar_image_scanner_set_config(w->zbar, syms[i],
					      ZBAR_CFG_ENABLE, 1);
	/*
	 * Interleaved 2 of 5 has no check character: on skewed pages zbar
	 * also returns truncated reads.  Account numbers carry 10 digits.
	 */
	zbar_image_scanner_set_config(w->zbar, ZBAR_I25, ZBAR_CFG_MIN_LEN, 10);
	density(w->zbar, BARCODE_DENSITY);
	*pw = w;
	return DOS_OK;
}

void
ing_page_clear(struct ing_page *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->text);
	for (i = 0; i < p->nwords; i++)
		free((char *)p->words[i].text);
	free(p->words);
	for (i = 0; i < p->nbarcodes; i++) {
		free(p->barcodes[i].type);
		free(p->barcodes[i].value);
	}
	free(p->barcodes);
	free(p->processed);
	free(p->thumb);
	free(p->pdf);
	free(p->unread);
	memset(p, 0, sizeof(*p));
}

/* The skew of a binary page, in degrees (0 when unsure or tiny). */
static double
find_skew(PIX *bin)
{
	l_float32 angle = 0, conf = 0;

	if (pixFindSkewSweepAndSearch(bin, &angle, &conf, 4, 2,
				      SKEW_SWEEP_RANGE, 1.0f, 0.01f) != 0 ||
	    conf < SKEW_MIN_CONF)
		return 0;
	return angle;
}

/*
 * pix turned by angle degrees: gray by area mapping; 1 bpp by shears
 * (three of them: strokes keep their width, no gray is made up).
 */
static PIX *
rotate(PIX *pix, double angle)
{
	if (fabs(angle) < SKEW_MIN_ANGLE)
		return pixClone(pix);
	return pixRotate(pix, (l_float32)(M_PI / 180.0 * angle),
			 pixGetDepth(pix) == 1 ? L_ROTATE_SHEAR
					       : L_ROTATE_AREA_MAP,
			 L_BRING_IN_WHITE, 0, 0);
}

/*
 * Scan every n-th line each way.  Every 4th line reads the codes of a
 * 300-dpi page at half the time of every 2nd; small codes on low-resolution
 * pages are retried denser.
 */
static void
density(zbar_image_scanner_t *sc, int n)
{
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_X_DENSITY, n);
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_Y_DENSITY, n);
}

/* Byte of eight 1-bpp pixels (MSB first) -> eight gray pixels. */
static unsigned char unpack[256][8];
static pthread_once_t unpack_once = PTHREAD_ONCE_INIT;

static void
unpack_init(void)
{
	int b, i;

	for (b = 0; b < 256; b++)
		for (i = 0; i < 8; i++)
			unpack[b][i] = (b & (0x80 >> i)) ? 0 : 255;
}

/*
 * Reads barcodes from a 1-bpp page with zbar, unpacking bits straight into
 * zbar's 8-bit buffer (black = 0).  Where each symbol lies goes to where
 * (the bounding box of zbar's location points), when not NULL.
 */
static enum dos_err
read_barcodes(zbar_image_scanner_t *sc, PIX *bin, struct ing_page *out,
	      BOXA *where)
{
	unsigned char *buf = NULL, *row;
	zbar_image_t *img = NULL;
	const zbar_symbol_t *sym;
	const l_uint32 *line;
	int w, h, x, y, n;
	size_t k = 0;
	enum dos_err err = DOS_OK;

	if (pixGetDepth(bin) != 1)
		return DOS_INVAL;
	w = pixGetWidth(bin);
	h = pixGetHeight(bin);
	if ((buf = malloc((size_t)w * (size_t)h)) == NULL)
		return DOS_NOMEM;
	/* Eight pixels at a time: a page is 8.7 million of them. */
	pthread_once(&unpack_once, unpack_init);
	for (y = 0; y < h; y++) {
		line = pixGetData(bin) + (size_t)y * pixGetWpl(bin);
		row = buf + (size_t)y * w;
		for (x = 0; x + 8 <= w; x += 8)
			memcpy(row + x, unpack[GET_DATA_BYTE(line, x >> 3)], 8);
		for (; x < w; x++)
			row[x] = GET_DATA_BIT(line, x) ? 0 : 255;
	}
	if ((img = zbar_image_create()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)w, (unsigned)h);
	zbar_image_set_data(img, buf, (unsigned long)w * h, NULL);
	if ((n = zbar_scan_image(sc, img)) <= 0)
		goto out;
	if ((out->barcodes = calloc((size_t)n, sizeof(*out->barcodes))) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	for (sym = zbar_image_first_symbol(img); sym != NULL && k < (size_t)n;
	     sym = zbar_symbol_next(sym)) {
		const char *v = zbar_symbol_get_data(sym);
		size_t vlen = strlen(v) + 1;
		unsigned i, np = zbar_symbol_get_loc_size(sym);

		out->barcodes[k].type =
			strdup(zbar_get_symbol_name(zbar_symbol_get_type(sym)));
		/* As text: a code may hold bytes that are not UTF-8. */
		if ((out->barcodes[k].value = malloc(vlen)) != NULL)
			dos_utf8_clean(v, out->barcodes[k].value, vlen);
		k++;
		out->nbarcodes = k;
		if (out->barcodes[k - 1].type == NULL ||
		    out->barcodes[k - 1].value == NULL) {
			err = DOS_NOMEM;
			goto out;
		}
		if (where != NULL && np > 0) {
			int x1 = w, y1 = h, x2 = 0, y2 = 0;

			for (i = 0; i < np; i++) {
				int px = zbar_symbol_get_loc_x(sym, i);
				int py = zbar_symbol_get_loc_y(sym, i);

				x1 = px < x1 ? px : x1;
				y1 = py < y1 ? py : y1;
				x2 = px > x2 ? px : x2;
				y2 = py > y2 ? py : y2;
			}
			/* zbar's points lie on scan lines: widen a little. */
			boxaAddBox(where, boxCreate(x1 - 20, y1 - 40,
						    x2 - x1 + 40,
						    y2 - y1 + 80),
				   L_INSERT);
		}
	}
out:
	if (img != NULL)
		zbar_image_destroy(img);
	free(buf);
	return err;
}

/*
 * pairs[v]: for the 9 bits of v (a byte of pixels, MSB first, and the next
 * pixel), how many of pixels i and i + 1 are set, for i = 0..7, one count
 * a byte with pixel 0's in the most significant.
 */
static uint64_t pairs[512];
static pthread_once_t pairs_once = PTHREAD_ONCE_INIT;

static void
pairs_init(void)
{
	int v, i;

	for (v = 0; v < 512; v++) {
		pairs[v] = 0;
		for (i = 0; i < 8; i++)
			pairs[v] |= (uint64_t)(((v >> (8 - i)) & 1) +
					       ((v >> (7 - i)) & 1))
				    << (8 * (7 - i));
	}
}

/*
 * A gray rendering of a 1 bpp page for the recognizer: each pixel from
 * the 2 x 2 block it starts (none set 255, all four 3), the soft edges an
 * anti-aliased scan has.  Eight pixels at a time: the counts of two rows
 * added as bytes of a 64-bit word, times 63 (at most 252: no carry), and
 * complemented; the two 32-bit halves are Leptonica's words (pixel 0 in
 * the most significant byte).
 */
static PIX *
soften(PIX *bin)
{
	int w = pixGetWidth(bin), h = pixGetHeight(bin), wpls, wpld, y, i;
	int nb = (w + 7) / 8;
	const l_uint32 *ds;
	l_uint32 *dd;
	PIX *out;

	if ((out = pixCreateNoInit(w, h, 8)) == NULL)
		return NULL;
	pthread_once(&pairs_once, pairs_init);
	ds = pixGetData(bin);
	wpls = pixGetWpl(bin);
	dd = pixGetData(out);
	wpld = pixGetWpl(out);
	for (y = 0; y < h; y++) {
		const l_uint32 *r0 = ds + (size_t)y * wpls;
		const l_uint32 *r1 = y + 1 < h ? r0 + wpls : r0;
		l_uint32 *row = dd + (size_t)y * wpld;

		for (i = 0; i < nb; i++) {
			int n0 = i + 1 < nb ? GET_DATA_BYTE(r0, i + 1) >> 7 : 0;
			int n1 = i + 1 < nb ? GET_DATA_BYTE(r1, i + 1) >> 7 : 0;
			uint64_t c = pairs[(GET_DATA_BYTE(r0, i) << 1) | n0] +
				     pairs[(GET_DATA_BYTE(r1, i) << 1) | n1];
			uint64_t g = ~(c * 63u);

			/* The row's words hold whole groups of four. */
			row[2 * i] = (l_uint32)(g >> 32);
			if (2 * i + 1 < wpld)
				row[2 * i + 1] = (l_uint32)g;
		}
	}
	return out;
}

/* Share of dark pixels inside a 5% margin (scanner edges ignored). */
static double
ink_fraction(PIX *bin)
{
	int w = pixGetWidth(bin), h = pixGetHeight(bin);
	BOX *box = boxCreate(w / 20, h / 20, w - w / 10, h - h / 10);
	l_int32 n = 0;

	if (box == NULL)
		return 1.0;
	pixCountPixelsInRect(bin, box, &n, NULL);
	boxDestroy(&box);
	return (double)n / ((double)(w - w / 10) * (h - h / 10));
}

/*
 * Detects a quarter-turned page: first Leptonica's text-orientation test on
 * a half-size binary copy (milliseconds), then, where that is not sure,
 * Tesseract OSD.  Returns the clockwise quarter turns that make the page
 * upright (0-3).
 */
static int
orient(struct ing_worker *w, PIX *bin, int dpi, int *puncertain,
       double *pconf)
{
	static const int quads_for[] = {
		[L_TEXT_ORIENT_UP] = 0,
		[L_TEXT_ORIENT_LEFT] = 1,
		[L_TEXT_ORIENT_DOWN] = 2,
		[L_TEXT_ORIENT_RIGHT] = 3,
	};
	TessBaseAPI *osd = ing_ocr_osd(w->ocr);
	PIX *small;
	l_float32 up = 0, left = 0;
	l_int32 o = L_TEXT_ORIENT_UNKNOWN;
	int deg = 0, quads = 0;
	float conf = 0, sconf = 0;
	const char *script = NULL;

	*puncertain = 0;
	*pconf = 0;
	small = dpi >= 250 ? pixReduceRankBinary2(bin, 1, NULL) : pixClone(bin);
	if (small == NULL)
		return 0;
	if (pixOrientDetect(small, &up, &left, 0, 0) == 0 &&
	    makeOrientDecision(up, left, 0, 0, &o, 0) == 0 &&
	    o != L_TEXT_ORIENT_UNKNOWN) {
		*pconf = fabsf(up) > fabsf(left) ? fabsf(up) : fabsf(left);
		pixDestroy(&small);
		return quads_for[o];
	}
	if (osd == NULL) {
		pixDestroy(&small);
		return 0;
	}
	TessBaseAPISetImage2(osd, small);
	TessBaseAPISetSourceResolution(
		osd, dpi * pixGetWidth(small) / pixGetWidth(bin));
	if (TessBaseAPIDetectOrientationScript(osd, &deg, &conf, &script,
					       &sconf)) {
		*pconf = conf;
		/* deg is the page's clockwise rotation; undo it. */
		if (conf >= ORIENT_MIN_CONF)
			quads = ((360 - deg) % 360) / 90;
		else if (deg != 0)
			*puncertain = 1;
	}
	TessBaseAPIClear(osd);
	pixDestroy(&small);
	return quads;
}

/*
 * The band of a third of bin's height that holds the most ink: OSD's
 * layout analysis costs as much as the page is large, and a third of a
 * page holds characters enough to tell its script.
 */
static PIX *
ink_band(PIX *bin)
{
	NUMA *rows = pixCountPixelsByRow(bin, NULL);
	l_int32 h = pixGetHeight(bin), band = h / 3, y, best = 0;
	double sum = 0, top = -1;
	l_float32 v, old;
	BOX *b;
	PIX *out;

	if (rows == NULL || band < 1) {
		numaDestroy(&rows);
		return pixClone(bin);
	}
	for (y = 0; y < h; y++) {
		numaGetFValue(rows, y, &v);
		sum += v;
		if (y >= band) {
			numaGetFValue(rows, y - band, &old);
			sum -= old;
		}
		if (y >= band - 1 && sum > top) {
			top = sum;
			best = y - band + 1;
		}
	}
	numaDestroy(&rows);
	if ((b = boxCreate(0, best, pixGetWidth(bin), band)) == NULL)
		return NULL;
	out = pixClipRectangle(bin, b, NULL);
	boxDestroy(&b);
	return out;
}

/*
 * The languages for an upright page with languages "auto": its script
 * from OSD on the inkiest third of a half-size copy.
 */
static const char *
page_langs(struct ing_worker *w, PIX *bin, int dpi)
{
	TessBaseAPI *osd = ing_ocr_osd(w->ocr);
	const char *script = NULL, *langs;
	int deg = 0;
	float conf = 0, sconf = 0;
	PIX *small;

	if (!ing_ocr_is_auto(w->ocr))
		return ing_ocr_auto_langs(w->ocr, NULL, 0);
	small = dpi >= 250 ? pixReduceRankBinary2(bin, 1, NULL) : pixClone(bin);
	if (small != NULL) {
		PIX *band = ink_band(small);

		pixDestroy(&small);
		small = band;
	}
	if (small == NULL || osd == NULL) {
		pixDestroy(&small);
		return "eng";
	}
	TessBaseAPISetImage2(osd, small);
	TessBaseAPISetSourceResolution(
		osd, dpi * pixGetWidth(small) / pixGetWidth(bin));
	if (!TessBaseAPIDetectOrientationScript(osd, &deg, &conf, &script,
						&sconf))
		script = NULL;
	langs = ing_ocr_auto_langs(w->ocr, script, sconf);
	dos_debugx("%s: script %s (confidence %.2f): %s", __func__,
		   script != NULL ? script : "unknown", sconf, langs);
	TessBaseAPIClear(osd);
	pixDestroy(&small);
	return langs;
}

/*
 * Renders the page just recognised as a one-page searchable PDF: the
 * bilevel page (G4) under an invisible text layer placed by Tesseract.
 */
static enum dos_err
render_pdf(struct ing_worker *w, TessBaseAPI *api, PIX *bin, int dpi,
	   struct ing_page *out)
{
	TessResultRenderer *r;
	char path[96];
	unsigned char *data = NULL;
	size_t len = 0;
	int ok;
	enum dos_err err;

	if ((r = TessPDFRendererCreate(w->pdfbase, TessBaseAPIGetDatapath(api),
				       0)) == NULL)
		return DOS_NOMEM;
	/* Tesseract takes over the reference it is given. */
	TessBaseAPISetInputImage(api, pixClone(bin));
	TessBaseAPISetSourceResolution(api, dpi);
	ok = TessResultRendererBeginDocument(r, "") &&
	     TessResultRendererAddImage(r, api) &&
	     TessResultRendererEndDocument(r);
	TessDeleteResultRenderer(r); /* closes the file */
	snprintf(path, sizeof(path), "%s.pdf", w->pdfbase);
	if (!ok) {
		unlink(path);
		dos_errx("%s: Tesseract could not render the page as PDF",
			 __func__);
		return DOS_IO;
	}
	err = dos_file_read(path, 1u << 30, &data, &len);
	unlink(path);
	if (err != DOS_OK)
		return err;
	out->pdf = data;
	out->pdf_len = len;
	return DOS_OK;
}

/*
 * Ruling lines of a binary page (form boxes, table grids, rules): runs at
 * least a fifth of an inch long and no thicker than LINE_MAX_MM, a mask of
 * bin's size (dilated by a pixel), or NULL when there are none.  Thick
 * runs (the stems and bars of large bold letters) are not lines.
 */
static PIX *
ruling_lines(PIX *bin, int dpi)
{
	int len = dpi / 5, thick = (int)(LINE_MAX_MM * dpi / 25.4 + 0.5) + 1;
	PIX *h = NULL, *v = NULL, *t = NULL, *m = NULL;
	l_int32 empty = 1;

	if (thick < 3)
		thick = 3;
	/* Long runs each way, less those that are also thick. */
	if ((h = pixOpenCompBrick(NULL, bin, len, 1)) == NULL ||
	    (t = pixOpenBrick(NULL, h, 1, thick)) == NULL)
		goto out;
	pixSubtract(h, h, t);
	pixDestroy(&t);
	if ((v = pixOpenCompBrick(NULL, bin, 1, len)) == NULL ||
	    (t = pixOpenBrick(NULL, v, thick, 1)) == NULL)
		goto out;
	pixSubtract(v, v, t);
	pixOr(h, h, v);
	pixZero(h, &empty);
	if (!empty)
		m = pixDilateBrick(NULL, h, 3, 3);
out:
	pixDestroy(&h);
	pixDestroy(&v);
	pixDestroy(&t);
	return m;
}

/* img (gray or 1 bpp) with the ruling lines found on bin painted over. */
static PIX *
without_lines(PIX *img, PIX *bin, int dpi)
{
	PIX *m = ruling_lines(bin, dpi), *out;

	if (m == NULL)
		return pixClone(img);
	if (pixGetDepth(img) == 1) {
		out = pixSubtract(NULL, img, m);
	} else if ((out = pixCopy(NULL, img)) != NULL) {
		/* The paper's gray: a whiter line would show as a stroke. */
		l_uint32 paper = 255;

		pixGetRankValue(img, 8, 0.5f, &paper);
		pixPaintThroughMask(out, m, 0, 0, paper);
	}
	pixDestroy(&m);
	return out;
}

/* The unread regions of q into out (x, y, w, h each). */
static enum dos_err
keep_unread(const struct ing_quality *q, struct ing_page *out)
{
	l_int32 i, n = q->unread != NULL ? boxaGetCount(q->unread) : 0;

	free(out->unread);
	out->unread = NULL;
	out->nunread = 0;
	out->read_share = q->read_share;
	if (n == 0)
		return DOS_OK;
	if ((out->unread = calloc((size_t)n, sizeof(*out->unread))) == NULL)
		return DOS_NOMEM;
	for (i = 0; i < n; i++)
		boxaGetBoxGeometry(q->unread, i, &out->unread[i][0],
				   &out->unread[i][1], &out->unread[i][2],
				   &out->unread[i][3]);
	out->nunread = n;
	return DOS_OK;
}

enum dos_err
ing_worker_page(struct ing_worker *w, PIX *pix, int rendered,
		struct ing_page *out)
{
	struct ing_prep pp;
	struct ing_binarized bz;
	struct ing_quality q;
	struct ing_lines lines = { 0 }, extra = { 0 };
	PIX *img = NULL, *oimg = NULL, *bin = NULL, *t2 = NULL, *tbin = NULL,
	    *cbin = NULL, *shade = NULL,
	    *thumb = NULL;
	BOXA *codes = NULL;
	TessBaseAPI *api = NULL;
	const char *langs, *other;
	double t = dos_mono(), t1, conf, angle = 0;
	int quads = 0;
	size_t before;
	enum dos_err err;

	memset(&bz, 0, sizeof(bz));
	memset(&q, 0, sizeof(q));
	/* Prepare: resolution, photo, the image OCR reads. */
	if ((err = ing_prep(pix, &pp)) != DOS_OK)
		goto out;
	out->dpi = pp.dpi;
	out->photo = pp.photo;
	if (pp.gray != NULL) {
		if ((err = ing_binarize(pp.gray, pp.dpi, &bz)) != DOS_OK)
			goto out;
		img = pixClone(bz.ocr);
		out->method = bz.method;
		bin = pixConvertTo1(img, strcmp(bz.method, "plain") == 0
						 ? ORIENT_THRESHOLD
						 : BARCODE_THRESHOLD);
	} else {
		img = pixClone(pp.bin);
		bin = pixClone(pp.bin);
		out->method = "binary";
	}
	err = DOS_NOMEM;
	if (img == NULL || bin == NULL)
		goto out;
	t1 = dos_mono();
	out->t_prep = t1 - t;
	t = t1;

	if (w->orient) {
		quads = orient(w, bin, out->dpi, &out->orient_uncertain, &conf);
		out->orient_conf = conf;
		out->rotation = quads * 90;
	}
	if (quads != 0) {
		if ((t2 = pixRotateOrth(img, quads)) == NULL)
			goto out;
		pixDestroy(&img);
		img = t2;
		if ((t2 = pixRotateOrth(bin, quads)) == NULL)
			goto out;
		pixDestroy(&bin);
		bin = t2;
		t2 = NULL;
	}
	langs = page_langs(w, bin, out->dpi);
	snprintf(out->langs, sizeof(out->langs), "%s", langs);
	t1 = dos_mono();
	out->t_orient = t1 - t;
	t = t1;

	if (w->deskew)
		angle = find_skew(bin);
	out->skew_deg = angle;
	if (angle != 0) {
		if ((t2 = rotate(img, angle)) == NULL)
			goto out;
		pixDestroy(&img);
		img = t2;
		t2 = NULL;
	}
	out->width = pixGetWidth(img);
	out->height = pixGetHeight(img);
	/*
	 * Our binarization of the straightened page: the stored page, its
	 * PDF image, barcodes (Tesseract's thresholded image loses labels on
	 * pages it finds no text on).
	 */
	err = DOS_NOMEM;
	if (pixGetDepth(img) == 1)
		cbin = pixClone(img);
	else
		cbin = pixConvertTo1(img, BARCODE_THRESHOLD);
	if (cbin == NULL)
		goto out;
	t1 = dos_mono();
	out->t_deskew = t1 - t;
	t = t1;

	if ((api = ing_ocr_handle(w->ocr, langs)) == NULL) {
		err = DOS_NOTFOUND;
		goto out;
	}
	/*
	 * A 1-bit page: layout analysis on the bits, the recognizer on
	 * their soft gray rendering (it reads anti-aliased strokes better:
	 * CER on 56 bench pages 8.39% as against 8.48% on the bits alone,
	 * 8.37% on the area-mapped gray of old, for a twentieth of its cost).
	 */
	if (pixGetDepth(img) == 1 && (shade = soften(img)) == NULL)
		goto out;
	if ((err = ing_ocr_read(api, img, shade, out->dpi, out, &lines)) != DOS_OK)
		goto out;
	/* What OCR saw, binary: the quality gate's page. */
	err = DOS_NOMEM;
	if ((tbin = TessBaseAPIGetThresholdedImage(api)) == NULL)
		goto out;
	t1 = dos_mono();
	out->t_ocr = t1 - t;
	t = t1;

	if ((codes = boxaCreate(0)) == NULL)
		goto out;
	if ((err = read_barcodes(w->zbar, cbin, out, codes)) != DOS_OK)
		goto out;
	if (out->nbarcodes == 0 && (rendered || pp.resampled ||
				    pp.src_xdpi < BARCODE_RETRY_DPI)) {
		/*
		 * Small codes: a 150-ppi QR label rendered at 300 dpi, a
		 * fax or low-resolution scan resampled, are read denser.
		 */
		density(w->zbar, BARCODE_RETRY_DENSITY);
		err = read_barcodes(w->zbar, cbin, out, codes);
		density(w->zbar, BARCODE_DENSITY);
		if (err != DOS_OK)
			goto out;
	}
	t1 = dos_mono();
	out->t_barcode = t1 - t;
	t = t1;

	/* The quality gate; unread regions are read once more. */
	if ((err = ing_quality_check(tbin, out->dpi, out->words, out->nwords,
				     codes, &q)) != DOS_OK)
		goto out;
	out->t_prep += dos_mono() - t;
	/*
	 * Read again where more than a little stayed unread, or where large
	 * letters did (a word of a title or label page layout dropped); a
	 * clean page's few doubtful words are left as read.
	 */
	if (q.unread != NULL && boxaGetCount(q.unread) > 0 &&
	    (1.0 - q.read_share > REREAD_MIN_UNREAD ||
	     q.nunread_big >= REREAD_MIN_BIG)) {
		t = dos_mono();
		before = out->nwords;
		/*
		 * Regions are read again without the page's ruling lines: a
		 * box's edge beside a value is read as "[" or "|" and eats
		 * the letter next to it.  (The page's own reading keeps them:
		 * its layout analysis finds columns and tables by them.)
		 */
		err = DOS_NOMEM;
		if ((oimg = without_lines(img, cbin, out->dpi)) == NULL)
			goto out;
		if ((err = ing_ocr_regions(w->ocr, langs, oimg, out->dpi,
					   q.unread, out, &extra)) != DOS_OK)
			goto out;
		out->t_ocr += dos_mono() - t;
		t = dos_mono();
		if (out->nwords > before) {
			ing_quality_clear(&q);
			if ((err = ing_quality_check(tbin, out->dpi, out->words,
						     out->nwords, codes,
						     &q)) != DOS_OK)
				goto out;
		}
		out->t_prep += dos_mono() - t;
		/*
		 * languages = auto, and still a review's worth unread: a
		 * mixed page; what is left is read in the other script.
		 */
		other = ing_ocr_other_langs(w->ocr, langs);
		if (other != NULL && q.unread != NULL &&
		    boxaGetCount(q.unread) > 0 &&
		    (1.0 - q.read_share) * 100.0 > MIXED_MIN_UNREAD) {
			t = dos_mono();
			before = out->nwords;
			if ((err = ing_ocr_regions(w->ocr, other, oimg,
						   out->dpi, q.unread, out,
						   &extra)) != DOS_OK)
				goto out;
			out->t_ocr += dos_mono() - t;
			t = dos_mono();
			if (out->nwords > before) {
				snprintf(out->langs, sizeof(out->langs),
					 "%s+%s", langs, other);
				ing_quality_clear(&q);
				if ((err = ing_quality_check(
					     tbin, out->dpi, out->words,
					     out->nwords, codes, &q)) != DOS_OK)
					goto out;
			}
			out->t_prep += dos_mono() - t;
		}
	}
	t = dos_mono();
	if ((err = keep_unread(&q, out)) != DOS_OK)
		goto out;
	/* The confidence shown reflects what was not read. */
	out->ocr_confidence *= q.read_share;
	err = DOS_NOMEM;
	if ((out->text = ing_ocr_text(out, &lines, &extra)) == NULL)
		goto out;
	out->blank = out->nwords == 0 && out->nbarcodes == 0 &&
		     ink_fraction(cbin) < BLANK_MAX_INK;

	pixSetResolution(cbin, out->dpi, out->dpi);
	if (w->pdf && (err = render_pdf(w, api, cbin, out->dpi, out)) != DOS_OK)
		goto out;
	err = DOS_NOMEM;
	if (pixWriteMemTiff(&out->processed, &out->processed_len, cbin,
			    IFF_TIFF_G4) != 0)
		goto out;
	if ((thumb = pixScaleToSize(img, THUMB_WIDTH, 0)) == NULL ||
	    pixWriteMemPng(&out->thumb, &out->thumb_len, thumb, 0) != 0)
		goto out;
	out->t_encode = dos_mono() - t;
	err = DOS_OK;
out:
	if (api != NULL)
		TessBaseAPIClear(api);
	ing_ocr_lines_free(&lines);
	ing_ocr_lines_free(&extra);
	ing_quality_clear(&q);
	ing_prep_clear(&pp);
	pixDestroy(&bz.ocr);
	pixDestroy(&img);
	pixDestroy(&oimg);
	pixDestroy(&shade);
	pixDestroy(&bin);
	pixDestroy(&t2);
	pixDestroy(&tbin);
	pixDestroy(&cbin);
	pixDestroy(&thumb);
	boxaDestroy(&codes);
	return err;
}
