/*
 * Hostile and careless callers (issue 11): non-UTF-8 strings, huge and
 * malformed decimals, bad enum values, deep and oversized JSON, huge
 * counts, negative orders, ids that cannot be ids. Every call must return
 * its documented status (never CREDIT_PANIC, never a crash or a huge
 * allocation), write no output, and leave the book byte-identical. Run
 * under valgrind and under AddressSanitizer + UBSan by the test command.
 * (NULL for every pointer of every entry point is the generated
 * null-calls program.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "credit.h"
#include "check.h"

static const struct credit_date D0 = {2026, 1, 2};
static const char *POLICY =
    "{\"schema_version\":1,\"policy_id\":\"p\",\"steps\":[{\"step\":\"static_limit\",\"action\":\"block\"}]}";

static char *snap(struct credit_book *b) {
    char *s = NULL;
    CHECK(credit_book_snapshot(b, &s) == CREDIT_OK);
    return s;
}

/* The book must equal `before`, byte for byte. */
static void unchanged(struct credit_book *b, const char *before, int line) {
    char *now = snap(b);
    int same = now && before && strcmp(now, before) == 0;
    if (!same) fprintf(stderr, "line %d: a rejected call changed the book\n", line);
    CHECK(same);
    credit_string_free(now);
}
#define UNCHANGED(b, before) unchanged((b), (before), __LINE__)

/* `[[[...]]]` nested n deep (caller frees). */
static char *deep_json(size_t n) {
    char *s = malloc(2 * n + 1);
    if (!s) return NULL;
    memset(s, '[', n);
    memset(s + n, ']', n);
    s[2 * n] = 0;
    return s;
}

static struct credit_order order(const char *customer, const char *id, const char *amount) {
    struct credit_order o;
    memset(&o, 0, sizeof o);
    o.customer = customer;
    o.order_id = id;
    o.amount = amount;
    o.currency = "EUR";
    o.as_of = D0;
    o.checkpoint = CREDIT_CHECKPOINT_ORDER;
    return o;
}

/* A status that is an error and not a panic. */
static int refused(enum credit_status s) { return s != CREDIT_OK && s != CREDIT_PANIC; }

static void non_utf8(struct credit_book *b, const char *before) {
    struct credit_money *m = NULL;
    CHECK(credit_money_new("\xff", "EUR", &m) == CREDIT_INVALID_ARGUMENT && m == NULL);
    CHECK(credit_money_new("1.00", "\xc3\x28", &m) == CREDIT_INVALID_ARGUMENT && m == NULL);
    struct credit_book *b2 = NULL;
    CHECK(credit_book_new("\xfe\xff", &b2) == CREDIT_INVALID_ARGUMENT && b2 == NULL);
    struct credit_terms *t = NULL;
    CHECK(credit_terms_parse("2/10 \xff net 30", &t) == CREDIT_INVALID_ARGUMENT && t == NULL);
    CHECK(credit_book_apply(b, "{\"id\":\"\xff\"}", NULL) == CREDIT_INVALID_ARGUMENT);
    struct credit_order o = order("C\xff", "SO-1", "1.00");
    struct credit_decision *d = NULL;
    CHECK(credit_book_check_order(b, &o, &d) == CREDIT_INVALID_ARGUMENT && d == NULL);
    CHECK(credit_book_release(b, "SO-1", "\xff", "why", D0, NULL) == CREDIT_INVALID_ARGUMENT);
    UNCHANGED(b, before);
}

static void decimals(struct credit_book *b, const char *before) {
    struct credit_money *m = NULL;
    /* Not decimals, or beyond 96 bits of mantissa. */
    const char *bad[] = {"1e400", "NaN", "", "1,000.00", " 1", "0x10", "79228162514264337593543950336",
                         "792281625142643375935439503.36"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(credit_money_new(bad[i], "EUR", &m) == CREDIT_INVALID_ARGUMENT && m == NULL);
    }
    /* A decimal that fits, but not with EUR's two decimals. */
    CHECK(credit_money_new("7922816251426433759354395033.5", "EUR", &m) == CREDIT_OVERFLOW && m == NULL);
    /* Sums and products past the limit: an overflow, never a rounded value. */
    struct credit_money *big = NULL, *sum = NULL;
    CHECK(credit_money_new("700000000000000000000000000.01", "EUR", &big) == CREDIT_OK);
    CHECK(credit_money_add(big, big, &sum) == CREDIT_OVERFLOW && sum == NULL);
    CHECK(credit_money_mul_rate(big, "2", CREDIT_ROUNDING_HALF_EVEN, &sum) == CREDIT_OVERFLOW && sum == NULL);
    CHECK(credit_money_mul_rate(big, "1e3", CREDIT_ROUNDING_HALF_EVEN, &sum) == CREDIT_INVALID_ARGUMENT);
    credit_money_free(big);
    /* Orders that are not positive, or not decimals. */
    const char *amounts[] = {"-10.00", "0", "0.00", "-0.01", "1e5", "99999999999999999999999999999"};
    for (size_t i = 0; i < sizeof amounts / sizeof *amounts; i++) {
        struct credit_order o = order("C1", "SO-9", amounts[i]);
        struct credit_decision *d = NULL;
        CHECK(credit_book_check_order(b, &o, &d) == CREDIT_INVALID_ARGUMENT && d == NULL);
        CHECK(credit_book_simulate_check(b, &o, &d) == CREDIT_INVALID_ARGUMENT && d == NULL);
    }
    /* An event amount that is not a decimal: the message names the field. */
    CHECK(credit_book_apply(b,
                            "{\"id\":\"e1\",\"customer\":\"C1\",\"date\":\"2026-01-02\",\"type\":\"payment\","
                            "\"amount\":\"1e400\",\"currency\":\"EUR\"}",
                            NULL) == CREDIT_PARSE_ERROR);
    CHECK(strstr(credit_last_error(), "amount: invalid decimal") != NULL);
    CHECK(credit_book_apply(b,
                            "{\"id\":\"e1\",\"customer\":\"C1\",\"date\":\"2026-01-02\",\"type\":\"payment\","
                            "\"amount\":true,\"currency\":\"EUR\"}",
                            NULL) == CREDIT_PARSE_ERROR);
    CHECK(strstr(credit_last_error(), "amount: invalid type: boolean") != NULL);
    CHECK(credit_book_set_fx_rate(b, "EUR", "USD", "-1") == CREDIT_VALIDATION_ERROR);
    CHECK(credit_book_set_fx_rate(b, "EUR", "EUR", "1.1") == CREDIT_VALIDATION_ERROR);
    UNCHANGED(b, before);
}

static void enums(struct credit_book *b, const char *before) {
    struct credit_money *m = NULL, *r = NULL;
    CHECK(credit_money_new("10.00", "EUR", &m) == CREDIT_OK);
    int32_t modes[] = {-1, 7, 99, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        CHECK(credit_money_mul_rate(m, "1.5", modes[i], &r) == CREDIT_INVALID_ARGUMENT && r == NULL);
    }
    credit_money_free(m);
    struct credit_order o = order("C1", "SO-1", "1.00");
    struct credit_decision *d = NULL;
    o.checkpoint = 7;
    CHECK(credit_book_check_order(b, &o, &d) == CREDIT_INVALID_ARGUMENT && d == NULL);
    o.checkpoint = -1;
    CHECK(credit_book_check_order(b, &o, &d) == CREDIT_INVALID_ARGUMENT && d == NULL);
    char *s = NULL;
    CHECK(credit_book_query(b, 42, D0, &s) == CREDIT_INVALID_ARGUMENT && s == NULL);
    CHECK(credit_year_fraction(99, D0, D0, &s) == CREDIT_INVALID_ARGUMENT && s == NULL);
    struct credit_calendar *cal = NULL;
    CHECK(credit_calendar_new(0x80, NULL, 0, &cal) == CREDIT_INVALID_ARGUMENT && cal == NULL);
    CHECK(credit_calendar_new(0x60, NULL, 0, &cal) == CREDIT_OK);
    struct credit_date out = {0, 0, 0};
    CHECK(credit_calendar_adjust(cal, D0, 17, &out) == CREDIT_INVALID_ARGUMENT && out.year == 0);
    struct credit_date bad_day = {2027, 2, 29};
    CHECK(credit_calendar_adjust(cal, bad_day, 0, &out) == CREDIT_INVALID_ARGUMENT && out.year == 0);
    credit_calendar_free(cal);
    /* An index past the reasons of a decision. */
    o = order("C1", "SO-1", "1.00");
    CHECK(credit_book_simulate_check(b, &o, &d) == CREDIT_OK);
    char *code = NULL, *threshold = NULL, *observed = NULL, *message = NULL;
    int32_t action = 0;
    CHECK(credit_decision_reason(d, 1000, &code, &action, &threshold, &observed, &message) ==
              CREDIT_INVALID_ARGUMENT &&
          code == NULL && message == NULL);
    CHECK(credit_decision_reason(d, SIZE_MAX, &code, &action, &threshold, &observed, &message) ==
          CREDIT_INVALID_ARGUMENT);
    credit_decision_free(d);
    UNCHANGED(b, before);
}

static void documents(struct credit_book *b, const char *before) {
    char *deep = deep_json(100000);
    CHECK(deep != NULL);
    if (!deep) return;
    CHECK(credit_book_apply(b, deep, NULL) == CREDIT_TOO_LARGE);
    CHECK(strstr(credit_last_error(), "nesting depth") != NULL);
    CHECK(credit_book_upsert_customer(b, deep, D0, NULL) == CREDIT_TOO_LARGE);
    CHECK(credit_book_set_limit(b, deep, D0, NULL) == CREDIT_TOO_LARGE);
    struct credit_book *b2 = NULL;
    CHECK(refused(credit_book_new(deep, &b2)) && b2 == NULL);
    CHECK(refused(credit_book_restore(deep, &b2)) && b2 == NULL);
    CHECK(refused(credit_book_set_policy(b, deep, D0, NULL)));
    struct credit_scorecard *card = NULL;
    CHECK(refused(credit_scorecard_new(deep, &card)) && card == NULL);
    struct credit_calendar *cal = NULL;
    CHECK(credit_calendar_from_json(deep, &cal) == CREDIT_TOO_LARGE && cal == NULL);
    struct credit_terms *t = NULL;
    CHECK(credit_terms_from_json(deep, &t) == CREDIT_TOO_LARGE && t == NULL);
    struct credit_plan *p = NULL;
    CHECK(refused(credit_plan_new(deep, &p)) && p == NULL);
    free(deep);

    /* A document past 64 MiB (the default bound). */
    size_t n = ((size_t)64 << 20) + 16;
    char *huge = malloc(n + 32);
    CHECK(huge != NULL);
    if (huge) {
        memcpy(huge, "{\"id\":\"", 7);
        memset(huge + 7, 'x', n);
        memcpy(huge + 7 + n, "\"}", 3);
        CHECK(credit_book_apply(b, huge, NULL) == CREDIT_TOO_LARGE);
        free(huge);
    }

    /* Ids: too long, empty, control characters; an unknown field. */
    char long_id[300];
    memset(long_id, 'C', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = 0;
    struct credit_order o = order(long_id, "SO-1", "1.00");
    struct credit_decision *d = NULL;
    CHECK(credit_book_check_order(b, &o, &d) == CREDIT_TOO_LARGE && d == NULL);
    o = order("C1", long_id, "1.00");
    CHECK(credit_book_check_order(b, &o, &d) == CREDIT_TOO_LARGE && d == NULL);
    o = order("C1", "", "1.00");
    CHECK(credit_book_check_order(b, &o, &d) == CREDIT_INVALID_ARGUMENT && d == NULL);
    o = order("C1", "SO\n1", "1.00");
    CHECK(credit_book_check_order(b, &o, &d) == CREDIT_INVALID_ARGUMENT && d == NULL);
    CHECK(credit_book_upsert_customer(b, "{\"id\":\"\",\"name\":\"x\",\"currency\":\"EUR\"}", D0, NULL) != CREDIT_OK);
    CHECK(credit_book_apply(b,
                            "{\"id\":\"e1\",\"customer\":\"C1\",\"segmnt\":\"eu\",\"date\":\"2026-01-02\","
                            "\"type\":\"payment\",\"amount\":\"1.00\",\"currency\":\"EUR\"}",
                            NULL) == CREDIT_PARSE_ERROR);
    CHECK(strstr(credit_last_error(), "segmnt") != NULL);
    UNCHANGED(b, before);
}

static void counts(struct credit_book *b, const char *before) {
    struct credit_money *m = NULL;
    CHECK(credit_money_new("100.00", "EUR", &m) == CREDIT_OK);
    struct credit_money *parts[4] = {NULL, NULL, NULL, NULL};
    CHECK(credit_money_split(m, SIZE_MAX, parts) == CREDIT_TOO_LARGE && parts[0] == NULL);
    CHECK(credit_money_split(m, 1000001, parts) == CREDIT_TOO_LARGE && parts[0] == NULL);
    CHECK(credit_money_split(m, 0, parts) == CREDIT_VALIDATION_ERROR && parts[0] == NULL);
    const char *w[2] = {"1", "1"};
    CHECK(credit_money_allocate(m, w, SIZE_MAX, parts) == CREDIT_TOO_LARGE && parts[0] == NULL);
    CHECK(credit_money_split(m, 4, parts) == CREDIT_OK);
    for (int i = 0; i < 4; i++) credit_money_free(parts[i]);
    credit_money_free(m);

    struct credit_date h[1] = {{2026, 1, 1}};
    struct credit_calendar *cal = NULL;
    CHECK(credit_calendar_new(0x60, h, SIZE_MAX, &cal) == CREDIT_TOO_LARGE && cal == NULL);
    uint64_t base[2] = {1, 2}, cur[2] = {2, 1};
    double x = -1;
    CHECK(credit_psi(base, cur, SIZE_MAX, &x) == CREDIT_TOO_LARGE && x == -1);
    /* Counts summing past 2^64 are an error, not a wrapped total. */
    uint64_t huge_counts[2] = {UINT64_MAX, 1};
    CHECK(credit_psi(huge_counts, cur, 2, &x) == CREDIT_INVALID_ARGUMENT && x == -1);
    char *s = NULL;
    CHECK(credit_book_kpi_series(b, D0, h, SIZE_MAX, 0, "EUR", &s) == CREDIT_TOO_LARGE && s == NULL);

    /* Batch scoring: rows beyond memory; more reasons than characteristics. */
    const char *card_json =
        "{\"schema_version\":1,\"name\":\"c\",\"base_points\":500,\"no_match\":\"reject\","
        "\"characteristics\":[{\"name\":\"dbt\",\"code\":\"DBT\",\"bins\":{\"type\":\"numeric\","
        "\"cuts\":[5,30],\"points\":[60,20,-40]},\"missing\":0}],"
        "\"classes\":[{\"class\":\"B\",\"max\":550},{\"class\":\"A\",\"min\":550}]}";
    struct credit_scorecard *card = NULL;
    CHECK(credit_scorecard_new(card_json, &card) == CREDIT_OK);
    double dbt[3] = {1, 10, 40}, totals[3] = {-1, -1, -1};
    int32_t reasons[3] = {0, 0, 0};
    struct credit_column col = {"dbt", CREDIT_COLUMN_NUMERIC, dbt, NULL};
    CHECK(credit_scorecard_score_batch(card, &col, 1, SIZE_MAX, totals, NULL, NULL, NULL, 0, 1, NULL) ==
          CREDIT_TOO_LARGE);
    CHECK(credit_scorecard_score_batch(card, &col, 1, 3, totals, NULL, NULL, reasons, 1000000000, 1, NULL) ==
          CREDIT_TOO_LARGE);
    CHECK(credit_scorecard_score_batch(card, &col, 1, 3, totals, NULL, NULL, reasons, SIZE_MAX, 1, NULL) ==
          CREDIT_TOO_LARGE);
    CHECK(totals[0] == -1);
    col.kind = 5;
    CHECK(credit_scorecard_score_batch(card, &col, 1, 3, totals, NULL, NULL, NULL, 0, 1, NULL) ==
          CREDIT_INVALID_ARGUMENT);
    col.kind = CREDIT_COLUMN_NUMERIC;
    CHECK(credit_scorecard_score_batch(card, &col, 1, 3, totals, NULL, NULL, reasons, 1, 1, NULL) == CREDIT_OK);
    /* Thread counts outside 1..=1024 are refused, naming the argument. */
    CHECK(credit_scorecard_score_batch(card, &col, 1, 3, totals, NULL, NULL, NULL, 0, 0, NULL) ==
          CREDIT_INVALID_ARGUMENT);
    CHECK(strstr(credit_last_error(), "threads") != NULL);
    CHECK(credit_scorecard_score_batch(card, &col, 1, 3, totals, NULL, NULL, NULL, 0, 5000, NULL) ==
          CREDIT_INVALID_ARGUMENT);
    CHECK(totals[0] == 560 && totals[2] == 460);
    credit_scorecard_free(card);

    /* The error message into a buffer too small for it. */
    CHECK(credit_book_query(b, 42, D0, &s) == CREDIT_INVALID_ARGUMENT);
    char buf[1] = {'x'};
    size_t needed = 0;
    CHECK(credit_last_error_message(buf, 1, &needed) == CREDIT_BUFFER_TOO_SMALL && buf[0] == 0 && needed > 1);
    UNCHANGED(b, before);
}

/* A negative order used to be approved and free limit for other orders. */
static void negative_orders_free_nothing(struct credit_book *b) {
    struct credit_order o = order("C1", "SO-A", "100.00");
    struct credit_decision *d = NULL;
    int32_t outcome = -1;
    CHECK(credit_book_check_order(b, &o, &d) == CREDIT_OK);
    CHECK(credit_decision_outcome(d, &outcome) == CREDIT_OK && outcome == CREDIT_OUTCOME_APPROVED);
    credit_decision_free(d);
    o = order("C1", "SO-B", "-10.00");
    d = NULL;
    CHECK(credit_book_check_order(b, &o, &d) == CREDIT_INVALID_ARGUMENT && d == NULL);
    o = order("C1", "SO-C", "0.01");
    CHECK(credit_book_check_order(b, &o, &d) == CREDIT_OK);
    CHECK(credit_decision_outcome(d, &outcome) == CREDIT_OK && outcome == CREDIT_OUTCOME_BLOCKED);
    credit_decision_free(d);
}

/* A JPY customer's EUR reservation survives a snapshot to the cent, and
 * the restored book's exposure equals the live one. */
static void restore_equals_live(void) {
    struct credit_book *b = NULL, *r = NULL;
    CHECK(credit_book_new(POLICY, &b) == CREDIT_OK);
    CHECK(credit_book_upsert_customer(
              b, "{\"id\":\"JP1\",\"name\":\"Nippon\",\"currency\":\"JPY\",\"segment_currencies\":{\"eu\":\"EUR\"}}",
              D0, NULL) == CREDIT_OK);
    CHECK(credit_book_set_limit(
              b, "{\"customer\":\"JP1\",\"segment\":\"eu\",\"limit\":{\"amount\":\"100.00\",\"currency\":\"EUR\"}}",
              D0, NULL) == CREDIT_OK);
    struct credit_order o = order("JP1", "SO-1", "22.22");
    o.segment = "eu";
    struct credit_decision *d = NULL;
    CHECK(credit_book_check_order(b, &o, &d) == CREDIT_OK);
    credit_decision_free(d);
    char *s = snap(b);
    CHECK(credit_book_restore(s, &r) == CREDIT_OK);
    char *live = NULL, *back = NULL;
    CHECK(credit_book_exposure(b, "JP1", "eu", D0, &live) == CREDIT_OK);
    CHECK(credit_book_exposure(r, "JP1", "eu", D0, &back) == CREDIT_OK);
    CHECK(live && back && strcmp(live, back) == 0);
    CHECK(back && strstr(back, "\"reserved\":\"22.22\"") != NULL);
    char *s2 = snap(r);
    CHECK(s && s2 && strcmp(s, s2) == 0);
    credit_string_free(live);
    credit_string_free(back);
    credit_string_free(s);
    credit_string_free(s2);
    credit_book_free(r);
    credit_book_free(b);
}

int main(void) {
    struct credit_book *b = NULL;
    CHECK(credit_book_new(POLICY, &b) == CREDIT_OK);
    CHECK(credit_book_upsert_customer(b, "{\"id\":\"C1\",\"name\":\"Acme\",\"currency\":\"EUR\"}", D0, NULL) ==
          CREDIT_OK);
    CHECK(credit_book_set_limit(b, "{\"customer\":\"C1\",\"limit\":{\"amount\":\"100.00\",\"currency\":\"EUR\"}}", D0,
                                NULL) == CREDIT_OK);
    char *before = snap(b);
    non_utf8(b, before);
    decimals(b, before);
    enums(b, before);
    documents(b, before);
    counts(b, before);
    credit_string_free(before);
    negative_orders_free_nothing(b);
    credit_book_free(b);
    restore_equals_live();
    printf("hostile: %d checks passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
