//! The ledger of record: the event store (every applied event once, an id
//! index, reversal flags) and each account's journal (its events in date
//! order and the state they fold into), with idempotent application,
//! back-dated events, reversals, as-of replay and the undo of a batch.
//!
//! * **Idempotent.** An event id seen before with the same content is
//!   [`Applied::Duplicate`] and changes nothing; with other content it is
//!   [`LedgerError::ConflictingEvent`].
//! * **Date order.** An account's state is the fold of its events in date
//!   order (ties in arrival order). An event dated on or after the latest
//!   one applies incrementally; a back-dated one replays the account with
//!   it in its place and is refused if a later event would no longer apply.
//! * **Reversals.** A reversed event is left out of every view, past ones
//!   included: the ledger of record says it never happened.
//! * **Atomic batches.** Between [`Ledger::begin_batch`] and
//!   [`Ledger::end_batch`], every change notes what it replaced, so
//!   [`Ledger::roll_back`] restores the ledger without copying it whole.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{AccountState, ApplyRules, Event, EventKind, LedgerError};
use crate::chunks::Chunked;
use crate::customer::EventId;
use crate::fnv::FnvMap;
use crate::hindex::{self, HashIndex};
use crate::money::Currency;

/// Result of applying an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applied {
    /// The event was applied.
    Applied,
    /// An event with this id and the same content was applied before: nothing changed.
    Duplicate,
}

impl Applied {
    /// The outcome as the bindings report it: `"applied"` or `"duplicate"`.
    pub fn name(self) -> &'static str {
        match self {
            Applied::Applied => "applied",
            Applied::Duplicate => "duplicate",
        }
    }
}

/// Every applied event once, in arrival order, with its reversal flag and
/// an index by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventStore {
    events: Chunked<Event>,
    reversed: Vec<bool>,
    /// Event position by the hash of its id (the id itself lives in
    /// `events`, so indexing costs no copy).
    index: HashIndex,
}

impl EventStore {
    /// Events stored.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// The event at position `i` (`i < len()`).
    pub(crate) fn event(&self, i: usize) -> &Event {
        &self.events[i]
    }

    /// Whether the event at `i` was reversed.
    #[cfg(test)]
    pub(crate) fn is_reversed(&self, i: usize) -> bool {
        self.reversed[i]
    }

    /// Every event, in arrival order.
    pub(crate) fn log(&self) -> &Chunked<Event> {
        &self.events
    }

    /// Position of the event with this id, if applied.
    pub(crate) fn find(&self, id: &EventId) -> Option<usize> {
        self.index
            .find(hindex::hash(id), |i| self.events[i].id == *id)
    }

    /// Appends an event (its id not yet stored); returns its position.
    fn push(&mut self, event: Event) -> usize {
        let i = self.events.len();
        self.index.insert(hindex::hash(&event.id), i);
        self.events.push(event);
        self.reversed.push(false);
        i
    }

    /// Removes the last event, from the index too.
    fn pop(&mut self) {
        let Some(e) = self.events.last() else {
            return;
        };
        let i = self.events.len() - 1;
        self.index.remove(hindex::hash(&e.id), i);
        self.events.pop();
        self.reversed.pop();
    }

    #[cfg(test)]
    fn force_hash_slot(&mut self, id: &EventId, i: usize) {
        self.index.insert(hindex::hash(id), i);
    }
}

/// The order a batch applies in: by date, ties in the order given, each
/// run of events between two reversals on its own (a reversal applies where
/// it stands, after everything given before it and before everything given
/// after it). Applied in this order every event of a run appends to its
/// account, where the order given would replay the account for each
/// back-dated one; the state is the same (each account's events fold in
/// date order either way). Returns the positions in `events`; in linear
/// time (a counting sort over the days a run spans, or a stable sort when
/// they span more than four times its length).
pub(crate) fn batch_order(events: &[Event]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..events.len()).collect();
    let mut start = 0;
    while start < events.len() {
        let end = events[start..]
            .iter()
            .position(|e| matches!(e.kind, EventKind::Reversal { .. }))
            .map_or(events.len(), |k| start + k);
        sort_run(events, &mut order[start..end]);
        // The reversal (if any) stays at `end`.
        start = end + 1;
    }
    order
}

/// Sorts `run` (positions in `events`, ascending) by event date, stably.
fn sort_run(events: &[Event], run: &mut [usize]) {
    if run
        .windows(2)
        .all(|w| events[w[0]].date <= events[w[1]].date)
    {
        return;
    }
    let day = |i: usize| i64::from(events[i].date.num_days_from_ce());
    let (lo, hi) = run.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &i| {
        (lo.min(day(i)), hi.max(day(i)))
    });
    let span = usize::try_from(hi - lo).unwrap_or(usize::MAX);
    if span / 4 > run.len() {
        run.sort_by_key(|&i| events[i].date);
        return;
    }
    // Counting sort: positions stay in the order given within a day.
    let slot = |i: usize| usize::try_from(day(i) - lo).unwrap_or(0);
    let mut starts = vec![0usize; span + 2];
    for &i in run.iter() {
        starts[slot(i) + 1] += 1;
    }
    for k in 1..starts.len() {
        starts[k] += starts[k - 1];
    }
    let mut sorted = vec![0usize; run.len()];
    for &i in run.iter() {
        let s = &mut starts[slot(i)];
        sorted[*s] = i;
        *s += 1;
    }
    run.copy_from_slice(&sorted);
}

/// One account's events (positions in the store, in date then arrival
/// order) and the state they fold into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Journal {
    state: AccountState,
    events: Vec<usize>,
    /// Latest event date: events dated on or after it append in order.
    last_date: Option<NaiveDate>,
}

impl Journal {
    fn new(currency: Currency) -> Self {
        Journal {
            state: AccountState::new(currency),
            events: Vec::new(),
            last_date: None,
        }
    }

    /// The current state (every event applied).
    pub(crate) fn state(&self) -> &AccountState {
        &self.state
    }

    /// Whether the current state is also the state as of `as_of` (no event
    /// is dated after it).
    pub(crate) fn current_at(&self, as_of: NaiveDate) -> bool {
        self.last_date.is_none_or(|l| l <= as_of)
    }

    /// Records event `i` (dated `date`) in date position.
    fn record(&mut self, store: &EventStore, i: usize, date: NaiveDate) {
        if self.current_at(date) {
            self.events.push(i);
            self.last_date = Some(date);
        } else {
            let pos = self
                .events
                .partition_point(|e| store.event(*e).date <= date);
            self.events.insert(pos, i);
        }
    }
}

/// What a batch changed, to restore the ledger if it fails.
#[derive(Debug, Clone)]
struct Undo {
    /// Events before the batch.
    events: usize,
    /// Accounts before the batch.
    accounts: usize,
    /// Journals the batch changed, as they were.
    saved: FnvMap<usize, Journal>,
    /// Reversal flags as they were.
    reversed: Vec<(usize, bool)>,
}

/// The event store and every account's journal (accounts by position, as
/// the book numbers them).
#[derive(Debug, Clone, Default)]
pub(crate) struct Ledger {
    store: EventStore,
    journals: Vec<Journal>,
    terms: ApplyRules,
    undo: Option<Undo>,
}

impl Ledger {
    /// The event store.
    pub(crate) fn store(&self) -> &EventStore {
        &self.store
    }

    /// The rules every apply reads (settlement conventions, parsed terms).
    pub(crate) fn rules(&self) -> &ApplyRules {
        &self.terms
    }

    /// Sets the settlement conventions. Only a ledger without events may
    /// change them (they decide how every past event settled); returns
    /// false, changing nothing, otherwise.
    pub(crate) fn set_conventions(&mut self, c: super::LedgerConventions) -> bool {
        if c == self.terms.conventions() {
            return true;
        }
        if self.store.len() > 0 {
            return false;
        }
        self.terms = ApplyRules::new(c);
        true
    }

    /// Account `a`'s journal.
    pub(crate) fn journal(&self, a: usize) -> &Journal {
        &self.journals[a]
    }

    /// Opens an account in `currency`; returns its position.
    pub(crate) fn open(&mut self, currency: Currency) -> usize {
        self.journals.push(Journal::new(currency));
        self.journals.len() - 1
    }

    /// Whether applying `event` would be a duplicate (same id, same
    /// content), a conflict (same id, other content: an error) or new.
    ///
    /// # Errors
    /// [`LedgerError::ConflictingEvent`].
    pub(crate) fn seen(&self, event: &Event) -> Result<Option<Applied>, LedgerError> {
        match self.store.find(&event.id) {
            Some(i) if self.store.event(i) == event => Ok(Some(Applied::Duplicate)),
            Some(_) => Err(LedgerError::ConflictingEvent(event.id.clone())),
            None => Ok(None),
        }
    }

    /// What `event` would make of a new account in `currency`, without
    /// opening it (a refused event must not leave an empty account).
    ///
    /// # Errors
    /// The ledger rule the event breaks.
    pub(crate) fn first_state(
        &self,
        currency: Currency,
        event: &Event,
    ) -> Result<AccountState, LedgerError> {
        let mut st = AccountState::new(currency);
        st.apply(event, &self.terms)?;
        Ok(st)
    }

    /// Opens an account with the state [`Ledger::first_state`] computed and
    /// records its first event; returns the account.
    pub(crate) fn open_with(&mut self, state: AccountState, event: Event) -> usize {
        let a = self.open(state.currency);
        self.journals[a].state = state;
        self.record(a, event);
        a
    }

    /// Applies a new (not yet seen) event that is not a reversal to account
    /// `a`: incrementally when in date order, else by replaying the account
    /// with it in its date position. Nothing changes on error.
    ///
    /// # Errors
    /// The ledger rule the event, or a later one after a back-dated event,
    /// breaks.
    pub(crate) fn apply(&mut self, a: usize, event: Event) -> Result<(), LedgerError> {
        self.note(a);
        if self.journals[a].current_at(event.date) {
            self.journals[a].state.apply(&event, &self.terms)?;
        } else {
            // Back-dated: rebuild the account in date order with it.
            let tentative = self.store.push(event.clone());
            let mut order = self.journals[a].events.clone();
            let pos = order.partition_point(|e| self.store.event(*e).date <= event.date);
            order.insert(pos, tentative);
            let currency = self.journals[a].state.currency;
            let result = self.replay(&order, None, currency);
            self.store.pop();
            self.journals[a].state = result?;
        }
        self.record(a, event);
        Ok(())
    }

    /// Applies a reversal of an event of account `a`: the target is flagged
    /// and the account replayed without it.
    ///
    /// # Errors
    /// [`LedgerError::ReversalRefused`]: no such event, another account's,
    /// already reversed, itself a reversal, or the remaining events no
    /// longer apply.
    pub(crate) fn reverse(&mut self, a: usize, event: Event) -> Result<(), LedgerError> {
        let EventKind::Reversal { event_id } = &event.kind else {
            return Err(LedgerError::NotAllowed {
                event: event.id.clone(),
                reason: "not a reversal".into(),
            });
        };
        let fail = |reason: &str| LedgerError::ReversalRefused {
            target: event_id.clone(),
            reason: reason.to_string(),
        };
        let t = self
            .store
            .find(event_id)
            .ok_or_else(|| fail("no such event"))?;
        if !self.journals[a].events.contains(&t) {
            return Err(fail("it belongs to another account"));
        }
        if self.store.reversed[t] {
            return Err(fail("it is already reversed"));
        }
        if matches!(self.store.event(t).kind, EventKind::Reversal { .. }) {
            return Err(fail("a reversal cannot be reversed"));
        }
        self.store.reversed[t] = true;
        let currency = self.journals[a].state.currency;
        match self.replay(&self.journals[a].events, None, currency) {
            Ok(st) => {
                self.note(a);
                if let Some(u) = &mut self.undo {
                    u.reversed.push((t, false));
                }
                self.journals[a].state = st;
                self.record(a, event);
                Ok(())
            }
            Err(e) => {
                self.store.reversed[t] = false;
                Err(fail(&format!("the remaining events no longer apply: {e}")))
            }
        }
    }

    /// Stores an applied event and records it in account `a`'s journal.
    fn record(&mut self, a: usize, event: Event) {
        let date = event.date;
        let i = self.store.push(event);
        self.journals[a].record(&self.store, i, date);
    }

    /// Folds the events at `events` (in date order) into a fresh state,
    /// leaving out reversed events and reversal markers, up to and
    /// including `until`. Every as-of view is thus a prefix of the
    /// canonical sequence, so it always applies.
    fn replay(
        &self,
        events: &[usize],
        until: Option<NaiveDate>,
        currency: Currency,
    ) -> Result<AccountState, LedgerError> {
        let mut st = AccountState::new(currency);
        for (e, reversed) in self.events_in(events) {
            if until.is_some_and(|u| e.date > u) {
                break;
            }
            if !reversed {
                st.apply(e, &self.terms)?;
            }
        }
        Ok(st)
    }

    /// The events at `positions`, each with whether it is left out of the
    /// state (reversed, or a reversal marker).
    fn events_in<'a>(
        &'a self,
        positions: &'a [usize],
    ) -> impl Iterator<Item = (&'a Event, bool)> + 'a {
        positions.iter().map(|&i| {
            let e = self.store.event(i);
            (
                e,
                self.store.reversed[i] || matches!(e.kind, EventKind::Reversal { .. }),
            )
        })
    }

    /// Account `a`'s events in date order, each with whether it was
    /// reversed (reversal markers included, as not reversed).
    pub(crate) fn events(&self, a: usize) -> impl Iterator<Item = (&Event, bool)> + '_ {
        self.journals[a]
            .events
            .iter()
            .map(|&i| (self.store.event(i), self.store.reversed[i]))
    }

    /// Account `a`'s events that make its state (neither reversed nor a
    /// reversal marker), in date order.
    pub(crate) fn effective_events(&self, a: usize) -> impl Iterator<Item = &Event> + '_ {
        self.events_in(&self.journals[a].events)
            .filter_map(|(e, out)| (!out).then_some(e))
    }

    /// Account `a`'s state as it stood on `as_of`: borrowed when no event
    /// is dated after it, else a replay of the events up to it.
    ///
    /// # Errors
    /// None in practice (a prefix of applied events applies); the ledger
    /// error otherwise.
    pub(crate) fn state_at(
        &self,
        a: usize,
        as_of: NaiveDate,
    ) -> Result<Cow<'_, AccountState>, LedgerError> {
        let j = &self.journals[a];
        if j.current_at(as_of) {
            return Ok(Cow::Borrowed(&j.state));
        }
        Ok(Cow::Owned(self.replay(
            &j.events,
            Some(as_of),
            j.state.currency,
        )?))
    }

    /// Starts a batch: until [`Ledger::end_batch`], changes note what they
    /// replace.
    pub(crate) fn begin_batch(&mut self) {
        self.undo = Some(Undo {
            events: self.store.len(),
            accounts: self.journals.len(),
            saved: FnvMap::default(),
            reversed: Vec::new(),
        });
    }

    /// Ends a batch, keeping its changes.
    pub(crate) fn end_batch(&mut self) {
        self.undo = None;
    }

    /// Ends a batch, undoing its changes; returns the number of accounts
    /// before the batch and the accounts it restored.
    pub(crate) fn roll_back(&mut self) -> (usize, Vec<usize>) {
        let Some(undo) = self.undo.take() else {
            return (self.journals.len(), Vec::new());
        };
        for (t, old) in undo.reversed.into_iter().rev() {
            self.store.reversed[t] = old;
        }
        while self.store.len() > undo.events {
            self.store.pop();
        }
        self.journals.truncate(undo.accounts);
        let mut restored = Vec::with_capacity(undo.saved.len());
        for (a, j) in undo.saved {
            self.journals[a] = j;
            restored.push(a);
        }
        (undo.accounts, restored)
    }

    /// In a batch: keeps account `a`'s journal as it was before the batch
    /// first changes it (accounts the batch opens are simply dropped).
    fn note(&mut self, a: usize) {
        if let Some(u) = &mut self.undo {
            if a < u.accounts && !u.saved.contains_key(&a) {
                u.saved.insert(a, self.journals[a].clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunks::CHUNK;

    fn ev(id: &str, day: u32, amount: &str) -> Event {
        serde_json::from_str(&format!(
            r#"{{"id":"{id}","customer":"C1","date":"2026-03-{day:02}","type":"special_liabilities","amount":"{amount}","currency":"EUR"}}"#
        ))
        .unwrap()
    }

    #[test]
    fn the_event_log_spans_chunks_and_back_dated_events_take_their_place() {
        let eur = Currency::iso("EUR").unwrap();
        let mut l = Ledger::default();
        let a = l.open(eur);
        for i in 0..CHUNK + 10 {
            l.apply(a, ev(&format!("e{i}"), 10, &format!("{i}.00")))
                .unwrap();
        }
        assert_eq!(l.store().len(), CHUNK + 10);
        assert_eq!(l.store().find(&EventId::from("e0")), Some(0));
        let late = EventId(format!("e{}", CHUNK + 5));
        assert_eq!(l.store().find(&late), Some(CHUNK + 5));
        // A back-dated event replays the account (a tentative push and pop).
        l.apply(a, ev("early", 1, "99999.00")).unwrap();
        assert_eq!(l.store().len(), CHUNK + 11);
        // The latest-dated figure (the last event on 2026-03-10) stands.
        assert_eq!(
            l.journal(a).state().special_liabilities,
            rust_decimal::Decimal::from(CHUNK as u64 + 9)
        );
        // As of the 5th only the back-dated event counts.
        let d5 = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(
            l.state_at(a, d5).unwrap().special_liabilities,
            rust_decimal::Decimal::from(99_999)
        );
        assert_eq!(l.seen(&ev("e3", 10, "3.00")), Ok(Some(Applied::Duplicate)));
    }

    #[test]
    fn event_ids_whose_hashes_collide_stay_distinct() {
        let eur = Currency::iso("EUR").unwrap();
        let mut l = Ledger::default();
        let a = l.open(eur);
        l.apply(a, ev("e1", 1, "1.00")).unwrap();
        // Force "e2" to hash onto e1's slot, as a real collision would.
        l.store.force_hash_slot(&EventId::from("e2"), 0);
        assert_eq!(l.store().find(&EventId::from("e2")), None);
        l.apply(a, ev("e2", 1, "2.00")).unwrap();
        assert_eq!(l.store().find(&EventId::from("e2")), Some(1));
        assert_eq!(l.seen(&ev("e2", 1, "2.00")), Ok(Some(Applied::Duplicate)));
        assert_eq!(
            l.seen(&ev("e2", 1, "3.00")),
            Err(LedgerError::ConflictingEvent(EventId::from("e2")))
        );
        assert_eq!(l.store().find(&EventId::from("e1")), Some(0));
    }

    #[test]
    fn a_failed_batch_restores_journals_flags_and_the_index() {
        let eur = Currency::iso("EUR").unwrap();
        let mut l = Ledger::default();
        let a = l.open(eur);
        l.apply(a, ev("e1", 5, "1.00")).unwrap();
        let before = l.journal(a).clone();
        l.begin_batch();
        l.apply(a, ev("e2", 6, "2.00")).unwrap();
        let b = l.open(eur);
        l.apply(b, ev("e3", 6, "3.00")).unwrap();
        let rev: Event = serde_json::from_str(
            r#"{"id":"r1","customer":"C1","date":"2026-03-07","type":"reversal","event_id":"e1"}"#,
        )
        .unwrap();
        l.reverse(a, rev).unwrap();
        assert!(l.store().is_reversed(0));
        let (accounts, restored) = l.roll_back();
        assert_eq!((accounts, restored), (1, vec![a]));
        assert_eq!(l.journal(a), &before);
        assert!(!l.store().is_reversed(0));
        assert_eq!(l.store().len(), 1);
        assert_eq!(l.store().find(&EventId::from("e2")), None);
        assert_eq!(l.store().find(&EventId::from("r1")), None);
    }
}
