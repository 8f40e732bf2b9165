#!/usr/bin/env python3
"""kkr report --format xlsx on a generated 2 000-unit workbook against the CSV report of the
same workbook, whole processes, in the same run (DESIGN §11: under a second).

usage: bench-xlsx-report.py [BUILD/kkr] [--units N] [--runs R]
Prints the median wall time of each, the ratio, the file sizes; exit 1 when the xlsx report
takes a second or more.
"""
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

args = sys.argv[1:]
kkr = args.pop(0) if args and not args[0].startswith('--') else 'build/kkr'
units, runs = 2000, 7
while args:
    a = args.pop(0)
    if a == '--units':
        units = int(args.pop(0))
    elif a == '--runs':
        runs = int(args.pop(0))

rng = random.Random(14)
tmp = tempfile.mkdtemp(prefix='kkr-bench-xlsx-')
wb = os.path.join(tmp, 'wb')
os.mkdir(wb)
# 100 förvaltningsområden, each with 19 enheter below it (2 000 units), two years of months
tops = units // 20
with open(os.path.join(wb, 'bok.conf'), 'w') as f:
    f.write('organisation = Benchkommun (genererat)\nnämnd = Nämnden\når = 2024\n')
codes = []
with open(os.path.join(wb, 'verksamheter.csv'), 'w') as f:
    f.write('kod;namn;överordnad\n')
    for t in range(tops):
        top = 'O%03d' % t
        f.write('%s;Område %d;\n' % (top, t))
        codes.append(top)
        for c in range(19):
            code = '%s-%02d' % (top, c)
            f.write('%s;Enhet %d.%d;%s\n' % (code, t, c, top))
            codes.append(code)
leaves = [c for c in codes if '-' in c]
with open(os.path.join(wb, 'budget.csv'), 'w') as b, \
        open(os.path.join(wb, 'utfall.csv'), 'w') as u:
    b.write('verksamhet;slag;period;belopp\n')
    u.write('verksamhet;slag;period;belopp\n')
    for code in leaves:
        cost = rng.randint(200, 5000) * 1000
        rev = -rng.randint(10, 500) * 1000
        b.write('%s;kostnad;2024;%d\n%s;intäkt;2024;%d\n' % (code, cost, code, rev))
        for year, last in ((2023, 12), (2024, 6)):
            for m in range(1, last + 1):
                u.write('%s;kostnad;%d%02d;%d,%02d\n' % (code, year, m,
                                                        cost // 12 * rng.uniform(0.9, 1.1),
                                                        rng.randint(0, 99)))
                u.write('%s;intäkt;%d%02d;%d\n' % (code, year, m,
                                                  rev // 12 * rng.uniform(0.8, 1.2)))


def timed(fmt, out):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run([kkr, 'report', wb, '--format', fmt, '-o', out],
                           capture_output=True)
        times.append(time.perf_counter() - t0)
        if p.returncode != 0:
            sys.exit('kkr report --format %s failed: %s' % (fmt, p.stderr.decode()))
    return statistics.median(times), min(times)


csv_out = os.path.join(tmp, 'rapport.csv')
xlsx_out = os.path.join(tmp, 'rapport.xlsx')
timed('csv', csv_out)  # warm the page cache
t_csv, min_csv = timed('csv', csv_out)
t_xlsx, min_xlsx = timed('xlsx', xlsx_out)
print('workbook: %d units (%d top level), %d utfall rows' % (len(codes), tops,
                                                            len(leaves) * 2 * 18))
print('kkr report --format csv : median %.3f s (min %.3f), %d bytes' % (
    t_csv, min_csv, os.path.getsize(csv_out)))
print('kkr report --format xlsx: median %.3f s (min %.3f), %d bytes' % (
    t_xlsx, min_xlsx, os.path.getsize(xlsx_out)))
print('ratio xlsx / csv: %.2fx (xlsx adds %.3f s)' % (t_xlsx / t_csv, t_xlsx - t_csv))
shutil.rmtree(tmp)
if t_xlsx >= 1.0:
    print('FAIL: the xlsx report took %.3f s, DESIGN §11 asks for under a second' % t_xlsx)
    sys.exit(1)
