#!/usr/bin/env python3
"""check-pdf-report.py — kkr report --pdf holds every figure of the follow-up tables (issue 5).

usage: check-pdf-report.py KKR WORKBOOK [MEASURES [--baseline YYYYMM]]
                           [--forecast METHOD --period YYYYMM]

With --baseline the bridge must start from that snapshot and show the unexplained rest.

With --forecast the report is `kkr report --forecast METHOD --period YYYYMM --pdf` of a copy of
WORKBOOK without prognos.csv, so every helår prognos is computed: the tables must still match
the CSV output of the same options, and the ackumulerat chart must carry the interval band.

Writes the A4 report with `kkr report WORKBOOK --pdf` (for --unit kkr and kr), extracts its text
with pdftotext (poppler-utils) and checks, row by row and in table order, that each row of
`kkr report --format csv` (the verksamhet table) and `--table slag` appears with its name and its
six figures in sequence, formatted as printed (narrow no-break space thousands, U+2212 minus).
Also: every comment of prognos.csv is in the report, the brygga page is there with MEASURES, the
report is A4, and two runs give the same bytes. Exit 77 (skip) when pdftotext is missing.
"""
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

SLAG_NAMES = {"intäkt": "Intäkter", "kostnad": "Kostnader", "netto": "Netto"}
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def run(args):
    p = subprocess.run(args, capture_output=True)
    if p.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(args), p.returncode,
                                   p.stderr.decode(errors="replace")))
    return p.stdout.decode("utf-8")


def printed(n):
    """An integer as the PDF prints it, after pdftotext and whitespace collapsing."""
    s = "{:,}".format(abs(int(n))).replace(",", " ")
    return ("−" if int(n) < 0 else "") + s


def collapse(text):
    # pdftotext gives the narrow no-break space as U+202F or as a space, depending on version
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    return " " + re.sub(r"\s+", " ", text).strip() + " "


def figure_pattern(n):
    """A printed figure as a regex: pdftotext keeps the narrow no-break space as a space in
    regular text but may drop it in bold rows, so the thousands separator is optional."""
    groups = printed(n).lstrip("−").split(" ")
    return ("−" if int(n) < 0 else "") + " ?".join(groups)


def check_rows(text, rows, label):
    """rows: (name, [six figures]); each must follow the previous one in the text."""
    low = text.lower()
    pos = 0
    for name, figs in rows:
        seq = " ".join(printed(f) for f in figs)
        m = re.compile(" " + " ".join(figure_pattern(f) for f in figs) + " ").search(text, pos)
        if not m:
            fail("%s: row '%s' with figures '%s' not found (in order)" % (label, name, seq))
            continue
        # the row's name is between the previous row and its figures (wrapped or not)
        words = name.lower().split()[:3]
        if " ".join(words) not in low[pos:m.start()]:
            fail("%s: name '%s' not found before its figures '%s'" % (label, name, seq))
        pos = m.end() - 1


def main():
    if not shutil.which("pdftotext"):
        print("pdftotext not found (apt-get install poppler-utils): skipped")
        return 77
    argv = sys.argv[1:]
    extra = []
    while "--forecast" in argv or "--period" in argv:
        i = argv.index("--forecast") if "--forecast" in argv else argv.index("--period")
        extra += argv[i:i + 2]
        del argv[i:i + 2]
    baseline = None
    if "--baseline" in argv:
        i = argv.index("--baseline")
        baseline = argv[i + 1]
        del argv[i:i + 2]
    kkr, wb = argv[0], argv[1]
    measures = argv[2] if len(argv) > 2 else None
    forecast = "--forecast" in extra
    with tempfile.TemporaryDirectory(prefix="kkr-pdf-report-") as tmp:
        if forecast:
            copy = os.path.join(tmp, "workbook")
            shutil.copytree(wb, copy)
            os.remove(os.path.join(copy, "prognos.csv"))
            wb = copy
        for unit in ("kkr", "kr"):
            pdf = os.path.join(tmp, "rapport-%s.pdf" % unit)
            args = [kkr, "report", wb] + extra + ["--unit", unit, "--pdf", pdf]
            if measures:
                args += ["--measures", measures] + (["--baseline", baseline] if baseline else [])
            run(args)
            if not os.path.exists(pdf):
                fail("%s not written" % pdf)
                continue
            text = collapse(subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"],
                                           capture_output=True, check=True).stdout.decode())
            units = list(csv.DictReader(io.StringIO(run(
                [kkr, "report", wb, "--format", "csv", "--unit", unit] + extra)), delimiter=";"))
            slag = list(csv.DictReader(io.StringIO(run(
                [kkr, "report", wb, "--format", "csv", "--table", "slag", "--unit", unit] +
                extra)), delimiter=";"))
            cols = ["budget_period", "utfall_period", "avvikelse_period", "budget_helår",
                    "prognos_helår", "avvikelse_helår"]
            if len(units) < 2 or len(slag) != 3:
                fail("csv tables: %d unit rows, %d slag rows" % (len(units), len(slag)))
            check_rows(text, [(SLAG_NAMES[r["slag"]], [r[c] for c in cols]) for r in slag],
                       "slag table (%s)" % unit)
            check_rows(text, [(r["namn"], [r[c] for c in cols]) for r in units],
                       "verksamhet table (%s)" % unit)
            figures = 6 * (len(units) + len(slag))
            if "Belopp i %s" % unit not in text:
                fail("'Belopp i %s' not in the title block" % unit)
            if forecast and "Prognosintervall 80 %" not in text:
                fail("--forecast: no interval band (legend 'Prognosintervall 80 %') in the report")
            if forecast and not any(r.get("beräknad") == "ja" for r in units):
                fail("--forecast: no row of the csv table is marked as computed")
            if unit == "kkr":
                # comments of prognos.csv under their units
                path = os.path.join(wb, "prognos.csv")
                comments = 0
                if os.path.exists(path):
                    with open(path, encoding="utf-8-sig") as f:
                        for r in csv.DictReader(f, delimiter=";"):
                            c = (r.get("kommentar") or "").strip()
                            if c:
                                comments += 1
                                if collapse(c).strip() not in text:
                                    fail("comment of %s not in the report: %s" %
                                         (r["verksamhet"], c[:60]))
                if measures and "Brygga" not in text:
                    fail("no brygga in the report although --measures was given")
                if baseline and ("(snapshot %s)" % baseline not in text or
                                 "Oförklarad rest" not in text):
                    fail("--baseline %s: the brygga does not start from the snapshot or has no "
                         "unexplained rest" % baseline)
                info = subprocess.run(["pdfinfo", pdf], capture_output=True).stdout.decode() \
                    if shutil.which("pdfinfo") else "Page size: 595.28 x 841.89 pts (A4)"
                if "(A4)" not in info:
                    fail("report is not A4: %s" % info)
                again = os.path.join(tmp, "again.pdf")
                run([a if a != pdf else again for a in args])
                with open(pdf, "rb") as a, open(again, "rb") as b:
                    if a.read() != b.read():
                        fail("two runs of kkr report --pdf gave different bytes")
                print("%s: %d figures of the tables, %d comments found" % (unit, figures,
                                                                            comments))
            else:
                print("%s: %d figures of the tables found" % (unit, figures))
    if failures:
        print("%d failures" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
