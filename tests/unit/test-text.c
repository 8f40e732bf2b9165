/* test-text.c — UTF-8 checks, widths, Swedish case folding, Windows-1252 */
#include <stdlib.h>

#include "kkr/text.h"
#include "test.h"

int main(void)
{
    size_t bad = 99;
    CHECK(kkr_utf8_valid("Äldreomsorg", strlen("Äldreomsorg"), NULL));
    CHECK(!kkr_utf8_valid("ab\xc4" "c", 4, &bad));
    CHECK_INT(bad, 2);
    /* past the eight-byte ASCII skip: the offset is still the bad byte's */
    CHECK(!kkr_utf8_valid("0123456789abcdefg\xff" "xyz", 21, &bad));
    CHECK_INT(bad, 17);
    CHECK(kkr_utf8_valid("0123456789abcdef\xc3\xa4", 18, NULL));
    CHECK(!kkr_utf8_valid("01234567\xc3", 9, &bad));
    CHECK_INT(bad, 8);
    CHECK(!kkr_utf8_valid("\xc0\xaf", 2, &bad));           /* overlong '/' */
    CHECK(!kkr_utf8_valid("\xed\xa0\x80", 3, &bad));       /* surrogate */
    CHECK(!kkr_utf8_valid("\xe2\x82", 2, &bad));           /* cut short */
    CHECK(kkr_utf8_valid("\xf0\x9f\x98\x80", 4, NULL));    /* emoji */

    CHECK_INT(kkr_utf8_width("Övrigt ÄO", strlen("Övrigt ÄO")), 9);
    CHECK_INT(kkr_utf8_prefix("åäö", 6, 2), 4);

    size_t n;
    char *u = kkr_cp1252_to_utf8("S\xe4rskilt \xd6" "vrigt \x80\x96", 18, &n);
    CHECK_STR(u, "Särskilt Övrigt €–");
    CHECK_INT(n, strlen("Särskilt Övrigt €–"));
    free(u);

    CHECK(kkr_text_equal_fold("ÖVERORDNAD", strlen("ÖVERORDNAD"), "överordnad",
                              strlen("överordnad")));
    CHECK(kkr_text_equal_fold(" Belopp ", 8, "belopp", 6));
    CHECK(!kkr_text_equal_fold("belopp", 6, "belopps", 7));
    CHECK(!kkr_text_equal_fold("år", strlen("år"), "ar", 2));

    char buf[64];
    kkr_text_lower_first(buf, "Särskilt boende", strlen("Särskilt boende"));
    CHECK_STR(buf, "särskilt boende");
    kkr_text_lower_first(buf, "Övrigt ÄO", strlen("Övrigt ÄO"));
    CHECK_STR(buf, "övrigt ÄO");
    kkr_text_lower_first(buf, "HSL & Rehab", 11);
    CHECK_STR(buf, "HSL & Rehab");
    kkr_text_lower_first(buf, "ÄO", strlen("ÄO"));
    CHECK_STR(buf, "ÄO");

    const char *s = "  a b \t";
    size_t len = strlen(s);
    kkr_text_trim(&s, &len);
    CHECK_INT(len, 3);
    CHECK(strncmp(s, "a b", 3) == 0);
    TEST_MAIN_END();
}
