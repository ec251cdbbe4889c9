# export_web.sh: exports through the API, as the browser starts them: an
# auditor starts a signed bundle with a reason; it runs in the background
# and is polled; the download is the bundle, verify-export passes, and the
# download is audited; nobody else sees or fetches it; a role without
# export is refused; the CSV and the audit log of a period come the same
# way.
. tests/tap.sh

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null
"$GENSAMPLES" -o "$T_TMP/s" --count 3 --kind contract --format png --seed 5 >/dev/null 2>&1
D ingest "$T_TMP"/s/*.png >/dev/null 2>&1
add_auditor "$A"
echo "auditor-pass-2" | D user add t-auditor2 --role auditor >/dev/null
echo "staff-pass-123" | D user add sta --role staff >/dev/null
start_server "$A" || { not_ok "server starts"; finish; }
post() { curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: application/json' --data "$2" "$BASE_URL$1"; }
wait_done() {
	over() {
		curl -s "$BASE_URL/api/exports/$1" >"$T_TMP/x"
		[ "$(json .state <"$T_TMP/x")" != running ]
	}
	poll 300 over "$1"
	json .state <"$T_TMP/x"
}

sign_in sta staff-pass-123 >/dev/null
is "a role without export: 403" "$(post /api/exports '{"query":"","reason":"curious"}')" 403
is "... nor the audit log: 403" "$(post /api/audit/export '{}')" 403
sign_out

sign_in t-auditor auditor-pass-1 >/dev/null
is "no reason: 400 in words" "$(post /api/exports '{"query":"status:archived"}') $(json .error <"$T_TMP/r")" \
	"400 say why you export (the reason is kept in the audit log with the query)"
is "unknown kind: 400" "$(post /api/exports '{"kind":"tar","reason":"regulator"}')" 400
is "a malformed query fails the export, in words" \
	"$(post /api/exports '{"query":"date:2024-13","reason":"regulator"}') $(wait_done "$(json .id <"$T_TMP/r")")" "202 failed"
contains "... saying why" "$(json .message <"$T_TMP/x")" "date"
is "export started in the background: 202" "$(post /api/exports '{"query":"","reason":"regulator request 114"}')" 202
id=$(json .id <"$T_TMP/r")
is "it finishes" "$(wait_done "$id")" done
is "three documents in it" "$(json .documents <"$T_TMP/x")" 3
is "listed among the auditor's exports" "$(curl -s "$BASE_URL/api/exports" | jq -r '.[0].id == '"$id"' and .[0].reason == "regulator request 114"')" true
code=$(curl -s -D "$T_TMP/h" -o "$T_TMP/b.zip" -w '%{http_code}' "$BASE_URL/api/exports/$id/download")
is "download: 200" "$code" 200
contains "... as a ZIP attachment" "$(cat "$T_TMP/h")" "filename=\"dossier-export-$id.zip\""
check "the downloaded bundle verifies" D verify-export "$T_TMP/b.zip"
is "the download is audited" \
	"$(sqlite3 "$A/catalogue.db" "SELECT actor || ' ' || object FROM audit WHERE action = 'export.download'")" \
	"t-auditor export $id"
contains "the export is audited with its reason" \
	"$(sqlite3 "$A/catalogue.db" "SELECT detail FROM audit WHERE action = 'export' ORDER BY id DESC LIMIT 1")" "regulator request 114"
is "CSV kind: done" "$(post /api/exports '{"kind":"csv","query":"","reason":"spreadsheet for review"}') $(wait_done "$(json .id <"$T_TMP/r")")" "202 done"
curl -s -o "$T_TMP/m.csv" "$BASE_URL/api/exports/$(json .id <"$T_TMP/x")/download"
is "the CSV holds a header and three rows" "$(wc -l <"$T_TMP/m.csv" | tr -d ' ')" 4
is "audit log of a period: done" "$(post /api/audit/export '{"from":"2000-01-01"}') $(wait_done "$(json .id <"$T_TMP/r")")" "202 done"
is "... with its entries" "$( [ "$(json .entries <"$T_TMP/x")" -gt 5 ] && echo many)" many
sign_out

sign_in t-auditor2 auditor-pass-2 >/dev/null
is "another user does not see it" "$(curl -s "$BASE_URL/api/exports" | jq length)" 0
is "... nor download it: 404" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/exports/$id/download")" 404
sign_out
is "without a session: 401" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/exports/$id/download")" 401

# 64 exports are kept for a day; more make the oldest finished one go
# early (found by fuzz/json.c: the 65th export of a day was refused for a
# day with "0 exports are running; try again when one has finished").
sign_in t-auditor auditor-pass-1 >/dev/null
first=""
started=0
refused=""
for _ in $(seq 1 70); do
	c=$(post /api/audit/export '{"from":"2000-01-01"}')
	# At most 4 run at once: wait for one, as the page does.
	end=$((SECONDS + 120))
	while [ "$c" = 503 ] && grep -q "^{\"error\":\"4 exports are running" "$T_TMP/r" &&
		[ "$SECONDS" -lt "$end" ]; do
		sleep 0.1
		c=$(post /api/audit/export '{"from":"2000-01-01"}')
	done
	if [ "$c" = 202 ]; then
		started=$((started + 1))
		[ -n "$first" ] || first=$(json .id <"$T_TMP/r")
	else
		refused="$refused $c $(json .error <"$T_TMP/r");"
	fi
done
is "70 more exports in a day: all started" "$started$refused" 70
is "... the oldest finished one made room" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/exports/$first")" 404
sign_out
stop_server
is "export files removed when the server stops" "$(find "$A/tmp" -name 'dossier-export-*' | wc -l | tr -d ' ')" 0
finish
