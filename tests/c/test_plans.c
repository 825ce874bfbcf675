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
    CHECK(cases == 13);
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
    /* Issue 14: a payment of 1e27 euros is 1e29 cents, past the decimal
     * range: an overflow, not an abort, and the plan is unchanged. */
    CHECK(credit_plan_apply_payment(p, d, "1000000000000000000000000000") == CREDIT_OVERFLOW);
    credit_plan *big = NULL;
    int rc = credit_plan_new("{\"currency\": \"EUR\", \"principal\": \"9999999999999999999999999999\", \"start\": "
                             "\"2026-01-01\", \"frequency\": \"monthly\", \"installments\": 12, \"method\": "
                             "\"annuity\", \"annual_rate\": \"12\"}",
                             &big);
    CHECK((rc == CREDIT_OVERFLOW || rc == CREDIT_VALIDATION_ERROR) && big == NULL);
    /* Integers are exact: a principal of 10000 and a rate of 12 as JSON
     * integers give the shared case's 888.49 a month; a float is refused. */
    credit_plan *ints = NULL;
    CHECK(credit_plan_new("{\"currency\": \"EUR\", \"principal\": 10000, \"start\": \"2026-01-01\", \"frequency\": "
                          "\"monthly\", \"installments\": 12, \"method\": \"annuity\", \"annual_rate\": 12}",
                          &ints) == CREDIT_OK);
    if (ints) {
        uint32_t num;
        credit_date due1;
        char *pr, *in, *fe, *to;
        CHECK(credit_plan_installment(ints, 0, &num, &due1, &pr, &in, &fe, &to) == CREDIT_OK);
        CHECK(strcmp(to, "888.49") == 0);
        credit_string_free(pr);
        credit_string_free(in);
        credit_string_free(fe);
        credit_string_free(to);
        credit_plan_free(ints);
    }
    credit_plan *fl = NULL;
    CHECK(credit_plan_new("{\"currency\": \"EUR\", \"principal\": 10000, \"start\": \"2026-01-01\", \"frequency\": "
                          "\"monthly\", \"installments\": 12, \"method\": \"annuity\", \"annual_rate\": 12.5}",
                          &fl) == CREDIT_VALIDATION_ERROR && fl == NULL);
    CHECK(strstr(credit_last_error(), "annual_rate") != NULL);
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
    /* Issue 14: one exact product — 54.75 x 10 % x 1/365 = 0.015 -> 0.02;
     * Act/Act ISDA counts the accrual day 2028-01-01 in 2028: 36600 x 0.10
     * / 366 = 10.00 (not 10.03). */
    credit_date d1 = {2026, 3, 1}, d2 = {2026, 3, 2}, y1 = {2027, 12, 31}, y2 = {2028, 1, 1};
    CHECK(credit_late_interest("{\"basis\": {\"fixed\": \"10\"}}", d1, "54.75", NULL, d2, "EUR", &json) == CREDIT_OK);
    CHECK(contains(json, "\"total\":\"0.02\""));
    credit_string_free(json);
    CHECK(credit_late_interest("{\"basis\": {\"fixed\": \"10\"}, \"day_count\": \"act_act_isda\"}", y1, "36600.00", NULL,
                               y2, "EUR", &json) == CREDIT_OK);
    CHECK(contains(json, "\"total\":\"10.00\""));
    credit_string_free(json);
    /* A negative principal or payment, or three decimals in EUR: refused. */
    CHECK(credit_late_interest("{\"basis\": {\"fixed\": \"10\"}}", d1, "-54.75", NULL, d2, "EUR", &json) ==
          CREDIT_VALIDATION_ERROR);
    CHECK(strstr(credit_last_error(), "amount") != NULL);
    CHECK(credit_late_interest("{\"basis\": {\"fixed\": \"10\"}}", d1, "54.755", NULL, d2, "EUR", &json) ==
          CREDIT_VALIDATION_ERROR);
    CHECK(credit_late_interest("{\"basis\": {\"fixed\": \"10\"}}", d1, "54.75", "[[\"2026-03-02\", \"-1.00\"]]", d2,
                               "EUR", &json) == CREDIT_VALIDATION_ERROR);
    CHECK(strstr(credit_last_error(), "payments[0]") != NULL);
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

/* ---- proposals, reschedules, cancellations, cost, compensation ------- */

#define TERMS_12 "{\"currency\": \"EUR\", \"principal\": \"10000.00\", \"start\": \"2026-01-01\", \"frequency\": " \
                 "\"monthly\", \"installments\": 12, \"method\": \"annuity\", \"annual_rate\": \"12\"}"

static void test_plan_lifecycle(void) {
    /* At most 300 a month on 1000 at 12 % a year (1 % a month), worked by
     * hand: interest 10.00, 7.10, 4.17, 1.21; principal 290.00, 292.90,
     * 295.83, 121.27; the last installment 122.48. */
    credit_plan *prop = NULL;
    CHECK(credit_plan_propose(TERMS_12, "1000.00", "300.00", 0, &prop) == CREDIT_OK);
    size_t n = 0;
    CHECK(credit_plan_installment_count(prop, &n) == CREDIT_OK && n == 4);
    uint32_t number = 0;
    credit_date due = {0, 0, 0};
    char *pr = NULL, *in = NULL, *fee = NULL, *total = NULL;
    CHECK(credit_plan_installment(prop, 3, &number, &due, &pr, &in, &fee, &total) == CREDIT_OK);
    CHECK(eq_free(pr, "121.27") && eq_free(in, "1.21") && eq_free(total, "122.48"));
    credit_string_free(fee);
    credit_plan_free(prop);
    /* Exactly 4 installments instead: the annuity of 1000 at 1 % over 4
     * months is 1000 x 0.01 / (1 - 1.01^-4) = 256.28 (numpy-financial pmt). */
    CHECK(credit_plan_propose(TERMS_12, "1000.00", NULL, 4, &prop) == CREDIT_OK);
    CHECK(credit_plan_installment(prop, 0, &number, &due, &pr, &in, &fee, &total) == CREDIT_OK);
    CHECK(eq_free(total, "256.28"));
    credit_string_free(pr);
    credit_string_free(in);
    credit_string_free(fee);
    credit_plan_free(prop);
    CHECK(credit_plan_propose(TERMS_12, "-1.00", NULL, 4, &prop) == CREDIT_VALIDATION_ERROR);
    CHECK(credit_plan_propose(TERMS_12, "1000.00", NULL, 4, NULL) == CREDIT_NULL_ARGUMENT);

    /* 10000 over 12 months at 1 %: 888.49 a month (numpy-financial pmt);
     * the interest over the plan is 661.86 (the last installment takes
     * the rounding). */
    credit_plan *p = NULL;
    CHECK(credit_plan_new(TERMS_12, &p) == CREDIT_OK);
    char *json = NULL;
    CHECK(credit_plan_evaluate(p, &json) == CREDIT_OK && contains(json, "\"total_interest\":\"661.86\""));
    credit_string_free(json);
    credit_date feb1 = {2026, 2, 1}, feb15 = {2026, 2, 15}, feb16 = {2026, 2, 16}, mar1 = {2026, 3, 1};
    CHECK(credit_plan_apply_payment(p, feb1, "888.49") == CREDIT_OK);
    /* A stored plan reads back equal. */
    char *stored = NULL, *again = NULL;
    credit_plan *q = NULL;
    CHECK(credit_plan_to_json(p, &stored) == CREDIT_OK && credit_plan_from_json(stored, &q) == CREDIT_OK);
    CHECK(credit_plan_to_json(q, &again) == CREDIT_OK && strcmp(stored, again) == 0);
    credit_string_free(again);
    credit_plan_free(q);
    CHECK(credit_plan_from_json("{\"terms\": 1}", &q) != CREDIT_OK);
    /* An unknown field is refused, not dropped. */
    size_t len = strlen(stored);
    char *extra = malloc(len + 16);
    CHECK(extra != NULL);
    if (extra) {
        memcpy(extra, stored, len - 1);
        strcpy(extra + len - 1, ",\"x\":1}");
        CHECK(credit_plan_from_json(extra, &q) == CREDIT_PARSE_ERROR && strstr(credit_last_error(), "x") != NULL);
        free(extra);
    }
    credit_string_free(stored);
    /* Rescheduled on 02-15: the new plan's principal is what is owed that
     * day, principal 10000 - (888.49 - 100.00 interest) = 9211.51 plus
     * interest accrued since 02-01, 9211.51 x 12 % x 14/365 = 42.40. */
    credit_plan *next = NULL;
    CHECK(credit_plan_reschedule(p, feb15, TERMS_12, &next) == CREDIT_OK);
    CHECK(credit_plan_to_json(next, &json) == CREDIT_OK && contains(json, "\"principal\":\"9253.91\""));
    credit_string_free(json);
    CHECK(credit_plan_status(p, feb16, &json) == CREDIT_OK && contains(json, "\"status\":\"rescheduled\""));
    credit_string_free(json);
    CHECK(credit_plan_reschedule(p, feb16, TERMS_12, &q) == CREDIT_PLAN_CLOSED);
    CHECK(credit_plan_cancel(next, mar1) == CREDIT_OK);
    CHECK(credit_plan_status(next, mar1, &json) == CREDIT_OK && contains(json, "\"status\":\"cancelled\""));
    credit_string_free(json);
    credit_plan_free(next);
    credit_plan_free(p);

    /* UK statutory compensation (Late Payment of Commercial Debts
     * (Interest) Act 1998, s. 5A): 40 under 1000, 70 under 10000, 100 above. */
    const char *uk = "[{\"min_amount\": \"0\", \"amount\": \"40\"}, {\"min_amount\": \"1000\", \"amount\": \"70\"},"
                     "{\"min_amount\": \"10000\", \"amount\": \"100\"}]";
    char *c = NULL;
    CHECK(credit_compensation(uk, "999.99", &c) == CREDIT_OK && eq_free(c, "40"));
    CHECK(credit_compensation(uk, "1000.00", &c) == CREDIT_OK && eq_free(c, "70"));
    CHECK(credit_compensation(uk, "10000", &c) == CREDIT_OK && eq_free(c, "100"));
    CHECK(credit_compensation("[{\"min_amount\": \"0\", \"amount\": \"40\", \"cap\": 1}]", "5", &c) == CREDIT_PARSE_ERROR);
    CHECK(credit_compensation(uk, "abc", &c) != CREDIT_OK);
}

/* ---- a broken plan raises PLAN_BROKEN ---------------------------------- */

static void test_plan_alerts(void) {
    credit_book *b = NULL;
    CHECK(credit_book_new("{\"schema_version\": 1, \"policy_id\": \"a\", \"steps\": [], "
                          "\"monitoring\": {\"alerts\": {\"broken_plan\": true}}}", &b) == CREDIT_OK);
    credit_date jan1 = {2026, 1, 1}, feb1 = {2026, 2, 1}, mar15 = {2026, 3, 15};
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\"}", jan1, NULL) == CREDIT_OK);
    /* 300 in three monthly installments, broken at the first one missed. */
    credit_plan *p = NULL;
    CHECK(credit_plan_new("{\"currency\": \"EUR\", \"principal\": \"300.00\", \"start\": \"2026-01-01\", \"frequency\": "
                          "\"monthly\", \"installments\": 3, \"method\": \"annuity\", \"annual_rate\": \"0\", "
                          "\"broken\": {\"missed_installments\": 1}, \"invoices\": [\"I1\"]}", &p) == CREDIT_OK);
    char *plan = NULL, *plans = NULL, *run = NULL;
    CHECK(credit_plan_to_json(p, &plan) == CREDIT_OK);
    size_t cap = strlen(plan) + 64;
    plans = malloc(cap);
    CHECK(plans != NULL);
    if (plans) {
        snprintf(plans, cap, "[{\"customer\": \"C1\", \"plan\": %s}]", plan);
        /* Before the first installment is due: nothing. */
        CHECK(credit_book_alerts(b, feb1, NULL, NULL, plans, &run) == CREDIT_OK && strstr(run, "PLAN_BROKEN") == NULL);
        credit_string_free(run);
        /* 03-15: the 02-01 and 03-01 installments are missed. */
        CHECK(credit_book_alerts(b, mar15, NULL, NULL, plans, &run) == CREDIT_OK);
        CHECK(contains(run, "\"code\":\"PLAN_BROKEN\"") && contains(run, "\"subject\":\"I1\""));
        credit_string_free(run);
        /* Without the plans: no such alert. */
        CHECK(credit_book_alerts(b, mar15, NULL, NULL, NULL, &run) == CREDIT_OK && strstr(run, "PLAN_BROKEN") == NULL);
        credit_string_free(run);
        CHECK(credit_book_alerts(b, mar15, NULL, NULL, "[{\"customer\": \"C1\"}]", &run) == CREDIT_PARSE_ERROR);
        free(plans);
    }
    credit_string_free(plan);
    credit_plan_free(p);
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
    test_plan_lifecycle();
    test_plan_alerts();
    printf("test_plans: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
