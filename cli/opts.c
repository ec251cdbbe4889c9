/*
 * opts.c: the ingest options shared by ingest-like commands, parsed with
 * range checks (a value such as "4x" or "0" is refused, not read as 4 or
 * as a default).  Exports cli_number, cli_ingest_option.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"

int
cli_number(const char *s, long lo, long hi, long *pv)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return 0;
	*pv = v;
	return 1;
}

enum cli_opt
cli_ingest_option(struct ing_options *o, int c, const char *arg)
{
	long v;

	switch (c) {
	case 'a': o->account = arg; break;
	case 'c': o->category = arg; break;
	case 'T': o->doc_type = arg; break;
	case 'l': o->langs = arg; break;
	case 'D': o->deskew = 0; break;
	case 'O': o->orient = 0; break;
	case 'P': o->pdf = 0; break;
	case 'j':
		if (!cli_number(arg, 1, 64, &v))
			return CLI_OPT_BAD;
		o->jobs = (int)v;
		break;
	case 'M':
		if (!cli_number(arg, 1, 1000000, &v))
			return CLI_OPT_BAD;
		o->max_page_pixels = (uint64_t)v * 1000000u;
		break;
	case 'F':
		if (!cli_number(arg, 1, 1 << 20, &v))
			return CLI_OPT_BAD;
		o->max_file_bytes = (uint64_t)v << 20;
		break;
	default: return CLI_OPT_OTHER;
	}
	return CLI_OPT_OK;
}
