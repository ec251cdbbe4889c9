# tap.sh: TAP helpers for integration tests (sourced).
# Each test file calls `ok`/`not_ok`/`skip` (or check, is, contains) and
# `finish` at its end, which prints the plan `1..N` after the last test:
# a script that stops early prints no plan, and tests/run counts that as
# a failure.
set -u
T_N=0
T_FAILED=0
T_TMP=$(mktemp -d /tmp/dossier-it-XXXXXX)
trap 'rm -rf "$T_TMP"' EXIT

ok() { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
# skip WHY: a test not run (counted as a skip, never as a pass).
skip() { T_N=$((T_N + 1)); echo "ok $T_N # SKIP $1"; }
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
# poll SECONDS CMD...: runs CMD until it succeeds, for at most SECONDS
# seconds of the clock (not a count of tries, which a busy machine
# stretches); 1 when the time ran out.  Deadlines are generous: a minute
# or more.
poll() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}
# json FILTER: jq over standard input, raw output.
json() { jq -r "$1"; }
need_corpus() {
	if [ ! -d "$CORPUS" ]; then skip "corpus not found at $CORPUS"; finish; fi
}
# relay PREFIX OUTPUT: another TAP program's lines as this script's tests
# (renumbered, each named PREFIX: ...; skips stay skips), and a failure
# when it stopped before its end: no plan "1..N", or not N results.
relay() {
	local pre=$1 out=$2 line what n=0 planned=
	while IFS= read -r line; do
		case "$line" in
		"ok "*"# SKIP"* | "ok "*"# skip"*)
			n=$((n + 1))
			what=${line%%# [Ss][Kk][Ii][Pp]*}
			what=${what#ok }; what=${what#*[0-9] }; what=${what#- }
			what=${what% }
			skip "$pre: ${what:+$what:}${line#*# [Ss][Kk][Ii][Pp]}" ;;
		"ok "*) n=$((n + 1)); ok "$pre: ${line#* - }" ;;
		"not ok "*) n=$((n + 1)); not_ok "$pre: ${line#* - }" ;;
		"#"*) echo "$line" ;;
		1..*) planned=${line#1..}; planned=${planned%% *} ;;
		esac
	done <<<"$out"
	if [ -z "$planned" ]; then
		not_ok "$pre stopped before its end (no plan 1..N)"
		printf '%s\n' "$out" | grep -vE '^(not )?ok |^#|^$' | tail -n 15 |
			sed 's/^/# /' 
	elif [ "$planned" != "$n" ]; then
		not_ok "$pre planned $planned tests and reported $n"
	fi
}
# finish: the trailing plan, then exit 0 when every test passed.
finish() {
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
	exit $?
}
# start_server ARCHIVE [SERVE-OPTIONS...]: starts `dossier serve` on a
# kernel-chosen loopback port; sets SERVER_PID and BASE_URL (http: or
# https:).  stop_server ends it.
start_server() {
	local log="$T_TMP/serve.log" dir=$1
	shift
	# A previous server's log would name its (closed) address.
	: >"$log"
	"$DOSSIER" -A "$dir" serve --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
	SERVER_PID=$!
	# A busy machine (or ASan) may take long to load the OCR engine.
	local deadline=$((SECONDS + 120))
	while [ "$SECONDS" -lt "$deadline" ]; do
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
