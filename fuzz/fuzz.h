/*
 * fuzz.h: what the harnesses share: FZ_CHECK (a broken promise aborts,
 * which libFuzzer and the replay report as a crash), a private scratch
 * folder removed at exit, and writing bytes to an anonymous file that a
 * path-taking API can open.  Header-only (static inline), so each
 * harness stays one file.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Says which promise was broken, then aborts (libFuzzer's crash path). */
#define FZ_CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz: %s:%d: invariant "	\
				"failed: %s\n", __FILE__, __LINE__,	\
				#cond);					\
			abort();					\
		}							\
	} while (0)

/* Fails the run for something the harness itself could not set up. */
#define FZ_SETUP(cond, what)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz: setup failed: %s\n",	\
				what);					\
			exit(3);					\
		}							\
	} while (0)

static inline int
fz_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path) != 0 && errno != ENOENT;
}

/* Removes a folder and everything in it. */
static inline void
fz_rmtree(const char *dir)
{
	nftw(dir, fz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char fz_scratch[256];

static inline void
fz_scratch_remove(void)
{
	if (fz_scratch[0] != '\0')
		fz_rmtree(fz_scratch);
}

/*
 * A private folder for archives and spool files: under FUZZ_SCRATCH when
 * set (fuzz/run.sh and fuzz/replay.sh set it and remove it, since a
 * crashing input ends the process before exit handlers run), else in
 * /dev/shm when there is one (a fuzzer commits thousands of times a
 * second; fsync on tmpfs costs nothing), else under TMPDIR.  Removed at
 * exit.  Borrowed.
 */
static inline const char *
fz_scratch_dir(void)
{
	const char *base = getenv("FUZZ_SCRATCH");

	if (fz_scratch[0] != '\0')
		return fz_scratch;
	if (base == NULL || *base == '\0')
		base = "/dev/shm";
	if (access(base, W_OK) != 0) {
		base = getenv("TMPDIR");
		if (base == NULL || *base == '\0')
			base = "/tmp";
	}
	if (snprintf(fz_scratch, sizeof(fz_scratch), "%s/dossier-fuzz-XXXXXX",
		     base) >= (int)sizeof(fz_scratch) ||
	    mkdtemp(fz_scratch) == NULL) {
		fz_scratch[0] = '\0';
		FZ_SETUP(0, "cannot make a scratch folder");
	}
	atexit(fz_scratch_remove);
	return fz_scratch;
}

/*
 * Writes the bytes to an anonymous file (memfd) and puts a path that
 * opens it into path; returns its descriptor (close it when done).
 */
static inline int
fz_memfd_path(const uint8_t *data, size_t size, char *path, size_t n)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	size_t off = 0;
	ssize_t w;

	FZ_SETUP(fd >= 0, "memfd_create");
	while (off < size) {
		w = write(fd, data + off, size - off);
		FZ_SETUP(w > 0, "write to memfd");
		off += (size_t)w;
	}
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
