#!/usr/bin/env python3
"""Generates the example workbook budgets/vardomsorg-generated/ (a made-up care administration).

Six years of monthly utfall (2019-2024) for 15 verksamheter of a Vård- och omsorgsnämnd, with
summer staffing (vikarier in June-August), yearly price rises of 2-4 %, a home-care volume
trend, quarterly statsbidrag, a unit with a trend break (Björkhagens äldreboende opens a new
wing in April 2023), a new personal-assistance case from May 2024, annual budgets spread by
periodisering.csv, the economist's prognos.csv (October 2024) and five locked snapshots of
2024. Nothing here is real data. Python 3 standard library only; a fixed seed, so every run
writes the same bytes:

    scripts/generate-vardomsorg.py [OUTDIR]     # default budgets/vardomsorg-generated
    scripts/generate-vardomsorg.py --seed N OUTDIR   # the same events with other noise

(--seed is for checking the forecasts on workbooks they were not chosen on: the benchmark
tests/bench/bench-forecast-m3.py does that.)
"""
import os
import random
import sys

SEED = 20241231
FIRST_YEAR, YEAR = 2019, 2024
SNAPSHOTS = [2, 4, 6, 8, 10]          # the months the nämnd got a locked forecast in 2024
PROGNOS_MONTH = 10                    # prognos.csv is the latest of them

# kod, namn, överordnad
UNITS = [
    ('NAM', 'Nämnd och förvaltningsledning', ''),
    ('AO', 'Äldreomsorg', ''),
    ('SB1', 'Solgårdens äldreboende', 'AO'),
    ('SB2', 'Björkhagens äldreboende', 'AO'),
    ('HT', 'Hemtjänst', 'AO'),
    ('KTB', 'Korttidsboende', 'AO'),
    ('DV', 'Dagverksamhet', 'AO'),
    ('LSS', 'LSS och socialpsykiatri', ''),
    ('GB', 'Gruppbostäder', 'LSS'),
    ('DA', 'Daglig verksamhet', 'LSS'),
    ('PA', 'Personlig assistans', 'LSS'),
    ('KS', 'Korttidsvistelse', 'LSS'),
    ('HSL', 'Hälso- och sjukvård', ''),
    ('SSK', 'Sjuksköterskeenheten', 'HSL'),
    ('REH', 'Rehabilitering', 'HSL'),
]

# Leaf series: unit, slag, 2019 yearly amount in kr (net cost sign: revenue negative),
# monthly noise (share), seasonal profile name.
SERIES = [
    ('NAM', 'kostnad', 9_400_000, 0.05, 'flat'),
    ('NAM', 'intäkt', -2_400_000, 0.00, 'quarterly'),   # statsbidrag, paid per quarter
    ('SB1', 'kostnad', 47_800_000, 0.025, 'summer'),
    ('SB1', 'intäkt', -7_200_000, 0.02, 'flat'),
    ('SB2', 'kostnad', 35_600_000, 0.025, 'summer'),
    ('SB2', 'intäkt', -5_300_000, 0.02, 'flat'),
    ('HT', 'kostnad', 54_900_000, 0.03, 'summer'),
    ('HT', 'intäkt', -6_100_000, 0.04, 'flat'),
    ('KTB', 'kostnad', 12_300_000, 0.04, 'summer'),
    ('KTB', 'intäkt', -1_100_000, 0.06, 'flat'),
    ('DV', 'kostnad', 4_200_000, 0.04, 'closed-july'),
    ('GB', 'kostnad', 30_500_000, 0.025, 'summer'),
    ('GB', 'intäkt', -3_200_000, 0.03, 'flat'),
    ('DA', 'kostnad', 13_800_000, 0.03, 'closed-july'),
    ('PA', 'kostnad', 22_400_000, 0.03, 'summer'),
    ('PA', 'intäkt', -15_600_000, 0.04, 'flat'),         # assistansersättning
    ('KS', 'kostnad', 6_100_000, 0.06, 'summer'),
    ('SSK', 'kostnad', 18_200_000, 0.03, 'summer'),
    ('REH', 'kostnad', 9_100_000, 0.03, 'summer'),
]

# Monthly profiles (relative; normalised to sum 12). Summer: vikarier and semesterersättning.
PROFILES = {
    'flat': [1] * 12,
    'summer': [0.96, 0.93, 0.97, 0.96, 0.98, 1.08, 1.20, 1.09, 0.97, 0.98, 0.95, 1.03],
    'closed-july': [1.04, 1.01, 1.04, 1.03, 1.04, 1.03, 0.40, 1.00, 1.05, 1.07, 1.04, 1.05],
    'quarterly': [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1],
}

# Price rises (löner, KPI) per year from the year before: 2-4 %.
PRICE = {2019: 1.0, 2020: 1.024, 2021: 1.021, 2022: 1.036, 2023: 1.039, 2024: 1.031}
# What the budget assumed (the adopted budget is a little behind the real rise some years).
PRICE_BUDGET = {2019: 1.0, 2020: 1.025, 2021: 1.020, 2022: 1.025, 2023: 1.035, 2024: 1.034}

# (periodisering uses the same profiles: annual budgets spread as the summer costs fall)
PERIODISERING = [('*', 'kostnad', 'summer'), ('*', 'intäkt', 'flat'),
                 ('DV', 'kostnad', 'closed-july'), ('DA', 'kostnad', 'closed-july'),
                 ('NAM', 'kostnad', 'flat'), ('NAM', 'intäkt', 'quarterly')]


def norm(profile):
    s = sum(profile)
    return [p * 12 / s for p in profile]


def volume(unit, slag, year, month):
    """Volume and level changes besides prices: the true path of the series."""
    t = (year - FIRST_YEAR) + (month - 1) / 12
    v = 1.0
    if unit == 'HT':
        v *= 1.025 ** t                       # more hours of home care every year
    if unit == 'SB2' and (year, month) >= (2023, 4):
        v *= 1.30 if slag == 'kostnad' else 1.28   # the trend break: a new wing, 20 places
    if unit == 'PA' and slag == 'kostnad' and (year, month) >= (2024, 5):
        v *= 1.0 + 85_000 * 12 / 22_400_000 / PRICE_INDEX[year]   # a new case from May
    if unit == 'KTB' and year == 2020 and month in (4, 5, 6):
        v *= 0.75                             # spring 2020: fewer short stays
    return v


def price_index(table):
    idx, acc = {}, 1.0
    for y in range(FIRST_YEAR, YEAR + 1):
        acc *= table[y]
        idx[y] = acc
    return idx


PRICE_INDEX = price_index(PRICE)
BUDGET_INDEX = price_index(PRICE_BUDGET)


def budget_volume(unit, slag, year):
    """What the adopted budget assumed about volumes."""
    v = 1.0
    if unit == 'HT':
        v *= 1.015 ** (year - FIRST_YEAR)     # budgeted less growth than came
    if unit == 'SB2' and year == 2023:
        v *= 1 + 0.30 * 4 / 12 if slag == 'kostnad' else 1 + 0.28 * 4 / 12  # assumed September
    if unit == 'SB2' and year == 2024:
        v *= 1.30 if slag == 'kostnad' else 1.28
    return v


def kr(x):
    return f'{x:.0f}'


def main():
    args, seed = sys.argv[1:], SEED
    if args[:1] == ['--seed'] and len(args) >= 2:
        seed, args = int(args[1]), args[2:]
    out = args[0] if args else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'budgets', 'vardomsorg-generated')
    rng = random.Random(seed)
    os.makedirs(os.path.join(out, 'snapshots'), exist_ok=True)

    def write(name, lines):
        with open(os.path.join(out, name), 'w', encoding='utf-8', newline='\n') as f:
            f.write('\n'.join(lines) + '\n')

    write('bok.conf', ['organisation = Exempelkommun (genererat exempel)',
                       'nämnd = Vård- och omsorgsnämnden',
                       f'år = {YEAR}',
                       f'titel = Budgetuppföljning {YEAR} (genererat exempel)'])
    write('verksamheter.csv', ['kod;namn;överordnad'] + [';'.join(u) for u in UNITS])

    per = ['verksamhet;slag;månad;andel']
    for unit, slag, prof in PERIODISERING:
        per += [f'{unit};{slag};{m + 1};{s:.4f}' for m, s in enumerate(norm(PROFILES[prof]))]
    write('periodisering.csv', per)

    budget = ['verksamhet;slag;period;belopp']
    utfall = ['verksamhet;slag;period;belopp']
    actual = {}     # (unit, slag) -> [72 monthly amounts]
    annual_budget = {}
    for unit, slag, base, noise, prof in SERIES:
        shares = norm(PROFILES[prof])
        series = []
        for year in range(FIRST_YEAR, YEAR + 1):
            b = base * BUDGET_INDEX[year] * budget_volume(unit, slag, year)
            b = round(b, -3)
            annual_budget[unit, slag, year] = b
            budget.append(f'{unit};{slag};{year};{kr(b)}')
            for m in range(12):
                a = base / 12 * shares[m] * PRICE_INDEX[year] * volume(unit, slag, year, m + 1)
                a *= 1 + rng.gauss(0, noise)
                series.append(round(a))
        actual[unit, slag] = series
    for year in range(FIRST_YEAR, YEAR + 1):
        for m in range(12):
            for unit, slag, *_ in SERIES:
                utfall.append(f'{unit};{slag};{year}{m + 1:02d};'
                              f'{actual[unit, slag][(year - FIRST_YEAR) * 12 + m]}')
    write('budget.csv', budget)
    write('utfall.csv', utfall)

    # The economist's forecasts of 2024: utfall so far plus the rest of the budget, corrected by
    # how far utfall runs ahead of the periodised budget, rounded to 10 tkr; known events.
    comments = {
        'HT': 'Fler beviljade timmar än budgeterat, ökningen fortsätter',
        'PA': 'Nytt ärende från maj, 85 tkr i månaden, ersättning från Försäkringskassan sökt',
        'SB2': 'Nya flygeln fullbelagd hela året',
        'KTB': 'Beläggningen högre än budgeterat',
        'DA': 'Lägre kostnad för resor',
    }

    def forecast(unit, slag, k):
        y0 = (YEAR - FIRST_YEAR) * 12
        shares = norm(PROFILES[dict(((u, s), p) for u, s, _, _, p in SERIES)[unit, slag]])
        b = annual_budget[unit, slag, YEAR]
        ytd = sum(actual[unit, slag][y0:y0 + k])
        bud_ytd = b * sum(shares[:k]) / 12
        rest = b - bud_ytd
        ratio = ytd / bud_ytd if bud_ytd else 1.0
        ratio = 1 + (ratio - 1) * 0.7        # the economist does not extrapolate all of it
        f = ytd + rest * ratio
        if unit == 'PA' and slag == 'kostnad' and k < 5:
            f += 85_000 * 8                  # known before it showed in utfall
        return round(f, -4)

    for k in SNAPSHOTS:
        rows = ['verksamhet;slag;prognos;metod;kommentar']
        for unit, *_ in UNITS:
            for slag in ('intäkt', 'kostnad'):
                if (unit, slag) not in actual:
                    continue
                note = comments.get(unit, '') if slag == 'kostnad' and k >= 4 else ''
                rows.append(f'{unit};{slag};{kr(forecast(unit, slag, k))},00;manuell;{note}')
        write(f'snapshots/{YEAR}{k:02d}.csv', rows)
        if k == PROGNOS_MONTH:
            write('prognos.csv', ['verksamhet;slag;prognos;kommentar'] +
                  [';'.join(r.split(';')[:3] + r.split(';')[4:]) for r in rows[1:]])

    write('README.md', [
        '# vardomsorg-generated — a generated example (not real data)',
        '',
        'A made-up Vård- och omsorgsnämnd in "Exempelkommun": 15 verksamheter (äldreomsorg, LSS,',
        'hälso- och sjukvård), monthly utfall 2019–2024, annual budgets spread by',
        '`periodisering.csv`, the economist\'s `prognos.csv` (October 2024, with comments) and five',
        'locked forecasts in `snapshots/` (February, April, June, August, October 2024).',
        '',
        '**Generated** by `scripts/generate-vardomsorg.py` (Python standard library, fixed seed:',
        'the same bytes on every run). Edit the script, not the files. It is built to exercise',
        'the forecast methods: summer staffing (vikarier June–August), yearly price rises of',
        '2–4 %, a growing home-care volume, quarterly statsbidrag, closed day activities in July,',
        'a trend break (Björkhagens äldreboende opens a new wing in April 2023) and a new',
        'personal-assistance case from May 2024.',
        '',
        '```sh',
        'build/kkr check budgets/vardomsorg-generated',
        'build/kkr report budgets/vardomsorg-generated --period 202408',
        'build/kkr forecast budgets/vardomsorg-generated --period 202408',
        'build/kkr forecast budgets/vardomsorg-generated --backtest',
        'build/kkr forecast budgets/vardomsorg-generated --accuracy',
        '```',
    ])


if __name__ == '__main__':
    main()
