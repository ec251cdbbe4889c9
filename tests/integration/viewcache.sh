# viewcache.sh: page images at screen size are kept in the archive's
# cache/ (archive/viewcache.c) and sent from there the next time, exactly
# the same bytes; every view is audited, kept or not; a kept image is
# never sent to a user who may not see the page (403, audited), nor after
# the page is purged; a width is its own rendering; the cache is swept
# under its size; a read-only archive still shows pages.  The server
# renders nothing itself: a page not kept at a width is a 'view' row of
# the queue, made by a worker process while the request waits; with no
# worker (--workers 0) it is answered 202 with the row at once, and
# served once a worker has made it.  Nobody makes work on a page they
# may not see.
. tests/tap.sh
echo "1..41"

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null
"$GENSAMPLES" -o "$T_TMP/s" --count 2 --kind contract --format png --seed 21 >/dev/null 2>&1
set -- $(ls "$T_TMP"/s/*.png)
D ingest --account ACC-N1 --category CREDIT "$1" >/dev/null 2>&1
D ingest --account ACC-S1 --category CREDIT "$2" >/dev/null 2>&1
north=1 south=2
D customer add N-1 --name "North One" --type individual --unit north --manager ann --account ACC-N1 >/dev/null
D customer add S-1 --name "South One" --type individual --unit south --manager zed --account ACC-S1 >/dev/null
for u in ann:staff:north zed:staff:south; do
	IFS=: read -r name role unit <<<"$u"
	echo "pass-$name-123" | D user add "$name" --role "$role" --unit "$unit" >/dev/null
done
views() { sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'view' AND actor = '$1' AND object = 'document $2' AND detail = 'page 1 image'"; }
kept() { find "$A/cache" -name '*.png' 2>/dev/null | wc -l; }
# The width in a PNG's header (IHDR, bytes 16-19, big-endian).
pngw() { od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'; }
q() { sqlite3 "$A/catalogue.db" "$1"; }

start_server "$A" || { not_ok "server starts"; finish; }
sign_in ann pass-ann-123 >/dev/null
code=$(curl -s -o "$T_TMP/first.png" -w '%{http_code}' "$BASE_URL/api/documents/$north/pages/1/image?w=800")
is "first view: 200" "$code" 200
is "first view is a PNG" "$(head -c 8 "$T_TMP/first.png" | od -An -c | tr -d ' ')" '211PNG\r\n032\n'
is "first view is 800 pixels wide" "$(pngw "$T_TMP/first.png")" 800
is "first view audited" "$(views ann $north)" 1
is "made by a view row of the queue, done" "$(q "SELECT state FROM job WHERE kind = 'view' AND owner = 'ann'")" done
wpid=$(q "SELECT worker FROM job WHERE kind = 'view' AND owner = 'ann'" | sed 's/.*://')
check "by a worker process, not the server's" test -n "$wpid" -a "$wpid" != "$SERVER_PID"
is "the row names the page and width" "$(q "SELECT json_extract(spec, '\$.document') || '/' || json_extract(spec, '\$.seq') || '@' || json_extract(spec, '\$.width') FROM job WHERE kind = 'view'")" "$north/1@800"
is "its rendering is kept in cache/" "$(kept)" 1
sha=$(sqlite3 "$A/catalogue.db" "SELECT processed_sha256 FROM page WHERE document_id = $north AND seq = 1")
check "kept under the page's digest and width" test -s "$A/cache/${sha:0:2}/$sha.w800.png"
code=$(curl -s -o "$T_TMP/again.png" -w '%{http_code}' "$BASE_URL/api/documents/$north/pages/1/image?w=800")
is "second view: 200" "$code" 200
check "second view sends the same bytes" cmp -s "$T_TMP/first.png" "$T_TMP/again.png"
is "second view audited too" "$(views ann $north)" 2
is "a kept image makes no row" "$(q "SELECT count(*) FROM job WHERE kind = 'view'")" 1
curl -s -o "$T_TMP/w400.png" "$BASE_URL/api/documents/$north/pages/1/image?w=400"
is "another width is another rendering" "$(kept)" 2
check "and a smaller image" test "$(stat -c %s "$T_TMP/w400.png")" -lt "$(stat -c %s "$T_TMP/first.png")"
# Two first views of one page at once: both answered with the same image.
curl -s -o "$T_TMP/c1.png" -w '%{http_code}' "$BASE_URL/api/documents/$north/pages/1/image?w=700" >"$T_TMP/c1" &
curl -s -o "$T_TMP/c2.png" -w '%{http_code}' "$BASE_URL/api/documents/$north/pages/1/image?w=700" >"$T_TMP/c2"
wait $!
is "two first views at once: both 200" "$(cat "$T_TMP/c1") $(cat "$T_TMP/c2")" "200 200"
check "the same bytes" cmp -s "$T_TMP/c1.png" "$T_TMP/c2.png"
is "700 pixels wide" "$(pngw "$T_TMP/c1.png")" 700

# Someone who may not see the page gets no image, kept or not.
sign_in zed pass-zed-123 >/dev/null
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' "$BASE_URL/api/documents/$north/pages/1/image?w=800")
is "another unit's staff: 403 for a kept image" "$code" 403
contains "the refusal in words, no image" "$(cat "$T_TMP/r")" "\"error\""
is "no view recorded for them" "$(views zed $north)" 0
is "the denial is audited" "$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'deny' AND actor = 'zed' AND object = 'document $north'")" 1
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' "$BASE_URL/api/documents/$north/pages/1/image?w=300")
is "another unit's staff: 403 for a width not kept" "$code" 403
is "and no work made for them" "$(q "SELECT count(*) FROM job WHERE owner = 'zed'")" 0
sign_out
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' "$BASE_URL/api/documents/$north/pages/1/image?w=800")
is "signed out: 401 for a kept image" "$code" 401
sign_in zed pass-zed-123 >/dev/null
is "their own page: 200" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/documents/$south/pages/1/image?w=800")" 200
stop_server

# No worker (--workers 0, none started): a page not kept is queued and
# answered at once, 202 with its row; once a worker made it, it is sent.
start_server "$A" --workers 0 || { not_ok "server starts without workers"; finish; }
sign_in ann pass-ann-123 >/dev/null
before=$(views ann $north)
code=$(curl -s -D "$T_TMP/h" -o "$T_TMP/r" -w '%{http_code}' --max-time 60 "$BASE_URL/api/documents/$north/pages/1/image?w=500")
is "no worker: 202 at once" "$code" 202
is "with its row, queued" "$(jq -r '.state' "$T_TMP/r")/$(jq -r '.job == (.job | tonumber)' "$T_TMP/r")" "queued/true"
contains "and when to ask again" "$(tr -d '\r' <"$T_TMP/h")" "Retry-After: 2"
is "nothing made meanwhile" "$(ls "$A/cache/${sha:0:2}/" | grep -c '\.w500\.png$')" 0
is "nothing shown, no view recorded" "$(views ann $north)" "$before"
timeout 300 "$DOSSIER" -A "$A" worker --drain >/dev/null 2>&1
is "a worker made it" "$(q "SELECT state FROM job WHERE kind = 'view' AND json_extract(spec, '\$.width') = 500")" done
code=$(curl -s -o "$T_TMP/w500.png" -w '%{http_code}' "$BASE_URL/api/documents/$north/pages/1/image?w=500")
is "asked again: 200" "$code" 200
is "a PNG 500 pixels wide" "$(pngw "$T_TMP/w500.png")" 500
stop_server

# The sweep keeps the folder under its size, least recently shown first:
# an old 2 MiB rendering goes, the recent ones stay (limit 1 MiB).
fake="$A/cache/ff/$(printf 'f%.0s' $(seq 64)).w1200.png"
mkdir -p "$A/cache/ff"
head -c 2097152 /dev/zero >"$fake"
touch -d '2 days ago' "$fake"
DOSSIER_VIEW_CACHE_MB=1 start_server "$A" || { not_ok "server starts again"; finish; }
stop_server
check "the sweep removed the least recently shown" test ! -e "$fake"
is "the recent ones stay" "$(kept)" 5

# A read-only archive shows pages (rendered; nothing written).
chmod -R a-w "$A"
if [ -w "$A" ]; then
	echo "ok $((T_N += 1)) # SKIP running as root: cannot make the archive read-only"
	echo "ok $((T_N += 1)) # SKIP running as root"
else
	start_server "$A" || { not_ok "read-only server starts"; finish; }
	sign_in ann pass-ann-123 >/dev/null
	is "read-only archive: 200" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/documents/$north/pages/1/image?w=600")" 200
	is "read-only archive: nothing kept" "$(kept)" 5
	stop_server
fi
chmod -R u+w "$A"

# A purged page's renderings go with it.
echo "manager-pass-1" | D user add boss --role manager >/dev/null
echo "manager-pass-2" | D user add mgr2 --role manager >/dev/null
echo "manager-pass-2" | D delete request "$north" --as mgr2 --reason "scanned twice" >/dev/null
echo "manager-pass-1" | D delete approve "$north" --as boss --hold-days 0 >/dev/null
sleep 1
contains "purged" "$(D purge)" "purged 1 document(s)"
is "purged: its renderings are removed" "$(ls "$A/cache/${sha:0:2}/" 2>/dev/null | grep -c "^$sha")" 0
check "verify passes with a cache folder" D verify
finish
