#!/usr/bin/env python3
"""Runs the CLI case files added since meson last configured (they have no test of their own yet).

usage: run-new-cases.py KKR CASES_DIR KNOWN_CASE...

meson makes one test per case file from the list it took at configure time (list-cases.py);
a case added later would wait for a reconfigure. This test globs the folder when it runs and
runs every case file not in that list with run-case.py, so a new case is tested at once. Exit
77 (skipped) when there is none; 1 when one fails (its diff is printed).
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    kkr, root, known = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    new = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith('.test'):
                rel = os.path.relpath(os.path.join(dirpath, f), root)
                if rel not in known:
                    new.append(rel)
    if not new:
        print('skipped: no case file added since meson configured')
        return 77
    failed = []
    for rel in sorted(new):
        proc = subprocess.run([sys.executable, os.path.join(HERE, 'run-case.py'), kkr,
                               os.path.join(root, rel)])
        print('%s: %s' % (rel, 'ok' if proc.returncode == 0 else 'FAILED'))
        if proc.returncode != 0:
            failed.append(rel)
    print('%d new case files, %d failed (reconfigure to give each its own test)'
          % (len(new), len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
