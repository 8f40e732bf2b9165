/* test-money.c — amounts: parsing every Swedish form, checked arithmetic, rounding, formatting */
#include <stdint.h>

#include "kkr/money.h"
#include "test.h"

static int64_t parse(const char *s, int *ok)
{
    int64_t v = -777;
    *ok = kkr_money_parse(s, strlen(s), &v);
    return v;
}

#define PARSES(s, ore) do { int ok_; int64_t v_ = parse(s, &ok_); CHECK(ok_); CHECK_INT(v_, ore); } while (0)
#define REJECTS(s) do { int ok_; int64_t v_ = parse(s, &ok_); CHECK(!ok_); CHECK_INT(v_, -777); } while (0)

static void test_parse(void)
{
    PARSES("1234567,89", 123456789);
    PARSES("1 234 567,89", 123456789);
    PARSES("1\xc2\xa0" "234\xc2\xa0" "567,89", 123456789);       /* no-break space */
    PARSES("1\xe2\x80\xaf" "234\xe2\x80\xaf" "567,89", 123456789); /* narrow no-break space */
    PARSES("1234567.89", 123456789);
    PARSES("-1 234,56", -123456);
    PARSES("\xe2\x88\x92" "12", -1200);                            /* U+2212 minus */
    PARSES("  -8 708,15  ", -870815);
    PARSES("+5", 500);
    PARSES("0,5", 50);
    PARSES("-0,05", -5);
    PARSES("200 000", 20000000);
    PARSES("92233720368547758", 9223372036854775800);
    REJECTS("");
    REJECTS("   ");
    REJECTS("12,3,4");
    REJECTS("1.234,56");
    REJECTS("1,234.56");
    REJECTS("12,345");            /* three decimals: ambiguous with English thousands */
    REJECTS("1 2345");
    REJECTS("12 34");
    REJECTS("12,");
    REJECTS(",5");
    REJECTS("--5");
    REJECTS("12x");
    REJECTS("1e5");
    REJECTS("92233720368547759"); /* one öre past INT64_MAX */
    REJECTS("99999999999999999999999");
}

static void test_decimal(void)
{
    double v = 0;
    CHECK(kkr_decimal_parse("0,8", 3, &v));
    CHECK_NEAR(v, 0.8, 1e-12);
    CHECK(kkr_decimal_parse("80 %", 4, &v));
    CHECK_NEAR(v, 0.8, 1e-12);
    CHECK(kkr_decimal_parse("12,5%", 5, &v));
    CHECK_NEAR(v, 0.125, 1e-12);
    CHECK(kkr_decimal_parse("0.0833333", 9, &v));
    CHECK_NEAR(v, 0.0833333, 1e-12);
    CHECK(!kkr_decimal_parse("abc", 3, &v));
    CHECK(!kkr_decimal_parse("%", 1, &v));
}

static void test_arithmetic(void)
{
    int64_t r = 0;
    CHECK(kkr_money_add(INT64_MAX - 1, 1, &r));
    CHECK_INT(r, INT64_MAX);
    r = 42;
    CHECK(!kkr_money_add(INT64_MAX, 1, &r));
    CHECK_INT(r, 42);
    CHECK(!kkr_money_sub(INT64_MIN, 1, &r));
    CHECK(!kkr_money_mul(INT64_MAX / 2 + 1, 2, &r));
    CHECK(kkr_money_mul(-3, 4, &r));
    CHECK_INT(r, -12);
}

static void test_rounding(void)
{
    /* half away from zero, in both directions */
    CHECK_INT(kkr_money_div_round(150, 100), 2);
    CHECK_INT(kkr_money_div_round(149, 100), 1);
    CHECK_INT(kkr_money_div_round(-150, 100), -2);
    CHECK_INT(kkr_money_div_round(-149, 100), -1);
    CHECK_INT(kkr_money_div_round(0, 100), 0);
    CHECK_INT(kkr_money_div_round(INT64_MAX, 100000), 92233720368548);
    CHECK_INT(kkr_money_div_round(INT64_MIN + 1, 100000), -92233720368548);
    /* 8 085 249 968 öre = 80 852 499,68 kr -> 80 852 kkr; 80 852 500,00 kr -> 80 853 kkr */
    CHECK_INT(kkr_money_in_unit(8085249968, KKR_UNIT_KKR), 80852);
    CHECK_INT(kkr_money_in_unit(8085250000, KKR_UNIT_KKR), 80853);
    CHECK_INT(kkr_money_in_unit(-45000, KKR_UNIT_KKR), 0);
    CHECK_INT(kkr_money_in_unit(-50000, KKR_UNIT_KKR), -1);
    CHECK_INT(kkr_money_in_unit(123456789, KKR_UNIT_KR), 1234568);
    CHECK_INT(kkr_money_in_unit(19738012345, KKR_UNIT_MNKR), 1974);
}

static void test_format(void)
{
    char buf[64];
    kkr_money_format(buf, sizeof buf, 19738012345, KKR_UNIT_KKR, &KKR_STYLE_TEXT);
    CHECK_STR(buf, "197 380");
    kkr_money_format(buf, sizeof buf, -2054512345, KKR_UNIT_KKR, &KKR_STYLE_TEXT);
    CHECK_STR(buf, "-20 545");
    kkr_money_format(buf, sizeof buf, -2054512345, KKR_UNIT_KKR, &KKR_STYLE_PLAIN);
    CHECK_STR(buf, "-20545");
    kkr_money_format(buf, sizeof buf, -2054512345, KKR_UNIT_KKR, &KKR_STYLE_PRINT);
    CHECK_STR(buf, "\xe2\x88\x92" "20\xe2\x80\xaf" "545");
    kkr_money_format(buf, sizeof buf, 19738012345, KKR_UNIT_MNKR, &KKR_STYLE_TEXT);
    CHECK_STR(buf, "197,4");
    kkr_money_format(buf, sizeof buf, -40000000, KKR_UNIT_MNKR, &KKR_STYLE_PLAIN);
    CHECK_STR(buf, "-0.4");
    kkr_money_format(buf, sizeof buf, 123456789, KKR_UNIT_KR, &KKR_STYLE_TEXT);
    CHECK_STR(buf, "1 234 568");
    kkr_money_format(buf, sizeof buf, 99, KKR_UNIT_KR, &KKR_STYLE_TEXT);
    CHECK_STR(buf, "1");
    kkr_money_format_exact(buf, sizeof buf, -123456789, &KKR_STYLE_TEXT);
    CHECK_STR(buf, "-1 234 567,89");
    kkr_money_format_exact(buf, sizeof buf, 5, &KKR_STYLE_PLAIN);
    CHECK_STR(buf, "0.05");
    kkr_int_format(buf, sizeof buf, INT64_MIN, &KKR_STYLE_TEXT);
    CHECK_STR(buf, "-9 223 372 036 854 775 808");
    /* a short buffer is cut, NUL-terminated, and the full length is returned */
    char small[4];
    CHECK_INT(kkr_money_format(small, sizeof small, 19738012345, KKR_UNIT_KKR, &KKR_STYLE_TEXT),
              7);
    CHECK_STR(small, "197");
}

static void test_double_bridge(void)
{
    int64_t ore = 0;
    CHECK(kkr_money_from_kr(1234.565, &ore)); /* 123456.5 öre, not exact in binary */
    CHECK(ore == 123456 || ore == 123457);
    CHECK(kkr_money_from_kr(-0.005, &ore));
    CHECK_INT(ore, -1);
    CHECK(kkr_money_from_kr(2.5, &ore));
    CHECK_INT(ore, 250);
    CHECK(!kkr_money_from_kr(1e300, &ore));
    CHECK(!kkr_money_from_kr(0.0 / 0.0, &ore));
    CHECK_NEAR(kkr_money_to_kr(-123456), -1234.56, 1e-9);
    enum kkr_display_unit u;
    CHECK(kkr_display_unit_parse("tkr", &u) && u == KKR_UNIT_KKR);
    CHECK(kkr_display_unit_parse("mnkr", &u) && u == KKR_UNIT_MNKR);
    CHECK(!kkr_display_unit_parse("euro", &u));
}

int main(void)
{
    test_parse();
    test_decimal();
    test_arithmetic();
    test_rounding();
    test_format();
    test_double_bridge();
    TEST_MAIN_END();
}
