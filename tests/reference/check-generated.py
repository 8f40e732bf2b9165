#!/usr/bin/env python3
"""The committed example budgets/vardomsorg-generated must be exactly what its generator writes:
runs scripts/generate-vardomsorg.py into a temporary folder and compares every file."""
import filecmp
import os
import subprocess
import sys
import tempfile

src = sys.argv[1]
# optional: another generated example, as script name and folder name
script = os.path.join(src, 'scripts', sys.argv[2] if len(sys.argv) > 2 else 'generate-vardomsorg.py')
folder = sys.argv[3] if len(sys.argv) > 3 else 'vardomsorg-generated'
committed = os.path.join(src, 'budgets', folder)
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
    print(f'budgets/{folder} differs from scripts/{os.path.basename(script)}:',
          ', '.join(sorted(bad)))
    print(f'rerun: scripts/{os.path.basename(script)}')
    sys.exit(1)
print(f'budgets/{folder}: every file as generated')
