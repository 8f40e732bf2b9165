/* xlsx-write.c — a sheet document as xlsx on libxlsxwriter: Swedish number formats, outline
 * levels, frozen headings, widths, A4 print setup, protection and validation (DESIGN §11) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "kkr/output.h"
#include "kkr/sheet.h"
#include "kkr/text.h"

#define MAX_DECIMALS 10
#define MAX_LEVEL 7           /* Excel's deepest outline level */
#define TEXT_MAX 32767        /* characters in a cell */
#define VALIDATION_TITLE_MAX 32
#define VALIDATION_MESSAGE_MAX 255

static size_t chars(const char *s)
{
    return kkr_utf8_width(s, strlen(s));
}

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
              : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0)
            return false;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return false;
    }
    return true;
}

static enum kkr_status check_text(const struct kkr_sheet *s, const char *t, const char *what,
                                  struct kkr_diag *diag)
{
    if (!valid_utf8(t))
        return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0, "sheet '%s': %s is not UTF-8", s->name,
                        what);
    if (chars(t) > TEXT_MAX)
        return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0,
                        "sheet '%s': %s is longer than the 32 767 characters of an Excel cell",
                        s->name, what);
    return KKR_OK;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return false;
    return *a == *b;
}

enum kkr_status kkr_sheet_doc_check(const struct kkr_sheet_doc *doc, struct kkr_diag *diag)
{
    if (doc->failed)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (doc->sheet_count == 0)
        return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0, "no sheet to write");
    if (doc->sheets[0]->hidden)
        return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0, "the first sheet cannot be hidden");
    for (size_t i = 0; i < doc->sheet_count; i++) {
        const struct kkr_sheet *s = doc->sheets[i];
        size_t n = chars(s->name);
        if (n == 0 || n > LXW_SHEETNAME_MAX || !valid_utf8(s->name) ||
            strpbrk(s->name, "[]:*?/\\") || s->name[0] == '\'' ||
            s->name[strlen(s->name) - 1] == '\'')
            return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0,
                            "'%s' cannot name an Excel sheet (1 to 31 characters, none of "
                            "[ ] : * ? / \\, no apostrophe first or last)", s->name);
        for (size_t j = 0; j < i; j++)
            if (same_name(s->name, doc->sheets[j]->name))
                return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0, "two sheets named '%s'",
                                s->name);
        if (s->col_count == 0 || s->col_count > LXW_COL_MAX)
            return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0,
                            "sheet '%s': %zu columns (1 to 16 384 fit)", s->name, s->col_count);
        if (s->title_count + s->row_count + s->note_count + 4 > LXW_ROW_MAX)
            return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0,
                            "sheet '%s': %zu rows do not fit in an Excel sheet", s->name,
                            s->row_count);
        enum kkr_status st = KKR_OK;
        for (size_t t = 0; t < s->title_count && st == KKR_OK; t++)
            st = check_text(s, s->title[t], "a title line", diag);
        for (size_t t = 0; t < s->note_count && st == KKR_OK; t++)
            st = check_text(s, s->notes[t], "a note", diag);
        for (size_t c = 0; c < s->col_count && st == KKR_OK; c++) {
            const struct kkr_sheet_column *col = &s->cols[c];
            st = check_text(s, col->heading, "a heading", diag);
            if (st == KKR_OK && col->group)
                st = check_text(s, col->group, "a heading", diag);
            if (st == KKR_OK && col->hint &&
                (chars(col->hint) > VALIDATION_MESSAGE_MAX || !valid_utf8(col->hint)))
                st = kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0,
                              "sheet '%s': the hint of '%s' is longer than 255 characters",
                              s->name, col->heading);
            if (st == KKR_OK && col->hint && chars(col->heading) > VALIDATION_TITLE_MAX)
                st = kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0,
                              "sheet '%s': the heading '%s' is too long for a cell prompt "
                              "(32 characters)", s->name, col->heading);
        }
        for (size_t r = 0; r < s->row_count && st == KKR_OK; r++)
            for (size_t c = 0; c < s->col_count && st == KKR_OK; c++)
                if (s->rows[r].cells[c])
                    st = check_text(s, s->rows[r].cells[c], "a cell", diag);
        if (st != KKR_OK)
            return st;
    }
    return KKR_OK;
}

/* ---- formats ---- */

struct formats {
    lxw_format *title, *subtitle, *head, *head_num, *group, *note;
    lxw_format *text[2][MAX_LEVEL + 1];      /* [bold][indent] */
    lxw_format *wrap[2];
    lxw_format *num[2][MAX_DECIMALS + 1];     /* [bold][decimals] */
    lxw_format *in_text, *in_num[MAX_DECIMALS + 1];
};

static void number_format(char *buf, size_t size, int decimals)
{
    /* "#,##0": Swedish Excel shows its own thousands separator (a space) and a minus */
    snprintf(buf, size, "#,##0");
    if (decimals > 0) {
        size_t n = strlen(buf);
        buf[n++] = '.';
        for (int i = 0; i < decimals && n + 1 < size; i++)
            buf[n++] = '0';
        buf[n] = '\0';
    }
}

static void make_formats(lxw_workbook *wb, struct formats *f)
{
    memset(f, 0, sizeof *f);
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    f->subtitle = workbook_add_format(wb);
    f->head = workbook_add_format(wb);
    format_set_bold(f->head);
    format_set_bottom(f->head, LXW_BORDER_THIN);
    format_set_text_wrap(f->head);
    format_set_align(f->head, LXW_ALIGN_VERTICAL_BOTTOM);
    f->head_num = workbook_add_format(wb);
    format_set_bold(f->head_num);
    format_set_bottom(f->head_num, LXW_BORDER_THIN);
    format_set_text_wrap(f->head_num);
    format_set_align(f->head_num, LXW_ALIGN_RIGHT);
    format_set_align(f->head_num, LXW_ALIGN_VERTICAL_BOTTOM);
    f->group = workbook_add_format(wb);
    format_set_bold(f->group);
    format_set_align(f->group, LXW_ALIGN_CENTER);
    format_set_bottom(f->group, LXW_BORDER_THIN);
    f->note = workbook_add_format(wb);
    format_set_italic(f->note);
    char nf[32];
    for (int b = 0; b < 2; b++) {
        for (int l = 0; l <= MAX_LEVEL; l++) {
            f->text[b][l] = workbook_add_format(wb);
            if (b)
                format_set_bold(f->text[b][l]);
            if (l)
                format_set_indent(f->text[b][l], (uint8_t)l);
        }
        f->wrap[b] = workbook_add_format(wb);
        format_set_text_wrap(f->wrap[b]);
        format_set_align(f->wrap[b], LXW_ALIGN_VERTICAL_TOP);
        if (b)
            format_set_bold(f->wrap[b]);
        for (int d = 0; d <= MAX_DECIMALS; d++) {
            number_format(nf, sizeof nf, d);
            f->num[b][d] = workbook_add_format(wb);
            format_set_num_format(f->num[b][d], nf);
            if (b) {
                format_set_bold(f->num[b][d]);
                format_set_top(f->num[b][d], LXW_BORDER_THIN);
            }
        }
    }
    f->in_text = workbook_add_format(wb);
    format_set_unlocked(f->in_text);
    format_set_text_wrap(f->in_text);
    format_set_align(f->in_text, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(f->in_text, 0xFFF2CC);
    format_set_border(f->in_text, LXW_BORDER_THIN);
    for (int d = 0; d <= MAX_DECIMALS; d++) {
        number_format(nf, sizeof nf, d);
        f->in_num[d] = workbook_add_format(wb);
        format_set_num_format(f->in_num[d], nf);
        format_set_unlocked(f->in_num[d]);
        format_set_bg_color(f->in_num[d], 0xFFF2CC);
        format_set_border(f->in_num[d], LXW_BORDER_THIN);
    }
}

static int decimals_of(const char *t)
{
    const char *dot = strchr(t, '.');
    if (!dot)
        return 0;
    size_t d = strlen(dot + 1);
    return d > MAX_DECIMALS ? MAX_DECIMALS : (int)d;
}

/* The width a cell's text takes on screen, in characters. */
static size_t cell_width(const struct kkr_sheet_column *col, const char *t)
{
    if (!col->number)
        return chars(t);
    size_t n = strlen(t), digits = 0;
    for (const char *p = t; *p && *p != '.'; p++)
        digits += *p >= '0' && *p <= '9';
    return n + (digits > 3 ? (digits - 1) / 3 : 0);
}

/* ---- one sheet ---- */

/* the first error of a sheet's calls is kept */
#define KEEP(call) do { lxw_error e_ = (call); if (e_ != LXW_NO_ERROR && err == LXW_NO_ERROR) err = e_; } while (0)

static lxw_error write_sheet(lxw_workbook *wb, const struct kkr_sheet *s,
                             const struct formats *f)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, s->name);
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_error err = LXW_NO_ERROR;
    lxw_row_t r = 0;
    for (size_t t = 0; t < s->title_count; t++, r++)
        KEEP(worksheet_write_string(ws, r, 0, s->title[t], t == 0 ? f->title : f->subtitle));
    if (s->title_count)
        r++;
    bool groups = false;
    for (size_t c = 0; c < s->col_count; c++)
        groups |= s->cols[c].group != NULL;
    if (groups) {
        for (size_t c = 0; c < s->col_count;) {
            size_t e = c + 1;
            const char *g = s->cols[c].group;
            while (g && e < s->col_count && s->cols[e].group && strcmp(s->cols[e].group, g) == 0)
                e++;
            if (g && e - c > 1)
                KEEP(worksheet_merge_range(ws, r, (lxw_col_t)c, r, (lxw_col_t)(e - 1), g,
                                             f->group));
            else if (g)
                KEEP(worksheet_write_string(ws, r, (lxw_col_t)c, g, f->group));
            c = e;
        }
        r++;
    }
    lxw_row_t head_row = r;
    for (size_t c = 0; c < s->col_count; c++)
        KEEP(worksheet_write_string(ws, r, (lxw_col_t)c, s->cols[c].heading,
                                      s->cols[c].number ? f->head_num : f->head));
    r++;
    lxw_row_t first_data = r;
    bool levels = false;
    for (size_t i = 0; i < s->row_count; i++, r++) {
        const struct kkr_sheet_row *row = &s->rows[i];
        int level = row->level < 0 ? 0 : row->level > MAX_LEVEL ? MAX_LEVEL : row->level;
        int b = row->bold ? 1 : 0;
        if (level) {
            lxw_row_col_options o = {.hidden = 0, .level = (uint8_t)level, .collapsed = 0};
            KEEP(worksheet_set_row_opt(ws, r, LXW_DEF_ROW_HEIGHT, NULL, &o));
            levels = true;
        }
        for (size_t c = 0; c < s->col_count; c++) {
            const struct kkr_sheet_column *col = &s->cols[c];
            const char *t = row->cells[c] ? row->cells[c] : "";
            lxw_col_t cc = (lxw_col_t)c;
            if (col->number) {
                int d = decimals_of(t);
                lxw_format *fmt = col->input ? f->in_num[d] : f->num[b][d];
                if (t[0])
                    KEEP(worksheet_write_number(ws, r, cc, strtod(t, NULL), fmt));
                else if (col->input || b)
                    KEEP(worksheet_write_blank(ws, r, cc, fmt));
            } else {
                lxw_format *fmt = col->input ? f->in_text
                                  : col->wrap ? f->wrap[b]
                                  : f->text[b][(int)c == s->indent_col ? level : 0];
                if (t[0])
                    KEEP(worksheet_write_string(ws, r, cc, t, fmt));
                else if (col->input)
                    KEEP(worksheet_write_blank(ws, r, cc, fmt));
            }
        }
    }
    lxw_row_t last_data = r ? r - 1 : 0;
    if (s->note_count)
        r++;
    for (size_t t = 0; t < s->note_count; t++, r++)
        KEEP(worksheet_write_string(ws, r, 0, s->notes[t], f->note));

    /* widths: the longest cell of each column (headings wrap beyond 14 characters) */
    size_t total = 0;
    for (size_t c = 0; c < s->col_count; c++) {
        const struct kkr_sheet_column *col = &s->cols[c];
        size_t w = chars(col->heading);
        if (w > 14)
            w = 14;
        size_t indent = 0;
        for (size_t i = 0; i < s->row_count; i++) {
            size_t cw = s->rows[i].cells[c] ? cell_width(col, s->rows[i].cells[c]) : 0;
            if (cw > w)
                w = cw;
            if ((size_t)s->rows[i].level > indent)
                indent = (size_t)s->rows[i].level;
        }
        if (!col->number && (int)c == s->indent_col)
            w += 2 * (indent > MAX_LEVEL ? MAX_LEVEL : indent);
        size_t cap = col->wrap || col->input ? 50 : 60;
        if (col->input && !col->number && w < 40)
            w = 40;
        if (w > cap)
            w = cap;
        w += 2;
        total += w;
        KEEP(worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)w, NULL));
    }

    if (levels)
        worksheet_outline_settings(ws, LXW_TRUE, LXW_FALSE, LXW_TRUE, LXW_FALSE);
    worksheet_freeze_panes(ws, head_row + 1,
                           (lxw_col_t)(s->freeze_cols < s->col_count ? s->freeze_cols : 0));
    /* A4, landscape when the table is wider than a portrait page, one page wide */
    worksheet_set_paper(ws, 9);
    if (total > 95)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    KEEP(worksheet_repeat_rows(ws, groups ? head_row - 1 : head_row, head_row));
    KEEP(worksheet_set_footer(ws, "&L&A&RSida &P av &N"));

    for (size_t c = 0; c < s->col_count && s->row_count; c++) {
        const struct kkr_sheet_column *col = &s->cols[c];
        if (!col->input || (!col->validate_number && !col->hint))
            continue;
        lxw_data_validation dv;
        memset(&dv, 0, sizeof dv);
        if (col->validate_number) {
            dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
            dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
            dv.minimum_number = -1e12;
            dv.maximum_number = 1e12;
            dv.error_title = "Ange ett tal";
            dv.error_message = "Prognosen är ett belopp, t.ex. 1234 eller -250,5.";
        } else {
            dv.validate = LXW_VALIDATION_TYPE_ANY;
        }
        dv.ignore_blank = LXW_VALIDATION_ON;
        dv.show_input = col->hint ? LXW_VALIDATION_ON : LXW_VALIDATION_OFF;
        dv.input_title = col->hint ? col->heading : NULL;
        dv.input_message = col->hint;
        KEEP(worksheet_data_validation_range(ws, first_data, (lxw_col_t)c, last_data,
                                               (lxw_col_t)c, &dv));
    }
    if (s->protect) {
        lxw_protection p;
        memset(&p, 0, sizeof p);
        p.format_columns = 1;
        p.format_rows = 1;
        worksheet_protect(ws, NULL, &p);
    }
    if (s->hidden)
        worksheet_hide(ws);
    return err;
}

static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static enum kkr_status write_to(const struct kkr_sheet_doc *doc, const char *file,
                                const char *tmpdir, struct kkr_diag *diag)
{
    lxw_workbook_options o = {.constant_memory = LXW_FALSE, .tmpdir = (char *)tmpdir};
    lxw_workbook *wb = workbook_new_opt(file, &o);
    if (!wb)
        return kkr_fail(diag, KKR_ERR_NOMEM, file, 0, 0, "out of memory");
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    props.title = doc->title;
    props.author = doc->author;
    /* libxlsxwriter takes created 0 for "now": SOURCE_DATE_EPOCH=0 is written one second
     * later (1970-01-01T00:00:01Z), so that it stays fixed */
    props.created = doc->created > 0 ? doc->created : 1;
    workbook_set_properties(wb, &props);
    struct formats f;
    make_formats(wb, &f);
    lxw_error err = LXW_NO_ERROR;
    for (size_t i = 0; i < doc->sheet_count && err == LXW_NO_ERROR; i++)
        err = write_sheet(wb, doc->sheets[i], &f);
    lxw_error closed = workbook_close(wb);
    if (err != LXW_NO_ERROR || closed != LXW_NO_ERROR)
        return kkr_fail(diag, KKR_ERR_IO, file, 0, 0, "cannot write the xlsx file: %s",
                        lxw_strerror(err != LXW_NO_ERROR ? err : closed));
    return KKR_OK;
}

enum kkr_status kkr_sheet_doc_write_xlsx_begin(const struct kkr_sheet_doc *doc,
                                               const char *path, bool no_replace,
                                               struct kkr_output *out, struct kkr_diag *diag)
{
    memset(out, 0, sizeof *out);
    enum kkr_status st = kkr_sheet_doc_check(doc, diag);
    if (st != KKR_OK)
        return st;
    char *dir = folder_of(path);
    if (!dir)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    st = kkr_output_open(out, path, no_replace, diag);
    if (st == KKR_OK) {
        st = write_to(doc, out->tmp_path, dir, diag);
        if (st != KKR_OK)
            kkr_output_abort(out);
    }
    free(dir);
    return st;
}

enum kkr_status kkr_sheet_doc_write_xlsx(const struct kkr_sheet_doc *doc, const char *path,
                                         bool no_replace, struct kkr_diag *diag)
{
    enum kkr_status st = kkr_sheet_doc_check(doc, diag);
    if (st != KKR_OK)
        return st;
    bool to_stdout = strcmp(path, "-") == 0;
    char *tmp_target = NULL, *dir = NULL;
    if (to_stdout) {
        const char *t = getenv("TMPDIR");
        if (asprintf(&tmp_target, "%s/kkr-stdout.xlsx", t && *t ? t : "/tmp") < 0)
            return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    const char *target = to_stdout ? tmp_target : path;
    dir = folder_of(target);
    struct kkr_output out;
    if (!dir) {
        free(tmp_target);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    st = kkr_output_open(&out, target, no_replace, diag);
    if (st == KKR_OK) {
        /* libxlsxwriter opens the temporary name itself (truncating the same file) */
        st = write_to(doc, out.tmp_path, dir, diag);
        if (st == KKR_OK && to_stdout) {
            FILE *in = fopen(out.tmp_path, "rb");
            char buf[65536];
            size_t n;
            if (!in)
                st = kkr_fail(diag, KKR_ERR_IO, "-", 0, 0, "cannot read back: %s",
                              strerror(errno));
            while (st == KKR_OK && (n = fread(buf, 1, sizeof buf, in)) > 0)
                if (fwrite(buf, 1, n, stdout) != n)
                    st = kkr_fail(diag, KKR_ERR_IO, "-", 0, 0, "cannot write: %s",
                                  strerror(errno));
            if (in)
                fclose(in);
            if (st == KKR_OK && fflush(stdout) != 0)
                st = kkr_fail(diag, KKR_ERR_IO, "-", 0, 0, "cannot write: %s", strerror(errno));
            kkr_output_abort(&out);
        } else if (st == KKR_OK) {
            st = kkr_output_commit(&out, diag);
        } else {
            kkr_output_abort(&out);
        }
    }
    free(dir);
    free(tmp_target);
    return st;
}
