# export.sh: auditor exports.  A bundle holds exactly the documents the
# exporting user may export that match the query (two users of different
# scope), its PDFs open and carry the OCR text, it verifies with dossier
# and by hand (openssl, sha256sum), and verify-export names the fault in a
# bundle with a changed byte, a removed file, an added file or a changed
# manifest, and refuses a file that is no ZIP.  Exports need a reason and
# are audited once each; the metadata CSV and the audit-log export.
. tests/tap.sh

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
as() { local u=$1; shift; echo "pass-$u-123" | "$DOSSIER" -A "$A" --as "$u" "$@"; }
D init >/dev/null
"$GENSAMPLES" -o "$T_TMP/s" --count 3 --kind contract --format png --seed 11 >/dev/null 2>&1
set -- $(ls "$T_TMP"/s/*.png)
D ingest --account ACC-N1 --category CREDIT "$1" >/dev/null 2>&1
D ingest --account ACC-S1 --category CREDIT "$2" >/dev/null 2>&1
D ingest --account ACC-N1 --category CREDIT "$3" >/dev/null 2>&1
# An amount read unsurely sends a contract to review: accepted, it is
# filed and numbered like the others (the OCR decides which, not the test).
for id in $(D review --json | jq -r '.[] | select(.reason | startswith("figures read")) | .id'); do
	D review accept "$id" --note "amounts checked against the paper" >/dev/null
done
cp "$1" "$T_TMP/review.png"; printf 'x' >>"$T_TMP/review.png"
D ingest --account ACC-N1 --category NOPE "$T_TMP/review.png" >/dev/null 2>&1
own=1 south=2 secret=3 review=4
D customer add N-1 --name "North One" --type individual --unit north --manager ann --account ACC-N1 >/dev/null
D customer add S-1 --name "South One" --type individual --unit south --manager zed --account ACC-S1 >/dev/null
D edit "$secret" confidentiality=secret --reason "board paper" >/dev/null
D role add north-auditor --actions search,view,export --scope unit >/dev/null
for u in aud:auditor: nora:north-auditor:north ann:staff:north; do
	IFS=: read -r name role unit <<<"$u"
	echo "pass-$name-123" | D user add "$name" --role "$role" ${unit:+--unit "$unit"} >/dev/null
done
no() { D show --json "$1" | jq -r .archive_no; }
n1=$(no $own) n2=$(no $south) n3=$(no $secret)
is "the test documents are filed" "$(D show --json $review | jq -r .status)/$( [ -n "$n1$n2$n3" ] && echo numbered)" "review/numbered"
word=$(json '.words[]' <"${1%.*}.json" | awk 'length($0) >= 6 && $0 ~ /^[a-z]+$/' | head -1)
folders() { unzip -Z1 "$1" | sed -n 's|^documents/\([^/]*\)/.*|\1|p' | sort -u | tr '\n' ' '; }

# The auditor takes every filed CREDIT document; nora (her unit, her
# clearance) only the north one that is not secret.
out=$(as aud export --reason "external audit 2026" 'category:CREDIT' -o "$T_TMP/aud.zip")
contains "auditor export reports what it wrote" "$out" "exported 3 documents (3 pages, 13 files"
is "auditor's bundle: exactly the three filed documents" "$(folders "$T_TMP/aud.zip")" "$(printf '%s\n' "$n1" "$n2" "$n3" | sort | tr '\n' ' ')"
as nora export --reason "unit review" 'category:CREDIT' -o "$T_TMP/nora.zip" >/dev/null
is "nora's bundle: only her unit's non-secret document" "$(folders "$T_TMP/nora.zip")" "$n1 "
is "nora's manifest.csv: one row" "$(unzip -p "$T_TMP/nora.zip" manifest.csv | tail -n +2 | cut -d, -f1)" "$n1"
leak="no bundle"
[ -f "$T_TMP/nora.zip" ] && leak=$(unzip -p "$T_TMP/nora.zip" manifest.json audit.json manifest.csv SHA256SUMS |
	grep -c -e "$n2" -e "$n3" -e '"document 2"' -e '"document 3"')
is "nothing of the others' documents anywhere in nora's bundle" "$leak" 0
contains "a role without export may not export" \
	"$(as ann export --reason x 'category:CREDIT' -o "$T_TMP/ann.zip" 2>&1)" "the staff role may not export"
check "no file left by a refused export" test ! -e "$T_TMP/ann.zip"
is "documents in review are left out" "$(as aud export --reason r 'account:ACC-N1' -o "$T_TMP/n.zip" >/dev/null; folders "$T_TMP/n.zip")" \
	"$(printf '%s\n' "$n1" "$n3" | sort | tr '\n' ' ')"
is "unless the query asks for them" \
	"$(as aud export --reason r 'account:ACC-N1 status:review' -o "$T_TMP/r.zip" >/dev/null; folders "$T_TMP/r.zip")" "unnumbered-$review "
is "a customer list" "$(as aud export --reason r --customer S-1 -o "$T_TMP/c.zip" >/dev/null; folders "$T_TMP/c.zip")" "$n2 "
contains "an unknown customer is an error" "$(as aud export --reason r --customer NOBODY -o "$T_TMP/u.zip" 2>&1)" "no customer or account 'NOBODY'"
contains "a listed document out of reach is an error, not left out quietly" \
	"$(as nora export --reason r --document $south -o "$T_TMP/u.zip" 2>&1)" "document $south cannot be exported by nora"

is "a words query" "$(as aud export --reason r "$word" -o "$T_TMP/w.zip" >/dev/null; folders "$T_TMP/w.zip")" \
	"$(printf '%s\n' "$n1" "$n2" "$n3" | sort | tr '\n' ' ')"
is "a field query" "$(as nora export --reason r "customer:N-1 $word" -o "$T_TMP/f.zip" >/dev/null; folders "$T_TMP/f.zip")" "$n1 "

# A reason is required.
err=$(as aud export 'category:CREDIT' -o "$T_TMP/noreason.zip" 2>&1); rc=$?
is "export without --reason: exit 2" "$rc" 2
contains "export without --reason says why" "$err" "a reason is required"
check "no file written without a reason" test ! -e "$T_TMP/noreason.zip"

# Audited once per export, with query and reason; no entry per file.
is "the export is in the audit log with its reason and query" \
	"$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE actor = 'aud' AND action = 'export' AND detail LIKE '3 documents; manifest SHA-256 %; reason: external audit 2026; bundle; query: category:CREDIT'")" 1
is "the audit entry names the bundle's manifest digest" \
	"$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE actor = 'aud' AND action = 'export' AND detail LIKE '%$(unzip -p "$T_TMP/aud.zip" manifest.json | sha256sum | cut -c1-64)%'")" 1
is "no download or view entries for the exported files" \
	"$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE actor = 'aud' AND action IN ('download', 'view')")" 0
contains "audit.json holds the documents' entries and the request" \
	"$(unzip -p "$T_TMP/aud.zip" audit.json | jq -c '[.request.reason, ([.entries[].object] | unique)]')" \
	'["external audit 2026",["document 1","document 2","document 3"]]'

# The PDFs open and carry the OCR text layer.
mkdir "$T_TMP/x"
(cd "$T_TMP/x" && unzip -q "$T_TMP/aud.zip")
check "qpdf --check passes on an exported PDF" sh -c "qpdf --check '$T_TMP/x/documents/$n1/document.pdf' >/dev/null"
check "every exported PDF is PDF/A with its document's customer and archive number" \
	python3 tests/pdfa_check.py --customer N-1 --archive-no "$n1" "$T_TMP/x/documents/$n1/document.pdf"
check "... and so are the others (tests/pdfa_check.py)" sh -c "python3 tests/pdfa_check.py '$T_TMP'/x/documents/*/document.pdf"
contains "pdftotext finds an OCR word in the exported PDF" \
	"$(pdftotext "$T_TMP/x/documents/$n1/document.pdf" - | tr -s ' \n' '  ')" "$word"
is "metadata.json: archive number, customer, account, category, pages" \
	"$(jq -c '[.archive_no, .customer, .account, .category, .pages]' <"$T_TMP/x/documents/$n1/metadata.json")" \
	"[\"$n1\",\"N-1\",\"ACC-N1\",\"CREDIT\",1]"

# Verification: dossier, and by hand with standard tools.
is "verify-export passes a fresh bundle" "$(D verify-export "$T_TMP/aud.zip")" \
	"bundle verifies: 3 documents, 13 files; signed with this archive's key"
(cd "$T_TMP/x" && base64 -d manifest.sig >"$T_TMP/sig.bin")
contains "by hand: openssl verifies the manifest signature" \
	"$(cd "$T_TMP/x" && openssl pkeyutl -verify -pubin -inkey public_key.txt -rawin -in manifest.json -sigfile "$T_TMP/sig.bin" 2>&1)" \
	"Signature Verified Successfully"
check "by hand: sha256sum -c SHA256SUMS" sh -c "cd '$T_TMP/x' && sha256sum --quiet -c SHA256SUMS"
is "dossier key prints the bundle's public key" "$(D key)" "$(cat "$T_TMP/x/public_key.txt")"
"$DOSSIER" -A "$T_TMP/other" init >/dev/null
"$DOSSIER" -A "$T_TMP/other" key >/dev/null
contains "another archive's key is not this bundle's" \
	"$("$DOSSIER" -A "$T_TMP/other" verify-export "$T_TMP/aud.zip" 2>&1)" "not this archive's key"

# A bundle forged by someone with a key of their own: manifest changed,
# re-signed, public_key.txt replaced.  It is consistent in itself, so
# only a key the verifier trusts tells it apart.
D key >"$T_TMP/archive-key.pem"
mkdir "$T_TMP/forge" "$T_TMP/empty"
(cd "$T_TMP/forge" && unzip -q "$T_TMP/aud.zip" &&
	sed -i 's/external audit 2026/external audit 2025/' manifest.json &&
	openssl genpkey -algorithm ed25519 -out "$T_TMP/forger.pem" 2>/dev/null &&
	old=$(sha256sum public_key.txt | cut -c1-64) &&
	openssl pkey -in "$T_TMP/forger.pem" -pubout -out public_key.txt &&
	new=$(sha256sum public_key.txt | cut -c1-64) &&
	old2=$(sha256sum SHA256SUMS | cut -c1-64) &&
	sed -i "s/$old/$new/" manifest.json SHA256SUMS &&
	sed -i "s/$old2/$(sha256sum SHA256SUMS | cut -c1-64)/" manifest.json &&
	openssl pkeyutl -sign -inkey "$T_TMP/forger.pem" -rawin -in manifest.json -out "$T_TMP/forged.sig" &&
	base64 -w0 "$T_TMP/forged.sig" >manifest.sig && zip -q -r "$T_TMP/forged.zip" .)
r=$(cd "$T_TMP/empty" && "$DOSSIER" verify-export "$T_TMP/forged.zip" 2>&1; echo "exit $?")
contains "away from the archive, without --key: says it checked only the bundle's own key" "$r" \
	"checked only against the key the bundle itself carries"
r=$(cd "$T_TMP/empty" && "$DOSSIER" verify-export --key "$T_TMP/archive-key.pem" "$T_TMP/forged.zip" 2>&1; echo "exit $?")
contains "--key: a forged bundle is refused, naming the fault" "$r" \
	"public_key.txt: the bundle is signed with a key that is not the trusted key in $T_TMP/archive-key.pem"
contains "--key: ... and its signature does not verify with the trusted key" "$r" \
	"manifest signature does not verify with the trusted key"
contains "--key: ... exit 1" "$r" "exit 1"
r=$(cd "$T_TMP/empty" && "$DOSSIER" verify-export --key "$T_TMP/archive-key.pem" "$T_TMP/aud.zip" 2>&1; echo "exit $?")
is "--key: the genuine bundle verifies against the pinned key" "$r" \
	"bundle verifies: 3 documents, 13 files; signed with the trusted key in $T_TMP/archive-key.pem
exit 0"
r=$("$DOSSIER" -A "$T_TMP/no-such-archive" verify-export "$T_TMP/forged.zip" 2>&1; echo "exit $?")
contains "-A naming no archive is an error, not a skipped key check" "$r" \
	"dossier: verify-export: no archive at $T_TMP/no-such-archive, so its key cannot be checked"
contains "... exit 1" "$r" "exit 1"
contains "-A of the archive refuses the forgery too" "$(D verify-export "$T_TMP/forged.zip" 2>&1)" \
	"public_key.txt: the bundle is signed with a key that is not this archive's key"
head -c 100 /dev/urandom >"$T_TMP/junk.pem"
r=$(cd "$T_TMP/empty" && "$DOSSIER" verify-export --key "$T_TMP/junk.pem" "$T_TMP/aud.zip" 2>&1; echo "exit $?")
contains "--key with a file that is no public key: said so" "$r" \
	"$T_TMP/junk.pem is not an Ed25519 public key as 'dossier key' prints it"
contains "README.txt says how to pin the key" "$(unzip -p "$T_TMP/aud.zip" README.txt | tr -d '\r')" \
	"dossier verify-export --key ARCHIVE-KEY.pem THIS-FILE.zip"

# Tampering: each names the fault and fails.
cat >"$T_TMP/tamper.py" <<'EOF'
import sys, zipfile
src, dst, name, how = sys.argv[1:5]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w") as zo:
    for info in zi.infolist():
        data = zi.read(info.filename)
        if info.filename == name:
            if how == "byte":
                b = bytearray(data); b[len(b) // 2] ^= 0x01; data = bytes(b)
            else:
                data = data.replace(b"external audit 2026", b"external audit 2025")
        zo.writestr(info, data)
EOF
v() { "$DOSSIER" -A "$A" verify-export "$1" 2>&1; echo "exit $?"; }
python3 "$T_TMP/tamper.py" "$T_TMP/aud.zip" "$T_TMP/t1.zip" "documents/$n2/document.pdf" byte
r=$(v "$T_TMP/t1.zip")
contains "one changed byte in a PDF: named" "$r" "documents/$n2/document.pdf: SHA-256 differs from the manifest"
contains "one changed byte in a PDF: fails" "$r" "exit 1"
cp "$T_TMP/aud.zip" "$T_TMP/t2.zip"; zip -q -d "$T_TMP/t2.zip" "documents/$n3/metadata.json"
r=$(v "$T_TMP/t2.zip")
contains "a removed file: named" "$r" "missing file: documents/$n3/metadata.json"
contains "a removed file: fails" "$r" "exit 1"
cp "$T_TMP/aud.zip" "$T_TMP/t3.zip"; echo hello >"$T_TMP/extra.txt"; (cd "$T_TMP" && zip -q t3.zip extra.txt)
r=$(v "$T_TMP/t3.zip")
contains "an added file: named" "$r" "extra file not in the manifest: extra.txt"
contains "an added file: fails" "$r" "exit 1"
python3 "$T_TMP/tamper.py" "$T_TMP/aud.zip" "$T_TMP/t4.zip" manifest.json text
r=$(v "$T_TMP/t4.zip")
contains "a changed manifest: signature fault" "$r" "manifest signature does not verify"
contains "a changed manifest: fails" "$r" "exit 1"
head -c 5000 /dev/urandom >"$T_TMP/junk.zip"
r=$(v "$T_TMP/junk.zip")
contains "a file that is no ZIP: said so" "$r" "not a ZIP file, so not an export bundle"
contains "a file that is no ZIP: fails" "$r" "exit 1"
cat >"$T_TMP/mutate.py" <<'EOF'
import random, subprocess, sys, zipfile
dossier, src, tmp, key = sys.argv[1:5]
def same(a, b):
    # True when every member of b reads back as in a: the damage missed
    # the signed content, so accepting the bundle is right.
    try:
        with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
            if sorted(za.namelist()) != sorted(zb.namelist()):
                return False
            return all(za.read(n) == zb.read(n) for n in za.namelist())
    except Exception:
        return False
data = open(src, "rb").read()
random.seed(8)
bad = []
for i in range(40):
    b = bytearray(data)
    for _ in range(random.randint(1, 6)):
        b[random.randrange(len(b))] = random.randrange(256)
    if i % 5 == 0:
        b = b[:random.randrange(len(b))]
    open(tmp, "wb").write(b)
    r = subprocess.run([dossier, "verify-export", "--key", key, tmp],
                       capture_output=True)
    if r.returncode == 0 and same(src, tmp):
        continue    # only ZIP bookkeeping (a date, an attribute) was hit
    if r.returncode != 1:
        bad.append("%d:%d" % (i, r.returncode))
print(" ".join(bad) or "all refused")
EOF
is "40 randomly damaged bundles: each refused (exit 1) unless its content is untouched, none crashes" \
	"$(python3 "$T_TMP/mutate.py" "$DOSSIER" "$T_TMP/aud.zip" "$T_TMP/mut.zip" "$T_TMP/archive-key.pem")" "all refused"
head -c 30000 "$T_TMP/aud.zip" >"$T_TMP/cut.zip"
contains "a truncated bundle fails with an error, not a crash" "$(v "$T_TMP/cut.zip")" "exit 1"

# Originals, the metadata CSV, the audit log of a period.
as aud export --reason originals --originals 'category:CREDIT' -o "$T_TMP/orig.zip" >/dev/null
is "--originals adds each original scan" "$(unzip -Z1 "$T_TMP/orig.zip" | grep -c '/original\.png$')" 3
contains "a bundle with originals verifies" "$(D verify-export "$T_TMP/orig.zip")" "bundle verifies: 3 documents, 16 files"
as aud export --csv --reason sheet 'category:CREDIT' -o "$T_TMP/m.csv" >/dev/null
is "--csv: a header and one row per document, in archive-number order" \
	"$(cut -d, -f1 "$T_TMP/m.csv" | tr -d '\r' | tr '\n' ' ')" \
	"archive_no $(printf '%s\n' "$n1" "$n2" "$n3" | sort | tr '\n' ' ')"
# A value a spreadsheet would take for a formula is defused with a
# leading apostrophe: =, +, -, @, and a tab or carriage return before one.
D edit "$south" title=$'\t=HYPERLINK("http://evil.example/","x")' --reason "csv formula test" >/dev/null
D edit "$secret" title=$'\r+SUM(1;2)' --reason "csv formula test" >/dev/null
D edit "$own" title='@cmd' --reason "csv formula test" >/dev/null
as aud export --csv --reason sheet 'category:CREDIT' -o "$T_TMP/f.csv" >/dev/null
is "--csv: values starting with a tab, a carriage return or @ are defused" \
	"$(python3 -c 'import csv, sys, json; r = list(csv.DictReader(open(sys.argv[1], newline=""))); print(json.dumps(sorted(x["title"] for x in r)))' "$T_TMP/f.csv")" \
	'["'"'"'\t=HYPERLINK(\"http://evil.example/\",\"x\")", "'"'"'\r+SUM(1;2)", "'"'"'@cmd"]'
today=$(date -u +%F)
out=$(as aud export-audit --from "$today" --to "$today" -o "$T_TMP/audit.jsonl")
contains "export-audit reports the entries written" "$out" "audit entries to"
is "export-audit: JSON lines with the chain hashes, the exports among them" \
	"$(jq -s -c '[(map(select(.action == "export")) | length) >= 3, (.[0].hash | length)]' <"$T_TMP/audit.jsonl")" "[true,64]"
contains "export-audit needs audit_read" "$(as nora export-audit -o "$T_TMP/na.jsonl" 2>&1)" "may not audit_read"
D backup "$T_TMP/backup" >/dev/null 2>&1
is "a backup keeps the signing key: old bundles check against it" \
	"$("$DOSSIER" -A "$T_TMP/backup" verify-export "$T_TMP/aud.zip")" \
	"bundle verifies: 3 documents, 13 files; signed with this archive's key"
is "the key file is private to its owner" "$(stat -c %a "$T_TMP/backup/signing.key")" 600
check "the archive still verifies" sh -c "'$DOSSIER' -A '$A' verify >/dev/null"
finish
