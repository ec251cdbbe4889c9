/*
 * config.c: the configuration file (default /etc/dossier/dossier.conf):
 * a strict reader of "key = value" lines with "#" comment lines and
 * optional [sections], in which an unknown key or section, a key set
 * twice or a value out of range is an error naming the file, the line
 * and what is expected; and the bringing of the archive's categories in
 * line with the file's [category CODE] sections.
 * Exports cli_config_load, cli_config_free, cli_config_key,
 * cli_config_section, cli_config_reloadable, cli_config_get,
 * cli_config_ingest, cli_config_hold_days, cli_config_sync,
 * cli_ingest_defaults, and the globals cli_cfg, cli_cfg_path,
 * cli_archive_given.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dossier/web.h"

#include "cli.h"

#define CONFIG_MAX_BYTES (1u << 20)
#define CONFIG_MAX_LINE 4096
#define CONFIG_MAX_ERRORS 20
#define CONFIG_MAX_CATEGORIES 1000

struct cli_config *cli_cfg;
const char *cli_cfg_path;
int cli_archive_given;

enum ktype {
	K_LISTEN, /* HOST:PORT with a numeric address */
	K_INT,    /* whole number in [lo, hi] */
	K_REAL,   /* number in [lo, hi] */
	K_PATH,   /* absolute path */
	K_LEVEL,  /* log level */
	K_LANGS,  /* Tesseract languages joined by + */
	K_REGEX,  /* POSIX extended regular expression */
	K_REGEX1, /* ... with a (group) */
	K_TOKEN,  /* barcode text: 1..32 printable, no blanks */
	K_LIST    /* comma list of names of 1..64 bytes */
};

static const struct key {
	const char *section;
	const char *name;
	enum ktype type;
	long lo, hi;
	int reload; /* a running server takes it on SIGHUP */
} keys[CFG__MAX] = {
	[CFG_LISTEN] = {"server", "listen", K_LISTEN, 0, 0, 0},
	[CFG_THREADS] = {"server", "threads", K_INT, 1, 64, 0},
	[CFG_TLS_CERT] = {"server", "tls_cert", K_PATH, 0, 0, 0},
	[CFG_TLS_KEY] = {"server", "tls_key", K_PATH, 0, 0, 0},
	[CFG_ARCHIVE] = {"server", "archive", K_PATH, 0, 0, 0},
	[CFG_LOG_LEVEL] = {"server", "log_level", K_LEVEL, 0, 0, 1},
	[CFG_LANGUAGES] = {"ingest", "languages", K_LANGS, 0, 0, 1},
	[CFG_ACCOUNT_PATTERN] = {"ingest", "account_pattern", K_REGEX, 0, 0,
				 1},
	[CFG_LABEL_PATTERN] = {"ingest", "label_pattern", K_REGEX1, 0, 0, 1},
	[CFG_COVER_PREFIX] = {"ingest", "cover_prefix", K_TOKEN, 0, 0, 1},
	[CFG_SEPARATOR] = {"ingest", "separator", K_TOKEN, 0, 0, 1},
	[CFG_REVIEW_CONFIDENCE] = {"ingest", "review_confidence", K_REAL, 0,
				   100, 1},
	[CFG_MAX_MEGAPIXELS] = {"ingest", "max_megapixels", K_INT, 1, 1000000,
				1},
	[CFG_MAX_FILE_MB] = {"ingest", "max_file_mb", K_INT, 1, 1 << 20, 1},
	[CFG_CLASSIFY_THRESHOLD] = {"ingest", "classify_threshold", K_REAL, 0,
				    101, 1},
	[CFG_HOLD_DAYS] = {"records", "hold_days", K_INT, 0, 3650, 1},
	[CFG_UNITS] = {"records", "units", K_LIST, 0, 0, 1},
};

const char *
cli_config_key(enum cfg_key k)
{
	return (unsigned)k < CFG__MAX ? keys[k].name : "?";
}

const char *
cli_config_section(enum cfg_key k)
{
	return (unsigned)k < CFG__MAX ? keys[k].section : "?";
}

int
cli_config_reloadable(enum cfg_key k)
{
	return (unsigned)k < CFG__MAX && keys[k].reload;
}

const char *
cli_config_get(const struct cli_config *c, enum cfg_key k)
{
	if (c == NULL || (unsigned)k >= CFG__MAX || c->line[k] == 0)
		return NULL;
	return c->text[k];
}

void
cli_config_free(struct cli_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < CFG__MAX; i++)
		free(c->text[i]);
	for (i = 0; i < c->ncats; i++) {
		free(c->cats[i].name);
		free(c->cats[i].aliases);
		free(c->cats[i].retain);
		free(c->cats[i].retain_types);
	}
	free(c->cats);
	free(c->path);
	free(c);
}

/* What the reader is at. */
struct reader {
	const char *path;
	struct dbuf *errs;
	int nerr;
	int line;
	char section[64]; /* "" before any section */
	struct cli_category *cat; /* the [category] section we are in */
	struct cli_config *c;
};

static void say(struct reader *r, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records one fault, "PATH:LINE: what". */
static void
say(struct reader *r, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (++r->nerr > CONFIG_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->nerr == CONFIG_MAX_ERRORS)
		dbuf_addf(r->errs, "%s:%d: %s\n%s: too many errors; the rest "
			  "of the file was not checked\n", r->path, line, msg,
			  r->path);
	else
		dbuf_addf(r->errs, "%s:%d: %s\n", r->path, line, msg);
}

static int
blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Trims blanks at both ends in place; returns the start. */
static char *
trim(char *s)
{
	size_t n;

	while (blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* No control characters; tabs only with tabs_ok (around = and such). */
static int
printable(const char *s, int tabs_ok)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && !(tabs_ok && *s == '\t')) ||
		    *s == 0x7f)
			return 0;
	return 1;
}

/* A whole decimal number in [lo, hi]. */
static int
whole(const char *s, long lo, long hi, long *pv)
{
	char *end;
	long v;

	if (*s == '\0' || (!isdigit((unsigned char)*s) && *s != '-'))
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return 0;
	*pv = v;
	return 1;
}

/* A decimal number in [lo, hi] such as 60 or 72.5. */
static int
real(const char *s, double lo, double hi, double *pv)
{
	char *end;
	double v;
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return 0;
	if (*s == '\0' || *s == '.')
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < lo || v > hi)
		return 0;
	*pv = v;
	return 1;
}

/* Tesseract languages: names of 1..32 of [A-Za-z0-9_] joined by '+'. */
static int
langs_valid(const char *s)
{
	size_t run = 0;

	for (; *s != '\0'; s++) {
		if (*s == '+') {
			if (run == 0)
				return 0;
			run = 0;
		} else if (isalnum((unsigned char)*s) || *s == '_') {
			if (++run > 32)
				return 0;
		} else
			return 0;
	}
	return run > 0;
}

/*
 * The item of a comma list at p, blanks around it trimmed: its start in
 * *pb and length in *plen; returns where the next item starts, or NULL
 * after the last.
 */
static const char *
list_item(const char *p, const char **pb, size_t *plen)
{
	const char *e = strchr(p, ','), *b;
	size_t len;

	if (e == NULL)
		e = p + strlen(p);
	for (b = p; b < e && blank(*b); b++)
		;
	len = (size_t)(e - b);
	while (len > 0 && blank(b[len - 1]))
		len--;
	*pb = b;
	*plen = len;
	return *e == ',' ? e + 1 : NULL;
}

/* A comma list of names of 1..max bytes each; with words, no blank or
 * : " ( ) inside a name. */
static int
list_valid(const char *s, size_t max, int words)
{
	const char *p = s, *b;
	size_t len, i;

	while (p != NULL) {
		p = list_item(p, &b, &len);
		if (len == 0 || len > max)
			return 0;
		for (i = 0; words && i < len; i++)
			if (blank(b[i]) || strchr(":\"()", b[i]) != NULL)
				return 0;
	}
	return 1;
}

/* A category code: 2..16 of A-Z, 0-9 and _. */
static int
code_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || n > 16)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '_')
			return 0;
	return 1;
}

/* Checks value v of key k; 0 after saying what is expected. */
static int
check_value(struct reader *r, enum cfg_key k, const char *v)
{
	const struct key *kd = &keys[k];
	struct cli_config *c = r->c;
	char host[128], rerr[160];
	unsigned char addr[16];
	unsigned short port;
	regex_t re;
	int rc;

	switch (kd->type) {
	case K_LISTEN:
		if (web_parse_listen(v, host, sizeof(host), &port) == DOS_OK &&
		    (inet_pton(AF_INET, host, addr) == 1 ||
		     inet_pton(AF_INET6, host, addr) == 1))
			return 1;
		say(r, r->line, "%s: expected HOST:PORT with a numeric "
			"address, e.g. 127.0.0.1:8080 or [::1]:8080, got '%s'",
		    kd->name, v);
		return 0;
	case K_INT:
		if (whole(v, kd->lo, kd->hi, &c->num[k]))
			return 1;
		say(r, r->line, "%s: expected a whole number from %ld to %ld, "
			"got '%s'", kd->name, kd->lo, kd->hi, v);
		return 0;
	case K_REAL:
		if (real(v, (double)kd->lo, (double)kd->hi, &c->real[k]))
			return 1;
		say(r, r->line, "%s: expected a number from %ld to %ld, got "
			"'%s'", kd->name, kd->lo, kd->hi, v);
		return 0;
	case K_PATH:
		if (v[0] == '/' && strlen(v) < 4096)
			return 1;
		say(r, r->line, "%s: expected an absolute path (starting "
			"with /), got '%s'", kd->name, v);
		return 0;
	case K_LEVEL:
		if ((c->level = dos_log_level_parse(v)) >= 0)
			return 1;
		say(r, r->line, "%s: expected error, warning, info or debug, "
			"got '%s'", kd->name, v);
		return 0;
	case K_LANGS:
		if (langs_valid(v))
			return 1;
		say(r, r->line, "%s: expected Tesseract language names joined "
			"by +, e.g. eng or eng+deu, got '%s'", kd->name, v);
		return 0;
	case K_REGEX:
	case K_REGEX1:
		if ((rc = regcomp(&re, v, REG_EXTENDED)) != 0) {
			regerror(rc, &re, rerr, sizeof(rerr));
			say(r, r->line, "%s: expected a POSIX extended regular "
				"expression, got '%s' (%s)", kd->name, v, rerr);
			return 0;
		}
		rc = kd->type == K_REGEX1 && re.re_nsub < 1;
		regfree(&re);
		if (rc) {
			say(r, r->line, "%s: expected a pattern whose first "
				"(group) is the serial number, e.g. ^ASN "
				"?([0-9]{1,12})$, got '%s'", kd->name, v);
			return 0;
		}
		return 1;
	case K_TOKEN:
		if (strlen(v) <= 32 && strpbrk(v, " \t") == NULL)
			return 1;
		say(r, r->line, "%s: expected barcode text of 1 to 32 "
			"characters without blanks, got '%s'", kd->name, v);
		return 0;
	case K_LIST:
		if (list_valid(v, 64, 0))
			return 1;
		say(r, r->line, "%s: expected names of 1 to 64 characters "
			"separated by commas, got '%s'", kd->name, v);
		return 0;
	}
	return 0;
}

/* A "[section]" line (s without the brackets, trimmed). */
static void
section_line(struct reader *r, char *s)
{
	struct cli_config *c = r->c;
	struct cli_category *cat;
	char *code;
	size_t i;

	r->cat = NULL;
	snprintf(r->section, sizeof(r->section), "?");
	if (strcmp(s, "server") == 0 || strcmp(s, "ingest") == 0 ||
	    strcmp(s, "records") == 0) {
		snprintf(r->section, sizeof(r->section), "%s", s);
		return;
	}
	if (strncmp(s, "category", 8) != 0 || !blank(s[8])) {
		say(r, r->line, "unknown section [%s] (expected [server], "
			"[ingest], [records] or [category CODE])", s);
		return;
	}
	code = trim(s + 8);
	if (!code_valid(code)) {
		say(r, r->line, "[category %s]: expected a category code of 2 "
			"to 16 capital letters, digits or _, e.g. LEGAL", code);
		return;
	}
	for (i = 0; i < c->ncats; i++)
		if (strcmp(c->cats[i].code, code) == 0) {
			say(r, r->line, "[category %s] is declared twice "
				"(first on line %d)", code, c->cats[i].line);
			return;
		}
	if (c->ncats >= CONFIG_MAX_CATEGORIES) {
		say(r, r->line, "more than %d categories",
		    CONFIG_MAX_CATEGORIES);
		return;
	}
	cat = realloc(c->cats, (c->ncats + 1) * sizeof(*c->cats));
	if (cat == NULL) {
		say(r, r->line, "out of memory");
		return;
	}
	c->cats = cat;
	cat = &c->cats[c->ncats++];
	memset(cat, 0, sizeof(*cat));
	snprintf(cat->code, sizeof(cat->code), "%s", code);
	cat->line = r->line;
	r->cat = cat;
	snprintf(r->section, sizeof(r->section), "category %s", code);
}

/* "10y after relationship_end"; says what is expected when it is not. */
static int
retain_valid(struct reader *r, const char *v)
{
	struct arc_retention_rule rule;
	char msg[300];

	if (arc_retention_parse(v, &rule, msg, sizeof(msg)) == DOS_OK)
		return 1;
	say(r, r->line, "%s", msg);
	return 0;
}

/* A document type: 1..64 of a-z 0-9 _. */
static int
type_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '_')
			return 0;
	return 1;
}

/*
 * retain_types = TYPE: N(y|m|d) after TRIGGER, ...; with rules, fills
 * them (category set from cat) and *pn.  0 after saying what is wrong.
 */
static int
retain_types_parse(struct reader *r, const struct cli_category *cat,
		   const char *v, struct arc_retention_rule *rules,
		   size_t *pn)
{
	struct arc_retention_rule rule;
	const char *p = v, *b, *colon;
	char item[200], msg[300];
	size_t len, k, n = 0, tn;

	while (p != NULL) {
		p = list_item(p, &b, &len);
		snprintf(item, sizeof(item), "%.*s", (int)len, b);
		if ((colon = strchr(item, ':')) == NULL ||
		    !type_valid(item, (size_t)(colon - item))) {
			if (r != NULL)
				say(r, r->line, "retain_types: expected "
					"TYPE: N(y|m|d) after TRIGGER, ... "
					"with a document type of a-z, 0-9 "
					"and _ (e.g. statement: 7y after "
					"document_date), got '%s'", item);
			return 0;
		}
		tn = (size_t)(colon - item);
		memset(&rule, 0, sizeof(rule));
		if (arc_retention_parse(colon + 1, &rule, msg, sizeof(msg)) !=
		    DOS_OK) {
			if (r != NULL)
				say(r, r->line, "retain_types: %.*s: %s",
				    (int)tn, item, msg);
			return 0;
		}
		snprintf(rule.category, sizeof(rule.category), "%s",
			 cat->code);
		snprintf(rule.doc_type, sizeof(rule.doc_type), "%.*s",
			 (int)tn, item);
		for (k = 0; rules != NULL && k < n; k++)
			if (strcmp(rules[k].doc_type, rule.doc_type) == 0)
				break;
		if (rules != NULL && k < n) {
			if (r != NULL)
				say(r, r->line, "retain_types: %s is given "
					"twice", rule.doc_type);
			return 0;
		}
		if (rules != NULL)
			rules[n] = rule;
		n++;
	}
	if (pn != NULL)
		*pn = n;
	return 1;
}

static int
retain_types_valid(struct reader *r, const struct cli_category *cat,
		   const char *v)
{
	struct arc_retention_rule rules[256];
	size_t n = 0;

	if (!retain_types_parse(r, cat, v, NULL, &n))
		return 0;
	if (n > sizeof(rules) / sizeof(rules[0])) {
		say(r, r->line, "retain_types: more than %zu types",
		    sizeof(rules) / sizeof(rules[0]));
		return 0;
	}
	return retain_types_parse(r, cat, v, rules, &n);
}

/* A key in a [category CODE] section. */
static void
category_key(struct reader *r, const char *key, const char *v)
{
	struct cli_category *cat = r->cat;
	char **slot;
	int *pline;

	if (strcmp(key, "name") == 0) {
		slot = &cat->name;
		pline = &cat->name_line;
	} else if (strcmp(key, "aliases") == 0) {
		slot = &cat->aliases;
		pline = &cat->aliases_line;
	} else if (strcmp(key, "retain") == 0) {
		slot = &cat->retain;
		pline = &cat->retain_line;
	} else if (strcmp(key, "retain_types") == 0) {
		slot = &cat->retain_types;
		pline = &cat->retain_types_line;
	} else {
		say(r, r->line, "unknown key '%s' in [category %s] (expected "
			"name, aliases, retain or retain_types)", key,
		    cat->code);
		return;
	}
	if (*pline != 0) {
		say(r, r->line, "%s is set twice in [category %s] (first on "
			"line %d)", key, cat->code, *pline);
		return;
	}
	if (*v == '\0') {
		say(r, r->line, "%s has no value", key);
		return;
	}
	if (slot == &cat->name && strlen(v) > 100) {
		say(r, r->line, "name: expected at most 100 characters");
		return;
	}
	if (slot == &cat->aliases && !list_valid(v, 32, 1)) {
		say(r, r->line, "aliases: expected words of 1 to 32 "
			"characters without blanks or : \" ( ), separated by "
			"commas, got '%s'", v);
		return;
	}
	if (slot == &cat->retain && !retain_valid(r, v))
		return;
	if (slot == &cat->retain_types && !retain_types_valid(r, cat, v))
		return;
	if ((*slot = strdup(v)) == NULL) {
		say(r, r->line, "out of memory");
		return;
	}
	*pline = r->line;
}

/* A "key = value" line. */
static void
key_line(struct reader *r, const char *key, const char *v)
{
	struct cli_config *c = r->c;
	size_t k;

	if (r->section[0] == '?')
		return; /* a bad section header was reported */
	if (r->cat != NULL) {
		category_key(r, key, v);
		return;
	}
	for (k = 0; k < CFG__MAX; k++)
		if (strcmp(keys[k].name, key) == 0)
			break;
	if (k == CFG__MAX) {
		if (r->section[0] != '\0')
			say(r, r->line, "unknown key '%s' in [%s]", key,
			    r->section);
		else
			say(r, r->line, "unknown key '%s'", key);
		return;
	}
	if (r->section[0] != '\0' && strcmp(r->section, keys[k].section)) {
		say(r, r->line, "unknown key '%s' in [%s] (it belongs in "
			"[%s])", key, r->section, keys[k].section);
		return;
	}
	if (c->line[k] != 0) {
		say(r, r->line, "%s is set twice (first on line %d)", key,
		    c->line[k]);
		return;
	}
	if (*v == '\0') {
		say(r, r->line, "%s has no value (leave the line out for the "
			"default)", key);
		return;
	}
	if (!check_value(r, (enum cfg_key)k, v))
		return;
	if ((c->text[k] = strdup(v)) == NULL) {
		say(r, r->line, "out of memory");
		return;
	}
	c->line[k] = r->line;
}

/* One line of the file, without its end of line. */
static void
one_line(struct reader *r, char *raw)
{
	char *s = trim(raw), *eq, *key, *v;
	size_t n;

	if (*s == '\0' || *s == '#')
		return;
	if (!printable(s, 1)) {
		say(r, r->line, "control character in the line");
		return;
	}
	if (*s == '[') {
		n = strlen(s);
		if (s[n - 1] != ']') {
			say(r, r->line, "expected ']' at the end of the "
				"section header");
			return;
		}
		s[n - 1] = '\0';
		section_line(r, trim(s + 1));
		return;
	}
	if ((eq = strchr(s, '=')) == NULL) {
		say(r, r->line, "expected 'key = value', a [section] or a "
			"# comment");
		return;
	}
	*eq = '\0';
	key = trim(s);
	v = trim(eq + 1);
	if (!printable(v, 0)) {
		say(r, r->line, "a tab inside the value of '%s'", key);
		return;
	}
	for (n = 0; key[n] != '\0'; n++)
		if (!(key[n] >= 'a' && key[n] <= 'z') && key[n] != '_')
			break;
	if (n == 0 || key[n] != '\0') {
		say(r, r->line, "expected 'key = value' with a key of "
			"lower-case letters and _, got '%s'", key);
		return;
	}
	key_line(r, key, v);
}

enum dos_err
cli_config_load(const char *path, struct cli_config **pc, struct dbuf *errs)
{
	struct reader r;
	unsigned char *data = NULL;
	char *p, *e, *next;
	size_t len, i;
	enum dos_err err;

	*pc = NULL;
	memset(&r, 0, sizeof(r));
	r.path = path;
	r.errs = errs;
	err = dos_file_read(path, CONFIG_MAX_BYTES, &data, &len);
	if (err != DOS_OK) {
		dbuf_addf(errs, "%s: %s\n", path,
			  err == DOS_NOTFOUND ? "no such file"
			  : err == DOS_LIMIT  ? "larger than 1 MB; not a "
						"configuration file"
			  : err == DOS_INVAL  ? "not a regular file"
					      : strerror(errno));
		return err == DOS_NOTFOUND ? DOS_NOTFOUND
		       : err == DOS_NOMEM  ? DOS_NOMEM
					   : DOS_IO;
	}
	if ((r.c = calloc(1, sizeof(*r.c))) == NULL ||
	    (r.c->path = strdup(path)) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	r.c->level = -1;
	if (memchr(data, '\0', len) != NULL) {
		r.line = 1;
		say(&r, 1, "not a text file (it holds a NUL byte)");
		goto done;
	}
	p = (char *)data;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3; /* a UTF-8 byte order mark, as some editors write */
	for (; p != NULL && *p != '\0' &&
			       r.nerr < CONFIG_MAX_ERRORS;
	     p = next) {
		r.line++;
		e = strchr(p, '\n');
		next = e != NULL ? e + 1 : NULL;
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) >= CONFIG_MAX_LINE) {
			say(&r, r.line, "line longer than %d bytes",
			    CONFIG_MAX_LINE - 1);
			continue;
		}
		*e = '\0';
		if (e > p && e[-1] == '\r')
			e[-1] = '\0';
		one_line(&r, p);
	}
	for (i = 0; i < r.c->ncats; i++)
		if (r.c->cats[i].name == NULL)
			say(&r, r.c->cats[i].line, "[category %s] has no "
				"name (name = ...)", r.c->cats[i].code);
	if (r.c->line[CFG_TLS_CERT] != 0 && r.c->line[CFG_TLS_KEY] == 0)
		say(&r, r.c->line[CFG_TLS_CERT], "tls_cert without tls_key: "
			"TLS needs both");
	if (r.c->line[CFG_TLS_KEY] != 0 && r.c->line[CFG_TLS_CERT] == 0)
		say(&r, r.c->line[CFG_TLS_KEY], "tls_key without tls_cert: "
			"TLS needs both");
done:
	if (r.nerr > 0) {
		err = DOS_INVAL;
		goto out;
	}
	*pc = r.c;
	r.c = NULL;
out:
	cli_config_free(r.c);
	free(data);
	return err;
}

void
cli_config_ingest(const struct cli_config *c, struct ing_options *o)
{
	if (c == NULL)
		return;
	if (c->line[CFG_LANGUAGES])
		o->langs = c->text[CFG_LANGUAGES];
	if (c->line[CFG_ACCOUNT_PATTERN])
		o->account_regex = c->text[CFG_ACCOUNT_PATTERN];
	if (c->line[CFG_LABEL_PATTERN])
		o->label_regex = c->text[CFG_LABEL_PATTERN];
	if (c->line[CFG_COVER_PREFIX])
		o->cover_prefix = c->text[CFG_COVER_PREFIX];
	if (c->line[CFG_SEPARATOR])
		o->separator = c->text[CFG_SEPARATOR];
	if (c->line[CFG_REVIEW_CONFIDENCE])
		o->review_confidence = c->real[CFG_REVIEW_CONFIDENCE];
	if (c->line[CFG_MAX_MEGAPIXELS])
		o->max_page_pixels = (uint64_t)c->num[CFG_MAX_MEGAPIXELS] *
				     1000000u;
	if (c->line[CFG_MAX_FILE_MB])
		o->max_file_bytes = (uint64_t)c->num[CFG_MAX_FILE_MB] << 20;
	if (c->line[CFG_CLASSIFY_THRESHOLD])
		o->classify_threshold = c->real[CFG_CLASSIFY_THRESHOLD];
}

void
cli_ingest_defaults(struct ing_options *o)
{
	ing_options_default(o);
	cli_config_ingest(cli_cfg, o);
}

int
cli_config_hold_days(const struct cli_config *c)
{
	return c != NULL && c->line[CFG_HOLD_DAYS] ? (int)c->num[CFG_HOLD_DAYS]
						   : 30;
}

/* Whether list (a JSON array of strings) holds s, case aside. */
static int
has_alias(json_t *list, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
		if (strcasecmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* Adds the aliases of d the category lacks; returns the faults. */
static int
sync_aliases(struct arc *a, const struct arc_user *who,
	     const struct cli_config *c, const struct cli_category *d,
	     json_t *have)
{
	char al[64], msg[512];
	const char *p = d->aliases, *b;
	size_t len;
	int bad = 0;

	while (p != NULL) {
		p = list_item(p, &b, &len);
		snprintf(al, sizeof(al), "%.*s", (int)len, b);
		if (has_alias(have, al))
			continue;
		if (arc_category_alias_add(a, who, d->code, al, msg,
					   sizeof(msg)) == DOS_OK)
			dos_log(DOS_LOG_INFO, "config", "category %s: alias "
				"%s added", d->code, al);
		else {
			dos_log(DOS_LOG_ERR, "config", "%s:%d: category %s: "
				"alias %s: %s", c->path, d->aliases_line,
				d->code, al, msg);
			bad++;
		}
	}
	return bad;
}

int
cli_config_sync(const struct cli_config *c, struct arc *a)
{
	struct arc_user who;
	json_t *list = NULL, *cat, *found;
	char msg[512];
	size_t i, k;
	int bad = 0, catalogue;

	if (c == NULL || c->ncats == 0)
		return 0;
	arc_user_local(&who);
	if (arc_category_list(a, &who, &list) != DOS_OK) {
		dos_log(DOS_LOG_ERR, "config", "cannot list the archive's "
			"categories");
		return 1;
	}
	for (i = 0; i < c->ncats; i++) {
		const struct cli_category *d = &c->cats[i];

		found = NULL;
		json_array_foreach(list, k, cat)
			if (strcmp(json_string_value(json_object_get(
					   cat, "code")), d->code) == 0)
				found = cat;
		if (found == NULL) {
			if (arc_category_add(a, &who, d->code, d->name,
					     &catalogue, msg,
					     sizeof(msg)) != DOS_OK) {
				dos_log(DOS_LOG_ERR, "config", "%s:%d: "
					"category %s: %s", c->path, d->line,
					d->code, msg);
				bad++;
				continue;
			}
			dos_log(DOS_LOG_INFO, "config", "category %s added "
				"with catalogue number %d", d->code,
				catalogue);
		} else if (strcmp(json_string_value(json_object_get(
					  found, "name")), d->name) != 0) {
			if (arc_category_rename(a, &who, d->code, d->name,
						msg, sizeof(msg)) != DOS_OK) {
				dos_log(DOS_LOG_ERR, "config", "%s:%d: "
					"category %s: %s", c->path,
					d->name_line, d->code, msg);
				bad++;
			} else
				dos_log(DOS_LOG_INFO, "config", "category %s "
					"renamed from '%s' to '%s'", d->code,
					json_string_value(json_object_get(
						found, "name")),
					d->name);
		}
		bad += sync_aliases(a, &who, c, d,
				    found != NULL ? json_object_get(found,
								    "aliases")
						  : NULL);
	}
	json_decref(list);
	return bad;
}

enum dos_err
cli_config_retention(const struct cli_config *c,
		     struct arc_retention_rule **prules, size_t *pn)
{
	struct arc_retention_rule *rules = NULL, *t;
	size_t i, n = 0, m;
	char msg[300];

	*prules = NULL;
	*pn = 0;
	for (i = 0; c != NULL && i < c->ncats; i++) {
		const struct cli_category *d = &c->cats[i];

		m = 0;
		if (d->retain_types != NULL &&
		    !retain_types_parse(NULL, d, d->retain_types, NULL, &m))
			m = 0;
		if ((t = realloc(rules, (n + m + 1) * sizeof(*rules))) ==
		    NULL) {
			free(rules);
			return DOS_NOMEM;
		}
		rules = t;
		if (d->retain != NULL) {
			memset(&rules[n], 0, sizeof(rules[n]));
			if (arc_retention_parse(d->retain, &rules[n], msg,
						sizeof(msg)) == DOS_OK) {
				snprintf(rules[n].category,
					 sizeof(rules[n].category), "%s",
					 d->code);
				n++;
			}
		}
		if (m > 0 && retain_types_parse(NULL, d, d->retain_types,
						&rules[n], &m))
			n += m;
	}
	*prules = rules;
	*pn = n;
	return DOS_OK;
}

int
cli_config_sync_retention(const struct cli_config *c, struct arc *a)
{
	struct arc_retention_rule *rules = NULL;
	struct arc_user who;
	char msg[1024];
	size_t n;
	int changed = 0, bad = 0;

	if (c == NULL || arc_readonly(a))
		return 0;
	if (cli_config_retention(c, &rules, &n) != DOS_OK) {
		dos_log(DOS_LOG_ERR, "config", "out of memory");
		return 1;
	}
	arc_user_local(&who);
	if (arc_retention_set(a, &who, rules, n, &changed, msg,
			      sizeof(msg)) != DOS_OK) {
		dos_log(DOS_LOG_ERR, "config", "%s: retention schedule not "
			"set: %s", c->path, msg);
		bad = 1;
	} else if (changed)
		dos_log(DOS_LOG_INFO, "config", "%s", msg);
	free(rules);
	return bad;
}
