/*
 * gs.h: what the parts of gensamples share (the .c files beside it).
 */
#ifndef GENSAMPLES_GS_H
#define GENSAMPLES_GS_H


#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cairo.h>
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <zint.h>

#define PROG "gensamples"
#define PI_D 3.14159265358979323846

#define A4_W_MM 210.0
#define A4_H_MM 297.0
#define MARGIN_MM 22.0        /* left and right */
#define TOP_MM 20.0
#define BOTTOM_MM 24.0        /* text column ends here; the footer sits below */
#define FOOTER_MM 12.0        /* footer baseline, from the bottom edge */

#define LINE_H 1.38           /* line advance, in font sizes */
#define PARA_GAP 0.55         /* extra space after a paragraph, in font sizes */
#define FIELD_GAP 0.6         /* extra space after a ruled form field */
#define BODY_PT 11.0

#define DPI_MIN 72
#define DPI_MAX 600
#define COUNT_MAX 100000
#define PAGES_MAX 16          /* pages in one multi-page file */
#define SKEW_MAX 45.0
#define G4_THRESHOLD 140      /* gray < threshold becomes black */
#define JPEG_QUALITY 85
#define PATH_BUF 4096
#define LINE_BUF 1024
#define SBUF_MAX (1u << 20)   /* hard cap for one page's ground truth text */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(a) ((a)[rng_below(NELEM(a))])

#ifdef __GNUC__
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
/* util.c */
uint64_t seed_mix(uint64_t a, uint64_t b);
void rng_seed(uint64_t seed);
uint64_t rng_next(void);
size_t rng_below(size_t n);
int rng_int(int lo, int hi);
double rng_unit(void);
void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_add(struct sbuf *b, const char *s);
void sbuf_free(struct sbuf *b);
const char *sbuf_str(const struct sbuf *b);
int PRINTF_LIKE(3, 4) fmt_str(char *buf, size_t n, const char *fmt, ...);
size_t utf8_len(const char *s);
int is_cjk_punct(const char *s, size_t n);

/* text.c */
int fmt_money(char *buf, size_t n, long long cents);
void amount_random(char *buf, size_t n, const struct ident *id, enum lang lang);
void expand(struct sbuf *b, const char *tpl, const struct ident *id, enum lang lang);
void deck_init(struct deck *d, size_t n);
size_t deck_draw(struct deck *d);
void make_para(struct sbuf *b, const char *const *pool, struct deck *d, int count, const struct ident *id, enum lang lang);
void ident_make(struct ident *id, const struct page *pg, enum lang lang);

/* layout.c */
double mm_px(const struct lay *l, double mm);
double pt_px(const struct lay *l, double pt);
void lay_init(struct lay *l, cairo_t *cr, struct sbuf *text, struct sbuf *flow, int dpi, int w, int h, int cjk);
void lay_font(struct lay *l, enum face face, int bold, double pt);
void lay_gap(struct lay *l, double pt);
void lay_line(struct lay *l, enum align a, const char *s);
void lay_para(struct lay *l, const char *s);
void lay_field(struct lay *l, const char *label, const char *value, double value_x, int rule);
void lay_cells(struct lay *l, const struct cell *c, size_t n);
void lay_rule(struct lay *l, double pt);
void lay_footer(struct lay *l, const char *s);
void lay_symbol(struct lay *l, const struct zint_symbol *sym, enum align a);
int barcode_payload(enum bc type, const char *account, char *data, size_t dn, char *expect, size_t en);
struct zint_symbol *barcode_make(enum bc type, const char *data, int dpi, double module_mm, double height_mm);
int barcode_record(json_t *arr, enum bc type, const char *value);

/* draw.c */
void draw_letter(struct lay *l, const struct ident *id);
void draw_form(struct lay *l, const struct ident *id);
void draw_contract(struct lay *l, const struct page *pg, const struct ident *id);
void draw_invoice(struct lay *l, const struct ident *id);
void draw_chinese(struct lay *l, const struct page *pg, const struct ident *id);
int draw_cover(struct lay *l, const struct ident *id, json_t *barcodes);
int draw_separator(struct lay *l, json_t *barcodes);
void draw_idcopy(struct lay *l, const struct ident *id);
void draw_footer(struct lay *l, const struct page *pg, const struct ident *id);

/* scan.c */
PIX *render_page(const struct page *pg, const struct ident *id, struct sbuf *text, struct sbuf *flow, json_t *barcodes);
PIX *scan_pix(PIX *pixs, const struct page *pg);
PIX *colorize(PIX *gray);
int write_file(PIXA *pixa, enum fmt f, const char *path, int dpi);

double text_width(const struct lay *l, const char *s);
void lay_record(struct lay *l, const char *s);
double lay_take_line(struct lay *l);
void draw_at(struct lay *l, double x, double base, const char *s);
void page_size(int dpi, int *pw, int *ph);
PIX *pix_from_ink(cairo_surface_t *surf);
void add_noise(PIX *pix);
json_t *words_json(const char *text);
json_t *str_or_null(const char *s);
int jset(json_t *o, const char *key, json_t *v);

/* capture.c: the hard pages of the capture set (--capture) */
int run_capture(const char *outdir, const char *set, const char *kinds,
		long count, uint64_t seed);

#endif

/* ------------------------------------------------------------------ */
/* Kinds, formats, barcodes, languages                                 */

enum kind {
	KIND_LETTER,
	KIND_FORM,
	KIND_CONTRACT,
	KIND_INVOICE,
	KIND_COVER,
	KIND_SEPARATOR,
	KIND_IDCOPY,            /* a customer document, not in "mixed" */
	KIND__MAX
};

extern const char *const kind_names[KIND__MAX];

#define DOC_KINDS 4 /* the first four kinds are customer documents */
/* Customer documents: those, and a certified ID copy (always English). */
#define IS_DOC(k) ((k) < DOC_KINDS || (k) == KIND_IDCOPY)

/* How the document's own date is printed (its ground truth stays ISO). */
enum dstyle { DS_ISO, DS_DMY, DS_US, DS_LONG, DS_MIXED, DS__MAX };
extern const char *const dstyle_names[DS__MAX];

enum fmt {
	FMT_G4,
	FMT_GRAY,
	FMT_PNG,
	FMT_JPEG,
	FMT_1BIT_LZW,
	FMT_TIFF_JPEG,
	FMT_RGB,
	FMT_TIFF_JPEG_RGB,
	FMT_PDF,
	FMT__MAX
};

extern const char *const fmt_names[FMT__MAX];

/*
 * How each format is written: file name extension, Leptonica file format
 * (IFF_LPDF stands for a PDF holding one JPEG image per page), and the depth
 * of the written pixels: 1 (threshold G4_THRESHOLD), 8 (gray) or 32 (colour,
 * see colorize()).
 */
struct fmt_spec {

	const char *ext;
	int iff;
	int depth;
};
extern const struct fmt_spec fmt_specs[FMT__MAX];

/* Colour formats: black ink becomes INK_*, white paper PAPER_*. */
#define INK_R 24
#define INK_G 34
#define INK_B 96
#define PAPER_R 252
#define PAPER_G 246
#define PAPER_B 228

enum bc { BC_NONE, BC_CODE128, BC_CODE39, BC_QR, BC_I25, BC_EAN13, BC_UPCA, BC__MAX };

extern const char *const bc_names[BC__MAX];
/*
 * zbar's names. zbar reports UPC-A as such only with UPC-A enabled (as
 * dossier does; zbarimg -Supca.enable), otherwise as EAN-13 with a leading 0.
 */
extern const char *const bc_zbar[BC__MAX];
static const int bc_zint[BC__MAX] = {
	0, BARCODE_CODE128, BARCODE_CODE39, BARCODE_QRCODE, BARCODE_C25INTER, BARCODE_EANX,
	BARCODE_UPCA
};

enum lang { LANG_ENG, LANG_CHI, LANG__MAX };

extern const char *const lang_names[LANG__MAX];

enum face { FACE_SERIF, FACE_SANS, FACE_MONO };

enum align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

/* How a drawn line ends: a real break, or a paragraph wrap (with a blank). */
enum brk { BRK_HARD, BRK_WRAP, BRK_WRAP_BLANK };

/* What to put on one page and how to "scan" it. */
struct page {
	enum kind kind;
	enum fmt fmt;
	enum bc barcode;        /* document pages only */
	enum lang lang;         /* document pages only; sheets are English */
	int dpi;
	double skew_deg;        /* passed to pixRotate: clockwise positive */
	int rotation;           /* 0, 90, 180, 270 clockwise */
	int noise;
	uint64_t seed;          /* content and noise */
	uint64_t ident_seed;    /* customer, account and date */
	int part, parts;        /* contract page part of parts, 1-based */
	const char *account;    /* NULL: random */
	const char *category;   /* coversheets; NULL: random */
	const char *customer;   /* NULL: random */
	enum dstyle dstyle;     /* how the document's date is printed */
};

/* Who and what a page is about. */
struct ident {
	char account[24];
	char customer[64];
	char salutation[64];
	char date[16];
	char date_printed[40];  /* the date as printed (date_style) */
	char category[24];
	char bank[64];
	char bank_street[64];
	char bank_city[32];
	char street[64];
	char city[64];
	char postcode[16];
	char currency[8];
	char product[48];
	char officer[64];
	char role[48];
};

/* ------------------------------------------------------------------ */
/* Growable string buffer with a hard maximum. Errors are sticky.      */

struct sbuf {
	char *p;
	size_t len, cap;
	int err;
};
/* A shuffled deck of indices into a sentence pool: no repeats on a page. */
struct deck {
	size_t idx[64];
	size_t n, next;
};
/* Page layout on a cairo A8 surface.                                  */
/*
 * The surface holds ink coverage: 0 is blank paper, 255 is full ink.
 * Every line drawn is also appended to the ground truth text, in order.
 */

struct lay {
	cairo_t *cr;
	struct sbuf *text;      /* lines as drawn, joined with \n */
	struct sbuf *flow;      /* the same with wrapped lines joined again */
	double dpi;
	double page_w, page_h;
	double left, right;     /* text column, px */
	double bottom;          /* no line may end below this, px */
	double y;               /* top of the next line, px */
	double size;            /* current font size, px */
	enum face face;
	int bold;
	int cjk;                /* Chinese page: one CJK font for everything */
	int full;               /* column is full: later lines are dropped */
	enum brk brk;           /* how the last recorded line ended */
	const char *fam[3];     /* serif, sans, mono; NULL: DejaVu */
	const char *cjkfam;     /* NULL: WenQuanYi Micro Hei */
};

/* One line of table cells at absolute x; right-aligned cells end at x. */
struct cell {
	const char *s;
	double x;
	int right;
};
/* ------------------------------------------------------------------ */
/* One generated page with its ground truth                             */

struct sample {
	struct ident id;
	struct sbuf text;       /* lines as drawn */
	struct sbuf flow;       /* paragraphs unwrapped, for "words" */
	json_t *barcodes;
	PIX *pix;               /* scanned, 8 bpp */
	enum lang lang;         /* language actually drawn */
};

/* util.c */
uint64_t seed_mix(uint64_t a, uint64_t b);
void rng_seed(uint64_t seed);
uint64_t rng_next(void);
size_t rng_below(size_t n);
int rng_int(int lo, int hi);
double rng_unit(void);
void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_add(struct sbuf *b, const char *s);
void sbuf_free(struct sbuf *b);
const char *sbuf_str(const struct sbuf *b);
int PRINTF_LIKE(3, 4) fmt_str(char *buf, size_t n, const char *fmt, ...);
size_t utf8_len(const char *s);
int is_cjk_punct(const char *s, size_t n);

/* text.c */
int fmt_money(char *buf, size_t n, long long cents);
void amount_random(char *buf, size_t n, const struct ident *id, enum lang lang);
void expand(struct sbuf *b, const char *tpl, const struct ident *id, enum lang lang);
void deck_init(struct deck *d, size_t n);
size_t deck_draw(struct deck *d);
void make_para(struct sbuf *b, const char *const *pool, struct deck *d, int count, const struct ident *id, enum lang lang);
void ident_make(struct ident *id, const struct page *pg, enum lang lang);

/* layout.c */
double mm_px(const struct lay *l, double mm);
double pt_px(const struct lay *l, double pt);
void lay_init(struct lay *l, cairo_t *cr, struct sbuf *text, struct sbuf *flow, int dpi, int w, int h, int cjk);
void lay_font(struct lay *l, enum face face, int bold, double pt);
void lay_gap(struct lay *l, double pt);
void lay_line(struct lay *l, enum align a, const char *s);
void lay_para(struct lay *l, const char *s);
void lay_field(struct lay *l, const char *label, const char *value, double value_x, int rule);
void lay_cells(struct lay *l, const struct cell *c, size_t n);
void lay_rule(struct lay *l, double pt);
void lay_footer(struct lay *l, const char *s);
void lay_symbol(struct lay *l, const struct zint_symbol *sym, enum align a);
int barcode_payload(enum bc type, const char *account, char *data, size_t dn, char *expect, size_t en);
struct zint_symbol *barcode_make(enum bc type, const char *data, int dpi, double module_mm, double height_mm);
int barcode_record(json_t *arr, enum bc type, const char *value);

/* draw.c */
void draw_letter(struct lay *l, const struct ident *id);
void draw_form(struct lay *l, const struct ident *id);
void draw_contract(struct lay *l, const struct page *pg, const struct ident *id);
void draw_invoice(struct lay *l, const struct ident *id);
void draw_chinese(struct lay *l, const struct page *pg, const struct ident *id);
int draw_cover(struct lay *l, const struct ident *id, json_t *barcodes);
int draw_separator(struct lay *l, json_t *barcodes);
void draw_idcopy(struct lay *l, const struct ident *id);
void draw_footer(struct lay *l, const struct page *pg, const struct ident *id);

/* scan.c */
PIX *render_page(const struct page *pg, const struct ident *id, struct sbuf *text, struct sbuf *flow, json_t *barcodes);
PIX *scan_pix(PIX *pixs, const struct page *pg);
PIX *colorize(PIX *gray);
int write_file(PIXA *pixa, enum fmt f, const char *path, int dpi);

double text_width(const struct lay *l, const char *s);
void lay_record(struct lay *l, const char *s);
double lay_take_line(struct lay *l);
void draw_at(struct lay *l, double x, double base, const char *s);
void page_size(int dpi, int *pw, int *ph);
PIX *pix_from_ink(cairo_surface_t *surf);
void add_noise(PIX *pix);
json_t *words_json(const char *text);
json_t *str_or_null(const char *s);
int jset(json_t *o, const char *key, json_t *v);

/* capture.c: the hard pages of the capture set (--capture) */
int run_capture(const char *outdir, const char *set, const char *kinds,
		long count, uint64_t seed);

#endif
