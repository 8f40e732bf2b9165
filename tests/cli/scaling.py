#!/usr/bin/env python3
"""Scaling test (issue 12): every command stays linear or n log n on a deep tree and a flat one.

Two generated workbooks of N units (default 20 000): a chain (each unit the parent of the next,
N levels) and a flat list (N top-level units), each with a budget and utfall row per unit and a
prognos row per tenth unit. Every command runs on N/4 and on N units; its CPU time (user + system
of the child, from wait4: the shared machine's load does not count), wall time and peak memory
(ru_maxrss) are printed. A command fails the test when it
  - exits non-zero or takes longer than LIMIT seconds of wall time;
  - grows more than RATIO_MAX (8x) in CPU time from N/4 to N, by at least EXCESS seconds over
    4x: linear is 4x, n log n about 4.5x, quadratic 16x; the bound has slack for a noisy
    machine, and applies where the N run takes at least MIN_CPU seconds (below that, process
    start-up and the clock's granularity decide); the best of two runs is taken for each size;
  - peaks above its memory bound: MEM_BASE MB plus MEM_PER_UNIT KB a unit (charts: plus the
    fonts' CHART_MEM_EXTRA MB).
The bar charts (avvikelse, budget-prognos) of more than a few hundred rows show the top level or
the 30 largest deviations, as the PDF report does, so they are measured on all N units too.

usage: scaling.py KKR [N]
       scaling.py KKR --sanitized   (exit 77: times and memory under a sanitizer say nothing)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

if '--sanitized' in sys.argv[2:]:
    print('SKIP: a sanitizer build (times and peak memory under ASan say nothing of kkr\'s)')
    sys.exit(77)
KKR = os.path.abspath(sys.argv[1])
N = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
ENV = dict(os.environ, LC_ALL='C', TZ='UTC', SOURCE_DATE_EPOCH='0')
LIMIT = 120.0
RATIO_MAX = 8.0
MIN_CPU = 0.04
EXCESS = 0.05
MEM_BASE = 40
MEM_PER_UNIT = 2.0
CHART_MEM_EXTRA = 60
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


# (name, arguments, is a chart)
COMMANDS = [
    ('check', ['check', 'WB'], False),
    ('report', ['report', 'WB', '-o', 'OUT.txt'], False),
    ('report csv', ['report', 'WB', '--format', 'csv', '-o', 'OUT.csv'], False),
    ('report md', ['report', 'WB', '--format', 'md', '-o', 'OUT.md'], False),
    ('report json', ['report', 'WB', '--format', 'json', '-o', 'OUT.json'], False),
    ('forecast', ['forecast', 'WB', '--format', 'csv', '-o', 'OUT-f.csv'], False),
    ('report --forecast', ['report', 'WB', '--forecast', 'trend', '-o', 'OUT-rf.txt'], False),
    ('lock', ['lock', 'WB', '--period', '202003'], False),
    ('whatif', ['whatif', 'WB', '--measures', 'WB/atgarder.csv'], False),
    ('chart avvikelse', ['chart', 'WB', '--kind', 'avvikelse', '-o', 'OUT-a.png'], True),
    ('chart budget-prognos', ['chart', 'WB', '--kind', 'budget-prognos', '-o', 'OUT-b.svg'],
     True),
    ('chart ackumulerat', ['chart', 'WB', '--kind', 'ackumulerat', '-o', 'OUT-c.pdf'], True),
]


def run(args, cwd):
    """(exit code, wall s, cpu s, peak MB, stderr)"""
    t0 = time.monotonic()
    p = subprocess.Popen([KKR] + args, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    deadline = t0 + LIMIT
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            return None, LIMIT, ru.ru_utime + ru.ru_stime, ru.ru_maxrss // 1024, b'timeout'
        time.sleep(0.005)
    took = time.monotonic() - t0
    err = p.stderr.read()
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, took, ru.ru_utime + ru.ru_stime, ru.ru_maxrss // 1024, err


def measure(args, wb, tmp):
    """The best of two runs (one when the first takes a second of CPU or more)."""
    best = None
    for attempt in range(2):
        shutil.rmtree(f'{tmp}/{wb}/snapshots', ignore_errors=True)
        a = [x.replace('WB', wb).replace('OUT', f'{tmp}/out-{wb}') for x in args]
        code, wall, cpu, mb, err = run(a, tmp)
        if code != 0:
            return code, wall, cpu, mb, err
        if best is None or cpu < best[2]:
            best = (code, wall, cpu, mb, err)
        if cpu >= 1.0:
            break
    return best


def main():
    t_start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='kkr-scale-') as tmp:
        for shape, chain in (('chain', True), ('flat', False)):
            for n in (N // 4, N):
                workbook(f'{tmp}/{shape}{n}', n, chain)
        print(f'{"command":<22} {"shape":<6} {"N/4 cpu":>8} {"N cpu":>7} {"ratio":>6} '
              f'{"N wall":>7} {"N MB":>6} {"bound":>6}   (N = {N}, seconds of CPU)', flush=True)
        asserted = 0
        for name, args, chart in COMMANDS:
            bound = MEM_BASE + MEM_PER_UNIT * N / 1024 + (CHART_MEM_EXTRA if chart else 0)
            for shape in ('chain', 'flat'):
                res = []
                for n in (N // 4, N):
                    wb = f'{shape}{n}'
                    code, wall, cpu, mb, err = measure(args, wb, tmp)
                    if code != 0:
                        fail(f'{name} on {wb}: exit {code}: '
                             f'{err.decode(errors="replace")[-300:]}')
                    res.append((wall, cpu, mb))
                (_, c1, _), (w2, c2, mb2) = res
                ratio = c2 / c1 if c1 > 0 else 0
                print(f'{name:<22} {shape:<6} {c1:8.3f} {c2:7.3f} {ratio:6.1f} {w2:7.2f} '
                      f'{mb2:6d} {bound:6.0f}', flush=True)
                if c2 >= MIN_CPU:
                    asserted += 1
                    if ratio > RATIO_MAX and c2 - 4 * c1 > EXCESS:
                        fail(f'{name} on a {shape} of {N}: {ratio:.1f}x the CPU time of N/4 '
                             f'(linear 4x, n log n 4.5x, bound {RATIO_MAX:.0f}x)')
                if mb2 > bound:
                    fail(f'{name} on a {shape} of {N}: peak {mb2} MB, bound {bound:.0f} MB')
        print(f'{asserted} of {2 * len(COMMANDS)} ratios asserted (N run >= {MIN_CPU} s CPU); '
              f'{time.monotonic() - t_start:.0f} s in all', flush=True)
        if asserted < len(COMMANDS):
            fail(f'only {asserted} runs long enough to time: N = {N} is too small to tell')
    if failures:
        sys.exit(1)


main()
