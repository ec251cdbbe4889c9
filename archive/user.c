/*
 * user.c: user accounts with Argon2id password hashes (libsodium).
 * Exports arc_role_valid, arc_user_add, arc_user_check.
 */
#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

static const char *const roles[] = {"clerk", "staff", "manager", "auditor",
				    "admin"};

int
arc_role_valid(const char *role)
{
	size_t i;

	for (i = 0; role != NULL && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(role, roles[i]) == 0)
			return 1;
	return 0;
}

static int
name_valid(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0, i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("._-@", s[i]) == NULL)
			return 0;
	return 1;
}

enum dos_err
arc_user_add(struct arc *a, const char *name, const char *role,
	     const char *unit, const char *password)
{
	char hash[crypto_pwhash_STRBYTES], now[32];
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int rc;

	if (!name_valid(name) || !arc_role_valid(role) || password == NULL ||
	    strlen(password) < 8)
		return DOS_INVAL;
	if (crypto_pwhash_str(hash, password, strlen(password),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return DOS_NOMEM;
	dos_now_iso(now);
	if ((err = arc_prepare(a, "INSERT INTO user(name, role, unit, pwhash, "
				  "created) VALUES (?, ?, ?, ?, ?)", &st)))
		return err;
	arc_bind_text(st, 1, name);
	arc_bind_text(st, 2, role);
	arc_bind_text(st, 3, unit);
	arc_bind_text(st, 4, hash);
	arc_bind_text(st, 5, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return DOS_CONFLICT;
	if (rc != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		return DOS_DB;
	}
	return arc_audit(a, "local-admin", "user.add", name, role);
}

enum dos_err
arc_user_check(struct arc *a, const char *name, const char *password)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int good = 0;

	if ((err = arc_prepare(a, "SELECT pwhash FROM user WHERE name = ? "
				  "AND disabled = 0", &st)))
		return err;
	arc_bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW)
		good = crypto_pwhash_str_verify(arc_col_text(st, 0), password,
						strlen(password)) == 0;
	sqlite3_finalize(st);
	return good ? DOS_OK : DOS_PERM;
}
