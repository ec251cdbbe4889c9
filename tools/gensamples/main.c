/*
 * main.c: gensamples' modes (pages, --demo, --bench, --capture), ground
 * truth JSON and the command line.
 */
#include "gs.h"

static void sample_free(struct sample *s)
{
	sbuf_free(&s->text);
	sbuf_free(&s->flow);
	json_decref(s->barcodes);
	s->barcodes = NULL;
	pixDestroy(&s->pix);
}

/* Renders and scans pg into s. 0 or -1 (logged); free s either way. */
static int sample_make(const struct page *pg, struct sample *s)
{
	PIX *clean;

	memset(s, 0, sizeof *s);
	s->lang = pg->kind < DOC_KINDS ? pg->lang : LANG_ENG; /* ID copies too */
	s->barcodes = json_array();
	if (s->barcodes == NULL)
		return -1;
	rng_seed(pg->ident_seed);
	ident_make(&s->id, pg, s->lang);
	rng_seed(pg->seed);
	clean = render_page(pg, &s->id, &s->text, &s->flow, s->barcodes);
	if (clean == NULL)
		return -1;
	s->pix = scan_pix(clean, pg);
	pixDestroy(&clean);
	if (s->pix == NULL) {
		fprintf(stderr, "%s: %s: scan failed\n", PROG, __func__);
		return -1;
	}
	return 0;
}

/* Ground truth of one page; file is NULL for pages inside a batch. */
static json_t *truth_json(const struct page *pg, const struct sample *s, const char *file)
{
	json_t *o = json_object();
	int rc = 0;

	if (o == NULL)
		return NULL;
	if (file != NULL)
		rc |= jset(o, "file", json_string(file));
	rc |= jset(o, "kind", json_string(kind_names[pg->kind]));
	rc |= jset(o, "format", json_string(fmt_names[pg->fmt]));
	rc |= jset(o, "dpi", json_integer(pg->dpi));
	rc |= jset(o, "width", json_integer(pixGetWidth(s->pix)));
	rc |= jset(o, "height", json_integer(pixGetHeight(s->pix)));
	rc |= jset(o, "skew_deg", json_real(pg->skew_deg));
	rc |= jset(o, "skew_convention", json_string(
		"degrees passed to Leptonica pixRotate(): positive = clockwise as displayed "
		"(y axis down); pixFindSkew() reports about -skew_deg; "
		"pixRotate(-skew_deg) straightens the page"));
	rc |= jset(o, "rotation", json_integer(pg->rotation));
	rc |= jset(o, "account", str_or_null(pg->kind == KIND_SEPARATOR ? NULL : s->id.account));
	rc |= jset(o, "customer", str_or_null(pg->kind == KIND_SEPARATOR ? NULL : s->id.customer));
	rc |= jset(o, "date", str_or_null(pg->kind == KIND_SEPARATOR ? NULL : s->id.date));
	rc |= jset(o, "category", str_or_null(pg->kind == KIND_COVER ? s->id.category : NULL));
	rc |= jset(o, "lang", json_string(lang_names[s->lang]));
	rc |= jset(o, "text", json_string(sbuf_str(&s->text)));
	rc |= jset(o, "words", words_json(sbuf_str(&s->flow)));
	rc |= jset(o, "barcodes", json_incref(s->barcodes));
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int write_json(json_t *root, const char *path)
{
	if (json_dump_file(root, path, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0) {
		fprintf(stderr, "%s: cannot write %s\n", PROG, path);
		return -1;
	}
	return 0;
}

/* Writes DIR/BASE.EXT and DIR/BASE.json for pg. 0 or -1 (logged). */
static int emit_page(const char *dir, const char *base, const struct page *pg)
{
	char img[PATH_BUF], js[PATH_BUF], file[PATH_BUF];
	struct sample s;
	json_t *root = NULL;
	PIXA *pixa = NULL;
	int rc = -1;

	if (fmt_str(file, sizeof file, "%s.%s", base, fmt_specs[pg->fmt].ext) ||
	    fmt_str(img, sizeof img, "%s/%s", dir, file) ||
	    fmt_str(js, sizeof js, "%s/%s.json", dir, base)) {
		fprintf(stderr, "%s: output path too long\n", PROG);
		return -1;
	}
	if (sample_make(pg, &s))
		goto out;
	if ((pixa = pixaCreate(1)) == NULL || pixaAddPix(pixa, s.pix, L_CLONE) != 0 ||
	    write_file(pixa, pg->fmt, img, pg->dpi))
		goto out;
	root = truth_json(pg, &s, file);
	if (root == NULL) {
		fprintf(stderr, "%s: %s: out of memory\n", PROG, __func__);
		goto out;
	}
	if (write_json(root, js))
		goto out;
	printf("%s\n", img);
	rc = 0;
out:
	pixaDestroy(&pixa);
	json_decref(root);
	sample_free(&s);
	return rc;
}

/* A document inside a multi-page file: account, category, page indices. */
struct batchdoc {
	const char *account;
	const char *category;   /* NULL: none */
	int pages[PAGES_MAX];
	size_t npages;
};

/*
 * Writes the n pages as one multi-page file DIR/NAME.EXT in format f (a TIFF
 * format or pdf) and DIR/NAME.json, which lists the pages and the nd
 * documents a reader should file.
 */
static int emit_batch(const char *dir, const char *name, enum fmt f, const struct page *pages,
		      size_t n, const struct batchdoc *docs, size_t nd)
{
	char img[PATH_BUF], js[PATH_BUF], file[PATH_BUF];
	json_t *root = NULL, *jpages = NULL, *jdocs = NULL;
	struct sample s;
	PIXA *pixa = NULL;
	size_t i, k;
	int rc = -1, err = 0;

	memset(&s, 0, sizeof s);
	if (fmt_str(file, sizeof file, "%s.%s", name, fmt_specs[f].ext) ||
	    fmt_str(img, sizeof img, "%s/%s", dir, file) ||
	    fmt_str(js, sizeof js, "%s/%s.json", dir, name)) {
		fprintf(stderr, "%s: output path too long\n", PROG);
		return -1;
	}
	root = json_object();
	jpages = json_array();
	jdocs = json_array();
	pixa = pixaCreate((l_int32)n);
	if (root == NULL || jpages == NULL || jdocs == NULL || pixa == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		json_t *pj;

		if (sample_make(&pages[i], &s) || pixaAddPix(pixa, s.pix, L_CLONE) != 0)
			goto out;
		pj = truth_json(&pages[i], &s, NULL);
		if (pj == NULL || json_object_set_new(pj, "index", json_integer((json_int_t)i)) ||
		    json_array_append_new(jpages, pj))
			goto out;
		sample_free(&s);
	}
	if (write_file(pixa, f, img, n > 0 ? pages[0].dpi : 0))
		goto out;
	for (i = 0; i < nd; i++) {
		json_t *d = json_pack("{s:s, s:s?, s:[]}", "account", docs[i].account,
				      "category", docs[i].category, "pages");

		if (d == NULL || json_array_append_new(jdocs, d))
			goto out;
		for (k = 0; k < docs[i].npages; k++)
			err |= json_array_append_new(json_object_get(d, "pages"),
						     json_integer(docs[i].pages[k]));
	}
	err |= jset(root, "file", json_string(file));
	err |= jset(root, "format", json_string(fmt_names[f]));
	err |= jset(root, "dpi", json_integer(n > 0 ? pages[0].dpi : 0));
	err |= jset(root, "page_count", json_integer((json_int_t)n));
	err |= jset(root, "page_index_base", json_integer(0));
	err |= jset(root, "pages", jpages);
	jpages = NULL;
	err |= jset(root, "documents", jdocs);
	jdocs = NULL;
	if (err || write_json(root, js))
		goto out;
	printf("%s\n", img);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "%s: %s: cannot make %s\n", PROG, __func__, img);
	pixaDestroy(&pixa);
	json_decref(jpages);
	json_decref(jdocs);
	json_decref(root);
	sample_free(&s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Modes                                                                */

struct opts {
	const char *outdir;
	const char *prefix;
	uint64_t seed;
	long count;
	int kind;               /* -1: mixed */
	int fmt;                /* -1: mixed */
	int barcode;            /* -1: mixed */
	int lang;
	int dpi;
	double skew, skew_range;
	int rotation;
	int noise;
	int pages;              /* pages per file */
	int demo, bench, capture;
	const char *account;    /* every page's account, or NULL */
	const char *customer;   /* every page's customer, or NULL */
	int dstyle;             /* how documents print their date */
	const char *set;        /* --capture: tune, eval or NULL (both) */
	const char *kinds;      /* --capture: comma list or NULL (all) */
};

static double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Page j of file i from the options, cycling "mixed" choices. Pages of one
 * multi-page file share the customer (ident_seed).
 */
static void page_from_opts(const struct opts *o, long i, int j, struct page *pg)
{
	uint64_t seed = seed_mix(o->seed, (uint64_t)i);
	long k = o->pages > 1 ? j : i;  /* what "mixed" cycles over */

	memset(pg, 0, sizeof *pg);
	pg->kind = o->kind >= 0 ? (enum kind)o->kind : (enum kind)(k % DOC_KINDS);
	/* Offset the format cycle so that mixed kinds meet every format. */
	pg->fmt = o->fmt >= 0 ? (enum fmt)o->fmt : (enum fmt)((i + i / FMT__MAX) % FMT__MAX);
	pg->barcode = o->barcode >= 0 ? (enum bc)o->barcode : (enum bc)(1 + k % (BC__MAX - 1));
	pg->lang = (enum lang)o->lang;
	pg->dpi = o->dpi;
	pg->rotation = o->rotation;
	pg->noise = o->noise;
	pg->ident_seed = seed;
	pg->account = o->account;
	pg->customer = o->customer;
	pg->dstyle = (enum dstyle)o->dstyle;
	/* A single page keeps the seed it had before --pages existed. */
	pg->seed = o->pages > 1 ? seed_mix(seed, (uint64_t)j + 1) : seed;
	if (o->pages > 1) {
		pg->part = j + 1;
		pg->parts = o->pages;
	}
	pg->skew_deg = o->skew;
	if (o->skew_range > 0) {
		rng_seed(pg->seed ^ 0x5eedULL);
		/* Rounded to 0.01 degree so the JSON holds the exact angle. */
		pg->skew_deg = round((rng_unit() * 2 - 1) * o->skew_range * 100) / 100;
	}
}

/* --count files of --pages pages each from the options. */
static int run_pages(const struct opts *o)
{
	char base[256];
	long i;
	int j;
	double t0 = monotonic_s(), dt;

	for (i = 0; i < o->count; i++) {
		struct page pgs[PAGES_MAX];
		struct batchdoc doc;
		struct ident id;

		for (j = 0; j < o->pages; j++)
			page_from_opts(o, i, j, &pgs[j]);
		if (fmt_str(base, sizeof base, "%s-%04ld", o->prefix, i + 1))
			return -1;
		if (o->pages == 1) {
			if (emit_page(o->outdir, base, &pgs[0]))
				return -1;
			continue;
		}
		/* One document: every page carries the same customer's account. */
		rng_seed(pgs[0].ident_seed);
		ident_make(&id, &pgs[0], pgs[0].lang);
		memset(&doc, 0, sizeof doc);
		doc.account = id.account;
		for (j = 0; j < o->pages; j++)
			doc.pages[doc.npages++] = j;
		if (emit_batch(o->outdir, base, pgs[0].fmt, pgs, (size_t)o->pages, &doc, 1))
			return -1;
	}
	dt = monotonic_s() - t0;
	fprintf(stderr, "%s: wrote %ld file(s), %ld page(s) in %.2f s (%.0f ms/page)\n", PROG,
		o->count, o->count * o->pages, dt,
		o->count > 0 ? dt * 1000 / (double)(o->count * o->pages) : 0.0);
	return 0;
}

/* The fixed demo set: ten single pages and one batch. */
static int run_demo(const struct opts *o)
{
	static const struct {
		enum kind kind;
		enum fmt fmt;
		double skew;
		int rotation;
		enum bc barcode;
		enum lang lang;
		const char *category;
	} items[] = {
		{ KIND_LETTER, FMT_PNG, 0.0, 0, BC_CODE128, LANG_ENG, NULL },
		{ KIND_FORM, FMT_G4, 2.5, 0, BC_CODE39, LANG_ENG, NULL },
		{ KIND_CONTRACT, FMT_GRAY, -4.0, 0, BC_QR, LANG_ENG, NULL },
		{ KIND_INVOICE, FMT_JPEG, 6.0, 0, BC_EAN13, LANG_ENG, NULL },
		{ KIND_LETTER, FMT_G4, -6.0, 0, BC_I25, LANG_ENG, NULL },
		{ KIND_COVER, FMT_G4, 1.0, 0, BC_NONE, LANG_ENG, "LOAN" },
		{ KIND_SEPARATOR, FMT_PNG, -0.5, 0, BC_NONE, LANG_ENG, NULL },
		{ KIND_CONTRACT, FMT_PNG, 0.0, 0, BC_QR, LANG_CHI, NULL },
		{ KIND_INVOICE, FMT_G4, 0.0, 90, BC_CODE128, LANG_ENG, NULL },
		{ KIND_FORM, FMT_JPEG, -1.5, 0, BC_I25, LANG_ENG, NULL },
		{ KIND_LETTER, FMT_GRAY, 0.8, 180, BC_EAN13, LANG_ENG, NULL },
	};
	/* Cover, contract (2 pages), separator, cover, account form. */
#define BATCH_PAGE .fmt = FMT_G4, .dpi = 300, .noise = 1
	static const struct page batch[] = {
		{ BATCH_PAGE, .kind = KIND_COVER, .skew_deg = 0.5, .seed = 501, .ident_seed = 500,
		  .account = "ACC-2024-000101", .category = "CONTRACT" },
		{ BATCH_PAGE, .kind = KIND_CONTRACT, .skew_deg = -1.0, .seed = 502, .ident_seed = 500,
		  .part = 1, .parts = 2, .account = "ACC-2024-000101" },
		{ BATCH_PAGE, .kind = KIND_CONTRACT, .skew_deg = 1.5, .seed = 503, .ident_seed = 500,
		  .part = 2, .parts = 2, .account = "ACC-2024-000101" },
		{ BATCH_PAGE, .kind = KIND_SEPARATOR, .skew_deg = 0.3, .seed = 504, .ident_seed = 504 },
		{ BATCH_PAGE, .kind = KIND_COVER, .skew_deg = -0.7, .seed = 511, .ident_seed = 510,
		  .account = "ACC-2024-000102", .category = "BASIC" },
		{ BATCH_PAGE, .kind = KIND_FORM, .skew_deg = 1.2, .seed = 512, .ident_seed = 510,
		  .account = "ACC-2024-000102" },
	};
#undef BATCH_PAGE
	static const struct batchdoc docs[] = {
		{ "ACC-2024-000101", "CONTRACT", { 1, 2 }, 2 },
		{ "ACC-2024-000102", "BASIC", { 5 }, 1 },
	};
	char base[256];
	size_t i;

	for (i = 0; i < NELEM(items); i++) {
		struct page pg;

		memset(&pg, 0, sizeof pg);
		pg.kind = items[i].kind;
		pg.fmt = items[i].fmt;
		pg.skew_deg = items[i].skew;
		pg.rotation = items[i].rotation;
		pg.barcode = items[i].barcode;
		pg.lang = items[i].lang;
		pg.category = items[i].category;
		pg.dpi = 300;
		pg.noise = 1;
		pg.seed = pg.ident_seed = 20240100 + i;
		if (fmt_str(base, sizeof base, "%s-%04zu", o->prefix, i + 1) ||
		    emit_page(o->outdir, base, &pg))
			return -1;
	}
	return emit_batch(o->outdir, "batch-001", FMT_G4, batch, NELEM(batch), docs, NELEM(docs));
}

/* ------------------------------------------------------------------ */
/* Command line                                                         */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s -o DIR [--seed N] [--count N] [--kind KIND|mixed]\n"
		"         [--format FMT|mixed] [--dpi N] [--skew DEG | --skew-range DEG]\n"
		"         [--rotate 0|90|180|270] [--barcode TYPE|mixed|none]\n"
		"         [--lang eng|chi_sim] [--noise 0|1] [--pages N] [--prefix NAME]\n"
		"         [--account ACC] [--customer NAME] [--date-style STYLE]\n"
		"       %s --demo -o DIR [--prefix NAME]\n"
		"       %s --bench -o DIR [--count N] [--seed N] [--prefix NAME]\n"
		"       %s --capture -o DIR [--set tune|eval] [--kinds K,K...] [--count N]\n"
		"         [--seed N]  (N pages of each hard kind: shaded faint carbon\n"
		"         fax-204x98 fax-204x196 form-zh form-en photo table rotated)\n"
		"  KIND  letter account-form contract invoice coversheet separator id-copy\n"
		"        (mixed cycles the first four)\n"
		"  STYLE how a document prints its date: iso (2023-11-14), dmy (14/11/2023),\n"
		"        us (11/14/2023), long (14 November 2023, 2023年11月14日),\n"
		"        mixed (iso, dmy or long by the date)\n"
		"  FMT   tiff-g4 tiff-gray tiff-1bit-lzw tiff-jpeg tiff-rgb tiff-jpeg-rgb\n"
		"        png jpeg pdf\n"
		"  TYPE  code128 code39 qr i25 ean13 upca\n"
		"  N     pages of one document per file, 1 to %d (TIFF formats and pdf)\n",
		PROG, PROG, PROG, PROG, PAGES_MAX);
}

static _Noreturn void PRINTF_LIKE(1, 2) die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", PROG);
	exit(2);
}

static long parse_long(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		die_usage("%s: expected an integer from %ld to %ld, got '%s'", opt, lo, hi, s);
	return v;
}

static double parse_double(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
		die_usage("%s: expected a number from %g to %g, got '%s'", opt, lo, hi, s);
	return v;
}

/* Index of s in names, -1 for "mixed" when allowed; dies otherwise. */
static int parse_name(const char *opt, const char *s, const char *const *names, int n,
		      int mixed_ok)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	if (mixed_ok && strcmp(s, "mixed") == 0)
		return -1;
	die_usage("%s: unknown value '%s'", opt, s);
	return 0;
}

/* mkdir -p. 0 or -1 (logged). */
static int make_dirs(const char *path)
{
	char buf[PATH_BUF];
	struct stat st;
	size_t i;

	if (fmt_str(buf, sizeof buf, "%s", path)) {
		fprintf(stderr, "%s: output directory name too long\n", PROG);
		return -1;
	}
	for (i = 1; buf[i] != '\0'; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
			fprintf(stderr, "%s: mkdir %s: %s\n", PROG, buf, strerror(errno));
			return -1;
		}
		buf[i] = '/';
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: mkdir %s: %s\n", PROG, buf, strerror(errno));
		return -1;
	}
	if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: %s is not a directory\n", PROG, buf);
		return -1;
	}
	return 0;
}

enum {
	OPT_SEED = 256, OPT_COUNT, OPT_KIND, OPT_FORMAT, OPT_DPI, OPT_SKEW, OPT_SKEW_RANGE,
	OPT_ROTATE, OPT_BARCODE, OPT_LANG, OPT_NOISE, OPT_PREFIX, OPT_DEMO, OPT_BENCH,
	OPT_PAGES, OPT_CAPTURE, OPT_SET, OPT_KINDS, OPT_ACCOUNT, OPT_CUSTOMER,
	OPT_DATE_STYLE
};

/* Options a mode accepts besides -o; demo and bench accept few. */
#define GIVEN(opt) (1u << ((opt) - OPT_SEED))

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "dpi", required_argument, NULL, OPT_DPI },
		{ "skew", required_argument, NULL, OPT_SKEW },
		{ "skew-range", required_argument, NULL, OPT_SKEW_RANGE },
		{ "rotate", required_argument, NULL, OPT_ROTATE },
		{ "barcode", required_argument, NULL, OPT_BARCODE },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "noise", required_argument, NULL, OPT_NOISE },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "demo", no_argument, NULL, OPT_DEMO },
		{ "bench", no_argument, NULL, OPT_BENCH },
		{ "pages", required_argument, NULL, OPT_PAGES },
		{ "account", required_argument, NULL, OPT_ACCOUNT },
		{ "customer", required_argument, NULL, OPT_CUSTOMER },
		{ "date-style", required_argument, NULL, OPT_DATE_STYLE },
		{ "capture", no_argument, NULL, OPT_CAPTURE },
		{ "set", required_argument, NULL, OPT_SET },
		{ "kinds", required_argument, NULL, OPT_KINDS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned given = 0;
	char *end;
	int c;

	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->count = 1;
	o->kind = KIND_LETTER;
	o->fmt = FMT_PNG;
	o->barcode = BC_NONE;
	o->lang = LANG_ENG;
	o->dpi = 300;
	o->noise = 1;
	o->pages = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (c >= OPT_SEED)
			given |= GIVEN(c);
		switch (c) {
		case 'o': o->outdir = optarg; break;
		case 'h': usage(stdout); exit(0);
		case OPT_SEED:
			errno = 0;
			o->seed = strtoull(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-')
				die_usage("--seed: expected a non-negative integer, got '%s'", optarg);
			break;
		case OPT_COUNT: o->count = parse_long("--count", optarg, 1, COUNT_MAX); break;
		case OPT_KIND: o->kind = parse_name("--kind", optarg, kind_names, KIND__MAX, 1); break;
		case OPT_FORMAT: o->fmt = parse_name("--format", optarg, fmt_names, FMT__MAX, 1); break;
		case OPT_DPI: o->dpi = (int)parse_long("--dpi", optarg, DPI_MIN, DPI_MAX); break;
		case OPT_SKEW: o->skew = parse_double("--skew", optarg, -SKEW_MAX, SKEW_MAX); break;
		case OPT_SKEW_RANGE:
			o->skew_range = parse_double("--skew-range", optarg, 0, SKEW_MAX);
			break;
		case OPT_ROTATE:
			o->rotation = (int)parse_long("--rotate", optarg, 0, 270);
			if (o->rotation % 90 != 0)
				die_usage("--rotate: expected 0, 90, 180 or 270, got '%s'", optarg);
			break;
		case OPT_BARCODE:
			o->barcode = parse_name("--barcode", optarg, bc_names, BC__MAX, 1);
			break;
		case OPT_LANG: o->lang = parse_name("--lang", optarg, lang_names, LANG__MAX, 0); break;
		case OPT_NOISE: o->noise = (int)parse_long("--noise", optarg, 0, 1); break;
		case OPT_PREFIX: o->prefix = optarg; break;
		case OPT_PAGES: o->pages = (int)parse_long("--pages", optarg, 1, PAGES_MAX); break;
		case OPT_ACCOUNT:
			if (strlen(optarg) < 9 || strlen(optarg) > 23 ||
			    strncmp(optarg, "ACC-", 4) != 0)
				die_usage("--account: expected ACC-YYYY-NNNNNN, got '%s'", optarg);
			o->account = optarg;
			break;
		case OPT_CUSTOMER:
			if (*optarg == '\0' || strlen(optarg) > 60)
				die_usage("--customer: expected a name of 1 to 60 bytes");
			o->customer = optarg;
			break;
		case OPT_DATE_STYLE:
			o->dstyle = parse_name("--date-style", optarg, dstyle_names, DS__MAX, 0);
			break;
		case OPT_DEMO: o->demo = 1; break;
		case OPT_BENCH: o->bench = 1; break;
		case OPT_CAPTURE: o->capture = 1; break;
		case OPT_SET:
			if (strcmp(optarg, "tune") != 0 && strcmp(optarg, "eval") != 0)
				die_usage("--set: expected tune or eval, got '%s'", optarg);
			o->set = optarg;
			break;
		case OPT_KINDS: o->kinds = optarg; break;
		default: fprintf(stderr, "Try '%s --help'.\n", PROG); exit(2);
		}
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if (o->outdir == NULL || *o->outdir == '\0')
		die_usage("-o DIR is required");
	if ((given & GIVEN(OPT_SKEW)) && (given & GIVEN(OPT_SKEW_RANGE)))
		die_usage("--skew and --skew-range exclude each other");
	if (o->demo + o->bench + o->capture > 1)
		die_usage("--demo, --bench and --capture exclude each other");
	if (!o->capture && (given & (GIVEN(OPT_SET) | GIVEN(OPT_KINDS))))
		die_usage("--set and --kinds go with --capture");
	if (o->capture && (given & ~(GIVEN(OPT_CAPTURE) | GIVEN(OPT_COUNT) | GIVEN(OPT_SEED) |
				      GIVEN(OPT_SET) | GIVEN(OPT_KINDS))))
		die_usage("--capture takes only -o, --count, --seed, --set and --kinds");
	if (o->demo && (given & ~(GIVEN(OPT_DEMO) | GIVEN(OPT_PREFIX))))
		die_usage("--demo takes only -o and --prefix");
	if (o->bench && (given & ~(GIVEN(OPT_BENCH) | GIVEN(OPT_COUNT) | GIVEN(OPT_SEED) |
				   GIVEN(OPT_PREFIX))))
		die_usage("--bench takes only -o, --count, --seed and --prefix");
	if (o->pages > 1 && (o->fmt < 0 || !(L_FORMAT_IS_TIFF(fmt_specs[o->fmt].iff) ||
					     fmt_specs[o->fmt].iff == IFF_LPDF)))
		die_usage("--pages: a multi-page file needs a TIFF --format or pdf");
	if (o->pages > 1 && !IS_DOC(o->kind))
		die_usage("--pages: a multi-page file holds document pages, not %s",
			  kind_names[o->kind]);
	if (o->prefix == NULL)
		o->prefix = o->demo ? "demo" : o->bench ? "bench" : "page";
	if (*o->prefix == '\0' || strlen(o->prefix) > 64 || strchr(o->prefix, '/') != NULL)
		die_usage("--prefix: expected 1 to 64 characters without '/'");
	if (o->bench) {
		if (!(given & GIVEN(OPT_COUNT)))
			o->count = 20;
		o->kind = -1;
		o->fmt = FMT_G4;
		o->barcode = BC_NONE;
		o->dpi = 300;
		o->skew_range = 3.0;
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	int rc;

	parse_args(argc, argv, &o);
	/* No creation date or producer version: the same PDF bytes every run. */
	l_pdfSetDateAndVersion(0);
	if (make_dirs(o.outdir))
		return 1;
	if (o.capture)
		rc = run_capture(o.outdir, o.set, o.kinds, o.count, o.seed);
	else
		rc = o.demo ? run_demo(&o) : run_pages(&o);
	/* Drop cairo's font caches so leak checkers see a clean exit. */
	cairo_debug_reset_static_data();
	if (fflush(stdout) != 0)
		rc = -1;
	return rc == 0 ? 0 : 1;
}
