#!/usr/bin/env python3
"""The PDF report and the CSV agree cell for cell (DESIGN §5.1: every format shows the same table).

usage: check-pdf-csv.py KKR WORKBOOK [kkr report options...]

Writes `kkr report --pdf` and `--format csv` (verksamhet and slag tables) with the given layout
options, reads the PDF back with pdftotext -layout and checks that each CSV row's figures appear,
in column order, on the PDF line of that row (the PDF prints U+2212 for minus, a narrow no-break
space between thousands and a decimal comma; the CSV a plain '-' and '.'). Exits 77 without
pdftotext.
"""
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile


def norm(s):
    return s.replace('\u2212', '-').replace('\u202f', ' ').replace('\u00a0', ' ')


def csv_rows(kkr, wb, table, opts):
    out = subprocess.run([kkr, 'report', wb, '--format', 'csv', '--table', table, *opts],
                         capture_output=True, check=True, env=dict(os.environ, LC_ALL='C')).stdout.decode()
    return list(csv.reader(io.StringIO(out), delimiter=';'))


def as_print(v):
    """A CSV figure as the PDF prints it: thousands separated, decimal comma."""
    if v == '':
        return None
    neg = v.startswith('-')
    whole, _, dec = v.lstrip('-').partition('.')
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ' '.join(groups) + (',' + dec if dec else '')
    return ('-' if neg else '') + text


def main():
    if not shutil.which('pdftotext'):
        print('pdftotext not installed (poppler-utils)')
        return 77
    kkr, wb, opts = sys.argv[1], sys.argv[2], sys.argv[3:]
    with tempfile.TemporaryDirectory() as tmp:
        pdf = os.path.join(tmp, 'r.pdf')
        subprocess.run([kkr, 'report', wb, '--pdf', pdf, *opts], check=True,
                       env=dict(os.environ, LC_ALL='C'), capture_output=True)
        text = subprocess.run(['pdftotext', '-layout', pdf, '-'], capture_output=True,
                              check=True).stdout.decode()
    lines = [norm(l) for l in text.splitlines()]
    failures = checked = 0
    for table, name_col, first_fig in (('verksamhet', 1, 3), ('slag', 0, 1)):
        rows = csv_rows(kkr, wb, table, opts)
        header, body = rows[0], rows[1:]
        figs = [i for i in range(first_fig, len(header)) if header[i] != 'beräknad']
        for r in body:
            want = [as_print(r[i]) for i in figs]
            want = [w for w in want if w is not None]
            # the PDF line: the row's name (unit name, "Varav ...", the total label, Intäkter)
            found = False
            for l in lines:
                rest = l.split()
                joined = ' '.join(rest)
                pos = 0
                ok = True
                for w in want:
                    k = joined.find(' ' + w, pos)
                    if k < 0:
                        ok = False
                        break
                    pos = k + len(w) + 1
                if ok and pos and joined[pos:].strip() in ('', '*'):
                    key = r[name_col] if table == 'verksamhet' else None
                    if key is None or key.split()[0].lower() in joined.lower() or \
                            r[0] == 'total':
                        found = True
                        break
            checked += len(want)
            if not found:
                print(f'{table} {r[0]}: no PDF line with {want}')
                failures += 1
    print(f'{checked} PDF cells compared with the CSV, {failures} rows differ')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
