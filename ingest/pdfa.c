/*
 * pdfa.c: the archive's PDFs as PDF/A-2b, and stamped copies.
 *
 * PDF/A-2b asks of a file: XMP metadata naming the part and conformance
 * (here also the document's title, customer and archive number, the
 * latter two in a "dossier" schema described by a PDF/A extension
 * schema, and the same title, producer and dates in the Info
 * dictionary), an output intent with an ICC profile (sRGB, from
 * Debian's icc-profiles-free, compiled in), every font embedded
 * (Tesseract's GlyphLessFont is), no encryption and no transparency.
 * ing_pdfa_apply adds what a joined Tesseract PDF lacks; the PDFs made
 * at ingest carry what is known then (no archive number yet), and every
 * PDF that leaves the archive is stamped again with the document's
 * metadata of the moment.
 *
 * A copy for someone is stamped on every page with who took it, when
 * and why, in a light diagonal band.  Without transparency: the band is
 * painted first and the page's scan, a 1-bit image, is then painted as
 * a stencil mask, black where the scan is black, so the band shows
 * through the paper and never covers the text.  A page whose image is
 * not 1-bit gets the stamp as outlined letters over it instead.  The
 * stamp's letters are glyph outlines from cairo (filled paths): no font
 * to embed.
 *
 * Exports ing_pdf_pdfa, ing_pdf_copy, ing_doc_pdf and the internal
 * ing_pdfa_apply.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <qpdf/qpdf-c.h>

#include "internal.h"

/* The sRGB profile (icc-profiles-free's sRGB.icc), compiled in. */
extern const unsigned char ing_srgb_icc[];
extern const size_t ing_srgb_icc_len;

#define XMP_MAX (64u << 10)
#define STAMP_FONT "WenQuanYi Micro Hei"
#define PRODUCER "dossier (Tesseract, qpdf)"

/* Appends s to b with XML's five characters escaped; control
 * characters (not allowed in XML 1.0) become blanks. */
static void
xml_add(struct dbuf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&': dbuf_adds(b, "&amp;"); break;
		case '<': dbuf_adds(b, "&lt;"); break;
		case '>': dbuf_adds(b, "&gt;"); break;
		case '"': dbuf_adds(b, "&quot;"); break;
		case '\'': dbuf_adds(b, "&apos;"); break;
		default:
			if ((unsigned char)*s < 0x20)
				dbuf_add(b, " ", 1);
			else
				dbuf_add(b, s, 1);
		}
	}
}

static void
xml_elem(struct dbuf *b, const char *name, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	dbuf_addf(b, "   <%s>", name);
	xml_add(b, v);
	dbuf_addf(b, "</%s>\n", name);
}

static void
xml_alt(struct dbuf *b, const char *name, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	dbuf_addf(b, "   <%s><rdf:Alt><rdf:li xml:lang=\"x-default\">", name);
	xml_add(b, v);
	dbuf_addf(b, "</rdf:li></rdf:Alt></%s>\n", name);
}

/* One property of the dossier schema, described for PDF/A. */
static void
xmp_prop(struct dbuf *b, const char *name, const char *type,
	 const char *what)
{
	dbuf_addf(b, "       <rdf:li rdf:parseType=\"Resource\">"
		     "<pdfaProperty:name>%s</pdfaProperty:name>"
		     "<pdfaProperty:valueType>%s</pdfaProperty:valueType>"
		     "<pdfaProperty:category>external</pdfaProperty:category>"
		     "<pdfaProperty:description>%s</pdfaProperty:description>"
		     "</rdf:li>\n",
		  name, type, what);
}

/* "2026-12-07T21:04:00Z" -> XMP "2026-12-07T21:04:00+00:00" and PDF
 * "D:20261207210400+00'00'"; 0 for anything else. */
static int
dates(const char *iso, char xmp[32], char pdf[32])
{
	int y, mo, d, h, mi, s;

	if (iso == NULL || strlen(iso) != 20 || iso[19] != 'Z' ||
	    sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi,
		   &s) != 6)
		return 0;
	snprintf(xmp, 32, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", y, mo, d, h,
		 mi, s);
	snprintf(pdf, 32, "D:%04d%02d%02d%02d%02d%02d+00'00'", y, mo, d, h,
		 mi, s);
	return 1;
}

/* "Customer C-1 (Wei Li), archive number 3-2026-00001": the subject. */
static void
subject(const struct ing_pdf_meta *m, char *out, size_t n)
{
	char cust[300] = "", no[120] = "";

	if (m->customer != NULL && m->customer[0] != '\0')
		snprintf(cust, sizeof(cust), "Customer %s%s%s%s", m->customer,
			 m->customer_name != NULL ? " (" : "",
			 m->customer_name != NULL ? m->customer_name : "",
			 m->customer_name != NULL ? ")" : "");
	if (m->archive_no != NULL && m->archive_no[0] != '\0')
		snprintf(no, sizeof(no), "archive number %s", m->archive_no);
	snprintf(out, n, "%s%s%s", cust, cust[0] && no[0] ? ", " : "", no);
}

/* The XMP packet for m (may be NULL: the identification only). */
static enum dos_err
xmp_packet(const struct ing_pdf_meta *m, struct dbuf *b)
{
	char x[32], p[32], subj[500], id[32];
	int have_date = m != NULL && dates(m->created, x, p);

	subj[0] = '\0';
	if (m != NULL)
		subject(m, subj, sizeof(subj));
	dbuf_adds(b, "<?xpacket begin=\"\xef\xbb\xbf\" "
		     "id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
		     "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
		     " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
		     "22-rdf-syntax-ns#\">\n"
		     "  <rdf:Description rdf:about=\"\"\n"
		     "    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n"
		     "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
		     "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
		     "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
		     "    xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/"
		     "extension/\"\n"
		     "    xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/"
		     "schema#\"\n"
		     "    xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/"
		     "property#\"\n"
		     "    xmlns:dossier=\"" ING_XMP_NS "\">\n"
		     "   <pdfaid:part>2</pdfaid:part>\n"
		     "   <pdfaid:conformance>B</pdfaid:conformance>\n"
		     "   <dc:format>application/pdf</dc:format>\n");
	if (m != NULL) {
		xml_alt(b, "dc:title", m->title);
		xml_alt(b, "dc:description", subj);
		xml_elem(b, "dc:identifier", m->archive_no);
		if (have_date) {
			xml_elem(b, "xmp:CreateDate", x);
			xml_elem(b, "xmp:ModifyDate", x);
			xml_elem(b, "xmp:MetadataDate", x);
		}
		xml_elem(b, "dossier:archiveNumber", m->archive_no);
		xml_elem(b, "dossier:customer", m->customer);
		xml_elem(b, "dossier:customerName", m->customer_name);
		if (m->doc_id > 0) {
			snprintf(id, sizeof(id), "%lld", (long long)m->doc_id);
			xml_elem(b, "dossier:documentId", id);
		}
		xml_elem(b, "dossier:languages", m->lang);
	}
	xml_elem(b, "xmp:CreatorTool", "dossier");
	xml_elem(b, "pdf:Producer", PRODUCER);
	dbuf_adds(b, "   <pdfaExtension:schemas><rdf:Bag>\n"
		     "    <rdf:li rdf:parseType=\"Resource\">\n"
		     "     <pdfaSchema:schema>dossier archive record"
		     "</pdfaSchema:schema>\n"
		     "     <pdfaSchema:namespaceURI>" ING_XMP_NS
		     "</pdfaSchema:namespaceURI>\n"
		     "     <pdfaSchema:prefix>dossier</pdfaSchema:prefix>\n"
		     "     <pdfaSchema:property><rdf:Seq>\n");
	xmp_prop(b, "archiveNumber", "Text",
		 "the document's archive number (catalogue-volume-item)");
	xmp_prop(b, "customer", "Text", "the customer number");
	xmp_prop(b, "customerName", "Text", "the customer's name");
	xmp_prop(b, "documentId", "Integer", "the document's number in "
					     "the archive");
	xmp_prop(b, "languages", "Text", "the OCR languages");
	dbuf_adds(b, "     </rdf:Seq></pdfaSchema:property>\n"
		     "    </rdf:li>\n"
		     "   </rdf:Bag></pdfaExtension:schemas>\n"
		     "  </rdf:Description>\n"
		     " </rdf:RDF>\n"
		     "</x:xmpmeta>\n");
	/* Room to edit in place, as XMP writers leave. */
	dbuf_adds(b, "                                                  \n"
		     "<?xpacket end=\"w\"?>");
	return b->data != NULL && b->len < XMP_MAX ? DOS_OK : DOS_NOMEM;
}

/* A new stream holding p..n with dictionary entries dict (parsed). */
static qpdf_oh
new_stream(qpdf_data q, const void *p, size_t n, const char *dict)
{
	qpdf_oh s = qpdf_oh_new_stream(q), d, k, null = qpdf_oh_new_null(q);
	const char *key;

	qpdf_oh_replace_stream_data(q, s, p, n, null, null);
	if (dict != NULL) {
		d = qpdf_oh_parse(q, dict);
		qpdf_oh_begin_dict_key_iter(q, d);
		while (qpdf_oh_dict_more_keys(q)) {
			key = qpdf_oh_dict_next_key(q);
			k = qpdf_oh_get_key(q, d, key);
			qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, s), key, k);
		}
	}
	return s;
}

/* Whether the catalog has a PDF/A output intent already. */
static int
has_pdfa_intent(qpdf_data q, qpdf_oh root)
{
	qpdf_oh arr, it;
	int i, n;

	if (!qpdf_oh_has_key(q, root, "/OutputIntents"))
		return 0;
	arr = qpdf_oh_get_key(q, root, "/OutputIntents");
	n = qpdf_oh_is_array(q, arr) ? qpdf_oh_get_array_n_items(q, arr) : 0;
	for (i = 0; i < n; i++) {
		it = qpdf_oh_get_array_item(q, arr, i);
		if (qpdf_oh_is_or_has_name(q, qpdf_oh_get_key(q, it, "/S"),
					   "/GTS_PDFA1") &&
		    qpdf_oh_is_stream(q, qpdf_oh_get_key(q, it,
							 "/DestOutputProfile")))
			return 1;
	}
	return 0;
}

enum dos_err
ing_pdfa_apply(qpdf_data q, const struct ing_pdf_meta *m)
{
	struct dbuf x;
	qpdf_oh root, trailer, info, md, icc, intent, arr;
	char xd[32], pd[32], subj[500];

	dbuf_init(&x, XMP_MAX);
	if (xmp_packet(m, &x) != DOS_OK) {
		dbuf_free(&x);
		return DOS_NOMEM;
	}
	root = qpdf_get_root(q);
	trailer = qpdf_get_trailer(q);
	/* The XMP stream stays unfiltered, as PDF/A asks. */
	md = new_stream(q, x.data, x.len,
			"<< /Type /Metadata /Subtype /XML >>");
	dbuf_free(&x);
	qpdf_oh_replace_key(q, root, "/Metadata", md);
	if (!has_pdfa_intent(q, root)) {
		icc = new_stream(q, ing_srgb_icc, ing_srgb_icc_len,
				 "<< /N 3 >>");
		intent = qpdf_oh_parse(q, "<< /Type /OutputIntent /S "
					  "/GTS_PDFA1 "
					  "/OutputConditionIdentifier "
					  "(sRGB IEC61966-2.1) /Info "
					  "(sRGB IEC61966-2.1) /RegistryName "
					  "(http://www.color.org) >>");
		qpdf_oh_replace_key(q, intent, "/DestOutputProfile", icc);
		arr = qpdf_oh_new_array(q);
		qpdf_oh_append_item(q, arr,
				    qpdf_make_indirect_object(q, intent));
		qpdf_oh_replace_key(q, root, "/OutputIntents", arr);
	}
	/* The Info dictionary says what the XMP says, and nothing else. */
	info = qpdf_oh_new_dictionary(q);
	qpdf_oh_replace_key(q, info, "/Producer",
			    qpdf_oh_new_unicode_string(q, PRODUCER));
	qpdf_oh_replace_key(q, info, "/Creator",
			    qpdf_oh_new_unicode_string(q, "dossier"));
	if (m != NULL) {
		if (m->title != NULL && m->title[0] != '\0')
			qpdf_oh_replace_key(
				q, info, "/Title",
				qpdf_oh_new_unicode_string(q, m->title));
		subject(m, subj, sizeof(subj));
		if (subj[0] != '\0')
			qpdf_oh_replace_key(q, info, "/Subject",
					    qpdf_oh_new_unicode_string(q,
								       subj));
		if (dates(m->created, xd, pd)) {
			qpdf_oh_replace_key(q, info, "/CreationDate",
					    qpdf_oh_new_string(q, pd));
			qpdf_oh_replace_key(q, info, "/ModDate",
					    qpdf_oh_new_string(q, pd));
		}
	}
	qpdf_oh_replace_key(q, trailer, "/Info",
			    qpdf_make_indirect_object(q, info));
	qpdf_oh_release_all(q);
	if (qpdf_has_error(q)) {
		dos_errx("PDF/A: %s",
			 qpdf_get_error_full_text(q, qpdf_get_error(q)));
		return DOS_FORMAT;
	}
	return DOS_OK;
}

/* ---- stamped copies ---- */

/* Appends cairo's outline of text (size pt, baseline at x, y, y up)
 * as PDF path operators. */
static void
glyph_path(cairo_t *cr, struct dbuf *b, const char *text, double x, double y)
{
	cairo_path_t *path;
	cairo_path_data_t *d;
	int i;

	/* A recording surface has no edge: no glyph is left out as
	 * outside it. */
	cairo_new_path(cr);
	cairo_move_to(cr, 0, 0);
	cairo_text_path(cr, text);
	path = cairo_copy_path(cr);
	for (i = 0; path != NULL && i < path->num_data;
	     i += path->data[i].header.length) {
		d = &path->data[i];
		switch (d->header.type) {
		case CAIRO_PATH_MOVE_TO:
			dbuf_addf(b, "%.2f %.2f m\n", x + d[1].point.x,
				  y - d[1].point.y);
			break;
		case CAIRO_PATH_LINE_TO:
			dbuf_addf(b, "%.2f %.2f l\n", x + d[1].point.x,
				  y - d[1].point.y);
			break;
		case CAIRO_PATH_CURVE_TO:
			dbuf_addf(b, "%.2f %.2f %.2f %.2f %.2f %.2f c\n",
				  x + d[1].point.x, y - d[1].point.y,
				  x + d[2].point.x, y - d[2].point.y,
				  x + d[3].point.x, y - d[3].point.y);
			break;
		case CAIRO_PATH_CLOSE_PATH: dbuf_adds(b, "h\n"); break;
		}
	}
	cairo_path_destroy(path);
}

/*
 * The stamp for a page of w x h points: a band along the diagonal with
 * the lines in it.  fill: the band filled and the letters filled (drawn
 * under the page); else letters outlined and the band's edges (drawn
 * over it).
 */
static enum dos_err
stamp_ops(const char *const *lines, int nlines, double w, double h, int fill,
	  struct dbuf *b)
{
	cairo_surface_t *sf = NULL;
	cairo_t *cr = NULL;
	cairo_text_extents_t ext;
	double ang = atan2(h, w), diag = sqrt(w * w + h * h), size = 17.0;
	double lh, bh, widest = 0, y;
	int i;

	if ((sf = cairo_recording_surface_create(CAIRO_CONTENT_ALPHA, NULL)) ==
		    NULL ||
	    (cr = cairo_create(sf)) == NULL ||
	    cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		if (cr != NULL)
			cairo_destroy(cr);
		if (sf != NULL)
			cairo_surface_destroy(sf);
		return DOS_NOMEM;
	}
	cairo_select_font_face(cr, STAMP_FONT, CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	for (i = 0; i < nlines; i++) {
		cairo_text_extents(cr, lines[i], &ext);
		if (ext.x_advance > widest)
			widest = ext.x_advance;
	}
	/* Twice along the band, so that one of them falls on blank paper;
	 * each line at most 36% of the diagonal. */
	if (widest > 0.36 * diag) {
		size *= 0.36 * diag / widest;
		cairo_set_font_size(cr, size);
	}
	lh = size * 1.35;
	bh = lh * nlines + size;
	dbuf_addf(b, "q\n%.5f %.5f %.5f %.5f %.2f %.2f cm\n", cos(ang),
		  sin(ang), -sin(ang), cos(ang), w / 2, h / 2);
	if (fill)
		dbuf_addf(b, "0.91 g\n%.2f %.2f %.2f %.2f re f\n0.55 g\n",
			  -diag / 2, -bh / 2, diag, bh);
	else
		dbuf_addf(b, "0.6 G 0.4 w\n%.2f %.2f m %.2f %.2f l S\n"
			     "%.2f %.2f m %.2f %.2f l S\n",
			  -diag / 2, -bh / 2, diag / 2, -bh / 2, -diag / 2,
			  bh / 2, diag / 2, bh / 2);
	y = bh / 2 - size * 0.5 - size;
	for (i = 0; i < nlines; i++, y -= lh) {
		cairo_text_extents(cr, lines[i], &ext);
		glyph_path(cr, b, lines[i], -diag / 5 - ext.x_advance / 2, y);
		glyph_path(cr, b, lines[i], diag / 5 - ext.x_advance / 2, y);
		dbuf_adds(b, fill ? "f\n" : "S\n");
	}
	dbuf_adds(b, "Q\n");
	cairo_destroy(cr);
	cairo_surface_destroy(sf);
	return b->data != NULL ? DOS_OK : DOS_NOMEM;
}

/*
 * Whether every image the page paints is 1-bit gray (a scan), and with
 * make_masks, turns each into a stencil mask painted in the fill colour.
 */
static int
page_masks(qpdf_data q, qpdf_oh page, int make_masks)
{
	qpdf_oh res, xo, im, d;
	const char *key;
	char keys[32][128];
	int n = 0, i, ok = 1;

	res = qpdf_oh_get_key(q, page, "/Resources");
	xo = qpdf_oh_get_key(q, res, "/XObject");
	if (!qpdf_oh_is_dictionary(q, xo))
		return 0;
	qpdf_oh_begin_dict_key_iter(q, xo);
	while (qpdf_oh_dict_more_keys(q)) {
		key = qpdf_oh_dict_next_key(q);
		if (n == 32)
			return 0;
		snprintf(keys[n++], sizeof(keys[0]), "%s", key);
	}
	for (i = 0; i < n; i++) {
		im = qpdf_oh_get_key(q, xo, keys[i]);
		if (!qpdf_oh_is_stream(q, im))
			return 0;
		d = qpdf_oh_get_dict(q, im);
		if (!qpdf_oh_is_or_has_name(
			    q, qpdf_oh_get_key(q, d, "/Subtype"), "/Image"))
			return 0;
		if (qpdf_oh_get_int_value(q, qpdf_oh_get_key(
						  q, d, "/BitsPerComponent")) !=
			    1 ||
		    !qpdf_oh_is_or_has_name(
			    q, qpdf_oh_get_key(q, d, "/ColorSpace"),
			    "/DeviceGray"))
			ok = 0;
		if (make_masks && ok) {
			qpdf_oh_remove_key(q, d, "/ColorSpace");
			qpdf_oh_replace_key(q, d, "/ImageMask",
					    qpdf_oh_new_bool(q, QPDF_TRUE));
		}
	}
	return ok && n > 0;
}

/* The resource name of the page's GlyphLessFont (Tesseract's invisible
 * text font, whose CIDs are UTF-16 code units), or "" when it has none. */
static void
glyphless_font(qpdf_data q, qpdf_oh page, char *name, size_t n)
{
	qpdf_oh fonts, f;
	char keys[16][128];
	const char *key;
	int nk = 0, i;

	name[0] = '\0';
	fonts = qpdf_oh_get_key(q, qpdf_oh_get_key(q, page, "/Resources"),
				"/Font");
	if (!qpdf_oh_is_dictionary(q, fonts))
		return;
	qpdf_oh_begin_dict_key_iter(q, fonts);
	while (qpdf_oh_dict_more_keys(q) && nk < 16) {
		key = qpdf_oh_dict_next_key(q);
		snprintf(keys[nk++], sizeof(keys[0]), "%s", key);
	}
	for (i = 0; i < nk; i++) {
		f = qpdf_oh_get_key(q, fonts, keys[i]);
		if (qpdf_oh_is_or_has_name(q, qpdf_oh_get_key(q, f, "/Subtype"),
					   "/Type0") &&
		    qpdf_oh_is_or_has_name(
			    q, qpdf_oh_get_key(q, f, "/BaseFont"),
			    "/GlyphLessFont")) {
			snprintf(name, n, "%.100s", keys[i]);
			return;
		}
	}
}

/* Appends s (UTF-8) as a hex string of UTF-16BE code units. */
static void
utf16_hex(struct dbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long c;
	int len;

	dbuf_adds(b, "<");
	while (*p != '\0') {
		if (*p < 0x80) {
			c = *p;
			len = 1;
		} else if ((*p & 0xe0) == 0xc0 && p[1] != '\0') {
			c = ((unsigned long)(*p & 0x1f) << 6) | (p[1] & 0x3f);
			len = 2;
		} else if ((*p & 0xf0) == 0xe0 && p[1] != '\0' &&
			   p[2] != '\0') {
			c = ((unsigned long)(*p & 0x0f) << 12) |
			    ((unsigned long)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
			len = 3;
		} else if ((*p & 0xf8) == 0xf0 && p[1] != '\0' &&
			   p[2] != '\0' && p[3] != '\0') {
			c = ((unsigned long)(*p & 0x07) << 18) |
			    ((unsigned long)(p[1] & 0x3f) << 12) |
			    ((unsigned long)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
			len = 4;
		} else {
			c = '?';
			len = 1;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			dbuf_addf(b, "%04lX%04lX", 0xd800 + (c >> 10),
				  0xdc00 + (c & 0x3ff));
		} else
			dbuf_addf(b, "%04lX", c);
		p += len;
	}
	dbuf_adds(b, ">");
}

/* A page's size in points from its MediaBox (A4 when unreadable). */
static void
page_size(qpdf_data q, qpdf_oh page, double *pw, double *ph)
{
	qpdf_oh mb = qpdf_oh_get_key(q, page, "/MediaBox");

	*pw = 595.28;
	*ph = 841.89;
	if (qpdf_oh_is_array(q, mb) && qpdf_oh_get_array_n_items(q, mb) == 4) {
		double x0 = qpdf_oh_get_numeric_value(
			q, qpdf_oh_get_array_item(q, mb, 0));
		double y0 = qpdf_oh_get_numeric_value(
			q, qpdf_oh_get_array_item(q, mb, 1));
		double x1 = qpdf_oh_get_numeric_value(
			q, qpdf_oh_get_array_item(q, mb, 2));
		double y1 = qpdf_oh_get_numeric_value(
			q, qpdf_oh_get_array_item(q, mb, 3));

		if (x1 - x0 > 10 && y1 - y0 > 10) {
			*pw = x1 - x0;
			*ph = y1 - y0;
		}
	}
}

/* Stamps one page. */
static enum dos_err
stamp_page(qpdf_data q, qpdf_oh page, const char *const *lines, int nlines)
{
	struct dbuf pre, post;
	qpdf_oh contents, arr;
	char font[128];
	double w, h;
	int masks, i, n;
	enum dos_err err;

	dbuf_init(&pre, 1u << 20);
	dbuf_init(&post, 1u << 20);
	page_size(q, page, &w, &h);
	masks = page_masks(q, page, 0);
	if (masks) {
		page_masks(q, page, 1);
		err = stamp_ops(lines, nlines, w, h, 1, &pre);
		dbuf_adds(&pre, "q 0 g\n");
		dbuf_adds(&post, "\nQ\n");
	} else {
		dbuf_adds(&pre, "q\n");
		dbuf_adds(&post, "\nQ\n");
		err = stamp_ops(lines, nlines, w, h, 0, &post);
	}
	/* The stamp's words as invisible text too, in the page's own
	 * (embedded) OCR font: found by search, copied with the text. */
	glyphless_font(q, page, font, sizeof(font));
	if (font[0] != '\0') {
		dbuf_addf(&post, "BT 3 Tr %s 6 Tf\n", font);
		for (i = 0; i < nlines; i++) {
			dbuf_addf(&post, "1 0 0 1 12 %.2f Tm ",
				  12.0 + 8.0 * (nlines - 1 - i));
			utf16_hex(&post, lines[i]);
			dbuf_adds(&post, " Tj\n");
		}
		dbuf_adds(&post, "ET\n");
	}
	if (err != DOS_OK || pre.data == NULL || post.data == NULL)
		goto out;
	contents = qpdf_oh_get_key(q, page, "/Contents");
	arr = qpdf_oh_new_array(q);
	qpdf_oh_append_item(q, arr, new_stream(q, pre.data, pre.len, NULL));
	if (qpdf_oh_is_array(q, contents)) {
		n = qpdf_oh_get_array_n_items(q, contents);
		for (i = 0; i < n; i++)
			qpdf_oh_append_item(
				q, arr, qpdf_oh_get_array_item(q, contents, i));
	} else
		qpdf_oh_append_item(q, arr, contents);
	qpdf_oh_append_item(q, arr, new_stream(q, post.data, post.len, NULL));
	qpdf_oh_replace_key(q, page, "/Contents", arr);
out:
	dbuf_free(&pre);
	dbuf_free(&post);
	return err;
}

/* ---- reading, writing ---- */

static enum dos_err
qfail(qpdf_data q, const char *what)
{
	qpdf_error e = qpdf_has_error(q) ? qpdf_get_error(q) : NULL;

	dos_errx("PDF: %s: %s", what,
		 e != NULL ? qpdf_get_error_full_text(q, e) : "failed");
	return DOS_FORMAT;
}

static enum dos_err
write_mem(qpdf_data q, unsigned char **pout, size_t *plen)
{
	const unsigned char *buf;

	if (qpdf_init_write_memory(q) & QPDF_ERRORS)
		return qfail(q, "write");
	qpdf_set_deterministic_ID(q, QPDF_TRUE);
	qpdf_set_object_stream_mode(q, qpdf_o_generate);
	qpdf_set_preserve_encryption(q, QPDF_FALSE);
	if (qpdf_write(q) & QPDF_ERRORS)
		return qfail(q, "write");
	*plen = qpdf_get_buffer_length(q);
	buf = qpdf_get_buffer(q);
	if (buf == NULL || *plen == 0 || (*pout = malloc(*plen)) == NULL) {
		*plen = 0;
		return DOS_NOMEM;
	}
	memcpy(*pout, buf, *plen);
	return DOS_OK;
}

/* Reads, lets fn change, writes: the frame of both operations. */
static enum dos_err
rewrite(const unsigned char *in, size_t n, const struct ing_pdf_meta *m,
	const char *const *lines, int nlines, unsigned char **pout,
	size_t *plen)
{
	qpdf_data q;
	int i, np;
	enum dos_err err;

	*pout = NULL;
	*plen = 0;
	if ((q = qpdf_init()) == NULL)
		return DOS_NOMEM;
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if (qpdf_read_memory(q, "document PDF", (const char *)in,
			     (unsigned long long)n, NULL) & QPDF_ERRORS) {
		err = qfail(q, "read");
		goto out;
	}
	if (qpdf_is_encrypted(q)) {
		dos_errx("PDF: the stored PDF is encrypted");
		err = DOS_FORMAT;
		goto out;
	}
	np = qpdf_get_num_pages(q);
	for (i = 0; lines != NULL && i < np; i++)
		if ((err = stamp_page(q, qpdf_get_page_n(q, (size_t)i), lines,
				      nlines)) != DOS_OK)
			goto out;
	if (qpdf_has_error(q)) {
		err = qfail(q, "stamp");
		goto out;
	}
	if ((err = ing_pdfa_apply(q, m)) != DOS_OK)
		goto out;
	err = write_mem(q, pout, plen);
out:
	qpdf_cleanup(&q);
	return err;
}

enum dos_err
ing_pdf_pdfa(const unsigned char *in, size_t n, const struct ing_pdf_meta *m,
	     unsigned char **pout, size_t *plen)
{
	return rewrite(in, n, m, NULL, 0, pout, plen);
}

enum dos_err
ing_pdf_copy(const unsigned char *in, size_t n, const struct ing_pdf_meta *m,
	     const struct ing_pdf_stamp *s, unsigned char **pout,
	     size_t *plen)
{
	char l1[400], l2[400], l3[300];
	const char *lines[3] = {l1, l2, l3};

	snprintf(l1, sizeof(l1), "COPY taken by %s, %s", s->who, s->when);
	snprintf(l2, sizeof(l2), "Reason: %s", s->reason);
	if (m != NULL && m->archive_no != NULL && m->archive_no[0] != '\0')
		snprintf(l3, sizeof(l3), "%s of archive number %s%s%s - not "
			 "the original", s->purpose, m->archive_no,
			 m->customer != NULL ? ", customer " : "",
			 m->customer != NULL ? m->customer : "");
	else
		snprintf(l3, sizeof(l3), "%s of document %lld - not the "
			 "original", s->purpose,
			 (long long)(m != NULL ? m->doc_id : 0));
	return rewrite(in, n, m, lines, 3, pout, plen);
}

/* Reads n bytes of fd (at most 1 GB). */
static enum dos_err
slurp(int fd, uint64_t n, unsigned char **pout)
{
	unsigned char *p;
	size_t got = 0;
	ssize_t r;

	*pout = NULL;
	if (n == 0 || n > (1u << 30))
		return DOS_LIMIT;
	if ((p = malloc((size_t)n)) == NULL)
		return DOS_NOMEM;
	while (got < n && (r = read(fd, p + got, (size_t)n - got)) > 0)
		got += (size_t)r;
	if (got != n) {
		free(p);
		return DOS_IO;
	}
	*pout = p;
	return DOS_OK;
}

/* m from arc_doc_pdf_meta's JSON (strings borrowed from j). */
void
ing_pdf_meta_from(const json_t *j, struct ing_pdf_meta *m)
{
	memset(m, 0, sizeof(*m));
	m->doc_id = json_integer_value(json_object_get(j, "id"));
	m->title = json_string_value(json_object_get(j, "title"));
	m->archive_no = json_string_value(json_object_get(j, "archive_no"));
	m->customer = json_string_value(json_object_get(j, "customer"));
	m->customer_name = json_string_value(json_object_get(j,
							     "customer_name"));
	m->created = json_string_value(json_object_get(j, "added"));
	m->lang = json_string_value(json_object_get(j, "lang"));
}

enum dos_err
ing_doc_pdf(struct arc *a, const struct arc_user *who, int64_t id,
	    const char *purpose, const char *reason, unsigned char **pout,
	    size_t *plen, char *msg, size_t msglen)
{
	struct ing_pdf_meta m;
	struct ing_pdf_stamp s;
	json_t *meta = NULL;
	unsigned char *pdf = NULL;
	uint64_t size;
	char now[32], when[40];
	int fd = -1;
	enum dos_err err;

	*pout = NULL;
	*plen = 0;
	msg[0] = '\0';
	err = reason != NULL
		      ? arc_doc_copy_open(a, who, id, purpose, reason, &fd,
					  &size, msg, msglen)
		      : arc_doc_pdf(a, who, id, &fd, &size, msg, msglen);
	if (err != DOS_OK) {
		if (err == DOS_NOTFOUND && msg[0] == '\0')
			snprintf(msg, msglen, "document %lld has no "
				 "searchable PDF", (long long)id);
		return err;
	}
	if ((err = slurp(fd, size, &pdf)) != DOS_OK) {
		snprintf(msg, msglen, "the stored PDF cannot be read: %s",
			 dos_strerror(err));
		goto out;
	}
	if ((err = arc_doc_pdf_meta(a, who, id, &meta, msg, msglen)) !=
	    DOS_OK)
		goto out;
	ing_pdf_meta_from(meta, &m);
	if (reason != NULL) {
		dos_now_iso(now);
		snprintf(when, sizeof(when), "%.10s %.5s UTC", now, now + 11);
		s.who = who->name;
		s.when = when;
		s.reason = reason;
		s.purpose = purpose != NULL && strcmp(purpose, "print") == 0
				    ? "Printed copy"
				    : "Copy";
		err = ing_pdf_copy(pdf, (size_t)size, &m, &s, pout, plen);
	} else
		err = ing_pdf_pdfa(pdf, (size_t)size, &m, pout, plen);
	if (err != DOS_OK)
		snprintf(msg, msglen, "the PDF could not be made: %s",
			 dos_strerror(err));
out:
	if (fd >= 0)
		close(fd);
	free(pdf);
	json_decref(meta);
	return err;
}
