/*
 * The C tests' one assertion: CHECK counts passes and failures and prints
 * each failure with libcredit's last error message.
 */
#ifndef CREDIT_TEST_CHECK_H
#define CREDIT_TEST_CHECK_H

#include <stdio.h>

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

#endif
