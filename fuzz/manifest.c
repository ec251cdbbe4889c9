/*
 * manifest.c: libFuzzer harness for the batch manifest parser
 * (ingest/manifest.c, libcsv underneath): `dossier ingest --manifest
 * FILE` and the watch folder read it before any scan is touched.
 *
 * Each input is a manifest file's bytes, given to ing_manifest_load by
 * path (an anonymous memfd under /proc/self/fd), as the CLI gives it.
 *
 * Checked on success: every row has a non-empty file name; its date,
 * when given, is YYYY-MM-DD; no category holds ':'; no cell is empty
 * (empty means not given); rows are numbered in increasing order after
 * the header; no two rows name the same file, and ing_manifest_find finds
 * each row by its own file name.  On failure: DOS_FORMAT (or DOS_LIMIT
 * past 16 MB) and a message that starts with the path and names the line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "dossier/ingest.h"

#define FUZZ_MAX_INPUT (64u << 10)

static void
check_cell(const char *s)
{
	FZ_CHECK(s == NULL || s[0] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ing_manifest_row *rows, *r;
	struct ing_manifest *m = NULL;
	char path[64], msg[512];
	size_t n, i;
	long prev = 1;
	int fd, y, mo, d;
	enum dos_err err;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	fd = fz_memfd_path(data, size, path, sizeof(path));
	msg[0] = '\0';
	err = ing_manifest_load(path, &m, msg, sizeof(msg));
	close(fd);
	if (err != DOS_OK) {
		FZ_CHECK(err == DOS_FORMAT);
		FZ_CHECK(m == NULL);
		FZ_CHECK(strncmp(msg, path, strlen(path)) == 0);
		FZ_CHECK(strstr(msg, "manifest line ") != NULL);
		return 0;
	}
	FZ_CHECK(m != NULL);
	n = ing_manifest_rows(m, &rows);
	for (i = 0; i < n; i++) {
		r = &rows[i];
		FZ_CHECK(r->file != NULL && r->file[0] != '\0');
		check_cell(r->account);
		check_cell(r->category);
		check_cell(r->title);
		check_cell(r->date);
		check_cell(r->type);
		FZ_CHECK(r->category == NULL ||
			 strchr(r->category, ':') == NULL);
		if (r->date != NULL) {
			FZ_CHECK(strlen(r->date) == 10);
			FZ_CHECK(sscanf(r->date, "%4d-%2d-%2d", &y, &mo, &d) ==
				 3);
			FZ_CHECK(mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
		}
		FZ_CHECK(r->line > prev);
		prev = r->line;
		FZ_CHECK(ing_manifest_find(m, r->file) == r);
	}
	ing_manifest_free(m);
	return 0;
}
