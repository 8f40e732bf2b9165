/* test-csv-push.c — the push reader: any split of the bytes gives the rows and errors of one read */
#include <stdlib.h>

#include "kkr/csv.h"
#include "test.h"

static const struct kkr_csv_column columns[] = {
    {"verksamhet|vht|kod|unit", false},
    {"slag|konto|kind", false},
    {"period|datum|månad", false},
    {"belopp|prognos|amount", false},
    {"kommentar|text|namn", false},
    {NULL, false},
};

struct transcript {
    char text[8192];
    size_t len;
};

static void append(struct transcript *t, const char *s, size_t n)
{
    if (t->len + n < sizeof t->text) {
        memcpy(t->text + t->len, s, n);
        t->len += n;
        t->text[t->len] = '\0';
    }
}

static enum kkr_status record(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct transcript *t = ud;
    char head[64];
    (void)diag;
    append(t, head, (size_t)snprintf(head, sizeof head, "%ld:", row->line));
    for (size_t c = 0; c < row->field_count; c++) {
        append(t, head, (size_t)snprintf(head, sizeof head, "[%ld|", row->columns[c]));
        append(t, row->fields[c].text, row->fields[c].len);
        append(t, "]", 1);
    }
    append(t, "\n", 1);
    return KKR_OK;
}

/* The outcome of one read: rows, then the status and the error's place and words. */
static void outcome(struct transcript *t, enum kkr_status st, const struct kkr_diag *d,
                    const struct kkr_warnings *w)
{
    char tail[700];
    int n = snprintf(tail, sizeof tail, "status %d", (int)st);
    if (st != KKR_OK)
        n += snprintf(tail + n, sizeof tail - (size_t)n, " %s:%ld:%ld: %s", d->file, d->line,
                      d->column, d->message);
    snprintf(tail + n, sizeof tail - (size_t)n, " warnings %zu", w->count);
    append(t, tail, strlen(tail));
}

static void read_whole(const char *data, size_t len, const struct kkr_csv_options *opt,
                       struct transcript *t)
{
    struct kkr_diag d;
    struct kkr_warnings w;
    kkr_diag_clear(&d);
    kkr_warnings_init(&w);
    t->len = 0;
    enum kkr_status st = kkr_csv_read_buffer_with("p.csv", data, len, columns, opt, record, t,
                                                  &d, &w);
    outcome(t, st, &d, &w);
    kkr_warnings_release(&w);
}

/* Pushes data in pieces of `piece` bytes (the last one shorter). */
static void read_pieces(const char *data, size_t len, size_t piece,
                        const struct kkr_csv_options *opt, struct transcript *t)
{
    struct kkr_diag d;
    struct kkr_warnings w;
    kkr_diag_clear(&d);
    kkr_warnings_init(&w);
    t->len = 0;
    struct kkr_csv_reader *r;
    enum kkr_status st = kkr_csv_reader_new("p.csv", columns, opt, record, t, &d, &w, &r);
    for (size_t at = 0; st == KKR_OK && at < len; at += piece)
        st = kkr_csv_reader_push(r, data + at, len - at < piece ? len - at : piece);
    if (st == KKR_OK)
        st = kkr_csv_reader_finish(r);
    kkr_csv_reader_free(r);
    outcome(t, st, &d, &w);
    kkr_warnings_release(&w);
}

static int cases_checked;

/* The rows and errors of one read in every split of the bytes, with the fast path, without
 * it and with fields in place (not copied); in place the rows are those of the copies. */
static void same_in_pieces(const char *data, size_t len, bool pushed)
{
    struct kkr_csv_options opts[3];
    kkr_csv_options_init(&opts[0]);
    kkr_csv_options_init(&opts[1]);
    kkr_csv_options_init(&opts[2]);
    opts[1].fast_path = false;
    opts[2].in_place = true;
    static struct transcript copied;
    for (int o = 0; o < 3; o++) {
        struct transcript whole, pieces;
        if (pushed)
            read_pieces(data, len, len + 1, &opts[o], &whole);
        else
            read_whole(data, len, &opts[o], &whole);
        if (o == 0)
            copied = whole;
        if (o > 0) { /* without the fast path and in place: the rows of the fast path */
            test_checks++;
            if (strcmp(whole.text, copied.text) != 0) {
                test_failures++;
                fprintf(stderr, "options %d differ:\n%s\n-- fast path, copied --\n%s\n", o,
                        whole.text, copied.text);
            }
        }
        for (size_t piece = 1; piece <= len + 1; piece++) {
            read_pieces(data, len, piece, &opts[o], &pieces);
            test_checks++;
            if (strcmp(whole.text, pieces.text) != 0) {
                test_failures++;
                fprintf(stderr, "pieces of %zu bytes (options %d) differ:\n%s\n-- whole --\n%s\n",
                        piece, o, pieces.text, whole.text);
                break;
            }
        }
    }
    cases_checked++;
}

#define SAME(s) same_in_pieces(s, sizeof(s) - 1, false)
/* against one push of the undecoded bytes: where a whole buffer, decoded first, differs (an
 * encoding that changes, a NUL after rows: rows before the error come out of a push) */
#define SAME_PUSHED(s) same_in_pieces(s, sizeof(s) - 1, true)

int main(void)
{
    SAME("verksamhet;slag;period;belopp\nAO;kostnad;202001;1 234,56\nHT;intäkt;202002;-5\n");
    SAME("\xef\xbb\xbfvht,konto,datum,belopp\r\nAO,4010,2020-01-31,\"1,5\"\r\nHT,3010,2020-02-01,2\r\n");
    SAME("\n\r\n\nkod\tnamn\nAO\tÄldreomsorg\n\nHT\t\"Hem\ntjänst\"\n");        /* empty lines first */
    SAME("kod;namn\rAO;Old Mac\rHT;lone CR\r");                                  /* lone CRs */
    SAME("kod;namn\nAO;\"quoted; with \"\"quotes\"\"\"\n  ;  \nHT;last line without end");
    SAME("kod;namn\nAO;\"not closed\n");                                         /* errors */
    SAME("kod;namn\nAO;bad\"quote\nHT;x\n");
    SAME("kod;namn\nAO;x;extra\n");
    SAME("kod;namn;kod\nAO;x;y\n");
    SAME("kod;namn\nAO;\xc5ldreomsorg\nHT;Hemtj\xe4nst\n");                    /* Windows-1252 */
    SAME("kod;namn\nAO;\x81\n");                                                 /* neither */
    SAME("kod;namn\nAO;x\0y\n");                                                 /* NUL */
    SAME("\xff\xfek\0o\0d\0;\0");                                                /* UTF-16 */
    SAME("k\0o\0d\0;\0n\0");
    SAME("");
    SAME("\n\n");
    SAME("kod namn\nAO\n");
    SAME("kod;namn\n'=SUM(A1);'-5 %\n");                                         /* apostrophes */
    SAME("kod;slag;x;y\n AO ;\t4010 ;;\n;;;\n ; ;\t;\nHT;;;z\n;;;;;\nSB;1;;;;\n");  /* blanks */
    SAME("kod;namn\nAO;x\nHT;x;y;z\n");                       /* a non-empty extra field */
    SAME("kod;namn\nAO;x\r\nHT;y\r\n\r\nSB;\"q\"\r\nAB;z");       /* CR LF, last line */
    SAME("kod;namn\nAO;x\nHT;y\nSB;\xc4\nAB;\xe4\n");             /* Windows-1252 later */
    SAME_PUSHED("kod;namn\nAO;\xc3\x84ldre\nHT;y\xe4\n");          /* UTF-8, then not */
    SAME_PUSHED("kod;namn\nAO;x\nHT;\"a\nb\";c\x00\n");                 /* NUL in a quoted row */
    SAME_PUSHED("kod;namn\nAO;x\nHT;y\x00z\nSB;w\n");
    SAME("kod\tnamn\nAO\tx\ty\n");
    SAME("kod;namn\n\"A\nO\";x;y\n");          /* a row's line is where it starts */
    SAME("kod;namn\n\n \n\"AO;x\n");             /* and an open quote's */
    SAME("kod\tslag\tnamn\n\"AO\"\t\t\"c\"\nHT\t\tc\n");           /* tab: no space */
    SAME("k\xe4" "d;namn\nAO;x\n");                                /* Windows-1252 header */

    /* pushed undecoded, the encoding is decided at the first byte >= 0x80: a Windows-1252 byte
     * after UTF-8 is an error with its line (a whole buffer is read as Windows-1252 then) */
    const char *mixed = "kod;namn\nAO;Äldreomsorg\nHT;Hemtj\xe4nst\n";
    struct transcript t;
    read_pieces(mixed, strlen(mixed), 7, NULL, &t);
    CHECK(strstr(t.text, "status 3 p.csv:3:2: invalid UTF-8 byte 0xE4, expected the whole file "
                         "in UTF-8 (or all of it in Windows-1252)") != NULL);
    /* a row's errors are at the line where the row starts, also when its first field is
     * quoted over several lines; an unclosed quote at the line where it opens */
    read_pieces("kod;namn\n\"A\nO\";x;y\n", 18, 18, NULL, &t);
    CHECK(strstr(t.text, "status 3 p.csv:2:3: found 3 fields, expected 2 as in the header") !=
          NULL);
    read_pieces("kod;namn\n\n \n\"AO;x\n", 17, 17, NULL, &t);
    CHECK(strstr(t.text, "p.csv:4:1: quoted field is not closed at the end of the file") != NULL);
    /* and the UTF-16 message is the same as for a whole buffer */
    const char *utf16 = "\xff\xfe" "k\0o\0d\0\n\0";
    read_pieces(utf16, 10, 3, NULL, &t);
    CHECK(strstr(t.text, "p.csv:1:1: file is UTF-16, expected UTF-8 or Windows-1252 (save as "
                         "'CSV UTF-8')") != NULL);
    struct kkr_diag d;
    CHECK_INT(kkr_csv_check_utf16("x.csv", "k\0o\0", 4, &d), KKR_ERR_SYNTAX);
    CHECK_STR(d.message, "file is UTF-16 (without BOM), expected UTF-8 or Windows-1252 (save as "
                         "'CSV UTF-8')");
    CHECK_INT(kkr_csv_check_utf16("x.csv", "kod;", 4, &d), KKR_OK);
    CHECK_INT(kkr_csv_check_utf16("x.csv", "k", 1, &d), KKR_OK);

    /* a row callback's error stops the reading; later pushes return it */
    struct kkr_csv_reader *r;
    CHECK_INT(kkr_csv_reader_new("p.csv", columns, NULL, record, &t, &d, NULL, &r), KKR_OK);
    t.len = 0;
    CHECK_INT(kkr_csv_reader_push(r, "kod;namn\nAO;x\nHT", 16), KKR_OK);
    CHECK_STR(t.text, "2:[1|AO][0|][0|][0|][2|x]\n");
    CHECK_INT(kkr_csv_reader_push(r, ";y\n", 3), KKR_OK);
    CHECK_INT(kkr_csv_reader_finish(r), KKR_OK);
    CHECK_INT(kkr_csv_reader_push(r, "x\n", 2), KKR_ERR_USAGE);
    kkr_csv_reader_free(r);
    kkr_csv_reader_free(NULL);
    printf("%d inputs, every split the same as one read\n", cases_checked);
    TEST_MAIN_END();
}
