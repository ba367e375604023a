//! Every sentence tcplens prints, one file per language.
//!
//! The logic that decides *which* sentence a frame, a finding or a picture needs exists
//! once, next to the analysis it describes (`explain`, `diagnosis`, the render crate, the
//! plugin's expert summaries); it asks a language for the words through the traits
//! declared here. A language is one file ([`en`], [`zh`]) that fills them in: adding one is
//! that file, a variant of [`Lang`](crate::explain::Lang) and the test that enumerates
//! every text.

pub mod en;
pub mod zh;

// ---------------------------------------------------------------------------------------
// Picture labels: the words of the ladder diagram, the time-sequence graph and the HTML
// report (drawn by the render crate).
// ---------------------------------------------------------------------------------------

use crate::analysis::Verdict;
use crate::explain::Lang;
use crate::lifecycle::Side;

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

/// The words of a time-sequence graph.
pub struct GraphWords {
    /// stream, sender, receiver, whose data (a side's name)
    pub title: fn(u32, &str, &str, &str) -> String,
    /// unit
    pub time_axis: fn(&str) -> String,
    /// unit
    pub seq_axis: fn(&str) -> String,
    /// segment, retransmission, out of order, SACK block, ACK, receive window
    pub legend: [&'static str; 6],
    /// whose data (a side's name)
    pub no_data: fn(&str) -> String,
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
    pub conn_heads: [&'static str; 14],
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
            let lists = g.legend.iter().chain(&r.nav).chain(&r.conn_heads);
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
