/*
 * replay_main.c: a main() for fuzz harnesses without libFuzzer.  Reads
 * each file named on the command line and hands its bytes to
 * LLVMFuzzerTestOneInput, in order, in one process (the HTTP harnesses
 * start their server once), so kept inputs (the seed corpus, past
 * crashes) replay under gcc with ASan and UBSan.  Each file's name goes
 * to standard error before it runs, so a crash names its input.  An
 * input that breaks an invariant aborts the process; an unreadable file
 * exits 2.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads the whole of path into *pdata (malloc'd); 0 on success. */
static int
read_file(const char *path, uint8_t **pdata, size_t *plen)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL, *n;
	size_t len = 0, cap = 0, got;

	if (f == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((n = realloc(data, cap)) == NULL)
				goto fail;
			data = n;
		}
		got = fread(data + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	*pdata = data;
	*plen = len;
	return 0;
fail:
	free(data);
	fclose(f);
	return -1;
}

int
main(int argc, char **argv)
{
	uint8_t *data;
	size_t len;
	int i;

	for (i = 1; i < argc; i++) {
		if (read_file(argv[i], &data, &len) != 0) {
			perror(argv[i]);
			return 2;
		}
		fprintf(stderr, "replay: %s\n", argv[i]);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
	}
	printf("replayed %d input%s\n", argc - 1, argc == 2 ? "" : "s");
	return 0;
}
