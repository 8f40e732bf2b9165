#!/usr/bin/env python3
"""The PDF månadsrapport of many units, measured against the CSV report (issue 16).

usage: bench-pdf-report.py [BUILD/kkr] [--reps 3] [--baseline OTHER/kkr]

Flat workbooks of 5 000 and 50 000 units (five months of utfall each): `kkr report --pdf`
against `kkr report --format csv` of the same workbook in the same run, CPU seconds (the
machine is shared, so CPU is the fair figure; wall is printed too), best of REPS, and the
ratio PDF / CSV. With --baseline another kkr binary (e.g. one built from an older commit) runs
the same PDF reports, and the ratio baseline / kkr is printed as well. The PDF's page count is
printed so that a faster run that lost pages would show.
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def timed(cmd, reps):
    best = None
    for _ in range(reps):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r.returncode != 0:
            sys.exit(f'{cmd} failed: {r.stderr.decode()}')
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if best is None or cpu < best[1]:
            best = (wall, cpu)
    return best


def flat_units(out, n):
    os.makedirs(out)
    with open(os.path.join(out, 'verksamheter.csv'), 'w') as f:
        f.write('kod;namn;överordnad\n' + ''.join(f'U{i};Enhet {i};\n' for i in range(n)))
    with open(os.path.join(out, 'budget.csv'), 'w') as f:
        f.write('verksamhet;slag;period;belopp\n' +
                ''.join(f'U{i};kostnad;2024;{1200000 + i}\n' for i in range(n)))
    with open(os.path.join(out, 'utfall.csv'), 'w') as f:
        f.write('verksamhet;slag;period;belopp\n')
        for i in range(n):
            f.write(''.join(f'U{i};kostnad;2024{m:02d};{100000 + (i * 7919 + m) % 9000}\n'
                            for m in range(1, 6)))


def pages(path):
    try:
        out = subprocess.run(['pdfinfo', path], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return '?'
    m = re.search(r'^Pages:\s+(\d+)', out, re.M)
    return m.group(1) if m else '?'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('kkr', nargs='?', default=os.path.join(ROOT, 'build', 'kkr'))
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--baseline', help='another kkr binary to run the same PDF reports')
    a = ap.parse_args()
    env_note = 'CPU seconds, best of %d (50 000: best of 1)' % a.reps
    print(f'kkr report --pdf vs --format csv, flat workbooks; {env_note}')
    with tempfile.TemporaryDirectory(prefix='kkr-bench-pdf-') as tmp:
        for n in (5000, 50000):
            d = os.path.join(tmp, f'flat{n}')
            flat_units(d, n)
            reps = 1 if n > 10000 else a.reps
            pdf = os.path.join(tmp, f'{n}.pdf')
            wall_p, cpu_p = timed([a.kkr, 'report', d, '--pdf', pdf], reps)
            wall_c, cpu_c = timed([a.kkr, 'report', d, '--format', 'csv'], reps)
            print(f'{n:6d} units: pdf {cpu_p:6.2f} s cpu ({wall_p:6.2f} s wall, '
                  f'{pages(pdf)} pages), csv {cpu_c:5.2f} s cpu ({wall_c:5.2f} s wall), '
                  f'pdf/csv {cpu_p / max(cpu_c, 1e-3):6.1f}x cpu')
            if a.baseline:
                bpdf = os.path.join(tmp, f'{n}-baseline.pdf')
                wall_b, cpu_b = timed([a.baseline, 'report', d, '--pdf', bpdf], reps)
                print(f'{"":13s}baseline pdf {cpu_b:6.2f} s cpu ({wall_b:6.2f} s wall, '
                      f'{pages(bpdf)} pages), baseline/kkr {cpu_b / max(cpu_p, 1e-3):5.2f}x cpu')


main()
