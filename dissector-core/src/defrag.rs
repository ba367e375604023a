//! IP fragment reassembly, as Wireshark does it by default (`ip.defragment` and
//! `ipv6.defragment` on): fragments captured whole are held by datagram (addresses,
//! identification and protocol), and the frame whose fragment completes the datagram (all
//! bytes from 0 to the end the last fragment gives) carries the reassembled datagram,
//! which is then decoded like any other, tunnels included. The other fragments carry no
//! TCP. Overlapping and duplicate bytes: the first copy received wins (Wireshark copies the
//! fragments in offset order and keeps the bytes already placed). A datagram completed is
//! forgotten, so a later copy of one of its fragments starts a new datagram, as in
//! Wireshark.
//!
//! Bounded: a datagram is given up [`EXPIRY_NS`] after its first fragment (RFC 8200 §4.5
//! allows 60 s; Wireshark never gives up), and the held datagrams are at most
//! [`MAX_HELD`] and [`MAX_HELD_BYTES`], the oldest given up first. A fragment reaching past
//! [`MAX_DATAGRAM`] bytes is not held.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};

use crate::wire::{reassembled_header, FragmentKey, IpFragment};

/// How long a datagram waits for its missing fragments, from its first one (capture time).
pub const EXPIRY_NS: i64 = 60_000_000_000;
/// The most datagrams held at once.
pub const MAX_HELD: usize = 4096;
/// The most fragment bytes held at once.
pub const MAX_HELD_BYTES: usize = 16 << 20;
/// The largest datagram payload reassembled: an IPv4 fragment may start at 65,528 and
/// carry up to 65,515 bytes; nothing legitimate reaches this.
pub const MAX_DATAGRAM: usize = 1 << 17;

/// What the reassembly has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FragmentCounters {
    /// Fragments fed (captured whole).
    pub fragments: u64,
    /// Datagrams reassembled.
    pub completed: u64,
    /// Datagrams given up after [`EXPIRY_NS`].
    pub expired: u64,
    /// Datagrams given up to stay within [`MAX_HELD`] / [`MAX_HELD_BYTES`].
    pub evicted: u64,
    /// Fragments not held because they reach past [`MAX_DATAGRAM`].
    pub too_long: u64,
    /// Datagrams still incomplete (at the end of the capture: never completed).
    pub held: u64,
}

/// One datagram being reassembled.
#[derive(Debug)]
struct Pending {
    /// Tells this datagram from an earlier one with the same key in the age queue.
    generation: u64,
    /// The first fragment's header (from the fragment at offset 0; empty until then).
    header: Vec<u8>,
    data: Vec<u8>,
    /// The byte ranges of `data` received, sorted and merged.
    covered: Vec<(usize, usize)>,
    /// The payload length, once the last fragment (more-fragments clear) arrived.
    total: Option<usize>,
}

impl Pending {
    /// Copies the bytes of `data` at `offset` that no earlier fragment gave.
    fn place(&mut self, offset: usize, data: &[u8]) {
        let end = offset + data.len();
        if self.data.len() < end {
            self.data.resize(end, 0);
        }
        let mut at = offset;
        for &(s, e) in &self.covered {
            if e <= at {
                continue;
            }
            if s >= end {
                break;
            }
            if s > at {
                self.data[at..s].copy_from_slice(&data[at - offset..s - offset]);
            }
            at = at.max(e);
        }
        if at < end {
            self.data[at..end].copy_from_slice(&data[at - offset..]);
        }
        self.covered.push((offset, end));
        self.covered.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(self.covered.len());
        for &(s, e) in &self.covered {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        self.covered = merged;
    }

    /// The payload length, when every byte of it and the header are here.
    fn complete(&self) -> Option<usize> {
        let total = self.total?;
        let whole = matches!(self.covered.first(), Some(&(0, e)) if e >= total);
        (whole && !self.header.is_empty()).then_some(total)
    }

    fn held_bytes(&self) -> usize {
        self.data.len() + self.header.len()
    }
}

/// The reassembly state of one capture.
#[derive(Debug, Default)]
pub struct Defragmenter {
    pending: HashMap<FragmentKey, Pending>,
    /// (first fragment's time, key, generation), oldest first; entries of datagrams already
    /// completed or given up are skipped when they reach the front.
    ages: VecDeque<(i64, FragmentKey, u64)>,
    held_bytes: usize,
    generation: u64,
    counters: FragmentCounters,
}

impl Defragmenter {
    pub fn counters(&self) -> FragmentCounters {
        FragmentCounters {
            held: self.pending.len() as u64,
            ..self.counters
        }
    }

    /// Adds a fragment seen at `now`; when it completes its datagram, the datagram (header
    /// and payload, ready for `wire::decode_reassembled`).
    pub fn add(&mut self, f: &IpFragment<'_>, now: i64) -> Option<Vec<u8>> {
        self.counters.fragments += 1;
        self.expire(now);
        let offset = f.offset as usize;
        let end = offset + f.data.len();
        if end > MAX_DATAGRAM {
            self.counters.too_long += 1;
            return None;
        }
        // Room first: the oldest datagrams (possibly this one) go.
        loop {
            let held = self.pending.get(&f.key).map(|p| p.data.len());
            let need = end.saturating_sub(held.unwrap_or(0)) + f.header.len();
            let full = held.is_none() && self.pending.len() >= MAX_HELD;
            if !(full || self.held_bytes + need > MAX_HELD_BYTES) || !self.give_up_oldest(false) {
                break;
            }
        }
        let p = match self.pending.entry(f.key) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                self.generation += 1;
                self.ages.push_back((now, f.key, self.generation));
                v.insert(Pending {
                    generation: self.generation,
                    header: Vec::new(),
                    data: Vec::new(),
                    covered: Vec::new(),
                    total: None,
                })
            }
        };
        let before = p.held_bytes();
        if offset == 0 && p.header.is_empty() {
            p.header.extend_from_slice(f.header);
        }
        if !f.more && p.total.is_none() {
            p.total = Some(end);
        }
        p.place(offset, f.data);
        self.held_bytes = self.held_bytes + p.held_bytes() - before;
        let total = p.complete()?;
        let p = self.pending.remove(&f.key)?;
        self.held_bytes -= p.held_bytes();
        self.counters.completed += 1;
        let mut datagram = Vec::with_capacity(p.header.len() + total);
        reassembled_header(&p.header, f.key.proto, total, &mut datagram);
        datagram.extend_from_slice(&p.data[..total]);
        self.compact_ages();
        Some(datagram)
    }

    /// Gives up the datagrams whose first fragment is older than [`EXPIRY_NS`] at `now`.
    fn expire(&mut self, now: i64) {
        while let Some(&(t, _, _)) = self.ages.front() {
            if now.saturating_sub(t) <= EXPIRY_NS {
                break;
            }
            self.give_up_oldest(true);
        }
    }

    /// Gives up the oldest datagram still held; false when none is.
    fn give_up_oldest(&mut self, expired: bool) -> bool {
        while let Some((_, key, generation)) = self.ages.pop_front() {
            if self
                .pending
                .get(&key)
                .is_some_and(|p| p.generation == generation)
            {
                if let Some(p) = self.pending.remove(&key) {
                    self.held_bytes -= p.held_bytes();
                }
                if expired {
                    self.counters.expired += 1;
                } else {
                    self.counters.evicted += 1;
                }
                return true;
            }
        }
        false
    }

    /// Drops the age entries of datagrams no longer held once they outnumber the held ones
    /// twice over, so the queue stays within 2 × [`MAX_HELD`] (+ 1) entries.
    fn compact_ages(&mut self) {
        if self.ages.len() > 2 * MAX_HELD.max(self.pending.len()) {
            let pending = &self.pending;
            self.ages
                .retain(|(_, k, g)| pending.get(k).is_some_and(|p| p.generation == *g));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Encap;
    use core::net::{IpAddr, Ipv4Addr};

    fn key(id: u32) -> FragmentKey {
        FragmentKey {
            src: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
            dst: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
            id,
            proto: 6,
        }
    }

    const HEADER: [u8; 20] = [
        0x45, 0, 0, 36, 0, 7, 0x20, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ];

    fn frag<'a>(id: u32, offset: u32, more: bool, data: &'a [u8]) -> IpFragment<'a> {
        IpFragment {
            key: key(id),
            offset,
            more,
            data,
            header: &HEADER,
            path: Encap::new(),
            depth: 0,
        }
    }

    #[test]
    fn out_of_order_fragments_complete_on_the_last_hole() {
        let mut d = Defragmenter::default();
        assert_eq!(d.add(&frag(7, 16, false, &[3; 8]), 0), None);
        assert_eq!(d.add(&frag(7, 0, true, &[1; 8]), 1), None);
        let dg = d.add(&frag(7, 8, true, &[2; 8]), 2).expect("complete");
        // The header: total length 44, fragment fields cleared.
        assert_eq!(&dg[2..4], &44u16.to_be_bytes());
        assert_eq!(&dg[6..8], &[0, 0]);
        assert_eq!(&dg[20..], &[[1u8; 8], [2; 8], [3; 8]].concat()[..]);
        let c = d.counters();
        assert_eq!((c.fragments, c.completed, c.held), (3, 1, 0));
    }

    #[test]
    fn the_first_copy_of_overlapping_bytes_wins() {
        let mut d = Defragmenter::default();
        assert_eq!(d.add(&frag(1, 0, true, &[1; 16]), 0), None);
        // Overlaps bytes 8..16 with other values, and adds 16..24 as the last fragment.
        let dg = d.add(&frag(1, 8, false, &[9; 16]), 1).expect("complete");
        assert_eq!(&dg[20..], &[&[1u8; 16][..], &[9; 8]].concat()[..]);
    }

    #[test]
    fn a_completed_datagram_is_forgotten_and_a_late_copy_starts_anew() {
        let mut d = Defragmenter::default();
        d.add(&frag(2, 0, true, &[1; 8]), 0);
        assert!(d.add(&frag(2, 8, false, &[2; 8]), 1).is_some());
        assert_eq!(d.add(&frag(2, 8, false, &[2; 8]), 2), None);
        assert_eq!(d.counters().held, 1);
    }

    #[test]
    fn without_the_first_fragment_nothing_completes() {
        let mut d = Defragmenter::default();
        assert_eq!(d.add(&frag(3, 8, false, &[2; 8]), 0), None);
        assert_eq!(d.add(&frag(3, 8, false, &[2; 8]), 1), None);
        assert_eq!(d.counters().completed, 0);
    }

    #[test]
    fn datagrams_expire_after_a_minute() {
        let mut d = Defragmenter::default();
        d.add(&frag(4, 0, true, &[1; 8]), 0);
        // 61 s later the first fragment is forgotten: the last one cannot complete it.
        assert_eq!(d.add(&frag(4, 8, false, &[2; 8]), 61_000_000_000), None);
        let c = d.counters();
        assert_eq!((c.expired, c.held, c.completed), (1, 1, 0));
    }

    #[test]
    fn memory_stays_bounded() {
        let mut d = Defragmenter::default();
        let data = [0u8; 8];
        for id in 0..(MAX_HELD as u32 + 10) {
            d.add(&frag(id, 0, true, &data), 0);
        }
        let c = d.counters();
        assert_eq!((c.held, c.evicted), (MAX_HELD as u64, 10));
        assert!(d.ages.len() <= 2 * MAX_HELD + 1);
        // Datagrams growing to their largest stay within the byte bound.
        let big = vec![0u8; 65_000];
        for id in 0..300 {
            d.add(&frag(id, 0, true, &big), 1);
            d.add(&frag(id, 65_000, true, &big), 1);
        }
        assert!(d.held_bytes <= MAX_HELD_BYTES);
        // A fragment reaching past the largest datagram is not held.
        assert_eq!(d.add(&frag(1, 65_528, true, &[0; 70_000]), 0), None);
        assert_eq!(d.counters().too_long, 1);
    }
}
