#!/usr/bin/env python3
"""dates_report.py: how well ingest reads a document's date from its pages.

Usage: dates_report.py CATALOGUE.db SAMPLE_DIR...
       dates_report.py --many CATALOGUE.db SAMPLE_DIR [CATALOGUE.db SAMPLE_DIR]...

Each sample's ground truth JSON (gensamples) says the date printed on the
document as its own (null when it prints none).  Every document the
archive filed from those files is compared with it:
  right    the document's date is the printed one
  missed   a date is printed but none was taken
  other    a date was taken that is printed on the document but is not
           its date (a date of birth, a due date)
  invented a date was taken that the document does not print at all
  quiet    no date printed and none taken
Prints a table and the figures; exit status 0 (a benchmark, not a test).
"""
import datetime
import glob
import json
import os
import sqlite3
import sys

DOC_KINDS = {"letter", "account-form", "contract", "invoice", "id-copy"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


def forms(iso):
    """The ways a date may be printed, to see whether one is printed."""
    d = datetime.date.fromisoformat(iso)
    m = MONTHS[d.month - 1]
    return {iso, iso.replace("-", "/"), iso.replace("-", "."),
            "%02d/%02d/%04d" % (d.day, d.month, d.year),
            "%02d.%02d.%04d" % (d.day, d.month, d.year),
            "%02d/%02d/%04d" % (d.month, d.day, d.year),
            "%d %s %d" % (d.day, m, d.year), "%s %d, %d" % (m, d.day, d.year),
            "%d %s %d" % (d.day, m[:3], d.year),
            "%d年%d月%d日" % (d.year, d.month, d.day)}


def printed(iso, text):
    flat = text.replace(" ", "")
    return any(f in text or f.replace(" ", "") in flat for f in forms(iso))


def truth(dirs):
    """{source file name: [(date or None, text)] per document}."""
    out = {}
    for d in dirs:
        for path in sorted(glob.glob(os.path.join(d, "*.json"))):
            try:
                j = json.load(open(path, encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if "file" not in j:
                continue
            if "documents" in j:
                pages = j["pages"]
                docs = []
                for doc in j["documents"]:
                    idx = [i - j.get("page_index_base", 0) for i in doc["pages"]]
                    text = "\n".join(pages[i].get("text", "") for i in idx)
                    docs.append((pages[idx[0]].get("date"), text))
                out[j["file"]] = docs
            elif j.get("kind") in DOC_KINDS:
                out[j["file"]] = [(j.get("date"), j.get("text", ""))]
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    # --many DB DIR DB DIR ...: pairs, summed.
    pairs = ([(sys.argv[i], [sys.argv[i + 1]]) for i in range(2, len(sys.argv) - 1, 2)]
             if sys.argv[1] == "--many" else [(sys.argv[1], sys.argv[2:])])
    counts = {k: 0 for k in ("right", "missed", "other", "invented", "quiet")}
    printed_docs = 0
    for dbpath, dirs in pairs:
        printed_docs += compare(dbpath, dirs, counts)
    print()
    print("documents: %d (%d print a date of their own)" % (
        sum(counts.values()), printed_docs))
    for k, v in counts.items():
        print("  %-9s %d" % (k, v))
    if printed_docs:
        print("right: %d of %d documents that print a date (%.1f %%); "
              "a date not printed on the document: %d" % (
                  counts["right"], printed_docs,
                  100.0 * counts["right"] / printed_docs, counts["invented"]))
    return 0


def compare(dbpath, dirs, counts):
    """Prints each document's line; adds to counts; returns how many of
    the filed documents print a date of their own."""
    db = sqlite3.connect(dbpath)
    gt = truth(dirs)
    printed_docs = 0
    rows = db.execute("SELECT s.name, d.id, d.doc_date, d.title, "
                      "coalesce(d.date_note, '') FROM document d JOIN source s "
                      "ON s.id = d.source_id ORDER BY s.name, d.id").fetchall()
    bysrc = {}
    for name, did, date, title, note in rows:
        bysrc.setdefault(name, []).append((did, date, title, note))
    lines = []
    for name, docs in sorted(gt.items()):
        got = bysrc.get(name, [])
        for k, (want, text) in enumerate(docs):
            if k >= len(got):
                continue  # not filed (a bad scan): not a date read
            did, date, title, note = got[k]
            printed_docs += 1 if want else 0
            if want is None:
                verdict = "quiet" if date is None else (
                    "other" if printed(date, text) else "invented")
            elif date == want:
                verdict = "right"
            elif date is None:
                verdict = "missed"
            else:
                verdict = "other" if printed(date, text) else "invented"
            counts[verdict] += 1
            lines.append("%-28s %-8s want %-10s got %-10s %s | %s" % (
                name, verdict, want or "-", date or "-", title, note))
    for line in lines:
        print(line)
    return printed_docs


if __name__ == "__main__":
    sys.exit(main())
