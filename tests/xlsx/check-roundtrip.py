#!/usr/bin/env python3
"""The prognos round trip (DESIGN §11): kkr template writes the files, openpyxl fills them in as
an enhetschef would, kkr collect reads them back into prognos.csv (golden). The template's
figures are checked against kkr forecast's CSV (method auto), its protection, validation and
hidden facts read back; a second template run never overwrites; the same input gives the same
bytes. Bad collect inputs give their file:sheet!cell messages, exit 2, and leave prognos.csv
as it was.

usage: check-roundtrip.py KKR SOURCE_ROOT
"""
import csv
import io
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
GOLDEN = os.path.join(SRC, 'tests', 'xlsx', 'golden')
failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg)


def run(args, cwd):
    env = dict(os.environ, LC_ALL='C', TZ='UTC', SOURCE_DATE_EPOCH='0')
    return subprocess.run([KKR] + args, capture_output=True, env=env, cwd=cwd)


def read(path):
    with open(path, 'rb') as f:
        return f.read()


tmp = tempfile.mkdtemp(prefix='kkr-roundtrip-')
os.chdir(tmp)
shutil.copytree(SMED, 'wb')

# ---- kkr template ----
p = run(['template', 'wb', '-o', 'ut/'], tmp)
if p.returncode != 0:
    fail('template: exit %d %r' % (p.returncode, p.stderr))
want_files = ['prognos-202005-%s.xlsx' % k for k in ('AO', 'FOV', 'HSL', 'LSS', 'POL')]
if sorted(os.listdir('ut')) != want_files:
    fail('template wrote %r' % sorted(os.listdir('ut')))
if p.stdout.decode().splitlines()[2] != 'ut/prognos-202005-AO.xlsx: 8 rows to fill in':
    fail('template said %r' % p.stdout.decode())
before = {f: read(os.path.join('ut', f)) for f in want_files}
p = run(['template', 'wb', '-o', 'ut/'], tmp)
if p.returncode != 1 or b'file exists and is never overwritten' not in p.stderr:
    fail('second template: exit %d %r' % (p.returncode, p.stderr))
if {f: read(os.path.join('ut', f)) for f in want_files} != before:
    fail('second template changed a file')
p = run(['template', 'wb', '-o', 'ut2'], tmp)
if {f: read(os.path.join('ut2', f)) for f in want_files} != before:
    fail('template: the same input gave other bytes')

# the figures against kkr forecast (method auto, 80 %), per kod and slag
fc = run(['forecast', 'wb', '--format', 'csv'], tmp)
rows = list(csv.DictReader(io.StringIO(fc.stdout.decode()), delimiter=';'))
by = {(r['kod'], r['slag']): r for r in rows}
wb = openpyxl.load_workbook('ut/prognos-202005-LSS.xlsx')
if wb.sheetnames != ['Prognos', 'kkr'] or wb['kkr'].sheet_state != 'hidden':
    fail('template sheets %r' % wb.sheetnames)
ws = wb['Prognos']
head = [c.value for c in ws[7]]
if head != ['Kod', 'Verksamhet', 'Slag', 'Helårsbudget', 'Utfall jan–maj', 'Prognos 202004',
            'Kommentar', 'Förslag', 'Låg', 'Hög', 'Metod', 'Prognos', 'Kommentar']:
    fail('template heading %r' % head)
seen = 0
for r in ws.iter_rows(min_row=8, max_row=ws.max_row):
    if r[0].value is None:
        break
    f = by.get((r[0].value, r[2].value))
    if not f:
        fail('template row %s %s not in kkr forecast' % (r[0].value, r[2].value))
        continue
    seen += 1
    for col, key in ((3, 'budget_helår'), (4, 'utfall_period'), (7, 'prognos_helår'),
                     (8, 'låg'), (9, 'hög')):
        if r[col].value != int(f[key]):
            fail('template %s: %s = %r, kkr forecast %s' % (r[col].coordinate, key,
                                                          r[col].value, f[key]))
    for c in r:
        unlocked = c.column_letter in ('L', 'M')
        if c.protection.locked == unlocked:
            fail('template %s locked=%s' % (c.coordinate, c.protection.locked))
if seen != 12:
    fail('template LSS: %d rows, expected 12' % seen)
if not ws.protection.sheet:
    fail('template sheet is not protected')
dvs = [(dv.type, str(dv.sqref)) for dv in ws.data_validations.dataValidation]
if ('decimal', 'L8:L19') not in dvs:
    fail('template validation %r' % dvs)
facts = dict(r for r in wb['kkr'].iter_rows(min_row=2, values_only=True))
if facts.get('period') != '5' or facts.get('år') != '2020' or facts.get('enhet') != 'kkr' \
        or facts.get('arbetsbok') != 'Smedjebackens kommun / Omsorgsnämnden':
    fail('template facts %r' % facts)
# the locked prognos of April and its comment
from decimal import Decimal, ROUND_HALF_UP
snap = {(r['verksamhet'], r['slag']): r for r in csv.DictReader(
    open(os.path.join(SMED, 'snapshots', '202004.csv'), encoding='utf-8'), delimiter=';')}
for r in ws.iter_rows(min_row=8, max_row=19):
    s = snap[(r[0].value, r[2].value)]
    kkr = (Decimal(s['prognos'].replace(' ', '').replace(',', '.')) / 1000).quantize(
        Decimal(1), rounding=ROUND_HALF_UP)
    if r[5].value != int(kkr):
        fail('template %s: locked prognos %r, snapshot 202004 %s kr' % (r[5].coordinate,
                                                                      r[5].value, s['prognos']))

# --per verksamhet and --per ansvarig
p = run(['template', 'wb', '-o', 'per-unit', '--per', 'verksamhet'], tmp)
if p.returncode != 0 or len(os.listdir('per-unit')) != 13:
    fail('template --per verksamhet: %r %r' % (os.listdir('per-unit'), p.stderr))
with open('wb/verksamheter.csv', encoding='utf-8') as f:
    lines = f.read().splitlines()
anv = {'AO': 'Anna Berg', 'LSS': 'Lars Ek', 'KV': 'Kim Ås'}
out = [lines[0] + ';ansvarig']
for line in lines[1:]:
    out.append(line + ';' + anv.get(line.split(';')[0], ''))
shutil.copytree('wb', 'wb-anv')
with open('wb-anv/verksamheter.csv', 'w', encoding='utf-8') as f:
    f.write('\n'.join(out) + '\n')
p = run(['template', 'wb-anv', '-o', 'per-anv', '--per', 'ansvarig'], tmp)
got = sorted(os.listdir('per-anv')) if os.path.isdir('per-anv') else []
if got != ['prognos-202005-Anna-Berg.xlsx', 'prognos-202005-Kim-Ås.xlsx',
           'prognos-202005-Lars-Ek.xlsx']:
    fail('template --per ansvarig wrote %r (%r)' % (got, p.stderr))
kim = openpyxl.load_workbook('per-anv/prognos-202005-Kim-Ås.xlsx')['Prognos']
if [c.value for c in kim['A'][7:9]] != ['KV', 'KV']:
    fail('template --per ansvarig: Kim Ås has %r' % [c.value for c in kim['A']])

# ---- fill in as the enhetschefer do ----
wb = openpyxl.load_workbook('ut/prognos-202005-AO.xlsx')
ws = wb['Prognos']
ws['L8'] = -6500.4              # SB intäkt: a double, in kkr
ws['M8'] = 'Fler platser belagda\nfrån juni'       # Alt+Enter
ws['L9'] = 64000                # SB kostnad
ws['M9'] = '=Högre kostnader än budget'           # looks like a formula, stays text
ws['M9'].data_type = 's'
ws['L12'] = '-3 400,5'          # HT intäkt typed as text with a Swedish amount
ws['M13'] = 'bara en kommentar' # HT kostnad: no prognos, no answer
wb.save('AO-ifylld.xlsx')
wb = openpyxl.load_workbook('ut/prognos-202005-POL.xlsx')
wb['Prognos']['L8'] = -122.000005  # POL intäkt: -12 200 000,5 öre, rounded once, half away
wb['Prognos']['L9'] = 1250.0005  # POL kostnad: 1 250 000,50 kr exactly
wb.save('POL-ifylld.xlsx')

p = run(['collect', 'wb', 'AO-ifylld.xlsx', 'POL-ifylld.xlsx'], tmp)
if p.returncode != 0:
    fail('collect: exit %d %r' % (p.returncode, p.stderr))
want_out = ('AO-ifylld.xlsx: 3 prognoser, 2 kommentarer, 5 rows left empty\n'
            'POL-ifylld.xlsx: 2 prognoser, 0 kommentarer, 0 rows left empty\n'
            'wb/prognos.csv: 5 prognoser taken from 2 files\n')
if p.stdout.decode() != want_out:
    fail('collect said %r' % p.stdout.decode())
if p.stderr.decode() != ('kkr: warning: AO-ifylld.xlsx:Prognos!M13: a kommentar without a '
                         'prognos is not taken\n'):
    fail('collect warned %r' % p.stderr.decode())
if os.environ.get('KKR_WRITE_GOLDEN'):
    shutil.copy('wb/prognos.csv', os.path.join(GOLDEN, 'collect-prognos.csv'))
golden = read(os.path.join(GOLDEN, 'collect-prognos.csv'))
if read('wb/prognos.csv') != golden:
    fail('prognos.csv differs from tests/xlsx/golden/collect-prognos.csv:\n' +
         read('wb/prognos.csv').decode())
# the report reads it back: the comment with its line break, the formula-like one as text
rep = run(['report', 'wb', '--format', 'json'], tmp)
if rep.returncode != 0 or '"kod": "POL", "namn": "Politisk verksamhet", "nivå": 0, ' \
        '"överordnad": null, "beräknad": false, "budget_period": 451, "utfall_period": 448, ' \
        '"avvikelse_period": 2, "budget_helår": 1082, "prognos_helår": 1128' \
        not in rep.stdout.decode():
    fail('report after collect: %r' % rep.stdout.decode()[:300])
p = run(['report', 'wb', '--format', 'xlsx', '-o', 'r.xlsx'], tmp)
com = {(r[0], r[2]): r[3] for r in openpyxl.load_workbook('r.xlsx')['Kommentarer']
       .iter_rows(values_only=True)}
if com.get(('SB', 'intäkt')) != 'Fler platser belagda\nfrån juni' or \
        com.get(('SB', 'kostnad')) != '=Högre kostnader än budget':
    fail('comments after collect: %r' % com)

# a sign against the hint is taken, with a warning
wb = openpyxl.load_workbook('ut/prognos-202005-FOV.xlsx')
wb['Prognos']['L8'] = 900       # FOV intäkt, positive
wb.save('FOV-tecken.xlsx')
p = run(['collect', 'wb', 'FOV-tecken.xlsx', '--dry-run'], tmp)
if p.returncode != 0 or b'FOV-tecken.xlsx:Prognos!L8: FOV int\xc3\xa4kt: prognos 900 kkr is ' \
        b'positive; under nettokostnad int\xc3\xa4kter are negative' not in p.stderr:
    fail('collect sign warning: %r' % p.stderr)
if read('wb/prognos.csv') != golden:
    fail('collect --dry-run wrote prognos.csv')

# collect rewrites prognos.csv under the workbook lock: a held lock, exit 1, nothing written
import fcntl
with open('wb/.kkr.lock', 'w') as lf:
    fcntl.lockf(lf, fcntl.LOCK_EX)
    env = dict(os.environ, LC_ALL='C', TZ='UTC', KKR_LOCK_WAIT='0.3')
    p = subprocess.run([KKR, 'collect', 'wb', 'FOV-tecken.xlsx'], capture_output=True, env=env,
                       cwd=tmp)
if p.returncode != 1 or not p.stderr.startswith(b'kkr: wb/.kkr.lock: the workbook is locked'):
    fail('collect under a held lock: exit %d %r' % (p.returncode, p.stderr))
if read('wb/prognos.csv') != golden:
    fail('collect under a held lock wrote prognos.csv')

# ---- bad inputs: exit 2, the message, prognos.csv untouched ----


def bad(name, files, message, setup=None, wbdir='wb'):
    before = read(os.path.join(wbdir, 'prognos.csv'))
    p = run(['collect', wbdir] + files, tmp)
    if p.returncode != 2 or p.stderr.decode() != message:
        fail('%s: exit %d, stderr %r, expected %r' % (name, p.returncode, p.stderr.decode(),
                                                     message))
    if read(os.path.join(wbdir, 'prognos.csv')) != before:
        fail('%s: prognos.csv changed' % name)
    left = [f for f in os.listdir(wbdir) if f.endswith('.tmp') or f.startswith('prognos.csv.')]
    if left:
        fail('%s: left %r' % (name, left))


def filled(src, dst, cells, string_cells=()):
    wb = openpyxl.load_workbook(src)
    for ref, v in cells.items():
        wb['Prognos'][ref] = v
    for ref in string_cells:
        wb['Prognos'][ref].data_type = 's'
    wb.save(dst)


filled('ut/prognos-202005-LSS.xlsx', 'LSS-text.xlsx', {'L8': -19000, 'L9': 'ungefär 20 000'})
bad('text in the prognos cell', ['LSS-text.xlsx'],
    "kkr: LSS-text.xlsx:Prognos!L9: 'ungefär 20 000' is not an amount, expected a number in "
    "kkr (or an empty cell for no answer)\n")
filled('ut/prognos-202005-LSS.xlsx', 'LSS-formel.xlsx', {'L10': '=H10*1,1'})
bad('a formula without a cached value', ['LSS-formel.xlsx'],
    'kkr: LSS-formel.xlsx:Prognos!L10: a formula without a cached value, expected a number in '
    'kkr (save the file in Excel, or type the number)\n')
filled('ut/prognos-202005-LSS.xlsx', 'LSS-sant.xlsx', {'L11': True})
bad('a truth value', ['LSS-sant.xlsx'],
    "kkr: LSS-sant.xlsx:Prognos!L11: a truth value '1', expected a number in kkr (or an empty "
    "cell for no answer)\n")
shutil.copy('AO-ifylld.xlsx', 'AO-kopia.xlsx')
bad('the same unit and slag in two files', ['AO-ifylld.xlsx', 'AO-kopia.xlsx'],
    'kkr: warning: AO-ifylld.xlsx:Prognos!M13: a kommentar without a prognos is not taken\n'
    'kkr: warning: AO-kopia.xlsx:Prognos!M13: a kommentar without a prognos is not taken\n'
    'kkr: AO-kopia.xlsx: SB intäkt is also in AO-ifylld.xlsx: one answer per verksamhet and '
    'slag\n')
p = run(['template', 'wb', '-o', 'april', '--period', '202004'], tmp)
filled('april/prognos-202004-AO.xlsx', 'AO-april.xlsx', {'L8': -6000})
bad('a template of another period', ['AO-april.xlsx'],
    'kkr: AO-april.xlsx: made for period 202004, the workbook\'s period is 202005 (a template '
    'of another month; --period YYYYMM collects an earlier one)\n')
shutil.copytree('wb', 'wb-annan')
with open('wb-annan/bok.conf', 'a', encoding='utf-8') as f:
    f.write('nämnd = Barn- och utbildningsnämnden\n')
p = run(['template', 'wb-annan', '-o', 'annan'], tmp)
filled('annan/prognos-202005-AO.xlsx', 'AO-annan.xlsx', {'L8': -6000})
bad('a template of another workbook', ['AO-annan.xlsx'],
    "kkr: AO-annan.xlsx: made for the workbook 'Smedjebackens kommun / Barn- och "
    "utbildningsnämnden', not for this one ('Smedjebackens kommun / Omsorgsnämnden')\n")
with open('inte-zip.xlsx', 'wb') as f:
    f.write(b'verksamhet;slag;prognos\n')
p = run(['collect', 'wb', 'inte-zip.xlsx'], tmp)
if p.returncode != 2 or not p.stderr.startswith(b'kkr: inte-zip.xlsx'):
    fail('not a zip: exit %d %r' % (p.returncode, p.stderr))
w = openpyxl.Workbook()
w.active.title = 'Blad1'
w.active['A1'] = 'kod'
w.save('annat.xlsx')
bad('an xlsx that is not a template', ['annat.xlsx'],
    "kkr: annat.xlsx: not a kkr prognos template (no sheet 'kkr'), expected a file written by "
    "kkr template\n")
# the good file with a bad one after it: nothing is written
bad('a good file and a bad one', ['POL-ifylld.xlsx', 'LSS-text.xlsx'],
    "kkr: LSS-text.xlsx:Prognos!L9: 'ungefär 20 000' is not an amount, expected a number in "
    "kkr (or an empty cell for no answer)\n")

# ---- the saved enhet and tecken (bok.conf): mnkr and resultat, both ways ----
shutil.copytree(SMED, 'wb-mnkr')
with open('wb-mnkr/bok.conf', 'a', encoding='utf-8') as f:
    f.write('enhet = mnkr\ntecken = resultat\n')
p = run(['template', 'wb-mnkr', '-o', 'ut-mnkr'], tmp)
if p.returncode != 0:
    fail('template mnkr/resultat: exit %d %r' % (p.returncode, p.stderr))
wb = openpyxl.load_workbook('ut-mnkr/prognos-202005-AO.xlsx')
ws = wb['Prognos']
facts = dict(r for r in wb['kkr'].iter_rows(min_row=2, values_only=True))
if facts.get('enhet') != 'mnkr' or facts.get('tecken') != 'resultat':
    fail('template mnkr/resultat facts %r' % facts)
if 'Belopp i mnkr; intäkter positiva, kostnader negativa (resultat).' not in ws['A3'].value:
    fail('template mnkr/resultat title %r' % ws['A3'].value)
prompts = [dv.prompt for dv in ws.data_validations.dataValidation]
if not prompts or 'Intäkter positiva, kostnader negativa (t.ex. -2,5 för kostnader' \
        not in prompts[0]:
    fail('template mnkr/resultat prompt %r' % prompts)
# the figures: kkr forecast under the same saved template (mnkr, resultat: negated, låg and
# hög swapped so that låg <= hög), and against net cost in kkr negated
fc = run(['forecast', 'wb-mnkr', '--format', 'csv'], tmp)
by = {(r['kod'], r['slag']): r for r in csv.DictReader(io.StringIO(fc.stdout.decode()),
                                                        delimiter=';')}
for r in ws.iter_rows(min_row=8, max_row=15):
    f = by[(r[0].value, r[2].value)]
    for col, key in ((3, 'budget_helår'), (4, 'utfall_period'), (7, 'prognos_helår'),
                     (8, 'låg'), (9, 'hög')):
        if abs(r[col].value - float(f[key])) > 1e-9:
            fail('template mnkr/resultat %s: %r, kkr forecast %s = %s' % (
                r[col].coordinate, r[col].value, key, f[key]))
fc = run(['forecast', 'wb-mnkr', '--format', 'csv', '--unit', 'mnkr', '--sign',
          'nettokostnad'], tmp)
by = {(r['kod'], r['slag']): r for r in csv.DictReader(io.StringIO(fc.stdout.decode()),
                                                        delimiter=';')}
for r in ws.iter_rows(min_row=8, max_row=15):
    f = by[(r[0].value, r[2].value)]
    for col, key in ((3, 'budget_helår'), (4, 'utfall_period'), (7, 'prognos_helår'),
                     (8, 'hög'), (9, 'låg')):
        if abs(r[col].value + float(f[key])) > 1e-9:
            fail('template mnkr/resultat %s: %r, kkr forecast %s = %s' % (
                r[col].coordinate, r[col].value, key, f[key]))
    if r[8].value > r[9].value:
        fail('template mnkr/resultat %s: låg %r > hög %r' % (r[8].coordinate, r[8].value,
                                                            r[9].value))
# filled in mnkr under resultat: revenues positive, costs negative
ws['L8'] = 6.5004               # SB intäkt: 6 500 400 kr of revenue, stored -6500400
ws['L9'] = -64.0000005          # SB kostnad: 64 000 000,50 kr of cost, exactly
ws['L10'] = -0.7                # KB intäkt negative: taken, with a warning
ws['L12'] = '3,45'              # HT intäkt as text: 3 450 000 kr of revenue
wb.save('AO-mnkr.xlsx')
p = run(['collect', 'wb-mnkr', 'AO-mnkr.xlsx'], tmp)
if p.returncode != 0 or p.stderr.decode() != (
        'kkr: warning: AO-mnkr.xlsx:Prognos!L10: KB intäkt: prognos -0,7 mnkr is negative; '
        'under resultat intäkter are positive\n'):
    fail('collect mnkr/resultat: exit %d %r' % (p.returncode, p.stderr.decode()))
got = {tuple(r[:2]): r[2] for r in csv.reader(open('wb-mnkr/prognos.csv', encoding='utf-8'),
                                              delimiter=';')}
want = {('SB', 'intäkt'): '-6500400', ('SB', 'kostnad'): '64000000.50',
        ('KB', 'intäkt'): '700000', ('HT', 'intäkt'): '-3450000'}
for k, v in want.items():
    if got.get(k) != v:
        fail('collect mnkr/resultat: %s %s = %r, expected %r kr' % (k[0], k[1], got.get(k), v))
# a template of the old sign is refused once tecken changes
filled('ut/prognos-202005-AO.xlsx', 'AO-kkr.xlsx', {'L8': -6000})
bad('a template in another unit and sign', ['AO-kkr.xlsx'],
    'kkr: AO-kkr.xlsx: amounts in kkr (nettokostnad), the workbook\'s are in mnkr (resultat): '
    'make a new template\n', wbdir='wb-mnkr')

print('tmp', tmp) if failures else shutil.rmtree(tmp)
if failures:
    print('%d failures' % len(failures))
    sys.exit(1)
print('ok')
