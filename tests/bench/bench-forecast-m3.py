#!/usr/bin/env python3
"""bench-forecast-m3.py — forecast accuracy of kkr on the M3 monthly series, and ets speed (issue 3).

    tests/bench/bench-forecast-m3.py KKR M3.csv [--r-sample N] [--jobs J] [--r-cache FILE]
                                     [--bench-ets BENCH_ETS] [--r-speed-series N] [--keep DIR]

1. Accuracy. Converts the 714 monthly M3 series (serie;år;månad;värde) into a kkr workbook in
   a temporary folder (never committed), runs `kkr forecast --backtest` on it and prints the
   mean APE of the year-end forecast per method at k = 2, 4, 6, 8, 10 and the coverage of the
   80 % interval, on all cases.
2. R. Where R with the forecast package is installed (Debian: apt-get install r-cran-forecast),
   it fits R's forecast::ets on a deterministic sample of the same cases (--r-sample per k,
   default 200, seed 3; 0 skips R; R needs about a second per fit, so not on all 30 000
   cases) and prints kkr and R side by side on that sample. R sees exactly what kkr's backtest
   saw: every month before the year plus months 1..k, as ts(frequency = 12), ets() with its
   defaults (model chosen by AICc), refitted for every case; its year total is utfall 1..k +
   the sum of its point forecasts for months k+1..12 (the same definition as kkr's), and its
   80 % interval of the total is the 10/90 % quantiles of 500 simulated sample paths
   (simulate(fit, future = TRUE)), as kkr's is an interval of the total. R needs about a
   second a case: --r-cache FILE keeps R's answers keyed by the exact input (h, utfall 1..k,
   the series) and reuses them in later runs; what R answers depends only on that input.
3. Speed. With --bench-ets (the built tests/bench/bench-ets), runs it on the same file (it
   prints series per second of kkr_ets_fit + kkr_ets_forecast) and times R's ets() +
   forecast() on the same task for the first --r-speed-series series (default 50), and
   prints the ratio against bench-ets on those same series.

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


def read_m3(m3):
    series = collections.OrderedDict()
    with open(m3, encoding='utf-8') as f:
        for r in csv.DictReader(f, delimiter=';'):
            series.setdefault(r['serie'], []).append((int(r['år']), int(r['månad']),
                                                      float(r['värde'])))
    return series


def convert(series, out):
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


def r_available():
    if not shutil.which('Rscript'):
        return False
    return subprocess.run(['Rscript', '-e', 'suppressMessages(library(forecast))'],
                          capture_output=True).returncode == 0


# Input: id;h;known;y (y comma-separated). Output: id;prognos;låg;hög;modell.
R_ACCURACY = r'''
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
d <- read.table(args[1], sep = ";", header = TRUE, stringsAsFactors = FALSE)
out <- file(args[2], "w")
writeLines("id;prognos;låg;hög;modell", out)
set.seed(3)
for (i in seq_len(nrow(d))) {
  y <- as.numeric(strsplit(d$y[i], ",")[[1]])
  h <- d$h[i]
  known <- d$known[i]
  fit <- ets(ts(y, frequency = 12))
  fc <- forecast(fit, h = h)
  sims <- replicate(500, sum(simulate(fit, nsim = h, future = TRUE)))
  q <- quantile(sims, c(0.1, 0.9))
  writeLines(sprintf("%d;%.4f;%.4f;%.4f;%s", d$id[i], known + sum(fc$mean), known + q[[1]],
                     known + q[[2]], fit$method), out)
}
close(out)
'''

# Input as above; prints the wall and CPU seconds spent in ets() + forecast() (not R's
# start-up or reading).
R_SPEED = r'''
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
d <- read.table(args[1], sep = ";", header = TRUE, stringsAsFactors = FALSE)
ys <- lapply(strsplit(d$y, ","), as.numeric)
t0 <- proc.time()
tot <- 0
for (i in seq_len(nrow(d))) {
  fc <- forecast(ets(ts(ys[[i]], frequency = 12)), h = d$h[i])
  tot <- tot + d$known[i] + sum(fc$mean)
}
t <- proc.time() - t0
cat(sprintf("%.3f %.3f\n", t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))
'''


def run_r_cached(rows, jobs, tmp, cache):
    """R_ACCURACY on rows, reusing answers from the cache file (h;known;y -> R's answer) for
    rows whose input is exactly the same; new answers are added to the cache."""
    known, todo = {}, []
    if cache and os.path.exists(cache):
        with open(cache, encoding='utf-8') as f:
            for line in f:
                inp, _, ans = line.rstrip('\n').partition('\t')
                known[inp] = ans.split(';')
    res = {}
    for row in rows:
        i, inp = row.split(';', 1)
        inp = inp.rstrip('\n')
        if inp in known:
            ans = known[inp]
            res[int(i)] = {'prognos': ans[0], 'låg': ans[1], 'hög': ans[2], 'modell': ans[3]}
        else:
            todo.append(row)
    if todo:
        new, _ = run_r_parallel(R_ACCURACY, todo, jobs, tmp, 'acc')
        res.update(new)
        if cache:
            inputs = {int(r.split(';', 1)[0]): r.split(';', 1)[1].rstrip('\n') for r in todo}
            with open(cache, 'a', encoding='utf-8') as f:
                for i, r in new.items():
                    f.write(f"{inputs[i]}\t{r['prognos']};{r['låg']};{r['hög']};{r['modell']}\n")
    return res, len(rows) - len(todo)


def run_r_parallel(script, rows, jobs, tmp, tag):
    """Runs the R script on rows (id;h;known;y lines) split over jobs processes."""
    path = os.path.join(tmp, f'{tag}.R')
    with open(path, 'w') as f:
        f.write(script)
    procs = []
    for j in range(jobs):
        part = rows[j::jobs]
        if not part:
            continue
        rin, rout = os.path.join(tmp, f'{tag}-in{j}.csv'), os.path.join(tmp, f'{tag}-out{j}.csv')
        with open(rin, 'w', encoding='utf-8') as f:
            f.write('id;h;known;y\n')
            f.writelines(part)
        procs.append((subprocess.Popen(['Rscript', path, rin, rout], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True), rout))
    res, outs = {}, []
    for p, rout in procs:
        out, err = p.communicate()
        if p.returncode != 0:
            sys.stderr.write(err)
            raise SystemExit(1)
        outs.append(out)
        if os.path.exists(rout):
            with open(rout, encoding='utf-8') as f:
                for r in csv.DictReader(f, delimiter=';'):
                    res[int(r['id'])] = r
    return res, outs


def r_row(i, y, known, h):
    return f"{i};{h};{known:.4f};{','.join('%.4f' % v for v in y)}\n"


def speed_task(obs):
    """The ets benchmark's task for one series (as bench-ets.c): the last complete calendar
    year of the series, k = 6: the months before July of that year, and July..December."""
    by = collections.Counter(y for y, _, _ in obs)
    year = max(y for y, c in by.items() if c == 12)
    y = [v for (yy, m, v) in obs if (yy, m) < (year, 7)]
    known = sum(v for (yy, m, v) in obs if yy == year and m < 7)
    return y, known, 6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('kkr')
    ap.add_argument('m3')
    ap.add_argument('--r-sample', type=int, default=200)
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    ap.add_argument('--bench-ets')
    ap.add_argument('--r-speed-series', type=int, default=50)
    ap.add_argument('--r-cache', help="file of R's answers by input (R needs ~1 s a case): "
                    'reused for the same input, new answers appended')
    ap.add_argument('--keep')
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='kkr-m3-')
    try:
        wb = a.keep or os.path.join(tmp, 'm3')
        series = read_m3(a.m3)
        convert(series, wb)
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
        print(f'$ kkr forecast M3 --backtest   ({len(series)} M3 monthly series, '
              f'{elapsed:.1f} s)')
        print(f'mean APE of the year total, % (cases at k=2: {table[("auto", 2)]["fall"]})')
        print('%-10s' % 'metod' + ''.join('%8s' % f'k={k}' for k in KS))
        for m in METHODS:
            print('%-10s' % m + ''.join('%8.2f' % float(table[(m, k)]['mape'])
                                        if (m, k) in table else '%8s' % '-' for k in KS))
        print('coverage of the 80 % interval, %')
        print('%-10s' % 'metod' + ''.join('%8s' % f'k={k}' for k in KS) + '     all')
        for m in METHODS:
            n, inside, cells = 0, 0.0, []
            for k in KS:
                r = table.get((m, k))
                if r:
                    cells.append('%8.1f' % float(r['täckning']))
                    n += int(r['fall'])
                    inside += float(r['täckning']) * int(r['fall']) / 100
                else:
                    cells.append('%8s' % '-')
            print('%-10s' % m + ''.join(cells) + ('%8.1f' % (100 * inside / n) if n else ''))

        have_r = r_available()
        if a.r_sample > 0 and not have_r:
            print('\nR with the forecast package is not installed: skipping the comparison '
                  'with forecast::ets')
        if a.r_sample > 0 and have_r:
            # the same cases for R: a deterministic sample per k of the backtest's cases
            cases = collections.defaultdict(list)
            kkr_case = {}
            with open(cases_path, encoding='utf-8') as f:
                for r in csv.DictReader(f, delimiter=';'):
                    key = (r['kod'], int(r['år']), int(r['k']))
                    kkr_case[key + (r['metod'],)] = r
                    if r['metod'] == 'auto' and int(r['k']) in KS:
                        cases[int(r['k'])].append(key)
            rng = random.Random(3)
            sample = []
            for k in KS:
                sample += rng.sample(cases[k], min(a.r_sample, len(cases[k])))
            data = collections.defaultdict(dict)
            for name, obs in series.items():
                shift = 2019 - obs[-1][0]
                for y, m, v in obs:
                    data[name][(y + shift, m)] = v
            rows = []
            for i, (kod, year, k) in enumerate(sample):
                # the series as the backtest saw it: every month before the year + months 1..k
                months = sorted(p for p in data[kod] if p < (year, k + 1))
                known = sum(data[kod][(year, m)] for m in range(1, k + 1))
                rows.append(r_row(i, [data[kod][p] for p in months], known, 12 - k))
            t0 = time.time()
            r_res, cached = run_r_cached(rows, a.jobs, tmp, a.r_cache)
            print(f'\nthe same {len(sample)} cases ({a.r_sample} per k, random.Random(3)) '
                  f'with R forecast::ets ({time.time() - t0:.0f} s, {a.jobs} R processes'
                  + (f'; {cached} answers from {a.r_cache}, computed by R on the identical '
                     f'input' if cached else '') + ')')
            print('mean APE, %' + ' ' * 5 + ''.join('%8s' % f'k={k}' for k in KS)
                  + '   coverage 80 %')
            for label in ('kkr auto', 'kkr ets', 'kkr seasonal', 'R ets'):
                cells, inside, n = [], 0, 0
                for k in KS:
                    apes = []
                    for i, key in enumerate(sample):
                        if key[2] != k:
                            continue
                        o = float(kkr_case[key + ('auto',)]['utfall'])
                        if label == 'R ets':
                            rr = r_res[i]
                        else:
                            rr = kkr_case[key + (label.split()[1],)]
                        f_, lo, hi = float(rr['prognos']), float(rr['låg']), float(rr['hög'])
                        apes.append(abs(f_ - o) / abs(o) * 100)
                        inside += lo <= o <= hi
                        n += 1
                    cells.append('%8.2f' % (sum(apes) / len(apes)))
                print('%-16s' % label + ''.join(cells) + '   %.1f %%' % (100 * inside / n))
            wins = []
            for k in KS:
                idx = [i for i, key in enumerate(sample) if key[2] == k]
                w = sum(abs(float(kkr_case[sample[i] + ('auto',)]['prognos']) -
                            float(kkr_case[sample[i] + ('auto',)]['utfall'])) <
                        abs(float(r_res[i]['prognos']) -
                            float(kkr_case[sample[i] + ('auto',)]['utfall'])) for i in idx)
                wins.append('%8.0f' % (100.0 * w / len(idx)))
            print('%-16s' % 'auto closer, %' + ''.join(wins))

        if a.bench_ets:
            print(f'\n$ {os.path.basename(a.bench_ets)} M3')
            p = subprocess.run([a.bench_ets, a.m3], capture_output=True, text=True)
            sys.stdout.write(p.stdout)
            if p.returncode != 0:
                sys.stderr.write(p.stderr)
                return 1
            kkr_rate = None
            for line in p.stdout.splitlines():
                if line.startswith('series/s:'):  # series/s: WALL (wall), CPU (CPU)
                    kkr_rate = (float(line.split()[1]), float(line.split()[3]))
            if not have_r:
                print('R with the forecast package is not installed: skipping the speed '
                      'comparison with forecast::ets')
            elif kkr_rate:
                names = list(series)[:a.r_speed_series]
                rows = [r_row(i, *speed_task(series[n])) for i, n in enumerate(names)]
                _, outs = run_r_parallel(R_SPEED, rows, 1, tmp, 'speed')
                # kkr on the same first series, for the ratio
                p = subprocess.run([a.bench_ets, a.m3, '5', str(len(names))],
                                   capture_output=True, text=True)
                sys.stdout.write(p.stdout)
                for line in p.stdout.splitlines():
                    if line.startswith('series/s:'):
                        kkr_rate = (float(line.split()[1]), float(line.split()[3]))
                wall, cpu = (float(x) for x in outs[0].split())
                r_rate = (len(names) / wall, len(names) / cpu)
                print(f'R forecast::ets (ets() + forecast(), the first {len(names)} series, one '
                      f'process): wall {wall:.1f} s, CPU {cpu:.1f} s')
                print(f'series/s: {r_rate[0]:.2f} (wall), {r_rate[1]:.2f} (CPU)')
                print(f'ratio kkr / R: {kkr_rate[0] / r_rate[0]:.0f}x (wall), '
                      f'{kkr_rate[1] / r_rate[1]:.0f}x (CPU)')
        return 0
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
