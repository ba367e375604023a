//! `tcplens graph`: the four views of one direction of a connection that Wireshark's
//! Stream Graphs offer, over time since the connection's first packet.
//!
//! - **sequence**: the time-sequence graph, Stevens style (TCP/IP Illustrated vol. 1;
//!   Wireshark's "tcptrace" graph). Each data segment is a vertical bar from its first to
//!   its last sequence number; the receiver's cumulative ACK (RFC 9293 §3.4) is a step line
//!   under the bars and its advertised window (ACK + scaled window, RFC 7323 §2) a step line
//!   above them; SACK blocks (RFC 2018) are bars of their own. Retransmissions and
//!   out-of-order segments have their own colours.
//! - **throughput**: payload bytes per second of each direction over a sliding window.
//! - **rtt**: each ACK's round-trip time (Wireshark's `tcp.analysis.ack_rtt`).
//! - **window**: the receiver's advertised window and the sender's bytes in flight.
//!
//! In the sequence and window views a zero window (RFC 9293 §3.8.6.1) is a shaded, labelled
//! band and each zero-window probe a labelled mark. Long idle stretches are cut out of the
//! time axis and marked ("… 58.2 s idle …"); time never counts from the capture's start.

use tcplens_core::analysis::Verdict;
use tcplens_core::explain::Lang;
use tcplens_core::record::RecordBits;
use tcplens_core::text::{GraphWords, PictureWords};
use tcplens_core::Side;

use crate::svg::{Anchor, Svg};
use crate::timeline::{origin_ns, secs, Range, TimeAxis};
use crate::trace::{Packet, Stream};

/// The view a graph shows (Wireshark's Stream Graphs: Stevens/tcptrace, Throughput, Round
/// Trip Time, Window Scaling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GraphKind {
    #[default]
    Sequence,
    Throughput,
    Rtt,
    Window,
}

impl GraphKind {
    pub const ALL: [GraphKind; 4] = [
        GraphKind::Sequence,
        GraphKind::Throughput,
        GraphKind::Rtt,
        GraphKind::Window,
    ];

    /// The name `--kind` takes and `data-kind` carries.
    pub fn name(self) -> &'static str {
        match self {
            GraphKind::Sequence => "sequence",
            GraphKind::Throughput => "throughput",
            GraphKind::Rtt => "rtt",
            GraphKind::Window => "window",
        }
    }

    fn idx(self) -> usize {
        self as usize
    }

    /// The class of the picture's group.
    fn class(self) -> &'static str {
        match self {
            GraphKind::Sequence => "tcptrace",
            GraphKind::Throughput => "throughput",
            GraphKind::Rtt => "rtt",
            GraphKind::Window => "window-scaling",
        }
    }
}

/// How a graph is drawn.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub kind: GraphKind,
    /// The direction whose data is drawn; `None` picks the one that sent more bytes.
    pub from: Option<Side>,
    /// The part of the connection shown.
    pub range: Range,
    /// The language of the title, the axes and the legend.
    pub lang: Lang,
}

/// What a data segment was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegKind {
    New,
    Retransmission,
    OutOfOrder,
}

impl SegKind {
    fn of(p: &Packet) -> SegKind {
        let v = p.an.verdicts;
        if v.has(Verdict::Retransmission)
            || v.has(Verdict::FastRetransmission)
            || v.has(Verdict::SpuriousRetransmission)
        {
            SegKind::Retransmission
        } else if v.has(Verdict::OutOfOrder) {
            SegKind::OutOfOrder
        } else {
            SegKind::New
        }
    }

    fn name(self) -> &'static str {
        match self {
            SegKind::New => "new",
            SegKind::Retransmission => "retransmission",
            SegKind::OutOfOrder => "out_of_order",
        }
    }

    fn colour(self) -> &'static str {
        match self {
            SegKind::New => "#1f5fb4",
            SegKind::Retransmission => "#d62728",
            SegKind::OutOfOrder => "#e8740c",
        }
    }
}

/// One data segment: sent at `t`, covering `seq..end` (a SYN or FIN counts one).
#[derive(Debug, Clone, Copy)]
pub struct Bar {
    pub frame: u32,
    pub t: f64,
    pub seq: f64,
    pub end: f64,
    pub kind: SegKind,
    /// How many segments the bar stands for (more than one once thinned).
    pub count: u32,
}

/// The receiver's view at one of its packets: cumulative ACK and the window's right edge.
#[derive(Debug, Clone, Copy)]
pub struct AckPoint {
    pub t: f64,
    pub ack: f64,
    pub window_edge: f64,
}

/// One SACK block the receiver reported.
#[derive(Debug, Clone, Copy)]
pub struct SackBar {
    pub frame: u32,
    pub t: f64,
    pub left: f64,
    pub right: f64,
    /// How many SACK blocks the bar stands for (more than one once thinned).
    pub count: u32,
}

/// The graph's data, before any drawing.
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub bars: Vec<Bar>,
    pub acks: Vec<AckPoint>,
    pub sacks: Vec<SackBar>,
}

/// The side that sent more payload bytes (the client on a tie).
pub fn busier_side(packets: &[Packet]) -> Side {
    let mut bytes = [0u64; 2];
    for p in packets {
        bytes[p.from().idx()] += u64::from(p.rec.seg_len().unwrap_or(0));
    }
    if bytes[1] > bytes[0] {
        Side::Server
    } else {
        Side::Client
    }
}

/// Sorts `stream`'s packets into the bars, ACK points and SACK blocks of the data sent by
/// `from`, timed in seconds since `origin_ns`. Packets whose numbers are not relative
/// (malformed headers) are left out.
pub fn series(packets: &[Packet], from: Side, origin_ns: i64) -> Series {
    let mut s = Series::default();
    for p in packets {
        if !p.rec.bits.has(RecordBits::RELATIVE) {
            continue;
        }
        let t = secs(p.t_ns - origin_ns);
        if p.from() == from {
            let end = p.rec.next_seq().unwrap_or(p.rec.seq);
            if end != p.rec.seq {
                s.bars.push(Bar {
                    frame: p.frame,
                    t,
                    seq: f64::from(p.rec.seq),
                    end: f64::from(end),
                    kind: SegKind::of(p),
                    count: 1,
                });
            }
        } else if p.rec.tcp_flags.ack() {
            let ack = f64::from(p.rec.ack);
            let window = p.an.window_scaled.unwrap_or(u32::from(p.rec.window));
            s.acks.push(AckPoint {
                t,
                ack,
                window_edge: ack + f64::from(window),
            });
            for &(l, r) in p.sack_blocks() {
                s.sacks.push(SackBar {
                    frame: p.frame,
                    t,
                    left: f64::from(l),
                    right: f64::from(r),
                    count: 1,
                });
            }
        }
    }
    s
}

/// Above this many marks of one kind, marks in the same pixel column merge: the picture
/// looks the same and the file stays small enough for a browser.
pub const MAX_MARKS: usize = 4_000;

/// Merges consecutive bars of one kind sent within one pixel column into one bar that
/// spans them, when there are more than [`MAX_MARKS`].
pub fn thin_bars(bars: Vec<Bar>, x: impl Fn(f64) -> f64) -> Vec<Bar> {
    if bars.len() <= MAX_MARKS {
        return bars;
    }
    let mut out: Vec<Bar> = Vec::with_capacity(MAX_MARKS);
    for b in bars {
        if let Some(last) = out.last_mut() {
            if last.kind == b.kind && x(last.t).floor() == x(b.t).floor() {
                last.seq = last.seq.min(b.seq);
                last.end = last.end.max(b.end);
                last.count += b.count;
                continue;
            }
        }
        out.push(b);
    }
    out
}

/// Merges consecutive overlapping or touching SACK blocks within one pixel column, when
/// there are more than [`MAX_MARKS`] (receivers repeat their blocks in every ACK).
pub fn thin_sacks(sacks: Vec<SackBar>, x: impl Fn(f64) -> f64) -> Vec<SackBar> {
    if sacks.len() <= MAX_MARKS {
        return sacks;
    }
    let mut out: Vec<SackBar> = Vec::with_capacity(MAX_MARKS);
    for b in sacks {
        if let Some(last) = out.last_mut() {
            let overlaps = b.left <= last.right && last.left <= b.right;
            if overlaps && x(last.t).floor() == x(b.t).floor() {
                last.left = last.left.min(b.left);
                last.right = last.right.max(b.right);
                last.count += b.count;
                continue;
            }
        }
        out.push(b);
    }
    out
}

/// Keeps, of each run of points in one pixel column, the first, the lowest, the highest
/// and the last, in their order: a line through them looks the same as through all.
pub fn thin_points(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len().min(8 * MAX_MARKS));
    let mut i = 0;
    while i < points.len() {
        let col = points[i].0.floor();
        let mut j = i;
        while j + 1 < points.len() && points[j + 1].0.floor() == col {
            j += 1;
        }
        let run = &points[i..=j];
        let lo = (0..run.len())
            .min_by(|&a, &b| run[a].1.total_cmp(&run[b].1))
            .unwrap_or(0);
        let hi = (0..run.len())
            .max_by(|&a, &b| run[a].1.total_cmp(&run[b].1))
            .unwrap_or(0);
        let mut keep = [0, lo, hi, run.len() - 1];
        keep.sort_unstable();
        let mut prev = None;
        for k in keep {
            if prev != Some(k) {
                out.push(run[k]);
                prev = Some(k);
            }
        }
        i = j + 1;
    }
    out
}

/// A step of 1, 2 or 5 times a power of ten giving about `target` ticks over `range`.
pub fn nice_step(range: f64, target: f64) -> f64 {
    if range <= 0.0 || !range.is_finite() {
        return 1.0;
    }
    let raw = range / target;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// A tick value without float noise: "0.25", "1500", "3".
fn tick_label(v: f64, step: f64) -> String {
    // The step's first significant decimal; the epsilon absorbs log10's rounding at 0.1.
    let decimals = (-step.log10() - 1e-9).ceil().max(0.0) as usize;
    // A tick at zero reached by adding steps can be -0.0000001: show it as 0.
    let v = if v.abs() < step * 1e-6 { 0.0 } else { v };
    format!("{v:.decimals$}")
}

// Geometry.
const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 640.0;
const LEFT: f64 = 100.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 72.0;
const BOTTOM: f64 = 64.0;
/// Room above the highest value, for the zero-window and probe labels.
const HEADROOM: f64 = 1.12;

/// Maps data to the plot area: time through the (possibly broken) axis, values linearly.
struct Plot {
    ax: TimeAxis,
    y0: f64,
    y1: f64,
}

impl Plot {
    fn x(&self, t: f64) -> f64 {
        self.ax.x(t)
    }
    fn y(&self, v: f64) -> f64 {
        let span = (self.y1 - self.y0).max(1e-12);
        HEIGHT - BOTTOM - (v - self.y0) / span * (HEIGHT - TOP - BOTTOM)
    }
}

/// The value range of a plot: from zero (or, for a part of a connection, from just under
/// the lowest value) to a little over the highest.
fn y_range(lo: f64, hi: f64, from_zero: bool) -> (f64, f64) {
    let hi = if hi.is_finite() && hi > 0.0 { hi } else { 1.0 };
    let lo = if from_zero || !lo.is_finite() || lo >= hi {
        0.0
    } else {
        lo
    };
    let y0 = if lo > 0.0 {
        let step = nice_step(hi - lo, 8.0);
        (lo / step).floor() * step
    } else {
        0.0
    };
    (y0, y0 + (hi - y0) * HEADROOM)
}

/// The time unit that keeps tick labels short: milliseconds while the last time is under a
/// second.
fn time_unit(last: f64) -> (&'static str, f64) {
    if last < 1.0 {
        ("ms", 1e3)
    } else {
        ("s", 1.0)
    }
}

/// The byte unit that keeps tick labels short.
fn byte_unit(max: f64) -> (&'static str, f64) {
    if max >= 10e6 {
        ("MB", 1e-6)
    } else if max >= 100e3 {
        ("kB", 1e-3)
    } else {
        ("bytes", 1.0)
    }
}

/// The rate unit that keeps tick labels short.
fn rate_unit(max: f64) -> (&'static str, f64) {
    if max >= 10e6 {
        ("MB/s", 1e-6)
    } else if max >= 10e3 {
        ("kB/s", 1e-3)
    } else {
        ("B/s", 1.0)
    }
}

/// The unit of round-trip times (seconds in): milliseconds, or microseconds on a LAN.
fn rtt_unit(max: f64) -> (&'static str, f64) {
    if max >= 1e-3 {
        ("ms", 1e3)
    } else {
        ("µs", 1e6)
    }
}

const BLUE: &str = "#1f5fb4";
const RED: &str = "#d62728";
const ORANGE: &str = "#e8740c";
const PURPLE: &str = "#9467bd";
const GREEN: &str = "#2a7f3f";
const GOLD: &str = "#b8860b";

/// Draws one view of `stream` as a standalone SVG document.
pub fn render(stream: &Stream, opts: &Options) -> String {
    let origin = origin_ns(&stream.packets);
    let view = opts.range.view(stream);
    let packets = &view.packets;
    let from = opts.from.unwrap_or_else(|| busier_side(&stream.packets));
    let pw = opts.lang.pictures();
    let w = &pw.graph;
    let title = (w.title)(
        stream.stream,
        w.kinds[opts.kind.idx()],
        stream.endpoint(from),
        stream.endpoint(from.other()),
        pw.side(from),
    );
    let times: Vec<f64> = packets.iter().map(|p| secs(p.t_ns - origin)).collect();
    let ax = TimeAxis::new(&times, LEFT, WIDTH - RIGHT);
    let mut svg = Svg::new(WIDTH, HEIGHT, &title);
    svg.background(WIDTH, HEIGHT);
    let g = Frame {
        pw,
        w,
        from,
        origin,
        from_zero: opts.range.is_all(),
    };
    match opts.kind {
        GraphKind::Sequence => sequence(&mut svg, &g, &view, ax),
        GraphKind::Throughput => throughput(&mut svg, &g, &view, ax),
        GraphKind::Rtt => rtt(&mut svg, &g, &view, ax),
        GraphKind::Window => window(&mut svg, &g, &view, ax),
    }
    svg.text(
        WIDTH / 2.0,
        24.0,
        Anchor::Middle,
        "class=\"title\" font-size=\"15\" font-weight=\"bold\"",
        &title,
    );
    if !opts.range.is_all() {
        if let (Some(first), Some(last)) = (
            packets.iter().min_by_key(|p| p.frame),
            packets.iter().max_by_key(|p| p.frame),
        ) {
            let (t0, t1) = times
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &t| {
                    (a.min(t), b.max(t))
                });
            svg.text(
                LEFT,
                62.0,
                Anchor::Start,
                "class=\"shown\" fill=\"#55606e\" font-size=\"11\"",
                &(pw.shown)(t0, t1, first.frame, last.frame),
            );
        }
    }
    svg.end();
    svg.finish()
}

/// What every view shares.
struct Frame<'a> {
    pw: &'a PictureWords,
    w: &'a GraphWords,
    from: Side,
    origin: i64,
    /// Whether the value axis starts at zero (the whole connection) or near the lowest value.
    from_zero: bool,
}

impl Frame<'_> {
    fn t(&self, p: &Packet) -> f64 {
        secs(p.t_ns - self.origin)
    }

    /// Opens the picture's group: its class, kind, stream and direction, and `extra`.
    fn open(&self, svg: &mut Svg, kind: GraphKind, stream: u32, extra: &str) {
        svg.group(format_args!(
            "class=\"graph {}\" data-kind=\"{}\" data-stream=\"{stream}\" data-from=\"{}\"{extra}",
            kind.class(),
            kind.name(),
            self.from.name(),
        ));
    }
}

/// The time-sequence graph.
fn sequence(svg: &mut Svg, g: &Frame<'_>, view: &Stream, ax: TimeAxis) {
    let w = g.w;
    let s = series(&view.packets, g.from, g.origin);
    g.open(
        svg,
        GraphKind::Sequence,
        view.stream,
        &format!(
            " data-segments=\"{}\" data-sacks=\"{}\" data-acks=\"{}\"",
            s.bars.len(),
            s.sacks.len(),
            s.acks.len()
        ),
    );
    let lo = s
        .bars
        .iter()
        .map(|b| b.seq)
        .chain(s.acks.iter().map(|a| a.ack))
        .fold(f64::INFINITY, f64::min);
    let hi = s
        .bars
        .iter()
        .map(|b| b.end)
        .chain(s.acks.iter().map(|a| a.window_edge))
        .chain(s.sacks.iter().map(|b| b.right))
        .fold(1.0, f64::max);
    let (y0, y1) = y_range(lo, hi, g.from_zero);
    let plot = Plot { ax, y0, y1 };
    draw_time_axis(svg, w, &plot);
    draw_breaks(svg, &plot, g.pw);
    let (bu, bf) = byte_unit(y1);
    draw_value_axis(svg, &plot, (bu, bf), &(w.seq_axis)(bu));
    draw_zero_windows(svg, g, &plot, &view.packets);
    let step = |value: fn(&AckPoint) -> f64| -> Vec<(f64, f64)> {
        s.acks.iter().map(|a| (a.t, value(a))).collect()
    };
    step_line(svg, &plot, "class=\"ack-line\"", GREEN, &step(|a| a.ack));
    step_line(
        svg,
        &plot,
        "class=\"window-line\"",
        GOLD,
        &step(|a| a.window_edge),
    );
    let is_empty = s.bars.is_empty();
    for b in &thin_sacks(s.sacks, |t| plot.x(t)) {
        let x = plot.x(b.t) + 2.0;
        svg.group(format_args!(
            "class=\"sack\" data-frame=\"{}\" data-count=\"{}\"",
            b.frame, b.count
        ));
        svg.line(
            x,
            plot.y(b.left),
            x,
            plot.y(b.right),
            "stroke=\"#9467bd\" stroke-width=\"3\" stroke-opacity=\"0.7\"",
        );
        svg.end();
    }
    for b in &thin_bars(s.bars, |t| plot.x(t)) {
        draw_bar(svg, w, &plot, b);
    }
    let colours = [BLUE, RED, ORANGE, PURPLE, GREEN, GOLD];
    let entries: Vec<(&str, &str)> = colours.into_iter().zip(w.legend).collect();
    draw_legend(svg, &entries);
    if is_empty {
        empty(svg, &(w.no_data)(g.pw.side(g.from)));
    }
    svg.end();
}

/// The throughput of each direction: payload bytes over a sliding window, per second.
fn throughput(svg: &mut Svg, g: &Frame<'_>, view: &Stream, ax: TimeAxis) {
    let w = g.w;
    let kept: f64 = ax.pieces.iter().map(|p| p.t1 - p.t0).sum();
    // About forty windows over the time shown, at least a millisecond.
    let win = nice_step(kept, 40.0).max(1e-3);
    let sides = [g.from, g.from.other()];
    let rates: Vec<Vec<(f64, f64)>> = sides
        .iter()
        .map(|&side| sliding_rate(&view.packets, side, g.origin, win))
        .collect();
    let bytes: Vec<u64> = sides
        .iter()
        .map(|&side| {
            view.packets
                .iter()
                .filter(|p| p.from() == side)
                .map(|p| u64::from(p.rec.seg_len().unwrap_or(0)))
                .sum()
        })
        .collect();
    g.open(
        svg,
        GraphKind::Throughput,
        view.stream,
        &format!(
            " data-window=\"{win}\" data-bytes-from=\"{}\" data-bytes-to=\"{}\"",
            bytes[0], bytes[1]
        ),
    );
    let hi = rates.iter().flatten().map(|r| r.1).fold(0.0, f64::max);
    let (y0, y1) = y_range(0.0, hi, true);
    let plot = Plot { ax, y0, y1 };
    draw_time_axis(svg, w, &plot);
    draw_breaks(svg, &plot, g.pw);
    let (ru, rf) = rate_unit(y1);
    let span = if win < 1.0 {
        format!("{} ms", tick_label(win * 1e3, win * 1e3))
    } else {
        format!("{} s", tick_label(win, win))
    };
    draw_value_axis(svg, &plot, (ru, rf), &(w.throughput_axis)(&span, ru));
    let colours = [BLUE, ORANGE];
    for ((side, pts), colour) in sides.iter().zip(&rates).zip(colours) {
        let attrs = format!("class=\"rate-line\" data-side=\"{}\"", side.name());
        step_line(svg, &plot, &attrs, colour, pts);
    }
    let names: Vec<String> = sides
        .iter()
        .map(|&s| (w.direction)(g.pw.side(s), g.pw.side(s.other())))
        .collect();
    let entries: Vec<(&str, &str)> = colours
        .into_iter()
        .zip(names.iter().map(String::as_str))
        .collect();
    draw_legend(svg, &entries);
    if bytes[0] == 0 {
        empty(svg, &(w.no_data)(g.pw.side(g.from)));
    }
    svg.end();
}

/// The payload bytes `side` sent in the `win` seconds up to each moment the sum changes,
/// per second: a step function, exact at every packet and every packet's leaving the window.
pub fn sliding_rate(packets: &[Packet], side: Side, origin: i64, win: f64) -> Vec<(f64, f64)> {
    let mut changes: Vec<(f64, i64)> = Vec::new();
    for p in packets.iter().filter(|p| p.from() == side) {
        let len = i64::from(p.rec.seg_len().unwrap_or(0));
        if len > 0 {
            let t = secs(p.t_ns - origin);
            changes.push((t, len));
            changes.push((t + win, -len));
        }
    }
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::with_capacity(changes.len() + 1);
    if let Some(&(t, _)) = changes.first() {
        out.push((t, 0.0));
    }
    let mut sum = 0i64;
    let mut i = 0;
    while i < changes.len() {
        let t = changes[i].0;
        while i < changes.len() && changes[i].0 == t {
            sum += changes[i].1;
            i += 1;
        }
        out.push((t, sum as f64 / win));
    }
    out
}

/// The round-trip time of each ACK of `from`'s data.
fn rtt(svg: &mut Svg, g: &Frame<'_>, view: &Stream, ax: TimeAxis) {
    let w = g.w;
    let samples: Vec<(u32, f64, f64)> = view
        .packets
        .iter()
        .filter(|p| p.from() != g.from)
        .filter_map(|p| Some((p.frame, g.t(p), secs(p.an.ack_rtt_ns?))))
        .collect();
    g.open(
        svg,
        GraphKind::Rtt,
        view.stream,
        &format!(" data-samples=\"{}\"", samples.len()),
    );
    let hi = samples.iter().map(|s| s.2).fold(0.0, f64::max);
    let (y0, y1) = y_range(0.0, if hi > 0.0 { hi } else { 1e-3 }, true);
    let plot = Plot { ax, y0, y1 };
    draw_time_axis(svg, w, &plot);
    draw_breaks(svg, &plot, g.pw);
    let (u, f) = rtt_unit(y1);
    draw_value_axis(svg, &plot, (u, f), &(w.rtt_axis)(u));
    svg.group(format_args!("class=\"rtt-samples\" fill=\"{BLUE}\""));
    if samples.len() <= MAX_MARKS {
        for &(frame, t, r) in &samples {
            svg.circle(
                plot.x(t),
                plot.y(r),
                2.5,
                &format!("data-frame=\"{frame}\""),
            );
        }
    } else {
        let mut pts: Vec<(f64, f64)> = samples
            .iter()
            .map(|&(_, t, r)| (plot.x(t), plot.y(r)))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (x, y) in thin_points(&pts) {
            svg.circle(x, y, 2.5, "");
        }
    }
    svg.end();
    draw_legend(svg, &[(BLUE, w.rtt_legend)]);
    if samples.is_empty() {
        empty(svg, &(w.no_rtt)(g.pw.side(g.from)));
    }
    svg.end();
}

/// The receiver's advertised window and the sender's bytes in flight.
fn window(svg: &mut Svg, g: &Frame<'_>, view: &Stream, ax: TimeAxis) {
    let w = g.w;
    let advertised: Vec<(f64, f64)> = view
        .packets
        .iter()
        .filter(|p| p.from() != g.from && p.rec.tcp_flags.ack() && !p.rec.tcp_flags.rst())
        .map(|p| (g.t(p), f64::from(receive_window(p))))
        .collect();
    let in_flight: Vec<(u32, f64, f64)> = view
        .packets
        .iter()
        .filter(|p| p.from() == g.from)
        .filter_map(|p| Some((p.frame, g.t(p), f64::from(p.an.bytes_in_flight?))))
        .collect();
    g.open(
        svg,
        GraphKind::Window,
        view.stream,
        &format!(
            " data-windows=\"{}\" data-in-flight=\"{}\"",
            advertised.len(),
            in_flight.len()
        ),
    );
    let hi = advertised
        .iter()
        .map(|a| a.1)
        .chain(in_flight.iter().map(|b| b.2))
        .fold(1.0, f64::max);
    let (y0, y1) = y_range(0.0, hi, true);
    let plot = Plot { ax, y0, y1 };
    draw_time_axis(svg, w, &plot);
    draw_breaks(svg, &plot, g.pw);
    let (bu, bf) = byte_unit(y1);
    draw_value_axis(svg, &plot, (bu, bf), &(w.window_axis)(bu));
    draw_zero_windows(svg, g, &plot, &view.packets);
    step_line(
        svg,
        &plot,
        "class=\"receive-window-line\"",
        GOLD,
        &advertised,
    );
    svg.group(format_args!("class=\"in-flight\" fill=\"{BLUE}\""));
    let mut pts: Vec<(f64, f64)> = in_flight
        .iter()
        .map(|&(_, t, b)| (plot.x(t), plot.y(b)))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let pts = if pts.len() > MAX_MARKS {
        thin_points(&pts)
    } else {
        pts
    };
    for (x, y) in pts {
        svg.circle(x, y, 2.0, "");
    }
    svg.end();
    draw_legend(
        svg,
        &[(GOLD, w.window_legend[0]), (BLUE, w.window_legend[1])],
    );
    if in_flight.is_empty() && advertised.is_empty() {
        empty(svg, &(w.no_data)(g.pw.side(g.from)));
    }
    svg.end();
}

/// The window a packet advertises, scaled when the scale is known.
fn receive_window(p: &Packet) -> u32 {
    p.an.window_scaled.unwrap_or(u32::from(p.rec.window))
}

/// A zero window the receiver advertised: from the packet that closed it to the one that
/// opened it again (or the last packet shown).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZeroWindow {
    pub frame: u32,
    pub t0: f64,
    pub t1: f64,
}

/// The zero windows the receiver of `from`'s data advertised, and the frames and times of
/// `from`'s zero-window probes.
pub fn zero_windows(
    packets: &[Packet],
    from: Side,
    origin: i64,
) -> (Vec<ZeroWindow>, Vec<(u32, f64)>) {
    let mut zw = Vec::new();
    let mut probes = Vec::new();
    let mut open: Option<(u32, f64)> = None;
    let mut last = 0.0f64;
    for p in packets {
        let t = secs(p.t_ns - origin);
        last = last.max(t);
        if p.from() == from {
            if p.an.verdicts.has(Verdict::ZeroWindowProbe) {
                probes.push((p.frame, t));
            }
            continue;
        }
        let f = p.rec.tcp_flags;
        if !f.ack() || f.syn() || f.rst() {
            continue;
        }
        match (receive_window(p) == 0, open) {
            (true, None) => open = Some((p.frame, t)),
            (false, Some((frame, t0))) => {
                zw.push(ZeroWindow { frame, t0, t1: t });
                open = None;
            }
            _ => {}
        }
    }
    if let Some((frame, t0)) = open {
        zw.push(ZeroWindow {
            frame,
            t0,
            t1: last,
        });
    }
    (zw, probes)
}

/// Each zero window as a shaded band named at its top, each probe as a mark named below it;
/// a name that would overlap the one before is left to the tooltip.
fn draw_zero_windows(svg: &mut Svg, g: &Frame<'_>, plot: &Plot, packets: &[Packet]) {
    let (zw, probes) = zero_windows(packets, g.from, g.origin);
    let w = g.w;
    let mut label_end = f64::NEG_INFINITY;
    for z in &zw {
        let (x0, x1) = (plot.x(z.t0), plot.x(z.t1));
        let x1 = x1.max(x0 + 3.0);
        svg.group(format_args!(
            "class=\"zero-window\" data-frame=\"{}\" data-seconds=\"{:.6}\"",
            z.frame,
            z.t1 - z.t0
        ));
        svg.tooltip(&(w.zero_window_tooltip)(z.frame, z.t1 - z.t0));
        svg.rect(
            x0,
            TOP,
            x1 - x0,
            HEIGHT - TOP - BOTTOM,
            "fill=\"#d62728\" fill-opacity=\"0.09\"",
        );
        svg.line(
            x0,
            TOP,
            x0,
            HEIGHT - BOTTOM,
            "stroke=\"#b00020\" stroke-dasharray=\"4,3\"",
        );
        if x0 + 4.0 > label_end {
            svg.text(
                x0 + 4.0,
                TOP + 14.0,
                Anchor::Start,
                "class=\"zero-window-label\" fill=\"#b00020\" font-size=\"11\" font-weight=\"bold\"",
                w.zero_window,
            );
            label_end = x0 + 4.0 + text_width(w.zero_window, 11.0) + 8.0;
        }
        svg.end();
    }
    // Probes too close to label one by one share a label that counts them.
    let mut clusters: Vec<(f64, usize)> = Vec::new();
    for &(frame, t) in &probes {
        let x = plot.x(t);
        svg.group(format_args!("class=\"probe\" data-frame=\"{frame}\""));
        svg.tooltip(&(w.probe_tooltip)(frame));
        let y = TOP + 22.0;
        svg.polygon(
            &[(x - 4.0, y), (x + 4.0, y), (x, y + 7.0)],
            "fill=\"#b00020\"",
        );
        svg.end();
        match clusters.last_mut() {
            Some((x0, n)) if x - *x0 < text_width(&(w.probes)(*n + 1), 10.0) + 6.0 => *n += 1,
            _ => clusters.push((x, 1)),
        }
    }
    for (x, n) in clusters {
        let text = if n == 1 {
            w.probe.to_string()
        } else {
            (w.probes)(n)
        };
        svg.text(
            x + 3.0,
            TOP + 40.0,
            Anchor::Start,
            &format!("class=\"probe-label\" data-count=\"{n}\" fill=\"#b00020\" font-size=\"10\""),
            &text,
        );
    }
}

/// About how wide a text is: 0.6 em per Latin letter, 1 em per CJK character.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f64>()
        * size
}

/// A message in the middle of an empty plot.
fn empty(svg: &mut Svg, message: &str) {
    svg.text(
        (LEFT + WIDTH - RIGHT) / 2.0,
        (TOP + HEIGHT - BOTTOM) / 2.0,
        Anchor::Middle,
        "class=\"empty\" fill=\"#55606e\"",
        message,
    );
}

/// The time axis: each piece between idle breaks gets ticks of its own step, so the labels
/// on each side of a break are true; labels that would overlap are dropped.
fn draw_time_axis(svg: &mut Svg, w: &GraphWords, plot: &Plot) {
    let (ytop, ybot) = (TOP, HEIGHT - BOTTOM);
    svg.rect(
        LEFT,
        ytop,
        WIDTH - RIGHT - LEFT,
        ybot - ytop,
        "fill=\"none\" stroke=\"#55606e\"",
    );
    let (tu, tf) = time_unit(plot.ax.span().1);
    svg.group(format_args!(
        "class=\"axis\" data-axis=\"x\" data-unit=\"{tu}\""
    ));
    let grid = "stroke=\"#e3e7ec\"";
    let mut label_end = f64::NEG_INFINITY;
    for piece in &plot.ax.pieces {
        let (t0, t1) = (piece.t0 * tf, piece.t1 * tf);
        let target = ((piece.x1 - piece.x0) / 70.0).max(1.0);
        let mut step = nice_step(t1 - t0, target);
        // A narrow piece still gets a tick: a finer step until one fits.
        for finer in [3.0, 6.0] {
            if (t0 / step).ceil() * step > t1 {
                step = nice_step(t1 - t0, finer);
            }
        }
        let mut k = (t0 / step).ceil();
        while k * step <= t1 {
            let v = k * step;
            k += 1.0;
            let x = plot.x(v / tf);
            let label = tick_label(v, step);
            let half = text_width(&label, 11.0) / 2.0;
            svg.line(x, ytop, x, ybot, grid);
            svg.line(x, ybot, x, ybot + 5.0, "stroke=\"#55606e\"");
            if x - half > label_end {
                svg.text(x, ybot + 18.0, Anchor::Middle, "font-size=\"11\"", &label);
                label_end = x + half + 6.0;
            }
        }
    }
    svg.text(
        (LEFT + WIDTH - RIGHT) / 2.0,
        HEIGHT - 18.0,
        Anchor::Middle,
        "class=\"axis-label\"",
        &(w.time_axis)(tu),
    );
    svg.end();
}

/// Each idle stretch cut out of the time axis: a hatched band across the plot, broken
/// marks on the axis, and its length written along it.
fn draw_breaks(svg: &mut Svg, plot: &Plot, pw: &PictureWords) {
    let (ytop, ybot) = (TOP, HEIGHT - BOTTOM);
    for (pair, &(a, b)) in plot.ax.pieces.windows(2).zip(&plot.ax.breaks) {
        let (x0, x1) = (pair[0].x1, pair[1].x0);
        let idle = b - a;
        svg.group(format_args!(
            "class=\"idle\" data-from=\"{a:.6}\" data-to=\"{b:.6}\" data-seconds=\"{idle:.6}\""
        ));
        svg.rect(
            x0,
            ytop,
            x1 - x0,
            ybot - ytop,
            "fill=\"#f1f3f5\" stroke=\"#9aa3ad\" stroke-dasharray=\"3,3\"",
        );
        // A zig-zag where the axis is cut.
        for y in [ytop, ybot] {
            svg.polyline(
                &[
                    (x0, y),
                    (x0 + 8.0, y - 5.0),
                    (x0 + 17.0, y + 5.0),
                    (x1 - 8.0, y - 5.0),
                    (x1, y),
                ],
                "stroke=\"#55606e\"",
            );
        }
        let (cx, cy) = ((x0 + x1) / 2.0, (ytop + ybot) / 2.0);
        svg.text(
            cx + 4.0,
            cy,
            Anchor::Middle,
            &format!(
                "class=\"idle-label\" fill=\"#55606e\" font-size=\"11\" font-style=\"italic\" transform=\"rotate(-90 {} {})\"",
                crate::svg::N(cx + 4.0),
                crate::svg::N(cy)
            ),
            &(pw.idle)(idle),
        );
        svg.end();
    }
}

/// The value axis: `unit` is its name and the factor from the data's unit to it.
fn draw_value_axis(svg: &mut Svg, plot: &Plot, unit: (&str, f64), label: &str) {
    let (u, f) = unit;
    let (x0, x1) = (LEFT, WIDTH - RIGHT);
    let step = nice_step((plot.y1 - plot.y0) * f, 8.0);
    svg.group(format_args!(
        "class=\"axis\" data-axis=\"y\" data-unit=\"{}\"",
        crate::svg::esc(u)
    ));
    let mut k = (plot.y0 * f / step).ceil();
    while k * step <= plot.y1 * f {
        let v = k * step;
        k += 1.0;
        let y = plot.y(v / f);
        svg.line(x0, y, x1, y, "stroke=\"#e3e7ec\"");
        svg.line(x0 - 5.0, y, x0, y, "stroke=\"#55606e\"");
        svg.text(
            x0 - 8.0,
            y + 4.0,
            Anchor::End,
            "font-size=\"11\"",
            &tick_label(v, step),
        );
    }
    let (lx, ly) = (22.0, (TOP + HEIGHT - BOTTOM) / 2.0);
    svg.text(
        lx,
        ly,
        Anchor::Middle,
        &format!("class=\"axis-label\" transform=\"rotate(-90 {lx} {ly})\""),
        label,
    );
    svg.end();
}

/// A step line through `points` (time, value) in a group with `attrs` (escaped): each value
/// holds until the next, and the last to the plot's right edge.
fn step_line(svg: &mut Svg, plot: &Plot, attrs: &str, colour: &str, points: &[(f64, f64)]) {
    let mut pts = Vec::with_capacity(points.len() * 2 + 1);
    for (i, &(t, v)) in points.iter().enumerate() {
        let (x, y) = (plot.x(t), plot.y(v));
        if i > 0 {
            let prev = pts.last().map_or(y, |&(_, py)| py);
            pts.push((x, prev));
        }
        pts.push((x, y));
    }
    if let Some(&(_, y)) = pts.last() {
        pts.push((WIDTH - RIGHT, y));
    }
    svg.group(format_args!("{attrs}"));
    svg.polyline(
        &thin_points(&pts),
        &format!("stroke=\"{colour}\" stroke-width=\"1.5\""),
    );
    svg.end();
}

/// A segment as tcptrace draws it: an I-beam from its first to its last sequence number.
fn draw_bar(svg: &mut Svg, w: &GraphWords, plot: &Plot, b: &Bar) {
    let x = plot.x(b.t);
    let (top, bottom) = (plot.y(b.end), plot.y(b.seq));
    // At least 3 units tall, so a one-byte FIN or a small segment stays visible.
    let (top, bottom) = if bottom - top < 3.0 {
        let mid = (top + bottom) / 2.0;
        (mid - 1.5, mid + 1.5)
    } else {
        (top, bottom)
    };
    let colour = b.kind.colour();
    let stroke = format!("stroke=\"{colour}\" stroke-width=\"1.5\"");
    svg.group(format_args!(
        "class=\"segment\" data-frame=\"{}\" data-kind=\"{}\" data-count=\"{}\"",
        b.frame,
        b.kind.name(),
        b.count
    ));
    let mut tip = (w.segment_tooltip)(b.frame, b.seq, b.end, b.kind.name());
    if b.count > 1 {
        tip.push_str(&(w.merged_segments)(b.count));
    }
    svg.tooltip(&tip);
    svg.line(x, top, x, bottom, &stroke);
    svg.line(x - 3.0, top, x + 3.0, top, &stroke);
    svg.line(x - 3.0, bottom, x + 3.0, bottom, &stroke);
    if b.kind != SegKind::New {
        svg.circle(x, top - 5.0, 3.0, &format!("fill=\"{colour}\""));
    }
    svg.end();
}

/// The legend above the plot: a colour swatch and a name for each entry.
fn draw_legend(svg: &mut Svg, entries: &[(&str, &str)]) {
    svg.group(format_args!("class=\"legend\""));
    let mut x = LEFT;
    for (colour, name) in entries {
        svg.rect(x, 36.0, 14.0, 4.0, &format!("fill=\"{colour}\""));
        svg.text(x + 18.0, 42.0, Anchor::Start, "font-size=\"11\"", name);
        x += 30.0 + text_width(name, 11.0);
    }
    svg.end();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(t: f64, seq: f64, kind: SegKind) -> Bar {
        Bar {
            frame: 1,
            t,
            seq,
            end: seq + 10.0,
            kind,
            count: 1,
        }
    }

    #[test]
    fn many_bars_merge_per_pixel_column_and_keep_their_count() {
        let n = MAX_MARKS * 3;
        let mut bars: Vec<Bar> = (0..n)
            .map(|i| bar(i as f64, i as f64 * 10.0, SegKind::New))
            .collect();
        bars[n / 2].kind = SegKind::Retransmission;
        // Ten bars per pixel column.
        let thin = thin_bars(bars, |t| t / 10.0);
        assert!(thin.len() < n / 5, "{}", thin.len());
        assert_eq!(thin.iter().map(|b| b.count as usize).sum::<usize>(), n);
        assert_eq!(
            thin.iter()
                .filter(|b| b.kind == SegKind::Retransmission)
                .count(),
            1
        );
        assert_eq!(thin[0].seq, 0.0);
        assert_eq!(thin[0].end, 100.0);
        // Few bars are left alone.
        let few: Vec<Bar> = (0..10).map(|i| bar(0.0, i as f64, SegKind::New)).collect();
        assert_eq!(thin_bars(few, |t| t).len(), 10);
    }

    #[test]
    fn thinned_points_keep_each_columns_ends_and_extremes() {
        let pts = [
            (0.1, 5.0),
            (0.2, 9.0),
            (0.3, 1.0),
            (0.4, 4.0),
            (0.5, 4.0),
            (1.5, 7.0),
        ];
        assert_eq!(
            thin_points(&pts),
            [(0.1, 5.0), (0.2, 9.0), (0.3, 1.0), (0.5, 4.0), (1.5, 7.0)]
        );
    }

    /// Packets of a client sending `sizes` bytes at `times` (ms), each ACKed 1 ms later by
    /// a server whose window is `windows[i]` after the i-th segment.
    fn flow(times: &[i64], sizes: &[usize], windows: &[u16]) -> Vec<Packet> {
        use tcplens_core::synth::SegBuilder;
        use tcplens_core::{Analyzer, LinkType, Outcome};
        let (c, s) = ("10.0.0.1:40000", "10.0.0.2:80");
        let mut segs = vec![
            (0, SegBuilder::v4(c, s).flags("S").seq(100)),
            (0, SegBuilder::v4(s, c).flags("SA").seq(900).ack(101)),
            (0, SegBuilder::v4(c, s).flags("A").seq(101).ack(901)),
        ];
        let mut seq = 101u32;
        for ((&t, &n), &w) in times.iter().zip(sizes).zip(windows) {
            segs.push((
                t,
                SegBuilder::v4(c, s)
                    .flags("PA")
                    .seq(seq)
                    .ack(901)
                    .payload(&vec![b'x'; n]),
            ));
            seq += n as u32;
            segs.push((
                t + 1,
                SegBuilder::v4(s, c).flags("A").seq(901).ack(seq).window(w),
            ));
        }
        let mut a = Analyzer::new();
        segs.iter()
            .enumerate()
            .filter_map(|(i, (t, b))| {
                let f = b.raw();
                let ns = t * 1_000_000;
                match a.process(LinkType::Raw, &f, f.len() as u32, ns) {
                    Outcome::Tcp {
                        segment,
                        record,
                        analysis,
                    } => Some(Packet::new(i as u32 + 1, ns, &segment, record, analysis)),
                    _ => None,
                }
            })
            .collect()
    }

    #[test]
    fn the_sliding_rate_counts_each_packet_for_one_window() {
        let p = flow(&[10, 20, 100], &[100, 300, 50], &[8000, 8000, 8000]);
        // A 50 ms window: 100 B at 10 ms, 400 B from 20 ms, 300 B once the first leaves at
        // 60 ms, nothing from 70 ms, 50 B at 100 ms until 150 ms.
        let r = sliding_rate(&p, Side::Client, 0, 0.05);
        let want = [
            (0.01, 0.0),
            (0.01, 2000.0),
            (0.02, 8000.0),
            (0.06, 6000.0),
            (0.07, 0.0),
            (0.1, 1000.0),
            (0.15, 0.0),
        ];
        assert_eq!(r.len(), want.len(), "{r:?}");
        for (got, want) in r.iter().zip(want) {
            assert!(
                (got.0 - want.0).abs() < 1e-9 && (got.1 - want.1).abs() < 1e-6,
                "{r:?}"
            );
        }
        assert!(sliding_rate(&p, Side::Server, 0, 0.05).is_empty());
    }

    #[test]
    fn a_zero_window_lasts_until_the_window_opens() {
        let p = flow(
            &[10, 20, 30, 40],
            &[100, 100, 100, 100],
            &[8000, 0, 0, 4000],
        );
        let (zw, probes) = zero_windows(&p, Side::Client, 0);
        // Closed by the ACK at 21 ms, opened by the one at 41 ms.
        assert_eq!(zw.len(), 1);
        assert!((zw[0].t0 - 0.021).abs() < 1e-9 && (zw[0].t1 - 0.041).abs() < 1e-9);
        assert_eq!(zw[0].frame, p[6].frame);
        assert!(probes.is_empty());
        // Still closed at the end: the band runs to the last packet.
        let p = flow(&[10, 20], &[100, 100], &[0, 0]);
        let (zw, _) = zero_windows(&p, Side::Client, 0);
        assert_eq!(zw.len(), 1);
        assert!((zw[0].t1 - 0.021).abs() < 1e-9);
    }

    #[test]
    fn steps_are_one_two_five() {
        assert_eq!(nice_step(10.0, 10.0), 1.0);
        assert_eq!(nice_step(100_000.0, 8.0), 20_000.0);
        assert!((nice_step(0.107, 10.0) - 0.02).abs() < 1e-12);
        assert_eq!(nice_step(0.0, 10.0), 1.0);
    }

    #[test]
    fn tick_labels_have_the_step_s_precision() {
        assert_eq!(tick_label(0.30000000000000004, 0.1), "0.3");
        assert_eq!(tick_label(20000.0, 5000.0), "20000");
        assert_eq!(tick_label(1.25, 0.05), "1.25");
        assert_eq!(tick_label(-1e-12, 20.0), "0");
    }
}
