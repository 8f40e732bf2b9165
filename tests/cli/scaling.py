#!/usr/bin/env python3
"""Scaling test (issue 12): every command stays linear or n log n on a deep tree and a flat one.

Two generated workbooks of N units (default 100 000): a chain (each unit the parent of the next,
N levels) and a flat list (N top-level units), each with a budget and utfall row per unit and a
prognos row per tenth unit. Every command runs on N and on N/4 units; its time and peak memory
(ru_maxrss of the child, from wait4) are printed. A command fails the test when it exits
non-zero, takes longer than the limit, or grows more than 10x in time from N/4 to N (linear is 4x,
n log n about 4.5x, quadratic 16x) where the larger run takes over 0.5 s (below that the shared
machine's noise decides).

(Charts are left out: a bar chart draws a bar per unit, and 100 000 bars are no chart.)

usage: scaling.py KKR [N]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

KKR = os.path.abspath(sys.argv[1])
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
ENV = dict(os.environ, LC_ALL='C', TZ='UTC', SOURCE_DATE_EPOCH='0')
LIMIT = 120.0
failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg, flush=True)


def workbook(d, n, chain):
    os.makedirs(d, exist_ok=True)
    with open(f'{d}/verksamheter.csv', 'w') as f:
        f.write('kod;namn;överordnad\n')
        for i in range(n):
            parent = f'U{i - 1}' if chain and i else ''
            f.write(f'U{i};Verksamhet {i};{parent}\n')
    with open(f'{d}/budget.csv', 'w') as f:
        f.write('verksamhet;slag;period;belopp\n')
        f.writelines(f'U{i};kostnad;2020;{1200 + i % 977}\n' for i in range(n))
    with open(f'{d}/utfall.csv', 'w') as f:
        f.write('verksamhet;slag;period;belopp\n')
        f.writelines(f'U{i};kostnad;2020{m:02d};{100 + i % 97}\n' for i in range(n)
                     for m in (1, 2, 3))
    with open(f'{d}/prognos.csv', 'w') as f:
        f.write('verksamhet;slag;prognos;kommentar\n')
        f.writelines(f'U{i};kostnad;{1300 + i % 13};k {i}\n' for i in range(0, n, 10))
    with open(f'{d}/bok.conf', 'w') as f:
        f.write('år = 2020\nnämnd = Skalnämnden\n')
    with open(f'{d}/atgarder.csv', 'w') as f:
        f.write('verksamhet;beskrivning;effekt;sannolikhet\n')
        f.writelines(f'U{i};Åtgärd {i};{100 + i % 50};0,5\n' for i in range(0, n, n // 20))


COMMANDS = [
    ('check', ['check', 'WB']),
    ('report', ['report', 'WB', '-o', 'OUT.txt']),
    ('report csv', ['report', 'WB', '--format', 'csv', '-o', 'OUT.csv']),
    ('report md', ['report', 'WB', '--format', 'md', '-o', 'OUT.md']),
    ('report json', ['report', 'WB', '--format', 'json', '-o', 'OUT.json']),
    ('forecast', ['forecast', 'WB', '--format', 'csv', '-o', 'OUT-f.csv']),
    ('report --forecast', ['report', 'WB', '--forecast', 'trend', '-o', 'OUT-rf.txt']),
    ('lock', ['lock', 'WB', '--period', '202003']),
    ('whatif', ['whatif', 'WB', '--measures', 'WB/atgarder.csv']),
]


def run(args, cwd):
    t0 = time.monotonic()
    p = subprocess.Popen([KKR] + args, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    deadline = t0 + LIMIT
    err = b''
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            return None, LIMIT, ru.ru_maxrss // 1024, b'timeout'
        time.sleep(0.01)
    took = time.monotonic() - t0
    err = p.stderr.read()
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, took, ru.ru_maxrss // 1024, err


def main():
    with tempfile.TemporaryDirectory(prefix='kkr-scale-') as tmp:
        for shape, chain in (('chain', True), ('flat', False)):
            for n in (N // 4, N):
                workbook(f'{tmp}/{shape}{n}', n, chain)
        print(f'{"command":<20} {"shape":<6} {"N/4 s":>7} {"N s":>7} {"ratio":>6} '
              f'{"N MB":>6}   (N = {N})', flush=True)
        for name, args in COMMANDS:
            for shape in ('chain', 'flat'):
                times = []
                for n in (N // 4, N):
                    wb = f'{shape}{n}'
                    shutil.rmtree(f'{tmp}/{wb}/snapshots', ignore_errors=True)
                    a = [x.replace('WB', wb).replace('OUT', f'{tmp}/out-{wb}') for x in args]
                    code, took, mb, err = run(a, tmp)
                    if code != 0:
                        fail(f'{name} on {wb}: exit {code}: {err.decode(errors="replace")[-300:]}')
                    times.append((took, mb))
                (t1, _), (t2, mb2) = times
                ratio = t2 / t1 if t1 > 0 else 0
                print(f'{name:<20} {shape:<6} {t1:7.2f} {t2:7.2f} {ratio:6.1f} {mb2:6d}',
                      flush=True)
                if t2 > 0.5 and ratio > 10:
                    fail(f'{name} on a {shape} of {N}: {ratio:.1f}x the time of N/4 '
                         f'(linear 4x): worse than n log n')
    if failures:
        sys.exit(1)


main()
