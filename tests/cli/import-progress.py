#!/usr/bin/env python3
"""kkr import's progress bar: shown on stderr when it is a terminal, silent otherwise.

usage: import-progress.py KKR

The ledger comes through a pipe in bursts over about a second, so that the bar (redrawn at
most every 0.2 s) has time to appear. On a pseudo-terminal stderr must hold at least one bar
("\\rkkr import: N MB  N MB/s  N M rows/s"), cleared ("\\r\\033[K") before the summary; with stderr
a pipe it must hold the summary only. The utfall rows are the same both ways.
"""
import os
import pty
import re
import subprocess
import sys
import tempfile
import threading
import time

BURSTS, ROWS = 8, 20000


def feed(pipe):
    pipe.write(b'Vht;Konto;Period;Belopp\n')
    row = b'10;4010;202001;1,25\n20;3010;202002;-2\n'
    for _ in range(BURSTS):
        pipe.write(row * (ROWS // 2))
        pipe.flush()
        time.sleep(0.15)
    pipe.close()


def run(kkr, tmp, tty):
    out = os.path.join(tmp, 'utfall-%s.csv' % ('tty' if tty else 'pipe'))
    cmd = [kkr, 'import', '-', '--map', os.path.join(tmp, 'map.csv'), '-o', out]
    env = dict(os.environ, LC_ALL='C')
    if tty:
        master, slave = pty.openpty()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=slave, env=env)
        os.close(slave)
        chunks = []

        def drain():
            while True:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    break
                if not data:
                    break
                chunks.append(data)
        reader = threading.Thread(target=drain)
        reader.start()
        feed(proc.stdin)
        proc.wait()
        reader.join(timeout=10)
        os.close(master)
        err = b''.join(chunks).replace(b'\r\n', b'\n')   # the terminal's ONLCR
    else:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, env=env)
        t = threading.Thread(target=feed, args=(proc.stdin,))
        t.start()
        err = proc.stderr.read()
        t.join()
        proc.wait()
    if proc.returncode != 0:
        sys.exit('kkr import exited %d: %r' % (proc.returncode, err))
    with open(out, 'rb') as f:
        return err, f.read()


def have_pty():
    """A pseudo-terminal can be opened (not in a chroot or container without /dev/pts)."""
    try:
        master, slave = pty.openpty()
    except OSError as e:
        return str(e)
    os.close(master)
    os.close(slave)
    return None


def main():
    kkr = sys.argv[1]
    why = have_pty()
    if why:
        print('skipped: no pseudo-terminal to draw the bar on (%s)' % why)
        return 77
    with tempfile.TemporaryDirectory(prefix='kkr-progress-') as tmp:
        with open(os.path.join(tmp, 'map.csv'), 'w') as f:
            f.write('kod;verksamhet\n10;AO\n20;HT\n')
        summary = ('kkr import: <stdin>: %d rows read' % (BURSTS * ROWS)).encode()
        err_tty, utfall_tty = run(kkr, tmp, True)
        err_pipe, utfall_pipe = run(kkr, tmp, False)
    ok = True
    bar = re.compile(rb'\rkkr import: \d+ MB  \d+ MB/s  \d+\.\d M rows/s  ')
    if not bar.search(err_tty):
        print('no progress bar on the terminal: %r' % err_tty[:300])
        ok = False
    if b'\r\033[K' + summary not in err_tty:
        print('the bar is not cleared before the summary: %r' % err_tty[-400:])
        ok = False
    if b'\r' in err_pipe or b'\033' in err_pipe or not err_pipe.startswith(summary):
        print('stderr not a terminal, yet not the summary alone: %r' % err_pipe[:300])
        ok = False
    if utfall_tty != utfall_pipe:
        print('utfall differs between the two runs')
        ok = False
    expected = ('verksamhet;slag;period;belopp\nAO;kostnad;202001;%s\nHT;intäkt;202002;-%s\n'
                % ('%d,00' % (BURSTS * ROWS // 2 * 5 // 4), '%d,00' % (BURSTS * ROWS))).encode()
    if utfall_pipe != expected:
        print('utfall: %r, expected %r' % (utfall_pipe, expected))
        ok = False
    print('bars drawn on the terminal: %d' % len(bar.findall(err_tty)))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
