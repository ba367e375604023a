//! English: every sentence tcplens prints, in English.

// ---------------------------------------------------------------------------------------
// Explanations of frames (chosen by `explain`).
// ---------------------------------------------------------------------------------------



// ---------------------------------------------------------------------------------------
// Diagnosis findings (chosen by `diagnosis`).
// ---------------------------------------------------------------------------------------

pub use diagnosis::Diagnosis;

/// The diagnosis's words (`crate::text::DiagnosisWords`), in a module of their own so their
/// imports stay theirs.
mod diagnosis {
    use core::fmt::{self, Write};

    use crate::diagnosis::{Cause, FrameList, Parties, Secs};
    use crate::lifecycle::Side;

    /// The diagnosis's words in English.
    pub struct Diagnosis;

    impl crate::text::DiagnosisWords for Diagnosis {
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
            }
        }

        fn title_end(&self) -> &'static str {
            ": "
        }

        fn side(&self, side: Side) -> &'static str {
            side.name()
        }

        fn resent(&self, fast: bool) -> &'static str {
            if fast {
                "by fast retransmission"
            } else {
                "after a timeout"
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
            write!(out, "the {who}'s bytes from seq {seq} arrive at frame {fr}, after later bytes at frame {later_frame}, too soon to be a retransmission: the network delivered them out of order.")
        }

        fn reordering(&self, out: &mut dyn Write, p: Parties, seq: u32, bytes: u32) -> fmt::Result {
            let (who, fr) = (p.who, p.frame);
            write!(out, "the {who}'s {bytes} bytes from seq {seq} arrive at frame {fr} after higher sequence numbers, too soon to be a retransmission: the network delivered them out of order.")
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
    }
}

// ---------------------------------------------------------------------------------------
// Picture labels (chosen by the render crate).
// ---------------------------------------------------------------------------------------



// ---------------------------------------------------------------------------------------
// The Wireshark plugin's expert-info summaries.
// ---------------------------------------------------------------------------------------
