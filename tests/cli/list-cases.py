#!/usr/bin/env python3
"""Lists the CLI case files (tests/cli/cases/**/*.test) relative to the cases folder."""
import os
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cases')
found = []
for dirpath, _, files in os.walk(root):
    for f in files:
        if f.endswith('.test'):
            found.append(os.path.relpath(os.path.join(dirpath, f), root))
sys.stdout.write('\n'.join(sorted(found)) + '\n')
