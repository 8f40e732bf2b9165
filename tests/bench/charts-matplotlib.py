#!/usr/bin/env python3
"""charts-matplotlib.py — the comparison for bench-charts.py: avvikelse, ackumulerat and brygga
drawn with matplotlib from the numbers kkr printed (a JSON file), as a Swedish nämnd would want
them (kkr, narrow no-break space thousands, real minus, colour-blind-safe colours).

usage: charts-matplotlib.py DATA.json OUTDIR FORMAT(png|pdf)
One process draws all three, 1600 px wide for PNG (8 in at 200 dpi), like kkr chart.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

SURPLUS, DEFICIT, BUDGET, TOTAL = "#0072B2", "#D55E00", "#A6A6A6", "#4D4D4D"
MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def sv(v, plus=False):
    s = "{:,}".format(abs(int(round(v)))).replace(",", "\u202f")
    return ("\u2212" if v < 0 else ("+" if plus and v > 0 else "")) + s


def axis_fmt(ax, which):
    f = FuncFormatter(lambda v, _: sv(v))
    (ax.xaxis if which == "x" else ax.yaxis).set_major_formatter(f)


def avvikelse(d, out, fmt):
    rows = d["rows"]
    n = len(rows)
    fig, ax = plt.subplots(figsize=(8, 0.3 * n + 1.6))
    ys = list(range(n))[::-1]
    vals = [r["avvikelse"] for r in rows]
    ax.barh(ys, vals, color=[SURPLUS if v >= 0 else DEFICIT for v in vals], height=0.6)
    ax.set_yticks(ys)
    ax.set_yticklabels([("   " * r["niva"]) + r["namn"] for r in rows], fontsize=8)
    for y, v in zip(ys, vals):
        ax.annotate(sv(v), (v, y), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=8)
    ax.axvline(0, color="#808080", lw=1)
    axis_fmt(ax, "x")
    ax.set_xlabel("Avvikelse helår, kkr")
    ax.set_title("Avvikelse mot budget, helår, per verksamhet", loc="left", fontweight="bold")
    ax.grid(axis="x", color="#E3E3E3")
    ax.set_axisbelow(True)
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "avvikelse." + fmt), dpi=200)
    plt.close(fig)


def ackumulerat(d, out, fmt):
    m = d["monthly"]
    k = m["k"]
    x = list(range(1, 13))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(x, m["budget"], color=BUDGET, lw=2.5, label="Budget")
    ax.plot(x[:k], m["utfall"][:k], color=SURPLUS, lw=3, marker="o", label="Utfall")
    ax.plot(x[k - 1:], m["prognos"][k - 1:], color=SURPLUS, lw=2.5, ls="--", label="Prognos")
    ax.annotate("Prognos " + sv(m["prognos"][11]), (12, m["prognos"][11]), xytext=(6, 6),
                textcoords="offset points", color=SURPLUS, fontsize=8)
    ax.annotate("Budget " + sv(m["budget"][11]), (12, m["budget"][11]), xytext=(6, -10),
                textcoords="offset points", color="#5C5C5C", fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels(MONTHS)
    axis_fmt(ax, "y")
    ax.set_ylabel("kkr")
    ax.set_title("Ackumulerat: budget, utfall och prognos – hela nämnden", loc="left",
                 fontweight="bold")
    ax.legend(loc="upper left", frameon=False, ncol=3)
    ax.grid(axis="y", color="#E3E3E3")
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "ackumulerat." + fmt), dpi=200)
    plt.close(fig)


def brygga(d, out, fmt):
    steps = d["steps"]
    n = len(steps)
    fig, ax = plt.subplots(figsize=(8, 0.45 * n + 1.6))
    ys = list(range(n))[::-1]
    run = 0.0
    for y, s in zip(ys, steps):
        v = s["value"]
        if s["total"]:
            left, width, col, run = 0, v, TOTAL, v
            label = sv(v)
        else:
            left, width, col = run, v, SURPLUS if v >= 0 else DEFICIT
            run += v
            label = sv(v, plus=True)
        ax.barh(y, width, left=left, color=col, height=0.55)
        end = left + width
        ax.annotate(label, (max(left, end) if v >= 0 else min(left, end), y),
                    xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=8)
    ax.set_yticks(ys)
    ax.set_yticklabels([s["label"] for s in steps], fontsize=8)
    ax.axvline(0, color="#808080", lw=1)
    axis_fmt(ax, "x")
    ax.set_xlabel("Avvikelse helår, kkr")
    ax.set_title("Brygga: från prognos till resultat efter åtgärder", loc="left",
                 fontweight="bold")
    ax.grid(axis="x", color="#E3E3E3")
    ax.set_axisbelow(True)
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "brygga." + fmt), dpi=200)
    plt.close(fig)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        d = json.load(f)
    out, fmt = sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    avvikelse(d, out, fmt)
    ackumulerat(d, out, fmt)
    brygga(d, out, fmt)


if __name__ == "__main__":
    main()
