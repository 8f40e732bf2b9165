#!/usr/bin/env python3
"""The kommun level and the månadsrapport, measured (issue 16).

usage: bench-kommun.py [BUILD/kkr] [--units 200] [--namnder 10] [--years 5] [--reps 3]

1. A generated kommun of NÄMNDER × UNITS units with YEARS years of monthly utfall
   (scripts/generate-kommun.py): `kkr report KOMMUN --format csv` (load every linked workbook,
   consolidate, roll up, write) against the same rows as ONE flat workbook in the same run
   (the single-workbook loader); utfall rows/s of both and their ratio.
2. `kkr report --pdf` on 5 000 and 50 000 flat units (linear in the units), and on the bundled
   kommun (budgets/kommun-generated), wall and CPU seconds, best of REPS.
"""
import argparse
import os
import resource
import shutil
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
        if best is None or wall < best[0]:
            best = (wall, cpu)
    return best


def count_rows(path):
    with open(path, encoding='utf-8') as f:
        return sum(1 for _ in f) - 1


def flatten(kommun, out):
    """The kommun's and every nämnd's rows as one workbook with prefixed codes."""
    os.makedirs(out)
    units = ['kod;namn;överordnad\n']
    files = {'budget.csv': ['verksamhet;slag;period;belopp\n'],
             'utfall.csv': ['verksamhet;slag;period;belopp\n']}
    with open(os.path.join(kommun, 'verksamheter.csv'), encoding='utf-8') as f:
        rows = [l.rstrip('\n').split(';') for l in f][1:]
    for kod, namn, parent, link in rows:
        units.append(f'{kod};{namn};{parent}\n')
        src = os.path.join(kommun, link) if link else kommun
        if link:
            with open(os.path.join(src, 'verksamheter.csv'), encoding='utf-8') as f:
                for l in list(f)[1:]:
                    k, n, p = l.rstrip('\n').split(';')[:3]
                    units.append(f'{kod}/{k};{n};{kod + "/" + p if p else kod}\n')
            for name, lines in files.items():
                with open(os.path.join(src, name), encoding='utf-8') as f:
                    lines.extend(f'{kod}/{l}' for l in list(f)[1:])
    for name, lines in files.items():
        with open(os.path.join(kommun, name), encoding='utf-8') as f:
            lines.extend(list(f)[1:])
        with open(os.path.join(out, name), 'w', encoding='utf-8') as f:
            f.writelines(lines)
    with open(os.path.join(out, 'verksamheter.csv'), 'w', encoding='utf-8') as f:
        f.writelines(units)
    shutil.copy(os.path.join(kommun, 'bok.conf'), os.path.join(out, 'bok.conf'))


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('kkr', nargs='?', default=os.path.join(ROOT, 'build', 'kkr'))
    ap.add_argument('--units', type=int, default=200)
    ap.add_argument('--namnder', type=int, default=10)
    ap.add_argument('--years', type=int, default=5)
    ap.add_argument('--reps', type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix='kkr-bench-kommun-') as tmp:
        kommun = os.path.join(tmp, 'kommun')
        subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'generate-kommun.py'),
                        kommun, '--units', str(a.units), '--nämnder', str(a.namnder),
                        '--years', str(a.years)], check=True)
        rows = count_rows(os.path.join(kommun, 'utfall.csv'))
        for i in range(a.namnder):
            rows += count_rows(os.path.join(kommun, 'nämnder', f'n{i}', 'utfall.csv'))
        flat = os.path.join(tmp, 'flat')
        flatten(kommun, flat)
        wall_k, cpu_k = timed([a.kkr, 'report', kommun, '--format', 'csv'], a.reps)
        wall_f, cpu_f = timed([a.kkr, 'report', flat, '--format', 'csv'], a.reps)
        print(f'kommun of {a.namnder} nämnder x {a.units} units, {a.years} years: '
              f'{rows} utfall rows')
        print(f'  kommun  (load + consolidate + report): {wall_k:.3f} s wall, {cpu_k:.3f} s cpu, '
              f'{rows / wall_k / 1e6:.2f} M utfall rows/s by wall, {rows / cpu_k / 1e6:.2f} M by cpu')
        print(f'  one flat workbook, same rows:          {wall_f:.3f} s wall, {cpu_f:.3f} s cpu, '
              f'{rows / wall_f / 1e6:.2f} M utfall rows/s by wall, {rows / cpu_f / 1e6:.2f} M by cpu')
        print(f'  ratio kommun / flat: {wall_k / wall_f:.2f}x wall, {cpu_k / cpu_f:.2f}x cpu')
        for n in (5000, 50000):
            d = os.path.join(tmp, f'flat{n}')
            flat_units(d, n)
            wall, cpu = timed([a.kkr, 'report', d, '--pdf', os.path.join(tmp, f'{n}.pdf')],
                              1 if n > 10000 else a.reps)
            print(f'report --pdf, {n} flat units: {wall:.2f} s wall, {cpu:.2f} s cpu')
        wall, cpu = timed([a.kkr, 'report', os.path.join(ROOT, 'budgets', 'kommun-generated'),
                           '--pdf', os.path.join(tmp, 'k.pdf')], a.reps)
        print(f'report --pdf, budgets/kommun-generated (månadsrapport): {wall:.3f} s wall, '
              f'{cpu:.3f} s cpu')


main()
