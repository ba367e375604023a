//! Per-direction connection statistics, gathered once per analysed segment from the
//! segment and its `tcp.analysis` verdicts (`docs/statistics.md` says what each one counts
//! and how it compares with `tcptrace -l`).
//!
//! Everything is a running counter: no per-segment list is kept. RTT deviation comes from
//! Welford's running mean and sum of squared differences; unique and missed bytes from the
//! highest sequence number seen and at most [`HOLES`] gaps below it.

use crate::analysis::{FrameAnalysis, Verdict};
use crate::seq;
use crate::wire::TcpSegment;

/// Gaps in the sequence space remembered per direction. A further gap pushes out the
/// oldest, whose bytes then count as missed even if they arrive later.
pub const HOLES: usize = 2;

/// "Not set" for an `i64` time.
const UNSET: i64 = i64::MIN;

/// The sequence space one direction covered: from the first byte seen to the highest, with
/// the gaps in between not (yet) seen.
#[derive(Debug, Clone, Copy, Default)]
pub struct SeqCover {
    /// Whether `next` is known (a SYN or a segment with data or FIN was seen).
    known: bool,
    /// One past the highest sequence number seen (data, SYN and FIN count).
    next: u32,
    /// Gaps below `next`, `[start, end)`, oldest first.
    holes: [(u32, u32); HOLES],
    n_holes: u8,
    /// Bytes of gaps pushed out of `holes` (never filled, as far as we know).
    dropped: u32,
    /// The highest acknowledgement number the peer sent (valid when `acked_known`).
    acked: u32,
    acked_known: bool,
}

impl SeqCover {
    /// Takes in a segment covering `[seq, seq + len)` (plus one for SYN and FIN); returns
    /// how many of its payload bytes were not seen before.
    fn cover(&mut self, seq: u32, len: u32, syn: bool, fin: bool) -> u32 {
        let start = seq.wrapping_add(u32::from(syn));
        let end = start.wrapping_add(len);
        let stop = end.wrapping_add(u32::from(fin));
        if !self.known {
            if len == 0 && !syn && !fin {
                return 0;
            }
            *self = SeqCover {
                known: true,
                next: stop,
                ..*self
            };
            return len;
        }
        if len == 0 && !fin {
            return 0;
        }
        if seq::gt(start, self.next) {
            // A gap the capture never saw (yet).
            self.push_hole(self.next, start);
            self.next = stop;
            return len;
        }
        let mut new = 0u32;
        if seq::gt(end, self.next) {
            new += end.wrapping_sub(self.next);
        }
        // Bytes below `next` are new only where they fill a gap.
        let below_end = if seq::lt(end, self.next) {
            end
        } else {
            self.next
        };
        let mut i = 0;
        while i < self.n_holes as usize {
            let (hs, he) = self.holes[i];
            let lo = if seq::gt(start, hs) { start } else { hs };
            let hi = if seq::lt(below_end, he) {
                below_end
            } else {
                he
            };
            if seq::lt(lo, hi) {
                new += hi.wrapping_sub(lo);
                // What remains of the gap: before and after the filled part.
                let before = (hs, lo);
                let after = (hi, he);
                let keep_before = seq::lt(before.0, before.1);
                let keep_after = seq::lt(after.0, after.1);
                match (keep_before, keep_after) {
                    (false, false) => {
                        self.remove_hole(i);
                        continue;
                    }
                    (true, false) => self.holes[i] = before,
                    (false, true) => self.holes[i] = after,
                    (true, true) => {
                        self.holes[i] = before;
                        self.insert_hole(i + 1, after);
                        i += 1;
                    }
                }
            }
            i += 1;
        }
        if seq::gt(stop, self.next) {
            self.next = stop;
        }
        new
    }

    fn push_hole(&mut self, start: u32, end: u32) {
        self.insert_hole(self.n_holes as usize, (start, end));
    }

    /// Inserts a gap at `at`, pushing out the oldest when all are taken.
    fn insert_hole(&mut self, at: usize, hole: (u32, u32)) {
        let mut at = at;
        if self.n_holes as usize == HOLES {
            let (s, e) = self.holes[0];
            self.dropped = self.dropped.saturating_add(e.wrapping_sub(s));
            self.remove_hole(0);
            at = at.saturating_sub(1);
        }
        let n = self.n_holes as usize;
        self.holes.copy_within(at..n, at + 1);
        self.holes[at] = hole;
        self.n_holes += 1;
    }

    fn remove_hole(&mut self, i: usize) {
        let n = self.n_holes as usize;
        self.holes.copy_within(i + 1..n, i);
        self.n_holes -= 1;
    }

    /// The peer acknowledged up to `ack`.
    fn acked_to(&mut self, ack: u32) {
        if !self.acked_known || seq::gt(ack, self.acked) {
            self.acked = ack;
            self.acked_known = true;
        }
    }

    /// Zeek's missed bytes: the gaps never filled, and what the peer acknowledged beyond
    /// the highest sequence number seen.
    pub fn missed(&self) -> u64 {
        let holes: u64 = self.holes[..self.n_holes as usize]
            .iter()
            .map(|(s, e)| u64::from(e.wrapping_sub(*s)))
            .sum();
        let beyond = if self.known && self.acked_known && seq::gt(self.acked, self.next) {
            // A peer acknowledging more than 2^31 ahead is not acknowledging this stream.
            u64::from(self.acked.wrapping_sub(self.next))
        } else {
            0
        };
        holes + u64::from(self.dropped) + beyond
    }
}

/// The statistics of one direction of a conversation (what its sender sent and advertised).
///
/// Size: 176 bytes (a test keeps it at most that), so a conversation's two directions add
/// 352 bytes to the analysis state.
#[derive(Debug, Clone, Copy)]
pub struct DirStats {
    /// Packets with payload.
    pub data_packets: u32,
    /// Payload bytes not seen before (first transmissions, and gaps filled).
    pub unique_bytes: u64,
    /// IP bytes (the IP total length of every packet, headers included).
    pub ip_bytes: u64,
    /// Packets Wireshark marks as retransmissions (fast and spurious included), and their
    /// payload bytes.
    pub retrans_packets: u32,
    pub retrans_bytes: u64,
    pub out_of_order: u32,
    /// Segments with payload of which no byte was new.
    pub duplicate: u32,
    pub dup_acks: u32,
    /// Zero windows advertised (Wireshark's `zero_window`).
    pub zero_window: u32,
    /// Time spent advertising a zero window: from a zero window to this side's next
    /// non-zero one.
    zero_window_ns: i64,
    zero_window_since: i64,
    /// ACK RTTs of this side's data (measured on the peer's ACKs): count, Welford's mean and
    /// sum of squared differences, in nanoseconds.
    rtt_n: u32,
    rtt_mean: f64,
    rtt_m2: f64,
    rtt_min: i64,
    rtt_max: i64,
    /// Options of this side's SYN.
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    /// Yes/no facts, [`DirStats::SACK_PERMITTED`] and the others, in one byte.
    bits: u8,
    /// Largest window advertised, and smallest non-zero one after the SYN (scaled as
    /// Wireshark's `tcp.window_size`), and the SYN's smallest non-zero window.
    max_window: u32,
    min_window: u32,
    syn_min_window: u32,
    /// The latest packet of this side and the longest time between two of them.
    last_ns: i64,
    idle_max_ns: i64,
    /// This side's latest SYN (the server's: SYN-ACK) before the handshake completed, for
    /// [`Vantage`]: frozen when the handshake completes, so a late copy does not move it.
    syn_ns: i64,
    pub cover: SeqCover,
}

impl Default for DirStats {
    fn default() -> Self {
        DirStats {
            data_packets: 0,
            unique_bytes: 0,
            ip_bytes: 0,
            retrans_packets: 0,
            retrans_bytes: 0,
            out_of_order: 0,
            duplicate: 0,
            dup_acks: 0,
            zero_window: 0,
            zero_window_ns: 0,
            zero_window_since: UNSET,
            rtt_n: 0,
            rtt_mean: 0.0,
            rtt_m2: 0.0,
            rtt_min: i64::MAX,
            rtt_max: i64::MIN,
            mss: None,
            window_scale: None,
            bits: 0,
            max_window: 0,
            min_window: u32::MAX,
            syn_min_window: u32::MAX,
            last_ns: UNSET,
            idle_max_ns: 0,
            syn_ns: UNSET,
            cover: SeqCover::default(),
        }
    }
}

/// RTT summary of one direction, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RttSummary {
    pub samples: u32,
    pub min_ns: i64,
    pub avg_ns: i64,
    pub max_ns: i64,
    /// Sample standard deviation (n − 1; 0 for one sample), as tcptrace gives it.
    pub stddev_ns: i64,
}

impl DirStats {
    /// This side's SYN permitted SACK.
    pub const SACK_PERMITTED: u8 = 1;
    /// This side's SYN carried timestamps.
    pub const TIMESTAMPS: u8 = 2;
    /// A SYN of this side was seen (its options are known).
    pub const SYN_SEEN: u8 = 4;
    /// A window was seen (`max_window` is known).
    const WINDOW_SEEN: u8 = 8;

    /// Whether `bit` (one of the constants above) is set.
    pub fn has(&self, bit: u8) -> bool {
        self.bits & bit != 0
    }

    /// `bit` of this side's SYN, when its SYN was seen.
    pub fn syn_option(&self, bit: u8) -> Option<bool> {
        self.has(Self::SYN_SEEN).then(|| self.has(bit))
    }

    /// One segment sent by this side, with its analysis; `peer` is the other side's
    /// statistics (this segment's ACK and RTT sample are about the peer's data).
    pub fn on_segment(
        &mut self,
        peer: &mut DirStats,
        seg: &TcpSegment<'_>,
        an: &FrameAnalysis,
        ts_ns: i64,
    ) {
        let f = seg.flags;
        let v = an.verdicts;
        self.ip_bytes += u64::from(seg.ip_len);
        if self.last_ns != UNSET {
            self.idle_max_ns = self.idle_max_ns.max(ts_ns.saturating_sub(self.last_ns));
        }
        self.last_ns = ts_ns;

        if f.syn() {
            let o = &seg.options;
            self.mss = o.mss.or(self.mss);
            self.window_scale = o.window_scale.or(self.window_scale);
            self.bits |= Self::SYN_SEEN;
            if o.sack_permitted {
                self.bits |= Self::SACK_PERMITTED;
            }
            if o.timestamps.is_some() {
                self.bits |= Self::TIMESTAMPS;
            }
        }
        if seg.seg_len > 0 {
            self.data_packets += 1;
        }
        if !f.rst() {
            let new = self.cover.cover(seg.seq, seg.seg_len, f.syn(), f.fin());
            self.unique_bytes += u64::from(new);
            if seg.seg_len > 0 && new == 0 {
                self.duplicate += 1;
            }
            if f.ack() {
                peer.cover.acked_to(seg.ack);
            }
            if let Some(w) = an.window_scaled {
                self.bits |= Self::WINDOW_SEEN;
                self.max_window = self.max_window.max(w);
                if w > 0 {
                    let min = if f.syn() {
                        &mut self.syn_min_window
                    } else {
                        &mut self.min_window
                    };
                    *min = (*min).min(w);
                }
                if w == 0 {
                    if self.zero_window_since == UNSET {
                        self.zero_window_since = ts_ns;
                    }
                } else if self.zero_window_since != UNSET {
                    self.zero_window_ns = self
                        .zero_window_ns
                        .saturating_add(ts_ns.saturating_sub(self.zero_window_since));
                    self.zero_window_since = UNSET;
                }
            }
        }
        let retrans = [
            Verdict::Retransmission,
            Verdict::FastRetransmission,
            Verdict::SpuriousRetransmission,
        ]
        .into_iter()
        .any(|r| v.has(r));
        if retrans {
            self.retrans_packets += 1;
            self.retrans_bytes += u64::from(seg.seg_len);
        }
        if v.has(Verdict::OutOfOrder) {
            self.out_of_order += 1;
        }
        if v.has(Verdict::DuplicateAck) {
            self.dup_acks += 1;
        }
        if v.has(Verdict::ZeroWindow) {
            self.zero_window += 1;
        }
        if let Some(rtt) = an.ack_rtt_ns {
            peer.rtt_sample(rtt);
        }
    }

    fn rtt_sample(&mut self, ns: i64) {
        self.rtt_n += 1;
        let x = ns as f64;
        let delta = x - self.rtt_mean;
        self.rtt_mean += delta / f64::from(self.rtt_n);
        self.rtt_m2 += delta * (x - self.rtt_mean);
        self.rtt_min = self.rtt_min.min(ns);
        self.rtt_max = self.rtt_max.max(ns);
    }

    /// The RTT samples of this side's data, when there are any.
    pub fn rtt(&self) -> Option<RttSummary> {
        (self.rtt_n > 0).then(|| RttSummary {
            samples: self.rtt_n,
            min_ns: self.rtt_min,
            avg_ns: self.rtt_mean.round() as i64,
            max_ns: self.rtt_max,
            stddev_ns: if self.rtt_n > 1 {
                (self.rtt_m2 / f64::from(self.rtt_n - 1)).sqrt().round() as i64
            } else {
                0
            },
        })
    }

    /// Time spent advertising a zero window, a zero window still open at `end_ns` counted
    /// up to it.
    pub fn zero_window_ns(&self, end_ns: i64) -> i64 {
        let open = if self.zero_window_since == UNSET {
            0
        } else {
            end_ns.saturating_sub(self.zero_window_since)
        };
        self.zero_window_ns.saturating_add(open)
    }

    /// The largest window advertised, when any was.
    pub fn max_window(&self) -> Option<u32> {
        self.has(Self::WINDOW_SEEN).then_some(self.max_window)
    }

    /// The smallest non-zero window advertised, when any was. With window scaling in use
    /// (`scaled`: both SYNs had the option) the SYN's window, never scaled, does not count,
    /// as in tcptrace.
    pub fn min_window(&self, scaled: bool) -> Option<u32> {
        let min = if scaled {
            self.min_window
        } else {
            self.min_window.min(self.syn_min_window)
        };
        (min != u32::MAX).then_some(min)
    }

    /// The longest time between two packets of this side.
    pub fn idle_max_ns(&self) -> i64 {
        self.idle_max_ns
    }

    /// A SYN (or SYN-ACK) of this side at `ts_ns`, before the handshake completed.
    pub fn on_handshake_syn(&mut self, ts_ns: i64) {
        self.syn_ns = ts_ns;
    }

    /// The time of this side's latest SYN before the handshake completed, when one was seen.
    pub fn handshake_syn_ns(&self) -> Option<i64> {
        (self.syn_ns != UNSET).then_some(self.syn_ns)
    }
}

/// Where the capture was taken, as far as the timing tells (`vantage` in `conns`;
/// `docs/statistics.md`, "Vantage point").
///
/// A round trip seen from the capture point splits in two: the time a packet takes to go
/// from the capture point to the client and the client's answer to come back (the *client
/// part*), and the same towards the server (the *server part*). Near an end, that end's
/// part is only its own processing delay, a tiny share of the round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vantage {
    /// Near the client: the client part is under [`Vantage::NEAR_SHARE`] of the round trip.
    Client,
    /// Near the server: the server part is under [`Vantage::NEAR_SHARE`].
    Server,
    /// Between them: both parts are at least [`Vantage::NEAR_SHARE`].
    Middle,
    /// No handshake and too few ACK RTT samples (or a round trip of no time).
    Unknown,
}

/// The evidence [`Vantage::infer`] reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct VantageEvidence {
    /// The latest SYN, the latest SYN-ACK before the handshake completed, and the SYN to
    /// the ACK that completed it.
    pub syn_ns: Option<i64>,
    pub syn_ack_ns: Option<i64>,
    pub handshake_rtt_ns: Option<i64>,
    /// The smallest ACK RTT of the client's data and of the server's data, with their
    /// sample counts.
    pub rtt_client: Option<(u32, i64)>,
    pub rtt_server: Option<(u32, i64)>,
}

impl Vantage {
    /// A part of the round trip under this share (10%) puts the capture near that end.
    pub const NEAR_SHARE: f64 = 0.10;
    /// ACK RTT samples needed in each direction for the data rule.
    pub const MIN_SAMPLES: u32 = 2;

    pub const fn name(self) -> &'static str {
        match self {
            Vantage::Client => "client",
            Vantage::Server => "server",
            Vantage::Middle => "middle",
            Vantage::Unknown => "unknown",
        }
    }

    /// The vantage point from the handshake when one was seen whole, else from the ACK RTTs.
    pub fn infer(e: &VantageEvidence) -> Vantage {
        Self::from_handshake(e)
            .or_else(|| Self::from_acks(e))
            .unwrap_or(Vantage::Unknown)
    }

    /// SYN → SYN-ACK is the server part, SYN-ACK → ACK the client part.
    pub fn from_handshake(e: &VantageEvidence) -> Option<Vantage> {
        let (syn, syn_ack, rtt) = (e.syn_ns?, e.syn_ack_ns?, e.handshake_rtt_ns?);
        let server = syn_ack.checked_sub(syn)?;
        // A SYN-ACK before the SYN, or after the ACK: not one handshake.
        if server < 0 || server > rtt {
            return None;
        }
        Self::split(rtt - server, server)
    }

    /// The smallest ACK RTT of the server's data is the client part (the client's ACKs),
    /// of the client's data the server part; each needs [`Vantage::MIN_SAMPLES`].
    pub fn from_acks(e: &VantageEvidence) -> Option<Vantage> {
        let (cn, server) = e.rtt_client?;
        let (sn, client) = e.rtt_server?;
        if cn < Self::MIN_SAMPLES || sn < Self::MIN_SAMPLES {
            return None;
        }
        Self::split(client, server)
    }

    fn split(client: i64, server: i64) -> Option<Vantage> {
        if client < 0 || server < 0 {
            return None;
        }
        let total = client as f64 + server as f64;
        if total <= 0.0 {
            return None;
        }
        Some(if client as f64 / total < Self::NEAR_SHARE {
            Vantage::Client
        } else if server as f64 / total < Self::NEAR_SHARE {
            Vantage::Server
        } else {
            Vantage::Middle
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_stay_small() {
        assert!(
            core::mem::size_of::<DirStats>() <= 176,
            "DirStats grew to {} bytes",
            core::mem::size_of::<DirStats>()
        );
    }

    #[test]
    fn cover_counts_new_bytes_fills_gaps_and_reports_missed() {
        let mut c = SeqCover::default();
        assert_eq!(c.cover(99, 0, true, false), 0); // SYN at 99: data from 100
        assert_eq!(c.cover(100, 10, false, false), 10);
        assert_eq!(c.cover(100, 10, false, false), 0, "a full retransmission");
        assert_eq!(c.cover(130, 10, false, false), 10, "leaves a gap 110..130");
        assert_eq!(c.missed(), 20);
        assert_eq!(c.cover(115, 5, false, false), 5, "fills the middle of it");
        assert_eq!(c.missed(), 15);
        assert_eq!(
            c.cover(105, 30, false, false),
            15,
            "fills the rest, overlaps"
        );
        assert_eq!(c.missed(), 0);
        c.acked_to(150);
        assert_eq!(c.missed(), 10, "ACKed beyond what was seen");
    }

    #[test]
    fn a_third_gap_pushes_out_the_oldest_which_stays_missed() {
        let mut c = SeqCover::default();
        c.cover(0, 1, false, false);
        c.cover(2, 1, false, false);
        c.cover(4, 1, false, false);
        c.cover(6, 1, false, false);
        assert_eq!(c.missed(), 3);
        assert_eq!(c.cover(1, 1, false, false), 0, "its gap was forgotten");
        assert_eq!(c.cover(3, 1, false, false), 1);
        assert_eq!(c.missed(), 2);
    }

    #[test]
    fn cover_holds_across_the_wrap() {
        let mut c = SeqCover::default();
        assert_eq!(c.cover(u32::MAX - 4, 10, false, false), 10);
        assert_eq!(c.cover(10, 5, false, false), 5);
        assert_eq!(c.missed(), 5);
    }

    #[test]
    fn rtt_mean_and_sample_deviation() {
        let mut d = DirStats::default();
        for ms in [2, 4, 4, 4, 5, 5, 7, 9] {
            d.rtt_sample(ms * 1_000_000);
        }
        let r = d.rtt().unwrap();
        assert_eq!(
            (r.samples, r.min_ns, r.avg_ns, r.max_ns, r.stddev_ns),
            // Squared differences from 5 ms sum to 32 ms²: sqrt(32 / 7) ms.
            (8, 2_000_000, 5_000_000, 9_000_000, 2_138_090)
        );
        assert_eq!(DirStats::default().rtt(), None);
    }
}

/// A conversation built by hand, with every statistic computed by hand from it.
#[cfg(test)]
mod by_hand {
    use crate::analyzer::{Analyzer, Outcome};
    use crate::record::ConnRecord;
    use crate::synth::SegBuilder;
    use crate::wire::LinkType;

    const C: &str = "10.0.0.1:1000";
    const S: &str = "10.0.0.2:80";
    const MS: i64 = 1_000_000;

    fn c(f: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4(C, S).flags(f).seq(seq).ack(ack).window(1000)
    }
    fn s(f: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4(S, C).flags(f).seq(seq).ack(ack).window(2000)
    }

    /// Feeds `(ms, segment)` and returns the conversation's record.
    fn record(segs: &[(i64, SegBuilder)]) -> ConnRecord {
        record_in(segs, MS)
    }

    /// Feeds `(time, segment)`, times in units of `unit` ns.
    fn record_in(segs: &[(i64, SegBuilder)], unit: i64) -> ConnRecord {
        let mut a = Analyzer::new();
        a.gather_statistics();
        for (ms, b) in segs {
            let raw = b.raw();
            let out = a.process(LinkType::Raw, &raw, raw.len() as u32, ms * unit);
            assert!(matches!(out, Outcome::Tcp { .. }));
        }
        let conv = a.conversations().get(0).unwrap();
        ConnRecord::new(conv, 0)
    }

    fn data(n: usize) -> Vec<u8> {
        vec![b'x'; n]
    }

    #[test]
    fn a_transfer_with_a_gap_a_retransmission_and_a_zero_window() {
        let r = record(&[
            (0, c("S", 100, 0).mss(1460).wscale(2).sack_permitted()),
            (10, s("SA", 500, 101).mss(1400).wscale(1)),
            (20, c("A", 101, 501)),
            (30, c("PA", 101, 501).payload(&data(100))),
            (40, c("PA", 201, 501).payload(&data(100))),
            (50, s("A", 501, 201)),
            // 301..401 is not captured yet: the next segment leaves a gap.
            (60, c("PA", 401, 501).payload(&data(100))),
            (70, s("A", 501, 301)),
            (80, s("A", 501, 301)),
            // The gap's bytes, sent again: Wireshark's retransmission, new to the capture.
            (90, c("PA", 301, 501).payload(&data(100))),
            (100, s("A", 501, 501).window(0)),
            (110, s("A", 501, 501).window(3000)),
            (120, c("FA", 501, 501)),
            (130, s("FA", 501, 502)),
            (140, c("A", 502, 502)),
        ]);
        let [cl, sv] = r.dirs;
        // Client: SYN, ACK, four data segments, FIN, ACK.
        assert_eq!(
            (r.packets_client, cl.data_packets, r.bytes_client),
            (8, 4, 400)
        );
        // Every payload byte was new once: the retransmission filled the gap.
        assert_eq!(
            (cl.unique_bytes, cl.duplicate, cl.missed_bytes),
            (400, 0, 0)
        );
        assert_eq!((cl.retrans_packets, cl.retrans_bytes), (1, 100));
        assert_eq!(r.retrans_share(crate::Side::Client), Some(0.25));
        // The second ACK of 301 repeats the first.
        assert_eq!((sv.dup_acks, cl.dup_acks), (1, 0));
        // A zero window at 100 ms, opened at 110 ms.
        assert_eq!((sv.zero_window, sv.zero_window_ns), (1, 10 * MS));
        // SYN options.
        assert_eq!(
            (cl.mss, cl.window_scale, cl.sack_permitted, cl.timestamps),
            (Some(1460), Some(2), Some(true), Some(false))
        );
        assert_eq!(
            (sv.mss, sv.window_scale, sv.sack_permitted),
            (Some(1400), Some(1), Some(false))
        );
        // Windows, scaled after the SYN: client 1000 << 2; server 2000 << 1 and 3000 << 1
        // (the zero window is not the smallest non-zero one). With scaling in use, the SYNs'
        // unscaled windows (1000, 2000) are not the smallest.
        assert_eq!((cl.max_window, cl.min_window), (Some(4000), Some(4000)));
        assert_eq!((sv.max_window, sv.min_window), (Some(6000), Some(4000)));
        // Client packets at 0 20 30 40 60 90 120 140 ms; server at 10 50 70 80 100 110 130.
        assert_eq!((cl.idle_max_ns, sv.idle_max_ns), (30 * MS, 40 * MS));
        // IP bytes: 20 + 20 header bytes each, the SYN's 12 option bytes, the SYN-ACK's 8.
        assert_eq!(cl.ip_bytes, 8 * 40 + 12 + 400);
        assert_eq!(sv.ip_bytes, 7 * 40 + 8);
        // Throughput: unique bytes over the 140 ms duration.
        assert_eq!(r.throughput(crate::Side::Client), Some(2857));
        assert_eq!(r.throughput(crate::Side::Server), Some(0));
        // RTT of the client's data, from the server's ACKs: the SYN-ACK (10 ms after the
        // SYN), ACK 201 (20 ms after the segment ending there), ACK 301 (30 ms), ACK 501
        // (40 ms after the segment ending at 501, sent at 60 ms), the FIN's ACK (10 ms).
        // Mean 22 ms; squared differences 144 + 4 + 64 + 324 + 144 = 680 ms², over n − 1.
        let rtt = cl.rtt.unwrap();
        assert_eq!(
            (rtt.samples, rtt.min_ns, rtt.avg_ns, rtt.max_ns),
            (5, 10 * MS, 22 * MS, 40 * MS)
        );
        assert_eq!(rtt.stddev_ns, (170f64.sqrt() * MS as f64).round() as i64);
        // The server's: the client's ACK of the SYN-ACK and of the FIN, 10 ms each.
        let rtt = sv.rtt.unwrap();
        assert_eq!(
            (rtt.samples, rtt.min_ns, rtt.max_ns, rtt.stddev_ns),
            (2, 10 * MS, 10 * MS, 0)
        );
        assert_ne!(r.community_id(), "");
    }

    /// A handshake and two request/response exchanges, times in µs, captured `client_us`
    /// (one way) from the client and `server_us` from the server, each end answering after
    /// 50 µs of its own (Wireshark shows no ACK RTT of 0, so an end never answers at once).
    fn exchange(client_us: i64, server_us: i64) -> Vec<(i64, SegBuilder)> {
        let (cl, sv) = (2 * client_us + 50, 2 * server_us + 50);
        let mut t = 0;
        let mut segs = vec![(t, c("S", 100, 0))];
        t += sv;
        segs.push((t, s("SA", 500, 101)));
        t += cl;
        segs.push((t, c("A", 101, 501)));
        // Two client segments, each answered by the server, and two server segments, each
        // answered by the client: two ACK RTT samples each way after the handshake.
        let mut cs = 101;
        let mut ss = 501;
        for _ in 0..2 {
            t += 1000;
            segs.push((t, c("PA", cs, ss).payload(&data(10))));
            cs += 10;
            t += sv;
            segs.push((t, s("PA", ss, cs).payload(&data(10))));
            ss += 10;
            t += cl;
            segs.push((t, c("A", cs, ss)));
        }
        segs
    }

    fn without_handshake(segs: &[(i64, SegBuilder)]) -> Vec<(i64, SegBuilder)> {
        segs[3..].to_vec()
    }

    #[test]
    fn vantage_from_the_handshake_and_from_the_acks() {
        use crate::statistics::Vantage::{self, *};
        const US: i64 = 1000;
        let cases: [(i64, i64, Vantage); 5] = [
            // At the client: 0 ms to it, 20 ms to the server: 50 µs of 40.1 ms.
            (0, 20_000, Client),
            (20_000, 0, Server),
            (10_000, 10_000, Middle),
            // 0.9 ms of 21.05 ms from the client (4%): still near it.
            (400, 10_000, Client),
            // 3 ms of 23 ms from the server (13%): in the middle.
            (10_000, 1_500, Middle),
        ];
        for (cl, sv, want) in cases {
            let segs = exchange(cl, sv);
            assert_eq!(
                record_in(&segs, US).vantage,
                want,
                "handshake, {cl}/{sv} µs"
            );
            // The same exchange caught after the handshake: the ACK RTTs tell.
            assert_eq!(
                record_in(&without_handshake(&segs), US).vantage,
                want,
                "ACKs, {cl}/{sv} µs"
            );
        }
        // The handshake wins over the ACKs: a SYN-ACK 1 ms after the SYN, the ACK 20 ms
        // later, then data whose ACKs took as long both ways.
        let mut segs = exchange(10_000, 10_000);
        segs[1].0 = 1000;
        segs[2].0 = 21_000;
        assert_eq!(record_in(&segs, US).vantage, Server);
    }

    #[test]
    fn vantage_is_unknown_without_a_handshake_or_enough_samples() {
        // One request and its answer, no handshake: one sample each way, too few.
        let r = record(&[
            (0, c("PA", 101, 501).payload(&data(10))),
            (20, s("PA", 501, 111).payload(&data(10))),
            (21, c("A", 111, 511)),
        ]);
        assert_eq!(r.vantage, crate::statistics::Vantage::Unknown);
        // A SYN and SYN-ACK, no ACK: no handshake RTT, no samples of the server's data.
        let r = record(&[(0, c("S", 100, 0)), (20, s("SA", 500, 101))]);
        assert_eq!(r.vantage, crate::statistics::Vantage::Unknown);
        // A late copy of the SYN-ACK after the handshake moves nothing.
        let r = record(&[
            (0, c("S", 100, 0)),
            (1, s("SA", 500, 101)),
            (21, c("A", 101, 501)),
            (40, s("SA", 500, 101)),
        ]);
        assert_eq!(r.vantage, crate::statistics::Vantage::Server);
    }

    #[test]
    fn a_gap_never_filled_and_data_acknowledged_unseen_are_missed() {
        let r = record(&[
            (0, c("S", 100, 0)),
            (10, s("SA", 500, 101)),
            (20, c("A", 101, 501)),
            (30, c("PA", 101, 501).payload(&data(100))),
            // 201..301 never captured.
            (40, c("PA", 301, 501).payload(&data(50))),
            // The server acknowledges 400: 351..400 was never captured either.
            (50, s("A", 501, 400)),
            (60, c("PA", 101, 501).payload(&data(100))),
        ]);
        let cl = r.dirs[0];
        assert_eq!(cl.missed_bytes, 100 + 49);
        assert_eq!(r.missed_bytes(), 149);
        assert_eq!((cl.unique_bytes, cl.duplicate), (150, 1));
        assert_eq!(r.dirs[1].missed_bytes, 0);
    }
}
