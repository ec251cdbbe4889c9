/*
 * cli.h: what the files of the dossier command share: the ingest options
 * that ingest-like commands take (cli/opts.c) and the commands that live
 * outside main.c.  Only the cli/ files include it.
 */
#ifndef DOSSIER_CLI_H
#define DOSSIER_CLI_H

#include <getopt.h>

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

/* dossier scan: from a SANE scanner; batch close (cli/scan.c). */
int cmd_scan(const char *archive, int argc, char **argv);
int cmd_batch_close(const char *archive, int argc, char **argv);

#endif
