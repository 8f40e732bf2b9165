#!/usr/bin/env python3
"""bench-forecast-m3.py — forecast accuracy of kkr on the M3 monthly series (issue 3).

    tests/bench/bench-forecast-m3.py KKR M3.csv [--r-sample N] [--keep DIR]

Converts the 714 monthly M3 series (serie;år;månad;värde) into a kkr workbook in a temporary
folder (never committed), runs `kkr forecast --backtest` on it and prints the mean APE of the
year-end forecast per method at k = 2, 4, 6, 8, 10 and the 80 % interval coverage. Where R
with the forecast package is installed, it also fits R's forecast::ets on a deterministic
sample of the same cases (--r-sample per k, default 150; 0 skips R) and prints both on that
sample.

The conversion: each calendar year is a fiscal year; each series is one unit with slag
kostnad; the series' years are shifted so that every series ends in 2019 and the workbook's
fiscal year is 2020 (kkr's periods must lie in 1900..2199 and one workbook spans one range
of years; M3's own years run from 1 to 1996). The budget of year Y is the previous year's
actuals month by month times the mean growth of the complete years before Y (1 when there is
only one); there is no budget for a year whose previous year is incomplete. Only data before
Y enters Y's budget, so the budget method does not peek.
"""
import argparse
import collections
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

KS = [2, 4, 6, 8, 10]
METHODS = ['budget', 'runrate', 'trend', 'seasonal', 'ets', 'auto']


def convert(m3, out):
    series = collections.OrderedDict()
    with open(m3, encoding='utf-8') as f:
        for r in csv.DictReader(f, delimiter=';'):
            series.setdefault(r['serie'], []).append((int(r['år']), int(r['månad']), float(r['värde'])))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'bok.conf'), 'w', encoding='utf-8') as f:
        f.write('organisation = M3 (Makridakis & Hibon 2000), månadsserier\nnämnd = benchmark\n'
                'år = 2020\n')
    with open(os.path.join(out, 'verksamheter.csv'), 'w', encoding='utf-8') as fv, \
            open(os.path.join(out, 'utfall.csv'), 'w', encoding='utf-8') as fu, \
            open(os.path.join(out, 'budget.csv'), 'w', encoding='utf-8') as fb:
        fv.write('kod;namn;överordnad\n')
        fu.write('verksamhet;slag;period;belopp\n')
        fb.write('verksamhet;slag;period;belopp\n')
        for name, obs in series.items():
            shift = 2019 - obs[-1][0]
            fv.write(f'{name};{name};\n')
            by_year = collections.defaultdict(dict)
            for y, m, v in obs:
                by_year[y + shift][m] = v
                fu.write(f'{name};kostnad;{y + shift}{m:02d};{v:.2f}\n')
            complete = sorted(y for y, ms in by_year.items() if len(ms) == 12)
            for year in range(min(by_year) + 1, 2021):
                prev = by_year.get(year - 1, {})
                if len(prev) != 12:
                    continue
                before = [y for y in complete if y < year]
                growth = [sum(by_year[b].values()) / sum(by_year[a].values())
                          for a, b in zip(before, before[1:]) if b == a + 1]
                g = sum(growth) / len(growth) if growth else 1.0
                for m in range(1, 13):
                    fb.write(f'{name};kostnad;{year}{m:02d};{prev[m] * g:.2f}\n')
    return series


def r_available():
    if not shutil.which('Rscript'):
        return False
    return subprocess.run(['Rscript', '-e', 'suppressMessages(library(forecast))'],
                          capture_output=True).returncode == 0


R_SCRIPT = r'''
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
d <- read.table(args[1], sep = ";", header = TRUE, stringsAsFactors = FALSE)
out <- file(args[2], "w")
writeLines("id;prognos;låg;hög", out)
t0 <- proc.time()[["elapsed"]]
for (i in seq_len(nrow(d))) {
  y <- as.numeric(strsplit(d$y[i], ",")[[1]])
  h <- d$h[i]
  fit <- ets(ts(y, frequency = 12))
  fc <- forecast(fit, h = h)
  # interval of the year total from simulated sample paths (as kkr's is for the total)
  sims <- replicate(500, sum(simulate(fit, nsim = h, future = TRUE)))
  q <- quantile(sims, c(0.1, 0.9))
  known <- d$known[i]
  writeLines(sprintf("%d;%.4f;%.4f;%.4f", d$id[i], known + sum(fc$mean), known + q[[1]],
                     known + q[[2]]), out)
}
close(out)
cat(sprintf("%.3f\n", proc.time()[["elapsed"]] - t0))
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('kkr')
    ap.add_argument('m3')
    ap.add_argument('--r-sample', type=int, default=150)
    ap.add_argument('--keep')
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='kkr-m3-')
    try:
        wb = a.keep or os.path.join(tmp, 'm3')
        series = convert(a.m3, wb)
        cases_path = os.path.join(tmp, 'cases.csv')
        t0 = time.time()
        p = subprocess.run([a.kkr, 'forecast', wb, '--backtest', '--format', 'csv',
                            '--cases', cases_path], capture_output=True, text=True)
        elapsed = time.time() - t0
        if p.returncode != 0:
            sys.stderr.write(p.stderr)
            return 1
        table = {}
        for r in csv.DictReader(p.stdout.splitlines(), delimiter=';'):
            table[(r['metod'], int(r['k']))] = r
        print(f'kkr forecast --backtest on {len(series)} M3 monthly series: {elapsed:.1f} s')
        print('mean APE of the year total, % (cases); coverage of the 80 % interval')
        print('%-10s' % 'metod' + ''.join('%16s' % f'k={k}' for k in KS) + '   täckning')
        for m in METHODS:
            cells, n, inside = [], 0, 0.0
            for k in KS:
                r = table.get((m, k))
                if r:
                    cells.append('%16s' % f"{float(r['mape']):.2f} ({r['fall']})")
                    n += int(r['fall'])
                    inside += float(r['täckning']) * int(r['fall']) / 100
                else:
                    cells.append('%16s' % '-')
            print('%-10s' % m + ''.join(cells) + ('   %.1f %%' % (100 * inside / n) if n else ''))
        if a.r_sample <= 0:
            return 0
        if not r_available():
            print('R with the forecast package is not installed: skipping the comparison '
                  'with forecast::ets')
            return 0
        # the same cases for R: a deterministic sample per k of auto's cases
        cases = collections.defaultdict(list)
        with open(cases_path, encoding='utf-8') as f:
            for r in csv.DictReader(f, delimiter=';'):
                if r['metod'] == 'auto' and int(r['k']) in KS:
                    cases[int(r['k'])].append(r)
        rng = random.Random(3)
        sample = []
        for k in KS:
            c = cases[k]
            sample += rng.sample(c, min(a.r_sample, len(c)))
        # the series as the backtest saw it: all months before the year plus months 1..k
        data = collections.defaultdict(dict)
        for name, obs in series.items():
            shift = 2019 - obs[-1][0]
            for y, m, v in obs:
                data[name][(y + shift, m)] = v
        rin = os.path.join(tmp, 'r-in.csv')
        with open(rin, 'w', encoding='utf-8') as f:
            f.write('id;h;known;y\n')
            for i, r in enumerate(sample):
                year, k = int(r['år']), int(r['k'])
                months = sorted(p for p in data[r['kod']] if p < (year, k + 1))
                y = [data[r['kod']][p] for p in months]
                known = sum(data[r['kod']][(year, m)] for m in range(1, k + 1))
                f.write(f"{i};{12 - k};{known:.4f};{','.join('%.4f' % v for v in y)}\n")
        rscript = os.path.join(tmp, 'ets.R')
        with open(rscript, 'w') as f:
            f.write(R_SCRIPT)
        rout = os.path.join(tmp, 'r-out.csv')
        p = subprocess.run(['Rscript', rscript, rin, rout], capture_output=True, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stderr)
            return 1
        r_res = {}
        with open(rout, encoding='utf-8') as f:
            for r in csv.DictReader(f, delimiter=';'):
                r_res[int(r['id'])] = r
        print(f'\nthe same {len(sample)} cases ({a.r_sample} per k, seed 3) with R forecast::ets '
              f'({p.stdout.strip()} s in R):')
        print('%-16s' % '' + ''.join('%10s' % f'k={k}' for k in KS) + '   täckning')
        for label in ('kkr auto', 'R ets'):
            cells, inside, n = [], 0, 0
            for k in KS:
                apes = []
                for i, r in enumerate(sample):
                    if int(r['k']) != k:
                        continue
                    o = float(r['utfall'])
                    if label == 'kkr auto':
                        f_, lo, hi = float(r['prognos']), float(r['låg']), float(r['hög'])
                    else:
                        rr = r_res[i]
                        f_, lo, hi = float(rr['prognos']), float(rr['låg']), float(rr['hög'])
                    apes.append(abs(f_ - o) / abs(o) * 100)
                    inside += lo <= o <= hi
                    n += 1
                cells.append('%10.2f' % (sum(apes) / len(apes)))
            print('%-16s' % label + ''.join(cells) + '   %.1f %%' % (100 * inside / n))
        return 0
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
