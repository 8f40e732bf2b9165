#!/usr/bin/env python3
"""bench-forecast-chain.py — kkr forecast against kkr report on a deep tree.

usage: tests/bench/bench-forecast-chain.py [KKR] [--levels N] [--reps R]

Writes a generated workbook under /tmp: a chain of N verksamheter (default 2 000), each the
parent of the next, with a budget and three months of utfall on every level. Then runs, as a
user would (whole processes, interleaved so machine load hits both alike):
  kkr report DIR                       (the roll-up: one linear pass)
  kkr forecast DIR --method budget     (the forecast set rolled up with intervals)
and prints the median and best wall time of each and the ratio forecast / report. The forecast
roll-up was a parent x unit loop (about 5 s on 2 000 levels, 36 s on 4 000); it is now one pass
like the report's, so the ratio stays a small constant as N grows. Exit 1 when the ratio exceeds
--max-ratio (default 10).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def write_chain(folder, levels):
    with open(os.path.join(folder, "verksamheter.csv"), "w", encoding="utf-8") as f:
        f.write("kod;namn;överordnad\n")
        for i in range(levels):
            f.write("U%d;Nivå %d;%s\n" % (i, i, "U%d" % (i - 1) if i else ""))
    with open(os.path.join(folder, "budget.csv"), "w", encoding="utf-8") as f:
        f.write("verksamhet;slag;period;belopp\n")
        for i in range(levels):
            f.write("U%d;kostnad;2024;%d\n" % (i, 120000 + i))
            f.write("U%d;intäkt;2024;-%d\n" % (i, 12000 + i))
    with open(os.path.join(folder, "utfall.csv"), "w", encoding="utf-8") as f:
        f.write("verksamhet;slag;period;belopp\n")
        for i in range(levels):
            for m in (1, 2, 3):
                f.write("U%d;kostnad;2024%02d;%d\n" % (i, m, 10000 + i + m))


def timed(args):
    t0 = time.perf_counter()
    p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("bench-forecast-chain: %s failed (%d): %s"
                 % (" ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return wall


def main():
    args = sys.argv[1:]
    kkr = os.path.join(ROOT, "build", "kkr")
    levels, reps, max_ratio = 2000, 5, 10.0
    i = 0
    while i < len(args):
        if args[i] == "--levels":
            levels = int(args[i + 1]); i += 2
        elif args[i] == "--reps":
            reps = int(args[i + 1]); i += 2
        elif args[i] == "--max-ratio":
            max_ratio = float(args[i + 1]); i += 2
        else:
            kkr = args[i]; i += 1
    folder = tempfile.mkdtemp(prefix="kkr-bench-chain-")
    try:
        write_chain(folder, levels)
        cmds = {"report": [kkr, "report", folder],
                "forecast": [kkr, "forecast", folder, "--method", "budget"]}
        times = {k: [] for k in cmds}
        for _ in range(reps):
            for k, c in cmds.items():
                times[k].append(timed(c))
        print("bench-forecast-chain: %d-level chain, %d repetitions, whole processes "
              "(wall: median / best)" % (levels, reps))
        for k in cmds:
            print("  kkr %-40s %8.1f ms / %8.1f ms" % (" ".join(cmds[k][1:2] + cmds[k][3:]),
                  statistics.median(times[k]) * 1e3, min(times[k]) * 1e3))
        ratio = statistics.median(times["forecast"]) / statistics.median(times["report"])
        print("  ratio forecast / report (median): %.2f (limit %.0f)" % (ratio, max_ratio))
        return 0 if ratio <= max_ratio else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
