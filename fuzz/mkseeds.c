/*
 * mkseeds.c: writes the image and PDF seeds of fuzz/corpus/image/ and
 * fuzz/corpus/pdf/: tiny pages (64x48 pixels, a few hundred bytes each)
 * in every encoding the ingest meets: TIFF G4, G3, packbits, LZW, ZIP,
 * JPEG-in-TIFF, two-page TIFF, colour-mapped, 16-bit; PNG 1/2/4/8/16-bit,
 * palette, RGBA; JPEG gray, colour and progressive; PDFs from cairo with
 * an image, text, vector drawing and two pages.  The seeds are kept in
 * the repository; this is how they were made (run by fuzz/mkseeds.sh,
 * which also writes uncompressed variants of the PDFs with qpdf).
 *
 *   mkseeds IMAGE_DIR PDF_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <leptonica/allheaders.h>
#include <tiffio.h>

#define W 64
#define H 48

static void tiff_raw(const char *dir, const char *name, const char *mode,
		     int spp, int bps, int tiled, int planar, int comp);

/* A page with a frame, a bar pattern and a dot: something to decode. */
static PIX *
page(int depth)
{
	PIX *g = pixCreate(W, H, 8), *p;
	int x, y;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			pixSetPixel(g, x, y,
				    (x < 2 || y < 2 || x >= W - 2 ||
				     y >= H - 2 || (x / 4) % 3 == 0)
					    ? 0
					    : (l_uint32)(255 - x * 2));
	switch (depth) {
	case 1:
		p = pixConvertTo1(g, 128);
		break;
	case 2:
		p = pixThresholdTo2bpp(g, 4, 1);
		break;
	case 4:
		p = pixThresholdTo4bpp(g, 16, 1);
		break;
	case 16:
		p = pixConvert8To16(g, 8);
		break;
	case 32:
		p = pixConvertTo32(g);
		pixSetRGBPixel(p, 10, 10, 200, 30, 40);
		break;
	default:
		p = pixClone(g);
	}
	pixSetResolution(p, 150, 150);
	pixDestroy(&g);
	return p;
}

static void
save(const char *dir, const char *name, const l_uint8 *d, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(d, 1, n, f) != n ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void
tiff(const char *dir, const char *name, int depth, l_int32 comp)
{
	PIX *p = page(depth);
	l_uint8 *d = NULL;
	size_t n = 0;

	if (pixWriteMemTiff(&d, &n, p, comp) != 0) {
		fprintf(stderr, "mkseeds: %s\n", name);
		exit(1);
	}
	save(dir, name, d, n);
	free(d);
	pixDestroy(&p);
}

static void
png(const char *dir, const char *name, PIX *p)
{
	l_uint8 *d = NULL;
	size_t n = 0;

	if (pixWriteMemPng(&d, &n, p, 0.0) != 0)
		exit(1);
	save(dir, name, d, n);
	free(d);
	pixDestroy(&p);
}

static void
jpeg(const char *dir, const char *name, int depth, int progressive)
{
	PIX *p = page(depth);
	l_uint8 *d = NULL;
	size_t n = 0;

	if (pixWriteMemJpeg(&d, &n, p, 50, progressive) != 0)
		exit(1);
	save(dir, name, d, n);
	free(d);
	pixDestroy(&p);
}

static void
images(const char *dir)
{
	char path[512];
	PIX *p, *q;
	l_uint8 *d;
	size_t n;

	tiff(dir, "g4.tif", 1, IFF_TIFF_G4);
	tiff(dir, "g3.tif", 1, IFF_TIFF_G3);
	tiff(dir, "packbits.tif", 1, IFF_TIFF_PACKBITS);
	tiff(dir, "lzw-gray.tif", 8, IFF_TIFF_LZW);
	tiff(dir, "zip-rgb.tif", 32, IFF_TIFF_ZIP);
	tiff(dir, "jpeg-in.tif", 8, IFF_TIFF_JPEG);
	tiff(dir, "raw-16bit.tif", 16, IFF_TIFF);
	p = page(8);
	q = pixConvertGrayToColormap(p);
	pixDestroy(&p);
	pixWriteMemTiff(&d, &n, q, IFF_TIFF_LZW);
	save(dir, "cmap.tif", d, n);
	free(d);
	pixDestroy(&q);
	/* Two pages: G4 then gray LZW. */
	snprintf(path, sizeof(path), "%s/two-pages.tif", dir);
	p = page(1);
	q = page(8);
	if (pixWriteTiff(path, p, IFF_TIFF_G4, "w") != 0 ||
	    pixWriteTiff(path, q, IFF_TIFF_LZW, "a") != 0)
		exit(1);
	pixDestroy(&p);
	pixDestroy(&q);

	/* A small page, then one over the fuzzers' 4-megapixel limit. */
	snprintf(path, sizeof(path), "%s/second-page-over-limit.tif", dir);
	p = page(1);
	q = pixCreate(3000, 2000, 1);
	if (pixWriteTiff(path, p, IFF_TIFF_G4, "w") != 0 ||
	    pixWriteTiff(path, q, IFF_TIFF_G4, "a") != 0)
		exit(1);
	pixDestroy(&p);
	pixDestroy(&q);
	tiff_raw(dir, "tiled.tif", "w", 1, 8, 1, 0, COMPRESSION_LZW);
	tiff_raw(dir, "big-endian-rgb16.tif", "wb", 3, 16, 0, 0,
		 COMPRESSION_ADOBE_DEFLATE);
	tiff_raw(dir, "planar-rgb.tif", "w", 3, 8, 0, 1, COMPRESSION_NONE);
	tiff_raw(dir, "gray-alpha.tif", "w", 2, 8, 0, 0, COMPRESSION_PACKBITS);
	tiff_raw(dir, "tiled-rgba.tif", "w", 4, 8, 1, 0, COMPRESSION_NONE);

	png(dir, "1bit.png", page(1));
	png(dir, "2bit.png", page(2));
	png(dir, "4bit-cmap.png", page(4));
	png(dir, "gray.png", page(8));
	png(dir, "16bit.png", page(16));
	p = page(8);
	png(dir, "palette.png", pixConvertGrayToColormap(p));
	pixDestroy(&p);
	p = page(32);
	pixSetSpp(p, 4);
	png(dir, "rgba.png", p);

	jpeg(dir, "gray.jpg", 8, 0);
	jpeg(dir, "rgb.jpg", 32, 0);
	jpeg(dir, "progressive.jpg", 32, 1);
}

/*
 * A TIFF written with libtiff itself, for layouts Leptonica does not
 * write: tiles, big-endian byte order, separate colour planes, 16-bit
 * samples, extra samples.
 */
static void
tiff_raw(const char *dir, const char *name, const char *mode, int spp,
	 int bps, int tiled, int planar, int comp)
{
	char path[512];
	unsigned char buf[16 * 16 * 4 * 2];
	TIFF *t;
	int x, y, s, nplanes = planar ? spp : 1;
	size_t i, n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((t = TIFFOpen(path, mode)) == NULL)
		exit(1);
	TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 32);
	TIFFSetField(t, TIFFTAG_IMAGELENGTH, 16);
	TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, spp);
	TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, bps);
	TIFFSetField(t, TIFFTAG_PHOTOMETRIC,
		     spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
	TIFFSetField(t, TIFFTAG_PLANARCONFIG,
		     planar ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG);
	TIFFSetField(t, TIFFTAG_COMPRESSION, comp);
	TIFFSetField(t, TIFFTAG_XRESOLUTION, 150.0);
	TIFFSetField(t, TIFFTAG_YRESOLUTION, 150.0);
	TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
	if (spp == 2 || spp == 4) {
		uint16_t extra = EXTRASAMPLE_UNASSALPHA;

		TIFFSetField(t, TIFFTAG_EXTRASAMPLES, 1, &extra);
	}
	if (tiled) {
		TIFFSetField(t, TIFFTAG_TILEWIDTH, 16);
		TIFFSetField(t, TIFFTAG_TILELENGTH, 16);
		n = (size_t)16 * 16 * (size_t)(planar ? 1 : spp) * (size_t)bps /
		    8;
		for (i = 0; i < n; i++)
			buf[i] = (unsigned char)(i * 7);
		for (s = 0; s < nplanes; s++)
			for (x = 0; x < 32; x += 16)
				TIFFWriteTile(t, buf, (uint32_t)x, 0, 0,
					      (tsample_t)s);
	} else {
		TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 4);
		n = (size_t)32 * (size_t)(planar ? 1 : spp) * (size_t)bps / 8;
		for (s = 0; s < nplanes; s++)
			for (y = 0; y < 16; y++) {
				for (i = 0; i < n; i++)
					buf[i] = (unsigned char)(i * 5 + y);
				TIFFWriteScanline(t, buf, (uint32_t)y,
						  (tsample_t)s);
			}
	}
	TIFFClose(t);
}

/* A PDF page of w x h points drawn by cairo. */
static void
pdf(const char *dir, const char *name, double w, double h, int what,
    int pages)
{
	char path[512];
	cairo_surface_t *s, *img;
	cairo_t *cr;
	unsigned char *px;
	int i, x, y, stride;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	s = cairo_pdf_surface_create(path, w, h);
	cr = cairo_create(s);
	for (i = 0; i < pages; i++) {
		if (what == 0 || i == 1) {
			/* A gray image: an image XObject with /Width. */
			img = cairo_image_surface_create(CAIRO_FORMAT_A8, 16,
							 12);
			px = cairo_image_surface_get_data(img);
			stride = cairo_image_surface_get_stride(img);
			for (y = 0; y < 12; y++)
				for (x = 0; x < 16; x++)
					px[y * stride + x] =
						(unsigned char)((x ^ y) * 16);
			cairo_surface_mark_dirty(img);
			cairo_set_source_rgb(cr, 0, 0, 0);
			cairo_mask_surface(cr, img, 4, 4);
			cairo_surface_destroy(img);
		} else if (what == 1) {
			cairo_select_font_face(cr, "DejaVu Sans",
					       CAIRO_FONT_SLANT_NORMAL,
					       CAIRO_FONT_WEIGHT_NORMAL);
			cairo_set_font_size(cr, 10);
			cairo_move_to(cr, 4, 20);
			cairo_show_text(cr, "ACC-2024-000001");
		} else {
			cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
			cairo_rectangle(cr, 4, 4, w / 2, h / 3);
			cairo_fill(cr);
			cairo_arc(cr, w / 2, h / 2, h / 4, 0, 6.28);
			cairo_stroke(cr);
		}
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		exit(1);
	cairo_surface_destroy(s);
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkseeds IMAGE_DIR PDF_DIR\n");
		return 2;
	}
	setMsgSeverity(L_SEVERITY_NONE);
	images(argv[1]);
	pdf(argv[2], "image.pdf", 72, 54, 0, 1);
	pdf(argv[2], "text.pdf", 144, 36, 1, 1);
	pdf(argv[2], "vector.pdf", 72, 72, 2, 1);
	pdf(argv[2], "two-pages.pdf", 72, 54, 1, 2);
	return 0;
}
