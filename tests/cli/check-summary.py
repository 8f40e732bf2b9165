#!/usr/bin/env python3
"""Every figure that kkr's drafted Sammanfattning quotes is a figure of the CSV tables.

usage: check-summary.py KKR WORKBOOK [MEASURES] [--unit U]

The summary is drafted from the same exact öre as the tables and rounded the same way; this
test reads the figures back from kkr's own CSV outputs (report per verksamhet and per slag,
report --compare against the latest snapshot before the period, prognoshistorik, whatif) and
fails on any quoted amount that is not the magnitude of one of them. The words carry the
sign, so a magnitude is what the text shows."""
import os
import re
import subprocess
import sys


def run(kkr, *args):
    r = subprocess.run([kkr, *args], capture_output=True, text=True,
                       env=dict(os.environ, LC_ALL='C.UTF-8', TZ='UTC'))
    if r.returncode != 0:
        sys.exit(f'kkr {" ".join(args)} failed: {r.stderr}')
    return r.stdout


def numbers_of_csv(text):
    found = set()
    for line in text.splitlines()[1:]:
        for field in line.split(';'):
            if re.fullmatch(r'-?\d+(\.\d+)?', field):
                found.add(abs(float(field)))
    return found


def main():
    args = sys.argv[1:]
    unit = 'kkr'
    if '--unit' in args:
        i = args.index('--unit')
        unit = args[i + 1]
        del args[i:i + 2]
    kkr, wb = args[0], args[1]
    measures = args[2] if len(args) > 2 else None
    extra = ['--measures', measures] if measures else []
    summary = run(kkr, 'report', wb, '--table', 'sammanfattning', '--unit', unit, *extra)
    tables = set()
    tables |= numbers_of_csv(run(kkr, 'report', wb, '--format', 'csv', '--unit', unit))
    tables |= numbers_of_csv(run(kkr, 'report', wb, '--format', 'csv', '--table', 'slag',
                                 '--unit', unit))
    history = run(kkr, 'report', wb, '--format', 'csv', '--table', 'prognoshistorik',
                  '--unit', unit)
    tables |= numbers_of_csv(history)
    period = run(kkr, 'report', wb, '--format', 'json').split('"period": ')[1].split(',')[0]
    period = int(period.strip().strip('"'))
    locked = sorted({int(l.split(';')[0]) for l in history.splitlines()[1:]})
    before = [p for p in locked if p % 100 < period % 100]
    if before:
        tables |= numbers_of_csv(run(kkr, 'report', wb, '--format', 'csv', '--unit', unit,
                                     '--compare', str(before[-1])))
    if measures:
        scale = {'kr': 1, 'kkr': 1000, 'mnkr': 1000000}[unit]
        for v in numbers_of_csv(run(kkr, 'whatif', wb, '--measures', measures,
                                    '--format', 'csv')):
            x = v / scale
            d = 1 if unit == 'mnkr' else 0
            q = int(abs(x) * 10 ** d + 0.5) / 10 ** d  # half away from zero
            tables.add(q)
    quoted = re.findall(r'(\d{1,3}(?:[ \u00a0]\d{3})*(?:,\d+)?)[ \u00a0](?:kr|kkr|mnkr)\b',
                        summary)
    if not quoted:
        sys.exit('the summary quotes no amount:\n' + summary)
    bad = []
    for q in quoted:
        v = float(q.replace(' ', '').replace('\u00a0', '').replace(',', '.'))
        if v not in tables:
            bad.append(q)
    if bad:
        sys.exit(f'figures not in the tables: {bad}\n{summary}')
    print(f'{len(quoted)} figures quoted, all in the tables')


main()
