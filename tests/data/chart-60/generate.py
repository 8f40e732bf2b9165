#!/usr/bin/env python3
"""Generates the 60-unit test workbook for the chart tests (made up, labelled as such):
10 verksamheter with 5 Varav units each, long names, comments, two snapshots, measures.
Run from this folder: python3 generate.py"""
import random

random.seed(60)
areas = ['Individ- och familjeomsorg', 'Äldreomsorg', 'Funktionsstöd', 'Hälso- och sjukvård',
         'Arbetsmarknad och försörjningsstöd', 'Gemensam administration och ledning',
         'Missbruks- och beroendevård', 'Ensamkommande barn och unga', 'Kost och lokalvård',
         'Boendestöd']
kinds = ['Hemtjänst i Söderbärke, Vad och Morgårdshammar med nattpatrull', 'Särskilt boende',
         'Korttidsvistelse', 'Dagverksamhet', 'Köpta platser och externa placeringar']
units = []
for a, area in enumerate(areas):
    code = 'V%02d' % (a + 1)
    units.append((code, area, ''))
    for k in range(5):
        name = kinds[k] if a % 2 == 0 else '%s %d' % (kinds[k].split(' ')[0], k + 1)
        units.append(('%s%d' % (code, k + 1), name, code))
units = units[:60]
assert len(units) == 60
leaves = [u for u in units if u[2]]
with open('verksamheter.csv', 'w') as f:
    f.write('kod;namn;överordnad\n')
    for u in units:
        f.write(';'.join(u) + '\n')
budget, actual, forecast = {}, {}, {}
with open('budget.csv', 'w') as f, open('utfall.csv', 'w') as g:
    f.write('verksamhet;slag;period;belopp\n')
    g.write('verksamhet;slag;period;belopp\n')
    for code, _, _ in leaves:
        cost = random.randint(200, 9000) * 1000
        rev = -random.randint(10, 90) * cost // 1000
        drift = random.uniform(0.93, 1.07)
        for slag, year_total in (('intäkt', rev), ('kostnad', cost)):
            for m in range(1, 13):
                b = year_total / 12
                f.write('%s;%s;2021%02d;%.2f\n' % (code, slag, m, b))
                if m <= 4:
                    a = b * drift * random.uniform(0.9, 1.1)
                    g.write('%s;%s;2021%02d;%.2f\n' % (code, slag, m, a))
            forecast[(code, slag)] = round(year_total * (drift if slag == 'kostnad' else 1.0))
with open('prognos.csv', 'w') as f:
    f.write('verksamhet;slag;prognos;kommentar\n')
    for i, (code, _, _) in enumerate(leaves):
        for slag in ('intäkt', 'kostnad'):
            c = ''
            if slag == 'kostnad' and i % 7 == 0:
                c = ('Fler brukare än budgeterat sedan mars; vi ser över bemanningen och '
                     'schemaläggningen för att minska övertid och timanställningar.')
            f.write('%s;%s;%d;%s\n' % (code, slag, forecast[(code, slag)], '"%s"' % c if c else ''))
import os
os.makedirs('snapshots', exist_ok=True)
for month, shift in ((2, 1.01), (3, 0.995)):
    with open('snapshots/2021%02d.csv' % month, 'w') as f:
        f.write('verksamhet;slag;prognos;metod;kommentar\n')
        for code, _, _ in leaves:
            for slag in ('intäkt', 'kostnad'):
                v = forecast[(code, slag)] * (shift if slag == 'kostnad' else 1)
                f.write('%s;%s;%d;manuell;\n' % (code, slag, round(v)))
with open('atgarder.csv', 'w') as f:
    f.write('verksamhet;beskrivning;effekt;sannolikhet\n')
    for i in range(8):
        code = leaves[i * 6][0]
        eff = random.choice([1, -1]) * random.randint(1, 40) * 50000
        f.write('%s;Åtgärd %d: översyn av scheman, vikarieanskaffning och köpta platser;%d;%s\n'
                % (code, i + 1, eff, '1' if i % 3 else '0,7'))
with open('bok.conf', 'w') as f:
    f.write('organisation = Exempelkommunen (påhittade siffror)\n'
            'nämnd = Social- och omsorgsnämnden\når = 2021\n'
            'titel = Budgetuppföljning april 2021 (testdata)\n')
