/*
 * render.c: page images for the viewer, made by workers.  The archive
 * keeps processed pages as TIFF G4 at scan resolution, which browsers do
 * not show; this decodes one with Leptonica, scales it to the width asked
 * for (grey, so thin strokes survive the reduction) and encodes PNG; a
 * view row of the queue has it kept in the archive's page-image cache,
 * whence the server sends it.
 * Exports ing_view_png, ing_view_make.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "internal.h"

#define MAX_STORED (64u << 20)

enum dos_err
ing_view_png(int fd, uint64_t size, int width, unsigned char **pout,
	     size_t *plen)
{
	unsigned char *buf;
	size_t got = 0;
	ssize_t n;
	PIX *pix = NULL, *scaled = NULL;
	float f;
	enum dos_err err = DOS_FORMAT;

	*pout = NULL;
	*plen = 0;
	if (size == 0 || size > MAX_STORED)
		return DOS_LIMIT;
	if ((buf = malloc((size_t)size)) == NULL)
		return DOS_NOMEM;
	while (got < size && (n = read(fd, buf + got, (size_t)size - got)) > 0)
		got += (size_t)n;
	if (got != size) {
		free(buf);
		return DOS_IO;
	}
	pix = pixReadMem(buf, got);
	free(buf);
	if (pix == NULL)
		return DOS_FORMAT;
	if (width < ING_VIEW_MIN_WIDTH)
		width = ING_VIEW_MIN_WIDTH;
	if (width > ING_VIEW_MAX_WIDTH)
		width = ING_VIEW_MAX_WIDTH;
	f = (float)width / pixGetWidth(pix);
	if (width < (int)pixGetWidth(pix))
		/* To grey with smoothing: a 1-bit page shrunk stays legible. */
		scaled = pixGetDepth(pix) == 1 ? pixScaleToGray(pix, f)
					       : pixScale(pix, f, f);
	else
		scaled = pixClone(pix);
	if (scaled != NULL && width < (int)pixGetWidth(pix) &&
	    (int)pixGetWidth(scaled) != width) {
		/* pixScaleToGray may come out a few pixels narrow: made
		 * exactly as wide as asked. */
		PIX *exact = pixScaleToSize(scaled, width, 0);

		pixDestroy(&scaled);
		scaled = exact;
	}
	if (scaled != NULL &&
	    pixWriteMemPng(pout, plen, scaled, 0.0) == 0)
		err = DOS_OK;
	pixDestroy(&pix);
	pixDestroy(&scaled);
	return err;
}

enum dos_err
ing_view_make(struct arc *a, const struct arc_job *j, char *msg,
	      size_t msglen)
{
	json_t *spec = NULL;
	const char *key;
	unsigned char *png = NULL;
	size_t len = 0;
	uint64_t size = 0;
	int fd = -1, cached = 0, width;
	enum dos_err err;

	if ((spec = json_loads(j->spec != NULL ? j->spec : "", 0, NULL)) ==
		    NULL ||
	    (key = json_string_value(json_object_get(spec, "key"))) ==
		    NULL) {
		snprintf(msg, msglen, "the view row names no page image");
		err = DOS_INVAL;
		goto out;
	}
	width = (int)json_integer_value(json_object_get(spec, "width"));
	if ((err = arc_view_open(a, key, 1, &fd, &size, &cached)) != DOS_OK) {
		snprintf(msg, msglen, "the page is no longer there");
		goto out;
	}
	if (cached) {
		/* Made meanwhile (another row for the same view). */
		snprintf(msg, msglen, "kept already");
		goto out;
	}
	if ((err = ing_view_png(fd, size, width, &png, &len)) != DOS_OK) {
		snprintf(msg, msglen, "the page image cannot be shown: %s",
			 dos_strerror(err));
		goto out;
	}
	if ((err = arc_page_view_put(a, key, png, len)) != DOS_OK)
		snprintf(msg, msglen, "the page image cannot be kept: %s",
			 dos_strerror(err));
	else
		snprintf(msg, msglen, "rendered at %d pixels", width);
out:
	if (fd >= 0)
		close(fd);
	free(png);
	json_decref(spec);
	return err;
}
