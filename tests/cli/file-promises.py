#!/usr/bin/env python3
"""File promises (issue 12, README "What kkr promises about files"), checked on the file system:

- modes: a replaced file keeps its mode (a 0600 utfall.csv after import --into, a 0640 report
  after -o); a new file gets 0666 & ~umask (umask 027: 0640; snapshots of kkr lock too);
- a target that is no regular file is written directly: -o /dev/null stays a character device
  (as root), -o FIFO writes into the FIFO;
- a target name of 255 bytes works (its temporary name is cut, the target keeps its name);
- SIGTERM and SIGINT while writing remove the temporary (and the workbook lock file);
- chart --all is all or nothing: when one member cannot be placed, none of the set is replaced
  and no temporary remains.

usage: file-promises.py KKR SRCDIR
"""
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

KKR = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
ENV = dict(os.environ, LC_ALL='C', TZ='UTC', SOURCE_DATE_EPOCH='0')
failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg, flush=True)


def ok(msg):
    print('ok  ', msg, flush=True)


def run(args, cwd, umask=None):
    pre = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run([KKR] + args, cwd=cwd, env=ENV, capture_output=True, preexec_fn=pre)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def fresh(tmp):
    shutil.rmtree(f'{tmp}/wb', ignore_errors=True)
    shutil.copytree(f'{SRC}/budgets/smedjebacken-2020', f'{tmp}/wb')


def modes(tmp):
    fresh(tmp)
    ledger = f'{SRC}/tests/data/import/ledger.csv'
    mp = f'{SRC}/tests/data/import/map.csv'
    os.chmod(f'{tmp}/wb/utfall.csv', 0o600)
    p = run(['import', ledger, '--map', mp, '--into', 'wb'], tmp, umask=0o022)
    if p.returncode != 0 or mode(f'{tmp}/wb/utfall.csv') != 0o600:
        fail(f'import --into: utfall.csv mode {oct(mode(f"{tmp}/wb/utfall.csv"))}, expected '
             f'0o600 (exit {p.returncode} {p.stderr!r})')
    else:
        ok('import --into keeps a 0600 utfall.csv at 0600')
    p = run(['lock', 'wb'], tmp, umask=0o027)
    snap = f'{tmp}/wb/snapshots/202006.csv'
    if p.returncode != 0 or mode(snap) != 0o640:
        fail(f'lock under umask 027: exit {p.returncode} {p.stderr!r}, '
             f'{oct(mode(snap)) if os.path.exists(snap) else "no snapshot"}')
    else:
        ok('lock under umask 027 writes a 0640 snapshot (0666 & ~umask)')
    with open(f'{tmp}/r.csv', 'w') as f:
        f.write('old\n')
    os.chmod(f'{tmp}/r.csv', 0o640)
    p = run(['report', 'wb', '--format', 'csv', '-o', 'r.csv'], tmp, umask=0o000)
    if p.returncode != 0 or mode(f'{tmp}/r.csv') != 0o640:
        fail(f'report -o over a 0640 file: {oct(mode(f"{tmp}/r.csv"))}')
    else:
        ok('report -o over a 0640 file keeps 0640 (umask 000)')
    os.unlink(f'{tmp}/r.csv')
    p = run(['report', 'wb', '--format', 'csv', '-o', 'r.csv'], tmp, umask=0o002)
    if p.returncode != 0 or mode(f'{tmp}/r.csv') != 0o664:
        fail(f'report -o new file under umask 002: {oct(mode(f"{tmp}/r.csv"))}')
    else:
        ok('report -o, a new file under umask 002: 0664')


def devices(tmp):
    fresh(tmp)
    if os.geteuid() == 0:
        # a private device node, so the real /dev/null is never at risk
        dev = f'{tmp}/null'
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        p = run(['report', 'wb', '--format', 'csv', '-o', dev], tmp)
        if p.returncode != 0 or not stat.S_ISCHR(os.stat(dev).st_mode):
            fail(f'-o onto a character device (1,3): exit {p.returncode}, now '
                 f'{stat.filemode(os.stat(dev).st_mode)}')
        else:
            ok('-o onto a character device (a null device node) writes to it; it stays a device')
        if [n for n in os.listdir(tmp) if n.endswith('.tmp')]:
            fail('a temporary next to the device')
    else:
        print('skip -o onto a device node: not root')
    fifo = f'{tmp}/fifo'
    os.mkfifo(fifo)
    reader = subprocess.Popen(['cat', fifo], stdout=subprocess.PIPE)
    p = run(['report', 'wb', '--format', 'csv', '-o', fifo], tmp)
    if not stat.S_ISFIFO(os.stat(fifo).st_mode):
        reader.kill()  # replaced by a regular file: cat waits for a writer forever
    got = reader.communicate(timeout=30)[0]
    want = run(['report', 'wb', '--format', 'csv'], tmp).stdout
    if p.returncode != 0 or got != want or not stat.S_ISFIFO(os.stat(fifo).st_mode):
        fail(f'-o FIFO: exit {p.returncode}, {len(got)} bytes read, expected {len(want)}')
    else:
        ok(f'-o onto a FIFO writes into it ({len(got)} bytes) and it stays a FIFO')


def long_names(tmp):
    fresh(tmp)
    before = len(failures)
    for n in (255, 250, 245):
        name = 'r' * (n - 4) + '.csv'
        p = run(['report', 'wb', '--format', 'csv', '-o', name], tmp)
        if p.returncode != 0 or not os.path.exists(f'{tmp}/{name}'):
            fail(f'-o a {n}-byte name: exit {p.returncode} {p.stderr!r}')
            continue
        os.unlink(f'{tmp}/{name}')
    left = [n for n in os.listdir(tmp) if n.endswith('.tmp')]
    if left:
        fail(f'temporaries left: {left}')
    elif len(failures) == before:
        ok('-o names of 245, 250 and 255 bytes work (the temporary name is cut)')
    name = 'å' * 127 + '.csv'  # 258 bytes: over the limit, a clear error
    p = run(['report', 'wb', '--format', 'csv', '-o', name], tmp)
    if p.returncode != 2 or b'File name too long' not in p.stderr:
        fail(f'-o a 258-byte name: exit {p.returncode} {p.stderr!r}')


def signals(tmp):
    """SIGTERM / SIGINT while kkr writes: no temporary and no lock file remain."""
    fresh(tmp)
    before = len(failures)
    results = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        removed = hit = 0
        for _ in range(5):
            # import --into from a pipe: kkr holds the lock while it waits for the ledger; kill
            # it while its temporary exists (or, early on, with only the lock file)
            p = subprocess.Popen([KKR, 'import', '-', '--map',
                                  f'{SRC}/tests/data/import/map.csv', '--into', 'wb'],
                                 cwd=tmp, env=ENV, stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 5
            while not os.path.exists(f'{tmp}/wb/.kkr.lock') and time.monotonic() < deadline:
                time.sleep(0.001)
            p.send_signal(sig)
            p.wait()
            hit += 1
            if p.returncode != -sig:
                fail(f'{sig.name}: exit {p.returncode}, expected death by the signal')
            left = [n for n in os.listdir(f'{tmp}/wb') if n.endswith('.tmp') or
                    n == '.kkr.lock']
            if left:
                fail(f'{sig.name}: left {left}')
                for n in left:
                    os.unlink(f'{tmp}/wb/{n}')
            else:
                removed += 1
        results[sig.name] = (hit, removed)
    # while a temporary exists: a report -o of a large chain, killed after its temporary
    # appears
    big = f'{tmp}/big'
    os.makedirs(big, exist_ok=True)
    n = 60000
    with open(f'{big}/verksamheter.csv', 'w') as f:
        f.write('kod;namn;överordnad\n' + ''.join(f'U{i};Namn {i};{"" if i < 10 else f"U{i // 10}"}\n'
                                                 for i in range(n)))
    with open(f'{big}/budget.csv', 'w') as f:
        f.write('verksamhet;slag;period;belopp\n' + ''.join(f'U{i};kostnad;2020;{i}\n'
                                                            for i in range(n)))
    with open(f'{big}/utfall.csv', 'w') as f:
        f.write('verksamhet;slag;period;belopp\n' + ''.join(f'U{i};kostnad;202001;{i}\n'
                                                            for i in range(n)))
    caught = 0
    for sig in (signal.SIGTERM, signal.SIGINT):
        for _ in range(30):
            p = subprocess.Popen([KKR, 'report', 'big', '--format', 'md', '-o', 'out.md'],
                                 cwd=tmp, env=ENV, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            seen = False
            deadline = time.monotonic() + 20
            while p.poll() is None and time.monotonic() < deadline:
                if any(x.startswith('out.md.') for x in os.listdir(tmp)):
                    seen = True
                    break
            p.send_signal(sig)
            p.wait()
            left = [x for x in os.listdir(tmp) if x.startswith('out.md.')]
            if left:
                fail(f'{sig.name} while writing out.md: left {left}')
                for x in left:
                    os.unlink(f'{tmp}/{x}')
            if seen and p.returncode == -sig:
                caught += 1
                break
    if caught < 2:
        print(f'     (killed while the temporary existed in {caught} of 2 signals)')
    if len(failures) == before:
        ok(f'SIGTERM and SIGINT remove the lock file and the temporary '
       f'({", ".join(f"{k}: {v[1]} of {v[0]}" for k, v in results.items())}; '
       f'{caught} of 2 killed with out.md.XXXXXX.tmp present)')


def chart_set(tmp):
    fresh(tmp)
    out = f'{tmp}/charts'
    p = run(['chart', 'wb', '--all', '-o', 'charts/', '--width', '300'], tmp)
    if p.returncode != 0:
        fail(f'chart --all: exit {p.returncode} {p.stderr!r}')
        return
    names = sorted(os.listdir(out))
    if len(names) < 3:
        fail(f'chart --all wrote {names}')
        return
    old = {}
    for n in names:
        with open(f'{out}/{n}', 'wb') as f:
            f.write(b'old ' + n.encode())
        old[n] = b'old ' + n.encode()
    # one member's target is a folder: that member fails after others are written
    victim = names[-1]
    os.unlink(f'{out}/{victim}')
    os.mkdir(f'{out}/{victim}')
    p = run(['chart', 'wb', '--all', '-o', 'charts/', '--width', '300'], tmp)
    now = sorted(os.listdir(out))
    changed = [n for n in names if n != victim and open(f'{out}/{n}', 'rb').read() != old[n]]
    if p.returncode == 0 or changed or now != names:
        fail(f'chart --all with a failing member: exit {p.returncode}, replaced {changed}, '
             f'files {now}')
    else:
        ok(f'chart --all with member {victim} unwritable: exit {p.returncode}, none of the '
           f'other {len(names) - 1} replaced, no temporary left')


def main():
    with tempfile.TemporaryDirectory(prefix='kkr-files-') as tmp:
        modes(tmp)
        devices(tmp)
        long_names(tmp)
        signals(tmp)
        chart_set(tmp)
    if failures:
        sys.exit(1)


main()
