/*
 * manifest.c: a batch manifest, a CSV file that names for each scanned
 * file its account, category, title and date, for stacks without cover
 * sheets.  The first row names the columns: file (required), account,
 * category, title, date (YYYY-MM-DD), in any order.  Parsed with libcsv.
 * Exports ing_manifest_load, ing_manifest_free, ing_manifest_rows,
 * ing_manifest_find, ing_set_manifest, and to ingest/ ing_base_name.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "internal.h"

#define MANIFEST_MAX_BYTES (16u << 20)
#define MANIFEST_MAX_ROWS 200000
#define MANIFEST_MAX_FIELD 1024

enum col {
	COL_FILE,
	COL_ACCOUNT,
	COL_CATEGORY,
	COL_TITLE,
	COL_DATE,
	COL_TYPE,
	COL__MAX
};

static const char *const col_names[COL__MAX] = {
	[COL_FILE] = "file",	       [COL_ACCOUNT] = "account",
	[COL_CATEGORY] = "category", [COL_TITLE] = "title",
	[COL_DATE] = "date",	       [COL_TYPE] = "type",
};

struct ing_manifest {
	struct ing_manifest_row *rows;
	size_t nrows, cap;
};

/* Parser state while libcsv calls back. */
struct parse {
	struct ing_manifest *m;
	int map[16];       /* CSV column -> enum col, -1: none yet */
	int ncols;         /* columns in the header */
	int have_header;
	int field;         /* index of the next field in the row */
	long line;         /* 1-based record number */
	char *cur[COL__MAX];
	char msg[256];
	int failed;
};

static void
fail(struct parse *ps, const char *fmt, const char *arg)
{
	if (ps->failed)
		return;
	ps->failed = 1;
	snprintf(ps->msg, sizeof(ps->msg), "manifest line %ld: ", ps->line);
	snprintf(ps->msg + strlen(ps->msg), sizeof(ps->msg) - strlen(ps->msg),
		 fmt, arg);
}

static int
valid_date(const char *s)
{
	int i, y, mo, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = atoi(s);
	mo = atoi(s + 5);
	d = atoi(s + 8);
	return y >= 1900 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

static void
on_field(void *data, size_t len, void *arg)
{
	struct parse *ps = arg;
	const char *s = data != NULL ? data : "";
	int i, c;

	if (ps->failed)
		return;
	if (len > MANIFEST_MAX_FIELD) {
		fail(ps, "a field is longer than %s bytes", "1024");
		return;
	}
	if (!ps->have_header) {
		if (ps->field >= (int)(sizeof(ps->map) / sizeof(ps->map[0]))) {
			fail(ps, "too many columns%s", "");
			return;
		}
		for (c = 0; c < COL__MAX; c++)
			if (strcasecmp(s, col_names[c]) == 0)
				break;
		if (c == COL__MAX) {
			fail(ps, "unknown column '%s' (known: file, account, "
				 "category, title, date, type)", s);
			return;
		}
		for (i = 0; i < ps->field; i++)
			if (ps->map[i] == c) {
				fail(ps, "column '%s' named twice", s);
				return;
			}
		ps->map[ps->field++] = c;
		return;
	}
	if (ps->field >= ps->ncols) {
		fail(ps, "more fields than the header names%s", "");
		return;
	}
	c = ps->map[ps->field++];
	free(ps->cur[c]);
	if ((ps->cur[c] = strdup(s)) == NULL)
		fail(ps, "out of memory%s", "");
}

static void
clear_cur(struct parse *ps)
{
	int c;

	for (c = 0; c < COL__MAX; c++) {
		free(ps->cur[c]);
		ps->cur[c] = NULL;
	}
}

static void
on_row(int term, void *arg)
{
	struct parse *ps = arg;
	struct ing_manifest *m = ps->m;
	struct ing_manifest_row *r;
	int c;

	(void)term;
	if (ps->failed)
		goto next;
	if (!ps->have_header) {
		for (c = 0; c < ps->field; c++)
			if (ps->map[c] == COL_FILE)
				break;
		if (c == ps->field) {
			fail(ps, "the header has no 'file' column%s", "");
			goto next;
		}
		ps->have_header = 1;
		ps->ncols = ps->field;
		goto next;
	}
	if (ps->cur[COL_FILE] == NULL || ps->cur[COL_FILE][0] == '\0') {
		fail(ps, "no file name%s", "");
		goto next;
	}
	/* What is filed must be text (the file column only finds a file,
	 * whose name may be in any encoding). */
	for (c = 0; c < COL__MAX; c++)
		if (c != COL_FILE && !dos_utf8_valid(ps->cur[c])) {
			fail(ps, "the %s is not UTF-8 text; save the manifest "
				 "as CSV UTF-8", col_names[c]);
			goto next;
		}
	if (ps->cur[COL_DATE] != NULL && ps->cur[COL_DATE][0] != '\0' &&
	    !valid_date(ps->cur[COL_DATE])) {
		fail(ps, "date '%s' is not YYYY-MM-DD", ps->cur[COL_DATE]);
		goto next;
	}
	if (ps->cur[COL_CATEGORY] != NULL &&
	    strchr(ps->cur[COL_CATEGORY], ':') != NULL) {
		fail(ps, "category '%s' contains ':'", ps->cur[COL_CATEGORY]);
		goto next;
	}
	if (m->nrows >= MANIFEST_MAX_ROWS) {
		fail(ps, "more than %s rows", "200000");
		goto next;
	}
	if (m->nrows == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct ing_manifest_row *nr =
			realloc(m->rows, cap * sizeof(*nr));

		if (nr == NULL) {
			fail(ps, "out of memory%s", "");
			goto next;
		}
		m->rows = nr;
		m->cap = cap;
	}
	r = &m->rows[m->nrows++];
	memset(r, 0, sizeof(*r));
	r->line = ps->line;
	/* Empty cells mean "not given". */
	for (c = 0; c < COL__MAX; c++)
		if (ps->cur[c] != NULL && ps->cur[c][0] == '\0') {
			free(ps->cur[c]);
			ps->cur[c] = NULL;
		}
	r->file = ps->cur[COL_FILE];
	r->account = ps->cur[COL_ACCOUNT];
	r->category = ps->cur[COL_CATEGORY];
	r->title = ps->cur[COL_TITLE];
	r->date = ps->cur[COL_DATE];
	r->type = ps->cur[COL_TYPE];
	memset(ps->cur, 0, sizeof(ps->cur));
next:
	clear_cur(ps);
	ps->field = 0;
	ps->line++;
}

void
ing_manifest_free(struct ing_manifest *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrows; i++) {
		free(m->rows[i].file);
		free(m->rows[i].account);
		free(m->rows[i].category);
		free(m->rows[i].title);
		free(m->rows[i].date);
		free(m->rows[i].type);
	}
	free(m->rows);
	free(m);
}

static int
row_cmp(const void *a, const void *b)
{
	const struct ing_manifest_row *x = *(const struct ing_manifest_row *
					     const *)a;
	const struct ing_manifest_row *y = *(const struct ing_manifest_row *
					     const *)b;
	int c = strcmp(x->file, y->file);

	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/*
 * Fails on a file named twice: the one whose first row comes first, at
 * its second row.  Sorted, so 200,000 rows take a moment, not minutes.
 */
static void
check_twice(struct parse *ps)
{
	const struct ing_manifest_row **by, *first = NULL, *second = NULL;
	size_t i, n = ps->m->nrows;

	if (n < 2)
		return;
	if ((by = malloc(n * sizeof(*by))) == NULL) {
		fail(ps, "out of memory%s", "");
		return;
	}
	for (i = 0; i < n; i++)
		by[i] = &ps->m->rows[i];
	qsort(by, n, sizeof(*by), row_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(by[i - 1]->file, by[i]->file) == 0 &&
		    (i < 2 || strcmp(by[i - 2]->file, by[i]->file) != 0) &&
		    (first == NULL || by[i - 1]->line < first->line)) {
			first = by[i - 1];
			second = by[i];
		}
	if (second != NULL) {
		ps->line = second->line;
		fail(ps, "file '%s' is listed twice", second->file);
	}
	free(by);
}

enum dos_err
ing_manifest_load(const char *path, struct ing_manifest **pm, char *msg,
		  size_t msglen)
{
	struct csv_parser p;
	struct parse ps;
	unsigned char *data = NULL;
	size_t len = 0, i;
	enum dos_err err;

	*pm = NULL;
	memset(&ps, 0, sizeof(ps));
	ps.line = 1;
	if ((err = dos_file_read(path, MANIFEST_MAX_BYTES, &data, &len)) !=
	    DOS_OK) {
		snprintf(msg, msglen, "%s: %s", path,
			 err == DOS_LIMIT ? "manifest larger than 16 MB"
					  : dos_strerror(err));
		return err;
	}
	if ((ps.m = calloc(1, sizeof(*ps.m))) == NULL ||
	    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL |
			     CSV_EMPTY_IS_NULL) !=
		    0) {
		free(data);
		free(ps.m);
		return DOS_NOMEM;
	}
	/* A spreadsheet's UTF-8 byte order mark is not part of "file". */
	i = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	if (csv_parse(&p, data + i, len - i, on_field, on_row, &ps) !=
		    len - i ||
	    csv_fini(&p, on_field, on_row, &ps) != 0) {
		if (!ps.failed)
			fail(&ps, "%s",
			     csv_error(&p) == CSV_EPARSE
				     ? "malformed CSV: a quote is not closed "
				       "or a quote stands inside an unquoted "
				       "field"
				     : csv_strerror(csv_error(&p)));
	}
	csv_free(&p);
	clear_cur(&ps);
	free(data);
	if (!ps.failed && !ps.have_header)
		fail(&ps, "empty manifest: the first row must name the "
			  "columns%s", "");
	/* The same file twice is a mistake a clerk wants to hear about. */
	if (!ps.failed)
		check_twice(&ps);
	if (ps.failed) {
		snprintf(msg, msglen, "%s: %s", path, ps.msg);
		ing_manifest_free(ps.m);
		return DOS_FORMAT;
	}
	*pm = ps.m;
	return DOS_OK;
}

const char *
ing_base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

const struct ing_manifest_row *
ing_manifest_find(const struct ing_manifest *m, const char *path)
{
	size_t i;

	if (m == NULL)
		return NULL;
	/* The path as given first, then the file name alone. */
	for (i = 0; i < m->nrows; i++)
		if (strcmp(m->rows[i].file, path) == 0)
			return &m->rows[i];
	for (i = 0; i < m->nrows; i++)
		if (strchr(m->rows[i].file, '/') == NULL &&
		    strcmp(m->rows[i].file, ing_base_name(path)) == 0)
			return &m->rows[i];
	return NULL;
}

size_t
ing_manifest_rows(const struct ing_manifest *m,
		  const struct ing_manifest_row **prows)
{
	*prows = m != NULL ? m->rows : NULL;
	return m != NULL ? m->nrows : 0;
}

void
ing_set_manifest(struct ing *ing, const struct ing_manifest *m)
{
	ing->manifest = m;
}
