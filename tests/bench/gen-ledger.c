/* gen-ledger.c — a deterministic, realistic general-ledger export for the import benchmark:
 * Raindance-style columns, ';', decimal comma, öre, ~40 verksamhet codes, ~300 accounts,
 * 12 periods, Swedish texts, some quoted with ';' and doubled quotes.
 *
 * usage: gen-ledger ROWS LEDGER.csv MAP.csv [SEED]
 * The same ROWS and SEED give the same bytes. MAP.csv maps every code but one ("999", about
 * 0.5 % of the rows) to one of 15 units; it has no prefixes, so a SQL join can do the same. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint64_t next(void)
{
    /* splitmix64 */
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
    return (unsigned)(next() % n);
}

static const char *const units[] = {
    "POL", "FOV", "AO", "SB", "KB", "HT", "OAO", "HSL", "LSS", "GB", "PLL", "PLP", "KV", "PA",
    "OLP",
};
#define UNIT_COUNT (sizeof units / sizeof units[0])
#define CODE_COUNT 40

static const char *const words[] = {
    "Faktura", "Löner", "Måltider", "Förbrukningsmaterial", "Hyra", "Städning", "Leasing",
    "Bilar", "Kontorsmaterial", "Läkemedel", "Tjänsteresa", "Konsulter", "Utbildning",
    "Hemtjänst", "Särskilt boende", "Ahlsell AB", "Menigo", "Apoteket", "Vattenfall",
    "Avgift", "Omsorgsavgift", "Ersättning", "Försäkringskassan", "Rättelse", "Kreditnota",
    "juni", "vecka 23", "Öppenvård", "Blöjor", "Telefoni", "Porto", "Friskvård",
};
#define WORD_COUNT (sizeof words / sizeof words[0])

struct account {
    int number;
    int sign;      /* usual sign: -1 revenue, +1 cost, 0 either */
    int weight;
};

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

static char *put_uint(char *p, uint64_t v, int min_digits)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < min_digits)
        tmp[n++] = '0';
    while (n)
        *p++ = tmp[--n];
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: gen-ledger ROWS LEDGER.csv MAP.csv [SEED]\n");
        return 2;
    }
    uint64_t rows = strtoull(argv[1], NULL, 10);
    state = argc > 4 ? strtoull(argv[4], NULL, 10) : 20200603;

    /* 40 codes: Raindance-style 3-4 digit verksamhet numbers */
    char codes[CODE_COUNT][8];
    int code_unit[CODE_COUNT];
    for (int i = 0; i < CODE_COUNT; i++) {
        int base = 100 + (int)(i / 3) * 100 + (i % 3) * 10 + (int)below(10);
        if (i % 7 == 3)
            base = base * 10 + (int)below(10);   /* a few 4-digit codes */
        snprintf(codes[i], sizeof codes[i], "%d", i == CODE_COUNT - 1 ? 999 : base);
        code_unit[i] = i == CODE_COUNT - 1 ? -1 : (int)(i % UNIT_COUNT);
    }
    FILE *map = fopen(argv[3], "w");
    if (!map) {
        perror(argv[3]);
        return 1;
    }
    fputs("kod;verksamhet\n", map);
    for (int i = 0; i < CODE_COUNT; i++)
        if (code_unit[i] >= 0)
            fprintf(map, "%s;%s\n", codes[i], units[code_unit[i]]);
    if (fclose(map) != 0) {
        perror(argv[3]);
        return 1;
    }

    /* ~300 accounts: Kommun-Bas classes with realistic shares of the rows */
    struct account accounts[300];
    int na = 0;
    static const struct { int from; int count; int sign; int weight; } classes[] = {
        {1510, 15, 0, 2}, {2440, 15, 0, 3},            /* balance: left out */
        {3010, 45, -1, 5},                              /* intäkt */
        {4010, 60, 1, 6}, {5010, 60, 1, 8}, {6010, 50, 1, 6}, {7010, 40, 1, 3},
        {8410, 15, 0, 1},                               /* financial: left out */
    };
    for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++)
        for (int i = 0; i < classes[c].count && na < 300; i++)
            accounts[na++] = (struct account){classes[c].from + i * 10 % 980 + i % 10,
                                              classes[c].sign, classes[c].weight};
    int total_weight = 0;
    for (int i = 0; i < na; i++)
        total_weight += accounts[i].weight;

    FILE *out = fopen(argv[2], "w");
    if (!out) {
        perror(argv[2]);
        return 1;
    }
    static char buf[1 << 16];
    char *p = buf;
    p = put_str(p, "Verifikat;Bokföringsdatum;Period;Ansvar;Vht;Konto;Projekt;Motpart;Text;"
                   "Belopp\n");
    for (uint64_t r = 0; r < rows; r++) {
        if (p - buf > (long)sizeof buf - 512) {
            fwrite(buf, 1, (size_t)(p - buf), out);
            p = buf;
        }
        int month = 1 + (int)(r * 12 / (rows ? rows : 1));
        int day = 1 + (int)below(28);
        int w = (int)below((unsigned)total_weight), a = 0;
        while (w >= accounts[a].weight)
            w -= accounts[a++].weight;
        const struct account *acc = &accounts[a];
        int code = below(200) == 0 ? CODE_COUNT - 1 : (int)below(CODE_COUNT - 1);

        *p++ = 'V';
        p = put_uint(p, 2020000000u + r % 100000000u, 10);
        *p++ = ';';
        p = put_str(p, "2020-");
        p = put_uint(p, (uint64_t)month, 2);
        *p++ = '-';
        p = put_uint(p, (uint64_t)day, 2);
        *p++ = ';';
        p = put_str(p, "2020");
        p = put_uint(p, (uint64_t)month, 2);
        *p++ = ';';
        p = put_uint(p, 1000 + below(9000), 4);
        *p++ = ';';
        p = put_str(p, codes[code]);
        *p++ = ';';
        p = put_uint(p, (uint64_t)acc->number, 4);
        *p++ = ';';
        if (below(4) == 0)
            p = put_uint(p, 10000 + below(90000), 5);
        *p++ = ';';
        if (below(3) == 0)
            p = put_uint(p, 100 + below(900), 3);
        *p++ = ';';
        unsigned q = below(100);
        const char *w1 = words[below(WORD_COUNT)], *w2 = words[below(WORD_COUNT)];
        if (q < 3) {            /* a ';' inside quotes */
            *p++ = '"';
            p = put_str(p, w1);
            p = put_str(p, "; ");
            p = put_str(p, w2);
            *p++ = '"';
        } else if (q < 5) {     /* doubled quotes */
            p = put_str(p, "\"");
            p = put_str(p, w1);
            p = put_str(p, " \"\"");
            p = put_str(p, w2);
            p = put_str(p, "\"\"\"");
        } else {
            p = put_str(p, w1);
            *p++ = ' ';
            p = put_str(p, w2);
            if (q < 50) {
                *p++ = ' ';
                p = put_uint(p, below(100000), 1);
            }
        }
        *p++ = ';';
        /* amounts: mostly the account's usual sign, spread over 10 kr .. 1 Mkr, with öre */
        int sign = acc->sign ? acc->sign : (below(2) ? 1 : -1);
        if (below(20) == 0)
            sign = -sign;   /* credit notes, corrections */
        uint64_t mag = 10;
        for (int k = (int)below(5); k > 0; k--)
            mag *= 10;
        uint64_t ore = mag * 100 + next() % (mag * 900);
        if (sign < 0)
            *p++ = '-';
        p = put_uint(p, ore / 100, 1);
        *p++ = ',';
        p = put_uint(p, ore % 100, 2);
        *p++ = '\n';
    }
    fwrite(buf, 1, (size_t)(p - buf), out);
    if (fclose(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
