# admin.sh: the administrator's API on a real `dossier serve`: categories
# (list with aliases and counts, add with the next catalogue number,
# rename, aliases added and removed, conflicts), units with their counts,
# checklist items added and removed, users disabled, enabled and moved to
# another unit; every change audited; other roles refused with 403.
. tests/tap.sh

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null
"$GENSAMPLES" -o "$T_TMP/s" --count 2 --kind contract --format png --seed 41 >/dev/null 2>&1
set -- $(ls "$T_TMP"/s/*.png)
D ingest --account ACC-N1 --category CREDIT "$1" >/dev/null 2>&1
D customer add N-1 --name "North One" --type individual --unit north --manager ann \
	--account ACC-N1 >/dev/null
D customer add S-1 --name "South One" --type corporate --unit south --manager zed >/dev/null
for u in adm:admin: ann:staff:north aud:auditor: ; do
	IFS=: read -r name role unit <<<"$u"
	echo "pass-$name-123" | D user add "$name" --role "$role" ${unit:+--unit "$unit"} >/dev/null
done
audits() { sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE action = '$1' AND actor = 'adm' AND object = '$2' AND detail = '$3'"; }

start_server "$A" || { not_ok "server starts"; finish; }

# req METHOD PATH [BODY]: prints the HTTP status; the body is in $T_TMP/r.
req() {
	if [ "$1" = GET ]; then
		curl -s -o "$T_TMP/r" -w '%{http_code}' "$BASE_URL$2"
	else
		curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: application/json' \
			--data "${3:-{\}}" "$BASE_URL$2"
	fi
}
err() { json .error <"$T_TMP/r"; }

# ---- someone else: refused ----
sign_in ann pass-ann-123 >/dev/null
is "staff may list categories" "$(req GET /api/categories)" 200
is "staff sees no document counts" "$(jq -c '[.[] | has("documents")] | unique' "$T_TMP/r")" "[false]"
is "staff may not add a category: 403" "$(req POST /api/categories '{"code":"LEGAL","name":"Legal"}')" 403
is "403 in words" "$(err)" "the staff role may not admin"
is "staff may not add an alias: 403" "$(req POST /api/categories/CREDIT/aliases '{"alias":"LENDING"}')" 403
is "staff may not add a checklist item: 403" \
	"$(req POST /api/checklist '{"label":"x","category":"BASIC"}')" 403
is "staff may not remove a checklist item: 403" "$(req POST /api/checklist/1/remove)" 403
is "staff may not disable a user: 403" "$(req POST /api/users/aud/disable)" 403
is "staff may not change a user: 403" "$(req POST /api/users/ann/update '{"unit":"south"}')" 403
is "staff may not list units: 403" "$(req GET /api/units)" 403
is "refusal audited" "$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'deny' AND actor = 'ann'")" 7
sign_out

sign_in aud pass-aud-123 >/dev/null
is "auditor (report) may list units" "$(req GET /api/units)" 200
is "... with the customers and documents of each she may see" \
	"$(jq -c '[.[] | [.unit, .customers, .users, .documents]]' "$T_TMP/r")" \
	'[["north",1,1,1],["south",1,0,0]]'
req GET /api/categories >/dev/null
is "... and the categories with their documents" \
	"$(jq -c '.[] | select(.code == "CREDIT") | .documents' "$T_TMP/r")" 1
is "auditor may not rename a category: 403" "$(req POST /api/categories/BASIC/rename '{"name":"x"}')" 403
sign_out

# ---- categories ----
sign_in adm pass-adm-123 >/dev/null
is "admin lists categories" "$(req GET /api/categories)" 200
is "seven built-in categories, by catalogue number" "$(jq -c '[.[].catalogue]' "$T_TMP/r")" "[1,2,3,4,5,6,7]"
is "CREDIT with its aliases; no document count for a role that reaches no document" \
	"$(jq -c '.[] | select(.code == "CREDIT") | [.name, .aliases, .documents]' "$T_TMP/r")" \
	'["Credit and repayment",["LOAN","REPAYMENT"],null]'
is "add a category: 201" "$(req POST /api/categories '{"code":"LEGAL","name":"Legal matters"}')" 201
is "it gets the next catalogue number" "$(jq -c '[.code, .catalogue]' "$T_TMP/r")" '["LEGAL",8]'
is "category.add audited" "$(audits category.add 'category LEGAL' 'catalogue 8: Legal matters')" 1
req GET /api/categories >/dev/null
is "the new category is listed" \
	"$(jq -c '.[] | select(.code == "LEGAL") | [.name, .catalogue, .aliases]' "$T_TMP/r")" \
	'["Legal matters",8,[]]'
is "a taken code: 409" "$(req POST /api/categories '{"code":"LEGAL","name":"Again"}')" 409
is "taken code in words" "$(err)" "'LEGAL' is already the code of category LEGAL"
is "a code that is an alias: 409" "$(req POST /api/categories '{"code":"LOAN","name":"Loans"}')" 409
is "alias taken in words" "$(err)" "'LOAN' is already an alias of CREDIT"
is "a lower-case code: 400" "$(req POST /api/categories '{"code":"legal2","name":"x"}')" 400
contains "bad code in words" "$(err)" "2 to 16 capital letters, digits or _"
is "a one-letter code: 400" "$(req POST /api/categories '{"code":"L","name":"x"}')" 400
is "no name: 400" "$(req POST /api/categories '{"code":"NONAME"}')" 400
contains "missing name in words" "$(err)" "a category needs a name"
is "not JSON: 400" "$(req POST /api/categories 'nope')" 400

is "rename a category" "$(req POST /api/categories/LEGAL/rename '{"name":"Legal and compliance"}')" 200
is "rename message" "$(json .message <"$T_TMP/r")" "category LEGAL is now called 'Legal and compliance'"
is "category.rename audited with old and new" \
	"$(audits category.rename 'category LEGAL' 'Legal matters -> Legal and compliance')" 1
req GET /api/categories >/dev/null
is "the new name is listed, the code and number stay" \
	"$(jq -c '.[] | select(.code == "LEGAL") | [.name, .catalogue]' "$T_TMP/r")" '["Legal and compliance",8]'
is "rename an unknown category: 404" "$(req POST /api/categories/NOPE/rename '{"name":"x"}')" 404
is "404 in words" "$(err)" "no category 'NOPE'"
is "rename to nothing: 400" "$(req POST /api/categories/LEGAL/rename '{"name":""}')" 400

# ---- aliases ----
is "add an alias" "$(req POST /api/categories/LEGAL/aliases '{"alias":"lawsuit"}')" 200
is "alias message (stored upper-case)" "$(json .message <"$T_TMP/r")" "'LAWSUIT' now also means category LEGAL"
is "category.alias.add audited" "$(audits category.alias.add 'category LEGAL' LAWSUIT)" 1
req GET /api/categories >/dev/null
is "the alias is listed" "$(jq -c '.[] | select(.code == "LEGAL") | .aliases' "$T_TMP/r")" '["LAWSUIT"]'
D ingest --account ACC-N1 --category lawsuit "$2" >/dev/null 2>&1
is "the alias files documents under its category" \
	"$(sqlite3 "$A/catalogue.db" "SELECT category FROM document ORDER BY id DESC LIMIT 1")" "LEGAL"
is "an alias already taken: 409" "$(req POST /api/categories/LEGAL/aliases '{"alias":"Loan"}')" 409
is "taken alias in words" "$(err)" "'LOAN' is already an alias of CREDIT"
is "an alias that is a code: 409" "$(req POST /api/categories/LEGAL/aliases '{"alias":"credit"}')" 409
is "alias-is-code in words" "$(err)" "'CREDIT' is already the code of category CREDIT"
is "an alias with a space: 400" "$(req POST /api/categories/LEGAL/aliases '{"alias":"law suit"}')" 400
is "an alias for an unknown category: 404" "$(req POST /api/categories/NOPE/aliases '{"alias":"X1"}')" 404
is "remove an alias the category lacks: 404" "$(req POST /api/categories/LEGAL/aliases/LOAN/remove)" 404
is "missing alias in words" "$(err)" "category 'LEGAL' has no alias 'LOAN'"
is "remove an alias" "$(req POST /api/categories/LEGAL/aliases/lawsuit/remove)" 200
is "category.alias.remove audited" "$(audits category.alias.remove 'category LEGAL' LAWSUIT)" 1
is "removing it again: 404" "$(req POST /api/categories/LEGAL/aliases/LAWSUIT/remove)" 404
req GET /api/categories >/dev/null
is "the alias is gone" "$(jq -c '.[] | select(.code == "LEGAL") | .aliases' "$T_TMP/r")" '[]'
is "the other aliases stay" "$(jq -c '.[] | select(.code == "CREDIT") | .aliases' "$T_TMP/r")" '["LOAN","REPAYMENT"]'
is "no route deletes a category: 404" "$(req POST /api/categories/LEGAL/remove)" 404

# ---- checklist ----
is "add a checklist item: 201" \
	"$(req POST /api/checklist '{"label":"Court order","category":"LEGAL","customer_type":"corporate","doc_type":"court_order","min_count":2}')" 201
item=$(json .id <"$T_TMP/r")
req GET /api/checklist >/dev/null
is "the item is listed with its fields" \
	"$(jq -c --argjson id "$item" '.[] | select(.id == $id) | [.label, .category, .customer_type, .doc_type, .min_count, .months]' "$T_TMP/r")" \
	'["Court order","LEGAL","corporate","court_order",2,null]'
is "checklist-add audited" "$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'checklist-add' AND actor = 'adm' AND object = 'checklist $item'")" 1
is "an item for an unknown category: 400" "$(req POST /api/checklist '{"label":"x","category":"NOPE"}')" 400
is "unknown category in words" "$(err)" "unknown category 'NOPE'"
is "an item without a label: 400" "$(req POST /api/checklist '{"category":"BASIC"}')" 400
is "an unknown customer type: 400" "$(req POST /api/checklist '{"label":"x","category":"BASIC","customer_type":"robot"}')" 400
is "a count of 0: 400" "$(req POST /api/checklist '{"label":"x","category":"BASIC","min_count":0}')" 400
is "remove the item" "$(req POST /api/checklist/$item/remove)" 200
is "checklist-remove audited" "$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'checklist-remove' AND actor = 'adm' AND object = 'checklist $item'")" 1
is "removing it again: 404" "$(req POST /api/checklist/$item/remove)" 404
is "a malformed item number: 404" "$(req POST /api/checklist/abc/remove)" 404

# ---- units ----
is "admin lists units" "$(req GET /api/units)" 200
is "units with their users; no customer or document count for the administrator" \
	"$(jq -c '[.[] | [.unit, .customers, .users, .documents]]' "$T_TMP/r")" \
	'[["north",null,1,null],["south",null,0,null]]'

# ---- users ----
is "move a user to another unit" "$(req POST /api/users/ann/update '{"unit":"south"}')" 200
is "update message" "$(json .message <"$T_TMP/r")" "user ann changed: unit: north -> south"
is "user.update audited" "$(audits user.update ann 'unit: north -> south')" 1
req GET /api/units >/dev/null
is "the unit counts follow" "$(jq -c '[.[] | [.unit, .users]]' "$T_TMP/r")" '[["north",0],["south",1]]'
is "change role and clearance" \
	"$(req POST /api/users/ann/update '{"role":"manager","clearance":"confidential"}')" 200
req GET /api/users >/dev/null
is "the user's new role, unit and clearance" \
	"$(jq -c '.[] | select(.name == "ann") | [.role, .unit, .clearance, .categories]' "$T_TMP/r")" \
	'["manager","south","confidential",null]'
is "limit to categories, then clear unit" \
	"$(req POST /api/users/ann/update '{"categories":"BASIC,LEGAL","unit":""}')" 200
req GET /api/users >/dev/null
is "categories set, unit none" \
	"$(jq -c '.[] | select(.name == "ann") | [.unit, .categories]' "$T_TMP/r")" '[null,"BASIC,LEGAL"]'
is "an unknown role: 400" "$(req POST /api/users/ann/update '{"role":"king"}')" 400
contains "unknown role in words" "$(err)" "unknown role 'king'"
is "an unknown category: 400" "$(req POST /api/users/ann/update '{"categories":"NOPE"}')" 400
is "an unknown user: 404" "$(req POST /api/users/nobody/update '{"unit":"x"}')" 404
is "an admin cannot change their own role: 409" "$(req POST /api/users/adm/update '{"role":"staff"}')" 409
is "disable a user" "$(req POST /api/users/aud/disable)" 200
is "user.disable audited" "$(audits user.disable aud '')" 1
req GET /api/users >/dev/null
is "listed as disabled" "$(jq -c '.[] | select(.name == "aud") | .disabled' "$T_TMP/r")" true
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"name":"aud","password":"pass-aud-123"}' "$BASE_URL/api/login")
is "a disabled user cannot sign in" "$code" 401
is "an admin cannot disable themselves: 409" "$(req POST /api/users/adm/disable)" 409
is "disable an unknown user: 404" "$(req POST /api/users/nobody/disable)" 404
is "enable the user again" "$(req POST /api/users/aud/enable)" 200
is "user.enable audited" "$(audits user.enable aud '')" 1
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"name":"aud","password":"pass-aud-123"}' "$BASE_URL/api/login")
is "an enabled user signs in again" "$code" 200
is "GET on a change route: 405" "$(req GET /api/users/aud/disable)" 405
sign_out
is "no session: 401" "$(req POST /api/categories '{"code":"ZZ","name":"x"}')" 401
stop_server
is "the audit chain still verifies" "$(D verify --json 2>/dev/null | jq -r '.problems | length')" 0
finish
