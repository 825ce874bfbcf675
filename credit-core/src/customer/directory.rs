//! The customer directory of a book: customers by id, the hierarchy
//! (parents, children, ancestors, subtrees) and each customer's accounts
//! (positions in the book, kept in segment order).

use std::sync::Arc;

use super::{Customer, CustomerError, CustomerId};
use crate::fnv::FnvMap;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    /// Shared, so a snapshot copies a pointer, not the record.
    customer: Arc<Customer>,
    accounts: Vec<usize>,
    children: Vec<usize>,
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

    /// The customer at position `c`.
    pub(crate) fn customer(&self, c: usize) -> &Customer {
        &self.records[c].customer
    }

    /// The customer at position `c`, shared.
    pub(crate) fn shared(&self, c: usize) -> &Arc<Customer> {
        &self.records[c].customer
    }

    /// Customer `c`'s accounts (book positions), in segment order.
    pub(crate) fn accounts(&self, c: usize) -> &[usize] {
        &self.records[c].accounts
    }

    /// Customer `c`'s direct children, in the order they were linked.
    pub(crate) fn children(&self, c: usize) -> &[usize] {
        &self.records[c].children
    }

    /// Customer `c`'s parent, if any.
    pub(crate) fn parent(&self, c: usize) -> Option<usize> {
        self.records[c]
            .customer
            .parent
            .as_ref()
            .and_then(|p| self.find(p))
    }

    /// Customer `c`, its parent, its parent's parent, … up to the top.
    pub(crate) fn ancestors(&self, c: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(c), move |&x| self.parent(x))
    }

    /// Customer `c` and every customer below it, head first, each before
    /// its children (children in the order they were linked).
    pub(crate) fn subtree(&self, c: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![c];
        while let Some(x) = stack.pop() {
            out.push(x);
            stack.extend(self.children(x).iter().rev());
        }
        out
    }

    /// Calls `f` on customer `c` and every customer below it, in the order
    /// of [`Directory::subtree`], without allocating (the credit check's
    /// group walk); stops at the first error.
    pub(crate) fn walk_subtree<E>(
        &self,
        c: usize,
        f: &mut impl FnMut(usize) -> Result<(), E>,
    ) -> Result<(), E> {
        f(c)?;
        for &k in self.children(c) {
            self.walk_subtree(k, f)?;
        }
        Ok(())
    }

    /// How many ancestors customer `c` has.
    pub(crate) fn depth(&self, c: usize) -> usize {
        self.ancestors(c).count() - 1
    }

    /// Adds or replaces a customer (its parent must exist already and may
    /// not make a loop); `keep` first checks a replacement against the
    /// existing customer's accounts. Returns the position.
    ///
    /// # Errors
    /// [`CustomerError::UnknownCustomer`] for the parent,
    /// [`CustomerError::HierarchyCycle`], or what `keep` refuses.
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
            // Walking up from the new parent must not reach `me`.
            if self.ancestors(p).any(|x| x == me) {
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
                if let Some(op) = self.parent(me) {
                    self.records[op].children.retain(|c| *c != me);
                }
                self.records[me].customer = Arc::new(customer);
                me
            }
            None => {
                self.index.insert(customer.id.clone(), self.records.len());
                self.records.push(Record {
                    customer: Arc::new(customer),
                    accounts: Vec::new(),
                    children: Vec::new(),
                });
                self.records.len() - 1
            }
        };
        if let Some(p) = parent {
            self.records[p].children.push(me);
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

    #[test]
    fn hierarchy_walks_and_cycles() {
        let mut d = Directory::default();
        let ok = |_: &[usize], _: &Customer| Ok(());
        let h = d.upsert(cust("H", None), ok).unwrap();
        let a = d.upsert(cust("A", Some("H")), ok).unwrap();
        let b = d.upsert(cust("B", Some("H")), ok).unwrap();
        let a1 = d.upsert(cust("A1", Some("A")), ok).unwrap();
        assert_eq!(d.subtree(h), vec![h, a, a1, b]);
        let mut walked = Vec::new();
        d.walk_subtree(h, &mut |x| {
            walked.push(x);
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(walked, vec![h, a, a1, b]);
        assert_eq!(d.ancestors(a1).collect::<Vec<_>>(), vec![a1, a, h]);
        assert_eq!(d.depth(a1), 2);
        // H under A1 would loop: refused, nothing changes.
        assert_eq!(
            d.upsert(cust("H", Some("A1")), ok),
            Err(CustomerError::HierarchyCycle {
                customer: CustomerId::from("H"),
                parent: CustomerId::from("A1"),
            })
        );
        assert_eq!(d.subtree(h), vec![h, a, a1, b]);
        // Moving B under A relinks it.
        d.upsert(cust("B", Some("A")), ok).unwrap();
        assert_eq!(d.children(h), &[a]);
        assert_eq!(d.subtree(h), vec![h, a, a1, b]);
        assert_eq!(
            d.upsert(cust("X", Some("nobody")), ok),
            Err(CustomerError::UnknownCustomer(CustomerId::from("nobody")))
        );
    }
}
