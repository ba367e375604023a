//! `tcplens graph`: the time-sequence graph of one direction of a connection, Stevens
//! style (TCP/IP Illustrated vol. 1; Wireshark's "tcptrace" graph).
//!
//! Time runs right, the relative sequence number up. Each data segment is a vertical bar
//! from its first to its last sequence number; the receiver's cumulative ACK (RFC 9293
//! §3.4) is a step line under the bars and its advertised window (ACK + scaled window,
//! RFC 7323 §2) a step line above them; SACK blocks (RFC 2018) are bars of their own.
//! Retransmissions and out-of-order segments have their own colours.

use tcplens_core::analysis::Verdict;
use tcplens_core::explain::Lang;
use tcplens_core::record::RecordBits;
use tcplens_core::text::GraphWords;
use tcplens_core::Side;

use crate::svg::{Anchor, Svg};
use crate::trace::{Packet, Stream};

/// How a graph is drawn.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The direction whose data is drawn; `None` picks the one that sent more bytes.
    pub from: Option<Side>,
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
/// `from`. Packets whose numbers are not relative (malformed headers) are left out.
pub fn series(packets: &[Packet], from: Side) -> Series {
    let mut s = Series::default();
    for p in packets {
        if !p.rec.bits.has(RecordBits::RELATIVE) {
            continue;
        }
        let t = p.t_ns as f64 / 1e9;
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
const HEIGHT: f64 = 620.0;
const LEFT: f64 = 100.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 64.0;

/// Maps data coordinates to the plot area.
struct Scale {
    t0: f64,
    t1: f64,
    y0: f64,
    y1: f64,
}

impl Scale {
    fn x(&self, t: f64) -> f64 {
        LEFT + (t - self.t0) / (self.t1 - self.t0) * (WIDTH - LEFT - RIGHT)
    }
    fn y(&self, v: f64) -> f64 {
        HEIGHT - BOTTOM - (v - self.y0) / (self.y1 - self.y0) * (HEIGHT - TOP - BOTTOM)
    }
}

/// The time unit that keeps tick labels short.
fn time_unit(span: f64) -> (&'static str, f64) {
    if span < 1.0 {
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

/// Draws the time-sequence graph of `stream` as a standalone SVG document.
pub fn render(stream: &Stream, opts: &Options) -> String {
    let from = opts.from.unwrap_or_else(|| busier_side(&stream.packets));
    let s = series(&stream.packets, from);
    let pw = opts.lang.pictures();
    let w = &pw.graph;
    let title = (w.title)(
        stream.stream,
        stream.endpoint(from),
        stream.endpoint(from.other()),
        pw.side(from),
    );
    let mut svg = Svg::new(WIDTH, HEIGHT, &title);
    svg.background(WIDTH, HEIGHT);
    svg.group(format_args!(
        "class=\"tcptrace\" data-stream=\"{}\" data-from=\"{}\" data-segments=\"{}\" data-sacks=\"{}\" data-acks=\"{}\"",
        stream.stream,
        from.name(),
        s.bars.len(),
        s.sacks.len(),
        s.acks.len()
    ));
    svg.text(
        WIDTH / 2.0,
        24.0,
        Anchor::Middle,
        "class=\"title\" font-size=\"15\" font-weight=\"bold\"",
        &title,
    );
    let scale = scale_of(stream, &s);
    draw_axes(&mut svg, w, &scale);
    draw_lines(&mut svg, &scale, &s.acks);
    let is_empty = s.bars.is_empty();
    for b in &thin_sacks(s.sacks, |t| scale.x(t)) {
        let x = scale.x(b.t) + 2.0;
        svg.group(format_args!(
            "class=\"sack\" data-frame=\"{}\" data-count=\"{}\"",
            b.frame, b.count
        ));
        svg.line(
            x,
            scale.y(b.left),
            x,
            scale.y(b.right),
            "stroke=\"#9467bd\" stroke-width=\"3\" stroke-opacity=\"0.7\"",
        );
        svg.end();
    }
    for b in &thin_bars(s.bars, |t| scale.x(t)) {
        draw_bar(&mut svg, w, &scale, b);
    }
    draw_legend(&mut svg, w);
    if is_empty {
        svg.text(
            (LEFT + WIDTH - RIGHT) / 2.0,
            HEIGHT / 2.0,
            Anchor::Middle,
            "fill=\"#55606e\"",
            &(w.no_data)(pw.side(from)),
        );
    }
    svg.end();
    svg.finish()
}

fn scale_of(stream: &Stream, s: &Series) -> Scale {
    let times = stream.packets.iter().map(|p| p.t_ns as f64 / 1e9);
    let t0 = times.clone().fold(f64::INFINITY, f64::min);
    let t1 = times.fold(f64::NEG_INFINITY, f64::max);
    let (t0, t1) = if t0.is_finite() { (t0, t1) } else { (0.0, 1.0) };
    let pad = ((t1 - t0) * 0.02).max(1e-6);
    let top = s
        .bars
        .iter()
        .map(|b| b.end)
        .chain(s.acks.iter().map(|a| a.window_edge))
        .chain(s.sacks.iter().map(|b| b.right))
        .fold(1.0, f64::max);
    Scale {
        t0: t0 - pad,
        t1: t1 + pad,
        y0: 0.0,
        y1: top * 1.04,
    }
}

fn draw_axes(svg: &mut Svg, w: &GraphWords, sc: &Scale) {
    let (x0, x1) = (LEFT, WIDTH - RIGHT);
    let (ytop, ybot) = (TOP, HEIGHT - BOTTOM);
    svg.rect(
        x0,
        ytop,
        x1 - x0,
        ybot - ytop,
        "fill=\"none\" stroke=\"#55606e\"",
    );
    let grid = "stroke=\"#e3e7ec\"";
    let (tu, tf) = time_unit(sc.t1 - sc.t0);
    let step = nice_step((sc.t1 - sc.t0) * tf, 10.0);
    let mut v = ((sc.t0 * tf) / step).ceil() * step;
    svg.group(format_args!(
        "class=\"axis\" data-axis=\"x\" data-unit=\"{tu}\""
    ));
    while v <= sc.t1 * tf {
        let x = sc.x(v / tf);
        svg.line(x, ytop, x, ybot, grid);
        svg.line(x, ybot, x, ybot + 5.0, "stroke=\"#55606e\"");
        svg.text(
            x,
            ybot + 18.0,
            Anchor::Middle,
            "font-size=\"11\"",
            &tick_label(v, step),
        );
        v += step;
    }
    svg.text(
        (x0 + x1) / 2.0,
        HEIGHT - 18.0,
        Anchor::Middle,
        "class=\"axis-label\"",
        &(w.time_axis)(tu),
    );
    svg.end();
    let (bu, bf) = byte_unit(sc.y1);
    let step = nice_step((sc.y1 - sc.y0) * bf, 8.0);
    let mut v = 0.0;
    svg.group(format_args!(
        "class=\"axis\" data-axis=\"y\" data-unit=\"{bu}\""
    ));
    while v <= sc.y1 * bf {
        let y = sc.y(v / bf);
        svg.line(x0, y, x1, y, grid);
        svg.line(x0 - 5.0, y, x0, y, "stroke=\"#55606e\"");
        svg.text(
            x0 - 8.0,
            y + 4.0,
            Anchor::End,
            "font-size=\"11\"",
            &tick_label(v, step),
        );
        v += step;
    }
    let (lx, ly) = (22.0, (ytop + ybot) / 2.0);
    svg.text(
        lx,
        ly,
        Anchor::Middle,
        &format!("class=\"axis-label\" transform=\"rotate(-90 {lx} {ly})\""),
        &(w.seq_axis)(bu),
    );
    svg.end();
}

/// The ACK and window step lines: each holds its value until the next ACK moves it.
fn draw_lines(svg: &mut Svg, sc: &Scale, acks: &[AckPoint]) {
    let step_line = |value: fn(&AckPoint) -> f64| {
        let mut pts = Vec::with_capacity(acks.len() * 2 + 1);
        for (i, a) in acks.iter().enumerate() {
            let (x, y) = (sc.x(a.t), sc.y(value(a)));
            if i > 0 {
                let prev = pts.last().map_or(y, |&(_, py)| py);
                pts.push((x, prev));
            }
            pts.push((x, y));
        }
        if let Some(&(_, y)) = pts.last() {
            pts.push((WIDTH - RIGHT, y));
        }
        thin_points(&pts)
    };
    svg.group(format_args!("class=\"ack-line\""));
    svg.polyline(
        &step_line(|a| a.ack),
        "stroke=\"#2a7f3f\" stroke-width=\"1.5\"",
    );
    svg.end();
    svg.group(format_args!("class=\"window-line\""));
    svg.polyline(
        &step_line(|a| a.window_edge),
        "stroke=\"#b8860b\" stroke-width=\"1.5\"",
    );
    svg.end();
}

/// A segment as tcptrace draws it: an I-beam from its first to its last sequence number.
fn draw_bar(svg: &mut Svg, w: &GraphWords, sc: &Scale, b: &Bar) {
    let x = sc.x(b.t);
    let (top, bottom) = (sc.y(b.end), sc.y(b.seq));
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

fn draw_legend(svg: &mut Svg, w: &GraphWords) {
    const COLOURS: [&str; 6] = [
        "#1f5fb4", "#d62728", "#e8740c", "#9467bd", "#2a7f3f", "#b8860b",
    ];
    svg.group(format_args!("class=\"legend\""));
    let mut x = LEFT;
    for (colour, name) in COLOURS.iter().zip(w.legend) {
        svg.rect(x, 34.0, 14.0, 4.0, &format!("fill=\"{colour}\""));
        svg.text(x + 18.0, 40.0, Anchor::Start, "font-size=\"11\"", name);
        // About 7 units per Latin letter and 12 per CJK character at this size.
        let width: f64 = name
            .chars()
            .map(|c| if c.is_ascii() { 7.0 } else { 12.0 })
            .sum();
        x += 26.0 + width;
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
