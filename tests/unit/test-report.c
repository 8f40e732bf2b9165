/* test-report.c — row names, CSV safety, JSON strings, and a whole small report byte for byte */
#include <stdlib.h>

#include "kkr/report.h"
#include "test.h"
#include "tmpdir.h"

static char *render(const struct kkr_workbook *wb, const struct kkr_rollup *r,
                    const struct kkr_report_options *opt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct kkr_diag d;
    CHECK_INT(kkr_report_write(f, wb, r, opt, &d), KKR_OK);
    fclose(f);
    return buf;
}

int main(void)
{
    char buf[256];
    CHECK_STR(kkr_csv_safe_text("=SUM(A1)", buf, sizeof buf), "'=SUM(A1)");
    CHECK_STR(kkr_csv_safe_text("+46", buf, sizeof buf), "'+46");
    CHECK_STR(kkr_csv_safe_text("-x", buf, sizeof buf), "'-x");
    CHECK_STR(kkr_csv_safe_text("@cmd", buf, sizeof buf), "'@cmd");
    CHECK_STR(kkr_csv_safe_text("\tx", buf, sizeof buf), "'\tx");
    CHECK_STR(kkr_csv_safe_text("Äldreomsorg", buf, sizeof buf), "Äldreomsorg");

    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    kkr_csv_write_text(f, "a;b \"c\"", ';');
    fputc('|', f);
    kkr_csv_write_text(f, "=1+1", ';');
    fputc('|', f);
    kkr_json_write_string(f, "rad\n\"två\"\\\x01");
    fclose(f);
    CHECK_STR(out, "\"a;b \"\"c\"\"\"|'=1+1|\"rad\\n\\\"två\\\"\\\\\\u0001\"");
    free(out);

    enum kkr_format fmt;
    CHECK(kkr_format_parse("markdown", &fmt) && fmt == KKR_FORMAT_MD);
    /* issue 14: xlsx is a format (written to a file by kkr_sheet_doc_write_xlsx) */
    CHECK(kkr_format_parse("xlsx", &fmt) && fmt == KKR_FORMAT_XLSX);
    CHECK(!kkr_format_parse("xls", &fmt));

    char *dir = tmp_workbook();
    tmp_write(dir, "bok.conf", "organisation = Testkommun\nnämnd = Nämnden\når = 2022\n");
    tmp_write(dir, "verksamheter.csv", "kod;namn;överordnad\nP;Omsorg;\nA;Äldreboende;P\n"
                                       "F;=Formel;\n");
    tmp_write(dir, "budget.csv", "verksamhet;slag;period;belopp\nA;kostnad;2022;1 200 000\n"
                                 "A;intäkt;2022;-120 000\nF;kostnad;2022;12 000\n");
    tmp_write(dir, "utfall.csv", "verksamhet;slag;period;belopp\nA;kostnad;202201;150 000\n"
                                 "A;intäkt;202201;-9 499,99\nF;kostnad;202201;1000\n");
    tmp_write(dir, "prognos.csv", "verksamhet;slag;prognos;kommentar\n"
                                  "A;kostnad;1 300 000;Fler boende än budgeterat\n");
    struct kkr_workbook *wb;
    struct kkr_diag d;
    CHECK_INT(kkr_workbook_load(dir, &wb, &d, NULL), KKR_OK);
    if (wb) {
        struct kkr_rollup r;
        CHECK_INT(kkr_rollup_build(wb, 1, NULL, &r, &d), KKR_OK);
        kkr_report_row_name(wb, &r.rows[1], buf, sizeof buf);
        CHECK_STR(buf, "Varav äldreboende");
        kkr_report_row_name(wb, kkr_rollup_total(&r), buf, sizeof buf);
        CHECK_STR(buf, "Verksamhetens nettokostnad");

        struct kkr_report_options opt;
        kkr_report_options_init(&opt);
        char *text = render(wb, &r, &opt);
        CHECK_STR(text,
                  "Testkommun, Nämnden\n"
                  "Ackumulerat period: januari 2022. Helår: 2022.\n"
                  "\n"
                  "Belopp i kkr                   Ackumulerat period                Helår\n"
                  "                            Budget  Utfall  Avvikelse  Budget  Prognos  Avvikelse\n"
                  "Intäkter                       -10      -9         -1    -120     -120          0\n"
                  "Kostnader                      101     151        -50   1 212    1 312       -100\n"
                  "Netto                           91     142        -51   1 092    1 192       -100\n"
                  "\n"
                  "Belopp i kkr                   Ackumulerat period                Helår\n"
                  "                            Budget  Utfall  Avvikelse  Budget  Prognos  Avvikelse\n"
                  "Omsorg                          90     141        -51   1 080    1 180       -100 *\n"
                  "  Varav äldreboende             90     141        -51   1 080    1 180       -100 *\n"
                  "=Formel                          1       1          0      12       12          0 *\n"
                  "Verksamhetens nettokostnad      91     142        -51   1 092    1 192       -100 *\n"
                  "\n"
                  "* prognos = helårsbudget där prognos.csv saknar belopp\n"
                  "Kommentarer\n"
                  "  Äldreboende (kostnad): Fler boende än budgeterat\n");
        free(text);

        opt.format = KKR_FORMAT_CSV;
        opt.tables = KKR_TABLES_UNITS;
        opt.unit = KKR_UNIT_KR;
        opt.columns = KKR_COL_ACTUAL_PERCENT | KKR_COL_BENCHMARK;
        text = render(wb, &r, &opt);
        CHECK_STR(text,
                  "kod;namn;nivå;budget_period;utfall_period;avvikelse_period;utfall_procent;"
                  "riktpunkt;budget_helår;prognos_helår;avvikelse_helår;beräknad\n"
                  "P;Omsorg;0;90000;140500;-50500;13.0;8.3;1080000;1180000;-100000;ja\n"
                  "A;Äldreboende;1;90000;140500;-50500;13.0;8.3;1080000;1180000;-100000;ja\n"
                  "F;'=Formel;0;1000;1000;0;8.3;8.3;12000;12000;0;ja\n"
                  "total;Verksamhetens nettokostnad;0;91000;141500;-50500;13.0;8.3;1092000;"
                  "1192000;-100000;ja\n");
        free(text);

        opt.excel = true;
        opt.unit = KKR_UNIT_MNKR;
        opt.columns = 0;
        opt.tables = KKR_TABLES_KINDS;
        text = render(wb, &r, &opt);
        CHECK_STR(text, "\xef\xbb\xbf"
                        "slag;budget_period;utfall_period;avvikelse_period;budget_helår;"
                        "prognos_helår;avvikelse_helår\n"
                        "intäkt;0,0;0,0;0,0;-0,1;-0,1;0,0\n"
                        "kostnad;0,1;0,2;-0,1;1,2;1,3;-0,1\n" /* -0,05 mnkr rounds away from zero */
                        "netto;0,1;0,1;-0,1;1,1;1,2;-0,1\n");
        free(text);
        kkr_rollup_release(&r);
        kkr_workbook_free(wb);
    }
    tmp_remove(dir);
    TEST_MAIN_END();
}
