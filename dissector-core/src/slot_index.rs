//! The 4-tuple index of the conversation table: hash → slot number, in one flat array.
//!
//! With a hundred thousand live conversations the index and the conversations are out of
//! cache, and every packet pays for the loads that find its conversation one after the
//! other. A SwissTable keeps its control bytes and its entries in different places, so a
//! lookup is three dependent loads: control group, entry, conversation. Here a bucket holds
//! both a 32-bit fingerprint of the hash and the slot, so it is two: bucket, conversation.
//!
//! Linear probing with at most 3/4 of the buckets full; removal shifts the entries after
//! the hole back (no tombstones), so probe runs stay as short as inserts left them.

/// A bucket: `fingerprint << 32 | (slot + 1)`; 0 is empty.
type Bucket = u64;

/// The low 32 bits of the hash: compared first, and the home bucket once masked.
#[inline]
fn fingerprint(hash: u64) -> u32 {
    hash as u32
}

#[inline]
fn pack(fp: u32, slot: u32) -> Bucket {
    // Slots index conversations in memory; u32::MAX of them cannot be held.
    debug_assert!(slot < u32::MAX);
    (u64::from(fp) << 32) | (u64::from(slot) + 1)
}

#[inline]
fn fp_of(b: Bucket) -> u32 {
    (b >> 32) as u32
}

#[inline]
fn slot_of(b: Bucket) -> u32 {
    // Occupied buckets hold slot + 1 ≥ 1 in their low half.
    (b as u32).wrapping_sub(1)
}

/// Hash → slot, for slots below `u32::MAX`; several entries may share a hash.
#[derive(Debug, Default)]
pub(crate) struct SlotIndex {
    buckets: Vec<Bucket>,
    len: usize,
}

impl SlotIndex {
    const MIN_BUCKETS: usize = 16;

    #[cfg(test)]
    fn len(&self) -> usize {
        self.len
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.buckets.capacity() * core::mem::size_of::<Bucket>()
    }

    #[inline]
    fn mask(&self) -> usize {
        self.buckets.len() - 1
    }

    /// The home bucket of `hash` (none while the index is empty), for a prefetch.
    #[inline]
    pub(crate) fn home(&self, hash: u64) -> Option<&Bucket> {
        if self.buckets.is_empty() {
            return None;
        }
        self.buckets.get(fingerprint(hash) as usize & self.mask())
    }

    /// The slot of the first entry whose fingerprint is `hash`'s, keys not compared: a
    /// guess for a prefetch.
    #[inline]
    pub(crate) fn guess(&self, hash: u64) -> Option<u32> {
        self.position(hash, |_| true)
            .map(|i| slot_of(self.buckets[i]))
    }

    /// The bucket holding the entry of `hash` for which `is` holds.
    #[inline]
    fn position(&self, hash: u64, mut is: impl FnMut(u32) -> bool) -> Option<usize> {
        if self.buckets.is_empty() {
            return None;
        }
        let fp = fingerprint(hash);
        let mask = self.mask();
        let mut i = fp as usize & mask;
        loop {
            let b = self.buckets[i];
            if b == 0 {
                return None;
            }
            if fp_of(b) == fp && is(slot_of(b)) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// The slot of the entry of `hash` for which `is` holds.
    #[inline]
    pub(crate) fn find(&self, hash: u64, is: impl FnMut(u32) -> bool) -> Option<u32> {
        self.position(hash, is).map(|i| slot_of(self.buckets[i]))
    }

    /// Points the entry of `hash` for which `is` holds at `slot`, or adds one.
    pub(crate) fn set(&mut self, hash: u64, is: impl FnMut(u32) -> bool, slot: u32) {
        match self.position(hash, is) {
            Some(i) => self.buckets[i] = pack(fingerprint(hash), slot),
            None => self.insert(hash, slot),
        }
    }

    /// Adds an entry (the caller knows none of `hash` leads to `slot`).
    pub(crate) fn insert(&mut self, hash: u64, slot: u32) {
        if (self.len + 1) * 4 > self.buckets.len() * 3 {
            self.grow();
        }
        self.place(pack(fingerprint(hash), slot));
        self.len += 1;
    }

    /// Puts a packed entry in the first free bucket from its home.
    fn place(&mut self, b: Bucket) {
        let mask = self.mask();
        let mut i = fp_of(b) as usize & mask;
        while self.buckets[i] != 0 {
            i = (i + 1) & mask;
        }
        self.buckets[i] = b;
    }

    fn grow(&mut self) {
        let n = (self.buckets.len() * 2).max(Self::MIN_BUCKETS);
        let old = core::mem::replace(&mut self.buckets, vec![0; n]);
        for b in old.into_iter().filter(|&b| b != 0) {
            self.place(b);
        }
    }

    /// Removes the entry of `hash` that leads to `slot`; whether there was one.
    pub(crate) fn remove(&mut self, hash: u64, slot: u32) -> bool {
        let Some(mut hole) = self.position(hash, |s| s == slot) else {
            return false;
        };
        // Backward shift: an entry after the hole moves into it unless its home lies
        // between the hole and itself (then it would become unreachable).
        let mask = self.mask();
        let mut j = (hole + 1) & mask;
        loop {
            let b = self.buckets[j];
            if b == 0 {
                break;
            }
            let home = fp_of(b) as usize & mask;
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(hole) & mask) {
                self.buckets[hole] = b;
                hole = j;
            }
            j = (j + 1) & mask;
        }
        self.buckets[hole] = 0;
        self.len -= 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A model check: random inserts, re-points and removals with many colliding homes
    /// (hashes drawn from a small range), against a `HashMap` of slot → hash.
    #[test]
    fn matches_a_map_under_random_operations_with_collisions() {
        let mut index = SlotIndex::default();
        let mut model: HashMap<u32, u64> = HashMap::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for step in 0..20_000u32 {
            let r = next();
            // Few distinct fingerprints, so runs wrap and collide.
            let hash = ((r >> 8) % 64) | ((r % 3) << 40);
            match r % 4 {
                0 | 1 => {
                    index.insert(hash, step);
                    model.insert(step, hash);
                }
                2 => {
                    if let Some((&slot, &h)) = model.iter().next() {
                        assert!(index.remove(h, slot));
                        model.remove(&slot);
                    }
                    assert!(!index.remove(hash, u32::MAX - 1));
                }
                _ => {
                    if let Some((&slot, &h)) = model.iter().next() {
                        index.set(h, |s| s == slot, step);
                        model.remove(&slot);
                        model.insert(step, h);
                    }
                }
            }
            assert_eq!(index.len(), model.len());
        }
        for (&slot, &h) in &model {
            assert_eq!(index.find(h, |s| s == slot), Some(slot));
        }
        let fp_only = fingerprint(12345);
        assert_eq!(index.find(u64::from(fp_only), |_| false), None);
    }

    #[test]
    fn the_predicate_picks_among_equal_hashes() {
        let mut index = SlotIndex::default();
        index.insert(7, 1);
        index.insert(7, 2);
        assert_eq!(index.find(7, |s| s == 2), Some(2));
        assert_eq!(index.find(7, |s| s == 3), None);
        index.set(7, |s| s == 1, 9);
        assert_eq!(index.find(7, |s| s == 9), Some(9));
        assert_eq!(index.find(7, |s| s == 1), None);
        assert_eq!(index.len(), 2);
    }

    #[test]
    fn grows_and_keeps_three_quarters_at_most() {
        let mut index = SlotIndex::default();
        for s in 0..10_000u32 {
            index.insert(u64::from(s).wrapping_mul(0x9E37_79B9), s);
        }
        assert!(index.buckets.len() * 3 >= index.len() * 4);
        for s in 0..10_000u32 {
            let h = u64::from(s).wrapping_mul(0x9E37_79B9);
            assert_eq!(index.find(h, |x| x == s), Some(s));
        }
    }
}
