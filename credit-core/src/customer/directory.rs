//! The customer directory of a book: customers by id, each kept as
//! versions by valid-from date ([`Dated`]), the hierarchy (parents,
//! children, ancestors, subtrees — on a date, since a parent is master
//! data too) and each customer's accounts (positions in the book, kept in
//! segment order).
//!
//! The hierarchy is kept as the union of every parent link any version
//! holds; a link that would close a loop in that union is refused, so the
//! hierarchy on every date is a forest (a conservative rule: a swap of
//! parent and child across dates is refused too).

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Customer, CustomerError, CustomerId, Dated};
use crate::fnv::FnvMap;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    /// Shared, so a snapshot copies a pointer, not the record.
    versions: Dated<Arc<Customer>>,
    accounts: Vec<usize>,
    /// Every customer any of whose versions has this one as parent, in the
    /// order they were first linked.
    children: Vec<usize>,
}

impl Record {
    fn latest(&self) -> &Arc<Customer> {
        // A record is created with its first version and never loses one.
        self.versions
            .latest()
            .unwrap_or_else(|| unreachable!("a customer record without a version"))
    }

    fn on(&self, date: NaiveDate) -> &Arc<Customer> {
        // Before its first version a customer reads as that version.
        match self.versions.on(date) {
            Some(v) => v,
            None => self
                .versions
                .iter()
                .next()
                .map(|(_, v)| v)
                .unwrap_or_else(|| unreachable!("a customer record without a version")),
        }
    }
}

/// Customers by position and id, with the hierarchy between them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Directory {
    records: Vec<Record>,
    index: FnvMap<CustomerId, usize>,
}

impl Directory {
    /// Customers held.
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// The position of a customer, if known.
    pub(crate) fn find(&self, id: &CustomerId) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The position of a customer.
    ///
    /// # Errors
    /// [`CustomerError::UnknownCustomer`].
    pub(crate) fn require(&self, id: &CustomerId) -> Result<usize, CustomerError> {
        self.find(id)
            .ok_or_else(|| CustomerError::UnknownCustomer(id.clone()))
    }

    /// The latest version of the customer at position `c` (its id and
    /// credit currencies are those of every version).
    pub(crate) fn customer(&self, c: usize) -> &Customer {
        self.records[c].latest()
    }

    /// The version of customer `c` in force on `date` (before its first
    /// version: the first).
    pub(crate) fn customer_on(&self, c: usize, date: NaiveDate) -> &Customer {
        self.records[c].on(date)
    }

    /// Every version of customer `c`, base first, then by valid-from.
    pub(crate) fn versions(&self, c: usize) -> impl Iterator<Item = &Arc<Customer>> {
        self.records[c].versions.iter().map(|(_, v)| v)
    }

    /// Customer `c`'s accounts (book positions), in segment order.
    pub(crate) fn accounts(&self, c: usize) -> &[usize] {
        &self.records[c].accounts
    }

    /// Customer `c`'s parent on `date`, if any.
    pub(crate) fn parent_on(&self, c: usize, date: NaiveDate) -> Option<usize> {
        self.records[c]
            .on(date)
            .parent
            .as_ref()
            .and_then(|p| self.find(p))
    }

    /// Customer `c`, its parent, its parent's parent, … up to the top, on
    /// `date`.
    pub(crate) fn ancestors_on(
        &self,
        c: usize,
        date: NaiveDate,
    ) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(c), move |&x| self.parent_on(x, date))
    }

    /// Customer `c`'s children on `date`, in the order they were linked.
    fn children_on(&self, c: usize, date: NaiveDate) -> impl Iterator<Item = usize> + '_ {
        self.records[c]
            .children
            .iter()
            .copied()
            .filter(move |&k| self.parent_on(k, date) == Some(c))
    }

    /// Customer `c` and every customer below it on `date`, head first,
    /// each before its children (children in the order they were linked).
    pub(crate) fn subtree_on(&self, c: usize, date: NaiveDate) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![c];
        while let Some(x) = stack.pop() {
            out.push(x);
            let at = stack.len();
            stack.extend(self.children_on(x, date));
            stack[at..].reverse();
        }
        out
    }

    /// Calls `f` on customer `c` and every customer below it on `date`, in
    /// the order of [`Directory::subtree_on`], without allocating (the
    /// credit check's group walk); stops at the first error.
    pub(crate) fn walk_subtree_on<E>(
        &self,
        c: usize,
        date: NaiveDate,
        f: &mut impl FnMut(usize) -> Result<(), E>,
    ) -> Result<(), E> {
        f(c)?;
        for k in self.children_on(c, date) {
            self.walk_subtree_on(k, date, f)?;
        }
        Ok(())
    }

    /// Every parent any version of customer `c` names (known ones).
    fn parents_ever(&self, c: usize) -> impl Iterator<Item = usize> + '_ {
        self.versions(c)
            .filter_map(|v| v.parent.as_ref().and_then(|p| self.find(p)))
    }

    /// True when `target` is `c` or above it through any version's parent.
    fn reaches_up(&self, c: usize, target: usize) -> bool {
        let mut stack = vec![c];
        let mut seen = vec![false; self.records.len()];
        while let Some(x) = stack.pop() {
            if x == target {
                return true;
            }
            if std::mem::replace(&mut seen[x], true) {
                continue;
            }
            stack.extend(self.parents_ever(x));
        }
        false
    }

    /// For every customer, the longest chain of parents above it through
    /// any version's parent: sorted by it, parents come before their
    /// children on every date.
    pub(crate) fn depths(&self) -> Vec<usize> {
        let n = self.records.len();
        let parents: Vec<Vec<usize>> = (0..n)
            .map(|c| {
                let mut p: Vec<usize> = self.parents_ever(c).collect();
                p.sort_unstable();
                p.dedup();
                p
            })
            .collect();
        let mut kids: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (c, ps) in parents.iter().enumerate() {
            for &p in ps {
                kids[p].push(c);
            }
        }
        let mut waiting: Vec<usize> = parents.iter().map(Vec::len).collect();
        let mut depth = vec![0usize; n];
        let mut ready: Vec<usize> = (0..n).filter(|&c| waiting[c] == 0).collect();
        while let Some(x) = ready.pop() {
            for &k in &kids[x] {
                depth[k] = depth[k].max(depth[x] + 1);
                waiting[k] -= 1;
                if waiting[k] == 0 {
                    ready.push(k);
                }
            }
        }
        depth
    }

    /// Adds a customer, or a version of one valid from its `valid_from`
    /// (a version with a date already held replaces it). Its parent must
    /// exist already and may not make a loop on any date (see the module
    /// docs); the credit currencies must be those of the customer's other
    /// versions; `keep` first checks a replacement against the existing
    /// customer's accounts. Returns the position.
    ///
    /// # Errors
    /// [`CustomerError::UnknownCustomer`] for the parent,
    /// [`CustomerError::HierarchyCycle`], [`CustomerError::InvalidField`]
    /// for other currencies than the other versions', or what `keep`
    /// refuses.
    pub(crate) fn upsert(
        &mut self,
        customer: Customer,
        keep: impl FnOnce(&[usize], &Customer) -> Result<(), CustomerError>,
    ) -> Result<usize, CustomerError> {
        let parent = match &customer.parent {
            Some(p) => Some(self.require(p)?),
            None => None,
        };
        let existing = self.find(&customer.id);
        if let (Some(me), Some(p)) = (existing, parent) {
            // Walking up from the new parent, on any date, must not reach `me`.
            if self.reaches_up(p, me) {
                return Err(CustomerError::HierarchyCycle {
                    parent: customer
                        .parent
                        .clone()
                        .unwrap_or_else(|| customer.id.clone()),
                    customer: customer.id,
                });
            }
        }
        let me = match existing {
            Some(me) => {
                keep(&self.records[me].accounts, &customer)?;
                let from = customer.valid_from;
                let other = self.records[me]
                    .versions
                    .iter()
                    .find(|(f, _)| *f != from)
                    .map(|(_, v)| Arc::clone(v));
                if let Some(o) = other {
                    if o.currency != customer.currency
                        || o.segment_currencies != customer.segment_currencies
                    {
                        return Err(CustomerError::InvalidField {
                            field: "currency",
                            value: customer.currency.to_string(),
                            reason: "every version of a customer has the same credit currencies",
                        });
                    }
                }
                self.records[me].versions.set(from, Arc::new(customer));
                me
            }
            None => {
                self.index.insert(customer.id.clone(), self.records.len());
                let mut versions = Dated::default();
                versions.set(customer.valid_from, Arc::new(customer));
                self.records.push(Record {
                    versions,
                    accounts: Vec::new(),
                    children: Vec::new(),
                });
                self.records.len() - 1
            }
        };
        if let Some(p) = parent {
            if !self.records[p].children.contains(&me) {
                self.records[p].children.push(me);
            }
        }
        Ok(me)
    }

    /// Adds account `a` to customer `c` at position `pos` of its list (the
    /// caller keeps the list in segment order).
    pub(crate) fn insert_account(&mut self, c: usize, pos: usize, a: usize) {
        self.records[c].accounts.insert(pos, a);
    }

    /// Removes account `a` from customer `c` (a failed batch's accounts).
    pub(crate) fn remove_account(&mut self, c: usize, a: usize) {
        self.records[c].accounts.retain(|&k| k != a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn cust(id: &str, parent: Option<&str>) -> Customer {
        let mut c = Customer::new(id, id, Currency::iso("EUR").unwrap());
        c.parent = parent.map(CustomerId::from);
        c
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn hierarchy_walks_and_cycles() {
        let mut dir = Directory::default();
        let ok = |_: &[usize], _: &Customer| Ok(());
        let day = d("2026-01-01");
        let h = dir.upsert(cust("H", None), ok).unwrap();
        let a = dir.upsert(cust("A", Some("H")), ok).unwrap();
        let b = dir.upsert(cust("B", Some("H")), ok).unwrap();
        let a1 = dir.upsert(cust("A1", Some("A")), ok).unwrap();
        assert_eq!(dir.subtree_on(h, day), vec![h, a, a1, b]);
        let mut walked = Vec::new();
        dir.walk_subtree_on(h, day, &mut |x| {
            walked.push(x);
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(walked, vec![h, a, a1, b]);
        assert_eq!(
            dir.ancestors_on(a1, day).collect::<Vec<_>>(),
            vec![a1, a, h]
        );
        assert_eq!(dir.depths(), vec![0, 1, 1, 2]);
        // H under A1 would loop: refused, nothing changes.
        assert_eq!(
            dir.upsert(cust("H", Some("A1")), ok),
            Err(CustomerError::HierarchyCycle {
                customer: CustomerId::from("H"),
                parent: CustomerId::from("A1"),
            })
        );
        assert_eq!(dir.subtree_on(h, day), vec![h, a, a1, b]);
        // Moving B under A (its base version replaced) relinks it.
        dir.upsert(cust("B", Some("A")), ok).unwrap();
        assert_eq!(dir.subtree_on(h, day), vec![h, a, a1, b]);
        assert_eq!(dir.subtree_on(a, day), vec![a, a1, b]);
        assert_eq!(
            dir.upsert(cust("X", Some("nobody")), ok),
            Err(CustomerError::UnknownCustomer(CustomerId::from("nobody")))
        );
    }

    #[test]
    fn a_dated_parent_moves_a_customer_from_its_date_only() {
        let mut dir = Directory::default();
        let ok = |_: &[usize], _: &Customer| Ok(());
        let g1 = dir.upsert(cust("G1", None), ok).unwrap();
        let g2 = dir.upsert(cust("G2", None), ok).unwrap();
        let m = dir.upsert(cust("M", Some("G1")), ok).unwrap();
        let mut moved = cust("M", Some("G2"));
        moved.valid_from = Some(d("2026-04-01"));
        dir.upsert(moved, ok).unwrap();
        // Before the move: under G1; from it: under G2.
        assert_eq!(dir.subtree_on(g1, d("2026-03-31")), vec![g1, m]);
        assert_eq!(dir.subtree_on(g2, d("2026-03-31")), vec![g2]);
        assert_eq!(dir.subtree_on(g1, d("2026-04-01")), vec![g1]);
        assert_eq!(dir.subtree_on(g2, d("2026-04-01")), vec![g2, m]);
        assert_eq!(dir.parent_on(m, d("2026-03-31")), Some(g1));
        assert_eq!(dir.customer(m).parent, Some(CustomerId::from("G2")));
        assert_eq!(dir.versions(m).count(), 2);
        // G1 under M on any date would loop with M's base version.
        assert!(matches!(
            dir.upsert(cust("G1", Some("M")), ok),
            Err(CustomerError::HierarchyCycle { .. })
        ));
        // Other credit currencies in another version: refused.
        let mut usd = Customer::new("M", "M", Currency::iso("USD").unwrap());
        usd.valid_from = Some(d("2026-06-01"));
        assert!(matches!(
            dir.upsert(usd, ok),
            Err(CustomerError::InvalidField {
                field: "currency",
                ..
            })
        ));
        assert_eq!(dir.versions(m).count(), 2);
    }
}
