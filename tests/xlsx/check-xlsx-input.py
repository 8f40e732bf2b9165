#!/usr/bin/python3
"""check-xlsx-input.py KKR SRCROOT — workbook files kept as .xlsx (written here by openpyxl).

1. Twins: the example workbooks converted to .xlsx in every way csv2xlsx.py knows (numbers as
   doubles, also with Excel's 17 digits; periods as integers or dates, 1900 and 1904 systems;
   Swedish amounts as text; shared strings; formulas with cached values) give byte for byte
   the output of their CSV originals (kkr report in text, csv and json, kkr check,
   kkr forecast).
2. Bad cells and files: the exact message naming file:sheet!cell, exit 2, nothing written.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

try:
    import openpyxl
except ImportError:
    print("skipped: python3-openpyxl is not installed")
    sys.exit(77)

KKR = sys.argv[1]
ROOT = sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import csv2xlsx  # noqa: E402

failures = 0
checks = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg)


def run(args, cwd):
    env = dict(os.environ, LC_ALL="C", TZ="UTC", SOURCE_DATE_EPOCH="0")
    p = subprocess.run([KKR] + args, cwd=cwd, capture_output=True, env=env)
    return p.returncode, p.stdout, p.stderr


def convert(src, dst, *opts):
    subprocess.run([sys.executable, os.path.join(HERE, "csv2xlsx.py"), src, dst] + list(opts),
                   check=True)


def same(name, a_dir, b_dir, args):
    """args on the workbook a_dir/wb and b_dir/wb (one folder name: kkr check prints it)."""
    global checks
    checks += 1
    ra, oa, ea = run(args + ["wb"], os.path.join(tmp, a_dir))
    rb, ob, eb = run(args + ["wb"], os.path.join(tmp, b_dir))
    # warnings name their file: budget.csv there is budget.xlsx here
    ea = re.sub(rb"\.(csv|xlsx)\b", b".X", ea)
    eb = re.sub(rb"\.(csv|xlsx)\b", b".X", eb)
    if ra != rb or oa != ob or ea != eb:
        fail("%s: %s: %s (exit %d) and %s (exit %d) differ:\n%s\n%s\n%s\n%s" %
             (name, args, a_dir, ra, b_dir, rb, oa[:400], ob[:400], ea[:400], eb[:400]))
    elif ra != 0:
        fail("%s: exit %d: %s" % (name, ra, ea))


def patch_sheet(path, fn):
    """fn(sheet_xml) -> sheet_xml on xl/worksheets/sheet1.xml."""
    csv2xlsx.rewrite(path, lambda n, t, extra: fn(t) if n == "xl/worksheets/sheet1.xml" else None)


def formulas(path):
    """Every number of column D becomes a formula with its cached value (=D*1 as Excel keeps
    it: <f> then <v>)."""
    patch_sheet(path, lambda t: re.sub(r'<c r="(D[0-9]+)"( t="n")?><v>([^<]*)</v></c>',
                                       r'<c r="\1"><f>\3*1</f><v>\3</v></c>', t))


tmp = tempfile.mkdtemp(prefix="kkr-xlsx-")
try:
    smed = os.path.join(ROOT, "budgets", "smedjebacken-2020")
    vard = os.path.join(ROOT, "budgets", "vardomsorg-generated")
    shutil.copytree(smed, os.path.join(tmp, "smed", "wb"))
    shutil.copytree(vard, os.path.join(tmp, "vard", "wb"))

    # ---- 1. twins ----
    variants = [
        ("doubles", ["--mode", "doubles"]),
        ("doubles17", ["--mode", "doubles", "--digits17"]),
        ("text", ["--mode", "text"]),
        ("text-shared", ["--mode", "text", "--shared"]),
        ("dates", ["--mode", "dates", "--digits17"]),
        ("dates1904", ["--mode", "dates1904", "--digits17", "--shared"]),
        ("mixed", ["--mode", "mixed", "--digits17", "--shared"]),
    ]
    for name, opts in variants:
        convert(os.path.join(tmp, "smed", "wb"), os.path.join(tmp, "s-" + name, "wb"), *opts,
                "--also", "atgarder-maj.csv")
        for args in (["report"], ["report", "--format", "csv"], ["report", "--format", "json"],
                     ["report", "--table", "slag", "--unit", "kr"], ["check"]):
            same("smedjebacken " + name, "smed", "s-" + name, args)
        # the measures file as .xlsx too (kkr whatif --measures FILE.xlsx)
        checks += 1
        wa = ["whatif", "wb", "--baseline", "202004", "--measures"]
        r1, o1, e1 = run(wa + ["wb/atgarder-maj.csv"], os.path.join(tmp, "smed"))
        r2, o2, e2 = run(wa + ["wb/atgarder-maj.xlsx"], os.path.join(tmp, "s-" + name))
        if r1 != 0 or r1 != r2 or o1 != o2 or re.sub(rb"\.(csv|xlsx)\b", b"", e1) != \
                re.sub(rb"\.(csv|xlsx)\b", b"", e2):
            fail("whatif %s: exit %d/%d\n%s\n%s\n%s" % (name, r1, r2, o1[:300], o2[:300], e2))
    # formulas with cached values
    d = os.path.join(tmp, "s-formulas", "wb")
    convert(os.path.join(tmp, "smed", "wb"), d, "--mode", "doubles", "--digits17", "--shared")
    for f in ("budget", "utfall", "prognos"):
        formulas(os.path.join(d, f + ".xlsx"))
    with zipfile.ZipFile(os.path.join(d, "budget.xlsx")) as z:
        checks += 1
        if b"<f>" not in z.read("xl/worksheets/sheet1.xml"):
            fail("the formula patch changed nothing")
    same("smedjebacken formulas", "smed", "s-formulas", ["report"])
    # a workbook with periodisering.csv, history and the forecast methods
    for name, opts in (("mixed", ["--mode", "mixed", "--digits17", "--shared"]),
                       ("text", ["--mode", "text"])):
        convert(os.path.join(tmp, "vard", "wb"), os.path.join(tmp, "v-" + name, "wb"), *opts)
        checks += 1
        if not os.path.exists(os.path.join(tmp, "v-" + name, "wb", "periodisering.xlsx")):
            fail("vardomsorg has no periodisering.xlsx")
        for args in (["report", "--forecast", "ets"], ["forecast", "--method", "seasonal"],
                     ["report", "--format", "csv", "--period", "202403"], ["check"]):
            same("vardomsorg " + name, "vard", "v-" + name, args)
    # only some files as xlsx
    convert(os.path.join(tmp, "smed", "wb"), os.path.join(tmp, "s-some", "wb"), "--keep",
            "budget.csv", "--keep", "verksamheter.csv")
    same("smedjebacken some", "smed", "s-some", ["report"])

    # ---- 2. bad input ----
    base = os.path.join(tmp, "s-doubles", "wb")

    def bad(name, mutate, expected, args=None, exit_code=2):
        global checks
        checks += 1
        d = os.path.join(tmp, "bad-" + name)
        shutil.copytree(base, d)
        mutate(d)
        r, out, err = run((args or ["report"]) + ["bad-" + name], tmp)
        err = err.decode("utf-8")
        want = expected.replace("DIR", "bad-" + name).replace("NSST", str(bad.sst_count))
        if r != exit_code or err != want or (exit_code == 2 and out):
            fail("%s: exit %d, stderr %r, stdout %r; expected exit %d, stderr %r" %
                 (name, r, err, out[:200], exit_code, want))

    bad.sst_count = 0

    def truncate(d):
        p = os.path.join(d, "budget.xlsx")
        data = open(p, "rb").read()
        open(p, "wb").write(data[:len(data) // 2])

    bad("truncated", truncate,
        "kkr: DIR/budget.xlsx: truncated zip file (no central directory at the end), "
        "expected a whole .xlsx workbook\n")

    def not_zip(d):
        shutil.copy(os.path.join(smed, "utfall.csv"), os.path.join(d, "utfall.xlsx"))

    bad("not-zip", not_zip,
        "kkr: DIR/utfall.xlsx: not a zip file, expected an .xlsx workbook (Excel 2007 or later; "
        "save an .xls or .csv as .xlsx)\n")

    def no_sheet(d):
        p = os.path.join(d, "budget.xlsx")
        with zipfile.ZipFile(p) as z:
            parts = [(i, z.read(i)) for i in z.namelist() if i != "xl/worksheets/sheet1.xml"]
        with zipfile.ZipFile(p, "w") as z:
            for n, data in parts:
                z.writestr(n, data)

    bad("missing-sheet", no_sheet,
        "kkr: DIR/budget.xlsx:Blad1: no part 'xl/worksheets/sheet1.xml' in the file, expected "
        "an .xlsx workbook as Excel writes it\n")

    def no_sheets(d):
        p = os.path.join(d, "prognos.xlsx")
        csv2xlsx.rewrite(p, lambda n, t, e: re.sub(r"<sheets>.*</sheets>", "<sheets/>", t)
                         if n == "xl/workbook.xml" else None)

    bad("no-sheets", no_sheets,
        "kkr: DIR/prognos.xlsx: the workbook has no sheets, expected at least one\n")

    def edit(file, ref, value, number_format=None):
        def mutate(d):
            p = os.path.join(d, file)
            wb = openpyxl.load_workbook(p)
            ws = wb.worksheets[0]
            ws[ref] = value
            if number_format:
                ws[ref].number_format = number_format
            wb.save(p)
        return mutate

    bad("text-in-number", edit("budget.xlsx", "D5", "tusen"),
        "kkr: DIR/budget.xlsx:Blad1!D5: cannot parse amount 'tusen' in column 'belopp', "
        "expected kronor like '-1 234,56'\n")
    bad("formula-no-value", edit("utfall.xlsx", "D7", "=D2*2"),
        "kkr: DIR/utfall.xlsx:Blad1!D7: a formula without a cached value, expected a value "
        "(open the file in Excel and save it, so the results are stored)\n")
    bad("period-text", edit("utfall.xlsx", "C3", "mars"),
        "kkr: DIR/utfall.xlsx:Blad1!C3: cannot parse period 'mars', expected YYYYMM or "
        "YYYY-MM\n")
    bad("period-number", edit("utfall.xlsx", "C4", 202013),
        "kkr: DIR/utfall.xlsx:Blad1!C4: period '202013' has month 13, expected a month in "
        "01..12\n")
    bad("date-as-amount", edit("prognos.xlsx", "C2", __import__("datetime").date(2020, 5, 1),
                               "yyyy-mm-dd"),
        "kkr: DIR/prognos.xlsx:Blad1!C2: found a date cell '2020-05-01' in column 'prognos', "
        "expected an amount in kronor\n")
    bad("boolean-as-amount", edit("budget.xlsx", "D2", True),
        "kkr: DIR/budget.xlsx:Blad1!D2: found a boolean cell 'TRUE' in column 'belopp', "
        "expected an amount in kronor\n")
    bad("unknown-unit", edit("budget.xlsx", "A9", "XYZ"),
        "kkr: DIR/budget.xlsx:Blad1!A9: unknown verksamhet 'XYZ', expected a kod from "
        "verksamheter.csv\n")
    bad("too-large", edit("utfall.xlsx", "D2", 1e20),
        "kkr: DIR/utfall.xlsx:Blad1!D2: amount 100000000000000000000 in column 'belopp' is too "
        "large, expected at most 92 233 720 368 547 758 kr\n")
    bad("beyond-header", edit("budget.xlsx", "F3", "x"),
        "kkr: DIR/budget.xlsx:Blad1!F3: found 6 fields, expected 4 as in the header\n")
    bad("missing-column", edit("budget.xlsx", "D1", "summan"),
        "kkr: DIR/budget.xlsx:Blad1!1:1: missing column 'belopp' in the header, expected "
        "'verksamhet;slag;period;belopp'\n")
    bad("duplicate-unit", edit("verksamheter.xlsx", "A3", "POL"),
        "kkr: DIR/verksamheter.xlsx:Blad1!A3: duplicate kod 'POL', first on line 2\n")

    def error_value(d):
        patch_sheet(os.path.join(d, "budget.xlsx"),
                    lambda t: re.sub(r'<c r="C6" t="n"><v>[^<]*</v></c>',
                                     '<c r="C6" t="e"><v>#N/A</v></c>', t))

    bad("error-value", error_value,
        "kkr: DIR/budget.xlsx:Blad1!C6: found the error value #N/A, expected a value\n")

    def sst_range(d):
        p = os.path.join(d, "utfall.xlsx")
        csv2xlsx.shared(p)
        patch_sheet(p, lambda t: re.sub(r'<c r="B8" t="s"><v>[0-9]+</v></c>',
                                        '<c r="B8" t="s"><v>500</v></c>', t))
        with zipfile.ZipFile(p) as z:
            n = z.read("xl/sharedStrings.xml").count(b"<si>")
        bad.sst_count = n

    bad("shared-string-range", sst_range,
        "kkr: DIR/utfall.xlsx:Blad1!B8: shared string 500 out of range, expected an index "
        "below NSST (the file has NSST shared strings)\n")

    def both(d):
        shutil.copy(os.path.join(smed, "budget.csv"), os.path.join(d, "budget.csv"))

    bad("both", both,
        "kkr: DIR/budget.xlsx: both budget.csv and budget.xlsx in the workbook, expected one of "
        "them (remove or rename the other)\n")

    def malformed(d):
        patch_sheet(os.path.join(d, "budget.xlsx"),
                    lambda t: '<worksheet><sheetData><row r="1"></rad></sheetData></worksheet>')

    bad("malformed-xml", malformed,
        "kkr: DIR/budget.xlsx:Blad1: malformed XML in part 'xl/worksheets/sheet1.xml' at line "
        "1, column 36: mismatched tag\n")

    # import --into refuses to rewrite utfall held as .xlsx, and writes nothing
    checks += 1
    d = os.path.join(tmp, "import-into")
    shutil.copytree(base, d)
    before = open(os.path.join(d, "utfall.xlsx"), "rb").read()
    imp = os.path.join(ROOT, "tests", "data", "import")
    r, out, err = run(["import", os.path.join(imp, "ledger.csv"), "--map",
                       os.path.join(imp, "map.csv"), "--into", "import-into"], tmp)
    want = ("kkr: import-into/utfall.xlsx: kkr import --into rewrites utfall, which this "
            "workbook keeps as .xlsx; keep utfall as CSV (utfall.csv) to import into it\n")
    if r != 2 or err.decode() != want or os.path.exists(os.path.join(d, "utfall.csv")) or \
            open(os.path.join(d, "utfall.xlsx"), "rb").read() != before:
        fail("import --into: exit %d, stderr %r, expected %r" % (r, err, want))
    # and so does an SIE import into it
    checks += 1
    with open(os.path.join(tmp, "books.se"), "w") as f:
        f.write("#FLAGGA 0\n#SIETYP 4\n#RAR 0 20200101 20201231\n")
    r, out, err = run(["import", "books.se", "--into", "import-into"], tmp)
    if r != 2 or err.decode() != want or os.path.exists(os.path.join(d, "utfall.csv")):
        fail("import FILE.se --into: exit %d, stderr %r, expected %r" % (r, err, want))
finally:
    shutil.rmtree(tmp)

print("%d checks, %d failed" % (checks, failures))
sys.exit(1 if failures else 0)
