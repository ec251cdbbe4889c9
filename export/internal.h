/*
 * internal.h: what export/ shares only with itself: output files written
 * beside their final name and renamed into place, CSV fields, PEM keys.
 */
#ifndef EXPORT_INTERNAL_H
#define EXPORT_INTERNAL_H

#include <stdio.h>

#include "dossier/export.h"

/* An output being written: tmp until committed to path. */
struct exp_out {
	char path[4096];
	char tmp[4096];
	FILE *f; /* NULL when the caller writes tmp itself (libzip) */
};
/* Picks a temporary name beside path; with open_file, opens it. */
enum dos_err exp_out_begin(struct exp_out *o, const char *path,
			   int open_file, char *msg, size_t msglen);
/* Flushes, fsyncs and renames tmp to path, then fsyncs the folder. */
enum dos_err exp_out_commit(struct exp_out *o, char *msg, size_t msglen);
/* Closes and removes tmp (NULL-safe, idempotent). */
void exp_out_abort(struct exp_out *o);

/* Appends one CSV field (quoted when needed; a leading = + - @, tab or
 * carriage return is prefixed with ' so spreadsheets do not run it). */
enum dos_err exp_csv_field(struct dbuf *b, const char *s, int first);

/* The document rows of manifest.csv and exp_csv (sheet.c). */
enum dos_err exp_csv_header(struct dbuf *b);
enum dos_err exp_csv_row(struct dbuf *b, const json_t *meta);

/* "query: Q; customers: a, b; documents: 1, 2" for the audit log. */
char *exp_describe(const struct exp_opts *o, const char *kind);

#endif
