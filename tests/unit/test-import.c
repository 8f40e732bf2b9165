/* test-import.c — unit tests for import.c */
#include "kkr/import.h"
#include "test.h"

int main(void)
{
    CHECK(1);
    TEST_MAIN_END();
}
