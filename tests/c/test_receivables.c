/*
 * C tests for receivables of record (issue 13): cash on account is an open
 * credit every view nets (exposure, aging, the check, dunning, KPIs); a
 * "cleared" event applies it and its reversal reopens it; a credit note
 * shrinks the discount base; and every event kind refuses an unknown field
 * without changing the book. Figures are worked by hand in the comments
 * (the same cases as credit-core/tests/receivables.rs).
 *
 *   ./test_receivables tests/conformance/event_kinds.jsonl
 */
#include "credit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char *POLICY =
    "{\"schema_version\": 1, \"policy_id\": \"ar\", \"steps\": ["
    "{\"step\": \"oldest_overdue\", \"action\": \"block\", \"days\": 0},"
    "{\"step\": \"overdue_amount\", \"action\": \"block\", \"amount\": \"0\"}],"
    "\"dunning\": {\"levels\": [{\"level\": 1, \"min_days_overdue\": 1}]}}";

static credit_date ymd(int32_t y, int32_t m, int32_t d) {
    credit_date r = {y, m, d};
    return r;
}

static int has(char *s, const char *needle) {
    int ok = s != NULL && strstr(s, needle) != NULL;
    if (!ok) fprintf(stderr, "  \"%s\" not in \"%s\"\n", needle, s ? s : "(null)");
    credit_string_free(s);
    return ok;
}

static credit_book *new_book(void) {
    credit_book *b = NULL;
    if (credit_book_new(POLICY, &b) != CREDIT_OK) return NULL;
    credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\"}", ymd(2026, 1, 1), NULL);
    credit_book_set_limit(b, "{\"customer\": \"C1\", \"limit\": {\"amount\": \"1000.00\", \"currency\": \"EUR\"}}",
                          ymd(2026, 1, 1), NULL);
    return b;
}

/* An exact JSON text, freed. */
static int is(char *s, const char *want) {
    int ok = s != NULL && strcmp(s, want) == 0;
    if (!ok) fprintf(stderr, "  \"%s\" is not \"%s\"\n", s ? s : "(null)", want);
    credit_string_free(s);
    return ok;
}

static int kpi_is(const credit_book *b, const char *name, const char *want) {
    char *v = NULL;
    if (credit_book_kpi(b, ymd(2026, 2, 1), ymd(2026, 2, 28), CREDIT_GROUP_TOTAL, "EUR", "total", name, &v) !=
        CREDIT_OK)
        return 0;
    int ok = v != NULL && strcmp(v, want) == 0;
    if (!ok) fprintf(stderr, "  %s: %s, not %s\n", name, v ? v : "(null)", want);
    credit_string_free(v);
    return ok;
}

static void test_cash_on_account(void) {
    credit_book *b = new_book();
    CHECK(b != NULL);
    /* 500 paid on account on 01-15, an invoice of 500 due 02-01. */
    CHECK(credit_book_apply(b, "{\"id\": \"p1\", \"customer\": \"C1\", \"date\": \"2026-01-15\", \"type\": \"payment\", "
                               "\"amount\": \"500.00\", \"currency\": \"EUR\"}", NULL) == CREDIT_OK);
    CHECK(credit_book_apply(b, "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-01-20\", \"type\": \"invoiced\", "
                               "\"invoice_id\": \"I1\", \"amount\": \"500.00\", \"currency\": \"EUR\", "
                               "\"due_date\": \"2026-02-01\"}", NULL) == CREDIT_OK);
    credit_date on = ymd(2026, 3, 1);
    char *json = NULL;
    CHECK(credit_book_open_credits(b, "C1", "default", on, &json) == CREDIT_OK &&
          has(json, "\"credit_id\":\"p1\",\"kind\":\"payment\",\"currency\":\"EUR\",\"date\":\"2026-01-15\","
                    "\"amount\":\"500.00\",\"open\":\"500.00\""));
    CHECK(credit_book_exposure(b, "C1", "default", on, &json) == CREDIT_OK && has(json, "\"receivables\":\"0.00\""));
    /* Aging: +500 in 1-30 (the invoice), -500 in 31-60 (the cash), total 0. */
    CHECK(credit_book_aging(b, on, CREDIT_GROUP_TOTAL, "EUR", &json) == CREDIT_OK &&
          has(json, "\"buckets\":[\"0.00\",\"500.00\",\"-500.00\",\"0.00\",\"0.00\"]"));
    credit_order o;
    memset(&o, 0, sizeof o);
    o.customer = "C1";
    o.order_id = "O-NEW";
    o.amount = "10.00";
    o.currency = "EUR";
    o.as_of = on;
    o.checkpoint = CREDIT_CHECKPOINT_ORDER;
    credit_decision *d = NULL;
    int32_t outcome = -1;
    CHECK(credit_book_simulate_check(b, &o, &d) == CREDIT_OK);
    CHECK(credit_decision_outcome(d, &outcome) == CREDIT_OK && outcome == CREDIT_OUTCOME_APPROVED);
    credit_decision_free(d);
    CHECK(credit_book_dunning_run(b, on, NULL, &json) == CREDIT_OK &&
          has(json, "\"notices\":[],\"excluded\":[{\"customer\":\"C1\",\"invoice_id\":\"I1\","
                    "\"reason\":\"credit_on_account\"}]"));
    CHECK(kpi_is(b, "receivables", "0.00"));
    CHECK(kpi_is(b, "overdue", "0.00"));
    /* Cleared on 03-05: nothing open; its reversal reopens both. */
    char *before = NULL;
    CHECK(credit_book_snapshot(b, &before) == CREDIT_OK);
    CHECK(credit_book_apply(b, "{\"id\": \"k1\", \"customer\": \"C1\", \"date\": \"2026-03-05\", \"type\": \"cleared\", "
                               "\"credit_id\": \"p1\"}", NULL) == CREDIT_OK);
    CHECK(credit_book_open_items(b, "C1", "default", ymd(2026, 3, 5), &json) == CREDIT_OK && is(json, "[]"));
    CHECK(credit_book_open_credits(b, "C1", "default", ymd(2026, 3, 5), &json) == CREDIT_OK && is(json, "[]"));
    CHECK(credit_book_apply(b, "{\"id\": \"r1\", \"customer\": \"C1\", \"date\": \"2026-03-06\", \"type\": \"reversal\", "
                               "\"event_id\": \"p1\"}", NULL) == CREDIT_REVERSAL_REFUSED);
    CHECK(credit_book_apply(b, "{\"id\": \"r2\", \"customer\": \"C1\", \"date\": \"2026-03-06\", \"type\": \"reversal\", "
                               "\"event_id\": \"k1\"}", NULL) == CREDIT_OK);
    CHECK(credit_book_open_credits(b, "C1", "default", ymd(2026, 3, 6), &json) == CREDIT_OK &&
          has(json, "\"open\":\"500.00\""));
    credit_string_free(before);
    credit_book_free(b);
}

static void test_discount_after_a_credit_note(void) {
    /* 1000 on 2/10; credit note 100 on day 1; 882 on day 4 = 900 - 2 % of
     * 900: settled, 18.00 discount. */
    credit_book *b = new_book();
    CHECK(b != NULL);
    CHECK(credit_book_apply(b, "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-03-01\", \"type\": \"invoiced\", "
                               "\"invoice_id\": \"I1\", \"amount\": \"1000.00\", \"currency\": \"EUR\", "
                               "\"terms\": \"2/10 Net 30\"}", NULL) == CREDIT_OK);
    CHECK(credit_book_apply(b, "{\"id\": \"c1\", \"customer\": \"C1\", \"date\": \"2026-03-02\", \"type\": \"credit_note\", "
                               "\"invoice_id\": \"I1\", \"amount\": \"100.00\", \"currency\": \"EUR\"}", NULL) == CREDIT_OK);
    CHECK(credit_book_apply(b, "{\"id\": \"p1\", \"customer\": \"C1\", \"date\": \"2026-03-05\", \"type\": \"payment\", "
                               "\"amount\": \"882.00\", \"currency\": \"EUR\"}", NULL) == CREDIT_OK);
    char *json = NULL;
    CHECK(credit_book_open_items(b, "C1", "default", ymd(2026, 3, 5), &json) == CREDIT_OK && is(json, "[]"));
    credit_book_free(b);
}

static void test_every_kind_refuses_unknown_fields(const char *path) {
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f == NULL) return;
    credit_book *b = new_book();
    CHECK(b != NULL);
    char line[2048], bad[2100];
    int kinds = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char *end = strrchr(line, '}');
        if (end == NULL) continue;
        *end = '\0';
        snprintf(bad, sizeof bad, "%s, \"pre_paid\": true}", line);
        *end = '}';
        char *before = NULL, *after = NULL;
        CHECK(credit_book_snapshot(b, &before) == CREDIT_OK);
        CHECK(credit_book_apply(b, bad, NULL) == CREDIT_PARSE_ERROR);
        CHECK(strstr(credit_last_error(), "unknown field `pre_paid`, expected") != NULL);
        CHECK(credit_book_snapshot(b, &after) == CREDIT_OK);
        CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
        credit_string_free(before);
        credit_string_free(after);
        CHECK(credit_book_apply(b, line, NULL) == CREDIT_OK);
        kinds++;
    }
    fclose(f);
    CHECK(kinds == 22);
    credit_book_free(b);
}

static void test_batches(void) {
    credit_book *b = new_book();
    CHECK(b != NULL);
    char *before = NULL, *after = NULL, *json = NULL;
    CHECK(credit_book_snapshot(b, &before) == CREDIT_OK);
    /* All or nothing: the second event's unknown invoice refuses both. */
    const char *bad = "[{\"id\": \"b1\", \"customer\": \"C1\", \"date\": \"2026-01-05\", \"type\": \"invoiced\", "
                      "\"invoice_id\": \"I1\", \"amount\": \"100.00\", \"currency\": \"EUR\", \"due_date\": \"2026-02-04\"},"
                      "{\"id\": \"b2\", \"customer\": \"C1\", \"date\": \"2026-01-06\", \"type\": \"write_off\", "
                      "\"invoice_id\": \"I9\", \"amount\": \"1.00\", \"currency\": \"EUR\"}]";
    CHECK(credit_book_apply_all(b, bad, &json) == CREDIT_UNKNOWN_INVOICE && json == NULL);
    CHECK(strncmp(credit_last_error(), "events[1]: ", 11) == 0);
    CHECK(credit_book_snapshot(b, &after) == CREDIT_OK && strcmp(before, after) == 0);
    credit_string_free(after);
    /* The first alone applies; again, it is a reported duplicate. */
    const char *good = "[{\"id\": \"b1\", \"customer\": \"C1\", \"date\": \"2026-01-05\", \"type\": \"invoiced\", "
                       "\"invoice_id\": \"I1\", \"amount\": \"100.00\", \"currency\": \"EUR\", \"due_date\": \"2026-02-04\"}]";
    CHECK(credit_book_apply_all(b, good, &json) == CREDIT_OK && has(json, "[\"applied\"]"));
    CHECK(credit_book_apply_all(b, good, &json) == CREDIT_OK && has(json, "[\"duplicate\"]"));
    /* An opening balance: two rows, 250.00 and 80.00 of 100.00 open. */
    const char *rows = "[{\"customer\": \"C1\", \"invoice_id\": \"OB1\", \"invoice_date\": \"2025-12-01\", "
                       "\"due_date\": \"2025-12-31\", \"amount\": \"250.00\", \"currency\": \"EUR\"},"
                       "{\"customer\": \"C1\", \"invoice_id\": \"OB2\", \"invoice_date\": \"2025-12-10\", "
                       "\"due_date\": \"2026-01-09\", \"amount\": \"100.00\", \"open\": \"80.00\", \"currency\": \"EUR\"}]";
    size_t n = 0;
    CHECK(credit_book_import_open_items(b, rows, &n) == CREDIT_OK && n == 2);
    /* 100 (I1) + 250 + 80 = 430.00 owed. */
    CHECK(credit_book_exposure(b, "C1", "default", ymd(2026, 1, 10), &json) == CREDIT_OK &&
          has(json, "\"receivables\":\"430.00\""));
    /* A row whose open amount exceeds its amount refuses the whole import. */
    const char *bad_rows = "[{\"customer\": \"C1\", \"invoice_id\": \"OB3\", \"invoice_date\": \"2025-12-01\", "
                           "\"due_date\": \"2025-12-31\", \"amount\": \"10.00\", \"currency\": \"EUR\"},"
                           "{\"customer\": \"C1\", \"invoice_id\": \"OB4\", \"invoice_date\": \"2025-12-01\", "
                           "\"due_date\": \"2025-12-31\", \"amount\": \"10.00\", \"open\": \"11.00\", \"currency\": \"EUR\"}]";
    credit_string_free(before);
    CHECK(credit_book_snapshot(b, &before) == CREDIT_OK);
    CHECK(credit_book_import_open_items(b, bad_rows, &n) == CREDIT_VALIDATION_ERROR);
    CHECK(strncmp(credit_last_error(), "rows[1]: ", 9) == 0);
    CHECK(credit_book_snapshot(b, &after) == CREDIT_OK && strcmp(before, after) == 0);
    CHECK(credit_book_import_open_items(b, "[{\"customer\": \"C1\", \"invoice_id\": \"X\", \"pre_paid\": 1}]", &n) ==
          CREDIT_PARSE_ERROR);
    credit_string_free(before);
    credit_string_free(after);
    credit_book_free(b);
}

/* Automatic clearing as policy data: by reference, then oldest due; a
 * residue of at most 5.00 is written off (the hand case of
 * credit-core/tests/receivables.rs). */
static void test_clearing_rules(void) {
    credit_book *b = NULL;
    CHECK(credit_book_new("{\"schema_version\": 1, \"policy_id\": \"cl\", \"steps\": [], \"ledger\": "
                          "{\"auto_clearing\": [\"by_reference\", \"oldest_due\"], "
                          "\"residue_tolerance\": {\"amount\": \"5.00\"}}}", &b) == CREDIT_OK);
    if (!b) return;
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\"}",
                                      ymd(2026, 1, 1), NULL) == CREDIT_OK);
    CHECK(credit_book_apply(b, "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-01-05\", \"type\": "
                               "\"invoiced\", \"invoice_id\": \"I1\", \"amount\": \"300.00\", \"currency\": \"EUR\", "
                               "\"due_date\": \"2026-02-04\"}", NULL) == CREDIT_OK);
    CHECK(credit_book_apply(b, "{\"id\": \"i2\", \"customer\": \"C1\", \"date\": \"2026-01-10\", \"type\": "
                               "\"invoiced\", \"invoice_id\": \"I2\", \"amount\": \"500.00\", \"currency\": \"EUR\", "
                               "\"due_date\": \"2026-02-09\"}", NULL) == CREDIT_OK);
    /* 496.00 quoting I2: I2 settled, the 4.00 residue written off; I1 untouched. */
    CHECK(credit_book_apply(b, "{\"id\": \"p1\", \"customer\": \"C1\", \"date\": \"2026-01-20\", \"type\": "
                               "\"payment\", \"amount\": \"496.00\", \"currency\": \"EUR\", \"reference\": \"I2\"}",
                            NULL) == CREDIT_OK);
    char *json = NULL;
    CHECK(credit_book_open_items(b, "C1", NULL, ymd(2026, 1, 20), &json) == CREDIT_OK);
    CHECK(json && strstr(json, "\"invoice_id\":\"I1\"") && !strstr(json, "\"invoice_id\":\"I2\""));
    credit_string_free(json);
    /* A rule listed twice is refused. */
    credit_book *bad = NULL;
    CHECK(credit_book_new("{\"schema_version\": 1, \"policy_id\": \"x\", \"steps\": [], \"ledger\": "
                          "{\"auto_clearing\": [\"oldest_due\", \"oldest_due\"]}}", &bad) != CREDIT_OK);
    CHECK(bad == NULL);
    credit_book_free(b);
}

/* The reason codes of a simulated check, as JSON (freed by the caller's has/is). */
static char *check_json(const credit_book *b, const char *customer, const char *amount, credit_date on) {
    credit_order o = {customer, NULL, "O1", amount, "EUR", on, NULL, CREDIT_CHECKPOINT_ORDER};
    credit_decision *d = NULL;
    char *json = NULL;
    if (credit_book_simulate_check(b, &o, &d) != CREDIT_OK) return NULL;
    credit_decision_to_json(d, &json);
    credit_decision_free(d);
    return json;
}

/* Effective dating (item 7): limits, master data and FX rates by valid-from
 * date; every view and check reads the version in force on its date. */
static void test_effective_dating(void) {
    credit_book *b = NULL;
    CHECK(credit_book_new("{\"schema_version\": 1, \"policy_id\": \"dated\", \"blocked_risk_classes\": [\"E\"], "
                          "\"steps\": [{\"step\": \"risk_class_blocked\", \"action\": \"block\"}, "
                          "{\"step\": \"static_limit\", \"action\": \"block\"}]}", &b) == CREDIT_OK);
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\"}",
                                      ymd(2026, 1, 1), NULL) == CREDIT_OK);
    CHECK(credit_book_set_limit(b, "{\"customer\": \"C1\", \"limit\": {\"amount\": \"1000.00\", \"currency\": \"EUR\"}}",
                                ymd(2026, 1, 1), NULL) == CREDIT_OK);
    /* 5000 from 04-01; class E from 05-01. */
    CHECK(credit_book_set_limit(b, "{\"customer\": \"C1\", \"limit\": {\"amount\": \"5000.00\", \"currency\": \"EUR\"}, "
                                   "\"valid_from\": \"2026-04-01\"}", ymd(2026, 4, 1), NULL) == CREDIT_OK);
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\", "
                                         "\"risk_class\": \"E\", \"valid_from\": \"2026-05-01\"}",
                                      ymd(2026, 5, 1), NULL) == CREDIT_OK);
    /* 3000: above 1000 in March, within 5000 in April, class E in May. */
    CHECK(has(check_json(b, "C1", "3000.00", ymd(2026, 3, 31)), "\"code\":\"STATIC_LIMIT_EXCEEDED\""));
    CHECK(has(check_json(b, "C1", "3000.00", ymd(2026, 4, 1)), "\"reasons\":[]"));
    CHECK(has(check_json(b, "C1", "3000.00", ymd(2026, 5, 1)), "\"code\":\"RISK_CLASS_BLOCKED\""));
    char *json = NULL;
    credit_date april = ymd(2026, 4, 30);
    CHECK(credit_book_customer(b, "C1", &april, &json) == CREDIT_OK && has(json, "\"risk_class\":null"));
    CHECK(credit_book_customer(b, "C1", NULL, &json) == CREDIT_OK &&
          has(json, "\"risk_class\":\"E\""));
    CHECK(credit_book_customer(b, "nobody", NULL, &json) == CREDIT_OK && is(json, "null"));
    CHECK(credit_book_customer_history(b, "C1", &json) == CREDIT_OK && has(json, "\"valid_from\":\"2026-05-01\""));
    CHECK(credit_book_limit_history(b, "C1", NULL, &json) == CREDIT_OK &&
          has(json, "\"limit\":{\"amount\":\"5000.00\",\"currency\":\"EUR\"},\"valid_from\":\"2026-04-01\""));
    CHECK(credit_book_limit_history(b, "nobody", NULL, &json) == CREDIT_OK && is(json, "[]"));
    /* 1000 USD at 0.90 until 02-28, 0.80 from 03-01. */
    CHECK(credit_book_set_fx_rate(b, "USD", "EUR", "0.90") == CREDIT_OK);
    CHECK(credit_book_set_fx_rate_from(b, "USD", "EUR", "0.80", ymd(2026, 3, 1)) == CREDIT_OK);
    CHECK(credit_book_set_fx_rate_from(b, "USD", "EUR", "-1", ymd(2026, 3, 1)) != CREDIT_OK);
    CHECK(credit_book_apply(b, "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-02-01\", \"type\": \"invoiced\", "
                               "\"invoice_id\": \"I1\", \"amount\": \"1000.00\", \"currency\": \"USD\", "
                               "\"due_date\": \"2026-06-01\"}", NULL) == CREDIT_OK);
    CHECK(credit_book_exposure(b, "C1", NULL, ymd(2026, 2, 28), &json) == CREDIT_OK && has(json, "\"receivables\":\"900.00\""));
    CHECK(credit_book_exposure(b, "C1", NULL, ymd(2026, 3, 1), &json) == CREDIT_OK && has(json, "\"receivables\":\"800.00\""));
    credit_book_free(b);
}

/* Plans in the book (item 8): 1200 in three monthly installments of 400
 * from 03-01, broken 15 days late (as credit-core/tests/plans_in_book.rs). */
static void test_plan_in_the_book(void) {
    credit_book *b = new_book();
    CHECK(b != NULL);
    CHECK(credit_book_set_limit(b, "{\"customer\": \"C1\", \"limit\": {\"amount\": \"10000.00\", \"currency\": \"EUR\"}}",
                                ymd(2026, 1, 1), NULL) == CREDIT_OK);
    CHECK(credit_book_apply(b, "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-01-02\", \"type\": \"invoiced\", "
                               "\"invoice_id\": \"I1\", \"amount\": \"1200.00\", \"currency\": \"EUR\", "
                               "\"due_date\": \"2026-02-01\"}", NULL) == CREDIT_OK);
    CHECK(has(check_json(b, "C1", "1.00", ymd(2026, 2, 15)), "OLDEST_ITEM_OVERDUE"));
    CHECK(credit_book_apply(b, "{\"id\": \"pa\", \"customer\": \"C1\", \"date\": \"2026-02-15\", \"type\": \"plan_agreed\", "
                               "\"plan_id\": \"P1\", \"terms\": {\"currency\": \"EUR\", \"principal\": \"1200.00\", "
                               "\"start\": \"2026-02-15\", \"frequency\": \"monthly\", \"installments\": 3, "
                               "\"first_due\": \"2026-03-01\", \"method\": \"equal_split\", \"broken\": {\"days_late\": 15}, "
                               "\"invoices\": [\"I1\"]}}", NULL) == CREDIT_OK);
    CHECK(has(check_json(b, "C1", "1.00", ymd(2026, 2, 15)), "\"reasons\":[]"));
    CHECK(credit_book_apply(b, "{\"id\": \"pp1\", \"customer\": \"C1\", \"date\": \"2026-03-01\", \"type\": \"plan_payment\", "
                               "\"plan_id\": \"P1\", \"amount\": \"400.00\", \"currency\": \"EUR\"}", NULL) == CREDIT_OK);
    char *json = NULL;
    CHECK(credit_book_plans(b, "C1", NULL, ymd(2026, 3, 1), &json) == CREDIT_OK &&
          has(json, "\"runs\":true"));
    CHECK(credit_book_plans(b, "C1", NULL, ymd(2026, 3, 1), &json) == CREDIT_OK &&
          has(json, "\"principal_paid\":\"400.00\""));
    CHECK(credit_book_open_items(b, "C1", NULL, ymd(2026, 3, 1), &json) == CREDIT_OK &&
          has(json, "\"open\":\"800.00\""));
    /* A normal payment allocated to the plan's invoice: refused. */
    CHECK(credit_book_apply(b, "{\"id\": \"p9\", \"customer\": \"C1\", \"date\": \"2026-03-05\", \"type\": \"payment\", "
                               "\"amount\": \"10.00\", \"currency\": \"EUR\", \"allocations\": [{\"invoice_id\": \"I1\", "
                               "\"amount\": \"10.00\"}]}", NULL) == CREDIT_EVENT_NOT_ALLOWED);
    /* Broken on 04-16 (installment 2 15 days late): I1 given back. */
    CHECK(credit_book_plans(b, "C1", NULL, ymd(2026, 4, 16), &json) == CREDIT_OK &&
          has(json, "\"runs\":false"));
    CHECK(has(check_json(b, "C1", "1.00", ymd(2026, 4, 16)), "OLDEST_ITEM_OVERDUE"));
    credit_book_free(b);
}

int main(int argc, char **argv) {
    test_cash_on_account();
    test_clearing_rules();
    test_discount_after_a_credit_note();
    test_batches();
    test_effective_dating();
    test_plan_in_the_book();
    test_every_kind_refuses_unknown_fields(argc > 1 ? argv[1] : "tests/conformance/event_kinds.jsonl");
    printf("c receivables: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
