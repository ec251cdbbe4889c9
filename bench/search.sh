#!/usr/bin/env bash
# search.sh BUILD [PAGES] [N]: search latency on a generated archive of
# PAGES pages (default 1,000,000; built once, kept in $BENCH_DIR), N
# queries of each kind through the library and then through HTTP
# (dossier serve on loopback, curl's time_total), with the catalogue and
# index sizes.  Prints figures; asserts nothing.
set -euo pipefail
BUILD=${1:-build}
PAGES=${2:-1000000}
N=${3:-200}
DIR=${BENCH_DIR:-/tmp/dossier-bench-search-$PAGES}
if [ ! -f "$DIR/.filled" ]; then
	rm -rf "$DIR"
	"$BUILD/bench/search_bench" fill "$DIR" "$PAGES"
	touch "$DIR/.filled"
fi
db="$DIR/catalogue.db"
sqlite3 "$db" "SELECT printf('archive: %d documents, %d pages; catalogue %.0f MB; page text %.0f MB; full-text index %.0f MB = %.2f x the text (target: about 0.59, as before)',
	(SELECT count(*) FROM document), (SELECT count(*) FROM page),
	(SELECT page_count * page_size FROM pragma_page_count, pragma_page_size) / 1e6,
	(SELECT sum(length(text)) FROM page) / 1e6,
	(SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'doc_fts%') / 1e6,
	(SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'doc_fts%') * 1.0 /
	(SELECT sum(length(text)) FROM page))"
q="$DIR/queries.tsv"
"$BUILD/bench/search_bench" run "$DIR" "$N" "$q"

log=$(mktemp)
jar=$(mktemp)
# An auditor reads everything: the same documents as the library's run.
echo "bench-auditor-1" | "$BUILD/dossier" -A "$DIR" user add bench-auditor \
	--role auditor >/dev/null 2>&1 || true
"$BUILD/dossier" -A "$DIR" serve --listen 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log" "$jar"' EXIT
for _ in $(seq 100); do
	url=$(sed -n 's/.*serving .* on \(http:[^ ]*\)\/$/\1/p' "$log" | head -1)
	[ -n "$url" ] && break
	sleep 0.1
done
curl -s -c "$jar" -H 'Content-Type: application/json' \
	--data '{"name":"bench-auditor","password":"bench-auditor-1"}' \
	"$url/api/login" >/dev/null
if [ "$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' "$url/api/me")" != 200 ]; then
	echo "bench-search: cannot sign in to the server" >&2
	exit 1
fi
printf '%-18s %8s %8s %8s  %s\n' "query (HTTP)" "p50 ms" "p99 ms" "max ms" "target: p99"
for kind in $(cut -f1 "$q" | uniq); do
	case $kind in phrase) goal=50 ;; account) goal=5 ;; *) goal=20 ;; esac
	awk -F'\t' -v k="$kind" '$1 == k {print $2}' "$q" | while IFS= read -r query; do
		curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' --get \
			--data-urlencode "q=$query" "$url/api/search"
	done | sort -n | awk -v k="$kind" -v g="$goal" '{ t[NR] = $1 * 1000 }
		END { p99 = int(NR * 0.99 + 0.999)
			printf "%-18s %8.2f %8.2f %8.2f  < %d ms %s\n", k, t[int((NR + 1) / 2)],
				t[p99], t[NR], g, (t[p99] < g ? "met" : "NOT met") }'
done
