#!/usr/bin/env python3
"""Race test (issue 12): two writers on one workbook at once must never lose each other's work.

Each loop starts two `kkr import LEDGER --map MAP --into wb` at the same moment, one importing
July and one August (disjoint periods, so both results must be in utfall.csv afterwards). An
import that exits 0 but whose rows are not in the final utfall.csv is *lost*; the goal is 0.
Also `kkr lock` racing an import (the snapshot and the import both survive), the bounded wait
(a lock held by another process: exit 1 naming the lock file, nothing written), a lock file left
by a SIGKILLed kkr (not held: the next run takes it), and no lock file left after a run.

usage: race-test.py KKR [LOOPS]
"""
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

KKR = os.path.abspath(sys.argv[1])
LOOPS = int(sys.argv[2]) if len(sys.argv) > 2 else 60
ENV = dict(os.environ, LC_ALL='C', TZ='UTC', SOURCE_DATE_EPOCH='0', KKR_LOCK_WAIT='60')
failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def generate(tmp):
    codes = [f'V{i:03d}' for i in range(200)]
    write(f'{tmp}/wb0/verksamheter.csv', 'kod;namn;överordnad\n' + ''.join(
        f'{c};Verksamhet {c};{"" if i % 10 == 0 else codes[i - i % 10]}\n'
        for i, c in enumerate(codes)))
    write(f'{tmp}/wb0/bok.conf', 'år = 2020\n')
    write(f'{tmp}/wb0/budget.csv', 'verksamhet;slag;period;belopp\n' + ''.join(
        f'{c};kostnad;2020;{1000 + i}\n' for i, c in enumerate(codes)))
    write(f'{tmp}/wb0/utfall.csv', 'verksamhet;slag;period;belopp\n' + ''.join(
        f'{c};kostnad;2020{m:02d};{10 + i}\n' for i, c in enumerate(codes) for m in range(1, 7)))
    write(f'{tmp}/map.csv', 'kod;verksamhet\n' + ''.join(f'{1000 + i};{c}\n'
                                                        for i, c in enumerate(codes)))
    for name, month in (('july', 7), ('august', 8)):
        with open(f'{tmp}/{name}.csv', 'w') as f:
            f.write('Vht;Konto;Period;Belopp\n')
            for i in range(20000):
                f.write(f'{1000 + i % 200};4010;2020{month:02d};{i % 977},{i % 100:02d}\n')


def periods(path):
    with open(path, encoding='utf-8') as f:
        return {line.split(';')[2] for line in f.read().splitlines()[1:] if line}


def reset(tmp):
    shutil.rmtree(f'{tmp}/wb', ignore_errors=True)
    shutil.copytree(f'{tmp}/wb0', f'{tmp}/wb')


def imports(tmp):
    lost = waited = 0
    t0 = time.monotonic()
    for _ in range(LOOPS):
        reset(tmp)
        procs = [(month, subprocess.Popen(
            [KKR, 'import', f'{name}.csv', '--map', 'map.csv', '--into', 'wb'], cwd=tmp,
            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            for name, month in (('july', '202007'), ('august', '202008'))]
        for month, p in procs:
            _, err = p.communicate()
            if p.returncode != 0:
                fail(f'import {month}: exit {p.returncode}: {err.decode(errors="replace")}')
        have = periods(f'{tmp}/wb/utfall.csv')
        for month, p in procs:
            if p.returncode == 0 and month not in have:
                lost += 1
        if not {'202001', '202006'} <= have:
            fail(f'the kept months are gone: {sorted(have)}')
        if os.path.exists(f'{tmp}/wb/.kkr.lock'):
            fail('a lock file is left after two finished imports')
    took = time.monotonic() - t0
    print(f'{"ok  " if lost == 0 else "FAIL"} import --into racing import --into: {LOOPS} loops, '
          f'{2 * LOOPS} imports, {lost} lost ({took:.1f} s)')
    if lost:
        failures.append('lost imports')


def lock_vs_import(tmp):
    lost = 0
    loops = max(LOOPS // 3, 1)
    for _ in range(loops):
        reset(tmp)
        write(f'{tmp}/wb/prognos.csv', 'verksamhet;slag;prognos;kommentar\nV001;kostnad;5;x\n')
        a = subprocess.Popen([KKR, 'import', 'july.csv', '--map', 'map.csv', '--into', 'wb'],
                             cwd=tmp, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        b = subprocess.Popen([KKR, 'lock', 'wb', '--period', '202006'], cwd=tmp, env=ENV,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ea, eb = a.communicate()[1], b.communicate()[1]
        if a.returncode != 0 or b.returncode != 0:
            fail(f'import/lock: exit {a.returncode}/{b.returncode}: {ea!r} {eb!r}')
        if '202007' not in periods(f'{tmp}/wb/utfall.csv') or \
                not os.path.exists(f'{tmp}/wb/snapshots/202006.csv'):
            lost += 1
    print(f'{"ok  " if lost == 0 else "FAIL"} lock racing import --into: {loops} loops, '
          f'{lost} lost')
    if lost:
        failures.append('lost lock or import')


def held(tmp):
    reset(tmp)
    before = open(f'{tmp}/wb/utfall.csv', 'rb').read()
    with open(f'{tmp}/wb/.kkr.lock', 'w') as f:
        fcntl.lockf(f, fcntl.LOCK_EX)
        t0 = time.monotonic()
        p = subprocess.run([KKR, 'import', 'july.csv', '--map', 'map.csv', '--into', 'wb'],
                           cwd=tmp, env=dict(ENV, KKR_LOCK_WAIT='0.5'), capture_output=True)
        took = time.monotonic() - t0
    err = p.stderr.decode()
    if p.returncode != 1 or not re.match(
            r'^kkr: wb/\.kkr\.lock: the workbook is locked by another kkr \(.*\); waited 0\.5 s',
            err):
        fail(f'held lock: exit {p.returncode}, {err!r}')
    elif not 0.4 < took < 5:
        fail(f'held lock: waited {took:.2f} s, expected about 0.5 s')
    elif open(f'{tmp}/wb/utfall.csv', 'rb').read() != before:
        fail('held lock: utfall.csv changed')
    else:
        print(f'ok   a held lock: exit 1 after {took:.2f} s: {err.strip()}')
    # held by a live kkr: the message shows its card (pid, host, command)
    reset(tmp)
    # held by a live kkr (reading its ledger from a pipe we hold open): the card names it
    slow = subprocess.Popen([KKR, 'import', '-', '--map', 'map.csv', '--into', 'wb'],
                            cwd=tmp, env=ENV, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (os.path.exists(f'{tmp}/wb/.kkr.lock') and
                                               os.path.getsize(f'{tmp}/wb/.kkr.lock')):
        time.sleep(0.001)
    p = subprocess.run([KKR, 'lock', 'wb'], cwd=tmp, env=dict(ENV, KKR_LOCK_WAIT='0'),
                       capture_output=True)
    slow.communicate(open(f'{tmp}/july.csv', 'rb').read())
    err = p.stderr.decode()
    if p.returncode != 1 or not re.match(
            r'kkr: wb/\.kkr\.lock: the workbook is locked by another kkr \(pid %d on [^,]+, '
            r'since [0-9T:-]+Z: kkr import - --map map\.csv --into wb\); waited 0\.0 s' %
            slow.pid, err):
        fail(f'the holder card: exit {p.returncode}, {err!r}')
    elif slow.returncode != 0 or '202007' not in periods(f'{tmp}/wb/utfall.csv'):
        fail(f'the holder failed: exit {slow.returncode}')
    else:
        print(f'ok   the holder is named: {err.strip()}')


def stale(tmp):
    reset(tmp)
    write(f'{tmp}/wb/.kkr.lock', 'pid 999999 on elsewhere, since 2020-01-01T00:00:00Z: kkr lock\n')
    p = subprocess.run([KKR, 'import', 'july.csv', '--map', 'map.csv', '--into', 'wb'],
                       cwd=tmp, env=dict(ENV, KKR_LOCK_WAIT='0'), capture_output=True)
    if p.returncode != 0 or '202007' not in periods(f'{tmp}/wb/utfall.csv'):
        fail(f'a lock file left by a killed kkr blocks: exit {p.returncode} {p.stderr!r}')
    elif os.path.exists(f'{tmp}/wb/.kkr.lock'):
        fail('the left lock file was not removed after use')
    else:
        print('ok   a lock file left by a killed kkr (not held) is taken and removed')


def main():
    with tempfile.TemporaryDirectory(prefix='kkr-race-') as tmp:
        generate(tmp)
        imports(tmp)
        lock_vs_import(tmp)
        held(tmp)
        stale(tmp)
    if failures:
        sys.exit(1)


main()
