/*
 * sane.c: a scanner through SANE (libsane): lists the devices, opens one
 * and sets it up by option name (source, duplex, resolution, gray or
 * lineart, and any backend option as NAME=VALUE), and reads one page
 * frame at a time, checking its size against the pixel limit before any
 * buffer is allocated.  SANE is one per process, started once: one
 * scanner is open at a time (a second caller gets DOS_CONFLICT; the
 * device list then answers with the devices seen last).
 * Exports ing_scan_list, ing_dev_open, ing_dev_close, ing_dev_name,
 * ing_dev_vendor, ing_dev_model, ing_dev_source, ing_dev_dpi,
 * ing_dev_flatbed, ing_dev_option, ing_dev_option_get, ing_dev_page,
 * ing_dev_end,
 * ing_frame_pix, ing_frame_clear.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sane/sane.h>
#include <sane/saneopts.h>

#include "internal.h"

#define READ_CHUNK ((size_t)64 << 10)
#define MAX_IDLE_READS 100000 /* sane_read answering nothing, in a row */

struct ing_dev {
	SANE_Handle h;
	char name[128];
	char vendor[64];
	char model[64];
	char source[64]; /* the source chosen, as the backend names it */
	int dpi;
	int flatbed; /* one page per run */
	int scanning; /* sane_start succeeded since the last sane_cancel */
};

static pthread_mutex_t sane_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t sane_once = PTHREAD_ONCE_INIT;
static SANE_Status sane_started; /* what sane_init said */
static int sane_busy;      /* SANE is in use in this process */
static json_t *seen_last;  /* the devices listed last */

/*
 * SANE starts once and stays loaded for the process's life: a server
 * keeps its backends (the device list is asked again each time), and a
 * command ends right after its scan.  sane_exit would unload backends
 * that leak on their own (the test backend's reader thread).
 */
static void
sane_start_once(void)
{
	sane_started = sane_init(NULL, NULL);
}

/* Takes SANE for this caller: 1, 0 when someone else has it, -1 when
 * SANE cannot start. */
static int
sane_take(void)
{
	int ok;

	pthread_once(&sane_once, sane_start_once);
	if (sane_started != SANE_STATUS_GOOD)
		return -1;
	pthread_mutex_lock(&sane_mu);
	ok = !sane_busy;
	sane_busy = 1;
	pthread_mutex_unlock(&sane_mu);
	return ok;
}

static void
sane_give(void)
{
	pthread_mutex_lock(&sane_mu);
	sane_busy = 0;
	pthread_mutex_unlock(&sane_mu);
}

static json_t *
devices_json(const SANE_Device **list)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && list != NULL && list[i] != NULL; i++)
		json_array_append_new(
			arr, json_pack("{s:s,s:s,s:s,s:s}", "name",
				       list[i]->name ? list[i]->name : "",
				       "vendor",
				       list[i]->vendor ? list[i]->vendor : "",
				       "model",
				       list[i]->model ? list[i]->model : "",
				       "type",
				       list[i]->type ? list[i]->type : ""));
	return arr;
}

enum dos_err
ing_scan_list(json_t **pout, int *pbusy, char *msg, size_t msglen)
{
	const SANE_Device **list = NULL;
	SANE_Status st;
	json_t *j;
	int took;

	*pout = NULL;
	*pbusy = 0;
	if ((took = sane_take()) < 0) {
		snprintf(msg, msglen, "SANE cannot start (sane_init failed)");
		return DOS_IO;
	}
	if (took == 0) {
		/* A scan runs: what was seen before it started. */
		*pbusy = 1;
		pthread_mutex_lock(&sane_mu);
		j = seen_last != NULL ? json_deep_copy(seen_last)
				      : json_array();
		pthread_mutex_unlock(&sane_mu);
		*pout = j;
		return j != NULL ? DOS_OK : DOS_NOMEM;
	}
	st = sane_get_devices(&list, SANE_FALSE);
	j = st == SANE_STATUS_GOOD ? devices_json(list) : NULL;
	if (j != NULL) {
		pthread_mutex_lock(&sane_mu);
		json_decref(seen_last);
		seen_last = json_deep_copy(j);
		pthread_mutex_unlock(&sane_mu);
	}
	sane_give();
	if (st != SANE_STATUS_GOOD) {
		snprintf(msg, msglen, "SANE cannot list the scanners: %s",
			 sane_strstatus(st));
		return DOS_IO;
	}
	if (j == NULL)
		return DOS_NOMEM;
	*pout = j;
	return DOS_OK;
}

/* ---- options ---- */

/* Option index of name (active or not), or -1; *pd its descriptor. */
static int
opt_find(SANE_Handle h, const char *name, const SANE_Option_Descriptor **pd)
{
	const SANE_Option_Descriptor *d;
	SANE_Int n = 0, i;

	if (sane_control_option(h, 0, SANE_ACTION_GET_VALUE, &n, NULL) !=
	    SANE_STATUS_GOOD)
		return -1;
	for (i = 1; i < n; i++) {
		d = sane_get_option_descriptor(h, i);
		if (d != NULL && d->name != NULL &&
		    d->type != SANE_TYPE_GROUP && strcmp(d->name, name) == 0) {
			*pd = d;
			return (int)i;
		}
	}
	return -1;
}

/* The choices of a string-list option, joined with ", ". */
static void
opt_choices(const SANE_Option_Descriptor *d, char *out, size_t n)
{
	size_t k = 0;
	int i, w;

	out[0] = '\0';
	if (d->constraint_type != SANE_CONSTRAINT_STRING_LIST)
		return;
	for (i = 0; d->constraint.string_list[i] != NULL && k < n; i++) {
		w = snprintf(out + k, n - k, "%s%s", i ? ", " : "",
			     d->constraint.string_list[i]);
		if (w < 0)
			break;
		k += (size_t)w;
	}
}

/* Whether option d can be set now; msg says why not. */
static int
opt_settable(const struct ing_dev *dv, const SANE_Option_Descriptor *d,
	     char *msg, size_t msglen)
{
	if (!SANE_OPTION_IS_SETTABLE(d->cap)) {
		snprintf(msg, msglen, "option '%s' of scanner %s cannot be "
				      "set by software", d->name, dv->name);
		return 0;
	}
	if (!SANE_OPTION_IS_ACTIVE(d->cap)) {
		snprintf(msg, msglen, "option '%s' of scanner %s is not in "
				      "use with the other settings", d->name,
			 dv->name);
		return 0;
	}
	return 1;
}

static enum dos_err
opt_control(struct ing_dev *dv, int i, const SANE_Option_Descriptor *d,
	    void *val, const char *shown, char *msg, size_t msglen)
{
	SANE_Status st;

	st = sane_control_option(dv->h, i, SANE_ACTION_SET_VALUE, val, NULL);
	if (st != SANE_STATUS_GOOD) {
		snprintf(msg, msglen, "scanner %s refuses %s = %s: %s",
			 dv->name, d->name, shown, sane_strstatus(st));
		return DOS_INVAL;
	}
	return DOS_OK;
}

/* Sets string option name to value (matched to a choice, any case). */
static enum dos_err
opt_set_string(struct ing_dev *dv, const char *name, const char *value,
	       char *msg, size_t msglen)
{
	const SANE_Option_Descriptor *d = NULL;
	const char *v = value;
	char *buf, choices[256];
	int i;
	enum dos_err err;

	if ((i = opt_find(dv->h, name, &d)) < 0) {
		snprintf(msg, msglen, "scanner %s has no option '%s'",
			 dv->name, name);
		return DOS_INVAL;
	}
	if (!opt_settable(dv, d, msg, msglen))
		return DOS_INVAL;
	if (d->constraint_type == SANE_CONSTRAINT_STRING_LIST) {
		int k;

		v = NULL;
		for (k = 0; d->constraint.string_list[k] != NULL; k++)
			if (strcasecmp(d->constraint.string_list[k], value) ==
			    0)
				v = d->constraint.string_list[k];
		if (v == NULL) {
			opt_choices(d, choices, sizeof(choices));
			snprintf(msg, msglen, "scanner %s: '%s' is not a "
					      "%s; it knows %s", dv->name,
				 value, name, choices);
			return DOS_INVAL;
		}
	}
	if (d->size <= 0 || strlen(v) >= (size_t)d->size) {
		snprintf(msg, msglen, "scanner %s: '%s' is too long for "
				      "option '%s'", dv->name, v, name);
		return DOS_INVAL;
	}
	if ((buf = calloc(1, (size_t)d->size)) == NULL)
		return DOS_NOMEM;
	memcpy(buf, v, strlen(v));
	err = opt_control(dv, i, d, buf, v, msg, msglen);
	free(buf);
	return err;
}

/* The value of a word option nearest to v that its constraint allows. */
static SANE_Word
nearest(const SANE_Option_Descriptor *d, SANE_Word v)
{
	const SANE_Range *r;
	SANE_Word best;
	int i;

	if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST) {
		const SANE_Word *l = d->constraint.word_list;

		if (l[0] < 1)
			return v;
		best = l[1];
		for (i = 2; i <= l[0]; i++)
			if (llabs((long long)l[i] - v) <
			    llabs((long long)best - v))
				best = l[i];
		return best;
	}
	if (d->constraint_type == SANE_CONSTRAINT_RANGE) {
		r = d->constraint.range;
		if (v < r->min)
			v = r->min;
		if (v > r->max)
			v = r->max;
		if (r->quant > 0)
			v = r->min + (SANE_Word)(((long long)v - r->min +
						  r->quant / 2) /
						 r->quant * r->quant);
		if (v > r->max)
			v = r->max;
	}
	return v;
}

/*
 * Sets number option name (an integer or a fixed-point one) to the
 * allowed value nearest to v; *pgot (or NULL) gets what the device took.
 */
static enum dos_err
opt_set_number(struct ing_dev *dv, const char *name, double v, double *pgot,
	       char *msg, size_t msglen)
{
	const SANE_Option_Descriptor *d = NULL;
	SANE_Word w;
	char shown[32];
	int i;
	enum dos_err err;

	if ((i = opt_find(dv->h, name, &d)) < 0) {
		snprintf(msg, msglen, "scanner %s has no option '%s'",
			 dv->name, name);
		return DOS_INVAL;
	}
	if (!opt_settable(dv, d, msg, msglen))
		return DOS_INVAL;
	if ((d->type != SANE_TYPE_INT && d->type != SANE_TYPE_FIXED) ||
	    d->size != (SANE_Int)sizeof(SANE_Word)) {
		snprintf(msg, msglen, "option '%s' of scanner %s is not a "
				      "number", name, dv->name);
		return DOS_INVAL;
	}
	/* A fixed-point word holds -32768..32767.99998. */
	if (!isfinite(v) ||
	    fabs(v) > (d->type == SANE_TYPE_FIXED ? 32767.0 : 2147483647.0)) {
		snprintf(msg, msglen, "option '%s': %g is out of range", name,
			 v);
		return DOS_INVAL;
	}
	w = d->type == SANE_TYPE_FIXED ? SANE_FIX(v) : (SANE_Word)lround(v);
	w = nearest(d, w);
	snprintf(shown, sizeof(shown), "%g",
		 d->type == SANE_TYPE_FIXED ? SANE_UNFIX(w) : (double)w);
	if ((err = opt_control(dv, i, d, &w, shown, msg, msglen)) != DOS_OK)
		return err;
	if (pgot != NULL) {
		/* Its descriptor again: a set may have changed the options
		 * (SANE_INFO_RELOAD_OPTIONS), and some backends insist. */
		if (sane_get_option_descriptor(dv->h, i) == NULL ||
		    sane_control_option(dv->h, i, SANE_ACTION_GET_VALUE, &w,
					NULL) != SANE_STATUS_GOOD) {
			snprintf(msg, msglen, "scanner %s does not say what "
					      "it set %s to", dv->name, name);
			return DOS_IO;
		}
		*pgot = d->type == SANE_TYPE_FIXED ? SANE_UNFIX(w) : (double)w;
	}
	return DOS_OK;
}

/* The current value of string option name into out ("" if none). */
static void
opt_get_string(struct ing_dev *dv, const char *name, char *out, size_t n)
{
	const SANE_Option_Descriptor *d = NULL;
	char *buf;
	int i;

	out[0] = '\0';
	if ((i = opt_find(dv->h, name, &d)) < 0 ||
	    d->type != SANE_TYPE_STRING || d->size <= 0 ||
	    (buf = calloc(1, (size_t)d->size + 1)) == NULL)
		return;
	if (sane_control_option(dv->h, i, SANE_ACTION_GET_VALUE, buf, NULL) ==
	    SANE_STATUS_GOOD)
		snprintf(out, n, "%s", buf);
	free(buf);
}

enum dos_err
ing_dev_option(struct ing_dev *dv, const char *assign, char *msg,
	       size_t msglen)
{
	const SANE_Option_Descriptor *d = NULL;
	const char *eq = strchr(assign, '=');
	char name[64], *end;
	SANE_Word w;
	int i;

	if (eq == NULL || eq == assign ||
	    (size_t)(eq - assign) >= sizeof(name)) {
		snprintf(msg, msglen, "a scanner option is given as "
				      "NAME=VALUE, not '%s'", assign);
		return DOS_INVAL;
	}
	memcpy(name, assign, (size_t)(eq - assign));
	name[eq - assign] = '\0';
	if ((i = opt_find(dv->h, name, &d)) < 0) {
		snprintf(msg, msglen, "scanner %s has no option '%s'",
			 dv->name, name);
		return DOS_INVAL;
	}
	if (!opt_settable(dv, d, msg, msglen))
		return DOS_INVAL;
	eq++;
	switch (d->type) {
	case SANE_TYPE_STRING:
		return opt_set_string(dv, name, eq, msg, msglen);
	case SANE_TYPE_INT:
	case SANE_TYPE_FIXED:
		errno = 0;
		{
			double v = strtod(eq, &end);

			if (*eq == '\0' || *end != '\0' || errno != 0) {
				snprintf(msg, msglen, "option '%s' takes a "
						      "number, not '%s'",
					 name, eq);
				return DOS_INVAL;
			}
			return opt_set_number(dv, name, v, NULL, msg, msglen);
		}
	case SANE_TYPE_BOOL:
		if (strcasecmp(eq, "yes") == 0 || strcasecmp(eq, "true") == 0 ||
		    strcmp(eq, "1") == 0)
			w = SANE_TRUE;
		else if (strcasecmp(eq, "no") == 0 ||
			 strcasecmp(eq, "false") == 0 || strcmp(eq, "0") == 0)
			w = SANE_FALSE;
		else {
			snprintf(msg, msglen, "option '%s' takes yes or no, "
					      "not '%s'", name, eq);
			return DOS_INVAL;
		}
		return opt_control(dv, i, d, &w, eq, msg, msglen);
	case SANE_TYPE_BUTTON:
		return opt_control(dv, i, d, NULL, "(pressed)", msg, msglen);
	default:
		snprintf(msg, msglen, "option '%s' of scanner %s cannot be set "
				      "here", name, dv->name);
		return DOS_INVAL;
	}
}

enum dos_err
ing_dev_option_get(struct ing_dev *dv, const char *name, char *out, size_t n)
{
	const SANE_Option_Descriptor *d = NULL;
	SANE_Word w = 0;
	int i;

	out[0] = '\0';
	if ((i = opt_find(dv->h, name, &d)) < 0)
		return DOS_NOTFOUND;
	if (d->type == SANE_TYPE_STRING) {
		opt_get_string(dv, name, out, n);
		return DOS_OK;
	}
	if ((d->type != SANE_TYPE_INT && d->type != SANE_TYPE_FIXED &&
	     d->type != SANE_TYPE_BOOL) ||
	    d->size != (SANE_Int)sizeof(SANE_Word) ||
	    sane_control_option(dv->h, i, SANE_ACTION_GET_VALUE, &w, NULL) !=
		    SANE_STATUS_GOOD)
		return DOS_INVAL;
	if (d->type == SANE_TYPE_BOOL)
		snprintf(out, n, "%s", w ? "yes" : "no");
	else if (d->type == SANE_TYPE_FIXED)
		snprintf(out, n, "%g", SANE_UNFIX(w));
	else
		snprintf(out, n, "%d", (int)w);
	return DOS_OK;
}

/* Case-insensitive: does s contain word? */
static int
has(const char *s, const char *word)
{
	return strcasestr(s, word) != NULL;
}

/* A "duplex" switch left on (SANE keeps options while loaded): off. */
static void
duplex_off(struct ing_dev *dv)
{
	const SANE_Option_Descriptor *b = NULL;
	char msg[256];

	if (opt_find(dv->h, "duplex", &b) >= 0 && b->type == SANE_TYPE_BOOL &&
	    SANE_OPTION_IS_ACTIVE(b->cap) && SANE_OPTION_IS_SETTABLE(b->cap))
		ing_dev_option(dv, "duplex=no", msg, sizeof(msg));
}

/*
 * Picks the backend's source for "adf" or "flatbed", both sides when
 * duplex: backends name them "Automatic Document Feeder", "ADF Duplex",
 * "ADF Front", "Flatbed" and so on.
 */
static enum dos_err
setup_source(struct ing_dev *dv, const char *want, int duplex, char *msg,
	     size_t msglen)
{
	const SANE_Option_Descriptor *d = NULL;
	const char *pick = NULL, *c;
	char choices[256];
	int k, adf = want != NULL && strcasecmp(want, "adf") == 0;

	if (opt_find(dv->h, SANE_NAME_SCAN_SOURCE, &d) < 0 ||
	    d->type != SANE_TYPE_STRING ||
	    d->constraint_type != SANE_CONSTRAINT_STRING_LIST) {
		/* One source: a sheet feeder when asked for one. */
		if (duplex) {
			snprintf(msg, msglen, "scanner %s cannot scan both "
					      "sides (it has one source)",
				 dv->name);
			return DOS_INVAL;
		}
		dv->flatbed = !adf;
		snprintf(dv->source, sizeof(dv->source), "%s",
			 adf ? "feeder" : "flatbed");
		return DOS_OK;
	}
	if (duplex && want != NULL && !adf) {
		snprintf(msg, msglen, "a flatbed scans one side: --duplex "
				      "goes with the document feeder");
		return DOS_INVAL;
	}
	opt_choices(d, choices, sizeof(choices));
	if (want == NULL && !duplex) {
		opt_get_string(dv, SANE_NAME_SCAN_SOURCE, dv->source,
			       sizeof(dv->source));
		dv->flatbed = has(dv->source, "flatbed") ||
			      has(dv->source, "normal");
		duplex_off(dv);
		return DOS_OK;
	}
	if (want == NULL)
		adf = 1;
	for (k = 0; (c = d->constraint.string_list[k]) != NULL; k++) {
		int feeder = has(c, "adf") || has(c, "feeder") ||
			     has(c, "automatic");
		int both = has(c, "duplex") || has(c, "both");

		if (!adf && has(c, "flatbed")) {
			pick = c;
			break;
		}
		if (adf && (feeder || both) && both == !!duplex &&
		    !has(c, "back") && !has(c, "rear")) {
			pick = c;
			break;
		}
	}
	if (pick == NULL && duplex) {
		/* Some backends have one feeder and a "duplex" switch. */
		const SANE_Option_Descriptor *b = NULL;

		for (k = 0; (c = d->constraint.string_list[k]) != NULL; k++)
			if (has(c, "adf") || has(c, "feeder") ||
			    has(c, "automatic"))
				break;
		if (c != NULL && opt_find(dv->h, "duplex", &b) >= 0 &&
		    b->type == SANE_TYPE_BOOL &&
		    opt_set_string(dv, SANE_NAME_SCAN_SOURCE, c, msg,
				   msglen) == DOS_OK &&
		    ing_dev_option(dv, "duplex=yes", msg, msglen) == DOS_OK) {
			snprintf(dv->source, sizeof(dv->source), "%s", c);
			dv->flatbed = 0;
			return DOS_OK;
		}
		snprintf(msg, msglen, "scanner %s cannot scan both sides: its "
				      "sources are %s", dv->name, choices);
		return DOS_INVAL;
	}
	if (pick == NULL) {
		snprintf(msg, msglen, "scanner %s has no %s: its sources "
				      "are %s", dv->name,
			 adf ? "document feeder" : "flatbed", choices);
		return DOS_INVAL;
	}
	snprintf(dv->source, sizeof(dv->source), "%s", pick);
	dv->flatbed = !adf;
	if (opt_set_string(dv, SANE_NAME_SCAN_SOURCE, pick, msg, msglen) !=
	    DOS_OK)
		return DOS_INVAL;
	if (!duplex)
		duplex_off(dv);
	return DOS_OK;
}

/* Gray (8 bits) or lineart (1 bit): by mode, else by depth. */
static enum dos_err
setup_mode(struct ing_dev *dv, const char *mode, char *msg, size_t msglen)
{
	const SANE_Option_Descriptor *d = NULL;
	const char *pick = NULL, *c;
	char choices[256];
	int k, line = mode != NULL && strcmp(mode, "lineart") == 0;
	int depth = line ? 1 : 8;

	if (opt_find(dv->h, SANE_NAME_SCAN_MODE, &d) >= 0 &&
	    d->type == SANE_TYPE_STRING &&
	    d->constraint_type == SANE_CONSTRAINT_STRING_LIST) {
		for (k = 0; (c = d->constraint.string_list[k]) != NULL; k++) {
			if (line && (has(c, "lineart") || has(c, "binary") ||
				     has(c, "black"))) {
				pick = c;
				depth = 0; /* the mode says it */
				break;
			}
			if (has(c, "gray") || has(c, "grey"))
				pick = pick != NULL ? pick : c;
		}
		if (pick == NULL) {
			opt_choices(d, choices, sizeof(choices));
			snprintf(msg, msglen, "scanner %s has no %s mode: its "
					      "modes are %s", dv->name,
				 line ? "lineart" : "gray", choices);
			return DOS_INVAL;
		}
		if (opt_set_string(dv, SANE_NAME_SCAN_MODE, pick, msg,
				   msglen) != DOS_OK)
			return DOS_INVAL;
	}
	if (depth != 0 && opt_find(dv->h, SANE_NAME_BIT_DEPTH, &d) >= 0 &&
	    SANE_OPTION_IS_ACTIVE(d->cap) && SANE_OPTION_IS_SETTABLE(d->cap)) {
		double got = 0;

		if (opt_set_number(dv, SANE_NAME_BIT_DEPTH, depth, &got, msg,
				   msglen) != DOS_OK)
			return DOS_INVAL;
		if ((int)got != depth) {
			snprintf(msg, msglen, "scanner %s cannot scan %s",
				 dv->name, line ? "lineart (1 bit per pixel)"
						: "8-bit gray");
			return DOS_INVAL;
		}
	} else if (line && pick != NULL && depth != 0) {
		snprintf(msg, msglen, "scanner %s has no lineart mode",
			 dv->name);
		return DOS_INVAL;
	}
	return DOS_OK;
}

static enum dos_err
setup_dpi(struct ing_dev *dv, int dpi, char *msg, size_t msglen)
{
	const SANE_Option_Descriptor *d = NULL;
	double got = 0;

	if (opt_find(dv->h, SANE_NAME_SCAN_RESOLUTION, &d) < 0) {
		dv->dpi = dpi; /* no choice: trust the request */
		return DOS_OK;
	}
	if (opt_set_number(dv, SANE_NAME_SCAN_RESOLUTION, dpi, &got, msg,
			   msglen) != DOS_OK)
		return DOS_INVAL;
	dv->dpi = (int)lround(got);
	if (dv->dpi < ING_SCAN_MIN_DPI || dv->dpi > ING_SCAN_MAX_DPI) {
		snprintf(msg, msglen, "scanner %s cannot scan near %d dpi (the "
				      "nearest it offers is %d)", dv->name, dpi,
			 dv->dpi);
		return DOS_INVAL;
	}
	return DOS_OK;
}

/* Names the scanners SANE sees, for a message. */
static void
seen(const SANE_Device **list, char *out, size_t n)
{
	size_t i, k = 0;
	int w;

	out[0] = '\0';
	for (i = 0; list != NULL && list[i] != NULL && k < n; i++) {
		w = snprintf(out + k, n - k, "%s%s", i ? ", " : "",
			     list[i]->name);
		if (w < 0)
			break;
		k += (size_t)w;
	}
}

enum dos_err
ing_dev_open(const struct ing_dev_setup *ds, struct ing_dev **pd, char *msg,
	     size_t msglen)
{
	const SANE_Device **list = NULL;
	struct ing_dev *dv;
	SANE_Status st;
	char names[256];
	const char *want = ds->device;
	size_t i, k;
	int took;
	enum dos_err err = DOS_INVAL;

	*pd = NULL;
	/* A listing holds SANE for a moment: wait for it, not for a scan. */
	for (i = 0; (took = sane_take()) == 0 && i < 20; i++)
		usleep(100000);
	if (took <= 0) {
		snprintf(msg, msglen, "%s",
			 took < 0 ? "SANE cannot start (sane_init failed)"
				  : "another scan is running here; wait "
				    "until it ends");
		return took < 0 ? DOS_IO : DOS_CONFLICT;
	}
	if ((dv = calloc(1, sizeof(*dv))) == NULL) {
		sane_give();
		return DOS_NOMEM;
	}
	if (sane_get_devices(&list, SANE_FALSE) != SANE_STATUS_GOOD)
		list = NULL;
	seen(list, names, sizeof(names));
	if (want == NULL || *want == '\0') {
		if (list == NULL || list[0] == NULL) {
			snprintf(msg, msglen, "this computer sees no scanner");
			err = DOS_NOTFOUND;
			goto fail;
		}
		want = list[0]->name;
	}
	snprintf(dv->name, sizeof(dv->name), "%s", want);
	for (i = 0; list != NULL && list[i] != NULL; i++)
		if (strcmp(list[i]->name, want) == 0) {
			snprintf(dv->vendor, sizeof(dv->vendor), "%s",
				 list[i]->vendor ? list[i]->vendor : "");
			snprintf(dv->model, sizeof(dv->model), "%s",
				 list[i]->model ? list[i]->model : "");
		}
	st = sane_open(want, &dv->h);
	if (st != SANE_STATUS_GOOD) {
		dv->h = NULL;
		if (st == SANE_STATUS_INVAL)
			snprintf(msg, msglen, "no scanner named '%s'; %s%s",
				 want, names[0] ? "this computer sees " :
						  "this computer sees no "
						  "scanner",
				 names);
		else if (st == SANE_STATUS_DEVICE_BUSY)
			snprintf(msg, msglen, "scanner %s is busy (another "
					      "program is using it)", want);
		else if (st == SANE_STATUS_ACCESS_DENIED)
			snprintf(msg, msglen, "no permission to use scanner "
					      "%s (is this user in the "
					      "scanner group?)", want);
		else
			snprintf(msg, msglen, "cannot open scanner %s: %s",
				 want, sane_strstatus(st));
		err = st == SANE_STATUS_INVAL ? DOS_NOTFOUND
		      : st == SANE_STATUS_DEVICE_BUSY ? DOS_CONFLICT
		      : st == SANE_STATUS_ACCESS_DENIED ? DOS_PERM
							 : DOS_IO;
		goto fail;
	}
	/* The order matters: a mode or source can change what else is
	 * active, and the options given last win. */
	if ((err = setup_source(dv, ds->source, ds->duplex > 0, msg,
				msglen)) != DOS_OK ||
	    (err = setup_mode(dv, ds->mode, msg, msglen)) != DOS_OK)
		goto fail;
	for (k = 0; k < json_array_size(ds->set); k++) {
		const char *a = json_string_value(json_array_get(ds->set, k));

		if (a == NULL ||
		    (err = ing_dev_option(dv, a, msg, msglen)) != DOS_OK) {
			err = DOS_INVAL;
			goto fail;
		}
	}
	if ((err = setup_dpi(dv, ds->dpi, msg, msglen)) != DOS_OK)
		goto fail;
	*pd = dv;
	return DOS_OK;
fail:
	ing_dev_close(dv);
	return err;
}

void
ing_dev_close(struct ing_dev *dv)
{
	if (dv == NULL)
		return;
	if (dv->h != NULL) {
		if (dv->scanning)
			sane_cancel(dv->h);
		sane_close(dv->h);
	}
	free(dv);
	sane_give();
}

const char *ing_dev_name(const struct ing_dev *dv) { return dv->name; }
const char *ing_dev_vendor(const struct ing_dev *dv) { return dv->vendor; }
const char *ing_dev_model(const struct ing_dev *dv) { return dv->model; }
const char *ing_dev_source(const struct ing_dev *dv) { return dv->source; }
int ing_dev_dpi(const struct ing_dev *dv) { return dv->dpi; }
int ing_dev_flatbed(const struct ing_dev *dv) { return dv->flatbed; }

void
ing_dev_end(struct ing_dev *dv)
{
	if (dv->scanning)
		sane_cancel(dv->h);
	dv->scanning = 0;
}

/* What a SANE status stopping the scan means for the batch. */
static enum ing_scan_stop
stop_of(SANE_Status st)
{
	switch ((int)st) {
	case SANE_STATUS_JAMMED: return ING_SCAN_JAMMED;
	/* Some backends (pnm) end their images with EOF from sane_start. */
	case SANE_STATUS_EOF:
	case SANE_STATUS_NO_DOCS: return ING_SCAN_EMPTY;
	case SANE_STATUS_COVER_OPEN: return ING_SCAN_COVER_OPEN;
	case SANE_STATUS_CANCELLED: return ING_SCAN_CANCELLED;
	case SANE_STATUS_DEVICE_BUSY:
	case 12: /* SANE_STATUS_WARMING_UP */
	case 13: /* SANE_STATUS_HW_LOCKED */
		return ING_SCAN_BUSY;
	case SANE_STATUS_IO_ERROR:
	case SANE_STATUS_ACCESS_DENIED:
	case SANE_STATUS_INVAL:
		return ING_SCAN_LOST;
	default: return ING_SCAN_FAILED;
	}
}

/* stop_of, saying the status in msg. */
static int
stopped(SANE_Status st, char *msg, size_t msglen)
{
	snprintf(msg, msglen, "%s", sane_strstatus(st));
	return (int)stop_of(st);
}

/*
 * Checks a frame's parameters: one pass, gray or RGB, 1, 8 or 16 bits,
 * lines that hold the pixels, and (when the height is known) the pixel
 * limit; *pmax gets the most bytes the frame may send.
 */
static enum ing_scan_stop
check_frame(const struct ing_dev *dv, const SANE_Parameters *p,
	    uint64_t max_pixels, uint64_t *pmax, char *msg, size_t msglen)
{
	uint64_t need, lines;
	int ch;

	if (p->format != SANE_FRAME_GRAY && p->format != SANE_FRAME_RGB) {
		snprintf(msg, msglen, "scanner %s sends colour in three "
				      "passes, which dossier does not read; "
				      "scan in gray or lineart", dv->name);
		return ING_SCAN_FAILED;
	}
	ch = p->format == SANE_FRAME_RGB ? 3 : 1;
	if ((p->depth != 1 && p->depth != 8 && p->depth != 16) ||
	    (ch == 3 && p->depth == 1) || !p->last_frame) {
		snprintf(msg, msglen, "scanner %s sends pages of %d bits per "
				      "sample%s, which dossier does not read",
			 dv->name, p->depth,
			 p->last_frame ? "" : " in several frames");
		return ING_SCAN_FAILED;
	}
	if (p->pixels_per_line <= 0 || p->bytes_per_line <= 0) {
		snprintf(msg, msglen, "scanner %s reports a page of no width",
			 dv->name);
		return ING_SCAN_FAILED;
	}
	need = ((uint64_t)p->pixels_per_line * (uint64_t)ch *
		(uint64_t)p->depth + 7) / 8;
	if ((uint64_t)p->bytes_per_line < need) {
		snprintf(msg, msglen, "scanner %s reports %d bytes per line "
				      "for %d pixels", dv->name,
			 p->bytes_per_line, p->pixels_per_line);
		return ING_SCAN_FAILED;
	}
	if (p->lines > 0 &&
	    (uint64_t)p->pixels_per_line * (uint64_t)p->lines > max_pixels) {
		snprintf(msg, msglen, "the next page would be %dx%d pixels "
				      "(%.0f megapixels), over the limit of "
				      "%.0f megapixels",
			 p->pixels_per_line, p->lines,
			 (double)p->pixels_per_line * p->lines / 1e6,
			 (double)max_pixels / 1e6);
		return ING_SCAN_LIMIT;
	}
	/* Height unknown (or wrong): at most the pixel limit's worth. */
	lines = max_pixels / (uint64_t)p->pixels_per_line;
	if (lines == 0 || lines > (uint64_t)INT_MAX ||
	    (uint64_t)p->bytes_per_line > (SIZE_MAX >> 2) / lines) {
		snprintf(msg, msglen, "scanner %s reports a page too wide "
				      "to read", dv->name);
		return ING_SCAN_LIMIT;
	}
	*pmax = (uint64_t)p->bytes_per_line * lines;
	return ING_SCAN_DONE;
}

/*
 * Reads a started page to its end into a small buffer, keeping nothing:
 * a page refused (its size, its format) is not cancelled while the
 * backend is still making it, because backends built on sanei_thread
 * cancel their reader thread with pthread_cancel, and one cancelled
 * inside malloc or the loader leaves their lock taken (seen with the
 * test backend: sane_cancel, or exit, never returned).  Bounded by the
 * announced size, and by 1 GiB.
 */
static void
drain(struct ing_dev *dv, const SANE_Parameters *p)
{
	unsigned char sink[READ_CHUNK];
	uint64_t left, idle = 0;
	SANE_Int n;
	SANE_Status st;

	/* The page and one read more, for the backend's end of file. */
	left = p->lines > 0 && p->bytes_per_line > 0
		       ? (uint64_t)p->bytes_per_line * (uint64_t)p->lines +
				 sizeof(sink)
		       : 0;
	if (left > ((uint64_t)1 << 30))
		left = (uint64_t)1 << 30;
	while (left > 0 && idle < MAX_IDLE_READS) {
		n = 0;
		st = sane_read(dv->h, sink,
			       (SANE_Int)(left < sizeof(sink) ? left
							      : sizeof(sink)),
			       &n);
		if (st != SANE_STATUS_GOOD)
			break;
		idle = n > 0 ? 0 : idle + 1;
		left -= (uint64_t)n < left ? (uint64_t)n : left;
	}
}

int
ing_dev_page(struct ing_dev *dv, uint64_t max_pixels,
	     volatile sig_atomic_t *cancel, struct ing_frame *fr, char *msg,
	     size_t msglen)
{
	SANE_Parameters p;
	SANE_Status st;
	unsigned char *buf = NULL, *nb, probe;
	uint64_t max = 0;
	size_t len = 0, cap, want;
	SANE_Int n;
	int idle = 0, rc;

	memset(fr, 0, sizeof(*fr));
	msg[0] = '\0';
	if (cancel != NULL && *cancel)
		return ING_SCAN_CANCELLED;
	st = sane_start(dv->h);
	if (st != SANE_STATUS_GOOD)
		return stopped(st, msg, msglen);
	dv->scanning = 1;
	if ((st = sane_get_parameters(dv->h, &p)) != SANE_STATUS_GOOD)
		return stopped(st, msg, msglen);
	if ((rc = check_frame(dv, &p, max_pixels, &max, msg, msglen)) !=
	    ING_SCAN_DONE) {
		drain(dv, &p);
		return rc;
	}
	/* The height announced (checked against the limit), else 1 MiB. */
	cap = p.lines > 0 ? (size_t)p.bytes_per_line * (size_t)p.lines
			  : (size_t)1 << 20;
	if (cap > max)
		cap = (size_t)max;
	if ((buf = malloc(cap)) == NULL) {
		snprintf(msg, msglen, "out of memory");
		return ING_SCAN_FAILED;
	}
	for (;;) {
		if (cancel != NULL && *cancel) {
			rc = ING_SCAN_CANCELLED;
			goto out;
		}
		if (len == cap && cap < max) {
			cap = cap > max / 2 ? (size_t)max : cap * 2;
			if ((nb = realloc(buf, cap)) == NULL) {
				snprintf(msg, msglen, "out of memory");
				rc = ING_SCAN_FAILED;
				goto out;
			}
			buf = nb;
		}
		want = cap - len;
		if (want > READ_CHUNK * 16)
			want = READ_CHUNK * 16;
		n = 0;
		if (want == 0) {
			/* Full at the limit: anything more is too much. */
			st = sane_read(dv->h, &probe, 1, &n);
			if (st == SANE_STATUS_GOOD && n > 0) {
				snprintf(msg, msglen, "the page is longer than "
						      "the limit of %.0f "
						      "megapixels allows",
					 (double)max_pixels / 1e6);
				rc = ING_SCAN_LIMIT;
				goto out;
			}
		} else
			st = sane_read(dv->h, buf + len, (SANE_Int)want, &n);
		if (st == SANE_STATUS_EOF)
			break;
		if (st != SANE_STATUS_GOOD) {
			/* Asked to stop: whatever the backend says of it. */
			rc = cancel != NULL && *cancel
				     ? ING_SCAN_CANCELLED
				     : stopped(st, msg, msglen);
			goto out;
		}
		if (n <= 0) {
			if (++idle > MAX_IDLE_READS) {
				snprintf(msg, msglen, "scanner %s stopped "
						      "sending the page",
					 dv->name);
				rc = ING_SCAN_LOST;
				goto out;
			}
			continue;
		}
		idle = 0;
		len += (size_t)n;
	}
	/* A page ends at EOF; the next sane_start feeds the next sheet. */
	fr->lines = (int)(len / (size_t)p.bytes_per_line);
	if (fr->lines <= 0) {
		snprintf(msg, msglen, "scanner %s sent an empty page",
			 dv->name);
		rc = ING_SCAN_LOST;
		goto out;
	}
	fr->width = p.pixels_per_line;
	fr->depth = p.depth;
	fr->channels = p.format == SANE_FRAME_RGB ? 3 : 1;
	fr->bpl = (size_t)p.bytes_per_line;
	fr->raw = buf;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	return rc;
}

void
ing_frame_clear(struct ing_frame *fr)
{
	free(fr->raw);
	memset(fr, 0, sizeof(*fr));
}

/* A sample of row r at x, channel c, as 8 bits. */
static unsigned
sample8(const struct ing_frame *fr, const unsigned char *row, int x, int c)
{
	size_t i = (size_t)x * (size_t)fr->channels + (size_t)c;
	uint16_t v;

	if (fr->depth == 8)
		return row[i];
	memcpy(&v, row + 2 * i, 2); /* 16 bits, host byte order */
	return v >> 8;
}

PIX *
ing_frame_pix(const struct ing_frame *fr, int dpi)
{
	PIX *pix;
	l_uint32 *line;
	const unsigned char *row;
	l_int32 wpl;
	int x, y;

	pix = pixCreate(fr->width, fr->lines,
			fr->depth == 1 ? 1 : fr->channels == 3 ? 32 : 8);
	if (pix == NULL)
		return NULL;
	wpl = pixGetWpl(pix);
	for (y = 0; y < fr->lines; y++) {
		row = fr->raw + (size_t)y * fr->bpl;
		line = pixGetData(pix) + (size_t)y * (size_t)wpl;
		if (fr->depth == 1) {
			/* SANE and Leptonica agree: 1 is black. */
			memcpy(line, row, ((size_t)fr->width + 7) / 8);
		} else if (fr->channels == 1 && fr->depth == 8) {
			memcpy(line, row, (size_t)fr->width);
		} else if (fr->channels == 1) {
			for (x = 0; x < fr->width; x++)
				SET_DATA_BYTE(line, x, sample8(fr, row, x, 0));
		} else {
			for (x = 0; x < fr->width; x++)
				composeRGBPixel((l_int32)sample8(fr, row, x, 0),
						(l_int32)sample8(fr, row, x, 1),
						(l_int32)sample8(fr, row, x, 2),
						&line[x]);
		}
	}
	/* Bytes copied whole are in file order: Leptonica's words are not. */
	if (fr->depth == 1 || (fr->channels == 1 && fr->depth == 8))
		pixEndianByteSwap(pix);
	if (fr->depth == 1)
		pixSetPadBits(pix, 0);
	pixSetResolution(pix, dpi, dpi);
	return pix;
}
