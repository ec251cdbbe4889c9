# serve.sh: the real server on a kernel-chosen loopback port answers the
# search API, errors in JSON with the right status, and serves the page.
. tests/tap.sh

A="$T_TMP/archive"
"$DOSSIER" -A "$A" init >/dev/null
"$GENSAMPLES" -o "$T_TMP/s" --count 1 --kind contract --format png --seed 5 >/dev/null 2>&1
page=$(ls "$T_TMP"/s/*.png | head -1)
"$DOSSIER" -A "$A" ingest "$page" >/dev/null
word=$(json '.words[]' <"${page%.*}.json" | awk 'length($0) >= 8 && $0 ~ /^[A-Za-z]+$/' | head -1)

add_auditor "$A"
start_server "$A" || { not_ok "server starts"; finish; }
sign_in t-auditor auditor-pass-1 || { not_ok "auditor signs in"; finish; }
ok "server starts on $BASE_URL"
res=$(curl -s "$BASE_URL/api/search?q=$word")
is "API search finds the page by '$word'" "$(echo "$res" | json '.total')" 1
is "hit carries the document id" "$(echo "$res" | json '.hits[0].id')" 1
code=$(curl -s -o "$T_TMP/err.json" -w '%{http_code}' "$BASE_URL/api/search?q=%22open")
is "malformed query: 400" "$code" 400
is "malformed query: error in words" "$(json '.error' <"$T_TMP/err.json")" "the quote is not closed (at character 1)"
code=$(curl -s -o "$T_TMP/err.json" -w '%{http_code}' "$BASE_URL/api/search?q=x&limit=1000")
is "bad limit: 400" "$code" 400
code=$(curl -s -o "$T_TMP/err.json" -w '%{http_code}' "$BASE_URL/api/documents/999")
is "unknown document: 404" "$code" 404
is "404 body is JSON" "$(json '.error' <"$T_TMP/err.json")" "no such document"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/documents/..%2f..%2fetc%2fpasswd")
is "traversal-looking id: 404" "$code" 404
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$BASE_URL/api/search")
is "wrong method: 405" "$code" 405
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/nope")
is "unknown path: 404" "$code" 404
html=$(curl -s -D "$T_TMP/h" "$BASE_URL/")
contains "page served with its sign-in form" "$html" "<form id=\"signin\""
contains "CSP header set" "$(cat "$T_TMP/h")" "Content-Security-Policy: default-src 'self'"
doc=$(curl -s "$BASE_URL/api/documents/1")
is "document API returns its page" "$(echo "$doc" | json '.pages | length')" 1
curl -s -o "$T_TMP/p.png" -D "$T_TMP/ph" "$BASE_URL/api/documents/1/pages/1/image?w=600"
is "page image is a PNG at the width asked" "$(file -b "$T_TMP/p.png" | grep -o 'PNG image data, 600 x')" "PNG image data, 600 x"
is "page image view is audited" "$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'view' AND detail = 'page 1 image'")" 1
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/documents/1/pages/1/image?w=5000")
is "page width out of range: 400" "$code" 400
code=$(curl -s -o "$T_TMP/err.json" -w '%{http_code}' "$BASE_URL/api/documents/1/pages/9/image")
is "missing page: 404 in words" "$code $(json .error <"$T_TMP/err.json")" "404 document 1 has no page 9"
is "thumbnail is a PNG" "$(curl -s "$BASE_URL/api/documents/1/pages/1/thumb" | file -b - | cut -c1-14)" "PNG image data"
curl -s -D "$T_TMP/oh" -o "$T_TMP/orig" "$BASE_URL/api/documents/1/original"
is "original is the untouched file" "$(sha256sum <"$T_TMP/orig" | cut -c1-64)" "$(sha256sum <"$page" | cut -c1-64)"
contains "original comes as an attachment" "$(cat "$T_TMP/oh")" 'Content-Disposition: attachment; filename="'
is "history lists the document's audit entries" \
	"$(curl -s "$BASE_URL/api/documents/1/history" | jq -r '[.[].action] | index("ingest") != null')" true
etag=$(curl -s -D - -o /dev/null "$BASE_URL/app.js" | sed -n 's/^ETag: \(.*\)\r$/\1/p')
is "asset revalidation: 304" "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$BASE_URL/app.js")" 304
stop_server
err=$("$DOSSIER" -A "$A" serve --listen 0.0.0.0:0 2>&1)
is "plain HTTP beyond loopback refused, saying how to serve it" "$?" 1
contains "... naming --tls-cert" "$err" "give --tls-cert and --tls-key"

# TLS: a self-signed certificate for 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T_TMP/key.pem" -out "$T_TMP/cert.pem" -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
err=$("$DOSSIER" -A "$A" serve --listen 127.0.0.1:0 --tls-cert "$T_TMP/cert.pem" 2>&1)
contains "certificate without key refused" "$err" "TLS needs both --tls-cert and --tls-key"
echo "not a key" >"$T_TMP/notpem"
err=$("$DOSSIER" -A "$A" serve --listen 127.0.0.1:0 --tls-cert "$T_TMP/cert.pem" --tls-key "$T_TMP/notpem" 2>&1)
contains "a key that is not PEM is refused in words" "$err" "is not in PEM format"
mkdir -p "$A/tmp/upload-stale01" "$A/tmp/upload-fresh01"
echo scan >"$A/tmp/upload-stale01/page.tif"
touch -d '10 days ago' "$A/tmp/upload-stale01/page.tif" "$A/tmp/upload-stale01"
start_server "$A" --tls-cert "$T_TMP/cert.pem" --tls-key "$T_TMP/key.pem" ||
	{ not_ok "HTTPS server starts"; finish; }
is "an upload abandoned 10 days ago is swept at start, a fresh one kept" \
	"$(ls "$A/tmp" | grep upload- | paste -sd' ')" "upload-fresh01"
contains "... and the sweep is logged" "$(cat "$T_TMP/serve.log")" "an upload left unfinished 10 days ago"
rmdir "$A/tmp/upload-fresh01"
is "served over https" "${BASE_URL%%:*}" https
is "health over TLS, certificate checked" \
	"$(CURL_HOME=/nonexistent curl -s --cacert "$T_TMP/cert.pem" "$BASE_URL/api/health" | json .status)" ok
code=$(CURL_HOME=/nonexistent curl -s -o /dev/null -w '%{http_code}' "http${BASE_URL#https}/api/health")
is "plain HTTP to the TLS port gets no answer" "$code" 000
CURL_HOME=/nonexistent curl -s --cacert "$T_TMP/cert.pem" -D "$T_TMP/th" -o /dev/null \
	-H 'Content-Type: application/json' \
	--data '{"name":"t-auditor","password":"auditor-pass-1"}' "$BASE_URL/api/login"
contains "session cookie is Secure over TLS" "$(grep -i '^Set-Cookie' "$T_TMP/th")" "HttpOnly; SameSite=Strict; Secure"
contains "HSTS over TLS" "$(cat "$T_TMP/th")" "Strict-Transport-Security: max-age="
stop_server
finish
