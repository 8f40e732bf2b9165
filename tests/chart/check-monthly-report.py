#!/usr/bin/env python3
"""The månadsrapport (kkr report --pdf, DESIGN §14) read back with pdftotext.

usage: check-monthly-report.py KKR SOURCE_ROOT

- the drafted Sammanfattning opens the document, with the same figures as
  kkr report --table sammanfattning (the PDF prints narrow no-break spaces and U+2212);
- a workbook's sammanfattning.md replaces it: headings, lists, bold and italic laid out (no
  Markdown marks left), markup-like text printed as it stands;
- the prognoshistorik table is there when snapshots are;
- a bar chart of many units shows the largest deviations, not a page per 40 units;
- the bundled kommun's report has no half-empty page before the last (the charts follow the
  text where they fit) and no chart page holding only the last bars of a chart ("forts.").
Exit 77 (skipped) without pdftotext."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

kkr, root = sys.argv[1], sys.argv[2]
if not shutil.which('pdftotext'):
    print('pdftotext (poppler-utils) missing: skipped')
    sys.exit(77)
env = dict(os.environ, LC_ALL='C.UTF-8', TZ='UTC', SOURCE_DATE_EPOCH='0')
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def pdf_text(args):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'r.pdf')
        r = subprocess.run([kkr, 'report', *args, '--pdf', out], capture_output=True, text=True,
                           env=env)
        if r.returncode != 0:
            sys.exit(f'kkr report {args} --pdf failed: {r.stderr}')
        t = subprocess.run(['pdftotext', '-layout', out, '-'], capture_output=True, text=True)
        pages = subprocess.run(['pdfinfo', out], capture_output=True, text=True).stdout
        n = int(re.search(r'Pages:\s+(\d+)', pages).group(1)) if 'Pages' in pages else 0
        return t.stdout.replace('\u202f', ' ').replace('\u2212', '-'), n


def words(s):
    return ' '.join(s.split())


smed = os.path.join(root, 'budgets/smedjebacken-2020')
measures = os.path.join(smed, 'atgarder-maj.csv')
text, _ = pdf_text([smed, '--measures', measures, '--baseline', '202004'])
drafted = subprocess.run([kkr, 'report', smed, '--table', 'sammanfattning', '--measures', measures],
                         capture_output=True, text=True, env=env).stdout
flat = words(text)
check('Sammanfattning' in text, 'no Sammanfattning heading')
check(flat.index('Sammanfattning') < flat.index('Resultat per slag'),
      'the Sammanfattning does not open the document')
for sentence in ['ett underskott på 400 kkr mot budget', 'Det är 600 kkr bättre än prognosen i april',
                 'Personlig assistans (underskott 2 000 kkr)']:
    check(sentence in words(drafted), f'the drafted text lacks "{sentence}"')
    check(sentence in flat, f'the PDF lacks "{sentence}"')
check('Prognoshistorik' in text, 'no prognoshistorik table (the workbook has a snapshot)')

with tempfile.TemporaryDirectory() as tmp:
    wb = os.path.join(tmp, 'wb')
    shutil.copytree(smed, wb)
    with open(os.path.join(wb, 'sammanfattning.md'), 'w', encoding='utf-8') as f:
        f.write('# Ekonomiskt läge\n\nNämnden prognostiserar ett **underskott** på 400 tkr, '
                'främst inom *personlig assistans*.\n\n- Åtgärder beslutade i maj\n'
                '- Uppföljning i juni\n\n1. Första punkten\n\nText med <b>taggar</b> & tecken '
                'och en ensam * stjärna.\n')
    text, _ = pdf_text([wb])
    flat = words(text)
    check('Ekonomiskt läge' in flat, 'the heading of sammanfattning.md is missing')
    check('**' not in text and '# Ekonomiskt' not in text, 'Markdown marks left in the PDF')
    check('prognostiserar ett underskott på 400 tkr' in flat, 'bold text missing')
    check('• Åtgärder beslutade i maj' in flat, 'list item missing')
    check('1. Första punkten' in flat, 'numbered item missing')
    check('<b>taggar</b> & tecken' in flat, 'markup-like text not printed as it stands')
    check('en ensam * stjärna' in flat, 'an unclosed emphasis mark was not kept')
    check('Det är 600 kkr bättre' not in flat, 'the drafted text was printed beside sammanfattning.md')

    # many units: the bar charts show the 30 largest deviations
    many = os.path.join(tmp, 'many')
    os.makedirs(many)
    with open(os.path.join(many, 'verksamheter.csv'), 'w') as f:
        f.write('kod;namn;överordnad\n' + ''.join(f'U{i};Enhet {i};\n' for i in range(400)))
    with open(os.path.join(many, 'budget.csv'), 'w') as f:
        f.write('verksamhet;slag;period;belopp\n' +
                ''.join(f'U{i};kostnad;2024;{1200000 + i * 1000}\n' for i in range(400)))
    with open(os.path.join(many, 'utfall.csv'), 'w') as f:
        f.write('verksamhet;slag;period;belopp\n' +
                ''.join(f'U{i};kostnad;202401;{100000 + i * 37}\n' for i in range(400)))
    with open(os.path.join(many, 'prognos.csv'), 'w') as f:
        f.write('verksamhet;slag;prognos;kommentar\n' +
                ''.join(f'U{i};kostnad;{1200000 + i * 1000 + (i % 7 - 3) * 5000 + i};\n'
                        for i in range(400)))
    text, pages = pdf_text([many])
    check('de 30 största avvikelserna av 400 verksamheter' in words(text),
          'the bar chart of 400 units does not say it shows the 30 largest deviations')
    check(pages <= 16, f'{pages} pages for 400 units (tables ~9, charts 3)')

# the bundled kommun as a nämnd member turns the pages: how far down each page is filled
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, 'k.pdf')
    r = subprocess.run([kkr, 'report', os.path.join(root, 'budgets/kommun-generated'), '--pdf', out],
                       capture_output=True, text=True, env=env)
    check(r.returncode == 0, f'kkr report budgets/kommun-generated --pdf: {r.stderr}')
    bbox = subprocess.run(['pdftotext', '-bbox', out, '-'], capture_output=True,
                          text=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S)
    check(len(pages) >= 3, f'{len(pages)} pages in the kommun report')
    for i, (_, height, body) in enumerate(pages[:-1]):
        # the lowest word above the footer (the footer sits in the bottom margin)
        ys = [float(y) for y in re.findall(r'<word [^>]*yMax="([\d.]+)"', body)
              if float(y) < float(height) - 56]
        low = max(ys) if ys else 0
        check(low > float(height) * 0.6,
              f'page {i + 1} of the kommun report ends at {low:.0f} of {float(height):.0f} pt: '
              'half empty')
    text = subprocess.run(['pdftotext', out, '-'], capture_output=True, text=True).stdout
    check('(forts.)' not in text, 'a chart of the kommun report continues on another page')

if failures:
    print('\n'.join(failures))
    sys.exit(1)
print('månadsrapport: Sammanfattning, sammanfattning.md, prognoshistorik, large charts: ok')
