#!/usr/bin/env python3
"""kkr import FILE.se --init against a reading of the same SIE files that does not use kkr.

usage: check-sie-totals.py KKR DATA_DIR [--slag kommunbas]

For every example file of DATA_DIR (../shared/data/sie: the SIE organisation's Övningsbolaget
files and exports of real accounting programs), kkr import --init writes a workbook; its
utfall.csv and budget.csv summed per slag and month must equal, öre for öre, this script's own
sums: #TRANS per month of its transdat, else of the voucher date (#RTRANS and #BTRANS not counted, #TRANS alone is the
final state), #PSALDO for the years without vouchers, #PBUDGET of year 0; accounts 3xxx intäkt,
4xxx-7xxx kostnad (Kommun-Bas by class), others left out. A balance file's object rows are read
as this script is told per file (totals: the {} rows alone; partition: every row). Then the
same books in types 2, 3 and 4E must give the same month totals per slag, and types 3 and 4E
the same per unit (type 2 has no objects). A file kkr must refuse is checked for its message.

With --slag kommunbas the same, with kkr import --slag kommunbas and this script's own reading
of the Kommun-Bas table (DESIGN §5.2: 30 försäljning, 31 avgifter, 34 hyror, 35 bidrag, the rest
of 3 övriga_intäkter, 46 köp, 5 personal, 60-61 lokaler, 79 kapital, the rest of 4, 6 and 7
övriga_kostnader): the month totals per slag, the slag.csv of --init, and the README's hand
check summed over each typ's slag.
"""
import collections
import os
import subprocess
import sys
import tempfile

KKR, DATA = sys.argv[1], sys.argv[2]
KOMMUNBAS = sys.argv[3:5] == ['--slag', 'kommunbas']
if not os.path.isdir(DATA):
    print(f'skip: no SIE example files in {DATA}')
    sys.exit(77)

failures = 0


def fail(msg):
    global failures
    failures += 1
    print('FAIL:', msg)


def fields(line):
    """SIE fields: quoted with \\" inside, {object lists} as tuples, runs of blanks."""
    out, i, n = [], 0, len(line)
    while i < n:
        c = line[i]
        if c in ' \t\r':
            i += 1
        elif c == '"':
            j, s = i + 1, ''
            while j < n and line[j] != '"':
                if line[j] == '\\' and j + 1 < n and line[j + 1] == '"':
                    s += '"'
                    j += 2
                else:
                    s += line[j]
                    j += 1
            out.append(s)
            i = j + 1
        elif c == '{':
            j = line.index('}', i)
            out.append(tuple(fields(line[i + 1:j])))
            i = j + 1
        else:
            j = i
            while j < n and line[j] not in ' \t\r':
                j += 1
            out.append(line[i:j])
            i = j
    return out


def ore(text):
    neg = text.startswith('-')
    kr, _, dec = text.lstrip('-').partition('.')
    v = int(kr) * 100 + int((dec + '00')[:2])
    return -v if neg else v


KOMMUNBAS_SLAG = [  # slag, namn, typ
    ('försäljning', 'Försäljningsintäkter', 'intäkt'), ('avgifter', 'Taxor och avgifter', 'intäkt'),
    ('hyror', 'Hyror och arrenden', 'intäkt'),
    ('bidrag', 'Bidrag och kostnadsersättningar', 'intäkt'),
    ('övriga_intäkter', 'Övriga intäkter', 'intäkt'),
    ('köp', 'Köp av huvudverksamhet', 'kostnad'), ('personal', 'Personalkostnader', 'kostnad'),
    ('lokaler', 'Lokalkostnader', 'kostnad'), ('kapital', 'Kapitalkostnader', 'kostnad'),
    ('övriga_kostnader', 'Övriga kostnader', 'kostnad'),
]
TYP = {code: typ for code, _, typ in KOMMUNBAS_SLAG}
TYP.update({'intäkt': 'intäkt', 'kostnad': 'kostnad'})


def kommunbas(account):
    c, d = account[0], account[1:2]
    if c == '3':
        return {'0': 'försäljning', '1': 'avgifter', '4': 'hyror', '5': 'bidrag'}.get(
            d, 'övriga_intäkter')
    if c == '4':
        return 'köp' if d == '6' else 'övriga_kostnader'
    if c == '5':
        return 'personal'
    if c == '6':
        return 'lokaler' if d in ('0', '1') else 'övriga_kostnader'
    if c == '7':
        return 'kapital' if d == '9' else 'övriga_kostnader'
    return None


def slag(account):
    if not account.isdigit():
        return None
    if KOMMUNBAS:
        return kommunbas(account)
    return {'3': 'intäkt', '4': 'kostnad', '5': 'kostnad', '6': 'kostnad',
            '7': 'kostnad'}.get(account[0])


def own_sums(path, reading, encoding='cp437', dim='1'):
    """(utfall, budget, utfall per unit): {(slag, period): öre}, {(unit, slag, period): öre}"""
    trans = collections.Counter()
    trans_unit = collections.Counter()
    trans_years = set()
    bal = {'#PSALDO': collections.defaultdict(list), '#PBUDGET': collections.defaultdict(list)}
    year0 = None
    period = None
    with open(path, encoding=encoding) as f:
        for line in f:
            t = line.strip()
            if t.startswith('#VER'):
                period = fields(t)[3][:6]
                trans_years.add(period[:4])
            elif t.startswith('#RAR'):
                x = fields(t)
                if x[1] == '0':
                    year0 = x[2][:4]
            elif t.startswith('#TRANS'):
                x = fields(t)
                s = slag(x[1])
                p = period
                if len(x) > 4 and len(x[4]) == 8 and x[4].isdigit():
                    p = x[4][:6]
                    trans_years.add(p[:4])
                if s:
                    objs = dict(zip(x[2][0::2], x[2][1::2]))
                    trans[(s, p)] += ore(x[3])
                    trans_unit[(objs.get(dim, ''), s, p)] += ore(x[3])
            elif t.startswith(('#PSALDO', '#PBUDGET')):
                x = fields(t)
                bal[x[0]][(x[2], x[3])].append((x[4], ore(x[5])))
    out = []
    for label in ('#PSALDO', '#PBUDGET'):
        sums = collections.Counter()
        units = collections.Counter()
        for (p, account), rows in bal[label].items():
            s = slag(account)
            if not s:
                continue
            if label == '#PSALDO' and p[:4] in trans_years:
                continue
            if label == '#PBUDGET' and p[:4] != year0:
                continue
            r = reading.get(label, 'none')
            has_total = any(not objs for objs, _ in rows)
            if r == 'totals' and has_total:
                total = sum(a for objs, a in rows if not objs)
                parts = {}
                for objs, a in rows:
                    if len(objs) == 2 and objs[0] == dim:
                        parts[objs[1]] = parts.get(objs[1], 0) + a
                for u, a in parts.items():
                    units[(u, s, p)] += a
                units[('', s, p)] += total - sum(parts.values())
                sums[(s, p)] += total
            else:
                for objs, a in rows:
                    sums[(s, p)] += a
                    d = dict(zip(objs[0::2], objs[1::2]))
                    units[(d.get(dim, ''), s, p)] += a
        out.append((sums, units))
    # (Counter's + drops what is not positive: revenues are negative)
    utfall, utfall_units = collections.Counter(trans), collections.Counter(trans_unit)
    utfall.update(out[0][0])
    utfall_units.update(out[0][1])
    return utfall, out[1][0], utfall_units


def read_csv(path, codes=None):
    """{(slag, period): öre} and {(object code, slag, period): öre} of a kkr-written file"""
    sums, units = collections.Counter(), collections.Counter()
    with open(path, encoding='utf-8') as f:
        next(f)
        for line in f:
            unit, s, p, amount = line.rstrip('\n').split(';')
            v = ore(amount.replace(',', '.'))
            sums[(s, p)] += v
            units[((codes or {}).get(unit, unit), s, p)] += v
    return sums, units


def unit_codes(wb):
    """new workbook code -> object code ('' for the rest unit)"""
    codes = {}
    with open(os.path.join(wb, 'verksamheter.csv'), encoding='utf-8') as f:
        next(f)
        for line in f:
            kod = line.split(';')[0]
            codes[kod] = '' if kod in ('övrigt', 'alla') else kod
    return codes


def nonzero(c):
    return {k: v for k, v in c.items() if v != 0}


def kkr_import(name, extra, tmp):
    wb = os.path.join(tmp, name)
    p = subprocess.run([KKR, 'import', os.path.join(DATA, name), '--init', wb] + extra +
                       (['--slag', 'kommunbas'] if KOMMUNBAS else []),
                       capture_output=True, text=True)
    return p, wb


# file: (object-row reading per record type, kkr options, encoding for this script)
FILES = {
    'periodsaldo_ovnbolag.se': ({}, [], 'cp437'),
    'objektsaldo_ovnbolag.se': ({'#PSALDO': 'partition'}, [], 'cp437'),
    'transaktioner_ovnbolag.se': ({}, [], 'cp437'),
    'typ2.se': ({}, [], 'cp437'),
    'typ3.se': ({'#PSALDO': 'totals', '#PBUDGET': 'partition'}, [], 'cp437'),
    'typ4.se': ({}, [], 'cp437'),
    'SIE_exempelfil.se': ({}, [], 'cp437'),
    'Sie4.se': ({}, [], 'cp437'),
    'SIE4_Exempelfil_med_underdim.SE': ({}, [], 'utf-8'),
}
REFUSED = {
    'transaktioner_ovnbolag-bad-balance.se': 'voucher B 1 does not balance',
    'BL0001_typ2.SE': 'is not a calendar year',
    'BL0001_typ3.SE': 'is not a calendar year',
    'BL0001_typ4.SE': 'is not a calendar year',
}
results = {}
with tempfile.TemporaryDirectory() as tmp:
    for name, (reading, extra, enc) in FILES.items():
        p, wb = kkr_import(name, extra, tmp)
        if p.returncode != 0:
            fail(f'{name}: kkr import --init exited {p.returncode}: {p.stderr}')
            continue
        u_want, b_want, units_want = own_sums(os.path.join(DATA, name), reading, enc)
        u_got, units_got = read_csv(os.path.join(wb, 'utfall.csv'), unit_codes(wb))
        b_got, _ = read_csv(os.path.join(wb, 'budget.csv'))
        if nonzero(u_got) != nonzero(u_want):
            fail(f'{name}: utfall per slag and month differs: kkr {sorted(nonzero(u_got).items())} '
                 f'own {sorted(nonzero(u_want).items())}')
        if nonzero(b_got) != nonzero(b_want):
            fail(f'{name}: budget per slag and month differs')
        if nonzero(units_got) != nonzero(units_want):
            fail(f'{name}: utfall per unit differs: kkr {sorted(nonzero(units_got).items())} '
                 f'own {sorted(nonzero(units_want).items())}')
        slag_csv = os.path.join(wb, 'slag.csv')
        if KOMMUNBAS:
            want = 'slag;namn;typ\n' + ''.join(f'{c};{n};{t}\n' for c, n, t in KOMMUNBAS_SLAG)
            got = open(slag_csv, encoding='utf-8').read() if os.path.exists(slag_csv) else None
            if got != want:
                fail(f'{name}: slag.csv of --init is {got!r}, expected the Kommun-Bas table')
        elif os.path.exists(slag_csv):
            fail(f'{name}: --init without --slag wrote slag.csv')
        results[name] = (nonzero(u_got), nonzero(units_got), nonzero(b_got))
        print(f'ok {name}: {len(nonzero(u_got))} slag-months, {len(nonzero(units_got))} '
              f'unit-slag-months, {len(nonzero(b_got))} budget slag-months')
    for name, msg in REFUSED.items():
        p, wb = kkr_import(name, [], tmp)
        if p.returncode != 2 or msg not in p.stderr or not p.stderr.startswith(f'kkr: {DATA}'):
            fail(f'{name}: expected exit 2 and "{msg}", got {p.returncode}: {p.stderr}')
        elif os.path.exists(wb):
            fail(f'{name}: refused, but {wb} was written')
        else:
            print(f'ok {name}: refused ({p.stderr.strip()})')

# The same books in types 2, 3 and 4E.
def same(a, b, what):
    if a in results and b in results:
        for i, kind in ((0, 'month totals per slag'), (1, 'per unit')):
            if what == 'slag' and i == 1:
                continue
            if results[a][i] != results[b][i]:
                fail(f'{a} and {b}: utfall {kind} differ')
            else:
                print(f'ok {a} = {b}: utfall {kind}')


same('periodsaldo_ovnbolag.se', 'objektsaldo_ovnbolag.se', 'slag')
same('periodsaldo_ovnbolag.se', 'transaktioner_ovnbolag.se', 'slag')
same('objektsaldo_ovnbolag.se', 'transaktioner_ovnbolag.se', 'slag')
# per unit in 2011, the year of the vouchers (2010 comes from #PSALDO, which has no objects in
# the type 4 file)
if 'objektsaldo_ovnbolag.se' in results and 'transaktioner_ovnbolag.se' in results:
    x = {k: v for k, v in results['objektsaldo_ovnbolag.se'][1].items() if k[2] >= '201101'}
    y = {k: v for k, v in results['transaktioner_ovnbolag.se'][1].items() if k[2] >= '201101'}
    if x != y or not x:
        fail('objektsaldo_ovnbolag.se and transaktioner_ovnbolag.se: 2011 per unit differ')
    else:
        print(f'ok objektsaldo_ovnbolag.se = transaktioner_ovnbolag.se: 2011 per unit ({len(x)} '
              'unit-slag-months)')
# the README's hand check: January 2011, intäkter -794 025,88 kr, kostnader 610 649,08 kr
for name in ('periodsaldo_ovnbolag.se', 'transaktioner_ovnbolag.se'):
    if name in results:
        typ = collections.Counter()
        for (s, p), v in results[name][0].items():
            typ[(TYP[s], p)] += v
        got = (typ.get(('intäkt', '201101')), typ.get(('kostnad', '201101')))
        if got != (-79402588, 61064908):
            fail(f'{name}: January 2011 {got}, expected the README\'s -794 025,88 / 610 649,08')
        else:
            print(f'ok {name}: January 2011 as the README computes by hand')
# Edison's typ2/typ3/typ4: the vouchers of typ4 are those of year 0 (2012)
def months(c, lo, hi):
    return {k: v for k, v in c.items() if lo <= k[-1] <= hi}


for a, b, i in (('typ2.se', 'typ3.se', 0), ('typ3.se', 'typ4.se', 0), ('typ3.se', 'typ4.se', 1),
                ('typ2.se', 'typ4.se', 0)):
    if a in results and b in results:
        x, y = months(results[a][i], '201201', '201212'), months(results[b][i], '201201', '201212')
        kind = 'per slag' if i == 0 else 'per unit'
        if x != y:
            fail(f'{a} and {b}: utfall {kind} 2012 differ: {sorted(x.items())} vs {sorted(y.items())}')
        else:
            print(f'ok {a} = {b}: utfall {kind}, 2012')
sys.exit(1 if failures else 0)
