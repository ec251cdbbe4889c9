#!/usr/bin/env bash
# web.sh BUILD [PAGES] [SECONDS]: HTTP load on loopback with wrk, bounded
# in time: account-lookup searches per second and latency percentiles
# through `dossier serve --threads 2` (signed in as an auditor, so the
# scope condition is in every query and every search is audited), the
# same for the bare health endpoint (the server without archive work), and
# the server's resident memory before and after; then page views: the
# screen-size page image of real scans (the demo samples, ingested once in
# $BENCH_DIR-view), the first view of a page (rendered) and views of pages
# already shown (kept in the archive's cache).  Prints figures and each
# target (issue 20) met or NOT met; asserts nothing.  The archive (PAGES
# generated pages, default 100,000) is built once in $BENCH_DIR.
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
out=$(wrk -t2 -c16 -d"${SECS}s" --latency -s "$lua" "$url")
echo "$out" | summary "account lookup search"
echo "server RSS after: $(rss)"
echo "audit entries written by the searches: $(sqlite3 "$DIR/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'search' AND actor = 'bench-web'")"
# wrk's latency in ms ("1.23ms", "850.00us", "1.02s").
ms() { awk '{v = $1; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0;
	else if (v ~ /s$/) v = v * 1000; printf "%.2f", v}' <<<"$1"; }
rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
p99=$(ms "$(awk '/^ +99%/ {print $2}' <<<"$out")")
awk -v r="$rps" -v p="$p99" 'BEGIN {
	printf "target: >= 5000 audited searches/s: %.0f/s %s; p99 < 20 ms: %.2f ms %s\n",
		r, (r >= 5000 ? "met" : "NOT met"), p, (p < 20 ? "met" : "NOT met") }'
kill $pid 2>/dev/null; wait $pid 2>/dev/null

# Page views of real scans.
VDIR=${BENCH_DIR:-/tmp/dossier-bench-web-$PAGES}-view
if [ ! -f "$VDIR/.filled" ]; then
	rm -rf "$VDIR"
	"$BUILD/dossier" -A "$VDIR" init >/dev/null
	"$BUILD/dossier" -A "$VDIR" ingest -j 2 --account ACC-2024-000001 \
		--category CONTRACT "$BUILD"/samples/demo/*.tif \
		"$BUILD"/samples/demo/*.png "$BUILD"/samples/demo/*.jpg \
		>/dev/null 2>&1
	touch "$VDIR/.filled"
fi
echo "bench-web-auditor-1" | "$BUILD/dossier" -A "$VDIR" user add bench-web \
	--role auditor >/dev/null 2>&1 || true
rm -rf "$VDIR/cache"
"$BUILD/dossier" -A "$VDIR" serve --listen 127.0.0.1:0 --threads ${THREADS:-2} >"$log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	url=$(sed -n 's/.*serving .* on \(http:[^ ]*\)\/$/\1/p' "$log" | head -1)
	[ -n "$url" ] && break
	sleep 0.1
done
curl -s -c "$jar" -H 'Content-Type: application/json' \
	--data '{"name":"bench-web","password":"bench-web-auditor-1"}' \
	"$url/api/login" >/dev/null
cookie=$(awk '$6 == "dossier_session" {print $7}' "$jar")
pages=$(sqlite3 "$VDIR/catalogue.db" "SELECT document_id || '/pages/' || seq FROM page WHERE blank = 0")
npages=$(wc -l <<<"$pages")
# First views: each page once at the viewer's widths (rendered, then kept).
first=$(for w in 1200 900; do
	for p in $pages; do
		curl -s -o /dev/null -b "dossier_session=$cookie" -w '%{time_total}\n' \
			"$url/api/documents/$p/image?w=$w"
	done
done | sort -n | awk '{t[NR] = $1 * 1000} END {printf "%.1f %.1f", t[int((NR + 1) / 2)], t[NR]}')
# Views of pages already shown, spread over the pages (wrk).
cat >"$lua" <<LUA
local pages = {}
for p in ([[$pages]]):gmatch("[^\n]+") do pages[#pages + 1] = p end
local i = 0
request = function()
	i = i + 1
	local w = (i % 2 == 0) and 1200 or 900
	return wrk.format("GET", "/api/documents/" .. pages[i % #pages + 1] .. "/image?w=" .. w,
		{ ["Cookie"] = "dossier_session=$cookie" })
end
LUA
out=$(wrk -t2 -c8 -d"${SECS}s" --latency -s "$lua" "$url")
echo "$out" | summary "page view (kept image)"
p99=$(ms "$(awk '/^ +99%/ {print $2}' <<<"$out")")
echo "page view, first (rendered): $npages pages x 2 widths, p50 / max ${first% *} / ${first#* } ms"
awk -v p="$p99" 'BEGIN { printf "target: page view p99 < 10 ms: %.2f ms %s\n", p, (p < 10 ? "met" : "NOT met") }'
echo "audit entries written by the page views: $(sqlite3 "$VDIR/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'view' AND actor = 'bench-web'")"
