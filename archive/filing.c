/*
 * filing.c: where a document goes in the customer's dossier: its category
 * (a class code or one of its aliases), its customer (through any of the
 * customer's account numbers) and its archive number, built from the
 * category's catalogue number, the volume (year) and the next item number
 * in that category and year, by the configurable archive_number_format
 * (%C catalogue, %V volume, %I item, %05I item zero-padded to 5).
 * Called inside the caller's transaction.
 * Exports (to archive/) arc_file_resolve, arc_file_number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum dos_err
arc_file_resolve(struct arc *a, const char *category, const char *account,
		 char *code, size_t codelen, int64_t *pcustomer)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	code[0] = '\0';
	*pcustomer = 0;
	if (category != NULL) {
		if ((err = arc_prepare(a, "SELECT code FROM category "
					  "WHERE code = upper(?1) UNION ALL "
					  "SELECT code FROM category_alias "
					  "WHERE alias = ?1 LIMIT 1",
				       &st)) != DOS_OK)
			return err;
		arc_bind_text(st, 1, category);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(code, codelen, "%s", arc_col_text(st, 0));
		sqlite3_finalize(st);
		st = NULL;
	}
	if (account != NULL) {
		if ((err = arc_prepare(a, "SELECT customer_id FROM account "
					  "WHERE number = ?",
				       &st)) != DOS_OK)
			return err;
		arc_bind_text(st, 1, account);
		if (sqlite3_step(st) == SQLITE_ROW)
			*pcustomer = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return DOS_OK;
}

/* Formats an archive number; DOS_INVAL for a format it cannot honour. */
static enum dos_err
format_number(const char *fmt, int catalogue, const char *volume, int64_t item,
	      char *out, size_t n)
{
	struct dbuf b;
	const char *p;
	int width;
	enum dos_err err = DOS_OK;

	dbuf_init(&b, 128);
	for (p = fmt; *p != '\0' && err == DOS_OK; p++) {
		if (*p != '%') {
			err = dbuf_add(&b, p, 1);
			continue;
		}
		p++;
		width = 0;
		if (*p == '0')
			for (p++; *p >= '0' && *p <= '9'; p++)
				width = width * 10 + (*p - '0');
		if (width > 12)
			err = DOS_INVAL;
		else if (*p == 'C')
			err = dbuf_addf(&b, "%0*d", width, catalogue);
		else if (*p == 'V')
			err = dbuf_addf(&b, "%s", volume);
		else if (*p == 'I')
			err = dbuf_addf(&b, "%0*lld", width, (long long)item);
		else if (*p == '%')
			err = dbuf_add(&b, "%", 1);
		else
			err = DOS_INVAL;
	}
	if (err == DOS_OK && (b.len == 0 || b.len >= n))
		err = DOS_INVAL;
	if (err == DOS_OK) {
		memcpy(out, b.data, b.len);
		out[b.len] = '\0';
	}
	dbuf_free(&b);
	return err;
}

enum dos_err
arc_file_number(struct arc *a, const char *code, const char *volume,
		int *pcatalogue, int64_t *pitem, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;
	char fmt[128] = "%C-%V-%05I";
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT catalogue FROM category "
				  "WHERE code = ?", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, code);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return DOS_NOTFOUND;
	}
	*pcatalogue = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if ((err = arc_prepare(a, "SELECT value FROM setting "
				  "WHERE key = 'archive_number_format'",
			       &st)) != DOS_OK)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(fmt, sizeof(fmt), "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	if ((err = arc_prepare(a, "INSERT INTO item_counter(category, volume, "
				  "next_item) VALUES (?, ?, 2) "
				  "ON CONFLICT(category, volume) DO UPDATE SET "
				  "next_item = next_item + 1 "
				  "RETURNING next_item - 1",
			       &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, code);
	arc_bind_text(st, 2, volume);
	if (sqlite3_step(st) != SQLITE_ROW) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		sqlite3_finalize(st);
		return DOS_DB;
	}
	*pitem = sqlite3_column_int64(st, 0);
	sqlite3_step(st); /* RETURNING finishes on the next step */
	sqlite3_finalize(st);
	if ((err = format_number(fmt, *pcatalogue, volume, *pitem, out, n)) !=
	    DOS_OK)
		dos_errx("%s: archive_number_format '%s' is not usable (use "
			 "%%C, %%V, %%I, %%05I)", __func__, fmt);
	return err;
}
