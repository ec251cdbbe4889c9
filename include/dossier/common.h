/*
 * common.h: what every dossier module shares: the error codes, a capped
 * growable buffer, logging and small helpers (hex, SHA-256, time).
 */
#ifndef DOSSIER_COMMON_H
#define DOSSIER_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* One project-wide error enumeration; dos_strerror() names each. */
enum dos_err {
	DOS_OK = 0,
	DOS_NOMEM,    /* out of memory */
	DOS_IO,       /* read/write/filesystem failure */
	DOS_INVAL,    /* invalid argument or input */
	DOS_NOTFOUND, /* no such object */
	DOS_PERM,     /* not permitted */
	DOS_CONFLICT, /* already exists / state conflict */
	DOS_CORRUPT,  /* integrity check failed */
	DOS_LIMIT,    /* a size or pixel limit was exceeded */
	DOS_FORMAT,   /* unsupported or unreadable file format */
	DOS_DB,       /* database failure */
	DOS_NOSPACE,  /* the archive's disk is full (or at its reserve) */
	DOS_BUSY,     /* the catalogue stayed locked by another writer */
	DOS_RDONLY,   /* the archive is read-only */
	DOS_ERR__MAX
};

const char *dos_strerror(enum dos_err err);

/*
 * A growable byte buffer with a hard maximum (curl's dynbuf idea).
 * Contents are always NUL-terminated for convenience; binary data is fine.
 */
struct dbuf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* appends that would exceed this fail with DOS_LIMIT */
};

void dbuf_init(struct dbuf *b, size_t max);
void dbuf_free(struct dbuf *b);
void dbuf_reset(struct dbuf *b);
enum dos_err dbuf_add(struct dbuf *b, const void *p, size_t n);
enum dos_err dbuf_adds(struct dbuf *b, const char *s);
enum dos_err dbuf_addf(struct dbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hands the buffer's memory to the caller (free() it); the buffer is reset. */
char *dbuf_take(struct dbuf *b, size_t *plen);

/*
 * Logging to standard error, one line per event (common.c): under
 * systemd, when standard error is the journal's stream ($JOURNAL_STREAM),
 * "<P>COMPONENT: MESSAGE" with the syslog priority P (3 error, 4 warning,
 * 6 info, 7 debug) for journald to keep as the entry's priority;
 * elsewhere "TIME dossier[PID]: LEVEL: COMPONENT: MESSAGE".  Control
 * characters and backslashes in the message are escaped (\xNN, \\) so
 * that a line is always one event.  The component is a module's name; the
 * dos_*x macros pass __FILE__, of which the first folder is kept.
 */
enum dos_log_level { DOS_LOG_ERR, DOS_LOG_WARN, DOS_LOG_INFO, DOS_LOG_DEBUG };
/* The most detailed level logged (default info); safe from any thread. */
void dos_log_set_level(enum dos_log_level level);
enum dos_log_level dos_log_get_level(void);
/* Parses "error", "warning", "info" or "debug"; -1 if none. */
int dos_log_level_parse(const char *s);
const char *dos_log_level_name(enum dos_log_level level);
/* Whether standard error is the journal's stream (lines get "<P>"). */
int dos_log_journal(void);
void dos_log(enum dos_log_level level, const char *component,
	     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define dos_warnx(...) dos_log(DOS_LOG_WARN, __FILE__, __VA_ARGS__)
#define dos_errx(...) dos_log(DOS_LOG_ERR, __FILE__, __VA_ARGS__)
#define dos_infox(...) dos_log(DOS_LOG_INFO, __FILE__, __VA_ARGS__)
#define dos_debugx(...) dos_log(DOS_LOG_DEBUG, __FILE__, __VA_ARGS__)

/* SHA-256 as 64 lowercase hex characters plus NUL. */
#define DOS_SHA256_HEX 65
enum dos_err dos_sha256_hex(const void *p, size_t n, char out[DOS_SHA256_HEX]);
void dos_hex(const unsigned char *p, size_t n, char *out);

/* Initialises libsodium once; call before anything that hashes. */
enum dos_err dos_crypto_init(void);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void dos_now_iso(char out[32]);
/* Monotonic clock in seconds. */
double dos_mono(void);

/* Reads a whole file, refusing files larger than max bytes (DOS_LIMIT). */
enum dos_err dos_file_read(const char *path, size_t max, unsigned char **pdata,
			   size_t *plen);

/*
 * Whether the NUL-terminated s is strict UTF-8 (no overlong forms,
 * surrogates or code points past U+10FFFF), as jansson requires of every
 * string that goes into JSON.  NULL counts as valid.
 */
int dos_utf8_valid(const char *s);
/*
 * Copies s into out (at most n bytes with the NUL), each byte that is not
 * part of valid UTF-8 replaced by '?', and cut at a character boundary:
 * text from outside (file names, barcodes) made fit for the archive.
 */
void dos_utf8_clean(const char *s, char *out, size_t n);

/* Safe snprintf: DOS_LIMIT when the output would be truncated. */
enum dos_err dos_snprintf(char *dst, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
