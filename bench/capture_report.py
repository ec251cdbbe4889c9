#!/usr/bin/env python3
"""Figures for bench/capture.sh (issue 24): per kind of page, for dossier,
plain tesseract and OCRmyPDF side by side: word recall (order-free), character
error rate, amounts and ID numbers read exactly, barcodes and account numbers
found, time per page; each target beside its figure with met / NOT met.
Python standard library only.

Usage:
    capture_report.py WORK DOSSIER OUT_JSON
    capture_report.py selftest

WORK holds what bench/capture.sh left: items.tsv (kind, page file, truth),
results.txt (timings), logs/dossier-KIND.out (ingest --json), arch-KIND/,
tess/NAME.txt, ocrmypdf/NAME.txt (pdftotext, pages split by form feed).

Scoring:
  tokens     Latin text: blank-separated words with leading and trailing
             punctuation trimmed; Chinese: every Han character is a token
             (OCR puts blanks between them, or not)
  recall     order-free: sum over truth tokens of min(count in truth, count
             in OCR) / number of truth tokens
  CER        Levenshtein / truth length, whitespace collapsed, blanks
             between Han characters dropped
  amounts, IDs  each printed value found whole in the OCR text (blanks
             removed, not inside a longer number)
  barcodes   dossier only (the others read none): type and value as printed
  account    in the OCR text, or (dossier) in a barcode it read
"""

import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_report import levenshtein  # noqa: E402

TOOLS = ["dossier", "tesseract", "ocrmypdf"]
PUNCT = ".,;:!?()[]{}\"'|*`_<>«»“”‘’"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_PUNCT = set("，。、；：！？（）《》“”【】")
TARGET_RECALL = 0.98
TARGET_EXACT = 0.98


def tokens(text):
    out = []
    word = []

    def flush():
        if word:
            w = "".join(word).strip(PUNCT)
            if w:
                out.append(w)
            word.clear()

    for ch in text or "":
        if HAN.match(ch):
            flush()
            out.append(ch)
        elif ch.isspace() or ch in CJK_PUNCT:
            flush()
        else:
            word.append(ch)
    flush()
    return out


def recall(ocr, truth):
    t = collections.Counter(tokens(truth))
    if not t:
        return None
    o = collections.Counter(tokens(ocr))
    return sum(min(c, o[w]) for w, c in t.items()) / sum(t.values())


def norm_cer(s):
    s = re.sub(r"\s+", " ", s or "").strip()
    return re.sub(r"(?<=[\u3400-\u9fff\uff00-\uffef，。、；：]) (?=[\u3400-\u9fff\uff00-\uffef，。、；：])", "", s)


def cer(ocr, truth):
    t = norm_cer(truth)
    if not t:
        return None
    return levenshtein(norm_cer(ocr), t) / len(t)


def found(value, text):
    """value whole in text (OCR may put a blank inside it), not part of a
    longer number or word."""
    v = re.sub(r"\s+", "", value)
    pat = r"\s?".join(re.escape(c) for c in v)
    flat = re.sub(r"\s+", " ", text or "")
    for m in re.finditer(pat, flat):
        a, b = m.start(), m.end()
        before = flat[a - 1] if a > 0 else ""
        after = flat[b] if b < len(flat) else ""
        if v[0].isdigit() and (before.isdigit() or before in ",."):
            continue
        if v[-1].isdigit() and (after.isdigit() or (after in ",." and
                                                    flat[b + 1:b + 2].isdigit())):
            continue
        if v[0].isalnum() and not v[0].isdigit() and before.isalnum():
            continue
        if v[-1].isalnum() and not v[-1].isdigit() and after.isalnum():
            continue
        return True
    return False


def selftest():
    bad = 0
    cases = [
        (recall("the cat the", "the the cat dog"), 0.75),
        (recall("王 芳", "王芳"), 1.0),
        (found("1,234.56", "EUR 1,234.56 paid"), True),
        (found("1,234.56", "EUR 11,234.56 paid"), False),
        (found("1,234.56", "EUR 1, 234.56"), True),
        (found("2,496.54", "shop 2,496.54 10,842.42"), True),
        (found("2,496.54", "shop 2,496.541"), False),
        (found("ACC-2021-000001", "Account: ACC-2021-000001."), True),
        (found("234.56", "1,234.56"), False),
        (tokens("Hello, world! (x)"), ["Hello", "world", "x"]),
        (round(cer("abc", "abd"), 3), 0.333),
        (cer("王 芳 好", "王芳好"), 0.0),
    ]
    for i, (got, want) in enumerate(cases):
        if got != want:
            print("selftest case %d: got %r, want %r" % (i, got, want))
            bad += 1
    print("capture_report selftest: %d cases, %d failed" % (len(cases), bad))
    return 1 if bad else 0


# ---------------------------------------------------------------- inputs

def read_results(work):
    vals, skips = {}, []
    with open(os.path.join(work, "results.txt"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition(" ")
            if k == "skip":
                skips.append(v)
            elif k:
                vals[k] = v
    return vals, skips


def num(vals, k):
    try:
        return float(vals[k])
    except (KeyError, ValueError):
        return None


def load_truth(path):
    """{text, amounts, ids, account, barcodes} from a JSON or a text file."""
    if path == "-":
        return {"text": None, "amounts": [], "ids": [], "account": None, "barcodes": []}
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            t = json.load(f)
        return {"text": t["text"], "amounts": t.get("amounts", []),
                "ids": t.get("ids", []), "account": t.get("account"),
                "barcodes": t.get("barcodes", []), "rotation": t.get("rotation", 0)}
    with open(path, encoding="utf-8", errors="replace") as f:
        return {"text": f.read(), "amounts": [], "ids": [], "account": None, "barcodes": []}


def dossier_pages(dossier, work, kind, ndocs):
    """file base name -> list of page objects (by source page), with the
    document's status and review reason; ndocs: base name -> documents."""
    out = {}
    try:
        with open(os.path.join(work, "logs", "dossier-%s.out" % kind), encoding="utf-8") as f:
            docs = json.load(f).get("documents", [])
    except (OSError, ValueError):
        return out
    arch = os.path.join(work, "arch-" + kind)
    for d in docs:
        r = subprocess.run([dossier, "-A", arch, "show", "--json", str(d["id"])],
                           capture_output=True, text=True)
        if r.returncode != 0:
            continue
        doc = json.loads(r.stdout)
        ndocs[doc["title"]] = ndocs.get(doc["title"], 0) + 1
        for p in doc.get("pages", []):
            p["_status"] = doc.get("status")
            p["_reason"] = doc.get("review_reason")
            out.setdefault(doc["title"], []).append(p)
    for v in out.values():
        v.sort(key=lambda p: p.get("source_index", 0))
    return out


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


# ---------------------------------------------------------------- scoring

def score(work, dossier):
    vals, skips = read_results(work)
    items = []
    with open(os.path.join(work, "items.tsv"), encoding="utf-8") as f:
        for line in f:
            k, path, truth = line.rstrip("\n").split("\t")
            items.append((k, path, truth))
    kinds = []
    for k, _, _ in items:
        if k not in kinds:
            kinds.append(k)
    res = {"set": vals.get("set"), "seed": vals.get("seed"), "git": vals.get("git"),
           "loadavg_start": vals.get("loadavg_start"), "loadavg_end": vals.get("loadavg_end"),
           "tesseract": vals.get("tesseract_version"), "ocrmypdf": vals.get("ocrmypdf_version"),
           "skipped": skips, "kinds": {}, "silent_loss": []}
    for kind in kinds:
        ndocs = {}
        dp = dossier_pages(dossier, work, kind, ndocs)
        tess_list = read_text(os.path.join(work, "tess", kind + ".list")) or ""
        tess_pages = [l for l in tess_list.splitlines() if l]
        per = {t: collections.defaultdict(list) for t in TOOLS}
        npages = 0
        review = 0
        for k, path, tpath in items:
            if k != kind:
                continue
            truth = load_truth(tpath)
            base = os.path.basename(path)
            stem = base.rsplit(".", 1)[0]
            dpages = dp.get(base, [])
            # tesseract: one text per page (PDF pages rendered NAME-N.png)
            tt = [read_text(os.path.join(work, "tess", os.path.basename(p).rsplit(".", 1)[0] + ".txt"))
                  for p in tess_pages if os.path.basename(p) == base or
                  os.path.basename(p).startswith(stem + "-")]
            ot = read_text(os.path.join(work, "ocrmypdf", stem + ".txt"))
            opages = ot.split("\f") if ot is not None else []
            n = max(len(dpages), len(tt), 1)
            for i in range(n):
                npages += 1
                texts = {
                    "dossier": dpages[i]["text"] if i < len(dpages) else None,
                    "tesseract": tt[i] if i < len(tt) else None,
                    "ocrmypdf": opages[i] if i < len(opages) else None,
                }
                bcs = dpages[i].get("barcodes") or [] if i < len(dpages) else []
                if i < len(dpages) and dpages[i]["_status"] == "review":
                    review += 1
                for tool, text in texts.items():
                    m = per[tool]
                    if text is None:
                        if truth["text"] is not None:
                            m["missing"].append(1)
                        text = ""
                    if truth["text"] is not None:
                        m["recall"].append(recall(text, truth["text"]))
                        m["cer"].append(cer(text, truth["text"]))
                    for a in truth["amounts"]:
                        m["amounts"].append(found(a, text))
                    for v in truth["ids"]:
                        m["ids"].append(found(v, text))
                    if truth["account"]:
                        hit = found(truth["account"], text) or (
                            tool == "dossier" and any(b.get("value") == truth["account"] for b in bcs))
                        m["account"].append(hit)
                    if tool == "dossier":
                        for b in truth["barcodes"]:
                            m["barcodes"].append(any(x.get("type") == b["type"] and
                                                     x.get("value") == b["value"] for x in bcs))
                        if kind == "corpus-fax" and i == 0:
                            # Its separator (page 2) cuts it in two documents.
                            m["barcodes"].append(ndocs.get(base) == 2)
                        if (truth["text"] is not None and m["recall"][-1] is not None and
                                m["recall"][-1] < 0.9 and i < len(dpages) and
                                dpages[i]["_status"] != "review"):
                            res["silent_loss"].append("%s page %d (recall %.0f%%)" % (
                                base, i + 1, 100 * m["recall"][-1]))
        row = {"pages": npages, "lang": vals.get(kind + ".lang"), "review": review}
        for tool in TOOLS:
            m = per[tool]
            wall = num(vals, "%s_%s.wall" % (tool, kind))
            rc = num(vals, "%s_%s.rc" % (tool, kind))

            def avg(xs):
                xs = [x for x in xs if x is not None]
                return sum(xs) / len(xs) if xs else None

            row[tool] = {
                "recall": avg(m["recall"]), "cer": avg(m["cer"]),
                "min_recall": min([x for x in m["recall"] if x is not None], default=None),
                "amounts": (sum(m["amounts"]), len(m["amounts"])),
                "ids": (sum(m["ids"]), len(m["ids"])),
                "account": (sum(m["account"]), len(m["account"])),
                "barcodes": (sum(m["barcodes"]), len(m["barcodes"])),
                "s_per_page": wall / npages if wall is not None and npages else None,
                "other_cores": num(vals, "%s_%s.other" % (tool, kind)),
                "ran": wall is not None, "exit": rc,
                "missing": len(m["missing"]),
            }
        res["kinds"][kind] = row
    return res


# ---------------------------------------------------------------- printing

def pct(x):
    return "-" if x is None else "%.1f%%" % (100 * x)


def frac(t):
    k, n = t
    return "-" if n == 0 else "%d/%d" % (k, n)


def verdict(ok):
    return "met" if ok else "NOT met"


def print_table(res):
    P = print
    P("")
    P("=" * 100)
    P("dossier capture benchmark (issue 24): set '%s' seed %s | git %s | tesseract %s | %s"
      % (res["set"], res["seed"] or "1", res["git"], res["tesseract"],
         res["ocrmypdf"] or "ocrmypdf -"))
    P("load average at start %s, at end %s" % (res["loadavg_start"], res["loadavg_end"]))
    P("=" * 100)
    hdr = "  %-10s %8s %8s %9s %9s %9s %9s %9s %7s"
    P(hdr % ("tool", "recall", "min", "CER", "amounts", "IDs", "account", "barcodes", "s/page"))
    for kind, row in res["kinds"].items():
        P("\n%s: %d page(s), languages %s; dossier sent %d to review"
          % (kind, row["pages"], row["lang"], row["review"]))
        for tool in TOOLS:
            m = row[tool]
            if not m["ran"]:
                P("  %-10s (not run)" % tool)
                continue
            P(hdr % (tool, pct(m["recall"]), pct(m["min_recall"]), pct(m["cer"]),
                     frac(m["amounts"]), frac(m["ids"]), frac(m["account"]),
                     frac(m["barcodes"]) if tool == "dossier" else "-",
                     "-" if m["s_per_page"] is None else "%.2f" % m["s_per_page"]))
            if m["missing"]:
                P("  %-10s %d page(s) without output" % ("", m["missing"]))
        d = row["dossier"]
        if d["ran"] and d["recall"] is not None:
            best = max([row[t]["recall"] or 0 for t in TOOLS[1:] if row[t]["ran"]], default=0)
            P("  target recall >= 98%%: %s; >= tesseract and OCRmyPDF (%s): %s"
              % (verdict(d["recall"] >= TARGET_RECALL), pct(best),
                 verdict(d["recall"] >= best - 1e-9)))
        for key, label in (("amounts", "amounts exact"), ("ids", "IDs exact")):
            k, n = d[key]
            if n:
                P("  target %s >= 98%%: %.1f%% %s" % (label, 100 * k / n,
                                                      verdict(k / n >= TARGET_EXACT)))
        for key, label in (("account", "account found on every page"),
                           ("barcodes", "every barcode found")):
            k, n = d[key]
            if n:
                P("  target %s: %d/%d %s" % (label, k, n, verdict(k == n)))
    P("\nQuality gate: pages dossier read under 90% of the words of and did not send to review:")
    P("  %s" % (", ".join(res["silent_loss"]) if res["silent_loss"] else "none"))
    P("  target none: %s" % verdict(not res["silent_loss"]))
    if res["skipped"]:
        P("\nSkipped: " + "; ".join(res["skipped"]))
    P("\n(s/page: wall time of the tool over the kind's pages / pages: dossier as one batch -j1 "
      "with languages = auto,\n tesseract and OCRmyPDF one process per page, so their start-up "
      "counts; 'min' is the worst page's recall)")


def main(argv):
    if len(argv) == 2 and argv[1] == "selftest":
        return selftest()
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    res = score(argv[1], argv[2])
    print_table(res)
    with open(argv[3], "w", encoding="utf-8") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    print("\nfigures also in %s" % argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
