# permissions.sh: the permission matrix through the HTTP API and the CLI's
# --as: every role against a document in and out of its scope for search,
# view, download, edit, deletion request, approval, purge and the audit
# log; a denial is 403 and audited; nothing out of scope shows in search
# totals, facets or snippets; sign-in, CSRF, sign-out; borrowing over HTTP.
. tests/tap.sh

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null
"$GENSAMPLES" -o "$T_TMP/s" --count 3 --kind contract --format png --seed 11 >/dev/null 2>&1
set -- $(ls "$T_TMP"/s/*.png)
D ingest --account ACC-N1 --category CREDIT "$1" >/dev/null 2>&1
D ingest --account ACC-S1 --category CREDIT "$2" >/dev/null 2>&1
D ingest --account ACC-N1 --category CREDIT "$3" >/dev/null 2>&1
own=1 south=2 secret=3
word=$(json '.words[]' <"${1%.*}.json" | awk 'length($0) >= 6 && $0 ~ /^[a-z]+$/' | head -1)
D customer add N-1 --name "North One" --type individual --unit north --manager ann --account ACC-N1 >/dev/null
D customer add S-1 --name "South One" --type individual --unit south --manager zed --account ACC-S1 >/dev/null
D edit "$secret" confidentiality=secret --reason "board paper" >/dev/null
for u in ann:staff:north bob:staff:north mia:manager:north sam:manager:south aud:auditor: adm:admin: ; do
	IFS=: read -r name role unit <<<"$u"
	echo "pass-$name-123" | D user add "$name" --role "$role" ${unit:+--unit "$unit"} >/dev/null
done

# The CLI's --as goes through the same rules.
contains "CLI: staff cannot view another unit's document" \
	"$(echo pass-ann-123 | D --as ann show "$south" 2>&1)" "only the dossiers of customers they manage"
contains "CLI: wrong password refused" "$(echo nope | D --as ann show "$own" 2>&1)" "wrong user name or password"
is "CLI: staff search sees only their customer's" \
	"$(echo pass-ann-123 | D --as ann search --json -- "$word" | jq -c '[.total, .facets == null]')" "[1,true]"
# Reports count and list only what the reader may see: a unit manager
# their unit, an auditor everything.
# (north's secret paper is above a manager's clearance)
is "stats: a north manager counts north's documents only" \
	"$(echo pass-mia-123 | D --as mia stats --json | jq -c '[.totals.documents, [.by_unit[].key]]')" '[1,["north"]]'
is "stats: a south manager counts south's only" \
	"$(echo pass-sam-123 | D --as sam stats --json | jq -c '[.totals.documents, [.by_unit[].key]]')" '[1,["south"]]'
is "stats: an auditor counts all" \
	"$(echo pass-aud-123 | D --as aud stats --json | jq -c '.totals.documents')" 3
is "missing: a north manager's report lists north's customers only" \
	"$(echo pass-mia-123 | D --as mia missing --json | jq -c '[.checked, [.customers[].number]]')" '[1,["N-1"]]'
is "missing: an auditor's lists both" \
	"$(echo pass-aud-123 | D --as aud missing --json | jq -c '.checked')" 2
contains "missing: another unit's dossier by name is refused" \
	"$(echo pass-mia-123 | D --as mia missing S-1 2>&1)" "missing: permission denied"
contains "CLI: admin may not search" "$(echo pass-adm-123 | D --as adm search "$word" 2>&1)" "the admin role may not search"

add_auditor "$A"
start_server "$A" || { not_ok "server starts"; finish; }
sign_out
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' "$BASE_URL/api/search?q=$word")
is "no session: 401" "$code" 401
is "401 in words" "$(json .error <"$T_TMP/r")" "please sign in"
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"name":"ann","password":"wrong-password"}' "$BASE_URL/api/login")
is "wrong password: 401" "$code" 401
is "failed sign-in audited" "$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'login.fail' AND actor = 'ann' AND object = '-'")" 1
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$T_TMP/jar" -H 'Content-Type: application/json' \
	--data '{"name":"ann","password":"pass-ann-123"}' "$BASE_URL/api/login")
is "sign-in: 200" "$code" 200
contains "session cookie is HttpOnly and SameSite=Strict" \
	"$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' --data '{"name":"ann","password":"pass-ann-123"}' "$BASE_URL/api/login")" \
	"HttpOnly; SameSite=Strict"
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -b "$T_TMP/jar" -H 'Content-Type: application/json' \
	--data '{"reason":"x"}' "$BASE_URL/api/documents/$own/delete")
is "POST without CSRF token: 403" "$code" 403
contains "CSRF refusal in words" "$(json .error <"$T_TMP/r")" "CSRF token"

# status USER METHOD PATH [BODY]: the HTTP status for USER's request.
status() {
	local u=$1 m=$2 p=$3 body=${4:-}
	sign_in "$u" "pass-$u-123" >/dev/null || { echo "sign-in failed"; return; }
	if [ "$m" = GET ]; then
		curl -s -o "$T_TMP/r" -w '%{http_code}' "$BASE_URL$p"
	else
		curl -s -o "$T_TMP/r" -w '%{http_code}' -X "$m" -H 'Content-Type: application/json' \
			--data "${body:-{\}}" "$BASE_URL$p"
	fi
}
# The matrix: user, method, path, body, expected status.
while IFS='|' read -r u m p body want; do
	[ -n "$u" ] || continue
	is "$(printf '%-4s %-5s %-32s' "$u" "$m" "$p")" "$(status "$u" "$m" "$p" "$body")" "$want"
done <<EOF
ann|GET|/api/documents/$own||200
ann|GET|/api/documents/$south||403
ann|GET|/api/documents/$secret||403
ann|GET|/api/documents/$own/pdf||200
ann|GET|/api/documents/$south/pdf||403
ann|POST|/api/documents/$own/edit|{"changes":{"title":"Loan contract"},"reason":"typo in title"}|200
ann|POST|/api/documents/$south/edit|{"changes":{"title":"x"},"reason":"typo"}|403
ann|POST|/api/documents/$own/approve-delete|{"hold_days":0}|403
ann|POST|/api/purge||403
ann|GET|/api/audit||403
bob|GET|/api/documents/$own||403
mia|GET|/api/documents/$own||200
mia|GET|/api/documents/$secret||403
mia|GET|/api/documents/$south||403
mia|GET|/api/audit||403
sam|GET|/api/documents/$south||200
sam|GET|/api/documents/$own||403
aud|GET|/api/documents/$secret||200
aud|GET|/api/documents/$south/pdf||200
aud|POST|/api/documents/$own/edit|{"changes":{"title":"y"},"reason":"auditor edit"}|403
aud|POST|/api/documents/$own/delete|{"reason":"auditor delete"}|403
aud|GET|/api/audit?limit=5||200
aud|POST|/api/purge||403
adm|GET|/api/documents/$own||403
adm|GET|/api/search?q=loan||403
adm|POST|/api/purge||200
ann|POST|/api/documents/$own/delete|{"reason":"scanned twice"}|200
ann|POST|/api/documents/$own/approve-delete|{"hold_days":5}|403
sam|POST|/api/documents/$own/approve-delete|{"hold_days":5}|403
mia|POST|/api/documents/$own/approve-delete|{"hold_days":5}|200
EOF
is "denials are audited" \
	"$(sqlite3 "$A/catalogue.db" "SELECT count(*) >= 15 FROM audit WHERE action = 'deny'")" 1
is "views and downloads are audited" \
	"$(sqlite3 "$A/catalogue.db" "SELECT (SELECT count(*) FROM audit WHERE action = 'view' AND object = 'document $own' AND actor = 'ann') > 0 AND (SELECT count(*) FROM audit WHERE action = 'download' AND actor = 'aud') = 1")" 1

# Search: totals, facets and snippets never hold what the user may not read.
total() {
	sign_in "$1" "pass-$1-123" >/dev/null
	curl -s "$BASE_URL/api/search?facets=1&q=$(jq -rn --arg q "$2" '$q|@uri')" |
		jq -c '[.total, ([.facets.category[]?] | add // 0), ([.hits[].id] | sort)]'
}
is "ann finds her customer's document only" "$(total ann "$word")" "[1,1,[$own]]"
is "bob finds nothing" "$(total bob "$word")" "[0,0,[]]"
is "sam finds the south document" "$(total sam "$word")" "[1,1,[$south]]"
is "auditor finds all three" "$(total aud "$word")" "[3,3,[$own,$south,$secret]]"

# Borrowing over HTTP: bob asks, mia approves, bob reads.
sign_in bob pass-bob-123 >/dev/null
gid=$(curl -s -H 'Content-Type: application/json' \
	--data '{"customer":"N-1","reason":"complaint 12","days":3}' "$BASE_URL/api/grants" | jq -r .id)
is "bob's request gets an id" "$([ "$gid" -gt 0 ] 2>/dev/null && echo yes)" yes
is "bob still cannot read before approval" "$(status bob GET /api/documents/$own)" 403
is "bob cannot approve his own request" "$(status bob POST /api/grants/$gid/approve '{}')" 403
sign_in sam pass-sam-123 >/dev/null
is "a south manager is not shown a north request" \
	"$(curl -s "$BASE_URL/api/grants" | jq -c "[.[] | select(.id == $gid)] | length")" 0
sign_in mia pass-mia-123 >/dev/null
is "the north manager is shown it" \
	"$(curl -s "$BASE_URL/api/grants" | jq -c "[.[] | select(.id == $gid)][0].status")" '"requested"'
is "mia approves" "$(status mia POST /api/grants/$gid/approve '{"note":"ok"}')" 200
is "bob reads the borrowed dossier" "$(status bob GET /api/customers/N-1)" 200
is "bob's search finds it now" "$(total bob "$word")" "[1,1,[$own]]"
is "but not the secret document" "$(status bob GET /api/documents/$secret)" 403
is "the dossier view counts only what bob may read" \
	"$(curl -s "$BASE_URL/api/customers/N-1" | jq -c '.categories')" '{"CREDIT":{"documents":1,"pages":1}}'
sign_in aud pass-aud-123 >/dev/null
is "the auditor's dossier view counts both" \
	"$(curl -s "$BASE_URL/api/customers/ACC-N1" | jq -c '.categories.CREDIT.documents')" 2

# A disabled user is out at once, in the browser and on the command line.
sign_in ann pass-ann-123 >/dev/null
contains "only an administrator disables users" "$(echo pass-mia-123 | D --as mia user disable ann 2>&1)" "the manager role may not admin"
contains "admin disables ann" "$(echo pass-adm-123 | D --as adm user disable ann)" "user ann disabled"
is "ann's open session ends" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/me")" 401
contains "ann's --as refused" "$(echo pass-ann-123 | D --as ann show "$own" 2>&1)" "wrong user name or password"
echo pass-adm-123 | D --as adm user enable ann >/dev/null

# Sign-out ends the session; the old cookie is dead.
sign_in ann pass-ann-123 >/dev/null
cp "$CURL_HOME/jar" "$T_TMP/oldjar"
is "sign-out" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE_URL/api/logout")" 200
is "old session refused after sign-out" \
	"$(CURL_HOME=/nonexistent curl -s -o /dev/null -w '%{http_code}' -b "$T_TMP/oldjar" "$BASE_URL/api/me")" 401
stop_server
finish
