//! A position index keyed by the hash of an id: the ids themselves stay
//! where they are stored (an event in the log, an item in its account), so
//! indexing costs no copy of a string. A lookup hashes the id, takes the
//! candidate positions stored under that hash (one, unless two ids collide)
//! and keeps the one whose stored id is equal, which the caller checks.

use std::hash::{BuildHasher, BuildHasherDefault, Hash};

use crate::fnv::{Fnv, FnvMap};

/// The FNV-1a hash the index is keyed by.
pub(crate) fn hash<T: Hash + ?Sized>(id: &T) -> u64 {
    BuildHasherDefault::<Fnv>::default().hash_one(id)
}

/// Positions by id hash; ids whose hash another id already holds go to a
/// short list beside it.
#[derive(Debug, Clone, Default)]
pub(crate) struct HashIndex {
    first: FnvMap<u64, usize>,
    more: FnvMap<u64, Vec<usize>>,
    len: usize,
}

impl HashIndex {
    /// Positions indexed.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The position under `h` for which `is(position)` holds (the caller
    /// compares the stored id with the one looked up).
    pub(crate) fn find(&self, h: u64, mut is: impl FnMut(usize) -> bool) -> Option<usize> {
        let first = *self.first.get(&h)?;
        if is(first) {
            return Some(first);
        }
        self.more.get(&h)?.iter().copied().find(|&p| is(p))
    }

    /// Indexes `pos` under `h`.
    pub(crate) fn insert(&mut self, h: u64, pos: usize) {
        match self.first.entry(h) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.more.entry(h).or_default().push(pos)
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(pos);
            }
        }
        self.len += 1;
    }

    /// Removes position `pos` from under `h` (if there).
    pub(crate) fn remove(&mut self, h: u64, pos: usize) {
        if self.first.get(&h) == Some(&pos) {
            // Promote a collided position, if any, to the first slot.
            match self.more.get_mut(&h).and_then(Vec::pop) {
                Some(next) => {
                    self.first.insert(h, next);
                }
                None => {
                    self.first.remove(&h);
                }
            }
        } else if let Some(v) = self.more.get_mut(&h) {
            let before = v.len();
            v.retain(|&p| p != pos);
            if v.len() == before {
                return;
            }
        } else {
            return;
        }
        if self.more.get(&h).is_some_and(Vec::is_empty) {
            self.more.remove(&h);
        }
        self.len -= 1;
    }

    /// Moves the entry for `from` under `h` to `to` (an item that shifted).
    pub(crate) fn relocate(&mut self, h: u64, from: usize, to: usize) {
        if let Some(p) = self.first.get_mut(&h) {
            if *p == from {
                *p = to;
                return;
            }
        }
        if let Some(p) = self
            .more
            .get_mut(&h)
            .and_then(|v| v.iter_mut().find(|p| **p == from))
        {
            *p = to;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_positions_are_found_moved_and_removed() {
        let ids = ["a", "b", "c"];
        let mut ix = HashIndex::default();
        // All three under one hash, as a collision would put them.
        for p in 0..3 {
            ix.insert(7, p);
        }
        assert_eq!(ix.len(), 3);
        for (p, id) in ids.iter().enumerate() {
            assert_eq!(ix.find(7, |q| ids[q] == *id), Some(p));
        }
        assert_eq!(ix.find(7, |q| ids[q] == "z"), None);
        assert_eq!(ix.find(8, |_| true), None);
        ix.relocate(7, 2, 5);
        assert_eq!(ix.find(7, |q| q == 5), Some(5));
        assert_eq!(ix.find(7, |q| q == 2), None);
        // Removing the first slot promotes a collided one.
        ix.remove(7, 0);
        assert_eq!(ix.len(), 2);
        assert_eq!(ix.find(7, |q| q == 1), Some(1));
        assert_eq!(ix.find(7, |q| q == 0), None);
        ix.remove(7, 9);
        assert_eq!(ix.len(), 2);
        ix.remove(7, 1);
        ix.remove(7, 5);
        assert_eq!((ix.len(), ix.first.len(), ix.more.len()), (0, 0, 0));
    }

    #[test]
    fn the_hash_is_fnv_1a_of_the_id() {
        // FNV-1a of the empty input is the offset basis; a `str` hashes its
        // bytes and a 0xff terminator.
        assert_eq!(hash(&()), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), hash(&String::from("a")));
        assert_ne!(hash("a"), hash("b"));
    }
}
