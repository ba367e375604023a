//! The HTML report: one self-contained page about a capture.
//!
//! The page is well-formed XHTML (it parses as XML as well as HTML), with its CSS, the
//! script that sorts the tables and the pictures (inline SVG) all inside: nothing is
//! fetched. Sections: the connections table, each connection's diagnosis (likely causes
//! with their evidence frames), the anomaly counts per connection, the ladder diagram and
//! time-sequence graph of the connections with the most anomalies, and the explanation of
//! every anomalous packet. In Chinese ([`Lang::Zh`]) the page, the diagnosis and the
//! explanations are Chinese.
//!
//! The caller reads the capture and fills the [`Facts`] (one [`Facts::note`] per TCP
//! frame, the diagnoser's findings through [`Facts::keep_findings`], a [`Conn`] per
//! conversation), loads the [`Facts::picture_streams`], and hands both to [`render`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tcplens_core::analysis::Verdict;
use tcplens_core::diagnosis::Finding;
use tcplens_core::explain::{explain, Lang};
use tcplens_core::text::{PictureWords, ReportWords};
use tcplens_core::{Counters, Side};

use crate::svg::esc;
use crate::trace::{Packet, Stream};
use crate::{diagram, graph};

/// What a report shows.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How many connections get their pictures (those with the most anomalies).
    pub pictures: usize,
    pub lang: Lang,
    pub diagram: diagram::Options,
}

/// Anomalous packets explained in full; past this many the page says how many more there were.
pub const MAX_EXPLAINED: usize = 5_000;
/// Findings kept for the diagnosis section; past this many the page says how many more.
pub const MAX_FINDINGS: usize = 5_000;

/// One anomalous packet, as the report lists it.
#[derive(Debug, Clone)]
pub struct Explained {
    pub frame: u32,
    pub t_ns: i64,
    pub stream: u32,
    pub from: Side,
    pub verdicts: Vec<Verdict>,
    pub text: String,
}

/// A connection row of the report: the `conns` record.
pub use tcplens_core::record::ConnRecord as Conn;

/// Everything the first pass over the capture learns.
#[derive(Debug, Default)]
pub struct Facts {
    pub counters: Counters,
    /// In stream order.
    pub conns: Vec<Conn>,
    /// Anomalous packets per stream, and per verdict.
    pub anomalies: BTreeMap<u32, [u64; Verdict::ALL.len()]>,
    /// Anomalous packets per stream (a packet with several verdicts counts once).
    pub anomalous: BTreeMap<u32, u64>,
    pub explained: Vec<Explained>,
    /// Anomalous packets past [`MAX_EXPLAINED`].
    pub unexplained: u64,
    /// The likely causes, in the order the diagnoser found them.
    pub findings: Vec<Finding>,
    /// Findings past [`MAX_FINDINGS`].
    pub more_findings: u64,
    /// Why the capture ended early, when it did (the page shows it as a warning).
    pub broke: Option<String>,
}

impl Facts {
    /// Counts one TCP frame of the capture, in capture order, and explains it in `lang`
    /// when it is anomalous (up to [`MAX_EXPLAINED`]).
    pub fn note(&mut self, p: &Packet, lang: Lang) {
        if !p.is_anomalous() {
            return;
        }
        let stream = p.rec.stream;
        *self.anomalous.entry(stream).or_insert(0) += 1;
        let counts = self
            .anomalies
            .entry(stream)
            .or_insert([0; Verdict::ALL.len()]);
        for (i, v) in Verdict::ALL.iter().enumerate() {
            if p.anomalies().any(|s| s == *v) {
                counts[i] += 1;
            }
        }
        if self.explained.len() >= MAX_EXPLAINED {
            self.unexplained += 1;
            return;
        }
        let mut text = String::with_capacity(256);
        let _ = explain(lang, &p.rec, &p.an, &mut text);
        self.explained.push(Explained {
            frame: p.frame,
            t_ns: p.t_ns,
            stream,
            from: p.from(),
            verdicts: p.anomalies().collect(),
            text,
        });
    }

    /// Moves new findings into the facts, up to [`MAX_FINDINGS`].
    pub fn keep_findings(&mut self, new: &mut Vec<Finding>) {
        for f in new.drain(..) {
            // A revision replaces the finding it revises, if that one was kept.
            if f.revises || self.findings.len() < MAX_FINDINGS {
                tcplens_core::diagnosis::absorb(&mut self.findings, f);
            } else {
                self.more_findings += 1;
            }
        }
    }

    /// Anomalous packets of `stream`.
    pub fn anomalous_packets(&self, stream: u32) -> u64 {
        self.anomalous.get(&stream).copied().unwrap_or(0)
    }

    /// The streams that get pictures: the most anomalous packets first, then the lower
    /// stream number; at most `n`, and only streams with an anomaly unless none has one.
    pub fn picture_streams(&self, n: usize) -> Vec<u32> {
        let mut ranked: Vec<(u64, u32)> = self
            .conns
            .iter()
            .map(|c| (self.anomalous_packets(c.stream), c.stream))
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let any = ranked.first().is_some_and(|r| r.0 > 0);
        ranked
            .into_iter()
            .filter(|r| !any || r.0 > 0)
            .take(n)
            .map(|r| r.1)
            .collect()
    }
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 24px auto; padding: 0 24px; max-width: 1400px; color: #1c2430; background: #ffffff; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 19px; margin-top: 32px; border-bottom: 2px solid #d8dee6; padding-bottom: 4px; }
h3 { font-size: 16px; }
p.capture { color: #55606e; margin-top: 0; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #d8dee6; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: ' \\2195'; color: #9aa3ad; }
table.sortable th[aria-sort='ascending']::after { content: ' \\2191'; color: #1c2430; }
table.sortable th[aria-sort='descending']::after { content: ' \\2193'; color: #1c2430; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.anomalous td.anom { color: #b00020; font-weight: bold; }
span.verdict { display: inline-block; border-radius: 3px; padding: 0 5px; margin: 1px 2px; background: #fde8e8; color: #8a1020; font-size: 12px; }
div.table-box { max-width: 100%; overflow-x: auto; border: 1px solid #d8dee6; margin: 8px 0; }
div.table-box table { margin: 0; }
figure { margin: 12px 0; }
figcaption { color: #55606e; font-size: 13px; margin-bottom: 4px; }
div.zoom { margin: 4px 0; }
div.zoom button { font-size: 12px; margin-right: 4px; padding: 2px 8px; cursor: pointer; }
div.zoom output { color: #55606e; font-size: 12px; margin-left: 4px; }
div.picture-box { max-width: 100%; max-height: 90vh; overflow: auto; border: 1px solid #d8dee6; }
div.picture-box svg { display: block; max-width: none; }
nav a { margin-right: 16px; }
";

const SCRIPT: &str = "
document.querySelectorAll('table.sortable').forEach(function (table) {
  var heads = table.querySelectorAll('th');
  heads.forEach(function (th, col) {
    th.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var numeric = th.getAttribute('data-type') === 'num';
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var cell = row.cells[col];
        var v = cell.getAttribute('data-v');
        if (v === null) { v = cell.textContent; }
        return numeric ? parseFloat(v) : v;
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var c = numeric ? x - y : String(x).localeCompare(String(y));
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
";

/// The zoom buttons of the pictures: each figure.zoomable scales its SVG (through its
/// viewBox, so it stays sharp) inside a scrolling box, or opens it alone in a new tab.
const ZOOM_SCRIPT: &str = "
document.querySelectorAll('figure.zoomable').forEach(function (fig) {
  var svg = fig.querySelector('svg');
  var box = fig.querySelector('div.picture-box');
  var shown = fig.querySelector('output');
  if (!svg || !box) { return; }
  var base = parseFloat(svg.getAttribute('width')) || svg.getBoundingClientRect().width;
  var ratio = (parseFloat(svg.getAttribute('height')) || base) / base;
  var scale = 1;
  function apply() {
    svg.setAttribute('width', String(base * scale));
    svg.setAttribute('height', String(base * scale * ratio));
    if (shown) { shown.textContent = Math.round(scale * 100) + '%'; }
  }
  fig.querySelectorAll('button[data-zoom]').forEach(function (b) {
    b.addEventListener('click', function () {
      var z = b.getAttribute('data-zoom');
      if (z === 'in') { scale = Math.min(scale * 1.5, 8); }
      else if (z === 'out') { scale = Math.max(scale / 1.5, 0.2); }
      else if (z === 'fit') { scale = (box.clientWidth - 2) / base; }
      else if (z === 'open') {
        var doc = new Blob([new XMLSerializer().serializeToString(svg)], {type: 'image/svg+xml'});
        window.open(URL.createObjectURL(doc), '_blank');
        return;
      }
      apply();
    });
  });
});
";

/// Nanoseconds as seconds.
fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

/// A number cell that sorts by `v` and shows `shown`.
fn num_cell(out: &mut String, v: impl std::fmt::Display, shown: &str) {
    let _ = write!(out, "<td class=\"num\" data-v=\"{v}\">{}</td>", esc(shown));
}

fn text_cell(out: &mut String, s: &str) {
    let _ = write!(out, "<td>{}</td>", esc(s));
}

const SECTION_IDS: [&str; 5] = [
    "connections",
    "diagnosis",
    "anomalies",
    "pictures",
    "packets",
];

/// The page about the capture at `path` (only its file name is shown), from what the
/// passes found: the facts, and the packets of the pictured streams.
pub fn render(path: &str, facts: &Facts, streams: &[Stream], opts: &Options) -> String {
    let pw = opts.lang.pictures();
    let w = &pw.report;
    let mut out = String::with_capacity(64 << 10);
    let name = std::path::Path::new(path)
        .file_name()
        .map_or(path.to_string(), |n| n.to_string_lossy().into_owned());
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"{l}\" xml:lang=\"{l}\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"generator\" content=\"tcplens {v}\"/>\n<title>{t}: {n}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        l = w.html_lang,
        // The workspace's version, which the tcplens binary shares.
        v = env!("CARGO_PKG_VERSION"),
        t = w.title,
        n = esc(&name)
    );
    let c = &facts.counters;
    let summary = (w.summary)([
        c.frames,
        c.tcp,
        c.not_tcp,
        c.undecodable_total(),
        facts.conns.len() as u64,
        facts.explained.len() as u64 + facts.unexplained,
    ]);
    let _ = write!(
        out,
        "<h1>{}: {}</h1>\n<p class=\"capture\">{}</p>\n",
        w.title,
        esc(&name),
        esc(&summary)
    );
    if let Some(b) = &facts.broke {
        let _ = writeln!(out, "<p class=\"warning\">{}</p>", esc(b));
    }
    out.push_str("<nav>");
    for (id, label) in SECTION_IDS.iter().zip(w.nav) {
        let _ = write!(out, "<a href=\"#{id}\">{label}</a>");
    }
    out.push_str("</nav>\n");
    connections_table(&mut out, w, facts);
    diagnosis(&mut out, w, opts.lang, facts);
    anomaly_table(&mut out, w, facts);
    pictures(&mut out, w, streams, opts);
    explanations(&mut out, pw, facts);
    let _ = write!(
        out,
        "<script>//<![CDATA[{SCRIPT}{ZOOM_SCRIPT}//]]></script>\n</body>\n</html>\n"
    );
    out
}

fn section(out: &mut String, w: &ReportWords, i: usize) {
    let _ = write!(
        out,
        "<section id=\"{}\">\n<h2>{}</h2>\n",
        SECTION_IDS[i], w.nav[i]
    );
}

fn connections_table(out: &mut String, w: &ReportWords, facts: &Facts) {
    // Which columns sort as numbers.
    const NUMERIC: [bool; 18] = [
        true, false, false, true, true, true, true, true, true, true, false, false, false, true,
        true, true, true, true,
    ];
    section(out, w, 0);
    let _ = write!(
        out,
        "<p>{}</p>\n<div class=\"table-box\">\n<table class=\"sortable\" id=\"conns\">\n<thead><tr>",
        w.sort_hint
    );
    for (h, num) in w.conn_heads.iter().zip(NUMERIC) {
        let _ = write!(
            out,
            "<th{}>{}</th>",
            if num { " data-type=\"num\"" } else { "" },
            esc(h)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in &facts.conns {
        let anomalous = facts.anomalous_packets(r.stream);
        let _ = write!(
            out,
            "<tr data-stream=\"{}\"{}>",
            r.stream,
            if anomalous > 0 {
                " class=\"anomalous\""
            } else {
                ""
            }
        );
        num_cell(out, r.stream, &r.stream.to_string());
        text_cell(out, &r.client.to_string());
        text_cell(out, &r.server.to_string());
        let (first, duration) = (secs(r.first_ns), secs(r.duration_ns));
        num_cell(out, first, &format!("{first:.6}"));
        num_cell(out, duration, &format!("{duration:.6}"));
        num_cell(out, r.packets_client, &r.packets_client.to_string());
        num_cell(out, r.bytes_client, &r.bytes_client.to_string());
        num_cell(out, r.packets_server, &r.packets_server.to_string());
        num_cell(out, r.bytes_server, &r.bytes_server.to_string());
        match r.handshake_rtt_ns.map(secs) {
            Some(v) => num_cell(out, v * 1e3, &format!("{:.3}", v * 1e3)),
            None => num_cell(out, -1, "-"),
        }
        text_cell(out, &format!("{}/{}", r.client_state, r.server_state));
        text_cell(
            out,
            if r.history.is_empty() {
                "-"
            } else {
                &r.history
            },
        );
        text_cell(out, r.conn_state);
        for side in [Side::Client, Side::Server] {
            match r.retrans_share(side) {
                Some(v) => num_cell(out, v * 100.0, &format!("{:.1}", v * 100.0)),
                None => num_cell(out, -1, "-"),
            }
        }
        for d in &r.dirs {
            match d.rtt.map(|t| secs(t.avg_ns) * 1e3) {
                Some(v) => num_cell(out, v, &format!("{v:.3}")),
                None => num_cell(out, -1, "-"),
            }
        }
        let _ = write!(
            out,
            "<td class=\"num anom\" data-v=\"{anomalous}\">{anomalous}</td>"
        );
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

/// Each connection's likely causes, in frame order, with their evidence frames.
fn diagnosis(out: &mut String, w: &ReportWords, lang: Lang, facts: &Facts) {
    section(out, w, 1);
    let _ = writeln!(out, "<p>{}</p>", w.diagnosis_intro);
    if facts.findings.is_empty() {
        let _ = write!(out, "<p class=\"none\">{}</p>\n</section>\n", w.no_findings);
        return;
    }
    let mut by_stream: BTreeMap<u32, Vec<&Finding>> = BTreeMap::new();
    for f in &facts.findings {
        by_stream.entry(f.stream).or_default().push(f);
    }
    let mut text = String::with_capacity(256);
    for (stream, mut list) in by_stream {
        list.sort_by_key(|f| f.frame);
        // The rows are in stream order.
        let ends = facts
            .conns
            .binary_search_by_key(&stream, |c| c.stream)
            .ok()
            .and_then(|i| facts.conns.get(i))
            .map(|c| format!(": {} ⇄ {}", c.client, c.server))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<div class=\"diagnosis\" data-stream=\"{stream}\">\n<h3>{} {stream}{}</h3>\n<ul>\n",
            w.stream,
            esc(&ends)
        );
        for f in list {
            text.clear();
            let _ = f.write_text(lang, &mut text);
            let frames: Vec<String> = f.frames.iter().map(u32::to_string).collect();
            // The text opens with the cause's title: set the title in bold.
            let title = f.cause().title(lang);
            let rest = text
                .strip_prefix(title)
                .map_or_else(|| format!(": {text}"), str::to_string);
            let _ = writeln!(
                out,
                "<li data-cause=\"{}\" data-frame=\"{}\"><strong>{}</strong>{} <span class=\"frames\">({} {})</span></li>",
                f.cause().name(),
                f.frame,
                esc(title),
                esc(&rest),
                w.evidence,
                frames.join(", ")
            );
        }
        out.push_str("</ul>\n</div>\n");
    }
    if facts.more_findings > 0 {
        let _ = writeln!(
            out,
            "<p class=\"more\">{}</p>",
            esc(&(w.more)(facts.more_findings))
        );
    }
    out.push_str("</section>\n");
}

fn anomaly_table(out: &mut String, w: &ReportWords, facts: &Facts) {
    section(out, w, 2);
    // Only the verdicts that occur get a column.
    let seen: Vec<usize> = (0..Verdict::ALL.len())
        .filter(|&i| facts.anomalies.values().any(|c| c[i] > 0))
        .collect();
    if seen.is_empty() {
        let _ = write!(
            out,
            "<p class=\"none\">{}</p>\n</section>\n",
            w.no_anomalies
        );
        return;
    }
    let _ = write!(
        out,
        "<p>{}</p>\n<div class=\"table-box\">\n<table class=\"sortable\" id=\"anomaly-counts\">\n<thead><tr><th data-type=\"num\">{}</th>",
        w.counts_intro, w.conn_heads[0]
    );
    for &i in &seen {
        let _ = write!(
            out,
            "<th data-type=\"num\" data-verdict=\"{0}\">{0}</th>",
            Verdict::ALL[i].name()
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (stream, counts) in &facts.anomalies {
        let _ = write!(out, "<tr data-stream=\"{stream}\">");
        num_cell(out, stream, &stream.to_string());
        for &i in &seen {
            num_cell(out, counts[i], &counts[i].to_string());
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn pictures(out: &mut String, w: &ReportWords, streams: &[Stream], opts: &Options) {
    section(out, w, 3);
    if streams.is_empty() {
        let _ = writeln!(out, "<p class=\"none\">{}</p>", w.no_tcp);
    }
    for s in streams {
        let _ = write!(
            out,
            "<div class=\"pictures\" data-stream=\"{0}\">\n<h3>{1} {0}: {2} ⇄ {3}</h3>\n",
            s.stream,
            w.stream,
            esc(&s.endpoints[0]),
            esc(&s.endpoints[1])
        );
        figure(
            out,
            w,
            "diagram",
            w.diagram_caption,
            &diagram::render(s, &opts.diagram),
        );
        figure(
            out,
            w,
            "graph",
            w.graph_caption,
            &graph::render(
                s,
                &graph::Options {
                    lang: opts.lang,
                    ..graph::Options::default()
                },
            ),
        );
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

/// A picture with its caption and zoom buttons, in a box that scrolls when zoomed in.
fn figure(out: &mut String, w: &ReportWords, class: &str, caption: &str, svg: &str) {
    let [zoom_out, fit, zoom_in, open] = w.zoom;
    let _ = write!(
        out,
        "<figure class=\"{class} zoomable\">\n<figcaption>{caption}</figcaption>\n<div class=\"zoom\"><button type=\"button\" data-zoom=\"out\">{zoom_out}</button><button type=\"button\" data-zoom=\"fit\">{fit}</button><button type=\"button\" data-zoom=\"in\">{zoom_in}</button><button type=\"button\" data-zoom=\"open\">{open}</button><output>100%</output></div>\n<div class=\"picture-box\">{svg}</div>\n</figure>\n"
    );
}

fn explanations(out: &mut String, pw: &PictureWords, facts: &Facts) {
    let w = &pw.report;
    section(out, w, 4);
    if facts.explained.is_empty() {
        let _ = write!(
            out,
            "<p class=\"none\">{}</p>\n</section>\n",
            w.no_anomalous
        );
        return;
    }
    let [frame, time, stream, from, verdicts, explanation] = w.packet_heads;
    let _ = write!(
        out,
        "<table class=\"sortable\" id=\"explanations\">\n<thead><tr><th data-type=\"num\">{frame}</th><th data-type=\"num\">{time}</th><th data-type=\"num\">{stream}</th><th>{from}</th><th>{verdicts}</th><th>{explanation}</th></tr></thead>\n<tbody>\n"
    );
    for e in &facts.explained {
        let names: Vec<&str> = e.verdicts.iter().map(|v| v.name()).collect();
        let _ = write!(
            out,
            "<tr data-frame=\"{}\" data-verdicts=\"{}\">",
            e.frame,
            names.join(",")
        );
        num_cell(out, e.frame, &e.frame.to_string());
        let t = e.t_ns as f64 / 1e9;
        num_cell(out, t, &format!("{t:.6}"));
        num_cell(out, e.stream, &e.stream.to_string());
        text_cell(out, pw.side(e.from));
        out.push_str("<td>");
        for n in &names {
            let _ = write!(out, "<span class=\"verdict\">{n}</span>");
        }
        out.push_str("</td>");
        text_cell(out, &e.text);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if facts.unexplained > 0 {
        let _ = writeln!(
            out,
            "<p class=\"more\">{}</p>",
            esc(&(w.more)(facts.unexplained))
        );
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    fn conn(stream: u32) -> Conn {
        let end = |port| tcplens_core::flow::Endpoint {
            addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
            port,
        };
        Conn {
            stream,
            client: end(40000),
            server: end(80),
            client_by: tcplens_core::flow::ClientBy::Syn,
            first_ns: 0,
            last_ns: 1_500_000,
            duration_ns: 1_500_000,
            packets_client: 3,
            bytes_client: 10,
            packets_server: 2,
            bytes_server: 0,
            handshake_rtt_ns: None,
            client_state: tcplens_core::TcpState::Established,
            server_state: tcplens_core::TcpState::Established,
            history: String::new(),
            conn_state: "S1",
            first_epoch_ns: 0,
            community_id: Default::default(),
            dirs: Default::default(),
            vantage: tcplens_core::statistics::Vantage::Unknown,
        }
    }

    fn options(lang: Lang) -> Options {
        Options {
            pictures: 2,
            lang,
            diagram: diagram::Options {
                fold: 8,
                lang,
                ..diagram::Options::default()
            },
        }
    }

    #[test]
    fn the_most_anomalous_streams_get_pictures_lower_stream_first_on_a_tie() {
        let mut facts = Facts {
            conns: (0..4).map(conn).collect(),
            ..Facts::default()
        };
        // Without any anomaly the first streams are drawn.
        assert_eq!(facts.picture_streams(2), [0, 1]);
        facts.anomalous.extend([(3, 5), (1, 5), (2, 1)]);
        assert_eq!(facts.picture_streams(2), [1, 3]);
        // Only streams with an anomaly, once one has one.
        assert_eq!(facts.picture_streams(9), [1, 3, 2]);
    }

    #[test]
    fn findings_past_the_cap_are_counted_not_kept() {
        let finding = |frame| Finding {
            stream: 0,
            frame,
            frames: vec![frame],
            side: Side::Client,
            detail: tcplens_core::diagnosis::Detail::SegmentLostBeforeCapture {
                gap_frame: frame,
                seq: 1,
                bytes: 10,
                dup_acks: 0,
                trigger: None,
                evidence: Default::default(),
            },
            revises: false,
        };
        let mut facts = Facts::default();
        let mut new: Vec<Finding> = (0..MAX_FINDINGS as u32 + 3).map(finding).collect();
        facts.keep_findings(&mut new);
        assert!(new.is_empty());
        assert_eq!(facts.findings.len(), MAX_FINDINGS);
        assert_eq!(facts.more_findings, 3);
        assert_eq!(
            facts.findings.last().map(|f| f.frame),
            Some(MAX_FINDINGS as u32 - 1)
        );
    }

    #[test]
    fn a_page_is_whole_in_each_language_with_its_warning_escaped() {
        let facts = Facts {
            conns: vec![conn(0)],
            broke: Some("cut <short> & done".into()),
            ..Facts::default()
        };
        for (lang, html_lang) in [(Lang::En, "en"), (Lang::Zh, "zh-CN")] {
            let page = render("/some/dir/cap.pcap", &facts, &[], &options(lang));
            assert!(page.starts_with("<!DOCTYPE html>\n<html "));
            assert!(page.contains(&format!("lang=\"{html_lang}\"")));
            assert!(page.contains(": cap.pcap</title>"));
            assert!(!page.contains("/some/dir"));
            assert!(page.contains("<p class=\"warning\">cut &lt;short&gt; &amp; done</p>"));
            assert!(page.contains("<tr data-stream=\"0\">"));
            assert!(page.ends_with("</body>\n</html>\n"));
        }
    }
}
