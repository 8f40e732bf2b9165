#!/usr/bin/python3
"""csv2xlsx.py — a workbook's CSV files written as .xlsx with openpyxl, as Excel users keep them.

    csv2xlsx.py SRC DST [--mode doubles|text|dates|dates1904|mixed] [--keep NAME.csv ...]

Copies the workbook folder SRC to DST (bok.conf, snapshots/ and other files as they are) and
writes every workbook file (verksamheter, budget, utfall, prognos, periodisering) as NAME.xlsx
instead of NAME.csv, the first sheet named Blad1; --also converts another file too (a measures
file: NAME.xlsx beside NAME.csv). How cells are written:

  doubles    amounts as numbers (Python floats: stored as doubles), periods as integers, codes
             that are digits as integers
  text       every cell as text, amounts in the Swedish form of the CSV ("-1 234,50")
  dates      as doubles, but periods as dates (the 1st of the month, format yyyy-mm)
  dates1904  as dates, in a workbook counting from 1904 (date1904)
  mixed      row by row in turn: doubles, text, dates

--digits17 then rewrites every stored number with 17 significant digits, as Excel stores a
double ("-8708.1499999999996" for -8708.15), so the loader's rounding to öre is what makes
the figures agree. --shared moves the text cells into a shared-strings part (t="s"), as Excel
writes them (openpyxl writes inline strings).
"""
import csv
import datetime
import os
import shutil
import re
import sys
import zipfile

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

WORKBOOK_FILES = ["verksamheter", "budget", "utfall", "prognos", "periodisering"]
AMOUNT_COLUMNS = {"belopp", "prognos", "amount", "forecast", "effekt", "per_månad", "spridning"}
PERIOD_COLUMNS = {"period", "från_period"}


def amount_value(text):
    """The CSV amount '-1 234,50' as a float, or the text when it is no amount."""
    t = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("\u2212", "-")
    t = t.replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return text


def period_value(text, as_date):
    t = text.strip()
    if len(t) == 6 and t.isdigit():
        y, m = int(t[:4]), int(t[4:])
    elif len(t) == 7 and t[4] == "-":
        y, m = int(t[:4]), int(t[5:])
    elif len(t) == 4 and t.isdigit():
        return int(t)  # an annual amount's year stays a number
    else:
        return text
    if as_date:
        return datetime.date(y, m, 1)
    return int(t.replace("-", ""))


def convert(src_csv, dst_xlsx, mode, row_modes=None):
    wb = openpyxl.Workbook()
    if mode == "dates1904":
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Blad1"
    with open(src_csv, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    header = [h.strip().lower() for h in rows[0]]
    ws.append(rows[0])
    for i, row in enumerate(rows[1:]):
        m = mode
        if mode == "mixed":
            m = ["doubles", "text", "dates"][i % 3]
        out = []
        for name, text in zip(header, row):
            if m == "text" or text.strip() == "":
                out.append(text if text != "" else None)
            elif name in AMOUNT_COLUMNS:
                out.append(amount_value(text))
            elif name in PERIOD_COLUMNS:
                out.append(period_value(text, m in ("dates", "dates1904")))
            elif name in ("kod", "verksamhet", "överordnad") and text.isdigit() and \
                    not text.startswith("0"):
                out.append(int(text))
            else:
                out.append(text)
        ws.append(out)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm"
    wb.save(dst_xlsx)


def digits17(path):
    """Rewrites <v>number</v> of every sheet with 17 significant digits."""
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]

    def v17(m):
        return "<v>%s</v>" % ("%.17g" % float(m.group(1)))

    with zipfile.ZipFile(path + ".tmp", "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/"):
                text = data.decode("utf-8")
                # only number cells: no t attribute or t="n"
                text = re.sub(r'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?(?: t="n")?>)<v>([^<]*)</v>',
                              lambda m: m.group(1) + v17(re.match(r"(.*)", m.group(2))),
                              text)
                data = text.encode("utf-8")
            z.writestr(info, data)
    os.replace(path + ".tmp", path)


def rewrite(path, fn):
    """Calls fn(name, text) -> text for every part; fn returns None to keep a part as is."""
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    extra = []
    with zipfile.ZipFile(path + ".tmp", "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            new = fn(info.filename, data.decode("utf-8"), extra)
            z.writestr(info, data if new is None else new.encode("utf-8"))
        for name, text in extra:
            z.writestr(name, text.encode("utf-8"))
    os.replace(path + ".tmp", path)


def shared(path):
    strings, index = [], {}

    def cell(m):
        text = m.group(3)
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return '<c r="%s"%s t="s"><v>%d</v></c>' % (m.group(1), m.group(2) or "", index[text])

    def fn(name, text, extra):
        if name.startswith("xl/worksheets/"):
            return re.sub(r'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"><is><t>(.*?)</t>'
                          r'</is></c>', cell, text)
        return None

    rewrite(path, fn)
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
           'openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>' %
           (len(strings), len(strings), "".join("<si><t>%s</t></si>" % t for t in strings)))

    def add(name, text, extra):
        if name == "xl/_rels/workbook.xml.rels":
            return text.replace("</Relationships>", '<Relationship Id="rIdSst" Type="http://'
                                'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        if name == "[Content_Types].xml":
            extra.append(("xl/sharedStrings.xml", sst))
            return text.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" '
                                'ContentType="application/vnd.openxmlformats-officedocument.'
                                'spreadsheetml.sharedStrings+xml"/></Types>')
        return None

    rewrite(path, add)


def main():
    args = sys.argv[1:]
    mode = "doubles"
    keep = set()
    if "--mode" in args:
        i = args.index("--mode")
        mode = args[i + 1]
        del args[i:i + 2]
    d17 = "--digits17" in args
    if d17:
        args.remove("--digits17")
    sst = "--shared" in args
    if sst:
        args.remove("--shared")
    also = []
    while "--also" in args:
        i = args.index("--also")
        also.append(args[i + 1])
        del args[i:i + 2]
    while "--keep" in args:
        i = args.index("--keep")
        keep.add(args[i + 1])
        del args[i:i + 2]
    src, dst = args
    if os.path.exists(dst):
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    for name in WORKBOOK_FILES:
        path = os.path.join(dst, name + ".csv")
        if not os.path.exists(path) or name + ".csv" in keep:
            continue
        convert(path, os.path.join(dst, name + ".xlsx"), mode)
        if d17:
            digits17(os.path.join(dst, name + ".xlsx"))
        if sst:
            shared(os.path.join(dst, name + ".xlsx"))
        os.remove(path)
    for name in also:
        out = os.path.join(dst, name[:-4] + ".xlsx")
        convert(os.path.join(dst, name), out, mode)
        if d17:
            digits17(out)
        if sst:
            shared(out)


if __name__ == "__main__":
    main()
