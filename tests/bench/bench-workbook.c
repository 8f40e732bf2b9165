/* bench-workbook.c — load + report throughput on a large generated workbook
 *
 * usage: bench-workbook [DIR [REPEATS]]     (default /tmp/kkr-bench-workbook, 5 repeats)
 *
 * Writes a workbook of 2 000 units (40 förvaltningsområden × 49 verksamheter + the 40
 * parents) × 2 slag × 12 months × 5 years of utfall, the budget of the fiscal year and a
 * prognos per leaf, then runs itself as a fresh process (so peak memory is the measured
 * work's own, not the generator's) and prints:
 *   - load time, rows per second, roll-up + text report time (best of REPEATS);
 *   - baselines measured in the same run: the same load with the CSV fast path off (every
 *     row through libcsv), and libcsv alone parsing the same files with empty callbacks;
 *   - peak resident memory against the input size.
 * Targets (issue 2): >= 2 million workbook rows per second, peak memory < 5 x input.
 */
#define _POSIX_C_SOURCE 200809L
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kkr/csv.h"
#include "kkr/report.h"
#include "kkr/rollup.h"
#include "kkr/workbook.h"

enum { PARENTS = 40, CHILDREN = 49, YEARS = 5, FIRST_YEAR = 2020 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A small deterministic generator (xorshift64*), so every run writes the same bytes. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned long long rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

/* Writes an amount in öre as Swedish kr with decimal comma, e.g. -12345,67. */
static void put_amount(FILE *f, long long ore)
{
    const char *sign = ore < 0 ? "-" : "";
    unsigned long long a = ore < 0 ? (unsigned long long)-ore : (unsigned long long)ore;
    fprintf(f, "%s%llu,%02llu\n", sign, a / 100, a % 100);
}

static FILE *open_file(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench-workbook: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    return f;
}

static void generate(const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench-workbook: %s: %s\n", dir, strerror(errno));
        exit(1);
    }
    int fiscal = FIRST_YEAR + YEARS - 1;
    FILE *f = open_file(dir, "bok.conf");
    fprintf(f, "organisation = Benchmarks kommun\nnämnd = Omsorgsnämnden\når = %d\n", fiscal);
    fclose(f);

    f = open_file(dir, "verksamheter.csv");
    fputs("kod;namn;överordnad\n", f);
    for (int p = 0; p < PARENTS; p++) {
        fprintf(f, "P%02d;Förvaltningsområde %d;\n", p, p + 1);
        for (int c = 0; c < CHILDREN; c++)
            fprintf(f, "P%02dV%02d;Verksamhet %d.%d;P%02d\n", p, c, p + 1, c + 1, p);
    }
    fclose(f);

    FILE *budget = open_file(dir, "budget.csv");
    FILE *actual = open_file(dir, "utfall.csv");
    FILE *forecast = open_file(dir, "prognos.csv");
    fputs("verksamhet;slag;period;belopp\n", budget);
    fputs("verksamhet;slag;period;belopp\n", actual);
    fputs("verksamhet;slag;prognos;kommentar\n", forecast);
    static const char *const kinds[2] = {"intäkt", "kostnad"};
    for (int p = 0; p < PARENTS; p++) {
        for (int c = 0; c < CHILDREN; c++) {
            for (int k = 0; k < 2; k++) {
                /* a monthly level of 10 000 – 1 000 000 kr, revenue negative */
                long long level = 1000000 + (long long)(rng_next() % 99000000);
                if (k == 0)
                    level = -level / 4;
                long long year_total = 0;
                for (int m = 1; m <= 12; m++) {
                    long long b = level + (long long)(rng_next() % 100000) - 50000;
                    year_total += b;
                    fprintf(budget, "P%02dV%02d;%s;%d%02d;", p, c, kinds[k], fiscal, m);
                    put_amount(budget, b);
                }
                for (int y = FIRST_YEAR; y <= fiscal; y++) {
                    for (int m = 1; m <= 12; m++) {
                        long long noise = (long long)(rng_next() % 2000001) - 1000000;
                        fprintf(actual, "P%02dV%02d;%s;%d%02d;", p, c, kinds[k], y, m);
                        put_amount(actual, level * (100 + 3 * (y - FIRST_YEAR)) / 100 + noise);
                    }
                }
                fprintf(forecast, "P%02dV%02d;%s;", p, c, kinds[k]);
                long long fc = year_total + (long long)(rng_next() % 2000001) - 1000000;
                fprintf(forecast, "%s%lld,%02lld;%s\n", fc < 0 ? "-" : "", llabs(fc) / 100,
                        llabs(fc) % 100, c % 7 == 0 ? "\"Vikarier; sjukfrånvaro\"" : "");
            }
        }
    }
    fclose(budget);
    fclose(actual);
    fclose(forecast);
}

static long long file_size(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static const char *const files[] = {"verksamheter.csv", "budget.csv", "utfall.csv",
                                    "prognos.csv", "bok.conf"};

static void on_field(void *s, size_t len, void *data)
{
    (void)s;
    *(size_t *)data += len;
}
static void on_row(int c, void *data)
{
    (void)c;
    ((size_t *)data)[1]++;
}

/* The baseline: libcsv alone, empty callbacks, over the same CSV files. Returns seconds. */
static double libcsv_pass(const char *dir, size_t *rows)
{
    static char buf[1 << 16];
    double t0 = now();
    size_t counts[2] = {0, 0};
    for (size_t i = 0; i < 4; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        FILE *f = fopen(path, "rb");
        struct csv_parser p;
        if (!f || csv_init(&p, CSV_APPEND_NULL) != 0)
            exit(1);
        csv_set_delim(&p, ';');
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            if (csv_parse(&p, buf, n, on_field, on_row, counts) != n)
                exit(1);
        csv_fini(&p, on_field, on_row, counts);
        csv_free(&p);
        fclose(f);
    }
    *rows = counts[1];
    return now() - t0;
}

/* The measured process: load, roll up and report REPEATS times; print the figures. */
static int measure(const char *dir, int repeats)
{
    double best_load = INFINITY, best_report = INFINITY, best_csv = INFINITY;
    double best_slow = INFINITY;
    size_t rows = 0, csv_rows = 0;
    FILE *devnull = fopen("/dev/null", "w");
    if (!devnull)
        return 1;
    for (int r = 0; r < repeats; r++) {
        struct kkr_workbook *wb = NULL;
        struct kkr_diag diag = {0};
        struct kkr_warnings warn;
        kkr_warnings_init(&warn);
        double t0 = now();
        if (kkr_workbook_load(dir, &wb, &diag, &warn) != KKR_OK) {
            fprintf(stderr, "bench-workbook: %s:%ld: %s\n", diag.file, (long)diag.line, diag.message);
            return 1;
        }
        double t1 = now();
        struct kkr_rollup rollup;
        if (kkr_rollup_build(wb, 12, NULL, &rollup, &diag) != KKR_OK)
            return 1;
        struct kkr_report_options opt;
        kkr_report_options_init(&opt);
        if (kkr_report_write(devnull, wb, &rollup, &opt, &diag) != KKR_OK)
            return 1;
        fflush(devnull);
        double t2 = now();
        rows = wb->row_count;
        kkr_rollup_release(&rollup);
        kkr_workbook_free(wb);
        kkr_warnings_release(&warn);
        if (t1 - t0 < best_load)
            best_load = t1 - t0;
        if (t2 - t1 < best_report)
            best_report = t2 - t1;
    }
    fclose(devnull);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long long peak = (long long)ru.ru_maxrss * 1024;
    /* the same load with every row through libcsv (the fast path off) */
    struct kkr_csv_options no_fast;
    kkr_csv_options_init(&no_fast);
    no_fast.fast_path = false;
    struct kkr_workbook_load_options slow_load = {NULL, NULL, &no_fast};
    for (int r = 0; r < repeats; r++) {
        struct kkr_workbook *wb = NULL;
        struct kkr_diag diag = {0};
        double t0 = now();
        if (kkr_workbook_load_with(dir, &slow_load, &wb, &diag, NULL) != KKR_OK)
            return 1;
        double t = now() - t0;
        kkr_workbook_free(wb);
        if (t < best_slow)
            best_slow = t;
    }
    for (int r = 0; r < repeats; r++) {
        double t = libcsv_pass(dir, &csv_rows);
        if (t < best_csv)
            best_csv = t;
    }

    long long input = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        input += file_size(dir, files[i]);
    printf("workbook        %s: %zu data rows, %.1f MB\n", dir, rows, (double)input / 1e6);
    printf("load            %.3f s  %.2f million rows/s  %.0f MB/s   (target >= 2 million rows/s)\n",
           best_load, (double)rows / best_load / 1e6, (double)input / best_load / 1e6);
    printf("load, no fast   %.3f s  %.2f million rows/s (every row through libcsv)\n", best_slow,
           (double)rows / best_slow / 1e6);
    printf("roll-up+report  %.3f s\n", best_report);
    printf("baseline libcsv %.3f s  %.2f million rows/s (empty callbacks, %zu rows incl. headers)\n",
           best_csv, (double)csv_rows / best_csv / 1e6, csv_rows);
    printf("ratio           kkr load takes %.2f x the time of a bare libcsv parse\n",
           best_load / best_csv);
    printf("peak memory     %.1f MB = %.2f x input   (target < 5 x; includes the libraries)\n",
           (double)peak / 1e6, (double)peak / (double)input);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--measure") == 0)
        return measure(argv[2], argc > 3 ? atoi(argv[3]) : 5);
    const char *dir = argc > 1 ? argv[1] : "/tmp/kkr-bench-workbook";
    const char *repeats = argc > 2 ? argv[2] : "5";
    double t0 = now();
    generate(dir);
    printf("generated       in %.2f s (2 000 units x 2 slag x 12 months x 5 years)\n", now() - t0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "--measure", dir, repeats, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return 1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
