//! Time as the pictures show it: counted from the connection's first packet (never from the
//! capture's start, never as an absolute date), optionally narrowed to a range of seconds or
//! frames (`--from/--to`), with long idle stretches cut out of the axis and marked.

use std::borrow::Cow;

use crate::trace::{Packet, Stream};

/// One end of a range: seconds since the connection's first packet, or a frame number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Seconds(f64),
    Frame(u32),
}

/// The part of a connection a picture shows; both ends included, `None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Range {
    pub from: Option<Bound>,
    pub to: Option<Bound>,
}

impl Range {
    /// Whether the range is the whole connection.
    pub fn is_all(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Whether `p` (of a connection whose first packet was at `origin_ns`) is shown.
    pub fn keeps(&self, p: &Packet, origin_ns: i64) -> bool {
        let t = secs(p.t_ns - origin_ns);
        let after = match self.from {
            None => true,
            Some(Bound::Seconds(s)) => t >= s,
            Some(Bound::Frame(f)) => p.frame >= f,
        };
        let before = match self.to {
            None => true,
            Some(Bound::Seconds(s)) => t <= s,
            Some(Bound::Frame(f)) => p.frame <= f,
        };
        after && before
    }

    /// The packets of `stream` the range keeps, as a stream of their own (the stream
    /// itself, not a copy, when the range is the whole connection).
    pub fn view<'s>(&self, stream: &'s Stream) -> Cow<'s, Stream> {
        if self.is_all() {
            return Cow::Borrowed(stream);
        }
        let origin = origin_ns(&stream.packets);
        Cow::Owned(Stream {
            stream: stream.stream,
            endpoints: stream.endpoints.clone(),
            packets: stream
                .packets
                .iter()
                .filter(|p| self.keeps(p, origin))
                .copied()
                .collect(),
        })
    }
}

/// The time of the connection's first packet (the earliest, should the capture's clock
/// step back): every picture counts time from it.
pub fn origin_ns(packets: &[Packet]) -> i64 {
    packets.iter().map(|p| p.t_ns).min().unwrap_or(0)
}

/// Nanoseconds as seconds.
pub fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

/// A gap is idle when it is longer than this ...
pub const IDLE_MIN_NS: i64 = 1_000_000_000;
/// ... and longer than this many times the connection's usual gap (its 75th percentile),
const IDLE_FACTOR: i64 = 10;
/// ... or longer than this share of the whole span (a lone long wait among few packets).
const IDLE_SHARE: f64 = 0.25;
/// At most this many gaps are cut out, the longest ones.
pub const MAX_IDLE: usize = 12;

/// The idle stretches of `times` (nanoseconds, in the order given): each `(i, gap)` says the
/// wait from `times[i - 1]` to `times[i]` is idle. A gap is idle when it is over a second
/// and either ten times the usual gap or a quarter of the whole span.
pub fn idle_gaps(times: &[i64]) -> Vec<(usize, i64)> {
    let mut gaps: Vec<(usize, i64)> = times
        .windows(2)
        .enumerate()
        .map(|(i, w)| (i + 1, w[1] - w[0]))
        .filter(|&(_, g)| g > 0)
        .collect();
    if gaps.is_empty() {
        return gaps;
    }
    let mut sorted: Vec<i64> = gaps.iter().map(|g| g.1).collect();
    sorted.sort_unstable();
    let usual = sorted[(sorted.len() - 1) * 3 / 4];
    let span = times.iter().max().copied().unwrap_or(0) - times.iter().min().copied().unwrap_or(0);
    gaps.retain(|&(_, g)| {
        g > IDLE_MIN_NS
            && (g > usual.saturating_mul(IDLE_FACTOR) || g as f64 > span as f64 * IDLE_SHARE)
    });
    if gaps.len() > MAX_IDLE {
        gaps.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        gaps.truncate(MAX_IDLE);
        gaps.sort_unstable();
    }
    gaps
}

/// One stretch of the time axis between idle breaks: data times `t0..t1` (seconds) drawn
/// over `x0..x1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    pub t0: f64,
    pub t1: f64,
    pub x0: f64,
    pub x1: f64,
}

impl Piece {
    fn x(&self, t: f64) -> f64 {
        if self.t1 > self.t0 {
            self.x0 + (t - self.t0) / (self.t1 - self.t0) * (self.x1 - self.x0)
        } else {
            (self.x0 + self.x1) / 2.0
        }
    }
}

/// A time axis with its idle stretches cut out: pieces of truthful, linear time separated
/// by breaks of a fixed width.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeAxis {
    pub pieces: Vec<Piece>,
    /// Each break: the idle stretch's first and last second.
    pub breaks: Vec<(f64, f64)>,
}

/// The width of a break on the axis.
pub const BREAK_WIDTH: f64 = 34.0;
/// No piece is drawn narrower than this (a burst after a long wait stays readable).
const MIN_PIECE: f64 = 70.0;

impl TimeAxis {
    /// The axis for packets at `times` (seconds since the connection's first packet, any
    /// order) drawn over `x0..x1`.
    pub fn new(times: &[f64], x0: f64, x1: f64) -> TimeAxis {
        let mut sorted: Vec<f64> = times.iter().copied().filter(|t| t.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let (Some(&first), Some(&last)) = (sorted.first(), sorted.last()) else {
            return TimeAxis {
                pieces: vec![Piece {
                    t0: 0.0,
                    t1: 1.0,
                    x0,
                    x1,
                }],
                breaks: Vec::new(),
            };
        };
        let ns: Vec<i64> = sorted.iter().map(|t| (t * 1e9).round() as i64).collect();
        let gaps = idle_gaps(&ns);
        let mut spans = Vec::with_capacity(gaps.len() + 1);
        let mut start = first;
        let mut breaks = Vec::with_capacity(gaps.len());
        for &(i, _) in &gaps {
            spans.push((start, sorted[i - 1]));
            breaks.push((sorted[i - 1], sorted[i]));
            start = sorted[i];
        }
        spans.push((start, last));
        // Pad each piece by a share of the time kept, so edge marks are not on the frame.
        let kept: f64 = spans.iter().map(|(a, b)| b - a).sum();
        let pad = (kept * 0.02).max(1e-6);
        let spans: Vec<(f64, f64)> = spans.iter().map(|&(a, b)| (a - pad, b + pad)).collect();
        let avail = (x1 - x0 - BREAK_WIDTH * breaks.len() as f64).max(1.0);
        let widths = piece_widths(&spans, avail);
        let mut x = x0;
        let pieces = spans
            .iter()
            .zip(widths)
            .map(|(&(t0, t1), w)| {
                let p = Piece {
                    t0,
                    t1,
                    x0: x,
                    x1: x + w,
                };
                x += w + BREAK_WIDTH;
                p
            })
            .collect();
        TimeAxis { pieces, breaks }
    }

    /// The x of time `t`; a time inside a break falls inside the break's band.
    pub fn x(&self, t: f64) -> f64 {
        for (i, p) in self.pieces.iter().enumerate() {
            if t <= p.t1 || i + 1 == self.pieces.len() {
                if i > 0 && t < p.t0 {
                    // Inside the break before this piece.
                    let prev = &self.pieces[i - 1];
                    let (a, b) = self.breaks[i - 1];
                    let f = ((t - a) / (b - a).max(1e-12)).clamp(0.0, 1.0);
                    return prev.x1 + f * (p.x0 - prev.x1);
                }
                return p.x(t);
            }
        }
        0.0
    }

    /// The first and last second shown.
    pub fn span(&self) -> (f64, f64) {
        match (self.pieces.first(), self.pieces.last()) {
            (Some(a), Some(b)) => (a.t0, b.t1),
            _ => (0.0, 1.0),
        }
    }
}

/// Widths proportional to each span's duration, none under [`MIN_PIECE`] when there is room.
fn piece_widths(spans: &[(f64, f64)], avail: f64) -> Vec<f64> {
    let n = spans.len() as f64;
    if avail < MIN_PIECE * n {
        return vec![avail / n; spans.len()];
    }
    let durs: Vec<f64> = spans.iter().map(|(a, b)| (b - a).max(0.0)).collect();
    let mut widths = vec![0.0; spans.len()];
    let mut fixed = vec![false; spans.len()];
    // Pieces that would be too narrow get the minimum; the rest share what is left.
    loop {
        let free: f64 = avail - fixed.iter().filter(|f| **f).count() as f64 * MIN_PIECE;
        let total: f64 = durs
            .iter()
            .zip(&fixed)
            .filter(|(_, f)| !**f)
            .map(|(d, _)| d)
            .sum();
        let mut changed = false;
        for i in 0..spans.len() {
            if fixed[i] {
                widths[i] = MIN_PIECE;
                continue;
            }
            let left = spans.len() - fixed.iter().filter(|f| **f).count();
            widths[i] = if total > 0.0 {
                free * durs[i] / total
            } else {
                free / left as f64
            };
            if widths[i] < MIN_PIECE {
                fixed[i] = true;
                changed = true;
            }
        }
        if !changed {
            return widths;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    #[test]
    fn a_long_wait_after_a_burst_is_idle_and_steady_gaps_are_not() {
        // fast009's shape: 38 packets within 0.83 s, then a RST 60 s later.
        let mut t: Vec<i64> = (0..38).map(|i| i * 22_000_000).collect();
        t.push(61 * S);
        let gaps = idle_gaps(&t);
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].0, 38);
        // Keep-alives every 45 s: nothing to cut, the axis stays linear.
        let steady: Vec<i64> = (0..10).map(|i| i * 45 * S).collect();
        assert!(idle_gaps(&steady).is_empty());
        // Under a second is never idle, however it compares.
        let short: Vec<i64> = vec![0, 1, 2, 3, 900_000_000];
        assert!(idle_gaps(&short).is_empty());
        // Three packets, the last a minute later: a lone long wait.
        assert_eq!(idle_gaps(&[0, 1_000, 60 * S]), [(2, 60 * S - 1_000)]);
    }

    #[test]
    fn an_axis_with_a_break_stays_truthful_on_each_side() {
        let mut times: Vec<f64> = (0..38).map(|i| i as f64 * 0.022).collect();
        times.push(61.0);
        let ax = TimeAxis::new(&times, 100.0, 970.0);
        assert_eq!(ax.pieces.len(), 2);
        assert_eq!(ax.breaks.len(), 1);
        let (a, b) = (ax.pieces[0], ax.pieces[1]);
        assert!(a.t0 < 0.0 && a.t1 > 0.814 && a.t1 < 1.0, "{a:?}");
        assert!(b.t0 < 61.0 && b.t1 > 61.0, "{b:?}");
        assert!((b.x0 - a.x1 - BREAK_WIDTH).abs() < 1e-9);
        assert!((b.x1 - 970.0).abs() < 1e-9);
        assert!(b.x1 - b.x0 >= MIN_PIECE - 1e-9);
        // Linear inside a piece; monotonic across the break.
        let mid = ax.x(0.4);
        assert!((mid - (ax.x(0.0) + ax.x(0.8)) / 2.0).abs() < 1e-6);
        assert!(ax.x(0.8) < ax.x(30.0) && ax.x(30.0) < ax.x(61.0));
        assert!(ax.x(30.0) > a.x1 && ax.x(30.0) < b.x0);
    }

    #[test]
    fn no_packet_gives_a_plain_axis() {
        let ax = TimeAxis::new(&[], 0.0, 100.0);
        assert_eq!(ax.pieces.len(), 1);
        assert_eq!(ax.x(0.5), 50.0);
    }
}
