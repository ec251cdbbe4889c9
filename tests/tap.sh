# lib.sh: TAP helpers for integration tests (sourced).
# Each test file calls plan-free `ok`/`fail` and `finish` at the end.
set -u
T_N=0
T_FAILED=0
T_TMP=$(mktemp -d /tmp/dossier-it-XXXXXX)
trap 'rm -rf "$T_TMP"' EXIT

ok() { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
not_ok() {
	T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $1"
	shift
	for l in "$@"; do echo "# $l"; done
}
# check DESC CMD...: passes when CMD exits 0.
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d" "command failed: $*"; fi; }
# is DESC GOT WANT
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  '$2'" "want: '$3'"; fi
}
# contains DESC HAYSTACK NEEDLE
contains() {
	case "$2" in *"$3"*) ok "$1" ;; *) not_ok "$1" "'$3' not found in:" "$(printf '%s' "$2" | head -c 600)" ;; esac
}
# json FILTER: jq over standard input, raw output.
json() { jq -r "$1"; }
need_corpus() {
	if [ ! -d "$CORPUS" ]; then echo "ok 1 # SKIP corpus not found at $CORPUS"; exit 0; fi
}
# plan N: declares the TAP plan "1..N"; a script that stops early, or runs
# another number of tests, fails (here at finish, and in tests/run).
plan() { T_PLAN=$1; echo "1..$1"; }
finish() {
	if [ -n "${T_PLAN:-}" ] && [ "$T_N" -ne "$T_PLAN" ]; then
		not_ok "plan: $T_PLAN tests planned, $T_N ran"
	fi
	[ "$T_FAILED" -eq 0 ]; exit $?
}
# start_server ARCHIVE [SERVE-OPTIONS...]: starts `dossier serve` on a
# kernel-chosen loopback port; sets SERVER_PID and BASE_URL (http: or
# https:).  stop_server ends it.
start_server() {
	local log="$T_TMP/serve.log" dir=$1 i
	shift
	# A previous server's log would name its (closed) address.
	: >"$log"
	"$DOSSIER" -A "$dir" serve --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
	SERVER_PID=$!
	for i in $(seq 1 100); do
		BASE_URL=$(sed -n 's/.*serving .* on \(https*:[^ ]*\)\/$/\1/p' "$log" | head -1)
		[ -n "$BASE_URL" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# server did not start:"; sed 's/^/# /' "$log"
	return 1
}
stop_server() { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; }
# sign_in NAME PASSWORD: signs in at BASE_URL and makes every later curl
# carry the session cookie and CSRF token (through $CURL_HOME/.curlrc).
# sign_out: curl goes back to carrying nothing.
sign_in() {
	local home="$T_TMP/curl-$1" csrf
	mkdir -p "$home"
	csrf=$(CURL_HOME=/nonexistent curl -s -c "$home/jar" \
		-H 'Content-Type: application/json' \
		--data "$(jq -cn --arg n "$1" --arg p "$2" '{name: $n, password: $p}')" \
		"$BASE_URL/api/login" | jq -r '.csrf // empty')
	[ -n "$csrf" ] || { echo "# sign-in of $1 failed"; return 1; }
	printf 'cookie = "%s"\ncookie-jar = "%s"\nheader = "X-CSRF-Token: %s"\n' \
		"$home/jar" "$home/jar" "$csrf" >"$home/.curlrc"
	export CURL_HOME="$home"
}
sign_out() { export CURL_HOME=/nonexistent; }
# auditor_session ARCHIVE: adds user t-auditor (reads everything) to the
# archive if missing; sign_in t-auditor once the server runs.
add_auditor() {
	echo "auditor-pass-1" | "$DOSSIER" -A "$1" user add t-auditor --role auditor >/dev/null 2>&1 || true
}
