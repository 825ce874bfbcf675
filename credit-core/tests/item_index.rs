//! The account's open items are found by invoice id through an index
//! (issue 15): it must answer as a scan would after items shift (an invoice
//! due earlier than others is inserted before them), for clearing by
//! reference, and for a state that was deserialized (no index) until its
//! next event rebuilds it.

use credit_core::ledger::{AccountState, ApplyRules, Event, LedgerError};
use credit_core::money::Currency;
use rust_decimal::Decimal;

fn ev(json: &str) -> Event {
    serde_json::from_str(json).unwrap()
}

fn invoice(n: u32, due_day: u32) -> Event {
    ev(&format!(
        r#"{{"id": "i{n}", "customer": "C", "date": "2026-01-01", "type": "invoiced",
            "invoice_id": "INV-{n}", "amount": "{n}00.00", "currency": "EUR",
            "due_date": "2026-03-{due_day:02}"}}"#
    ))
}

fn pay(n: u32, invoice: u32, cents: u32) -> Event {
    ev(&format!(
        r#"{{"id": "p{n}", "customer": "C", "date": "2026-01-02", "type": "payment",
            "amount": "{}.{:02}", "currency": "EUR",
            "allocations": [{{"invoice_id": "INV-{invoice}", "amount": "{}.{:02}"}}]}}"#,
        cents / 100,
        cents % 100,
        cents / 100,
        cents % 100
    ))
}

fn open_of(st: &AccountState, invoice: u32) -> Decimal {
    let id = format!("INV-{invoice}");
    st.items
        .iter()
        .find(|it| it.invoice_id.as_str() == id)
        .unwrap()
        .open
}

#[test]
fn items_inserted_out_of_due_order_are_found_by_id_after_every_shift() {
    let rules = ApplyRules::default();
    let mut st = AccountState::new(Currency::iso("EUR").unwrap());
    // Due days 28, 27, …, 1, then 28 again …: almost every invoice goes in
    // before the ones already there.
    for n in 1..=60 {
        st.apply(&invoice(n, 28 - (n - 1) % 28), &rules).unwrap();
    }
    let dues: Vec<_> = st.items.iter().map(|i| i.due_date).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "kept in due order");
    // Pay n cents on invoice n: each payment must reach its own invoice.
    for n in 1..=60 {
        st.apply(&pay(n, n, n), &rules).unwrap();
    }
    for n in 1..=60 {
        assert_eq!(
            open_of(&st, n),
            Decimal::from(n * 100) - Decimal::new(i64::from(n), 2),
            "INV-{n}"
        );
    }
    // An id already there is refused, wherever it now stands.
    assert!(matches!(
        st.apply(&invoice(17, 5), &rules),
        Err(LedgerError::AlreadyExists { ref id, .. }) if id == "INV-17"
    ));
    assert!(matches!(
        st.apply(&pay(99, 61, 1), &rules),
        Err(LedgerError::UnknownInvoice { ref invoice, .. }) if invoice.as_str() == "INV-61"
    ));
}

#[test]
fn clearing_by_reference_finds_the_item_named() {
    let rules = ApplyRules::new(
        serde_json::from_str(r#"{"auto_clearing": ["by_reference", "oldest_due"]}"#).unwrap(),
    );
    let mut st = AccountState::new(Currency::iso("EUR").unwrap());
    for n in 1..=5 {
        st.apply(&invoice(n, 10 - n), &rules).unwrap();
    }
    // 30.00 referencing INV-3 (due 7 March, third in due order): clearing
    // by reference, then oldest due, takes it off INV-3 (300.00 → 270.00),
    // not off the oldest item (INV-5, due 5 March).
    st.apply(
        &ev(
            r#"{"id": "r", "customer": "C", "date": "2026-01-03", "type": "payment",
                "amount": "30.00", "currency": "EUR", "reference": "INV-3"}"#,
        ),
        &rules,
    )
    .unwrap();
    assert_eq!(open_of(&st, 3), Decimal::new(27_000, 2));
    assert_eq!(open_of(&st, 5), Decimal::new(50_000, 2));
}

#[test]
fn a_deserialized_state_answers_by_scan_and_is_reindexed_at_its_next_event() {
    let rules = ApplyRules::default();
    let mut st = AccountState::new(Currency::iso("EUR").unwrap());
    for n in 1..=8 {
        st.apply(&invoice(n, 20 - n), &rules).unwrap();
    }
    let json = serde_json::to_string(&st).unwrap();
    let mut back: AccountState = serde_json::from_str(&json).unwrap();
    assert_eq!(back, st);
    // Lookups before any insert (payment to an existing item, a repeated
    // id), then an insert that re-indexes, then lookups again.
    back.apply(&pay(1, 4, 150), &rules).unwrap();
    assert_eq!(open_of(&back, 4), Decimal::new(39_850, 2));
    assert!(back.apply(&invoice(2, 3), &rules).is_err());
    back.apply(&invoice(9, 1), &rules).unwrap();
    back.apply(&pay(2, 8, 1), &rules).unwrap();
    back.apply(&pay(3, 9, 2), &rules).unwrap();
    assert_eq!(open_of(&back, 8), Decimal::new(79_999, 2));
    assert_eq!(open_of(&back, 9), Decimal::new(89_998, 2));
}
