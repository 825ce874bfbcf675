/*
 * C tests for the credit book: lifecycle, decisions and their accessors,
 * holds and releases, queries, NULL and error paths, many threads checking
 * orders on one handle, and the conformance scenarios in
 * tests/conformance/book_cases.txt.
 *
 *   ./test_book tests/conformance/book_cases.txt
 */
#include "credit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char *POLICY =
    "{\"schema_version\": 1, \"policy_id\": \"v1\", \"blocked_risk_classes\": [\"E\"], \"steps\": ["
    "{\"step\": \"customer_blocked\", \"action\": \"block\"},"
    "{\"step\": \"static_limit\", \"action\": \"block\"},"
    "{\"step\": \"oldest_overdue\", \"action\": \"warn\", \"days\": 30, \"materiality\": \"50\"}]}";

static credit_date ymd(int32_t y, int32_t m, int32_t d) {
    credit_date r = {y, m, d};
    return r;
}

static int contains_and_free(char *s, const char *needle) {
    int ok = s != NULL && strstr(s, needle) != NULL;
    if (!ok) fprintf(stderr, "  \"%s\" not in \"%s\"\n", needle, s ? s : "(null)");
    credit_string_free(s);
    return ok;
}

static credit_book *new_book(const char *limit) {
    credit_book *b = NULL;
    if (credit_book_new(POLICY, &b) != CREDIT_OK) return NULL;
    credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\"}", ymd(2026, 1, 1), NULL);
    char json[256];
    snprintf(json, sizeof json, "{\"customer\": \"C1\", \"limit\": {\"amount\": \"%s\", \"currency\": \"EUR\"}}", limit);
    credit_book_set_limit(b, json, ymd(2026, 1, 1), NULL);
    return b;
}

static credit_order order(const char *id, const char *amount, credit_date as_of) {
    credit_order o;
    memset(&o, 0, sizeof o);
    o.customer = "C1";
    o.order_id = id;
    o.amount = amount;
    o.currency = "EUR";
    o.as_of = as_of;
    o.checkpoint = CREDIT_CHECKPOINT_ORDER;
    return o;
}

static void test_lifecycle(void) {
    credit_book *b = new_book("1000.00");
    CHECK(b != NULL);
    bool dup = true;
    CHECK(credit_book_apply(b,
                            "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-01-01\", \"type\": \"invoiced\", "
                            "\"invoice_id\": \"I1\", \"amount\": \"700.00\", \"currency\": \"EUR\", \"terms\": \"Net 30\"}",
                            &dup) == CREDIT_OK &&
          !dup);
    CHECK(credit_book_apply(b,
                            "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-01-01\", \"type\": \"invoiced\", "
                            "\"invoice_id\": \"I1\", \"amount\": \"700.00\", \"currency\": \"EUR\", \"terms\": \"Net 30\"}",
                            &dup) == CREDIT_OK &&
          dup);
    /* Rejected events: unknown customer, bad JSON, wrong currency, a float amount. */
    CHECK(credit_book_apply(b, "{\"id\": \"x\", \"customer\": \"NOPE\", \"date\": \"2026-01-01\", \"type\": \"payment\", "
                               "\"amount\": \"1.00\", \"currency\": \"EUR\"}", NULL) == CREDIT_UNKNOWN_CUSTOMER);
    CHECK(credit_book_apply(b, "{\"id\": ", NULL) == CREDIT_PARSE_ERROR);
    CHECK(credit_book_apply(b, "{\"id\": \"x\", \"customer\": \"C1\", \"date\": \"2026-01-02\", \"type\": \"payment\", "
                               "\"amount\": 1.5, \"currency\": \"EUR\"}", NULL) == CREDIT_PARSE_ERROR);
    CHECK(credit_book_apply(b, "{\"id\": \"x\", \"customer\": \"C1\", \"date\": \"2026-01-02\", \"type\": \"payment\", "
                               "\"amount\": \"1.00\", \"currency\": \"EUR\", \"allocations\": [{\"invoice_id\": \"I1\", "
                               "\"amount\": \"2.00\"}]}", NULL) == CREDIT_VALIDATION_ERROR);
    CHECK(strstr(credit_last_error(), "allocations exceed") != NULL);

    /* 700 + 200 fits; 700 + 200 + 200 = 1100 does not. */
    credit_order o1 = order("O1", "200.00", ymd(2026, 1, 2));
    credit_decision *d = NULL;
    int32_t outcome = -1;
    size_t n = 99;
    CHECK(credit_book_check_order(b, &o1, &d) == CREDIT_OK);
    CHECK(credit_decision_outcome(d, &outcome) == CREDIT_OK && outcome == CREDIT_OUTCOME_APPROVED);
    CHECK(credit_decision_reason_count(d, &n) == CREDIT_OK && n == 0);
    credit_decision_free(d);

    credit_order o2 = order("O2", "200.00", ymd(2026, 1, 2));
    CHECK(credit_book_check_order(b, &o2, &d) == CREDIT_OK);
    CHECK(credit_decision_outcome(d, &outcome) == CREDIT_OK && outcome == CREDIT_OUTCOME_BLOCKED);
    CHECK(credit_decision_reason_count(d, &n) == CREDIT_OK && n == 1);
    char *code = NULL, *threshold = NULL, *observed = NULL, *message = NULL;
    int32_t action = -1;
    CHECK(credit_decision_reason(d, 0, &code, &action, &threshold, &observed, &message) == CREDIT_OK);
    CHECK(strcmp(code, "STATIC_LIMIT_EXCEEDED") == 0 && action == CREDIT_ACTION_BLOCK);
    CHECK(strcmp(threshold, "1000.00") == 0 && strcmp(observed, "1100.00") == 0);
    CHECK(strstr(message, "exceeds limit") != NULL);
    credit_string_free(code);
    credit_string_free(threshold);
    credit_string_free(observed);
    credit_string_free(message);
    CHECK(credit_decision_reason(d, 1, &code, &action, &threshold, &observed, &message) == CREDIT_INVALID_ARGUMENT);
    char *json = NULL;
    CHECK(credit_decision_to_json(d, &json) == CREDIT_OK && contains_and_free(json, "\"available\":\"100.00\""));
    credit_decision_free(d);

    CHECK(credit_book_query(b, CREDIT_QUERY_HOLDS, ymd(2026, 1, 2), &json) == CREDIT_OK && contains_and_free(json, "\"O2\""));
    CHECK(credit_book_query(b, 9, ymd(2026, 1, 2), &json) == CREDIT_INVALID_ARGUMENT);
    /* A higher limit makes O2 releasable (reported, not released). */
    char *releasable = NULL;
    CHECK(credit_book_set_limit(b, "{\"customer\": \"C1\", \"limit\": {\"amount\": \"1200.00\", \"currency\": \"EUR\"}}",
                                ymd(2026, 1, 3), &releasable) == CREDIT_OK);
    CHECK(contains_and_free(releasable, "\"order_id\":\"O2\""));
    CHECK(credit_book_release(b, "O2", "", "ok", ymd(2026, 1, 3), NULL) == CREDIT_RELEASE_INCOMPLETE);
    CHECK(credit_book_release(b, "O2", "j.doe", "director approval", ymd(2026, 1, 3), &json) == CREDIT_OK &&
          contains_and_free(json, "\"by\":\"j.doe\""));
    CHECK(credit_book_release(b, "O2", "j.doe", "again", ymd(2026, 1, 3), NULL) == CREDIT_NOT_ON_HOLD);
    CHECK(credit_book_query(b, CREDIT_QUERY_HOLDS, ymd(2026, 1, 3), &json) == CREDIT_OK && contains_and_free(json, "[]"));
    CHECK(credit_book_query(b, CREDIT_QUERY_DECISION_LOG, ymd(2026, 1, 3), &json) == CREDIT_OK &&
          contains_and_free(json, "\"policy_id\":\"v1\""));

    /* Exposure and open items, as of a date. */
    CHECK(credit_book_exposure(b, "C1", NULL, ymd(2026, 1, 3), &json) == CREDIT_OK &&
          contains_and_free(json, "\"total\":\"1100.00\""));
    CHECK(credit_book_open_items(b, "C1", NULL, ymd(2026, 1, 3), &json) == CREDIT_OK &&
          contains_and_free(json, "\"due_date\":\"2026-01-31\""));
    CHECK(credit_book_exposure(b, "NOPE", NULL, ymd(2026, 1, 3), &json) == CREDIT_UNKNOWN_CUSTOMER);

    /* Back-testing a looser policy flips O2. */
    CHECK(credit_book_backtest(b, "{\"schema_version\": 1, \"policy_id\": \"v2\", \"steps\": [{\"step\": \"static_limit\", "
                                  "\"action\": \"block\", \"tolerance_percent\": \"20\"}]}",
                               &json) == CREDIT_OK &&
          contains_and_free(json, "[1,\"O2\",\"blocked\",\"approved\"]"));
    CHECK(credit_book_backtest(b, "{\"schema_version\": 1, \"policy_id\": \"bad\", \"steps\": [{\"step\": \"oldest_overdue\", "
                                  "\"action\": \"block\", \"days\": 30, \"materiality\": \"-1\"}]}",
                               &json) == CREDIT_VALIDATION_ERROR);
    CHECK(strstr(credit_last_error(), "steps[0].materiality") != NULL);

    /* Snapshot and restore give the same book. */
    char *snap = NULL, *snap2 = NULL;
    credit_book *r = NULL;
    CHECK(credit_book_snapshot(b, &snap) == CREDIT_OK);
    CHECK(credit_book_restore(snap, &r) == CREDIT_OK);
    CHECK(credit_book_snapshot(r, &snap2) == CREDIT_OK && strcmp(snap, snap2) == 0);
    credit_string_free(snap);
    credit_string_free(snap2);
    credit_book_free(r);
    CHECK(credit_book_restore("{}", &r) == CREDIT_INVALID_SNAPSHOT);

    /* FX: a missing rate names the pair. */
    CHECK(credit_book_apply(b, "{\"id\": \"u1\", \"customer\": \"C1\", \"date\": \"2026-01-04\", \"type\": \"invoiced\", "
                               "\"invoice_id\": \"U1\", \"amount\": \"10.00\", \"currency\": \"USD\", \"due_date\": \"2026-02-01\"}",
                               NULL) == CREDIT_OK);
    CHECK(credit_book_exposure(b, "C1", NULL, ymd(2026, 1, 4), &json) == CREDIT_MISSING_RATE);
    CHECK(strstr(credit_last_error(), "USD to EUR") != NULL);
    CHECK(credit_book_set_fx_rate(b, "USD", "EUR", "0.9") == CREDIT_OK);
    CHECK(credit_book_set_fx_rate(b, "USD", "EUR", "-1") == CREDIT_VALIDATION_ERROR);
    CHECK(credit_book_exposure(b, "C1", NULL, ymd(2026, 1, 4), &json) == CREDIT_OK && contains_and_free(json, "\"receivables\":\"709.00\""));

    /* A simulation records nothing. */
    credit_order sim = order("SIM", "1.00", ymd(2026, 1, 4));
    CHECK(credit_book_simulate_check(b, &sim, &d) == CREDIT_OK);
    CHECK(credit_decision_outcome(d, &outcome) == CREDIT_OK);
    credit_decision_free(d);
    CHECK(credit_book_query(b, CREDIT_QUERY_DECISION_LOG, ymd(2026, 1, 4), &json) == CREDIT_OK);
    CHECK(strstr(json, "\"SIM\"") == NULL);
    credit_string_free(json);
    CHECK(credit_book_query(b, CREDIT_QUERY_RELEASES, ymd(2026, 1, 4), &json) == CREDIT_OK &&
          contains_and_free(json, "\"reason\":\"director approval\""));

    /* A stricter policy, then a looser one that reports the held order as releasable. */
    credit_order big = order("BIG", "5000.00", ymd(2026, 1, 4));
    CHECK(credit_book_check_order(b, &big, &d) == CREDIT_OK);
    credit_decision_free(d);
    CHECK(credit_book_set_policy(b, "{\"schema_version\": 1, \"policy_id\": \"v3\", \"steps\": [{\"step\": \"static_limit\", "
                                    "\"action\": \"warn\"}]}", ymd(2026, 1, 4), &releasable) == CREDIT_OK);
    CHECK(contains_and_free(releasable, "\"order_id\":\"BIG\""));
    CHECK(credit_book_set_policy(b, "{\"schema_version\": 1}", ymd(2026, 1, 4), NULL) == CREDIT_PARSE_ERROR);

    /* Withdrawing a checked order that will not be placed. */
    bool found = false;
    credit_order o9 = order("W1", "1.00", ymd(2026, 1, 4));
    CHECK(credit_book_check_order(b, &o9, &d) == CREDIT_OK);
    credit_decision_free(d);
    CHECK(credit_book_withdraw_order(b, "W1", &found) == CREDIT_OK && found);
    CHECK(credit_book_withdraw_order(b, "W1", &found) == CREDIT_OK && !found);
    CHECK(credit_book_withdraw_order(b, NULL, &found) == CREDIT_NULL_ARGUMENT);

    /* NULL arguments. */
    CHECK(credit_book_new(NULL, &r) == CREDIT_NULL_ARGUMENT);
    CHECK(credit_book_check_order(b, NULL, &d) == CREDIT_NULL_ARGUMENT);
    CHECK(credit_book_check_order(NULL, &o1, &d) == CREDIT_NULL_ARGUMENT);
    credit_order bad = order(NULL, "1.00", ymd(2026, 1, 2));
    CHECK(credit_book_check_order(b, &bad, &d) == CREDIT_NULL_ARGUMENT);
    bad = order("O9", "1.00", ymd(2026, 1, 2));
    bad.checkpoint = 7;
    CHECK(credit_book_check_order(b, &bad, &d) == CREDIT_INVALID_ARGUMENT);
    bad.checkpoint = CREDIT_CHECKPOINT_ORDER;
    bad.amount = "1.001";
    CHECK(credit_book_check_order(b, &bad, &d) == CREDIT_PRECISION);
    CHECK(credit_book_new("{\"schema_version\": 2, \"policy_id\": \"x\", \"steps\": []}", &r) == CREDIT_VALIDATION_ERROR);
    credit_book_free(NULL);
    credit_decision_free(NULL);
    credit_book_free(b);
}

/* ---- many threads, one handle ------------------------------------------ */

typedef struct {
    credit_book *book;
    int thread;
    int approved;
    int errors;
} worker_arg;

static void *worker(void *p) {
    worker_arg *a = (worker_arg *)p;
    for (int i = 0; i < 50; i++) {
        char id[32];
        snprintf(id, sizeof id, "T%d-%d", a->thread, i);
        credit_order o = order(id, "7.00", ymd(2026, 1, 1));
        credit_decision *d = NULL;
        int32_t outcome = -1;
        if (credit_book_check_order(a->book, &o, &d) != CREDIT_OK || credit_decision_outcome(d, &outcome) != CREDIT_OK) {
            a->errors++;
        } else if (outcome != CREDIT_OUTCOME_BLOCKED) {
            a->approved++;
        }
        credit_decision_free(d);
    }
    return NULL;
}

static void test_threads(void) {
    credit_book *b = new_book("1000.00");
    pthread_t th[8];
    worker_arg args[8];
    for (int t = 0; t < 8; t++) {
        args[t].book = b;
        args[t].thread = t;
        args[t].approved = 0;
        args[t].errors = 0;
        pthread_create(&th[t], NULL, worker, &args[t]);
    }
    int approved = 0, errors = 0;
    for (int t = 0; t < 8; t++) {
        pthread_join(th[t], NULL);
        approved += args[t].approved;
        errors += args[t].errors;
    }
    /* 400 checks of 7.00 against 1000.00: exactly floor(1000 / 7) = 142 fit. */
    CHECK(errors == 0);
    CHECK(approved == 142);
    credit_book_free(b);
}

/* Reports run side by side with each other while orders are checked: each
 * report sees a consistent book (the invoice in aging; exposure never above
 * the limit), and the checks still approve exactly what fits. */
typedef struct {
    credit_book *book;
    int reports;
    int errors;
} reader_arg;

static void *reader(void *p) {
    reader_arg *a = (reader_arg *)p;
    for (int i = 0; i < 200; i++) {
        char *json = NULL;
        if (credit_book_aging(a->book, ymd(2026, 1, 1), 0, "EUR", &json) != CREDIT_OK ||
            strstr(json, "\"total\":\"700.00\"") == NULL) {
            a->errors++;
        }
        credit_string_free(json);
        json = NULL;
        if (credit_book_exposure(a->book, "C1", "default", ymd(2026, 1, 1), &json) != CREDIT_OK) {
            a->errors++;
        } else {
            const char *t = strstr(json, "\"total\":\"");
            if (t == NULL || strtod(t + 9, NULL) > 1000.0) a->errors++;
        }
        credit_string_free(json);
        a->reports += 2;
    }
    return NULL;
}

static void test_concurrent_reads(void) {
    credit_book *b = new_book("1000.00");
    CHECK(credit_book_apply(b, "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-01-01\", \"type\": \"invoiced\", "
                               "\"invoice_id\": \"I1\", \"amount\": \"700.00\", \"currency\": \"EUR\", \"terms\": \"Net 30\"}",
                            NULL) == CREDIT_OK);
    pthread_t th[6];
    worker_arg w[2];
    reader_arg r[4];
    for (int t = 0; t < 2; t++) {
        w[t].book = b;
        w[t].thread = t;
        w[t].approved = 0;
        w[t].errors = 0;
        pthread_create(&th[t], NULL, worker, &w[t]);
    }
    for (int t = 0; t < 4; t++) {
        r[t].book = b;
        r[t].reports = 0;
        r[t].errors = 0;
        pthread_create(&th[2 + t], NULL, reader, &r[t]);
    }
    int approved = 0, errors = 0, reports = 0;
    for (int t = 0; t < 6; t++) pthread_join(th[t], NULL);
    for (int t = 0; t < 2; t++) {
        approved += w[t].approved;
        errors += w[t].errors;
    }
    for (int t = 0; t < 4; t++) {
        reports += r[t].reports;
        errors += r[t].errors;
    }
    /* 100 checks of 7.00 against the 300.00 left: floor(300 / 7) = 42 fit. */
    CHECK(errors == 0);
    CHECK(approved == 42);
    CHECK(reports == 1600);
    credit_book_free(b);
}

/* ---- conformance ------------------------------------------------------- */

static void norm(char *s) {
    if (!strchr(s, '.')) return;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '0') s[--n] = 0;
    if (n > 0 && s[n - 1] == '.') s[--n] = 0;
}

/* Copies the string value of "key" after position `from` in a JSON text. */
static int json_str(const char *json, const char *key, char *out, size_t size) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(json, pat);
    if (!p) return 0;
    p += strlen(pat);
    const char *e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= size) return 0;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = 0;
    return 1;
}

static credit_date parse_day(const char *s) {
    credit_date d = {0, 0, 0};
    credit_date_parse(s, &d);
    return d;
}

/* Sorted, comma-joined order ids found as "order_id":"X" in a JSON text. */
static void order_ids(const char *json, char *out, size_t size) {
    char ids[32][64];
    int n = 0;
    const char *p = json;
    while (n < 32 && (p = strstr(p, "\"order_id\":\"")) != NULL) {
        p += 12;
        const char *e = strchr(p, '"');
        if (!e) break;
        size_t len = (size_t)(e - p) < 63 ? (size_t)(e - p) : 63;
        memcpy(ids[n], p, len);
        ids[n][len] = 0;
        int seen = 0;
        for (int k = 0; k < n; k++) seen |= strcmp(ids[k], ids[n]) == 0;
        if (!seen) n++;
        p = e;
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(ids[j], ids[i]) < 0) {
                char t[64];
                strcpy(t, ids[i]);
                strcpy(ids[i], ids[j]);
                strcpy(ids[j], t);
            }
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        if (i) strncat(out, ",", size - strlen(out) - 1);
        strncat(out, ids[i], size - strlen(out) - 1);
    }
    if (n == 0) snprintf(out, size, "-");
}

static int run_line(credit_book **book, char *line, char *why, size_t why_size) {
    credit_date day0 = {2000, 1, 1};
    char *expect = strstr(line, " => ");
    if (expect) {
        *expect = 0;
        expect += 4;
    }
    char *args = strchr(line, ' ');
    if (args) *args++ = 0;
    const char *op = line;
    char got[512] = "";
    if (strcmp(op, "policy") == 0) {
        credit_book_free(*book);
        *book = NULL;
        if (credit_book_new(args, book) != CREDIT_OK) {
            snprintf(why, why_size, "policy: %s", credit_last_error());
            return 0;
        }
        return 1;
    }
    credit_book *b = *book;
    if (strcmp(op, "customer") == 0) return credit_book_upsert_customer(b, args, day0, NULL) == CREDIT_OK;
    if (strcmp(op, "limit") == 0) return credit_book_set_limit(b, args, day0, NULL) == CREDIT_OK;
    if (strcmp(op, "group_limit") == 0) return credit_book_set_group_limit(b, args, day0, NULL) == CREDIT_OK;
    if (strcmp(op, "fx") == 0) {
        char f[8], t[8], r[64];
        if (sscanf(args, "%7s %7s %63s", f, t, r) != 3) return 0;
        return credit_book_set_fx_rate(b, f, t, r) == CREDIT_OK;
    }
    if (strcmp(op, "apply") == 0) {
        bool dup = false;
        credit_status st = credit_book_apply(b, args, &dup);
        snprintf(got, sizeof got, "%s", st != CREDIT_OK ? "error" : dup ? "duplicate" : "applied");
    } else if (strcmp(op, "check") == 0) {
        char c[64], o[64], amt[64], cur[8], as_of[16], cp[16], rd[16];
        if (sscanf(args, "%63s %63s %63s %7s %15s %15s %15s", c, o, amt, cur, as_of, cp, rd) != 7) return 0;
        credit_order ord;
        memset(&ord, 0, sizeof ord);
        ord.customer = c;
        ord.order_id = o;
        ord.amount = amt;
        ord.currency = cur;
        ord.as_of = parse_day(as_of);
        credit_date rdd = parse_day(rd);
        ord.requested_delivery = strcmp(rd, "-") == 0 ? NULL : &rdd;
        ord.checkpoint = strcmp(cp, "order") == 0 ? CREDIT_CHECKPOINT_ORDER
                         : strcmp(cp, "delivery") == 0 ? CREDIT_CHECKPOINT_DELIVERY
                                                       : CREDIT_CHECKPOINT_INVOICE;
        credit_decision *d = NULL;
        if (credit_book_check_order(b, &ord, &d) != CREDIT_OK) {
            snprintf(why, why_size, "check: %s", credit_last_error());
            return 0;
        }
        char *json = NULL;
        credit_decision_to_json(d, &json);
        char outcome[64] = "", after[64] = "", codes[256] = "";
        json_str(json, "outcome", outcome, sizeof outcome);
        json_str(json, "exposure_after", after, sizeof after);
        norm(after);
        size_t n = 0;
        credit_decision_reason_count(d, &n);
        for (size_t i = 0; i < n; i++) {
            char *code = NULL, *th = NULL, *ob = NULL, *msg = NULL;
            int32_t act = 0;
            credit_decision_reason(d, i, &code, &act, &th, &ob, &msg);
            if (i) strncat(codes, ",", sizeof codes - strlen(codes) - 1);
            strncat(codes, code, sizeof codes - strlen(codes) - 1);
            credit_string_free(code);
            credit_string_free(th);
            credit_string_free(ob);
            credit_string_free(msg);
        }
        snprintf(got, sizeof got, "%s %s %s", outcome, n ? codes : "-", after);
        credit_string_free(json);
        credit_decision_free(d);
    } else if (strcmp(op, "release") == 0) {
        char o[64], by[64], as_of[16];
        int used = 0;
        if (sscanf(args, "%63s %63s %15s %n", o, by, as_of, &used) != 3) return 0;
        return credit_book_release(b, o, by, args + used, parse_day(as_of), NULL) == CREDIT_OK;
    } else if (strcmp(op, "exposure") == 0) {
        char c[64], as_of[16];
        if (sscanf(args, "%63s %15s", c, as_of) != 2) return 0;
        char *json = NULL;
        if (credit_book_exposure(b, c, NULL, parse_day(as_of), &json) != CREDIT_OK) {
            snprintf(got, sizeof got, "error");
        } else {
            char total[64] = "", recv[64] = "";
            json_str(json, "total", total, sizeof total);
            json_str(json, "receivables", recv, sizeof recv);
            norm(total);
            norm(recv);
            snprintf(got, sizeof got, "%s %s", total, recv);
            credit_string_free(json);
        }
    } else if (strcmp(op, "group_exposure") == 0) {
        char h[64], as_of[16];
        if (sscanf(args, "%63s %15s", h, as_of) != 2) return 0;
        char *json = NULL;
        if (credit_book_group_exposure(b, h, NULL, parse_day(as_of), &json) != CREDIT_OK) {
            snprintf(got, sizeof got, "error");
        } else {
            json_str(json, "total", got, sizeof got);
            norm(got);
            credit_string_free(json);
        }
    } else if (strcmp(op, "holds") == 0 || strcmp(op, "releasable") == 0) {
        char *json = NULL;
        int q = strcmp(op, "holds") == 0 ? CREDIT_QUERY_HOLDS : CREDIT_QUERY_RELEASABLE;
        credit_date as_of = q == CREDIT_QUERY_HOLDS ? day0 : parse_day(args);
        if (credit_book_query(b, q, as_of, &json) != CREDIT_OK) return 0;
        order_ids(json, got, sizeof got);
        credit_string_free(json);
    } else {
        snprintf(why, why_size, "unknown op %s", op);
        return 0;
    }
    if (!expect || strcmp(got, expect) != 0) {
        snprintf(why, why_size, "%s: got \"%s\", expected \"%s\"", op, got, expect ? expect : "");
        return 0;
    }
    return 1;
}

static int book_line(void *ctx, char *line, char *why, size_t n) {
    return run_line((credit_book **)ctx, line, why, n);
}

static void book_end(void *ctx) {
    credit_book **book = ctx;
    credit_book_free(*book);
    *book = NULL;
}

static void test_conformance(const char *path) {
    credit_book *book = NULL;
    int cases, lines, checks;
    run_vectors(path, book_line, book_end, &book, &cases, &lines, &checks);
    CHECK(cases >= 6 && lines >= 50);
}

/* Each failure a host must tell apart has its own status. */
static void test_distinct_failures(void) {
    credit_book *b = new_book("1000.00");
    CHECK(b != NULL);
    const char *inv = "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-01-01\", \"type\": \"invoiced\", "
                      "\"invoice_id\": \"I1\", \"amount\": \"700.00\", \"currency\": \"EUR\", \"terms\": \"Net 30\"}";
    CHECK(credit_book_apply(b, inv, NULL) == CREDIT_OK);
    /* The same event id with other content. */
    CHECK(credit_book_apply(b, "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-01-01\", \"type\": \"invoiced\", "
                               "\"invoice_id\": \"I1\", \"amount\": \"701.00\", \"currency\": \"EUR\", \"terms\": \"Net 30\"}",
                            NULL) == CREDIT_CONFLICTING_EVENT);
    /* The same invoice id under another event id. */
    CHECK(credit_book_apply(b, "{\"id\": \"i2\", \"customer\": \"C1\", \"date\": \"2026-01-01\", \"type\": \"invoiced\", "
                               "\"invoice_id\": \"I1\", \"amount\": \"5.00\", \"currency\": \"EUR\", \"terms\": \"Net 30\"}",
                            NULL) == CREDIT_DUPLICATE_ID);
    CHECK(strstr(credit_last_error(), "I1") != NULL);
    CHECK(credit_book_apply(b, "{\"id\": \"p1\", \"customer\": \"C1\", \"date\": \"2026-01-02\", \"type\": \"payment\", "
                               "\"amount\": \"1.00\", \"currency\": \"EUR\", \"allocations\": [{\"invoice_id\": \"I9\", "
                               "\"amount\": \"1.00\"}]}", NULL) == CREDIT_UNKNOWN_INVOICE);
    CHECK(credit_book_apply(b, "{\"id\": \"d1\", \"customer\": \"C1\", \"date\": \"2026-01-02\", \"type\": \"delivered\", "
                               "\"order_id\": \"O9\", \"amount\": \"1.00\", \"currency\": \"EUR\"}", NULL) == CREDIT_UNKNOWN_ORDER);
    CHECK(credit_book_apply(b, "{\"id\": \"r1\", \"customer\": \"C1\", \"date\": \"2026-01-02\", \"type\": \"reversal\", "
                               "\"event_id\": \"nope\"}", NULL) == CREDIT_REVERSAL_REFUSED);
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\", \"parent\": \"C1\"}",
                                      ymd(2026, 1, 2), NULL) == CREDIT_HIERARCHY_CYCLE);
    /* None of them changed the book: the invoice is the only open item. */
    char *json = NULL;
    CHECK(credit_book_exposure(b, "C1", "default", ymd(2026, 1, 3), &json) == CREDIT_OK &&
          contains_and_free(json, "\"receivables\":\"700.00\""));
    credit_book_free(b);
}

/* ---- a hold that cannot be re-checked is reported, not dropped --------- */

static void test_not_rechecked(void) {
    credit_book *b = NULL;
    CHECK(credit_book_new("{\"schema_version\": 1, \"policy_id\": \"g\", \"steps\": ["
                          "{\"step\": \"static_limit\", \"action\": \"block\"},"
                          "{\"step\": \"group_limit\", \"action\": \"block\"}]}", &b) == CREDIT_OK);
    credit_date d0 = ymd(2026, 1, 1);
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\"}", d0, NULL) == CREDIT_OK);
    CHECK(credit_book_set_limit(b, "{\"customer\": \"C1\", \"limit\": {\"amount\": \"1000.00\", \"currency\": \"EUR\"}}", d0,
                                NULL) == CREDIT_OK);
    credit_order o1 = order("O1", "1500.00", d0);
    credit_decision *d = NULL;
    CHECK(credit_book_check_order(b, &o1, &d) == CREDIT_OK);
    credit_decision_free(d);
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"H\", \"name\": \"Holding\", \"currency\": \"USD\"}", d0, NULL) == CREDIT_OK);
    CHECK(credit_book_set_group_limit(b, "{\"customer\": \"H\", \"limit\": {\"amount\": \"10000.00\", \"currency\": \"USD\"}}",
                                      d0, NULL) == CREDIT_OK);
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\", \"parent\": \"H\"}", d0,
                                      NULL) == CREDIT_OK);
    /* O1 passes its raised limit, but the group check needs EUR->USD. */
    char *json = NULL;
    CHECK(credit_book_set_limit(b, "{\"customer\": \"C1\", \"limit\": {\"amount\": \"2000.00\", \"currency\": \"EUR\"}}", d0,
                                &json) == CREDIT_OK);
    CHECK(json != NULL && strcmp(json, "{\"releasable\":[],\"not_rechecked\":[{\"order_id\":\"O1\",\"error\":\"missing_rate\","
                                       "\"message\":\"no FX rate from EUR to USD\"}]}") == 0);
    credit_string_free(json);
    CHECK(credit_book_query(b, CREDIT_QUERY_HOLDS, d0, &json) == CREDIT_OK && contains_and_free(json, "\"order_id\":\"O1\""));
    /* With the rate the same hold is re-checked: 1500 x 1.10 = 1650 USD <= 10000. */
    CHECK(credit_book_set_fx_rate(b, "EUR", "USD", "1.10") == CREDIT_OK);
    CHECK(credit_book_query(b, CREDIT_QUERY_RELEASABLE, d0, &json) == CREDIT_OK);
    CHECK(json != NULL && strstr(json, "\"not_rechecked\":[]") != NULL && strstr(json, "\"releasable\":[{") != NULL &&
          strstr(json, "\"order_id\":\"O1\"") != NULL);
    credit_string_free(json);
    credit_book_free(b);
}

/* ---- a back-test measures again when the policy measures differently -- */

static void test_backtest_remeasures(void) {
    const char *v1 = "{\"schema_version\": 1, \"policy_id\": \"v1\", \"steps\": [{\"step\": \"static_limit\", \"action\": \"block\"},"
                     "{\"step\": \"oldest_overdue\", \"action\": \"block\", \"days\": 30, \"materiality\": \"500\"}]}";
    const char *v2 = "{\"schema_version\": 1, \"policy_id\": \"v2\", \"steps\": [{\"step\": \"static_limit\", \"action\": \"block\"},"
                     "{\"step\": \"oldest_overdue\", \"action\": \"block\", \"days\": 30, \"materiality\": \"50\"}]}";
    credit_book *b = NULL;
    CHECK(credit_book_new(v1, &b) == CREDIT_OK);
    credit_date d0 = ymd(2026, 1, 1);
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\"}", d0, NULL) == CREDIT_OK);
    CHECK(credit_book_set_limit(b, "{\"customer\": \"C1\", \"limit\": {\"amount\": \"10000.00\", \"currency\": \"EUR\"}}", d0,
                                NULL) == CREDIT_OK);
    CHECK(credit_book_apply(b, "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-01-01\", \"type\": \"invoiced\", "
                               "\"invoice_id\": \"I1\", \"amount\": \"100.00\", \"currency\": \"EUR\", \"due_date\": \"2026-02-01\"}",
                            NULL) == CREDIT_OK);
    credit_order o1 = order("O1", "50.00", ymd(2026, 3, 11));
    credit_decision *d = NULL;
    int32_t outcome = -1;
    CHECK(credit_book_check_order(b, &o1, &d) == CREDIT_OK && credit_decision_outcome(d, &outcome) == CREDIT_OK &&
          outcome == CREDIT_OUTCOME_APPROVED);
    credit_decision_free(d);
    /* Paid after the check: as of 03-11 the item was still 38 days overdue. */
    CHECK(credit_book_apply(b, "{\"id\": \"p1\", \"customer\": \"C1\", \"date\": \"2026-03-20\", \"type\": \"payment\", "
                               "\"amount\": \"100.00\", \"currency\": \"EUR\", \"allocations\": [{\"invoice_id\": \"I1\", "
                               "\"amount\": \"100.00\"}]}",
                            NULL) == CREDIT_OK);
    char *json = NULL;
    CHECK(credit_book_backtest(b, v2, &json) == CREDIT_OK);
    CHECK(json != NULL && strcmp(json, "{\"policy_id\":\"v2\",\"total\":1,\"changed\":[[0,\"O1\",\"approved\",\"blocked\"]],"
                                       "\"remeasured\":1,\"not_remeasured\":[]}") == 0);
    credit_string_free(json);
    /* The log of one order, the event count (a duplicate is not counted),
     * the policy in force. */
    CHECK(credit_book_decisions_for(b, "O1", &json) == CREDIT_OK && strncmp(json, "[{\"seq\":0,", 10) == 0 &&
          strstr(json, "\"materiality\":\"500\"") != NULL);
    credit_string_free(json);
    CHECK(credit_book_decisions_for(b, "NONE", &json) == CREDIT_OK && strcmp(json, "[]") == 0);
    credit_string_free(json);
    size_t events = 0;
    CHECK(credit_book_apply(b, "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-01-01\", \"type\": \"invoiced\", "
                               "\"invoice_id\": \"I1\", \"amount\": \"100.00\", \"currency\": \"EUR\", \"due_date\": \"2026-02-01\"}",
                            NULL) == CREDIT_OK);
    CHECK(credit_book_event_count(b, &events) == CREDIT_OK && events == 2);
    CHECK(credit_book_query(b, CREDIT_QUERY_POLICY, d0, &json) == CREDIT_OK && strstr(json, "\"policy_id\":\"v1\"") != NULL);
    credit_string_free(json);
    CHECK(credit_book_query(b, 5, d0, &json) == CREDIT_INVALID_ARGUMENT);
    CHECK(credit_feature_names(&json) == CREDIT_OK && strstr(json, "[\"avg_days_to_pay_3m\",") == json);
    credit_string_free(json);
    credit_book_free(b);
}

int main(int argc, char **argv) {
    test_lifecycle();
    test_backtest_remeasures();
    test_not_rechecked();
    test_distinct_failures();
    test_threads();
    test_concurrent_reads();
    test_conformance(argc > 1 ? argv[1] : "tests/conformance/book_cases.txt");
    printf("c book: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
