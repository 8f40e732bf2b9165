#!/usr/bin/env python3
"""Checks `kkr report --format csv` of a workbook against a published table, figure by figure.

usage: check-published.py KKR WORKBOOK PUBLISHED_TABLE PUBLISHED_SLAG [--template]

The published files have the columns of DESIGN §5 (kod '*' is the total row). Every one of the
six figures of every row must be equal; the script prints each difference and exits 1.

--template: the same published figures through a kommun template (DESIGN §5.1): the columns in
another order with headings (column=Rubrik), --sign resultat and the total label 'Årets
resultat'. Budget, utfall and prognos must then read as the published figures negated, the
avvikelser unchanged (positive is better under both signs), the headings as given.
"""
import csv
import io
import subprocess
import sys

FIGURES = ['budget_period', 'utfall_period', 'avvikelse_period',
           'budget_helår', 'prognos_helår', 'avvikelse_helår']


TEMPLATE = ['--sign', 'resultat', '--total-label', 'Årets resultat', '--columns',
            'budget_helår=Kommunbidrag,prognos_helår,avvikelse_helår=Budgetavvikelse,'
            'budget_period,utfall_period,avvikelse_period']
FLIPPED = {'budget_period', 'utfall_period', 'budget_helår', 'prognos_helår'}


def kkr_rows(kkr, workbook, table, key, extra=()):
    out = subprocess.run([kkr, 'report', workbook, '--format', 'csv', '--table', table, *extra],
                         capture_output=True, check=True, env={'LC_ALL': 'C'}).stdout
    return {r[key]: r for r in csv.DictReader(io.StringIO(out.decode()), delimiter=';')}


def check_template_text(kkr, workbook):
    """The text table carries the headings and the total label of the template."""
    out = subprocess.run([kkr, 'report', workbook, *TEMPLATE], capture_output=True, check=True,
                         env={'LC_ALL': 'C'}).stdout.decode()
    bad = 0
    for want in ('Kommunbidrag', 'Budgetavvikelse', 'Årets resultat'):
        if want not in out:
            print(f'text: {want!r} missing')
            bad += 1
    return bad


def published(path, key):
    with open(path, encoding='utf-8') as f:
        rows = list(csv.DictReader(f, delimiter=';'))
    for r in rows:
        if r[key] == '*':
            r[key] = 'total'
    return rows


def main():
    kkr, workbook, table_path, slag_path = sys.argv[1:5]
    template = '--template' in sys.argv[5:]
    failures = check_template_text(kkr, workbook) if template else 0
    checked = 0
    for table, key, path in (('verksamhet', 'kod', table_path), ('slag', 'slag', slag_path)):
        got = kkr_rows(kkr, workbook, table, key, TEMPLATE if template else ())
        want = published(path, key)
        if len(got) != len(want):
            print(f'{table}: {len(got)} rows, published {len(want)}')
            failures += 1
        for row in want:
            mine = got.get(row[key])
            if mine is None:
                print(f'{table}: row {row[key]} missing')
                failures += 1
                continue
            if template and table == 'verksamhet' and row[key] == 'total' and \
                    mine['namn'] != 'Årets resultat':
                print(f'total label {mine["namn"]!r}, expected Årets resultat')
                failures += 1
            for fig in FIGURES:
                checked += 1
                want_fig = int(row[fig])
                if template and fig in FLIPPED:
                    want_fig = -want_fig
                if int(mine[fig]) != want_fig:
                    print(f'{table} {row[key]} {fig}: kkr {mine[fig]}, published {row[fig]}'
                          f'{" (negated)" if template and fig in FLIPPED else ""}')
                    failures += 1
    print(f'{checked} published figures compared, {failures} differ')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
