#!/usr/bin/env python3
"""Every xlsx kkr writes (report, forecast, forecast --backtest, whatif, whatif --table), read
back with openpyxl (an independent client) and checked against the CSV output of the same
command, cell by cell; the same input twice gives the same bytes; `-o -` gives the file's bytes;
the formats, outline levels, frozen headings and A4 print setup are there; nothing is printed
on stderr (libxlsxwriter's own warnings) and no temporary file is left in the target folder.

usage: check-xlsx-output.py KKR SOURCE_ROOT
"""
import csv
import io
import json
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

try:
    sys.path.insert(0, '/usr/lib/python3/dist-packages')
    import openpyxl
except ImportError:
    print('skipped: python3-openpyxl is not installed')
    sys.exit(77)

KKR, SRC = sys.argv[1], sys.argv[2]
SMED = os.path.join(SRC, 'budgets', 'smedjebacken-2020')
VARD = os.path.join(SRC, 'budgets', 'vardomsorg-generated')
failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg)


def run(args, env_extra=None, check=True):
    env = dict(os.environ, LC_ALL='C', TZ='UTC')
    env.pop('SOURCE_DATE_EPOCH', None)
    if env_extra:
        env.update(env_extra)
    p = subprocess.run([KKR] + args, capture_output=True, env=env)
    if check and p.returncode != 0:
        fail('kkr %s: exit %d: %s' % (' '.join(args), p.returncode, p.stderr.decode()))
    return p


def csv_rows(args):
    p = run(args + ['--format', 'csv'])
    return list(csv.reader(io.StringIO(p.stdout.decode()), delimiter=';'))


def table_of(ws):
    """The heading row (the first row whose first cell is a heading) and the data rows."""
    rows = list(ws.iter_rows())
    for i, r in enumerate(rows):
        if r[0].value in ('Kod', 'Belopp i kkr', 'Belopp i kr', 'Belopp i mnkr', 'kod',
                          'metod', 'Metod', 'scenario') and sum(c.value is not None for c in r) > 1:
            body = []
            for rr in rows[i + 1:]:
                if all(c.value is None for c in rr):
                    break
                body.append(rr)
            return r, body
    raise AssertionError('no heading row in sheet ' + ws.title)


def same_number(text, value):
    if text == '':
        return value is None
    try:
        return value is not None and abs(float(text) - float(value)) < 1e-9
    except (TypeError, ValueError):
        return False


def check_formats(ws, head, body, decimals):
    for rr in body:
        for c in rr:
            if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                want = '#,##0' + ('.' + '0' * decimals if decimals else '')
                if decimals is not None and c.number_format != want:
                    fail('%s!%s: number format %r, expected %r' % (ws.title, c.coordinate,
                                                                  c.number_format, want))
                    return


def write_xlsx(args, name, env_extra=None):
    d = tempfile.mkdtemp(prefix='kkr-xlsx-')
    atexit.register(shutil.rmtree, d, True)  # one folder per file written: none left behind
    path = os.path.join(d, name)
    p = run(args + ['--format', 'xlsx', '-o', path], env_extra)
    if p.stderr:
        fail('kkr %s printed on stderr: %r' % (' '.join(args), p.stderr.decode()))
    left = sorted(os.listdir(d))
    if left != [name]:
        fail('kkr %s left %r in the target folder' % (' '.join(args), left))
    with open(path, 'rb') as f:
        data = f.read()
    # same input, same bytes: again, and to standard output
    p2 = run(args + ['--format', 'xlsx', '-o', path], env_extra)
    with open(path, 'rb') as f:
        if f.read() != data:
            fail('kkr %s: a second run gave other bytes' % ' '.join(args))
    p3 = run(args + ['--format', 'xlsx', '-o', '-'], env_extra)
    if p3.stdout != data:
        fail('kkr %s -o -: other bytes than the file (%d vs %d)' % (' '.join(args),
                                                                   len(p3.stdout), len(data)))
    return path


def check_report(args, decimals=0, label=''):
    """kkr report ... --format xlsx against --table verksamhet and --table slag as CSV."""
    path = write_xlsx(args, 'rapport.xlsx')
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    if names[:2] != ['Slag', 'Verksamheter']:
        fail('%s: sheets %r' % (label, names))
        return wb
    # the unit table
    want = csv_rows(args + ['--table', 'verksamhet'])
    ws = wb['Verksamheter']
    head, body = table_of(ws)
    cols = want[0][3:-1]                       # the figure columns of the CSV
    if len(body) != len(want) - 1:
        fail('%s: %d unit rows, CSV has %d' % (label, len(body), len(want) - 1))
    for rr, w in zip(body, want[1:]):
        if rr[0].value != w[0]:
            fail('%s: row %s kod %r, CSV %r' % (label, rr[0].row, rr[0].value, w[0]))
        for j, name in enumerate(cols):
            cell = rr[2 + j]
            if not same_number(w[3 + j], cell.value):
                fail('%s: Verksamheter!%s (%s of %s) = %r, CSV %r' % (
                    label, cell.coordinate, name, w[0], cell.value, w[3 + j]))
        level = ws.row_dimensions[rr[0].row].outlineLevel or 0
        if level != int(w[2]):
            fail('%s: %s outline level %d, nivå %s' % (label, w[0], level, w[2]))
        if int(w[2]) > 0 and not str(rr[1].value).startswith('Varav '):
            fail('%s: %s is not a Varav row: %r' % (label, w[0], rr[1].value))
    if ws.freeze_panes != 'C%d' % (head[0].row + 1):
        fail('%s: Verksamheter frozen at %r' % (label, ws.freeze_panes))
    check_formats(ws, head, body, decimals)
    # the slag table
    want = csv_rows(args + ['--table', 'slag'])
    ws = wb['Slag']
    head, body = table_of(ws)
    for rr, w in zip(body, want[1:]):
        for j in range(1, len(w)):
            if not same_number(w[j], rr[j].value):
                fail('%s: Slag!%s = %r, CSV %r' % (label, rr[j].coordinate, rr[j].value, w[j]))
    if len(body) != 3:
        fail('%s: %d slag rows' % (label, len(body)))
    for name in names:
        ps = wb[name].page_setup
        if str(ps.paperSize) != '9':
            fail('%s: sheet %s paper %r, expected A4 (9)' % (label, name, ps.paperSize))
    return wb


def check_csv_sheet(args, name, sheet, text_cols, headings=None):
    """The sheet's cells against the CSV of the same command; the headings are the text
    output's Swedish ones when given (forecast, backtest), else the CSV's names."""
    path = write_xlsx(args, name)
    wb = openpyxl.load_workbook(path)
    if wb.sheetnames != [sheet]:
        fail('%s: sheets %r' % (name, wb.sheetnames))
        return
    want = csv_rows(args)
    ws = wb[sheet]
    head, body = table_of(ws)
    if [c.value for c in head] != (headings or want[0]):
        fail('%s: heading %r, expected %r' % (name, [c.value for c in head],
                                              headings or want[0]))
    if len(body) != len(want) - 1:
        fail('%s: %d rows, CSV %d' % (name, len(body), len(want) - 1))
    for rr, w in zip(body, want[1:]):
        for j, text in enumerate(w):
            v = rr[j].value
            if want[0][j] in text_cols:
                if (v or '') != text:
                    fail('%s: %s!%s = %r, CSV %r' % (name, sheet, rr[j].coordinate, v, text))
            elif not same_number(text, v):
                fail('%s: %s!%s = %r, CSV %r' % (name, sheet, rr[j].coordinate, v, text))
    return wb


# kkr report, as § 56, in kkr and mnkr and with the optional columns
wb = check_report(['report', SMED], 0, 'report')
props = wb.properties
if props.created is None or props.created.strftime('%Y-%m-%d') != '2020-05-01':
    fail('report: document date %r, expected the period 2020-05-01' % props.created)
ws = wb['Slag']
if not str(ws['A1'].value).startswith('Budgetuppföljning'):
    fail('report: title block %r' % ws['A1'].value)
check_report(['report', SMED, '--unit', 'mnkr'], 1, 'report --unit mnkr')
check_report(['report', SMED, '--unit', 'kr'], 0, 'report --unit kr')
check_report(['report', SMED, '--columns', '+utfall-procent,+riktpunkt'], None,
             'report --columns')
# the kommun's own layout (DESIGN §5.1) reaches the xlsx through the same column model
check_report(['report', SMED, '--columns', 'budget_helår,prognos_helår,avvikelse_helår',
              '--sign', 'resultat', '--decimals', '1'], 1, 'report --columns --sign --decimals')
check_report(['report', VARD, '--forecast', 'seasonal', '--period', '202406'], 0,
             'report --forecast')
# SOURCE_DATE_EPOCH fixes the date as for the PDF report
p = write_xlsx(['report', SMED], 'epoch.xlsx', {'SOURCE_DATE_EPOCH': '86400'})
if openpyxl.load_workbook(p).properties.created.strftime('%Y-%m-%d') != '1970-01-02':
    fail('report: SOURCE_DATE_EPOCH not used for the document date')

p = write_xlsx(['report', SMED], 'epoch0.xlsx', {'SOURCE_DATE_EPOCH': '0'})
d0 = openpyxl.load_workbook(p).properties.created
if d0 is None or d0.strftime('%Y-%m-%dT%H:%M:%S') != '1970-01-01T00:00:01':
    fail('report: SOURCE_DATE_EPOCH=0 gave the document date %r' % d0)

# a comment with a line break and one that looks like a formula stay text
with tempfile.TemporaryDirectory() as d:
    wbdir = os.path.join(d, 'wb')
    subprocess.run(['cp', '-r', SMED, wbdir], check=True)
    with open(os.path.join(wbdir, 'prognos.csv'), 'w') as f:
        f.write('verksamhet;slag;prognos;kommentar\n'
                'HT;kostnad;29 000 000;"Färre timmar\nän budgeterat"\n'
                'KB;kostnad;6 600 000;"=1+1 är ingen formel"\n')
    path = write_xlsx(['report', wbdir], 'k.xlsx')
    wbk = openpyxl.load_workbook(path)
    if 'Kommentarer' not in wbk.sheetnames:
        fail('report: no Kommentarer sheet')
    else:
        got = {(r[0], r[2]): r[3] for r in wbk['Kommentarer'].iter_rows(values_only=True)
               if r[0] in ('HT', 'KB')}
        if got.get(('HT', 'kostnad')) != 'Färre timmar\nän budgeterat':
            fail('report: comment with a line break read back as %r' % got.get(('HT', 'kostnad')))
        c = [c for c in wbk['Kommentarer']['D'] if c.value and str(c.value).startswith('=')]
        if not c or c[0].data_type != 's':
            fail('report: the formula-like comment is not a text cell')

# kkr forecast (also --backtest) and kkr whatif (bridge and --table)
FORECAST_HEADS = ['Kod', 'Slag', 'Budget', 'Utfall', 'Prognos', 'Låg', 'Hög', 'Avvikelse',
                  'Metod']
wbf = check_csv_sheet(['forecast', VARD, '--method', 'seasonal'], 'prognos.xlsx', 'Prognos',
                      ('kod', 'slag', 'metod'), FORECAST_HEADS)
# --sign resultat --decimals 1 --unit mnkr: the same cells as the CSV with those options
check_csv_sheet(['forecast', VARD, '--method', 'seasonal', '--sign', 'resultat', '--decimals',
                 '1', '--unit', 'mnkr'], 'prognos-mnkr.xlsx', 'Prognos', ('kod', 'slag', 'metod'),
                FORECAST_HEADS)
if wbf:
    ws = wbf['Prognos']
    head, body = table_of(ws)
    levels = [ws.row_dimensions[rr[0].row].outlineLevel for rr in body]
    if max(levels) < 1:
        fail('forecast: no outline levels')
check_csv_sheet(['forecast', VARD, '--backtest'], 'backtest.xlsx', 'Backtest', ('metod',),
                ['Metod', 'Månader (k)', 'Fall', 'Medelfel (MAPE), %', 'Täckning, %'])


def check_bridge(args, label):
    """kkr whatif --format xlsx: the text table's rows and columns (one column per scenario, a
    measure shared by scenarios on one row), the figures as the JSON gives them."""
    path = write_xlsx(args, 'brygga.xlsx')
    wb = openpyxl.load_workbook(path)
    if wb.sheetnames != ['Brygga']:
        fail('%s: sheets %r' % (label, wb.sheetnames))
        return
    js = json.loads(run(args + ['--format', 'json']).stdout.decode())
    ws = wb['Brygga']
    head, body = table_of(ws)
    body = [rr for rr in ws.iter_rows(min_row=head[0].row + 1) if rr[0].value is not None]
    scen = js['scenarier']
    single = len(scen) == 1
    first = 4 if single else 2
    heads = [c.value for c in head]
    want = (['Belopp i ' + js['enhet'], 'Verksamhet', 'Effekt', 'Sannolikhet, %', 'Förväntat']
            if single else ['Belopp i ' + js['enhet'], 'Verksamhet'] + [x['namn'] for x in scen])
    if heads != want:
        fail('%s: heading %r, expected %r' % (label, heads, want))
    rows = {}
    for rr in body:
        key = (rr[0].value, rr[1].value)
        if key in rows:
            fail('%s: the row %r twice' % (label, key))
        rows[key] = rr
    def value(key, i):
        rr = rows.get(key)
        return None if rr is None else rr[first + i].value
    for i, x in enumerate(scen):
        checks = [((x['baslinje']['text'], None), x['baslinje']['belopp']),
                  (('Summa åtgärder', None), x['summa_åtgärder']),
                  (('Resultat efter åtgärder', None), x['resultat']),
                  (('Ytterligare besparing som behövs, förväntat', None), x['behov_förväntat'])]
        if x['avstämning'] and x['avstämning']['rest'] != 0:
            checks.append((('Utgångsläge: ' + x['utgångsläge']['text'], None),
                           x['utgångsläge']['belopp']))
        for m in x['åtgärder']:
            checks.append(((m['beskrivning'], m['verksamhet'] or 'hela nämnden'), m['förväntat']))
        for key, v in checks:
            got = value(key, i)
            if got is None or abs(got - v) > 1e-9:
                fail('%s: %r in %s = %r, JSON %r' % (label, key, x['namn'], got, v))
        if single:
            for m in x['åtgärder']:
                rr = rows.get((m['beskrivning'], m['verksamhet'] or 'hela nämnden'))
                if rr is not None and (rr[2].value != m['effekt']
                                       or abs(rr[3].value - 100 * m['sannolikhet']) > 1e-9):
                    fail('%s: %s effekt/sannolikhet %r %r' % (label, m['beskrivning'],
                                                              rr[2].value, rr[3].value))
    levels = [ws.row_dimensions[rr[0].row].outlineLevel for rr in body]
    if max(levels) != 1:
        fail('%s: the measures are not outline level 1' % label)


check_bridge(['whatif', SMED, '--measures', os.path.join(SMED, 'atgarder-maj.csv')],
             'whatif (bridge)')
with tempfile.TemporaryDirectory() as d:
    a, b = os.path.join(d, 'a.csv'), os.path.join(d, 'b.csv')
    with open(a, 'w') as f:
        f.write('verksamhet;beskrivning;effekt;sannolikhet\nFOV;Vakanshållning;100 000;1\n'
                'HT;Schemaöversyn i hemtjänsten;500 000;0,5\n')
    with open(b, 'w') as f:
        f.write('verksamhet;beskrivning;effekt;sannolikhet\nHT;Nattpatrull;60 000;1\n'
                'FOV;Vakanshållning;100 000;0,5\n')
    check_bridge(['whatif', SMED, '--measures', a, '--measures', b, '--baseline', '202004',
                  '--unit', 'kkr'], 'whatif two scenarios')
check_report(['whatif', SMED, '--measures', os.path.join(SMED, 'atgarder-maj.csv'), '--table'],
             0, 'whatif --table')

# usage: xlsx needs a file name
for args in (['report', SMED], ['forecast', VARD], ['whatif', SMED, '--measures',
                                                         os.path.join(SMED, 'atgarder-maj.csv')]):
    p = run(args + ['--format', 'xlsx'], check=False)
    if p.returncode != 2 or b'--format xlsx needs -o FILE.xlsx' not in p.stderr:
        fail('%s --format xlsx without -o: exit %d %r' % (args[0], p.returncode, p.stderr))

if failures:
    print('%d failures' % len(failures))
    sys.exit(1)
print('ok')
