# classify.sh: learned classification.  Document-type accuracy stays at or
# above 95% in cross-validation on the generated set (eight types, seven
# categories); through the real pipeline, documents arriving without a
# cover sheet, manifest row or --category are suggested a category and
# type learned from what people filed, filed on it above the threshold
# (and marked so), sent to review with the suggestion and its confidence
# below it; a person's correction teaches the model; a clerk is never
# shown a customer they may not see.
. tests/tap.sh
A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }

out=$("$BUILD/bench/classify_bench" --docs 400 --folds 5 --check-type 95)
rc=$?
echo "$out" | sed 's/^/# /'
is "document types at least 95% right in 5-fold cross-validation (generated set)" "$rc" 0
contains "the bench reports each kind" "$out" "customer  accuracy"

# Training: four of each kind of page, filed by a person (manifest).
mkdir -p "$T_TMP/train" "$T_TMP/new"
for k in letter account-form contract invoice; do
	"$GENSAMPLES" -o "$T_TMP/train" --kind "$k" --count 4 --seed 31 --format tiff-g4 \
		--noise 0 --prefix "t-$k" >/dev/null 2>&1
	"$GENSAMPLES" -o "$T_TMP/new" --kind "$k" --count 1 --seed 77 --format tiff-g4 \
		--noise 0 --prefix "n-$k" >/dev/null 2>&1
done
{
	echo "file,category,type"
	for f in "$T_TMP"/train/*.tif; do
		case "$f" in
		*letter*) echo "$(basename "$f"),DAILY,letter" ;;
		*account-form*) echo "$(basename "$f"),BASIC,application_form" ;;
		*contract*) echo "$(basename "$f"),CONTRACT,loan_contract" ;;
		*invoice*) echo "$(basename "$f"),DAILY,invoice" ;;
		esac
	done
} >"$T_TMP/train.csv"
D init >/dev/null
D ingest -j 2 --manifest "$T_TMP/train.csv" "$T_TMP"/train/*.tif >/dev/null 2>&1
is "sixteen documents filed by a person" \
	"$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM document WHERE status = 'archived' AND category IS NOT NULL AND filed_by IS NULL")" 16

# A clerk scans the new pages with no category at all: threshold 101
# (never file unseen): each goes to review with its suggestion.
echo "clerk-pass-1" | D user add cle --role clerk >/dev/null
printf '[ingest]\nclassify_threshold = 101\n' >"$T_TMP/strict.conf"
echo "clerk-pass-1" | "$DOSSIER" -A "$A" -c "$T_TMP/strict.conf" --as cle ingest --json \
	"$T_TMP/new/n-letter-0001.tif" "$T_TMP/new/n-contract-0001.tif" >"$T_TMP/strict.json" 2>/dev/null
is "below the threshold nothing leaves review" \
	"$(jq -c '[.documents[].status]' "$T_TMP/strict.json")" '["review","review"]'
contains "the reason names the suggestion and its confidence" \
	"$(jq -r '.documents[0].review_reason' "$T_TMP/strict.json")" "no category given; suggested DAILY ("
rev=$(echo "clerk-pass-1" | D --as cle review --json 2>/dev/null)
is "the review queue shows each suggestion with its confidence" \
	"$(echo "$rev" | jq -c '[.[] | [.suggestion.category.value, .suggestion.doc_type.value, (.suggestion.category.confidence | type)]]')" \
	'[["DAILY","letter","number"],["CONTRACT","loan_contract","number"]]'
is "no customer the clerk may not see is suggested, not even named" \
	"$(echo "$rev" | jq -c '[.[] | .suggestion.customer]')" '[null,null]'

# The default threshold (90): confident suggestions are filed and marked.
out=$(D ingest --json "$T_TMP/new/n-account-form-0001.tif" "$T_TMP/new/n-invoice-0001.tif" 2>/dev/null)
ids=$(echo "$out" | jq -r '[.documents[].id] | join(",")')
got=$(sqlite3 "$A/catalogue.db" "SELECT group_concat(status || ':' || coalesce(category, '-') || ':' || coalesce(doc_type, '-') || ':' || coalesce(filed_by, '-'), ' ') FROM document WHERE id IN ($ids)")
is "filed on the suggestion above the threshold, and marked as such" "$got" \
	"archived:BASIC:application_form:model archived:DAILY:invoice:model"
check "suggestions are kept with the documents" \
	test "$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM document WHERE id IN ($ids) AND json_extract(suggestion, '$.category.confidence') >= 90")" -eq 2

# A person's filing in review confirms; the next ingest learns from it.
rid=$(jq -r '.documents[1].id' "$T_TMP/strict.json")
D review --json >/dev/null
n0=$(sqlite3 "$A/catalogue.db" "SELECT coalesce(sum(docs), 0) FROM clf_label WHERE kind = 1 AND label = 'loan_contract'")
echo "clerk-pass-1" | D --as cle edit "$rid" --reason "checked in review" category=CONTRACT doc_type=loan_contract >/dev/null 2>&1
sqlite3 "$A/catalogue.db" "UPDATE document SET status = 'archived' WHERE id = $rid"
"$GENSAMPLES" -o "$T_TMP/more" --kind letter --count 1 --seed 78 --format tiff-g4 --noise 0 \
	--prefix m >/dev/null 2>&1
D ingest "$T_TMP/more/m-0001.tif" >/dev/null 2>&1 # the next ingest learns first
n1=$(sqlite3 "$A/catalogue.db" "SELECT coalesce(sum(docs), 0) FROM clf_label WHERE kind = 1 AND label = 'loan_contract'")
is "a document a person filed teaches the model" "$((n1 - n0))" 1
check "verify passes" D verify
finish
