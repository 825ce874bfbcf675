/*
 * The ERP-shaped fixture (scripts/gen_erp_fixture.py: 500 customers, about
 * 20,000 documents over 18 months, EUR and USD accounts) from C, as the Rust
 * and Python tests run it:
 *   ./test_erp_fixture tests/fixtures/erp
 * Every document applies; at each month end, per currency (no conversion),
 * aging total = sum of exposure receivables + disputed = sum of open items -
 * open credits over the currency's customers; each month's credit sales
 * (net: invoices - credit notes, CRF) equal what is summed here from the
 * documents alone.
 */
#include "credit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define MAX_CUSTOMERS 1000
#define MONTHS 18

static char ids[MAX_CUSTOMERS][16];
static int is_usd[MAX_CUSTOMERS];
static int n_customers = 0;

/* Cents of the decimal text at `p` ("-12.34", two places at most). */
static int64_t cents_at(const char *p) {
    int neg = *p == '-';
    if (neg) p++;
    int64_t whole = 0, frac = 0;
    int places = 0;
    while (*p >= '0' && *p <= '9') whole = whole * 10 + (*p++ - '0');
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9' && places < 2) {
            frac = frac * 10 + (*p++ - '0');
            places++;
        }
    }
    while (places++ < 2) frac *= 10;
    int64_t v = whole * 100 + frac;
    return neg ? -v : v;
}

/* The cents of the string value of `"key":"..."` at or after `from` (0 if absent). */
static int64_t field(const char *from, const char *end, const char *key) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(from, pat);
    if (!p || (end && p >= end)) return 0;
    return cents_at(p + strlen(pat));
}

/* The sum of every `"key":"..."` value in `json`. */
static int64_t sum_field(const char *json, const char *key) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    int64_t t = 0;
    for (const char *p = strstr(json, pat); p; p = strstr(p + 1, pat)) t += cents_at(p + strlen(pat));
    return t;
}

/* Copies the string value of `"key":"..."` in `line` into `out`. */
static int str_field(const char *line, const char *key, char *out, size_t n) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(line, pat);
    if (!p) return 0;
    p += strlen(pat);
    const char *e = strchr(p, '"');
    size_t len = e ? (size_t)(e - p) : 0;
    if (len >= n) len = n - 1;
    memcpy(out, p, len);
    out[len] = 0;
    return 1;
}

static credit_date month_end(int k) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    credit_date d = {2025 + k / 12, k % 12 + 1, days[k % 12]};
    return d;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "tests/fixtures/erp";
    char path[512], line[8192];
    credit_book *b = NULL;
    CHECK(credit_book_new("{\"schema_version\": 1, \"policy_id\": \"erp\", \"steps\": [], \"ledger\": "
                          "{\"auto_clearing\": [\"by_reference\", \"oldest_due\"]}}", &b) == CREDIT_OK);
    if (!b) return 1;
    credit_date start = {2025, 1, 1};
    snprintf(path, sizeof path, "%s/customers.json", dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) return 1;
    while (fgets(line, sizeof line, f) && n_customers < MAX_CUSTOMERS) {
        char id[16], cur[8], json[256];
        if (!str_field(line, "id", id, sizeof id) || !str_field(line, "currency", cur, sizeof cur)) continue;
        snprintf(json, sizeof json, "{\"id\":\"%s\",\"name\":\"%s\",\"currency\":\"%s\"}", id, id, cur);
        CHECK(credit_book_upsert_customer(b, json, start, NULL) == CREDIT_OK);
        snprintf(ids[n_customers], sizeof ids[0], "%s", id);
        is_usd[n_customers++] = strcmp(cur, "USD") == 0;
    }
    fclose(f);
    CHECK(n_customers == 500);
    CHECK(credit_book_set_fx_rate(b, "USD", "EUR", "0.92") == CREDIT_OK);
    CHECK(credit_book_set_fx_rate(b, "EUR", "USD", "1.087") == CREDIT_OK);
    /* Net credit sales per (currency, month) from the documents alone
     * (invoices and credit notes are never reversed in the fixture:
     * only payments are). */
    int64_t sales[2][MONTHS] = {{0}};
    snprintf(path, sizeof path, "%s/events.jsonl", dir);
    f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) return 1;
    size_t n_events = 0, refused = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0]) continue;
        n_events++;
        if (credit_book_apply(b, line, NULL) != CREDIT_OK) {
            if (refused++ < 3) fprintf(stderr, "refused %s: %s\n", line, credit_last_error());
            continue;
        }
        char type[32], cur[8], day[16];
        str_field(line, "type", type, sizeof type);
        int sign = strcmp(type, "invoiced") == 0 ? 1 : strcmp(type, "credit_note") == 0 ? -1 : 0;
        if (!sign || !str_field(line, "currency", cur, sizeof cur) || !str_field(line, "date", day, sizeof day)) continue;
        int y = 0, m = 0;
        if (sscanf(day, "%d-%d", &y, &m) != 2) continue;
        int k = (y - 2025) * 12 + m - 1;
        if (k >= 0 && k < MONTHS) sales[strcmp(cur, "USD") == 0][k] += sign * field(line, NULL, "amount");
    }
    fclose(f);
    CHECK(refused == 0);
    CHECK(n_events > 20000);
    size_t count = 0;
    CHECK(credit_book_event_count(b, &count) == CREDIT_OK && count == n_events);
    credit_date ends[MONTHS];
    for (int k = 0; k < MONTHS; k++) ends[k] = month_end(k);
    static const char *CUR[2] = {"EUR", "USD"};
    int months_checked = 0;
    for (int k = 0; k < MONTHS; k++) {
        char *aging = NULL;
        CHECK(credit_book_aging(b, ends[k], CREDIT_GROUP_CURRENCY, NULL, &aging) == CREDIT_OK);
        int64_t exposure[2] = {0, 0}, items[2] = {0, 0};
        for (int i = 0; i < n_customers; i++) {
            char *x = NULL, *it = NULL, *cr = NULL;
            CHECK(credit_book_exposure(b, ids[i], NULL, ends[k], &x) == CREDIT_OK);
            CHECK(credit_book_open_items(b, ids[i], NULL, ends[k], &it) == CREDIT_OK);
            CHECK(credit_book_open_credits(b, ids[i], NULL, ends[k], &cr) == CREDIT_OK);
            if (x && it && cr) {
                exposure[is_usd[i]] += field(x, NULL, "receivables") + field(x, NULL, "disputed");
                items[is_usd[i]] += sum_field(it, "open") - sum_field(cr, "open");
            }
            credit_string_free(x);
            credit_string_free(it);
            credit_string_free(cr);
        }
        for (int c = 0; c < 2; c++) {
            char key[32];
            snprintf(key, sizeof key, "\"key\":\"%s\"", CUR[c]);
            const char *row = aging ? strstr(aging, key) : NULL;
            int64_t total = row ? field(row, NULL, "total") : 0;
            if (total != exposure[c] || total != items[c])
                fprintf(stderr, "%s on month %d: aging %lld, exposure %lld, open items %lld\n", CUR[c], k,
                        (long long)total, (long long)exposure[c], (long long)items[c]);
            CHECK(total == exposure[c] && total == items[c]);
            /* The month's KPIs per customer in this currency: the
             * currency's own customers need no conversion. */
            credit_date from = {ends[k].year, ends[k].month, 1};
            char *kp = NULL;
            CHECK(credit_book_kpis(b, from, ends[k], CREDIT_GROUP_CUSTOMER, CUR[c], &kp) == CREDIT_OK);
            int64_t got = 0, ar = 0;
            for (int i = 0; kp && i < n_customers; i++) {
                if (is_usd[i] != c) continue;
                snprintf(key, sizeof key, "\"%s\":{", ids[i]);
                const char *grp = strstr(kp, key);
                if (!grp) continue;
                got += field(grp, NULL, "credit_sales");
                ar += field(grp, NULL, "receivables");
            }
            if (got != sales[c][k])
                fprintf(stderr, "%s sales month %d: %lld, documents %lld\n", CUR[c], k, (long long)got,
                        (long long)sales[c][k]);
            CHECK(got == sales[c][k]);
            CHECK(ar == total);
            credit_string_free(kp);
            months_checked++;
        }
        credit_string_free(aging);
    }
    CHECK(months_checked == 2 * MONTHS);
    credit_book_free(b);
    printf("test_erp_fixture: %d passed, %d failed (%zu events)\n", passed, failed, n_events);
    return failed ? 1 : 0;
}
