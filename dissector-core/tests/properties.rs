//! Property tests of the sequence analysis.
//!
//! A synthetic bulk transfer (handshake, client data with server ACKs from a simple
//! cumulative-ACK receiver, segments lost in the network and resent later, close) is
//! damaged the way a capture point damages it: frames are dropped, duplicated and moved,
//! and timestamps get jitter (sometimes going backwards). Whatever comes out, the analyzer
//! must not panic and its per-frame results must keep a few invariants; the explanations
//! and the diagnosis fed from them must not fail either.
#![deny(unsafe_code)]

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use tcplens_core::analysis::{FrameAnalysis, Verdict};
use tcplens_core::diagnosis::{Finding, TimeOrigin};
use tcplens_core::explain::{explain, Lang};
use tcplens_core::seq::gt;
use tcplens_core::synth::SegBuilder;
use tcplens_core::{Analyzer, LinkType, Outcome};

const CLIENT: &str = "10.1.0.1:40000";
const SERVER: &str = "10.1.0.2:443";
/// Capture start (ns); not the epoch, so that the SYN starts the initial-RTT clock.
const T0: i64 = 1_700_000_000_000_000_000;
const CASES: u32 = 64;

/// One segment of the transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pkt {
    from_client: bool,
    flags: &'static str,
    seq: u32,
    ack: u32,
    len: u16,
    window: u16,
}

impl Pkt {
    fn raw(&self) -> Vec<u8> {
        let (src, dst) = if self.from_client {
            (CLIENT, SERVER)
        } else {
            (SERVER, CLIENT)
        };
        SegBuilder::v4(src, dst)
            .flags(self.flags)
            .seq(self.seq)
            .ack(self.ack)
            .window(self.window)
            .payload(&vec![0x55; usize::from(self.len)])
            .raw()
    }

    fn has_ack_bit(&self) -> bool {
        self.flags.contains('A')
    }

    /// The end of the sequence space this segment takes (SYN and FIN count one).
    fn end(&self) -> u32 {
        let control = u32::from(self.flags.contains('S') || self.flags.contains('F'));
        self.seq
            .wrapping_add(u32::from(self.len))
            .wrapping_add(control)
    }
}

/// The undamaged transfer.
#[derive(Debug, Clone)]
struct Transfer {
    client_isn: u32,
    server_isn: u32,
    /// Sizes of the client's data segments, in sending order.
    sizes: Vec<u16>,
    /// Per segment (cycled): lost in the network, so the receiver sends duplicate ACKs
    /// until the sender resends it.
    net_lost: Vec<bool>,
    /// How many new segments go out before a lost one is resent.
    resend_after: usize,
    /// The receiver ACKs every this many in-order segments (and every out-of-order one).
    ack_every: usize,
    /// The receiver's advertised windows, used in turn (0 now and then).
    windows: Vec<u16>,
}

/// A cumulative-ACK receiver (the server).
struct Receiver<'t> {
    t: &'t Transfer,
    next: u32,
    held: Vec<(u32, u32)>,
    unacked: usize,
    acks_sent: usize,
}

impl Receiver<'_> {
    fn ack(&mut self, out: &mut Vec<Pkt>) {
        let window = self.t.windows[self.acks_sent % self.t.windows.len()];
        self.acks_sent += 1;
        self.unacked = 0;
        out.push(Pkt {
            from_client: false,
            flags: "A",
            seq: self.t.server_isn.wrapping_add(1),
            ack: self.next,
            len: 0,
            window,
        });
    }

    fn deliver(&mut self, seq: u32, len: u32, out: &mut Vec<Pkt>) {
        if seq == self.next {
            self.next = seq.wrapping_add(len);
            let mut filled = false;
            while let Some(i) = self.held.iter().position(|&(s, _)| s == self.next) {
                let (s, l) = self.held.swap_remove(i);
                self.next = s.wrapping_add(l);
                filled = true;
            }
            let next = self.next;
            self.held.retain(|&(s, _)| gt(s, next));
            self.unacked += 1;
            if filled || self.unacked >= self.t.ack_every {
                self.ack(out);
            }
        } else if gt(seq, self.next) {
            // A hole: hold the segment and send a duplicate ACK at once.
            self.held.push((seq, len));
            self.ack(out);
        } else {
            self.ack(out);
        }
    }
}

/// The frames of the transfer as the two hosts exchange them.
fn exchange(t: &Transfer) -> Vec<Pkt> {
    let (ci, si) = (t.client_isn, t.server_isn);
    let client = |flags, seq, ack, len| Pkt {
        from_client: true,
        flags,
        seq,
        ack,
        len,
        window: 64240,
    };
    let srv_next = si.wrapping_add(1);
    let mut out = vec![
        client("S", ci, 0, 0),
        Pkt {
            from_client: false,
            flags: "SA",
            seq: si,
            ack: ci.wrapping_add(1),
            len: 0,
            window: 64240,
        },
        client("A", ci.wrapping_add(1), srv_next, 0),
    ];
    let mut rx = Receiver {
        t,
        next: ci.wrapping_add(1),
        held: Vec::new(),
        unacked: 0,
        acks_sent: 0,
    };
    let mut snd = ci.wrapping_add(1);
    let mut lost: Vec<(u32, u16, usize)> = Vec::new();
    for (i, &size) in t.sizes.iter().enumerate() {
        let flags = if i % 4 == 3 { "PA" } else { "A" };
        out.push(client(flags, snd, srv_next, size));
        if t.net_lost[i % t.net_lost.len()] {
            lost.push((snd, size, i + t.resend_after));
        } else {
            rx.deliver(snd, u32::from(size), &mut out);
        }
        snd = snd.wrapping_add(u32::from(size));
        while let Some(k) = lost.iter().position(|l| l.2 <= i) {
            let (seq, size, _) = lost.remove(k);
            out.push(client("A", seq, srv_next, size));
            rx.deliver(seq, u32::from(size), &mut out);
        }
    }
    for (seq, size, _) in lost {
        out.push(client("A", seq, srv_next, size));
        rx.deliver(seq, u32::from(size), &mut out);
    }
    if rx.unacked > 0 {
        rx.ack(&mut out);
    }
    out.push(client("FA", snd, srv_next, 0));
    out.push(Pkt {
        from_client: false,
        flags: "FA",
        seq: srv_next,
        ack: snd.wrapping_add(1),
        len: 0,
        window: 64240,
    });
    out.push(client(
        "A",
        snd.wrapping_add(1),
        srv_next.wrapping_add(1),
        0,
    ));
    out
}

/// What the capture point does to the frames.
#[derive(Debug, Clone)]
struct Damage {
    /// Percentages of frames lost, duplicated (1-3 extra copies) and moved (1-4 places).
    loss: u8,
    dup: u8,
    reorder: u8,
    /// Nominal time between frames and the most a timestamp is moved either way (µs).
    gap_us: i64,
    jitter_us: i64,
    /// Random rolls, used in turn.
    rolls: Vec<(u8, u8, u8, u16)>,
}

/// The captured frames and their timestamps. The first SYN always stays first: a SYN that
/// came after a mid-stream start with a different base would start a new `tcp.stream`.
fn capture(frames: &[Pkt], d: &Damage) -> Vec<(Pkt, i64)> {
    let roll = |i: usize| d.rolls[i % d.rolls.len()];
    let mut kept = Vec::with_capacity(frames.len() * 2);
    for (i, &p) in frames.iter().enumerate() {
        let (lose, dup, _, r) = roll(i);
        if i > 0 && lose % 100 < d.loss {
            continue;
        }
        kept.push(p);
        if dup % 100 < d.dup {
            for _ in 0..=r % 3 {
                kept.push(p);
            }
        }
    }
    for i in 1..kept.len() {
        let (_, _, mv, r) = roll(i * 7 + 3);
        if mv % 100 < d.reorder {
            let j = (i + 1 + usize::from(r % 4)).min(kept.len() - 1);
            kept.swap(i, j);
        }
    }
    kept.into_iter()
        .enumerate()
        .map(|(i, p)| {
            let r = i64::from(roll(i * 13 + 5).3);
            let jitter = r % (2 * d.jitter_us + 1) - d.jitter_us;
            (p, T0 + (i as i64 * d.gap_us + jitter) * 1000)
        })
        .collect()
}

fn isn() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        // Close enough to 2^32 that the transfer wraps.
        (u32::MAX - 60_000)..=u32::MAX,
    ]
}

fn transfer() -> impl Strategy<Value = Transfer> {
    (
        isn(),
        isn(),
        prop::collection::vec(1u16..=1400, 1..=40),
        prop::collection::vec(prop::bool::weighted(0.1), 1..=16),
        1usize..=4,
        1usize..=3,
        prop::collection::vec(
            prop_oneof![8 => Just(64240u16), 1 => Just(0u16), 1 => 1u16..=u16::MAX],
            1..=4,
        ),
    )
        .prop_map(
            |(client_isn, server_isn, sizes, net_lost, resend_after, ack_every, windows)| {
                Transfer {
                    client_isn,
                    server_isn,
                    sizes,
                    net_lost,
                    resend_after,
                    ack_every,
                    windows,
                }
            },
        )
}

fn damage() -> impl Strategy<Value = Damage> {
    (
        0u8..=25,
        0u8..=20,
        0u8..=25,
        20i64..=4000,
        0i64..=3000,
        prop::collection::vec(any::<(u8, u8, u8, u16)>(), 1..=128),
    )
        .prop_map(|(loss, dup, reorder, gap_us, jitter_us, rolls)| Damage {
            loss,
            dup,
            reorder,
            gap_us,
            jitter_us,
            rolls,
        })
}

/// What the checker remembers of one sender.
#[derive(Default)]
struct SenderState {
    /// The ack field of its previous segment (Wireshark's `lastack`, initially 0).
    last_ack: u32,
    /// Whether its previous segment changed the ack field (so its dup count restarted).
    prev_changed_ack: bool,
    /// The dup ACK number and frame of its previous segment, if that was a dup ACK.
    prev_dup: Option<(u32, u32)>,
    /// The end of its first segment: a lower bound for its `maxseqtobeacked`.
    first_end: Option<u32>,
    /// Since its previous segment, the peer may have hit "ACKed unseen" for it, which sets
    /// its dup count to the "-1" sentinel (so a run of dup ACKs restarts at 1).
    maybe_sentinel: bool,
}

/// Findings emitted while observing `frame` show on it, with it among their ascending
/// evidence frames, none later, and have a text in both languages.
fn check_findings(new: &[Finding], frame: u32) -> Result<(), TestCaseError> {
    for f in new {
        prop_assert_eq!(f.frame, frame, "{:?}", f);
        prop_assert!(f.frames.contains(&frame), "{:?}", f);
        prop_assert!(f.frames.windows(2).all(|w| w[0] < w[1]), "{:?}", f);
        for lang in Lang::ALL {
            let mut t = String::new();
            prop_assert!(f.write_text(lang, &mut t).is_ok());
            prop_assert!(t.starts_with(f.cause().title(lang)), "{}", t);
        }
    }
    Ok(())
}

/// Feeds the frames and checks the invariants; returns each frame's analysis.
fn check(frames: &[(Pkt, i64)]) -> Result<Vec<FrameAnalysis>, TestCaseError> {
    use Verdict::*;
    let mut a = Analyzer::new();
    a.diagnose(TimeOrigin::Epoch);
    let mut from_client: Vec<bool> = Vec::with_capacity(frames.len());
    let mut senders = [SenderState::default(), SenderState::default()];
    let mut out = Vec::with_capacity(frames.len());
    let mut findings = Vec::new();
    let mut text = String::new();
    for (i, (p, ts)) in frames.iter().enumerate() {
        let frame = i as u32 + 1;
        let bytes = p.raw();
        let fa = match a.process(LinkType::Raw, &bytes, bytes.len() as u32, *ts) {
            Outcome::Tcp {
                record, analysis, ..
            } => {
                prop_assert_eq!(record.stream, 0, "frame {}: tcp.stream", frame);
                // Explanations and the diagnosis take whatever the damage gives.
                for lang in Lang::ALL {
                    text.clear();
                    prop_assert!(explain(lang, &record, &analysis, &mut text).is_ok());
                    prop_assert!(!text.is_empty(), "frame {}: empty explanation", frame);
                }
                let before = findings.len();
                a.take_findings(&mut findings);
                check_findings(&findings[before..], frame)?;
                analysis
            }
            other => return Err(TestCaseError::fail(format!("frame {frame}: {other:?}"))),
        };
        from_client.push(p.from_client);
        let same_side = |f: u32| from_client[f as usize - 1] == p.from_client;
        let v = fa.verdicts;

        let plain_retransmission =
            v.has(Retransmission) && !v.has(FastRetransmission) && !v.has(SpuriousRetransmission);
        prop_assert!(
            !(v.has(OutOfOrder) && plain_retransmission),
            "frame {}: both out-of-order and a plain retransmission",
            frame
        );
        if let Some(f) = fa.acks_frame {
            prop_assert!(
                f >= 1 && f < frame,
                "frame {}: acks_frame {} not earlier",
                frame,
                f
            );
            prop_assert!(
                !same_side(f),
                "frame {}: acks_frame {} is its own direction",
                frame,
                f
            );
        }
        if let Some(f) = fa.rto_frame {
            prop_assert!(
                f >= 1 && f < frame,
                "frame {}: rto_frame {} not earlier",
                frame,
                f
            );
            prop_assert!(
                same_side(f),
                "frame {}: rto_frame {} is the other direction",
                frame,
                f
            );
        }

        let side = usize::from(!p.from_client);
        let st = &senders[side];
        if v.has(DuplicateAck) {
            let (num, of) = match (fa.dup_ack_num, fa.dup_ack_frame) {
                (Some(n), Some(f)) => (n, f),
                other => {
                    return Err(TestCaseError::fail(format!(
                        "frame {frame}: dup ACK without number/frame: {other:?}"
                    )))
                }
            };
            prop_assert!(num >= 1, "frame {}: dup ACK #{}", frame, num);
            prop_assert!(of < frame, "frame {}: dup_ack_frame {}", frame, of);
            // Frame 0 when the sender's ack never changed from Wireshark's initial 0.
            prop_assert!(
                of == 0 || same_side(of),
                "frame {}: dup_ack_frame {}",
                frame,
                of
            );
            if st.prev_changed_ack {
                prop_assert_eq!(num, 1, "frame {}: first dup ACK after a new ack", frame);
            }
            if let (Some((prev_num, prev_of)), false) = (st.prev_dup, st.maybe_sentinel) {
                prop_assert_eq!(num, prev_num + 1, "frame {}: dup ACK numbering", frame);
                prop_assert_eq!(of, prev_of, "frame {}: dup_ack_frame within a run", frame);
            }
        }

        // Remember this segment for its sender ...
        let st = &mut senders[side];
        st.prev_changed_ack = p.ack != st.last_ack;
        st.last_ack = p.ack;
        st.prev_dup = fa.dup_ack_num.zip(fa.dup_ack_frame);
        st.first_end.get_or_insert(p.end());
        st.maybe_sentinel = false;
        // ... and whether it may have set the peer's dup count to "-1": step 11 needs the
        // ACK bit and an ack beyond the peer's maxseqtobeacked, which is at least the end
        // of the peer's first segment (0 = unknown: assume the worst).
        let peer = &mut senders[1 - side];
        if let Some(low) = peer.first_end {
            if p.has_ack_bit() && (low == 0 || gt(p.ack, low)) {
                peer.maybe_sentinel = true;
            }
        }
        out.push(fa);
    }
    Ok(out)
}

proptest! {
    #![proptest_config(Config { cases: CASES, ..Config::default() })]

    #[test]
    fn damaged_bulk_transfers_keep_the_analysis_invariants(t in transfer(), d in damage()) {
        let frames = capture(&exchange(&t), &d);
        check(&frames)?;
    }
}

/// The generator is only worth something if the damage actually produces the verdicts the
/// invariants are about: run the same strategies deterministically and count them.
#[test]
fn damaged_bulk_transfers_exercise_the_retransmission_and_dup_ack_rules() {
    use Verdict::*;
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: CASES,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let mut seen = [0usize; 15];
    let mut dup_runs = 0;
    let mut wrapped = 0;
    for _ in 0..CASES {
        let t = transfer().new_tree(&mut runner).unwrap().current();
        let d = damage().new_tree(&mut runner).unwrap().current();
        let frames = capture(&exchange(&t), &d);
        if frames
            .iter()
            .any(|(p, _)| p.from_client && p.len > 0 && p.end() < p.seq)
        {
            wrapped += 1;
        }
        let analysis = check(&frames).unwrap();
        for fa in &analysis {
            for (k, v) in Verdict::ALL.iter().enumerate() {
                if fa.verdicts.has(*v) {
                    seen[k] += 1;
                }
            }
            if fa.dup_ack_num.is_some_and(|n| n >= 2) {
                dup_runs += 1;
            }
        }
    }
    for v in [
        Retransmission,
        FastRetransmission,
        SpuriousRetransmission,
        OutOfOrder,
        LostSegment,
        AckLostSegment,
        DuplicateAck,
    ] {
        let k = Verdict::ALL.iter().position(|x| *x == v).unwrap();
        assert!(seen[k] > 0, "no {} in {CASES} damaged transfers", v.name());
    }
    assert!(dup_runs > 0, "no run of two or more duplicate ACKs");
    assert!(wrapped > 0, "no transfer wrapped past 2^32");
}
