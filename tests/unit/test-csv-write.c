/* test-csv-write.c — the CSV writer: quoting, formula-safe text, delimiters, decimal comma, sticky errors */
#include <stdlib.h>

#include "kkr/csv.h"
#include "test.h"

struct back {
    char text[8][4][64];
    long line[8];
    int rows;
};

static enum kkr_status collect(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct back *b = ud;
    (void)diag;
    if (b->rows < 8) {
        for (size_t c = 0; c < row->field_count && c < 4; c++)
            snprintf(b->text[b->rows][c], 64, "%s", row->fields[c].text);
        b->line[b->rows] = row->line;
    }
    b->rows++;
    return KKR_OK;
}

static char *write_sample(const struct kkr_csv_write_options *opt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct kkr_csv_writer *w = kkr_csv_writer_new(f, opt);
    kkr_csv_writer_plain(w, "kod");
    kkr_csv_writer_plain(w, "namn");
    kkr_csv_writer_plain(w, "belopp");
    kkr_csv_writer_plain(w, "nivå");
    kkr_csv_writer_end_row(w);
    kkr_csv_writer_text(w, "=SUM(A1)");
    kkr_csv_writer_text(w, "Vård; \"omsorg\", stöd");
    kkr_csv_writer_ore(w, -123456789);
    kkr_csv_writer_int(w, -2);
    kkr_csv_writer_end_row(w);
    kkr_csv_writer_text(w, "+46\tx");
    kkr_csv_writer_text(w, "två\nrader");
    kkr_csv_writer_ore(w, 5);
    kkr_csv_writer_text(w, NULL);
    kkr_csv_writer_end_row(w);
    struct kkr_diag d;
    CHECK_INT(kkr_csv_writer_finish(w, &d), KKR_OK);
    kkr_csv_writer_free(w);
    fclose(f);
    return buf;
}

int main(void)
{
    struct kkr_diag d;
    struct kkr_warnings warn = {0};
    static const struct kkr_csv_column cols[] = {
        {"kod", true}, {"namn", true}, {"belopp", true}, {"nivå", true}, {NULL, false},
    };

    char *out = write_sample(NULL);
    CHECK_STR(out, "kod;namn;belopp;nivå\n"
                   "'=SUM(A1);\"Vård; \"\"omsorg\"\", stöd\";-1234567,89;-2\n"
                   "'+46\tx;\"två\nrader\";0,05;\n");
    /* and the reader gives the text back (the apostrophe dropped, as for kkr's own files) */
    struct back b = {0};
    CHECK_INT(kkr_csv_read_buffer("w.csv", out, strlen(out), cols, collect, &b, &d, &warn),
              KKR_OK);
    CHECK_INT(b.rows, 2);
    CHECK_STR(b.text[0][0], "=SUM(A1)");
    CHECK_STR(b.text[0][1], "Vård; \"omsorg\", stöd");
    CHECK_STR(b.text[0][2], "-1234567,89");
    CHECK_STR(b.text[1][0], "+46\tx");
    CHECK_STR(b.text[1][1], "två\nrader");
    CHECK_INT(b.line[1], 3);
    free(out);

    /* ',' with decimal comma: every amount quoted; CRLF */
    struct kkr_csv_write_options opt;
    kkr_csv_write_options_init(&opt);
    opt.delim = ',';
    opt.eol = "\r\n";
    out = write_sample(&opt);
    CHECK_STR(out, "kod,namn,belopp,nivå\r\n"
                   "'=SUM(A1),\"Vård; \"\"omsorg\"\", stöd\",\"-1234567,89\",-2\r\n"
                   "'+46\tx,\"två\nrader\",\"0,05\",\r\n");
    memset(&b, 0, sizeof b);
    CHECK_INT(kkr_csv_read_buffer("w.csv", out, strlen(out), cols, collect, &b, &d, &warn),
              KKR_OK);
    CHECK_STR(b.text[0][2], "-1234567,89");
    free(out);

    /* tab with decimal point */
    opt.delim = '\t';
    opt.decimal_comma = false;
    opt.eol = "\n";
    out = write_sample(&opt);
    CHECK_STR(out, "kod\tnamn\tbelopp\tnivå\n"
                   "'=SUM(A1)\t\"Vård; \"\"omsorg\"\", stöd\"\t-1234567.89\t-2\n"
                   "\"'+46\tx\"\t\"två\nrader\"\t0.05\t\n");
    free(out);

    /* a row left open is an error; errors stick */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct kkr_csv_writer *w = kkr_csv_writer_new(f, NULL);
    kkr_csv_writer_plain(w, "x");
    CHECK_INT(kkr_csv_writer_status(w), KKR_OK);
    CHECK_INT(kkr_csv_writer_finish(w, &d), KKR_ERR_USAGE);
    CHECK_STR(d.message, "a CSV row left unfinished");
    kkr_csv_writer_plain(w, "y");
    kkr_csv_writer_end_row(w);
    kkr_csv_writer_free(w);
    fclose(f);
    CHECK_STR(buf, "x");
    free(buf);

    /* a full disk: the error comes back once, at the end */
    f = fopen("/dev/full", "w");
    if (f) {
        w = kkr_csv_writer_new(f, NULL);
        for (int i = 0; i < 10000; i++) {
            kkr_csv_writer_text(w, "Äldreomsorg");
            kkr_csv_writer_ore(w, 123456789);
            kkr_csv_writer_end_row(w);
        }
        CHECK_INT(kkr_csv_writer_finish(w, &d), KKR_ERR_IO);
        CHECK_STR(d.message, "write error");
        kkr_csv_writer_free(w);
        fclose(f);
    }

    /* kkr_csv_write_text allocates nothing: a field of any length is written whole */
    size_t big = 1 << 20;
    char *s = malloc(big + 1);
    memset(s, 'a', big);
    s[0] = '-';
    s[big] = '\0';
    buf = NULL;
    f = open_memstream(&buf, &len);
    kkr_csv_write_text(f, s, ';');
    fclose(f);
    CHECK_INT(len, big + 1);
    CHECK(buf[0] == '\'' && buf[1] == '-' && buf[big] == 'a');
    free(buf);
    free(s);
    kkr_csv_writer_free(NULL);
    kkr_warnings_release(&warn);
    TEST_MAIN_END();
}
