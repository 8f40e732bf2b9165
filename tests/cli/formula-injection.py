#!/usr/bin/env python3
"""Formula injection (issue 7): formula-like unit codes, names, comments and measure texts go
through every CSV writer of kkr, and must come out neutralised (a leading apostrophe before
= + - @ tab CR, see kkr_csv_safe_text), while amounts, negative ones included, stay numbers.

Writers: report --format csv (stdout, -o FILE, --excel, --table slag), forecast --format csv,
forecast --backtest --cases FILE, whatif --format csv, import -o FILE and --into DIR, lock
(snapshots/YYYYMM.csv). The files kkr reads back (utfall.csv, the snapshot) must load again
with the original texts (the reader drops the apostrophe).

usage: formula-injection.py KKR
"""
import csv
import io
import os
import re
import subprocess
import sys
import tempfile

KKR = os.path.abspath(sys.argv[1])
RISKY = ('=', '+', '-', '@', '\t', '\r')
NUMBER = re.compile(r'^-?[0-9]+(?:[.,][0-9]+)?$')
failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg)


def run(args, cwd, ok=(0,)):
    p = subprocess.run([KKR] + args, cwd=cwd, capture_output=True,
                       env=dict(os.environ, LC_ALL='C', TZ='UTC', SOURCE_DATE_EPOCH='0'))
    if p.returncode not in ok:
        fail(f'kkr {" ".join(args)}: exit {p.returncode}\n{p.stderr.decode(errors="replace")}')
    return p


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write(text)


# unit codes and names (quoted where they hold ';' or quotes); '-2' and '+1' look like numbers
UNITS = [
    ('=HYP', '=HYPERLINK("http://evil.example";"klicka")', ''),
    ('+1', '+1 Äldreomsorg', ''),
    ('-2', '-2 Hemtjänst', '+1'),
    ('@SUM', '@SUM(A1:A9)', '+1'),
    # a name that starts with a tab or CR is refused at load since issue 12 (control
    # characters in names; main() checks the message); a kommentar may start with a line break
    ('TAB', 'Tabb', ''),
    ('CR', 'CR', ''),
]


def q(s):
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ';"\r\n\t') else s


def make_workbook(d):
    write(f'{d}/bok.conf', 'år = 2020\nnämnd = Testnämnden\n')
    write(f'{d}/verksamheter.csv', 'kod;namn;överordnad\n' +
          ''.join(f'{q(c)};{q(n)};{q(p)}\n' for c, n, p in UNITS))
    budget = ['verksamhet;slag;period;belopp']
    actual = ['verksamhet;slag;period;belopp']
    for year in (2017, 2018, 2019, 2020):
        for c, _, _ in UNITS:
            budget.append(f'{q(c)};kostnad;{year};120 000')
            budget.append(f'{q(c)};intäkt;{year};-1 234')
            for m in range(1, 13 if year == 2019 else 6):
                actual.append(f'{q(c)};kostnad;{year}{m:02d};{9000 + 100 * m}')
                actual.append(f'{q(c)};intäkt;{year}{m:02d};-1234')
    write(f'{d}/budget.csv', '\n'.join(budget) + '\n')
    write(f'{d}/utfall.csv', '\n'.join(actual) + '\n')
    write(f'{d}/prognos.csv', 'verksamhet;slag;prognos;kommentar\n'
          '=HYP;kostnad;130 000;=1+1\n'
          '+1;kostnad;-1 234;-5 % personal\n'
          '-2;kostnad;110 000;@kommentar\n'
          '@SUM;kostnad;100 000;+46 70 123 45 67\n'
          '"TAB";intäkt;-1 500;"=cmd|\' /C calc\'!A0"\n'
          'CR;kostnad;100;"\rradbrytning först"\n')
    write(f'{d}/atgarder.csv', 'verksamhet;beskrivning;effekt;sannolikhet\n'
          '=HYP;"=HYPERLINK(""x"")";10 000;1\n'
          '-2;-minska vikarier;-2 000;0,5\n'
          '@SUM;@besparing;5 000;1\n')


def read_csv(path_or_bytes):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else open(path_or_bytes, 'rb').read()
    text = data.decode('utf-8')
    if text.startswith('\ufeff'):
        text = text[1:]
    return list(csv.reader(io.StringIO(text, newline=''), delimiter=';'))


CODES = {"'" + c for c, _, _ in UNITS}


def check(name, rows, want_texts=(), want_negative=True):
    """Every cell is a number or neutralised text; want_texts must appear as cells."""
    if len(rows) < 2:
        fail(f'{name}: {len(rows)} rows')
        return
    cells = [c for r in rows for c in r]
    negative = False
    for r, row in enumerate(rows):
        for c in row:
            if NUMBER.match(c):
                negative |= c.startswith('-')
            elif c.startswith(RISKY):
                fail(f'{name}: row {r + 1}: formula-like cell {c!r} not neutralised')
            elif re.match(r"^'-?[0-9]+(?:[.,][0-9]+)?$", c) and c not in CODES:
                fail(f'{name}: row {r + 1}: number {c!r} neutralised')
    for t in want_texts:
        if t not in cells:
            fail(f'{name}: no cell {t!r}')
    if want_negative and not negative:
        fail(f'{name}: no negative amount (e.g. -1234) as a number')
    print(f'ok   {name}: {len(rows)} rows, {len(cells)} cells')


def main():
    with tempfile.TemporaryDirectory(prefix='kkr-formula-') as tmp:
        wb = os.path.join(tmp, 'wb')
        make_workbook(wb)
        run(['check', 'wb'], tmp)

        p = run(['report', 'wb', '--format', 'csv', '--unit', 'kr'], tmp)
        check('report --format csv', read_csv(p.stdout),
              ["'=HYP", "'=HYPERLINK(\"http://evil.example\";\"klicka\")", "'+1",
               "'+1 Äldreomsorg", "'-2", "'-2 Hemtjänst", "'@SUM", "'@SUM(A1:A9)"])
        run(['report', 'wb', '--format', 'csv', '--unit', 'kr', '-o', 'report.csv'], tmp)
        check('report --format csv -o', read_csv(os.path.join(tmp, 'report.csv')),
              ["'=HYP", "'-2"])
        p = run(['report', 'wb', '--format', 'csv', '--excel', '--unit', 'kr'], tmp)
        if not p.stdout.startswith(b'\xef\xbb\xbf'):
            fail('report --excel: no BOM')
        check('report --format csv --excel', read_csv(p.stdout), ["'=HYP", "'-2 Hemtjänst"])
        p = run(['report', 'wb', '--format', 'csv', '--table', 'slag', '--unit', 'kr'], tmp)
        check('report --table slag', read_csv(p.stdout))

        p = run(['forecast', 'wb', '--format', 'csv', '--unit', 'kr'], tmp)
        check('forecast --format csv', read_csv(p.stdout), ["'=HYP", "'-2", "'@SUM"])
        run(['forecast', 'wb', '--backtest', '--cases', 'cases.csv'], tmp)
        if os.path.exists(os.path.join(tmp, 'cases.csv')):
            check('forecast --backtest --cases', read_csv(os.path.join(tmp, 'cases.csv')),
                  ["'=HYP", "'-2"])
        else:
            fail('forecast --backtest --cases: no cases.csv')

        p = run(['whatif', 'wb', '--measures', 'wb/atgarder.csv', '--format', 'csv'], tmp)
        check('whatif --format csv', read_csv(p.stdout),
              ["'=HYPERLINK(\"x\")", "'-minska vikarier", "'@besparing", "'=HYP", "'-2"])

        # import: ERP codes map to the formula-like units
        write(f'{tmp}/map.csv', 'kod;verksamhet\n100;=HYP\n200;-2\n300;@SUM\n')
        write(f'{tmp}/ledger.csv', 'Vht;Konto;Period;Belopp\n'
              '100;4010;202006;1000,50\n200;3010;202006;-1234\n300;5010;202006;-2\n'
              '300;5010;202006;5\n')
        run(['import', 'ledger.csv', '--map', 'map.csv', '-o', 'utfall-new.csv'], tmp)
        rows = read_csv(os.path.join(tmp, 'utfall-new.csv'))
        check('import -o', rows, ["'=HYP", "'-2", "'@SUM", '-1234,00'])
        run(['import', 'ledger.csv', '--map', 'map.csv', '--into', 'wb'], tmp)
        # --into keeps the existing rows byte for byte (the user's own text); the imported
        # period's rows are kkr's
        rows = read_csv(os.path.join(wb, 'utfall.csv'))
        rows = rows[:1] + [r for r in rows[1:] if len(r) > 2 and r[2] == '202006']
        check('import --into', rows, ["'=HYP", "'-2", '-1234,00'])

        # lock: the snapshot's codes and comments; then it and utfall.csv load back
        run(['lock', 'wb', '--period', '202005'], tmp)
        snap = os.path.join(wb, 'snapshots', '202005.csv')
        if os.path.exists(snap):
            check('lock (snapshot)', read_csv(snap),
                  ["'=HYP", "'=1+1", "'-5 % personal", "'@kommentar", "'+46 70 123 45 67",
                   "'=cmd|' /C calc'!A0", "'-2", "'\rradbrytning först"])
            p = run(['report', 'wb', '--format', 'csv', '--unit', 'kr', '--period', '202005',
                     '--compare', '202005'], tmp)
            check('report --compare (snapshot read back)', read_csv(p.stdout), ["'=HYP"])
        else:
            fail('kkr lock wrote no snapshots/202005.csv')
        # read back: the texts are the originals again (json shows them unescaped)
        p = run(['report', 'wb', '--format', 'json', '--period', '202006'], tmp)
        out = p.stdout.decode()
        for t in ('"=HYP"', '"-2"', '"@SUM"'):
            if t not in out:
                fail(f'report --format json after import --into: no {t} (apostrophe kept?)')
        p = run(['report', 'wb', '--period', '202005', '--pdf', 'r.pdf'], tmp)

        # a name with a tab (any control character; a leading one is trimmed) is refused
        with open(f'{wb}/verksamheter.csv', 'a', encoding='utf-8') as f:
            f.write('T2;"Ta\tbb";\n')
        p = run(['check', 'wb'], tmp, ok=(2,))
        if not p.stderr.decode().startswith(
                'kkr: wb/verksamheter.csv:8:2: namn with a control character (U+0009'):
            fail(f'a name starting with a tab: {p.stderr!r}')

    if failures:
        print(f'{len(failures)} failures')
        sys.exit(1)
    print('all CSV writers neutralise formula-like text, amounts stay numbers')


main()
