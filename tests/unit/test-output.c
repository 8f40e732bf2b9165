/* test-output.c — a file is replaced whole or not at all; no_replace never overwrites */
#include <sys/stat.h>

#include "kkr/output.h"
#include "test.h"
#include "tmpdir.h"

static char *slurp(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int count_files(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

int main(void)
{
    char *dir = tmp_workbook();
    char path[600];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    tmp_write(dir, "out.csv", "old\n");
    struct kkr_output o;
    struct kkr_diag d;

    /* abort: the old file stays, the temporary is gone */
    CHECK_INT(kkr_output_open(&o, path, false, &d), KKR_OK);
    fputs("half", o.fp);
    CHECK_INT(count_files(dir), 2);
    kkr_output_abort(&o);
    CHECK_STR(slurp(path), "old\n");
    CHECK_INT(count_files(dir), 1);

    /* commit: replaced */
    CHECK_INT(kkr_output_open(&o, path, false, &d), KKR_OK);
    fputs("new\n", o.fp);
    CHECK_STR(slurp(path), "old\n"); /* not visible before the commit */
    CHECK_INT(kkr_output_commit(&o, &d), KKR_OK);
    CHECK_STR(slurp(path), "new\n");
    CHECK_INT(count_files(dir), 1);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);

    /* no_replace: refused at open, and at commit when the file appeared meanwhile */
    CHECK_INT(kkr_output_open(&o, path, true, &d), KKR_ERR_EXISTS);
    char path2[600];
    snprintf(path2, sizeof path2, "%s/snap.csv", dir);
    CHECK_INT(kkr_output_open(&o, path2, true, &d), KKR_OK);
    fputs("mine\n", o.fp);
    tmp_write(dir, "snap.csv", "theirs\n");
    CHECK_INT(kkr_output_commit(&o, &d), KKR_ERR_EXISTS);
    CHECK_STR(slurp(path2), "theirs\n");
    CHECK_INT(count_files(dir), 2);

    /* a folder that does not exist */
    CHECK_INT(kkr_output_open(&o, "/nonexistent-kkr/x.csv", false, &d), KKR_ERR_IO);
    tmp_remove(dir);
    TEST_MAIN_END();
}
