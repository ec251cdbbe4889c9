/*
 * scan.c: rendering a page, the simulated scan (skew, quarter turn, paper
 * tone, noise) and writing pages in every supported file format.
 */
#include "gs.h"

/* ------------------------------------------------------------------ */
/* Rendering and scanning                                               */

void page_size(int dpi, int *pw, int *ph)
{
	*pw = (int)lround(A4_W_MM / 25.4 * dpi);
	*ph = (int)lround(A4_H_MM / 25.4 * dpi);
}

/* Converts the ink surface to an 8 bpp Leptonica pix (255 = white paper). */
PIX *pix_from_ink(cairo_surface_t *surf)
{
	int w = cairo_image_surface_get_width(surf), h = cairo_image_surface_get_height(surf);
	int stride = cairo_image_surface_get_stride(surf), wpl, x, y;
	const unsigned char *data;
	l_uint32 *pd;
	PIX *pix;

	cairo_surface_flush(surf);
	data = cairo_image_surface_get_data(surf);
	pix = pixCreate(w, h, 8);
	if (pix == NULL || data == NULL) {
		pixDestroy(&pix);
		return NULL;
	}
	pd = pixGetData(pix);
	wpl = pixGetWpl(pix);
	for (y = 0; y < h; y++) {
		const unsigned char *src = data + (size_t)y * (size_t)stride;
		l_uint32 *row = pd + (size_t)y * (size_t)wpl;

		for (x = 0; x < w; x++)
			SET_DATA_BYTE(row, x, 255 - src[x]);
	}
	return pix;
}

/*
 * Draws the page described by pg for id. Appends the text drawn to text and
 * the barcodes to barcodes. Returns a new 8 bpp pix, NULL on error (logged).
 */
PIX *render_page(const struct page *pg, const struct ident *id, struct sbuf *text,
			struct sbuf *flow, json_t *barcodes)
{
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	struct zint_symbol *sym = NULL;
	char data[64], expect[64];
	struct lay l;
	PIX *pix = NULL;
	int w, h, doc = IS_DOC(pg->kind);
	double band = 0;

	page_size(pg->dpi, &w, &h);
	surf = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "%s: %s: cannot create a %dx%d surface\n", PROG, __func__, w, h);
		goto out;
	}
	cr = cairo_create(surf);
	lay_init(&l, cr, text, flow, pg->dpi, w, h, doc && pg->lang == LANG_CHI);

	if (doc && pg->barcode != BC_NONE) {
		if (barcode_payload(pg->barcode, id->account, data, sizeof data, expect, sizeof expect)) {
			fprintf(stderr, "%s: %s: account %s does not fit %s\n", PROG, __func__,
				id->account, bc_names[pg->barcode]);
			goto out;
		}
		sym = barcode_make(pg->barcode, data, pg->dpi,
				   pg->barcode == BC_QR ? 0.5 : 0.34, 13);
		if (sym == NULL)
			goto out;
		/* Keep a band above the bottom margin for the symbol and its text. */
		band = sym->bitmap_height + pt_px(&l, 10) * LINE_H + mm_px(&l, 6);
		l.bottom -= band;
	}

	switch (pg->kind) {
	case KIND_LETTER:
	case KIND_FORM:
	case KIND_CONTRACT:
	case KIND_INVOICE:
		if (pg->lang == LANG_CHI)
			draw_chinese(&l, pg, id);
		else if (pg->kind == KIND_LETTER)
			draw_letter(&l, id);
		else if (pg->kind == KIND_FORM)
			draw_form(&l, id);
		else if (pg->kind == KIND_CONTRACT)
			draw_contract(&l, pg, id);
		else
			draw_invoice(&l, id);
		break;
	case KIND_COVER:
		if (draw_cover(&l, id, barcodes))
			goto out;
		break;
	case KIND_SEPARATOR:
		if (draw_separator(&l, barcodes))
			goto out;
		break;
	case KIND_IDCOPY:
		draw_idcopy(&l, id);
		break;
	default:
		goto out;
	}

	if (sym != NULL) {
		l.bottom += band;
		l.y = l.bottom - band + mm_px(&l, 6);
		l.full = 0;
		lay_symbol(&l, sym, ALIGN_LEFT);
		lay_font(&l, FACE_MONO, 0, 10);
		lay_line(&l, ALIGN_LEFT, expect);
		if (barcode_record(barcodes, pg->barcode, expect))
			goto out;
	}
	if (doc)
		draw_footer(&l, pg, id);

	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "%s: %s: cairo: %s\n", PROG, __func__,
			cairo_status_to_string(cairo_status(cr)));
		goto out;
	}
	if (text->err || flow->err) {
		fprintf(stderr, "%s: %s: ground truth text too long\n", PROG, __func__);
		goto out;
	}
	pix = pix_from_ink(surf);
	if (pix == NULL)
		fprintf(stderr, "%s: %s: out of memory\n", PROG, __func__);
out:
	if (sym != NULL)
		ZBarcode_Delete(sym);
	if (cr != NULL)
		cairo_destroy(cr);
	if (surf != NULL)
		cairo_surface_destroy(surf);
	return pix;
}

/* Paper tone, sensor noise and a few hundred dark speckles, from the RNG. */
void add_noise(PIX *pix)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
	l_uint32 *pd = pixGetData(pix);
	int x, y, i, n;

	for (y = 0; y < h; y++) {
		l_uint32 *row = pd + (size_t)y * (size_t)wpl;

		for (x = 0; x < w; x++) {
			int v = (int)GET_DATA_BYTE(row, x);

			v = 8 + v * 239 / 255 + (int)(rng_next() % 7) - 3;
			SET_DATA_BYTE(row, x, v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
	n = rng_int(200, 450);
	for (i = 0; i < n; i++) {
		int sx = rng_int(0, w - 1), sy = rng_int(0, h - 1);
		int size = rng_int(1, 3), gray = rng_int(0, 90), dx, dy;

		for (dy = 0; dy < size && sy + dy < h; dy++)
			for (dx = 0; dx < size && sx + dx < w; dx++)
				SET_DATA_BYTE(pd + (size_t)(sy + dy) * (size_t)wpl, sx + dx, gray);
	}
}

/*
 * "Scans" a rendered page: skew (pixRotate, clockwise positive, same size,
 * white corners), quarter turn (clockwise), noise. Returns a new pix.
 */
PIX *scan_pix(PIX *pixs, const struct page *pg)
{
	PIX *rot, *orth;

	rot = pixRotate(pixs, (l_float32)(pg->skew_deg * PI_D / 180.0), L_ROTATE_AREA_MAP,
			L_BRING_IN_WHITE, 0, 0);
	if (rot == NULL)
		return NULL;
	if (pg->rotation != 0) {
		orth = pixRotateOrth(rot, pg->rotation / 90);
		pixDestroy(&rot);
		if (orth == NULL)
			return NULL;
		rot = orth;
	}
	/* pixRotate() returns a clone for tiny angles: give noise its own copy. */
	if (pg->noise) {
		PIX *own = pixCopy(NULL, rot);

		pixDestroy(&rot);
		if (own == NULL)
			return NULL;
		rot = own;
		add_noise(rot);
	}
	pixSetResolution(rot, pg->dpi, pg->dpi);
	return rot;
}

/*
 * A colour scan of an 8 bpp page: gray level v becomes the colour v/255 of the
 * way from ink to paper. Returns a new 32 bpp pix, NULL on error.
 */
PIX *colorize(PIX *gray)
{
	int w = pixGetWidth(gray), h = pixGetHeight(gray);
	int wpls = pixGetWpl(gray), wpld, x, y, v;
	const l_uint32 *ps = pixGetData(gray);
	l_uint32 map[256], *pd;
	PIX *pix;

	if (pixGetDepth(gray) != 8 || (pix = pixCreate(w, h, 32)) == NULL)
		return NULL;
	for (v = 0; v < 256; v++)
		composeRGBPixel(INK_R + (PAPER_R - INK_R) * v / 255,
				INK_G + (PAPER_G - INK_G) * v / 255,
				INK_B + (PAPER_B - INK_B) * v / 255, &map[v]);
	pd = pixGetData(pix);
	wpld = pixGetWpl(pix);
	for (y = 0; y < h; y++) {
		const l_uint32 *srow = ps + (size_t)y * (size_t)wpls;
		l_uint32 *drow = pd + (size_t)y * (size_t)wpld;

		for (x = 0; x < w; x++)
			drow[x] = map[GET_DATA_BYTE(srow, x)];
	}
	return pix;
}

/* The 8 bpp page pix at the depth format f writes. A new pix, NULL on error. */
static PIX *pix_for_format(PIX *pix, enum fmt f)
{
	switch (fmt_specs[f].depth) {
	case 1:
		return pixThresholdToBinary(pix, G4_THRESHOLD);
	case 32:
		return colorize(pix);
	default:
		return pixClone(pix);
	}
}

/*
 * Writes the 8 bpp pages of pixa to path in format f at dpi. TIFF and pdf
 * files take any number of pages, png and jpeg one. 0 or -1 (logged).
 */
int write_file(PIXA *pixa, enum fmt f, const char *path, int dpi)
{
	const struct fmt_spec *fs = &fmt_specs[f];
	int i, n = pixaGetCount(pixa), rc = 1;
	PIX *pix = NULL, *out = NULL;

	if (n < 1 || (n > 1 && !L_FORMAT_IS_TIFF(fs->iff) && fs->iff != IFF_LPDF)) {
		fprintf(stderr, "%s: %s: %s holds exactly one page\n", PROG, path, fmt_names[f]);
		return -1;
	}
	if (fs->iff == IFF_LPDF) {
		/* One JPEG per page; the page size follows from dpi. */
		rc = pixaConvertToPdf(pixa, dpi, 1.0f, L_JPEG_ENCODE, JPEG_QUALITY, NULL, path);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((pix = pixaGetPix(pixa, i, L_CLONE)) == NULL ||
		    (out = pix_for_format(pix, f)) == NULL) {
			rc = 1;
			goto out;
		}
		pixSetResolution(out, dpi, dpi);
		if (L_FORMAT_IS_TIFF(fs->iff)) {
			rc = pixWriteTiff(path, out, fs->iff, i > 0 ? "a" : "w");
		} else if (fs->iff == IFF_PNG) {
			/* Noisy gray compresses badly anyway; level 1 is many times faster. */
			pixSetZlibCompression(out, 1);
			rc = pixWrite(path, out, IFF_PNG);
		} else {
			rc = pixWriteJpeg(path, out, JPEG_QUALITY, 0);
		}
		pixDestroy(&pix);
		pixDestroy(&out);
		if (rc != 0)
			goto out;
	}
out:
	pixDestroy(&pix);
	pixDestroy(&out);
	if (rc != 0) {
		fprintf(stderr, "%s: cannot write %s\n", PROG, path);
		return -1;
	}
	return 0;
}
