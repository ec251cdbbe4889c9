#!/usr/bin/env python3
"""Figures for bench/ingest.sh: reads what the shell script left in its work
folder, prints a table on stdout and writes the same figures as one JSON
object.  Python standard library only.

Usage:
    ingest_report.py report WORK DOSSIER OUT_JSON
    ingest_report.py selftest          (checks the edit distance against a plain DP)

WORK holds (all written by bench/ingest.sh):
    results.txt         "key value" lines: wall times, exit codes, page counts,
                        notes; "skip NAME reason..." for each skipped part
    pages/              bench-NNNN.tif and bench-NNNN.json (ground truth)
    logs/RUN.out|.err   stdout (--json) and stderr (--stats) of each dossier run
    arch-RUN/           the archive of each dossier run
    tess-1/             plain tesseract output, one .txt per page
    ocrmypdf/out.txt    pdftotext of OCRmyPDF's output, pages split by form feed
    linn-tess.txt       plain tesseract on ../shared/corpus/ocrmypdf/linn.png
"""

import glob
import json
import os
import random
import re
import subprocess
import sys

STAGES = ["decode", "prepare", "orient", "deskew", "ocr", "barcode", "encode", "commit"]
DOSSIER_RUNS = [  # (key, label): one fresh archive each
    ("dossier_j1", "dossier -j1"),
    ("dossier_j2", "dossier -j2"),
    ("dossier_j2_no_deskew", "dossier -j2 --no-deskew"),
    ("dossier_j2_b", "dossier -j2 (again)"),
    ("dossier_before_j2", "before -j2"),
    ("dossier_before_j2_b", "before -j2 (again)"),
]


# ---------------------------------------------------------------- text metrics

def normalise(s):
    """Collapse every run of whitespace to one space and strip the ends."""
    return re.sub(r"\s+", " ", s).strip()


def levenshtein(a, b):
    """Edit distance (insert, delete, substitute: cost 1 each).

    Bit-parallel algorithm of Myers (1999) in the form of Hyyro (2001): one
    column of the DP matrix is held as two bit vectors (vertical +1 / -1
    deltas) in Python integers, so each character of `a` costs a handful of
    big-integer operations instead of len(b) Python steps.  A 3000 x 3000
    pair takes milliseconds instead of seconds.  `selftest` checks it against
    the plain rolling-row DP.
    """
    # Common prefix and suffix never change the distance.
    i = 0
    n = min(len(a), len(b))
    while i < n and a[i] == b[i]:
        i += 1
    a, b = a[i:], b[i:]
    j = 0
    n = min(len(a), len(b))
    while j < n and a[-1 - j] == b[-1 - j]:
        j += 1
    if j:
        a, b = a[:-j], b[:-j]
    if not a or not b:
        return len(a) + len(b)

    m = len(b)                      # b is the "pattern": one bit per char
    peq = {}                        # char -> bit mask of its places in b
    for k, c in enumerate(b):
        peq[c] = peq.get(c, 0) | (1 << k)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    pv, mv, score = mask, 0, m      # column 0: D[0][k] = k, all deltas +1
    for c in a:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & mask
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | 1) & mask  # row 0 grows by 1 per column
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
    return score


def levenshtein_dp(a, b):
    """Plain O(n*m) DP with one rolling row: the reference for selftest."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1,
                           prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cer(ocr, truth):
    """Character error rate after whitespace normalisation."""
    o, t = normalise(ocr), normalise(truth)
    if not t:
        return None
    return levenshtein(o, t) / len(t)


def selftest():
    rnd = random.Random(1)
    cases = [("", ""), ("a", ""), ("", "abc"), ("kitten", "sitting"),
             ("flaw", "lawn"), ("abc", "abc")]
    for _ in range(400):
        alpha = rnd.choice(["ab", "abc ", "abcdefghij \n"])
        cases.append(("".join(rnd.choice(alpha) for _ in range(rnd.randint(0, 90))),
                      "".join(rnd.choice(alpha) for _ in range(rnd.randint(0, 90)))))
    bad = 0
    for a, b in cases:
        if levenshtein(a, b) != levenshtein_dp(a, b):
            bad += 1
            print("MISMATCH", repr(a), repr(b), levenshtein(a, b), levenshtein_dp(a, b))
    print("levenshtein selftest: %d cases, %d mismatches" % (len(cases), bad))
    return 1 if bad else 0


# ---------------------------------------------------------------- inputs

def read_results(work):
    """results.txt -> (dict key -> value string, list of (name, reason) skips)."""
    vals, skips = {}, []
    path = os.path.join(work, "results.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line:
                    continue
                key, _, val = line.partition(" ")
                if key == "skip":
                    name, _, why = val.partition(" ")
                    skips.append((name, why))
                else:
                    vals[key] = val
    return vals, skips


def num(vals, key):
    try:
        return float(vals[key])
    except (KeyError, ValueError):
        return None


def read_stats(errfile):
    """The --stats object: the last stderr line that parses as {"stats":...}."""
    try:
        with open(errfile, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)["stats"]
            except (ValueError, KeyError):
                pass
    return None


def show_pages(dossier, arch, outfile):
    """base name -> first page object of `dossier show --json`, for every
    document listed in the ingest --json output."""
    try:
        with open(outfile, encoding="utf-8") as f:
            docs = json.load(f).get("documents", [])
    except (OSError, ValueError):
        return {}
    pages = {}
    for d in docs:
        r = subprocess.run([dossier, "-A", arch, "show", "--json", str(d["id"])],
                           capture_output=True, text=True)
        if r.returncode != 0:
            continue
        doc = json.loads(r.stdout)
        if doc.get("pages"):
            pages[doc["title"]] = doc["pages"][0]   # mapped by file base name
    return pages


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


# ---------------------------------------------------------------- formatting

def f(x, fmt="%.1f", none="-"):
    return none if x is None else fmt % x


def pct(x, digits=2):
    return "-" if x is None else "%.*f%%" % (digits, 100 * x)


def ratio_line(label, r, target, op):
    if r is None:
        return "  %-44s %8s" % (label, "-")
    ok = (r >= target) if op == ">=" else (r < target)
    return "  %-44s %8.2f   (target %s %g: %s)" % (label, r, op, target,
                                                    "met" if ok else "NOT met")


# ---------------------------------------------------------------- report

def report(work, dossier, out_json):
    vals, skips = read_results(work)
    truth = {}
    for p in sorted(glob.glob(os.path.join(work, "pages", "*.json"))):
        with open(p, encoding="utf-8") as fh:
            t = json.load(fh)
        truth[t["file"]] = t
    names = sorted(truth)
    n = len(names)
    res = {"pages": n, "skipped": [{"what": a, "why": b} for a, b in skips],
           "runs": {}, "ratios": {}, "outside_ocr": {}, "cer": {}, "skew": {},
           "notes": []}
    for k in ("started", "git", "seed", "loadavg_start", "loadavg_end", "nproc",
              "tesseract_version", "ocrmypdf_version", "elapsed_s"):
        if k in vals:
            res[k] = num(vals, k) if k == "elapsed_s" else vals[k]

    # --- throughput: dossier runs (wall time measured by the script)
    shown = {}
    for key, label in DOSSIER_RUNS:
        wall = num(vals, key + ".wall")
        if wall is None:
            continue
        st = read_stats(os.path.join(work, "logs", key + ".err"))
        pages = st["pages"] if st else n
        run = {"label": label, "wall_s": wall, "pages": pages,
               "pages_per_min": pages * 60 / wall if wall > 0 else None,
               "exit": int(num(vals, key + ".rc") or 0),
               "cpu_s": num(vals, key + ".cpu_s"),
               "other_cores": num(vals, key + ".other"), "stats": st}
        res["runs"][key] = run
        binary = dossier
        if key.startswith("dossier_before"):
            binary = os.path.join(work, "bin", "dossier-before")
        shown[key] = show_pages(binary, os.path.join(work, "arch-" + key),
                                os.path.join(work, "logs", key + ".out"))
        if st and st.get("pages") != n:
            res["notes"].append("%s: --stats counted %s pages, expected %d"
                                % (label, st.get("pages"), n))
        if len(shown[key]) != n:
            res["notes"].append("%s: %d of %d pages found with dossier show"
                                % (label, len(shown[key]), n))
        if run["exit"] != 0:
            res["notes"].append("%s exited with status %d (see logs/%s.err)"
                                % (label, run["exit"], key))

    # --- throughput: baselines
    for key, label in (("tesseract_1proc", "tesseract, 1 process"),
                       ("tesseract_2proc", "tesseract, 2 processes"),
                       ("ocrmypdf", "OCRmyPDF --jobs 2")):
        wall = num(vals, key + ".wall")
        if wall is None:
            continue
        pages = int(num(vals, key + ".pages") or n)
        run = {"label": label, "wall_s": wall, "pages": pages,
               "pages_per_min": pages * 60 / wall if wall > 0 else None,
               "exit": int(num(vals, key + ".rc") or 0),
               "cpu_s": num(vals, key + ".cpu_s"),
               "other_cores": num(vals, key + ".other")}
        if key == "ocrmypdf":
            run["input"] = vals.get("ocrmypdf.input", "")
            run["convert_s"] = num(vals, "ocrmypdf.convert_s")
        res["runs"][key] = run
        if run["exit"] != 0:
            res["notes"].append("%s exited with status %d%s" % (
                label, run["exit"], " (timed out)" if run["exit"] == 124 else ""))

    busy = [r["label"] for r in res["runs"].values()
            if (r.get("other_cores") or 0) >= 0.15]
    if busy:
        res["notes"].append("other processes used CPU during: %s; those timings are "
                            "pessimistic (see the 'others' column)" % ", ".join(busy))

    def ppm(key):
        r = res["runs"].get(key)
        return r["pages_per_min"] if r and r["exit"] == 0 else None

    def div(a, b):
        return a / b if a is not None and b else None

    # dossier -j2: the mean of its runs (one, or two with BENCH_BEFORE)
    j2 = mean([ppm(k) for k in ("dossier_j2", "dossier_j2_b")])
    res["ratios"] = {
        "dossier_j2_over_tesseract_2proc": {
            "value": div(j2, ppm("tesseract_2proc")), "target": ">= 1.0"},
        "dossier_j2_over_ocrmypdf": {
            "value": div(j2, ppm("ocrmypdf")), "target": ">= 3.5"},
        "dossier_j1_over_tesseract_1proc": {
            "value": div(ppm("dossier_j1"), ppm("tesseract_1proc")), "target": None},
    }

    # --- before and after (BENCH_BEFORE): throughput and CER on the same
    # pages in the same run, each run twice in turn
    aft = [ppm(k) for k in ("dossier_j2", "dossier_j2_b") if ppm(k)]
    bef = [ppm(k) for k in ("dossier_before_j2", "dossier_before_j2_b") if ppm(k)]
    if aft and bef:
        res["before_after"] = {
            "binary": vals.get("before.binary"),
            "before_pages_per_min": mean(bef), "after_pages_per_min": mean(aft),
            "ratio": mean(aft) / mean(bef), "target": ">= 0.95"}

    # --- work outside OCR, from --stats
    for key, _ in DOSSIER_RUNS:
        st = (res["runs"].get(key) or {}).get("stats")
        if st:
            ms = st["stage_ms_per_page"]
            other = sum(ms.get(s, 0) for s in STAGES if s != "ocr")
            res["outside_ocr"][key] = {
                "ms_per_page": other,
                "pct_of_ocr": 100 * other / ms["ocr"] if ms.get("ocr") else None,
                "target": "< 10%"}

    # --- character error rate on the bench pages
    def page_cers(textof):
        out = {}
        for nm in names:
            t = textof(nm)
            if t is not None:
                out[nm] = cer(t, truth[nm]["text"])
        return out

    per_page = {}
    for key, label in DOSSIER_RUNS:
        if shown.get(key):
            per_page[key] = page_cers(lambda nm, k=key: shown[k].get(nm, {}).get("text"))

    def tess_text(nm):
        p = os.path.join(work, "tess-1", nm.rsplit(".", 1)[0] + ".txt")
        if os.path.exists(p):
            with open(p, encoding="utf-8", errors="replace") as fh:
                return fh.read()
        return None

    if "tesseract_1proc" in res["runs"]:
        per_page["tesseract"] = page_cers(tess_text)

    # OCRmyPDF's text layer (pdftotext, one form feed per page), informational.
    otxt = os.path.join(work, "ocrmypdf", "out.txt")
    if os.path.exists(otxt):
        with open(otxt, encoding="utf-8", errors="replace") as fh:
            parts = fh.read().split("\f")
        k = int(num(vals, "ocrmypdf.pages") or 0)
        per_page["ocrmypdf"] = {nm: cer(parts[i], truth[nm]["text"])
                                for i, nm in enumerate(names[:k]) if i < len(parts)}

    for key, pp in per_page.items():
        vals_ = [v for v in pp.values() if v is not None]
        if not vals_:
            continue
        worst = max(pp, key=lambda nm: pp[nm] or 0)
        res["cer"][key] = {"pages": len(vals_), "mean": mean(vals_),
                           "max": pp[worst], "worst_page": worst}
    # By kind of page: forms and invoices are read column by column, so their
    # CER is mostly reading order, not misread characters.
    kinds = sorted({truth[nm]["kind"] for nm in names})
    res["cer_by_kind"] = {}
    for key, pp in per_page.items():
        row = {}
        for kd in kinds:
            row[kd] = mean([pp.get(nm) for nm in names if truth[nm]["kind"] == kd])
        res["cer_by_kind"][key] = row

    if per_page.get("dossier_j1") and per_page.get("dossier_j2"):
        same = sum(1 for nm in names
                   if shown["dossier_j1"].get(nm, {}).get("text")
                   == shown["dossier_j2"].get(nm, {}).get("text"))
        res["cer"]["j1_j2_identical_text_pages"] = same
        if same != n:
            res["notes"].append("OCR text differs between -j1 and -j2 on %d page(s)"
                                % (n - same))

    # --- linn.png from the OCRmyPDF test corpus
    linn = {}
    ltruth = vals.get("linn.truth")
    if ltruth and os.path.exists(ltruth):
        with open(ltruth, encoding="utf-8", errors="replace") as fh:
            lt = fh.read()
        lp = show_pages(dossier, os.path.join(work, "arch-linn"),
                        os.path.join(work, "logs", "linn.out"))
        if lp:
            linn["dossier"] = cer(next(iter(lp.values())).get("text") or "", lt)
        p = os.path.join(work, "linn-tess.txt")
        if os.path.exists(p):
            with open(p, encoding="utf-8", errors="replace") as fh:
                linn["tesseract"] = cer(fh.read(), lt)
    if linn:
        res["cer"]["linn"] = linn

    # --- residual skew: Leptonica reports about -applied, so detected + applied ~ 0
    sk = shown.get("dossier_j2") or {}
    resid = {}
    rotated = []
    for nm in names:
        pg = sk.get(nm)
        if pg is None or pg.get("skew_deg") is None:
            continue
        resid[nm] = abs(pg["skew_deg"] + truth[nm]["skew_deg"])
        if pg.get("rotation", 0) != truth[nm].get("rotation", 0):
            rotated.append(nm)
    if resid:
        worst = max(resid, key=resid.get)
        res["skew"] = {"pages": len(resid), "mean_abs_residual_deg": mean(resid.values()),
                       "max_abs_residual_deg": resid[worst], "worst_page": worst,
                       "worst_applied_deg": truth[worst]["skew_deg"],
                       "worst_detected_deg": sk[worst]["skew_deg"],
                       "pages_over_0.1": sum(1 for v in resid.values() if v >= 0.1),
                       "target": "max < 0.1"}
    if rotated:
        res["notes"].append("orientation differs from the ground truth on: "
                            + ", ".join(rotated))

    print_table(res)
    with open(out_json, "w", encoding="utf-8") as fh:
        json.dump(res, fh, indent=2)
        fh.write("\n")
    print("\nfigures also in %s" % out_json)
    return 0


def print_table(res):
    P = print
    P("")
    P("=" * 78)
    P("dossier ingest benchmark: %d pages (gensamples --bench --seed %s: A4, 300 dpi, G4,"
      " skew +-3 deg)" % (res["pages"], res.get("seed", "1")))
    P("git %s | %s cores | load average at start %s | tesseract %s | ocrmypdf %s"
      % (res.get("git", "?"), res.get("nproc", "?"), res.get("loadavg_start", "?"),
         res.get("tesseract_version", "?"), res.get("ocrmypdf_version", "-")))
    P("=" * 78)

    P("\nThroughput (wall time of the whole command, measured by the script)")
    P("  %-26s %6s %8s %10s %8s %7s  %s" % ("run", "pages", "wall s", "pages/min",
                                              "CPU s", "others", "exit"))
    for key in ("dossier_before_j2", "dossier_j1", "dossier_j2", "dossier_j2_no_deskew",
                "dossier_before_j2_b", "dossier_j2_b",
                "tesseract_1proc", "tesseract_2proc", "ocrmypdf"):
        r = res["runs"].get(key)
        if r:
            P("  %-26s %6d %8.2f %10s %8s %7s  %d" % (
                r["label"], r["pages"], r["wall_s"], f(r["pages_per_min"]),
                f(r.get("cpu_s")), f(r.get("other_cores"), "%.2f"), r["exit"]))
    P("  (CPU s: used by the command and its children; others: cores kept busy by"
      " other processes meanwhile, 0 on a quiet machine)")
    o = res["runs"].get("ocrmypdf")
    if o:
        P("  OCRmyPDF input: %s" % o.get("input", ""))

    P("\nRatios (pages/min over pages/min)")
    r = res["ratios"]
    P(ratio_line("dossier -j2 / tesseract 2 processes",
                 r["dossier_j2_over_tesseract_2proc"]["value"], 1.0, ">="))
    P(ratio_line("dossier -j2 / OCRmyPDF --jobs 2",
                 r["dossier_j2_over_ocrmypdf"]["value"], 3.5, ">="))
    v = r["dossier_j1_over_tesseract_1proc"]["value"]
    P("  %-44s %8s" % ("dossier -j1 / tesseract 1 process", f(v, "%.2f")))
    # CPU seconds a page: what the work costs, whatever else the machine
    # did meanwhile (wall-time ratios suffer from a busy machine).
    cpp = {}
    for key in ("dossier_before_j2", "dossier_j2", "dossier_j2_b", "tesseract_2proc", "ocrmypdf"):
        run = res["runs"].get(key)
        if run and run.get("cpu_s") and run["pages"]:
            cpp[key] = run["cpu_s"] / run["pages"]
    if cpp:
        P("  CPU seconds a page (load-independent): " + ", ".join(
            "%s %.2f" % (res["runs"][k]["label"], v) for k, v in cpp.items()))
        dj = [cpp[k] for k in ("dossier_j2", "dossier_j2_b") if k in cpp]
        if dj and "tesseract_2proc" in cpp:
            P(ratio_line("tesseract CPU/page / dossier -j2 CPU/page",
                         cpp["tesseract_2proc"] / mean(dj), 1.0, ">="))
        if dj and "ocrmypdf" in cpp:
            P(ratio_line("OCRmyPDF CPU/page / dossier -j2 CPU/page",
                         cpp["ocrmypdf"] / mean(dj), 3.5, ">="))
        if dj and "dossier_before_j2" in cpp:
            P(ratio_line("before CPU/page / after CPU/page",
                         cpp["dossier_before_j2"] / mean(dj), 0.95, ">="))

    P("\nStage ms per page (from --stats: time a page spends in each stage in its worker;"
      "\n  with -j2 two pages are in flight at once, so each stage takes longer per page)")
    keys = [k for k in ("dossier_before_j2", "dossier_j1", "dossier_j2", "dossier_j2_no_deskew")
            if (res["runs"].get(k) or {}).get("stats")]
    P("  %-10s" % "stage" + "".join("%26s" % res["runs"][k]["label"] for k in keys))
    for s in STAGES:
        P("  %-10s" % s + "".join(
            "%26s" % f(res["runs"][k]["stats"]["stage_ms_per_page"].get(s))
            for k in keys))
    P("  %-10s" % "non-OCR" + "".join(
        "%26s" % f(res["outside_ocr"][k]["ms_per_page"]) for k in keys))
    P("  %-10s" % "% of OCR" + "".join(
        "%26s" % (f(res["outside_ocr"][k]["pct_of_ocr"]) + "%") for k in keys))
    P("  work outside OCR as %% of OCR time: target < 10%%: %s" % ", ".join(
        "%s %s" % (res["runs"][k]["label"],
                   "met" if (res["outside_ocr"][k]["pct_of_ocr"] or 0) < 10 else "NOT met")
        for k in keys))

    P("\nCharacter error rate (Levenshtein / truth length, whitespace collapsed)")
    labels = {"dossier_j2": "dossier -j2 (deskew)",
              "dossier_before_j2": "before -j2 (BENCH_BEFORE)",
              "dossier_j2_no_deskew": "dossier -j2 --no-deskew",
              "dossier_j1": "dossier -j1 (deskew)",
              "tesseract": "plain tesseract",
              "ocrmypdf": "OCRmyPDF text layer (pdftotext)"}
    P("  %-34s %6s %9s %9s  %s" % ("source", "pages", "mean", "max", "worst page"))
    for key in ("dossier_before_j2", "dossier_j2", "dossier_j2_no_deskew", "dossier_j1",
                "tesseract", "ocrmypdf"):
        c = res["cer"].get(key)
        if c:
            P("  %-34s %6d %9s %9s  %s" % (labels[key], c["pages"], pct(c["mean"]),
                                           pct(c["max"]), c["worst_page"]))
    kinds = sorted({k for row in res.get("cer_by_kind", {}).values() for k in row})
    if kinds:
        P("  mean CER by kind of page (forms and invoices: mostly reading order of columns)")
        P("  %-34s" % "" + "".join("%14s" % k for k in kinds))
        for key in ("dossier_j2", "dossier_j2_no_deskew", "tesseract", "ocrmypdf"):
            row = res["cer_by_kind"].get(key)
            if row:
                P("  %-34s" % labels[key] + "".join("%14s" % pct(row.get(k)) for k in kinds))
    ba = res.get("before_after")
    if ba:
        cb = res["cer"].get("dossier_before_j2")
        ca = res["cer"].get("dossier_j2")
        P("\nBefore and after (issue 24: clean pages may not get worse by more than 5%)")
        P("  before: %s" % ba["binary"])
        P("  pages/min before %.1f, after %.1f (each the mean of two -j2 runs, in turn)"
          % (ba["before_pages_per_min"], ba["after_pages_per_min"]))
        P(ratio_line("after / before, pages/min", ba["ratio"], 0.95, ">="))
        if cb and ca:
            P("  CER mean before %s, after %s: %s" % (
                pct(cb["mean"]), pct(ca["mean"]),
                "met (not worse)" if ca["mean"] <= cb["mean"] + 1e-9 else "NOT met (worse)"))
    if "j1_j2_identical_text_pages" in res["cer"]:
        P("  -j1 and -j2 gave identical text on %d of %d pages"
          % (res["cer"]["j1_j2_identical_text_pages"], res["pages"]))
    linn = res["cer"].get("linn")
    if linn:
        P("  linn.png (OCRmyPDF corpus): dossier %s, plain tesseract %s"
          % (pct(linn.get("dossier")), pct(linn.get("tesseract"))))

    sk = res["skew"]
    if sk:
        P("\nResidual skew |detected + applied| (dossier -j2, %d pages)" % sk["pages"])
        P("  mean %.3f deg, max %.3f deg on %s (applied %+.2f, detected %+.3f); "
          "%d page(s) >= 0.1 deg" % (sk["mean_abs_residual_deg"], sk["max_abs_residual_deg"],
                                    sk["worst_page"], sk["worst_applied_deg"],
                                    sk["worst_detected_deg"], sk["pages_over_0.1"]))
        P("  target max < 0.1 deg: %s" % ("met" if sk["max_abs_residual_deg"] < 0.1
                                          else "NOT met"))

    if res["skipped"]:
        P("\nSkipped")
        for s in res["skipped"]:
            P("  %s: %s" % (s["what"], s["why"]))
    if res["notes"]:
        P("\nNotes")
        for s in res["notes"]:
            P("  " + s)
    if "elapsed_s" in res:
        P("\nmeasurements took %.0f s (before this report)" % res["elapsed_s"])


def main(argv):
    if len(argv) >= 2 and argv[1] == "selftest":
        return selftest()
    if len(argv) == 5 and argv[1] == "report":
        return report(argv[2], argv[3], argv[4])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
