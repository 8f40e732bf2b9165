#!/usr/bin/env python3
"""Kill test (issue 7): kkr is killed with SIGKILL at random points while it writes, and every
target file must then be either the old one (or absent, if there was none) or the complete new
one, byte for byte the file an uninterrupted run writes.

Commands: import -o FILE, import --into DIR (utfall.csv replaced), lock (snapshots/YYYYMM.csv,
never overwritten), chart -o FILE.png, report --pdf FILE, report --format csv -o FILE. The input
is generated (120 units, a ledger of ~10^5 rows) so that a run takes long enough to be
hit while writing. Every output goes through a temporary file TARGET.XXXXXX.tmp in the target's
folder, fsync and rename (src/output.c): after a SIGKILL such a *.tmp file may remain (nothing
can remove it), but it never carries the target's name. Any other new file fails the test.

usage: kill-test.py KKR [SEED [SECONDS]]   (SECONDS: the time budget for the kill loop)
"""
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

KKR = os.path.abspath(sys.argv[1])
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 7
BUDGET = float(sys.argv[3]) if len(sys.argv) > 3 else 8.0
ENV = dict(os.environ, LC_ALL='C', TZ='UTC', SOURCE_DATE_EPOCH='0')
failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def generate(tmp, rng):
    wb = os.path.join(tmp, 'wb')
    units = ['kod;namn;överordnad']
    codes = []
    for i in range(120):
        code = f'V{i:03d}'
        parent = '' if i % 10 == 0 else f'V{i - i % 10:03d}'
        units.append(f'{code};Verksamhet {i} med ett längre namn;{parent}')
        codes.append(code)
    write(f'{wb}/verksamheter.csv', '\n'.join(units) + '\n')
    write(f'{wb}/bok.conf', 'år = 2020\nnämnd = Testnämnden\n')
    budget = ['verksamhet;slag;period;belopp']
    actual = ['verksamhet;slag;period;belopp']
    for c in codes:
        budget.append(f'{c};kostnad;2020;{rng.randint(100000, 9000000)}')
        budget.append(f'{c};intäkt;2020;-{rng.randint(1000, 90000)}')
        for m in range(1, 6):
            actual.append(f'{c};kostnad;2020{m:02d};{rng.randint(1000, 700000)},{m:02d}')
    write(f'{wb}/budget.csv', '\n'.join(budget) + '\n')
    write(f'{wb}/utfall.csv', '\n'.join(actual) + '\n')
    write(f'{wb}/prognos.csv', 'verksamhet;slag;prognos;kommentar\n' + ''.join(
        f'{c};kostnad;{rng.randint(100000, 9000000)};kommentar {i}\n'
        for i, c in enumerate(codes[::3])))
    write(f'{tmp}/map.csv', 'kod;verksamhet\n' + ''.join(f'{1000 + i};{c}\n'
                                                        for i, c in enumerate(codes)))
    with open(f'{tmp}/ledger.csv', 'w') as f:
        f.write('Verifikat;Vht;Konto;Period;Text;Belopp\n')
        for i in range(120000):
            f.write(f'V{i};{1000 + rng.randrange(120)};{rng.choice((3010, 4010, 5010, 6110))};'
                    f'2020{rng.randint(6, 9):02d};Transaktion nummer {i};'
                    f'{rng.randint(-99999, 999999)},{rng.randint(0, 99):02d}\n')
    os.makedirs(f'{tmp}/out', exist_ok=True)


# name, arguments, target (relative to tmp), old content (None: absent before)
COMMANDS = [
    ('import -o', ['import', 'ledger.csv', '--map', 'map.csv', '-o', 'out/utfall.csv'],
     'out/utfall.csv', b'verksamhet;slag;period;belopp\nOLD;kostnad;202001;1\n'),
    ('import --into', ['import', 'ledger.csv', '--map', 'map.csv', '--into', 'wb'],
     'wb/utfall.csv', None),  # old = the workbook's utfall.csv
    ('lock', ['lock', 'wb', '--period', '202005'], 'wb/snapshots/202005.csv', None),
    ('chart', ['chart', 'wb', '--kind', 'avvikelse', '--width', '600', '-o',
               'out/chart.png'],
     'out/chart.png', b'old png'),
    ('report --pdf', ['report', 'wb', '--period', '202005', '--pdf', 'out/r.pdf'],
     'out/r.pdf', b'%PDF-1.4 old'),
    ('report csv -o', ['report', 'wb', '--format', 'csv', '--period', '202005', '-o',
                       'out/r.csv'], 'out/r.csv', b'kod;namn\nOLD;old\n'),
]


def listing(tmp):
    out = set()
    for root, _, files in os.walk(tmp):
        for name in files:
            out.add(os.path.relpath(os.path.join(root, name), tmp))
    return out


def main():
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix='kkr-kill-') as tmp:
        generate(tmp, rng)
        utfall_old = open(f'{tmp}/wb/utfall.csv', 'rb').read()

        def reset(target, old):
            path = os.path.join(tmp, target)
            if target == 'wb/utfall.csv':
                old = utfall_old
            if old is None:
                if os.path.exists(path):
                    os.unlink(path)
            else:
                with open(path, 'wb') as f:
                    f.write(old)
            return old

        # the complete new file of each command, and how long a run takes
        plan = []
        for name, args, target, old in COMMANDS:
            old = reset(target, old)
            t0 = time.monotonic()
            p = subprocess.run([KKR] + args, cwd=tmp, env=ENV, capture_output=True)
            took = time.monotonic() - t0
            if p.returncode != 0:
                fail(f'{name}: exit {p.returncode}: {p.stderr.decode(errors="replace")}')
                continue
            new = open(os.path.join(tmp, target), 'rb').read()
            reset(target, old)  # every command runs on the same workbook
            if new == old:
                fail(f'{name}: the new file equals the old one')
            plan.append((name, args, target, old, new, took))
            print(f'     {name}: {len(new)} bytes in {took:.2f} s')
        # the files a run may leave: its target, and temporaries named TARGET.XXXXXX.tmp
        base = listing(tmp)
        tmp_re = re.compile(r'^(?:%s)\.[A-Za-z0-9]{6}\.tmp$' %
                            '|'.join(re.escape(t) for _, _, t, _, _, _ in plan))

        stats = {name: [0, 0, 0, 0] for name, *_ in plan}  # kills, old, new, *.tmp left
        deadline = time.monotonic() + BUDGET
        rounds = 0
        while time.monotonic() < deadline and plan:
            rounds += 1
            for name, args, target, old, new, took in plan:
                reset(target, old)
                p = subprocess.Popen([KKR] + args, cwd=tmp, env=ENV, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
                # mostly late: the write is at the end of a run
                time.sleep(took * (rng.random() ** 0.5) * 1.1)
                p.send_signal(signal.SIGKILL)
                p.wait()
                path = os.path.join(tmp, target)
                got = open(path, 'rb').read() if os.path.exists(path) else None
                st = stats[name]
                st[0] += 1
                if got == old:
                    st[1] += 1
                elif got == new:
                    st[2] += 1
                else:
                    fail(f'{name}: after SIGKILL the target is neither old nor new '
                         f'({"absent" if got is None else f"{len(got)} bytes"})')
                reset(target, old)  # the next command starts from the same files
                for extra in sorted(listing(tmp) - base):
                    if tmp_re.match(extra):
                        st[3] += 1  # killed while writing
                        os.unlink(os.path.join(tmp, extra))  # a temporary, by its name
                    elif extra == 'wb/.kkr.lock':
                        # the workbook lock's file, left by a SIGKILL; not held (the kernel
                        # dropped the lock), so the next run takes it (the race test checks)
                        os.unlink(os.path.join(tmp, extra))
                    else:
                        fail(f'{name}: stray file {extra} after SIGKILL')
                        os.unlink(os.path.join(tmp, extra))
        for name, (kills, o, n, t) in stats.items():
            print(f'ok   {name}: {kills} kills, {o} left the old file, {n} the complete new one; '
                  f'{t} left a *.tmp (killed while writing)')
        print(f'{rounds} rounds, seed {SEED}')
    if failures:
        sys.exit(1)


main()
