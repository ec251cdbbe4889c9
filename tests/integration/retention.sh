# retention.sh: retention schedules from the configuration file, customer
# and account closings, what is due (legal holds and open deletions keep
# a document off), disposal lists proposed by a records manager and
# approved by a second person, the hold, the purge, the signed disposal
# certificate (checked by verify-export, tampering caught) and verify
# staying clean.
. tests/tap.sh
A="$T_TMP/archive"
C="$T_TMP/dossier.conf"
D() { "$DOSSIER" -A "$A" -c "$C" "$@"; }
as() { local u=$1 p=$2; shift 2; echo "$p" | D --as "$u" "$@"; }
eleven=$(date -u -d '11 years ago' +%F)
nine=$(date -u -d '9 years ago' +%F)
today=$(date -u +%F)

cat >"$C" <<'EOF'
[category CREDIT]
name = Credit and repayment
retain = 10y after relationship_end
retain_types = statement: 7y after document_date

[category CONTRACT]
name = Contracts and agreements
retain = 5y after account_closed
EOF

# A bad rule is refused with the line and what is expected.
printf '[category CREDIT]\nname = Credit\nretain = ten years\n' >"$T_TMP/bad.conf"
out=$("$DOSSIER" -A "$A" -c "$T_TMP/bad.conf" retention rules 2>&1)
contains "a malformed retain line names the line and the form" "$out" \
	"bad.conf:3: retain: expected N(y|m|d) after TRIGGER"
printf '[category CREDIT]\nname = Credit\nretain_types = statement 7y\n' >"$T_TMP/bad2.conf"
contains "a malformed retain_types line is refused" \
	"$("$DOSSIER" -A "$A" -c "$T_TMP/bad2.conf" retention rules 2>&1)" \
	"bad2.conf:3: retain_types: expected TYPE: N(y|m|d) after TRIGGER"
printf '[category CREDIT]\nname = Credit\nretain = 300y after document_date\n' >"$T_TMP/bad3.conf"
contains "a period out of range is refused" \
	"$("$DOSSIER" -A "$A" -c "$T_TMP/bad3.conf" retention rules 2>&1)" \
	"a period of 1 to 200 years"

D init >/dev/null
is "the schedule comes from the configuration file" \
	"$(D retention rules --json | jq -c '[.[] | [.category, .doc_type, .retain]]')" \
	'[["CONTRACT",null,"5y after account_closed"],["CREDIT",null,"10y after relationship_end"],["CREDIT","statement","7y after document_date"]]'
is "setting the schedule is audited once" \
	"$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'retention.set'")" 1
D retention rules >/dev/null 2>&1
is "an unchanged schedule is not audited again" \
	"$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'retention.set'")" 1

# Customers: C-OLD closed 11 years ago (CREDIT, 10 years: due), C-HOLD
# too but under a legal hold, C-RECENT closed 9 years ago (not yet due).
ing() { D ingest --json "$@" 2>/dev/null | jq -r '.documents[].id'; }
d_old1=$(ing --account ACC-2000-000001 --category CREDIT "$SAMPLES/demo-0001.png")
d_old2=$(ing --account ACC-2000-000001 --category CREDIT "$SAMPLES/demo-0002.tif")
d_hold=$(ing --account ACC-2000-000002 --category CREDIT "$SAMPLES/demo-0003.tif")
d_recent=$(ing --account ACC-2000-000003 --category CREDIT "$SAMPLES/demo-0005.tif")
d_del=$(ing --account ACC-2000-000001 --category CREDIT "$SAMPLES/demo-0008.png")
set -- $(ing "$SAMPLES/batch-001.tif")
d_contract=$1 d_basic=$2
D customer add C-OLD --name "Old Customer" --type individual --account ACC-2000-000001 --unit north >/dev/null
D customer add C-HOLD --name "Held Customer" --type individual --account ACC-2000-000002 --unit north >/dev/null
D customer add C-RECENT --name "Recent Customer" --type individual --account ACC-2000-000003 --unit north >/dev/null
D customer add C-BATCH --name "Batch Customer" --type corporate --account ACC-2024-000101 --account ACC-2024-000102 --unit south >/dev/null

contains "a closing needs a reason" "$(D customer close C-OLD --date "$eleven" 2>&1)" "needs a reason"
contains "a closing in the future is refused" \
	"$(D customer close C-OLD --date 2999-01-01 --reason x-y-z 2>&1)" "is in the future"
contains "a malformed date is refused" \
	"$(D customer close C-OLD --date 2015-02-30 --reason x-y-z 2>&1)" "is not a date"
is "closing a customer" "$(D customer close C-OLD --date "$eleven" --reason "account holder moved abroad")" \
	"customer C-OLD: relationship ended $eleven"
D customer close ACC-2000-000002 --date "$eleven" --reason "deceased" >/dev/null
D customer close C-RECENT --date "$nine" --reason "left" >/dev/null
is "a closing is audited with date and reason" \
	"$(sqlite3 "$A/catalogue.db" "SELECT detail FROM audit WHERE action = 'customer-close' AND object = 'customer C-OLD'")" \
	"$eleven: account holder moved abroad"
D hold place --customer C-HOLD --reason "litigation pending" >/dev/null
echo "staff-pass-1" | D user add sam --role staff >/dev/null
sqlite3 "$A/catalogue.db" "UPDATE customer SET manager = 'sam' WHERE number = 'C-OLD'"
echo "staff-pass-1" | D --as sam delete request "$d_del" --reason "duplicate scan" >/dev/null

due=$(D retention due --json)
is "a customer closed 11 years ago with a CREDIT file under a 10-year rule is due" \
	"$(echo "$due" | jq -c "[.documents[].id] == [$d_old1, $d_old2]")" true
is "each due document carries its rule, trigger and due date" \
	"$(echo "$due" | jq -c ".documents[0] | [.customer, .category, .rule, .trigger_date, .due]")" \
	"[\"C-OLD\",\"CREDIT\",\"CREDIT: 10y after relationship_end\",\"$eleven\",\"$(date -u -d "$eleven + 10 years" +%F)\"]"
is "a legal hold and an open deletion keep documents off the list" \
	"$(echo "$due" | jq -c '.kept_off')" '{"legal_hold":1,"deletion":1,"disposal":0}'
is "a customer closed 9 years ago is not due yet" \
	"$(echo "$due" | jq "[.documents[].id] | index($d_recent)")" null
is "it is due two years on (--as-of)" \
	"$(D retention due --json --as-of "$(date -u -d '2 years' +%F)" | jq "[.documents[].id] | index($d_recent) != null")" true
contains "the list is grouped by customer and category" "$(D retention due)" \
	"customer C-OLD Old Customer"

# A type's rule wins over its category's: a statement dated 8 years ago.
D edit "$d_recent" --reason "is a statement" doc_type=statement date="$(date -u -d '8 years ago' +%F)" >/dev/null
is "a statement 8 years old is due under its own 7-year rule" \
	"$(D retention due --json | jq -r ".documents[] | select(.id == $d_recent) | .rule")" \
	"CREDIT/statement: 7y after document_date"
D edit "$d_recent" --reason "not a statement after all" doc_type=loan_application >/dev/null

# Account closing: CONTRACT is kept 5 years after its account closes.
is "the contract is not due while its account is open" \
	"$(D retention due --json | jq "[.documents[].id] | index($d_contract)")" null
contains "an account no customer holds cannot be closed" \
	"$(D customer close-account ACC-9999-999999 --date 2015-01-01 2>&1)" "no customer holds account"
is "closing an account" "$(D customer close-account ACC-2024-000101 --date "$(date -u -d '6 years ago' +%F)")" \
	"account ACC-2024-000101 closed $(date -u -d '6 years ago' +%F)"
is "its contract is due 5 years on" \
	"$(D retention due --json | jq -r ".documents[] | select(.id == $d_contract) | .rule")" \
	"CONTRACT: 5y after account_closed"

# Figures in the statistics.
is "statistics count what is due now" \
	"$(D stats --json | jq -c '.retention | [.due_now, (.next_quarter | test("^[0-9]{4}-Q[1-4]$"))]')" \
	"[3,true]"

# Disposal review: a records manager proposes, a second person approves.
echo "records-pass-1" | D user add rita --role records >/dev/null
echo "manager-pass-1" | D user add max --role manager --unit north >/dev/null
echo "manager-pass-1" | D user add sue --role manager --unit south >/dev/null
contains "a manager may not propose disposal lists" \
	"$(as max manager-pass-1 retention propose --note "tidy up" 2>&1)" "the manager role may not dispose"
contains "a disposal list needs a note" "$(as rita records-pass-1 retention propose 2>&1)" "needs a note"
contains "a listed document that is not due is refused" \
	"$(as rita records-pass-1 retention propose --note "review" --document "$d_hold" 2>&1)" \
	"document $d_hold is not due for disposal by $today: it is under a legal hold"
out=$(as rita records-pass-1 retention propose --note "annual review" --customer C-OLD --json)
l1=$(echo "$out" | jq -r '.id')
is "a records manager proposes the customer's due documents" \
	"$(echo "$out" | jq -r '.message')" \
	"disposal list $l1 proposed: 2 document(s) due by $today; a second person must approve it"
is "documents on a list under way leave the due list" \
	"$(D retention due --json | jq -c '[.due, .kept_off.disposal]')" '[1,2]'
contains "the proposer cannot approve (records role)" \
	"$(as rita records-pass-1 retention approve "$l1" 2>&1)" "may not approve"
contains "approving needs --as" "$(D retention approve "$l1" 2>&1)" "needs --as USER"
contains "a manager of another unit cannot approve the list" \
	"$(as sue manager-pass-1 retention approve "$l1" 2>&1)" "is not one sue may approve"
is "a manager of the unit approves with a hold" \
	"$(as max manager-pass-1 retention approve "$l1" --hold-days 3 | sed 's/until [^ ,]*/until T/')" \
	"disposal list $l1 approved: 2 document(s) held until T, then purged"
contains "an approved list cannot be approved again" \
	"$(as max manager-pass-1 retention approve "$l1" 2>&1)" "is approved, not waiting"
is "the documents wait as approved deletions" \
	"$(D show --json "$d_old1" | jq -r '.status')" "on hold"
contains "the hold period applies: nothing purged yet" "$(D purge)" "purged 0 document(s)"
# The hold ends (as three days later).
sqlite3 "$A/catalogue.db" "UPDATE deletion SET hold_until = '2000-01-01T00:00:00Z' WHERE reason LIKE 'disposal $l1:%'"
orig1=$(sqlite3 "$A/catalogue.db" "SELECT s.sha256 FROM source s JOIN document d ON d.source_id = s.id WHERE d.id = $d_old1")
orig2=$(sqlite3 "$A/catalogue.db" "SELECT s.sha256 FROM source s JOIN document d ON d.source_id = s.id WHERE d.id = $d_old2")
out=$(D purge)
contains "the purge destroys the documents and their originals" "$out" \
	"purged 2 document(s)"
contains "and writes the certificate" "$out" "disposal $l1: certificate 1 written (2 document(s) destroyed)"
is "the originals' bytes are gone" \
	"$(ls "$A/blobs/${orig1:0:2}/$orig1" "$A/blobs/${orig2:0:2}/$orig2" 2>/dev/null | wc -l)" 0
check "dossier verify stays clean after the disposal" D verify
check "certificate written to a file" D retention certificate 1 -o "$T_TMP/cert.json"
out=$(D verify-export "$T_TMP/cert.json")
contains "verify-export verifies the certificate with the archive's key" "$out" \
	"disposal certificate 1 verifies: disposal list $l1, 2 document(s) destroyed, 2 original(s) destroyed; approved by max, purged by local-admin; signed with this archive's key"
is "the certificate names every destroyed original" \
	"$(jq -c '[.certificate.originals_destroyed[].sha256] | sort' "$T_TMP/cert.json")" \
	"$(printf '%s\n%s\n' "$orig1" "$orig2" | jq -Rsc 'split("\n") | map(select(. != "")) | sort')"
is "... with what, when, which rule and by whom" \
	"$(jq -c "[.certificate.proposed.by, .certificate.approved.by, .certificate.purged.by, (.certificate.documents[] | select(.document == $d_old1) | [.archive_no != null, .customer, .rule, .original.name])]" "$T_TMP/cert.json")" \
	'["rita","max","local-admin",[true,"C-OLD","CREDIT: 10y after relationship_end","demo-0001.png"]]'
is "the list is done" "$(D retention list --json | jq -r ".[] | select(.id == $l1) | [.status, .destroyed] | join(\" \")")" "done 2"
jq '.certificate.documents[0].customer = "C-OTHER"' "$T_TMP/cert.json" >"$T_TMP/forged.json"
out=$(D verify-export "$T_TMP/forged.json" 2>&1)
contains "a changed certificate does not verify" "$out" "the signature does not match the certificate"
jq '.certificate.originals_destroyed = []' "$T_TMP/cert.json" >"$T_TMP/forged2.json"
contains "a certificate that drops an original does not verify" \
	"$(D verify-export "$T_TMP/forged2.json" 2>&1)" "does NOT verify"
B="$T_TMP/other"
"$DOSSIER" -A "$B" init >/dev/null
"$DOSSIER" -A "$B" key >/dev/null
contains "beside another archive, its key is not the signer" \
	"$("$DOSSIER" -A "$B" verify-export "$T_TMP/cert.json" 2>&1)" "not the trusted one"

# One document of a two-document file: its original stays.
out=$(as rita records-pass-1 retention propose --note "contracts" --document "$d_contract" --json)
l2=$(echo "$out" | jq -r '.id')
as sue manager-pass-1 retention approve "$l2" --hold-days 0 >/dev/null
D purge >/dev/null
D retention certificate 2 -o "$T_TMP/cert2.json" >/dev/null
is "an original shared with a kept document is not destroyed, and says why" \
	"$(jq -c '[.certificate.documents[0].original.destroyed, .certificate.documents[0].original.kept_because, .certificate.originals_destroyed_count]' "$T_TMP/cert2.json")" \
	'[false,"other documents of the same file remain in the archive",0]'
check "verify clean with a shared original kept" D verify
is "the kept document still opens" "$(D show --json "$d_basic" | jq -r '.status')" archived

# A refused list, a withdrawn list.
D customer close-account ACC-2024-000102 --date "$(date -u -d '20 years ago' +%F)" >/dev/null 2>&1
D edit "$d_basic" --reason "is a contract" category=CONTRACT >/dev/null
l3=$(as rita records-pass-1 retention propose --note "again" --json | jq -r '.id')
contains "refusing needs a note" "$(as sue manager-pass-1 retention refuse "$l3" 2>&1)" "needs a note"
is "a list refused" "$(as sue manager-pass-1 retention refuse "$l3" --note "customer may return")" \
	"disposal list $l3 refused"
l4=$(as rita records-pass-1 retention propose --note "again" --json | jq -r '.id')
is "a list withdrawn by the records manager" "$(as rita records-pass-1 retention withdraw "$l4")" \
	"disposal list $l4 withdrawn"
is "the decisions are audited" \
	"$(sqlite3 "$A/catalogue.db" "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit WHERE action LIKE 'disposal-%' ORDER BY id)")" \
	"disposal-propose disposal-approve disposal-certificate disposal-propose disposal-approve disposal-certificate disposal-propose disposal-refuse disposal-propose disposal-withdraw"
contains "staff may not read disposal lists" \
	"$(echo staff-pass-1 | D --as sam retention list 2>&1)" "may not"
check "verify clean at the end" D verify
finish
