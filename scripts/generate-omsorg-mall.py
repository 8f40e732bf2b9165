#!/usr/bin/env python3
"""Writes budgets/omsorg-mall-generated: a generated example (not real data) of a kommun's own
report template (DESIGN §5.1-5.3): kostnadsslag (slag.csv), investeringar.csv, two years of
history and a driftredovisning layout saved in bok.conf (previous-year columns, sign resultat,
the total 'Årets resultat').

usage: scripts/generate-omsorg-mall.py [FOLDER]   (default budgets/omsorg-mall-generated)

Python standard library only, fixed seed: the same bytes on every run. Edit this script, not
the files it writes.
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', 'budgets',
                                                         'omsorg-mall-generated')
YEARS = (2023, 2024, 2025)
YEAR = 2025
PERIOD = 8          # utfall through August 2025

UNITS = [  # kod, namn, överordnad
    ('NF', 'Nämnd och förvaltning', ''),
    ('ÄO', 'Äldreomsorg', ''),
    ('ÄO-SÄ', 'Särskilt boende', 'ÄO'),
    ('ÄO-HT', 'Hemtjänst', 'ÄO'),
    ('FO', 'Funktionsstöd', ''),
    ('FO-BO', 'Bostad med särskild service', 'FO'),
    ('FO-DV', 'Daglig verksamhet', 'FO'),
]
SLAG = [  # slag, namn, typ  (the kommunbas defaults of DESIGN §5.2 that this nämnd uses)
    ('avgifter', 'Taxor och avgifter', 'intäkt'),
    ('bidrag', 'Bidrag och kostnadsersättningar', 'intäkt'),
    ('personal', 'Personalkostnader', 'kostnad'),
    ('lokaler', 'Lokalkostnader', 'kostnad'),
    ('köp', 'Köp av huvudverksamhet', 'kostnad'),
    ('kapital', 'Kapitalkostnader', 'kostnad'),
    ('övriga_kostnader', 'Övriga kostnader', 'kostnad'),
]
# the 2023 annual budget per leaf and slag in kkr (revenues negative: net cost convention)
BASE = {
    'NF': {'personal': 9800, 'lokaler': 900, 'övriga_kostnader': 2300},
    'ÄO-SÄ': {'avgifter': -11800, 'bidrag': -2400, 'personal': 98000, 'lokaler': 21500,
              'kapital': 1800, 'övriga_kostnader': 9600},
    'ÄO-HT': {'avgifter': -4300, 'personal': 61000, 'lokaler': 2600, 'köp': 7200,
              'övriga_kostnader': 6900},
    'FO-BO': {'bidrag': -1900, 'personal': 48500, 'lokaler': 8300, 'köp': 12600,
              'övriga_kostnader': 3100},
    'FO-DV': {'avgifter': -350, 'personal': 14800, 'lokaler': 2900, 'övriga_kostnader': 2400},
}
# budget growth per year and how utfall deviates from budget (per unit, per year)
GROWTH = {2023: 1.0, 2024: 1.041, 2025: 1.078}
DEVIATION = {
    ('ÄO-HT', 'personal'): (1.035, 1.052, 1.061),   # more granted hours each year
    ('ÄO-SÄ', 'personal'): (0.992, 1.004, 1.012),
    ('ÄO-SÄ', 'avgifter'): (1.02, 1.01, 0.99),
    ('FO-BO', 'köp'): (1.08, 1.12, 1.19),           # external placements grow
    ('FO-DV', 'personal'): (0.97, 0.98, 0.975),
    ('NF', 'övriga_kostnader'): (0.91, 0.95, 0.9),
}
SUMMER = {6: 1.18, 7: 1.32, 8: 1.12}                # vikarier in the summer
rng = random.Random(20251)


def months_of(annual_ore, slag):
    """A year's amount in öre over twelve months: personal peaks in the summer."""
    w = [SUMMER.get(m, 0.95) if slag == 'personal' else 1.0 for m in range(1, 13)]
    total = sum(w)
    out = [int(round(annual_ore * x / total)) for x in w]
    out[-1] += annual_ore - sum(out)
    return out


def kr(ore):
    s = f'{abs(ore) // 100},{abs(ore) % 100:02d}'
    return ('-' if ore < 0 else '') + s


def main():
    os.makedirs(os.path.join(OUT, 'snapshots'), exist_ok=True)
    def write(name, lines):
        with open(os.path.join(OUT, name), 'w', encoding='utf-8', newline='\n') as f:
            f.write('\n'.join(lines) + '\n')
    write('verksamheter.csv', ['kod;namn;överordnad'] + [';'.join(u) for u in UNITS])
    write('slag.csv', ['slag;namn;typ'] + [';'.join(s) for s in SLAG])
    budget = ['verksamhet;slag;period;belopp']
    utfall = ['verksamhet;slag;period;belopp']
    for yi, y in enumerate(YEARS):
        for unit, slags in BASE.items():
            for slag, kkr_amount in slags.items():
                annual = int(round(kkr_amount * GROWTH[y] * 1000)) * 100
                budget.append(f'{unit};{slag};{y};{kr(annual)}')
                dev = DEVIATION.get((unit, slag), (1.0, 1.0, 1.0))[yi]
                last = 12 if y < YEAR else PERIOD
                for m, b in enumerate(months_of(annual, slag), start=1):
                    if m > last:
                        break
                    noise = 1 + rng.uniform(-0.025, 0.025)
                    a = int(round(b * dev * noise / 100)) * 100
                    utfall.append(f'{unit};{slag};{y}{m:02d};{kr(a)}')
    # an amount booked on the typ itself, not on a slag: shown as 'Varav ej fördelat'
    utfall.append(f'NF;kostnad;{YEAR}03;{kr(18500000)}')
    write('budget.csv', budget)
    write('utfall.csv', utfall)
    write('prognos.csv', [
        'verksamhet;slag;prognos;kommentar',
        f'ÄO-HT;personal;{kr(int(61000 * GROWTH[YEAR] * 1.058 * 1000) * 100)};'
        'Fler beviljade timmar, 14 nya brukare sedan årsskiftet',
        f'FO-BO;köp;{kr(int(12600 * GROWTH[YEAR] * 1.2 * 1000) * 100)};'
        'Två externa placeringar från mars',
    ])
    write('investeringar.csv', [
        'projekt;namn;överordnad;budget;utfall;prognos;total_budget;utfall_tidigare_år;'
        'total_prognos;kommentar',
        'FAST;Fastighetsinvesteringar;;;;;;;;',
        'SÄ-NY;Nytt särskilt boende Ekbacken;FAST;18000000;11250000;21500000;64000000;'
        '29800000;68500000;Fördyrning grundläggning, inflyttning mars 2026',
        'FO-ANP;Anpassning gruppbostad Linden;FAST;2400000;1950000;2400000;;;;',
        'INV;Inventarier och välfärdsteknik;;;;;;;;',
        'VT;Digitala trygghetslarm;INV;1500000;420000;1100000;4500000;2900000;4300000;'
        'Upphandlingen klar, utrullning hösten 2025',
        'MÖB;Möbler och hjälpmedel;INV;900000;610000;900000;;;;',
    ])
    write('bok.conf', [
        '# a kommun\'s own template (DESIGN §5.1): the driftredovisning as the nämnd gets it',
        'organisation = Exempelkommun (genererat exempel)',
        'nämnd = Omsorgsnämnden',
        f'år = {YEAR}',
        f'titel = Delårsrapport augusti {YEAR} (genererat exempel)',
        'kolumner = utfall_period=Utfall jan-aug,utfall_period_fg=Utfall fg år,'
        'förändring_fg=Förändring,förändring_fg_procent,budget_helår=Kommunbidrag,'
        'prognos_helår=Prognos,avvikelse_helår=Budgetavvikelse,utfall_helår_fg=Bokslut fg år',
        'tecken = resultat',
        'enhet = mnkr',
        'decimaler = 1',
        'totalrad = Nämndens resultat',
    ])
    with open(os.path.join(OUT, 'snapshots', '.keep'), 'w') as f:
        f.write('')
    with open(os.path.join(OUT, 'README.md'), 'w', encoding='utf-8') as f:
        f.write(README)


README = '''# omsorg-mall-generated — a generated example (not real data)

A made-up Omsorgsnämnd in "Exempelkommun" that reports in its own template (DESIGN §5.1–5.3):
seven verksamheter, seven kostnadsslag in `slag.csv` (taxor och avgifter, bidrag,
personal, lokaler, köp av huvudverksamhet, kapital, övriga), monthly utfall 2023–2024 and
January–August 2025, two entered prognoser, an amount booked on the typ itself (shown as
*Varav ej fördelat*), `investeringar.csv` with two groups and two multi-year projects, and a
saved template in `bok.conf`: the driftredovisning of a delårsrapport in mnkr with one
decimal, revenues positive (`tecken = resultat`), previous-year columns and the total row
*Nämndens resultat*.

**Generated** by `scripts/generate-omsorg-mall.py` (Python standard library, fixed seed: the
same bytes on every run). Edit the script, not the files.

```sh
build/kkr report budgets/omsorg-mall-generated                     # the saved template
build/kkr report budgets/omsorg-mall-generated --table investering
build/kkr report budgets/omsorg-mall-generated --columns standard --sign nettokostnad --unit kkr
build/kkr report budgets/omsorg-mall-generated --pdf delår.pdf
```
'''

if __name__ == '__main__':
    main()
