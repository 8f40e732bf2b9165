#!/usr/bin/env python3
"""check-chart-files.py — the files kkr chart writes, read back (issue 5).

usage: check-chart-files.py KKR WORKBOOK MEASURES

For every kind and format (kkr chart --all --format png|pdf|svg):
  - the same input gives the same bytes (rendered twice, a second apart, compared);
  - PNG: the signature, 1600 px wide by default and --width 800 gives 800 px;
  - SVG: parses with xml.etree, root <svg> with width and height in pt, and holds glyphs;
  - PDF: the signature, one page, the fixed CreationDate (SOURCE_DATE_EPOCH honoured).
Exit 0 when everything holds, 1 otherwise.
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

KINDS = ["avvikelse", "budget-prognos", "ackumulerat", "brygga", "prognoshistorik"]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def run(args, env=None):
    p = subprocess.run(args, capture_output=True, env=env)
    if p.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return p


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def main():
    kkr, wb, measures = sys.argv[1], sys.argv[2], sys.argv[3]
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    with tempfile.TemporaryDirectory(prefix="kkr-chart-files-") as tmp:
        outs = {}
        for rep in (1, 2):
            for fmt in ("png", "pdf", "svg"):
                d = os.path.join(tmp, "%s%d" % (fmt, rep))
                run([kkr, "chart", wb, "--all", "--format", fmt, "-o", d + "/",
                     "--measures", measures], env)
                outs[(fmt, rep)] = d
            if rep == 1:
                time.sleep(1.1)  # a clock-dependent date would now differ
        for fmt in ("png", "pdf", "svg"):
            for kind in KINDS:
                a = os.path.join(outs[(fmt, 1)], kind + "." + fmt)
                b = os.path.join(outs[(fmt, 2)], kind + "." + fmt)
                if not (os.path.exists(a) and os.path.exists(b)):
                    fail("%s.%s not written" % (kind, fmt))
                    continue
                with open(a, "rb") as fa, open(b, "rb") as fb:
                    da, db = fa.read(), fb.read()
                if da != db:
                    fail("%s.%s: two runs gave different bytes" % (kind, fmt))
                if fmt == "png":
                    size = png_size(a)
                    if size is None:
                        fail("%s.png: not a PNG" % kind)
                    elif size[0] != 1600 or not 400 <= size[1] <= 20000:
                        fail("%s.png: %dx%d, expected 1600 wide" % (kind, size[0], size[1]))
                elif fmt == "svg":
                    try:
                        root = ET.fromstring(da)
                    except ET.ParseError as e:
                        fail("%s.svg does not parse: %s" % (kind, e))
                        continue
                    if root.tag != "{http://www.w3.org/2000/svg}svg":
                        fail("%s.svg: root is %s" % (kind, root.tag))
                    w, h = root.get("width", ""), root.get("height", "")
                    if not (w.endswith("pt") and h.endswith("pt")):
                        fail("%s.svg: width/height %r %r not in pt" % (kind, w, h))
                    elif abs(float(w[:-2]) - 576) > 0.01:
                        fail("%s.svg: width %s, expected 576pt" % (kind, w))
                    # cairo writes text as glyph symbols referenced by <use>
                    uses = root.iter("{http://www.w3.org/2000/svg}use")
                    if sum(1 for _ in uses) < 20:
                        fail("%s.svg: fewer than 20 glyphs drawn" % kind)
                else:
                    if not da.startswith(b"%PDF-1."):
                        fail("%s.pdf: not a PDF" % kind)
                    if b"/Count 1" not in da:
                        fail("%s.pdf: expected one page" % kind)
                    # cairo 1.16 writes the date without the "D:" prefix; both are read fine
                    if not re.search(rb"/CreationDate \((D:)?20000101000000", da):
                        fail("%s.pdf: CreationDate is not the fixed default" % kind)
        # --width in pixels, and SOURCE_DATE_EPOCH for the PDF date
        p = os.path.join(tmp, "w800.png")
        run([kkr, "chart", wb, "--kind", "avvikelse", "--width", "800", "-o", p])
        size = png_size(p) if os.path.exists(p) else None
        if not size or size[0] != 800:
            fail("--width 800 gave %r" % (size,))
        env2 = dict(env, SOURCE_DATE_EPOCH="1591142400")  # 2020-06-03
        p = os.path.join(tmp, "sde.pdf")
        run([kkr, "chart", wb, "--kind", "ackumulerat", "-o", p], env2)
        if os.path.exists(p):
            with open(p, "rb") as f:
                if not re.search(rb"/CreationDate \((D:)?20200603000000", f.read()):
                    fail("SOURCE_DATE_EPOCH=1591142400 not in the PDF's CreationDate")
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("ok: %d kinds x png/pdf/svg, same bytes twice, sizes, SVG parses" % len(KINDS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
