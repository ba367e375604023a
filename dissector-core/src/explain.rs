//! Plain-language explanations in English and Simplified Chinese, generated from a
//! [`FrameRecord`] and its [`FrameAnalysis`] on demand.
//!
//! Nothing here is stored: a host asks for the text when it shows the frame, and it is
//! written into any `fmt::Write` (a reused `String`, a caller's buffer ...). An explanation
//! has three parts: what the packet is (its lifecycle step, or data / ACK), one sentence
//! per `tcp.analysis` verdict with this packet's numbers, and the endpoints' states after
//! it. The Chinese texts use the terms Chinese TCP tutorials use (三次握手, 四次挥手, 重传,
//! 快速重传, 虚假重传, 乱序, 重复确认, 零窗口 ...).

use core::fmt::{self, Write};
use core::str::FromStr;

use crate::analysis::{FrameAnalysis, Verdict};
use crate::lifecycle::{Event, Handshake, Side, TcpState, Teardown};
use crate::record::FrameRecord;
use crate::wire::DecodeError;

/// The language of an explanation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The code used on the command line and in preferences: "en" or "zh".
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// A language code that is neither "en" nor "zh".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLang;

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown language (expected en or zh)")
    }
}

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        match s.to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh_cn" => Ok(Lang::Zh),
            _ => Err(UnknownLang),
        }
    }
}

/// What a packet is, before its verdicts: the language-neutral part of an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    IcmpQuote,
    Malformed(DecodeError),
    Rst,
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
    let what = What::of(rec);
    write_what(lang, what, rec, out)?;
    if !matches!(what, What::IcmpQuote | What::Malformed(_)) {
        for v in Verdict::ALL.into_iter().filter(|v| an.verdicts.has(*v)) {
            sentence_break(lang, out)?;
            write_verdict(lang, v, rec, an, out)?;
        }
    }
    if what.shows_states() {
        sentence_break(lang, out)?;
        write_states(lang, rec, out)?;
    }
    Ok(())
}

/// English sentences are separated by a space; Chinese ones follow the full stop directly.
fn sentence_break(lang: Lang, out: &mut impl Write) -> fmt::Result {
    match lang {
        Lang::En => out.write_char(' '),
        Lang::Zh => Ok(()),
    }
}

/// The first sentence: what the packet is.
pub fn write_what(lang: Lang, what: What, rec: &FrameRecord, out: &mut impl Write) -> fmt::Result {
    match lang {
        Lang::En => en::what(what, rec, out),
        Lang::Zh => zh::what(what, rec, out),
    }
}

/// One sentence for one `tcp.analysis` verdict, with this packet's numbers.
pub fn write_verdict(
    lang: Lang,
    v: Verdict,
    rec: &FrameRecord,
    an: &FrameAnalysis,
    out: &mut impl Write,
) -> fmt::Result {
    match lang {
        Lang::En => en::verdict(v, rec, an, out),
        Lang::Zh => zh::verdict(v, rec, an, out),
    }
}

/// Both endpoints' states after the packet.
pub fn write_states(lang: Lang, rec: &FrameRecord, out: &mut impl Write) -> fmt::Result {
    match lang {
        // "Now: client {}, server {}."
        Lang::En => put(
            out,
            &[
                S("Now: client "),
                S(rec.client_state.name()),
                S(", server "),
                S(rec.server_state.name()),
                S("."),
            ],
        ),
        // "此时：客户端 {}，服务器 {}。"
        Lang::Zh => put(
            out,
            &[
                S("此时：客户端 "),
                S(rec.client_state.name()),
                S("，服务器 "),
                S(rec.server_state.name()),
                S("。"),
            ],
        ),
    }
}

/// A piece of a sentence written by [`put`].
#[derive(Clone, Copy)]
enum Piece<'a> {
    S(&'a str),
    N(u32),
}
use Piece::{N, S};

/// Writes a sentence piece by piece. The sentences on (nearly) every frame — data, pure
/// ACKs, the states — go this way: `write!` interprets its format string and pads every
/// number at run time, and explanations were about a sixth of `analyze --format jsonl`'s
/// instructions per frame. The format string each replaces is in the comment above it, and
/// the golden files pin the result.
fn put(out: &mut impl Write, pieces: &[Piece<'_>]) -> fmt::Result {
    for p in pieces {
        match *p {
            S(s) => out.write_str(s)?,
            N(n) => {
                // u32::MAX has ten digits.
                let mut digits = [0u8; 10];
                let mut at = digits.len();
                let mut n = n;
                loop {
                    at -= 1;
                    digits[at] = b'0' + (n % 10) as u8;
                    n /= 10;
                    if n == 0 {
                        break;
                    }
                }
                for &d in &digits[at..] {
                    out.write_char(char::from(d))?;
                }
            }
        }
    }
    Ok(())
}

/// A duration in milliseconds with three decimals, from nanoseconds (integer arithmetic,
/// so the text is the same on every platform).
pub struct Ms(pub i64);

impl fmt::Display for Ms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let us = self.0.unsigned_abs() / 1_000;
        write!(f, "{sign}{}.{:03} ms", us / 1_000, us % 1_000)
    }
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

mod en {
    use super::*;

    pub(super) fn what(what: What, rec: &FrameRecord, out: &mut impl Write) -> fmt::Result {
        let who = rec.sender().name();
        let peer = rec.sender().other().name();
        let me = rec.sender_state();
        let (seq, ack) = (rec.seq, rec.ack);
        match what {
            What::IcmpQuote => write!(
                out,
                "An ICMP error quotes the header of a segment the {who} sent (seq {}); the segment itself is not analysed.",
                rec.seq_raw
            ),
            What::Malformed(e) => write!(
                out,
                "Malformed TCP header from the {who} ({e}): it is filed under stream {} but not analysed further, as Wireshark does.",
                rec.stream
            ),
            What::Rst if rec.sender() == Side::Server && rec.rst_from == Some(TcpState::Listen) => write!(
                out,
                "The server refuses the connection with RST (nothing accepts connections on this port); both ends are now CLOSED."
            ),
            What::Rst => {
                let from = rec.rst_from.map_or("an unknown state", |s| s.name());
                write!(out, "The {who} resets the connection (RST) from {from}; both ends are now CLOSED.")
            }
            What::Handshake(Handshake::Syn, Event::SynRepeat) => write!(
                out,
                "Handshake step 1 of 3 again: the {who} repeats its SYN (seq {seq}) because the first one got no answer yet."
            ),
            What::Handshake(Handshake::Syn, Event::SimultaneousOpen) => write!(
                out,
                "Simultaneous open: the {who} sends its own SYN (seq {seq}) while the {peer}'s SYN is outstanding, and enters {me}."
            ),
            What::Handshake(Handshake::Syn, _) => write!(
                out,
                "Handshake step 1 of 3 (three-way handshake): the {who} asks to connect with SYN, seq {seq}, and enters {me}."
            ),
            What::Handshake(Handshake::SynAck, Event::SynAckRepeat) => write!(
                out,
                "Handshake step 2 of 3 again: the {who} repeats its SYN-ACK (ack {ack}) because the first one was not acknowledged yet."
            ),
            What::Handshake(Handshake::SynAck, _) => write!(
                out,
                "Handshake step 2 of 3: the {who} answers SYN-ACK with seq {seq} and ack {ack} = {} + 1 (the {peer}'s SYN takes one sequence number), and enters {me}.",
                minus_one(ack)
            ),
            What::Handshake(Handshake::Ack, _) => write!(
                out,
                "Handshake step 3 of 3: the {who} acknowledges the {peer}'s SYN with ack {ack} = {} + 1; the connection is established.",
                minus_one(ack)
            ),
            What::Teardown(t, Event::FinRepeat) => write!(
                out,
                "Teardown step {} again: the {who} repeats its FIN (seq {seq}) because the first one is not acknowledged yet.",
                t.label()
            ),
            What::Teardown(Teardown::Fin, _) => {
                write!(out, "Teardown step 1 of 4 (four-way close): the {who} closes its direction with FIN, seq {}, and enters {me}", fin_seq(rec))?;
                data_suffix(rec, out)
            }
            What::Teardown(Teardown::AckOfFin, _) => {
                write!(
                    out,
                    "Teardown step 2 of 4: the {who} acknowledges the {peer}'s FIN with ack {ack} = {} + 1, since a FIN takes one sequence number; the {who} enters {me}, the {peer} {}",
                    minus_one(ack),
                    peer_state(rec)
                )?;
                data_suffix(rec, out)
            }
            What::Teardown(Teardown::SecondFin, Event::SimultaneousClose) => write!(
                out,
                "Simultaneous close: the {who} sends its FIN (seq {seq}) before acknowledging the {peer}'s, and enters {me}."
            ),
            What::Teardown(Teardown::SecondFin, _) => {
                write!(out, "Teardown step 3 of 4: the {who} closes its direction too with FIN, seq {}, and enters {me}", fin_seq(rec))?;
                data_suffix(rec, out)
            }
            What::Teardown(Teardown::LastAck, _) => {
                write!(
                    out,
                    "Teardown step 4 of 4: the {who} acknowledges the last FIN with ack {ack} = {} + 1 and enters {me}; the {peer} enters {}",
                    minus_one(ack),
                    peer_state(rec)
                )?;
                data_suffix(rec, out)
            }
            What::Teardown(Teardown::AckAndFin, _) => {
                write!(
                    out,
                    "Teardown steps 2+3 in one segment: the {who} acknowledges the {peer}'s FIN with ack {ack} = {} + 1 and sends its own FIN, seq {}, entering {me}",
                    minus_one(ack),
                    fin_seq(rec)
                )?;
                data_suffix(rec, out)
            }
            What::HalfCloseData => write!(
                out,
                "Half-close: the {who} still sends {} bytes (seq {seq} to {}) after the {peer}'s FIN.",
                rec.len, rec.next_seq
            ),
            // "The {who} sends {len} bytes, seq {seq} to {next} (next seq {next} = {seq} + {len})."
            What::Data => put(
                out,
                &[
                    S("The "),
                    S(who),
                    S(" sends "),
                    N(rec.len),
                    S(" bytes, seq "),
                    N(seq),
                    S(" to "),
                    N(rec.next_seq),
                    S(" (next seq "),
                    N(rec.next_seq),
                    S(" = "),
                    N(seq),
                    S(" + "),
                    N(rec.len),
                    S(")."),
                ],
            ),
            // "The {who} acknowledges every byte of the {peer} before {ack} (ack {ack})."
            What::PureAck => put(
                out,
                &[
                    S("The "),
                    S(who),
                    S(" acknowledges every byte of the "),
                    S(peer),
                    S(" before "),
                    N(ack),
                    S(" (ack "),
                    N(ack),
                    S(")."),
                ],
            ),
            What::Other => write!(out, "The {who} sends a segment with flags [{}].", rec.tcp_flags),
        }
    }

    /// The data a FIN-bearing or ACK-of-FIN segment carries, if any.
    fn data_suffix(rec: &FrameRecord, out: &mut impl Write) -> fmt::Result {
        if rec.len > 0 {
            write!(
                out,
                ", carrying {} bytes of data (seq {} to {})",
                rec.len,
                rec.seq,
                rec.seq.wrapping_add(rec.len)
            )?;
        }
        out.write_char('.')
    }

    pub(super) fn verdict(
        v: Verdict,
        rec: &FrameRecord,
        an: &FrameAnalysis,
        out: &mut impl Write,
    ) -> fmt::Result {
        let who = rec.sender().name();
        let peer = rec.sender().other().name();
        let (seq, ack, next) = (rec.seq, rec.ack, rec.next_seq);
        match v {
            Verdict::Retransmission => {
                if rec.len > 0 {
                    write!(out, "Retransmission: the {who} sends bytes {seq} to {next} again")?;
                } else {
                    write!(out, "Retransmission: the {who} sends seq {seq} again")?;
                }
                if let (Some(rto), Some(f)) = (an.rto_ns, an.rto_frame) {
                    write!(out, ", {} after frame {f} without an ACK (retransmission timeout)", Ms(rto))?;
                }
                out.write_char('.')
            }
            Verdict::FastRetransmission => write!(
                out,
                "Fast retransmission: the {peer}'s duplicate ACKs asked for byte {seq}, so the {who} resends it without waiting for the timeout."
            ),
            Verdict::SpuriousRetransmission => write!(
                out,
                "Spurious retransmission: the {peer} had already acknowledged bytes {seq} to {next}, so this copy was not needed (the ACK was probably lost or late)."
            ),
            Verdict::OutOfOrder => write!(
                out,
                "Out-of-order: seq {seq} arrives after higher sequence numbers of the {who} were already seen (reordered in the network)."
            ),
            Verdict::LostSegment => match an.expected_seq {
                Some(exp) => write!(
                    out,
                    "Previous segment not captured: seq {seq} but {exp} was expected: {} bytes before it were not captured.",
                    seq.wrapping_sub(exp)
                ),
                None => write!(
                    out,
                    "Previous segment not captured: seq {seq} is beyond the bytes seen so far from the {who}."
                ),
            },
            Verdict::AckLostSegment => write!(
                out,
                "ACKed unseen segment: ack {ack} acknowledges bytes of the {peer} that the capture never saw."
            ),
            Verdict::DuplicateAck => match (an.dup_ack_num, an.dup_ack_frame) {
                (Some(n), Some(f)) => write!(
                    out,
                    "Dup ACK #{n} of frame {f} (TCP Dup ACK {f}#{n}): the {who} still waits for byte {ack}."
                ),
                _ => write!(out, "Duplicate ACK: the {who} still waits for byte {ack}."),
            },
            Verdict::ZeroWindow => write!(
                out,
                "Zero window: the {who}'s receive buffer is full (window 0), so the {peer} must pause sending."
            ),
            Verdict::ZeroWindowProbe => write!(
                out,
                "Zero-window probe: the {who} sends 1 byte (seq {seq}) to test whether the {peer}'s window has reopened."
            ),
            Verdict::ZeroWindowProbeAck => write!(
                out,
                "Zero-window probe ACK: the {who} answers the probe; its window is still 0."
            ),
            Verdict::WindowFull => match an.bytes_in_flight {
                Some(b) => write!(
                    out,
                    "Window full: with {b} bytes in flight the {who} has filled the {peer}'s advertised window and must wait for an ACK."
                ),
                None => write!(
                    out,
                    "Window full: the {who} has filled the {peer}'s advertised window and must wait for an ACK."
                ),
            },
            Verdict::WindowUpdate => write!(
                out,
                "Window update: the {who} only announces a new receive window of {} bytes.",
                an.window_scaled.unwrap_or(u32::from(rec.window))
            ),
            Verdict::KeepAlive => write!(
                out,
                "Keep-alive: seq {seq} is one below the next sequence number {}; the {who} checks that the idle {peer} is still there.",
                seq.wrapping_add(1)
            ),
            Verdict::KeepAliveAck => write!(
                out,
                "Keep-alive ACK: the {who} answers the keep-alive with ack {ack}; it is still there."
            ),
            Verdict::ReusedPorts => write!(
                out,
                "Port reuse: a new connection starts on the addresses and ports of an earlier one."
            ),
        }
    }
}

mod zh {
    use super::*;

    /// 客户端 / 服务器.
    fn side(s: Side) -> &'static str {
        match s {
            Side::Client => "客户端",
            Side::Server => "服务器",
        }
    }

    /// The Chinese ordinal of a teardown step ("第一次挥手" ...).
    fn wave(t: Teardown) -> &'static str {
        match t {
            Teardown::Fin => "第一次挥手",
            Teardown::AckOfFin => "第二次挥手",
            Teardown::SecondFin => "第三次挥手",
            Teardown::LastAck => "第四次挥手",
            Teardown::AckAndFin => "第二、三次挥手",
        }
    }

    pub(super) fn what(what: What, rec: &FrameRecord, out: &mut impl Write) -> fmt::Result {
        let who = side(rec.sender());
        let peer = side(rec.sender().other());
        let me = rec.sender_state();
        let (seq, ack) = (rec.seq, rec.ack);
        match what {
            What::IcmpQuote => write!(
                out,
                "一个 ICMP 差错报文引用了{who}所发分段的头部（seq {}），该分段本身不做分析。",
                rec.seq_raw
            ),
            What::Malformed(e) => write!(
                out,
                "{who}发来的 TCP 头部格式错误（{e}）：归入流 {}，但和 Wireshark 一样不再进一步分析。",
                rec.stream
            ),
            What::Rst if rec.sender() == Side::Server && rec.rst_from == Some(TcpState::Listen) => write!(
                out,
                "服务器用 RST 拒绝连接（这个端口上没有程序接受连接），双方都进入 CLOSED。"
            ),
            What::Rst => {
                let from = rec.rst_from.map_or("未知状态", |s| s.name());
                write!(out, "{who}发送 RST 重置连接（此前处于 {from}），双方都进入 CLOSED。")
            }
            What::Handshake(Handshake::Syn, Event::SynRepeat) => write!(
                out,
                "第一次握手（重发）：{who}再次发送 SYN（seq = {seq}），因为之前的 SYN 还没有得到应答。"
            ),
            What::Handshake(Handshake::Syn, Event::SimultaneousOpen) => write!(
                out,
                "同时打开：{who}在{peer}的 SYN 尚未确认时也发送了自己的 SYN（seq = {seq}），进入 {me}。"
            ),
            What::Handshake(Handshake::Syn, _) => write!(
                out,
                "第一次握手（三次握手）：{who}发送 SYN 请求建立连接，seq = {seq}，进入 {me}。"
            ),
            What::Handshake(Handshake::SynAck, Event::SynAckRepeat) => write!(
                out,
                "第二次握手（重发）：{who}再次发送 SYN+ACK（ack = {ack}），因为之前的 SYN+ACK 还没有被确认。"
            ),
            What::Handshake(Handshake::SynAck, _) => write!(
                out,
                "第二次握手：{who}回复 SYN+ACK，seq = {seq}，ack = {peer}的 seq + 1 = {} + 1 = {ack}（SYN 占用一个序号），进入 {me}。",
                minus_one(ack)
            ),
            What::Handshake(Handshake::Ack, _) => write!(
                out,
                "第三次握手：{who}发送 ACK 确认{peer}的 SYN，ack = {} + 1 = {ack}，连接建立。",
                minus_one(ack)
            ),
            What::Teardown(t, Event::FinRepeat) => write!(
                out,
                "{}（重发）：{who}再次发送 FIN（seq = {seq}），因为之前的 FIN 还没有被确认。",
                wave(t)
            ),
            What::Teardown(Teardown::Fin, _) => {
                write!(out, "第一次挥手（四次挥手）：{who}发送 FIN 关闭自己的发送方向，seq = {}，进入 {me}", fin_seq(rec))?;
                data_suffix(rec, out)
            }
            What::Teardown(Teardown::AckOfFin, _) => {
                write!(
                    out,
                    "第二次挥手：{who}发送 ACK 确认{peer}的 FIN，ack = {} + 1 = {ack}（FIN 占用一个序号），{who}进入 {me}，{peer}进入 {}",
                    minus_one(ack),
                    peer_state(rec)
                )?;
                data_suffix(rec, out)
            }
            What::Teardown(Teardown::SecondFin, Event::SimultaneousClose) => write!(
                out,
                "同时关闭：{who}在确认{peer}的 FIN 之前也发送了 FIN（seq = {seq}），进入 {me}。"
            ),
            What::Teardown(Teardown::SecondFin, _) => {
                write!(out, "第三次挥手：{who}也发送 FIN 关闭自己的方向，seq = {}，进入 {me}", fin_seq(rec))?;
                data_suffix(rec, out)
            }
            What::Teardown(Teardown::LastAck, _) => {
                write!(
                    out,
                    "第四次挥手：{who}发送 ACK 确认最后一个 FIN，ack = {} + 1 = {ack}，{who}进入 {me}，{peer}进入 {}",
                    minus_one(ack),
                    peer_state(rec)
                )?;
                data_suffix(rec, out)
            }
            What::Teardown(Teardown::AckAndFin, _) => {
                write!(
                    out,
                    "第二、三次挥手合并为一个包：{who}确认{peer}的 FIN（ack = {} + 1 = {ack}）并发送自己的 FIN（seq = {}），进入 {me}",
                    minus_one(ack),
                    fin_seq(rec)
                )?;
                data_suffix(rec, out)
            }
            What::HalfCloseData => write!(
                out,
                "半关闭：{peer}已经发送了 FIN，{who}仍在发送 {} 字节数据（seq {seq} 到 {}）。",
                rec.len, rec.next_seq
            ),
            // "{who}发送 {len} 字节数据，seq = {seq}，下一个序号 = {seq} + {len} = {next}。"
            What::Data => put(
                out,
                &[
                    S(who),
                    S("发送 "),
                    N(rec.len),
                    S(" 字节数据，seq = "),
                    N(seq),
                    S("，下一个序号 = "),
                    N(seq),
                    S(" + "),
                    N(rec.len),
                    S(" = "),
                    N(rec.next_seq),
                    S("。"),
                ],
            ),
            // "{who}确认收到{peer}在 {ack} 之前的所有字节（ack = {ack}）。"
            What::PureAck => put(
                out,
                &[
                    S(who),
                    S("确认收到"),
                    S(peer),
                    S("在 "),
                    N(ack),
                    S(" 之前的所有字节（ack = "),
                    N(ack),
                    S("）。"),
                ],
            ),
            What::Other => write!(out, "{who}发送标志为 [{}] 的分段。", rec.tcp_flags),
        }
    }

    /// The data a FIN-bearing or ACK-of-FIN segment carries, if any.
    fn data_suffix(rec: &FrameRecord, out: &mut impl Write) -> fmt::Result {
        if rec.len > 0 {
            write!(
                out,
                "，同时携带 {} 字节数据（seq {} 到 {}）",
                rec.len,
                rec.seq,
                rec.seq.wrapping_add(rec.len)
            )?;
        }
        out.write_char('。')
    }

    pub(super) fn verdict(
        v: Verdict,
        rec: &FrameRecord,
        an: &FrameAnalysis,
        out: &mut impl Write,
    ) -> fmt::Result {
        let who = side(rec.sender());
        let peer = side(rec.sender().other());
        let (seq, ack, next) = (rec.seq, rec.ack, rec.next_seq);
        match v {
            Verdict::Retransmission => {
                if rec.len > 0 {
                    write!(out, "重传：{who}再次发送字节 {seq} 到 {next}")?;
                } else {
                    write!(out, "重传：{who}再次发送 seq = {seq} 的分段")?;
                }
                if let (Some(rto), Some(f)) = (an.rto_ns, an.rto_frame) {
                    write!(out, "，距第 {f} 帧 {} 仍未收到确认（超时重传）", Ms(rto))?;
                }
                out.write_char('。')
            }
            Verdict::FastRetransmission => write!(
                out,
                "快速重传：{peer}的重复确认在索要字节 {seq}，{who}不等超时立即重传。"
            ),
            Verdict::SpuriousRetransmission => write!(
                out,
                "虚假重传：这个包已经发送过，{peer}已经确认了字节 {seq} 到 {next}，这次重传并不需要（ACK 可能丢失或迟到）。"
            ),
            Verdict::OutOfOrder => write!(
                out,
                "乱序：seq {seq} 在{who}更大的序号之后才出现（网络中发生了乱序）。"
            ),
            Verdict::LostSegment => match an.expected_seq {
                Some(exp) => write!(
                    out,
                    "前一个分段未捕获：seq = {seq}，但期望的是 {exp}：之前的 {} 字节没有被捕获。",
                    seq.wrapping_sub(exp)
                ),
                None => write!(
                    out,
                    "前一个分段未捕获：seq = {seq} 超出了目前看到的{who}的字节。"
                ),
            },
            Verdict::AckLostSegment => write!(
                out,
                "确认了未捕获的分段：ack = {ack} 确认了抓包中从未出现过的{peer}字节。"
            ),
            Verdict::DuplicateAck => match (an.dup_ack_num, an.dup_ack_frame) {
                (Some(n), Some(f)) => write!(
                    out,
                    "重复确认：TCP Dup ACK {f}#{n} 表示这是第 {f} 帧 ACK 的第 {n} 次重复，{who}仍在等待字节 {ack}。"
                ),
                _ => write!(out, "重复确认：{who}仍在等待字节 {ack}。"),
            },
            Verdict::ZeroWindow => write!(
                out,
                "零窗口：{who}的接收缓冲区已满（窗口为 0），{peer}必须暂停发送。"
            ),
            Verdict::ZeroWindowProbe => write!(
                out,
                "零窗口探测：{who}发送 1 字节（seq = {seq}）探测{peer}的窗口是否重新打开。"
            ),
            Verdict::ZeroWindowProbeAck => write!(
                out,
                "零窗口探测确认：{who}回应探测，窗口仍然为 0。"
            ),
            Verdict::WindowFull => match an.bytes_in_flight {
                Some(b) => write!(
                    out,
                    "窗口已满：在途字节 {b} 已占满{peer}通告的接收窗口，{who}必须等待确认。"
                ),
                None => write!(out, "窗口已满：{who}已占满{peer}通告的接收窗口，必须等待确认。"),
            },
            Verdict::WindowUpdate => write!(
                out,
                "窗口更新：{who}只通告新的接收窗口 {} 字节。",
                an.window_scaled.unwrap_or(u32::from(rec.window))
            ),
            Verdict::KeepAlive => write!(
                out,
                "保活：seq = {seq} 比下一个序号 {} 小 1，{who}借此探测空闲的{peer}是否还在。",
                seq.wrapping_add(1)
            ),
            Verdict::KeepAliveAck => write!(
                out,
                "保活确认：{who}以 ack = {ack} 回应保活，连接仍然存活。"
            ),
            Verdict::ReusedPorts => write!(
                out,
                "端口复用：在旧连接用过的地址和端口上开始了新连接。"
            ),
        }
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

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_lifecycle_step_has_a_distinct_text_in_both_languages() {
        let an = FrameAnalysis::default();
        for lang in Lang::ALL {
            let mut seen = std::collections::HashSet::new();
            for (name, rec) in lifecycle_cases() {
                let mut t = String::new();
                write_what(lang, What::of(&rec), &rec, &mut t).unwrap();
                assert!(!t.is_empty(), "{name} ({lang:?})");
                assert_eq!(lang == Lang::Zh, has_cjk(&t), "{name} ({lang:?}): {t}");
                assert!(seen.insert(t.clone()), "{name} ({lang:?}) repeats: {t}");
                let mut full = String::new();
                explain(lang, &rec, &an, &mut full).unwrap();
                assert!(full.starts_with(&t));
            }
        }
    }

    #[test]
    fn every_verdict_has_a_distinct_text_in_both_languages_with_its_term() {
        let rec = lifecycle_cases()[5].1;
        let an = FrameAnalysis {
            dup_ack_num: Some(2),
            dup_ack_frame: Some(108),
            expected_seq: Some(60),
            bytes_in_flight: Some(4096),
            ..FrameAnalysis::default()
        };
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
        for lang in Lang::ALL {
            let mut seen = std::collections::HashSet::new();
            for (i, v) in Verdict::ALL.into_iter().enumerate() {
                let mut t = String::new();
                write_verdict(lang, v, &rec, &an, &mut t).unwrap();
                assert_eq!(lang == Lang::Zh, has_cjk(&t), "{v:?}: {t}");
                if lang == Lang::Zh {
                    assert!(t.starts_with(&format!("{}：", zh_terms[i])), "{v:?}: {t}");
                }
                assert!(seen.insert(t.clone()), "{v:?} repeats: {t}");
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
