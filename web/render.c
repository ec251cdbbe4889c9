/*
 * render.c: page images for the browser.  The archive keeps processed
 * pages as TIFF G4 at scan resolution, which browsers do not show; this
 * decodes one with Leptonica, scales it to the width asked for (grey, so
 * thin strokes survive the reduction) and encodes PNG.
 * Exports render_png.
 */
#include <stdlib.h>
#include <unistd.h>

#include <allheaders.h>

#include "render.h"

#define MAX_STORED (64u << 20)

enum dos_err
render_png(int fd, uint64_t size, int width, unsigned char **pout,
	   size_t *plen)
{
	unsigned char *buf;
	size_t got = 0;
	ssize_t n;
	PIX *pix = NULL, *scaled = NULL;
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
	if (width < RENDER_MIN_WIDTH)
		width = RENDER_MIN_WIDTH;
	if (width > RENDER_MAX_WIDTH)
		width = RENDER_MAX_WIDTH;
	if (width < (int)pixGetWidth(pix))
		/* To grey with smoothing: a 1-bit page shrunk stays legible. */
		scaled = pixGetDepth(pix) == 1
				 ? pixScaleToGray(pix, (float)width /
							      pixGetWidth(pix))
				 : pixScale(pix, (float)width / pixGetWidth(pix),
					    (float)width / pixGetWidth(pix));
	else
		scaled = pixClone(pix);
	if (scaled != NULL &&
	    pixWriteMemPng(pout, plen, scaled, 0.0) == 0)
		err = DOS_OK;
	pixDestroy(&pix);
	pixDestroy(&scaled);
	return err;
}
