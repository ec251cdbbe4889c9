# daily.sh: what people meet every day, through the real binary and a
# real server: help for every command, a mistyped path leaving no batch,
# a duplicate not counted as a document, titles and dates read from the
# page (never the file name), one search hit per row, cover sheets that
# would file nothing refused, unknown categories answered with the known
# ones; customers made and found, saved searches with their counts, an
# edit seen as a version, the borrow flow from a refusal to a grant, and
# the work lists of the landing screens.
. tests/tap.sh
A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null

# ---- help for every command ----
cmds=$(D help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')
bad=""
n=0
for c in $cmds; do
	n=$((n + 1))
	h1=$(D help "$c" 2>&1) || bad="$bad $c(help:$?)"
	h2=$(D "$c" --help 2>&1) || bad="$bad $c(--help:$?)"
	h3=$(D "$c" -h 2>&1) || bad="$bad $c(-h:$?)"
	case "$h1" in "usage: dossier "*"$c"*) ;; *) bad="$bad $c(no usage)" ;; esac
	[ "$h1" = "$h2" ] && [ "$h1" = "$h3" ] || bad="$bad $c(differs)"
done
is "help: all $n commands answer 'help C', 'C --help' and 'C -h' with their usage" "$bad" ""
check "help: there are many commands" test "$n" -ge 25
D help nosuch >/dev/null 2>"$T_TMP/err"
is "help: an unknown command, exit status 2" "$? $(cat "$T_TMP/err")" \
	"2 dossier: no command 'nosuch'; 'dossier help' lists them"
contains "help: 'search -- --help' searches, it is no request for help" \
	"$(D search -- --help 2>&1)" "document(s)"

# ---- a mistyped path: no batch ----
"$GENSAMPLES" -o "$T_TMP/s" --count 2 --kind letter --format png --seed 41 >/dev/null 2>&1
L1=$T_TMP/s/page-0001.png
L2=$T_TMP/s/page-0002.png
out=$(D ingest "$T_TMP/no-such.tif" 2>&1)
is "ingest of a path that is not there: refused" "$?" 1
contains "... saying which and why" "$out" "no-such.tif: no such file"
contains "... and that no batch was started" "$out" "nothing to ingest; no batch was started"
is "... leaving no batch record" "$(D batch --json | jq length)" 0
out=$(D ingest "$T_TMP/s" 2>&1)
contains "a folder is refused in words" "$out" "is a folder"
is "... leaving no batch record either" "$(D batch --json | jq length)" 0

# ---- duplicates are not documents; a missing path is no part of a batch ----
cp "$L1" "$T_TMP/again.png"
out=$(D ingest "$L1" "$T_TMP/again.png" "$T_TMP/no-such.tif" 2>&1)
contains "a file given twice: one document, one archived before" "$out" \
	"3 file(s), 1 document(s), 1 page(s), 1 failed, 1 archived before"
contains "the missing one is named" "$out" "no-such.tif: no such file"
b=$(D batch --json | jq -r '.[0].id')
is "the batch record holds the two files read and counts one document" \
	"$(D batch --json "$b" | jq -c '[.files, .documents, ([.entries[].outcome] | sort)]')" \
	'[2,1,["duplicate","ingested"]]'
D review accept 999 2>"$T_TMP/err"
is "review accept of an unknown document: refused in words" "$? $(cat "$T_TMP/err")" \
	"1 dossier: no such document"

# ---- title and date from the page ----
id=$(D search --json "" | jq -r '.hits[0].id')
want=$(jq -r .date "${L1%.png}.json")
subject=$(jq -r '.text' "${L1%.png}.json" | sed -n 's/^Subject: //p')
doc=$(D show --json "$id")
is "the date printed on the letter is the document's date" "$(echo "$doc" | jq -r .date)" "$want"
is "the title is the letter's subject and its date, never its file name" \
	"$(echo "$doc" | jq -r .title)" "$subject, $want"
contains "where the date was read is kept" "$(echo "$doc" | jq -r .date_note)" \
	"read on page 1: \"Date: $want"

# ---- one search hit, one row ----
D ingest "$L2" >/dev/null 2>&1
rows=$(D search --limit 5 "dear" | tail -n +2)
is "search: each hit is a row and at most one snippet line" \
	"$(echo "$rows" | grep -cvE '^ {0,5}[0-9]+  |^        ')" 0
check "search: the snippet crossed a line break of the page" \
	sh -c "D() { '$DOSSIER' -A '$A' \"\$@\"; }; D search --json dear | jq -e '[.hits[].snippet | test(\"\\n\")] | any' >/dev/null"

# ---- cover sheets that would file nothing they say ----
D coversheet --account bogus --category CREDIT -o "$T_TMP/c1.pdf" 2>"$T_TMP/err"
is "coversheet: a bogus account refused" "$? $(cat "$T_TMP/err")" \
	"1 dossier: 'bogus' is not an account number (they look like ACC-[0-9]{4}-[0-9]{6})"
D coversheet --account ACC-2024-000101 --category NOPE -o "$T_TMP/c2.pdf" 2>"$T_TMP/err"
contains "coversheet: an unknown category refused, the known ones named" "$(cat "$T_TMP/err")" \
	"unknown category 'NOPE'; the categories are BASIC, CONTRACT, CREDIT"
check "coversheet: nothing written" test ! -e "$T_TMP/c1.pdf" -a ! -e "$T_TMP/c2.pdf"
check "coversheet: an alias is a category" sh -c "'$DOSSIER' -A '$A' coversheet --account ACC-2024-000101 --category loan -o '$T_TMP/c3.pdf' >/dev/null"

# ---- the server: users of every role ----
for u in cle:clerk sta:staff stb:staff mgr:manager aud:auditor adm:admin; do
	echo "pass-${u%%:*}-123" | D user add "${u%%:*}" --role "${u#*:}" \
		$([ "${u%%:*}" = mgr ] && echo --unit north) >/dev/null
done
acc1=$(jq -r .account "${L1%.png}.json")
acc2=$(jq -r .account "${L2%.png}.json")
start_server "$A" || { not_ok "server starts"; finish; }
st() { # st USER METHOD PATH [BODY]: "STATUS ERROR-OR-MESSAGE"
	local data=()
	[ "$2" = POST ] && data=(-H 'Content-Type: application/json' --data "${4:-{\}}")
	local code
	code=$(CURL_HOME="$T_TMP/curl-$1" curl -s -o "$T_TMP/r" -w '%{http_code}' -X "$2" "${data[@]}" "$BASE_URL$3")
	printf '%s %s' "$code" "$(jq -r '.error // .message // empty' "$T_TMP/r" 2>/dev/null)"
}
for u in cle sta stb mgr aud adm; do sign_in "$u" "pass-$u-123" >/dev/null; done
sign_out

# Customers made in the browser's API, found by part of an account.
is "manager adds a customer with an account" \
	"$(st mgr POST /api/customers "{\"number\":\"C-0100\",\"name\":\"Ada Lovelace\",\"type\":\"individual\",\"unit\":\"north\",\"manager\":\"sta\",\"accounts\":[\"$acc1\"]}")" \
	"201 customer C-0100 added"
is "the same number again: 409 in words" \
	"$(st mgr POST /api/customers '{"number":"C-0100","name":"X","type":"individual"}')" \
	"409 customer C-0100 already exists"
is "an unknown customer type: 400 in words" \
	"$(st mgr POST /api/customers '{"number":"C-0101","name":"X","type":"alien"}')" \
	"400 unknown customer type 'alien'"
is "an account linked" "$(st mgr POST /api/customers/C-0100/accounts "{\"account\":\"$acc2\"}")" \
	"200 account $acc2 linked to customer C-0100"
is "no account named: 400" "$(st mgr POST /api/customers/C-0100/accounts '{}')" "400 name the account to link"
is "an auditor may not add customers" \
	"$(st aud POST /api/customers '{"number":"C-9","name":"X","type":"individual"}' | cut -c1-3)" 403
st mgr GET "/api/customers?q=${acc2: -6}" >/dev/null
is "found by part of an account, with its documents" \
	"$(jq -c '[.total, .customers[0].number, .customers[0].documents, (.customers[0].accounts | length)]' "$T_TMP/r")" \
	'[1,"C-0100",2,2]'
st sta GET "/api/customers?mine=1" >/dev/null
is "staff: the customers they manage" "$(jq -c '[.customers[].number]' "$T_TMP/r")" '["C-0100"]'
st stb GET "/api/customers" >/dev/null
is "other staff: none" "$(jq -c '.total' "$T_TMP/r")" 0
is "an administrator lists no customers" "$(st adm GET /api/customers | cut -c1-3)" 403

# Saved searches with their counts.
is "save a search" "$(st sta POST /api/saved-searches "{\"name\":\"Ada's letters\",\"query\":\"customer:C-0100\"}")" \
	"201 saved the search 'Ada's letters'"
contains "a query that does not run is not saved" \
	"$(st sta POST /api/saved-searches '{"name":"bad","query":"(("}')" "400 the query cannot be run: "
st sta GET /api/saved-searches >/dev/null
is "the saved search counts what it finds now" "$(jq -c '[.[] | [.name, .total]]' "$T_TMP/r")" \
	"[[\"Ada's letters\",2]]"
sid=$(jq -r '.[0].id' "$T_TMP/r")
is "another user cannot remove it" "$(st stb POST "/api/saved-searches/$sid/remove")" \
	"404 you have no saved search with that number"
is "an administrator (no search) has none" "$(st adm GET /api/saved-searches | cut -c1-3)" 403

# An edit, seen as a version.
is "staff edits title and date with a reason" \
	"$(st sta POST "/api/documents/$id/edit" '{"changes":{"title":"Ada, repayment letter","date":"2019-04-04","keywords":"repayment"},"reason":"date misread"}' | cut -c1-3)" 200
st sta GET "/api/documents/$id" >/dev/null
is "the document shows the new values and the version with the old ones" \
	"$(jq -c '[.title, .date, .date_note, .versions[0].version, .versions[0].reason, .versions[0].before.doc_date]' "$T_TMP/r")" \
	"[\"Ada, repayment letter\",\"2019-04-04\",null,2,\"date misread\",\"$want\"]"
is "an edit without a reason: refused" \
	"$(st sta POST "/api/documents/$id/edit" '{"changes":{"title":"x"}}')" "400 a change needs a reason"

# The borrow flow: refused, asked for, approved, opened.
contains "out of scope: 403 that says why, once" "$(st stb GET "/api/documents/$id")" \
	"403 stb may view only the dossiers of customers they manage"
is "... with no doubled parenthesis" "$(jq -r .error "$T_TMP/r" | grep -c '))')" 0
r=$(st stb POST /api/grants "{\"document\":$id,\"reason\":\"complaint 2024-117\",\"days\":7}")
gid=$(jq -r .id "$T_TMP/r")
is "stb asks for access" "$r" "201 request $gid for document $id sent; a manager decides"
st mgr GET /api/grants >/dev/null
is "the manager of the unit sees it waiting" \
	"$(jq -c "[.[] | select(.id == $gid) | [.user, .status]]" "$T_TMP/r")" '[["stb","requested"]]'
is "the manager approves" "$(st mgr POST "/api/grants/$gid/approve" | cut -c1-3)" 200
st stb GET /api/grants >/dev/null
is "stb's landing screen shows it approved" "$(jq -r "[.[] | select(.id == $gid) | .status][0]" "$T_TMP/r")" approved
is "stb opens the document" "$(st stb GET "/api/documents/$id" | cut -c1-3)" 200

# Deletions and holds for the landing screens.
st sta POST "/api/documents/$id/delete" '{"reason":"sent twice"}' >/dev/null
st sta GET /api/deletions >/dev/null
is "the requester sees their deletion request" "$(jq -c '[.[] | [.document, .status, .mine]]' "$T_TMP/r")" \
	"[[$id,\"requested\",true]]"
st mgr GET /api/deletions >/dev/null
is "the unit's manager sees it waiting for approval" "$(jq -c '[.[] | [.document, .mine]]' "$T_TMP/r")" \
	"[[$id,false]]"
D hold place --customer C-0100 --reason "litigation 2024-7" >/dev/null
st adm GET /api/holds >/dev/null
is "the administrator sees the legal hold" "$(jq -c '[.[] | [.customer, .reason]]' "$T_TMP/r")" \
	'[["C-0100","litigation 2024-7"]]'
is "staff may not list holds" "$(st sta GET /api/holds | cut -c1-3)" 403
st aud GET "/api/audit/summary?days=7" >/dev/null
is "the auditor's summary counts the week's entries" \
	"$(jq -c '[.days, (.entries > 20), .by_action["grant.request"]]' "$T_TMP/r")" '[7,true,1]'
is "staff may not read the audit summary" "$(st sta GET /api/audit/summary | cut -c1-3)" 403

# Cover sheets at the scan station, and review's unknown category.
is "coversheet API: a bogus account is refused, no PDF" \
	"$(st cle GET '/api/coversheet?account=bogus&category=NOPE')" \
	"400 'bogus' is not an account number (they look like ACC-[0-9]{4}-[0-9]{6})"
contains "coversheet API: an unknown category names the known ones" \
	"$(st cle GET '/api/coversheet?account=ACC-2024-000101&category=NOPE')" \
	"400 unknown category 'NOPE'; the categories are BASIC, CONTRACT, CREDIT, COMPLAINT"
code=$(CURL_HOME="$T_TMP/curl-cle" curl -s -o "$T_TMP/c.pdf" -w '%{http_code} %{content_type}' \
	"$BASE_URL/api/coversheet?account=ACC-2024-000101&category=CREDIT")
is "coversheet API: a good one is a PDF" "$code" "200 application/pdf"
echo pass-cle-123 | D --as cle ingest "$T_TMP/s/page-0002.png" >/dev/null 2>&1
cp "$L2" "$T_TMP/copy.png"
printf '\n' >>"$T_TMP/copy.png" # other bytes: not a duplicate
echo pass-cle-123 | D --as cle ingest "$T_TMP/copy.png" >/dev/null 2>&1
rid=$(D search --json "" --sort added | jq -r '.hits[0].id')
sqlite3 "$A/catalogue.db" "UPDATE document SET status = 'review', review_reason = 'category unreadable' WHERE id = $rid"
contains "review: an unknown category names the known ones" \
	"$(st cle POST "/api/review/$rid/accept" '{"changes":{"category":"NOPE"},"note":"checked"}')" \
	"400 unknown category 'NOPE'; the categories are BASIC, CONTRACT, CREDIT, COMPLAINT, MARKET, PROMOTION, DAILY (or one of their aliases)"

stop_server
finish
