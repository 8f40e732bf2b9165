#!/usr/bin/env python3
"""Checks `kkr report --format csv` of a workbook against a published table, figure by figure.

usage: check-published.py KKR WORKBOOK PUBLISHED_TABLE PUBLISHED_SLAG

The published files have the columns of DESIGN §5 (kod '*' is the total row). Every one of the
six figures of every row must be equal; the script prints each difference and exits 1.
"""
import csv
import io
import subprocess
import sys

FIGURES = ['budget_period', 'utfall_period', 'avvikelse_period',
           'budget_helår', 'prognos_helår', 'avvikelse_helår']


def kkr_rows(kkr, workbook, table, key):
    out = subprocess.run([kkr, 'report', workbook, '--format', 'csv', '--table', table],
                         capture_output=True, check=True, env={'LC_ALL': 'C'}).stdout
    return {r[key]: r for r in csv.DictReader(io.StringIO(out.decode()), delimiter=';')}


def published(path, key):
    with open(path, encoding='utf-8') as f:
        rows = list(csv.DictReader(f, delimiter=';'))
    for r in rows:
        if r[key] == '*':
            r[key] = 'total'
    return rows


def main():
    kkr, workbook, table_path, slag_path = sys.argv[1:5]
    failures = 0
    checked = 0
    for table, key, path in (('verksamhet', 'kod', table_path), ('slag', 'slag', slag_path)):
        got = kkr_rows(kkr, workbook, table, key)
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
            for fig in FIGURES:
                checked += 1
                if int(mine[fig]) != int(row[fig]):
                    print(f'{table} {row[key]} {fig}: kkr {mine[fig]}, published {row[fig]}')
                    failures += 1
    print(f'{checked} published figures compared, {failures} differ')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
