//! The bytes of one direction the capture has seen: everything below a cumulative point,
//! and up to `RANGES` (16) ranges above holes, each with the time of its first arrival, which
//! the timing rule reads. At the receiver a hole is data that has not arrived (yet); at the sender,
//! data the capture missed.

use crate::seq::{ge, gt, le, lt};

/// Ranges kept above holes; past that the lowest hole is forgotten (taken as seen).
pub(crate) const RANGES: usize = 16;

/// How much of a segment was seen before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cover {
    All,
    Some,
    None,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Range {
    start: u32,
    end: u32,
    /// The first arrival's time, in wrapping microseconds.
    at_us: u32,
}

/// See the module's documentation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Scoreboard {
    /// Every byte before it was seen.
    cum: u32,
    ranges: [Range; RANGES],
    n: u8,
}

/// A time in wrapping microseconds (only gaps under half an hour matter).
fn us(ts_ns: i64) -> u32 {
    ts_ns.div_euclid(1_000) as u32
}

fn earliest_us(a: u32, b: u32) -> u32 {
    if (b.wrapping_sub(a) as i32) < 0 {
        b
    } else {
        a
    }
}

impl Scoreboard {
    pub(crate) fn start(&mut self, end: u32) {
        *self = Scoreboard {
            cum: end,
            ..Scoreboard::default()
        };
    }

    fn live(&self) -> &[Range] {
        &self.ranges[..usize::from(self.n)]
    }

    /// How much of `[s, e)` was seen.
    pub(crate) fn coverage(&self, s: u32, e: u32) -> Cover {
        let len = e.wrapping_sub(s);
        if len == 0 {
            return Cover::All;
        }
        let mut covered: u32 = 0;
        if gt(self.cum, s) {
            covered += if ge(self.cum, e) {
                len
            } else {
                self.cum.wrapping_sub(s)
            };
        }
        for r in self.live() {
            let lo = if gt(r.start, s) { r.start } else { s };
            let hi = if lt(r.end, e) { r.end } else { e };
            if gt(hi, lo) && ge(lo, self.cum) {
                covered += hi.wrapping_sub(lo);
            }
        }
        if covered >= len {
            Cover::All
        } else if covered > 0 {
            Cover::Some
        } else {
            Cover::None
        }
    }

    /// The first arrivals (in wrapping microseconds) of the ranges wholly at or above `e`.
    fn above(&self, e: u32) -> impl Iterator<Item = u32> + '_ {
        self.live()
            .iter()
            .filter(move |r| ge(r.start, e))
            .map(|r| r.at_us)
    }

    /// How long before `now_ns` the first data above `e` arrived.
    pub(crate) fn since_first_arrival_above(&self, e: u32, now_ns: i64) -> Option<i64> {
        let now = us(now_ns);
        self.above(e)
            .map(|t| i64::from(now.wrapping_sub(t) as i32) * 1_000)
            .max()
    }

    /// Notes `[s, e)` seen at `ts_ns`.
    pub(crate) fn add(&mut self, s: u32, e: u32, ts_ns: i64) {
        if le(e, self.cum) {
            return;
        }
        if le(s, self.cum) {
            self.cum = e;
            self.absorb();
            return;
        }
        let mut new = Range {
            start: s,
            end: e,
            at_us: us(ts_ns),
        };
        // Merge with every range it touches.
        let mut i = 0;
        while i < usize::from(self.n) {
            let r = self.ranges[i];
            if le(r.start, new.end) && ge(r.end, new.start) {
                new.start = if lt(r.start, new.start) {
                    r.start
                } else {
                    new.start
                };
                new.end = if gt(r.end, new.end) { r.end } else { new.end };
                new.at_us = earliest_us(new.at_us, r.at_us);
                self.remove(i);
            } else {
                i += 1;
            }
        }
        if usize::from(self.n) == RANGES {
            // Full: forget the lowest hole.
            let lowest = (0..RANGES)
                .min_by_key(|&i| self.ranges[i].start.wrapping_sub(self.cum))
                .unwrap_or(0);
            self.cum = self.ranges[lowest].end;
            self.remove(lowest);
            self.absorb();
            if le(new.end, self.cum) {
                return;
            }
            if le(new.start, self.cum) {
                self.cum = new.end;
                self.absorb();
                return;
            }
        }
        self.ranges[usize::from(self.n)] = new;
        self.n += 1;
    }

    fn remove(&mut self, i: usize) {
        let n = usize::from(self.n);
        self.ranges.copy_within(i + 1..n, i);
        self.n -= 1;
    }

    /// Ranges the cumulative point reached join it.
    fn absorb(&mut self) {
        loop {
            let Some(i) = (0..usize::from(self.n)).find(|&i| le(self.ranges[i].start, self.cum))
            else {
                return;
            };
            if gt(self.ranges[i].end, self.cum) {
                self.cum = self.ranges[i].end;
            }
            self.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_fill_and_coverage_counts_bytes() {
        let mut b = Scoreboard::default();
        b.start(100);
        b.add(200, 300, 10_000);
        b.add(300, 400, 11_000);
        assert_eq!(b.coverage(0, 100), Cover::All);
        assert_eq!(b.coverage(100, 200), Cover::None);
        assert_eq!(b.coverage(150, 250), Cover::Some);
        assert_eq!(b.coverage(200, 400), Cover::All);
        assert_eq!(b.since_first_arrival_above(200, 20_000), Some(10_000));
        b.add(100, 200, 12_000);
        assert_eq!(b.coverage(0, 400), Cover::All);
        assert_eq!(b.since_first_arrival_above(0, 20_000), None);
    }

    #[test]
    fn a_full_board_forgets_its_lowest_hole() {
        let mut b = Scoreboard::default();
        b.start(10);
        for i in 1..=RANGES as u32 + 1 {
            b.add(i * 20, i * 20 + 10, 0);
        }
        assert_eq!(b.coverage(10, 20), Cover::All);
        assert_eq!(b.coverage(30, 40), Cover::None);
    }
}
