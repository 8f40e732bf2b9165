/* accuracy-write.c — the prognossäkerhet table: long CSV/JSON, the annual report's matrix of
 * top-level units × locked months as text, Markdown and a sheet */
#include <string.h>

#include "kkr/accuracy.h"
#include "kkr/csv.h"
#include "kkr/json.h"
#include "kkr/table.h"
#include "kkr/text.h"

static const char *const month_abbrev[13] = {
    "", "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
};

static const char *row_code(const struct kkr_workbook *wb, const struct kkr_accuracy *a, size_t r)
{
    return a->unit[r] < 0 ? "total" : wb->units[a->unit[r]].code;
}

static const char *row_name(const struct kkr_workbook *wb, const struct kkr_accuracy *a, size_t r)
{
    return a->unit[r] < 0 ? "Totalt" : wb->units[a->unit[r]].name;
}

/* Whether row r is shown at depth (0: the format's default, top level only; N: the first N
 * levels). The total is always shown. */
static bool shown(const struct kkr_accuracy *a, size_t r, int depth)
{
    return a->unit[r] < 0 || a->depth[r] < (depth > 0 ? depth : 1);
}

/* Indentation of a row's name in text, as kkr report's (the total at the left). */
static size_t indent_of(const struct kkr_accuracy *a, size_t r)
{
    return kkr_table_indent(a->unit[r] < 0 ? 0 : a->depth[r]);
}

/* ---- the footnotes, shared by text, Markdown and the sheet ---- */

#define NOTE_COUNT 3
#define NOTE_WIDTH 100

static void notes(const struct kkr_accuracy *a, const char *unit_name, char out[NOTE_COUNT][400])
{
    snprintf(out[0], 400, "Resultat = budget − helårsprognos, för %s budget − %s "
             "(positivt = överskott), i %s.", a->finished ? "utfallet" : "den aktuella prognosen",
             a->finished ? "utfall" : "prognos", unit_name);
    if (a->finished)
        snprintf(out[1], 400, "Differens = prognos − utfall i nettokostnad (= utfallets resultat − "
                 "prognosens): positivt = prognosen var för hög, året blev bättre än prognosen; "
                 "negativt = prognosen var för låg.");
    else
        snprintf(out[1], 400, "Differens = prognos − aktuell prognos i nettokostnad (= den "
                 "aktuella prognosens resultat − den låsta prognosens): positivt = den låsta "
                 "prognosen var högre än dagens.");
    if (a->finished)
        snprintf(out[2], 400, "Månaderna är de låsta prognoserna (kkr lock); utfall = bokslutet "
                 "%d.", a->year);
    else
        snprintf(out[2], 400, "Året är inte avslutat (utfall t.o.m. %s %d): de låsta prognoserna "
                 "(kkr lock) jämförs med den aktuella helårsprognosen för %s, som kkr report "
                 "visar den, inte med bokslutet.", kkr_month_name(a->period), a->year,
                 kkr_month_name(a->period));
}

static void outcome_heading(const struct kkr_accuracy *a, char *buf, size_t size)
{
    if (a->finished)
        snprintf(buf, size, "Utfall");
    else
        snprintf(buf, size, "Prognos %s", month_abbrev[a->period]);
}

/* ---- CSV and JSON: long ---- */

static void write_long(FILE *out, const struct kkr_workbook *wb, const struct kkr_accuracy *a,
                       bool json, enum kkr_display_unit unit, int depth)
{
    char compare[32];
    if (a->finished)
        snprintf(compare, sizeof compare, "utfall");
    else
        snprintf(compare, sizeof compare, "prognos %d%02d", a->year, a->period);
    if (json) {
        fprintf(out, "{\n  \"tabell\": \"prognossäkerhet\",\n  \"enhet\": \"%s\",\n  \"år\": %d,\n"
                     "  \"avslutat\": %s,\n  \"jämförelse\": \"%s\",\n"
                     "  \"differens\": \"prognos − %s i nettokostnad; positivt = prognosen var "
                     "för hög\",\n  \"rader\": [",
                kkr_display_unit_name(unit), a->year, a->finished ? "true" : "false", compare,
                a->finished ? "utfall" : "aktuell prognos");
    } else {
        fputs("kod;snapshot;resultat_prognos;resultat_utfall;differens;namn;nivå;jämförelse\n", out);
    }
    bool first = true;
    char f[64], o[64], d[64];
    for (size_t m = 0; m < a->month_count; m++) {
        for (size_t r = 0; r < a->row_count; r++) {
            if (depth > 0 && !shown(a, r, depth))
                continue; /* (every level unless --depth is given) */
            int64_t res_f = kkr_accuracy_result(a, m, r), res_o = kkr_accuracy_outcome_result(a, r);
            int64_t diff = kkr_accuracy_difference(a, m, r);
            kkr_money_format(f, sizeof f, res_f, unit, &KKR_STYLE_PLAIN);
            kkr_money_format(o, sizeof o, res_o, unit, &KKR_STYLE_PLAIN);
            kkr_money_format(d, sizeof d, diff, unit, &KKR_STYLE_PLAIN);
            if (json) {
                fprintf(out, "%s\n    {\"kod\": ", first ? "" : ",");
                kkr_json_write_string(out, row_code(wb, a, r));
                fprintf(out, ", \"snapshot\": %d%02d, \"resultat_prognos_öre\": %lld"
                             ", \"resultat_utfall_öre\": %lld, \"differens_öre\": %lld, \"namn\": ",
                        a->year, a->months[m], (long long)res_f, (long long)res_o,
                        (long long)diff);
                kkr_json_write_string(out, row_name(wb, a, r));
                fprintf(out, ", \"nivå\": %d, \"resultat_prognos\": %s, \"resultat_utfall\": %s"
                             ", \"differens\": %s}",
                        a->depth[r], f, o, d);
            } else {
                kkr_csv_write_text(out, row_code(wb, a, r), ';');
                fprintf(out, ";%d%02d;%s;%s;%s;", a->year, a->months[m], f, o, d);
                kkr_csv_write_text(out, row_name(wb, a, r), ';');
                fprintf(out, ";%d;%s\n", a->depth[r], compare);
            }
            first = false;
        }
    }
    if (json)
        fputs(first ? "]\n}\n" : "\n  ]\n}\n", out);
}

/* ---- text and Markdown: the annual report's matrix ---- */

static void pad(FILE *out, size_t n)
{
    while (n--)
        fputc(' ', out);
}

static void md_cell(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\|*_`<>[]#", *s))
            fputc('\\', out);
        fputc(*s, out);
    }
}

/* The value of column c of block (0: the results and the outcome, 1: the differences). */
static int64_t cell(const struct kkr_accuracy *a, int block, size_t c, size_t r)
{
    if (block == 1)
        return kkr_accuracy_difference(a, c, r);
    return c < a->month_count ? kkr_accuracy_result(a, c, r) : kkr_accuracy_outcome_result(a, r);
}

/* One block of the matrix in markdown: all its columns. */
static void write_md_block(FILE *out, const struct kkr_workbook *wb, const struct kkr_accuracy *a,
                           int b, const char *head, const char *outcome, size_t ncols,
                           enum kkr_display_unit unit, int depth)
{
    char buf[64];
    fputs("| ", out);
    md_cell(out, head);
    for (size_t c = 0; c < ncols; c++)
        fprintf(out, " | %s", c < a->month_count ? month_abbrev[a->months[c]] : outcome);
    fputs(" |\n|---", out);
    for (size_t c = 0; c < ncols; c++)
        fputs("|---:", out);
    fputs("|\n", out);
    for (size_t r = 0; r < a->row_count; r++) {
        if (!shown(a, r, depth))
            continue;
        fputs("| ", out);
        for (size_t d = 0; d < indent_of(a, r) / 2; d++)
            fputs("&emsp;", out);
        md_cell(out, row_name(wb, a, r));
        for (size_t c = 0; c < ncols; c++) {
            kkr_money_format(buf, sizeof buf, cell(a, b, c, r), unit, &KKR_STYLE_TEXT);
            fprintf(out, " | %s", buf);
        }
        fputs(" |\n", out);
    }
}

/* One panel of a block as text: the names and columns first..last-1. */
static void write_text_panel(FILE *out, const struct kkr_workbook *wb,
                             const struct kkr_accuracy *a, int b, const char *head,
                             const char *outcome, size_t name_w, const size_t *col_w,
                             size_t first, size_t last, enum kkr_display_unit unit, int depth)
{
    char buf[64];
    fputs(head, out);
    pad(out, name_w - kkr_utf8_width(head, strlen(head)));
    for (size_t c = first; c < last; c++) {
        const char *h = c < a->month_count ? month_abbrev[a->months[c]] : outcome;
        pad(out, 2 + col_w[c] - strlen(h));
        fputs(h, out);
    }
    fputc('\n', out);
    for (size_t r = 0; r < a->row_count; r++) {
        if (!shown(a, r, depth))
            continue;
        const char *n = row_name(wb, a, r);
        size_t indent = indent_of(a, r);
        pad(out, indent);
        fputs(n, out);
        pad(out, name_w - indent - kkr_utf8_width(n, strlen(n)));
        for (size_t c = first; c < last; c++) {
            size_t w = kkr_money_format(buf, sizeof buf, cell(a, b, c, r), unit,
                                        &KKR_STYLE_TEXT);
            pad(out, 2 + col_w[c] - w);
            fputs(buf, out);
        }
        fputc('\n', out);
    }
}

/* The end of the panel of the text form that starts at column first: at most per columns and
 * no wider than NOTE_WIDTH (but at least one column). */
static size_t panel_end(size_t name_w, const size_t *col_w, size_t first, size_t ncols,
                        size_t per)
{
    size_t last = first, w = name_w;
    while (last < ncols && last - first < per &&
           (last == first || w + 2 + col_w[last] <= NOTE_WIDTH))
        w += 2 + col_w[last++];
    return last;
}

static void write_matrix(FILE *out, const struct kkr_workbook *wb, const struct kkr_accuracy *a,
                         bool md, enum kkr_display_unit unit, int depth)
{
    char buf[64], outcome[32], heads[2][96];
    const char *unit_name = kkr_display_unit_name(unit);
    outcome_heading(a, outcome, sizeof outcome);
    if (md)
        fprintf(out, "## Prognossäkerhet %d\n\n", a->year);
    else if (a->finished)
        fprintf(out, "Prognossäkerhet %d: de låsta prognosernas resultat mot utfallet\n", a->year);
    else
        fprintf(out, "Prognossäkerhet %d: de låsta prognosernas resultat mot aktuell prognos "
                     "(%s)\n", a->year, kkr_month_name(a->period));
    if (wb->committee || wb->organisation)
        fprintf(out, "%s%s%s\n", wb->committee ? wb->committee : "",
                wb->committee && wb->organisation ? ", " : "",
                wb->organisation ? wb->organisation : "");
    fputc('\n', out);
    snprintf(heads[0], sizeof heads[0], "Resultat mot budget, %s", unit_name);
    snprintf(heads[1], sizeof heads[1], "Differens prognos − %s, %s",
             a->finished ? "utfall" : "aktuell", unit_name);
    size_t name_w = 0;
    for (int b = 0; b < 2; b++) {
        size_t w = kkr_utf8_width(heads[b], strlen(heads[b]));
        if (w > name_w)
            name_w = w;
    }
    for (size_t r = 0; r < a->row_count; r++) {
        if (!shown(a, r, depth))
            continue;
        const char *n = row_name(wb, a, r);
        size_t w = indent_of(a, r) + kkr_utf8_width(n, strlen(n));
        if (w > name_w)
            name_w = w;
    }
    /* a month's column as wide as its widest figure in both blocks, so that they line up;
     * the outcome's column its own */
    size_t col_w[14];
    for (size_t c = 0; c <= a->month_count; c++)
        col_w[c] = c < a->month_count ? 3 : strlen(outcome);
    for (int b = 0; b < 2; b++)
        for (size_t r = 0; r < a->row_count; r++) {
            if (!shown(a, r, depth))
                continue;
            for (size_t c = 0; c < a->month_count + (b == 0); c++) {
                size_t w = kkr_money_format(buf, sizeof buf, cell(a, b, c, r), unit,
                                            &KKR_STYLE_TEXT);
                if (w > col_w[c])
                    col_w[c] = w;
            }
        }
    for (int b = 0; b < 2; b++) {
        size_t ncols = a->month_count + (b == 0);
        if (md) {
            if (b == 1)
                fputc('\n', out);
            write_md_block(out, wb, a, b, heads[b], outcome, ncols, unit, depth);
            continue;
        }
        /* wider than a terminal of 100 columns (a kommun's nämnder in kkr, nine months and
         * more): the months continue in panels under the first, names repeated, as many
         * columns in each as fit, then evened out (7 + 2 months reads worse than 5 + 4) */
        size_t panels = 0;
        for (size_t first = 0; first < ncols; panels++)
            first = panel_end(name_w, col_w, first, ncols, ncols);
        size_t per = panels ? (ncols + panels - 1) / panels : 1;
        for (size_t first = 0, last; first < ncols; first = last) {
            last = panel_end(name_w, col_w, first, ncols, per);
            if (b > 0 || first > 0)
                fputc('\n', out);
            write_text_panel(out, wb, a, b, heads[b], outcome, name_w, col_w, first, last, unit,
                             depth);
        }
    }

    char note[NOTE_COUNT][400];
    notes(a, unit_name, note);
    fputc('\n', out);
    for (int i = 0; i < NOTE_COUNT; i++) {
        if (md) {
            md_cell(out, note[i]);
            fputs(i + 1 < NOTE_COUNT ? "\n\n" : "\n", out);
        } else {
            kkr_text_write_wrapped(out, note[i], NOTE_WIDTH); /* (a terminal of 100 columns) */
        }
    }
}

enum kkr_status kkr_accuracy_write(FILE *out, const struct kkr_workbook *wb,
                                   const struct kkr_accuracy *a, enum kkr_format format,
                                   enum kkr_display_unit unit, int depth, struct kkr_diag *diag)
{
    switch (format) {
    case KKR_FORMAT_CSV: write_long(out, wb, a, false, unit, depth); break;
    case KKR_FORMAT_JSON: write_long(out, wb, a, true, unit, depth); break;
    case KKR_FORMAT_MD: write_matrix(out, wb, a, true, unit, depth); break;
    default: write_matrix(out, wb, a, false, unit, depth); break;
    }
    if (ferror(out))
        return kkr_fail(diag, KKR_ERR_IO, NULL, 0, 0, "write error");
    return KKR_OK;
}

/* ---- the sheet ---- */

void kkr_accuracy_sheet(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                        const struct kkr_accuracy *a, enum kkr_display_unit unit, int depth)
{
    const char *unit_name = kkr_display_unit_name(unit);
    struct kkr_sheet *sh = kkr_sheet_add(doc, "Prognossäkerhet");
    if (!sh)
        return;
    if (a->finished)
        kkr_sheet_add_title(doc, sh, "Prognossäkerhet %d: de låsta prognosernas resultat mot "
                            "utfallet", a->year);
    else
        kkr_sheet_add_title(doc, sh, "Prognossäkerhet %d: de låsta prognosernas resultat mot "
                            "aktuell prognos (%s)", a->year, kkr_month_name(a->period));
    if (wb->organisation || wb->committee)
        kkr_sheet_add_title(doc, sh, "%s%s%s", wb->committee ? wb->committee : "",
                            wb->organisation && wb->committee ? ", " : "",
                            wb->organisation ? wb->organisation : "");
    char outcome[32], group[2][96], buf[64];
    outcome_heading(a, outcome, sizeof outcome);
    snprintf(group[0], sizeof group[0], "Resultat mot budget, %s", unit_name);
    snprintf(group[1], sizeof group[1], "Differens prognos − %s, %s",
             a->finished ? "utfall" : "aktuell", unit_name);
    kkr_sheet_add_column(doc, sh, "Verksamhet", NULL, false);
    for (int b = 0; b < 2; b++)
        for (size_t c = 0; c < a->month_count + (b == 0); c++)
            kkr_sheet_add_column(doc, sh, c < a->month_count ? month_abbrev[a->months[c]] : outcome,
                                 group[b], true);
    for (size_t r = 0; r < a->row_count; r++) {
        if (!shown(a, r, depth))
            continue;
        struct kkr_sheet_row *row = kkr_sheet_add_row(doc, sh, a->unit[r] < 0 ? 0 : a->depth[r],
                                                      a->unit[r] < 0);
        if (!row)
            return;
        kkr_sheet_set(doc, row, 0, row_name(wb, a, r));
        size_t col = 1;
        for (int b = 0; b < 2; b++)
            for (size_t c = 0; c < a->month_count + (b == 0); c++) {
                kkr_money_format(buf, sizeof buf, cell(a, b, c, r), unit, &KKR_STYLE_PLAIN);
                kkr_sheet_set(doc, row, col++, buf);
            }
    }
    char note[NOTE_COUNT][400];
    notes(a, unit_name, note);
    for (int i = 0; i < NOTE_COUNT; i++)
        kkr_sheet_add_note(doc, sh, "%s", note[i]);
}
