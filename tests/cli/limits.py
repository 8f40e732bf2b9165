#!/usr/bin/env python3
"""Limits under hostile input (issue 7), on generated files:

- a NUL byte, and a byte that is neither UTF-8 nor Windows-1252 (0x81), in every column of
  every input file type (verksamheter, budget, utfall, prognos, bok.conf, snapshot, åtgärder,
  import map and ledger): exit 2 and one line "kkr: FILE:LINE...: what, expected what" (after
  warnings), or, where a reader falls back to Windows-1252 for the whole file (bok.conf, the
  ledger), exit 0 with the warning "not UTF-8, read as Windows-1252";
- a 100 000-level deep tree (a chain): check and the text report work (iterative, no stack
  overflow; indentation capped, so the report stays linear in size);
- 200 000 units, a 10 MB field, a line of 2 million delimiters: work or a clear error, with
  bounded time (the whole test runs in a few seconds).

usage: limits.py KKR
"""
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

KKR = os.path.abspath(sys.argv[1])
ENV = dict(os.environ, LC_ALL='C', TZ='UTC', SOURCE_DATE_EPOCH='0')
# the error: one last line "kkr: FILE[:LINE[:COLUMN]]: ..." after any warnings
DIAG = re.compile(rb'^(kkr: warning: [^\n]*\n)*kkr: [^:\n]+(:[0-9]+)*: [^\n]+\n\Z')
failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg)


def run(args, cwd, timeout=60):
    t0 = time.monotonic()
    p = subprocess.run([KKR] + args, cwd=cwd, env=ENV, capture_output=True, timeout=timeout)
    return p, time.monotonic() - t0


BASE = {
    'wb/verksamheter.csv': b'kod;namn;\xc3\xb6verordnad\nAO;\xc3\x84ldreomsorg;\nHT;Hemtj\xc3\xa4nst;AO\n',
    'wb/budget.csv': b'verksamhet;slag;period;belopp\nHT;kostnad;2020;1000\n',
    'wb/utfall.csv': b'verksamhet;slag;period;belopp\nHT;kostnad;202001;90\n',
    'wb/prognos.csv': b'verksamhet;slag;prognos;kommentar\nHT;kostnad;1100;text\n',
    'wb/bok.conf': b'\xc3\xa5r = 2020\nn\xc3\xa4mnd = N\n',
    'wb/snapshots/202001.csv': b'verksamhet;slag;prognos;metod;kommentar\n'
                               b'HT;kostnad;1100;manuell;text\n',
    'atgarder.csv': b'verksamhet;beskrivning;effekt;sannolikhet\nHT;text;100;1\n',
    'map.csv': b'kod;verksamhet\n10;HT\n',
    'ledger.csv': b'Vht;Konto;Period;Belopp\n10;4010;202002;5\n',
}
# the command that reads each file
READER = {
    'wb/verksamheter.csv': ['check', 'wb'],
    'wb/budget.csv': ['check', 'wb'],
    'wb/utfall.csv': ['check', 'wb'],
    'wb/prognos.csv': ['check', 'wb'],
    'wb/bok.conf': ['check', 'wb'],
    'wb/snapshots/202001.csv': ['report', 'wb', '--compare', '202001'],
    'atgarder.csv': ['whatif', 'wb', '--measures', 'atgarder.csv'],
    'map.csv': ['import', 'ledger.csv', '--map', 'map.csv', '-o', 'out.csv'],
    'ledger.csv': ['import', 'ledger.csv', '--map', 'map.csv', '-o', 'out.csv'],
}


def setup(tmp, override=None):
    shutil.rmtree(tmp, ignore_errors=True)
    for name, data in BASE.items():
        path = os.path.join(tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(override[1] if override and override[0] == name else data)


def bad_bytes(root):
    tmp = os.path.join(root, 'bytes')
    setup(tmp)
    for name, args in READER.items():
        p, _ = run(args, tmp)
        if p.returncode != 0:
            fail(f'{name}: the clean input fails: {p.stderr!r}')
    cases = worked = 0
    for name, data in BASE.items():
        lines = data.split(b'\n')
        last = lines[-2]  # the last (data) line
        sep = b'=' if name.endswith('.conf') else b';'
        cols = last.split(sep)
        for c in range(len(cols)):
            for bad, what in ((b'\x00', 'NUL'), (b'\x81', '0x81')):
                broken = cols[:]
                broken[c] = broken[c][:1] + bad + broken[c][1:]
                text = b'\n'.join(lines[:-2] + [sep.join(broken)] + lines[-1:])
                setup(tmp, (name, text))
                p, _ = run(READER[name], tmp)
                cases += 1
                where = f'{name} column {c + 1} {what}'
                if p.returncode == 0 and bad == b'\x81' and b'not UTF-8, read as Windows-1252' \
                        in p.stderr and name.split('/')[-1].encode() in p.stderr:
                    worked += 1  # read as Windows-1252 (0x81 shown as U+FFFD), with a warning
                elif p.returncode != 2:
                    fail(f'{where}: exit {p.returncode}, expected 2; {p.stderr!r}')
                elif not DIAG.match(p.stderr):
                    fail(f'{where}: message is not one "kkr: FILE:LINE: ..." line: {p.stderr!r}')
                elif os.path.exists(os.path.join(tmp, 'out.csv')):
                    fail(f'{where}: out.csv written on error')
    print(f'ok   NUL and 0x81 in every column of {len(BASE)} file types: {cases} cases, '
          f'{cases - worked} exit 2 with file:line, {worked} read as Windows-1252 with a warning')


def workbook(d, units, budget=b'verksamhet;slag;period;belopp\nU0;kostnad;2020;1000\n'):
    os.makedirs(d, exist_ok=True)
    for name, data in (('verksamheter.csv', units), ('budget.csv', budget),
                       ('utfall.csv', b'verksamhet;slag;period;belopp\nU0;kostnad;202001;100\n'),
                       ('bok.conf', b'\xc3\xa5r = 2020\n')):
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)


def big(root):
    n = 100000
    workbook(f'{root}/deep', b'kod;namn;\xc3\xb6verordnad\nU0;Rot;\n' +
             b''.join(b'U%d;N%d;U%d\n' % (i, i, i - 1) for i in range(1, n)))
    p, t = run(['check', 'deep'], root)
    if p.returncode != 0 or b'%d niv' % n not in p.stdout:
        fail(f'deep tree: check exit {p.returncode} {p.stdout[-200:]!r} {p.stderr!r}')
    p, t2 = run(['report', 'deep'], root)
    if p.returncode != 0 or len(p.stdout) > 100 * n + 100000:
        fail(f'deep tree: report exit {p.returncode}, {len(p.stdout)} bytes')
    print(f'ok   {n}-level tree: check {t:.1f} s, report {t2:.1f} s ({len(p.stdout)} bytes)')

    n = 200000
    workbook(f'{root}/many', b'kod;namn;\xc3\xb6verordnad\n' + b''.join(
        b'U%d;Namn %d;%s\n' % (i, i, b'U%d' % (i // 10) if i else b'') for i in range(n)))
    p, t = run(['check', 'many'], root)
    if p.returncode != 0:
        fail(f'{n} units: exit {p.returncode} {p.stderr!r}')
    print(f'ok   {n} units: check {t:.1f} s')

    workbook(f'{root}/long', b'kod;namn;\xc3\xb6verordnad\nU0;' + b'x' * (10 << 20) + b';\n')
    p, t = run(['check', 'long'], root)
    if p.returncode != 0:
        fail(f'10 MB field: exit {p.returncode} {p.stderr!r}')
    print(f'ok   a 10 MB field: check {t:.1f} s')

    workbook(f'{root}/wide', b'kod;namn;\xc3\xb6verordnad\nU0;a;\nU1;b;U0;x' + b';' * (2 << 20)
             + b'\n')
    p, t = run(['check', 'wide'], root)
    if p.returncode not in (0, 2) or (p.returncode == 2 and not DIAG.match(p.stderr)):
        fail(f'2M delimiters: exit {p.returncode} {p.stderr[:300]!r}')
    print(f'ok   a line of 2M delimiters: exit {p.returncode} in {t:.1f} s '
          f'{p.stderr.decode(errors="replace").strip()[:120]}')


def bounded(root):
    """Issue 12: a NUL tail is found in the first block that holds it, and a file that is not
    regular is read up to a cap, so neither is read whole into memory."""
    d = f'{root}/nul-tail'
    workbook(d, b'kod;namn;\xc3\xb6verordnad\nU0;Rot;\n')
    with open(f'{d}/utfall.csv', 'ab') as f:
        f.truncate(10 << 30)  # sparse: 10 GB of NUL bytes after the rows, no disk used
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.monotonic()
    p = subprocess.run([KKR, 'check', 'nul-tail'], cwd=root, env=ENV, capture_output=True,
                       timeout=120)
    took = time.monotonic() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if p.returncode != 2 or not DIAG.match(p.stderr) or b'NUL byte' not in p.stderr:
        fail(f'10 GB NUL tail: exit {p.returncode} {p.stderr[:200]!r}')
    elif peak > 256 * 1024 and peak > before:
        fail(f'10 GB NUL tail: peak memory {peak // 1024} MB')
    else:
        print(f'ok   utfall.csv with a 10 GB NUL tail: exit 2 in {took:.2f} s '
              f'({p.stderr.decode().strip()})')
    d = f'{root}/zero'
    workbook(d, b'kod;namn;\xc3\xb6verordnad\nU0;Rot;\n')
    os.symlink('/dev/zero', f'{d}/prognos.csv')
    t0 = time.monotonic()
    p = subprocess.run([KKR, 'check', 'zero'], cwd=root, env=ENV, capture_output=True,
                       timeout=120)
    took = time.monotonic() - t0
    if p.returncode != 2 or not DIAG.match(p.stderr):
        fail(f'prognos.csv -> /dev/zero: exit {p.returncode} {p.stderr[:200]!r}')
    else:
        print(f'ok   prognos.csv linked to /dev/zero: exit 2 in {took:.2f} s '
              f'({p.stderr.decode().strip()})')
    d = f'{root}/endless'
    workbook(d, b'kod;namn;\xc3\xb6verordnad\nU0;Rot;\n')
    os.mkfifo(f'{d}/prognos.csv')
    feeder = subprocess.Popen(['sh', '-c', '{ printf "verksamhet;slag;prognos;kommentar\n"; '
                               f'exec yes "U0;kostnad;1;x"; }} > {d}/prognos.csv'],
                              stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    p = subprocess.run([KKR, 'check', 'endless'], cwd=root, env=ENV, capture_output=True,
                       timeout=120)
    took = time.monotonic() - t0
    feeder.kill()
    feeder.wait()
    if p.returncode != 2 or b'not a regular file' not in p.stderr:
        fail(f'prognos.csv an endless FIFO: exit {p.returncode} {p.stderr[:200]!r}')
    else:
        print(f'ok   prognos.csv an endless FIFO: exit 2 after the cap in {took:.1f} s '
              f'({p.stderr.decode().strip()})')


def main():
    with tempfile.TemporaryDirectory(prefix='kkr-limits-') as root:
        bad_bytes(root)
        big(root)
        bounded(root)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f'peak memory of a kkr run: {usage.ru_maxrss // 1024} MB')
    if usage.ru_maxrss > 1024 * 1024:
        fail('a kkr run used more than 1 GB')
    if failures:
        sys.exit(1)


main()
