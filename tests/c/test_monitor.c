/*
 * C tests for monitoring: aging, KPI and goals reports as JSON and the
 * headline accessor, on the book of credit-core/tests/monitor.rs (figures
 * worked by hand there).
 */
#include "credit.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

static int contains_and_free(char *s, const char *needle) {
    int ok = s != NULL && strstr(s, needle) != NULL;
    if (!ok) fprintf(stderr, "  \"%s\" not in \"%s\"\n", needle, s ? s : "(null)");
    credit_string_free(s);
    return ok;
}

static const char *EVENTS[] = {
    "{\"id\":\"b1\",\"customer\":\"C2\",\"date\":\"2025-10-01\",\"type\":\"invoiced\",\"invoice_id\":\"B1\",\"amount\":\"600.00\",\"currency\":\"EUR\",\"due_date\":\"2025-10-31\"}",
    "{\"id\":\"a1\",\"customer\":\"C1\",\"date\":\"2026-01-05\",\"type\":\"invoiced\",\"invoice_id\":\"A1\",\"amount\":\"1000.00\",\"currency\":\"EUR\",\"due_date\":\"2026-02-04\"}",
    "{\"id\":\"a2\",\"customer\":\"C1\",\"date\":\"2026-01-20\",\"type\":\"invoiced\",\"invoice_id\":\"A2\",\"amount\":\"2000.00\",\"currency\":\"EUR\",\"due_date\":\"2026-02-19\"}",
    "{\"id\":\"b2\",\"customer\":\"C2\",\"date\":\"2026-02-01\",\"type\":\"invoiced\",\"invoice_id\":\"B2\",\"amount\":\"400.00\",\"currency\":\"EUR\",\"due_date\":\"2026-03-03\"}",
    "{\"id\":\"a3\",\"customer\":\"C1\",\"date\":\"2026-02-10\",\"type\":\"invoiced\",\"invoice_id\":\"A3\",\"amount\":\"1500.00\",\"currency\":\"EUR\",\"due_date\":\"2026-03-12\"}",
    "{\"id\":\"p1\",\"customer\":\"C1\",\"date\":\"2026-02-14\",\"type\":\"payment\",\"amount\":\"1000.00\",\"currency\":\"EUR\"}",
    "{\"id\":\"w1\",\"customer\":\"C2\",\"date\":\"2026-02-20\",\"type\":\"write_off\",\"invoice_id\":\"B1\",\"amount\":\"100.00\",\"currency\":\"EUR\"}",
    "{\"id\":\"x2\",\"customer\":\"C1\",\"date\":\"2026-02-25\",\"type\":\"dispute_opened\",\"invoice_id\":\"A2\",\"amount\":\"500.00\",\"currency\":\"EUR\"}",
};

int main(void) {
    credit_book *b = NULL;
    CHECK(credit_book_new("{\"schema_version\": 1, \"policy_id\": \"mon\", \"steps\": [], \"monitoring\": {\"goals\": ["
                          "{\"name\": \"DSO\", \"kpi\": \"dso\", \"target\": \"45\", \"direction\": \"at_most\", "
                          "\"tolerance\": \"10\", \"period\": \"month\"}], \"alerts\": {\"overdue_days_above\": 30}}}",
                          &b) == CREDIT_OK);
    credit_date y = {2025, 1, 1};
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\", \"collector\": \"ann\"}", y, NULL) == CREDIT_OK);
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C2\", \"name\": \"Bolt\", \"currency\": \"EUR\", \"collector\": \"bob\"}", y, NULL) == CREDIT_OK);
    for (size_t i = 0; i < sizeof EVENTS / sizeof EVENTS[0]; i++) CHECK(credit_book_apply(b, EVENTS[i], NULL) == CREDIT_OK);
    credit_date feb1 = {2026, 2, 1}, feb28 = {2026, 2, 28};
    char *json = NULL;
    /* Aging: current 1900, 1-30 1500 (A2 less its 500 in dispute), 91+ 500; total 4400. */
    CHECK(credit_book_aging(b, feb28, CREDIT_GROUP_TOTAL, "EUR", &json) == CREDIT_OK);
    CHECK(strstr(json, "\"buckets\":[\"1900.00\",\"1500.00\",\"0.00\",\"0.00\",\"500.00\"]") != NULL);
    CHECK(contains_and_free(json, "\"total\":\"4400.00\""));
    CHECK(credit_book_aging(b, feb28, CREDIT_GROUP_COLLECTOR, "EUR", &json) == CREDIT_OK);
    CHECK(contains_and_free(json, "\"key\":\"bob\""));
    CHECK(credit_book_aging(b, feb28, 9, "EUR", &json) == CREDIT_INVALID_ARGUMENT);
    CHECK(credit_book_aging(b, feb28, CREDIT_GROUP_TOTAL, NULL, &json) == CREDIT_VALIDATION_ERROR);
    /* KPIs: DSO 4400 / 1900 x 28 = 64.84; CEI 30.56. */
    CHECK(credit_book_kpis(b, feb1, feb28, CREDIT_GROUP_TOTAL, "EUR", &json) == CREDIT_OK);
    CHECK(contains_and_free(json, "\"dso\":{\"value\":\"64.84\"}"));
    /* Collectors' results: ann collected the 1000 paid on 02-14. */
    CHECK(credit_book_kpis(b, feb1, feb28, CREDIT_GROUP_COLLECTOR, "EUR", &json) == CREDIT_OK);
    CHECK(contains_and_free(json, "\"ann\":{\"collected\":\"1000.00\""));
    /* The series Jan, Feb in one pass: 37.20 then 64.84. */
    credit_date jan1 = {2026, 1, 1}, ends[2] = {{2026, 1, 31}, {2026, 2, 28}};
    CHECK(credit_book_kpi_series(b, jan1, ends, 2, CREDIT_GROUP_TOTAL, "EUR", &json) == CREDIT_OK);
    CHECK(strstr(json, "\"dso\":{\"value\":\"37.20\"}") != NULL);
    CHECK(contains_and_free(json, "\"dso\":{\"value\":\"64.84\"}"));
    CHECK(credit_book_kpi_series(b, jan1, NULL, 2, CREDIT_GROUP_TOTAL, "EUR", &json) == CREDIT_NULL_ARGUMENT);
    char *dso = NULL, *cei = NULL, *overdue = NULL;
    CHECK(credit_book_headline(b, feb1, feb28, "EUR", &dso, &cei, &overdue) == CREDIT_OK);
    CHECK(dso && strcmp(dso, "64.84") == 0);
    CHECK(cei && strcmp(cei, "30.56") == 0);
    CHECK(overdue && strcmp(overdue, "2500.00") == 0); /* 4400 - 1900 current */
    credit_string_free(dso);
    credit_string_free(cei);
    credit_string_free(overdue);
    /* No sales in two days of March: DSO undefined -> NULL. */
    credit_date mar5 = {2026, 3, 5}, mar6 = {2026, 3, 6};
    CHECK(credit_book_headline(b, mar5, mar6, "EUR", &dso, &cei, &overdue) == CREDIT_OK);
    CHECK(dso == NULL);
    credit_string_free(cei);
    credit_string_free(overdue);
    CHECK(credit_book_goals(b, feb28, "EUR", &json) == CREDIT_OK);
    CHECK(contains_and_free(json, "\"status\":\"missed\""));
    /* B1 is 120 days past due: raised once, then only active. */
    char *run1 = NULL, *run2 = NULL;
    credit_date mar1 = {2026, 3, 1};
    CHECK(credit_book_alerts(b, feb28, NULL, NULL, &run1) == CREDIT_OK);
    CHECK(strstr(run1, "\"raised\":[{\"code\":\"ITEM_OVERDUE\",\"customer\":\"C2\",\"subject\":\"B1\"") != NULL);
    CHECK(credit_book_alerts(b, mar1, run1, NULL, &run2) == CREDIT_OK);
    CHECK(contains_and_free(run2, "\"raised\":[]"));
    credit_string_free(run1);
    CHECK(credit_book_alerts(b, mar1, "{", NULL, &run2) == CREDIT_PARSE_ERROR);
    credit_book_free(b);
    printf("test_monitor: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
