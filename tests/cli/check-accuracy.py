#!/usr/bin/env python3
"""kkr forecast --accuracy (prognossäkerhet) in every format, against each other and against
kkr report (issue 16).

usage: check-accuracy.py KKR SOURCE_ROOT

For the bundled kommun (not finished: against the current prognos of October), the vård- och
omsorg workbook (finished: against utfall) and Smedjebacken 2020 (one locked month):
- JSON: every row's differens_öre = resultat_utfall_öre − resultat_prognos_öre (= prognos −
  outcome in net cost), exactly;
- the outcome is what kkr report shows: for a finished year each unit's budget − utfall for the
  year (report --period YYYY12, avvikelse_period), else its avvikelse_helår of the report
  period, in öre, for every unit and the total;
- xlsx read back with openpyxl (an independent reader): the sheet's matrix (top-level units by
  name × locked months, the outcome, the differences) holds the CSV's figures cell by cell;
- text and Markdown name the top-level units and say the sign of the difference.
Exit 77 (skipped) without python3-openpyxl.
"""
import csv
import io
import json
import os
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
env = dict(os.environ, LC_ALL='C', TZ='UTC', SOURCE_DATE_EPOCH='0')
failures = []
MONTHS = ['', 'jan', 'feb', 'mar', 'apr', 'maj', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec']


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def run(*args):
    r = subprocess.run([KKR, *args], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit(f'kkr {" ".join(args)}: exit {r.returncode}: {r.stderr}')
    return r.stdout


for name in ('kommun-generated', 'vardomsorg-generated', 'smedjebacken-2020'):
    wb = os.path.join(SRC, 'budgets', name)
    data = json.loads(run('forecast', wb, '--accuracy', '--format', 'json'))
    rows = data['rader']
    check(rows, f'{name}: no rows')
    for r in rows:
        check(r['differens_öre'] == r['resultat_utfall_öre'] - r['resultat_prognos_öre'],
              f'{name}: {r["kod"]} {r["snapshot"]}: differens_öre is not utfall − prognos result')
    # the outcome is kkr report's: avvikelse_period at December, or avvikelse_helår now
    if data['avslutat']:
        rep = json.loads(run('report', wb, '--format', 'json', '--period', f'{data["år"]}12'))
    else:
        rep = json.loads(run('report', wb, '--format', 'json'))
    units = rep.get('verksamheter') or rep.get('units')
    check(units is not None, f'{name}: report JSON has no unit table ({list(rep)})')
    want = {}
    for u in units or []:
        ore = u['öre']
        if data['avslutat']:
            want[u['kod']] = ore['budget_period'] - ore['utfall_period']
        else:
            want[u['kod']] = ore['budget_helår'] - ore['prognos_helår']
    for r in rows:
        if r['kod'] in want:
            check(r['resultat_utfall_öre'] == want[r['kod']],
                  f'{name}: {r["kod"]}: outcome {r["resultat_utfall_öre"]} öre, kkr report says '
                  f'{want[r["kod"]]}')
    check(all(r['kod'] in want for r in rows),
          f'{name}: codes missing from kkr report: {[r["kod"] for r in rows if r["kod"] not in want][:3]}')

    # CSV (long) against the xlsx matrix
    long = list(csv.DictReader(io.StringIO(run('forecast', wb, '--accuracy', '--format', 'csv')),
                               delimiter=';'))
    check(long and list(long[0])[:5] == ['kod', 'snapshot', 'resultat_prognos', 'resultat_utfall',
                                        'differens'], f'{name}: the CSV columns moved')
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'a.xlsx')
        run('forecast', wb, '--accuracy', '--format', 'xlsx', '-o', path)
        ws = openpyxl.load_workbook(path).active
        table = [list(r) for r in ws.iter_rows(values_only=True)]
    head_i = next(i for i, r in enumerate(table) if r[0] == 'Verksamhet')
    head = table[head_i]
    months = sorted({int(r['snapshot']) % 100 for r in long})
    outcome = 'Utfall' if data['avslutat'] else head[len(months) + 1]
    check(head[1:len(months) + 1] == [MONTHS[m] for m in months],
          f'{name}: xlsx month columns {head[1:len(months) + 1]}')
    check(head[len(months) + 2:] == [MONTHS[m] for m in months],
          f'{name}: xlsx difference columns {head[len(months) + 2:]}')
    top = [r for r in long if r['nivå'] == '0']
    names = []
    for r in table[head_i + 1:]:
        if r[0] is None:
            break
        names.append(r[0])
        for j, m in enumerate(months):
            src = next(x for x in top if x['namn'] == r[0] and int(x['snapshot']) % 100 == m)
            check(r[1 + j] == int(src['resultat_prognos']) and
                  r[len(months) + 2 + j] == int(src['differens']) and
                  r[len(months) + 1] == int(src['resultat_utfall']),
                  f'{name}: xlsx row {r[0]} month {m}: {r} against CSV {src}')
    check(names == list(dict.fromkeys(x['namn'] for x in top)),
          f'{name}: xlsx rows {names} are not the top-level units and Totalt of the CSV')
    check(names[-1] == 'Totalt', f'{name}: no Totalt row in the xlsx')
    notes = [r[0] for r in table[head_i + len(names) + 1:] if r[0]]
    check(any(n.startswith('Differens = prognos − ') for n in notes),
          f'{name}: the xlsx does not say the sign of the difference: {notes}')

    for fmt in ('text', 'md'):
        out = run('forecast', wb, '--accuracy', '--format', fmt)
        for n in names[:-1]:
            check(n.replace('&', '&') in out or n in out, f'{name} {fmt}: {n} not named')
        check('Differens = prognos − ' in out and 'positivt = ' in out,
              f'{name} {fmt}: the sign of the difference is not said')
        if not data['avslutat']:
            check('Året är inte avslutat' in out, f'{name} {fmt}: does not say the year is open')

if failures:
    sys.exit(1)
print('--accuracy: JSON, CSV, xlsx, text and md agree with each other and with kkr report: ok')
