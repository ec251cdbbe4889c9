/*
 * page.c: the per-page pipeline run by one worker: grayscale, deskew
 * (Leptonica), OCR with word boxes (Tesseract C API, one handle per
 * worker), barcodes on Tesseract's binarized page (zbar), and the stored
 * renditions (TIFF G4 processed page, PNG thumbnail, and a one-page
 * searchable PDF from Tesseract's PDF renderer, fed from the same
 * recognition pass so no page is read twice).
 * Exports ing_worker_new, ing_worker_free, ing_worker_page, ing_page_clear.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tesseract/capi.h>
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

static void density(zbar_image_scanner_t *sc, int n);

struct ing_worker {
	TessBaseAPI *tess;
	TessBaseAPI *osd; /* orientation detection (osd.traineddata) */
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
	if (w->tess != NULL) {
		TessBaseAPIEnd(w->tess);
		TessBaseAPIDelete(w->tess);
	}
	if (w->osd != NULL) {
		TessBaseAPIEnd(w->osd);
		TessBaseAPIDelete(w->osd);
	}
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
	if ((w->tess = TessBaseAPICreate()) == NULL)
		goto nomem;
	if (TessBaseAPIInit3(w->tess, NULL, o->langs) != 0) {
		dos_errx("cannot load OCR language data '%s' (is the "
			 "tesseract-ocr-%s package installed?)",
			 o->langs, o->langs);
		ing_worker_free(w);
		return DOS_NOTFOUND;
	}
	TessBaseAPISetPageSegMode(w->tess, PSM_AUTO);
	/* Tesseract's chatter ("Detected N diacritics") is not for users. */
	TessBaseAPISetVariable(w->tess, "debug_file", "/dev/null");
	if (w->orient) {
		if ((w->osd = TessBaseAPICreate()) == NULL)
			goto nomem;
		if (TessBaseAPIInit3(w->osd, NULL, "osd") != 0) {
			dos_errx("cannot load orientation data (is the "
				 "tesseract-ocr-osd package installed?)");
			ing_worker_free(w);
			return DOS_NOTFOUND;
		}
		TessBaseAPISetPageSegMode(w->osd, PSM_OSD_ONLY);
		TessBaseAPISetVariable(w->osd, "debug_file", "/dev/null");
	}
	if ((w->zbar = zbar_image_scanner_create()) == NULL)
		goto nomem;
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
nomem:
	ing_worker_free(w);
	return DOS_NOMEM;
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
	memset(p, 0, sizeof(*p));
}

/* Finds the skew on a binary page and returns the straightened gray page. */
static PIX *
deskew(PIX *gray, PIX *bin, double *pangle)
{
	l_float32 angle = 0, conf = 0;

	*pangle = 0;
	if (pixFindSkewSweepAndSearch(bin, &angle, &conf, 4, 2,
				      SKEW_SWEEP_RANGE, 1.0f, 0.01f) != 0 ||
	    conf < SKEW_MIN_CONF)
		return pixClone(gray);
	*pangle = angle;
	if (fabsf(angle) < SKEW_MIN_ANGLE)
		return pixClone(gray);
	return pixRotate(gray, (l_float32)(M_PI / 180.0) * angle,
			 L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
}

static enum dos_err
read_words(TessBaseAPI *tess, struct ing_page *out)
{
	TessResultIterator *it;
	TessPageIterator *pit;
	size_t cap = 0;
	int x1, y1, x2, y2;
	char *t;
	struct arc_word *nw;

	if ((it = TessBaseAPIGetIterator(tess)) == NULL)
		return DOS_OK; /* no text at all */
	pit = TessResultIteratorGetPageIterator(it);
	do {
		t = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		if (t == NULL)
			continue;
		if (*t == '\0' || !TessPageIteratorBoundingBox(
					  pit, RIL_WORD, &x1, &y1, &x2, &y2)) {
			TessDeleteText(t);
			continue;
		}
		if (out->nwords == cap) {
			cap = cap ? cap * 2 : 256;
			nw = realloc(out->words, cap * sizeof(*nw));
			if (nw == NULL) {
				TessDeleteText(t);
				TessResultIteratorDelete(it);
				return DOS_NOMEM;
			}
			out->words = nw;
		}
		out->words[out->nwords].text = strdup(t);
		TessDeleteText(t);
		if (out->words[out->nwords].text == NULL) {
			TessResultIteratorDelete(it);
			return DOS_NOMEM;
		}
		out->words[out->nwords].x = x1;
		out->words[out->nwords].y = y1;
		out->words[out->nwords].w = x2 - x1;
		out->words[out->nwords].h = y2 - y1;
		out->words[out->nwords].conf =
			TessResultIteratorConfidence(it, RIL_WORD);
		out->nwords++;
	} while (TessPageIteratorNext(pit, RIL_WORD));
	TessResultIteratorDelete(it);
	return DOS_OK;
}

/*
 * Scan every n-th line each way.  Every 4th line reads the codes of a
 * 300-dpi page at half the time of every 2nd; small codes on low-resolution
 * pages are retried upscaled and denser.
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
 * zbar's 8-bit buffer (black = 0).
 */
static enum dos_err
read_barcodes(zbar_image_scanner_t *sc, PIX *bin, struct ing_page *out)
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
	}
out:
	if (img != NULL)
		zbar_image_destroy(img);
	free(buf);
	return err;
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
	TessBaseAPISetImage2(w->osd, small);
	TessBaseAPISetSourceResolution(
		w->osd, dpi * pixGetWidth(small) / pixGetWidth(bin));
	if (TessBaseAPIDetectOrientationScript(w->osd, &deg, &conf, &script,
					       &sconf)) {
		*pconf = conf;
		/* deg is the page's clockwise rotation; undo it. */
		if (conf >= ORIENT_MIN_CONF)
			quads = ((360 - deg) % 360) / 90;
		else if (deg != 0)
			*puncertain = 1;
	}
	TessBaseAPIClear(w->osd);
	pixDestroy(&small);
	return quads;
}

/*
 * Renders the page just recognised as a one-page searchable PDF: the
 * bilevel page (G4) under an invisible text layer placed by Tesseract.
 */
static enum dos_err
render_pdf(struct ing_worker *w, PIX *bin, int dpi, struct ing_page *out)
{
	TessResultRenderer *r;
	char path[96];
	unsigned char *data = NULL;
	size_t len = 0;
	int ok;
	enum dos_err err;

	if ((r = TessPDFRendererCreate(w->pdfbase,
				       TessBaseAPIGetDatapath(w->tess), 0)) ==
	    NULL)
		return DOS_NOMEM;
	/* Tesseract takes over the reference it is given. */
	TessBaseAPISetInputImage(w->tess, pixClone(bin));
	TessBaseAPISetSourceResolution(w->tess, dpi);
	ok = TessResultRendererBeginDocument(r, "") &&
	     TessResultRendererAddImage(r, w->tess) &&
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

enum dos_err
ing_worker_page(struct ing_worker *w, PIX *pix, int rendered,
		struct ing_page *out)
{
	PIX *gray = NULL, *bin = NULL, *turned = NULL, *upright = NULL,
	    *tbin = NULL, *cbin = NULL, *big = NULL, *thumb = NULL;
	char *text = NULL;
	l_int32 res;
	double t = dos_mono(), t1, conf;
	int quads = 0;
	enum dos_err err = DOS_OK;

	res = pixGetXRes(pix);
	out->dpi = res > 0 ? res : 300;
	if ((gray = pixConvertTo8(pix, 0)) == NULL ||
	    (bin = pixConvertTo1(gray, 160)) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if (w->orient) {
		quads = orient(w, bin, out->dpi, &out->orient_uncertain, &conf);
		out->orient_conf = conf;
		out->rotation = quads * 90;
	}
	if (quads != 0) {
		PIX *b2;

		if ((turned = pixRotateOrth(gray, quads)) == NULL ||
		    (b2 = pixRotateOrth(bin, quads)) == NULL) {
			err = DOS_NOMEM;
			goto out;
		}
		pixDestroy(&bin);
		bin = b2;
	} else
		turned = pixClone(gray);
	t1 = dos_mono();
	out->t_orient = t1 - t;
	t = t1;
	if (w->deskew)
		upright = deskew(turned, bin, &out->skew_deg);
	else
		upright = pixClone(turned);
	if (upright == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	out->width = pixGetWidth(upright);
	out->height = pixGetHeight(upright);
	t1 = dos_mono();
	out->t_deskew = t1 - t;
	t = t1;

	TessBaseAPISetImage2(w->tess, upright);
	TessBaseAPISetSourceResolution(w->tess, out->dpi);
	if (TessBaseAPIRecognize(w->tess, NULL) != 0) {
		dos_errx("%s: OCR failed", __func__);
		err = DOS_INVAL;
		goto out;
	}
	text = TessBaseAPIGetUTF8Text(w->tess);
	out->text = strdup(text != NULL ? text : "");
	if (out->text == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	out->ocr_confidence = TessBaseAPIMeanTextConf(w->tess);
	if ((err = read_words(w->tess, out)) != DOS_OK)
		goto out;
	if (out->nwords == 0)
		out->ocr_confidence = 0;
	t1 = dos_mono();
	out->t_ocr = t1 - t;
	t = t1;

	/* Tesseract's own binarization serves zbar and the stored page. */
	if ((tbin = TessBaseAPIGetThresholdedImage(w->tess)) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	/*
	 * Barcodes on our own binarization of the straightened page:
	 * Tesseract's thresholded image loses labels on pages it finds no
	 * text on.
	 */
	if ((cbin = pixConvertTo1(upright, BARCODE_THRESHOLD)) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = read_barcodes(w->zbar, cbin, out)) != DOS_OK)
		goto out;
	if (out->nbarcodes == 0 && rendered && out->dpi >= BARCODE_RETRY_DPI) {
		/* A 150-ppi QR label rendered at 300 dpi. */
		density(w->zbar, BARCODE_RETRY_DENSITY);
		err = read_barcodes(w->zbar, cbin, out);
		density(w->zbar, BARCODE_DENSITY);
		if (err != DOS_OK)
			goto out;
	}
	if (out->nbarcodes == 0 && out->dpi < BARCODE_RETRY_DPI) {
		/*
		 * Small codes on a low-resolution scan (a QR label at 150 dpi)
		 * need more pixels.  A 300-dpi page is not retried: doubling it
		 * cost 400 ms a page and found nothing more on the corpus.
		 */
		if ((big = pixExpandBinaryReplicate(cbin, 2, 2)) == NULL) {
			err = DOS_NOMEM;
			goto out;
		}
		density(w->zbar, BARCODE_RETRY_DENSITY);
		err = read_barcodes(w->zbar, big, out);
		density(w->zbar, BARCODE_DENSITY);
		if (err != DOS_OK)
			goto out;
	}
	out->blank = out->nwords == 0 && out->nbarcodes == 0 &&
		     ink_fraction(cbin) < BLANK_MAX_INK;
	t1 = dos_mono();
	out->t_barcode = t1 - t;
	t = t1;
	pixSetResolution(tbin, out->dpi, out->dpi);
	if (w->pdf && (err = render_pdf(w, tbin, out->dpi, out)) != DOS_OK)
		goto out;
	if (pixWriteMemTiff(&out->processed, &out->processed_len, tbin,
			    IFF_TIFF_G4) != 0) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((thumb = pixScaleToSize(upright, THUMB_WIDTH, 0)) == NULL ||
	    pixWriteMemPng(&out->thumb, &out->thumb_len, thumb, 0) != 0) {
		err = DOS_NOMEM;
		goto out;
	}
	out->t_encode = dos_mono() - t;
out:
	if (text != NULL)
		TessDeleteText(text);
	TessBaseAPIClear(w->tess);
	pixDestroy(&gray);
	pixDestroy(&bin);
	pixDestroy(&turned);
	pixDestroy(&upright);
	pixDestroy(&tbin);
	pixDestroy(&big);
	pixDestroy(&cbin);
	pixDestroy(&thumb);
	return err;
}
