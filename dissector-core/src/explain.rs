//! Plain-language explanations in English and Simplified Chinese, generated from a
//! [`FrameRecord`] and its [`FrameAnalysis`] on demand.
//!
//! Nothing here is stored: a host asks for the text when it shows the frame, and it is
//! written into any `fmt::Write` (a reused `String`, a caller's buffer ...). An explanation
//! has three parts: what the packet is (its lifecycle step, or data / ACK), one sentence
//! per `tcp.analysis` verdict with this packet's numbers, and the endpoints' states after
//! it.
//!
//! This module decides which sentences a frame needs and computes their numbers, once for
//! every language; the words are in [`crate::text`] ([`ExplainWords`], one file per
//! language), chosen by [`with_lang!`](crate::with_lang) without dynamic dispatch.

use core::fmt::{self, Write};

use crate::analysis::{FrameAnalysis, Verdict};
use crate::lifecycle::{Event, Handshake, Side, TcpState, Teardown};
use crate::record::FrameRecord;
use crate::text::ExplainWords;
use crate::verdict::{EvidenceKind, OwnVerdict, Trigger};
use crate::wire::{DecodeError, TcpQuote};
use crate::with_lang;

pub use crate::text::{Lang, Ms, UnknownLang};

/// What a packet is, before its verdicts: the language-neutral part of an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    IcmpQuote,
    Malformed(DecodeError),
    Rst,
    /// A copy of a SYN or SYN-ACK after its sender reached ESTABLISHED.
    LateSyn,
    Handshake(Handshake, Event),
    Teardown(Teardown, Event),
    HalfCloseData,
    Data,
    PureAck,
    Other,
}

impl What {
    /// Classifies a record.
    pub fn of(rec: &FrameRecord) -> What {
        if rec.is_icmp_quote() {
            return What::IcmpQuote;
        }
        if let Some(e) = rec.malformed {
            return What::Malformed(e);
        }
        if rec.event == Event::Rst {
            return What::Rst;
        }
        if rec.event == Event::LateSyn {
            return What::LateSyn;
        }
        if let Some(h) = rec.handshake {
            return What::Handshake(h, rec.event);
        }
        if let Some(t) = rec.teardown {
            return What::Teardown(t, rec.event);
        }
        if rec.event == Event::HalfCloseData {
            return What::HalfCloseData;
        }
        if rec.len > 0 {
            What::Data
        } else if rec.tcp_flags.ack() {
            What::PureAck
        } else {
            What::Other
        }
    }

    /// Whether the states of both endpoints are worth adding after the sentence.
    fn shows_states(self) -> bool {
        !matches!(self, What::IcmpQuote | What::Malformed(_) | What::Rst)
    }
}

/// Writes the explanation of one frame in `lang`.
pub fn explain(
    lang: Lang,
    rec: &FrameRecord,
    an: &FrameAnalysis,
    out: &mut impl Write,
) -> fmt::Result {
    with_lang!(lang, L => explain_in::<L, _>(rec, an, out))
}

/// Writes the explanation of an ICMP error quoting a TCP header cut before 16 bytes.
pub fn explain_quote(lang: Lang, q: &TcpQuote, out: &mut impl Write) -> fmt::Result {
    with_lang!(lang, L => L::icmp_quote_cut(
        out,
        q.v6,
        q.quoted_len,
        (q.src_port, q.dst_port),
        q.shown_seq(),
    ))
}

/// [`explain`] in the language `L`.
fn explain_in<L: ExplainWords, W: Write + ?Sized>(
    rec: &FrameRecord,
    an: &FrameAnalysis,
    out: &mut W,
) -> fmt::Result {
    let what = What::of(rec);
    match what {
        // A copy of the SYN, not a resend: the lifecycle's "no answer yet" does not hold.
        What::Handshake(Handshake::Syn, Event::SynRepeat) if an.copy_of.is_some() => {
            L::syn_copy(out, rec.sender(), rec.seq)?
        }
        _ => what_in::<L, W>(what, rec, out)?,
    }
    if !matches!(what, What::IcmpQuote | What::Malformed(_)) {
        // On data, Wireshark's sentence for its class of the segment stays only where
        // tcplens's own verdict agrees; else `own_in` says what Wireshark marks.
        let ws = wireshark_class(an);
        let judged = rec.len > 0 || an.copy_of.is_some();
        let agree = !judged || agrees(ws, own_verdict(an));
        for v in Verdict::ALL.into_iter().filter(|v| an.verdicts.has(*v)) {
            if !agree && CLASSES.contains(&v) {
                continue;
            }
            L::sentence_break(out)?;
            verdict_in::<L, W>(v, rec, an, out)?;
        }
        if judged {
            own_in::<L, W>(rec, an, ws, agree, out)?;
        }
    }
    if what.shows_states() {
        L::sentence_break(out)?;
        L::states(out, rec.client_state, rec.server_state)?;
    }
    Ok(())
}

/// Wireshark's flags that class a data segment, in the order [`wireshark_class`] prefers.
const CLASSES: [Verdict; 4] = [
    Verdict::SpuriousRetransmission,
    Verdict::FastRetransmission,
    Verdict::OutOfOrder,
    Verdict::Retransmission,
];

/// Wireshark's class of the segment: its first flag in [`CLASSES`].
fn wireshark_class(an: &FrameAnalysis) -> Option<Verdict> {
    CLASSES.into_iter().find(|v| an.verdicts.has(*v))
}

/// Whether Wireshark's class and tcplens's own verdict say the same (a fast retransmission
/// is a retransmission; Wireshark has no duplicates).
fn agrees(ws: Option<Verdict>, own: Option<OwnVerdict>) -> bool {
    let ws = ws.map(|v| match v {
        Verdict::SpuriousRetransmission => OwnVerdict::SpuriousRetransmission,
        Verdict::OutOfOrder => OwnVerdict::OutOfOrder,
        _ => OwnVerdict::Retransmission,
    });
    ws == own
}

/// tcplens's own verdict, and `duplicate` on any copy of an earlier packet (the `verdict`
/// key is given on data only).
fn own_verdict(an: &FrameAnalysis) -> Option<OwnVerdict> {
    if an.copy_of.is_some() {
        Some(OwnVerdict::Duplicate)
    } else {
        an.own.verdict
    }
}

/// tcplens's own verdict on a data segment or a copy, its evidence and trigger, after what
/// Wireshark marks when that differs (`agree` false), then the comparison that decided it
/// with its numbers.
fn own_in<L: ExplainWords, W: Write + ?Sized>(
    rec: &FrameRecord,
    an: &FrameAnalysis,
    ws: Option<Verdict>,
    agree: bool,
    out: &mut W,
) -> fmt::Result {
    let own = an.own;
    let verdict = own_verdict(an);
    if let (None, Some(b @ crate::verdict::Basis::ClosedWindow { .. })) = (verdict, own.basis) {
        // A zero-window probe: no resend, whatever Wireshark's timing says.
        if !agree {
            L::sentence_break(out)?;
            L::wireshark_differs(out, ws, Some(OwnVerdict::Retransmission))?;
            L::sentence_break(out)?;
            // The sentence does not depend on the verdict (there is none).
            L::own_basis(out, OwnVerdict::Retransmission, b, 0)?;
        }
        return Ok(());
    }
    if !agree {
        L::sentence_break(out)?;
        L::wireshark_differs(out, ws, verdict)?;
    }
    match verdict {
        None => Ok(()),
        Some(OwnVerdict::Duplicate) => {
            L::sentence_break(out)?;
            let copy = an.copy_of.map(|c| (c.frame, c.gap_ns));
            let identified = an
                .copy_of
                .map_or(own.evidence.has(EvidenceKind::IpId), |c| c.identified);
            L::own_duplicate(out, copy, identified)
        }
        Some(v) => {
            L::sentence_break(out)?;
            L::own_verdict(out, v)?;
            L::own_evidence(out, own.evidence)?;
            if let Some(t) = own.trigger {
                L::own_trigger(out, t)?;
            }
            L::full_stop(out)?;
            if let Some(b) = own.basis.map(|b| told_basis(b, own.evidence)) {
                // The sender's initial sequence number: its raw numbers less the shown ones.
                let base = rec.seq_raw.wrapping_sub(rec.seq);
                L::sentence_break(out)?;
                L::own_basis(out, v, b, base)?;
            }
            Ok(())
        }
    }
}

/// The basis as the explanation tells it: the order of an earlier copy is only given when
/// that clock is among the verdict's evidence (a resend decided by timing does not cite IP
/// IDs the engine did not trust).
fn told_basis(b: crate::verdict::Basis, ev: crate::verdict::Evidence) -> crate::verdict::Basis {
    use crate::verdict::Basis;
    match b {
        Basis::SentBefore {
            frame,
            clock: Some(c),
        } if !ev.has(c.kind()) => Basis::SentBefore { frame, clock: None },
        other => other,
    }
}

/// Whether Wireshark's retransmission timeout is worth telling: not on the same packet
/// captured twice, nor on a resend tcplens saw triggered otherwise (its trigger says why).
fn timeout_told(an: &FrameAnalysis) -> bool {
    match (own_verdict(an), an.own.trigger) {
        (Some(OwnVerdict::Duplicate), _) => false,
        (Some(OwnVerdict::Retransmission | OwnVerdict::SpuriousRetransmission), Some(t)) => {
            t == Trigger::Timeout
        }
        _ => true,
    }
}

/// The first sentence: what the packet is.
pub fn write_what(lang: Lang, what: What, rec: &FrameRecord, out: &mut impl Write) -> fmt::Result {
    with_lang!(lang, L => what_in::<L, _>(what, rec, out))
}

/// One sentence for one `tcp.analysis` verdict, with this packet's numbers.
pub fn write_verdict(
    lang: Lang,
    v: Verdict,
    rec: &FrameRecord,
    an: &FrameAnalysis,
    out: &mut impl Write,
) -> fmt::Result {
    with_lang!(lang, L => verdict_in::<L, _>(v, rec, an, out))
}

/// Both endpoints' states after the packet.
pub fn write_states(lang: Lang, rec: &FrameRecord, out: &mut impl Write) -> fmt::Result {
    with_lang!(lang, L => L::states(out, rec.client_state, rec.server_state))
}

/// The state of the side that did not send the frame.
fn peer_state(rec: &FrameRecord) -> TcpState {
    match rec.sender() {
        Side::Client => rec.server_state,
        Side::Server => rec.client_state,
    }
}

/// The FIN's own sequence number: after the segment's data (RFC 9293 §3.4).
fn fin_seq(rec: &FrameRecord) -> u32 {
    rec.seq.wrapping_add(rec.len)
}

/// `ack − 1`: the sequence number of the SYN or FIN an ACK acknowledges.
fn minus_one(ack: u32) -> u32 {
    ack.wrapping_sub(1)
}

/// Which sentence says what the packet is, with its numbers.
fn what_in<L: ExplainWords, W: Write + ?Sized>(
    what: What,
    rec: &FrameRecord,
    out: &mut W,
) -> fmt::Result {
    let who = rec.sender();
    let me = rec.sender_state();
    let (seq, ack) = (rec.seq, rec.ack);
    match what {
        What::IcmpQuote => L::icmp_quote(out, who, rec.seq_raw),
        What::Malformed(e) => L::malformed(out, who, e, rec.stream),
        What::Rst if who == Side::Server && rec.rst_from == Some(TcpState::Listen) => {
            L::refused(out)
        }
        What::Rst => L::reset(out, who, rec.rst_from),
        What::LateSyn => L::late_syn(out, who, rec.tcp_flags.ack(), seq, ack),
        What::Handshake(Handshake::Syn, Event::SynRepeat) => L::syn_repeat(out, who, seq),
        What::Handshake(Handshake::Syn, Event::SimultaneousOpen) => {
            L::simultaneous_open(out, who, seq, me)
        }
        What::Handshake(Handshake::Syn, _) => L::syn(out, who, seq, me),
        What::Handshake(Handshake::SynAck, Event::SynAckRepeat) => L::syn_ack_repeat(out, who, ack),
        What::Handshake(Handshake::SynAck, _) => L::syn_ack(out, who, seq, ack, minus_one(ack), me),
        What::Handshake(Handshake::Ack, _) => L::handshake_ack(out, who, ack, minus_one(ack)),
        What::Teardown(t, Event::FinRepeat) => L::fin_repeat(out, who, t, seq),
        What::Teardown(Teardown::Fin, _) => {
            L::fin(out, who, fin_seq(rec), me)?;
            carried_data::<L, W>(rec, out)
        }
        What::Teardown(Teardown::AckOfFin, _) => {
            L::ack_of_fin(out, who, ack, minus_one(ack), me, peer_state(rec))?;
            carried_data::<L, W>(rec, out)
        }
        What::Teardown(Teardown::SecondFin, Event::SimultaneousClose) => {
            L::simultaneous_close(out, who, seq, me)
        }
        What::Teardown(Teardown::SecondFin, _) => {
            L::second_fin(out, who, fin_seq(rec), me)?;
            carried_data::<L, W>(rec, out)
        }
        What::Teardown(Teardown::LastAck, _) => {
            L::last_ack(out, who, ack, minus_one(ack), me, peer_state(rec))?;
            carried_data::<L, W>(rec, out)
        }
        What::Teardown(Teardown::AckAndFin, _) => {
            L::ack_and_fin(out, who, ack, minus_one(ack), fin_seq(rec), me)?;
            carried_data::<L, W>(rec, out)
        }
        What::HalfCloseData => L::half_close_data(out, who, rec.len, seq, rec.next_seq),
        What::Data => L::data(out, who, rec.len, seq, rec.next_seq),
        What::PureAck => L::pure_ack(out, who, ack),
        What::Other => L::other(out, who, rec.tcp_flags),
    }
}

/// The end of a FIN-bearing or ACK-of-FIN sentence: the data the segment carries, if any.
fn carried_data<L: ExplainWords, W: Write + ?Sized>(rec: &FrameRecord, out: &mut W) -> fmt::Result {
    if rec.len > 0 {
        L::carrying(out, rec.len, rec.seq, rec.seq.wrapping_add(rec.len))?;
    }
    L::full_stop(out)
}

/// Which sentence tells a verdict, with its numbers.
fn verdict_in<L: ExplainWords, W: Write + ?Sized>(
    v: Verdict,
    rec: &FrameRecord,
    an: &FrameAnalysis,
    out: &mut W,
) -> fmt::Result {
    let who = rec.sender();
    let (seq, ack, next) = (rec.seq, rec.ack, rec.next_seq);
    match v {
        Verdict::Retransmission => {
            if rec.len > 0 {
                L::retransmission_bytes(out, who, seq, next)?;
            } else {
                L::retransmission_seq(out, who, seq)?;
            }
            if let (Some(rto), Some(f), true) = (an.rto_ns, an.rto_frame, timeout_told(an)) {
                L::after_timeout(out, rto, f)?;
            }
            L::full_stop(out)
        }
        Verdict::FastRetransmission => L::fast_retransmission(out, who, seq),
        Verdict::SpuriousRetransmission => L::spurious_retransmission(out, who, seq, next),
        Verdict::OutOfOrder => L::out_of_order(out, who, seq),
        Verdict::LostSegment => match an.expected_seq {
            Some(exp) => L::lost_segment_gap(out, seq, exp, seq.wrapping_sub(exp)),
            None => L::lost_segment_beyond(out, who, seq),
        },
        Verdict::AckLostSegment => L::ack_lost_segment(out, who, ack),
        Verdict::DuplicateAck => match (an.dup_ack_num, an.dup_ack_frame) {
            (Some(n), Some(f)) => L::dup_ack_numbered(out, who, n, f, ack),
            _ => L::dup_ack(out, who, ack),
        },
        Verdict::ZeroWindow => L::zero_window(out, who),
        Verdict::ZeroWindowProbe => L::zero_window_probe(out, who, seq),
        Verdict::ZeroWindowProbeAck => L::zero_window_probe_ack(out, who),
        Verdict::WindowFull => match an.bytes_in_flight {
            Some(b) => L::window_full_in_flight(out, who, b),
            None => L::window_full(out, who),
        },
        Verdict::WindowUpdate => {
            L::window_update(out, who, an.window_scaled.unwrap_or(u32::from(rec.window)))
        }
        Verdict::KeepAlive => L::keep_alive(out, who, seq, seq.wrapping_add(1)),
        Verdict::KeepAliveAck => L::keep_alive_ack(out, who, ack),
        Verdict::ReusedPorts => L::reused_ports(out),
    }
}

/// The sender-side label of a frame's lifecycle step ("handshake 1/3", "teardown 2+3", ...),
/// empty when it has none.
pub fn step_label(rec: &FrameRecord, out: &mut impl Write) -> fmt::Result {
    if let Some(h) = rec.handshake {
        write!(out, "handshake {}/3", h as u8)?;
    } else if let Some(t) = rec.teardown {
        write!(out, "teardown {}/4", t.label())?;
    }
    if let Some(code) = rec.event.code() {
        if rec.handshake.is_some() || rec.teardown.is_some() {
            out.write_char(' ')?;
        }
        out.write_str(code)?;
        if rec.event == Event::Rst {
            let by = if rec.sender() == Side::Client {
                "client"
            } else {
                "server"
            };
            write!(out, " by {by}")?;
            if let Some(from) = rec.rst_from {
                write!(out, " from {from}")?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::{Analyzer, Outcome};
    use crate::record::RecordBits;
    use crate::synth::SegBuilder;
    use crate::verdict::Evidence;
    use crate::wire::{LinkType, TcpFlags};

    fn frames(segs: &[(SegBuilder, i64)]) -> Vec<(FrameRecord, FrameAnalysis)> {
        let mut a = Analyzer::new();
        segs.iter()
            .map(|(b, t)| {
                let f = b.raw();
                match a.process(LinkType::Raw, &f, f.len() as u32, *t) {
                    Outcome::Tcp {
                        record, analysis, ..
                    } => (record, analysis),
                    o => panic!("{o:?}"),
                }
            })
            .collect()
    }

    fn text(lang: Lang, f: &(FrameRecord, FrameAnalysis)) -> String {
        let mut s = String::new();
        explain(lang, &f.0, &f.1, &mut s).unwrap();
        s
    }

    fn c(f: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4("10.0.0.1:9", "10.0.0.2:80")
            .flags(f)
            .seq(seq)
            .ack(ack)
    }
    fn s(f: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4("10.0.0.2:80", "10.0.0.1:9")
            .flags(f)
            .seq(seq)
            .ack(ack)
    }

    #[test]
    fn handshake_and_close_sentences_carry_the_numbers() {
        let ms = 1_000_000;
        let r = frames(&[
            (c("S", 10, 0), ms),
            (s("SA", 90, 11), 2 * ms),
            (c("A", 11, 91), 3 * ms),
            (c("PA", 11, 91).payload(&[0; 77]), 4 * ms),
            (c("FA", 88, 91), 5 * ms),
            (s("A", 91, 89), 6 * ms),
            (s("FA", 91, 89), 7 * ms),
            (c("A", 89, 92), 8 * ms),
        ]);
        assert_eq!(
            text(Lang::En, &r[0]),
            "Handshake step 1 of 3 (three-way handshake): the client asks to connect with SYN, seq 0, and enters SYN_SENT. Now: client SYN_SENT, server LISTEN."
        );
        assert_eq!(
            text(Lang::Zh, &r[1]),
            "第二次握手：服务器回复 SYN+ACK，seq = 0，ack = 客户端的 seq + 1 = 0 + 1 = 1（SYN 占用一个序号），进入 SYN_RECEIVED。此时：客户端 SYN_SENT，服务器 SYN_RECEIVED。"
        );
        assert_eq!(
            text(Lang::En, &r[3]),
            "The client sends 77 bytes, seq 1 to 78 (next seq 78 = 1 + 77). Now: client ESTABLISHED, server ESTABLISHED."
        );
        assert_eq!(
            text(Lang::Zh, &r[4]),
            "第一次挥手（四次挥手）：客户端发送 FIN 关闭自己的发送方向，seq = 78，进入 FIN_WAIT_1。此时：客户端 FIN_WAIT_1，服务器 ESTABLISHED。"
        );
        assert!(text(Lang::En, &r[5]).starts_with(
            "Teardown step 2 of 4: the server acknowledges the client's FIN with ack 79 = 78 + 1, since a FIN takes one sequence number; the server enters CLOSE_WAIT, the client FIN_WAIT_2."
        ));
        assert!(text(Lang::Zh, &r[7])
            .starts_with("第四次挥手：客户端发送 ACK 确认最后一个 FIN，ack = 1 + 1 = 2，客户端进入 TIME_WAIT，服务器进入 CLOSED。"));
        let mut l = String::new();
        step_label(&r[4].0, &mut l).unwrap();
        assert_eq!(l, "teardown 1/4");
    }

    /// Copies of the SYN and SYN-ACK after the handshake (a SPAN port's late duplicates):
    /// `late_syn`, no handshake step, both ends still ESTABLISHED, said in both languages.
    #[test]
    fn late_syn_copies_are_named_and_keep_the_states() {
        let ms = 1_000_000;
        let r = frames(&[
            (c("S", 10, 0), ms),
            (s("SA", 90, 11), 2 * ms),
            (c("A", 11, 91), 3 * ms),
            (c("PA", 11, 91).payload(&[0; 5]), 4 * ms),
            (c("S", 10, 0), 5 * ms),
            (s("SA", 90, 11), 6 * ms),
            (c("A", 16, 91), 7 * ms),
        ]);
        for f in &r[4..] {
            assert_eq!(f.0.handshake, None);
            assert_eq!(
                (f.0.client_state, f.0.server_state),
                (TcpState::Established, TcpState::Established)
            );
        }
        assert_eq!(
            (r[4].0.event, r[5].0.event),
            (Event::LateSyn, Event::LateSyn)
        );
        assert!(text(Lang::En, &r[4]).starts_with(
            "A late copy of the client's SYN (seq 0), after the client reached ESTABLISHED: a duplicate, not a new attempt, so no state changes"
        ));
        assert!(text(Lang::En, &r[5])
            .starts_with("A late copy of the server's SYN-ACK (seq 0, ack 1),"));
        assert!(text(Lang::Zh, &r[4])
            .starts_with("迟到的副本：客户端已进入 ESTABLISHED 后又出现它的 SYN（seq = 0）"));
        assert!(text(Lang::Zh, &r[5]).ends_with("此时：客户端 ESTABLISHED，服务器 ESTABLISHED。"));
        let mut l = String::new();
        step_label(&r[4].0, &mut l).unwrap();
        assert_eq!(l, "late_syn");
    }

    #[test]
    fn a_gap_shows_the_expected_sequence_number_and_dup_acks_name_their_frame() {
        let ms = 1_000_000;
        let r = frames(&[
            (c("S", 0, 0), ms),
            (s("SA", 0, 1), 2 * ms),
            (c("A", 1, 1), 3 * ms),
            (c("PA", 1, 1).payload(&[0; 1460]), 4 * ms),
            (c("PA", 2921, 1).payload(&[0; 1460]), 5 * ms),
            (s("A", 1, 1461), 6 * ms),
            (s("A", 1, 1461), 7 * ms),
            (s("A", 1, 1461), 8 * ms),
        ]);
        assert!(text(Lang::En, &r[4]).contains(
            "Previous segment not captured: seq 2921 but 1461 was expected: 1460 bytes before it were not captured."
        ));
        assert!(text(Lang::Zh, &r[4]).contains(
            "前一个分段未捕获：seq = 2921，但期望的是 1461：之前的 1460 字节没有被捕获。"
        ));
        assert!(text(Lang::En, &r[7]).contains(
            "Dup ACK #2 of frame 6 (TCP Dup ACK 6#2): the server still waits for byte 1461."
        ));
        assert!(text(Lang::Zh, &r[6]).contains("TCP Dup ACK 6#1"));
    }

    /// A record in each lifecycle situation, built directly so every combination exists.
    fn lifecycle_cases() -> Vec<(&'static str, FrameRecord)> {
        let base = FrameRecord {
            stream: 0,
            seq: 100,
            ack: 79,
            seq_raw: 5100,
            ack_raw: 2079,
            len: 0,
            next_seq: 100,
            window: 512,
            tcp_flags: TcpFlags(TcpFlags::ACK),
            analysis: 0,
            handshake: None,
            teardown: None,
            event: Event::None,
            rst_from: None,
            client_state: TcpState::Established,
            server_state: TcpState::Established,
            bits: RecordBits(RecordBits::HAS_LEN | RecordBits::ACK_SHOWN),
            malformed: None,
            encap: Default::default(),
        };
        let with = |f: &dyn Fn(&mut FrameRecord)| {
            let mut r = base;
            f(&mut r);
            r
        };
        let mut v = vec![
            ("icmp", with(&|r| r.bits.set(RecordBits::ICMP_QUOTED, true))),
            (
                "malformed",
                with(&|r| r.malformed = Some(DecodeError::TruncatedTcp)),
            ),
            (
                "rst",
                with(&|r| {
                    r.event = Event::Rst;
                    r.rst_from = Some(TcpState::Established);
                }),
            ),
            (
                "rst refused",
                with(&|r| {
                    r.event = Event::Rst;
                    r.rst_from = Some(TcpState::Listen);
                }),
            ),
            (
                "half-close data",
                with(&|r| {
                    r.event = Event::HalfCloseData;
                    r.len = 10;
                }),
            ),
            (
                "late syn",
                with(&|r| {
                    r.event = Event::LateSyn;
                    r.tcp_flags = TcpFlags(TcpFlags::SYN);
                }),
            ),
            (
                "late syn-ack",
                with(&|r| {
                    r.event = Event::LateSyn;
                    r.tcp_flags = TcpFlags(TcpFlags::SYN | TcpFlags::ACK);
                }),
            ),
            ("data", with(&|r| r.len = 10)),
            ("pure ack", base),
            ("other", with(&|r| r.tcp_flags = TcpFlags(0))),
        ];
        for (name, h, e) in [
            ("syn", Handshake::Syn, Event::None),
            ("syn repeat", Handshake::Syn, Event::SynRepeat),
            ("simultaneous open", Handshake::Syn, Event::SimultaneousOpen),
            ("syn-ack", Handshake::SynAck, Event::None),
            ("syn-ack repeat", Handshake::SynAck, Event::SynAckRepeat),
            ("handshake ack", Handshake::Ack, Event::None),
        ] {
            v.push((
                name,
                with(&|r| {
                    r.handshake = Some(h);
                    r.event = e;
                }),
            ));
        }
        for (name, t, e) in [
            ("fin", Teardown::Fin, Event::None),
            ("fin with data", Teardown::Fin, Event::HalfCloseData),
            ("ack of fin", Teardown::AckOfFin, Event::None),
            ("second fin", Teardown::SecondFin, Event::None),
            (
                "simultaneous close",
                Teardown::SecondFin,
                Event::SimultaneousClose,
            ),
            ("last ack", Teardown::LastAck, Event::None),
            ("ack and fin", Teardown::AckAndFin, Event::None),
            ("fin repeat", Teardown::Fin, Event::FinRepeat),
        ] {
            v.push((
                name,
                with(&|r| {
                    r.teardown = Some(t);
                    r.event = e;
                    if e == Event::HalfCloseData {
                        r.len = 10;
                    }
                }),
            ));
        }
        v
    }

    /// Every first sentence: each lifecycle situation, a malformed header for every
    /// [`DecodeError`] reason, each teardown sentence that can carry data, with data.
    fn what_cases() -> Vec<(String, FrameRecord)> {
        let mut v: Vec<(String, FrameRecord)> = lifecycle_cases()
            .into_iter()
            .filter(|(name, _)| *name != "malformed")
            .map(|(name, rec)| (name.to_string(), rec))
            .collect();
        let base = case("pure ack");
        for i in 0..DecodeError::ALL_CODES.len() {
            let e = DecodeError::from_parts(i, 3).unwrap();
            let mut r = base;
            r.malformed = Some(e);
            v.push((format!("malformed: {}", e.code()), r));
        }
        let mut r = case("rst");
        r.rst_from = None;
        v.push(("rst from an unknown state".into(), r));
        for t in [
            Teardown::AckOfFin,
            Teardown::SecondFin,
            Teardown::LastAck,
            Teardown::AckAndFin,
        ] {
            let mut r = base;
            r.teardown = Some(t);
            r.len = 10;
            v.push((format!("{t:?} with data"), r));
        }
        v
    }

    /// The lifecycle case called `name`.
    fn case(name: &str) -> FrameRecord {
        lifecycle_cases()
            .into_iter()
            .find(|(n, _)| *n == name)
            .unwrap()
            .1
    }

    /// Every verdict sentence: each verdict with every number it can show, then again for
    /// each variant of its sentence.
    fn verdict_cases() -> Vec<(String, Verdict, FrameRecord, FrameAnalysis)> {
        let data = case("data");
        let bare_segment = case("pure ack");
        let full = FrameAnalysis {
            dup_ack_num: Some(2),
            dup_ack_frame: Some(108),
            expected_seq: Some(60),
            bytes_in_flight: Some(4096),
            rto_ns: Some(200_123_456),
            rto_frame: Some(7),
            window_scaled: Some(65_535),
            ..FrameAnalysis::default()
        };
        let none = FrameAnalysis::default();
        let mut v: Vec<_> = Verdict::ALL
            .into_iter()
            .map(|verdict| (format!("{verdict:?}"), verdict, data, full))
            .collect();
        for verdict in [
            Verdict::Retransmission,
            Verdict::LostSegment,
            Verdict::DuplicateAck,
            Verdict::WindowFull,
            Verdict::WindowUpdate,
        ] {
            v.push((format!("{verdict:?} without numbers"), verdict, data, none));
        }
        for an in [full, none] {
            let name = format!("Retransmission of no data, timeout {:?}", an.rto_ns);
            v.push((name, Verdict::Retransmission, bare_segment, an));
        }
        v
    }

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Whether `t` is written the way `lang` is: a new language adds its arm here.
    fn in_its_script(lang: Lang, t: &str) -> bool {
        match lang {
            Lang::En => !has_cjk(t),
            Lang::Zh => has_cjk(t),
        }
    }

    /// Every sentence kind of every language in [`Lang::ALL`]: written, in its language,
    /// distinct from every other sentence of the language and from the same sentence in
    /// every other language, and where [`explain`] puts it.
    #[test]
    fn every_sentence_has_a_distinct_text_in_every_language() {
        let none = FrameAnalysis::default();
        let mut by_case = std::collections::HashMap::new();
        for lang in Lang::ALL {
            let mut seen = std::collections::HashSet::new();
            for (name, rec) in what_cases() {
                let mut t = String::new();
                write_what(lang, What::of(&rec), &rec, &mut t).unwrap();
                assert!(!t.is_empty(), "{name} ({lang:?})");
                assert!(in_its_script(lang, &t), "{name} ({lang:?}): {t}");
                assert!(seen.insert(t.clone()), "{name} ({lang:?}) repeats: {t}");
                let mut full = String::new();
                explain(lang, &rec, &none, &mut full).unwrap();
                assert!(full.starts_with(&t), "{name} ({lang:?}): {full}");
                if What::of(&rec).shows_states() {
                    let mut states = String::new();
                    write_states(lang, &rec, &mut states).unwrap();
                    assert!(in_its_script(lang, &states), "{lang:?}: {states}");
                    assert!(full.ends_with(&states), "{name} ({lang:?}): {full}");
                } else {
                    assert_eq!(full, t, "{name} ({lang:?})");
                }
                by_case.entry(name).or_insert_with(Vec::new).push(t);
            }
            for (name, v, rec, an) in verdict_cases() {
                let mut t = String::new();
                write_verdict(lang, v, &rec, &an, &mut t).unwrap();
                assert!(!t.is_empty(), "{name} ({lang:?})");
                assert!(in_its_script(lang, &t), "{name} ({lang:?}): {t}");
                assert!(seen.insert(t.clone()), "{name} ({lang:?}) repeats: {t}");
                let mut with_it = an;
                with_it.verdicts.set(v);
                // tcplens agreeing, so that Wireshark's sentence stays.
                with_it.own.verdict = match v {
                    Verdict::SpuriousRetransmission => Some(OwnVerdict::SpuriousRetransmission),
                    Verdict::OutOfOrder => Some(OwnVerdict::OutOfOrder),
                    Verdict::Retransmission | Verdict::FastRetransmission => {
                        Some(OwnVerdict::Retransmission)
                    }
                    _ => None,
                };
                let mut full = String::new();
                explain(lang, &rec, &with_it, &mut full).unwrap();
                assert!(full.contains(&t), "{name} ({lang:?}): {full}");
                by_case.entry(name).or_insert_with(Vec::new).push(t);
            }
        }
        for lang in Lang::ALL {
            let mut seen = std::collections::HashSet::new();
            for (name, t) in own_texts(lang) {
                assert!(!t.is_empty(), "{name} ({lang:?})");
                assert!(in_its_script(lang, &t), "{name} ({lang:?}): {t}");
                assert!(seen.insert(t.clone()), "{name} ({lang:?}) repeats: {t}");
                by_case.entry(name).or_insert_with(Vec::new).push(t);
            }
        }
        for (name, texts) in by_case {
            assert_eq!(texts.len(), Lang::ALL.len(), "{name}");
            let distinct: std::collections::HashSet<_> = texts.iter().collect();
            assert_eq!(distinct.len(), texts.len(), "{name}: {texts:?}");
        }
    }

    /// Every text of tcplens's own verdict in `lang`: each verdict, each evidence kind,
    /// each trigger, the duplicate sentence with and without its numbers, and what
    /// Wireshark marks where it differs (with an own verdict, with none, and no flag).
    fn own_texts(lang: Lang) -> Vec<(String, String)> {
        let mut v = Vec::new();
        let mut put = |name: String, f: &dyn Fn(&mut String) -> fmt::Result| {
            let mut t = String::new();
            f(&mut t).unwrap();
            v.push((name, t));
        };
        for o in OwnVerdict::ALL {
            put(
                format!("own {o:?}"),
                &|t| with_lang!(lang, L => L::own_verdict(t, o)),
            );
        }
        for k in EvidenceKind::ALL {
            put(
                format!("evidence {k:?}"),
                &|t| with_lang!(lang, L => L::own_evidence(t, Evidence::of(&[k]))),
            );
        }
        for tr in Trigger::ALL {
            put(
                format!("trigger {tr:?}"),
                &|t| with_lang!(lang, L => L::own_trigger(t, tr)),
            );
        }
        put(
            "syn copy".into(),
            &|t| with_lang!(lang, L => L::syn_copy(t, Side::Client, 0)),
        );
        for copy in [Some((1, 5_000)), None] {
            for identified in [true, false] {
                put(
                    format!("duplicate {copy:?} {identified}"),
                    &|t| with_lang!(lang, L => L::own_duplicate(t, copy, identified)),
                );
            }
        }
        // Each comparison with the verdicts it comes with (the sentence says the verdict).
        for b in crate::verdict::Basis::examples() {
            use crate::verdict::Basis;
            let verdicts: &[OwnVerdict] = match b {
                Basis::AfterHigher { .. } | Basis::SentBefore { .. } => &[
                    OwnVerdict::Retransmission,
                    OwnVerdict::SpuriousRetransmission,
                ],
                Basis::Before { .. } | Basis::BeforeItsResend { .. } => &[OwnVerdict::OutOfOrder],
                Basis::Gap { .. } => &[OwnVerdict::OutOfOrder, OwnVerdict::Retransmission],
                Basis::OriginalLater { .. }
                | Basis::Acked { .. }
                | Basis::Sacked { .. }
                | Basis::Dsack { .. }
                | Basis::EchoesOriginal { .. }
                | Basis::AckTooSoon { .. } => &[OwnVerdict::SpuriousRetransmission],
                // No verdict: the sentence does not depend on the one passed.
                Basis::ClosedWindow { .. } => &[OwnVerdict::Retransmission],
            };
            for &o in verdicts {
                put(
                    format!("basis {b:?} {o:?}"),
                    &|t| with_lang!(lang, L => L::own_basis(t, o, b, 0)),
                );
            }
        }
        for ws in [None].into_iter().chain(CLASSES.map(Some)) {
            // The sentence is one for every own verdict: the evidence follows it.
            for own in [None, Some(OwnVerdict::Retransmission)] {
                if ws.is_none() && own.is_none() {
                    continue;
                }
                put(
                    format!("Wireshark {ws:?}, tcplens {own:?}"),
                    &|t| with_lang!(lang, L => L::wireshark_differs(t, ws, own)),
                );
            }
        }
        v
    }

    fn own(v: Option<OwnVerdict>, ev: &[EvidenceKind], t: Option<Trigger>) -> crate::verdict::Own {
        crate::verdict::Own {
            verdict: v,
            evidence: Evidence::of(ev),
            trigger: t,
            basis: None,
        }
    }

    fn with_flag(v: Verdict, own: crate::verdict::Own) -> FrameAnalysis {
        let mut an = FrameAnalysis {
            rto_ns: Some(388_000_000),
            rto_frame: Some(30),
            own,
            ..FrameAnalysis::default()
        };
        an.verdicts.set(v);
        an
    }

    fn en(rec: &FrameRecord, an: &FrameAnalysis) -> String {
        let mut s = String::new();
        explain(Lang::En, rec, an, &mut s).unwrap();
        s
    }

    /// Where tcplens agrees, Wireshark's sentence stays and the own verdict follows with
    /// its evidence and trigger; the trigger, not Wireshark's timer, says why it was sent.
    #[test]
    fn an_agreeing_verdict_follows_wiresharks_sentence_with_its_trigger() {
        let data = case("data");
        let sack = with_flag(
            Verdict::Retransmission,
            own(
                Some(OwnVerdict::Retransmission),
                &[EvidenceKind::Vantage],
                Some(Trigger::Sack),
            ),
        );
        let t = en(&data, &sack);
        assert!(t.contains("Retransmission: the "), "{t}");
        assert!(!t.contains("timeout") && !t.contains("frame 30"), "{t}");
        assert!(
            t.contains("(by where the capture was taken), sent after SACK blocks showed the hole."),
            "{t}"
        );
        assert!(!t.contains("Wireshark marks"), "{t}");
        let mut timer = sack;
        timer.own.trigger = Some(Trigger::Timeout);
        let t = en(&data, &timer);
        assert!(
            t.contains("388.000 ms after frame 30 without an ACK (retransmission timeout)"),
            "{t}"
        );
        // Unknown trigger: Wireshark's timer is told as before.
        timer.own.trigger = None;
        assert!(en(&data, &timer).contains("(retransmission timeout)"));
    }

    /// Where Wireshark's class differs, its sentence gives way to what it marks, then the
    /// evidence; with no own verdict, tcplens says it sees a first transmission in order.
    #[test]
    fn a_differing_class_says_what_wireshark_marks() {
        let data = case("data");
        let ooo = with_flag(
            Verdict::OutOfOrder,
            own(
                Some(OwnVerdict::Retransmission),
                &[EvidenceKind::IpId],
                Some(Trigger::DupAcks),
            ),
        );
        let t = en(&data, &ooo);
        assert!(!t.contains("Out-of-order:"), "{t}");
        assert!(t.contains("Wireshark marks this Out-Of-Order by its timing rules; the evidence says otherwise. tcplens's verdict: retransmission"), "{t}");
        assert!(
            t.contains("(by the order of the IP IDs), sent after duplicate ACKs"),
            "{t}"
        );
        let t = en(
            &data,
            &with_flag(Verdict::FastRetransmission, own(None, &[], None)),
        );
        assert!(
            t.contains(
                "Wireshark marks this Fast Retransmission by its timing rules, but no evidence"
            ),
            "{t}"
        );
        let quiet = FrameAnalysis {
            own: own(Some(OwnVerdict::OutOfOrder), &[EvidenceKind::Tsval], None),
            ..FrameAnalysis::default()
        };
        let t = en(&data, &quiet);
        assert!(t.contains("Wireshark flags nothing here"), "{t}");
        assert!(t.contains("tcplens's verdict: out of order"), "{t}");
        // A data segment Wireshark and tcplens both leave alone says nothing of either.
        let t = en(&data, &FrameAnalysis::default());
        assert!(!t.contains("Wireshark") && !t.contains("tcplens"), "{t}");
    }

    /// Where Wireshark's flag disagrees, the comparison says so with the numbers (issue 14
    /// item 5's example), in English and Chinese; sequence numbers relative, as `seq`.
    #[test]
    fn the_basis_gives_the_numbers() {
        use crate::verdict::{Basis, Clock};
        let data = case("data");
        let mut an = with_flag(
            Verdict::OutOfOrder,
            own(
                Some(OwnVerdict::Retransmission),
                &[EvidenceKind::Tsval],
                None,
            ),
        );
        an.own.basis = Some(Basis::SentBefore {
            frame: 104,
            clock: Some(Clock::Tsval {
                mine: 1000,
                theirs: 990,
            }),
        });
        let t = en(&data, &an);
        assert!(t.contains("Wireshark marks this Out-Of-Order"), "{t}");
        assert!(
            t.contains("(by the order of the TSvals). Its TSval 1000 is newer than frame 104's 990 carrying the same bytes, so it is a retransmission of frame 104."),
            "{t}"
        );
        let mut zh = String::new();
        explain(Lang::Zh, &data, &an, &mut zh).unwrap();
        assert!(
            zh.contains("标记为乱序")
                && zh.contains(
                    "它的 TSval 1000 比携带同样字节的第 104 帧的 990 新，所以它是第 104 帧的重传。"
                ),
            "{zh}"
        );
        // A cumulative ACK's number is shown relative to the sender's ISN.
        an.own.verdict = Some(OwnVerdict::SpuriousRetransmission);
        an.own.basis = Some(Basis::Acked {
            frame: 7,
            ack: data.seq_raw.wrapping_sub(data.seq).wrapping_add(500),
        });
        let t = en(&data, &an);
        assert!(
            t.contains("Frame 7's ACK 500 had already acknowledged these bytes, so it is a spurious retransmission."),
            "{t}"
        );
        // A resend decided by timing cites no order the evidence did not use.
        an.own = own(
            Some(OwnVerdict::Retransmission),
            &[EvidenceKind::Timing],
            None,
        );
        an.own.basis = Some(Basis::SentBefore {
            frame: 31,
            clock: Some(Clock::IpId {
                mine: 0xd4f7,
                theirs: 0xd4f6,
            }),
        });
        let t = en(&data, &an);
        assert!(
            t.contains(
                "Frame 31 carried these bytes before, so it is a retransmission of frame 31."
            ) && !t.contains("0xd4f7"),
            "{t}"
        );
    }

    /// A copy (of data or of a SYN) names the frame it copies and the gap, and Wireshark's
    /// timer is not told.
    #[test]
    fn a_copy_names_its_frame_and_drops_the_timer() {
        let copy = crate::verdict::CopyOf {
            frame: 1,
            gap_ns: 5_000,
            identified: true,
        };
        for rec in [case("data"), case("syn"), case("syn repeat")] {
            let mut an = with_flag(Verdict::Retransmission, own(None, &[], None));
            an.copy_of = Some(copy);
            let t = en(&rec, &an);
            assert!(!t.contains("timeout"), "{t}");
            assert!(t.contains("Wireshark marks this Retransmission"), "{t}");
            assert!(
                t.contains("a copy of frame 1, 0.005 ms later, with the same IP ID"),
                "{t}"
            );
            let mut zh = String::new();
            explain(Lang::Zh, &rec, &an, &mut zh).unwrap();
            assert!(
                zh.contains("重复的包") && zh.contains("第 1 帧") && !zh.contains("超时"),
                "{zh}"
            );
            if rec.event == Event::SynRepeat {
                assert!(t.starts_with("Handshake step 1 of 3, seen again:"), "{t}");
                assert!(zh.starts_with("第一次握手（再次出现）"), "{zh}");
            }
        }
    }

    /// The Chinese sentence of each verdict starts with the term Chinese tutorials use.
    #[test]
    fn chinese_verdicts_start_with_their_term() {
        let zh_terms = [
            "重传",
            "快速重传",
            "虚假重传",
            "乱序",
            "前一个分段未捕获",
            "确认了未捕获的分段",
            "重复确认",
            "零窗口",
            "零窗口探测",
            "零窗口探测确认",
            "窗口已满",
            "窗口更新",
            "保活",
            "保活确认",
            "端口复用",
        ];
        for (name, v, rec, an) in verdict_cases() {
            let mut t = String::new();
            write_verdict(Lang::Zh, v, &rec, &an, &mut t).unwrap();
            let term = zh_terms[Verdict::ALL.iter().position(|x| *x == v).unwrap()];
            assert!(t.starts_with(&format!("{term}：")), "{name}: {t}");
        }
    }

    /// Every language names every [`DecodeError`] reason, each differently; the English
    /// words are its `Display`. (The Chinese file still holds the English words: the
    /// Chinese explanations have always shown them.)
    #[test]
    fn every_decode_error_has_its_words_in_every_language() {
        for lang in Lang::ALL {
            let mut seen = std::collections::HashSet::new();
            for i in 0..DecodeError::ALL_CODES.len() {
                let e = DecodeError::from_parts(i, 3).unwrap();
                let mut t = String::new();
                with_lang!(lang, L => L::decode_error(&mut t, e)).unwrap();
                assert!(!t.is_empty(), "{e:?} ({lang:?})");
                assert!(seen.insert(t.clone()), "{e:?} ({lang:?}) repeats: {t}");
                if lang == Lang::En {
                    assert_eq!(t, e.to_string());
                }
            }
        }
    }

    #[test]
    fn lang_parses_and_names_itself() {
        for l in Lang::ALL {
            assert_eq!(l.name().parse::<Lang>(), Ok(l));
        }
        assert_eq!("ZH".parse::<Lang>(), Ok(Lang::Zh));
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!(Lang::default(), Lang::En);
    }

    #[test]
    fn milliseconds_are_printed_with_integer_arithmetic() {
        assert_eq!(Ms(200_123_456).to_string(), "200.123 ms");
        assert_eq!(Ms(-1_500_000).to_string(), "-1.500 ms");
    }
}
