//! A fast, non-cryptographic hasher for the core's own maps (span ids, interned strings).
//!
//! std's default SipHash resists hash flooding, which costs several times more per key than
//! this multiply-and-rotate hash (the one rustc uses for its own tables). A trace file could
//! be crafted so that its ids collide; that slows an import down but cannot make it wrong,
//! and a million spans hash five times faster for everyone else.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FxHasher`].
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A `HashSet` with [`FxHasher`].
pub(crate) type FxHashSet<T> = HashSet<T, BuildHasherDefault<FxHasher>>;

/// A map with room for `n` entries.
pub(crate) fn map_with_capacity<K, V>(n: usize) -> FxHashMap<K, V> {
    HashMap::with_capacity_and_hasher(n, BuildHasherDefault::default())
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// A hash of a text from its length and its first and last eight bytes: constant time, for
/// the import's direct-mapped caches, where a collision only costs a miss (every hit is
/// checked by comparing the texts). Texts that differ only in the middle share a slot.
#[inline]
pub(crate) fn quick_text_hash(b: &[u8]) -> u64 {
    let word = |c: &[u8]| {
        let mut w = [0u8; 8];
        w[..c.len()].copy_from_slice(c);
        u64::from_le_bytes(w)
    };
    let n = b.len();
    let (head, tail) = if n >= 8 {
        (word(&b[..8]), word(&b[n - 8..]))
    } else {
        (word(b), 0)
    };
    (head ^ tail.rotate_left(29) ^ (n as u64).rotate_left(58))
        .wrapping_mul(SEED)
        .rotate_left(26)
        .wrapping_mul(SEED)
}

#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_work_and_strings_of_any_length_differ() {
        let mut m: FxHashMap<&str, usize> = map_with_capacity(4);
        for (i, s) in ["", "a", "abcdefgh", "abcdefghi", "abcdefgh\0"]
            .iter()
            .enumerate()
        {
            m.insert(s, i);
        }
        assert_eq!(m.len(), 5);
        assert_eq!(m.get("abcdefghi"), Some(&3));
        let mut set: FxHashSet<u64> = FxHashSet::default();
        assert!(set.insert(7) && !set.insert(7));
    }
}
