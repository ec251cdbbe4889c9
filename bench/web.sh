#!/usr/bin/env bash
# web.sh BUILD [PAGES] [SECONDS]: HTTP load on loopback with wrk, bounded
# in time: account-lookup searches per second and latency percentiles
# through `dossier serve --threads 2` (signed in as an auditor, so the
# scope condition is in every query and every search is audited), the
# same for the bare health endpoint (the server without archive work), and
# the server's resident memory before and after.  Prints figures; asserts
# nothing.  The archive (PAGES generated pages, default 100,000) is built
# once in $BENCH_DIR.
set -euo pipefail
BUILD=${1:-build}
PAGES=${2:-100000}
SECS=${3:-10}
DIR=${BENCH_DIR:-/tmp/dossier-bench-web-$PAGES}
if [ ! -f "$DIR/.filled" ]; then
	rm -rf "$DIR"
	"$BUILD/bench/search_bench" fill "$DIR" "$PAGES"
	touch "$DIR/.filled"
fi
echo "bench-web-auditor-1" | "$BUILD/dossier" -A "$DIR" user add bench-web \
	--role auditor >/dev/null 2>&1 || true
log=$(mktemp)
jar=$(mktemp)
lua=$(mktemp --suffix=.lua)
"$BUILD/dossier" -A "$DIR" serve --listen 127.0.0.1:0 --threads ${THREADS:-2} >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log" "$jar" "$lua"' EXIT
for _ in $(seq 100); do
	url=$(sed -n 's/.*serving .* on \(http:[^ ]*\)\/$/\1/p' "$log" | head -1)
	[ -n "$url" ] && break
	sleep 0.1
done
curl -s -c "$jar" -H 'Content-Type: application/json' \
	--data '{"name":"bench-web","password":"bench-web-auditor-1"}' \
	"$url/api/login" >/dev/null
cookie=$(awk '$6 == "dossier_session" {print $7}' "$jar")
[ -n "$cookie" ] || { echo "bench-web: cannot sign in" >&2; exit 1; }
# Accounts that exist: every generated customer has ACC-<year>-<2*n>.
cat >"$lua" <<LUA
math.randomseed(7)
local ndocs = $PAGES / 4
request = function()
	local cust = math.random(1, math.floor(ndocs / 5))
	local acc = string.format("ACC-%04d-%06d", 2000 + cust % 26, cust * 2)
	return wrk.format("GET", "/api/search?q=account:" .. acc .. "&limit=20",
		{ ["Cookie"] = "dossier_session=$cookie" })
end
LUA
rss() { awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status"; }
echo "archive: $PAGES pages; server RSS at start: $(rss)"
summary() {
	awk '/Requests\/sec/ {rps = $2} /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2}
		/Non-2xx/ {bad = $4} /Socket errors/ {err = $0}
		END {printf "%-28s %10s req/s   p50 %8s   p99 %8s   non-2xx %s %s\n",
			name, rps, p50, p99, (bad == "" ? 0 : bad), err}' name="$1"
}
wrk -t2 -c16 -d"${SECS}s" --latency "$url/api/health" | summary "health (no archive work)"
wrk -t2 -c16 -d"${SECS}s" --latency -s "$lua" "$url" | summary "account lookup search"
echo "server RSS after: $(rss)"
echo "audit entries written by the searches: $(sqlite3 "$DIR/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'search' AND actor = 'bench-web'")"
