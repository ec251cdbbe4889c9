#!/usr/bin/env python3
"""pdfa_check.py: checks the PDF/A-2b properties of PDFs from their structure
as qpdf reads it (qpdf --json, version 2), one line per file:

  FILE: ok                      or   FILE: FAULT; FAULT; ...

Checked: no encryption; a trailer /ID; catalog /Metadata, a stream of /Type
/Metadata /Subtype /XML with no filter, whose XMP names pdfaid:part 2 and
pdfaid:conformance B, describes its own properties in a PDF/A extension
schema, and (when asked with --title, --customer, --archive-no) carries those
values; the Info dictionary's /Title equal to dc:title; an /OutputIntents entry
/S /GTS_PDFA1 whose /DestOutputProfile is an ICC stream with /N 3; every font
embedded (FontFile, FontFile2 or FontFile3 in its descriptor, through the
descendant of a Type0 font); no transparency (no /SMask in images or graphics
states other than /None, no transparency /Group, constant alpha 1, blend mode
Normal or Compatible); no JavaScript, no embedded files.

Usage: pdfa_check.py [--title T] [--customer C] [--archive-no N] FILE.pdf...
Exit status 0 when every file passes, 1 otherwise, 2 on bad usage.
veraPDF (https://verapdf.org) validates the whole standard; this checks the
properties dossier promises on every PDF its tests produce.
"""
import base64
import json
import re
import subprocess
import sys


def qpdf_json(path):
    out = subprocess.run(
        ["qpdf", "--json=2", "--json-key=qpdf", "--json-key=encrypt",
         "--json-stream-data=inline", "--decode-level=generalized", path],
        capture_output=True, check=False)
    if out.returncode not in (0, 3):
        raise ValueError("qpdf cannot read it: " +
                         out.stderr.decode(errors="replace").strip())
    return json.loads(out.stdout)


def check(path, want):
    faults = []
    j = qpdf_json(path)
    if j.get("encrypt", {}).get("encrypted"):
        faults.append("encrypted")
    objs = j["qpdf"][1]

    def get(ref):
        if isinstance(ref, str) and ref.endswith(" R"):
            o = objs.get("obj:" + ref)
            if o is None:
                return None
            return o.get("value", o.get("stream"))
        return ref

    trailer = objs["trailer"]["value"]
    if "/ID" not in trailer:
        faults.append("no trailer /ID")
    root = get(trailer.get("/Root")) or {}
    # XMP metadata
    md = get(root.get("/Metadata"))
    xmp = ""
    if not isinstance(md, dict) or "dict" not in md:
        faults.append("no /Metadata stream in the catalog")
    else:
        d = md["dict"]
        if d.get("/Type") != "/Metadata" or d.get("/Subtype") != "/XML":
            faults.append("metadata stream is not /Type /Metadata /Subtype /XML")
        if "/Filter" in d:
            faults.append("metadata stream is filtered")
        xmp = base64.b64decode(md.get("data", "")).decode("utf-8", "replace")
        if not re.search(r"<pdfaid:part>2</pdfaid:part>", xmp):
            faults.append("XMP lacks pdfaid:part 2")
        if not re.search(r"<pdfaid:conformance>B</pdfaid:conformance>", xmp):
            faults.append("XMP lacks pdfaid:conformance B")
        if "dossier:" in xmp and "pdfaExtension:schemas" not in xmp:
            faults.append("XMP uses the dossier schema without describing it")
        if not xmp.startswith("<?xpacket begin="):
            faults.append("XMP is not an xpacket")

    def xmp_value(name):
        m = re.search(r"<%s>(?:<rdf:Alt><rdf:li[^>]*>)?([^<]*)<" % name, xmp)
        return m.group(1).replace("&amp;", "&").replace("&lt;", "<") \
            .replace("&gt;", ">").replace("&quot;", '"') \
            .replace("&apos;", "'") if m else None

    if want.get("title") is not None and xmp_value("dc:title") != want["title"]:
        faults.append("dc:title is %r, not %r" % (xmp_value("dc:title"),
                                                 want["title"]))
    if want.get("customer") is not None and \
            xmp_value("dossier:customer") != want["customer"]:
        faults.append("dossier:customer is %r, not %r" % (
            xmp_value("dossier:customer"), want["customer"]))
    if want.get("archive_no") is not None and \
            xmp_value("dossier:archiveNumber") != want["archive_no"]:
        faults.append("dossier:archiveNumber is %r, not %r" % (
            xmp_value("dossier:archiveNumber"), want["archive_no"]))
    info = get(trailer.get("/Info")) or {}
    title = info.get("/Title")
    if title is not None:
        t = title[2:] if title.startswith("u:") else title
        if t != xmp_value("dc:title"):
            faults.append("Info /Title %r differs from dc:title %r" % (
                t, xmp_value("dc:title")))
    # Output intent
    ok_intent = False
    for it in get(root.get("/OutputIntents")) or []:
        it = get(it) or {}
        prof = get(it.get("/DestOutputProfile"))
        if it.get("/S") == "/GTS_PDFA1" and isinstance(prof, dict) and \
                prof.get("dict", {}).get("/N") == 3:
            data = base64.b64decode(prof.get("data", ""))
            if len(data) > 128 and data[36:40] == b"acsp":
                ok_intent = True
    if not ok_intent:
        faults.append("no /GTS_PDFA1 output intent with an RGB ICC profile")
    # Every object: fonts, transparency, scripts
    for key, o in objs.items():
        if not key.startswith("obj:"):
            continue
        d = o.get("value")
        if d is None and "stream" in o:
            d = o["stream"].get("dict")
        if not isinstance(d, dict):
            continue
        if d.get("/Type") == "/Font" or d.get("/Subtype") in (
                "/Type1", "/TrueType", "/Type3", "/Type0", "/CIDFontType0",
                "/CIDFontType2", "/MMType1") and "/BaseFont" in d:
            st = d.get("/Subtype")
            if st == "/Type0" or st == "/Type3":
                pass  # checked through its descendant / its glyph procs
            else:
                fd = get(d.get("/FontDescriptor"))
                if not isinstance(fd, dict) or not any(
                        k in fd for k in ("/FontFile", "/FontFile2",
                                          "/FontFile3")):
                    faults.append("font %s is not embedded" %
                                  d.get("/BaseFont"))
        if d.get("/Subtype") == "/Image" and "/SMask" in d:
            faults.append("image %s has a soft mask (transparency)" % key)
        if d.get("/Type") == "/ExtGState" or any(
                k in d for k in ("/CA", "/ca", "/BM")):
            if d.get("/SMask", "/None") != "/None":
                faults.append("graphics state %s has a soft mask" % key)
            for k in ("/CA", "/ca"):
                if k in d and float(d[k]) != 1.0:
                    faults.append("graphics state %s has alpha %s" %
                                  (key, d[k]))
            if d.get("/BM", "/Normal") not in ("/Normal", "/Compatible"):
                faults.append("graphics state %s blends (%s)" %
                              (key, d["/BM"]))
        g = get(d.get("/Group"))
        if isinstance(g, dict) and g.get("/S") == "/Transparency":
            faults.append("%s has a transparency group" % key)
        if "/JS" in d or d.get("/S") == "/JavaScript":
            faults.append("JavaScript in %s" % key)
        if "/EmbeddedFiles" in d:
            faults.append("embedded files")
    return faults


def main(argv):
    want = {}
    files = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--title", "--customer", "--archive-no") and i + 1 < len(argv):
            want[a[2:].replace("-", "_")] = argv[i + 1]
            i += 2
            continue
        if a.startswith("--"):
            print(__doc__, file=sys.stderr)
            return 2
        files.append(a)
        i += 1
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    bad = 0
    for f in files:
        try:
            faults = check(f, want)
        except (ValueError, OSError, json.JSONDecodeError) as e:
            faults = [str(e)]
        if faults:
            bad += 1
            print("%s: %s" % (f, "; ".join(faults)))
        else:
            print("%s: ok" % f)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
