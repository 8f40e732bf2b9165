#!/usr/bin/env python3
"""bench-charts.py — how fast kkr draws the nämnd's charts, whole process to whole process.

usage: tests/bench/bench-charts.py [KKR] [--reps N] [--workbook DIR] [--measures FILE]

Renders, for the bundled example, with kkr (one process per command, as a user runs it):
  - the standard set (kkr chart --all, five charts) as PNG (1600 px wide) and as PDF;
  - the three charts avvikelse, ackumulerat and brygga in one process (kkr chart --kind
    avvikelse,ackumulerat,brygga), and as three kkr chart --kind processes;
  - the A4 nämnd report (kkr report --pdf);
and, where matplotlib is installed (apt-get install -y python3-matplotlib), the same three
charts with matplotlib (tests/bench/charts-matplotlib.py, one python process for all three)
from the same numbers, which are taken beforehand from kkr report --format csv (per period)
and kkr whatif --format csv. Repetitions are interleaved so machine load hits both alike.
Prints median and best wall time and the CPU time (user + sys) per run, and the ratio
matplotlib / kkr (target: kkr at least 10x faster). Writes only under /tmp.
"""
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def timed(args):
    """Runs args to completion; returns (wall seconds, cpu seconds of the child)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("bench-charts: %s failed (%d): %s" % (" ".join(args), p.returncode, err))
    return wall, ru.ru_utime + ru.ru_stime


def out(args):
    return subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")


def table(text):
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def chart_numbers(kkr, wb, measures):
    """The numbers of the three charts, from kkr's own CSV outputs."""
    rows = table(out([kkr, "report", wb, "--format", "csv"]))
    data = {"rows": [{"namn": ("Varav " + r["namn"][0].lower() + r["namn"][1:])
                      if int(r["nivå"]) > 0 else r["namn"],
                      "niva": int(r["nivå"]), "avvikelse": int(r["avvikelse_helår"])}
                     for r in rows]}
    if rows and rows[-1]["kod"] == "total":
        data["rows"][-1]["namn"] = "Verksamhetens nettokostnad"
    check = out([kkr, "report", wb, "--format", "csv", "--table", "slag"])
    netto = [r for r in table(check) if r["slag"] == "netto"][0]
    # the year and report period from the json output
    rep = json.loads(out([kkr, "report", wb, "--format", "json"]))
    year, k = rep["år"], rep["period"]
    budget, utfall = [], []
    for m in range(1, 13):
        r = [x for x in table(out([kkr, "report", wb, "--format", "csv", "--table", "slag",
                                   "--period", "%d%02d" % (year, m)])) if x["slag"] == "netto"][0]
        budget.append(int(r["budget_period"]))
        utfall.append(int(r["utfall_period"]))
    full = int(netto["prognos_helår"])
    prognos = list(utfall)
    rem_b = budget[11] - budget[k - 1]
    for m in range(k, 12):
        share = (budget[m] - budget[k - 1]) / rem_b if rem_b else (m - k + 1) / (12 - k)
        prognos[m] = utfall[k - 1] + (full - utfall[k - 1]) * share
    data["monthly"] = {"k": k, "budget": budget, "utfall": utfall, "prognos": prognos}
    steps = []
    for r in table(out([kkr, "whatif", wb, "--measures", measures, "--format", "csv"])):
        if r["steg"] in ("baslinje", "åtgärd", "resultat"):
            steps.append({"label": r["beskrivning"], "value": int(r["förväntat"]) / 1000,
                          "total": r["steg"] != "åtgärd"})
    data["steps"] = steps
    return data


def find_matplotlib():
    for py in ("python3", "/usr/bin/python3"):
        exe = shutil.which(py)
        if exe and subprocess.run([exe, "-c", "import matplotlib"],
                                  capture_output=True).returncode == 0:
            return exe
    return None


def main():
    args = sys.argv[1:]
    reps, wb, measures = 10, os.path.join(ROOT, "budgets", "smedjebacken-2020"), None
    kkr = os.environ.get("KKR", os.path.join(ROOT, "build", "kkr"))
    i = 0
    while i < len(args):
        if args[i] == "--reps":
            reps = int(args[i + 1]); i += 2
        elif args[i] == "--workbook":
            wb = args[i + 1]; i += 2
        elif args[i] == "--measures":
            measures = args[i + 1]; i += 2
        else:
            kkr = args[i]; i += 1
    measures = measures or os.path.join(wb, "atgarder-maj.csv")
    if not os.access(kkr, os.X_OK):
        sys.exit("bench-charts: no kkr at %s (give the path, or KKR=...)" % kkr)
    tmp = tempfile.mkdtemp(prefix="kkr-bench-charts-")
    py = find_matplotlib()
    mpl_script = os.path.join(HERE, "charts-matplotlib.py")
    data_path = os.path.join(tmp, "numbers.json")
    with open(data_path, "w", encoding="utf-8") as f:
        json.dump(chart_numbers(kkr, wb, measures), f, ensure_ascii=False)

    jobs = {}
    for fmt in ("png", "pdf"):
        jobs["kkr standard set (5 charts), %s" % fmt] = [
            [kkr, "chart", wb, "--all", "--format", fmt, "-o", os.path.join(tmp, "set-" + fmt),
             "--measures", measures]]
        jobs["kkr avvikelse+ackumulerat+brygga, %s" % fmt] = [
            [kkr, "chart", wb, "--kind", "avvikelse,ackumulerat,brygga", "--format", fmt,
             "-o", os.path.join(tmp, "three-" + fmt), "--measures", measures]]
        jobs["  the same as three kkr processes, %s" % fmt] = [
            [kkr, "chart", wb, "--kind", kind, "-o", os.path.join(tmp, "k-%s.%s" % (kind, fmt))]
            + (["--measures", measures] if kind == "brygga" else [])
            for kind in ("avvikelse", "ackumulerat", "brygga")]
        if py:
            jobs["matplotlib avvikelse+ackumulerat+brygga, %s" % fmt] = [
                [py, mpl_script, data_path, os.path.join(tmp, "mpl-" + fmt), fmt]]
    jobs["kkr report --pdf (A4 report, all charts)"] = [
        [kkr, "report", wb, "--pdf", os.path.join(tmp, "rapport.pdf"), "--measures", measures]]

    for cmds in jobs.values():  # warm up: page cache, font caches
        for c in cmds:
            timed(c)
    walls = {name: [] for name in jobs}
    cpus = {name: [] for name in jobs}
    for _ in range(reps):
        for name, cmds in jobs.items():
            w = c = 0.0
            for cmd in cmds:
                dw, dc = timed(cmd)
                w += dw
                c += dc
            walls[name].append(w)
            cpus[name].append(c)

    print("bench-charts: %s, %d repetitions, whole processes (wall: median / best; cpu: "
          "median user+sys)" % (os.path.relpath(wb, ROOT), reps))
    for name in jobs:
        print("  %-50s %8.1f ms / %7.1f ms   cpu %7.1f ms" % (
            name, statistics.median(walls[name]) * 1e3, min(walls[name]) * 1e3,
            statistics.median(cpus[name]) * 1e3))
    if not py:
        print("  matplotlib: not installed (apt-get install -y python3-matplotlib): no ratio")
    else:
        for fmt in ("png", "pdf"):
            k = "kkr avvikelse+ackumulerat+brygga, %s" % fmt
            m = "matplotlib avvikelse+ackumulerat+brygga, %s" % fmt
            rw = statistics.median(walls[m]) / statistics.median(walls[k])
            rc = statistics.median(cpus[m]) / statistics.median(cpus[k])
            print("  ratio matplotlib / kkr, three charts %s (one process each): %.1fx wall, "
                  "%.1fx cpu%s" % (
                fmt.upper(), rw, rc, "" if rw >= 10 else "  (below the 10x target)"))
    print("  outputs in %s" % tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
