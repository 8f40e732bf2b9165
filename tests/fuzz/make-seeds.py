#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses from the test data (run from anywhere):

    python3 tests/fuzz/make-seeds.py

tests/fuzz/corpus/<harness>/ gets small files named seed-*; files named crash-* or
regress-* (inputs that once crashed or failed a property) are kept as they are. The corpora
stay small (well under 200 files and 1 MB): a fuzzing run grows its own corpus elsewhere.
"""
import hashlib
import os
import re
import sys

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(SRC, 'tests', 'fuzz', 'corpus')
SEP = b'\n--8<--\n'
WB_FILES = ['verksamheter.csv', 'budget.csv', 'utfall.csv', 'prognos.csv', 'periodisering.csv',
            'bok.conf', 'snapshots/202001.csv']
MAX_LINES = 60


def read(path):
    with open(os.path.join(SRC, path), 'rb') as f:
        return f.read()


def head(data, lines=MAX_LINES):
    return b''.join(data.splitlines(keepends=True)[:lines])


def clear(harness):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        if name.startswith('seed-'):
            os.remove(os.path.join(d, name))
    return d


def put(d, data):
    name = 'seed-' + hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def workbook_input(files):
    """files: name -> bytes (missing = absent). Joins in the harness's order; trailing absent
    parts are dropped, an absent part in the middle becomes empty."""
    parts = [files.get(n) for n in WB_FILES]
    while parts and parts[-1] is None:
        parts.pop()
    return SEP.join(p if p is not None else b'' for p in parts)


def workbook_dir(path):
    files = {}
    for n in WB_FILES:
        p = os.path.join(SRC, path, n)
        if os.path.exists(p):
            files[n] = head(read(os.path.join(path, n)))
    snaps = os.path.join(SRC, path, 'snapshots')
    if os.path.isdir(snaps):
        for s in sorted(os.listdir(snaps))[:1]:
            files['snapshots/202001.csv'] = head(read(os.path.join(path, 'snapshots', s)))
    return files


def case_files(path):
    """The workbook a CLI case file builds: its 'workbook:' plus its '--- file wb/...'."""
    files, cur = {}, None
    with open(path, 'rb') as f:
        lines = f.read().splitlines(keepends=True)
    for line in lines:
        if line.startswith(b'--- '):
            words = line[4:].decode(errors='replace').split()
            cur = None
            if words[0] == 'file' and len(words) > 1 and words[1].startswith('wb/'):
                cur = words[1][3:]
                files[cur] = b''
            continue
        if cur is None:
            m = re.match(rb'workbook:\s*(\S+)', line)
            if m:
                files.update(workbook_dir(m.group(1).decode()))
            continue
        files[cur] += line
    return files


def main():
    smed = 'budgets/smedjebacken-2020'

    # ---- money: amounts, periods, slag, odd bytes
    d = clear('money')
    amounts = ['-1 234,56', '1234.56', '\u221212', '1\u00a0234', '1\u202f234,5', '12,3,4', '',
               '9223372036854775807', '92233720368547758,07', '92233720368547758,08', '+5',
               '8,5 %', '0,085', '202001', '2020-01', '2020-01-31', '20200229', '2020',
               'intäkt', 'Kostnad', 'ÅÄÖ', '=1+1', '-0,5', ' 1 000 000 ', '1.234,56',
               '\u2013100', '1e5', '0x10', '1,', '.5', '--1', '100 00']
    for a in amounts:
        put(d, a.encode())
    put(d, b'\xff\xfe1')
    put(d, b'12\x0034')
    put(d, 'Åsa'.encode('cp1252'))
    for line in read(smed + '/budget.csv').splitlines()[1:8]:
        put(d, line.split(b';')[-1])

    # ---- csv: whole files as they come
    d = clear('csv')
    for p in [smed + '/' + n for n in ('verksamheter.csv', 'budget.csv', 'prognos.csv',
                                       'atgarder-maj.csv')] + \
             ['tests/data/import/ledger.csv', 'tests/data/import/map.csv',
              'tests/data/chart-60/verksamheter.csv']:
        put(d, head(read(p)))
    put(d, b'\xef\xbb\xbfkod;namn\r\nA;"x;""y"""\r\n')
    put(d, 'kod\tnamn\nÅ\tÖrebro\n'.encode('cp1252'))
    put(d, b'a,b,c,d,e\n"1\n2",x,,,\n')
    put(d, b'kod;namn\nA;"open\n')
    put(d, b'kod;namn\nA;x;y;z\n')

    # ---- workbook: whole folders, and the bad-input corpus's cases
    d = clear('workbook')
    put(d, workbook_input(workbook_dir(smed)))
    if os.path.isdir(os.path.join(SRC, 'tests/data/chart-60')):
        put(d, workbook_input(workbook_dir('tests/data/chart-60')))
    cases = os.path.join(SRC, 'tests', 'cli', 'cases')
    n = 0
    for area in sorted(os.listdir(cases)) if os.path.isdir(cases) else []:
        for name in sorted(os.listdir(os.path.join(cases, area))):
            if not name.endswith('.test') or n >= 100:
                continue
            files = case_files(os.path.join(cases, area, name))
            if files:
                put(d, workbook_input(files))
                n += 1

    # ---- measures
    d = clear('measures')
    for p in [smed + '/atgarder-maj.csv', 'tests/data/whatif/atgarder-juni.csv',
              'tests/data/chart-60/atgarder.csv']:
        if os.path.exists(os.path.join(SRC, p)):
            put(d, head(read(p)))
    put(d, 'verksamhet;beskrivning;antal;per_månad;från_period;sannolikhet;slag\n'
           'HT;Två nya ärenden;2;85 000;202006;80 %;kostnad\n'
           ';Hela nämnden;1;-10 000;2020-03;0,5;\n'.encode())
    put(d, 'verksamhet;beskrivning;effekt;sannolikhet;spridning\n'
           'SB;=HYPERLINK("x");-100 000;0,3;20 000\n'
           'POL;+tillskott;50 000;1;\n'.encode())

    # ---- import: option byte + ledger [+ SEP + existing utfall.csv]
    d = clear('import')
    ledger = read('tests/data/import/ledger.csv')
    utfall = head(read(smed + '/utfall.csv'), 12)
    for opt in (b'\x00', b'\x80', b'\x41', b'\xc7'):
        put(d, opt + ledger)
    put(d, b'\x00' + ledger + SEP + utfall)
    put(d, b'\x00' + 'Vht;Kto;Datum;Belopp\n100;4010;2020-05-14;1\u00a0234,5\n'.encode('utf-8'))
    put(d, b'\x00' + 'Vht;Kto;Datum;Belopp\n100;3010;202005;−12\n'.encode('cp1252', 'replace'))
    put(d, b'\x4f' + b'Vht;Kto;Datum;Belopp\n"1""0";4010;202005;"5,00"\n=X;5010;202006;7\n')

    # ---- merge: existing utfall.csv + SEP + new rows (8 bytes a row: target, slag, month of
    # 2019/2020, int32 öre little-endian, one spare byte)
    d = clear('merge')

    def rows(*cells):
        out = b''
        for target, kind, month, ore in cells:
            out += bytes([target, kind, month]) + (ore & 0xffffffff).to_bytes(4, 'little') + b'\0'
        return out

    new = rows((2, 1, 12, 12345), (3, 0, 13, -500), (0, 1, 23, 99))
    base = ('verksamhet;slag;period;belopp\nHT;kostnad;202001;100\nSB;intäkt;202002;-5,50\n'
            'AO;kostnad;201912;7\n')
    put(d, base.encode() + SEP + new)
    put(d, base.replace('\n', '\r\n').encode() + SEP + new)
    put(d, base.replace('\n', '\r').encode() + SEP + new)
    put(d, base.rstrip('\n').encode() + SEP + new)                 # no final line end
    put(d, b'\xef\xbb\xbf' + base.encode() + SEP + new)             # BOM
    put(d, base.replace(';', ',').replace('-5,50', '"-5,50"').encode() + SEP + new)
    put(d, 'belopp;kommentar;period;slag;verksamhet\n100;"två\nrader";202001;kostnad;HT\n'
           '7;;201912;kostnad;X\n'.encode() + SEP + new)            # other order, extra column
    put(d, 'verksamhet;slag;period;belopp\nHT;kostnad;202001;100\nHT;kostnad;202001;1\n'
           'SB;kostnad;2020-01;5\n'.encode('cp1252') + SEP + new)
    put(d, base.encode() + SEP)                                     # no new rows
    put(d, SEP + new)                                               # empty existing file
    put(d, head(read(smed + '/utfall.csv'), 40) + SEP + new)

    # ---- writers: unit names, slag names, comments, bok.conf texts, each 0x1F-separated
    d = clear('writers')
    US = '\x1f'
    put(d, US.join(['Äldreomsorg', 'Hemtjänst | natt', '*Särskilt* boende', '<script>x</script>',
                    'A & B', '# rubrik']).encode() + SEP +
        US.join(['Personal', 'Lokaler [hyra]', 'Avgifter \\ taxor']).encode() + SEP +
        US.join(['två\nrader', 'tre\r\nrader\r\n', 'tab\tbort', '"citat"']).encode() + SEP +
        US.join(['Kommun <b>', 'Nämnd | x', 'Titel **fet**']).encode())
    put(d, US.join(['ÅÄÖ', 'x\u0085y', 'x\u2028y']).encode() + SEP + b'' + SEP + b'\x1f\x1f' +
        SEP + 'titel = \\|'.encode())
    put(d, b'\xff\xfe\x1f\xe4' + SEP + b'\xc3' + SEP + b'\x00' + SEP + b'\x1b[31m')
    put(d, US.join(['\U0001F600 emoji', '&#124; entity']).encode())

    total = 0
    files = 0
    for root, _, names in os.walk(OUT):
        for nm in names:
            total += os.path.getsize(os.path.join(root, nm))
            files += 1
    print(f'{files} files, {total} bytes in {os.path.relpath(OUT, SRC)}')
    if files >= 200 or total >= 1_000_000:
        sys.exit('corpora too large: keep them under 200 files and 1 MB')


if __name__ == '__main__':
    main()
