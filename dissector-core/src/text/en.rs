//! English: every sentence tcplens prints, in English.

// ---------------------------------------------------------------------------------------
// Explanations of frames (chosen by `explain`).
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Diagnosis findings (chosen by `diagnosis`).
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Picture labels (chosen by the render crate).
// ---------------------------------------------------------------------------------------

use super::{DiagramWords, GraphWords, PictureWords, ReportWords};
use crate::analysis::Verdict;

/// The pictures' words in English.
pub const PICTURES: PictureWords = PictureWords {
    client: "client",
    server: "server",
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
        title: |stream, from, to, who| {
            format!("TCP stream {stream}: time-sequence graph of {from} → {to} ({who} data)")
        },
        time_axis: |u| format!("time since the capture started ({u})"),
        seq_axis: |u| format!("relative sequence number ({u})"),
        legend: [
            "segment",
            "retransmission",
            "out of order",
            "SACK block",
            "ACK",
            "receive window",
        ],
        no_data: |who| format!("the {who} sent no data in this connection"),
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
        packet_heads: ["frame", "time (s)", "stream", "from", "verdicts", "explanation"],
        no_anomalous: "No anomalous packet.",
    },
};

// ---------------------------------------------------------------------------------------
// The Wireshark plugin's expert-info summaries.
// ---------------------------------------------------------------------------------------
