//! Every sentence tcplens prints, one file per language.
//!
//! The logic that decides *which* sentence a frame, a finding or a picture needs exists
//! once, next to the analysis it describes (`explain`, `diagnosis`, the render crate, the
//! plugin's expert summaries); it asks a language for the words through the traits
//! declared here. A language is one file ([`en`], [`zh`]) that fills them in: adding one is
//! that file, a variant of [`Lang`] with its type (beside [`En`] and [`Zh`]) and its arm in
//! [`with_lang!`](crate::with_lang), and the tests that enumerate every text then cover it.

use core::fmt::{self, Write};
use core::str::FromStr;

use crate::analysis::Verdict;
use crate::lifecycle::{Event, Handshake, Side, TcpState, Teardown};
use crate::verdict::{Basis, Clock, Evidence, OwnVerdict, Trigger};
use crate::wire::{DecodeError, TcpFlags};

mod diagnosis;
pub use diagnosis::DiagnosisWords;

pub mod en;
pub mod zh;

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

/// English: the words of [`en`]; every trait of this module is implemented for it there.
#[derive(Clone, Copy, Debug)]
pub struct En;

/// Simplified Chinese: the words of [`zh`]; every trait of this module is implemented for
/// it there.
#[derive(Clone, Copy, Debug)]
pub struct Zh;

/// Evaluates `$body` with `$L` naming the words type of `$lang` ([`En`], [`Zh`] ...): the one
/// place that maps a [`Lang`] to its file. Static dispatch: `$body` is compiled once per
/// language, so a sentence on a hot path costs no indirect call.
///
/// ```
/// use tcplens_core::text::{ExplainWords, Lang};
/// let mut s = String::new();
/// tcplens_core::with_lang!(Lang::En, L => L::reused_ports(&mut s)).unwrap();
/// assert!(s.starts_with("Port reuse"));
/// ```
#[macro_export]
macro_rules! with_lang {
    ($lang:expr, $L:ident => $body:expr) => {
        match $lang {
            $crate::text::Lang::En => {
                type $L = $crate::text::En;
                $body
            }
            $crate::text::Lang::Zh => {
                type $L = $crate::text::Zh;
                $body
            }
        }
    };
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

/// This packet's value of a [`Clock`] with its name ("IP ID 0x97fc", "TSval 1000"), as
/// Wireshark shows them.
pub(crate) struct Mine(pub Clock);

impl fmt::Display for Mine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Clock::IpId { mine, .. } => write!(f, "IP ID 0x{mine:04x}"),
            Clock::Tsval { mine, .. } => write!(f, "TSval {mine}"),
        }
    }
}

/// The other packet's value of a [`Clock`], bare ("0x97f1", "990").
pub(crate) struct Theirs(pub Clock);

impl fmt::Display for Theirs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Clock::IpId { theirs, .. } => write!(f, "0x{theirs:04x}"),
            Clock::Tsval { theirs, .. } => write!(f, "{theirs}"),
        }
    }
}

/// Microseconds as [`Ms`].
pub(crate) fn us(x: u32) -> Ms {
    Ms(i64::from(x) * 1_000)
}

/// A piece of a sentence written by [`put`].
#[derive(Clone, Copy)]
enum Piece<'a> {
    S(&'a str),
    N(u32),
}

/// Writes a sentence piece by piece. The sentences on (nearly) every frame — data, pure
/// ACKs, the states — go this way: `write!` interprets its format string and pads every
/// number at run time, and explanations were about a sixth of `analyze --format jsonl`'s
/// instructions per frame. The format string each replaces is in the comment above it, and
/// the golden files pin the result.
fn put<W: Write + ?Sized>(out: &mut W, pieces: &[Piece<'_>]) -> fmt::Result {
    for p in pieces {
        match *p {
            Piece::S(s) => out.write_str(s)?,
            Piece::N(n) => {
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

// ---------------------------------------------------------------------------------------
// Explanations of frames.
// ---------------------------------------------------------------------------------------

/// The words of a frame's explanation; `explain` decides which sentences a frame needs and
/// computes their numbers, a language writes them. Each function writes one sentence (or
/// the named piece of one) into `out`: `who` is the frame's sender, its peer is
/// `who.other()`, `state` the sender's state after the frame.
///
/// The sentences that end "without its full stop" are continued by [`carrying`] when the
/// segment carries data, then closed by [`full_stop`]; likewise a retransmission by
/// [`after_timeout`].
///
/// [`carrying`]: ExplainWords::carrying
/// [`full_stop`]: ExplainWords::full_stop
/// [`after_timeout`]: ExplainWords::after_timeout
pub trait ExplainWords {
    /// Between two sentences of one explanation.
    fn sentence_break<W: Write + ?Sized>(out: &mut W) -> fmt::Result;
    /// The end of a sentence written in pieces.
    fn full_stop<W: Write + ?Sized>(out: &mut W) -> fmt::Result;
    /// Both endpoints' states after the frame.
    fn states<W: Write + ?Sized>(out: &mut W, client: TcpState, server: TcpState) -> fmt::Result;

    /// A reason a frame could not be decoded.
    fn decode_error<W: Write + ?Sized>(out: &mut W, reason: DecodeError) -> fmt::Result;

    // What the frame is.
    fn icmp_quote<W: Write + ?Sized>(out: &mut W, who: Side, seq_raw: u32) -> fmt::Result;
    /// An ICMP error quoting only `quoted` bytes (4 to 15) of a TCP header: its ports and,
    /// where shown, its sequence number; no conversation.
    fn icmp_quote_cut<W: Write + ?Sized>(
        out: &mut W,
        v6: bool,
        quoted: u8,
        ports: (u16, u16),
        seq: Option<u32>,
    ) -> fmt::Result;
    fn malformed<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        reason: DecodeError,
        stream: u32,
    ) -> fmt::Result;
    /// A RST from a server in LISTEN.
    fn refused<W: Write + ?Sized>(out: &mut W) -> fmt::Result;
    fn reset<W: Write + ?Sized>(out: &mut W, who: Side, from: Option<TcpState>) -> fmt::Result;
    fn syn<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32, state: TcpState) -> fmt::Result;
    fn syn_repeat<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result;
    /// A SYN the lifecycle takes as repeated that is a copy of the earlier one (the capture
    /// holds it twice): no resend, so no "no answer yet".
    fn syn_copy<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result;
    fn simultaneous_open<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        seq: u32,
        state: TcpState,
    ) -> fmt::Result;
    /// `acked` is the peer's SYN (`ack − 1`).
    fn syn_ack<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        seq: u32,
        ack: u32,
        acked: u32,
        state: TcpState,
    ) -> fmt::Result;
    fn syn_ack_repeat<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result;
    /// A copy of the sender's SYN (`syn_ack` false) or SYN-ACK after it reached ESTABLISHED
    /// ([`Event::LateSyn`]): no state changes.
    fn late_syn<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        syn_ack: bool,
        seq: u32,
        ack: u32,
    ) -> fmt::Result;
    fn handshake_ack<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        ack: u32,
        acked: u32,
    ) -> fmt::Result;
    fn fin_repeat<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        step: Teardown,
        seq: u32,
    ) -> fmt::Result;
    /// Without its full stop; `fin_seq` is the FIN's own sequence number.
    fn fin<W: Write + ?Sized>(out: &mut W, who: Side, fin_seq: u32, state: TcpState)
        -> fmt::Result;
    /// Without its full stop; `peer_state` is the state of the side that did not send it.
    fn ack_of_fin<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        ack: u32,
        acked: u32,
        state: TcpState,
        peer_state: TcpState,
    ) -> fmt::Result;
    fn simultaneous_close<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        seq: u32,
        state: TcpState,
    ) -> fmt::Result;
    /// Without its full stop.
    fn second_fin<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        fin_seq: u32,
        state: TcpState,
    ) -> fmt::Result;
    /// Without its full stop.
    fn last_ack<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        ack: u32,
        acked: u32,
        state: TcpState,
        peer_state: TcpState,
    ) -> fmt::Result;
    /// Without its full stop.
    fn ack_and_fin<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        ack: u32,
        acked: u32,
        fin_seq: u32,
        state: TcpState,
    ) -> fmt::Result;
    /// The data a FIN-bearing or ACK-of-FIN segment carries, bytes `from` to `to`.
    fn carrying<W: Write + ?Sized>(out: &mut W, len: u32, from: u32, to: u32) -> fmt::Result;
    fn half_close_data<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        len: u32,
        seq: u32,
        next: u32,
    ) -> fmt::Result;
    /// Hot: nearly every data segment.
    fn data<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        len: u32,
        seq: u32,
        next: u32,
    ) -> fmt::Result;
    /// Hot: nearly every pure ACK.
    fn pure_ack<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result;
    fn other<W: Write + ?Sized>(out: &mut W, who: Side, flags: TcpFlags) -> fmt::Result;

    // One sentence per `tcp.analysis` verdict.
    /// Without its full stop.
    fn retransmission_bytes<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        seq: u32,
        next: u32,
    ) -> fmt::Result;
    /// Without its full stop.
    fn retransmission_seq<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result;
    /// The timeout clause of a retransmission: `rto_ns` after frame `frame`.
    fn after_timeout<W: Write + ?Sized>(out: &mut W, rto_ns: i64, frame: u32) -> fmt::Result;
    fn fast_retransmission<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result;
    fn spurious_retransmission<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        seq: u32,
        next: u32,
    ) -> fmt::Result;
    fn out_of_order<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result;
    /// `gap` bytes between `expected` and `seq` were not captured.
    fn lost_segment_gap<W: Write + ?Sized>(
        out: &mut W,
        seq: u32,
        expected: u32,
        gap: u32,
    ) -> fmt::Result;
    fn lost_segment_beyond<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result;
    fn ack_lost_segment<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result;
    /// The `n`th duplicate of the ACK in frame `frame`.
    fn dup_ack_numbered<W: Write + ?Sized>(
        out: &mut W,
        who: Side,
        n: u32,
        frame: u32,
        ack: u32,
    ) -> fmt::Result;
    fn dup_ack<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result;
    fn zero_window<W: Write + ?Sized>(out: &mut W, who: Side) -> fmt::Result;
    fn zero_window_probe<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32) -> fmt::Result;
    fn zero_window_probe_ack<W: Write + ?Sized>(out: &mut W, who: Side) -> fmt::Result;
    fn window_full_in_flight<W: Write + ?Sized>(out: &mut W, who: Side, bytes: u32) -> fmt::Result;
    fn window_full<W: Write + ?Sized>(out: &mut W, who: Side) -> fmt::Result;
    fn window_update<W: Write + ?Sized>(out: &mut W, who: Side, window: u32) -> fmt::Result;
    /// `next` is `seq + 1`.
    fn keep_alive<W: Write + ?Sized>(out: &mut W, who: Side, seq: u32, next: u32) -> fmt::Result;
    fn keep_alive_ack<W: Write + ?Sized>(out: &mut W, who: Side, ack: u32) -> fmt::Result;
    fn reused_ports<W: Write + ?Sized>(out: &mut W) -> fmt::Result;

    // tcplens's own verdict on a data segment ([`crate::verdict`]).
    /// The verdict (not [`OwnVerdict::Duplicate`]: see [`own_duplicate`]), without its full
    /// stop; continued by [`own_evidence`] and [`own_trigger`].
    ///
    /// [`own_duplicate`]: ExplainWords::own_duplicate
    /// [`own_evidence`]: ExplainWords::own_evidence
    /// [`own_trigger`]: ExplainWords::own_trigger
    fn own_verdict<W: Write + ?Sized>(out: &mut W, v: OwnVerdict) -> fmt::Result;
    /// The evidence clause: the kinds of `ev` (nothing when it is empty).
    fn own_evidence<W: Write + ?Sized>(out: &mut W, ev: Evidence) -> fmt::Result;
    /// The trigger clause of a resend.
    fn own_trigger<W: Write + ?Sized>(out: &mut W, t: Trigger) -> fmt::Result;
    /// The `duplicate` verdict: a copy of frame `copy.0`, `copy.1` ns after it (when the
    /// host knows it); `identified`: by the same IP ID (else by time alone).
    fn own_duplicate<W: Write + ?Sized>(
        out: &mut W,
        copy: Option<(u32, i64)>,
        identified: bool,
    ) -> fmt::Result;
    /// The comparison that decided the verdict `v`, with its numbers, as a sentence of its
    /// own (one per kind of [`Basis`]); `base`: the sender's initial sequence number, to
    /// which the sequence numbers in `b` are shown relative, as `seq` is.
    fn own_basis<W: Write + ?Sized>(out: &mut W, v: OwnVerdict, b: Basis, base: u32)
        -> fmt::Result;
    /// Wireshark's class of the segment (`ws`: its retransmission, fast retransmission,
    /// spurious retransmission or out-of-order flag; `None`: no flag) differs from tcplens's
    /// (`own`; `None`: a first transmission in order).
    fn wireshark_differs<W: Write + ?Sized>(
        out: &mut W,
        ws: Option<Verdict>,
        own: Option<OwnVerdict>,
    ) -> fmt::Result;
}

// ---------------------------------------------------------------------------------------
// The Wireshark plugin's expert-info summaries.
// ---------------------------------------------------------------------------------------

/// A lifecycle step the plugin marks with an expert info (severity Chat).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExpertStep {
    Handshake(Handshake),
    Teardown(Teardown),
    Rst,
}

impl ExpertStep {
    /// Every step, in the order of the plugin's registrations.
    pub const ALL: [ExpertStep; 9] = [
        ExpertStep::Handshake(Handshake::Syn),
        ExpertStep::Handshake(Handshake::SynAck),
        ExpertStep::Handshake(Handshake::Ack),
        ExpertStep::Teardown(Teardown::Fin),
        ExpertStep::Teardown(Teardown::AckOfFin),
        ExpertStep::Teardown(Teardown::SecondFin),
        ExpertStep::Teardown(Teardown::LastAck),
        ExpertStep::Teardown(Teardown::AckAndFin),
        ExpertStep::Rst,
    ];
}

/// The one-line summaries of the plugin's expert infos. Wireshark takes a summary when the
/// plugin registers, before preferences are read, so the registered ones are English;
/// another language replaces the message of each expert info it adds.
pub trait PluginWords {
    /// A `tcp.analysis` verdict (Wireshark's own summary in English).
    fn verdict_summary(v: Verdict) -> &'static str;
    /// A lifecycle step.
    fn step_summary(s: ExpertStep) -> &'static str;
    /// A lifecycle event beyond the plain steps (the tree shows it before the event's
    /// code, `Event::code`, which filters keep using).
    fn event_summary(e: Event) -> &'static str;
    /// The core failed on a frame and the plugin caught it.
    fn internal_error() -> &'static str;
    /// The end of the TCP Lens tree's summary line: both endpoints' states after the frame.
    fn tree_states(out: &mut String, client: &str, server: &str) -> core::fmt::Result;
    /// The start of the summary line of a frame that is no step and has no verdict.
    fn tree_stream(out: &mut String, stream: u32) -> core::fmt::Result;
    /// The summary line of a TCP header quoted cut short (`quoted` bytes) in an ICMP error.
    fn tree_quote(out: &mut String, quoted: u8) -> core::fmt::Result;
    /// The collapsed subtree that repeats the TCP header's own values.
    fn tree_tcp_values() -> &'static str;
    /// The summary of the expert info on a data segment where tcplens's own verdict
    /// differs from Wireshark's ([`crate::verdict::versus`]).
    fn verdict_differs_summary() -> &'static str;
    /// A class of data segment ([`crate::verdict::versus`]): an own verdict, or none (a
    /// first transmission, in order).
    fn segment_class(v: Option<crate::verdict::OwnVerdict>) -> &'static str;
    /// That expert info's message, naming both verdicts.
    fn verdict_differs(
        out: &mut String,
        wireshark: Option<crate::verdict::OwnVerdict>,
        own: Option<crate::verdict::OwnVerdict>,
    ) -> core::fmt::Result;
}

#[cfg(test)]
mod plugin_words_tests {
    use super::*;

    /// Every summary in every language of [`Lang::ALL`]: written, and distinct from the
    /// other summaries of its language and from the same summary in the other languages.
    #[test]
    fn every_expert_summary_has_distinct_words_in_every_language() {
        let mut by_kind = std::collections::HashMap::new();
        for lang in Lang::ALL {
            let mut seen = std::collections::HashSet::new();
            let verdicts = Verdict::ALL.map(|v| {
                (
                    format!("{v:?}"),
                    crate::with_lang!(lang, L => L::verdict_summary(v)),
                )
            });
            let steps = ExpertStep::ALL.map(|s| {
                (
                    format!("{s:?}"),
                    crate::with_lang!(lang, L => L::step_summary(s)),
                )
            });
            let events = Event::ALL.map(|e| {
                (
                    format!("event {e:?}"),
                    crate::with_lang!(lang, L => L::event_summary(e)),
                )
            });
            let error = [(
                "internal error".to_string(),
                crate::with_lang!(lang, L => L::internal_error()),
            )];
            let differs = [(
                "verdict differs".to_string(),
                crate::with_lang!(lang, L => L::verdict_differs_summary()),
            )];
            let classes = [None]
                .into_iter()
                .chain(crate::verdict::OwnVerdict::ALL.map(Some))
                .map(|v| {
                    (
                        format!("class {v:?}"),
                        crate::with_lang!(lang, L => L::segment_class(v)),
                    )
                });
            for (kind, t) in verdicts
                .into_iter()
                .chain(steps)
                // No event has no words to show; a reset's are its step's.
                .chain(
                    events
                        .into_iter()
                        .filter(|(k, _)| k != "event None" && k != "event Rst"),
                )
                .chain(error)
                .chain(differs)
                .chain(classes)
            {
                assert!(!t.is_empty(), "{kind} ({lang:?})");
                assert!(!t.contains('\0'), "{kind} ({lang:?})");
                assert!(seen.insert(t), "{kind} ({lang:?}) repeats: {t}");
                by_kind.entry(kind).or_insert_with(Vec::new).push(t);
            }
        }
        for (kind, texts) in by_kind {
            let distinct: std::collections::HashSet<_> = texts.iter().collect();
            assert_eq!(distinct.len(), Lang::ALL.len(), "{kind}: {texts:?}");
        }
    }

    /// The message where the verdicts differ names both classes, in every language.
    #[test]
    fn verdict_differs_names_both_verdicts() {
        use crate::verdict::OwnVerdict;
        let classes = [None].into_iter().chain(OwnVerdict::ALL.map(Some));
        for lang in Lang::ALL {
            for ws in classes.clone() {
                for own in classes.clone().filter(|o| *o != ws) {
                    let mut out = String::new();
                    crate::with_lang!(lang, L => L::verdict_differs(&mut out, ws, own)).unwrap();
                    let (w, o) =
                        crate::with_lang!(lang, L => (L::segment_class(ws), L::segment_class(own)));
                    assert!(out.contains(w) && out.contains(o), "{lang:?}: {out}");
                    assert!(!out.contains('\0'));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Picture labels: the words of the ladder diagram, the time-sequence graph and the HTML
// report (drawn by the render crate).
// ---------------------------------------------------------------------------------------

impl Lang {
    /// The words of the pictures in this language.
    pub fn pictures(self) -> &'static PictureWords {
        match self {
            Lang::En => &en::PICTURES,
            Lang::Zh => &zh::PICTURES,
        }
    }
}

/// The words of the pictures in one language. The render crate decides which label a
/// picture needs and where it goes; a language only fills the words in. Protocol names
/// (flags, states, `tcp.analysis` keys), numbers and units are not words: they read the
/// same in every language.
pub struct PictureWords {
    /// The endpoints, as the pictures name them.
    pub client: &'static str,
    pub server: &'static str,
    /// A long idle stretch cut out of a picture: "… 58.2 s idle …" (seconds).
    pub idle: fn(f64) -> String,
    /// A picture of part of a connection: first and last second shown (since the
    /// connection's first packet), first and last frame shown.
    pub shown: fn(f64, f64, u32, u32) -> String,
    pub diagram: DiagramWords,
    pub graph: GraphWords,
    pub report: ReportWords,
}

impl PictureWords {
    /// The name of `side`.
    pub fn side(&self, side: Side) -> &'static str {
        match side {
            Side::Client => self.client,
            Side::Server => self.server,
        }
    }
}

/// A run of plain packets folded into one marker of a ladder diagram.
#[derive(Debug, Clone, Copy)]
pub struct FoldedRun {
    pub first_frame: u32,
    pub last_frame: u32,
    pub packets: usize,
    pub from_client: usize,
    pub from_server: usize,
    /// Payload bytes.
    pub bytes: u64,
}

/// The words of a ladder diagram.
pub struct DiagramWords {
    /// stream, client, server
    pub title: fn(u32, &str, &str) -> String,
    /// The heads of the frame-number and time columns.
    pub frame: &'static str,
    pub time: &'static str,
    /// The brackets' names.
    pub handshake: &'static str,
    pub teardown: &'static str,
    /// A packet's tooltip: frame, its explanation.
    pub packet_tooltip: fn(u32, &str) -> String,
    /// A folded run's marker: "… {n} packets …".
    pub fold: fn(usize) -> String,
    /// Under it: "{bytes} bytes of data and their ACKs".
    pub fold_bytes: fn(u64) -> String,
    pub fold_tooltip: fn(&FoldedRun) -> String,
    /// The last row when the diagram stops: "… {n} more packets, not drawn …".
    pub rest: fn(usize) -> String,
    pub rest_hint: &'static str,
    /// duplicate-ACK number, the frame it duplicates
    pub dup_ack: fn(u32, u32) -> String,
    /// who (a side's name)
    pub reset_by: fn(&str) -> String,
    /// who, the state it reset from
    pub reset_by_in: fn(&str, &str) -> String,
    /// Before a malformed header's reason.
    pub malformed: &'static str,
    /// Between a packet's anomalies.
    pub list_sep: &'static str,
    /// A verdict as Wireshark's expert info names it, or as the tutorials of the language do.
    pub verdict: fn(Verdict) -> &'static str,
}

/// The words of the graphs (`tcplens graph --kind`).
pub struct GraphWords {
    /// stream, the view's name (one of `kinds`), sender, receiver, whose data (a side's name)
    pub title: fn(u32, &str, &str, &str, &str) -> String,
    /// The views, in the order of the render crate's `GraphKind::ALL`: time-sequence,
    /// throughput, round-trip time, window.
    pub kinds: [&'static str; 4],
    /// unit
    pub time_axis: fn(&str) -> String,
    /// unit
    pub seq_axis: fn(&str) -> String,
    /// the sliding window's length ("50 ms"), unit
    pub throughput_axis: fn(&str, &str) -> String,
    /// unit
    pub rtt_axis: fn(&str) -> String,
    /// unit
    pub window_axis: fn(&str) -> String,
    /// segment, retransmission, out of order, SACK block, ACK, receive window
    pub legend: [&'static str; 6],
    /// The throughput view's line of one direction: sender, receiver.
    pub direction: fn(&str, &str) -> String,
    /// The round-trip-time view's marks.
    pub rtt_legend: &'static str,
    /// The window view's lines: the receiver's advertised window, the sender's bytes in flight.
    pub window_legend: [&'static str; 2],
    /// The band where the receiver advertises a zero window, and the marks of the sender's
    /// zero-window probes.
    pub zero_window: &'static str,
    pub probe: &'static str,
    /// Several probes under one label: how many.
    pub probes: fn(usize) -> String,
    /// A zero window's tooltip: the frame that closed it, how long it stayed closed (s).
    pub zero_window_tooltip: fn(u32, f64) -> String,
    /// A probe's tooltip: its frame.
    pub probe_tooltip: fn(u32) -> String,
    /// whose data (a side's name)
    pub no_data: fn(&str) -> String,
    /// The round-trip-time view without a sample: whose data (a side's name).
    pub no_rtt: fn(&str) -> String,
    /// A segment's tooltip: frame, first and last sequence number, its kind.
    pub segment_tooltip: fn(u32, f64, f64, &str) -> String,
    /// Added to the tooltip of a bar that stands for several segments.
    pub merged_segments: fn(u32) -> String,
}

/// The words of the HTML report.
pub struct ReportWords {
    /// The page's `lang` attribute.
    pub html_lang: &'static str,
    pub title: &'static str,
    /// frames, TCP, not TCP, undecodable, connections, anomalous packets
    pub summary: fn([u64; 6]) -> String,
    /// Connections, diagnosis, anomaly counts, pictures, anomalous packets.
    pub nav: [&'static str; 5],
    pub sort_hint: &'static str,
    pub conn_heads: [&'static str; 18],
    pub diagnosis_intro: &'static str,
    pub no_findings: &'static str,
    /// Before a stream number in a heading.
    pub stream: &'static str,
    /// Before a finding's evidence frames.
    pub evidence: &'static str,
    /// After a list cut short: how many more.
    pub more: fn(u64) -> String,
    pub counts_intro: &'static str,
    pub no_anomalies: &'static str,
    pub no_tcp: &'static str,
    pub diagram_caption: &'static str,
    pub graph_caption: &'static str,
    /// The buttons under each picture: zoom out, fit the page, zoom in, open full size.
    pub zoom: [&'static str; 4],
    pub packet_heads: [&'static str; 6],
    pub no_anomalous: &'static str,
}

#[cfg(test)]
mod picture_tests {
    use super::*;

    #[test]
    fn every_language_fills_every_picture_word() {
        for lang in Lang::ALL {
            let w = lang.pictures();
            let (d, g, r) = (&w.diagram, &w.graph, &w.report);
            let words = [
                w.client,
                w.server,
                d.frame,
                d.time,
                d.handshake,
                d.teardown,
                d.rest_hint,
                d.malformed,
                d.list_sep,
                r.html_lang,
                r.title,
                r.sort_hint,
                r.diagnosis_intro,
                r.no_findings,
                r.stream,
                r.evidence,
                r.counts_intro,
                r.no_anomalies,
                r.no_tcp,
                r.diagram_caption,
                r.graph_caption,
                r.no_anomalous,
            ];
            let more = [
                g.rtt_legend,
                g.zero_window,
                g.probe,
                g.window_legend[0],
                g.window_legend[1],
            ];
            let lists = g
                .legend
                .iter()
                .chain(&g.kinds)
                .chain(&more)
                .chain(&r.nav)
                .chain(&r.conn_heads)
                .chain(&r.zoom);
            for word in words.iter().chain(lists).chain(&r.packet_heads) {
                assert!(!word.trim().is_empty(), "{lang:?}: an empty picture word");
            }
            for v in Verdict::ALL {
                assert!(!(d.verdict)(v).is_empty(), "{lang:?}: no word for {v:?}");
            }
        }
    }

    #[test]
    fn sentences_carry_their_numbers_and_names() {
        for lang in Lang::ALL {
            let w = lang.pictures();
            let who = w.side(Side::Server);
            assert!((w.diagram.title)(7, "a:1", "b:2").contains("7"));
            assert!((w.diagram.fold)(240).contains("240"));
            assert!((w.diagram.dup_ack)(3, 13).contains("13"));
            assert!((w.diagram.reset_by)(who).contains(who));
            assert!((w.diagram.reset_by_in)(who, "LAST_ACK").contains("LAST_ACK"));
            assert!((w.graph.no_data)(who).contains(who));
            assert!((w.graph.no_rtt)(who).contains(who));
            assert!((w.graph.probes)(5).contains('5'));
            assert!((w.idle)(58.2).contains("58.2 s"));
            assert!((w.shown)(1.5, 3.25, 120, 300).contains("300"));
            assert!((w.graph.direction)(who, w.client).contains(who));
            for axis in [
                w.graph.time_axis,
                w.graph.seq_axis,
                w.graph.rtt_axis,
                w.graph.window_axis,
            ] {
                assert!(axis("kB/s").ends_with("(kB/s)"));
            }
            let axis = (w.graph.throughput_axis)("50 ms", "kB/s");
            assert!(axis.contains("50 ms") && axis.ends_with("(kB/s)"), "{axis}");
            assert!((w.report.more)(12).contains("12"));
            assert!((w.report.summary)([1, 2, 3, 4, 5, 6]).contains('6'));
        }
    }

    #[test]
    fn english_plurals_agree_with_their_numbers() {
        let s = Lang::En.pictures().report.summary;
        assert!(s([3, 3, 0, 0, 1, 1]).ends_with("1 connection, 1 anomalous packet."));
        assert!(s([3, 3, 0, 0, 2, 0]).ends_with("2 connections, 0 anomalous packets."));
    }
}
