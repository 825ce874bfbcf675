//! The alert rules: which conditions of an account or a customer raise a
//! creditworthiness alert as of a date, by the policy's thresholds, and
//! the run over a book that gathers each account's facts
//! ([`AccountFacts`]) for them.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Alert, AlertCode, AlertPolicy, AlertRun, Figure, MonitorError};
use crate::customer::{CustomerId, InvoiceId, OrderId};
use crate::exposure::BookView;
use crate::ledger::{AccountState, EventKind};
use crate::money::{round_dp, RoundingMode};
use crate::plans::{PaymentPlan, PlanStatusKind};
use crate::risk::{ReviewEventKind, ReviewRun};

/// What the alert rules read about one account as of a date.
#[derive(Debug, Clone)]
pub struct AccountFacts<'a> {
    /// The customer.
    pub customer: &'a CustomerId,
    /// The credit segment.
    pub segment: &'a str,
    /// `Some(valid_to)` when the account's limit has expired by the date.
    pub limit_expired: Option<Option<NaiveDate>>,
    /// Exposure and limit in the credit currency, when the limit is
    /// positive (utilisation is undefined otherwise).
    pub utilisation: Option<(Decimal, Decimal)>,
    /// The account as it stood on the date.
    pub state: &'a AccountState,
    /// Trend of days beyond terms (features), if known.
    pub dbt_trend: Option<f64>,
    /// Average monthly credit sales over 12 months, credit currency.
    pub avg_monthly_sales: Decimal,
    /// Orders placed in the seven days up to the date, valued in the
    /// credit currency.
    pub recent_orders: Vec<(&'a OrderId, Decimal)>,
    /// Overdue invoices whose overdue lines open credits cover in full
    /// (oldest lines first, when the policy's `credits.in_check` says
    /// credits cover, as in the check): no `ITEM_OVERDUE` for them.
    pub covered: Vec<&'a InvoiceId>,
}

/// The overdue invoices of `state` on `as_of` whose overdue lines open
/// credits cover in full, the oldest lines first (see
/// [`AccountFacts::covered`]).
///
/// # Errors
/// A missing FX rate; overflow.
pub fn covered_overdue<'a>(
    state: &'a AccountState,
    as_of: NaiveDate,
    fx: crate::exposure::Fx<'_>,
) -> Result<Vec<&'a InvoiceId>, crate::ledger::LedgerError> {
    // The check's walk: credits cover the oldest overdue lines first. An
    // invoice is covered when nothing of an overdue line of it is left
    // (a disputed amount is never covered by credits).
    let (mut covered, mut short) = (Vec::new(), Vec::new());
    for l in crate::exposure::overdue_lines(state, as_of, fx, true)? {
        let id = &state.items[l.item].invoice_id;
        if l.by_credits.is_zero() || !l.uncovered().is_zero() || !l.disputed.is_zero() {
            short.push(id);
        } else if !covered.contains(&id) {
            covered.push(id);
        }
    }
    covered.retain(|id| !short.contains(id));
    Ok(covered)
}

fn alert(
    as_of: NaiveDate,
    code: AlertCode,
    customer: &CustomerId,
    subject: String,
    observed: Figure,
    threshold: Figure,
) -> Alert {
    Alert {
        code,
        customer: customer.clone(),
        subject,
        observed,
        threshold,
        raised_on: as_of,
    }
}

/// `part / whole` in percent, multiplied before it is divided (to the
/// decimal's 28 digits), unrounded.
fn share(part: Decimal, whole: Decimal, what: &'static str) -> Result<Decimal, MonitorError> {
    part.checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|x| x.checked_div(whole))
        .ok_or(MonitorError::Overflow(what))
}

/// [`share`] rounded once to two decimals (half-even) and shown with two
/// (`35.00`), as alerts show it.
fn percent(part: Decimal, whole: Decimal, what: &'static str) -> Result<Decimal, MonitorError> {
    Ok(two_places(share(part, whole, what)?))
}

/// A score or day count held as a float (features, scores) as a decimal
/// with two places: the float's shortest text, rounded once half-even (a
/// non-finite value is zero: it cannot pass a threshold test anyway).
fn two_places_f64(v: f64) -> Decimal {
    let d = if v.is_finite() {
        // `{}` of an f64 is its shortest round-trip text, never exponent form.
        crate::serde_decimal::parse_strict(&format!("{v}")).unwrap_or(Decimal::ZERO)
    } else {
        Decimal::ZERO
    };
    two_places(d)
}

fn two_places(v: Decimal) -> Decimal {
    let mut r = round_dp(v, 2, RoundingMode::HalfEven);
    r.rescale(2);
    r
}

/// The alerts of one account: limit expired, utilisation above the
/// threshold, items overdue beyond the days, promises broken within the
/// window, DBT worsening, large orders against monthly sales.
///
/// # Errors
/// [`MonitorError::Overflow`] for a percentage beyond the decimal range.
pub fn account_alerts(
    pol: &AlertPolicy,
    as_of: NaiveDate,
    f: &AccountFacts<'_>,
    out: &mut Vec<Alert>,
) -> Result<(), MonitorError> {
    let id = f.customer;
    if let (true, Some(valid_to)) = (pol.expired, f.limit_expired) {
        out.push(alert(
            as_of,
            AlertCode::LimitExpired,
            id,
            f.segment.into(),
            valid_to.map_or(Figure::None, Figure::Date),
            Figure::Date(as_of),
        ));
    }
    if let (Some(t), Some((exposure, limit))) = (pol.utilisation_above, f.utilisation) {
        let pct = percent(exposure, limit, "utilisation")?;
        if pct > t {
            out.push(alert(
                as_of,
                AlertCode::UtilisationHigh,
                id,
                f.segment.into(),
                Figure::Decimal(pct),
                Figure::Decimal(t),
            ));
        }
    }
    if let Some(n) = pol.overdue_days_above {
        for it in f.state.items.iter().filter(|i| !i.open.is_zero()) {
            if f.covered.contains(&&it.invoice_id) {
                continue;
            }
            // The oldest open due line (an installment past due counts).
            let Some(due) = it.due_lines().iter().find(|l| !l.1.is_zero()).map(|l| l.0) else {
                continue;
            };
            let days = (as_of - due).num_days();
            if days > n {
                out.push(alert(
                    as_of,
                    AlertCode::ItemOverdue,
                    id,
                    it.invoice_id.0.clone(),
                    Figure::Count(days),
                    Figure::Count(n),
                ));
            }
        }
    }
    if let Some(n) = pol.broken_promise_days {
        for p in &f.state.promises {
            let age = (as_of - p.promised_date).num_days();
            if age > 0 && age <= n && p.paid < p.amount {
                out.push(alert(
                    as_of,
                    AlertCode::PromiseBroken,
                    id,
                    p.promised_date.to_string(),
                    Figure::Decimal(p.paid),
                    Figure::Decimal(p.amount),
                ));
            }
        }
    }
    if let (Some(t), Some(trend)) = (pol.dbt_worsening_days, f.dbt_trend) {
        let t64: f64 = t.to_string().parse().unwrap_or(f64::INFINITY);
        if trend > t64 {
            out.push(alert(
                as_of,
                AlertCode::DbtWorsening,
                id,
                f.segment.into(),
                Figure::Decimal(two_places_f64(trend)),
                Figure::Decimal(t),
            ));
        }
    }
    if let Some(pct) = pol.large_order_percent_of_monthly_sales {
        if f.avg_monthly_sales > Decimal::ZERO {
            for (order, value) in &f.recent_orders {
                // Compared unrounded: an order just above the threshold
                // raises the alert even when it shows as the threshold.
                let s = share(*value, f.avg_monthly_sales, "order share of sales")?;
                if s > pct {
                    out.push(alert(
                        as_of,
                        AlertCode::LargeOrder,
                        id,
                        order.0.clone(),
                        Figure::Decimal(two_places(s)),
                        Figure::Decimal(pct),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The alerts of one customer beyond its accounts: review expired, score
/// drop and class downgrade in the latest review run, broken payment
/// plans (`plans` pairs each plan with its customer).
///
/// # Errors
/// [`MonitorError::Plan`] if a plan's status cannot be computed.
pub fn customer_alerts(
    pol: &AlertPolicy,
    as_of: NaiveDate,
    customer: &CustomerId,
    next_review: Option<NaiveDate>,
    reviews: Option<&ReviewRun>,
    plans: &[(CustomerId, PaymentPlan)],
    out: &mut Vec<Alert>,
) -> Result<(), MonitorError> {
    let id = customer;
    if let Some(r) = next_review.filter(|r| pol.expired && *r < as_of) {
        out.push(alert(
            as_of,
            AlertCode::ReviewExpired,
            id,
            String::new(),
            Figure::Date(r),
            Figure::Date(as_of),
        ));
    }
    if let Some(run) = reviews {
        if let Some(r) = run.result(id) {
            if let (Some(n), Some(prev), Some(score)) =
                (pol.score_drop_points, r.previous_score, r.score)
            {
                if prev - score > f64::from(n) {
                    out.push(alert(
                        as_of,
                        AlertCode::ScoreDrop,
                        id,
                        r.reviewed_on.to_string(),
                        Figure::Decimal(two_places_f64(prev - score)),
                        Figure::Count(i64::from(n)),
                    ));
                }
            }
        }
        if pol.class_downgrade {
            for e in run.events.iter().filter(|e| &e.customer == id) {
                if let ReviewEventKind::ClassDowngraded { from, to } = &e.kind {
                    out.push(alert(
                        as_of,
                        AlertCode::ClassDowngrade,
                        id,
                        run.as_of.to_string(),
                        Figure::Text(to.to_string()),
                        Figure::Text(from.to_string()),
                    ));
                }
            }
        }
    }
    if pol.broken_plan {
        for (k, (cust, p)) in plans.iter().enumerate() {
            if cust == id && p.status(as_of)?.status == PlanStatusKind::Broken {
                let subject = p
                    .terms
                    .invoices
                    .first()
                    .map_or_else(|| format!("plan {k}"), |i| i.0.clone());
                out.push(alert(
                    as_of,
                    AlertCode::PlanBroken,
                    id,
                    subject,
                    Figure::Text("broken".into()),
                    Figure::Text(format!("{:?}", p.terms.broken)),
                ));
            }
        }
    }
    Ok(())
}

/// Creditworthiness alerts of a book as of a date by the policy's
/// thresholds, compared with `previous` (the last run's `active` list): a
/// condition is raised once when it starts and cleared when it ends.
/// `reviews` is the latest review run (for score drops and downgrades);
/// `plans` pairs each payment plan with its customer. Deterministic:
/// alerts sorted by code, customer and subject.
///
/// # Errors
/// Missing FX rates; overflow.
pub(crate) fn run<B: BookView<Error: From<MonitorError>>>(
    book: &B,
    pol: &AlertPolicy,
    as_of: NaiveDate,
    previous: &[Alert],
    reviews: Option<&ReviewRun>,
    plans: &[(CustomerId, PaymentPlan)],
) -> Result<AlertRun, B::Error> {
    let mut now = Vec::new();
    // The seven days up to `as_of` (from the first date there is).
    let week = as_of
        .checked_sub_days(chrono::Days::new(7))
        .unwrap_or(NaiveDate::MIN);
    for ci in 0..book.customer_count() {
        let customer = book.customer(ci, as_of);
        let id = &customer.id;
        for &a in book.accounts_of(ci) {
            let seg = book.segment(a);
            let utilisation = match pol.utilisation_above {
                Some(_) => {
                    let x = book.exposure(a, as_of)?;
                    x.limit.filter(|l| *l > Decimal::ZERO).map(|l| (x.total, l))
                }
                None => None,
            };
            let state = book.state_at(a, as_of)?;
            let mut facts = AccountFacts {
                customer: id,
                segment: seg,
                limit_expired: book
                    .limit(a, as_of)
                    .filter(|l| l.expired(as_of))
                    .map(|l| l.valid_to),
                utilisation,
                state: &state,
                dbt_trend: None,
                avg_monthly_sales: Decimal::ZERO,
                recent_orders: Vec::new(),
                covered: if book.credit_cover().in_check && pol.overdue_days_above.is_some() {
                    covered_overdue(&state, as_of, book.fx(as_of))?
                } else {
                    Vec::new()
                },
            };
            if pol.dbt_worsening_days.is_some()
                || pol.large_order_percent_of_monthly_sales.is_some()
            {
                let f = crate::features::of_account(book, ci, seg, as_of)?;
                facts.dbt_trend = f.dbt_trend;
                facts.avg_monthly_sales = f.avg_monthly_sales_12m;
                if pol.large_order_percent_of_monthly_sales.is_some() {
                    for (e, reversed) in book.events(a) {
                        if e.date <= week || e.date > as_of || reversed {
                            continue;
                        }
                        if let EventKind::OrderPlaced {
                            order_id,
                            amount,
                            currency,
                            ..
                        } = &e.kind
                        {
                            let v = book.fx(as_of).convert(*amount, *currency, f.currency)?;
                            facts.recent_orders.push((order_id, v));
                        }
                    }
                }
            }
            account_alerts(pol, as_of, &facts, &mut now)?;
            // Plans agreed in the ledger, as a host's plans (subject: the
            // plan's id).
            if pol.broken_plan {
                for p in &state.plans {
                    if p.agreed_on <= as_of
                        && p.report(as_of)?.status.status == PlanStatusKind::Broken
                    {
                        now.push(alert(
                            as_of,
                            AlertCode::PlanBroken,
                            id,
                            p.plan_id.clone(),
                            Figure::Text("broken".into()),
                            Figure::Text(format!("{:?}", p.plan.terms.broken)),
                        ));
                    }
                }
            }
        }
        customer_alerts(
            pol,
            as_of,
            id,
            customer.next_review,
            reviews,
            plans,
            &mut now,
        )?;
    }
    Ok(AlertRun::diff(as_of, now, previous))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_multiply_before_dividing_and_round_once() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // 1 / 8 = 12.5 % exactly; 2 / 3 = 66.666… → 66.67; half-even at
        // an exact half cent: 0.00125 of 1 = 0.125 % → 0.12.
        assert_eq!(percent(d("1"), d("8"), "x").unwrap().to_string(), "12.50");
        assert_eq!(percent(d("7"), d("20"), "x").unwrap().to_string(), "35.00");
        assert_eq!(percent(d("2"), d("3"), "x").unwrap(), d("66.67"));
        assert_eq!(percent(d("0.00125"), d("1"), "x").unwrap(), d("0.12"));
        // Beyond the decimal range: an error, never a panic.
        assert_eq!(
            percent(Decimal::MAX, d("0.0001"), "utilisation"),
            Err(MonitorError::Overflow("utilisation"))
        );
    }
}
