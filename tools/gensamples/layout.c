/*
 * layout.c: page layout on a cairo A8 ink surface (lines, wrapped
 * paragraphs, form fields, table cells, rules, footers, barcode symbols) with
 * every line drawn recorded as ground truth; barcodes made with zint.
 */
#include "gs.h"

/* ------------------------------------------------------------------ */
/* Page layout on a cairo A8 surface.                                  */
/*
 * The surface holds ink coverage: 0 is blank paper, 255 is full ink.
 * Every line drawn is also appended to the ground truth text, in order.
 */


double mm_px(const struct lay *l, double mm)
{
	return mm / 25.4 * l->dpi;
}

double pt_px(const struct lay *l, double pt)
{
	return pt * l->dpi / 72.0;
}

void lay_init(struct lay *l, cairo_t *cr, struct sbuf *text, struct sbuf *flow,
		     int dpi, int w, int h, int cjk)
{
	memset(l, 0, sizeof *l);
	l->cr = cr;
	l->text = text;
	l->flow = flow;
	l->dpi = dpi;
	l->page_w = w;
	l->page_h = h;
	l->left = mm_px(l, MARGIN_MM);
	l->right = w - mm_px(l, MARGIN_MM);
	l->y = mm_px(l, TOP_MM);
	l->bottom = h - mm_px(l, BOTTOM_MM);
	l->cjk = cjk;
}

void lay_font(struct lay *l, enum face face, int bold, double pt)
{
	static const char *const families[] = { "DejaVu Serif", "DejaVu Sans", "DejaVu Sans Mono" };
	const char *family = l->cjk ? (l->cjkfam ? l->cjkfam : "WenQuanYi Micro Hei")
				    : (l->fam[face] ? l->fam[face] : families[face]);

	l->face = face;
	l->bold = bold;
	l->size = pt_px(l, pt);
	cairo_select_font_face(l->cr, family, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(l->cr, l->size);
}

void lay_gap(struct lay *l, double pt)
{
	l->y += pt_px(l, pt);
}

double text_width(const struct lay *l, const char *s)
{
	cairo_text_extents_t ext;

	cairo_text_extents(l->cr, s, &ext);
	return ext.x_advance;
}

/* Appends one line to the ground truth text; brk tells how it ends. */
static void lay_record_brk(struct lay *l, const char *s, enum brk brk)
{
	if (*s == '\0')
		return;
	if (l->text->len > 0)
		sbuf_add(l->text, "\n");
	sbuf_add(l->text, s);
	if (l->flow->len > 0 && l->brk != BRK_WRAP)
		sbuf_add(l->flow, l->brk == BRK_WRAP_BLANK ? " " : "\n");
	sbuf_add(l->flow, s);
	l->brk = brk;
}

void lay_record(struct lay *l, const char *s)
{
	lay_record_brk(l, s, BRK_HARD);
}

/* Reserves room for one line; returns its baseline, or -1 if the column is full. */
double lay_take_line(struct lay *l)
{
	double adv = l->size * LINE_H, base;

	if (l->full || l->y + adv > l->bottom) {
		l->full = 1;
		return -1;
	}
	base = l->y + l->size * 0.95;
	l->y += adv;
	return base;
}

void draw_at(struct lay *l, double x, double base, const char *s)
{
	cairo_move_to(l->cr, x, base);
	cairo_show_text(l->cr, s);
}

static void lay_line_brk(struct lay *l, enum align a, const char *s, enum brk brk)
{
	double base = lay_take_line(l), x = l->left, w;

	if (base < 0 || *s == '\0')
		return;
	w = text_width(l, s);
	if (a == ALIGN_CENTER)
		x = (l->left + l->right - w) / 2;
	else if (a == ALIGN_RIGHT)
		x = l->right - w;
	draw_at(l, x, base, s);
	lay_record_brk(l, s, brk);
}

void lay_line(struct lay *l, enum align a, const char *s)
{
	lay_line_brk(l, a, s, BRK_HARD);
}

/*
 * Next wrap unit of s from *pos: a run of non-blank ASCII bytes or one
 * non-ASCII character. *space tells whether blanks came before it.
 * Returns 0 at the end of s.
 */
static int wrap_next(const char *s, size_t *pos, char *unit, size_t cap, int *space)
{
	size_t p = *pos, n = 0;

	*space = 0;
	while (s[p] == ' ' || s[p] == '\n') {
		*space = 1;
		p++;
	}
	if (s[p] == '\0')
		return 0;
	if ((unsigned char)s[p] >= 0x80) {
		n = utf8_len(s + p);
		memcpy(unit, s + p, n);
		p += n;
	} else {
		while (s[p] != '\0' && s[p] != ' ' && s[p] != '\n' &&
		       (unsigned char)s[p] < 0x80 && n + 1 < cap)
			unit[n++] = s[p++];
	}
	unit[n] = '\0';
	*pos = p;
	return 1;
}

/* Draws s as a left-aligned paragraph wrapped to the column. */
void lay_para(struct lay *l, const char *s)
{
	char line[LINE_BUF], cand[LINE_BUF], unit[256];
	size_t pos = 0, n = 0;
	double width = l->right - l->left;
	int space;

	line[0] = '\0';
	while (wrap_next(s, &pos, unit, sizeof unit, &space)) {
		int too_long = fmt_str(cand, sizeof cand, "%s%s%s", line,
				      (n > 0 && space) ? " " : "", unit) != 0;
		int punct = is_cjk_punct(unit, strlen(unit));

		if (n > 0 && (too_long || (text_width(l, cand) > width && !punct))) {
			lay_line_brk(l, ALIGN_LEFT, line, space ? BRK_WRAP_BLANK : BRK_WRAP);
			if (fmt_str(cand, sizeof cand, "%s", unit))
				continue;
		}
		n = strlen(cand);
		memcpy(line, cand, n + 1);
	}
	if (n > 0)
		lay_line(l, ALIGN_LEFT, line);
	l->y += l->size * PARA_GAP;
}

/*
 * A form field: bold label, value at value_x, optionally a rule under the
 * value. Recorded as "label value".
 */
void lay_field(struct lay *l, const char *label, const char *value,
		      double value_x, int rule)
{
	char rec[LINE_BUF];
	double base = lay_take_line(l);
	enum face face = l->face;
	double pt = l->size * 72.0 / l->dpi;

	if (base < 0)
		return;
	lay_font(l, face, 1, pt);
	draw_at(l, l->left, base, label);
	lay_font(l, face, 0, pt);
	draw_at(l, value_x, base, value);
	if (rule) {
		double ry = base + l->size * 0.32;

		cairo_set_line_width(l->cr, fmax(1.0, l->dpi / 150.0));
		cairo_move_to(l->cr, value_x - l->size * 0.2, ry);
		cairo_line_to(l->cr, l->right, ry);
		cairo_stroke(l->cr);
	}
	if (fmt_str(rec, sizeof rec, "%s%s%s", label, *value ? " " : "", value) == 0)
		lay_record(l, rec);
	/* Ruled fields get air, so the rule stays clear of the next row. */
	if (rule)
		l->y += l->size * FIELD_GAP;
}



void lay_cells(struct lay *l, const struct cell *c, size_t n)
{
	char rec[LINE_BUF];
	size_t i, used = 0;
	double base = lay_take_line(l);

	if (base < 0)
		return;
	rec[0] = '\0';
	for (i = 0; i < n; i++) {
		double x = c[i].right ? c[i].x - text_width(l, c[i].s) : c[i].x;

		draw_at(l, x, base, c[i].s);
		if (*c[i].s == '\0')
			continue;
		if (fmt_str(rec + used, sizeof rec - used, "%s%s", used ? " " : "", c[i].s) == 0)
			used = strlen(rec);
	}
	lay_record(l, rec);
}

/* A horizontal rule across the column. */
void lay_rule(struct lay *l, double pt)
{
	double t = fmax(1.0, pt_px(l, pt));

	if (l->full)
		return;
	l->y += pt_px(l, 3);
	cairo_rectangle(l->cr, l->left, l->y, l->right - l->left, t);
	cairo_fill(l->cr);
	l->y += t + pt_px(l, 5);
}

/* Footer line in the bottom margin, centred; recorded last. */
void lay_footer(struct lay *l, const char *s)
{
	double base = l->page_h - mm_px(l, FOOTER_MM);

	lay_font(l, FACE_SANS, 0, 8);
	draw_at(l, (l->left + l->right - text_width(l, s)) / 2, base, s);
	lay_record(l, s);
}

/* Copies a zint bitmap onto the surface at the current line; advances y. */
void lay_symbol(struct lay *l, const struct zint_symbol *sym, enum align a)
{
	cairo_surface_t *surf = cairo_get_target(l->cr);
	unsigned char *data;
	int stride, sw, sh, bw = sym->bitmap_width, bh = sym->bitmap_height, r, c, x0, y0;

	cairo_surface_flush(surf);
	data = cairo_image_surface_get_data(surf);
	stride = cairo_image_surface_get_stride(surf);
	sw = cairo_image_surface_get_width(surf);
	sh = cairo_image_surface_get_height(surf);
	x0 = (int)l->left;
	if (a == ALIGN_CENTER)
		x0 = (int)((l->left + l->right - bw) / 2);
	else if (a == ALIGN_RIGHT)
		x0 = (int)(l->right - bw);
	y0 = (int)l->y;
	for (r = 0; r < bh; r++) {
		unsigned char *row;

		if (y0 + r < 0 || y0 + r >= sh)
			continue;
		row = data + (size_t)(y0 + r) * (size_t)stride;
		for (c = 0; c < bw; c++) {
			const unsigned char *px = sym->bitmap + ((size_t)r * (size_t)bw + (size_t)c) * 3;

			if (x0 + c >= 0 && x0 + c < sw)
				row[x0 + c] = px[0] < 128 ? 255 : 0;
		}
	}
	cairo_surface_mark_dirty(surf);
	l->y += bh;
}

/* ------------------------------------------------------------------ */
/* Barcodes                                                             */

/* EAN-13 check digit of 12 digits. */
static int ean13_check(const char *d12)
{
	int i, sum = 0;

	for (i = 0; i < 12; i++)
		sum += (d12[i] - '0') * (i % 2 ? 3 : 1);
	return (10 - sum % 10) % 10;
}

/*
 * What to encode for a barcode carrying the account number, and what a
 * reader such as zbar reports for it. Returns -1 if the account does not fit.
 */
int barcode_payload(enum bc type, const char *account, char *data, size_t dn,
			   char *expect, size_t en)
{
	char digits[24];
	size_t i, n = 0;

	for (i = 0; account[i] != '\0' && n + 1 < sizeof digits; i++)
		if (isdigit((unsigned char)account[i]))
			digits[n++] = account[i];
	digits[n] = '\0';
	switch (type) {
	case BC_I25:
		/*
		 * Digits only, even count: ACC-YYYY-NNNNNN gives ten. I2/5 has no
		 * check character: on skewed pages zbar also reports shorter
		 * numbers unless told the length (i25.min-length=10).
		 */
		if (n == 0 || n % 2 != 0)
			return -1;
		if (fmt_str(data, dn, "%s", digits) || fmt_str(expect, en, "%s", digits))
			return -1;
		return 0;
	case BC_EAN13:
		/* 20-29 is the in-store prefix range; "20" + ten digits. */
		if (n != 10 || fmt_str(data, dn, "20%s", digits))
			return -1;
		return fmt_str(expect, en, "%s%d", data, ean13_check(data));
	case BC_UPCA: {
		char d12[16];

		/*
		 * Number system 2 (in-store) + ten digits. UPC-A is EAN-13 with a
		 * leading 0, so the check digit is EAN-13's of "0" + the eleven.
		 */
		if (n != 10 || fmt_str(data, dn, "2%s", digits) ||
		    fmt_str(d12, sizeof d12, "0%s", data))
			return -1;
		return fmt_str(expect, en, "%s%d", data, ean13_check(d12));
	}
	default:
		if (fmt_str(data, dn, "%s", account) || fmt_str(expect, en, "%s", account))
			return -1;
		return 0;
	}
}

/*
 * Encodes data as a raster symbol: module_px pixels per module, height_mm tall
 * (linear codes), with quiet zones and without zint's own text. The caller
 * frees the result with ZBarcode_Delete(). NULL on error, already logged.
 */
struct zint_symbol *barcode_make(enum bc type, const char *data, int dpi,
					double module_mm, double height_mm)
{
	struct zint_symbol *sym = ZBarcode_Create();
	int module_px, rc;

	if (sym == NULL) {
		fprintf(stderr, "%s: %s: out of memory\n", PROG, __func__);
		return NULL;
	}
	module_px = (int)lround(module_mm / 25.4 * dpi);
	if (module_px < 2)
		module_px = 2;
	sym->symbology = bc_zint[type];
	sym->scale = (float)module_px / 2.0f;  /* raster: scale 1 = 2 px per module */
	sym->height = (float)(height_mm / 25.4 * dpi / module_px);
	sym->show_hrt = 0;
	sym->output_options |= BARCODE_QUIET_ZONES;
	sym->input_mode = DATA_MODE;
	rc = ZBarcode_Encode_and_Buffer(sym, (const unsigned char *)data, (int)strlen(data), 0);
	if (rc >= ZINT_ERROR || sym->bitmap == NULL) {
		fprintf(stderr, "%s: %s: %s: %s\n", PROG, __func__, bc_names[type], sym->errtxt);
		ZBarcode_Delete(sym);
		return NULL;
	}
	return sym;
}

int barcode_record(json_t *arr, enum bc type, const char *value)
{
	json_t *o = json_pack("{s:s, s:s}", "type", bc_zbar[type], "value", value);

	if (o == NULL || json_array_append_new(arr, o))
		return -1;
	return 0;
}
