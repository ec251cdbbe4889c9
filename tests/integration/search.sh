# search.sh: the compound query language, end to end.  Five scans (an
# account form, a mortgage contract, an invoice, a letter and a Chinese
# loan contract read with chi_sim) are filed with a manifest, customers
# and metadata; then a table of queries, each with the documents it must
# find, runs through the CLI and through the HTTP API, and malformed
# queries must give a message that points at the fault (HTTP 400).
. tests/tap.sh
A="$T_TMP/a"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null
cp "$SAMPLES"/demo-0002.tif "$SAMPLES"/demo-0003.tif "$SAMPLES"/demo-0004.jpg \
	"$SAMPLES"/demo-0005.tif "$T_TMP/"
cat >"$T_TMP/m.csv" <<'EOF'
file,category,title,date,type
demo-0002.tif,BASIC,Account opening form,2023-06-30,application_form
demo-0003.tif,CONTRACT,Loan contract Sullivan,2024-07-01,loan_contract
demo-0004.jpg,DAILY,Invoice Hughes,2025-01-10,invoice
demo-0005.tif,DAILY,Letter to David Petrov,2024-02-14,letter
EOF
(cd "$T_TMP" && D ingest --no-pdf --json --manifest m.csv demo-0002.tif \
	demo-0003.tif demo-0004.jpg demo-0005.tif) >"$T_TMP/i1.json"
D ingest --no-pdf --json --lang chi_sim+eng --category CONTRACT \
	--type loan_contract "$SAMPLES/demo-0008.png" >"$T_TMP/i2.json"
is "five documents filed" "$(jq -s '[.[].documents[]] | length' "$T_TMP"/i[12].json)" 5
d() { jq -r --arg f "$1" '.documents[] | select(.path | endswith($f)) | .id' "$T_TMP"/i[12].json; }
d1=$(d demo-0002.tif) d2=$(d demo-0003.tif) d3=$(d demo-0004.jpg) d4=$(d demo-0005.tif) d5=$(d demo-0008.png)
D customer add C-1 --name "Thomas Dubois" --type individual --unit north --manager ann \
	--account ACC-2025-030464 --account ACC-2030-000001 >/dev/null
D customer add C-2 --name "George Sullivan" --type corporate --unit south --manager bob \
	--account ACC-2019-222918 >/dev/null
D edit "$d2" --reason "filed by the clerk" keywords="mortgage guarantee" \
	signatory="George Sullivan" >/dev/null
n1=$(D show --json "$d1" | jq -r .archive_no)
n2=$(D show --json "$d2" | jq -r .archive_no)

add_auditor "$A"
start_server "$A" || { not_ok "server starts"; finish; }
sign_in t-auditor auditor-pass-1 || { not_ok "auditor signs in"; finish; }

# q QUERY IDS: the CLI and the API find exactly these documents.
q() {
	local want=$2 cli api
	cli=$(D search --json --limit 100 -- "$1" 2>&1 | jq -c '[.hits[].id] | sort | join(",")' 2>&1)
	api=$(curl -s "$BASE_URL/api/search?limit=100&q=$(jq -rn --arg q "$1" '$q|@uri')" |
		jq -c '[.hits[].id] | sort | join(",")' 2>&1)
	is "$(printf '%-44s' "'$1'") CLI" "$cli" "\"$want\""
	is "$(printf '%-44s' "'$1'") API" "$api" "\"$want\""
}
all="$d1,$d2,$d3,$d4,$d5"
# words, phrases, prefixes, case, fuzzy
q 'loan' "$d2,$d3,$d5"   # d5's title is its type: Loan contract
q 'LOAN' "$d2,$d3,$d5"
q '"legal review of loan"' "$d3"
q '"review legal"' ""
q 'invoic*' "$d3"
q 'loan invoice' "$d3"
q 'NEAR(loan invoice)' ""   # FTS5 syntax is words: NEAR is not on a page
q '~morgage' "$d2"
q '~invoise' "$d3"
q 'ACC-2019-222918' "$d2"
# OR, NOT, parentheses
q 'loan OR savings' "$d2,$d3,$d4,$d5"
q 'loan -invoice' "$d2,$d5"
q 'loan AND NOT invoice' "$d2,$d5"
q '(loan OR savings) -mortgage' "$d3,$d4,$d5"
q '-loan' "$d1,$d4"
q 'NOT category:DAILY' "$d1,$d2,$d5"
# fields
q 'account:ACC-2019-222918' "$d2"
q 'account:ACC-2030-000001' "$d1"
q 'customer:C-2' "$d2"
q 'customer:dubois' "$d1"
q 'customer:"George Sullivan"' "$d2"
q 'category:contract' "$d2,$d5"
q 'category:LOAN' ""
q 'type:INVOICE' "$d3"
q 'title:opening' "$d1"
q 'title:"loan contract"' "$d2,$d5"
q 'keywords:guarantee' "$d2"
q 'guarantee' "$d2"
q 'signatory:sullivan' "$d2"
q "number:$n2" "$d2"
q "number:${n1%%-*}-" "$d1"
q 'unit:north' "$d1"
q 'manager:bob' "$d2"
q 'status:archived category:BASIC' "$d1"
q 'batch:2' "$d5"
q 'barcode:2020171454561' "$d3"
q 'lang:chi_sim' "$d5"
# dates
q 'date:2024' "$d2,$d4"
q 'date:2024-07' "$d2"
q 'date:2023-01-01..2024-02-14' "$d1,$d4"
q 'date:>2024-02-14' "$d2,$d3"
# the Chinese contract has no manifest row: its date is the one it prints
# ("日期： 2020-11-26")
q 'date:<2024-02-14' "$d1,$d5"
q 'date:2025..' "$d3"
q 'added:>=2020-01-01' "$all"
q 'added:<2020-01-01' ""
# Chinese, read with chi_sim: two characters inside longer runs
q '合同' "$d5"
q '贷款' "$d5"
q '"还款计划"' "$d5"
q '借款 category:CONTRACT' "$d5"
# compound
q 'category:CONTRACT date:2024 loan' "$d2"
q 'account:ACC-2019-222918 OR account:ACC-2017-145456' "$d2,$d3"
q '(category:DAILY date:2025) OR mortgage' "$d2,$d3"
q 'unit:south loan date:2024-01-01..2024-12-31 -invoice' "$d2"
# hostile input stays text
q "'; DROP TABLE document; --" ""
q "loan' OR '1'='1" "$d2,$d3,$d5"
is "the catalogue is unharmed" "$(D search --json '' | jq .total)" 5
# Many ~fuzzy words (each one a handful of terms to rank): answered, not
# a 500 "too many phrases to rank".
fz=$(for i in "$d1" "$d2" "$d4"; do D show --json "$i" | jq -r '.pages[].text'; done |
	tr -cs 'A-Za-z' '\n' | tr 'A-Z' 'a-z' | awk 'length($0) >= 5' | sort -u | grep -vx invoice |
	head -63 | sed 's/^/~/' | paste -sd' ')
fz=$(printf '%s' "~invoise $fz" | sed 's/ / OR /g')
is "64 fuzzy words joined by OR: the query holds 64" "$(printf '%s' "$fz" | grep -o '~' | wc -l)" 64
code=$(curl -s -o "$T_TMP/fz.json" -w '%{http_code}' "$BASE_URL/api/search?limit=100&q=$(jq -rn --arg q "$fz" '$q|@uri')")
is "64 fuzzy words: API answers 200, the invoice among the hits" \
	"$code $(jq -c "[.hits[].id] | index($d3) != null" "$T_TMP/fz.json")" "200 true"
is "64 fuzzy words: the CLI too" "$(D search --json --limit 100 -- "$fz" | jq -c "[.hits[].id] | index($d3) != null")" true

# Malformed queries: a message pointing at the fault, 400 from the API.
bad() {
	local out code rc
	out=$(D search -- "$1" 2>&1)
	rc=$?
	is "$(printf '%-30s' "'$1'") CLI exits 2" "$rc" 2
	contains "$(printf '%-30s' "'$1'") CLI says" "$out" "$2"
	code=$(curl -s -o "$T_TMP/err.json" -w '%{http_code}' \
		"$BASE_URL/api/search?q=$(jq -rn --arg q "$1" '$q|@uri')")
	is "$(printf '%-30s' "'$1'") API 400" "$code" 400
	contains "$(printf '%-30s' "'$1'") API says" "$(jq -r .error "$T_TMP/err.json")" "$2"
}
bad '"open' "the quote is not closed (at character 1)"
bad 'colour:red' "unknown field 'colour:'"
bad 'loan date:2024-13' "date:2024-13 is not a date"
bad '(loan OR x' "the parenthesis opened here is not closed (at character 1)"
bad 'loan OR' "OR needs something to search for on both sides (at character 6)"
bad 'category:NOSUCH' "category:NOSUCH is not a category"
bad 'status:lost' "status:lost is not a status"
bad '"; DROP TABLE document; --' "the quote is not closed (at character 1)"
code=$(curl -s -o "$T_TMP/err.json" -w '%{http_code}' "$BASE_URL/api/search?q=date:%FF")
is "a byte that is not UTF-8: 400, said in words" \
	"$code $(jq -r .error "$T_TMP/err.json")" \
	"400 the query is not valid UTF-8 text (at character 6)"

# Results: snippets, pages and word boxes, facets, sorting, paging.
r=$(D search --json --facets loan)
contains "snippet marks the word" "$(echo "$r" | jq -r ".hits[] | select(.id == $d3) | .snippet")" "[loan]"
is "hit pages with word boxes" \
	"$(echo "$r" | jq -c ".hits[] | select(.id == $d3) | [.pages[0].seq, (.pages[0].boxes | length > 0), (.pages[0].boxes[0] | length)]")" \
	"[1,true,4]"
is "facets by category" "$(echo "$r" | jq -c '.facets.category')" '{"CONTRACT":2,"DAILY":1}'
is "facets by year" "$(echo "$r" | jq -c '.facets.year')" '{"2020":1,"2024":1,"2025":1}'
is "sorted by date, newest first" \
	"$(D search --json --sort date '' | jq -c '[.hits[].date]')" \
	'["2025-01-10","2024-07-01","2024-02-14","2023-06-30","2020-11-26"]'
is "sorted by archive number" \
	"$(D search --json --sort number 'category:CONTRACT' | jq -c '[.hits[].id]')" "[$d2,$d5]"
is "paging: limit 2 offset 2 of 5" \
	"$(D search --json --limit 2 --offset 2 '' | jq -c '[.total, (.hits | length)]')" '[5,2]'
contains "an unknown sort is refused" "$(D search --sort size x 2>&1)" "sort must be"
is "API: facets and sort" \
	"$(curl -s "$BASE_URL/api/search?q=loan&facets=1&sort=date" | jq -c '[.hits[].id, .facets.type.loan_contract]')" \
	"[$d3,$d2,$d5,2]"
is "every search is audited with its query" \
	"$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'search' AND detail = 'category:CONTRACT date:2024 loan'")" 2
stop_server
finish
