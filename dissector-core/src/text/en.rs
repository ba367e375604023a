//! English: every sentence tcplens prints, in English.

// ---------------------------------------------------------------------------------------
// Explanations of frames (chosen by `explain`).
// ---------------------------------------------------------------------------------------

/// A nested module so that its imports cannot clash with another section's.
mod explanations {
    use core::fmt::{self, Write};

    use crate::analysis::Verdict;
    use crate::lifecycle::{Side, TcpState, Teardown};
    use crate::text::{put, us, ExplainWords, Mine, Ms, Piece::N, Piece::S, Theirs};
    use crate::verdict::{Basis, Clock, Evidence, OwnVerdict, Trigger};
    use crate::wire::{DecodeError, TcpFlags};

    use crate::text::En;

    impl ExplainWords for En {
        fn sentence_break<W: Write + ?Sized>(out: &mut W) -> fmt::Result {
            out.write_char(' ')
        }

        fn full_stop<W: Write + ?Sized>(out: &mut W) -> fmt::Result {
            out.write_char('.')
        }

        fn states<W: Write + ?Sized>(
            out: &mut W,
            client: TcpState,
            server: TcpState,
        ) -> fmt::Result {
            // "Now: client {}, server {}."
            put(
                out,
                &[
                    S("Now: client "),
                    S(client.name()),
                    S(", server "),
                    S(server.name()),
                    S("."),
                ],
            )
        }

        fn decode_error<W: Write + ?Sized>(out: &mut W, reason: DecodeError) -> fmt::Result {
            match reason {
                DecodeError::UnsupportedLinkType(l) => {
                    write!(out, "link type {l} is not supported")
                }
                DecodeError::TruncatedLink => {
                    out.write_str("frame ends inside the link-layer header")
                }
                DecodeError::BadIpVersion(v) => write!(out, "IP version {v} is neither 4 nor 6"),
                DecodeError::TruncatedIp => out.write_str("frame ends inside the IP header"),
                DecodeError::BadIpHeaderLength(ihl) => {
                    write!(
                        out,
                        "IPv4 header length {ihl} words is below the minimum of 5"
                    )
                }
                DecodeError::IpLengthTooSmall => {
                    out.write_str("IP length field is smaller than the headers it must contain")
                }
                DecodeError::BadIpExtension => out.write_str("an IP extension header is malformed"),
                DecodeError::IpFragment => out.write_str(
                    "IP fragment of a TCP segment, cut by the snaplen: it cannot be reassembled, and the TCP header is in another frame",
                ),
                DecodeError::TruncatedTcp => out.write_str("frame ends inside the TCP header"),
                DecodeError::BadTcpDataOffset(d) => {
                    write!(out, "TCP data offset {d} words is below the minimum of 5")
                }
                DecodeError::TcpHeaderBeyondIp => {
                    out.write_str("TCP header length runs past the end of the IP payload")
                }
                DecodeError::BadLinkHeader => {
                    out.write_str("a length in the link-layer header is impossible")
                }
                DecodeError::WlanProtected => out.write_str(
                    "802.11 protected frame: its body is encrypted (decrypt the capture first, e.g. with Wireshark's 802.11 keys)",
                ),
                DecodeError::WlanAmsdu => out.write_str(
                    "802.11 A-MSDU: several subframes in one frame, not decoded",
                ),
            }
        }

        fn icmp_quote<W: Write + ?Sized>(out: &mut W, who: Side, seq_raw: u32) -> fmt::Result {
            let who = who.name();
            write!(
                out,
                "An ICMP error quotes the header of a segment the {who} sent (seq {seq_raw}); the segment itself is not analysed."
            )
        }

        fn icmp_quote_cut<W: Write + ?Sized>(
            out: &mut W,
            v6: bool,
            quoted: u8,
            (sport, dport): (u16, u16),
            seq: Option<u32>,
        ) -> fmt::Result {
            let icmp = if v6 { "ICMPv6" } else { "ICMP" };
            write!(
                out,
                "An {icmp} error quotes only the first {quoted} bytes of a TCP header (port {sport} to port {dport}"
            )?;
            if let Some(seq) = seq {
                write!(out, ", seq {seq}")?;
            }
            out.write_str("): too little to name its conversation, so, as in Wireshark, it belongs to none and is not analysed.")
        }

        fn malformed<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            reason: DecodeError,
            stream: u32,
        ) -> fmt::Result {
            write!(out, "Malformed TCP header from the {} (", who.name())?;
            Self::decode_error(out, reason)?;
            write!(
                out,
                "): it is filed under stream {stream} but not analysed further, as Wireshark does."
            )
        }

        fn refused<W: Write + ?Sized>(out: &mut W) -> fmt::Result {
            out.write_str(
                "The server refuses the connection with RST (nothing accepts connections on this port); both ends are now CLOSED.",
            )
        }

        fn reset<W: Write + ?Sized>(out: &mut W, who: Side, from: Option<TcpState>) -> fmt::Result {
            let who = who.name();
            let from = from.map_or("an unknown state", |s| s.name());
            write!(
                out,
                "The {who} resets the connection (RST) from {from}; both ends are now CLOSED."
            )
        }

        fn syn<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let who = who.name();
            write!(
                out,
                "Handshake step 1 of 3 (three-way handshake): the {who} asks to connect with SYN, seq {seq}, and enters {state}."
            )
        }

        fn syn_repeat<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let who = who.name();
            write!(
                out,
                "Handshake step 1 of 3 again: the {who} repeats its SYN (seq {seq}) because the first one got no answer yet."
            )
        }

        fn syn_copy<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let who = who.name();
            write!(
                out,
                "Handshake step 1 of 3, seen again: the {who}'s SYN (seq {seq}) appears again in the capture."
            )
        }

        fn simultaneous_open<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Simultaneous open: the {who} sends its own SYN (seq {seq}) while the {peer}'s SYN is outstanding, and enters {state}."
            )
        }

        fn syn_ack<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            ack: u32,
            acked: u32,
            state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Handshake step 2 of 3: the {who} answers SYN-ACK with seq {seq} and ack {ack} = {acked} + 1 (the {peer}'s SYN takes one sequence number), and enters {state}."
            )
        }

        fn syn_ack_repeat<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result {
            let who = who.name();
            write!(
                out,
                "Handshake step 2 of 3 again: the {who} repeats its SYN-ACK (ack {ack}) because the first one was not acknowledged yet."
            )
        }

        fn late_syn<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            syn_ack: bool,
            seq: u32,
            ack: u32,
        ) -> fmt::Result {
            let who = who.name();
            write!(out, "A late copy of the {who}'s ")?;
            if syn_ack {
                write!(out, "SYN-ACK (seq {seq}, ack {ack})")?;
            } else {
                write!(out, "SYN (seq {seq})")?;
            }
            write!(
                out,
                ", after the {who} reached ESTABLISHED: a duplicate, not a new attempt, so no state changes (the receiver only answers it with an ACK)."
            )
        }

        fn handshake_ack<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            ack: u32,
            acked: u32,
        ) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Handshake step 3 of 3: the {who} acknowledges the {peer}'s SYN with ack {ack} = {acked} + 1; the connection is established."
            )
        }

        fn fin_repeat<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            step: Teardown,
            seq: u32,
        ) -> fmt::Result {
            let who = who.name();
            write!(
                out,
                "Teardown step {} again: the {who} repeats its FIN (seq {seq}) because the first one is not acknowledged yet.",
                step.label()
            )
        }

        fn fin<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            fin_seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let who = who.name();
            write!(
                out,
                "Teardown step 1 of 4 (four-way close): the {who} closes its direction with FIN, seq {fin_seq}, and enters {state}"
            )
        }

        fn ack_of_fin<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            ack: u32,
            acked: u32,
            state: TcpState,
            peer_state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Teardown step 2 of 4: the {who} acknowledges the {peer}'s FIN with ack {ack} = {acked} + 1, since a FIN takes one sequence number; the {who} enters {state}, the {peer} {peer_state}"
            )
        }

        fn simultaneous_close<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Simultaneous close: the {who} sends its FIN (seq {seq}) before acknowledging the {peer}'s, and enters {state}."
            )
        }

        fn second_fin<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            fin_seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let who = who.name();
            write!(
                out,
                "Teardown step 3 of 4: the {who} closes its direction too with FIN, seq {fin_seq}, and enters {state}"
            )
        }

        fn last_ack<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            ack: u32,
            acked: u32,
            state: TcpState,
            peer_state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Teardown step 4 of 4: the {who} acknowledges the last FIN with ack {ack} = {acked} + 1 and enters {state}; the {peer} enters {peer_state}"
            )
        }

        fn ack_and_fin<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            ack: u32,
            acked: u32,
            fin_seq: u32,
            state: TcpState,
        ) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Teardown steps 2+3 in one segment: the {who} acknowledges the {peer}'s FIN with ack {ack} = {acked} + 1 and sends its own FIN, seq {fin_seq}, entering {state}"
            )
        }

        fn carrying<W: Write + ?Sized>(out: &mut W, len: u32, from: u32, to: u32) -> fmt::Result {
            write!(out, ", carrying {len} bytes of data (seq {from} to {to})")
        }

        fn half_close_data<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            len: u32,
            seq: u32,
            next: u32,
        ) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Half-close: the {who} still sends {len} bytes (seq {seq} to {next}) after the {peer}'s FIN."
            )
        }

        fn data<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            len: u32,
            seq: u32,
            next: u32,
        ) -> fmt::Result {
            // "The {who} sends {len} bytes, seq {seq} to {next} (next seq {next} = {seq} + {len})."
            put(
                out,
                &[
                    S("The "),
                    S(who.name()),
                    S(" sends "),
                    N(len),
                    S(" bytes, seq "),
                    N(seq),
                    S(" to "),
                    N(next),
                    S(" (next seq "),
                    N(next),
                    S(" = "),
                    N(seq),
                    S(" + "),
                    N(len),
                    S(")."),
                ],
            )
        }

        fn pure_ack<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result {
            // "The {who} acknowledges every byte of the {peer} before {ack} (ack {ack})."
            put(
                out,
                &[
                    S("The "),
                    S(who.name()),
                    S(" acknowledges every byte of the "),
                    S(who.other().name()),
                    S(" before "),
                    N(ack),
                    S(" (ack "),
                    N(ack),
                    S(")."),
                ],
            )
        }

        fn other<W: Write + ?Sized>(out: &mut W, who: Side, flags: TcpFlags) -> fmt::Result {
            write!(
                out,
                "The {} sends a segment with flags [{flags}].",
                who.name()
            )
        }

        fn retransmission_bytes<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            next: u32,
        ) -> fmt::Result {
            write!(
                out,
                "Retransmission: the {} sends bytes {seq} to {next} again",
                who.name()
            )
        }

        fn retransmission_seq<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            write!(
                out,
                "Retransmission: the {} sends seq {seq} again",
                who.name()
            )
        }

        fn after_timeout<W: Write + ?Sized>(out: &mut W, rto_ns: i64, frame: u32) -> fmt::Result {
            write!(
                out,
                ", {} after frame {frame} without an ACK (retransmission timeout)",
                Ms(rto_ns)
            )
        }

        fn fast_retransmission<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Fast retransmission: the {peer}'s duplicate ACKs asked for byte {seq}, so the {who} resends it without waiting for the timeout."
            )
        }

        fn spurious_retransmission<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            next: u32,
        ) -> fmt::Result {
            let peer = who.other().name();
            write!(
                out,
                "Spurious retransmission: the {peer} had already acknowledged bytes {seq} to {next}, so this copy was not needed (the ACK was probably lost or late)."
            )
        }

        fn out_of_order<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let who = who.name();
            write!(
                out,
                "Out-of-order: seq {seq} arrives after higher sequence numbers of the {who} were already seen (reordered in the network)."
            )
        }

        fn lost_segment_gap<W: Write + ?Sized>(
            out: &mut W,
            seq: u32,
            expected: u32,
            gap: u32,
        ) -> fmt::Result {
            write!(
                out,
                "Previous segment not captured: seq {seq} but {expected} was expected: {gap} bytes before it were not captured."
            )
        }

        fn lost_segment_beyond<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let who = who.name();
            write!(
                out,
                "Previous segment not captured: seq {seq} is beyond the bytes seen so far from the {who}."
            )
        }

        fn ack_lost_segment<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result {
            let peer = who.other().name();
            write!(
                out,
                "ACKed unseen segment: ack {ack} acknowledges bytes of the {peer} that the capture never saw."
            )
        }

        fn dup_ack_numbered<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            n: u32,
            frame: u32,
            ack: u32,
        ) -> fmt::Result {
            let who = who.name();
            write!(
                out,
                "Dup ACK #{n} of frame {frame} (TCP Dup ACK {frame}#{n}): the {who} still waits for byte {ack}."
            )
        }

        fn dup_ack<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result {
            write!(
                out,
                "Duplicate ACK: the {} still waits for byte {ack}.",
                who.name()
            )
        }

        fn zero_window<W: Write + ?Sized>(out: &mut W, who: Side) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Zero window: the {who}'s receive buffer is full (window 0), so the {peer} must pause sending."
            )
        }

        fn zero_window_probe<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Zero-window probe: the {who} sends 1 byte (seq {seq}) to test whether the {peer}'s window has reopened."
            )
        }

        fn zero_window_probe_ack<W: Write + ?Sized>(out: &mut W, who: Side) -> fmt::Result {
            write!(
                out,
                "Zero-window probe ACK: the {} answers the probe; its window is still 0.",
                who.name()
            )
        }

        fn window_full_in_flight<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            bytes: u32,
        ) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Window full: with {bytes} bytes in flight the {who} has filled the {peer}'s advertised window and must wait for an ACK."
            )
        }

        fn window_full<W: Write + ?Sized>(out: &mut W, who: Side) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Window full: the {who} has filled the {peer}'s advertised window and must wait for an ACK."
            )
        }

        fn window_update<W: Write + ?Sized>(out: &mut W, who: Side, window: u32) -> fmt::Result {
            write!(
                out,
                "Window update: the {} only announces a new receive window of {window} bytes.",
                who.name()
            )
        }

        fn keep_alive<W: Write + ?Sized>(
            out: &mut W,
            who: Side,
            seq: u32,
            next: u32,
        ) -> fmt::Result {
            let (who, peer) = (who.name(), who.other().name());
            write!(
                out,
                "Keep-alive: seq {seq} is one below the next sequence number {next}; the {who} checks that the idle {peer} is still there."
            )
        }

        fn keep_alive_ack<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result {
            write!(
                out,
                "Keep-alive ACK: the {} answers the keep-alive with ack {ack}; it is still there.",
                who.name()
            )
        }

        fn reused_ports<W: Write + ?Sized>(out: &mut W) -> fmt::Result {
            out.write_str(
                "Port reuse: a new connection starts on the addresses and ports of an earlier one.",
            )
        }

        fn own_verdict<W: Write + ?Sized>(out: &mut W, v: OwnVerdict) -> fmt::Result {
            out.write_str(match v {
                OwnVerdict::OutOfOrder => {
                    "tcplens's verdict: out of order, a first transmission overtaken in the network by data sent after it"
                }
                OwnVerdict::Retransmission => {
                    "tcplens's verdict: retransmission, a resend of bytes the receiver still missed"
                }
                OwnVerdict::SpuriousRetransmission => {
                    "tcplens's verdict: spurious retransmission, a resend of bytes that had all reached the receiver"
                }
                OwnVerdict::Duplicate => "tcplens's verdict: duplicate",
            })
        }

        fn own_evidence<W: Write + ?Sized>(out: &mut W, ev: Evidence) -> fmt::Result {
            for (i, k) in ev.kinds().enumerate() {
                out.write_str(if i == 0 { " (by " } else { ", " })?;
                out.write_str(super::evidence_name(k))?;
            }
            if ev.is_empty() {
                Ok(())
            } else {
                out.write_char(')')
            }
        }

        fn own_trigger<W: Write + ?Sized>(out: &mut W, t: Trigger) -> fmt::Result {
            out.write_str(match t {
                Trigger::DupAcks => ", sent after duplicate ACKs (fast retransmit)",
                Trigger::Sack => ", sent after SACK blocks showed the hole",
                Trigger::Timeout => ", sent when the retransmission timer expired",
                Trigger::TailProbe => ", a tail loss probe after the flow went quiet",
            })
        }

        fn own_duplicate<W: Write + ?Sized>(
            out: &mut W,
            copy: Option<(u32, i64)>,
            identified: bool,
        ) -> fmt::Result {
            out.write_str("tcplens's verdict: duplicate, the same packet captured twice")?;
            if let Some((frame, gap)) = copy {
                write!(out, ": a copy of frame {frame}, {} later,", Ms(gap))?;
            }
            out.write_str(if identified {
                " with the same IP ID, header and payload: not a resend"
            } else {
                " with the same header and payload, too soon after it to be a resend"
            })?;
            out.write_str(" (typical of a SPAN port or two taps).")
        }

        fn own_basis<W: Write + ?Sized>(
            out: &mut W,
            v: OwnVerdict,
            b: Basis,
            base: u32,
        ) -> fmt::Result {
            let rel = |x: u32| x.wrapping_sub(base);
            match b {
                Basis::AfterHigher { frame, clock } => {
                    write!(
                        out,
                        "Its {} is newer than frame {frame}'s {}, which carried higher sequence numbers, so it was sent after that data: ",
                        Mine(clock),
                        Theirs(clock)
                    )?;
                    out.write_str(if v == OwnVerdict::SpuriousRetransmission {
                        "a resend of bytes that had all arrived, a spurious retransmission."
                    } else {
                        "a retransmission."
                    })
                }
                Basis::Before { frame, clock } => write!(
                    out,
                    "Its {} is older than frame {frame}'s {}, which arrived first, so it was sent before that packet and overtaken on the way: out of order.",
                    Mine(clock),
                    Theirs(clock)
                ),
                Basis::BeforeItsResend { frame, clock } => write!(
                    out,
                    "Its {} is older than frame {frame}'s {}, which brought the same bytes first, so it is the original arriving after its retransmission (frame {frame}): out of order.",
                    Mine(clock),
                    Theirs(clock)
                ),
                Basis::OriginalLater { frame, clock } => write!(
                    out,
                    "Frame {frame} carries the same bytes with an older {} than this resend's {}: the original arrived after it, so it was not needed: a spurious retransmission.",
                    Mine(Clock::swapped(clock)),
                    Theirs(Clock::swapped(clock))
                ),
                Basis::SentBefore { frame, clock } => {
                    let spurious = v == OwnVerdict::SpuriousRetransmission;
                    match (clock, spurious) {
                        (Some(c), false) => write!(
                            out,
                            "Its {} is newer than frame {frame}'s {} carrying the same bytes, so it is a retransmission of frame {frame}.",
                            Mine(c),
                            Theirs(c)
                        ),
                        (None, false) => write!(
                            out,
                            "Frame {frame} carried these bytes before, so it is a retransmission of frame {frame}."
                        ),
                        (Some(c), true) => write!(
                            out,
                            "Its {} is newer than frame {frame}'s {} carrying the same bytes, which had arrived already, so it is a spurious retransmission of frame {frame}.",
                            Mine(c),
                            Theirs(c)
                        ),
                        (None, true) => write!(
                            out,
                            "Frame {frame} had brought these bytes already, so it is a spurious retransmission of frame {frame}."
                        ),
                    }
                }
                Basis::Acked { frame, ack } => write!(
                    out,
                    "Frame {frame}'s ACK {} had already acknowledged these bytes, so it is a spurious retransmission.",
                    rel(ack)
                ),
                Basis::Sacked { frame, left, right } => write!(
                    out,
                    "Frame {frame}'s SACK block {}-{} had already reported these bytes received, so it is a spurious retransmission.",
                    rel(left),
                    rel(right)
                ),
                Basis::Dsack { frame, left, right } => write!(
                    out,
                    "Frame {frame}'s D-SACK block {}-{} reports these bytes received twice, so it was a spurious retransmission.",
                    rel(left),
                    rel(right)
                ),
                Basis::EchoesOriginal {
                    frame,
                    tsecr,
                    tsval,
                } => write!(
                    out,
                    "Frame {frame}, the first ACK to cover it, echoes TSval {tsecr}, older than this resend's {tsval}: the original drew that ACK, so it was a spurious retransmission."
                ),
                Basis::AckTooSoon {
                    frame,
                    since_us,
                    rtt_us,
                } => write!(
                    out,
                    "Frame {frame}, the first ACK to cover it, came {} after it, too soon to answer it with an RTT of {}, so it was a spurious retransmission.",
                    us(since_us),
                    us(rtt_us)
                ),
                Basis::Gap { gap_us, rtt_us } => {
                    write!(
                        out,
                        "The data above it arrived {} before it, ",
                        us(gap_us)
                    )?;
                    let ooo = v == OwnVerdict::OutOfOrder;
                    match (rtt_us, ooo) {
                        (Some(r), true) => write!(
                            out,
                            "under three quarters of the {} RTT, too soon for a retransmission: out of order.",
                            us(r.get())
                        ),
                        (None, true) => out.write_str(
                            "within Wireshark's 3 ms window, too soon for a retransmission: out of order.",
                        ),
                        (Some(r), false) => write!(
                            out,
                            "at least three quarters of the {} RTT, time enough for a retransmission.",
                            us(r.get())
                        ),
                        (None, false) => out.write_str(
                            "beyond Wireshark's 3 ms window, time enough for a retransmission.",
                        ),
                    }
                }
                Basis::ClosedWindow { frame } => write!(
                    out,
                    "It was sent while the receiver's window was closed (zero at frame {frame}): a zero-window probe, which the receiver drops by design, not a resend."
                ),
            }
        }

        fn wireshark_differs<W: Write + ?Sized>(
            out: &mut W,
            ws: Option<Verdict>,
            own: Option<OwnVerdict>,
        ) -> fmt::Result {
            let Some(ws) = ws else {
                return out.write_str(
                    "Wireshark flags nothing here: its timing rules do not see what the evidence shows.",
                );
            };
            let name = match ws {
                Verdict::FastRetransmission => "Fast Retransmission",
                Verdict::SpuriousRetransmission => "Spurious Retransmission",
                Verdict::OutOfOrder => "Out-Of-Order",
                _ => "Retransmission",
            };
            match own {
                Some(_) => write!(
                    out,
                    "Wireshark marks this {name} by its timing rules; the evidence says otherwise."
                ),
                None => write!(
                    out,
                    "Wireshark marks this {name} by its timing rules, but no evidence shows a resend or reordering: tcplens sees a first transmission, in order."
                ),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Diagnosis findings (chosen by `diagnosis`).
// ---------------------------------------------------------------------------------------

/// An evidence kind's name, as the explanations and the diagnosis give it.
fn evidence_name(k: crate::verdict::EvidenceKind) -> &'static str {
    use crate::verdict::EvidenceKind;
    match k {
        EvidenceKind::Tsval => "the order of the TSvals",
        EvidenceKind::IpId => "the order of the IP IDs",
        EvidenceKind::Sack => "the receiver's SACK blocks",
        EvidenceKind::Dsack => "a D-SACK block reporting the bytes received twice",
        EvidenceKind::Ack => "the receiver's cumulative ACK",
        EvidenceKind::Vantage => "where the capture was taken",
        EvidenceKind::Timing => "the timing against the RTT",
        EvidenceKind::SamePacket => "the identical header and payload",
    }
}

pub use diagnosis::Diagnosis;

/// The diagnosis's words (`crate::text::DiagnosisWords`), in a module of their own so their
/// imports stay theirs.
mod diagnosis {
    use core::fmt::{self, Write};

    use core::net::IpAddr;

    use crate::diagnosis::{Cause, FrameList, Micros, Parties, Secs};
    use crate::lifecycle::Side;
    use crate::verdict::{Evidence, Trigger};
    use crate::wire::Unreachable;

    /// The diagnosis's words in English.
    pub struct Diagnosis;

    impl crate::text::DiagnosisWords for Diagnosis {
        fn section(&self) -> &'static str {
            "diagnosis:"
        }

        fn section_stream(
            &self,
            out: &mut dyn Write,
            stream: u32,
            client: &dyn fmt::Display,
            server: &dyn fmt::Display,
        ) -> fmt::Result {
            write!(out, "  stream {stream} ({client} -> {server}):")
        }

        fn section_finding(
            &self,
            out: &mut dyn Write,
            frame: u32,
            cause: &str,
            text: &str,
            frames: &[u32],
        ) -> fmt::Result {
            let frames = FrameList(frames, ", ");
            write!(out, "    frame {frame} [{cause}] {text} (frames {frames})")
        }

        fn section_more(
            &self,
            out: &mut dyn Write,
            more: usize,
            cause: &str,
            frames: &[u32],
            cut: bool,
        ) -> fmt::Result {
            let noun = if more == 1 { "frame" } else { "frames" };
            let rest = if cut { ", ..." } else { "" };
            let frames = FrameList(frames, ", ");
            write!(
                out,
                "      and {more} more [{cause}] at {noun} {frames}{rest}"
            )
        }

        fn section_nothing(&self) -> &'static str {
            "  nothing to report"
        }

        fn title(&self, cause: Cause) -> &'static str {
            match cause {
                Cause::SegmentLostBeforeCapture => "Segment lost before the capture point",
                Cause::SegmentLostAfterCapture => "Segment lost after the capture point",
                Cause::AckLost => "ACK lost or late",
                Cause::Reordering => "Reordering in the network",
                Cause::CaptureMissedPackets => "The capture point missed packets",
                Cause::MidConnectionStart => "Capture started mid-connection",
                Cause::ReceiverWindowExhausted => "Receiver window exhausted",
                Cause::KeepAliveIdle => "Keep-alive idling",
                Cause::ResetWithUnackedData => "Reset with unacknowledged data",
                Cause::PortReuse => "Port reuse",
                Cause::HandshakeNoAnswer => "Handshake never answered",
                Cause::HandshakeRefused => "Connection refused",
                Cause::HandshakeUnfinished => "Handshake never completed",
                Cause::CaptureDuplicates => "Capture duplicates",
                Cause::IcmpUnreachable => "Destination unreachable (ICMP)",
            }
        }

        fn title_end(&self) -> &'static str {
            ": "
        }

        fn side(&self, side: Side) -> &'static str {
            side.name()
        }

        fn resent(&self, trigger: Option<Trigger>) -> &'static str {
            match trigger {
                Some(Trigger::DupAcks) => "by fast retransmission after duplicate ACKs",
                Some(Trigger::Sack) => "by fast retransmission after SACK blocks showed the hole",
                Some(Trigger::Timeout) => "after a timeout",
                Some(Trigger::TailProbe) => "as a tail loss probe",
                None => "once more",
            }
        }

        fn evidence(&self, out: &mut dyn Write, ev: Evidence) -> fmt::Result {
            for (i, k) in ev.kinds().enumerate() {
                out.write_str(if i == 0 {
                    " tcplens's evidence: "
                } else {
                    ", "
                })?;
                out.write_str(super::evidence_name(k))?;
            }
            if ev.is_empty() {
                Ok(())
            } else {
                out.write_char('.')
            }
        }

        fn lost_before_capture(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            bytes: u32,
            gap_frame: u32,
        ) -> fmt::Result {
            let who = p.who;
            write!(out, "the {who}'s {bytes} bytes from seq {seq} never passed the capture point (the gap shows at frame {gap_frame})")
        }

        fn lost_before_capture_dup_acks(
            &self,
            out: &mut dyn Write,
            p: Parties,
            dup_acks: u32,
            seq: u32,
        ) -> fmt::Result {
            let peer = p.peer;
            write!(
                out,
                "; the {peer} sent {dup_acks} duplicate ACKs asking for byte {seq}"
            )
        }

        fn lost_before_capture_resent(
            &self,
            out: &mut dyn Write,
            p: Parties,
            how: &str,
        ) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, ", and the {who} resent them at frame {fr} {how}.")
        }

        fn lost_after_capture_dup_acks(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            dup_acks: u32,
            how: &str,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "the capture saw the {who}'s bytes from seq {seq}, but the {peer} sent {dup_acks} duplicate ACKs asking for them, so they were lost between the capture point and the {peer}; frame {fr} resends them {how}.")
        }

        fn lost_after_capture(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            bytes: u32,
            how: &str,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "frame {fr} resends the {who}'s {bytes} bytes from seq {seq} {how}; the capture saw them go out but no ACK had come back, so the segment was lost beyond the capture point or the {peer}'s ACK was lost or late.")
        }

        fn ack_lost(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            bytes: u32,
            ack_frame: u32,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "frame {fr} resends the {who}'s {bytes} bytes from seq {seq}, which the {peer} had already acknowledged in frame {ack_frame}; that ACK was probably lost or delayed on its way to the {who} (spurious retransmission).")
        }

        fn ack_lost_ack_unseen(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            bytes: u32,
        ) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "frame {fr} resends the {who}'s {bytes} bytes from seq {seq}, which were already acknowledged; the ACK was probably lost or delayed on its way to the {who} (spurious retransmission).")
        }

        fn reordering_into_gap(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            later_frame: u32,
        ) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "the {who}'s bytes from seq {seq} arrive at frame {fr}, after later bytes at frame {later_frame}, though they were sent first and not resent: the network delivered them out of order.")
        }

        fn reordering(&self, out: &mut dyn Write, p: Parties, seq: u32, bytes: u32) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "the {who}'s {bytes} bytes from seq {seq} arrive at frame {fr} after higher sequence numbers, though they were sent first and not resent: the network delivered them out of order.")
        }

        fn capture_missed(
            &self,
            out: &mut dyn Write,
            p: Parties,
            seq: u32,
            bytes: u32,
            gap_frame: u32,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "frame {fr} from the {peer} acknowledges the {who}'s {bytes} bytes from seq {seq} that the capture never saw (gap at frame {gap_frame}); they were delivered, the capture point dropped them.")
        }

        fn capture_missed_beyond(&self, out: &mut dyn Write, p: Parties, ack: u32) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "frame {fr} from the {peer} acknowledges the {who}'s bytes up to {ack}, beyond what the capture saw; they were delivered, the capture point dropped them.")
        }

        fn mid_connection_start(&self, out: &mut dyn Write, p: Parties) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "the first frame of this connection (frame {fr}, from the {who}) is not a SYN, so the handshake and the initial sequence numbers were not captured; relative numbers start from this frame.")
        }

        fn mid_connection_start_ports(&self, out: &mut dyn Write, server_port: u16) -> fmt::Result {
            write!(out, " The client was guessed from the ports: port {server_port}, the well-known or lower one, is taken to be the server's.")
        }

        fn unreachable(&self, why: Unreachable) -> &'static str {
            match why {
                Unreachable::Net => "network unreachable",
                Unreachable::Host => "host unreachable",
                Unreachable::Protocol => "protocol unreachable",
                Unreachable::Port => "port unreachable",
                Unreachable::Prohibited => "administratively prohibited",
                Unreachable::Other => "destination unreachable",
            }
        }

        fn icmp_unreachable_syn(
            &self,
            out: &mut dyn Write,
            p: Parties,
            why: &str,
            from: IpAddr,
            frames: &[u32],
        ) -> fmt::Result {
            let (who, peer) = (p.who, p.peer);
            let frames = FrameList(frames, ", ");
            write!(out, "the {who}'s SYN to the {peer} was answered by ICMP \"{why}\" from {from} (frames {frames})")
        }

        fn icmp_unreachable_data(
            &self,
            out: &mut dyn Write,
            p: Parties,
            why: &str,
            from: IpAddr,
            frames: &[u32],
        ) -> fmt::Result {
            let (who, peer) = (p.who, p.peer);
            let frames = FrameList(frames, ", ");
            write!(out, "segments the {who} sent to the {peer} were answered by ICMP \"{why}\" from {from} (frames {frames})")
        }

        fn icmp_unreachable_meaning(
            &self,
            out: &mut dyn Write,
            p: Parties,
            why: Unreachable,
            syn: bool,
        ) -> fmt::Result {
            let peer = p.peer;
            let meaning = match why {
                Unreachable::Port => format!("nothing listens on the {peer}'s port, or a firewall rejects the connection with this error"),
                Unreachable::Prohibited => "a firewall or router policy forbids the connection".to_string(),
                Unreachable::Net => format!("no router knows a route to the {peer}'s network"),
                Unreachable::Host => format!("the {peer}'s host did not answer on its last hop (down, or a wrong address)"),
                Unreachable::Protocol => format!("the {peer}'s host does not speak TCP"),
                Unreachable::Other => format!("the {peer} could not be reached"),
            };
            if syn {
                write!(out, ": {meaning}; the connection never started.")
            } else {
                write!(
                    out,
                    ": {meaning}; the connection cannot go on while it lasts."
                )
            }
        }

        fn zero_window(&self, out: &mut dyn Write, p: Parties, zero_frame: u32) -> fmt::Result {
            let who = p.who;
            write!(
                out,
                "the {who} advertised a zero window at frame {zero_frame}"
            )
        }

        fn zero_window_probes(&self, out: &mut dyn Write, p: Parties, probes: u32) -> fmt::Result {
            let peer = p.peer;
            write!(out, "; the {peer} sent {probes} zero-window probes")
        }

        fn zero_window_still_closed(
            &self,
            out: &mut dyn Write,
            _: Parties,
            after: Secs,
        ) -> fmt::Result {
            write!(
                out,
                "; the window was still closed at the end of the capture, {after} later."
            )
        }

        fn zero_window_reopened(
            &self,
            out: &mut dyn Write,
            p: Parties,
            closed: Secs,
        ) -> fmt::Result {
            let fr = p.frame;
            write!(
                out,
                "; it stayed closed for {closed} and reopened at frame {fr}."
            )
        }

        fn keep_alive_idle(
            &self,
            out: &mut dyn Write,
            p: Parties,
            idle: Secs,
            last_data: u32,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "after {idle} without data (last data at frame {last_data}), the {who} checks with a keep-alive at frame {fr} that the {peer} is still there; the connection is idle, not broken.")
        }

        fn keep_alive_no_data(&self, out: &mut dyn Write, p: Parties) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "the connection carried no data; the {who} checks with a keep-alive at frame {fr} that the {peer} is still there.")
        }

        fn reset(&self, out: &mut dyn Write, p: Parties) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(
                out,
                "the {who} aborted the connection with RST at frame {fr} while "
            )
        }

        fn reset_unacked_sent(&self, out: &mut dyn Write, _: Parties, bytes: u32) -> fmt::Result {
            write!(out, "{bytes} bytes it had sent were not yet acknowledged")
        }

        fn reset_unacked_received(
            &self,
            out: &mut dyn Write,
            p: Parties,
            bytes: u32,
        ) -> fmt::Result {
            let peer = p.peer;
            write!(
                out,
                "{bytes} bytes from the {peer} were not yet acknowledged by it"
            )
        }

        fn reset_unacked_both(
            &self,
            out: &mut dyn Write,
            p: Parties,
            sent: u32,
            received: u32,
        ) -> fmt::Result {
            let peer = p.peer;
            write!(out, "{sent} bytes it had sent and {received} bytes from the {peer} were not yet acknowledged")
        }

        fn reset_end(&self, out: &mut dyn Write, _: Parties) -> fmt::Result {
            out.write_str("; data in flight is lost.")
        }

        fn port_reuse(&self, out: &mut dyn Write, p: Parties, stream: u32) -> fmt::Result {
            let (peer, fr) = (p.peer, p.frame);
            write!(out, "frame {fr} opens a new connection (stream {stream}) on the addresses and ports of an earlier one; if the old one is not fully closed on the {peer}, the new SYN may be answered with the old state.")
        }

        fn handshake_no_answer(
            &self,
            out: &mut dyn Write,
            p: Parties,
            syns: u32,
            frames: &[u32],
            over: Secs,
        ) -> fmt::Result {
            let (who, peer) = (p.who, p.peer);
            let frames = FrameList(frames, ", ");
            write!(out, "the {who} sent {syns} SYN(s) (frames {frames}) over {over} and got no answer: the {peer} is unreachable, or a firewall drops the SYN or the answer.")
        }

        fn handshake_refused(
            &self,
            out: &mut dyn Write,
            p: Parties,
            syn_frame: u32,
        ) -> fmt::Result {
            let (peer, fr) = (p.peer, p.frame);
            write!(out, "the {peer} answered the SYN (frame {syn_frame}) with RST at frame {fr}: nothing accepts connections on that port, or a firewall rejects them.")
        }

        fn handshake_unfinished(
            &self,
            out: &mut dyn Write,
            p: Parties,
            syn_frame: u32,
        ) -> fmt::Result {
            let (who, peer, fr) = (p.who, p.peer, p.frame);
            write!(out, "the {peer} answered the SYN (frame {syn_frame}) with SYN-ACK at frame {fr}, but the {who} never sent the final ACK of the three-way handshake.")
        }

        fn capture_duplicates(
            &self,
            out: &mut dyn Write,
            p: Parties,
            copies: u32,
            data: u32,
            first_of: u32,
            gap: Micros,
        ) -> fmt::Result {
            let fr = p.frame;
            write!(out, "the capture holds {copies} packet(s) of this connection a second time ({data} with data), the first at frame {fr}, a copy of frame {first_of}: the same IP ID, TCP header and payload, {gap} after the earlier copy. This is typical of a SPAN port or two taps; the copies are not retransmissions, and the diagnosis leaves them out.")
        }
    }
}

// ---------------------------------------------------------------------------------------
// Picture labels (chosen by the render crate).
// ---------------------------------------------------------------------------------------

use super::{DiagramWords, GraphWords, PictureWords, ReportWords};
use crate::analysis::Verdict;

/// The pictures' words in English.
pub const PICTURES: PictureWords = PictureWords {
    client: "client",
    server: "server",
    idle: |s| format!("… {s:.1} s idle …"),
    shown: |t0, t1, f0, f1| format!("shown: {t0:.6} s to {t1:.6} s, frames {f0} to {f1}"),
    diagram: DiagramWords {
        title: |n, c, s| format!("TCP stream {n}: {c} ⇄ {s}"),
        frame: "frame",
        time: "time (s)",
        handshake: "handshake",
        teardown: "teardown",
        packet_tooltip: |frame, explanation| format!("frame {frame}: {explanation}"),
        fold: |n| format!("… {n} packets …"),
        fold_bytes: |b| format!("{b} bytes of data and their ACKs"),
        fold_tooltip: |f| {
            format!(
                "frames {} to {}: {} plain packets ({} from the client, {} from the server), {} payload bytes, no anomaly and no state change",
                f.first_frame, f.last_frame, f.packets, f.from_client, f.from_server, f.bytes
            )
        },
        rest: |n| format!("… {n} more packets, not drawn …"),
        rest_hint: "the diagram stops here; `tcplens analyze` lists every packet",
        dup_ack: |n, f| format!("dup ACK #{n} of frame {f}"),
        reset_by: |who| format!("reset by the {who}"),
        reset_by_in: |who, state| format!("reset by the {who} in {state}"),
        malformed: "malformed",
        list_sep: ", ",
        verdict: |v| match v {
            Verdict::Retransmission => "retransmission",
            Verdict::FastRetransmission => "fast retransmission",
            Verdict::SpuriousRetransmission => "spurious retransmission",
            Verdict::OutOfOrder => "out-of-order",
            Verdict::LostSegment => "previous segment not captured",
            Verdict::AckLostSegment => "ACKed unseen segment",
            Verdict::DuplicateAck => "duplicate ACK",
            Verdict::ZeroWindow => "zero window",
            Verdict::ZeroWindowProbe => "zero window probe",
            Verdict::ZeroWindowProbeAck => "zero window probe ACK",
            Verdict::WindowFull => "window full",
            Verdict::WindowUpdate => "window update",
            Verdict::KeepAlive => "keep-alive",
            Verdict::KeepAliveAck => "keep-alive ACK",
            Verdict::ReusedPorts => "TCP port numbers reused",
        },
    },
    graph: GraphWords {
        title: |stream, kind, from, to, who| {
            format!("TCP stream {stream}: {kind} of {from} → {to} ({who} data)")
        },
        kinds: ["time-sequence graph", "throughput", "round-trip time", "window"],
        time_axis: |u| format!("time since the connection's first packet ({u})"),
        seq_axis: |u| format!("relative sequence number ({u})"),
        throughput_axis: |w, u| format!("payload throughput over a sliding {w} window ({u})"),
        rtt_axis: |u| format!("round-trip time ({u})"),
        window_axis: |u| format!("window and bytes in flight ({u})"),
        legend: [
            "segment",
            "retransmission",
            "out of order",
            "SACK block",
            "ACK",
            "receive window",
        ],
        direction: |from, to| format!("{from} → {to}"),
        rtt_legend: "ACK: time since the segment it acknowledges",
        window_legend: ["receive window (advertised)", "bytes in flight"],
        zero_window: "zero window",
        probe: "probe",
        probes: |n| format!("{n} probes"),
        zero_window_tooltip: |frame, secs| {
            format!("frame {frame}: the receiver's window is 0 for {secs:.3} s")
        },
        probe_tooltip: |frame| format!("frame {frame}: zero window probe"),
        no_data: |who| format!("the {who} sent no data in this connection"),
        no_rtt: |who| format!("no ACK acknowledged data the {who} sent: no round-trip time to draw"),
        segment_tooltip: |frame, seq, end, kind| format!("frame {frame}: seq {seq} to {end} ({kind})"),
        merged_segments: |n| format!(", {n} segments in this pixel column"),
    },
    report: ReportWords {
        html_lang: "en",
        title: "tcplens report",
        summary: |[frames, tcp, not_tcp, bad, conns, anomalous]| {
            let s = |n: u64| if n == 1 { "" } else { "s" };
            format!(
                "{frames} frames, {tcp} TCP, {not_tcp} not TCP, {bad} undecodable; {conns} connection{}, {anomalous} anomalous packet{}.",
                s(conns),
                s(anomalous)
            )
        },
        nav: [
            "Connections",
            "Diagnosis",
            "Anomaly counts",
            "Pictures",
            "Anomalous packets",
        ],
        sort_hint: "Click a column to sort by it. → is client to server.",
        conn_heads: [
            "stream",
            "client",
            "server",
            "first (s)",
            "duration (s)",
            "packets →",
            "bytes →",
            "packets ←",
            "bytes ←",
            "handshake RTT (ms)",
            "states (client/server)",
            "history",
            "conn_state",
            "retransmitted → (%)",
            "retransmitted ← (%)",
            "ACK RTT → avg (ms)",
            "ACK RTT ← avg (ms)",
            "anomalous packets",
        ],
        diagnosis_intro: "Likely causes, reasoned across packets, each with the frames that show it.",
        no_findings: "No likely cause of trouble found.",
        stream: "Stream",
        evidence: "frames",
        more: |n| format!("… and {n} more."),
        counts_intro: "Packets per Wireshark tcp.analysis verdict, per connection.",
        no_anomalies: "No packet has a tcp.analysis verdict.",
        no_tcp: "The capture has no TCP connection.",
        diagram_caption: "Ladder diagram: one arrow per packet; plain data runs folded. Hover an arrow for its explanation.",
        graph_caption: "Time-sequence graph (tcptrace style) of the direction that sent more data.",
        zoom: ["zoom out", "fit", "zoom in", "open full size"],
        packet_heads: ["frame", "time (s)", "stream", "from", "verdicts", "explanation"],
        no_anomalous: "No anomalous packet.",
    },
};

// ---------------------------------------------------------------------------------------
// The Wireshark plugin's expert-info summaries.
// ---------------------------------------------------------------------------------------

/// A nested module so that its imports cannot clash with another section's.
mod plugin_summaries {
    use crate::analysis::Verdict;
    use crate::lifecycle::{Event, Handshake, Teardown};
    use crate::text::{ExpertStep, PluginWords};
    use crate::verdict::OwnVerdict;

    use crate::text::En;

    impl PluginWords for En {
        /// Wireshark's own summaries of the same conditions (packet-tcp.c).
        fn verdict_summary(v: Verdict) -> &'static str {
            match v {
                Verdict::Retransmission => "This frame is a (suspected) retransmission",
                Verdict::FastRetransmission => "This frame is a (suspected) fast retransmission",
                Verdict::SpuriousRetransmission => {
                    "This frame is a (suspected) spurious retransmission"
                }
                Verdict::OutOfOrder => "This frame is a (suspected) out-of-order segment",
                Verdict::LostSegment => {
                    "Previous segment(s) not captured (common at capture start)"
                }
                Verdict::AckLostSegment => {
                    "ACKed segment that wasn't captured (common at capture start)"
                }
                Verdict::DuplicateAck => "Duplicate ACK",
                Verdict::ZeroWindow => "TCP Zero Window segment",
                Verdict::ZeroWindowProbe => "TCP Zero Window Probe",
                Verdict::ZeroWindowProbeAck => "ACK to a TCP Zero Window Probe",
                Verdict::WindowFull => {
                    "TCP window specified by the receiver is now completely full"
                }
                Verdict::WindowUpdate => "TCP window update",
                Verdict::KeepAlive => "TCP keep-alive segment",
                Verdict::KeepAliveAck => "ACK to a TCP keep-alive segment",
                Verdict::ReusedPorts => {
                    "A new tcp session is started with the same ports as an earlier session in this trace"
                }
            }
        }

        fn step_summary(s: ExpertStep) -> &'static str {
            match s {
                ExpertStep::Handshake(Handshake::Syn) => {
                    "Handshake 1/3: client asks to connect (SYN)"
                }
                ExpertStep::Handshake(Handshake::SynAck) => {
                    "Handshake 2/3: server accepts (SYN-ACK)"
                }
                ExpertStep::Handshake(Handshake::Ack) => "Handshake 3/3: client acknowledges (ACK)",
                ExpertStep::Teardown(Teardown::Fin) => "Teardown 1/4: first FIN",
                ExpertStep::Teardown(Teardown::AckOfFin) => "Teardown 2/4: ACK of the first FIN",
                ExpertStep::Teardown(Teardown::SecondFin) => "Teardown 3/4: second FIN",
                ExpertStep::Teardown(Teardown::LastAck) => "Teardown 4/4: ACK of the second FIN",
                ExpertStep::Teardown(Teardown::AckAndFin) => {
                    "Teardown 2+3/4: ACK of the first FIN and second FIN in one segment"
                }
                ExpertStep::Rst => "Connection reset",
            }
        }

        fn event_summary(e: Event) -> &'static str {
            match e {
                Event::None => "No lifecycle event",
                Event::SimultaneousOpen => "Simultaneous open: both sides sent a SYN",
                Event::SynRepeat => "SYN sent again (same ISN)",
                Event::SynAckRepeat => "SYN-ACK sent again (same ISN)",
                Event::SimultaneousClose => "Simultaneous close: both sides sent a FIN",
                Event::FinRepeat => "FIN sent again (same sequence number)",
                Event::HalfCloseData => "Data after the peer's FIN (half-closed)",
                Event::LateSyn => {
                    "Late copy of a SYN or SYN-ACK after ESTABLISHED (no state change)"
                }
                // The reset is also a step, with the same words.
                Event::Rst => Self::step_summary(ExpertStep::Rst),
            }
        }

        fn internal_error() -> &'static str {
            "tcplens failed on this frame (internal error caught)"
        }

        fn tree_states(out: &mut String, client: &str, server: &str) -> core::fmt::Result {
            core::fmt::Write::write_fmt(out, format_args!("client {client}, server {server}"))
        }

        fn tree_stream(out: &mut String, stream: u32) -> core::fmt::Result {
            core::fmt::Write::write_fmt(out, format_args!("Stream {stream}"))
        }

        fn tree_quote(out: &mut String, quoted: u8) -> core::fmt::Result {
            core::fmt::Write::write_fmt(
                out,
                format_args!("{quoted} bytes of TCP header quoted in an ICMP error · no stream"),
            )
        }

        fn tree_tcp_values() -> &'static str {
            "TCP header values (as in the TCP tree)"
        }
        fn verdict_differs_summary() -> &'static str {
            "tcplens's own verdict differs from Wireshark's"
        }
        fn segment_class(v: Option<OwnVerdict>) -> &'static str {
            match v {
                None => "a first transmission, in order",
                Some(OwnVerdict::OutOfOrder) => "out-of-order",
                Some(OwnVerdict::Retransmission) => "retransmission",
                Some(OwnVerdict::SpuriousRetransmission) => "spurious retransmission",
                Some(OwnVerdict::Duplicate) => "duplicate packet",
            }
        }
        fn verdict_differs(
            out: &mut String,
            wireshark: Option<OwnVerdict>,
            own: Option<OwnVerdict>,
        ) -> core::fmt::Result {
            use core::fmt::Write as _;
            write!(
                out,
                "tcplens's own verdict differs from Wireshark's: Wireshark says {}, tcplens says {} (tcplens.verdict)",
                Self::segment_class(wireshark),
                Self::segment_class(own)
            )
        }
    }
}
