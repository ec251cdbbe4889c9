#!/usr/bin/env bash
# Dates read from the page: how many generated documents that print a date
# get it right, and whether any gets a date it does not print.  Prints
# figures per set and in all; it is not a pass/fail test (daily.sh and the
# unit tests are).
#
# Usage (from the project root; `make bench-dates` does this):
#   bench/dates.sh BUILD_DIR
# Sets (gensamples, with ground truth JSON beside each scan):
#   demo     the `make run` demo's scans (scripts/demo-samples), with its
#            manifests (account, category, type; never a date)
#   samples  `gensamples --demo` (the tests' samples)
#   mixed    24 pages of every kind and format, skewed, dates printed in
#            mixed styles (seed 91)
#   idcopy   8 certified ID copies (dates of birth, issue and expiry
#            printed beside the document's own; seed 92)
#   chinese  8 Chinese pages, dates as 2023年11月14日 (seed 93)
# Everything temporary is under BUILD_DIR/bench/dates (made again each run).
set -eu -o pipefail
if [ $# -ne 1 ]; then
	echo "usage: bench/dates.sh BUILD_DIR" >&2
	exit 2
fi
BUILD=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
W="$BUILD/bench/dates"
G="$BUILD/gensamples"
D="$BUILD/dossier"
rm -rf "$W"
mkdir -p "$W"
"$HERE/../scripts/demo-samples" "$BUILD" "$BUILD/demo-set" >/dev/null
"$G" -o "$W/mixed" --count 24 --kind mixed --format mixed --seed 91 \
	--skew-range 3 --barcode mixed --date-style mixed >/dev/null 2>&1
"$G" -o "$W/idcopy" --count 8 --kind id-copy --format mixed --seed 92 \
	--skew-range 2 --date-style mixed >/dev/null 2>&1
"$G" -o "$W/chinese" --count 8 --kind mixed --lang chi_sim --format png \
	--seed 93 --date-style long >/dev/null 2>&1
files() { (cd "$1" && ls | grep -v '\.json$'); }
ingest() { # ingest SET DIR [OPTIONS...]: into its own archive
	local set=$1 dir=$2
	shift 2
	"$D" -A "$W/$set.archive" init >/dev/null
	echo "== $set: ingesting $(files "$dir" | wc -l) files"
	(cd "$dir" && "$D" -A "$W/$set.archive" ingest -j 2 "$@" $(files "$dir")) \
		>"$W/$set.log" 2>&1 || true
}
t0=$(date +%s)
ingest demo-en "$BUILD/demo-set/en" --manifest ../en.csv
ingest demo-zh "$BUILD/demo-set/zh" --lang chi_sim+eng --manifest ../zh.csv
ingest samples "$BUILD/samples/demo"
ingest mixed "$W/mixed"
ingest idcopy "$W/idcopy"
ingest chinese "$W/chinese" --lang chi_sim+eng
echo "== ingested in $(( $(date +%s) - t0 )) s"
for s in demo-en:"$BUILD/demo-set/en" demo-zh:"$BUILD/demo-set/zh" \
	samples:"$BUILD/samples/demo" mixed:"$W/mixed" idcopy:"$W/idcopy" \
	chinese:"$W/chinese"; do
	python3 "$HERE/dates_report.py" "$W/${s%%:*}.archive/catalogue.db" "${s#*:}" \
		>"$W/${s%%:*}.report"
	printf '%-8s %s\n' "${s%%:*}" "$(tail -1 "$W/${s%%:*}.report")"
done
echo
echo "== every set (each document's line: $W/*.report)"
python3 "$HERE/dates_report.py" --many \
	"$W/demo-en.archive/catalogue.db" "$BUILD/demo-set/en" \
	"$W/demo-zh.archive/catalogue.db" "$BUILD/demo-set/zh" \
	"$W/samples.archive/catalogue.db" "$BUILD/samples/demo" \
	"$W/mixed.archive/catalogue.db" "$W/mixed" \
	"$W/idcopy.archive/catalogue.db" "$W/idcopy" \
	"$W/chinese.archive/catalogue.db" "$W/chinese" | tail -8
