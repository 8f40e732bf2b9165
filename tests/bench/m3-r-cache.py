#!/usr/bin/env python3
"""m3-r-cache.py M3.csv CACHE [--ets-sample N] [--seed S] — fills the cache of R's forecasts
for the held-out half of the M3 cases (m3cases.py): forecast::thetaf on every case, ets() on
N cases per k (default 600, seed 17). One R process under nice -n 19; answers are appended
line by line, so a stopped run keeps what it did. bench-forecast-m3.py reads the cache."""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import m3cases  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('m3')
ap.add_argument('cache')
ap.add_argument('--ets-sample', type=int, default=600)
ap.add_argument('--seed', type=int, default=17)
a = ap.parse_args()
series = m3cases.read_m3(a.m3)
rows, case_list, sample = m3cases.r_jobs(series, m3cases.read_cache(a.cache), a.ets_sample,
                                         a.seed)
print(f'{len(case_list)} held-out cases, ets sample {len(sample)}; {len(rows)} R fits to do',
      flush=True)
if rows:
    with tempfile.TemporaryDirectory(prefix='kkr-r-') as tmp:
        sys.exit(m3cases.run_r(rows, a.cache, tmp))
