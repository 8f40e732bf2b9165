#!/usr/bin/env python3
"""Generates the example kommun budgets/kommun-generated/ (made up, not real data).

A kommun workbook (DESIGN §13) whose verksamheter.csv links four nämnd workbooks (column
arbetsbok) and carries the kommun's own rows: skatteintäkter, generella statsbidrag och
utjämning, finansnetto and pensioner, under Finansförvaltningen. Each nämnd has its own
folder under nämnder/ with units, budget (annual amounts spread evenly), monthly utfall
2022–2024 (through October 2024), its prognos.csv with comments; two nämnder have a unit POL,
so the kommun level shows them as KS/POL and SN/POL. The kommun folder has one consolidated
snapshot per month February–September 2024 (as `kkr lock` writes them at the kommun level).
Python 3 standard library only; a fixed seed, so every run writes the same bytes:

    scripts/generate-kommun.py [OUTDIR]     # default budgets/kommun-generated

With --units N --nämnder M --years Y it writes a larger kommun for the benchmark
(tests/bench/bench-kommun.sh): M nämnder of N units each, Y years of history, no snapshots.
"""
import argparse
import os
import random

YEAR = 2024
LAST_MONTH = 10
SNAPSHOT_MONTHS = range(2, 10)

# (kod, namn, folder, units: (kod, namn, överordnad, kostnad mnkr, intäkt mnkr, drift))
# drift: how far the year's outcome runs from budget (fraction of the cost; + = overspend)
NAMNDER = [
    ('KS', 'Kommunstyrelsen', 'ks', [
        ('POL', 'Politisk verksamhet', '', 9.5, 0.2, 0.00),
        ('KLK', 'Kommunledningskontoret', '', 0, 0, 0),
        ('EKO', 'Ekonomi och upphandling', 'KLK', 22.0, 1.5, -0.02),
        ('HR', 'Personal och lön', 'KLK', 18.0, 0.8, 0.01),
        ('IT', 'IT och digitalisering', 'KLK', 31.0, 4.0, 0.04),
        ('NAR', 'Näringsliv och turism', '', 12.5, 2.5, -0.03),
    ]),
    ('BUN', 'Barn- och utbildningsnämnden', 'bun', [
        ('FSK', 'Förskola', '', 165.0, 14.0, 0.012),
        ('GR', 'Grundskola', '', 0, 0, 0),
        ('GRF', 'Grundskola F–6', 'GR', 180.0, 9.0, 0.018),
        ('GR7', 'Grundskola 7–9', 'GR', 98.0, 5.0, -0.006),
        ('GYM', 'Gymnasieskola', '', 115.0, 12.0, 0.025),
        ('BUF', 'Förvaltningsledning BUN', '', 21.0, 0.5, -0.04),
    ]),
    ('SN', 'Socialnämnden', 'sn', [
        ('POL', 'Politisk verksamhet', '', 3.0, 0, 0.00),
        ('ÄO', 'Äldreomsorg', '', 0, 0, 0),
        ('SÄB', 'Särskilt boende', 'ÄO', 190.0, 28.0, 0.010),
        ('HTJ', 'Hemtjänst', 'ÄO', 120.0, 11.0, 0.045),
        ('LSS', 'LSS och personlig assistans', '', 112.0, 24.0, 0.030),
        ('IFO', 'Individ- och familjeomsorg', '', 88.0, 6.0, 0.060),
    ]),
    ('TN', 'Tekniska nämnden', 'tn', [
        ('GATA', 'Gator och parker', '', 38.0, 6.0, 0.020),
        ('FAST', 'Fastigheter', '', 140.0, 128.0, -0.010),
        ('KOST', 'Kost och lokalvård', '', 72.0, 66.0, 0.015),
    ]),
]
# The kommun's own rows: (kod, namn, överordnad, slag, mnkr a year, drift)
OWN = [
    ('FIN', 'Finansförvaltningen', '', None, 0, 0),
    ('SKATT', 'Skatteintäkter', 'FIN', 'intäkt', -910.0, 0.006),
    ('GSB', 'Generella statsbidrag och utjämning', 'FIN', 'intäkt', -268.0, 0.002),
    ('FNETTO', 'Finansnetto', 'FIN', 'kostnad', 12.0, -0.15),
    ('PENS', 'Pensioner och PO-avstämning', 'FIN', 'kostnad', 25.0, 0.05),
]
COMMENTS = {
    'IT': 'Licenskostnader för nya verksamhetssystem högre än budgeterat',
    'HTJ': 'Fler beviljade timmar, särskilt kvällar och helger',
    'IFO': 'Fler placeringar av barn och unga; två nya HVB-placeringar från augusti',
    'GYM': 'Fler elever i andra kommuners gymnasieskolor (interkommunal ersättning)',
    'BUF': 'Vakanta tjänster under våren',
    'FAST': 'Lägre energikostnader än befarat',
}


def kr(x):
    return f'{x:.2f}'.replace('.', ',')


def quote(field):
    if any(ch in field for ch in ';"\n'):
        return '"' + field.replace('"', '""') + '"'
    return field


def write(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(header + '\n')
        for r in rows:
            f.write(';'.join(quote(str(c)) for c in r) + '\n')


def monthly_profile(rng, name):
    """Monthly shares of a year's cost: summer dip for schools, summer peak for care."""
    base = [1.0] * 12
    if name.startswith(('Förskola', 'Grundskola', 'Gymnasie')):
        base[6] = 0.55
        base[7] = 0.8
    elif name.startswith(('Särskilt', 'Hemtjänst', 'LSS')):
        base[5], base[6], base[7] = 1.08, 1.15, 1.08
    s = sum(base)
    return [b / s for b in base]


def gen_unit_series(rng, first_year, cost, revenue, drift, name):
    """Budget per year and monthly utfall per year for a unit's cost and revenue (kr)."""
    prof = monthly_profile(rng, name)
    out = {}
    for y in range(first_year, YEAR + 1):
        growth = 1.03 ** (y - YEAR)
        for slag, amount, sign in (('kostnad', cost, 1), ('intäkt', revenue, -1)):
            if amount == 0:
                continue
            budget = sign * amount * 1e6 * growth
            d = drift if y == YEAR else rng.uniform(-0.02, 0.03)
            months = 12 if y < YEAR else LAST_MONTH
            actual = []
            for m in range(months):
                noise = rng.gauss(0, 0.015)
                actual.append(budget * (1 + d * (1 if slag == 'kostnad' else -0.3) + noise) *
                              prof[m])
            out[(y, slag)] = (round(budget), [round(a, 2) for a in actual])
    return out


def nämnd(rng, outdir, code, name, folder, units, first_year, snapshots_of):
    d = os.path.join(outdir, 'nämnder', folder)
    write(os.path.join(d, 'verksamheter.csv'), 'kod;namn;överordnad',
          [(u[0], u[1], u[2]) for u in units])
    with open(os.path.join(d, 'bok.conf'), 'w', encoding='utf-8') as f:
        f.write(f'organisation = Exempelkommun (genererad)\nnämnd = {name}\når = {YEAR}\n'
                f'titel = Månadsrapport oktober {YEAR}\n')
    budget, actual, prognos = [], [], []
    for (ucode, uname, parent, cost, revenue, drift) in units:
        if cost == 0 and revenue == 0:
            continue
        series = gen_unit_series(rng, first_year, cost, revenue, drift, uname)
        for (y, slag), (b, acts) in sorted(series.items()):
            budget.append((ucode, slag, y, kr(b)))
            for m, a in enumerate(acts, 1):
                actual.append((ucode, slag, f'{y}{m:02d}', kr(a)))
            if y == YEAR:
                # the enhetschef's helårsprognos: utfall so far + the budget's rest, moved by
                # the drift the year has shown
                done = sum(acts)
                rest = b * (12 - LAST_MONTH) / 12
                p = round(done + rest * (1 + drift * (1 if slag == 'kostnad' else -0.3)), -3)
                comment = COMMENTS.get(ucode, '') if slag == 'kostnad' else ''
                prognos.append((ucode, slag, kr(p), comment))
                # the locked months before: the same prognos, less informed
                for m in SNAPSHOT_MONTHS:
                    off = (LAST_MONTH - m) / LAST_MONTH
                    earlier = round(p - (p - b) * off * rng.uniform(0.4, 1.1), -3)
                    snapshots_of.setdefault(m, []).append((f'{code}/{ucode}', slag, kr(earlier),
                                                           'manuell', ''))
    write(os.path.join(d, 'budget.csv'), 'verksamhet;slag;period;belopp', budget)
    write(os.path.join(d, 'utfall.csv'), 'verksamhet;slag;period;belopp', actual)
    write(os.path.join(d, 'prognos.csv'), 'verksamhet;slag;prognos;kommentar', prognos)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('outdir', nargs='?', default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'budgets', 'kommun-generated'))
    ap.add_argument('--units', type=int, default=0)
    ap.add_argument('--nämnder', dest='namnder', type=int, default=0)
    ap.add_argument('--years', type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(20241031)
    first_year = YEAR - args.years + 1
    namnder = NAMNDER
    if args.units:
        namnder = []
        for i in range(args.namnder):
            units = [(f'U{j}', f'Enhet {j}', '', rng.uniform(2, 40), rng.uniform(0, 5),
                      rng.uniform(-0.03, 0.05)) for j in range(args.units)]
            namnder.append((f'N{i}', f'Nämnd {i}', f'n{i}', units))
    out = args.outdir
    snapshots_of = {}
    links = []
    for (code, name, folder, units) in namnder:
        nämnd(rng, out, code, name, folder, units, first_year, snapshots_of)
        links.append((code, name, '', f'nämnder/{folder}'))
    own_budget, own_actual, own_prognos = [], [], []
    for (code, name, parent, slag, mnkr, drift) in OWN:
        if slag is None:
            continue
        for y in range(first_year, YEAR + 1):
            b = mnkr * 1e6 * 1.03 ** (y - YEAR)
            own_budget.append((code, slag, y, kr(round(b))))
            months = 12 if y < YEAR else LAST_MONTH
            d = drift if y == YEAR else rng.uniform(-0.01, 0.01)
            for m in range(1, months + 1):
                own_actual.append((code, slag, f'{y}{m:02d}',
                                   kr(round(b / 12 * (1 + d + rng.gauss(0, 0.01)), 2))))
            if y == YEAR:
                p = round(b * (1 + d), -3)
                own_prognos.append((code, slag, kr(p),
                                    'Skatteunderlagsprognos från SKR i oktober'
                                    if code == 'SKATT' else ''))
                for m in SNAPSHOT_MONTHS:
                    off = (LAST_MONTH - m) / LAST_MONTH
                    snapshots_of.setdefault(m, []).append(
                        (code, slag, kr(round(p - (p - b) * off, -3)), 'manuell', ''))
    write(os.path.join(out, 'verksamheter.csv'), 'kod;namn;överordnad;arbetsbok',
          links + [(c, n, p, '') for (c, n, p, _, _, _) in OWN])
    write(os.path.join(out, 'budget.csv'), 'verksamhet;slag;period;belopp', own_budget)
    write(os.path.join(out, 'utfall.csv'), 'verksamhet;slag;period;belopp', own_actual)
    write(os.path.join(out, 'prognos.csv'), 'verksamhet;slag;prognos;kommentar', own_prognos)
    with open(os.path.join(out, 'bok.conf'), 'w', encoding='utf-8') as f:
        f.write(f'organisation = Exempelkommun (genererad)\nnämnd = Kommunfullmäktige\n'
                f'år = {YEAR}\ntitel = Kommunens månadsrapport oktober {YEAR}\n')
    if not args.units:
        for m, rows in sorted(snapshots_of.items()):
            write(os.path.join(out, 'snapshots', f'{YEAR}{m:02d}.csv'),
                  'verksamhet;slag;prognos;metod;kommentar', rows)
        with open(os.path.join(out, 'README.md'), 'w', encoding='utf-8') as f:
            f.write(README)


README = '''# kommun-generated — a generated example kommun (not real data)

A made-up "Exempelkommun" at the kommun level (DESIGN §13): its `verksamheter.csv` links four
nämnd workbooks under `nämnder/` (column `arbetsbok`) — Kommunstyrelsen, Barn- och
utbildningsnämnden, Socialnämnden, Tekniska nämnden — and holds the kommun's own rows under
Finansförvaltningen: skatteintäkter, generella statsbidrag och utjämning, finansnetto and
pensioner. Each nämnd has monthly utfall 2022–2024 (through October 2024) and its own
`prognos.csv` with comments; Kommunstyrelsen and Socialnämnden both have a unit `POL`, shown at
the kommun level as `KS/POL` and `SN/POL`. `snapshots/` holds the kommun's consolidated locked
prognos for February–September 2024.

**Generated** by `scripts/generate-kommun.py` (Python standard library, fixed seed: the same
bytes on every run). Edit the script, not the files.

```sh
build/kkr report budgets/kommun-generated --depth 1
build/kkr report budgets/kommun-generated --table prognoshistorik
build/kkr forecast budgets/kommun-generated --accuracy
build/kkr report budgets/kommun-generated --pdf manadsrapport.pdf
```
'''

if __name__ == '__main__':
    main()
