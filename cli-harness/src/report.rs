//! `tcplens report`: one self-contained HTML page about a capture.
//!
//! The page is well-formed XHTML (it parses as XML as well as HTML), with its CSS, the
//! script that sorts the tables and the pictures (inline SVG) all inside: nothing is
//! fetched. Sections: the connections table, the anomaly counts per connection, the
//! ladder diagram and time-sequence graph of the connections with the most anomalies, and
//! the explanation of every anomalous packet.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tcplens_core::analysis::Verdict;
use tcplens_core::explain::explain_en;
use tcplens_core::{Analyzer, Counters};

use crate::conns::ConnRow;
use crate::error::CliError;
use crate::svg::esc;
use crate::trace::{scan, Packet, Stream};
use crate::{diagram, graph};

/// What a report shows.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How many connections get their pictures (those with the most anomalies).
    pub pictures: usize,
    pub diagram: diagram::Options,
}

/// Anomalous packets explained in full; past this many the page says how many more there were.
pub const MAX_EXPLAINED: usize = 5_000;

/// One anomalous packet, as the report lists it.
#[derive(Debug, Clone)]
pub struct Explained {
    pub frame: u32,
    pub t_ns: i64,
    pub stream: u32,
    pub from: &'static str,
    pub verdicts: Vec<Verdict>,
    pub text: String,
}

/// Everything the first pass over the capture learns.
#[derive(Debug, Default)]
pub struct Facts {
    pub counters: Counters,
    pub conns: Vec<ConnRow>,
    /// Anomalous packets per stream, and per verdict.
    pub anomalies: BTreeMap<u32, [u64; Verdict::ALL.len()]>,
    pub explained: Vec<Explained>,
    /// Anomalous packets past [`MAX_EXPLAINED`].
    pub unexplained: u64,
    /// Why the capture ended early, when it did.
    pub broke: Option<String>,
}

impl Facts {
    /// Reads the capture once: conversations, anomaly counts and explanations.
    pub fn gather(path: &str) -> Result<Facts, CliError> {
        let mut analyzer = Analyzer::new();
        let mut facts = Facts::default();
        let mut text = String::with_capacity(256);
        let end = scan(path, &mut analyzer, |n, t, seg, rec, an| {
            let p = Packet::new(n, t, seg, *rec, *an);
            if !p.is_anomalous() {
                return;
            }
            let counts = facts
                .anomalies
                .entry(rec.stream)
                .or_insert([0; Verdict::ALL.len()]);
            for (i, v) in Verdict::ALL.iter().enumerate() {
                if p.anomalies().any(|s| s == *v) {
                    counts[i] += 1;
                }
            }
            if facts.explained.len() >= MAX_EXPLAINED {
                facts.unexplained += 1;
                return;
            }
            text.clear();
            let _ = explain_en(rec, &mut text);
            facts.explained.push(Explained {
                frame: n,
                t_ns: t,
                stream: rec.stream,
                from: rec.sender().name(),
                verdicts: p.anomalies().collect(),
                text: text.clone(),
            });
        })?;
        // Connection times count from the capture's first frame, as in `conns`.
        let start = end.first_ns.unwrap_or(0);
        facts.conns = analyzer
            .conversations()
            .iter()
            .map(|c| ConnRow::new(c, start))
            .collect();
        facts.counters = *analyzer.counters();
        facts.broke = end.broke.map(|e| e.to_string());
        Ok(facts)
    }

    /// Anomalous packets of `stream`.
    pub fn anomalous_packets(&self, stream: u32) -> u64 {
        // A packet can carry several verdicts; count it once: the most any verdict has is
        // a lower bound, the explained list gives the exact number when it is complete.
        if self.unexplained == 0 {
            return self.explained.iter().filter(|e| e.stream == stream).count() as u64;
        }
        self.anomalies
            .get(&stream)
            .map_or(0, |c| c.iter().copied().max().unwrap_or(0))
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

/// Builds the report of the capture at `path`. It reads the capture twice (facts, then the
/// packets of the pictured streams), so `path` must be a file.
pub fn build(path: &str, opts: &Options) -> Result<String, CliError> {
    if path == "-" {
        return Err(CliError::Unreadable {
            name: "<stdin>".into(),
            reason: "`report` reads the capture twice; give it a file".into(),
        });
    }
    let facts = Facts::gather(path)?;
    let pictured = facts.picture_streams(opts.pictures);
    let (streams, _) = Stream::load_many(path, &pictured)?;
    Ok(render(path, &facts, &streams, opts))
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 24px auto; max-width: 1240px; color: #1c2430; background: #ffffff; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 19px; margin-top: 32px; border-bottom: 2px solid #d8dee6; padding-bottom: 4px; }
h3 { font-size: 16px; }
p.capture { color: #55606e; margin-top: 0; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #d8dee6; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: ' \\2195'; color: #9aa3ad; }
table.sortable th[aria-sort='ascending']::after { content: ' \\2191'; color: #1c2430; }
table.sortable th[aria-sort='descending']::after { content: ' \\2193'; color: #1c2430; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.anomalous td.anom { color: #b00020; font-weight: bold; }
span.verdict { display: inline-block; border-radius: 3px; padding: 0 5px; margin: 1px 2px; background: #fde8e8; color: #8a1020; font-size: 12px; }
figure { margin: 12px 0; overflow-x: auto; }
figcaption { color: #55606e; font-size: 13px; margin-bottom: 4px; }
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

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A number cell that sorts by `v` and shows `shown`.
fn num_cell(out: &mut String, v: impl std::fmt::Display, shown: &str) {
    let _ = write!(out, "<td class=\"num\" data-v=\"{v}\">{}</td>", esc(shown));
}

fn text_cell(out: &mut String, s: &str) {
    let _ = write!(out, "<td>{}</td>", esc(s));
}

/// The page, from what the passes found.
pub fn render(path: &str, facts: &Facts, streams: &[Stream], opts: &Options) -> String {
    let mut out = String::with_capacity(64 << 10);
    let name = std::path::Path::new(path)
        .file_name()
        .map_or(path.to_string(), |n| n.to_string_lossy().into_owned());
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" xml:lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"generator\" content=\"tcplens {}\"/>\n<title>tcplens report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&name)
    );
    let c = &facts.counters;
    let _ = write!(
        out,
        "<h1>tcplens report: {}</h1>\n<p class=\"capture\">{} frames, {} TCP, {} not TCP, {} undecodable; {} connection{}, {} anomalous packet{}.</p>\n",
        esc(&name),
        c.frames,
        c.tcp,
        c.not_tcp,
        c.undecodable_total(),
        facts.conns.len(),
        plural(facts.conns.len() as u64),
        facts.explained.len() as u64 + facts.unexplained,
        plural(facts.explained.len() as u64 + facts.unexplained),
    );
    if let Some(b) = &facts.broke {
        let _ = writeln!(out, "<p class=\"warning\">{}</p>", esc(b));
    }
    out.push_str("<nav><a href=\"#connections\">Connections</a><a href=\"#anomalies\">Anomaly counts</a><a href=\"#pictures\">Pictures</a><a href=\"#packets\">Anomalous packets</a></nav>\n");
    connections_table(&mut out, facts);
    anomaly_table(&mut out, facts);
    pictures(&mut out, streams, opts);
    explanations(&mut out, facts);
    let _ = write!(
        out,
        "<script>//<![CDATA[{SCRIPT}//]]></script>\n</body>\n</html>\n"
    );
    out
}

fn connections_table(out: &mut String, facts: &Facts) {
    const HEAD: [(&str, bool); 14] = [
        ("stream", true),
        ("client", false),
        ("server", false),
        ("first (s)", true),
        ("duration (s)", true),
        ("packets →", true),
        ("bytes →", true),
        ("packets ←", true),
        ("bytes ←", true),
        ("handshake RTT (ms)", true),
        ("states (client/server)", false),
        ("history", false),
        ("conn_state", false),
        ("anomalous packets", true),
    ];
    out.push_str("<section id=\"connections\">\n<h2>Connections</h2>\n<p>Click a column to sort by it. → is client to server.</p>\n<table class=\"sortable\" id=\"conns\">\n<thead><tr>");
    for (h, num) in HEAD {
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
        text_cell(out, &r.client);
        text_cell(out, &r.server);
        num_cell(out, r.first, &format!("{:.6}", r.first));
        num_cell(out, r.duration, &format!("{:.6}", r.duration));
        num_cell(out, r.packets_client, &r.packets_client.to_string());
        num_cell(out, r.bytes_client, &r.bytes_client.to_string());
        num_cell(out, r.packets_server, &r.packets_server.to_string());
        num_cell(out, r.bytes_server, &r.bytes_server.to_string());
        match r.handshake_rtt {
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
        let _ = write!(
            out,
            "<td class=\"num anom\" data-v=\"{anomalous}\">{anomalous}</td>"
        );
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn anomaly_table(out: &mut String, facts: &Facts) {
    out.push_str("<section id=\"anomalies\">\n<h2>Anomaly counts</h2>\n");
    // Only the verdicts that occur get a column.
    let seen: Vec<usize> = (0..Verdict::ALL.len())
        .filter(|&i| facts.anomalies.values().any(|c| c[i] > 0))
        .collect();
    if seen.is_empty() {
        out.push_str("<p class=\"none\">No packet has a tcp.analysis verdict.</p>\n</section>\n");
        return;
    }
    out.push_str("<p>Packets per Wireshark <code>tcp.analysis</code> verdict, per connection.</p>\n<table class=\"sortable\" id=\"anomaly-counts\">\n<thead><tr><th data-type=\"num\">stream</th>");
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
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn pictures(out: &mut String, streams: &[Stream], opts: &Options) {
    out.push_str("<section id=\"pictures\">\n<h2>Pictures</h2>\n");
    if streams.is_empty() {
        out.push_str("<p class=\"none\">The capture has no TCP connection.</p>\n");
    }
    for s in streams {
        let _ = write!(
            out,
            "<div class=\"pictures\" data-stream=\"{0}\">\n<h3>Stream {0}: {1} ⇄ {2}</h3>\n",
            s.stream,
            esc(&s.endpoints[0]),
            esc(&s.endpoints[1])
        );
        let _ = write!(
            out,
            "<figure class=\"diagram\">\n<figcaption>Ladder diagram: one arrow per packet; plain data runs folded. Hover an arrow for its explanation.</figcaption>\n{}\n</figure>\n",
            diagram::render(s, &opts.diagram)
        );
        let _ = write!(
            out,
            "<figure class=\"graph\">\n<figcaption>Time-sequence graph (tcptrace style) of the direction that sent more data.</figcaption>\n{}\n</figure>\n</div>\n",
            graph::render(s, &graph::Options::default())
        );
    }
    out.push_str("</section>\n");
}

fn explanations(out: &mut String, facts: &Facts) {
    out.push_str("<section id=\"packets\">\n<h2>Anomalous packets</h2>\n");
    if facts.explained.is_empty() {
        out.push_str("<p class=\"none\">No anomalous packet.</p>\n</section>\n");
        return;
    }
    out.push_str("<table class=\"sortable\" id=\"explanations\">\n<thead><tr><th data-type=\"num\">frame</th><th data-type=\"num\">time (s)</th><th data-type=\"num\">stream</th><th>from</th><th>verdicts</th><th>explanation</th></tr></thead>\n<tbody>\n");
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
        text_cell(out, e.from);
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
            "<p class=\"more\">… and {} more anomalous packets (the first {MAX_EXPLAINED} are listed).</p>",
            facts.unexplained
        );
    }
    out.push_str("</section>\n");
}
