/*
 * C tests for payment plans, late interest and dunning: the shared plan
 * cases (tests/conformance/plan_cases.txt) through the indexed schedule
 * accessors, payments, status and payoff; a statutory-interest case worked
 * by hand; a dunning run on a book and the events that issue it.
 *
 *   ./test_plans tests/conformance/plan_cases.txt
 */
#include "credit.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static int contains(const char *s, const char *needle) {
    int ok = s != NULL && strstr(s, needle) != NULL;
    if (!ok) fprintf(stderr, "  \"%s\" not in \"%s\"\n", needle, s ? s : "(null)");
    return ok;
}

static credit_date parse_date(const char *s) {
    credit_date d = {0, 0, 0};
    sscanf(s, "%d-%d-%d", &d.year, &d.month, &d.day);
    return d;
}

static int eq_free(char *s, const char *want) {
    int ok = s != NULL && strcmp(s, want) == 0;
    if (!ok) fprintf(stderr, "  got \"%s\", want \"%s\"\n", s ? s : "(null)", want);
    credit_string_free(s);
    return ok;
}

static void run_cases(const char *path) {
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) return;
    char line[2048];
    credit_plan *plan = NULL;
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == 0 || line[0] == '#') continue;
        if (strncmp(line, "terms ", 6) == 0) {
            credit_plan_free(plan);
            plan = NULL;
            CHECK(credit_plan_new(line + 6, &plan) == CREDIT_OK);
        } else if (strncmp(line, "count ", 6) == 0) {
            size_t n = 0;
            CHECK(credit_plan_installment_count(plan, &n) == CREDIT_OK && n == (size_t)atoi(line + 6));
        } else if (strncmp(line, "row ", 4) == 0) {
            unsigned number;
            char due[16], pr[32], in[32], fe[32], to[32];
            sscanf(line + 4, "%u %15s %31s %31s %31s %31s", &number, due, pr, in, fe, to);
            size_t n = 0;
            credit_plan_installment_count(plan, &n);
            int found = 0;
            for (size_t i = 0; i < n; i++) {
                uint32_t num;
                credit_date d;
                char *a, *b, *c, *t;
                CHECK(credit_plan_installment(plan, i, &num, &d, &a, &b, &c, &t) == CREDIT_OK);
                if (num == number) {
                    credit_date w = parse_date(due);
                    CHECK(d.year == w.year && d.month == w.month && d.day == w.day);
                    CHECK(strcmp(a, pr) == 0 && strcmp(b, in) == 0 && strcmp(c, fe) == 0 && strcmp(t, to) == 0);
                    found = 1;
                }
                credit_string_free(a);
                credit_string_free(b);
                credit_string_free(c);
                credit_string_free(t);
            }
            CHECK(found);
        } else if (strncmp(line, "pay ", 4) == 0) {
            char day[16], amount[32];
            sscanf(line + 4, "%15s %31s", day, amount);
            CHECK(credit_plan_apply_payment(plan, parse_date(day), amount) == CREDIT_OK);
        } else if (strncmp(line, "status ", 7) == 0) {
            char day[16], outstanding[32], overdue[32], paid[32], status[32];
            int missed;
            sscanf(line + 7, "%15s %31s %31s %31s %d %31s", day, outstanding, overdue, paid, &missed, status);
            char *json = NULL;
            CHECK(credit_plan_status(plan, parse_date(day), &json) == CREDIT_OK);
            char want[96];
            snprintf(want, sizeof want, "\"outstanding\":\"%s\",\"overdue\":\"%s\"", outstanding, overdue);
            CHECK(contains(json, want));
            snprintf(want, sizeof want, "\"status\":\"%s\"", status);
            CHECK(contains(json, want));
            snprintf(want, sizeof want, "\"missed\":%d", missed);
            CHECK(contains(json, want));
            credit_string_free(json);
        } else if (strncmp(line, "payoff ", 7) == 0) {
            char day[16], total[32];
            sscanf(line + 7, "%15s %31s", day, total);
            char *t = NULL;
            CHECK(credit_plan_payoff(plan, parse_date(day), &t, NULL) == CREDIT_OK);
            CHECK(eq_free(t, total));
        } else if (strncmp(line, "end", 3) == 0) {
            cases++;
        }
    }
    fclose(f);
    credit_plan_free(plan);
    CHECK(cases == 6);
}

static void test_errors(void) {
    credit_plan *p = NULL;
    CHECK(credit_plan_new("{", &p) == CREDIT_VALIDATION_ERROR);
    CHECK(credit_plan_new(NULL, &p) == CREDIT_NULL_ARGUMENT);
    CHECK(credit_plan_new("{\"currency\": \"EUR\", \"principal\": \"-5\", \"start\": \"2026-01-01\", \"frequency\": "
                          "\"monthly\", \"installments\": 2, \"method\": \"annuity\"}",
                          &p) == CREDIT_VALIDATION_ERROR);
    CHECK(strstr(credit_last_error(), "principal") != NULL);
    CHECK(credit_plan_new("{\"currency\": \"EUR\", \"principal\": \"100.00\", \"start\": \"2026-01-01\", \"frequency\": "
                          "\"monthly\", \"installments\": 2, \"method\": \"equal_split\"}",
                          &p) == CREDIT_OK);
    credit_date d = {2026, 2, 1};
    CHECK(credit_plan_apply_payment(p, d, "-1") == CREDIT_INVALID_PAYMENT);
    CHECK(credit_plan_apply_payment(p, d, "abc") == CREDIT_INVALID_ARGUMENT);
    uint32_t n;
    credit_date due;
    char *a, *b, *c, *t;
    CHECK(credit_plan_installment(p, 2, &n, &due, &a, &b, &c, &t) == CREDIT_INVALID_ARGUMENT);
    char *json = NULL;
    CHECK(credit_plan_to_json(p, &json) == CREDIT_OK && contains(json, "\"schedule\""));
    credit_string_free(json);
    credit_plan_free(p);
    credit_plan_free(NULL);
}

static void test_late_interest(void) {
    /* 10000 due 2024-06-10, 4000 paid 06-30, rest 07-20; 3.62 % then 3.37 %
     * + 9 points: 69.1507 + 40.6685 = 109.8192 -> 109.82. */
    const char *policy = "{\"basis\": {\"reference\": {\"series\": [{\"from\": \"2024-01-01\", \"rate\": \"3.62\"},"
                         " {\"from\": \"2024-07-01\", \"rate\": \"3.37\"}], \"margin\": \"9\"}}}";
    credit_date due = {2024, 6, 10}, until = {2024, 12, 31};
    char *json = NULL;
    CHECK(credit_late_interest(policy, due, "10000.00", "[[\"2024-06-30\", \"4000.00\"], [\"2024-07-20\", \"6000.00\"]]",
                               until, "EUR", &json) == CREDIT_OK);
    CHECK(contains(json, "\"total\":\"109.82\""));
    credit_string_free(json);
    CHECK(credit_late_interest("{", due, "1", NULL, until, "EUR", &json) == CREDIT_PARSE_ERROR);
}

static const char *POLICY =
    "{\"schema_version\": 1, \"policy_id\": \"dun\", \"steps\": [], \"dunning\": {\"grace_days\": 3, \"levels\": ["
    "{\"level\": 1, \"min_days_overdue\": 7},"
    "{\"level\": 2, \"min_days_overdue\": 21, \"fee\": \"5.00\", \"charge_interest\": true, \"min_interval_days\": 10}],"
    "\"interest\": {\"basis\": {\"fixed\": \"8\"}}, \"compensation\": [{\"min_amount\": \"0\", \"amount\": \"40.00\"}]}}";

static void test_dunning(void) {
    credit_book *b = NULL;
    CHECK(credit_book_new(POLICY, &b) == CREDIT_OK);
    credit_date jan1 = {2026, 1, 1};
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\", \"collector\": \"ann\"}",
                                      jan1, NULL) == CREDIT_OK);
    CHECK(credit_book_apply(b, "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-01-01\", \"type\": \"invoiced\", "
                               "\"invoice_id\": \"I1\", \"amount\": \"1000.00\", \"currency\": \"EUR\", \"due_date\": \"2026-01-31\"}",
                            NULL) == CREDIT_OK);
    CHECK(credit_book_apply(b, "{\"id\": \"p1\", \"customer\": \"C1\", \"date\": \"2026-02-10\", \"type\": \"payment\", "
                               "\"amount\": \"400.00\", \"currency\": \"EUR\"}",
                            NULL) == CREDIT_OK);
    char *run = NULL, *events = NULL;
    credit_date feb10 = {2026, 2, 10}, feb25 = {2026, 2, 25};
    CHECK(credit_book_dunning_run(b, feb10, NULL, &run) == CREDIT_OK);
    /* 600 open, 10 days late: level 1; compensation 40; total 640. */
    CHECK(contains(run, "\"level\":1"));
    CHECK(contains(run, "\"total\":\"640.00\""));
    CHECK(credit_dunning_events(run, &events) == CREDIT_OK);
    CHECK(contains(events, "\"type\":\"dunning_notice\""));
    /* Apply each event: split the JSON array naively on the ids we know. */
    CHECK(credit_book_apply(b, "{\"id\": \"dun:2026-02-10:C1:default\", \"customer\": \"C1\", \"date\": \"2026-02-10\", "
                               "\"type\": \"dunning_notice\", \"level\": 1, \"invoices\": [\"I1\"]}",
                            NULL) == CREDIT_OK);
    credit_string_free(run);
    credit_string_free(events);
    /* 02-25: level 2 with interest 4.16 (1000 x .08 x 10/365 + 600 x .08 x 15/365). */
    CHECK(credit_book_dunning_run(b, feb25, NULL, &run) == CREDIT_OK);
    CHECK(contains(run, "\"level\":2"));
    CHECK(contains(run, "\"interest\":\"4.16\""));
    credit_string_free(run);
    char *w = NULL;
    CHECK(credit_book_worklist(b, feb25, "EUR", NULL, &w) == CREDIT_OK);
    CHECK(contains(w, "\"collector\":\"ann\""));
    CHECK(contains(w, "\"overdue\":\"600.00\""));
    credit_string_free(w);
    CHECK(credit_book_worklist(b, feb25, "XXX", NULL, &w) == CREDIT_UNKNOWN_CURRENCY);
    /* A promise of 100 by 03-01, nothing paid: broken on 03-02. */
    CHECK(credit_book_apply(b, "{\"id\": \"pr\", \"customer\": \"C1\", \"date\": \"2026-02-26\", \"type\": "
                               "\"promise_to_pay\", \"amount\": \"100.00\", \"currency\": \"EUR\", \"promised_date\": "
                               "\"2026-03-01\"}",
                            NULL) == CREDIT_OK);
    char *pr = NULL;
    credit_date mar2 = {2026, 3, 2};
    CHECK(credit_book_promises(b, "C1", NULL, mar2, &pr) == CREDIT_OK);
    CHECK(contains(pr, "\"state\":\"broken\""));
    credit_string_free(pr);
    CHECK(credit_book_promises(b, "nobody", NULL, mar2, &pr) == CREDIT_UNKNOWN_CUSTOMER);
    /* A plan over I1 keeps it out while current. */
    credit_plan *plan = NULL;
    CHECK(credit_plan_new("{\"currency\": \"EUR\", \"principal\": \"600.00\", \"start\": \"2026-02-25\", \"frequency\": "
                          "\"monthly\", \"installments\": 3, \"method\": \"equal_split\", \"invoices\": [\"I1\"]}",
                          &plan) == CREDIT_OK);
    char *pj = NULL;
    credit_plan_to_json(plan, &pj);
    size_t len = strlen(pj) + 3;
    char *arr = malloc(len);
    snprintf(arr, len, "[%s]", pj);
    credit_date mar10 = {2026, 3, 10};
    CHECK(credit_book_dunning_run(b, mar10, arr, &run) == CREDIT_OK);
    CHECK(contains(run, "\"reason\":\"payment_plan\""));
    credit_string_free(run);
    /* The plan (first 200.00 due 03-25) is current on 03-10. */
    char *perf = NULL;
    CHECK(credit_plan_performance(arr, mar10, &perf) == CREDIT_OK);
    CHECK(contains(perf, "\"current\":1"));
    credit_string_free(perf);
    free(arr);
    credit_string_free(pj);
    credit_plan_free(plan);
    credit_book_free(b);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s tests/conformance/plan_cases.txt\n", argv[0]);
        return 2;
    }
    run_cases(argv[1]);
    test_errors();
    test_late_interest();
    test_dunning();
    printf("test_plans: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
