/*
 * C tests for monitoring: aging, KPI and goals reports as JSON and the
 * headline and single-figure accessors, on the book of
 * credit-core/tests/monitor.rs (figures worked by hand there), then the
 * shared vectors the Rust and Python tests run:
 *   ./test_monitor tests/conformance/monitor_cases.txt
 */
#include "credit.h"

#include <stdio.h>
#include <stdlib.h>
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

static credit_date parse_date(const char *s) {
    credit_date d = {0, 0, 0};
    if (sscanf(s, "%d-%d-%d", &d.year, &d.month, &d.day) != 3) d.year = 0;
    return d;
}

static int32_t parse_group(const char *s) {
    static const char *names[] = {"total", "customer", "segment", "collector", "risk_class", "currency"};
    for (int32_t i = 0; i < 6; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

/* The text of a JSON array that follows `"name":[` in `json` (up to its
 * closing bracket; alerts hold no nested arrays), copied into `out`. */
static void section(const char *json, const char *name, char *out, size_t n) {
    char key[64];
    snprintf(key, sizeof key, "\"%s\":[", name);
    const char *p = json ? strstr(json, key) : NULL;
    out[0] = 0;
    if (!p) return;
    p += strlen(key);
    const char *e = strchr(p, ']');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len >= n) len = n - 1;
    memcpy(out, p, len);
    out[len] = 0;
}

/* Whether the alerts in `text` are exactly the CODE:CUSTOMER:SUBJECT list
 * `want` ("-" for none), in order. */
static int same_alerts(const char *text, const char *want) {
    char list[512], frag[256];
    int expected = 0, found = 0;
    const char *p = text;
    while ((p = strstr(p, "\"code\":")) != NULL) {
        found++;
        p++;
    }
    if (strcmp(want, "-") == 0) return found == 0;
    snprintf(list, sizeof list, "%s", want);
    const char *at = text;
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        char code[64] = "", cust[64] = "", subj[64] = "";
        if (sscanf(tok, "%63[^:]:%63[^:]:%63s", code, cust, subj) != 3) return 0;
        snprintf(frag, sizeof frag, "\"code\":\"%s\",\"customer\":\"%s\",\"subject\":\"%s\"", code, cust, subj);
        at = strstr(at, frag);
        if (!at) return 0;
        expected++;
    }
    return expected == found;
}

/* Runs one line of the vectors against `*book`; 0 with `why` on failure. */
static int run_line(credit_book **book, char **previous, char *line, char *why, size_t n) {
    char *rest = strchr(line, ' ');
    if (!rest) return snprintf(why, n, "no arguments"), 0;
    *rest++ = 0;
    char *want = strstr(rest, " => ");
    if (want) {
        *want = 0;
        want += 4;
    }
    char *a[8] = {0};
    int na = 0;
    if (want) {
        for (char *t = strtok(rest, " "); t && na < 8; t = strtok(NULL, " ")) a[na++] = t;
    }
    credit_date epoch = {2020, 1, 1};
    char *json = NULL;
    if (strcmp(line, "policy") == 0) {
        credit_book_free(*book);
        *book = NULL;
        free(*previous);
        *previous = NULL;
        return credit_book_new(rest, book) == CREDIT_OK || (snprintf(why, n, "%s", credit_last_error()), 0);
    }
    if (strcmp(line, "customer") == 0)
        return credit_book_upsert_customer(*book, rest, epoch, NULL) == CREDIT_OK || (snprintf(why, n, "%s", credit_last_error()), 0);
    if (strcmp(line, "fx") == 0) {
        char from[8], to[8], rate[32];
        if (sscanf(rest, "%7s %7s %31s", from, to, rate) != 3) return snprintf(why, n, "fx line"), 0;
        return credit_book_set_fx_rate(*book, from, to, rate) == CREDIT_OK || (snprintf(why, n, "%s", credit_last_error()), 0);
    }
    if (strcmp(line, "apply") == 0)
        return credit_book_apply(*book, rest, NULL) == CREDIT_OK || (snprintf(why, n, "%s", credit_last_error()), 0);
    if (strcmp(line, "aging") == 0 && na == 4) {
        const char *cur = strcmp(a[2], "-") == 0 ? NULL : a[2];
        if (credit_book_aging(*book, parse_date(a[0]), parse_group(a[1]), cur, &json) != CREDIT_OK)
            return snprintf(why, n, "%s", credit_last_error()), 0;
        /* want: B1 B2 ... | DISPUTED | TOTAL -> the row's JSON text. */
        char expect[1024], buckets[512] = "", disputed[32], total[32], copy[512];
        snprintf(copy, sizeof copy, "%s", want);
        char *bar = strstr(copy, " | ");
        if (!bar || sscanf(bar + 3, "%31s | %31s", disputed, total) != 2) return snprintf(why, n, "aging expectation"), 0;
        *bar = 0;
        for (char *t = strtok(copy, " "); t; t = strtok(NULL, " ")) {
            size_t len = strlen(buckets);
            snprintf(buckets + len, sizeof buckets - len, "%s\"%s\"", len ? "," : "", t);
        }
        snprintf(expect, sizeof expect, "{\"key\":\"%s\",\"currency\":\"%s\",\"buckets\":[%s],\"disputed\":\"%s\",\"total\":\"%s\"",
                 a[3], cur ? cur : a[3], buckets, disputed, total);
        int ok = strstr(json, expect) != NULL;
        if (!ok) snprintf(why, n, "%s not in %s", expect, json);
        credit_string_free(json);
        return ok;
    }
    if (strcmp(line, "kpi") == 0 && na == 6) {
        char *value = NULL;
        if (credit_book_kpi(*book, parse_date(a[0]), parse_date(a[1]), parse_group(a[2]), a[3], a[4], a[5], &value) != CREDIT_OK)
            return snprintf(why, n, "%s", credit_last_error()), 0;
        int ok = strcmp(want, "undefined") == 0 ? value == NULL : value != NULL && strcmp(value, want) == 0;
        if (!ok) snprintf(why, n, "got %s", value ? value : "NULL (undefined)");
        credit_string_free(value);
        return ok;
    }
    if (strcmp(line, "goal") == 0 && na == 3) {
        if (credit_book_goals(*book, parse_date(a[0]), a[1], &json) != CREDIT_OK) return snprintf(why, n, "%s", credit_last_error()), 0;
        char status[32], actual[32], gap[32], expect[256];
        if (sscanf(want, "%31s %31s %31s", status, actual, gap) != 3) return snprintf(why, n, "goal expectation"), 0;
        const char *p = json;
        for (int i = atoi(a[2]); p && i >= 0; i--) {
            p = strstr(p, "\"actual\":");
            if (p && i > 0) p++;
        }
        char qa[40], qg[40];
        snprintf(qa, sizeof qa, strcmp(actual, "-") == 0 ? "null" : "\"%s\"", actual);
        snprintf(qg, sizeof qg, strcmp(gap, "-") == 0 ? "null" : "\"%s\"", gap);
        snprintf(expect, sizeof expect, "\"actual\":%s,\"gap\":%s,\"status\":\"%s\"", qa, qg, status);
        int ok = p && strncmp(p, expect, strlen(expect)) == 0;
        if (!ok) snprintf(why, n, "%s not at %.80s", expect, p ? p : "(no such goal)");
        credit_string_free(json);
        return ok;
    }
    if (strcmp(line, "alerts") == 0 && na == 1) {
        char *run = NULL, raised[2048], cleared[2048], wr[256], wc[256];
        if (credit_book_alerts(*book, parse_date(a[0]), *previous, NULL, NULL, &run) != CREDIT_OK)
            return snprintf(why, n, "%s", credit_last_error()), 0;
        if (sscanf(want, "%255s | %255s", wr, wc) != 2) return credit_string_free(run), snprintf(why, n, "alerts expectation"), 0;
        section(run, "raised", raised, sizeof raised);
        section(run, "cleared", cleared, sizeof cleared);
        int ok = same_alerts(raised, wr) && same_alerts(cleared, wc);
        if (!ok) snprintf(why, n, "got %s", run);
        /* The next run's previous: this one's JSON, kept in malloc'd memory. */
        free(*previous);
        *previous = malloc(strlen(run) + 1);
        if (*previous) strcpy(*previous, run);
        credit_string_free(run);
        return ok;
    }
    return snprintf(why, n, "unknown operation %s", line), 0;
}

/* A case's book and its last alert run. */
struct vectors {
    credit_book *book;
    char *previous;
};

static int monitor_line(void *ctx, char *line, char *why, size_t n) {
    struct vectors *v = ctx;
    return run_line(&v->book, &v->previous, line, why, n);
}

static void monitor_end(void *ctx) {
    struct vectors *v = ctx;
    credit_book_free(v->book);
    free(v->previous);
    v->book = NULL;
    v->previous = NULL;
}

static void test_conformance(const char *path) {
    struct vectors v = {NULL, NULL};
    int cases, lines, checks;
    run_vectors(path, monitor_line, monitor_end, &v, &cases, &lines, &checks);
    CHECK(cases >= 5 && checks >= 60);
}

int main(int argc, char **argv) {
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
    /* The KPI names, from the core, in report order. */
    CHECK(credit_kpi_names(&json) == CREDIT_OK);
    CHECK(strncmp(json, "[\"dso\",\"countback_dso\",", strlen("[\"dso\",\"countback_dso\",")) == 0);
    CHECK(contains_and_free(json, "\"promises_kept\"]"));
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
    CHECK(credit_book_alerts(b, feb28, NULL, NULL, NULL, &run1) == CREDIT_OK);
    CHECK(strstr(run1, "\"raised\":[{\"code\":\"ITEM_OVERDUE\",\"customer\":\"C2\",\"subject\":\"B1\"") != NULL);
    /* Its figures are day counts, written as numbers: 120 days > 30. */
    CHECK(strstr(run1, "\"subject\":\"B1\",\"observed\":120,\"threshold\":30,") != NULL);
    CHECK(credit_book_alerts(b, mar1, run1, NULL, NULL, &run2) == CREDIT_OK);
    CHECK(contains_and_free(run2, "\"raised\":[]"));
    credit_string_free(run1);
    CHECK(credit_book_alerts(b, mar1, "{", NULL, NULL, &run2) == CREDIT_PARSE_ERROR);
    /* One figure: DSO as above; an unknown figure or group is refused. */
    char *v = NULL;
    CHECK(credit_book_kpi(b, feb1, feb28, CREDIT_GROUP_TOTAL, "EUR", "total", "dso", &v) == CREDIT_OK);
    CHECK(v && strcmp(v, "64.84") == 0);
    credit_string_free(v);
    CHECK(credit_book_kpi(b, feb1, feb28, CREDIT_GROUP_TOTAL, "EUR", "total", "dsx", &v) == CREDIT_INVALID_ARGUMENT);
    CHECK(strstr(credit_last_error(), "dsx") != NULL);
    CHECK(credit_book_kpi(b, feb1, feb28, CREDIT_GROUP_TOTAL, "EUR", "C9", "dso", &v) == CREDIT_INVALID_ARGUMENT);
    CHECK(credit_book_kpi(b, feb1, feb28, CREDIT_GROUP_TOTAL, "EUR", NULL, "dso", &v) == CREDIT_NULL_ARGUMENT);
    credit_book_free(b);
    test_conformance(argc > 1 ? argv[1] : "tests/conformance/monitor_cases.txt");
    printf("test_monitor: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
