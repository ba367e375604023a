//! `tcplens diagram`: a ladder (sequence) diagram of one TCP connection.
//!
//! Client and server are two vertical timelines; every packet is one arrow from its
//! sender's timeline to its receiver's, labelled with its flags and relative seq/ack/len.
//! The three-way handshake (RFC 9293 §3.5) and the close (§3.6) are bracketed and their
//! steps numbered; anomalies are coloured and named with Wireshark's `tcp.analysis` names;
//! each endpoint's state (§3.3.2) is written beside its timeline where it changes. Long
//! runs of plain data are folded into one marker ("… 240 packets …"), and long idle
//! stretches into another ("… 58.2 s idle …"), so a connection of any length stays
//! readable. Times count from the connection's first packet; a [`Range`] draws part of it.

use std::fmt::Write as _;

use tcplens_core::analysis::Verdict;
use tcplens_core::explain::{explain, Lang};
use tcplens_core::text::{DiagramWords, FoldedRun, PictureWords};
use tcplens_core::{Event, Side, TcpState};

use crate::svg::{esc, Anchor, Svg};
use crate::timeline::{idle_gaps, origin_ns, secs, Range};
use crate::trace::{Packet, Stream};

/// How a diagram is drawn.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Runs of more than this many plain packets are folded; 0 never folds.
    pub fold: usize,
    /// The part of the connection drawn.
    pub range: Range,
    /// The language of the words around the protocol's own (flags, numbers, state names).
    pub lang: Lang,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fold: 8,
            range: Range::default(),
            lang: Lang::En,
        }
    }
}

/// Plain packets drawn at each end of a folded run, so the reader sees how it starts and ends.
const FOLD_EDGE: usize = 2;

/// One row of the ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// The packet at this index of the stream.
    Packet(usize),
    /// Packets `first..first + count` of the stream, folded.
    Fold { first: usize, count: usize },
    /// Packets `first..` (`count` of them) past [`MAX_ROWS`], not drawn.
    Rest { first: usize, count: usize },
    /// An idle stretch of `ns` nanoseconds before the next packet.
    Idle { ns: i64 },
}

/// A diagram stops after this many rows (about 80,000 units tall): one last marker counts
/// the packets past it, which `tcplens analyze` lists.
pub const MAX_ROWS: usize = 2_000;

/// Whether a packet must be drawn: it carries a lifecycle step, an event, an anomaly, a
/// malformed header, a control flag, or changes an endpoint's state.
fn is_notable(p: &Packet, prev_states: Option<(TcpState, TcpState)>) -> bool {
    let r = &p.rec;
    r.handshake.is_some()
        || r.teardown.is_some()
        || r.event != Event::None
        || r.malformed.is_some()
        || r.is_icmp_quote()
        || p.is_anomalous()
        || r.tcp_flags.syn()
        || r.tcp_flags.fin()
        || r.tcp_flags.rst()
        || prev_states != Some((r.client_state, r.server_state))
}

/// The rows of a diagram: every notable packet, runs of more than `fold` plain packets
/// folded down to their first and last `FOLD_EDGE` packets around one marker, and a
/// marker before each packet that follows an idle stretch (see [`idle_gaps`]).
pub fn rows(packets: &[Packet], fold: usize) -> Vec<Row> {
    let times: Vec<i64> = packets.iter().map(|p| p.t_ns).collect();
    let idle = idle_gaps(&times);
    let idle_before = |i: usize| idle.iter().find(|g| g.0 == i).map(|g| g.1);
    let mut rows = Vec::with_capacity(packets.len().min(4096));
    let mut run_start: Option<usize> = None;
    let mut prev = None;
    let flush = |rows: &mut Vec<Row>, start: usize, end: usize| {
        let len = end - start;
        if fold == 0 || len <= fold || len <= 2 * FOLD_EDGE + 1 {
            rows.extend((start..end).map(Row::Packet));
        } else {
            rows.extend((start..start + FOLD_EDGE).map(Row::Packet));
            rows.push(Row::Fold {
                first: start + FOLD_EDGE,
                count: len - 2 * FOLD_EDGE,
            });
            rows.extend((end - FOLD_EDGE..end).map(Row::Packet));
        }
    };
    for (i, p) in packets.iter().enumerate() {
        let after_idle = idle_before(i);
        let notable =
            i == 0 || i + 1 == packets.len() || after_idle.is_some() || is_notable(p, prev);
        prev = Some((p.rec.client_state, p.rec.server_state));
        if let (Some(ns), true) = (after_idle, notable) {
            if let Some(start) = run_start.take() {
                flush(&mut rows, start, i);
            }
            rows.push(Row::Idle { ns });
        }
        match (notable, run_start) {
            (true, Some(start)) => {
                flush(&mut rows, start, i);
                run_start = None;
                rows.push(Row::Packet(i));
            }
            (true, None) => rows.push(Row::Packet(i)),
            (false, None) => run_start = Some(i),
            (false, Some(_)) => {}
        }
    }
    if let Some(start) = run_start {
        flush(&mut rows, start, packets.len());
    }
    cap_rows(rows, packets.len())
}

/// Ends `rows` at [`MAX_ROWS`], the last one counting the packets not drawn.
fn cap_rows(mut rows: Vec<Row>, total: usize) -> Vec<Row> {
    if rows.len() <= MAX_ROWS {
        return rows;
    }
    rows.truncate(MAX_ROWS - 1);
    let first = rows
        .iter()
        .rev()
        .find_map(|r| match r {
            Row::Packet(i) => Some(i + 1),
            Row::Fold { first, count } | Row::Rest { first, count } => Some(first + count),
            Row::Idle { .. } => None,
        })
        .unwrap_or(0);
    rows.push(Row::Rest {
        first,
        count: total - first,
    });
    rows
}

/// The colour of a packet's arrow: its most serious anomaly decides.
fn colour(p: &Packet) -> &'static str {
    const ORDER: [(Verdict, &str); 15] = [
        (Verdict::Retransmission, "#d62728"),
        (Verdict::FastRetransmission, "#d62728"),
        (Verdict::SpuriousRetransmission, "#d62728"),
        (Verdict::LostSegment, "#d62728"),
        (Verdict::AckLostSegment, "#d62728"),
        (Verdict::OutOfOrder, "#e8740c"),
        (Verdict::DuplicateAck, "#9467bd"),
        (Verdict::ZeroWindow, "#1f5fb4"),
        (Verdict::ZeroWindowProbe, "#1f5fb4"),
        (Verdict::ZeroWindowProbeAck, "#1f5fb4"),
        (Verdict::WindowFull, "#1f5fb4"),
        (Verdict::ReusedPorts, "#8c564b"),
        (Verdict::KeepAlive, "#168a8a"),
        (Verdict::KeepAliveAck, "#168a8a"),
        (Verdict::WindowUpdate, "#168a8a"),
    ];
    if p.rec.event == Event::Rst {
        return "#b00020";
    }
    if p.rec.malformed.is_some() {
        return "#7f7f7f";
    }
    ORDER
        .iter()
        .find(|(v, _)| p.an.verdicts.has(*v))
        .map_or("#333333", |(_, c)| c)
}

/// "\[SYN,ACK\] seq=0 ack=1 len=0": flags and the relative numbers Wireshark shows.
pub fn label(p: &Packet) -> String {
    let r = &p.rec;
    let mut s = String::with_capacity(48);
    let _ = write!(s, "[{}] seq={}", r.tcp_flags, r.seq);
    if let (Some(ack), true) = (r.ack(), r.tcp_flags.ack()) {
        let _ = write!(s, " ack={ack}");
    }
    match r.seg_len() {
        Some(len) => {
            let _ = write!(s, " len={len}");
        }
        None => s.push_str(" (header only)"),
    }
    s
}

/// The anomalies of a packet as a reader meets them: "dup ACK #3 of frame 13", ...
pub fn anomaly_text(lang: Lang, p: &Packet) -> String {
    let pw = lang.pictures();
    let w = &pw.diagram;
    let v = p.an.verdicts;
    // A fast or spurious retransmission is a retransmission: name only the precise one.
    let precise = v.has(Verdict::FastRetransmission) || v.has(Verdict::SpuriousRetransmission);
    let mut parts: Vec<String> = p
        .anomalies()
        .filter(|a| !(precise && *a == Verdict::Retransmission))
        .map(|a| match (a, p.an.dup_ack_num, p.an.dup_ack_frame) {
            (Verdict::DuplicateAck, Some(n), Some(f)) => (w.dup_ack)(n, f),
            _ => (w.verdict)(a).to_string(),
        })
        .collect();
    if p.rec.event == Event::Rst {
        let who = pw.side(p.from());
        parts.push(match p.rec.rst_from {
            Some(state) => (w.reset_by_in)(who, state.name()),
            None => (w.reset_by)(who),
        });
    }
    if let Some(e) = p.rec.malformed {
        parts.push(format!("{}: {e}", w.malformed));
    }
    parts.join(w.list_sep)
}

/// The Wireshark names of a packet's anomalies, comma-separated (the `data-anomalies` value).
fn anomaly_names(p: &Packet) -> String {
    let names: Vec<&str> = p.anomalies().map(Verdict::name).collect();
    names.join(",")
}

// Geometry (user units).
const WIDTH: f64 = 980.0;
const X_FRAME: f64 = 12.0;
const X_TIME: f64 = 62.0;
const X_CLIENT: f64 = 300.0;
const X_SERVER: f64 = 760.0;
const X_BRACKET: f64 = 890.0;
const TOP: f64 = 96.0;
const ROW: f64 = 40.0;
/// How far an arrow drops between sender and receiver: the time the packet travels.
const DROP: f64 = 16.0;

fn x_of(side: Side) -> f64 {
    match side {
        Side::Client => X_CLIENT,
        Side::Server => X_SERVER,
    }
}

/// A bracket beside the ladder: a vertical line over the rows of one phase, a tick and the
/// step number at each step, the phase's name turned along it. Only frames with a step
/// extend it: a late copy of a SYN (`late_syn`) is no handshake step, so the handshake
/// bracket ends at the real handshake. `data-frames` names its first and last frame.
struct Bracket {
    name: &'static str,
    title: &'static str,
    colour: &'static str,
    /// (y, step label, frame)
    steps: Vec<(f64, &'static str, u32)>,
}

impl Bracket {
    fn draw(&self, svg: &mut Svg) {
        let (Some(first), Some(last)) = (self.steps.first(), self.steps.last()) else {
            return;
        };
        let (top, bottom) = (first.0 - 6.0, last.0 + DROP + 6.0);
        svg.group(format_args!(
            "class=\"bracket\" data-phase=\"{}\" data-steps=\"{}\" data-frames=\"{}-{}\"",
            self.name,
            self.steps.len(),
            first.2,
            last.2
        ));
        let stroke = format!("stroke=\"{}\" stroke-width=\"2\"", self.colour);
        svg.line(X_BRACKET, top, X_BRACKET, bottom, &stroke);
        svg.line(X_BRACKET - 8.0, top, X_BRACKET, top, &stroke);
        svg.line(X_BRACKET - 8.0, bottom, X_BRACKET, bottom, &stroke);
        for (y, step, _) in &self.steps {
            let y = y + DROP / 2.0;
            svg.line(X_BRACKET, y, X_BRACKET + 6.0, y, &stroke);
            // A round badge, widened for "2+3".
            let w = 20.0 + 6.0 * (step.len() as f64 - 1.0);
            svg.rect(
                X_BRACKET + 20.0 - w / 2.0,
                y - 14.0,
                w,
                20.0,
                &format!("rx=\"10\" fill=\"{}\"", self.colour),
            );
            svg.text(
                X_BRACKET + 20.0,
                y,
                Anchor::Middle,
                "class=\"step\" fill=\"#ffffff\" font-size=\"10\" font-weight=\"bold\"",
                step,
            );
        }
        let mid = (top + bottom) / 2.0;
        let x = X_BRACKET + 50.0;
        svg.text(
            x,
            mid,
            Anchor::Middle,
            &format!(
                "class=\"phase\" fill=\"{}\" font-weight=\"bold\" transform=\"rotate(90 {x} {mid})\"",
                self.colour
            ),
            self.title,
        );
        svg.end();
    }
}

/// Draws the ladder diagram of `stream` (the part `opts.range` keeps) as a standalone SVG
/// document.
pub fn render(full: &Stream, opts: &Options) -> String {
    let origin = origin_ns(&full.packets);
    let view = opts.range.view(full);
    let stream = &view;
    let rows = rows(&stream.packets, opts.fold);
    let pw = opts.lang.pictures();
    let w = &pw.diagram;
    let height = TOP + rows.len() as f64 * ROW + 40.0;
    let client = stream.endpoint(Side::Client);
    let server = stream.endpoint(Side::Server);
    let title = (w.title)(stream.stream, client, server);
    let mut svg = Svg::new(WIDTH, height, &title);
    svg.background(WIDTH, height);
    let folded: usize = rows
        .iter()
        .map(|r| match r {
            Row::Fold { count, .. } | Row::Rest { count, .. } => *count,
            Row::Packet(_) | Row::Idle { .. } => 0,
        })
        .sum();
    svg.group(format_args!(
        "class=\"ladder\" data-stream=\"{}\" data-packets=\"{}\" data-folded=\"{folded}\"",
        stream.stream,
        stream.packets.len()
    ));
    draw_header(&mut svg, stream, pw, &title, height);
    if !opts.range.is_all() {
        draw_shown(&mut svg, pw, &stream.packets, origin);
    }

    let mut handshake = Bracket {
        name: "handshake",
        title: w.handshake,
        colour: "#2a7f3f",
        steps: Vec::new(),
    };
    let mut teardown = Bracket {
        name: "teardown",
        title: w.teardown,
        colour: "#7a4fa0",
        steps: Vec::new(),
    };
    let mut prev_states: Option<(TcpState, TcpState)> = None;
    let mut text = String::with_capacity(160);
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + i as f64 * ROW + 14.0;
        match *row {
            Row::Packet(idx) => {
                let p = &stream.packets[idx];
                text.clear();
                let _ = explain(opts.lang, &p.rec, &p.an, &mut text);
                let tooltip = (w.packet_tooltip)(p.frame, &text);
                let t = secs(p.t_ns - origin);
                draw_packet(&mut svg, p, t, y, &anomaly_text(opts.lang, p), &tooltip);
                let states = (p.rec.client_state, p.rec.server_state);
                draw_states(&mut svg, prev_states, states, y + DROP);
                prev_states = Some(states);
                if let Some(h) = p.rec.handshake {
                    handshake
                        .steps
                        .push((y, ["1", "2", "3"][h as usize - 1], p.frame));
                }
                if let Some(t) = p.rec.teardown {
                    teardown.steps.push((y, t.label(), p.frame));
                }
            }
            Row::Rest { first, count } => {
                draw_rest(&mut svg, w, &stream.packets[first..first + count], y);
            }
            Row::Idle { ns } => draw_idle(&mut svg, pw, ns, y),
            Row::Fold { first, count } => {
                draw_fold(&mut svg, w, &stream.packets[first..first + count], y);
                if let Some(last) = stream.packets.get(first + count - 1) {
                    prev_states = Some((last.rec.client_state, last.rec.server_state));
                }
            }
        }
    }
    handshake.draw(&mut svg);
    teardown.draw(&mut svg);
    svg.end();
    svg.finish()
}

fn draw_header(svg: &mut Svg, stream: &Stream, pw: &PictureWords, title: &str, height: f64) {
    svg.text(
        WIDTH / 2.0,
        22.0,
        Anchor::Middle,
        "class=\"title\" font-size=\"15\" font-weight=\"bold\"",
        title,
    );
    for side in [Side::Client, Side::Server] {
        let x = x_of(side);
        svg.rect(
            x - 110.0,
            36.0,
            220.0,
            36.0,
            "rx=\"5\" fill=\"#eef2f7\" stroke=\"#55606e\"",
        );
        svg.text(
            x,
            51.0,
            Anchor::Middle,
            "font-weight=\"bold\"",
            pw.side(side),
        );
        svg.text(
            x,
            66.0,
            Anchor::Middle,
            "class=\"endpoint\" font-size=\"11\"",
            stream.endpoint(side),
        );
        svg.line(
            x,
            72.0,
            x,
            height - 20.0,
            "stroke=\"#55606e\" stroke-width=\"2\"",
        );
    }
    svg.text(
        X_FRAME,
        88.0,
        Anchor::Start,
        "fill=\"#55606e\" font-size=\"11\"",
        pw.diagram.frame,
    );
    svg.text(
        X_TIME,
        88.0,
        Anchor::Start,
        "fill=\"#55606e\" font-size=\"11\"",
        pw.diagram.time,
    );
}

/// Under the header of a diagram of part of a connection: which seconds and frames it shows.
fn draw_shown(svg: &mut Svg, pw: &PictureWords, packets: &[Packet], origin: i64) {
    let (Some(first), Some(last)) = (
        packets.iter().min_by_key(|p| p.frame),
        packets.iter().max_by_key(|p| p.frame),
    ) else {
        return;
    };
    let t0 = secs(packets.iter().map(|p| p.t_ns).min().unwrap_or(origin) - origin);
    let t1 = secs(packets.iter().map(|p| p.t_ns).max().unwrap_or(origin) - origin);
    svg.text(
        (X_CLIENT + X_SERVER) / 2.0,
        88.0,
        Anchor::Middle,
        "class=\"shown\" fill=\"#55606e\" font-size=\"11\"",
        &(pw.shown)(t0, t1, first.frame, last.frame),
    );
}

/// An idle stretch: the timelines break and the wait is written across them.
fn draw_idle(svg: &mut Svg, pw: &PictureWords, ns: i64, y: f64) {
    let seconds = secs(ns);
    svg.group(format_args!("class=\"idle\" data-seconds=\"{seconds:.6}\""));
    // White over the timelines, then dotted timelines: the wait is not drawn to scale.
    svg.rect(
        X_CLIENT - 60.0,
        y - 8.0,
        X_SERVER - X_CLIENT + 120.0,
        ROW - 8.0,
        "fill=\"#ffffff\"",
    );
    for x in [X_CLIENT, X_SERVER] {
        svg.line(
            x,
            y - 8.0,
            x,
            y + ROW - 16.0,
            "stroke=\"#55606e\" stroke-width=\"2\" stroke-dasharray=\"2,5\"",
        );
    }
    svg.rect(
        X_CLIENT + 20.0,
        y - 4.0,
        X_SERVER - X_CLIENT - 40.0,
        ROW - 16.0,
        "rx=\"6\" fill=\"#f1f3f5\" stroke=\"#9aa3ad\"",
    );
    svg.text(
        (X_CLIENT + X_SERVER) / 2.0,
        y + 13.0,
        Anchor::Middle,
        "class=\"idle-label\" fill=\"#55606e\" font-style=\"italic\"",
        &(pw.idle)(seconds),
    );
    svg.end();
}

fn draw_packet(svg: &mut Svg, p: &Packet, t: f64, y: f64, anomalies: &str, tooltip: &str) {
    let from = p.from();
    let (x1, x2) = (x_of(from), x_of(from.other()));
    let colour = colour(p);
    svg.group(format_args!(
        "class=\"packet\" data-frame=\"{}\" data-from=\"{}\" data-anomalies=\"{}\"",
        p.frame,
        from.name(),
        esc(&anomaly_names(p))
    ));
    svg.tooltip(tooltip);
    svg.text(
        X_FRAME,
        y + 4.0,
        Anchor::Start,
        "class=\"frame\"",
        &format!("#{}", p.frame),
    );
    svg.text(
        X_TIME,
        y + 4.0,
        Anchor::Start,
        "fill=\"#55606e\"",
        &format!("{t:.6}"),
    );
    let width = if anomalies.is_empty() { "1.5" } else { "2.5" };
    let (tip_x, tip_y) = (x2, y + DROP);
    // Stop the shaft at the arrowhead's base so the tip stays sharp.
    let dir = if x2 > x1 { 1.0 } else { -1.0 };
    let slope = DROP / (x2 - x1).abs();
    svg.line(
        x1,
        y,
        tip_x - dir * 10.0,
        tip_y - 10.0 * slope,
        &format!("class=\"arrow\" stroke=\"{colour}\" stroke-width=\"{width}\""),
    );
    svg.polygon(
        &[
            (tip_x, tip_y),
            (tip_x - dir * 11.0, tip_y - 5.0 - 11.0 * slope),
            (tip_x - dir * 11.0, tip_y + 5.0 - 11.0 * slope),
        ],
        &format!("fill=\"{colour}\""),
    );
    let mid_x = (x1 + x2) / 2.0;
    let mid_y = y + DROP / 2.0;
    svg.text(
        mid_x,
        mid_y - 5.0,
        Anchor::Middle,
        &format!("class=\"label\" fill=\"{colour}\""),
        &label(p),
    );
    if !anomalies.is_empty() {
        svg.text(
            mid_x,
            mid_y + 15.0,
            Anchor::Middle,
            &format!("class=\"anomaly\" fill=\"{colour}\" font-weight=\"bold\" font-size=\"11\""),
            anomalies,
        );
    }
    svg.end();
}

/// Writes each endpoint's state beside its timeline where it differs from before.
fn draw_states(
    svg: &mut Svg,
    prev: Option<(TcpState, TcpState)>,
    now: (TcpState, TcpState),
    y: f64,
) {
    let changed = [
        prev.is_none_or(|p| p.0 != now.0),
        prev.is_none_or(|p| p.1 != now.1),
    ];
    for (side, state, changed) in [
        (Side::Client, now.0, changed[0]),
        (Side::Server, now.1, changed[1]),
    ] {
        if !changed {
            continue;
        }
        let x = x_of(side);
        let (tx, anchor) = match side {
            Side::Client => (x - 10.0, Anchor::End),
            Side::Server => (x + 10.0, Anchor::Start),
        };
        svg.circle(x, y, 4.0, "fill=\"#1d3557\"");
        svg.text(
            tx,
            y + 4.0,
            anchor,
            &format!(
                "class=\"state\" data-side=\"{}\" fill=\"#1d3557\" font-size=\"11\" font-weight=\"bold\"",
                side.name()
            ),
            state.name(),
        );
    }
}

fn draw_fold(svg: &mut Svg, w: &DiagramWords, run: &[Packet], y: f64) {
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return;
    };
    let bytes: u64 = run
        .iter()
        .map(|p| u64::from(p.rec.seg_len().unwrap_or(0)))
        .sum();
    let client = run.iter().filter(|p| p.from() == Side::Client).count();
    svg.group(format_args!(
        "class=\"fold\" data-count=\"{}\" data-first-frame=\"{}\" data-last-frame=\"{}\"",
        run.len(),
        first.frame,
        last.frame
    ));
    svg.tooltip(&(w.fold_tooltip)(&FoldedRun {
        first_frame: first.frame,
        last_frame: last.frame,
        packets: run.len(),
        from_client: client,
        from_server: run.len() - client,
        bytes,
    }));
    svg.text(
        X_FRAME,
        y + 12.0,
        Anchor::Start,
        "fill=\"#55606e\" font-size=\"11\"",
        &format!("#{}–#{}", first.frame, last.frame),
    );
    svg.rect(
        X_CLIENT + 20.0,
        y - 4.0,
        X_SERVER - X_CLIENT - 40.0,
        ROW - 12.0,
        "rx=\"6\" fill=\"#f4f4f4\" stroke=\"#9aa3ad\" stroke-dasharray=\"5,4\"",
    );
    svg.text(
        (X_CLIENT + X_SERVER) / 2.0,
        y + 9.0,
        Anchor::Middle,
        "class=\"fold-label\" font-style=\"italic\"",
        &(w.fold)(run.len()),
    );
    svg.text(
        (X_CLIENT + X_SERVER) / 2.0,
        y + 22.0,
        Anchor::Middle,
        "fill=\"#55606e\" font-size=\"10\"",
        &(w.fold_bytes)(bytes),
    );
    svg.end();
}

/// The marker after the last row: how many packets were not drawn.
fn draw_rest(svg: &mut Svg, w: &DiagramWords, rest: &[Packet], y: f64) {
    let (Some(first), Some(last)) = (rest.first(), rest.last()) else {
        return;
    };
    svg.group(format_args!(
        "class=\"fold rest\" data-count=\"{}\" data-first-frame=\"{}\" data-last-frame=\"{}\"",
        rest.len(),
        first.frame,
        last.frame
    ));
    svg.tooltip(w.rest_hint);
    svg.text(
        X_FRAME,
        y + 12.0,
        Anchor::Start,
        "fill=\"#55606e\" font-size=\"11\"",
        &format!("#{}–#{}", first.frame, last.frame),
    );
    svg.text(
        (X_CLIENT + X_SERVER) / 2.0,
        y + 12.0,
        Anchor::Middle,
        "class=\"fold-label\" font-weight=\"bold\"",
        &(w.rest)(rest.len()),
    );
    svg.end();
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcplens_core::synth::SegBuilder;
    use tcplens_core::{Analyzer, LinkType, Outcome};

    const C: &str = "10.0.0.1:40000";
    const S: &str = "10.0.0.2:80";

    /// A connection with `n` data segments from the client, each ACKed.
    fn packets(n: u32) -> Vec<Packet> {
        let c = |f: &str, seq, ack| SegBuilder::v4(C, S).flags(f).seq(seq).ack(ack);
        let s = |f: &str, seq, ack| SegBuilder::v4(S, C).flags(f).seq(seq).ack(ack);
        let mut segs = vec![c("S", 100, 0), s("SA", 900, 101), c("A", 101, 901)];
        for i in 0..n {
            segs.push(c("PA", 101 + i * 10, 901).payload(b"0123456789"));
            segs.push(s("A", 901, 111 + i * 10));
        }
        let end = 101 + n * 10;
        segs.extend([
            c("FA", end, 901),
            s("FA", 901, end + 1),
            c("A", end + 1, 902),
        ]);
        let mut a = Analyzer::new();
        segs.iter()
            .enumerate()
            .map(|(i, b)| {
                let f = b.raw();
                match a.process(LinkType::Raw, &f, f.len() as u32, i as i64 * 1_000_000) {
                    Outcome::Tcp {
                        segment,
                        record,
                        analysis,
                    } => Packet::new(
                        i as u32 + 1,
                        i as i64 * 1_000_000,
                        &segment,
                        record,
                        analysis,
                    ),
                    o => panic!("{o:?}"),
                }
            })
            .collect()
    }

    fn count(rows: &[Row]) -> (usize, usize) {
        rows.iter().fold((0, 0), |(drawn, folded), r| match r {
            Row::Packet(_) => (drawn + 1, folded),
            Row::Fold { count, .. } | Row::Rest { count, .. } => (drawn, folded + count),
            Row::Idle { .. } => (drawn, folded),
        })
    }

    #[test]
    fn a_long_data_run_folds_to_its_edges() {
        let p = packets(120);
        let rows = rows(&p, 8);
        let (drawn, folded) = count(&rows);
        assert_eq!(drawn + folded, p.len());
        // The handshake, the teardown and the run's edges stay; one marker holds the rest.
        assert_eq!(
            rows.iter()
                .filter(|r| matches!(r, Row::Fold { .. }))
                .count(),
            1
        );
        assert!(folded > 200, "folded {folded}");
        assert!(drawn < 20, "drawn {drawn}");
    }

    #[test]
    fn short_runs_and_fold_zero_draw_everything() {
        let p = packets(3);
        assert!(rows(&p, 8).iter().all(|r| matches!(r, Row::Packet(_))));
        let p = packets(50);
        let all = rows(&p, 0);
        assert_eq!(all.len(), p.len());
        assert!(all.iter().all(|r| matches!(r, Row::Packet(_))));
    }

    #[test]
    fn a_diagram_stops_at_max_rows_and_counts_the_rest() {
        let p = packets(2 * MAX_ROWS as u32);
        let rows = rows(&p, 0);
        assert_eq!(rows.len(), MAX_ROWS);
        let (drawn, folded) = count(&rows);
        assert_eq!(drawn + folded, p.len());
        assert!(matches!(rows.last(), Some(Row::Rest { .. })));
    }

    #[test]
    fn rows_keep_capture_order() {
        let p = packets(40);
        let mut next = 0;
        for r in rows(&p, 6) {
            match r {
                Row::Packet(i) => {
                    assert_eq!(i, next);
                    next += 1;
                }
                Row::Fold { first, count } | Row::Rest { first, count } => {
                    assert_eq!(first, next);
                    next += count;
                }
                Row::Idle { .. } => {}
            }
        }
        assert_eq!(next, p.len());
    }

    #[test]
    fn a_reset_names_its_sender_and_state_in_each_language() {
        let c = |f: &str, seq, ack| SegBuilder::v4(C, S).flags(f).seq(seq).ack(ack);
        let s = |f: &str, seq, ack| SegBuilder::v4(S, C).flags(f).seq(seq).ack(ack);
        let segs = [
            c("S", 100, 0),
            s("SA", 900, 101),
            c("A", 101, 901),
            s("R", 901, 0),
        ];
        let mut a = Analyzer::new();
        let mut last = None;
        for (i, b) in segs.iter().enumerate() {
            let f = b.raw();
            if let Outcome::Tcp {
                segment,
                record,
                analysis,
            } = a.process(LinkType::Raw, &f, f.len() as u32, i as i64)
            {
                last = Some(Packet::new(
                    i as u32 + 1,
                    i as i64,
                    &segment,
                    record,
                    analysis,
                ));
            }
        }
        let rst = last.expect("the RST");
        let state = rst.rec.rst_from.map(|s| s.name());
        let en = anomaly_text(Lang::En, &rst);
        let zh = anomaly_text(Lang::Zh, &rst);
        match state {
            Some(st) => {
                assert_eq!(en, format!("reset by the server in {st}"));
                assert_eq!(zh, format!("服务器在 {st} 状态重置连接"));
            }
            None => {
                assert_eq!(en, "reset by the server");
                assert_eq!(zh, "服务器重置连接");
            }
        }
    }

    #[test]
    fn labels_carry_flags_and_relative_numbers() {
        let p = packets(1);
        assert_eq!(label(&p[0]), "[SYN] seq=0 len=0");
        assert_eq!(label(&p[1]), "[SYN,ACK] seq=0 ack=1 len=0");
        assert_eq!(label(&p[3]), "[PSH,ACK] seq=1 ack=1 len=10");
    }
}
