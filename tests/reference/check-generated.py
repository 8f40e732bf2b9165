#!/usr/bin/env python3
"""The committed example budgets/vardomsorg-generated must be exactly what its generator writes:
runs scripts/generate-vardomsorg.py into a temporary folder and compares every file."""
import filecmp
import os
import subprocess
import sys
import tempfile

src = sys.argv[1]
script = os.path.join(src, 'scripts', 'generate-vardomsorg.py')
committed = os.path.join(src, 'budgets', 'vardomsorg-generated')
with tempfile.TemporaryDirectory(prefix='kkr-gen-') as tmp:
    subprocess.run([sys.executable, script, tmp], check=True)
    bad = []
    for root, _, files in os.walk(tmp):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), tmp)
            other = os.path.join(committed, rel)
            if not os.path.exists(other) or not filecmp.cmp(os.path.join(root, f), other,
                                                            shallow=False):
                bad.append(rel)
    for root, _, files in os.walk(committed):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), committed)
            if not os.path.exists(os.path.join(tmp, rel)):
                bad.append(rel + ' (not generated)')
if bad:
    print('budgets/vardomsorg-generated differs from scripts/generate-vardomsorg.py:',
          ', '.join(sorted(bad)))
    print('rerun: scripts/generate-vardomsorg.py')
    sys.exit(1)
print('budgets/vardomsorg-generated: every file as generated')
