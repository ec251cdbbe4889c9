/*
 * pdf.c: dossier pdf ID -o FILE: a document's searchable PDF as it
 * leaves the archive, PDF/A-2b with the document's current metadata (for
 * those who may download it), or with --copy --reason WHY a copy stamped
 * on every page with who took it, when and why (for those who may view
 * it); audited either way.  Written beside FILE, fsynced and renamed, or
 * to standard output with -o -.
 * Exports cmd_pdf.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Writes all of p..n to fd. */
static int
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
cmd_pdf(const char *dir, int argc, char **argv)
{
	static const struct option lo[] = {
		{"output", required_argument, NULL, 'o'},
		{"copy", no_argument, NULL, 'C'},
		{"reason", required_argument, NULL, 'r'},
		{"print", no_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	struct arc *a = NULL;
	const char *outpath = NULL, *reason = NULL;
	unsigned char *pdf = NULL;
	char tmp[4096] = "", msg[512] = "";
	size_t len = 0;
	long id;
	int c, copy = 0, print = 0, ofd = -1, rc = 2;
	enum dos_err err;

	while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		switch (c) {
		case 'o': outpath = optarg; break;
		case 'C': copy = 1; break;
		case 'p': print = 1; break;
		case 'r': reason = optarg; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || outpath == NULL ||
	    !cli_number(argv[optind], 1, 0x7fffffffffffL, &id))
		goto usage;
	if (copy && reason == NULL) {
		fprintf(stderr, "dossier: pdf: a copy needs --reason WHY (who "
				"it is for, or why)\n");
		goto usage;
	}
	if (!copy && (reason != NULL || print))
		goto usage;
	rc = 1;
	if (cli_open_archive(dir, &a) != DOS_OK)
		goto out;
	if ((err = ing_doc_pdf(a, &cli_user, id,
			       copy ? (print ? "print" : "download") : NULL,
			       copy ? reason : NULL, &pdf, &len, msg,
			       sizeof(msg))) != DOS_OK) {
		fprintf(stderr, "dossier: document %ld: %s\n", id,
			msg[0] ? msg : dos_strerror(err));
		goto out;
	}
	if (strcmp(outpath, "-") == 0) {
		if (write_all(STDOUT_FILENO, pdf, len) != 0) {
			fprintf(stderr, "dossier: standard output: %s\n",
				strerror(errno));
			goto out;
		}
		rc = 0;
		goto out;
	}
	/* Never a half-written PDF under the name asked for. */
	if (dos_snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", outpath) !=
		    DOS_OK ||
	    (ofd = mkstemp(tmp)) < 0) {
		fprintf(stderr, "dossier: %s: %s\n", outpath, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	if (write_all(ofd, pdf, len) != 0 || fsync(ofd) != 0 ||
	    fchmod(ofd, 0640) != 0 || close(ofd) != 0 ||
	    rename(tmp, outpath) != 0) {
		fprintf(stderr, "dossier: %s: %s\n", outpath, strerror(errno));
		ofd = -1;
		goto out;
	}
	ofd = -1;
	tmp[0] = '\0';
	fprintf(stderr, "document %ld: %s%zu bytes written to %s\n", id,
		copy ? "stamped copy, " : "", len, outpath);
	rc = 0;
out:
	if (ofd >= 0)
		close(ofd);
	if (tmp[0] != '\0')
		unlink(tmp);
	free(pdf);
	arc_close(a);
	return rc;
usage:
	fprintf(stderr, "usage: dossier pdf [-A DIR] ID -o FILE|-\n"
			"       dossier pdf [-A DIR] ID --copy --reason WHY "
			"[--print] -o FILE|-\n");
	goto out;
}
