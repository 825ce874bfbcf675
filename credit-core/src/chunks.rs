//! An append-only sequence stored in fixed-size chunks that are shared,
//! not copied: the log grows without moving what it holds, and
//! [`Chunked::share`] hands a snapshot a copy in O(chunks) time. Only the
//! chunk being filled is ever written; if a snapshot still shares it, the
//! next write copies that one chunk (at most [`CHUNK`] entries).

use std::sync::Arc;

/// Entries per chunk.
pub(crate) const CHUNK: usize = 4096;

#[derive(Debug, Clone)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Clone> Chunked<T> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn push(&mut self, v: T) {
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            self.chunks.push(Arc::new(Vec::with_capacity(CHUNK)));
        }
        if let Some(c) = self.chunks.last_mut() {
            Arc::make_mut(c).push(v);
            self.len += 1;
        }
    }

    pub(crate) fn pop(&mut self) -> Option<T> {
        let c = self.chunks.last_mut()?;
        let v = Arc::make_mut(c).pop();
        if c.is_empty() {
            self.chunks.pop();
        }
        if v.is_some() {
            self.len -= 1;
        }
        v
    }

    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    pub(crate) fn last(&self) -> Option<&T> {
        self.chunks.last()?.last()
    }

    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// A copy that shares every chunk (O(chunks)).
    pub(crate) fn share(&self) -> Self {
        self.clone()
    }
}

impl<T: Clone> std::ops::Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut c = Chunked::default();
        for v in iter {
            c.push(v);
        }
        c
    }
}

impl<T: Clone + PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

/// A read-only view of one of the book's logs (the decision log, the
/// releases), oldest first. Serializes as a JSON list.
#[derive(Debug, Clone, Copy)]
pub struct Entries<'a, T> {
    log: &'a Chunked<T>,
}

impl<'a, T: Clone> Entries<'a, T> {
    pub(crate) fn new(log: &'a Chunked<T>) -> Self {
        Entries { log }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.log.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.log.len() == 0
    }

    /// The entry at position `i` (0 = oldest), if any.
    pub fn get(&self, i: usize) -> Option<&'a T> {
        self.log.get(i)
    }

    /// The newest entry, if any.
    pub fn last(&self) -> Option<&'a T> {
        self.log.last()
    }

    /// The entries, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &'a T> + Clone + 'a {
        self.log.iter()
    }
}

impl<T: Clone + serde::Serialize> serde::Serialize for Entries<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.log.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_pop_index_across_chunks() {
        let mut c: Chunked<usize> = (0..CHUNK + 3).collect();
        assert_eq!(c.len(), CHUNK + 3);
        assert_eq!(c[CHUNK + 1], CHUNK + 1);
        assert_eq!(c.get(CHUNK + 3), None);
        assert_eq!(c.pop(), Some(CHUNK + 2));
        assert_eq!(c.last(), Some(&(CHUNK + 1)));
        for _ in 0..3 {
            c.pop();
        }
        assert_eq!(c.len(), CHUNK - 1);
        assert_eq!(c.chunks.len(), 1);
        assert!(c.iter().copied().eq(0..CHUNK - 1));
    }

    #[test]
    fn a_shared_copy_does_not_see_later_writes() {
        let mut c: Chunked<usize> = (0..CHUNK + 2).collect();
        let s = c.share();
        // Full chunks are shared, not copied.
        assert!(Arc::ptr_eq(&c.chunks[0], &s.chunks[0]));
        c.pop();
        c.push(99);
        c.push(100);
        assert_eq!(s.len(), CHUNK + 2);
        assert_eq!(s[CHUNK + 1], CHUNK + 1);
        assert_eq!(c[CHUNK + 1], 99);
        assert_eq!(c[CHUNK + 2], 100);
    }
}
