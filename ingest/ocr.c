/*
 * ocr.c: a worker's OCR engines and what they read.
 *
 * Engines: one Tesseract handle per set of languages, made when first
 * needed and kept for the worker's life (at most ING_OCR_HANDLES; loading
 * chi_sim takes a second).  With languages "auto", a page's script comes
 * from Tesseract's OSD (orientation and script detection) and picks the
 * installed languages that write it: Latin -> eng; Han -> chi_sim (its
 * model reads the Latin letters and digits of account numbers and
 * amounts; chi_sim+eng read 4 to 11% fewer words of the tuning set's
 * Chinese forms, the English model taking over whole rows); Japanese,
 * Hangul, Cyrillic, Greek, Arabic ... with eng when their traineddata is
 * installed; a page whose script OSD is unsure of (a mixed page) is read
 * with both the Han and the Latin languages.
 *
 * Reading: the page as words with boxes and confidences, and its text
 * rebuilt line by line (blocks and paragraphs keep a blank line between
 * them, as Tesseract's own text does).  Regions the quality gate found
 * unread are read again one by one as single blocks (a second handle, so
 * the page's own recognition stays in the first for the searchable PDF):
 * a word found where nothing was read is added, one over words read
 * badly (under ING_QUALITY_MIN_CONF, or no letter or digit) replaces them
 * when surer, one over a word read well is dropped; the lines go into the
 * text where they stand on the page.
 *
 * Exports ing_ocr_new, ing_ocr_free, ing_ocr_is_auto, ing_ocr_handle,
 * ing_ocr_osd, ing_ocr_auto_langs, ing_ocr_other_langs, ing_ocr_read,
 * ing_ocr_regions, ing_ocr_text, ing_ocr_lines_free.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define ING_OCR_HANDLES 6
/*
 * OSD's script confidence: Han pages of the tuning set scored 0.56 to
 * 0.88, Latin ones 0 (a ruled table) to 4.2; the name is trusted for Han
 * from OSD_MIN_HAN_CONF, for Latin always, for other scripts from
 * OSD_MIN_SCRIPT_CONF.
 */
#define OSD_MIN_SCRIPT_CONF 1.0f
#define OSD_MIN_HAN_CONF 0.3f
#define REGION_MARGIN_MM 1.5
#define REGION_MIN_CONF 40.0f
#define JUNK_MAX_CONF 50.0f

struct handle {
	char langs[64];
	int rescue; /* the second handle, for regions */
	TessBaseAPI *api;
};

struct ing_ocr {
	char langs[64]; /* as configured: "eng+deu", or "auto" */
	int autolang;
	struct handle h[ING_OCR_HANDLES];
	int nh;
	TessBaseAPI *osd;
	char **avail; /* installed languages (Tesseract's list), or NULL */
};

static void
handle_end(TessBaseAPI *api)
{
	if (api != NULL) {
		TessBaseAPIEnd(api);
		TessBaseAPIDelete(api);
	}
}

void
ing_ocr_free(struct ing_ocr *o)
{
	int i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nh; i++)
		handle_end(o->h[i].api);
	handle_end(o->osd);
	if (o->avail != NULL)
		TessDeleteTextArray(o->avail);
	free(o);
}

static pthread_mutex_t debug_lock = PTHREAD_MUTEX_INITIALIZER;
static int debug_set; /* under debug_lock */

static TessBaseAPI *
make(const char *langs, int quiet)
{
	TessBaseAPI *api = TessBaseAPICreate();

	if (api == NULL)
		return NULL;
	if (TessBaseAPIInit3(api, NULL, langs) != 0) {
		if (!quiet)
			dos_errx("cannot load OCR language data '%s' (is the "
				 "tesseract-ocr-%s package installed?)", langs,
				 langs);
		handle_end(api);
		return NULL;
	}
	TessBaseAPISetPageSegMode(api, PSM_AUTO);
	/*
	 * Tesseract's chatter ("Detected N diacritics") is not for users.
	 * debug_file is one global of the library, read by every handle's
	 * output: set once per process, before a handle made here reads
	 * (another thread's handle may be reading already).
	 */
	pthread_mutex_lock(&debug_lock);
	if (!debug_set) {
		TessBaseAPISetVariable(api, "debug_file", "/dev/null");
		debug_set = 1;
	}
	pthread_mutex_unlock(&debug_lock);
	return api;
}

static TessBaseAPI *
get(struct ing_ocr *o, const char *langs, int rescue)
{
	TessBaseAPI *api;
	int i;

	for (i = 0; i < o->nh; i++)
		if (o->h[i].rescue == rescue &&
		    strcmp(o->h[i].langs, langs) == 0)
			return o->h[i].api;
	if (strlen(langs) >= sizeof(o->h[0].langs))
		return NULL;
	if (o->nh == ING_OCR_HANDLES) {
		/* Forget the oldest other handle (never the first). */
		handle_end(o->h[1].api);
		memmove(&o->h[1], &o->h[2],
			sizeof(o->h[0]) * (size_t)(o->nh - 2));
		o->nh--;
	}
	if ((api = make(langs, 0)) == NULL)
		return NULL;
	if (rescue)
		TessBaseAPISetPageSegMode(api, PSM_SINGLE_BLOCK);
	snprintf(o->h[o->nh].langs, sizeof(o->h[0].langs), "%s", langs);
	o->h[o->nh].rescue = rescue;
	o->h[o->nh].api = api;
	o->nh++;
	return api;
}

enum dos_err
ing_ocr_new(const char *langs, int osd, struct ing_ocr **po)
{
	struct ing_ocr *o;

	*po = NULL;
	if (langs == NULL || *langs == '\0')
		langs = "eng";
	if (strlen(langs) >= sizeof(o->langs)) {
		dos_errx("OCR languages '%s': too long", langs);
		return DOS_INVAL;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return DOS_NOMEM;
	snprintf(o->langs, sizeof(o->langs), "%s", langs);
	o->autolang = strcmp(langs, "auto") == 0;
	/* The first handle: the configured languages, or auto's Latin. */
	if (get(o, o->autolang ? "eng" : langs, 0) == NULL) {
		ing_ocr_free(o);
		return DOS_NOTFOUND;
	}
	o->avail = TessBaseAPIGetAvailableLanguagesAsVector(o->h[0].api);
	if (osd || o->autolang) {
		if ((o->osd = make("osd", 1)) == NULL) {
			dos_errx("cannot load orientation data (is the "
				 "tesseract-ocr-osd package installed?)");
			ing_ocr_free(o);
			return DOS_NOTFOUND;
		}
		TessBaseAPISetPageSegMode(o->osd, PSM_OSD_ONLY);
	}
	*po = o;
	return DOS_OK;
}

int
ing_ocr_is_auto(const struct ing_ocr *o)
{
	return o->autolang;
}

TessBaseAPI *
ing_ocr_osd(struct ing_ocr *o)
{
	return o->osd;
}

TessBaseAPI *
ing_ocr_handle(struct ing_ocr *o, const char *langs)
{
	return get(o, langs != NULL ? langs : o->langs, 0);
}

static int
installed(const struct ing_ocr *o, const char *lang)
{
	char **p;

	for (p = o->avail; p != NULL && *p != NULL; p++)
		if (strcmp(*p, lang) == 0)
			return 1;
	return 0;
}

/* The installed languages for script (OSD's name); conf: OSD's. */
const char *
ing_ocr_auto_langs(struct ing_ocr *o, const char *script, float conf)
{
	static const struct {
		const char *script, *lang;
	} map[] = {
		{ "Han", "chi_sim" },     { "Japanese", "jpn" },
		{ "Hangul", "kor" },      { "Korean", "kor" },
		{ "Cyrillic", "rus" },    { "Greek", "ell" },
		{ "Arabic", "ara" },      { "Hebrew", "heb" },
		{ "Devanagari", "hin" },  { "Thai", "tha" },
	};
	size_t i;

	if (!o->autolang)
		return o->langs;
	if (script != NULL && strcmp(script, "Latin") == 0)
		return "eng";
	if (script == NULL ||
	    conf < (strcmp(script, "Han") == 0 ? OSD_MIN_HAN_CONF
					       : OSD_MIN_SCRIPT_CONF))
		return installed(o, "chi_sim") ? "chi_sim+eng" : "eng";
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(script, map[i].script) != 0)
			continue;
		if (!installed(o, map[i].lang))
			break;
		if (strcmp(map[i].lang, "chi_sim") == 0)
			return "chi_sim";
		if (strcmp(map[i].lang, "jpn") == 0)
			return "jpn+eng";
		if (strcmp(map[i].lang, "kor") == 0)
			return "kor+eng";
		if (strcmp(map[i].lang, "rus") == 0)
			return "rus+eng";
		if (strcmp(map[i].lang, "ell") == 0)
			return "ell+eng";
		if (strcmp(map[i].lang, "ara") == 0)
			return "ara+eng";
		if (strcmp(map[i].lang, "heb") == 0)
			return "heb+eng";
		if (strcmp(map[i].lang, "hin") == 0)
			return "hin+eng";
		return "tha+eng";
	}
	return "eng";
}

/*
 * With languages "auto", the languages of the other script for regions
 * a page's own left unread (a Chinese block on an English page, English
 * lines on a Chinese one): NULL when there are none installed, or the
 * languages are configured.
 */
const char *
ing_ocr_other_langs(struct ing_ocr *o, const char *langs)
{
	if (!o->autolang || strstr(langs, "+") != NULL)
		return NULL;
	if (strcmp(langs, "eng") == 0)
		return installed(o, "chi_sim") ? "chi_sim" : NULL;
	return "eng";
}

/* ---- reading ---- */

static enum dos_err
line_add(struct ing_lines *ls, size_t first, size_t n, int x, int y, int w,
	 int h, int para)
{
	struct ing_line *nl;

	if (n == 0)
		return DOS_OK;
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 64;

		if ((nl = realloc(ls->v, cap * sizeof(*nl))) == NULL)
			return DOS_NOMEM;
		ls->v = nl;
		ls->cap = cap;
	}
	ls->v[ls->n].first = first;
	ls->v[ls->n].n = n;
	ls->v[ls->n].x = x;
	ls->v[ls->n].y = y;
	ls->v[ls->n].w = w;
	ls->v[ls->n].h = h;
	ls->v[ls->n].para = para;
	ls->n++;
	return DOS_OK;
}

void
ing_ocr_lines_free(struct ing_lines *ls)
{
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}

static enum dos_err
word_add(struct ing_page *out, size_t *pcap, const char *t, int x, int y,
	 int w, int h, float conf)
{
	struct arc_word *nw;

	if (out->nwords == *pcap) {
		size_t cap = *pcap ? *pcap * 2 : 256;

		if ((nw = realloc(out->words, cap * sizeof(*nw))) == NULL)
			return DOS_NOMEM;
		out->words = nw;
		*pcap = cap;
	}
	if ((out->words[out->nwords].text = strdup(t)) == NULL)
		return DOS_NOMEM;
	out->words[out->nwords].x = x;
	out->words[out->nwords].y = y;
	out->words[out->nwords].w = w;
	out->words[out->nwords].h = h;
	out->words[out->nwords].conf = conf;
	out->nwords++;
	return DOS_OK;
}

/* Whether a word's text holds a letter or digit. */
static int
wordlike(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80 || (*s >= '0' && *s <= '9') ||
		    ((*s | 32) >= 'a' && (*s | 32) <= 'z'))
			return 1;
	return 0;
}

/* A word the page's reading gave but the quality gate counts unread. */
static int
weak(const struct arc_word *w)
{
	return w->text[0] == '\0' || w->conf < ING_QUALITY_MIN_CONF ||
	       !wordlike(w->text);
}

/*
 * How a word read again at (x, y, w, h) with confidence conf meets the
 * first n words of out: 0 where nothing was read, 1 over weak words only
 * (it replaces them when surer), -1 over a word read well (dropped).
 */
static int
meets(const struct ing_page *out, size_t n, int x, int y, int w, int h,
      float conf)
{
	size_t i;
	int hit = 0;

	for (i = 0; i < n; i++) {
		const struct arc_word *o = &out->words[i];
		int ix = (x + w < o->x + o->w ? x + w : o->x + o->w) -
			 (x > o->x ? x : o->x);
		int iy = (y + h < o->y + o->h ? y + h : o->y + o->h) -
			 (y > o->y ? y : o->y);
		long a = (long)w * h, b = (long)o->w * o->h;
		long small = a < b ? a : b;

		if (o->text[0] == '\0' || ix <= 0 || iy <= 0 ||
		    4L * ix * iy <= small)
			continue;
		if (!weak(o) || o->conf >= conf)
			return -1;
		hit = 1;
	}
	return hit;
}

/*
 * Blanks the weak words among the first n of out that the box overlaps;
 * returns the first one's index (where the better reading goes, so that
 * it keeps its place in its line), or n when there is none.
 */
static size_t
blank_weak(struct ing_page *out, size_t n, int x, int y, int w, int h)
{
	size_t i, first = n;

	for (i = 0; i < n; i++) {
		struct arc_word *o = &out->words[i];
		int ix = (x + w < o->x + o->w ? x + w : o->x + o->w) -
			 (x > o->x ? x : o->x);
		int iy = (y + h < o->y + o->h ? y + h : o->y + o->h) -
			 (y > o->y ? y : o->y);

		if (ix > 0 && iy > 0 && o->text[0] != '\0' && weak(o)) {
			((char *)o->text)[0] = '\0';
			if (first == n)
				first = i;
		}
	}
	return first;
}

/*
 * Words and lines of what api recognised, offset by (dx, dy).  A region
 * read again (nold: the words out held before) keeps only words with at
 * least min_conf that add what the page's reading missed or replace
 * what it read badly (weak words, blanked), never a second copy of a
 * word read well.
 */
static enum dos_err
collect(TessBaseAPI *api, int dx, int dy, float min_conf, size_t nold,
	struct ing_page *out, size_t *pcap, struct ing_lines *ls)
{
	TessResultIterator *it;
	TessPageIterator *pit;
	size_t first = out->nwords;
	int lx1 = 0, ly1 = 0, lx2 = 0, ly2 = 0, para = 0, have = 0;
	enum dos_err err = DOS_OK;

	if ((it = TessBaseAPIGetIterator(api)) == NULL)
		return DOS_OK; /* no text at all */
	pit = TessResultIteratorGetPageIterator(it);
	do {
		int x1, y1, x2, y2, m;
		float conf;
		char *t;

		if (TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE)) {
			if ((err = line_add(ls, first, out->nwords - first, lx1,
					    ly1, lx2 - lx1, ly2 - ly1,
					    para)) != DOS_OK)
				goto out;
			if (out->nwords > first)
				para = 0;
			first = out->nwords;
			if (TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &x1,
							&y1, &x2, &y2)) {
				lx1 = dx + x1;
				ly1 = dy + y1;
				lx2 = dx + x2;
				ly2 = dy + y2;
			}
		}
		if (TessPageIteratorIsAtBeginningOf(pit, RIL_PARA) && have)
			para = 1;
		t = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		if (t == NULL)
			continue;
		conf = TessResultIteratorConfidence(it, RIL_WORD);
		/*
		 * A blank "word" (a box's edge) is no text, nor is a doubtful
		 * mark of one to three bytes without a letter or digit: a
		 * speck or a rule's end read as "_", "~", "|" or "©" (CER on
		 * 56 bench pages 8.39% with them, 8.02% without).
		 */
		if (t[strspn(t, " \t\n")] != '\0' && conf >= min_conf &&
		    !(strlen(t) <= 3 && conf < JUNK_MAX_CONF && !wordlike(t)) &&
		    TessPageIteratorBoundingBox(pit, RIL_WORD, &x1, &y1, &x2,
						&y2)) {
			x1 += dx;
			y1 += dy;
			x2 += dx;
			y2 += dy;
			m = nold ? meets(out, nold, x1, y1, x2 - x1, y2 - y1,
					 conf)
				 : 0;
			if (m > 0) {
				size_t j = blank_weak(out, nold, x1, y1,
						      x2 - x1, y2 - y1);
				char *nt;

				if (j < nold && (nt = strdup(t)) != NULL) {
					/* In the weak word's place. */
					free((char *)out->words[j].text);
					out->words[j].text = nt;
					out->words[j].x = x1;
					out->words[j].y = y1;
					out->words[j].w = x2 - x1;
					out->words[j].h = y2 - y1;
					out->words[j].conf = conf;
				} else if (j < nold)
					err = DOS_NOMEM;
			} else if (m == 0) {
				err = word_add(out, pcap, t, x1, y1, x2 - x1,
					       y2 - y1, conf);
				have = 1;
			}
		}
		TessDeleteText(t);
		if (err != DOS_OK)
			goto out;
	} while (TessPageIteratorNext(pit, RIL_WORD));
	err = line_add(ls, first, out->nwords - first, lx1, ly1, lx2 - lx1,
		       ly2 - ly1, para);
out:
	TessResultIteratorDelete(it);
	return err;
}

enum dos_err
ing_ocr_read(TessBaseAPI *api, PIX *img, PIX *shade, int dpi,
	     struct ing_page *out, struct ing_lines *ls)
{
	size_t cap = out->nwords;
	enum dos_err err;

	TessBaseAPISetImage2(api, img);
	/*
	 * A 1-bit page's gray rendering for the recognizer: layout analysis
	 * works on the 1-bit page as given (no threshold pass), while the
	 * LSTM reads its lines from the "original" image when it is as wide
	 * (Tesseract's BestPix); Tesseract takes over the reference.
	 */
	if (shade != NULL)
		TessBaseAPISetInputImage(api, pixClone(shade));
	TessBaseAPISetSourceResolution(api, dpi);
	if (TessBaseAPIRecognize(api, NULL) != 0) {
		dos_errx("%s: OCR failed", __func__);
		return DOS_INVAL;
	}
	out->ocr_confidence = TessBaseAPIMeanTextConf(api);
	if ((err = collect(api, 0, 0, 0.0f, 0, out, &cap, ls)) != DOS_OK)
		return err;
	if (out->nwords == 0)
		out->ocr_confidence = 0;
	return DOS_OK;
}

enum dos_err
ing_ocr_regions(struct ing_ocr *o, const char *langs, PIX *img, int dpi,
		BOXA *regions, struct ing_page *out, struct ing_lines *ls)
{
	TessBaseAPI *api;
	size_t cap = out->nwords, nold = out->nwords;
	int m = (int)(REGION_MARGIN_MM * dpi / 25.4), i;
	enum dos_err err = DOS_OK;

	if (boxaGetCount(regions) == 0)
		return DOS_OK;
	if ((api = get(o, langs != NULL ? langs : o->langs, 1)) == NULL)
		return DOS_NOTFOUND;
	for (i = 0; i < boxaGetCount(regions); i++) {
		l_int32 x, y, w, h;
		BOX *b;
		PIX *crop;

		boxaGetBoxGeometry(regions, i, &x, &y, &w, &h);
		if ((b = boxCreate(x - m, y - m, w + 2 * m, h + 2 * m)) == NULL)
			return DOS_NOMEM;
		crop = pixClipRectangle(img, b, NULL);
		boxDestroy(&b);
		if (crop == NULL)
			continue;
		x = x - m < 0 ? 0 : x - m;
		y = y - m < 0 ? 0 : y - m;
		TessBaseAPISetImage2(api, crop);
		TessBaseAPISetSourceResolution(api, dpi);
		if (TessBaseAPIRecognize(api, NULL) == 0)
			err = collect(api, x, y, REGION_MIN_CONF, nold, out,
				      &cap, ls);
		TessBaseAPIClear(api);
		pixDestroy(&crop);
		if (err != DOS_OK)
			return err;
	}
	return DOS_OK;
}

/*
 * Whether the UTF-8 character at p is written without blanks between
 * words: CJK from U+2E80 (with fullwidth punctuation), not Hangul
 * (Korean puts blanks between words).
 */
static int
cjk_at(const unsigned char *p)
{
	unsigned cp;

	if (p[0] >= 0xf0)
		return p[1] != '\0'; /* U+10000 and up: CJK extensions */
	if (p[0] < 0xe0 || p[1] == '\0' || p[2] == '\0')
		return 0;
	cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
	return cp >= 0x2e80 && !(cp >= 0xac00 && cp <= 0xd7ff);
}

/* Whether the word ends with a CJK character. */
static int
cjk_end(const char *t, size_t n)
{
	size_t k = n;

	while (k > 0 && ((unsigned char)t[k - 1] & 0xc0) == 0x80)
		k--;
	return k > 0 && n - k + 1 >= 3 &&
	       cjk_at((const unsigned char *)t + k - 1);
}

/*
 * Appends the words of line l (blanked ones left out) to s at *po, a
 * blank between two words unless both sides are CJK (as Tesseract's own
 * text has it: Chinese runs without blanks).
 */
static void
put_line(const struct ing_page *out, const struct ing_line *l, char *s,
	 size_t *po, int para)
{
	size_t i, o = *po, before = *po, pn = 0;
	const char *prev = NULL;
	int any = 0;

	for (i = l->first; i < l->first + l->n; i++) {
		const char *t = out->words[i].text;
		size_t n = strlen(t);

		if (n == 0)
			continue;
		if (!any) {
			if (o > 0)
				s[o++] = '\n';
			if (o > 0 && para)
				s[o++] = '\n';
		} else if (!(cjk_end(prev, pn) &&
			     cjk_at((const unsigned char *)t)))
			s[o++] = ' ';
		prev = t;
		pn = n;
		memcpy(s + o, t, n);
		o += n;
		any = 1;
	}
	*po = any ? o : before;
}

char *
ing_ocr_text(struct ing_page *out, const struct ing_lines *main,
	     const struct ing_lines *extra)
{
	size_t i, j, len = 1, o = 0, k;
	unsigned char *placed = NULL;
	char *s;

	for (i = 0; i < out->nwords; i++)
		len += strlen(out->words[i].text) + 3;
	if ((s = malloc(len)) == NULL ||
	    (extra->n > 0 && (placed = calloc(extra->n, 1)) == NULL)) {
		free(s);
		return NULL;
	}
	/*
	 * Each line read again goes before the first line that starts below
	 * it in the same column.
	 */
	for (i = 0; i < main->n; i++) {
		const struct ing_line *m = &main->v[i];

		for (j = 0; j < extra->n; j++) {
			const struct ing_line *e = &extra->v[j];

			if (!placed[j] && e->y < m->y &&
			    e->x < m->x + m->w && m->x < e->x + e->w) {
				put_line(out, e, s, &o, 1);
				placed[j] = 1;
			}
		}
		put_line(out, m, s, &o, m->para);
	}
	for (j = 0; j < extra->n; j++)
		if (!placed[j])
			put_line(out, &extra->v[j], s, &o, 1);
	s[o] = '\0';
	free(placed);
	/* Words blanked by a better reading leave the word list. */
	for (i = 0, k = 0; i < out->nwords; i++) {
		if (out->words[i].text[0] == '\0') {
			free((char *)out->words[i].text);
			continue;
		}
		out->words[k++] = out->words[i];
	}
	out->nwords = k;
	return s;
}
