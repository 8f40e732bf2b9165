/* gen-sie.c — a deterministic SIE 4E file for the SIE import benchmark, and the same
 * transactions as a general-ledger CSV (with its map), so that kkr import can be timed on
 * both in one run.
 *
 * usage: gen-sie TRANS FILE.se LEDGER.csv MAP.csv [SEED]
 * TRANS #TRANS rows in vouchers of 4 (three rows on Kommun-Bas accounts 1xxx-8xxx, one on 1930
 * that balances them); each row {1 "kst" [6 "projekt"]}, transdat, a quoted text, some with
 * \" inside; CP437 (#FORMAT PC8) with Swedish letters in the texts; #KSUMMA over the whole.
 * The CSV has one row per #TRANS: Verifikat;Datum;Vht;Konto;Projekt;Text;Belopp (decimal
 * comma, Windows-1252), MAP.csv maps every kst to itself, so both imports give the same utfall rows. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

static uint64_t state;

static uint64_t next(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
    return (unsigned)(next() % n);
}

/* CP437: å 0x86, ä 0x84, ö 0x94, Ö 0x99 */
static const char *const words[] = {
    "Faktura", "L\x94ner", "M\x86ltider", "F\x94rbrukningsmaterial", "Hyra", "St\x84" "dning",
    "Leasing", "Bilar", "Kontorsmaterial", "L\x84kemedel", "Tj\x84nsteresa", "Konsulter",
    "Utbildning", "Hemtj\x84nst", "S\x84rskilt boende", "Ahlsell AB", "Menigo", "Apoteket",
    "Vattenfall", "Avgift", "Omsorgsavgift", "Ers\x84ttning", "R\x84ttelse", "Kreditnota",
    "\x99ppenv\x86rd", "Bl\x94jor", "Telefoni", "Porto", "Friskv\x86rd",
};
#define WORD_COUNT (sizeof words / sizeof words[0])
#define KST_COUNT 40

struct account {
    int number;
    int sign;
    int weight;
};

struct out {
    FILE *fp;
    char buf[1 << 16];
    size_t len;
    uLong crc;
    int crc_on;
};

static void flush(struct out *o)
{
    fwrite(o->buf, 1, o->len, o->fp);
    o->len = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
    if (o->len + n > sizeof o->buf)
        flush(o);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* the checksum sees labels and field contents only */
static void crc(struct out *o, const char *s, size_t n)
{
    if (o->crc_on)
        o->crc = crc32(o->crc, (const Bytef *)s, (uInt)n);
}

static size_t fmt_uint(char *p, uint64_t v, int min_digits)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < min_digits)
        tmp[n++] = '0';
    size_t len = (size_t)n;
    while (n)
        *p++ = tmp[--n];
    return len;
}

static size_t fmt_amount(char *p, int64_t ore, char point)
{
    size_t n = 0;
    uint64_t mag = ore < 0 ? (uint64_t)-ore : (uint64_t)ore;
    if (ore < 0)
        p[n++] = '-';
    n += fmt_uint(p + n, mag / 100, 1);
    p[n++] = point;
    n += fmt_uint(p + n, mag % 100, 2);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: gen-sie TRANS FILE.se LEDGER.csv MAP.csv [SEED]\n");
        return 2;
    }
    uint64_t rows = strtoull(argv[1], NULL, 10);
    state = argc > 5 ? strtoull(argv[5], NULL, 10) : 20240510;

    char kst[KST_COUNT][8];
    for (int i = 0; i < KST_COUNT; i++)
        snprintf(kst[i], sizeof kst[i], "%d", 1000 + i * 37 + (int)below(30));
    FILE *map = fopen(argv[4], "w");
    if (!map) {
        perror(argv[4]);
        return 1;
    }
    fputs("kod;verksamhet\n", map);
    for (int i = 0; i < KST_COUNT; i++)
        fprintf(map, "%s;%s\n", kst[i], kst[i]);
    if (fclose(map) != 0) {
        perror(argv[4]);
        return 1;
    }

    struct account accounts[300];
    int na = 0;
    static const struct { int from; int count; int sign; int weight; } classes[] = {
        {1510, 15, 0, 2}, {2440, 15, 0, 3}, {3010, 45, -1, 5}, {4010, 60, 1, 6},
        {5010, 60, 1, 8}, {6010, 50, 1, 6}, {7010, 40, 1, 3}, {8410, 15, 0, 1},
    };
    for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++)
        for (int i = 0; i < classes[c].count && na < 300; i++)
            accounts[na++] = (struct account){classes[c].from + i * 10 % 980 + i % 10,
                                              classes[c].sign, classes[c].weight};
    int total_weight = 0;
    for (int i = 0; i < na; i++)
        total_weight += accounts[i].weight;

    static char cp1252[256];
    for (int i = 0; i < 256; i++)
        cp1252[i] = (char)i;
    cp1252[0x86] = (char)0xE5, cp1252[0x84] = (char)0xE4, cp1252[0x94] = (char)0xF6;
    cp1252[0x99] = (char)0xD6;
    static struct out se, csv;
    se.fp = fopen(argv[2], "w");
    csv.fp = fopen(argv[3], "w");
    if (!se.fp || !csv.fp) {
        perror(!se.fp ? argv[2] : argv[3]);
        return 1;
    }
    /* the head, each record as a label and its fields for the checksum */
    static const char *const head[][4] = {
        {"#FLAGGA", "0", NULL, NULL}, {"#KSUMMA", NULL, NULL, NULL},
        {"#PROGRAM", "gen-sie", "1.0", NULL}, {"#FORMAT", "PC8", NULL, NULL},
        {"#GEN", "20240510", NULL, NULL}, {"#SIETYP", "4", NULL, NULL},
        {"#FNAMN", "\x99" "deby kommun", NULL, NULL},
        {"#RAR", "0", "20240101", "20241231"}, {"#DIM", "1", "Ansvar", NULL},
        {"#DIM", "6", "Projekt", NULL},
    };
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
        for (int k = 0; k < 4 && head[i][k]; k++) {
            int quoted = k > 0 && strchr(head[i][k], ' ');
            if (k)
                puts_(&se, " ");
            if (quoted)
                puts_(&se, "\"");
            puts_(&se, head[i][k]);
            if (quoted)
                puts_(&se, "\"");
            crc(&se, head[i][k], strlen(head[i][k]));
        }
        puts_(&se, "\n");
        if (i == 1)
            se.crc_on = 1, se.crc = crc32(0, Z_NULL, 0);
    }
    for (int i = 0; i < KST_COUNT; i++) {
        char name[64];
        int n = snprintf(name, sizeof name, "Ansvar %s %s", kst[i], words[i % WORD_COUNT]);
        puts_(&se, "#OBJEKT 1 \"");
        puts_(&se, kst[i]);
        puts_(&se, "\" \"");
        puts_(&se, name);
        puts_(&se, "\"\n");
        crc(&se, "#OBJEKT1", 8);
        crc(&se, kst[i], strlen(kst[i]));
        crc(&se, name, (size_t)n);
    }
    puts_(&csv, "Verifikat;Datum;Vht;Konto;Projekt;Text;Belopp\n");

    uint64_t vouchers = (rows + 3) / 4;
    uint64_t done = 0;
    for (uint64_t v = 0; v < vouchers; v++) {
        int month = 1 + (int)(v * 12 / vouchers);
        int day = 1 + (int)below(28);
        char date[9];
        fmt_uint(date, (uint64_t)(20240000 + month * 100 + day), 8);
        date[8] = '\0';
        char vnr[24];
        size_t vl = fmt_uint(vnr, v + 1, 1);
        vnr[vl] = '\0';
        puts_(&se, "#VER A ");
        puts_(&se, vnr);
        puts_(&se, " ");
        puts_(&se, date);
        puts_(&se, " \"Verifikat ");
        puts_(&se, vnr);
        puts_(&se, "\"\n{\n");
        crc(&se, "#VERA", 5);
        crc(&se, vnr, vl);
        crc(&se, date, 8);
        crc(&se, "Verifikat ", 10);
        crc(&se, vnr, vl);
        int64_t sum = 0;
        int in_voucher = rows - done < 4 ? (int)(rows - done) : 4;
        for (int k = 0; k < in_voucher; k++, done++) {
            int account;
            int64_t ore;
            if (k < in_voucher - 1 || in_voucher == 1) {
                int w = (int)below((unsigned)total_weight), a = 0;
                while (w >= accounts[a].weight)
                    w -= accounts[a++].weight;
                account = accounts[a].number;
                int sign = accounts[a].sign ? accounts[a].sign : (below(2) ? 1 : -1);
                if (below(20) == 0)
                    sign = -sign;
                int64_t mag = 10;
                for (int q = (int)below(5); q > 0; q--)
                    mag *= 10;
                ore = (mag * 100 + (int64_t)(next() % (uint64_t)(mag * 900))) * sign;
                if (in_voucher == 1)
                    ore = 0;   /* a lone row must balance itself */
                sum += ore;
            } else {
                account = 1930;
                ore = -sum;
            }
            const char *code = kst[below(KST_COUNT)];
            char proj[8] = "";
            if (below(4) == 0)
                fmt_uint(proj, 100 + below(900), 3), proj[3] = '\0';
            char text[96];
            unsigned q = below(100);
            const char *w1 = words[below(WORD_COUNT)], *w2 = words[below(WORD_COUNT)];
            int tl = q < 3 ? snprintf(text, sizeof text, "%s \"%s\"", w1, w2)
                           : snprintf(text, sizeof text, "%s %s", w1, w2);
            char acc[8], am[32];
            size_t al = fmt_uint(acc, (uint64_t)account, 4);
            acc[al] = '\0';
            size_t aml = fmt_amount(am, ore, '.');
            /* \t#TRANS 4010 {1 "1037" 6 "123"} -1234.50 20240115 "text" */
            puts_(&se, "\t#TRANS ");
            put(&se, acc, al);
            puts_(&se, " {1 \"");
            puts_(&se, code);
            puts_(&se, "\"");
            crc(&se, "#TRANS", 6);
            crc(&se, acc, al);
            crc(&se, "1", 1);
            crc(&se, code, strlen(code));
            if (proj[0]) {
                puts_(&se, " 6 \"");
                puts_(&se, proj);
                puts_(&se, "\"");
                crc(&se, "6", 1);
                crc(&se, proj, strlen(proj));
            }
            puts_(&se, "} ");
            put(&se, am, aml);
            puts_(&se, " ");
            puts_(&se, date);
            puts_(&se, " \"");
            crc(&se, am, aml);
            crc(&se, date, 8);
            for (int i = 0; i < tl; i++) {
                if (text[i] == '"')
                    puts_(&se, "\\");
                put(&se, text + i, 1);
            }
            crc(&se, text, (size_t)tl);
            puts_(&se, "\"\n");

            /* the same row in the ledger: the text's quotes doubled inside a quoted field */
            puts_(&csv, "A");
            puts_(&csv, vnr);
            puts_(&csv, ";");
            put(&csv, date, 4);
            puts_(&csv, "-");
            put(&csv, date + 4, 2);
            puts_(&csv, "-");
            put(&csv, date + 6, 2);
            puts_(&csv, ";");
            puts_(&csv, code);
            puts_(&csv, ";");
            put(&csv, acc, al);
            puts_(&csv, ";");
            puts_(&csv, proj);
            puts_(&csv, ";");
            /* Windows-1252, as Swedish Excel writes it */
            if (q < 3)
                puts_(&csv, "\"");
            for (int i = 0; i < tl; i++) {
                if (text[i] == '"')
                    puts_(&csv, "\"");
                put(&csv, &cp1252[(unsigned char)text[i]], 1);
            }
            if (q < 3)
                puts_(&csv, "\"");
            puts_(&csv, ";");
            size_t cl = fmt_amount(am, ore, ',');
            put(&csv, am, cl);
            puts_(&csv, "\n");
        }
        puts_(&se, "}\n");
    }
    char k[32];
    snprintf(k, sizeof k, "#KSUMMA %lu\n", (unsigned long)se.crc);
    puts_(&se, k);
    flush(&se);
    flush(&csv);
    if (fclose(se.fp) != 0 || fclose(csv.fp) != 0) {
        perror("gen-sie");
        return 1;
    }
    return 0;
}
