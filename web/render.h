/*
 * render.h: page images at screen size, private to web/.
 */
#ifndef WEB_RENDER_H
#define WEB_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "dossier/common.h"

/* Widths a page image may be asked for (the zoom steps). */
#define RENDER_MIN_WIDTH 200
#define RENDER_MAX_WIDTH 2400

/*
 * Reads the stored page image from fd (size bytes, at most 64 MB), scales
 * it to width pixels (never up), and returns it as PNG in *pout (free()).
 */
enum dos_err render_png(int fd, uint64_t size, int width,
			unsigned char **pout, size_t *plen);

#endif
