/* test-document.c — prognossäkerhet (kkr_accuracy_build: finished and unfinished years, the sign
 * of the difference) and the månadsrapport's parts (kkr_document_build on Smedjebacken 2020) */
#include <stdlib.h>
#include <sys/stat.h>

#include "kkr/accuracy.h"
#include "kkr/document.h"
#include "kkr/followup.h"
#include "test.h"
#include "tmpdir.h"

/* A: B (leaf). Budget B 1 200 000 kr; utfall 110 000 kr a month through month `months`;
 * february locked with B at 1 250 000 kr; prognos.csv B 1 300 000 kr. */
static struct kkr_workbook *workbook(char **dir, int months)
{
    *dir = tmp_workbook();
    tmp_write(*dir, "verksamheter.csv", "kod;namn;överordnad\nA;Omsorg;\nB;Hemtjänst;A\n");
    tmp_write(*dir, "budget.csv", "verksamhet;slag;period;belopp\nB;kostnad;2021;1 200 000\n");
    char buf[2048] = "verksamhet;slag;period;belopp\n";
    for (int m = 1; m <= months; m++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "B;kostnad;2021%02d;110000\n", m);
    tmp_write(*dir, "utfall.csv", buf);
    tmp_write(*dir, "prognos.csv", "verksamhet;slag;prognos;kommentar\nB;kostnad;1300000;\n");
    char snaps[600];
    snprintf(snaps, sizeof snaps, "%s/snapshots", *dir);
    mkdir(snaps, 0777);
    tmp_write(*dir, "snapshots/202102.csv",
              "verksamhet;slag;prognos;metod;kommentar\nB;kostnad;1250000,00;manuell;\n");
    struct kkr_workbook *wb = NULL;
    struct kkr_diag d;
    CHECK_INT(kkr_workbook_load(*dir, &wb, &d, NULL), KKR_OK);
    return wb;
}

static void test_accuracy(void)
{
    struct kkr_diag d;
    char *dir;
    /* finished: the outcome is the year's utfall, 12 x 110 000 = 1 320 000 */
    struct kkr_workbook *wb = workbook(&dir, 12);
    struct kkr_accuracy *a = NULL;
    CHECK_INT(kkr_accuracy_build(wb, &a, &d, NULL), KKR_OK);
    CHECK(a && a->finished);
    CHECK_INT(a->period, 12);
    CHECK_INT(a->month_count, 1);
    CHECK_INT(a->months[0], 2);
    CHECK_INT(a->row_count, 3); /* A, B, total */
    size_t total = a->row_count - 1;
    CHECK_INT(a->unit[total], -1);
    CHECK_INT(kkr_accuracy_result(a, 0, total), -5000000);          /* 1 200 000 - 1 250 000 */
    CHECK_INT(kkr_accuracy_outcome_result(a, total), -12000000);    /* 1 200 000 - 1 320 000 */
    /* prognos - utfall = 1 250 000 - 1 320 000: negative, the prognos was too low */
    CHECK_INT(kkr_accuracy_difference(a, 0, total), -7000000);
    kkr_accuracy_free(a);
    kkr_workbook_free(wb);
    tmp_remove(dir);

    /* unfinished (utfall through March): against the current prognos, prognos.csv's 1 300 000 */
    wb = workbook(&dir, 3);
    CHECK_INT(kkr_accuracy_build(wb, &a, &d, NULL), KKR_OK);
    CHECK(a && !a->finished);
    CHECK_INT(a->period, 3);
    CHECK_INT(kkr_accuracy_outcome_result(a, 2), -10000000);
    CHECK_INT(kkr_accuracy_difference(a, 0, 2), -5000000);          /* 1 250 000 - 1 300 000 */
    kkr_accuracy_free(a);
    kkr_workbook_free(wb);
    tmp_remove(dir);

    /* utfall through January only: the february snapshot is after the outcome, none is left */
    wb = workbook(&dir, 1);
    a = NULL;
    CHECK_INT(kkr_accuracy_build(wb, &a, &d, NULL), KKR_ERR_NOT_FOUND);
    CHECK(a == NULL);
    CHECK(strstr(d.message, "no locked snapshots of 2021") != NULL);
    kkr_workbook_free(wb);
    tmp_remove(dir);
}

static void test_document(void)
{
    struct kkr_diag d;
    struct kkr_workbook *wb = NULL;
    CHECK_INT(kkr_workbook_load(KKR_SOURCE_ROOT "/budgets/smedjebacken-2020", &wb, &d, NULL), KKR_OK);
    if (!wb)
        return;
    struct kkr_followup_options fo;
    kkr_followup_options_init(&fo);
    fo.period = wb->last_actual_month;
    struct kkr_followup fu;
    CHECK_INT(kkr_followup_build(wb, &fo, &fu, &d), KKR_OK);
    struct kkr_document_options opt = {
        .measures_path = KKR_SOURCE_ROOT "/budgets/smedjebacken-2020/atgarder-maj.csv",
        .markdown = true, .history = true,
    };
    struct kkr_document doc;
    CHECK_INT(kkr_document_build(wb, &fu.rollup, &opt, &doc, &d, NULL), KKR_OK);
    CHECK(doc.markdown == NULL);          /* the example has no sammanfattning.md */
    CHECK(doc.has_before);
    CHECK_INT(doc.before_month, 4);
    /* april's prognos: an underskott of 1 000 000 kr (the published table: -1 000 kkr) */
    const struct kkr_rollup_row *t = kkr_rollup_total(&doc.before);
    CHECK_INT(t->net.budget_full - t->net.forecast_full, -100000000);
    CHECK(doc.has_measures);
    CHECK_INT(doc.measures.count, 6);
    /* 200 000 + 300 000 + 540 000 + 100 000 - 240 000 - 300 000 = 600 000 kr; -400 000 + 600 000 */
    CHECK_INT(doc.measures.effect_ore, 60000000);
    CHECK_INT(doc.measures.result_ore, 20000000);
    CHECK(doc.measures.probability < 0);  /* every measure certain: no simulation */
    CHECK_STR(doc.measures.name, "atgarder-maj.csv");
    CHECK(doc.history && doc.history->month_count == 1);
    kkr_document_release(&doc);

    /* without a scenario and history: only the previous snapshot */
    struct kkr_document_options bare = {0};
    CHECK_INT(kkr_document_build(wb, &fu.rollup, &bare, &doc, &d, NULL), KKR_OK);
    CHECK(doc.has_before && !doc.has_measures && !doc.history);
    kkr_document_release(&doc);

    /* a measures file that does not exist: an error naming it, the document empty */
    struct kkr_document_options missing = {.measures_path = "/nonexistent/atgarder.csv"};
    CHECK(kkr_document_build(wb, &fu.rollup, &missing, &doc, &d, NULL) != KKR_OK);
    CHECK(strstr(d.file, "atgarder.csv") != NULL || strstr(d.message, "atgarder.csv") != NULL);
    CHECK(!doc.has_before && !doc.history);
    kkr_followup_release(&fu);
    kkr_workbook_free(wb);
}

int main(void)
{
    test_accuracy();
    test_document();
    TEST_MAIN_END();
}
