/*
 * coversheet.c: prints a cover sheet as a one-page A4 PDF (cairo): the
 * account and category in large type for people, and a Code 128 barcode
 * "<prefix><ACCOUNT>:<CATEGORY>" (zint, drawn as vectors) for the ingest
 * pipeline.  Before one is printed, ing_coversheet_check makes sure it
 * would file what it says: an account of the archive's pattern and a
 * category the archive knows.  Exports ing_coversheet_pdf,
 * ing_coversheet_check.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <zint.h>

#include "internal.h"

#define A4_W 595.28
#define A4_H 841.89

static int
field_ok(const char *s, size_t max)
{
	size_t n = s != NULL ? strlen(s) : 0, i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!isprint((unsigned char)s[i]) || s[i] == ':' || s[i] == ' ')
			return 0;
	return 1;
}

static void
text_centered(cairo_t *cr, const char *s, double size, double y)
{
	cairo_text_extents_t ext;

	cairo_set_font_size(cr, size);
	cairo_text_extents(cr, s, &ext);
	cairo_move_to(cr, (A4_W - ext.width) / 2 - ext.x_bearing, y);
	cairo_show_text(cr, s);
}

enum dos_err
ing_coversheet_check(struct arc *a, const char *account_regex,
		     const char *account, const char *category, char *msg,
		     size_t msglen)
{
	regex_t re;
	regmatch_t m;
	int whole;

	if (!field_ok(account, 64) || !field_ok(category, 32)) {
		snprintf(msg, msglen, "account and category must be 1-64 and "
				      "1-32 printable characters without "
				      "spaces or ':'");
		return DOS_INVAL;
	}
	if (regcomp(&re, account_regex, REG_EXTENDED) != 0) {
		snprintf(msg, msglen, "the account pattern '%s' is not a valid "
			 "regular expression", account_regex);
		return DOS_INVAL;
	}
	whole = regexec(&re, account, 1, &m, 0) == 0 && m.rm_so == 0 &&
		(size_t)m.rm_eo == strlen(account);
	regfree(&re);
	if (!whole) {
		snprintf(msg, msglen, "'%s' is not an account number (they "
			 "look like %s)", account, account_regex);
		return DOS_INVAL;
	}
	return a != NULL ? arc_category_check(a, category, msg, msglen)
			 : DOS_OK;
}

enum dos_err
ing_coversheet_pdf(const char *prefix, const char *account,
		   const char *category, const char *path, char *msg,
		   size_t msglen)
{
	struct zint_symbol *sym = NULL;
	struct zint_vector_rect *r;
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	char data[256], line[300];
	double scale, bw, x0, y0;
	enum dos_err err = DOS_OK;

	if (!field_ok(account, 64) || !field_ok(category, 32)) {
		snprintf(msg, msglen, "account and category must be 1-64 and "
				      "1-32 printable characters without "
				      "spaces or ':'");
		return DOS_INVAL;
	}
	if (dos_snprintf(data, sizeof(data), "%s%s:%s", prefix, account,
			 category) != DOS_OK) {
		snprintf(msg, msglen, "barcode text is too long");
		return DOS_INVAL;
	}
	if ((sym = ZBarcode_Create()) == NULL)
		return DOS_NOMEM;
	sym->symbology = BARCODE_CODE128;
	sym->show_hrt = 0;
	if (ZBarcode_Encode_and_Buffer_Vector(sym, (unsigned char *)data,
					      (int)strlen(data), 0) >=
		    ZINT_ERROR ||
	    sym->vector == NULL) {
		snprintf(msg, msglen, "cannot encode the barcode: %s",
			 sym->errtxt);
		err = DOS_INVAL;
		goto out;
	}
	surf = cairo_pdf_surface_create(path, A4_W, A4_H);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		snprintf(msg, msglen, "cannot write %s", path);
		err = DOS_IO;
		goto out;
	}
	cr = cairo_create(surf);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_BOLD);
	text_centered(cr, "DOSSIER COVER SHEET", 30, 120);
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	snprintf(line, sizeof(line), "Account: %s", account);
	text_centered(cr, line, 24, 220);
	snprintf(line, sizeof(line), "Category: %s", category);
	text_centered(cr, line, 24, 270);
	text_centered(cr, "Place this sheet on top of the document and scan "
			  "them together.",
		      11, 330);
	/* Bars at least 1 mm per module-ish: 0.85 pt per zint unit, capped. */
	bw = sym->vector->width;
	scale = bw > 0 ? (A4_W - 120) / bw : 1;
	if (scale > 3.0)
		scale = 3.0;
	x0 = (A4_W - bw * scale) / 2;
	y0 = 400;
	for (r = sym->vector->rectangles; r != NULL; r = r->next) {
		cairo_rectangle(cr, x0 + r->x * scale, y0 + r->y * scale,
				r->width * scale, 120);
		cairo_fill(cr);
	}
	cairo_set_font_size(cr, 14);
	cairo_select_font_face(cr, "DejaVu Sans Mono",
			       CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	text_centered(cr, data, 14, y0 + 150);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cr = NULL;
	cairo_surface_finish(surf);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		snprintf(msg, msglen, "cannot write %s", path);
		err = DOS_IO;
	}
out:
	if (cr != NULL)
		cairo_destroy(cr);
	if (surf != NULL)
		cairo_surface_destroy(surf);
	ZBarcode_Delete(sym);
	return err;
}
