/*
 * test_batch.c: a batch's files on record from its start (pending), an
 * ingested file's entry written in its commit, resuming an interrupted
 * batch (and refusing a running, finished or unknown one), the space kept
 * free on the archive's disk, releasing an upload's spooled files.
 */
#include "fixture.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <sqlite3.h>

#include "dossier/archive.h"

struct fx {
	char *dir;
	struct arc *a;
	int64_t batch;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_int_equal(dos_crypto_init(), DOS_OK);
	unsetenv("DOSSIER_RESERVE_MB");
	f->dir = test_tmpdir();
	assert_int_equal(arc_open(f->dir, ARC_CREATE, &f->a), DOS_OK);
	assert_int_equal(arc_batch_begin(f->a, "clerk1", &f->batch), DOS_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	unsetenv("DOSSIER_RESERVE_MB");
	arc_close(f->a);
	test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* The outcomes of the batch's entries, in order, comma-separated. */
static const char *
outcomes(struct fx *f, int64_t batch)
{
	static char out[256];
	struct arc_user admin;
	json_t *b, *e;
	size_t k, n = 0;

	arc_user_local(&admin);
	out[0] = '\0';
	assert_int_equal(arc_batch_get(f->a, &admin, batch, &b), DOS_OK);
	json_array_foreach(json_object_get(b, "entries"), k, e) {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
				      k > 0 ? "," : "",
				      json_string_value(
					      json_object_get(e, "outcome")));
		assert_true(n < sizeof(out));
	}
	json_decref(b);
	return out;
}

/* Commits a one-page source named entry (its batch entry) of batch. */
static void
commit(struct fx *f, int64_t batch, const char *entry)
{
	char o[DOS_SHA256_HEX], p[DOS_SHA256_HEX], t[DOS_SHA256_HEX];
	struct arc_page_in pg;
	struct arc_doc_in d;
	struct arc_source_in s;

	assert_int_equal(arc_blob_put(f->a, entry, strlen(entry), o), DOS_OK);
	assert_int_equal(arc_blob_put(f->a, "processed", 9, p), DOS_OK);
	assert_int_equal(arc_blob_put(f->a, "thumb", 5, t), DOS_OK);
	memset(&pg, 0, sizeof(pg));
	pg.processed = p;
	pg.thumb = t;
	pg.width = pg.height = 100;
	pg.dpi = 300;
	pg.text = "page text";
	memset(&d, 0, sizeof(d));
	d.status = "archived";
	d.pages = &pg;
	d.npages = 1;
	memset(&s, 0, sizeof(s));
	s.name = entry;
	s.sha256 = o;
	s.size = strlen(entry);
	s.format = "tiff";
	s.npages = 1;
	s.batch_id = batch;
	s.batch_entry = entry;
	s.actor = "clerk1";
	s.docs = &d;
	s.ndocs = 1;
	assert_int_equal(arc_source_commit(f->a, &s), DOS_OK);
}

/* Makes the batch's process one that is gone. */
static void
orphan(struct fx *f)
{
	char path[512], sql[128];
	sqlite3 *db;
	pid_t child;

	if ((child = fork()) == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	snprintf(path, sizeof(path), "%s/catalogue.db", f->dir);
	snprintf(sql, sizeof(sql), "UPDATE batch SET pid = %d", (int)child);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
planned_files_take_their_outcomes(void **state)
{
	struct fx *f = *state;
	char *names[] = {"a.tif", "b.tif", "c.tif", "a.tif"};

	assert_int_equal(arc_batch_plan(f->a, f->batch, names, 4), DOS_OK);
	assert_string_equal(outcomes(f, f->batch),
			    "pending,pending,pending,pending");
	/* The commit writes the file's entry with its documents. */
	commit(f, f->batch, "b.tif");
	assert_string_equal(outcomes(f, f->batch),
			    "pending,ingested,pending,pending");
	/* A name given twice: its first pending entry, then the next. */
	assert_int_equal(arc_batch_file(f->a, f->batch, "a.tif", NULL,
					"failed", 0, 0, "not a scan"),
			 DOS_OK);
	assert_int_equal(arc_batch_file(f->a, f->batch, "a.tif", NULL,
					"duplicate", 0, 0, NULL),
			 DOS_OK);
	assert_string_equal(outcomes(f, f->batch),
			    "failed,ingested,pending,duplicate");
	/* A name the batch was not given: a new entry. */
	assert_int_equal(arc_batch_file(f->a, f->batch, "z.tif", NULL,
					"failed", 0, 0, "gone"),
			 DOS_OK);
	assert_string_equal(outcomes(f, f->batch),
			    "failed,ingested,pending,duplicate,failed");
}

static void
interrupted_batch_resumes_with_what_is_pending(void **state)
{
	struct fx *f = *state;
	char *names[] = {"a.tif", "b.tif", "c.tif"};
	char msg[256];
	struct arc_user admin;
	json_t *pending = NULL, *b;

	arc_user_local(&admin);
	assert_int_equal(arc_batch_plan(f->a, f->batch, names, 3), DOS_OK);
	commit(f, f->batch, "a.tif");
	/* Its process is alive (this one): not resumable. */
	assert_int_equal(arc_batch_resume(f->a, "admin", f->batch, &pending,
					  msg, sizeof(msg)),
			 DOS_CONFLICT);
	assert_null(pending);
	assert_string_equal(msg, "batch 1 is still running (its process is "
				 "alive); only an interrupted batch can be "
				 "resumed");
	orphan(f);
	assert_int_equal(arc_batch_resume(f->a, "admin", f->batch, &pending,
					  msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(json_array_size(pending), 2);
	assert_string_equal(json_string_value(json_array_get(pending, 0)),
			    "b.tif");
	assert_string_equal(json_string_value(json_array_get(pending, 1)),
			    "c.tif");
	json_decref(pending);
	pending = NULL;
	commit(f, f->batch, "b.tif");
	commit(f, f->batch, "c.tif");
	assert_int_equal(arc_batch_finish(f->a, f->batch, 0), DOS_OK);
	assert_int_equal(arc_batch_get(f->a, &admin, f->batch, &b), DOS_OK);
	assert_string_equal(json_string_value(json_object_get(b, "status")),
			    "done");
	assert_int_equal(json_integer_value(json_object_get(b, "files")), 3);
	assert_int_equal(json_integer_value(json_object_get(b, "documents")),
			 3);
	json_decref(b);
	/* Finished: nothing to resume; an unknown batch: said so. */
	assert_int_equal(arc_batch_resume(f->a, "admin", f->batch, &pending,
					  msg, sizeof(msg)),
			 DOS_CONFLICT);
	assert_string_equal(msg, "batch 1 is finished; only an interrupted "
				 "batch can be resumed");
	assert_int_equal(arc_batch_resume(f->a, "admin", 99, &pending, msg,
					  sizeof(msg)),
			 DOS_NOTFOUND);
	assert_string_equal(msg, "batch 99: no such batch");
}

static void
stopped_batch_is_interrupted_and_resumable(void **state)
{
	struct fx *f = *state;
	char *names[] = {"a.tif", "b.tif"};
	char msg[256];
	json_t *pending = NULL;

	assert_int_equal(arc_batch_plan(f->a, f->batch, names, 2), DOS_OK);
	commit(f, f->batch, "a.tif");
	assert_int_equal(arc_batch_finish(f->a, f->batch, 1), DOS_OK);
	assert_int_equal(arc_batch_resume(f->a, "admin", f->batch, &pending,
					  msg, sizeof(msg)),
			 DOS_OK);
	assert_int_equal(json_array_size(pending), 1);
	json_decref(pending);
}

/* Files in folder dir (not . and ..). */
static int
count_files(const char *dir)
{
	char cmd[1024];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	assert_non_null(p = popen(cmd, "r"));
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void
space_kept_free_refuses_blobs(void **state)
{
	struct fx *f = *state;
	char sha[DOS_SHA256_HEX], tmp[600];

	assert_int_equal(arc_space_check(f->a, 4096), DOS_OK);
	setenv("DOSSIER_RESERVE_MB", "12abc", 1); /* not a size: 1% */
	assert_int_equal(arc_space_check(f->a, 4096), DOS_OK);
	setenv("DOSSIER_RESERVE_MB", "1073741824", 1); /* 1 PiB */
	assert_int_equal(arc_space_check(f->a, 0), DOS_NOSPACE);
	assert_int_equal(arc_blob_put(f->a, "new bytes", 9, sha), DOS_NOSPACE);
	snprintf(tmp, sizeof(tmp), "%s/tmp", f->dir);
	assert_int_equal(count_files(tmp), 0);
	assert_string_equal(dos_strerror(DOS_NOSPACE),
			    "the archive's disk is full");
	setenv("DOSSIER_RESERVE_MB", "0", 1);
	assert_int_equal(arc_blob_put(f->a, "new bytes", 9, sha), DOS_OK);
}

static void
spool_release_removes_only_spooled_files(void **state)
{
	struct fx *f = *state;
	char dir[512], file[600], file2[600], other[600];
	int fd;

	assert_int_equal(arc_spool_dir(f->a, dir, sizeof(dir)), DOS_OK);
	snprintf(file, sizeof(file), "%s/0001-a.tif", dir);
	snprintf(file2, sizeof(file2), "%s/0002-b.tif", dir);
	snprintf(other, sizeof(other), "%s/tmp/keep", f->dir);
	assert_true((fd = open(file, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	assert_true((fd = open(file2, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	assert_true((fd = open(other, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	assert_int_equal(arc_spool_release(f->a, other), 0);
	assert_int_equal(arc_spool_release(f->a, "/etc/passwd"), 0);
	assert_int_equal(arc_spool_release(f->a, dir), 0);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(arc_spool_release(f->a, file), 1);
	assert_int_not_equal(access(file, F_OK), 0);
	assert_int_equal(access(dir, F_OK), 0); /* one file left */
	assert_int_equal(arc_spool_release(f->a, file2), 1);
	assert_int_not_equal(access(dir, F_OK), 0);
}

/* A received file keeps the name it was uploaded with, and only that. */
static void
spool_names_give_back_the_uploaded_name(void **state)
{
	struct fx *f = *state;
	char dir[512], path[1024], name[256], longname[400];
	size_t i;

	assert_int_equal(arc_spool_dir(f->a, dir, sizeof(dir)), DOS_OK);
	assert_int_equal(arc_spool_file(dir, 7, "C:\\scans\\Loan 50%.tif",
					path, sizeof(path)),
			 DOS_OK);
	assert_non_null(strstr(path, "/0007-Loan 50%25.tif"));
	assert_int_equal(arc_spool_name(f->a, path, name, sizeof(name)), 1);
	assert_string_equal(name, "Loan 50%.tif");
	/* A folder is dropped; control bytes come back as they were. */
	assert_int_equal(arc_spool_file(dir, 8, "../../etc/a\nb", path,
					sizeof(path)),
			 DOS_OK);
	assert_null(strstr(path + strlen(dir), ".."));
	assert_int_equal(arc_spool_name(f->a, path, name, sizeof(name)), 1);
	assert_string_equal(name, "a\nb");
	/* No name at all, and a name past what a file system takes. */
	assert_int_equal(arc_spool_file(dir, 9, "a/", path, sizeof(path)),
			 DOS_OK);
	assert_int_equal(arc_spool_name(f->a, path, name, sizeof(name)), 1);
	assert_string_equal(name, "scan");
	for (i = 0; i + 3 < sizeof(longname); i += 3)
		memcpy(longname + i, "\xe4\xb8\xad", 3); /* a Chinese character */
	longname[i] = '\0';
	assert_int_equal(arc_spool_file(dir, 10, longname, path, sizeof(path)),
			 DOS_OK);
	assert_true(strlen(strrchr(path, '/') + 1) <= 255);
	assert_int_equal(arc_spool_name(f->a, path, name, sizeof(name)), 1);
	assert_int_equal(strlen(name) % 3, 0); /* whole characters only */
	/* Other paths are not uploads. */
	assert_int_equal(arc_spool_name(f->a, "/etc/passwd", name,
					sizeof(name)),
			 0);
	snprintf(path, sizeof(path), "%s/tmp/0001-x.tif", f->dir);
	assert_int_equal(arc_spool_name(f->a, path, name, sizeof(name)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			planned_files_take_their_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(
			spool_names_give_back_the_uploaded_name, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			interrupted_batch_resumes_with_what_is_pending, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			stopped_batch_is_interrupted_and_resumable, setup,
			teardown),
		cmocka_unit_test_setup_teardown(space_kept_free_refuses_blobs,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			spool_release_removes_only_spooled_files, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
