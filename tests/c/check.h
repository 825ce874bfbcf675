/*
 * The C tests' one assertion: CHECK counts passes and failures and prints
 * each failure with libcredit's last error message.
 */
#ifndef CREDIT_TEST_CHECK_H
#define CREDIT_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int passed = 0;
static int failed = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            passed++;                                                        \
        } else {                                                             \
            failed++;                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n",    \
                    __FILE__, __LINE__, #cond, credit_last_error());         \
        }                                                                    \
    } while (0)

/* Runs a shared vectors file (a .txt in tests/conformance): `case NAME` ...
 * `end`, `#` comments. Every other line goes to `run` (as a copy it may cut
 * up), which returns 0 and says why on failure; `end` is called at each
 * case's end. Counts the cases, lines and checks (lines with " => "). */
typedef int (*vector_line_fn)(void *ctx, char *line, char *why, size_t n);
typedef void (*vector_end_fn)(void *ctx);

static inline void run_vectors(const char *path, vector_line_fn run, vector_end_fn end, void *ctx,
                               int *cases, int *lines, int *checks) {
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) return;
    char line[4096], copy[4096], why[4096], name[128] = "";
    *cases = *lines = *checks = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == 0 || line[0] == '#') continue;
        if (strncmp(line, "case ", 5) == 0) {
            snprintf(name, sizeof name, "%s", line + 5);
            continue;
        }
        if (strcmp(line, "end") == 0) {
            (*cases)++;
            end(ctx);
            continue;
        }
        snprintf(copy, sizeof copy, "%s", line);
        why[0] = 0;
        (*lines)++;
        if (strstr(line, " => ")) (*checks)++;
        int ok = run(ctx, copy, why, sizeof why);
        if (!ok) fprintf(stderr, "conformance %s: `%s`: %s\n", name, line, why);
        CHECK(ok);
    }
    fclose(f);
    end(ctx);
}

#endif
