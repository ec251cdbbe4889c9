# records_web.sh: records management through the server.  The API
# (retention rules, what is due, disposal lists, certificates, closings,
# PDF downloads and stamped copies: who may, what is audited) and the
# browser (tests/browser/records.mjs: the Retention screen, proposing and
# approving a list, a stamped copy from the viewer).  Every PDF the
# server hands out here passes the PDF/A property checks.
. tests/tap.sh
A="$T_TMP/archive"
C="$T_TMP/dossier.conf"
D() { "$DOSSIER" -A "$A" -c "$C" "$@"; }
eleven=$(date -u -d '11 years ago' +%F)
cat >"$C" <<'EOF'
[category CREDIT]
name = Credit and repayment
retain = 10y after relationship_end
EOF
D init >/dev/null
for u in rita:records max:manager cle:clerk sam:staff adm:admin; do
	echo "pass-${u%%:*}-123" | D user add "${u%%:*}" --role "${u#*:}" $([ "${u#*:}" = manager ] && echo --unit north) >/dev/null
done
D ingest --account ACC-2000-000001 --category CREDIT "$SAMPLES/demo-0001.png" "$SAMPLES/demo-0002.tif" >/dev/null 2>&1
D ingest --account ACC-2000-000002 --category CREDIT "$SAMPLES/demo-0005.tif" >/dev/null 2>&1
echo pass-cle-123 | D --as cle ingest --account ACC-2000-000003 "$SAMPLES/demo-0010.jpg" >/dev/null 2>&1
clerkdoc=$(sqlite3 "$A/catalogue.db" "SELECT max(id) FROM document")
D customer add C-OLD --name "Old Customer" --type individual --account ACC-2000-000001 --unit north --manager sam >/dev/null
D customer add C-HOLD --name "Held Customer" --type individual --account ACC-2000-000002 --unit north >/dev/null
D customer close C-OLD --date "$eleven" --reason "moved abroad" >/dev/null
D customer close C-HOLD --date "$eleven" --reason "deceased" >/dev/null
D hold place --customer C-HOLD --reason "probate" >/dev/null
D retention rules >/dev/null 2>&1 # the file's schedule into the archive
start_server "$A" || { not_ok "server starts"; finish; }

api() { curl -s -o "$T_TMP/body" -w '%{http_code}' "$@"; }
sign_in sam pass-sam-123
is "anyone signed in reads the schedule" "$(curl -s "$BASE_URL/api/retention/rules" | jq -r '.[0].retain')" \
	"10y after relationship_end"
is "staff may not see what is due (report)" "$(api "$BASE_URL/api/retention/due")" 403
is "staff may not propose a disposal list" \
	"$(api -H 'Content-Type: application/json' -d '{"note":"x-y-z"}' "$BASE_URL/api/disposals")" 403
is "a staff member may download the PDF of their customer's document" \
	"$(api "$BASE_URL/api/documents/1/pdf")" 200
cp "$T_TMP/body" "$T_TMP/web-download.pdf"
sign_in cle pass-cle-123
is "a clerk may not download the untouched PDF" "$(api "$BASE_URL/api/documents/$clerkdoc/pdf")" 403
is "a copy needs a reason" \
	"$(api -H 'Content-Type: application/json' -d '{"purpose":"print"}' "$BASE_URL/api/documents/$clerkdoc/copy")" 400
contains "... said in words" "$(cat "$T_TMP/body")" "a copy needs a reason"
is "a clerk takes a stamped copy of a document of their batch" \
	"$(api -H 'Content-Type: application/json' -d '{"purpose":"print","reason":"customer at the counter"}' "$BASE_URL/api/documents/$clerkdoc/copy")" 200
cp "$T_TMP/body" "$T_TMP/web-copy.pdf"
contains "the copy names who took it and why" "$(pdftotext "$T_TMP/web-copy.pdf" - | tr -s ' \n' '  ')" \
	"COPY taken by cle"
is "a copy of a document out of the clerk's reach is refused" \
	"$(api -H 'Content-Type: application/json' -d '{"reason":"curious"}' "$BASE_URL/api/documents/1/copy")" 403
is "the copy is audited with its purpose and reason" \
	"$(sqlite3 "$A/catalogue.db" "SELECT actor || '|' || detail FROM audit WHERE action = 'copy'")" \
	"cle|print: customer at the counter"
sign_in rita pass-rita-123
is "the records manager sees what is due" "$(curl -s "$BASE_URL/api/retention/due" | jq -c '[.due, .kept_off.legal_hold]')" "[2,1]"
is "statistics carry the retention figures" "$(curl -s "$BASE_URL/api/stats" | jq -c '.retention.due_now')" 2
sign_out

# The browser: records manager proposes, manager approves, clerk copies.
PW="$PWD/tests/browser/node_modules/playwright-core"
if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null || [ ! -d "$PW" ]; then
	not_ok "browser tests need chromium, node and playwright-core (make test installs them)"
else
	SHOTS="$PWD/tests/out/screens"
	mkdir -p "$SHOTS"
	out=$(cd tests/browser && BASE_URL="$BASE_URL" OUT_DIR="$SHOTS" RECORDS_USER=rita \
		RECORDS_PASSWORD=pass-rita-123 MANAGER_USER=max MANAGER_PASSWORD=pass-max-123 \
		CLERK_USER=cle CLERK_PASSWORD=pass-cle-123 COPY_DOC="$clerkdoc" \
		COPY_OUT="$T_TMP/browser-copy.pdf" timeout 300 node records.mjs 2>&1)
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "browser: ${line#* - }" ;;
		"not ok "*) not_ok "browser: ${line#* - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <<<"$out"
	grep -qE '^(not )?ok ' <<<"$out" || { not_ok "records.mjs printed no result"; echo "$out" | sed 's/^/# /' | head -20; }
	contains "the copy downloaded in the browser is stamped with the reason" \
		"$(pdftotext "$T_TMP/browser-copy.pdf" - 2>&1 | tr -s ' \n' '  ')" "customer asked at the counter"
	# For a person to look at: the stamped page as printed.
	pdftoppm -r 60 -png -f 1 -l 1 "$T_TMP/browser-copy.pdf" "$SHOTS/copy-page" 2>/dev/null
fi
sign_in adm pass-adm-123
is "the administrator purges once the hold is over (here: still held)" \
	"$(curl -s -X POST "$BASE_URL/api/purge" | jq -c '.purged | length')" 0
sign_out
stop_server
sqlite3 "$A/catalogue.db" "UPDATE deletion SET hold_until = '2000-01-01T00:00:00Z' WHERE status = 'approved'"
contains "the purge writes the certificate" "$(D purge)" "certificate 1 written (2 document(s) destroyed)"
start_server "$A" || { not_ok "server starts again"; finish; }
sign_in max pass-max-123
is "the certificate downloads from the server" "$(api "$BASE_URL/api/certificates/1")" 200
cp "$T_TMP/body" "$T_TMP/cert.json"
contains "... and verifies" "$(D verify-export "$T_TMP/cert.json")" "disposal certificate 1 verifies"
sign_out
stop_server
check "verify clean" D verify
out=$(python3 tests/pdfa_check.py "$T_TMP/web-download.pdf" "$T_TMP/web-copy.pdf" \
	$([ -f "$T_TMP/browser-copy.pdf" ] && echo "$T_TMP/browser-copy.pdf") 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
is "every PDF the server handed out passes the PDF/A checks" "$rc" 0
finish
