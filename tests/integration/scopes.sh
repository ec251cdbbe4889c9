# scopes.sh: what each role may reach, beyond the permission matrix of
# permissions.sh, through the HTTP API and the CLI's --as, on two units
# (north, south), customers with documents of two categories and of
# every clearance:
#  - a whole-customer borrow grant lends no more than its approver may
#    see (categories, clearance), and says what it covers;
#  - what a dossier lacks (missing) counts only documents the user may see;
#  - an auditor limited to a unit reads that unit's audit log only (the
#    audit screen's list and export, /api/audit, export-audit);
#  - every read of content is audited (hits, thumbnails, history, what a
#    dossier lacks);
#  - /api/units counts only what the user may see;
#  - only a manager of the document's unit changes its confidentiality or
#    searchable flag or moves it to another customer; a clerk's or staff
#    member's try is refused and audited;
#  - scope before state: a user out of reach is told 403 before anything
#    about the document or request's state.
. tests/tap.sh

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
as() { local u=$1; shift; echo "pass-$u-123" | "$DOSSIER" -A "$A" --as "$u" "$@"; }
D init >/dev/null
"$GENSAMPLES" -o "$T_TMP/s" --count 7 --kind contract --format png --seed 19 >/dev/null 2>&1
set -- $(ls "$T_TMP"/s/*.png)
word=$(json '.words[]' <"${1%.*}.json" | awk 'length($0) >= 6 && $0 ~ /^[a-z]+$/' | head -1)
D customer add N-1 --name "North One" --type individual --unit north --manager ann --account ACC-N1 >/dev/null
D customer add N-2 --name "North Two" --type individual --unit north --manager ann --account ACC-N2 >/dev/null
D customer add S-1 --name "South One" --type individual --unit south --manager zed --account ACC-S1 >/dev/null
for u in ann:staff:north: bob:staff:north: max:manager:north: mia:manager:north:CREDIT sam:manager:south: \
	cle:clerk:north: cls:clerk:south: aun:auditor:north: aud:auditor:: adm:admin:: sol:staff:south:; do
	IFS=: read -r name role unit cats <<<"$u"
	echo "pass-$name-123" | D user add "$name" --role "$role" ${unit:+--unit "$unit"} ${cats:+--categories "$cats"} \
		$([ "$name" = sol ] && echo --clearance secret) >/dev/null
done
id_of() { jq -r '.documents[0].id'; }
d1=$(D ingest --json --account ACC-N1 --category CREDIT "$1" 2>/dev/null | id_of)
d2=$(D ingest --json --account ACC-N1 --category CONTRACT "$2" 2>/dev/null | id_of)
d3=$(D ingest --json --account ACC-N1 --category CREDIT "$3" 2>/dev/null | id_of)
d4=$(D ingest --json --account ACC-S1 --category CREDIT "$4" 2>/dev/null | id_of)
d5=$(D ingest --json --account ACC-N2 --category CREDIT --type credit_report "$5" 2>/dev/null | id_of)
d6=$(as cle ingest --json --account ACC-N1 --category CREDIT "$6" 2>/dev/null | id_of)
D edit "$d3" confidentiality=confidential --reason "board paper" >/dev/null
D edit "$d5" confidentiality=secret --reason "credit bureau" >/dev/null
is "the documents are filed" "$(D search --json '' | jq '.total')" 6
n1=$(D customer show --json N-1 | jq .id)
s1=$(D customer show --json S-1 | jq .id)

start_server "$A" || { not_ok "server starts"; finish; }
# st USER METHOD PATH [BODY]: "STATUS message-or-error" of USER's request.
st() {
	local u=$1 m=$2 p=$3 body=${4:-}
	sign_in "$u" "pass-$u-123" >/dev/null || { echo "sign-in of $u failed"; return; }
	if [ "$m" = GET ]; then
		code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' "$BASE_URL$p")
	else
		code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -X "$m" -H 'Content-Type: application/json' \
			--data "${body:-{\}}" "$BASE_URL$p")
	fi
	echo "$code $(jq -r '.message // .error // empty' "$T_TMP/r" 2>/dev/null)"
}
get() { sign_in "$1" "pass-$1-123" >/dev/null && curl -s "$BASE_URL$2"; }
audit() { sqlite3 "$A/catalogue.db" "SELECT $1 FROM audit WHERE $2"; }

# ---- a whole-customer borrow grant lends what its approver may see ----
# sol (south, clearance secret) borrows N-1; mia (north manager limited to
# CREDIT, clearance confidential) approves: CREDIT up to confidential.
sign_in sol pass-sol-123 >/dev/null
g1=$(curl -s -H 'Content-Type: application/json' \
	--data '{"customer":"N-1","reason":"complaint 12","days":3}' "$BASE_URL/api/grants" | jq -r .id)
r=$(st mia POST "/api/grants/$g1/approve" '{"note":"ok"}')
contains "the approval says what the grant covers" "$r" \
	"200 sol may read customer N-1's documents of category CREDIT, up to confidential, until "
is "sol reads the borrowed CREDIT document" "$(st sol GET "/api/documents/$d1" | cut -c1-3)" 200
is "... not the CONTRACT file, outside the approver's categories" "$(st sol GET "/api/documents/$d2" | cut -c1-3)" 403
is "... a confidential CREDIT paper, within the approver's clearance: 200" "$(st sol GET "/api/documents/$d3" | cut -c1-3)" 200
D edit "$d3" confidentiality=secret --reason "board paper, now secret" >/dev/null
is "... once the paper is secret, above the approver's confidential: 403" "$(st sol GET "/api/documents/$d3" | cut -c1-3)" 403
is "sol's search finds only what the grant covers" \
	"$(get sol "/api/search?q=$word&limit=100" | jq -c '[.hits[].id] | sort')" "[$d1,$d6]"
is "sol's dossier view counts only that" "$(get sol /api/customers/N-1 | jq -c '.categories')" \
	'{"CREDIT":{"documents":2,"pages":2}}'
is "the borrower's list of grants says what the grant covers" \
	"$(get sol /api/grants | jq -c ".[] | select(.id == $g1) | [.categories, .clearance, .covers]")" \
	'["CREDIT","confidential","documents of category CREDIT, up to confidential"]'
g2=$(as bob borrow request --customer N-2 --reason "audit prep" --days 2 | sed -n 's/^request \([0-9]*\) .*/\1/p')
contains "CLI: an unlimited manager's approval covers every category up to their clearance" \
	"$(as max borrow approve "$g2")" "bob may read customer N-2's documents of every category, up to confidential, until "
is "CLI: the grant is listed with what it covers" \
	"$(as bob borrow list --json | jq -c ".[] | select(.id == $g2) | [.categories, .clearance]")" '[null,"confidential"]'

# ---- what a dossier lacks counts only what the user may see ----
# N-2 holds one document, a secret credit report: below secret, it is
# not there, so the loan papers' items (which apply once there is a
# credit file) do not apply, and nothing counts as held.
labels='[.customers[] | select(.number == "N-2") | .missing[].label] | sort'
is "CLI: ann's missing for N-2 counts nothing she may not see" \
	"$(as ann missing --json N-2 | jq -c "$labels")" '["Account opening form","ID copy"]'
is "API: the same for /api/customers/N-2/missing" \
	"$(get ann /api/customers/N-2/missing | jq -c "$labels")" '["Account opening form","ID copy"]'
is "API: /api/missing of a manager limited to CREDIT and confidential: the same" \
	"$(get mia /api/missing | jq -c "$labels")" '["Account opening form","ID copy"]'
contains "an auditor (secret) is told the loan papers are missing and the credit report is held" \
	"$(get aud /api/customers/N-2/missing | jq -c "$labels")" '"Loan contract"'
is "... the credit report is not among them" \
	"$(get aud /api/customers/N-2/missing | jq -c "$labels | index(\"Credit report\")")" null

# ---- every read of content is audited ----
since=$(audit "max(id)" 1)
st ann GET "/api/documents/$d6/hits?q=$word" >/dev/null
st ann GET "/api/documents/$d6/pages/1/thumb" >/dev/null
st ann GET "/api/documents/$d6/history" >/dev/null
st ann GET /api/customers/N-1/missing >/dev/null
st mia GET /api/missing >/dev/null
is "hit positions are audited with the query" \
	"$(audit "detail" "id > $since AND actor = 'ann' AND action = 'view' AND object = 'document $d6' AND detail LIKE 'hits%'")" \
	"hits: $word"
is "a thumbnail is audited" \
	"$(audit "count(*)" "id > $since AND actor = 'ann' AND action = 'view' AND object = 'document $d6' AND detail = 'page 1 thumbnail'")" 1
is "the history is audited" \
	"$(audit "count(*)" "id > $since AND actor = 'ann' AND action = 'view' AND object = 'document $d6' AND detail = 'history'")" 1
is "a dossier's checklist is audited" \
	"$(audit "count(*)" "id > $since AND actor = 'ann' AND action = 'view' AND object = 'customer $n1' AND detail = 'completeness'")" 1
is "the completeness report is audited" \
	"$(audit "count(*)" "id > $since AND actor = 'mia' AND action = 'report' AND detail = 'completeness of every dossier'")" 1
as ann missing N-1 >/dev/null
is "CLI: the checklist of a dossier is audited once, as on the web" \
	"$(audit "count(*)" "id > $since AND actor = 'ann' AND action = 'view' AND object = 'customer $n1' AND detail = 'completeness'")" 2

# ---- /api/units counts only what the user may see ----
# mia: north, CREDIT, up to confidential: d1, d6 (d3 is secret now).
is "a north manager limited to CREDIT counts her reach only" \
	"$(get mia /api/units | jq -c '[.[] | [.unit, .customers, .documents]]')" '[["north",2,2],["south",0,0]]'
is "an auditor counts everything" \
	"$(get aud /api/units | jq -c '[.[] | [.unit, .customers, .documents]]')" '[["north",2,5],["south",1,1]]'
is "an administrator, who reaches no dossier, is given no count of them" \
	"$(get adm /api/units | jq -c '[.[] | [.unit, .customers, .documents]]')" '[["north",null,null],["south",null,null]]'
is "categories: the same rule" \
	"$(get mia /api/categories | jq -c '[.[] | select(.code == "CREDIT" or .code == "CONTRACT") | [.code, .documents]]')" \
	'[["CONTRACT",0],["CREDIT",2]]'

# ---- only a manager of the document's unit changes who sees it ----
edit() { st "$1" POST "/api/documents/$2/edit" "{\"changes\":$3,\"reason\":\"reclassify\"}"; }
is "a clerk may change the title of a document of her batch" "$(edit cle "$d6" '{"title":"Loan file"}' | cut -c1-3)" 200
is "... not its confidentiality: 403 in words" "$(edit cle "$d6" '{"confidentiality":"public"}')" \
	"403 only a manager of the document's unit may change its confidentiality; cle is a clerk"
is "... nor its searchable flag" "$(edit cle "$d6" '{"searchable":"no"}')" \
	"403 only a manager of the document's unit may change whether it is searchable; cle is a clerk"
is "... nor move it to another customer" "$(edit cle "$d6" '{"account":"ACC-S1"}')" \
	"403 only a manager of the document's unit may move it to another customer; cle is a clerk"
is "a staff member who manages the customer may not either" "$(edit ann "$d6" '{"confidentiality":"confidential"}' | cut -c1-3)" 403
is "a manager of another unit is refused for scope" "$(edit sam "$d6" '{"confidentiality":"confidential"}' | cut -c1-3)" 403
is "the clerk's tries are audited as denials" \
	"$(audit "count(*)" "actor = 'cle' AND action = 'deny' AND object = 'document $d6' AND detail LIKE 'edit: only a manager%'")" 3
is "the document is unchanged" "$(D show --json "$d6" | jq -c '[.confidentiality, .searchable, .account]')" \
	'["internal",true,"ACC-N1"]'
contains "CLI: a clerk's change of the searchable flag is refused" \
	"$(as cle edit "$d6" searchable=no --reason "hide it" 2>&1)" \
	"only a manager of the document's unit may change whether it is searchable; cle is a clerk"
is "CLI: ... and audited" \
	"$(audit "count(*)" "actor = 'cle' AND action = 'deny' AND object = 'document $d6' AND detail LIKE 'edit: only a manager%'")" 4
is "a value sent as it is changes nothing, and is no manager's business" \
	"$(edit cle "$d6" '{"confidentiality":"internal","title":"Loan file 2"}' | cut -c1-3)" 200
is "a manager of its unit changes its confidentiality" "$(edit max "$d6" '{"confidentiality":"confidential"}' | cut -c1-3)" 200
is "... and its searchable flag" "$(edit max "$d6" '{"searchable":"no"}' | cut -c1-3)" 200

# ---- scope before state ----
# d1 on hold (a deletion approved); a clerk whose batches do not hold it
# is told it is out of reach, not that it is on hold.
as ann delete request "$d1" --reason "scanned twice" >/dev/null
as max delete approve "$d1" --hold-days 30 >/dev/null
is "d1 is on hold" "$(D show --json "$d1" | jq -r .status)" "on hold"
turn='{"degrees":90,"reason":"fed sideways"}'
is "a clerk of another unit turning a page of it: 403" "$(st cls POST "/api/documents/$d1/pages/1/turn" "$turn" | cut -c1-3)" 403
is "a clerk whose batches do not hold it: 403" "$(st cle POST "/api/documents/$d1/pages/1/turn" "$turn" | cut -c1-3)" 403
is "... even for a page it does not have" "$(st cls POST "/api/documents/$d1/pages/9/turn" "$turn" | cut -c1-3)" 403
is "a manager of its unit is told its state" "$(st max POST "/api/documents/$d1/pages/1/turn" "$turn")" \
	"409 document $d1 is on hold; its pages cannot change"
is "a south manager approving north's decided borrow request: 403, not 'already decided'" \
	"$(st sam POST "/api/grants/$g1/approve" '{}' | cut -c1-3)" 403
is "... nor refusing it" "$(st sam POST "/api/grants/$g1/refuse" '{}' | cut -c1-3)" 403
is "the north manager is told it was decided" "$(st max POST "/api/grants/$g1/refuse" '{}')" \
	"409 the request was already decided (approved)"
contains "CLI: the same" "$(as sam borrow approve "$g1" 2>&1)" "outside what sam may approve"
is "a staff member of another unit asking to delete it: 403, not 'already on hold'" \
	"$(st sol POST "/api/documents/$d1/delete" '{"reason":"not mine"}' | cut -c1-3)" 403
is "a manager of another unit approving its deletion: 403, not 'no request waits'" \
	"$(st sam POST "/api/documents/$d1/approve-delete" '{"hold_days":1}' | cut -c1-3)" 403
is "a clerk accepting a document of another's batch from review: 403, not 'not waiting for review'" \
	"$(st cls POST "/api/review/$d1/accept" '{}' | cut -c1-3)" 403

# Every route on a document or dossier, by users out of its reach, while
# it is on hold: each answers 403 (never its state, never 404 for a page).
while IFS='|' read -r u m p body; do
	[ -n "$u" ] || continue
	is "$(printf 'out of reach: %-4s %-5s %s' "$u" "$m" "$p")" "$(st "$u" "$m" "$p" "$body" | cut -c1-3)" 403
done <<EOF
cls|GET|/api/documents/$d1
cls|GET|/api/documents/$d1/pdf
cls|GET|/api/documents/$d1/original
cls|GET|/api/documents/$d1/history
cls|GET|/api/documents/$d1/hits?q=$word
cls|GET|/api/documents/$d1/pages/1/image
cls|GET|/api/documents/$d1/pages/9/thumb
cls|POST|/api/documents/$d1/edit|{"changes":{"title":"x"},"reason":"mine now"}
cls|POST|/api/documents/$d1/delete|{"reason":"not mine"}
cls|POST|/api/review/$d1/return|{"note":"rescan it"}
sol|POST|/api/documents/$d1/approve-delete|{"hold_days":1}
sam|POST|/api/documents/$d1/edit|{"changes":{"title":"x"},"reason":"mine now"}
sam|POST|/api/documents/$d1/delete|{"reason":"not mine"}
sam|GET|/api/customers/N-1/missing
cls|GET|/api/customers/N-1
EOF
contains "CLI: out of reach, the same (show)" "$(as cls show "$d1" 2>&1)" "cls may view only documents from their own batches"
contains "CLI: ... pdf" "$(as cls pdf "$d1" -o "$T_TMP/x.pdf" 2>&1)" "the clerk role may not download"
contains "CLI: ... edit" "$(as cls edit "$d1" title=x --reason "mine now" 2>&1)" "cls may edit only"
contains "CLI: ... delete approve" "$(as sam delete approve "$d1" --hold-days 1 2>&1)" "outside what sam may approve"
contains "CLI: ... delete withdraw" "$(as sol delete withdraw "$d1" 2>&1)" "sol may delete_request only"

# ---- an auditor limited to a unit reads that unit's audit log only ----
st sam GET "/api/documents/$d4" >/dev/null
st sol GET "/api/search?q=$word" >/dev/null
is "there are south entries in the log" "$(audit "count(*) > 0" "actor = 'sam' AND object = 'document $d4'")" 1
get aun "/api/audit?limit=1000" >"$T_TMP/aun.json"
# sel JQ-CONDITION FILE: how many entries of FILE (a JSON array) match.
sel() { jq -c "[.[] | select($1)] | length" "$2"; }
south='(.actor == "sam" and .object == "document '"$d4"'") or (.actor == "sol" and .action == "search") or (.action == "customer-add" and .object == "S-1") or (.action == "user.add" and .object == "sam")'
is "API: the north auditor reads none of south's own entries" "$(sel "$south" "$T_TMP/aun.json")" 0
is "... but a north document's entries" "$(sel '.object == "document '"$d1"'"' "$T_TMP/aun.json" | awk '{print ($1 > 0)}')" 1
is "... a south user's reads of a north document (borrowed)" \
	"$(sel '.actor == "sol" and .object == "document '"$d1"'"' "$T_TMP/aun.json" | awk '{print ($1 > 0)}')" 1
is "... what north's users did, and what was done to them" \
	"$(sel '.actor == "ann"' "$T_TMP/aun.json" | awk '{print ($1 > 0)}') $(sel '.action == "user.add" and .object == "ann"' "$T_TMP/aun.json")" "1 1"
is "... and not archive-wide administration (a user of no unit added)" \
	"$(sel '.action == "user.add" and .object == "aud"' "$T_TMP/aun.json")" 0
as aun export-audit -o "$T_TMP/aun.jsonl" >/dev/null
jq -s . "$T_TMP/aun.jsonl" >"$T_TMP/aunx.json"
is "CLI: export-audit of the north auditor holds none of south's own entries" "$(sel "$south" "$T_TMP/aunx.json")" 0
is "... and north's" "$(sel '.object == "document '"$d1"'"' "$T_TMP/aunx.json" | awk '{print ($1 > 0)}')" 1
is "an auditor of no unit reads the south entries too" \
	"$(get aud "/api/audit?limit=1000" | jq -c '[.[] | select(.actor == "sam")] | length > 0')" true
# The audit screen's export of a period runs as a job, polled.
sign_in aun pass-aun-123 >/dev/null
ax=$(curl -s -H 'Content-Type: application/json' --data '{"from":"2000-01-01"}' \
	"$BASE_URL/api/audit/export" | jq -r '.id // empty')
done_x() { curl -s "$BASE_URL/api/exports/$ax" >"$T_TMP/x" && [ "$(jq -r .state <"$T_TMP/x")" != running ]; }
poll 300 done_x
is "web: the north auditor's export of the audit log (CSV) finishes" "$(jq -r .state <"$T_TMP/x")" done
curl -s -o "$T_TMP/aunw.csv" "$BASE_URL/api/exports/$ax/download"
# The CSV as a JSON array of entries, to select from as above.
python3 -c 'import csv, json, sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline="")))))' \
	"$T_TMP/aunw.csv" >"$T_TMP/aunw.json" 2>/dev/null || echo '[]' >"$T_TMP/aunw.json"
is "... a CSV of entries" "$(jq 'length > 0' "$T_TMP/aunw.json")" true
is "... holds none of south's own entries" "$(sel "$south" "$T_TMP/aunw.json")" 0
is "... and north's" "$(sel '.object == "document '"$d1"'"' "$T_TMP/aunw.json" | awk '{print ($1 > 0)}')" 1
stop_server
finish
