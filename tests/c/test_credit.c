/*
 * C tests for libcredit: every capability through include/credit.h, NULL
 * arguments and error paths, handles shared across threads, and the
 * cross-surface conformance cases in tests/conformance/terms_cases.json.
 *
 * Build and run (done by scripts/test.sh, under valgrind):
 *   cc -std=c11 -Wall -Wextra -Werror -Iinclude tests/c/test_credit.c \
 *      target/debug/libcredit.a -lpthread -ldl -lm -o test_credit
 *   ./test_credit tests/conformance/terms_cases.json
 */
#include "credit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Compares a returned string with the expected text, then frees it. */
static int take_eq(char *s, const char *expected) {
    int ok = s != NULL && strcmp(s, expected) == 0;
    if (!ok) {
        fprintf(stderr, "  got \"%s\", expected \"%s\"\n", s ? s : "(null)", expected);
    }
    credit_string_free(s);
    return ok;
}

static credit_date ymd(int32_t y, int32_t m, int32_t d) {
    credit_date r = {y, m, d};
    return r;
}

static int date_eq(credit_date a, int32_t y, int32_t m, int32_t d) {
    return a.year == y && a.month == m && a.day == d;
}

static void test_version(void) {
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", CREDIT_VERSION_MAJOR, CREDIT_VERSION_MINOR,
             CREDIT_VERSION_PATCH);
    CHECK(strcmp(credit_version(), expected) == 0);
    CHECK(strcmp(credit_last_error(), "") == 0);
}

static void test_money(void) {
    uint32_t mu = 99;
    CHECK(credit_currency_minor_units("JPY", &mu) == CREDIT_OK && mu == 0);
    CHECK(credit_currency_minor_units("KWD", &mu) == CREDIT_OK && mu == 3);
    CHECK(credit_currency_minor_units("XYZ", &mu) == CREDIT_UNKNOWN_CURRENCY);
    CHECK(strstr(credit_last_error(), "XYZ") != NULL);
    CHECK(credit_currency_minor_units("eur", &mu) == CREDIT_UNKNOWN_CURRENCY);
    CHECK(credit_currency_minor_units(NULL, &mu) == CREDIT_NULL_ARGUMENT);
    CHECK(credit_currency_minor_units("EUR", NULL) == CREDIT_NULL_ARGUMENT);

    credit_money *a = NULL, *b = NULL, *sum = NULL, *usd = NULL, *bad = NULL;
    CHECK(credit_money_new("100.10", "EUR", &a) == CREDIT_OK);
    CHECK(credit_money_new("0.25", "EUR", &b) == CREDIT_OK);
    CHECK(credit_money_new("1", "USD", &usd) == CREDIT_OK);
    CHECK(credit_money_add(a, b, &sum) == CREDIT_OK);
    char *s = NULL;
    CHECK(credit_money_amount(sum, &s) == CREDIT_OK && take_eq(s, "100.35"));
    CHECK(credit_money_currency(sum, &s) == CREDIT_OK && take_eq(s, "EUR"));
    credit_money_free(sum);
    sum = NULL;
    CHECK(credit_money_sub(b, a, &sum) == CREDIT_OK);
    CHECK(credit_money_amount(sum, &s) == CREDIT_OK && take_eq(s, "-99.85"));
    credit_money_free(sum);

    /* Errors leave the output untouched. */
    credit_money *untouched = (credit_money *)&passed;
    CHECK(credit_money_add(a, usd, &untouched) == CREDIT_CURRENCY_MISMATCH);
    CHECK(untouched == (credit_money *)&passed);
    CHECK(strstr(credit_last_error(), "EUR vs USD") != NULL);
    CHECK(credit_money_new("1.005", "EUR", &bad) == CREDIT_PRECISION && bad == NULL);
    CHECK(credit_money_new("1e5", "EUR", &bad) == CREDIT_INVALID_ARGUMENT);
    CHECK(credit_money_new("12.5", "JPY", &bad) == CREDIT_PRECISION);
    CHECK(credit_money_new("1", "ABC", &bad) == CREDIT_UNKNOWN_CURRENCY);
    CHECK(credit_money_new(NULL, "EUR", &bad) == CREDIT_NULL_ARGUMENT);
    CHECK(credit_money_new("1", "EUR", NULL) == CREDIT_NULL_ARGUMENT);
    CHECK(credit_money_add(NULL, b, &bad) == CREDIT_NULL_ARGUMENT);
    CHECK(credit_money_amount(NULL, &s) == CREDIT_NULL_ARGUMENT);

    /* Overflow is an error, never a wrap. */
    credit_money *big = NULL;
    CHECK(credit_money_new("79228162514264337593543950335", "JPY", &big) == CREDIT_OK);
    CHECK(credit_money_add(big, big, &bad) == CREDIT_OVERFLOW);
    credit_money_free(big);

    /* 100.10 x 0.19 = 19.019 -> 19.02 */
    credit_money *vat = NULL;
    CHECK(credit_money_mul_rate(a, "0.19", CREDIT_ROUNDING_HALF_EVEN, &vat) == CREDIT_OK);
    CHECK(credit_money_amount(vat, &s) == CREDIT_OK && take_eq(s, "19.02"));
    credit_money_free(vat);
    CHECK(credit_money_mul_rate(a, "0.19", 42, &vat) == CREDIT_INVALID_ARGUMENT);
    CHECK(credit_money_mul_rate(a, "0,19", CREDIT_ROUNDING_HALF_EVEN, &vat) == CREDIT_INVALID_ARGUMENT);

    /* 12345.67 to steps of 1000. */
    credit_money *lim = NULL, *r = NULL;
    CHECK(credit_money_new("12345.67", "EUR", &lim) == CREDIT_OK);
    CHECK(credit_money_round_to_step(lim, "1000", CREDIT_ROUNDING_DOWN, &r) == CREDIT_OK);
    CHECK(credit_money_amount(r, &s) == CREDIT_OK && take_eq(s, "12000.00"));
    credit_money_free(r);
    CHECK(credit_money_round_to_step(lim, "1000", CREDIT_ROUNDING_UP, &r) == CREDIT_OK);
    CHECK(credit_money_amount(r, &s) == CREDIT_OK && take_eq(s, "13000.00"));
    credit_money_free(r);
    CHECK(credit_money_round_to_step(lim, "0", CREDIT_ROUNDING_UP, &r) == CREDIT_VALIDATION_ERROR);
    credit_money_free(lim);

    /* 100.00 in three: 33.34 + 33.33 + 33.33. */
    credit_money *hundred = NULL, *parts[3] = {NULL, NULL, NULL};
    CHECK(credit_money_new("100.00", "EUR", &hundred) == CREDIT_OK);
    CHECK(credit_money_split(hundred, 3, parts) == CREDIT_OK);
    const char *expect3[3] = {"33.34", "33.33", "33.33"};
    for (int i = 0; i < 3; i++) {
        CHECK(credit_money_amount(parts[i], &s) == CREDIT_OK && take_eq(s, expect3[i]));
        credit_money_free(parts[i]);
    }
    const char *weights[2] = {"1", "2"};
    credit_money *two[2] = {NULL, NULL};
    CHECK(credit_money_allocate(hundred, weights, 2, two) == CREDIT_OK);
    CHECK(credit_money_amount(two[0], &s) == CREDIT_OK && take_eq(s, "33.33"));
    CHECK(credit_money_amount(two[1], &s) == CREDIT_OK && take_eq(s, "66.67"));
    credit_money_free(two[0]);
    credit_money_free(two[1]);
    const char *neg[2] = {"-1", "2"};
    CHECK(credit_money_allocate(hundred, neg, 2, two) == CREDIT_VALIDATION_ERROR);
    CHECK(credit_money_split(hundred, 0, parts) == CREDIT_VALIDATION_ERROR);
    CHECK(credit_money_allocate(hundred, NULL, 2, two) == CREDIT_NULL_ARGUMENT);
    credit_money_free(hundred);

    credit_money_free(a);
    credit_money_free(b);
    credit_money_free(usd);
    credit_money_free(NULL);
    credit_string_free(NULL);
}

static void test_calendar(void) {
    credit_date hol[1] = {{2027, 1, 1}};
    credit_calendar *cal = NULL;
    CHECK(credit_calendar_new(CREDIT_WEEKEND_SAT | CREDIT_WEEKEND_SUN, hol, 1, &cal) == CREDIT_OK);
    credit_date out = {0, 0, 0};
    /* Thu 2026-12-31 + 1 business day skips the Friday holiday -> Mon 2027-01-04. */
    CHECK(credit_calendar_add_business_days(cal, ymd(2026, 12, 31), 1, &out) == CREDIT_OK &&
          date_eq(out, 2027, 1, 4));
    /* Sat 2026-10-31: following -> Mon 11-02; modified following -> Fri 10-30. */
    CHECK(credit_calendar_adjust(cal, ymd(2026, 10, 31), CREDIT_BDC_FOLLOWING, &out) == CREDIT_OK &&
          date_eq(out, 2026, 11, 2));
    CHECK(credit_calendar_adjust(cal, ymd(2026, 10, 31), CREDIT_BDC_MODIFIED_FOLLOWING, &out) == CREDIT_OK &&
          date_eq(out, 2026, 10, 30));
    CHECK(credit_calendar_adjust(cal, ymd(2026, 10, 31), 9, &out) == CREDIT_INVALID_ARGUMENT);
    CHECK(credit_calendar_adjust(cal, ymd(2027, 2, 29), CREDIT_BDC_FOLLOWING, &out) == CREDIT_INVALID_ARGUMENT);
    CHECK(strstr(credit_last_error(), "2027-02-29") != NULL);
    bool biz = true;
    CHECK(credit_calendar_is_business_day(cal, ymd(2027, 1, 1), &biz) == CREDIT_OK && !biz);
    char *json = NULL;
    CHECK(credit_calendar_to_json(cal, &json) == CREDIT_OK &&
          take_eq(json, "{\"weekend\":[\"Sat\",\"Sun\"],\"holidays\":[\"2027-01-01\"]}"));
    credit_calendar_free(cal);

    credit_calendar *bad = NULL;
    CHECK(credit_calendar_new(0x7f, NULL, 0, &bad) == CREDIT_VALIDATION_ERROR);
    CHECK(credit_calendar_new(0x60, NULL, 2, &bad) == CREDIT_NULL_ARGUMENT);
    CHECK(credit_calendar_from_json("{\"weekend\":[\"Funday\"]}", &bad) == CREDIT_PARSE_ERROR);
    CHECK(strstr(credit_last_error(), "Funday") != NULL);
    CHECK(credit_calendar_from_json("{\"weekend\":[\"Fri\",\"Sat\"]}", &cal) == CREDIT_OK);
    /* Fri-Sat weekend: Thu 2026-11-26 + 1 -> Sun 2026-11-29. */
    CHECK(credit_calendar_add_business_days(cal, ymd(2026, 11, 26), 1, &out) == CREDIT_OK &&
          date_eq(out, 2026, 11, 29));
    credit_calendar_free(cal);
    credit_calendar_free(NULL);

    char *yf = NULL;
    /* 30/360 bond basis, 2026-01-31 -> 2026-03-31: 60 days / 360. */
    CHECK(credit_year_fraction(CREDIT_DAY_COUNT_THIRTY360, ymd(2026, 1, 31), ymd(2026, 3, 31), &yf) == CREDIT_OK &&
          take_eq(yf, "0.1666666666666666666666666667"));
    /* A full leap year under Act/Act ISDA is exactly 1. */
    CHECK(credit_year_fraction(CREDIT_DAY_COUNT_ACT_ACT_ISDA, ymd(2028, 1, 1), ymd(2029, 1, 1), &yf) == CREDIT_OK &&
          take_eq(yf, "1"));
    CHECK(credit_year_fraction(7, ymd(2028, 1, 1), ymd(2029, 1, 1), &yf) == CREDIT_INVALID_ARGUMENT);
    CHECK(credit_date_parse("2028-02-29", &out) == CREDIT_OK && date_eq(out, 2028, 2, 29));
    CHECK(credit_date_parse("2027-02-29", &out) == CREDIT_INVALID_ARGUMENT);
}

/* Issue 14: a term's baseline rule and cut-off day survive JSON, and the
 * schedule reports the baseline it ran from (dated 01-26, past the 25th:
 * February's, whose end is the baseline). */
static void test_terms_baseline(void) {
    credit_terms *t = NULL, *t2 = NULL;
    CHECK(credit_terms_parse("Net 30 (baseline end of month, cut-off day 25)", &t) == CREDIT_OK);
    char *json = NULL, *s = NULL;
    CHECK(credit_terms_to_json(t, &json) == CREDIT_OK);
    CHECK(strstr(json, "\"baseline\":\"end_of_month\"") != NULL);
    CHECK(strstr(json, "\"eom_cutoff_day\":25") != NULL);
    CHECK(credit_terms_from_json(json, &t2) == CREDIT_OK);
    credit_string_free(json);
    CHECK(credit_terms_display(t2, &s) == CREDIT_OK && take_eq(s, "Net 30 (baseline end of month, cut-off day 25)"));
    credit_schedule *sch = NULL;
    CHECK(credit_terms_schedule(t2, ymd(2026, 1, 26), "100.00", "EUR", NULL, &sch) == CREDIT_OK);
    char *sj = NULL;
    CHECK(credit_schedule_to_json(sch, &sj) == CREDIT_OK);
    CHECK(strstr(sj, "\"baseline\":\"2026-02-28\"") != NULL);
    credit_string_free(sj);
    credit_schedule_free(sch);
    /* An out-of-range cut-off day in JSON is refused. */
    credit_terms *bad = NULL;
    const char *good = "{\"lines\":[{\"up_to_day\":31,\"body\":{\"type\":\"standard\",\"discounts\":[],"
                       "\"net\":{\"rule\":\"days_after\",\"days\":30}}}],\"eom_cutoff_day\":25}";
    const char *zero = "{\"lines\":[{\"up_to_day\":31,\"body\":{\"type\":\"standard\",\"discounts\":[],"
                       "\"net\":{\"rule\":\"days_after\",\"days\":30}}}],\"eom_cutoff_day\":0}";
    CHECK(credit_terms_from_json(good, &bad) == CREDIT_OK);
    credit_terms_free(bad);
    bad = NULL;
    CHECK(credit_terms_from_json(zero, &bad) == CREDIT_PARSE_ERROR && bad == NULL);
    CHECK(strstr(credit_last_error(), "eom_cutoff_day") != NULL);
    credit_terms_free(t2);
    credit_terms_free(t);
}

static void test_terms(void) {
    credit_money *bad_money_slot = NULL;
    credit_terms *t = NULL;
    CHECK(credit_terms_parse("2/10, 1/20, net 45", &t) == CREDIT_OK);
    char *s = NULL;
    CHECK(credit_terms_display(t, &s) == CREDIT_OK && take_eq(s, "2/10, 1/20, Net 45"));

    /* JSON round trip. */
    char *json = NULL;
    credit_terms *t2 = NULL;
    CHECK(credit_terms_to_json(t, &json) == CREDIT_OK);
    CHECK(credit_terms_from_json(json, &t2) == CREDIT_OK);
    credit_string_free(json);
    CHECK(credit_terms_display(t2, &s) == CREDIT_OK && take_eq(s, "2/10, 1/20, Net 45"));
    credit_terms_free(t2);

    credit_schedule *sch = NULL;
    CHECK(credit_terms_schedule(t, ymd(2026, 3, 1), "1234.56", "EUR", NULL, &sch) == CREDIT_OK);
    credit_date d = {0, 0, 0};
    CHECK(credit_schedule_net_due_date(sch, &d) == CREDIT_OK && date_eq(d, 2026, 4, 15));
    size_t n = 0;
    CHECK(credit_schedule_discount_count(sch, &n) == CREDIT_OK && n == 2);
    char *pct = NULL, *disc = NULL, *settle = NULL;
    CHECK(credit_schedule_discount(sch, 0, &pct, &d, &disc, &settle) == CREDIT_OK);
    CHECK(take_eq(pct, "2") && date_eq(d, 2026, 3, 11) && take_eq(disc, "24.69") && take_eq(settle, "1209.87"));
    CHECK(credit_schedule_discount(sch, 2, &pct, &d, &disc, &settle) == CREDIT_INVALID_ARGUMENT);
    int64_t late = -1;
    CHECK(credit_schedule_settlement(sch, ymd(2026, 4, 20), &disc, &settle, &late) == CREDIT_OK);
    CHECK(take_eq(disc, "0.00") && take_eq(settle, "1234.56") && late == 5);
    CHECK(credit_schedule_to_json(sch, &json) == CREDIT_OK && strstr(json, "\"amount\":\"1234.56\"") != NULL);
    credit_string_free(json);
    credit_schedule_free(sch);

    /* Options: tax excluded from the discount base. */
    credit_schedule_options o;
    memset(&o, 0, sizeof o);
    o.discount_base = "1000.00";
    CHECK(credit_terms_schedule(t, ymd(2026, 3, 1), "1190.00", "EUR", &o, &sch) == CREDIT_OK);
    CHECK(credit_schedule_discount(sch, 0, &pct, &d, &disc, &settle) == CREDIT_OK);
    CHECK(take_eq(pct, "2") && take_eq(disc, "20.00") && take_eq(settle, "1170.00"));
    credit_schedule_free(sch);
    o.discount_base = "1190.01";
    CHECK(credit_terms_schedule(t, ymd(2026, 3, 1), "1190.00", "EUR", &o, &sch) == CREDIT_VALIDATION_ERROR);
    o.discount_base = NULL;
    o.rounding = 17;
    CHECK(credit_terms_schedule(t, ymd(2026, 3, 1), "1190.00", "EUR", &o, &sch) == CREDIT_INVALID_ARGUMENT);
    CHECK(credit_terms_schedule(t, ymd(2026, 3, 1), "-1.00", "EUR", NULL, &sch) == CREDIT_VALIDATION_ERROR);
    CHECK(credit_terms_schedule(t, ymd(2026, 3, 1), "1.001", "EUR", NULL, &sch) == CREDIT_PRECISION);
    CHECK(credit_terms_schedule(t, ymd(2026, 3, 1), "1.00", "XXX", NULL, &sch) == CREDIT_UNKNOWN_CURRENCY);
    CHECK(credit_terms_schedule(t, ymd(2026, 2, 30), "1.00", "EUR", NULL, &sch) == CREDIT_INVALID_ARGUMENT);
    CHECK(credit_terms_schedule(NULL, ymd(2026, 3, 1), "1.00", "EUR", NULL, &sch) == CREDIT_NULL_ARGUMENT);

    /* A host currency with 4 decimals, not built in: 2 % of 10.0125 = 0.20025 -> 0.2002 (half-even). */
    credit_money *xpt = NULL;
    CHECK(credit_money_new_custom("10.0125", "XPT", 4, &xpt) == CREDIT_OK);
    CHECK(credit_money_new_custom("1", "XPT", 10, &bad_money_slot) == CREDIT_VALIDATION_ERROR);
    CHECK(credit_money_new_custom("1", "xp", 2, &bad_money_slot) == CREDIT_UNKNOWN_CURRENCY);
    CHECK(credit_terms_schedule_money(t, ymd(2026, 3, 1), xpt, NULL, &sch) == CREDIT_OK);
    CHECK(credit_schedule_discount(sch, 0, &pct, &d, &disc, &settle) == CREDIT_OK);
    CHECK(take_eq(pct, "2") && take_eq(disc, "0.2002") && take_eq(settle, "9.8123"));
    credit_schedule_free(sch);
    CHECK(credit_terms_schedule_money(t, ymd(2026, 3, 1), NULL, NULL, &sch) == CREDIT_NULL_ARGUMENT);
    credit_money_free(xpt);
    credit_terms_free(t);

    /* Installments sum exactly. */
    CHECK(credit_terms_parse("30% due on receipt, 70% net 60", &t) == CREDIT_OK);
    CHECK(credit_terms_schedule(t, ymd(2026, 1, 1), "100.01", "EUR", NULL, &sch) == CREDIT_OK);
    CHECK(credit_schedule_installment_count(sch, &n) == CREDIT_OK && n == 2);
    char *amt = NULL;
    CHECK(credit_schedule_installment(sch, 1, &d, &amt) == CREDIT_OK && date_eq(d, 2026, 3, 2) && take_eq(amt, "70.01"));
    CHECK(credit_schedule_installment(sch, 2, &d, &amt) == CREDIT_INVALID_ARGUMENT);
    credit_schedule_free(sch);
    credit_terms_free(t);

    /* Errors with positions and reasons. */
    credit_terms *bad = NULL;
    CHECK(credit_terms_parse("2/10 Nett 30", &bad) == CREDIT_PARSE_ERROR && bad == NULL);
    CHECK(strstr(credit_last_error(), "position 5") != NULL);
    char small[8];
    size_t needed = 0;
    CHECK(credit_last_error_message(small, sizeof small, &needed) == CREDIT_BUFFER_TOO_SMALL);
    CHECK(needed == strlen(credit_last_error()) + 1 && strlen(small) == sizeof small - 1);
    char big[512];
    CHECK(credit_last_error_message(big, sizeof big, &needed) == CREDIT_OK && strcmp(big, credit_last_error()) == 0);
    CHECK(credit_terms_parse("2/40 Net 30", &bad) == CREDIT_VALIDATION_ERROR);
    CHECK(credit_terms_parse("33.33% Net 30, 33.33% Net 60, 33.33% Net 90", &bad) == CREDIT_VALIDATION_ERROR);
    CHECK(strstr(credit_last_error(), "99.99") != NULL);
    CHECK(credit_terms_parse(NULL, &bad) == CREDIT_NULL_ARGUMENT);
    CHECK(credit_terms_parse("\xff\xfe", &bad) == CREDIT_INVALID_ARGUMENT);
    CHECK(credit_terms_from_json("{\"lines\": 3}", &bad) == CREDIT_PARSE_ERROR);
    credit_terms_free(NULL);
    credit_schedule_free(NULL);
}

/* Several threads share one terms handle; each keeps its own last error. */
typedef struct {
    const credit_terms *terms;
    int ok;
} thread_arg;

static void *worker(void *p) {
    thread_arg *a = (thread_arg *)p;
    a->ok = 1;
    for (int i = 0; i < 200; i++) {
        credit_schedule *s = NULL;
        credit_date d;
        if (credit_terms_schedule(a->terms, ymd(2026, 1, 31), "1000.00", "EUR", NULL, &s) != CREDIT_OK ||
            credit_schedule_net_due_date(s, &d) != CREDIT_OK || !date_eq(d, 2026, 3, 2)) {
            a->ok = 0;
        }
        credit_schedule_free(s);
        credit_terms *bad = NULL;
        if (credit_terms_parse("Nett 30", &bad) != CREDIT_PARSE_ERROR || strstr(credit_last_error(), "position 0") == NULL) {
            a->ok = 0;
        }
    }
    return NULL;
}

static void test_threads(void) {
    credit_terms *t = NULL;
    CHECK(credit_terms_parse("2/10 Net 30", &t) == CREDIT_OK);
    pthread_t th[2];
    thread_arg args[2] = {{t, 0}, {t, 0}};
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, worker, &args[i]);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    CHECK(args[0].ok && args[1].ok);
    credit_terms_free(t);
}

/* ---- conformance cases ------------------------------------------------- */

/* Copies the string value of "key" in a one-line JSON object (values hold no escapes). */
static int field(const char *line, const char *key, char *out, size_t size) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(line, pat);
    if (!p) return 0;
    p += strlen(pat);
    const char *e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= size) return 0;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = 0;
    return 1;
}

static int parse_date(const char *s, credit_date *d) {
    return credit_date_parse(s, d) == CREDIT_OK;
}

static void append(char *buf, size_t size, const char *piece) {
    if (buf[0]) strncat(buf, ";", size - strlen(buf) - 1);
    strncat(buf, piece, size - strlen(buf) - 1);
}

static int run_case(const char *line, char *why, size_t why_size) {
    char terms[256], display[256], inv[16], amount[64], cur[8], baseline[16], base[64], adjust[32],
        holidays[256], inst[512], discs[512], settles[512], error[32];
    if (!(field(line, "terms", terms, sizeof terms) && field(line, "display", display, sizeof display) &&
          field(line, "invoice_date", inv, sizeof inv) && field(line, "amount", amount, sizeof amount) &&
          field(line, "currency", cur, sizeof cur) && field(line, "baseline", baseline, sizeof baseline) &&
          field(line, "discount_base", base, sizeof base) && field(line, "adjust", adjust, sizeof adjust) &&
          field(line, "holidays", holidays, sizeof holidays) &&
          field(line, "installments", inst, sizeof inst) && field(line, "discounts", discs, sizeof discs) &&
          field(line, "settlements", settles, sizeof settles) && field(line, "error", error, sizeof error))) {
        snprintf(why, why_size, "malformed case line");
        return 0;
    }
    credit_terms *t = NULL;
    credit_status st = credit_terms_parse(terms, &t);
    if (error[0]) {
        credit_status want = strcmp(error, "parse") == 0 ? CREDIT_PARSE_ERROR : CREDIT_VALIDATION_ERROR;
        if (st != want) snprintf(why, why_size, "status %d, expected %s error", (int)st, error);
        credit_terms_free(t);
        return st == want;
    }
    if (st != CREDIT_OK) {
        snprintf(why, why_size, "parse failed: %s", credit_last_error());
        return 0;
    }
    int ok = 1;
    char *shown = NULL;
    credit_terms_display(t, &shown);
    if (strcmp(shown, display) != 0) {
        snprintf(why, why_size, "display \"%s\"", shown);
        ok = 0;
    }
    credit_string_free(shown);

    credit_date hol[8];
    size_t nhol = 0;
    for (char *tok = strtok(holidays, ","); tok && nhol < 8; tok = strtok(NULL, ",")) parse_date(tok, &hol[nhol++]);
    credit_calendar *cal = NULL;
    credit_calendar_new(CREDIT_WEEKEND_SAT | CREDIT_WEEKEND_SUN, hol, nhol, &cal);
    credit_date bdate;
    credit_schedule_options o;
    memset(&o, 0, sizeof o);
    if (baseline[0] && parse_date(baseline, &bdate)) o.baseline = &bdate;
    if (base[0]) o.discount_base = base;
    if (adjust[0]) {
        o.calendar = cal;
        o.convention = strcmp(adjust, "following") == 0            ? CREDIT_BDC_FOLLOWING
                       : strcmp(adjust, "modified_following") == 0 ? CREDIT_BDC_MODIFIED_FOLLOWING
                       : strcmp(adjust, "preceding") == 0          ? CREDIT_BDC_PRECEDING
                       : strcmp(adjust, "modified_preceding") == 0 ? CREDIT_BDC_MODIFIED_PRECEDING
                                                                   : CREDIT_BDC_UNADJUSTED;
    }
    credit_date idate;
    parse_date(inv, &idate);
    credit_schedule *s = NULL;
    if (ok && credit_terms_schedule(t, idate, amount, cur, &o, &s) != CREDIT_OK) {
        snprintf(why, why_size, "schedule failed: %s", credit_last_error());
        ok = 0;
    }
    if (ok) {
        char got[512] = "", piece[160];
        size_t n = 0;
        credit_schedule_installment_count(s, &n);
        for (size_t i = 0; i < n; i++) {
            credit_date d;
            char *a = NULL;
            credit_schedule_installment(s, i, &d, &a);
            snprintf(piece, sizeof piece, "%04d-%02d-%02d %s", d.year, d.month, d.day, a);
            credit_string_free(a);
            append(got, sizeof got, piece);
        }
        if (strcmp(got, inst) != 0) {
            snprintf(why, why_size, "installments \"%s\"", got);
            ok = 0;
        }
        got[0] = 0;
        credit_schedule_discount_count(s, &n);
        for (size_t i = 0; i < n; i++) {
            credit_date d;
            char *p = NULL, *a = NULL, *st2 = NULL;
            credit_schedule_discount(s, i, &p, &d, &a, &st2);
            snprintf(piece, sizeof piece, "%s %04d-%02d-%02d %s %s", p, d.year, d.month, d.day, a, st2);
            credit_string_free(p);
            credit_string_free(a);
            credit_string_free(st2);
            append(got, sizeof got, piece);
        }
        if (ok && strcmp(got, discs) != 0) {
            snprintf(why, why_size, "discounts \"%s\"", got);
            ok = 0;
        }
        for (char *spec = strtok(settles, ";"); ok && spec; spec = strtok(NULL, ";")) {
            char pay[16];
            credit_date pd;
            memcpy(pay, spec, 10);
            pay[10] = 0;
            parse_date(pay, &pd);
            char *disc = NULL, *settle = NULL;
            int64_t late = 0;
            credit_schedule_settlement(s, pd, &disc, &settle, &late);
            snprintf(piece, sizeof piece, "%s %s %s %lld", pay, disc, settle, (long long)late);
            credit_string_free(disc);
            credit_string_free(settle);
            if (strcmp(piece, spec) != 0) {
                snprintf(why, why_size, "settlement \"%s\" != \"%s\"", piece, spec);
                ok = 0;
            }
        }
    }
    credit_schedule_free(s);
    credit_calendar_free(cal);
    credit_terms_free(t);
    return ok;
}

static void test_conformance(const char *path) {
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) return;
    char line[4096];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        char name[128];
        if (!field(line, "name", name, sizeof name)) continue;
        cases++;
        char why[512] = "";
        int ok = run_case(line, why, sizeof why);
        if (!ok) fprintf(stderr, "conformance %s: %s\n", name, why);
        CHECK(ok);
    }
    fclose(f);
    CHECK(cases >= 20);
}

int main(int argc, char **argv) {
    test_version();
    test_money();
    test_calendar();
    test_terms();
    test_threads();
    test_terms_baseline();
    test_conformance(argc > 1 ? argv[1] : "tests/conformance/terms_cases.json");
    printf("c: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
