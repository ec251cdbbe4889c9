/*
 * common.c: error strings, capped buffers, logging, hashing and time helpers.
 * Exports dos_strerror, dbuf_*, dos_log*, dos_sha256_hex, dos_hex,
 * dos_crypto_init, dos_now_iso, dos_mono, dos_file_read, dos_snprintf,
 * dos_utf8_valid, dos_utf8_clean.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "dossier/common.h"

static const char *const errstr[DOS_ERR__MAX] = {
	[DOS_OK] = "success",
	[DOS_NOMEM] = "out of memory",
	[DOS_IO] = "input/output error",
	[DOS_INVAL] = "invalid input",
	[DOS_NOTFOUND] = "not found",
	[DOS_PERM] = "permission denied",
	[DOS_CONFLICT] = "conflict",
	[DOS_CORRUPT] = "integrity check failed",
	[DOS_LIMIT] = "limit exceeded",
	[DOS_FORMAT] = "unsupported or unreadable format",
	[DOS_DB] = "database error",
	[DOS_NOSPACE] = "the archive's disk is full",
	[DOS_BUSY] = "the archive is busy; try again in a moment",
	[DOS_RDONLY] = "the archive is read-only",
};

const char *
dos_strerror(enum dos_err err)
{
	if ((unsigned)err >= DOS_ERR__MAX)
		return "unknown error";
	return errstr[err];
}

void
dbuf_init(struct dbuf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void
dbuf_free(struct dbuf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
dbuf_reset(struct dbuf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

enum dos_err
dbuf_add(struct dbuf *b, const void *p, size_t n)
{
	size_t need, ncap;
	char *nd;

	if (n > b->max || b->len > b->max - n)
		return DOS_LIMIT;
	need = b->len + n + 1;
	if (need > b->cap) {
		ncap = b->cap ? b->cap : 256;
		while (ncap < need)
			ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
		if ((nd = realloc(b->data, ncap)) == NULL)
			return DOS_NOMEM;
		b->data = nd;
		b->cap = ncap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return DOS_OK;
}

enum dos_err
dbuf_adds(struct dbuf *b, const char *s)
{
	return dbuf_add(b, s, strlen(s));
}

enum dos_err
dbuf_addf(struct dbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256], *big;
	int n;
	enum dos_err err;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return DOS_INVAL;
	if ((size_t)n < sizeof(small))
		return dbuf_add(b, small, (size_t)n);
	if ((big = malloc((size_t)n + 1)) == NULL)
		return DOS_NOMEM;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	err = dbuf_add(b, big, (size_t)n);
	free(big);
	return err;
}

char *
dbuf_take(struct dbuf *b, size_t *plen)
{
	char *p;

	if (b->data == NULL && dbuf_add(b, "", 0) != DOS_OK)
		return NULL;
	p = b->data;
	if (plen != NULL)
		*plen = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int log_level = DOS_LOG_INFO;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static int log_journal; /* standard error is the journal's stream */

void
dos_log_set_level(enum dos_log_level level)
{
	atomic_store(&log_level, (int)level);
}

enum dos_log_level
dos_log_get_level(void)
{
	return (enum dos_log_level)atomic_load(&log_level);
}

static const char *const level_names[] = {"error", "warning", "info",
					  "debug"};

const char *
dos_log_level_name(enum dos_log_level level)
{
	return (unsigned)level <= DOS_LOG_DEBUG ? level_names[level] : "?";
}

int
dos_log_level_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i <= DOS_LOG_DEBUG; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

/*
 * systemd sets $JOURNAL_STREAM to "DEV:INODE" of the stream it connects
 * to standard error; it is the journal only if standard error still is
 * that stream (not redirected by a shell in between).
 */
static void
log_setup(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char tail;

	if (e != NULL && sscanf(e, "%llu:%llu%c", &dev, &ino, &tail) == 2 &&
	    fstat(STDERR_FILENO, &st) == 0 &&
	    (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino)
		log_journal = 1;
}

int
dos_log_journal(void)
{
	pthread_once(&log_once, log_setup);
	return log_journal;
}

/* The component: the first folder of a path such as "web/server.c". */
static size_t
component_len(const char *c)
{
	const char *slash = strchr(c, '/');

	return slash != NULL ? (size_t)(slash - c) : strlen(c);
}

void
dos_log(enum dos_log_level level, const char *component, const char *fmt,
	...)
{
	/* syslog priorities of the levels, for journald */
	static const int prio[] = {3, 4, 6, 7};
	static const char hex[] = "0123456789abcdef";
	char msg[2048], line[4 * sizeof(msg) + 256], ts[32];
	size_t n, i, clen;
	va_list ap;
	int r;

	if ((int)level > atomic_load(&log_level) || (unsigned)level > 3)
		return;
	pthread_once(&log_once, log_setup);
	va_start(ap, fmt);
	r = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r < 0)
		snprintf(msg, sizeof(msg), "(unprintable message)");
	else if ((size_t)r >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	if (component == NULL)
		component = "dossier";
	clen = component_len(component);
	if (clen > 32)
		clen = 32;
	if (log_journal)
		r = snprintf(line, sizeof(line), "<%d>%.*s: ", prio[level],
			     (int)clen, component);
	else {
		dos_now_iso(ts);
		r = snprintf(line, sizeof(line), "%s dossier[%ld]: %s: %.*s: ",
			     ts, (long)getpid(), level_names[level],
			     (int)clen, component);
	}
	n = r > 0 ? (size_t)r : 0;
	/* One event, one line: nothing in the message may break it. */
	for (i = 0; msg[i] != '\0' && n + 5 < sizeof(line); i++) {
		unsigned char ch = (unsigned char)msg[i];

		if (ch < 0x20 || ch == 0x7f || ch == '\\') {
			line[n++] = '\\';
			if (ch == '\\')
				line[n++] = '\\';
			else {
				line[n++] = 'x';
				line[n++] = hex[ch >> 4];
				line[n++] = hex[ch & 0xf];
			}
		} else
			line[n++] = (char)ch;
	}
	line[n++] = '\n';
	/* One write per line: lines of threads and processes never mix. */
	pthread_mutex_lock(&log_lock);
	for (i = 0; i < n;) {
		ssize_t w = write(STDERR_FILENO, line + i, n - i);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		i += (size_t)w;
	}
	pthread_mutex_unlock(&log_lock);
}

enum dos_err
dos_crypto_init(void)
{
	if (sodium_init() < 0) {
		dos_errx("%s: libsodium failed to initialise", __func__);
		return DOS_INVAL;
	}
	return DOS_OK;
}

void
dos_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

enum dos_err
dos_sha256_hex(const void *p, size_t n, char out[DOS_SHA256_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	if (crypto_hash_sha256(h, p, n) != 0)
		return DOS_INVAL;
	dos_hex(h, sizeof(h), out);
	return DOS_OK;
}

void
dos_now_iso(char out[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double
dos_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum dos_err
dos_file_read(const char *path, size_t max, unsigned char **pdata, size_t *plen)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t got = 0;
	ssize_t r;
	int fd;
	enum dos_err err = DOS_OK;

	*pdata = NULL;
	*plen = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? DOS_NOTFOUND : DOS_IO;
	if (fstat(fd, &st) != 0) {
		err = DOS_IO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = DOS_INVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		err = DOS_LIMIT;
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = DOS_IO;
			goto out;
		}
		got += (size_t)r;
	}
	buf[got] = '\0';
	*pdata = buf;
	*plen = got;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return err;
}

/* The length of the valid UTF-8 character at s, or 0 if it is not one. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned int c;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

int
dos_utf8_valid(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;

	if (s == NULL)
		return 1;
	while (*u != '\0') {
		if ((n = utf8_len(u)) == 0)
			return 0;
		u += n;
	}
	return 1;
}

void
dos_utf8_clean(const char *s, char *out, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = 0, len;

	if (n == 0)
		return;
	while (*u != '\0') {
		len = utf8_len(u);
		if (len == 0) {
			if (k + 1 >= n)
				break;
			out[k++] = '?';
			u++;
			continue;
		}
		if (k + len >= n)
			break;
		memcpy(out + k, u, len);
		k += len;
		u += len;
	}
	out[k] = '\0';
}

enum dos_err
dos_snprintf(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(dst, n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= n)
		return DOS_LIMIT;
	return DOS_OK;
}
