/* test-import.c — unit tests for import.c: parsers, map and account rules, and the differential
 * test of the memchr fast path against the libcsv path (every chunk size, the test ledgers and
 * the fuzz corpus tests/fuzz/corpus/import) */
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "kkr/import.h"
#include "kkr/money.h"
#include "kkr/workbook.h"
#include "test.h"

#ifndef KKR_SOURCE_ROOT
#define KKR_SOURCE_ROOT "."
#endif

static char tmpdir[] = "/tmp/kkr-test-import-XXXXXX";

static void put_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fwrite(data, 1, len, f);
    fclose(f);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* ---- parsers ---- */

static void test_amounts(void)
{
    /* the fast parser and kkr_money_parse agree wherever the fast one answers */
    static const char *const ok[] = {
        "0", "1", "-1", "12,5", "12.5", "-0,01", "1234,56", "999999999999999",
        "-999999999999999,99", "1 234,56", "1\xc2\xa0" "234,56", "\xe2\x88\x92" "45,00",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t a = 0, b = 0;
        bool fa = kkr_import_parse_amount(ok[i], strlen(ok[i]), &a);
        bool fb = kkr_money_parse(ok[i], strlen(ok[i]), &b);
        CHECK(fa);
        CHECK(fb);
        CHECK_INT(a, b);
    }
    int64_t v;
    CHECK(kkr_import_parse_amount("-1234,56", 8, &v));
    CHECK_INT(v, -123456);
    CHECK(kkr_import_parse_amount("15000,5", 7, &v));
    CHECK_INT(v, 1500050);
    CHECK(kkr_import_parse_amount("1 250,00", 8, &v));
    CHECK_INT(v, 125000);
    static const char *const bad[] = {
        "", "-", "1,005", "12,3x", "1,", ",5", "--1", "1e5", "3 kr", "92233720368554775807",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!kkr_import_parse_amount(bad[i], strlen(bad[i]), &v));
}

static void test_periods(void)
{
    CHECK_INT(kkr_import_parse_period("202005", 6), 202005);
    CHECK_INT(kkr_import_parse_period("2020-05", 7), 202005);
    CHECK_INT(kkr_import_parse_period("2020-05-31", 10), 202005);
    CHECK_INT(kkr_import_parse_period("20200229", 8), 202002);
    CHECK_INT(kkr_import_parse_period("2020-02-30", 10), 0);
    CHECK_INT(kkr_import_parse_period("20190229", 8), 0);
    CHECK_INT(kkr_import_parse_period("202013", 6), 0);
    CHECK_INT(kkr_import_parse_period("202000", 6), 0);
    CHECK_INT(kkr_import_parse_period("2020/05", 7), 0);
    CHECK_INT(kkr_import_parse_period("2020-5", 6), 0);
    CHECK_INT(kkr_import_parse_period("", 0), 0);
    CHECK_INT(kkr_import_parse_period("189912", 6), 0);
}

static void test_format(void)
{
    char buf[64];
    kkr_import_format_ore(buf, -123456, NULL);
    CHECK_STR(buf, "-1234,56");
    kkr_import_format_ore(buf, 5, NULL);
    CHECK_STR(buf, "0,05");
    kkr_import_format_ore(buf, -190268148, " ");
    CHECK_STR(buf, "-1 902 681,48");
    kkr_import_format_ore(buf, INT64_MIN, " ");
    CHECK_STR(buf, "-92 233 720 368 547 758,08");
}

/* ---- map and accounts ---- */

static void test_map(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/map.csv", tmpdir);
    static const char map_csv[] = "kod;verksamhet\n5*;OAO\n51*;SB\n512;KB\n12*;FOV\n100;POL\n";
    put_file(path, map_csv, sizeof map_csv - 1);
    struct kkr_import_map *map = NULL;
    struct kkr_diag diag;
    CHECK(kkr_import_map_load(path, &map, &diag, NULL) == KKR_OK);
    if (!map)
        return;
    CHECK_INT(kkr_import_map_target_count(map), 5);
    CHECK_STR(kkr_import_map_target(map, 0), "OAO");
    CHECK_STR(kkr_import_map_target(map, (size_t)kkr_import_map_lookup(map, "512", 3)), "KB");
    CHECK_STR(kkr_import_map_target(map, (size_t)kkr_import_map_lookup(map, "5123", 4)), "SB");
    CHECK_STR(kkr_import_map_target(map, (size_t)kkr_import_map_lookup(map, "51", 2)), "SB");
    CHECK_STR(kkr_import_map_target(map, (size_t)kkr_import_map_lookup(map, "5", 1)), "OAO");
    CHECK_STR(kkr_import_map_target(map, (size_t)kkr_import_map_lookup(map, "599", 3)), "OAO");
    CHECK_STR(kkr_import_map_target(map, (size_t)kkr_import_map_lookup(map, "1201", 4)), "FOV");
    CHECK_INT(kkr_import_map_lookup(map, "1", 1), -1);
    CHECK_INT(kkr_import_map_lookup(map, "1000", 4), -1);
    CHECK_INT(kkr_import_map_lookup(map, "", 0), -1);
    CHECK(kkr_import_map_target(map, 99) == NULL);
    kkr_import_map_free(map);

    static const char dup[] = "kod;verksamhet\n5*;OAO\n5*;SB\n";
    put_file(path, dup, sizeof dup - 1);
    CHECK(kkr_import_map_load(path, &map, &diag, NULL) != KKR_OK);
    CHECK(map == NULL);
    CHECK_INT(diag.line, 3);
}

static void test_accounts(void)
{
    CHECK_INT(kkr_import_account_kind(NULL, "3010", 4), KKR_REVENUE);
    CHECK_INT(kkr_import_account_kind(NULL, "4010", 4), KKR_COST);
    CHECK_INT(kkr_import_account_kind(NULL, "79999", 5), KKR_COST);
    CHECK_INT(kkr_import_account_kind(NULL, "8410", 4), -1);
    CHECK_INT(kkr_import_account_kind(NULL, "2440", 4), -1);
    char path[256];
    snprintf(path, sizeof path, "%s/rules.csv", tmpdir);
    static const char rules_csv[] = "från;till;slag\n3000;3999;intäkt\n6990;6990;-\n"
                                    "4000;7999;kostnad\n8400;8499;kostnad\n";
    put_file(path, rules_csv, sizeof rules_csv - 1);
    struct kkr_import_accounts *acc = NULL;
    struct kkr_diag diag;
    CHECK(kkr_import_accounts_load(path, &acc, &diag, NULL) == KKR_OK);
    CHECK_INT(kkr_import_account_kind(acc, "3010", 4), KKR_REVENUE);
    CHECK_INT(kkr_import_account_kind(acc, "6990", 4), -1);
    CHECK_INT(kkr_import_account_kind(acc, "6991", 4), KKR_COST);
    CHECK_INT(kkr_import_account_kind(acc, "8410", 4), KKR_COST);
    CHECK_INT(kkr_import_account_kind(acc, "8110", 4), -1);
    CHECK_INT(kkr_import_account_kind(acc, "45610", 5), -1);
    kkr_import_accounts_free(acc);
}

/* --slag kommunbas: the table of DESIGN §5.2 on the first two digits, rules first. */
static int slag_of(const struct kkr_import_accounts *acc, const char *digits)
{
    int k = kkr_import_account_kind(acc, digits, strlen(digits));
    return k;
}

static const char *slag_code(const struct kkr_import_accounts *acc, const char *digits)
{
    const struct kkr_import_slag *sl = kkr_import_slag(slag_of(acc, digits));
    return sl ? sl->code : "-";
}

static void test_kommunbas(void)
{
    struct kkr_import_accounts *acc = NULL;
    struct kkr_diag diag;
    CHECK(kkr_import_accounts_new("bas", &acc, &diag) == KKR_ERR_USAGE && acc == NULL);
    CHECK(kkr_import_accounts_new("kommunbas", &acc, &diag) == KKR_OK);
    if (!acc)
        return;
    CHECK(kkr_import_accounts_kommunbas(acc) && !kkr_import_accounts_kommunbas(NULL));
    CHECK_INT(kkr_import_accounts_slag_count(acc), KKR_IMPORT_SLAG_COUNT);
    CHECK_INT(kkr_import_accounts_slag_count(NULL), KKR_TYPES);
    static const char *const want[][2] = {
        {"3010", "försäljning"}, {"3099", "försäljning"}, {"3110", "avgifter"},
        {"3210", "övriga_intäkter"}, {"3410", "hyror"}, {"3510", "bidrag"},
        {"3990", "övriga_intäkter"}, {"3", "övriga_intäkter"}, {"4010", "övriga_kostnader"},
        {"4610", "köp"}, {"46100", "köp"}, {"4", "övriga_kostnader"}, {"5010", "personal"},
        {"5", "personal"}, {"6010", "lokaler"}, {"6199", "lokaler"},
        {"6210", "övriga_kostnader"}, {"7010", "övriga_kostnader"},
        {"7810", "övriga_kostnader"}, {"7910", "kapital"}, {"1930", "-"}, {"2440", "-"},
        {"8410", "-"}, {"9000", "-"}, {"0301", "-"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *got = slag_code(acc, want[i][0]);
        if (strcmp(got, want[i][1]) != 0)
            fprintf(stderr, "account %s: %s, expected %s\n", want[i][0], got, want[i][1]);
        CHECK(strcmp(got, want[i][1]) == 0);
    }
    /* each slag under its typ, typer first in the order */
    for (int k = KKR_TYPES; k < KKR_IMPORT_SLAG_COUNT; k++) {
        const struct kkr_import_slag *sl = kkr_import_slag(k);
        CHECK(kkr_import_slag_order(sl->typ) < kkr_import_slag_order(k));
        CHECK(sl->typ != KKR_REVENUE || kkr_import_slag_order(k) < kkr_import_slag_order(KKR_COST));
    }
    CHECK(kkr_import_slag(KKR_IMPORT_SLAG_COUNT) == NULL && kkr_import_slag(-1) == NULL);
    /* rules come first, may name the table's slag and the typer; the table fills the rest */
    char path[256];
    snprintf(path, sizeof path, "%s/rules-kb.csv", tmpdir);
    static const char rules_csv[] = "från;till;slag\n7800;7899;kapital\n5400;5499;kostnad\n"
                                    "6100;6199;-\n8400;8499;Övriga_kostnader\n";
    put_file(path, rules_csv, sizeof rules_csv - 1);
    CHECK(kkr_import_accounts_read(acc, path, &diag, NULL) == KKR_OK);
    CHECK(strcmp(slag_code(acc, "7810"), "kapital") == 0);
    CHECK(strcmp(slag_code(acc, "5410"), "kostnad") == 0);
    CHECK(strcmp(slag_code(acc, "5010"), "personal") == 0);
    CHECK(strcmp(slag_code(acc, "6110"), "-") == 0);
    CHECK(strcmp(slag_code(acc, "6010"), "lokaler") == 0);
    CHECK(strcmp(slag_code(acc, "8410"), "övriga_kostnader") == 0);
    CHECK(strcmp(slag_code(acc, "8310"), "-") == 0);
    /* a table slag without --slag kommunbas is refused */
    struct kkr_import_accounts *plain = NULL;
    CHECK(kkr_import_accounts_load(path, &plain, &diag, NULL) == KKR_ERR_SYNTAX && !plain);
    CHECK(strstr(diag.message, "needs --slag kommunbas") != NULL);
    kkr_import_accounts_free(acc);
}

static void test_columns(void)
{
    struct kkr_import_options opt;
    kkr_import_options_init(&opt);
    struct kkr_diag diag;
    char spec[] = "verksamhet=Kst,Konto=Kto,date=Bokf.period,belopp=Summa SEK";
    CHECK(kkr_import_options_columns(&opt, spec, &diag) == KKR_OK);
    CHECK_STR(opt.columns[KKR_IMPORT_UNIT], "Kst");
    CHECK_STR(opt.columns[KKR_IMPORT_ACCOUNT], "Kto");
    CHECK_STR(opt.columns[KKR_IMPORT_PERIOD], "Bokf.period");
    CHECK_STR(opt.columns[KKR_IMPORT_AMOUNT], "Summa SEK");
    char bad1[] = "kst=Kst";
    CHECK(kkr_import_options_columns(&opt, bad1, &diag) == KKR_ERR_USAGE);
    char bad2[] = "belopp";
    CHECK(kkr_import_options_columns(&opt, bad2, &diag) == KKR_ERR_USAGE);
}

/* ---- the differential test: fast path vs libcsv path ---- */

struct run {
    enum kkr_status st;
    struct kkr_diag diag;
    struct kkr_import_result *res;
};

static void run_import(const char *path, const struct kkr_import_map *map,
                       const struct kkr_import_accounts *acc, bool slow, size_t chunk,
                       struct run *out)
{
    struct kkr_import_options opt;
    kkr_import_options_init(&opt);
    opt.slow_path_only = slow;
    opt.chunk_size = chunk;
    kkr_diag_clear(&out->diag);
    out->res = NULL;
    out->st = kkr_import_read(path, map, acc, &opt, &out->res, &out->diag, NULL);
}

/* Everything but the path counters; returns false (and says where) on the first difference. */
static bool same_run(const char *what, const struct run *a, const struct run *b)
{
#define SAME(cond) do { if (!(cond)) { \
        fprintf(stderr, "%s: fast and libcsv paths differ: %s\n", what, #cond); \
        return false; } } while (0)
    SAME(a->st == b->st);
    if (a->st != KKR_OK) {
        SAME(a->diag.line == b->diag.line);
        SAME(a->diag.column == b->diag.column);
        SAME(strcmp(a->diag.message, b->diag.message) == 0);
        return true;
    }
    const struct kkr_import_result *x = a->res, *y = b->res;
    SAME(x->rows_read == y->rows_read && x->read_ore == y->read_ore);
    SAME(x->rows_imported == y->rows_imported && x->imported_ore == y->imported_ore);
    SAME(memcmp(x->left_out_rows, y->left_out_rows, sizeof x->left_out_rows) == 0);
    SAME(memcmp(x->left_out_ore, y->left_out_ore, sizeof x->left_out_ore) == 0);
    SAME(x->cell_count == y->cell_count);
    for (size_t i = 0; i < x->cell_count; i++) {
        const struct kkr_import_cell *c = &x->cells[i], *d = &y->cells[i];
        SAME(c->target == d->target && c->kind == d->kind && c->period == d->period);
        SAME(c->amount_ore == d->amount_ore && c->rows == d->rows);
    }
    SAME(x->period_count == y->period_count);
    SAME(memcmp(x->periods, y->periods, x->period_count * sizeof(int)) == 0);
    SAME(x->unmapped_count == y->unmapped_count);
    for (size_t i = 0; i < x->unmapped_count; i++) {
        const struct kkr_import_unmapped *u = &x->unmapped[i], *v = &y->unmapped[i];
        SAME(strcmp(u->code, v->code) == 0 && u->rows == v->rows);
        SAME(u->amount_ore == v->amount_ore);
        SAME(u->first_line == v->first_line && u->column == v->column);
    }
    SAME(x->bytes_read == y->bytes_read && x->cp1252 == y->cp1252);
    SAME(x->fast_rows + x->slow_rows == y->fast_rows + y->slow_rows);
    return true;
#undef SAME
}

static void check_accounting(const char *what, const struct kkr_import_result *r)
{
    uint64_t rows = r->rows_imported;
    int64_t ore = r->imported_ore;
    for (int c = 0; c < 10; c++) {
        rows += r->left_out_rows[c];
        ore += r->left_out_ore[c];
    }
    for (size_t i = 0; i < r->unmapped_count; i++) {
        rows += r->unmapped[i].rows;
        ore += r->unmapped[i].amount_ore;
    }
    int64_t cells = 0;
    for (size_t i = 0; i < r->cell_count; i++)
        cells += r->cells[i].amount_ore;
    if (rows != r->rows_read || ore != r->read_ore || cells != r->imported_ore)
        fprintf(stderr, "%s: rows or öre not accounted for\n", what);
    CHECK(rows == r->rows_read);
    CHECK(ore == r->read_ore);
    CHECK(cells == r->imported_ore);
}

/* Compares the fast path (default chunk) with the libcsv path and with both at small chunk
 * sizes (lines straddling reads). Returns the fast run's rows through each path. */
static void differential(const char *what, const char *path, const struct kkr_import_map *map,
                         const struct kkr_import_accounts *acc, uint64_t *fast_rows,
                         uint64_t *slow_rows, enum kkr_status *status)
{
    struct run fast, slow;
    run_import(path, map, acc, false, 0, &fast);
    run_import(path, map, acc, true, 0, &slow);
    CHECK(same_run(what, &fast, &slow));
    if (fast.st == KKR_OK) {
        check_accounting(what, fast.res);
        CHECK(slow.res->fast_rows == 0);
        *fast_rows += fast.res->fast_rows;
        *slow_rows += fast.res->slow_rows;
    } else {
        CHECK(fast.res == NULL && fast.diag.message[0] != '\0');
    }
    *status = fast.st;
    static const size_t chunks[] = {1, 2, 7, 64, 65, 1000};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++)
        for (int s = 0; s < 2; s++) {
            struct run other;
            run_import(path, map, acc, s, chunks[i], &other);
            char label[600];
            snprintf(label, sizeof label, "%s (chunk %zu, %s)", what, chunks[i],
                     s ? "libcsv" : "fast");
            CHECK(same_run(label, &fast, &other));
            kkr_import_result_free(other.res);
        }
    kkr_import_result_free(fast.res);
    kkr_import_result_free(slow.res);
}

static void test_ledgers(void)
{
    struct kkr_import_map *map = NULL;
    struct kkr_import_accounts *acc = NULL;
    struct kkr_diag diag;
    CHECK(kkr_import_map_load(KKR_SOURCE_ROOT "/tests/data/import/map.csv", &map, &diag,
                              NULL) == KKR_OK);
    CHECK(kkr_import_accounts_load(KKR_SOURCE_ROOT "/tests/data/import/rules.csv", &acc, &diag,
                                   NULL) == KKR_OK);
    if (!map || !acc)
        return;
    /* --slag kommunbas (the table alone): both paths, every chunk size */
    struct kkr_import_accounts *kb = NULL;
    CHECK(kkr_import_accounts_new("kommunbas", &kb, &diag) == KKR_OK);
    static const char *const ledgers[] = {"ledger.csv", "ledger-cp1252.csv"};
    for (size_t i = 0; i < 2; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/tests/data/import/%s", KKR_SOURCE_ROOT, ledgers[i]);
        uint64_t f = 0, s = 0;
        enum kkr_status st;
        differential(path, path, map, NULL, &f, &s, &st);
        CHECK(st == KKR_OK);
        CHECK(f > 0 && s > 0);      /* both paths really ran */
        CHECK_INT(f + s, 57);
        differential(path, path, map, acc, &f, &s, &st);
        CHECK(st == KKR_OK);
        if (kb) {
            differential(path, path, map, kb, &f, &s, &st);
            CHECK(st == KKR_OK);
        }
    }

    /* the hand-checked figures of the ledger (the CLI case import/ledger.test has them all) */
    struct run r;
    run_import(KKR_SOURCE_ROOT "/tests/data/import/ledger.csv", map, NULL, false, 0, &r);
    CHECK(r.st == KKR_OK);
    if (r.res) {
        CHECK_INT(r.res->rows_read, 57);
        CHECK_INT(r.res->read_ore, 190268148);
        CHECK_INT(r.res->rows_imported, 45);
        CHECK_INT(r.res->imported_ore, 198360018);
        CHECK_INT(r.res->left_out_rows[8], 3);
        CHECK_INT(r.res->left_out_ore[8], 309900);
        CHECK_INT(r.res->unmapped_count, 3);
        CHECK_INT(r.res->cell_count, 26);
        CHECK_INT(r.res->period_count, 2);
        CHECK(!r.res->cp1252);
    }
    kkr_import_result_free(r.res);
    kkr_import_accounts_free(kb);
    kkr_import_accounts_free(acc);
    kkr_import_map_free(map);
}

/* The fuzz corpus: byte 0 is the harness's option byte, the ledger runs up to "\n--8<--\n". */
static void test_corpus(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/map.csv", tmpdir);
    static const char map_csv[] = "kod;verksamhet\n1*;POL\n10;AO\n2*;SB\nABC;HT\n=X;HT\n";
    put_file(path, map_csv, sizeof map_csv - 1);
    struct kkr_import_map *map = NULL;
    struct kkr_diag diag;
    CHECK(kkr_import_map_load(path, &map, &diag, NULL) == KKR_OK);
    if (!map)
        return;
    const char *dir = KKR_SOURCE_ROOT "/tests/fuzz/corpus/import";
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d) {
        kkr_import_map_free(map);
        return;
    }
    struct dirent *e;
    int files = 0, ok = 0;
    uint64_t f = 0, s = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char src[1024], dst[512];
        snprintf(src, sizeof src, "%s/%s", dir, e->d_name);
        size_t len;
        char *data = slurp(src, &len);
        if (!data || len == 0) {
            free(data);
            continue;
        }
        const char *ledger = data + 1, *end = data + len;
        const char *sep = memmem(ledger, (size_t)(end - ledger), "\n--8<--\n", 8);
        size_t llen = sep ? (size_t)(sep - ledger) : (size_t)(end - ledger);
        snprintf(dst, sizeof dst, "%s/corpus-ledger.csv", tmpdir);
        put_file(dst, ledger, llen);
        enum kkr_status st;
        differential(src, dst, map, NULL, &f, &s, &st);
        files++;
        ok += st == KKR_OK;
        free(data);
    }
    closedir(d);
    printf("fuzz corpus: %d ledgers (%d read, %d rejected alike), %llu rows fast, %llu libcsv\n",
           files, ok, files - ok, (unsigned long long)f, (unsigned long long)s);
    CHECK(files > 0);
    kkr_import_map_free(map);
}

/* Small ledgers at the edges the fuzzer found: both paths must agree on each. */
static void test_edges(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/map.csv", tmpdir);
    static const char map_csv[] = "kod;verksamhet\n1*;POL\n10;AO\n";
    put_file(path, map_csv, sizeof map_csv - 1);
    struct kkr_import_map *map = NULL;
    struct kkr_diag diag;
    CHECK(kkr_import_map_load(path, &map, &diag, NULL) == KKR_OK);
    if (!map)
        return;
    static const struct { const char *name, *text; enum kkr_status st; } edges[] = {
        /* a lone CR ends a record in libcsv, so the fast path hands the line over */
        {"lone CR", "Vht;Konto;Text;Period;Belopp\n10;4010;a\rb;202001;1\n", KKR_ERR_SYNTAX},
        {"CR at the end", "Vht;Konto;Period;Belopp\n10;4010;202001;1\r", KKR_OK},
        {"CRLF", "Vht;Konto;Period;Belopp\r\n10;4010;202001;1\r\n10;4010;202002;2\r\n",
         KKR_OK},
        /* every role field empty and quoted: libcsv's field buffer was never allocated */
        {"empty quoted", "Vht;Konto;Period;Belopp;Text\n;;;;\"\"\n10;4010;202001;1;x\n", KKR_OK},
        {"bad period before NUL",
         "Vht;Konto;Period;Belopp\n10;4010;2020-05-1;2\n10;4\0;202001;3\n", KKR_ERR_SYNTAX},
        {"blank lines", "Vht;Konto;Period;Belopp\n\n;;;\n  \n10;4010;202001;1\n\n", KKR_OK},
        {"only a header", "Vht;Konto;Period;Belopp\n", KKR_OK},
        {"quote over lines", "Vht;Konto;Text;Period;Belopp\n10;4010;\"a\n\nb\";202001;1\n"
                             "10;4010;c;202001;2\n", KKR_OK},
    };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        char dst[512];
        snprintf(dst, sizeof dst, "%s/edge.csv", tmpdir);
        size_t len = strlen(edges[i].text);
        if (strstr(edges[i].name, "NUL"))
            len += strlen(edges[i].text + len + 1) + 1;   /* the text goes on after the NUL */
        put_file(dst, edges[i].text, len);
        uint64_t f = 0, s = 0;
        enum kkr_status st;
        differential(edges[i].name, dst, map, NULL, &f, &s, &st);
        if (st != edges[i].st)
            fprintf(stderr, "edge '%s': status %d, expected %d\n", edges[i].name, st,
                    edges[i].st);
        CHECK(st == edges[i].st);
    }
    kkr_import_map_free(map);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_amounts();
    test_periods();
    test_format();
    test_map();
    test_accounts();
    test_kommunbas();
    test_columns();
    test_ledgers();
    test_edges();
    test_corpus();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    TEST_MAIN_END();
}
