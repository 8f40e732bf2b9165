#!/usr/bin/env python3
"""Writes the SIE input sections of tests/cli/cases/sie/*.test (CP437 bytes, CRLF, tabs and
#KSUMMA checksums computed here with zlib.crc32 over the labels and field contents, as the SIE
spec says). The expected outputs in the .test files are kept as they are: run this, then check
the cases by hand or with `meson test`, which compares kkr's output byte for byte.

usage: tests/sie/make-cases.py   (from the source root; rewrites only the '--- file' sections)
"""
import os
import re
import zlib

CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'cli', 'cases', 'sie')


def fields(line):
    """label and field contents as SIE's checksum sees them (no quotes, braces, blanks)"""
    out, i, n = [], 0, len(line)
    while i < n:
        c = line[i]
        if c in b' \t\r{}':
            i += 1
        elif c == ord('"'):
            j, s = i + 1, b''
            while j < n and line[j] != ord('"'):
                if line[j] == ord('\\') and j + 1 < n and line[j + 1] == ord('"'):
                    s += b'"'
                    j += 2
                else:
                    s += line[j:j + 1]
                    j += 1
            out.append(s)
            i = j + 1
        else:
            j = i
            while j < n and line[j] not in b' \t\r{}"':
                j += 1
            out.append(line[i:j])
            i = j
    return out


def ksumma(lines):
    """the checksum of the records after the opening #KSUMMA (braces-only lines add nothing)"""
    crc, on = 0, False
    for line in lines:
        s = line.strip()
        if s == b'#KSUMMA':
            on = True
            continue
        if on and not s.startswith(b'#KSUMMA'):
            for f in fields(s):
                crc = zlib.crc32(f, crc)
    return crc


def sie(text, crlf=False, checksum=None):
    """text (str, '{KSUMMA}' replaced by the checksum) in CP437"""
    data = text.encode('cp437')
    lines = data.split(b'\n')
    value = ksumma(lines) if checksum is None else checksum
    data = data.replace(b'{KSUMMA}', str(value).encode())
    if crlf:
        data = data.replace(b'\n', b'\r\n')
    return data


BOOKS = '''#FLAGGA 0
#KSUMMA
#PROGRAM "Ekonomisystemet" 7.1
#FORMAT PC8
#GEN 20240510
#SIETYP 4
#FNAMN "Ödeby kommun, \\"Omsorgsnämnden\\""
#RAR 0 20240101 20241231
#RAR -1 20230101 20231231
#DIM 1 "Ansvar"
#DIM\t6\t"Projekt"
#OBJEKT 1 "110" "Äldreomsorg"
#OBJEKT 1 120\t"Hemtjänst   Söder"
#OBJEKT 6 "P1" "Projekt 1"
#KONTO 3010 "Försäljning"
#OKÄND 1 2 3
#PSALDO -1 202311 4010 {} 5000.00
#PSALDO -1 202311 4010 {1 "110"} 3000.00
#PSALDO -1 202311 4010 {1 "120"} 2000.00
#PSALDO -1 202311 4010 {6 "P1"} 700.00
#PSALDO -1 202312 3010 {} -800.50 2
#PSALDO -1 202312 1910 {} 800.50
#PSALDO 0 202401 4010 {} 999.00
#PBUDGET 0 202401 4010 {1 110} 12000.00
#PBUDGET 0 202402 4010 {1 "120"} 500
#PBUDGET -1 202302 4010 {} 1.00
#VER A 1 20240115 "Inköp"
{
\t#TRANS 4010 {1 "110" 6 "P1"} 1250.75 20240115 "Blöjor"
\t#TRANS   5010   {"1" "120"}   -250.75
\t#TRANS 2440 {} -1000.00
}
#VER A 2 20240131 "Rättelse"
{
#BTRANS 4010 {1 "110"} 300.00 20240201 "" "" "Anna"
#RTRANS 4010 {1 "120"} 300.00 20240201 "" "" "Anna"
#TRANS 4010 {1 "120"} 300.00 20240131
#TRANS 3010 { } -300.00 20240131 "Avgift \\"juni\\""
}
#VER B 1 20240210 "Periodiserad faktura"
{
#TRANS 5410 {} 100.00 20240301
#TRANS 5410 {1 "130"} 100.00 20240201
#TRANS 1930 {} -200.00
}
#KSUMMA {KSUMMA}
'''


def case(name, head, files, rest):
    """a .test file: head lines, '--- file' sections (bytes), then rest (expected output),
    kept from the existing file when it has one"""
    path = os.path.join(CASES, name + '.test')
    expected = rest
    if os.path.exists(path):
        old = open(path, 'rb').read()
        m = re.search(rb'^--- (stdout|stderr|expect-file)', old, re.M)
        if m:
            expected = old[m.start():]
    out = head.encode()
    for fname, data in files:
        out += b'--- file ' + fname.encode() + (b' noeol' if not data.endswith(b'\n') else b'') + b'\n'
        out += data if data.endswith(b'\n') else data + b'\n'
    out += expected
    with open(path, 'wb') as f:
        f.write(out)


good = sie(BOOKS, crlf=True)
case('init', '''# A whole workbook from one SIE 4E file: CP437 (Ö, ä), CRLF, tabs and runs of blanks, quotes
# with \\", {} and { }, quoted dimension numbers, #KSUMMA, an unknown record, #RTRANS/#BTRANS (the
# #TRANS copy counted once, the removed row not at all), transdat in another month than the
# voucher, an object without #OBJEKT (130), amounts without an object of dimension 1 (the rest),
# #PSALDO of 2023 as history (read as totals: the {} row 5000 equals dimension 1's rows 3000 +
# 2000; the dimension 6 row only breaks it down), #PSALDO of 2024 not used (the vouchers give
# 2024), #PBUDGET of 2024 only (2023's is not the workbook's year).
args: import books.se --init wb
exit: 0
''', [('books.se', good)], b'')
case('init-into-nonempty', '''# --init refuses a folder that is not empty, and writes nothing.
args: import books.se --init wb
exit: 1
''', [('books.se', good), ('wb/keep.txt', b'mine\n')], b'')
case('into-map', '''# --into an existing workbook with --map: object codes to workbook units, '*' for the rest;
# the imported periods replace those of utfall.csv, the other rows are kept byte for byte.
args: import books.se --into wb --map map.csv
exit: 0
''', [('books.se', good),
      ('map.csv', b'kod;verksamhet\n110;AO\n120;HT\n*;OVR\n'),
      ('wb/verksamheter.csv', b'kod;namn;\xc3\xb6verordnad\nAO;\xc3\x84ldreomsorg;\nHT;Hemtj\xc3\xa4nst;AO\nOVR;\xc3\x96vrigt;\n'),
      ('wb/budget.csv', b'verksamhet;slag;period;belopp\nAO;kostnad;2024;100000\n'),
      ('wb/utfall.csv', b'verksamhet;slag;period;belopp\nAO;kostnad;202212;10,00\nHT;kostnad;202401;99,00\n')], b'')

def bad(name, comment, text, args='import books.se --init wb', crlf=False, checksum=None,
        raw=None, code=2):
    data = raw if raw is not None else sie(text, crlf=crlf, checksum=checksum)
    case(name, f'# {comment}\nargs: {args}\nexit: {code}\nabsent: wb\n', [('books.se', data)], b'')


HEAD = '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#RAR 0 20240101 20241231\n'
bad('bad-trans-amount', 'A #TRANS amount with a decimal comma: file:line:column of the field.',
    HEAD + '#VER A 1 20240115\n{\n#TRANS 4010 {} 12,50\n#TRANS 1930 {} -12.50\n}\n')
bad('bad-trans-fields', 'A #TRANS without its amount.',
    HEAD + '#VER A 1 20240115\n{\n#TRANS 4010 {}\n}\n')
bad('bad-trans-no-list', 'A #TRANS whose object list is missing.',
    HEAD + '#VER A 1 20240115\n{\n#TRANS 4010 12.50 20240115\n#TRANS 1930 {} -12.50\n}\n')
bad('bad-unclosed-brace', 'An object list not closed on its line: the column of its {.',
    HEAD + '#VER A 1 20240115\n{\n#TRANS 4010 {1 "110" 12.50\n}\n')
bad('bad-open-quote', 'A quote left open in a field kkr reads (the name of #FNAMN).',
    '#FLAGGA 0\n#FORMAT PC8\n#FNAMN "Ödeby kommun\n#RAR 0 20240101 20241231\n')
bad('bad-open-quote-object', 'A quote left open inside an object list.',
    HEAD + '#VER A 1 20240115\n{\n#TRANS 4010 {1 "110} 12.50\n}\n')
bad('bad-ksumma', 'A #KSUMMA that does not match the records: changed on the way.',
    BOOKS, checksum=12345)
bad('bad-cut-off-voucher', 'A file cut off inside a voucher (no closing }).',
    HEAD + '#VER A 1 20240115\n{\n#TRANS 4010 {} 12.50\n#TRANS 1930 {} -12.50\n')
bad('bad-cut-off-ksumma', 'A checksummed file cut off before its closing #KSUMMA.',
    '#FLAGGA 0\n#KSUMMA\n#FORMAT PC8\n#SIETYP 2\n#RAR 0 20240101 20241231\n#PSALDO 0 202401 4010 {} 1.00\n')
bad('bad-dim', 'An unknown dimension for --dim: the file declares 1 and 6.',
    BOOKS, args='import books.se --init wb --dim 7')
bad('bad-utf8-in-pc8', 'UTF-8 bytes in a file declared PC8 whose other text is CP437.',
    None, raw=('#FLAGGA 0\n#FORMAT PC8\n#SIETYP 3\n#FNAMN "Ödeby"\n'.encode('cp437') +
               '#RAR 0 20240101 20241231\n#DIM 1 Ansvar\n#OBJEKT 1 110 "Äldreomsorg"\n'.encode('utf-8')))
bad('bad-unbalanced', 'A voucher that does not balance: the #VER line.',
    HEAD + '#VER A 1 20240115 "Inköp"\n{\n#TRANS 4010 {} 12.50\n#TRANS 1930 {} -12.00\n}\n')
bad('bad-fiscal-year', 'A fiscal year that is not the calendar year (September to August).',
    '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 2\n#RAR 0 20230901 20240831\n')
bad('bad-rtrans', 'An #RTRANS whose #TRANS copy is missing.',
    HEAD + '#VER A 1 20240115\n{\n#RTRANS 4010 {} 12.50 20240201\n#TRANS 1930 {} -12.50\n}\n')
bad('bad-reading-unclear', 'Balance rows with objects that cannot be told: no {} row equals a '
    'dimension\'s rows, none is missing.',
    '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 3\n#RAR 0 20240101 20241231\n#DIM 1 Ansvar\n'
    '#PSALDO 0 202401 4010 {} 100.00\n#PSALDO 0 202401 4010 {1 "110"} 40.00\n')
bad('bad-reading-conflict', 'Balance rows read both ways in one file.',
    '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 3\n#RAR 0 20240101 20241231\n#DIM 1 Ansvar\n'
    '#PSALDO 0 202401 4010 {} 100.00\n#PSALDO 0 202401 4010 {1 "110"} 100.00\n'
    '#PSALDO 0 202402 4010 {1 "110"} 40.00\n')
READ = ('#FLAGGA 0\n#FORMAT PC8\n#SIETYP 3\n#RAR 0 20240101 20241231\n#DIM 1 Ansvar\n'
        '#PSALDO 0 202401 4010 {} 100.00\n#PSALDO 0 202401 4010 {1 "110"} 40.00\n')
case('reading-totals', '''# --reading totals decides what the file cannot tell: {} 100 is the total, 40 of it on 110,
# 60 on the rest.
args: import books.se --init wb --reading totals
exit: 0
''', [('books.se', sie(READ))], b'')
case('reading-partition', '''# --reading partition: {} 100 is the part without objects, 40 more on 110.
args: import books.se --init wb --reading partition
exit: 0
''', [('books.se', sie(READ))], b'')
case('utf8-declared-pc8', '''# A file declared PC8 whose bytes are all UTF-8: read as UTF-8, and said so.
args: import books.se --init wb
exit: 0
''', [('books.se', '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 3\n#FNAMN "Ödeby"\n#RAR 0 20240101 20241231\n'
       '#DIM 1 Ansvar\n#OBJEKT 1 110 "Äldreomsorg"\n#PSALDO 0 202401 4010 {1 110} 1.00\n'.encode('utf-8'))], b'')
case('cp1252-declared-pc8', '''# A file declared PC8 whose letters are Windows-1252: read as Windows-1252, and said so.
args: import books.se --init wb
exit: 0
''', [('books.se', '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 3\n#FNAMN "Ödeby"\n#RAR 0 20240101 20241231\n'
       '#DIM 1 Ansvar\n#OBJEKT 1 110 "Äldreomsorg"\n#PSALDO 0 202401 4010 {1 110} 1.00\n'.encode('cp1252'))], b'')
