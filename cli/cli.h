/*
 * cli.h: what the files of the dossier command share: the ingest options
 * that ingest-like commands take (cli/opts.c) and the commands that live
 * outside main.c.  Only the cli/ files include it.
 */
#ifndef DOSSIER_CLI_H
#define DOSSIER_CLI_H

#include <getopt.h>

#include "dossier/archive.h"
#include "dossier/common.h"
#include "dossier/ingest.h"

/*
 * Long options of the ingest pipeline, for a command's getopt_long table;
 * their short options are CLI_INGEST_SHORT.  cli_ingest_option() applies
 * them.
 */
#define CLI_INGEST_LONGOPTS                                      \
	{"account", required_argument, NULL, 'a'},               \
	{"category", required_argument, NULL, 'c'},              \
	{"type", required_argument, NULL, 'T'},                  \
	{"lang", required_argument, NULL, 'l'},                  \
	{"jobs", required_argument, NULL, 'j'},                  \
	{"no-deskew", no_argument, NULL, 'D'},                   \
	{"no-orient", no_argument, NULL, 'O'},                   \
	{"no-pdf", no_argument, NULL, 'P'},                      \
	{"max-megapixels", required_argument, NULL, 'M'},        \
	{"max-file-mb", required_argument, NULL, 'F'}
#define CLI_INGEST_SHORT "j:"

/* What cli_ingest_option() made of an option. */
enum cli_opt {
	CLI_OPT_OK,    /* an ingest option, applied to the options */
	CLI_OPT_OTHER, /* not an ingest option: the caller's own */
	CLI_OPT_BAD    /* an ingest option with a bad value */
};

/*
 * Applies getopt_long's result c (with its optarg arg) to o.  Strings are
 * borrowed from arg: keep argv alive while o is in use.
 */
enum cli_opt cli_ingest_option(struct ing_options *o, int c, const char *arg);

/*
 * Who acts: set by cli_open_archive from the global --as USER (cli_as,
 * authenticated with the password on standard input), or the local
 * administrator without --as.
 */
extern const char *cli_as;
extern struct arc_user cli_user;

/* Parses a whole decimal number in [lo, hi]; 0 when it is not one. */
int cli_number(const char *s, long lo, long hi, long *pv);

/* Opens the archive for a command, saying in words why it cannot. */
enum dos_err cli_open_archive(const char *dir, struct arc **pa);
/* Prints JSON indented, ASCII-safe, on standard output. */
void cli_print_json(json_t *j);

/* Customer dossiers and document lifecycle (cli/records.c). */
int cmd_customer(const char *archive, int argc, char **argv);
int cmd_edit(const char *archive, int argc, char **argv);
int cmd_delete(const char *archive, int argc, char **argv);
int cmd_hold(const char *archive, int argc, char **argv);
int cmd_purge(const char *archive, int argc, char **argv);

/* dossier pdf ID -o FILE [--copy --reason WHY] (cli/pdf.c). */
int cmd_pdf(const char *archive, int argc, char **argv);

/* Retention and disposal (cli/retention.c); customer close, reopen and
 * close-account, called by cmd_customer. */
int cmd_retention(const char *archive, int argc, char **argv);
int cli_customer_close(const char *archive, int argc, char **argv);

/* Completeness and statistics (cli/reports.c). */
int cmd_missing(const char *archive, int argc, char **argv);
int cmd_checklist(const char *archive, int argc, char **argv);
int cmd_stats(const char *archive, int argc, char **argv);

/* Auditor exports, their check and the signing key (cli/export.c). */
int cmd_export(const char *archive, int argc, char **argv);
int cmd_export_audit(const char *archive, int argc, char **argv);
int cmd_verify_export(const char *archive, int argc, char **argv);
int cmd_key(const char *archive, int argc, char **argv);

/* dossier watch DIR: the hot folder (cli/watch.c). */
int cmd_watch(const char *archive, int argc, char **argv);

/*
 * The configuration file (cli/config.c): "key = value" lines, "#"
 * comments on lines of their own, optional [server], [ingest] and
 * [records] sections and one [category CODE] section per declared
 * category.  Read by main() before any command; command-line options
 * override it.
 */
#define CLI_CONFIG_DEFAULT "/etc/dossier/dossier.conf"

/* The keys, in the order the man page lists them. */
enum cfg_key {
	CFG_LISTEN,            /* [server] HOST:PORT */
	CFG_THREADS,           /* [server] 1..64 */
	CFG_TLS_CERT,          /* [server] absolute path */
	CFG_TLS_KEY,           /* [server] absolute path */
	CFG_ARCHIVE,           /* [server] absolute path */
	CFG_LOG_LEVEL,         /* [server] error|warning|info|debug */
	CFG_LANGUAGES,         /* [ingest] Tesseract languages, eng+deu */
	CFG_ACCOUNT_PATTERN,   /* [ingest] POSIX ERE */
	CFG_LABEL_PATTERN,     /* [ingest] POSIX ERE with one group */
	CFG_COVER_PREFIX,      /* [ingest] cover sheet barcode prefix */
	CFG_SEPARATOR,         /* [ingest] separator sheet barcode */
	CFG_REVIEW_CONFIDENCE, /* [ingest] 0..100 */
	CFG_MAX_MEGAPIXELS,    /* [ingest] 1..1000000 */
	CFG_MAX_FILE_MB,       /* [ingest] 1..1048576 */
	CFG_CLASSIFY_THRESHOLD, /* [ingest] 0..101 */
	CFG_HOLD_DAYS,         /* [records] 0..3650 */
	CFG_UNITS,             /* [records] comma list */
	CFG__MAX
};

/* A [category CODE] section. */
struct cli_category {
	char code[17];
	char *name;    /* required */
	char *aliases; /* comma list, or NULL */
	int line;      /* of the section header */
	int name_line, aliases_line;
	/* retain = 10y after relationship_end; retain_types =
	 * statement: 7y after document_date, ... (checked) */
	char *retain, *retain_types;
	int retain_line, retain_types_line;
};

struct cli_config {
	char *path;
	int line[CFG__MAX];  /* where each key is set; 0: not set */
	char *text[CFG__MAX]; /* its value as written, trimmed */
	long num[CFG__MAX];   /* whole-number keys */
	double real[CFG__MAX]; /* review_confidence */
	int level;            /* log_level, parsed */
	struct cli_category *cats;
	size_t ncats;
};

/*
 * Reads and checks the file at path (at most 1 MB).  On faults returns
 * DOS_INVAL (DOS_NOTFOUND when there is no such file, DOS_IO when it
 * cannot be read) and adds to errs one line per fault, "PATH:LINE: what
 * is wrong, and what is expected"; *pc is then NULL.
 */
enum dos_err cli_config_load(const char *path, struct cli_config **pc,
			     struct dbuf *errs);
void cli_config_free(struct cli_config *c);
/* The key's name, e.g. "review_confidence", and its section. */
const char *cli_config_key(enum cfg_key k);
const char *cli_config_section(enum cfg_key k);
/* Whether a running server takes a new value on SIGHUP. */
int cli_config_reloadable(enum cfg_key k);
/* The key's value as written, or NULL when not set (c may be NULL). */
const char *cli_config_get(const struct cli_config *c, enum cfg_key k);
/* Sets the [ingest] keys of c (if any) over o; strings are c's. */
void cli_config_ingest(const struct cli_config *c, struct ing_options *o);
/* hold_days of c, else 30. */
int cli_config_hold_days(const struct cli_config *c);
/*
 * Brings the archive's categories in line with c's [category] sections:
 * adds those missing (the next free catalogue number), renames those
 * whose name differs, adds missing aliases; never removes a category or
 * an alias, never changes a code or catalogue number.  Each change is
 * audited (as the local administrator) and logged; a change that cannot
 * be made is logged and the others go on.  Returns the number of faults.
 */
int cli_config_sync(const struct cli_config *c, struct arc *a);

/*
 * The retention schedule c declares (rules of every [category] section
 * with retain or retain_types), as *prules (caller frees) and *pn.
 */
enum dos_err cli_config_retention(const struct cli_config *c,
				  struct arc_retention_rule **prules,
				  size_t *pn);
/*
 * Makes c's schedule the archive's (as the local administrator; audited
 * when it changes, logged).  Nothing without a configuration file.
 * Returns the number of faults.
 */
int cli_config_sync_retention(const struct cli_config *c, struct arc *a);

/*
 * The configuration main() read for this command (NULL without a file)
 * and where; whether the archive folder came from -A or
 * $DOSSIER_ARCHIVE rather than the file.
 */
extern struct cli_config *cli_cfg;
extern const char *cli_cfg_path;
extern int cli_archive_given;

/* ing_options_default with the file's [ingest] keys over it. */
void cli_ingest_defaults(struct ing_options *o);

/*
 * dossier serve (cli/serve.c), with the command line's options: NULL or
 * 0 for those not given.  check: -n, check and exit.  verbose: debug
 * logging (requests too), whatever the file says.
 */
struct cli_serve_args {
	const char *archive;
	const char *listen, *tls_cert, *tls_key;
	int threads;
	int timeout, per_ip; /* 0: the server's defaults */
	int check, verbose;
};
int cli_serve(const struct cli_serve_args *sa);
/* dossier scan: from a SANE scanner; batch close (cli/scan.c). */
int cmd_scan(const char *archive, int argc, char **argv);
int cmd_batch_close(const char *archive, int argc, char **argv);

#endif
