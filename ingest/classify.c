/*
 * classify.c: filing a document that arrives with no category (no cover
 * sheet, manifest row or --category) on the archive's learned
 * classifier (archive/classify.c).  The model catches up with what
 * people filed at most once a minute per ingest; its suggestion is kept
 * with the document and shown in the review queue.  At or above the
 * threshold the document is filed on it and marked as filed by the
 * model; below, it goes to review, never filed.  A customer is only
 * taken from the suggestion when no account was found, and only one the
 * person running the batch may see (the archive leaves out the others).
 * Exports the internal ing_classify.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SYNC_EVERY 60.0 /* seconds */
#define SYNC_MAX 5000   /* documents learned per catch-up */

static double
conf_of(json_t *s, const char *kind, const char **pvalue)
{
	json_t *v = json_object_get(s, kind);

	*pvalue = json_string_value(json_object_get(v, "value"));
	return *pvalue != NULL
		       ? json_number_value(json_object_get(v, "confidence"))
		       : -1.0;
}

enum dos_err
ing_classify(struct ing *ing, struct arc *a, const char *text,
	     struct arc_doc_in *d, char **psug, char *reason,
	     size_t reasonlen, char *custbuf, size_t custlen, char *typebuf,
	     size_t typelen, char *catbuf, size_t catlen)
{
	struct arc_user who;
	json_t *s = NULL;
	const char *cat, *type, *cust;
	double cc, tc, uc, th = ing->opt.classify_threshold;
	double now = dos_mono();
	enum dos_err err;

	*psug = NULL;
	if (arc_readonly(a))
		return DOS_OK;
	if (ing->clf_synced == 0 || now - ing->clf_synced > SYNC_EVERY) {
		if ((err = arc_clf_sync(a, SYNC_MAX, NULL)) != DOS_OK)
			dos_warnx("classifier: could not learn from the "
				  "archive: %s", dos_strerror(err));
		ing->clf_synced = now;
	}
	/* Whom the batch runs for decides which customers may be named. */
	if (ing->opt.user == NULL ||
	    arc_user_load(a, ing->opt.user, &who) != DOS_OK)
		arc_user_local(&who);
	if ((err = arc_clf_suggest(a, &who, text, &s)) != DOS_OK || s == NULL)
		return err;
	if ((*psug = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		json_decref(s);
		return DOS_NOMEM;
	}
	d->suggestion = *psug;
	cc = conf_of(s, "category", &cat);
	tc = conf_of(s, "doc_type", &type);
	uc = conf_of(s, "customer", &cust);
	if (cat != NULL && cc >= th && th <= 100.0) {
		snprintf(catbuf, catlen, "%s", cat);
		d->category = catbuf;
		d->filed_by = "model";
		if (d->doc_type == NULL && type != NULL && tc >= th) {
			snprintf(typebuf, typelen, "%s", type);
			d->doc_type = typebuf;
		}
		if (d->account == NULL && cust != NULL && uc >= th) {
			snprintf(custbuf, custlen, "%s", cust);
			d->customer = custbuf;
		}
	} else if (strcmp(d->status, "review") != 0) {
		d->status = "review";
		if (cat != NULL)
			snprintf(reason, reasonlen, "no category given; "
				 "suggested %s (%.0f%%), below the %.0f%% to "
				 "file it unseen", cat, cc, th);
		else
			snprintf(reason, reasonlen, "no category given, and "
				 "no suggestion");
		d->review_reason = reason;
	}
	json_decref(s);
	return DOS_OK;
}
