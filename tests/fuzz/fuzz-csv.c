/* fuzz-csv.c — the CSV reader on any bytes, and the CSV writer's round trip.
 *
 * Checks: every field handed to the callback is NUL-terminated at its length, holds no NUL and
 * is valid UTF-8 (the reader converts or rejects everything else); a row's line numbers only
 * grow. Each field is then written back with kkr_csv_write_text (the writer of every CSV
 * output), read again, and must come back as kkr_csv_safe_text made it (trimmed, as the reader
 * trims, and without the apostrophe it put before a formula character, which the reader
 * drops); the written cell itself never starts with a formula character. Fields in place
 * (kkr_csv_options.in_place) are the fields of the copies, row by row. */
#include "fuzz-util.h"
#include "kkr/csv.h"
#include "kkr/report.h"
#include "kkr/text.h"

static const struct kkr_csv_column columns[] = {
    {"verksamhet|kod|a", true},
    {"slag|b", false},
    {"period|c", false},
    {"belopp|d", false},
    {"kommentar|e", false},
    {NULL, false},
};

static const struct kkr_csv_column one_column[] = {{"x", true}, {NULL, false}};

struct state {
    long last_line;
    size_t rows;
};

struct back {
    const char *want;
    size_t want_len;
    size_t rows;
};

static enum kkr_status take_back(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct back *b = ud;
    (void)diag;
    b->rows++;
    FUZZ_ASSERT(row->fields[0].len == b->want_len);
    FUZZ_ASSERT(memcmp(row->fields[0].text, b->want, b->want_len) == 0);
    return KKR_OK;
}

static void roundtrip(const char *text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return;
    fputs("x\n", f);
    kkr_csv_write_text(f, text, ';');
    fputc('\n', f);
    fclose(f);

    size_t n = strlen(text);
    char *safe = malloc(n + 2);
    if (!safe) {
        free(buf);
        return;
    }
    kkr_csv_safe_text(text, safe, n + 2);
    FUZZ_ASSERT(safe[0] == '\0' || !strchr("=+-@\t\r", safe[0]));
    const char *want = safe;
    size_t want_len = strlen(safe);
    kkr_text_trim(&want, &want_len);
    /* the reader drops the apostrophe the writer puts before a formula character */
    if (want_len >= 2 && want[0] == '\'' && strchr("=+-@\t\r", want[1])) {
        want++;
        want_len--;
    }

    struct back b = {want, want_len, 0};
    struct kkr_diag diag;
    enum kkr_status st =
        kkr_csv_read_buffer("back.csv", buf, len, one_column, take_back, &b, &diag, NULL);
    FUZZ_ASSERT(st == KKR_OK);
    FUZZ_ASSERT(b.rows == (want_len ? 1u : 0u));
    free(safe);
    free(buf);
}

static enum kkr_status take_row(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct state *s = ud;
    (void)diag;
    FUZZ_ASSERT(row->line > s->last_line);
    s->last_line = row->line;
    FUZZ_ASSERT(row->field_count == 5);
    for (size_t i = 0; i < row->field_count; i++) {
        const struct kkr_csv_field *f = &row->fields[i];
        FUZZ_ASSERT(f->text[f->len] == '\0');
        FUZZ_ASSERT(strlen(f->text) == f->len);
        FUZZ_ASSERT(kkr_utf8_valid(f->text, f->len, NULL));
        FUZZ_ASSERT(row->columns[i] >= 0);
        if (s->rows < 4)
            roundtrip(f->text);
    }
    s->rows++;
    return KKR_OK;
}

/* Every row as text (line, then each field's column and bytes), to compare two reads. */
static enum kkr_status transcribe(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    FILE *f = ud;
    (void)diag;
    fprintf(f, "%ld:", row->line);
    for (size_t i = 0; i < row->field_count; i++) {
        fprintf(f, "[%ld|%zu|", row->columns[i], row->fields[i].len);
        fwrite(row->fields[i].text, 1, row->fields[i].len, f);
        fputc(']', f);
    }
    fputc('\n', f);
    return KKR_OK;
}

/* A read's rows and outcome as one text. */
static char *transcript(const uint8_t *data, size_t size, const struct kkr_csv_options *opt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    enum kkr_status st = kkr_csv_read_buffer_with("fuzz.csv", (const char *)data, size, columns,
                                                  opt, transcribe, f, &diag, NULL);
    fprintf(f, "status %d %ld:%ld %s\n", (int)st, diag.line, diag.column, diag.message);
    fclose(f);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Fields in place (not copied, not NUL-terminated) are the fields of the copies. */
    struct kkr_csv_options in_place;
    kkr_csv_options_init(&in_place);
    in_place.in_place = true;
    char *copied = transcript(data, size, NULL), *placed = transcript(data, size, &in_place);
    if (copied && placed)
        FUZZ_ASSERT(strcmp(copied, placed) == 0);
    free(copied);
    free(placed);

    struct state s = {0, 0};
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    enum kkr_status st = kkr_csv_read_buffer("fuzz.csv", (const char *)data, size, columns,
                                             take_row, &s, &diag, &warn);
    if (st != KKR_OK) {
        /* every error is located and explained */
        FUZZ_ASSERT(diag.message[0] != '\0');
        FUZZ_ASSERT(strcmp(diag.file, "fuzz.csv") == 0);
    }
    kkr_warnings_release(&warn);

    /* The push reader, fed in pieces, gives the same rows and the same error as one read of
     * the whole buffer — for UTF-8 input without NUL, where deciding the encoding as the
     * bytes come and deciding it for the whole file agree (a whole buffer names a bad byte
     * anywhere first, a stream the first error in file order). */
    if (size && !memchr(data, '\0', size) && kkr_utf8_valid((const char *)data, size, NULL)) {
        size_t piece = 1 + data[0] % 23;
        struct state p = {0, 0};
        struct kkr_diag pdiag;
        kkr_diag_clear(&pdiag);
        struct kkr_csv_reader *r;
        enum kkr_status pst = kkr_csv_reader_new("fuzz.csv", columns, NULL, take_row, &p,
                                                 &pdiag, NULL, &r);
        for (size_t at = 0; pst == KKR_OK && at < size; at += piece)
            pst = kkr_csv_reader_push(r, (const char *)data + at,
                                      size - at < piece ? size - at : piece);
        if (pst == KKR_OK)
            pst = kkr_csv_reader_finish(r);
        kkr_csv_reader_free(r);
        FUZZ_ASSERT(pst == st);
        FUZZ_ASSERT(p.rows == s.rows);
        if (st != KKR_OK) {
            FUZZ_ASSERT(pdiag.line == diag.line && pdiag.column == diag.column);
            FUZZ_ASSERT(strcmp(pdiag.message, diag.message) == 0);
        }
    }
    return 0;
}
