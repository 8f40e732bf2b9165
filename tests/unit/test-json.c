/* test-json.c — the JSON writer: layout, escapes, U+FFFD for bytes that are not UTF-8, sticky errors */
#include <stdlib.h>

#include "kkr/json.h"
#include "kkr/text.h"
#include "test.h"

struct mem {
    char *buf;
    size_t len;
    FILE *f;
};

static struct kkr_json *open_mem(struct mem *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    return kkr_json_new(m->f);
}

static char *close_mem(struct mem *m)
{
    fclose(m->f);
    return m->buf;
}

int main(void)
{
    struct mem m;
    struct kkr_diag d;

    /* the report's layout: the document's members on lines, rows inline */
    struct kkr_json *j = open_mem(&m);
    kkr_json_object_begin(j, KKR_JSON_LINES);
    kkr_json_key(j, "organisation");
    kkr_json_string(j, "Smedjebackens kommun");
    kkr_json_key(j, "titel");
    kkr_json_string(j, NULL);
    kkr_json_key(j, "år");
    kkr_json_int(j, 2020);
    kkr_json_key(j, "rader");
    kkr_json_array_begin(j, KKR_JSON_LINES);
    kkr_json_object_begin(j, KKR_JSON_INLINE);
    kkr_json_key(j, "budget");
    kkr_json_number_text(j, "-1234567.89");
    kkr_json_key(j, "utfall");
    kkr_json_number_text(j, "");
    kkr_json_key(j, "ok");
    kkr_json_bool(j, true);
    kkr_json_key(j, "öre");
    kkr_json_object_begin(j, KKR_JSON_INLINE);
    kkr_json_key(j, "budget");
    kkr_json_int(j, INT64_MIN);
    kkr_json_object_end(j);
    kkr_json_object_end(j);
    kkr_json_object_begin(j, KKR_JSON_INLINE);
    kkr_json_object_end(j);
    kkr_json_array_end(j);
    kkr_json_key(j, "tom");
    kkr_json_array_begin(j, KKR_JSON_LINES);
    kkr_json_array_end(j);
    kkr_json_key(j, "lista");
    kkr_json_array_begin(j, KKR_JSON_INLINE);
    kkr_json_int(j, 1);
    kkr_json_null(j);
    kkr_json_array_end(j);
    kkr_json_object_end(j);
    CHECK_INT(kkr_json_finish(j, &d), KKR_OK);
    kkr_json_free(j);
    CHECK_STR(close_mem(&m), "{\n"
                             "  \"organisation\": \"Smedjebackens kommun\",\n"
                             "  \"titel\": null,\n"
                             "  \"år\": 2020,\n"
                             "  \"rader\": [\n"
                             "    {\"budget\": -1234567.89, \"utfall\": null, \"ok\": true, "
                             "\"öre\": {\"budget\": -9223372036854775808}},\n"
                             "    {}\n"
                             "  ],\n"
                             "  \"tom\": [\n"
                             "  ],\n"
                             "  \"lista\": [1, null]\n"
                             "}\n");
    free(m.buf);

    /* escapes; bytes that are not UTF-8 become U+FFFD, valid sequences stay */
    j = open_mem(&m);
    kkr_json_array_begin(j, KKR_JSON_INLINE);
    kkr_json_string(j, "rad\n\"två\"\\\x01\t\r");
    kkr_json_string(j, "\xC5tg\xE4rder-maj.csv");         /* "Åtgärder" in Windows-1252 */
    kkr_json_string(j, "\xE2\x88\x92" "5 \xF0\x9F\x98\x80"); /* U+2212 and an emoji: kept */
    kkr_json_string(j, "\xED\xA0\x80|\xC0\xAF|\xE2\x88");  /* surrogate, overlong, cut short */
    kkr_json_array_end(j);
    CHECK_INT(kkr_json_finish(j, &d), KKR_OK);
    kkr_json_free(j);
    char *out = close_mem(&m);
    CHECK_STR(out, "[\"rad\\n\\\"två\\\"\\\\\\u0001\\t\\r\", \"\xEF\xBF\xBDtg\xEF\xBF\xBDrder-maj.csv\", "
                   "\"\xE2\x88\x92" "5 \xF0\x9F\x98\x80\", "
                   "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|"
                   "\xEF\xBF\xBD\xEF\xBF\xBD\"]\n");
    CHECK(kkr_utf8_valid(out, strlen(out), NULL));
    free(out);

    /* a NUL inside a counted string */
    j = open_mem(&m);
    kkr_json_free(j);
    kkr_json_write_string_n(m.f, "a\0b", 3);
    CHECK_STR(close_mem(&m), "\"a\\u0000b\"");
    free(m.buf);

    /* errors stick: the first one is reported once, at finish, and nothing follows it */
    static const char *const bad_numbers[] = {"1,5", "01", "-", "1.", ".5", "1e", "NaN", "12 000"};
    for (size_t i = 0; i < sizeof bad_numbers / sizeof bad_numbers[0]; i++) {
        j = open_mem(&m);
        kkr_json_array_begin(j, KKR_JSON_INLINE);
        kkr_json_number_text(j, bad_numbers[i]);
        kkr_json_int(j, 7);
        kkr_json_array_end(j);
        CHECK_INT(kkr_json_status(j), KKR_ERR_VALUE);
        CHECK_INT(kkr_json_finish(j, &d), KKR_ERR_VALUE);
        kkr_json_free(j);
        CHECK_STR(close_mem(&m), "[");
        free(m.buf);
    }
    static const char *const good_numbers[] = {"0", "-0.5", "1234.56", "1e9", "2.5E-3"};
    for (size_t i = 0; i < sizeof good_numbers / sizeof good_numbers[0]; i++) {
        j = open_mem(&m);
        kkr_json_number_text(j, good_numbers[i]);
        CHECK_INT(kkr_json_finish(j, &d), KKR_OK);
        kkr_json_free(j);
        close_mem(&m);
        CHECK(strncmp(m.buf, good_numbers[i], strlen(good_numbers[i])) == 0);
        free(m.buf);
    }

    j = open_mem(&m); /* a value where a key is due */
    kkr_json_object_begin(j, KKR_JSON_INLINE);
    kkr_json_int(j, 1);
    CHECK_INT(kkr_json_finish(j, &d), KKR_ERR_USAGE);
    CHECK_STR(d.message, "a JSON value where a key is due");
    kkr_json_free(j);
    close_mem(&m);
    free(m.buf);

    j = open_mem(&m); /* a key outside an object */
    kkr_json_array_begin(j, KKR_JSON_INLINE);
    kkr_json_key(j, "x");
    CHECK_INT(kkr_json_finish(j, &d), KKR_ERR_USAGE);
    kkr_json_free(j);
    close_mem(&m);
    free(m.buf);

    j = open_mem(&m); /* a key without its value */
    kkr_json_object_begin(j, KKR_JSON_INLINE);
    kkr_json_key(j, "x");
    kkr_json_object_end(j);
    CHECK_INT(kkr_json_finish(j, &d), KKR_ERR_USAGE);
    kkr_json_free(j);
    close_mem(&m);
    free(m.buf);

    j = open_mem(&m); /* unfinished, mismatched, two documents */
    kkr_json_array_begin(j, KKR_JSON_INLINE);
    CHECK_INT(kkr_json_finish(j, &d), KKR_ERR_USAGE);
    CHECK_STR(d.message, "a JSON document left unfinished");
    kkr_json_free(j);
    close_mem(&m);
    free(m.buf);
    j = open_mem(&m);
    kkr_json_array_begin(j, KKR_JSON_INLINE);
    kkr_json_object_end(j);
    CHECK_INT(kkr_json_finish(j, &d), KKR_ERR_USAGE);
    kkr_json_free(j);
    close_mem(&m);
    free(m.buf);
    j = open_mem(&m);
    kkr_json_int(j, 1);
    kkr_json_int(j, 2);
    CHECK_INT(kkr_json_finish(j, &d), KKR_ERR_USAGE);
    kkr_json_free(j);
    CHECK_STR(close_mem(&m), "1");
    free(m.buf);

    j = open_mem(&m); /* nested too deep */
    for (int i = 0; i < 40; i++)
        kkr_json_array_begin(j, KKR_JSON_INLINE);
    CHECK_INT(kkr_json_finish(j, &d), KKR_ERR_USAGE);
    CHECK_STR(d.message, "JSON nested too deep");
    kkr_json_free(j);
    close_mem(&m);
    free(m.buf);

    /* a write error is found at finish (the disk is full) */
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        j = kkr_json_new(full);
        kkr_json_array_begin(j, KKR_JSON_LINES);
        for (int i = 0; i < 10000; i++)
            kkr_json_string(j, "Äldreomsorg");
        kkr_json_array_end(j);
        CHECK_INT(kkr_json_finish(j, &d), KKR_ERR_IO);
        kkr_json_free(j);
        fclose(full);
    }
    kkr_json_free(NULL);
    TEST_MAIN_END();
}
