"""m3cases.py — the M3 backtest cases shared by bench-forecast-m3.py and its R cache (issue 17).

The 714 monthly M3 series (serie;år;månad;värde) become a kkr workbook: each calendar year a
fiscal year, each series one unit with slag kostnad, the years shifted so that every series ends
in 2019 (the workbook's year is 2020). Two constructions of the budget of year Y:

  growth  the previous year's actuals month by month times the mean growth of the complete
          years before Y (1 when there is only one);
  last    the previous year's actuals month by month (no growth).

Only data before Y enters Y's budget. A case is (series, year, k): a complete year with a
complete year before it, forecast at month k from every month before the year plus months 1..k.

Halves: the series in the order of their number (N1403, N1405, ...); even positions (0, 2, ...)
are half A, where the constants of kkr's auto were chosen; odd positions are half B, held out,
on which the figures are reported.

R's answers are cached by a hash of the exact input R sees: key = the first 16 hex digits of
sha1("H;y1,y2,...") with the values printed as %.4f (H = 12 - k months ahead).
"""
import collections
import csv
import hashlib
import os

KS = [2, 4, 6, 8, 10]


def read_m3(m3):
    series = collections.OrderedDict()
    with open(m3, encoding='utf-8') as f:
        for r in csv.DictReader(f, delimiter=';'):
            series.setdefault(r['serie'], []).append((int(r['år']), int(r['månad']),
                                                      float(r['värde'])))
    return series


def halves(series):
    names = sorted(series, key=lambda n: int(n[1:]))
    return {n: 'AB'[i % 2] for i, n in enumerate(names)}


def by_month(series):
    data = {}
    for name, obs in series.items():
        shift = 2019 - obs[-1][0]
        data[name] = {(y + shift, m): v for y, m, v in obs}
    return data


def convert(series, out, construction='growth', only=None):
    """Writes the workbook of the series (all, or those in the set only) to folder out."""
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
            if only is not None and name not in only:
                continue
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
                g = 1.0
                if construction == 'growth':
                    before = [y for y in complete if y < year]
                    growth = [sum(by_year[b].values()) / sum(by_year[a].values())
                              for a, b in zip(before, before[1:]) if b == a + 1]
                    g = sum(growth) / len(growth) if growth else 1.0
                for m in range(1, 13):
                    fb.write(f'{name};kostnad;{year}{m:02d};{prev[m] * g:.2f}\n')


def cases(series):
    """Every backtest case (name, year, k) for k in KS, as kkr's backtest replays them: a
    complete year whose previous year is complete too, before the series' last year."""
    data = by_month(series)
    out = []
    for name in series:
        d = data[name]
        years = sorted({y for y, _ in d})
        for y in years[:-1] if (years[-1], 12) not in d else years:
            if all((y, m) in d for m in range(1, 13)) and \
                    all((y - 1, m) in d for m in range(1, 13)):
                for k in KS:
                    out.append((name, y, k))
    return out


def r_input(data, name, year, k):
    """What R sees for a case: every month before the year plus months 1..k; h = 12 - k."""
    d = data[name]
    months = sorted(p for p in d if p < (year, k + 1))
    y = [d[p] for p in months]
    known = sum(d[(year, m)] for m in range(1, k + 1))
    return 12 - k, y, known


def r_key(h, y):
    text = '%d;%s' % (h, ','.join('%.4f' % v for v in y))
    return hashlib.sha1(text.encode()).hexdigest()[:16], text


def read_cache(path):
    """key -> {method: sum of the h point forecasts}."""
    res = collections.defaultdict(dict)
    if path and os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            for line in f:
                # a line without its newline is one R is still writing (or was stopped in):
                # its number may be cut short, so it does not count
                if not line.endswith('\n') or line.startswith('#') or not line.strip():
                    continue
                parts = line.rstrip('\n').split(';')
                try:
                    res[parts[0]][parts[1]] = float(parts[2])
                except (IndexError, ValueError):
                    continue  # a line cut short when R was stopped
    return res


# Input: key;method;h;y (y comma-separated; method "thetaf" or "ets"), in the order to work.
# Output, appended and flushed line by line: key;method;sum of the h point forecasts.
R_FORECASTS = r'''
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
d <- read.table(args[1], sep = ";", header = TRUE, stringsAsFactors = FALSE,
                colClasses = c("character", "character", "integer", "character"))
out <- file(args[2], "a")
for (i in seq_len(nrow(d))) {
  y <- ts(as.numeric(strsplit(d$y[i], ",")[[1]]), frequency = 12)
  h <- d$h[i]
  s <- tryCatch(if (d$method[i] == "thetaf") sum(thetaf(y, h = h)$mean)
                else sum(forecast(ets(y), h = h)$mean), error = function(e) NaN)
  writeLines(sprintf("%s;%s;%.6f", d$key[i], d$method[i], s), out)
  flush(out)
}
close(out)
'''


def ets_order(case_list, seed):
    """The cases in the order R's ets works on them: a random permutation per k
    (random.Random(seed)), interleaved k by k, so that any prefix is a balanced sample."""
    import random
    rng = random.Random(seed)
    per_k = {k: sorted(c for c in case_list if c[2] == k) for k in KS}
    for k in KS:
        rng.shuffle(per_k[k])
    order = []
    for i in range(max(len(v) for v in per_k.values())):
        for k in KS:
            if i < len(per_k[k]):
                order.append(per_k[k][i])
    return order


def r_jobs(series, cache, ets_sample, seed, half='B'):
    """The R work still missing from the cache for the cases of one half: thetaf on every
    case, ets on the first ets_sample cases per k of ets_order(seed). Returns the input rows
    (key;method;h;y) and the ets sample [(name, year, k)]."""
    data = by_month(series)
    hv = halves(series)
    case_list = [c for c in cases(series) if hv[c[0]] == half]
    order = ets_order(case_list, seed)
    taken = collections.Counter()
    sample = []
    for c in order:
        if taken[c[2]] < ets_sample:
            taken[c[2]] += 1
            sample.append(c)
    rows = []
    for method, todo in (('thetaf', case_list), ('ets', sample)):
        for name, year, k in todo:
            h, y, _ = r_input(data, name, year, k)
            key, text = r_key(h, y)
            if method not in cache.get(key, {}):
                rows.append(f'{key};{method};{text}\n')
    return rows, case_list, sample


def run_r(rows, cache_path, tmp):
    """Runs R_FORECASTS on rows in one process (niced), appending to cache_path."""
    import subprocess
    script = os.path.join(tmp, 'r-forecasts.R')
    rin = os.path.join(tmp, 'r-in.csv')
    with open(script, 'w') as f:
        f.write(R_FORECASTS)
    with open(rin, 'w', encoding='utf-8') as f:
        f.write('key;method;h;y\n')
        f.writelines(rows)
    if not os.path.exists(cache_path):
        with open(cache_path, 'w', encoding='utf-8') as f:
            f.write('# R forecast 8.20 answers for tests/bench/bench-forecast-m3.py (m3cases.py):'
                    ' key;method;sum of the point forecasts\n')
    return subprocess.run(['nice', '-n', '19', 'Rscript', script, rin, cache_path]).returncode
