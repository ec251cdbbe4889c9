# browser.sh: the web UI in headless Chromium (Debian's chromium driven by
# playwright-core from npm, both installed by `make test`): each script in
# tests/browser/*.mjs prints TAP lines; screenshots of every screen go to
# tests/out/screens/ for a person to look at.
. tests/tap.sh

PW="$PWD/tests/browser/node_modules/playwright-core"
if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null || [ ! -d "$PW" ]; then
	not_ok "browser tests need chromium, node and playwright-core (make test installs them: scripts/install-deps browser; npm install in tests/browser)"
	finish
fi
SHOTS="$PWD/tests/out/screens"
mkdir -p "$SHOTS"

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null
for u in cle:clerk aud:auditor adm:admin mgr:manager; do
	echo "pass-${u%%:*}-123" | D user add "${u%%:*}" --role "${u#*:}" >/dev/null
done
"$GENSAMPLES" -o "$T_TMP/s" --count 3 --kind contract --format png --seed 31 >/dev/null 2>&1
"$GENSAMPLES" -o "$T_TMP/u" --count 2 --kind letter --format png --seed 32 >/dev/null 2>&1
set -- $(ls "$T_TMP"/s/*.png)
# Two filed documents under a customer, one flagged for the clerk's review
# whose OCR text holds markup.
D ingest --account ACC-2024-000101 "$1" "$2" >/dev/null 2>&1
D customer add C-0001 --name "Ada Customer" --type individual --unit north --manager mgr \
	--account ACC-2024-000101 >/dev/null
echo pass-cle-123 | D --as cle ingest "$3" >/dev/null 2>&1
flagged=$(D search --json --limit 100 "" | jq '[.hits[].id] | max')
printf 'Account opening form\n<script>alert("ocr")</script>\n' >"$T_TMP/text"
D edit "$flagged" --page 1 --text-file "$T_TMP/text" --reason "test markup" >/dev/null
D edit "$flagged" title="Flagged form" --reason "test title" >/dev/null
sqlite3 "$A/catalogue.db" "UPDATE document SET status = 'review', review_reason = 'category unreadable' WHERE id = $flagged"
word=$(json '.words[]' <"${1%.*}.json" | awk 'length($0) >= 7 && $0 ~ /^[a-z]+$/' | head -1)

# A scanner attached to the server: SANE's test backend, jammed by the
# fault hook after 3 pages of each run (scan.mjs resumes and closes).
SCANNER=
if ls /usr/lib/*/sane/libsane-test.so* >/dev/null 2>&1; then
	export SANE_CONFIG_DIR="$T_TMP/sane"
	mkdir -p "$SANE_CONFIG_DIR"
	echo test >"$SANE_CONFIG_DIR/dll.conf"
	printf 'number_of_devices 1\ntest-picture "Grid"\n' >"$SANE_CONFIG_DIR/test.conf"
	SCANNER=test:0
fi
DOSSIER_SCAN_FAULT=3:read-return-value=SANE_STATUS_JAMMED start_server "$A" || { not_ok "server starts"; finish; }
export BASE_URL OUT_DIR="$SHOTS"
run_js() {
	# A page waits at most a few minutes for anything (tests/browser);
	# the whole script gets 15 minutes on a busy machine.
	relay "$(basename "$1" .mjs)" "$(cd tests/browser && timeout 900 node "$1" 2>&1)"
}
CLERK_USER=cle CLERK_PASSWORD=pass-cle-123 FLAGGED_TITLE="Flagged form" SCANNER="$SCANNER" \
	UPLOAD_FILES="$(ls "$T_TMP"/u/*.png | paste -sd:)" run_js scan.mjs
# A Chinese loan form read as English: the quality gate sends it to review
# with the regions it could not read (issue 24).
"$GENSAMPLES" --capture --set tune --kinds form-zh --count 1 -o "$T_TMP/zh" >/dev/null 2>&1
cp "$T_TMP/zh/form-zh-tune-001.tif" "$T_TMP/unread-form.tif"
# Its title is made from the page (type, heading, date): taken from the
# document as filed.
uid=$(echo pass-cle-123 | D --as cle ingest --json --lang eng "$T_TMP/unread-form.tif" 2>/dev/null |
	jq '.documents[0].id')
regions=$(D show --json "$uid" 2>/dev/null | jq '.pages[0].unread | length')
utitle=$(D show --json "$uid" 2>/dev/null | jq -r '.title')
CLERK_USER=cle CLERK_PASSWORD=pass-cle-123 UNREAD_TITLE="$utitle" \
	UNREAD_REGIONS="${regions:-0}" run_js unread.mjs
for t in tests/browser/*.mjs; do
	# attacks.mjs runs in attacks.sh, on its own hostile archive; daily.mjs
	# below, on its own; records.mjs in records_web.sh, on an archive with
	# a schedule.
	case "$(basename "$t")" in
	lib.mjs|scan.mjs|unread.mjs|attacks.mjs|daily.mjs|records.mjs) continue ;;
	esac
	USER_NAME=aud USER=aud PASSWORD=pass-aud-123 WORD="$word" \
		AUDITOR_USER=aud AUDITOR_PASSWORD=pass-aud-123 \
		ADMIN_USER=adm ADMIN_PASSWORD=pass-adm-123 run_js "$(basename "$t")"
done
stop_server

# daily.mjs: every role's day on an archive of its own: two customers of
# unit north (C-0001 managed by sta, C-0002 by stb), letters filed by
# the clerk, one waiting for review, a deletion asked for, a legal hold.
A="$T_TMP/daily"
D init >/dev/null
for u in cle:clerk sta:staff stb:staff mgr:manager aud:auditor adm:admin; do
	echo "pass-${u%%:*}-123" | D user add "${u%%:*}" --role "${u#*:}" \
		$([ "${u%%:*}" = mgr ] && echo --unit north) >/dev/null
done
D customer add C-0001 --name "Ada Lovelace" --type individual --unit north --manager sta \
	--account ACC-2024-100001 >/dev/null
D customer add C-0002 --name "Bob Byte" --type corporate --unit north --manager stb \
	--account ACC-2024-100002 >/dev/null
for k in 1 2 3; do
	acc=ACC-2024-10000$(( (k + 1) / 2 ))
	"$GENSAMPLES" -o "$T_TMP/d" --kind "$([ "$k" = 2 ] && echo id-copy || echo letter)" --format png \
		--seed $((60 + k)) --account "$acc" --date-style mixed --prefix "d$k" >/dev/null 2>&1
done
"$GENSAMPLES" -o "$T_TMP/d" --kind letter --format png --seed 70 --account ACC-2024-555001 \
	--prefix upload >/dev/null 2>&1
"$GENSAMPLES" -o "$T_TMP/d" --kind letter --format png --seed 71 --account ACC-2024-100002 \
	--prefix perfile >/dev/null 2>&1
echo pass-cle-123 | D --as cle ingest "$T_TMP"/d/d*.png >/dev/null 2>&1
doc=$(D search --json "account:ACC-2024-100001" | jq -r '[.hits[].id] | min')
last=$(D search --json "" | jq -r '[.hits[].id] | max')
sqlite3 "$A/catalogue.db" "UPDATE document SET status = 'review', review_reason = 'figures read with low confidence: 2,001.50 (49%, page 1)' WHERE id = $last"
echo pass-sta-123 | D --as sta delete request "$doc" --reason "filed twice" >/dev/null
D hold place --customer C-0002 --reason "litigation 2024-7" >/dev/null
start_server "$A" || { not_ok "server for daily.mjs starts"; finish; }
# Many steps, each waiting up to 90 s on a busy machine.
JS_TIMEOUT=1200 DOC_ID=$doc UPLOAD_FILE="$T_TMP/d/upload-0001.png" NEW_ACCOUNT=ACC-2024-555001 \
	PERFILE_FILE="$T_TMP/d/perfile-0001.png" \
	run_js daily.mjs
stop_server
finish
