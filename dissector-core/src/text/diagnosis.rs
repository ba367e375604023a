//! The words the diagnosis asks a language for.

use core::fmt::{self, Write};

use crate::diagnosis::{Cause, Micros, Parties, Secs};
use crate::lifecycle::Side;
use crate::verdict::{Evidence, Trigger};
use crate::wire::Unreachable;

/// The words of the diagnosis (`crate::diagnosis`), one method per sentence or clause:
/// which ones a finding needs is decided there (`Finding::write_text`), after the cause's
/// title and [`title_end`](Self::title_end). `p` names who the finding is about and its
/// frame; sequence numbers are relative.
pub trait DiagnosisWords {
    /// The heading of the diagnosis section `conns --diagnose` prints after its table.
    fn section(&self) -> &'static str;
    /// A conversation's line in that section.
    fn section_stream(
        &self,
        out: &mut dyn Write,
        stream: u32,
        client: &dyn fmt::Display,
        server: &dyn fmt::Display,
    ) -> fmt::Result;
    /// A finding's line: where it shows, its key, its text and its evidence frames.
    fn section_finding(
        &self,
        out: &mut dyn Write,
        frame: u32,
        cause: &str,
        text: &str,
        frames: &[u32],
    ) -> fmt::Result;
    /// `more` findings of the same cause, the first of them at `frames` (`cut`: not all
    /// are listed).
    fn section_more(
        &self,
        out: &mut dyn Write,
        more: usize,
        cause: &str,
        frames: &[u32],
        cut: bool,
    ) -> fmt::Result;
    /// The section's only line when no conversation has a finding.
    fn section_nothing(&self) -> &'static str;

    /// A cause's short title (expert-info summaries, headings, the text's opening).
    fn title(&self, cause: Cause) -> &'static str;
    /// What follows the title in a finding's text.
    fn title_end(&self) -> &'static str;
    /// An endpoint.
    fn side(&self, side: Side) -> &'static str;
    /// How bytes were resent: what tcplens's verdict names as the trigger, if anything.
    fn resent(&self, trigger: Option<Trigger>) -> &'static str;
    /// The sentence after a verdict's finding naming its evidence (nothing when `ev` is
    /// empty).
    fn evidence(&self, out: &mut dyn Write, ev: Evidence) -> fmt::Result;

    /// Bytes that never passed the capture point (the gap showed at `gap_frame`) ...
    fn lost_before_capture(
        &self,
        out: &mut dyn Write,
        p: Parties,
        seq: u32,
        bytes: u32,
        gap_frame: u32,
    ) -> fmt::Result;
    /// ... the receiver's duplicate ACKs asking for them (when there were some) ...
    fn lost_before_capture_dup_acks(
        &self,
        out: &mut dyn Write,
        p: Parties,
        dup_acks: u32,
        seq: u32,
    ) -> fmt::Result;
    /// ... and their retransmission at `p.frame`, `how`.
    fn lost_before_capture_resent(&self, out: &mut dyn Write, p: Parties, how: &str)
        -> fmt::Result;
    /// Bytes the capture saw, asked for again by duplicate ACKs: lost after the capture point.
    fn lost_after_capture_dup_acks(
        &self,
        out: &mut dyn Write,
        p: Parties,
        seq: u32,
        dup_acks: u32,
        how: &str,
    ) -> fmt::Result;
    /// Bytes the capture saw resent without any ACK: lost after the capture point, or the ACK.
    fn lost_after_capture(
        &self,
        out: &mut dyn Write,
        p: Parties,
        seq: u32,
        bytes: u32,
        how: &str,
    ) -> fmt::Result;
    /// Bytes resent that the peer had acknowledged at `ack_frame`.
    fn ack_lost(
        &self,
        out: &mut dyn Write,
        p: Parties,
        seq: u32,
        bytes: u32,
        ack_frame: u32,
    ) -> fmt::Result;
    /// Bytes resent that were acknowledged where the capture did not see it.
    fn ack_lost_ack_unseen(
        &self,
        out: &mut dyn Write,
        p: Parties,
        seq: u32,
        bytes: u32,
    ) -> fmt::Result;
    /// Late bytes that fill the gap shown at `later_frame`.
    fn reordering_into_gap(
        &self,
        out: &mut dyn Write,
        p: Parties,
        seq: u32,
        later_frame: u32,
    ) -> fmt::Result;
    /// Late bytes after higher sequence numbers.
    fn reordering(&self, out: &mut dyn Write, p: Parties, seq: u32, bytes: u32) -> fmt::Result;
    /// The peer acknowledges bytes of the gap shown at `gap_frame` the capture never saw.
    fn capture_missed(
        &self,
        out: &mut dyn Write,
        p: Parties,
        seq: u32,
        bytes: u32,
        gap_frame: u32,
    ) -> fmt::Result;
    /// The peer acknowledges bytes up to `ack`, beyond what the capture saw.
    fn capture_missed_beyond(&self, out: &mut dyn Write, p: Parties, ack: u32) -> fmt::Result;
    /// The conversation's first frame is not a SYN.
    fn mid_connection_start(&self, out: &mut dyn Write, p: Parties) -> fmt::Result;
    /// ... and the client was guessed from the ports: `server_port` is the server's.
    fn mid_connection_start_ports(&self, out: &mut dyn Write, server_port: u16) -> fmt::Result;
    /// Why a destination was unreachable, as ICMP names it.
    fn unreachable(&self, why: Unreachable) -> &'static str;
    /// `errors` ICMP unreachable errors (`why`) from `from` (the first ones at `frames`)
    /// answered the SYN of `p.who` ...
    fn icmp_unreachable_syn(
        &self,
        out: &mut dyn Write,
        p: Parties,
        why: &str,
        from: core::net::IpAddr,
        frames: &[u32],
    ) -> fmt::Result;
    /// ... or a segment of an open connection ...
    fn icmp_unreachable_data(
        &self,
        out: &mut dyn Write,
        p: Parties,
        why: &str,
        from: core::net::IpAddr,
        frames: &[u32],
    ) -> fmt::Result;
    /// ... and what `why` means for the connection.
    fn icmp_unreachable_meaning(
        &self,
        out: &mut dyn Write,
        p: Parties,
        why: Unreachable,
        syn: bool,
    ) -> fmt::Result;
    /// A zero window advertised at `zero_frame` ...
    fn zero_window(&self, out: &mut dyn Write, p: Parties, zero_frame: u32) -> fmt::Result;
    /// ... the peer's probes (when there were some) ...
    fn zero_window_probes(&self, out: &mut dyn Write, p: Parties, probes: u32) -> fmt::Result;
    /// ... still closed at the end of the capture, `after` it closed ...
    fn zero_window_still_closed(&self, out: &mut dyn Write, p: Parties, after: Secs)
        -> fmt::Result;
    /// ... or reopened at `p.frame` after `closed`.
    fn zero_window_reopened(&self, out: &mut dyn Write, p: Parties, closed: Secs) -> fmt::Result;
    /// A keep-alive `idle` after the last data, at `last_data`.
    fn keep_alive_idle(
        &self,
        out: &mut dyn Write,
        p: Parties,
        idle: Secs,
        last_data: u32,
    ) -> fmt::Result;
    /// A keep-alive on a connection that carried no data.
    fn keep_alive_no_data(&self, out: &mut dyn Write, p: Parties) -> fmt::Result;
    /// A reset at `p.frame` ...
    fn reset(&self, out: &mut dyn Write, p: Parties) -> fmt::Result;
    /// ... while bytes its sender had sent were unacknowledged ...
    fn reset_unacked_sent(&self, out: &mut dyn Write, p: Parties, bytes: u32) -> fmt::Result;
    /// ... or bytes from the peer ...
    fn reset_unacked_received(&self, out: &mut dyn Write, p: Parties, bytes: u32) -> fmt::Result;
    /// ... or both ...
    fn reset_unacked_both(
        &self,
        out: &mut dyn Write,
        p: Parties,
        sent: u32,
        received: u32,
    ) -> fmt::Result;
    /// ... and what that means.
    fn reset_end(&self, out: &mut dyn Write, p: Parties) -> fmt::Result;
    /// A new connection (`stream`) on an earlier one's addresses and ports.
    fn port_reuse(&self, out: &mut dyn Write, p: Parties, stream: u32) -> fmt::Result;
    /// `syns` SYNs (the first ones at `frames`) over `over`, never answered.
    fn handshake_no_answer(
        &self,
        out: &mut dyn Write,
        p: Parties,
        syns: u32,
        frames: &[u32],
        over: Secs,
    ) -> fmt::Result;
    /// The SYN at `syn_frame` answered by RST at `p.frame`.
    fn handshake_refused(&self, out: &mut dyn Write, p: Parties, syn_frame: u32) -> fmt::Result;
    /// The SYN at `syn_frame` answered by SYN-ACK at `p.frame`, never by the final ACK.
    fn handshake_unfinished(&self, out: &mut dyn Write, p: Parties, syn_frame: u32) -> fmt::Result;
    /// The capture holds `copies` packets a second time (`data` of them with data), the
    /// first at `p.frame`, a copy of `first_of`, `gap` after the earlier copy.
    fn capture_duplicates(
        &self,
        out: &mut dyn Write,
        p: Parties,
        copies: u32,
        data: u32,
        first_of: u32,
        gap: Micros,
    ) -> fmt::Result;
}
